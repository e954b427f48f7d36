"""The run's rich Console (tables and lines for people), made once, lazily."""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


@cache
def console(stderr: bool = False) -> Console:
    """The run's Console: no colour when NO_COLOR is set or output is not a terminal;
    control characters in workbook text shown as \x1b and the like (output.terminal).

    No file is bound: rich then writes to whatever sys.stdout/stderr is at print time,
    which keeps in-process test runs (CliRunner swaps the streams) working.
    """
    from inquiry_cli.output.visible_console import VisibleConsole

    # markup=False: workbook text like "ACME [Pty] Ltd" prints as typed, in tables too;
    # the few lines that style themselves pass markup=True and escape what they insert.
    return VisibleConsole(
        stderr=stderr,
        markup=False,
        highlight=False,
        no_color=bool(os.environ.get("NO_COLOR")),
        soft_wrap=True,  # long lines stay whole (paths, emails); tables still fit the width
    )


def print_lines(out: Console, lines: list[Text]) -> None:
    """Lines already laid out (wrapped to the width), printed as one: through rich on a
    terminal (their styles), as their plain text when no style would show (piped, or
    NO_COLOR), which is the same text without rich's layout of 6,000 lines of a trip."""
    import sys

    from rich.text import Text

    if out.is_terminal or out.color_system is not None or out.file is not sys.stdout:
        out.print(Text("\n").join(lines))
        return
    from inquiry_cli.output.terminal import visible

    sys.stdout.write("\n".join([visible(line.plain) for line in lines]) + "\n")
