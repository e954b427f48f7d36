"""The due digest: `inq due` run again the same day on an unchanged workbook answers from
the cache folder, exactly as a read of the workbook would at that hour; another day,
another list, any change to the file, any damage, and the workbook is read again."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from inquiry_cli.workbook import index

D, T = dt.date, dt.datetime
CASES = (
    ("due",),
    ("due", "--json"),
    ("due", "week", "--json"),
    ("due", "overdue"),
    ("due", "--limit", "2"),
    ("due", "week", "--all"),
)


@pytest.fixture(autouse=True)
def _digested(monkeypatch):
    monkeypatch.setenv("INQ_INDEX", "inline")  # written in the due's own run, after it


class Reads:
    """Counts the whole-sheet reads of the workbook; refuse() makes any read fail."""

    def __init__(self, monkeypatch) -> None:
        from inquiry_cli.workbook import read

        self._patch, self._read, self.counted = monkeypatch, read, 0
        real = read.load

        def counting(*args, **kwargs):
            self.counted += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(read, "load", counting)

    def count(self) -> int:
        return self.counted

    def refuse(self) -> None:
        def refuse(*_args, **_kwargs):
            raise AssertionError("the workbook was read")

        self._patch.setattr(self._read, "load", refuse)


@pytest.fixture
def reads(monkeypatch) -> Reads:
    return Reads(monkeypatch)


def digests(path: Path) -> list[Path]:
    folder = index.folder_of(Path(os.environ["INQ_CACHE"]), index.DUE)
    base = index.index_file(Path(os.environ["INQ_CACHE"]), path, index.DUE).stem
    return sorted(folder.glob(base + "-*" + index.SUFFIX)) if folder.is_dir() else []


def run(inq, path: Path, *args: str) -> tuple[int, str]:
    result = inq("-w", path, *args)
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout


@pytest.fixture
def owed(build) -> Path:
    """Every kind of item: replies owed on each clock (email, fax, Alibaba.com about to
    leave its window, a date with no time, one from a sender not in Buyers), follow-ups by
    grade and by a typed date, a sample awaiting feedback, a quote not answered, a stray
    inquiry; buyers in Dubai (a Friday weekend) and Germany."""
    return build(
        buyers=[
            dict(buyer_id="B0001", name="Ahmed Al Mansoori", company="Gulf Lights",
                 email="ahmed@gulflights.ae", country="United Arab Emirates", city="Dubai",
                 grade="A", last_contact=D(2026, 11, 20)),
            dict(buyer_id="B0002", name="Jonas Weber", company="Weber Licht GmbH",
                 email="jonas@weberlicht.de", country="Germany", grade="B",
                 last_contact=D(2026, 11, 10), next_follow_up=D(2026, 11, 29)),
            dict(buyer_id="B0003", name="Giulia Rossi", company="Luce Roma Srl",
                 email="giulia@luceroma.it", country="Italy", grade="C",
                 last_contact=D(2026, 11, 1)),
            dict(buyer_id="B0004", name="Kofi Mensah", company="Accra Power",
                 email="kofi@accrapower.gh", country="Ghana", grade="D",
                 last_contact=D(2026, 9, 1)),
        ],
        inquiries=[
            dict(inquiry_id="I0001", received=T(2026, 11, 27, 8, 30), channel="email",
                 buyer_id="B0001", email="ahmed@gulflights.ae", product="LED-HB-150"),
            dict(inquiry_id="I0002", received=T(2026, 11, 26, 16, 0), channel="fax",
                 buyer_id="B0002", email="jonas@weberlicht.de", product="LED-PL-60"),
            dict(inquiry_id="I0003", received=T(2026, 11, 26, 13, 0), channel="alibaba",
                 email="new@buyer.example", product="LED-T8-18"),
            dict(inquiry_id="I0004", received=D(2026, 11, 27), channel="email",
                 buyer_id="B0003", email="giulia@luceroma.it"),
            dict(inquiry_id="I0005", received=T(2026, 11, 2, 9, 0), channel="email",
                 email="stray@nowhere.example", replied=T(2026, 11, 2, 10, 0)),
        ],
        samples=[
            dict(date=D(2026, 11, 10), buyer_id="B0004", model="LED-SL-100",
                 kind="physical", status="sent"),
        ],
        quotes=[
            dict(quote_no="Q0001", date=D(2026, 11, 20), buyer_id="B0003",
                 model="LED-PL-60", quantity=300, unit_price=4.2, currency="USD",
                 valid_until=D(2026, 12, 20)),
        ],
    )  # fmt: skip


@pytest.fixture
def own_workbook(tmp_path) -> Path:
    """A salesperson's own: a title row, Chinese headers, the buyers on the second sheet,
    an inquiry log answered with a tick."""
    wb = openpyxl.Workbook()
    log = wb.active
    log.title = "询盘记录"
    log.append(["询盘日期", "客户邮箱", "产品", "已回复"])
    log.append([T(2026, 11, 27, 9, 15), "li@hongda.cn", "LED-HB-150", None])
    log.append([T(2026, 11, 20, 9, 0), "sara@nordicglow.se", "LED-T8-18", "✓"])
    ws = wb.create_sheet("客户")
    ws.append(["2026 客户跟进表"])
    ws.append(["客户名称", "公司", "邮箱", "国家", "客户等级", "最后联系日期"])
    ws.append(["李明", "宏达照明", "li@hongda.cn", "China", "A", D(2026, 11, 21)])
    ws.append(["Sara Lind", "Nordic Glow AB", "sara@nordicglow.se", "Sweden", "B",
               D(2026, 11, 12)])  # fmt: skip
    ws.append(["Mei Tan", "Lion City", "mei@lioncity.sg", "Singapore", "C", D(2026, 11, 30)])
    path = tmp_path / "客户管理.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("layout", ["owed", "own_workbook"])
def test_a_repeat_due_answers_from_its_digest_as_the_workbook_would(inq, request, reads, layout):
    path = request.getfixturevalue(layout)
    first = {args: run(inq, path, *args) for args in CASES}
    assert all(code == 0 for code, _ in first.values())
    assert json.loads(first["due", "--json"][1])  # (a list with items in it)
    assert len(digests(path)) == 3  # today, week, overdue: one file each
    reads.refuse()
    for args in CASES:
        assert run(inq, path, *args) == first[args], args


def test_the_replies_owed_run_by_the_hour_and_the_local_times_by_the_minute(
    inq, owed, monkeypatch, reads
):
    later = "2026-11-27T15:47"
    monkeypatch.setenv("INQ_INDEX", "off")
    monkeypatch.setenv("INQ_NOW", later)
    expected = {args: run(inq, owed, *args) for args in CASES}
    monkeypatch.setenv("INQ_INDEX", "inline")
    monkeypatch.setenv("INQ_NOW", "2026-11-27T10:00")
    morning = {args: run(inq, owed, *args) for args in CASES}
    assert morning["due",] != expected["due",]  # (the clock moved: the test can fail)
    assert "I0001" in morning["due",][1] and "I0001" in expected["due",][1]
    reads.refuse()
    monkeypatch.setenv("INQ_NOW", later)
    for args in CASES:
        assert run(inq, owed, *args) == expected[args], args


def test_another_day_or_a_changed_workbook_is_read_again(inq, owed, monkeypatch, reads):
    run(inq, owed, "due")
    assert reads.count() == 1
    run(inq, owed, "due")
    assert reads.count() == 1  # (from the digest)
    monkeypatch.setenv("INQ_NOW", "2026-11-28T10:00")
    monkeypatch.setenv("INQ_INDEX", "off")
    tomorrow = run(inq, owed, "due", "--json")
    monkeypatch.setenv("INQ_INDEX", "inline")
    assert run(inq, owed, "due", "--json") == tomorrow
    assert reads.count() == 3
    assert [p.name.split("-")[1] for p in digests(owed)] == ["20261128"]  # (no other day kept)
    # A contact logged: the list changes, and the next due sees it.
    code, _ = run(inq, owed, "log", "kofi@accrapower.gh", "-c", "tel", "-s", "Called")
    assert code == 0
    _, after = run(inq, owed, "due", "--json")
    before = [i["kind"] for i in json.loads(tomorrow[1]) if i["buyer_id"] == "B0004"]
    kofi = [i["kind"] for i in json.loads(after) if i["buyer_id"] == "B0004"]
    assert "follow-up" in before and "follow-up" not in kofi  # (done: logged today)
    assert reads.count() == 4  # (log reads its one buyer's rows another way: mentions.py)
    # Saved by someone else, same size and all: a new mtime is a new file.
    run(inq, owed, "due", "--json")
    count = reads.count()
    stat = owed.stat()
    os.utime(owed, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert run(inq, owed, "due", "--json")[1] == after
    assert reads.count() == count + 1


def test_a_damaged_or_hostile_digest_is_never_used(inq, owed, tmp_path, monkeypatch, reads):
    expected = run(inq, owed, "due", "--json")
    (digest,) = digests(owed)
    raw = bytearray(digest.read_bytes())
    raw[-40:-20] = b"\xff" * 20  # a chunk of items damaged
    digest.write_bytes(bytes(raw))
    assert run(inq, owed, "due", "--json") == expected
    assert reads.count() == 2
    # A digest that would run code when unpickled: refused, nothing runs.
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    from inquiry_cli.cli.lookup_index import code_version

    (digest,) = digests(owed)
    with index.open_index(
        Path(os.environ["INQ_CACHE"]), owed, code_version(), index.DUE, digest.stem[65:]
    ) as found:
        parts = found.section("digest")
        header = found.header
    pieces = index.encode(
        code_version(), tuple(header["identity"]), header["sha256"], {"digest": parts},
        {"items": [Evil()] * 40}, time.time() - 60, kind=index.DUE,
    )  # fmt: skip
    digest.write_bytes(b"".join(pieces))
    assert run(inq, owed, "due", "--json") == expected
    assert run(inq, owed, "due") == run(inq, owed, "due")
    assert not marker.exists()


def test_the_digest_is_written_behind_the_answer_and_only_when_asked(owed, monkeypatch):
    """A real run (the console script's way): the answer comes, its forked copy writes
    the digest, and the next run answers from it; INQ_INDEX=off writes none."""
    env = {**os.environ, "INQ_INDEX": "off"}
    command = [sys.executable, "-m", "inquiry_cli", "-w", str(owed), "due"]
    off = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert off.returncode == 0 and "I0001" in off.stdout
    assert digests(owed) == []
    env["INQ_INDEX"] = "background"
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0 and first.stderr == off.stderr
    assert first.stdout == off.stdout
    deadline = time.monotonic() + 30
    while not digests(owed) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert digests(owed)
    # The next run answers from it: opening a digest marks it used (its mtime: the
    # last used are the last evicted).
    (digest,) = digests(owed)
    os.utime(digest, (1_000_000_000, 1_000_000_000))
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert again.stdout == off.stdout
    assert digest.stat().st_mtime > time.time() - 60


def test_where_there_is_no_fork_a_background_process_reads_and_writes_it(
    inq, owed, reads, monkeypatch
):
    """Windows: the writer is a process of its own (python -m inquiry_cli.cli.due_digest)."""
    monkeypatch.setenv("INQ_INDEX", "off")
    expected = run(inq, owed, "due", "week")
    monkeypatch.setenv("INQ_INDEX", "background")
    monkeypatch.delattr(os, "fork")
    spawned = []
    real = subprocess.Popen

    def popen(args, **kwargs):
        spawned.append(args)
        return real(args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", popen)
    assert run(inq, owed, "due", "week") == expected
    assert spawned and spawned[0][1:3] == ["-m", "inquiry_cli.cli.due_digest"]
    deadline = time.monotonic() + 30
    while not digests(owed) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert digests(owed)
    reads.refuse()
    assert run(inq, owed, "due", "week") == expected


def test_a_link_planted_in_the_cache_is_replaced_never_written_through(inq, owed, tmp_path, reads):
    expected = run(inq, owed, "due", "week")
    (digest,) = digests(owed)
    lock = digest.with_suffix(".lock")
    precious, elsewhere = tmp_path / "precious.txt", tmp_path / "made-by-inq"
    precious.write_text("the user's own", encoding="utf-8")
    digest.unlink()
    lock.unlink()
    digest.symlink_to(precious)
    lock.symlink_to(elsewhere)
    assert run(inq, owed, "due", "week") == expected  # (read, and the digest written again)
    assert precious.read_text(encoding="utf-8") == "the user's own"
    assert not elsewhere.exists()
    assert not digest.is_symlink() and not lock.is_symlink()
    assert digest.stat().st_mode & 0o077 == 0  # (buyers' names: the user's eyes only)
    reads.refuse()
    assert run(inq, owed, "due", "week") == expected


def test_a_file_rewritten_in_place_under_the_read_gets_no_digest(owed):
    """Same inode, size and mtime, new bytes, after the read took its stamp (the
    launcher's early read runs before the command looks at the file): not vouched for."""
    from inquiry_cli.cli import due_digest
    from inquiry_cli.cli import reads as declared
    from inquiry_cli.dates import now
    from inquiry_cli.domain import due as service
    from inquiry_cli.workbook import read

    book = read.read(owed, declared.DUE.sheets, kept=declared.DUE.kept)
    ranked = service.rank(book, now(), "today")
    stat = owed.stat()
    data = bytearray(owed.read_bytes())
    data[-30:-22] = b"inq-test"  # (the zip's end: still the same size)
    with open(owed, "r+b") as fh:
        fh.write(data)
    os.utime(owed, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    seen = due_digest.identity(owed)  # (taken after: all but the content agrees)
    assert (seen[1], seen[2], seen[3]) == (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    assert not due_digest.write(owed, seen, book.stamp, ranked, now(), "today")
    assert digests(owed) == []
    as_now = dataclasses.replace(book.stamp, sha256=index.sha256_of(owed))
    assert due_digest.write(owed, seen, as_now, ranked, now(), "today")  # (the control)


@pytest.mark.parametrize("off", ["off", "OFF", "0", "false", "no"])
def test_inq_index_off_in_any_spelling_writes_no_digest(inq, owed, monkeypatch, off):
    monkeypatch.setenv("INQ_INDEX", off)
    assert run(inq, owed, "due")[0] == 0
    assert digests(owed) == []


def test_after_a_log_the_lists_asked_today_are_written_again(inq, owed, reads, monkeypatch):
    """due, log, due: the second due answers from a digest of the file as the log left it
    (a write has today's lists written again); a write nobody ran due on today, none."""
    assert run(inq, owed, "due")[0] == 0
    assert run(inq, owed, "due", "week", "--json")[0] == 0
    assert len(digests(owed)) == 2
    code, _ = run(inq, owed, "log", "kofi@accrapower.gh", "-c", "tel", "-s", "Called")
    assert code == 0
    monkeypatch.setenv("INQ_INDEX", "off")
    expected = {args: run(inq, owed, *args) for args in [("due",), ("due", "week", "--json")]}
    monkeypatch.setenv("INQ_INDEX", "inline")
    reads.refuse()
    for args, answer in expected.items():
        assert run(inq, owed, *args) == answer, args
    assert "B0004" not in [
        i["buyer_id"] for i in json.loads(answer[1]) if i["kind"] == "follow-up"
    ]  # (the follow-up the log did: the digest is of the new file)


def test_an_undo_has_them_written_again_too(inq, owed, reads, monkeypatch):
    monkeypatch.setenv("INQ_INDEX", "off")
    expected = run(inq, owed, "due", "--json")
    monkeypatch.setenv("INQ_INDEX", "inline")
    assert run(inq, owed, "due", "--json") == expected
    assert run(inq, owed, "log", "kofi@accrapower.gh", "-c", "tel", "-s", "Called")[0] == 0
    assert run(inq, owed, "due", "--json") != expected
    assert run(inq, owed, "undo")[0] == 0
    reads.refuse()
    assert run(inq, owed, "due", "--json") == expected


def test_a_write_on_a_workbook_nobody_ran_due_on_today_writes_no_digest(inq, owed):
    code, _ = run(inq, owed, "log", "kofi@accrapower.gh", "-c", "tel", "-s", "Called")
    assert code == 0
    assert digests(owed) == []
