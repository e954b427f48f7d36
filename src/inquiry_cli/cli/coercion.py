"""Typer's option coercion, without pydantic, for the plain types inq's options have.

Typer 0.29 coerces every option value through a pydantic TypeAdapter, and importing
pydantic costs 0.13-0.2 s of every run (a third of a `log`). inq's options are str,
bool and Path (and lists of those): for them this does what Typer's own adapters do,
with Typer's own path checks; any other annotation, or a value that is not plain text,
still goes through Typer. Installed once, by cli/base.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

import typer
import typer.core
from typer._coercion import RuntimeParam, build_runtime_param
from typer._param_types import coerce_cli_path

_NOT_PLAIN = object()


def _text(value: Any, _param: Any, _ctx: Any, _info: Any) -> Any:
    return value if isinstance(value, str) else _NOT_PLAIN


def _flag(value: Any, _param: Any, _ctx: Any, _info: Any) -> Any:
    return value if isinstance(value, bool) else _NOT_PLAIN


def _whole(value: Any, param: Any, ctx: Any, _info: Any) -> Any:
    """A whole number as typed (12, +3, -1); not 1.5, not "ten"."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, str):
        return _NOT_PLAIN
    text = value.strip()
    digits = text[1:] if text[:1] in ("+", "-") else text
    if digits.isascii() and digits.isdigit():
        return int(text)
    raise typer.BadParameter(f"{value!r} is not a whole number", ctx=ctx, param=param)


def _path(value: Any, param: Any, ctx: Any, info: Any) -> Any:
    if not isinstance(value, (str, os.PathLike)):
        return _NOT_PLAIN
    # Handing Typer's checker a Path skips the one thing it needs pydantic for.
    path = value if isinstance(value, Path) else Path(value)
    return coerce_cli_path(path, info, path_type=Path, param=param, ctx=ctx)


Coerce = Callable[[Any, Any, Any, Any], Any]


def _plain(annotation: Any, info: Any) -> Coerce | None:
    """How to coerce a value of this annotation without pydantic, or None."""
    if getattr(info, "parser", None) is not None or getattr(info, "click_type", None):
        return None
    if annotation is str:
        return _text
    if annotation is bool:  # (a flag not given may come as None: built all the same)
        return _flag
    if (
        annotation is int
        and getattr(info, "min", None) is None
        and getattr(info, "max", None) is None
    ):
        return _whole
    if annotation is Path and getattr(info, "path_type", None) in (None, Path):
        return _path
    if get_origin(annotation) is list:
        (item,) = get_args(annotation) or (None,)
        one = _plain(item, info)
        if one is None:
            return None

        def each(value: Any, param: Any, ctx: Any, info: Any) -> Any:
            values = value if isinstance(value, (list, tuple)) else [value]
            out = [one(v, param, ctx, info) for v in values]
            return _NOT_PLAIN if any(v is _NOT_PLAIN for v in out) else out

        return each
    return None


@dataclass(frozen=True)
class PlainParam(RuntimeParam):
    """A RuntimeParam for str / Path (lists of them): Typer's coercion minus pydantic."""

    plain: Coerce | None = None
    descriptor: Any = None

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        assert self.plain is not None
        out = self.plain(value, param, ctx, self.parameter_info)
        if out is _NOT_PLAIN:  # (bytes, a number...): Typer's own way
            return build_runtime_param(self.descriptor)._coerce_value(value, param, ctx)
        return out


def _runtime_param(self: Any) -> RuntimeParam:
    if self._runtime_param is None:
        desc = self.type_descriptor
        plain = (
            None
            if desc.file_annotation is not None
            else _plain(desc.annotation, desc.parameter_info)
        )
        if plain is None:
            self._runtime_param = build_runtime_param(desc)
        else:
            self._runtime_param = PlainParam(desc.parameter_info, desc.annotation, plain, desc)
    return self._runtime_param


def install() -> None:
    """Make every Typer parameter coerce plain values this way (idempotent)."""
    typer.core._TyperParameter.get_runtime_param = _runtime_param  # type: ignore[method-assign]
