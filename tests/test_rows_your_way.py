"""Rows written the user's way (issue 14): every change of an existing row said, dates that
only move forward, IDs and serials that continue the user's own, log rows named the way
the sheet names its buyers, one row per inquiry."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

D = dt.date
T = dt.datetime


def cells(path: Path) -> dict[str, list[list]]:
    """Every sheet's cells as the independent reader (calamine) sees them."""
    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def changed(before: dict[str, list[list]], after: dict[str, list[list]]):
    """(sheet, Excel row, header, old, new) of every cell of a row that was there before."""
    out = []
    for sheet, rows in before.items():
        new_rows = after.get(sheet, [])
        header = rows[0] if rows else []
        for r, row in enumerate(rows):
            new = new_rows[r] if r < len(new_rows) else []
            width = max(len(row), len(new))
            for c in range(width):
                old_v = row[c] if c < len(row) else ""
                new_v = new[c] if c < len(new) else ""
                if old_v != new_v:
                    name = header[c] if c < len(header) and header[c] else f"column {c + 1}"
                    out.append((sheet, r + 1, name, old_v, new_v))
    return out


def assert_every_change_said(before, after, stdout: str) -> int:
    """Each changed cell of an existing row has its 'Changed SHEET row N (...), HEADER:'
    line; returns how many there were."""
    found = changed(before, after)
    lines = stdout.splitlines()
    headers = [c for c in found if c[1] == 1 and not c[3]]  # a column added: said as such
    for sheet, _row, _header, _old, new in headers:
        assert f"Added a {new} column to {sheet}" in lines, (sheet, new, stdout)
    found = [c for c in found if c not in headers]
    said = [line for line in lines if line.startswith("Changed ")]
    for sheet, row, header, _old, _new in found:
        pattern = re.compile(rf"^Changed {re.escape(sheet)} row {row}\b.*, {re.escape(header)}: ")
        assert any(pattern.match(line) for line in said), (sheet, row, header, stdout)
    assert len(said) == len(found), (found, said)
    return len(found)


def run_said(inq, path: Path, *args: str) -> str:
    before = cells(path)
    result = inq("-w", path, *args)
    assert result.exit_code == 0, result.output
    said = result.stdout + result.stderr  # (quote prints the quote, and the rest on stderr)
    assert_every_change_said(before, cells(path), said)
    return said


@pytest.fixture
def book(build):
    return build(
        buyers=[
            dict(buyer_id="B0001", name="Ahmed Ali", company="Gulf Lights LLC",
                 email="ahmed@gulflights.ae", country="United Arab Emirates", grade="B",
                 status="Open", products="LED-PL-60", last_contact=D(2026, 11, 20),
                 next_follow_up=D(2026, 11, 27)),
            dict(buyer_id="B0002", name="Maria Schmidt", company="Licht GmbH",
                 email="maria@licht.de", country="Germany", grade="C",
                 last_contact=T(2026, 11, 27, 9, 0), next_follow_up=D(2026, 11, 24)),
        ],
        inquiries=[
            dict(inquiry_id="I0001", received=T(2026, 11, 26, 9), channel="email",
                 buyer_id="B0001", product="LED-PL-60", status="Open"),
        ],
        products=[dict(model="LED-PL-60", name="Panel 40W", moq=100, price=10)],
        samples=[dict(date=D(2026, 11, 10), buyer_id="B0002", model="LED-PL-60",
                      kind="Physical", status="Sent")],
    )  # fmt: skip


# -- 6. say every change ----------------------------------------------------------------


def test_log_says_every_cell_it_changes_and_never_calls_today_past(inq, book):
    out = run_said(inq, book, "log", "ahmed@gulflights.ae", "-c", "email", "-s", "Sent price list")
    assert "Cleared today's Next follow-up date (2026-11-27): this contact follows it up" in out
    assert "past" not in out
    assert "Changed Buyers row 2 (B0001 Ahmed Ali), Next follow-up: 2026-11-27 -> (cleared)" in out
    assert "Changed Inquiries row 2 (I0001), Replied: (blank) -> 2026-11-27 10:00" in out
    later = run_said(inq, book, "log", "maria@licht.de", "-c", "tel", "-s", "Called")
    assert "Cleared the past Next follow-up date (2026-11-24)" in later


def test_last_contact_only_moves_forward(inq, book):
    """Maria's typed 09:00 today stands against a contact logged for 08:00, and against
    an inquiry received yesterday; every other change is said."""
    out = run_said(
        inq, book, "log", "maria@licht.de", "-c", "tel", "-s", "Early call", "--date", "2026-11-27 08:00"
    )  # fmt: skip
    assert "Last contact" not in out
    out = run_said(
        inq, book, "inquiry", "--buyer", "maria@licht.de", "-c", "email", "--product",
        "LED-HB-100", "--at", "2026-11-26 15:00",
    )  # fmt: skip
    assert "Last contact" not in out
    buyers = cells(book)["Buyers"]
    assert buyers[2][buyers[0].index("Last contact")] == T(2026, 11, 27, 9, 0)


AHMED = "Changed Buyers row 2 (B0001 Ahmed Ali)"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("inquiry", "--buyer", "ahmed@gulflights.ae", "-c", "email", "--product", "LED-HB-100"),
         f"{AHMED}, Products: LED-PL-60 -> LED-PL-60, LED-HB-100"),
        (("grade", "ahmed@gulflights.ae", "A", "--why", "big order"), f"{AHMED}, Grade: B -> A"),
        (("sample", "ahmed@gulflights.ae", "LED-PL-60", "--kind", "e-sample"),
         f"{AHMED}, Status: Open -> Sample sent"),
        (("quote", "-m", "LED-PL-60", "-q", "500", "--buyer", "ahmed@gulflights.ae"),
         "Changed Inquiries row 2 (I0001), Quote No: (blank) -> QT2026-0001"),
        (("sample", "maria@licht.de", "--feedback", "Good light"),
         "Changed Samples row 2 (B0002), Feedback: (blank) -> Good light"),
    ],
    ids=["inquiry", "grade", "sample", "quote", "feedback"],
)  # fmt: skip
def test_every_command_says_what_it_changes_in_existing_rows(inq, book, args, said):
    assert said in run_said(inq, book, *args).splitlines()


def test_many_changes_are_counted_and_the_dry_run_lists_them(inq, build):
    """Merging a buyer with twelve inquiries relinks twelve rows: too many to read after
    the write, so they are counted; --dry-run names each."""
    path = build(
        buyers=[
            dict(buyer_id="B0001", name="Ahmed Ali", email="ahmed@gulflights.ae"),
            dict(buyer_id="B0002", name="A. Ali", email="ahmed@gulflights.ae"),
        ],
        inquiries=[
            dict(inquiry_id=f"I{i:04d}", received=T(2026, 11, i), buyer_id="B0002")
            for i in range(1, 13)
        ],
    )
    dry = inq("-w", path, "merge", "B0001", "B0002", "--dry-run")
    assert dry.exit_code == 0, dry.output
    relinked = [line for line in dry.stdout.splitlines() if "Buyer ID: B0002 -> B0001" in line]
    assert len(relinked) == 12
    assert "  change Inquiries row 13 (I0012), Buyer ID: B0002 -> B0001" in relinked
    before = cells(path)
    done = inq("-w", path, "merge", "B0001", "B0002")
    assert done.exit_code == 0, done.output
    assert len(changed(before, cells(path))) == 13  # and B0002's Merged into
    assert done.stdout.splitlines()[-1] == (
        "Changed 13 cells of existing rows (Inquiries, Buyers): --dry-run shows them all"
    )


# -- 4. IDs and serials continue the user's pattern -------------------------------------


def save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


@pytest.fixture
def numbered(tmp_path) -> Path:
    """A tracker that numbers everything its own way: 序号 counts, Customer IDs C001..,
    inquiry numbers by year, a '#' on the contact log; a stray hand-typed ID."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Buyers"
    ws.append(["序号", "Customer ID", "Name", "Email", "Grade"])
    ws.append([1, "C001", "Ana Ruiz", "ana@luces.cl", "B"])
    ws.append([2, "C002", "Ben Ode", "ben@lagos-lamps.ng", "C"])
    ws.append([3, "VIP-7", "Cai Lun", "cai@paper.cn", "A"])  # typed by hand: not the pattern
    ws.append([4, "C004", "Dora Lee", "dora@lee.kr", "B"])
    inq = wb.create_sheet("Inquiries")
    inq.append(["No.", "Inquiry ID", "Received", "Customer ID", "Product", "Qty"])
    inq.append([1, "2026-016", T(2026, 11, 2), "C001", "LED-PL-60", 100])
    inq.append([2, "2026-017", T(2026, 11, 20), "C002", "LED-HB-100", 50])
    log = wb.create_sheet("Contacts")
    log.append(["#", "Date", "Customer ID", "Channel", "Summary"])
    log.append([7, T(2026, 11, 20), "C001", "email", "Sent catalog"])
    return save(wb, tmp_path / "numbered.xlsx")


def test_ids_and_serials_continue_the_users_pattern(inq, numbered):
    check = inq("-w", numbered, "check").stdout.splitlines()
    for sheet, serial in (("Buyers", "序号"), ("Inquiries", "No."), ("Contacts", "#")):
        assert f"{sheet} serial numbers, counted on in each row inq adds: {serial}" in check
    out = run_said(inq, numbered, "add", "--name", "Eva Novak", "--email", "eva@novak.cz")
    assert out.splitlines()[0] == "Added buyer C005: Eva Novak"
    out = run_said(
        inq, numbered, "inquiry", "--buyer", "eva@novak.cz", "-c", "email", "-p", "LED-T8-18",
        "--qty", "300",
    )  # fmt: skip
    assert "Recorded inquiry 2026-018 from C005 Eva Novak about LED-T8-18" in out
    run_said(inq, numbered, "log", "ana@luces.cl", "-c", "tel", "-s", "Called")
    sheets = cells(numbered)
    assert sheets["Buyers"][-1] == [5, "C005", "Eva Novak", "eva@novak.cz", ""]
    assert sheets["Inquiries"][-1][:4] == [3, "2026-018", T(2026, 11, 27, 10), "C005"]
    assert sheets["Contacts"][-1][:3] == [8, T(2026, 11, 27, 10), "C001"]


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (["KH-0098", "KH-0099"], "KH-0100"),
        (["客户001", "客户002"], "客户003"),
        ([1, 2, 3], "4"),  # 编号 as a plain count: a number, as theirs are
        ([], "B0001"),
    ],
)
def test_a_chinese_trackers_ids_continue(inq, tmp_path, ids, expected):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户列表"
    ws.append(["客户编号", "姓名", "邮箱"])
    for i, ident in enumerate(ids):
        ws.append([ident, f"客户 {i}", f"c{i}@x{i}.cn"])
    if not ids:
        ws.append([None, "王芳", "wang@fang.cn"])  # rows, but no ID yet: inq's own
    path = save(wb, tmp_path / "cn.xlsx")
    out = run_said(inq, path, "add", "--name", "Li Na", "--email", "li@na.cn")
    assert out.splitlines()[0] == f"Added buyer {expected}: Li Na"
    assert cells(path)["客户列表"][-1][0] == (4 if ids == [1, 2, 3] else expected)


def test_quote_numbers_continue_the_users_own(inq, build):
    path = build(
        buyers=[dict(buyer_id="B0001", name="Ahmed Ali", email="ahmed@gulflights.ae")],
        products=[dict(model="LED-PL-60", name="Panel 40W", moq=100, price=10)],
        quotes=[dict(quote_no="Q-2026-017", date=D(2026, 11, 2), buyer_id="B0001",
                     model="LED-PL-60", quantity=100, unit_price=10)],
    )  # fmt: skip
    out = run_said(inq, path, "quote", "-m", "LED-PL-60", "-q", "500", "-b", "B0001")
    assert "Q-2026-018" in out
    assert cells(path)["Quotes"][-1][0] == "Q-2026-018"


# -- 2. the user's log sheets -----------------------------------------------------------


@pytest.fixture
def client_logs(tmp_path) -> Path:
    """Logs that name the client (no email, no ID): Omar's rows by his company, the others
    by name; replies ticked off, mostly with Y."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customers"
    ws.append(["Customer name", "Company", "E-mail address", "Country", "Level", "Last follow up"])
    ws.append(["Sara Lind", "Nordic Glow AB", "sara@nordicglow.se", "Sweden", "A", D(2026, 11, 24)])
    ws.append(
        ["Omar Farouk", "Delta Lamps Co", "omar@deltalamps.eg", "Egypt", "B", D(2026, 11, 23)]
    )
    ws.append(
        ["Mei Tan", "Lion City Lighting", "mei@lioncity.sg", "Singapore", "C", D(2026, 11, 1)]
    )
    log = wb.create_sheet("Inquiry log")
    log.append(["Date", "Customer", "Item", "Qty", "Answered?"])
    log.append([T(2026, 11, 20, 9, 0), "Sara Lind", "LED-HB-150", 200, "Y"])
    log.append([T(2026, 11, 21, 17, 0), "Delta Lamps Co", "LED-PL-60", 500, "Y"])
    log.append([T(2026, 11, 26, 8, 0), "Mei Tan", "LED-T8-18", 1000, "✓"])
    log.append([T(2026, 11, 26, 9, 0), "Mei Tan", "LED-FL-200", 50, "N"])
    notes = wb.create_sheet("Follow-ups")
    notes.append(["Date", "Client", "Via", "Notes"])
    notes.append([T(2026, 11, 22, 10, 0), "Delta Lamps Co", "tel", "Asked for the price list"])
    return save(wb, tmp_path / "client logs.xlsx")


def log_rows(path: Path, sheet: str) -> list[list]:
    return cells(path)[sheet][1:]


def test_a_new_inquiry_names_the_client_the_way_the_log_does(inq, client_logs):
    before = cells(client_logs)
    out = run_said(
        inq, client_logs, "inquiry", "-b", "omar@deltalamps.eg", "-c", "email", "-p",
        "LED-SL-100", "--qty", "80",
    )  # fmt: skip
    assert "Email" not in out  # named by company: no column is missing for that
    run_said(inq, client_logs, "inquiry", "-b", "sara@nordicglow.se", "-c", "tel", "-p", "LED-X")
    rows = log_rows(client_logs, "Inquiry log")
    assert rows[:4] == before["Inquiry log"][1:]  # no other row changed
    assert rows[4][:4] == [T(2026, 11, 27, 10), "Delta Lamps Co", "LED-SL-100", 80]
    assert rows[5][1] == "Sara Lind"
    lookup = inq("-w", client_logs, "lookup", "omar@deltalamps.eg", "--json")
    assert "LED-SL-100" in lookup.stdout  # linked: the row names him


def test_a_reply_is_ticked_in_the_sheets_own_word_and_the_contact_names_the_client(
    inq, client_logs
):
    out = run_said(inq, client_logs, "log", "mei@lioncity.sg", "-c", "email", "-s", "Quoted")
    assert "Changed Inquiry log row 5 (Mei Tan), Answered?: N -> Y" in out  # Y: most used
    assert "Inquiry log row 4" not in out  # ticked already
    rows = log_rows(client_logs, "Inquiry log")
    assert [r[4] for r in rows] == ["Y", "Y", "✓", "Y"]
    run_said(inq, client_logs, "log", "omar@deltalamps.eg", "-c", "tel", "-s", "Called back")
    assert log_rows(client_logs, "Follow-ups")[-1][:3] == [
        T(2026, 11, 27, 10),
        "Delta Lamps Co",
        "tel",
    ]


# -- 3. one row per inquiry -------------------------------------------------------------


@pytest.fixture
def inquiry_rows(tmp_path) -> Path:
    """Every inquiry a row, the buyer repeated on each, a 序号 counting them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "询盘 2026"
    ws.append(["序号", "Inquiry date", "Contact", "Company", "Email", "Country", "Item", "Qty",
               "Level", "Notes", "Next follow-up"])  # fmt: skip
    rows = [
        (1, D(2026, 8, 4), "Kofi Mensah", "Accra Power Ltd", "kofi@accrapower.gh", "Ghana",
         "LED-SL-100", 40, "D", "first contact", D(2026, 9, 1)),
        (2, D(2026, 9, 12), "Jana Horak", "Praha Svetla s.r.o.", "jana@prahasvetla.cz",
         "Czechia", "LED-PL-60", 300, "B", "", D(2026, 11, 30)),
        (3, D(2026, 11, 18), "Kofi Mensah", "Accra Power Ltd", "kofi@accrapower.gh", "Ghana",
         "LED-HB-150", 600, "A", "price talks", D(2026, 11, 25)),
        (4, D(2026, 11, 3), "Jana Horak", "Praha Svetla s.r.o.", "jana@prahasvetla.cz",
         "Czechia", "LED-T8-18", 2000, None, "", None),
    ]  # fmt: skip
    for r in rows:
        ws.append(list(r))
    return save(wb, tmp_path / "inquiries 2026.xlsx")


def test_an_inquiry_is_a_new_row_of_the_users_sheet(inq, inquiry_rows):
    before = cells(inquiry_rows)
    out = run_said(
        inq, inquiry_rows, "inquiry", "-b", "kofi@accrapower.gh", "-c", "email", "-p",
        "LED-FL-200", "--qty", "120", "-m", "Need 120 floodlights",
    )  # fmt: skip
    assert "Changed" not in out  # no row that was there is touched
    out = run_said(
        inq, inquiry_rows, "inquiry", "--name", "Lee Min-jun", "--company", "Seoul Bright Co",
        "--email", "lee@seoulbright.kr", "--country", "Korea", "-c", "alibaba", "-p",
        "LED-PL-60", "--qty", "100",
    )  # fmt: skip
    assert "Added buyer lee@seoulbright.kr: Lee Min-jun (Seoul Bright Co)" in out
    after = cells(inquiry_rows)
    assert list(after) == ["询盘 2026"]  # no Inquiries sheet added
    rows = after["询盘 2026"]
    assert rows[:5] == before["询盘 2026"]
    assert rows[5] == [5, T(2026, 11, 27, 10), "Kofi Mensah", "Accra Power Ltd",
                       "kofi@accrapower.gh", "Ghana", "LED-FL-200", 120, "A", "", D(2026, 11, 25)]  # fmt: skip
    assert rows[6][:9] == [6, T(2026, 11, 27, 10), "Lee Min-jun", "Seoul Bright Co",
                           "lee@seoulbright.kr", "Korea", "LED-PL-60", 100, ""]  # fmt: skip
    assert len(rows) == 7
    stats = inq("-w", inquiry_rows, "stats", "--json")
    assert json.loads(stats.stdout)["buyers"]["total"] == 3  # Kofi still one buyer, Lee a new one


def test_log_and_grade_update_the_latest_row_only(inq, inquiry_rows):
    out = run_said(inq, inquiry_rows, "log", "kofi@accrapower.gh", "-c", "tel", "-s", "Called")
    assert "Cleared the past Next follow-up date (2026-11-25)" in out
    assert "one row per inquiry, so contacts go on a Contacts sheet of their own" in out
    run_said(inq, inquiry_rows, "grade", "jana@prahasvetla.cz", "A", "--why", "big order")
    rows = cells(inquiry_rows)["询盘 2026"]
    assert rows[3][9:] == ["price talks; 2026-11-27 tel: Called", ""]  # Kofi's latest row
    assert rows[1][9:] == ["first contact", D(2026, 9, 1)]  # his history, untouched
    assert rows[4][8] == "A" and rows[2][8] == "B"  # Jana's latest row; her earlier one kept
    second = run_said(inq, inquiry_rows, "log", "kofi@accrapower.gh", "-c", "email", "-s", "Mail")
    assert "Next follow-up" not in second  # his latest row has none now (the earlier's stays)


def test_add_on_one_row_per_inquiry_is_a_new_row_with_the_buyers_columns(inq, inquiry_rows):
    run_said(inq, inquiry_rows, "add", "--name", "Eva Novak", "--email", "eva@novak.cz")
    rows = cells(inquiry_rows)["询盘 2026"]
    assert rows[-1][:5] == [5, "", "Eva Novak", "", "eva@novak.cz"]


def test_intake_on_one_row_per_inquiry_writes_one_row_per_message(inq, inquiry_rows, tmp_path):
    import intake_mail as mail

    folder = tmp_path / "in"
    folder.mkdir()
    for name, sender, text in (
        ("1.eml", "Kofi Mensah <kofi@accrapower.gh>", "Please quote 300 pcs floodlights."),
        ("2.eml", "Omar Khalid <omar.k@gulflights.ae>", "Please quote 50 pcs floodlights."),
        ("3.eml", "Omar Khalid <omar.k@gulflights.ae>", "And 20 pcs high bays."),
    ):
        headers = [("From", sender), ("Subject", "Inquiry"), ("Message-ID", f"<{name}@x>"),
                   ("Date", "Thu, 26 Nov 2026 08:00:00 +0000")]  # fmt: skip
        (folder / name).write_bytes(mail.single(headers, f"Dear Sir,\n{text}\n\nBest regards\n"))
    before = cells(inquiry_rows)["询盘 2026"]
    dry = inq("-w", inquiry_rows, "intake", folder, "--dry-run", "--json")
    assert json.loads(dry.stdout)["changed"] == []  # no row that was there changes
    out = run_said(inq, inquiry_rows, "intake", folder)
    assert "Recorded 3 inquiries (1 new buyer) and 0 contacts." in out
    rows = cells(inquiry_rows)["询盘 2026"]
    assert [r[:11] for r in rows[:5]] == before
    assert [(r[0], r[2], r[4], r[7]) for r in rows[5:]] == [
        (5, "Kofi Mensah", "kofi@accrapower.gh", 300),
        (6, "Omar Khalid", "omar.k@gulflights.ae", 50),
        (7, "Omar Khalid", "omar.k@gulflights.ae", 20),
    ]


def test_sample_ids_continue_too(inq, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Buyers"
    ws.append(["Buyer ID", "Name", "Email"])
    ws.append(["B0001", "Ahmed Ali", "ahmed@gulflights.ae"])
    samples = wb.create_sheet("Samples")
    samples.append(["样品编号", "Date", "Buyer ID", "Model", "Kind", "Status"])
    samples.append(["YP-0012", D(2026, 11, 2), "B0001", "LED-PL-60", "Physical", "Sent"])
    products = wb.create_sheet("Products")
    products.append(["Model", "Name"])
    products.append(["LED-PL-60", "Panel 40W"])
    path = save(wb, tmp_path / "samples.xlsx")
    run_said(inq, path, "sample", "B0001", "LED-PL-60", "--kind", "e")
    assert cells(path)["Samples"][-1][:4] == ["YP-0013", D(2026, 11, 27), "B0001", "LED-PL-60"]


@pytest.mark.parametrize(
    ("replies", "written"),
    [
        (["否", "否"], "是"),  # only no-words yet: their yes
        (["No", "Yes", "Yes"], "Yes"),
        ([T(2026, 11, 20, 12), "✓"], T(2026, 11, 27, 10)),  # dates: the time
    ],
)
def test_the_replied_column_gets_its_own_word(inq, tmp_path, replies, written):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Buyers"
    ws.append(["Name", "Email"])
    ws.append(["Ana Ruiz", "ana@luces.cl"])
    log = wb.create_sheet("Inquiries")
    log.append(["Received", "Email", "Product", "Replied"])
    for i, said in enumerate(replies):
        log.append([T(2026, 11, 1 + i), "other@x.com", "LED", said])
    log.append([T(2026, 11, 26), "ana@luces.cl", "LED-PL-60", None])
    path = save(wb, tmp_path / "replies.xlsx")
    run_said(inq, path, "log", "ana@luces.cl", "-c", "email", "-s", "Quoted")
    rows = cells(path)["Inquiries"]
    assert rows[-1][3] == written
    assert [r[3] for r in rows[1:-1]] == replies


def test_a_dry_run_merge_still_shows_the_column_it_adds(inq, build):
    path = build(buyers=[dict(buyer_id="B0001", name="Ahmed Ali", email="ahmed@gulflights.ae"),
                         dict(buyer_id="B0002", name="A. Ali", email="ahmed@gulflights.ae")])  # fmt: skip
    wb = openpyxl.load_workbook(path)  # a Buyers sheet without inq's Merged into column
    wb["Buyers"].delete_cols(wb["Buyers"][1][-1].column)
    wb.save(path)
    dry = inq("-w", path, "merge", "B0001", "B0002", "--dry-run")
    assert dry.exit_code == 0, dry.output
    lines = dry.stdout.splitlines()
    assert any(line.endswith(", Merged into: set to Merged into") for line in lines), lines
    assert any("Merged into: (blank) -> B0001" in line for line in lines), lines
