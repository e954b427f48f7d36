"""output.wrapping.hang cuts the same lines as textwrap, which it replaces for speed."""

from __future__ import annotations

import random
import textwrap

from inquiry_cli.output.wrapping import hang

_PIECES = ["a", "Zb", "é", "汉字", " ", "  ", "\t", "\n", "\r\n", "-", "x" * 70, "word"]


def test_hang_cuts_the_lines_textwrap_cuts():
    rng = random.Random(3)
    for _ in range(20_000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 30)))
        width = rng.randint(3, 90)
        first = " " * rng.randint(0, 12) + rng.choice(["", "Contacts (3): "])
        rest = " " * rng.randint(0, 14)
        expected = textwrap.wrap(
            text,
            width=width,
            initial_indent=first,
            subsequent_indent=rest,
            break_long_words=False,
            break_on_hyphens=False,
        )
        assert hang(text, width, first, rest) == expected, (text, width, first, rest)


def test_hang_on_a_contact_summary():
    text = "Sent revised quote:\tUSD 10.08/pc,\nexplained driver and LED chip brands"
    assert hang(text, 30, "     Contacts: ", "       ") == [
        "     Contacts: Sent revised",
        "       quote:     USD",  # (the tab to its 8-column stop, as textwrap has it)
        "       10.08/pc, explained",
        "       driver and LED chip",
        "       brands",
    ]
    assert hang("   ", 30, "x", "y") == []
