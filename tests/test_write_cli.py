"""`inq backups` and `inq undo` through the CLI: output, --json and exit codes."""

from __future__ import annotations

import json

from typer.testing import CliRunner
from write_helpers import rich_workbook

from inquiry_cli.cli.app import app
from inquiry_cli.contract.changes import ChangeSet
from inquiry_cli.workbook.write import apply


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_backups_and_undo(tmp_path):
    book = rich_workbook(tmp_path / "customers.xlsx")
    original = book.read_bytes()

    empty = run("-w", book, "backups")
    assert empty.exit_code == 0 and "No backups" in empty.output
    nothing = run("-w", book, "undo")
    assert nothing.exit_code == 1 and "nothing to undo" in nothing.output

    cs = ChangeSet(command="log B001")
    cs.append("Contacts", {2: "B001", 5: "called"})
    result = apply(book, cs)

    listed = run("-w", book, "backups")
    assert listed.exit_code == 0
    assert "log B001" in listed.output and result.backup.name in listed.output

    as_json = json.loads(run("-w", book, "backups", "--json").output)
    assert as_json[0]["command"] == "log B001"
    assert as_json[0]["file"].endswith(result.backup.name) and as_json[0]["exists"] is True
    assert set(as_json[0]) == {"time", "command", "file", "exists"}

    undone = run("-w", book, "undo")
    assert undone.exit_code == 0, undone.output
    assert "Undid log B001" in undone.output
    assert book.read_bytes() == original


def test_undo_refused_after_outside_edit(tmp_path):
    book = rich_workbook(tmp_path / "customers.xlsx")
    cs = ChangeSet(command="grade")
    cs.set("Buyers", 3, 6, "B")
    result = apply(book, cs)
    with book.open("ab") as fh:
        fh.write(b"\0")
    out = run("-w", book, "undo")
    assert out.exit_code == 1
    assert out.output.startswith("Error: ") and result.backup.name in out.output
    assert "Traceback" not in out.output


def test_undo_while_open_in_excel(tmp_path):
    book = rich_workbook(tmp_path / "customers.xlsx")
    (tmp_path / "~$customers.xlsx").write_bytes(b"x")
    out = run("-w", book, "undo")
    assert out.exit_code == 1 and "open in Excel" in out.output


def test_help_has_examples():
    for cmd in ("undo", "backups"):
        out = run(cmd, "--help")
        assert out.exit_code == 0 and "Example: inq" in out.output
