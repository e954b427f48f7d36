"""The launcher's early read: used only when it read the same sheets of the unchanged file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from inquiry_cli.cli import reads
from inquiry_cli.cli.reads import BuyerRead
from inquiry_cli.workbook import early, read

SAMPLE = Path(__file__).parent.parent / "sample_workbook.xlsx"
EMAIL = "info@horizondistribution.fr"


@pytest.fixture
def sample(tmp_path) -> Path:
    path = tmp_path / "customers.xlsx"
    shutil.copy(SAMPLE, path)
    return path


@pytest.fixture
def loads(monkeypatch):
    """Count reads of the workbook: whole-sheet ones and one-buyer ones (the early read
    runs one of these too; a command that takes it runs none)."""
    from inquiry_cli.cli import buyer_reads

    calls: list[tuple] = []
    real_load, real_for = read.load, buyer_reads.load_for

    def counting_load(path, sheets, headers_only=(), convert=None, kept=()):
        calls.append(("load", tuple(sheets), tuple(headers_only)))
        return real_load(path, sheets, headers_only, convert, kept)

    def counting_for(path, *args):
        calls.append(("buyer", *args))
        return real_for(path, *args)

    monkeypatch.setattr(read, "load", counting_load)
    monkeypatch.setattr(buyer_reads, "load_for", counting_for)
    yield calls
    early.forget()


def test_plan_reads_the_command_line(sample, monkeypatch):
    w = str(sample)
    # (lookup warms nothing: its history sheets are searched a window at a time, and a
    # warmed copy of a 150 MB log would be held whole)
    assert reads.plan(["-w", w, "lookup", EMAIL]) == (sample, reads.LOOKUP, ())
    assert reads.plan([f"--workbook={w}", "due", "today"])[0] == sample
    assert reads.plan(["--workbook", w, "due"])[0] == sample
    assert reads.plan([f"-w{w}", "due"])[0] == sample
    out = BuyerRead("x", ("inquiries",), ("contacts",))
    assert reads.plan(["-w", w, "log", "x", "-c", "tel", "-s", "hi there"])[1] == out
    assert reads.plan(["-w", w, "log", "-ctel", "--summary=hi", "x", "--out"])[1] == out
    assert reads.plan(["-w", w, "log", "--", "x"])[1] == out
    assert reads.plan(["-w", w, "log", "x", "--in"])[1] == BuyerRead("x", (), ("contacts",))
    assert reads.plan(["-w", w, "log", "x", "--bogus"]) is None
    assert reads.plan(["-w", w, "log", "x", "y"]) is None
    assert reads.plan(["-w", w, "grade", "--suggest"])[1] == reads.GRADE_SUGGEST
    monkeypatch.setenv("INQ_WORKBOOK", w)
    assert reads.plan(["lookup", EMAIL])[0] == sample
    for argv in (
        ["-w", w, "lookup", "-h"],
        ["-w", w, "--help"],
        ["-w", w],
        ["-w", w, "init"],
        ["--version", "lookup", "x"],
        [],
    ):
        assert reads.plan(argv) is None, argv
    monkeypatch.delenv("INQ_WORKBOOK")
    assert reads.plan(["lookup", EMAIL]) is None  # no workbook anywhere: no early read


@pytest.mark.parametrize(
    "args",
    [
        ["lookup", EMAIL],
        ["due", "today"],
        ["check"],
        ["log", EMAIL, "-c", "tel", "-s", "Called", "--dry-run"],
        ["log", EMAIL, "-c", "tel", "-s", "Called", "--in", "--dry-run"],
        ["add", "--name", "New Person", "--email", "new@example.org", "--dry-run"],
        ["inquiry", "--buyer", EMAIL, "--channel", "email", "--dry-run"],
        ["grade", EMAIL, "A", "--dry-run"],
        ["grade", "--suggest"],
        ["quote", "-m", "LED-PL-60", "-q", "100", "--region", "eu", "--no-record"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_each_command_takes_the_early_read(inq, sample, loads, args):
    """READS must name exactly what each command reads, or the early read is wasted."""
    argv = ["-w", str(sample), *args]
    reads.start_for(argv)
    assert early.pending() == 1
    result = inq(*argv)
    assert result.exit_code == 0, result.output
    assert len(loads) == 1, f"the command read again: {loads}"
    assert not early.pending()


def test_a_file_saved_after_the_early_read_is_read_again(inq, sample, loads, tmp_path):
    argv = ["-w", str(sample), "lookup", "new.person@example.org"]
    reads.start_for(argv)
    next(iter(early._pending.values())).done.wait()
    # Meanwhile the user adds a buyer and saves (a new file replaces the old, as Excel does).
    changed = tmp_path / "saved.xlsx"
    shutil.copy(sample, changed)
    added = inq("-w", changed, "add", "--name", "New Person", "--email", "new.person@example.org")
    assert added.exit_code == 0, added.output
    os.replace(changed, sample)
    result = inq(*argv)
    assert result.exit_code == 0, result.output
    assert "New Person" in result.output
    assert len(loads) == 3  # the early read, the add's own, and the lookup's fresh one


def test_an_early_read_that_failed_leaves_the_error_to_the_command(inq, tmp_path, loads):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    argv = ["-w", str(bad), "lookup", EMAIL]
    reads.start_for(argv)
    result = inq(*argv)
    assert result.exit_code == 1
    assert (
        result.stderr
        == "Error: bad.xlsx is not an Excel workbook (.xlsx): save it from Excel as .xlsx\n"
    )
    assert len(loads) == 2  # the early read failed; the command read (and said why) itself


def run_inq(*args: str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "INQ_NOW": "2026-11-27T10:00", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "inquiry_cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        **kw,
    )


def test_the_launcher_runs_commands_and_exits_with_their_code(sample):
    ok = run_inq("-w", str(sample), "lookup", EMAIL)
    assert ok.returncode == 0, ok.stderr
    assert "Sophie Martin" in ok.stdout
    missing = run_inq("-w", str(sample.with_name("nope.xlsx")), "lookup", EMAIL)
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: ") and missing.stderr.count("\n") == 1
    usage = run_inq("-w", str(sample), "grade", EMAIL, "Z")
    assert usage.returncode == 2
    assert run_inq("--version").stdout.startswith("inq ")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe size is Linux-only")
@pytest.mark.parametrize("args", [["due", "week"], ["due", "week", "--json"]])
def test_the_launcher_leaves_quietly_when_the_reader_stops_early(sample, args):
    """`inq due week | head -1`: a closed pipe is not a traceback."""
    import fcntl

    r, w = os.pipe()
    fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ: a small pipe, so inq is still writing
    env = {**os.environ, "INQ_NOW": "2026-11-27T10:00"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "inquiry_cli", "-w", str(sample), *args],
        stdout=w,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(w)
    with os.fdopen(r, "rb") as reader:
        assert reader.read(10)
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) in (0, 1)
    assert "Traceback" not in err and "Exception ignored" not in err


def test_each_command_is_registered_by_the_module_the_launcher_imports():
    """commands.MODULES must name every command's module, or `inq CMD` would not find it."""
    from inquiry_cli.cli import commands
    from inquiry_cli.cli.app import app

    found = {
        (c.name or c.callback.__name__.replace("_", "-")): c.callback.__module__
        for c in app.registered_commands
    }
    for group in app.registered_groups:
        found[group.name] = group.typer_instance.registered_commands[0].callback.__module__
    assert {c: f"inquiry_cli.cli.{m}" for c, m in commands.MODULE_OF.items()} == found


def test_the_launcher_imports_only_the_command_it_runs(sample):
    code = (
        "import sys; sys.argv = ['inq', '-w', sys.argv[1], 'log', '--help']\n"
        "from inquiry_cli.cli import launch\n"
        "import os; os._exit = lambda code: (print(sorted(m for m in sys.modules "
        "if m.startswith('inquiry_cli.cli.'))), sys.exit(code))\n"
        "launch.main()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(sample)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert "Record a contact" in out.stdout
    assert "inquiry_cli.cli.record" in out.stdout
    assert "inquiry_cli.cli.reports" not in out.stdout
    full = run_inq("--help")
    assert all(f" {c} " in full.stdout for c in ("init", "lookup", "log", "report", "undo"))


def test_a_write_waits_for_the_early_read_to_let_go_of_the_file(inq, sample, monkeypatch):
    """On Windows a file another handle has open cannot be replaced: no early read or
    warming may still be running when the new workbook takes the old one's place."""
    import threading

    from inquiry_cli import fsops

    gate = threading.Event()
    real_warm, real_replace = read.warm, fsops.exchange
    alive_at_replace = []

    def slow_warm(book, keys):
        gate.wait(5)
        real_warm(book, keys)

    def watching_replace(src, dst):
        alive_at_replace.append(any(t.is_alive() for t in early._threads))
        return real_replace(src, dst)

    monkeypatch.setattr(read, "warm", slow_warm)
    monkeypatch.setattr(fsops, "exchange", watching_replace)
    argv = ["-w", str(sample), "log", EMAIL, "-c", "tel", "-s", "Called"]
    reads.start_for(argv)
    threading.Timer(1.0, gate.set).start()
    result = inq(*argv)
    assert result.exit_code == 0, result.output
    assert alive_at_replace == [False]
    early.forget()


THREAD_IMPORTS = """
import sys
from inquiry_cli.cli import reads
from inquiry_cli.workbook import early
path, what, warm = reads.plan(sys.argv[1:])
reads.preload(what)
before = set(sys.modules)
reads.start(path, what, warm)
early.finish()
print(sorted(set(sys.modules) - before))
"""


@pytest.mark.parametrize(
    "workbook, args",
    [
        ("sample", ["due"]),
        ("sample", ["log", EMAIL, "-c", "tel", "-s", "Called"]),
        ("damaged", ["lookup", EMAIL]),
        ("xls", ["log", EMAIL, "-c", "tel", "-s", "Called"]),
        ("ods", ["lookup", EMAIL]),
    ],
    ids=["whole sheets", "one buyer", "damaged zip", "old xls", "ods"],
)
def test_the_early_read_thread_imports_nothing(sample, tmp_path, workbook, args):
    """Two threads importing at once can meet in an import cycle and one then gets a
    half-initialised module (start-up crashes like "NameError: name 'sys' is not
    defined"): everything the early read uses is imported before its thread starts."""
    path = sample
    if workbook == "damaged":
        path = tmp_path / "damaged.xlsx"
        data = bytearray(sample.read_bytes())
        data[len(data) // 2 : len(data) // 2 + 64] = b"\0" * 64
        path.write_bytes(bytes(data))
    elif workbook == "xls":
        path = Path(__file__).parent / "fixtures" / "old.xls"
    elif workbook == "ods":
        from ods_helpers import hand_made_ods, table_xml

        rows = [["Name", "Email", "Phone"], ["Sophie Martin", EMAIL, "+33 (0)1 23 45 67 89"]]
        path = hand_made_ods(tmp_path / "customers.ods", table_xml("Buyers", rows))
    done = subprocess.run(
        [sys.executable, "-c", THREAD_IMPORTS, "-w", str(path), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_the_launcher_reads_log_options_as_the_command_declares_them():
    """The launcher parses `log WHO ...` before Typer is imported; its option lists must be
    the command's own, or a new option silently loses the early read (as -n once did)."""
    import typer.main
    from typer.core import TyperOption

    from inquiry_cli.cli.app import app

    command = typer.main.get_command(app).commands["log"]
    values, flags = set(), set()
    for param in command.params:
        if isinstance(param, TyperOption):
            (flags if param.is_flag else values).update([*param.opts, *param.secondary_opts])
    assert values == reads.LOG_VALUES
    assert flags == reads.LOG_FLAGS


def test_columns_converted_on_the_reading_thread_read_the_same(tmp_path):
    """The early read converts due's columns as each sheet arrives, odd cells left to the
    command's thread: every value, problem and date reading is what a plain read gives."""
    import datetime as dt

    from conftest import sheets_workbook

    from inquiry_cli.contract import needs
    from inquiry_cli.workbook import read

    when = dt.datetime(2026, 11, 20, 9, 30)
    path = sheets_workbook(
        tmp_path / "odd.xlsx",
        {
            "Buyers": [
                ["Buyer ID", "Name", "Email", "Grade", "Last contact", "Next follow-up"],
                ["B1", "Anna", "anna@lichtwerk.de", "A", when, "03/11/2026"],
                ["B2", "Omar", "not an email", "B", "25/11/2026", None],
                [3, "Li", "LI@GUANGMING.CN ", "c", "2026-11-02", "11月3日"],
                ["B4", "Bo", "bo@bo.co", "A", 46000, "12/31/2026"],
            ],
            "Inquiries": [
                ["Inquiry ID", "Received", "Buyer ID", "Email", "Replied", "Status", "Quote No"],
                ["I1", when, "B1", "anna@lichtwerk.de", "Y", "open", "Q1"],
                ["I2", "2026-11-26 08:00", 3, "li@guangming.cn", None, "", None],
                ["I3", "yesterday", "B2", "", "2026-11-27 09:00", "Lost", "q2"],
            ],
            "Contacts": [
                ["Date", "Buyer ID", "Email", "Direction", "Summary"],
                [when, "B1", "Anna@Lichtwerk.de", "in", "asked for a price"],
                ["20.11.2026", 3, "", "Out", "sent the catalog"],
                [None, "B4", "bo@bo.co", "来电", "called"],
            ],
        },
    )
    sheets = ("buyers", "inquiries", "contacts")
    plain, warmed = read.load(path, sheets), read.load(path, sheets, (), needs.DUE)
    for key in sheets:
        a, b = plain.table(key), warmed.table(key)
        fields = {*needs.DUE.values.get(key, ()), *a.columns}
        for f in sorted(fields):
            assert b.values(f) == a.values(f), (key, f)
            assert b.problems(f) == a.problems(f), (key, f)
            assert b.keys(f) == a.keys(f), (key, f)
        assert b.date_orders() == a.date_orders(), key
        assert b.yearless_dates() == a.yearless_dates(), key
    # The odd cells were read (not dropped) and reported as a plain read reports them.
    assert warmed.table("buyers").problems("email")
    assert warmed.table("contacts").values("date")[1] == dt.datetime(2026, 11, 20)
