"""Keep writes away from a workbook someone else has open or is saving.

Three guards: the owner/lock files Excel and LibreOffice leave beside an open workbook,
an exclusive sidecar lock so two `inq` runs never write at once, and a stamp (size,
mtime, hash) taken at read time and re-checked before the file is replaced.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from inquiry_cli.errors import ConcurrentChange, InqError, WorkbookBusy

# Seconds to wait for another inq run to finish before giving up (tests shorten it).
LOCK_TIMEOUT = 5.0
BACKUP_DIR = "inq-backups"


@dataclass(frozen=True)
class FileStamp:
    """What the workbook file was when it was read: enough to notice any later save."""

    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, path: Path) -> FileStamp:
        with path.open("rb") as fh:
            return cls.of_handle(fh)

    @classmethod
    def of_handle(cls, fh: BinaryIO) -> FileStamp:
        """The stamp of the file `fh` has open (from its start), whatever the path holds now."""
        digest = hashlib.sha256()
        st = os.fstat(fh.fileno())
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
        return cls(st.st_size, st.st_mtime_ns, digest.hexdigest())

    def same_content(self, other: FileStamp) -> bool:
        """Same bytes (a touch that only moves mtime is not a change)."""
        return self.size == other.size and self.sha256 == other.sha256

    def to_dict(self) -> dict[str, int | str]:
        return {"size": self.size, "mtime_ns": self.mtime_ns, "sha256": self.sha256}

    @classmethod
    def from_dict(cls, data: dict) -> FileStamp:
        return cls(int(data["size"]), int(data["mtime_ns"]), str(data["sha256"]))


def owner_files(path: Path) -> list[tuple[Path, str]]:
    """Lock files that say the workbook is open: (file, program to close)."""
    name = path.name
    candidates = [
        (path.with_name("~$" + name), "Excel"),
        (path.with_name(".~lock." + name + "#"), "LibreOffice"),
    ]
    if len(name) > 2:
        # Excel shortens the owner file of long names: ~$ + the name minus 2 characters.
        candidates.insert(1, (path.with_name("~$" + name[2:]), "Excel"))
    return [(f, program) for f, program in candidates if f.exists()]


def refuse_if_open(path: Path) -> None:
    """Raise WorkbookBusy while Excel or LibreOffice has the workbook open."""
    found = owner_files(path)
    if found:
        lock, program = found[0]
        raise WorkbookBusy(
            f"{path.name} is open in {program}: close it there and retry "
            f"(if {program} is not running, delete the leftover lock file {lock.name})"
        )


def lock_path(path: Path) -> Path:
    return path.parent / BACKUP_DIR / f"{path.name}.lock"


_HELD: dict[Path, int] = {}  # locks this process holds (re-entrant: read + write share one)


@contextmanager
def exclusive(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the workbook's sidecar lock; wait up to `timeout` s for another inq run.

    Re-entrant within one process: a command holds it from its read to its write, and
    the write path's own `exclusive` then just nests.
    """
    from filelock import FileLock, Timeout

    lock_file = lock_path(path)
    key = lock_file.resolve()
    if _HELD.get(key):
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    try:
        lock_file.parent.mkdir(exist_ok=True)
    except OSError as exc:
        raise InqError(
            f"cannot create {lock_file.parent} for inq's lock and backups: {exc.strerror or exc}"
        ) from None
    wait = LOCK_TIMEOUT if timeout is None else timeout
    lock = FileLock(lock_file, timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise WorkbookBusy(
            f"another inq command is writing {path.name} (waited {wait:g} s): let it finish "
            f"and retry (if none is running, delete {lock_file})"
        ) from None
    _HELD[key] = 1
    try:
        yield
    finally:
        _HELD.pop(key, None)
        lock.release()


def check_unchanged(path: Path, stamp: FileStamp) -> FileStamp:
    """The current stamp; ConcurrentChange if the file's bytes differ from `stamp`."""
    try:
        st = path.stat()
        if st.st_size == stamp.size and st.st_mtime_ns == stamp.mtime_ns:
            return stamp  # untouched since stamped: skip re-hashing
        now = FileStamp.of(path)
    except FileNotFoundError:
        raise ConcurrentChange(
            f"{path.name} was moved or deleted while inq was working: nothing was written"
        ) from None
    if not now.same_content(stamp):
        raise ConcurrentChange(
            f"{path.name} changed on disk since inq read it (saved from Excel?): "
            "nothing was written; run the command again"
        )
    return now
