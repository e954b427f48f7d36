"""`inq init` and `inq check`: create a contract workbook, and diagnose any workbook."""

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
        from inquiry_cli.errors import InqError
        from inquiry_cli.output.files import replace_own

        cfg, text = config.remembered(path)
        try:
            replace_own(cfg, text.encode("utf-8"))
        except OSError as exc:
            raise InqError(f"created {path}, but could not save it in {cfg}: {exc}") from None
        echo(f"Saved as your default workbook in {cfg}.")
    echo("Next: fill in the Company sheet, then add buyers or open it in Excel.")


@app.command()
def check(ctx: typer.Context, as_json: Json = False) -> None:
    """Check how inq reads the workbook: sheets, columns, rows with problems, and which
    everyday jobs (due, replies, lookup, log, grade, inquiry, quote) can run.

    Changes nothing. Exits 0 when clean, 1 when it found problems (bad email, unknown
    grade, unreadable date, duplicate buyers, unknown Buyer IDs, log rows that name no
    buyer) or a job is blind (a column it needs cannot be read: the fix is shown).

    Example: inq -w sample_workbook.xlsx check
    """
    from inquiry_cli.cli import notices
    from inquiry_cli.domain.check import check as run_check
    from inquiry_cli.output.progress import Progress
    from inquiry_cli.workbook import read

    notices.quiet()
    path = state(ctx).workbook
    with Progress() as progress:
        progress.step(f"Reading {path.name}")
        book = read.read(path, reads.CHECK.sheets)
        progress.step("Checking every row")
        report = run_check(book)
    notices.said(book, report.jobs)
    if as_json:
        from inquiry_cli.output.json_output import print_json

        print_json(report.to_json())
    else:
        _print_check(report)
    if not report.ok:
        raise typer.Exit(1)


def _print_check(report) -> None:
    from rich.table import Table

    from inquiry_cli.contract.usermap import map_command
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
    if report.layout != "sheets":
        buyers = next(s for s in report.sheets if s.key == "buyers")
        inquiries = next(s for s in report.sheets if s.key == "inquiries")
        out.print(
            f"Layout: one row per inquiry on {buyers.found}: {inquiries.rows} inquiries of "
            f"{buyers.rows} buyers (grouped by email, else company; each buyer's latest row "
            "gives their grade and follow-up)",
            markup=False,
        )
    for s in report.sheets:
        if s.found is None:
            continue
        if s.list_object:
            out.print(
                f"{s.title} rows read from the Excel Table {s.list_object} (its header and "
                "totals rows are not records)",
                markup=False,
            )
        if s.read_from:
            out.print(f"{s.title} columns read from: " + "; ".join(s.read_from), markup=False)
        for ours, m in s.guesses:
            out.print(
                f"{s.title} column {m.header} is read as {ours}, a guess ({m.why}): not written "
                f"to until confirmed: {map_command(s.title, ours, m.header)}",
                markup=False,
            )
        if s.unknown_columns:
            out.print(
                f"{s.title} columns kept as they are: " + ", ".join(s.unknown_columns),
                markup=False,
            )
        if s.serial_columns:
            out.print(
                f"{s.title} serial numbers, counted on in each row inq adds: "
                + ", ".join(s.serial_columns),
                markup=False,
            )
    for d in report.date_orders:
        out.print(
            f"{d.sheet} column {d.column!r}: {d.dates} date{'s' if d.dates != 1 else ''} "
            f"like 03/11/2026 read {d.order} ({d.why})",
            markup=False,
        )
    for y in report.yearless:
        out.print(
            f"{y.sheet} column {y.column!r}: {y.dates} date{'s' if y.dates != 1 else ''} "
            f"without a year read as {y.rule} ({y.example} as {y.read_as})",
            markup=False,
        )
    missing = [s.title for s in report.sheets if s.found is None]
    if missing:
        out.print(
            "Sheets not found (added with English headers when a command first needs them): "
            + ", ".join(missing)
        )
    for line in report.stale_mapping:
        out.print(f"Mapping: {line}", markup=False)
    _print_jobs(out, report.jobs)
    waiting = [j.name for j in report.jobs if j.status == "not ready"]
    if report.ok:
        if waiting:
            out.print(f"No problems in the rows; not ready yet: {', '.join(waiting)}.")
        else:
            out.print("OK: no problems found.")
        return
    blind = report.blind
    if blind:
        names = ", ".join(j.name for j in blind)
        out.print(
            f"{len(blind)} job{'s' if len(blind) != 1 else ''} blind: {names} (the fix is "
            "shown above)",
            markup=False,
        )
    n = len(report.problems)
    if n:
        out.print(f"{n} problem{'s' if n != 1 else ''}:")
    for p in report.problems:
        where = f"{p.sheet} row {p.row}, {p.column}" if p.column else f"sheet {p.sheet}"
        out.print(f"  {where}: {p.message}", markup=False)


def _print_jobs(out, jobs) -> None:
    """The everyday jobs: each one's status, what it lacks and the fix."""
    if not jobs:
        return
    out.print("Everyday jobs:")
    names = [f"{j.name} ({j.command})" for j in jobs]
    width = max(len(n) for n in names)
    for name, job in zip(names, jobs, strict=True):
        status = job.status.upper() if job.status in ("blind", "not ready") else job.status
        out.print(f"  {name:<{width}}  {status}: {job.what}", markup=False)
        for lack in job.lacks:
            out.print(f"  {'':<{width}}    - {lack}", markup=False)
        for fix in job.fixes:
            out.print(f"  {'':<{width}}    fix: {fix}", markup=False)
