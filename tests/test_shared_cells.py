"""A long sheet's repeated cells are read as one object each (contract/sharing.py): what
every command sees and prints is what it saw before, cell for cell and kind for kind."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import openpyxl
import pytest

from inquiry_cli.cli import reads
from inquiry_cli.contract import sharing
from inquiry_cli.workbook import read

ROWS = 400


def _workbook(path: Path, chinese: bool = False) -> Path:
    """Buyers, inquiries and contacts with columns of few values (countries, statuses,
    dates, directions), columns of ids, and a column where equal-looking values of other
    kinds sit together: True, 1, 1.0, "1", a date and the same day as a datetime (which
    calamine reads as the date it is stored as)."""
    rng = random.Random("shared")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户资料" if chinese else "Buyers"
    if chinese:
        ws.append(["客户资料表"])
        ws.append([])
        ws.append(["序号", "客户名称", "邮箱", "国家", "客户等级", "状态", "最后联系", "备注"])
    else:
        ws.append(
            ["Buyer ID", "Name", "Email", "Country", "Grade", "Status", "Last contact", "Notes"]
        )
    odd = [True, 1, 1.0, "1", dt.date(2026, 10, 5), dt.datetime(2026, 10, 5), " 1 ", "TRUE"]
    for i in range(ROWS):
        first = i + 1 if chinese else f"B{i:04d}"
        ws.append(
            [
                first,
                f"Buyer {i % 37}",
                f"buyer{(j := i - 1 if i % 50 == 1 else i)}@firm{j}.example",  # (8 twice)
                rng.choice(["Germany", "Brazil", "德国", "United States"]),
                rng.choice("ABCD"),
                rng.choice(["New", "Quoted", "Ordered"]),
                dt.date(2026, 10, 1) + dt.timedelta(days=rng.randrange(40)),
                odd[i % len(odd)],
            ]
        )
        ws.cell(ws.max_row, 7).number_format = "yyyy-mm-dd"
    inq = wb.create_sheet("询盘记录" if chinese else "Inquiries")
    inq.append(["Inquiry ID", "Received", "Email", "Channel", "Product", "Replied", "Status"])
    for i in range(ROWS * 2):
        day = dt.datetime(2026, 11, 1, 9) + dt.timedelta(hours=rng.randrange(600))
        replied = rng.choice([None, "yes", day + dt.timedelta(hours=3)])
        inq.append(
            [f"I{i:05d}", day, f"buyer{i % ROWS}@firm{i % ROWS}.example",
             rng.choice(["Alibaba", "Email", "WhatsApp"]), rng.choice(["LED-100", "LED-200"]),
             replied, rng.choice(["New", "Quoted", "Closed", "Lost"])]
        )  # fmt: skip
    log = wb.create_sheet("跟进记录" if chinese else "Contacts")
    log.append(["Date", "Email", "Channel", "Direction", "Summary"])
    for _i in range(ROWS * 3):
        log.append(
            [dt.date(2026, 9, 1) + dt.timedelta(days=rng.randrange(80)),
             f"buyer{rng.randrange(ROWS)}@firm{rng.randrange(ROWS)}.example",
             rng.choice(["Email", "Phone"]), rng.choice(["in", "out"]),
             rng.choice(["sent the catalogue", "asked for a price", "called"])]
        )  # fmt: skip
    wb.save(path)
    return path


def _cells(book) -> dict[str, list[list[tuple[type, object]]]]:
    """Every read cell as (kind, value): True and 1 differ, as do a date and a datetime."""
    return {
        key: [[(v.__class__, v) for v in row] for row in table.rows]
        for key, table in book.tables.items()
    }


def _typed(book, key: str, field: str) -> list[tuple[type, object]]:
    return [(v.__class__, v) for v in book.tables[key].values(field)]


@pytest.fixture
def sharing_from(monkeypatch):
    """Set the rows a sheet needs for its cells to be shared."""

    def set_rows(rows: int) -> None:
        monkeypatch.setattr(sharing, "FROM_ROWS", rows)

    return set_rows


@pytest.mark.parametrize("chinese", [False, True])
def test_shared_cells_read_as_before(tmp_path, sharing_from, chinese):
    path = _workbook(tmp_path / "book.xlsx", chinese)
    sheets = reads.DUE.sheets
    sharing_from(10**9)
    before = read.read(path, sheets, kept=reads.DUE.kept)
    sharing_from(100)
    after = read.read(path, sheets, kept=reads.DUE.kept)
    assert _cells(after) == _cells(before)
    for key, field in [("buyers", "last_contact"), ("buyers", "email"), ("inquiries", "received"),
                       ("inquiries", "replied"), ("contacts", "date"), ("buyers", "notes")]:  # fmt: skip
        assert _typed(after, key, field) == _typed(before, key, field), (key, field)
    # ... and the columns of few values are held once per value (the ids are not touched)
    buyers = after.tables["buyers"]
    country = [row[buyers.columns["country"]] for row in buyers.rows]
    assert len({id(v) for v in country}) == len(set(country)) == 4
    days = after.tables["buyers"].values("last_contact")
    assert len({id(v) for v in days}) == len(set(days)) <= 40
    emails = [row[buyers.columns["email"]] for row in buyers.rows]
    twice = [v for v in set(emails) if emails.count(v) == 2]
    assert twice and all(len({id(v) for v in emails if v == e}) == 2 for e in twice)
    old = before.tables["buyers"]
    assert len({id(row[old.columns["country"]]) for row in old.rows}) > 4  # (as calamine gives)


def test_odd_kinds_in_one_column_are_never_merged(tmp_path, sharing_from):
    """True, 1 and 1.0 are equal in Python and "1" looks the same: each cell keeps its kind."""
    path = _workbook(tmp_path / "book.xlsx")
    sharing_from(100)
    book = read.read(path, ("buyers",))
    table = book.tables["buyers"]
    notes = [row[table.columns["notes"]] for row in table.rows]
    kinds = {(v.__class__.__name__, str(v)) for v in notes}
    # True == 1.0 in Python: shared by value alone, one would have become the other
    assert ("bool", "True") in kinds and ("float", "1.0") in kinds
    assert ("str", "1") in kinds and ("str", "TRUE") in kinds and ("date", "2026-10-05") in kinds


@pytest.mark.parametrize("chinese", [False, True])
@pytest.mark.parametrize("command", [["due", "--json"], ["due", "week"], ["stats", "--json"]])
def test_commands_print_the_same_with_shared_cells(tmp_path, inq, sharing_from, chinese, command):
    path = _workbook(tmp_path / "book.xlsx", chinese)
    sharing_from(10**9)
    before = inq("-w", path, *command)
    sharing_from(100)
    after = inq("-w", path, *command)
    assert before.exit_code == after.exit_code == 0, after.output
    assert after.stdout == before.stdout
    if "--json" in command:
        assert json.loads(after.stdout)  # (a list that says something)
