"""Keep writes away from a workbook someone else has open or is saving.

Three guards: the owner/lock files Excel and LibreOffice leave beside an open workbook,
an exclusive sidecar lock so two `inq` runs never write at once, and a stamp (size,
mtime, hash) taken at read time and re-checked before the file is replaced.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from inquiry_cli.contract.places import BACKUP_DIR
from inquiry_cli.errors import ConcurrentChange, InqError, WorkbookBusy

# Seconds a write waits for another inq run to finish (Settings lock_wait_seconds).
LOCK_WAIT = 60.0


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


def real_path(path: Path) -> Path:
    """The file a workbook path names, symlinks followed: a write replaces that file (the
    link stays a link), and its lock and backups live beside it."""
    return Path(os.path.realpath(path))


def owner_files(path: Path) -> list[tuple[Path, str]]:
    """Lock files that say the workbook is open: (file, program to close).

    Looked for beside the path given and beside the real file, since Excel leaves its
    owner file in the folder it opened the workbook from (a link's or the target's).
    """
    found: list[tuple[Path, str]] = []
    for where in dict.fromkeys([Path(path), real_path(path)]):
        name = where.name
        candidates = [
            (where.with_name("~$" + name), "Excel"),
            (where.with_name(".~lock." + name + "#"), "LibreOffice"),
        ]
        if len(name) > 2:
            # Excel shortens the owner file of long names: ~$ + the name minus 2 characters.
            candidates.insert(1, (where.with_name("~$" + name[2:]), "Excel"))
        found += [(f, program) for f, program in candidates if f.exists()]
    return found


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
    real = real_path(path)
    return real.parent / BACKUP_DIR / f"{real.name}.lock"


@dataclass(frozen=True)
class Holder:
    """Who holds a workbook's write lock (written beside the lock; only ever informative)."""

    pid: int
    command: str
    since: str

    def describe(self) -> str:
        return f"pid {self.pid}, since {self.since}: {self.command}"


def _holder_path(lock_file: Path) -> Path:
    return lock_file.with_name(lock_file.name + ".holder")


def holder(path: Path) -> Holder | None:
    """The inq run holding the workbook's lock, if it said so and is still alive."""
    try:
        data = json.loads(_holder_path(lock_path(path)).read_text(encoding="utf-8"))
        found = Holder(int(data["pid"]), str(data.get("command", "")), str(data.get("since", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if found.pid != os.getpid() and not _alive(found.pid):
        return None  # a killed run: its lock went with it
    return found


def _alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # cannot tell cheaply; the message stays informative
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _say_holder(lock_file: Path, command: str) -> None:
    """Leave a note of who holds the lock (best effort: the lock itself is the flock)."""
    note = _holder_path(lock_file)
    tmp = note.with_name(f"{note.name}.{os.getpid()}.tmp")
    since = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    try:
        tmp.write_text(
            json.dumps({"pid": os.getpid(), "command": command, "since": since}),
            encoding="utf-8",
        )
        os.replace(tmp, note)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _unsay_holder(lock_file: Path) -> None:
    note = _holder_path(lock_file)
    try:
        data = json.loads(note.read_text(encoding="utf-8"))
        if int(data.get("pid", -1)) == os.getpid():
            note.unlink()
    except (OSError, ValueError, TypeError):
        return


_HELD: dict[Path, int] = {}  # locks this process holds (re-entrant: read + write share one)
Wait = float | Callable[[], float] | None


@contextmanager
def exclusive(
    path: Path,
    timeout: Wait = None,
    on_wait: Callable[[Holder | None, float], None] | None = None,
    command: str = "",
) -> Iterator[None]:
    """Hold the workbook's sidecar lock; wait for another inq run to let go.

    `timeout` (seconds, or a function giving them: the Settings sheet is read only when
    someone else holds the lock) defaults to LOCK_WAIT. `on_wait` is told once, before
    waiting, who holds it. The lock is an OS lock (flock): it dies with its process, so
    a leftover lock file never blocks anyone and never needs deleting.

    Re-entrant within one process: a command holds it from its read to its write, and
    the write path's own `exclusive` then just nests.
    """
    from filelock import FileLock, Timeout

    lock_file = lock_path(path)
    key = lock_file
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
    lock = FileLock(lock_file, timeout=0)
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            wait = timeout() if callable(timeout) else timeout
            wait = LOCK_WAIT if wait is None else wait
            who = holder(path)
            if on_wait is not None:
                on_wait(who, wait)
            try:
                lock.acquire(timeout=wait)
            except Timeout:
                by = f" ({who.describe()})" if who else ""
                raise WorkbookBusy(
                    f"another inq run is still writing {path.name} after {wait:g} s{by}: "
                    "let it finish, then run the command again"
                ) from None
    except OSError as exc:  # lock file in a folder that went read-only, ...
        raise InqError(f"cannot lock {lock_file}: {exc.strerror or exc}") from None
    _HELD[key] = 1
    _say_holder(lock_file, command)
    try:
        yield
    finally:
        _HELD.pop(key, None)
        _unsay_holder(lock_file)
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
