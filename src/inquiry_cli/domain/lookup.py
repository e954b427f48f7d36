"""Everything about one buyer, for `inq lookup`: history, follow-up, the suggested next step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from inquiry_cli.contract.records import Workbook
from inquiry_cli.domain import model
from inquiry_cli.domain.cadence import Due, next_due
from inquiry_cli.domain.identity import whatsapp_link
from inquiry_cli.domain.matching import Match
from inquiry_cli.domain.settings import Settings

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
    channel: str
    products: list[str] = field(default_factory=list)

    @property
    def days_late(self) -> int | None:
        return self.due.days_late(self.today) if self.due else None

    @property
    def open_inquiries(self) -> list[model.Inquiry]:
        return [i for i in self.inquiries if i.is_open]

    @property
    def unreplied(self) -> list[model.Inquiry]:
        return [i for i in self.inquiries if i.replied is None and i.is_open]


def history(book: Workbook, buyer: model.Buyer) -> model.History:
    """The buyer's rows in every sheet, oldest first."""
    from inquiry_cli.domain.linking import link_names

    link_names(book)

    def rows(key: str, cls):
        table = book.get(key)
        return model.load(table, cls, model.rows_of(table, buyer))

    def by_date(items, attr):
        return sorted(items, key=lambda r: (getattr(r, attr) or dt.datetime.min, r.row))

    return model.History(
        buyer,
        by_date(rows("inquiries", model.Inquiry), "received"),
        by_date(rows("contacts", model.Contact), "date"),
        by_date(rows("quotes", model.Quote), "date"),
        by_date(rows("samples", model.Sample), "date"),
    )


def build_card(book: Workbook, match: Match, now: dt.datetime) -> Card:
    settings = Settings.from_sheet(book.key_values("settings"))
    h = history(book, match.buyer)
    buyer = match.buyer
    last_logged = h.last_contact.date if h.last_contact else None
    last = max((d for d in (last_logged, buyer.last_contact) if d), default=None)
    has_open = any(i.is_open for i in h.inquiries)
    due = next_due(
        buyer.grade,
        last.date() if last else None,
        buyer.next_follow_up.date() if buyer.next_follow_up else None,
        has_open,
        settings,
    )
    products = list(
        dict.fromkeys([*buyer.product_list, *(i.product for i in h.inquiries if i.product)])
    )
    step, channel = suggest(buyer, h, due, now, settings)
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
    )


def channel_for(buyer: model.Buyer, inquiry: model.Inquiry | None = None) -> str:
    """docs/routine.md §4: answer a fax by fax, telephone A buyers, e-mail the rest."""
    if inquiry is not None and (inquiry.channel or "").lower() == "fax":
        return "FAX"
    if buyer.grade == "A" and buyer.phone:
        return "TEL"
    if not buyer.email and buyer.fax:
        return "FAX"
    return "email"


def suggest(
    buyer: model.Buyer, h: model.History, due: Due | None, now: dt.datetime, s: Settings
) -> tuple[str, str]:
    """The one next step, most pressing first, and the channel to use for it."""
    unreplied = [i for i in h.inquiries if i.replied is None and i.is_open]
    if unreplied:
        inq = unreplied[0]
        limit = s.fax_reply_hours if (inq.channel or "").lower() == "fax" else s.reply_limit_hours
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
        return what, channel_for(buyer, inq)
    channel = channel_for(buyer)
    if buyer.grade is None and h.inquiries:
        return f"Grade this buyer: inq grade {buyer.key} A|B|C|D", channel
    waiting = [x for x in h.samples if x.date and not x.feedback]
    if waiting:
        model_ = waiting[-1].model or "the sample"
        return f"Ask for feedback on the {model_} sample sent {waiting[-1].date:%Y-%m-%d}", channel
    if due is not None:
        late = due.days_late(now.date())
        if late > 0:
            return f"Follow up now: {late} day{'s' if late != 1 else ''} overdue", channel
        if late == 0:
            return "Follow up today", channel
        return f"Next follow-up on {due.date:%Y-%m-%d}", channel
    if h.quotes:
        return f"Follow up on quote {h.quotes[-1].quote_no}", channel
    return "Log the first contact: inq log", channel


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
        "next_step": {"action": card.next_step, "channel": card.channel},
    }
