"""`due` reads the long logs a window at a time and keeps only what it needs: the list it
prints is the one a whole read gives, on logs laid out every way people keep them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import random
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from inquiry_cli.cli import reads
from inquiry_cli.contract import needs
from inquiry_cli.workbook import read, shaping, windowed

GRADES = "AABBBCCD"


def _people(n: int, rng: random.Random) -> list[dict]:
    return [
        {
            "id": f"B{i:03d}",
            "name": f"Buyer{i} Person",
            "company": f"Firm {i} Trading",
            "email": f"buyer{i}@firm{i}.example",
            "country": rng.choice(["Germany", "United States", "Saudi Arabia", "Brazil", "德国"]),
            "grade": GRADES[i % len(GRADES)],
        }
        for i in range(n)
    ]


def _when(rng: random.Random) -> dt.datetime:
    # minutes on a few days only: many ties, on the same buyer too
    day = dt.datetime(2026, 10, 1) + dt.timedelta(days=rng.randrange(0, 55))
    return day + dt.timedelta(hours=rng.choice([9, 10, 15]), minutes=rng.choice([0, 30]))


def _workbook(
    path: Path,
    *,
    chinese: bool = False,
    text_dates: bool = False,
    total_row: bool = False,
    offset: int = 0,
    contacts: int = 600,
    seed: str = "shaped",
) -> Path:
    """A buyer list, an inquiry log and a contact log of `contacts` rows, as people keep
    them: English or 中文 headers (a title row, a 序号, a first empty column), real or
    typed dates, ties, rows naming the buyer by name only, a 合计 and a footer."""
    rng = random.Random(seed)
    people = _people(40, rng)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    pad = [None] * offset

    def put(ws, cells: list) -> None:
        ws.append([*pad, *cells])

    buyers = wb.create_sheet("客户" if chinese else "Buyers")
    head = (
        ["客户编号", "姓名", "公司", "邮箱", "国家", "等级"]
        if chinese
        else ["Buyer ID", "Name", "Company", "Email", "Country", "Grade"]
    )
    put(buyers, head)
    for p in people:
        put(buyers, [p["id"], p["name"], p["company"], p["email"], p["country"], p["grade"]])

    inquiries = wb.create_sheet("询盘" if chinese else "Inquiries")
    put(inquiries, (
            ["询盘编号", "日期", "客户编号", "邮箱", "产品", "留言", "状态", "已回复", "报价单号"]
            if chinese
            else ["Inquiry ID", "Received", "Buyer ID", "Email", "Product", "Message", "Status",
                  "Replied", "Quote No."]
        )
    )  # fmt: skip
    for i in range(150):
        p = rng.choice(people)
        got = _when(rng)
        status = rng.choice(["open", "open", "quoted", "won", "lost", ""])
        replied = got + dt.timedelta(hours=3) if rng.random() < 0.6 else None
        put(
            inquiries,
            [
                f"Q{i:04d}",
                got,
                p["id"] if rng.random() < 0.7 else None,
                p["email"],
                rng.choice(["LED panel", "Solar lamp", "Cable"]),
                "Please quote " * rng.randrange(2, 30),
                status,
                replied,
                f"QT-{i}" if status in ("quoted", "won", "lost") else None,
            ],
        )

    log = wb.create_sheet("联系记录" if chinese else "Contacts")
    if chinese:
        put(log, ["客户联系记录 2026"])  # a title row above the header
        put(log, ["序号", "日期", "客户编号", "邮箱", "客户", "方式", "方向", "内容", "下一步"])
    else:
        put(log, ["Date", "Buyer ID", "Email", "Client", "Channel", "Direction", "Summary",
               "Next step"]
        )  # fmt: skip
    for i in range(contacts):
        p = rng.choice(people[:30])  # (the last ten buyers are never contacted)
        at: object = _when(rng)
        if text_dates and rng.random() < 0.2:
            at = f"{at:%Y/%m/%d}" if rng.random() < 0.5 else f"{at:%d/%m/%Y}"
        if rng.random() < 0.03:
            at = None  # a row without a date
        how = rng.random()
        who = [p["id"], p["email"], None]
        if how < 0.15:
            who = [None, None, p["name"]]  # named only: linked by the name
        elif how < 0.3:
            who = [None, p["email"].upper(), None]
        row = [
            at,
            *who,
            rng.choice(["email", "WhatsApp", "tel"]),
            rng.choice(["in", "out", "out", "Incoming", "收到"]),
            f"talked {i}",
            rng.choice([None, "send catalogue", "call back"]),
        ]
        put(log, ([i + 1] if chinese else []) + row)
        if i == contacts // 2:  # two contacts at the very same minute: the later row wins
            for p in people[:5]:
                for said in ("the first of two", "the second of two"):
                    same = [dt.datetime(2026, 11, 26, 16, 0), p["id"], p["email"], None]
                    put(log, ([None] if chinese else []) + same + ["tel", "out", said, None])
    if total_row:
        put(log, (["合计"] if chinese else ["Total"]) + [None, None, f"=COUNTA(C3:C{contacts})"])
        put(log, ["制表人：张三"])
    wb.save(path)
    return path


def _whole(monkeypatch) -> None:
    """The due read as it was: every sheet whole."""
    monkeypatch.setattr(reads, "DUE", dataclasses.replace(reads.DUE, kept=()))


def _due(inq, path: Path, *args: str) -> str:
    result = inq("-w", str(path), "due", "week", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def small_windows(monkeypatch):
    """Windows of a few rows, and a short held-back tail: every cut is exercised."""
    monkeypatch.setattr(windowed, "WINDOW", 3000)
    monkeypatch.setattr(windowed, "WINDOWED_FROM", 0)
    monkeypatch.setattr(shaping, "_TAIL", 7)


LAYOUTS = {
    "plain": {},
    "中文, title row, 序号, column B on": {"chinese": True, "offset": 1},
    "typed dates": {"text_dates": True},
    "sum row and footer": {"chinese": True, "total_row": True},
    "english sum row": {"total_row": True, "text_dates": True},
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_due_lists_what_a_whole_read_lists(inq, tmp_path, monkeypatch, small_windows, layout):
    path = _workbook(tmp_path / "wb.xlsx", **LAYOUTS[layout])
    shaped_json, shaped_table = _due(inq, path, "--json"), _due(inq, path, "--all")
    _whole(monkeypatch)
    assert json.loads(shaped_json) == json.loads(_due(inq, path, "--json"))
    assert shaped_table == _due(inq, path, "--all")
    items = json.loads(shaped_json)
    assert len(items) > 20
    assert any(i["last_summary"] for i in items)  # the latest contacts are read whole
    assert "the second of two" in shaped_json and "the first of two" not in shaped_json


def test_the_log_is_kept_small(tmp_path, small_windows):
    path = _workbook(tmp_path / "wb.xlsx", contacts=2000)
    book = read.load(path, reads.DUE.sheets, kept=needs.DUE_ROWS)
    contacts, inquiries = book.table("contacts"), book.table("inquiries")
    assert contacts.partial and inquiries.partial
    # 30 buyers named three ways, five directions: far fewer rows than 2,000
    assert len(contacts) < 700
    messages = inquiries.columns.get("message")
    assert messages is not None
    assert {row[messages] for row in inquiries.rows[40:-40]} == {shaping.ELIDED}
    assert len(inquiries) == 150  # every inquiry is there, only its message let go


def _rewrite_sheet(path: Path, edit, part: str = "xl/worksheets/sheet3.xml") -> None:
    """The workbook with one sheet's XML (openpyxl's third: the contact log) changed by
    edit(xml), as another writer might have saved it."""
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i)) for i in z.infolist()]
    assert part in {i.filename for i, _data in items}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info, edit(data) if info.filename == part else data)
    path.write_bytes(buf.getvalue())


def test_rows_and_cells_without_their_numbers(inq, tmp_path, monkeypatch, small_windows):
    """A writer that leaves out r= (calamine numbers such rows after the one before):
    a window never starts at such a row, so the rows keep their places."""
    path = _workbook(tmp_path / "wb.xlsx")

    def unnumbered(xml: bytes) -> bytes:
        # every other row and every cell without its reference
        xml = re.sub(rb'<c r="[A-Z]+\d+"', b"<c", xml)
        return re.sub(rb'<row r="(\d*[13579])"', b"<row", xml)

    _rewrite_sheet(path, unnumbered)
    shaped = _due(inq, path, "--json")
    _whole(monkeypatch)
    assert json.loads(shaped) == json.loads(_due(inq, path, "--json"))


def test_no_row_numbers_at_all_reads_as_one_window(inq, tmp_path, monkeypatch, small_windows):
    path = _workbook(tmp_path / "wb.xlsx")
    _rewrite_sheet(path, lambda xml: re.sub(rb'<(row|c) r="[A-Z]*\d+"', rb"<\1", xml))
    shaped = _due(inq, path, "--json")
    _whole(monkeypatch)
    assert json.loads(shaped) == json.loads(_due(inq, path, "--json"))


def test_merged_cells_in_the_log_read_it_whole(inq, tmp_path, monkeypatch, small_windows):
    """A Buyer ID merged down over a buyer's rows gives it to each: only the whole sheet
    can fill them, so that sheet is read whole."""
    path = _workbook(tmp_path / "wb.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Contacts"]
    for top in (5, 40, 100, 300):
        ws.cell(top + 1, 2).value = None
        ws.cell(top + 2, 2).value = None
        ws.cell(top + 1, 3).value = None
        ws.cell(top + 2, 3).value = None
        ws.cell(top + 1, 4).value = None
        ws.cell(top + 2, 4).value = None
        ws.merge_cells(start_row=top, start_column=2, end_row=top + 2, end_column=2)
    wb.save(path)
    shaped = _due(inq, path, "--json")
    _whole(monkeypatch)
    assert json.loads(shaped) == json.loads(_due(inq, path, "--json"))


def test_a_short_log_is_read_whole(tmp_path):
    """Under WINDOWED_FROM of XML the windows would cost more time than they save memory."""
    path = _workbook(tmp_path / "wb.xlsx")
    book = read.load(path, reads.DUE.sheets, kept=needs.DUE_ROWS)
    assert not book.table("contacts").partial
    assert len(book.table("contacts")) == 600 + 10


def test_a_damaged_log_is_one_line(inq, tmp_path, small_windows):
    path = _workbook(tmp_path / "wb.xlsx")
    _rewrite_sheet(path, lambda xml: xml[: len(xml) // 2])
    before = path.read_bytes()
    result = inq("-w", str(path), "due")
    assert result.exit_code != 0
    assert "Contacts" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert path.read_bytes() == before


# -- a long sheet read whole, as small sheets parsed on two handles and put back together


@pytest.fixture
def cut_whole(monkeypatch):
    """Every sheet read whole is cut into small sheets of a few rows."""
    monkeypatch.setattr(windowed, "WINDOW", 3000)
    monkeypatch.setattr(read, "WHOLE_CUT", 0)
    monkeypatch.setattr(read, "WHOLE_CUT_SHARE", 0)


def _tables(path: Path, what: reads.Read = reads.CHECK) -> dict:
    book = read.load(path, what.sheets, what.heads)
    return {k: (t.rows, t.row_numbers, t.columns, t.header_row) for k, t in book.tables.items()}


def _gappy(path: Path) -> Path:
    """A log with runs of empty rows longer than a small sheet, a stretch where its last
    columns are empty (small sheets narrower than the sheet), and a note far right."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Contacts"] if "Contacts" in wb.sheetnames else wb["联系记录"]
    for r in range(60, 200):  # 140 empty rows: whole small sheets of nothing
        for c in range(1, 10):
            ws.cell(r, c).value = None
    for r in range(250, 420):  # no Channel .. Next step here
        for c in range(5, 10):
            ws.cell(r, c).value = None
    ws.cell(500, 14).value = "checked by Li"
    wb.save(path)
    return path


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_long_sheet_cut_reads_as_it_reads_whole(tmp_path, monkeypatch, layout):
    path = _workbook(tmp_path / "wb.xlsx", **LAYOUTS[layout])
    if layout == "plain":
        _gappy(path)
    whole = _tables(path)
    monkeypatch.setattr(windowed, "WINDOW", 3000)
    monkeypatch.setattr(read, "WHOLE_CUT", 0)
    monkeypatch.setattr(read, "WHOLE_CUT_SHARE", 0)
    calls = []
    real = windowed.WindowedCopy.rows
    monkeypatch.setattr(windowed.WindowedCopy, "rows", lambda w: calls.append(w) or real(w))
    assert _tables(path) == whole
    assert len(calls) >= 3  # (every sheet over a few rows went through the small sheets)


def test_commands_say_the_same_on_a_cut_read(inq, tmp_path, monkeypatch):
    path = _gappy(_workbook(tmp_path / "wb.xlsx", chinese=True, offset=1))
    runs = [("check",), ("trip", "Germany", "--json"), ("stats", "--json")]
    whole = [inq("-w", str(path), *run) for run in runs]
    monkeypatch.setattr(windowed, "WINDOW", 3000)
    monkeypatch.setattr(read, "WHOLE_CUT", 0)
    monkeypatch.setattr(read, "WHOLE_CUT_SHARE", 0)
    for run, before in zip(runs, whole, strict=True):
        after = inq("-w", str(path), *run)
        assert (after.exit_code, after.stdout) == (before.exit_code, before.stdout), run
    assert "Germany" in whole[1].stdout or "德国" in whole[1].stdout


def test_rows_out_of_order_are_read_whole(tmp_path, cut_whole, monkeypatch):
    """Rows saved out of order (another writer): calamine places cells by their own
    references, which only a whole read can do; the small sheets would overlap."""
    path = _workbook(tmp_path / "wb.xlsx")

    def swapped(xml: bytes) -> bytes:
        rows = re.findall(rb"<row .*?</row>", xml, re.S)
        a, b = xml.index(rows[10]), xml.index(rows[-5]) + len(rows[-5])
        middle = xml[a:b]
        block = b"".join(rows[-40:-5])
        return xml[:a] + block + middle.replace(block, b"") + xml[b:]

    _rewrite_sheet(path, swapped)
    monkeypatch.setattr(read, "WHOLE_CUT", 1 << 40)
    whole = _tables(path)
    monkeypatch.setattr(read, "WHOLE_CUT", 0)
    assert _tables(path) == whole
    assert len(whole["contacts"][0]) == 610


def test_merged_cells_are_read_whole_when_cut(tmp_path, cut_whole, monkeypatch):
    path = _workbook(tmp_path / "wb.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Contacts"]
    ws["H300"] = "send the catalogue"  # merged down: every row of it says so
    ws.merge_cells("H300:H310")
    wb.save(path)
    cut = _tables(path)
    monkeypatch.setattr(read, "WHOLE_CUT", 1 << 40)
    assert cut == _tables(path)


def test_two_handles_within_a_small_reading_budget(tmp_path, cut_whole, monkeypatch):
    """With room in the budget for one small sheet, the handles take it in turn (window
    order): a later sheet holding it while an earlier one waits for it would hang."""
    import threading
    import time

    from inquiry_cli.workbook import repack

    path = _workbook(tmp_path / "wb.xlsx", contacts=1500)
    whole = _tables(path, reads.Read(("contacts",)))
    monkeypatch.setattr(repack, "CELL_LIMIT", 150)
    monkeypatch.setattr(windowed, "BUDGET", repack._Budget(150))

    def cells(self, i: int) -> int:
        if i == 0:
            time.sleep(0.3)  # (the second handle is ready first)
        return 100

    monkeypatch.setattr(windowed.WindowedCopy, "_cells", cells)
    done: list[dict] = []
    worker = threading.Thread(
        target=lambda: done.append(_tables(path, reads.Read(("contacts",)))), daemon=True
    )
    worker.start()
    worker.join(timeout=20)
    assert done == [whole]


def _cut_reads_as_whole(path: Path, monkeypatch) -> dict:
    """The tables of a cut read (cut_whole on) equal a whole read's; returns them."""
    cut = _tables(path)
    monkeypatch.setattr(read, "WHOLE_CUT", 1 << 40)
    whole = _tables(path)
    monkeypatch.setattr(read, "WHOLE_CUT", 0)
    assert cut == whole
    return whole


def test_row_tags_inside_comments_do_not_cut_the_sheet(tmp_path, cut_whole, monkeypatch):
    """A comment or CDATA holding `<row r=...>` (no Excel writes one, other tools may):
    a cut there would break the XML; the sheet is then read whole, as before."""
    path = _workbook(tmp_path / "wb.xlsx")
    _rewrite_sheet(
        path,
        lambda xml: xml.replace(
            b"</row>",
            b'</row><!-- <row r="9"><c r="A9" t="inlineStr"><is><t>not data</t></is></c></row> -->',
            400,
        ),
    )
    assert len(_cut_reads_as_whole(path, monkeypatch)["contacts"][0]) == 610


def test_cell_data_prefixed_under_a_plain_root(tmp_path, cut_whole, monkeypatch):
    path = _workbook(tmp_path / "wb.xlsx")
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    def prefixed(xml: bytes) -> bytes:
        xml = xml.replace(
            b'xmlns="' + main + b'"', b'xmlns="' + main + b'" xmlns:x="' + main + b'"', 1
        )
        a, b = xml.index(b"<sheetData>"), xml.index(b"</sheetData>") + len(b"</sheetData>")
        inner = re.sub(rb"<(/?)(sheetData|row|c|v|is|t)([\s>/])", rb"<\1x:\2\3", xml[a:b])
        return xml[:a] + inner + xml[b:]

    _rewrite_sheet(path, prefixed)
    assert len(_cut_reads_as_whole(path, monkeypatch)["contacts"][0]) == 610


def test_merges_written_before_the_cell_data(tmp_path, cut_whole, monkeypatch):
    path = _workbook(tmp_path / "wb.xlsx")

    def merged_first(xml: bytes) -> bytes:
        xml = xml.replace(b"<sheetData>", b'<mergeCells count="1"><mergeCell ref="J2:J40"/>'
                          b"</mergeCells><sheetData>", 1)  # fmt: skip
        return re.sub(rb'(<row r="2"[^>]*>.*?)</row>', rb'\1<c r="J2" t="inlineStr"><is><t>'
                      rb"merged</t></is></c></row>", xml, count=1, flags=re.S)  # fmt: skip

    _rewrite_sheet(path, merged_first)
    rows = _cut_reads_as_whole(path, monkeypatch)["contacts"][0]
    assert [r[9] for r in rows[:39]] == ["merged"] * 39  # (rows 2-40)


def test_cells_below_every_row_are_read_whole(tmp_path, cut_whole, monkeypatch):
    """A cell whose reference lies below every row the tags number: its small sheet would
    be laid out down to it, past the budget it took; the sheet is read whole instead."""
    from inquiry_cli.workbook import repack

    path = _workbook(tmp_path / "wb.xlsx")
    far = b'<c r="J%d" t="inlineStr"><is><t>far</t></is></c></row>'
    _rewrite_sheet(path, lambda xml: far.join(xml.rsplit(b"</row>", 1)) % 90000)  # (last row)
    wholes: list[str] = []
    real = repack.Repack.fill
    monkeypatch.setattr(repack.Repack, "fill", lambda self, n: wholes.append(n) or real(self, n))
    _cut_reads_as_whole(path, monkeypatch)
    assert wholes.count("Contacts") == 2  # (the cut read fell back; then the whole read)


def test_a_cut_copy_has_no_name_in_the_temp_folder(tmp_path, monkeypatch):
    """On Linux the copy is opened by its descriptor: a run killed mid-read leaves nothing."""
    import os

    from inquiry_cli.workbook.headers import sheet_map
    from inquiry_cli.workbook.ooxml import ZipSource

    path = _workbook(tmp_path / "wb.xlsx")
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(windowed, "WINDOW", 3000)
    with ZipSource(path) as src:
        _names, parts = sheet_map(src)
        with windowed.WindowedCopy(src, False, "Contacts", parts["Contacts"], 2) as copy:
            copy.fill()
            seen = [f for f in os.listdir(temp) if f.startswith("inq-window-")]
            assert sum(len(rows) for _first, rows in copy.windows()) == 611
    if os.path.exists("/proc/self/fd"):
        assert seen == []
    assert list(temp.iterdir()) == []


def test_the_checked_copy_has_no_name_in_the_temp_folder(tmp_path, monkeypatch):
    """The same for a sheet read whole (repack.py): nothing to leave when killed."""
    import os

    from inquiry_cli.workbook import repack

    path = _workbook(tmp_path / "wb.xlsx")
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    seen: list[list[str]] = []
    real = repack.Repack.fill
    monkeypatch.setattr(
        repack.Repack,
        "fill",
        lambda self, n: (
            seen.append([f for f in os.listdir(temp) if f.startswith("inq-read-")]) or real(self, n)
        ),
    )  # (a calamine call's stderr capture may be there for an instant: its own test)
    assert len(_tables(path, reads.Read(("buyers", "contacts")))["contacts"][0]) == 610
    assert seen
    if os.path.exists("/proc/self/fd"):
        assert seen == [[]] * len(seen)
    assert list(temp.iterdir()) == []
