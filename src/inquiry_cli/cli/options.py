"""Options several commands share, defined once so they read and behave the same."""

from __future__ import annotations

from typing import Annotated

import typer

ForceOutput = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Replace an existing output file (never the workbook or its backups).",
    ),
]

Json = Annotated[
    bool, typer.Option("--json", help="Print JSON for scripts (stable keys, ISO dates).")
]
DryRun = Annotated[
    bool, typer.Option("--dry-run", "-n", help="Show the change without writing anything.")
]
