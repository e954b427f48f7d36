"""Memory a sheet's read freed, given back to the system before the next sheet is read.

python-calamine lays a sheet out in Rust and frees it once the Python rows are made; glibc
keeps what was freed for the process (the top of each arena is only returned when it is
free), so a six-sheet read peaked at the sum of every sheet's layout. malloc_trim hands
the free pages back: a 50k-buyer `due` peaks about 30 MB lower. Elsewhere, nothing.
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


def give_back() -> None:
    """Return the free pages of the heap to the system (glibc), else nothing."""
    if _trim is not None:
        _trim(0)
