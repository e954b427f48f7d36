"""The workbook doctor behind `inq check`: how sheets were mapped, which rows are wrong,
and which everyday jobs can run (domain/jobs.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from inquiry_cli import dates
from inquiry_cli.contract import needs, schema
from inquiry_cli.contract.records import (
    SHEETS,
    ColumnMatch,
    Problem,
    Table,
    Workbook,
    unread_columns,
)
from inquiry_cli.contract.usermap import map_command, sheet_command
from inquiry_cli.domain import linking
from inquiry_cli.domain.identity import email_key, phone_key
from inquiry_cli.domain.jobs import Job, jobs
from inquiry_cli.errors import ContractError


@dataclass
class SheetReport:
    key: str
    title: str
    found: str | None
    header_row: int = 0
    rows: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # contract header -> user's header
    missing_columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    fields: dict[str, ColumnMatch] = field(default_factory=dict)  # contract header -> match
    likely: dict[str, ColumnMatch] = field(default_factory=dict)  # missing field -> column
    list_object: str | None = None  # the Excel Table the rows were read from
    serial_columns: list[str] = field(default_factory=list)  # counted on in rows inq adds

    @property
    def guesses(self) -> list[tuple[str, ColumnMatch]]:
        return [(f, m) for f, m in self.fields.items() if not m.sure]

    @property
    def read_from(self) -> list[str]:
        """Every column read for sure, as `inq map` lists them ('Date → Received', and
        'Replied' for a header that is the field's own name); none for a sheet whose
        every header is inq's own."""
        read = [(f, m.header) for f, m in self.fields.items() if m.sure]
        if all(header == ours for ours, header in read):
            return []
        return [header if header == ours else f"{header} → {ours}" for ours, header in read]

    def field_json(self) -> dict[str, Any]:
        return {
            f: {"column": m.header, "how": m.how, "sure": m.sure, "why": m.why}
            for f, m in self.fields.items()
        }


@dataclass
class DateOrder:
    """How one column's dates like 03/11/2026 were read, and why (its own evidence)."""

    sheet: str
    column: str
    order: str  # "day first" or "month first"
    why: str  # "25/11/2026 in row 7 can only be day first"
    dates: int  # how many it decided


@dataclass
class YearlessDates:
    """How one column's days typed without their year (11月3日) were read."""

    sheet: str
    column: str
    dates: int
    example: str  # the first as typed
    read_as: str  # and as read: "2026-11-03"
    ahead: bool  # the next such day (a follow-up), not the latest past one

    @property
    def rule(self) -> str:
        if self.ahead:
            return "the next such day on or after today"
        return "the latest such day not after today"


@dataclass
class CheckReport:
    workbook: str
    sheets: list[SheetReport]
    problems: list[Problem]
    date_orders: list[DateOrder] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    layout: str = "sheets"
    stale_mapping: list[str] = field(default_factory=list)
    yearless: list[YearlessDates] = field(default_factory=list)

    @property
    def blind(self) -> list[Job]:
        return [j for j in self.jobs if j.blind]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.blind

    def to_json(self) -> dict[str, Any]:
        return {
            "workbook": self.workbook,
            "ok": self.ok,
            "sheets": [
                {
                    "sheet": s.title,
                    "found": s.found,
                    "header_row": s.header_row,
                    "rows": s.rows,
                    "columns": s.columns,
                    "missing_columns": s.missing_columns,
                    "unknown_columns": s.unknown_columns,
                    "fields": s.field_json(),
                    "likely": {f: {"column": m.header, "why": m.why} for f, m in s.likely.items()},
                    "excel_table": s.list_object,
                    "serial_columns": s.serial_columns,
                }
                for s in self.sheets
            ],
            "missing_sheets": [s.title for s in self.sheets if s.found is None],
            "problems": [
                {"sheet": p.sheet, "row": p.row, "column": p.column, "problem": p.message}
                for p in self.problems
            ],
            "date_orders": [
                {
                    "sheet": d.sheet,
                    "column": d.column,
                    "order": d.order.replace(" ", "_"),
                    "why": d.why,
                    "dates": d.dates,
                }
                for d in self.date_orders
            ],
            "layout": self.layout,
            "jobs": [j.to_json() for j in self.jobs],
            "stale_mapping": self.stale_mapping,
            "yearless_dates": [
                {
                    "sheet": y.sheet,
                    "column": y.column,
                    "dates": y.dates,
                    "example": y.example,
                    "read_as": y.read_as,
                    "ahead": y.ahead,
                }
                for y in self.yearless
            ],
        }


def check(book: Workbook) -> CheckReport:
    """Map every contract sheet and list row problems; raise when there are no buyers."""
    if "buyers" not in book.tables or not book.tables["buyers"].columns:
        gone = book.gone_sheet("buyers")
        if gone is not None:
            raise ContractError(gone)
        buyers = book.tables.get("buyers")
        if buyers is not None:
            raise ContractError(unread_columns(book.path.name, buyers))
        used = [t.name for t in book.tables.values()]
        raise ContractError(
            f"{book.path.name} has no recognisable Buyers sheet: name a sheet 'Buyers' "
            "(or 客户/客户列表) with a header row holding Email and Name or Company, or say "
            f"which of yours it is: {sheet_command('Buyers', book.sheet_names, used)}"
        )
    sheets: list[SheetReport] = []
    problems: list[Problem] = []
    orders: list[DateOrder] = []
    yearless: list[YearlessDates] = []
    for spec in schema.SHEETS:
        table = book.tables.get(spec.key)
        if table is None:
            sheets.append(SheetReport(spec.key, spec.title, None))
            continue
        sheets.append(_sheet_report(table, _read_by_the_other(book, spec.key)))
        if spec.key_value:
            continue
        for col in spec.columns:
            if col.kind in needs.CHECKED_KINDS and col.key in table.columns:
                problems.extend(table.problems(col.key))
        orders.extend(_date_orders(table))
        yearless.extend(_yearless(table))
    buyers = book.tables["buyers"]
    problems.extend(_duplicates(buyers))
    problems.extend(_dangling_buyer_ids(book))
    problems.extend(_unlinked(book))
    for name in book.unread.get("buyers", []):  # a second buyer list nobody reads
        problems.append(
            Problem(
                name,
                1,
                "",
                f"named like a buyer list, but the buyers are read from {buyers.name!r} "
                "only: no command finds these (keep one buyer list)",
            )
        )
    # One row per inquiry: a cell read by both tables is one problem.
    problems = list({(p.sheet, p.row, p.column, p.message): p for p in problems}.values())
    problems.sort(key=lambda p: (_sheet_order(p.sheet, book), p.row))
    return CheckReport(
        str(book.path),
        sheets,
        problems,
        orders,
        jobs(book),
        book.layout,
        stale_mapping(book),
        list({(y.sheet, y.column): y for y in yearless}.values()),  # (one sheet read twice)
    )


def _yearless(table: Table) -> list[YearlessDates]:
    """The columns holding days without their year, and how the first was read."""
    out = []
    for column, n, typed, read, ahead in table.yearless_dates():
        timed = isinstance(read, dt.datetime) and (read.hour, read.minute) != (0, 0)
        when = f"{read:%Y-%m-%d %H:%M}" if timed else f"{read:%Y-%m-%d}"
        out.append(YearlessDates(table.name, column, n, typed, when, ahead))
    return out


def _date_orders(table: Table) -> list[DateOrder]:
    """The columns whose dates like 03/11/2026 their own other dates decided."""
    out = []
    for column, evidence, n in table.date_orders():
        order = "day first" if evidence.order == dates.DAY_FIRST else "month first"
        out.append(DateOrder(table.name, column, order, evidence.why, n))
    return out


def _read_by_the_other(book: Workbook, key: str) -> set[int]:
    """One row per inquiry: the columns of the sheet the other reading of it maps."""
    if book.layout == SHEETS or key not in ("buyers", "inquiries"):
        return set()
    other = book.tables.get("inquiries" if key == "buyers" else "buyers")
    return set(other.columns.values()) if other is not None else set()


def _sheet_report(table: Table, read_elsewhere: set[int] | None = None) -> SheetReport:
    from inquiry_cli.domain.recording.numbering import serial_columns

    serials = set(serial_columns(table)) if table.columns else set()
    read_elsewhere = (read_elsewhere or set()) | serials
    columns = {table.spec.column(k).header: table.headers[i] for k, i in table.columns.items()}
    every = table.spec.all_columns
    ordered = {c.header: columns[c.header] for c in every if c.header in columns}
    matches = {table.spec.column(k).header: m for k, m in table.mapping.items()}
    return SheetReport(
        table.spec.key,
        table.spec.title,
        table.name,
        table.header_row,
        len(table),
        ordered,
        table.missing if table.columns else [c.header for c in table.spec.columns],
        [
            h
            for i, h in enumerate(table.headers)
            if h and i not in table.columns.values() and i not in read_elsewhere
        ],
        {c.header: matches[c.header] for c in every if c.header in matches},
        {table.spec.column(k).header: m for k, m in table.suggestions.items()},
        table.list_object.name if table.list_object is not None else None,
        [table.headers[i] for i in sorted(serials)],
    )


def stale_mapping(book: Workbook) -> list[str]:
    """The user's mappings (`inq map`) that name a header the sheet no longer has."""
    user = book.user_mapping
    out: list[str] = []
    if not user:
        return out
    for key, name in user.sheets.items():
        if user.gone(key, book.sheet_names) is not None:
            title = schema.SHEETS_BY_KEY[key].title
            fix = sheet_command(title, book.sheet_names, _read_from(book, key), like=name)
            out.append(
                f"{title}: said to be read from sheet {name!r}, which {book.path.name} no longer "
                f"has (fix: {fix})"
            )
    for key, fields_ in user.fields.items():
        table = book.tables.get(key)
        if table is None:
            continue
        for field_key, header in fields_.items():
            match = table.mapping.get(field_key)
            if header is not None and (match is None or match.how != "user"):
                name = table.spec.column(field_key).header
                out.append(
                    f"{table.spec.title}: {name} is mapped to {header!r}, which {table.name} "
                    f"no longer has (fix: {map_command(table.spec.title, name, 'HEADER')})"
                )
    return out + [f"inq's mapping sheet, {u}: not a sheet and field inq knows" for u in user.unread]


def _unlinked(book: Workbook) -> list[Problem]:
    """Log rows that name their buyer only by name, and no single buyer has that name."""
    buyers = book.tables["buyers"]
    out: list[Problem] = []
    for key in linking.LOG_SHEETS:
        table = book.tables.get(key)
        if table is None or not linking.names_buyers(table):
            continue
        column = table.header_of("client") if table.has("client") else table.header_of("company")
        _links, why = linking.name_links(buyers, table)
        for i, reason in why.items():
            out.append(
                Problem(table.name, table.row_numbers[i], column, f"links to no buyer: {reason}")
            )
    return out


def _duplicates(buyers: Table) -> list[Problem]:
    """Buyers sharing an email or a phone number: the same person entered twice."""
    out: list[Problem] = []
    for key, keyfunc in (("email", email_key), ("phone", phone_key)):
        if key not in buyers.columns:
            continue
        seen: dict[str, int] = {}
        header = buyers.header_of(key)
        for value, rownum in zip(buyers.values(key), buyers.row_numbers, strict=True):
            k = keyfunc(value)
            if not k:
                continue
            if k in seen:
                out.append(
                    Problem(
                        buyers.name,
                        rownum,
                        header,
                        f"duplicate buyer: same {key} as row {seen[k]} ({value})",
                    )
                )
            else:
                seen[k] = rownum
    if "buyer_id" in buyers.columns:
        first: dict[str, int] = {}
        for value, rownum in zip(buyers.values("buyer_id"), buyers.row_numbers, strict=True):
            if not value:
                continue
            if value in first:
                out.append(
                    Problem(
                        buyers.name,
                        rownum,
                        buyers.header_of("buyer_id"),
                        f"duplicate Buyer ID {value} (also row {first[value]})",
                    )
                )
            else:
                first[value] = rownum
    return out


def _dangling_buyer_ids(book: Workbook) -> list[Problem]:
    """Inquiries, contacts, quotes or samples that name a Buyer ID no buyer has."""
    buyers = book.tables["buyers"]
    if "buyer_id" not in buyers.columns:
        return []
    known = {v for v in buyers.values("buyer_id") if v}
    known |= {buyers.merged_cell(row, "buyer_id") for _n, row in buyers.merged} - {None}
    out: list[Problem] = []
    linking.link_names(book)
    for key in ("inquiries", "contacts", "quotes", "samples"):
        table = book.tables.get(key)
        if table is None or "buyer_id" not in table.columns:
            continue
        named = table.linked or {}
        for i, (value, rownum) in enumerate(
            zip(table.values("buyer_id"), table.row_numbers, strict=True)
        ):
            if value and value not in known and i not in named:
                out.append(
                    Problem(
                        table.name,
                        rownum,
                        table.header_of("buyer_id"),
                        f"Buyer ID {value} is not in the {buyers.name} sheet",
                    )
                )
    return out


def _sheet_order(name: str, book: Workbook) -> int:
    try:
        return book.sheet_names.index(name)
    except ValueError:
        return len(book.sheet_names)


def _read_from(book: Workbook, key: str) -> list[str]:
    """The sheets the other contract sheets are read from."""
    return [t.name for k, t in book.tables.items() if k != key]
