"""Read only the top rows of a sheet, straight from the zip, without parsing the rest.

A command that appends to a 100,000-row Contacts sheet needs its header, not its rows:
streaming the first rows of the sheet XML (and the few shared strings they use) costs
milliseconds where a full read costs a second.
"""

from __future__ import annotations

import bisect
import math
import re
from pathlib import Path
from typing import Any

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKBOOK = "xl/workbook.xml"
HEAD_BYTES = 8 * 1024 * 1024  # the top rows of a sheet, at most (a header is a few KB)
_COL = re.compile(r"^([A-Za-z]+)")
_ROW_NUMBER = re.compile(r"[1-9][0-9]{0,6}")


def _col(ref: str) -> int:
    m = _COL.match(ref or "")
    n = 0
    for ch in m.group(1).upper() if m else "":
        n = n * 26 + ord(ch) - 64
    return n


def sheet_map(zf: Any) -> tuple[list[str], dict[str, str]]:
    """(sheet names in workbook order, {name: zip part of its sheet}) from workbook.xml and
    its relationships (zf: a ZipSource, whose `main` is the workbook part as _rels/.rels
    names it, or anything with .read(part) for one at the usual xl/workbook.xml). A sheet
    whose relationship is missing has no part; two relationships with one id, or two
    sheets with one name, make the workbook damaged (a reader could pick either)."""
    from inquiry_cli.workbook.ooxml import damaged, rels_name, resolve_target
    from inquiry_cli.workbook.xmlsafe import parse

    filename = getattr(getattr(zf, "path", None), "name", "the workbook")
    main = getattr(zf, "main", WORKBOOK)
    wb = parse(zf.read(main), f"{filename}: part {main}")
    rels = parse(zf.read(rels_name(main)), f"{filename}: part {rels_name(main)}")
    targets: dict[str, str] = {}
    for el in rels.iter(f"{{{PKG_REL}}}Relationship"):
        rid, target = el.get("Id"), el.get("Target")
        if rid in targets:
            raise damaged(filename, f"two relationships are named {rid!r}")
        if rid and target:
            targets[rid] = target
    names: list[str] = []
    parts: dict[str, str] = {}
    seen: set[str] = set()
    for el in wb.iter(f"{{{MAIN}}}sheet", f"{{{STRICT}}}sheet"):
        name = el.get("name") or ""
        if name.lower() in seen:
            raise damaged(filename, f"two sheets are named {name!r}")
        seen.add(name.lower())
        names.append(name)
        target = targets.get(el.get(f"{{{REL}}}id") or el.get(f"{{{STRICT_REL}}}id") or "")
        if target:
            parts[name] = resolve_target(main, target)
    return names, parts


def sheet_part(zf: Any, name: str) -> str | None:
    """The zip part of the worksheet named `name` (zf: anything with .read(part))."""
    return sheet_map(zf)[1].get(name)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def head_rows(path: Path, sheet: str, max_rows: int, src: Any = None) -> list[list[Any]]:
    """The first `max_rows` rows of `sheet` as a rectangular list of values (text, numbers).

    Rows are absolute (row 1 first), like python-calamine's to_python(skip_empty_area=False).
    Shared strings are resolved by streaming sharedStrings.xml only as far as needed.
    At most HEAD_BYTES of the sheet are read: top rows bigger than that are damage.
    `src`: the workbook already open (a ZipSource), else it is opened here.
    """
    from contextlib import nullcontext

    from inquiry_cli.errors import WorkbookUnreadable
    from inquiry_cli.workbook.extent import MAX_COL
    from inquiry_cli.workbook.ooxml import ZipSource
    from inquiry_cli.workbook.xmlsafe import iterparse, parse_errors

    what = f"{path.name}: sheet {sheet!r}"
    with ZipSource(path) if src is None else nullcontext(src) as zf:
        part = sheet_part(zf, sheet)
        if part is None or not zf.has(part):
            return []
        cells: dict[tuple[int, int], tuple[str, str]] = {}
        row_tags = {f"{{{MAIN}}}row", f"{{{STRICT}}}row"}
        cell_tags = (f"{{{MAIN}}}c", f"{{{STRICT}}}c")
        value_tags = (f"{{{MAIN}}}v", f"{{{STRICT}}}v")
        text_tags = (f"{{{MAIN}}}t", f"{{{STRICT}}}t")
        fh = zf.open(part, limit=HEAD_BYTES)
        try:
            implicit = 0
            for _event, el in iterparse(fh, what, events=("end",), tag=tuple(row_tags)):
                number = el.get("r")
                if number is None:
                    r = implicit + 1
                elif _ROW_NUMBER.fullmatch(number):
                    r = int(number)
                else:
                    raise WorkbookUnreadable(
                        f"{what} is damaged: a row is numbered {number[:20]!r}"
                    )
                implicit = r
                if r > max_rows:
                    break
                col = 0
                for c in el.iterchildren(*cell_tags):
                    kind = c.get("t") or "n"
                    if kind == "inlineStr":
                        text = "".join(t.text or "" for t in c.iter(*text_tags))
                    else:
                        v = next(c.iterchildren(*value_tags), None)
                        text = v.text if v is not None and v.text is not None else ""
                    ref = c.get("r")
                    col = _col(ref) if ref else col + 1
                    if col > MAX_COL:
                        raise WorkbookUnreadable(
                            f"{what} is damaged: a cell lies beyond Excel's last column XFD"
                        )
                    cells[(r, col)] = (kind, text)
                el.clear()
        except parse_errors() as exc:
            raise WorkbookUnreadable(f"{what} is damaged ({str(exc)[:120]})") from None
        finally:
            fh.close()
        needed = {int(t) for (k, t) in cells.values() if k == "s" and t.isdigit() and len(t) < 10}
        shared = _shared_strings(zf, needed) if needed else {}
    if not cells:
        return []
    height = max(r for r, _ in cells)
    width = max(c for _, c in cells)
    rows: list[list[Any]] = [[""] * width for _ in range(height)]
    for (r, c), (kind, text) in cells.items():
        if kind == "s":
            value: Any = shared.get(int(text), "") if text.isdigit() and len(text) < 10 else ""
        elif kind in ("str", "inlineStr", "e"):
            value = text
        elif kind == "b":
            value = text == "1"
        else:
            try:
                value = float(text) if text else ""
            except ValueError:
                value = text
            if value.__class__ is float and not math.isfinite(value):
                value = text  # NaN, inf: not numbers a sheet holds
        if r >= 1 and c >= 1:
            rows[r - 1][c - 1] = value
    return rows


_SI = re.compile(rb"<([\w.-]+:)?si(?:\s[^>]*)?(/?)>")
_T = re.compile(rb"<(?:[\w.-]+:)?t(?:\s[^>]*)?>(.*?)</(?:[\w.-]+:)?t>", re.S)
_RPH = re.compile(rb"<(?:[\w.-]+:)?rPh[\s>].*?</(?:[\w.-]+:)?rPh>", re.S)
_BLOCK = 1 << 12  # small: the regex walks at most one block per wanted item


def _item_count(data: bytes, tag: bytes, start: int, end: int) -> int:
    """How many <si> items begin in data[start:end] (counted in C)."""
    n = data.count(tag, start, end)
    if n and n != data.count(tag + b">", start, end):  # <si/> or <si attr=...>: exact count
        n = sum(1 for _ in _SI.finditer(data, start, end))
    return n


class _Index:
    """Where the items of one sharedStrings.xml start, a 4 KB block at a time.

    Built once per table (counting in C) and kept, so every later lookup of an item by
    index, or of the item holding a byte position, walks one block with the regex.
    Blocks are cut at a '<', so no tag straddles two blocks.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        first = _SI.search(data)
        prefix = (first.group(1) or b"") if first else b""
        self.tag, self.close = b"<" + prefix + b"si", b"</" + prefix + b"si>"
        self.starts: list[int] = []  # block start positions
        self.firsts: list[int] = []  # index of the first item starting in each block
        pos, index = (first.start() if first else len(data)), 0
        while pos < len(data):
            cut = data.find(b"<", pos + _BLOCK)
            end = len(data) if cut < 0 else cut
            self.starts.append(pos)
            self.firsts.append(index)
            index += _item_count(data, self.tag, pos, end)
            pos = end
        self.count = index
        self._items: dict[int, list[re.Match[bytes]]] = {}  # block -> its <si> tags, walked once

    def _block_end(self, b: int) -> int:
        return self.starts[b + 1] if b + 1 < len(self.starts) else len(self.data)

    def span(self, index: int) -> tuple[int, int] | None:
        if not 0 <= index < self.count:
            return None
        b = bisect.bisect_right(self.firsts, index) - 1
        items = self._items.get(b)
        if items is None:
            items = self._items[b] = list(
                _SI.finditer(self.data, self.starts[b], self._block_end(b))
            )
        k = index - self.firsts[b]
        if k >= len(items):
            return None
        m = items[k]
        stop = m.end()
        if not m.group(2):
            found = self.data.find(self.close, stop)
            stop = len(self.data) if found < 0 else found + len(self.close)
        return m.start(), stop

    def index_at(self, pos: int) -> int:
        b = bisect.bisect_right(self.starts, pos) - 1
        if b < 0:
            return -1
        return self.firsts[b] + _item_count(self.data, self.tag, self.starts[b], pos) - 1


_INDEXES: list[_Index] = []  # the last few tables indexed (one per workbook, usually)


def _index(data: bytes) -> _Index:
    for index in _INDEXES:
        if index.data is data:
            return index
    index = _Index(data)
    _INDEXES[:] = [index, *_INDEXES[:2]]
    return index


def shared_string_spans(data: bytes, needed: set[int]) -> dict[int, tuple[int, int]]:
    """Byte spans (start, end) of the <si> items with these indices in sharedStrings.xml."""
    index = _index(data)
    out = {}
    for i in needed:
        span = index.span(i)
        if span is not None:
            out[i] = span
    return out


def item_text(item: bytes) -> str:
    """The text of one <si> item: its <t> runs, without phonetic (rPh) runs."""
    from html import unescape  # XML's five entities and &#...; (saxutils drags in ssl)

    body = _RPH.sub(b"", item)
    return unescape(b"".join(_T.findall(body)).decode("utf-8"))


def _shared_strings(zf: Any, needed: set[int]) -> dict[int, str]:
    """The shared strings with these indices; only the strings asked for are decoded."""
    from inquiry_cli.workbook.ooxml import is_shared_strings

    part = next((n for n in zf.by_name if is_shared_strings(n)), None)
    if part is None:
        return {}
    data = zf.read(part)
    return {i: item_text(data[a:b]) for i, (a, b) in shared_string_spans(data, needed).items()}


def item_indices_at(data: bytes, positions: list[int]) -> list[int]:
    """The index of the <si> item holding each byte position, for positions in item text
    (results in the order of `positions`, sorted)."""
    index = _index(data)
    return [index.index_at(pos) for pos in sorted(positions)]
