"""Builders for the write-path tests: a workbook carrying what openpyxl round trips lose."""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
import zipfile
import zlib
from pathlib import Path

import xlsxwriter


def tiny_png() -> bytes:
    """A valid 2x2 red PNG, made here so the tests need no image files."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


BUYER_ROWS = [
    ["B001", "Hans Müller", "Müller GmbH", dt.date(2026, 1, 5), 1200.5, "A"],
    ["B002", "王伟", "深圳贸易有限公司", dt.date(2026, 2, 10), 880.0, "B"],
    ["B003", "Ana Souza", "Souza Ltda", dt.date(2026, 3, 15), 45.25, "C"],
]


def rich_workbook(path: Path, vba: bool = False) -> Path:
    """Text box, picture, chart + chartsheet, sparkline, cross-sheet dropdown, comments,
    hyperlinks, cached formulas, an Excel Table, a hidden sheet, a merged title row,
    Chinese text, custom number formats and a date column."""
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"company": "ACME Export", "manager": "Li Na"})
    title = wb.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = wb.add_format({"bold": True, "bottom": 2, "bg_color": "#DDEBF7"})
    cell = wb.add_format({"border": 1})
    bold_cell = wb.add_format({"border": 1, "bold": True})
    date = wb.add_format({"border": 1, "num_format": "yyyy-mm-dd"})
    money = wb.add_format({"border": 1, "num_format": '#,##0.00 "USD"'})

    ws = wb.add_worksheet("Buyers")
    ws.merge_range("A1:F1", "客户列表 Buyers", title)
    ws.write_row(1, 0, ["Buyer ID", "Name", "Company", "First contact", "Amount", "Grade"], head)
    for i, (bid, name, company, first, amount, grade) in enumerate(BUYER_ROWS):
        r = i + 2
        ws.write(r, 0, bid, bold_cell)
        ws.write(r, 1, name, cell)
        ws.write(r, 2, company, cell)
        ws.write_datetime(r, 3, dt.datetime.combine(first, dt.time()), date)
        ws.write_number(r, 4, amount, money)
        ws.write(r, 5, grade, cell)
        ws.write_formula(r, 6, f"=E{r + 1}*2", cell, amount * 2)
    ws.write_comment("B3", "Met at Canton Fair", {"author": "Li", "color": "#FFCC99"})
    ws.write_url("H3", "https://example.com/muller", string="website")
    ws.data_validation("F3:F5", {"validate": "list", "source": "=Lists!$A$1:$A$4"})
    ws.conditional_format(
        "E3:E5", {"type": "cell", "criteria": ">", "value": 1000, "format": bold_cell}
    )
    ws.add_sparkline("I3", {"range": "Buyers!E3:G3"})
    ws.insert_textbox("K2", "Remember: reply within 24h", {"width": 200, "height": 60})
    png = path.with_name("pic.png")
    png.write_bytes(tiny_png())
    ws.insert_image("K8", str(png))
    ws.freeze_panes(2, 0)

    contacts = wb.add_worksheet("Contacts")
    contacts.add_table(
        "A1:F4",
        {
            "name": "ContactLog",
            "columns": [
                {"header": h}
                for h in ["Date", "Buyer ID", "Channel", "Direction", "Summary", "Next step"]
            ],
            "data": [
                [dt.datetime(2026, 1, 6), "B001", "email", "out", "Sent catalog", "call"],
                [dt.datetime(2026, 2, 11), "B002", "WeChat", "in", "询价 LED 灯", "quote"],
                [dt.datetime(2026, 3, 16), "B003", "phone", "out", "Samples", ""],
            ],
        },
    )
    for r in range(1, 4):
        contacts.write_datetime(r, 0, dt.datetime(2026, r, 5 + r), date)

    lists = wb.add_worksheet("Lists")
    lists.write_column(0, 0, ["A", "B", "C", "D"])
    lists.hide()

    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "=Buyers!$E$3:$E$5", "categories": "=Buyers!$B$3:$B$5"})
    ws.insert_chart("K14", chart)
    sheet_chart = wb.add_chart({"type": "line"})
    sheet_chart.add_series({"values": "=Buyers!$E$3:$E$5"})
    wb.add_chartsheet("Chart").set_chart(sheet_chart)
    if vba:
        vba_bin = path.with_name("vbaProject.bin")
        vba_bin.write_bytes(b"\xd0\xcf\x11\xe0fake-vba-project" * 20)
        wb.add_vba_project(str(vba_bin))
    wb.close()
    return path


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def values(path: Path) -> dict[str, dict[tuple[int, int], object]]:
    """Every non-empty cell value of every worksheet, read with openpyxl."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = {
            (c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None
        }
    return out


def libreoffice_csv(book: Path, folder: Path, export: str = "csv") -> list[Path]:
    """Convert `book` with LibreOffice (headless) into CSV files in `folder`.

    A profile of its own: with the user's profile, a LibreOffice already running (another
    test run, say) takes the job over and this one returns having written nothing.
    """
    import subprocess

    profile = folder.parent / f"{folder.name}-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--convert-to",
            export,
            "--outdir",
            str(folder),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return sorted(folder.glob("*.csv"))
