"""A long sheet's rows kept as a command needs them (contract.needs.Kept), as they go by.

The rows come a window at a time (windowed.py); what is not kept is let go at once, so a
500,000-row contact log costs the memory of the rows kept. What is kept is what the
command would find in the whole sheet: a group's latest row is the one the whole column
ranks latest (its dates read the way Table reads them, the later row winning a tie), and
every row whose date only its whole column can read is kept for the table to decide.
The top rows (the header, and the rows under it its columns are weighed by) and the last
rows (where a sum row or a footer sits) are kept whole, so the table is found, mapped and
cut as a whole read finds, maps and cuts it; if its mapping comes out otherwise after all,
NotWindowed: the caller reads the sheet whole.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from itertools import count, repeat
from operator import itemgetter
from typing import Any

from inquiry_cli.contract import schema
from inquiry_cli.contract.cells import FAST, MISS
from inquiry_cli.contract.needs import Kept
from inquiry_cli.contract.records import Table
from inquiry_cli.workbook.columns import HEAD_ROWS
from inquiry_cli.workbook.layout import SheetInfo, build_table
from inquiry_cli.workbook.windowed import NotWindowed

# What a cell the command does not need holds instead of its value (never written: the
# table is partial). Not blank, so a row keeps counting as a row.
ELIDED = "…"
_TAIL = 1000  # rows held back whole at the end (a sum row looks at the last 50 records)


def shaped_table(
    spec: schema.Sheet,
    name: str,
    info: SheetInfo,
    kept: Kept,
    windows: Iterable[tuple[int, list[list[Any]]]],
) -> Table:
    """The partial Table of the rows `kept` asks for, from (first row number, rows)
    windows in order. NotWindowed when the top rows hold no header."""
    head: dict[int, list[Any]] = {}
    shaper: _Shaper | None = None
    width = 0
    for first, rows in windows:
        width = max(width, max(map(len, rows), default=0))
        if first <= HEAD_ROWS:
            cut = min(len(rows), HEAD_ROWS - first + 1)
            for off in range(cut):
                head[first + off] = rows[off]
            rows, first = rows[cut:], first + cut
            if not rows:
                continue
        if shaper is None:
            shaper = _Shaper(spec, name, info, kept, _grid(head))
        shaper.add(first, rows)
    grid = _grid(head)
    numbers = list(range(1, len(grid) + 1))
    if shaper is not None:
        more, more_numbers = shaper.rows()
        grid += more
        numbers += more_numbers
    for row in grid:  # (as calamine has it: every row as wide as the sheet)
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    table = build_table(spec, name, grid, info, numbers)
    if table is None or (shaper is not None and shaper.mapped != _used(table, kept)):
        raise NotWindowed(name)
    table.partial = True
    return table


def _grid(head: dict[int, list[Any]]) -> list[list[Any]]:
    """The top rows from row 1, an empty row where the sheet has none."""
    return [list(head.get(n, [])) for n in range(1, max(head, default=0) + 1)]


def _used(table: Table, kept: Kept) -> dict[str, int]:
    """The columns the shaping reads, as a table maps them."""
    keys = [*kept.group, *([kept.latest] if kept.latest else []), *(kept.fields or ())]
    return {k: table.columns[k] for k in keys if k in table.columns}


class _Shaper:
    """The rows under the top rows, kept or let go as they arrive; the last windows are
    held back whole until _TAIL rows come after them."""

    def __init__(
        self, spec: schema.Sheet, name: str, info: SheetInfo, kept: Kept, top: list[list[Any]]
    ) -> None:
        head = build_table(spec, name, top, info)
        if head is None:
            raise NotWindowed(name)
        self.mapped = _used(head, kept)
        self.kept = kept
        cols = head.columns
        self._date = cols.get(kept.latest) if kept.latest else None
        self._convert = FAST[spec.column(kept.latest).kind] if kept.latest else None
        self._group = [cols[k] for k in kept.group if k in cols]
        self._reach = max([*self._group, self._date or 0], default=0)
        self._best: dict[Any, tuple[Any, int, list[Any]]] = {}
        self._always: list[tuple[int, list[Any]]] = []  # dates for the table to read
        self._all: list[tuple[int, list[Any]]] = []  # (no `latest`: every row)
        self._held: deque[tuple[int, list[list[Any]]]] = deque()
        self._held_rows = 0
        self._drop: list[int] = []
        if kept.fields is not None:
            keep = {cols[k] for k in kept.fields if k in cols} | set(self._group)
            keep |= {i for i, h in enumerate(head.headers) if schema.is_serial_header(h)}
            self._drop = [i for i in range(len(head.headers)) if i not in keep]

    def add(self, first: int, rows: list[list[Any]]) -> None:
        if self.kept.latest is not None and self._date is not None:
            self._rank(first, rows)
        self._held.append((first, rows))
        self._held_rows += len(rows)
        while self._held_rows - len(self._held[0][1]) >= _TAIL:
            at, old = self._held.popleft()
            self._held_rows -= len(old)
            if self.kept.latest is None:  # every row, its unneeded cells elided
                self._elide(old)
                self._all.extend(zip(range(at, at + len(old)), old, strict=True))

    def _rank(self, first: int, rows: list[list[Any]]) -> None:
        """Each group's latest row so far, by the date as Table reads it."""
        if rows and len(rows[0]) <= self._reach:  # (a window's rows are as wide as it)
            pad = [""] * (self._reach + 1 - len(rows[0]))
            for row in rows:
                row.extend(pad)
        convert, best, always, miss = self._convert, self._best, self._always, MISS
        assert convert is not None and self._date is not None
        whens = map(convert, map(itemgetter(self._date), rows))
        keys = map(itemgetter(*self._group), rows) if self._group else repeat(())
        for number, row, when, key in zip(count(first), rows, whens, keys):
            if when is None:
                continue  # no date: nobody's latest
            if when is miss:
                always.append((number, row))
                continue
            old = best.get(key)
            if old is None or when >= old[0]:
                best[key] = (when, number, row)

    def _elide(self, rows: list[list[Any]]) -> None:
        drop = self._drop
        if not drop:
            return
        for row in rows:
            for i in drop:
                if i < len(row) and row[i] not in ("", None):
                    row[i] = ELIDED

    def rows(self) -> tuple[list[list[Any]], list[int]]:
        """The rows kept, in sheet order, and their Excel row numbers."""
        picked: dict[int, list[Any]] = {}
        if self.kept.latest is None:
            picked.update(self._all)
        else:
            picked.update((n, row) for _when, n, row in self._best.values())
            picked.update(self._always)
            held = {n for at, rows in self._held for n in range(at, at + len(rows))}
            self._elide([row for n, row in picked.items() if n not in held])
        for at, rows in self._held:  # the last rows, whole
            picked.update(zip(range(at, at + len(rows)), rows, strict=True))
        numbers = sorted(picked)
        return [picked[n] for n in numbers], numbers
