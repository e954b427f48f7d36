"""`inq init` and `inq check`: create a contract workbook, and diagnose any workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from inquiry_cli.cli import reads
from inquiry_cli.cli.base import app
from inquiry_cli.cli.context import state
from inquiry_cli.cli.options import Json
from inquiry_cli.output.terminal import echo


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to create the new .xlsx workbook.")],
    remember: Annotated[
        bool,
        typer.Option(
            "--remember/--no-remember",
            help="Save PATH in the config file so later commands need no -w.",
        ),
    ] = True,
) -> None:
    """Create a new workbook with every sheet inq uses, ready to fill in.

    Refuses to overwrite an existing file. Fill in the Company sheet before quoting.

    Example: inq init customers.xlsx
    """
    from inquiry_cli import config
    from inquiry_cli.contract import schema
    from inquiry_cli.workbook.create import new_workbook, save_new

    save_new(new_workbook(), path)
    echo(f"Created {path} with sheets {', '.join(s.title for s in schema.SHEETS)}.")
    if remember:
        cfg = config.remember_workbook(path)
        echo(f"Saved as your default workbook in {cfg}.")
    echo("Next: fill in the Company sheet, then add buyers or open it in Excel.")


@app.command()
def check(ctx: typer.Context, as_json: Json = False) -> None:
    """Check how inq reads the workbook: sheets, columns and rows with problems.

    Changes nothing. Exits 0 when clean, 1 when it found problems (bad email,
    unknown grade, unreadable date, duplicate buyers, unknown Buyer IDs).

    Example: inq -w sample_workbook.xlsx check
    """
    from inquiry_cli.domain.check import check as run_check
    from inquiry_cli.workbook import read

    book = read.read(state(ctx).workbook, reads.CHECK.sheets)
    report = run_check(book)
    if as_json:
        from inquiry_cli.output.json_output import print_json

        print_json(report.to_json())
    else:
        _print_check(report)
    if not report.ok:
        raise typer.Exit(1)


def _print_check(report) -> None:
    from rich.table import Table

    from inquiry_cli.output.console import console

    out = console()
    out.print(f"Workbook: {report.workbook}")
    table = Table(box=None, pad_edge=False, header_style="bold")
    for name in ("Sheet", "Read from", "Header row", "Rows", "Missing columns"):
        table.add_column(name, overflow="fold")
    for s in report.sheets:
        if s.found is None:
            table.add_row(s.title, "(not found)", "", "", "")
            continue
        table.add_row(
            s.title,
            s.found,
            str(s.header_row or ""),
            str(s.rows),
            ", ".join(s.missing_columns) or "-",
        )
    out.print(table)
    for s in report.sheets:
        if s.found is None:
            continue
        renamed = [f"{user} → {ours}" for ours, user in s.columns.items() if user != ours]
        if renamed:
            out.print(f"{s.title} columns read from: " + "; ".join(renamed))
        if s.unknown_columns:
            out.print(f"{s.title} columns kept as they are: " + ", ".join(s.unknown_columns))
    for d in report.date_orders:
        out.print(
            f"{d.sheet} column {d.column!r}: {d.dates} date{'s' if d.dates != 1 else ''} "
            f"like 03/11/2026 read {d.order} ({d.why})",
            markup=False,
        )
    missing = [s.title for s in report.sheets if s.found is None]
    if missing:
        out.print(
            "Sheets not found (added with English headers when a command first needs them): "
            + ", ".join(missing)
        )
    if report.ok:
        out.print("OK: no problems found.")
        return
    n = len(report.problems)
    out.print(f"{n} problem{'s' if n != 1 else ''}:")
    for p in report.problems:
        out.print(f"  {p.sheet} row {p.row}, {p.column}: {p.message}", markup=False)
