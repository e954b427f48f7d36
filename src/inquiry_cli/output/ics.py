"""The due list as an iCalendar file that Outlook and Google Calendar import."""

from __future__ import annotations

import datetime as dt
import hashlib


def ics_bytes(items, now: dt.datetime) -> bytes:
    """One event per item: replies at their deadline, follow-ups as all-day events."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//inq//export sales follow-ups//EN")
    cal.add("version", "2.0")
    for item in items:
        b = item.buyer
        who = b.label if b else (item.inquiry.email if item.inquiry else "buyer")
        event = Event()
        if item.kind == "reply":
            ident = item.inquiry.inquiry_id or f"row {item.inquiry.row}"
            event.add("summary", f"Reply to {who} ({ident}) by {item.via.name}")
            start = max(item.due_at, now) if item.late else item.due_at
            event.add("dtstart", start)
            event.add("dtend", start + dt.timedelta(minutes=30))
        else:
            event.add("summary", f"Follow up {who} by {item.via.name}")
            day = max(item.due_at.date(), now.date())
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
        lines = [item.detail]
        if b is not None:
            lines += [x for x in (b.email, b.phone, b.country) if x]
        if item.products:
            lines.append("Products: " + ", ".join(item.products))
        if item.last_contact and item.last_contact.summary:
            lines.append(f"Last contact: {item.last_contact.summary}")
        event.add("description", "\n".join(lines))
        key = f"{item.kind}|{b.key if b else ''}|{item.inquiry.row if item.inquiry else ''}"
        event.add("uid", hashlib.sha1(key.encode()).hexdigest() + "@inq")
        event.add("dtstamp", now)
        cal.add_component(event)
    return cal.to_ical()
