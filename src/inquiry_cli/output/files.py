"""The one gate for every file inq writes that is not the workbook: --out, --ics, --mbox, .eml,
and inq's own state files (the config file, the notices it remembers: `replace_own`).

Such a file is inq's own, but the path is the user's to type, and a slip must never cost
data: the gate refuses an existing file unless --force, refuses the workbook itself and
inq's backups even with --force (however the path names them: a link, `..`, another
case), never writes through a symbolic link, and writes atomically (a temp file in the
same folder, synced, then renamed into place), so a failure leaves the old file as it was
and no temp file behind. Every refusal is one line: "not writing PATH: why".
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from inquiry_cli import fsops
from inquiry_cli.contract.places import BACKUP_DIR
from inquiry_cli.errors import OutputRefused

Content = bytes | Callable[[BinaryIO], None]  # the bytes, or a writer given the open file


def refuse(path: Path, why: str) -> OutputRefused:
    """The one wording of every refusal (exit 1)."""
    return OutputRefused(f"not writing {path}: {why}")


def check_target(path: Path, *, workbook: Path, force: bool = False) -> None:
    """Refuse `path` as a target before any work is done (`write` checks again)."""
    if os.path.islink(path):  # dangling or not: the link itself is what the user named
        raise refuse(path, "it is a symbolic link (inq never writes through one): name the file")
    refuse_protected(path, workbook=workbook)
    if os.path.isdir(path):
        raise refuse(path, "that is a folder: name a file")
    if os.path.lexists(path) and not force:
        raise refuse(path, "it already exists: name a new file, or add --force to replace it")
    folder = path.absolute().parent
    if not folder.is_dir():
        raise refuse(path, f"folder {folder} does not exist")


def refuse_protected(path: Path, *, workbook: Path) -> None:
    """Refuse the workbook itself and anything inside an inq-backups folder, even with --force."""
    if _is_workbook(path, workbook):
        raise refuse(path, "that is the workbook itself: name another file")
    if _in_backups(path):
        raise refuse(path, f"it is inside {BACKUP_DIR}/, where inq keeps the workbook's backups")


def write(path: Path, content: Content, *, workbook: Path, force: bool = False) -> None:
    """Write `content` to `path` atomically, or raise OutputRefused (nothing changed)."""
    check_target(path, workbook=workbook, force=force)
    folder = path.absolute().parent
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}{fsops.TEMP_SUFFIX}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise refuse(path, why(exc)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            if callable(content):
                content(fh)
            else:
                fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        _move_into_place(tmp, path, force)
    except OSError as exc:
        raise refuse(path, why(exc)) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    fsops.fsync_dir(folder)


def replace_own(
    path: Path, content: bytes | Sequence[bytes | bytearray], *, cache: bool = False
) -> None:
    """Replace one of inq's own files (config, cache state) atomically: a temp file in the
    same folder, synced, then renamed over it; a symbolic link (a config kept with one's
    dotfiles) is written at its target and stays a link. Two runs at once: the last wins,
    never half a file. `content` may come in pieces (the lookup index: tens of MB, never
    joined). A `cache` file (an index, a digest: buyers' names and emails) is readable by
    the user alone, and written at its own path: a link there is replaced, never written
    through. Raises OSError (the caller decides whether that matters)."""
    target = Path(os.path.abspath(path) if cache else os.path.realpath(path))
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{target.name}.{secrets.token_hex(4)}{fsops.TEMP_SUFFIX}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o600 if cache else 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            for piece in (content,) if isinstance(content, bytes) else content:
                fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
        if not cache:
            with contextlib.suppress(OSError):  # keep the replaced file's permissions
                os.chmod(tmp, os.stat(target).st_mode & 0o7777)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    fsops.fsync_dir(folder)


def _move_into_place(tmp: Path, path: Path, force: bool) -> None:
    if force and os.path.lexists(path):
        if os.path.islink(path):  # became a link since the check: still not through it
            raise refuse(path, "it is a symbolic link (inq never writes through one)")
        with contextlib.suppress(OSError):  # keep the replaced file's permissions
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
        return
    try:
        fsops.rename_noreplace(tmp, path)
    except FileExistsError:
        raise refuse(path, "it appeared while inq was writing: name a new file") from None


def _is_workbook(path: Path, workbook: Path) -> bool:
    """The same file by identity (hard link, symlink, case) or by real path (`..`)."""
    if fsops.same_file(path, workbook):
        return True
    return _real(path) == _real(workbook)


def _in_backups(path: Path) -> bool:
    backups = os.path.normcase(BACKUP_DIR)
    return any(os.path.normcase(part).casefold() == backups for part in Path(_real(path)).parts)


def _real(path: Path) -> str:
    return os.path.normcase(os.path.realpath(path))


def why(exc: OSError) -> str:
    """The system's reason, lower-cased to read as the end of a sentence."""
    reason = exc.strerror or str(exc) or exc.__class__.__name__
    return reason[:1].lower() + reason[1:]
