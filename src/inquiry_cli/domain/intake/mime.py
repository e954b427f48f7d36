"""MIME as it comes: headers in RFC 2047 words, bodies in any charset, HTML made text.

Mail from China and Hong Kong is often labelled gb2312 or big5 while using characters
only their supersets (GB18030, Big5-HKSCS) have; Western mail labelled iso-8859-1 is
usually windows-1252. Each label is read as its superset, and text that is not what it
claims falls back to UTF-8, then GB18030, then windows-1252, never to an exception.
"""

from __future__ import annotations

import email
import email.header
import email.policy
import email.utils
import itertools
import re
from email.message import Message

# A charset label -> the codec that reads every message so labelled.
SUPERSET = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
    "euc-cn": "gb18030", "hz-gb-2312": "hz", "big5": "big5hkscs", "big5-hkscs": "big5hkscs",
    "x-big5": "big5hkscs", "cp950": "big5hkscs", "iso-8859-1": "cp1252", "latin1": "cp1252",
    "latin-1": "cp1252", "us-ascii": "utf-8", "ascii": "utf-8", "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949", "shift_jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "iso-8859-8-i": "iso-8859-8", "utf8": "utf-8", "unicode-1-1-utf-7": "utf-7",
}  # fmt: skip
FALLBACKS = ("utf-8", "gb18030", "cp1252")


def parse(data: bytes) -> Message:
    """A message from its bytes (compat32: a damaged header never raises on access)."""
    return email.message_from_bytes(data, policy=email.policy.compat32)


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes as text in their declared charset (read as its superset), else a fallback."""
    tried: list[str] = []
    if charset:
        label = charset.strip().strip('"').lower()
        tried.append(SUPERSET.get(label, label))
    for codec in [*tried, *FALLBACKS]:
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def header(msg: Message, name: str) -> str:
    """A header as text: RFC 2047 words decoded (any charset), folding undone."""
    raw = msg.get(name)
    if raw is None:
        return ""
    return decode_words(str(raw))


def headers(msg: Message, name: str) -> list[str]:
    return [decode_words(str(v)) for v in msg.get_all(name) or []]


def decode_words(raw: str) -> str:
    raw = re.sub(r"\r?\n[ \t]+", " ", raw)
    try:
        parts = email.header.decode_header(raw)
    except (ValueError, email.errors.HeaderParseError):
        return raw.strip()
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, charset))
        else:
            out.append(chunk)
    # decode_header keeps the spaces between an encoded word and plain text.
    return re.sub(r"\s+", " ", "".join(out)).strip()


def address(msg: Message, name: str) -> tuple[str, str]:
    """(display name, lower-cased address) of a one-address header; ('', '') when none."""
    raw = msg.get(name)
    if raw is None:
        return "", ""
    display, addr = email.utils.parseaddr(str(raw).replace("\n", " "))
    display = decode_words(display) if display else ""
    addr = addr.strip().lower()
    if "@" not in addr:
        # parseaddr gives up on an encoded display name that holds a comma: try decoded
        display2, addr2 = email.utils.parseaddr(decode_words(str(raw)))
        if "@" in addr2:
            return display2.strip(), addr2.strip().lower()
        return display, ""
    return display.strip().strip('"').strip(), addr


def message_ids(text: str) -> list[str]:
    """Every <id> in In-Reply-To / References, in order."""
    return re.findall(r"<[^<>\s]+>", text or "")


def part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        inner = part.get_payload()
        return inner if isinstance(inner, str) else ""
    return decode_bytes(payload, part.get_content_charset())


def attachment_name(part: Message) -> str | None:
    filename = part.get_filename()
    if filename:
        return decode_words(str(filename))
    if part.get_content_disposition() == "attachment":
        return f"(unnamed {part.get_content_type()})"
    return None


def bodies(msg: Message) -> tuple[str, str, list[str]]:
    """(plain text, HTML, attachment names) of the message's readable parts.

    multipart/alternative gives both; the first text/plain and text/html that are not
    attachments are taken; a forwarded message/rfc822 is read as part of the body.
    """
    plain: list[str] = []
    html: list[str] = []
    files: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = attachment_name(part)
        ctype = part.get_content_type()
        if name is not None and not (
            ctype in ("text/plain", "text/html") and not part.get_filename()
        ):
            files.append(name)
            continue
        if ctype == "text/plain" and not plain:
            plain.append(part_text(part))
        elif ctype == "text/html" and not html:
            html.append(part_text(part))
    return (plain[0] if plain else ""), (html[0] if html else ""), files


# ---------------------------------------------------------------- HTML

_BLOCK = frozenset(
    "p div tr li ul ol table tbody thead tfoot h1 h2 h3 h4 h5 h6 dt dd dl blockquote pre "
    "hr section article header footer address center form".split()
)
_SKIP = frozenset(("script", "style", "head", "title", "noscript", "template"))


def html_root(html: str):
    """The parsed HTML document (lxml.html), or None when there is no markup to read."""
    if not html.strip():
        return None
    import lxml.etree
    import lxml.html

    try:
        return lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        try:
            return lxml.html.document_fromstring(html.encode("utf-8", "replace"))
        except (lxml.etree.ParserError, ValueError):
            return None


def element_text(el) -> str:
    """An element's text with line breaks where blocks and <br> are, as a reader sees it."""
    out: list[str] = []

    def walk(node) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        tag = tag.lower()
        if tag in _SKIP:
            if node.tail:
                out.append(node.tail)
            return
        if tag == "br":
            out.append("\n")
            if node.tail:
                out.append(node.tail)
            return
        block = tag in _BLOCK
        if block:
            out.append("\n")
        if tag in ("td", "th"):
            out.append(" ")
        if node.text and isinstance(node.tag, str):
            out.append(node.text)
        for child in node:
            walk(child)
        if block:
            out.append("\n")
        if tag in ("td", "th"):
            out.append(" ")
        if node.tail:
            out.append(node.tail)

    walk(el)
    text = "".join(out).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    joined = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", joined).strip()


def html_text(html: str) -> str:
    root = html_root(html)
    if root is None:
        return ""
    body = root.find("body")
    return element_text(body if body is not None else root)


def html_pairs(html: str) -> list[tuple[str, str]]:
    """(label, value) from the HTML's tables (a label cell, then its value cell) and
    definition lists: how the platforms lay out a buyer's particulars."""
    root = html_root(html)
    if root is None:
        return []
    pairs: list[tuple[str, str]] = []
    for row in root.iter("tr"):
        cells = [c for c in row if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
        if len(cells) >= 2 and not any(c.find(".//table") is not None for c in cells):
            label = element_text(cells[0])
            if label and len(label) <= 60:
                pairs.append((label, element_text(cells[1])))
    for dl in root.iter("dl"):
        items = [c for c in dl if isinstance(c.tag, str)]
        for a, b in itertools.pairwise(items):
            if a.tag.lower() == "dt" and b.tag.lower() == "dd":
                pairs.append((element_text(a), element_text(b)))
    return pairs
