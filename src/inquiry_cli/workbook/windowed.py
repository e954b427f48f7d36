"""A long sheet read by python-calamine a window of whole rows at a time: memory bounded
by the window, not by the sheet.

calamine lays a sheet out whole before Python sees a cell (254 MB for a 500,000-row
contact log, before the rows become Python objects). Here the sheet is checked as
repack.py checks every sheet (extent.py) and, on the same pass, cut where a row starts
into small sheets of about WINDOW bytes each, stored in a temporary .xlsx beside the
shared strings and styles. calamine opens that once (one parse of the shared strings)
and loads one small sheet at a time; each row keeps its own number (the window's range
starts where its first cell is).

A window starts with a row that says its number (`<row r="7">`): calamine numbers a
row without one after the row before it, which is then in the same window. A merged
cell fills rows of other windows: then `windows()` raises NotWindowed, and the caller
reads the sheet whole.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from contextlib import suppress
from typing import Any, BinaryIO

from inquiry_cli.errors import WorkbookUnreadable
from inquiry_cli.workbook.extent import Extent, check_sheet
from inquiry_cli.workbook.ooxml import ZipSource
from inquiry_cli.workbook.repack import BUDGET, StoredZip, close_book, copy_strings_and_styles
from inquiry_cli.workbook.sheetxml import starts_element
from inquiry_cli.workbook.tempfiles import open_temp_file

WINDOW = 4 << 20  # bytes of rows per small sheet: ~15,000 rows of a contact log
# Sheets of less XML are read whole: there the windows cost more time than their memory
# is worth (a 100,000-row contact log is 28 MB and reads 0.3 s faster whole).
WINDOWED_FROM = 32 << 20
# calamine handles that may lay out one sheet's small sheets at once (each parses the
# shared strings once more), and how many small sheets each may hold ready.
LOADERS = 2
AHEAD = 2
_ROW_NUMBER = re.compile(rb'<(?:[\w.-]+:)?row\b[^>]*?\sr\s*=\s*"(\d+)"')


class NotWindowed(Exception):
    """The sheet cannot be read a window at a time (see the module's docstring)."""


def opening(xml: bytes) -> tuple[bytes, bytes, int, bool] | None:
    """(root tag, prefix, offset after <sheetData ...>, whether it is <sheetData/>) once
    `xml` holds the start of the cell data, else None (read on)."""
    root = re.search(rb"<([\w.-]+:)?worksheet[\s>/]", xml)
    if root is None:
        return None
    close = xml.find(b">", root.start())
    p = root.group(1) or b""
    at = xml.find(b"<" + p + b"sheetData", close)
    gt = xml.find(b">", at) + 1 if at >= 0 else 0
    if close < 0 or at < 0 or gt == 0:
        return None
    return xml[root.start() : close + 1], p, gt, xml[gt - 2 : gt] == b"/>"


def last_row_start(xml: bytes, p: bytes) -> int:
    """Where the last row tag in `xml` starts (-1 if none): the rows before it are whole."""
    tag = b"<" + p + b"row"
    i = xml.rfind(tag)
    while i >= 0 and not starts_element(xml, i, tag):
        i = xml.rfind(tag, 0, i)
    return i


class RowCutter:
    """A sheet's XML, fed in pieces, given back as runs of whole rows (the inside of its
    <sheetData>), each cut where a numbered row starts once at least `size` bytes wait
    (0: at every piece). A run never starts with a row without its number: calamine
    numbers such a row after the one before it, which must then be in the same run.
    After the cell data, only whether the rest holds `watch` is kept."""

    def __init__(self, name: str, size: int = 0, watch: bytes = b"mergeCell") -> None:
        self.name = name
        self.size = size
        self.root_tag = b""
        self.p = b""
        self.closed = False  # the cell data has ended
        self.seen = False  # `watch` is in what follows it
        self._watch = watch
        self._close_tag = b""
        self._parts: list[bytes] = []  # the rows not given back yet, in pieces
        self._waiting = 0  # their bytes
        self._tail = b""

    def feed(self, piece: bytes) -> list[bytes]:
        if self.closed:
            self._look(piece)
            return []
        if not self._close_tag:  # still before the cell data
            pending = b"".join(self._parts) + piece
            opened = opening(pending)
            if opened is None:
                self._parts = [pending]
                return []
            self.root_tag, self.p, at, empty = opened
            if self._watch in pending[:at]:  # (before the cell data: not where Excel puts it)
                self.seen = True
            self._close_tag = b"</" + self.p + b"sheetData>"
            if empty:  # <sheetData/>
                self._close(pending[at:])
                return [b""]
            self._parts, self._waiting = [], 0
            piece = pending[at:]
        edge = self._parts[-1][-len(self._close_tag) :] if self._parts else b""
        self._parts.append(piece)
        self._waiting += len(piece)
        if self._close_tag in edge + piece:
            pending = b"".join(self._parts)
            close = pending.find(self._close_tag, max(0, len(pending) - len(piece) - len(edge)))
            self._close(pending[close:])
            return self._split(pending[:close], final=True)
        if self._waiting < self.size:
            return []
        return self._split(b"".join(self._parts), final=False)

    def _split(self, xml: bytes, final: bool) -> list[bytes]:
        """Runs of at least `size` bytes of `xml`, each cut where a numbered row starts
        (with no size: one run, cut where the last row starts); unless `final`, what
        follows the last cut waits for more."""
        out: list[bytes] = []
        at = 0
        if not self.size:
            cut = len(xml) if final else last_row_start(xml, self.p)
            if cut > 0 or final:
                out.append(xml[:cut])
                at = max(cut, 0)
        else:
            while (cut := self._cut(xml, at + self.size)) > at:
                out.append(xml[at:cut])
                at = cut
            if final and at < len(xml):
                out.append(xml[at:])
                at = len(xml)
        self._parts = [xml[at:]] if at < len(xml) else []
        self._waiting = len(xml) - at
        return out

    def _cut(self, xml: bytes, after: int) -> int:
        """Where the first row that says its number starts at or after offset `after`
        (-1 if none)."""
        tag = b"<" + self.p + b"row"
        at = xml.find(tag, after)
        while at >= 0 and not (starts_element(xml, at, tag) and _ROW_NUMBER.match(xml, at)):
            at = xml.find(tag, at + 1)
        return at

    def end(self) -> None:
        """All fed: the cell data must have ended."""
        if not self.closed:
            raise WorkbookUnreadable(f"sheet {self.name!r} is damaged: its cell data never ends")

    def sheet(self, rows: bytes) -> bytes:
        """A run of rows as a sheet of its own, under the real sheet's root tag."""
        p = self.p
        return (
            self.root_tag
            + b"<" + p + b"sheetData>" + rows
            + b"</" + p + b"sheetData></" + p + b"worksheet>"
        )  # fmt: skip

    def _close(self, rest: bytes) -> None:
        self.closed = True
        self._parts = []
        self._look(rest)

    def _look(self, piece: bytes) -> None:
        joined = self._tail + piece
        if self._watch in joined:
            self.seen = True
        self._tail = joined[-len(self._watch) :]


def _span(rows: bytes, p: bytes) -> int | None:
    """How many rows a run of rows spans, by the numbers of its first and last row (None
    when they do not say): what calamine lays out for it, with the sheet's width."""
    first = _ROW_NUMBER.match(rows, rows.find(b"<" + p + b"row"))
    last = _ROW_NUMBER.match(rows, max(0, last_row_start(rows, p)))
    if first is None or last is None:
        return None
    return max(1, int(last.group(1)) - int(first.group(1)) + 1)


class WindowedCopy:
    """One sheet of `src`, checked and stored as small sheets of whole rows; then read
    back a small sheet at a time (see the module's docstring)."""

    def __init__(
        self, src: ZipSource, date1904: bool, name: str, part: str, loaders: int = 1
    ) -> None:
        self.src = src
        self.loaders = loaders
        self.date1904 = date1904
        self.name = name
        self.part = part
        self.extent: Extent | None = None
        self._count = 0
        self._path: str | None = None
        self._named = True  # whether _path is a name in the temp folder
        try:
            fd, self._path, self._named = open_temp_file("inq-window-", ".xlsx")
            self._fh: BinaryIO = os.fdopen(fd, "w+b")
        except OSError:  # no temp folder to write to: keep the copy in memory
            self._path = None
            self._fh = io.BytesIO()
        self._zip = StoredZip(self._fh)
        self._rels = copy_strings_and_styles(self._zip, src)
        self._spans: list[int | None] = []  # rows each small sheet spans, where its XML says
        self._last_row = 0  # the highest row number a row tag gives
        self._merged = False
        self._book: Any = None
        self._others: list[Any] = []  # more handles on the copy (windows())

    def fill(self) -> Extent:
        """Check the sheet and store it as small sheets (refused in one line if it is
        damaged or too large; then calamine never reads it)."""
        cutter = RowCutter(self.name, WINDOW)
        filename = self.src.path.name

        def copying() -> Iterator[bytes]:
            for piece in self.src.chunks(self.part):
                for rows in cutter.feed(piece):
                    self._store(cutter, rows)
                yield piece

        copy = copying()
        calls = [0]

        def read() -> Iterator[bytes]:
            calls[0] += 1
            return copy if calls[0] == 1 else self.src.chunks(self.part)

        self.extent = check_sheet(read, self.name, filename)
        for _rest in copy:  # what the fast pass left when it handed over to the exact one
            pass
        cutter.end()
        self._merged = cutter.seen
        sheets = [(f"w{i}", f"xl/worksheets/w{i}.xml") for i in range(self._count)]
        close_book(self._zip, sheets, self._rels, self.date1904)
        return self.extent

    def _store(self, cutter: RowCutter, rows: bytes) -> None:
        self._zip.add(f"xl/worksheets/w{self._count}.xml", cutter.sheet(rows))
        self._count += 1
        self._spans.append(_span(rows, cutter.p))
        last = _ROW_NUMBER.match(rows, max(0, last_row_start(rows, cutter.p)))
        if last is not None:
            self._last_row = max(self._last_row, int(last.group(1)))

    def windows(self) -> Iterator[tuple[int, list[list[Any]]]]:
        """(Excel row number of its first row, its rows from column A) per small sheet,
        in order; rows between are there, empty. NotWindowed when a window cannot stand
        for its rows. calamine lays out the next small sheets (without the GIL; on
        `loaders` handles at once, a sheet's parse, most of its read, is spread over the
        cores) while the caller works on this one; at most AHEAD per handle are held at
        once, within the reading budget."""
        import threading

        if self._merged or self.extent is None:
            raise NotWindowed(self.name)
        if self.extent.rows > self._last_row and all(s is not None for s in self._spans):
            # A cell below every row the tags number: its small sheet would be laid out
            # down to it, past what the reading budget allowed for it.
            raise NotWindowed(self.name)
        count = self._count
        handles = max(1, min(self.loaders, count)) if self._path is not None else 1
        first = self._open(keep_name=handles > 1)
        ready: dict[int, tuple[int, Any, BaseException | None]] = {}
        turn = threading.Condition()
        taken = [0]  # small sheets the caller has had
        budgeted = [0]  # small sheets that have taken their part of the reading budget
        stop = threading.Event()

        def load(k: int) -> None:
            try:
                book = first if k == 0 else self._another()
            except BaseException as exc:
                with turn:
                    ready[k] = (0, None, exc)
                    turn.notify_all()
                return
            for i in range(k, count, handles):
                # The budget is taken in window order (a later window holding it while
                # an earlier one waits for it would wait forever: the caller needs that one).
                with turn:
                    turn.wait_for(
                        lambda i=i: (
                            stop.is_set()  # type: ignore[misc]
                            or (i < taken[0] + AHEAD * handles and budgeted[0] == i)
                        )
                    )
                if stop.is_set():
                    return
                cells = self._cells(i)
                BUDGET.take(cells)
                with turn:
                    budgeted[0] = i + 1
                    turn.notify_all()
                try:
                    got: tuple[int, Any, BaseException | None] = (cells, self._load(book, i), None)
                except BaseException as exc:  # given to the reader, in its turn
                    BUDGET.give(cells)
                    got = (0, None, exc)
                with turn:
                    ready[i] = got
                    turn.notify_all()
                if got[2] is not None:
                    return

        loaders = [
            threading.Thread(target=load, args=(k,), name="inq-windows", daemon=True)
            for k in range(handles)
        ]
        for loader in loaders:
            loader.start()
        try:
            for i in range(count):
                with turn:
                    turn.wait_for(lambda i=i: i in ready)  # type: ignore[misc]
                    cells, sheet, error = ready.pop(i)
                if error is not None:
                    raise error
                try:
                    rows, start = self._rows(sheet)
                finally:
                    BUDGET.give(cells)
                    del sheet
                with turn:
                    taken[0] = i + 1
                    turn.notify_all()
                if rows:
                    yield start, rows
        finally:
            stop.set()
            with turn:
                turn.notify_all()
            for loader in loaders:
                loader.join()
            for cells, _sheet, _error in ready.values():  # parsed, never taken
                BUDGET.give(cells)
            ready.clear()
            self._unlink()

    def rows(self) -> list[list[Any]]:
        """The whole sheet's rows as Repack.rows gives them (to_python from A1, every row
        as wide as the sheet), put back together from the small sheets. NotWindowed when
        their rows overlap (rows out of order): only a whole read places those."""
        rows: list[list[Any]] = []
        runs: list[tuple[int, int, int]] = []  # (first index, end, width) of each run of rows
        for first, got in self.windows():
            at = first - 1
            if at < len(rows):
                raise NotWindowed(self.name)
            if at > len(rows):  # no value in the rows between two small sheets
                runs.append((len(rows), at, 0))
                rows.extend([] for _ in range(at - len(rows)))
            runs.append((at, at + len(got), max(map(len, got))))
            rows += got
        full = max((w for _a, _b, w in runs), default=0)
        for a, b, width in runs:
            if width < full:
                for i in range(a, b):
                    row = rows[i]
                    if len(row) < full:
                        row.extend([""] * (full - len(row)))
        return rows

    def _cells(self, i: int) -> int:
        """What small sheet i lays out at most (for the reading budget)."""
        assert self.extent is not None
        span = self._spans[i]
        whole = self.extent.cells
        return whole if span is None else min(whole, span * self.extent.cols)

    def _load(self, book: Any, i: int) -> Any:
        from inquiry_cli.workbook.native import guard

        with guard(f"{self.src.path.name}: sheet {self.name!r}"):
            return book.get_sheet_by_name(f"w{i}")

    def _rows(self, sheet: Any) -> tuple[list[list[Any]], int]:
        """A small sheet's rows from column A, and the Excel row number of the first."""
        from inquiry_cli.workbook.native import guard

        with guard(f"{self.src.path.name}: sheet {self.name!r}"):
            rows = sheet.to_python(skip_empty_area=True) if sheet.height else []
            start = sheet.start
        if not rows or start is None:
            return [], 0
        first, col = start
        if col:  # (the window's cells all start right of column A)
            pad = [""] * col
            rows = [pad + row for row in rows]
        return rows, first + 1

    def _open(self, keep_name: bool = False) -> Any:
        """The calamine workbook on the copy; its name goes once calamine holds it open
        (POSIX), unless `keep_name`: another handle is still to be opened (_another)."""
        from python_calamine import CalamineWorkbook

        from inquiry_cli.workbook.native import guard

        if self._book is not None:
            return self._book
        self._fh.flush()
        with guard(f"{self.src.path.name}: the workbook"):
            if self._path is None:
                self._book = CalamineWorkbook.from_filelike(io.BytesIO(self._fh.getvalue()))  # type: ignore[attr-defined]
            else:
                self._book = CalamineWorkbook.from_path(self._path)
        if os.name == "posix" and not keep_name:  # calamine holds it open: the name can go
            self._unlink()
        return self._book

    def _another(self) -> Any:
        """One more calamine handle on the copy (closed with the first), then its name goes."""
        from python_calamine import CalamineWorkbook

        from inquiry_cli.workbook.native import guard

        assert self._path is not None
        with guard(f"{self.src.path.name}: the workbook"):
            book = CalamineWorkbook.from_path(self._path)
        self._others.append(book)
        if os.name == "posix":
            self._unlink()
        return book

    def _unlink(self) -> None:
        if self._path is not None:
            if self._named:
                with suppress(OSError):
                    os.unlink(self._path)
            self._path = None

    def close(self) -> None:
        for other in self._others:
            with suppress(Exception):
                other.close()
        self._others.clear()
        if self._book is not None:
            with suppress(Exception):
                self._book.close()
            self._book = None
        with suppress(Exception):
            self._fh.close()
        self._unlink()

    def __enter__(self) -> WindowedCopy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
