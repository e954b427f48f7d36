"""The write path on workbooks other producers write (tests/corpus.py: one quirk each)."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile

import corpus
import pytest
from lxml import etree
from python_calamine import CalamineWorkbook
from write_helpers import digest, libreoffice_csv, parts

from inquiry_cli.contract.changes import AddSheet, ChangeSet
from inquiry_cli.errors import FidelityError, UsageError, WorkbookUnreadable
from inquiry_cli.workbook import verify as verify_mod
from inquiry_cli.workbook import xlsxpatch
from inquiry_cli.workbook.sheetxml import SheetPatcher
from inquiry_cli.workbook.spliced import Spliced
from inquiry_cli.workbook.write import apply

MAIN = f"{{{corpus.MAIN_NS}}}"


def grid(path, sheet="Data"):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def sheet_xml(path, part="xl/worksheets/sheet1.xml"):
    return parts(path)[part]


def cell_style(xml: bytes, ref: str) -> int:
    m = re.search(rb'<c r="%s"(?: s="(\d+)")?' % ref.encode(), xml)
    assert m, ref
    return int(m.group(1) or 0)


def format_of(path, index: int) -> str:
    """numFmtId of cellXfs entry `index`, an mc:AlternateContent counting as one entry."""
    root = etree.fromstring(parts(path)["xl/styles.xml"])
    entries = list(root.find(f"{MAIN}cellXfs"))
    xfs = [e] if (e := entries[index]).tag == f"{MAIN}xf" else list(e.iter(f"{MAIN}xf"))
    ids = {xf.get("numFmtId") for xf in xfs}
    assert len(ids) == 1, ids  # every branch shows the same format
    return ids.pop()


def format_id(path, code: str) -> str:
    """numFmtId of the custom number format `code` (one, in the stylesheet)."""
    root = etree.fromstring(parts(path)["xl/styles.xml"])
    ids = [f.get("numFmtId") for f in root.iter(f"{MAIN}numFmt") if f.get("formatCode") == code]
    assert len(ids) == 1, ids
    return ids[0]


def refused_untouched(book, changes, error, match):
    sha = digest(book)
    with pytest.raises(error, match=match):
        apply(book, changes)
    assert digest(book) == sha
    assert not list(book.parent.glob(".~inq-*"))


# -- 14: an empty style attribute is no style ----------------------------------------------


def test_empty_style_attributes_count_as_no_style(tmp_path):
    book = corpus.empty_style_attributes(tmp_path / "mac.xlsx")
    cs = ChangeSet(command="x")
    cs.append("Data", {1: "Li", 2: 30})
    cs.set("Data", 2, 2, 13)
    cs.set("Data", 2, 3, "new cell in a row styled s=''")
    cs.add_sheet(AddSheet("Notes", ["When", "What"], rows=[[dt.date(2026, 3, 1), "call"]]))
    apply(book, cs)
    assert grid(book) == [
        ["Name", "Amount", ""],
        ["Hans", 13.0, "new cell in a row styled s=''"],
        ["Li", 30.0, ""],
    ]
    assert grid(book, "Notes") == [["When", "What"], [dt.date(2026, 3, 1), "call"]]
    new_rows = sheet_xml(book).split(b'<row r="2"')[1]
    assert b's=""' not in new_rows.split(b"</row>", 1)[1]  # nothing copies an empty style
    wb = etree.fromstring(parts(book)["xl/workbook.xml"])
    assert [s.get("sheetId") for s in wb.iter(f"{MAIN}sheet")] == ["", "1"]


# -- 15: part names, overrides and relationship Ids are compared case-insensitively --------


def test_a_new_sheet_part_does_not_clash_in_case_with_an_existing_one(tmp_path):
    book = corpus.cased_part_names(tmp_path / "cased.xlsx")
    cs = ChangeSet(command="x")
    cs.add_sheet(AddSheet("Quotes", ["Quote No"], rows=[["Q-1"]]))
    cs.append("Data", {1: "appended through a Target cased SHEET1.XML"})
    apply(book, cs)
    with zipfile.ZipFile(book) as z:
        names = z.namelist()
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        types = etree.fromstring(z.read("[Content_Types].xml"))
    assert len({n.lower() for n in names}) == len(names), names
    ids = [r.get("Id").lower() for r in rels]
    assert len(set(ids)) == len(ids), ids
    overrides = [o.get("PartName").lower() for o in types if o.get("PartName")]
    assert len(set(overrides)) == len(overrides), overrides
    assert grid(book) == [["Name"], ["first sheet"], ["appended through a Target cased SHEET1.XML"]]
    assert grid(book, "Other") == [["second sheet"]]
    assert grid(book, "Quotes") == [["Quote No"], ["Q-1"]]


# -- 16: stylesheets with mc:AlternateContent; the checker sees a date shown as a number ---


def test_an_alternate_content_entry_counts_as_one_cell_format(tmp_path):
    book = corpus.alternate_content_styles(tmp_path / "ac.xlsx")
    cs = ChangeSet(command="x")
    cs.append("Data", {1: dt.date(2026, 11, 27), 2: 5})  # under General cells (style 1)
    cs.add_sheet(AddSheet("Log", ["Date"], rows=[[dt.date(2026, 11, 28)]]))
    apply(book, cs)
    xml = sheet_xml(book)
    iso = format_id(book, "yyyy-mm-dd")  # a date format, not 4 or 0 (issue 14 item 5)
    assert format_of(book, cell_style(xml, "A4")) == iso
    assert format_of(book, cell_style(xml, "B4")) == "0"
    assert format_of(book, cell_style(xml, "A2")) == "164"  # old cells keep theirs
    log = sheet_xml(book, "xl/worksheets/sheet2.xml")
    assert format_of(book, cell_style(log, "A2")) == iso
    assert format_of(book, cell_style(log, "A1")) == "0"  # the bold header: no date


def test_libreoffice_shows_the_appended_date_as_a_date(tmp_path):
    """LibreOffice counts an mc:AlternateContent entry as one format, as Excel does."""
    book = corpus.alternate_content_styles(tmp_path / "ac.xlsx")
    cs = ChangeSet(command="x")
    cs.append("Data", {1: dt.date(2026, 11, 27), 2: "ok"})
    apply(book, cs)
    [csv] = libreoffice_csv(book, tmp_path / "csv")
    rows = csv.read_text(encoding="utf-8").splitlines()
    shown, text = rows[3].split(",")
    assert text == "ok" and "27" in shown and "11" in shown, rows  # 11/27/2026, in any locale
    assert not shown.isdigit(), rows  # not the serial number 46353


def restyle(monkeypatch, ref: str, style: int):
    """Make the patcher give cell `ref` cell format `style`, as a miscounted index would."""
    real = SheetPatcher.render

    def render(self):
        return Spliced(
            [
                re.sub(
                    rb'<c r="%s"[^>]*?(/?)>' % ref.encode(),
                    b'<c r="%s" s="%d"\\1>' % (ref.encode(), style),
                    bytes(real(self)),
                )
            ]
        )

    monkeypatch.setattr(SheetPatcher, "render", render)


def test_the_checker_refuses_a_date_that_would_show_as_a_number(tmp_path, monkeypatch):
    book = corpus.date_column(tmp_path / "dates.xlsx")
    restyle(monkeypatch, "B2", 3)  # #,##0.00
    cs = ChangeSet(command="x")
    cs.set("Data", 2, 2, dt.date(2026, 5, 1))
    refused_untouched(book, cs, FidelityError, r"Data!B2 would hold a date that shows as a number")


def test_the_checker_refuses_a_number_that_would_show_as_a_date(tmp_path, monkeypatch):
    book = corpus.date_column(tmp_path / "dates.xlsx")
    restyle(monkeypatch, "A4", 2)  # yyyy-mm-dd
    cs = ChangeSet(command="x")
    cs.append("Data", {1: 12345, 2: 1})
    refused_untouched(book, cs, FidelityError, r"Data!A4 would hold a number that shows as a date")


# -- 17: merged cells, array formulas and pivot tables ------------------------------------


def test_a_row_appended_under_a_merged_header_goes_below_it(tmp_path):
    book = corpus.merged_header(tmp_path / "merged.xlsx")
    cs = ChangeSet(command="x")
    cs.append("Data", {1: "first buyer", 3: 7})
    result = apply(book, cs)
    assert result.appended_rows == {"Data": [3]}
    assert grid(book)[2] == ["first buyer", "", 7.0]


@pytest.mark.parametrize(
    "row, col, why",
    [
        (2, 4, r"Data!D2 is part of the array formula in D1:D3"),
        (1, 4, r"Data!D1 is part of the array formula in D1:D3"),
        (3, 7, r"Data!G3 is in the output of pivot table P1 \(F2:G4\)"),
    ],
)
def test_a_cell_that_recalculation_would_overwrite_is_refused(tmp_path, row, col, why):
    book = corpus.array_and_pivot(tmp_path / "calc.xlsx")
    cs = ChangeSet(command="x")
    cs.set("Data", row, col, "typed over")
    refused_untouched(book, cs, UsageError, why)


def test_a_cell_hidden_under_a_merge_is_refused(tmp_path):
    book = corpus.merged_header(tmp_path / "merged.xlsx")
    cs = ChangeSet(command="x")
    cs.set("Data", 2, 2, "hidden")
    refused_untouched(book, cs, UsageError, r"Data!B2 is hidden under merged cells A1:C2")


# -- 18: a dimension the patcher cannot read is kept, not shrunk ---------------------------


def test_an_unreadable_dimension_is_not_shrunk_on_the_big_sheet_path(tmp_path, monkeypatch):
    monkeypatch.setattr(verify_mod, "FULL_COMPARE_LIMIT", 0)
    book = corpus.unreadable_dimension(tmp_path / "dim.xlsx")
    cs = ChangeSet(command="x")
    cs.append("Data", {1: "Li", 2: 3})
    apply(book, cs)
    assert b'<dimension ref="A1:C"/>' in sheet_xml(book)


# -- 19: the checker and Excel's serial numbers; what it blames ----------------------------


def test_a_small_number_under_a_date_cell_is_written_as_a_number(tmp_path):
    book = corpus.date_column(tmp_path / "dates.xlsx")
    cs = ChangeSet(command="x")
    cs.append("Data", {1: 7, 2: 1})
    apply(book, cs)
    assert grid(book)[3][:2] == [7.0, 1.0]


def test_dates_before_march_1900_get_excels_serial_numbers(tmp_path):
    book = corpus.date_column(tmp_path / "dates.xlsx")
    cs = ChangeSet(command="x")
    cs.append("Data", {1: dt.date(1900, 1, 7)})
    cs.append("Data", {1: dt.date(1900, 3, 1)})
    apply(book, cs)
    xml = sheet_xml(book)
    assert b'<c r="A4" s="2"><v>7</v>' in xml and b'<c r="A5" s="2"><v>61</v>' in xml
    assert [r[0] for r in grid(book)[3:]] == [dt.date(1900, 1, 7), dt.date(1900, 3, 1)]
    with pytest.raises(UsageError, match="before 1900-01-01"):
        apply(book, ChangeSet(appends={"Data": [{1: dt.date(1899, 12, 31)}]}))


def test_the_checker_says_when_the_original_itself_cannot_be_read(tmp_path):
    book = corpus.unreadable_dimension(tmp_path / "dim.xlsx")
    cs = ChangeSet(command="x")
    cs.append("Data", {1: "Li"})
    with pytest.raises(WorkbookUnreadable) as err:
        apply(book, cs)
    message = str(err.value)
    assert message.startswith("dim.xlsx cannot be read as it is (sheet 'Data': Range is missing")
    assert "nothing was written" in message and "new file" not in message


def test_the_checker_names_what_is_wrong_with_the_new_file(tmp_path, monkeypatch):
    """The temp file's name ends in .tmp; calamine, guessing the format from the name,
    would only say "Cannot detect file format"."""
    book = corpus.date_column(tmp_path / "dates.xlsx")
    real = xlsxpatch.WorkbookPatch.write

    def lose_the_sheet_relationship(self, fh, pool):
        rels = "xl/_rels/workbook.xml.rels"
        self.out.replaced[rels] = self.src.read(rels).replace(b'Id="rId1"', b'Id="rId9"')
        return real(self, fh, pool)

    monkeypatch.setattr(xlsxpatch.WorkbookPatch, "write", lose_the_sheet_relationship)
    cs = ChangeSet(command="x")
    cs.append("Data", {1: "Li"})
    with pytest.raises(FidelityError, match=r"the new file does not open \(Relationship") as err:
        apply(book, cs)
    assert "Cannot detect" not in str(err.value)
    assert not list(book.parent.glob(".~inq-*"))


# -- 20: no styles part; the main part elsewhere; backslashes in zip names -----------------


def test_a_workbook_without_styles_takes_text_and_numbers_and_gets_styles_for_a_date(tmp_path):
    book = corpus.no_styles_part(tmp_path / "bare.xlsx")
    cs = ChangeSet(command="x")
    cs.append("Data", {1: "Li", 2: 5})
    result = apply(book, cs)
    assert sorted(result.changed_parts) == ["xl/worksheets/sheet1.xml"]

    cs = ChangeSet(command="x")
    cs.append("Data", {1: "Wang", 2: dt.date(2026, 2, 3)})
    result = apply(book, cs)
    assert "xl/styles.xml" in result.changed_parts
    assert grid(book) == [
        ["Name", "Amount"],
        ["Hans", 46000.0],  # its s="3" pointed at nothing, and still does
        ["Li", 5.0],
        ["Wang", dt.date(2026, 2, 3)],
    ]
    got = parts(book)
    assert b"/styles" in got["xl/_rels/workbook.xml.rels"]
    assert b'PartName="/xl/styles.xml"' in got["[Content_Types].xml"]
    iso = format_id(book, "yyyy-mm-dd")
    assert format_of(book, 3) == "0" and format_of(book, cell_style(sheet_xml(book), "B4")) == iso


@pytest.mark.parametrize("quirk", ["main_part_elsewhere", "backslash_names"])
def test_a_valid_package_laid_out_differently_is_read_and_written(tmp_path, inq, quirk):
    book = corpus.QUIRKS[quirk](tmp_path / "buyers.xlsx")
    checked = inq("-w", book, "check", "--json")
    report = json.loads(checked.stdout)  # read well; exit 1 only for its blind jobs
    assert report["problems"] == [] and report["sheets"][0]["rows"] == 1, checked.output
    assert {j["job"] for j in report["jobs"] if j["status"] == "blind"} == {"follow-ups", "grade"}
    added = inq("-w", book, "add", "--name", "Li Na", "--email", "li@example.cn")
    assert added.exit_code == 0, added.output
    found = inq("-w", book, "lookup", "li@example.cn")
    assert found.exit_code == 0 and "Li Na" in found.output
    assert CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Buyers").to_python() == [
        ["Name", "Email"],
        ["Hans", "hans@example.de"],
        ["Li Na", "li@example.cn"],
    ]


def test_a_main_part_the_reader_cannot_open_is_refused_in_one_line(tmp_path, inq):
    book = corpus.main_part_elsewhere(tmp_path / "odd.xlsx", main="xl/workbook2.xml")
    sha = digest(book)
    for args in (["check"], ["add", "--name", "Li", "--email", "li@example.cn"]):
        out = inq("-w", book, *args)
        assert out.exit_code == 1
        assert out.output.startswith("Error: odd.xlsx keeps its workbook part as "), out.output
        assert len(out.output.strip().splitlines()) == 1
    assert digest(book) == sha
