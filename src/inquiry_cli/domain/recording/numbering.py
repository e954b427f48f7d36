"""New IDs and serial numbers that continue the user's own: C004 -> C005, KH-0099 ->
KH-0100, 2026-017 -> 2026-018, and a 序号 / No. / # column counted on.

An ID is read as prefix, digits, suffix; the pattern most of the column's IDs share is the
one continued (the highest number among them, zero-padded to the widest), so a stray
value typed by hand does not decide. inq's own pattern (B0001) only starts an empty column.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from inquiry_cli.contract import schema
from inquiry_cli.contract.cells import is_whole
from inquiry_cli.contract.changes import CellValue, ChangeSet
from inquiry_cli.contract.records import Table, Workbook

_ID = re.compile(r"^(.*?)(\d+)(\D*)$")
_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value if value is not None else "").strip()


def next_id(existing: list[Any], prefix: str, width: int = 4, *, year: int | None = None) -> str:
    """The ID after the highest of the column's dominant pattern (gaps kept), else
    `prefix` + 1 zero-padded to `width`.

    With `year` (numbers that start again each year, like quote numbers), a year in the
    pattern's prefix is the current one: QT2025-0042 is followed in 2026 by QT2026-0001.
    """
    parsed = [m for m in (_ID.match(_text(v)) for v in existing) if m]
    if not parsed:
        return f"{prefix}{1:0{width}d}"

    def shape(m: re.Match[str]) -> tuple[str, str]:
        head = m[1].upper()
        return (_YEAR.sub("{year}", head) if year is not None else head, m[3].upper())

    counts = Counter(shape(m) for m in parsed)
    top = max(counts.values())
    dominant = next(shape(m) for m in reversed(parsed) if counts[shape(m)] == top)
    mine = [m for m in parsed if shape(m) == dominant]
    latest = mine[-1]
    head, tail = latest[1], latest[3]
    if year is not None and "{year}" in dominant[0]:
        head = _YEAR.sub(str(year), head)
        mine = [m for m in mine if m[1].upper() == head.upper()]
    digits = max(len(m[2]) for m in parsed if shape(m) == dominant)
    number = max((int(m[2]) for m in mine), default=0) + 1
    return f"{head}{number:0{digits}d}{tail}"


def id_value(ident: str, existing: list[Any]) -> CellValue:
    """The new ID as a cell: a number where the column holds plain numbers, else text."""
    numbers = [v for v in existing if isinstance(v, int | float) and not isinstance(v, bool)]
    if ident.isdigit() and numbers and len(numbers) * 2 >= len([v for v in existing if v]):
        return int(ident)
    return ident


def raw_column(table: Table, key: str) -> list[Any]:
    """A column's cells as the reader gave them (a number is still a number)."""
    idx = table.columns.get(key)
    return [] if idx is None else [row[idx] for row in table.rows if idx < len(row)]


def serial_columns(table: Table) -> list[int]:
    """0-based columns of a sheet that count its rows (序号, No., #, S/N; 编号 or No holding
    plain numbers): inq continues their count on every row it adds, and never shows them."""
    out: list[int] = []
    mapped = set(table.columns.values())
    for c, header in enumerate(table.headers):
        if not schema.is_serial_header(header):
            continue
        values = [row[c] for row in table.rows if c < len(row) and row[c] not in ("", None)]
        fresh = not values and not table.rows and c not in mapped
        if (values and all(is_whole(v) for v in values)) or fresh:
            out.append(c)  # (in a list with no records yet, of no field: starts at 1)
    return out


def add_row(book: Workbook, table: Table, row: dict[int, CellValue], changes: ChangeSet) -> None:
    """Append `row` (1-based column -> value) to the table's sheet, its serial columns
    counted on from the highest number in the sheet and in the rows appended before it."""
    raw = _raw_table(book, table)
    earlier = changes.appends.get(table.name, [])
    serials = serial_columns(raw)
    if serials:
        changes.serial_columns.setdefault(table.name, [c + 1 for c in serials])
    for c in serials:
        numbers = [int(r[c]) for r in raw.rows if c < len(r) and is_whole(r[c])]
        numbers += [int(v) for r in earlier if isinstance(v := r.get(c + 1), int | float)]
        row[c + 1] = max(numbers, default=0) + 1
    changes.append(table.name, row)
    if raw.header_row:
        changes.header_rows.setdefault(table.name, raw.header_row)


def _raw_table(book: Workbook, table: Table) -> Table:
    """The table of the sheet's own rows (one row per inquiry: the buyers' table is their
    rows merged, the inquiries' table is every row)."""
    if table.groups is None:
        return table
    for other in book.tables.values():
        if other.name == table.name and other.groups is None:
            return other
    return table
