"""The `inq` Typer app itself: global options and error handling in one place.

Command modules register on `app` when imported (see commands.py): `cli.app` gives the
app with every command, the launcher imports just the module of the command it runs.
"""

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from inquiry_cli import __version__
from inquiry_cli.cli import coercion
from inquiry_cli.cli.context import AppState
from inquiry_cli.errors import InqError
from inquiry_cli.output.terminal import echo

coercion.install()  # options coerced without importing pydantic (0.13-0.2 s a run)


class InqGroup(TyperGroup):
    """Turns every InqError, and a command's usage error (a missing option, a bad value),
    into one line on stderr and its exit code: no tracebacks, no usage block; and takes
    -w/--workbook after the command name too."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if ctx.parent is None:  # the app itself (the launcher has done this already)
            from inquiry_cli.cli.reads import hoist_workbook

            args = hoist_workbook(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except InqError as exc:
            echo(f"Error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except typer.TyperException as exc:  # click's UsageError and kin (not Exit/Abort)
            if getattr(exc, "exit_code", None) != 2 or not hasattr(exc, "format_message"):
                raise
            where = getattr(exc, "ctx", None)
            hint = f" (see `{where.command_path} -h`)" if where is not None else ""
            echo(f"Error: {exc.format_message().rstrip('.')}{hint}", err=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            typer.echo("Interrupted.", err=True)
            raise typer.Exit(130) from None


app = typer.Typer(
    cls=InqGroup,
    name="inq",
    help="The export salesperson's customer workbook, as commands.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=True,  # inq --install-completion: bash, zsh, fish, PowerShell
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"inq {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    workbook: Annotated[
        Path | None,
        typer.Option(
            "--workbook",
            "-w",
            help="The .xlsx workbook (else $INQ_WORKBOOK, else the config file).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """The export salesperson's customer workbook, as commands.

    Example: inq -w sample_workbook.xlsx check
    """
    ctx.obj = AppState(workbook_option=workbook)
    from inquiry_cli.cli import notices

    notices.listen()
