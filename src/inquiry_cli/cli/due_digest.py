"""`inq due` run again the same day on an unchanged workbook answers from its digest.

After a `due` that read the workbook, its ranked list is written to the cache folder
(workbook/index.py, kind "due": one file per workbook and list asked for, i.e. the day
and the horizon). A later `due` that asks for the same list of an unchanged file (the
same identity, inq and Python) ranks the replies owed at its own hour, works out the
buyers' local time at its own minute and shows the rest as written; it reads nothing.
Anything else, any doubt or damage, and the workbook is read as without one. Never
used for a write: writes verify against the file itself.

The digest is written by a copy of the run forked once it has answered (POSIX: the user
is not kept waiting and nothing is read twice); where there is no fork (Windows), by a
background process that reads the workbook again (build()). A write (`log`, `quote`...)
makes today's digests of the workbook stale: after_write() has a background process
write them again for the new file, so the `due` after a `log` is quick too. INQ_INDEX as
for the lookup index: off never uses or writes one, inline writes it in the run itself
(tests).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_TIMEOUT = 300  # seconds a forked writer may take before it is stopped (SIGALRM)


def _mode() -> str:
    """INQ_INDEX, as the lookup index reads it (off, inline or background)."""
    from inquiry_cli.cli.lookup_index import cache_mode

    return cache_mode()


def variant(now: dt.datetime, when: str) -> str:
    """Which list: the day it is ranked on, its last day, overdue only or not."""
    from inquiry_cli.domain.due import horizon

    last_day, overdue_only = horizon(when, now)
    return f"{now:%Y%m%d}-{last_day:%Y%m%d}-{int(overdue_only)}"


def spares_read(path: Path) -> bool:
    """Whether a due digest of today's lists of this workbook is fresh (the launcher
    then starts no read): a stat and a header. Never raises."""
    if _mode() == "off":
        return False
    try:
        from inquiry_cli.cli.lookup_index import code_version
        from inquiry_cli.config import cache_dir
        from inquiry_cli.dates import now
        from inquiry_cli.workbook import index

        cache = cache_dir()
        for which in _today(cache, path, now()):
            found = index.open_index(cache, path, code_version(), index.DUE, which)
            if found is not None:
                found.close()
                return True
    except Exception:
        return False
    return False


@contextlib.contextmanager
def ranking(path: Path, now: dt.datetime, when: str) -> Iterator[Any]:
    """The Ranking (domain.due) of `due WHEN` at `now` from a fresh digest, its items
    read from the file as they are shown (it stays open meanwhile); None when there is
    none or it fails in any way."""
    found = None
    if _mode() != "off":
        from inquiry_cli.cli.lookup_index import code_version
        from inquiry_cli.config import cache_dir
        from inquiry_cli.workbook import index

        found = index.open_index(cache_dir(), path, code_version(), index.DUE, variant(now, when))
    if found is None:
        yield None
        return
    try:
        try:
            ranked = _ranking(found, now, when)
        except Exception:  # a damaged digest: the workbook is read
            ranked = None
        yield ranked
    finally:
        found.close()


def _ranking(found: Any, now: dt.datetime, when: str) -> Any:
    from inquiry_cli.domain.due import Digest

    parts = found.section("digest")
    if not isinstance(parts, dict):
        raise ValueError("a damaged digest")
    digest = Digest(**parts)
    if not digest.answers(now, when):
        raise ValueError("a digest of another list")
    return digest.ranking(lambda i: found.record("items", i), now)


def identity(path: Path) -> Any:
    """The file's identity before the read (after_read wants it unchanged), or None."""
    from inquiry_cli.workbook import index

    try:
        return index.identity(path)
    except OSError:
        return None


def after_read(
    path: Path, seen: Any, stamp: Any, ods: bool, ranked: Any, now: dt.datetime, when: str
) -> None:
    """A `due` read the workbook (`seen`: its identity() before the read, `stamp` the
    read's FileStamp): write its digest for the next one (forked, or inline). Call once
    the answer is out. Never raises."""
    try:
        mode = _mode()
        if mode == "off" or ods or stamp is None or seen is None:
            return
        if mode == "inline":
            write(path, seen, stamp, ranked, now, when)
            return
        if not hasattr(os, "fork"):
            _spawn(path, now, when)
            return
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        if os.fork() != 0:
            return  # (the parent: its answer is out, it leaves)
        ok = False
        try:  # (the child never returns into the command, whatever happens here)
            _detach()
            ok = write(path, seen, stamp, ranked, now, when)
        finally:
            os._exit(0 if ok else 1)
    except Exception:  # the digest is only ever a head start
        return


def _spawn(path: Path, now: dt.datetime, *whens: str) -> None:
    """A background process reads the workbook and writes these lists' digests."""
    from inquiry_cli.cli.lookup_index import spawn_detached

    module = "inquiry_cli.cli.due_digest"
    spawn_detached([sys.executable, "-m", module, os.path.abspath(path), now.isoformat(), *whens])


def after_write(path: Path, now: dt.datetime) -> None:
    """The workbook was written: the lists `due` was asked for today are written again
    for the file as it is now, in the background (none asked: nothing). Never raises."""
    try:
        mode = _mode()
        if mode == "off" or (mode != "inline" and sys.platform == "win32"):
            return  # (Windows: a file held open for reading cannot be saved over by Excel,
            # and the user is likely back in Excel after a write: no read behind their back)
        from inquiry_cli.config import cache_dir

        whens = [_when_of(which) for which in _today(cache_dir(), path, now)]
        if not whens:
            return
        if mode == "inline":
            build(path, now, *whens)
        else:
            _spawn(path, now, *whens)
    except Exception:  # the digest is only ever a head start
        return


def _files(cache: Path, path: Path) -> list[tuple[str, str, str]]:
    """This workbook's files in the digest folder: (variant, suffix, path) each, the
    digests (.idx) and their locks."""
    from inquiry_cli.workbook import index

    base = index.index_file(cache, path, index.DUE).name.removesuffix(index.SUFFIX) + "-"
    found = []
    with os.scandir(index.folder_of(cache, index.DUE)) as entries:
        for entry in entries:
            if entry.name.startswith(base):
                which, dot, suffix = entry.name[len(base) :].rpartition(".")
                found.append((which, dot + suffix, entry.path))
    return found


def _today(cache: Path, path: Path, now: dt.datetime) -> list[str]:
    """The variants of today's digests of this workbook, fresh or not."""
    from inquiry_cli.workbook import index

    day = f"{now:%Y%m%d}-"
    return sorted(
        w for w, suffix, _ in _files(cache, path) if suffix == index.SUFFIX and w.startswith(day)
    )


def _when_of(which: str) -> str:
    """A `due WHEN` that asks for the list of a variant: its last day, or overdue."""
    _day, last, overdue = which.split("-")
    if overdue == "1":
        return "overdue"
    return f"{last[:4]}-{last[4:6]}-{last[6:]}"


def build(path: Path, now: dt.datetime, *whens: str) -> bool:
    """Read the workbook once and write the digests of `due WHEN` at `now`, for each
    of `whens` (the background writer); False when one was not written."""
    from inquiry_cli.cli import reads
    from inquiry_cli.domain import due as service
    from inquiry_cli.workbook import read

    try:
        seen = identity(path)
        book = read.read(path, reads.DUE.sheets, kept=reads.DUE.kept)
        if book.ods or book.stamp is None or seen is None:
            return False
        ok = True
        for when in whens:
            ranked = service.rank(book, now, when)
            ok = write(path, seen, book.stamp, ranked, now, when) and ok
        return ok
    except Exception:
        return False


def _detach() -> None:
    """The forked writer: off the terminal and the pipes (a `due | less` ends when the
    answer does), behind the user's next command, stopped if it ever hangs."""
    import signal

    with contextlib.suppress(Exception):
        os.setsid()
    fd = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        with contextlib.suppress(OSError):
            os.dup2(fd, target)
    with contextlib.suppress(Exception):
        os.nice(10)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(_TIMEOUT)


def _drop_other_days(cache: Path, path: Path, which: str) -> None:
    """This workbook's digests of other days: of no use again (at most today's lists,
    of this workbook, are kept; index.evict bounds them all)."""
    for other, _suffix, file in _files(cache, path):
        if other[:8] != which[:8]:
            with contextlib.suppress(OSError):
                os.unlink(file)


def write(path: Path, seen: Any, stamp: Any, ranked: Any, now: dt.datetime, when: str) -> bool:
    """Write the digest of `ranked`, the list of the workbook as it was (`seen` before the
    read, `stamp` at it); False when it was not written (the file changed since, another
    writer at it, any error)."""
    import time

    from inquiry_cli.cli.lookup_index import code_version
    from inquiry_cli.config import cache_dir
    from inquiry_cli.output import files
    from inquiry_cli.workbook import index

    cache = cache_dir()
    which = variant(now, when)
    try:
        with index.building(cache, path, index.DUE, which) as alone:
            if not alone:
                return False  # another run writes it
            started = time.time()
            before = index.identity(path)
            if before != tuple(seen) or (stamp.size, stamp.mtime_ns) != (before[2], before[3]):
                return False  # (saved since it was read: this list is of no use)
            # The content too: a file rewritten in place, its times set back, between the
            # launcher's early read and `seen` has all of the old identity but ctime.
            if index.sha256_of(path) != stamp.sha256:
                return False
            digest = ranked.digest()
            parts = {f.name: getattr(digest, f.name) for f in dataclasses.fields(digest)}
            items = (e.build() for e in ranked.others)
            pieces = index.encode(
                code_version(), before, stamp.sha256, {"digest": parts}, {"items": items},
                started, kind=index.DUE,
            )  # fmt: skip
            files.replace_own(index.index_file(cache, path, index.DUE, which), pieces, cache=True)
            _drop_other_days(cache, path, which)
            index.evict(cache, kind=index.DUE)
            if index.identity(path) != before:  # (saved meanwhile: stale)
                index.forget(cache, path, index.DUE, which)
                return False
            return True
    except Exception:
        index.forget(cache, path, index.DUE, which)
        return False


if __name__ == "__main__":  # the writer: python -m inquiry_cli.cli.due_digest PATH NOW WHEN...
    import gc

    gc.set_threshold(500_000, 20, 10)  # (as the launcher: millions of objects that stay)
    with contextlib.suppress(Exception):
        os.nice(10)  # (the user's next command comes first)
    ok = False
    if len(sys.argv) >= 4:
        with contextlib.suppress(Exception):
            at = dt.datetime.fromisoformat(sys.argv[2])
            ok = build(Path(sys.argv[1]), at, *sys.argv[3:])
    os._exit(0 if ok else 1)
