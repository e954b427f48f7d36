"""The one way inq parses workbook XML with lxml: no DTD, no entities, no network.

A workbook is someone else's file. Excel never writes a DOCTYPE, so a part that has one
is refused outright (an entity bomb or an external entity can hide behind it); the
parser itself loads no DTD, expands no entity and fetches nothing, and keeps lxml's
limits on huge text. Every failure is one line naming the part: the file is damaged.
"""

from __future__ import annotations

import re
from typing import IO, Any

from inquiry_cli.errors import WorkbookUnreadable

_OPTIONS = dict(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_pis=False,
)
_PARSER: Any = None
# Anything before the root element that is not the XML declaration, a comment, a
# processing instruction or white space: a DOCTYPE (or worse) sits there.
_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)
_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def _parser() -> Any:
    global _PARSER
    if _PARSER is None:
        from lxml import etree

        _PARSER = etree.XMLParser(**_OPTIONS)  # type: ignore[arg-type]
    return _PARSER


def has_doctype(xml: bytes) -> bool:
    """Whether the prolog (what comes before the root element) holds a DOCTYPE.

    Looks at the bytes only (in UTF-16 too, which Excel never writes but lxml reads):
    cheap enough to ask of every part, whatever its size.
    """
    head = xml[:65536]
    if head.startswith(_UTF16) or head[1:2] == b"\x00" or head[:1] == b"\x00":
        try:
            head = head.decode("utf-16").encode("utf-8", "replace")
        except UnicodeDecodeError:
            return True  # neither UTF-8 nor UTF-16: not a part inq will parse
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    at = 0
    while True:
        m = _PROLOG_ITEM.match(head, at)
        if m is None or m.end() == at:
            break
        at = m.end()
    return head.startswith(b"<!", at)


def refuse_doctype(xml: bytes, what: str) -> None:
    """WorkbookUnreadable if `xml` (the part `what`) declares a DOCTYPE."""
    if has_doctype(xml):
        raise WorkbookUnreadable(
            f"{what} is damaged: it declares a DOCTYPE, which Excel never writes "
            "(re-save the workbook from Excel)"
        )


def parse(xml: bytes, what: str) -> Any:
    """The root element of `xml`, parsed safely; WorkbookUnreadable if it is damaged."""
    from lxml import etree

    refuse_doctype(xml, what)
    try:
        return etree.fromstring(xml, _parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise WorkbookUnreadable(f"{what} is damaged ({_reason(exc)})") from None


def iterparse(source: IO[bytes], what: str, **kwargs: Any) -> Any:
    """lxml.etree.iterparse with the same safety (errors surface while iterating:
    wrap the loop in `parse_errors`)."""
    from lxml import etree

    return etree.iterparse(source, **_OPTIONS, **kwargs)


def pull_parser(**kwargs: Any) -> Any:
    """lxml.etree.XMLPullParser with the same safety, for XML that comes in pieces
    (feed() and read_events() raise what parse_errors() names on damage)."""
    from lxml import etree

    options: dict[str, Any] = {**_OPTIONS, **kwargs}
    return etree.XMLPullParser(**options)


def parse_errors() -> tuple[type[BaseException], ...]:
    """What lxml raises on damaged XML (for callers that iterate)."""
    from lxml import etree

    return (etree.XMLSyntaxError, etree.ParseError, ValueError)


def _reason(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
