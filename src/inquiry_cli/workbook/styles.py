"""styles.xml, touched only when a write needs a date format or a bold header (and made,
minimal, for a workbook that has none).

Existing cell formats (xf) keep their index; new ones are appended (or reused if an
identical one exists), so every existing cell keeps its look.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_Q = f"{{{MAIN_NS}}}"

# Built-in number formats that show a date or time.
_BUILTIN_DATES = {*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59), *range(71, 82)}
DATE_FMT = 14  # built-in short date: shown in the user's locale (2026/11/3, 03.11.2026 ...)
DATETIME_FMT = 22  # built-in short date + time

_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKET = re.compile(r"\[(?!(?:h+|m+|s+)\])[^\]]*\]", re.IGNORECASE)


def is_date_code(code: str) -> bool:
    """Whether a custom number format shows a date/time (y, m, d, h, s outside quotes)."""
    first = code.split(";")[0]
    bare = _BRACKET.sub("", _QUOTED.sub("", first)).lower()
    if "general" in bare:
        return False
    return any(ch in bare for ch in "ymdhs")


def minimal_styles(formats: int = 1) -> bytes:
    """The smallest stylesheet Excel opens without repair, with `formats` default cell
    formats (cells of a workbook that had none may already point at index 1, 2, ...)."""
    xf = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<styleSheet xmlns="{MAIN_NS}">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
        '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border>'
        "<left/><right/><top/><bottom/><diagonal/></border></borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        f'</cellStyleXfs><cellXfs count="{formats}">{xf * formats}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ).encode()


class Styles:
    """A parsed styles.xml with just the lookups and additions the write path needs."""

    def __init__(self, xml: bytes, *, new: bool = False) -> None:
        self.tree = etree.fromstring(xml)
        self.changed = new  # a part made for this write is written even if nothing is added
        self.numfmts = {
            int(el.get("numFmtId")): el.get("formatCode", "")
            for el in self.tree.iterfind(f"{_Q}numFmts/{_Q}numFmt")
        }
        self.cellxfs = self.tree.find(f"{_Q}cellXfs")
        if self.cellxfs is None:
            self.cellxfs = etree.SubElement(self.tree, f"{_Q}cellXfs")
        self.xfs = self.cellxfs.findall(f"{_Q}xf")
        if not self.xfs:
            self.xfs = [etree.SubElement(self.cellxfs, f"{_Q}xf", numFmtId="0", fontId="0")]

    def is_date_style(self, index: int | None) -> bool:
        if index is None or not 0 <= index < len(self.xfs):
            return False
        fmt = int(self.xfs[index].get("numFmtId", "0"))
        if fmt in _BUILTIN_DATES:
            return True
        return fmt in self.numfmts and is_date_code(self.numfmts[fmt])

    def _add_xf(self, xf: etree._Element) -> int:
        wanted = etree.tostring(xf, with_tail=False)
        for index, existing in enumerate(self.xfs):
            if etree.tostring(existing, with_tail=False) == wanted:
                return index
        xf.tail = None
        self.cellxfs.append(xf)
        self.xfs.append(xf)
        self.cellxfs.set("count", str(len(self.xfs)))
        self.changed = True
        return len(self.xfs) - 1

    def _base(self, index: int | None) -> etree._Element:
        if index is None or not 0 <= index < len(self.xfs):
            index = 0
        return copy.deepcopy(self.xfs[index])

    def date_style(self, base: int | None, with_time: bool) -> int:
        """`base` if it already shows dates, else a copy of it with a date format."""
        if self.is_date_style(base):
            return base  # type: ignore[return-value]
        xf = self._base(base)
        xf.set("numFmtId", str(DATETIME_FMT if with_time else DATE_FMT))
        xf.set("applyNumberFormat", "1")
        return self._add_xf(xf)

    def bold_style(self) -> int:
        """A cell format like the default one but with a bold font (new-sheet headers)."""
        fonts = self.tree.find(f"{_Q}fonts")
        xf = self._base(0)
        if fonts is None:
            return 0
        font_list = fonts.findall(f"{_Q}font")
        base_font = int(xf.get("fontId", "0"))
        font = copy.deepcopy(font_list[base_font] if base_font < len(font_list) else font_list[0])
        if font.find(f"{_Q}b") is None:
            bold = etree.SubElement(font, f"{_Q}b")
            font.remove(bold)
            font.insert(0, bold)
        wanted = etree.tostring(font, with_tail=False)
        font_id = next(
            (i for i, f in enumerate(font_list) if etree.tostring(f, with_tail=False) == wanted),
            None,
        )
        if font_id is None:
            font.tail = None
            fonts.append(font)
            font_id = len(font_list)
            fonts.set("count", str(font_id + 1))
            self.changed = True
        xf.set("fontId", str(font_id))
        xf.set("applyFont", "1")
        return self._add_xf(xf)

    def to_bytes(self) -> bytes:
        return etree.tostring(self.tree, xml_declaration=True, encoding="UTF-8", standalone=True)
