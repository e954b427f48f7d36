"""Memory a sheet's read freed, given back to the system before the next sheet is read.

python-calamine lays a sheet out in Rust and frees it once the Python rows are made; glibc
keeps what was freed for the process (the top of each arena is only returned when it is
free), so a six-sheet read peaked at the sum of every sheet's layout. malloc_trim hands
the free pages back: a 50k-buyer `due` peaks 30-60 MB lower and `lookup` 56 MB, as fast.
Pages handed back are faulted in again when the next sheet needs them, so on a small
read it costs more than it saves (own-10k `due`: 3-5 % slower): only a sheet of WORTH
rows or more is worth it. Elsewhere than glibc, nothing.
"""

from __future__ import annotations

import sys
from typing import Any

_trim: Any = None
if sys.platform.startswith("linux"):
    try:
        import ctypes

        _trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # (musl has no malloc_trim)
        _trim = None


WORTH = 40_000  # rows of a sheet just read


def give_back(rows: int) -> None:
    """After reading a sheet of `rows` rows: the heap's free pages back to the system."""
    if _trim is not None and rows >= WORTH:
        _trim(0)
