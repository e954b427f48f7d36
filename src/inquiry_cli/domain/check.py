"""The workbook doctor behind `inq check`: how sheets were mapped and which rows are wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from inquiry_cli import dates
from inquiry_cli.contract import schema
from inquiry_cli.contract.records import Problem, Table, Workbook
from inquiry_cli.domain.identity import email_key, phone_key
from inquiry_cli.errors import ContractError

# Columns whose values `check` validates (the kinds that can be wrong).
_CHECKED_KINDS = {
    schema.EMAIL,
    schema.GRADE,
    schema.DATE,
    schema.DATETIME,
    schema.INT,
    schema.NUMBER,
}


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


@dataclass
class DateOrder:
    """How one column's dates like 03/11/2026 were read, and why (its own evidence)."""

    sheet: str
    column: str
    order: str  # "day first" or "month first"
    why: str  # "25/11/2026 in row 7 can only be day first"
    dates: int  # how many it decided


@dataclass
class CheckReport:
    workbook: str
    sheets: list[SheetReport]
    problems: list[Problem]
    date_orders: list[DateOrder] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

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
        }


def check(book: Workbook) -> CheckReport:
    """Map every contract sheet and list row problems; raise when there are no buyers."""
    if "buyers" not in book.tables or not book.tables["buyers"].columns:
        raise ContractError(
            f"{book.path.name} has no recognisable Buyers sheet: name a sheet 'Buyers' "
            "(or 客户/客户列表) with a header row holding Email and Name or Company"
        )
    sheets: list[SheetReport] = []
    problems: list[Problem] = []
    orders: list[DateOrder] = []
    for spec in schema.SHEETS:
        table = book.tables.get(spec.key)
        if table is None:
            sheets.append(SheetReport(spec.key, spec.title, None))
            continue
        sheets.append(_sheet_report(table))
        if spec.key_value:
            continue
        for col in spec.columns:
            if col.kind in _CHECKED_KINDS and col.key in table.columns:
                problems.extend(table.problems(col.key))
        orders.extend(_date_orders(table))
    buyers = book.tables["buyers"]
    problems.extend(_duplicates(buyers))
    problems.extend(_dangling_buyer_ids(book))
    problems.sort(key=lambda p: (_sheet_order(p.sheet, book), p.row))
    return CheckReport(str(book.path), sheets, problems, orders)


def _date_orders(table: Table) -> list[DateOrder]:
    """The columns whose dates like 03/11/2026 their own other dates decided."""
    out = []
    for column, evidence, n in table.date_orders():
        order = "day first" if evidence.order == dates.DAY_FIRST else "month first"
        out.append(DateOrder(table.name, column, order, evidence.why, n))
    return out


def _sheet_report(table: Table) -> SheetReport:
    columns = {table.spec.column(k).header: table.headers[i] for k, i in table.columns.items()}
    ordered = {c.header: columns[c.header] for c in table.spec.columns if c.header in columns}
    return SheetReport(
        table.spec.key,
        table.spec.title,
        table.name,
        table.header_row,
        len(table),
        ordered,
        table.missing if table.columns else [c.header for c in table.spec.columns],
        table.unknown_headers,
    )


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
    for key in ("inquiries", "contacts", "quotes", "samples"):
        table = book.tables.get(key)
        if table is None or "buyer_id" not in table.columns:
            continue
        for value, rownum in zip(table.values("buyer_id"), table.row_numbers, strict=True):
            if value and value not in known:
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
