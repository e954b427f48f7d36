"""What each column does in its data rows, so a new row looks like the user's own: the
cell format its values use most, and the formula every one of its rows holds.

Read from the rows just above the new one, nearest first, without parsing the sheet:
styles from the last STYLE_ROWS data rows (the user's current habit), formulas from up
to FORMULA_ROWS rows, and only for columns whose row above holds a formula at all.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from html import unescape

from inquiry_cli.workbook.refs import relative_form
from inquiry_cli.workbook.sheetxml import (
    Habits,
    NoRowNumbers,
    Row,
    SheetXml,
    attrs,
    col_number,
    holds_value,
    int_attr,
)

STYLE_ROWS = 100
FORMULA_ROWS = 2_000
MIN_FORMULA_ROWS = 2  # one row is no pattern


def _rows_up(sheet: SheetXml, row: Row) -> Iterator[Row]:
    """`row` and the rows above it, nearest first (stops at a row without r=)."""
    yield row
    pos = row.start
    while True:
        i = sheet.xml.rfind(sheet.row_open, sheet.inner_start, pos)
        if i < 0:
            return
        if sheet._is_row(i):
            try:
                yield sheet._row_at(i)
            except NoRowNumbers:
                return
        pos = i


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
    p = sheet.p
    counts: dict[int, Counter[int]] = {}
    recent: dict[int, dict[int, int]] = {}  # col -> style -> how near (0: the row above)
    formulas = _Formulas(sheet)
    candidates: dict[int, tuple[str, str, int]] = {}
    rows_seen = 0
    expected = above.number  # the next row up, if no row is missing
    capped = False
    for n, row in enumerate(_rows_up(sheet, above)):
        if row.number <= top:
            break
        if row.number != expected:  # a row missing: not every row holds the formula
            candidates.clear()
        if n >= STYLE_ROWS and (not candidates or n >= FORMULA_ROWS):
            capped = True
            break
        expected = row.number - 1
        cells = {col: (a, inner) for col, _s, _e, a, inner in sheet.cells(row)}
        if n < STYLE_ROWS:
            for col, (a, inner) in cells.items():
                style = int_attr(a.get(b"s"))
                if holds_value(inner, p):
                    counts.setdefault(col, Counter())[style or 0] += 1
                    recent.setdefault(col, {}).setdefault(style or 0, n)
        if n == 0:
            for col, (_a, inner) in cells.items():
                if (found := formulas.of(row.number, col, inner)) is not None:
                    candidates[col] = found
        else:
            for col in list(candidates):
                cell = cells.get(col)
                found = formulas.of(row.number, col, cell[1]) if cell else None
                if found is None or found[0] != candidates[col][0]:
                    del candidates[col]
        rows_seen = n + 1
    styles = {
        col: max(counter, key=lambda s: (counter[s], -recent[col][s]))
        for col, counter in counts.items()
    }
    continued = {}
    if rows_seen >= MIN_FORMULA_ROWS and (capped or expected == top):
        continued = {col: (text, row) for col, (_form, text, row) in candidates.items()}
    return Habits(styles, continued)
