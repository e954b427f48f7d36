"""Recognise what a mail is and read it: a platform's inquiry, a buyer's own mail, or a skip.

The order matters and follows what a careful reader does: a mail from yourself, a
delivery failure and an auto-reply are never inquiries, whoever they seem to come from;
a platform's notification is read by that platform's rules (it may carry List-Unsubscribe
like any bulk mail); other bulk mail is a newsletter; the rest is a buyer writing.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import re
from dataclasses import dataclass

from inquiry_cli.domain.intake import extract, mime, own
from inquiry_cli.domain.intake.records import DAMAGED, EMAIL, INQUIRY, SKIP, Intake
from inquiry_cli.domain.intake.rules import Platform, Rules, is_bounce_sender

# Top-level domains that say nothing about where a company is.
GENERIC_TLDS = frozenset("com net org info biz io ai co me tv cc app xyz online shop store".split())
_ROLE_NAMES = frozenset("info sales purchase purchasing procurement admin office contact".split())


@dataclass(frozen=True)
class Own:
    """Who "you" are: mail from these is never a buyer's."""

    addresses: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()


_CONTROL = {c: None for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if c not in (9, 10)}
_TEXT_FIELDS = ("subject", "name", "company", "phone", "country", "product", "message")


def _plain(it: Intake) -> Intake:
    """Mail text as data: control characters (terminal escapes, bells) dropped from every
    field that reaches the workbook or the screen."""
    for key in _TEXT_FIELDS:
        value = getattr(it, key)
        if value:
            setattr(it, key, value.translate(_CONTROL))
    it.attachments = [a.translate(_CONTROL) for a in it.attachments]
    return it


def read_mail(
    data: bytes,
    source: str,
    rules: Rules,
    me: Own,
    fallback_date: dt.datetime | None = None,
) -> Intake:
    """One message's bytes, understood (never raises for a damaged message: kind DAMAGED)."""
    return _plain(_read(data, source, rules, me, fallback_date))


def _read(
    data: bytes, source: str, rules: Rules, me: Own, fallback_date: dt.datetime | None
) -> Intake:
    if not data or not data.strip():
        return Intake(source, DAMAGED, reason="empty file")
    msg = mime.parse(data)
    if not msg.keys():
        return Intake(source, DAMAGED, reason="no mail headers")
    display, sender = mime.address(msg, "From")
    if not sender:
        return Intake(source, DAMAGED, reason="no sender address (From header)")
    received = _date(msg) or fallback_date
    if received is None:
        return Intake(source, DAMAGED, reason="no readable Date header")
    subject = mime.header(msg, "Subject")
    plain, html, files = mime.bodies(msg)
    it = Intake(
        source,
        EMAIL,
        message_id=_message_id(msg, sender, subject, plain or html),
        received=received,
        subject=subject,
        sender=sender,
        attachments=files,
    )
    common = rules.common
    threads = mime.message_ids(msg.get("In-Reply-To", "")) + mime.message_ids(
        msg.get("References", "")
    )
    it.in_reply_to = list(dict.fromkeys(threads))
    prefixed = bool(common.reply_prefix.match(subject))
    it.is_reply = prefixed or bool(msg.get("In-Reply-To"))
    if prefixed:
        qt = common.quote_number.search(subject)
        it.quote_no = qt[0].upper() if qt else None

    domain = sender.rsplit("@", 1)[1]
    if sender in me.addresses or domain in me.domains:
        return _skip(it, "sent from your own address")
    if (
        is_bounce_sender(common, sender)
        or msg.get_content_type() == "multipart/report"
        or any(p.search(subject) for p in common.bounce_subjects)
    ):
        return _skip(it, "delivery failure report")
    auto = _autoreply(msg, subject, rules)
    if auto:
        answered = " to your mail" if any(own.is_own(x) for x in it.in_reply_to) else ""
        return _skip(it, f"auto-reply{answered} ({auto})")
    platform = rules.platform_of(sender)
    if platform is not None and _relayed_person(display):
        # a buyer's own words through the platform's relay: read as their mail
        it = _direct_mail(it, _via(display), plain or mime.html_text(html), rules)
        it.channel = platform.channel
        return it
    if platform is not None:
        return _platform_mail(it, platform, display, plain, html, rules)
    bulk = _bulk(msg)
    if bulk:
        return _skip(it, f"newsletter or bulk mail ({bulk})")
    return _direct_mail(it, display, plain or mime.html_text(html), rules)


def _skip(it: Intake, reason: str) -> Intake:
    it.kind, it.reason = SKIP, reason
    return it


def _date(msg) -> dt.datetime | None:
    """The Date header, time-zone aware (-0000 and no zone read as UTC); else the newest
    Received header's date."""
    candidates = [msg.get("Date")]
    candidates += [
        str(r).rsplit(";", 1)[-1] for r in msg.get_all("Received") or [] if ";" in str(r)
    ]
    for raw in candidates:
        if not raw:
            continue
        try:
            value = email.utils.parsedate_to_datetime(str(raw).strip())
        except (TypeError, ValueError, IndexError):
            continue
        if value is None:
            continue
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value
    return None


def _message_id(msg, sender: str, subject: str, body: str) -> str:
    """The Message-ID; a mail without one gets a stable stand-in made of what it says."""
    found = mime.message_ids(str(msg.get("Message-ID", "")))
    if found:
        return found[0]
    stamp = str(msg.get("Date", "")).strip()
    digest = hashlib.sha256(
        "\n".join((sender, stamp, subject, re.sub(r"\s+", " ", body)[:4000])).encode()
    ).hexdigest()
    return f"<no-id.{digest[:24]}@inq.invalid>"


def _autoreply(msg, subject: str, rules: Rules) -> str:
    auto = str(msg.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if msg.get(name) is not None:
            return name
    if str(msg.get("Precedence", "")).strip().lower() == "auto_reply":
        return "Precedence: auto_reply"
    if any(p.search(subject) for p in rules.common.autoreply_subjects):
        return f"subject {subject!r}"
    return ""


def _bulk(msg) -> str:
    if msg.get("List-Unsubscribe") is not None:
        return "List-Unsubscribe"
    precedence = str(msg.get("Precedence", "")).strip().lower()
    if precedence in ("bulk", "list", "junk"):
        return f"Precedence: {precedence}"
    if msg.get("List-Id") is not None:
        return "List-Id"
    return ""


# ---------------------------------------------------------------- a platform's notification


def _platform_mail(
    it: Intake, p: Platform, display: str, plain: str, html: str, rules: Rules
) -> Intake:
    it.channel = p.channel
    html_plain = mime.html_text(html)
    text = plain or html_plain
    fields = extract.from_pairs(mime.html_pairs(html), p)
    for source in (plain, html_plain):
        for key, value in extract.labelled(source, p).items():
            fields.setdefault(key, value)
    message = fields.get("message") or ""
    message = extract.tidy_message(message, p) if message else ""
    if not message:
        message = extract.message_block(text, p) or extract.message_block(html_plain, p)
    about = fields.get("name") or fields.get("company") or fields.get("product")
    if not message and not fields and it.is_reply:  # a buyer's answer, relayed
        it = _direct_mail(it, _via(display), text, rules)
        it.channel = p.channel
        return it
    if not message and (
        any(x.search(it.subject) for x in p.notice_subjects)
        or not (about and any(x.search(it.subject) for x in p.inquiry_subjects))
    ):
        return _skip(it, f"{p.title} notice, not an inquiry")
    it.kind, it.reason = INQUIRY, f"{p.title} inquiry"
    body = extract.split_body(message, rules.common)
    it.message = body.message or message
    it.name = _clean(fields.get("name"))
    it.company = _clean(fields.get("company"))
    _platform_email(it, fields.get("email"), p, rules)
    it.phone = _clean(fields.get("phone")) or extract.signature_phone(body.signature, rules.common)
    it.country = _country(fields.get("country")) or _country_of_phone(it.phone)
    it.product = _clean(fields.get("product"))
    qty = fields.get("quantity")
    it.quantity, it.unit = extract.quantity(qty, labelled_value=True)
    if it.quantity is None:
        it.quantity, it.unit = extract.quantity(it.message)
    if qty and it.quantity is not None and not extract.unit_is_pieces(it.unit):
        it.message = f"Quantity: {qty.strip()}\n{it.message}".strip()
    return it


def _platform_email(it: Intake, value: str | None, p: Platform, rules: Rules) -> None:
    """The buyer's email as the platform shows it: whole, masked (j***@acme.com), or only
    its domain; a relay address of any platform is never taken."""
    value = (value or "").strip().lower()
    found = re.search(r"[\w.%+'*-]+@([\w-]+(?:\.[\w-]+)+)", value)
    if found and "*" not in found[0] and not p.hides_email and not rules.is_relay(found[0]):
        it.email = found[0]
        return
    if found and not rules.is_relay(found[0]):
        it.email_domain = found[1]
        return
    bare = re.fullmatch(r"@?((?:[\w-]+\.)+[a-z]{2,})", value)
    if bare and not rules.is_relay(f"x@{bare[1]}"):
        it.email_domain = bare[1]


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = re.sub(r"\s+", " ", value).strip(" \t-–|")
    return value or None


def _country(value: str | None) -> str | None:
    """A country as the Buyers sheet writes it (English name), from what the platform says:
    'AE', 'Dubai, United Arab Emirates', 'Germany (DE)'."""
    from inquiry_cli.domain.countries import country_code, country_name

    value = _clean(value)
    if not value:
        return None
    for part in (value, *reversed(re.split(r"[,/()|-]", value))):
        code = country_code(part.strip()) if part.strip() else None
        if code:
            return country_name(code)
    return value


def _country_of_phone(phone: str | None) -> str | None:
    if not phone or not phone.strip().startswith(("+", "00")):
        return None
    import phonenumbers

    from inquiry_cli.domain.countries import country_name

    text = "+" + phone.strip()[2:] if phone.strip().startswith("00") else phone
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(text, None))
    except phonenumbers.NumberParseException:
        return None
    return country_name(region) if region and region != "ZZ" else None


def _country_of_domain(address: str | None) -> str | None:
    from inquiry_cli.domain.countries import country_code, country_name

    if not address or "@" not in address:
        return None
    tld = address.rsplit(".", 1)[-1].lower()
    if tld in GENERIC_TLDS or len(tld) != 2:
        return None
    code = country_code(tld)
    return country_name(code) if code else None


# ---------------------------------------------------------------- a buyer's own mail


def _direct_mail(it: Intake, display: str, text: str, rules: Rules) -> Intake:
    common = rules.common
    body = extract.split_body(text, common)
    it.message = body.message
    if rules.is_relay(it.sender):
        it.notes.append(f"{it.sender} is a platform's relay address: not kept as the email")
    else:
        it.email = it.sender
    it.name = _person(display, it.sender) or extract.signature_name(body.signature)
    it.company = extract.signature_company(body.signature, common)
    it.phone = extract.signature_phone(body.signature, common)
    it.country = _country_of_phone(it.phone) or _country_of_domain(it.email)
    it.quantity, it.unit = extract.quantity(it.message)
    it.reason = "reply" if it.is_reply else "email"
    return it


def _relayed_person(display: str) -> bool:
    """'Matías Soto via Alibaba.com': a person writing through the platform's relay."""
    return " via " in f" {display.casefold()} "


def _via(display: str) -> str:
    return re.split(r"\s+via\s+", display, maxsplit=1, flags=re.I)[0].strip()


def _person(display: str, address: str) -> str | None:
    """The display name when it names a person, not 'sales@x.com' or 'Purchasing'."""
    name = _clean(display.strip("'\" "))
    if not name or "@" in name:
        return None
    if name.casefold() in _ROLE_NAMES or name.casefold() == address.split("@")[0].casefold():
        return None
    return name
