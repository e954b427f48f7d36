"""A long sheet's repeated cells, and their typed values, made one object each: 50,000
buyers in twenty countries hold twenty country strings, not 50,000.

python-calamine makes a new Python object for every cell, so a column of a few values
typed over and over (a country, a status, a channel, a direction, a date) costs some
50 bytes a row. On the 50k-buyer workbooks a `due` kept 60-100 MB of such copies. Each
column is sampled first and only one of few values is shared, so the pass costs about
as many cells as it saves. Only the cells of the column's usual kind are touched (text,
dates, datetimes: never numbers, where 1 == 1.0 == True and -0.0 == 0.0), and an equal
value of the same kind is the same value. A column's typed values are shared the same
way where its converter makes a new object of each cell (a date made a datetime, an
email lower-cased), from the same sample. A sheet of fewer than FROM_ROWS rows is left
as it is: its copies cost less memory than the pass would cost time.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

FROM_ROWS = 40_000  # data rows of a sheet
_SAMPLE = 1024  # rows looked at, spread over the sheet
# Shared when at most 9 in 10 of the sample's values are distinct: a column of up to some
# 5,000 values (a sample of 1,024 from 3,133 names shows about 870); a column of ids
# shows 99 in 100 distinct or more.
_DISTINCT = 0.9
_KINDS = frozenset({str, dt.datetime, dt.date})


def share_repeats(rows: list[list[Any]]) -> int:
    """Make the equal cells of each column of few values one object; the columns shared."""
    if len(rows) < FROM_ROWS:
        return 0
    sample = rows[:: max(1, len(rows) // _SAMPLE)]
    width, narrowest = max(map(len, rows)), min(map(len, rows))
    shared = 0
    for col in range(width):
        kind = _usual_kind(row[col] for row in sample if col < len(row))
        if kind is None:
            continue
        seen: dict[Any, Any] = {}
        keep = seen.setdefault
        if col < narrowest:  # (calamine's rows are as wide as the sheet)
            for row in rows:
                value = row[col]
                if value.__class__ is kind:
                    row[col] = keep(value, value)
        else:
            for row in rows:
                if col < len(row) and row[col].__class__ is kind:
                    row[col] = keep(row[col], row[col])
        shared += 1
    return shared


def _usual_kind(cells: Any) -> type | None:
    """The kind of most of these cells when they hold few values (and are not one object
    already, as shaping's ELIDED is): the kind worth sharing, else None."""
    values = [v for v in cells if v.__class__ in _KINDS and v != ""]
    if len(values) < _SAMPLE // 8:
        return None
    kind, _n = Counter(v.__class__ for v in values).most_common(1)[0]
    values = [v for v in values if v.__class__ is kind]
    distinct = len(set(values))
    if distinct > _DISTINCT * len(values) or len({id(v) for v in values}) <= distinct:
        return None
    return kind


def share_typed(values: list[Any]) -> list[Any]:
    """`values` (a column's typed values: text or datetimes, None, MISS) with equal values
    one object, when the column holds few; else `values` itself."""
    if len(values) < FROM_ROWS:
        return values
    sample = values[:: max(1, len(values) // _SAMPLE)]
    if _usual_kind(sample) is None:
        return values
    seen: dict[Any, Any] = {}
    return list(map(seen.setdefault, values, values))
