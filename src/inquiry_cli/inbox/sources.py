"""Messages from files and folders: .eml, .mbox, Maildir, WhatsApp exports (.txt, .zip)."""

from __future__ import annotations

import datetime as dt
import mailbox
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from inquiry_cli.errors import UsageError

MAIL_SUFFIXES = (".eml",)
MBOX_SUFFIXES = (".mbox", ".mbx")
CHAT_SUFFIXES = (".txt", ".zip")


@dataclass
class Raw:
    """One message as it came, before anyone read it."""

    source: str  # as the user knows it: a file, box.mbox#3, imap:INBOX/17
    data: bytes = b""  # a mail's bytes
    chat: str | None = None  # a chat export's text (then `title` is its file name)
    title: str = ""
    error: str | None = None  # could not be read at all
    received: dt.datetime | None = None  # the server's arrival time (IMAP), a fallback date


def check_paths(paths: list[Path]) -> None:
    """Refuse, before anything is read, a path that is not there."""
    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")


def from_paths(paths: list[Path]) -> Iterator[Raw]:
    """Every message under the paths, in a stable order (folders sorted by name)."""
    for path in paths:
        if path.is_dir():
            yield from _folder(path, path.name or str(path))
        else:
            yield from _file(path, str(path), explicit=True)


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def _folder(path: Path, shown: str) -> Iterator[Raw]:
    if _is_maildir(path):
        for sub in ("new", "cur"):
            for f in sorted((path / sub).iterdir()):
                if f.is_file() and not f.name.startswith("."):
                    yield _read(f, f"{shown}/{sub}/{f.name}")
        return
    for f in sorted(path.iterdir()):
        if f.name.startswith("."):
            continue
        name = f"{shown}/{f.name}"
        if f.is_dir():
            yield from _folder(f, name)
        else:
            yield from _file(f, name, explicit=False)


def _file(path: Path, shown: str, explicit: bool) -> Iterator[Raw]:
    suffix = path.suffix.lower()
    if suffix in MBOX_SUFFIXES or (suffix not in MAIL_SUFFIXES + CHAT_SUFFIXES and _is_mbox(path)):
        yield from _mbox(path, shown)
    elif suffix == ".zip":
        yield _zip_chat(path, shown)
    elif suffix == ".txt":
        yield _text_chat(path, shown)
    elif suffix in MAIL_SUFFIXES or explicit:
        yield _read(path, shown)
    else:
        yield Raw(shown, error="not a mail (.eml), mailbox (.mbox) or chat export (.txt) file")


def _is_mbox(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(5) == b"From "
    except OSError:
        return False


def _read(path: Path, shown: str) -> Raw:
    try:
        return Raw(shown, path.read_bytes())
    except OSError as exc:
        return Raw(shown, error=f"cannot read: {exc.strerror or exc}")


def _mbox(path: Path, shown: str) -> Iterator[Raw]:
    try:
        box = mailbox.mbox(str(path), create=False)
        keys = list(box.iterkeys())
    except (OSError, mailbox.Error) as exc:
        yield Raw(shown, error=f"cannot read the mailbox: {getattr(exc, 'strerror', None) or exc}")
        return
    try:
        for n, key in enumerate(keys, start=1):
            try:
                yield Raw(f"{shown}#{n}", box.get_bytes(key))
            except (OSError, mailbox.Error) as exc:
                yield Raw(f"{shown}#{n}", error=f"cannot read: {exc}")
    finally:
        box.close()


def _decode_text(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _text_chat(path: Path, shown: str) -> Raw:
    from inquiry_cli.domain.intake.whatsapp import looks_like_chat

    try:
        text = _decode_text(path.read_bytes())
    except OSError as exc:
        return Raw(shown, error=f"cannot read: {exc.strerror or exc}")
    if text is None or not looks_like_chat(text):
        return Raw(shown, error="not a WhatsApp chat export (no dated 'Name: message' lines)")
    return Raw(shown, chat=text, title=path.stem)


def _zip_chat(path: Path, shown: str) -> Raw:
    """An export with media: the chat is the .txt inside the .zip."""
    from inquiry_cli.domain.intake.whatsapp import looks_like_chat

    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.lower().endswith(".txt")]
            if not names:
                return Raw(shown, error="no chat (.txt) inside the .zip")
            text = _decode_text(zf.read(names[0]))
    except (OSError, zipfile.BadZipFile) as exc:
        return Raw(shown, error=f"cannot read the .zip: {exc}")
    if text is None or not looks_like_chat(text):
        return Raw(shown, error="not a WhatsApp chat export (no dated 'Name: message' lines)")
    return Raw(shown, chat=text, title=path.stem)
