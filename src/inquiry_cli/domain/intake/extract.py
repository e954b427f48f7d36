"""Pull a buyer's particulars and message out of a mail's text: labels, blocks, signatures.

Platforms write "Label: value" lines in the plain-text part and label/value cells in the
HTML one; which labels mean which field is the platform's rules data. A direct mail has
no labels: its message is the text above the quoted history and the signature, and the
signature is read for the company and the phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from inquiry_cli.domain.intake.rules import Common, Platform, label_key

_LABEL_LINE = re.compile(r"^\s*([^:：\n]{1,48}?)\s*[:：]\s*(.*)$")
_QTY = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[,.\s]\d{3})+|\d+(?:\.\d+)?)\s*(k\b)?\s*"
    r"(pcs|pc|pieces?|units?|sets?|nos|cartons?|boxes|pairs?|meters?|rolls?|stück|stueck|stk"
    r"|unidades|piezas|pezzi|pièces|peças|件|个|只|套)(?!\w)",
    re.I,
)
_UNIT_WORDS = re.compile(
    r"(pcs|pc|pieces?|units?|sets?|nos|stück|stk|unidades|piezas|pezzi|pièces|peças|件|个|只|套"
    r"|piece/pieces)",
    re.I,
)
_PHONE = re.compile(r"(?<![\w+])(\+\d[\d\s().\-]{7,}\d)")


def labelled(text: str, platform: Platform) -> dict[str, str]:
    """Fields from "Label: value" lines; the message runs on until a label or an end marker."""
    found: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _LABEL_LINE.match(lines[i])
        key = platform.labels.get(label_key(m[1])) if m else None
        if key is None:
            i += 1
            continue
        assert m is not None  # a key was found in it
        value = m[2].strip()
        j = i + 1
        if key == "message":
            block = [value] if value else []
            while j < len(lines) and not _stops(lines[j], platform):
                block.append(lines[j])
                j += 1
            value = "\n".join(block).strip()
        elif not value:  # "Label:" with the value on the next line
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and not _stops(lines[j], platform):
                value = lines[j].strip()
                j += 1
        if value and key not in found:
            found[key] = value
        i = j
    return found


def _stops(line: str, platform: Platform) -> bool:
    m = _LABEL_LINE.match(line)
    if m and label_key(m[1]) in platform.labels:
        return True
    return any(p.search(line.strip()) for p in platform.message_end)


def from_pairs(pairs: list[tuple[str, str]], platform: Platform) -> dict[str, str]:
    """Fields from HTML label/value cells."""
    found: dict[str, str] = {}
    for label, value in pairs:
        key = platform.labels.get(label_key(label))
        value = value.strip()
        if key and value and key not in found:
            found[key] = value
    return found


def message_block(text: str, platform: Platform) -> str:
    """The message between the platform's start and end markers, when it has no label."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if any(p.search(line.strip()) for p in platform.message_start):
            block = []
            for nxt in lines[i + 1 :]:
                if any(p.search(nxt.strip()) for p in platform.message_end):
                    break
                block.append(nxt)
            return "\n".join(block).strip()
    return ""


def tidy_message(text: str, platform: Platform) -> str:
    """A labelled message without the platform's trailing markers and extra blank lines."""
    out: list[str] = []
    for line in text.splitlines():
        if any(p.search(line.strip()) for p in platform.message_end):
            break
        out.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


@dataclass
class Body:
    """A direct mail's text split into what the buyer wrote, their signature, and the rest."""

    message: str
    signature: list[str] = field(default_factory=list)
    had_quote: bool = False


def split_body(text: str, common: Common) -> Body:
    """The buyer's own words: quoted history (">" lines, "On ... wrote:") and the signature
    cut off, mail-client boilerplate dropped wherever it is."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    own: list[str] = []
    had_quote = False
    for line in lines:
        bare = line.strip()
        if bare.startswith(">") or any(p.search(bare) for p in common.quoted_starts):
            had_quote = True
            break
        own.append(line)
    own = [line for line in own if not any(p.search(line.strip()) for p in common.boilerplate)]
    signature: list[str] = []
    for i, line in enumerate(own):
        if i > 0 and any(p.search(line.strip()) for p in common.signature_starts):
            signature = [x.strip() for x in own[i + 1 :] if x.strip()]
            own = own[:i]
            break
    message = re.sub(r"\n{3,}", "\n\n", "\n".join(own)).strip()
    return Body(message, signature, had_quote)


def signature_company(signature: list[str], common: Common) -> str | None:
    """The signature line that names a company (it carries a legal form: LLC, GmbH, Ltd)."""
    if common.company_words is None:
        return None
    for line in signature[:8]:
        if "@" in line or "://" in line or line.lower().startswith("www."):
            continue
        if common.company_words.search(line) and len(line) <= 80 and not _PHONE.search(line):
            return line.strip(" ,|")
    return None


def signature_name(signature: list[str]) -> str | None:
    """The first signature line that reads like a person's name (two to four words)."""
    for line in signature[:3]:
        words = line.split()
        if (
            1 < len(words) <= 4
            and all(w[:1].isupper() for w in words)
            and not any(ch.isdigit() for ch in line)
        ):
            return line
    return None


def signature_phone(signature: list[str], common: Common) -> str | None:
    """A phone number from a labelled signature line (Tel, Mobile, WhatsApp...), else the
    first international number in it."""
    if common.phone_labels is not None:
        for line in signature:
            m = common.phone_labels.search(line)
            if m:
                return m[1].strip()
    for line in signature:
        m = _PHONE.search(line)
        if m:
            return m[1].strip()
    return None


def quantity(text: str | None, *, labelled_value: bool = False) -> tuple[float | None, str | None]:
    """(number, unit) from '500 Pieces', '2,000 pcs', '1.5k units', '300'; (None, None)."""
    if not text:
        return None, None
    m = _QTY.search(text)
    if m is None and labelled_value:
        bare = re.match(r"^\s*(\d{1,3}(?:[,\s]\d{3})+|\d+(?:\.\d+)?)\s*(.*)$", text)
        if bare:
            return _number(bare[1], None), (bare[2].strip() or None)
        return None, None
    if m is None:
        return None, None
    return _number(m[1], m[2]), m[3]


def _number(digits: str, kilo: str | None) -> float | None:
    cleaned = re.sub(r"[,\s]", "", digits)
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", cleaned):  # 2.000 (European thousands)
        cleaned = cleaned.replace(".", "")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    if kilo:
        value *= 1000
    if value <= 0:
        return None
    return int(value) if value.is_integer() else value


def unit_is_pieces(unit: str | None) -> bool:
    return unit is None or bool(_UNIT_WORDS.fullmatch(unit.strip().lower().rstrip(".")))


def first_line(text: str, width: int = 120) -> str:
    """The message's first words, for a contact's summary."""
    flat = re.sub(r"\s+", " ", text or "").strip()
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"
