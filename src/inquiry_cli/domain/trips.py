"""Before a business trip: the buyers at the destination, ready to book meetings.

A use of the database in docs/routine.md §4.

PLACE is a city (as written in the Buyers sheet, accents and case ignored) or a country
(English, 中文 or ISO code). Buyers are grouped by city, best grade first, each with
their contact history, open inquiries, quotes, samples, phone and local time. With trip
dates, the trade shows there during the trip and the local weekend are shown too.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from inquiry_cli.contract.records import Workbook
from inquiry_cli.domain import model
from inquiry_cli.domain.countries import country_code, country_name
from inquiry_cli.domain.due import WEEKEND, LocalTime, local_time
from inquiry_cli.domain.linking import Histories, grade_rank, records_of
from inquiry_cli.domain.reports import QuoteSummary
from inquiry_cli.domain.settings import Settings
from inquiry_cli.errors import NotFound, UsageError

RECENT_CONTACTS = 3
RECENT_QUOTES = 3
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _key(text: str | None) -> str:
    """'Bogotá' -> 'bogota', 'Kuala Lumpur' -> 'kualalumpur': for comparing place names."""
    text = unicodedata.normalize("NFKD", str(text or "")).casefold()
    return "".join(ch for ch in text if ch.isalnum())


@dataclass
class Place:
    kind: str  # "city" or "country"
    name: str  # as shown: "Dubai, United Arab Emirates" or "Germany"
    code: str | None  # ISO country code
    city: str | None = None


@dataclass
class Visit:
    """One buyer to see, with what to read before the meeting."""

    buyer: model.Buyer
    contacts: list[model.Contact]  # oldest first
    open_inquiries: list[model.Inquiry]
    quotes: list[QuoteSummary]  # newest first
    samples: list[model.Sample]
    local: LocalTime | None

    @property
    def last_contact_at(self) -> dt.datetime | None:
        dated = [c.date for c in self.contacts if c.date]
        candidates = [d for d in (*dated, self.buyer.last_contact) if d]
        return max(candidates) if candidates else None


@dataclass
class Trip:
    place: Place
    start: dt.date | None
    end: dt.date | None
    groups: list[tuple[str, list[Visit]]]  # (city, visits), biggest city first
    events: list[dict[str, Any]] = field(default_factory=list)
    weekend: tuple[int, ...] = (5, 6)
    others_in_country: int = 0  # city trips: more buyers elsewhere in the country

    @property
    def visits(self) -> list[Visit]:
        return [v for _city, vs in self.groups for v in vs]


def resolve_place(buyers: list[model.Buyer], text: str) -> tuple[Place, list[model.Buyer]]:
    """The place PLACE means and the buyers there; a city wins over a country of that name."""
    wanted = _key(text)
    if not wanted:
        raise UsageError("say where you are going: a city or a country (name, 中文 or ISO code)")
    in_city = [b for b in buyers if b.city and _key(b.city) == wanted]
    if in_city:
        codes = [country_code(b.country) for b in in_city if country_code(b.country)]
        code = max(set(codes), key=codes.count) if codes else None
        city = (in_city[0].city or "").strip()
        name = f"{city}, {country_name(code)}" if code else city
        return Place("city", name, code, city), in_city
    code = country_code(text)
    if code:
        there = [b for b in buyers if country_code(b.country) == code]
        if not there:
            raise NotFound(f"no buyer in {country_name(code)} ({code}) in the workbook")
        return Place("country", country_name(code), code), there
    raise NotFound(f"no buyer in {text!r}{_suggest(buyers, text)}")


def _suggest(buyers: list[model.Buyer], text: str) -> str:
    from rapidfuzz import process

    names = sorted(
        {b.city.strip() for b in buyers if b.city}
        | {country_name(c) for b in buyers if (c := country_code(b.country))}
    )
    close = [n for n, score, _ in process.extract(text, names, limit=3) if score >= 70]
    if close:
        return f": did you mean {' or '.join(close)}?"
    return ": give a city from the Buyers sheet or a country (name, 中文 or ISO code)"


def plan(
    book: Workbook,
    text: str,
    now: dt.datetime,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Trip:
    if end is not None and start is None:
        raise UsageError("give --from too: the trip's first day")
    if start is not None and end is None:
        end = start
    if start is not None and end is not None and end < start:
        raise UsageError(f"the trip ends ({end}) before it starts ({start})")
    s = Settings.from_sheet(book.key_values("settings"))
    # Where each buyer is, for all of them; every field only for the buyers there.
    table = book.table("buyers")
    buyers = model.load(table, model.Buyer, fields_=("buyer_id", "email", "city", "country"))
    place, located = resolve_place(buyers, text)
    index = {row: i for i, row in enumerate(table.row_numbers)}
    there = model.load(table, model.Buyer, [index[b.row] for b in located])
    h = Histories(book, there)
    inquiries, contacts, quotes, samples = h.inquiries, h.contacts, h.quotes, h.samples
    visits: list[Visit] = []
    seen: set[str] = set()
    for b in there:
        ident = b.buyer_id or (b.email or "").lower() or f"row {b.row}"
        if ident in seen:
            continue
        seen.add(ident)
        by_no: dict[str, QuoteSummary] = {}
        for q in records_of(quotes, b):
            key = q.quote_no or f"row {q.row}"
            by_no.setdefault(key, QuoteSummary(key, q.date, [])).lines.append(q)
        visits.append(
            Visit(
                buyer=b,
                contacts=sorted(
                    records_of(contacts, b), key=lambda c: (c.date or dt.datetime.min, c.row)
                ),
                open_inquiries=[i for i in records_of(inquiries, b) if i.is_open],
                quotes=sorted(
                    by_no.values(), key=lambda q: (q.date or dt.datetime.min, q.quote_no)
                )[::-1],
                samples=records_of(samples, b),
                local=local_time(b, now, s),
            )
        )
    groups: dict[str, list[Visit]] = {}
    for v in visits:
        city = (v.buyer.city or "").strip() or "(city not given)"
        groups.setdefault(_key(city) or city, []).append(v)
    ordered: list[tuple[str, list[Visit]]] = []
    for vs in groups.values():
        vs.sort(
            key=lambda v: (
                grade_rank(v.buyer.grade),
                -(v.last_contact_at or dt.datetime.min).toordinal(),
                v.buyer.row,
            )
        )
        ordered.append(((vs[0].buyer.city or "").strip() or "(city not given)", vs))
    ordered.sort(
        key=lambda cv: (
            cv[0] == "(city not given)",
            -len(cv[1]),
            min(grade_rank(v.buyer.grade) for v in cv[1]),
            _key(cv[0]),
        )
    )
    others = 0
    if place.kind == "city" and place.code:
        others = len(
            {
                b.buyer_id or b.email or b.row
                for b in buyers
                if country_code(b.country) == place.code and _key(b.city) != _key(place.city)
            }
        )
    return Trip(
        place=place,
        start=start,
        end=end,
        groups=ordered,
        events=_events(book, place, start, end, now),
        weekend=WEEKEND.get(place.code or "", (5, 6)),
        others_in_country=others,
    )


def _events(
    book: Workbook, place: Place, start: dt.date | None, end: dt.date | None, now: dt.datetime
) -> list[dict[str, Any]]:
    """Trade shows at the place during the trip (without dates: the coming ones)."""
    table = book.get("events")
    if table is None:
        return []
    out = []
    for e in model.load(table, _Event):
        if place.kind == "city":
            here = bool(e.city) and _key(e.city) == _key(place.city)
        else:
            here = country_code(e.country) == place.code
        if not here:
            continue
        first = e.start.date() if e.start else None
        if first is None:
            continue
        last = e.end.date() if e.end else first
        if start is not None and end is not None:
            if last < start or first > end:
                continue
        elif last < now.date():
            continue
        out.append({"name": e.name, "city": e.city, "start": first, "end": last, "booth": e.booth})
    out.sort(key=lambda e: e["start"] or dt.date.min)
    return out


@dataclass
class _Event:
    row: int
    name: str | None = None
    city: str | None = None
    country: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    booth: str | None = None


def contact_text(c: model.Contact) -> str:
    when = f"{c.date:%Y-%m-%d}" if c.date else "?"
    via = " ".join(x for x in (c.direction, c.channel) if x)
    text = f"{when} {via}: {c.summary or ''}".rstrip(": ")
    if c.next_step:
        text += f" → next: {c.next_step}"
    return text


def sample_text(x: model.Sample) -> str:
    when = f" sent {x.date:%Y-%m-%d}" if x.date else ""
    kind = f" {x.kind.lower()}" if x.kind else ""
    text = f"{x.model or '?'}{kind}{when}"
    if x.courier:
        text += f" by {x.courier}"
    if x.feedback:
        text += f": {x.feedback}"
    elif x.status:
        text += f" ({x.status.lower()}, no feedback yet)"
    return text


def trip_days(trip: Trip) -> str:
    """'Mon 2027-04-05 to Fri 2027-04-09 (5 days; weekend there: Sat, Sun)'."""
    if trip.start is None or trip.end is None:
        return ""
    days = (trip.end - trip.start).days + 1
    weekend = ", ".join(DAY_NAMES[d] for d in trip.weekend)
    span = f"{DAY_NAMES[trip.start.weekday()]} {trip.start}"
    if trip.end != trip.start:
        span += f" to {DAY_NAMES[trip.end.weekday()]} {trip.end}"
    off = [
        trip.start + dt.timedelta(days=n)
        for n in range(days)
        if (trip.start + dt.timedelta(days=n)).weekday() in trip.weekend
    ]
    note = f"{days} day{'s' if days != 1 else ''}; weekend there: {weekend}"
    if off:
        note += f" — {len(off)} of your days fall on it"
    return f"{span} ({note})"


def to_json(trip: Trip) -> dict[str, Any]:
    def visit(v: Visit) -> dict[str, Any]:
        b = v.buyer
        return {
            "buyer_id": b.buyer_id,
            "name": b.name,
            "company": b.company,
            "grade": b.grade,
            "city": b.city,
            "country": b.country,
            "phone": b.phone,
            "email": b.email,
            "status": b.status,
            "products": b.product_list,
            "local_time": v.local.time if v.local else None,
            "time_zone": v.local.zone if v.local else None,
            "business_hours": v.local.business_hours if v.local else None,
            "last_contact": v.last_contact_at,
            "contacts": [model.contact_json(c) for c in v.contacts],
            "open_inquiries": [model.inquiry_json(i) for i in v.open_inquiries],
            "quotes": [
                {
                    "quote_no": q.quote_no,
                    "date": q.date,
                    "valid_until": q.lines[0].valid_until if q.lines else None,
                    "text": q.text,
                }
                for q in v.quotes
            ],
            "samples": [
                {
                    "date": x.date,
                    "model": x.model,
                    "kind": x.kind,
                    "status": x.status,
                    "feedback": x.feedback,
                }
                for x in v.samples
            ],
        }

    return {
        "place": trip.place.name,
        "kind": trip.place.kind,
        "country_code": trip.place.code,
        "from": trip.start,
        "to": trip.end,
        "count": len(trip.visits),
        "cities": [{"city": city, "buyers": [visit(v) for v in vs]} for city, vs in trip.groups],
        "events": trip.events,
        "others_in_country": trip.others_in_country,
    }
