"""`inq report a-list`, `inq stats`, `inq trip`: what the manager and the traveller read."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

D = dt.datetime


def buyer(bid, name, company, country, grade, **extra):
    return {
        "buyer_id": bid, "name": name, "company": company, "email": f"{bid.lower()}@{company.split()[0].lower()}.com",
        "country": country, "grade": grade, **extra,
    }  # fmt: skip


@pytest.fixture
def book(build):
    """Three A buyers (one A since this month, one A before the history), a B, a D."""
    return build(
        buyers=[
            buyer("B0001", "Ahmed Ali", "Gulf Lights LLC", "United Arab Emirates", "A", city="Dubai", phone="+971 4 123 4567", nature="Importer", strength="Large", source="Alibaba", products="LED-PL-60", status="Negotiating", last_contact=D(2026, 11, 20), region="mideast"),
            buyer("B0002", "Omar Said", "Sharjah Light", "阿联酋", "B", city="Sharjah", nature="Wholesaler", source="Alibaba", last_contact=D(2026, 11, 2)),
            buyer("B0003", "Maria Schmidt", "Licht GmbH", "Germany", "A", city="Berlin", nature="Importer", source="Trade show", strength="Medium"),
            buyer("B0004", "Kim Lee", "Seoul Lamps", "KR", "D", city="Seoul", source="Website"),
            buyer("B0005", "Ravi Rao", "Dubai Bright", "UAE", "A", city="dubai", nature="importer", source="alibaba"),
        ],
        inquiries=[
            dict(inquiry_id="I0001", received=D(2026, 10, 3, 9), channel="alibaba", buyer_id="B0001", product="LED-PL-60", quantity=500, replied=D(2026, 10, 3, 10), status="Quoted", quote_no="QT2026-0001"),
            dict(inquiry_id="I0002", received=D(2026, 11, 5, 9), channel="email", buyer_id="B0001", product="LED-HB-100", quantity=200, replied=D(2026, 11, 5, 15), status="Quoted", quote_no="QT2026-0002"),
            dict(inquiry_id="I0003", received=D(2026, 11, 10, 8), channel="alibaba", buyer_id="B0002", product="LED-PL-60", replied=D(2026, 11, 12, 8), status="Replied"),
            dict(inquiry_id="I0004", received=D(2026, 11, 26, 8), channel="fax", buyer_id="B0003", product="led-pl-60", status="Open"),
        ],
        contacts=[
            dict(date=D(2026, 11, 20, 9, 30), buyer_id="B0001", channel="tel", direction="out", summary="Discussed 2000 pcs, wants CIF", next_step="Send CIF quote"),
            dict(date=D(2026, 10, 1, 9), buyer_id="B0001", channel="email", direction="in", summary="First mail"),
        ],
        quotes=[
            dict(quote_no="QT2026-0002", date=D(2026, 11, 5), buyer_id="B0001", region="mideast", model="LED-HB-100", quantity=200, unit_price=29.2, currency="USD", incoterm="FOB", valid_until=D(2026, 12, 5)),
            dict(quote_no="QT2026-0001", date=D(2026, 10, 3), buyer_id="B0001", region="mideast", model="LED-PL-60", quantity=500, unit_price=9.6, currency="USD", incoterm="FOB", valid_until=D(2026, 11, 2)),
        ],
        grade_history=[
            dict(date=D(2026, 10, 3, 10), buyer_id="B0001", from_grade="", to_grade="B"),
            dict(date=D(2026, 11, 6, 10), buyer_id="B0001", from_grade="B", to_grade="A"),
            dict(date=D(2026, 9, 1, 10), buyer_id="B0002", from_grade="", to_grade="A"),
            dict(date=D(2026, 10, 20, 10), buyer_id="B0002", from_grade="A", to_grade="B"),
        ],
        events=[
            dict(name="Middle East Energy", city="Dubai", country="United Arab Emirates", start=dt.date(2027, 4, 7), end=dt.date(2027, 4, 9), booth="S1.D40"),
        ],
        products=[
            dict(model="LED-PL-60", name="LED Panel Light 40W", moq=100),
            dict(model="LED-HB-100", name="UFO High Bay 100W", moq=50),
        ],
    )  # fmt: skip


# ---------------------------------------------------------------- a-list


def test_a_list_on_the_terminal(inq, book):
    result = inq("-w", book, "report", "a-list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "A-grade buyers, November 2026 (as of 2026-11-27)",
        "3 A-grade buyers (1 new to A this month); 2 inquiries and 1 quote this month",
    ]
    assert lines[3] == "1. Ahmed Ali — Gulf Lights LLC  [B0001]"
    block = lines[4:12]
    assert block == [
        "   Dubai, United Arab Emirates · Importer / Large / Alibaba",
        "   A since: 2026-11-06 (new)",
        "   b0001@gulf.com · +971 4 123 4567",
        "   Products: LED-PL-60",
        "   Inquiries this month: I0002 2026-11-05 LED-HB-100 x 200, quoted QT2026-0002",
        "   Quotes this month: 2026-11-05 QT2026-0002: LED-HB-100 200 @ USD 29.20 FOB",
        "   Last contact: 2026-11-20 (out tel): Discussed 2000 pcs, wants CIF",
        "   Progress: Negotiating; next: Send CIF quote",
    ]
    assert (
        "2. Ravi Rao — Dubai Bright  [B0005]" in lines
        or "3. Ravi Rao — Dubai Bright  [B0005]" in lines
    )
    assert "   A since: before records" in lines
    assert not any("Omar" in line for line in lines)  # B now


def test_a_list_past_month_goes_by_grade_history(inq, book):
    data = json.loads(inq("-w", book, "report", "a-list", "--month", "2026-10", "--json").stdout)
    assert data["month"] == "2026-10"
    ids = [b["buyer_id"] for b in data["buyers"]]
    # B0001 became A only on 11-06; B0002 was A from 09-01 to 10-20 (B at the end of October);
    # B0003 and B0005 have no history: their grade now (A) is all we know
    assert sorted(ids) == ["B0003", "B0005"]
    data = json.loads(inq("-w", book, "report", "a-list", "-m", "Sep 2026", "--json").stdout)
    assert sorted(b["buyer_id"] for b in data["buyers"]) == ["B0002", "B0003", "B0005"]
    b2 = next(b for b in data["buyers"] if b["buyer_id"] == "B0002")
    assert b2["a_since"] == "2026-09-01T10:00" and b2["new_this_month"] is True


def test_a_list_json_keys(inq, book):
    data = json.loads(inq("-w", book, "report", "a-list", "--json").stdout)
    first = data["buyers"][0]
    assert first["buyer_id"] == "B0001"
    assert first["a_since"] == "2026-11-06T10:00"
    assert first["inquiries"] == [
        {"inquiry_id": "I0002", "received": "2026-11-05T09:00", "product": "LED-HB-100", "quantity": 200, "replied": "2026-11-05T15:00", "quote_no": "QT2026-0002", "status": "Quoted"}
    ]  # fmt: skip
    assert first["quotes"][0]["lines"][0]["unit_price"] == 29.2
    assert first["last_contact"] == "2026-11-20T09:30"


def test_a_list_to_xlsx_md_txt(inq, book, tmp_path):
    import openpyxl

    out = tmp_path / "a-list.xlsx"
    result = inq("-w", book, "report", "a-list", "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Wrote {out}: 3 A-grade buyers")
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "A-grade buyers, November 2026 (as of 2026-11-27)"
    assert ws["A1"].font.bold
    assert ws.freeze_panes == "C5"
    assert [c.value for c in ws[4]][:3] == ["Buyer", "Name", "Company"]
    assert ws["A5"].value == "B0001"
    assert ws["H5"].value == "2026-11-06 (new)"
    assert ws.column_dimensions["C"].width == 28
    assert ws.max_row == 7
    md = tmp_path / "a-list.md"
    assert inq("-w", book, "report", "a-list", "--out", md).exit_code == 0
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# A-grade buyers, November 2026 (as of 2026-11-27)\n")
    assert "| B0001 | Ahmed Ali | Gulf Lights LLC |" in text
    txt = tmp_path / "a-list.txt"
    assert inq("-w", book, "report", "a-list", "--out", txt).exit_code == 0
    assert "1. Ahmed Ali — Gulf Lights LLC  [B0001]" in txt.read_text(encoding="utf-8")
    # never overwrites; unknown extensions refused
    again = inq("-w", book, "report", "a-list", "--out", md)
    assert again.exit_code == 1 and "already exists" in again.stderr
    bad = inq("-w", book, "report", "a-list", "--out", tmp_path / "a.pdf")
    assert bad.exit_code == 2
    assert (
        bad.stderr
        == "Error: a.pdf: name the file .xlsx or .md or .txt (the extension picks the format)\n"
    )


def test_a_list_bad_month(inq, book):
    result = inq("-w", book, "report", "a-list", "--month", "someday")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "Error: cannot read the month 'someday': use 2026-11, 'Nov 2026', this or last\n"
    )


# ---------------------------------------------------------------- stats


def test_stats_json(inq, book):
    data = json.loads(inq("-w", book, "stats", "--json").stdout)
    b = data["buyers"]
    assert b["total"] == 5
    # 阿联酋, UAE and United Arab Emirates are one country; Importer/importer one nature
    assert b["by_country"][0] == {"name": "United Arab Emirates", "count": 3, "share": 0.6}
    assert [(c["name"], c["count"]) for c in b["by_nature"]] == [
        ("Importer", 3),
        ("Wholesaler", 1),
        ("(not set)", 1),
    ]
    assert [(c["name"], c["count"]) for c in b["by_grade"]] == [("A", 3), ("B", 1), ("D", 1)]
    # the Region column, else the Regions sheet by country
    assert [(c["name"], c["count"]) for c in b["by_region"]] == [
        ("mideast", 3),
        ("eu", 1),
        ("other", 1),
    ]
    assert [(c["name"], c["count"]) for c in b["by_source"]] == [
        ("Alibaba", 3),
        ("Trade show", 1),
        ("Website", 1),
    ]
    inq_ = data["inquiries"]
    assert [(m["name"], m["count"]) for m in inq_["per_month"]] == [("2026-10", 1), ("2026-11", 3)]
    assert [(c["name"], c["count"]) for c in inq_["per_channel"]] == [
        ("alibaba", 2),
        ("email", 1),
        ("fax", 1),
    ]
    assert data["products"][0] == {
        "model": "LED-PL-60",
        "name": "LED Panel Light 40W",
        "inquiries": 3,
        "buyers": 3,
    }
    r = data["replies"]
    # replied after 1 h, 6 h and 48 h; one still open
    assert (r["received"], r["answered"], r["within_target"], r["within_limit"]) == (4, 3, 1, 2)
    assert r["within_target_share"] == 0.25 and r["median_hours"] == 6.0 and r["unanswered"] == 1


def test_stats_since(inq, book):
    data = json.loads(inq("-w", book, "stats", "--since", "2026-11-01", "--json").stdout)
    assert data["since"] == "2026-11-01"
    assert data["inquiries"]["total"] == 3
    # in touch since: B0001 (contact, inquiry), B0002 (last contact 11-02, inquiry), B0003 (inquiry)
    assert data["buyers"]["total"] == 3


def test_stats_on_the_terminal(inq, book):
    result = inq("-w", book, "stats")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.splitlines()[0] == "5 buyers, 4 inquiries"
    assert "Buyers by region" in out and "Inquiries per month" in out
    assert "2026-11  3  75%  " + "█" * 40 in out
    assert re.search(r"Answered within 2 h +25% \(1 of 4\)", out)
    assert re.search(r"Median reply time +6 h", out)
    # Alibaba.com's own rate: I0003 (11-10) answered after 48 h; I0001 is older than 30 days
    assert re.search(r"Alibaba.com 24 h rate \(30 d\) +0% \(0 of 1\)", out)


def test_stats_workbook_with_charts(inq, book, tmp_path):
    import openpyxl

    out = tmp_path / "stats.xlsx"
    result = inq("-w", book, "stats", "--out", out)
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.stdout and "sheets with charts" in result.stdout
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [
        "Summary", "Buyers by region", "Buyers by country", "Buyers by nature", "Buyers by source",
        "Buyers by strength", "Buyers by grade", "Inquiries per month", "Inquiries per channel", "Top products",
    ]  # fmt: skip
    # a native chart on every sheet, drawn from that sheet's table
    kinds = {ws.title: [type(c).__name__ for c in ws._charts] for ws in wb}
    assert kinds["Buyers by grade"] == ["PieChart"]
    assert kinds["Inquiries per month"] == ["BarChart"]
    assert all(len(charts) == 1 for charts in kinds.values())
    series = wb["Inquiries per month"]._charts[0].series[0]
    assert series.val.numRef.f == "'Inquiries per month'!$B$2:$B$3"
    grade = wb["Buyers by grade"]
    assert [[c.value for c in row] for row in grade.iter_rows()] == [
        ["Grade", "Buyers", "Share"], ["A", 3, 0.6], ["B", 1, 0.2], ["D", 1, 0.2]
    ]  # fmt: skip
    month = wb["Inquiries per month"]
    assert [(r[0].value, r[1].value) for r in month.iter_rows(min_row=2)] == [
        ("2026-10", 1),
        ("2026-11", 3),
    ]
    assert wb["Summary"]["B5"].value == 4  # inquiries
    shares = {r[0].value: r[1].value for r in wb["Summary"].iter_rows(min_row=4)}
    assert shares["Within 2 h"] == 0.25
    assert shares["Alibaba.com 24 h"] == 0.0


def test_stats_and_trip_on_a_hand_made_workbook(inq, messy_workbook):
    data = json.loads(inq("-w", messy_workbook, "stats", "--json").stdout)
    assert data["buyers"]["total"] == 6
    countries = {c["name"]: c["count"] for c in data["buyers"]["by_country"]}
    assert countries["United Arab Emirates"] == 3  # 阿联酋, UAE, UAE
    grades = {c["name"]: c["count"] for c in data["buyers"]["by_grade"]}
    assert grades == {"A": 1, "B": 1, "C": 1, "D": 1, "(not set)": 2}
    assert data["inquiries"]["total"] == 0
    result = inq("-w", messy_workbook, "trip", "阿联酋")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # 'Dup Co' has Ahmed's email: the same buyer twice, listed once
    assert lines[0] == "Trip to United Arab Emirates: 2 buyers (1 A, 1 ungraded)"
    assert lines[2] == "(city not given) (2)"
    assert lines[3].startswith("  A  Ahmed — Gulf Lights Trading LLC")
    assert "Tel 971501234567 · ahmed@gulflights.ae · their time now Fri 06:00" in lines[4]


# ---------------------------------------------------------------- trip


def test_trip_to_a_city(inq, book):
    result = inq("-w", book, "trip", "Dubai", "--from", "2027-04-06", "--to", "2027-04-10")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "Trip to Dubai, United Arab Emirates: 2 buyers (2 A)",
        "Dates: Tue 2027-04-06 to Sat 2027-04-10 (5 days; weekend there: Sat, Sun — 1 of your days fall on it)",
        "During your trip: Middle East Energy, Dubai 2027-04-07 to 2027-04-09, booth S1.D40",
        "1 more buyer elsewhere in the country: inq trip AE",
    ]
    assert lines[5] == "Dubai (2)"
    assert lines[6] == "  A  Ahmed Ali — Gulf Lights LLC  [B0001]"  # contacted most recently first
    assert "Tel +971 4 123 4567 · b0001@gulf.com · their time now Fri 06:00" in lines[7]
    text = "\n".join(lines)
    assert (
        "Contacts (2 since 2026-10-01): 2026-11-20 out tel: Discussed 2000 pcs, wants CIF" in text
    )
    assert "Open inquiry: I0002 2026-11-05 LED-HB-100 x 200 (quoted QT2026-0002)" in text
    assert (
        "Quote: 2026-11-05 QT2026-0002: LED-HB-100 200 @ USD 29.20 FOB (valid until 2026-12-05)"
        in text
    )
    assert (
        "Quote: 2026-10-03 QT2026-0001: LED-PL-60 500 @ USD 9.60 FOB (expired 2026-11-02)" in text
    )
    assert "  A  Ravi Rao — Dubai Bright  [B0005]" in lines


def test_trip_to_a_country_groups_by_city_and_grade(inq, book):
    data = json.loads(inq("-w", book, "trip", "AE", "--json").stdout)
    assert data["place"] == "United Arab Emirates" and data["kind"] == "country"
    assert [(c["city"], [b["buyer_id"] for b in c["buyers"]]) for c in data["cities"]] == [
        ("Dubai", ["B0001", "B0005"]),
        ("Sharjah", ["B0002"]),
    ]
    assert data["events"][0]["booth"] == "S1.D40"  # the coming show, without trip dates
    ahmed = data["cities"][0]["buyers"][0]
    assert ahmed["time_zone"] == "Asia/Dubai" and ahmed["local_time"] == "2026-11-27T06:00"
    assert len(ahmed["contacts"]) == 2 and ahmed["contacts"][0]["date"] == "2026-10-01T09:00"
    # 中文 and English names find the same buyers
    assert json.loads(inq("-w", book, "trip", "阿联酋", "--json").stdout)["count"] == 3


def test_trip_nobody_there(inq, book):
    result = inq("-w", book, "trip", "Berln")
    assert result.exit_code == 1
    assert result.stderr == "Error: no buyer in 'Berln': did you mean Berlin?\n"
    result = inq("-w", book, "trip", "France")
    assert result.stderr == "Error: no buyer in France (FR) in the workbook\n"
    result = inq("-w", book, "trip", "Berlin", "--from", "2027-01-10", "--to", "2027-01-09")
    assert result.exit_code == 2
    assert result.stderr == "Error: the trip ends (2027-01-09) before it starts (2027-01-10)\n"


def test_a_list_json_with_out_also_writes_the_file(inq, book, tmp_path):
    """--json and --out together: the JSON on stdout and the file, as stats does."""
    out = tmp_path / "a-list.md"
    result = inq("-w", book, "report", "a-list", "--json", "--out", out)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["buyers"][0]["buyer_id"] == "B0001"
    assert result.stderr.startswith(f"Wrote {out}: 3 A-grade buyers")
    assert out.read_text(encoding="utf-8").startswith("# A-grade buyers, November 2026")


def test_reply_shares_count_only_what_can_be_judged(inq, tmp_path):
    """A reply ticked off without a time is neither on time nor late; an inquiry that
    came an hour ago is not a miss yet: the shares are of the others."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customers"
    ws.append(["Name", "Email", "Country"])
    ws.append(["Rui Costa", "rui@lusaluz.pt", "Portugal"])
    log = wb.create_sheet("Enquiries")
    log.append(["Date", "Email", "Product", "Replied"])
    log.append(
        [dt.datetime(2026, 11, 20, 9), "rui@lusaluz.pt", "Panel", dt.datetime(2026, 11, 20, 10)]
    )
    log.append([dt.datetime(2026, 11, 21, 9), "rui@lusaluz.pt", "Panel", "✓"])
    log.append([dt.datetime(2026, 11, 22, 9), "rui@lusaluz.pt", "Panel", None])
    log.append([dt.datetime(2026, 11, 27, 9), "rui@lusaluz.pt", "Panel", None])
    path = tmp_path / "ticks.xlsx"
    wb.save(path)
    r = json.loads(inq("-w", path, "stats", "--json").stdout)["replies"]
    assert (r["received"], r["counted"], r["untimed"], r["pending"]) == (4, 2, 1, 1)
    assert (r["within_target"], r["within_target_share"]) == (1, 0.5)  # 1 h; 11-22 missed


def test_trip_prints_the_workbook_s_text_as_typed(inq, build):
    """Brackets, backslashes and markup-like words in the workbook reach the trip sheet as
    the salesperson typed them (rich markup is never read from workbook text)."""
    path = build(
        buyers=[
            buyer("B0001", "Anna [Sales]", "ACME [Pty] Ltd", "Germany", "A", city="Köln", status="see D:\\Buyers\\", products="LED-1", nature="[bold]Importer[/bold]"),
            buyer("B0002", "Ben\\", "Path\\[x]", "Germany", "B", city="[red]Köln", source="C:\\"),
        ],
        contacts=[
            dict(date=D(2026, 11, 20, 9, 30), buyer_id="B0001", channel="email", direction="out", summary="files on \\\\server\\share\\"),
        ],
    )  # fmt: skip
    result = inq("-w", path, "trip", "Germany")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Köln (1)" in lines and "[red]Köln (1)" in lines
    assert "  A  Anna [Sales] — ACME [Pty] Ltd  [B0001]" in lines
    assert "     [bold]Importer[/bold] · Status: see D:\\Buyers\\ · Products: LED-1" in lines
    assert any(line.endswith("out email: files on \\\\server\\share\\") for line in lines)
    assert "  B  Ben\\ — Path\\[x]  [B0002]" in lines
    assert "     C:\\" in lines
