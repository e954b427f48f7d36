"""Spliced (a new part as pieces of the old one) answers as the joined bytes do."""

from __future__ import annotations

import random

import pytest

from inquiry_cli.workbook.spliced import Spliced


def _random_spliced(rng: random.Random) -> tuple[Spliced, bytes]:
    base = bytes(rng.choice(b'<row r="12"><c/>ab') for _ in range(rng.randint(0, 300)))
    pieces: list = []
    for _ in range(rng.randint(0, 8)):
        if rng.random() < 0.5 and base:
            lo = rng.randint(0, len(base))
            pieces.append((base, lo, rng.randint(lo, len(base))))
        else:
            pieces.append(bytes(rng.choice(b"<>rowc/ 1") for _ in range(rng.randint(0, 6))))
    joined = b"".join(p if isinstance(p, bytes) else p[0][p[1] : p[2]] for p in pieces)
    return Spliced(pieces), joined


@pytest.mark.parametrize("seed", range(40))
def test_spliced_finds_and_slices_as_bytes_do(seed):
    rng = random.Random(seed)
    for _ in range(25):
        spliced, joined = _random_spliced(rng)
        assert len(spliced) == len(joined) and bytes(spliced) == joined
        assert b"".join(spliced.pieces()) == joined == b"".join(spliced.chunks(7))
        n = len(joined)
        for _ in range(30):
            start, end = rng.randint(-5, n + 5), rng.randint(-5, n + 5)
            assert spliced[start:end] == joined[start:end]
            sub = bytes(rng.choice(b"<row c/>1") for _ in range(rng.randint(1, 5)))
            if rng.random() < 0.5 and n:  # (a needle that is there)
                at = rng.randrange(n)
                sub = joined[at : at + rng.randint(1, 6)]
            for args in ((), (start,), (start, end)):
                assert spliced.find(sub, *args) == joined.find(sub, *args), (sub, args)
                assert spliced.rfind(sub, *args) == joined.rfind(sub, *args), (sub, args)
            assert spliced.startswith(sub, max(start, 0)) == joined.startswith(sub, max(start, 0))
            if n:
                i = rng.randrange(-n, n)
                assert spliced[i] == joined[i]


@pytest.mark.parametrize("seed", range(10))
def test_splicing_in_new_bytes_is_as_joining_them(seed):
    rng = random.Random(seed)
    for _ in range(25):
        spliced, joined = _random_spliced(rng)
        at = rng.randint(0, len(joined))
        assert bytes(spliced.splice(at, b"<new/>")) == joined[:at] + b"<new/>" + joined[at:]
