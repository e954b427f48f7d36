"""The one gateway every writing command uses: apply a ChangeSet to the workbook, safely.

Order of a write: refuse if open elsewhere -> sidecar lock -> stamp check -> patch into a
temp file beside the workbook (fsynced) -> verify it with an independent reader -> commit
(commit.py: backup, log the intent, swap it in, check what the swap displaced). A crash
anywhere leaves the old or the new workbook whole. A workbook reached through a symbolic
link is written at the link's target; the link stays a link.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from inquiry_cli.contract.changes import ChangeSet
from inquiry_cli.errors import InqError, WorkbookBusy, WorkbookUnreadable
from inquiry_cli.workbook.commit import clear_leftovers, commit, temp_path
from inquiry_cli.workbook.guard import (
    FileStamp,
    Wait,
    check_unchanged,
    exclusive,
    real_path,
    refuse_if_open,
)
from inquiry_cli.workbook.probe import probe, refuse_ods

__all__ = ["FileStamp", "WriteResult", "apply", "formulas_kept"]

# Cells a set was declared for but not written, by sheet: they hold a formula (row, col).
Kept = dict[str, list[tuple[int, int]]]


@dataclass
class WriteResult:
    """What a write did: where appended rows landed, the backup, the new file's stamp."""

    path: Path
    appended_rows: dict[str, list[int]] = field(default_factory=dict)
    added_sheets: list[str] = field(default_factory=list)
    changed_parts: list[str] = field(default_factory=list)
    backup: Path | None = None
    stamp: FileStamp | None = None
    notes: list[str] = field(default_factory=list)  # things the user should hear of
    kept: Kept = field(default_factory=dict)  # formulas left as they are


def formulas_kept(path: Path, changes: ChangeSet) -> Kept:
    """The cells `apply` would leave alone because they hold a formula, without writing
    (for --dry-run: the reader sees only a formula's value, the sheet XML shows the <f>)."""
    from inquiry_cli.workbook.ooxml import ZipSource
    from inquiry_cli.workbook.xlsxpatch import formula_cells

    info = probe(Path(path))
    if not changes.sets or info.ods or info.strict:
        return {}  # (nothing set; or a workbook `apply` refuses to write)
    try:
        with ZipSource(real_path(Path(path))) as src:
            return formula_cells(src, changes)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise WorkbookUnreadable(
            f"{Path(path).name} is damaged ({exc}): restore it from a backup (`inq backups`)"
        ) from None


def apply(
    path: Path,
    changes: ChangeSet,
    *,
    stamp: FileStamp | None = None,
    lock_timeout: Wait = None,
) -> WriteResult:
    """Write `changes` into the workbook at `path`, proving nothing else changed.

    `stamp` is what the caller saw when it read the workbook; if the file has changed
    since, nothing is written (ConcurrentChange). Without it the stamp is taken now.
    """
    from concurrent.futures import ThreadPoolExecutor

    from inquiry_cli.workbook.ooxml import ZipSource
    from inquiry_cli.workbook.verify import verify
    from inquiry_cli.workbook.xlsxpatch import build

    shown = Path(path)
    info = probe(shown)
    refuse_ods(info)
    if info.strict:
        raise WorkbookUnreadable(
            f"{shown.name} is saved as Strict Open XML, which inq cannot edit safely: in Excel "
            "use File > Save As > Excel Workbook (*.xlsx), not Strict Open XML"
        )
    if changes.is_empty():
        return WriteResult(path=shown)
    path = real_path(shown)
    if not os.access(path, os.W_OK):
        raise WorkbookBusy(
            f"{shown.name} is read-only: nothing was written (clear the read-only flag in its "
            "file properties, or check the folder's permissions)"
        )
    refuse_if_open(shown)
    with exclusive(path, lock_timeout, command=changes.command):
        before = FileStamp.of(path) if stamp is None else check_unchanged(path, stamp)
        notes = clear_leftovers(path)
        temp = temp_path(path)
        try:
            with ZipSource(path) as src, ThreadPoolExecutor(max_workers=2) as pool:
                with temp.open("xb") as fh:
                    patched = build(src, changes, fh, pool)
                    fh.flush()
                    os.fsync(fh.fileno())
                verify(path, temp, src, patched)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            temp.unlink(missing_ok=True)
            raise WorkbookUnreadable(
                f"{shown.name} is damaged ({exc}): restore it from a backup (`inq backups`)"
            ) from None
        except OSError as exc:  # read-only folder, disk full, ...
            temp.unlink(missing_ok=True)
            raise InqError(
                f"cannot write a new copy of {shown.name} in {path.parent}: "
                f"{exc.strerror or exc}; nothing was written"
            ) from None
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        done = commit(path, temp, changes.command or "write", before, patched.sha256)
    return WriteResult(
        path=shown,
        appended_rows={
            name: res.appended_rows
            for name, (_p, res) in patched.sheets.items()
            if res.appended_rows
        },
        added_sheets=list(patched.new_sheets),
        changed_parts=sorted([*patched.replaced, *patched.added, *patched.removed]),
        backup=done.backup,
        stamp=done.stamp,
        notes=notes + done.notes,
        kept=_kept(changes, patched.sheets),
    )


def _kept(changes: ChangeSet, sheets: dict) -> Kept:
    """The formulas each sheet kept, by the change set's own sheet names (which may differ
    in case from the workbook's)."""
    out: Kept = {}
    folded = {name.casefold(): res for name, (_p, res) in sheets.items()}
    for name in changes.sets:
        res = sheets[name][1] if name in sheets else folded.get(name.casefold())
        if res is not None and res.kept:
            out[name] = list(res.kept)
    return out
