"""Messages from an IMAP mailbox (the standard library's imaplib), read without marking.

The folder is opened read-only and bodies are fetched with BODY.PEEK[], so the mail
client still shows them unread. The password comes from the environment, never a file,
and is refused over an unencrypted connection unless the config allows it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from inquiry_cli.errors import InqError
from inquiry_cli.inbox.sources import Raw

PASSWORD_ENV = "INQ_IMAP_PASSWORD"
BATCH = 50  # messages per FETCH
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@dataclass
class ImapConfig:
    host: str
    port: int
    user: str
    security: str  # "ssl", "starttls" or "plain"
    folder: str = "INBOX"
    allow_plaintext_auth: bool = False
    password_env: str = PASSWORD_ENV
    timeout: float = 30.0
    cafile: str | None = None  # a server with its own certificate: the CA (or it) to trust

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> ImapConfig:
        """The config file's [imap] table: host, port, user, ssl = true | false | "starttls"."""
        imap = cfg.get("imap")
        if not isinstance(imap, dict) or not imap.get("host") or not imap.get("user"):
            raise InqError(
                "no IMAP mailbox configured: add an [imap] table to the config file "
                f"(host, port, user, ssl) and put the password in ${PASSWORD_ENV}"
            )
        raw_ssl = imap.get("ssl", True)
        if raw_ssl is True or str(raw_ssl).lower() in ("true", "ssl", "tls"):
            security = "ssl"
        elif str(raw_ssl).lower() == "starttls":
            security = "starttls"
        elif raw_ssl is False or str(raw_ssl).lower() in ("false", "no", "none"):
            security = "plain"
        else:
            raise InqError(f'config: [imap] ssl = {raw_ssl!r}: use true, false or "starttls"')
        default_port = 993 if security == "ssl" else 143
        try:
            port = int(imap.get("port", default_port))
        except (TypeError, ValueError):
            raise InqError(f"config: [imap] port {imap.get('port')!r} is not a number") from None
        return cls(
            host=str(imap["host"]),
            port=port,
            user=str(imap["user"]),
            security=security,
            folder=str(imap.get("folder") or "INBOX"),
            allow_plaintext_auth=imap.get("allow_plaintext_auth") is True,
            password_env=str(imap.get("password_env") or PASSWORD_ENV),
            timeout=float(imap.get("timeout", 30)),
            cafile=str(imap["cafile"]) if imap.get("cafile") else None,
        )

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def check(cfg: ImapConfig, password: str | None) -> None:
    """Refuse before connecting: no password, or a password that would travel in clear."""
    if not password:
        raise InqError(f"set the IMAP password in ${cfg.password_env} (it is never stored)")
    if cfg.security == "plain" and not cfg.allow_plaintext_auth:
        raise InqError(
            f"refusing to send the IMAP password unencrypted to {cfg.where}: use ssl = true "
            'or ssl = "starttls" in [imap], or set allow_plaintext_auth = true if you must'
        )


def since_criterion(day: dt.date) -> str:
    return f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year}"


def fetch(cfg: ImapConfig, password: str, folder: str, since: dt.date | None) -> Iterator[Raw]:
    """Every message in the folder (since a day, when given), oldest first."""
    check(cfg, password)
    conn = _connect(cfg, password)
    try:
        status, data = conn.select(_quote(folder), readonly=True)
        if status != "OK":
            detail = _text(data)
            raise InqError(f"IMAP folder {folder!r} cannot be opened on {cfg.where}: {detail}")
        criteria = ["SINCE", since_criterion(since)] if since else ["ALL"]
        status, data = conn.uid("SEARCH", None, *criteria)
        if status != "OK":
            raise InqError(f"IMAP search failed on {cfg.where}: {_text(data)}")
        uids = [u.decode() for u in (data[0] or b"").split()]
        for start in range(0, len(uids), BATCH):
            batch = uids[start : start + BATCH]
            status, parts = conn.uid("FETCH", ",".join(batch), "(UID INTERNALDATE BODY.PEEK[])")
            if status != "OK":
                raise InqError(f"IMAP fetch failed on {cfg.where}: {_text(parts)}")
            yield from _messages(parts, folder)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise InqError(f"IMAP connection to {cfg.where} failed: {_why(exc)}") from None
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            conn.logout()


def _messages(parts, folder: str) -> Iterator[Raw]:
    for part in parts:
        if not isinstance(part, tuple) or len(part) < 2:
            continue
        head = part[0].decode("ascii", "replace")
        uid = re.search(r"UID (\d+)", head)
        when = imaplib.Internaldate2tuple(part[0])
        received = None
        if when is not None:
            received = dt.datetime(*when[:6]).astimezone(dt.UTC)
        yield Raw(f"imap:{folder}/{uid[1] if uid else '?'}", part[1], received=received)


def _context(cfg: ImapConfig) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=cfg.cafile)
    except (OSError, ssl.SSLError) as exc:
        raise InqError(
            f"config: [imap] cafile {cfg.cafile!r} cannot be used: {_why(exc)}"
        ) from None


def _connect(cfg: ImapConfig, password: str):
    context = _context(cfg) if cfg.security != "plain" else None
    conn: imaplib.IMAP4
    try:
        if cfg.security == "ssl":
            conn = imaplib.IMAP4_SSL(cfg.host, cfg.port, ssl_context=context, timeout=cfg.timeout)
        else:
            conn = imaplib.IMAP4(cfg.host, cfg.port, timeout=cfg.timeout)
            if cfg.security == "starttls":
                conn.starttls(ssl_context=context)
        conn.login(cfg.user, password)
        return conn
    except imaplib.IMAP4.error as exc:
        text = _why(exc)
        if "auth" in text.lower() or "login" in text.lower() or "password" in text.lower():
            raise InqError(
                f"the IMAP server {cfg.where} refused the login of {cfg.user} ({text}): "
                f"check ${cfg.password_env}"
            ) from None
        raise InqError(f"IMAP server {cfg.where}: {text}") from None
    except (TimeoutError, OSError, ssl.SSLError) as exc:
        raise InqError(f"cannot connect to the IMAP server {cfg.where}: {_why(exc)}") from None


def _quote(folder: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_./-]+", folder):
        return folder
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(data) -> str:
    if isinstance(data, list) and data:
        data = data[0]
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return str(data)


def _why(exc: BaseException) -> str:
    text = str(exc)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return getattr(exc, "strerror", None) or text or exc.__class__.__name__


__all__ = ["PASSWORD_ENV", "ImapConfig", "check", "fetch"]
