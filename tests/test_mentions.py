"""One buyer's rows read from the raw XML: the same history as a whole read, on awkward files."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest
import xlsxwriter
from conftest import sheets_workbook

from inquiry_cli.contract.records import Workbook
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


def assert_same_histories(path: Path, whole_reads: set[str] = frozenset(), every: int = 1) -> int:
    """For every buyer (or every `every`th, first and last always): the rows linked to
    them are the same, read whole or by mention.

    Sheets in `whole_reads` are expected to fall back to a whole read; others are partial.
    """
    full = read.load(path, ("buyers", *HISTORY))
    buyers = model.load(full.table("buyers"), model.Buyer)
    assert buyers
    buyers = [b for i, b in enumerate(buyers) if i % every == 0 or i == len(buyers) - 1]
    linked = 0
    for buyer in buyers:
        part = Workbook(path, full.sheet_names, {"buyers": full.table("buyers")}, [], full.stamp)
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
    assert assert_same_histories(SAMPLE, every=2) > 300


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


@pytest.mark.parametrize(
    "piece,window,sample", [(64, 5, False), (700, 31, True), (5000, 4096, False)]
)
def test_searched_a_few_rows_at_a_time(tmp_path, monkeypatch, piece, window, sample):
    """The sheets are searched in pieces of whole rows, lower-cased a window at a time:
    cuts anywhere (inside a row, an email, a tag) find every row a whole search finds."""
    from inquiry_cli.workbook import mentions

    monkeypatch.setattr(mentions, "_PIECE", piece)
    monkeypatch.setattr(mentions, "_WINDOW", window)
    assert assert_same_histories(awkward(tmp_path / "a.xlsx")) > 300
    if sample:
        assert assert_same_histories(SAMPLE, every=9) > 50


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
    assert assert_same_histories(path, every=5) > 140


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
    from inquiry_cli.cli.buyer_reads import load_for
    from inquiry_cli.domain.recording import resolve_buyer

    for path in (SAMPLE, awkward(tmp_path / "a.xlsx"), awkward(tmp_path / "b.xlsx", ids=False)):
        full = read.load(path, ("buyers", "inquiries"))
        everyone = model.load(full.table("buyers"), model.Buyer)
        for buyer in everyone[::3] if path == SAMPLE else everyone:  # (a third of 73)
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
    from inquiry_cli.cli.buyer_reads import load_for

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


# -- found by a review: each of these once went wrong ------------------------------------


def edit_part(path: Path, part: str, change) -> Path:
    """Rewrite one part of the zip with change(bytes) -> bytes (and rename it, if a tuple)."""
    import zipfile

    out = path.with_name("edited-" + path.name)
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data, name = zin.read(info), info.filename
            if name == part:
                data = change(data)
                if isinstance(data, tuple):
                    name, data = data
            zout.writestr(name, data)
    return out


def small(path: Path) -> Path:
    """Anna (B0042) with one inquiry below 20 rows of someone else's."""
    wb = xlsxwriter.Workbook(str(path))
    b = wb.add_worksheet("Buyers")
    b.write_row(0, 0, ["Buyer ID", "Name", "Company", "Email"])
    b.write_row(1, 0, ["B0042", "Anna", "Lichtwerk", "anna@lichtwerk.de"])
    i = wb.add_worksheet("Inquiries")
    i.write_row(0, 0, ["Inquiry ID", "Buyer ID", "Email", "Received", "Product"])
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r in range(1, 21):
        i.write_row(r, 0, [f"I9{r:03d}", "B9999", "o@x.com", None, "x"])
    i.write_row(21, 0, ["I0001", "B0042", "anna@lichtwerk.de"])
    i.write_datetime(21, 3, dt.datetime(2026, 11, 2), date)
    wb.close()
    return path


SST = "xl/sharedStrings.xml"


def hide(sst: bytes, form: bytes, ref: bool = False) -> bytes:
    """Anna's ID and email each written in `form`, split after three characters."""
    for value in (b"B0042", b"anna@lichtwerk.de"):
        head, tail = value[:3], value[3:]
        if ref:  # the first character of the tail as a reference: &#48; for '0'
            tail = b"%d;" % tail[0] + tail[1:]
        sst = sst.replace(b"<t>%s</t>" % value, form % (head, tail))
    return sst


@pytest.mark.parametrize(
    ("part", "change"),
    [
        (SST, lambda x: hide(x, b"<t>%s<!-- -->%s</t>")),
        (SST, lambda x: hide(x, b"<t>%s<![CDATA[%s]]></t>")),
        (SST, lambda x: hide(x, b"<t>%s<?x y?>%s</t>")),
        (SST, lambda x: hide(x, b"<t>%s</t><t>%s</t>")),
        (SST, lambda x: hide(x, b"<r\n><t>%s</t></r\n><r\n><t>%s</t></r\n>")),
        (SST, lambda x: hide(x, b"<t>%s&#%s</t>", ref=True)),
        (SST, lambda x: ("xl/SharedStrings.xml", x)),
        (
            "xl/workbook.xml",
            lambda x: re.sub(rb"<workbookPr[^>]*/>", b"<workbookPr date1904='1'/>", x),
        ),
    ],
    ids=[
        "comment",
        "cdata",
        "pi",
        "two-t",
        "rich-newline",
        "char-ref",
        "capital-S",
        "date1904-quote",
    ],
)
def test_odd_but_legal_xml_reads_the_same(tmp_path, part, change):
    path = edit_part(small(tmp_path / "a.xlsx"), part, change)
    full = read.load(path, ("buyers", "inquiries"))
    anna = model.load(full.table("buyers"), model.Buyer)[0]
    part_book = Workbook(path, full.sheet_names, {"buyers": full.table("buyers")}, [], full.stamp)
    add_rows_mentioning(part_book, ("inquiries",), buyer_keys(anna))
    whole, some = full.table("inquiries"), part_book.table("inquiries")
    want = model.load(whole, model.Inquiry, model.rows_of(whole, anna))
    assert want and want[0].inquiry_id == "I0001"
    assert model.load(some, model.Inquiry, model.rows_of(some, anna)) == want


def test_a_long_numeric_buyer_id_means_a_whole_read(tmp_path):
    """Excel keeps 17 digits as 1.2345678901234568e+16: the digits are not in the file."""
    wb = xlsxwriter.Workbook(str(tmp_path / "n.xlsx"))
    b = wb.add_worksheet("Buyers")
    b.write_row(0, 0, ["Buyer ID", "Name", "Email"])
    b.write_row(1, 0, [12345678901234567, "Anna", "anna@x.de"])
    i = wb.add_worksheet("Inquiries")
    i.write_row(0, 0, ["Inquiry ID", "Buyer ID", "Product"])
    for r in range(1, 21):
        i.write_row(r, 0, [f"I9{r:03d}", 1, "x"])
    i.write_row(21, 0, ["I0001", 12345678901234567, "LED"])
    wb.close()
    assert assert_same_histories(tmp_path / "n.xlsx", {"inquiries"}) == 1


def test_log_by_email_on_a_new_workbook(inq, tmp_path):
    """A Contacts sheet with a header and no rows yet is a sheet to append to."""
    path = tmp_path / "new.xlsx"
    assert inq("init", path).exit_code == 0
    assert (
        inq(
            "-w",
            path,
            "add",
            "--name",
            "Anna",
            "--company",
            "Lichtwerk",
            "--email",
            "anna@lichtwerk.de",
        ).exit_code
        == 0
    )
    result = inq("-w", path, "log", "anna@lichtwerk.de", "-c", "tel", "-s", "First call")
    assert result.exit_code == 0, result.output
    assert "Logged out tel contact with B0001 Anna (Lichtwerk)" in result.stdout


def test_an_inquiries_sheet_is_never_taken_for_the_buyer_list(inq, tmp_path):
    """The buyer list named 'Leads' is found by its header; Inquiries, first, has Email
    and Company columns too but is named as another sheet of the contract."""
    path = sheets_workbook(
        tmp_path / "leads.xlsx",
        {
            "Inquiries": [
                ["Inquiry ID", "Buyer ID", "Email", "Company", "Product"],
                ["I0001", "B0001", "anna@lichtwerk.de", "Lichtwerk", "LED"],
            ],
            "Leads": [
                ["Buyer ID", "Name", "Company", "Email", "Grade"],
                ["B0001", "Anna Schmidt", "Lichtwerk GmbH", "anna@lichtwerk.de", "A"],
            ],
        },
    )
    result = inq("-w", path, "lookup", "anna@lichtwerk.de")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Anna Schmidt — Lichtwerk GmbH  [B0001 · grade A]")


def test_an_email_typed_with_full_width_at_counts_as_the_same(inq, tmp_path):
    """A Chinese input method types '＠'; inq reads it as '@', so two buyers share the
    address and log must refuse, as the whole sheet does, not pick one."""
    import openpyxl

    for writer in ("openpyxl", "xlsxwriter"):
        path = tmp_path / f"{writer}.xlsx"
        rows = [["Buyer ID", "Name", "Email"]]
        rows += [[f"B9{i:03d}", f"Other {i}", f"x{i}@firm{i}.com"] for i in range(20)]
        rows += [
            ["B0101", "Anna", "anna\uff20lichtwerk.de"],
            ["B0102", "Anna S.", "anna@lichtwerk.de"],
        ]
        if writer == "openpyxl":  # inline strings, '＠' written as &#65312;
            wb = openpyxl.Workbook()
            wb.active.title = "Buyers"
            for row in rows:
                wb.active.append(row)
            wb.save(path)
        else:
            wb = xlsxwriter.Workbook(str(path))
            ws = wb.add_worksheet("Buyers")
            for r, row in enumerate(rows):
                ws.write_row(r, 0, row)
            wb.close()
        result = inq("-w", path, "log", "anna@lichtwerk.de", "-c", "tel", "-s", "x", "--dry-run")
        assert result.exit_code == 1, (writer, result.output)
        assert "matches 2 buyers" in result.stderr
