"""`inq map`: how every field is read, and the user's word on it, kept in the workbook.

The mapping lives in a very hidden sheet (contract/usermap.py) written through the safe
write path like any change: a row per field (Sheet | Field | Header), keyed by the
header's text. Setting a field checks the header is one the sheet has; a header mapped to
another field of the sheet before moves to this one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from inquiry_cli.contract import schema, usermap
from inquiry_cli.contract.changes import AddSheet, CellValue, ChangeSet
from inquiry_cli.contract.records import USER, Table, Workbook
from inquiry_cli.errors import ContractError, UsageError


@dataclass
class FieldRow:
    """One field of one sheet, as `inq map` shows it."""

    sheet: str  # the contract sheet (Buyers)
    found: str  # the user's sheet it is read from
    field: str  # the field's English header (Last contact)
    header: str | None  # the user's column, or None
    how: str  # alias | vocabulary | content | user | none | likely | missing
    sure: bool
    why: str

    def to_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "read_from": self.found,
            "field": self.field,
            "column": self.header,
            "how": self.how,
            "sure": self.sure,
            "why": self.why,
        }


def rows(book: Workbook) -> list[FieldRow]:
    """Every field of every sheet the workbook has, read or not, and how."""
    out: list[FieldRow] = []
    for spec in schema.SHEETS:
        table = book.tables.get(spec.key)
        if table is None or spec.key_value:
            continue
        for col in spec.all_columns:
            match = table.mapping.get(col.key)
            if match is not None:
                row = FieldRow(
                    spec.title, table.name, col.header, match.header, match.how, match.sure,
                    match.why,
                )  # fmt: skip
            elif col.key in table.declared_none:
                row = FieldRow(
                    spec.title, table.name, col.header, None, "none", True,
                    "you said the sheet has no such column",
                )  # fmt: skip
            elif col.key in table.suggestions:
                likely = table.suggestions[col.key]
                row = FieldRow(
                    spec.title, table.name, col.header, likely.header, "likely", False,
                    f"not read: {likely.why}",
                )  # fmt: skip
            elif col in spec.also:
                continue  # a log's client column: only there when the user keeps one
            else:
                row = FieldRow(spec.title, table.name, col.header, None, "missing", False, "")
            out.append(row)
    return out


def target(book: Workbook, sheet: str, field_: str) -> tuple[Table, schema.Column]:
    """The table and column `inq map SHEET FIELD` means, or a UsageError saying why not."""
    table = next((t for t in book.tables.values() if t.name.casefold() == sheet.casefold()), None)
    if table is None:
        spec = usermap.sheet_spec(sheet)
        if spec is None:
            names = ", ".join(s.title for s in schema.SHEETS)
            raise UsageError(f"unknown sheet {sheet!r}: use one of {names}, or your sheet's name")
        table = book.tables.get(spec.key)
        if table is None:
            raise ContractError(
                f"{book.path.name} has no {spec.title} sheet inq can read: nothing to map "
                "(run `inq check` to see how sheets were read)"
            )
    column = table.spec.find_column(field_)
    if column is None:
        fields_ = ", ".join(c.header for c in table.spec.all_columns)
        raise UsageError(f"{table.spec.title} has no field {field_!r}: use one of {fields_}")
    if table.spec.key_value:
        raise UsageError(f"{table.spec.title} is a Field/Value list: its rows are not mapped")
    return table, column


def set_field(
    book: Workbook, sheet: str, field_: str, header: str | None, now: dt.datetime
) -> tuple[ChangeSet, list[str]]:
    """The change that maps a field to a header (None: the sheet has no such column)."""
    table, column = target(book, sheet, field_)
    spec = table.spec
    written = header
    if header is not None:
        wanted = schema.norm(header)
        written = next((h for h in table.headers if h and schema.norm(h) == wanted), None)
        if written is None:
            have = ", ".join(repr(h) for h in table.headers if h)
            raise UsageError(f"{table.name} has no column headed {header!r} (its headers: {have})")
    user = book.user_mapping or usermap.UserMapping()
    entries: dict[tuple[str, str], str | None] = {
        (s, f): h for s, fields_ in user.fields.items() for f, h in fields_.items()
    }
    moved = []
    if written is not None:  # one header, one field: a header mapped elsewhere moves here
        for (s, f), h in list(entries.items()):
            if s == spec.key and f != column.key and h and schema.norm(h) == wanted:
                moved.append(f)
                del entries[(s, f)]
    entries[(spec.key, column.key)] = written
    changes = _write(user, entries, now)
    before = table.mapping.get(column.key)
    was = f" (was {before.header!r}, {before.how})" if before is not None else ""
    if written is None:
        line = f"{spec.title}: the workbook has no {column.header} column; inq stops asking{was}"
    else:
        line = f"{spec.title}: {column.header} is read from column {written!r}{was}"
    lines = [line]
    for f in moved:
        lines.append(f"{spec.title}: {spec.column(f).header} no longer reads {written!r}")
    if before is not None and before.how == USER and before.header == written:
        lines = [f"{spec.title}: {column.header} already reads {written!r}: nothing to change"]
        return ChangeSet(), lines
    lines.append(
        f"Kept inside {book.path.name} (a very hidden sheet, not in Excel's Unhide list), "
        "so the mapping travels with the file"
    )
    return changes, lines


def reset(book: Workbook) -> tuple[ChangeSet, list[str]]:
    """The change that forgets every mapping the user set."""
    user = book.user_mapping
    if not user:
        return ChangeSet(), ["No mapping set with inq map: nothing to reset"]
    changes = ChangeSet()
    for row in user.rows.values():
        for col in range(1, len(usermap.HEADER) + 1):
            changes.set(usermap.SHEET_NAME, row, col, None)
    n = len(user.rows)
    return changes, [f"Forgot {n} mapping{'s' if n != 1 else ''}: inq reads every header anew"]


def _write(
    user: usermap.UserMapping, entries: dict[tuple[str, str], str | None], now: dt.datetime
) -> ChangeSet:
    """Rows of the mapping sheet: changed in place, added below, or the sheet added."""
    changes = ChangeSet()

    def cells(key: str, field_key: str, header: str | None) -> list[CellValue]:
        spec = schema.SHEETS_BY_KEY[key]
        note = usermap.NONE_NOTE if header is None else f"set with inq map on {now:%Y-%m-%d}"
        return [spec.title, spec.column(field_key).header, header or None, note]

    if user.last_row == 0:  # no mapping sheet yet: add it, very hidden
        rows = [cells(k, f, h) for (k, f), h in entries.items()]
        changes.add_sheet(
            AddSheet(
                usermap.SHEET_NAME,
                list(usermap.HEADER),
                rows,
                widths={1: 14, 2: 18, 3: 24, 4: 28},
                state="veryHidden",
            )
        )
        return changes
    for (key, field_key), row in user.rows.items():
        if (key, field_key) not in entries:
            for col in range(1, len(usermap.HEADER) + 1):
                changes.set(usermap.SHEET_NAME, row, col, None)
    for (key, field_key), header in entries.items():
        values = cells(key, field_key, header)
        kept = user.rows.get((key, field_key))
        if kept is None:
            changes.append(usermap.SHEET_NAME, dict(enumerate(values, start=1)))
            continue
        old = user.fields.get(key, {}).get(field_key, "\0")
        if old != header:
            for col, value in enumerate(values, start=1):
                changes.set(usermap.SHEET_NAME, kept, col, value)
    return changes
