"""Every cell of an existing row that a change set changes, as the user will see it.

A command may add rows freely (they are new and said as such), but a cell the user typed
that inq changes must never change unsaid: each is named (sheet, row, who the row is
about, the user's own header, old -> new), whatever rule set it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from inquiry_cli.contract.changes import ChangeSet
from inquiry_cli.contract.records import Table, Workbook
from inquiry_cli.domain import model

# Up to this many changed cells are listed after a write; more are counted.
LISTED = 10


@dataclass(frozen=True)
class CellChange:
    """One cell of an existing row, before and after."""

    sheet: str
    row: int  # Excel row number
    who: str  # the buyer (or record) the row is about, '' when it names nobody
    header: str  # the user's own header of the column
    old: Any
    new: Any

    @property
    def text(self) -> str:
        about = f" ({self.who})" if self.who else ""
        return (
            f"{self.sheet} row {self.row}{about}, {self.header}: "
            f"{cell_text(self.old, blank='(blank)')} -> {cell_text(self.new)}"
        )


def cell_text(value: Any, blank: str = "(cleared)") -> str:
    """A cell's value in words: dates as ISO (with the time when it has one)."""
    if value is None or value == "":
        return blank
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}" if value.hour or value.minute else f"{value:%Y-%m-%d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def changed_cells(book: Workbook, changes: ChangeSet) -> list[CellChange]:
    """The cells of existing rows `changes` sets to something else than they hold, in
    sheet and row order (a cell set to what it holds changes nothing, and is left out)."""
    tables = _raw_tables(book)
    out: list[CellChange] = []
    for sheet, cells in changes.sets.items():
        table = tables.get(sheet)
        if table is None:
            continue  # a sheet the user never sees (inq's own mapping)
        for (row, col), new in sorted(cells.items()):
            old = _old_value(table, row, col)
            if _same(old, new):
                continue
            header = _header(table, col)
            out.append(CellChange(sheet, row, _who(book, table, row), header, old, new))
    return out


def _raw_tables(book: Workbook) -> dict[str, Table]:
    """Sheet name -> a table of its rows as typed (on a one-row-per-inquiry sheet the
    buyers' table is their rows merged: the inquiries' table is the sheet itself)."""
    out: dict[str, Table] = {}
    for table in book.tables.values():
        if table.name not in out or out[table.name].groups is not None:
            out[table.name] = table
    return out


def _old_value(table: Table, row: int, col: int) -> Any:
    if row == table.header_row:
        return table.headers[col - 1] if col <= len(table.headers) else None
    try:
        i = table.row_numbers.index(row)
    except ValueError:
        return None  # a blank row (the reader skips those)
    cells = table.rows[i]
    raw = cells[col - 1] if col <= len(cells) else None
    key = next((k for k, idx in table.columns.items() if idx == col - 1), None)
    if key is not None and raw not in (None, ""):
        typed = table.values_at(key, [i])[0]
        if typed is not None:
            return typed
    return raw


def _same(old: Any, new: Any) -> bool:
    if old in (None, "") and new in (None, ""):
        return True
    if isinstance(old, dt.datetime) and isinstance(new, dt.date):
        return old == (new if isinstance(new, dt.datetime) else dt.datetime.combine(new, dt.time()))
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new
    return bool(old == new)


def _header(table: Table, col: int) -> str:
    header = table.headers[col - 1] if col <= len(table.headers) else ""
    return str(header) if header else f"column {col}"


def _who(book: Workbook, table: Table, row: int) -> str:
    """Who a row is about: the buyer of a Buyers row, else whom the row names."""
    buyers = book.get("buyers")
    if buyers is not None and buyers.name == table.name:
        i = buyers.row_index(row)
        if i is not None:
            buyer = model.load(buyers, model.Buyer, [i])[0]
            name = buyer.name or buyer.company
            return f"{buyer.key} {name}" if name and buyer.key != name else buyer.key
    i = table.row_numbers.index(row) if row in table.row_numbers else None
    if i is None:
        return ""
    for key in ("inquiry_id", "quote_no", "buyer_id", "email", "client", "company"):
        if table.has(key):
            value = table.keys(key)[i]
            if value:
                return value
    return ""
