"""Statistics of the buyer database: who buyers are, what they ask, reply speed.

The uses of the database in docs/routine.md §4.

Buyers by region, country, nature, source, strength and grade; inquiries per month and
per channel; the most asked-about products; reply performance against the Settings
sheet's target (2 h) and limit (24 h), and Alibaba.com's timely-reply rate as the
platform counts it (platform_rate). Countries are merged by ISO code, so 阿联酋, UAE
and United Arab Emirates count as one.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import Any

from inquiry_cli.contract import needs, schema
from inquiry_cli.contract.records import Workbook
from inquiry_cli.domain import model
from inquiry_cli.domain.channels import channel_of
from inquiry_cli.domain.countries import cldr_english_name, country_code, country_name
from inquiry_cli.domain.linking import GRADE_ORDER
from inquiry_cli.domain.settings import Settings

NOT_SET = "(not set)"
NO_DATE = "no date"  # the month of an inquiry whose date inq cannot read
OTHER = "*"  # the key of the "other" region in a region map
TOP_PRODUCTS = 10
BUYER_FACETS = (
    ("region", "Region"),
    ("country", "Country"),
    ("nature", "Nature"),
    ("source", "Source"),
    ("strength", "Strength"),
    ("grade", "Grade"),
)


@dataclass
class Count:
    name: str
    count: int
    share: float  # of the table's total, 0..1


@dataclass
class ProductCount:
    model: str
    name: str
    inquiries: int
    buyers: int


@dataclass
class Replies:
    target_hours: float
    limit_hours: float
    received: int  # inquiries with a receive time
    answered: int  # with a reply time
    within_target: int
    within_limit: int
    unanswered: int  # open and not replied
    median_hours: float | None
    untimed: int = 0  # ticked off as replied, no time kept: neither on time nor late
    pending: int = 0  # not replied, still inside the limit: not late yet

    @property
    def counted(self) -> int:
        """What the shares are of: replies with a time, and replies owed past the limit."""
        return self.received - self.untimed - self.pending

    @property
    def target_share(self) -> float:
        return self.within_target / self.counted if self.counted else 0.0

    @property
    def limit_share(self) -> float:
        return self.within_limit / self.counted if self.counted else 0.0


@dataclass
class PlatformRate:
    """Alibaba.com's timely-reply rate: of each buyer's first message of the day over the
    last 30 days, the share answered within 24 h (see platform_rate)."""

    hours: float
    days: float
    counted: int  # first messages of the day whose window has closed or that were answered
    timely: int
    pending: int  # still inside the window, not answered yet: not counted
    excluded_china: int  # buyers registered in mainland China: Alibaba.com leaves them out
    excluded_spam: int  # marked as spam

    @property
    def share(self) -> float:
        return self.timely / self.counted if self.counted else 0.0


@dataclass
class Stats:
    since: dt.date | None
    now: dt.datetime
    buyers_total: int
    buyers: dict[str, list[Count]]  # facet key -> counts
    inquiries_total: int
    per_month: list[Count]
    per_channel: list[Count]
    products: list[ProductCount]
    replies: Replies
    alibaba: PlatformRate | None = None  # None: no Alibaba.com inquiry in the window
    notes: list[str] = field(default_factory=list)


def _counts(
    values: Iterable[str] | Counter[str], order: dict[str, int] | None = None
) -> list[Count]:
    c = values if isinstance(values, Counter) else Counter(values)
    total = sum(c.values()) or 1
    items = list(c.items())
    if order is not None:
        items.sort(key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    else:
        items.sort(key=lambda kv: (kv[0] == NOT_SET, -kv[1], kv[0].lower()))
    return [Count(name, n, n / total) for name, n in items]


def _region_map(book: Workbook) -> dict[str, str]:
    """ISO code -> region, from the Regions sheet (the built-in table when it has none)."""
    rows: list[tuple[str, str]] = []
    table = book.get("regions")
    if table is not None and table.has("region") and table.has("countries"):
        rows = [
            (r or "", c or "")
            for r, c in zip(table.values("region"), table.values("countries"), strict=True)
        ]
    else:
        rows = [(r[0], r[1]) for r in schema.REGION_DEFAULTS]
    out: dict[str, str] = {}
    for region, countries in rows:
        for name in model.split_list(countries):
            code = country_code(name)
            if code and region:
                out.setdefault(code, region)
        if region.strip().lower() == "other":  # every country not listed elsewhere
            out.setdefault(OTHER, region)
    return out


def region_of(regions: dict[str, str], buyer: model.Buyer) -> str:
    """The Region column, else the region whose country list holds the buyer's country."""
    return _region(regions, buyer.region, buyer.country)


def _region(regions: dict[str, str], region: str | None, country: str | None) -> str:
    if region and region.strip():
        return region.strip()
    code = country_code(country)
    if code is None:
        return ""
    return regions.get(code) or regions.get(OTHER, "")


def _english_name(code: str) -> str:
    """'KR' -> 'South Korea' (CLDR, as people say it), else the ISO table's name."""
    return cldr_english_name(code) or country_name(code)


def _countries(values: list[str | None]) -> Counter[str]:
    """One name per country, however typed: the spelling most used in the sheet (each
    distinct cell weighed once, by how often it comes)."""
    keys: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for text, n in Counter(values).items():
        name = str(text).strip() if text and str(text).strip() else ""
        if not name:
            keys[NOT_SET] += n
            continue
        key = country_code(name) or name.casefold()
        keys[key] += n
        # English spellings beat 中文 and codes, so a report reads the same for everyone
        if name.isascii() and len(name) > 3:
            if key not in spellings:
                spellings[key] = Counter()
            spellings[key][name] += n
    names = {k: c.most_common(1)[0][0] for k, c in spellings.items()}

    def show(key: str) -> str:
        if key == NOT_SET:
            return NOT_SET
        if key in names:
            return names[key]
        return _english_name(key) if len(key) == 2 and key.isupper() else key

    out: Counter[str] = Counter()
    for key, n in keys.items():
        out[show(key)] += n
    return out


def _label(text: str | None) -> str:
    """Group 'importer', 'Importer ' and 'IMPORTER' together, keeping the first spelling."""
    return str(text).strip() if text and str(text).strip() else NOT_SET


def _tally(values: Iterable[Any], label: Callable[[Any], str] = lambda v: v) -> Counter[str]:
    """How often each label comes, 'Importer' and 'IMPORTER ' one (the first spelling
    kept); each distinct value labelled once (100,000 cells hold a few dozen words)."""
    # (in the order each value first comes: so is the spelling kept)
    raw = values if isinstance(values, Counter) else Counter(values)
    first: dict[str, str] = {}
    out: Counter[str] = Counter()
    for value, n in raw.items():
        text = label(value)
        out[first.setdefault(text.casefold(), text)] += n
    return out


def compute(book: Workbook, now: dt.datetime, since: dt.date | None = None) -> Stats:
    s = Settings.from_sheet(book.key_values("settings"))
    start = dt.datetime.combine(since, dt.time()) if since else None
    every_inquiry = model.load(book.get("inquiries"), model.Inquiry, fields_=needs.STATS_INQUIRY)
    inquiries = [
        i
        for i in every_inquiry
        if start is None or (i.received is not None and i.received >= start)
    ]
    every_buyer = buyers = model.load(book.table("buyers"), model.Buyer, fields_=needs.STATS_BUYER)
    if start is not None:
        asked = {k for i in inquiries for k in (i.buyer_id, (i.email or "").lower()) if k}
        buyers = [
            b
            for b in buyers
            if (b.first_contact and b.first_contact >= start)
            or (b.last_contact and b.last_contact >= start)
            or (b.buyer_id and b.buyer_id in asked)
            or (b.email and b.email.lower() in asked)
        ]
    regions = _region_map(book)
    notes: list[str] = []
    facets: dict[str, list[Count]] = {}
    places = Counter((b.region, b.country) for b in buyers)  # (region_of each pair once)
    region_values: Counter[str] = Counter()
    for (region, country), n in places.items():
        region_values[_region(regions, region, country) or NOT_SET] += n
    facets["region"] = _counts(_tally(region_values))
    facets["country"] = _counts(_countries([b.country for b in buyers]))
    for key in ("nature", "source", "strength"):
        facets[key] = _counts(_tally(map(attrgetter(key), buyers), _label))
    grade_order = {**GRADE_ORDER, NOT_SET: len(GRADE_ORDER)}
    facets["grade"] = _counts([b.grade or NOT_SET for b in buyers], grade_order)

    months = sorted({(i.received.year, i.received.month) for i in inquiries if i.received})
    per_month: list[Count] = []
    total = len(inquiries)
    if months:
        by_month = Counter((i.received.year, i.received.month) for i in inquiries if i.received)
        y, m = months[0]
        while (y, m) <= months[-1]:
            n = by_month.get((y, m), 0)
            per_month.append(Count(f"{y:04d}-{m:02d}", n, n / total))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    undated = sum(1 for i in inquiries if i.received is None)
    if undated:  # (a date inq cannot read: counted, where the user sees it)
        per_month.append(Count(NO_DATE, undated, undated / total))
    per_channel = _counts(_tally((i.channel for i in inquiries), _label))

    return Stats(
        since=since,
        now=now,
        buyers_total=len(buyers),
        buyers=facets,
        inquiries_total=len(inquiries),
        per_month=per_month,
        per_channel=per_channel,
        products=_products(book, inquiries, buyers),
        replies=_replies(inquiries, s, now),
        alibaba=platform_rate(every_inquiry, every_buyer, now, s),
        notes=notes,
    )


SPAM = frozenset({"spam", "junk", "垃圾", "垃圾询盘"})


def platform_rate(
    inquiries: list[model.Inquiry], buyers: list[model.Buyer], now: dt.datetime, s: Settings
) -> PlatformRate | None:
    """Alibaba.com's timely-reply rate, counted as the platform counts it.

    Over the inquiries on the `alibaba` channel received in the last `alibaba_rate_days`
    (30): each buyer's first message of each day counts once; it is timely when a reply
    to that buyer (the Replied time of any of their messages that day) came within
    `alibaba_reply_hours` (24) of it. Buyers in mainland China (CN; not Hong Kong, Macao
    or Taiwan) and messages marked as spam are left out, as the platform does; a message
    still inside its window and not answered is not counted yet. Bot and auto-replies
    never set Replied in inq, so they cannot count.
    """
    window = dt.timedelta(hours=s.alibaba_reply_hours)
    start = now - dt.timedelta(days=s.alibaba_rate_days)
    country: dict[str, str | None] = {}
    for b in buyers:
        for k in (b.buyer_id, (b.email or "").lower() or None):
            if k:
                country.setdefault(k, b.country)
    days: dict[tuple[str, dt.date], list[model.Inquiry]] = {}
    china = spam = 0
    for i in inquiries:
        if channel_of(i.channel) != "alibaba" or i.received is None:
            continue
        if not (start <= i.received <= now):
            continue
        who = i.buyer_id or (i.email or "").lower() or f"row {i.row}"
        if (i.status or "").strip().lower() in SPAM:
            spam += 1
            continue
        where = country.get(i.buyer_id or "") or country.get((i.email or "").lower())
        if country_code(where) == "CN":
            china += 1
            continue
        days.setdefault((who, i.received.date()), []).append(i)
    if not days and not (china or spam):
        return None
    counted = timely = pending = 0
    for messages in days.values():
        first = min(m.received for m in messages if m.received)
        times = [model.replied_at(m) for m in messages]
        answered = min((t for t in times if t is not None and t >= first), default=None)
        if answered is None and any(m.replied is True for m in messages):
            continue  # ticked off as replied, no time kept: neither on time nor late
        if answered is None and now < first + window:
            pending += 1
            continue
        counted += 1
        if answered is not None and answered - first <= window:
            timely += 1
    return PlatformRate(
        s.alibaba_reply_hours, s.alibaba_rate_days, counted, timely, pending, china, spam
    )


def _products(
    book: Workbook, inquiries: list[model.Inquiry], buyers: list[model.Buyer]
) -> list[ProductCount]:
    """The most asked-about models: inquiries about each, and distinct buyers interested."""
    catalog: dict[str, tuple[str, str]] = {}  # upper model -> (model, name)
    table = book.get("products")
    if table is not None and table.has("model"):
        for m, name in zip(table.values("model"), table.values("name"), strict=True):
            if m:
                catalog[m.strip().upper()] = (m.strip(), name or "")
    asked: Counter[str] = Counter()
    who: dict[str, set[str]] = {}
    spelled: dict[str, str] = {}
    for i in inquiries:
        if not i.product:
            continue
        sender = i.buyer_id or (i.email or "").lower() or f"row {i.row}"
        for key, p in _product_keys(i.product):
            spelled.setdefault(key, p)
            asked[key] += 1
            who.setdefault(key, set()).add(sender)
    for b in buyers:
        if not b.products:
            continue
        ident = b.buyer_id or (b.email or "").lower() or f"row {b.row}"
        for key, p in _product_keys(b.products):
            if key in asked or key in catalog:
                spelled.setdefault(key, p)
                who.setdefault(key, set()).add(ident)
    keys = sorted(who, key=lambda k: (-asked[k], -len(who[k]), k))[:TOP_PRODUCTS]
    out = []
    for k in keys:
        model_name, name = catalog.get(k, (spelled[k], ""))
        out.append(ProductCount(model_name, name, asked[k], len(who[k])))
    return out


@lru_cache(maxsize=8192)  # (a sheet of inquiries names the same few models again and again)
def _product_keys(text: str) -> tuple[tuple[str, str], ...]:
    """The models a Product cell names: (upper case, as typed) each."""
    return tuple((p.upper(), p) for p in model.split_list(text))


def _replies(inquiries: list[model.Inquiry], s: Settings, now: dt.datetime) -> Replies:
    hours: list[float] = []
    unanswered = untimed = pending = 0
    received = 0
    limit = dt.timedelta(hours=s.reply_limit_hours)
    for i in inquiries:
        if i.received is None:
            continue
        received += 1
        replied = model.replied_at(i)
        if replied is None and i.replied is not None:  # a tick-off: answered, no time
            untimed += 1
            continue
        if replied is None or replied < i.received:
            if i.replied is None and i.is_open:
                unanswered += 1
            if i.replied is None and now < i.received + limit:
                pending += 1
            continue
        hours.append((replied - i.received).total_seconds() / 3600)
    return Replies(
        target_hours=s.reply_target_hours,
        limit_hours=s.reply_limit_hours,
        received=received,
        answered=len(hours),
        within_target=sum(1 for h in hours if h <= s.reply_target_hours),
        within_limit=sum(1 for h in hours if h <= s.reply_limit_hours),
        unanswered=unanswered,
        median_hours=round(statistics.median(hours), 1) if hours else None,
        untimed=untimed,
        pending=pending,
    )


def hours_text(hours: float | None) -> str:
    """1.5 -> '1 h 30 min', 30 -> '1 d 6 h'."""
    if hours is None:
        return "-"
    minutes = round(hours * 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        h, m = divmod(minutes, 60)
        return f"{h} h {m:02d} min" if m else f"{h} h"
    d, rest = divmod(minutes, 24 * 60)
    return f"{d} d {rest // 60} h" if rest // 60 else f"{d} d"


def reply_rows(r: Replies, alibaba: PlatformRate | None = None) -> list[tuple[str, str]]:
    """Reply performance as (label, value) lines; Alibaba.com's own rate beside inq's."""

    def pct(n: int) -> str:
        return f"{n / r.counted:.0%} ({n} of {r.counted})" if r.counted else "-"

    rows = [
        (f"Answered within {r.target_hours:g} h", pct(r.within_target)),
        (f"Answered within {r.limit_hours:g} h", pct(r.within_limit)),
        ("Median reply time", hours_text(r.median_hours)),
        ("Not answered yet", str(r.unanswered)),
    ]
    if r.pending:
        rows.append((f"Still inside {r.limit_hours:g} h (not counted)", str(r.pending)))
    if r.untimed:
        rows.append(("Ticked replied, no time kept (not counted)", str(r.untimed)))
    if alibaba is not None:
        a = alibaba
        value = f"{a.share:.0%} ({a.timely} of {a.counted})" if a.counted else "-"
        if a.pending:
            value += f", {a.pending} pending"
        rows.append((f"Alibaba.com {a.hours:g} h rate ({a.days:g} d)", value))
    return rows


def to_json(st: Stats) -> dict[str, Any]:
    def counts(items: list[Count]) -> list[dict[str, Any]]:
        return [{"name": c.name, "count": c.count, "share": round(c.share, 4)} for c in items]

    r = st.replies
    return {
        "since": st.since,
        "buyers": {
            "total": st.buyers_total,
            **{f"by_{key}": counts(st.buyers[key]) for key, _ in BUYER_FACETS},
        },
        "inquiries": {
            "total": st.inquiries_total,
            "per_month": counts(st.per_month),
            "per_channel": counts(st.per_channel),
        },
        "products": [
            {"model": p.model, "name": p.name, "inquiries": p.inquiries, "buyers": p.buyers}
            for p in st.products
        ],
        "replies": {
            "target_hours": r.target_hours,
            "limit_hours": r.limit_hours,
            "received": r.received,
            "answered": r.answered,
            "within_target": r.within_target,
            "within_target_share": round(r.target_share, 4),
            "within_limit": r.within_limit,
            "within_limit_share": round(r.limit_share, 4),
            "median_hours": r.median_hours,
            "unanswered": r.unanswered,
            "counted": r.counted,
            "pending": r.pending,
            "untimed": r.untimed,
        },
        "alibaba_reply_rate": None
        if st.alibaba is None
        else {
            "hours": st.alibaba.hours,
            "days": st.alibaba.days,
            "counted": st.alibaba.counted,
            "timely": st.alibaba.timely,
            "share": round(st.alibaba.share, 4),
            "pending": st.alibaba.pending,
            "excluded_china": st.alibaba.excluded_china,
            "excluded_spam": st.alibaba.excluded_spam,
        },
    }
