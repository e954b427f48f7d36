"""Read only the top rows of a sheet, straight from the zip, without parsing the rest.

A command that appends to a 100,000-row Contacts sheet needs its header, not its rows:
streaming the first rows of the sheet XML (and the few shared strings they use) costs
milliseconds where a full read costs a second.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_COL = re.compile(r"^([A-Z]+)")


def _col(ref: str) -> int:
    m = _COL.match(ref or "")
    n = 0
    for ch in m.group(1) if m else "":
        n = n * 26 + ord(ch) - 64
    return n


def sheet_part(zf: Any, name: str) -> str | None:
    """The zip part of the worksheet named `name` (zf: anything with .read(part))."""
    from lxml import etree

    from inquiry_cli.workbook.ooxml import resolve_target

    wb = etree.fromstring(zf.read("xl/workbook.xml"))
    rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {el.get("Id"): el.get("Target") for el in rels.iter(f"{{{PKG_REL}}}Relationship")}
    for el in wb.iter(f"{{{MAIN}}}sheet"):
        if el.get("name") == name:
            target = targets.get(el.get(f"{{{REL}}}id"))
            return resolve_target("xl/workbook.xml", target) if target else None
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def head_rows(path: Path, sheet: str, max_rows: int) -> list[list[Any]]:
    """The first `max_rows` rows of `sheet` as a rectangular list of values (text, numbers).

    Rows are absolute (row 1 first), like python-calamine's to_python(skip_empty_area=False).
    Shared strings are resolved by streaming sharedStrings.xml only as far as needed.
    """
    from lxml import etree

    with zipfile.ZipFile(path) as zf:
        part = sheet_part(zf, sheet)
        if part is None or part not in zf.namelist():
            return []
        cells: dict[tuple[int, int], tuple[str, str]] = {}
        with zf.open(part) as fh:
            for _event, el in etree.iterparse(fh, events=("end",), tag=f"{{{MAIN}}}row"):
                r = int(el.get("r") or 0)
                if r > max_rows:
                    break
                for c in el.iterchildren(f"{{{MAIN}}}c"):
                    kind = c.get("t") or "n"
                    if kind == "inlineStr":
                        text = "".join(t.text or "" for t in c.iter(f"{{{MAIN}}}t"))
                    else:
                        v = c.find(f"{{{MAIN}}}v")
                        text = v.text if v is not None and v.text is not None else ""
                    cells[(r, _col(c.get("r", "")))] = (kind, text)
                el.clear()
        needed = {int(t) for (k, t) in cells.values() if k == "s" and t.isdigit()}
        shared = _shared_strings(zf, needed) if needed else {}
    if not cells:
        return []
    height = max(r for r, _ in cells)
    width = max(c for _, c in cells)
    rows: list[list[Any]] = [[""] * width for _ in range(height)]
    for (r, c), (kind, text) in cells.items():
        if kind == "s":
            value: Any = shared.get(int(text), "") if text.isdigit() else ""
        elif kind in ("str", "inlineStr", "e"):
            value = text
        elif kind == "b":
            value = text == "1"
        else:
            try:
                value = float(text) if text else ""
            except ValueError:
                value = text
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


def shared_string_spans(data: bytes, needed: set[int]) -> dict[int, tuple[int, int]]:
    """Byte spans (start, end) of the <si> items with these indices in sharedStrings.xml.

    A 100,000-string table is counted a 4 KB block at a time in C, and only the blocks
    holding wanted items are walked with the regex: milliseconds, not a tenth of a second.
    Blocks are cut at a '<', so no tag straddles two blocks.
    """
    first = _SI.search(data)
    if first is None or not needed:
        return {}
    prefix = first.group(1) or b""
    tag, close = b"<" + prefix + b"si", b"</" + prefix + b"si>"
    out: dict[int, tuple[int, int]] = {}
    wanted = sorted(i for i in needed if i >= 0)
    index, pos, k = 0, first.start(), 0  # index: number of the first item at or after pos
    while k < len(wanted) and pos < len(data):
        cut = data.find(b"<", pos + _BLOCK)
        end = len(data) if cut < 0 else cut
        count = _item_count(data, tag, pos, end)
        if index + count <= wanted[k]:
            index, pos = index + count, end
            continue
        for m in _SI.finditer(data, pos, end):
            if index == wanted[k]:
                stop = m.end()
                if not m.group(2):
                    found = data.find(close, stop)
                    stop = len(data) if found < 0 else found + len(close)
                out[index] = (m.start(), stop)
                k += 1
                if k == len(wanted):
                    break
            index += 1
        pos = end
    return out


def item_text(item: bytes) -> str:
    """The text of one <si> item: its <t> runs, without phonetic (rPh) runs."""
    from html import unescape  # XML's five entities and &#...; (saxutils drags in ssl)

    body = _RPH.sub(b"", item)
    return unescape(b"".join(_T.findall(body)).decode("utf-8"))


def _shared_strings(zf: zipfile.ZipFile, needed: set[int]) -> dict[int, str]:
    """The shared strings with these indices; only the strings asked for are decoded."""
    try:
        data = zf.read("xl/sharedStrings.xml")
    except KeyError:
        return {}
    return {i: item_text(data[a:b]) for i, (a, b) in shared_string_spans(data, needed).items()}


def item_indices_at(data: bytes, positions: list[int]) -> list[int]:
    """The index of the <si> item holding each byte position, for positions in item text
    (results in the order of `positions`, sorted). One pass, counted in C."""
    first = _SI.search(data)
    if first is None:
        return [-1] * len(positions)
    tag = b"<" + (first.group(1) or b"") + b"si"
    out, index, at = [], -1, 0
    for pos in sorted(positions):
        index += _item_count(data, tag, at, pos)
        at = pos
        out.append(index)
    return out
