"""Mail-outs (docs/routine.md §4): the audience, and what each buyer's mail is made of.

Buyers without a usable email are listed, never silently dropped; two buyer rows with
one email get one mail. Rendering the template and the RFC 5322 message is output.mail's
job, sending output.smtp's, .eml and .mbox files output.mailfiles'.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from inquiry_cli.contract.records import Workbook
from inquiry_cli.domain import model
from inquiry_cli.domain.countries import country_code, country_name
from inquiry_cli.errors import ContractError, InqError, NotFound, UsageError

# C0 (tab too), DEL and C1: an address holding one cannot go in a header.
_HEADER_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]+")
BUILT_IN = ("newsletter", "new-products", "trade-show", "greeting", "sample-follow-up")


# ---------------------------------------------------------------- the audience


@dataclass
class Audience:
    asked: str | None = None
    grades: list[str] = field(default_factory=list)
    region: str | None = None
    country: str | None = None
    everyone: bool = False

    def is_empty(self) -> bool:
        return not (self.asked or self.grades or self.region or self.country or self.everyone)

    def describe(self) -> str:
        parts = []
        if self.asked:
            parts.append(f"who asked about {self.asked}")
        if self.grades:
            parts.append(f"of grade {'/'.join(self.grades)}")
        if self.region:
            parts.append(f"in region {self.region}")
        if self.country:
            parts.append(f"in {country_name(country_code(self.country) or self.country)}")
        return f"buyers {', '.join(parts)}" if parts else "every buyer"


@dataclass
class Skipped:
    buyer: model.Buyer
    why: str


def _ident(b: model.Buyer) -> str:
    return b.buyer_id or (b.email or "").lower() or f"row {b.row}"


def select(book: Workbook, audience: Audience) -> list[model.Buyer]:
    """The buyers matching every filter given (--all: everyone), in sheet order."""
    buyers = model.load(book.table("buyers"), model.Buyer)
    chosen = buyers
    if audience.asked:
        chosen = [b for b in chosen if _ident(b) in asked_about(book, buyers, audience.asked)]
    if audience.grades:
        chosen = [b for b in chosen if b.grade in audience.grades]
    if audience.region:
        from inquiry_cli.domain.stats import _region_map, region_of

        wanted = audience.region.strip().casefold()
        regions = _region_map(book)
        known = {r.casefold() for r in regions.values()} | {
            (b.region or "").strip().casefold() for b in buyers
        }
        if wanted not in known:
            raise UsageError(
                f"unknown region {audience.region!r}: use one of "
                f"{', '.join(sorted(k for k in known if k))}"
            )
        chosen = [b for b in chosen if region_of(regions, b).casefold() == wanted]
    if audience.country:
        code = country_code(audience.country)
        if code is None:
            raise UsageError(f"unknown country {audience.country!r}: use a name, 中文 or ISO code")
        chosen = [b for b in chosen if country_code(b.country) == code]
    return chosen


def asked_about(book: Workbook, buyers: list[model.Buyer], wanted: str) -> set[str]:
    """Every buyer who ever asked about the model: from Inquiries and the Products column."""
    key = wanted.strip().upper()
    by_key: dict[str, model.Buyer] = {}
    for b in buyers:
        for k in (b.buyer_id, (b.email or "").lower() or None):
            if k:
                by_key.setdefault(k, b)
    hits: set[str] = set()
    for i in model.load(book.get("inquiries"), model.Inquiry):
        if key in {p.upper() for p in model.split_list(i.product)}:
            asker = by_key.get(i.buyer_id or "") or by_key.get((i.email or "").lower())
            if asker is not None:
                hits.add(_ident(asker))
    for b in buyers:
        if key in {p.upper() for p in b.product_list}:
            hits.add(_ident(b))
    if not hits:
        products = book.get("products")
        models = [m for m in (products.values("model") if products else []) if m]
        if models and key not in {m.upper() for m in models}:
            from rapidfuzz import process

            close = [c for c, score, _ in process.extract(wanted, models, limit=3) if score >= 60]
            hint = f": did you mean {' or '.join(close)}?" if close else ""
            raise NotFound(f"unknown model {wanted!r}{hint}")
        raise NotFound(f"nobody has asked about {wanted} yet")
    return hits


def split_recipients(buyers: list[model.Buyer]) -> tuple[list[model.Buyer], list[Skipped]]:
    """(who gets a mail, who does not and why): no email, or the same email twice."""
    send: list[model.Buyer] = []
    skipped: list[Skipped] = []
    first: dict[str, model.Buyer] = {}
    for b in buyers:
        if not b.email:
            other = " / ".join(
                x for x in (b.phone and f"Tel {b.phone}", b.fax and f"Fax {b.fax}") if x
            )
            skipped.append(Skipped(b, f"no email{f' ({other})' if other else ''}"))
            continue
        if _HEADER_CONTROLS.search(b.email):
            skipped.append(Skipped(b, "the email holds a line break or control character"))
            continue
        email = b.email.lower()
        if email in first:
            skipped.append(Skipped(b, f"same email as {first[email].key}"))
            continue
        first[email] = b
        send.append(b)
    return send, skipped


# ---------------------------------------------------------------- rendering


@dataclass
class Mail:
    buyer: model.Buyer
    to: str
    subject: str
    body: str
    message: Any = None  # EmailMessage, built by build_messages


def default_occasion(today: dt.date) -> str:
    """The greeting's occasion when none is given, by the time of year."""
    if today.month == 12 and today.day >= 10:
        return "Merry Christmas and a Happy New Year"
    if today.month == 1 and today.day <= 15:
        return "Happy New Year"
    return "Season's greetings"


def _event(book: Workbook, name: str | None, today: dt.date) -> dict[str, Any]:
    table = book.get("events")
    rows = table.records() if table is not None else []
    shows = []
    for r in rows:
        start = r.get("start")
        end = r.get("end") or start
        if not r.get("name") or start is None or end is None:
            continue
        shows.append((start.date(), end.date(), r))
    if name:
        wanted = name.strip().casefold()
        shows = [s for s in shows if wanted in str(s[2]["name"]).casefold()]
        if not shows:
            raise NotFound(f"no show named like {name!r} in the Events sheet")
    upcoming = sorted((s for s in shows if s[1] >= today), key=lambda s: s[0])
    if not upcoming:
        raise InqError(
            "no coming trade show in the Events sheet: add one (Name, City, Country, Start, "
            "End, Booth) or name it with --event"
        )
    start, end, r = upcoming[0]
    if start == end:
        dates = f"{start:%-d %B %Y}"
    elif (start.year, start.month) == (end.year, end.month):
        dates = f"{start.day}-{end:%-d %B %Y}"
    else:
        dates = f"{start:%-d %B} - {end:%-d %B %Y}"
    return {
        "name": str(r["name"]).strip(),
        "city": r.get("city") or "",
        "country": r.get("country") or "",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "dates": dates,
        "booth": r.get("booth") or "",
    }


def _catalog(book: Workbook) -> dict[str, dict[str, Any]]:
    table = book.get("products")
    if table is None or not table.has("model"):
        return {}
    out = {}
    for rec in table.records():
        m = rec.get("model")
        if not m:
            continue
        moq = rec.get("moq")
        unit = rec.get("unit") or "pcs"
        out[m.strip().upper()] = {
            "model": m.strip(),
            "name": rec.get("name") or "",
            "spec": rec.get("spec") or "",
            "tech_params": rec.get("tech_params") or "",
            "certifications": rec.get("certifications") or "",
            "catalog_link": rec.get("catalog_link") or "",
            "moq": f"{moq:,} {unit}" if moq else "",
            "new": bool(rec.get("new")),
            "hot": bool(rec.get("hot")),
        }
    return out


def _family(model_name: str) -> str:
    """'LED-PL-60' -> 'LED-PL': products of one family share it."""
    return model_name.rsplit("-", 1)[0].upper() if "-" in model_name else model_name.upper()


@dataclass
class Context:
    """What every mail of one run shares."""

    company: Any  # quote.Fields
    sender: dict[str, str]
    today: dt.date
    news: str = ""
    occasion: str = ""
    event: dict[str, Any] | None = None
    products: list[dict[str, Any]] = field(default_factory=list)
    catalog: dict[str, dict[str, Any]] = field(default_factory=dict)
    samples: dict[str, list[Any]] = field(default_factory=dict)  # buyer ident -> open samples


def prepare(
    book: Workbook,
    template: str,
    *,
    now: dt.datetime,
    news: str | None,
    occasion: str | None,
    event: str | None,
    sender: dict[str, str],
) -> Context:
    """Gather what the template needs, refusing early when the workbook lacks it."""
    from inquiry_cli.domain.quote import company_fields
    from inquiry_cli.domain.samples import open_samples

    today = now.date()
    if template == "newsletter" and not (news and news.strip()):
        raise UsageError("the newsletter needs its news: --news FILE (plain text)")
    ctx = Context(
        company=company_fields(book),
        sender=sender,
        today=today,
        news=(news or "").strip(),
        occasion=(occasion or "").strip() or default_occasion(today),
        catalog=_catalog(book),
    )
    ctx.products = [p for p in ctx.catalog.values() if p["new"] or p["hot"]]
    ctx.products.sort(key=lambda p: (not p["new"], p["model"]))
    if template == "new-products" and not ctx.products:
        raise InqError(
            "no product is marked New or Hot in the Products sheet: mark some (Y) and retry"
        )
    if template == "trade-show" or event:
        ctx.event = _event(book, event, today)
    for o in open_samples(book):
        if o.buyer is not None:
            ctx.samples.setdefault(_ident(o.buyer), []).append(o)
    return ctx


def sample_follow_up_audience(book: Workbook) -> list[model.Buyer]:
    """Buyers with samples awaiting feedback (the sample-follow-up's default audience)."""
    from inquiry_cli.domain.samples import open_samples

    seen: dict[str, model.Buyer] = {}
    for o in open_samples(book):
        if o.buyer is not None:
            seen.setdefault(_ident(o.buyer), o.buyer)
    return sorted(seen.values(), key=lambda b: b.row)


def mail_values(
    template: str, buyers: list[model.Buyer], ctx: Context
) -> tuple[list[tuple[model.Buyer, dict[str, Any]]], list[Skipped]]:
    """What the template is given for each buyer; buyers it does not apply to, with why."""
    chosen: list[tuple[model.Buyer, dict[str, Any]]] = []
    skipped: list[Skipped] = []
    for b in buyers:
        samples = ctx.samples.get(_ident(b), [])
        if template == "sample-follow-up" and not samples:
            skipped.append(Skipped(b, "no sample awaiting feedback"))
            continue
        families = {_family(p) for p in b.product_list}
        for_you = [p for p in ctx.products if _family(p["model"]) in families]
        products = for_you + [p for p in ctx.products if p not in for_you]
        values = {
            "buyer": {
                "name": b.name or "",
                "company": b.company or "",
                "email": b.email or "",
                "country": b.country or "",
                "city": b.city or "",
                "grade": b.grade or "",
                "products": b.product_list,
            },
            "greeting": f"Dear {b.name}," if b.name else "Dear Sir or Madam,",
            "company": ctx.company,
            "sender": ctx.sender,
            "today": ctx.today.isoformat(),
            "month": f"{ctx.today:%B %Y}",
            "year": ctx.today.year,
            "news": ctx.news,
            "occasion": ctx.occasion,
            "event": ctx.event,
            "products": products,
            "for_you": for_you,
            "samples": [
                {
                    "model": o.sample.model or "",
                    "name": ctx.catalog.get((o.sample.model or "").upper(), {}).get("name", ""),
                    "date": f"{o.sample.date:%-d %B %Y}" if o.sample.date else "",
                    "kind": o.kind,
                    "courier": o.sample.courier or "",
                    "tracking": o.sample.tracking or "",
                }
                for o in samples
            ],
        }
        chosen.append((b, values))
    return chosen, skipped


def sender_of(book: Workbook, configured: str | None) -> dict[str, str]:
    """From: the config file's `[mail] from` / `[smtp] from`, else the Company sheet."""
    from email.utils import parseaddr

    from inquiry_cli.domain.quote import company_fields

    if configured:
        name, addr = parseaddr(configured)
        if "@" not in addr:
            raise InqError(f"config: from = {configured!r} is not an email address")
        return {"name": name or addr, "email": addr}
    company = company_fields(book)
    email = company.get("email")
    if not email or "@" not in str(email):
        raise ContractError(
            "no sender address: fill in Email in the Company sheet, or set from = in the "
            "config file's [mail] section"
        )
    return {"name": company.get("contact") or company.get("name") or email, "email": str(email)}
