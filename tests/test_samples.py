"""`inq sample`: recording, feedback, the open list, and feedback follow-ups in `inq due`."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

D = dt.datetime


@pytest.fixture
def book(build):
    return build(
        buyers=[
            dict(buyer_id="B0001", name="Ahmed Ali", company="Gulf Lights LLC", email="ahmed@gulflights.ae", country="United Arab Emirates", grade="A", status="Quoted", last_contact=D(2026, 11, 20)),
            dict(buyer_id="B0002", name="Maria Schmidt", company="Licht GmbH", email="maria@licht.de", country="Germany", grade="B", status="Negotiating", last_contact=D(2026, 11, 10)),
            dict(buyer_id="B0003", name="Kim Lee", company="Seoul Lamps", email="kim@seoul.kr", country="KR", grade="C", last_contact=D(2026, 11, 25)),
        ],
        inquiries=[
            dict(inquiry_id="I0001", received=D(2026, 11, 26, 9), channel="email", buyer_id="B0001", product="LED-PL-60", status="Open"),
        ],
        products=[dict(model="LED-PL-60", name="Panel 40W", moq=100), dict(model="LED-HB-100", name="High Bay", moq=50)],
        samples=[
            # physical, sent 11-10, nothing since: due 11-20, 7 days late
            dict(date=D(2026, 11, 10), buyer_id="B0002", model="LED-HB-100", kind="Physical", freight="Freight collect", payment="Free sample", courier="DHL", tracking="123", status="Delivered"),
            # e-sample 11-20, but a contact on 11-25 after its due day (11-23): chase again 11-28
            dict(date=D(2026, 11, 20), buyer_id="B0003", model="LED-PL-60", kind="E-sample", payment="Free", status="Sent"),
            # feedback in: not open
            dict(date=D(2026, 11, 1), buyer_id="B0001", model="LED-PL-60", kind="Physical", status="Feedback received", feedback="Good"),
        ],
    )  # fmt: skip


def rows(path, sheet):
    ws = openpyxl.load_workbook(path)[sheet]
    return [[c.value for c in row] for row in ws.iter_rows(min_row=2)]


def test_record_a_physical_sample(inq, book):
    result = inq(
        "-w",
        book,
        "sample",
        "ahmed@gulflights.ae",
        "led-pl-60",
        "--courier",
        "dhl",
        "--freight",
        "account",
        "-t",
        "1234567890",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Recorded a physical sample of LED-PL-60 for B0001 Ahmed Ali (Gulf Lights LLC): by DHL, "
        "tracking 1234567890 (Buyer's DHL account, free sample)",
        "Logged the contact; `inq due` will remind you to ask for feedback on 2026-12-07",
        "Changed Buyers row 2 (B0001 Ahmed Ali), Status: Quoted -> Sample sent",
        "Changed Buyers row 2 (B0001 Ahmed Ali), Last contact: 2026-11-20 -> 2026-11-27 10:00",
    ]  # fmt: skip
    assert rows(book, "Samples")[-1] == [
        D(2026, 11, 27), "B0001", "LED-PL-60", "Physical", "Buyer's DHL account", "Free sample", "DHL", "1234567890", "Sent", None,
    ]  # fmt: skip
    contact = rows(book, "Contacts")[-1]
    assert contact[:6] == [D(2026, 11, 27, 10), "B0001", "ahmed@gulflights.ae", "post", "out",
                           "Sent physical sample LED-PL-60 by DHL, tracking 1234567890 (Buyer's DHL account, free sample)"]  # fmt: skip
    assert contact[6] == "Ask for sample feedback"
    buyer = rows(book, "Buyers")[0]
    assert buyer[14] == "Sample sent" and buyer[16] == D(2026, 11, 27, 10)
    # a sample is not a reply: the open inquiry is still owed an answer
    assert rows(book, "Inquiries")[0][10] is None


def test_defaults_large_and_e_samples(inq, book):
    out = inq("-w", book, "sample", "B0002", "LED-HB-100", "--large", "--amount", "USD 240", "-n")
    assert out.exit_code == 0, out.output
    assert "Freight=Freight collect, Payment=T/T in advance (USD 240)" in out.stdout
    out = inq("-w", book, "sample", "B0002", "LED-PL-60", "--kind", "e", "-n")
    assert "Kind=E-sample, Payment=Free, Status=Sent" in out.stdout
    assert "Channel=email, Direction=out, Summary=Sent e-sample LED-PL-60 (free)" in out.stdout
    bad = inq("-w", book, "sample", "B0002", "LED-PL-60", "--kind", "e", "--courier", "DHL")
    assert (
        bad.exit_code == 2
        and bad.stderr == "Error: an e-sample is sent by email: --courier does not apply\n"
    )
    bad = inq("-w", book, "sample", "B0002", "LED-PL6")
    assert bad.exit_code == 1 and bad.stderr.startswith(
        "Error: unknown model 'LED-PL6': did you mean LED-PL-60"
    )


def test_open_list_and_due(inq, book):
    result = inq("-w", book, "sample", "--open")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "2 samples awaiting feedback; 1 to chase today (1 late)"
    assert lines[2].split()[:7] == ["7", "d", "LATE", "2026-11-10", "17", "B", "LED-HB-100"]
    assert lines[3].split()[:6] == ["11-28", "(again)", "2026-11-20", "7", "C", "LED-PL-60"]
    data = json.loads(inq("-w", book, "sample", "--open", "--json").stdout)
    assert [(d["buyer_id"], d["follow_up"], d["late"]) for d in data] == [
        ("B0002", "2026-11-20", True),
        ("B0003", "2026-11-28", False),
    ]
    due = json.loads(inq("-w", book, "due", "--json").stdout)
    samples = [i for i in due if i["kind"] == "sample"]
    assert [(i["buyer_id"], i["days_late"], i["products"]) for i in samples] == [
        ("B0002", 7, ["LED-HB-100 sample"])
    ]
    assert (
        samples[0]["why"]
        == "sample LED-HB-100 (physical by DHL 123) sent 2026-11-10: ask for feedback"
    )
    week = json.loads(inq("-w", book, "due", "week", "--json").stdout)
    again = next(i for i in week if i["kind"] == "sample" and i["buyer_id"] == "B0003")
    assert again["why"].endswith("no feedback yet, ask again")
    # the terminal due list names it as a sample feedback chase
    text = inq("-w", book, "due").stdout
    assert any(
        line.startswith("sample feedback 7d late") and "Maria Schmidt" in line
        for line in text.splitlines()
    )


def test_record_feedback_closes_the_follow_up(inq, book):
    result = inq(
        "-w", book, "sample", "maria@licht.de", "--feedback", "Bright, but the driver runs hot"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "Feedback recorded on the LED-HB-100 sample sent 2026-11-10 to B0002 Maria Schmidt (Licht GmbH)"
    )
    assert rows(book, "Samples")[0][8:] == ["Feedback received", "Bright, but the driver runs hot"]
    assert rows(book, "Contacts")[-1][4:6] == [
        "in",
        "Sample feedback on LED-HB-100: Bright, but the driver runs hot",
    ]
    due = json.loads(inq("-w", book, "due", "--json").stdout)
    assert not [i for i in due if i["kind"] == "sample"]
    none = inq("-w", book, "sample", "B0001", "--feedback", "ok")
    assert none.exit_code == 2
    assert (
        none.stderr
        == "Error: B0001 Ahmed Ali (Gulf Lights LLC) has no sample awaiting feedback: see `inq sample --open`\n"
    )


def test_sample_sheet_added_when_missing(inq, messy_workbook):
    result = inq(
        "-w", messy_workbook, "sample", "somchai@sunpower.co.th", "LED-PL-60", "--kind", "e"
    )
    assert result.exit_code == 0, result.output
    assert "Added the Samples sheet to the workbook" in result.stdout
    wb = openpyxl.load_workbook(messy_workbook)
    assert [c.value for c in wb["Samples"][2]][:4] == [
        D(2026, 11, 27),
        "somchai@sunpower.co.th",
        "LED-PL-60",
        "E-sample",
    ]
    # linked by email in a workbook without IDs
    data = json.loads(inq("-w", messy_workbook, "sample", "--open", "--json").stdout)
    assert [(d["email"], d["follow_up"]) for d in data] == [
        ("somchai@sunpower.co.th", "2026-11-30")
    ]


def test_large_sample_cannot_be_free(inq, book):
    from conftest import sha256

    before = sha256(book)
    result = inq(
        "-w", book, "sample", "maria@licht.de", "LED-HB-100", "--large", "--payment", "free"
    )
    assert result.exit_code == 2
    assert (
        result.stderr
        == "Error: a large sample is paid in advance by T/T: drop --payment free, or --large\n"
    )
    assert sha256(book) == before


# ---------------------------------------------------------------- e-samples first


def test_e_samples_first_by_default(inq, book):
    result = inq("-w", book, "sample", "B0001", "LED-HB-100")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == "Recorded an e-sample of LED-HB-100 for B0001 Ahmed Ali (Gulf Lights LLC) (free)"
    )
    # the e-catalog answers the open inquiry, as `inq log --out` does
    assert "Inquiry I0001 marked replied at 2026-11-27 10:00" in lines
    assert rows(book, "Inquiries")[0][10] == D(2026, 11, 27, 10)
    assert rows(book, "Samples")[-1][3] == "E-sample"
    # the buyer has had the e-sample: the next one is physical, and nobody is warned
    again = inq("-w", book, "sample", "B0001", "LED-HB-100", "--courier", "DHL")
    assert again.exit_code == 0 and again.stderr == ""
    assert again.stdout.startswith("Recorded a physical sample of LED-HB-100")


def test_a_physical_sample_before_any_e_sample_warns_once(inq, book):
    result = inq("-w", book, "sample", "B0003", "LED-HB-100", "--courier", "DHL")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Warning: no e-sample of LED-HB-100 has gone to B0003 Kim Lee (Seoul Lamps) yet: e-samples "
        "first (free, fast, always up to date): inq sample B0003 LED-HB-100 --kind e\n"
    )
    assert rows(book, "Samples")[-1][3] == "Physical"
    again = inq("-w", book, "sample", "B0003", "LED-HB-100", "--kind", "physical")
    assert again.exit_code == 0 and again.stderr == ""


def test_a_physical_sample_before_any_e_sample_asks_at_a_terminal(inq, book, monkeypatch):
    from conftest import sha256

    monkeypatch.setattr("inquiry_cli.cli.samples.interactive", lambda: True)
    before = sha256(book)
    result = inq("-w", book, "sample", "B0003", "LED-HB-100", "--kind", "physical", input="\n")
    assert result.exit_code == 1
    assert (
        "e-samples first" in result.stdout
        and "Send the physical sample anyway? [y/N]" in result.stdout
    )
    assert result.stderr == "Not recorded.\n" and sha256(book) == before
    result = inq("-w", book, "sample", "B0003", "LED-HB-100", "--kind", "physical", input="y\n")
    assert result.exit_code == 0 and "Recorded a physical sample" in result.stdout


def test_an_inquiry_about_a_product_with_a_catalog_suggests_the_e_sample(inq, build):
    path = build(
        buyers=[dict(buyer_id="B0001", name="Lena", company="Nord AB", email="lena@nord.se", country="Sweden")],
        products=[dict(model="LED-PL-60", name="Panel", moq=100, catalog_link="https://x.example/panel.pdf")],
    )  # fmt: skip
    result = inq("-w", path, "inquiry", "-b", "B0001", "-c", "email", "-p", "led-pl-60")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "Next: with your reply, send the e-sample of led-pl-60 (https://x.example/panel.pdf): "
        "inq sample B0001 led-pl-60"
    )
    step = json.loads(inq("-w", path, "lookup", "B0001", "--json").stdout)["card"]["next_step"]
    assert "send the e-sample of led-pl-60 (https://x.example/panel.pdf)" in step["action"]


def test_e_samples_first_on_the_sample(inq):
    # Chris Clark's fax inquiry I0110 about LED-PL-1260, a model with an e-catalog
    card = json.loads(inq("-w", "sample_workbook.xlsx", "lookup", "B0071", "--json").stdout)["card"]
    assert card["next_step"]["action"].endswith(
        "; with it, send the e-sample of LED-PL-1260 "
        "(https://www.example-brightway.com/catalog/panel-lights.pdf): inq sample B0071 LED-PL-1260"
    )
    result = inq("-w", "sample_workbook.xlsx", "sample", "B0071", "LED-PL-1260", "-n")
    assert result.exit_code == 0, result.output
    assert "Kind=E-sample, Payment=Free, Status=Sent" in result.stdout
    assert "Replied: (blank) -> 2026-11-27 10:00" in result.stdout


def by_email_workbook(tmp_path):
    """Buyers with IDs, but the quote and sample logs kept by the buyer's email (客户邮箱,
    Customer e-mail), as many salespeople keep them; the samples dated under a header inq
    has no word for (its only dates); no Settings sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customers"
    ws.append(["Customer ID", "Customer name", "Company", "E-mail", "Country", "Level",
               "Last contact"])  # fmt: skip
    ws.append(["C-07", "Lena Lind", "Nordic Glow AB", "lena@nordicglow.se", "Sweden", "B",
               dt.date(2026, 11, 12)])  # fmt: skip
    ws.append(["C-08", "Raj Patel", "Pune Lights", "raj@punelights.in", "India", "C",
               dt.date(2026, 11, 20)])  # fmt: skip
    quotes = wb.create_sheet("报价记录")
    quotes.append(["报价单号", "报价日期", "客户邮箱", "型号", "数量", "单价", "有效期至"])
    quotes.append(["QT-301", dt.date(2026, 11, 21), "raj@punelights.in", "LED-PL-60", 500, 4.1,
                   dt.date(2026, 12, 21)])  # fmt: skip
    samples = wb.create_sheet("Samples sent")
    samples.append(["Sent on", "Customer e-mail", "Model", "Type", "Courier", "Status"])
    samples.append([dt.date(2026, 10, 2), "lena@nordicglow.se", "LED-PL-60", "physical",
                    "DHL", "feedback received"])  # fmt: skip
    samples.append([dt.date(2026, 11, 10), "LENA@nordicglow.se", "LED-HB-150", "physical",
                    "DHL", "sent"])  # fmt: skip
    products = wb.create_sheet("Products")
    products.append(["Model", "Name", "Price"])
    products.append(["LED-HB-150", "High bay 150 W", 38.5])
    products.append(["LED-PL-60", "Panel 60 W", 4.1])
    path = tmp_path / "by-email.xlsx"
    wb.save(path)
    return path


def test_quotes_and_samples_kept_by_email_are_the_buyers(inq, tmp_path):
    path = by_email_workbook(tmp_path)
    result = inq("-w", path, "due", "--json")
    assert result.exit_code == 0, result.output
    kinds = {(i["buyer_id"], i["kind"]) for i in json.loads(result.stdout)}
    assert ("C-08", "quote") in kinds  # QT-301: unanswered since 11-21, chased after 3 days
    assert ("C-07", "sample") in kinds  # sent 11-10, feedback due after 10 days
    card = json.loads(inq("-w", path, "lookup", "raj@punelights.in", "--json").stdout)
    assert [q["quote_no"] for q in card["card"]["quotes"]] == ["QT-301"]
    # A sample inq records goes in by the buyer's email there too, not their number (its
    # date once the guessed column is confirmed, as `inq check` asks).
    assert "inq map Samples Date 'Sent on'" in inq("-w", path, "check").stdout
    assert inq("-w", path, "map", "Samples", "Date", "Sent on").exit_code == 0
    result = inq("-w", path, "sample", "C-08", "LED-PL-60", "--kind", "e")
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(path)["Samples sent"]
    assert [c.value for c in ws[4]][1] == "raj@punelights.in"
    opened = json.loads(inq("-w", path, "sample", "--open", "--json").stdout)
    assert {s["email"] for s in opened} == {"lena@nordicglow.se", "raj@punelights.in"}


def test_a_merge_relinks_a_sample_kept_by_email_by_the_kept_buyers_email(inq, tmp_path):
    path = by_email_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Customers"].append(["C-09", "Raj Patel", "Pune Lights Pvt", "raj.old@punelights.in",
                            "India", "C", dt.date(2026, 10, 1)])  # fmt: skip
    wb["Samples sent"].append([dt.date(2026, 9, 1), "raj.old@punelights.in", "LED-PL-60",
                               "physical", "DHL", "sent"])  # fmt: skip
    wb.save(path)
    result = inq("-w", path, "merge", "C-08", "C-09")
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(path)["Samples sent"]
    assert ws.cell(4, 2).value == "raj@punelights.in"  # (not C-08: the column is by email)


def raj_with_an_id() -> openpyxl.Workbook:
    """One buyer, Raj, with a Buyer ID and an email."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Buyers"
    ws.append(["Buyer ID", "Name", "Email", "Country", "Grade"])
    ws.append(["C-08", "Raj Patel", "raj@punelights.in", "India", "C"])
    return wb


@pytest.mark.parametrize("header", ["Mail", "Kontakt"])  # (no word inq knows: the cells say)
def test_a_sample_column_of_emails_gets_emails_and_keeps_every_row(inq, tmp_path, header):
    wb = raj_with_an_id()
    samples = wb.create_sheet("Samples")
    samples.append(["Date", header, "Model", "Kind", "Status"])
    for day in range(1, 6):
        samples.append([dt.date(2026, 10, day), "raj@punelights.in", "LED-PL-60", "e", "sent"])
    samples.append([dt.date(2026, 10, 9), "lena@nordicglow.se", "LED-PL-60", "e", "sent"])
    products = wb.create_sheet("Products")
    products.append(["Model", "Name", "Price"])
    products.append(["LED-PL-60", "Panel 60 W", 4.1])
    path = tmp_path / "mail.xlsx"
    wb.save(path)
    assert inq("-w", path, "sample", "C-08", "LED-PL-60", "--kind", "e").exit_code == 0
    assert openpyxl.load_workbook(path)["Samples"].cell(8, 2).value == "raj@punelights.in"
    card = json.loads(inq("-w", path, "lookup", "C-08", "--json").stdout)["card"]
    assert len(card["samples"]) == 6


def test_an_email_column_beside_the_buyer_column_leaves_it_the_buyer_id(inq, tmp_path):
    wb = raj_with_an_id()
    samples = wb.create_sheet("Samples")
    samples.append(["Date", "Email", "Buyer", "Model", "Kind", "Status"])
    samples.append([dt.date(2026, 10, 1), "raj@punelights.in", "C-08", "LED-PL-60", "e", "sent"])
    path = tmp_path / "both.xlsx"
    wb.save(path)
    assert "Buyer → Buyer ID" in inq("-w", path, "check").stdout


@pytest.mark.parametrize(
    ("header", "value"),
    [("业务员邮箱", "sales{n}@ourco.cn"), ("抄送邮箱", "cc{n}@ourco.cn"), ("邮件主题", "Re: {n}")],
)
def test_another_address_beside_the_company_is_not_the_buyers(inq, tmp_path, header, value):
    """Samples linked by company: our own address, a CC or a mail subject stays as it is,
    and inq writes nothing into it."""
    wb = raj_with_an_id()
    wb["Buyers"].append(["C-09", "Lena Lind", "lena@nordicglow.se", "Sweden", "B"])
    wb["Buyers"]["F1"] = "Company"
    wb["Buyers"]["F2"], wb["Buyers"]["F3"] = "Pune Lights", "Nordic Glow AB"
    samples = wb.create_sheet("样品")
    samples.append(["寄样日期", "公司名称", "型号", "样品类型", "状态", header])
    for day, firm in ((1, "Pune Lights"), (2, "Nordic Glow AB"), (3, "Pune Lights")):
        samples.append(
            [dt.date(2026, 10, day), firm, "LED-PL-60", "e", "sent", value.format(n=day)]
        )
    products = wb.create_sheet("Products")
    products.append(["Model", "Name", "Price"])
    products.append(["LED-PL-60", "Panel 60 W", 4.1])
    path = tmp_path / "by-company.xlsx"
    wb.save(path)
    assert f"Samples columns kept as they are: {header}" in inq("-w", path, "check").stdout
    assert inq("-w", path, "sample", "C-09", "LED-PL-60", "--kind", "e").exit_code == 0
    row = [c.value for c in openpyxl.load_workbook(path)["样品"][5]]
    assert row[1] == "Nordic Glow AB" and row[5] is None
    card = json.loads(inq("-w", path, "lookup", "C-09", "--json").stdout)["card"]
    assert len(card["samples"]) == 2  # (its own: 10-02 and today's)


@pytest.mark.parametrize(
    ("status", "open_"),
    [("已收到反馈", False), ("客户已确认", False), ("Feedback received 11/20", False),
     ("未收到反馈", True), ("待反馈", True), ("已寄出", True), ("no feedback yet", True)],
)  # fmt: skip
def test_a_status_in_the_salespersons_words_says_whether_feedback_came(
    inq, tmp_path, status, open_
):
    wb = raj_with_an_id()
    samples = wb.create_sheet("样品")
    samples.append(["寄样日期", "客户邮箱", "型号", "样品类型", "状态"])
    samples.append([dt.date(2026, 11, 1), "raj@punelights.in", "LED-PL-60", "实物", status])
    path = tmp_path / "样品.xlsx"
    wb.save(path)
    result = inq("-w", path, "sample", "--open", "--json")
    assert result.exit_code == 0, result.output
    assert bool(json.loads(result.stdout)) == open_
