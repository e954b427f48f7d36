"""Each kind's fast converter (cells.FAST) decides a cell exactly as its full converter
does, or leaves it to it (MISS): the fast path is only a shortcut, never another reading."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from inquiry_cli.contract import schema
from inquiry_cli.contract.cells import CONVERTERS, FAST, MISS

CELLS = [
    "",
    " ",
    "text",
    "  padded  ",
    "Y",
    "✓",
    "已回复",
    "no",
    "A",
    "b",
    "E",
    "buyer@firm.example",
    " Buyer@Firm.Example ",
    "not an email",
    "+49 30 1234567",
    "2026-11-03",
    "03/11/2026",
    "11月3日",
    "1,000 pcs",
    "$12.80",
    True,
    False,
    0,
    1,
    0.0,
    1.0,
    1.5,
    2.0,
    2,
    45000,
    45000.0,
    45000.25,
    46357.99998,
    401768.99998842593,
    401769.0,
    -3.0,
    1e15,
    1e16,
    math.nan,
    math.inf,
    -math.inf,
    dt.date(2026, 11, 3),
    dt.date(1899, 12, 30),
    dt.date(9999, 12, 31),
    dt.datetime(2026, 11, 3, 9, 30),
    dt.datetime(1899, 12, 30, 0, 0),
    dt.datetime(9999, 12, 31, 23, 59),
    dt.time(9, 30),
]


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a.__class__ is b.__class__ and a == b


@pytest.mark.parametrize("kind", sorted(FAST))
def test_fast_converters_read_as_the_full_ones(kind):
    assert kind in CONVERTERS
    decided = 0
    for cell in CELLS:
        fast = FAST[kind](cell)
        if fast is MISS:
            continue
        decided += 1
        value, problem = CONVERTERS[kind](cell)
        assert problem is None, (kind, cell, problem)
        assert _same(fast, value), (kind, cell, fast, value)
    assert decided  # (each fast path takes some cells itself)


@pytest.mark.parametrize("kind", [schema.DATE, schema.DATETIME, schema.REPLY])
def test_a_date_kept_as_its_serial_number_is_read_on_the_fast_path(kind):
    """A date pasted as a value (no date format) is its serial number: read as that day
    without the slow path; a Replied column's 1 and 0 are still yes and no."""
    assert FAST[kind](46329.5) == dt.datetime(2026, 11, 3, 12, 0)
    assert FAST[kind](46329) == dt.datetime(2026, 11, 3)
    assert FAST[kind](1.0) is MISS and FAST[kind](0) is MISS and FAST[kind](True) is MISS
    if kind == schema.REPLY:
        assert CONVERTERS[kind](1.0) == (True, None)
