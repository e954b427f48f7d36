"""`inq grade`: set a grade (buyer and inquiry), kept in Grade history; the ungraded queue."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from inquiry_cli.contract import needs
from inquiry_cli.contract.changes import ChangeSet
from inquiry_cli.contract.records import Table, Workbook
from inquiry_cli.domain import model
from inquiry_cli.domain.linking import link_names
from inquiry_cli.domain.recording.common import (
    Outcome,
    Spot,
    append_row,
    resolve_buyer,
    set_cell,
    taken_as,
)
from inquiry_cli.domain.recording.inquiry_rows import one_sheet
from inquiry_cli.domain.recording.numbering import raw_column
from inquiry_cli.errors import UsageError


def parse_grade(text: str) -> str:
    """A grade letter from the command line, or a UsageError."""
    from inquiry_cli.contract.cells import grade as parse

    value, problem = parse(text)
    if problem or value is None:
        raise UsageError(f"grade must be A, B, C or D, not {text!r}")
    return str(value)


@dataclass
class GradeTarget:
    """What `inq grade WHO` points at: a buyer, and maybe one of their inquiries."""

    buyer: model.Buyer | None  # None: an inquiry whose sender is not in Buyers
    inquiries: list[model.Inquiry]  # the inquiries to grade with the buyer
    taken: str | None = None  # whom a WHO found by likeness was taken as (taken_as)


def resolve_grade_target(book: Workbook, who: str) -> GradeTarget:
    """An Inquiry ID grades that inquiry (and its buyer); a buyer grades the buyer and
    their open, ungraded inquiries."""
    link_names(book)
    buyers = book.table("buyers")
    inquiries = book.get("inquiries")
    if inquiries is not None and inquiries.has("inquiry_id"):
        wanted = who.strip().upper()
        for i, ident in enumerate(inquiries.values("inquiry_id")):
            if ident and ident.upper() == wanted:
                return target_for_row(book, inquiries.row_numbers[i])
    match = resolve_buyer(buyers, who)
    buyer = match.buyer
    pending = [
        i
        for i in model.load(inquiries, model.Inquiry, model.rows_of(inquiries, buyer))
        if i.grade is None and i.is_open
    ]
    if one_sheet(book):  # one row per inquiry: the grade is the latest row's, history stays
        pending = [i for i in pending if i.row == buyer.row]
    return GradeTarget(buyer, pending, taken_as(who, match))


def target_for_row(book: Workbook, row: int) -> GradeTarget:
    """The inquiry at Excel row `row` and its buyer (re-read after each interactive write)."""
    link_names(book)  # (a log naming its buyer by client or company: model.load links it)
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


# A grade as people write it: 'A', 'a', 'A级', 'B类', 'Grade C'.
_GRADE_FORM = re.compile(r"^((?:grade|level|class)?\s*)([A-Da-d])(\s*[级类等]*)$", re.I)


def grade_form(table: Table, grade: str) -> str:
    """`grade` written the way the sheet's Grade column writes grades (B级 where it holds
    A级, c where it holds lower-case letters): the form its cells use most."""
    from collections import Counter

    forms: Counter[tuple[str, bool, str]] = Counter()
    for value in raw_column(table, "grade"):
        found = _GRADE_FORM.match(value.strip()) if isinstance(value, str) else None
        if found:
            forms[(found.group(1), found.group(2).islower(), found.group(3))] += 1
    if not forms:
        return grade
    (before, lower, after), _n = forms.most_common(1)[0]
    return f"{before}{grade.lower() if lower else grade}{after}"


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
    if target.taken:
        out.taken.append(target.taken)
    buyer = target.buyer
    history: list[tuple[str | None, str | None, Spot]] = []  # (inquiry id, old grade, cell)
    if buyer is None:
        buyer = model.Buyer(row=0, email=target.inquiries[0].email if target.inquiries else None)
    elif buyer.grade != grade and (
        spot := set_cell(buyers, buyer.row, "grade", grade_form(buyers, grade), changes, out)
    ):
        history.append((None, buyer.grade, spot))
        was = f" (was {buyer.grade})" if buyer.grade else ""
        out.tell(f"{buyer.key} {buyer.label} is now grade {grade}{was}", spot)
    for inq in target.inquiries:
        if inq.grade == grade or inquiries is None:
            continue
        said = grade_form(inquiries, grade)
        if spot := set_cell(inquiries, inq.row, "grade", said, changes, out):
            ident = inq.inquiry_id or f"row {inq.row}"
            history.append((inq.inquiry_id, inq.grade, spot))
            out.tell(f"Inquiry {ident} graded {grade}", spot)
    if not history:
        out.lines.append(f"{buyer.key} {buyer.label} is already grade {grade}: nothing to change")
        return out
    if target.buyer is not None:  # the grade decides the channel too (domain.channels)
        from dataclasses import replace

        from inquiry_cli.domain.channels import choose

        via = choose(replace(target.buyer, grade=grade))
        line = f"Next contact with {buyer.key} by {via.text}"
        mine = [spot for inquiry_id, _old, spot in history if inquiry_id is None]
        out.tell(line, mine[0]) if mine else out.lines.append(line)
    for inquiry_id, old, spot in history:  # each row true only if its cell is written
        sheet, row = append_row(
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
        out.rows_upon.append((spot, sheet, row))
    return out


@dataclass
class Ungraded:
    """An inquiry waiting for a grade, with its sender and the suggestion."""

    inquiry: model.Inquiry
    buyer: model.Buyer | None
    earlier: int
    suggestion: Any  # grading.Suggestion


@dataclass(slots=True)
class _Sent:
    """When an inquiry came and from whom: every row's, to count a sender's earlier ones."""

    row: int
    received: dt.datetime | None = None
    buyer_id: str | None = None
    email: str | None = None


def ungraded(book: Workbook) -> list[Ungraded]:
    """Every open inquiry without a grade, oldest first, with a suggested grade."""
    from inquiry_cli.domain.grading import suggest

    buyers = book.table("buyers")  # (no buyer list found: that is said, not "none ungraded")
    inquiries = book.get("inquiries")
    if inquiries is None:
        return []
    link_names(book)  # (a log naming its buyer by client or company: model.load links it)
    grades = inquiries.values("grade")
    pending = [i for i, g in enumerate(grades) if g is None]
    if not pending:
        return []
    received_by_sender: dict[str, list[dt.datetime]] = {}
    for sent in model.load(inquiries, _Sent):  # (every row: graded ones were sent too)
        sender = sent.buyer_id or sent.email
        if sender and sent.received:
            received_by_sender.setdefault(sender, []).append(sent.received)
    for times in received_by_sender.values():
        times.sort()
    # The records of the ungraded rows alone: their messages, quantities and prices are
    # what the rules read, the graded rows' are not converted.
    loaded = model.load(inquiries, model.Inquiry, pending, fields_=needs.SUGGEST_INQUIRY)
    open_inqs = [inq for inq in loaded if inq.is_open]
    by_id = _positions(buyers, "buyer_id")
    by_email = _positions(buyers, "email")
    positions: list[int | None] = []  # each open inquiry's buyer row, if found
    for inq in open_inqs:
        pos = by_id.get(inq.buyer_id) if inq.buyer_id else None
        if pos is None and inq.email:
            pos = by_email.get(inq.email)
        positions.append(pos)
    # One load of every buyer needed (a load per inquiry was a fifth of the command).
    wanted = sorted({p for p in positions if p is not None})
    buyers_at = model.load(buyers, model.Buyer, wanted, fields_=needs.SUGGEST_BUYER)
    by_pos = dict(zip(wanted, buyers_at, strict=True))
    out: list[Ungraded] = []
    for inq, pos in zip(open_inqs, positions, strict=True):
        buyer = by_pos[pos] if pos is not None else None
        earlier = 0
        if inq.received is not None:
            times = received_by_sender.get(inq.buyer_id or inq.email or "", [])
            earlier = bisect.bisect_left(times, inq.received)
        out.append(Ungraded(inq, buyer, earlier, suggest(inq, buyer, earlier)))
    out.sort(key=lambda u: (u.inquiry.received or dt.datetime.min, u.inquiry.row))
    return out


def _positions(table: Table, key: str) -> dict[Any, int]:
    """{a column's value: its (last) row index}, empty cells left out."""
    if not table.has(key):
        return {}
    return {v: i for i, v in enumerate(table.values(key)) if v}
