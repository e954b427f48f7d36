"""A workbook kept as one row per inquiry (Workbook.layout INQUIRY_ROWS): the buyer is
repeated on each row, so a new inquiry is a new row of that sheet, the buyer's
particulars copied from their latest row; rows already there are history, never edited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inquiry_cli.contract.changes import CellValue, ChangeSet
from inquiry_cli.contract.records import INQUIRY_ROWS, Table, Workbook
from inquiry_cli.domain import model
from inquiry_cli.domain.recording.common import Outcome, named, row_for
from inquiry_cli.domain.recording.numbering import add_row

# Buyer fields that are not copied onto a new inquiry's row: the note is the row's own
# remark ("sample sent"), and the dates say when this inquiry came.
_NOT_COPIED = frozenset({"notes", "products", "first_contact", "last_contact", "merged_into"})


def one_sheet(book: Workbook) -> bool:
    """Whether buyers and inquiries are the rows of one sheet."""
    buyers, inquiries = book.get("buyers"), book.get("inquiries")
    return (
        book.layout == INQUIRY_ROWS
        and buyers is not None
        and inquiries is not None
        and buyers.name == inquiries.name
    )


def particulars(buyers: Table, inquiries: Table, buyer: model.Buyer) -> dict[int, CellValue]:
    """{column: cell} of the buyer's columns on their latest row (its blanks filled from
    their earlier rows, as the reader merges them), but the inquiry's own columns."""
    i = buyers.row_index(buyer.row)
    if i is None:
        return {}
    merged = buyers.rows[i]
    own = {idx for key, idx in inquiries.columns.items() if key not in ("grade",)}
    out: dict[int, CellValue] = {}
    for key, idx in buyers.columns.items():
        if key in _NOT_COPIED or idx in own or idx >= len(merged):
            continue
        value: Any = merged[idx]
        if value not in (None, ""):
            out[idx + 1] = value
    return out


def add_inquiry_row(
    book: Workbook,
    buyer: model.Buyer,
    values: dict[str, CellValue],
    changes: ChangeSet,
    out: Outcome,
) -> None:
    """The inquiry as a new row of the one sheet: the buyer's particulars, then the
    inquiry's cells named the sheet's way, and the buyer's Last contact on it when the
    sheet has one (the latest of theirs and this inquiry's).

    A buyer added in this change set has a row of their own in it already: their first
    inquiry fills that row (one row, as the user would type it); a second one copies it.
    """
    buyers, inquiries = book.table("buyers"), book.table("inquiries")
    cells, dropped = row_for(inquiries, named(book, inquiries, buyer, values))
    if dropped:
        out.warnings.append(
            f"{inquiries.name} has no column for {', '.join(dropped)}: not recorded"
        )
    pending = changes.appends.get(inquiries.name, [])
    k = buyer.row - buyers.last_row - 1
    if 0 <= k < len(pending):  # a buyer this change adds
        received = inquiries.columns.get("received")
        if received is None or pending[k].get(received + 1) is None:
            pending[k].update(cells)  # their own row: this inquiry's
            return
        own = {idx + 1 for key, idx in inquiries.columns.items() if key != "grade"}
        row = {c: v for c, v in pending[k].items() if c not in own}
    else:
        row = particulars(buyers, inquiries, buyer)
        when = values.get("received")
        if buyers.writable("last_contact") and isinstance(when, dt.datetime):
            last = buyer.last_contact
            row[buyers.col("last_contact")] = when if last is None or when > last else last
    row.update(cells)
    add_row(book, inquiries, row, changes)
