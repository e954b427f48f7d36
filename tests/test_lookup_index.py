"""The lookup index: a repeat `inq lookup` on an unchanged workbook answers from the cache
folder, exactly as from the workbook; any change to the file, any damage to the index,
and the workbook is read again."""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from conftest import unguessable_workbook
from ods_helpers import hand_made_ods, table_xml
from openpyxl.worksheet.table import Table

from inquiry_cli.workbook import index

D = dt.date


@pytest.fixture(autouse=True)
def _indexed(monkeypatch):
    monkeypatch.setenv("INQ_INDEX", "inline")  # built in the lookup's own run, after it


@pytest.fixture
def no_reader(monkeypatch):
    """Make any read of the workbook fail: what answers then is the index."""
    from inquiry_cli.workbook import mentions, read

    def refuse(*_args, **_kwargs):
        raise AssertionError("the workbook was read")

    def off():
        monkeypatch.setattr(read, "load", refuse)
        monkeypatch.setattr(mentions, "load", refuse)

    return off


def index_of(path: Path) -> Path:
    return index.index_file(Path(os.environ["INQ_CACHE"]), path)


def lookup(inq, path: Path, query: str, as_json: bool = True) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `inq lookup QUERY [--json]`; stderr without the
    notice of a blind job, said once per workbook (cli/notices.py)."""
    result = inq("-w", path, "lookup", query, *(["--json"] if as_json else []))
    assert "Traceback" not in result.stderr
    said = [line for line in result.stderr.splitlines() if "for the fix" not in line]
    return result.exit_code, result.stdout, "\n".join(said)


def merged_buyers(tmp_path: Path) -> Path:
    """Buyers with a row merged into another (its old email and phone lead to the kept
    one), a CJK name, a number with its trunk in brackets; a contact log by Buyer ID."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Buyers"
    ws.append(["Buyer ID", "Name", "Company", "Email", "Phone", "Country", "Grade",
               "Merged into"])  # fmt: skip
    ws.append(["B0001", "Jonas Weber", "Weber Licht GmbH", "jonas@weberlicht.de",
               "+49 (0)89 1234 567", "Germany", "A", None])  # fmt: skip
    ws.append(["B0002", "J. Weber", "Weber Licht", "old@weberlicht.de", "+49 30 555 0101",
               "Germany", None, "B0001"])  # fmt: skip
    ws.append(["B0003", "王伟", "深圳市光明贸易有限公司", "wang@gm-light.cn", "0755 8888 1234",
               "China", "B", None])  # fmt: skip
    ws.append(["B0004", "Giulia Rossi", "Luce Roma Srl", "giulia@luceroma.it", "06 1234 5678",
               "Italy", "C", None])  # fmt: skip
    log = wb.create_sheet("Contacts")
    log.append(["Date", "Buyer ID", "Channel", "Direction", "Summary"])
    log.append([dt.datetime(2026, 11, 20, 9, 0), "B0001", "email", "out", "Sent the quote"])
    log.append([dt.datetime(2026, 11, 21, 9, 0), "B0002", "tel", "in", "Called from Berlin"])
    log.append([dt.datetime(2026, 11, 22, 9, 0), "B0003", "wechat", "in", "问价格"])
    wb.save(tmp_path / "merged.xlsx")
    return tmp_path / "merged.xlsx"


def excel_table(tmp_path: Path) -> Path:
    """Buyers as an Excel Table with a totals row; an inquiry log naming the client."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customer list"
    ws.append(["Customer name", "Company", "E-mail address", "Tel / WhatsApp", "Country/Region",
               "Level", "Last follow up"])  # fmt: skip
    ws.append(["Sara Lind", "Nordic Glow AB", "sara@nordicglow.se", "+46 8 123 456", "Sweden",
               "A", D(2026, 11, 24)])  # fmt: skip
    ws.append(["Mei Tan", "Lion City Lighting Pte Ltd", "mei@lioncity.sg", "+65 6123 4567",
               "Singapore", "C", D(2026, 11, 1)])  # fmt: skip
    ws.append(["Total", None, None, None, None, None, None])
    table = Table(displayName="Customers", ref="A1:G4")
    table.totalsRowCount = 1
    ws.add_table(table)
    log = wb.create_sheet("Inquiry log")
    log.append(["Date", "Customer", "Item", "Qty", "Answered?"])
    log.append([dt.datetime(2026, 11, 26, 9, 0), "Sara Lind", "LED-HB-150", 200, "✓"])
    log.append([dt.datetime(2026, 11, 27, 8, 0), "Mei Tan", "LED-T8-18", 1000, ""])
    wb.save(tmp_path / "tracker.xlsx")
    return tmp_path / "tracker.xlsx"


def inquiry_rows(tmp_path: Path) -> Path:
    """Every inquiry a row, the buyer repeated on each."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Inquiry date", "Contact", "Company", "Email", "Country", "Item", "Qty", "Level",
               "Next follow-up"])  # fmt: skip
    ws.append([D(2026, 8, 4), "Kofi Mensah", "Accra Power Ltd", "kofi@accrapower.gh", "Ghana",
               "LED-SL-100", 40, "D", D(2026, 9, 1)])  # fmt: skip
    ws.append([D(2026, 9, 12), "Jana Horak", "Praha Svetla s.r.o.", "jana@prahasvetla.cz",
               "Czechia", "LED-PL-60", 300, "B", D(2026, 11, 30)])  # fmt: skip
    ws.append([D(2026, 11, 18), "Kofi Mensah", "Accra Power Ltd", "KOFI@accrapower.gh", "Ghana",
               "LED-HB-150", 600, "A", D(2026, 11, 25)])  # fmt: skip
    wb.save(tmp_path / "inquiries.xlsx")
    return tmp_path / "inquiries.xlsx"


def user_mapped(inq, tmp_path: Path) -> Path:
    """A buyer list whose last-contact column only `inq map` names."""
    path = unguessable_workbook(tmp_path)
    mapped = inq("-w", path, "map", "Buyers", "Last contact", "Ultimo toque")
    assert mapped.exit_code == 0, mapped.output
    return path


SHAPES = {
    "contract": (
        lambda inq, tmp, contract_workbook, messy_workbook: contract_workbook,
        ["ahmed@gulflights.ae", "+971501234567", "Gulf Lights", "B0002", "row 3",
         "www.lichthandel.de", "nobody@nowhere.example"],
    ),
    "messy": (
        lambda inq, tmp, contract_workbook, messy_workbook: messy_workbook,
        ["ahmed@gulflights.ae", "Ahmed", "+971 50 123 4567", "gulflights.ae"],
    ),
    "merged": (
        lambda inq, tmp, *_: merged_buyers(tmp),
        ["old@weberlicht.de", "+49 30 555 0101", "+49 89 1234567", "王 伟", "光明贸易",
         "Giulia Rossi", "+39 06 1234 5678", "Weber"],
    ),
    "excel table": (lambda inq, tmp, *_: excel_table(tmp), ["Mei Tan", "sara@nordicglow.se"]),
    "inquiry rows": (
        lambda inq, tmp, *_: inquiry_rows(tmp),
        ["kofi@accrapower.gh", "row 3", "Jana"],
    ),
    "inq map": (lambda inq, tmp, *_: user_mapped(inq, tmp), ["Pablo Ruiz", "ana@ilugil.es"]),
}  # fmt: skip


@pytest.mark.parametrize("shape", SHAPES)
def test_the_index_answers_exactly_as_the_workbook(
    inq, tmp_path, contract_workbook, messy_workbook, monkeypatch, no_reader, shape
):
    make, queries = SHAPES[shape]
    path = make(inq, tmp_path, contract_workbook, messy_workbook)
    monkeypatch.setenv("INQ_INDEX", "off")
    without = {q: lookup(inq, path, q) for q in queries}
    card = lookup(inq, path, queries[0], as_json=False)  # the card as shown on a terminal
    monkeypatch.setenv("INQ_INDEX", "inline")
    assert lookup(inq, path, queries[0]) == without[queries[0]]  # (builds the index)
    assert index_of(path).is_file()
    no_reader()
    for q in queries:
        assert lookup(inq, path, q) == without[q], q
    assert lookup(inq, path, queries[0], as_json=False) == card
    assert any(json.loads(out)["card"] for _code, out, _err in without.values())


def test_a_log_or_an_outside_save_is_seen_at_once(inq, contract_workbook, no_reader):
    path = contract_workbook
    first = json.loads(lookup(inq, path, "maria@lichthandel.de")[1])["card"]
    built = index_of(path).stat().st_mtime_ns
    logged = inq("-w", path, "log", "B0002", "-c", "tel", "-s", "Called about the quote")
    assert logged.exit_code == 0, logged.output
    card = json.loads(lookup(inq, path, "maria@lichthandel.de")[1])["card"]
    assert card["contacts_total"] == first["contacts_total"] + 1
    assert card["contacts"][-1]["summary"] == "Called about the quote"
    assert index_of(path).stat().st_mtime_ns != built  # rebuilt

    # Saved by another program, its modification time then set back as it was.
    before = path.stat()
    wb = openpyxl.load_workbook(path)
    ws = wb["Buyers"]
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    for row in ws.iter_rows(min_row=2):
        if row[header.index("Buyer ID")].value == "B0002":
            row[header.index("Name")].value = "Maria Schmitt"
    wb.save(path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    card = json.loads(lookup(inq, path, "maria@lichthandel.de")[1])["card"]
    assert card["buyer"]["name"] == "Maria Schmitt"
    no_reader()
    assert json.loads(lookup(inq, path, "maria@lichthandel.de")[1])["card"] == card


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped"])
def test_a_damaged_index_is_ignored_and_rebuilt(inq, contract_workbook, damage):
    path = contract_workbook
    expected = lookup(inq, path, "Gulf Lights")
    file = index_of(path)
    data = file.read_bytes()
    if damage == "garbage":
        file.write_bytes(os.urandom(len(data)))
    elif damage == "truncated":
        file.write_bytes(data[: len(data) // 2])
    else:  # one byte of the records changed: zlib's checksum says so
        file.write_bytes(data[:-40] + bytes([data[-40] ^ 0xFF]) + data[-39:])
    assert lookup(inq, path, "Gulf Lights") == expected
    cache = Path(os.environ["INQ_CACHE"])
    from inquiry_cli.cli.lookup_index import code_version

    assert index.open_index(cache, path, code_version()) is not None  # built again


def test_another_version_or_a_missing_cache_folder_reads_the_workbook(
    inq, contract_workbook, tmp_path, monkeypatch
):
    path = contract_workbook
    expected = lookup(inq, path, "B0001")
    cache = Path(os.environ["INQ_CACHE"])
    assert index.open_index(cache, path, "0.0.0/1") is None
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("INQ_CACHE", str(blocked))
    assert lookup(inq, path, "B0001") == expected
    assert lookup(inq, path, "B0001") == expected


def test_an_ods_gets_no_index(inq, tmp_path):
    rows = [["Name", "Email", "Company"], ["Lina Haddad", "lina@cedar.lb", "Cedar Light"]]
    path = hand_made_ods(tmp_path / "buyers.ods", table_xml("Buyers", rows))
    first = lookup(inq, path, "lina@cedar.lb")
    assert first[0] == 0
    assert lookup(inq, path, "lina@cedar.lb") == first
    assert not index_of(path).exists()


def test_at_most_so_many_indexes_are_kept_the_least_used_going(tmp_path):
    folder = index.folder_of(tmp_path)
    folder.mkdir()
    now = time.time()
    for i in range(4):
        f = folder / f"{i}.idx"
        f.write_bytes(b"x")
        os.utime(f, (now - 100 * i, now - 100 * i))  # 0 used last, 3 first
    for name in (".build-x.idx", ".0.idx.1a2b3c4d.inq-tmp"):  # a crashed build's half file
        stale = folder / name
        stale.write_bytes(b"half")
        os.utime(stale, (now - 7200, now - 7200))
    index.evict(tmp_path, keep=2)
    assert sorted(p.name for p in folder.iterdir()) == ["0.idx", "1.idx"]


def test_the_first_lookup_builds_it_in_the_background(inq, contract_workbook, monkeypatch):
    """Without INQ_INDEX the build runs in a process of its own, after the answer."""
    monkeypatch.delenv("INQ_INDEX")
    lookup(inq, contract_workbook, "ahmed@gulflights.ae")
    deadline = time.time() + 20
    while not index_of(contract_workbook).exists() and time.time() < deadline:
        time.sleep(0.05)
    assert index_of(contract_workbook).exists()


def test_a_change_hidden_from_the_file_times_is_caught_by_the_content_hash(
    inq, contract_workbook, monkeypatch
):
    """A save within the same timestamp tick as the build, same size: the identity cannot
    tell, so an index built that close to the file's last change checks its hash too."""
    from inquiry_cli.cli.lookup_index import code_version

    path, cache = contract_workbook, Path(os.environ["INQ_CACHE"])
    lookup(inq, path, "B0001")
    recorded = index.identity(path)
    data = bytearray(path.read_bytes())
    data[-30] ^= 0x01  # (a byte of the zip's end record: the same size, other content)
    path.write_bytes(bytes(data))
    monkeypatch.setattr(index, "identity", lambda _path: recorded)
    assert index.open_index(cache, path, code_version()) is None


def test_the_launcher_reads_nothing_early_for_a_lookup_the_index_answers(inq, contract_workbook):
    from inquiry_cli.cli import lookup_index, reads
    from inquiry_cli.workbook import early

    argv = ["-w", str(contract_workbook), "lookup", "B0001"]
    try:
        reads.start_for(argv, spare=lookup_index.spares_read)
        assert early.pending() == 1  # no index yet: the read starts at once
        early.finish()
        early.forget()
        lookup(inq, contract_workbook, "B0001")  # (builds it)
        reads.start_for(argv, spare=lookup_index.spares_read)
        assert early.pending() == 0
    finally:
        early.finish()
        early.forget()


# A repeat lookup in a process of its own, as `inq` runs it: what it printed, then the
# modules it imported (the launcher leaves by os._exit).
REPEAT = """
import os, sys
from inquiry_cli.cli import launch
sys.argv = ["inq", *sys.argv[1:]]
os._exit = lambda code: (sys.stdout.flush(), print(sorted(sys.modules)), sys.exit(code))
launch.main()
"""


def test_a_repeat_lookup_imports_only_what_the_index_answer_needs(inq, contract_workbook):
    """The card from the index needs no phonenumbers (the build kept each buyer's WhatsApp
    link), no workbook reader and no contract.records (nothing is read, no Table made)."""
    path = contract_workbook
    expected = lookup(inq, path, "ahmed@gulflights.ae")  # (builds the index)
    assert json.loads(expected[1])["card"]["buyer"]["whatsapp"] == "https://wa.me/971501234567"
    args = ["-w", str(path), "lookup", "ahmed@gulflights.ae", "--json"]
    run = subprocess.run(
        [sys.executable, "-c", REPEAT, *args], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    printed, modules = run.stdout.rsplit("\n", 2)[:2]
    assert printed + "\n" == expected[1]
    imported = set(ast.literal_eval(modules))
    assert "inquiry_cli.workbook.index" in imported  # (answered from the index)
    unneeded = {"phonenumbers", "inquiry_cli.workbook.read", "inquiry_cli.contract.records"}
    assert unneeded & imported == set()


def test_the_email_column_kept_as_one_text_finds_what_a_scan_finds():
    """A repeat lookup searches the email column as one text (index.joined): the same
    buyers, in the same order, as a scan of the column."""
    emails = [None, "", "a@x.com", "a@x.com", "b@x.com", "ba@x.com", "x.com", "@x.com",
              "a@x.comm", "a@y.x.com", "A@X.COM", "a@x.com", None, "a@x.com"]  # fmt: skip

    class Stub:  # what IndexedBuyers reads of an Index
        def __init__(self, text: str | None) -> None:
            self.text = text

        def section(self, name: str):
            return {"sheet": "Buyers", "col:email": emails, "text:email": self.text}[name]

    text = index.joined(emails)
    assert text is not None
    fast, scan = index.IndexedBuyers(Stub(text)), index.IndexedBuyers(Stub(None))
    for value in ("a@x.com", "b@x.com", "x.com", "@x.com", "A@X.COM", "nobody@x.com", ""):
        wanted = [i for i, e in enumerate(emails) if e == value]
        assert fast.equal("email", value) == scan.equal("email", value) == wanted, value
    for suffix in ("@x.com", "x.com", ".com", "@y.x.com", "m", "@nowhere.org"):
        wanted = [i for i, e in enumerate(emails) if e and e.endswith(suffix)]
        assert fast.ending("email", suffix) == scan.ending("email", suffix) == wanted, suffix
    assert index.joined(["a\0b@x.com"]) is None  # (a value holding the separator)
    assert index.joined([None, 7]) is None  # (a value that is not text)
