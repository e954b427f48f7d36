"""Calls into python-calamine that cannot end a command in a Rust panic's many lines.

calamine (Rust) panics on a few values no real sheet holds (a date cell of -1e12 days:
"TimeDelta::milliseconds out of bounds"). pyo3 turns the panic into a PanicException (a
BaseException, so `except Exception` lets it through), and Rust's panic hook has already
written its message and a backtrace note to stderr by then. Inside `guard()`, stderr (the
file descriptor, shared by every thread) goes to a temporary file; what was written there
is passed on afterwards, unless a panic happened meanwhile: then it is dropped, and the
panic is one WorkbookUnreadable line naming what was being read. Python's own sys.stderr
keeps writing to the terminal meanwhile (a usage error said while an early read runs on
another thread is seen at once, not held back, or lost at exit).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from inquiry_cli.errors import WorkbookUnreadable

_lock = threading.Lock()
_depth = 0
_saved: int | None = None
_capture = None
_panicked = False
_python_stderr: Any = None  # sys.stderr as it was, while ours writes to the saved fd


def is_panic(exc: BaseException) -> bool:
    return type(exc).__name__ == "PanicException"


def _enter() -> None:
    global _depth, _saved, _capture, _panicked
    with _lock:
        _depth += 1
        if _depth > 1:
            return
        _panicked = False
        try:
            with suppress(Exception):
                sys.stderr.flush()
            from inquiry_cli.workbook.tempfiles import temp_file

            fd, name = temp_file("inq-stderr-")
            capture = os.fdopen(fd, "w+b")
            capture.name_on_disk = name  # type: ignore[attr-defined]
            if os.name == "posix":  # read back through the fd: no name left if killed
                with suppress(OSError):
                    os.unlink(name)
            saved = os.dup(2)
            os.dup2(capture.fileno(), 2)
        except (OSError, ValueError):  # no fd 2 to swap (embedded, closed): go without
            _saved, _capture = None, None
            return
        _saved, _capture = saved, capture
        _keep_python_stderr(saved)


def _keep_python_stderr(saved: int) -> None:
    """Point sys.stderr (when it is fd 2 itself) at the real stderr, `saved`."""
    global _python_stderr
    current = sys.stderr
    try:
        if current is None or current.fileno() != 2:
            return  # (a test runner's capture, or already swapped)
        stream = open(  # noqa: SIM115 (closed in _leave)
            saved,
            "w",
            encoding=current.encoding,
            errors=current.errors,
            buffering=1,
            closefd=False,
        )
    except (AttributeError, OSError, ValueError):
        return
    _python_stderr, sys.stderr = current, stream


def _leave(panicked: bool) -> None:
    global _depth, _saved, _capture, _panicked, _python_stderr
    with _lock:
        _panicked = _panicked or panicked
        _depth -= 1
        if _depth > 0 or _saved is None or _capture is None:
            return
        saved, capture, dropped = _saved, _capture, _panicked
        _saved = _capture = None
        if _python_stderr is not None:
            ours, sys.stderr, _python_stderr = sys.stderr, _python_stderr, None
            with suppress(Exception):
                ours.close()  # (flushes; the fd is saved's, closed below)
        with suppress(Exception):
            sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        try:
            if not dropped:
                capture.seek(0)
                text = capture.read()
                if text:
                    os.write(2, text)
        finally:
            capture.close()
            with suppress(OSError):
                os.unlink(capture.name_on_disk)  # type: ignore[attr-defined]


@contextmanager
def guard(what: str) -> Iterator[None]:
    """Run calamine calls; a Rust panic inside becomes one line about `what`."""
    _enter()
    panicked = False
    try:
        yield
    except BaseException as exc:
        if not is_panic(exc):
            raise
        panicked = True
        message = str(exc).strip().splitlines()
        why = message[0][:120] if message else "a value it cannot convert"
        raise WorkbookUnreadable(f"{what} cannot be read ({why})") from None
    finally:
        _leave(panicked)
