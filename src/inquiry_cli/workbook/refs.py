"""A1 references inside formula text and range lists, rewritten as Excel rewrites them.

Two jobs of the write path need this: a Table's totals row moving down under a new row
(references to it follow it, ranges over the data grow), and a column's formula carried
into a new row (its relative references shifted, as Excel's fill-down does). Only the
references are touched: strings, structured references ([...]) and names stay as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

MAX_ROW = 1_048_576
MAX_COL = 16_384

# One reference: a cell (A1, $A$1), a cell range (A1:B2) or a row range (2:5, $2:$5).
_CELL = r"(\$?)([A-Za-z]{1,3})(\$?)(\d{1,7})"
_REF = re.compile(rf"{_CELL}(?::{_CELL})?|(\$?)(\d{{1,7}}):(\$?)(\d{{1,7}})")
_SHEET = re.compile(r"'((?:[^']|'')+)'!|([^\s!'\"()\[\],;:+\-*/^&=<>%{}]+)!")
_BEFORE = re.compile(r"[\w.$:!'\]]")  # a reference never follows these
_AFTER = re.compile(r"[\w(.!\[]")  # ...nor is followed by these (LOG10(, a name, a sheet)
_BOOK = re.compile(r"\[\d+\]")  # [1]Sheet!A1: another workbook

SpanMap = Callable[[int, int], tuple[int, int]]  # (first row, last row) -> the same, moved
RowMap = Callable[[str, str], str]  # ($ or "", row digits) -> row text


@dataclass
class Reference:
    start: int
    end: int
    match: re.Match[str]
    sheet: str | None  # the Sheet! it names, or None (the formula's own sheet)
    other_book: bool


def _skip_bracket(text: str, i: int) -> int:
    """The index after the structured reference or book index opening at i."""
    depth = 0
    while i < len(text):
        if text[i] == "[":
            depth += 1
        elif text[i] == "]":
            depth -= 1
            if depth == 0:
                return i + 1
        elif text[i] == "'":  # '[ escapes a bracket in a column name
            i += 1
        i += 1
    return i


def _skip_string(text: str, i: int) -> int:
    """The index after the "string" opening at i ("" inside is one quote)."""
    n = len(text)
    end = i + 1
    while end < n:
        if text[end] == '"':
            if end + 1 < n and text[end + 1] == '"':
                end += 2
                continue
            return end + 1
        end += 1
    return n


def _valid(r: re.Match[str]) -> bool:
    g = r.groups()
    if g[1] is not None:
        rows = [g[3]] + ([g[7]] if g[7] else [])
        cols = [g[1]] + ([g[5]] if g[5] else [])
        return all(1 <= int(x) <= MAX_ROW for x in rows) and all(_col(c) <= MAX_COL for c in cols)
    return all(1 <= int(x) <= MAX_ROW for x in (g[9], g[11]))


def _col(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def references(text: str) -> Iterator[Reference]:
    """Every A1 reference in formula `text`, skipping strings and [structured] parts."""
    i, n = 0, len(text)
    book = False
    while i < n:
        ch = text[i]
        if ch == '"':
            i, book = _skip_string(text, i), False
            continue
        if ch == "[":
            end = _skip_bracket(text, i)
            book = bool(_BOOK.fullmatch(text, i, end))
            i = end
            continue
        if i and _BEFORE.match(text[i - 1]):
            i, book = i + 1, False
            continue
        sheet = None
        at = i
        m = _SHEET.match(text, i)
        if m:
            sheet = m.group(1).replace("''", "'") if m.group(1) else m.group(2)
            at = m.end()
        r = _REF.match(text, at)
        if r and (r.end() == n or not _AFTER.match(text[r.end()])) and _valid(r):
            yield Reference(r.start(), r.end(), r, sheet, book)
            i, book = r.end(), False
            continue
        i, book = (m.end() if m else i + 1), False


def _render(r: re.Match[str], row: RowMap) -> str:
    g = r.groups()
    if g[1] is not None:
        piece = f"{g[0]}{g[1]}{row(g[2], g[3])}"
        if g[5] is not None:
            piece += f":{g[4]}{g[5]}{row(g[6], g[7])}"
        return piece
    return f"{row(g[8], g[9])}:{row(g[10], g[11])}"


def _spanned(r: re.Match[str], span: SpanMap) -> str:
    g = r.groups()
    first = int(g[3] if g[1] is not None else g[9])
    last = int((g[7] or g[3]) if g[1] is not None else g[11])
    new_first, new_last = span(first, last)
    if (new_first, new_last) == (first, last):
        return r.group()
    if g[1] is not None and g[5] is None:
        return f"{g[0]}{g[1]}{g[2]}{new_first}"
    rows = iter([str(new_first), str(new_last)])
    return _render(r, lambda dollar, _row: dollar + next(rows))


def rewrite(text: str, sheet: str | None, span: SpanMap, *, own: bool = True) -> str:
    """`text` with every reference to `sheet` (None: any) moved by `span`.

    `own`: whether an unqualified reference (no Sheet!) means `sheet` (the formula is on
    it). References into other workbooks ([1]Sheet!A1) are never touched.
    """
    out: list[str] = []
    pos = 0
    for ref in references(text):
        if ref.other_book:
            continue
        if ref.sheet is None:
            if not own:
                continue
        elif sheet is not None and ref.sheet.casefold() != sheet.casefold():
            continue
        new = _spanned(ref.match, span)
        if new != ref.match.group():
            out.append(text[pos : ref.start])
            out.append(new)
            pos = ref.end
    out.append(text[pos:])
    return "".join(out)


def rewrite_ranges(text: bytes, span: SpanMap) -> bytes:
    """A range list (sqref="A1:B2 D4", ref="A1:H5") rewritten by `span`."""
    return rewrite(text.decode("ascii", "replace"), None, span).encode()


@dataclass(frozen=True)
class TotalsMove:
    """`by` rows go in at `at`, a Table's totals row, which moves down to `at + by`.

    References follow the totals row; a range ending on the last data row (or on the
    totals row) grows by the new rows, as the Table does (`span`). Nothing else moves
    (the rows the totals row moves into must be empty), so other references stay.

    A formula in a data row is that row's own (=SUM($G$2:G4), a running total in row 4):
    its ranges do not grow, only its references to the totals row follow (`follow`).

    On a plain sheet (`plain`: a sum row under records that span every column, no Table)
    a range on the last data row alone is that row's (a note merged beside it, a format
    over it) and merges are the user's grouping of rows: neither grows. The sum row's own
    formulas grow even over one data row (`sums`).
    """

    at: int
    by: int
    plain: bool = False

    def sums(self, first: int, last: int) -> tuple[int, int]:
        """The moved row's own ranges: over the data, however few rows it has."""
        at, by = self.at, self.by
        if first == last == at:
            return at + by, at + by
        if first < at and last in (at - 1, at):
            return first, last + by
        return first, last

    def merged(self, first: int, last: int) -> tuple[int, int]:
        """A merged range: a plain sheet's merges over its records stay as they are."""
        return self.follow(first, last) if self.plain else self.span(first, last)

    def follow(self, first: int, last: int) -> tuple[int, int]:
        at, by = self.at, self.by
        if first == last == at:
            return at + by, at + by
        if first < at and last == at:
            return first, last + by
        return first, last

    def span(self, first: int, last: int) -> tuple[int, int]:
        if self.plain and first == last == self.at - 1:
            return first, last  # the last record's own row
        return self.sums(first, last)


def shift_formula(text: str, by: int) -> str | None:
    """The formula `text` filled `by` rows down, as Excel does: unanchored rows move
    (H12 -> H13), $-anchored ones stay. None if a reference would leave the sheet."""
    failed = False

    def one(dollar: str, row: str) -> str:
        nonlocal failed
        if dollar:
            return dollar + row
        new = int(row) + by
        failed |= not 1 <= new <= MAX_ROW
        return str(new)

    out = _each_row(text, one)
    return None if failed else out


def relative_form(text: str, row: int) -> str:
    """The formula with each unanchored row as its offset from `row`: formulas that
    fill-down made from one another have the same relative form."""
    return _each_row(text, lambda dollar, r: dollar + r if dollar else f"R[{int(r) - row}]")


def _each_row(text: str, row: RowMap) -> str:
    out: list[str] = []
    pos = 0
    for ref in references(text):
        if ref.other_book:
            continue
        out.append(text[pos : ref.start])
        out.append(_render(ref.match, row))
        pos = ref.end
    out.append(text[pos:])
    return "".join(out)
