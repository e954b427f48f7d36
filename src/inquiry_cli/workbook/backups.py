"""Backups beside the workbook (inq-backups/), their log, and undo through the safe path.

Every write first copies the current file to inq-backups/<stem>.<time><suffix> and logs
what made it, so `inq backups` can list them and `inq undo` can put the last one back.
Only the last KEEP backups per workbook are kept.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from inquiry_cli.errors import ConcurrentChange, FidelityError, NotFound, WorkbookNotFound
from inquiry_cli.workbook.guard import BACKUP_DIR, FileStamp, exclusive, refuse_if_open

KEEP = 10


@dataclass(frozen=True)
class BackupEntry:
    """One logged write: when, which command, the backup of the version it replaced."""

    time: dt.datetime
    command: str
    file: Path
    before: FileStamp | None
    after: FileStamp | None

    def to_json(self) -> dict:
        return {
            "time": self.time.isoformat(timespec="seconds"),
            "command": self.command,
            "file": str(self.file),
            "exists": self.file.exists(),
        }


@dataclass(frozen=True)
class UndoResult:
    """What undo restored, and the backup it made of the state it replaced."""

    path: Path
    restored_from: Path
    undid: str
    backup: Path


def backup_dir(path: Path) -> Path:
    return path.parent / BACKUP_DIR


def log_path(path: Path) -> Path:
    return backup_dir(path) / f"{path.name}.log.jsonl"


def _pattern(path: Path) -> re.Pattern[str]:
    return re.compile(re.escape(path.stem) + r"\.\d{8}-\d{6}-\d{6}" + re.escape(path.suffix) + "$")


def make_backup(path: Path) -> Path:
    """Copy the workbook as it is now into inq-backups/ under a time-stamped name."""
    folder = backup_dir(path)
    folder.mkdir(exist_ok=True)
    when = dt.datetime.now()
    while True:
        target = folder / f"{path.stem}.{when:%Y%m%d-%H%M%S-%f}{path.suffix}"
        if not target.exists():
            break
        when += dt.timedelta(microseconds=1)
    shutil.copy2(path, target)
    return target


def record(path: Path, command: str, backup: Path, before: FileStamp, after: FileStamp) -> None:
    """Append one line to the workbook's backup log."""
    entry = {
        "time": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": command,
        "backup": backup.name,
        "before": before.to_dict(),
        "after": after.to_dict(),
    }
    with log_path(path).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _read_log(path: Path) -> list[BackupEntry]:
    log = log_path(path)
    if not log.is_file():
        return []
    entries = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(line)
            entries.append(
                BackupEntry(
                    time=dt.datetime.fromisoformat(data["time"]),
                    command=str(data.get("command", "")),
                    file=backup_dir(path) / data["backup"],
                    before=FileStamp.from_dict(data["before"]) if data.get("before") else None,
                    after=FileStamp.from_dict(data["after"]) if data.get("after") else None,
                )
            )
        except (ValueError, KeyError, TypeError):
            continue  # a damaged line (e.g. a crash mid-append) is skipped, not fatal
    return entries


def rotate(path: Path, keep: int = KEEP) -> None:
    """Delete all but the newest `keep` backups of this workbook, and their log lines."""
    folder = backup_dir(path)
    pattern = _pattern(path)
    files = sorted(f for f in folder.iterdir() if pattern.match(f.name))
    if len(files) <= keep:
        return
    for old in files[:-keep]:
        old.unlink(missing_ok=True)
    log = log_path(path)
    if not log.is_file():
        return
    lines = []
    for raw in log.read_text(encoding="utf-8").splitlines():
        try:
            if (folder / json.loads(raw)["backup"]).exists():
                lines.append(raw)
        except (ValueError, KeyError, TypeError):
            continue
    tmp = log.with_name(log.name + ".tmp")
    tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    os.replace(tmp, log)


def list_backups(path: Path) -> list[BackupEntry]:
    """The workbook's backups that still exist, newest first."""
    return [e for e in reversed(_read_log(path)) if e.file.exists()]


def undo(path: Path, *, lock_timeout: float | None = None) -> UndoResult:
    """Put back the version before the last inq write, through the same safe path."""
    from inquiry_cli.workbook.write import commit, temp_path

    if not path.is_file():
        raise WorkbookNotFound(f"no such workbook: {path}")
    refuse_if_open(path)
    with exclusive(path, lock_timeout):
        entries = _read_log(path)
        if not entries:
            raise NotFound(f"nothing to undo: inq has not written {path.name} (no backups)")
        last = entries[-1]
        if not last.file.exists():
            raise NotFound(f"the backup of the last write is gone ({last.file}): cannot undo")
        current = FileStamp.of(path)
        if last.after is None or not current.same_content(last.after):
            raise ConcurrentChange(
                f"{path.name} changed since inq's last write ({last.command}, "
                f"{last.time:%Y-%m-%d %H:%M}), probably in Excel, so undo would lose that edit; "
                f"to go back anyway, copy {last.file} over {path.name} by hand"
            )
        temp = temp_path(path)
        try:
            shutil.copyfile(last.file, temp)
            with temp.open("rb+") as fh:
                os.fsync(fh.fileno())
            restored = FileStamp.of(temp)
            if last.before is not None and not restored.same_content(last.before):
                raise FidelityError(
                    f"backup {last.file.name} does not match what inq saved: restore it by hand"
                )
            backup, _after = commit(path, temp, "undo", current)
        finally:
            temp.unlink(missing_ok=True)
    return UndoResult(path=path, restored_from=last.file, undid=last.command, backup=backup)
