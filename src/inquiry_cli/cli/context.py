"""The one per-run state object: which workbook, what "now" is, how to print."""

from __future__ import annotations

import datetime as dt
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer

from inquiry_cli import config, dates
from inquiry_cli.cli import reads


@dataclass
class AppState:
    """Built once in the root callback and handed to every command via ctx.obj."""

    workbook_option: Path | None = None
    _now: dt.datetime | None = field(default=None, repr=False)
    _workbook: Path | None = field(default=None, repr=False)

    @property
    def workbook(self) -> Path:
        """The resolved workbook path (-w, INQ_WORKBOOK, config), once a run; raises if none."""
        if self._workbook is None:
            self._workbook = config.resolve_workbook(self.workbook_option)
        return self._workbook

    @contextmanager
    def writing(self, dry_run: bool = False) -> Iterator[None]:
        """Hold the workbook's lock from a command's read to its write.

        Two inq runs on one workbook then take turns; otherwise the second, having read
        before the first wrote, would be refused as a concurrent change (and IDs like
        B0042 could be handed out twice).
        """
        if dry_run:
            yield
            return
        import inquiry_cli.workbook.verify

        # The block ends in a write: import its code now, while the launcher's early read
        # of the workbook is still running on the other core.
        import inquiry_cli.workbook.write  # noqa: F401
        from inquiry_cli.workbook.guard import exclusive
        from inquiry_cli.workbook.probe import probe, refuse_ods

        path = self.workbook
        refuse_ods(probe(path))  # a missing file gets its own clear error, not a lock folder
        with exclusive(path, self.lock_wait, on_wait=self._say_waiting, command=self.command):
            yield

    @property
    def command(self) -> str:
        """This run's command line, as the backup log and a waiting run show it."""
        return shlex.join(["inq", *sys.argv[1:]])[:200]

    def lock_wait(self) -> float:
        """Seconds to wait for another inq run's write: Settings lock_wait_seconds.

        Asked only when another run holds the lock, so an uncontended write never reads
        the Settings sheet for it.
        """
        from inquiry_cli.domain.settings import Settings
        from inquiry_cli.errors import InqError
        from inquiry_cli.workbook import read

        try:
            book = read.load(self.workbook, reads.SETTINGS.sheets)
            return Settings.from_sheet(book.key_values("settings")).lock_wait_seconds
        except InqError:
            return Settings.lock_wait_seconds

    def _say_waiting(self, holder: Any, wait: float) -> None:
        from inquiry_cli.output.terminal import visible

        who = f" ({visible(holder.describe())})" if holder is not None else ""
        typer.echo(
            f"Waiting up to {wait:g} s for another inq run to finish writing "
            f"{self.workbook.name}{who}...",
            err=True,
        )

    @property
    def now(self) -> dt.datetime:
        if self._now is None:
            self._now = dates.now()
        return self._now


def state(ctx: typer.Context) -> AppState:
    """The run's AppState (made on demand when a command is invoked on its own)."""
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    return root.obj
