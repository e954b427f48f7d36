"""Dates as salespeople type them, and INQ_NOW."""

from __future__ import annotations

import datetime as dt

import pytest

from inquiry_cli import dates
from inquiry_cli.errors import UsageError

D = dt.date(2026, 11, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-03", D),
        ("2026/11/03", D),
        ("2026/11/3", D),
        ("2026.11.03", D),
        ("03.11.2026", D),
        ("2026年11月3日", D),
        ("2026 年 11 月 3 号", D),
        ("3 Nov 2026", D),
        ("Nov 3, 2026", D),
        ("3 November 2026", D),
        ("25/12/2026", dt.date(2026, 12, 25)),
        ("12/25/2026", dt.date(2026, 12, 25)),
        ("25-12-2026", dt.date(2026, 12, 25)),
        ("25/12/2026 18:05", dt.datetime(2026, 12, 25, 18, 5)),
        ("03/03/2026", dt.date(2026, 3, 3)),  # the same day either way round
        ("2026-11-03 14:30", dt.datetime(2026, 11, 3, 14, 30)),
        ("2026/11/03 9:05", dt.datetime(2026, 11, 3, 9, 5)),
        ("2028年2月29日", dt.date(2028, 2, 29)),
    ],
)
def test_text_dates(text, expected):
    assert dates.parse_date_text(text) == expected


@pytest.mark.parametrize(
    "text",
    ["03/11/2026", "03-11-2026", "31/02/2026", "next week", "2026-02-30", "soon", "12345",
     "2026/13/01", ""],
)  # fmt: skip
def test_unreadable_dates(text):
    assert dates.parse_date_text(text) is None


def test_a_date_either_way_round_reads_in_the_order_given():
    assert dates.parse_date_text("03/11/2026", dates.DAY_FIRST) == D
    assert dates.parse_date_text("11/03/2026 08:00", dates.MONTH_FIRST) == dt.datetime(
        2026, 11, 3, 8
    )
    assert dates.parse_date_text("25/11/2026", dates.MONTH_FIRST) == dt.date(2026, 11, 25)


def test_inq_now_pins_now(monkeypatch):
    monkeypatch.setenv("INQ_NOW", "2026-02-28T23:30")
    assert dates.now() == dt.datetime(2026, 2, 28, 23, 30)
    assert dates.parse_user_date("tomorrow") == dt.datetime(2026, 3, 1)
    assert dates.parse_user_date("+3d") == dt.datetime(2026, 3, 3)
    assert dates.parse_user_date("-1w") == dt.datetime(2026, 2, 21)


def test_bad_inq_now(monkeypatch):
    monkeypatch.setenv("INQ_NOW", "yesterday-ish")
    with pytest.raises(UsageError, match="INQ_NOW='yesterday-ish' is not an ISO date"):
        dates.now()


def test_bad_user_date():
    with pytest.raises(UsageError, match="cannot read the date 'someday'"):
        dates.parse_user_date("someday")
