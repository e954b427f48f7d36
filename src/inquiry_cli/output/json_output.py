"""JSON for scripts (--json): stable keys as given, ISO dates, UTF-8, controls escaped."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import orjson

# Datetimes go through _default (ISO to the minute, as inq writes them); a dataclass is
# refused as the stdlib refuses it, not written field by field.
_BASE = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_OPTIONS = {False: _BASE, True: _BASE | orjson.OPT_INDENT_2}

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


def dumps_json(data: Any, indent: bool = True) -> str:
    """UTF-8 JSON, indented by two spaces or compact; DEL, C1 and bidi controls escaped
    too (JSON escapes only C0).

    orjson writes it (a third of the stdlib's time on a due list of 40,000 items); what
    it refuses (an int past 64 bits, a key that is no string) the stdlib writes.
    """
    from inquiry_cli.output.terminal import json_safe

    try:
        text = orjson.dumps(data, default=_default, option=_OPTIONS[indent]).decode()
    except TypeError:  # (orjson.JSONEncodeError is one)
        compact = (",", ":")
        text = json.dumps(
            data, ensure_ascii=False, default=_default, indent=2 if indent else None,
            separators=None if indent else compact,
        )  # fmt: skip
    return json_safe(text)


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
            write(("" if first else ",") + dumps_json(batch, False)[1:-1])
            first = False
            batch.clear()
    if batch:
        write(("" if first else ",") + dumps_json(batch, False)[1:-1])
    write("]\n")
    sys.stdout.flush()


def print_json(data: Any) -> None:
    """JSON for scripts on stdout: UTF-8, stable keys as given, ISO dates.

    Indented on a terminal; compact when piped (a script reads it, 10,000 items of it).
    """
    sys.stdout.write(dumps_json(data, sys.stdout.isatty()) + "\n")
    sys.stdout.flush()
