"""The one gateway every writing command uses: apply a ChangeSet to the workbook, safely.

Order of a write: refuse if open elsewhere -> sidecar lock -> stamp check -> patch into a
temp file beside the workbook (fsynced) -> verify it with an independent reader ->
re-check the stamp -> back up the current file -> os.replace. A crash anywhere leaves the
old or the new workbook whole; the temp file is always removed.
"""

from __future__ import annotations

import os
import shutil
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from inquiry_cli.errors import InqError, WorkbookBusy, WorkbookUnreadable
from inquiry_cli.workbook import backups
from inquiry_cli.workbook.changes import ChangeSet
from inquiry_cli.workbook.guard import (
    FileStamp,
    check_unchanged,
    exclusive,
    refuse_if_open,
)
from inquiry_cli.workbook.probe import probe

__all__ = ["FileStamp", "WriteResult", "apply", "commit", "temp_path"]


@dataclass
class WriteResult:
    """What a write did: where appended rows landed, the backup, the new file's stamp."""

    path: Path
    appended_rows: dict[str, list[int]] = field(default_factory=dict)
    added_sheets: list[str] = field(default_factory=list)
    changed_parts: list[str] = field(default_factory=list)
    backup: Path | None = None
    stamp: FileStamp | None = None


def temp_path(path: Path) -> Path:
    """The temp file a write builds, beside the workbook (same volume, so replace is atomic)."""
    return path.with_name(f".~inq-{path.name}.tmp")


def commit(
    path: Path, temp: Path, command: str, before: FileStamp, temp_sha256: str | None = None
) -> tuple[Path, FileStamp]:
    """Back up the current workbook and atomically put `temp` in its place; log it.

    `temp_sha256` (known when the temp was written) spares hashing the new file again.
    """
    from inquiry_cli.workbook import prefetch

    prefetch.finish()  # its thread may still have the workbook open (Windows: no replace)
    refuse_if_open(path)
    check_unchanged(path, before)
    backup = backups.make_backup(path)
    try:
        shutil.copymode(path, temp)  # keep the workbook's permissions
        os.replace(temp, path)
    except PermissionError:
        backup.unlink(missing_ok=True)
        raise WorkbookBusy(
            f"cannot save {path.name}: another program has it open (Excel?); close it and retry"
        ) from None
    except OSError as exc:
        backup.unlink(missing_ok=True)
        raise InqError(f"cannot save {path.name}: {exc.strerror or exc}") from None
    _fsync_dir(path.parent)
    if temp_sha256 is None:
        after = FileStamp.of(path)
    else:
        st = path.stat()
        after = FileStamp(st.st_size, st.st_mtime_ns, temp_sha256)
    backups.record(path, command, backup, before, after)
    backups.rotate(path)
    return backup, after


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable (POSIX only; Windows has no directory handles for this)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def apply(
    path: Path,
    changes: ChangeSet,
    *,
    stamp: FileStamp | None = None,
    lock_timeout: float | None = None,
) -> WriteResult:
    """Write `changes` into the workbook at `path`, proving nothing else changed.

    `stamp` is what the caller saw when it read the workbook; if the file has changed
    since, nothing is written (ConcurrentChange). Without it the stamp is taken now.
    """
    from concurrent.futures import ThreadPoolExecutor

    from inquiry_cli.workbook.ooxml import ZipSource
    from inquiry_cli.workbook.verify import verify
    from inquiry_cli.workbook.xlsxpatch import build

    path = Path(path)
    info = probe(path)
    if info.strict:
        raise WorkbookUnreadable(
            f"{path.name} is saved as Strict Open XML, which inq cannot edit safely: in Excel "
            "use File > Save As > Excel Workbook (*.xlsx), not Strict Open XML"
        )
    if changes.is_empty():
        return WriteResult(path=path)
    if not os.access(path, os.W_OK):
        raise WorkbookBusy(
            f"{path.name} is read-only: nothing was written (clear the read-only flag in its "
            "file properties, or check the folder's permissions)"
        )
    refuse_if_open(path)
    with exclusive(path, lock_timeout):
        before = FileStamp.of(path) if stamp is None else check_unchanged(path, stamp)
        temp = temp_path(path)
        try:
            try:
                with ZipSource(path) as src, ThreadPoolExecutor(max_workers=2) as pool:
                    with temp.open("wb") as fh:
                        patched = build(src, changes, fh, pool)
                        fh.flush()
                        os.fsync(fh.fileno())
                    verify(path, temp, src, patched)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise WorkbookUnreadable(
                    f"{path.name} is damaged ({exc}): restore it from a backup (`inq backups`)"
                ) from None
            except OSError as exc:  # read-only folder, disk full, ...
                raise InqError(
                    f"cannot write a new copy of {path.name} in {path.parent}: "
                    f"{exc.strerror or exc}"
                ) from None
            backup, after = commit(path, temp, changes.command or "write", before, patched.sha256)
        finally:
            temp.unlink(missing_ok=True)
    return WriteResult(
        path=path,
        appended_rows={
            name: res.appended_rows
            for name, (_p, res) in patched.sheets.items()
            if res.appended_rows
        },
        added_sheets=list(patched.new_sheets),
        changed_parts=sorted([*patched.replaced, *patched.added, *patched.removed]),
        backup=backup,
        stamp=after,
    )
