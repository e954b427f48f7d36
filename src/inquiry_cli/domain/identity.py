"""Keys that say two buyer rows are the same person: email and phone, normalised."""

from __future__ import annotations

import re
from functools import lru_cache

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


# Links worked out before, by (number, country): the lookup index keeps each buyer's, so a
# repeat lookup's card needs no phonenumbers (25-35 ms to import).
_KNOWN: dict[tuple[str, str | None], str | None] = {}


def known_whatsapp(number: str, country: str | None, link: str | None) -> None:
    """What whatsapp_link(number, country) gives (the lookup index worked it out)."""
    _KNOWN[(number, country)] = link


def whatsapp_link(number: str | None, country: str | None = None) -> str | None:
    """https://wa.me/<E.164 digits> for a mobile number (read in the buyer's country when
    typed without +country); None for a landline, a fax or an unreadable number."""
    if not number or sum(ch.isdigit() for ch in number) < 7:
        return None
    if (number, country) in _KNOWN:
        return _KNOWN[(number, country)]
    import phonenumbers

    from inquiry_cli.domain.countries import country_code

    text = number.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    region = country_code(country) if country else None
    if text.startswith("+"):
        quick = _international(text, region)
        if quick is not None:
            return quick or None
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    kind = phonenumbers.number_type(parsed)
    mobile = (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    # number_type() matched a mobile pattern of the number's own region: that is what
    # is_valid_number() would check again (a third of the cost, on a long due list).
    if kind not in mobile:
        return None
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return f"https://wa.me/{e164.lstrip('+')}"


def _international(text: str, region: str | None) -> str | None:
    """A '+country ...' number read against its region's patterns alone: the wa.me link,
    '' for a fixed line, None when only a full parse can tell. It decides as
    phonenumbers' parse() and number_type() do (the region: the first of the country
    code's regions whose leading digits or patterns the number fits), at a third of the
    cost: a due list may hold a thousand buyers who prefer WhatsApp."""
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

    digits = _DIGITS.sub("", text)
    for n in (1, 2, 3):  # country codes are prefix-free
        regions = COUNTRY_CODE_TO_REGION_CODE.get(int(digits[:n]))
        if regions:
            break
    else:
        return None
    national = digits[n:]
    impossible = True  # no region of the code could read these digits as a number
    for code in regions:
        meta = PhoneMetadata.metadata_for_region(code)
        if meta is None or meta.mobile is None or meta.fixed_line is None:
            return None
        led = meta.leading_digits and _pattern(meta.leading_digits).match(national)
        if _matches(meta.mobile, national, meta.general_desc):
            return f"https://wa.me/{digits[:n]}{national}"
        if _matches(meta.fixed_line, national, meta.general_desc):
            return ""
        if led:
            return None  # its region, yet neither pattern: let the full parse say
        lengths = meta.general_desc.possible_length if meta.general_desc else None
        prefix = meta.national_prefix_for_parsing or meta.national_prefix
        if not lengths or len(national) in lengths or (prefix and _pattern(prefix).match(national)):
            impossible = False
    return "" if impossible else None


def _matches(desc, national: str, general) -> bool:
    pattern = desc.national_number_pattern
    lengths = desc.possible_length or (general.possible_length if general else None)
    if not pattern or (lengths and lengths != (-1,) and len(national) not in lengths):
        return False
    return _pattern(pattern).fullmatch(national) is not None


@lru_cache(maxsize=512)
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)
