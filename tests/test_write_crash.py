"""A write killed at any point (os._exit in a real process: no cleanup runs) leaves the old
or the new workbook whole, no half-made backup, and `undo` doing the right thing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from crash_harness import KILLED, POINTS
from write_helpers import rich_workbook, values

from inquiry_cli.contract.changes import ChangeSet
from inquiry_cli.errors import NotFound
from inquiry_cli.workbook.backups import backup_files, list_backups
from inquiry_cli.workbook.undo import undo
from inquiry_cli.workbook.write import apply

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group:UserWarning")
HARNESS = Path(__file__).with_name("crash_harness.py")
# Points after which the new workbook is in place (the swap happened).
SWAPPED = {"swapped", "before-rotate", "mid-rotate", "before-displaced-check"}


def contacts_ids(book: Path) -> list:
    cells = values(book)["Contacts"]
    return [v for (r, c), v in sorted(cells.items()) if c == 2 and r > 1]


@pytest.mark.parametrize("point", sorted(POINTS))
def test_a_kill_anywhere_leaves_a_whole_workbook_and_a_right_undo(tmp_path, point):
    folder = tmp_path / "w"
    folder.mkdir()
    book = rich_workbook(folder / "customers.xlsx")
    apply(book, _change("FIRST"))  # one earlier write, so undo has history either way
    original = book.read_bytes()
    temp = tmp_path / "temp"  # the killed run's temp folder
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    done = subprocess.run(
        [sys.executable, str(HARNESS), str(book), point], capture_output=True, text=True, env=env
    )
    assert done.returncode == KILLED, done.stdout + done.stderr
    # (POSIX: what inq keeps in the temp folder loses its name as soon as it is open)
    assert os.name != "posix" or not list(temp.iterdir()), "a temp file outlived the kill"

    ids = contacts_ids(book)  # the workbook opens and reads whole
    swapped = point in SWAPPED
    assert ids[-1] == ("KILLED" if swapped else "FIRST")
    if not swapped:
        assert book.read_bytes() == original
    assert not [f for f in backup_files(book) if f.stat().st_size == 0]

    # Undo right after the kill: the killed write if it happened, else the one before.
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    undone = undo(copy / "customers.xlsx")
    assert undone.undid == ("crash at " + point if swapped else "add FIRST")
    assert contacts_ids(copy / "customers.xlsx")[-1] == ("FIRST" if swapped else "B003")

    # The next write cleans up after the killed one and is itself undoable.
    before_next = book.read_bytes()
    result = apply(book, _change("NEXT"))
    assert contacts_ids(book)[-1] == "NEXT"
    assert not list(folder.glob(".~inq-*")), "a leftover of the killed run is still there"
    assert not result.notes  # everything left behind was inq's own
    assert not list((folder / "inq-backups").glob(".~inq-partial-*"))
    undo(book)
    assert book.read_bytes() == before_next
    listed = [e.command for e in list_backups(book)]
    assert listed[:2] == ["undo", "add NEXT"]
    assert ("crash at " + point in listed) == swapped


def _change(text: str) -> ChangeSet:
    cs = ChangeSet(command=f"add {text}")
    cs.append("Contacts", {2: text, 5: "note"})
    return cs


def test_nothing_to_undo_when_the_only_write_was_killed_before_its_swap(tmp_path):
    book = rich_workbook(tmp_path / "customers.xlsx")
    original = book.read_bytes()
    done = subprocess.run([sys.executable, str(HARNESS), str(book), "intent-logged"])
    assert done.returncode == KILLED
    assert book.read_bytes() == original
    with pytest.raises(NotFound, match="nothing to undo"):
        undo(book)
    assert list_backups(book) == []
