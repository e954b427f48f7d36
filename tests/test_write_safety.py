"""Refusals, locks, crashes, concurrent saves, backups and undo of the safe write path."""

from __future__ import annotations

import zipfile

import pytest
from filelock import FileLock
from write_helpers import digest, rich_workbook, values

from inquiry_cli.errors import (
    ConcurrentChange,
    NotFound,
    WorkbookBusy,
    WorkbookUnreadable,
)
from inquiry_cli.workbook import backups, guard, verify
from inquiry_cli.workbook import write as write_mod
from inquiry_cli.workbook.backups import list_backups, undo
from inquiry_cli.workbook.changes import ChangeSet
from inquiry_cli.workbook.write import FileStamp, apply

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group:UserWarning")


@pytest.fixture
def book(tmp_path):
    return rich_workbook(tmp_path / "customers.xlsx")


def one_row(text: str = "B100") -> ChangeSet:
    cs = ChangeSet(command=f"add {text}")
    cs.append("Contacts", {2: text, 5: "note"})
    return cs


def no_temp_left(book) -> bool:
    return not list(book.parent.glob(".~inq-*"))


@pytest.mark.parametrize(
    "lock_name, program",
    [
        ("~$customers.xlsx", "Excel"),
        ("~$stomers.xlsx", "Excel"),  # Excel shortens long names
        (".~lock.customers.xlsx#", "LibreOffice"),
    ],
)
def test_open_elsewhere_is_refused(book, lock_name, program):
    (book.parent / lock_name).write_bytes(b"owner")
    sha = digest(book)
    with pytest.raises(WorkbookBusy, match=f"open in {program}: close it"):
        apply(book, one_row())
    assert digest(book) == sha
    assert not list((book.parent / "inq-backups").glob("customers.2*"))
    with pytest.raises(WorkbookBusy):
        undo(book)


def test_second_inq_run_waits_then_errors(book):
    holder = FileLock(guard.lock_path(book))
    guard.lock_path(book).parent.mkdir(exist_ok=True)
    holder.acquire()
    try:
        sha = digest(book)
        with pytest.raises(WorkbookBusy, match=r"another inq command is writing .*waited 0.2 s"):
            apply(book, one_row(), lock_timeout=0.2)
        assert digest(book) == sha
    finally:
        holder.release()
    apply(book, one_row(), lock_timeout=0.2)  # free again


def test_crash_between_temp_and_replace_leaves_original(book, monkeypatch):
    sha = digest(book)

    def crash(src, dst):
        assert (book.parent / f".~inq-{book.name}.tmp").exists()  # the temp was complete
        raise KeyboardInterrupt  # as if the process died here

    monkeypatch.setattr(write_mod.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        apply(book, one_row())
    assert digest(book) == sha
    assert no_temp_left(book)


def test_replace_blocked_by_excel_on_windows(book, monkeypatch):
    sha = digest(book)

    def denied(src, dst):
        raise PermissionError(13, "Access is denied")

    monkeypatch.setattr(write_mod.os, "replace", denied)
    with pytest.raises(WorkbookBusy, match="close it and retry"):
        apply(book, one_row())
    assert digest(book) == sha
    assert no_temp_left(book)
    assert list_backups(book) == []


def test_stamp_mismatch_is_a_concurrent_change(book, tmp_path):
    stamp = FileStamp.of(book)
    other = tmp_path / "elsewhere" / "customers.xlsx"
    other.parent.mkdir()
    other.write_bytes(book.read_bytes())
    apply(other, one_row("EXCEL"))
    book.write_bytes(other.read_bytes())  # saved from Excel in between
    cs = one_row()
    sha = digest(book)
    with pytest.raises(ConcurrentChange, match="changed on disk"):
        apply(book, cs, stamp=stamp)
    assert digest(book) == sha


def test_save_during_the_write_is_detected(book, monkeypatch):
    real = verify.verify

    def save_meanwhile(*args):
        real(*args)
        with book.open("ab") as fh:  # someone saves while inq verifies
            fh.write(b"\0")

    monkeypatch.setattr(verify, "verify", save_meanwhile)
    with pytest.raises(ConcurrentChange):
        apply(book, one_row())
    assert no_temp_left(book)


def test_refuses_what_it_cannot_edit(tmp_path):
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(WorkbookUnreadable, match="97-2003"):
        apply(xls, one_row())
    enc = tmp_path / "secret.xlsx"
    enc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le"))
    with pytest.raises(WorkbookUnreadable, match="password"):
        apply(enc, one_row())
    strict = tmp_path / "strict.xlsx"
    with zipfile.ZipFile(strict, "w") as z:
        z.writestr(
            "xl/workbook.xml", '<workbook xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"/>'
        )
    with pytest.raises(WorkbookUnreadable, match="Strict Open XML"):
        apply(strict, one_row())


def test_undo_restores_and_can_be_undone(book):
    original = book.read_bytes()
    apply(book, one_row("B1"))
    written = book.read_bytes()
    assert written != original

    result = undo(book)
    assert book.read_bytes() == original
    assert result.undid == "add B1"
    assert [e.command for e in list_backups(book)] == ["undo", "add B1"]

    undo(book)  # undo the undo
    assert book.read_bytes() == written
    assert values(book)["Contacts"][(5, 2)] == "B1"


def test_undo_after_an_outside_edit_names_the_backup(book):
    result = apply(book, one_row())
    assert result.backup is not None
    with book.open("ab") as fh:
        fh.write(b"\0")  # edited in Excel since
    sha = digest(book)
    with pytest.raises(ConcurrentChange, match=result.backup.name):
        undo(book)
    assert digest(book) == sha


def test_undo_with_no_history(book):
    with pytest.raises(NotFound, match="nothing to undo"):
        undo(book)


def test_backups_rotate_and_list(book, monkeypatch):
    monkeypatch.setattr(backups, "KEEP", 3)
    monkeypatch.setattr(backups.rotate, "__defaults__", (3,))
    for i in range(5):
        apply(book, one_row(f"B{i}"))
    listed = list_backups(book)
    assert [e.command for e in listed] == ["add B4", "add B3", "add B2"]
    files = sorted((book.parent / "inq-backups").glob("customers.*.xlsx"))
    assert len(files) == 3
    assert all(e.file.exists() for e in listed)
    log = (book.parent / "inq-backups" / "customers.xlsx.log.jsonl").read_text("utf-8")
    assert len(log.splitlines()) == 3


def test_backups_keep_ten_by_default(book):
    assert backups.KEEP == 10
    for i in range(11):
        apply(book, one_row(f"B{i}"))
    assert len(list_backups(book)) == 10
    assert len(list((book.parent / "inq-backups").glob("customers.*.xlsx"))) == 10
