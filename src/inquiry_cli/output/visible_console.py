"""The rich Console inq prints with, which shows control characters instead of obeying them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.segment import Segment

from inquiry_cli.output.terminal import CONTROL, visible


class VisibleConsole(Console):
    """Every string is spelt out by `visible` before rich lays it out (so tables keep
    their widths), and every segment is checked again before styles are applied (for
    text that reached rich another way). rich itself drops only BEL, BS, VT, FF and CR."""

    def render_str(self, text: str, **kwargs: Any):
        return super().render_str(visible(text), **kwargs)

    def render(self, renderable: Any, options: Any = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and CONTROL.search(segment.text):
                yield Segment(visible(segment.text), segment.style)
            else:
                yield segment
