"""Seeded mutation fuzzing: run inq on damaged copies of real workbooks, count what happens.

Each case takes a base workbook (the sample, a small shared-strings workbook as Excel
saves them, or one given with --base), applies one mutation (byte overwrites, bit flips
in one zip entry, duplicate entries, truncated or garbled XML, huge and negative row
numbers, odd cell references, bad shared-string indices, DOCTYPEs and entities, zip
bombs, lying sizes, absurd numbers and dates...), and runs one of `check`, `lookup`,
`due` or `log` on it in a subprocess with a memory cap and a timeout. Every outcome must
be a normal run or a one-line refusal:

    ok        exit 0 (or `check`/`lookup`'s exit 1 with their usual report)
    refused   exit 1 or 2 with one line "Error: ..." on stderr
    traceback a Python traceback, or an error that is not one line
    abort     killed by a signal (a Rust panic or a failed allocation aborts)
    hang      still running at the timeout

    python scripts/fuzz_workbooks.py --seed 1 --cases 500
    python scripts/fuzz_workbooks.py --seed 7 --cases 50 --kind bomb --keep /tmp/fuzz

The tests (tests/test_hostile.py) use the same mutations, in process, on tiny workbooks.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

Parts = list[tuple[str, bytes]]  # zip entries in order (names may repeat)

KNOWN_EMAIL = "anna.schmidt@lichtwerk-leuchten.de"  # bench/generate.py's KNOWN_EMAIL
SAMPLE_EMAIL = "sales@gulfstar.ae"


# -- reading and writing zips, including ones no zip library would write ----------------


def read_parts(data: bytes) -> Parts:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def write_zip(
    parts: Parts,
    *,
    stored: frozenset[str] = frozenset(),
    sizes: dict[str, int] | None = None,
    level: int = 6,
    deflated: dict[str, bytes] | None = None,
) -> bytes:
    """A zip of `parts` in order (duplicates kept); `sizes` lies about a part's size;
    `deflated` gives a part's raw deflate data as is (its body then only names it)."""
    sizes = sizes or {}
    deflated = deflated or {}
    out = io.BytesIO()
    central = []
    for name, body in parts:
        raw_name = name.encode()
        crc = zlib.crc32(body)
        if name in deflated:
            method, packed, crc = 8, deflated[name], 0
        elif name in stored:
            method, packed = 0, body
        else:
            comp = zlib.compressobj(level, zlib.DEFLATED, -15)
            method, packed = 8, comp.compress(body) + comp.flush()
        size = sizes.get(name, len(body))
        offset = out.tell()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(packed),
                size,
                len(raw_name),
                0,
            )
            + raw_name
            + packed
        )
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(packed),
                size,
                len(raw_name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + raw_name
        )
    start = out.tell()
    out.write(b"".join(central))
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0
        )
    )
    return out.getvalue()


def _sheets(parts: Parts) -> list[int]:
    return [i for i, (n, _) in enumerate(parts) if n.startswith("xl/worksheets/sheet")]


def _index_of(parts: Parts, pred: Callable[[str], bool]) -> int | None:
    return next((i for i, (n, _) in enumerate(parts) if pred(n)), None)


def _replace(parts: Parts, i: int, body: bytes) -> Parts:
    out = list(parts)
    out[i] = (out[i][0], body)
    return out


def _some_sheet(rng: random.Random, parts: Parts) -> int:
    sheets = _sheets(parts)
    big = sorted(sheets, key=lambda i: -len(parts[i][1]))[:4]  # the contract sheets, mostly
    return rng.choice(big if rng.random() < 0.7 else sheets)


# -- the mutations: each takes (rng, base zip bytes) and returns the mutant's bytes ----------


def overwrite_bytes(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        at = rng.randrange(len(buf))
        n = rng.randint(1, 8)
        buf[at : at + n] = bytes(rng.randrange(256) for _ in range(n))[: len(buf) - at]
    return bytes(buf)


def flip_bits_in_entry(rng: random.Random, data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = [i for i in zf.infolist() if i.compress_size > 0]
        info = rng.choice(infos)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        at = start + rng.randrange(info.compress_size)
        buf[at] ^= 1 << rng.randrange(8)
    return bytes(buf)


def truncate_file(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))]


def duplicate_entry(rng: random.Random, data: bytes) -> bytes:
    parts = read_parts(data)
    i = rng.choice([*_sheets(parts), 0, len(parts) - 1])
    name, body = parts[i]
    twin = body if rng.random() < 0.5 else body[: len(body) // 2]
    at = rng.randrange(len(parts) + 1)
    return write_zip([*parts[:at], (name, twin), *parts[at:]])


def truncate_xml(rng: random.Random, data: bytes) -> bytes:
    parts = read_parts(data)
    i = rng.randrange(len(parts))
    body = parts[i][1]
    return write_zip(_replace(parts, i, body[: rng.randrange(max(len(body), 1))]))


def garble_xml(rng: random.Random, data: bytes) -> bytes:
    parts = read_parts(data)
    i = rng.randrange(len(parts)) if rng.random() < 0.5 else _some_sheet(rng, parts)
    buf = bytearray(parts[i][1])
    junk = [b"<", b">", b"&", b'"', b"</", b"<![CDATA[", b"&#0;", b"&bogus;", b"\xff\xfe", b"\x00"]
    for _ in range(rng.randint(1, 6)):
        if not buf:
            break
        at = rng.randrange(len(buf))
        buf[at : at + rng.randint(0, 4)] = rng.choice(junk)
    return write_zip(_replace(parts, i, bytes(buf)))


HUGE_REFS = [
    "XFD1048576", "A1048576", "ZZZZZ9999999", "XFE1", "A1048577", "A0", "A-5", "-1",
    "A99999999999999999999", "AAAA1", "a1", "$A$1", "A1:B2", "", "A", "1", "XFD1",
]  # fmt: skip
HUGE_ROWS = ["1048576", "1048577", "0", "-1", "-99", "99999999999999999999", "4294967297", "x"]


def odd_reference(rng: random.Random, data: bytes) -> bytes:
    """A cell or row moved somewhere absurd: far corners, past Excel's grid, negative."""
    parts = read_parts(data)
    i = _some_sheet(rng, parts)
    xml = parts[i][1]
    if rng.random() < 0.5:
        cells = list(re.finditer(rb'<c r="([A-Z]+\d+)"', xml))
        if not cells:
            return data
        m = rng.choice(cells)
        new = rng.choice(HUGE_REFS).encode()
        xml = xml[: m.start(1)] + new + xml[m.end(1) :]
    else:
        rows = list(re.finditer(rb'<row r="(\d+)"', xml))
        if not rows:
            return data
        m = rng.choice(rows)
        xml = xml[: m.start(1)] + rng.choice(HUGE_ROWS).encode() + xml[m.end(1) :]
    return write_zip(_replace(parts, i, xml))


def far_cell(rng: random.Random, data: bytes) -> bytes:
    """One extra value far away (XFD1048576, A1048576, XFD1), the rest intact."""
    parts = read_parts(data)
    i = _some_sheet(rng, parts)
    xml = parts[i][1]
    ref = rng.choice(["XFD1048576", "A1048576", "XFD1", "ZZ100000", "A500000"])
    row = re.search(rb"\d+", ref.encode()).group()
    cell = b'<row r="%s"><c r="%s" t="inlineStr"><is><t>stray</t></is></c></row>' % (
        row,
        ref.encode(),
    )
    if rng.random() < 0.3:  # and a dimension that lies about it
        xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', xml, count=1)
    end = xml.rfind(b"</sheetData>")
    if end < 0:
        return data
    return write_zip(_replace(parts, i, xml[:end] + cell + xml[end:]))


def bad_shared_string(rng: random.Random, data: bytes) -> bytes:
    parts = read_parts(data)
    i = _some_sheet(rng, parts)
    xml = parts[i][1]
    cells = list(re.finditer(rb'(<c [^>]*t="s"[^>]*>)<v>(\d+)</v>', xml))
    index = rng.choice([b"99999999", b"-1", b"4294967296", b"1e9", b"", b"x", b"3.5"])
    if not cells:  # inline strings: make a cell a shared string pointing nowhere
        cells = list(re.finditer(rb'(<c r="[A-Z]+\d+")', xml))
        if not cells:
            return data
        m = rng.choice(cells)
        new = m.group(1) + b' t="s"><v>' + index + b"</v></c><c"
        return write_zip(_replace(parts, i, xml[: m.start()] + new + xml[m.end() :]))
    for m in rng.sample(cells, min(len(cells), rng.randint(1, 5))):
        a, b = m.span(2)
        xml = xml[:a] + index + xml[b:]
        break  # spans shift after one edit: one is enough
    return write_zip(_replace(parts, i, xml))


DOCTYPES = [
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;'
    b'&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
    b'<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">]>',
    b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b'<!DOCTYPE x SYSTEM "http://127.0.0.1:9/evil.dtd">',
    b"<!DOCTYPE x>",
]


def doctype(rng: random.Random, data: bytes) -> bytes:
    parts = read_parts(data)
    names = ["xl/workbook.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels", "[Content_Types]"]
    pick = rng.choice([*names, "sheet", "sharedStrings"])
    if pick == "sheet":
        i = _some_sheet(rng, parts)
    else:
        i = _index_of(parts, lambda n: n.startswith(pick) or n.endswith(pick))
        if i is None:
            i = _some_sheet(rng, parts)
    body = parts[i][1]
    decl = re.match(rb"<\?xml[^>]*\?>\s*", body)
    at = decl.end() if decl else 0
    dt = rng.choice(DOCTYPES)
    # use an entity in the first text or attribute value, so an expanding parser expands it
    use = b"&lol6;" if b"lol6" in dt else b"&xxe;" if b"xxe" in dt else b""
    body = body[:at] + dt + body[at:]
    if use:
        body = re.sub(rb'(name|Target|PartName)="', lambda m: m.group() + use, body, count=1)
    return write_zip(_replace(parts, i, body))


def zip_bomb(rng: random.Random, data: bytes, size: int = 0) -> bytes:
    """A sheet that inflates to far more than it looks: honest, lying, or both."""
    parts = read_parts(data)
    i = _some_sheet(rng, parts)
    xml = parts[i][1]
    size = size or rng.choice([64, 300]) * 1024 * 1024
    end = xml.rfind(b"</sheetData>")
    filler = rng.choice([b" ", b"<row/>", b'<c r="A1"/>'])
    body = xml[:end] + filler * (size // len(filler)) + xml[end:] if end > 0 else xml + b" " * size
    lie = rng.random() < 0.5
    sizes = {parts[i][0]: len(xml)} if lie else None
    return write_zip(_replace(parts, i, body), sizes=sizes, level=9)


def bomb_stream(gigabytes: float) -> bytes:
    """Raw deflate of `gigabytes` GB of spaces, made in milliseconds: one flushed block
    of a megabyte of spaces, repeated (a flush leaves nothing to refer back to)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(b" " * (1 << 20)) + comp.flush(zlib.Z_FULL_FLUSH)
    return block * int(gigabytes * 1024) + comp.flush()


def big_bomb(data: bytes, sheet: str, gigabytes: float = 3, lie: bool = False) -> bytes:
    """`sheet` replaced by ~3 MB that inflates to 3 GB, declared honestly or as 100 KB."""
    size = 100_000 if lie else int(gigabytes * (1 << 30))
    return write_zip(
        read_parts(data), deflated={sheet: bomb_stream(gigabytes)}, sizes={sheet: size}
    )


def lying_size(rng: random.Random, data: bytes) -> bytes:
    parts = read_parts(data)
    i = rng.randrange(len(parts))
    name, body = parts[i]
    size = rng.choice([0, 1, len(body) // 2, len(body) + 1, 2**32 - 1, 2**31])
    return write_zip(parts, sizes={name: size})


def drop_part(rng: random.Random, data: bytes) -> bytes:
    parts = read_parts(data)
    names = [n for n, _ in parts]
    pick = rng.choice(
        ["xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "[Content_Types].xml"]
        + [n for n in names if "sharedStrings" in n or n.startswith("xl/worksheets/")]
    )
    return write_zip([(n, b) for n, b in parts if n != pick])


ABSURD_VALUES = [
    b"1e400", b"-1e400", b"1e308", b"NaN", b"inf", b"-0", b"1e9", b"-1e9", b"99999999999",
    b"-693594", b"2958466", b"1.7976931348623157e308", b"0x10", b"", b"12abc",
]  # fmt: skip


def absurd_numbers(rng: random.Random, data: bytes) -> bytes:
    """Numbers and dates no real sheet holds: serial 1e9, negative dates, 1e400 pieces."""
    parts = read_parts(data)
    i = _some_sheet(rng, parts)
    xml = parts[i][1]
    cells = list(re.finditer(rb'(<c r="[A-Z]+\d+"(?: s="\d+")?)(?: t="n")?>(<v>[^<]*</v>)', xml))
    if not cells:
        return data
    for m in rng.sample(cells, min(len(cells), rng.randint(1, 20)))[::-1]:
        new = m.group(1) + b"><v>" + rng.choice(ABSURD_VALUES) + b"</v>"
        xml = xml[: m.start()] + new + xml[m.end() :]
        # each edit is at or after the next (reversed): spans ahead stay valid
    return write_zip(_replace(parts, i, xml))


def odd_types(rng: random.Random, data: bytes) -> bytes:
    """Cells whose type attribute lies: booleans of 7, ISO dates that are not, errors."""
    parts = read_parts(data)
    i = _some_sheet(rng, parts)
    xml = parts[i][1]
    cells = list(re.finditer(rb'<c r="([A-Z]+\d+)"[^>]*?(/>|>.*?</c>)', xml, re.S))
    if not cells:
        return data
    kinds = [
        b'<c r="%s" t="b"><v>7</v></c>',
        b'<c r="%s" t="d"><v>2026-13-45T99:99</v></c>',
        b'<c r="%s" t="d"><v>99999-01-01</v></c>',
        b'<c r="%s" t="e"><v>#REF!</v></c>',
        b'<c r="%s" t="str"><v>' + b"x" * 40000 + b"</v></c>",
        b'<c r="%s" t="inlineStr"><is><t>&#1;&#xFFFF;</t></is></c>',
        b'<c r="%s" s="999999"><v>1</v></c>',
        b'<c r="%s" t="zz"><v>1</v></c>',
    ]
    for m in rng.sample(cells, min(len(cells), rng.randint(1, 10)))[::-1]:
        new = rng.choice(kinds).replace(b"%s", m.group(1), 1)
        xml = xml[: m.start()] + new + xml[m.end() :]
    return write_zip(_replace(parts, i, xml))


def dimension_lie(rng: random.Random, data: bytes) -> bytes:
    parts = read_parts(data)
    i = _some_sheet(rng, parts)
    ref = rng.choice([b"A1:XFD1048576", b"A1", b"A1:A1", b"ZZZZ1:A1", b"A1:B99999999999", b""])
    xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', parts[i][1])
    return write_zip(_replace(parts, i, xml))


MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "overwrite": overwrite_bytes,
    "bitflip": flip_bits_in_entry,
    "truncate": truncate_file,
    "duplicate": duplicate_entry,
    "truncxml": truncate_xml,
    "garble": garble_xml,
    "reference": odd_reference,
    "farcell": far_cell,
    "sst": bad_shared_string,
    "doctype": doctype,
    "bomb": zip_bomb,
    "size": lying_size,
    "drop": drop_part,
    "numbers": absurd_numbers,
    "types": odd_types,
    "dimension": dimension_lie,
}
RARE = {"bomb": 0.3}  # relative weight (a bomb case takes a few seconds to build)


def pick_kind(rng: random.Random, kinds: list[str]) -> str:
    weights = [RARE.get(k, 1.0) for k in kinds]
    return rng.choices(kinds, weights)[0]


# -- the base workbooks ------------------------------------------------------------------


def small_shared_strings_workbook(folder: Path) -> Path:
    """A small bench workbook (shared strings, real Excel dates, every contract sheet)."""
    import generate

    generate.SIZES.setdefault("fuzz", (40, 200))
    return generate.generate("fuzz", out_dir=folder, quiet=True)


def prefixed_workbook(path: Path, out: Path) -> Path:
    """The workbook with every worksheet element under an `x:` prefix and an Excel-style
    x14ac attribute on each row (what some writers and Excel's own rows look like)."""
    parts = []
    for name, body in read_parts(path.read_bytes()):
        if name.startswith("xl/worksheets/sheet"):
            body = re.sub(rb"<(/?)(?![?!])([A-Za-z][\w.-]*)(?=[\s/>])", rb"<\1x:\2", body)
            body = body.replace(b'xmlns="http', b'xmlns:x="http', 1)
            body = body.replace(b"<x:row ", b'<x:row x14ac:dyDescent="0.25" ')
            body = body.replace(
                b"<x:worksheet ",
                b'<x:worksheet xmlns:x14ac="http://schemas.microsoft.com/office/'
                b'spreadsheetml/2009/9/ac" ',
                1,
            )
        parts.append((name, body))
    out.write_bytes(write_zip(parts))
    return out


@dataclass(frozen=True)
class Base:
    path: Path
    email: str  # a buyer the base workbook has


def bases(folder: Path, extra: list[Path]) -> list[Base]:
    out = [Base(ROOT / "sample_workbook.xlsx", SAMPLE_EMAIL)]
    small = small_shared_strings_workbook(folder)
    out.append(Base(small, KNOWN_EMAIL))
    out.append(Base(prefixed_workbook(small, folder / "prefixed.xlsx"), KNOWN_EMAIL))
    out += [Base(p, SAMPLE_EMAIL) for p in extra]
    return out


COMMANDS = {
    "check": lambda email: ["check"],
    "lookup": lambda email: ["lookup", email],
    "due": lambda email: ["due", "--json"],
    "log": lambda email: ["log", email, "-c", "tel", "-s", "fuzz: called"],
}


# -- running and judging ------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str  # ok, refused, traceback, abort, hang
    code: int | None
    seconds: float
    max_rss_mb: float
    line: str  # the last stderr line (or why it is judged so)


def judge(code: int | None, stderr: str, command: str) -> tuple[str, str]:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    last = lines[-1] if lines else ""
    if code is None:
        return "hang", "timed out"
    if code < 0:
        return "abort", f"signal {-code}: {last}"
    if "Traceback (most recent call last)" in stderr:
        return "traceback", last
    if code == 0:
        return "ok", last
    errors = [ln for ln in lines if ln.startswith("Error: ")]
    noise = [ln for ln in lines[:-1] if not ln.startswith(("Warning", "Note"))]
    if code in (1, 2) and len(errors) == 1 and errors[0] == last and not noise:
        return "refused", last
    if code in (1, 2) and len(errors) == 1 and errors[0] == last:
        return "traceback", f"not one line: {noise[0][:100]}"
    if code == 1 and command in ("check", "lookup") and not errors:
        return "ok", last  # check found problems; lookup found nobody
    return "traceback", f"exit {code}: {last or '(no stderr)'}"


def _limit(memory_mb: int) -> Callable[[], None]:
    def apply() -> None:
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    return apply


def _wait(proc: subprocess.Popen, timeout: float) -> tuple[int | None, object]:
    """(exit code or None on timeout, the child's own rusage): wait4, not Popen.wait, so
    the peak memory is this child's."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage
        if time.monotonic() > deadline:
            proc.kill()
            _pid, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            return None, usage
        time.sleep(0.01)


def run_inq(workbook: Path, args: list[str], *, timeout: float, memory_mb: int) -> Outcome:
    env = dict(os.environ, INQ_NOW="2026-11-27T10:00", NO_COLOR="1", COLUMNS="100")
    env.pop("INQ_WORKBOOK", None)
    env["INQ_CONFIG"] = str(workbook.parent / "config.toml")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH")) if p)
    exe = Path(sys.executable).with_name("inq")
    argv = [str(exe)] if exe.exists() else [sys.executable, "-m", "inquiry_cli"]
    with tempfile.TemporaryFile() as err_file:
        t = time.perf_counter()
        proc = subprocess.Popen(
            [*argv, "-w", str(workbook), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err_file,
            env=env,
            cwd=workbook.parent,
            preexec_fn=_limit(memory_mb),
        )
        code, usage = _wait(proc, timeout)
        took = time.perf_counter() - t
        err_file.seek(0)
        err = err_file.read()
    rss = usage.ru_maxrss / 1024 if usage is not None else 0.0
    kind, line = judge(code, err.decode("utf-8", "replace"), args[0])
    return Outcome(kind, code, took, rss, line)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--kind", action="append", choices=sorted(MUTATIONS), help="only these")
    ap.add_argument("--command", action="append", choices=sorted(COMMANDS), help="only these")
    ap.add_argument("--base", action="append", type=Path, default=[], help="another base .xlsx")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per case")
    ap.add_argument("--memory-mb", type=int, default=2048, help="address-space cap per case")
    ap.add_argument("--keep", type=Path, help="copy each bad case's workbook here")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per case")
    args = ap.parse_args(argv)

    kinds = args.kind or sorted(MUTATIONS)
    commands = args.command or list(COMMANDS)
    rng = random.Random(args.seed)
    counts: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {}
    bad: list[str] = []
    peak, peak_label = 0.0, ""
    with tempfile.TemporaryDirectory(prefix="inq-fuzz-") as tmp:
        folder = Path(tmp)
        base_list = bases(folder / "bases", args.base)
        base_bytes = {b.path: b.path.read_bytes() for b in base_list}
        t0 = time.perf_counter()
        for n in range(args.cases):
            base = rng.choice(base_list)
            kind = pick_kind(rng, kinds)
            command = commands[n % len(commands)]
            case_rng = random.Random(f"{args.seed}-{n}")
            mutant = MUTATIONS[kind](case_rng, base_bytes[base.path])
            case_dir = folder / f"case{n}"
            case_dir.mkdir()
            wb = case_dir / "customers.xlsx"
            wb.write_bytes(mutant)
            outcome = run_inq(
                wb, COMMANDS[command](base.email), timeout=args.timeout, memory_mb=args.memory_mb
            )
            counts[outcome.kind] += 1
            by_kind.setdefault(kind, Counter())[outcome.kind] += 1
            label = f"case {n} seed {args.seed} {kind} {base.path.name} {command}"
            if outcome.max_rss_mb > peak:
                peak, peak_label = outcome.max_rss_mb, label
            if args.verbose:
                print(f"{label}: {outcome.kind} {outcome.seconds:.1f}s {outcome.line}", flush=True)
            if outcome.kind not in ("ok", "refused"):
                bad.append(f"{label}: {outcome.kind}: {outcome.line}")
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(wb, args.keep / f"case{n}-{kind}-{command}.xlsx")
            shutil.rmtree(case_dir, ignore_errors=True)
        took = time.perf_counter() - t0
    print(f"{args.cases} cases (seed {args.seed}) in {took:.0f} s")
    print(f"peak RSS of a case: {peak:.0f} MB ({peak_label})")
    for outcome in ("ok", "refused", "traceback", "abort", "hang"):
        print(f"  {outcome:9s} {counts[outcome]}")
    for kind, seen in sorted(by_kind.items()):
        print(f"  {kind:10s} " + " ".join(f"{o}={c}" for o, c in sorted(seen.items())))
    for line in bad:
        print("  " + line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
