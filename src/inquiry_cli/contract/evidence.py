"""What a column's cells say it holds: dates, emails, phone numbers, grade letters, ticks.

A header nobody can read is still a column of emails or of dates; a "Client" column of
"Gulf Lights LLC"s is a company, one of "John Carter"s a person. The reader looks at a
sample of cells (the first rows under the header, never the whole column) and asks what
most of them are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from inquiry_cli.contract.cells import yes_no

# What a column may hold, as evidence for the field it is.
DATES, EMAILS, PHONES, GRADES, TICKS, NUMBERS, COMPANIES, PEOPLE = (
    "dates", "emails", "phones", "grade letters", "yes/no ticks", "numbers", "company names",
    "people's names",
)  # fmt: skip
MOST = 0.8  # the share of a column's cells that must agree
MIN_CELLS = 2  # fewer filled cells than this say nothing


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compiled on first use: most reads never weigh a column's cells."""
    return {
        "email": re.compile(r"[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+"),
        "phone": re.compile(r"^[+(]?[\d][\d\s().\-/]{5,}\d$"),
        "grade": re.compile(r"^(grade\s*)?[A-Da-d]\s*[级类]?$"),
        "date": re.compile(
            r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$|"
            r"^\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4}$|^[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}$"
        ),
        "legal": re.compile(
            r"\b(ltd|limited|llc|l\.l\.c|inc|corp|co|gmbh|ag|kg|sa|s\.a|sas|sarl|srl|spa|s\.p\.a|"
            r"bv|nv|pty|plc|fze|fzco|est|trading|group|industries|enterprises?|company|lighting|"
            r"electric(al)?|supply|import|export)\b\.?|有限公司|公司|集团|贸易|商行|株式会社",
            re.I,
        ),
        "person": re.compile(
            r"^(mr|ms|mrs|dr)?\.?\s*[A-Z][a-zà-ÿ'\-]+(\s+[A-Z][a-zà-ÿ'\-.]+){0,2}$"
        ),
    }


def _cjk_person(text: str) -> bool:
    """Two to four 中文 characters: a person's name as a tracker writes it."""
    return 2 <= len(text) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in text)


def kind_of(value: Any) -> set[str]:
    """What one filled cell could be evidence of."""
    out: set[str] = set()
    cls = value.__class__
    if cls in (dt.datetime, dt.date):
        return {DATES}
    if cls is bool:
        return {TICKS}
    if cls in (int, float):
        out.add(NUMBERS)
        if value in (0, 1):
            out.add(TICKS)
        if 9_999_999 < abs(value) < 1e15 and float(value).is_integer():
            out.add(PHONES)  # a phone number typed as a number
        return out
    text = str(value).strip()
    if not text:
        return out
    p = _patterns()
    if p["email"].search(text):
        out.add(EMAILS)
    if p["phone"].match(text) and sum(ch.isdigit() for ch in text) >= 7:
        out.add(PHONES)
    if p["grade"].match(text):
        out.add(GRADES)
    if yes_no(text) is not None:
        out.add(TICKS)
    if p["date"].match(text):
        out.add(DATES)
        out.discard(PHONES)  # "2026-11-10" has the digits of a phone number, not its use
    if p["legal"].search(text):
        out.add(COMPANIES)
    elif p["person"].match(text) or _cjk_person(text):
        out.add(PEOPLE)
    return out


def profile(values: Sequence[Any]) -> tuple[dict[str, float], int]:
    """({kind: share of the filled cells}, how many cells were filled)."""
    filled = [v for v in values if v is not None and v != "" and str(v).strip() != ""]
    counts: dict[str, int] = {}
    for value in filled:
        for kind in kind_of(value):
            counts[kind] = counts.get(kind, 0) + 1
    n = len(filled)
    return ({k: c / n for k, c in counts.items()} if n else {}), n


def holds(values: Sequence[Any], kind: str, share: float = MOST) -> bool:
    """Do most filled cells of the sample hold `kind` (and are there enough of them)?"""
    shares, n = profile(values)
    return n >= MIN_CELLS and shares.get(kind, 0.0) >= share


# The kind of content each contract column kind expects (kinds with no clear evidence,
# like free text, are absent).
EXPECTED = {
    "date": DATES,
    "datetime": DATES,
    "email": EMAILS,
    "phone": PHONES,
    "grade": GRADES,
}
