"""The records the reader fills and the rules read: a contract sheet as found (Table), the
sheets of one workbook (Workbook), and a cell that could not be read (Problem).

A Table keeps the user's layout (header row, column mapping, Excel row numbers), so the
rules can name the cells a change sets; values are converted lazily, column by column,
so a command that needs three columns of a 100k-row sheet pays for three.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from inquiry_cli.contract import schema, sharing
from inquiry_cli.contract.cells import (
    AHEAD,
    CONVERTERS,
    FAST,
    MISS,
    Converted,
    DayOrder,
    day_order,
    undecided,
    yearless,
)
from inquiry_cli.contract.usermap import gone_line, map_command, sheet_command
from inquiry_cli.errors import ContractError

SHEETS, INQUIRY_ROWS = "sheets", "inquiry rows"  # Workbook.layout


@dataclass
class Problem:
    """A cell inq could not read as its column's kind."""

    sheet: str
    row: int  # Excel row number
    column: str  # the header as the user wrote it
    message: str


# How a column was matched to a field (ColumnMatch.how).
ALIAS, VOCABULARY, CONTENT, USER = "alias", "vocabulary", "content", "user"


@dataclass(frozen=True)
class ColumnMatch:
    """Why inq reads a column as a field, and how sure it is.

    A match that is not `sure` (a guess from the words of the header or from the cells)
    is read, shown by `inq check`, and never written to until `inq map` confirms it.
    """

    field: str  # the contract column key
    index: int  # 0-based column
    header: str  # the header as the user wrote it
    how: str  # ALIAS, VOCABULARY, CONTENT or USER
    confidence: float  # 0..1
    sure: bool
    why: str


@dataclass(frozen=True)
class ListObject:
    """An Excel Table (a ListObject) on a sheet: its own range defines its rows."""

    name: str
    first_row: int  # Excel row numbers and 1-based columns of its range
    last_row: int
    first_col: int
    last_col: int
    header_rows: int  # 0 or 1: a Table may hide its header row
    totals_rows: int  # the totals row at the bottom is no record
    columns: tuple[str, ...] = ()  # its column names (the header when it is shown)

    @property
    def data_rows(self) -> tuple[int, int]:
        """(first, last) Excel rows of its records."""
        return self.first_row + self.header_rows, self.last_row - self.totals_rows


def unread_columns(file: str, table: Table) -> str:
    """What to do with a sheet inq found but reads no column of: the map command."""
    have = ", ".join(repr(h) for h in table.labels)
    return (
        f"{file}: inq reads no column of the {table.spec.title} sheet {table.name!r}: say "
        f"which is which, e.g. {map_command(table.spec.title, 'Email', 'HEADER')}"
        + (f" (its headers: {have})" if have else "")
    )


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
    # Rows merged into another buyer (a Merged into cell): (Excel row number, raw row).
    # They are not records: every read skips them; lookup follows them to the kept buyer.
    merged: list[tuple[int, list[Any]]] = field(default_factory=list, repr=False)
    # How each mapped column was matched (a column without one was matched by alias).
    mapping: dict[str, ColumnMatch] = field(default_factory=dict)
    # Likely columns for fields not mapped (a column of dates under an unknown header):
    # what `inq check` offers to `inq map`, never read.
    suggestions: dict[str, ColumnMatch] = field(default_factory=dict)
    # Fields the user said this sheet has no column for (`inq map SHEET FIELD --none`).
    declared_none: frozenset[str] = frozenset()
    # The Excel Table (ListObject) the rows were read from, if any.
    list_object: ListObject | None = None
    # One row per inquiry: the Excel rows each record groups (its own row is the latest),
    # and the fields read through the group but each inquiry's own (never written here).
    groups: list[list[int]] | None = None
    read_only: frozenset[str] = frozenset()
    # Rows linked to a buyer by the client's name or company (no Buyer ID or email in the
    # row): row index -> (Buyer ID, email) of that buyer. Filled by domain.linking.
    linked: dict[int, tuple[str | None, str | None]] | None = None
    # More number columns than Phone and Fax ("Mobile" and "WhatsApp" beside "Tel"): column
    # index -> header. Read for finding a buyer by number, never written.
    more_phones: dict[int, str] = field(default_factory=dict)
    # No header inq can read: the labels of the sheet's likely header row (the first row
    # of two or more words), the headers `inq map` takes until one is mapped.
    labels: list[str] = field(default_factory=list)
    _typed: dict[str, list[Any]] = field(default_factory=dict, repr=False)
    # Columns prewarm() took as far as the fast path: (raw cells, values with MISS left).
    _warmed: dict[str, tuple[list[Any], list[Any]]] = field(default_factory=dict, repr=False)
    _problems: dict[str, list[Problem]] = field(default_factory=dict, repr=False)
    _keys: dict[str, list[str | None]] = field(default_factory=dict, repr=False)
    _orders: dict[str, DayOrder] = field(default_factory=dict, repr=False)
    _decided: dict[str, int] = field(default_factory=dict, repr=False)  # dates its order read
    # Days without their year read per column: (how many, (the first as typed, as read)).
    _yearless: dict[str, tuple[int, tuple[str, Any]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        idx = self.columns.get("merged_into")
        if idx is None:
            return
        # A row is merged only when its mark names another buyer of the sheet (Buyer ID
        # or email): a column mistaken for Merged into never hides the user's rows.
        named = [(k, self.columns[k]) for k in ("buyer_id", "email") if k in self.columns]
        refs = {str(row[i]).strip().lower() for row in self.rows for _k, i in named if i < len(row)}
        keep: list[int] = []
        for at, (row, number) in enumerate(zip(self.rows, self.row_numbers, strict=True)):
            mark = str(row[idx]).strip().lower() if idx < len(row) and row[idx] else ""
            own = {str(row[i]).strip().lower() for _k, i in named if i < len(row)}
            if mark and mark in refs and mark not in own:
                self.merged.append((number, row))
            else:
                keep.append(at)
        if self.merged:
            self.rows = [self.rows[i] for i in keep]
            self.row_numbers = [self.row_numbers[i] for i in keep]
            if self.groups is not None:  # (one row per inquiry: a group per buyer)
                self.groups = [self.groups[i] for i in keep]

    def release(self) -> None:
        """Let go of the rows and converted columns: a reader that has built every record
        it needs (the lookup index's build). The table has no rows afterwards."""
        self.rows, self.row_numbers = [], []
        self._typed.clear()
        self._warmed.clear()
        self._keys.clear()
        self._problems.clear()

    def merged_cell(self, row: list[Any], key: str) -> str | None:
        """One cell of a merged row as stripped text (None when blank or unmapped)."""
        idx = self.columns.get(key)
        if idx is None or idx >= len(row) or row[idx] in (None, ""):
            return None
        value = CONVERTERS["text"](row[idx])[0]
        return str(value).strip() or None if value is not None else None

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, key: str) -> bool:
        return key in self.columns

    def col(self, key: str) -> int:
        """1-based Excel column of a field, for building a change set (refused for a
        column inq only guessed: see writable())."""
        match = self.mapping.get(key)
        if match is not None and not match.sure:
            raise ContractError(guess_refusal(self, match))
        if key in self.read_only:
            raise ContractError(self.why_not_written(key))
        return self.columns[key] + 1

    def writable(self, key: str) -> bool:
        """Whether inq may write this field: the sheet has its column, it is not a guess,
        and it is the record's own (not each inquiry's, on a one-row-per-inquiry sheet)."""
        if key not in self.columns or key in self.read_only:
            return False
        match = self.mapping.get(key)
        return match is None or match.sure

    def why_not_written(self, key: str) -> str:
        """Why writable(key) is False, in one line naming the fix."""
        header = self.spec.column(key).header
        if key not in self.columns:
            return f"{self.name} has no {header} column"
        match = self.guessed(key)
        if match is not None:
            return guess_refusal(self, match)
        return (
            f"{self.name} holds one row per inquiry: its {self.header_of(key)!r} column is "
            f"each inquiry's, so inq does not write a buyer's {header} there"
        )

    def guessed(self, key: str) -> ColumnMatch | None:
        """The match of a column inq reads but only guessed, else None."""
        match = self.mapping.get(key)
        return match if match is not None and not match.sure and key in self.columns else None

    def row_index(self, row: int) -> int | None:
        """The index of the record at Excel row `row` (or grouping it), else None."""
        return row_index(self.row_numbers, self.groups, row)

    def header_of(self, key: str) -> str:
        return self.headers[self.columns[key]]

    @property
    def unknown_headers(self) -> list[str]:
        known = set(self.columns.values())
        return [h for i, h in enumerate(self.headers) if h and i not in known]

    @property
    def missing(self) -> list[str]:
        """Contract columns this sheet lacks (English headers), but those the user said
        it has none of."""
        return [
            c.header
            for c in self.spec.columns
            if c.key not in self.columns and c.key not in self.declared_none
        ]

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
        warmed = self._warmed.pop(key, None)  # (prewarm: the fast path taken already)
        if warmed is not None:
            raw, out = warmed
        else:  # calamine rows are rectangular (the sheet's full width): index directly
            raw = list(map(itemgetter(idx), self.rows))
            out = _converted(kind, raw)
        problems: list[Problem] = []
        if MISS in out:  # the odd cells: text dates, numbers as text, bad emails...
            convert = self._converter(key, kind, count=True)
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

    def prewarm(self, values: tuple[str, ...] = (), keys: tuple[str, ...] = ()) -> None:
        """Convert these columns now, on a reading thread, as far as the fast path goes:
        the odd cells (text dates, numbers as text, a bad email) are left to values() on
        the command's thread, as their converters may import (a second thread importing
        can be handed half-made modules)."""
        for key in values:
            idx = self.columns.get(key)
            if idx is None or key in self._typed or key in self._warmed:
                continue
            raw = list(map(itemgetter(idx), self.rows))
            out = _converted(self.spec.column(key).kind, raw)
            if MISS in out:
                self._warmed[key] = (raw, out)
            else:
                self._typed[key] = out
                self._problems[key] = []
        for key in keys:
            if key in self.columns:
                self.keys(key)

    def keys(self, key: str) -> list[str | None]:
        """A column as lookup keys (stripped text; emails lower-cased), unvalidated.

        Linking 100,000 log rows to buyers needs equal keys, not validated emails or
        problem reports: this is a cheap pass where values() would run every check.
        """
        cached = self._typed.get(key) or self._keys.get(key)
        if cached is not None:
            return cached
        idx = self.columns.get(key)
        if idx is None:
            return [None] * len(self.rows)
        lower = self.spec.column(key).kind == schema.EMAIL
        cells = map(itemgetter(idx), self.rows)
        if lower:  # (an email already in lower case is its own key: the lowered copy is dropped)
            out = [
                ((v if (k := v.strip().lower()) == v else k) or None)
                if v.__class__ is str
                else _key(v)
                for v in cells
            ]
        else:
            out = [(v.strip() or None) if v.__class__ is str else _key(v) for v in cells]
        self._keys[key] = out  # due reads a log's Buyer IDs for last contacts and replies
        return out

    def values_at(self, key: str, indices: list[int]) -> list[Any]:
        """Typed values of some rows only: a few records out of 100,000 rows convert
        a few cells, not the whole column (unreadable cells become None)."""
        cached = self._typed.get(key)
        if cached is None and (len(indices) * 4 > len(self.rows) or key in self._warmed):
            cached = self.values(key)  # most of the column: convert it all, fast path
        if cached is not None:
            return picked(cached, indices)
        idx = self.columns.get(key)
        if idx is None:
            return [None] * len(indices)
        kind = self.spec.column(key).kind
        raw = [row[idx] for row in picked(self.rows, indices)]
        out = list(map(FAST[kind], raw))
        if MISS in out:
            convert = self._converter(key, kind)
            for n, value in enumerate(out):
                if value is MISS:
                    value, problem = convert(raw[n])
                    out[n] = None if problem is not None else value
        return out

    def _converter(self, key: str, kind: str, count: bool = False) -> Callable[[Any], Converted]:
        """The column's converter: a date column reads 03/11/2026 in the order the rest of
        the column shows (day_order), weighed only when such a date turns up."""
        convert = CONVERTERS[kind]
        if kind not in (schema.DATE, schema.DATETIME, schema.REPLY):  # (a reply is a date too)
            return convert
        if count:
            self._decided[key] = 0
            self._yearless.pop(key, None)
        ahead = key in AHEAD

        def by_column(value: Any) -> Converted:
            order = self.day_order(key) if undecided(value) else None
            converted = convert(value, order, ahead) if ahead else convert(value, order)
            if count and converted[1] is None and value.__class__ is str:
                if order is not None:
                    self._decided[key] += 1
                if yearless(value):
                    n, first = self._yearless.get(key, (0, (value.strip(), converted[0])))
                    self._yearless[key] = (n + 1, first)
            return converted

        return by_column

    def day_order(self, key: str) -> DayOrder:
        """The evidence of this whole column for the order of its dates like 03/11/2026
        (computed once; a partial table's few rows are not the column: see
        needs_whole_column)."""
        found = self._orders.get(key)
        if found is None:
            idx = self.columns[key]
            found = day_order([row[idx] for row in self.rows], self.row_numbers)
            self._orders[key] = found
        return found

    def yearless_dates(self) -> list[tuple[str, int, str, Any, bool]]:
        """(header, how many, the first as typed, as read, whether read ahead) of each date
        column converted so far that holds days without their year (11月3日)."""
        return [
            (self.header_of(key), n, typed, read, key in AHEAD)
            for key, (n, (typed, read)) in self._yearless.items()
        ]

    def date_orders(self) -> list[tuple[str, DayOrder, int]]:
        """(header, evidence, how many dates it decided) of each date column converted so
        far whose dates like 03/11/2026 were read by the column's evidence."""
        return [
            (self.header_of(key), self._orders[key], n)
            for key, n in self._decided.items()
            if n and key in self._orders
        ]

    def needs_whole_column(self) -> bool:
        """Whether a date column holds a date like 03/11/2026: only the whole column can
        say how it reads, so a table of some rows only (partial) must not."""
        for col in self.spec.columns:
            if col.kind in (schema.DATE, schema.DATETIME) and col.key in self.columns:
                idx = self.columns[col.key]
                if any(undecided(row[idx]) for row in self.rows):
                    return True
        return False

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
    ods: bool = False  # a LibreOffice .ods: read whole (no byte search), never written
    # How the user keeps the workbook: SHEETS (a sheet per kind of record) or INQUIRY_ROWS
    # (one row per inquiry, the buyer repeated on each: Buyers and Inquiries are then two
    # readings of that one sheet).
    layout: str = "sheets"
    # The user's own mapping as stored in the workbook (contract.usermap.UserMapping).
    user_mapping: Any = None
    # Sheets named like a contract sheet that was read from another ("Customers 2026"
    # beside "Customers 2025"): contract key -> their names. Not read: check says so.
    unread: dict[str, list[str]] = field(default_factory=dict)

    def table(self, key: str) -> Table:
        """The table for a contract sheet, or a clear error naming what is missing (the
        buyer list itself, or every column of it: nothing could be read or written)."""
        try:
            table = self.tables[key]
        except KeyError:
            gone = self.gone_sheet(key)
            if gone is not None:
                raise ContractError(gone) from None
            spec = schema.SHEETS_BY_KEY[key]
            used = [t.name for t in self.tables.values()]
            raise ContractError(
                f"{self.path.name} has no {spec.title} sheet ({spec.doc}); add a sheet named "
                f"{spec.title!r}, or say which of yours it is: "
                f"{sheet_command(spec.title, self.sheet_names, used)}"
            ) from None
        if key == "buyers" and not table.columns and table.last_row > 0:
            raise ContractError(unread_columns(self.path.name, table))
        return table

    def get(self, key: str) -> Table | None:
        return self.tables.get(key)

    def gone_sheet(self, key: str) -> str | None:
        """The one line to say when the sheet the user named for `key` (inq map Buyers
        SHEET) is no longer in the workbook; None when it is, or none was named."""
        said = self.user_mapping.gone(key, self.sheet_names) if self.user_mapping else None
        if said is None:
            return None
        used = [t.name for t in self.tables.values()]
        title = schema.SHEETS_BY_KEY[key].title
        return gone_line(title, said, self.path.name, self.sheet_names, used)

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


def row_index(numbers: list[int], groups: list[list[int]] | None, row: int) -> int | None:
    """Which record is at Excel row `row`: the one whose group holds it (one row per
    inquiry), else the one on it; None when no record is."""
    if groups is not None:
        for i, members in enumerate(groups):
            if row in members:
                return i
    try:
        return numbers.index(row)
    except ValueError:
        return None


def guess_refusal(table: Table, match: ColumnMatch) -> str:
    """Why a guessed column is not written to, and the command that confirms it."""
    from inquiry_cli.contract.usermap import map_command

    field_ = table.spec.column(match.field).header
    return (
        f"{table.name}: column {match.header!r} is only a guess for {field_} ({match.why}), "
        f"so inq does not write to it; confirm it with "
        f"`{map_command(table.spec.title, field_, match.header)}`"
    )


# Kinds whose fast converter may make a new object of each cell (a date made a datetime,
# an email lower-cased) and gives text or datetimes only: their values can be shared.
_NEW_OBJECTS = frozenset({schema.DATE, schema.DATETIME, schema.REPLY, schema.EMAIL})


def _converted(kind: str, raw: list[Any]) -> list[Any]:
    """A column's cells through the fast converter (MISS where it cannot decide)."""
    out = list(map(FAST[kind], raw))
    return sharing.share_typed(out) if kind in _NEW_OBJECTS else out


def _key(value: Any) -> str | None:
    """A cell that is not text as a lookup key (a number typed as an ID), else None."""
    if value == "" or value is None:
        return None
    converted = CONVERTERS["text"](value)[0]
    return converted if isinstance(converted, str) else None


def picked(items: list[Any], indices: list[int]) -> list[Any]:
    """[items[i] for i in indices], in C (itemgetter): a due list picks 50,000 of them."""
    if len(indices) < 2:  # (itemgetter of one index gives the item, not a tuple)
        return [items[i] for i in indices]
    return list(itemgetter(*indices)(items))
