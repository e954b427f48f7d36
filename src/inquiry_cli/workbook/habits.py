"""What each column does in its data rows, so a new row looks like the user's own: the
cell format its values use most, and the formula every one of its rows holds.

Read from the rows just above the new one, nearest first, without parsing the sheet:
styles from the last STYLE_ROWS data rows (the user's current habit), formulas from up
to FORMULA_ROWS rows, and only for columns whose row above holds a formula at all.
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

from inquiry_cli.workbook.refs import relative_form
from inquiry_cli.workbook.sheetxml import (
    Habits,
    Row,
    SheetXml,
    attrs,
    col_number,
    holds_value,
    int_attr,
)

_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*["']\$?([A-Za-z]{1,3})""")
_S_ATTR = re.compile(rb"""(?:^|\s)s\s*=\s*["'](\d+)""")
STYLE_ROWS = 100
FORMULA_ROWS = 2_000
MIN_FORMULA_ROWS = 2  # one row is no pattern


class _Formulas:
    """Relative forms of a row's formulas, shared formulas resolved through their master."""

    def __init__(self, sheet: SheetXml) -> None:
        self.sheet = sheet
        p = re.escape(sheet.p)
        self.f_tag = re.compile(rb"<" + p + rb"f\b([^>]*?)(?:/>|>(.*?)</" + p + rb"f>)", re.S)
        self.masters: dict[bytes, tuple[str, int, int] | None] = {}

    def of(self, row: int, col: int, inner: bytes) -> tuple[str, str, int] | None:
        """(relative form, text, the row the text is written for) of a cell's formula."""
        m = self.f_tag.search(inner)
        if m is None:
            return None
        a = attrs(m.group(1))
        kind = a.get(b"t", b"normal")
        if kind == b"normal":
            text = unescape((m.group(2) or b"").decode("utf-8", "replace"))
            return (relative_form(text, row), text, row) if text.strip() else None
        if kind != b"shared" or b"si" not in a:
            return None  # an array formula or data table is not filled down
        master = self._master(a[b"si"])
        if master is None or master[2] != col:
            return None  # a group spread over columns shifts its columns too
        text, master_row, _col = master
        return relative_form(text, master_row), text, master_row

    def _master(self, si: bytes) -> tuple[str, int, int] | None:
        """(text, row, column) of the shared formula group `si`'s master cell."""
        if si not in self.masters:
            self.masters[si] = None
            sheet = self.sheet
            pattern = re.compile(
                rb"<"
                + re.escape(sheet.p)
                + rb"f\b[^>]*\bsi\s*=\s*[\"']"
                + re.escape(si)
                + rb"[\"']"
            )
            for m in pattern.finditer(sheet.xml, sheet.inner_start, sheet.inner_end):
                gt = sheet.xml.find(b">", m.end())
                if sheet.xml[gt - 1 : gt] == b"/":
                    continue  # a child: no text of its own
                end = sheet.xml.find(b"</" + sheet.p + b"f>", gt)
                text = unescape(sheet.xml[gt + 1 : end].decode("utf-8", "replace"))
                cell = sheet.xml.rfind(b"<" + sheet.p + b"c", sheet.inner_start, m.start())
                ref = attrs(sheet.xml[cell : sheet.xml.find(b">", cell)]).get(b"r", b"")
                letters = re.match(rb"\$?([A-Za-z]+)\$?(\d+)", ref)
                if text.strip() and letters:
                    row, col = int(letters.group(2)), col_number(letters.group(1))
                    self.masters[si] = (text, row, col)
                break
        return self.masters[si]


def column_habits(sheet: SheetXml, above: Row, top: int) -> Habits:
    """The habits of each column over data rows top+1 .. above (nearest first). A formula
    is continued only if every one of those rows holds it (up to FORMULA_ROWS of them)."""
    formulas = _Formulas(sheet)
    candidates: dict[int, tuple[str, str, int]] = {}
    rows_seen = 0
    expected = above.number  # the next row up, if no row is missing
    capped = False
    style_from = above.start
    for n, row in enumerate(sheet.rows_up(above)):
        if row.number <= top:
            break
        if row.number != expected:  # a row missing: not every row holds the formula
            candidates.clear()
        if n >= STYLE_ROWS and (not candidates or n >= FORMULA_ROWS):
            capped = True
            break
        expected = row.number - 1
        if n < STYLE_ROWS:
            style_from = row.start
        rows_seen = n + 1
        if n and not candidates:
            continue
        found_cells = sheet.cells(row)
        cells = {col: inner for col, _s, _e, _a, inner in found_cells}
        if n == 0:
            for col, inner in cells.items():
                if (found := formulas.of(row.number, col, inner)) is not None:
                    candidates[col] = found
            continue
        if row.number == top + 1 and _all_text(found_cells, sheet.p):
            # The sheet's first row holds only text: the header under a title row (the
            # header the reader found is not known here). The rows below it all held it.
            expected = top
            break
        for col in list(candidates):
            found = formulas.of(row.number, col, cells[col]) if col in cells else None
            if found is None or found[0] != candidates[col][0]:
                del candidates[col]
    continued = {}
    if rows_seen >= MIN_FORMULA_ROWS and (capped or expected == top):
        continued = {col: (text, row) for col, (_form, text, row) in candidates.items()}
    return Habits(_most_used_styles(sheet, style_from, above.end), continued)


def _all_text(cells: list[tuple[int, int, int, dict[bytes, bytes], bytes]], p: bytes) -> bool:
    """Whether every cell holding something holds text (a header row), no formula."""
    valued = [(a, inner) for _c, _s, _e, a, inner in cells if holds_value(inner, p)]
    return bool(valued) and all(
        a.get(b"t") in (b"s", b"inlineStr") and b"<" + p + b"f" not in inner for a, inner in valued
    )


def _most_used_styles(sheet: SheetXml, start: int, end: int) -> dict[int, int]:
    """Per column, the cell format most used by the cells holding something between byte
    offsets start and end (a tie goes to the nearer row). One regex pass: ~2 ms for 100
    rows, where tokenising each cell costs 15."""
    p = re.escape(sheet.p)
    # A cell holding something: not <c .../> and not <c ...></c>.
    pattern = re.compile(rb"<" + p + rb"c\b([^>]*?)(?:>(?!</" + p + rb"c>))")
    counts: dict[tuple[bytes, int], int] = {}  # (column letters, style) -> cells
    last: dict[tuple[bytes, int], int] = {}  # ... -> the last cell using it
    for k, head in enumerate(pattern.findall(sheet.xml, start, end)):
        if head.endswith(b"/"):
            continue
        ref = _R_ATTR.search(head)
        if ref is None:  # cells without r=: count them the slow way
            return _most_used_slowly(sheet, start, end)
        style = _S_ATTR.search(head)
        key = (ref.group(1), int(style.group(1)) if style else 0)
        counts[key] = counts.get(key, 0) + 1
        last[key] = k
    best: dict[int, tuple[int, int, int]] = {}  # col -> (cells, last, style)
    for (letters, index), n in counts.items():
        col = col_number(letters)
        mine = (n, last[(letters, index)], index)
        if col not in best or mine > best[col]:
            best[col] = mine
    return {col: index for col, (_n, _last, index) in best.items()}


def _most_used_slowly(sheet: SheetXml, start: int, end: int) -> dict[int, int]:
    """_most_used_styles for cells without r= (their column is their place in the row)."""
    counts: dict[int, Counter[int]] = {}
    last: dict[int, dict[int, int]] = {}
    k = 0
    for row in sheet.rows_in(start, end):
        for col, _s, _e, a, inner in sheet.cells(row):
            if holds_value(inner, sheet.p):
                index = int_attr(a.get(b"s")) or 0
                counts.setdefault(col, Counter())[index] += 1
                k += 1
                last.setdefault(col, {})[index] = k
    return {
        col: max(counter, key=lambda s: (counter[s], last[col][s]))
        for col, counter in counts.items()
    }
