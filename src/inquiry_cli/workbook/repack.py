"""python-calamine reads a stored copy of the parts inq has checked, never the user's zip.

Each sheet is inflated once (ISA-L, never past its declared size), its extent checked a
megabyte at a time on the way (extent.py), and written uncompressed into a temporary
.xlsx beside the shared strings and styles, under a workbook.xml and relationships inq
writes itself. calamine then reads that file without inflating anything (its own inflate
costs more than the whole check) and sees no part inq has not vetted: no relationship
that points elsewhere, no styles with a DOCTYPE, no sheet whose box was not measured.

The copy lives in the temp folder only while calamine reads it (on POSIX it is unlinked
as soon as calamine has it open); if no temp file can be made it is built in memory.
"""

from __future__ import annotations

import io
import os
import struct
import threading
from contextlib import suppress
from typing import Any, BinaryIO

from inquiry_cli.errors import WorkbookUnreadable
from inquiry_cli.workbook.extent import CELL_LIMIT, Extent, check_sheet
from inquiry_cli.workbook.ooxml import ZipSource, crc32, is_shared_strings
from inquiry_cli.workbook.tempfiles import open_temp_file


def _attr(text: str) -> str:
    """An XML attribute value in double quotes (saxutils would import ssl to do this)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return '"' + escaped.replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;") + '"'


_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class _Budget:
    """How many cells calamine may be laying out at once, across threads and reads: two
    sheets each just under the limit are read one after the other, not side by side."""

    def __init__(self, cells: int) -> None:
        self._free = cells
        self._cond = threading.Condition()

    def take(self, cells: int) -> None:
        with self._cond:
            while self._free < cells and self._free < CELL_LIMIT:
                self._cond.wait()
            self._free -= cells

    def give(self, cells: int) -> None:
        with self._cond:
            self._free += cells
            self._cond.notify_all()


BUDGET = _Budget(CELL_LIMIT)


class StoredZip:
    """A zip of stored (uncompressed) entries, laid out front to back; an entry's bytes
    may be written later, into the room `reserve` left for them."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self._pos = 0
        self._central: list[bytes] = []

    def _write(self, data: bytes) -> None:
        self._fh.seek(self._pos)
        self._fh.write(data)
        self._pos += len(data)

    def _header(self, name: str, size: int, crc: int, method: int = 0, packed: int = -1) -> None:
        raw = name.encode("utf-8")
        packed = size if packed < 0 else packed
        self._central.append(
            _CENTRAL.pack(
                0x02014B50,
                20,
                20,
                0x800,
                method,
                0,
                0x21,
                crc,
                packed,
                size,
                len(raw),
                0,
                0,
                0,
                0,
                0,
                self._pos,
            )
            + raw
        )
        self._write(
            _LOCAL.pack(0x04034B50, 20, 0x800, method, 0, 0x21, crc, packed, size, len(raw), 0)
        )
        self._write(raw)

    def copy(self, name: str, info: Any, raw: bytes) -> None:
        """An entry copied as stored in the original (deflated or not): calamine inflates
        it, never past the size it declares."""
        self._header(name, info.file_size, info.CRC, info.compress_type, len(raw))
        self._write(raw)

    def add(self, name: str, data: bytes) -> None:
        self._header(name, len(data), crc32(data))
        self._write(data)

    def reserve(self, name: str, size: int, crc: int) -> int:
        """An entry whose `size` bytes come later: the offset they go to."""
        self._header(name, size, crc)
        at = self._pos
        self._pos += size
        return at

    def close(self) -> None:
        start = self._pos
        for record in self._central:
            self._write(record)
        n = len(self._central)
        self._write(_END.pack(0x06054B50, 0, 0, n, n, self._pos - start, start, 0))
        self._fh.flush()


def _packed(src: ZipSource, part: str) -> tuple[Any, bytes]:
    from inquiry_cli.workbook.ooxml import part_problem

    info = src.info(part)
    problem = part_problem(info)
    if problem is not None:  # (probe() refuses these first; here for direct callers)
        raise WorkbookUnreadable(f"{src.path.name} cannot be read ({problem})")
    return info, src.raw(info)


def copy_strings_and_styles(zip_: StoredZip, src: ZipSource) -> str:
    """The shared strings and styles of `src` into the copy, as they are packed (probe()
    has checked their sizes and DOCTYPE-free prologs, and calamine inflates them faster
    than we can copy them inflated); the workbook relationships naming them."""
    sst = next((n for n in src.by_name if is_shared_strings(n)), None)
    styles = next((n for n in src.by_name if n.lower().endswith("/styles.xml")), None)
    rels = ""
    if styles is not None:
        zip_.copy("xl/styles.xml", *_packed(src, styles))
        rels += f'<Relationship Id="rIdY" Type="{_REL}/styles" Target="styles.xml"/>'
    if sst is not None:
        zip_.copy("xl/sharedStrings.xml", *_packed(src, sst))
        rels += f'<Relationship Id="rIdT" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    return rels


def close_book(zip_: StoredZip, sheets: list[tuple[str, str]], rels: str, date1904: bool) -> None:
    """The workbook part, relationships and content types of a copy holding `sheets`
    ((sheet name, entry) each, entries under xl/worksheets/), then its directory."""
    entries = ""
    overrides = ""
    for i, (name, entry) in enumerate(sheets):
        target = entry.removeprefix("xl/")
        entries += f'<sheet name={_attr(name)} sheetId="{i + 1}" r:id="rIdS{i}"/>'
        rels += f'<Relationship Id="rIdS{i}" Type="{_REL}/worksheet" Target="{target}"/>'
        overrides += f'<Override PartName="/{entry}" ContentType="{_CT}.worksheet+xml"/>'
    pr = ' date1904="1"' if date1904 else ""
    zip_.add(
        "xl/workbook.xml",
        (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
            f'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{_REL}"><workbookPr{pr}/>'
            f"<sheets>{entries}</sheets></workbook>"
        ).encode(),
    )
    zip_.add(
        "xl/_rels/workbook.xml.rels",
        (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            f'openxmlformats.org/package/2006/relationships">{rels}</Relationships>'
        ).encode(),
    )
    zip_.add(
        "_rels/.rels",
        (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
    )
    zip_.add(
        "[Content_Types].xml",
        (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxml'
            'formats.org/package/2006/content-types"><Default Extension="rels" ContentType='
            '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension'
            f'="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            f'ContentType="{_CT}.sheet.main+xml"/>{overrides}</Types>'
        ).encode(),
    )
    zip_.close()


class Repack:
    """One calamine handle on a checked copy of some sheets of `src` (one per thread).

    The copy is laid out at once (shared strings, styles, workbook parts, room for each
    sheet, the directory), so calamine can open it (parsing the shared strings, without
    the GIL) on a thread of its own while the sheets are checked and written into their
    room; calamine reads a sheet only once it is all there and checked.
    """

    def __init__(self, src: ZipSource, date1904: bool, sheets: list[tuple[str, str]]) -> None:
        self.src = src
        self.date1904 = date1904
        self.extents: dict[str, Extent] = {}
        self._path: str | None = None
        self._named = True  # whether _path is a name in the temp folder
        try:
            fd, self._path, self._named = open_temp_file("inq-read-", ".xlsx")
            self._fh: BinaryIO = os.fdopen(fd, "w+b")
        except OSError:  # no temp folder to write to: keep the copy in memory
            self._path = None
            self._fh = io.BytesIO()
        self._zip = StoredZip(self._fh)
        self._room: dict[str, tuple[str, int, int]] = {}  # name -> (part, offset, size)
        self._book: Any = None
        self._opening: threading.Thread | None = None
        self._open_error: BaseException | None = None
        self._lay_out(sheets)
        if self._path is not None:
            self._opening = threading.Thread(target=self._open, name="inq-open", daemon=True)
            self._opening.start()

    def _lay_out(self, sheets: list[tuple[str, str]]) -> None:
        rels = copy_strings_and_styles(self._zip, self.src)
        inner: list[tuple[str, str]] = []
        for i, (name, part) in enumerate(sheets):
            info = self.src.info(part)
            entry = f"xl/worksheets/s{i}.xml"
            at = self._zip.reserve(entry, info.file_size, info.CRC)
            self._room[name] = (part, at, info.file_size)
            inner.append((name, entry))
        close_book(self._zip, inner, rels, self.date1904)

    def _open(self) -> None:
        from inquiry_cli.workbook.native import guard

        try:
            from python_calamine import CalamineWorkbook

            assert self._path is not None  # laid out before it is opened
            with guard(f"{self.src.path.name}: the workbook"):
                self._book = CalamineWorkbook.from_path(self._path)
            if os.name == "posix":  # calamine holds it open: the name can go now
                self._unlink()
        except BaseException as exc:  # given to whoever reads a sheet
            self._open_error = exc

    def fill(self, name: str) -> Extent:
        """Check the sheet and write it into its room (refused in one line if it is
        damaged or too large; then calamine never reads it)."""
        part, at, size = self._room[name]
        written = [0]
        lock = threading.Lock()

        def copying():
            for piece in self.src.chunks(part):
                with lock:
                    self._fh.seek(at + written[0])
                    self._fh.write(piece)
                written[0] += len(piece)
                yield piece

        copy = copying()
        calls = [0]

        def read():
            calls[0] += 1
            return copy if calls[0] == 1 else self.src.chunks(part)

        found = check_sheet(read, name, self.src.path.name)
        for _rest in copy:  # what the fast pass left when it handed over to the exact one
            pass
        self._fh.flush()
        if written[0] != size:  # (chunks() checks the size; this is the copy's own check)
            raise WorkbookUnreadable(f"{self.src.path.name}: sheet {name!r} is damaged")
        self.extents[name] = found
        return found

    def book(self) -> Any:
        """The calamine workbook on the copy."""
        if self._opening is not None:
            self._opening.join()
            self._opening = None
        if self._open_error is not None:
            raise self._open_error
        if self._book is None:  # kept in memory: it can only be opened once filled
            from python_calamine import CalamineWorkbook

            self._book = CalamineWorkbook.from_filelike(io.BytesIO(self._fh.getvalue()))  # type: ignore[attr-defined]
        return self._book

    def rows(self, name: str) -> list[list[Any]]:
        """The sheet as python-calamine's to_python(skip_empty_area=False) gives it."""
        from inquiry_cli.workbook.native import guard

        cells = self.extents[name].cells
        BUDGET.take(cells)
        try:
            with guard(f"{self.src.path.name}: sheet {name!r}"):
                sheet = self.book().get_sheet_by_name(name)
                return fill_down_merges(
                    sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges
                )
        finally:
            BUDGET.give(cells)

    def _unlink(self) -> None:
        if self._path is not None:
            if self._named:
                with suppress(OSError):
                    os.unlink(self._path)
            self._path = None

    def close(self) -> None:
        if self._opening is not None:
            self._opening.join()
            self._opening = None
        if self._book is not None:
            with suppress(Exception):
                self._book.close()
            self._book = None
        with suppress(Exception):
            self._fh.close()
        self._unlink()

    def __enter__(self) -> Repack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def fill_down_merges(rows: list[list[Any]], merges: Any) -> list[list[Any]]:
    """A cell merged down over several rows (a company over its two contacts' rows) gives
    its value to each of them, as the user sees it; merges across columns (a title over
    the header) are left as they are. Read only: writes never touch merged cells."""
    for merge in merges or ():
        try:
            (r1, c1), (r2, c2) = merge
        except (TypeError, ValueError):
            continue
        if r2 <= r1 or c1 != c2 or r1 >= len(rows) or c1 >= len(rows[r1]):
            continue
        value = rows[r1][c1]
        if value in ("", None):
            continue
        for r in range(r1 + 1, min(r2, len(rows) - 1) + 1):
            row = rows[r]
            if c1 < len(row) and row[c1] in ("", None):
                row[c1] = value
    return rows
