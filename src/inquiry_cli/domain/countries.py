"""Country names as users type them (English, 中文, ISO codes, UAE/USA/UK) -> ISO code, time zone.

English names and time zones come from the IANA tables shipped in `tzdata`; CLDR's
English and Chinese names from Babel, kept as a module (contract.cldr_territories); the
short forms people actually type (阿联酋, 沙特, UAE) from a small table here.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from inquiry_cli.contract import tzdata_tables

# What people type that the standard names miss.
ALIASES = {
    "uae": "AE", "emirates": "AE", "dubai": "AE", "阿联酋": "AE", "迪拜": "AE",
    "usa": "US", "us": "US", "america": "US", "unitedstatesofamerica": "US", "美国": "US",
    "uk": "GB", "england": "GB", "britain": "GB", "greatbritain": "GB", "英国": "GB",
    "unitedkingdom": "GB",
    "ksa": "SA", "saudi": "SA", "沙特": "SA",
    "korea": "KR", "southkorea": "KR", "韩国": "KR", "russia": "RU", "俄罗斯": "RU",
    "vietnam": "VN", "turkey": "TR", "türkiye": "TR", "土耳其": "TR", "iran": "IR",
    "holland": "NL", "荷兰": "NL", "czechia": "CZ", "czechrepublic": "CZ",
    "hongkong": "HK", "香港": "HK", "taiwan": "TW", "台湾": "TW", "macau": "MO",
    "ivorycoast": "CI", "côtedivoire": "CI", "drc": "CD", "congo": "CG",
    "laos": "LA", "syria": "SY", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ",
    "moldova": "MD", "palestine": "PS", "brunei": "BN", "burma": "MM",
    "中国": "CN", "china": "CN", "新加坡": "SG", "马来西亚": "MY", "泰国": "TH", "印尼": "ID",
    "菲律宾": "PH", "印度": "IN", "德国": "DE", "法国": "FR", "意大利": "IT", "西班牙": "ES",
    "墨西哥": "MX", "巴西": "BR", "智利": "CL", "秘鲁": "PE", "哥伦比亚": "CO", "阿根廷": "AR",
    "尼日利亚": "NG", "南非": "ZA", "肯尼亚": "KE", "埃及": "EG", "卡塔尔": "QA",
    "科威特": "KW", "阿曼": "OM", "约旦": "JO", "以色列": "IL", "加拿大": "CA",
    "澳大利亚": "AU", "澳洲": "AU", "日本": "JP", "波兰": "PL", "越南": "VN",
}  # fmt: skip

# Countries spanning several zones: the zone most business happens in.
MAIN_ZONE = {
    "US": "America/New_York", "CA": "America/Toronto", "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo", "RU": "Europe/Moscow", "MX": "America/Mexico_City",
    "CN": "Asia/Shanghai", "ID": "Asia/Jakarta", "KZ": "Asia/Almaty",
    "AR": "America/Argentina/Buenos_Aires", "CL": "America/Santiago", "ES": "Europe/Madrid",
    "PT": "Europe/Lisbon", "EC": "America/Guayaquil", "DE": "Europe/Berlin",
    "MY": "Asia/Kuala_Lumpur", "NZ": "Pacific/Auckland", "UA": "Europe/Kyiv",
    "CD": "Africa/Kinshasa", "MN": "Asia/Ulaanbaatar", "UZ": "Asia/Tashkent",
}  # fmt: skip


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[\s.,'’()\-]+", "", text)


def _english_names() -> dict[str, str]:
    """ISO code -> English name, from tzdata's iso3166.tab."""
    return tzdata_tables.country_names()


def _zones() -> dict[str, list[str]]:
    return tzdata_tables.zones()


@cache
def _index() -> dict[str, str]:
    """English names, ISO codes and the short forms people type -> ISO code (cheap)."""
    index: dict[str, str] = {}
    for code, name in _english_names().items():
        index[_key(name)] = code
        index[code.lower()] = code
        # "Korea (South)", "Congo (Dem. Rep.)" -> also without the parenthesis
        index.setdefault(_key(re.sub(r"\(.*?\)", "", name)), code)
    for alias, code in ALIASES.items():
        index[_key(alias)] = code
    return index


# The names read first when the cheap index misses; the buyers' other languages after.
_FIRST_LOCALES = ("en", "zh", "zh_Hant")


@cache
def _cldr_index(wide: bool = False) -> dict[str, str]:
    """CLDR's names -> ISO code, from contract.cldr_territories (Babel's names kept as a
    module): English and Chinese, or (`wide`) also the buyers' languages (Deutschland,
    España, Россия), with each also without its accents (Espana, Turkiye). Each built
    only when the index before it misses (the wide one costs 20 ms)."""
    from inquiry_cli.contract.cldr_territories import TERRITORIES

    index: dict[str, str] = {}
    for locale, names in TERRITORIES.items():
        if wide or locale in _FIRST_LOCALES:
            for code, name in names.items():
                index.setdefault(_key(name), code)
    if wide:
        for key, code in list(index.items()):
            index.setdefault(_plain(key), code)
    return index


def _plain(key: str) -> str:
    """A key without its accents: España -> espana (letters of other scripts kept)."""
    return "".join(c for c in unicodedata.normalize("NFKD", key) if not unicodedata.combining(c))


def cldr_english_name(code: str) -> str | None:
    """'KR' -> 'South Korea': CLDR's English name, as people say it."""
    from inquiry_cli.contract.cldr_territories import TERRITORIES

    return TERRITORIES["en"].get(code.upper())


@cache
def country_code(text: str | None) -> str | None:
    """ISO 3166 alpha-2 code for what the user typed, or None when unknown."""
    if not text:
        return None
    key = _key(str(text))
    found = _index().get(key) or _cldr_index().get(key)
    if found is None:
        wide = _cldr_index(wide=True)
        found = wide.get(key) or wide.get(_plain(key))
    return found


def country_name(code: str) -> str:
    return _english_names().get(code.upper(), code)


@cache
def time_zone(code: str | None, city: str | None = None) -> str | None:
    """The IANA zone for a buyer: the city's zone when it names one, else the country's."""
    if not code:
        return None
    zones = _zones().get(code.upper(), [])
    if city:
        wanted = _key(city)
        for zone in zones:
            if _key(zone.rsplit("/", 1)[-1].replace("_", " ")) == wanted:
                return zone
    if code.upper() in MAIN_ZONE:
        return MAIN_ZONE[code.upper()]
    return zones[0] if zones else None
