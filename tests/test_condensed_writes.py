"""A big sheet that a write only appends to is streamed, never held whole (condensed.py).

The thresholds are made small here so that workbooks of a few thousand rows take the
streamed path; each test checks what a user finds in the file, and that the contact log
was (or, where it must not be, was not) read whole.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
import zlib

import pytest
from conftest import sha256, sheets_workbook
from python_calamine import CalamineWorkbook

from inquiry_cli.workbook import condensed, ooxml
from inquiry_cli.workbook import verify as verify_mod

LOG = "跟进记录"


@pytest.fixture
def whole_reads(monkeypatch):
    """Small thresholds, and the names of the parts read whole (inflated in one piece)."""
    monkeypatch.setattr(ooxml, "APPEND_STREAMED", 1)
    monkeypatch.setattr(condensed, "HEAD_KEEP", 2048)
    monkeypatch.setattr(condensed, "TAIL_KEEP", 64 * 1024)  # (the 100 rows habits look at)
    monkeypatch.setattr(condensed, "HOLD", 128 * 1024)
    monkeypatch.setattr(condensed, "PIECE", 16 * 1024)
    monkeypatch.setattr(verify_mod, "PIECE", 16 * 1024)
    read: list[str] = []
    real = ooxml.ZipSource._read

    def spy(self, name):
        read.append(name)
        return real(self, name)

    monkeypatch.setattr(ooxml.ZipSource, "_read", spy)
    return read


def own_book(path, contacts=3000, extra=None):
    """A salesperson's own workbook: a title row over the buyers, a long contact log."""
    buyers = [
        ["2026年客户管理表"],
        [],
        ["序号", "客户名称", "公司名称", "国家", "邮箱", "最后联系", "下次跟进"],
    ]
    for i in range(40):
        buyers.append(
            [i + 1, f"Buyer {i}", f"Co {i}", "Germany", f"b{i}@co{i}.de", dt.date(2026, 9, 1), None]
        )
    log = [["日期", "客户邮箱", "方式", "方向", "沟通内容", "下一步"]]
    for i in range(contacts):
        log.append(
            [
                dt.datetime(2025, 1, 1) + dt.timedelta(hours=i),
                f"b{i % 40}@co{i % 40}.de",
                ("邮件", "电话", "微信")[i % 3],
                ("来", "去")[i % 2],
                f'第{i}次：讨论了价格和交期 <row r="{i}"> & more',
                extra(i) if extra else "",
            ]
        )
    return sheets_workbook(path, {"客户资料": buyers, LOG: log})


def rows(path, sheet=LOG):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def log_part(path):
    with ooxml.ZipSource(path) as src:
        from inquiry_cli.workbook.headers import sheet_part

        return sheet_part(src, LOG)


def test_a_row_appended_to_a_long_log_leaves_every_other_row_as_it_was(tmp_path, inq, whole_reads):
    book = own_book(tmp_path / "客户.xlsx")
    before = rows(book)
    result = inq("-w", book, "log", "b7@co7.de", "-c", "tel", "-s", "谈了样品")
    assert result.exit_code == 0, result.output
    after = rows(book)
    assert after[:-1] == before
    assert after[-1][1:5] == ["b7@co7.de", "电话", "去", "谈了样品"]
    assert log_part(book) not in whole_reads  # (streamed: never inflated in one piece)
    with zipfile.ZipFile(book) as z:
        assert z.testzip() is None
    # The buyer's row took the date, as on any workbook.
    buyer = next(r for r in rows(book, "客户资料") if r[4] == "b7@co7.de")
    assert buyer[5] == dt.datetime(2026, 11, 27, 10, 0)


def test_two_logs_in_a_row_and_a_log_in_excel_s_own_layout_all_stream(tmp_path, inq, whole_reads):
    book = own_book(tmp_path / "客户.xlsx", contacts=5000)
    before = rows(book)
    for summary in ("一", "二"):
        assert inq("-w", book, "log", "b3@co3.de", "-c", "wechat", "-s", summary).exit_code == 0
    after = rows(book)
    assert after[:-2] == before
    assert [r[4] for r in after[-2:]] == ["一", "二"]
    assert log_part(book) not in whole_reads


def test_a_formula_in_the_middle_rows_reads_the_sheet_whole_and_keeps_it(
    tmp_path, inq, whole_reads
):
    """A formula's group may continue into the new row: the sheet is then held whole, as
    before, and the formula stays as the user wrote it."""
    book = own_book(tmp_path / "客户.xlsx", extra=lambda i: "=1+1" if i == 1500 else "")
    result = inq("-w", book, "log", "b7@co7.de", "-c", "tel", "-s", "x")
    assert result.exit_code == 0, result.output
    assert log_part(book) in whole_reads
    with zipfile.ZipFile(book) as z:
        xml = z.read(log_part(book))
    assert xml.count(b"<f>1+1</f>") == 1
    assert rows(book)[-1][4] == "x"


def test_a_comment_around_the_cut_reads_the_sheet_whole(tmp_path, inq, whole_reads):
    """A comment or CDATA could hide a `<row` where the cut is made: such a sheet is not
    condensed (and the write is as it always was)."""
    book = own_book(tmp_path / "客户.xlsx")
    part = log_part(book)
    _rewrite(book, part, lambda xml: xml.replace(b"</sheetData>", b"<!-- a note --></sheetData>"))
    result = inq("-w", book, "log", "b7@co7.de", "-c", "tel", "-s", "x")
    assert result.exit_code == 0, result.output
    assert part in whole_reads
    assert rows(book)[-1][4] == "x"


def test_a_middle_written_wrongly_is_caught_and_the_workbook_is_unchanged(
    tmp_path, inq, whole_reads, monkeypatch
):
    """The verifier inflates both files side by side: a middle deflated from other bytes
    (here one digit of one cell) fails the check, and nothing is written."""
    book = own_book(tmp_path / "客户.xlsx")
    real = condensed.Inserted.deflated

    def wrong(self):
        packed = self.cond.packed
        middle = zlib.decompressobj(-15).decompress(packed)
        at = middle.index(b"<v>", len(middle) // 2) + 3  # (one digit of one value)
        bad = middle[:at] + (b"8" if middle[at : at + 1] == b"9" else b"9") + middle[at + 1 :]
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.cond.packed = comp.compress(bad) + comp.flush(zlib.Z_SYNC_FLUSH)
        self.cond.crc = zlib.crc32(bad)
        return real(self)

    monkeypatch.setattr(condensed.Inserted, "deflated", wrong)
    digest = sha256(book)
    result = inq("-w", book, "log", "b7@co7.de", "-c", "tel", "-s", "x")
    assert result.exit_code != 0
    assert "does not decompress to what was written" in result.output
    assert sha256(book) == digest
    assert not list(book.parent.glob(".~inq-*"))


def test_a_middle_checksum_that_does_not_match_is_caught(tmp_path, inq, whole_reads, monkeypatch):
    book = own_book(tmp_path / "客户.xlsx")
    real = condensed.Inserted.crc32
    monkeypatch.setattr(condensed.Inserted, "crc32", lambda self: real(self) ^ 1)
    digest = sha256(book)
    result = inq("-w", book, "log", "b7@co7.de", "-c", "tel", "-s", "x")
    assert result.exit_code != 0
    assert sha256(book) == digest


def test_without_isal_the_streamed_write_is_the_same(tmp_path, inq, whole_reads, monkeypatch):
    monkeypatch.setattr(condensed, "isal_zlib", None)
    monkeypatch.setattr(ooxml, "_isal", None)
    book = own_book(tmp_path / "客户.xlsx")
    before = rows(book)
    assert inq("-w", book, "log", "b7@co7.de", "-c", "tel", "-s", "x").exit_code == 0
    assert rows(book)[:-1] == before
    assert log_part(book) not in whole_reads


@pytest.mark.parametrize("size", [0, 1, 5, 4096, 70_000])
def test_crc32_combine_without_isal_is_zlib_s(monkeypatch, size):
    monkeypatch.setattr(condensed, "isal_zlib", None)
    a, b = os.urandom(1000), os.urandom(size)
    assert condensed.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def test_libreoffice_opens_the_streamed_write(tmp_path, inq, whole_reads):
    from write_helpers import libreoffice_csv

    book = own_book(tmp_path / "客户.xlsx", contacts=2500)
    assert inq("-w", book, "log", "b7@co7.de", "-c", "tel", "-s", "样品已寄").exit_code == 0
    assert log_part(book) not in whole_reads
    out = tmp_path / "lo"
    libreoffice_csv(book, out, export="xlsx:Calc MS Excel 2007 XML")
    [saved] = out.glob("*.xlsx")  # (what LibreOffice read, saved again by it)
    log = rows(saved)
    assert log[-1][1:5] == ["b7@co7.de", "电话", "去", "样品已寄"]
    assert len(log) == 2502 and log[1500][4].startswith("第1499次")


def _rewrite(book, part, change):
    """The workbook with one part's XML changed (the others copied as they are)."""
    tmp = book.with_suffix(".tmp")
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            out.writestr(info, change(data) if info.filename == part else data)
    tmp.replace(book)


@pytest.mark.parametrize("streamed", [True, False])
def test_a_row_tag_in_a_comment_gets_one_line_and_nothing_is_written(
    tmp_path, inq, whole_reads, monkeypatch, streamed
):
    if not streamed:
        monkeypatch.setattr(ooxml, "APPEND_STREAMED", 1 << 40)
    book = own_book(tmp_path / "客户.xlsx", contacts=300)
    hidden = b"<!-- <row r='1'> --></sheetData>"
    _rewrite(book, log_part(book), lambda xml: xml.replace(b"</sheetData>", hidden))
    digest = sha256(book)
    result = inq("-w", book, "log", "b7@co7.de", "-c", "tel", "-s", "x")
    assert result.exit_code == 1
    assert "has a row that never ends" in result.output
    assert "Traceback" not in result.output
    assert sha256(book) == digest


def _shaped_book(path, shape):
    """own_book with what a salesperson's Excel adds to a log (links, validations...)."""
    import openpyxl
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.worksheet.datavalidation import DataValidation

    own_book(path, contacts=1200)
    wb = openpyxl.load_workbook(path)
    ws = wb[LOG]
    if shape == "links":
        for row in range(2, ws.max_row + 1):
            cell = ws.cell(row, 2)
            cell.hyperlink = f"mailto:{cell.value}"
    if shape == "validated":
        dv = DataValidation(type="list", formula1='"来,去"')
        dv.add(f"D2:D{ws.max_row}")
        ws.add_data_validation(dv)
        ws.conditional_formatting.add(
            f"A2:A{ws.max_row}", CellIsRule(operator="lessThan", formula=["45000"])
        )
    wb.save(path)
    return path


@pytest.mark.parametrize("shape", ["plain", "links", "validated", "no head rows kept"])
def test_the_streamed_write_is_byte_for_byte_the_whole_sheet_write(
    tmp_path, inq, whole_reads, monkeypatch, shape
):
    """The same log on two copies, one streamed and one held whole: every part of the two
    files is the same (the new row's link, the grown ranges, the dimension)."""
    import shutil

    if shape == "no head rows kept":
        monkeypatch.setattr(condensed, "HEAD_KEEP", 0)
    if shape == "links":  # (the links after the cell data outgrow HOLD: rels size added)
        monkeypatch.setattr(condensed, "HOLD", 16 * 1024)
    book = _shaped_book(tmp_path / "a.xlsx", shape)
    whole = shutil.copy(book, tmp_path / "b.xlsx")
    assert inq("-w", book, "log", "b7@co7.de", "-c", "tel", "-s", "x").exit_code == 0
    assert log_part(book) not in whole_reads
    monkeypatch.setattr(ooxml, "APPEND_STREAMED", 1 << 40)
    assert inq("-w", whole, "log", "b7@co7.de", "-c", "tel", "-s", "x").exit_code == 0
    with zipfile.ZipFile(book) as a, zipfile.ZipFile(whole) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != "docProps/core.xml":
                assert a.read(name) == b.read(name), name
    if shape == "links":
        with zipfile.ZipFile(book) as z:
            assert b"mailto:b7@co7.de" in z.read("xl/worksheets/_rels/sheet2.xml.rels")


def test_a_doctype_in_a_streamed_sheet_is_refused_as_in_a_whole_one(tmp_path, inq, whole_reads):
    book = own_book(tmp_path / "客户.xlsx")
    part = log_part(book)
    _rewrite(
        book,
        part,
        lambda xml: xml.replace(
            b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY e "x">]><worksheet', 1
        ),
    )
    digest = sha256(book)
    result = inq("-w", book, "log", "b7@co7.de", "-c", "tel", "-s", "x")
    assert result.exit_code == 1
    assert "declares a DOCTYPE" in result.output
    assert sha256(book) == digest


def test_a_middle_put_back_in_the_wrong_place_is_caught(tmp_path, inq, whole_reads, monkeypatch):
    """The verifier does not take the writer's word for where the middle goes: put back
    one row too late, the rows around it are not the ones that were there."""
    book = own_book(tmp_path / "客户.xlsx")
    real = condensed.kept_at

    def late(new, sheet):
        at = real(new, sheet)
        return bytes(new).index(b"<row", at + 1)

    monkeypatch.setattr(condensed, "kept_at", late)
    digest = sha256(book)
    result = inq("-w", book, "log", "b7@co7.de", "-c", "tel", "-s", "x")
    assert result.exit_code != 0
    assert "rows out of place" in result.output
    assert sha256(book) == digest
