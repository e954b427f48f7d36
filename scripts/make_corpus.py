"""Make a few dozen varied workbooks to run scripts/write_corpus.py on.

    python scripts/make_corpus.py FOLDER [--no-libreoffice]

Workbooks written by xlsxwriter and openpyxl (tables, merges, array formulas, 1904
dates, comments, pictures, charts, hidden sheets, write-only mode, ...), the hand-made
quirk packages of tests/corpus.py, and real LibreOffice-written files (CSV, and some of
the others, converted by `soffice --headless --convert-to xlsx`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import corpus  # noqa: E402
from write_helpers import rich_workbook, tiny_png  # noqa: E402

ROWS = [
    ["B001", "Hans Müller", "Müller GmbH", dt.date(2026, 1, 5), 1200.5, "A"],
    ["B002", "王伟", "深圳贸易有限公司", dt.date(2026, 2, 10), 880.0, "B"],
    ["B003", "Ana Souza", "Souza Ltda", dt.date(2026, 3, 15), 45.25, "C"],
]
HEADER = ["ID", "Name", "Company", "First contact", "Amount", "Grade"]
# Workbooks also saved again by LibreOffice (by way of .ods).
LIBREOFFICE_PICKS = {
    "xw_rich",
    "xw_rich_macro",
    "xw_merged_header_data",
    "xw_array_formula",
    "xw_many_formats",
    "xw_chart_and_validation",
    "op_styled",
    "op_table",
    "op_1904",
    "quirk_alternate_content_styles",
    "quirk_array_and_pivot",
}


def xlsxwriter_books(out: Path) -> list[Path]:
    import xlsxwriter

    made = []

    def book(name: str, **options) -> xlsxwriter.Workbook:
        made.append(out / name)
        return xlsxwriter.Workbook(str(out / name), options)

    wb = book("xw_plain.xlsx")
    ws = wb.add_worksheet()
    ws.write_row(0, 0, HEADER)
    date = wb.add_format({"num_format": "dd/mm/yyyy"})
    for i, r in enumerate(ROWS, start=1):
        ws.write_row(i, 0, r[:3])
        ws.write_datetime(i, 3, dt.datetime.combine(r[3], dt.time()), date)
        ws.write_row(i, 4, r[4:])
    wb.close()

    wb = book("xw_table_totals.xlsx")
    ws = wb.add_worksheet("Orders")
    ws.add_table(
        "A1:C5",
        {
            "data": [["a", 1, 2], ["b", 3, 4], ["c", 5, 6]],
            "total_row": True,
            "columns": [
                {"header": "Item", "total_string": "Total"},
                {"header": "Qty", "total_function": "sum"},
                {"header": "Price", "total_function": "average"},
            ],
        },
    )
    wb.close()

    wb = book("xw_merged_header.xlsx")
    ws = wb.add_worksheet("Buyers")
    head = wb.add_format({"bold": True, "align": "center", "border": 1})
    ws.merge_range("A1:F2", "Customer list 客户列表", head)
    wb.close()

    wb = book("xw_merged_header_data.xlsx")
    ws = wb.add_worksheet("Buyers")
    ws.merge_range("A1:F1", "Customer list", head)
    ws.merge_range("A2:A3", "ID", head)
    ws.write_row(2, 1, HEADER[1:], head)
    for i, r in enumerate(ROWS, start=3):
        ws.write_row(i, 0, [str(v) for v in r])
    wb.close()

    wb = book("xw_array_formula.xlsx")
    ws = wb.add_worksheet()
    ws.write_column("A1", [1, 2, 3])
    ws.write_array_formula("B1:B3", "{=A1:A3*2}", None, 2)
    ws.write_dynamic_array_formula("C1:C3", "=A1:A3*3", None, 3)
    wb.close()

    wb = book("xw_1904.xlsx", date_1904=True)
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["When", "What"])
    ws.write_datetime(1, 0, dt.datetime(2026, 1, 2), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write(1, 1, "mac")
    wb.close()

    wb = book("xw_constant_memory.xlsx", constant_memory=True)
    ws = wb.add_worksheet()
    for i in range(200):
        ws.write_row(i, 0, [f"row {i}", i, i * 1.5])
    wb.close()

    wb = book("xw_inline_strings.xlsx", strings_to_numbers=True)
    ws = wb.add_worksheet("数据")
    ws.write_row(0, 0, ["编号", "金额"])
    ws.write_row(1, 0, ["1", "2.5"])
    wb.close()

    wb = book("xw_hidden_and_protected.xlsx")
    a = wb.add_worksheet("Visible")
    a.write_row(0, 0, ["a", "b"])
    a.write_row(1, 0, [1, 2])
    wb.add_worksheet("Hidden").hide()
    p = wb.add_worksheet("Protected")
    p.write(0, 0, "locked")
    p.protect()
    wb.close()

    wb = book("xw_picture_comment_link.xlsx")
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["Name", "Site"])
    ws.write(1, 0, "Hans")
    ws.write_url(1, 1, "https://example.com", string="site")
    ws.write_comment("A2", "met in Canton")
    png = out / "pic.png"
    png.write_bytes(tiny_png())
    ws.insert_image("D2", str(png))
    wb.close()
    png.unlink()

    wb = book("xw_chart_and_validation.xlsx")
    ws = wb.add_worksheet("Data")
    ws.write_row(0, 0, ["Month", "Sales"])
    for i in range(1, 7):
        ws.write_row(i, 0, [f"M{i}", i * 10])
    ws.data_validation("C2:C7", {"validate": "list", "source": ["yes", "no"]})
    ws.conditional_format("B2:B7", {"type": "3_color_scale"})
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": "=Data!$B$2:$B$7"})
    ws.insert_chart("E2", chart)
    ws.autofilter("A1:B7")
    ws.freeze_panes(1, 0)
    wb.close()

    wb = book("xw_many_formats.xlsx")
    ws = wb.add_worksheet()
    formats = ["0.00%", "#,##0", "h:mm", "[h]:mm:ss", "yyyy-mm-dd hh:mm", "@", '"USD" #,##0.00']
    for c, code in enumerate(formats):
        ws.write(0, c, code)
        ws.write(1, c, 0.75, wb.add_format({"num_format": code, "border": 1}))
    wb.close()

    wb = book("xw_rich_strings.xlsx")
    ws = wb.add_worksheet()
    bold = wb.add_format({"bold": True})
    ws.write_rich_string("A1", "plain ", bold, "bold", " plain")
    ws.write("A2", "  spaces  ")
    wb.close()

    made.append(rich_workbook(out / "xw_rich.xlsx"))
    made.append(rich_workbook(out / "xw_rich_macro.xlsm", vba=True))
    for leftover in ("pic.png", "vbaProject.bin"):
        (out / leftover).unlink(missing_ok=True)
    return made


def openpyxl_books(out: Path) -> list[Path]:
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table

    made = []

    def save(wb, name: str) -> None:
        wb.save(out / name)
        made.append(out / name)

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in ROWS:
        ws.append(r)
    save(wb, "op_plain.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Styled"
    thin = Side(style="thin")
    ws.append(HEADER)
    for r in ROWS:
        ws.append(r)
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            c.fill = PatternFill("solid", fgColor="FFF2CC")
    for c in ws[1]:
        c.font = Font(bold=True)
    ws["G2"] = "=E2*2"
    ws.merge_cells("H1:J1")
    ws["H1"] = "merged"
    ws["A2"].comment = Comment("first buyer", "Li")
    save(wb, "op_styled.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Item", "Qty"])
    ws.append(["a", 1])
    ws.append(["b", 2])
    ws.add_table(Table(displayName="Items", ref="A1:B3"))
    dv = DataValidation(type="list", formula1='"x,y"')
    ws.add_data_validation(dv)
    dv.add("C2:C3")
    save(wb, "op_table.xlsx")

    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.append(["When", "What"])
    ws.append([dt.datetime(2026, 1, 2), "1904"])
    save(wb, "op_1904.xlsx")

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Stream")
    ws.append(["n", "square"])
    for i in range(500):
        ws.append([i, i * i])
    save(wb, "op_write_only.xlsx")

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in ("Buyers", "Contacts", "Quotes 报价"):
        ws = wb.create_sheet(name)
        ws.append(["ID", "Note"])
        ws.append(["1", name])
    save(wb, "op_three_sheets.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Amount", "Exact"])
    ws.append([Decimal("19.99"), 1 / 3])
    ws["A2"].number_format = "yyyy-mm-dd"  # a number formatted as a date
    save(wb, "op_date_formatted_number.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "empty below"
    save(wb, "op_one_cell.xlsx")

    wb = openpyxl.Workbook()
    save(wb, "op_empty.xlsx")
    return made


def quirk_books(out: Path) -> list[Path]:
    made = [build(out / f"quirk_{name}.xlsx") for name, build in corpus.QUIRKS.items()]
    made.append(corpus.main_part_elsewhere(out / "quirk_main_named_oddly.xlsx", "xl/wb2.xml"))
    return made


def soffice(to: str, folder: Path, files: list[Path]) -> None:
    subprocess.run(
        ["soffice", "--headless", "--convert-to", to, "--outdir", str(folder), *map(str, files)],
        check=True,
        capture_output=True,
        timeout=600,
    )


def libreoffice_books(out: Path, sources: list[Path]) -> list[Path]:
    """Files LibreOffice writes: from CSV, and from some of the others by way of .ods
    (so the .xlsx is wholly LibreOffice's own), each step one soffice run."""
    if shutil.which("soffice") is None:
        print("soffice not found: no LibreOffice-written files", file=sys.stderr)
        return []
    csvs = {
        "lo_csv_plain": "ID,Name,Amount,Date\nB001,Hans,12.5,2026-01-05\nB002,Li,7,2026-02-10\n",
        "lo_csv_unicode": "编号,名字\n1,王伟\n2,李娜\n",
        "lo_csv_one_row": "only,a,header\n",
    }
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        copies = []
        for src in sources:
            copies.append(staging / f"lo_{src.stem}{src.suffix}")
            shutil.copyfile(src, copies[-1])
        soffice("ods", staging, copies)
        inputs = [staging / f"{p.stem}.ods" for p in copies]
        for name, text in csvs.items():
            inputs.append(staging / f"{name}.csv")
            inputs[-1].write_text(text, encoding="utf-8")
        soffice("xlsx", out, inputs)
    return sorted(out.glob("lo_*.xlsx"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--no-libreoffice", action="store_true")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    made = xlsxwriter_books(args.folder) + openpyxl_books(args.folder) + quirk_books(args.folder)
    if not args.no_libreoffice:
        picks = [p for p in made if p.stem in LIBREOFFICE_PICKS]
        made += libreoffice_books(args.folder, picks)
    print(f"{len(made)} workbooks in {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
