"""Zip plumbing for .xlsx parts: read members, copy untouched ones as raw compressed bytes.

Copying the compressed bytes (not decompress + recompress) keeps every untouched part
byte-for-byte identical and makes a write cost only what it changes.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any, BinaryIO, Protocol

from inquiry_cli.errors import WorkbookUnreadable
from inquiry_cli.workbook.spliced import Spliced, pieces_of

_isal: Any
try:  # Intel ISA-L: inflates twice and deflates three times as fast as zlib
    from isal import isal_zlib as _isal
except ImportError:  # no wheel for this platform: zlib does the same job, slower
    _isal = None
isal_zlib = _isal  # (for the condensed writer's own compressors)

_INFLATE_ERRORS: tuple[type[BaseException], ...] = (zlib.error,) + (
    (_isal.error,) if _isal is not None else ()
)


class Packed(Protocol):
    """A part that knows its own deflated bytes and checksum (condensed.Inserted: most of
    it deflated already, as it was streamed)."""

    def __len__(self) -> int: ...
    def deflated(self) -> bytes: ...
    def crc32(self) -> int: ...


_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_LIMIT = 0xFFFFFFFF
_UTF8_FLAG = 0x800
_DESCRIPTOR_FLAG = 0x08

# What one part may inflate to, and how hard it may be compressed: far beyond any real
# workbook (the 50k-buyer bench's biggest sheet is 140 MB at 7:1), short of a zip bomb.
# A worksheet may be bigger (MAX_SHEET): a long log is the user's own data (500,000
# contacts saved by openpyxl are 310 MB of XML), read a window at a time where it can be;
# the compression ratio still tells a zip bomb.
MAX_PART = 256 * 1024 * 1024
MAX_SHEET = 1024 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 16 * 1024 * 1024  # a smaller part may be compressed any amount
CHUNK = 1 << 20  # a streamed part comes in pieces of this size
# A sheet a write only appends rows to is streamed from this size of XML, never held whole
# (condensed.py); a smaller one is read whole, as is every sheet a write changes in place.
APPEND_STREAMED = 16 * 1024 * 1024

# Parts above this size are compressed for speed (ISA-L, or zlib level 1 in parallel chunks).
BIG_PART = 4 * 1024 * 1024
# Parts below this size are compressed with zlib's default level: best size, no time to speak of.
SMALL_PART = 256 * 1024
_CHUNK = 4 * 1024 * 1024


class _Warmed:
    """Parts inflated ahead of need by the launcher's early read, each taken once.

    Keyed by the file's identity (path, inode, size, mtime) and the part's name, so a
    part inflated from one file is never served for another. A reader that asks while
    the part is still being inflated waits for it instead of inflating it twice.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._parts: dict[tuple, bytes | None] = {}
        self._busy: dict[tuple, threading.Event] = {}

    def start(self, key: tuple) -> bool:
        """The warmer's claim on a part: False if a reader got there first."""
        with self._lock:
            if key in self._parts or key in self._busy:
                return False
            self._busy[key] = threading.Event()
            return True

    def finish(self, key: tuple, data: bytes | None) -> None:
        with self._lock:
            self._parts[key] = data
            self._busy.pop(key).set()

    def take(self, key: tuple) -> bytes | None:
        """The warmed part (waiting if it is being inflated), else None; taken once."""
        with self._lock:
            if key in self._parts:
                return self._parts.pop(key)
            busy = self._busy.get(key)
            if busy is None:
                self._parts[key] = None  # the warmer need not bother any more
                return None
        busy.wait()
        with self._lock:
            return self._parts.pop(key, None)


WARMED = _Warmed()
_KEPT: dict[tuple, bytes] = {}  # the shared strings of the workbook in use (see read())


def uses_1904_dates(workbook_xml: bytes) -> bool:
    """Whether xl/workbook.xml counts dates from 1904 (old Mac Excel) instead of 1900."""
    from inquiry_cli.workbook.xmlsafe import parse

    pr = parse(workbook_xml, "xl/workbook.xml").find("{*}workbookPr")
    return pr is not None and pr.get("date1904", "0") in ("1", "true")


def office_document(package_rels: bytes) -> str | None:
    """The main part named by _rels/.rels (its officeDocument relationship), as a zip name."""
    from inquiry_cli.workbook.xmlsafe import parse

    try:
        root = parse(package_rels, "_rels/.rels")
    except WorkbookUnreadable:
        return None
    for el in root.iter("{*}Relationship"):
        if el.get("Type", "").endswith("/officeDocument") and el.get("Target"):
            return posixpath.normpath(el.get("Target").lstrip("/"))
    return None


def is_worksheet(name: str) -> bool:
    """A part under xl/worksheets/ (the sheets' XML; their rels are elsewhere), and not
    one inq or calamine could take for the shared strings or styles (found by name):
    those are held and parsed whole, and keep MAX_PART."""
    name = name.replace("\\", "/").lower()
    if is_shared_strings(name) or name.endswith("styles.xml"):
        return False
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def part_problem(info: zipfile.ZipInfo) -> str | None:
    """Why a part must not be inflated, from what the zip directory declares: too big
    (MAX_SHEET for a worksheet, MAX_PART for any other), compressed like a zip bomb,
    encrypted, or packed in a way Excel never uses."""
    if info.flag_bits & 0x1:
        return f"its part {info.filename} is encrypted"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"its part {info.filename} uses compression method {info.compress_type}"
    if info.file_size > (MAX_SHEET if is_worksheet(info.filename) else MAX_PART):
        return f"its part {info.filename} inflates to {info.file_size:,} bytes"
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return (
            f"its part {info.filename} is compressed "
            f"{info.file_size // max(info.compress_size, 1):,} to 1 (a zip bomb?)"
        )
    return None


def damaged(filename: str, why: str) -> WorkbookUnreadable:
    """The one-line error for a workbook whose zip or parts cannot be trusted."""
    return WorkbookUnreadable(
        f"{filename} is damaged ({why}): restore it from a backup (`inq backups`) "
        "or re-save it from Excel"
    )


def too_large(filename: str, why: str) -> WorkbookUnreadable:
    return WorkbookUnreadable(f"{filename} is too large for inq to read ({why})")


def is_shared_strings(name: str) -> bool:
    """The shared-strings part, however its name is cased (xl/SharedStrings.xml exists)."""
    return name.lower().endswith("sharedstrings.xml")


def _identity(fh: BinaryIO, path: Path) -> tuple:
    st = os.fstat(fh.fileno())
    return (os.path.abspath(path), st.st_ino, st.st_size, st.st_mtime_ns)


class ZipSource:
    """An open .xlsx: names in order, decompressed reads, raw (compressed) reads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            raise damaged(path.name, f"not a valid zip: {exc}") from None
        try:
            self._fh = path.open("rb")
        except OSError:
            self._zf.close()
            raise
        # Which file this is (warmed parts must come from the very same one).
        self.identity: tuple | None = _identity(self._fh, path)
        if self._zf.fp is None or _identity(self._zf.fp, path) != self.identity:  # type: ignore[arg-type]
            self.identity = None  # replaced between the two opens: use nothing warmed
        self.infos = self._zf.infolist()
        for info in self.infos:  # xl\workbook.xml (some Windows tools): zip names use "/"
            info.filename = info.filename.replace("\\", "/")
        self.by_name = {info.filename: info for info in self.infos}
        # Part names compare case-insensitively in OOXML (a rels Target may say Sheet1.xml).
        self._folded = {name.lower(): name for name in self.by_name}
        self._main: str | None = None
        self._cache: dict[str, bytes] = {}
        self._seek = threading.Lock()  # raw() seeks one handle; the patcher reads from 2 threads
        for info in self.infos:
            if info.flag_bits & 0x1:
                self.close()
                raise WorkbookUnreadable(
                    f"{path.name} has encrypted zip entries: inq cannot edit it"
                )

    def __enter__(self) -> ZipSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zf.close()
        self._fh.close()

    def name(self, part: str) -> str | None:
        """The zip's own name for a part, however the part is cased; None if absent."""
        return part if part in self.by_name else self._folded.get(part.lower())

    def has(self, name: str) -> bool:
        return self.name(name) is not None

    @property
    def main(self) -> str:
        """The workbook part: as _rels/.rels names it, else the usual xl/workbook.xml."""
        if self._main is None:
            rels = self.name("_rels/.rels")
            found = office_document(self.read(rels)) if rels else None
            self._main = self.name(found or "xl/workbook.xml") or found or "xl/workbook.xml"
        return self._main

    def info(self, name: str) -> zipfile.ZipInfo:
        """The part's directory entry (however its name is cased); WorkbookUnreadable
        (damaged) if there is none."""
        info = self.by_name.get(self.name(name) or name)
        if info is None:
            raise damaged(self.path.name, f"it has no part {name}")
        return info

    def read(self, name: str) -> bytes:
        """A member's bytes (cached: the patcher and the verifier both read changed sheets).

        The shared strings are kept for the whole run (per file): several readers use
        them, and the same bytes object lets headers.py keep its index of them.
        """
        name = self.name(name) or name
        if name not in self._cache:
            key = (self.identity, name)
            keep = self.identity is not None and is_shared_strings(name)
            data = _KEPT.get(key) if keep else None
            if data is None:
                data = WARMED.take(key) if self.identity else None
                if data is None:
                    data = self._read(name)
                if keep:
                    _KEPT.clear()
                    _KEPT[key] = data
            self._cache[name] = data
        return self._cache[name]

    def open(self, name: str, limit: int | None = None) -> IO[bytes]:
        """A member as a stream (for reading just its first rows), checked as read()
        checks it; reading past `limit` bytes is refused as too large."""
        return _Stream(self.chunks(name, 64 * 1024), limit, self.path.name, name)  # type: ignore[return-value]

    def chunks(self, name: str, size: int = CHUNK, sizes: Iterable[int] = ()) -> Iterator[bytes]:
        """A member's bytes in pieces of about `size` (the first ones of `sizes`, when
        given), checked as read() checks them (the whole part is never in memory: for
        scanning a big sheet)."""
        info = self._checked(name)
        raw = self.raw(info)
        wanted = iter(sizes)
        if info.compress_type == zipfile.ZIP_STORED:
            if len(raw) != info.file_size:
                raise damaged(self.path.name, f"part {name} is cut short")
            at = 0
            while at < len(raw):
                n = max(next(wanted, size), 1)
                yield raw[at : at + n]
                at += n
            if crc32(raw) != info.CRC:
                raise damaged(self.path.name, f"bad CRC-32 for part {name}")
            return
        inflater = (_isal or zlib).decompressobj(-15)
        left, crc, pending = info.file_size, 0, raw
        del raw
        try:
            while True:
                n = max(next(wanted, size), 1)
                piece = inflater.decompress(pending, min(n, left + 1))
                pending = inflater.unconsumed_tail
                if piece:
                    left -= len(piece)
                    if left < 0:
                        raise damaged(self.path.name, f"part {name} is larger than it says")
                    crc = crc32(piece, crc)
                    yield piece
                elif inflater.eof or not pending:
                    break
                else:  # input left, no output, not at the end: it will never finish
                    raise damaged(self.path.name, f"bad deflate data in part {name}")
        except _INFLATE_ERRORS as exc:
            raise damaged(self.path.name, f"bad deflate data in part {name}: {exc}") from None
        if left or not inflater.eof or crc != info.CRC:
            raise damaged(self.path.name, f"bad CRC-32 for part {name}")

    def _checked(self, name: str) -> zipfile.ZipInfo:
        """The part's entry, refused in one line when it must not be inflated."""
        info = self.info(name)
        problem = part_problem(info)
        if problem is not None:
            if "inflates to" in problem or "bomb" in problem:
                raise too_large(self.path.name, problem)
            raise damaged(self.path.name, problem)
        return info

    def _read(self, name: str) -> bytes:
        """A member inflated within its declared size (never more: a lying size cannot
        make it unbounded), checked by size and CRC-32; one line on any damage."""
        info = self._checked(name)
        raw = self.raw(info)
        if info.compress_type == zipfile.ZIP_STORED:
            data = raw
        else:
            data = _inflate_bounded(raw, info.file_size, self.path.name, name)
        if len(data) != info.file_size or crc32(data) != info.CRC:
            raise damaged(self.path.name, f"bad CRC-32 for part {name}")
        if name.endswith((".xml", ".rels")):
            from inquiry_cli.workbook.xmlsafe import refuse_doctype

            refuse_doctype(data, f"{self.path.name}: part {name}")
        return data

    def warm(self, names: list[str]) -> None:
        """Inflate these parts now, for a later reader of the same file (see _Warmed)."""
        if self.identity is None:
            return
        for name in names:
            name = self.name(name) or name
            key = (self.identity, name)
            if name not in self.by_name or not WARMED.start(key):
                continue
            data = None
            try:
                data = self._read(name)
            except Exception:  # the reader will meet the problem and report it
                data = None
            finally:
                WARMED.finish(key, data)

    def raw(self, info: zipfile.ZipInfo) -> bytes:
        """The member's compressed bytes exactly as stored."""
        with self._seek:
            self._seek_data(info)
            packed = self._fh.read(min(info.compress_size, MAX_SHEET + 1))
        if len(packed) != info.compress_size:
            raise damaged(self.path.name, f"part {info.filename} is cut short")
        return packed

    def raw_chunks(self, info: zipfile.ZipInfo, size: int = CHUNK // 8) -> Iterator[bytes]:
        """The member's compressed bytes as stored, `size` at a time (each read under the
        seek lock: other threads read the file meanwhile)."""
        with self._seek:
            self._seek_data(info)
            pos = self._fh.tell()
        left = info.compress_size
        while left > 0:
            with self._seek:
                self._fh.seek(pos)
                piece = self._fh.read(min(size, left))
            if not piece:
                raise damaged(self.path.name, f"part {info.filename} is cut short")
            pos += len(piece)
            left -= len(piece)
            yield piece

    def local_header_agrees(self, info: zipfile.ZipInfo) -> bool:
        """Whether a member's local header says what the central directory says of it
        (method, CRC-32, sizes, name): a reader may go by either (a part inq wrote)."""
        with self._seek:
            try:
                fields = self._local_header(info)
            except WorkbookUnreadable:
                return False
            name = self._fh.read(fields[9])
        said = (fields[3], fields[6], fields[7], fields[8])
        return said == (info.compress_type, info.CRC, info.compress_size, info.file_size) and (
            name.decode("utf-8", "replace").replace("\\", "/") == info.filename
        )

    def _seek_data(self, info: zipfile.ZipInfo) -> None:
        """To the member's compressed bytes, past its local header (holding the lock)."""
        fields = self._local_header(info)
        self._fh.seek(info.header_offset + _LOCAL.size + fields[9] + fields[10])

    def _local_header(self, info: zipfile.ZipInfo) -> tuple[Any, ...]:
        """The member's local header fields, the file left after them (holding the lock)."""
        self._fh.seek(info.header_offset)
        header = self._fh.read(_LOCAL.size)
        if len(header) < _LOCAL.size or header[:4] != b"PK\x03\x04":
            raise damaged(self.path.name, f"bad zip entry {info.filename}")
        return _LOCAL.unpack(header)


def _dos_time(date_time: tuple[int, ...]) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    return (max(y, 1980) - 1980) << 9 | mo << 5 | d, h << 11 | mi << 5 | s // 2


def _strip_zip64(extra: bytes) -> bytes:
    """Extra fields minus the zip64 record (we write real 32-bit sizes)."""
    out, i = bytearray(), 0
    while i + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, i)
        if tag != 0x0001:
            out += extra[i : i + 4 + size]
        i += 4 + size
    return bytes(out)


def _inflate_bounded(packed: bytes, size: int, filename: str, name: str) -> bytes:
    """Raw inflate of `packed` to at most size + 1 bytes (ISA-L where there is a wheel)."""
    inflater = (_isal or zlib).decompressobj(-15)
    try:
        data = inflater.decompress(packed, size + 1)
    except _INFLATE_ERRORS as exc:
        raise damaged(filename, f"bad deflate data in part {name}: {exc}") from None
    if len(data) > size or not inflater.eof:
        raise damaged(filename, f"part {name} does not inflate to the {size:,} bytes it says")
    return data


class _Stream(io.RawIOBase):
    """A file-like view of ZipSource.chunks() (for lxml's iterparse), at most `limit`
    bytes of it."""

    def __init__(self, chunks: Iterator[bytes], limit: int | None, filename: str, name: str):
        self._chunks = chunks
        self._buf = b""
        self._left = limit
        self._what = (filename, name)

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._buf:
            piece = next(self._chunks, None)
            if piece is None:
                return 0
            if self._left is not None:
                self._left -= len(piece)
                if self._left < 0:
                    raise too_large(self._what[0], f"the top rows of {self._what[1]} are huge")
            self._buf = piece
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close:
            close()
        super().close()


def inflates_to(packed: bytes, data: bytes | Spliced, size: int = CHUNK) -> bool:
    """Whether raw-deflated `packed` inflates to exactly `data`, compared `size` bytes at a
    time (a 150 MB part is never inflated whole beside the one it is checked against).
    The input goes in an eighth of `size` at a time, so its unconsumed tail stays small."""
    view, step = memoryview(packed), max(size // 8, 1)
    return stream_inflates_to((view[i : i + step] for i in range(0, len(packed), step)), data, size)


def stream_inflates_to(
    packed: Iterable[bytes | memoryview], data: bytes | Spliced, size: int = CHUNK
) -> bool:
    """inflates_to over deflated bytes that come in pieces (read from a file as it goes:
    the check of a big part written holds neither its deflated bytes nor its XML again)."""
    inflater = (_isal or zlib).decompressobj(-15)
    at = 0
    try:
        for chunk in packed:
            if inflater.eof:  # bytes after the end of the stream
                return False
            pending: bytes | memoryview = chunk
            while True:  # (ISA-L may hold output back once the input is in: drain it)
                piece = inflater.decompress(pending, size)
                pending = inflater.unconsumed_tail
                if not data.startswith(piece, at):
                    return False
                at += len(piece)
                if not piece:
                    if pending:  # input left and no output: it never ends
                        return False
                    break
    except _INFLATE_ERRORS:
        return False
    return inflater.eof and not inflater.unused_data and at == len(data)


def crc32(data: bytes | Spliced | Packed, start: int = 0) -> int:
    """The zip checksum (ISA-L's is about three times as fast as zlib's), over the pieces
    of a Spliced part as over bytes."""
    if not isinstance(data, (bytes, bytearray, memoryview, Spliced)):
        assert not start  # (a Packed part: its middle's checksum is known)
        return data.crc32()
    crc = _isal.crc32 if _isal is not None else zlib.crc32
    for piece in pieces_of(data):
        start = crc(piece, start)
    return start


def deflate(data: bytes | Spliced | Packed) -> bytes:
    """Raw deflate: small parts for size, big ones for speed (ISA-L, else zlib in parallel
    chunks that still form one valid stream, as pigz does). A Spliced part is deflated
    piece by piece, never joined; a Packed one keeps its middle as deflated already."""
    if not isinstance(data, (bytes, bytearray, memoryview, Spliced)):
        return data.deflated()
    if len(data) <= SMALL_PART or (_isal is None and len(data) <= BIG_PART):
        return _deflated(zlib.compressobj(6, zlib.DEFLATED, -15), data)
    if _isal is not None:
        return _deflated(_isal.compressobj(2, _isal.DEFLATED, -15), data)
    count = -(-len(data) // _CHUNK)

    def one(index: int) -> bytes:
        comp = zlib.compressobj(1, zlib.DEFLATED, -15)
        last = index == count - 1
        lo, hi = index * _CHUNK, (index + 1) * _CHUNK
        chunk = data[lo:hi] if isinstance(data, Spliced) else memoryview(data)[lo:hi]
        return comp.compress(chunk) + comp.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return b"".join(pool.map(one, range(count)))


def _deflated(comp: Any, data: bytes | Spliced) -> bytes:
    """`data` through a compressor a megabyte at a time, into one buffer that becomes the
    result without a copy (BytesIO.getvalue): no second copy of a big part's output."""
    out = io.BytesIO()
    for piece in pieces_of(data):
        view = memoryview(piece)
        for at in range(0, len(view), CHUNK):
            out.write(comp.compress(view[at : at + CHUNK]))
    out.write(comp.flush())
    return out.getvalue()


class ZipWriter:
    """Writes a zip member by member; hashes what it writes so the stamp costs nothing."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self._pos = 0
        self._central: list[bytes] = []
        self.sha256 = hashlib.sha256()

    def _write(self, data: bytes) -> None:
        self._fh.write(data)
        self.sha256.update(data)
        self._pos += len(data)

    def _entry(
        self, info: zipfile.ZipInfo, method: int, crc: int, csize: int, usize: int, flags: int
    ) -> None:
        name = info.filename.encode("utf-8")
        if not name.isascii():
            flags |= _UTF8_FLAG
        flags &= ~_DESCRIPTOR_FLAG
        if max(csize, usize, self._pos) >= _LIMIT:
            raise WorkbookUnreadable("workbook too large for inq to edit (over 4 GB)")
        extra = _strip_zip64(info.extra)
        date, time = _dos_time(info.date_time)
        offset = self._pos
        self._write(
            _LOCAL.pack(
                0x04034B50, 20, flags, method, time, date, crc, csize, usize, len(name), len(extra)
            )
            + name
            + extra
        )
        self._central.append(
            _CENTRAL.pack(
                0x02014B50,
                (info.create_system << 8) | min(info.create_version, 63),
                20,
                flags,
                method,
                time,
                date,
                crc,
                csize,
                usize,
                len(name),
                len(extra),
                0,
                0,
                info.internal_attr,
                info.external_attr & _LIMIT,
                offset,
            )
            + name
            + extra
        )

    def copy(self, info: zipfile.ZipInfo, raw: bytes) -> None:
        """Copy a member's compressed bytes unchanged."""
        self._entry(
            info, info.compress_type, info.CRC, info.compress_size, info.file_size, info.flag_bits
        )
        self._write(raw)

    def add(
        self, info: zipfile.ZipInfo, data: bytes | Spliced | Packed, packed: bytes | None = None
    ) -> None:
        """Add (or replace) a member with new content, deflated (`packed`, if done already)."""
        if packed is None:
            packed = deflate(data)
        self._entry(
            info,
            zipfile.ZIP_DEFLATED,
            crc32(data),
            len(packed),
            len(data),
            info.flag_bits & _UTF8_FLAG,
        )
        self._write(packed)

    def close(self) -> None:
        start = self._pos
        for record in self._central:
            self._write(record)
        count = len(self._central)
        if count >= 0xFFFF:
            raise WorkbookUnreadable("workbook has too many parts for inq to edit")
        self._write(_END.pack(0x06054B50, 0, 0, count, count, self._pos - start, start, 0))


def new_info(name: str, like: zipfile.ZipInfo | None) -> zipfile.ZipInfo:
    """A ZipInfo for a new part, dated like an existing one (Excel dates them 1980)."""
    info = zipfile.ZipInfo(name, date_time=like.date_time if like else (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = like.create_system if like else 0
    info.external_attr = like.external_attr if like else 0
    return info


def resolve_target(base_part: str, target: str) -> str:
    """A relationship Target (relative to the part's folder, or absolute) as a zip name."""
    if target.startswith("/"):
        return target.lstrip("/")
    folder = posixpath.dirname(base_part)
    return posixpath.normpath(posixpath.join(folder, target))


def rels_name(part: str) -> str:
    """The relationships part of `part` (xl/worksheets/sheet1.xml -> .../_rels/sheet1.xml.rels)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")
