"""A mail-out's record: which buyers already had it, and logging what went out in Contacts.

Each mail that went out is a `Sent` (kept in the journal the moment it left, see
output/journal.py) and becomes one outgoing email contact "Mail-out (TEMPLATE): SUBJECT".
A buyer "already mailed" a mail-out has such a contact, or a journal line, with the same
template and the same subject in the last RECENT_DAYS days: the subject carries what
dates a mail-out (the greeting's occasion, the trade show, the newsletter's month, the
samples asked about), and after a month the same subject is a new round (next year's
greeting, the next new-products mail), not a double.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from inquiry_cli.contract.records import Workbook
from inquiry_cli.domain import model
from inquiry_cli.domain.linking import buyer_keys, group_by_buyer, link_names, records_of

RECENT_DAYS = 30
# A contact logged for a journal line carries the line's time; Excel keeps times to the
# millisecond, so "the same time" is within a second.
SAME_TIME = dt.timedelta(seconds=1)


def summary_of(template: str, subject: str) -> str:
    """The Contacts summary of a mail-out: how a later run recognises it."""
    return f"Mail-out ({template}): {subject}".strip()


@dataclass(frozen=True)
class Sent:
    """One mail that went out (sent, or written as a file)."""

    template: str
    subject: str
    buyer_id: str | None
    email: str
    message_id: str
    at: dt.datetime

    @property
    def summary(self) -> str:
        return summary_of(self.template, self.subject)

    @property
    def keys(self) -> list[str]:
        return [k for k in (self.buyer_id, self.email.lower() or None) if k]

    @classmethod
    def of(cls, mail: Any, template: str, at: dt.datetime) -> Sent:
        """From a rendered domain.mailing.Mail with its message."""
        b = mail.buyer
        return cls(template, mail.subject, b.buyer_id, mail.to, str(mail.message["Message-ID"]), at)


def _contacts_by_buyer(book: Workbook) -> dict[str, list[model.Contact]]:
    link_names(book)
    return group_by_buyer(model.load(book.get("contacts"), model.Contact))


def already_mailed(
    book: Workbook, mails: list, template: str, journal: list[Sent], now: dt.datetime
) -> tuple[list, list]:
    """(mails still to go, mails whose buyer had this one lately), by Contacts and journal."""
    since = now - dt.timedelta(days=RECENT_DAYS)
    contacts = _contacts_by_buyer(book)
    journaled: dict[str, set[str]] = {}
    for s in journal:
        if s.at >= since:
            for k in s.keys:
                journaled.setdefault(k, set()).add(s.summary)
    todo, done = [], []
    for mail in mails:
        summary = summary_of(template, mail.subject)
        keys = buyer_keys(mail.buyer)
        logged = any(
            (c.summary or "").strip() == summary and c.date is not None and c.date >= since
            for c in records_of(contacts, mail.buyer)
        )
        if logged or any(summary in journaled.get(k, ()) for k in keys):
            done.append(mail)
        else:
            todo.append(mail)
    return todo, done


def in_contacts(book: Workbook, journal: list[Sent]) -> tuple[list[Sent], list[Sent]]:
    """(journal lines Contacts lacks, lines already logged there): a run killed after its
    write to the workbook but before marking its lines done leaves the second kind."""
    contacts = _contacts_by_buyer(book)
    missing: list[Sent] = []
    logged: list[Sent] = []
    for s in journal:
        rows = {id(c): c for k in s.keys for c in contacts.get(k, [])}.values()
        hit = any(
            (c.summary or "").strip() == s.summary
            and c.date is not None
            and abs(c.date - s.at) <= SAME_TIME
            for c in rows
        )
        (logged if hit else missing).append(s)
    return missing, logged


def log_sent(book: Workbook, sent: list[Sent], line: str | None = None) -> Any:
    """Every mail as an outgoing email contact at its time, in one change set
    (recording.Outcome); buyers are found afresh in `book` by Buyer ID, else email."""
    from inquiry_cli.contract.changes import ChangeSet
    from inquiry_cli.domain import recording

    buyers: dict[str, model.Buyer] = {}
    for b in model.load(book.get("buyers"), model.Buyer):
        for k in buyer_keys(b):
            buyers.setdefault(k, b)
    changes = ChangeSet()
    out = recording.Outcome(changes)
    for s in sent:
        buyer = next((buyers[k] for k in s.keys if k in buyers), None)
        if buyer is None:  # deleted since: the contact is still logged, by ID and email
            buyer = model.Buyer(row=0, buyer_id=s.buyer_id, email=s.email)
        logged = recording.log_outgoing(
            book,
            buyer,
            channel_name="email",
            summary=s.summary,
            next_step=None,
            when=s.at,
            changes=changes,
            message_id=s.message_id or None,  # so a reply to the mail-out is known (intake)
        )
        out.warnings += [w for w in logged.warnings if w not in out.warnings]
    n = len(sent)
    out.lines.append(line or f"Logged {n} mail{'s' if n != 1 else ''} as contacts in Contacts")
    return out
