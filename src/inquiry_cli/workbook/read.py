"""Read the user's workbook fast (python-calamine) into typed tables, sheet by sheet.

Only the sheets a command asks for are parsed. Sheets and columns are found by name or
alias; the header row may sit below a title row; unknown columns are reported, never
dropped; values are converted lazily, column by column, so a command that needs three
columns of a 100k-row sheet pays for three.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inquiry_cli.errors import ContractError, WorkbookUnreadable
from inquiry_cli.workbook import schema
from inquiry_cli.workbook.cells import CONVERTERS, FAST, MISS
from inquiry_cli.workbook.probe import probe

HEADER_SCAN_ROWS = 15  # how far below the top a header row may sit (title rows, banners)
# A sheet gets a thread of its own only when it has this much XML: each thread's handle
# parses the shared strings again (tens of ms on a big workbook).
_SPLIT_BYTES = 2 * 1024 * 1024
_THREADS = 2


@dataclass
class Problem:
    """A cell inq could not read as its column's kind."""

    sheet: str
    row: int  # Excel row number
    column: str  # the header as the user wrote it
    message: str


@dataclass
class Table:
    """One contract sheet as found in the workbook: its mapping and its data rows."""

    spec: schema.Sheet
    name: str  # the sheet's real name in the workbook
    header_row: int  # Excel row number of the header (0 when the sheet is empty)
    columns: dict[str, int]  # column key -> 0-based index
    headers: list[str]  # every header cell as written ('' for blank)
    rows: list[list[Any]]  # data rows, blank rows skipped
    row_numbers: list[int]  # Excel row number of each data row
    last_row: int = 0  # Excel row number of the last used row
    # Only some rows were read (one buyer's, see mentions.py): fine for looking rows up,
    # never for numbering new records or counting.
    partial: bool = False
    _typed: dict[str, list[Any]] = field(default_factory=dict, repr=False)
    _problems: dict[str, list[Problem]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, key: str) -> bool:
        return key in self.columns

    def col(self, key: str) -> int:
        """1-based Excel column of a field, for building a change set."""
        return self.columns[key] + 1

    def header_of(self, key: str) -> str:
        return self.headers[self.columns[key]]

    @property
    def unknown_headers(self) -> list[str]:
        known = set(self.columns.values())
        return [h for i, h in enumerate(self.headers) if h and i not in known]

    @property
    def missing(self) -> list[str]:
        """Contract columns this sheet lacks (English headers)."""
        return [c.header for c in self.spec.columns if c.key not in self.columns]

    def values(self, key: str) -> list[Any]:
        """The typed values of one column (None where blank or unreadable); cached."""
        cached = self._typed.get(key)
        if cached is not None:
            return cached
        idx = self.columns.get(key)
        if idx is None:
            out: list[Any] = [None] * len(self.rows)
            self._typed[key] = out
            self._problems[key] = []
            return out
        kind = self.spec.column(key).kind
        header = self.headers[idx]
        # calamine rows are rectangular (the sheet's full width), so index directly.
        raw = [row[idx] for row in self.rows]
        fast = FAST[kind]
        out = [fast(v) for v in raw]
        problems: list[Problem] = []
        if MISS in out:  # the odd cells: text dates, numbers as text, bad emails...
            convert = CONVERTERS[kind]
            for i, value in enumerate(out):
                if value is MISS:
                    value, problem = convert(raw[i])
                    if problem is not None:
                        problems.append(Problem(self.name, self.row_numbers[i], header, problem))
                        value = None
                    out[i] = value
        self._typed[key] = out
        self._problems[key] = problems
        return out

    def keys(self, key: str) -> list[str | None]:
        """A column as lookup keys (stripped text; emails lower-cased), unvalidated.

        Linking 100,000 log rows to buyers needs equal keys, not validated emails or
        problem reports: this is a cheap pass where values() would run every check.
        """
        cached = self._typed.get(key)
        if cached is not None:
            return cached
        idx = self.columns.get(key)
        if idx is None:
            return [None] * len(self.rows)
        lower = self.spec.column(key).kind == schema.EMAIL
        out: list[str | None] = []
        for row in self.rows:
            v = row[idx]
            if v.__class__ is str:
                v = v.strip().lower() if lower else v.strip()
                out.append(v or None)
            elif v == "" or v is None:
                out.append(None)
            else:
                out.append(CONVERTERS["text"](v)[0])
        return out

    def values_at(self, key: str, indices: list[int]) -> list[Any]:
        """Typed values of some rows only: a few records out of 100,000 rows convert
        a few cells, not the whole column (unreadable cells become None)."""
        cached = self._typed.get(key)
        if cached is None and len(indices) * 4 > len(self.rows):
            cached = self.values(key)  # most of the column: convert it all, fast path
        if cached is not None:
            return [cached[i] for i in indices]
        idx = self.columns.get(key)
        if idx is None:
            return [None] * len(indices)
        kind = self.spec.column(key).kind
        fast, convert = FAST[kind], CONVERTERS[kind]
        out = []
        for i in indices:
            raw = self.rows[i][idx]
            value = fast(raw)
            if value is MISS:
                value, problem = convert(raw)
                if problem is not None:
                    value = None
            out.append(value)
        return out

    def problems(self, key: str) -> list[Problem]:
        self.values(key)
        return self._problems[key]

    def record(self, i: int) -> dict[str, Any]:
        """Row i as {key: typed value} for every mapped column, plus '_row'."""
        rec: dict[str, Any] = {key: self.values(key)[i] for key in self.columns}
        rec["_row"] = self.row_numbers[i]
        return rec

    def records(self) -> Iterator[dict[str, Any]]:
        for i in range(len(self.rows)):
            yield self.record(i)


@dataclass
class Workbook:
    """The sheets read from one workbook file, with what is needed to write back safely."""

    path: Path
    sheet_names: list[str]
    tables: dict[str, Table]  # contract key -> table, for the sheets found
    missing_sheets: list[str]  # contract keys asked for but not found
    stamp: Any = None  # workbook.write.FileStamp taken at read (for concurrent-save checks)

    def table(self, key: str) -> Table:
        """The table for a contract sheet, or a clear error naming what is missing."""
        try:
            return self.tables[key]
        except KeyError:
            spec = schema.SHEETS_BY_KEY[key]
            raise ContractError(
                f"{self.path.name} has no {spec.title} sheet ({spec.doc}); "
                f"add a sheet named {spec.title!r} or run `inq check` to see how sheets were read"
            ) from None

    def get(self, key: str) -> Table | None:
        return self.tables.get(key)

    def key_values(self, key: str) -> dict[str, Any]:
        """A Field/Value sheet (Company, Settings) as {normalised field: raw value}."""
        table = self.tables.get(key)
        if table is None:
            return {}
        out: dict[str, Any] = {}
        k_idx = table.columns.get(table.spec.columns[0].key, 0)
        v_idx = table.columns.get(table.spec.columns[1].key, 1)
        for raw in table.rows:
            k = raw[k_idx] if k_idx < len(raw) else ""
            v = raw[v_idx] if v_idx < len(raw) else ""
            if k not in (None, ""):
                out[schema.norm(k)] = v
        return out


def find_header(spec: schema.Sheet, rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    """The 0-based index of the header row and its column mapping (key -> index).

    The header is the row among the first few whose cells match the most column names;
    a title row or merged banner above it matches at most one.
    """
    best_idx, best_map = -1, {}
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
        names = [n for n in col.names if len(n) >= 4 or (n and not n.isascii())]
        for i, label in enumerate(labels):
            if label and i not in taken and any(n in label for n in names):
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
    """The named contract sheets of the workbook: the launcher's early read when it read
    exactly these of the unchanged file (see prefetch.py), else a fresh `load`."""
    from inquiry_cli.workbook import prefetch

    sheets, headers_only = tuple(sheets), tuple(headers_only)
    early = prefetch.take(path, "load", (sheets, headers_only))
    if early is not None:
        return early
    return load(path, sheets, headers_only)


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

    probe(path)  # a missing, odd or damaged file gets its own one line, before any open
    # The stamp is of the file as it was before reading (opened first, hashed meanwhile on
    # another thread): a save in between is then caught at write time.
    stamping = _stamp(path)
    with ZipSource(path) as src:
        names, parts = sheet_map(src)
        date1904 = uses_1904_dates(src.read("xl/workbook.xml"))
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
                table = _sniff_buyers(src, parts, date1904, names, used)
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
    heads: list[str] = (),
    build: Callable[[str, list[list[Any]]], Any] = lambda _name, rows: rows,
) -> dict[str, Any]:
    """build(name, rows) of whole sheets (`names`) and of the top rows of others (`heads`).

    Each sheet of some size gets a thread of its own (up to three; small sheets go with
    the lightest): python-calamine parses without the GIL, so one sheet's check (which
    holds it) runs while another is parsed, and each sheet's table is built as soon as
    it is read. Each thread reads its own checked copy (see repack.py).
    """
    sizes = {
        n: src.by_name[p].file_size if (p := parts.get(n)) in src.by_name else 0 for n in names
    }
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

    def checked(i: int) -> Callable[[], None]:
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
    src: Any, parts: dict[str, str], date1904: bool, names: list[str], used: set[str]
) -> Table | None:
    """The first sheet whose header looks like a buyer list, among the sheets not named
    like another contract sheet (an Inquiries sheet has Email and Company columns too).
    Each candidate's top rows decide; only the one chosen is read whole."""
    others = {_match_sheet(s, names, set()) for s in schema.SHEETS if s.key != "buyers"}
    for name in names:
        if name in used or name in others:
            continue
        head = _build_table(schema.BUYERS, name, _head_rows(src.path, name))
        if head is None or "email" not in head.columns:
            continue
        if {"name", "company"} & set(head.columns):
            rows = _whole_sheets(src, parts, date1904, [name])[name]
            table = _build_table(schema.BUYERS, name, rows)
            if table is not None:
                used.add(name)
                return table
    return None


ALL_TABLE_SHEETS = tuple(s.key for s in schema.SHEETS)
