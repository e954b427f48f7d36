"""The plain record one message becomes: what it is, who sent it, what they asked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# What a message is, as classify() sees it without the workbook:
INQUIRY = "inquiry"  # a platform's inquiry notification
EMAIL = "email"  # a buyer's own mail: an inquiry, or a reply in a thread (the workbook says)
CHAT = "chat"  # one message of a WhatsApp chat export
SKIP = "skip"  # a newsletter, an auto-reply, a platform notice, your own mail
DAMAGED = "damaged"  # cannot be read as a message


@dataclass
class Intake:
    """One message, understood: plain fields for the recording step."""

    source: str  # where it came from, as the user sees it: a file, mbox#3, imap:INBOX/17
    kind: str
    channel: str = "email"  # alibaba, made-in-china, global-sources, hktdc, email, whatsapp
    reason: str = ""  # why skipped, or how it was recognised
    message_id: str | None = None
    received: dt.datetime | None = None  # the Date header, time-zone aware
    subject: str = ""
    sender: str = ""  # the From address, as it came (maybe a platform's relay)
    name: str | None = None
    company: str | None = None
    email: str | None = None  # the buyer's own address (never a relay)
    email_domain: str | None = None  # when the platform gives only the domain (HKTDC)
    phone: str | None = None
    country: str | None = None
    product: str | None = None
    quantity: float | None = None
    unit: str | None = None
    message: str = ""
    attachments: list[str] = field(default_factory=list)
    in_reply_to: list[str] = field(default_factory=list)  # In-Reply-To, then References
    quote_no: str | None = None  # a QT number in a reply's subject
    is_reply: bool = False  # a "Re:" subject or an In-Reply-To header
    direction: str = "in"  # chats: who wrote it
    notes: list[str] = field(default_factory=list)  # what the reader noticed on the way

    @property
    def recorded(self) -> bool:
        return self.kind in (INQUIRY, EMAIL, CHAT)
