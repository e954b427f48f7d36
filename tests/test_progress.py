"""Long work shows a progress line on a terminal's stderr, and nothing when piped."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).parent.parent / "sample_workbook.xlsx"


def run_on_terminal(args: list[str], tmp_path: Path) -> tuple[str, str, int]:
    """Run inq with stderr on a pseudo-terminal: (stdout, what the terminal showed, exit)."""
    leader, follower = pty.openpty()
    env = {**os.environ, "INQ_PROGRESS_DELAY": "0", "COLUMNS": "100", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "inquiry_cli", *args],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
        cwd=tmp_path,
    )
    os.close(follower)
    shown = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 10)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        shown += chunk
    out = proc.stdout.read().decode() if proc.stdout else ""
    code = proc.wait(timeout=30)
    os.close(leader)
    return out, shown.decode(errors="replace"), code


def test_check_shows_what_it_is_doing_on_a_terminal_and_erases_it(tmp_path):
    book = tmp_path / "leads 2026.xlsx"
    shutil.copy(SAMPLE, book)
    out, shown, code = run_on_terminal(["-w", str(book), "check"], tmp_path)
    assert code == 0, shown
    assert "Reading leads 2026.xlsx" in shown or "Checking every row" in shown
    assert "Reading" not in out  # the report on stdout stays clean
    assert "Everyday jobs:" in out


def test_piped_output_gets_no_progress(inq, tmp_path, monkeypatch):
    monkeypatch.setenv("INQ_PROGRESS_DELAY", "0")
    book = tmp_path / "leads.xlsx"
    shutil.copy(SAMPLE, book)
    for args in (["check"], ["stats"]):
        result = inq("-w", book, *args)
        assert result.exit_code == 0, result.output
        assert "Reading" not in result.stderr and "Counting" not in result.stderr
        assert "\x1b" not in result.stdout + result.stderr
