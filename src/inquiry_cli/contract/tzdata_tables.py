"""Reference tables both sides use: ISO country names and time zones, from tzdata's files.

Read once from the tzdata package (shipped with inq), so the rules (domain/countries.py)
get plain tables and open no file themselves.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


def _table(name: str) -> list[list[str]]:
    import tzdata

    path = Path(tzdata.__file__).parent / "zoneinfo" / name
    return [
        line.split("\t")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]


@cache
def country_names() -> dict[str, str]:
    """ISO code -> English name (iso3166.tab)."""
    return {fields[0]: fields[1] for fields in _table("iso3166.tab")}


@cache
def zones() -> dict[str, list[str]]:
    """ISO code -> its IANA time zones (zone.tab)."""
    out: dict[str, list[str]] = {}
    for fields in _table("zone.tab"):
        out.setdefault(fields[0], []).append(fields[2])
    return out
