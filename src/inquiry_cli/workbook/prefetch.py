"""Read the workbook in a thread while Python is still importing the command-line layer.

Starting `inq` costs about 0.3 s of imports (Typer, pydantic, rich) on one core while the
other core idles; python-calamine parses sheets without holding the GIL, so the sheets a
command is about to read can be parsed in that time. This is only ever a head start:
`read.read()` takes the early result when it asks for the same sheets of the same file
and the file has not changed since (same inode, size and modification time); in every
other case, and whenever the early read failed, it reads the file itself as before. A
write still checks the file's full stamp (size, mtime and SHA-256) before it replaces it.
A job is a whole-sheet read (`read.load`) or a one-buyer read (`buyer_reads.load_for`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Sheets = tuple[tuple[str, ...], tuple[str, ...]]  # (whole sheets, header-only sheets)
Job = tuple[str, tuple]  # ("load", (sheets, headers_only)) or ("buyer", (who, history, heads))

LOOKUP = ("buyers", "settings")
DUE = ("buyers", "inquiries", "contacts", "samples", "settings")
QUOTE = ("buyers", "inquiries", "products", "quotes", "regions", "company", "settings")
GRADE = ("buyers", "inquiries")


def _load(sheets: tuple[str, ...], heads: tuple[str, ...] = ()) -> Job:
    return ("load", (sheets, heads))


def _grade(args: Sequence[str]) -> Job | None:
    return _load(GRADE, () if "--suggest" in args else ("grade_history",))


def _check(_args: Sequence[str]) -> Job | None:
    from inquiry_cli.workbook.read import ALL_TABLE_SHEETS

    return _load(ALL_TABLE_SHEETS)


_LOG_VALUES = {"-c", "--channel", "-s", "--summary", "--next", "--date"}
_LOG_FLAGS = {"--in", "--out", "--dry-run"}


def _log(args: Sequence[str]) -> Job | None:
    """`log WHO ...`: the one-buyer read of cli/record.py's log (buyer_reads.read_for)."""
    who: list[str] = []
    incoming, i = False, 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            who += args[i + 1 :]
            break
        if arg in _LOG_VALUES:
            i += 2
            continue
        glued = arg.split("=", 1)[0] in _LOG_VALUES or (arg[:2] in ("-c", "-s") and len(arg) > 2)
        if arg in _LOG_FLAGS:
            incoming = {"--in": True, "--out": False}.get(arg, incoming)
        elif not glued and arg.startswith("-") and len(arg) > 1:
            return None  # an option this reading does not know: no guessing
        elif not glued:
            who.append(arg)
        i += 1
    if len(who) != 1:
        return None
    return ("buyer", (who[0], () if incoming else ("inquiries",), ("contacts",)))


# What each everyday command reads (tests check these against the commands' own reads).
READS: dict[str, Job | Callable[[Sequence[str]], Job | None]] = {
    "lookup": _load(LOOKUP),
    "due": _load(DUE),
    "log": _log,
    "add": _load(("buyers", "regions")),
    "inquiry": _load(("buyers", "inquiries", "regions")),
    "grade": _grade,
    "quote": _load(QUOTE, ("contacts",)),
    "check": _check,
}

# Sheets whose XML the command reads next (one buyer's rows, the sheets a write patches):
# inflated in the same thread once the early read is done, in this order (see _Warmed).
WARM: dict[str, tuple[str, ...]] = {
    "log": ("inquiries", "buyers", "contacts"),
    "lookup": ("inquiries", "contacts", "quotes", "samples"),
}

_NO_READ = {"-h", "--help"}

# What an early read's thread uses, imported on the main thread before the thread starts,
# so the thread imports nothing. Two threads importing at once can meet in an import
# cycle, and Python then hands one of them a half-initialised module: a start-up crash
# ("NameError: name 'sys' is not defined") in about 3 runs of 1,000. test_prefetch runs
# every job in a fresh process and fails if its thread imports anything.
_LOAD_USES = (
    "concurrent.futures.thread",
    "hashlib",
    "html",
    "lxml.etree",
    "python_calamine",
    "inquiry_cli.workbook.guard",
    "inquiry_cli.workbook.headers",
    "inquiry_cli.workbook.ooxml",
    "inquiry_cli.workbook.read",
)
USES: dict[str, tuple[str, ...]] = {
    "load": _LOAD_USES,
    "buyer": (
        *_LOAD_USES,
        "inquiry_cli.buyer_reads",
        "inquiry_cli.workbook.mentions",
        "inquiry_cli.workbook.miniwb",
    ),
}


def preload(job: Job) -> None:
    """Import on this (the main) thread everything `job`'s thread will use."""
    import codecs
    import importlib

    for name in USES[job[0]]:
        importlib.import_module(name)
    for codec in ("cp437", "utf-16-le"):  # zip member names; probe's password sniffing
        codecs.lookup(codec)


def _run(path: Path, job: Job) -> Any:
    kind, args = job
    if kind == "load":
        from inquiry_cli.workbook import read

        return read.load(path, *args)
    from inquiry_cli import buyer_reads

    return buyer_reads.load_for(path, *args)


def _book(result: Any) -> Any:
    return result[0] if isinstance(result, tuple) else result


class _Early:
    """One early read: its thread, and what it found (None on any error)."""

    def __init__(self, path: Path, job: Job, warm: tuple[str, ...] = ()) -> None:
        self.path = path
        self.job = job
        self.warm = warm
        self.done = threading.Event()
        self.result: Any = None
        self.before: tuple[int, int, int] | None = None
        self.after: tuple[int, int, int] | None = None

    def run(self) -> None:
        try:
            self.before = _identity(self.path)
            self.result = _run(self.path, self.job)
            self.after = _identity(self.path)
        except Exception:  # the command's own read reports the problem properly
            self.result = None
        finally:
            self.done.set()
        if self.warm and self.result is not None:
            try:
                _warm(_book(self.result), self.warm)
            except Exception:  # warming is only ever a head start
                return


_pending: dict[tuple[str, Job], _Early] = {}
_threads: list[threading.Thread] = []


def finish() -> None:
    """Wait for every early read and warming to end (they keep the workbook open: on
    Windows a file that is open elsewhere cannot be replaced)."""
    for thread in list(_threads):
        thread.join()
    _threads.clear()


def _warm(book: Any, keys: tuple[str, ...]) -> None:
    """Inflate the shared strings and these contract sheets' parts for the next reader."""
    from inquiry_cli.contract import schema
    from inquiry_cli.workbook.headers import sheet_part
    from inquiry_cli.workbook.ooxml import ZipSource, is_shared_strings
    from inquiry_cli.workbook.read import _match_sheet

    with ZipSource(book.path) as src:
        used = {t.name for t in book.tables.values()}
        parts = [n for n in src.by_name if is_shared_strings(n)]
        for key in keys:
            table = book.tables.get(key)
            spec = schema.SHEETS_BY_KEY[key]
            name = table.name if table is not None else _match_sheet(spec, book.sheet_names, used)
            part = sheet_part(src, name) if name else None
            if part:
                parts.append(part)
        src.warm(parts)


def _identity(path: Path) -> tuple[int, int, int]:
    st = os.stat(path)
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _key(path: Path, kind: str, args: tuple) -> tuple[str, Job]:
    return (os.path.abspath(path), (kind, args))


def start(path: Path, job: Job, warm: tuple[str, ...] = ()) -> None:
    """Begin `job` on `path` in a daemon thread (then inflate `warm`'s parts)."""
    key = _key(path, *job)
    if key in _pending:
        return
    preload(job)
    early = _Early(Path(path), job, warm)
    _pending[key] = early
    thread = threading.Thread(target=early.run, name="inq-prefetch", daemon=True)
    _threads.append(thread)
    thread.start()


def take(path: Path, kind: str, args: tuple) -> Any:
    """The early result of exactly this job on this unchanged file, else None."""
    early = _pending.pop(_key(path, kind, args), None)
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


def _split(argv: Sequence[str]) -> tuple[str | None, int]:
    """The -w/--workbook value and the index of the word after the global options.

    Only the plain form is recognised, `[-w PATH | --workbook[=]PATH] COMMAND ARGS`.
    """
    i, option = 0, None
    while i < len(argv):
        arg = argv[i]
        if arg in ("-w", "--workbook") and i + 1 < len(argv):
            option, i = argv[i + 1], i + 2
        elif arg.startswith("--workbook="):
            option, i = arg.split("=", 1)[1], i + 1
        elif arg.startswith("-w") and len(arg) > 2 and not arg.startswith("--"):
            option, i = arg[2:], i + 1
        else:
            break
    return option, i


def command_of(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, if it is in the plain form."""
    _option, i = _split(argv)
    return argv[i] if i < len(argv) and not argv[i].startswith("-") else None


def plan(argv: Sequence[str]) -> tuple[Path, Job, tuple[str, ...]] | None:
    """The workbook, job and warmed sheets of the command line `argv` (sans program).

    Anything but the plain form (help, an unknown command or option) gets no early read.
    """
    option, i = _split(argv)
    if i >= len(argv) or argv[i] not in READS:
        return None
    rest = argv[i + 1 :]
    if _NO_READ & set(rest):
        return None
    reads = READS[argv[i]]
    job = reads(rest) if callable(reads) else reads
    if job is None:
        return None
    from inquiry_cli import config

    try:
        path = config.resolve_workbook(Path(option) if option else None)
    except Exception:  # no workbook configured: the command says so itself
        return None
    return path, job, WARM.get(argv[i], ())


def start_for(argv: Sequence[str]) -> None:
    """Start the early read the command line calls for, if any; never raises."""
    try:
        planned = plan(argv)
        if planned is not None and os.path.isfile(planned[0]):
            start(planned[0], planned[1], warm=planned[2])
    except Exception:  # a head start must never stop the command
        return
