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


def _sheet_part(zf: zipfile.ZipFile, name: str) -> str | None:
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
        part = _sheet_part(zf, sheet)
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


_SI = re.compile(rb"<(?:[\w.-]+:)?si(?:\s[^>]*)?(/?)>")
_T = re.compile(rb"<(?:[\w.-]+:)?t(?:\s[^>]*)?>(.*?)</(?:[\w.-]+:)?t>", re.S)
_RPH = re.compile(rb"<(?:[\w.-]+:)?rPh[\s>].*?</(?:[\w.-]+:)?rPh>", re.S)


def _shared_strings(zf: zipfile.ZipFile, needed: set[int]) -> dict[int, str]:
    """The shared strings with these indices. A regex walks to them in C; only the
    strings asked for are decoded (a real parse of a large table costs far more)."""
    from html import unescape  # XML's five entities and &#...; (saxutils drags in ssl)

    try:
        data = zf.read("xl/sharedStrings.xml")
    except KeyError:
        return {}
    out: dict[int, str] = {}
    last = max(needed)
    for i, m in enumerate(_SI.finditer(data)):
        if i > last:
            break
        if i not in needed:
            continue
        if m.group(1):  # <si/>
            out[i] = ""
            continue
        end = data.find(b"si>", m.end())
        body = _RPH.sub(b"", data[m.end() : end])  # phonetic runs are not the text
        text = b"".join(_T.findall(body)).decode("utf-8")
        out[i] = unescape(text)
    return out
