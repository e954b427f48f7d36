"""What the salesperson owes, most urgent first: replies, follow-ups, overdue contacts.

Replies: every open inquiry not yet replied, against its clock (target 2 h, limit 24 h,
fax 12 h, from Settings). Follow-ups: by grade cadence from the last contact, at least
every half month for an open inquiry, an explicit Next follow-up date winning.
Samples: a sample awaiting feedback is chased N days after it was sent (domain.samples).
Urgency is lateness × grade weight, in the spirit of taskwarrior's urgency.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from inquiry_cli.contract.records import Workbook
from inquiry_cli.domain import linking, model
from inquiry_cli.domain.cadence import Due, next_due
from inquiry_cli.domain.countries import country_code, time_zone
from inquiry_cli.domain.lookup import channel_for
from inquiry_cli.domain.settings import Settings
from inquiry_cli.errors import ContractError, UsageError

GRADE_WEIGHT = {"A": 4.0, "B": 3.0, "C": 2.0, "D": 1.5}
LATE_SATURATION_DAYS = 14
# The columns the due list uses (the rest, like long messages and notes, stay unread).
BUYER_FIELDS = (
    "buyer_id", "name", "company", "email", "phone", "fax", "country", "city", "grade",
    "products", "last_contact", "next_follow_up", "status",
)  # fmt: skip
INQUIRY_FIELDS = (
    "inquiry_id",
    "received",
    "channel",
    "buyer_id",
    "email",
    "product",
    "replied",
    "status",
)
# Where the working week is not Monday-Friday (weekday numbers, Monday = 0).
WEEKEND = {
    **dict.fromkeys(
        ("SA", "QA", "KW", "OM", "BH", "EG", "JO", "IQ", "YE", "DZ", "LY", "SD"), (4, 5)
    ),
    "IR": (4,),
    "AF": (3, 4),
}
_POST_WORDS = re.compile(
    r"catalog|brochure|documents?|contract|by post|courier|express|快递|邮寄", re.I
)


@dataclass
class LocalTime:
    zone: str
    time: dt.datetime
    business_hours: bool


@dataclass
class Item:
    """One line of the due list."""

    kind: str  # "reply" or "follow-up"
    buyer: model.Buyer | None
    inquiry: model.Inquiry | None
    due_at: dt.datetime  # when it falls (reply deadline, follow-up day)
    late: bool
    overdue: dt.timedelta  # how late (zero when not late)
    urgency: float
    channel: str
    detail: str  # "reply within 12 h (fax)", "grade A: every 3.5 days"
    last_contact: model.Contact | None
    last_contact_at: dt.datetime | None
    local: LocalTime | None
    products: list[str]

    @property
    def days_late(self) -> int:
        return self.overdue.days


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
    return _local_at(zone, code, now, s.timezone, s.business_window())


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


def due_list(book: Workbook, now: dt.datetime, when: str = "today") -> list[Item]:
    """Every reply and follow-up due by the horizon, most urgent first."""
    last_day, overdue_only = horizon(when, now)
    linking.link_names(book)
    s = Settings.from_sheet(book.key_values("settings"))
    buyers = model.load(book.table("buyers"), model.Buyer, fields_=BUYER_FIELDS)
    inquiries = _open_inquiries(book)
    # Without a Replied column nothing can ever mark a reply: owing one forever would be
    # noise (inq check lists the missing column).
    table = book.get("inquiries")
    tracks_replies = table is not None and table.has("replied")
    last_contacts = linking.last_contacts(book)

    by_key: dict[str, model.Buyer] = {}
    for b in buyers:
        for k in (b.buyer_id, b.email):
            if k:
                by_key.setdefault(k, b)
    open_by_buyer: dict[int, list[model.Inquiry]] = {}
    items: list[Item] = []
    for inq in inquiries:
        if not inq.is_open:
            continue
        buyer = by_key.get(inq.buyer_id or "") or by_key.get(inq.email or "")
        if buyer is not None:
            open_by_buyer.setdefault(buyer.row, []).append(inq)
        if tracks_replies and inq.replied is None and inq.received is not None:
            # A reply is owed from the moment the inquiry arrives, whatever the horizon.
            item = _reply_item(inq, buyer, now, s, last_contacts)
            if item.late or not overdue_only:
                items.append(item)
    for b in buyers:
        contact = last_contacts.get(b.buyer_id or "") or last_contacts.get(b.email or "")
        logged = contact.date if contact else None
        last = max((d for d in (logged, b.last_contact) if d), default=None)
        open_inqs = open_by_buyer.get(b.row, [])
        due = next_due(
            b.grade,
            last.date() if last else None,
            b.next_follow_up.date() if b.next_follow_up else None,
            bool(open_inqs),
            s,
        )
        if due is None or due.date > last_day:
            continue
        late = (now.date() - due.date).days
        if overdue_only and late <= 0:
            continue
        items.append(_follow_up_item(b, due, late, now, s, contact, last, open_inqs))
    items += _sample_items(book, buyers, now, s, last_contacts, last_day, overdue_only)
    items.sort(key=lambda i: (-i.urgency, i.due_at, i.buyer.row if i.buyer else 0))
    return items


def _open_inquiries(book: Workbook) -> list[model.Inquiry]:
    """Only the open inquiries become records: closed ones owe nothing."""
    table = book.get("inquiries")
    if table is None:
        return []
    closed = model.CLOSED_STATUSES
    statuses = table.values("status")
    keep = [i for i, st in enumerate(statuses) if not st or st.strip().lower() not in closed]
    return model.load(table, model.Inquiry, keep, fields_=INQUIRY_FIELDS)


def _reply_item(inq, buyer, now, s: Settings, last_contacts) -> Item:
    fax = (inq.channel or "").lower() == "fax"
    limit = s.fax_reply_hours if fax else s.reply_limit_hours
    deadline = inq.received + dt.timedelta(hours=limit)
    target = inq.received + dt.timedelta(hours=s.reply_target_hours)
    waited = now - inq.received
    late = now > deadline
    if late:
        detail = f"reply LATE: limit {limit:g} h{' (fax)' if fax else ''}"
    elif now > target:
        detail = f"reply: past the {s.reply_target_hours:g} h target, limit {limit:g} h"
    else:
        detail = (
            f"reply within {s.reply_target_hours:g} h (limit {limit:g} h{', fax' if fax else ''})"
        )
    hours = waited.total_seconds() / 3600
    urgency = 100 + hours * (2 if fax else 1) + (50 if late else 0)
    contact = None
    if buyer is not None:
        contact = last_contacts.get(buyer.buyer_id or "") or last_contacts.get(buyer.email or "")
    stand_in = buyer or model.Buyer(row=0, email=inq.email)
    return Item(
        "reply",
        buyer,
        inq,
        deadline,
        late,
        max(now - deadline, dt.timedelta(0)),
        round(urgency, 1),
        channel_for(stand_in, inq),
        detail,
        contact,
        contact.date if contact else None,
        local_time(buyer, now, s) if buyer else None,
        [inq.product] if inq.product else [],
    )


def _follow_up_item(b, due: Due, late: int, now, s, contact, last, open_inqs) -> Item:
    weight = GRADE_WEIGHT.get(b.grade or "", 1.0)
    # Lateness multiplies the grade weight up to 3x and saturates after two weeks (as
    # taskwarrior's due coefficient does), so a long-neglected D buyer does not bury an
    # A buyer who is a day late.
    urgency = weight * (1 + min(max(late, 0), LATE_SATURATION_DAYS) / 7)
    channel = channel_for(b)
    if contact and contact.next_step and _POST_WORDS.search(contact.next_step):
        channel = "POST"
    products = list(dict.fromkeys([*b.product_list, *(i.product for i in open_inqs if i.product)]))
    return Item(
        "follow-up",
        b,
        None,
        dt.datetime.combine(due.date, dt.time()),
        late > 0,
        dt.timedelta(days=max(late, 0)),
        round(urgency, 1),
        channel,
        due.reason,
        contact,
        last,
        local_time(b, now, s),
        products,
    )


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
        weight = GRADE_WEIGHT.get(b.grade or "", 1.0)
        contact = last_contacts.get(b.buyer_id or "") or last_contacts.get(b.email or "")
        last = max(
            (d for d in (contact.date if contact else None, b.last_contact) if d), default=None
        )
        items.append(
            Item(
                "sample",
                b,
                None,
                dt.datetime.combine(due, dt.time()),
                late > 0,
                dt.timedelta(days=max(late, 0)),
                round(weight * (1 + min(max(late, 0), LATE_SATURATION_DAYS) / 7), 1),
                channel_for(b),
                "; ".join(o.detail for o in group),
                contact,
                last,
                local_time(b, now, s),
                [f"{o.sample.model} sample" for o in group],
            )
        )
    return items


def item_json(item: Item) -> dict:
    b = item.buyer
    return {
        "kind": item.kind,
        "buyer_id": b.buyer_id if b else None,
        "name": b.name if b else None,
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
        "channel": item.channel,
        "why": item.detail,
        "local_time": item.local.time if item.local else None,
        "time_zone": item.local.zone if item.local else None,
        "business_hours": item.local.business_hours if item.local else None,
        "products": item.products,
        "last_contact": item.last_contact_at,
        "last_summary": item.last_contact.summary if item.last_contact else None,
    }
