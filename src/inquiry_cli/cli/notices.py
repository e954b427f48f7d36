"""The one line the first command says when the workbook leaves an everyday job blind.

`inq check` tells the whole story; a user who never runs it still hears, once, that
(say) `due` cannot see any last-contact date. "Once" is remembered in a small state file
in the user's cache folder (config.cache_dir(), notices.json), keyed by the workbook's
real path, holding the jobs already named: a job named once is not named again while it
stays blind; once fixed it is forgotten, so a new blindness is said again. A notice never
stops a command: any error here is swallowed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # (the records module is not needed to listen: a repeat lookup reads none)
    from inquiry_cli.contract.records import Workbook

STATE_FILE = "notices.json"
_MAX_WORKBOOKS = 200  # the state file forgets the oldest workbooks beyond this
_quiet = [False]


def listen() -> None:
    """From now on (this run), every read of the workbook may say its blind jobs."""
    from inquiry_cli.workbook import ON_READ  # (not the reader: a repeat lookup reads nothing)

    _quiet[0] = False
    ON_READ[:] = [after_read]


def quiet() -> None:
    """This run shows every job itself (`inq check`): no notice."""
    _quiet[0] = True


def after_read(book: Workbook) -> None:
    """After a command's read: say (on stderr) the blind jobs not said before."""
    if _quiet[0]:
        return
    try:
        from inquiry_cli.domain.jobs import jobs

        judged = jobs(book)
        blind = [j for j in judged if j.blind]
        new = _remember(book, [j.name for j in blind], judged=[j.name for j in judged])
        if new:
            from inquiry_cli.output.terminal import echo

            named = [j for j in blind if j.name in new]
            what = "; ".join(f"{j.name} ({j.command}) blind: {j.lacks[0]}" for j in named)
            echo(f"Warning: {book.path.name}: {what}; run `inq check` for the fix", err=True)
    except Exception:  # a notice must never stop the command
        return


def said(book: Workbook, jobs: Iterable[Any]) -> None:
    """`inq check` showed every job: remember its blind ones as said."""
    try:
        judged = list(jobs)
        _remember(book, [j.name for j in judged if j.blind], [j.name for j in judged])
    except Exception:
        return


def _remember(book: Workbook, blind: list[str], judged: list[str]) -> list[str]:
    """Record the blind jobs of this workbook; return those not said before. Jobs this
    read could not judge keep what was remembered of them."""
    from inquiry_cli.config import cache_dir

    if not blind and not _exists(cache_dir()):
        return []
    path = cache_dir() / STATE_FILE
    state = _load(path)
    key = os.path.realpath(book.path)
    before = set(state.get(key, []))
    now = (before - set(judged)) | set(blind)
    new = [n for n in blind if n not in before]
    if now == before:
        return new
    state.pop(key, None)
    if now:
        state[key] = sorted(now)
    while len(state) > _MAX_WORKBOOKS:
        state.pop(next(iter(state)))
    _save(path, state)
    return new


def _exists(folder: Path) -> bool:
    return (folder / STATE_FILE).is_file()


def _load(path: Path) -> dict[str, list[str]]:
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: [str(n) for n in v] for k, v in data.items() if isinstance(v, list)}


def _save(path: Path, state: dict[str, list[str]]) -> None:
    """Through the gate for inq's own files: two runs at once never leave half a file."""
    import json

    from inquiry_cli.output.files import replace_own

    replace_own(path, json.dumps(state, ensure_ascii=False, indent=1).encode("utf-8"))
