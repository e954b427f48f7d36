"""Chases the grade cadence does not cover: a quote the buyer has not answered after N days
(Settings quote_chase_days), and a buyer silent for longer than twice their cadence.

A quote is chased once, N days after it went out, unless the buyer wrote since (a later
day's incoming contact or inquiry) or we contacted them on or after the chase day; only
a buyer's latest quote counts, not once it has expired, and not once the buyer or the
quote's inquiry is closed (ordered, lost). After that the grade cadence takes over.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from inquiry_cli.domain import model
from inquiry_cli.domain.linking import INCOMING
from inquiry_cli.domain.settings import Settings


@dataclass(frozen=True)
class Silence:
    """A buyer not heard from for longer than twice their grade's cadence."""

    since: dt.date  # the last day they wrote, called or sent an inquiry
    days: int
    grade: str

    @property
    def text(self) -> str:
        return f"silent {self.days} days, over twice the grade {self.grade} cadence"


def silence_cutoffs(today: dt.date, s: Settings) -> dict[str, dt.date]:
    """{grade: the last day a buyer may have been heard from without being silent today}:
    once per run, not twice-the-cadence date arithmetic per buyer."""
    out: dict[str, dt.date] = {}
    for grade, days in (("A", s.cadence_a_days), ("B", s.cadence_b_days), ("C", s.cadence_c_days)):
        out[grade] = today - dt.timedelta(days=math.floor(2 * days) + 1)
    out["D"] = today - relativedelta(months=2 * s.cadence_d_months) - dt.timedelta(days=1)
    return out


def silence(
    grade: str | None, heard: dt.datetime | None, today: dt.date, cutoffs: dict[str, dt.date]
) -> Silence | None:
    """The buyer's silence when it is longer than twice their cadence, else None
    (`cutoffs` from silence_cutoffs)."""
    if heard is None or grade is None:
        return None
    last = cutoffs.get(grade)
    if last is None or heard.date() > last:
        return None
    return Silence(heard.date(), (today - heard.date()).days, grade)


def is_incoming(direction: str | None) -> bool:
    """A contact the buyer made (Direction in, 收, 来电...)."""
    return direction == "in" or (direction or "").strip().lower() in INCOMING


@dataclass(frozen=True)
class QuoteChase:
    """A quote the buyer has not answered: chase it on `due`."""

    quote: model.Quote
    buyer: model.Buyer
    due: dt.date

    def detail(self, s: Settings) -> str:
        q = self.quote
        sent = f" sent {q.date:%Y-%m-%d}" if q.date else ""
        days = f"{s.quote_chase_days:g} day{'s' if s.quote_chase_days != 1 else ''}"
        valid = f" (valid until {q.valid_until:%Y-%m-%d})" if q.valid_until else ""
        return f"quote {q.quote_no or '?'}{sent}: no reply in {days}{valid}"


def quote_chases(
    quotes: list[model.Quote],
    buyer_of: dict[str, model.Buyer],
    heard: dict[int, dt.datetime],
    touched: dict[int, dt.datetime],
    closed_quotes: set[str],
    s: Settings,
    today: dt.date,
) -> list[QuoteChase]:
    """The chases due for the buyers' latest quotes.

    `heard` and `touched` are, per buyer row, the last time the buyer wrote and the last
    contact either way; `closed_quotes` the Quote Nos whose inquiry is closed.
    """
    latest: dict[int, tuple[model.Quote, model.Buyer]] = {}
    for q in quotes:
        ref = (q.buyer_id or "").strip()
        buyer = buyer_of.get(ref) or buyer_of.get(ref.lower())
        if buyer is None or q.date is None:
            continue
        old = latest.get(buyer.row)
        if old is None or (q.date, q.row) > (old[0].date, old[0].row):
            latest[buyer.row] = (q, buyer)
    wait = dt.timedelta(days=math.floor(s.quote_chase_days))
    validity = dt.timedelta(days=s.quote_validity_days)
    out: list[QuoteChase] = []
    for q, buyer in latest.values():
        assert q.date is not None
        sent = q.date.date()
        ends = q.valid_until.date() if q.valid_until else sent + validity
        if ends < today:  # expired: a new quote, not a chase (the cadence follows up)
            continue
        if (buyer.status or "").strip().lower() in model.CLOSED_STATUSES:
            continue
        if q.quote_no and q.quote_no.strip().upper() in closed_quotes:
            continue
        answered = heard.get(buyer.row)
        if answered is not None and answered.date() > sent:
            continue
        chase = sent + wait
        last = touched.get(buyer.row)
        if last is not None and last.date() >= chase:
            continue
        out.append(QuoteChase(q, buyer, chase))
    return out
