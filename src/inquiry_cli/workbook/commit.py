"""Put a finished, verified temp file in the workbook's place, losing nothing it displaces.

`os.replace` would overwrite a save that Excel or a sync client makes in the instant
between inq's last check and the replace. Instead the new file is swapped in (Linux
renameat2 RENAME_EXCHANGE, macOS RENAME_SWAP, Windows ReplaceFileW with a backup name;
elsewhere: move the workbook aside, then place the new file without overwriting), which
hands back exactly the file it displaced. That file is compared with the version inq
read: the same, it is dropped (the backup already holds it); different, it is put back
and the command reports that its change was not made.

Order: backup copy (checked against the read stamp) -> log line (the intent, fsynced)
-> swap -> check what was displaced -> rotate. A kill at any point leaves the old or the
new workbook whole, and `inq undo` right.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from inquiry_cli import fsops
from inquiry_cli.errors import ConcurrentChange, InqError, WorkbookBusy
from inquiry_cli.workbook import backups
from inquiry_cli.workbook.guard import FileStamp, check_unchanged, refuse_if_open


@dataclass
class Committed:
    """A replaced workbook: its backup, the new file's stamp, and anything to tell."""

    backup: Path
    stamp: FileStamp
    notes: list[str] = field(default_factory=list)


def temp_path(path: Path) -> Path:
    """The temp file a write builds, beside the workbook (same volume, so a swap is atomic);
    it keeps the workbook's extension, which readers go by."""
    return path.with_name(f".~inq-{path.stem}.tmp{path.suffix}")


def _staged_path(path: Path) -> Path:
    """The verified new version, logged, about to be swapped in (then: what it displaced)."""
    return path.with_name(f".~inq-{path.name}.new")


def _aside_path(path: Path) -> Path:
    return path.with_name(f".~inq-{path.name}.old")


def clear_leftovers(path: Path) -> list[str]:
    """Deal with files a killed inq run left beside the workbook; what to tell the user.

    The temp file is always inq's own (half-built, or verified but never logged): removed.
    A staged or set-aside file is inq's new version or the version a swap displaced; if
    the backup log knows its bytes it is removed, else (a save that a swap displaced just
    before the kill) it is kept in inq-backups/.
    """
    notes: list[str] = []
    temp_path(path).unlink(missing_ok=True)
    path.with_name(f".~inq-{path.name}.tmp").unlink(missing_ok=True)  # inq before 0.2
    for left in (_staged_path(path), _aside_path(path)):
        if not left.is_file() or left.is_symlink():
            if left.is_symlink():
                left.unlink()
            continue
        if not zipfile.is_zipfile(left):
            left.unlink()
            continue
        stamp = FileStamp.of(left)
        known = backups.known_hashes(path) | {
            FileStamp.of(f).sha256 for f in backups.backup_files(path)[-2:]
        }
        if stamp.sha256 in known or _same(path, stamp):
            left.unlink()
            continue
        kept = _keep(path, left, "recovered")
        notes.append(
            f"An interrupted inq run had set aside a version of {path.name} that is in no "
            f"backup: kept it as {kept}"
        )
    return notes


def _same(path: Path, stamp: FileStamp) -> bool:
    try:
        return FileStamp.of(path).same_content(stamp)
    except OSError:
        return False


def _keep(path: Path, file: Path, why: str) -> Path:
    """Move `file` into inq-backups/ under a name that says why it is there."""
    folder = backups.backup_dir(path)
    folder.mkdir(exist_ok=True)
    when = dt.datetime.now(dt.UTC)
    n = 0
    while True:
        n += 1
        target = folder / f"{path.stem}.{why}-{when:%Y%m%dT%H%M%SZ}-{n}{path.suffix}"
        try:
            fsops.rename_noreplace(file, target)
            return target
        except FileExistsError:
            continue


def commit(
    path: Path, temp: Path, command: str, before: FileStamp, temp_sha256: str | None = None
) -> Committed:
    """Back up the workbook, log the intent, and swap `temp` in; check what was displaced.

    `path` is the real file (symlinks resolved). `temp_sha256` (known when the temp was
    written) spares hashing the new file again. From here on commit owns `temp`: it is
    removed on failure, and after the swap its name holds the displaced file, which only
    commit (or, after a kill, `clear_leftovers`) may remove.
    """
    from inquiry_cli.workbook import early

    try:
        early.finish()  # its thread may still have the workbook open (Windows: no replace)
        refuse_if_open(path)
        check_unchanged(path, before)
        backup = backups.make_backup(path, before)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    try:
        with contextlib.suppress(OSError):
            shutil.copymode(path, temp)  # keep the workbook's permissions
        st = os.stat(temp)
        after = (
            FileStamp.of(temp)
            if temp_sha256 is None
            else FileStamp(st.st_size, st.st_mtime_ns, temp_sha256)
        )
        backups.record(path, command, backup, before, after)
        staged = _staged_path(path)
        os.replace(temp, staged)  # from here a leftover is told apart by the log's hashes
        displaced = _swap_in(path, staged)
    except ConcurrentChange:
        temp.unlink(missing_ok=True)
        _staged_path(path).unlink(missing_ok=True)
        raise  # the version inq read stays in its backup
    except BaseException:
        temp.unlink(missing_ok=True)
        _staged_path(path).unlink(missing_ok=True)
        backup.unlink(missing_ok=True)
        raise
    fsops.fsync_dir(path.parent)
    if not _is_version(displaced, before):
        _put_back(path, displaced, backup)  # raises ConcurrentChange
    displaced.unlink(missing_ok=True)
    backups.rotate(path)
    return Committed(backup, after)


def _swap_in(path: Path, temp: Path) -> Path:
    """Put `temp` at `path`; where the file it displaced is now. Nothing changes on error."""
    try:
        if fsops.exchange(temp, path):
            return temp
        aside = _aside_path(path)
        aside.unlink(missing_ok=True)
        if fsops.replace_keeping(path, temp, aside):
            return aside
        os.rename(path, aside)  # whatever is at path now goes aside, whole
        try:
            fsops.rename_noreplace(temp, path)
        except BaseException:
            # A save landed at `path` while the workbook was aside (or the move failed):
            # theirs stays; ours is dropped; the version aside is in the backup.
            if not path.exists():
                os.rename(aside, path)
            raise
        return aside
    except FileExistsError:
        raise ConcurrentChange(
            f"{path.name} was saved by another program while inq was writing: that save "
            "is kept and inq's change was not made; run the command again"
        ) from None
    except PermissionError:
        raise WorkbookBusy(
            f"cannot save {path.name}: another program has it open (Excel?); close it and retry"
        ) from None
    except OSError as exc:
        raise InqError(f"cannot save {path.name}: {exc.strerror or exc}") from None


def _is_version(file: Path, stamp: FileStamp) -> bool:
    """Whether `file` holds exactly the bytes inq read (size, then SHA-256)."""
    try:
        if file.stat().st_size != stamp.size:
            return False
        return FileStamp.of(file).same_content(stamp)
    except OSError:
        return False


def _put_back(path: Path, displaced: Path, backup: Path) -> None:
    """An outside save was displaced by the swap: put it back in place, drop inq's version.

    If it cannot be put back, it is kept in inq-backups/ and the message says where.
    """
    ours = _staged_path(path) if displaced != _staged_path(path) else temp_path(path)
    try:
        if fsops.exchange(displaced, path):
            os.unlink(displaced)  # after the swap back, inq's new version
        else:
            ours.unlink(missing_ok=True)
            os.rename(path, ours)
            fsops.rename_noreplace(displaced, path)
            ours.unlink(missing_ok=True)
    except OSError:
        if not displaced.exists():
            raise
        kept = _keep(path, displaced, "saved-elsewhere")
        now = "inq's change was not made" if ours.exists() else "inq's change is in the workbook"
        raise ConcurrentChange(
            f"{path.name} was saved by another program while inq was writing; {now}, and "
            f"that other save is kept as {kept}"
        ) from None
    backup.unlink(missing_ok=True)
    fsops.fsync_dir(path.parent)
    raise ConcurrentChange(
        f"{path.name} was saved by another program while inq was writing: that save is kept "
        "and inq's change was not made; run the command again"
    )
