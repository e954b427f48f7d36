"""Workbook text on a terminal: its control characters are shown, never obeyed.

A cell holding ESC [2J clears the screen it is printed on; OSC 52 (ESC ] 52;c;... BEL)
writes the clipboard; a bare CR or a C1 control (\\x9b is a one-byte ESC [) rewrites
what is shown. Every human-readable line inq prints goes through `visible` (the rich
Console in render.py, and `echo` for plain lines), which spells such characters out
(ESC as \\x1b) and keeps the newlines and tabs a layout wants. JSON goes through
`json_safe`. Plain text, no rich: the write commands print through `echo`.
"""

from __future__ import annotations

import re

# C0 except tab and newline, DEL, C1, and the bidi overrides/isolates that reorder text.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # json leaves these raw


def _spelt(match: re.Match[str]) -> str:
    ch = match.group()
    if ch == "\r":
        return "\\r"
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character spelt out (a CR LF pair is a newline)."""
    if not CONTROL.search(text):
        return text
    return CONTROL.sub(_spelt, text.replace("\r\n", "\n"))


def json_safe(text: str) -> str:
    """JSON text with DEL, C1 and bidi controls as \\u escapes (json.dumps escapes C0 only)."""
    if text.isascii() and "\x7f" not in text:  # (isascii is one flag of the string)
        return text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def echo(message: str = "", err: bool = False) -> None:
    """typer.echo for a line that may hold workbook text."""
    import typer

    typer.echo(visible(message), err=err)
