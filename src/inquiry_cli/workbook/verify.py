"""Prove the new file holds the old cells plus the declared changes, with a second reader.

The patcher splices XML; python-calamine (a separate Rust parser) reads the result. Parts
the patch did not declare must be byte-identical (checked through the new zip's own
directory), so only changed sheets need a cell comparison. A big sheet is compared by
window: the bytes before and after the changed rows are shown identical to the original,
and calamine reads just the changed rows, old and new, in a small throwaway workbook.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree

from inquiry_cli.errors import FidelityError, WorkbookUnreadable
from inquiry_cli.workbook.changes import CellValue
from inquiry_cli.workbook.extent import CELL_LIMIT, check_sheet
from inquiry_cli.workbook.ooxml import ZipSource
from inquiry_cli.workbook.sheetxml import excel_serial
from inquiry_cli.workbook.xlsxpatch import WORKBOOK, Patched

# Sheets with less XML than this are compared whole (both files read by calamine)...
FULL_COMPARE_LIMIT = 2_000_000
# ...unless a far cell makes calamine's box bigger than this (two are read at once).
WHOLE_COMPARE_CELLS = 1_000_000

Cells = dict[tuple[int, int], Any]


def _norm(value: Any, date1904: bool) -> Any:
    """One comparable form for what calamine reads and what the change set declared."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float, Decimal)):
        return ("n", float(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return ("n", excel_serial(value, date1904))
    if isinstance(value, dt.time):
        return ("n", (value.hour * 3600 + value.minute * 60 + value.second) / 86400)
    if isinstance(value, dt.timedelta):
        return ("n", value.total_seconds() / 86400)
    if isinstance(value, str):
        return ("s", value)
    return ("o", repr(value))


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    if a[0] == b[0] == "n":
        return math.isclose(a[1], b[1], rel_tol=1e-9, abs_tol=1e-6)
    return a == b


def _cells(sheet: Any, date1904: bool) -> Cells:
    rows = sheet.to_python(skip_empty_area=True)
    if not rows or sheet.start is None:
        return {}
    r0, c0 = sheet.start
    out: Cells = {}
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            v = _norm(value, date1904)
            if v is not None:
                out[(r0 + i + 1, c0 + j + 1)] = v
    return out


def _changed_rows(
    old: Any, new: Any, declared: dict[tuple[int, int], CellValue], date1904: bool
) -> tuple[Cells, Cells]:
    """The cells of the rows that differ in any way, or hold a declared change.

    Whole rows are compared as calamine read them (list equality runs in C); only rows
    that differ, or that the change set names, are normalised cell by cell. A row equal
    as read is equal cell for cell, so nothing escapes the check.
    """
    a = old.to_python(skip_empty_area=False)
    b = new.to_python(skip_empty_area=False)
    rows = {r for r, _c in declared}
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


def _compare(
    sheet: str,
    before: Cells,
    after: Cells,
    declared: dict[tuple[int, int], CellValue],
    date1904: bool,
) -> None:
    expected = dict(before)
    for key, value in declared.items():
        v = _norm(value, date1904)
        if v is None:
            expected.pop(key, None)
        else:
            expected[key] = v
    for key in sorted(set(expected) | set(after)):
        if not _same(expected.get(key), after.get(key)):
            row, col = key
            want = expected.get(key)
            got = after.get(key)
            what = "declared" if key in declared else "untouched"
            raise FidelityError(
                f"check failed: {sheet} row {row} column {col} ({what}) would be "
                f"{got[1] if got else 'empty'!r} instead of {want[1] if want else 'empty'!r}; "
                "the workbook was not changed"
            )


def _common_prefix(a: bytes, a0: int, b: bytes, b0: int, n: int) -> int:
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


def _common_suffix(a: bytes, a1: int, b: bytes, b1: int, n: int) -> int:
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


class _Sheet:
    """sheetData bounds of one worksheet XML, found without the patcher's code."""

    def __init__(self, xml: bytes) -> None:
        root = re.search(rb"<([\w.-]+:)?worksheet[\s>/]", xml)
        if root is None:
            raise FidelityError("check failed: a changed sheet is not a worksheet any more")
        self.xml = xml
        self.p = root.group(1) or b""
        self.root_tag = xml[root.start() : xml.index(b">", root.start()) + 1]
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
    win_a = a[old.start + start : old.start + end_a]
    win_b = b[new.start + start : new.start + end_b]
    next_row = a[old.start + end_a : old.row_start_after(old.start + end_a + 1)]
    rows_a, rows_b = _row_numbers(old, win_a), _row_numbers(new, win_b)
    if rows_a is None or rows_b is None or _row_numbers(old, next_row) is None:
        return None
    if not declared_rows <= set(rows_b):
        return None
    return win_a, win_b


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
    return {name: _cells(ws, date1904) for name, ws in zip(names, sheets, strict=True)}


class _Reader:
    """calamine workbooks opened on demand (opening parses all shared strings)."""

    def __init__(self, original: Path, temp: Path) -> None:
        self.paths = {"old": original, "new": temp}
        self.open: dict[str, Any] = {}

    def sheet(self, which: str, name: str) -> Any:
        from python_calamine import CalamineWorkbook

        if which not in self.open:
            try:
                self.open[which] = CalamineWorkbook.from_path(str(self.paths[which]))
            except Exception as exc:  # a parse failure of our output is a fidelity failure
                raise FidelityError(f"check failed: the new file does not open ({exc})") from None
        return self.open[which].get_sheet_by_name(name)


def _new_part(tmp: ZipSource, patched: Patched, name: str) -> bytes:
    """A new part's XML: a big one as it was deflated into the file (proved by the
    byte comparison above and the round trip awaited at the end), else read back."""
    if name in patched.packed:
        return patched.replaced[name] if name in patched.replaced else patched.added[name]
    return tmp.read(name)


def verify(original: Path, temp: Path, src: ZipSource, patched: Patched) -> None:
    """Raise FidelityError unless `temp` equals `original` plus exactly the declared changes."""
    from inquiry_cli.workbook.native import guard

    try:
        with guard(f"{original.name}: a changed sheet"):  # (a Rust panic: one line)
            _verify(original, temp, src, patched)
    except (FidelityError, WorkbookUnreadable):  # (the original's own damage, said as is)
        raise
    except Exception as exc:
        raise FidelityError(f"check failed: the new file could not be read back ({exc})") from None


def _verify(original: Path, temp: Path, src: ZipSource, patched: Patched) -> None:
    date1904 = patched.date1904
    with ZipSource(temp) as tmp:
        infos = tmp.by_name
        want = (set(src.by_name) - patched.removed) | set(patched.added)
        if set(infos) != want:
            raise FidelityError("check failed: the new file's parts differ from the plan")
        for name, old in src.by_name.items():
            if name in patched.replaced or name in patched.removed:
                continue
            new = infos[name]
            if (new.CRC, new.file_size, new.compress_size) != (
                old.CRC,
                old.file_size,
                old.compress_size,
            ):
                raise FidelityError(f"check failed: untouched part {name} changed")
        for name, packed in patched.packed.items():  # the file holds what was deflated
            if tmp.raw(infos[name]) != packed:
                raise FidelityError(f"check failed: {name} was not written as deflated")
        for name in [*patched.replaced, *patched.added]:
            if name.endswith((".xml", ".rels")) and not name.startswith("xl/worksheets/"):
                etree.fromstring(_new_part(tmp, patched, name))
        root = etree.fromstring(tmp.read(WORKBOOK))
        names = [el.get("name") for el in root.iter("{*}sheet")]
        if names != patched.sheet_names:
            raise FidelityError("check failed: the sheet list would change unexpectedly")

        reader = _Reader(original, temp)
        for name, (part, result) in patched.sheets.items():
            old_xml, new_xml = src.read(part), _new_part(tmp, patched, part)
            declared = result.expected
            windows = None
            if len(old_xml) + len(new_xml) > 2 * FULL_COMPARE_LIMIT:
                old, new = _Sheet(old_xml), _Sheet(new_xml)
                etree.fromstring(new.head + b"<" + new.p + b"sheetData/>" + new.tail)
                windows = _windows(old, new, {r for r, _c in declared})
            if windows is None:  # calamine's boxes: a far cell makes a small sheet big
                box = max(
                    check_sheet(lambda x=xml: iter((x,)), name, path.name).cells
                    for xml, path in ((old_xml, original), (new_xml, temp))
                )
                if box > WHOLE_COMPARE_CELLS:  # compare the changed rows alone if it can be
                    old, new = _Sheet(old_xml), _Sheet(new_xml)
                    windows = _windows(old, new, {r for r, _c in declared})
                    if windows is None and box > CELL_LIMIT // 2:  # (two boxes at once)
                        raise WorkbookUnreadable(
                            f"{original.name}: sheet {name!r} reaches too far for inq to "
                            f"check a change to it ({box:,} cells)"
                        )
            if windows is None:
                before, after = _changed_rows(
                    reader.sheet("old", name), reader.sheet("new", name), declared, date1904
                )
            else:
                cells = _mini_cells(src, tmp, {"old": windows[0], "new": windows[1]}, new, date1904)
                before, after = cells["old"], cells["new"]
            _compare(name, before, after, declared, date1904)
        for name, (_part, declared) in patched.new_sheets.items():
            _compare(name, {}, _cells(reader.sheet("new", name), date1904), declared, date1904)
        for check in patched.round_trips:
            check.result()  # raises FidelityError if a part did not inflate back
