"""Turn "add this buyer / inquiry / contact" into a change set against the user's sheets.

Each function reads what the workbook holds (tables from workbook.read), decides the new
rows and the cells to update, and returns them as a ChangeSet plus a plain summary; the
CLI hands the ChangeSet to the safe write path. Nothing here touches a file.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from inquiry_cli.domain import model
from inquiry_cli.domain.matching import Match, Query, best, find, parse_query, sure
from inquiry_cli.errors import InqError, NotFound, UsageError
from inquiry_cli.workbook import schema
from inquiry_cli.workbook.changes import AddSheet, CellValue, ChangeSet
from inquiry_cli.workbook.read import Table, Workbook

# Channels an inquiry or contact can come by; what people type -> the canonical name.
CHANNELS = {
    "alibaba": "alibaba", "ali": "alibaba", "阿里": "alibaba", "阿里巴巴": "alibaba",
    "email": "email", "e-mail": "email", "mail": "email", "邮件": "email",
    "tel": "tel", "phone": "tel", "call": "tel", "telephone": "tel", "电话": "tel",
    "fax": "fax", "传真": "fax",
    "post": "post", "courier": "post", "express": "post", "快递": "post", "邮寄": "post",
    "trade-show": "trade-show", "tradeshow": "trade-show", "show": "trade-show",
    "fair": "trade-show", "展会": "trade-show",
    "website": "website", "web": "website", "网站": "website",
    "meeting": "meeting", "visit": "meeting", "拜访": "meeting",
    "whatsapp": "whatsapp", "wechat": "wechat", "微信": "wechat",
}  # fmt: skip
INQUIRY_CHANNELS = ("alibaba", "email", "tel", "fax", "post", "trade-show", "website")


def channel(text: str, allowed: tuple[str, ...] | None = None) -> str:
    """The canonical channel name, or a UsageError listing the accepted ones."""
    name = CHANNELS.get(text.strip().lower())
    choices = allowed or tuple(dict.fromkeys(CHANNELS.values()))
    if name is None or name not in choices:
        raise UsageError(f"unknown channel {text!r}: use one of {', '.join(choices)}")
    return name


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


@dataclass
class Outcome:
    """What a recording command did (or would do), for the user and for --json."""

    changes: ChangeSet
    lines: list[str] = field(default_factory=list)  # what was recorded, in words
    warnings: list[str] = field(default_factory=list)
    buyer: model.Buyer | None = None
    ids: dict[str, str] = field(default_factory=dict)


def next_id(existing: list[Any], prefix: str, width: int = 4) -> str:
    """The next ID after the highest of the same prefix: B0041 -> B0042 (gaps kept)."""
    best_n, best_w = 0, width
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$", re.I)
    for value in existing:
        m = pattern.match(str(value or "").strip())
        if m:
            n = int(m[1])
            if n >= best_n:
                best_n, best_w = n, max(len(m[1]), width)
    return f"{prefix}{best_n + 1:0{best_w}d}"


def resolve_buyer(buyers: Table, who: str) -> Match:
    """The one buyer WHO means (email, phone, Buyer ID, name...); refuse when unsure."""
    matches = find(buyers, parse_query(who))
    if not matches:
        raise NotFound(
            f"no buyer matches {who!r}: check with `inq lookup {shlex.quote(who)}` or add them"
        )
    top = best(matches)
    exact = sure(matches)
    if len(exact) == 1:
        return exact[0]
    if top is not None and len(exact) == 0:
        return top
    names = "; ".join(f"{m.buyer.key} {m.buyer.label}" for m in matches[:5])
    raise InqError(f"{who!r} matches {len(matches)} buyers ({names}): use the email or Buyer ID")


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
    from inquiry_cli.workbook.cells import email as parse_email

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
    if buyers.has("buyer_id"):
        values["buyer_id"] = next_id(buyers.values("buyer_id"), "B")
    today = dt.datetime.combine(now.date(), dt.time())
    values.setdefault("first_contact", today)
    values.setdefault("last_contact", today)
    if new.country:
        region = region_of(book, new.country)
        if region:
            values["region"] = region
    row, dropped = _row_for(buyers, values)
    changes.append(buyers.name, row)
    if dropped:
        out.warnings.append(f"{buyers.name} has no column for {', '.join(dropped)}: not recorded")
    buyer = model.Buyer(
        row=buyers.last_row + 1,
        **{k: v for k, v in values.items() if k in model.Buyer.__dataclass_fields__},
    )
    out.buyer = buyer
    out.ids["buyer_id"] = str(values.get("buyer_id") or buyer.email or "")
    out.lines.append(f"Added buyer {buyer.key}: {buyer.label}")
    return out


def region_of(book: Workbook, country: str) -> str | None:
    """The Regions sheet's region whose country list holds this country."""
    from inquiry_cli.domain.countries import country_code

    code = country_code(country)
    regions = book.get("regions")
    if code is None or regions is None or not regions.has("countries"):
        return None
    fallback = None
    for name, countries in zip(regions.values("region"), regions.values("countries"), strict=True):
        listed = {country_code(c) for c in model.split_list(countries)}
        if code in listed:
            return name
        if name and name.lower() == "other":
            fallback = name
    return fallback


def _row_for(table: Table, values: dict[str, CellValue]) -> tuple[dict[int, CellValue], list[str]]:
    """{column number: value} for the sheet's own columns, and the fields it has no column for."""
    row: dict[int, CellValue] = {}
    dropped: list[str] = []
    for key, value in values.items():
        if value is None:
            continue
        if table.has(key):
            row[table.col(key)] = value
        else:
            dropped.append(table.spec.column(key).header)
    return row, dropped


def _table_or_new_sheet(book: Workbook, key: str, changes: ChangeSet) -> Table | None:
    """The sheet's table, or None after declaring the contract sheet to be added."""
    table = book.get(key)
    if table is not None and table.columns:
        return table
    if table is not None:  # a sheet with that name but no header we can read
        raise InqError(
            f"sheet {table.name!r} has no header row inq can read; run `inq check` to see why"
        )
    spec = schema.SHEETS_BY_KEY[key]
    if not any(s.name == spec.title for s in changes.new_sheets):
        changes.add_sheet(
            AddSheet(
                spec.title,
                [c.header for c in spec.columns],
                widths={i: c.width for i, c in enumerate(spec.columns, start=1)},
            )
        )
    return None


def _append(
    book: Workbook, key: str, values: dict[str, CellValue], changes: ChangeSet, out: Outcome
) -> None:
    """Append a record to a contract sheet, creating the sheet when the workbook lacks it."""
    table = _table_or_new_sheet(book, key, changes)
    spec = schema.SHEETS_BY_KEY[key]
    if table is None:
        sheet = next(s for s in changes.new_sheets if s.name == spec.title)
        sheet.rows.append([values.get(c.key) for c in spec.columns])
        if len(sheet.rows) == 1:
            out.lines.append(f"Added the {spec.title} sheet to the workbook")
        linked = bool(values.get("buyer_id") or values.get("email"))
    else:
        row, dropped = _row_for(table, values)
        changes.append(table.name, row)
        if dropped:
            out.warnings.append(
                f"{table.name} has no column for {', '.join(dropped)}: not recorded"
            )
        linked = any(values.get(k) and table.has(k) for k in ("buyer_id", "email"))
    buyer = out.buyer
    if not linked and "buyer_id" in values and buyer is not None:
        if buyer.buyer_id or buyer.email:
            column = "Buyer ID" if buyer.buyer_id else "Email"
            why = f"{spec.title} has no {column} column; add one"
        else:
            why = (
                "the Buyers sheet has no Buyer ID column and they have no email; add their "
                "email in Excel (or a Buyer ID column)"
            )
        out.warnings.append(
            f"nothing in this {spec.title} row names {buyer.label}, so `inq lookup` and "
            f"`inq due` will not count it: {why}"
        )


def _set(
    table: Table, rownum: int, key: str, value: CellValue, changes: ChangeSet, out: Outcome
) -> bool:
    if not table.has(key):
        out.warnings.append(
            f"{table.name} has no {table.spec.column(key).header} column: not updated"
        )
        return False
    changes.set(table.name, rownum, table.col(key), value)
    return True


def check_contact(channel_name: str, summary: str, when: dt.datetime, now: dt.datetime) -> str:
    """The contact's channel, after refusing an empty summary or a date in the future."""
    if not summary or not summary.strip():
        raise UsageError("the summary is empty: say in a few words what was said (--summary)")
    if when > now + dt.timedelta(minutes=5):
        raise UsageError(f"{when:%Y-%m-%d %H:%M} is in the future: log a contact once it happened")
    return channel(channel_name)


def log_contact(
    book: Workbook,
    who: str,
    *,
    channel_name: str,
    summary: str,
    direction: str,
    when: dt.datetime,
    next_step: str | None,
    now: dt.datetime,
    changes: ChangeSet | None = None,
    buyer: model.Buyer | None = None,
) -> Outcome:
    """A contact row, the buyer's Last contact, and a reply marked on open inquiries.

    Reads the buyer's Inquiries rows from `book` (a partial table of them is enough).
    """
    chan = check_contact(channel_name, summary, when, now)
    buyers = book.table("buyers")
    if buyer is None:
        buyer = resolve_buyer(buyers, who).buyer
    changes = changes or ChangeSet()
    out = Outcome(changes, buyer=buyer)
    values: dict[str, CellValue] = {
        "date": when,
        "buyer_id": buyer.buyer_id,
        "email": None if buyer.buyer_id else buyer.email,
        "channel": chan,
        "direction": direction,
        "summary": summary.strip(),
        "next_step": next_step.strip() if next_step else None,
    }
    contacts = book.get("contacts")
    if contacts is not None and contacts.has("email") and not contacts.has("buyer_id"):
        values["email"] = buyer.email
    _append(book, "contacts", values, changes, out)
    out.lines.append(
        f"Logged {direction} {chan} contact with {buyer.key} {buyer.label} on {when:%Y-%m-%d %H:%M}"
    )
    if buyer.row <= buyers.last_row:  # an existing row: update it in place
        newer = buyer.last_contact is None or when >= buyer.last_contact
        if newer and _set(buyers, buyer.row, "last_contact", when, changes, out):
            out.lines.append(f"Last contact of {buyer.key} set to {when:%Y-%m-%d %H:%M}")
        if buyer.next_follow_up is not None and buyer.next_follow_up <= when:
            _set(buyers, buyer.row, "next_follow_up", None, changes, out)
            out.lines.append(
                f"Cleared the past Next follow-up date ({buyer.next_follow_up:%Y-%m-%d})"
            )
    if direction == "out":
        inquiries = book.get("inquiries")
        for inq in model.load(inquiries, model.Inquiry, model.rows_of(inquiries, buyer)):
            answered = inq.replied is None and inq.is_open
            if inq.received is not None and inq.received > when:
                answered = False
            if answered and _set(inquiries, inq.row, "replied", when, changes, out):
                ident = inq.inquiry_id or f"row {inq.row}"
                out.lines.append(f"Inquiry {ident} marked replied at {when:%Y-%m-%d %H:%M}")
    return out


def record_inquiry(
    book: Workbook,
    who: str | None,
    new: NewBuyer,
    *,
    channel_name: str,
    received: dt.datetime,
    product: str | None,
    quantity: float | None,
    target_price: str | None,
    message: str | None,
    now: dt.datetime,
) -> Outcome:
    """An inquiry row for a known buyer, or for a new sender added in the same change."""
    if received > now + dt.timedelta(minutes=5):
        raise UsageError(f"{received:%Y-%m-%d %H:%M} is in the future: use the time it arrived")
    chan = channel(channel_name, INQUIRY_CHANNELS)
    buyers = book.table("buyers")
    changes = ChangeSet()
    buyer: model.Buyer | None = None
    out = Outcome(changes)
    if who:
        matches = find(buyers, parse_query(who))
        if matches:
            buyer = resolve_buyer(buyers, who).buyer
        else:
            _fill_from_query(new, parse_query(who))
    if buyer is None:
        if new.is_empty():
            raise UsageError("say who sent it: --buyer WHO, or --name/--email for a new sender")
        if new.products is None and product:
            new.products = product
        added = add_buyer(book, new, received, changes=changes)  # first contact: this one
        out.lines += added.lines
        out.warnings += added.warnings
        buyer = added.buyer
    assert buyer is not None
    out.buyer = buyer
    inquiries = book.get("inquiries")
    existing_ids = (
        inquiries.values("inquiry_id") if inquiries and inquiries.has("inquiry_id") else []
    )
    has_ids = inquiries is None or inquiries.has("inquiry_id")  # a new sheet gets IDs
    inquiry_id = next_id(existing_ids, "I") if has_ids else None
    values: dict[str, CellValue] = {
        "inquiry_id": inquiry_id,
        "received": received,
        "channel": chan,
        "buyer_id": buyer.buyer_id,
        "email": buyer.email,
        "product": product,
        "quantity": quantity,
        "target_price": target_price,
        "message": message.strip() if message else None,
        "status": "Open",
    }
    _append(book, "inquiries", values, changes, out)
    if inquiry_id:
        out.ids["inquiry_id"] = inquiry_id
    what = f" about {product}" if product else ""
    label = f"inquiry {inquiry_id}" if inquiry_id else "an inquiry"
    out.lines.append(
        f"Recorded {label} from {buyer.key} {buyer.label}{what} "
        f"({chan}, received {received:%Y-%m-%d %H:%M})"
    )
    if buyer.row <= buyers.last_row:
        if product and product not in buyer.product_list and buyers.has("products"):
            joined = ", ".join([*buyer.product_list, product])
            _set(buyers, buyer.row, "products", joined, changes, out)
        if buyer.last_contact is None or received > buyer.last_contact:
            _set(buyers, buyer.row, "last_contact", received, changes, out)
    return out


def _fill_from_query(new: NewBuyer, q: Query) -> None:
    if q.email and not new.email:
        new.email = q.email
    if q.phone and not new.phone:
        new.phone = q.phone
    if q.text and not new.name:  # a plain name, or the display name of 'Li Na <li@x.cn>'
        new.name = q.text


def parse_grade(text: str) -> str:
    """A grade letter from the command line, or a UsageError."""
    from inquiry_cli.workbook.cells import grade as parse

    value, problem = parse(text)
    if problem or value is None:
        raise UsageError(f"grade must be A, B, C or D, not {text!r}")
    return str(value)


@dataclass
class GradeTarget:
    """What `inq grade WHO` points at: a buyer, and maybe one of their inquiries."""

    buyer: model.Buyer | None  # None: an inquiry whose sender is not in Buyers
    inquiries: list[model.Inquiry]  # the inquiries to grade with the buyer


def resolve_grade_target(book: Workbook, who: str) -> GradeTarget:
    """An Inquiry ID grades that inquiry (and its buyer); a buyer grades the buyer and
    their open, ungraded inquiries."""
    buyers = book.table("buyers")
    inquiries = book.get("inquiries")
    if inquiries is not None and inquiries.has("inquiry_id"):
        wanted = who.strip().upper()
        for i, ident in enumerate(inquiries.values("inquiry_id")):
            if ident and ident.upper() == wanted:
                return target_for_row(book, inquiries.row_numbers[i])
    buyer = resolve_buyer(buyers, who).buyer
    pending = [
        i
        for i in model.load(inquiries, model.Inquiry, model.rows_of(inquiries, buyer))
        if i.grade is None and i.is_open
    ]
    return GradeTarget(buyer, pending)


def target_for_row(book: Workbook, row: int) -> GradeTarget:
    """The inquiry at Excel row `row` and its buyer (re-read after each interactive write)."""
    inquiries = book.table("inquiries")
    i = inquiries.row_numbers.index(row)
    inq = model.load(inquiries, model.Inquiry, [i])[0]
    return GradeTarget(_buyer_of(book.table("buyers"), inq), [inq])


def _buyer_of(buyers: Table, inq: model.Inquiry) -> model.Buyer | None:
    for key, value in (("buyer_id", inq.buyer_id), ("email", inq.email)):
        if value and buyers.has(key):
            for i, v in enumerate(buyers.values(key)):
                if v == value:
                    return model.load(buyers, model.Buyer, [i])[0]
    return None


def set_grade(
    book: Workbook,
    target: GradeTarget,
    grade: str,
    *,
    why: str | None,
    now: dt.datetime,
    changes: ChangeSet | None = None,
) -> Outcome:
    """Set the grade on the buyer and the inquiries, and keep the change in Grade history."""
    buyers = book.table("buyers")
    inquiries = book.get("inquiries")
    changes = changes or ChangeSet()
    out = Outcome(changes, buyer=target.buyer)
    buyer = target.buyer
    history: list[tuple[str | None, str | None]] = []  # (inquiry id, old grade)
    if buyer is None:
        buyer = model.Buyer(row=0, email=target.inquiries[0].email if target.inquiries else None)
    elif buyer.grade != grade and _set(buyers, buyer.row, "grade", grade, changes, out):
        history.append((None, buyer.grade))
        old = f" (was {buyer.grade})" if buyer.grade else ""
        out.lines.append(f"{buyer.key} {buyer.label} is now grade {grade}{old}")
    for inq in target.inquiries:
        if inq.grade == grade or inquiries is None:
            continue
        if _set(inquiries, inq.row, "grade", grade, changes, out):
            ident = inq.inquiry_id or f"row {inq.row}"
            history.append((inq.inquiry_id, inq.grade))
            out.lines.append(f"Inquiry {ident} graded {grade}")
    if not history:
        out.lines.append(f"{buyer.key} {buyer.label} is already grade {grade}: nothing to change")
        return out
    for inquiry_id, old in history:
        _append(
            book,
            "grade_history",
            {
                "date": now,
                "buyer_id": buyer.buyer_id,
                "email": buyer.email,
                "inquiry_id": inquiry_id,
                "from_grade": old,
                "to_grade": grade,
                "why": why,
            },
            changes,
            out,
        )
    return out


@dataclass
class Ungraded:
    """An inquiry waiting for a grade, with its sender and the suggestion."""

    inquiry: model.Inquiry
    buyer: model.Buyer | None
    earlier: int
    suggestion: Any  # grading.Suggestion


def ungraded(book: Workbook) -> list[Ungraded]:
    """Every open inquiry without a grade, oldest first, with a suggested grade."""
    from inquiry_cli.domain.grading import suggest

    inquiries = book.get("inquiries")
    if inquiries is None:
        return []
    buyers = book.table("buyers")
    grades = inquiries.values("grade")
    pending = [i for i, g in enumerate(grades) if g is None]
    if not pending:
        return []
    all_inqs = model.load(inquiries, model.Inquiry)
    index: dict[str, int] = {}
    for key in ("email", "buyer_id"):
        if buyers.has(key):
            for i, v in enumerate(buyers.values(key)):
                if v:
                    index[f"{key}:{v}"] = i
    received_by_sender: dict[str, list[dt.datetime]] = {}
    for other in all_inqs:
        sender = other.buyer_id or other.email
        if sender and other.received:
            received_by_sender.setdefault(sender, []).append(other.received)
    for times in received_by_sender.values():
        times.sort()
    out: list[Ungraded] = []
    for i in pending:
        inq = all_inqs[i]
        if not inq.is_open:
            continue
        pos = index.get(f"buyer_id:{inq.buyer_id}") if inq.buyer_id else None
        if pos is None and inq.email:
            pos = index.get(f"email:{inq.email}")
        buyer = model.load(buyers, model.Buyer, [pos])[0] if pos is not None else None
        earlier = 0
        if inq.received is not None:
            times = received_by_sender.get(inq.buyer_id or inq.email or "", [])
            earlier = bisect.bisect_left(times, inq.received)
        out.append(Ungraded(inq, buyer, earlier, suggest(inq, buyer, earlier)))
    out.sort(key=lambda u: (u.inquiry.received or dt.datetime.min, u.inquiry.row))
    return out


def record_quote(
    book: Workbook,
    draft: Any,  # quote.QuoteDraft
    *,
    file: str | None,
    channel_name: str | None,
    now: dt.datetime,
) -> Outcome:
    """Quotes rows, the Quote No on the buyer's open inquiry, and the contact: one change."""
    from inquiry_cli.domain.pricing import format_money

    buyer = draft.buyer
    changes = ChangeSet()
    out = Outcome(changes, buyer=buyer)
    for line in draft.lines:
        _append(
            book,
            "quotes",
            {
                "quote_no": draft.number,
                "date": dt.datetime.combine(draft.date, dt.time()),
                "buyer_id": buyer.buyer_id or buyer.email,
                "region": draft.region.name,
                "model": line.model,
                "quantity": line.qty,
                "unit_price": line.unit_price,
                "currency": draft.currency,
                "incoterm": draft.incoterm,
                "valid_until": dt.datetime.combine(draft.valid_until, dt.time()),
                "file": file,
            },
            changes,
            out,
        )
    out.ids["quote_no"] = draft.number
    inquiries = book.get("inquiries")
    mine = model.load(inquiries, model.Inquiry, model.rows_of(inquiries, buyer))
    quoted_models = {line.model.upper() for line in draft.lines}
    candidates = [i for i in mine if i.is_open and not i.quote_no]
    candidates.sort(
        key=lambda i: ((i.product or "").upper() in quoted_models, i.received or dt.datetime.min)
    )
    if candidates:
        target = candidates[-1]
        if _set(inquiries, target.row, "quote_no", draft.number, changes, out):
            out.lines.append(
                f"Inquiry {target.inquiry_id or f'row {target.row}'} gets quote {draft.number}"
            )
            if model.moves_forward(target.status, "Quoted") and inquiries.has("status"):
                changes.set(inquiries.name, target.row, inquiries.col("status"), "Quoted")
    items = ", ".join(f"{line.model} x {line.qty:,}" for line in draft.lines)
    total = format_money(draft.total, draft.currency)
    chan = channel_name or next(
        (
            i.channel
            for i in reversed(candidates or mine)
            if i.channel in ("alibaba", "email", "fax")
        ),
        "email",
    )
    logged = log_contact(
        book,
        buyer.key,
        channel_name=chan,
        summary=f"Sent quote {draft.number}: {items} ({total} {draft.incoterm})",
        direction="out",
        when=now,
        next_step="Follow up on the quote",
        now=now,
        changes=changes,
        buyer=buyer,
    )
    out.lines += logged.lines
    out.warnings += logged.warnings
    buyers = book.table("buyers")
    if model.moves_forward(buyer.status, "Quoted") and buyers.has("status"):
        changes.set(buyers.name, buyer.row, buyers.col("status"), "Quoted")
    return out


def parse_quantity(text: str, *, whole: bool = False, what: str = "--qty") -> int | float:
    """A quantity typed on the command line ('1000', '2,000', '2k', '500 pcs'), read
    exactly, or a UsageError (see quantities.py for what is accepted and why)."""
    from inquiry_cli.quantities import parse_quantity as parse

    return parse(text, whole=whole, what=what)


def log_outgoing(
    book: Workbook,
    buyer: model.Buyer,
    *,
    channel_name: str,
    summary: str,
    next_step: str | None,
    when: dt.datetime,
    changes: ChangeSet,
    direction: str = "out",
) -> Outcome:
    """A contact row and the buyer's Last contact, added to `changes`; unlike log_contact
    it never marks inquiries replied (a mail-out or a sample is not a reply)."""
    chan = channel(channel_name)
    buyers = book.table("buyers")
    out = Outcome(changes, buyer=buyer)
    values: dict[str, CellValue] = {
        "date": when,
        "buyer_id": buyer.buyer_id,
        "email": buyer.email,
        "channel": chan,
        "direction": direction,
        "summary": summary.strip(),
        "next_step": next_step.strip() if next_step else None,
    }
    contacts = book.get("contacts")
    for key in ("buyer_id", "email"):  # link by what the sheet has, without a warning
        if contacts is not None and not contacts.has(key):
            values[key] = None
    _append(book, "contacts", values, changes, out)
    if 0 < buyer.row <= buyers.last_row:
        newer = buyer.last_contact is None or when >= buyer.last_contact
        if newer and buyers.has("last_contact"):
            changes.set(buyers.name, buyer.row, buyers.col("last_contact"), when)
        if buyer.next_follow_up is not None and buyer.next_follow_up <= when:
            _set(buyers, buyer.row, "next_follow_up", None, changes, out)
    return out
