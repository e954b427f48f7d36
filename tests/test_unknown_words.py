"""A workbook named and headed in no language inq knows: the one line that says what to
do, the header row the cells explain, `inq map Buyers SHEET`, then every command on it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

D = dt.date


@pytest.fixture(autouse=True)
def _now(monkeypatch):
    monkeypatch.setenv("INQ_NOW", "2026-12-01T10:00")


def turkish(path: Path) -> Path:
    """A Turkish buyer list: a title row, a blank row, headers inq has no word for, a
    sheet name it has never seen, and a notes sheet beside it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Müşteriler"
    ws.append(["Müşteri listesi — İhracat 2026"])
    ws.append([])
    ws.append(["Kod", "Firma Adı", "Yetkili", "E-posta", "Ülke", "Son Görüşme", "Sınıf"])
    ws.append(["M-01", "Anadolu Aydınlatma", "Ayşe Kaya", "ayse@anadolu.com.tr", "Turkey",
               D(2026, 11, 20), "A"])  # fmt: skip
    ws.append(["M-02", "Ege Işık Ltd", "Mehmet Demir", "mehmet@egeisik.com.tr", "Turkey",
               D(2026, 10, 2), "B"])  # fmt: skip
    ws.append(["M-03", "Baltic Light OU", "Kadri Tamm", "kadri@balticlight.ee", "Estonia",
               D(2026, 9, 1), "C"])  # fmt: skip
    wb.create_sheet("Notlar").append(["serbest not"])
    wb.save(path)
    return path


@pytest.fixture
def book(tmp_path) -> Path:
    return turkish(tmp_path / "musteri.xlsx")


def cells(path: Path, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


def test_every_command_says_in_one_line_which_sheet_to_name(inq, book):
    before = book.read_bytes()
    for args in (["due"], ["lookup", "ayse@anadolu.com.tr"], ["check"]):
        result = inq("-w", book, *args)
        assert result.exit_code == 1, args
        assert result.stderr.count("\n") == 1, result.stderr
        assert "say which of yours it is: inq map Buyers 'Müşteriler'\n" in result.stderr
    shown = inq("-w", book, "map")
    assert shown.exit_code == 0
    assert shown.stdout.startswith(
        "No sheet is read as Buyers (none is named or headed like a buyer list): say which "
        "of yours it is: inq map Buyers 'Müşteriler'\n"
    )
    assert book.read_bytes() == before


def test_naming_the_sheet_reads_it_and_the_cells_explain_its_header(inq, book):
    said = inq("-w", book, "map", "Buyers", "müşteriler")  # (as the user types it)
    assert said.exit_code == 0, said.output
    assert said.stdout.splitlines()[0] == "Buyers: read from sheet 'Müşteriler'"
    assert "Buyers (sheet Müşteriler)\n Email " in said.stdout  # (read now, by its cells)
    assert (
        "  columns not read: 'Kod', 'Firma Adı', 'Yetkili', 'Ülke', 'Son Görüşme'\n"
    ) in said.stdout
    wb = openpyxl.load_workbook(book)
    assert wb["inq mapping"].sheet_state == "veryHidden"
    assert [r[:3] for r in wb["inq mapping"].iter_rows(values_only=True)] == [
        ("Sheet", "Field", "Header"),
        ("Buyers", "(sheet)", "Müşteriler"),
    ]
    shown = inq("-w", book, "map", "--json").stdout
    fields = {f["field"]: f for f in json.loads(shown)["fields"] if f["sheet"] == "Buyers"}
    assert fields["Email"]["column"] == "E-posta" and fields["Email"]["how"] == "content"
    assert fields["Email"]["read_from"] == "Müşteriler"
    assert fields["Last contact"]["column"] == "Son Görüşme"
    assert fields["Last contact"]["how"] == "likely"  # (which date is it? the user says)
    card = inq("-w", book, "lookup", "mehmet@egeisik.com.tr")
    assert card.exit_code == 0 and card.stdout.startswith("mehmet@egeisik.com.tr")


def test_mapped_columns_then_due_lookup_and_log_work_in_the_users_own_sheet(inq, book):
    assert inq("-w", book, "map", "Müşteriler", "Buyers").exit_code == 0  # (either order)
    for field, header in (("Name", "Yetkili"), ("Company", "Firma Adı"),
                          ("Last contact", "Son Görüşme"), ("Grade", "Sınıf"),
                          ("Buyer ID", "Kod")):  # fmt: skip
        result = inq("-w", book, "map", "Müşteriler", field, header)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"Buyers: {field} is read from column '{header}'")
    due = json.loads(inq("-w", book, "due", "--json").stdout)
    assert [(d["name"], d["company"], d["days_late"]) for d in due] == [
        ("Mehmet Demir", "Ege Işık Ltd", 53),  # (B, weekly: more urgent than C)
        ("Ayşe Kaya", "Anadolu Aydınlatma", 8),
        ("Kadri Tamm", "Baltic Light OU", 76),
    ]
    card = inq("-w", book, "lookup", "Anadolu").stdout
    assert card.startswith("Ayşe Kaya — Anadolu Aydınlatma  [M-01 · grade A]")
    logged = inq("-w", book, "log", "M-02", "-c", "email", "-s", "sent the catalogue")
    assert logged.exit_code == 0, logged.output
    assert "Changed Müşteriler row 5 (M-02 Mehmet Demir), Son Görüşme:" in logged.stdout
    rows = cells(book, "Müşteriler")
    assert rows[0] == ("Müşteri listesi — İhracat 2026", None, None, None, None, None, None)
    assert rows[4][5] == dt.datetime(2026, 12, 1, 10, 0)
    assert rows[3][5] == dt.datetime(2026, 11, 20)  # (the others untouched)
    assert cells(book, "Notlar") == [("serbest not",)]


def test_the_users_word_wins_over_a_sheet_named_buyers(inq, tmp_path):
    """An old 'Buyers' sheet kept beside this year's list: once the user names this year's
    list, every read (a lookup that reads only matching rows included) uses it."""
    path = turkish(tmp_path / "two.xlsx")
    wb = openpyxl.load_workbook(path)
    old = wb.create_sheet("Buyers")
    old.append(["Name", "Company", "Email", "Grade", "Last contact"])
    old.append(["Ayşe Kaya", "Old Co", "ayse@anadolu.com.tr", "D", D(2024, 1, 5)])
    wb.save(path)
    before = inq("-w", path, "lookup", "ayse@anadolu.com.tr").stdout
    assert "Old Co" in before
    assert inq("-w", path, "map", "Buyers", "Müşteriler").exit_code == 0
    assert inq("-w", path, "map", "Buyers", "Company", "Firma Adı").exit_code == 0
    card = inq("-w", path, "lookup", "ayse@anadolu.com.tr").stdout
    assert "Anadolu Aydınlatma" in card and "Old Co" not in card
    checked = json.loads(inq("-w", path, "check", "--json").stdout)
    assert checked["sheets"][0]["found"] == "Müşteriler"


def test_a_renamed_sheet_is_named_by_check_and_reset_forgets_the_sheet_too(inq, book):
    assert inq("-w", book, "map", "Buyers", "Müşteriler").exit_code == 0
    assert inq("-w", book, "map", "Inquiries", "Notlar").exit_code == 0
    wb = openpyxl.load_workbook(book)
    wb["Notlar"].title = "Notlar eski"
    wb.save(book)
    report = json.loads(inq("-w", book, "check", "--json").stdout)
    assert report["stale_mapping"] == [
        "Inquiries: said to be read from sheet 'Notlar', which musteri.xlsx no longer has "
        "(fix: inq map Inquiries 'Notlar eski')"
    ]
    wb = openpyxl.load_workbook(book)
    wb["Müşteriler"].title = "Müşteriler 2027"
    wb.save(book)
    wb = openpyxl.load_workbook(book)
    wb.create_sheet("Customers", 0).append(["Name", "Email", "Last contact"])
    wb.save(book)
    before = book.read_bytes()
    for args in (["due"], ["add", "--name", "Can Er", "--email", "can@er.com.tr"]):
        result = inq("-w", book, *args)  # (never the buyer list named Customers instead)
        assert result.exit_code == 1
        assert result.stderr == (
            "Error: musteri.xlsx no longer has the sheet 'Müşteriler' you named for Buyers "
            "(renamed or deleted?): say which it is now: inq map Buyers 'Müşteriler 2027'\n"
        )
    assert book.read_bytes() == before
    reset = inq("-w", book, "map", "--reset")
    assert reset.stdout.strip() == "Forgot 2 mappings: inq reads every header anew"
    assert inq("-w", book, "map", "Buyers", "Müşteriler 2027").exit_code == 0
    assert inq("-w", book, "due").exit_code == 0


def test_a_header_of_words_alone_is_offered_to_map(inq, tmp_path):
    """No emails to explain the header: check names its headers, and map takes one."""
    path = tmp_path / "klienci.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Buyers"
    ws.append(["Lista klientów"])
    ws.append(["Firma", "Kraj", "Ostatni kontakt"])
    ws.append(["Świetlik Sp. z o.o.", "Poland", D(2026, 11, 1)])
    ws.append(["Lumen Kft", "Hungary", D(2026, 11, 25)])
    wb.save(path)
    check = inq("-w", path, "check")
    assert check.exit_code == 1
    assert check.stderr == (
        "Error: klienci.xlsx: inq reads no column of the Buyers sheet 'Buyers': say which is "
        "which, e.g. inq map Buyers Email HEADER (its headers: 'Firma', 'Kraj', "
        "'Ostatni kontakt')\n"
    )
    wrong = inq("-w", path, "map", "Buyers", "Company", "Nazwa")
    assert wrong.exit_code == 2
    assert "(its headers: 'Firma', 'Kraj', 'Ostatni kontakt')" in wrong.stderr
    assert inq("-w", path, "map", "Buyers", "Company", "Firma").exit_code == 0
    assert inq("-w", path, "map", "Buyers", "Last contact", "Ostatni kontakt").exit_code == 0
    found = inq("-w", path, "lookup", "Lumen").stdout
    assert found.startswith("Lumen Kft") and "Last contact: 2026-11-25" in found


def test_map_refuses_the_mapping_sheet_and_a_sheet_it_lacks(inq, book):
    before = book.read_bytes()
    own = inq("-w", book, "map", "Buyers", "inq mapping")
    assert own.exit_code == 2
    assert own.stderr == (
        "Error: musteri.xlsx has no sheet named 'inq mapping' (its sheets: 'Müşteriler', "
        "'Notlar')\n"
    )
    three = inq("-w", book, "map", "Notlar", "Email", "E-posta")
    assert three.exit_code == 2
    assert three.stderr == (
        "Error: inq reads no sheet from 'Notlar' yet: say which it is first, e.g. "
        "inq map Buyers Notlar\n"
    )
    assert book.read_bytes() == before


def test_libreoffice_opens_what_inq_wrote_and_keeps_the_sheet_named(inq, book, tmp_path):
    from write_helpers import libreoffice_csv

    assert inq("-w", book, "map", "Buyers", "Müşteriler").exit_code == 0
    assert inq("-w", book, "map", "Buyers", "Last contact", "Son Görüşme").exit_code == 0
    assert inq("-w", book, "log", "ayse@anadolu.com.tr", "-c", "tel", "-s", "called").exit_code == 0
    libreoffice_csv(book, tmp_path / "lo", export="xlsx:Calc MS Excel 2007 XML")
    saved = tmp_path / "lo" / "musteri.xlsx"
    due = json.loads(inq("-w", saved, "due", "--json").stdout)
    assert [(d["email"], d["last_contact"]) for d in due] == [
        ("mehmet@egeisik.com.tr", "2026-10-02T00:00"),
        ("kadri@balticlight.ee", "2026-09-01T00:00"),
    ]


def test_the_other_way_round_beside_a_sheet_named_buyers(inq, tmp_path):
    """inq map Müşteriler Buyers, with an old sheet named Buyers kept too: Müşteriler is the
    buyer list (not 'Buyers is read from Buyers')."""
    path = turkish(tmp_path / "both.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Buyers").append(["Name", "Email"])
    wb.save(path)
    said = inq("-w", path, "map", "Müşteriler", "Buyers")
    assert said.stdout.splitlines()[0] == "Buyers: read from sheet 'Müşteriler' (was 'Buyers')"
    card = inq("-w", path, "lookup", "kadri@balticlight.ee")
    assert card.exit_code == 0 and card.stdout.startswith("kadri@balticlight.ee")


def with_mapping(path: Path, *rows: list) -> Path:
    """The workbook with a mapping sheet made by hand (very hidden, as inq keeps it)."""
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("inq mapping")
    ws.sheet_state = "veryHidden"
    ws.append(["Sheet", "Field", "Header", "Note"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_a_sheet_said_twice_by_hand_is_read_once_as_the_first(inq, tmp_path):
    path = with_mapping(
        turkish(tmp_path / "twice.xlsx"),
        ["Buyers", "(sheet)", "Müşteriler"],
        ["Inquiries", "(sheet)", "müşteriler "],
    )
    due = inq("-w", path, "due", "--json")
    assert due.exit_code == 0, due.output
    checked = json.loads(inq("-w", path, "check", "--json").stdout)
    read_from = {s["sheet"]: s["found"] for s in checked["sheets"]}
    assert read_from["Buyers"] == "Müşteriler" and read_from["Inquiries"] is None


def test_reset_clears_the_copies_a_hand_made_mapping_kept(inq, tmp_path):
    path = turkish(tmp_path / "copies.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Eski").append(["Firma", "E-posta"])
    wb["Eski"].append(["Eski Ltd", "eski@eski.com.tr"])
    wb.save(path)
    with_mapping(
        path,
        ["Buyers", "(sheet)", "Eski"],
        ["Buyers", "(sheet)", "Müşteriler"],  # (the lower copy is read)
        ["Buyers", "Company", "Firma Adı"],
        ["Buyers", "Company", "Firma Adı"],
    )
    card = inq("-w", path, "lookup", "ayse@anadolu.com.tr").stdout
    assert "Anadolu Aydınlatma" in card
    assert inq("-w", path, "map", "--reset").exit_code == 0
    kept = [r[:3] for r in cells(path, "inq mapping") if any(r)]
    assert kept == [("Sheet", "Field", "Header")]


def test_the_users_inquiries_sheet_wins_over_one_row_per_inquiry(inq, tmp_path):
    """Buyers with a product and a date on each row could be one row per inquiry; once
    the user says their inquiries are on 'Talepler', they are read from there."""
    path = tmp_path / "talep.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Buyers"
    ws.append(["Name", "Company", "Email", "Product", "Inquiry date", "Qty", "Last contact"])
    ws.append(["Ayşe Kaya", "Anadolu", "ayse@anadolu.com.tr", "LED-1", D(2026, 11, 2), 100,
               D(2026, 11, 20)])  # fmt: skip
    ws.append(["Ayşe Kaya", "Anadolu", "ayse@anadolu.com.tr", "LED-2", D(2026, 11, 9), 50,
               D(2026, 11, 20)])  # fmt: skip
    talep = wb.create_sheet("Talepler")
    talep.append(["Talep No", "Müşteri e-posta", "Tarih", "Ürün"])
    talep.append(["T-7", "ayse@anadolu.com.tr", D(2026, 11, 25), "LED-9"])
    wb.save(path)
    before = json.loads(inq("-w", path, "check", "--json").stdout)
    assert before["layout"] == "inquiry rows"
    assert inq("-w", path, "map", "Inquiries", "Talepler").exit_code == 0
    after = json.loads(inq("-w", path, "check", "--json").stdout)
    assert after["layout"] == "sheets"
    assert {s["sheet"]: s["found"] for s in after["sheets"]}["Inquiries"] == "Talepler"


def test_a_header_with_year_columns_is_still_a_header(inq, tmp_path):
    """Firma | E-posta | Son Görüşme | 2025 | 2026 (a column per year): the numbers do
    not make it a record; and a sheet inq reads no column of is said, never written."""
    path = tmp_path / "years.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Müşteriler"
    ws.append(["Firma", "E-posta", "Son Görüşme", 2025, 2026])
    ws.append(["Anadolu", "ayse@anadolu.com.tr", D(2026, 11, 1), 12000, 3000])
    ws.append(["Ege Işık", "mehmet@egeisik.com.tr", D(2026, 11, 20), 0, 800])
    bare = wb.create_sheet("Buyers")  # (named so, but no header inq or its cells know)
    bare.append(["Firma", "Yıl", 2026])
    bare.append(["Ege", "x", 5])
    wb.save(path)
    before = path.read_bytes()
    added = inq("-w", path, "add", "--name", "Can Er", "--email", "can@er.com.tr")
    assert added.exit_code == 1
    assert added.stderr == (
        "Error: years.xlsx: inq reads no column of the Buyers sheet 'Buyers': say which is "
        "which, e.g. inq map Buyers Email HEADER (its headers: 'Firma', 'Yıl', '2026')\n"
    )
    assert path.read_bytes() == before
    assert inq("-w", path, "map", "Buyers", "Müşteriler").exit_code == 0
    assert inq("-w", path, "map", "Buyers", "Last contact", "Son Görüşme").exit_code == 0
    card = inq("-w", path, "lookup", "mehmet@egeisik.com.tr").stdout
    assert "Last contact: 2026-11-20" in card


def test_an_excel_table_under_a_header_the_cells_explain_keeps_its_rows(inq, tmp_path):
    """A Table of buyers headed in Turkish, under a title row, with a 'Toplam' sum row
    below it: the sum is no buyer, and a buyer added goes inside the Table, the sum
    following."""
    from openpyxl.worksheet.table import Table as ExcelTable

    path = tmp_path / "tablo.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Müşteriler"
    ws.append(["Müşteri listesi"])
    ws.append([])
    ws.append(["Firma Adı", "Yetkili", "E-posta", "Ciro"])
    ws.append(["Anadolu", "Ayşe Kaya", "ayse@anadolu.com.tr", 100])
    ws.append(["Ege Işık", "Mehmet Demir", "mehmet@egeisik.com.tr", 200])
    ws.append(["Toplam", None, None, "=SUM(D4:D5)"])
    ws.add_table(ExcelTable(displayName="Musteriler", ref="A3:D5"))
    wb.save(path)
    assert inq("-w", path, "map", "Buyers", "Müşteriler").exit_code == 0
    assert inq("-w", path, "map", "Buyers", "Name", "Yetkili").exit_code == 0
    stats = json.loads(inq("-w", path, "stats", "--json").stdout)
    assert stats["buyers"]["total"] == 2
    added = inq("-w", path, "add", "--name", "Can Er", "--email", "can@er.com.tr")
    assert added.exit_code == 0, added.output
    sheet = openpyxl.load_workbook(path)["Müşteriler"]
    assert [r[:3] for r in sheet.iter_rows(min_row=6, values_only=True)] == [
        (None, "Can Er", "can@er.com.tr"),
        ("Toplam", None, None),
    ]
    assert sheet.tables["Musteriler"].ref == "A3:D6"
    assert sheet["D7"].value == "=SUM(D4:D6)"


def test_moving_the_buyer_sheet_to_inquiries_leaves_no_buyer_list_read_from_it(inq, book):
    """The user's word moves the sheet: Buyers is then named as missing, never read from
    the inquiries the user said are there (nor an Inquiries sheet dropped unsaid)."""
    assert inq("-w", book, "map", "Buyers", "Müşteriler").exit_code == 0
    for field, header in (("Company", "Firma Adı"), ("Name", "Yetkili")):
        assert inq("-w", book, "map", "Buyers", field, header).exit_code == 0
    moved = inq("-w", book, "map", "Inquiries", "Müşteriler")
    assert moved.stdout.splitlines()[:2] == [
        "Inquiries: read from sheet 'Müşteriler'",
        "Buyers: no longer read from 'Müşteriler'",
    ]
    due = inq("-w", book, "due")
    assert due.exit_code == 1, due.output
    assert "has no Buyers sheet" in due.stderr and "inq map Buyers Notlar" in due.stderr


def test_an_inquiry_log_in_another_language_becomes_one_row_per_inquiry(inq, tmp_path):
    """A Polish log, the buyer repeated on each inquiry, ticked off with tak/nie: once
    the user says which columns are the date and the product, each row is an inquiry."""
    path = tmp_path / "zapytania.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Zapytania 2026"
    ws.append(["Wpłynęło", "Firma", "Osoba", "Adres e-mail", "Towar", "Sztuk", "Odpowiedziano"])
    T = dt.datetime
    ws.append([T(2026, 11, 20, 9), "Świetlik", "Jan", "jan@swietlik.pl", "LED-PL-60", 500, "tak"])
    ws.append([T(2026, 11, 30, 14), "Świetlik", "Jan", "jan@swietlik.pl", "LED-HB-1", 200, "nie"])
    ws.append([T(2026, 11, 28, 8), "Lumen", "Ewa", "ewa@lumen.pl", "LED-PL-60", 1000, None])
    wb.save(path)
    assert inq("-w", path, "map", "Buyers", "Zapytania 2026").exit_code == 0
    for sheet, field, header in (("Buyers", "Company", "Firma"), ("Buyers", "Name", "Osoba"),
                                 ("Inquiries", "Received", "Wpłynęło"),
                                 ("Inquiries", "Product", "Towar"),
                                 ("Inquiries", "Replied", "Odpowiedziano")):  # fmt: skip
        said = inq("-w", path, "map", sheet, field, header)
        assert said.exit_code == 0, said.output
    checked = json.loads(inq("-w", path, "check", "--json").stdout)
    assert checked["layout"] == "inquiry rows"
    due = json.loads(inq("-w", path, "due", "--json").stdout)
    assert sorted((d["kind"], d["email"], d["products"]) for d in due) == [
        ("reply", "ewa@lumen.pl", ["LED-PL-60"]),
        ("reply", "jan@swietlik.pl", ["LED-HB-1"]),  # (the 20 Nov one is ticked 'tak')
    ]
