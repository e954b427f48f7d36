"""Rows inq adds look like the user's own (issue 14, items 1 and 5): inside their Excel
Table above its totals row, in their column's number format, with their column's formula
continued and their email column's mailto: link."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableFormula

D = dt.date
HEADERS = ["Buyer ID", "Name", "Company", "Email", "Country", "First contact", "Orders", "Score"]
BUYERS = [
    ["K-01", "Sara Lind", "Nordic Glow AB", "sara@nordicglow.se", "Sweden", D(2026, 10, 2), 3],
    ["K-02", "Omar Farouk", "Delta Lamps Co", "omar@deltalamps.eg", "Egypt", D(2026, 10, 9), 1],
    ["K-03", "Mei Tan", "Lion City Lighting", "mei@lioncity.sg", "Singapore", D(2026, 11, 1), 5],
]
NEW_BUYER = ["--name", "Ivo Petrov", "--company", "Balkan Lux OOD", "--email", "ivo@balkanlux.bg"]


def errors(result) -> list[str]:
    """The error lines of a run: a refusal is one line (warnings may come before it)."""
    return [line for line in result.stderr.splitlines() if line.startswith("Error:")]


def sheet_xml(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode()


def cells(path: Path, sheet: str = "Buyers") -> list[list]:
    """The sheet's values as calamine (the independent reader) reads them."""
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def table_workbook(path: Path, below: list | None = None, chart: bool = False) -> Path:
    """Buyers as an Excel Table A1:H5 with a totals row (an A1 SUBTOTAL and a structured
    one), a calculated column, a conditional format and a data validation over the data,
    a merged side note beside the data, a print area and a named range over a column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Buyers"
    ws.append(HEADERS)
    for r, row in enumerate(BUYERS, start=2):
        ws.append([*row, "=Buyers[[#This Row],[Orders]]*10"])
        ws.cell(r, 6).number_format = "yyyy-mm-dd"
    ws.append(["Total", None, None, None, None, None, "=SUBTOTAL(109,G2:G4)",
               "=SUBTOTAL(109,Buyers[Score])"])  # fmt: skip
    ws["J2"] = "Key accounts"
    ws.merge_cells("J2:J4")
    ws["K1"] = "=G5"  # the grand total, shown beside the table
    for r in (2, 3, 4):  # beside the data: a running total, a share of the total
        ws.cell(r, 12, f"=SUM($G$2:G{r})")
        ws.cell(r, 13, f"=G{r}/$G$5")
    if below:
        ws.append([])
        ws.append(below)
    table = Table(displayName="Buyers", ref="A1:H5")
    table.totalsRowCount = 1
    table._initialise_columns()
    for column, header in zip(table.tableColumns, HEADERS, strict=True):
        column.name = header
    table.autoFilter.ref = "A1:H4"  # as Excel writes it: the totals row is no data
    table.tableColumns[0].totalsRowLabel = "Total"
    table.tableColumns[6].totalsRowFunction = "sum"
    table.tableColumns[7].totalsRowFunction = "sum"
    table.tableColumns[7].calculatedColumnFormula = TableFormula(
        attr_text="Buyers[[#This Row],[Orders]]*10"
    )
    ws.add_table(table)
    red = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
    ws.conditional_formatting.add(
        "G2:G4", CellIsRule(operator="greaterThan", formula=["4"], fill=red)
    )
    dv = DataValidation(type="list", formula1='"Sweden,Egypt,Singapore,Bulgaria"')
    dv.add("E2:E4")
    ws.add_data_validation(dv)
    ws.print_area = "A1:H5"
    wb.defined_names["BuyerEmails"] = DefinedName("BuyerEmails", attr_text="Buyers!$D$2:$D$4")
    if chart:
        from openpyxl.chart import BarChart, Reference

        bars = BarChart()
        bars.add_data(Reference(ws, min_col=7, min_row=2, max_row=4))
        ws.add_chart(bars, "L2")
    summary = wb.create_sheet("Summary")
    summary.append(["=Buyers!G5", "=SUM(Buyers!$G$2:$G$4)", "=Buyers!G4", '="Buyers!G5"'])
    wb.save(path)
    return path


def _table_part(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if n.startswith("xl/tables/"))
        return z.read(name).decode()


# -- 1. Tables grow from inside ---------------------------------------------------------


def test_add_puts_the_buyer_inside_the_table_above_its_totals_row(inq, tmp_path):
    book = table_workbook(tmp_path / "buyers.xlsx", chart=True)
    result = inq("-w", book, "add", *NEW_BUYER)
    assert result.exit_code == 0, result.output

    rows = cells(book)
    assert rows[4][:4] == ["K-04", "Ivo Petrov", "Balkan Lux OOD", "ivo@balkanlux.bg"] or (
        rows[4][1:4] == ["Ivo Petrov", "Balkan Lux OOD", "ivo@balkanlux.bg"]
    )
    assert rows[5][0] == "Total"  # one lower
    table = _table_part(book)
    assert re.search(r'<table[^>]*\bref="A1:H6"', table)
    assert re.search(r'<autoFilter[^>]*\bref="A1:H5"', table)
    xml = sheet_xml(book, "xl/worksheets/sheet1.xml")
    assert re.search(r'<row r="6"[^>]*>.*?<f>SUBTOTAL\(109,G2:G5\)</f>', xml)
    assert "<f>SUBTOTAL(109,Buyers[Score])</f>" in xml
    assert re.search(r'<c r="H5"[^>]*><f>Buyers\[\[#This Row\],\[Orders\]\]\*10</f></c>', xml)
    assert 'sqref="G2:G5"' in xml  # the conditional format
    assert 'sqref="E2:E5"' in xml  # the data validation
    assert 'ref="J2:J5"' in xml  # the merged note beside the data
    assert re.search(r'<dimension ref="A1:M6"', xml)
    wb = sheet_xml(book, "xl/workbook.xml")
    assert re.search(r"Buyers'?!\$A\$1:\$H\$6<", wb) and "Buyers!$D$2:$D$5<" in wb

    assert "<f>G6</f>" in xml  # a formula beside the table follows the totals row
    assert "<f>SUM($G$2:G4)</f>" in xml  # a data row's own range does not grow...
    assert re.search(r'<c r="L5"[^>]*><f>SUM\(\$G\$2:G5\)</f></c>', xml)  # ...it is continued
    assert "<f>G4/$G$6</f>" in xml and re.search(r'<c r="M5"[^>]*><f>G5/\$G\$6</f>', xml)
    summary = sheet_xml(book, "xl/worksheets/sheet2.xml")
    assert "<f>Buyers!G6</f>" in summary and "<f>SUM(Buyers!$G$2:$G$5)</f>" in summary
    assert "<f>Buyers!G4</f>" in summary  # a data row stays where it is
    assert '<f>"Buyers!G5"</f>' in summary  # text is text
    chart = sheet_xml(book, "xl/charts/chart1.xml")
    assert re.search(r"<(c:)?f>'Buyers'!\$G\$2:\$G\$5</(c:)?f>", chart)  # the chart grows

    lookup = inq("-w", book, "lookup", "ivo@balkanlux.bg")
    assert lookup.exit_code == 0, lookup.output
    assert "Ivo Petrov" in lookup.stdout


def test_without_a_totals_row_the_table_still_grows_below(inq, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Buyers"
    ws.append(HEADERS)
    for row in BUYERS:
        ws.append([*row, "=Buyers[[#This Row],[Orders]]*10"])
    table = Table(displayName="Buyers", ref="A1:H4")
    table._initialise_columns()
    for column, header in zip(table.tableColumns, HEADERS, strict=True):
        column.name = header
    table.tableColumns[7].calculatedColumnFormula = TableFormula(
        attr_text="Buyers[[#This Row],[Orders]]*10"
    )
    ws.add_table(table)
    wb.save(book := tmp_path / "plain.xlsx")
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    assert cells(book)[4][1] == "Ivo Petrov"
    assert re.search(r'<table[^>]*\bref="A1:H5"', _table_part(book))
    xml = sheet_xml(book, "xl/worksheets/sheet1.xml")
    assert re.search(r'<c r="H5"[^>]*><f>Buyers\[\[#This Row\],\[Orders\]\]\*10</f></c>', xml)


def test_cells_under_the_totals_row_refuse_rather_than_move(inq, tmp_path):
    book = table_workbook(tmp_path / "busy.xlsx", below=["Updated by Li"])
    before = book.read_bytes()
    first = inq("-w", book, "add", *NEW_BUYER)  # the empty row 6 takes the totals row
    assert first.exit_code == 0, first.output
    assert cells(book)[5][0] == "Total"
    second = inq("-w", book, "add", "--name", "Ana Souza", "--email", "ana@souza.br")
    assert second.exit_code == 1
    [error] = errors(second)
    assert "Buyers!A7" in error and "totals row" in error
    assert cells(book)[6][0] == "Updated by Li" and book.read_bytes() != before


# -- 1b. a plain sheet's sum row ("合计", "Total") stays under the records --------------


def _typed(path: Path, sheet: str) -> list[list]:
    """The sheet's cells as typed (formulas as their text), by openpyxl."""
    return [list(r) for r in openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True)]


def _summed_buyers(path: Path, below: list | None = None, shared: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户"
    ws.append(["客户名称", "公司", "邮箱", "国家", "订单金额", "样品数"])
    ws.append(["Lena Wolf", "Wolf Licht GmbH", "lena@wolf.de", "德国", 1200, 2])
    ws.append(["Ravi Shah", "Sol Trading", "ravi@sol.in", "印度", 800, 1])
    ws.append(["合计", None, None, None, "=SUM(E2:E3)", "=SUM(F2:F3)"])
    if below:
        ws.append(below)
    wb.create_sheet("汇总").append(["订单总额", "='客户'!E4"])
    wb.save(path)
    if shared:  # the sum dragged across, as Excel keeps it: one formula shared along the row
        with zipfile.ZipFile(path) as z:
            parts = {i.filename: z.read(i) for i in z.infolist()}
        xml = parts["xl/worksheets/sheet1.xml"]
        xml = xml.replace(b"<f>SUM(E2:E3)</f>", b'<f t="shared" ref="E4:F4" si="0">SUM(E2:E3)</f>')
        parts["xl/worksheets/sheet1.xml"] = xml.replace(
            b"<f>SUM(F2:F3)</f>", b'<f t="shared" si="0"/>'
        )
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, data)
    return path


def test_a_buyer_goes_in_above_the_sum_row_of_a_plain_sheet(inq, tmp_path):
    """No Excel Table, a 合计 row under the buyers: the new buyer goes above it, its sums
    grow over the new row, and a formula on another sheet follows it down."""
    from write_helpers import libreoffice_csv

    book = _summed_buyers(tmp_path / "客户.xlsx")
    result = inq("-w", book, "add", *NEW_BUYER)
    assert result.exit_code == 0, result.output
    rows = _typed(book, "客户")
    assert [r[0] for r in rows] == ["客户名称", "Lena Wolf", "Ravi Shah", "Ivo Petrov", "合计"]
    assert rows[4][4:6] == ["=SUM(E2:E4)", "=SUM(F2:F4)"]
    assert _typed(book, "汇总")[0] == ["订单总额", "='客户'!E5"]
    [csv] = libreoffice_csv(book, tmp_path / "csv")
    shown = [line.split(",") for line in csv.read_text(encoding="utf-8").splitlines()]
    assert shown[4][4:6] == ["2000", "3"]  # (the sums, as LibreOffice computes them)
    again = inq("-w", book, "stats")  # the sum row is still no buyer
    assert again.stdout.startswith("3 buyers"), again.output


def test_a_contact_goes_in_above_the_total_row_of_a_plain_log(inq, tmp_path):
    """`inq log` reads only the top rows of the log: the write finds the Total row itself."""
    from tests.conftest import sheets_workbook

    book = sheets_workbook(tmp_path / "log.xlsx", {
        "Buyers": [["Name", "Email"], ["Sara Lind", "sara@nordicglow.se"]],
        "Contacts": [
            ["Date", "Email", "Channel", "Summary", "Minutes"],
            [D(2026, 11, 2), "sara@nordicglow.se", "email", "Sent the catalogue", 5],
            ["Total:", None, None, None, "=SUM(E2:E2)"],
        ],
    })  # fmt: skip
    result = inq("-w", book, "log", "sara@nordicglow.se", "-c", "tel", "-s", "Called")
    assert result.exit_code == 0, result.output
    rows = _typed(book, "Contacts")
    assert [r[3] for r in rows[1:]] == ["Sent the catalogue", "Called", None]
    assert rows[3][0] == "Total:" and rows[3][4] == "=SUM(E2:E3)"


@pytest.mark.parametrize("layout", ["shared", "note below"])
def test_a_sum_row_that_cannot_move_or_is_not_last_keeps_its_place(inq, tmp_path, layout):
    """A sum shared along its row cannot move with it, and rows under the sum row (a note,
    rows added by hand) show the user adds below it: the buyer goes at the end, as before."""
    below = ["备注: 金额为美元"] if layout == "note below" else None
    book = _summed_buyers(tmp_path / "客户.xlsx", below=below, shared=layout == "shared")
    result = inq("-w", book, "add", *NEW_BUYER)
    assert result.exit_code == 0, result.output
    rows = _typed(book, "客户")
    assert rows[3][0] == "合计" and rows[-1][0] == "Ivo Petrov"
    assert _typed(book, "汇总")[0] == ["订单总额", "='客户'!E4"]


def _rezip(path: Path, edit) -> None:
    """Rewrite the workbook's parts through edit(name, bytes) (XML openpyxl cannot write)."""
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, edit(name, data))


def test_a_moved_sum_row_is_followed_from_a_sheet_named_in_quotes_libreoffice_writes(inq, tmp_path):
    book = tmp_path / "lo-saved.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "My Buyers"
    for row in (["Name", "Email", "Orders"], ["Sara Lind", "sara@nordicglow.se", 3],
                ["Mei Tan", "mei@lioncity.sg", 5], ["Total", None, "=SUM(C2:C3)"]):  # fmt: skip
        ws.append(row)
    wb.create_sheet("Summary").append(["Orders", "='My Buyers'!C4"])
    wb.save(book)
    _rezip(book, lambda name, data: data.replace(b"'My Buyers'!", b"&apos;My Buyers&apos;!"))
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    assert _typed(book, "Summary")[0] == ["Orders", "='My Buyers'!C5"]
    assert _typed(book, "My Buyers")[4] == ["Total", None, "=SUM(C2:C4)"]


def test_the_sheets_own_merges_and_last_row_ranges_stay_with_their_rows(inq, tmp_path):
    """德国 merged down two buyers, a note merged beside the last one, a format over the
    last row: they are those rows' own and do not grow over the new buyer."""
    book = _summed_buyers(tmp_path / "客户.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["客户"]
    ws["D3"] = None
    ws.merge_cells("D2:D3")
    ws["G3"] = "VIP since 2024"
    ws.merge_cells("G3:H3")
    ws.conditional_formatting.add(
        "A3:F3", CellIsRule(operator="greaterThan", formula=["0"], fill=PatternFill("solid"))
    )
    wb.save(book)
    result = inq("-w", book, "add", *NEW_BUYER, "--country", "Bulgaria")
    assert result.exit_code == 0, result.output
    rows = _typed(book, "客户")
    assert rows[3][:4] == ["Ivo Petrov", "Balkan Lux OOD", "ivo@balkanlux.bg", "Bulgaria"]
    assert rows[4][0] == "合计"
    xml = sheet_xml(book, "xl/worksheets/sheet1.xml")
    assert 'ref="D2:D3"' in xml and 'ref="G3:H3"' in xml and 'sqref="A3:F3"' in xml
    found = inq("-w", book, "lookup", "ivo@balkanlux.bg", "--json")
    assert json.loads(found.stdout)["matches"][0]["country"] == "Bulgaria"


@pytest.mark.parametrize(
    "last_rows",
    [
        [[], ["合计", None, None, None, "=SUM(E2:E3)"]],  # a blank row between
        [["小计", None, None, None, "=SUM(E2:E3)"], ["合计", None, None, None, "=E4*1.13"]],
    ],
    ids=["blank row above", "subtotal above"],
)
def test_a_sum_row_apart_from_the_records_keeps_its_place(inq, tmp_path, last_rows):
    """Rows go in above a sum row only when it sits right under the records."""
    book = tmp_path / "客户.xlsx"
    rows = [["客户名称", "公司", "邮箱", "国家", "订单金额"],
            ["Lena Wolf", "Wolf Licht GmbH", "lena@wolf.de", "德国", 1200],
            ["Ravi Shah", "Sol Trading", "ravi@sol.in", "印度", 800], *last_rows]  # fmt: skip
    from tests.conftest import sheets_workbook

    sheets_workbook(book, {"客户": rows})
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    typed = _typed(book, "客户")
    assert typed[-1][0] == "Ivo Petrov" and typed[-2][0] == "合计"


def _template(path: Path, total: str) -> Path:
    """A 客户 template as it comes: bordered empty rows down to a 合计 row whose sums
    already reach over them."""
    from openpyxl.styles import Border, Side

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户"
    ws.append(["序号", "客户名称", "公司", "邮箱", "订单金额"])
    ws.append([1, "Lena Wolf", "Wolf Licht GmbH", "lena@wolf.de", 1200])
    ws.append([2, "Ravi Shah", "Sol Trading", "ravi@sol.in", 800])
    ws.cell(7, 1, "合计")
    ws.cell(7, 2, "=COUNTA(B2:B6)")
    ws.cell(7, 5, total)
    side = Side(style="thin")
    for row in ws.iter_rows(min_row=1, max_row=7, max_col=5):
        for cell in row:
            cell.border = Border(left=side, right=side, top=side, bottom=side)
    wb.save(path)
    return path


@pytest.mark.parametrize("total", ["=SUM(E2:E6)", "=SUBTOTAL(9,$E$2:$E$6)", "=SUM(E6:E2)"])
def test_a_template_s_empty_rows_above_its_sum_row_take_the_new_buyers(inq, tmp_path, total):
    """The buyers fill the template's bordered rows in order, under the sums that already
    reach them; once they are full, the sum row moves down as under any list."""
    from write_helpers import libreoffice_csv

    book = _template(tmp_path / "模板.xlsx", total)
    for n, who in enumerate(["Ivo", "Ana", "Tom", "Kai"], start=3):
        out = inq("-w", book, "add", "--name", who, "--email", f"{who.lower()}@{who.lower()}.bg")
        assert out.exit_code == 0, out.output
        typed = _typed(book, "客户")
        assert typed[n][:2] == [n, who], typed
    assert [r[0] for r in typed] == ["序号", 1, 2, 3, 4, 5, 6, "合计"]
    assert typed[7][1] == "=COUNTA(B2:B7)"  # (the fourth moved it: the rows were full)
    sheet = openpyxl.load_workbook(book)["客户"]
    assert sheet["B4"].border.left.style == "thin" and sheet["E8"].border.left.style == "thin"
    [csv] = libreoffice_csv(book, tmp_path / "csv")
    shown = csv.read_text(encoding="utf-8").splitlines()[7].split(",")
    assert (shown[1], shown[4]) == ("6", "2000")  # (as LibreOffice computes them)
    assert inq("-w", book, "stats").stdout.startswith("6 buyers")


def test_more_new_rows_than_a_template_has_left_fill_it_and_move_the_sum_row(tmp_path):
    """Four records in one change (an intake) into a template with three empty rows: the
    rows fill, the fourth goes in above the 合计 row, which moves down with its sums."""
    from write_helpers import libreoffice_csv

    from inquiry_cli.contract.changes import ChangeSet
    from inquiry_cli.workbook.write import apply

    book = _template(tmp_path / "模板.xlsx", "=SUM(E2:E6)")
    changes = ChangeSet(command="test", serial_columns={"客户": [1]})
    for n, who in enumerate(["Ivo", "Ana", "Tom", "Kai"], start=3):
        changes.append("客户", {1: n, 2: who, 4: f"{who.lower()}@x.bg", 5: 100})
    result = apply(book, changes)
    assert result.appended_rows == {"客户": [4, 5, 6, 7]}
    typed = _typed(book, "客户")
    assert [r[:2] for r in typed[3:]] == [[3, "Ivo"], [4, "Ana"], [5, "Tom"], [6, "Kai"],
                                          ["合计", "=COUNTA(B2:B7)"]]  # fmt: skip
    assert typed[7][4] == "=SUM(E2:E7)"
    sheet = openpyxl.load_workbook(book)["客户"]
    assert sheet["B6"].border.left.style == "thin" and sheet["B7"].border.left.style == "thin"
    [csv] = libreoffice_csv(book, tmp_path / "csv")
    shown = csv.read_text(encoding="utf-8").splitlines()[7].split(",")
    assert (shown[1], shown[4]) == ("6", "2400")


def test_empty_rows_the_sums_do_not_reach_stay_empty(inq, tmp_path):
    """A 合计 under empty rows it does not sum (=SUM(E2:E3) two rows down) is apart from
    the records: the buyer goes below it, as before, not into rows outside its sums."""
    book = _template(tmp_path / "模板.xlsx", "=SUM(E2:E3)")
    rows = _typed(book, "客户")
    rows[6][1] = None
    from tests.conftest import sheets_workbook

    sheets_workbook(book, {"客户": rows})
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    typed = _typed(book, "客户")
    assert typed[-1][1] == "Ivo Petrov" and typed[-2][0] == "合计" and typed[3][1] is None


def _made_ahead(
    path: Path,
    *,
    records: int = 2,
    numbered: str = "",
    commission: str = "",
    total: bool = True,
    hidden: tuple[int, ...] = (),
) -> Path:
    """A 客户 template as it comes from a colleague: bordered rows 2-9 for buyers (the
    first `records` filled), 序号 typed ahead (numbered="typed") or =ROW()-1 ("formula"),
    a 佣金 column of =IF(...) down the rows (commission="ahead") or on the records only
    ("records"), and a 合计 row 10 summing rows 2-9."""
    from openpyxl.styles import Border, Side

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户"
    ws.append(["序号", "客户名称", "公司", "邮箱", "订单金额", "佣金"])
    people = [("Lena Wolf", "Wolf Licht GmbH", "lena@wolf.de", 1200),
              ("Ravi Shah", "Sol Trading", "ravi@sol.in", 800)]  # fmt: skip
    side = Side(style="thin")
    for r in range(2, 10):
        if r - 2 < records:
            ws.append([r - 1, *people[r - 2]])
        if numbered == "typed":
            ws.cell(r, 1, r - 1)
        elif numbered == "formula":
            ws.cell(r, 1, "=ROW()-1")
        if commission == "ahead" or (commission == "records" and r - 2 < records):
            ws.cell(r, 6, f'=IF(B{r}="","",E{r}*0.05)')
        for c in range(1, 7):
            ws.cell(r, c).border = Border(left=side, right=side, top=side, bottom=side)
        if r in hidden:
            ws.row_dimensions[r].hidden = True
    if total:
        ws.cell(10, 1, "合计")
        ws.cell(10, 2, "=COUNTA(B2:B9)")
        ws.cell(10, 5, "=SUM(E2:E9)")
        ws.cell(10, 6, "=SUM(F2:F9)")
    wb.save(path)
    return path


@pytest.mark.parametrize(
    "layout",
    [
        dict(records=0),  # a new template: nothing in it yet
        dict(numbered="typed"),  # 序号 typed down to the 合计 row
        dict(numbered="typed", total=False),
        dict(numbered="formula", commission="ahead"),
        dict(commission="ahead", hidden=(4, 5)),
    ],
    ids=["empty", "numbered ahead", "numbered, no total", "numbered by formula", "hidden rows"],
)
def test_a_template_s_rows_made_ahead_take_the_new_buyers_in_order(inq, tmp_path, layout):
    """Rows a template made ahead (numbered, holding formulas, hidden, empty) are no
    buyers, and the new buyers fill them from the top: 序号 counted on, the template's
    formulas kept, a hidden row shown, the 合计 row where it was."""
    book = _made_ahead(tmp_path / "模板.xlsx", **layout)
    before = layout.get("records", 2)
    assert inq("-w", book, "stats").stdout.startswith(f"{before} buyers")
    for who in ["Ivo", "Ana"]:
        out = inq("-w", book, "add", "--name", who, "--email", f"{who.lower()}@{who.lower()}.bg")
        assert out.exit_code == 0, out.output
    sheet = openpyxl.load_workbook(book)["客户"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=1, max_row=11)]
    for n, who in enumerate(["Ivo", "Ana"], start=before + 1):
        number = "=ROW()-1" if layout.get("numbered") == "formula" else n
        assert rows[n][:2] == [number, who], rows
        assert not sheet.row_dimensions[n + 1].hidden
        assert sheet.cell(n + 1, 2).border.left.style == "thin"
    if layout.get("commission"):
        assert rows[before + 1][5] == f'=IF(B{before + 2}="","",E{before + 2}*0.05)'
    if layout.get("total", True):
        assert rows[9][:2] == ["合计", "=COUNTA(B2:B9)"] and rows[10] == [None] * 6
    assert inq("-w", book, "stats").stdout.startswith(f"{before + 2} buyers")


def test_a_footer_under_the_sum_row_does_not_send_the_buyer_under_it(inq, tmp_path):
    """制表人 / 审核 under the 合计 row: the template's rows above are still filled."""
    book = _made_ahead(tmp_path / "模板.xlsx", numbered="typed")
    wb = openpyxl.load_workbook(book)
    wb["客户"].cell(11, 1, "制表人：张三")
    wb["客户"].cell(11, 4, "审核：")
    wb.save(book)
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    typed = _typed(book, "客户")
    assert typed[3][:3] == [3, "Ivo Petrov", "Balkan Lux OOD"]
    assert [r[0] for r in typed[9:]] == ["合计", "制表人：张三"]
    assert inq("-w", book, "stats").stdout.startswith("3 buyers")  # (the footer is none)


def test_a_new_record_in_a_formatted_row_takes_the_column_s_formula_and_date_format(inq, tmp_path):
    """Written into a row formatted ahead, a record gets what a new row would: the
    commission formula of the records above, and their date format."""
    from openpyxl.styles import Border, Side

    book = tmp_path / "跟进.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户"
    ws.append(["客户名称", "邮箱", "首次联系", "订单金额", "佣金"])
    ws.append(["Lena Wolf", "lena@wolf.de", dt.datetime(2026, 10, 2, 9, 30), 1200, "=D2*0.05"])
    ws.append(["Ravi Shah", "ravi@sol.in", dt.datetime(2026, 10, 9, 15, 0), 800, "=D3*0.05"])
    ws["C2"].number_format = ws["C3"].number_format = "yyyy/m/d"
    side = Side(style="thin")
    for r in range(2, 6):
        for c in range(1, 6):
            ws.cell(r, c).border = Border(left=side, right=side, top=side, bottom=side)
    ws.cell(6, 1, "合计")
    ws.cell(6, 4, "=SUM(D2:D5)")
    wb.save(book)
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    sheet = openpyxl.load_workbook(book)["客户"]
    assert sheet["A4"].value == "Balkan Lux OOD" and sheet["E4"].value == "=D4*0.05"
    assert sheet["C4"].number_format == "yyyy/m/d"
    assert sheet["A6"].value == "合计"


@pytest.mark.parametrize("label", ["合 计", "Total (USD)", "合计金额:"])
def test_a_sum_row_is_known_by_its_word_as_people_type_it(inq, tmp_path, label):
    from tests.conftest import sheets_workbook

    book = sheets_workbook(tmp_path / "b.xlsx", {"Buyers": [
        ["Name", "Email", "Orders"], ["Sara Lind", "sara@nordicglow.se", 3],
        [label, None, "=SUM(C2:C2)"]]})  # fmt: skip
    assert inq("-w", book, "stats").stdout.startswith("1 buyers"), label
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    assert _typed(book, "Buyers")[2:] == [
        ["Ivo Petrov", "ivo@balkanlux.bg", None], [label, None, "=SUM(C2:C3)"]
    ]  # fmt: skip


def test_a_sum_row_that_starts_with_its_count_is_known_too(inq, tmp_path):
    """序号 | 客户 | ... with the count under the 序号 column: =COUNTA(B2:B3) | 合计."""
    from tests.conftest import sheets_workbook

    book = sheets_workbook(tmp_path / "b.xlsx", {"客户": [
        ["序号", "联系人", "邮箱", "订单"], [1, "Sara Lind", "sara@nordicglow.se", 3],
        [2, "Omar Farouk", "omar@deltalamps.eg", 1],
        ["=COUNTA(B2:B3)", "合计", None, "=SUM(D2:D3)"]]})  # fmt: skip
    assert inq("-w", book, "stats").stdout.startswith("2 buyers")
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    assert _typed(book, "客户")[3:] == [
        [3, "Ivo Petrov", "ivo@balkanlux.bg", None], ["=COUNTA(B2:B4)", "合计", None, "=SUM(D2:D4)"]
    ]  # fmt: skip


def test_a_format_and_a_validation_pointing_at_the_sum_row_follow_it(inq, tmp_path):
    from openpyxl.formatting.rule import FormulaRule

    book = _summed_buyers(tmp_path / "客户.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["客户"]
    ws.conditional_formatting.add(
        "A2:F3", FormulaRule(formula=["$E2>$E$4/2"], fill=PatternFill("solid"))
    )
    check = DataValidation(type="whole", operator="lessThanOrEqual", formula1="$E$4")
    ws.add_data_validation(check)
    check.add("E2:E3")
    wb.save(book)
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    xml = sheet_xml(book, "xl/worksheets/sheet1.xml")
    assert "<formula>$E2&gt;$E$5/2</formula>" in xml and 'sqref="A2:F4"' in xml
    assert "<formula1>$E$5</formula1>" in xml and 'sqref="E2:E4"' in xml


def test_a_table_with_a_sum_row_typed_under_it_grows_over_the_new_buyer(inq, tmp_path):
    """Before, the buyer went under the typed 合计, outside the Table: "Added", yet no
    lookup found them (the Table is what is read), and a second add made a duplicate."""
    book = _summed_buyers(tmp_path / "客户.xlsx")
    wb = openpyxl.load_workbook(book)
    table = Table(displayName="Kunden", ref="A1:F3")
    table._initialise_columns()
    for column, header in zip(table.tableColumns, [c.value for c in wb["客户"][1]], strict=True):
        column.name = header
    wb["客户"].add_table(table)
    wb.save(book)
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    assert [r[0] for r in _typed(book, "客户")][3:] == ["Ivo Petrov", "合计"]
    assert re.search(r'<table[^>]*\bref="A1:F4"', _table_part(book))
    assert _typed(book, "客户")[4][4] == "=SUM(E2:E4)"
    found = inq("-w", book, "lookup", "ivo@balkanlux.bg")
    assert found.exit_code == 0 and "Ivo Petrov" in found.stdout, found.output


def test_a_count_above_the_header_grows_with_the_records(inq, tmp_path):
    from tests.conftest import sheets_workbook

    book = sheets_workbook(tmp_path / "b.xlsx", {"Buyers": [
        ["Buyers:", "=COUNTA(A3:A4)"], ["Name", "Email", "Orders"],
        ["Sara Lind", "sara@nordicglow.se", 3], ["Mei Tan", "mei@lioncity.sg", 5],
        ["Total", None, "=SUM(C3:C4)"]]})  # fmt: skip
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    typed = _typed(book, "Buyers")
    assert typed[0][:2] == ["Buyers:", "=COUNTA(A3:A5)"]
    assert typed[4:] == [["Ivo Petrov", "ivo@balkanlux.bg", None], ["Total", None, "=SUM(C3:C5)"]]


def test_a_buyer_whose_company_is_total_is_a_buyer(inq, tmp_path):
    from tests.conftest import sheets_workbook

    book = sheets_workbook(tmp_path / "b.xlsx", {"Buyers": [
        ["Name", "Company", "Phone", "Country"], ["Sara Lind", "Nordic Glow AB", "+46 8 123", "Sweden"],
        [None, "Total", "+33 1 42 68 53 00", "France"]]})  # fmt: skip
    assert inq("-w", book, "stats").stdout.startswith("2 buyers")
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    assert [r[1] for r in _typed(book, "Buyers")] == [
        "Company", "Nordic Glow AB", "Total", "Balkan Lux OOD"
    ]  # fmt: skip


# -- 5. the column's own formats, formulas and links ------------------------------------


def own_habits_workbook(path: Path, commission: list[str] | None = None) -> Path:
    """A plain Buyers sheet: mailto: links on the emails, First contact as yyyy-mm-dd
    (blank in the last row), Last contact with a time, a commission formula per row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Buyers"
    ws.append([*HEADERS[:6], "Last contact", "Orders", "Commission"])
    formulas = commission or [f"=H{r}*CommissionRate" for r in (2, 3, 4)]
    for r, (row, formula) in enumerate(zip(BUYERS, formulas, strict=True), start=2):
        first = row[5] if r < 4 else None  # the row above leaves it blank
        ws.append([*row[:5], first, dt.datetime(2026, 11, r, 9, 30), row[6], formula])
        ws.cell(r, 4).hyperlink = f"mailto:{row[3]}"
        ws.cell(r, 4).style = "Hyperlink"
        ws.cell(r, 6).number_format = "yyyy-mm-dd"
        ws.cell(r, 7).number_format = "yyyy-mm-dd hh:mm"
    settings = wb.create_sheet("Settings")
    settings.append(["Key", "Value"])
    settings.append(["commission_rate", 0.05])
    wb.defined_names["CommissionRate"] = DefinedName("CommissionRate", attr_text="Settings!$B$2")
    wb.save(path)
    return path


def _format_of(path: Path, ref: str) -> str:
    wb = openpyxl.load_workbook(path)
    return wb["Buyers"][ref].number_format


def test_new_cells_take_their_columns_formats_formula_and_link(inq, tmp_path):
    book = own_habits_workbook(tmp_path / "own.xlsx")
    result = inq("-w", book, "add", *NEW_BUYER)
    assert result.exit_code == 0, result.output

    xml = sheet_xml(book, "xl/worksheets/sheet1.xml")
    f_style = re.search(r'<c r="F3" s="(\d+)"', xml).group(1)
    assert re.search(rf'<c r="F5" s="{f_style}"', xml)  # the column's own, not a new one
    assert _format_of(book, "F5") == "yyyy-mm-dd"
    assert _format_of(book, "G5") == "yyyy-mm-dd"  # a date alone: no 00:00 shown...
    assert re.search(rf'<c r="G5" s="{f_style}"', xml)  # ...in the workbook's own such xf
    assert re.search(r'<c r="I5"[^>]*><f>H5\*CommissionRate</f></c>', xml)  # no cached value
    d_style = re.search(r'<c r="D4" s="(\d+)"', xml).group(1)
    assert re.search(rf'<c r="D5" s="{d_style}"', xml)
    link = re.search(r'<hyperlink [^>]*ref="D5" r:id="(\w+)"', xml)
    assert link, xml[-800:]
    rels = sheet_xml(book, "xl/worksheets/_rels/sheet1.xml.rels")
    assert re.search(rf'Target="mailto:ivo@balkanlux.bg"[^>]*Id="{link.group(1)}"', rels) or (
        re.search(rf'Id="{link.group(1)}"[^>]*Target="mailto:ivo@balkanlux.bg"', rels)
    )
    assert cells(book)[4][1:4] == ["Ivo Petrov", "Balkan Lux OOD", "ivo@balkanlux.bg"]
    assert 'fullCalcOnLoad="1"' in sheet_xml(book, "xl/workbook.xml")


def test_formulas_that_differ_row_to_row_are_not_continued(inq, tmp_path):
    book = own_habits_workbook(
        tmp_path / "mixed.xlsx", ["=H2*CommissionRate", "=H3*0.1", "=H4*CommissionRate"]
    )
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    xml = sheet_xml(book, "xl/worksheets/sheet1.xml")
    assert '<c r="I5"' not in xml


def test_libreoffice_and_calamine_read_the_new_row_inside_the_table(inq, tmp_path):
    """One LibreOffice run: the buyer above the totals row, the totals computed over the
    grown data (the SUBTOTAL, the calculated Score), the new date in the column's form."""
    from write_helpers import libreoffice_csv

    book = table_workbook(tmp_path / "lo.xlsx")
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    assert cells(book)[4][1:4] == ["Ivo Petrov", "Balkan Lux OOD", "ivo@balkanlux.bg"]
    [csv] = libreoffice_csv(book, tmp_path / "csv")
    rows = [line.split(",") for line in csv.read_text(encoding="utf-8").splitlines()]
    assert rows[4][1:6] == ["Ivo Petrov", "Balkan Lux OOD", "ivo@balkanlux.bg", "", "2026-11-27"]
    assert rows[4][7] == "0"  # the calculated column, computed for the new row
    assert rows[5][0] == "Total" and rows[5][6:8] == ["9", "90"]


def test_several_rows_go_in_above_the_totals_row_at_once(tmp_path):
    """Two appends in one change: the totals row moves down two, the data grows by two."""
    from inquiry_cli.contract.changes import ChangeSet
    from inquiry_cli.workbook.write import apply

    book = table_workbook(tmp_path / "two.xlsx")
    changes = ChangeSet(command="test")
    changes.append("Buyers", {1: "K-04", 2: "Ivo Petrov", 7: 2})
    changes.append("Buyers", {1: "K-05", 2: "Ana Souza", 7: 4})
    changes.set("Buyers", 2, 5, "Norway")
    result = apply(book, changes)
    assert result.appended_rows == {"Buyers": [5, 6]}
    rows = cells(book)
    assert [r[:2] for r in rows[4:7]] == [
        ["K-04", "Ivo Petrov"],
        ["K-05", "Ana Souza"],
        ["Total", ""],
    ]
    assert rows[1][4] == "Norway"
    xml = sheet_xml(book, "xl/worksheets/sheet1.xml")
    assert "<f>SUBTOTAL(109,G2:G6)</f>" in xml and re.search(
        r'<table[^>]*ref="A1:H7"', _table_part(book)
    )


def with_calc_chain(path: Path) -> Path:
    """Add the calcChain.xml Excel keeps (openpyxl writes none): its totals-row entries."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/calcChain.xml"] = (
        b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<c r="G5" i="1"/><c r="H5"/></calcChain>'
    )
    rels = parts["xl/_rels/workbook.xml.rels"]
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>',
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.calcChain+xml"/></Types>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_moving_the_totals_row_drops_the_calc_chain_excel_would_repair(inq, tmp_path):
    book = with_calc_chain(table_workbook(tmp_path / "chain.xlsx"))
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    with zipfile.ZipFile(book) as z:
        assert "xl/calcChain.xml" not in z.namelist()
        assert b"calcChain" not in z.read("xl/_rels/workbook.xml.rels")
        assert b"calcChain" not in z.read("[Content_Types].xml")


def test_a_comment_on_the_totals_row_refuses_rather_than_stay_behind(inq, tmp_path):
    from openpyxl.comments import Comment

    book = table_workbook(tmp_path / "note.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["Buyers"]["G5"].comment = Comment("orders this year", "Li")
    wb.save(book)
    before = book.read_bytes()
    refused = inq("-w", book, "add", *NEW_BUYER)
    assert refused.exit_code == 1
    [error] = errors(refused)
    assert "Buyers!G5 has a comment" in error
    assert book.read_bytes() == before


def test_log_writes_inside_a_contacts_table_in_its_date_and_time_format(inq, tmp_path):
    book = own_habits_workbook(tmp_path / "log.xlsx")
    wb = openpyxl.load_workbook(book)
    log = wb.create_sheet("Contacts")
    log.append(["Date", "Buyer ID", "Channel", "Direction", "Summary", "Chase by"])
    for r, (when, bid) in enumerate([(dt.datetime(2026, 11, 2, 9, 30), "K-01"),
                                     (dt.datetime(2026, 11, 3, 15, 0), "K-02")], start=2):  # fmt: skip
        log.append([when, bid, "email", "out", "Sent catalog", f"=A{r}+7"])
        log.cell(r, 1).number_format = "yyyy-mm-dd hh:mm"
        log.cell(r, 6).number_format = "yyyy-mm-dd"
    log.append(["Count", "=SUBTOTAL(103,B2:B3)"])
    table = Table(displayName="ContactLog", ref="A1:F4")
    table.totalsRowCount = 1
    log.add_table(table)
    wb.save(book)
    result = inq("-w", book, "log", "sara@nordicglow.se", "--channel", "email", "--summary", "x")
    assert result.exit_code == 0, result.output
    rows = cells(book, "Contacts")
    assert rows[3][:2] == [dt.datetime(2026, 11, 27, 10, 0), "K-01"] and rows[4][0] == "Count"
    xml = sheet_xml(book, "xl/worksheets/sheet3.xml")
    a_style = re.search(r'<c r="A3" s="(\d+)"', xml).group(1)
    assert re.search(rf'<c r="A4" s="{a_style}"', xml)  # its date and time, as the column
    assert re.search(r'<c r="F4"[^>]*><f>A4\+7</f></c>', xml)
    assert "<f>SUBTOTAL(103,B2:B4)</f>" in xml


def rewrite_part(path: Path, part: str, edit) -> Path:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts[part] = edit(parts[part].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_a_shared_formula_column_is_continued_as_a_plain_formula(inq, tmp_path):
    """Excel writes a filled-down column as one shared formula: it counts as every row's."""

    def share(xml: str) -> str:
        xml = xml.replace(
            "<f>H2*CommissionRate</f>", '<f t="shared" ref="I2:I4" si="0">H2*CommissionRate</f>'
        )
        for r in (3, 4):
            xml = xml.replace(f"<f>H{r}*CommissionRate</f>", '<f t="shared" si="0"/>')
        return xml

    book = rewrite_part(
        own_habits_workbook(tmp_path / "shared.xlsx"), "xl/worksheets/sheet1.xml", share
    )
    assert 'si="0"/>' in sheet_xml(book, "xl/worksheets/sheet1.xml")
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    assert re.search(
        r'<c r="I5"[^>]*><f>H5\*CommissionRate</f></c>', sheet_xml(book, "xl/worksheets/sheet1.xml")
    )


def test_only_a_plain_valid_address_becomes_a_mailto_link(tmp_path):
    from inquiry_cli.contract.changes import ChangeSet
    from inquiry_cli.workbook.write import apply

    book = own_habits_workbook(tmp_path / "links.xlsx")
    changes = ChangeSet(command="test")
    changes.append("Buyers", {2: "Odd One", 4: "ask Li <li@example.com>?subject=x"})
    changes.append("Buyers", {2: "Good One", 4: "good.one@example.com"})
    apply(book, changes)
    xml = sheet_xml(book, "xl/worksheets/sheet1.xml")
    rels = sheet_xml(book, "xl/worksheets/_rels/sheet1.xml.rels")
    assert not re.search(r'<hyperlink [^>]*ref="D5"', xml) and "li@example.com" not in rels
    assert re.search(r'<hyperlink [^>]*ref="D6"', xml) and "mailto:good.one@example.com" in rels


def test_a_formula_column_under_a_title_row_is_continued(tmp_path):
    """The header sits under a title row: the header's text is no row without the formula."""
    from inquiry_cli.contract.changes import ChangeSet
    from inquiry_cli.workbook.write import apply

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Orders 2026"])
    ws.append(["Name", "Qty", "Double"])
    for r, (name, qty) in enumerate([("a", 1), ("b", 2), ("c", 3)], start=3):
        ws.append([name, qty, f"=B{r}*2"])
    wb.save(book := tmp_path / "titled.xlsx")
    changes = ChangeSet(command="test")
    changes.append("Sheet", {1: "d", 2: 4})
    apply(book, changes)
    assert re.search(
        r'<c r="C6"[^>]*><f>B6\*2</f></c>', sheet_xml(book, "xl/worksheets/sheet1.xml")
    )


def test_the_checker_catches_a_totals_row_that_lost_a_cell_on_the_way(tmp_path, monkeypatch):
    """The verifier expects the totals row's old cells at its new place, by itself."""
    from inquiry_cli.contract.changes import ChangeSet
    from inquiry_cli.errors import FidelityError
    from inquiry_cli.workbook.sheetxml import SheetPatcher
    from inquiry_cli.workbook.write import apply

    real = SheetPatcher._moved_row

    def lossy(self, row, to):
        return re.sub(rb'<c r="A%d".*?</c>' % to, b"", real(self, row, to))

    monkeypatch.setattr(SheetPatcher, "_moved_row", lossy)
    book = table_workbook(tmp_path / "lossy.xlsx")
    before = book.read_bytes()
    changes = ChangeSet(command="test")
    changes.append("Buyers", {1: "K-04", 2: "Ivo Petrov"})
    with pytest.raises(FidelityError, match="row 6 column 1"):
        apply(book, changes)
    assert book.read_bytes() == before


def test_inquiry_goes_inside_the_inquiries_table_above_its_total(inq, tmp_path):
    book = table_workbook(tmp_path / "inq.xlsx")
    wb = openpyxl.load_workbook(book)
    sheet = wb.create_sheet("Inquiries")
    sheet.append(["Inquiry ID", "Received", "Channel", "Buyer ID", "Product", "Quantity"])
    sheet.append(["Q-1", dt.datetime(2026, 11, 20, 9, 0), "email", "K-01", "LED-HB-150", 200])
    sheet.append(["Q-2", dt.datetime(2026, 11, 21, 9, 0), "email", "K-02", "LED-PL-60", 50])
    sheet.append(["Total", None, None, None, None, "=SUBTOTAL(109,F2:F3)"])
    table = Table(displayName="InquiryLog", ref="A1:F4")
    table.totalsRowCount = 1
    sheet.add_table(table)
    wb.save(book)
    done = inq("-w", book, "inquiry", "-b", "mei@lioncity.sg", "-c", "email", "-p", "LED-T8-18",
               "--qty", "1000")  # fmt: skip
    assert done.exit_code == 0, done.output
    rows = cells(book, "Inquiries")
    assert rows[3][3:6] == ["K-03", "LED-T8-18", 1000] and rows[4][0] == "Total"
    assert "<f>SUBTOTAL(109,F2:F4)</f>" in sheet_xml(book, "xl/worksheets/sheet3.xml")


def test_a_pivot_source_over_the_moved_sheet_grows_and_no_other():
    from inquiry_cli.workbook.refs import TotalsMove
    from inquiry_cli.workbook.xlsxpatch import _moved_source

    move = TotalsMove(5, 1)
    assert _moved_source(b'<worksheetSource ref="A1:H4" sheet="Buyers"/>', "buyers", move) == (
        b'<worksheetSource ref="A1:H5" sheet="Buyers"/>'
    )
    other = b'<worksheetSource ref="A1:H4" sheet="Quotes"/>'
    assert _moved_source(other, "Buyers", move) == other


def test_cells_without_their_address_still_give_the_column_format(tmp_path):
    """Some writers leave r= off cells (the place in the row says the column)."""
    from inquiry_cli.contract.changes import ChangeSet
    from inquiry_cli.workbook.write import apply

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Since"])
    for r, since in enumerate([D(2026, 1, 2), D(2026, 2, 3), None], start=2):
        ws.append([f"n{r}", since])
        if since:  # the row above has no date (and no format) in that column
            ws.cell(r, 2).number_format = "dd.mm.yyyy"
    wb.save(book := tmp_path / "bare.xlsx")
    rewrite_part(
        book, "xl/worksheets/sheet1.xml", lambda x: re.sub(r'(<c) r="[A-Z]+\d+"', r"\1", x)
    )
    changes = ChangeSet(command="test")
    changes.append("Sheet", {1: "n5", 2: D(2026, 11, 27)})
    apply(book, changes)
    assert 'r="' not in sheet_xml(tmp_path / "bare.xlsx", "xl/worksheets/sheet1.xml").split("<c")[1]
    assert openpyxl.load_workbook(book).active["B5"].number_format == "dd.mm.yyyy"


def test_a_big_sheet_with_a_comment_before_its_root_is_written(inq, tmp_path):
    """A changed sheet over 256 KB is checked from its pieces: a comment before its root
    that names sheetData (or worksheet) does not hide the root from the check."""
    from tests.conftest import sheets_workbook

    contacts = [["Date", "Email", "Channel", "Summary"]] + [
        [D(2026, 1, 1) + dt.timedelta(days=i % 300), f"b{i}@x{i}.com", "email", "x" * 60]
        for i in range(4000)
    ]
    book = sheets_workbook(tmp_path / "big.xlsx", {
        "Buyers": [["Name", "Email"], ["Sara Lind", "sara@nordicglow.se"]],
        "Contacts": contacts,
    })  # fmt: skip
    note = b"<!-- the sheetData element holds a worksheet's cells -->\n"
    _rezip(book, lambda name, data: data.replace(b"<worksheet", note + b"<worksheet", 1))
    with zipfile.ZipFile(book) as z:
        assert z.getinfo("xl/worksheets/sheet2.xml").file_size > 256 * 1024
        assert note in z.read("xl/worksheets/sheet2.xml")
    result = inq("-w", book, "log", "sara@nordicglow.se", "-c", "tel", "-s", "Called")
    assert result.exit_code == 0, result.output
    assert _typed(book, "Contacts")[-1][1:4] == ["sara@nordicglow.se", "tel", "Called"]


@pytest.mark.parametrize("name", ["合计贸易", "Total"])
def test_a_buyer_named_like_a_total_after_a_count_is_a_buyer(inq, tmp_path, name):
    from tests.conftest import sheets_workbook

    book = sheets_workbook(tmp_path / "b.xlsx", {"客户": [
        ["序号", "公司", "联系人", "邮箱", "国家"],
        [1, "Nordic Glow AB", "Sara", "sara@nordicglow.se", "Sweden"],
        [2, name, "Pierre", None, None]]})  # fmt: skip
    assert inq("-w", book, "stats").stdout.startswith("2 buyers")
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    assert _typed(book, "客户")[3][0] == 3


def test_a_row_under_the_sum_row_with_a_colon_and_a_link_is_a_buyer(inq, tmp_path):
    from tests.conftest import sheets_workbook

    book = sheets_workbook(tmp_path / "b.xlsx", {"客户": [
        ["联系人", "邮箱", "网站", "订单"], ["Sara", "sara@nordicglow.se", "https://nordicglow.se", 3],
        ["合计", None, None, "=SUM(D2:D2)"],
        ["Chen: Shenzhen Guangming", None, "https://guangming.cn"],
        ["制表人：张三", "审核："]]})  # fmt: skip
    assert inq("-w", book, "stats").stdout.startswith("2 buyers")


def test_filling_a_template_row_leaves_other_rows_hidden_and_counts_alone(tmp_path):
    """A write that fills a template row and changes a hidden record leaves that record
    hidden; rows holding only a count are no records wherever they are."""
    from inquiry_cli.contract.changes import ChangeSet
    from inquiry_cli.workbook.write import apply

    book = _made_ahead(tmp_path / "模板.xlsx", numbered="typed", hidden=(2,))
    changes = ChangeSet(command="test", serial_columns={"客户": [1]})
    changes.set("客户", 2, 5, 1300)
    changes.append("客户", {1: 3, 2: "Ivo", 4: "ivo@x.bg"})
    apply(book, changes)
    sheet = openpyxl.load_workbook(book)["客户"]
    assert sheet.row_dimensions[2].hidden and sheet["B4"].value == "Ivo"


def test_an_empty_count_column_beside_records_stays_empty(inq, tmp_path):
    from tests.conftest import sheets_workbook

    book = sheets_workbook(tmp_path / "b.xlsx", {"客户": [
        ["序号", "联系人", "邮箱"], [None, "Sara", "sara@nordicglow.se"],
        [None, "Omar", "omar@deltalamps.eg"]]})  # fmt: skip
    assert inq("-w", book, "add", *NEW_BUYER).exit_code == 0
    assert _typed(book, "客户")[3][:2] == [None, "Ivo Petrov"]


def test_rows_holding_only_a_count_above_a_buyer_are_no_buyers(inq, tmp_path):
    from tests.conftest import sheets_workbook

    book = sheets_workbook(tmp_path / "b.xlsx", {"客户": [
        ["序号", "联系人", "邮箱"], [1, "Sara", "sara@nordicglow.se"], [2], [3], [4],
        [5, "Omar", "omar@deltalamps.eg"]]})  # fmt: skip
    assert inq("-w", book, "stats").stdout.startswith("2 buyers")
