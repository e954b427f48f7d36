"""Reading, creating and safely editing the user's .xlsx workbook."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inquiry_cli.contract.records import Workbook

# Called with every workbook a command reads (the command line's notices: cli/notices.py).
# Kept here, not in read.py, so that a command listens without importing the reader: a
# repeat lookup answers from its index and reads nothing.
ON_READ: list[Callable[[Workbook], None]] = []
