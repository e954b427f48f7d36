"""WhatsApp "Export chat" texts (Android and iOS, day- or month-first) as messages.

Android writes `27/11/2026, 09:15 - Name: text`, iOS `[27/11/2026, 09:15:22] Name: text`,
either with the phone's date order and 12- or 24-hour clock. The order is read from the
chat itself: the one in which the dates are possible and never go back in time. The buyer
is the participant shown as a phone number (an unsaved contact), or the number in the
export's title ("WhatsApp Chat with +971 50 357 2380"); their lines are incoming, the
rest outgoing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from inquiry_cli.domain.intake.records import CHAT, Intake

_LINE = re.compile(
    r"^[\u200e\u200f\ufeff]*\[?(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4}),?\s+"
    r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*([AaPp]\.?\s?[Mm]\.?)?\]?\s*(?:[-–]\s+)?(.*)$"
)
_SENDER = re.compile(r"^([^:]{1,80}?):\s(.*)$", re.S)
_PHONE_NAME = re.compile(r"^[\u202a\u202c\u200e+\d\s().\-]{8,}$")
_TITLE_PHONE = re.compile(r"(\+\d[\d\s().\-]{6,}\d)")


_CONTROL = {c: None for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if c not in (9, 10)}


class ChatError(ValueError):
    """A chat export inq cannot read as it stands: the message says why."""


@dataclass
class _Raw:
    a: int
    b: int
    c: int
    hour: int
    minute: int
    second: int
    ampm: str | None
    rest: str


def looks_like_chat(text: str) -> bool:
    """Whether a text file is a chat export: its first dated lines have a sender."""
    hits = 0
    for line in text.splitlines()[:20]:
        m = _LINE.match(line)
        if m and _SENDER.match(m[8] or ""):
            hits += 1
    return hits >= 1


def parse_chat(
    text: str, source: str, title: str, tz: str, date_order: str | None = None
) -> list[Intake]:
    """Every message of the chat, oldest first, as a CHAT record with its direction."""
    raws: list[_Raw] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        m = _LINE.match(line)
        if m:
            raws.append(
                _Raw(
                    int(m[1]),
                    int(m[2]),
                    int(m[3]),
                    int(m[4]),
                    int(m[5]),
                    int(m[6] or 0),
                    m[7],
                    m[8],
                )
            )
        elif raws and line.strip():
            raws[-1].rest += "\n" + line
    if not raws:
        raise ChatError("no dated chat lines")
    order = date_order or _order(raws)
    zone = ZoneInfo(tz)
    messages: list[tuple[dt.datetime, str, str]] = []
    for r in raws:
        m = _SENDER.match(r.rest)
        if m is None:  # "Messages and calls are end-to-end encrypted", "X added Y"
            continue
        when = _when(r, order)
        if when is None:
            raise ChatError(f"impossible date in {r.a}/{r.b}/{r.c}")
        text = m[2].strip().translate(_CONTROL)  # data, never a terminal escape
        messages.append((when.replace(tzinfo=zone), m[1].strip(" \u202a\u202c\u200e"), text))
    senders = list(dict.fromkeys(s for _, s, _ in messages))
    buyer = next((s for s in senders if _PHONE_NAME.match(s)), None)
    number = buyer
    if number is None:
        found = _TITLE_PHONE.search(title)
        if found is None:
            shown = ", ".join(senders[:3]) or "nobody"
            raise ChatError(
                f"no phone number in the chat (participants: {shown}): rename the file "
                "'WhatsApp Chat with +<number>.txt' so inq knows whose chat it is"
            )
        number = found[1]
        others = [s for s in senders if s.casefold() in title.casefold()]
        buyer = others[0] if others else None
    out: list[Intake] = []
    seen: dict[tuple, int] = {}
    for when, sender, body in messages:
        incoming = sender == buyer if buyer is not None else False
        # "ok" twice in one minute is two messages: the count keeps their ids apart
        n = seen[(when, sender, body)] = seen.get((when, sender, body), 0) + 1
        digest = hashlib.sha256(f"{sender}\n{body}\n{n}".encode()).hexdigest()[:12]
        digits = re.sub(r"\D", "", number)
        out.append(
            Intake(
                source,
                CHAT,
                channel="whatsapp",
                reason="WhatsApp message",
                message_id=f"<wa.{digits}.{when:%Y%m%dT%H%M%S}.{digest}@whatsapp.invalid>",
                received=when,
                sender=sender,
                phone=number.strip(),
                name=sender if incoming and not _PHONE_NAME.match(sender) else None,
                message=body,
                direction="in" if incoming else "out",
            )
        )
    return out


def _order(raws: list[_Raw]) -> str:
    """'ymd', 'dmy' or 'mdy': the reading in which every date exists and none goes back."""
    if all(r.a > 31 for r in raws):
        return "ymd"
    fits = []
    for order in ("dmy", "mdy"):
        found = [_when(r, order) for r in raws]
        times = [t for t in found if t is not None]
        if len(times) == len(found) and all(a <= b for a, b in itertools.pairwise(times)):
            fits.append(order)
    if len(fits) == 1:
        return fits[0]
    if not fits:
        raise ChatError("its dates read neither day-first nor month-first in order")
    raise ChatError(
        "cannot tell whether its dates are day-first or month-first: "
        "give --date-order dmy or --date-order mdy"
    )


def _when(r: _Raw, order: str) -> dt.datetime | None:
    if order == "ymd":
        y, mo, d = r.a, r.b, r.c
    elif order == "dmy":
        d, mo, y = r.a, r.b, r.c
    else:
        mo, d, y = r.a, r.b, r.c
    if y < 100:
        y += 2000
    hour = r.hour
    if r.ampm:
        pm = r.ampm.lower().startswith("p")
        if hour == 12:
            hour = 0
        if pm:
            hour += 12
    try:
        return dt.datetime(y, mo, d, hour, r.minute, r.second)
    except ValueError:
        return None
