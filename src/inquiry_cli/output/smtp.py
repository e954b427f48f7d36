"""Sending mail-outs over SMTP: the [smtp] settings, the connection, one mail at a time.

The password never travels in the clear unless the config says so (a relay on this
machine): AUTH needs SSL or STARTTLS, or `allow_plaintext_auth = true`. A server that
throttles gets `pause` seconds between mails. Each mail's result is handed back as soon
as the server answered, so the caller can record it before the next one goes.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from inquiry_cli.errors import InqError

PASSWORD_ENV = "INQ_SMTP_PASSWORD"
KEYS = (
    "host", "port", "user", "starttls", "ssl", "allow_plaintext_auth", "timeout", "pause",
    "password_env", "from",
)  # fmt: skip


@dataclass
class SmtpConfig:
    host: str
    port: int
    user: str | None
    starttls: bool
    ssl: bool
    password_env: str = PASSWORD_ENV
    timeout: float = 30.0
    pause: float = 0.0
    allow_plaintext_auth: bool = False

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> SmtpConfig:
        """The [smtp] section, every value checked: a wrong one is one line naming it."""
        smtp = cfg.get("smtp")
        if smtp is not None and not isinstance(smtp, dict):
            raise InqError("config: smtp must be a section ([smtp] with host = ..., port = ...)")
        if not smtp or not smtp.get("host"):
            raise InqError(
                "no SMTP server configured: add an [smtp] section to the config file "
                "(host, port, user, starttls) and put the password in $" + PASSWORD_ENV
            )
        unknown = [k for k in smtp if k not in KEYS]
        if unknown:
            raise InqError(
                f"config: [smtp] has no setting {unknown[0]!r} (it knows {', '.join(KEYS)})"
            )
        use_ssl = _flag(smtp, "ssl", False)
        starttls = _flag(smtp, "starttls", not use_ssl)
        default_port = 465 if use_ssl else (587 if starttls else 25)
        port = _number(smtp, "port", default_port, "a port number (1-65535)", 1, 65535)
        return cls(
            host=_text(smtp, "host"),
            port=int(port),
            user=_text(smtp, "user") or None,
            starttls=starttls and not use_ssl,
            ssl=use_ssl,
            password_env=_text(smtp, "password_env") or PASSWORD_ENV,
            timeout=_number(smtp, "timeout", 30.0, "a number of seconds above 0", 1e-3),
            pause=_number(smtp, "pause", 0.0, "a number of seconds (0 or more)", 0),
            allow_plaintext_auth=_flag(smtp, "allow_plaintext_auth", False),
        )

    @property
    def encrypted(self) -> bool:
        return self.ssl or self.starttls


def _flag(smtp: dict, key: str, default: bool) -> bool:
    value = smtp.get(key, default)
    if not isinstance(value, bool):
        raise InqError(f"config: [smtp] {key} = {value!r} must be true or false")
    return value


def _text(smtp: dict, key: str) -> str:
    value = smtp.get(key, "")
    if not isinstance(value, str):
        raise InqError(f"config: [smtp] {key} = {value!r} must be text in quotes")
    return value.strip()


def _number(
    smtp: dict, key: str, default: float, what: str, low: float, high: float = math.inf
) -> float:
    value = smtp.get(key, default)
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
        if key == "port" and not number.is_integer():
            raise ValueError
    except (TypeError, ValueError):
        raise InqError(f"config: [smtp] {key} = {value!r} is not {what}") from None
    if not (low <= number <= high) or math.isnan(number):
        raise InqError(f"config: [smtp] {key} = {value!r} is not {what}")
    return number


@dataclass
class SendResult:
    mail: Any  # domain.mailing.Mail
    ok: bool
    error: str = ""


def _smtp_error(exc: Exception) -> str:
    code = getattr(exc, "smtp_code", None)
    text = getattr(exc, "smtp_error", b"")
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if code:
        return f"{code} {text}".strip()
    return str(exc) or exc.__class__.__name__


def refuse_plaintext_auth(cfg: SmtpConfig) -> None:
    """No password over a connection that is not encrypted, unless the config allows it."""
    if cfg.user and not cfg.encrypted and not cfg.allow_plaintext_auth:
        raise _plaintext(cfg)


def _plaintext(cfg: SmtpConfig) -> InqError:
    return InqError(
        f"not sending the password of {cfg.user} unencrypted to {cfg.host}:{cfg.port}: "
        "set starttls = true or ssl = true in [smtp], or allow_plaintext_auth = true "
        "for a relay you trust (one on this machine)"
    )


def connect(cfg: SmtpConfig, password: str | None):
    """An open, logged-in SMTP connection, or one clear InqError."""
    import smtplib
    import ssl

    refuse_plaintext_auth(cfg)
    if cfg.user and not password:
        raise InqError(f"set the SMTP password in ${cfg.password_env} (it is never stored)")
    conn: smtplib.SMTP
    try:
        if cfg.ssl:
            conn = smtplib.SMTP_SSL(
                cfg.host, cfg.port, timeout=cfg.timeout, context=ssl.create_default_context()
            )
        else:
            conn = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
            if cfg.starttls:
                conn.starttls(context=ssl.create_default_context())
        if cfg.user:
            if not isinstance(conn.sock, ssl.SSLSocket) and not cfg.allow_plaintext_auth:
                conn.close()  # the config said encrypted, the connection is not: no AUTH
                raise _plaintext(cfg)
            conn.login(cfg.user, password or "")
        return conn
    except smtplib.SMTPAuthenticationError as exc:
        raise InqError(
            f"the SMTP server refused the login of {cfg.user} ({_smtp_error(exc)}): "
            f"check ${cfg.password_env}"
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise InqError(
            f"cannot connect to the SMTP server {cfg.host}:{cfg.port}: {_smtp_error(exc)}"
        ) from None


def send_one(conn, mail) -> None:
    """Hand one mail to the server (its envelope from the message's From/To)."""
    conn.send_message(mail.message)


def send(mails: list, cfg: SmtpConfig, password: str | None, conn=None) -> Iterator[SendResult]:
    """Send over one connection, `pause` seconds apart, yielding each result as it comes;
    a refused recipient is reported and the run goes on, a dropped connection is reopened."""
    import smtplib

    if conn is None:
        conn = connect(cfg, password)
    try:
        for n, mail in enumerate(mails):
            if n and cfg.pause:
                time.sleep(cfg.pause)
            try:
                if conn is None:
                    conn = connect(cfg, password)
                send_one(conn, mail)
                result = SendResult(mail, True)
            except smtplib.SMTPRecipientsRefused as exc:
                code, raw = next(iter(exc.recipients.values()), (None, b""))
                text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
                result = SendResult(mail, False, f"refused: {code} {text}".strip())
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                result = SendResult(mail, False, _smtp_error(exc))
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                result = SendResult(mail, False, f"connection lost: {_smtp_error(exc)}")
                conn = None  # try a new connection for the next one
            except InqError as exc:
                result = SendResult(mail, False, str(exc))
            yield result
    finally:
        if conn is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                conn.quit()
