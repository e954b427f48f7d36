"""JSON for scripts (--json): stable keys as given, ISO dates, UTF-8, controls escaped."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

# A due list names the same days and minutes thousands of times: each is written once.
_ISO: dict[dt.datetime, str] = {}


def _default(value: Any) -> Any:
    if value.__class__ is dt.datetime:
        text = _ISO.get(value)
        if text is None:
            if len(_ISO) > 100_000:
                _ISO.clear()
            text = _ISO[value] = value.isoformat(
                timespec="minutes" if not value.second else "seconds"
            )
        return text
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


def print_json_items(items: Iterable[Any], chunk: int = 2000) -> None:
    """print_json of a list made as it is written: the same text, without the whole list
    and its whole JSON in memory at once (a due list of 40,000 items)."""
    if sys.stdout.isatty():
        print_json(list(items))
        return
    write = sys.stdout.write
    write("[")
    first = True
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == chunk:
            write(("" if first else ", ") + dumps_json(batch, None)[1:-1])
            first = False
            batch.clear()
    if batch:
        write(("" if first else ", ") + dumps_json(batch, None)[1:-1])
    write("]\n")
    sys.stdout.flush()


def print_json(data: Any) -> None:
    """JSON for scripts on stdout: UTF-8, stable keys as given, ISO dates.

    Indented on a terminal; compact when piped (json's C encoder only runs without
    indent, which matters for 10,000 items).
    """
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(dumps_json(data, indent) + "\n")
    sys.stdout.flush()
