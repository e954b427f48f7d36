"""Hanging-indent wrapping as textwrap does it, cut a line at a time instead of a word at a time."""

from __future__ import annotations

# textwrap's whitespace: each becomes a space (its replace_whitespace), and only these.
_SPACES = str.maketrans("\t\n\x0b\x0c\r", "     ")


def hang(text: str, width: int, first: str, rest: str) -> list[str]:
    """textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest,
    break_long_words=False, break_on_hyphens=False), line for line.

    A trip of 450 buyers wraps 3,000 texts; textwrap splits each into words and fills
    lines word by word in Python, a third of the time `inq trip` spends printing. This
    finds each line's last space with one `rfind`. (One difference: a word of other
    Unicode spaces alone, a lone no-break space, is kept where textwrap drops it at a
    line's end.)
    """
    if "\t" in text:
        text = text.expandtabs()
    text = text.translate(_SPACES)
    lines: list[str] = []
    while text:
        indent = rest if lines else first
        room = max(width - len(indent), 1)
        if len(text) <= room:
            line, text = text, ""
        else:
            cut = text.rfind(" ", 0, room + 1)
            if cut < 0:  # a word longer than the line: alone on it, as long as it is
                cut = text.find(" ", room)
                if cut < 0:
                    cut = len(text)
            line, text = text[:cut], text[cut:].lstrip(" ")
        line = line.rstrip(" ")
        if line:
            lines.append(indent + line)
    return lines
