"""When a buyer is next due for contact, from docs/routine.md §3 and the Settings sheet.

Day cadences count calendar days from the last contact and round down ("twice a week"
is 3.5 days: the contact falls due on day 3, so never more than 3.5 days pass). Month
cadences add calendar months (Jan 31 + 1 month = Feb 28/29). An explicit Next follow-up
date in the Buyers sheet wins. Every open inquiry is due at least every half month.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from inquiry_cli.domain.settings import Settings


@dataclass(frozen=True)
class Due:
    date: dt.date
    reason: str

    def days_late(self, today: dt.date) -> int:
        """Days past due (0 when due today, negative when not yet due)."""
        return (today - self.date).days


def cadence_text(grade: str | None, s: Settings) -> str:
    return {
        "A": f"every {s.cadence_a_days:g} days (A: twice a week)",
        "B": f"every {s.cadence_b_days:g} days (B: weekly)",
        "C": f"every {s.cadence_c_days:g} days (C: half-monthly)",
        "D": f"every {s.cadence_d_months} month{'s' if s.cadence_d_months != 1 else ''} (D)",
    }.get(grade or "", "")


def grade_due(grade: str | None, last: dt.date, s: Settings) -> dt.date | None:
    """The day a buyer of this grade, last contacted on `last`, is due again."""
    if grade == "A":
        return last + dt.timedelta(days=math.floor(s.cadence_a_days))
    if grade == "B":
        return last + dt.timedelta(days=math.floor(s.cadence_b_days))
    if grade == "C":
        return last + dt.timedelta(days=math.floor(s.cadence_c_days))
    if grade == "D":
        return last + relativedelta(months=s.cadence_d_months)
    return None


def next_due(
    grade: str | None,
    last_contact: dt.date | None,
    explicit: dt.date | None,
    has_open_inquiry: bool,
    s: Settings,
) -> Due | None:
    """The follow-up that applies: explicit date, else the earliest of grade and open inquiry."""
    if explicit is not None:
        return Due(explicit, "next follow-up date set in Buyers")
    if last_contact is None:
        return None
    candidates: list[Due] = []
    by_grade = grade_due(grade, last_contact, s)
    if by_grade is not None:
        candidates.append(Due(by_grade, f"grade {grade}: {cadence_text(grade, s)}"))
    if has_open_inquiry:
        days = math.floor(s.open_inquiry_max_days)
        candidates.append(
            Due(last_contact + dt.timedelta(days=days), f"open inquiry: at least every {days} days")
        )
    if not candidates:
        return None
    return min(candidates, key=lambda d: d.date)
