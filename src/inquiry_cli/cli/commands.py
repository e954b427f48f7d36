"""Which module holds which command, so a run imports only the one it needs.

Importing a command module registers its commands on the app. `inq log ...` needs only
`record`; importing (and Typer building) all eighteen commands would cost a tenth of a
second more. The order is the order of `inq --help`: the salesperson's day.
"""

from __future__ import annotations

import importlib

MODULES: dict[str, tuple[str, ...]] = {
    "workbook_cmds": ("init", "check"),
    "mapping": ("map",),
    "buyers": ("lookup",),
    "intake": ("intake",),
    "record": ("add", "inquiry", "log"),
    "grading": ("grade",),
    "due": ("due",),
    "quoting": ("quote",),
    "samples": ("sample",),
    "mail": ("mail",),
    "reports": ("report", "stats", "trip"),
    "dedupe": ("dedupe", "merge"),
    "history": ("backups", "undo"),
}
MODULE_OF = {command: module for module, commands in MODULES.items() for command in commands}


def register(command: str | None = None) -> None:
    """Import the module of `command`, or every module (help, or a name we do not know)."""
    names = [MODULE_OF[command]] if command in MODULE_OF else list(MODULES)
    for name in names:
        importlib.import_module(f"inquiry_cli.cli.{name}")
