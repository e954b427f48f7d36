"""A LibreOffice .ods, read by python-calamine from a copy of what inq has checked.

An .ods keeps every sheet in one part, content.xml, and calamine lays them all out as it
opens the file, each a dense box of rows x columns. So before it does, content.xml is
inflated once (never past its declared size, its CRC checked) into a stored copy beside a
mimetype and a manifest inq writes itself, and each sheet's box is measured as calamine
will lay it out (repeated rows and columns counted, a trailing run of empty rows not); the
file is refused in one line when the boxes add up past CELL_LIMIT. calamine then reads
the copy, never the user's zip (as repack.py does for an .xlsx).

The measure has a fast pass for content.xml as LibreOffice writes it (a few searches in C
per row, in the copy mapped into memory), and an exact one (lxml, element by element)
for anything it cannot vouch for: other namespace prefixes, comments, character
references, a table in a cell. inq never writes an .ods (write.py refuses).
"""

from __future__ import annotations

import io
import mmap
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from operator import methodcaller
from pathlib import Path
from typing import Any, BinaryIO

from inquiry_cli.errors import WorkbookUnreadable
from inquiry_cli.workbook.extent import CELL_LIMIT, Extent, col_letters
from inquiry_cli.workbook.ooxml import ZipSource
from inquiry_cli.workbook.repack import BUDGET, StoredZip
from inquiry_cli.workbook.tempfiles import temp_file

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
CONTENT = "content.xml"
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = f"{{{_TABLE_NS}}}table"
_ROW = f"{{{_TABLE_NS}}}table-row"
_CELLS = (f"{{{_TABLE_NS}}}table-cell", f"{{{_TABLE_NS}}}covered-table-cell")
_NAME = f"{{{_TABLE_NS}}}name"
_ROWS_REPEATED = f"{{{_TABLE_NS}}}number-rows-repeated"
_COLS_REPEATED = f"{{{_TABLE_NS}}}number-columns-repeated"
_VALUE_TYPE = f"{{{_OFFICE_NS}}}value-type"
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
    'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
    f'manifest:full-path="/" manifest:media-type="{MIMETYPE}"/><manifest:file-entry '
    'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
).encode()
_PIECE = 1 << 20  # the exact pass parses the copy a megabyte at a time


class _Inexact(Exception):
    """The fast pass cannot vouch for this content.xml: measure it exactly."""


def _repeat(value: str | bytes | None, what: str) -> int:
    """A number-rows/columns-repeated value (1 when absent); damage when not a count."""
    if value is None:
        return 1
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
    if not text.isdigit() or len(text) > 9:
        raise WorkbookUnreadable(f"{what} is damaged: a row or cell repeats {text[:20]!r} times")
    return max(int(text), 1)


# -- the fast pass: content.xml as LibreOffice writes it --------------------------------

_ROOT_END = re.compile(rb"<(?:[\w.-]+:)?document-content\b[^>]*>")
_PREFIXES = (b'xmlns:table="' + _TABLE_NS.encode() + b'"', b'xmlns:office="' + _OFFICE_NS.encode()
             + b'"', b'xmlns:text="' + _TEXT_NS.encode() + b'"')  # fmt: skip
# What could hide structure from a byte search while the XML parser sees it: another
# namespace declared (rows under another prefix), comments, CDATA sections and
# processing instructions (a fake row tag inside one splits a real row in two).
_ODD = (b"xmlns", b"<!", b"<?")
_TABLE_START = re.compile(rb"<table:table(?=[\s/>])([^>]*)>")
_TABLE_END = re.compile(rb"</table:table>")
_ROW_START = re.compile(rb"<table:table-row(?=[\s/>])([^>]*)>")
_CELL_START = re.compile(rb"<table:(?:covered-)?table-cell(?=[\s/>])([^>]*)>")
_ROWS_ATTR = re.compile(rb'\btable:number-rows-repeated\s*=\s*["\']([^"\']*)["\']')
_COLS_ATTR = re.compile(rb'\btable:number-columns-repeated\s*=\s*["\']([^"\']*)["\']')
_NAME_ATTR = re.compile(rb'\btable:name\s*=\s*"([^"]*)"')
_CELL, _COVERED = b"<table:table-cell", b"<table:covered-table-cell"
# A cell holds something when it has a value type or anything inside it (it then ends
# in </table:table-cell> or </table:covered-table-cell>).
_CLOSED, _TYPED = b"-cell>", b"value-type"
_BLOCK = 16 << 20  # the copy is searched in blocks of this size, cut before a row


def _fast_repeat(attrs: bytes, pattern: re.Pattern[bytes]) -> int:
    found = pattern.search(attrs)
    if found is None:
        return 1
    if not found[1].isdigit() or len(found[1]) > 9:
        raise _Inexact  # written with references, or damage: the exact pass says which
    return max(int(found[1]), 1)


class _FastBoxes:
    """The fast pass's state across blocks: the sheet being measured and its box."""

    def __init__(self) -> None:
        self.boxes: dict[str, Extent] = {}
        self.name: str | None = None  # inside a sheet
        self.row = self.rows = self.cols = 0

    def block(self, data: bytes) -> None:
        from html import unescape

        pos, size = 0, len(data)
        while pos < size:
            if self.name is None:
                table = _TABLE_START.search(data, pos)
                limit = table.start() if table is not None else size
                if _ROW_START.search(data, pos, limit) is not None:
                    raise _Inexact  # a row outside any sheet
                if table is None:
                    return
                if table[1].endswith(b"/"):
                    raise _Inexact  # an empty sheet written <table:table/>
                name = _NAME_ATTR.search(table[1])
                self.name = unescape(name[1].decode("utf-8", "replace")) if name else ""
                self.row = self.rows = self.cols = 0
                pos = table.end()
            # (A table inside a cell ends this one early: its rows after it are then
            # rows outside any sheet, which the exact pass measures.)
            end = _TABLE_END.search(data, pos)
            limit = end.start() if end is not None else size
            self._rows(data, pos, limit)
            if end is None:
                return  # the sheet goes on in the next block
            self.boxes[self.name] = Extent(self.rows, self.cols)
            self.name = None
            pos = end.end()

    def _rows(self, data: bytes, pos: int, limit: int) -> None:
        """Measure the rows in data[pos:limit] (whole rows: blocks are cut before one).

        Split at the row tags, each row is searched in C (map): its width is bounded by
        its cell tags (the empty ones after its last content count once each, a column
        or so too many). Only a row that repeats, or has a repeated cell before its last
        content, is walked cell by cell."""
        parts = data[pos:limit].split(b"<table:table-row")[1:]  # (each: a row's tag on)
        closed = list(map(methodcaller("rfind", _CLOSED), parts))
        typed = list(map(methodcaller("rfind", _TYPED), parts))
        repeats = list(map(methodcaller("find", b"repeated"), parts))
        cells = list(map(methodcaller("count", _CELL), parts))
        if data.find(_COVERED, pos, limit) >= 0:
            cells = [n + part.count(_COVERED) for n, part in zip(cells, parts, strict=True)]
        row, rows, cols = self.row, self.rows, self.cols
        for i, part in enumerate(parts):
            if part[:1] not in _TAG_GOES_ON:
                continue  # <table:table-row-group>, <table:table-rows>: no row
            last = max(closed[i], typed[i])
            repeat, width = 1, cells[i] if last >= 0 else 0
            if 0 <= repeats[i] < last or 0 <= repeats[i] < part.find(b">"):
                repeat, width = _walk_row(part)
            if width:
                rows = row + repeat
                cols = max(cols, width)
            row += repeat
        self.row, self.rows, self.cols = row, rows, cols


_TAG_GOES_ON = (b" ", b">", b"/", b"\n", b"\t", b"\r")


def _walk_row(part: bytes) -> tuple[int, int]:
    """(repeats, width) of one row whose tag or cells repeat: its cells up to the last
    one holding anything, each counted as often as it repeats."""
    tag_end = part.find(b">") + 1
    attrs = part[:tag_end]
    repeat = _fast_repeat(attrs, _ROWS_ATTR) if b"repeated" in attrs else 1
    if attrs.endswith(b"/>"):
        return repeat, 0
    last = max(part.rfind(_CLOSED), part.rfind(_TYPED))
    if last < 0:
        return repeat, 0
    cell = max(part.rfind(_CELL, 0, last), part.rfind(_COVERED, 0, last))
    if cell < 0:
        raise _Inexact  # something outside any cell
    cell_end = part.find(b">", cell) + 1
    width = sum(
        _fast_repeat(c[1], _COLS_ATTR) if b"repeated" in c[1] else 1
        for c in _CELL_START.finditer(part, tag_end, cell_end)
    )
    return repeat, width


def _fast_boxes(buf: Any, start: int, size: int) -> dict[str, Extent]:
    """Each sheet's box, by a few searches in C per row, a block at a time: a row's width
    is its cells up to the last one holding anything, repeats counted. _Inexact when
    content.xml is not plainly written as LibreOffice writes it."""
    root = _ROOT_END.search(buf, start, min(start + 64 * 1024, size))
    if root is None or not all(prefix in root[0] for prefix in _PREFIXES):
        raise _Inexact
    if any(root[0].count(ns.encode()) != 1 for ns in (_TABLE_NS, _OFFICE_NS)):
        raise _Inexact  # another prefix (or the default namespace) for table: or office:
    state = _FastBoxes()
    pos = root.end()
    while pos < size:
        cut = size
        if pos + _BLOCK < size:
            after = _ROW_START.search(buf, pos + _BLOCK, size)
            cut = after.start() if after is not None else size
        data = buf[pos:cut]  # (bytes, from a memory map too)
        if any(odd in data for odd in _ODD):
            raise _Inexact
        state.block(data)
        pos = cut
    if state.name is not None:
        raise _Inexact  # a sheet never closed: damage the exact pass names
    return state.boxes


# -- the exact pass: element by element ---------------------------------------------------


class _Boxes:
    """Each sheet's box (rows x columns holding something), from content.xml's events."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.boxes: dict[str, Extent] = {}
        self._depth = 0  # a table inside a cell is not a sheet
        self._name = ""
        self._row = self._rows = self._cols = 0

    def event(self, event: str, el: Any) -> None:
        if event == "start":
            if el.tag == _TABLE:
                self._depth += 1
                if self._depth == 1:
                    self._name = el.get(_NAME) or ""
                    self._row = self._rows = self._cols = 0
            return
        if el.tag == _ROW and self._depth == 1:
            self._count_row(el)
        elif el.tag == _TABLE:
            if self._depth == 1:
                self.boxes[self._name] = Extent(self._rows, self._cols)
            self._depth -= 1
        else:
            return
        el.clear()  # the rows read so far need not stay in memory
        parent = el.getparent()
        while parent is not None and el.getprevious() is not None:
            del parent[0]

    def _count_row(self, row: Any) -> None:
        repeat = _repeat(row.get(_ROWS_REPEATED), self.what)
        col = width = 0
        for cell in row.iterchildren(*_CELLS):
            col += _repeat(cell.get(_COLS_REPEATED), self.what)
            if cell.get(_VALUE_TYPE) is not None or len(cell):
                width = col
        if width:
            self._rows = self._row + repeat
            self._cols = max(self._cols, width)
        self._row += repeat


def _exact_boxes(pieces: Iterator[bytes], what: str) -> dict[str, Extent]:
    from inquiry_cli.workbook.xmlsafe import parse_errors, pull_parser

    boxes = _Boxes(what)
    parser = pull_parser(events=("start", "end"), tag=(_TABLE, _ROW))
    try:
        for piece in pieces:
            parser.feed(piece)
            for event, el in parser.read_events():
                boxes.event(event, el)
        parser.close()
        for event, el in parser.read_events():
            boxes.event(event, el)
    except parse_errors() as exc:
        raise WorkbookUnreadable(f"{what} is damaged ({str(exc)[:120]})") from None
    return boxes.boxes


def measure(buf: Any, start: int, end: int, what: str) -> dict[str, Extent]:
    """Each sheet's box in content.xml, buf[start:end] (bytes, or a memory map): the
    fast pass, and the exact one when the fast one cannot vouch for the file or its
    bound is over the limit."""
    try:
        found = _fast_boxes(buf, start, end)
        if sum(b.cells for b in found.values()) <= CELL_LIMIT:
            return found
    except _Inexact:
        pass
    pieces = (buf[at : min(at + _PIECE, end)] for at in range(start, end, _PIECE))
    return _exact_boxes(pieces, what)


def _refuse_boxes(filename: str, boxes: dict[str, Extent]) -> int:
    """The cells of every sheet together (calamine holds them all at once), refused in
    one line past CELL_LIMIT, naming the sheet that reaches furthest."""
    total = sum(b.cells for b in boxes.values())
    if total > CELL_LIMIT:
        name, far = max(boxes.items(), key=lambda item: item[1].cells)
        raise WorkbookUnreadable(
            f"{filename}: sheet {name!r} is too large to read: its cells reach down to row "
            f"{far.rows:,} and across to column {col_letters(far.cols)} ({total:,} cells in "
            f"all, over {CELL_LIMIT:,}); if a far cell is a stray entry, delete it in "
            "LibreOffice (Ctrl+End finds the last one) and save"
        )
    return total


@contextmanager
def _unreadable(what: str) -> Iterator[None]:
    """calamine's own errors (XML the fast pass had no need to parse) as one line."""
    import python_calamine as pc

    try:
        yield
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError, OSError) as exc:
        why = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise WorkbookUnreadable(
            f"{what} cannot be read ({why}): re-save it from LibreOffice"
        ) from None


class OdsBook:
    """The sheets of an .ods: sheet names in order, and each sheet's rows as
    python-calamine's to_python(skip_empty_area=False) gives them (row 1 first)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._book: Any = None
        self._cells = 0
        self._copy: str | None = None
        try:
            fd, self._copy = temp_file("inq-read-", ".ods")
            fh: BinaryIO = os.fdopen(fd, "w+b")
        except OSError:  # no temp folder to write to: keep the copy in memory
            self._copy = None
            fh = io.BytesIO()
        try:
            with fh:
                self._cells = self._check_and_copy(fh)
                data = fh.getvalue() if isinstance(fh, io.BytesIO) else None
            BUDGET.take(self._cells)
            self._open(data)
        except BaseException:
            self.close()
            raise

    def _check_and_copy(self, fh: BinaryIO) -> int:
        """Copy content.xml into `fh` (a stored zip calamine can open), then measure it;
        the number of cells calamine will lay out."""
        from inquiry_cli.workbook.probe import refuse_odf_doctype

        filename = self.path.name
        what = f"{filename}: part {CONTENT}"
        with ZipSource(self.path) as src:
            info = src.info(CONTENT)
            stored = StoredZip(fh)
            stored.add("mimetype", MIMETYPE.encode())
            stored.add("META-INF/manifest.xml", _MANIFEST)
            start = at = stored.reserve(CONTENT, info.file_size, info.CRC)
            stored.close()
            for piece in src.chunks(CONTENT):  # (size and CRC checked on the way)
                if at == start:
                    refuse_odf_doctype(piece, what)
                fh.seek(at)
                fh.write(piece)
                at += len(piece)
        fh.flush()
        if isinstance(fh, io.BytesIO):
            boxes = measure(fh.getvalue(), start, at, what)
        else:
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                boxes = measure(mapped, start, at, what)
        return _refuse_boxes(filename, boxes)

    def _open(self, data: bytes | None) -> None:
        from python_calamine import CalamineWorkbook

        from inquiry_cli.workbook.native import guard

        with (
            _unreadable(f"{self.path.name}: the workbook"),
            guard(f"{self.path.name}: the workbook"),
        ):
            if data is not None or self._copy is None:
                self._book = CalamineWorkbook.from_filelike(io.BytesIO(data or b""))
            else:
                self._book = CalamineWorkbook.from_path(self._copy)
        if os.name == "posix":  # calamine holds it open: the name can go now
            self._unlink()

    @property
    def names(self) -> list[str]:
        return list(self._book.sheet_names)

    def rows(self, name: str) -> list[list[Any]]:
        from inquiry_cli.workbook.native import guard

        what = f"{self.path.name}: sheet {name!r}"
        with _unreadable(what), guard(what):
            return self._book.get_sheet_by_name(name).to_python(skip_empty_area=False)

    def _unlink(self) -> None:
        if self._copy is not None:
            with suppress(OSError):
                os.unlink(self._copy)
            self._copy = None

    def close(self) -> None:
        if self._book is not None:
            with suppress(Exception):
                self._book.close()
            self._book = None
        if self._cells:
            BUDGET.give(self._cells)
            self._cells = 0
        self._unlink()

    def __enter__(self) -> OdsBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
