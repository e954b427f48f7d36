"""A progress line on stderr for work that runs past a second, on a terminal only.

Quick commands never flash a bar, and a pipe or a file gets nothing: the bar starts after
`delay` seconds, only when stderr is a terminal, and it is erased when the work ends.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from types import TracebackType
from typing import Any

# When the run began (the launcher marks it): the bar shows once the *run* has taken a
# second, however much of it went before the work that shows it (imports, the early read).
_started = time.monotonic()
# The terminal stderr was when the run began. Reads swap file descriptor 2 for a file
# while python-calamine runs (workbook/native.py), so the bar keeps a handle of its own.
_terminal: Any = None


def mark_start() -> None:
    global _started, _terminal
    _started = time.monotonic()
    if _terminal is None:
        with contextlib.suppress(OSError, ValueError):
            if os.isatty(2):
                _terminal = open(  # noqa: SIM115 (kept open for the run)
                    os.dup(2), "w", encoding="utf-8", errors="replace", closefd=True
                )


def _delay() -> float:
    """What is left of 1 s since the run began (INQ_PROGRESS_DELAY seconds instead: 0
    shows it at once, as the tests do)."""
    try:
        wait = max(0.0, float(os.environ.get("INQ_PROGRESS_DELAY", "1")))
    except ValueError:
        wait = 1.0
    return wait - (time.monotonic() - _started) if wait else 0.0


class Progress:
    """What the run is doing, as steps ("Reading buyers.xlsx") and counts (12/480 mails).

    Safe to call from any thread; does nothing at all when stderr is not a terminal.
    """

    def __init__(self, delay: float | None = None, console: Any = None) -> None:
        self._console = console
        self._on = console is not None or _terminal is not None or _is_terminal(sys.stderr)
        self._delay = _delay() if delay is None else delay
        self._lock = threading.Lock()
        self._bar: Any = None
        self._task: Any = None
        self._text = ""
        self._total: int | None = None
        self._done = 0
        self._timer: threading.Timer | None = None
        self._closed = False

    def __enter__(self) -> Progress:
        if self._on and self._delay <= 0:
            self._start()
        elif self._on:
            self._timer = threading.Timer(self._delay, self._start)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._bar is not None:
                self._bar.stop()

    def step(self, text: str, total: int | None = None) -> None:
        """A new stage of the work; `total` when it counts items."""
        from inquiry_cli.output.terminal import visible

        text = visible(text)  # (a file name may hold control characters)
        with self._lock:
            self._text, self._total, self._done = text, total, 0
            self._show()

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self._done += n
            self._show()

    def _line(self) -> str:
        if self._total is not None:
            return f"{self._text} {self._done:,}/{self._total:,}"
        return f"{self._text} {self._done:,}" if self._done else self._text

    def _show(self) -> None:
        if self._bar is not None:
            self._bar.update(self._task, description=self._line())

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import Progress as Bar
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        with self._lock:
            if self._closed:
                return
            # Bound to the real stderr: the bar redirects sys.stderr to print above itself.
            console = self._console or Console(file=_terminal or sys.stderr)
            self._bar = Bar(
                SpinnerColumn(),
                TextColumn("{task.description}", markup=False),
                TimeElapsedColumn(),
                console=console,
                transient=True,
                # Lines the command prints meanwhile go above the bar; stdout only when it
                # is this terminal too (piped, it stays the pipe's).
                redirect_stdout=_is_terminal(sys.stdout),
                redirect_stderr=True,
            )
            self._task = self._bar.add_task(self._line(), total=None)
            self._bar.start()


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
