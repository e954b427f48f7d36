"""The lookup index: what `inq lookup` needs of every buyer, kept in the cache folder.

A lookup reads the whole Buyers sheet to compare one email with 50,000; the index keeps
what that comparison reads (find()'s columns, precomputed; the email column also as one
text, searched in C) and each buyer's record, history and WhatsApp link, so a repeat
lookup on an unchanged workbook reads a few columns and one buyer.

One file per workbook, <cache>/index/<sha256 of its real path>.idx:

    MAGIC | header length (u32) | crc32 of the header (u32) | header | sections | records

The header (marshal) names the format, inq's version, the workbook file's identity
(device, inode, size, mtime, ctime) and content hash, and where each section lies with
its crc32. Sections are marshal (plain columns, loaded in a few ms: a 50k-buyer column is
one call) or pickle (small values holding dates); records are zlib'd pickles of CHUNK
buyers each (zlib's checksum guards them), read only for the buyers a lookup shows. sqlite3
was the other choice: its rows cost a Python object each on the way out, and the fuzzy
name match needs every name anyway, which one marshal'd list gives fastest.

The due digest (cli/due_digest.py) is a file of the same form in <cache>/due/, one per
workbook and list asked for (the day, the horizon): a due list's ranked items, so that
`due` run again the same day on the same workbook ranks the replies owed at the new hour
and shows the rest from the file.

Trusted only when the identity is what was recorded (ctime too: setting mtime back
after a save moves ctime), inq's version and the format are this one's, and every
check passes; anything else, any error, and the caller reads the workbook. Never used
for a write: writes verify against the file itself. Written through the output gate
(files.replace_own: a temporary file, renamed), so a reader never sees half a file; two
builders may race (the last wins). At most MAX_KEPT indexes are kept, the least recently
used evicted.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import marshal
import os
import pickle
import struct
import time
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

FORMAT = 3  # 2: each buyer's WhatsApp link; 3: the email column as one text too
LOOKUP, DUE = "index", "due"  # the kinds of file, each in its own folder
FORMATS = {LOOKUP: FORMAT, DUE: 1}
MAGIC = b"INQLKIX\x01"
SUFFIX = ".idx"
CHUNK = 32  # records per zlib'd pickle: compresses well, one chunk unpickles in a ms or two
MAX_KEPT = 20  # files of a kind kept (workbooks, due lists); the least recently used go first
RACY_SECONDS = 2.0  # a file written this close to the build may change within its mtime tick
_STALE_TEMP = 3600.0  # a temporary file older than this was left by a crashed build
_HEAD = struct.Struct("<8sII")
# Between the values of a column kept as one text (joined()): no cell holds it (XML cannot).
SEP = "\0"
TEXT_COLUMNS = ("email",)  # the columns find() searches whole for a value: kept so too

Identity = tuple[int, int, int, int, int]


class BadIndex(Exception):
    """The index file is not one this inq wrote for this file as it is: not to be used."""


def folder_of(cache: Path, kind: str = LOOKUP) -> Path:
    return cache / kind


def index_file(cache: Path, workbook: Path, kind: str = LOOKUP, variant: str = "") -> Path:
    """The file of this kind for this workbook (and variant: which due list)."""
    real = os.path.realpath(workbook)
    name = hashlib.sha256(os.fsencode(real)).hexdigest() + (f"-{variant}" if variant else "")
    return folder_of(cache, kind) / (name + SUFFIX)


def identity(path: Path) -> Identity:
    """What the fast path compares: the same file (device, inode), size and times."""
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


# What the records may hold: inq's plain records and the values in their cells.
_ALLOWED = {
    "inquiry_cli.domain.model": {"Buyer", "Inquiry", "Contact", "Quote", "Sample", "History"},
    "datetime": {"datetime", "date", "time", "timedelta", "timezone"},
    "decimal": {"Decimal"},
    "builtins": {"set", "frozenset", "bool"},
    # a due digest's items
    "inquiry_cli.domain.due": {"Item", "LocalTime", "Owed"},
    "inquiry_cli.domain.channels": {"Channel"},
    "inquiry_cli.domain.chases": {"Silence"},
    "inquiry_cli.domain.settings": {"Settings"},
}


class _Unpickler(pickle.Unpickler):
    """Only inq's records and plain values: a cache file is data, never code."""

    def find_class(self, module: str, name: str) -> Any:
        if name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise BadIndex(f"{module}.{name} is not a record")


def _unpickle(data: bytes) -> Any:
    return _Unpickler(io.BytesIO(data)).load()


class Index:
    """An index file opened and checked against its workbook; sections load on demand."""

    def __init__(self, fh: BinaryIO, body_at: int, header: dict[str, Any]) -> None:
        self._fh = fh  # held open: a build replacing the file meanwhile changes nothing here
        self._body_at = body_at
        self._records_at = body_at + header["body_length"]
        self.header = header
        self._loaded: dict[str, Any] = {}

    def section(self, name: str) -> Any:
        """A section's value (BadIndex when it is missing or damaged)."""
        if name in self._loaded:
            return self._loaded[name]
        try:
            offset, length, crc, kind = self.header["sections"][name]
        except (KeyError, TypeError, ValueError):
            raise BadIndex(f"no section {name}") from None
        raw = self._read(self._body_at + offset, length)
        if zlib.crc32(raw) != crc:
            raise BadIndex(f"section {name} damaged")
        try:
            value = marshal.loads(raw) if kind == "m" else _unpickle(raw)
        except BadIndex:
            raise
        except Exception:
            raise BadIndex(f"section {name} unreadable") from None
        self._loaded[name] = value
        return value

    def record(self, name: str, i: int) -> Any:
        """Record `i` of a record list (BadIndex when damaged)."""
        chunk = self._chunk(name, i // CHUNK)
        if not 0 <= i % CHUNK < len(chunk) or i < 0:
            raise BadIndex(f"no record {name}:{i}")
        return chunk[i % CHUNK]

    def _chunk(self, name: str, i: int) -> list[Any]:
        key = f"{name}:{i}"
        if key in self._loaded:
            return self._loaded[key]
        offsets = self.section(f"{name}.offsets")
        if not 0 <= i < len(offsets) - 1:
            raise BadIndex(f"no record {key}")
        at = self._records_at + self.header["records"][name] + offsets[i]
        raw = self._read(at, offsets[i + 1] - offsets[i])
        try:
            value = _unpickle(zlib.decompress(raw))  # (zlib checks its own checksum)
        except BadIndex:
            raise
        except Exception:
            raise BadIndex(f"record {key} damaged") from None
        if not isinstance(value, list):
            raise BadIndex(f"record {key} damaged")
        self._loaded[key] = value
        return value

    def _read(self, at: int, length: int) -> bytes:
        self._fh.seek(at)
        raw = self._fh.read(length)
        if len(raw) != length:
            raise BadIndex("truncated")
        return raw

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_index(
    cache: Path, workbook: Path, version: str, kind: str = LOOKUP, variant: str = ""
) -> Index | None:
    """The index (of `kind`) of this workbook as it is now, or None (missing, stale,
    damaged: any doubt). Never raises."""
    try:
        return _open(index_file(cache, workbook, kind, variant), workbook, version, kind)
    except Exception:
        return None


def _open(path: Path, workbook: Path, version: str, kind: str = LOOKUP) -> Index:
    fh = open(path, "rb")  # noqa: SIM115 (the Index holds it open, and closes it)
    try:
        head = fh.read(_HEAD.size)
        if len(head) != _HEAD.size:
            raise BadIndex("truncated")
        magic, length, crc = _HEAD.unpack(head)
        if magic != MAGIC:
            raise BadIndex("not an index")
        raw = fh.read(length)
        if len(raw) != length or zlib.crc32(raw) != crc:
            raise BadIndex("damaged header")
        header = marshal.loads(raw)
        if not isinstance(header, dict):
            raise BadIndex("damaged header")
        if header.get("format") != FORMATS[kind] or header.get("kind", LOOKUP) != kind:
            raise BadIndex("another kind of index")
        if header.get("version") != version:
            raise BadIndex("another inq's index")
        if tuple(header.get("identity", ())) != identity(workbook):
            raise BadIndex("the workbook changed")
        if header.get("racy") and sha256_of(workbook) != header.get("sha256"):
            raise BadIndex("the workbook changed")
        end = fh.seek(0, os.SEEK_END)
        if end != _HEAD.size + length + header["body_length"] + header["records_length"]:
            raise BadIndex("truncated")
    except BaseException:
        fh.close()
        raise
    with contextlib.suppress(OSError):  # used now: the last to be evicted
        os.utime(path)
    return Index(fh, _HEAD.size + length, header)


def sha256_of(path: Path) -> str:
    """The file's content hash, as guard.FileStamp has it."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def encode(
    version: str,
    built_from: Identity,
    sha256: str,
    sections: dict[str, Any],
    records: dict[str, Iterable[Any]],
    started: float,
    kind: str = LOOKUP,
) -> list[bytes | bytearray]:
    """The index file of a workbook as it was at `built_from` (hash `sha256`), in pieces
    to write in order: `sections` marshal'd where they can be (pickled where they hold
    dates), `records` one zlib'd pickle each. Written by the caller through the output
    gate (files.replace_own: a temporary file in the folder, then renamed), then evict()."""
    body = bytearray()
    table: dict[str, list[Any]] = {}
    for name, value in sections.items():
        try:
            raw, how = marshal.dumps(value), "m"
        except ValueError:  # dates and the like
            raw, how = pickle.dumps(value, protocol=5), "p"
        table[name] = [len(body), len(raw), zlib.crc32(raw), how]
        body += raw
    blobs = bytearray()
    spans: dict[str, int] = {}
    for name, items in records.items():
        spans[name] = len(blobs)
        offsets = [0]
        for chunk in _chunks(items):
            blobs += zlib.compress(pickle.dumps(chunk, protocol=5), 1)
            offsets.append(len(blobs) - spans[name])
        raw = marshal.dumps(offsets)
        table[f"{name}.offsets"] = [len(body), len(raw), zlib.crc32(raw), "m"]
        body += raw
    # A file written within RACY_SECONDS of the build may change again within the same
    # timestamp tick, unseen: such an index is checked against the content hash too.
    newest = max(built_from[3], built_from[4]) / 1e9
    header: dict[str, Any] = {
        "format": FORMATS[kind],
        "kind": kind,
        "version": version,
        "identity": list(built_from),
        "sha256": sha256,
        "racy": started - newest < RACY_SECONDS,
        "sections": table,  # offsets from the end of the header
        "body_length": len(body),
        "records": spans,  # offsets from the end of the sections
        "records_length": len(blobs),
    }
    raw_header = marshal.dumps(header)
    return [_HEAD.pack(MAGIC, len(raw_header), zlib.crc32(raw_header)), raw_header, body, blobs]


def joined(values: list[Any]) -> str | None:
    """A column as one text, SEP before and after each value ('' for None), for
    IndexedBuyers to search in C: unmarshalling one text takes 0.2 ms where a list of
    50,000 takes 8. None when a value is not text or holds SEP."""
    if not all(v is None or (isinstance(v, str) and SEP not in v) for v in values):
        return None
    return SEP + SEP.join(v or "" for v in values) + SEP


def _indices(text: str, needle: str, shift: int) -> list[int]:
    """The values of a joined() text where `needle` occurs, in order: each occurrence's
    count of separators before it, plus `shift`."""
    found: list[int] = []
    seps = counted = 0  # separators in text[:counted]
    at = text.find(needle)
    while at != -1:
        seps += text.count(SEP, counted, at)
        counted = at
        found.append(seps + shift)
        at = text.find(needle, at + 1)
    return found


def _chunks(items: Iterable[Any]) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def evict(cache: Path, keep: int = MAX_KEPT, kind: str = LOOKUP) -> None:
    """Keep the `keep` files of `kind` used last (opening one touches it); drop the rest,
    and temporary files a crashed build left."""
    from inquiry_cli import fsops  # (here: ctypes, 4 ms, is no part of a lookup's answer)

    folder = folder_of(cache, kind)
    found: list[tuple[float, Path]] = []
    now = time.time()
    for entry in os.scandir(folder):
        with contextlib.suppress(OSError):
            mtime = entry.stat(follow_symlinks=False).st_mtime
            if entry.name.startswith(".build-") or entry.name.endswith(fsops.TEMP_SUFFIX):
                if now - mtime > _STALE_TEMP:
                    os.unlink(entry.path)
            elif entry.name.endswith(".lock") and now - mtime > _STALE_TEMP:
                if not os.path.exists(entry.path[: -len(".lock")] + SUFFIX):
                    os.unlink(entry.path)  # (a build that never wrote its file)
            elif entry.name.endswith(SUFFIX):
                found.append((mtime, Path(entry.path)))
    found.sort(reverse=True)
    for _mtime, path in found[keep:]:
        with contextlib.suppress(OSError):
            path.unlink()
            path.with_suffix(".lock").unlink(missing_ok=True)


def forget(cache: Path, workbook: Path, kind: str = LOOKUP, variant: str = "") -> None:
    """Remove this workbook's index (one that cannot be built now must not linger)."""
    with contextlib.suppress(OSError):
        index_file(cache, workbook, kind, variant).unlink()


@contextlib.contextmanager
def building(cache: Path, workbook: Path, kind: str = LOOKUP, variant: str = "") -> Iterator[bool]:
    """True while this process alone builds the workbook's index (another build of it
    running: False, and this one need not). Without file locks (Windows): always True;
    racing builds are safe anyway."""
    try:
        import fcntl
    except ImportError:
        yield True
        return
    folder = folder_of(cache, kind)
    folder.mkdir(parents=True, exist_ok=True)
    lock = index_file(cache, workbook, kind, variant).with_suffix(".lock")
    with os.fdopen(_open_lock(lock), "r+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        with contextlib.suppress(OSError):  # (held now: evict() leaves a recent lock be)
            os.utime(fh.fileno())
        try:
            yield True
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _open_lock(lock: Path) -> int:
    """The lock file, opened where it is: never through a link planted there (one is
    removed, and the file made anew)."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    try:
        return os.open(lock, flags, 0o600)
    except OSError:
        if not os.path.islink(lock):
            raise
        os.unlink(lock)
        return os.open(lock, flags | os.O_EXCL, 0o600)


class IndexedBuyers:
    """find()'s columns (matching.BuyerColumns) and each buyer's record and history,
    from the index."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.sheet: str = index.section("sheet")
        self._at: dict[int, int] = {}  # Excel row -> record index, of the buyers handed out

    def column(self, key: str) -> list[Any]:
        return self.index.section(f"col:{key}")

    def equal(self, key: str, value: str) -> list[int]:
        text = self._text(key)
        if text is None or not value or SEP in value:
            return [i for i, v in enumerate(self.column(key)) if v == value]
        return _indices(text, SEP + value + SEP, 0)  # (SEP, then the value's own text)

    def ending(self, key: str, suffix: str) -> list[int]:
        text = self._text(key)
        if text is None or not suffix or SEP in suffix:
            return [i for i, v in enumerate(self.column(key)) if v and v.endswith(suffix)]
        return _indices(text, suffix + SEP, -1)  # (inside a value: one SEP more before it)

    def _text(self, key: str) -> str | None:
        """The column as one text (joined()), or None: not kept so, or not text."""
        if key not in TEXT_COLUMNS:
            return None
        text = self.index.section(f"text:{key}")
        if text is not None and not isinstance(text, str):
            raise BadIndex(f"section text:{key} damaged")
        return text

    def merged(self) -> list[Any]:
        return self.index.section("merged")

    def row_index(self, row: int) -> int | None:
        from inquiry_cli.contract.records import row_index

        return row_index(self.index.section("rows"), self.index.section("groups"), row)

    def buyers(self, indices: list[int]) -> list[Any]:
        found = [self.index.record("buyers", i) for i in indices]
        self._at.update((b.row, i) for i, b in zip(indices, found, strict=True))
        return found

    def _record_of(self, row: int) -> int:
        """The record index of the buyer on Excel row `row`: known for a buyer buyers()
        gave (each record's row is its entry in "rows"), which then is not loaded (50,000
        rows: 3 ms)."""
        at = self._at.get(row)
        return at if at is not None else self.index.section("rows").index(row)

    def history(self, row: int) -> Any:
        """The History of the buyer on Excel row `row`."""
        return self.index.record("history", self._record_of(row))

    def whatsapp(self, row: int) -> str | None:
        """The WhatsApp link of the buyer on Excel row `row` (identity.whatsapp_link of
        their phone and country, as the build worked it out)."""
        link = self.index.record("whatsapp", self._record_of(row))
        if link is not None and not isinstance(link, str):
            raise BadIndex("record whatsapp damaged")
        return link
