"""`inq log`: record a contact; Last contact follows, an outgoing one marks inquiries replied."""

from __future__ import annotations

import datetime as dt

from inquiry_cli.contract.changes import CellValue, ChangeSet
from inquiry_cli.contract.records import Workbook
from inquiry_cli.domain import model
from inquiry_cli.domain.linking import link_names
from inquiry_cli.domain.recording.common import (
    Outcome,
    advance_last_contact,
    append_row,
    channel,
    follow_up_done,
    own_cell,
    reply_value,
    resolve_buyer,
    say_taken,
    set_cell,
)
from inquiry_cli.domain.recording.inquiry_rows import one_sheet
from inquiry_cli.errors import UsageError


def check_contact(channel_name: str, summary: str, when: dt.datetime, now: dt.datetime) -> str:
    """The contact's channel, after refusing an empty summary or a date in the future."""
    if not summary or not summary.strip():
        raise UsageError("the summary is empty: say in a few words what was said (--summary)")
    if when > now + dt.timedelta(minutes=5):
        raise UsageError(f"{when:%Y-%m-%d %H:%M} is in the future: log a contact once it happened")
    return channel(channel_name)


def log_contact(
    book: Workbook,
    who: str,
    *,
    channel_name: str,
    summary: str,
    direction: str,
    when: dt.datetime,
    next_step: str | None,
    now: dt.datetime,
    changes: ChangeSet | None = None,
    buyer: model.Buyer | None = None,
) -> Outcome:
    """A contact row, the buyer's Last contact, and a reply marked on open inquiries.

    Reads the buyer's Inquiries rows from `book` (a partial table of them is enough).
    """
    chan = check_contact(channel_name, summary, when, now)
    buyers = book.table("buyers")
    match = None
    if buyer is None:
        match = resolve_buyer(buyers, who)
        buyer = match.buyer
    changes = changes or ChangeSet()
    out = Outcome(changes, buyer=buyer)
    if match is not None:
        say_taken(out, who, match)
    values: dict[str, CellValue] = {
        "date": when,
        "buyer_id": buyer.buyer_id,
        "email": None if buyer.buyer_id else buyer.email,
        "channel": chan,
        "direction": direction,
        "summary": summary.strip(),
        "next_step": next_step.strip() if next_step else None,
    }
    contacts = book.get("contacts")
    if contacts is not None and contacts.has("email") and not contacts.has("buyer_id"):
        values["email"] = buyer.email
    append_row(book, "contacts", values, changes, out)
    if contacts is None and one_sheet(book):
        out.lines.append(
            f"(Your {buyers.name} sheet keeps one row per inquiry, so contacts go on a "
            "Contacts sheet of their own, where `inq lookup` and `inq due` read them; the "
            "buyer's latest row gets the note and the dates)"
        )
    out.lines.append(
        f"Logged {direction} {chan} contact with {buyer.key} {buyer.label} on {when:%Y-%m-%d %H:%M}"
    )
    advance_last_contact(buyers, buyer, when, changes, out)  # an existing row: in place
    follow_up_done(book, buyer, when, now, changes, out)
    if one_sheet(book):
        note_contact(book, buyer, f"{when:%Y-%m-%d} {chan}: {summary.strip()}", changes, out)
    if direction == "out":
        mark_replied(book, buyer, when, changes, out)
    return out


def mark_replied(
    book: Workbook, buyer: model.Buyer, when: dt.datetime, changes: ChangeSet, out: Outcome
) -> None:
    """An answer to the buyer at `when` replies to their open inquiries received by then."""
    link_names(book)
    inquiries = book.get("inquiries")
    said = reply_value(inquiries, when) if inquiries is not None else when
    answered = [
        inq
        for inq in model.load(inquiries, model.Inquiry, model.rows_of(inquiries, buyer))
        if inq.replied is None and inq.is_open and not (inq.received and inq.received > when)
    ]
    if inquiries is not None and answered and not inquiries.has("replied"):
        n = len(answered)
        out.warnings.append(
            f"{inquiries.name} has no Replied column: {n} inquir{'ies' if n > 1 else 'y'} "
            "not marked replied"
        )
        return
    for inq in answered:
        if spot := set_cell(inquiries, inq.row, "replied", said, changes, out):
            ident = inq.inquiry_id or f"row {inq.row}"
            out.tell(f"Inquiry {ident} marked replied at {when:%Y-%m-%d %H:%M}", spot)


def note_contact(
    book: Workbook, buyer: model.Buyer, note: str, changes: ChangeSet, out: Outcome
) -> None:
    """On a sheet of one row per inquiry, the buyer's latest row keeps the follow-up note:
    the contact is added after what the row's note already says (never over it)."""
    buyers = book.table("buyers")
    if not buyers.writable("notes"):
        return
    raw = own_cell(book, buyer.row, "notes")
    old = str(raw).strip() if raw not in (None, "") else ""
    set_cell(buyers, buyer.row, "notes", f"{old}; {note}" if old else note, changes, out)


def log_outgoing(
    book: Workbook,
    buyer: model.Buyer,
    *,
    channel_name: str,
    summary: str,
    next_step: str | None,
    when: dt.datetime,
    changes: ChangeSet,
    direction: str = "out",
    message_id: str | None = None,
) -> Outcome:
    """A contact row and the buyer's Last contact, added to `changes`; unlike log_contact
    it never marks inquiries replied (a mail-out or a sample is not a reply). The mail's
    Message-ID, when given, lets a reply to it be recognised (intake)."""
    chan = channel(channel_name)
    buyers = book.table("buyers")
    out = Outcome(changes, buyer=buyer)
    values: dict[str, CellValue] = {
        "date": when,
        "buyer_id": buyer.buyer_id,
        "email": buyer.email,
        "channel": chan,
        "direction": direction,
        "summary": summary.strip(),
        "next_step": next_step.strip() if next_step else None,
        "message_id": message_id,
    }
    contacts = book.get("contacts")
    for key in ("buyer_id", "email", "message_id"):  # what the sheet has, without a warning
        if contacts is not None and not contacts.has(key):
            values[key] = None
    append_row(book, "contacts", values, changes, out)
    if buyers.writable("last_contact"):  # (no warning when the sheet has none)
        advance_last_contact(buyers, buyer, when, changes, out)
    follow_up_done(book, buyer, when, when, changes, out, tell=False)
    return out
