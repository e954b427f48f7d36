"""`inq add`, `inq inquiry`, `inq log`: what lands in the workbook, and what is refused."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from conftest import sha256, sheets_workbook


def rows(path, sheet):
    ws = openpyxl.load_workbook(path)[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def by_header(path, sheet, header_row=1):
    data = rows(path, sheet)
    head = data[header_row - 1]
    return [
        dict(zip(head, r, strict=False)) for r in data[header_row:] if any(v is not None for v in r)
    ]


def test_add_buyer(inq, contract_workbook):
    result = inq(
        "-w", contract_workbook, "add", "--name", "Somchai Jaidee", "--company", "Sun Power Co., Ltd",
        "--email", "Somchai@SunPower.co.th", "--phone", "+66 81 234 5678", "--country", "泰国",
        "--source", "Alibaba",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Added buyer B0003: Somchai Jaidee (Sun Power Co., Ltd)\n"
        "First contact and Last contact set to 2026-11-27, the day of this first contact\n"
    )
    new = by_header(contract_workbook, "Buyers")[-1]
    assert new["Buyer ID"] == "B0003"
    assert new["Email"] == "somchai@sunpower.co.th"
    assert new["Country"] == "泰国"
    assert new["Region"] == "sea"
    assert new["First contact"] == dt.datetime(2026, 11, 27)
    assert new["Last contact"] == dt.datetime(2026, 11, 27)


def test_add_refuses_known_email_phone_or_domain(inq, contract_workbook):
    before = sha256(contract_workbook)
    for extra in (
        ["--email", "AHMED@gulflights.ae"],
        ["--email", "omar@gulflights.ae"],
        ["--phone", "050 123 4567", "--country", "UAE"],
    ):
        result = inq("-w", contract_workbook, "add", "--name", "Omar", *extra)
        assert result.exit_code == 1, extra
        assert result.stderr.startswith(
            "Error: already in the workbook: B0001 Ahmed Al Mansoori (Gulf Lights Trading LLC)"
        ), extra
        assert result.stderr.strip().endswith("see `inq lookup`, or add anyway with --force")
    assert sha256(contract_workbook) == before


def test_add_force_and_fuzzy_warning(inq, contract_workbook):
    result = inq(
        "-w", contract_workbook, "add", "--name", "Omar", "--email", "omar@gulflights.ae", "--force"
    )
    assert result.exit_code == 0, result.output
    assert "Warning: similar buyer exists: B0001" in result.stderr
    result = inq("-w", contract_workbook, "add", "--name", "Maria Schmit", "--email", "m@other.de")
    assert result.exit_code == 0
    assert (
        "Warning: similar buyer exists: B0002 Maria Schmidt (Licht Handel GmbH) (name like 'Maria Schmidt'"
        in result.stderr
    )


def test_a_company_of_one_or_two_letters_is_like_no_other(inq, tmp_path):
    """'A GmbH' is 'a' once its legal form is gone, 'HP Ltd' 'hp': inside many a name,
    so similar to none; the same one is still said."""
    from conftest import sheets_workbook

    book = sheets_workbook(tmp_path / "short.xlsx", {
        "Buyers": [["Name", "Company", "Email"], ["Anna Berg", "A GmbH", "anna@a.de"],
                   ["Hank Pike", "HP Ltd", "hank@hp.example"]],
    })  # fmt: skip
    added = inq("-w", book, "add", "--name", "Neu Mann", "--company", "Neu Shop GmbH",
                "--email", "neu@neu.de")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "similar buyer" not in added.stderr
    same = inq("-w", book, "add", "--name", "Otto", "--company", "HP Ltd.", "--email", "o@o.de")
    assert "Warning: similar buyer exists: hank@hp.example Hank Pike (HP Ltd) (same company" in (
        same.stderr
    )


def test_add_dry_run_writes_nothing(inq, contract_workbook):
    before = sha256(contract_workbook)
    result = inq(
        "-w", contract_workbook, "add", "--name", "Li Na", "--email", "li@newco.cn", "--dry-run"
    )
    assert result.exit_code == 0
    assert result.stdout == (
        "Dry run: nothing was written. The change would be:\n"
        "  new row in Buyers: Buyer ID=B0003, Name=Li Na, Email=li@newco.cn, "
        "First contact=2026-11-27, Last contact=2026-11-27\n"
    )
    assert sha256(contract_workbook) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "--name", "X", "--email", "not-an-email"], "Error: invalid email 'not-an-email': expected something like name@company.com\n"),
        (["add", "--country", "DE"], "Error: a buyer needs at least --name, --company or --email\n"),
        (["log", "nobody@nowhere.com", "-c", "email", "-s", "hi"], "Error: no buyer matches 'nobody@nowhere.com': check with `inq lookup nobody@nowhere.com` or add them\n"),
        (["log", "B0001", "-c", "pigeon", "-s", "hi"], "Error: unknown channel 'pigeon': use one of alibaba, made-in-china, global-sources, hktdc, email, tel, fax, post, trade-show, website, meeting, whatsapp, wechat\n"),
        (["log", "B0001", "-c", "tel", "-s", "hi", "--date", "someday"], "Error: cannot read the date 'someday': use 2026-11-28, 2026-11-28 14:30, today, tomorrow or +3d\n"),
        (["log", "B0001", "-c", "tel", "-s", "hi", "--date", "tomorrow"], "Error: 2026-11-28 00:00 is in the future: log a contact once it happened\n"),
        (["log", "B0001", "-c", "tel", "-s", "  "], "Error: the summary is empty: say in a few words what was said (--summary)\n"),
        (["inquiry", "-c", "pigeon", "-b", "B0001"], "Error: unknown channel 'pigeon': use one of alibaba, made-in-china, global-sources, hktdc, email, tel, fax, post, trade-show, website, meeting, whatsapp, wechat\n"),
        (["inquiry", "-c", "email", "-b", "B0001", "--qty", "lots"], "Error: --qty 'lots' is not a quantity: give a number like 1000\n"),
    ],
)  # fmt: skip
def test_bad_input_leaves_workbook_unchanged(inq, contract_workbook, args, message):
    before = sha256(contract_workbook)
    result = inq("-w", contract_workbook, *args)
    assert result.exit_code != 0
    assert result.stderr == message
    assert sha256(contract_workbook) == before


def test_log_contact_updates_last_contact(inq, contract_workbook):
    result = inq(
        "-w", contract_workbook, "log", "maria@lichthandel.de", "--channel", "tel", "--out",
        "--summary", "Discussed 2000 pcs, wants CIF Hamburg", "--next", "Send CIF quote",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Logged out tel contact with B0002 Maria Schmidt (Licht Handel GmbH) on 2026-11-27 10:00\n"
        "Changed Buyers row 3 (B0002 Maria Schmidt), Last contact: 2026-11-02 -> 2026-11-27 10:00\n"
    )
    contact = by_header(contract_workbook, "Contacts")[-1]
    assert contact == {
        "Date": dt.datetime(2026, 11, 27, 10, 0),
        "Buyer ID": "B0002",
        "Email": None,
        "Channel": "tel",
        "Direction": "out",
        "Summary": "Discussed 2000 pcs, wants CIF Hamburg",
        "Next step": "Send CIF quote",
        "Message-ID": None,
    }
    buyer = by_header(contract_workbook, "Buyers")[1]
    assert buyer["Last contact"] == dt.datetime(2026, 11, 27, 10, 0)
    # the lookup card now counts from the new contact: B weekly -> due 2026-12-04
    out = inq("-w", contract_workbook, "lookup", "B0002").stdout
    assert "Next follow-up: due 2026-12-04 (grade B: every 7 days (B: weekly))" in out


def test_a_second_log_of_the_day_checks_the_rows_it_wrote(inq, contract_workbook, monkeypatch):
    """The day's second contact with a buyer sets Last contact to the date it holds
    already. The check after the write still compares only the rows written, not both
    whole sheets: at 50,000 buyers, a whole compare took 3.5 s and 505 MB instead of
    2 s and 296 MB."""
    from inquiry_cli.workbook import verify

    monkeypatch.setattr(verify, "FULL_COMPARE_LIMIT", 0)  # every sheet counts as big

    def whole(*_args, **_kwargs):
        raise AssertionError("a sheet was compared whole")

    monkeypatch.setattr(verify._Reader, "grid", whole)
    for summary in ("Called about the order", "Sent the CIF quote"):
        result = inq(
            "-w", contract_workbook, "log", "maria@lichthandel.de", "-c", "tel", "-s", summary
        )
        assert result.exit_code == 0, result.output
    contacts = by_header(contract_workbook, "Contacts")
    assert [c["Summary"] for c in contacts[-2:]] == ["Called about the order", "Sent the CIF quote"]
    buyer = by_header(contract_workbook, "Buyers")[1]
    assert buyer["Last contact"] == dt.datetime(2026, 11, 27, 10, 0)


def test_inquiry_from_new_sender_then_reply(inq, contract_workbook):
    result = inq(
        "-w", contract_workbook, "inquiry", "--buyer", "carlos@andes-ilum.cl", "--channel", "alibaba",
        "--product", "LED-FL-100", "--qty", "2,000", "--at", "2026-11-27 08:15",
        "--message", "Please quote 2000 pcs CIF Valparaiso", "--country", "Chile",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Added buyer B0003: carlos@andes-ilum.cl\n"
        "First contact and Last contact set to 2026-11-27, the day of this first contact\n"
        "Recorded inquiry I0001 from B0003 carlos@andes-ilum.cl about LED-FL-100 "
        "(alibaba, received 2026-11-27 08:15)\n"
    )
    inquiry = by_header(contract_workbook, "Inquiries")[-1]
    assert inquiry["Inquiry ID"] == "I0001"
    assert inquiry["Buyer ID"] == "B0003"
    assert inquiry["Quantity"] == 2000
    assert inquiry["Replied"] is None
    assert by_header(contract_workbook, "Buyers")[-1]["Region"] == "latam"
    result = inq(
        "-w", contract_workbook, "log", "carlos@andes-ilum.cl", "-c", "email", "-s", "Sent quote"
    )
    assert result.exit_code == 0, result.output
    assert "Inquiry I0001 marked replied at 2026-11-27 10:00" in result.stdout
    assert by_header(contract_workbook, "Inquiries")[-1]["Replied"] == dt.datetime(
        2026, 11, 27, 10, 0
    )


def test_inquiry_message_from_stdin(inq, contract_workbook):
    result = inq(
        "-w",
        contract_workbook,
        "inquiry",
        "-b",
        "B0001",
        "-c",
        "email",
        "-",
        input="Need 500 pcs\nby March\n",
    )
    assert result.exit_code == 0, result.output
    assert by_header(contract_workbook, "Inquiries")[-1]["Message"] == "Need 500 pcs\nby March"


def test_log_in_hand_made_workbook_adds_contacts_sheet(inq, messy_workbook):
    """No Buyer IDs and no Contacts sheet: the contact is linked by email, in a new sheet,
    and Last contact is updated in the user's own 最后联系时间 column."""
    result = inq(
        "-w",
        messy_workbook,
        "log",
        "maria@lichthandel.de",
        "-c",
        "email",
        "--in",
        "-s",
        "Asked for catalog",
    )
    assert result.exit_code == 0, result.output
    assert "Added the Contacts sheet to the workbook" in result.stdout
    wb = openpyxl.load_workbook(messy_workbook)
    assert wb.sheetnames == ["客户列表", "Contacts"]
    contacts = by_header(messy_workbook, "Contacts")
    assert contacts == [{
        "Date": dt.datetime(2026, 11, 27, 10, 0), "Buyer ID": None, "Email": "maria@lichthandel.de",
        "Channel": "email", "Direction": "in", "Summary": "Asked for catalog", "Next step": None,
        "Message-ID": None,
    }]  # fmt: skip
    ws = wb["客户列表"]
    assert ws["G7"].value == dt.datetime(2026, 11, 27, 10, 0)  # was the text '2026年11月3日'
    assert ws["A1"].value == "2026年 客户管理表"  # title banner untouched
    assert ws["I4"].value == "ahmed_wx"  # unknown column kept


def test_two_inq_runs_at_once_take_turns(contract_workbook):
    """The lock is held from read to write: a second run waits instead of being refused
    as a concurrent change, and both contacts land."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "INQ_NOW": "2026-11-27T10:00"}
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "inquiry_cli",
                "-w",
                str(contract_workbook),
                "log",
                who,
                "-c",
                "tel",
                "-s",
                f"call {who}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for who in ("B0001", "B0002")
    ]
    results = [(*p.communicate(timeout=60), p.returncode) for p in runs]
    assert [r[2] for r in results] == [0, 0], results
    summaries = [c["Summary"] for c in by_header(contract_workbook, "Contacts")]
    assert sorted(summaries[-2:]) == ["call B0001", "call B0002"]


def test_read_only_workbook(inq, contract_workbook):
    import os
    import stat

    contract_workbook.chmod(0o444)
    before = sha256(contract_workbook)
    result = inq("-w", contract_workbook, "log", "B0001", "-c", "tel", "-s", "hi")
    if os.geteuid() == 0:  # root may write anyway: then the file keeps its mode
        assert result.exit_code == 0, result.output
        assert stat.S_IMODE(contract_workbook.stat().st_mode) == 0o444
    else:
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: customers.xlsx is read-only: nothing was written")
        assert sha256(contract_workbook) == before


def test_a_row_nothing_links_to_the_buyer_is_recorded_with_a_warning(inq, tmp_path):
    """No Buyer ID column and no email: the row is kept, and the user is told it is orphaned."""
    path = sheets_workbook(
        tmp_path / "noid.xlsx",
        {
            "Buyers": [
                ["Name", "Company", "Email", "Phone", "Country"],
                ["Wang Wei", "Wei Trading", "", "+86 138 0013 8000", "China"],
                ["Anna", "Lichtwerk", "anna@lichtwerk.de", "", "Germany"],
            ],
            "Inquiries": [["Received", "Email", "Product"]],
        },
    )
    result = inq("-w", path, "inquiry", "--buyer", "Wang Wei", "--channel", "tel")
    assert result.exit_code == 0, result.output
    assert (
        "Warning: nothing in this Inquiries row names Wang Wei (Wei Trading), so `inq lookup` "
        "and `inq due` will not count it: the Buyers sheet has no Buyer ID column and they have "
        "no email; add their email in Excel (or a Buyer ID column)\n"
    ) in result.stderr
    assert openpyxl.load_workbook(path)["Inquiries"].max_row == 2
    result = inq("-w", path, "log", "anna@lichtwerk.de", "-c", "tel", "-s", "Called")
    assert result.exit_code == 0, result.output
    assert "nothing in this" not in result.stderr


def test_a_missing_option_is_one_line(inq, contract_workbook):
    result = inq("-w", contract_workbook, "log", "ahmed@gulflights.ae", "--summary", "hi")
    assert result.exit_code == 2
    assert result.stderr == "Error: Missing option '--channel' / '-c' (see `inq log -h`)\n"


def test_a_new_sender_is_first_contacted_when_the_inquiry_came(inq, contract_workbook):
    """`--at` dates the new buyer's First/Last contact too; a display name is their name."""
    result = inq(
        "-w", contract_workbook, "inquiry", "--buyer", "Li Na <LiNa@HKTrade.hk>",
        "-c", "email", "--at", "2026-11-20 09:00",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(contract_workbook)
    ws = wb["Buyers"]
    header = [c.value for c in ws[1]]
    row = {h: c.value for h, c in zip(header, ws[ws.max_row], strict=False)}
    assert (row["Name"], row["Email"]) == ("Li Na", "lina@hktrade.hk")
    assert row["First contact"].date() == dt.date(2026, 11, 20)
    assert row["Last contact"].date() == dt.date(2026, 11, 20)


def test_an_unknown_buyer_hint_can_be_run_as_shown(inq, contract_workbook):
    result = inq("-w", contract_workbook, "log", "Jon Smith", "-c", "tel", "-s", "hi")
    assert result.exit_code == 1
    assert "check with `inq lookup 'Jon Smith'` or add them" in result.stderr


def test_a_message_file_in_gbk_is_read(inq, contract_workbook, tmp_path):
    """Chinese Windows saves text files in GBK."""
    msg = tmp_path / "msg.txt"
    msg.write_bytes("请报价 LED 面板灯 2000 个".encode("gbk"))
    result = inq(
        "-w", contract_workbook, "inquiry", "--buyer", "ahmed@gulflights.ae", "-c", "email",
        "--message-file", msg,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(contract_workbook)["Inquiries"]
    assert "请报价 LED 面板灯 2000 个" in [c.value for c in ws[ws.max_row]]


def test_a_phone_without_digits_is_refused(inq, contract_workbook):
    before = sha256(contract_workbook)
    result = inq(
        "-w", contract_workbook, "add", "--name", "X", "--email", "x@fresh.com", "--phone", "abc"
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: invalid phone 'abc': expected a number like +971 50 123 4567\n"
    )
    assert sha256(contract_workbook) == before


def test_inquiry_takes_every_add_option_for_a_new_sender(inq, contract_workbook):
    result = inq(
        "-w", contract_workbook, "inquiry", "--email", "new@shop.pk", "--name", "Ali",
        "--nature", "Retailer", "--products", "LED-PL-60", "--notes", "met at Canton Fair",
        "-c", "email", "--dry-run",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Nature=Retailer" in result.stdout
    assert "Notes=met at Canton Fair" in result.stdout
