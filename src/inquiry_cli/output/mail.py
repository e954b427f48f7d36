"""Mail composition: a Jinja template per buyer, then an RFC 5322 message for each.

Templates live in `templates/mail/NAME.txt.j2` (a user's folder first, as for quotes);
the first line `Subject: ...` gives the subject, the rest is the plain-text body. Header
text is cleaned of control characters, never refused, and the notes say whose.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inquiry_cli.domain import model
from inquiry_cli.domain.mailing import Mail
from inquiry_cli.domain.settings import Settings
from inquiry_cli.errors import ContractError, InqError, UsageError

# C0 (tab too), DEL and C1: never in a header (a CR or LF there could inject another).
_HEADER_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]+")


def template_names(search_path: list[Path]) -> list[str]:
    """Mail templates the user can name: built-in and their own, without partials (_*)."""
    names: set[str] = set()
    for folder in search_path:
        for p in (folder / "mail").glob("*.txt.j2"):
            if not p.name.startswith("_"):
                names.add(p.name[: -len(".txt.j2")])
    return sorted(names)


def _env(search_path: list[Path]):
    from inquiry_cli.output.templating import environment

    return environment(search_path)


def render(
    template: str,
    chosen: list[tuple[model.Buyer, dict[str, Any]]],
    search_path: list[Path],
    subject: str | None = None,
    tick: Callable[[], None] | None = None,
) -> list[Mail]:
    """One Mail per buyer from the template and that buyer's values (mailing.mail_values)."""
    import jinja2

    from inquiry_cli.output.templating import render as render_template
    from inquiry_cli.output.templating import restore_breaks, wrap_text

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
    for b, values in chosen:
        if tick is not None:
            tick()
        # The inserted values' own line breaks stay marked until the Subject line is cut
        # off, so an event named over two lines still makes one subject (cleaned later).
        text = render_template(tmpl, values, "mail", template, keep_breaks=True)
        head, _, body = text.lstrip("\n").partition("\n")
        if not head.lower().startswith("subject:"):
            raise InqError(f"mail template {template} must start with a 'Subject: ...' line")
        mail_subject = subject or restore_breaks(head.split(":", 1)[1]).strip()
        body = restore_breaks(body).strip("\n")
        mails.append(Mail(b, b.email or "", mail_subject, wrap_text(body + "\n")))
    return mails


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
    mails: list[Mail],
    sender: dict[str, str],
    company_name: str,
    now: dt.datetime,
    s: Settings,
    tick: Callable[[], None] | None = None,
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
        if tick is not None:
            tick()
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
