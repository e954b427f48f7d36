"""`undo`: put back the version before the last inq write, through the same safe swap.

The last write is found by the stamps in the backup log, not by its last line: a line
logged for a write that a crash stopped short of its swap (the file still holds its
"before") is passed over, so undo is right after a kill at any point.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from inquiry_cli.errors import ConcurrentChange, FidelityError, InqError, NotFound
from inquiry_cli.workbook import backups
from inquiry_cli.workbook.commit import clear_leftovers, commit, temp_path
from inquiry_cli.workbook.guard import FileStamp, Wait, exclusive, real_path, refuse_if_open
from inquiry_cli.workbook.probe import probe, refuse_ods


@dataclass(frozen=True)
class UndoResult:
    """What undo restored, and the backup it made of the state it replaced."""

    path: Path
    restored_from: Path
    undid: str
    backup: Path
    notes: tuple[str, ...] = ()


def last_write(path: Path, current: FileStamp) -> backups.BackupEntry:
    """The logged write that produced the file as it is now."""
    entries = backups.read_log(path)
    if not entries:
        raise NotFound(f"nothing to undo: inq has not written {path.name} (no backups)")
    for entry in reversed(entries):
        if entry.after is not None and current.same_content(entry.after):
            return entry
        if entry.before is not None and current.same_content(entry.before):
            continue  # logged, but the write never happened (a crash, or a refusal)
        raise ConcurrentChange(
            f"{path.name} changed since inq's last write ({entry.command}, "
            f"{entry.time:%Y-%m-%d %H:%M}), probably in Excel, so undo would lose that edit; "
            f"to go back anyway, copy {entry.file} over {path.name} by hand"
        )
    raise NotFound(f"nothing to undo: none of inq's logged writes made {path.name} as it is now")


def undo(path: Path, *, lock_timeout: Wait = None) -> UndoResult:
    """Put back the version before the last inq write (itself a write: undo again redoes)."""
    shown = Path(path)
    refuse_ods(probe(shown))
    real = real_path(shown)
    refuse_if_open(shown)
    with exclusive(real, lock_timeout, command="inq undo"):
        notes = clear_leftovers(real)
        current = FileStamp.of(real)
        last = last_write(real, current)
        if not last.file.exists():
            raise NotFound(f"the backup of the last write is gone ({last.file}): cannot undo")
        temp = temp_path(real)
        try:
            with last.file.open("rb") as src, temp.open("xb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
                dst.flush()
                os.fsync(dst.fileno())
            restored = FileStamp.of(temp)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            raise InqError(
                f"cannot write a new copy of {shown.name} in {real.parent}: "
                f"{exc.strerror or exc}; nothing was changed"
            ) from None
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        if last.before is not None and not restored.same_content(last.before):
            temp.unlink(missing_ok=True)
            raise FidelityError(
                f"backup {last.file.name} does not match what inq saved: restore it by hand"
            )
        done = commit(real, temp, "undo", current, restored.sha256)
    return UndoResult(
        path=shown,
        restored_from=last.file,
        undid=last.command,
        backup=done.backup,
        notes=tuple(notes + done.notes),
    )
