"""Minimal .xlsx packages built by hand, one per quirk other producers write.

Real workbooks from Excel for Mac, LibreOffice, WPS and libraries differ from what
xlsxwriter and openpyxl write in small ways the write path must take: an empty style
attribute, part names cased differently, stylesheets with mc:AlternateContent, a main
part somewhere else, backslashes in zip names. Each builder here writes the smallest
package that shows one of them, so a test can name the quirk it is about.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# A stylesheet of the usual shape: 0 General, 1 bold, 2 a date (yyyy-mm-dd), 3 a number.
STYLES = (
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
)


def cell(ref: str, value: object = None, s: str | None = None, f: str = "") -> str:
    """One <c>: text as an inline string, numbers as <v>, None as an empty (styled) cell;
    `f` is a whole <f> element put before the value."""
    style = f' s="{s}"' if s is not None else ""
    if value is None:
        return f'<c r="{ref}"{style}/>'
    if isinstance(value, str):
        return f'<c r="{ref}"{style} t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"{style}>{f}<v>{value}</v></c>'


def row(number: int, *cells: str, attrs: str = "") -> str:
    return f'<row r="{number}"{attrs}>{"".join(cells)}</row>'


def worksheet(rows: str, head: str = "", tail: str = "") -> str:
    """A worksheet part: `head` goes before sheetData (dimension, cols), `tail` after."""
    return (
        f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{head}'
        f"<sheetData>{rows}</sheetData>{tail}</worksheet>"
    )


def rels(*targets: tuple[str, str, str]) -> str:
    """A relationships part from (Id, type suffix, Target)."""
    body = "".join(
        f'<Relationship Id="{rid}" Type="{REL_NS}/{kind}" Target="{target}"/>'
        for rid, kind, target in targets
    )
    return f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">{body}</Relationships>'


@dataclass
class Sheet:
    name: str
    xml: str
    part: str = ""  # under the main part's folder; default worksheets/sheetN.xml
    target: str = ""  # the Target written in the workbook's rels (default: the part)
    rels: str | None = None  # the sheet's own relationships part
    sheet_id: str | None = None  # default: its position


@dataclass
class Book:
    """A package to build: sheets, styles (None: no styles part) and where things live."""

    sheets: list[Sheet]
    styles: str | None = STYLES
    main: str = "xl/workbook.xml"
    separator: str = "/"  # "\\": zip names as some Windows libraries write them
    workbook_pr: str = ""
    extra: dict[str, str | bytes] = field(default_factory=dict)  # more parts
    overrides: dict[str, str] = field(default_factory=dict)  # part -> content type
    workbook_rels: list[tuple[str, str, str]] = field(default_factory=list)

    def write(self, path: Path) -> Path:
        folder = self.main.rsplit("/", 1)[0] + "/"
        main_name = self.main.rsplit("/", 1)[1]
        parts: dict[str, str | bytes] = {}
        types = {"/" + self.main: f"{CT}.sheet.main+xml", **self.overrides}
        wb_rels = list(self.workbook_rels)
        entries = []
        for i, sheet in enumerate(self.sheets, start=1):
            part = sheet.part or f"worksheets/sheet{i}.xml"
            parts[folder + part] = sheet.xml
            types["/" + folder + part] = f"{CT}.worksheet+xml"
            wb_rels.append((f"rId{i}", "worksheet", sheet.target or part))
            sid = str(i) if sheet.sheet_id is None else sheet.sheet_id
            entries.append(f'<sheet name="{sheet.name}" sheetId="{sid}" r:id="rId{i}"/>')
            if sheet.rels is not None:
                base, name = (folder + part).rsplit("/", 1)
                parts[f"{base}/_rels/{name}.rels"] = sheet.rels
        if self.styles is not None:
            parts[folder + "styles.xml"] = (
                f'{XML_HEAD}<styleSheet xmlns="{MAIN_NS}" xmlns:mc="{MC_NS}">'
                f"{self.styles}</styleSheet>"
            )
            types["/" + folder + "styles.xml"] = f"{CT}.styles+xml"
            wb_rels.append(("rIdStyles", "styles", "styles.xml"))
        parts[self.main] = (
            f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{self.workbook_pr}'
            f"<sheets>{''.join(entries)}</sheets></workbook>"
        )
        parts[f"{folder}_rels/{main_name}.rels"] = rels(*wb_rels)
        parts.update(self.extra)
        overrides = "".join(
            f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in types.items()
        )
        content_types = (
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f"{overrides}</Types>"
        )
        package = {
            "[Content_Types].xml": content_types,
            "_rels/.rels": rels(("rId1", "officeDocument", self.main)),
            **parts,
        }
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in package.items():
                z.writestr(name.replace("/", self.separator), data)
        return path


def buyers_sheet(*rows_: str) -> Sheet:
    """A contract Buyers sheet (Name, Email), so CLI commands can read and write it."""
    return Sheet(
        "Buyers",
        worksheet(row(1, cell("A1", "Name"), cell("B1", "Email")) + "".join(rows_)),
    )


# -- one builder per quirk ---------------------------------------------------------------


def empty_style_attributes(path: Path) -> Path:
    """Excel for Mac writes s="" on cells; others leave style="" on <col>, s="" on <row>,
    numFmtId="" and fontId="" in the stylesheet, sheetId="" in the workbook."""
    styles = STYLES.replace(
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
        '<xf numFmtId="" fontId="" fillId="0" borderId="0" xfId="0"/>',
    )
    xml = worksheet(
        row(1, cell("A1", "Name", s=""), cell("B1", "Amount", s=""))
        + row(2, cell("A2", "Hans", s=""), cell("B2", 12, s=""), attrs=' s="" customFormat="1"'),
        head='<cols><col min="1" max="2" width="12" style="" customWidth="1"/></cols>',
    )
    return Book([Sheet("Data", xml, sheet_id="")], styles=styles).write(path)


def cased_part_names(path: Path) -> Path:
    """Part names differ from what the rels say only in case (Sheet1.xml, rId vs rid):
    legal in OOXML, where part names compare case-insensitively."""
    data = worksheet(row(1, cell("A1", "Name")) + row(2, cell("A2", "first sheet")))
    other = worksheet(row(1, cell("A1", "second sheet")))
    return Book(
        [
            Sheet("Data", data, part="worksheets/Sheet1.xml", target="worksheets/SHEET1.XML"),
            Sheet("Other", other, part="worksheets/Sheet2.xml"),
        ],
        workbook_rels=[("rid3", "theme", "theme/theme1.xml")],
        extra={"xl/theme/theme1.xml": f'{XML_HEAD}<a:theme xmlns:a="x" name="t"/>'},
    ).write(path)


def alternate_content_styles(path: Path) -> Path:
    """A stylesheet wrapping an <xf> in mc:AlternateContent (one entry, two branches)."""
    styles = STYLES.replace(
        '<cellXfs count="4">',
        '<cellXfs count="5">'
        '<mc:AlternateContent><mc:Choice Requires="x14"><xf numFmtId="0" fontId="1" '
        'fillId="0" borderId="0" xfId="0"/></mc:Choice><mc:Fallback><xf numFmtId="0" '
        'fontId="1" fillId="0" borderId="0" xfId="0"/></mc:Fallback></mc:AlternateContent>',
    )
    # Indices: 0 the AlternateContent entry, 1 General, 2 bold, 3 date, 4 number.
    xml = worksheet(
        row(1, cell("A1", "Date", s="2"), cell("B1", "Amount", s="2"))
        + row(2, cell("A2", 46000, s="3"), cell("B2", 7.5, s="4"))
        + row(3, cell("A3", "note", s="1"), cell("B3", 3, s="1"))
    )
    return Book([Sheet("Data", xml)], styles=styles).write(path)


def merged_header(path: Path) -> Path:
    """A two-row merged header (A1:C2) with no data under it yet."""
    xml = worksheet(
        row(1, cell("A1", "Buyers 2026", s="1"), cell("B1", s="1"), cell("C1", s="1"))
        + row(2, cell("A2", s="1"), cell("B2", s="1"), cell("C2", s="1")),
        tail='<mergeCells count="1"><mergeCell ref="A1:C2"/></mergeCells>',
    )
    return Book([Sheet("Data", xml)]).write(path)


def array_and_pivot(path: Path) -> Path:
    """A multi-cell array formula (D1:D3) and a pivot table's output range (F1:G4)."""
    xml = worksheet(
        row(1, cell("A1", 1), cell("D1", 2, f='<f t="array" ref="D1:D3">A1:A3*2</f>'))
        + row(2, cell("A2", 2), cell("D2", 4), cell("F2", "Row Labels"), cell("G2", "Sum"))
        + row(3, cell("A3", 3), cell("D3", 6), cell("F3", "x"), cell("G3", 6))
        + row(4, cell("F4", "Grand Total"), cell("G4", 6))
    )
    pivot = (
        f'{XML_HEAD}<pivotTableDefinition xmlns="{MAIN_NS}" name="P1" cacheId="1" '
        'dataCaption="Values"><location ref="F2:G4" firstHeaderRow="1" firstDataRow="1" '
        'firstDataCol="1"/></pivotTableDefinition>'
    )
    return Book(
        [Sheet("Data", xml, rels=rels(("rId1", "pivotTable", "../pivotTables/pivotTable1.xml")))],
        extra={"xl/pivotTables/pivotTable1.xml": pivot},
        overrides={"/xl/pivotTables/pivotTable1.xml": f"{CT}.pivotTable+xml"},
    ).write(path)


def unreadable_dimension(path: Path) -> Path:
    """<dimension ref="A1:C"/>: a range without its row, which neither reader can parse."""
    xml = worksheet(
        row(1, cell("A1", "Name"), cell("B1", "Amount"), cell("C1", "Note"))
        + row(2, cell("A2", "Hans"), cell("B2", 12), cell("C2", "x")),
        head='<dimension ref="A1:C"/>',
    )
    return Book([Sheet("Data", xml)]).write(path)


def date_column(path: Path) -> Path:
    """A data row whose first cell is date-formatted (style 2, yyyy-mm-dd)."""
    xml = worksheet(
        row(1, cell("A1", "Date", s="1"), cell("B1", "Amount", s="1"))
        + row(2, cell("A2", 46000, s="2"), cell("B2", 12.5, s="3"))
        + row(3, cell("A3", 46001, s="2"), cell("B3", 13, s="3"))
    )
    return Book([Sheet("Data", xml)]).write(path)


def no_styles_part(path: Path) -> Path:
    """No styles part at all (some libraries omit it); a cell still says s="3"."""
    xml = worksheet(
        row(1, cell("A1", "Name"), cell("B1", "Amount"))
        + row(2, cell("A2", "Hans"), cell("B2", 46000, s="3"))
    )
    return Book([Sheet("Data", xml)], styles=None).write(path)


def main_part_elsewhere(path: Path, main: str = "book/workbook.xml") -> Path:
    """The workbook part is found through _rels/.rels, not at xl/workbook.xml."""
    return Book(
        [buyers_sheet(row(2, cell("A2", "Hans"), cell("B2", "hans@example.de")))], main=main
    ).write(path)


def backslash_names(path: Path) -> Path:
    """Zip entry names with backslashes (xl\\workbook.xml), as some Windows tools write."""
    return Book(
        [buyers_sheet(row(2, cell("A2", "Hans"), cell("B2", "hans@example.de")))],
        separator="\\",
    ).write(path)


QUIRKS = {
    "empty_style_attributes": empty_style_attributes,
    "cased_part_names": cased_part_names,
    "alternate_content_styles": alternate_content_styles,
    "merged_header": merged_header,
    "array_and_pivot": array_and_pivot,
    "unreadable_dimension": unreadable_dimension,
    "date_column": date_column,
    "no_styles_part": no_styles_part,
    "main_part_elsewhere": main_part_elsewhere,
    "backslash_names": backslash_names,
}
