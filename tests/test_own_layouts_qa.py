"""Reading the user's own layouts, as a new user's attack found them wanting: a sheet of
one row per inquiry under its natural name, a person column beside a Company column,
buyers added to such a sheet, dates without a year, date-only inquiries."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from tests.conftest import sheets_workbook

# One row per inquiry, the buyer repeated on each (the "Client" column holds people).
HEADER = ["Inquiry date", "Client", "Company", "E-mail", "Item", "Quantity", "Replied"]
ROWS = [
    HEADER,
    ["2026-11-10", "Anna Berg", "Nordlys Belysning AS", "anna@nordlys.no", "P-100", 40, "2026-11-10"],
    ["2026-11-20", "Anna Berg", "Nordlys Belysning AS", "anna@nordlys.no", "P-200", 60, None],
    ["2026-11-21", "Jon Dahl", "Dahl Elektro GmbH", "jon@dahl.de", "P-100", 10, None],
]  # fmt: skip


def _per_inquiry(tmp_path, sheet="Requests log", rows=ROWS):
    return sheets_workbook(tmp_path / "wb.xlsx", {sheet: rows})


def _rows(path, sheet):
    ws = openpyxl.load_workbook(path)[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]


# -- 5a. a sheet named like Inquiries that holds the buyers too ----------------------------


def test_inquiries_named_sheet_with_buyer_columns_reads_as_one_row_per_inquiry(tmp_path, inq):
    wb = _per_inquiry(tmp_path, sheet="Enquiries")
    result = inq("-w", wb, "check")
    assert "one row per inquiry on Enquiries: 3 inquiries of 2 buyers" in result.output
    assert "Inquiry date is read as Phone" not in result.output  # (dates as text are no phones)
    found = inq("-w", wb, "lookup", "jon@dahl.de")
    assert found.exit_code == 0, found.output
    assert "Jon Dahl" in found.output


def test_inquiries_named_sheet_without_buyer_columns_still_asks_for_buyers(tmp_path, inq):
    rows = [["Inquiry date", "Item", "Quantity"], ["2026-11-10", "P-100", 4]]
    wb = sheets_workbook(tmp_path / "wb.xlsx", {"Inquiries": rows})
    result = inq("-w", wb, "lookup", "x@y.com")
    assert result.exit_code == 1
    assert "Buyers sheet" in result.output


# -- 5b. a person column beside a Company column --------------------------------------------


def test_person_header_beside_company_header_is_the_name(tmp_path, inq):
    header = ["Customer", "Company", "Email", "Country"]
    rows = [header, ["Lena Wolf", "Wolf Licht GmbH", "lena@wolf.de", "DE"]]
    wb = sheets_workbook(tmp_path / "wb.xlsx", {"Buyers": rows})
    found = inq("-w", wb, "lookup", "Wolf Licht")
    assert found.exit_code == 0, found.output
    assert "Lena Wolf" in found.output and "Wolf Licht GmbH" in found.output


@pytest.mark.parametrize(
    "header",
    [
        ["客户名称", "公司", "邮箱", "国家"],  # 客户名称 beside a plain company column: the person
        ["Buyer", "Company name", "Email", "Country"],
        ["Country", "Email", "Company name", "Client"],  # wherever the columns sit
        ["联系人", "客户名称", "邮箱", "国家"],  # beside a plain name column: the company
        ["Contact person", "Customer", "E-mail", "Country"],
    ],
)
def test_a_person_or_company_header_is_read_as_its_neighbours_say(tmp_path, inq, header):
    person_first = header[0] in ("客户名称", "Buyer") or header[-1] == "Client"
    cells = {"Country": "DE", "国家": "DE", "Email": "lena@wolf.de", "邮箱": "lena@wolf.de",
             "E-mail": "lena@wolf.de"}  # fmt: skip
    who = {"客户名称": "Lena Wolf" if person_first else "Wolf Licht GmbH", "公司": "Wolf Licht GmbH",
           "Buyer": "Lena Wolf", "Company name": "Wolf Licht GmbH", "Client": "Lena Wolf",
           "联系人": "Lena Wolf", "Contact person": "Lena Wolf", "Customer": "Wolf Licht GmbH"}  # fmt: skip
    rows = [header, [cells.get(h) or who[h] for h in header]]
    wb = sheets_workbook(tmp_path / "wb.xlsx", {"客户" if "国家" in header else "Buyers": rows})
    found = inq("-w", wb, "lookup", "lena@wolf.de", "--json")
    assert found.exit_code == 0, found.output
    match = json.loads(found.stdout)["matches"][0]
    assert (match["name"], match["company"]) == ("Lena Wolf", "Wolf Licht GmbH")


def test_a_buyer_added_beside_a_company_column_has_the_name_under_the_customer_header(
    tmp_path, inq
):
    rows = [["客户名称", "公司", "邮箱"], ["Lena Wolf", "Wolf Licht GmbH", "lena@wolf.de"]]
    wb = sheets_workbook(tmp_path / "wb.xlsx", {"客户": rows})
    added = inq("-w", wb, "add", "--name", "Ana Ruiz", "--company", "Ruiz Luz SA",
                "--email", "ana@ruizluz.mx")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert _rows(wb, "客户")[-1] == ["Ana Ruiz", "Ruiz Luz SA", "ana@ruizluz.mx"]


def test_cells_swap_a_name_column_of_companies_and_a_company_column_of_people(tmp_path, inq):
    header = ["Name", "Customer", "Email"]
    rows = [
        header,
        ["Wolf Licht GmbH", "Lena Wolf", "lena@wolf.de"],
        ["Sol Trading Co.", "Ravi Shah", "ravi@sol.in"],
        ["Baker Electric LLC", "Tom Baker", "tom@baker.com"],
    ]
    wb = sheets_workbook(tmp_path / "wb.xlsx", {"Buyers": rows})
    found = inq("-w", wb, "lookup", "ravi@sol.in")
    assert found.exit_code == 0, found.output
    assert found.stdout.splitlines()[0].startswith("Ravi Shah — Sol Trading Co.")


# -- 5c. a buyer added to a sheet of one row per inquiry -------------------------------------


def test_buyer_added_to_per_inquiry_sheet_is_no_inquiry(tmp_path, inq):
    wb = _per_inquiry(tmp_path)
    before = inq("-w", wb, "stats").stdout.splitlines()[0]
    assert before.startswith("2 buyers, 3 inquiries"), before
    added = inq("-w", wb, "add", "--name", "Ana Ruiz", "--company", "Ruiz Luz SA",
                "--email", "ana@ruizluz.mx")  # fmt: skip
    assert added.exit_code == 0, added.output
    last = _rows(wb, "Requests log")[-1]
    assert last[1:4] == ["Ana Ruiz", "Ruiz Luz SA", "ana@ruizluz.mx"]
    after = inq("-w", wb, "stats").stdout.splitlines()[0]
    assert after.startswith("3 buyers, 3 inquiries"), after
    looked = inq("-w", wb, "lookup", "ana@ruizluz.mx").stdout
    assert "NOT REPLIED" not in looked and "Reply to inquiry" not in looked


# -- 5d. a Replied column's dates like 03/11/2026 read by the rest of the column ------------


def test_replied_date_read_in_the_order_the_rest_of_its_column_shows(tmp_path, inq):
    header = ["Received", "Email", "Company", "Product", "Replied"]
    rows = [
        header,
        ["11/24/2026", "a@x.com", "X Ltd", "P-1", "11/25/2026"],
        ["11/02/2026", "b@y.com", "Y Ltd", "P-2", "11/03/2026"],
    ]
    wb = sheets_workbook(
        tmp_path / "wb.xlsx",
        {"Buyers": [["Email", "Company"], ["a@x.com", "X Ltd"], ["b@y.com", "Y Ltd"]],
         "Inquiries": rows},
    )  # fmt: skip
    checked = inq("-w", wb, "check").output
    assert "ambiguous date '11/03/2026'" not in checked
    looked = inq("-w", wb, "lookup", "b@y.com").stdout
    assert "11-03" in looked and "NOT REPLIED" not in looked, looked


# -- 7. dates without a year ----------------------------------------------------------------


def _no_year_tracker(tmp_path):
    buyers = [
        ["联系人 Contact", "公司名称 Company", "邮箱 Email", "客户等级 Grade", "最后联系 Last contact",
         "下次跟进 Next follow-up"],
        ["Ahmed Ali", "Gulf Star FZE", "ahmed@gulf.ae", "B", "11月3日", None],
        ["Li Wei", "Guangming Co. Ltd", "li@gm.cn", "A", "11-20", "1月5日"],
    ]  # fmt: skip
    inquiries = [
        ["日期 Date", "客户邮箱 Email", "产品 Product", "已回复 Replied"],
        ["11月19日", "ahmed@gulf.ae", "P-1", "11月20日"],
    ]
    return sheets_workbook(tmp_path / "cn.xlsx", {"客户列表": buyers, "询盘": inquiries})


def test_month_day_without_year_reads_as_latest_past_or_next_future(tmp_path, inq):
    wb = _no_year_tracker(tmp_path)  # (now: 2026-11-27)
    due = inq("-w", wb, "due", "week").stdout
    assert "Ahmed Ali" in due  # grade B, last contact 2026-11-03: long due
    looked = inq("-w", wb, "lookup", "ahmed@gulf.ae").stdout
    assert "NOT REPLIED" not in looked and "11-20" in looked, looked
    assert "2026-11-03" in looked
    li = inq("-w", wb, "lookup", "li@gm.cn").stdout
    assert "2027-01-05" in li, li  # a follow-up ahead: the next 5 January
    checked = inq("-w", wb, "check").output
    assert "unreadable date" not in checked
    assert "without a year" in checked and "2026-11-03" in checked, checked


# -- 17. inquiries received on a date with no time -------------------------------------------


def _date_only(tmp_path):
    buyers = [
        ["Email", "Company"],
        ["a@x.com", "X Ltd"],
        ["b@y.com", "Y Ltd"],
        ["c@z.com", "Z Ltd"],
    ]
    inquiries = [
        ["Received", "Email", "Product", "Replied"],
        ["2026.11.26", "a@x.com", "P-1", None],
        [dt.datetime(2026, 11, 25), "b@y.com", "P-2", None],
        ["soon", "c@z.com", "P-3", None],
    ]
    return sheets_workbook(tmp_path / "wb.xlsx", {"Buyers": buyers, "Inquiries": inquiries})


def test_date_only_inquiry_is_owed_by_the_end_of_the_next_day_without_hours(tmp_path, inq):
    due = inq("-w", _date_only(tmp_path), "due").stdout  # (now: 2026-11-27 10:00)
    assert "reply row 2 by 23:59," in due and "received 11-26 (no time)" in due, due
    assert "REPLY row 3 late," in due and "received 11-25 (no time)" in due, due
    assert "h late" not in due


def test_stats_counts_an_inquiry_without_a_readable_date(tmp_path, inq):
    out = inq("-w", _date_only(tmp_path), "stats").stdout
    assert "3 inquiries" in out.splitlines()[0]
    table = out[out.index("Inquiries per month") :].split("\n\n")[0]
    assert "no date" in table and "2026-11" in table, table


# -- 19. check and map list the same columns ------------------------------------------------


def test_check_lists_every_column_map_lists(tmp_path, inq):
    inquiries = [
        ["Date", "Client", "Item", "Replied"],
        ["2026-11-20 09:00", "Lena Wolf", "P-1", "2026-11-20 10:00"],
    ]
    buyers = [["Contact person", "E-mail"], ["Lena Wolf", "lena@wolf.de"]]
    wb = sheets_workbook(tmp_path / "wb.xlsx", {"Buyers": buyers, "Enquiries": inquiries})
    line = next(
        ln for ln in inq("-w", wb, "check").output.splitlines()
        if ln.startswith("Inquiries columns read from")
    )  # fmt: skip
    mapped = inq("-w", wb, "map").stdout
    block = mapped[mapped.index("Inquiries (sheet Enquiries)") :]
    for field in ("Received", "Product", "Replied", "Client"):
        assert field in block.split("not in the sheet")[0]
        assert field in line, line


def test_day_and_month_without_year_read_in_the_order_its_column_shows(tmp_path, inq):
    buyers = [
        ["Name", "Email", "Last contact"],
        ["Lena Wolf", "lena@wolf.de", "25/11"],
        ["Tom Hart", "tom@hart.uk", "3/11"],
        ["Ugo Neri", "ugo@neri.it", "4/5"],
    ]
    wb = sheets_workbook(tmp_path / "wb.xlsx", {"Buyers": buyers})
    assert "2026-11-03" in inq("-w", wb, "lookup", "tom@hart.uk").stdout
    alone = sheets_workbook(tmp_path / "alone.xlsx", {"Buyers": [buyers[0], buyers[3]]})
    checked = inq("-w", alone, "check").output
    assert "ambiguous date '4/5'" in checked, checked  # (April or May: nothing says)
