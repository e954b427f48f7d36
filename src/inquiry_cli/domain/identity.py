"""Keys that say two buyer rows are the same person: email and phone, normalised."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\D+")
PHONE_KEY_DIGITS = 9  # compare the last 9 digits: +971 50 123 4567 == 050 123 4567


def phone_key(number: str | None) -> str | None:
    """The last digits of a phone/fax number, or None when too short to compare.

    Country codes and trunk prefixes vary in how users type them (+971, 00971, 0);
    the subscriber part at the end does not.
    """
    if not number:
        return None
    digits = _DIGITS.sub("", number)
    if len(digits) < 7:
        return None
    return digits[-PHONE_KEY_DIGITS:]


def email_key(address: str | None) -> str | None:
    return address.strip().lower() if address else None
