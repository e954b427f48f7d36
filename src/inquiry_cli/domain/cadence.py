"""When a buyer is next due for contact, from docs/routine.md §3 and the Settings sheet.

Day cadences count calendar days from the last contact and round down ("twice a week"
is 3.5 days: the contact falls due on day 3, so never more than 3.5 days pass). Month
cadences add calendar months (Jan 31 + 1 month = Feb 28/29). An explicit Next follow-up
date the user typed in the Buyers sheet wins while it lies after the last contact (a
date on or before it was that follow-up: `inq log` clears it too); blank, the cadence
fills it. Every open inquiry is due at least every half month, counted from the later of
its arrival and the last contact. A graded buyer with no contact on record (Last contact
blank, no log) is counted from their first contact, else due at once; a buyer whose
Status says they are gone (Lost, Do not contact, 流失) falls due only on a date the
user typed.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from inquiry_cli.domain.settings import Settings

# What a follow-up date comes from (`due --json` "basis").
USER_DATE, GRADE, OPEN_INQUIRY = "next_follow_up", "grade", "open_inquiry"


@dataclass(frozen=True, slots=True)  # (one per buyer of a 50,000-buyer due list)
class Due:
    date: dt.date
    reason: str
    basis: str = GRADE  # USER_DATE, GRADE or OPEN_INQUIRY

    def days_late(self, today: dt.date) -> int:
        """Days past due (0 when due today, negative when not yet due)."""
        return (today - self.date).days


def cadence_text(grade: str | None, s: Settings) -> str:
    days = (s.cadence_a_days, s.cadence_b_days, s.cadence_c_days)
    return _cadence_text(grade or "", *days, s.cadence_d_months)


@lru_cache(maxsize=64, typed=True)  # (a due list words the same cadences 50,000 times)
def _cadence_text(grade: str, a: float, b: float, c: float, d: int) -> str:
    return {
        "A": f"every {a:g} days (A: twice a week)",
        "B": f"every {b:g} days (B: weekly)",
        "C": f"every {c:g} days (C: half-monthly)",
        "D": f"every {d} month{'s' if d != 1 else ''} (D)",
    }.get(grade, "")


# (A due list gives 50,000 buyers a handful of reasons: each is made once.)
@lru_cache(maxsize=64)
def _grade_reason(grade: str | None, cadence: str, since: str | None) -> str:
    """Why a grade's cadence is due; `since`: what it counts from, with no contact on record."""
    if since is None:
        return f"grade {grade}: {cadence}"
    return f"grade {grade}: {cadence} (from their {since}: no contact on record since)"


@lru_cache(maxsize=16)
def _open_reason(days: int) -> str:
    return f"open inquiry: at least every {days} days"


def grade_due(grade: str | None, last: dt.date, s: Settings) -> dt.date | None:
    """The day a buyer of this grade, last contacted on `last`, is due again."""
    if grade == "A":
        return last + dt.timedelta(days=math.floor(s.cadence_a_days))
    if grade == "B":
        return last + dt.timedelta(days=math.floor(s.cadence_b_days))
    if grade == "C":
        return last + dt.timedelta(days=math.floor(s.cadence_c_days))
    if grade == "D":
        return last + _months(s.cadence_d_months)
    return None


@lru_cache(maxsize=16)
def _months(n: int) -> relativedelta:
    """relativedelta(months=n), made once: making one costs more than adding it, and a due
    list adds one per D buyer."""
    return relativedelta(months=n)


# A buyer's Status that says not to chase them (an inquiry's "ordered" closes it; a
# buyer who ordered is a customer, and is followed up all the more).
GONE_STATUSES = frozenset(
    {"lost", "closed", "do not contact", "don't contact", "dnc", "blacklist", "blacklisted",
     "invalid", "dead", "spam", "流失", "无效", "黑名单", "关闭", "已流失", "不再联系"}
)  # fmt: skip


def is_gone(status: str | None) -> bool:
    return bool(status) and str(status).strip().lower() in GONE_STATUSES


def next_due(
    grade: str | None,
    last_contact: dt.date | None,
    explicit: dt.date | None,
    has_open_inquiry: bool,
    s: Settings,
    *,
    open_since: dt.date | None = None,
    first_contact: dt.date | None = None,
    status: str | None = None,
    today: dt.date | None = None,
) -> Due | None:
    """The follow-up that applies: the user's own date while it is ahead of the last
    contact, else the earliest of grade cadence and open inquiry (`open_since`: when the
    latest open one arrived)."""
    if explicit is not None and (last_contact is None or explicit > last_contact):
        return Due(explicit, "next follow-up date set in Buyers", USER_DATE)
    if is_gone(status):
        return None
    base = last_contact or first_contact or open_since
    candidates: list[Due] = []
    if base is not None:
        by_grade = grade_due(grade, base, s)
        if by_grade is not None:
            since = None
            if last_contact is None:
                since = "first contact" if first_contact else "inquiry"
            reason = _grade_reason(grade, cadence_text(grade, s), since)
            candidates.append(Due(by_grade, reason, GRADE))
    elif today is not None and grade_due(grade, today, s) is not None:
        candidates.append(Due(today, f"grade {grade}, and no contact on record", GRADE))
    starts = [d for d in (last_contact, open_since) if d is not None]
    if has_open_inquiry and starts:
        days = math.floor(s.open_inquiry_max_days)
        candidates.append(
            Due(max(starts) + dt.timedelta(days=days), _open_reason(days), OPEN_INQUIRY)
        )
    if not candidates:
        return None
    due = min(candidates, key=lambda d: d.date)
    if explicit is not None and last_contact is not None:  # contacted on or since that day
        done = f"the Next follow-up {explicit:%Y-%m-%d} in Buyers was done by the contact of"
        return Due(due.date, f"{due.reason} ({done} {last_contact:%Y-%m-%d})", due.basis)
    return due
