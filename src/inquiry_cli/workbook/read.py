"""Read the user's workbook fast (python-calamine) into the contract's records, sheet by sheet.

Only the sheets a command asks for are parsed. Sheets and columns are found by name or
alias; the header row may sit below a title row; unknown columns are reported, never
dropped (contract.records converts values lazily, column by column).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

from inquiry_cli.contract import needs, schema, sharing, usermap
from inquiry_cli.contract.records import INQUIRY_ROWS, Table, Workbook
from inquiry_cli.errors import WorkbookUnreadable
from inquiry_cli.workbook import ON_READ, columns, heap
from inquiry_cli.workbook.columns import HEAD_ROWS, HEADER_SCAN_ROWS
from inquiry_cli.workbook.layout import SheetInfo, build_table, empty_table, inquiry_rows
from inquiry_cli.workbook.probe import probe

__all__ = ["HEADER_SCAN_ROWS", "load", "read", "warm"]

# A sheet gets a thread of its own only when it has this much XML: each thread's handle
# parses the shared strings again (tens of ms on a big workbook).
_SPLIT_BYTES = 2 * 1024 * 1024
_THREADS = 2
# A sheet of this much XML, and at least this share of all the XML a read parses, is
# parsed on two calamine handles at once (as small sheets; read whole, put back
# together). Where it is less, the other sheets' threads keep the second core busy
# already: on the bench, for a contact log of 58-63 % of the XML it was 2-9 % slower, of
# 72 % 13-28 % faster, at 10k and 50k (2026-12-03).
WHOLE_CUT = 16 << 20
WHOLE_CUT_SHARE = 2 / 3


def find_header(spec: schema.Sheet, rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    """The 0-based index of the header row and its column mapping (key -> index)."""
    idx, matches, _settle = columns.find_header(spec, rows)
    return idx, {k: m.index for k, m in matches.items()}


def _build_table(
    spec: schema.Sheet, name: str, rows: list[list[Any]], info: SheetInfo | None = None
) -> Table | None:
    return build_table(spec, name, rows, info)


def _match_sheet(
    spec: schema.Sheet, names: list[str], used: set[str], prefix: bool = True
) -> str | None:
    wanted = spec.names
    for name in names:
        if name not in used and name != usermap.SHEET_NAME and schema.norm(name) in wanted:
            return name
    if not prefix:
        return None
    for name in names:  # "客户列表2026", "Buyers (old)": a name that contains an alias
        n = schema.norm(name)
        if name in used or name == usermap.SHEET_NAME:
            continue
        if any(len(a) >= 2 and n.startswith(a) for a in wanted):
            return name
    return None


def sheet_named(
    key: str, names: list[str], used: set[str], user: usermap.UserMapping | None
) -> str | None:
    """The sheet the contract sheet `key` is read from by name: the one the user said
    (`inq map Buyers "Kunden 2026"`), else one named like it (None: none is)."""
    mine = user.sheet_of(key, names) if user is not None else None
    if mine is not None and mine not in used and mine != usermap.SHEET_NAME:
        return mine
    if user is not None and user.gone(key, names) is not None:
        return None  # (the user's sheet renamed: no other read in its place)
    return _match_sheet(schema.SHEETS_BY_KEY[key], names, used | _users_sheets(names, user))


def _users_sheets(names: list[str], user: usermap.UserMapping | None) -> set[str]:
    """The sheets the user said a contract sheet is read from (`inq map Buyers SHEET`)."""
    if user is None or not user.sheets:
        return set()
    return {n for k in user.sheets if (n := user.sheet_of(k, names)) is not None}


def read(
    path: Path,
    sheets: Iterable[str],
    headers_only: Iterable[str] = (),
    kept: tuple[needs.Kept, ...] = (),
) -> Workbook:
    """The named contract sheets of the workbook: the early read when one read exactly
    these of the unchanged file (see early.py), else a fresh `load`."""
    from inquiry_cli.workbook import early

    sheets, headers_only = tuple(sheets), tuple(headers_only)
    book = early.take(path, read_key(sheets, headers_only, kept))
    if book is None:
        book = load(path, sheets, headers_only, kept=kept)
    for hook in ON_READ:
        hook(book)
    return book


def read_key(sheets: tuple[str, ...], headers_only: tuple[str, ...], kept: tuple) -> tuple:
    """What an early read of these is taken by (early.py)."""
    return ("load", sheets, headers_only, *((kept,) if kept else ()))


def warm(book: Workbook, keys: Iterable[str], appended: Collection[str] = ()) -> None:
    """Inflate the shared strings and these contract sheets' parts for the next reader of
    the same file (ooxml.WARMED): what a command reads after its first read. Of the
    `appended` sheets (only rows added to them), those the patch streams are left."""
    from inquiry_cli.workbook import ooxml
    from inquiry_cli.workbook.headers import sheet_part
    from inquiry_cli.workbook.ooxml import ZipSource, is_shared_strings

    if book.ods:  # (one part holds every sheet, and the next read checks it whole)
        return
    with ZipSource(book.path) as src:
        used = {t.name for t in book.tables.values()}
        parts = [n for n in src.by_name if is_shared_strings(n)]
        for key in keys:
            table = book.tables.get(key)
            spec = schema.SHEETS_BY_KEY[key]
            name = table.name if table is not None else _match_sheet(spec, book.sheet_names, used)
            part = sheet_part(src, name) if name else None
            if part and key in appended and src.info(part).file_size >= ooxml.APPEND_STREAMED:
                continue
            if part:
                parts.append(part)
        src.warm(parts)


def load(
    path: Path,
    sheets: Iterable[str],
    headers_only: Iterable[str] = (),
    convert: needs.Columns | None = None,
    kept: tuple[needs.Kept, ...] = (),
) -> Workbook:
    """Read the named contract sheets (keys like 'buyers') from the workbook at `path`.

    Sheets in `headers_only` are mapped from their top rows alone (no data rows): enough
    for a command that only appends to them, and fast on a 100,000-row log.

    A sheet that is absent is listed in `missing_sheets`; commands decide whether that
    is fatal (Workbook.table raises a clear error). When no sheet is named like a buyer
    list, the first sheet whose header looks like one (email + name or company) is used.

    Every part is checked before python-calamine sees it (see repack.py): a damaged,
    bomb-like or far-reaching sheet is refused in one line, with memory bounded.
    The `convert` columns of each sheet are converted on the thread that read it. The
    sheets `kept` names are read a window at a time and keep only the rows and cells it
    asks for (partial tables: workbook/shaping.py).
    """
    from inquiry_cli.workbook.headers import sheet_map
    from inquiry_cli.workbook.ooxml import ZipSource, uses_1904_dates

    if probe(path).ods:  # a missing, odd or damaged file gets its own one line, before any open
        return _load_ods(path, sheets, headers_only)
    # The stamp is of the file as it was before reading (opened first, hashed meanwhile on
    # another thread): a save in between is then caught at write time.
    stamping = _stamp(path)
    with ZipSource(path) as src:
        names, parts = sheet_map(src)
        date1904 = uses_1904_dates(src.read(src.main))
        user = user_mapping(src, names)
        tables: dict[str, Table] = {}
        missing: list[str] = []
        head_only = set(headers_only)
        wanted = list(dict.fromkeys([*sheets, *head_only]))
        also: list[str] = []
        found = _find_sheets(
            names,
            wanted,
            lambda n: _head_rows(src.path, n),
            lambda n: sheet_info(src, parts.get(n), user),
            also,
            user,
        )
        _whole_if_shared(found, wanted, head_only)
        full = [found[k] for k in wanted if k in found and k not in head_only]
        heads = [found[k] for k in wanted if k in found and k in head_only]
        spec_of = {name: schema.SHEETS_BY_KEY[key] for key, name in found.items()}
        infos = {name: sheet_info(src, parts.get(name), user) for name in found.values()}

        def build(name: str, rows: list[list[Any]]) -> Table:
            spec = spec_of[name]
            table = build_table(spec, name, rows, infos[name])
            # (not `or`: a table of no rows is falsy)
            if table is None:
                return empty_table(spec, name, rows)
            return settled(table, len(rows))

        def build_kept(name: str, windows: Iterable[tuple[int, list[list[Any]]]]) -> Table:
            from inquiry_cli.workbook.shaping import shaped_table

            table = shaped_table(spec_of[name], name, infos[name], shaping[name], windows)
            return settled(table, table.last_row)  # (the rows read, not only those kept)

        def settled(table: Table, rows_read: int) -> Table:
            """A sheet just read, on its reading thread: the heap its layout freed given
            back, its repeated cells made one, the command's first columns converted."""
            heap.give_back(rows_read)
            sharing.share_repeats(table.rows)
            if convert is not None:
                key = table.spec.key
                table.prewarm(convert.values.get(key, ()), convert.keys.get(key, ()))
            return table

        sizes = {n: src.by_name[p].file_size for n, p in parts.items() if p in src.by_name}
        shaping = _kept_sheets(kept, found, head_only, infos, sizes)
        built = _read_sheets(
            src, parts, date1904, full, heads, build, {n: build_kept for n in shaping}
        )
        for key in wanted:
            name = found.get(key)
            if name is None:
                missing.append(key)
            else:
                tables[key] = built[name]
    book = Workbook(
        path,
        names,
        tables,
        missing,
        stamping(),
        user_mapping=user,
        unread=_unread(names, found, also),
    )
    _inquiry_rows(book, infos, src_names=names, user=user)
    return book


def _find_sheets(
    names: list[str],
    wanted: list[str],
    top: Callable[[str], list[list[Any]]],
    info: Callable[[str], SheetInfo],
    also: list[str] | None = None,
    user: usermap.UserMapping | None = None,
) -> dict[str, str]:
    """{contract key: sheet name} for the keys `wanted`: the sheet the user said (`inq map
    Buyers "Kunden 2026"`), else a sheet named so, then one named like it; Buyers, when no
    sheet is named like a buyer list, by its header (and into `also` the other sheets
    headed like one)."""
    found: dict[str, str] = {}
    used = _users_sheets(names, user)  # (never read as another sheet than the user said)
    gone: set[str] = set()  # (the user's sheet renamed or deleted: no other read instead)
    said = user if user is not None else usermap.UserMapping()
    for key in wanted:
        name = said.sheet_of(key, names)
        if name is not None and name != usermap.SHEET_NAME and name not in found.values():
            found[key] = name  # (a sheet said twice, by hand: read as the first, once)
        elif said.gone(key, names) is not None:
            gone.add(key)
    for exact in (True, False):
        for key in wanted:
            if key in gone:
                continue
            if key not in found:
                name = _match_sheet(schema.SHEETS_BY_KEY[key], names, used, not exact)
                if name is not None:
                    used.add(name)
                    found[key] = name
            if exact and key == "buyers" and key not in found:
                # No sheet named like a buyer list: the one whose header is one ("跟进表",
                # named like a follow-up log, is a buyer tracker if its header says so).
                name = _sniff_buyers(names, used, top, info)
                if name is not None:
                    used.add(name)
                    found[key] = name
                    # Others whose header is a buyer list too ("Kunden 2026" beside "Kunden
                    # 2025"): not read, but named (Workbook.unread).
                    seen = set(used)
                    while (other := _sniff_buyers(names, seen, top, info)) is not None:
                        seen.add(other)
                        if also is not None:
                            also.append(other)
    inquiries_said = said.sheet_of("inquiries", names) is not None
    if "buyers" in wanted and "buyers" not in found and not inquiries_said and "buyers" not in gone:
        # The one record sheet, named like an inquiry log, with the buyer on every row
        # (Email and a Name or Company): the buyers are its rows, one row per inquiry
        # (not when the user said which sheet the inquiries are: then they are only that).
        name = found.get("inquiries") or _match_sheet(schema.INQUIRIES, names, used)
        if name is not None and _buyer_header(
            build_table(schema.BUYERS, name, top(name), info(name))
        ):
            found.pop("inquiries", None)
            found["buyers"] = name
    return found


def _kept_sheets(
    kept: tuple[needs.Kept, ...],
    found: dict[str, str],
    head_only: set[str],
    infos: dict[str, SheetInfo],
    sizes: dict[str, int],
) -> dict[str, needs.Kept]:
    """{sheet name: what to keep of it} for the sheets read whole that may be read a
    window at a time: a long one (WINDOWED_FROM) no other contract sheet is read from,
    without Excel Tables (whose own range says where the header is)."""
    from inquiry_cli.workbook.windowed import WINDOWED_FROM

    out: dict[str, needs.Kept] = {}
    names = list(found.values())
    for k in kept:
        name = found.get(k.sheet)
        if name is None or k.sheet in head_only or names.count(name) > 1:
            continue
        if name == found.get("buyers") or infos[name].list_objects:
            continue
        if sizes.get(name, 0) >= WINDOWED_FROM:
            out[name] = k
    return out


def _whole_if_shared(found: dict[str, str], wanted: list[str], head_only: set[str]) -> None:
    """Buyers read from the Inquiries sheet (one row per inquiry) are read whole when the
    command wanted the inquiries whole: they are the same rows."""
    buyers = found.get("buyers")
    shared = buyers is not None and _named_inquiries(buyers)
    if shared and "inquiries" in wanted and "inquiries" not in head_only:
        head_only.discard("buyers")


def _named_inquiries(name: str) -> bool:
    return _match_sheet(schema.INQUIRIES, [name], set()) is not None


def has_sheet(names: list[str], key: str) -> bool:
    """Whether a sheet of these is the contract sheet `key` (found as load finds it)."""
    return _match_sheet(schema.SHEETS_BY_KEY[key], names, set()) is not None


def _unread(names: list[str], found: dict[str, str], also: list[str]) -> dict[str, list[str]]:
    """The sheets named like the buyer list read (or, when it was found by its header,
    headed like one: `also`) that no contract sheet was read from."""
    if "buyers" not in found:
        return {}
    used = set(found.values())
    like = [
        n
        for n in names
        if n not in used and (n in also or _match_sheet(schema.BUYERS, [n], set()) == n)
    ]
    return {"buyers": like} if like else {}


def user_mapping(src: Any, names: list[str]) -> usermap.UserMapping:
    """The user's mapping kept in the workbook's very hidden sheet (empty when none)."""
    from inquiry_cli.workbook.headers import head_rows

    if usermap.SHEET_NAME not in names:
        return usermap.UserMapping()
    return usermap.parse(head_rows(src.path, usermap.SHEET_NAME, usermap.MAX_ROWS, src))


def sheet_info(src: Any, part: str | None, user: usermap.UserMapping) -> SheetInfo:
    """What the reader knows of a sheet besides its cells: its Excel Tables, the mapping."""
    from inquiry_cli.workbook.xltables import sheet_tables

    return SheetInfo(sheet_tables(src, part), user)


def _inquiry_rows(
    book: Workbook, infos: dict[str, SheetInfo], src_names: list[str], user: Any
) -> None:
    """A Buyers sheet with one row per inquiry (and no Inquiries sheet beside it) gives
    both tables: buyers grouped, every row an inquiry."""
    buyers = book.tables.get("buyers")
    if buyers is None or sheet_named("inquiries", src_names, {buyers.name}, user) is not None:
        return
    info = infos.get(buyers.name) or SheetInfo(user=user)
    found = inquiry_rows(buyers, info, every_row=_named_inquiries(buyers.name))
    if found is None:
        return
    book.tables["buyers"], book.tables["inquiries"] = found
    book.layout = INQUIRY_ROWS
    if "inquiries" in book.missing_sheets:
        book.missing_sheets.remove("inquiries")


def _read_sheets(
    src: Any,
    parts: dict[str, str],
    date1904: bool,
    names: list[str],
    heads: Sequence[str] = (),
    build: Callable[[str, list[list[Any]]], Any] = lambda _name, rows: rows,
    windowed: dict[str, Callable[[str, Any], Any]] | None = None,
) -> dict[str, Any]:
    """build(name, rows) of whole sheets (`names`) and of the top rows of others (`heads`);
    a sheet in `windowed` is read a window at a time and given to its function instead.

    Each sheet of some size gets a thread of its own (up to three; small sheets go with
    the lightest): python-calamine parses without the GIL, so one sheet's check (which
    holds it) runs while another is parsed, and each sheet's table is built as soon as
    it is read. Each thread reads its own checked copy (see repack.py).
    """
    sizes: dict[str, int] = {}
    for n in names:
        part = parts.get(n)
        sizes[n] = src.by_name[part].file_size if part in src.by_name else 0
    groups: list[list[str]] = []
    weight: list[int] = []
    for name in sorted(names, key=lambda n: -sizes[n]):
        if (sizes[name] >= _SPLIT_BYTES and len(groups) < _THREADS) or not groups:
            groups.append([name])
            weight.append(sizes[name])
        else:
            i = weight.index(min(weight))
            groups[i].append(name)
            weight[i] += sizes[name]
    lightest = weight.index(min(weight)) if weight else 0
    # The sheet that is most of the read (if one is) spreads its parse over two calamine
    # handles (windowed.py): read whole, it is cut into small sheets for that.
    everything = sum(sizes.values())
    long = frozenset(n for n in names if sizes[n] >= max(WHOLE_CUT, WHOLE_CUT_SHARE * everything))

    # The checks take turns, lightest group first: each holds the GIL, and while the
    # next one runs, calamine (which does not) parses the sheets already checked. (The
    # heaviest first measured slower on every 10k bench command: 2-6 %, 2026-12-03.)
    order = sorted(range(len(groups)), key=lambda i: weight[i])
    turn = threading.Condition()
    done: list[int] = []

    def checked(i: int) -> tuple[Callable[[], None], Callable[[], None]]:
        def wait() -> None:
            with turn:
                turn.wait_for(lambda: order.index(i) == len(done))

        def finish() -> None:
            with turn:
                done.append(i)
                turn.notify_all()

        return wait, finish

    def work(i: int) -> dict[str, Any]:
        out = (
            _whole_sheets(src, parts, date1904, groups[i], build, *checked(i), windowed or {}, long)
            if groups
            else {}
        )
        if i == lightest:
            for name in heads:
                out[name] = build(name, _head_rows(src.path, name))
        return out

    if len(groups) <= 1:
        return work(0)
    from concurrent.futures import ThreadPoolExecutor

    from inquiry_cli.workbook.ooxml import is_shared_strings

    for part in src.by_name:  # every copy holds the shared strings: inflate them once
        if is_shared_strings(part):
            src.read(part)

    with ThreadPoolExecutor(max_workers=len(groups) - 1) as pool:
        others = [pool.submit(work, i) for i in range(1, len(groups))]
        out = work(0)
        for other in others:
            out.update(other.result())
        return out


def _whole_sheets(
    src: Any,
    parts: dict[str, str],
    date1904: bool,
    names: list[str],
    build: Callable[[str, list[list[Any]]], Any] = lambda _name, rows: rows,
    before: Callable[[], None] = lambda: None,
    after: Callable[[], None] = lambda: None,
    windowed: dict[str, Callable[[str, Any], Any]] | None = None,
    long: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """build(name, rows) of these sheets, read whole by calamine from a checked copy
    (the checks run between before() and after()); the `windowed` ones a window at a
    time (windowed.py), or whole where a window cannot stand for its rows."""
    from contextlib import ExitStack
    from functools import partial

    from inquiry_cli.workbook.repack import Repack
    from inquiry_cli.workbook.windowed import LOADERS, NotWindowed, WindowedCopy

    windowed = windowed or {}
    out: dict[str, Any] = {}
    present = [(name, parts[name]) for name in names if src.has(parts.get(name, "\0"))]
    for name in names:
        if not src.has(parts.get(name, "\0")):
            out[name] = build(name, [])  # no part: an empty sheet, as calamine has it
    # A `long` sheet is read as small sheets and put back together: calamine lays them
    # out on two handles at once (windowed.py), where one would parse it all.
    cut_whole = [n for n, _p in present if n in long and n not in windowed]
    readable = [(n, p) for n, p in present if n not in windowed and n not in cut_whole]
    with ExitStack() as stack:
        copy = stack.enter_context(Repack(src, date1904, readable)) if readable else None
        cut = {
            n: stack.enter_context(WindowedCopy(src, date1904, n, p, LOADERS if n in long else 1))
            for n, p in present
            if n in windowed or n in cut_whole
        }
        refused: set[str] = set()  # cut sheets whose check failed: a whole read says why
        before()
        try:
            for name, _part in readable:
                assert copy is not None
                copy.fill(name)
            for name, window in cut.items():
                try:
                    window.fill()
                except WorkbookUnreadable:
                    if name not in cut_whole:
                        raise
                    refused.add(name)
        finally:
            after()
        for name, _part in readable:
            assert copy is not None
            out[name] = build(name, _rows(src, name, copy.rows))
        if copy is not None:  # (calamine's copy of the shared strings goes at once)
            copy.close()
        for name in cut_whole:
            together = partial(_put_together, cut.pop(name), src, date1904, name not in refused)
            whole_rows = _rows(src, name, together)
            out[name] = build(name, whole_rows)
        for name, window in cut.items():
            try:
                out[name] = _rows(src, name, partial(_windowed, windowed[name], window))
                window.close()
            except NotWindowed:
                window.close()
                with Repack(src, date1904, [(name, parts[name])]) as whole:
                    whole.fill(name)
                    out[name] = build(name, _rows(src, name, whole.rows))
    return out


def _windowed(build: Callable[[str, Any], Any], window: Any, name: str) -> Any:
    return build(name, window.windows())


def _put_together(
    window: Any, src: Any, date1904: bool, filled: bool, name: str
) -> list[list[Any]]:
    """A long sheet's rows from its small sheets (`filled`: its check passed); where they
    cannot stand for it (merged cells, rows out of order) or cannot be read (cut inside an
    XML comment, a layout the cutter does not follow), from a whole read of it, which
    reads it as ever or refuses it in its own words."""
    import python_calamine as pc

    from inquiry_cli.workbook.repack import Repack
    from inquiry_cli.workbook.windowed import NotWindowed

    with window:
        if filled:
            try:
                return window.rows()
            except (NotWindowed, WorkbookUnreadable, pc.CalamineError, pc.XmlError, ValueError):
                pass
    with Repack(src, date1904, [(name, window.part)]) as whole:
        whole.fill(name)
        return whole.rows(name)


def _rows(src: Any, name: str, read: Callable[[str], Any]) -> Any:
    """read(name), calamine's own errors said in one line."""
    import python_calamine as pc

    try:
        return read(name)
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError, OSError) as exc:
        raise WorkbookUnreadable(
            f"{src.path.name}: sheet {name!r} cannot be read ({_first_line(exc)})"
        ) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:160]


def _head_rows(path: Path, name: str) -> list[list[Any]]:
    """The top rows of a sheet: where its header may sit, and the rows its cells are
    sampled from (the same rows a whole read samples)."""
    from inquiry_cli.errors import InqError
    from inquiry_cli.workbook.headers import head_rows

    try:
        return head_rows(path, name, HEAD_ROWS)
    except InqError:
        raise
    except Exception as exc:  # lxml/zip errors on a damaged part: one clear line
        raise WorkbookUnreadable(
            f"{path.name}: sheet {name!r} cannot be read ({_first_line(exc)})"
        ) from None


def _stamp(path: Path) -> Callable[[], Any]:
    """Size, mtime and hash of the file as it is now, so a later write can tell whether
    Excel saved since. The file is opened now and hashed on a thread (hashlib frees the
    GIL) while the caller reads; the returned function waits for the stamp."""
    import threading

    from inquiry_cli.workbook.guard import FileStamp

    try:
        fh = path.open("rb")
    except OSError:  # missing or unreadable: _open says which, in one line
        return lambda: None
    out: list[Any] = [None]

    def work() -> None:
        with fh:
            try:
                out[0] = FileStamp.of_handle(fh)
            except OSError:
                out[0] = None

    thread = threading.Thread(target=work, name="inq-stamp", daemon=True)
    thread.start()

    def wait() -> Any:
        thread.join()
        return out[0]

    return wait


def _empty_table(spec: schema.Sheet, name: str, rows: list[list[Any]]) -> Table:
    return empty_table(spec, name, rows)


def _sniff_buyers(
    names: list[str],
    used: set[str],
    top: Callable[[str], list[list[Any]]],
    info: Callable[[str], SheetInfo],
) -> str | None:
    """The first sheet whose header looks like a buyer list (Email, and a Name or Company
    inq is sure of), among the sheets not named after another contract sheet (an
    Inquiries sheet has Email and Company columns too). Only their top rows are read."""
    others = {_match_sheet(s, names, set(), False) for s in schema.SHEETS if s.key != "buyers"}
    for name in names:
        if name in used or name in others or name == usermap.SHEET_NAME:
            continue
        if _buyer_header(build_table(schema.BUYERS, name, top(name), info(name))):
            return name
    return None


def _buyer_header(head: Table | None) -> bool:
    """Whether a sheet's header holds a buyer: an Email and a Name or Company inq is sure of."""
    if head is None or not head.writable("email"):
        return False
    return head.writable("name") or head.writable("company")


def _load_ods(path: Path, sheets: Iterable[str], headers_only: Iterable[str] = ()) -> Workbook:
    """load() of a LibreOffice .ods (see ods.py): every sheet comes in the one checked
    read, then sheets, columns and the layout are found as in an .xlsx (an .ods has no
    Excel Tables; a mapping sheet kept from an .xlsx still counts)."""
    from inquiry_cli.workbook.ods import OdsBook

    stamping = _stamp(path)
    head_only = set(headers_only)
    wanted = list(dict.fromkeys([*sheets, *head_only]))
    tables: dict[str, Table] = {}
    missing: list[str] = []
    with OdsBook(path) as ods:
        names = ods.names
        user = usermap.UserMapping()
        if usermap.SHEET_NAME in names:
            user = usermap.parse(ods.rows(usermap.SHEET_NAME)[: usermap.MAX_ROWS])
        info = SheetInfo(user=user)
        also: list[str] = []
        found = _find_sheets(
            names, wanted, lambda n: ods.rows(n)[:HEAD_ROWS], lambda _n: info, also, user
        )
        _whole_if_shared(found, wanted, head_only)
        for key in wanted:
            name = found.get(key)
            if name is None:
                missing.append(key)
                continue
            spec = schema.SHEETS_BY_KEY[key]
            rows = ods.rows(name)
            rows = rows[:HEADER_SCAN_ROWS] if key in head_only else rows
            table = build_table(spec, name, rows, info)
            tables[key] = empty_table(spec, name, rows) if table is None else table
    book = Workbook(
        path, names, tables, missing, stamping(), ods=True, user_mapping=user,
        unread=_unread(names, found, also),
    )  # fmt: skip
    _inquiry_rows(book, dict.fromkeys(found.values(), info), src_names=names, user=user)
    return book


ALL_TABLE_SHEETS = tuple(s.key for s in schema.SHEETS)
