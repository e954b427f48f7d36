"""What a new user's attack found in the writing commands and their messages (QA round 2).

Each test builds its own tiny workbook and runs the CLI on it, as the user would.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import xlsxwriter
from conftest import sheets_workbook


def formula_buyers(path: Path, *, last_contact_formula: bool = False) -> Path:
    """Buyers whose Next follow-up is the user's own formula on Last contact (=C2+7), with
    the values Excel caches beside it (the reader sees only those)."""
    wb = xlsxwriter.Workbook(str(path))
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("Buyers")
    ws.write_row(0, 0, ["Name", "Email", "Last contact", "Next follow-up", "Grade"])
    ws.write_row(1, 0, ["Anna Kowalska", "anna@lumex.example"])
    if last_contact_formula:  # Last contact, too, is worked out (from a date beside it)
        ws.write_formula(1, 2, "=F2", day, dt.date(2026, 11, 10))
        ws.write_datetime(1, 5, dt.datetime(2026, 11, 10), day)
    else:
        ws.write_datetime(1, 2, dt.datetime(2026, 11, 10), day)
    ws.write_formula(1, 3, "=C2+7", day, dt.date(2026, 11, 17))
    ws.write(1, 4, "B")
    wb.close()
    return path


def test_log_keeps_the_users_formula_and_says_so(inq, tmp_path):
    book = formula_buyers(tmp_path / "f.xlsx")
    dry = inq("-w", book, "log", "anna@lumex.example", "-c", "email", "-s", "sent price", "-n")
    assert dry.exit_code == 0, dry.output
    assert "Cleared" not in dry.output and "(cleared)" not in dry.output
    assert "keep the formula in Buyers D2 (Next follow-up)" in dry.output

    done = inq("-w", book, "log", "anna@lumex.example", "-c", "email", "-s", "sent price")
    assert done.exit_code == 0, done.output
    assert "Cleared" not in done.output and "(cleared)" not in done.output
    assert (
        "Kept the formula in Buyers D2 (Next follow-up): inq does not overwrite formulas"
        in done.output
    )
    ws = openpyxl.load_workbook(book)["Buyers"]
    assert ws["D2"].value == "=C2+7"
    assert ws["C2"].value == dt.datetime(2026, 11, 27, 10, 0)  # the plain date moved on


def test_a_formula_in_last_contact_is_kept_too(inq, tmp_path):
    book = formula_buyers(tmp_path / "f.xlsx", last_contact_formula=True)
    done = inq("-w", book, "log", "anna@lumex.example", "-c", "tel", "-s", "called")
    assert done.exit_code == 0, done.output
    assert "Kept the formula in Buyers C2 (Last contact)" in done.output
    assert "Last contact: 2026-11-10 ->" not in done.output
    ws = openpyxl.load_workbook(book)["Buyers"]
    assert ws["C2"].value == "=F2" and ws["D2"].value == "=C2+7"
    assert openpyxl.load_workbook(book)["Contacts"].max_row == 2  # the contact is logged


def smith_buyers(path: Path) -> Path:
    return sheets_workbook(
        path,
        {
            "Buyers": [
                ["Name", "Company", "Email", "Grade", "Last contact"],
                ["Anna Kowalska", "Lumex", "anna@lumex.example", "B", dt.date(2026, 11, 2)],
                ["John Smith", "Smith Lighting", "john@smithlighting.example", "C", None],
            ]
        },
    )


def test_an_explicit_email_beats_a_fuzzy_buyer(inq, tmp_path):
    book = smith_buyers(tmp_path / "s.xlsx")
    args = ["--buyer", "Jon Smith", "--name", "Jon Smith", "--company", "Acme Ltd"]
    done = inq(
        "-w", book, "inquiry", *args, "--email", "jon@acme.example", "-c", "email", "-m", "price?"
    )
    assert done.exit_code == 0, done.output
    assert "similar buyer exists" in done.stderr and "John Smith" in done.stderr
    assert "Recorded inquiry I0001 from jon@acme.example Jon Smith" in done.stdout
    wb = openpyxl.load_workbook(book)
    assert [c.value for c in wb["Buyers"][4]][:3] == ["Jon Smith", "Acme Ltd", "jon@acme.example"]
    assert wb["Buyers"]["E3"].value is None  # John Smith untouched
    assert wb["Inquiries"]["E2"].value == "jon@acme.example"
    # two buyers like 'Jon Smyth' now: the email still says which
    close = inq("-w", book, "inquiry", "-b", "Jon Smyth", "--email", "jon@acme.example",
                "-c", "email", "-m", "x", "-n")  # fmt: skip
    assert close.exit_code == 0 and "Email=jon@acme.example" in close.stdout, close.output
    # the email of a buyer who is there: that buyer, whatever --buyer guessed
    fresh = smith_buyers(tmp_path / "fresh.xlsx")
    again = inq("-w", fresh, "inquiry", "-b", "Jon Smith", "--email", "ANNA@lumex.example",
                "-c", "email", "-m", "x", "-n")  # fmt: skip
    assert again.exit_code == 0, again.output
    assert "Email=anna@lumex.example" in again.stdout
    # an exact --buyer that another --email contradicts is refused
    clash = inq("-w", book, "inquiry", "-b", "anna@lumex.example", "--email", "x@y.example",
                "-c", "email", "-m", "x", "-n")  # fmt: skip
    assert clash.exit_code == 2 and clash.stderr.startswith("Error: ") and "--email" in clash.stderr


def test_a_fuzzy_who_is_said_before_it_is_written(inq, tmp_path):
    book = smith_buyers(tmp_path / "s.xlsx")
    dry = inq("-w", book, "log", "Jon Smith", "-c", "tel", "-s", "called", "-n")
    assert dry.stdout.startswith("'Jon Smith' taken as john@smithlighting.example John Smith")
    done = inq("-w", book, "log", "Jon Smith", "-c", "tel", "-s", "called")
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith(
        "'Jon Smith' taken as john@smithlighting.example John Smith (Smith Lighting): name like"
    )
    exact = inq("-w", book, "log", "John Smith", "-c", "tel", "-s", "called")
    assert "taken as" not in exact.stdout
    graded = inq("-w", book, "grade", "Jon Smith", "B")
    assert graded.exit_code == 0, graded.output
    assert "'Jon Smith' taken as john@smithlighting.example" in graded.stdout


def test_add_says_what_it_wrote_and_nothing_else(inq, tmp_path):
    book = sheets_workbook(
        tmp_path / "c.xlsx",
        {
            "Customer list": [
                ["Client", "Contact person", "E-mail", "Last contacted"],  # Client: a guess
                ["Keystone Lighting Inc", "Chris Clark", "chris@keystone.example", None],
            ]
        },
    )
    done = inq("-w", book, "add", "--name", "Sam Lee", "--company", "Brightline",
               "--email", "sam@brightline.example")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines() == [
        "Added buyer sam@brightline.example: Sam Lee",
        "Last contacted set to 2026-11-27, the day of this first contact",
    ]
    assert "Company ('Client' is only a guess)" in done.stderr
    row = [c.value for c in openpyxl.load_workbook(book)["Customer list"][3]]
    assert row == [None, "Sam Lee", "sam@brightline.example", dt.datetime(2026, 11, 27)]


def test_channels_rows_and_the_users_own_words(inq, tmp_path):
    book = sheets_workbook(
        tmp_path / "cn.xlsx",
        {
            "客户列表": [
                ["客户名称", "邮箱", "客户等级"],
                ["Savannah Electric", "james@savannah.example", "A级"],
                ["Nile Lights", "omar@nile.example", "C级"],
            ],
            "跟进记录": [
                ["日期", "客户名称", "跟进方式", "跟进内容"],
                [dt.datetime(2026, 11, 20), "Nile Lights", "电话", "客户说下周下单"],
            ],
        },
    )

    # one channel list: an inquiry may come by WhatsApp as a contact may
    came = inq("-w", book, "inquiry", "-b", "james@savannah.example", "-c", "whatsapp",
               "-m", "price?", "-n")  # fmt: skip
    assert came.exit_code == 0, came.output
    # a row reference names a row, never a phone nor somebody to add
    header = inq("-w", book, "lookup", "row 1")
    assert header.exit_code == 1 and header.stderr == "Error: row 1 is the header row of 客户列表\n"
    assert "Savannah Electric" in inq("-w", book, "lookup", "行 2").stdout
    assert "holds no buyer" in inq("-w", book, "lookup", "第9行").stderr
    # the log's own word for the channel, the grade column's own form
    assert (
        inq("-w", book, "log", "james@savannah.example", "-c", "tel", "-s", "called").exit_code == 0
    )
    graded = inq("-w", book, "grade", "james@savannah.example", "B")
    assert graded.exit_code == 0, graded.output
    wb = openpyxl.load_workbook(book)
    assert [c.value for c in wb["跟进记录"][3]][1:3] == ["Savannah Electric", "电话"]
    assert wb["客户列表"]["C2"].value == "B级"


def test_grade_keeps_a_formula_grade_and_records_no_change(inq, tmp_path):
    book = tmp_path / "g.xlsx"
    wbx = xlsxwriter.Workbook(str(book))  # the Grade is worked out, its value cached
    ws = wbx.add_worksheet("Buyers")
    ws.write_row(0, 0, ["Name", "Email", "Last contact", "Next follow-up", "Grade"])
    ws.write_row(1, 0, ["Anna Kowalska", "anna@lumex.example"])
    ws.write_formula(1, 4, '=IF(LEN(A2)>3,"B","C")', None, "B")
    wbx.close()
    dry = inq("-w", book, "grade", "anna@lumex.example", "A", "-n")
    assert "keep the formula in Buyers E2 (Grade)" in dry.stdout
    assert "Grade history" not in dry.stdout
    done = inq("-w", book, "grade", "anna@lumex.example", "A")
    assert done.exit_code == 0, done.output
    assert done.stdout == (
        "Kept the formula in Buyers E2 (Grade): inq does not overwrite formulas\n"
    )
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Buyers"] and wb["Buyers"]["E2"].value == '=IF(LEN(A2)>3,"B","C")'


def test_intake_keeps_a_formula_too(inq, tmp_path):
    book = formula_buyers(tmp_path / "i.xlsx", last_contact_formula=True)
    mail = tmp_path / "m.eml"
    mail.write_text(
        "From: Anna Kowalska <anna@lumex.example>\nTo: me@factory.example\n"
        "Subject: Inquiry LED-HB-150\nDate: Thu, 26 Nov 2026 09:00:00 +0000\n"
        "Message-ID: <a1@lumex.example>\n\nPlease quote 500 pcs LED-HB-150.\n"
    )
    done = inq("-w", book, "intake", mail)
    assert done.exit_code == 0, done.output
    assert "Kept the formula in Buyers C2 (Last contact)" in done.stdout
    assert "Last contact: 2026-11-10 ->" not in done.stdout
    assert openpyxl.load_workbook(book)["Buyers"]["C2"].value == "=F2"


def test_an_inquiry_channel_in_the_sheets_own_word_still_counts_as_that_channel(inq, tmp_path):
    book = sheets_workbook(
        tmp_path / "fax.xlsx",
        {
            "Buyers": [
                ["Name", "Email", "Fax", "Grade"],
                ["Omar", "omar@nile.example", "+20 2 1234 5678", "B"],
                ["Lina", "lina@x.example", "+20 2 1234 9999", "B"],
            ],
            "Inquiries": [
                ["Received", "Email", "渠道", "Product", "Replied"],
                [dt.datetime(2026, 11, 20), "lina@x.example", "传真", "X", "2026-11-21"],
            ],
        },
    )
    assert (
        inq("-w", book, "inquiry", "-b", "omar@nile.example", "-c", "fax", "-p", "X").exit_code == 0
    )
    assert openpyxl.load_workbook(book)["Inquiries"]["C3"].value == "传真"
    card = inq("-w", book, "lookup", "omar@nile.example").stdout
    assert "within 12 h of receipt" in card and "by FAX: fax inquiry" in card
