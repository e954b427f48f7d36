"""A big sheet that a write only appends to, held as its first and last rows.

A 300 MB contact log gets one row at its end. Holding all of it to splice in a few hundred
bytes cost 300 MB of memory, yet the patcher only ever looks at its head (up to the first
rows) and its last rows. The rows between them (the middle) are read once, as a stream:
deflated on the way into a piece of their own, and proved byte-identical in the new file
by the verifier, which inflates both files' parts side by side (verify._inserted_trip).

The patcher works on the head and the tail joined (`Condensed.xml`); SheetXml raises
NeedWhole when it would have to look across the rows left out, and the write falls back
to holding the whole sheet, as before.
"""

from __future__ import annotations

import re
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from inquiry_cli.workbook.ooxml import ZipSource, crc32, isal_zlib, rels_name
from inquiry_cli.workbook.sheetxml import NeedWhole, SheetXml, starts_element
from inquiry_cli.workbook.spliced import Spliced
from inquiry_cli.workbook.xmlsafe import refuse_doctype

# A sheet is condensed from ooxml.APPEND_STREAMED bytes of XML, keeping this much of its
# first rows and of its last rows (the rows a plan looks at: the header and the template
# rows, the last record, a sum row and its notes).
HEAD_KEEP = 256 * 1024
TAIL_KEEP = 2 * 1024 * 1024
# What is held back from the deflater while the part streams: the tail and what comes
# after the cell data (validations, formats, hyperlinks) must fit in it. A sheet's
# hyperlinks (Excel links each typed email) come to about a third of its relationships
# part, which is added to it.
HOLD = 8 * 1024 * 1024
PIECE = 4 * 1024 * 1024  # inflated this much at a time
_IN_FLIGHT = 4  # pieces queued for the deflater at most
_MARKUP = (b"<!", b"<?", b"-->", b"]]>", b"?>")  # comments, CDATA, instructions


@dataclass
class Condensed:
    """A sheet's head and tail (`xml`, the middle left out at `gap`), and its middle as
    deflated bytes (no header, no final block: a piece of a longer stream)."""

    xml: bytes
    gap: int
    middle: int  # bytes left out
    packed: bytes
    crc: int  # CRC-32 of the middle


def condense(src: ZipSource, part: str) -> Condensed | None:
    """The part condensed, streamed once; None when it cannot be (no rows to leave out,
    a formula's master among them, markup that could hide a row, a row without its
    number, what follows the cell data bigger than HOLD)."""
    links = src.by_name.get(rels_name(part))
    hold = HOLD + (links.file_size if links is not None else 0)
    chunks = src.chunks(part, PIECE)
    buf = b""
    head: bytes | None = None
    for piece in chunks:
        if not buf:  # (as every part read whole is refused: ZipSource._read)
            refuse_doctype(piece, f"{src.path.name}: part {part}")
        buf += piece
        head = _head(buf)
        if head is not None or len(buf) > hold:
            break
    if head is None:
        return None
    p = _prefix(head)
    formula = b"</" + p + b"f>"  # (every formula group has a master that ends so)
    held = [buf[len(head) :]]
    kept = len(held[0])
    del buf
    packer = _Packer(formula)
    try:
        for piece in chunks:
            held.append(piece)
            kept += len(piece)
            while kept - len(held[0]) >= hold:  # (whole pieces out: nothing is copied)
                kept -= len(held[0])
                if not packer.add(held.pop(0)):
                    return None
        rest = b"".join(held)
        del held
        close = rest.rfind(b"</" + p + b"sheetData>")
        if close < 0:
            return None  # (what follows the cell data is bigger than `hold`)
        cut = _tail_start(rest, p, close)
        if cut is None or not packer.add(rest[:cut]):
            return None
        tail = rest[cut:]
        head_rows = head[head.find(b"<" + p + b"sheetData") :]
        if not (_plain(head_rows, p) and _plain(tail[: close - cut], p)):
            return None
        if packer.size < HEAD_KEEP:
            return None  # (nothing worth leaving out)
        finished = packer.finish()
    finally:
        packer.close()
    if finished is None:
        return None
    packed, crc, size = finished
    return Condensed(head + tail, len(head), size, packed, crc)


def _prefix(xml: bytes) -> bytes:
    m = re.search(rb"<([\w.-]+:)?worksheet[\s>/]", xml)
    return (m.group(1) or b"") if m else b""


def _head(buf: bytes) -> bytes | None:
    """The part up to its first row at least HEAD_KEEP into the cell data, once `buf`
    reaches it (None before)."""
    p = _prefix(buf)
    at = buf.find(b"<" + p + b"sheetData")
    if at < 0:
        return None
    gt = buf.find(b">", at)
    if gt < 0 or buf[gt - 1 : gt] == b"/":
        return None
    first = _row_start(buf, p, gt + 1, len(buf))
    i = None if first is None else _row_start(buf, p, max(gt + 1 + HEAD_KEEP, first + 1), len(buf))
    return None if i is None else buf[:i]  # (at least one row of its own above the cut)


def _row_start(buf: bytes, p: bytes, lo: int, hi: int) -> int | None:
    """The first `<row` tag opening in buf[lo:hi] (None if none is whole in it)."""
    tag = b"<" + p + b"row"
    while (i := buf.find(tag, lo, hi)) >= 0:
        if starts_element(buf, i, tag):
            return i
        lo = i + 1
    return None


def _tail_start(rest: bytes, p: bytes, close: int) -> int | None:
    """Where the tail starts: the first row at least TAIL_KEEP before the end of the cell
    data (or the row nearest before it, when a long row holds that place)."""
    i = _row_start(rest, p, max(0, close - TAIL_KEEP), close)
    if i is None:
        tag = b"<" + p + b"row"
        i = rest.rfind(tag, 0, close)
        while i > 0 and _row_start(rest, p, i, i + len(tag) + 1) is None:
            i = rest.rfind(tag, 0, i)
    return i if i is not None and i > 0 else None


def _plain(rows: bytes, p: bytes) -> bool:
    """Rows kept around the middle hold no comment, CDATA or processing instruction
    (one could hide a `<row` where the cut is made) and each names its number (the
    middle's rows must not number the tail's)."""
    if any(mark in rows for mark in _MARKUP):
        return False
    tags = re.findall(rb"<" + re.escape(p) + rb"row[\s>/][^>]*>", rows)
    return all(re.search(rb"""\sr\s*=\s*["']\d+["']""", tag) for tag in tags)


class _Packer:
    """Deflates the middle on one thread and looks through it for formulas on another
    while the reading thread inflates the next piece (ISA-L, zlib and the checksum free
    the GIL); each in order, one piece after another."""

    def __init__(self, formula: bytes) -> None:
        self._comp = _compressor(zlib_level=1)  # (without ISA-L: 300 MB at 6 takes 10 s)
        self._formula = formula
        self._pack = ThreadPoolExecutor(max_workers=1)
        self._look = ThreadPoolExecutor(max_workers=1)
        self._out: list[tuple[Future[bytes], Future[bool]]] = []
        self._done: list[bytes] = []
        self.size = 0
        self._crc = 0
        self._carry = b""

    def add(self, data: bytes) -> bool:
        """Queue `data`; False when it holds a formula (the sheet is then read whole)."""
        if not data:
            return True
        if self._formula in self._carry + data[: len(self._formula)]:
            return False
        self._carry = data[-len(self._formula) :]
        self.size += len(data)
        while len(self._out) >= _IN_FLIGHT:
            if not self._take():
                return False
        self._out.append(
            (self._pack.submit(self._comp.compress, data), self._look.submit(self._plain, data))
        )
        return True

    def _plain(self, data: bytes) -> bool:
        self._crc = crc32(data, self._crc)  # (on the one looking thread: in order)
        return self._formula not in data

    def _take(self) -> bool:
        packed, plain = self._out.pop(0)
        self._done.append(packed.result())
        return plain.result()

    def finish(self) -> tuple[bytes, int, int] | None:
        """(deflated middle, its CRC-32, its size), or None if a formula was in it."""
        while self._out:
            if not self._take():
                return None
        self._done.append(self._comp.flush(zlib.Z_SYNC_FLUSH))
        return b"".join(self._done), self._crc, self.size

    def close(self) -> None:
        for pool in (self._pack, self._look):
            pool.shutdown(wait=True, cancel_futures=True)


class Inserted:
    """A changed part written as the condensed sheet's new XML with its middle put back
    at `at`: deflated as new head, the stored middle, new tail (each piece ends on a
    byte boundary, so together they are one stream, as pigz joins its pieces)."""

    def __init__(self, new: Spliced, at: int, cond: Condensed) -> None:
        self.new, self.at, self.cond = new, at, cond

    def __len__(self) -> int:
        return len(self.new) + self.cond.middle

    def deflated(self) -> bytes:
        head = _compressor()
        tail = _compressor()
        out = [head.compress(self.new[: self.at]), head.flush(zlib.Z_SYNC_FLUSH)]
        out += [self.cond.packed, tail.compress(self.new[self.at :]), tail.flush()]
        return b"".join(out)

    def joined(self, src: ZipSource, part: str) -> bytes:
        """The whole new XML in one piece (as big as the sheet: for a rare follow-up that
        must see all of it, a moved totals row named in its formulas)."""
        middle = src.read(part)[self.cond.gap : self.cond.gap + self.cond.middle]
        return self.new[: self.at] + middle + self.new[self.at :]

    def crc32(self) -> int:
        head, tail = self.new[: self.at], self.new[self.at :]
        crc = crc32_combine(crc32(head), self.cond.crc, self.cond.middle)
        return crc32_combine(crc, crc32(tail), len(tail))


def _compressor(zlib_level: int = 6) -> zlib._Compress:
    """A raw deflater: ISA-L's at level 2 (as ooxml.deflate's for big parts), else zlib's."""
    if isal_zlib is not None:
        return isal_zlib.compressobj(2, isal_zlib.DEFLATED, -15)
    return zlib.compressobj(zlib_level, zlib.DEFLATED, -15)


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A + B from those of A and B (zlib's crc32_combine, which Python's
    zlib does not offer; ISA-L's when it is there)."""
    if isal_zlib is not None:
        return int(isal_zlib.crc32_combine(crc1, crc2, len2))
    if len2 <= 0:
        return crc1
    op = [0xEDB88320] + [1 << n for n in range(31)]  # the operator for one zero bit
    for _ in range(3):
        op = _square(op)  # ... for two, four, eight (one zero byte)
    while len2:  # apply len2 zero bytes to crc1, a bit of len2 at a time
        if len2 & 1:
            crc1 = _times(op, crc1)
        len2 >>= 1
        if len2:
            op = _square(op)
    return crc1 ^ crc2


def _times(mat: list[int], vec: int) -> int:
    out, i = 0, 0
    while vec:
        if vec & 1:
            out ^= mat[i]
        vec >>= 1
        i += 1
    return out


def _square(mat: list[int]) -> list[int]:
    return [_times(mat, mat[n]) for n in range(32)]


def kept_at(new: Spliced, sheet: SheetXml) -> int:
    """Where the middle goes back into the new XML: inside a piece the plan kept of the
    condensed sheet, with bytes of it on both sides of the gap, so the rows around the
    middle are the ones that were there (NeedWhole when no kept piece spans it)."""
    at = 0
    for buf, lo, n in new.spans():
        if buf is sheet.xml and lo < sheet.gap < lo + n:  # type: ignore[operator]
            return at + sheet.gap - lo  # type: ignore[operator]
        at += n
    raise NeedWhole
