"""Hostile workbooks: every damaged, far-reaching or bomb-like file ends in one line.

The mutations are scripts/fuzz_workbooks.py's (that script runs hundreds of them in
subprocesses); here a few dozen run in process on tiny workbooks, and the cases that
used to abort the process or take gigabytes run as subprocesses with their peak memory
measured.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import fuzz_workbooks as fw  # noqa: E402

from inquiry_cli.cli import reads  # noqa: E402
from inquiry_cli.errors import WorkbookUnreadable  # noqa: E402
from inquiry_cli.workbook import early  # noqa: E402
from inquiry_cli.workbook.ooxml import ZipSource  # noqa: E402

SST_EMAIL = fw.KNOWN_EMAIL
CONTACTS = "xl/worksheets/sheet3.xml"  # in the bench workbooks


@pytest.fixture(scope="module")
def shared_strings_book(tmp_path_factory) -> bytes:
    """A small workbook as Excel saves it (shared strings, real dates, every sheet)."""
    return fw.small_shared_strings_workbook(tmp_path_factory.mktemp("base")).read_bytes()


def one_line_or_ok(result, command: str) -> str | None:
    """None when the run is a normal one or a one-line refusal, else what is wrong."""
    err = result.stderr.strip()
    lines = [ln for ln in err.splitlines() if ln.strip()]
    if result.exit_code == 0:
        return None
    errors = [ln for ln in lines if ln.startswith("Error: ")]
    noise = [ln for ln in lines[:-1] if not ln.startswith(("Warning", "Note"))]
    if result.exit_code in (1, 2) and len(errors) == 1 and errors[0] == lines[-1] and not noise:
        return None
    if result.exit_code == 1 and command in ("check", "lookup") and not errors:
        return None  # problems found / nobody matched: the usual report
    return f"exit {result.exit_code}: {err[-300:]!r}"


def small_bomb(rng: random.Random, data: bytes) -> bytes:
    """A sheet of 50 MB of spaces in 50 KB, its size declared or lied about."""
    parts = fw.read_parts(data)
    sheet = parts[rng.choice(fw._sheets(parts))][0]
    return fw.big_bomb(data, sheet, gigabytes=0.05, lie=rng.random() < 0.5)


def far_or_refused(rng: random.Random, data: bytes) -> bytes:
    """fw.far_cell with the refs that are refused, or cheap (A500000 is read, slowly)."""
    parts = fw.read_parts(data)
    sheet = parts[rng.choice(fw._sheets(parts))][0]
    return far_cell(data, rng.choice(["XFD1048576", "A1048576", "XFD1"]), sheet)


KINDS = {**fw.MUTATIONS, "bomb": small_bomb, "farcell": far_or_refused}


def test_seeded_mutations_end_in_one_line(inq, tmp_path, shared_strings_book, contract_workbook):
    """Every kind of mutation, on both kinds of base, under `log` (the one-buyer reads and
    the write path) or another command: a normal run or one line, never a traceback."""
    bases = [
        (shared_strings_book, SST_EMAIL),
        (contract_workbook.read_bytes(), "ahmed@gulflights.ae"),
    ]
    others = [["check"], ["lookup"], ["due", "--json"]]
    failures = []
    for n, kind in enumerate(sorted(KINDS)):
        data, email = bases[n % 2]
        mutant = KINDS[kind](random.Random(f"20261127-{kind}"), data)
        log = ["log", email, "-c", "tel", "-s", "called"]
        for argv in [others[n // 4 % 3] if n % 4 == 3 else log]:
            argv = [*argv, email] if argv == ["lookup"] else argv
            path = tmp_path / f"case{n}-{argv[0]}.xlsx"
            path.write_bytes(mutant)
            try:
                result = inq("-w", path, *argv)
            except Exception as exc:  # a traceback, in process
                failures.append(f"{kind} {argv[0]}: {type(exc).__name__}: {exc}")
                continue
            problem = one_line_or_ok(result, argv[0])
            if problem:
                failures.append(f"{kind} {argv[0]}: {problem}")
    assert not failures, "\n".join(failures)


# -- the cases that aborted the process or took gigabytes: subprocesses, memory measured --


def far_cell(data: bytes, ref: str, sheet: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The workbook with one more value at `ref` in `sheet` (Buyers), and a dimension
    that hides it."""
    parts = fw.read_parts(data)
    i = next(k for k, (name, _) in enumerate(parts) if name == sheet)
    xml = parts[i][1].replace(b'<dimension ref="', b'<dimension ref="A1:B2" x="', 1)
    row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>stray</t></is></c></row>'.encode()
    end = xml.rfind(b"</sheetData>")
    return fw.write_zip(fw._replace(parts, i, xml[:end] + cell + xml[end:]))


def run_capped(workbook: Path, *args: str, timeout: float = 60) -> tuple[int | None, str, float]:
    """(exit code or None on timeout, stderr, peak RSS in MB) of `inq -w workbook ARGS`
    in a subprocess that may not map more than 2 GB (so a blow-up cannot hurt the machine)."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    env = dict(os.environ, INQ_NOW="2026-11-27T10:00", NO_COLOR="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH")) if p)
    proc = subprocess.Popen(
        [sys.executable, "-m", "inquiry_cli", "-w", str(workbook), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=cap,
    )
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        err = proc.stderr.read().decode("utf-8", "replace")
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        killed = not timer.is_alive()
        timer.cancel()
    code = None if killed else proc.returncode
    return code, err, usage.ru_maxrss / 1024


@pytest.mark.parametrize(
    "case, command, expect",
    [
        (
            "XFD1048576",
            "due",
            "too large to read: its cells reach down to row 1,048,576 and across to column XFD",
        ),
        ("A1048576", "check", "too large to read: its cells reach down to row 1,048,576"),
        ("bomb", "lookup", "too large for inq to read"),
        ("lying bomb", "due", "is damaged"),
    ],
)
def test_far_cells_and_bombs_end_in_one_line_within_500_mb(
    tmp_path, shared_strings_book, case, command, expect
):
    if case.startswith("XFD") or case.startswith("A1"):
        data = far_cell(shared_strings_book, case)
    else:
        data = fw.big_bomb(shared_strings_book, CONTACTS, lie=case.startswith("lying"))
    path = tmp_path / "customers.xlsx"
    path.write_bytes(data)
    args = [command, SST_EMAIL] if command == "lookup" else [command]
    code, err, peak_mb = run_capped(path, *args)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 1, err[-500:]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and expect in lines[0], lines
    assert peak_mb < 500


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_a_device_and_a_folder_are_not_workbooks(inq, tmp_path):
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    for path in (fifo, Path("/dev/zero")):  # they used to block: each runs on a thread
        done: list = []
        worker = threading.Thread(target=lambda p=path, d=done: d.append(inq("-w", p, "check")))
        worker.daemon = True
        worker.start()
        worker.join(timeout=15)
        assert done, f"inq check {path} did not end"
        assert done[0].exit_code == 1
        assert done[0].stderr == (
            f"Error: {path} is not a regular file (a pipe, device or socket), not a "
            "workbook: name the .xlsx file itself\n"
        )
    result = inq("-w", folder, "due")
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("is a folder, not a workbook: name the .xlsx file in it")


def test_a_symlink_to_a_workbook_still_works(inq, tmp_path, contract_workbook):
    link = tmp_path / "link.xlsx"
    link.symlink_to(contract_workbook)
    assert inq("-w", link, "lookup", "ahmed@gulflights.ae").exit_code == 0


def test_the_early_read_lets_go_of_hostile_files(tmp_path, shared_strings_book):
    """The launcher's thread uses the same checked reads: it ends, holding nothing."""
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(fw.big_bomb(shared_strings_book, CONTACTS, lie=True))
    far = tmp_path / "far.xlsx"
    far.write_bytes(far_cell(shared_strings_book, "XFD1048576"))
    for path in (bomb, far):
        for argv in (["-w", str(path), "due"], ["-w", str(path), "log", SST_EMAIL, "-c", "tel"]):
            _path, what, _warm = reads.plan(argv)
            reads.start_for(argv)
            early.finish()
            taken = early.take(path, reads.key(what))  # ended, quietly: the command reports
            assert taken is None or argv[2] == "log"  # (one buyer's rows are fine here)
    assert not early.pending()


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/styles.xml", "xl/sharedStrings.xml"])
def test_a_doctype_is_refused(inq, tmp_path, shared_strings_book, part):
    parts = fw.read_parts(shared_strings_book)
    i = next(k for k, (n, _) in enumerate(parts) if n == part)
    body = parts[i][1]
    decl = body.index(b"?>") + 2
    laughs = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    path = tmp_path / "customers.xlsx"
    path.write_bytes(fw.write_zip(fw._replace(parts, i, body[:decl] + laughs + body[decl:])))
    result = inq("-w", path, "check")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: customers.xlsx: part {part} is damaged: it declares a DOCTYPE, which Excel "
        "never writes (re-save the workbook from Excel)"
    )


def test_a_lying_size_cannot_make_a_read_unbounded(tmp_path):
    path = tmp_path / "a.zip"
    body = b"<row/>" * 2_000_000  # 12 MB, declared as 1 KB
    path.write_bytes(fw.write_zip([("xl/big.xml", body)], sizes={"xl/big.xml": 1024}))
    with ZipSource(path) as src, pytest.raises(WorkbookUnreadable, match="does not inflate to"):
        src.read("xl/big.xml")
    with ZipSource(path) as src, pytest.raises(WorkbookUnreadable, match="larger than it says"):
        for _piece in src.chunks("xl/big.xml", 4096):
            pass


def test_what_python_says_on_stderr_during_a_read_is_not_held_back():
    """A read swaps fd 2 for a file (a Rust panic's lines are dropped); a line Python
    writes meanwhile (a usage error while the early read runs) reaches stderr even if
    the process ends before the read does."""
    import subprocess
    import sys

    code = (
        "import os, sys\n"
        "from inquiry_cli.workbook import native\n"
        "with native.guard('a sheet'):\n"
        "    print('Error: said during the read', file=sys.stderr)\n"
        "    sys.stderr.flush()\n"
        "    os._exit(2)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 2
    assert out.stderr == "Error: said during the read\n"


def test_a_log_longer_than_any_other_part_may_be_is_read_and_written(inq, tmp_path, monkeypatch):
    """A worksheet may inflate past the limit of the other parts (MAX_PART: a 500,000-row
    contact log saved by openpyxl is 310 MB), up to MAX_SHEET; past that, one line."""
    import datetime as dt

    import openpyxl

    from inquiry_cli.workbook import ooxml

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Buyers"
    ws.append(["Name", "Email", "Country", "Grade", "Last contact"])
    ws.append(["Sara Lind", "sara@nordicglow.se", "Sweden", "B", dt.date(2026, 11, 1)])
    log = wb.create_sheet("Contacts")
    log.append(["Date", "Email", "Channel", "Direction", "Summary"])
    start = dt.datetime(2025, 1, 1, 9, 0)
    for i in range(3000):
        log.append([start + dt.timedelta(hours=i), "sara@nordicglow.se", "email", "out", "Sent"])
    path = tmp_path / "long-log.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        sizes = {i.filename: i.file_size for i in zf.infolist()}
    assert (
        sizes["xl/worksheets/sheet2.xml"]
        > 200_000
        > max(v for k, v in sizes.items() if k != "xl/worksheets/sheet2.xml")
    )
    monkeypatch.setattr(ooxml, "MAX_PART", 200_000)
    result = inq("-w", path, "due", "--json")
    assert result.exit_code == 0, result.output
    assert inq("-w", path, "log", "sara@nordicglow.se", "-c", "tel", "-s", "Called").exit_code == 0
    rows = openpyxl.load_workbook(path)["Contacts"]
    assert rows.max_row == 3002 and rows.cell(3002, 5).value == "Called"
    monkeypatch.setattr(ooxml, "MAX_SHEET", 200_000)
    result = inq("-w", path, "due", "--json")
    assert result.exit_code == 1
    with zipfile.ZipFile(path) as zf:
        size = zf.getinfo("xl/worksheets/sheet2.xml").file_size
    assert result.stderr.strip().splitlines() == [
        "Error: long-log.xlsx is too large for inq to read "
        f"(its part xl/worksheets/sheet2.xml inflates to {size:,} bytes)"
    ]


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("xl/worksheets/sheet3.xml", True),
        ("xl/worksheets/log.xml", True),
        ("xl/worksheets/sharedStrings.xml", False),  # (found by name: held whole)
        ("xl/worksheets/styles.xml", False),
        ("xl/sharedStrings.xml", False),
        ("xl/worksheets/_rels/sheet3.xml.rels", False),
    ],
)
def test_only_a_worksheet_may_inflate_past_the_part_limit(name, allowed):
    from inquiry_cli.workbook import ooxml

    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.file_size, info.compress_size = 300 * 1024 * 1024, 20 * 1024 * 1024  # (15:1)
    assert (ooxml.part_problem(info) is None) == allowed


def test_a_run_killed_inside_calamine_leaves_no_temp_file(tmp_path, monkeypatch):
    """calamine's stderr is caught in a temp file while it runs: on POSIX that file has
    no name from the start, so a run that ends (or is killed) mid-read leaves none."""
    import os

    from inquiry_cli.workbook import native

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    with native.guard("a sheet"):
        os.write(2, b"")  # (fd 2 is the capture now)
        left = list(tmp_path.iterdir())
    assert os.name != "posix" or left == []
