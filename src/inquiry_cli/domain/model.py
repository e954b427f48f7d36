"""Plain records built from workbook tables: buyers, inquiries, contacts, quotes, samples.

A record keeps its Excel row number, so a command can build a change set against it.
Records are linked to buyers by Buyer ID, or by email when the workbook has no IDs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from functools import lru_cache
from itertools import repeat
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # (records from the lookup index need no Table: 11 ms of imports)
    from inquiry_cli.contract.records import Table

T = TypeVar("T")


@dataclass(slots=True)
class Buyer:
    row: int
    buyer_id: str | None = None
    name: str | None = None
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    fax: str | None = None
    country: str | None = None
    city: str | None = None
    region: str | None = None
    source: str | None = None
    nature: str | None = None
    strength: str | None = None
    grade: str | None = None
    products: str | None = None
    status: str | None = None
    first_contact: dt.datetime | None = None
    last_contact: dt.datetime | None = None
    next_follow_up: dt.datetime | None = None
    owner: str | None = None
    notes: str | None = None
    preferred_channel: str | None = None

    @property
    def key(self) -> str:
        """How other sheets refer to this buyer: the Buyer ID, else the email."""
        return self.buyer_id or self.email or f"row {self.row}"

    @property
    def label(self) -> str:
        """'Name (Company)' as a person would say it."""
        if self.name and self.company:
            return f"{self.name} ({self.company})"
        return self.name or self.company or self.email or f"row {self.row}"

    @property
    def product_list(self) -> list[str]:
        return split_list(self.products)


@dataclass(slots=True)
class Inquiry:
    row: int
    inquiry_id: str | None = None
    received: dt.datetime | None = None
    channel: str | None = None
    buyer_id: str | None = None
    email: str | None = None
    product: str | None = None
    quantity: float | None = None
    target_price: str | None = None
    message: str | None = None
    grade: str | None = None
    # When it was answered; True when the sheet only ticks replies off (Y, ✓, 已回复).
    replied: dt.datetime | bool | None = None
    quote_no: str | None = None
    status: str | None = None
    client: str | None = None  # a log that names its buyer (see linking.link_names)
    company: str | None = None

    @property
    def is_open(self) -> bool:
        return (self.status or "").strip().lower() not in CLOSED_STATUSES


@dataclass(slots=True)
class Contact:
    row: int
    date: dt.datetime | None = None
    buyer_id: str | None = None
    email: str | None = None
    channel: str | None = None
    direction: str | None = None
    summary: str | None = None
    next_step: str | None = None
    client: str | None = None
    company: str | None = None


@dataclass(slots=True)
class Quote:
    row: int
    quote_no: str | None = None
    date: dt.datetime | None = None
    buyer_id: str | None = None
    region: str | None = None
    model: str | None = None
    quantity: float | None = None
    unit_price: float | None = None
    currency: str | None = None
    incoterm: str | None = None
    valid_until: dt.datetime | None = None
    file: str | None = None
    client: str | None = None
    company: str | None = None


@dataclass(slots=True)
class Sample:
    row: int
    date: dt.datetime | None = None
    buyer_id: str | None = None
    model: str | None = None
    kind: str | None = None
    freight: str | None = None
    payment: str | None = None
    courier: str | None = None
    tracking: str | None = None
    status: str | None = None
    feedback: str | None = None
    client: str | None = None
    company: str | None = None


# An inquiry with one of these statuses needs no more follow-up.
# How far a buyer or an inquiry has got; inq only ever moves a status forward along it,
# and never touches one it does not know (the salesperson's own words stay).
PROGRESS = ("", "new", "open", "replied", "quoted", "sample sent")


def moves_forward(status: str | None, to: str) -> bool:
    """Whether setting `to` would move `status` on (not back, not over the user's own)."""
    now = (status or "").strip().lower()
    return now in PROGRESS and PROGRESS.index(now) < PROGRESS.index(to.lower())


CLOSED_STATUSES = {"closed", "lost", "ordered", "won", "done", "cancelled", "已成交", "关闭"}


def split_list(text: str | None) -> list[str]:
    """'LED-PL-60, LED-HB-100; 灯管' -> ['LED-PL-60', 'LED-HB-100', '灯管']."""
    if not text:
        return []
    return list(_split(str(text)))


@lru_cache(maxsize=4096)  # a due list splits the same few product lists thousands of times
def _split(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"[,;，；、/\n]+", text) if p.strip())


def load(
    table: Table | None,
    cls: type[T],
    only: list[int] | None = None,
    fields_: tuple[str, ...] | None = None,
) -> list[T]:
    """Build one record per data row (or per index in `only`); missing fields stay None.

    `fields_` limits the columns converted (the rest stay None): a due list of 20,000
    inquiries need not convert every message text.
    """
    if table is None:
        return []
    from inquiry_cli.contract.records import picked  # (there is a Table: imported already)

    indices = range(len(table)) if only is None else only
    numbers = table.row_numbers
    columns: list[Any] = []
    for f in fields(cls):  # type: ignore[arg-type]  # positional, in field order: map() then runs at C speed
        if f.name == "row":
            columns.append(numbers if only is None else picked(numbers, only))
        elif table.has(f.name) and (fields_ is None or f.name in fields_):
            columns.append(table.values(f.name) if only is None else table.values_at(f.name, only))
        else:
            columns.append(repeat(None))
    records = list(map(cls, *columns))
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    if table.linked and "buyer_id" in names:  # rows that name their buyer by name
        linked = table.linked
        for rec, i in zip(records, indices, strict=True):
            if i in linked:
                bid, email = linked[i]
                if "email" in names:
                    rec.buyer_id, rec.email = bid, email  # type: ignore[attr-defined]
                else:  # Quotes and Samples name a buyer by Buyer ID, or email without IDs
                    rec.buyer_id = bid or email  # type: ignore[attr-defined]
    return records


def buyer_ref(table: Table | None, buyer: Buyer) -> str | None:
    """What a Quotes or Samples row names its buyer by, as the column's rows do: the
    email where most of them hold one (a log kept by email), else the Buyer ID (the
    email in a workbook without IDs); an empty column by its header (客户邮箱)."""
    from inquiry_cli.contract.schema import names_by_email

    by_email = False
    if table is not None and table.has("buyer_id"):
        refs = [str(v) for v in table.keys("buyer_id") if v]
        if refs:
            by_email = 2 * sum("@" in v for v in refs) > len(refs)
        else:
            by_email = names_by_email(table.header_of("buyer_id"))
    if by_email:
        return buyer.email or buyer.buyer_id
    return buyer.buyer_id or buyer.email


def link_keys(table: Table, key: str) -> list[str | None]:
    """A column's keys ("buyer_id" or "email"), with the rows linked by name filled in."""
    keys: list[str | None] = table.keys(key) if table.has(key) else [None] * len(table)
    if not table.linked:
        return keys
    keys = list(keys)
    at = 1 if key == "email" else 0  # a link is (Buyer ID, email)
    for i, link in table.linked.items():
        keys[i] = link[at]
    return keys


def rows_of(table: Table | None, buyer: Buyer) -> list[int]:
    """Indices of the rows that refer to `buyer`: by Buyer ID, else by email; and the rows
    linked to them by name (linking.link_names)."""
    if table is None:
        return []
    return BuyerRows(table).of(buyer)


class BuyerRows:
    """A sheet's rows by the buyer they refer to, indexed once: rows_of() for one buyer,
    and the lookup index for every buyer, pick rows by this one rule."""

    def __init__(self, table: Table) -> None:
        self.by_id = _positions(table.keys("buyer_id")) if table.has("buyer_id") else None
        self.by_email = _positions(table.keys("email")) if table.has("email") else None
        # Quotes and Samples have one column for the buyer: a Buyer ID, or an email
        self.id_emails: dict[str, list[int]] = {}
        if self.by_email is None and self.by_id is not None:
            for ref, rows in self.by_id.items():
                if "@" in ref:
                    self.id_emails.setdefault(ref.lower(), []).extend(rows)
        self.named: dict[str, list[int]] = {}
        for i, link in (table.linked or {}).items():
            for key in dict.fromkeys(link):
                if key:
                    self.named.setdefault(key, []).append(i)

    def of(self, buyer: Buyer) -> list[int]:
        """By Buyer ID; by email when the sheet has no row with that ID (or no IDs)."""
        hits: list[int] = []
        if buyer.buyer_id and self.by_id is not None:
            hits = self.by_id.get(buyer.buyer_id, [])
            if self.id_emails and buyer.email:  # (the one column holds IDs and emails)
                hits = sorted({*hits, *self.id_emails.get(buyer.email.lower(), [])})
            if hits or self.by_email is None:
                return self._with_named(buyer, hits)
        if buyer.email and self.by_email is not None:
            hits = self.by_email.get(buyer.email, [])
        elif buyer.email and self.id_emails:  # (a log kept by email, the buyer has no ID)
            hits = self.id_emails.get(buyer.email.lower(), [])
        return self._with_named(buyer, hits)

    def _with_named(self, buyer: Buyer, hits: list[int]) -> list[int]:
        mine = {buyer.buyer_id, buyer.email} - {None, ""}
        named = {i for key in mine for i in self.named.get(key, ())}  # type: ignore[arg-type]
        return sorted({*hits, *named}) if named else list(hits)


def _positions(keys: list[str | None]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key is not None:
            out.setdefault(key, []).append(i)
    return out


def replied_at(inquiry: Inquiry) -> dt.datetime | None:
    """When the inquiry was answered, if the sheet says (a tick-off says only that it was)."""
    return inquiry.replied if isinstance(inquiry.replied, dt.datetime) else None


@dataclass(slots=True)
class History:
    """Everything the workbook holds about one buyer, oldest first."""

    buyer: Buyer
    inquiries: list[Inquiry] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)

    @property
    def last_contact(self) -> Contact | None:
        dated = [(c.date, i) for i, c in enumerate(self.contacts) if c.date]
        return self.contacts[max(dated)[1]] if dated else None


def contact_json(c: Contact) -> dict[str, Any]:
    """A logged contact in --json output (one shape for lookup and trip)."""
    return {
        "date": c.date,
        "channel": c.channel,
        "direction": c.direction,
        "summary": c.summary,
        "next_step": c.next_step,
    }


def inquiry_json(i: Inquiry, detail: bool = False) -> dict[str, Any]:
    """An inquiry in --json output; `detail` adds its channel and grade (lookup's card)."""
    out: dict[str, Any] = {"inquiry_id": i.inquiry_id, "received": i.received}
    if detail:
        out["channel"] = i.channel
    out |= {"product": i.product, "quantity": i.quantity}
    if detail:
        out["grade"] = i.grade
    return out | {"replied": i.replied, "quote_no": i.quote_no, "status": i.status}
