"""What the salesperson owes, most urgent first: replies, follow-ups, overdue contacts.

Replies: every open inquiry not yet replied, against its clock (target 2 h, limit 24 h,
fax 12 h, from Settings). Follow-ups: by grade cadence from the last contact, at least
every half month for an open inquiry, an explicit Next follow-up date winning.
Samples: a sample awaiting feedback is chased N days after it was sent (domain.samples);
quotes the buyer has not answered after N days, and buyers silent for twice their cadence
(domain.chases). The channel of each comes from domain.channels, the one rule.
Urgency is lateness × grade weight, in the spirit of taskwarrior's urgency.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from inquiry_cli.contract import needs
from inquiry_cli.contract.records import Workbook
from inquiry_cli.domain import chases, linking, model
from inquiry_cli.domain.cadence import Due, next_due
from inquiry_cli.domain.channels import Channel, channel_of, choose
from inquiry_cli.domain.countries import country_code, time_zone
from inquiry_cli.domain.settings import Settings
from inquiry_cli.errors import ContractError, UsageError

GRADE_WEIGHT = {"A": 4.0, "B": 3.0, "C": 2.0, "D": 1.5}
LATE_SATURATION_DAYS = 14
# Where the working week is not Monday-Friday (weekday numbers, Monday = 0).
WEEKEND = {
    **dict.fromkeys(
        ("SA", "QA", "KW", "OM", "BH", "EG", "JO", "IQ", "YE", "DZ", "LY", "SD"), (4, 5)
    ),
    "IR": (4,),
    "AF": (3, 4),
}


@dataclass(slots=True)
class LocalTime:
    zone: str
    time: dt.datetime
    business_hours: bool


@dataclass(slots=True)
class Item:
    """One line of the due list."""

    kind: str  # "reply", "follow-up", "sample" or "quote"
    buyer: model.Buyer | None
    inquiry: model.Inquiry | None
    due_at: dt.datetime  # when it falls (reply deadline, follow-up day)
    late: bool
    overdue: dt.timedelta  # how late (zero when not late)
    urgency: float
    via: Channel
    detail: str  # "reply by 11:40 (2 h), at the latest tomorrow 09:40", "grade A: ..."
    last_contact: model.Contact | None
    last_contact_at: dt.datetime | None
    local: LocalTime | None
    products: list[str]
    reply_by: dt.datetime | None = None  # a reply's target (2 h)
    silent: chases.Silence | None = None  # not heard from for twice their cadence
    window_ends: dt.datetime | None = None  # an Alibaba.com reply's 24 h window
    warning: str | None = None  # that window is about to close
    basis: str | None = None  # a follow-up's date: the user's own, or a cadence's (Due.basis)
    untimed: bool = False  # a reply owed on an inquiry received on a date with no time

    @property
    def days_late(self) -> int:
        return self.overdue.days

    @property
    def channel(self) -> str:
        return self.via.name


def horizon(when: str, now: dt.datetime) -> tuple[dt.date, bool]:
    """(last day included, overdue only) for today/tomorrow/week/overdue/DATE/+3d."""
    from inquiry_cli.dates import parse_user_date

    word = when.strip().lower()
    today = now.date()
    if word == "today":
        return today, False
    if word == "tomorrow":
        return today + dt.timedelta(days=1), False
    if word == "week":
        return today + dt.timedelta(days=6), False
    if word == "overdue":
        return today - dt.timedelta(days=1), True
    from inquiry_cli.dates import DateOutOfRange

    try:
        return parse_user_date(when, base=now).date(), False
    except DateOutOfRange:
        raise
    except UsageError:
        raise UsageError(
            f"cannot read {when!r}: use today, tomorrow, week, overdue, a date or +3d"
        ) from None


def local_time(buyer: model.Buyer, now: dt.datetime, s: Settings) -> LocalTime | None:
    """The buyer's wall-clock time now, and whether they are at work."""
    code = country_code(buyer.country)
    zone = time_zone(code, buyer.city)
    if zone is None:
        return None
    return _local_at(zone, code, now, s.timezone, _window(s.business_hours))


@lru_cache(maxsize=8)
def _window(hours: str) -> tuple[int, int]:
    """Settings' business hours read once a run, not once a buyer."""
    return Settings(business_hours=hours).business_window()


@lru_cache(maxsize=512)
def _local_at(
    zone: str, code: str | None, now: dt.datetime, home_zone: str, window: tuple[int, int]
) -> LocalTime:
    """Per zone, not per buyer: 10,000 buyers share a few dozen zones."""
    try:
        home = ZoneInfo(home_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ContractError(f"Settings: timezone {home_zone!r} is not a time zone name") from None
    there = now.replace(tzinfo=home).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    start, end = window
    minute = there.hour * 60 + there.minute
    working_day = there.weekday() not in WEEKEND.get(code or "", (5, 6))
    return LocalTime(zone, there, working_day and start <= minute < end)


@dataclass(slots=True)
class Page:
    """The most urgent items in full, and what the rest add up to (a long list's table)."""

    items: list[Item]
    more: int  # items past the page
    replies: int  # owed in the whole list
    late: int
    total: int
    warnings: list[str]  # of the whole list (an Alibaba.com window about to close)


def due_list(book: Workbook, now: dt.datetime, when: str = "today") -> list[Item]:
    """Every reply and follow-up due by the horizon, most urgent first."""
    return rank(book, now, when).items(now)


def due_page(book: Workbook, now: dt.datetime, when: str, limit: int | None) -> Page:
    """The first `limit` items of due_list (all with None), and counts of the whole list:
    only the items shown are worked out in full (the channel, the words, local time)."""
    return rank(book, now, when).page(now, limit)


def page_of(items: list[Item], limit: int | None) -> Page:
    """due_page of a list worked out in full already."""
    return _page(list(map(_built, items)), limit)


def _page(ranked: list[_Entry], limit: int | None) -> Page:
    shown = ranked if limit is None else ranked[:limit]
    return Page(
        items=[e.build() for e in shown],
        more=len(ranked) - len(shown),
        replies=sum(1 for e in ranked if e.kind == "reply"),
        late=sum(1 for e in ranked if e.late),
        total=len(ranked),
        warnings=[e.warning for e in ranked if e.warning],
    )


@dataclass(slots=True)
class _Entry:
    """An item as ranked: what orders and counts it, and how to work it out in full."""

    key: tuple[float, dt.datetime, int]
    kind: str
    late: bool
    build: Callable[[], Item]
    warning: str | None = None  # (only replies have one, and they are worked out at once)


def _built(item: Item) -> _Entry:
    key = (-item.urgency, item.due_at, item.buyer.row if item.buyer else 0)
    return _Entry(key, item.kind, item.late, lambda: item, item.warning)


def _key(entry: _Entry) -> tuple[float, dt.datetime, int]:
    return entry.key


@dataclass(slots=True)
class _FollowUp:
    """A buyer's follow-up as ranked, worked out in full when called (_follow_up_item):
    a slotted record costs half a partial and its arguments, 40,000 times over."""

    buyer: model.Buyer
    due: Due
    late: int
    contact: model.Contact | None
    last: dt.datetime | None
    open_inqs: list[model.Inquiry]
    latest_word: dt.datetime | None
    run: tuple[dt.datetime, Settings, Any]  # now, settings, silence cutoffs: one per ranking

    def __call__(self) -> Item:
        now, s, cutoffs = self.run
        return _follow_up_item(
            self.buyer, self.due, self.late, now, s, self.contact, self.last,
            self.open_inqs, self.latest_word, cutoffs,
        )  # fmt: skip


@dataclass(slots=True)
class Owed:
    """A reply owed: the inquiry, its buyer (None: a sender not in Buyers) and the
    buyer's last contact. Worked out against the clock of each run."""

    inquiry: model.Inquiry
    buyer: model.Buyer | None
    contact: model.Contact | None


@dataclass
class Ranking:
    """Every item due by the horizon, in two parts. The replies owed run by the hour and
    are worked out each run; the rest (follow-ups, samples, quotes: thousands on a long
    neglected list) depend on the day alone, are ranked from their date and grade, and
    are worked out when asked. The second part is what a digest keeps (Digest)."""

    settings: Settings
    owed: list[Owed]
    others: list[_Entry]  # most urgent first
    day: dt.date  # the day they were ranked on
    last_day: dt.date
    overdue_only: bool

    def entries(self, now: dt.datetime) -> list[_Entry]:
        """All of them, most urgent first: the replies ranked at `now` among the rest."""
        replies: list[_Entry] = []
        for owed in self.owed:
            item = _reply_item(owed.inquiry, owed.buyer, now, self.settings, owed.contact)
            if item.late or not self.overdue_only:
                replies.append(_built(item))
        replies.sort(key=_key)
        # (as one stable sort of replies then the rest: on a tie the reply comes first)
        return list(heapq.merge(replies, self.others, key=_key))

    def items(self, now: dt.datetime) -> list[Item]:
        return [e.build() for e in self.entries(now)]

    def page(self, now: dt.datetime, limit: int | None) -> Page:
        return _page(self.entries(now), limit)

    def digest(self) -> Digest:
        """What a later run of the same day needs to rank and show the same list."""
        return Digest(
            settings=self.settings,
            owed=self.owed,
            keys=[e.key for e in self.others],
            kinds=[e.kind for e in self.others],
            late=[e.late for e in self.others],
            day=self.day,
            last_day=self.last_day,
            overdue_only=self.overdue_only,
        )


@dataclass
class Digest:
    """A Ranking without its records: plain values a cache file can keep, and the items
    of `others`, in their order, kept beside them (item_at gives item i back)."""

    settings: Settings
    owed: list[Owed]
    keys: list[tuple[float, dt.datetime, int]]
    kinds: list[str]
    late: list[bool]
    day: dt.date
    last_day: dt.date
    overdue_only: bool

    def answers(self, now: dt.datetime, when: str) -> bool:
        """Whether this digest is of the list `due WHEN` asks for at `now`."""
        return (now.date(), *horizon(when, now)) == (self.day, self.last_day, self.overdue_only)

    def ranking(self, item_at: Callable[[int], Item], now: dt.datetime) -> Ranking:
        """The Ranking again; item i is fetched when shown, its local time worked out at
        `now` (the one part of it that runs by the minute)."""
        if not len(self.keys) == len(self.kinds) == len(self.late):
            raise ValueError("a digest whose parts disagree")
        s = self.settings

        def build(i: int) -> Item:
            item = item_at(i)
            if not isinstance(item, Item) or item.kind != self.kinds[i]:
                raise ValueError("a digest whose items are not its list")
            item.local = local_time(item.buyer, now, s) if item.buyer is not None else None
            return item

        rows = zip(self.keys, self.kinds, self.late, strict=True)
        others = [_Entry(k, kd, late, partial(build, i)) for i, (k, kd, late) in enumerate(rows)]
        return Ranking(s, self.owed, others, self.day, self.last_day, self.overdue_only)


def rank(book: Workbook, now: dt.datetime, when: str) -> Ranking:
    """Every item due by the horizon, most urgent first; follow-ups (thousands, on a long
    neglected list) ranked from their date and grade alone, worked out when asked."""
    last_day, overdue_only = horizon(when, now)
    linking.link_names(book)
    s = Settings.from_sheet(book.key_values("settings"))
    buyers = model.load(book.table("buyers"), model.Buyer, fields_=needs.DUE_BUYER)
    inquiries = _open_inquiries(book)
    # Without a Replied column nothing can ever mark a reply: owing one forever would be
    # noise (inq check lists the missing column).
    table = book.get("inquiries")
    tracks_replies = table is not None and table.has("replied")
    heard_from: dict[str, dt.datetime] = {}  # the last time each buyer wrote or called
    last_contacts = linking.last_contacts(book, heard=heard_from)
    linking.last_inquiries(book, heard_from)

    entries: list[_Entry] = []
    owed_replies: list[Owed] = []
    by_key: dict[str, model.Buyer] = {}
    for b in buyers:
        for k in (b.buyer_id, b.email):
            if k:
                by_key.setdefault(k, b)
    open_by_buyer: dict[int, list[model.Inquiry]] = {}
    strays: list[model.Inquiry] = []  # open inquiries of senders not in Buyers
    for inq in inquiries:  # open ones only (_open_inquiries)
        buyer = by_key.get(inq.buyer_id or "") or by_key.get(inq.email or "")
        if buyer is not None:
            open_by_buyer.setdefault(buyer.row, []).append(inq)
        owed = tracks_replies and inq.replied is None
        if buyer is None and not owed:
            strays.append(inq)
        if owed and inq.received is not None:
            # A reply is owed from the moment the inquiry arrives, whatever the horizon.
            contact = None
            if buyer is not None:
                contact = last_contacts.get(buyer.buyer_id or "") or last_contacts.get(
                    buyer.email or ""
                )
            owed_replies.append(Owed(inq, buyer, contact))
    today = now.date()
    # "No contact on record" only where the workbook keeps contacts (a Last contact column
    # or a contact log): without either, due is blind (inq check says so), not due for all.
    kept = book.table("buyers").has("last_contact") or book.get("contacts") is not None
    cutoffs = chases.silence_cutoffs(today, s)
    heard: dict[int, dt.datetime] = {}
    touched: dict[int, dt.datetime] = {}
    midnights: dict[dt.date, dt.datetime] = {}
    run = (now, s, cutoffs)
    for b in buyers:
        contact = last_contacts.get(b.buyer_id or "") or last_contacts.get(b.email or "")
        last = _later(contact.date if contact else None, b.last_contact)
        wrote = _later(heard_from.get(b.buyer_id or ""), heard_from.get(b.email or ""))
        latest_word = _later(wrote, b.first_contact)
        if latest_word is not None:
            heard[b.row] = latest_word
        if last is not None:
            touched[b.row] = last
        open_inqs = open_by_buyer.get(b.row, [])
        arrived = _latest_event(open_inqs) if open_inqs else None  # (its clock starts on arrival)
        due = next_due(
            b.grade,
            last.date() if last else None,
            b.next_follow_up.date() if b.next_follow_up else None,
            bool(open_inqs),
            s,
            open_since=arrived.date() if arrived else None,
            first_contact=b.first_contact.date() if b.first_contact else None,
            status=b.status,
            today=today if kept else None,
        )
        if due is None or due.date > last_day:
            continue
        late = (today - due.date).days
        if overdue_only and late <= 0:
            continue
        urgency = _urgency(b.grade, late)
        at = midnights.get(due.date)
        if at is None:  # (one per day: 40,000 follow-ups fall on a few hundred days)
            at = midnights[due.date] = dt.datetime.combine(due.date, dt.time())
        build = _FollowUp(b, due, late, contact, last, open_inqs, latest_word, run)
        entries.append(_Entry((-urgency, at, b.row), "follow-up", late > 0, build))
    items = _stray_items(strays, now, s, last_contacts, last_day, overdue_only)
    items += _sample_items(book, buyers, now, s, last_contacts, last_day, overdue_only)
    items += _quote_items(book, by_key, heard, touched, now, s, last_contacts, last_day)
    entries += map(_built, items)
    if overdue_only:
        entries = [e for e in entries if e.late]
    entries.sort(key=_key)
    return Ranking(s, owed_replies, entries, today, last_day, overdue_only)


def _later(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    """The later of two times, either of which may be missing (a max() of a generator
    costs more, for each of 50,000 buyers)."""
    if a is None:
        return b
    return a if b is None or a >= b else b


def _urgency(grade: str | None, late: int) -> float:
    """A follow-up's urgency: lateness multiplies the grade weight up to 3x and saturates
    after two weeks (as taskwarrior's due coefficient does), so a long-neglected D buyer
    does not bury an A buyer who is a day late."""
    return _weighed(grade or "", min(max(late, 0), LATE_SATURATION_DAYS))


@lru_cache(maxsize=256)  # (a few grades by 15 days: each urgency made once, not 50,000 times)
def _weighed(grade: str, late: int) -> float:
    weight = GRADE_WEIGHT.get(grade, 1.0)
    return round(weight * (1 + late / 7), 1)


def _named(inquiry: model.Inquiry) -> str | None:
    """Who an inquiry from someone not in Buyers is from, as its row names them."""
    return inquiry.client or inquiry.company or None


def _latest_event(inquiries: list[model.Inquiry]) -> dt.datetime | None:
    """The last time anything happened on these inquiries (received, replied)."""
    times = [t for i in inquiries for t in (i.received, model.replied_at(i)) if t is not None]
    return max(times, default=None)


def _open_inquiries(book: Workbook) -> list[model.Inquiry]:
    """Only the open inquiries become records: closed ones owe nothing."""
    table = book.get("inquiries")
    if table is None:
        return []
    closed = model.CLOSED_STATUSES
    statuses = table.values("status")
    keep = [i for i, st in enumerate(statuses) if not st or st.strip().lower() not in closed]
    return model.load(table, model.Inquiry, keep, fields_=needs.DUE_INQUIRY)


def when_text(at: dt.datetime, now: dt.datetime) -> str:
    """'11:40', 'tomorrow 09:40', 'yesterday 18:00', 'Mon 09:40', '2026-12-09 09:40'."""
    days = (at.date() - now.date()).days
    if days == 0:
        return f"{at:%H:%M}"
    if days == 1:
        return f"tomorrow {at:%H:%M}"
    if days == -1:
        return f"yesterday {at:%H:%M}"
    if -6 <= days <= 6:
        return f"{at:%a %H:%M}"
    return f"{at:%Y-%m-%d %H:%M}"


def _reply_item(inq, buyer, now, s: Settings, contact) -> Item:
    """A reply owed, on the routine's clock: aim for 2 h, at the latest 24 h (fax 12 h)."""
    fax = channel_of(inq.channel) == "fax"
    limit = s.fax_reply_hours if fax else s.reply_limit_hours
    deadline = inq.received + dt.timedelta(hours=limit)
    target: dt.datetime | None = inq.received + dt.timedelta(hours=s.reply_target_hours)
    waited = now - inq.received
    # A date with no time (2026.11.30, a date cell) says the day, not the hour: the
    # clock cannot run on it, the reply is owed by the end of the next day.
    untimed = inq.received.time() == dt.time()
    if untimed:
        deadline = dt.datetime.combine(inq.received.date() + dt.timedelta(days=1), dt.time(23, 59))
        target = None
    late = now > deadline
    hours = f"{limit:g} h{', fax' if fax else ''}"
    if untimed:
        day = f"received {inq.received:%m-%d} (no time)"
        detail = (
            f"reply LATE: {day}"
            if late
            else f"{day}: reply at the latest {when_text(deadline, now)}"
        )
    elif late:
        fax_ = " (fax)" if fax else ""
        detail = f"reply LATE: the {limit:g} h limit{fax_} passed {when_text(deadline, now)}"
    elif target is not None and now > target:
        detail = (
            f"past the {s.reply_target_hours:g} h target: reply at the latest "
            f"{when_text(deadline, now)} ({hours})"
        )
    else:
        detail = (
            f"reply by {when_text(target, now) if target else '-'} "
            f"({s.reply_target_hours:g} h), at the latest {when_text(deadline, now)} ({hours})"
        )
    urgency = 100 + waited.total_seconds() / 3600 * (2 if fax else 1) + (50 if late else 0)
    stand_in = buyer or model.Buyer(row=0, email=inq.email)
    window, warning = _alibaba_window(inq, now, s)
    return Item(
        kind="reply",
        buyer=buyer,
        inquiry=inq,
        due_at=deadline,
        late=late,
        overdue=max(now - deadline, dt.timedelta(0)),
        urgency=round(urgency, 1),
        via=choose(stand_in, reply_to=inq),
        detail=detail,
        last_contact=contact,
        last_contact_at=contact.date if contact else None,
        local=local_time(buyer, now, s) if buyer else None,
        products=[inq.product] if inq.product else [],
        reply_by=target,
        window_ends=window,
        warning=warning,
        untimed=untimed,
    )


def _alibaba_window(inq, now, s: Settings) -> tuple[dt.datetime | None, str | None]:
    """When an owed Alibaba.com reply leaves the platform's 24 h window, and a warning
    when that is less than `alibaba_warn_hours` away: then it costs the reply rate."""
    if channel_of(inq.channel) != "alibaba":
        return None, None
    ends = inq.received + dt.timedelta(hours=s.alibaba_reply_hours)
    left = ends - now
    if left <= dt.timedelta(0) or left > dt.timedelta(hours=s.alibaba_warn_hours):
        return ends, None
    minutes = int(left.total_seconds() // 60)
    ident = inq.inquiry_id or f"row {inq.row}"
    return ends, (
        f"Alibaba.com: reply to {ident} on Alibaba.com by {when_text(ends, now)} "
        f"(in {minutes // 60} h {minutes % 60:02d} min), or it misses the "
        f"{s.alibaba_reply_hours:g} h window of your reply rate"
    )


def _follow_up_item(
    b, due: Due, late: int, now, s, contact, last, open_inqs, latest_word, cutoffs
) -> Item:
    quiet = chases.silence(b.grade, latest_word, now.date(), cutoffs)
    products = list(dict.fromkeys([*b.product_list, *(i.product for i in open_inqs if i.product)]))
    reason = due.reason
    if reason.startswith("open inquiry") and open_inqs:  # name them: each is owed a contact
        ids = ", ".join(i.inquiry_id or f"row {i.row}" for i in open_inqs)
        reason = reason.replace("open inquiry", f"open inquiry {ids}", 1)
    if quiet is not None:
        reason += f"; {quiet.text}"
    return Item(
        kind="follow-up",
        buyer=b,
        inquiry=None,
        due_at=dt.datetime.combine(due.date, dt.time()),
        late=late > 0,
        overdue=dt.timedelta(days=max(late, 0)),
        urgency=_urgency(b.grade, late),
        via=choose(b, next_step=contact.next_step if contact else None),
        detail=reason,
        last_contact=contact,
        last_contact_at=last,
        local=local_time(b, now, s),
        products=products,
        silent=quiet,
        basis=due.basis,
    )


def _stray_items(strays, now, s: Settings, last_contacts, last_day, overdue_only) -> list[Item]:
    """Open inquiries of senders not in Buyers: contacted at least every half month too."""
    days = int(s.open_inquiry_max_days)
    items: list[Item] = []
    for inq in strays:
        contact = last_contacts.get(inq.buyer_id or "") or last_contacts.get(inq.email or "")
        last = max(
            (
                t
                for t in (inq.received, model.replied_at(inq), contact.date if contact else None)
                if t
            ),
            default=None,
        )
        if last is None:
            continue
        day = last.date() + dt.timedelta(days=days)
        late = (now.date() - day).days
        if day > last_day or (overdue_only and late <= 0):
            continue
        ident = inq.inquiry_id or f"row {inq.row}"
        items.append(
            Item(
                kind="follow-up",
                buyer=None,
                inquiry=inq,
                due_at=dt.datetime.combine(day, dt.time()),
                late=late > 0,
                overdue=dt.timedelta(days=max(late, 0)),
                urgency=_urgency(None, late),
                via=choose(model.Buyer(row=0, email=inq.email)),
                detail=f"open inquiry {ident}: at least every {days} days (sender not in Buyers)",
                last_contact=contact,
                last_contact_at=last,
                local=None,
                products=[inq.product] if inq.product else [],
            )
        )
    return items


def _sample_items(book, buyers, now, s: Settings, last_contacts, last_day, overdue_only):
    """One "sample" item per buyer with samples awaiting feedback whose chase day has come."""
    from inquiry_cli.domain.samples import open_samples

    by_buyer: dict[int, list] = {}
    for o in open_samples(book, buyers, last_contacts):
        if o.buyer is not None and o.due <= last_day:
            by_buyer.setdefault(o.buyer.row, []).append(o)
    items: list[Item] = []
    for group in by_buyer.values():
        b = group[0].buyer
        due = min(o.due for o in group)
        late = (now.date() - due).days
        if overdue_only and late <= 0:
            continue
        contact = last_contacts.get(b.buyer_id or "") or last_contacts.get(b.email or "")
        last = max(
            (d for d in (contact.date if contact else None, b.last_contact) if d), default=None
        )
        items.append(
            Item(
                kind="sample",
                buyer=b,
                inquiry=None,
                due_at=dt.datetime.combine(due, dt.time()),
                late=late > 0,
                overdue=dt.timedelta(days=max(late, 0)),
                urgency=_urgency(b.grade, late),
                via=choose(b),
                detail="; ".join(o.detail for o in group),
                last_contact=contact,
                last_contact_at=last,
                local=local_time(b, now, s),
                products=[f"{o.sample.model} sample" for o in group],
            )
        )
    return items


def _quote_items(book, by_key, heard, touched, now, s: Settings, last_contacts, last_day):
    """Quotes the buyer has not answered after Settings quote_chase_days (domain.chases)."""
    table = book.get("quotes")
    if table is None or not table.has("date"):
        return []
    quotes = model.load(table, model.Quote, fields_=needs.DUE_QUOTE)
    closed: set[str] = set()
    inquiries = book.get("inquiries")
    if inquiries is not None and inquiries.has("quote_no") and inquiries.has("status"):
        for no, status in zip(inquiries.keys("quote_no"), inquiries.values("status"), strict=True):
            if no and status and status.strip().lower() in model.CLOSED_STATUSES:
                closed.add(no.upper())
    lowered = {k.lower(): b for k, b in by_key.items()}
    items: list[Item] = []
    for chase in chases.quote_chases(quotes, lowered, heard, touched, closed, s, now.date()):
        if chase.due > last_day:
            continue
        b = chase.buyer
        late = (now.date() - chase.due).days
        contact = last_contacts.get(b.buyer_id or "") or last_contacts.get(b.email or "")
        items.append(
            Item(
                kind="quote",
                buyer=b,
                inquiry=None,
                due_at=dt.datetime.combine(chase.due, dt.time()),
                late=late > 0,
                overdue=dt.timedelta(days=max(late, 0)),
                urgency=_urgency(b.grade, late),
                via=choose(b, next_step=contact.next_step if contact else None),
                detail=chase.detail(s),
                last_contact=contact,
                last_contact_at=touched.get(b.row),
                local=local_time(b, now, s),
                products=[chase.quote.model] if chase.quote.model else [],
            )
        )
    return items


def item_json(item: Item) -> dict:
    b = item.buyer
    return {
        "kind": item.kind,
        "buyer_id": b.buyer_id if b else None,
        "name": b.name if b else (_named(item.inquiry) if item.inquiry else None),
        "company": b.company if b else None,
        "email": (b.email if b else None) or (item.inquiry.email if item.inquiry else None),
        "grade": b.grade if b else None,
        "country": b.country if b else None,
        "inquiry_id": item.inquiry.inquiry_id if item.inquiry else None,
        "due": item.due_at,
        "late": item.late,
        "days_late": item.days_late,
        "hours_late": round(item.overdue.total_seconds() / 3600, 1),
        "urgency": item.urgency,
        "channel": item.via.name,
        "channel_why": item.via.why,
        "whatsapp": item.via.link,
        "why": item.detail,
        "reply_by": item.reply_by,
        "alibaba_window_ends": item.window_ends,
        "warning": item.warning,
        "silent_days": item.silent.days if item.silent else None,
        "basis": item.basis,
        "local_time": item.local.time if item.local else None,
        "time_zone": item.local.zone if item.local else None,
        "business_hours": item.local.business_hours if item.local else None,
        "products": item.products,
        "last_contact": item.last_contact_at,
        "last_summary": item.last_contact.summary if item.last_contact else None,
    }
