"""The monthly A-list for the sales manager (docs/routine.md §3): every A buyer with their month.

Which buyers: those graded A at the end of the month (today, for the running month).
The Grade history sheet says when each became A and, for a past month, who was A then;
a buyer graded A without any history was A "before the records".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from inquiry_cli.contract.records import Workbook
from inquiry_cli.domain import model
from inquiry_cli.domain.linking import Histories, records_of
from inquiry_cli.errors import UsageError


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.year, self.month, 1)

    @property
    def end(self) -> dt.datetime:
        """The first moment of the next month (exclusive)."""
        if self.month == 12:
            return dt.datetime(self.year + 1, 1, 1)
        return dt.datetime(self.year, self.month + 1, 1)

    @property
    def label(self) -> str:
        return f"{self.start:%B %Y}"

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __contains__(self, when: dt.datetime | None) -> bool:
        return when is not None and self.start <= when < self.end


def parse_month(text: str | None, now: dt.datetime) -> Month:
    """'2026-11', '2026/11', '11/2026', 'Nov 2026', 'this', 'last' -> Month."""
    if not text or text.strip().lower() in ("this", "current"):
        return Month(now.year, now.month)
    t = text.strip().lower()
    if t in ("last", "previous", "prev"):
        first = now.replace(day=1) - dt.timedelta(days=1)
        return Month(first.year, first.month)
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?", t) or None
    if m:
        year, month = int(m[1]), int(m[2])
    elif m2 := re.fullmatch(r"(\d{1,2})\s*[-/.]\s*(\d{4})", t):
        year, month = int(m2[2]), int(m2[1])
    else:
        try:
            parsed = dt.datetime.strptime(t.title(), "%b %Y")
        except ValueError:
            try:
                parsed = dt.datetime.strptime(t.title(), "%B %Y")
            except ValueError:
                raise UsageError(
                    f"cannot read the month {text!r}: use 2026-11, 'Nov 2026', this or last"
                ) from None
        year, month = parsed.year, parsed.month
    if not 1 <= month <= 12:
        raise UsageError(f"cannot read the month {text!r}: the month must be 1-12")
    from inquiry_cli.dates import EARLIEST, LATEST

    if not EARLIEST.year <= year <= LATEST.year:
        raise UsageError(
            f"the month {text!r} is out of range: give a month between "
            f"{EARLIEST:%Y-%m} and {LATEST:%Y-%m}"
        )
    return Month(year, month)


@dataclass
class GradeEvent:
    date: dt.datetime
    from_grade: str | None
    to_grade: str


@dataclass
class QuoteSummary:
    quote_no: str
    date: dt.datetime | None
    lines: list[model.Quote]

    @property
    def text(self) -> str:
        parts = []
        for q in self.lines:
            price = f"{q.currency or ''} {q.unit_price:,.2f}".strip() if q.unit_price else ""
            qty = f"{q.quantity:,.0f}" if q.quantity else ""
            item = " ".join(x for x in (q.model or "", qty) if x)
            parts.append(f"{item} @ {price}" if price else item)
        terms = self.lines[0].incoterm if self.lines and self.lines[0].incoterm else ""
        return f"{self.quote_no}: {'; '.join(parts)}{' ' + terms if terms else ''}"


@dataclass
class AEntry:
    """One A buyer's line on the list."""

    buyer: model.Buyer
    a_since: dt.datetime | None  # None: A before the Grade history starts
    new_this_month: bool
    inquiries: list[model.Inquiry]  # received this month
    quotes: list[QuoteSummary]  # issued this month
    last_contact: model.Contact | None
    last_contact_at: dt.datetime | None
    samples: list[model.Sample] = field(default_factory=list)  # sent this month

    @property
    def next_step(self) -> str | None:
        return self.last_contact.next_step if self.last_contact else None


@dataclass
class AList:
    month: Month
    cutoff: dt.datetime  # the end of the month, or now for the running month
    entries: list[AEntry]
    now: dt.datetime

    @property
    def running(self) -> bool:
        return self.cutoff < self.month.end


def grade_events(book: Workbook) -> dict[str, list[GradeEvent]]:
    """The Grade history per buyer key (Buyer ID and email), oldest first."""
    table = book.get("grade_history")
    if table is None or not table.has("to_grade"):
        return {}
    out: dict[str, list[GradeEvent]] = {}
    dates = table.values("date")
    to = table.values("to_grade")
    frm = table.values("from_grade")
    ids = table.values("buyer_id")
    emails = table.values("email")
    for when, new, old, bid, email in zip(dates, to, frm, ids, emails, strict=True):
        if when is None or new is None:
            continue
        old_grade = (str(old).strip().upper()[:1] or None) if old else None
        event = GradeEvent(when, old_grade, new)
        for k in {bid, (email or "").lower() or None, (bid or "").lower() or None} - {None}:
            out.setdefault(k, []).append(event)
    for events in out.values():
        events.sort(key=lambda e: e.date)
    return out


def _events_for(events: dict[str, list[GradeEvent]], buyer: model.Buyer) -> list[GradeEvent]:
    seen: dict[int, GradeEvent] = {}
    for k in (buyer.buyer_id, (buyer.email or "").lower() or None):
        for e in events.get(k or "", []):
            seen[id(e)] = e
    return sorted(seen.values(), key=lambda e: e.date)


def grade_at(buyer: model.Buyer, events: list[GradeEvent], when: dt.datetime) -> str | None:
    """The buyer's grade at `when`, from the history; the current grade without one."""
    before = [e for e in events if e.date < when]
    if before:
        return before[-1].to_grade
    if events:  # graded only later: what it was changed from
        return events[0].from_grade
    return buyer.grade


def a_since(events: list[GradeEvent], when: dt.datetime) -> dt.datetime | None:
    """When the A streak that holds at `when` began (None: before the records)."""
    since: dt.datetime | None = None
    state: str | None = events[0].from_grade if events else None
    for e in events:
        if e.date >= when:
            break
        if e.to_grade == "A" and state != "A":
            since = e.date
        elif e.to_grade != "A":
            since = None
        state = e.to_grade
    return since


def a_list(book: Workbook, month: Month, now: dt.datetime) -> AList:
    """Every buyer graded A at the end of `month`, with that month's activity."""
    cutoff = min(month.end, now) if month.start <= now else month.end
    if month.start > now:
        raise UsageError(f"{month.label} has not started yet: give this month or an earlier one")
    buyers = model.load(book.table("buyers"), model.Buyer)
    events = grade_events(book)
    h = Histories(book)
    inquiries, contacts, quotes, samples = h.inquiries, h.contacts, h.quotes, h.samples
    entries: list[AEntry] = []
    seen: set[str] = set()
    for b in buyers:
        mine = _events_for(events, b)
        # The running month goes by the Grade column as it is now; a past month by history.
        grade = b.grade if cutoff == now else grade_at(b, mine, cutoff)
        if grade != "A":
            continue
        ident = b.buyer_id or (b.email or "").lower() or f"row {b.row}"
        if ident in seen:  # the same buyer twice (a duplicate row): list once
            continue
        seen.add(ident)
        since = a_since(mine, cutoff)
        logged = [c for c in records_of(contacts, b) if c.date and c.date < cutoff]
        last = max(logged, key=lambda c: (c.date, c.row)) if logged else None
        last_at = last.date if last else None
        if (
            b.last_contact
            and b.last_contact < cutoff
            and (last_at is None or b.last_contact > last_at)
        ):
            last_at = b.last_contact
        by_no: dict[str, QuoteSummary] = {}
        for q in records_of(quotes, b):
            if q.date in month:
                key = q.quote_no or f"row {q.row}"
                by_no.setdefault(key, QuoteSummary(key, q.date, [])).lines.append(q)
        entries.append(
            AEntry(
                buyer=b,
                a_since=since,
                new_this_month=since in month,
                inquiries=[i for i in records_of(inquiries, b) if i.received in month],
                quotes=sorted(by_no.values(), key=lambda s: (s.date or month.start, s.quote_no)),
                last_contact=last,
                last_contact_at=last_at,
                samples=[s for s in records_of(samples, b) if s.date in month],
            )
        )
    # The busiest month first, then the most recently contacted.
    entries.sort(key=lambda e: (e.last_contact_at or dt.datetime.min, -e.buyer.row), reverse=True)
    entries.sort(key=lambda e: len(e.inquiries) + len(e.quotes), reverse=True)
    return AList(month, cutoff, entries, now)


# ---- the same report as rows of text, for the terminal and every file format ----

COLUMNS = (
    ("buyer_id", "Buyer", 9),
    ("name", "Name", 20),
    ("company", "Company", 28),
    ("country", "Country", 16),
    ("contact", "Email / phone", 28),
    ("profile", "Nature / strength / source", 22),
    ("products", "Products", 24),
    ("a_since", "A since", 12),
    ("inquiries", "Inquiries this month", 34),
    ("quotes", "Quotes this month", 38),
    ("last_contact", "Last contact", 44),
    ("progress", "Progress", 30),
)


def _d(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def inquiry_text(i: model.Inquiry) -> str:
    qty = f" x {i.quantity:,.0f}" if i.quantity else ""
    quote = f", quoted {i.quote_no}" if i.quote_no else ""
    state = "" if i.replied or not i.is_open else ", NOT REPLIED"
    ident = i.inquiry_id or f"row {i.row}"
    return f"{ident} {_d(i.received)} {i.product or '?'}{qty}{quote}{state}"


def entry_row(e: AEntry) -> dict[str, str]:
    """One A buyer as display text, keyed like COLUMNS."""
    b = e.buyer
    place = ", ".join(x for x in (b.city, b.country) if x)
    last = ""
    if e.last_contact_at:
        last = _d(e.last_contact_at)
        c = e.last_contact
        if c is not None and c.date == e.last_contact_at:
            via = " ".join(x for x in (c.direction, c.channel) if x)
            last += f" ({via})" if via else ""
            if c.summary:
                last += f": {c.summary}"
    progress = b.status or ""
    if e.next_step:
        progress += f"{'; ' if progress else ''}next: {e.next_step}"
    if b.next_follow_up:
        progress += f"{'; ' if progress else ''}follow up {_d(b.next_follow_up)}"
    since = _d(e.a_since) if e.a_since else "before records"
    if e.new_this_month:
        since += " (new)"
    return {
        "buyer_id": b.buyer_id or "",
        "name": b.name or "",
        "company": b.company or "",
        "country": place,
        "contact": " / ".join(x for x in (b.email, b.phone) if x),
        "profile": " / ".join(x for x in (b.nature, b.strength, b.source) if x),
        "products": ", ".join(b.product_list),
        "a_since": since,
        "inquiries": "\n".join(inquiry_text(i) for i in e.inquiries),
        "quotes": "\n".join(f"{_d(q.date)} {q.text}" for q in e.quotes),
        "last_contact": last,
        "progress": progress,
    }


def summary_line(report: AList) -> str:
    n = len(report.entries)
    new = sum(1 for e in report.entries if e.new_this_month)
    inqs = sum(len(e.inquiries) for e in report.entries)
    quotes = sum(len(e.quotes) for e in report.entries)
    head = f"{n} A-grade buyer{'s' if n != 1 else ''}"
    if new:
        head += f" ({new} new to A this month)"
    inq_text = f"{inqs} inquir{'ies' if inqs != 1 else 'y'}"
    quote_text = f"{quotes} quote{'s' if quotes != 1 else ''}"
    return f"{head}; {inq_text} and {quote_text} this month"


def title(report: AList) -> str:
    as_of = f" (as of {report.cutoff:%Y-%m-%d})" if report.running else ""
    return f"A-grade buyers, {report.month.label}{as_of}"


def to_json(report: AList) -> dict[str, Any]:
    entries = []
    for e in report.entries:
        b = e.buyer
        entries.append(
            {
                "buyer_id": b.buyer_id,
                "name": b.name,
                "company": b.company,
                "email": b.email,
                "phone": b.phone,
                "country": b.country,
                "city": b.city,
                "region": b.region,
                "nature": b.nature,
                "strength": b.strength,
                "source": b.source,
                "products": b.product_list,
                "status": b.status,
                "a_since": e.a_since,
                "new_this_month": e.new_this_month,
                "inquiries": [model.inquiry_json(i) for i in e.inquiries],
                "quotes": [
                    {
                        "quote_no": q.quote_no,
                        "date": q.date,
                        "lines": [
                            {
                                "model": x.model,
                                "quantity": x.quantity,
                                "unit_price": x.unit_price,
                                "currency": x.currency,
                                "incoterm": x.incoterm,
                            }
                            for x in q.lines
                        ],
                    }
                    for q in e.quotes
                ],
                "last_contact": e.last_contact_at,
                "last_summary": e.last_contact.summary if e.last_contact else None,
                "next_step": e.next_step,
                "next_follow_up": b.next_follow_up,
            }
        )
    return {
        "month": report.month.iso,
        "as_of": report.cutoff if report.running else None,
        "count": len(report.entries),
        "buyers": entries,
    }


def text_lines(report: AList, width: int = 100) -> list[str]:
    """The list as plain text: a heading, then one block per buyer, wrapped to `width`."""
    import textwrap

    out = [title(report), summary_line(report)]
    if not report.entries:
        out.append("")
        out.append("No buyer was graded A in this month.")
        return out

    pad = " " * (len(str(len(report.entries))) + 2)

    def add(label: str, text: str, indent: str = pad) -> None:
        if not text:
            return
        parts = text.split("\n")
        first = f"{indent}{label}{': ' if label else ''}"
        hang = " " * len(first)
        for n, part in enumerate(parts):
            out.extend(
                textwrap.wrap(
                    part,
                    width=max(width, 40),
                    initial_indent=first if n == 0 else hang,
                    subsequent_indent=hang,
                    break_long_words=False,
                    break_on_hyphens=False,
                )
            )

    for n, e in enumerate(report.entries, start=1):
        row = entry_row(e)
        b = e.buyer
        head = " — ".join(x for x in (b.name, b.company) if x) or b.email or f"row {b.row}"
        out.append("")
        out.append(f"{n}. {head}" + (f"  [{b.buyer_id}]" if b.buyer_id else ""))
        add("", " · ".join(x for x in (row["country"], row["profile"]) if x))
        add("A since", row["a_since"])
        add("", row["contact"].replace(" / ", " · "))
        add("Products", row["products"])
        add("Inquiries this month", row["inquiries"] or "none")
        add("Quotes this month", row["quotes"] or "none")
        add("Last contact", row["last_contact"] or "none logged")
        add("Progress", row["progress"])
    return out
