"""The user's own mapping, stored inside the workbook so it travels with the file.

`inq map Buyers "Last contact" "跟单日期"` writes a row into a very hidden sheet (the user
never sees it in Excel; it survives a copy, a rename, a mail to a colleague): Sheet |
Field | Header, keyed by the header's text, so a column the user moves keeps its
mapping. A blank Header says the sheet has no such column. It wins over every guess.
A row whose Field is "(sheet)" names the user's own sheet a contract sheet is read from
(`inq map Buyers "Kunden 2026"`): a sheet named and headed in no language inq knows.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from inquiry_cli.contract import schema

SHEET_NAME = "inq mapping"
HEADER = ("Sheet", "Field", "Header", "Note")
NONE_NOTE = "no such column"
MAX_ROWS = 1000  # a mapping is a few dozen rows; more is not inq's
SHEET_FIELD = "(sheet)"  # the Field of a row that names the sheet itself


@dataclass
class UserMapping:
    """{contract sheet key: {field key: the header as the user wrote it, or None}}, and
    the Excel row each entry is kept on (to change or clear it)."""

    fields: dict[str, dict[str, str | None]] = field(default_factory=dict)
    sheets: dict[str, str] = field(default_factory=dict)  # {contract key: the user's sheet}
    rows: dict[tuple[str, str], int] = field(default_factory=dict)
    # Rows of an entry said again lower down (a hand-made copy): the lower one is read;
    # these are cleared with it, by --reset or any change of the mapping.
    superseded: list[int] = field(default_factory=list)
    last_row: int = 0  # the last used row of the mapping sheet (0: no sheet yet)
    unread: list[str] = field(default_factory=list)  # rows naming no sheet or field inq knows

    def for_sheet(self, key: str) -> dict[str, str | None]:
        return self.fields.get(key, {})

    def keep(self, entry: tuple[str, str], row: int) -> None:
        """Note the row an entry is kept on (a lower copy supersedes the one above)."""
        before = self.rows.get(entry)
        if before is not None:
            self.superseded.append(before)
        self.rows[entry] = row

    def sheet_of(self, key: str, names: Iterable[str]) -> str | None:
        """The sheet among `names` the user said the contract sheet `key` is read from."""
        wanted = self.sheets.get(key)
        if wanted is None:
            return None
        return next((n for n in names if n.strip().casefold() == wanted.casefold()), None)

    def gone(self, key: str, names: Iterable[str]) -> str | None:
        """The sheet the user said `key` is read from, when the workbook no longer has it
        (renamed, deleted): then no other sheet is read in its place."""
        wanted = self.sheets.get(key)
        if wanted is None or self.sheet_of(key, names) is not None:
            return None
        return wanted

    def __bool__(self) -> bool:
        return any(self.fields.values()) or bool(self.sheets)


def parse(rows: Iterable[list[Any]]) -> UserMapping:
    """The mapping from the hidden sheet's rows (row 1 is its header)."""
    out = UserMapping()
    for number, row in enumerate(rows, start=1):
        cells = [("" if v is None else str(v)).strip() for v in (*row, "", "", "")[:3]]
        if any(cells):
            out.last_row = number
        if number == 1 or not (cells[0] or cells[1]):
            continue
        spec = sheet_spec(cells[0])
        if spec is not None and cells[1] == SHEET_FIELD:
            if cells[2]:
                out.sheets[spec.key] = cells[2]
                out.keep((spec.key, SHEET_FIELD), number)
            continue
        column = spec.find_column(cells[1]) if spec is not None else None
        if spec is None or column is None:
            out.unread.append(f"row {number}: {cells[0]} / {cells[1]}")
            continue
        out.fields.setdefault(spec.key, {})[column.key] = cells[2] or None
        out.keep((spec.key, column.key), number)
    return out


def sheet_spec(name: str) -> schema.Sheet | None:
    """The contract sheet a user names (Buyers, 客户, inquiries...)."""
    wanted = schema.norm(name)
    return next((s for s in schema.SHEETS if wanted in s.names), None)


def sheet_command(
    sheet: str, names: Iterable[str], used: Iterable[str] = (), like: str | None = None
) -> str:
    """The `inq map Buyers "Kunden 2026"` line that says which of the workbook's sheets a
    contract sheet is: named after the sheet nothing is read from yet that is most like
    `like` (the name it had: "Kunden 2027" for a "Kunden 2026" renamed), else the first."""
    import difflib

    taken = {*used, SHEET_NAME}
    free = [n for n in names if n not in taken]
    close = difflib.get_close_matches(like, free, n=1, cutoff=0.5) if like else []
    choice = (close or free or ["YOUR SHEET"])[0]
    return " ".join(shlex.quote(w) for w in ("inq", "map", sheet, choice))


def gone_line(title: str, said: str, file: str, names: Iterable[str], used: Iterable[str]) -> str:
    """What to do when the sheet the user named for a contract sheet is no longer there."""
    return (
        f"{file} no longer has the sheet {said!r} you named for {title} (renamed or "
        "deleted?): say which it is now: "
        f"{sheet_command(title, names, used, like=said)}"
    )


def map_command(sheet: str, field_: str, header: str | None = None) -> str:
    """The exact `inq map` command line that sets (or, without a header, clears) a field."""
    words = ["inq", "map", sheet, field_]
    words.append(header if header is not None else "--none")
    return " ".join(shlex.quote(w) if w != "--none" else w for w in words)
