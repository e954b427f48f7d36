"""Prove the new file holds the old cells plus the declared changes, with a second reader.

The patcher splices XML; python-calamine (a separate Rust parser) reads the result. Parts
the patch did not declare must be byte-identical (checked through the new zip's own
directory), so only changed sheets need a cell comparison. A big sheet is compared by
window: the bytes before and after the changed rows are shown identical to the original,
and calamine reads just the changed rows, old and new, in a small throwaway workbook.

Dates are compared as Excel's serial numbers, and as dates: a cell that would show a date
where a number was declared (or a number where a date was) fails the check. The kind of
a declared cell's format is read here from the new file's own stylesheet, not taken from
the patcher (nor from calamine, which counts an mc:AlternateContent <xf> twice).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from lxml import etree

from inquiry_cli.contract.changes import CellValue
from inquiry_cli.errors import FidelityError, InqError, WorkbookUnreadable
from inquiry_cli.workbook.condensed import PIECE, Inserted
from inquiry_cli.workbook.extent import CELL_LIMIT, check_sheet
from inquiry_cli.workbook.ooxml import (
    ZipSource,
    crc32,
    rels_name,
    resolve_target,
    stream_inflates_to,
)
from inquiry_cli.workbook.sheetxml import excel_serial
from inquiry_cli.workbook.spliced import Spliced
from inquiry_cli.workbook.styles import BUILTIN_DATES, is_date_code
from inquiry_cli.workbook.xlsxpatch import Patched

# Sheets with less XML than this are compared whole (both files read by calamine)...
FULL_COMPARE_LIMIT = 2_000_000
# ...unless a far cell makes calamine's box bigger than this (two are read at once).
WHOLE_COMPARE_CELLS = 1_000_000

Cells = dict[tuple[int, int], Any]


def _norm(value: Any, date1904: bool) -> Any:
    """One comparable form for what calamine reads and what the change set declared:
    ("n", number), ("d", serial) for a date or time, ("b", bool), ("s", text)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float, Decimal)):
        return ("n", float(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return ("d", excel_serial(value, date1904))
    if isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return ("d", seconds / 86400)
    if isinstance(value, dt.timedelta):
        return ("d", value.total_seconds() / 86400)
    if isinstance(value, str):
        return ("s", value)
    return ("o", repr(value))


def _same(a: Any, b: Any, kind: bool = True) -> bool:
    """Equal values; a number and a date of the same serial are equal unless `kind`."""
    if a is None or b is None:
        return a is b
    if a[0] in "nd" and b[0] in "nd" and (a[0] == b[0] or not kind):
        return math.isclose(a[1], b[1], rel_tol=1e-9, abs_tol=1e-6)
    return a == b


def _shown(v: Any) -> str:
    """A normalised value as a message shows it."""
    if v is None:
        return "'empty'"
    return f"a date ({v[1]!r})" if v[0] == "d" else repr(v[1])


def _cells(grid: tuple[list[list[Any]], tuple[int, int] | None], date1904: bool) -> Cells:
    """Non-empty cells of a calamine read (rows, start), by 1-based (row, col)."""
    rows, start = grid
    if not rows or start is None:
        return {}
    r0, c0 = start
    out: Cells = {}
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            v = _norm(value, date1904)
            if v is not None:
                out[(r0 + i + 1, c0 + j + 1)] = v
    return out


def _changed_rows(
    a: list[list[Any]],
    b: list[list[Any]],
    declared: dict[tuple[int, int], CellValue],
    date1904: bool,
    moved: dict[int, int],
) -> tuple[Cells, Cells]:
    """The cells of the rows that differ in any way, or hold a declared change.

    Whole rows are compared as calamine read them (list equality runs in C); only rows
    that differ, or that the change set names, are normalised cell by cell. A row equal
    as read is equal cell for cell, so nothing escapes the check.
    """
    rows = {r for r, _c in declared} | set(moved) | set(moved.values())
    before: Cells = {}
    after: Cells = {}
    for i in range(max(len(a), len(b))):
        ra = a[i] if i < len(a) else []
        rb = b[i] if i < len(b) else []
        if ra == rb and i + 1 not in rows:
            continue
        for cells, row in ((before, ra), (after, rb)):
            for j, value in enumerate(row):
                v = _norm(value, date1904)
                if v is not None:
                    cells[(i + 1, j + 1)] = v
    return before, after


def _moved(sheet: str, before: Cells, moved: dict[int, int]) -> Cells:
    """The old cells where a row move puts them: a moved row's cells at its new number.
    A row may only move onto one that was empty (or that moves away itself)."""
    if not moved:
        return before
    out = {key: v for key, v in before.items() if key[0] not in moved}
    for (row, col), v in before.items():
        if row in moved:
            key = (moved[row], col)
            if key in out:
                raise FidelityError(
                    f"check failed: {sheet} row {row} would move onto row {moved[row]}, "
                    "which holds cells of its own; the workbook was not changed"
                )
            out[key] = v
    return out


def _compare(
    sheet: str,
    before: Cells,
    after: Cells,
    declared: dict[tuple[int, int], CellValue],
    date1904: bool,
    moved: dict[int, int] | None = None,
) -> None:
    expected = _moved(sheet, before, moved or {})
    for key, value in declared.items():
        v = _norm(value, date1904)
        if v is None:
            expected.pop(key, None)
        else:
            expected[key] = v
    for key in sorted(set(expected) | set(after)):
        # A declared cell's kind is checked against its format (_check_kinds): calamine
        # may read its format wrongly (see the module docstring), never its number.
        if not _same(expected.get(key), after.get(key), kind=key not in declared):
            row, col = key
            what = "declared" if key in declared else "untouched"
            raise FidelityError(
                f"check failed: {sheet} row {row} column {col} ({what}) would be "
                f"{_shown(after.get(key))} instead of {_shown(expected.get(key))}; "
                "the workbook was not changed"
            )


def _date_formats(styles_xml: bytes | None) -> list[bool | None]:
    """Per cell format (cellXfs entry): True if it shows dates, False if numbers, None if
    its mc:AlternateContent branches disagree. An AlternateContent is one entry."""
    if styles_xml is None:
        return []
    root = etree.fromstring(styles_xml)
    codes = {
        el.get("numFmtId", ""): el.get("formatCode", "")
        for numfmts in root.iterfind("{*}numFmts")
        for el in numfmts.iter("{*}numFmt")
    }
    out: list[bool | None] = []
    for xfs in root.iterfind("{*}cellXfs"):
        for entry in xfs:
            local = etree.QName(entry).localname if isinstance(entry.tag, str) else ""
            if local == "xf":
                branches = [entry]
            elif local == "AlternateContent":
                branches = list(entry.iter("{*}xf"))
            else:
                continue
            kinds = set()
            for xf in branches:
                fmt = (xf.get("numFmtId") or "0").strip()
                kinds.add(
                    (fmt.isdigit() and int(fmt) in BUILTIN_DATES)
                    or (fmt in codes and is_date_code(codes[fmt]))
                )
            out.append(kinds.pop() if len(kinds) == 1 else None)
    return out


def _styles_xml(tmp: ZipSource, main: str) -> bytes | None:
    """The new file's stylesheet, found through its workbook relationships."""
    rels = tmp.read(rels_name(main))
    for el in etree.fromstring(rels).iter("{*}Relationship"):
        if el.get("Type", "").endswith("/styles"):
            part = resolve_target(main, el.get("Target", ""))
            return tmp.read(part) if tmp.has(part) else None
    return None


def _check_kinds(
    sheet: str,
    xml: bytes,
    p: bytes,
    declared: dict[tuple[int, int], CellValue],
    formats: list[bool | None],
) -> None:
    """Each declared date has a date format, each declared number a number format."""
    wanted: dict[bytes, bool] = {}
    for (row, col), value in declared.items():
        if isinstance(value, (dt.date, dt.datetime)):
            wanted[_ref(row, col)] = True
        elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            wanted[_ref(row, col)] = False
    if not wanted:
        return
    pattern = re.compile(
        rb"<" + re.escape(p) + rb"c\s[^>]*?\br\s*=\s*[\"'](" + b"|".join(wanted) + rb")[\"'][^>]*>"
    )
    seen: dict[bytes, int] = {}
    for start, end in _row_spans(xml, p, {row for row, _col in declared}):
        for m in pattern.finditer(xml, start, end):
            s = re.search(rb"""(?:^|\s)s\s*=\s*["'](\d*)["']""", m.group()[2 + len(p) :])
            seen[m.group(1)] = int(s.group(1)) if s and s.group(1) else 0
    for ref, is_date in wanted.items():
        where = f"{sheet}!{ref.decode()}"
        if ref not in seen:
            raise FidelityError(f"check failed: {where} is not in the new file")
        index = seen[ref]
        shows = formats[index] if index < len(formats) else False
        if shows is not is_date:
            held, shown = ("a date", "a number") if is_date else ("a number", "a date")
            raise FidelityError(
                f"check failed: {where} would hold {held} that shows as {shown} (its cell "
                f"format {index} is not {'a date' if is_date else 'a number'} format); "
                "the workbook was not changed"
            )


def _row_spans(xml: bytes, p: bytes, rows: set[int]) -> list[tuple[int, int]]:
    """Where rows `rows` are in the sheet XML (a byte search: a 2 MB sheet is not
    scanned cell by cell); the whole XML for a row not found that way."""
    spans = []
    for row in sorted(rows):
        at = xml.find(b'<%srow r="%d"' % (p, row))
        if at < 0:
            m = re.search(rb"<" + re.escape(p) + rb"row\s[^>]*?\br\s*=\s*[\"']%d[\"']" % row, xml)
            at = m.start() if m else -1
        if at < 0:
            return [(0, len(xml))]
        end = xml.find(b"</%srow>" % p, at)
        spans.append((at, len(xml) if end < 0 else end))
    return spans


def _ref(row: int, col: int) -> bytes:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}".encode()


def _common_prefix(a: bytes | Spliced, a0: int, b: bytes | Spliced, b0: int, n: int) -> int:
    """How many bytes a[a0:] and b[b0:] share at the start (at most n), by 1 MB blocks."""
    lo, step = 0, 1 << 20
    while lo < n:
        k = min(step, n - lo)
        if a[a0 + lo : a0 + lo + k] != b[b0 + lo : b0 + lo + k]:
            break
        lo += k
    else:
        return n
    hi = min(lo + step, n)
    while hi - lo > 32:
        mid = (lo + hi) // 2
        if a[a0 + lo : a0 + mid] == b[b0 + lo : b0 + mid]:
            lo = mid
        else:
            hi = mid
    while lo < hi and a[a0 + lo] == b[b0 + lo]:
        lo += 1
    return lo


def _common_suffix(a: bytes | Spliced, a1: int, b: bytes | Spliced, b1: int, n: int) -> int:
    """How many bytes a[:a1] and b[:b1] share at the end (at most n)."""
    lo, step = 0, 1 << 20
    while lo < n:
        k = min(step, n - lo)
        if a[a1 - lo - k : a1 - lo] != b[b1 - lo - k : b1 - lo]:
            break
        lo += k
    else:
        return n
    hi = min(lo + step, n)
    while hi - lo > 32:
        mid = (lo + hi) // 2
        if a[a1 - mid : a1 - lo] == b[b1 - mid : b1 - lo]:
            lo = mid
        else:
            hi = mid
    while lo < hi and a[a1 - lo - 1] == b[b1 - lo - 1]:
        lo += 1
    return lo


_ROOT = re.compile(rb"<([\w.-]+:)?worksheet[\s>/]")


def _root(xml: bytes | Spliced) -> tuple[bytes, int] | None:
    """(namespace prefix, offset) of the first <worksheet> start tag; in a Spliced, found
    by its name and read around it (a comment before it may say anything)."""
    if isinstance(xml, bytes):
        m = _ROOT.search(xml)
        return (m.group(1) or b"", m.start()) if m else None
    at = 0
    while (i := xml.find(b"worksheet", at)) >= 0:
        lo = max(0, i - 256)
        for m in _ROOT.finditer(xml[lo : i + 10]):
            if lo + m.end() - 1 == i + 9:  # (this very name, not an earlier one)
                return m.group(1) or b"", lo + m.start()
        at = i + 1
    return None


class _Sheet:
    """sheetData bounds of one worksheet XML, found without the patcher's code."""

    def __init__(self, xml: bytes | Spliced) -> None:
        found = _root(xml)
        if found is None:
            raise FidelityError("check failed: a changed sheet is not a worksheet any more")
        self.xml = xml
        self.p, start = found
        self.root_tag = xml[start : xml.index(b">", start) + 1]
        at = xml.find(b"<" + self.p + b"sheetData")
        if at < 0:
            raise FidelityError("check failed: a changed sheet lost its cell data")
        gt = xml.index(b">", at) + 1
        if xml[gt - 2 : gt] == b"/>":
            self.start = self.end = gt
            self.head, self.tail = xml[:at], xml[gt:]
        else:
            self.start = gt
            self.end = xml.rindex(b"</" + self.p + b"sheetData>")
            self.head = xml[:at]
            self.tail = xml[self.end + len(self.p) + 12 :]
        self.row = b"<" + self.p + b"row"

    def is_row(self, i: int) -> bool:
        buf, n = self.xml, len(self.row)
        return (
            self.start <= i < self.end
            and buf[i : i + n] == self.row
            and buf[i + n : i + n + 1] in (b" ", b">", b"/", b"\t", b"\n", b"\r")
        )

    def row_start_before(self, pos: int) -> int:
        """Start of the row holding `pos` (or of sheetData)."""
        while True:
            i = self.xml.rfind(self.row, self.start, pos + 1)
            if i < 0:
                return self.start
            if self.is_row(i):
                return i
            pos = i - 1

    def row_start_after(self, pos: int) -> int:
        """Start of the first row at or after `pos` (or the end of sheetData)."""
        while True:
            i = self.xml.find(self.row, pos, self.end)
            if i < 0:
                return self.end
            if self.is_row(i):
                return i
            pos = i + 1


def _row_numbers(sheet: _Sheet, buf: bytes) -> list[int] | None:
    """r= of every row tag in buf; None if a row has no number (implicit numbering)."""
    out = []
    for m in re.finditer(re.escape(sheet.row) + rb"[\s>/][^>]*>", buf):
        r = re.search(rb'\br="(\d+)"', m.group())
        if r is None:
            return None
        out.append(int(r.group(1)))
    return out


def _windows(old: _Sheet, new: _Sheet, declared_rows: set[int]) -> tuple[bytes, bytes] | None:
    """The changed rows, old and new; None when the sheet must be compared whole.

    Offsets are relative to each sheet's sheetData content; nothing big is copied.
    """
    a, b = old.xml, new.xml
    la, lb = old.end - old.start, new.end - new.start
    pre = _common_prefix(a, old.start, b, new.start, min(la, lb))
    suf = _common_suffix(a, old.end, b, new.end, min(la, lb) - pre)
    if (pre == la and pre == lb) or (
        new.is_row(new.start + pre) and (pre == la or old.is_row(old.start + pre))
    ):
        start = pre  # the change starts on a row boundary (e.g. rows appended at the end)
    else:
        start = old.row_start_before(old.start + pre) - old.start
    end_a = old.row_start_after(old.end - suf) - old.start
    end_b = lb - (la - end_a)
    if end_b < start or (start < end_b and not new.is_row(new.start + start)):
        return None
    if end_b < lb and not new.is_row(new.start + end_b):
        return None
    span: tuple[int, int, int, int] | None = (start, end_a, start, end_b)
    for _ in range(2):  # (twice at most: with the declared rows the bytes left alike)
        assert span is not None
        lo_a, hi_a, lo_b, hi_b = span
        win_a = a[old.start + lo_a : old.start + hi_a]
        win_b = b[new.start + lo_b : new.start + hi_b]
        next_row = a[old.start + hi_a : old.row_start_after(old.start + hi_a + 1)]
        rows_a, rows_b = _row_numbers(old, win_a), _row_numbers(new, win_b)
        if rows_a is None or rows_b is None or _row_numbers(old, next_row) is None:
            return None
        missing = declared_rows - set(rows_b)
        if not missing:
            return win_a, win_b
        span = _with_rows(old, new, span, missing)
        if span is None:
            return None
    return None


def _with_rows(
    old: _Sheet, new: _Sheet, span: tuple[int, int, int, int], rows: set[int]
) -> tuple[int, int, int, int] | None:
    """The window `span` (old start, old end, new start, new end) grown to hold these
    rows, which lie where the two sheets are alike (a change that wrote what a cell held
    already: a second log of the day sets Last contact to the same date); None when one
    cannot be found, or lies inside the window."""
    lo_a, hi_a, lo_b, hi_b = span
    shift = (new.end - new.start) - (old.end - old.start)  # (the alike end: new - old)
    changed = hi_a > lo_a or hi_b > lo_b
    found: list[tuple[int, int]] = [(lo_b, hi_b)] if changed else []
    for number in rows:
        at = _row_at(new, number)
        if at is None or not (at[1] <= lo_b or at[0] >= hi_b):
            return None
        found.append(at)
    start, end = min(s for s, _e in found), max(e for _s, e in found)

    def in_old(x: int, lowest: bool) -> int:
        if changed and x == (lo_b if lowest else hi_b):
            return lo_a if lowest else hi_a
        return x if x <= lo_b else x - shift

    return in_old(start, True), in_old(end, False), start, end


def _row_at(sheet: _Sheet, number: int) -> tuple[int, int] | None:
    """Where the row numbered `number` starts and ends, from the start of the cell data
    (a cell's reference has its column letters: `r="7"` is only ever a row's)."""
    xml, needle = sheet.xml, b'r="%d"' % number
    at = xml.find(needle, sheet.start, sheet.end)
    while at >= 0:
        lt = xml.rfind(b"<", sheet.start, at)
        if lt >= 0 and sheet.is_row(lt) and b">" not in xml[lt:at]:
            return lt - sheet.start, sheet.row_start_after(at) - sheet.start
        at = xml.find(needle, at + 1, sheet.end)
    return None


def _mini_cells(
    src: ZipSource,
    tmp: ZipSource,
    windows: dict[str, bytes],
    sheet: _Sheet,
    date1904: bool,
) -> dict[str, Cells]:
    """Read row windows with calamine, in a tiny workbook sharing the real styles/strings."""
    from inquiry_cli.workbook.miniwb import read_sheets

    names = list(windows)
    sheets = read_sheets(src, tmp, sheet.root_tag, sheet.p, list(windows.values()), date1904)
    return {
        name: _cells((ws.to_python(skip_empty_area=True), ws.start), date1904)
        for name, ws in zip(names, sheets, strict=True)
    }


def _open_workbook(path: Path, suffix: str) -> Any:
    """python-calamine picks its parser by the file's extension; with another one (the
    temp file's .tmp) it guesses, and a failure then only says "Cannot detect file
    format". So a temp file is opened through a hard link named like the workbook."""
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return CalamineWorkbook.from_path(str(path))
    alias = path.with_name(path.name + suffix)
    try:
        alias.unlink(missing_ok=True)  # left by a run that was killed
        os.link(path, alias)
    except OSError:  # no hard links here (FAT): let calamine guess
        return CalamineWorkbook.from_path(str(path))
    try:
        return CalamineWorkbook.from_path(str(alias))
    finally:
        alias.unlink(missing_ok=True)  # calamine keeps its own handle on the file


class _Reader:
    """calamine workbooks opened on demand (opening parses all shared strings).

    A failure is blamed where it lies: if the original cannot be read either, the
    workbook is unreadable as it is (WorkbookUnreadable), else the new file is wrong.
    """

    def __init__(self, original: Path, temp: Path) -> None:
        self.paths = {"old": original, "new": temp}
        self.suffix = original.suffix.lower() if original.suffix.lower() == ".xlsm" else ".xlsx"
        self.open: dict[str, Any] = {}

    def _read(self, which: str, name: str | None, skip_empty: bool) -> Any:
        if which not in self.open:
            self.open[which] = _open_workbook(self.paths[which], self.suffix)
        if name is None:
            return None
        sheet = self.open[which].get_sheet_by_name(name)
        return sheet.to_python(skip_empty_area=skip_empty), sheet.start

    def grid(self, which: str, name: str, skip_empty: bool = False, new_sheet: bool = False) -> Any:
        """(rows, start) of a sheet as calamine reads it (`new_sheet`: one the write adds)."""
        try:
            return self._read(which, name, skip_empty)
        except Exception as exc:
            where = f"sheet {name!r}: " if which in self.open else ""
            if which == "old":
                self._unreadable(f"{where}{exc}")
            try:  # the original may fail alike (a quirk the patch kept): blame it then
                self._read("old", name if where and not new_sheet else None, skip_empty)
            except Exception as original_exc:
                self._unreadable(f"{where}{original_exc}")
            what = f"its {where[:-2]} cannot be read" if where else "does not open"
            raise FidelityError(
                f"check failed: the new file {what} ({exc}); the workbook was not changed"
            ) from None

    def _unreadable(self, detail: str) -> NoReturn:
        name = self.paths["old"].name
        raise WorkbookUnreadable(
            f"{name} cannot be read as it is ({detail}); nothing was written: open it in "
            "Excel, save it, and retry"
        )


def _new_part(tmp: ZipSource, patched: Patched, name: str) -> bytes | Spliced | Inserted:
    """A new part's XML: a big one as it was deflated into the file (proved by inflating
    the file's bytes back against it: _round_trip, awaited at the end), else read back."""
    if name in patched.packed:
        return patched.replaced[name] if name in patched.replaced else patched.added[name]
    return tmp.read(name)


def verify(original: Path, temp: Path, src: ZipSource, patched: Patched) -> None:
    """Raise FidelityError unless `temp` equals `original` plus exactly the declared changes."""
    from inquiry_cli.workbook.native import guard

    try:
        with guard(f"{original.name}: a changed sheet"):  # (a Rust panic: one line)
            _verify(original, temp, src, patched)
    except WorkbookUnreadable as exc:
        if temp.name not in str(exc):  # the original's own damage: its one line
            raise
        # The new file's damage (a disk or memory fault): not the user's to repair.
        raise FidelityError(
            "check failed: the new file could not be read back (it is damaged as written); "
            "the workbook was not changed"
        ) from None
    except InqError:  # FidelityError, ...
        raise
    except Exception as exc:
        raise FidelityError(f"check failed: the new file could not be read back ({exc})") from None


def _verify(original: Path, temp: Path, src: ZipSource, patched: Patched) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ZipSource(temp) as tmp, ThreadPoolExecutor(max_workers=2) as pool:
        checks = []
        if patched.packed <= set(tmp.by_name):  # (else the parts check below says so)
            checks = [pool.submit(_round_trip, src, tmp, patched, name) for name in patched.packed]
        _verify_parts(original, temp, src, patched, tmp)
        for check in checks:
            check.result()  # raises FidelityError if a part does not inflate back


def _round_trip(src: ZipSource, tmp: ZipSource, patched: Patched, name: str) -> None:
    """A big part as the file holds it inflates to exactly the XML it was deflated from
    (read from the file a piece at a time: neither copy is held again)."""
    xml = patched.replaced[name] if name in patched.replaced else patched.added[name]
    info = tmp.by_name[name]
    if isinstance(xml, Inserted):
        _inserted_trip(src, tmp, name, xml)
        return
    if not stream_inflates_to(tmp.raw_chunks(info), xml):
        raise FidelityError(f"check failed: {name} does not decompress to what was written")
    if (info.file_size, info.CRC) != (len(xml), crc32(xml)):  # (what Excel checks on opening)
        raise FidelityError(f"check failed: {name} has the wrong size or CRC-32 in the file")


def _inserted_trip(src: ZipSource, tmp: ZipSource, name: str, part: Inserted) -> None:
    """A condensed sheet as the new file holds it is the new head and tail that the check
    compares (_verify_parts) with the original's own middle between them, and the
    original is the old head and tail with that middle: both files' parts are inflated
    side by side, the original's on a thread of its own, and compared byte for byte in
    pieces that line up (neither part is ever held whole)."""
    from concurrent.futures import ThreadPoolExecutor

    cond, new = part.cond, part.new
    info = tmp.by_name[name]
    if (info.file_size, info.CRC) != (len(part), part.crc32()):
        raise FidelityError(f"check failed: {name} has the wrong size or CRC-32 in the file")
    # The middle goes back between the rows it was between: the old sheet's last row
    # before it and first row after it are the new sheet's on either side of it.
    old = _Sheet(cond.xml)
    before = cond.xml[old.row_start_before(cond.gap - 1) : cond.gap]
    after = cond.xml[cond.gap : old.row_start_after(cond.gap + 1)]
    if not (
        before.startswith(old.row)
        and after.startswith(old.row)
        and new[part.at - len(before) : part.at] == before
        and new[part.at : part.at + len(after)] == after
    ):
        raise FidelityError(
            f"check failed: {name} would have its rows out of place; the workbook was not changed"
        )
    whole, rest = divmod(cond.middle, PIECE)
    middle = [PIECE] * whole + ([rest] if rest else [])
    tails = cond.xml[cond.gap :], new[part.at :]
    with ThreadPoolExecutor(max_workers=1) as pool:
        old_bytes = _Taker(_ahead(src.chunks(name, PIECE, [cond.gap, *middle]), pool))
        new_bytes = _Taker(tmp.chunks(name, PIECE, [part.at, *middle]))
        alike = old_bytes.take(cond.gap) == cond.xml[: cond.gap]
        alike = alike and new_bytes.take(part.at) == new[: part.at]
        for n in middle:
            alike = alike and old_bytes.take(n) == new_bytes.take(n)
        alike = alike and old_bytes.take(len(tails[0]) + 1) == tails[0]
        alike = alike and new_bytes.take(len(tails[1]) + 1) == tails[1]
    if not alike:
        raise FidelityError(f"check failed: {name} does not decompress to what was written")


def _ahead(pieces: Iterator[bytes], pool: Any) -> Iterator[bytes]:
    """`pieces`, each made on `pool`'s thread while the one before is used."""
    from collections import deque

    queued = deque(pool.submit(next, pieces, None) for _ in range(2))
    while True:
        piece = queued.popleft().result()
        if piece is None:
            return
        queued.append(pool.submit(next, pieces, None))
        yield piece


class _Taker:
    """Bytes from a stream of pieces, n at a time (a piece of just n bytes as it is)."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces, self._buf = pieces, b""

    def take(self, n: int) -> bytes:
        if not self._buf:
            first = next(self._pieces, b"")
            if len(first) == n:
                return first
            self._buf = first
        got = [self._buf]
        have = len(self._buf)
        while have < n:
            piece = next(self._pieces, None)
            if piece is None:
                break
            got.append(piece)
            have += len(piece)
        data = b"".join(got) if len(got) > 1 else got[0]
        self._buf = data[n:]
        return data[:n]


def _verify_parts(
    original: Path, temp: Path, src: ZipSource, patched: Patched, tmp: ZipSource
) -> None:
    date1904 = patched.date1904
    infos = tmp.by_name
    want = (set(src.by_name) - patched.removed) | set(patched.added)
    if set(infos) != want:
        raise FidelityError("check failed: the new file's parts differ from the plan")
    for name, was in src.by_name.items():
        if name in patched.replaced or name in patched.removed:
            continue
        now = infos[name]
        if (now.CRC, now.file_size, now.compress_size) != (
            was.CRC,
            was.file_size,
            was.compress_size,
        ):
            raise FidelityError(f"check failed: untouched part {name} changed")
    for name in [*patched.replaced, *patched.added]:
        if not tmp.local_header_agrees(infos[name]):
            raise FidelityError(f"check failed: the zip headers of {name} disagree")
        if name.endswith((".xml", ".rels")) and "/worksheets/" not in f"/{name.lower()}":
            content = _new_part(tmp, patched, name)
            assert not isinstance(content, Inserted)  # (only a worksheet is condensed)
            etree.fromstring(bytes(content))
    root = etree.fromstring(tmp.read(patched.main))
    names = [el.get("name") for el in root.iter("{*}sheet")]
    if names != patched.sheet_names:
        raise FidelityError("check failed: the sheet list would change unexpectedly")

    reader = _Reader(original, temp)
    formats = _date_formats(_styles_xml(tmp, patched.main))
    for name, (part, result) in patched.sheets.items():
        new_xml = _new_part(tmp, patched, part)
        # A condensed sheet: its kept rows are compared here, the rest by _inserted_trip.
        condensed = isinstance(new_xml, Inserted)
        if isinstance(new_xml, Inserted):
            old_xml, new_xml = new_xml.cond.xml, new_xml.new
        else:
            old_xml = src.read(part)
        declared = result.expected
        moved_to = set(result.moved.values())
        windows = None
        new = _Sheet(new_xml)
        if condensed or len(old_xml) + len(new_xml) > 2 * FULL_COMPARE_LIMIT:
            old = _Sheet(old_xml)
            etree.fromstring(new.head + b"<" + new.p + b"sheetData/>" + new.tail)
            windows = _windows(old, new, {r for r, _c in declared} | moved_to)
            if windows is None and condensed:  # (every row kept, compared in one read)
                windows = old_xml[old.start : old.end], new_xml[new.start : new.end]
        if windows is None:  # calamine's boxes: a far cell makes a small sheet big
            box = max(
                check_sheet(_once(xml), name, path.name).cells
                for xml, path in ((old_xml, original), (new_xml, temp))
            )
            if box > WHOLE_COMPARE_CELLS:  # compare the changed rows alone if it can be
                old, new = _Sheet(old_xml), _Sheet(new_xml)
                windows = _windows(old, new, {r for r, _c in declared} | moved_to)
                if windows is None and box > CELL_LIMIT // 2:  # (two boxes at once)
                    raise WorkbookUnreadable(
                        f"{original.name}: sheet {name!r} reaches too far for inq to "
                        f"check a change to it ({box:,} cells)"
                    )
        if windows is None:
            before, after = _changed_rows(
                reader.grid("old", name)[0],
                reader.grid("new", name)[0],
                declared,
                date1904,
                result.moved,
            )
        else:
            cells = _mini_cells(src, tmp, {"old": windows[0], "new": windows[1]}, new, date1904)
            before, after = cells["old"], cells["new"]
        _compare(name, before, after, declared, date1904, result.moved)
        kinds_in = windows[1] if windows else new_xml  # (joined only if compared whole)
        _check_kinds(name, bytes(kinds_in), new.p, declared, formats)
    for name, (part, declared) in patched.new_sheets.items():
        after = _cells(reader.grid("new", name, skip_empty=True, new_sheet=True), date1904)
        _compare(name, {}, after, declared, date1904)
        content = _new_part(tmp, patched, part)
        assert not isinstance(content, Inserted)
        added = bytes(content)  # (a new sheet: never pieces)
        _check_kinds(name, added, _Sheet(added).p, declared, formats)


def _once(content: bytes | Spliced) -> Callable[[], Iterator[bytes]]:
    """A source of a part's bytes for extent.check_sheet: in one piece, or a Spliced's a
    megabyte at a time."""
    if isinstance(content, Spliced):
        return lambda: content.chunks(1 << 20)
    return lambda: iter((content,))
