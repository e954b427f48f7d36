"""Atomic file moves the standard library lacks: swap two files, rename without overwriting.

`os.replace` overwrites whatever sits at the target, so a save another program makes in
the instant before it is lost without a trace. These moves hand back what they displace
(a swap) or refuse to displace anything (no-replace), on Linux (renameat2), macOS
(renamex_np) and Windows (ReplaceFileW / MoveFileExW), with a portable fallback.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from pathlib import Path

# The name ending of the temporary file inq writes beside one of its own files (a crash
# may leave one: the cache's eviction sweeps them).
TEMP_SUFFIX = ".inq-tmp"
_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2
_MAC_RENAME_SWAP = 0x2
_MAC_RENAME_EXCL = 0x4
# renameat2 by syscall number, for a libc without the wrapper (glibc < 2.28, musl < 1.2.5).
_SYS_RENAMEAT2 = {"x86_64": 316, "aarch64": 276, "arm64": 276, "i686": 353, "armv7l": 382}

_libc: ctypes.CDLL | None = None
_unsupported: set[str] = set()  # flags the kernel or file system refused once this run


def _c() -> ctypes.CDLL | None:
    global _libc
    if _libc is None and os.name == "posix":
        try:
            _libc = ctypes.CDLL(None, use_errno=True)
        except OSError:
            return None
    return _libc


def _renameat2(src: Path, dst: Path, flags: int) -> bool:
    """renameat2(2); False when this kernel/file system cannot do it (caller falls back)."""
    libc = _c()
    if libc is None:
        return False
    a, b = os.fsencode(src), os.fsencode(dst)
    fn = getattr(libc, "renameat2", None)
    if fn is not None:
        fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        rc = fn(_AT_FDCWD, a, _AT_FDCWD, b, flags)
    else:
        number = _SYS_RENAMEAT2.get(os.uname().machine)
        if number is None:
            return False
        syscall = libc.syscall
        syscall.restype = ctypes.c_long
        rc = syscall(
            ctypes.c_long(number),
            ctypes.c_int(_AT_FDCWD),
            ctypes.c_char_p(a),
            ctypes.c_int(_AT_FDCWD),
            ctypes.c_char_p(b),
            ctypes.c_uint(flags),
        )
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False  # not on this file system (NFS, FAT, some FUSE): use the fallback
    raise OSError(err, os.strerror(err), str(src), None, str(dst))


def _renamex_np(src: Path, dst: Path, flags: int) -> bool:
    """macOS renamex_np(2) (APFS and HFS+); False where unsupported."""
    libc = _c()
    fn = getattr(libc, "renamex_np", None) if libc is not None else None
    if fn is None:
        return False
    fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
    if fn(os.fsencode(src), os.fsencode(dst), flags) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOTSUP, errno.ENOSYS):
        return False
    raise OSError(err, os.strerror(err), str(src), None, str(dst))


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing files atomically; False where the platform cannot (no change made)."""
    key = "exchange"
    if key in _unsupported:
        return False
    if sys.platform.startswith("linux"):
        done = _renameat2(a, b, _RENAME_EXCHANGE)
    elif sys.platform == "darwin":
        done = _renamex_np(a, b, _MAC_RENAME_SWAP)
    else:
        done = False
    if not done:
        _unsupported.add(key)
    return done


def replace_keeping(path: Path, new: Path, displaced: Path) -> bool:
    """Windows: put `new` at `path` and the file it displaces at `displaced`, atomically
    (ReplaceFileW with a backup name). False elsewhere or when it cannot."""
    if os.name != "nt":
        return False
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    fn = kernel32.ReplaceFileW
    fn.argtypes = [ctypes.c_wchar_p] * 3 + [ctypes.c_uint32, ctypes.c_void_p, ctypes.c_void_p]
    fn.restype = ctypes.c_int
    replace_ignore_merge_errors = 0x2
    if fn(str(path), str(new), str(displaced), replace_ignore_merge_errors, None, None):
        return True
    err = ctypes.get_last_error()  # type: ignore[attr-defined]
    raise OSError(err, ctypes.FormatError(err), str(path))  # type: ignore[attr-defined]


def rename_noreplace(src: Path, dst: Path) -> None:
    """Move `src` to `dst` atomically, refusing (FileExistsError) if `dst` exists."""
    if sys.platform.startswith("linux") and "noreplace" not in _unsupported:
        if _renameat2(src, dst, _RENAME_NOREPLACE):
            return
        _unsupported.add("noreplace")
    elif sys.platform == "darwin" and "noreplace" not in _unsupported:
        if _renamex_np(src, dst, _MAC_RENAME_EXCL):
            return
        _unsupported.add("noreplace")
    if os.name == "nt":
        os.rename(src, dst)  # MoveFileExW without REPLACE_EXISTING: refuses an existing dst
        return
    try:
        os.link(src, dst)  # a hard link never displaces an existing name
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (FAT, exFAT, some network drives): the last resort is racy.
        if os.path.lexists(dst):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(dst)) from None
        os.rename(src, dst)
        return
    os.unlink(src)


def fsync_dir(folder: Path) -> None:
    """Make renames in `folder` durable (POSIX; Windows has no directory handles for this)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (links, case, `..` all resolved); False if either
    is missing."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
