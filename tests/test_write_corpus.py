"""The write path on workbooks other producers write (tests/corpus.py: one quirk each)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import corpus
import pytest
from lxml import etree
from python_calamine import CalamineWorkbook
from write_helpers import digest, parts

from inquiry_cli.workbook.changes import AddSheet, ChangeSet
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


def refused_untouched(book, changes, error, match):
    sha = digest(book)
    with pytest.raises(error, match=match):
        apply(book, changes)
    assert digest(book) == sha
    assert not list(book.parent.glob(".~inq-*"))


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
    assert format_of(book, 3) == "0" and format_of(book, cell_style(sheet_xml(book), "B4")) == "14"


@pytest.mark.parametrize("quirk", ["main_part_elsewhere", "backslash_names"])
def test_a_valid_package_laid_out_differently_is_read_and_written(tmp_path, inq, quirk):
    book = corpus.QUIRKS[quirk](tmp_path / "buyers.xlsx")
    checked = inq("-w", book, "check")
    assert checked.exit_code == 0, checked.output
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
