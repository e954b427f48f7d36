"""Keys that say two buyer rows are the same person: email and phone, normalised."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\D+")
PHONE_KEY_DIGITS = 9  # compare the last 9 digits: +971 50 123 4567 == 050 123 4567
# A national trunk prefix written in brackets after the country code, "+49 (0)89 ...":
# not dialled from abroad, so not part of the number (full-width brackets too: 中文 input).
_BRACKETED_TRUNK = re.compile(r"^\s*(\+|00)?\s*(\d{1,3})[\s.\-]*[(（\[]\s*0\s*[)）\]]")
# Countries whose numbers keep their leading 0 when dialled from abroad (libphonenumber's
# "Italian leading zero" for fixed or mobile lines): "+39 (0)6 ..." is +39 06 ...: Italy
# and the Vatican, San Marino, Côte d'Ivoire, Benin, Gabon, Congo.
LEADING_ZERO_KEPT = frozenset({"39", "378", "225", "229", "241", "242"})


def without_bracketed_trunk(number: str) -> str:
    """The number as dialled from abroad: "+49 (0)89 123456" -> "+49 89 123456", but
    "+39 (0)6 1234 5678" -> "+39 06 1234 5678" (Italy keeps its 0)."""
    m = _BRACKETED_TRUNK.match(number)
    if m is None:
        return number
    kept = "0" if m[2] in LEADING_ZERO_KEPT else ""
    return f"{m[1] or ''}{m[2]} {kept}{number[m.end() :].lstrip()}"


def phone_key(number: str | None) -> str | None:
    """The last digits of a phone/fax number, or None when too short to compare.

    Country codes and trunk prefixes vary in how users type them (+971, 00971, 0, a
    bracketed (0) after the country code); the subscriber part at the end does not.
    """
    if not number:
        return None
    if "0" in number and ("(" in number or "（" in number or "[" in number):
        number = without_bracketed_trunk(number)
    digits = _DIGITS.sub("", number)
    if len(digits) < 7:
        return None
    return digits[-PHONE_KEY_DIGITS:]


def email_key(address: str | None) -> str | None:
    return address.strip().lower() if address else None


def whatsapp_link(number: str | None, country: str | None = None) -> str | None:
    """https://wa.me/<E.164 digits> for a mobile number (read in the buyer's country when
    typed without +country); None for a landline, a fax or an unreadable number."""
    if not number or sum(ch.isdigit() for ch in number) < 7:
        return None
    import phonenumbers

    from inquiry_cli.domain.countries import country_code

    text = number.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, country_code(country) if country else None)
    except phonenumbers.NumberParseException:
        return None
    kind = phonenumbers.number_type(parsed)
    mobile = (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    if kind not in mobile or not phonenumbers.is_valid_number(parsed):
        return None
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return f"https://wa.me/{e164.lstrip('+')}"
