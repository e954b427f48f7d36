"""inq's own Message-IDs: every mail inq writes carries one, so a reply to it is known.

The form is `<inq.KIND.YYYYMMDDTHHMMSS.TOKEN@DOMAIN>` on the Company email's domain:
a reply's In-Reply-To or References naming one answers a mail inq wrote (a mail-out, a
quote), even when the contact it logged is not found; an auto-reply to one is skipped.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

_OWN = re.compile(r"^<inq\.([a-z-]+)\.(\d{8}T\d{6})\.([0-9a-z]+)@([^<>@\s]+)>$", re.I)


def make_message_id(domain: str, kind: str, when: dt.datetime, token: str | None = None) -> str:
    """A new Message-ID of inq's form for a mail of `kind` ('mail', 'quote') sent `when`."""
    token = token or secrets.token_hex(6)
    return f"<inq.{kind}.{when:%Y%m%dT%H%M%S}.{token}@{domain.strip().lower()}>"


def is_own(message_id: str | None) -> bool:
    return bool(message_id and _OWN.match(message_id.strip()))


def own_kind(message_id: str) -> str | None:
    """'mail' or 'quote' for one of inq's Message-IDs, else None."""
    m = _OWN.match(message_id.strip())
    return m[1].lower() if m else None
