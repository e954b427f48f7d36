"""A declared change set: the only thing a command hands to the safe write path.

Commands never touch the workbook file themselves. They say what to change (rows to
append, cells to set, a missing sheet to add) and `workbook.write.apply` does it,
proving that nothing else changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

# What a cell may be set to. None clears the cell.
CellValue = str | int | float | Decimal | bool | dt.date | dt.datetime | None


@dataclass
class AddSheet:
    """A sheet the workbook lacks, created with a header row and optional data rows."""

    name: str
    header: list[str]
    rows: list[list[CellValue]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)  # 1-based column -> width
    # "visible", "hidden", or "veryHidden" (shown by no menu of Excel: inq's own mapping)
    state: str = "visible"


@dataclass
class ChangeSet:
    """Rows to append, cells to set and sheets to add, in one atomic write.

    Sheets are named as they are in the workbook (the reader knows the real name,
    e.g. "客户列表" for Buyers). Rows and columns are 1-based Excel coordinates.
    `command` is recorded with the backup so `inq backups` can say what made it.
    """

    command: str = ""
    appends: dict[str, list[dict[int, CellValue]]] = field(default_factory=dict)
    sets: dict[str, dict[tuple[int, int], CellValue]] = field(default_factory=dict)
    new_sheets: list[AddSheet] = field(default_factory=list)
    # The header row of a sheet appended to, as the reader found it: the records start
    # under it (a count above it, 客户数 =COUNTA(A3:A4), grows with them).
    header_rows: dict[str, int] = field(default_factory=dict)
    # Its columns that count the rows (序号, No.; 1-based): a template's rows numbered
    # ahead, holding nothing else, are rows for the new records to fill.
    serial_columns: dict[str, list[int]] = field(default_factory=dict)

    def append(self, sheet: str, values: dict[int, CellValue]) -> None:
        """Append one row after the last used row of `sheet` (column -> value)."""
        self.appends.setdefault(sheet, []).append(dict(values))

    def set(self, sheet: str, row: int, col: int, value: CellValue) -> None:
        """Set one cell in an existing row."""
        self.sets.setdefault(sheet, {})[(row, col)] = value

    def add_sheet(self, sheet: AddSheet) -> None:
        """Add a contract sheet the workbook does not have yet."""
        self.new_sheets.append(sheet)

    def drop_sets(self, cells: dict[str, list[tuple[int, int]]]) -> None:
        """Forget the sets of these cells (by sheet): the write left them as they were."""
        for sheet, spots in cells.items():
            sets = self.sets.get(sheet, {})
            for spot in spots:
                sets.pop(spot, None)
            if not sets:
                self.sets.pop(sheet, None)

    def drop_row(self, sheet: str, row: object) -> None:
        """Take back a row appended (to `sheet`, or to a sheet being added), by identity."""
        lists: list[list] = [self.appends.get(sheet, [])]
        lists += [s.rows for s in self.new_sheets if s.name == sheet]
        for rows in lists:
            for i, r in enumerate(rows):
                if r is row:
                    del rows[i]
                    break
        if sheet in self.appends and not self.appends[sheet]:
            del self.appends[sheet]

    def is_empty(self) -> bool:
        return not (self.appends or self.sets or self.new_sheets)


def cell_ref(row: int, col: int) -> str:
    """Excel's name of a cell (row 2, column 4 -> "D2"), as messages name it."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"
