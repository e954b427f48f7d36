"""A part's new bytes kept as stretches of the old ones and the new bytes between them.

Appending a row to a 150 MB contact log changes a few hundred bytes of it; joining the new
sheet into one bytes object held a second 150 MB copy beside the old one through the
deflate and the check. A Spliced is never joined: deflate, crc32 and the round trip go
over its pieces, and the checker finds and slices in it as in bytes (only the slices it
asks for are copied).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from typing import overload

Piece = bytes | tuple[bytes, int, int]  # bytes whole, or (buffer, start, end) of one


class Spliced:
    """Bytes made of pieces: find, rfind, index, rindex, startswith, len, slices and
    single bytes as bytes gives them; bytes(spliced) joins them (a copy)."""

    __slots__ = ("_bufs", "_len", "_los", "_starts")

    def __init__(self, pieces: Iterable[Piece]) -> None:
        self._bufs: list[bytes] = []
        self._los: list[int] = []
        self._starts: list[int] = []
        at = 0
        for piece in pieces:
            buf, lo, hi = (piece, 0, len(piece)) if isinstance(piece, bytes) else piece
            lo, hi = max(lo, 0), min(hi, len(buf))
            if hi <= lo:
                continue
            self._bufs.append(buf)
            self._los.append(lo)
            self._starts.append(at)
            at += hi - lo
        self._len = at

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return self._len > 0

    def __bytes__(self) -> bytes:
        return b"".join(memoryview(b)[lo : lo + n] for b, lo, n in self.spans())

    def __repr__(self) -> str:
        return f"Spliced({len(self._bufs)} pieces, {self._len} bytes)"

    def spans(self) -> Iterator[tuple[bytes, int, int]]:
        """(buffer, start in it, length) of each piece, in order."""
        for k, buf in enumerate(self._bufs):
            end = self._starts[k + 1] if k + 1 < len(self._bufs) else self._len
            yield buf, self._los[k], end - self._starts[k]

    def pieces(self) -> Iterator[memoryview]:
        """The pieces in order, as views (no copy): what deflate and crc32 go over."""
        for buf, lo, n in self.spans():
            yield memoryview(buf)[lo : lo + n]

    def chunks(self, size: int) -> Iterator[bytes]:
        """The bytes in order, `size` at a time (copies of that size, one by one)."""
        for at in range(0, self._len, size):
            yield self[at : at + size]

    def _piece_at(self, i: int) -> int:
        return bisect.bisect_right(self._starts, i) - 1

    def _bounds(self, start: int | None, end: int | None) -> tuple[int, int]:
        n = self._len
        s = 0 if start is None else (max(start + n, 0) if start < 0 else min(start, n))
        e = n if end is None else (max(end + n, 0) if end < 0 else min(end, n))
        return s, e

    @overload
    def __getitem__(self, key: int) -> int: ...
    @overload
    def __getitem__(self, key: slice) -> bytes: ...
    def __getitem__(self, key: int | slice) -> int | bytes:
        if isinstance(key, int):
            i = key + self._len if key < 0 else key
            if not 0 <= i < self._len:
                raise IndexError("Spliced index out of range")
            k = self._piece_at(i)
            return self._bufs[k][self._los[k] + i - self._starts[k]]
        if key.step not in (None, 1):
            raise ValueError("Spliced slices have no step")
        s, e = self._bounds(key.start, key.stop)
        if e <= s:
            return b""
        out: list[bytes | memoryview] = []
        k = self._piece_at(s)
        while k < len(self._bufs) and self._starts[k] < e:
            buf, lo, start = self._bufs[k], self._los[k], self._starts[k]
            end = self._starts[k + 1] if k + 1 < len(self._bufs) else self._len
            a, b = max(s, start), min(e, end)
            out.append(memoryview(buf)[lo + a - start : lo + b - start])
            k += 1
        return bytes(out[0]) if len(out) == 1 else b"".join(out)

    def find(self, sub: bytes, start: int | None = None, end: int | None = None) -> int:
        s, e = self._bounds(start, end)
        m = len(sub)
        if m == 0:
            return s if s <= e else -1
        k = self._piece_at(s) if self._bufs else 0
        while k < len(self._bufs) and self._starts[k] < e:
            buf, lo, at = self._bufs[k], self._los[k], self._starts[k]
            stop = self._starts[k + 1] if k + 1 < len(self._bufs) else self._len
            a, b = max(s, at), min(e, stop)
            i = buf.find(sub, lo + a - at, lo + b - at)  # a match inside this piece
            if i >= 0:
                return at + i - lo
            if stop < e and m > 1:  # a match across the end of this piece
                w0 = max(a, stop - m + 1)
                j = self[w0 : min(e, stop + m - 1)].find(sub)
                if j >= 0:
                    return w0 + j
            k += 1
        return -1

    def rfind(self, sub: bytes, start: int | None = None, end: int | None = None) -> int:
        s, e = self._bounds(start, end)
        m = len(sub)
        if m == 0:
            return e if s <= e else -1
        if not self._bufs or e <= s:
            return -1
        k = self._piece_at(e - 1)
        while k >= 0:
            buf, lo, at = self._bufs[k], self._los[k], self._starts[k]
            stop = self._starts[k + 1] if k + 1 < len(self._bufs) else self._len
            if stop <= s:
                break
            a, b = max(s, at), min(e, stop)
            if stop < e and m > 1:  # a match across the end of this piece comes later
                w0 = max(a, stop - m + 1)
                j = self[w0 : min(e, stop + m - 1)].rfind(sub)
                if j >= 0:
                    return w0 + j
            i = buf.rfind(sub, lo + a - at, lo + b - at)
            if i >= 0:
                return at + i - lo
            k -= 1
        return -1

    def index(self, sub: bytes, start: int | None = None, end: int | None = None) -> int:
        i = self.find(sub, start, end)
        if i < 0:
            raise ValueError("subsection not found")
        return i

    def rindex(self, sub: bytes, start: int | None = None, end: int | None = None) -> int:
        i = self.rfind(sub, start, end)
        if i < 0:
            raise ValueError("subsection not found")
        return i

    def splice(self, at: int, new: bytes) -> Spliced:
        """These bytes with `new` put in at offset `at` (the pieces stay shared)."""
        out: list[Piece] = []
        pos = 0
        for buf, lo, n in self.spans():
            if pos <= at < pos + n:
                cut = lo + at - pos
                out += [(buf, lo, cut), new, (buf, cut, lo + n)]
            else:
                out.append((buf, lo, lo + n))
            pos += n
        if at >= self._len:
            out.append(new)
        return Spliced(out)

    def startswith(self, prefix: bytes, start: int = 0) -> bool:
        return self[start : start + len(prefix)] == prefix


def pieces_of(data: bytes | Spliced) -> Iterator[bytes | memoryview]:
    """The bytes of a part in order: bytes in one piece, a Spliced in its own."""
    if isinstance(data, Spliced):
        yield from data.pieces()
    else:
        yield data
