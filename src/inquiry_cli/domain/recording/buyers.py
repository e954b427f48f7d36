"""`inq add`: a new buyer, after the duplicate check (查重)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from inquiry_cli.contract.changes import CellValue, ChangeSet
from inquiry_cli.contract.records import Table, Workbook
from inquiry_cli.domain import model
from inquiry_cli.domain.matching import Match, Query, find
from inquiry_cli.domain.recording.common import Outcome, pending, region_of, row_for
from inquiry_cli.domain.recording.numbering import add_row, id_value, next_id, raw_column
from inquiry_cli.errors import InqError, UsageError


@dataclass
class NewBuyer:
    """Particulars given on the command line for a buyer to add."""

    name: str | None = None
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    fax: str | None = None
    country: str | None = None
    city: str | None = None
    source: str | None = None
    nature: str | None = None
    products: str | None = None
    notes: str | None = None

    def is_empty(self) -> bool:
        return not any(vars(self).values())


def duplicate_check(buyers: Table, new: NewBuyer) -> tuple[list[Match], list[Match]]:
    """(blocking, warning) matches for a buyer about to be added (查重)."""
    blocking: list[Match] = []
    warning: list[Match] = []
    seen: set[int] = set()
    probes = [
        Query(raw=new.email or "", email=new.email, domain=_company_domain(new.email)),
        Query(raw=new.phone or "", phone=new.phone),
        Query(raw=new.fax or "", phone=new.fax),
        Query(raw=new.name or "", text=new.name),
        Query(raw=new.company or "", text=new.company),
    ]
    for q in probes:
        if not q.raw:
            continue
        for m in find(buyers, q):
            if m.buyer.row in seen:
                continue
            hard = any(
                r.startswith(("same email", "same phone", "same fax", "same company domain"))
                for r in m.reasons
            )
            if hard:
                blocking.append(m)
                seen.add(m.buyer.row)
            elif m.score >= 80:
                warning.append(m)
                seen.add(m.buyer.row)
    return blocking, warning


def _company_domain(email: str | None) -> str | None:
    from inquiry_cli.domain.matching import FREE_MAIL

    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].lower()
    return None if domain in FREE_MAIL else domain


def clean_new_buyer(new: NewBuyer) -> NewBuyer:
    """Validate and tidy particulars; a bad email is a UsageError."""
    from inquiry_cli.contract.cells import email as parse_email

    if new.email:
        value, problem = parse_email(new.email)
        if problem:
            raise UsageError(
                f"invalid email {new.email!r}: expected something like name@company.com"
            )
        new.email = str(value)
    for attr in ("name", "company", "phone", "fax", "country", "city", "source", "nature"):
        value = getattr(new, attr)
        if value is not None:
            setattr(new, attr, value.strip() or None)
    for attr in ("phone", "fax"):
        value = getattr(new, attr)
        if value and sum(ch.isdigit() for ch in value) < 5:
            raise UsageError(f"invalid {attr} {value!r}: expected a number like +971 50 123 4567")
    return new


def add_buyer(
    book: Workbook,
    new: NewBuyer,
    now: dt.datetime,
    *,
    force: bool = False,
    changes: ChangeSet | None = None,
) -> Outcome:
    """Append a buyer row (next Buyer ID, First/Last contact on `now`'s day) after the
    查重 check."""
    buyers = book.table("buyers")
    new = clean_new_buyer(new)
    if not (new.name or new.company or new.email):
        raise UsageError("a buyer needs at least --name, --company or --email")
    blocking, warning = duplicate_check(buyers, new)
    if blocking and not force:
        m = blocking[0]
        raise InqError(
            f"already in the workbook: {m.buyer.key} {m.buyer.label} ({'; '.join(m.reasons)}); "
            "see `inq lookup`, or add anyway with --force"
        )
    changes = changes or ChangeSet()
    out = Outcome(changes)
    for m in warning + (blocking if force else []):
        out.warnings.append(
            f"similar buyer exists: {m.buyer.key} {m.buyer.label} ({'; '.join(m.reasons)})"
        )
    values: dict[str, CellValue] = {k: v for k, v in vars(new).items() if v is not None}
    earlier = pending(changes, buyers, "buyer_id")
    if buyers.has("buyer_id"):
        existing = buyers.values("buyer_id") + earlier
        values["buyer_id"] = id_value(next_id(existing, "B"), raw_column(buyers, "buyer_id"))
    today = dt.datetime.combine(now.date(), dt.time())
    dated = [k for k in ("first_contact", "last_contact") if k not in values]
    for key in dated:
        values[key] = today
    if new.country:
        region = region_of(book, new.country)
        if region:
            values["region"] = region
    row, dropped = row_for(buyers, values)
    add_row(book, buyers, row, changes)
    if dropped:
        out.warnings.append(f"{buyers.name} has no column for {', '.join(dropped)}: not recorded")
    fields = model.Buyer.__dataclass_fields__
    known: dict[str, Any] = {k: v for k, v in values.items() if k in fields}
    if "buyer_id" in known:
        known["buyer_id"] = str(known["buyer_id"])  # (a number, where the column counts)
    buyer = model.Buyer(row=buyers.last_row + len(changes.appends.get(buyers.name, [])), **known)
    out.buyer = buyer
    out.ids["buyer_id"] = str(values.get("buyer_id") or buyer.email or "")
    # Said as written: a field the sheet has no sure column for is not in the line (the
    # warning says so), and the dates inq filled in itself are named.
    shown = model.Buyer(row=buyer.row, **{k: v for k, v in known.items() if buyers.writable(k)})
    out.lines.append(f"Added buyer {shown.key}: {shown.label}")
    filled = [buyers.header_of(k) for k in dated if buyers.writable(k)]
    if filled:
        out.lines.append(
            f"{' and '.join(filled)} set to {today:%Y-%m-%d}, the day of this first contact"
        )
    return out


def fill_from_query(new: NewBuyer, q: Query) -> None:
    if q.email and not new.email:
        new.email = q.email
    if q.phone and not new.phone:
        new.phone = q.phone
    if q.text and not new.name:  # a plain name, or the display name of 'Li Na <li@x.cn>'
        new.name = q.text
