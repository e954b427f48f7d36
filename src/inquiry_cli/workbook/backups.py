"""Backups beside the workbook (inq-backups/) and their log: what `inq backups` lists.

Every write first copies the current file to inq-backups/<stem>.<UTC time>-<seq><suffix>
and logs what is about to replace it (command, stamps before and after) *before* the
swap, so `inq undo` works after a crash at any point. Names sort by a sequence number,
not by a clock that a trip west or the end of summer time turns back. A copy is made
under a temporary name and only then given its backup name, so a full disk never leaves
a truncated file that passes for a backup. Only the last KEEP backups are kept.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from inquiry_cli import fsops
from inquiry_cli.contract.places import BACKUP_DIR
from inquiry_cli.errors import InqError
from inquiry_cli.workbook.guard import FileStamp

KEEP = 10
_PARTIAL = ".~inq-partial-"


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


def backup_dir(path: Path) -> Path:
    return path.parent / BACKUP_DIR


def log_path(path: Path) -> Path:
    return backup_dir(path) / f"{path.name}.log.jsonl"


def _pattern(path: Path) -> re.Pattern[str]:
    """Backup names of this workbook: <stem>.<UTC>-<seq><suffix>, or the older
    <stem>.<local time><suffix> (sorted before every numbered one)."""
    return re.compile(
        re.escape(path.stem)
        + r"\.(?:(\d{8}T\d{6}Z)-(\d+)|\d{8}-\d{6}-\d{6})"
        + re.escape(path.suffix)
        + "$"
    )


def _sequence(name: str, pattern: re.Pattern[str]) -> tuple[int, str] | None:
    m = pattern.match(name)
    if m is None:
        return None
    return (int(m.group(2)) if m.group(2) else 0, name)


def backup_files(path: Path) -> list[Path]:
    """This workbook's backups, oldest first (by sequence number)."""
    folder = backup_dir(path)
    pattern = _pattern(path)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    keyed = [(k, n) for n in names if (k := _sequence(n, pattern)) is not None]
    return [folder / n for _k, n in sorted(keyed)]


def _fail(path: Path, what: str, exc: OSError) -> InqError:
    return InqError(
        f"cannot {what} in {backup_dir(path)}: {exc.strerror or exc}; nothing was written "
        f"to {path.name}"
    )


def make_backup(path: Path, expected: FileStamp | None = None) -> Path:
    """Copy the workbook as it is now into inq-backups/ under the next numbered name.

    The copy is written under a temporary name, flushed to disk and checked (its hash
    must be `expected`'s, the version inq read) before it takes its backup name; any
    failure (disk full, read-only folder) removes it and is one InqError.
    """
    folder = backup_dir(path)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise _fail(path, "create the backup folder", exc) from None
    _clear_partials(path)
    files = backup_files(path)
    seq = max((_sequence(f.name, _pattern(path)) or (0, ""))[0] for f in files) if files else 0
    when = dt.datetime.now(dt.UTC)
    partial = folder / f"{_PARTIAL}{path.name}.{os.getpid()}"
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as src, partial.open("xb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
                digest.update(chunk)
                size += len(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        with contextlib.suppress(OSError):
            os.utime(partial, ns=(os.stat(path).st_atime_ns, os.stat(path).st_mtime_ns))
        if expected is not None and (size, digest.hexdigest()) != (expected.size, expected.sha256):
            from inquiry_cli.errors import ConcurrentChange

            partial.unlink(missing_ok=True)
            raise ConcurrentChange(
                f"{path.name} changed on disk while inq was saving it (saved from Excel?): "
                "nothing was written; run the command again"
            )
        while True:
            seq += 1
            target = folder / f"{path.stem}.{when:%Y%m%dT%H%M%SZ}-{seq:04d}{path.suffix}"
            try:
                fsops.rename_noreplace(partial, target)
                break
            except FileExistsError:
                continue
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise _fail(path, "back up the workbook", exc) from None
    fsops.fsync_dir(folder)
    return target


def _clear_partials(path: Path) -> None:
    """Remove copies a killed run left half-written (never counted as backups)."""
    folder = backup_dir(path)
    prefix = f"{_PARTIAL}{path.name}."
    with contextlib.suppress(OSError):
        for name in os.listdir(folder):
            if name.startswith(prefix):
                pid = name[len(prefix) :]
                if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
                    continue  # another run's copy in progress (it holds the lock: unlikely)
                with contextlib.suppress(OSError):
                    (folder / name).unlink()


def _alive(pid: int) -> bool:
    if os.name != "posix":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def record(path: Path, command: str, backup: Path, before: FileStamp, after: FileStamp) -> None:
    """Log a write before it happens: one fsynced line. Undo trusts a line only as far as
    the stamps prove it (the file now is `after`), so a line for a write that a crash
    stopped short does no harm. Failure is one InqError, with the workbook untouched."""
    entry = {
        "time": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": command,
        "backup": backup.name,
        "before": before.to_dict(),
        "after": after.to_dict(),
    }
    try:
        with log_path(path).open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise _fail(path, "write the backup log", exc) from None


def read_log(path: Path) -> list[BackupEntry]:
    log = log_path(path)
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    entries = []
    for line in text.splitlines():
        try:
            data = json.loads(line)
            entries.append(
                BackupEntry(
                    time=dt.datetime.fromisoformat(data["time"]),
                    command=str(data.get("command", "")),
                    file=backup_dir(path) / Path(str(data["backup"])).name,
                    before=FileStamp.from_dict(data["before"]) if data.get("before") else None,
                    after=FileStamp.from_dict(data["after"]) if data.get("after") else None,
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # a damaged line (e.g. a crash mid-append) is skipped, not fatal
    return entries


def known_hashes(path: Path) -> set[str]:
    """Every content hash the log names: versions inq read or wrote."""
    out: set[str] = set()
    for e in read_log(path):
        out |= {s.sha256 for s in (e.before, e.after) if s is not None}
    return out


def rotate(path: Path, keep: int | None = None) -> None:
    """Delete all but the newest `keep` backups of this workbook, and their log lines.

    Best effort: the write has already happened, so a failure here is not an error.
    """
    keep = KEEP if keep is None else keep
    files = backup_files(path)
    if len(files) <= keep:
        return
    with contextlib.suppress(OSError):
        for old in files[:-keep]:
            old.unlink(missing_ok=True)
        _prune_log(path)


def _prune_log(path: Path) -> None:
    log = log_path(path)
    if not log.is_file():
        return
    folder = backup_dir(path)
    lines = []
    for raw in log.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            if (folder / Path(str(json.loads(raw)["backup"])).name).exists():
                lines.append(raw)
        except (ValueError, KeyError, TypeError):
            continue
    tmp = log.with_name(log.name + f".{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write("".join(line + "\n" for line in lines))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, log)
    finally:
        tmp.unlink(missing_ok=True)


def list_backups(path: Path) -> list[BackupEntry]:
    """The writes that happened, newest first, whose backups still exist.

    A logged write happened if a later write started from what it made, or the file is
    what it made; a line logged for a write that a crash or a refusal stopped short is
    not listed.
    """
    entries = read_log(path)
    try:
        current: FileStamp | None = FileStamp.of(path) if entries else None
    except OSError:
        current = None
    happened = []
    for i, e in enumerate(entries):
        later = next((x.before for x in entries[i + 1 :] if x.before is not None), current)
        if e.after is None or later is None or e.after.same_content(later):
            happened.append(e)
    return [e for e in reversed(happened) if e.file.exists()]
