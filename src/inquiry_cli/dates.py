"""Dates as users type them, and one injectable "now" (INQ_NOW) for every command."""

from __future__ import annotations

import datetime as dt
import os
import re

from inquiry_cli.errors import UsageError

ENV_NOW = "INQ_NOW"

# Excel's day zero for the 1900 date system (with its 1900-02-29 bug folded in).
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)

# The dates inq works with, typed or read from a sheet: far enough either way for any
# customer's history, and far enough inside Python's calendar (year 1 to 9999) that a
# cadence, a validity or a horizon added to one cannot overflow it.
EARLIEST = dt.datetime(1900, 1, 1)
LATEST = dt.datetime(2999, 12, 31, 23, 59, 59)
RANGE = "between 1900-01-01 and 2999-12-31"


class DateOutOfRange(UsageError):
    """A date that reads fine but lies outside EARLIEST..LATEST."""


def in_range(value: dt.date) -> bool:
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return EARLIEST <= value <= LATEST


def now() -> dt.datetime:
    """The current local time, or the time pinned by INQ_NOW (ISO date or datetime)."""
    pinned = os.environ.get(ENV_NOW)
    if pinned:
        try:
            value = dt.datetime.fromisoformat(pinned.strip())
        except ValueError:
            raise UsageError(
                f"{ENV_NOW}={pinned!r} is not an ISO date or datetime (e.g. 2026-11-28T09:30)"
            ) from None
        value = value.replace(tzinfo=None) if value.tzinfo else value
        if not in_range(value):
            raise DateOutOfRange(f"{ENV_NOW}={pinned!r} is out of range: give a date {RANGE}")
        return value
    return dt.datetime.now().replace(microsecond=0)


def today() -> dt.date:
    return now().date()


_CJK = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?\s*(.*)$")
_YMD = re.compile(r"^\s*(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T](.*))?$")
_DMY_DOTS = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(.*))?$")
# 03/11/2026, 25-11-2026, 11/25/2026 14:30: day and month in either order, year last.
_YEAR_LAST = re.compile(r"^\s*(\d{1,2})([/\-])(\d{1,2})\2(\d{4})(?:\s+(.*))?$")
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")

DAY_FIRST, MONTH_FIRST = "dmy", "mdy"


def _with_time(day: dt.date, rest: str | None) -> dt.date | dt.datetime | None:
    if not rest or not rest.strip():
        return day
    m = _TIME.match(rest)
    if not m:
        return None
    h, mi, s = int(m[1]), int(m[2]), int(m[3] or 0)
    if h > 23 or mi > 59 or s > 59:
        return None
    return dt.datetime(day.year, day.month, day.day, h, mi, s)


def _valid(y: int, mo: int, d: int) -> bool:
    try:
        dt.date(y, mo, d)
    except ValueError:
        return False
    return True


def _year_last(text: str) -> tuple[re.Match[str], tuple[str, ...]] | None:
    m = _YEAR_LAST.match(text)
    if m is None or (m[5] and _with_time(dt.date(2000, 1, 1), m[5]) is None):
        return None
    a, b, y = int(m[1]), int(m[3]), int(m[4])
    if a == b:
        return m, ((DAY_FIRST,) if _valid(y, a, a) else ())
    orders = ((DAY_FIRST, (b, a)), (MONTH_FIRST, (a, b)))
    return m, tuple(order for order, (mo, d) in orders if _valid(y, mo, d))


def year_last_orders(text: str) -> tuple[str, ...] | None:
    """The orders a date with the year last can be read in: (DAY_FIRST,) for 25/11/2026,
    (MONTH_FIRST,) for 11/25/2026, both for 03/11/2026, () for 31/31/2026; None when
    `text` is not of that form. 05/05/2026 reads alike either way: (DAY_FIRST,)."""
    found = _year_last(text)
    return None if found is None else found[1]


def parse_date_text(text: str, order: str | None = None) -> dt.date | dt.datetime | None:
    """Read a date typed as text; None when it cannot be read unambiguously.

    Accepts ISO and 2026/11/03, 03.11.2026 (day first, as in Europe), 2026年11月3日,
    "3 Nov 2026", "Nov 3, 2026", with an optional time. Dates with the year last and
    slashes or dashes (03/11/2026) are ambiguous between US and European order: read
    in `order` (DAY_FIRST or MONTH_FIRST: what the rest of their column shows), else
    only when just one order makes a date (25/11/2026).
    """
    text = text.strip()
    if not text:
        return None
    try:
        for rx, fields in ((_CJK, "ymd"), (_YMD, "ymd"), (_DMY_DOTS, "dmy")):
            m = rx.match(text)
            if m:
                a, b, c = int(m[1]), int(m[2]), int(m[3])
                y, mo, d = (a, b, c) if fields == "ymd" else (c, b, a)
                return _with_time(dt.date(y, mo, d), m[4])
    except ValueError:
        return None
    found = _year_last(text)
    if found is not None:
        m, orders = found
        if len(orders) > 1:
            if order not in orders:
                return None  # 03/11/2026: March or November? nothing says: refuse to guess.
            orders = (order,)
        if not orders:
            return None
        a, b, y = int(m[1]), int(m[3]), int(m[4])
        day = dt.date(y, b, a) if orders[0] == DAY_FIRST else dt.date(y, a, b)
        return _with_time(day, m[5])
    if not re.search(r"[A-Za-z]{3,}", text):
        return None
    from dateutil import parser

    try:
        value = parser.parse(text, dayfirst=True, default=dt.datetime(1900, 1, 1))
    except (ValueError, OverflowError):
        return None
    if value.year == 1900:
        return None
    has_time = bool(re.search(r"\d:\d", text))
    return value if has_time else value.date()


# 11月3日, 11月3号 (a Chinese tracker's day of this year); 11-3, 3/11, 25/11 14:30.
_MONTH_DAY_CJK = re.compile(r"^\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?\s*(.*)$")
_MONTH_DAY = re.compile(r"^\s*(\d{1,2})([/\-])(\d{1,2})(?:\s+(.*))?$")


def is_month_day(text: str) -> bool:
    """Whether text has the form of a day without its year (11月3日, 11-3, 3/11)."""
    return bool(_MONTH_DAY_CJK.match(text) or _MONTH_DAY.match(text))


def month_day_orders(text: str) -> tuple[str, ...] | None:
    """The orders a date typed without its year (3/11) can be read in, like
    year_last_orders; None when `text` is no such date (11月3日 has its order)."""
    m = _MONTH_DAY.match(text)
    if m is None:
        return None
    a, b = int(m[1]), int(m[3])
    if a == b:
        return (DAY_FIRST,) if _valid(2000, a, a) else ()
    orders = ((DAY_FIRST, (b, a)), (MONTH_FIRST, (a, b)))
    return tuple(order for order, (mo, d) in orders if _valid(2000, mo, d))


def _month_day(text: str, order: str | None) -> tuple[int, int, str | None] | None:
    m = _MONTH_DAY_CJK.match(text)
    if m is not None:
        return int(m[1]), int(m[2]), m[3]
    orders = month_day_orders(text)
    if not orders:
        return None
    m = _MONTH_DAY.match(text)
    assert m is not None
    if len(orders) > 1:
        if order not in orders:
            return None  # 3/11: March or November? nothing says
        orders = (order,)
    a, b = int(m[1]), int(m[3])
    mo, d = (b, a) if orders[0] == DAY_FIRST else (a, b)
    return mo, d, m[4]


def without_year(
    text: str, order: str | None = None, ahead: bool = False, base: dt.date | None = None
) -> dt.date | dt.datetime | None:
    """A date typed without its year (11月3日, 11-3, 25/11): the latest such day not after
    today (a contact, a reply: they happened), or with `ahead` the next one on or after
    today (a follow-up planned). None when `text` is no such date."""
    found = _month_day(text.strip(), order)
    if found is None:
        return None
    mo, d, rest = found
    if not _valid(2000, mo, d):
        return None
    today = base or now().date()
    step = 1 if ahead else -1
    for k in range(9):  # (29 February: up to eight years away)
        y = today.year + k * step
        if _valid(y, mo, d) and (
            dt.date(y, mo, d) >= today if ahead else dt.date(y, mo, d) <= today
        ):
            return _with_time(dt.date(y, mo, d), rest)
    return None


def from_excel_serial(serial: float) -> dt.datetime:
    return _EXCEL_EPOCH + dt.timedelta(days=float(serial))


def to_excel_serial(value: dt.date | dt.datetime) -> float:
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    delta = value - _EXCEL_EPOCH
    return delta.days + delta.seconds / 86400


def parse_user_date(text: str, *, base: dt.datetime | None = None) -> dt.datetime:
    """A date given on the command line: today, tomorrow, yesterday, +3d, -2w, ISO, ...

    Raises UsageError with the accepted forms when it cannot be read.
    """
    base = base or now()
    t = text.strip().lower()
    midnight = dt.datetime.combine(base.date(), dt.time())
    words = {"today": 0, "now": 0, "tomorrow": 1, "yesterday": -1}
    if t in words:
        return base if t == "now" else midnight + dt.timedelta(days=words[t])
    far = DateOutOfRange(f"the date {text.strip()!r} is out of range: give a date {RANGE}")
    m = re.fullmatch(r"([+-])(\d+)([dw])", t)
    if m:
        if len(m[2]) > 7:  # more days than the calendar has
            raise far
        days = int(m[2]) * (7 if m[3] == "w" else 1)
        try:
            value = midnight + dt.timedelta(days=days if m[1] == "+" else -days)
        except OverflowError:
            raise far from None
        if not in_range(value):
            raise far
        return value
    parsed = parse_date_text(text)
    if parsed is None:
        raise UsageError(
            f"cannot read the date {text!r}: use 2026-11-28, 2026-11-28 14:30, today, "
            "tomorrow or +3d"
        )
    if not in_range(parsed):
        raise far
    if isinstance(parsed, dt.datetime):
        return parsed
    return dt.datetime.combine(parsed, dt.time())
