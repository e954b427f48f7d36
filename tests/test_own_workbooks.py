"""The salesperson's own workbook, read as they keep it: the trade's words in the headers,
`inq map` kept inside the file, a doctor that never says OK while a job is blind, Excel
Tables, ticked replies, logs that name the client, one row per inquiry."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import unguessable_workbook
from openpyxl.worksheet.table import Table

D = dt.date
T = dt.datetime


def save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def visible_cells(path: Path) -> dict[str, list[list]]:
    """Every cell value of every sheet the user can see (the hidden mapping left out)."""
    wb = openpyxl.load_workbook(path)
    return {
        ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
        for ws in wb.worksheets
        if ws.sheet_state == "visible"
    }


def due_names(inq, path: Path, *extra: str) -> list[tuple[str, str | None]]:
    result = inq("-w", path, "due", "today", "--json", *extra)
    assert result.exit_code == 0, result.output
    return [(i["kind"], i["name"]) for i in json.loads(result.stdout)]


def jobs(inq, path: Path) -> tuple[int, dict]:
    result = inq("-w", path, "check", "--json")
    data = json.loads(result.stdout)
    return result.exit_code, {j["job"]: j for j in data["jobs"]} | {"_report": data}


# -- 1. the words of the trade ----------------------------------------------------------


def test_a_chinese_follow_up_tracker_is_read_by_the_words_of_its_headers(inq, tmp_path):
    """最后跟进日期 (last + follow-up + date), 客户等级 and a bilingual 'E-mail 电子邮箱'
    read without any alias for them; `due` lists the buyers whose follow-up has come."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "跟进表"
    ws.append(["序号", "客户公司", "对接人", "E-mail 电子邮箱", "国家", "客户等级", "最后跟进日期"])
    ws.append([1, "Hamburg Licht GmbH", "Uwe Brandt", "uwe@hamburglicht.de", "德国", "A",
               D(2026, 11, 21)])  # fmt: skip
    ws.append([2, "Andes Luz SAC", "Lucía Paredes", "lucia@andesluz.pe", "秘鲁", "C",
               D(2026, 11, 20)])  # fmt: skip
    ws.append([3, "Bosphorus Aydınlatma", "Selin Ak", "selin@bosphorus.com.tr", "土耳其", "B",
               D(2026, 11, 2)])  # fmt: skip
    book = save(wb, tmp_path / "跟进.xlsx")

    assert due_names(inq, book) == [("follow-up", "Selin Ak"), ("follow-up", "Uwe Brandt")]
    code, found = jobs(inq, book)
    fields = found["_report"]["sheets"][0]["fields"]
    assert fields["Last contact"]["column"] == "最后跟进日期"
    assert fields["Last contact"]["how"] == "vocabulary" and fields["Last contact"]["sure"]
    assert fields["Email"]["column"] == "E-mail 电子邮箱"
    assert fields["Grade"]["column"] == "客户等级"
    assert found["follow-ups"]["status"] == "ready"
    assert code == 0


def test_the_cells_settle_what_the_words_cannot(inq, tmp_path):
    """'Client' over people's names is the buyer's name (and over company names, the
    company); a column of emails under a header nobody reads is the email."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Accounts"
    ws.append(["Client", "Firm", "Contacto", "Level"])
    ws.append(["Grace Okafor", "Lagos Bright Ltd", "grace@lagosbright.ng", "A"])
    ws.append(["Tom Reyes", "Manila Lamps Inc.", "tom@manilalamps.ph", "B"])
    ws.append(["Ines Costa", "Porto Luz Lda", "ines@portoluz.pt", "B"])
    book = save(wb, tmp_path / "accounts.xlsx")

    found = inq("-w", book, "lookup", "Tom Reyes", "--json")
    assert found.exit_code == 0, found.output
    card = json.loads(found.stdout)["card"]["buyer"]
    assert (card["name"], card["company"], card["email"]) == (
        "Tom Reyes", "Manila Lamps Inc.", "tom@manilalamps.ph"
    )  # fmt: skip
    _code, report = jobs(inq, book)
    fields = report["_report"]["sheets"][0]["fields"]
    assert fields["Email"]["how"] == "content" and fields["Email"]["sure"]
    assert fields["Name"]["column"] == "Client" and fields["Name"]["sure"]
    assert "people's names" in fields["Name"]["why"]


def test_a_guessed_column_is_read_but_never_written(inq, tmp_path):
    """联系日期 (contact + date) may be the last or the next contact: inq reads it, check
    shows it with the command that confirms it, and `log` leaves the cell alone."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户"
    ws.append(["姓名", "邮箱", "等级", "联系日期"])
    ws.append(["Farid Haddad", "farid@beirutled.lb", "B", D(2026, 11, 10)])
    book = save(wb, tmp_path / "guess.xlsx")

    check = inq("-w", book, "check")
    assert "Buyers column 联系日期 is read as Last contact, a guess" in check.stdout
    assert "inq map Buyers 'Last contact' '联系日期'" in check.stdout
    assert due_names(inq, book) == [("follow-up", "Farid Haddad")]  # read: B, 17 days ago
    logged = inq("-w", book, "log", "farid@beirutled.lb", "-c", "tel", "-s", "Called")
    assert logged.exit_code == 0, logged.output
    assert "'联系日期' is only a guess for Last contact" in logged.stderr
    assert "inq map Buyers 'Last contact' '联系日期'" in logged.stderr
    assert openpyxl.load_workbook(book)["客户"]["D2"].value == T(2026, 11, 10)


# -- 2. inq map, kept in the workbook; 3. the doctor -----------------------------------


@pytest.fixture
def unguessable(tmp_path) -> Path:
    """A buyer list whose last-contact header is a word nobody could guess."""
    return unguessable_workbook(tmp_path)


def test_check_never_says_ok_while_due_is_blind_and_names_the_fix(inq, unguessable):
    check = inq("-w", unguessable, "check")
    assert check.exit_code == 1
    out = check.stdout
    assert "follow-ups (inq due)   BLIND" in out
    assert (
        "Buyers (Clients 2026) has no Last contact column inq can read (likely: 'Ultimo toque'"
        in out
    )
    assert "fix: inq map Buyers 'Last contact' 'Ultimo toque'" in out
    assert "OK" not in out
    assert out.rstrip().endswith("1 job blind: follow-ups (the fix is shown above)")


def test_inq_map_travels_with_the_file_and_changes_no_visible_cell(inq, unguessable, tmp_path):
    cells = visible_cells(unguessable)
    first = inq("-w", unguessable, "due")
    assert first.stdout.strip() == "Nothing due today."
    assert first.stderr.startswith(
        "Warning: clientes.xlsx: follow-ups (inq due) blind: Buyers (Clients 2026) has no Last "
        "contact column inq can read"
    )
    assert first.stderr.count("\n") == 1
    assert inq("-w", unguessable, "due").stderr == ""  # said once

    mapped = inq("-w", unguessable, "map", "Buyers", "Last contact", "Ultimo toque")
    assert mapped.exit_code == 0, mapped.output
    assert "Buyers: Last contact is read from column 'Ultimo toque'" in mapped.stdout

    copy = tmp_path / "mailed" / "Kopie von clientes.xlsx"
    copy.parent.mkdir()
    shutil.copy(unguessable, copy)
    assert due_names(inq, copy) == [("follow-up", "Pablo Ruiz")]  # A, 7 days ago
    code, found = jobs(inq, copy)
    assert code == 0 and found["follow-ups"]["status"] == "ready"
    assert found["_report"]["sheets"][0]["fields"]["Last contact"]["how"] == "user"
    assert visible_cells(copy) == cells
    with zipfile.ZipFile(copy) as zf:
        workbook_xml = zf.read("xl/workbook.xml").decode()
    assert re.search(r'<sheet name="inq mapping" sheetId="\d+" state="veryHidden"', workbook_xml)

    # The user moves the column in Excel: the mapping follows the header.
    wb = openpyxl.load_workbook(copy)
    wb["Clients 2026"].insert_cols(1)
    wb.save(copy)
    assert due_names(inq, copy) == [("follow-up", "Pablo Ruiz")]
    shown = inq("-w", copy, "map")
    assert re.search(r"Last contact +Ultimo toque +user +set with inq map", shown.stdout)


def test_inq_map_none_silences_and_reset_forgets(inq, unguessable):
    said = inq("-w", unguessable, "map", "Buyers", "Last contact", "--none")
    assert said.exit_code == 0, said.output
    assert "the workbook has no Last contact column; inq stops asking" in said.stdout
    code, found = jobs(inq, unguessable)
    assert code == 0
    assert found["follow-ups"]["status"] == "limited"
    assert "Last contact" not in found["_report"]["sheets"][0]["missing_columns"]
    reset = inq("-w", unguessable, "map", "--reset")
    assert "Forgot 1 mapping" in reset.stdout
    assert jobs(inq, unguessable)[0] == 1
    again = inq("-w", unguessable, "map", "--reset")
    assert again.stdout.strip() == "No mapping set with inq map: nothing to reset"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["Buyers", "Last contact", "No such header"],
            "Clients 2026 has no column headed 'No such",
        ),
        (["Buyers", "Shoe size", "Grado"], "Buyers has no field 'Shoe size': use one of"),
        (["Warehouse", "Grade", "Grado"], "unknown sheet 'Warehouse'"),
        (["Buyers", "Grade"], "give your header too: inq map Buyers Grade HEADER"),
        (
            ["Buyers", "Warehouse"],
            "clientes.xlsx has no sheet named 'Warehouse' (its sheets: 'Clients 2026')",
        ),
        (["Buyers", "Grade", "Grado", "x"], "Got unexpected extra argument"),
        (["Buyers"], "give a sheet, a field and your header"),
        (["--reset", "Buyers"], "--reset takes no sheet"),
    ],
)
def test_inq_map_refuses_what_it_cannot_do_in_one_line(inq, unguessable, args, message):
    before = unguessable.read_bytes()
    result = inq("-w", unguessable, "map", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {message}"), result.stderr
    assert result.stderr.count("\n") == 1
    assert unguessable.read_bytes() == before


def test_libreoffice_keeps_the_mapping(inq, unguessable, tmp_path):
    from write_helpers import libreoffice_csv

    assert (
        inq("-w", unguessable, "map", "Clients 2026", "Last contact", "Ultimo toque").exit_code == 0
    )
    libreoffice_csv(unguessable, tmp_path / "lo", export="xlsx:Calc MS Excel 2007 XML")
    saved = tmp_path / "lo" / "clientes.xlsx"
    assert due_names(inq, saved) == [("follow-up", "Pablo Ruiz")]
    states = {ws.title: ws.sheet_state for ws in openpyxl.load_workbook(saved).worksheets}
    assert states["Clients 2026"] == "visible" and states["inq mapping"] != "visible"


# -- 4. Excel Tables; 5. ticked replies; 6. a log that names the client -----------------


@pytest.fixture
def table_tracker(tmp_path) -> Path:
    """Buyers kept as an Excel Table with a totals row and a note under it; an inquiry
    log that names the client (no email) and ticks replies off."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customer list"
    ws.append(["Customer name", "Company", "E-mail address", "Tel / WhatsApp", "Country/Region",
               "Level", "Last follow up", "Orders"])  # fmt: skip
    ws.append(["Sara Lind", "Nordic Glow AB", "sara@nordicglow.se", "+46 8 123 456", "Sweden",
               "A", D(2026, 11, 24), 3])  # fmt: skip
    ws.append(["Omar Farouk", "Delta Lamps Co", "omar@deltalamps.eg", "+20 2 2345 6789", "Egypt",
               "B", D(2026, 11, 23), 1])  # fmt: skip
    ws.append(["Mei Tan", "Lion City Lighting Pte Ltd", "mei@lioncity.sg", "+65 6123 4567",
               "Singapore", "C", D(2026, 11, 1), 0])  # fmt: skip
    ws.append(["Total", None, None, None, None, None, None, "=SUBTOTAL(109,H2:H4)"])
    ws.append([])
    ws.append(["Updated by Li, 2026-11-20", None, "not.a.buyer@example.com"])
    table = Table(displayName="Customers", ref="A1:H5")
    table.totalsRowCount = 1
    ws.add_table(table)
    log = wb.create_sheet("Inquiry log")
    log.append(["Date", "Customer", "Item", "Qty", "Answered?"])
    log.append([T(2026, 11, 26, 9, 0), "Sara Lind", "LED-HB-150", 200, "✓"])
    log.append([T(2026, 11, 26, 17, 0), "Delta Lamps Co", "LED-PL-60", 500, "N"])
    log.append([T(2026, 11, 27, 8, 0), "Mei Tan", "LED-T8-18", 1000, "是"])
    log.append([T(2026, 11, 27, 9, 0), "Mei Tan", "LED-FL-200", 50, ""])
    log.append([T(2026, 11, 27, 9, 30), "Walk-in at the fair", "LED-FL-100", 10, "no"])
    return save(wb, tmp_path / "tracker.xlsx")


def test_an_excel_table_gives_its_rows_not_its_totals_row_or_the_notes_under_it(inq, table_tracker):
    stats = inq("-w", table_tracker, "stats", "--json")
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.stdout)["buyers"]["total"] == 3
    _code, found = jobs(inq, table_tracker)
    buyers = found["_report"]["sheets"][0]
    assert buyers["rows"] == 3 and buyers["excel_table"] == "Customers"
    nobody = inq("-w", table_tracker, "lookup", "not.a.buyer@example.com")
    assert nobody.exit_code == 1


@pytest.mark.parametrize("word", ["Total", "合计:"])
def test_a_sum_row_under_a_plain_sheet_is_no_buyer(inq, tmp_path, word):
    """No Excel Table (or one LibreOffice kept as a plain range): the sum row at the
    bottom is still not a buyer, while a buyer really named 'Total Lighting' is."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Customer", "Email", "Country", "Orders"])
    ws.append(["Total Lighting Ltd", "buy@totallighting.co.uk", "UK", 4])
    ws.append(["Vela Luce", "info@velaluce.it", "Italy", 2])
    ws.append([word, None, None, "=SUM(D2:D3)"])
    path = save(wb, tmp_path / "accounts.xlsx")
    stats = json.loads(inq("-w", path, "stats", "--json").stdout)
    assert stats["buyers"]["total"] == 2
    # A buyer added later lands under the sum row: it stays no buyer, the new one is.
    added = inq("-w", path, "add", "--name", "Ola Berg", "--email", "ola@bergljus.se")
    assert added.exit_code == 0, added.output
    stats = json.loads(inq("-w", path, "stats", "--json").stdout)
    assert stats["buyers"]["total"] == 3


def test_ticked_replies_owe_nothing_and_the_log_links_by_client_name(inq, table_tracker):
    owed = [
        (i["inquiry_id"], i["name"], i["company"])
        for i in json.loads(inq("-w", table_tracker, "due", "--json").stdout)
        if i["kind"] == "reply"
    ]
    assert owed == [  # most urgent (longest waiting) first; Sara's ✓ owes nothing
        (None, "Omar Farouk", "Delta Lamps Co"),  # named by company, 'N'
        (None, "Mei Tan", "Lion City Lighting Pte Ltd"),  # blank; her 是 row owes nothing
        (None, "Walk-in at the fair", None),  # no buyer of that name: as the row says
    ]
    card = json.loads(inq("-w", table_tracker, "lookup", "Mei Tan", "--json").stdout)["card"]
    assert [(i["product"], i["replied"]) for i in card["inquiries"]] == [
        ("LED-T8-18", True),
        ("LED-FL-200", None),
    ]
    check = inq("-w", table_tracker, "check")
    assert (
        "Inquiry log row 6, Customer: links to no buyer: no buyer is called 'Walk-in at the fair'"
        in check.stdout
    )


def test_log_by_email_marks_the_inquiries_the_log_names_by_client(inq, table_tracker):
    logged = inq("-w", table_tracker, "log", "mei@lioncity.sg", "-c", "email", "-s", "Quoted")
    assert logged.exit_code == 0, logged.output
    assert "Inquiry row 5 marked replied" in logged.stdout
    assert "Inquiry log row 4" not in logged.stdout  # ticked 是 already
    replies = [i for i in json.loads(inq("-w", table_tracker, "due", "--json").stdout)
               if i["kind"] == "reply"]  # fmt: skip
    assert [i["name"] for i in replies] == ["Omar Farouk", "Walk-in at the fair"]


# -- 7. one row per inquiry -------------------------------------------------------------


@pytest.fixture
def inquiry_rows(tmp_path) -> Path:
    """Every inquiry a row, the buyer repeated on each; the sheet never renamed."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Inquiry date", "Contact", "Company", "Email", "Country", "Item", "Qty",
               "Level", "Notes", "Next follow-up"])  # fmt: skip
    rows = [
        (D(2026, 8, 4), "Kofi Mensah", "Accra Power Ltd", "kofi@accrapower.gh", "Ghana",
         "LED-SL-100", 40, "D", "first contact", D(2026, 9, 1)),
        (D(2026, 9, 12), "Jana Horak", "Praha Svetla s.r.o.", "jana@prahasvetla.cz", "Czechia",
         "LED-PL-60", 300, "B", "", D(2026, 11, 30)),
        (D(2026, 10, 2), "Kofi Mensah", "Accra Power Ltd", "KOFI@accrapower.gh", "Ghana",
         "LED-FL-200", 120, "C", "sample sent", D(2026, 10, 20)),
        (D(2026, 11, 18), "Kofi Mensah", "Accra Power Ltd", "kofi@accrapower.gh", "Ghana",
         "LED-HB-150", 600, "A", "price talks", D(2026, 11, 25)),
        (D(2026, 11, 3), "Jana Horak", "Praha Svetla s.r.o.", "jana@prahasvetla.cz", "Czechia",
         "LED-T8-18", 2000, None, "", None),
        (D(2026, 11, 20), "Lee Min-jun", "Seoul Bright Co", "lee@seoulbright.kr", "Korea",
         "LED-PL-60", 100, "C", "", D(2026, 12, 4)),
    ]  # fmt: skip
    for r in rows:
        ws.append(list(r))
    return save(wb, tmp_path / "inquiries 2026.xlsx")


def test_one_row_per_inquiry_counts_each_buyer_once_and_each_inquiry(inq, inquiry_rows):
    stats = json.loads(inq("-w", inquiry_rows, "stats", "--json").stdout)
    assert stats["buyers"]["total"] == 3 and stats["inquiries"]["total"] == 6
    assert due_names(inq, inquiry_rows) == [("follow-up", "Kofi Mensah")]  # 11-25 A; once
    card = json.loads(inq("-w", inquiry_rows, "lookup", "kofi@accrapower.gh", "--json").stdout)
    assert card["card"]["buyer"]["grade"] == "A"  # his latest row
    assert card["card"]["buyer"]["row"] == 5
    assert len(card["card"]["inquiries"]) == 3
    jana = json.loads(inq("-w", inquiry_rows, "lookup", "row 6", "--json").stdout)["card"]
    assert jana["buyer"]["name"] == "Jana Horak" and jana["buyer"]["grade"] == "B"
    _code, found = jobs(inq, inquiry_rows)
    assert found["_report"]["layout"] == "inquiry rows"


def test_log_and_grade_work_by_email_on_their_latest_row(inq, inquiry_rows):
    graded = inq("-w", inquiry_rows, "grade", "jana@prahasvetla.cz", "A", "--why", "big order")
    assert graded.exit_code == 0, graded.output
    assert "is now grade A (was B)" in graded.stdout
    logged = inq("-w", inquiry_rows, "log", "kofi@accrapower.gh", "-c", "tel", "-s", "Called")
    assert logged.exit_code == 0, logged.output
    # His three inquiries cannot be marked replied (no such column): said once, not thrice.
    assert logged.stderr == "Warning: Sheet has no Replied column: 3 inquiries not marked replied\n"
    ws = openpyxl.load_workbook(inquiry_rows).active
    assert ws["H6"].value == "A"  # Jana's latest row (2026-11-03) takes the grade
    assert ws["H3"].value == "B"  # her earlier row keeps its own
    assert ws["J5"].value is None  # Kofi's past next follow-up, on his latest row, cleared
    assert ws["J4"].value == T(2026, 10, 20)


def test_a_row_count_column_is_no_buyer_id(inq, tmp_path):
    """序号 / No. counts rows: re-sorted and renumbered in Excel, 1 is someone else
    tomorrow. Contacts are linked by email, so a buyer's history stays theirs."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户"
    ws.append(["序号 No.", "客户名称", "联系人", "邮箱", "国家", "等级"])
    ws.append([1, "Nordlys AS", "Ingrid Dahl", "ingrid@nordlys.no", "挪威", "B"])
    ws.append([2, "Sol y Mar SL", "Pablo Ruiz", "pablo@solymar.es", "西班牙", "A"])
    path = save(wb, tmp_path / "客户跟进.xlsx")
    logged = inq("-w", path, "log", "ingrid@nordlys.no", "-c", "email", "-s", "sent the catalogue")
    assert logged.exit_code == 0, logged.output
    wb = openpyxl.load_workbook(path)
    ws = wb["客户"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2, max_row=3)]
    for i, row in enumerate(reversed(rows), start=1):  # sorted the other way, renumbered
        for j, v in enumerate([i, *row[1:]], start=1):
            ws.cell(1 + i, j).value = v
    wb.save(path)
    card = json.loads(inq("-w", path, "lookup", "ingrid@nordlys.no", "--json").stdout)["card"]
    assert [c["summary"] for c in card["contacts"]] == ["sent the catalogue"]
    other = json.loads(inq("-w", path, "lookup", "pablo@solymar.es", "--json").stdout)["card"]
    assert other["contacts"] == []


@pytest.mark.parametrize("year", ["Kunden {}", "Customers {}"])  # found by header; by name
def test_a_second_buyer_list_is_named_not_ignored(inq, tmp_path, year):
    """Last year's and this year's customers on two sheets: inq reads one buyer list, and
    check (exit 1) and lookup's job say which sheet it leaves unread."""
    wb = openpyxl.Workbook()
    old = wb.active
    old.title = year.format(2025)
    old.append(["Name", "Firma", "Email", "Land"])
    old.append(["Jens Ahl", "Ahl Licht", "jens@ahl-licht.de", "Germany"])
    new = wb.create_sheet(year.format(2026))
    new.append(["Name", "Firma", "Email", "Land"])
    new.append(["Eva Roth", "Roth LED", "eva@roth-led.at", "Austria"])
    path = save(wb, tmp_path / "kunden.xlsx")
    check = inq("-w", path, "check")
    assert check.exit_code == 1
    assert (
        f"  sheet {year.format(2026)}: named like a buyer list, but the buyers are read from "
        f"'{year.format(2025)}' only: no command finds these (keep one buyer list)"
    ) in check.stdout
    _code, found = jobs(inq, path)
    assert found["lookup"]["status"] == "limited"


def test_an_inquiry_from_someone_not_in_the_list_shows_who_the_row_names(inq, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Client", "E-mail", "Country"])
    ws.append(["Baltic Lumen", "info@balticlumen.lv", "Latvia"])
    log = wb.create_sheet("Enquiries")
    log.append(["Date", "Client", "Product", "Qty", "Replied?"])
    log.append([T(2026, 11, 27, 8, 0), "Nile Star Trading", "Panel 60x60", 300, "N"])
    path = save(wb, tmp_path / "clients.xlsx")
    items = json.loads(inq("-w", path, "due", "--json").stdout)
    assert [(i["kind"], i["name"]) for i in items] == [("reply", "Nile Star Trading")]
    assert "Nile Star Trading" in inq("-w", path, "due").stdout


def test_grade_suggest_knows_the_buyers_a_log_names_by_client(inq, table_tracker):
    rows = json.loads(inq("-w", table_tracker, "grade", "--suggest", "--json").stdout)
    by_row = {r["row"]: r["email"] for r in rows}
    assert by_row[3] == "omar@deltalamps.eg"  # "Delta Lamps Co": by company
    assert by_row[6] is None  # a walk-in named nowhere in the list


def test_a_company_merged_over_its_contacts_rows_is_each_contacts(inq, tmp_path):
    """Company and Country merged down over a company's two contacts (a common tracker
    layout): both contacts have them; a title merged across the top changes nothing."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["客户跟进表 2026"])
    ws.merge_cells("A1:E1")
    ws.append(["Company", "Contact", "Email", "Country", "Grade"])
    ws.append(["Fjord Lys AS", "Nils Berg", "nils@fjordlys.no", "Norway", "A"])
    ws.append([None, "Siri Moe", "siri@fjordlys.no", None, "B"])
    ws.merge_cells("A3:A4")
    ws.merge_cells("D3:D4")
    ws.append(["Atlas Power", "Karim Said", "karim@atlaspower.ma", "Morocco", "C"])
    path = save(wb, tmp_path / "tracker.xlsx")
    card = json.loads(inq("-w", path, "lookup", "siri@fjordlys.no", "--json").stdout)["card"]
    assert (card["buyer"]["company"], card["buyer"]["country"]) == ("Fjord Lys AS", "Norway")
    stats = json.loads(inq("-w", path, "stats", "--json").stdout)
    top = stats["buyers"]["by_country"][0]
    assert (top["name"], top["count"]) == ("Norway", 2)


def test_a_mobile_and_a_whatsapp_column_beside_tel_find_the_buyer(inq, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Buyers"
    ws.append(["Name", "Company", "Email", "Tel", "Mobile", "WhatsApp", "Country"])
    ws.append(["Hassan Ali", "Gulf Beam LLC", "hassan@gulfbeam.ae", "+971 4 222 3333",
               "+971 50 444 5555", "+971 55 666 7777", "UAE"])  # fmt: skip
    ws.append(["Lea Kraus", "Kraus Licht", "lea@krauslicht.de", "+49 30 111 222", None, None,
               "Germany"])  # fmt: skip
    path = save(wb, tmp_path / "buyers.xlsx")
    for typed, why in (
        ("050 444 5555", "same phone (Mobile)"),
        ("+971556667777", "same phone (WhatsApp)"),
    ):
        result = inq("-w", path, "lookup", typed, "--json")
        assert result.exit_code == 0, result.output
        top = json.loads(result.stdout)["matches"][0]
        assert (top["email"], top["reasons"]) == ("hassan@gulfbeam.ae", [why])
    again = inq("-w", path, "add", "--name", "H. Ali", "--email", "h.ali@gmail.com",
                "--phone", "+971 55 666 7777")  # fmt: skip
    assert again.exit_code == 1
    assert "already in the workbook: hassan@gulfbeam.ae" in again.stderr


def test_a_contact_is_logged_in_the_words_the_log_uses(inq, tmp_path):
    """来/去 and 电话/邮件 where the log says so; In/Out kept as In/Out: its own words."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户"
    ws.append(["客户名称", "公司", "邮箱", "国家", "客户等级", "最后联系"])
    ws.append(["李明", "宏达照明", "li@hongda.cn", "China", "A", D(2026, 11, 20)])
    log = wb.create_sheet("跟进记录")
    log.append(["日期", "客户邮箱", "方式", "方向", "沟通内容"])
    log.append([T(2026, 11, 20, 9, 0), "li@hongda.cn", "电话", "去", "报价"])
    log.append([T(2026, 11, 21, 9, 0), "li@hongda.cn", "邮件", "来", "询问交期"])
    path = save(wb, tmp_path / "客户.xlsx")
    assert inq("-w", path, "log", "li@hongda.cn", "-c", "tel", "-s", "回访").exit_code == 0
    assert (
        inq("-w", path, "log", "li@hongda.cn", "--in", "-c", "email", "-s", "下单").exit_code == 0
    )
    rows = visible_cells(path)["跟进记录"]
    assert [r[2:4] for r in rows[-2:]] == [["电话", "去"], ["邮件", "来"]]
    # A log that writes In and Out keeps them; one that writes no direction gets inq's own.
    log = openpyxl.load_workbook(path)
    for row in log["跟进记录"].iter_rows(min_row=2, max_col=4):
        row[3].value = {"去": "Out", "来": "In"}.get(row[3].value, row[3].value)
    log.save(path)
    assert inq("-w", path, "log", "li@hongda.cn", "-c", "tel", "-s", "再访").exit_code == 0
    assert visible_cells(path)["跟进记录"][-1][3] == "Out"
