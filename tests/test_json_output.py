"""--json as scripts read it: what orjson writes parses to what the stdlib wrote, and
what orjson refuses is still written."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from inquiry_cli.output.json_output import _default, dumps_json

ODD = {
    "minute": dt.datetime(2026, 11, 27, 10, 0),
    "second": dt.datetime(2026, 11, 27, 10, 0, 5),
    "aware": dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    "day": dt.date(2026, 2, 28),
    "money": Decimal("12.50"),
    "file": Path("/tmp/q.txt"),
    "text": 'Müller 张三 "quoted" back\\slash tab\t',
    "bidi": "evil\u202etxt.exe",
    "del": "a\x7fb\x85c",
    "numbers": [0, -1, 1.5, 1e16, 2**63 - 1, True, None],
    "nested": [{"a": []}, {}],
}


@pytest.mark.parametrize("indent", [True, False])
def test_orjson_parses_to_what_the_stdlib_wrote(indent):
    ours = dumps_json(ODD, indent)
    stdlib = json.dumps(ODD, ensure_ascii=False, default=_default)
    assert json.loads(ours) == json.loads(stdlib)
    assert json.loads(ours)["minute"] == "2026-11-27T10:00"
    assert json.loads(ours)["second"] == "2026-11-27T10:00:05"
    assert ("\n  " in ours) is indent
    for raw in ("\u202e", "\x7f", "\x85"):
        assert raw not in ours  # (escaped: a terminal never sees them raw)
    assert "\\u202e" in ours and "Müller 张三" in ours


def test_what_orjson_refuses_the_stdlib_writes():
    big = {"id": 2**70, 5: "int key"}
    assert json.loads(dumps_json(big, False)) == {"id": 2**70, "5": "int key"}
    with pytest.raises(TypeError):
        dumps_json({"x": object()})
