"""Run one write and kill the process (os._exit: no finally, no cleanup) at a named point.

Usage: python crash_harness.py WORKBOOK POINT. Used by test_write_crash.py to prove that a
kill anywhere in a write leaves the old or the new workbook whole and `undo` right.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from inquiry_cli import fsops
from inquiry_cli.contract.changes import ChangeSet
from inquiry_cli.workbook import backups, commit
from inquiry_cli.workbook.write import apply

KILLED = 137


def die() -> None:
    sys.stdout.flush()
    os._exit(KILLED)


def after(module, name: str, when=lambda result: True) -> None:
    """Kill right after module.name returns (if `when` holds for what it returned)."""
    real = getattr(module, name)

    def wrapper(*args, **kwargs):
        result = real(*args, **kwargs)
        if when(result):
            die()
        return result

    setattr(module, name, wrapper)


def before(module, name: str) -> None:
    def wrapper(*args, **kwargs):
        die()

    setattr(module, name, wrapper)


def mid_backup_copy() -> None:
    """Kill after the first block of the backup copy is written."""
    real = backups.hashlib.sha256

    class Dying:
        def __init__(self) -> None:
            self.inner = real()

        def update(self, data: bytes) -> None:
            die()

        def hexdigest(self) -> str:
            return self.inner.hexdigest()

    backups.hashlib.sha256 = Dying  # type: ignore[assignment]


POINTS = {
    "mid-backup-copy": mid_backup_copy,
    "backup-named": lambda: after(backups, "make_backup"),
    "intent-logged": lambda: after(backups, "record"),
    "swapped": lambda: after(fsops, "exchange", when=bool),
    "before-rotate": lambda: before(backups, "rotate"),
    "mid-rotate": lambda: (setattr(backups, "KEEP", 1), before(backups, "_prune_log")),
    "before-displaced-check": lambda: before(commit, "_is_version"),
}


def main() -> None:
    workbook, point = Path(sys.argv[1]), sys.argv[2]
    POINTS[point]()
    changes = ChangeSet(command=f"crash at {point}")
    changes.append("Contacts", {2: "KILLED", 5: point})
    apply(workbook, changes)
    print("finished without being killed")


if __name__ == "__main__":
    main()
