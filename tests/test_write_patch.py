"""The safe write path changes exactly the declared cells and keeps every other part."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from write_helpers import digest, libreoffice_csv, parts, rich_workbook, values

from inquiry_cli.contract.changes import AddSheet, ChangeSet
from inquiry_cli.errors import ContractError, FidelityError, UsageError
from inquiry_cli.workbook import verify as verify_mod
from inquiry_cli.workbook.sheetxml import SheetPatcher
from inquiry_cli.workbook.spliced import Spliced
from inquiry_cli.workbook.write import apply

# openpyxl (used only to read results back) warns that it cannot read sparklines.
pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group:UserWarning")

BUYERS = "xl/worksheets/sheet1.xml"
CONTACTS = "xl/worksheets/sheet2.xml"


@pytest.fixture
def book(tmp_path):
    return rich_workbook(tmp_path / "customers.xlsx")


@pytest.fixture(params=["full", "window"])
def compare_mode(request, monkeypatch):
    """Run a test with whole-sheet comparison and with the big-sheet window comparison."""
    if request.param == "window":
        monkeypatch.setattr(verify_mod, "FULL_COMPARE_LIMIT", 0)
    return request.param


def assert_only_declared(before, after, result, allowed):
    changed = {n for n in set(before) | set(after) if before.get(n) != after.get(n)}
    assert changed == set(result.changed_parts)
    assert changed <= allowed, changed - allowed


def assert_other_cells_same(old, new, declared):
    for sheet, cells in old.items():
        for key, value in cells.items():
            if (sheet, key) not in declared:
                assert new[sheet].get(key) == value, (sheet, key)
        for key in new[sheet]:
            if (sheet, key) not in declared:
                assert key in cells, (sheet, key)


def test_append_rows_keeps_everything_else(book, compare_mode):
    before, old = parts(book), values(book)
    cs = ChangeSet(command="test append")
    cs.append(
        "Buyers",
        {
            1: "B004",
            2: "李娜",
            3: "Li & Co <Ltd>",
            4: dt.date(2026, 4, 1),
            5: Decimal("19.99"),
            6: "A",
        },
    )
    cs.append("Buyers", {1: "B005", 2: "  spaced  ", 4: dt.datetime(2026, 4, 2, 9, 30), 5: 7})
    result = apply(book, cs)

    assert result.appended_rows == {"Buyers": [6, 7]}
    assert result.backup is not None and result.backup.exists()
    after = parts(book)
    # Buyers has formulas: workbook.xml gets fullCalcOnLoad.
    assert_only_declared(before, after, result, {BUYERS, "xl/workbook.xml"})
    assert b'fullCalcOnLoad="1"' in after["xl/workbook.xml"]
    assert b"<si><t>Hans M" in after["xl/sharedStrings.xml"]  # untouched, inline strings used

    new = values(book)
    # The amount-times-two column is continued in the new rows, as Excel fills it down.
    assert [new["Buyers"][(r, 7)] for r in (6, 7)] == ["=E6*2", "=E7*2"]
    declared = {("Buyers", (r, c)) for r in (6, 7) for c in range(1, 8)}
    assert_other_cells_same(old, new, declared)
    b = new["Buyers"]
    assert [b.get((6, c)) for c in range(1, 7)] == [
        "B004",
        "李娜",
        "Li & Co <Ltd>",
        dt.datetime(2026, 4, 1),
        19.99,
        "A",
    ]
    assert b[(7, 2)] == "  spaced  " and b[(7, 4)] == dt.datetime(2026, 4, 2, 9, 30)
    assert b[(7, 5)] == 7 and (7, 3) not in b

    ws = openpyxl.load_workbook(book)["Buyers"]
    for row in (6, 7):
        for col in range(1, 7):
            above, new_cell = ws.cell(5, col), ws.cell(row, col)
            assert new_cell.number_format == above.number_format, (row, col)
            assert new_cell.border.left.style == above.border.left.style
            assert new_cell.font.b == above.font.b
    assert ws.cell(6, 1).font.b is True  # the ID column is bold above
    assert ws.cell(7, 3).border.left.style == "thin"  # empty cells keep the row's borders
    dv = ws.data_validations.dataValidation[0]
    assert str(dv.sqref) == "F3:F7"  # the dropdown covers the new rows
    assert [str(r.sqref) for r in ws.conditional_formatting] == ["E3:E7"]
    assert ws.dimensions == "A1:H7"


def test_append_grows_table_and_uses_date_style(book, compare_mode):
    before = parts(book)
    cs = ChangeSet(command="log")
    cs.append(
        "Contacts",
        {1: dt.date(2026, 5, 1), 2: "B001", 3: "email", 4: "out", 5: "Follow-up 跟进", 6: "wait"},
    )
    result = apply(book, cs)
    after = parts(book)
    assert result.appended_rows == {"Contacts": [5]}
    assert_only_declared(before, after, result, {CONTACTS, "xl/tables/table1.xml"})
    assert b'ref="A1:F5"' in after["xl/tables/table1.xml"]
    assert b'<autoFilter ref="A1:F5"/>' in after["xl/tables/table1.xml"]
    ws = openpyxl.load_workbook(book)["Contacts"]
    assert ws.tables["ContactLog"].ref == "A1:F5"
    assert ws.cell(5, 1).value == dt.datetime(2026, 5, 1)
    assert ws.cell(5, 1).number_format == "yyyy-mm-dd"
    assert ws.cell(5, 5).value == "Follow-up 跟进"


def test_set_cells_in_existing_and_missing_rows(book, compare_mode):
    before, old = parts(book), values(book)
    cs = ChangeSet(command="grade")
    cs.set("Buyers", 4, 6, "A")  # over a shared string
    cs.set("Buyers", 3, 5, 999.5)  # a number feeding a formula
    cs.set("Buyers", 5, 3, None)  # clear
    cs.set("Buyers", 5, 8, True)  # a new cell at the end of a row
    cs.set("Lists", 10, 2, dt.date(2026, 6, 1))  # a missing row (and a date: new style)
    cs.set("Lists", 2, 3, "inserted")
    result = apply(book, cs)
    after = parts(book)
    assert_only_declared(
        before,
        after,
        result,
        {BUYERS, "xl/worksheets/sheet3.xml", "xl/workbook.xml", "xl/styles.xml"},
    )
    new = values(book)
    declared = {
        ("Buyers", (4, 6)),
        ("Buyers", (3, 5)),
        ("Buyers", (5, 3)),
        ("Buyers", (5, 8)),
        ("Lists", (10, 2)),
        ("Lists", (2, 3)),
    }
    assert_other_cells_same(old, new, declared)
    assert new["Buyers"][(4, 6)] == "A" and new["Buyers"][(3, 5)] == 999.5
    assert (5, 3) not in new["Buyers"] and new["Buyers"][(5, 8)] is True
    assert new["Lists"][(10, 2)] == dt.datetime(2026, 6, 1)
    assert new["Lists"][(2, 3)] == "inserted"
    wb = openpyxl.load_workbook(book)
    assert wb["Buyers"].cell(3, 5).number_format == '#,##0.00 "USD"'  # kept its style
    assert wb["Buyers"].cell(5, 3).border.left.style == "thin"  # cleared, format kept
    assert wb["Lists"].sheet_state == "hidden"


def test_add_sheet(book):
    before = parts(book)
    cs = ChangeSet(command="init sheet")
    cs.add_sheet(
        AddSheet(
            "Quotes",
            ["Quote No", "Date", "Buyer ID", "Unit price"],
            rows=[["Q-1", dt.date(2026, 7, 1), "B001", 3.5]],
            widths={1: 14, 2: 12},
        )
    )
    result = apply(book, cs)
    after = parts(book)
    assert result.added_sheets == ["Quotes"]
    new_part = next(n for n in after if n not in before)
    assert new_part.startswith("xl/worksheets/")
    assert_only_declared(
        before,
        after,
        result,
        {
            new_part,
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "[Content_Types].xml",
            "docProps/app.xml",
            "xl/styles.xml",
        },
    )
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Buyers", "Contacts", "Lists", "Chart", "Quotes"]
    ws = wb["Quotes"]
    assert [c.value for c in ws[1]] == ["Quote No", "Date", "Buyer ID", "Unit price"]
    assert ws["A1"].font.b is True and ws.freeze_panes == "A2"
    assert ws["B2"].value == dt.datetime(2026, 7, 1) and ws["D2"].value == 3.5
    assert ws.column_dimensions["A"].width == 14
    assert b"<vt:lpstr>Quotes</vt:lpstr>" in after["docProps/app.xml"]
    assert values(book)["Buyers"] == values_before_sheet(before, book)


def values_before_sheet(before, book):
    copy = book.with_name("before.xlsx")
    import zipfile

    with zipfile.ZipFile(copy, "w") as z:
        for name, data in before.items():
            z.writestr(name, data)
    return values(copy)["Buyers"]


def test_combination_in_one_write(book, compare_mode):
    before, old = parts(book), values(book)
    cs = ChangeSet(command="inquiry")
    cs.append("Buyers", {1: "B009", 2: "Combo"})
    cs.set("Buyers", 3, 6, "D")
    cs.append("Contacts", {2: "B009", 5: "first mail"})
    cs.add_sheet(AddSheet("Samples", ["Date", "Buyer ID"]))
    result = apply(book, cs)
    assert result.appended_rows == {"Buyers": [6], "Contacts": [5]}
    after = parts(book)
    untouched = {n for n in before if n not in result.changed_parts}
    assert all(before[n] == after[n] for n in untouched)
    assert "xl/media/image1.png" in untouched and "xl/drawings/drawing1.xml" in untouched
    new = values(book)
    assert new["Buyers"][(6, 2)] == "Combo" and new["Buyers"][(3, 6)] == "D"
    assert new["Contacts"][(5, 5)] == "first mail"
    assert new["Buyers"][(6, 7)] == "=E6*2"  # the column's formula, continued
    declared = {
        ("Buyers", (6, 1)),
        ("Buyers", (6, 2)),
        ("Buyers", (6, 7)),
        ("Buyers", (3, 6)),
        ("Contacts", (5, 2)),
        ("Contacts", (5, 5)),
    }
    assert_other_cells_same(old, {k: v for k, v in new.items() if k != "Samples"}, declared)


def test_xlsm_keeps_macros(tmp_path):
    book = rich_workbook(tmp_path / "macro.xlsm", vba=True)
    before = parts(book)
    cs = ChangeSet(command="x")
    cs.append("Contacts", {2: "B001"})
    apply(book, cs)
    after = parts(book)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert after["[Content_Types].xml"] == before["[Content_Types].xml"]


def test_bad_changes_are_refused(book):
    sha = digest(book)
    with pytest.raises(ContractError, match="no sheet named 'Nope'"):
        apply(book, ChangeSet(appends={"Nope": [{1: "x"}]}))
    with pytest.raises(ContractError, match="not a worksheet"):
        apply(book, ChangeSet(appends={"Chart": [{1: "x"}]}))
    with pytest.raises(UsageError, match="already has a sheet"):
        apply(book, ChangeSet(new_sheets=[AddSheet("buyers", ["x"])]))
    with pytest.raises(UsageError, match="cannot store"):
        apply(book, ChangeSet(sets={"Buyers": {(3, 1): float("nan")}}))
    assert digest(book) == sha
    assert not list(book.parent.glob(".~inq-*"))


def test_verify_catches_a_corrupted_cell(book, monkeypatch, compare_mode):
    """If the patcher damaged an undeclared cell, nothing is replaced."""
    real = SheetPatcher.render

    def corrupt(self):
        return Spliced([bytes(real(self)).replace(b"<v>880</v>", b"<v>881</v>")])

    monkeypatch.setattr(SheetPatcher, "render", corrupt)
    sha = digest(book)
    cs = ChangeSet(command="x")
    cs.set("Buyers", 4, 5, 880)  # so the window includes the damaged row
    cs.append("Buyers", {1: "B010"})
    with pytest.raises(FidelityError, match="row 4 column 5"):
        apply(book, cs)
    assert digest(book) == sha
    assert not list(book.parent.glob(".~inq-*"))
    assert not list((book.parent / "inq-backups").glob("customers.*.xlsx"))


def test_verify_catches_a_wrong_declared_value(book, monkeypatch):
    real = SheetPatcher.render
    monkeypatch.setattr(
        SheetPatcher,
        "render",
        lambda self: Spliced([bytes(real(self)).replace(b"<t>B011</t>", b"<t>B012</t>")]),
    )
    cs = ChangeSet(command="x")
    cs.append("Buyers", {1: "B011"})
    with pytest.raises(FidelityError, match="declared"):
        apply(book, cs)


def test_libreoffice_reads_the_written_values(book, tmp_path):
    """LibreOffice opens the written file; the CSV export is of sheet 2 (Contacts)."""
    cs = ChangeSet(command="x")
    cs.append("Contacts", {2: "B777", 5: "LibreOffice check"})
    apply(book, cs)
    export = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2"
    [csv] = libreoffice_csv(book, tmp_path / "csv", export)  # customers-Contacts.csv
    rows = csv.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "Date,Buyer ID,Channel,Direction,Summary,Next step"
    assert rows[2] == "2026-02-07,B002,WeChat,in,询价 LED 灯,quote"  # untouched, as before
    assert rows[4] == ",B777,,,LibreOffice check,"


def test_add_sheet_to_an_openpyxl_workbook(tmp_path):
    """openpyxl declares xmlns:r on each <sheet>, not on the root."""
    book = tmp_path / "made_by_openpyxl.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "客户列表"
    wb.active.append(["Name", "Email"])
    wb.active.append(["Maria", "maria@example.de"])
    wb.save(book)
    cs = ChangeSet(command="x")
    cs.add_sheet(AddSheet("Contacts", ["Date", "Buyer ID"], rows=[[dt.date(2026, 1, 2), "x"]]))
    cs.append("客户列表", {1: "Li", 2: "li@example.cn"})
    apply(book, cs)
    got = values(book)
    assert got["Contacts"][(2, 1)] == dt.datetime(2026, 1, 2)
    assert got["客户列表"][(3, 2)] == "li@example.cn"


def test_verify_catches_a_changed_shared_string_index(book, monkeypatch, compare_mode):
    """A shared-string cell pointing at another string is caught (the window path reads
    the rows with a cut-down string table; a changed index must still show)."""
    real = SheetPatcher.render
    row4 = {}

    def corrupt(self):
        xml = real(self)
        start = xml.index(b'<row r="4"')
        end = xml.index(b"</row>", start)
        cells = re.findall(rb'<c r="C4"[^>]*t="s"[^>]*><v>(\d+)</v>', xml[start:end])
        row4["index"] = int(cells[0])
        fixed = xml[start:end].replace(
            b"<v>%d</v>" % row4["index"], b"<v>%d</v>" % (row4["index"] + 1)
        )
        return Spliced([xml[:start], fixed, xml[end:]])

    monkeypatch.setattr(SheetPatcher, "render", corrupt)
    sha = digest(book)
    cs = ChangeSet(command="x")
    cs.set("Buyers", 4, 5, 880)
    with pytest.raises(FidelityError, match="row 4 column 3"):
        apply(book, cs)
    assert digest(book) == sha


def test_write_without_isal_uses_zlib(book, monkeypatch, compare_mode):
    """Where ISA-L has no wheel, zlib writes the same workbook (big parts in chunks)."""
    from inquiry_cli.workbook import ooxml

    monkeypatch.setattr(ooxml, "_isal", None)
    monkeypatch.setattr(ooxml, "BIG_PART", 1)  # take the parallel-chunk path too
    monkeypatch.setattr(ooxml, "_CHUNK", 1024)
    cs = ChangeSet(command="zlib")
    cs.append("Contacts", {1: dt.datetime(2026, 4, 1), 2: "B009", 5: "x" * 5000})
    result = apply(book, cs)
    assert result.appended_rows == {"Contacts": [5]}
    wb = openpyxl.load_workbook(book)
    assert wb["Contacts"]["E5"].value == "x" * 5000
    assert wb["Buyers"]["B3"].value == "Hans Müller"


def test_big_parts_are_deflated_in_parallel_and_checked(book, monkeypatch, compare_mode):
    """Every part takes the big-part path: deflated on the pool, inflated back there."""
    from inquiry_cli.workbook import xlsxpatch

    monkeypatch.setattr(xlsxpatch, "SMALL_PART", 0)
    old = values(book)
    cs = ChangeSet(command="big")
    cs.append("Contacts", {1: dt.datetime(2026, 4, 1), 2: "B009", 5: "大单"})
    cs.set("Buyers", 3, 6, "A")
    apply(book, cs)
    new = values(book)
    assert new["Contacts"][(5, 5)] == "大单"
    assert new["Buyers"][(3, 6)] == "A"
    assert_other_cells_same(
        old, new, {("Contacts", (5, c)) for c in range(1, 7)} | {("Buyers", (3, 6))}
    )


def test_a_part_that_does_not_inflate_back_is_caught(book, monkeypatch):
    from inquiry_cli.workbook import xlsxpatch

    monkeypatch.setattr(xlsxpatch, "SMALL_PART", 0)
    monkeypatch.setattr(verify_mod, "FULL_COMPARE_LIMIT", 0)  # the XML is compared in memory
    real = xlsxpatch.deflate
    monkeypatch.setattr(
        xlsxpatch, "deflate", lambda data: real(bytes(data).replace(b"B009", b"B00X"))
    )
    sha = digest(book)
    cs = ChangeSet(command="x")
    cs.append("Contacts", {2: "B009"})
    with pytest.raises(FidelityError, match="does not decompress to what was written"):
        apply(book, cs)
    assert digest(book) == sha
    assert not list(book.parent.glob(".~inq-*"))


def test_a_small_part_damaged_as_written_is_the_new_file_s_fault_not_the_workbook_s(
    book, monkeypatch
):
    """The new file read back damaged: one line that the write failed, not advice to
    restore the workbook from a backup (the workbook was never touched)."""
    from inquiry_cli.workbook import ooxml

    real = ooxml.deflate  # (a small part is deflated as it is written, by the zip writer)
    monkeypatch.setattr(ooxml, "deflate", lambda data: real(data)[:-2] + b"\x00\x00")
    _an_append_is_refused(book, r"^check failed: the new file could not be read")


def test_a_local_header_that_disagrees_with_the_directory_is_caught(book, monkeypatch):
    """Readers go by either zip header: a changed part whose local header says another
    CRC-32 than the central directory is refused, the workbook untouched."""
    import struct

    from inquiry_cli.workbook import ooxml

    class WrongCrc(struct.Struct):
        def pack(self, *values):
            values = list(values)
            values[6] ^= 1  # (the local header's CRC-32)
            return super().pack(*values)

    monkeypatch.setattr(ooxml, "_LOCAL", WrongCrc(ooxml._LOCAL.format))
    _an_append_is_refused(book, r"zip headers of .* disagree")


def _an_append_is_refused(book, match: str) -> None:
    """One Contacts row appended: refused by the check, the workbook and folder as before."""
    sha = digest(book)
    cs = ChangeSet(command="x")
    cs.append("Contacts", {2: "B009"})
    with pytest.raises(FidelityError, match=match):
        apply(book, cs)
    assert digest(book) == sha
    assert not list(book.parent.glob(".~inq-*"))


@pytest.mark.parametrize("isal", [True, False])
@pytest.mark.parametrize("size", [8, 64, 1 << 20])
def test_a_deflated_part_is_checked_against_its_xml_a_piece_at_a_time(monkeypatch, isal, size):
    from inquiry_cli.workbook import ooxml

    if not isal:
        monkeypatch.setattr(ooxml, "_isal", None)
    xml = b"<row r='1'><c><v>1</v></c></row>" * 2000 + bytes(range(256)) * 40
    packed = ooxml.deflate(xml)
    assert ooxml.inflates_to(packed, xml, size)
    flipped = bytearray(packed)
    flipped[len(flipped) // 2] ^= 0x40
    for wrong_packed, wrong_xml in [
        (packed, xml[:-1]),  # the XML is longer than what inflates
        (packed, xml + b" "),  # or shorter
        (packed, xml[:-2] + b"x>"),  # one byte differs at the very end
        (packed[:-3], xml),  # the stream is cut short
        (packed + b"junk", xml),  # bytes after its end
        (bytes(flipped), xml),  # damaged on the way
    ]:
        assert not ooxml.inflates_to(wrong_packed, wrong_xml, size)


@pytest.mark.parametrize("piece", [5, 1 << 20])
@pytest.mark.parametrize("formula", [True, False])
def test_a_formula_on_a_sheet_the_change_leaves_alone_asks_excel_to_recalculate(
    tmp_path, inq, monkeypatch, piece, formula
):
    """The other sheets are scanned for a formula a piece at a time (one may straddle two)."""
    from inquiry_cli.workbook import xlsxpatch
    from tests.conftest import sheets_workbook

    monkeypatch.setattr(xlsxpatch, "_FORMULA_PIECE", piece)
    total = ["=COUNTA(Contacts!A:A)-1"] if formula else ["(counted by hand)"]
    book = sheets_workbook(
        tmp_path / "own.xlsx",
        {
            "Buyers": [["Buyer ID", "Name", "Email"], ["B001", "Lena Wolf", "lena@wolf.de"]],
            "Contacts": [["Date", "Buyer ID", "Channel", "Direction", "Summary"]],
            "Summary": [["Contacts logged"], total, ["filler " * 40] * 3],
        },
    )
    _without_full_calc(book)  # (openpyxl asks for a recalculation on every file it saves)
    result = inq("-w", book, "log", "lena@wolf.de", "-c", "tel", "-s", "Called about the quote")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(book) as z:
        wb_xml = z.read("xl/workbook.xml")
    assert (b'fullCalcOnLoad="1"' in wb_xml) == formula


def _without_full_calc(path):
    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            if info.filename == "xl/workbook.xml":
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            z.writestr(info.filename, data)
