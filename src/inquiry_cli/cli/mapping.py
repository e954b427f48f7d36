"""`inq map`: see how each column is read, and say which column is which."""

from typing import Annotated

import typer

from inquiry_cli.cli import reads
from inquiry_cli.cli.base import app
from inquiry_cli.cli.context import state
from inquiry_cli.cli.options import DryRun, Json
from inquiry_cli.output.terminal import echo


@app.command("map")
def map_(
    ctx: typer.Context,
    sheet: Annotated[
        str | None,
        typer.Argument(help="The sheet: Buyers, Inquiries, Contacts... or your sheet's name."),
    ] = None,
    field: Annotated[
        str | None,
        typer.Argument(
            help='The field, e.g. "Last contact" (see `inq map`); or, alone, your sheet to '
            "read SHEET from."
        ),
    ] = None,
    header: Annotated[
        str | None, typer.Argument(help="Your column's header, as it is written.")
    ] = None,
    none: Annotated[
        bool, typer.Option("--none", help="Say the sheet has no such column (inq stops asking).")
    ] = False,
    reset: Annotated[
        bool, typer.Option("--reset", help="Forget every mapping set with inq map.")
    ] = False,
    as_json: Json = False,
    dry_run: DryRun = False,
) -> None:
    """Show how every column is read (header, how, sure), or say which column is which.

    `inq map SHEET FIELD HEADER` reads FIELD from your column HEADER; `--none` says the
    sheet has none; `inq map Buyers "Kunden 2026"` reads the buyers from your sheet of
    that name; `--reset` forgets them all. The mapping is kept inside the workbook
    (a very hidden sheet, not in Excel's Unhide list), so it travels with the file; it wins
    over every guess, and a column keeps its mapping when you move it. Nothing you see in
    the workbook changes.

    Example: inq map Buyers "Last contact" "跟单日期"
    """
    from inquiry_cli.errors import UsageError

    given = [x for x in (sheet, field, header) if x is not None]
    if reset and (given or none):
        raise UsageError("--reset takes no sheet, field or header")
    if none and (header is not None or len(given) != 2):
        raise UsageError('--none takes a sheet and a field: inq map Buyers "Last contact" --none')
    if not reset and not none and len(given) not in (0, 2, 3):
        raise UsageError(
            'give a sheet, a field and your header: inq map Buyers "Last contact" "跟单日期"'
            ' (a sheet and your sheet\'s name: inq map Buyers "Kunden 2026"; no arguments to'
            " see every mapping)"
        )
    from inquiry_cli.cli import notices

    notices.quiet()  # inq map shows (or fixes) what a notice would say
    st = state(ctx)
    if not given and not reset:
        _show(st, as_json)
        return
    _change(st, sheet, field, header, reset=reset, none=none, dry_run=dry_run, as_json=as_json)


def _read(st):
    from inquiry_cli.workbook import read

    return read.read(st.workbook, reads.MAP.sheets, headers_only=reads.MAP.heads)


def _show(st, as_json: bool, only: str | None = None) -> None:
    """Every field of every sheet (`only`: of that contract sheet), and how it is read."""
    from inquiry_cli.domain import mapping

    book = _read(st)
    rows = [r for r in mapping.rows(book) if only is None or r.sheet == only]
    if as_json:
        from inquiry_cli.output.json_output import print_json

        print_json({"workbook": str(book.path), "layout": book.layout,
                    "fields": [r.to_json() for r in rows]})  # fmt: skip
        return
    from rich.table import Table

    from inquiry_cli.output.console import console

    out = console()
    advice = mapping.unread_buyers(book) if only is None else None
    if advice is not None:
        out.print(advice, markup=False)
    if book.layout != "sheets":
        out.print("Layout: one row per inquiry (Buyers and Inquiries read from one sheet)")
    for sheet in dict.fromkeys(r.sheet for r in rows):
        mine = [r for r in rows if r.sheet == sheet]
        where = mine[0].found
        out.print(sheet if where == sheet else f"{sheet} (sheet {where})", markup=False)
        table = Table(box=None, pad_edge=True, header_style="bold", show_header=False)
        for name in ("Field", "Column", "How", "Why"):
            table.add_column(name, overflow="fold")
        for r in mine:
            if r.how == "missing":
                continue
            how = r.how if r.sure or r.how == "likely" else f"{r.how}, a GUESS"
            table.add_row(r.field, r.header or "-", how, r.why)
        if table.row_count:
            out.print(table)
        missing = [r.field for r in mine if r.how == "missing"]
        if missing:
            out.print(f"  not in the sheet: {', '.join(missing)}", markup=False)
    unread = mapping.unread_headers(book, only) if only is not None else []
    if unread:
        out.print(f"  columns not read: {', '.join(repr(h) for h in unread)}", markup=False)
    out.print(
        'Set one: inq map SHEET FIELD HEADER   (e.g. inq map Buyers "Last contact" "跟单日期"); '
        "--none for a column you do not keep; --reset to forget them all.",
        markup=False,
    )


def _change(
    st, sheet, field, header, *, reset: bool, none: bool, dry_run: bool, as_json: bool
) -> None:
    from inquiry_cli.domain import mapping

    whole_sheet = header is None and not none and not reset  # inq map Buyers "Kunden 2026"
    with st.writing(dry_run):
        book = _read(st)
        if reset:
            changes, lines = mapping.reset(book)
        elif whole_sheet:
            changes, lines = mapping.set_sheet(book, sheet, field, st.now)
        else:
            changes, lines = mapping.set_field(book, sheet, field, header, st.now)
        if not dry_run and not changes.is_empty():
            from inquiry_cli.workbook.write import apply

            changes.command = st.command
            result = apply(st.workbook, changes, stamp=book.stamp)
            for note in result.notes:
                echo(f"Note: {note}", err=True)
    if as_json:
        from inquiry_cli.output.json_output import print_json

        print_json({"changed": not changes.is_empty() and not dry_run, "lines": lines})
    else:
        for line in lines:
            echo(("Would: " if dry_run and not changes.is_empty() else "") + line)
    if not dry_run and not changes.is_empty() and whole_sheet and not as_json:
        from inquiry_cli.contract.usermap import sheet_spec

        spec = sheet_spec(sheet or "") or sheet_spec(field or "")
        if spec is not None:  # the sheet as it is read now, and the fields left to say
            _show(st, False, only=spec.title)
    if not dry_run and not changes.is_empty():  # today's due lists, read as mapped now
        from inquiry_cli.cli import due_digest

        due_digest.after_write(st.workbook, st.now)
