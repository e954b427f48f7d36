"""Output in one place: the rich Console, JSON with stable keys and ISO dates."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


@cache
def console(stderr: bool = False) -> Console:
    """The run's Console: no colour when NO_COLOR is set or output is not a terminal;
    control characters in workbook text shown as \x1b and the like (output.terminal).

    No file is bound: rich then writes to whatever sys.stdout/stderr is at print time,
    which keeps in-process test runs (CliRunner swaps the streams) working.
    """
    from inquiry_cli.output.console import VisibleConsole

    # markup=False: workbook text like "ACME [Pty] Ltd" prints as typed, in tables too;
    # the few lines that style themselves pass markup=True and escape what they insert.
    return VisibleConsole(
        stderr=stderr,
        markup=False,
        highlight=False,
        no_color=bool(os.environ.get("NO_COLOR")),
        soft_wrap=True,  # long lines stay whole (paths, emails); tables still fit the width
    )


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes" if not value.second else "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "__fspath__"):
        return os.fspath(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps_json(data: Any, indent: int | None = 2) -> str:
    """UTF-8 JSON; DEL, C1 and bidi controls escaped too (json escapes only C0)."""
    from inquiry_cli.output.terminal import json_safe

    return json_safe(json.dumps(data, ensure_ascii=False, indent=indent, default=_default))


def print_json(data: Any) -> None:
    """JSON for scripts on stdout: UTF-8, stable keys as given, ISO dates.

    Indented on a terminal; compact when piped (json's C encoder only runs without
    indent, which matters for 10,000 items).
    """
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(dumps_json(data, indent) + "\n")
    sys.stdout.flush()
