"""One buyer's rows read from the raw XML: the same history as a whole read, on awkward files."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
import xlsxwriter

from inquiry_cli.domain import model
from inquiry_cli.domain.linking import buyer_keys
from inquiry_cli.errors import ConcurrentChange
from inquiry_cli.workbook import read
from inquiry_cli.workbook.mentions import add_rows_mentioning

SAMPLE = Path(__file__).parent.parent / "sample_workbook.xlsx"
HISTORY = {
    "inquiries": model.Inquiry,
    "contacts": model.Contact,
    "quotes": model.Quote,
    "samples": model.Sample,
}


def assert_same_histories(path: Path, whole_reads: set[str] = frozenset()) -> int:
    """For every buyer: the rows linked to them are the same, read whole or by mention.

    Sheets in `whole_reads` are expected to fall back to a whole read; others are partial.
    """
    full = read.load(path, ("buyers", *HISTORY))
    buyers = model.load(full.table("buyers"), model.Buyer)
    assert buyers
    linked = 0
    for buyer in buyers:
        part = read.Workbook(
            path, full.sheet_names, {"buyers": full.table("buyers")}, [], full.stamp
        )
        add_rows_mentioning(part, HISTORY, buyer_keys(buyer))
        for key, cls in HISTORY.items():
            whole, some = full.get(key), part.get(key)
            assert (whole is None) == (some is None), key
            if whole is None:
                continue
            assert some.partial is (key not in whole_reads), key
            want = model.load(whole, cls, model.rows_of(whole, buyer))
            got = model.load(some, cls, model.rows_of(some, buyer))
            assert got == want, (buyer.key, key)
            linked += len(want)
    return linked


def test_every_buyer_of_the_sample(tmp_path):
    assert assert_same_histories(SAMPLE) > 100


def awkward(path: Path, *, constant_memory: bool = False, ids: bool = True) -> Path:
    """Mixed-case emails, a title row, rich text splitting an email, numbers as IDs,
    strings inline (constant_memory) or shared, dates as dates and as text."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory})
    bold = wb.add_format({"bold": True})
    date = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    buyers = wb.add_worksheet("Buyers")
    buyers.write_row(
        0, 0, ["Buyer ID", "Name", "Company", "Email"] if ids else ["Name", "Company", "Email"]
    )
    people = [
        (1001, "Anna", "Lichtwerk GmbH", "Anna.Schmidt@Lichtwerk.de"),
        ("B0002", "Li Na", "光明照明", "lina@guangming.cn"),
        ("B0003", "Omar", "Gulf LLC", "omar@gulf.ae"),
        ("B0004", "Bo", "Bo & Co <Ltd>", "bo@bo.co"),
    ]
    for r, row in enumerate(people, start=1):
        buyers.write_row(r, 0, row if ids else row[1:])
    inq = wb.add_worksheet("Inquiries")
    inq.merge_range("A1:F1", "询盘 2026")
    head = ["Inquiry ID", "Buyer ID", "Email", "Received", "Product", "Replied"]
    inq.write_row(1, 0, head if ids else [h for h in head if h != "Buyer ID"])
    rows = [
        ("I0001", 1001, "anna.schmidt@lichtwerk.de", dt.datetime(2026, 11, 2, 9), "LED", None),
        ("I0002", "B0002", "LINA@GUANGMING.CN", dt.datetime(2026, 11, 3, 9), "灯", None),
        ("I0003", "B0003", "omar@gulf.ae", "2026-11-04 10:00", "Panel", "2026-11-04 12:00"),
        ("I0004", "B0004", "bo@bo.co", dt.datetime(2026, 11, 5, 9), "Bo & Co", None),
        ("I0005", 1001, "", dt.datetime(2026, 11, 6, 9), "omar@gulf.ae in text", None),
    ]
    # Other buyers' rows first: the top 15 rows are always read (a header may sit there),
    # so the rows under test must lie below them.
    filler = [
        (f"I9{i:03d}", "B0009", "other@else.com", dt.datetime(2026, 10, 1), "x", None)
        for i in range(20)
    ]
    rows = filler + rows
    for r, row in enumerate(rows, start=2):
        values = row if ids else row[:1] + row[2:]
        for c, v in enumerate(values):
            if isinstance(v, dt.datetime):
                inq.write_datetime(r, c, v, date)
            elif v is not None:
                inq.write(r, c, v)
    # An email split over two rich-text runs (Excel does this when half of it is bold).
    email_col = 2 if ids else 1
    last = len(rows) + 2
    inq.write_rich_string(last, email_col, "omar@", bold, "gulf.ae")
    inq.write(last, 0, "I0006")
    if ids:
        inq.write(last, 1, "B0003")
    contacts = wb.add_worksheet("Contacts")
    contacts.write_row(0, 0, ["Date", "Buyer ID", "Email", "Channel", "Summary"])
    for r in range(1, 300):
        who = people[r % 4]
        contacts.write_datetime(r, 0, dt.datetime(2026, 1, 1) + dt.timedelta(hours=r), date)
        contacts.write(r, 1, who[0] if ids else "")
        contacts.write(r, 2, who[3].upper() if r % 3 else who[3])
        contacts.write(r, 3, "email")
        contacts.write(r, 4, f"note {r}")
    wb.close()
    return path


@pytest.mark.parametrize("constant_memory", [False, True], ids=["shared", "inline"])
def test_awkward_workbooks(tmp_path, constant_memory):
    path = awkward(tmp_path / "a.xlsx", constant_memory=constant_memory)
    # Rich text in the shared strings is decoded; inline rich text means a whole read.
    whole = {"inquiries"} if constant_memory else set()
    assert assert_same_histories(path, whole) > 300


def test_a_workbook_without_buyer_ids(tmp_path):
    assert assert_same_histories(awkward(tmp_path / "a.xlsx", ids=False)) > 300


def test_inq_s_own_inline_rows_are_found(inq, tmp_path):
    """Rows inq appended (inline strings) are found next to Excel's (shared strings)."""
    path = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, path)
    result = inq("-w", path, "log", "info@horizondistribution.fr", "-c", "tel", "-s", "Called")
    assert result.exit_code == 0, result.output
    result = inq(
        "-w", path, "inquiry", "--buyer", "info@horizondistribution.fr", "--channel", "email"
    )
    assert result.exit_code == 0, result.output
    assert assert_same_histories(path) > 100


def test_character_references_mean_a_whole_read(tmp_path):
    """`&#...;` could spell a needle's letters: the search cannot vouch, so it reads whole."""
    import zipfile

    src = awkward(tmp_path / "a.xlsx")
    dst = tmp_path / "refs.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace(b"lina@guangming.cn", b"lin&#97;@guangming.cn")
            zout.writestr(info, data)
    assert assert_same_histories(dst, set(HISTORY)) > 300


def test_a_needle_with_xml_characters_means_a_whole_read(tmp_path):
    path = awkward(tmp_path / "a.xlsx")
    book = read.load(path, ("buyers",))
    add_rows_mentioning(book, ("inquiries",), ["Bo & Co"])
    assert book.table("inquiries").partial is False


def test_a_file_saved_in_between_is_refused(tmp_path):
    path = awkward(tmp_path / "a.xlsx")
    book = read.load(path, ("buyers",))
    other = awkward(tmp_path / "b.xlsx", ids=False)
    os.replace(other, path)
    with pytest.raises(ConcurrentChange, match="changed on disk while inq was reading it"):
        add_rows_mentioning(book, ("inquiries",), ["omar@gulf.ae"])


def test_a_missing_sheet_is_listed(tmp_path):
    path = awkward(tmp_path / "a.xlsx")
    book = read.load(path, ("buyers",))
    add_rows_mentioning(book, ("quotes", "inquiries"), ["omar@gulf.ae"])
    assert "quotes" in book.missing_sheets
    assert book.table("inquiries").partial


def test_one_buyer_reads_resolve_as_the_whole_sheet(tmp_path):
    """buyer_reads.load_for names the buyer resolve_buyer names on the whole sheet, and
    reads their inquiries; for anything else it leaves resolving to the caller."""
    from inquiry_cli.buyer_reads import load_for
    from inquiry_cli.domain.recording import resolve_buyer

    for path in (SAMPLE, awkward(tmp_path / "a.xlsx"), awkward(tmp_path / "b.xlsx", ids=False)):
        full = read.load(path, ("buyers", "inquiries"))
        for buyer in model.load(full.table("buyers"), model.Buyer):
            if not buyer.email:
                continue
            book, found = load_for(path, buyer.email.upper(), ("inquiries",), ("contacts",))
            assert found is not None and found.row == buyer.row, buyer.email
            assert resolve_buyer(full.table("buyers"), buyer.email).buyer.row == found.row
            assert book.table("buyers").partial and book.table("inquiries").partial
            assert "contacts" in book.tables
            want = model.load(
                full.get("inquiries"), model.Inquiry, model.rows_of(full.get("inquiries"), found)
            )
            got = model.load(
                book.get("inquiries"), model.Inquiry, model.rows_of(book.get("inquiries"), found)
            )
            assert got == want


@pytest.mark.parametrize(
    "who", ["Anna <anna.schmidt@lichtwerk.de>", "+49 30 1234", "Lichtwerk GmbH", "nobody@x.de"]
)
def test_one_buyer_reads_leave_other_queries_to_the_whole_sheet(tmp_path, who):
    from inquiry_cli.buyer_reads import load_for

    book, found = load_for(awkward(tmp_path / "a.xlsx"), who, ("inquiries",), ())
    assert found is None
    assert not book.table("buyers").partial
    assert "inquiries" not in book.tables


def test_two_buyers_with_one_email_are_still_refused(inq, tmp_path):
    """A duplicate email (a data problem) must give the whole sheet's error, not a pick."""
    path = awkward(tmp_path / "a.xlsx")
    assert (
        inq("-w", path, "add", "--name", "Omar 2", "--email", "omar@gulf.ae", "--force").exit_code
        == 0
    )
    result = inq("-w", path, "log", "omar@gulf.ae", "-c", "tel", "-s", "Called")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 'omar@gulf.ae' matches 2 buyers (B0003 Omar")
