"""Turn raw cell values (as a fast reader gives them) into typed values, or a problem.

Users type dates as text, phone numbers as numbers, grades as "a" or "A级". Each
converter returns (value, problem); problem is None or a short description that
`inq check` shows with the row number.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from inquiry_cli import dates

_DATETIME = dt.datetime
_DATE = dt.date
_EMAIL = re.compile(r"^[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_NUMBER = re.compile(r"^\s*[$€£¥]?\s*([-+]?\d[\d,]*(\.\d+)?)")
_SCALE = re.compile(r"([eE][-+]?\d{1,3})?([kK](?![a-zA-Z]))?")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，＠", "0123456789.,@")

Converted = tuple[object, str | None]


def text(value: Any) -> Converted:
    """Any cell as text: integral floats lose their '.0', dates become ISO."""
    if value is None or value == "":
        return None, None
    cls = value.__class__
    if cls is str:
        stripped = value.strip()
        return (stripped or None), None
    if cls is float:
        return (str(int(value)) if value.is_integer() else repr(value)), None
    if cls is bool:
        return ("TRUE" if value else "FALSE"), None
    if cls in (_DATETIME, _DATE):
        return value.isoformat(), None
    return str(value), None


_FIRST_SERIAL = dates.to_excel_serial(dates.EARLIEST)
_LAST_SERIAL = dates.to_excel_serial(dates.LATEST)
_EARLIEST, _LATEST = dates.EARLIEST, dates.LATEST
_EARLIEST_DAY, _LATEST_DAY = dates.EARLIEST.date(), dates.LATEST.date()
_OUT_OF_RANGE = f"date out of range (inq reads dates {dates.RANGE})"
# Beyond this a number cell holds a typo or junk, not a quantity or a price.
MAX_NUMBER = 1e15


def _excel_serial(value: float) -> dt.datetime | None:
    if _FIRST_SERIAL <= value <= _LAST_SERIAL:  # (NaN is neither)
        return dates.from_excel_serial(value)
    return None


@dataclass(frozen=True)
class DayOrder:
    """How a column's dates like 03/11/2026 read, by the evidence of the column itself:
    a 25/11/2026 in it can only be day first, a 11/25/2026 only month first."""

    day_first: tuple[str, int] | None = None  # the first such date and its Excel row
    month_first: tuple[str, int] | None = None

    @property
    def order(self) -> str | None:
        """dates.DAY_FIRST or MONTH_FIRST; None when the column says neither, or both."""
        if self.day_first and not self.month_first:
            return dates.DAY_FIRST
        if self.month_first and not self.day_first:
            return dates.MONTH_FIRST
        return None

    @property
    def why(self) -> str:
        """Why the order is what it is: '25/11/2026 in row 7 can only be day first'."""
        if self.day_first and not self.month_first:
            return f"{self.day_first[0]} in row {self.day_first[1]} can only be day first"
        if self.month_first and not self.day_first:
            return f"{self.month_first[0]} in row {self.month_first[1]} can only be month first"
        if self.day_first and self.month_first:
            return (
                f"its column has day-first dates ({self.day_first[0]}, row {self.day_first[1]}) "
                f"and month-first ones ({self.month_first[0]}, row {self.month_first[1]})"
            )
        return "no other date in its column tells"


def undecided(value: Any) -> bool:
    """A date like 03/11/2026 (or 3/11, no year): text that reads as a date day first
    and month first."""
    if value.__class__ is not str:
        return False
    orders = dates.year_last_orders(value)
    if orders is None:
        orders = dates.month_day_orders(value.strip())
    return orders is not None and len(orders) > 1


def yearless(value: Any) -> bool:
    """Text a date column holds as a day without its year (11月3日, 11-3, 25/11)."""
    return value.__class__ is str and dates.is_month_day(value)


# Date fields that look ahead: a day typed without its year is the next one, not the last.
AHEAD = frozenset({"next_follow_up", "valid_until", "start", "end"})


def day_order(raw: list[Any], row_numbers: list[int]) -> DayOrder:
    """The evidence of one column's cells (raw values, with their Excel rows) for the
    order of its dates with the year last: one pass, stopping once both orders are seen."""
    day: tuple[str, int] | None = None
    month: tuple[str, int] | None = None
    for value, row in zip(raw, row_numbers, strict=True):
        if value.__class__ is not str or ("/" not in value and "-" not in value):
            continue
        orders = dates.year_last_orders(value)
        if orders is None:  # 25/11, no year: evidence too
            orders = dates.month_day_orders(value.strip())
        if orders is None or len(orders) != 1:
            continue
        if orders[0] == dates.DAY_FIRST:
            day = day or (value.strip(), row)
        else:
            month = month or (value.strip(), row)
        if day and month:
            break
    return DayOrder(day, month)


def _ambiguous(text: str, order: DayOrder | None) -> str:
    """The problem of a date like 03/11/2026 its column cannot decide, with both readings."""
    why = (order or DayOrder()).why
    day = dates.parse_date_text(text, dates.DAY_FIRST)
    month = dates.parse_date_text(text, dates.MONTH_FIRST)
    if day is None or month is None:
        return f"ambiguous date {text!r}: day or month first? {why}"
    return (
        f"ambiguous date {text!r} ({day.day} {day:%b} or {month.day} {month:%b}?): {why}; "
        f"type it as {day:%Y-%m-%d} or {month:%Y-%m-%d}"
    )


def datetime_(value: Any, order: DayOrder | None = None, ahead: bool = False) -> Converted:
    """A date or date-time cell: a real Excel date, a serial number, or text (a date like
    03/11/2026 read in the order its column shows, see DayOrder; a day without its year,
    11月3日, the latest one not after today, or `ahead` the next one: dates.without_year)."""
    if value is None or value == "":
        return None, None
    cls = value.__class__
    if cls is _DATETIME:
        return (value, None) if dates.in_range(value) else (None, _OUT_OF_RANGE)
    if cls is _DATE:
        if not dates.in_range(value):
            return None, _OUT_OF_RANGE
        return _DATETIME(value.year, value.month, value.day), None
    if cls in (float, int):
        parsed = _excel_serial(float(value))
        if parsed is not None:
            return parsed, None
        return None, f"not a date: {value!r}"
    if cls is str:
        if not value.strip():
            return None, None
        typed = value.translate(_FULLWIDTH)
        parsed_text = dates.parse_date_text(typed, order.order if order else None)
        if parsed_text is None:
            parsed_text = dates.without_year(typed, order.order if order else None, ahead)
        if parsed_text is None:
            if undecided(typed):
                return None, _ambiguous(typed.strip(), order)
            return None, f"unreadable date {value.strip()!r}"
        if not dates.in_range(parsed_text):
            return None, _OUT_OF_RANGE
        if isinstance(parsed_text, _DATETIME):
            return parsed_text, None
        return _DATETIME(parsed_text.year, parsed_text.month, parsed_text.day), None
    return None, f"not a date: {value!r}"


def date_(value: Any, order: DayOrder | None = None, ahead: bool = False) -> Converted:
    """Like datetime_, kept as a date-time at midnight when no time was given."""
    return datetime_(value, order, ahead)


def number(value: Any) -> Converted:
    """A quantity or price: 1000, "1,000", "1000 pcs", "$12.80", "2k", "1e6"; not NaN,
    infinity or a number past MAX_NUMBER (a typo, or junk)."""
    if value is None or value == "":
        return None, None
    cls = value.__class__
    if cls is bool:
        return None, f"not a number: {value!r}"
    if cls in (int, float):
        if not -MAX_NUMBER <= value <= MAX_NUMBER:  # (NaN is neither)
            return None, f"not a number inq can work with: {value!r}"
        return (int(value) if float(value).is_integer() else value), None
    if cls is str:
        text = value.translate(_FULLWIDTH)
        m = _NUMBER.match(text)
        if m:
            digits = m[1].replace(",", "")
            scale = _SCALE.match(text, m.end())  # 1e6, 2k, 1.5K straight after the digits
            exponent, thousands = (scale[1], scale[2]) if scale else (None, None)
            digits += exponent or ""  # (a unit after them, "10kg", is read past as before)
            try:
                parsed = Decimal(digits) * (1000 if thousands else 1)
            except InvalidOperation:
                return None, f"not a number: {value.strip()!r}"
            if not parsed.is_finite() or abs(parsed) > MAX_NUMBER:
                return None, f"not a number inq can work with: {value.strip()!r}"
            return (int(parsed) if parsed == parsed.to_integral_value() else float(parsed)), None
        return None, f"not a number: {value.strip()!r}"
    return None, f"not a number: {value!r}"


def integer(value: Any) -> Converted:
    parsed, problem = number(value)
    if problem or not isinstance(parsed, int | float):
        return parsed, problem
    return int(parsed), None


def email(value: Any) -> Converted:
    """An email address, lower-cased; 'Name <a@b.com>', 'mailto:' and lists tolerated."""
    raw, _ = text(value)
    if raw is None:
        return None, None
    candidate = str(raw).translate(_FULLWIDTH)
    if "<" in candidate and ">" in candidate:
        candidate = candidate[candidate.index("<") + 1 : candidate.rindex(">")]
    candidate = re.split(r"[;,\s]+", candidate.strip())[0]
    if candidate.lower().startswith("mailto:"):
        candidate = candidate[7:]
    candidate = candidate.strip().lower()
    if not _EMAIL.match(candidate):
        return raw, f"bad email {raw!r}"
    return candidate, None


def phone(value: Any) -> Converted:
    """A phone or fax number as text, whether typed as text or stored as a number."""
    if value is None or value == "":
        return None, None
    if value.__class__ is float:
        if value.is_integer():
            return str(int(value)), None
        return None, f"not a phone number: {value!r}"
    return text(value)


_GRADE_WORDS = {"a": "A", "b": "B", "c": "C", "d": "D"}


def grade(value: Any) -> Converted:
    """A grade letter A-D; 'a', 'A级', 'A类', 'Grade A' accepted."""
    raw, _ = text(value)
    if raw is None:
        return None, None
    cleaned = re.sub(r"^(grade|level|class)\s*|[级类等]+$", "", str(raw).strip(), flags=re.I)
    letter = _GRADE_WORDS.get(cleaned.strip().lower())
    if letter is None:
        return raw, f"unknown grade {raw!r} (use A, B, C or D)"
    return letter, None


_TRUE = {"y", "yes", "true", "1", "x", "✓", "✔", "是", "√", "new", "hot"}


def flag(value: Any) -> Converted:
    if value is None or value == "":
        return False, None
    if value.__class__ is bool:
        return value, None
    if value.__class__ in (int, float):
        return bool(value), None
    return str(value).strip().lower() in _TRUE, None


# A Replied column kept as a tick-off: these say replied / not replied (no time).
YES_WORDS = frozenset(
    {"y", "yes", "true", "x", "✓", "✔", "☑", "√", "ok", "done", "sent", "replied", "answered",
     "是", "有", "对", "已回", "已回复", "已答复", "已报价", "已发", "已处理",
     # (the same in the languages a tracker is kept in)
     "ja", "erledigt", "beantwortet", "gesendet", "sí", "si", "respondido", "enviado", "oui",
     "répondu", "envoyé", "sim", "sì", "risposto", "да", "отвечено", "evet", "cevaplandı",
     "tak", "はい", "済", "済み", "네", "예", "có", "ya", "نعم"}
)  # fmt: skip
NO_WORDS = frozenset(
    {"n", "no", "false", "-", "×", "✗", "✘", "☐", "not yet", "pending", "open", "否", "无",
     "未", "没有", "未回", "未回复", "未答复", "待回复", "待回", "未处理",
     "nein", "offen", "ausstehend", "non", "en attente", "não", "nao", "pendiente", "нет",
     "hayır", "hayir", "nie", "いいえ", "未済", "아니요", "không", "tidak", "لا"}
)  # fmt: skip


def is_whole(value: Any, text: bool = False) -> bool:
    """A whole number as a cell holds it (12, 12.0; with `text`, "12" too), never a tick."""
    if value.__class__ is int:
        return True
    if value.__class__ is float:
        return bool(value.is_integer())
    return text and value.__class__ is str and value.strip().isdigit()


def yes_no(value: Any) -> bool | None:
    """True for a yes-word (Y, ✓, 是, 已回复, TRUE), False for a no-word, None otherwise."""
    cls = value.__class__
    if cls is bool:
        return bool(value)
    if cls in (int, float) and value in (0, 1):  # a 1/0 column (not a date in 1900)
        return value == 1
    if cls is str:
        word = value.strip().lower().rstrip(".!。")
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
    return None


def reply(value: Any, order: DayOrder | None = None) -> Converted:
    """A Replied cell: the reply's date and time, or a tick (True: replied, no time kept;
    None: not replied). A reply ticked off owes nothing, however old the inquiry."""
    said = yes_no(value)
    if said is not None:
        return (True if said else None), None
    return datetime_(value, order)


CONVERTERS: dict[str, Callable[..., Converted]] = {
    "text": text,
    "date": date_,
    "datetime": datetime_,
    "int": integer,
    "number": number,
    "email": email,
    "phone": phone,
    "grade": grade,
    "flag": flag,
    "reply": reply,
}


# Fast paths: the common, clean cell decided in one expression; anything else is MISS and
# goes through the full converter above (which knows every odd case and reports problems).
MISS = object()
_GRADES = frozenset("ABCD")


def _fast_text(v: Any) -> Any:
    if v.__class__ is str:
        return v.strip() or None
    return MISS


def _fast_datetime(v: Any) -> Any:
    cls = v.__class__
    if cls is _DATETIME and _EARLIEST <= v <= _LATEST:
        return v
    if (
        cls is _DATE and _EARLIEST_DAY <= v <= _LATEST_DAY
    ):  # a date-only format: midnight, as datetime_ has it
        return _DATETIME(v.year, v.month, v.day)
    if (cls is float or cls is int) and _FIRST_SERIAL <= v <= _LAST_SERIAL:
        # a date kept as its serial number (no date format): as datetime_ reads it. (A
        # Replied column's 1 and 0 are yes and no: below the first serial, they go on.)
        return dates.from_excel_serial(v)
    return None if v == "" else MISS


def _fast_number(v: Any) -> Any:
    cls = v.__class__
    if cls is float and -MAX_NUMBER <= v <= MAX_NUMBER:
        return int(v) if v.is_integer() else v
    if cls is int and -MAX_NUMBER <= v <= MAX_NUMBER:
        return v
    return None if v == "" else MISS


def _fast_integer(v: Any) -> Any:
    if v.__class__ is float and v.is_integer() and -MAX_NUMBER <= v <= MAX_NUMBER:
        return int(v)
    if v.__class__ is int and -MAX_NUMBER <= v <= MAX_NUMBER:
        return v
    return None if v == "" else MISS


def _fast_email(v: Any) -> Any:
    if v == "":
        return None
    if v.__class__ is str and v.isascii():
        low = v.strip().lower()
        if _EMAIL.match(low):  # (typed as it is kept: the cell itself, not a copy of it)
            return v if low == v else low
    return MISS


def _fast_phone(v: Any) -> Any:
    if v.__class__ is str:
        return v.strip() or None
    return MISS


def _fast_grade(v: Any) -> Any:
    if v.__class__ is str and v in _GRADES:
        return v
    return None if v == "" else MISS


def _fast_flag(v: Any) -> Any:
    return False if v == "" else MISS


FAST = {
    "text": _fast_text,
    "date": _fast_datetime,
    "datetime": _fast_datetime,
    "int": _fast_integer,
    "number": _fast_number,
    "email": _fast_email,
    "phone": _fast_phone,
    "grade": _fast_grade,
    "flag": _fast_flag,
    "reply": _fast_datetime,
}
