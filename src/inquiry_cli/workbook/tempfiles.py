"""Private temporary files for the reader (its checked copy, a panic's captured stderr)."""

from __future__ import annotations

import os


def temp_file(prefix: str, suffix: str = "") -> tuple[int, str]:
    """(fd, path) of a new file only this user can read, in the temp folder (as
    tempfile.mkstemp, without the 10 ms its import costs every run)."""
    folder = os.environ.get("TMPDIR") or os.environ.get("TEMP") or os.environ.get("TMP")
    if not folder:
        folder = "/tmp" if os.name == "posix" else os.path.expanduser("~")
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _attempt in range(20):
        path = os.path.join(folder, f"{prefix}{os.getpid()}-{os.urandom(6).hex()}{suffix}")
        try:
            return os.open(path, flags, 0o600), path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")


def open_temp_file(prefix: str, suffix: str = "") -> tuple[int, str, bool]:
    """temp_file, and the path to open it by: on Linux its /proc/self/fd path, its name in
    the temp folder gone at once (a run killed while it is open leaves nothing), else its
    name. (fd, path, whether the path is a name in the temp folder, to unlink later.)"""
    fd, path = temp_file(prefix, suffix)
    by_fd = f"/proc/self/fd/{fd}"
    if os.name != "posix" or not os.path.exists(by_fd):
        return fd, path, True
    try:
        os.unlink(path)
    except OSError:
        return fd, path, True
    return fd, by_fd, False
