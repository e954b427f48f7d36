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
    sheet and row order (a cell set to what it holds changes nothing, and is left out).

    A mail-out may set a cell on each of 10,000 rows: rows are found through one index
    per sheet, and the buyers named in one load."""
    tables = _raw_tables(book)
    out: list[CellChange] = []
    for sheet, cells in changes.sets.items():
        table = tables.get(sheet)
        if table is None:
            continue  # a sheet the user never sees (inq's own mapping)
        at = {row: i for i, row in enumerate(table.row_numbers)}
        keys = {idx: key for key, idx in table.columns.items()}
        found = []
        for (row, col), new in sorted(cells.items()):
            old = _old_value(table, at.get(row), row, col, keys.get(col - 1))
            if not _same(old, new):
                found.append((row, col, old, new))
        who = _who(book, table, sorted({row for row, *_ in found}), at)
        out += [
            CellChange(sheet, row, who.get(row, ""), _header(table, col), old, new)
            for row, col, old, new in found
        ]
    return out


def _raw_tables(book: Workbook) -> dict[str, Table]:
    """Sheet name -> a table of its rows as typed (on a one-row-per-inquiry sheet the
    buyers' table is their rows merged: the inquiries' table is the sheet itself)."""
    out: dict[str, Table] = {}
    for table in book.tables.values():
        if table.name not in out or out[table.name].groups is not None:
            out[table.name] = table
    return out


def _old_value(table: Table, i: int | None, row: int, col: int, key: str | None) -> Any:
    if row == table.header_row:
        return table.headers[col - 1] if col <= len(table.headers) else None
    if i is None:
        return None  # a blank row (the reader skips those)
    cells = table.rows[i]
    raw = cells[col - 1] if col <= len(cells) else None
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


def _who(book: Workbook, table: Table, rows: list[int], at: dict[int, int]) -> dict[int, str]:
    """{Excel row: who it is about}: the buyer of a Buyers row, else whom the row names."""
    buyers = book.get("buyers")
    if buyers is not None and buyers.name == table.name:
        if buyers.groups is not None:  # one row per inquiry: any row of theirs
            index = {r: i for i, members in enumerate(buyers.groups) for r in members}
        else:
            index = at if buyers is table else {r: i for i, r in enumerate(buyers.row_numbers)}
        places = {r: index.get(r) for r in rows}
        wanted = sorted({i for i in places.values() if i is not None})
        loaded = dict(zip(wanted, model.load(buyers, model.Buyer, wanted), strict=True))
        return {r: _buyer_text(loaded[i]) for r, i in places.items() if i is not None}
    out: dict[int, str] = {}
    names = [table.keys(k) for k in _NAMES if table.has(k)]
    for r in rows:
        i = at.get(r)
        value = next((col[i] for col in names if col[i]), None) if i is not None else None
        if value:
            out[r] = value
    return out


_NAMES = ("inquiry_id", "quote_no", "buyer_id", "email", "client", "company")


def _buyer_text(buyer: model.Buyer) -> str:
    name = buyer.name or buyer.company
    return f"{buyer.key} {name}" if name and buyer.key != name else buyer.key
