"""Intake rules as data: one TOML text per platform, and email.toml for what all mail shares.

Platforms change their notification layouts often; their senders, labels and message
markers live in rules files (rules/ in the repo, shipped in the wheel, a user's copy
winning), so a new layout is a new line of data, not a new release. This module only
turns the texts into compiled rules; finding the files is the caller's job.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from inquiry_cli.errors import InqError

FIELDS = ("name", "company", "email", "phone", "country", "product", "quantity", "message")
COMMON = "email"  # the file every mail shares
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class RulesError(InqError):
    """A rules file inq cannot use: named with the fix."""


def label_key(text: str) -> str:
    """A label as compared: case, spaces, punctuation and the colon do not matter."""
    return re.sub(r"[\W_]+", "", text.casefold())


@dataclass(frozen=True)
class Platform:
    """How one platform's notifications are recognised and read."""

    channel: str
    title: str
    senders: tuple[str, ...]
    relays: tuple[str, ...]
    hides_email: bool
    notice_subjects: tuple[re.Pattern, ...]
    inquiry_subjects: tuple[re.Pattern, ...]
    labels: dict[str, str]  # label_key -> field
    message_start: tuple[re.Pattern, ...]
    message_end: tuple[re.Pattern, ...]

    def sent_this(self, address: str) -> bool:
        return _any_glob(self.senders, address)

    def relays_this(self, address: str) -> bool:
        return _any_glob(self.relays, address)


@dataclass(frozen=True)
class Common:
    """What every mail shares (email.toml)."""

    autoreply_subjects: tuple[re.Pattern, ...] = ()
    bounce_senders: tuple[str, ...] = ()
    bounce_subjects: tuple[re.Pattern, ...] = ()
    reply_prefix: re.Pattern = re.compile(r"^(re)\s*[:：]", re.I)
    quote_number: re.Pattern = re.compile(r"\bQT\d{4}-\d{3,}\b", re.I)
    quoted_starts: tuple[re.Pattern, ...] = ()
    signature_starts: tuple[re.Pattern, ...] = ()
    boilerplate: tuple[re.Pattern, ...] = ()
    company_words: re.Pattern | None = None
    phone_labels: re.Pattern | None = None


@dataclass(frozen=True)
class Rules:
    common: Common
    platforms: tuple[Platform, ...] = field(default_factory=tuple)

    def platform_of(self, address: str) -> Platform | None:
        return next((p for p in self.platforms if p.sent_this(address)), None)

    def is_relay(self, address: str) -> bool:
        return any(p.relays_this(address) for p in self.platforms)


def _any_glob(patterns: tuple[str, ...], address: str) -> bool:
    address = address.lower()
    return any(fnmatch.fnmatchcase(address, p) for p in patterns)


def parse(texts: dict[str, str]) -> Rules:
    """Rules from {file name without .toml: its text}; `email` is the shared file."""
    common = Common()
    platforms: list[Platform] = []
    for name in sorted(texts):
        data = _toml(name, texts[name])
        if name == COMMON:
            common = _common(name, data)
        else:
            platforms.append(_platform(name, data))
    channels = [p.channel for p in platforms]
    for channel in channels:
        if channels.count(channel) > 1:
            raise RulesError(f"rules: two files give channel {channel!r}; keep one")
    return Rules(common, tuple(platforms))


def _toml(name: str, text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"rules file {name}.toml: {exc}") from None


class _Reader:
    """Typed access to one file's tables, every mistake named by file and key."""

    def __init__(self, name: str, data: dict) -> None:
        self.name, self.data = name, data

    def _get(self, path: str):
        node: Any = self.data
        for part in path.split("."):
            if not isinstance(node, dict):
                return None
            node = node.get(part)
        return node

    def words(self, path: str) -> tuple[str, ...]:
        value = self._get(path)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RulesError(f"rules file {self.name}.toml: {path} must be a list of strings")
        return tuple(value)

    def patterns(self, path: str) -> tuple[re.Pattern, ...]:
        return tuple(self.compile(path, p) for p in self.words(path))

    def compile(self, path: str, pattern: str) -> re.Pattern:
        try:
            return re.compile(pattern, re.I)
        except re.error as exc:
            raise RulesError(
                f"rules file {self.name}.toml: {path}: {pattern!r} is not a regular "
                f"expression ({exc})"
            ) from None

    def text(self, path: str, default: str = "") -> str:
        value = self._get(path)
        if value is None:
            return default
        if not isinstance(value, str):
            raise RulesError(f"rules file {self.name}.toml: {path} must be a string")
        return value


def _platform(name: str, data: dict) -> Platform:
    r = _Reader(name, data)
    channel = r.text("channel", name).strip().lower()
    if not _SLUG.match(channel):
        raise RulesError(
            f"rules file {name}.toml: channel {channel!r} must be letters, digits and dashes"
        )
    senders = tuple(s.lower() for s in r.words("senders.from"))
    if not senders:
        raise RulesError(f"rules file {name}.toml: [senders] from is empty: whose mail is it?")
    labels: dict[str, str] = {}
    fields = data.get("fields") or {}
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise RulesError(
            f"rules file {name}.toml: [fields] {', '.join(unknown)}: use {', '.join(FIELDS)}"
        )
    for key in FIELDS:
        for label in r.words(f"fields.{key}"):
            labels.setdefault(label_key(label), key)
    return Platform(
        channel=channel,
        title=r.text("title", channel),
        senders=senders,
        relays=tuple(s.lower() for s in r.words("senders.relay")) or senders,
        hides_email=bool(r._get("senders.hides_email")),
        notice_subjects=r.patterns("notice.subjects"),
        inquiry_subjects=r.patterns("inquiry.subjects"),
        labels=labels,
        message_start=r.patterns("message.start"),
        message_end=r.patterns("message.end"),
    )


def _common(name: str, data: dict) -> Common:
    r = _Reader(name, data)
    prefixes = [re.escape(p) for p in r.words("reply.prefixes")] or ["re"]
    words = r.words("signature.company_words")
    labels = r.words("signature.phone_labels")
    return Common(
        autoreply_subjects=r.patterns("autoreply.subjects"),
        bounce_senders=tuple(s.lower() for s in r.words("bounce.senders")),
        bounce_subjects=r.patterns("bounce.subjects"),
        reply_prefix=r.compile("reply.prefixes", rf"^\s*(?:{'|'.join(prefixes)})\s*[:：]"),
        quote_number=r.compile(
            "reply.quote_number", r.text("reply.quote_number", r"\bQT\d{4}-\d{3,}\b")
        ),
        quoted_starts=r.patterns("quoted.starts"),
        signature_starts=r.patterns("signature.starts"),
        boilerplate=r.patterns("signature.boilerplate"),
        company_words=(
            r.compile("signature.company_words", rf"(?<![\w.])(?:{'|'.join(words)})(?![\w])\.?")
            if words
            else None
        ),
        phone_labels=(
            r.compile(
                "signature.phone_labels",
                rf"^\s*(?:{'|'.join(re.escape(x) for x in labels)})\.?\s*(?:\([^)]*\))?"
                r"\s*[:：.]?\s*(\+?[\d][\d\s().\-/]{6,}\d)",
            )
            if labels
            else None
        ),
    )


def is_bounce_sender(common: Common, address: str) -> bool:
    return _any_glob(common.bounce_senders, address)
