"""Splice rows and cells into worksheet XML as text, without parsing the whole sheet.

A contacts sheet can be 30 MB of XML; parsing it into a tree costs seconds. Every edit
here is a byte splice: untouched rows and cells, namespace prefixes and attributes stay
exactly as Excel wrote them. Only the rows being changed are tokenised.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import unescape

from inquiry_cli.contract.changes import CellValue
from inquiry_cli.errors import UsageError, WorkbookNotWritable, WorkbookUnreadable
from inquiry_cli.workbook.refs import (
    MAX_COL,
    MAX_ROW,
    SpanMap,
    TotalsMove,
    rewrite,
    rewrite_ranges,
    shift_formula,
)
from inquiry_cli.workbook.spliced import Piece, Spliced

MAX_TEXT = 32_767

_ATTR = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_CELL_REF = re.compile(rb"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_RANGE = re.compile(rb"(\$?[A-Z]{1,3}\$?)(\d+):(\$?[A-Z]{1,3}\$?)(\d+)")
_SQREF_ATTR = re.compile(rb"(\bsqref\s*=\s*\")([^\"]*)(\")")
_XM_SQREF = re.compile(rb"(<[\w]+:sqref>)([^<]*)(</[\w]+:sqref>)")
_FILTER_TAG = re.compile(rb"<(?:[\w]+:)?(?:autoFilter|sortState)\b[^>]*>")
_REF_ATTR = re.compile(rb"(\bref\s*=\s*\")([^\"]*)(\")")
_MOVING_TAG = re.compile(rb"<(?:[\w]+:)?(?:autoFilter|sortState|mergeCell|hyperlink)\b[^>]*>")
_MERGE_TAG = re.compile(rb"<(?:[\w]+:)?mergeCell\b")
# A conditional format's or a data validation's formula (<formula>, <formula1/2>, <xm:f>).
_RULE_FORMULA = re.compile(
    rb"(<(?:[\w]+:)?(?:formula[12]?|f)>)(.*?)(</(?:[\w]+:)?(?:formula[12]?|f)>)", re.S
)
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")
_ESCAPED_LOOKALIKE = re.compile("_(x[0-9A-Fa-f]{4}_)")

DateStyle = Callable[[int | None, bool], int]
NumberStyle = Callable[[int], int]
Bounds = tuple[int, int, int, int]  # first row, first col, last row, last col
Merge = tuple[bytes, Bounds]
Computed = tuple[Bounds, str]  # a range Excel fills in itself, and why a value there is refused
_MERGE = re.compile(rb"<(?:[\w.-]+:)?mergeCell\b[^>]*>")
# Formulas whose cells Excel fills in itself: a value typed into one is overwritten.
_FILLED_BY = {b"array": "the array formula", b"dataTable": "the data table"}


def attrs(tag: bytes) -> dict[bytes, bytes]:
    """Attributes of one start tag (values not unescaped: only numbers and refs are read)."""
    return {
        m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
        for m in _ATTR.finditer(tag)
    }


def col_letters(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_number(letters: bytes | str) -> int:
    number = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        number = number * 26 + ord(ch) - 64
    return number


def int_attr(value: bytes | None) -> int | None:
    """An index attribute (s, r, min, ...) as a number; empty or malformed counts as absent
    (Excel for Mac writes s="")."""
    if value is None:
        return None
    value = value.strip()
    return int(value) if value.isdigit() else None


def parse_ref(ref: bytes) -> tuple[int, int] | None:
    m = _CELL_REF.match(ref.strip())
    return (int(m.group(2)), col_number(m.group(1))) if m else None


def parse_range(ref: bytes) -> Bounds | None:
    """A range (A1:C2, or one cell A1) as its first row, first col, last row, last col."""
    ends = [parse_ref(x) for x in ref.split(b":")]
    if not 1 <= len(ends) <= 2 or None in ends:
        return None
    (r1, c1), (r2, c2) = ends[0], ends[-1]  # type: ignore[misc]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def cell_name(row: int, col: int) -> str:
    return f"{col_letters(col)}{row}"


def grow_ranges(text: bytes, old_last: int, new_last: int) -> bytes:
    """Ranges that end on the old last row (or in the appended band) end on the new one."""

    def sub(m: re.Match[bytes]) -> bytes:
        start, end = int(m.group(2)), int(m.group(4))
        if old_last <= end < new_last and start <= end:
            return m.group(1) + m.group(2) + b":" + m.group(3) + str(new_last).encode()
        return m.group(0)

    return _RANGE.sub(sub, text)


def xml_text(value: str) -> bytes:
    """Escape text for an inline string the way Excel does (_xHHHH_ for control chars)."""
    if len(value) > MAX_TEXT:
        raise UsageError(f"text too long for an Excel cell ({len(value)} > {MAX_TEXT} characters)")
    value = _ESCAPED_LOOKALIKE.sub(r"_x005F_\1", value)
    value = _BAD_CHARS.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(
            "text contains characters that cannot be stored (lone surrogates)"
        ) from None


def excel_serial(value: dt.date, date1904: bool) -> float:
    """A date/datetime as Excel's serial day number.

    Excel's 1900 system counts a 29 February 1900 that never was (Lotus 1-2-3's bug), so
    1900-01-01 is 1 and 1900-03-01 is 61: days before March 1900 count one less.
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        day, fraction = value.date(), (value - dt.datetime.combine(value.date(), dt.time()))
        part = fraction.total_seconds() / 86400
    else:
        day, part = value, 0.0
    if date1904:
        return (day - dt.date(1904, 1, 1)).days + part
    days = (day - dt.date(1899, 12, 30)).days
    return (days - 1 if days < 61 else days) + part


def first_date(date1904: bool) -> dt.date:
    """The first day an Excel workbook can show (serial 0 and below show as ####)."""
    return dt.date(1904, 1, 1) if date1904 else dt.date(1900, 1, 1)


def number_text(value: int | float | Decimal) -> bytes:
    if isinstance(value, int):
        return str(value).encode()
    number = float(value)
    if not math.isfinite(number):
        raise UsageError(f"cannot store {value} in an Excel cell")
    text = repr(number)
    return (text[:-2] if text.endswith(".0") else text).encode()


@dataclass
class Row:
    """One <row> element located in the sheet: byte offsets and its number."""

    number: int
    start: int
    tag_end: int
    end: int


@dataclass
class SheetPatch:
    """What a sheet patch did: for the verifier, the tables and the workbook flags."""

    old_last: int = 0
    new_last: int = 0
    appended_rows: list[int] = field(default_factory=list)
    expected: dict[tuple[int, int], CellValue] = field(default_factory=dict)
    # Cells a set was declared for that hold a formula, left as they are (row, col).
    kept: list[tuple[int, int]] = field(default_factory=list)
    # Rows moved whole (a Table's totals row under the new rows): old number -> new.
    moved: dict[int, int] = field(default_factory=dict)
    above: int = 0  # the data row new rows take their look from (0: none, the header)


@dataclass
class Habits:
    """What a column does in its data rows (workbook/habits.py reads them): the cell
    format its values use most, and a formula to continue (its text, the row it is for)."""

    styles: dict[int, int] = field(default_factory=dict)
    formulas: dict[int, tuple[str, int]] = field(default_factory=dict)


# A formula for new rows: its XML text, or a function of the row number giving it.
Formula = bytes | Callable[[int], bytes | None]
HabitsOf = Callable[["SheetXml", "Row", int], Habits]  # (sheet, row above, header row)


@dataclass
class TableSpot:
    """The Excel Table that appended rows go into: its columns, its last row, its totals
    row (0: none) and its calculated columns (column -> formula, as XML text)."""

    name: str
    first_col: int
    last_col: int
    last_row: int
    totals_row: int = 0
    formulas: dict[int, bytes] = field(default_factory=dict)
    data_from: int = 0  # its first data row
    what: str = ""  # how messages name it ("Table Buyers" unless said)
    plain: bool = False  # no Table: a plain sheet's sum row (see TotalsMove.plain)

    @property
    def label(self) -> str:
        return self.what or f"Table {self.name}"


_AFTER_NAME = (b" ", b">", b"/", b"\t", b"\n", b"\r")  # what may follow an element's name


def starts_element(xml: bytes, i: int, tag: bytes) -> bool:
    """Whether `tag` (b"<row") found at offset i opens that element, not a longer name
    (<rowBreaks>)."""
    return xml[i + len(tag) : i + len(tag) + 1] in _AFTER_NAME


class NeedWhole(Exception):
    """A condensed sheet's plan would look across the rows left out: hold it whole."""


class SheetXml:
    """A worksheet part as bytes, with row lookups that do not parse the whole sheet.

    `gap`: where a condensed sheet's middle rows were left out (condensed.py). A lookup
    that would cross it raises NeedWhole; one on either side of it is exact.
    """

    def __init__(self, xml: bytes, name: str, gap: int | None = None) -> None:
        self.name = name
        self.gap = gap
        root = re.search(rb"<([\w.-]+:)?worksheet[\s>/]", xml)
        if root is None:
            raise WorkbookUnreadable(f"sheet {name!r} is not a worksheet inq can edit")
        self.p = root.group(1) or b""
        self.root_tag = xml[root.start() : xml.find(b">", root.start()) + 1]
        at = xml.find(b"<" + self.p + b"sheetData")
        if at < 0:
            raise WorkbookUnreadable(f"sheet {name!r} has no cell data section")
        gt = xml.find(b">", at) + 1
        if xml[gt - 2 : gt] == b"/>":  # <sheetData/>: open it up so rows can go in
            xml = xml[:at] + b"<%ssheetData></%ssheetData>" % (self.p, self.p) + xml[gt:]
            gt = at + len(self.p) + 11
        self.xml = xml
        self.inner_start = gt
        # From the end: the closing tag is near it, and scanning 30 MB forward costs 25 ms.
        self.inner_end = xml.rfind(b"</" + self.p + b"sheetData>", self.inner_start)
        if self.inner_end < 0 or b">" not in self.root_tag or b">" not in xml[at:gt]:
            raise WorkbookUnreadable(f"sheet {name!r} is damaged: its cell data never ends")
        self.row_open = b"<" + self.p + b"row"
        self.row_close = b"</" + self.p + b"row>"
        self._index: list[Row] | None = None
        self._value_marks = [b"<" + self.p + m for m in (b"v>", b"v ", b"is>", b"f>", b"f ")]

    def across(self, a: int, b: int) -> None:
        """NeedWhole when offsets a and b lie on two sides of the rows left out."""
        if self.gap is not None and (a < self.gap) != (b < self.gap):
            raise NeedWhole

    # -- locating rows -------------------------------------------------------------
    def _is_row(self, i: int) -> bool:
        return starts_element(self.xml, i, self.row_open)

    def _row_at(self, i: int, implicit: int | None = None) -> Row:
        gt = self.xml.find(b">", i)
        tag_end = gt + 1
        if gt > 0 and self.xml[gt - 1 : gt] == b"/":
            end = tag_end
        else:
            close = self.xml.find(self.row_close, tag_end) if gt > 0 else -1
            if close < 0:  # (a `<row` in a comment or CDATA, say: Excel writes neither)
                raise WorkbookUnreadable(
                    f"sheet {self.name!r} has a row that never ends, which inq cannot edit "
                    "safely; nothing was written (open it in Excel, save it, and retry)"
                )
            end = close + len(self.row_close)
        r = int_attr(attrs(self.xml[i:tag_end]).get(b"r"))
        if r is None:
            if implicit is None:
                raise NoRowNumbers
            return Row(implicit, i, tag_end, end)
        return Row(r, i, tag_end, end)

    def row_around(self, pos: int) -> Row:
        """The row whose bytes hold offset `pos` (inside one of its cells).

        NoRowNumbers if that row has no r= (its number depends on every row before it).
        """
        i = self.xml.rfind(self.row_open, self.inner_start, pos + len(self.row_open))
        while i >= 0 and not self._is_row(i):
            i = self.xml.rfind(self.row_open, self.inner_start, i)
        if i < 0:
            raise NoRowNumbers
        self.across(i, pos)
        return self._row_at(i)

    def rows_from_top(self) -> Iterator[Row]:
        """The rows in order from the first; NoRowNumbers at a row without r=."""
        return self._rows_forward()

    def _rows_backward(self):
        pos = self.inner_end
        while True:
            i = self.xml.rfind(self.row_open, self.inner_start, pos)
            if i < 0:
                return
            if self._is_row(i):
                self.across(i, self.inner_end)
                yield self._row_at(i)
            pos = i

    def _rows_forward(self):
        pos = self.inner_start
        while True:
            i = self.xml.find(self.row_open, pos, self.inner_end)
            if i < 0:
                return
            if self._is_row(i):
                self.across(self.inner_start, i)
                row = self._row_at(i)
                yield row
                pos = row.end
            else:
                pos = i + 1

    def rows_up(self, row: Row) -> Iterator[Row]:
        """`row` and the rows above it, nearest first (stops at a row without r=)."""
        yield row
        pos = row.start
        while True:
            i = self.xml.rfind(self.row_open, self.inner_start, pos)
            if i < 0:
                return
            if self._is_row(i):
                self.across(i, row.start)
                try:
                    yield self._row_at(i)
                except NoRowNumbers:
                    return
            pos = i

    def rows_in(self, start: int, end: int) -> Iterator[Row]:
        """The rows starting between byte offsets start and end, in order (stops at a
        row without r=)."""
        pos = start
        while pos < end:
            i = self.xml.find(self.row_open, pos, end)
            if i < 0:
                return
            if not self._is_row(i):
                pos = i + 1
                continue
            self.across(start, i)
            try:
                row = self._row_at(i)
            except NoRowNumbers:
                return
            yield row
            pos = row.end

    def has_value(self, row: Row) -> bool:
        return any(self.xml.find(mark, row.tag_end, row.end) >= 0 for mark in self._value_marks)

    def index(self) -> list[Row]:
        """Every row in order (built only when needed: inserts in the middle, no r=)."""
        if self.gap is not None:
            raise NeedWhole
        if self._index is None:
            rows: list[Row] = []
            pos, last = self.inner_start, 0
            while True:
                i = self.xml.find(self.row_open, pos, self.inner_end)
                if i < 0:
                    break
                if not self._is_row(i):
                    pos = i + 1
                    continue
                row = self._row_at(i, implicit=last + 1)
                if row.number <= last:
                    raise WorkbookUnreadable(f"sheet {self.name!r} has rows out of order")
                rows.append(row)
                last, pos = row.number, row.end
            self._index = rows
        return self._index

    def last_value_row(self) -> int:
        try:
            for row in self._rows_backward():
                if self.has_value(row):
                    return row.number
            return 0
        except NoRowNumbers:
            rows = [r for r in self.index() if self.has_value(r)]
            return rows[-1].number if rows else 0

    def first_value_row(self) -> int:
        for row in self.index() if self._index is not None else self._safe_forward():
            if self.has_value(row):
                return row.number
        return 0

    def _safe_forward(self):
        try:
            yield from self._rows_forward()
        except NoRowNumbers:
            yield from self.index()

    def find(self, number: int) -> Row | int:
        """The row numbered `number`, or the byte offset where it should be inserted."""
        if self._index is None:
            try:
                last = next(self._rows_backward(), None)
            except NoRowNumbers:
                pass
            else:
                if last is None or number > last.number:
                    return self.inner_end
                if number == last.number:
                    return last
                tag = self.row_open + b' r="%d"' % number
                i = self.xml.find(tag, self.inner_start, self.inner_end)
                if i >= 0 and self._is_row(i):
                    return self._row_at(i)
        rows = self.index()
        numbers = [r.number for r in rows]
        k = bisect.bisect_left(numbers, number)
        if k < len(rows) and rows[k].number == number:
            return rows[k]
        return rows[k].start if k < len(rows) else self.inner_end

    def has_formulas(self) -> bool:
        """Any formula in the sheet (every formula group has a master ending in </f>)."""
        return self.xml.find(b"</" + self.p + b"f>", self.inner_start, self.inner_end) >= 0

    def column_styles(self) -> dict[int, int]:
        """Column default styles from <cols> (used when there is no row above to copy)."""
        head = self.xml[: self.inner_start]
        out: dict[int, int] = {}
        for m in re.finditer(rb"<" + re.escape(self.p) + rb"col\b[^>]*>", head):
            a = attrs(m.group())
            lo, hi, style = (int_attr(a.get(k)) for k in (b"min", b"max", b"style"))
            if lo and hi and style:
                for c in range(lo, min(hi, MAX_COL) + 1):
                    out[c] = style
        return out

    def merges(self) -> list[Merge]:
        """Merged ranges (ref, bounds), from <mergeCells> after the cell data."""
        tail = self.xml[self.inner_end :]
        out = []
        for m in _MERGE.finditer(tail):
            ref = attrs(m.group()).get(b"ref", b"")
            bounds = parse_range(ref)
            if bounds:
                out.append((ref, bounds))
        return out

    def filled_ranges(self) -> list[tuple[str, bytes, Bounds]]:
        """(what, ref, bounds) of every multi-cell array formula and data table: cells
        Excel fills in itself on recalculation. Found by a byte search (usually none):
        one pass over the sheet per kind, ~10 ms for 20 MB."""
        out = []
        for kind, what in _FILLED_BY.items():
            pos = self.xml.find(kind, self.inner_start, self.inner_end)
            while pos >= 0:
                lt = self.xml.rfind(b"<", self.inner_start, pos)
                gt = self.xml.find(b">", pos)
                tag = self.xml[lt:gt]
                if re.match(rb"<" + re.escape(self.p) + rb"f\s", tag):
                    a = attrs(tag)
                    bounds = parse_range(a.get(b"ref", b""))
                    if a.get(b"t") == kind and bounds and bounds[:2] != bounds[2:]:
                        out.append((what, a[b"ref"], bounds))
                pos = self.xml.find(kind, pos + 1, self.inner_end)
        return out

    def formula_cells(self, wanted: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """Which of the `wanted` cells (row, col) hold a formula, in order: the user's
        own logic (a Next follow-up of =G2+7), which inq never overwrites nor clears. The
        first cell of a multi-cell array formula or data table is not among them: a value
        there is refused like one in the rest of it (SheetPatcher._check_written)."""
        by_row: dict[int, set[int]] = {}
        for r, c in wanted:
            by_row.setdefault(r, set()).add(c)
        mark = re.compile(rb"<" + re.escape(self.p) + rb"f[\s>/]")
        out = []
        for number in sorted(by_row):
            found = self.find(number)
            if isinstance(found, Row):
                out += [
                    (number, col)
                    for col, _s, _e, _a, inner in self.cells(found)
                    if col in by_row[number] and mark.search(inner)
                ]
        if out:
            filled = [bounds for _what, _ref, bounds in self.filled_ranges()]
            out = [
                (r, c)
                for r, c in out
                if not any(r1 <= r <= r2 and c1 <= c <= c2 for r1, c1, r2, c2 in filled)
            ]
        return out

    def cells(self, row: Row) -> list[tuple[int, int, int, dict[bytes, bytes], bytes]]:
        """(col, start, end, attrs, inner) of every cell of a row, in order."""
        pattern = re.compile(
            rb"<" + re.escape(self.p) + rb"c\b([^>]*?)(?:/>|>(.*?)</" + re.escape(self.p) + rb"c>)",
            re.S,
        )
        out = []
        col = 0
        for m in pattern.finditer(self.xml, row.tag_end, row.end):
            a = attrs(m.group(1))
            ref = parse_ref(a[b"r"]) if a.get(b"r") else None
            col = ref[1] if ref else col + 1
            out.append((col, m.start(), m.end(), a, m.group(2) or b""))
        return out


class NoRowNumbers(Exception):
    """A row without r=: fall back to counting rows from the top."""


class SheetPatcher:
    """Plans and applies the row edits of one sheet; yields the new XML bytes."""

    def __init__(
        self,
        sheet: SheetXml,
        date_style: DateStyle,
        date1904: bool,
        number_style: NumberStyle | None = None,
        habits: HabitsOf | None = None,
    ) -> None:
        self.sheet = sheet
        self.habits = habits
        self.continued: dict[int, tuple[str, int]] = {}  # column -> (formula, its row)
        self.date_style = date_style
        self.number_style = number_style or (lambda style: style)
        self.date1904 = date1904
        self.p = sheet.p
        self.edits: list[tuple[int, int, int, bytes]] = []  # (start, order, end, bytes)
        self.result = SheetPatch()
        self.move: TotalsMove | None = None
        self._unhide: set[int] = set()  # a template's rows new records fill: shown
        # Where the moving Table's data rows are in the sheet XML (byte offsets).
        self.data_bytes = (0, 0)

    # -- cells -----------------------------------------------------------------
    def cell(self, row: int, col: int, style: int | None, value: CellValue) -> bytes:
        p = self.p
        ref = f"{col_letters(col)}{row}".encode()
        if isinstance(value, (dt.date, dt.datetime)):
            day = value.date() if isinstance(value, dt.datetime) else value
            if day < first_date(self.date1904):
                raise UsageError(
                    f"cannot store {value} in an Excel cell: Excel shows no dates before "
                    f"{first_date(self.date1904)}"
                )
            # A date-time at midnight is a day (how the rules hand "today" over).
            timed = isinstance(value, dt.datetime) and value.time() != dt.time()
            style = self.date_style(style, timed)
        elif style and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            style = self.number_style(style)  # the style above may show dates
        s = b' s="%d"' % style if style else b""
        if value is None or value == "":
            return b'<%sc r="%s"%s/>' % (p, ref, s) if style else b""
        if isinstance(value, bool):
            return b'<%sc r="%s"%s t="b"><%sv>%d</%sv></%sc>' % (p, ref, s, p, value, p, p)
        if isinstance(value, (int, float, Decimal)):
            body = number_text(value)
        elif isinstance(value, (dt.date, dt.datetime)):
            body = number_text(excel_serial(value, self.date1904))
        elif isinstance(value, str):
            text = xml_text(value)
            space = b' xml:space="preserve"' if value != value.strip() or "\n" in value else b""
            return b'<%sc r="%s"%s t="inlineStr"><%sis><%st%s>%s</%st></%sis></%sc>' % (
                p,
                ref,
                s,
                p,
                p,
                space,
                text,
                p,
                p,
                p,
            )
        else:
            raise UsageError(f"cannot store a {type(value).__name__} in a cell ({value!r})")
        return b'<%sc r="%s"%s><%sv>%s</%sv></%sc>' % (p, ref, s, p, body, p, p)

    # -- rows ------------------------------------------------------------------
    def _new_row(
        self,
        number: int,
        values: dict[int, CellValue],
        styles: dict[int, int],
        row_attrs: bytes,
        formulas: Mapping[int, Formula] | None = None,
    ) -> bytes:
        """A new row; `formulas` (column -> formula XML text, or a function of the row
        giving it) fill the columns that `values` leaves empty, with no cached value
        (Excel computes it on opening)."""
        texts: dict[int, bytes] = {}
        for c, f in (formulas or {}).items():
            text = f(number) if callable(f) else f
            if text and values.get(c) in (None, ""):
                texts[c] = text
        cols = sorted(set(values) | set(styles) | set(texts))
        body = b"".join(
            self._formula_cell(number, c, styles.get(c), texts[c])
            if c in texts
            else self.cell(number, c, styles.get(c), values.get(c))
            for c in cols
        )
        return b'<%srow r="%d"%s>%s</%srow>' % (self.p, number, row_attrs, body, self.p)

    def _formula_cell(self, row: int, col: int, style: int | None, formula: bytes) -> bytes:
        p = self.p
        s = b' s="%d"' % style if style else b""
        ref = f"{col_letters(col)}{row}".encode()
        return b'<%sc r="%s"%s><%sf>%s</%sf></%sc>' % (p, ref, s, p, formula, p, p)

    def _continued_formulas(self) -> dict[int, Formula]:
        """The column formulas to fill into new rows, by row number (as fill-down does)."""

        def filler(text: str, source: int) -> Callable[[int], bytes | None]:
            if self.move is not None:  # the row above as it will read, the totals row moved
                text = rewrite(text, self.sheet.name, self.move.follow)

            def at(row: int) -> bytes | None:
                shifted = shift_formula(text, row - source)
                return None if shifted is None else xml_escape(shifted)

            return at

        return {c: filler(text, row) for c, (text, row) in self.continued.items()}

    # -- a Table's totals row, moved down under the new rows ---------------------------
    def _make_room(self, table: TableSpot, count: int, merges: list[Merge]) -> Row | int:
        """The totals row (or where it would be, when it has no cells at all), after
        checking it can move `count` rows down: the rows it moves into hold nothing, and
        nothing of it lies outside the Table. Refuses otherwise: inq never moves the
        user's own cells to make room."""
        name, at = self.sheet.name, table.totals_row
        found = self.sheet.find(at)
        why = (
            f"so inq cannot add a row inside {table.label} without moving it; "
            "make room in Excel (insert an empty row under the totals row), then retry"
        )
        for col, _s, _e, _a, inner in self.sheet.cells(found) if isinstance(found, Row) else ():
            if not table.first_col <= col <= table.last_col and holds_value(inner, self.p):
                raise WorkbookNotWritable(
                    f"{name}!{cell_name(at, col)} is beside the totals row of {table.label}, {why}"
                )
            shared = re.search(rb"<" + re.escape(self.p) + rb"f\b[^>]*\bt=\"shared\"", inner)
            if shared:
                raise WorkbookNotWritable(
                    f"{name}!{cell_name(at, col)} in the totals row of {table.label} "
                    "shares its formula with other cells, so inq cannot move the row; "
                    "add the row in Excel instead"
                )
        for number in range(at + 1, at + count + 1):
            below = self.sheet.find(number)
            if isinstance(below, Row):
                for col, _s, _e, _a, inner in self.sheet.cells(below):
                    if holds_value(inner, self.p):
                        raise WorkbookNotWritable(
                            f"{name}!{cell_name(number, col)} is under the totals row of "
                            f"{table.label}, {why}"
                        )
        for ref, (r1, _c1, r2, _c2) in merges:
            if r1 <= at + count and r2 > at:
                raise WorkbookNotWritable(
                    f"merged cells {ref.decode()} on {name} reach under the totals row of "
                    f"{table.label}, {why}"
                )
        return found

    def _moved_row(self, row: Row, to: int) -> bytes:
        """The totals row renumbered to `to`, its formulas' references moved with it."""
        assert self.move is not None
        move, p = self.move, re.escape(self.p)
        xml = self.sheet.xml[row.start : row.end]  # (its formulas follow below)
        tag, body = xml[: row.tag_end - row.start], xml[row.tag_end - row.start :]
        if re.search(rb"\br\s*=", tag):
            tag = re.sub(rb"(\br\s*=\s*[\"'])\d+", lambda m: m.group(1) + b"%d" % to, tag, count=1)
        else:
            tag = (
                tag[: len(self.sheet.row_open)] + b' r="%d"' % to + tag[len(self.sheet.row_open) :]
            )
        body = re.sub(
            rb"(<" + p + rb"c\b[^>]*?\br\s*=\s*[\"']\$?[A-Za-z]{1,3}\$?)\d+",
            lambda m: m.group(1) + b"%d" % to,
            body,
        )

        return tag + move_formulas(body, self.p, self.sheet.name, move.sums, own=True, anchors=True)

    def _merge_row(
        self,
        row: Row,
        values: dict[int, CellValue],
        styles: dict[int, int],
        formulas: Mapping[int, Formula] | None = None,
    ) -> bytes:
        """Rewrite one existing row: untouched cells are kept byte for byte. A new record
        written into an empty row (a template's, a formatted one) gets what a new row
        would: the column formulas of the rows above (`formulas`) in its empty cells, and
        a date or number the format of the record above (`styles`) over a bare border."""
        xml = self.sheet.xml
        row_tag = attrs(xml[row.start : row.tag_end])
        row_style = (
            int_attr(row_tag.get(b"s")) if row_tag.get(b"customFormat") in (b"1", b"true") else None
        )
        cells = self.sheet.cells(row)
        texts: dict[int, bytes] = {}
        if formulas:
            holding = {col for col, _s, _e, _a, inner in cells if holds_value(inner, self.p)}
            for c, f in formulas.items():
                if values.get(c) in (None, "") and c not in holding:
                    text = f(row.number) if callable(f) else f
                    if text:
                        texts[c] = text

        def write(c: int, style: int | None) -> bytes:
            if c in texts:
                return self._formula_cell(row.number, c, style, texts[c])
            value = values[c]
            if styles and isinstance(value, (int, float, Decimal, dt.date)) and c in styles:
                style = styles[c]  # (the record above's date or number format)
            return self.cell(row.number, c, style, value)

        out: list[bytes] = []
        pending = sorted({*values, *texts})
        pos = row.tag_end
        close = row.end - len(self.sheet.row_close) if row.end != row.tag_end else row.end
        for col, start, end, a, _inner in cells:
            while pending and pending[0] < col:
                c = pending.pop(0)
                out.append(xml[pos:start])
                pos = start
                out.append(write(c, styles.get(c, row_style)))
            if pending and pending[0] == col:
                pending.pop(0)
                out.append(xml[pos:start])
                out.append(write(col, int_attr(a.get(b"s"))))
                pos = end
            elif b"r" not in a:
                out.append(xml[pos:start])
                out.append(xml[start : start + 2 + len(self.p)])
                out.append(b' r="%s%d"' % (col_letters(col).encode(), row.number))
                pos = start + 2 + len(self.p)
        out.append(xml[pos:close])
        for c in pending:
            out.append(write(c, styles.get(c, row_style)))
        start_tag = xml[row.start : row.tag_end]
        if row.end == row.tag_end:  # <row .../> becomes <row ...>...</row>
            start_tag = start_tag[:-2].rstrip() + b">"
        if values and row.number in self._unhide:  # (a hidden template row filled: shown)
            start_tag = re.sub(rb'\shidden\s*=\s*["\'](?:1|true)["\']', b"", start_tag)
        start_tag = self._fix_spans(start_tag, {**values, **dict.fromkeys(texts)})
        return start_tag + b"".join(out) + self.sheet.row_close

    def _filling(
        self, start: int, appends: list[dict[int, CellValue]], serials: Iterable[int]
    ) -> list[dict[int, CellValue]]:
        """A template's rows from `start` on to fill with `appends`, as they will be
        written: shown if hidden, and a row count the template numbers by formula
        (=ROW()-1) keeps its formula, so the count is not typed over it."""
        self._unhide = set(range(start, start + len(appends)))
        wanted = set(serials)
        if not wanted:
            return appends
        cells = {(start + k, c) for k, values in enumerate(appends) for c in values if c in wanted}
        counted = set(self.sheet.formula_cells(cells))
        return [
            {c: v for c, v in values.items() if (start + k, c) not in counted}
            for k, values in enumerate(appends)
        ]

    @staticmethod
    def _fix_spans(tag: bytes, values: dict[int, CellValue]) -> bytes:
        m = re.search(rb'\bspans="(\d+):(\d+)"', tag)
        if not m or not values:
            return tag
        lo, hi = min(int(m.group(1)), *values), max(int(m.group(2)), *values)
        return tag[: m.start()] + b'spans="%d:%d"' % (lo, hi) + tag[m.end() :]

    def _template(self, last: int, header_rows: set[int]) -> tuple[dict[int, int], bytes, bool]:
        """Cell styles and row attributes of the row above, unless it is the header.

        The bool says whether to also make styled empty cells (borders run across the row);
        column default styles only apply to the cells being written.
        """
        sheet = self.sheet
        if last == 0 or last in header_rows or last == sheet.first_value_row():
            return sheet.column_styles(), b"", False
        found = sheet.find(last)
        if not isinstance(found, Row):
            return sheet.column_styles(), b"", False
        styles = {
            c: style
            for c, _s, _e, a, _i in sheet.cells(found)
            if (style := int_attr(a.get(b"s"))) is not None
        }
        self.result.above = last
        if self.habits is not None:
            top = max([h for h in (*header_rows, sheet.first_value_row()) if h < last], default=0)
            habits = self.habits(sheet, found, top)
            styles.update({c: s for c, s in habits.styles.items() if s or c in styles})
            self.continued = habits.formulas
        tag = attrs(sheet.xml[found.start : found.tag_end])
        extra = b""
        row_style = int_attr(tag.get(b"s"))
        if tag.get(b"customFormat") in (b"1", b"true") and row_style is not None:
            extra += b' s="%d" customFormat="1"' % row_style
        if tag.get(b"customHeight") in (b"1", b"true") and b"ht" in tag:
            extra += b' ht="%s" customHeight="1"' % tag[b"ht"]
        return styles, extra, True

    def _band_start(
        self, last: int, appends: list[dict[int, CellValue]], merges: list[Merge]
    ) -> int:
        """The first appended row: below any merged range reaching down from the last
        rows that a new value would be hidden under (a two-row merged header, say)."""
        start, moved = last + 1, True
        while moved:
            moved = False
            for _ref, (r1, c1, r2, c2) in merges:
                if r1 > last or r2 < start:
                    continue
                for k, values in enumerate(appends):
                    if r1 <= start + k <= r2 and any(
                        c1 <= c <= c2 for c, v in values.items() if v is not None and v != ""
                    ):
                        start, moved = r2 + 1, True
                        break
        return start

    def _check_written(
        self,
        cells: dict[tuple[int, int], CellValue],
        merges: list[Merge],
        computed: Sequence[Computed],
    ) -> None:
        """Refuse a value Excel would hide (under a merge) or overwrite (in an array
        formula, a data table or a pivot table's output when it recalculates)."""
        written = sorted((r, c) for (r, c), v in cells.items() if v is not None and v != "")
        if not written:
            return
        rows = [r for r, _c in written]
        # (bounds, why, whether its first cell shows): a merge shows its top-left cell.
        ranges = [
            (
                bounds,
                f"is hidden under merged cells {ref.decode()} (only "
                f"{cell_name(bounds[0], bounds[1])} shows): unmerge them in Excel, then retry",
                True,
            )
            for ref, bounds in merges
        ]
        # An array formula or data table holds a value in each of its cells, so only
        # cells in rows that hold values may be in one (not the rows being appended).
        if rows[0] <= self.result.old_last:
            ranges += [
                (
                    bounds,
                    f"is part of {what} in {ref.decode()}: Excel fills it in itself when it "
                    "recalculates; change the formula in Excel instead",
                    False,
                )
                for what, ref, bounds in self.sheet.filled_ranges()
            ]
        ranges += [(bounds, why, False) for bounds, why in computed]
        for (r1, c1, r2, c2), why, first_shows in ranges:
            k = bisect.bisect_left(rows, r1)
            while k < len(written) and written[k][0] <= r2:
                r, c = written[k]
                if c1 <= c <= c2 and not (first_shows and (r, c) == (r1, c1)):
                    raise UsageError(f"{self.sheet.name}!{cell_name(r, c)} {why}")
                k += 1

    def plan(
        self,
        appends: list[dict[int, CellValue]],
        sets: dict[tuple[int, int], CellValue],
        header_rows: set[int],
        computed: Sequence[Computed] = (),
        table: TableSpot | None = None,
        after: int = 0,
        serials: Iterable[int] = (),
    ) -> None:
        """Plan the edits. `computed` are other ranges Excel fills in itself (a pivot
        table's output: bounds, why), refused like array formulas. `table`: the Excel
        Table the appended rows go into (above its totals row, if it has one). `after`:
        the last record, when the rows under it are a template's to fill (empty, numbered
        ahead in the `serials` columns, holding formulas: WorkbookPatch._template_gap)."""
        for (r, c), _v in sets.items():
            _check_coords(self.sheet.name, r, c)
        by_row: dict[int, dict[int, CellValue]] = {}
        self.result.kept = self.sheet.formula_cells(sets)
        kept = set(self.result.kept)
        for (r, c), v in sets.items():
            if (r, c) not in kept:
                by_row.setdefault(r, {})[c] = v
        old_last = self.sheet.last_value_row()
        self.result.old_last = old_last
        merges = self.sheet.merges()
        append_rows: dict[int, dict[int, CellValue]] = {}
        styles: dict[int, int] = {}
        row_attrs, whole_row = b"", False
        totals: Row | int | None = None
        fill = 0  # the first of the appends that fill a template's rows after `after`
        if appends and table is not None and table.totals_row:
            if after:  # (the template's rows first, the rest above the moved sum row)
                fill = min(len(appends), table.totals_row - after - 1)
                appends = [*self._filling(after + 1, appends[:fill], serials), *appends[fill:]]
            totals = self._make_room(table, len(appends) - fill, merges)
            self.move = TotalsMove(table.totals_row, len(appends) - fill, plain=table.plain)
            first = self.sheet.find(table.data_from or table.totals_row)
            self.data_bytes = (
                first.start if isinstance(first, Row) else first,
                totals.start if isinstance(totals, Row) else totals,
            )
            start = table.totals_row
            span = self.move.merged
            merges = [
                (ref, (span(r1, r2)[0], c1, span(r1, r2)[1], c2))
                for ref, (r1, c1, r2, c2) in merges
            ]
            styles, row_attrs, whole_row = self._template(after or start - 1, header_rows)
        elif appends:
            last = after or old_last
            styles, row_attrs, whole_row = self._template(last, header_rows)
            start = self._band_start(last, appends, merges)
            if after:
                appends = self._filling(start, appends, serials)
        for k, values in enumerate(appends):
            number = after + 1 + k if k < fill else start + k - fill
            for c in values:
                _check_coords(self.sheet.name, number, c)
            if number in by_row:
                raise UsageError(f"row {number} of {self.sheet.name!r} is both appended and set")
            append_rows[number] = values
            self.result.appended_rows.append(number)
        formulas: dict[int, Formula] = dict(table.formulas) if table is not None else {}
        if self.continued:
            formulas = {**self._continued_formulas(), **formulas}
        written = {
            (r, c): v for r, values in {**by_row, **append_rows}.items() for c, v in values.items()
        }
        self._check_written(written, merges, computed)
        if totals is not None:
            to = start + len(appends) - fill
            inserted = sorted(n for n in append_rows if n >= start)
            if set(by_row) & set(range(start, to + 1)):
                raise UsageError(f"rows {start}-{to} of {self.sheet.name!r} are both moved and set")
            new = b"".join(
                self._new_row(
                    n,
                    append_rows[n],
                    styles if whole_row else {c: styles[c] for c in append_rows[n] if c in styles},
                    row_attrs,
                    formulas,
                )
                for n in inserted
            )
            if isinstance(totals, Row):
                self.result.moved = {start: to}
                new += self._moved_row(totals, to)
                self.edits.append((totals.start, start, totals.end, new))
            else:  # a totals row without cells: nothing to move
                self.edits.append((totals, start, totals, new))
            for number in range(start + 1, to + 1):
                below = self.sheet.find(number)
                if isinstance(below, Row):  # empty (checked): the totals row takes its place
                    self.edits.append((below.start, number, below.end, b""))
            for number in inserted:
                for c, v in append_rows[number].items():
                    self.result.expected[(number, c)] = v
            # (the rows filled above it are merged into the template's rows below)
            append_rows = {n: v for n, v in append_rows.items() if n < start}
        self.result.new_last = max(
            [old_last, *self.result.appended_rows, *self.result.moved.values()]
        )
        for number, values in sorted({**by_row, **append_rows}.items()):
            is_append = number in append_rows
            found = self.sheet.find(number)
            if isinstance(found, Row):
                if is_append:
                    new = self._merge_row(found, values, styles, formulas)
                else:
                    new = self._merge_row(found, values, {})
                if self.move is not None and table is not None:
                    in_data = table.data_from <= number < self.move.at
                    span = self.move.follow if in_data else self.move.span
                    new = move_formulas(new, self.p, self.sheet.name, span, own=True)
                self.edits.append((found.start, number, found.end, new))
            else:
                if is_append:
                    row_styles = (
                        styles if whole_row else {c: styles[c] for c in values if c in styles}
                    )
                    new = self._new_row(number, values, row_styles, row_attrs, formulas)
                else:
                    col_styles = self.sheet.column_styles()
                    new = self._new_row(
                        number, values, {c: col_styles[c] for c in values if c in col_styles}, b""
                    )
                self.edits.append((found, number, found, new))
            for c, v in values.items():
                self.result.expected[(number, c)] = v

    def render(self) -> Spliced:
        """The new sheet XML: edits spliced in, dimension and grown ranges updated. Kept as
        pieces of the old XML and the new bytes (never joined: a 150 MB sheet is not held
        twice while it is deflated and checked)."""
        xml = self.sheet.xml
        parts: list[Piece] = [self._dimension(xml[: self.sheet.inner_start])]
        pos = self.sheet.inner_start
        for start, _order, end, new in sorted(self.edits, key=lambda e: (e[0], e[1])):
            parts.append(self._untouched(pos, start))
            parts.append(new)
            pos = max(pos, end)
        parts.append(self._untouched(pos, self.sheet.inner_end))
        tail = xml[self.sheet.inner_end :]
        if self.move is not None:
            tail = self._move_tail(tail, self.move)
        elif self.result.new_last > self.result.old_last:
            tail = self._grow_tail(tail)
        parts.append(tail)
        return Spliced(parts)

    def _untouched(self, at: int, end: int) -> Piece:
        """Rows the plan leaves alone (the sheet's bytes at..end); with a totals row moving,
        their formulas' references to it follow it (=H5 -> =H6), and outside the data
        rows their ranges over the data grow (a data row's own ranges do not)."""
        rows = (self.sheet.xml, at, end)
        if self.move is None or self.sheet.xml.find(b"</" + self.p + b"f>", at, end) < 0:
            return rows
        data = self.sheet.xml[at:end]
        move, name, p = self.move, self.sheet.name, self.p
        start, end = (min(max(x - at, 0), len(data)) for x in self.data_bytes)
        return b"".join(
            move_formulas(piece, p, name, span, own=True) if piece else b""
            for piece, span in (
                (data[:start], move.span),
                (data[start:end], move.follow),
                (data[end:], move.span),
            )
        )

    def _dimension(self, head: bytes) -> bytes:
        m = re.search(rb"(<" + re.escape(self.p) + rb'dimension\b[^>]*\bref=")([^"]*)(")', head)
        written = [k for k, v in self.result.expected.items() if v is not None and v != ""]
        written += [(row, 1) for row in self.result.moved.values()]
        if not m or not written:
            return head
        bounds = [parse_ref(x) for x in m.group(2).split(b":")]
        empty_sheet = self.result.old_last == 0 and m.group(2) == b"A1"
        if None in bounds and not empty_sheet:
            return head  # a range we cannot read is kept as written, not shrunk to our rows
        rows = [r for r, _c in written]
        cols = [c for _r, c in written]
        if not empty_sheet:
            rows += [b[0] for b in bounds if b]
            cols += [b[1] for b in bounds if b]
        new = f"{col_letters(min(cols))}{min(rows)}:{col_letters(max(cols))}{max(rows)}".encode()
        return head[: m.start(2)] + new + head[m.end(2) :]

    def _grow_tail(self, tail: bytes) -> bytes:
        old, new = self.result.old_last, self.result.new_last

        def grow(m: re.Match[bytes]) -> bytes:
            return m.group(1) + grow_ranges(m.group(2), old, new) + m.group(3)

        tail = _SQREF_ATTR.sub(grow, tail)
        tail = _XM_SQREF.sub(grow, tail)
        return _FILTER_TAG.sub(lambda m: _REF_ATTR.sub(grow, m.group()), tail)

    def _move_tail(self, tail: bytes, move: TotalsMove) -> bytes:
        """Ranges after the cell data follow the totals row and grow over the new rows:
        conditional formats, validations, filters, merges, hyperlinks; and the formulas
        of a format or a validation that point at the totals row ($E2>$E$4/2) follow it."""
        name = self.sheet.name

        def rule(m: re.Match[bytes]) -> bytes:
            return m.group(1) + moved_text(m.group(2), name, move.follow, own=True) + m.group(3)

        def moved(m: re.Match[bytes]) -> bytes:
            return m.group(1) + rewrite_ranges(m.group(2), move.span) + m.group(3)

        def merge(m: re.Match[bytes]) -> bytes:
            return m.group(1) + rewrite_ranges(m.group(2), move.merged) + m.group(3)

        tail = _SQREF_ATTR.sub(moved, tail)
        tail = _XM_SQREF.sub(moved, tail)
        tail = _RULE_FORMULA.sub(rule, tail)
        return _MOVING_TAG.sub(
            lambda m: _REF_ATTR.sub(merge if _MERGE_TAG.match(m.group()) else moved, m.group()),
            tail,
        )


def move_formulas(
    xml: bytes, p: bytes, sheet: str, span: SpanMap, *, own: bool, anchors: bool = False
) -> bytes:
    """Every <f> in `xml` with its references to `sheet` moved by `span` (`own`: the
    formulas are on that sheet, so unqualified references mean it; `anchors`: they are
    the moved row's, so a formula's own range (ref=) moves too)."""
    q = re.escape(p)

    def formula(m: re.Match[bytes]) -> bytes:
        start = m.group(1)
        if anchors:
            start = _REF_ATTR.sub(
                lambda r: r.group(1) + rewrite_ranges(r.group(2), span) + r.group(3), start
            )
        return start + moved_text(m.group(2), sheet, span, own=own) + m.group(3)

    return re.sub(rb"(<" + q + rb"f\b[^>]*>)(.*?)(</" + q + rb"f>)", formula, xml, flags=re.S)


def moved_text(raw: bytes, sheet: str, span: SpanMap, *, own: bool) -> bytes:
    """A formula as XML text (a cell's <f>, a rule's <formula>, a chart's series) with its
    references to `sheet` moved by `span`; the very bytes when nothing moves."""
    text = unescape(raw.decode("utf-8", "replace"))
    new = rewrite(text, sheet, span, own=own)
    return raw if new == text else xml_escape(new)


def holds_value(inner: bytes, p: bytes) -> bool:
    """Whether a cell's inner XML holds a value or a formula (not just a style)."""
    return any(b"<" + p + mark in inner for mark in (b"v>", b"v ", b"is>", b"f>", b"f "))


def xml_escape(text: str) -> bytes:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()


def _check_coords(sheet: str, row: int, col: int) -> None:
    if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COL):
        raise UsageError(f"cell (row {row}, column {col}) is outside an Excel sheet ({sheet!r})")
