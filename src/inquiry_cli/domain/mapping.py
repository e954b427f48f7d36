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


def unread_headers(book: Workbook, title: str) -> list[str]:
    """The headers of a contract sheet's columns that no field is read from."""
    spec = usermap.sheet_spec(title)
    table = book.tables.get(spec.key) if spec is not None else None
    if table is None:
        return []
    used = set(table.columns.values())
    return [h for i, h in enumerate(table.headers or table.labels) if h and i not in used]


def unread_buyers(book: Workbook) -> str | None:
    """What to do when no sheet is read as the buyer list (None: one is)."""
    if "buyers" in book.tables:
        return None
    used = [t.name for t in book.tables.values()]
    return (
        "No sheet is read as Buyers (none is named or headed like a buyer list): say which "
        f"of yours it is: {usermap.sheet_command('Buyers', book.sheet_names, used)}"
    )


def target(book: Workbook, sheet: str, field_: str) -> tuple[Table, schema.Column]:
    """The table and column `inq map SHEET FIELD` means, or a UsageError saying why not."""
    table = next((t for t in book.tables.values() if t.name.casefold() == sheet.casefold()), None)
    if table is None:
        spec = usermap.sheet_spec(sheet)
        mine = _workbook_sheet(book, sheet)
        if spec is None and mine is not None:
            raise UsageError(
                f"inq reads no sheet from {mine!r} yet: say which it is first, e.g. "
                f"{usermap.sheet_command('Buyers', [mine])}"
            )
        if spec is None:
            names = ", ".join(s.title for s in schema.SHEETS)
            raise UsageError(f"unknown sheet {sheet!r}: use one of {names}, or your sheet's name")
        table = book.tables.get(spec.key)
        buyers = book.tables.get("buyers")
        if table is None and spec.key == "inquiries" and buyers is not None and buyers.columns:
            table = _inquiries_on(buyers)
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
        headers = table.headers or table.labels  # (no header read yet: its likely one)
        written = next((h for h in headers if h and schema.norm(h) == wanted), None)
        if written is None:
            have = ", ".join(repr(h) for h in headers if h)
            raise UsageError(
                f"{table.name} has no column headed {header!r} "
                + (f"(its headers: {have})" if have else "(inq finds no header row in it)")
            )
    user = _kept(book)
    entries = _entries(user)
    moved = []
    if written is not None:  # one header, one field: a header mapped elsewhere moves here
        for (s, f), h in list(entries.items()):
            same = s == spec.key and f not in (column.key, usermap.SHEET_FIELD)
            if same and h and schema.norm(h) == wanted:
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
    if table.spec.key == "inquiries" and table.name == _buyers_name(book):
        lines.append(
            f"Inquiries are read from the rows of {table.name!r} (one row per inquiry) once "
            "it has a Received date and a Product or Qty column inq can read"
        )
    lines.append(
        f"Kept inside {book.path.name} (a very hidden sheet, not in Excel's Unhide list), "
        "so the mapping travels with the file"
    )
    return changes, lines


def _buyers_name(book: Workbook) -> str | None:
    buyers = book.tables.get("buyers")
    return buyers.name if buyers is not None else None


def set_sheet(
    book: Workbook, sheet: str, name: str, now: dt.datetime
) -> tuple[ChangeSet, list[str]]:
    """The change that reads a contract sheet from the user's own sheet (`inq map Buyers
    "Kunden 2026"`): a sheet named and headed in no language inq knows."""
    spec, mine = usermap.sheet_spec(sheet), _workbook_sheet(book, name)
    if spec is None or mine is None:  # (the other way round: inq map "Kunden 2026" Buyers)
        other_spec, other_mine = usermap.sheet_spec(name), _workbook_sheet(book, sheet)
        if other_spec is not None and other_mine is not None:
            spec, mine = other_spec, other_mine
    if spec is None:
        names = ", ".join(s.title for s in schema.SHEETS)
        raise UsageError(f"unknown sheet {sheet!r}: use one of {names}")
    if mine is None:
        column = spec.find_column(name)
        if column is not None and not spec.key_value:
            raise UsageError(
                f"give your header too: {usermap.map_command(spec.title, column.header, 'HEADER')}"
                " (or --none when the sheet has no such column)"
            )
        have = ", ".join(repr(n) for n in book.sheet_names if n != usermap.SHEET_NAME)
        raise UsageError(f"{book.path.name} has no sheet named {name!r} (its sheets: {have})")
    if mine == usermap.SHEET_NAME:
        raise UsageError(f"{mine!r} is inq's own mapping sheet, not one to read records from")
    user = _kept(book)
    entries = _entries(user)
    current = book.tables.get(spec.key)
    if current is not None and current.name == mine and user.sheet_of(spec.key, [mine]):
        return ChangeSet(), [f"{spec.title}: already read from sheet {mine!r}: nothing to change"]
    lines = []
    for (key, field_key), other in list(entries.items()):  # one sheet, one contract sheet
        elsewhere = field_key == usermap.SHEET_FIELD and key != spec.key
        if elsewhere and (other or "").strip().casefold() == mine.casefold():
            del entries[(key, field_key)]
            lines.append(f"{schema.SHEETS_BY_KEY[key].title}: no longer read from {mine!r}")
    entries[(spec.key, usermap.SHEET_FIELD)] = mine
    was = f" (was {current.name!r})" if current is not None and current.name != mine else ""
    lines.insert(0, f"{spec.title}: read from sheet {mine!r}{was}")
    lines.append(
        f"Kept inside {book.path.name} (a very hidden sheet, not in Excel's Unhide list), "
        "so the mapping travels with the file"
    )
    return _write(user, entries, now), lines


def _inquiries_on(buyers: Table) -> Table:
    """Inquiries to be read from the buyer sheet's own rows (one row per inquiry, the
    buyer on each), headed in words inq does not know: the user says which column is the
    date and the product, and each row becomes an inquiry."""
    return Table(
        schema.INQUIRIES, buyers.name, buyers.header_row, {}, buyers.headers, [], [],
        buyers.last_row, labels=buyers.labels,
    )  # fmt: skip


def _workbook_sheet(book: Workbook, name: str) -> str | None:
    """The workbook's sheet of that name, as the workbook spells it (None: no such sheet)."""
    wanted = name.strip().casefold()
    return next((n for n in book.sheet_names if n.strip().casefold() == wanted), None)


def _entries(user: usermap.UserMapping) -> dict[tuple[str, str], str | None]:
    """Every row the mapping sheet keeps, as {(contract sheet, field or "(sheet)"): value}."""
    entries: dict[tuple[str, str], str | None] = {
        (s, usermap.SHEET_FIELD): name for s, name in user.sheets.items()
    }
    entries.update({(s, f): h for s, fields_ in user.fields.items() for f, h in fields_.items()})
    return entries


def reset(book: Workbook) -> tuple[ChangeSet, list[str]]:
    """The change that forgets every mapping the user set."""
    user = book.user_mapping
    if not user:
        return ChangeSet(), ["No mapping set with inq map: nothing to reset"]
    changes = ChangeSet()
    for row in [*user.rows.values(), *user.superseded]:
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
        if field_key == usermap.SHEET_FIELD:
            return [spec.title, usermap.SHEET_FIELD, header, note]
        return [spec.title, spec.column(field_key).header, header or None, note]

    def kept_value(key: str, field_key: str) -> str | None:
        if field_key == usermap.SHEET_FIELD:
            return user.sheets.get(key, "\0")
        return user.fields.get(key, {}).get(field_key, "\0")

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
    dropped = [r for entry, r in user.rows.items() if entry not in entries]
    for row in [*dropped, *user.superseded]:  # (and a hand-made copy above a kept row)
        for col in range(1, len(usermap.HEADER) + 1):
            changes.set(usermap.SHEET_NAME, row, col, None)
    for (key, field_key), header in entries.items():
        values = cells(key, field_key, header)
        kept = user.rows.get((key, field_key))
        if kept is None:
            changes.append(usermap.SHEET_NAME, dict(enumerate(values, start=1)))
            continue
        if kept_value(key, field_key) != header:
            for col, value in enumerate(values, start=1):
                changes.set(usermap.SHEET_NAME, kept, col, value)
    return changes


def _kept(book: Workbook) -> usermap.UserMapping:
    """The mapping as the workbook keeps it: an emptied sheet (after --reset) is still a
    sheet, written into, never added again."""
    return book.user_mapping if book.user_mapping is not None else usermap.UserMapping()
