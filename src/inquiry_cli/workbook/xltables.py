"""The Excel Tables (ListObjects) of a sheet, from its relationships: each one's range,
header and totals rows, so the reader takes its records from inside that range only."""

from __future__ import annotations

import re
from typing import Any

from inquiry_cli.contract.records import ListObject

_TABLE_REL = "/table"
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})$")
_MAX_TABLES = 64  # more Tables on one sheet than this: read the sheet as a plain grid


def _cell(ref: str) -> tuple[int, int] | None:
    m = _CELL.match(ref.strip())
    if m is None:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _count(value: str | None, default: int) -> int:
    if value is None or not value.strip().isdigit():
        return default
    return min(int(value), 1)  # Excel writes 0 or 1


def sheet_tables(src: Any, sheet_part: str | None) -> list[ListObject]:
    """The ListObjects of the worksheet part `sheet_part` (src: a ZipSource), top first.

    A relationship to a missing or unreadable table part is skipped: the sheet is then
    read as a grid, as if the Table were not there.
    """
    from inquiry_cli.workbook.ooxml import rels_name, resolve_target
    from inquiry_cli.workbook.xmlsafe import parse

    if not sheet_part:
        return []
    rels_part = src.name(rels_name(sheet_part))
    if rels_part is None or not src.has(rels_part):
        return []
    filename = src.path.name
    try:
        rels = parse(src.read(rels_part), f"{filename}: part {rels_part}")
    except Exception:  # a damaged rels part: the write path says so if it matters
        return []
    out: list[ListObject] = []
    for el in rels.iter("{*}Relationship"):
        if not (el.get("Type") or "").endswith(_TABLE_REL) or el.get("TargetMode") == "External":
            continue
        part = src.name(resolve_target(sheet_part, el.get("Target") or ""))
        if part is None or not src.has(part) or len(out) >= _MAX_TABLES:
            continue
        try:
            root = parse(src.read(part), f"{filename}: part {part}")
        except Exception:
            continue
        found = _list_object(root)
        if found is not None:
            out.append(found)
    return sorted(out, key=lambda t: (t.first_row, t.first_col))


def _list_object(root: Any) -> ListObject | None:
    ends = [_cell(x) for x in (root.get("ref") or "").split(":")]
    if not 1 <= len(ends) <= 2 or None in ends:
        return None
    (r1, c1), (r2, c2) = ends[0], ends[-1]  # type: ignore[misc]
    names = tuple((col.get("name") or "").strip() for col in root.iter("{*}tableColumn"))
    return ListObject(
        name=root.get("displayName") or root.get("name") or "",
        first_row=min(r1, r2),
        last_row=max(r1, r2),
        first_col=min(c1, c2),
        last_col=max(c1, c2),
        header_rows=_count(root.get("headerRowCount"), 1),
        totals_rows=_count(root.get("totalsRowCount"), 0),
        columns=names,
    )
