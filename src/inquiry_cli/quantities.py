"""Quantities as users type them on the command line: read exactly, or refused in one line.

Accepted (after folding full-width characters, so `１，０００` is `1,000`):

- digits, with commas or spaces between groups of three: `1000`, `1,000`, `10 000`;
- a dot for decimals: `2.5`, `0.75` (where a whole number is needed, `2.5` is refused);
- a `k` for thousands: `2k`, `1.5k`; powers of ten: `1e6`, `2.5E3`;
- a unit after the number: `500 pcs`, `500pcs`, `20 sets`, `1000件`.

Refused, because a reader could take them two ways: `1.000` (one, or a thousand the
European way; `1.000.000` can only be a million, and is read so) and `2,5` (a decimal
comma); commas in the wrong places (`1,00`); anything else that is not a number; zero
or less; more than MAX_QUANTITY pieces.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from inquiry_cli.errors import UsageError

MAX_QUANTITY = 10**9  # a billion pieces: no inquiry is bigger; a typo or an attack is

_UNITS = (
    r"(?:pcs?|pieces?|units?|sets?|pairs?|nos?|ea|"  # English, as buyers write them
    r"件|个|個|只|套|台|盏|片|支|条|根|米)"  # and the measure words a Chinese buyer uses
)
_SHAPE = re.compile(
    r"(?P<num>\d+(?:[, ]\d{3})*(?:\.\d+)?|\.\d+)"
    r"(?P<exp>[eE][+-]?\d{1,3})?"
    r"(?P<k>[kK])?"
    rf"\s*(?:{_UNITS}\.?)?",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f']+")  # thin, no-break and figure spaces too


def fold(text: str) -> str:
    """Full-width and other compatibility forms as plain ASCII (`１，０００` -> `1,000`), and
    any script's decimal digits as 0-9."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text
    )


def _refuse(what: str, text: str, why: str) -> UsageError:
    return UsageError(f"{what} {text!r} {why}")


def parse_quantity(text: str, *, whole: bool = False, what: str = "--qty") -> int | float:
    """The quantity `text` means, exactly (an int when it is whole), or a UsageError that
    says why not and how to write it."""
    raw = text.strip()
    folded = _SPACES.sub(" ", fold(raw)).strip()
    kind = "a whole quantity" if whole else "a quantity"
    hint = f"is not {kind}: give a number like 1000"
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", folded):  # 1.000.000: thousands, the European way
        folded = folded.replace(".", ",")
    elif re.fullmatch(r"\d{1,3}\.\d{3}", folded):
        one, thousands = folded.split(".")
        raise _refuse(
            what, raw, "is ambiguous (a decimal point, or a thousands dot as in Europe?): "
            f"for thousands write {one},{thousands}, for a decimal drop the trailing zeros"
            if thousands.endswith("0") else "is ambiguous (a decimal point, or a thousands "
            f"dot as in Europe?): for thousands write {one},{thousands}"
        )  # fmt: skip
    if folded.startswith("-"):
        raise _refuse(what, raw, f"is not {kind}: it must be more than 0")
    if re.fullmatch(r"\d+,\d{1,2}|\d+,\d{4,}", folded):
        raise _refuse(
            what, raw, "has a decimal comma: write 2.5 for two and a half, 2,500 for thousands"
        )
    m = _SHAPE.fullmatch(folded)
    if m is None:
        raise _refuse(what, raw, hint)
    digits = m["num"].replace(",", "").replace(" ", "")
    try:
        value = Decimal(digits) * (Decimal(10) ** int(m["exp"][1:]) if m["exp"] else 1)
    except (InvalidOperation, ValueError):
        raise _refuse(what, raw, hint) from None
    if m["k"]:
        value *= 1000
    if value <= 0:
        raise _refuse(what, raw, f"is not {kind}: it must be more than 0")
    if value > MAX_QUANTITY:
        raise _refuse(what, raw, f"is more than {MAX_QUANTITY:,} pieces: check the number")
    integral = value == value.to_integral_value()
    if whole and not integral:
        raise _refuse(what, raw, "is not a whole quantity: give a whole number of pieces")
    return int(value) if integral else float(value)
