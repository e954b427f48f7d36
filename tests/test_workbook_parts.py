"""Reading zip parts: shared strings found by index, ISA-L and zlib giving the same bytes."""

from __future__ import annotations

import zipfile

import pytest

from inquiry_cli.errors import WorkbookUnreadable
from inquiry_cli.workbook import ooxml
from inquiry_cli.workbook.headers import item_text, shared_string_spans


def table(prefix: bytes = b"", n: int = 30_000) -> bytes:
    p = prefix
    items = [
        b"<%ssi><%st>a &amp; b</%st></%ssi>" % (p, p, p, p),
        b"<%ssi/>" % p,
        b'<%ssi foo="1"><%sr><%st>rich </%st></%sr><%sr><%st xml:space="preserve">text>'
        b"</%st></%sr><%srPh><%st>ruby</%st></%srPh></%ssi>" % ((p,) * 14),
    ] + [b"<%ssi><%st>s%d</%st></%ssi>" % (p, p, i, p, p) for i in range(n)]
    return b"<%ssst count='%d'>" % (p, len(items)) + b"".join(items) + b"</%ssst>" % p


@pytest.mark.parametrize("prefix", [b"", b"x:"])
def test_shared_string_spans_find_items_by_index(prefix):
    data = table(prefix)
    wanted = {0, 1, 2, 3, 12_345, 30_002, 99_999}
    found = {i: item_text(data[a:b]) for i, (a, b) in shared_string_spans(data, wanted).items()}
    assert found == {
        0: "a & b",
        1: "",
        2: "rich text>",
        3: "s0",
        12_345: "s12342",
        30_002: "s29999",
    }


def test_shared_string_spans_of_nothing():
    assert shared_string_spans(b"<sst/>", {0}) == {}
    assert shared_string_spans(table(), set()) == {}


def test_isal_and_zlib_read_the_same_bytes(tmp_path, monkeypatch):
    path = tmp_path / "a.zip"
    body = b"<row>" * 400_000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.xml", body)
        z.writestr("stored.xml", b"plain", compress_type=zipfile.ZIP_STORED)
    with ooxml.ZipSource(path) as src:
        assert src.read("big.xml") == body
        assert src.read("stored.xml") == b"plain"
    assert ooxml.deflate(body) != b""
    monkeypatch.setattr(ooxml, "_isal", None)
    with ooxml.ZipSource(path) as src:
        assert src.read("big.xml") == body


def test_a_damaged_member_is_reported(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.xml", b"<row/>" * 10_000)
    raw = bytearray(path.read_bytes())
    at = raw.index(b"big.xml") + len(b"big.xml") + 20
    raw[at] ^= 0xFF
    path.write_bytes(bytes(raw))
    with (
        ooxml.ZipSource(path) as src,
        pytest.raises(WorkbookUnreadable, match=r"a\.zip is damaged"),
    ):
        src.read("big.xml")
