"""The records the reader fills and the rules read: a contract sheet as found (Table), the
sheets of one workbook (Workbook), and a cell that could not be read (Problem).

A Table keeps the user's layout (header row, column mapping, Excel row numbers), so the
rules can name the cells a change sets; values are converted lazily, column by column,
so a command that needs three columns of a 100k-row sheet pays for three.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inquiry_cli.contract import schema
from inquiry_cli.contract.cells import (
    CONVERTERS,
    FAST,
    MISS,
    Converted,
    DayOrder,
    day_order,
    undecided,
)
from inquiry_cli.errors import ContractError


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
    # Rows merged into another buyer (a Merged into cell): (Excel row number, raw row).
    # They are not records: every read skips them; lookup follows them to the kept buyer.
    merged: list[tuple[int, list[Any]]] = field(default_factory=list, repr=False)
    _typed: dict[str, list[Any]] = field(default_factory=dict, repr=False)
    _problems: dict[str, list[Problem]] = field(default_factory=dict, repr=False)
    _keys: dict[str, list[str | None]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        idx = self.columns.get("merged_into")
        if idx is None:
            return
        # A row is merged only when its mark names another buyer of the sheet (Buyer ID
        # or email): a column mistaken for Merged into never hides the user's rows.
        named = [(k, self.columns[k]) for k in ("buyer_id", "email") if k in self.columns]
        refs = {str(row[i]).strip().lower() for row in self.rows for _k, i in named if i < len(row)}
        keep: list[list[Any]] = []
        numbers: list[int] = []
        for row, number in zip(self.rows, self.row_numbers, strict=True):
            mark = str(row[idx]).strip().lower() if idx < len(row) and row[idx] else ""
            own = {str(row[i]).strip().lower() for _k, i in named if i < len(row)}
            if mark and mark in refs and mark not in own:
                self.merged.append((number, row))
            else:
                keep.append(row)
                numbers.append(number)
        if self.merged:
            self.rows, self.row_numbers = keep, numbers

    def merged_cell(self, row: list[Any], key: str) -> str | None:
        """One cell of a merged row as stripped text (None when blank or unmapped)."""
        idx = self.columns.get(key)
        if idx is None or idx >= len(row) or row[idx] in (None, ""):
            return None
        value = CONVERTERS["text"](row[idx])[0]
        return str(value).strip() or None if value is not None else None

    _orders: dict[str, DayOrder] = field(default_factory=dict, repr=False)
    _decided: dict[str, int] = field(default_factory=dict, repr=False)  # dates its order read

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
        out: list[str | None] = []
        for row in self.rows:
            v = row[idx]
            if v.__class__ is str:
                v = v.strip().lower() if lower else v.strip()
                out.append(v or None)
            elif v == "" or v is None:
                out.append(None)
            else:
                converted = CONVERTERS["text"](v)[0]
                out.append(converted if isinstance(converted, str) else None)
        self._keys[key] = out  # due reads a log's Buyer IDs for last contacts and replies
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
        fast, convert = FAST[kind], self._converter(key, kind)
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

    def _converter(self, key: str, kind: str, count: bool = False) -> Callable[[Any], Converted]:
        """The column's converter: a date column reads 03/11/2026 in the order the rest of
        the column shows (day_order), weighed only when such a date turns up."""
        convert = CONVERTERS[kind]
        if kind not in (schema.DATE, schema.DATETIME):
            return convert
        if count:
            self._decided[key] = 0

        def by_column(value: Any) -> Converted:
            if not undecided(value):
                return convert(value)
            converted = convert(value, self.day_order(key))
            if count and converted[1] is None:
                self._decided[key] += 1
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
