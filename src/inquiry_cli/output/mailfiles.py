"""Mail-outs as files: one .eml per mail, or one .mbox, each written through the gate."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable, Iterable
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

from inquiry_cli.output import files


def eml_bytes(message: EmailMessage) -> bytes:
    """The message as an .eml file: CRLF line ends, as RFC 5322 wants."""
    from email import policy

    return message.as_bytes(policy=policy.SMTP)


def mbox_bytes(messages: Iterable[EmailMessage]) -> bytes:
    """An mbox file, as Python's mailbox module writes one: a `From ` line before each
    message, body lines starting with "From " quoted as ">From ", a blank line between.

    Built in memory (mailbox.mbox writes in place, which the gate forbids).
    """
    from email.generator import BytesGenerator

    out = io.BytesIO()
    for msg in messages:
        if out.tell():
            out.write(b"\n")
        out.write(_from_line(msg) + b"\n")
        body = io.BytesIO()
        BytesGenerator(body, mangle_from_=True, maxheaderlen=0).flatten(msg)
        data = body.getvalue().replace(b"\r\n", b"\n")
        out.write(data if data.endswith(b"\n") else data + b"\n")
    return out.getvalue()


def _from_line(msg: EmailMessage) -> bytes:
    sender = parseaddr(str(msg.get("From", "")))[1] or "MAILER-DAEMON"
    try:
        when = parsedate_to_datetime(str(msg["Date"])).timestamp()
    except (TypeError, ValueError):
        when = time.time()
    return f"From {sender} {time.asctime(time.gmtime(when))}".encode("ascii", "replace")


def eml_names(keys: Iterable[str]) -> list[str]:
    """A file name per mail from the buyer's key, unique even where case does not count."""
    import re

    names: list[str] = []
    seen: set[str] = set()
    for key in keys:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", key.replace("@", "_at_")).strip(".") or "mail"
        name, n = f"{stem}.eml", 1
        while name.casefold() in seen:
            n += 1
            name = f"{stem}-{n}.eml"
        seen.add(name.casefold())
        names.append(name)
    return names


def check_folder(folder: Path, *, workbook: Path) -> None:
    """The folder for .eml files: refused where the gate refuses files (before any work)."""
    files.refuse_protected(folder, workbook=workbook)
    if os.path.lexists(folder) and not folder.is_dir():
        raise files.refuse(folder, "that is a file, not a folder: name a folder for the mails")


def write_eml(
    messages: list[EmailMessage],
    names: list[str],
    folder: Path,
    *,
    workbook: Path,
    force: bool = False,
    written: Callable[[int], None] | None = None,
) -> list[Path]:
    """One .eml per message in `folder` (made if missing); every target is checked before
    the first is written, and `written(i)` is told of each file as soon as it is in place."""
    check_folder(folder, workbook=workbook)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise files.refuse(folder, files.why(exc)) from None
    paths = [folder / name for name in names]
    for path in paths:
        files.check_target(path, workbook=workbook, force=force)
    for i, (msg, path) in enumerate(zip(messages, paths, strict=True)):
        files.write(path, eml_bytes(msg), workbook=workbook, force=force)
        if written is not None:
            written(i)
    return paths
