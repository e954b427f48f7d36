"""Read the user's workbook fast (python-calamine) into the contract's records, sheet by sheet.

Only the sheets a command asks for are parsed. Sheets and columns are found by name or
alias; the header row may sit below a title row; unknown columns are reported, never
dropped (contract.records converts values lazily, column by column).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from inquiry_cli.contract import schema
from inquiry_cli.contract.records import Table, Workbook
from inquiry_cli.errors import WorkbookUnreadable
from inquiry_cli.workbook.probe import probe

HEADER_SCAN_ROWS = 15  # how far below the top a header row may sit (title rows, banners)
# A sheet gets a thread of its own only when it has this much XML: each thread's handle
# parses the shared strings again (tens of ms on a big workbook).
_SPLIT_BYTES = 2 * 1024 * 1024
_THREADS = 2


def find_header(spec: schema.Sheet, rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    """The 0-based index of the header row and its column mapping (key -> index).

    The header is the row among the first few whose cells match the most column names;
    a title row or merged banner above it matches at most one.
    """
    best_idx, best_map = -1, dict[str, int]()
    for idx, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping = map_columns(spec, row)
        if len(mapping) > len(best_map):
            best_idx, best_map = idx, mapping
    needed = 1 if len(spec.columns) <= 3 else 2
    if len(best_map) < needed:
        return -1, {}
    return best_idx, best_map


def map_columns(spec: schema.Sheet, header: list[Any]) -> dict[str, int]:
    """Map column keys to header cells: exact alias first, then 'contains' as a fallback."""
    mapping: dict[str, int] = {}
    labels = [schema.norm(h) if isinstance(h, str) else "" for h in header]
    taken: set[int] = set()
    for col in spec.columns:
        names = col.names
        for i, label in enumerate(labels):
            if label and i not in taken and label in names:
                mapping[col.key] = i
                taken.add(i)
                break
    for col in spec.columns:
        if col.key in mapping:
            continue
        longer = [n for n in col.names if len(n) >= 4 or (n and not n.isascii())]
        for i, label in enumerate(labels):
            if label and i not in taken and any(n in label for n in longer):
                mapping[col.key] = i
                taken.add(i)
                break
    return mapping


def _build_table(spec: schema.Sheet, name: str, rows: list[list[Any]]) -> Table | None:
    header_idx, mapping = find_header(spec, rows)
    if header_idx < 0:
        return None
    headers = ["" if h is None else str(h).strip() for h in rows[header_idx]]
    data: list[list[Any]] = []
    numbers: list[int] = []
    last = header_idx + 1
    for offset, row in enumerate(rows[header_idx + 1 :], start=header_idx + 2):
        if any(row) or any(v != "" for v in row):
            data.append(row)
            numbers.append(offset)
            last = offset
    return Table(spec, name, header_idx + 1, mapping, headers, data, numbers, last)


def _match_sheet(spec: schema.Sheet, names: list[str], used: set[str]) -> str | None:
    wanted = spec.names
    for name in names:
        if name not in used and schema.norm(name) in wanted:
            return name
    for name in names:  # "客户列表2026", "Buyers (old)": a name that contains an alias
        n = schema.norm(name)
        if name not in used and any(len(a) >= 2 and n.startswith(a) for a in wanted):
            return name
    return None


def read(path: Path, sheets: Iterable[str], headers_only: Iterable[str] = ()) -> Workbook:
    """The named contract sheets of the workbook: the early read when one read exactly
    these of the unchanged file (see early.py), else a fresh `load`."""
    from inquiry_cli.workbook import early

    sheets, headers_only = tuple(sheets), tuple(headers_only)
    taken = early.take(path, ("load", sheets, headers_only))
    if taken is not None:
        return taken
    return load(path, sheets, headers_only)


def warm(book: Workbook, keys: Iterable[str]) -> None:
    """Inflate the shared strings and these contract sheets' parts for the next reader of
    the same file (ooxml.WARMED): what a command reads after its first read."""
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
            if part:
                parts.append(part)
        src.warm(parts)


def load(path: Path, sheets: Iterable[str], headers_only: Iterable[str] = ()) -> Workbook:
    """Read the named contract sheets (keys like 'buyers') from the workbook at `path`.

    Sheets in `headers_only` are mapped from their top rows alone (no data rows): enough
    for a command that only appends to them, and fast on a 100,000-row log.

    A sheet that is absent is listed in `missing_sheets`; commands decide whether that
    is fatal (Workbook.table raises a clear error). When no sheet is named like a buyer
    list, the first sheet whose header looks like one (email + name or company) is used.

    Every part is checked before python-calamine sees it (see repack.py): a damaged,
    bomb-like or far-reaching sheet is refused in one line, with memory bounded.
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
        tables: dict[str, Table] = {}
        missing: list[str] = []
        used: set[str] = set()
        head_only = set(headers_only)
        wanted = list(dict.fromkeys([*sheets, *head_only]))
        found: dict[str, str] = {}
        for key in wanted:
            name = _match_sheet(schema.SHEETS_BY_KEY[key], names, used)
            if name is not None:
                used.add(name)
                found[key] = name
        full = [found[k] for k in wanted if k in found and k not in head_only]
        heads = [found[k] for k in wanted if k in found and k in head_only]
        spec_of = {name: schema.SHEETS_BY_KEY[key] for key, name in found.items()}

        def build(name: str, rows: list[list[Any]]) -> Table:
            spec = spec_of[name]
            table = _build_table(spec, name, rows)  # (not `or`: a table of no rows is falsy)
            return _empty_table(spec, name, rows) if table is None else table

        built = _read_sheets(src, parts, date1904, full, heads, build)
        for key in wanted:
            name = found.get(key)
            table = None
            if name is not None:
                table = built[name]
            elif key == "buyers":
                table = _sniff_buyers(
                    names,
                    used,
                    lambda name: _head_rows(src.path, name),
                    lambda name: _whole_sheets(src, parts, date1904, [name])[name],
                )
            if table is None:
                missing.append(key)
            else:
                tables[key] = table
    return Workbook(path, names, tables, missing, stamping())


def _read_sheets(
    src: Any,
    parts: dict[str, str],
    date1904: bool,
    names: list[str],
    heads: Sequence[str] = (),
    build: Callable[[str, list[list[Any]]], Any] = lambda _name, rows: rows,
) -> dict[str, Any]:
    """build(name, rows) of whole sheets (`names`) and of the top rows of others (`heads`).

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

    # The checks take turns, heaviest group first: each holds the GIL, and while the
    # next one runs, calamine (which does not) parses the sheets already checked.
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
        out = _whole_sheets(src, parts, date1904, groups[i], build, *checked(i)) if groups else {}
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
) -> dict[str, Any]:
    """build(name, rows) of these sheets, read whole by calamine from a checked copy
    (the checks run between before() and after())."""
    import python_calamine as pc

    from inquiry_cli.workbook.repack import Repack

    filename = src.path.name
    out: dict[str, Any] = {}
    readable = [(name, parts[name]) for name in names if src.has(parts.get(name, "\0"))]
    for name in names:
        if not src.has(parts.get(name, "\0")):
            out[name] = build(name, [])  # no part: an empty sheet, as calamine has it
    with Repack(src, date1904, readable) as copy:
        before()
        try:
            for name, _part in readable:
                copy.fill(name)
        finally:
            after()
        for name, _part in readable:
            try:
                rows = copy.rows(name)
            except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError, OSError) as exc:
                raise WorkbookUnreadable(
                    f"{filename}: sheet {name!r} cannot be read ({_first_line(exc)})"
                ) from None
            out[name] = build(name, rows)
    return out


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:160]


def _head_rows(path: Path, name: str) -> list[list[Any]]:
    from inquiry_cli.errors import InqError
    from inquiry_cli.workbook.headers import head_rows

    try:
        return head_rows(path, name, HEADER_SCAN_ROWS)
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
    """A sheet with the right name but no recognisable header (or nothing at all)."""
    last = 0
    for i, row in enumerate(rows, start=1):
        if any(v not in ("", None) for v in row):
            last = i
    return Table(spec, name, 0, {}, [], [], [], last)


def _sniff_buyers(
    names: list[str],
    used: set[str],
    top: Callable[[str], list[list[Any]]],
    whole: Callable[[str], list[list[Any]]],
) -> Table | None:
    """The first sheet whose header looks like a buyer list, among the sheets not named
    like another contract sheet (an Inquiries sheet has Email and Company columns too).
    Each candidate's top rows decide; only the one chosen is read whole."""
    others = {_match_sheet(s, names, set()) for s in schema.SHEETS if s.key != "buyers"}
    for name in names:
        if name in used or name in others:
            continue
        head = _build_table(schema.BUYERS, name, top(name))
        if head is None or "email" not in head.columns:
            continue
        if {"name", "company"} & set(head.columns):
            table = _build_table(schema.BUYERS, name, whole(name))
            if table is not None:
                used.add(name)
                return table
    return None


def _load_ods(path: Path, sheets: Iterable[str], headers_only: Iterable[str] = ()) -> Workbook:
    """load() of a LibreOffice .ods (see ods.py): every sheet comes in the one checked
    read, then sheets and columns are found as in an .xlsx."""
    from inquiry_cli.workbook.ods import OdsBook

    stamping = _stamp(path)
    head_only = set(headers_only)
    wanted = list(dict.fromkeys([*sheets, *head_only]))
    tables: dict[str, Table] = {}
    missing: list[str] = []
    used: set[str] = set()
    with OdsBook(path) as ods:
        names = ods.names
        found: dict[str, str] = {}
        for key in wanted:
            name = _match_sheet(schema.SHEETS_BY_KEY[key], names, used)
            if name is not None:
                used.add(name)
                found[key] = name
        for key in wanted:
            name = found.get(key)
            table = None
            if name is not None:
                spec = schema.SHEETS_BY_KEY[key]
                rows = ods.rows(name)
                rows = rows[:HEADER_SCAN_ROWS] if key in head_only else rows
                table = _build_table(spec, name, rows)
                table = _empty_table(spec, name, rows) if table is None else table
            elif key == "buyers":
                table = _sniff_buyers(
                    names, used, lambda n: ods.rows(n)[:HEADER_SCAN_ROWS], ods.rows
                )
            if table is None:
                missing.append(key)
            else:
                tables[key] = table
    return Workbook(path, names, tables, missing, stamping(), ods=True)


ALL_TABLE_SHEETS = tuple(s.key for s in schema.SHEETS)
