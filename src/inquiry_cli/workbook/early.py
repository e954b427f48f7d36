"""A read of the workbook started on a thread while Python is still importing the rest.

Starting `inq` costs about 0.3 s of imports (Typer, pydantic, rich) on one core while the
other core idles; python-calamine parses sheets without holding the GIL, so a read can
run in that time. The Store offers two things: `start(path, key, read)` runs `read()` on a
thread, and `take(path, key)` hands its result to whoever asks for the same `key` of the
same, unchanged file (same inode, size and modification time), else None: the caller
then reads the file itself. What to read is the caller's to say (cli/reads.py); a write
still checks the file's full stamp (size, mtime and SHA-256) before replacing it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any


class _Early:
    """One early read: its thread, and what it found (None on any error)."""

    def __init__(
        self, path: Path, read: Callable[[], Any], then: Callable[[Any], None] | None
    ) -> None:
        self.path = path
        self.read = read
        self.then = then
        self.done = threading.Event()
        self.result: Any = None
        self.before: tuple[int, int, int] | None = None
        self.after: tuple[int, int, int] | None = None

    def run(self) -> None:
        try:
            self.before = _identity(self.path)
            self.result = self.read()
            self.after = _identity(self.path)
        except Exception:  # the command's own read reports the problem properly
            self.result = None
        finally:
            self.done.set()
        if self.then is not None and self.result is not None:
            try:
                self.then(self.result)
            except Exception:  # whatever follows is only ever a head start too
                return


_pending: dict[tuple[str, Hashable], _Early] = {}
_threads: list[threading.Thread] = []


def _identity(path: Path) -> tuple[int, int, int]:
    st = os.stat(path)
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _key(path: Path, key: Hashable) -> tuple[str, Hashable]:
    return (os.path.abspath(path), key)


def start(
    path: Path,
    key: Hashable,
    read: Callable[[], Any],
    then: Callable[[Any], None] | None = None,
) -> None:
    """Run `read()` on a daemon thread, for a later `take(path, key)`; then `then(result)`
    (warming the parts the command reads next). Everything the thread uses must be
    imported already: two threads importing at once can be handed half-made modules."""
    full = _key(path, key)
    if full in _pending:
        return
    early = _Early(Path(path), read, then)
    _pending[full] = early
    thread = threading.Thread(target=early.run, name="inq-early-read", daemon=True)
    _threads.append(thread)
    thread.start()


def take(path: Path, key: Hashable) -> Any:
    """The early result for `key` on this unchanged file, else None."""
    early = _pending.pop(_key(path, key), None)
    if early is None:
        return None
    early.done.wait()
    if early.result is None or early.before is None or early.before != early.after:
        return None
    try:
        if _identity(early.path) != early.before:
            return None
    except OSError:
        return None
    return early.result


def pending() -> int:
    """How many early reads nobody has taken yet."""
    return len(_pending)


def forget() -> None:
    """Drop every early read not taken (tests; a run that read something else)."""
    _pending.clear()


def finish() -> None:
    """Wait for every early read and what follows it (they keep the workbook open: on
    Windows a file that is open elsewhere cannot be replaced)."""
    for thread in list(_threads):
        thread.join()
    _threads.clear()
