"""Mail-outs (DOMAIN.md §4): an audience, a Jinja template per buyer, RFC 5322 mail, SMTP.

Templates live in `templates/mail/NAME.txt.j2` (a user's folder first, as for quotes);
the first line `Subject: ...` gives the subject, the rest is the plain-text body.
Buyers without a usable email are listed, never silently dropped; two buyer rows with
one email get one mail. Sending is output.smtp's job, .eml and .mbox files are
output.mailfiles'.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inquiry_cli.domain import model
from inquiry_cli.domain.countries import country_code, country_name
from inquiry_cli.domain.settings import Settings
from inquiry_cli.errors import ContractError, InqError, NotFound, UsageError
from inquiry_cli.workbook.read import Workbook

SHEETS = (
    "buyers", "inquiries", "contacts", "products", "samples", "events", "regions",
    "company", "settings",
)  # fmt: skip
# C0 (tab too), DEL and C1: never in a header (a CR or LF there could inject another).
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
    by_key = {}
    for b in buyers:
        for k in (b.buyer_id, (b.email or "").lower() or None):
            if k:
                by_key.setdefault(k, b)
    hits: set[str] = set()
    for i in model.load(book.get("inquiries"), model.Inquiry):
        if key in {p.upper() for p in model.split_list(i.product)}:
            b = by_key.get(i.buyer_id or "") or by_key.get((i.email or "").lower())
            if b is not None:
                hits.add(_ident(b))
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


def template_names(search_path: list[Path]) -> list[str]:
    """Mail templates the user can name: built-in and their own, without partials (_*)."""
    names: set[str] = set()
    for folder in search_path:
        for p in (folder / "mail").glob("*.txt.j2"):
            if not p.name.startswith("_"):
                names.add(p.name[: -len(".txt.j2")])
    return sorted(names)


def _env(search_path: list[Path]):
    from inquiry_cli.templating import environment

    return environment(search_path)


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
        if not r.get("name") or start is None:
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


def render(
    template: str,
    buyers: list[model.Buyer],
    ctx: Context,
    search_path: list[Path],
    subject: str | None = None,
) -> tuple[list[Mail], list[Skipped]]:
    """One Mail per buyer; buyers the template does not apply to are skipped with a reason."""
    import jinja2

    from inquiry_cli.templating import render as render_template
    from inquiry_cli.templating import restore_breaks, wrap_text

    env = _env(search_path)
    try:
        tmpl = env.get_template(f"mail/{template}.txt.j2")
    except jinja2.TemplateNotFound:
        names = template_names(search_path)
        raise UsageError(
            f"no mail template {template!r}: use one of {', '.join(names)} "
            "(or add templates/mail/NAME.txt.j2 beside the workbook)"
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise InqError(
            f"mail template {exc.filename or exc.name} line {exc.lineno}: {exc.message}"
        ) from None
    mails: list[Mail] = []
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
        # The inserted values' own line breaks stay marked until the Subject line is cut
        # off, so an event named over two lines still makes one subject (cleaned later).
        text = render_template(tmpl, values, "mail", template, keep_breaks=True)
        head, _, body = text.lstrip("\n").partition("\n")
        if not head.lower().startswith("subject:"):
            raise InqError(f"mail template {template} must start with a 'Subject: ...' line")
        mail_subject = subject or restore_breaks(head.split(":", 1)[1]).strip()
        body = restore_breaks(body).strip("\n")
        mails.append(Mail(b, b.email or "", mail_subject, wrap_text(body + "\n")))
    return mails, skipped


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


def header_text(value: str) -> tuple[str, str | None]:
    """`value` fit for a mail header (each run of control characters becomes a space),
    and what was cleaned ("line breaks", "control characters") or None.

    A CR or LF in a header is refused by the email package (a header could otherwise be
    injected: "Name\r\nBcc: ..."); other controls would reach the reader's screen."""
    found = "".join(_HEADER_CONTROLS.findall(value))
    if not found:
        return value, None
    kind = "line breaks" if set(found) <= {"\r", "\n"} else "control characters"
    return " ".join(_HEADER_CONTROLS.sub(" ", value).split()), kind


def build_messages(
    mails: list[Mail], sender: dict[str, str], company_name: str, now: dt.datetime, s: Settings
) -> list[str]:
    """Give each Mail its RFC 5322 message: From/To/Subject/Date/Message-ID, UTF-8 text.

    Header text is cleaned, never refused: the notes say whose ("Cleaned line breaks in
    the name of B0042 for the To: header"), and the mail-out goes on.
    """
    from email.message import EmailMessage
    from email.utils import format_datetime, formataddr
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from inquiry_cli.domain.intake.own import make_message_id

    try:
        when = now.replace(tzinfo=ZoneInfo(s.timezone))
    except (ZoneInfoNotFoundError, ValueError):
        raise ContractError(f"Settings: timezone {s.timezone!r} is not a time zone name") from None
    notes: list[str] = []
    domain = sender["email"].rsplit("@", 1)[1]
    display = sender["name"].split(",")[0].strip()  # "Lily Chen, Export Sales Manager"
    if company_name and company_name not in display:
        display = f"{display} ({company_name})"
    display, kind = header_text(display)
    if kind:
        notes.append(f"Cleaned {kind} in the sender's name for the From: header")
    cleaned_subjects: dict[tuple[str, str], list[str]] = {}
    for mail in mails:
        b = mail.buyer
        name, kind = header_text(b.name or b.company or "")
        if kind:
            whose = "name" if b.name else "company name"
            notes.append(f"Cleaned {kind} in the {whose} of {b.key} for the To: header")
        mail.subject, kind = header_text(mail.subject)
        if kind:
            cleaned_subjects.setdefault((kind, mail.subject), []).append(b.key)
        msg = EmailMessage()
        msg["From"] = formataddr((display, sender["email"]))
        msg["To"] = formataddr((name, mail.to))
        msg["Subject"] = mail.subject
        msg["Date"] = format_datetime(when)
        msg["Message-ID"] = make_message_id(domain, "mail", now)  # a reply to it is known
        msg["X-Mailer"] = "inq"
        cte = "7bit" if mail.body.isascii() else "quoted-printable"
        msg.set_content(mail.body, subtype="plain", charset="utf-8", cte=cte)
        mail.message = msg
    for (kind, _subject), keys in cleaned_subjects.items():
        whose = f"the mail to {keys[0]}" if len(keys) == 1 else f"{len(keys)} mails"
        notes.append(f"Cleaned {kind} in the subject of {whose} for the Subject: header")
    return notes
