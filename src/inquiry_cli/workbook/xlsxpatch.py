"""Build the patched workbook zip: changed sheets spliced, new sheets added, the rest raw.

Workbook-level parts (workbook.xml, rels, [Content_Types].xml, app.xml, tables) are
edited as text too, so whatever else they hold (extensions, prefixes) is kept.
"""

from __future__ import annotations

import dataclasses
import itertools
import posixpath
import re
import zipfile
from concurrent.futures import Executor
from dataclasses import dataclass, field
from html import escape, unescape
from typing import Any, BinaryIO

from lxml import etree

from inquiry_cli.contract.changes import AddSheet, CellValue, ChangeSet
from inquiry_cli.errors import (
    ContractError,
    UsageError,
    WorkbookNotWritable,
    WorkbookUnreadable,
)
from inquiry_cli.workbook import condensed, ooxml
from inquiry_cli.workbook.habits import column_habits
from inquiry_cli.workbook.ooxml import (
    SMALL_PART,
    ZipSource,
    ZipWriter,
    deflate,
    new_info,
    rels_name,
    resolve_target,
    uses_1904_dates,
)
from inquiry_cli.workbook.refs import MAX_COL, SpanMap, TotalsMove, rewrite, rewrite_ranges
from inquiry_cli.workbook.sheetxml import (
    NeedWhole,
    Row,
    SheetPatch,
    SheetPatcher,
    SheetXml,
    TableSpot,
    attrs,
    cell_name,
    col_letters,
    grow_ranges,
    holds_value,
    move_formulas,
    moved_text,
    parse_range,
    parse_ref,
)
from inquiry_cli.workbook.spliced import Spliced
from inquiry_cli.workbook.styles import MAIN_NS, Styles, minimal_styles

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
RT_WORKSHEET = REL_NS + "/worksheet"
RT_STYLES = REL_NS + "/styles"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
WORKBOOK = "xl/workbook.xml"  # where the workbook part usually is (_rels/.rels says)
CONTENT_TYPES = "[Content_Types].xml"
APP_XML = "docProps/app.xml"
_BAD_NAME = re.compile(r"[\[\]:*?/\\]")
_REF_ATTR = re.compile(rb'(\bref\s*=\s*")([^"]*)(")')
_TABLE_COLUMN = re.compile(
    rb"<(?:[\w.-]+:)?tableColumn\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?tableColumn>)", re.S
)
_CALCULATED = re.compile(
    rb"<(?:[\w.-]+:)?calculatedColumnFormula\b([^>]*)>(.*?)</(?:[\w.-]+:)?calculatedColumnFormula>",
    re.S,
)
_CHART_FORMULA = re.compile(rb"(<(?:[\w.-]+:)?f>)([^<]*)(</(?:[\w.-]+:)?f>)")
_PIVOT_SOURCE = re.compile(rb"<(?:[\w.-]+:)?worksheetSource\b[^>]*>")
_HYPERLINK = re.compile(rb"<(?:[\w.-]+:)?hyperlink\b[^>]*>")
# A plain email address: the only text inq turns into a link target (mailto:).
_PLAIN_EMAIL = re.compile(
    r"(?=.{3,254}$)[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
_DEFINED_NAME = re.compile(
    rb"(<(?:[\w.-]+:)?definedName\b[^>]*>)([^<]*)(</(?:[\w.-]+:)?definedName>)"
)
# A style index on a cell or row (s="3") or a column (style="3").
_STYLE_INDEX = re.compile(rb"""<(?:[\w.-]+:)?(?:c|row|col)\s[^>]*?\bs(?:tyle)?\s*=\s*["'](\d+)""")


@dataclass
class SheetRef:
    """One <sheet> of workbook.xml, resolved to its part."""

    name: str
    part: str
    rel_type: str


@dataclass
class Patched:
    """What the patch changed, for the verifier and the caller."""

    # (a changed sheet is a Spliced: pieces of the old XML and the new rows, never joined;
    # or, condensed, an Inserted: those pieces with the untouched middle put back)
    replaced: dict[str, bytes | Spliced | condensed.Inserted] = field(default_factory=dict)
    added: dict[str, bytes] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    sheets: dict[str, tuple[str, SheetPatch]] = field(default_factory=dict)
    new_sheets: dict[str, tuple[str, dict[tuple[int, int], CellValue]]] = field(
        default_factory=dict
    )
    sheet_names: list[str] = field(default_factory=list)
    main: str = WORKBOOK  # the workbook part
    date1904: bool = False
    sha256: str = ""
    # The big new parts deflated on the pool: the verifier inflates each back from the
    # file against its XML (then trusts that XML), the deflated bytes gone once written.
    packed: set[str] = field(default_factory=set)


def _rels(xml: bytes) -> dict[str, tuple[str, str]]:
    root = etree.fromstring(xml)
    return {
        el.get("Id") or "": (el.get("Type", ""), el.get("Target", ""))
        for el in root.iterfind(f"{{{PKG_REL_NS}}}Relationship")
        if el.get("TargetMode") != "External"
    }


def _new_id(rels_xml: bytes) -> str:
    """A relationship Id no other one has, compared case-insensitively (rId3 vs rid3)."""
    taken = {
        (el.get("Id") or "").lower()
        for el in etree.fromstring(rels_xml).iterfind(f"{{{PKG_REL_NS}}}Relationship")
    }
    numbers = [int(m.group(1)) for i in taken if (m := re.fullmatch(r"rid(\d+)", i))]
    n = max(numbers, default=0) + 1
    while f"rid{n}" in taken:
        n += 1
    return f"rId{n}"


def _override_names(types_xml: bytes) -> set[str]:
    """The part names [Content_Types].xml has an Override for, lower-cased, without "/"."""
    return {
        m.group(1).decode("utf-8", "replace").lstrip("/").lower()
        for m in re.finditer(rb"""\bPartName\s*=\s*["']([^"']*)["']""", types_xml)
    }


def _insert_before_close(xml: bytes, local: bytes, fragment: bytes) -> bytes:
    matches = list(re.finditer(rb"</(?:[\w.-]+:)?" + local + rb">", xml))
    if not matches:
        raise WorkbookUnreadable(f"cannot find </{local.decode()}> to add to")
    at = matches[-1].start()
    return xml[:at] + fragment + xml[at:]


def _prefix(xml: bytes, local: bytes) -> bytes:
    m = re.search(rb"<([\w.-]+:)?" + local + rb"[\s>/]", xml)
    return (m.group(1) or b"") if m else b""


_WORKSHEET = re.compile(rb"<([\w.-]+:)?worksheet[\s>/]")
_FORMULA_PIECE = 1 << 20  # how much of an untouched sheet is inflated at a time
_GAP_ROWS = 20_000  # a template's rows to fill, looked through at most
_FOOTER_ROWS = 3  # the rows of notes under a sum row (制表人, 审核, 备注), at most


def _has_formula(src: ZipSource, part: str) -> bool:
    """Whether a sheet holds a formula (an </f>), scanned a piece at a time: the sheets a
    change leaves alone are never held whole."""
    needle: bytes | None = None
    buf = b""
    for piece in src.chunks(part, _FORMULA_PIECE):
        buf += piece
        if needle is None:
            root = _WORKSHEET.search(buf)
            if root is None and len(buf) < 1 << 20:
                continue  # (the root tag is not in yet)
            needle = b"</" + ((root.group(1) or b"") if root else b"") + b"f>"
        if needle in buf:
            return True
        buf = buf[-(len(needle) - 1) :]
    return needle is None and b"</f>" in buf  # (a small part without its root tag)


class WorkbookPatch:
    """Plans a ChangeSet against one open workbook and writes the new zip."""

    def __init__(self, src: ZipSource) -> None:
        self.src = src
        self.out = Patched()
        if len({n.lower() for n in src.by_name}) != len(src.by_name):
            raise WorkbookUnreadable(
                "the workbook holds two parts whose names differ only in case, so readers "
                "disagree on which is meant: open it in Excel, save it, and retry"
            )
        self.main = self.out.main = src.main
        self.main_rels = self.part(rels_name(self.main))
        if not src.has(self.main) or not src.has(self.main_rels):
            raise WorkbookUnreadable(
                f"the workbook is damaged ({self.main} or its relationships are missing): "
                "restore it from a backup"
            )
        self.content_types = self.part(CONTENT_TYPES)
        self.wb_xml = self.orig_wb_xml = src.read(self.main)
        self.rels_xml = src.read(self.main_rels)
        self.rels = _rels(self.rels_xml)
        root = etree.fromstring(self.wb_xml)
        self.out.date1904 = uses_1904_dates(self.wb_xml)
        self.sheets: list[SheetRef] = []
        for el in root.iterfind(f"{{{MAIN_NS}}}sheets/{{{MAIN_NS}}}sheet"):
            rel_type, target = self.rels.get(el.get(f"{{{REL_NS}}}id", ""), ("", ""))
            self.sheets.append(SheetRef(el.get("name", ""), self.target(target), rel_type))
        self.sheet_ids = [
            int(sid) if (sid := el.get("sheetId", "").strip()).isdigit() else 0
            for el in root.iterfind(f"{{{MAIN_NS}}}sheets/{{{MAIN_NS}}}sheet")
        ]
        self._styles: Styles | None = None
        self.styles_part = next(
            (self.target(t) for ty, t in self.rels.values() if ty.endswith("/styles")), None
        )
        if self.styles_part is not None and not src.has(self.styles_part):
            self.styles_part = None  # a relationship to nothing: as if there were none
        self.formulas_moved = False
        self._changed: list[SheetXml] = []
        self._moves: list[tuple[SheetRef, TotalsMove]] = []

    def part(self, name: str) -> str:
        """The zip's own name for a part (part names are case-insensitive in OOXML)."""
        return self.src.name(name) or name

    def target(self, target: str, base: str | None = None) -> str:
        """A relationship Target of `base` (the workbook part) as the zip names it."""
        return self.part(resolve_target(base or self.main, target))

    # -- lookups -------------------------------------------------------------------
    def sheet(self, name: str) -> SheetRef:
        ref = next((r for r in self.sheets if r.name == name), None) or next(
            (r for r in self.sheets if r.name.casefold() == name.casefold()), None
        )
        if ref is None:
            have = ", ".join(r.name for r in self.sheets)
            raise ContractError(f"no sheet named {name!r} in the workbook (sheets: {have})")
        if not ref.rel_type.endswith("/worksheet") or not self.src.has(ref.part):
            raise ContractError(f"sheet {ref.name!r} is not a worksheet inq can write to")
        return ref

    @property
    def styles(self) -> Styles:
        """The stylesheet; a workbook without one gets a minimal one (only when a date or
        a bold header needs a cell format: text and numbers need none)."""
        if self._styles is None:
            if self.styles_part is None:
                self._styles = Styles(minimal_styles(self._used_formats()), new=True)
                self.styles_part, _rid = self._add_part("styles.xml", RT_STYLES, CT_STYLES)
            else:
                self._styles = Styles(self.src.read(self.styles_part))
        return self._styles

    def _used_formats(self) -> int:
        """How many cell formats the sheets already point at (s="3" in a workbook without
        styles): a new stylesheet gives them all the default look, before any new one."""
        top = 0
        for ref in self.sheets:
            if ref.rel_type.endswith("/worksheet") and self.src.has(ref.part):
                xml = self.src.read(ref.part)
                for m in _STYLE_INDEX.finditer(xml):
                    top = max(top, int(m.group(1)))
        return top + 1

    def date_style(self, base: int | None, with_time: bool) -> int:
        return self.styles.date_style(base, with_time)

    def number_style(self, base: int) -> int:
        if self.styles_part is None:
            return base  # no stylesheet: every cell shows numbers as numbers
        return self.styles.number_style(base)

    # -- planning --------------------------------------------------------------------
    def plan(self, changes: ChangeSet) -> None:
        from concurrent.futures import ThreadPoolExecutor

        names = list(dict.fromkeys([*changes.appends, *changes.sets]))
        with ThreadPoolExecutor(max_workers=1) as pool:
            # Scanning the other sheets for formulas overlaps the splice (zlib frees the GIL).
            other = pool.submit(self._other_formulas, set(names)) if names else None
            self._plan(changes, names)
            other_formulas = other.result() if other else False
        self._finish(names, other_formulas)

    def _plan(self, changes: ChangeSet, names: list[str]) -> None:
        for name in names:
            ref = self.sheet(name)
            if ref.name in self.out.sheets:
                raise UsageError(f"sheet {ref.name!r} named twice in one change")
            self._patch_sheet(
                ref,
                changes.appends.get(name, []),
                changes.sets.get(name, {}),
                changes.header_rows.get(name, 0),
                changes.serial_columns.get(name, []),
            )
        for moved, move in self._moves:
            self._follow_on_other_sheets(moved, move)
        for add in changes.new_sheets:
            self._add_sheet(add)

    def _finish(self, names: list[str], other_formulas: bool) -> None:
        wb = self.wb_xml
        if names and (other_formulas or any(s.has_formulas() for s in self._changed)):
            wb = self._full_calc(wb)
        if self.formulas_moved and self.calc_chain is not None:
            self._drop_calc_chain(self.calc_chain)
        if self._styles is not None and self._styles.changed:
            assert self.styles_part is not None
            into = self.out.added if self.styles_part in self.out.added else self.out.replaced
            into[self.styles_part] = self._styles.to_bytes()
        if wb != self.orig_wb_xml:
            self.out.replaced[self.main] = wb
        self.out.sheet_names = [s.name for s in self.sheets] + list(self.out.new_sheets)

    def _patch_sheet(
        self,
        ref: SheetRef,
        appends: list[dict[int, CellValue]],
        sets: dict[tuple[int, int], CellValue],
        header: int = 0,
        serials: list[int] | None = None,
    ) -> None:
        cond = None
        if appends and not sets and self.src.info(ref.part).file_size >= ooxml.APPEND_STREAMED:
            cond = condensed.condense(self.src, ref.part)
        if cond is not None:
            try:
                sheet = SheetXml(cond.xml, ref.name, cond.gap)
                self._patch_sheet_xml(ref, sheet, cond, appends, sets, header, serials)
                return
            except NeedWhole:  # (nothing is kept of the try: the plan is made again)
                pass
        sheet = SheetXml(self.src.read(ref.part), ref.name)
        self._patch_sheet_xml(ref, sheet, None, appends, sets, header, serials)

    def _patch_sheet_xml(
        self,
        ref: SheetRef,
        sheet: SheetXml,
        cond: condensed.Condensed | None,
        appends: list[dict[int, CellValue]],
        sets: dict[tuple[int, int], CellValue],
        header: int,
        serials: list[int] | None,
    ) -> None:
        """Plan one sheet's edits, held whole or condensed (`cond`: its head and tail)."""
        tables = self._tables(ref.part) if appends else {}
        header_rows = {h for h, _ in tables.values() if h}
        target = _target_table(tables, appends, sheet) if tables else None
        summed = target is None and appends and self._sum_row(sheet, header, serials or [])
        if summed:
            target = _table_over(tables, appends, summed) or ("", summed)
        after = 0
        if target is None and appends and not summed:
            after, total_row = self._template_gap(sheet, appends, header, serials or [])
            if total_row:  # more new rows than the template has left: the sum row moves too
                summed = self._plain_sum_row(sheet, total_row, header)
                target = ("", summed)
        pivots = self._pivot_outputs(ref.part)

        def planned(spot: TableSpot | None) -> SheetPatcher:
            if spot is not None and spot.totals_row:
                self._refuse_notes_on(ref, spot, len(appends))
            patcher = SheetPatcher(
                sheet, self.date_style, self.out.date1904, self.number_style, column_habits
            )
            patcher.plan(
                appends, sets, header_rows, pivots, spot, after=after, serials=serials or []
            )
            return patcher

        try:
            patcher = planned(target[1] if target else None)
        except WorkbookNotWritable:
            if not summed:
                raise
            # A sum row that cannot move (a formula shared along it, a note on it): the
            # rows go under it, as before. (The checks come before any cell is made.)
            target, after = None, 0
            patcher = planned(None)
        result = patcher.result
        rendered = patcher.render()
        if result.above and appends and rendered.find(b"hyperlink", sheet.inner_end) >= 0:
            rendered = self._mail_links(ref.part, sheet, rendered, result)  # (the tail's)
        written: Spliced | condensed.Inserted = rendered
        if cond is not None:
            written = condensed.Inserted(rendered, condensed.kept_at(rendered, sheet), cond)
        self.out.replaced[ref.part] = written
        self.out.sheets[ref.name] = (ref.part, result)
        self._changed.append(sheet)
        if patcher.move is not None and target is not None:
            span = patcher.move.span
            if target[0] in tables:  # (a sum row on a plain sheet has no Table part)
                xml = tables[target[0]][1]
                self.out.replaced[target[0]] = _REF_ATTR.sub(
                    lambda r: r.group(1) + rewrite_ranges(r.group(2), span) + r.group(3), xml
                )
            self.wb_xml = _move_names(self.wb_xml, ref.name, span)
            self._moves.append((ref, patcher.move))  # followed once every sheet is planned
            # calcChain.xml lists formula cells by address; the totals row's have moved, and
            # Excel repairs a file whose chain names a cell without a formula: drop it.
            self.formulas_moved = True
        elif result.new_last > result.old_last:
            for part, (_header, xml) in tables.items():
                grown = self._grow_table(xml, result.old_last, result.new_last)
                if grown != xml:
                    self.out.replaced[part] = grown

    def _sum_row(
        self, sheet: SheetXml, header: int = 0, serials: list[int] | None = None
    ) -> TableSpot | None:
        """A plain sheet whose last row sums the records right above it ("合计", "Total",
        as the reader knows one: layout.is_sum_row): rows go in above it, and it moves
        down with its sums grown over them, as under a Table's totals row. Not under a
        blank row or another sum row (小计 over 合计): there the rows go below, as before.
        The records start under `header` (the reader's header row; else at row 1)."""
        from inquiry_cli.workbook.layout import is_sum_row

        row = _text_last_row(sheet)
        above = sheet.find(row.number - 1) if row is not None else None
        if row is None or not isinstance(above, Row) or not sheet.has_value(above):
            return None
        if _Fillable(sheet, set(serials or ()), set())(above):
            return None  # a template's row numbered ahead: _template_gap fills it
        values = self._rows_read(sheet, above, row)
        if not is_sum_row(values.get(row.number, [])) or is_sum_row(values.get(above.number, [])):
            return None
        return self._plain_sum_row(sheet, row.number, header)

    @staticmethod
    def _plain_sum_row(sheet: SheetXml, last: int, header: int) -> TableSpot:
        """The sum row at row `last` of a plain sheet, moved as a Table's totals row."""
        return TableSpot(
            sheet.name, 1, MAX_COL, last, totals_row=last,
            data_from=header + 1 if 0 < header < last - 1 else 1,
            what=f"the list on {sheet.name}", plain=True,
        )  # fmt: skip

    def _template_gap(
        self,
        sheet: SheetXml,
        appends: list[dict[int, CellValue]],
        header: int = 0,
        serials: list[int] | None = None,
    ) -> tuple[int, int]:
        """The last record of a template, when the rows under it are the template's to
        fill: empty (borders only), numbered ahead (序号 1..50 in `serials` columns), or
        holding formulas of columns the new records leave to them (=IF(B5="","",G5*5%)).
        Above a sum row, only as many as there are, and only where its sums already reach
        over them (合计 =SUM(G2:G50) under 3 buyers): the sum row stays, or, for more
        new rows than the template has left, moves down under them (its row number is
        the second of the two). (0, 0) when the rows go where they would without them."""
        from inquiry_cli.workbook.layout import is_sum_row

        last = sheet.last_value_row()
        bottom = sheet.find(last) if last > 1 else None
        if not isinstance(bottom, Row):
            return 0, 0
        wanted = {c for a in appends for c, v in a.items() if v not in (None, "")}
        fill = _Fillable(sheet, set(serials or ()), wanted)
        total = None
        if not fill(bottom):
            total = _text_last_row(sheet)
            if total is None:
                return 0, 0  # a record (a log's date first): the rows go under it
            total = self._total_over_footer(sheet, total) or total
        records = None
        for k, row in enumerate(sheet.rows_up(total or bottom)):
            if k > _GAP_ROWS:
                return 0, 0
            if (total is None or row.number != total.number) and not fill(row):
                records = row
                break
        if records is None or records.number < header or records.number == last:
            return 0, 0
        count = len(appends)
        if total is None:  # rows numbered or made ahead to the end: fill on past them
            return records.number, 0
        room = total.number - records.number - 1
        if room < 1:
            return 0, 0  # (none: the sum row moves, _sum_row)
        values = self._rows_read(sheet, records, total)
        if not is_sum_row(values.get(total.number, [])) or is_sum_row(
            values.get(records.number, [])
        ):
            return 0, 0
        first = records.number + 1
        # The sums over the rows to fill, and those over the last record (=COUNTA(B2:B3)
        # ends on it: the rows past it are not its), must all reach the rows filled.
        reach = _summed_rows(sheet, total, first)
        if not reach or min(reach + _summed_rows(sheet, total, records.number)) < (
            first + min(count, room) - 1
        ):
            return 0, 0
        return records.number, (total.number if count > room else 0)

    def _total_over_footer(self, sheet: SheetXml, bottom: Row) -> Row | None:
        """A sum row with a footer under it (制表人：张三  审核：, 备注：…): the lowest of
        the last rows that is a sum row, when the rows under it are notes, never records
        (layout.is_footer_row, as the reader knows them)."""
        from inquiry_cli.workbook.layout import is_footer_row, is_sum_row

        filled = [c for c in sheet.cells(bottom) if holds_value(c[4], sheet.p)]
        if not 0 < len(filled) <= 2:
            return None  # (a record or a sum row: no footer)
        rows = list(itertools.islice(sheet.rows_up(bottom), _FOOTER_ROWS + 1))
        if len(rows) < 2:
            return None
        by_row = self._rows_read(sheet, rows[-1], bottom)
        for row in rows[1:]:  # (from the row above the bottom one, upwards)
            if not is_sum_row(by_row.get(row.number, [])):
                continue
            notes = [cells for number, cells in by_row.items() if number > row.number]
            written = [cells for cells in notes if any(v not in (None, "") for v in cells)]
            return row if all(map(is_footer_row, written)) else None
        return None

    def _rows_read(self, sheet: SheetXml, first: Row, last: Row) -> dict[int, list[Any]]:
        """{Excel row: cells} of rows first..last as the reader sees them (a throwaway
        calamine read of those rows alone)."""
        from inquiry_cli.workbook.miniwb import read_sheets

        sheet.across(first.start, last.start)
        xml = sheet.xml[first.start : last.end]
        [mini] = read_sheets(self.src, self.src, sheet.root_tag, sheet.p, [xml], self.out.date1904)
        top = (mini.start or (0, 0))[0] + 1  # (the Excel row of the first row read)
        return {top + i: cells for i, cells in enumerate(mini.to_python(skip_empty_area=True))}

    def _tables(self, sheet_part: str) -> dict[str, tuple[int, bytes]]:
        """Table parts of a sheet: part -> (header row or 0, xml)."""
        out = {}
        for rel_type, target in self._sheet_rels(sheet_part):
            if rel_type.endswith("/table"):
                part = self.target(target, sheet_part)
                if self.src.has(part):
                    xml = self.src.read(part)
                    m = re.search(rb"<(?:[\w.-]+:)?table\b[^>]*>", xml)
                    a = attrs(m.group()) if m else {}
                    first = parse_ref(a.get(b"ref", b"A0").split(b":")[0])
                    header = first[0] if first and a.get(b"headerRowCount") != b"0" else 0
                    out[part] = (header, xml)
        return out

    def _refuse_notes_on(self, ref: SheetRef, table: TableSpot, count: int) -> None:
        """A comment (note) on the totals row, or on the rows it moves into, would stay
        behind on another cell: refuse rather than move it wrongly."""
        at = table.totals_row
        for rel_type, target in self._sheet_rels(ref.part):
            if not rel_type.endswith(("/comments", "/threadedComment")):
                continue
            part = self.target(target, ref.part)
            if not self.src.has(part):
                continue
            for m in re.finditer(
                rb"<(?:[\w.-]+:)?(?:comment|threadedComment)\b[^>]*>", self.src.read(part)
            ):
                cell = parse_ref(attrs(m.group()).get(b"ref", b""))
                if cell and at <= cell[0] <= at + count:
                    raise WorkbookNotWritable(
                        f"{ref.name}!{cell_name(*cell)} has a comment on or under the totals "
                        f"row of {table.label}, which inq cannot move with the row; add "
                        "the row in Excel instead (or move the comment)"
                    )

    def _follow_on_other_sheets(self, moved: SheetRef, move: TotalsMove) -> None:
        """Formulas on other sheets that point at the moved totals row (='Buyers'!H5) or
        over the grown data follow them. A sheet is searched only if it names the sheet."""
        name = escape(moved.name, quote=False)
        needles = [f"{name}!".encode(), f"'{name.replace(chr(39), chr(39) * 2)}'!".encode()]
        for other in self.sheets:
            if other is moved or not other.rel_type.endswith("/worksheet"):
                continue
            if not self.src.has(other.part):
                continue
            changed = self.out.replaced.get(other.part)  # (joined: rare, a moved total named)
            if isinstance(changed, condensed.Inserted):
                xml = changed.joined(self.src, other.part)
            else:
                xml = bytes(changed) if changed is not None else self.src.read(other.part)
            if not _may_name(xml, needles):
                continue
            p = SheetXml(xml, other.name).p
            new = move_formulas(xml, p, moved.name, move.span, own=False)
            if new != xml:
                self.out.replaced[other.part] = new
                # Checked like a changed sheet: every cell as it was (no values change).
                self.out.sheets.setdefault(other.name, (other.part, SheetPatch()))
        self._follow_in_charts(moved, move, needles)

    def _follow_in_charts(self, moved: SheetRef, move: TotalsMove, needles: list[bytes]) -> None:
        """Chart series over the Table's data grow with it (Excel grows them too), and a
        pivot table's source range over it; their cached values stay until Excel
        refreshes them."""
        for part in self.src.by_name:
            low = part.lower()
            if "/charts/chart" in low and low.endswith(".xml"):
                xml = self.src.read(part)
                if _may_name(xml, needles):
                    new = _CHART_FORMULA.sub(
                        lambda m: (
                            m.group(1)
                            + moved_text(m.group(2), moved.name, move.span, own=False)
                            + m.group(3)
                        ),
                        xml,
                    )
                    if new != xml:
                        self.out.replaced[part] = new
            elif "/pivotcache/pivotcachedefinition" in low and low.endswith(".xml"):
                xml = self.src.read(part)
                new = _PIVOT_SOURCE.sub(lambda m: _moved_source(m.group(), moved.name, move), xml)
                if new != xml:
                    self.out.replaced[part] = new

    def _mail_links(self, part: str, sheet: SheetXml, xml: Spliced, result: SheetPatch) -> Spliced:
        """A new email under a mailto: link gets a link to its own address (and nothing
        but a plain, valid address ever becomes a link target)."""
        rels_part = self.part(rels_name(part))
        if not self.src.has(rels_part):
            return xml
        rels = self.src.read(rels_part)
        targets = {
            el.get("Id"): el.get("Target", "")
            for el in etree.fromstring(rels).iterfind(f"{{{PKG_REL_NS}}}Relationship")
            if el.get("TargetMode") == "External"
        }
        tail_at = xml.rfind(b"</" + sheet.p + b"sheetData>")
        tail = xml[tail_at:]
        above: dict[int, bytes] = {}  # column -> its hyperlink tag in the row above
        for m in _HYPERLINK.finditer(tail):
            a = attrs(m.group())
            bounds = parse_range(a.get(b"ref", b""))
            rid = next((v for k, v in a.items() if k.endswith(b":id")), b"").decode()
            if bounds is None or not bounds[0] <= result.above <= bounds[2]:
                continue
            if bounds[1] == bounds[3] and targets.get(rid, "").lower().startswith("mailto:"):
                tag = m.group()
                above[bounds[1]] = tag if tag.endswith(b"/>") else tag[:-1].rstrip() + b"/>"
        new_tags = []
        for row in result.appended_rows:
            for col, tag in above.items():
                value = result.expected.get((row, col))
                if not isinstance(value, str) or not _PLAIN_EMAIL.fullmatch(value):
                    continue
                rid = _new_id(rels)
                rp = _prefix(rels, b"Relationships")
                rels = _insert_before_close(
                    rels,
                    b"Relationships",
                    b'<%sRelationship Id="%s" Type="%s/hyperlink" Target="mailto:%s" '
                    b'TargetMode="External"/>'
                    % (rp, rid.encode(), REL_NS.encode(), value.encode()),
                )
                where, rid_b = cell_name(row, col).encode(), rid.encode()
                new = re.sub(rb'\s(?:display|tooltip|location)="[^"]*"', b"", tag)
                new = re.sub(rb'(\bref=")[^"]*', rb"\g<1>" + where, new)
                new = re.sub(rb'(:id=")[^"]*', rb"\g<1>" + rid_b, new)
                new_tags.append(new)
        if not new_tags:
            return xml
        close = tail.rfind(b"</" + sheet.p + b"hyperlinks>")
        if close < 0:
            return xml
        self.out.replaced[rels_part] = rels
        return xml.splice(tail_at + close, b"".join(new_tags))

    def _sheet_rels(self, sheet_part: str) -> list[tuple[str, str]]:
        """(type, target) of a sheet's relationships."""
        rels_part = rels_name(sheet_part)
        if not self.src.has(rels_part):
            return []
        return list(_rels(self.src.read(rels_part)).values())

    def _pivot_outputs(self, sheet_part: str) -> list[tuple[tuple[int, int, int, int], str]]:
        """Where the sheet's pivot tables write their output: a value typed there is
        overwritten on the next refresh."""
        out = []
        for rel_type, target in self._sheet_rels(sheet_part):
            part = self.target(target, sheet_part)
            if not rel_type.endswith("/pivotTable") or not self.src.has(part):
                continue
            xml = self.src.read(part)
            root = re.search(rb"<(?:[\w.-]+:)?pivotTableDefinition\b[^>]*>", xml)
            loc = re.search(rb"<(?:[\w.-]+:)?location\b[^>]*>", xml)
            bounds = parse_range(attrs(loc.group()).get(b"ref", b"")) if loc else None
            if bounds:
                name = attrs(root.group()).get(b"name", b"") if root else b""
                table = unescape(name.decode("utf-8", "replace")) or "?"
                ref = attrs(loc.group())[b"ref"].decode()  # type: ignore[union-attr]
                out.append(
                    (
                        bounds,
                        f"is in the output of pivot table {table} ({ref}): a refresh "
                        "overwrites it; change the pivot table's source data instead",
                    )
                )
        return out

    @staticmethod
    def _grow_table(xml: bytes, old_last: int, new_last: int) -> bytes:
        """A table ending on the old last row grows over the appended rows (no totals row)."""
        m = re.search(rb"<(?:[\w.-]+:)?table\b[^>]*>", xml)
        if m is None or attrs(m.group()).get(b"totalsRowCount", b"0") not in (b"0", b""):
            return xml
        return re.sub(
            rb'(\bref=")([^"]*)(")',
            lambda r: r.group(1) + grow_ranges(r.group(2), old_last, new_last) + r.group(3),
            xml,
        )

    @property
    def calc_chain(self) -> str | None:
        """The calculation chain part (Excel's list of formula cells), if there is one."""
        for rel_type, target in self.rels.values():
            if rel_type.endswith("/calcChain") and self.src.has(self.target(target)):
                return self.target(target)
        return None

    def _other_formulas(self, changed: set[str]) -> bool:
        """Whether any formula may depend on the change (calcChain, or <f> in any sheet)."""
        if self.calc_chain is not None:
            return True
        for ref in self.sheets:
            if ref.name in changed or not ref.rel_type.endswith("/worksheet"):
                continue
            if self.src.has(ref.part) and _has_formula(self.src, ref.part):
                return True
        return False

    def _full_calc(self, wb: bytes) -> bytes:
        """Mark the workbook for a full recalculation when Excel next opens it."""
        p = _prefix(wb, b"workbook")
        m = re.search(rb"<" + re.escape(p) + rb"calcPr\b[^>]*?(/?)>", wb)
        if m:
            tag = m.group()
            if re.search(rb"\bfullCalcOnLoad=", tag):
                tag = re.sub(rb'\bfullCalcOnLoad="[^"]*"', b'fullCalcOnLoad="1"', tag)
            else:
                cut = len(tag) - len(m.group(1)) - 1
                tag = tag[:cut].rstrip() + b' fullCalcOnLoad="1"' + tag[cut:]
            return wb[: m.start()] + tag + wb[m.end() :]
        new = b'<%scalcPr fullCalcOnLoad="1"/>' % p
        for after in (b"definedNames", b"externalReferences", b"functionGroups", b"sheets"):
            close = wb.find(b"</" + p + after + b">")
            if close >= 0:
                end = close + len(p) + len(after) + 3
                return wb[:end] + new + wb[end:]
        return wb

    def _drop_calc_chain(self, part: str) -> None:
        """Formula cells moved (a totals row): Excel rebuilds calcChain.xml if it is missing."""
        self.out.removed.add(part)
        rels = self._part_xml(self.main_rels, self.rels_xml)
        rels = re.sub(rb"<(?:[\w.-]+:)?Relationship\b[^>]*/calcChain[\"'][^>]*/>", b"", rels)
        self.out.replaced[self.main_rels] = rels
        types = self._types()
        name = re.escape(b"/" + part.encode())
        types = re.sub(
            rb"<(?:[\w.-]+:)?Override\b[^>]*[\"']" + name + rb"[\"'][^>]*/>",
            b"",
            types,
            flags=re.IGNORECASE,
        )
        self.out.replaced[self.content_types] = types

    def _types(self) -> bytes:
        return self._part_xml(self.content_types) or self.src.read(self.content_types)

    def _part_xml(self, name: str, default: bytes = b"") -> bytes:
        """A part as changed so far (else `default`), as bytes: the workbook's own parts
        (rels, content types, app.xml), never a big sheet's pieces."""
        changed = self.out.replaced.get(name)
        if changed is None:
            return default
        assert not isinstance(changed, condensed.Inserted)  # (a sheet's, never asked for)
        return changed if isinstance(changed, bytes) else bytes(changed)

    def _add_part(self, name: str, rel_type: str, content_type: str) -> tuple[str, str]:
        """Name a new part beside the workbook part (`name` may hold {n} for a number),
        with its relationship (Id returned) and content type; its bytes go in out.added.

        A name is taken if a part, an Override or a relationship already uses it in any
        case: part names are case-insensitive, so Sheet1.xml and sheet1.xml are one part.
        """
        folder = posixpath.dirname(self.main)
        types = self._types()
        rels = self._part_xml(self.main_rels, self.rels_xml)
        used = {n.lower() for n in (*self.src.by_name, *self.out.added)}
        used |= _override_names(types)
        used |= {resolve_target(self.main, t).lower() for _ty, t in _rels(rels).values()}
        number = 1
        while True:
            relative = name.format(n=number)
            part = posixpath.join(folder, relative) if folder else relative
            if part.lower() not in used:
                break
            if "{n}" not in name:
                raise WorkbookUnreadable(
                    f"cannot add {part}: the workbook already names a part so; open it in "
                    "Excel, save it, and retry"
                )
            number += 1
        self.out.added[part] = b""  # reserved; the caller puts the bytes in
        rid = _new_id(rels)
        rp = _prefix(rels, b"Relationships")
        self.out.replaced[self.main_rels] = _insert_before_close(
            rels,
            b"Relationships",
            b'<%sRelationship Id="%s" Type="%s" Target="%s"/>'
            % (rp, rid.encode(), rel_type.encode(), escape(relative, quote=True).encode()),
        )
        tp = _prefix(types, b"Types")
        self.out.replaced[self.content_types] = _insert_before_close(
            types,
            b"Types",
            b'<%sOverride PartName="/%s" ContentType="%s"/>'
            % (tp, escape(part, quote=True).encode(), content_type.encode()),
        )
        return part, rid

    # -- new sheets ----------------------------------------------------------------
    def _add_sheet(self, add: AddSheet) -> None:
        name = add.name
        taken = {s.name.casefold() for s in self.sheets} | {
            n.casefold() for n in self.out.new_sheets
        }
        if not name or len(name) > 31 or _BAD_NAME.search(name) or name.startswith("'"):
            raise UsageError(f"{name!r} cannot be a sheet name (1-31 characters, none of []:*?/\\)")
        if name.casefold() in taken:
            raise UsageError(f"the workbook already has a sheet named {name!r}")
        part, rid = self._add_part("worksheets/sheet{n}.xml", RT_WORKSHEET, CT_WORKSHEET)
        xml, expected = self._sheet_xml(add)
        self.out.added[part] = xml
        self.out.new_sheets[name] = (part, expected)

        wb = self.wb_xml
        p = _prefix(wb, b"workbook")
        # Use the root's prefix for the relationships namespace; openpyxl declares it on
        # each <sheet> instead, so then the new <sheet> declares it too.
        root_tag = wb[: wb.index(b">", wb.index(b"<" + p + b"workbook")) + 1]
        m = re.search(rb'xmlns:([\w.-]+)="' + re.escape(REL_NS.encode()) + rb'"', root_tag)
        rid_attr = (
            b'%s:id="%s"' % (m.group(1), rid.encode())
            if m
            else (b'xmlns:r="%s" r:id="%s"' % (REL_NS.encode(), rid.encode()))
        )
        sheet_id = max(self.sheet_ids, default=0) + 1
        self.sheet_ids.append(sheet_id)
        if add.state not in ("visible", "hidden", "veryHidden"):
            raise UsageError(f"a sheet cannot be {add.state!r}: visible, hidden or veryHidden")
        state = b"" if add.state == "visible" else b' state="%s"' % add.state.encode()
        self.wb_xml = _insert_before_close(
            wb,
            b"sheets",
            b'<%ssheet name="%s" sheetId="%d"%s %s/>'
            % (p, escape(name, quote=True).encode(), sheet_id, state, rid_attr),
        )
        self._app_titles(name)

    def _sheet_xml(self, add: AddSheet) -> tuple[bytes, dict[tuple[int, int], CellValue]]:
        """A new worksheet: bold header, frozen first row, the given column widths."""
        cols = b""
        if add.widths:
            cols = (
                b"<cols>"
                + b"".join(
                    b'<col min="%d" max="%d" width="%s" customWidth="1"/>'
                    % (c, c, repr(float(w)).encode())
                    for c, w in sorted(add.widths.items())
                )
                + b"</cols>"
            )
        skeleton = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<worksheet xmlns="%s" xmlns:r="%s"><dimension ref="A1"/>'
            b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            b'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
            b'activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            b'<sheetFormatPr defaultRowHeight="15"/>%s<sheetData></sheetData>'
            b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
            b'footer="0.3"/></worksheet>'
        ) % (MAIN_NS.encode(), REL_NS.encode(), cols)
        patcher = SheetPatcher(
            SheetXml(skeleton, add.name), self.date_style, self.out.date1904, self.number_style
        )
        bold = self.styles.bold_style() if add.header else None
        header: dict[int, CellValue] = {c: v for c, v in enumerate(add.header, start=1)}
        rows = [header] + [{c: v for c, v in enumerate(r, start=1)} for r in add.rows]
        edits = []
        expected: dict[tuple[int, int], CellValue] = {}
        for number, values in enumerate(rows, start=1):
            styles = {c: bold for c in values} if number == 1 and bold else {}
            edits.append(patcher._new_row(number, values, styles, b""))
            expected.update({(number, c): v for c, v in values.items()})
        written = [k for k, v in expected.items() if v is not None and v != ""]
        dim = b"A1"
        if written:
            dim = b"A1:%s%d" % (
                col_letters(max(c for _r, c in written)).encode(),
                max(r for r, _c in written),
            )
        xml = skeleton.replace(b'<dimension ref="A1"/>', b'<dimension ref="%s"/>' % dim)
        xml = xml.replace(
            b"<sheetData></sheetData>", b"<sheetData>" + b"".join(edits) + b"</sheetData>"
        )
        return xml, expected

    def _app_titles(self, name: str) -> None:
        """docProps/app.xml lists worksheet titles; update it when its layout is the usual one."""
        app = self.part(APP_XML)
        if not self.src.has(app):
            return
        xml = self._part_xml(app) or self.src.read(app)
        heading = re.search(
            rb"<HeadingPairs>\s*<vt:vector\b[^>]*>\s*<vt:variant>\s*<vt:lpstr>[^<]*</vt:lpstr>"
            rb"\s*</vt:variant>\s*<vt:variant>\s*<vt:i4>(\d+)</vt:i4>",
            xml,
        )
        titles = re.search(rb'<TitlesOfParts>\s*<vt:vector size="(\d+)"[^>]*>', xml)
        if not heading or not titles:
            return
        first = re.search(rb"<vt:lpstr>([^<]*)</vt:lpstr>", xml[heading.start() :])
        if first is None or first.group(1) not in (b"Worksheets", "工作表".encode()):
            return
        count = int(heading.group(1))
        pos = titles.end()
        for _ in range(count):
            end = xml.find(b"</vt:lpstr>", pos)
            if end < 0:
                return
            pos = end + len(b"</vt:lpstr>")
        entry = b"<vt:lpstr>%s</vt:lpstr>" % escape(name, quote=False).encode()
        size = str(int(titles.group(1)) + 1).encode()
        # Edit from the back so earlier offsets stay valid.
        xml = xml[:pos] + entry + xml[pos:]
        xml = xml[: titles.start(1)] + size + xml[titles.end(1) :]
        xml = xml[: heading.start(1)] + str(count + 1).encode() + xml[heading.end(1) :]
        self.out.replaced[app] = xml

    # -- writing -----------------------------------------------------------------------
    def write(self, fh: BinaryIO, pool: Executor) -> Patched:
        """Write the zip; big parts are deflated on `pool` at once (ISA-L frees the GIL),
        and each is inflated back there while the rest is written (see Patched)."""
        new = {**self.out.replaced, **self.out.added}
        big = {n: pool.submit(deflate, d) for n, d in new.items() if len(d) > SMALL_PART}
        writer = ZipWriter(fh)

        def add(info: zipfile.ZipInfo, name: str) -> None:
            data = new[name]
            if name not in big:
                writer.add(info, data)
                return
            writer.add(info, data, big.pop(name).result())
            self.out.packed.add(name)

        for info in self.src.infos:
            name = info.filename
            if name in self.out.removed:
                continue
            if name in self.out.replaced:
                add(info, name)
            else:
                writer.copy(info, self.src.raw(info))
        like = self.src.by_name.get(self.main)
        for name in self.out.added:
            add(new_info(name, like), name)
        writer.close()
        self.out.sha256 = writer.sha256.hexdigest()
        return self.out


def _may_name(xml: bytes, needles: list[bytes]) -> bool:
    """Whether XML may name a sheet (`needles`: its name before a "!"). A name written
    with character references ('&#23458;&#25143;'!E4, as openpyxl writes 客户; &apos;My
    Buyers&apos;!E4, as LibreOffice does) is no needle the bytes hold: a part with any
    reference (&) is searched too."""
    return any(needle in xml for needle in needles) or b"&" in xml


def _table_spot(xml: bytes) -> TableSpot | None:
    """What the patcher needs of a table part: range, totals row, calculated columns."""
    m = re.search(rb"<(?:[\w.-]+:)?table\b[^>]*>", xml)
    a = attrs(m.group()) if m else {}
    bounds = parse_range(a.get(b"ref", b""))
    if bounds is None:
        return None
    r1, c1, r2, c2 = bounds
    totals = a.get(b"totalsRowCount", b"0").strip() not in (b"", b"0")
    name = unescape((a.get(b"displayName") or a.get(b"name") or b"?").decode("utf-8", "replace"))
    formulas: dict[int, bytes] = {}
    for k, col in enumerate(_TABLE_COLUMN.finditer(xml)):
        f = _CALCULATED.search(col.group(1) or b"")
        if f and attrs(f.group(1)).get(b"array") not in (b"1", b"true") and f.group(2).strip():
            formulas[c1 + k] = f.group(2)
    headers = 0 if a.get(b"headerRowCount", b"1").strip() == b"0" else 1
    return TableSpot(name, c1, c2, r2, r2 if totals else 0, formulas, r1 + headers)


class _Fillable:
    """Whether a row is a template's to fill with new records: no cell holds a value the
    user typed, but for a count numbered ahead (`serials`) and formulas in columns the
    new records do not write (`wanted`)."""

    def __init__(self, sheet: SheetXml, serials: set[int], wanted: set[int]) -> None:
        self.sheet, self.serials, self.wanted = sheet, serials, wanted - serials
        self.formula = b"<" + sheet.p + b"f"

    def __call__(self, row: Row) -> bool:
        sheet = self.sheet
        if not sheet.has_value(row):
            return True
        for col, _s, _e, a, inner in sheet.cells(row):
            if not holds_value(inner, sheet.p):
                continue
            formula = self.formula in inner
            if col in self.serials and (formula or a.get(b"t", b"n") == b"n"):
                continue  # (a count numbered ahead, typed or =ROW()-1)
            if formula and col not in self.wanted:
                continue
            return False
        return True


def _text_last_row(sheet: SheetXml) -> Row | None:
    """The sheet's last row with a value, when it may be a sum row: it starts with text
    (the word), or a formula and then text (=COUNT(A2:A9) | 合计); None otherwise (a log's
    last row starts with a date: no calamine read for it)."""
    last = sheet.last_value_row()
    row = sheet.find(last) if last > 1 else None
    if not isinstance(row, Row):
        return None
    valued = [c for c in sheet.cells(row) if holds_value(c[4], sheet.p)]
    texts = [c[3].get(b"t") in (b"s", b"inlineStr", b"str") for c in valued[:2]]
    formula = b"<" + sheet.p + b"f"
    if texts[:1] == [True] or (texts == [False, True] and formula in valued[0][4]):
        return row
    return None


def _summed_rows(sheet: SheetXml, row: Row, at: int) -> list[int]:
    """The last rows of the ranges on this sheet that the formulas of `row` take over
    row `at` (=SUM(G2:G50) over row 5: [50]); whole columns count as the sheet's last
    row. Empty when no formula of the row reaches row `at`."""
    from inquiry_cli.workbook.refs import MAX_ROW, references

    out: list[int] = []
    own = sheet.name.casefold()
    p = re.escape(sheet.p)
    formula = re.compile(rb"<" + p + rb"f\b[^>]*>([^<]*)</" + p + rb"f>")
    whole_column = re.compile(r"(?<![\w.$!:'])\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}(?![\w(.!])")
    for _col, _s, _e, _a, inner in sheet.cells(row):
        for m in formula.finditer(inner):
            text = unescape(m.group(1).decode("utf-8", "replace"))
            for ref in references(text):
                if ref.other_book or (ref.sheet or sheet.name).casefold() != own:
                    continue  # (sheet names are one in any case: =SUM(buyers!G2:G9))
                g = ref.match.groups()
                ends = (g[3], g[7] or g[3]) if g[3] else (g[9], g[11])
                lo, hi = sorted(map(int, ends))  # (=SUM(G9:G2) is G2:G9)
                if lo <= at <= hi:
                    out.append(hi)
            if whole_column.search(text):
                out.append(MAX_ROW)
    return out


def _table_over(
    tables: dict[str, tuple[int, bytes]], appends: list[dict[int, CellValue]], summed: TableSpot
) -> tuple[str, TableSpot] | None:
    """The Excel Table (no totals row of its own) right above a sum row typed under it, that
    holds every appended value: the rows go in as its last rows, the Table grows over them
    and the typed sum row moves down, as a totals row does (else the rows would sit outside
    the Table, where no reader of it sees them)."""
    cols = {c for values in appends for c, v in values.items() if v is not None and v != ""}
    for part, (_h, xml) in tables.items():
        spot = _table_spot(xml)
        if (
            spot is not None
            and not spot.totals_row
            and spot.last_row == summed.totals_row - 1
            and cols
            and spot.first_col <= min(cols)
            and max(cols) <= spot.last_col
        ):
            return part, dataclasses.replace(spot, totals_row=summed.totals_row)
    return None


def _target_table(
    tables: dict[str, tuple[int, bytes]], appends: list[dict[int, CellValue]], sheet: SheetXml
) -> tuple[str, TableSpot] | None:
    """The Table the appended rows go into: one with a totals row whose columns hold every
    appended value (they go in above it), else one that ends on the sheet's last row (it
    grows over them, as before) for its calculated columns."""
    cols = {c for values in appends for c, v in values.items() if v is not None and v != ""}
    spots = [(part, spot) for part, (_h, xml) in tables.items() if (spot := _table_spot(xml))]
    inside = [
        (part, spot)
        for part, spot in spots
        if cols and spot.first_col <= min(cols) and max(cols) <= spot.last_col
    ]
    with_totals = sorted((s for s in inside if s[1].totals_row), key=lambda s: s[1].last_row)
    if with_totals:
        return with_totals[0]
    last = sheet.last_value_row()
    ending = [s for s in inside if s[1].last_row == last and s[1].formulas]
    return ending[0] if ending else None


def _moved_source(tag: bytes, sheet: str, move: TotalsMove) -> bytes:
    """A pivot cache's <worksheetSource ref= sheet=> over the moved sheet, grown."""
    a = attrs(tag)
    named = unescape(a.get(b"sheet", b"").decode("utf-8", "replace"))
    if b"ref" not in a or named.casefold() != sheet.casefold():
        return tag
    return _REF_ATTR.sub(
        lambda r: r.group(1) + rewrite_ranges(r.group(2), move.span) + r.group(3), tag
    )


def _move_names(wb: bytes, sheet: str, span: SpanMap) -> bytes:
    """Defined names (a print area, a named range) over the moved rows follow them."""

    def one(m: re.Match[bytes]) -> bytes:
        text = unescape(m.group(2).decode("utf-8", "replace"))
        new = rewrite(text, sheet, span, own=False)
        if new == text:
            return m.group()
        return m.group(1) + escape(new, quote=False).encode() + m.group(3)

    return _DEFINED_NAME.sub(one, wb)


def formula_cells(src: ZipSource, changes: ChangeSet) -> dict[str, list[tuple[int, int]]]:
    """The cells `changes` sets that hold a formula, by sheet (as the change set names
    it): the patch leaves them as they are."""
    patch = WorkbookPatch(src)
    out = {}
    for name, cells in changes.sets.items():
        ref = patch.sheet(name)
        found = SheetXml(src.read(ref.part), ref.name).formula_cells(cells)
        if found:
            out[name] = found
    return out


def build(src: ZipSource, changes: ChangeSet, fh: BinaryIO, pool: Executor) -> Patched:
    """Plan `changes` against the open workbook `src` and write the new zip to `fh`.

    `pool` (two threads) deflates and checks big parts; it must outlive the verifier.
    """
    patch = WorkbookPatch(src)
    patch.plan(changes)
    return patch.write(fh, pool)
