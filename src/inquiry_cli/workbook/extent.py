"""How far a sheet's cells reach, read from its XML before python-calamine is handed it.

python-calamine lays a sheet out as one dense box, rows x columns, from the lowest to the
highest row and column of its values (32 bytes a cell, before Python makes lists of
it): one value at XFD1048576 asks for 512 GB and aborts the process, one at A1048576
costs a gigabyte. The sheet's <dimension> may lie, so the cells' own references decide.

The fast pass is one regex search a megabyte at a time that stops only at the cells it
cannot vouch for: every cell tag `<c r="...">` (any namespace prefix) whose reference is
within the rows seen so far (the last row tag of each megabyte: rows come in order) and
the columns seen so far is skipped in C. A cell it stops at is read exactly; a cell
without a reference (placed after the previous one, as calamine does) or anything else
it cannot bound sends the sheet to the exact pass, a Python walk over every row and cell
tag that follows calamine's own placement. Either way the box is known before calamine
builds it, and a box over CELL_LIMIT cells is refused in one line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from inquiry_cli.errors import WorkbookUnreadable

MAX_ROW = 1_048_576  # Excel's grid: beyond it a reference is damage, not data
MAX_COL = 16_384  # XFD
# The largest box (rows x columns) read from one sheet: 6 million cells is ~200 MB for
# calamine and ~100 MB of Python lists; the 50k-buyer bench's Contacts sheet is 3.5 million.
CELL_LIMIT = 6_000_000
_CONTEXT = 4096  # bytes kept after a match: no cell's start tag is longer in practice
_MAX_STOPS = 20_000  # more stops than this: the exact pass is cheaper


@dataclass(frozen=True)
class Extent:
    """The highest row and column (1-based) calamine may give a value in this sheet."""

    rows: int
    cols: int

    @property
    def cells(self) -> int:
        return self.rows * self.cols


class _Inexact(Exception):
    """The fast pass cannot bound this sheet: walk it exactly."""


def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


_REF = re.compile(r"([A-Za-z]{1,3})([1-9][0-9]{0,6})")


def parse_ref(raw: bytes, what: str) -> tuple[int, int]:
    """(row, column) of a cell reference as calamine reads it, or WorkbookUnreadable
    when it is not one Excel could write (calamine would fail on it or wrap it)."""
    text = raw.decode("utf-8", "replace")
    if "&" in text:
        from html import unescape  # (only for references written as entities)

        text = unescape(text)
    m = _REF.fullmatch(text)
    if m is None:
        raise WorkbookUnreadable(f"{what} is damaged: a cell has the reference {text[:30]!r}")
    row, col = int(m[2]), col_number(m[1])
    if row > MAX_ROW or col > MAX_COL:
        raise WorkbookUnreadable(
            f"{what} is damaged: a cell at {text[:30]} lies beyond Excel's last cell XFD1048576"
        )
    return row, col


# -- regexes for "a number up to N" and "a column up to C" ------------------------------


def _upto(limit: str, digits: str, first: str) -> str:
    """A regex for the strings of len(limit) over `digits` that are <= limit (no leading
    zero when `first` is given): the usual digit-by-digit alternation."""
    alts = []
    for i, ch in enumerate(limit):
        lo = first if i == 0 else digits[0]
        if ch > lo:
            below = f"[{lo}-{chr(ord(ch) - 1)}]" if ord(ch) - 1 > ord(lo) else re.escape(lo)
            if ord(ch) - 1 == ord(lo):
                below = re.escape(lo)
            rest = len(limit) - i - 1
            tail = f"[{digits[0]}-{digits[-1]}]{{{rest}}}" if rest else ""
            alts.append(re.escape(limit[:i]) + below + tail)
    alts.append(re.escape(limit))
    return "(?:" + "|".join(alts) + ")"


def rows_upto(n: int) -> bytes:
    """Regex for a row number 1..n written as Excel writes it, then the closing quote."""
    s = str(max(n, 1))
    shorter = f'[1-9][0-9]{{0,{len(s) - 2}}}+"' if len(s) > 1 else None
    same = _upto(s, "0123456789", "1") + '"'
    return ("(?:" + (shorter + "|" if shorter else "") + same + ")").encode()


def cols_upto(n: int) -> bytes:
    """Regex for column letters A..col_letters(n) (upper case, as Excel writes them)."""
    s = col_letters(max(n, 1))
    alts = []
    if len(s) > 1:
        alts.append(f"[A-Z]{{1,{len(s) - 1}}}+")
    alts.append(_upto(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "A"))
    return ("(?:" + "|".join(alts) + ")").encode()


_PATTERNS: dict[tuple[int, int], re.Pattern[bytes]] = {}


def _pattern(rows: int, cols: int) -> re.Pattern[bytes]:
    """Stops at a `<c` that is not `<c r="<col><row>"` within (rows, cols); a closing
    `</x:c>` (seen as `</x<c>` once ':' became '<') is not a stop."""
    key = (rows, cols)
    found = _PATTERNS.get(key)
    if found is None:
        ok = rb'(?! r="' + cols_upto(cols) + rows_upto(rows) + rb")"
        not_closing = rb"(?<!</[\w.-]<c)(?<!</[\w.-]{2}<c)(?<!</[\w.-]{3}<c)"
        found = re.compile(rb"<c" + ok + not_closing)
        if len(_PATTERNS) > 64:
            _PATTERNS.clear()
        _PATTERNS[key] = found
    return found


_COLON = bytes.maketrans(b":", b"<")
_ROW_R = re.compile(rb'row r="([1-9][0-9]{0,6})"')
_DIMENSION = re.compile(
    rb'<(?:[\w.-]+:)?dimension\s+ref="(?:[A-Za-z]+[0-9]+:)?([A-Za-z]{1,3})[0-9]'
)
_TAG_NAME = re.compile(rb"<(?:[\w.-]+[:<])?c[\s/>]")
_ATTR_R = re.compile(rb"""(?:^|[\s<])(?:[\w.-]+[:<])?r\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _cell_tag(data: bytes, at: int) -> bytes | None:
    """The start tag of a cell element beginning at `at`, or None if it is some other
    element (`<col>`, `<cfRule>`...). Raises _Inexact if it runs past the data."""
    if _TAG_NAME.match(data, at) is None:
        return None
    end = data.find(b">", at)
    if end < 0:
        raise _Inexact
    return data[at : end + 1]


class _Fast:
    """The fast pass's state: the rows and columns vouched for so far."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.rows = 0
        self.cols = 0
        self.stops = 0
        self.first = True

    def feed(self, data: bytes, limit: int) -> None:
        """Check the cells starting before `limit` (the rest of `data` is context)."""
        if self.first:
            self.first = False
            m = _DIMENSION.search(data, 0, 8192)
            # The dimension's last column is a hint (a lie costs stops, or a bound too
            # big and then the exact pass); it never vouches for anything.
            self.cols = min(col_number(m[1].decode()), MAX_COL) if m else 1
        if b":" in data:  # prefixed tags (<x:c>): every ':' becomes a '<' (same length)
            data = data.translate(_COLON)
        last = data.rfind(b'row r="', 0, limit)
        if last >= 0:
            m = _ROW_R.match(data, last)
            if m is not None and int(m[1]) > self.rows:
                self.rows = int(m[1])
        pattern = _pattern(self.rows, self.cols)
        at = 0
        while True:
            m = pattern.search(data, at)
            if m is None or m.start() >= limit:
                return
            at = m.end()
            tag = _cell_tag(data, m.start())
            if tag is None:
                continue
            self.stops += 1
            if self.stops > _MAX_STOPS:
                raise _Inexact
            r = _ATTR_R.search(tag)
            if r is None:
                raise _Inexact  # a cell placed by its predecessor: walk the sheet
            row, col = parse_ref(r[1] if r[1] is not None else r[2], self.what)
            if row > self.rows or col > self.cols:
                self.rows, self.cols = max(self.rows, row), max(self.cols, col)
                pattern = _pattern(self.rows, self.cols)


def _fast(chunks: Iterable[bytes], what: str) -> Extent:
    state = _Fast(what)
    carry = b""
    for chunk in chunks:
        data = carry + chunk if carry else chunk
        if len(data) <= 2 * _CONTEXT:
            carry = data
            continue
        limit = len(data) - _CONTEXT
        state.feed(data, limit)
        carry = data[limit:]
    if carry:
        state.feed(carry, len(carry))
    return Extent(state.rows, state.cols)


_TAG = re.compile(rb"""<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>""")


def _exact(chunks: Iterable[bytes], what: str) -> Extent:
    """Every row and cell tag, placed as calamine places them: a row without r follows
    the previous row, a cell without r follows the previous cell of its row. A cell
    that is not empty (`<c .../>`) counts as a value."""
    row = col = 0
    rows = cols = 0
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        cut = data.rfind(b"<")
        if cut < 0:
            carry = b""
            continue
        body, carry = data[:cut], data[cut:]
        if len(carry) > 1 << 22:  # one tag of 4 MB: no workbook has that
            raise WorkbookUnreadable(f"{what} is damaged (a tag of over 4 MB)")
        for m in _TAG.finditer(body):
            if m[1]:
                continue
            attrs = m[3]
            r = _ATTR_R.search(attrs)
            if m[2] == b"row":
                if r is not None:
                    value = r[1] if r[1] is not None else r[2]
                    if not value.isdigit() or not 0 < int(value) <= MAX_ROW:
                        number = value[:20].decode(errors="replace")
                        raise WorkbookUnreadable(f"{what} is damaged: a row is numbered {number!r}")
                    row = int(value)
                else:
                    row += 1
                col = 0
                continue
            if r is not None:
                cell_row, col = parse_ref(r[1] if r[1] is not None else r[2], what)
            else:
                cell_row, col = max(row, 1), col + 1
                if col > MAX_COL:
                    raise WorkbookUnreadable(
                        f"{what} is damaged: a row has cells beyond Excel's last column XFD"
                    )
            if not attrs.endswith(b"/"):
                rows, cols = max(rows, cell_row), max(cols, col)
    return Extent(rows, cols)


def sheet_extent(read: Callable[[], Iterator[bytes]], what: str) -> Extent:
    """The box calamine will make of a sheet (`read()` gives its XML, in pieces, each
    time it is called): the fast pass, and the exact one when the fast one cannot vouch
    for the sheet or its bound is over the limit."""
    try:
        found = _fast(read(), what)
        if found.cells <= CELL_LIMIT:
            return found
    except _Inexact:
        pass
    return _exact(read(), what)


def check_sheet(read: Callable[[], Iterator[bytes]], sheet: str, filename: str) -> Extent:
    """sheet_extent, refused in one line when the box is too large to read."""
    what = f"{filename}: sheet {sheet!r}"
    found = sheet_extent(read, what)
    if found.cells > CELL_LIMIT:
        raise WorkbookUnreadable(
            f"{what} is too large to read: its cells reach down to row {found.rows:,} and "
            f"across to column {col_letters(found.cols)} ({found.rows * found.cols:,} cells, "
            f"over {CELL_LIMIT:,}); if a far cell is a stray entry, delete it in Excel "
            "(Ctrl+End finds the last one) and save"
        )
    return found
