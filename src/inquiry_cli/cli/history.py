"""`inq undo` and `inq backups`: the workbook's write history, kept in inq-backups/."""

import typer

from inquiry_cli.cli.base import app
from inquiry_cli.cli.context import state
from inquiry_cli.cli.options import Json
from inquiry_cli.output.terminal import echo


@app.command()
def undo(ctx: typer.Context) -> None:
    """Put the workbook back as it was before the last inq write.

    The undo is itself a write (with a backup), so running undo again redoes.
    Refused if the workbook was edited since (e.g. in Excel): the message names the
    backup to copy back by hand.

    Example: inq -w customers.xlsx undo
    """
    from inquiry_cli.workbook.undo import undo as undo_last

    st = state(ctx)
    with st.writing():
        result = undo_last(st.workbook)
    for note in result.notes:
        echo(f"Note: {note}", err=True)
    echo(
        f"Undid {result.undid or 'the last write'}: {result.path.name} restored from "
        f"{result.restored_from.name} (run `inq undo` again to redo)."
    )
    from inquiry_cli.cli import due_digest

    due_digest.after_write(st.workbook, st.now)  # (today's due lists, of the file restored)


@app.command()
def backups(
    ctx: typer.Context,
    as_json: Json = False,
) -> None:
    """List the workbook's backups (newest first) and the command that made each.

    Backups live in the inq-backups folder beside the workbook; the last 10 are kept.

    Example: inq -w customers.xlsx backups --json
    """
    from inquiry_cli.workbook.backups import backup_dir, list_backups

    path = state(ctx).workbook
    entries = list_backups(path)
    if as_json:
        from inquiry_cli.output.json_output import print_json

        print_json([e.to_json() for e in entries])
        return
    if not entries:
        echo(f"No backups of {path.name} yet (inq makes one before every write).")
        return
    echo(f"Backups of {path.name} in {backup_dir(path)} (newest first):")
    for e in entries:
        echo(f"  {e.time:%Y-%m-%d %H:%M:%S}  {e.command or '-':<20}  {e.file.name}")
