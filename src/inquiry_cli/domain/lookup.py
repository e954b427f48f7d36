"""Everything about one buyer, for `inq lookup`: history, follow-up, the suggested next step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from inquiry_cli.domain import chases, model
from inquiry_cli.domain.cadence import Due, next_due
from inquiry_cli.domain.channels import Channel, channel_of, choose
from inquiry_cli.domain.identity import whatsapp_link
from inquiry_cli.domain.matching import Match
from inquiry_cli.domain.settings import Settings

if TYPE_CHECKING:  # (a card from the lookup index reads no Workbook: 11 ms of imports)
    from inquiry_cli.contract.records import Workbook

RECENT_CONTACTS = 5


@dataclass
class Card:
    """What the salesperson needs before replying to this buyer."""

    buyer: model.Buyer
    reasons: list[str]
    inquiries: list[model.Inquiry]
    contacts: list[model.Contact]  # all, oldest first
    quotes: list[model.Quote]
    samples: list[model.Sample]
    last_contact: dt.datetime | None
    due: Due | None
    today: dt.date
    next_step: str
    channel: Channel
    products: list[str] = field(default_factory=list)
    silent: chases.Silence | None = None  # not heard from for twice their cadence

    @property
    def days_late(self) -> int | None:
        return self.due.days_late(self.today) if self.due else None

    @property
    def open_inquiries(self) -> list[model.Inquiry]:
        return [i for i in self.inquiries if i.is_open]

    @property
    def unreplied(self) -> list[model.Inquiry]:
        return [i for i in self.inquiries if i.replied is None and i.is_open]


# The sheets of a buyer's history, and the record each row becomes.
HISTORY = (
    ("inquiries", model.Inquiry),
    ("contacts", model.Contact),
    ("quotes", model.Quote),
    ("samples", model.Sample),
)


def history(book: Workbook, buyer: model.Buyer) -> model.History:
    """The buyer's rows in every sheet, oldest first."""
    from inquiry_cli.domain.linking import link_names

    link_names(book)

    def rows(key: str, cls):
        table = book.get(key)
        return model.load(table, cls, model.rows_of(table, buyer))

    return _history(buyer, [rows(key, cls) for key, cls in HISTORY])


def histories(
    book: Workbook, buyers: list[model.Buyer], add_sheet: Callable[[str], None] | None = None
) -> Iterator[model.History]:
    """Every buyer's history (the lookup index keeps them): the rows history() picks,
    each sheet's records built once and its rows indexed by buyer once. With `add_sheet`,
    each sheet is put into `book` by `add_sheet(key)` when its turn comes and let go once
    its records are built: a 500,000-row log is not held as rows and records at once."""
    from inquiry_cli.domain.linking import link_names

    sheets: list[tuple[list[Any], model.BuyerRows | None]] = []
    for key, cls in HISTORY:
        if add_sheet is not None:
            add_sheet(key)
        link_names(book)
        table = book.get(key)
        if table is None:  # (not `if table`: a sheet without rows is falsy)
            sheets.append(([], None))
            continue
        sheets.append((model.load(table, cls), model.BuyerRows(table)))
        if add_sheet is not None:
            table.release()
    for buyer in buyers:
        found = [[recs[i] for i in rows.of(buyer)] if rows else [] for recs, rows in sheets]
        yield _history(buyer, found)


def _history(buyer: model.Buyer, found: list[list[Any]]) -> model.History:
    def by_date(items, attr):
        return sorted(items, key=lambda r: (getattr(r, attr) or dt.datetime.min, r.row))

    inquiries, contacts, quotes, samples = found
    return model.History(
        buyer,
        by_date(inquiries, "received"),
        by_date(contacts, "date"),
        by_date(quotes, "date"),
        by_date(samples, "date"),
    )


def keeps_contacts(book: Workbook) -> bool:
    """Whether a blank Last contact means "none on record" (see cadence.next_due)."""
    return book.table("buyers").has("last_contact") or book.get("contacts") is not None


def build_card(book: Workbook, match: Match, now: dt.datetime) -> Card:
    return card_of(
        match,
        history(book, match.buyer),
        book.key_values("settings"),
        catalog_links(book),
        now,
        keeps_contacts(book),
    )


def card_of(
    match: Match,
    h: model.History,
    settings_sheet: dict[str, Any],
    catalog: dict[str, str],
    now: dt.datetime,
    contacts_kept: bool = True,
) -> Card:
    """The card from the buyer's history, the Settings sheet's values and the e-catalog
    links: what build_card reads from the workbook, or the lookup index holds."""
    settings = Settings.from_sheet(settings_sheet)
    buyer = match.buyer
    last_logged = h.last_contact.date if h.last_contact else None
    last = max((d for d in (last_logged, buyer.last_contact) if d), default=None)
    open_inqs = [i for i in h.inquiries if i.is_open]
    arrived = max((i.received for i in open_inqs if i.received), default=None)
    due = next_due(
        buyer.grade,
        last.date() if last else None,
        buyer.next_follow_up.date() if buyer.next_follow_up else None,
        bool(open_inqs),
        settings,
        open_since=arrived.date() if arrived else None,
        first_contact=buyer.first_contact.date() if buyer.first_contact else None,
        status=buyer.status,
        today=now.date() if contacts_kept else None,
    )
    products = list(
        dict.fromkeys([*buyer.product_list, *(i.product for i in h.inquiries if i.product)])
    )
    step, channel = suggest(buyer, h, due, now, settings, catalog)
    return Card(
        buyer,
        match.reasons,
        h.inquiries,
        h.contacts,
        h.quotes,
        h.samples,
        last,
        due,
        now.date(),
        step,
        channel,
        products,
        chases.silence(
            buyer.grade,
            last_heard(buyer, h),
            now.date(),
            chases.silence_cutoffs(now.date(), settings),
        ),
    )


def last_heard(buyer: model.Buyer, h: model.History) -> dt.datetime | None:
    """The last time the buyer wrote or called: an incoming contact, an inquiry, or the
    day they were first met."""
    times = [c.date for c in h.contacts if c.date and chases.is_incoming(c.direction)]
    times += [i.received for i in h.inquiries if i.received]
    if buyer.first_contact:
        times.append(buyer.first_contact)
    return max(times, default=None)


def catalog_links(book: Workbook) -> dict[str, str]:
    """{MODEL: its e-catalog link} from the Products sheet: what an e-sample sends."""
    table = book.get("products")
    if table is None or not table.has("model") or not table.has("catalog_link"):
        return {}
    return {
        m.strip().upper(): link.strip()
        for m, link in zip(table.values("model"), table.values("catalog_link"), strict=True)
        if m and link and link.strip()
    }


def suggest(
    buyer: model.Buyer,
    h: model.History,
    due: Due | None,
    now: dt.datetime,
    s: Settings,
    catalog: dict[str, str] | None = None,
) -> tuple[str, Channel]:
    """The one next step, most pressing first, and the channel to use for it."""
    unreplied = [i for i in h.inquiries if i.replied is None and i.is_open]
    esample = _esample_step(buyer, h, catalog or {})
    if unreplied:
        inq = unreplied[0]
        limit = s.fax_reply_hours if channel_of(inq.channel) == "fax" else s.reply_limit_hours
        ident = inq.inquiry_id or f"row {inq.row}"
        what = f"Reply to inquiry {ident}"
        if inq.product:
            what += f" about {inq.product}"
        if inq.received:
            hours = (now - inq.received).total_seconds() / 3600
            if hours > limit:
                what += f": {hours:.0f} h old, past the {limit:g} h limit"
            else:
                what += f" within {limit:g} h of receipt (aim for {s.reply_target_hours:g} h)"
        if esample:
            what += f"; with it, {esample[0].lower()}{esample[1:]}"
        return what, choose(buyer, reply_to=inq)
    last = h.last_contact
    channel = choose(buyer, next_step=last.next_step if last else None)
    if buyer.grade is None and h.inquiries:
        return f"Grade this buyer: inq grade {buyer.key} A|B|C|D", channel
    waiting = [x for x in h.samples if x.date and not x.feedback]
    if waiting:
        model_ = waiting[-1].model or "the sample"
        return f"Ask for feedback on the {model_} sample sent {waiting[-1].date:%Y-%m-%d}", channel
    late = due.days_late(now.date()) if due is not None else None
    if esample:
        channel = choose(buyer, next_step=esample)
        if late is not None and late > 0:
            days = f"{late} day{'s' if late != 1 else ''}"
            return f"Follow up now ({days} overdue): {esample[0].lower()}{esample[1:]}", channel
        return esample, channel
    if due is not None and late is not None:
        if late > 0:
            return f"Follow up now: {late} day{'s' if late != 1 else ''} overdue", channel
        if late == 0:
            return "Follow up today", channel
        return f"Next follow-up on {due.date:%Y-%m-%d}", channel
    if h.quotes:
        return f"Follow up on quote {h.quotes[-1].quote_no}", channel
    return "Log the first contact: inq log", channel


def _esample_step(buyer: model.Buyer, h: model.History, catalog: dict[str, str]) -> str | None:
    """E-samples first (docs/routine.md §5): an open inquiry about a product with an
    e-catalog, and no sample of it sent yet, calls for the e-sample."""
    sent = {(x.model or "").strip().upper() for x in h.samples}
    for inq in reversed(h.inquiries):  # the latest inquiry first
        wanted = (inq.product or "").strip()
        link = catalog.get(wanted.upper())
        if inq.is_open and link and wanted.upper() not in sent:
            return f"Send the e-sample of {wanted} ({link}): inq sample {buyer.key} {wanted}"
    return None


def card_json(card: Card) -> dict[str, Any]:
    """The card's facts with stable keys (dates ISO)."""
    b = card.buyer
    return {
        "buyer": {
            "buyer_id": b.buyer_id,
            "name": b.name,
            "company": b.company,
            "email": b.email,
            "phone": b.phone,
            "fax": b.fax,
            "whatsapp": whatsapp_link(b.phone, b.country),
            "country": b.country,
            "city": b.city,
            "region": b.region,
            "source": b.source,
            "nature": b.nature,
            "strength": b.strength,
            "grade": b.grade,
            "status": b.status,
            "owner": b.owner,
            "notes": b.notes,
            "first_contact": b.first_contact,
            "row": b.row,
        },
        "reasons": card.reasons,
        "products": card.products,
        "inquiries": [model.inquiry_json(i, detail=True) for i in card.inquiries],
        "contacts": [model.contact_json(c) for c in card.contacts[-RECENT_CONTACTS:]],
        "contacts_total": len(card.contacts),
        "quotes": [
            {
                "quote_no": q.quote_no,
                "date": q.date,
                "model": q.model,
                "quantity": q.quantity,
                "unit_price": q.unit_price,
                "currency": q.currency,
                "incoterm": q.incoterm,
                "valid_until": q.valid_until,
            }
            for q in card.quotes
        ],
        "samples": [
            {
                "date": x.date,
                "model": x.model,
                "kind": x.kind,
                "status": x.status,
                "feedback": x.feedback,
            }
            for x in card.samples
        ],
        "last_contact": card.last_contact,
        "next_follow_up": {
            "due": card.due.date if card.due else None,
            "reason": card.due.reason if card.due else None,
            "days_overdue": max(card.days_late or 0, 0) if card.due else None,
            "overdue": bool(card.due and (card.days_late or 0) > 0),
        },
        "next_step": {
            "action": card.next_step,
            "channel": card.channel.name,
            "why": card.channel.why,
            "whatsapp": card.channel.link,
        },
        "silent_days": card.silent.days if card.silent else None,
    }
