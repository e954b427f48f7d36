"""`inq lookup` from the index (workbook/index.py) when it is fresh; built after a lookup
that had to read the workbook, on a background process so that lookup is not slower.

INQ_INDEX=off never uses or builds one; INQ_INDEX=inline builds it in the lookup's own
process once it has answered (tests: the next command sees it at once).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from pathlib import Path
from typing import Any

ENV = "INQ_INDEX"
_opened: dict[str, Any] = {}  # real path -> the Index the launcher opened already


_OFF = frozenset({"off", "0", "false", "no", "none", "disable", "disabled"})


def cache_mode() -> str:
    """INQ_INDEX: off, inline or background (the default; any other word too). The due
    digest (due_digest.py) follows it too."""
    mode = os.environ.get(ENV, "background").strip().lower()
    return "off" if mode in _OFF else mode


@functools.cache
def code_version() -> str:
    """inq's version, the index format, and a fingerprint of the code that reads the
    cells into what the index holds: inq's files (their sizes and times: an edited
    checkout between two releases), Python (its Unicode tables normalise names),
    python-calamine, and what reads a WhatsApp link off a number (phonenumbers; the
    country names of tzdata). An index built by other code is not this code's.
    About a ms."""
    import hashlib
    import importlib.util

    import inquiry_cli
    from inquiry_cli.workbook.index import FORMAT

    digest = hashlib.sha256(sys.version.encode())
    files = []
    for name in ("python_calamine", "phonenumbers", "tzdata"):
        spec = importlib.util.find_spec(name)  # (found, not imported)
        if spec is not None and spec.origin:
            files.append(spec.origin)
    folders = [os.path.dirname(inquiry_cli.__file__)]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_dir() and not entry.name.startswith((".", "__")):
                    folders.append(entry.path)
                elif entry.name.endswith(".py"):
                    files.append(entry.path)
    for name in files:
        st = os.stat(name)
        digest.update(f"{name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return f"{inquiry_cli.__version__}/{FORMAT}/{digest.hexdigest()[:16]}"


def fresh(path: Path) -> Any:
    """The workbook's index if it is fresh (workbook.index.Index), else None. Cheap: a
    stat and the index's header. The launcher asks first; the lookup then takes it."""
    if cache_mode() == "off":
        return None
    from inquiry_cli.config import cache_dir
    from inquiry_cli.workbook import index

    found = index.open_index(cache_dir(), path, code_version())
    if found is not None:
        _opened[os.path.realpath(path)] = found
    return found


def spares_read(path: Path, what: Any) -> bool:
    """Whether the launcher's early read is not needed: a lookup with a fresh index."""
    from inquiry_cli.cli import reads

    return what is reads.LOOKUP and fresh(path) is not None


def _take(path: Path) -> Any:
    """The index the launcher opened, if the workbook is still as it was; else a fresh
    look. Taken once: a later run in this process (tests) looks again."""
    from inquiry_cli.workbook import index

    opened = _opened.pop(os.path.realpath(path), None)
    try:
        if opened is not None and tuple(opened.header["identity"]) == index.identity(path):
            return opened
    except OSError:
        return None
    if opened is not None:
        opened.close()
    found = fresh(path)
    _opened.pop(os.path.realpath(path), None)
    return found


def answer(path: Path, query: Any, now: dt.datetime) -> tuple[list[Any], Any, Any] | None:
    """(matches, best match, its card) from a fresh index; None when there is none or
    it fails in any way (then the workbook is read, as without one)."""
    from inquiry_cli.domain import lookup
    from inquiry_cli.domain.identity import known_whatsapp
    from inquiry_cli.domain.matching import best, find
    from inquiry_cli.errors import InqError
    from inquiry_cli.workbook.index import IndexedBuyers

    found = _take(path)
    if found is None:
        return None
    try:
        buyers = IndexedBuyers(found)
        matches = find(buyers, query)
        top = best(matches)
        card = None
        if top is not None:
            settings, catalog = found.section("settings"), found.section("catalog")
            history = buyers.history(top.buyer.row)
            history.buyer = top.buyer  # (the same record, read once more)
            b = top.buyer
            if b.phone:  # the card's WhatsApp link, as the build worked it out
                known_whatsapp(b.phone, b.country, buyers.whatsapp(b.row))
            kept = bool(found.section("keeps_contacts"))
            card = lookup.card_of(top, history, settings, catalog, now, kept)
        return matches, top, card
    except InqError:
        raise  # (the workbook's own error, e.g. a Settings value that is junk)
    except Exception:  # a damaged index: read the workbook
        return None
    finally:
        found.close()


def after_read(path: Path, book: Any) -> None:
    """A lookup read the workbook: build its index for the next one. Never raises."""
    try:
        mode = cache_mode()
        if mode == "off" or book.ods or "buyers" not in book.tables:
            return
        if mode == "inline":
            build(path)
            return
        _spawn(path)
    except Exception:  # the index is only ever a head start
        return


def _spawn(path: Path) -> None:
    spawn_detached([sys.executable, "-m", "inquiry_cli.cli.lookup_index", os.path.abspath(path)])


def spawn_detached(args: list[str]) -> None:
    """Start a cache's builder as a process of its own: off the terminal, in a session
    of its own, nothing inherited; the caller does not wait for it."""
    import subprocess

    flags: dict[str, Any] = {}
    if sys.platform == "win32":
        flags["creationflags"] = subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        flags["start_new_session"] = True
    subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=True,
        **flags,
    )


def build(path: Path) -> bool:
    """Build the workbook's index from a whole read of what lookup reads; False when it
    was not built (an .ods, no Buyers sheet, the file changed meanwhile, another build
    of it running, any error)."""
    import time

    from inquiry_cli.cli import reads
    from inquiry_cli.config import cache_dir
    from inquiry_cli.domain import lookup, model
    from inquiry_cli.domain.identity import whatsapp_link
    from inquiry_cli.domain.matching import COLUMNS, TableColumns
    from inquiry_cli.output import files
    from inquiry_cli.workbook import index, read
    from inquiry_cli.workbook.mentions import add_rows_mentioning

    cache = cache_dir()
    try:
        with index.building(cache, path) as alone:
            if not alone or index.open_index(cache, path, code_version()) is not None:
                return False  # another process builds it, or built it already
            started = time.time()
            before = index.identity(path)
            # The sheets lookup reads, found as it finds them: Buyers and the rest first,
            # then its history sheets as it adds them (here whole, one at a time).
            book = read.load(path, reads.LOOKUP.sheets)
            stamp = book.stamp
            if (
                book.ods
                or stamp is None
                or index.identity(path) != before
                or (stamp.size, stamp.mtime_ns) != (before[2], before[3])
            ):
                index.forget(cache, path)
                return False
            buyers = book.table("buyers")
            columns = TableColumns(buyers)
            sections: dict[str, Any] = {
                "sheet": buyers.name,
                "rows": buyers.row_numbers,
                "groups": buyers.groups,
                "merged": columns.merged(),
                "settings": book.key_values("settings"),
                "catalog": lookup.catalog_links(book),
                # (the contact log is read below, sheet by sheet: as lookup would find it)
                "keeps_contacts": buyers.has("last_contact")
                or read.has_sheet(book.sheet_names, "contacts"),
            }
            for key in COLUMNS:
                sections[f"col:{key}"] = columns.column(key)
            for key in index.TEXT_COLUMNS:
                sections[f"text:{key}"] = index.joined(columns.column(key))
            records = model.load(buyers, model.Buyer)

            def add_sheet(key: str) -> None:
                add_rows_mentioning(book, (key,), (), every_row=True)

            histories = lookup.histories(book, records, add_sheet)
            # Each buyer's WhatsApp link (the card shows it): a lookup from the index then
            # needs no phonenumbers. About 2 s of a 50,000-buyer build.
            links = (whatsapp_link(b.phone, b.country) for b in records)
            pieces = index.encode(
                code_version(), before, stamp.sha256, sections,
                {"buyers": records, "history": histories, "whatsapp": links}, started,
            )  # fmt: skip
            files.replace_own(index.index_file(cache, path), pieces, cache=True)
            index.evict(cache)
            if index.identity(path) != before:  # (saved meanwhile: of no use, and stale)
                index.forget(cache, path)
                return False
            return True
    except Exception:
        index.forget(cache, path)
        return False


if __name__ == "__main__":  # the background build: python -m inquiry_cli.cli.lookup_index PATH
    import contextlib
    import gc

    gc.set_threshold(500_000, 20, 10)  # (as the launcher: millions of objects that stay)
    with contextlib.suppress(Exception):
        os.nice(10)  # (the user's next command comes first)
    ok = len(sys.argv) == 2 and build(Path(sys.argv[1]))
    os._exit(0 if ok else 1)
