"""styles.xml, touched only when a write needs a date format, a number format or a bold
header (and made, minimal, for a workbook that has none).

Existing cell formats (xf) keep their index; new ones are appended (or reused if an
identical one exists), so every existing cell keeps its look. An entry of a list may be
an mc:AlternateContent holding one <xf> (or <font>) per branch: it counts as ONE entry,
as Excel and LibreOffice count it, and a copy of it changes every branch alike.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_Q = f"{{{MAIN_NS}}}"
_ALTERNATE = f"{{{MC_NS}}}AlternateContent"

# Built-in number formats that show a date or time.
BUILTIN_DATES = {*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59), *range(71, 82)}
# Built-in number formats that show a time of day (22 is date and time).
BUILTIN_TIMES = {*range(18, 23), 45, 46, 47, *range(32, 36), 55, 56}
GENERAL_FMT = 0
# What a new date gets where its column shows none (or a date-only value where it shows
# a time): the trade's unambiguous form, the same in every locale.
DATE_CODE = "yyyy-mm-dd"
DATETIME_CODE = "yyyy-mm-dd hh:mm"
_FIRST_CUSTOM = 164  # custom number formats are numbered from here

_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKET = re.compile(r"\[(?!(?:h+|m+|s+)\])[^\]]*\]", re.IGNORECASE)


def is_date_code(code: str) -> bool:
    """Whether a custom number format shows a date/time (y, m, d, h, s outside quotes)."""
    first = code.split(";")[0]
    bare = _BRACKET.sub("", _QUOTED.sub("", first)).lower()
    if "general" in bare:
        return False
    return any(ch in bare for ch in "ymdhs")


def is_time_code(code: str) -> bool:
    """Whether a date/time number format shows a time of day (h or s outside quotes)."""
    first = code.split(";")[0]
    bare = _BRACKET.sub("", _QUOTED.sub("", first)).lower()
    return "h" in bare or "s" in bare or bool(re.search(r"\[(h+|m+|s+)\]", first.lower()))


def number_attr(value: str | None, default: int = 0) -> int:
    """An index attribute (numFmtId, fontId); empty or malformed counts as the default."""
    value = (value or "").strip()
    return int(value) if value.isdigit() else default


def entries(parent: etree._Element | None, local: str) -> list[etree._Element]:
    """The entries of a list (cellXfs, fonts): each <local> child, or an
    mc:AlternateContent standing for one."""
    if parent is None:
        return []
    return [el for el in parent if el.tag == _Q + local or el.tag == _ALTERNATE]


def branches(entry: etree._Element, local: str) -> list[etree._Element]:
    """The <local> elements an entry may be: itself, or one per AlternateContent branch."""
    if entry.tag == _ALTERNATE:
        return list(entry.iter(_Q + local))
    return [entry]


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


def _look(entry: etree._Element) -> bytes:
    """An xf entry as compared for reuse: its XML without applyNumberFormat."""
    bare = copy.deepcopy(entry)
    for xf in branches(bare, "xf"):
        xf.attrib.pop("applyNumberFormat", "")
    return etree.tostring(bare, with_tail=False)


class Styles:
    """A parsed styles.xml with just the lookups and additions the write path needs."""

    def __init__(self, xml: bytes, *, new: bool = False) -> None:
        self.tree = etree.fromstring(xml)
        self.changed = new  # a part made for this write is written even if nothing is added
        numfmts = self.tree.find(f"{_Q}numFmts")
        self.numfmts = {
            number_attr(el.get("numFmtId"), -1): el.get("formatCode", "")
            for el in (numfmts.iter(f"{_Q}numFmt") if numfmts is not None else ())
        }
        found = self.tree.find(f"{_Q}cellXfs")
        self.cellxfs: etree._Element = (
            found if found is not None else etree.SubElement(self.tree, f"{_Q}cellXfs")
        )
        self.xfs = entries(self.cellxfs, "xf")
        if not self.xfs:
            self.xfs = [etree.SubElement(self.cellxfs, f"{_Q}xf", numFmtId="0", fontId="0")]

    def _shows_date(self, xf: etree._Element) -> bool:
        fmt = number_attr(xf.get("numFmtId"))
        if fmt in BUILTIN_DATES:
            return True
        return fmt in self.numfmts and is_date_code(self.numfmts[fmt])

    def is_date_style(self, index: int | None) -> bool:
        """Whether cell format `index` shows a date (in every branch, if it has several)."""
        if index is None or not 0 <= index < len(self.xfs):
            return False
        xfs = branches(self.xfs[index], "xf")
        return bool(xfs) and all(self._shows_date(xf) for xf in xfs)

    def _shows_time(self, xf: etree._Element) -> bool:
        fmt = number_attr(xf.get("numFmtId"))
        if fmt in BUILTIN_TIMES:
            return True
        return fmt in self.numfmts and is_time_code(self.numfmts[fmt])

    def shows_time(self, index: int | None) -> bool:
        """Whether cell format `index` shows a time of day (in any branch)."""
        if index is None or not 0 <= index < len(self.xfs):
            return False
        return any(self._shows_time(xf) for xf in branches(self.xfs[index], "xf"))

    def is_number_style(self, index: int | None) -> bool:
        """Whether a number in cell format `index` shows as a number (no branch a date)."""
        if index is None or not 0 <= index < len(self.xfs):
            return True
        return not any(self._shows_date(xf) for xf in branches(self.xfs[index], "xf"))

    def _add_xf(self, entry: etree._Element) -> int:
        """The index of an existing cell format that looks like `entry`, else of `entry`
        appended. applyNumberFormat is not compared: a cellXfs entry's numFmtId shows in
        Excel and LibreOffice with or without it, so the column's own xf fits."""
        wanted = _look(entry)
        for index, existing in enumerate(self.xfs):
            if _look(existing) == wanted:
                return index
        entry.tail = None
        self.cellxfs.append(entry)
        self.xfs.append(entry)
        self.cellxfs.set("count", str(len(self.xfs)))
        self.changed = True
        return len(self.xfs) - 1

    def _base(self, index: int | None) -> etree._Element:
        if index is None or not 0 <= index < len(self.xfs):
            index = 0
        return copy.deepcopy(self.xfs[index])

    def _with_format(self, base: int | None, fmt: int) -> int:
        entry = self._base(base)
        for xf in branches(entry, "xf"):
            xf.set("numFmtId", str(fmt))
            xf.set("applyNumberFormat", "1")
        return self._add_xf(entry)

    def date_style(self, base: int | None, with_time: bool) -> int:
        """`base` (the column's format) if it shows dates, and for a date-only value no time
        of day; else a copy of it showing yyyy-mm-dd (hh:mm for a date and time).

        A date and time keeps a date-only column's format: the column says how the user
        wants its dates shown, and the time stays in the value.
        """
        if self.is_date_style(base) and (with_time or not self.shows_time(base)):
            return base  # type: ignore[return-value]
        return self._with_format(base, self._format_id(DATETIME_CODE if with_time else DATE_CODE))

    def _format_id(self, code: str) -> int:
        """The numFmtId of number format `code`: the workbook's own, else a new one."""
        for fmt, existing in self.numfmts.items():
            if existing == code and fmt >= 0:
                return fmt
        fmt = max([_FIRST_CUSTOM - 1, *self.numfmts]) + 1
        numfmts = self.tree.find(f"{_Q}numFmts")
        if numfmts is None:
            numfmts = etree.Element(f"{_Q}numFmts")
            self.tree.insert(0, numfmts)  # numFmts comes first in a styleSheet
        etree.SubElement(numfmts, f"{_Q}numFmt", numFmtId=str(fmt), formatCode=code)
        numfmts.set("count", str(len(numfmts.findall(f"{_Q}numFmt"))))
        self.numfmts[fmt] = code
        self.changed = True
        return fmt

    def number_style(self, base: int) -> int:
        """`base` unless it shows dates (a number under a date cell would show as 1900-01-07):
        then a copy of it with the General format."""
        if self.is_number_style(base):
            return base
        return self._with_format(base, GENERAL_FMT)

    def bold_style(self) -> int:
        """A cell format like the default one but with a bold font (new-sheet headers)."""
        fonts = self.tree.find(f"{_Q}fonts")
        font_list = entries(fonts, "font")
        if fonts is None or not font_list:
            return 0
        entry = self._base(0)
        for xf in branches(entry, "xf"):
            base_font = number_attr(xf.get("fontId"))
            font = font_list[base_font] if base_font < len(font_list) else font_list[0]
            xf.set("fontId", str(self._bold_font(fonts, font_list, font)))
            xf.set("applyFont", "1")
        return self._add_xf(entry)

    def _bold_font(
        self, fonts: etree._Element, font_list: list[etree._Element], base: etree._Element
    ) -> int:
        """The index of `base` made bold: an existing identical entry, else a new one."""
        font = copy.deepcopy(base)
        for each in branches(font, "font"):
            if each.find(f"{_Q}b") is None:
                each.insert(0, etree.Element(f"{_Q}b"))
        wanted = etree.tostring(font, with_tail=False)
        for index, existing in enumerate(font_list):
            if etree.tostring(existing, with_tail=False) == wanted:
                return index
        font.tail = None
        fonts.append(font)
        font_list.append(font)
        fonts.set("count", str(len(font_list)))
        self.changed = True
        return len(font_list) - 1

    def to_bytes(self) -> bytes:
        return etree.tostring(self.tree, xml_declaration=True, encoding="UTF-8", standalone=True)
