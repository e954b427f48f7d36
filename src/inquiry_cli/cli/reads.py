"""What each command reads, declared once: the command reads exactly this, and for the
everyday commands the launcher starts the same read on a thread while Typer imports.

No Typer here (the launcher imports this before Typer). The Store only offers "start
reading this" and "take the result" (workbook/early.py); this table says what.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inquiry_cli.contract import needs, schema


@dataclass(frozen=True)
class Read:
    """Whole sheets, sheets whose header is enough (only appended to), and the sheets of
    one buyer's history read once the buyer is known. Keys of contract sheets."""

    sheets: tuple[str, ...]
    heads: tuple[str, ...] = ()
    history: tuple[str, ...] = ()
    # Columns the early read converts as each sheet arrives (the command's first needs).
    convert: needs.Columns | None = None
    # Long sheets of which the command needs some rows only (workbook/shaping.py).
    kept: tuple[needs.Kept, ...] = ()


@dataclass(frozen=True)
class BuyerRead:
    """`log WHO`: Buyers (whole, or the rows naming WHO), the headers of `heads`, and the
    buyer's rows of `history` (cli/buyer_reads.py)."""

    who: str
    history: tuple[str, ...]
    heads: tuple[str, ...]


ALL = tuple(s.key for s in schema.SHEETS)
CHECK = Read(ALL, convert=needs.CHECK)
LOOKUP = Read(
    ("buyers", "products", "settings"), history=("inquiries", "contacts", "quotes", "samples")
)
DUE = Read(
    ("buyers", "inquiries", "contacts", "samples", "quotes", "settings"),
    convert=needs.DUE,
    kept=needs.DUE_ROWS,
)
ADD = Read(("buyers", "regions"))
INQUIRY = Read(("buyers", "inquiries", "regions", "products"))  # products: e-samples first
GRADE = Read(("buyers", "inquiries"), heads=("grade_history",))  # Grade history: appended
GRADE_SUGGEST = Read(("buyers", "inquiries"), convert=needs.SUGGEST)
QUOTE = Read(
    ("buyers", "inquiries", "products", "quotes", "regions", "company", "settings"),
    heads=("contacts",),  # a quote only appends to the contact log
)
SAMPLE = Read(
    ("buyers", "samples", "products", "settings"),
    heads=("contacts",),
    history=("inquiries",),  # an e-sample answers the buyer's open inquiries
)
SAMPLES_OPEN = Read(("buyers", "contacts", "samples", "products", "settings"))
MAIL = Read(
    (
        "buyers", "inquiries", "contacts", "products", "samples", "events", "regions",
        "company", "settings",
    )
)  # fmt: skip
MAIL_LOG = Read(("buyers",), heads=("contacts",))
INTAKE = Read(
    ("buyers", "inquiries", "contacts", "quotes", "products", "regions", "company", "settings")
)
A_LIST = Read(("buyers", "inquiries", "contacts", "quotes", "samples", "grade_history"))
STATS = Read(("buyers", "inquiries", "products", "regions", "settings"), convert=needs.STATS)
TRIP = Read(
    ("buyers", "inquiries", "contacts", "quotes", "samples", "events", "settings"),
    convert=needs.TRIP,
)
SETTINGS = Read(("settings",))
DEDUPE = Read(("buyers",))
MERGE = Read(("buyers", "inquiries", "contacts", "quotes", "samples", "grade_history"))
# `inq map`: Buyers whole (its layout may be one row per inquiry), every other header.
MAP = Read(("buyers",), heads=tuple(k for k in ALL if k != "buyers"))

# `log WHO`'s options, as cli/record.py declares them (test_prefetch checks they agree):
# the launcher reads WHO and --in/--out from the command line before Typer is imported.
LOG_VALUES = frozenset({"-c", "--channel", "-s", "--summary", "--next", "--date"})
LOG_FLAGS = frozenset({"--in", "--out", "--dry-run", "-n"})


def log_read(args: Sequence[str]) -> BuyerRead | None:
    """`log WHO ...`'s one-buyer read, or None when the command line is not plain."""
    who: list[str] = []
    incoming, i = False, 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            who += args[i + 1 :]
            break
        if arg in LOG_VALUES:
            i += 2
            continue
        glued = arg.split("=", 1)[0] in LOG_VALUES or (arg[:2] in ("-c", "-s") and len(arg) > 2)
        if arg in LOG_FLAGS:
            incoming = {"--in": True, "--out": False}.get(arg, incoming)
        elif not glued and arg.startswith("-") and len(arg) > 1:
            return None  # an option this reading does not know: no guessing
        elif not glued:
            who.append(arg)
        i += 1
    if len(who) != 1:
        return None
    return log_buyer_read(who[0], incoming)


def log_buyer_read(who: str, incoming: bool) -> BuyerRead:
    """Contacts is only appended to: its header is enough. Only an outgoing contact can
    answer an inquiry, so only then are the buyer's Inquiries rows read."""
    return BuyerRead(who, () if incoming else ("inquiries",), ("contacts",))


# The everyday commands, read early by the launcher: command -> its read for these args.
def early_read(command: str, args: Sequence[str]) -> Read | BuyerRead | None:
    if command == "log":
        return log_read(args)
    if command == "grade":
        return GRADE_SUGGEST if "--suggest" in args else GRADE
    return EARLY.get(command)


EARLY: dict[str, Read] = {
    "lookup": LOOKUP,
    "due": DUE,
    "add": ADD,
    "inquiry": INQUIRY,
    "quote": QUOTE,
    "check": CHECK,
    "stats": STATS,
}
EARLY_COMMANDS = frozenset({*EARLY, "log", "grade"})

# Sheets whose XML the command reads next (one buyer's rows, the sheets a write patches):
# inflated on the same thread once the early read is done, in this order.
WARM: dict[str, tuple[str, ...]] = {
    "log": ("buyers", "contacts"),  # (the buyer's Inquiries rows are streamed: mentions.py)
}
# Of those, the sheets the command only appends rows to: a big one is not inflated ahead,
# as the patch streams it (condensed.py) and never holds it whole.
APPENDED = frozenset({"contacts"})
_NO_READ = {"-h", "--help"}

# What an early read's thread uses, imported on the main thread before it starts, so the
# thread imports nothing. Two threads importing at once can meet in an import cycle, and
# Python then hands one of them a half-initialised module: a start-up crash ("NameError:
# name 'sys' is not defined") in about 3 runs of 1,000. test_prefetch runs every kind of
# read in a fresh process and fails if its thread imports anything.
_SHEET_USES = (
    "concurrent.futures.thread",
    "hashlib",
    "html",
    "lxml.etree",
    "python_calamine",
    "inquiry_cli.workbook.extent",
    "inquiry_cli.workbook.guard",
    "inquiry_cli.workbook.headers",
    "inquiry_cli.workbook.native",
    "inquiry_cli.workbook.ods",
    "inquiry_cli.workbook.ooxml",
    "inquiry_cli.workbook.read",
    "inquiry_cli.workbook.repack",
    "inquiry_cli.workbook.shaping",
    "inquiry_cli.workbook.tempfiles",
    "inquiry_cli.workbook.windowed",
    "inquiry_cli.workbook.xltables",
    "inquiry_cli.workbook.xmlsafe",
)
_BUYER_USES = (
    *_SHEET_USES,
    "inquiry_cli.cli.buyer_reads",
    "inquiry_cli.workbook.mentions",
    "inquiry_cli.workbook.miniwb",
)


def preload(what: Read | BuyerRead) -> None:
    """Import on this (the main) thread everything the read's thread will use."""
    import codecs
    import importlib

    for name in _BUYER_USES if isinstance(what, BuyerRead) else _SHEET_USES:
        importlib.import_module(name)
    for codec in ("cp437", "utf-16-le"):  # zip member names; probe's password sniffing
        codecs.lookup(codec)


def key(what: Read | BuyerRead) -> tuple:
    """The key an early read is taken by (read.read and buyer_reads.read_for use it)."""
    if isinstance(what, BuyerRead):
        return ("buyer", what.who, what.history, what.heads)
    from inquiry_cli.workbook.read import read_key

    return read_key(what.sheets, what.heads, what.kept)


def split(argv: Sequence[str]) -> tuple[str | None, int]:
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


def hoist_workbook(argv: Sequence[str]) -> list[str]:
    """`inq due -w x.xlsx` read as `inq -w x.xlsx due`: -w/--workbook is the app's option,
    and people type it after the command name too. Nothing after `--` moves."""
    _option, i = split(argv)
    moved: list[str] = []
    rest: list[str] = []
    tail = list(argv[i:])
    k = 0
    while k < len(tail):
        arg = tail[k]
        if arg == "--":
            rest += tail[k:]
            break
        if arg in ("-w", "--workbook") and k + 1 < len(tail):
            moved += tail[k : k + 2]
            k += 2
            continue
        if arg.startswith("--workbook=") or (arg.startswith("-w") and not arg.startswith("--")):
            moved.append(arg)
        else:
            rest.append(arg)
        k += 1
    return [*argv[:i], *moved, *rest]


def command_of(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, if it is in the plain form."""
    _option, i = split(argv)
    return argv[i] if i < len(argv) and not argv[i].startswith("-") else None


def plan(argv: Sequence[str]) -> tuple[Path, Read | BuyerRead, tuple[str, ...]] | None:
    """The workbook, read and warmed sheets of the command line `argv` (sans program).

    Anything but the plain form (help, an unknown command or option) gets no early read.
    The workbook is resolved here once for the run (config.resolve_workbook remembers).
    """
    option, i = split(argv)
    if i >= len(argv) or argv[i] not in EARLY_COMMANDS:
        return None
    rest = argv[i + 1 :]
    if _NO_READ & set(rest):
        return None
    what = early_read(argv[i], rest)
    if what is None:
        return None
    from inquiry_cli import config

    try:
        path = config.resolve_workbook(Path(option) if option else None)
    except Exception:  # no workbook configured: the command says so itself
        return None
    return path, what, WARM.get(argv[i], ())


def start(path: Path, what: Read | BuyerRead, warm: tuple[str, ...] = ()) -> None:
    """Start `what` on `path` on a thread (then inflate `warm`'s parts)."""
    from inquiry_cli.workbook import early

    preload(what)
    from inquiry_cli.workbook import read

    if isinstance(what, BuyerRead):
        from inquiry_cli.cli import buyer_reads

        def run() -> object:
            return buyer_reads.load_for(path, what.who, what.history, what.heads)
    else:

        def run() -> object:
            return read.load(path, what.sheets, what.heads, what.convert, what.kept)

    def then(result: Any) -> None:
        book = result[0] if isinstance(result, tuple) else result
        read.warm(book, warm, APPENDED)

    early.start(path, key(what), run, then if warm else None)


def start_for(
    argv: Sequence[str], spare: Callable[[Path, Read | BuyerRead], bool] | None = None
) -> None:
    """Start the early read the command line calls for, if any, unless `spare(path,
    read)` says it is not needed; never raises."""
    try:
        planned = plan(argv)
        if planned is not None and os.path.isfile(planned[0]):
            if spare is not None and spare(planned[0], planned[1]):
                return  # (a repeat lookup answers from its index: nothing to read)
            start(*planned)
    except Exception:  # a head start must never stop the command
        return
