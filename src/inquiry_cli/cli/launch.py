"""The `inq` console script: give the workbook read a head start, run the app, leave fast."""

from __future__ import annotations

import contextlib
import gc
import os
import sys


def main() -> None:
    """Start the early read (before Typer is even imported), run the command, exit."""
    # A read of a big workbook makes millions of objects that live until the run ends;
    # the cyclic collector would walk them over and over (a sixth of a 10k `due`). Young
    # garbage is still collected, every half million allocations, not every 700.
    gc.set_threshold(500_000, 20, 10)
    command: str | None = None
    if sys.argv[1:] not in ([], ["--help"], ["-h"]):  # (the app's help reads nothing)
        _few_arenas()
        from inquiry_cli.output import progress

        progress.mark_start()  # (a bar shows once the run has taken a second)
        from inquiry_cli.cli import reads

        sys.argv[1:] = reads.hoist_workbook(sys.argv[1:])  # `inq due -w x.xlsx` too
        reads.start_for(sys.argv[1:], spare=_spared)
        command = reads.command_of(sys.argv[1:])
    from inquiry_cli.cli import commands
    from inquiry_cli.cli.base import app

    commands.register(command)

    try:
        app(prog_name="inq")
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    leave(code)


def _spared(path, what) -> bool:
    """Whether the early read is not needed: a lookup or a due answered from the cache."""
    from inquiry_cli.cli import reads

    if what is reads.DUE:
        from inquiry_cli.cli import due_digest

        return due_digest.spares_read(path)
    from inquiry_cli.cli import lookup_index

    return lookup_index.spares_read(path, what)


def _few_arenas() -> None:
    """At most two malloc arenas (glibc): the reading threads each free what calamine laid
    out, and with an arena per thread that memory stays the process's (a 50k `due` peaks
    90 MB lower, as fast)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX


def leave(code: object) -> None:
    """Exit without tearing the interpreter down object by object.

    By now every file inq wrote is closed and replaced, and every lock released (all in
    `with` blocks); what is left is freeing the rows it read, about 0.1 s on a big
    workbook that nobody needs. Output is flushed first; a closed pipe is not an error.
    """
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)
