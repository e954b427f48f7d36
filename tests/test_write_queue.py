"""Writers queue: a second inq run waits for the first (as long as Settings says), says once
what it waits for, and never advises deleting a lock that may be held."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import time

import pytest

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from inquiry_cli.workbook.guard import exclusive
    with exclusive(Path(sys.argv[1]), command="inq log B0001 -c tel -s 'held by the test'"):
        print("holding", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)
SINCE = r"since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d"


@pytest.fixture
def hold():
    """Another inq run holding a workbook's write lock for a while."""
    procs = []

    def start(book, seconds: float):
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(book), str(seconds)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout.readline().strip() == "holding"
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        proc.kill()
        proc.wait()


def test_a_second_writer_waits_and_says_once_for_what(inq, contract_workbook, hold):
    proc = hold(contract_workbook, 1.0)
    started = time.monotonic()
    result = inq("-w", contract_workbook, "log", "B0002", "-c", "tel", "-s", "Called Maria")
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 0.5
    waiting = [line for line in result.stderr.splitlines() if line.startswith("Waiting")]
    assert len(waiting) == 1
    assert re.fullmatch(
        r"Waiting up to 60 s for another inq run to finish writing customers\.xlsx "
        rf"\(pid {proc.pid}, {SINCE}: inq log B0001 -c tel -s 'held by the test'\)\.\.\.",
        waiting[0],
    ), waiting[0]
    assert "Logged out tel contact with B0002" in result.stdout


def test_the_wait_is_a_settings_key_and_the_refusal_is_one_line(inq, build, hold):
    book = build("customers.xlsx", settings={"lock_wait_seconds": 0.3})
    proc = hold(book, 5)
    result = inq("-w", book, "add", "--name", "Nia Okafor", "--email", "nia@lagoslights.ng")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Waiting up to 0.3 s for another inq run")
    assert re.fullmatch(
        r"Error: another inq run is still writing customers\.xlsx after 0\.3 s "
        rf"\(pid {proc.pid}, {SINCE}: inq log B0001 -c tel -s 'held by the test'\): "
        r"let it finish, then run the command again",
        lines[-1],
    ), lines[-1]
    assert len(lines) == 2 and "delete" not in result.stderr


def test_a_lock_left_by_a_killed_run_does_not_block(inq, contract_workbook, hold):
    proc = hold(contract_workbook, 30)
    proc.kill()
    proc.wait()
    result = inq("-w", contract_workbook, "log", "B0002", "-c", "tel", "-s", "Called Maria")
    assert result.exit_code == 0, result.output
    assert "Waiting" not in result.stderr
