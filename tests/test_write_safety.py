"""Refusals, locks, crashes, concurrent saves, backups and undo of the safe write path."""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import zipfile
from pathlib import Path

import pytest
from filelock import FileLock
from write_helpers import digest, rich_workbook, values

from inquiry_cli import fsops
from inquiry_cli.contract.changes import ChangeSet
from inquiry_cli.errors import (
    ConcurrentChange,
    InqError,
    NotFound,
    WorkbookBusy,
    WorkbookUnreadable,
)
from inquiry_cli.workbook import backups, guard, verify
from inquiry_cli.workbook.backups import backup_files, list_backups
from inquiry_cli.workbook.undo import undo
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
        with pytest.raises(
            WorkbookBusy,
            match=r"another inq run is still writing customers.xlsx after 0.2 s: let it finish",
        ):
            apply(book, one_row(), lock_timeout=0.2)
        assert digest(book) == sha
    finally:
        holder.release()
    apply(book, one_row(), lock_timeout=0.2)  # free again


def test_crash_between_temp_and_replace_leaves_original(book, monkeypatch):
    sha = digest(book)

    def crash(src, dst):
        assert src == book.parent / f".~inq-{book.name}.new"  # the staged file was complete
        raise KeyboardInterrupt  # as if the process died here

    monkeypatch.setattr(fsops, "exchange", crash)
    with pytest.raises(KeyboardInterrupt):
        apply(book, one_row())
    assert digest(book) == sha
    assert no_temp_left(book)


def test_replace_blocked_by_excel_on_windows(book, monkeypatch):
    sha = digest(book)

    def denied(src, dst):
        raise PermissionError(13, "Access is denied")

    monkeypatch.setattr(fsops, "exchange", denied)
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


def _saved_elsewhere(book, content: bytes) -> None:
    """Excel saving: a whole new file takes the workbook's name."""
    other = book.with_name("excel-save.tmp")
    other.write_bytes(content)
    os.replace(other, book)


@pytest.fixture
def excel_version(book, tmp_path):
    """What Excel would save: the workbook with one more contact, made elsewhere."""
    elsewhere = tmp_path / "elsewhere" / book.name
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(book.read_bytes())
    apply(elsewhere, one_row("EXCEL"))
    return elsewhere.read_bytes()


def test_a_save_landing_just_before_the_swap_is_kept(book, monkeypatch, excel_version):
    real = fsops.exchange

    def excel_saves_first(a, b):
        _saved_elsewhere(book, excel_version)
        return real(a, b)

    monkeypatch.setattr(fsops, "exchange", excel_saves_first)
    with pytest.raises(ConcurrentChange, match="saved by another program while inq was writing"):
        apply(book, one_row("INQ"))
    assert book.read_bytes() == excel_version  # the outside save is in place, untouched
    assert no_temp_left(book)
    assert list_backups(book) == []


def test_without_an_atomic_swap_a_save_in_the_gap_is_kept(book, monkeypatch, excel_version):
    """Where no swap exists (some file systems), the workbook is moved aside, checked, and
    the new file placed without overwriting: a save in that gap wins."""
    monkeypatch.setattr(fsops, "exchange", lambda a, b: False)
    real, saves = fsops.rename_noreplace, [excel_version]

    def excel_saves_in_the_gap(src, dst):
        if Path(dst) == book and saves:  # the workbook is aside: Excel saves, once
            _saved_elsewhere(book, saves.pop())
        return real(src, dst)

    monkeypatch.setattr(fsops, "rename_noreplace", excel_saves_in_the_gap)
    with pytest.raises(ConcurrentChange, match="that save is kept and inq's change was not made"):
        apply(book, one_row("INQ"))
    assert book.read_bytes() == excel_version
    apply(book, one_row("AGAIN"))  # and the next write cleans up what was set aside
    assert values(book)["Contacts"][(6, 2)] == "AGAIN"
    assert no_temp_left(book)


def test_without_an_atomic_swap_a_normal_write_works(book, monkeypatch):
    monkeypatch.setattr(fsops, "exchange", lambda a, b: False)
    apply(book, one_row("B1"))
    assert values(book)["Contacts"][(5, 2)] == "B1"
    undo(book)
    assert (5, 2) not in values(book)["Contacts"]
    assert no_temp_left(book)


def test_a_workbook_behind_a_symlink_is_written_at_its_target(tmp_path):
    real_dir = tmp_path / "Dropbox"
    real_dir.mkdir()
    target = rich_workbook(real_dir / "customers.xlsx")
    link = tmp_path / "desktop" / "my customers.xlsx"
    link.parent.mkdir()
    link.symlink_to(target)
    apply(link, one_row("VIA-LINK"))
    assert link.is_symlink() and link.resolve() == target
    assert values(target)["Contacts"][(5, 2)] == "VIA-LINK"
    assert (real_dir / "inq-backups").is_dir() and not (link.parent / "inq-backups").exists()
    undo(link)
    assert link.is_symlink()
    assert (5, 2) not in values(target)["Contacts"]


def test_backups_sort_by_number_whatever_the_clock_says(book, monkeypatch):
    """After a trip west (or the end of summer time) the clock reads earlier than the
    last backup's name: the new backup must still be the newest, not rotated away."""
    monkeypatch.setattr(backups, "KEEP", 3)
    for i in range(3):
        apply(book, one_row(f"B{i}"))
    folder = book.parent / "inq-backups"
    for f in backup_files(book):  # pretend they were all made tomorrow
        f.rename(folder / re.sub(r"\.\d{8}T", ".20991231T", f.name))
    apply(book, one_row("AFTER-THE-TRIP"))
    names = [f.name for f in backup_files(book)]
    assert len(names) == 3
    assert names[-1].startswith(f"customers.{dt.datetime.now(dt.UTC):%Y%m%d}T")
    assert re.fullmatch(r"customers\.\d{8}T\d{6}Z-0004\.xlsx", names[-1])


def test_disk_full_during_the_backup_copy(book, monkeypatch):
    real_open = Path.open

    class FullDisk:
        def __init__(self, fh):
            self.fh = fh

        def write(self, data):
            self.fh.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    def opening(self, mode="r", *args, **kwargs):
        fh = real_open(self, mode, *args, **kwargs)
        return FullDisk(fh) if self.name.startswith(".~inq-partial-") else fh

    monkeypatch.setattr(Path, "open", opening)
    sha = digest(book)
    with pytest.raises(InqError, match=r"cannot back up the workbook in .*No space left on device"):
        apply(book, one_row())
    assert digest(book) == sha
    assert not list((book.parent / "inq-backups").iterdir()) or not [
        f for f in (book.parent / "inq-backups").iterdir() if f.suffix == ".xlsx"
    ]
    assert no_temp_left(book)


def test_an_unwritable_backup_log_stops_the_write_before_the_swap(book):
    (book.parent / "inq-backups" / "customers.xlsx.log.jsonl").mkdir(parents=True)
    sha = digest(book)
    with pytest.raises(InqError, match="cannot write the backup log in"):
        apply(book, one_row())
    assert digest(book) == sha
    assert backup_files(book) == []
    assert no_temp_left(book)


def test_a_backup_folder_that_cannot_be_made_is_one_line(book):
    (book.parent / "inq-backups").write_text("not a folder")
    sha = digest(book)
    with pytest.raises(InqError, match=r"cannot create .*inq-backups for inq's lock and backups"):
        apply(book, one_row())
    assert digest(book) == sha
    assert no_temp_left(book)


def test_a_displaced_save_left_by_a_killed_run_is_kept(book, excel_version):
    """A kill right after a swap that displaced an outside save leaves that save under
    the staged name: the next write keeps it in inq-backups and says so."""
    (book.parent / f".~inq-{book.name}.new").write_bytes(excel_version)
    result = apply(book, one_row("NEXT"))
    assert len(result.notes) == 1 and "kept it as" in result.notes[0]
    kept = list((book.parent / "inq-backups").glob("customers.recovered-*.xlsx"))
    assert [k.read_bytes() for k in kept] == [excel_version]
    assert no_temp_left(book)


def test_without_an_atomic_swap_a_save_before_the_move_aside_is_put_back(
    book, monkeypatch, excel_version
):
    monkeypatch.setattr(fsops, "exchange", lambda a, b: False)
    real, saves = os.rename, [excel_version]

    def excel_saves_first(src, dst):
        if Path(src) == book and saves:
            _saved_elsewhere(book, saves.pop())
        return real(src, dst)

    monkeypatch.setattr(os, "rename", excel_saves_first)
    with pytest.raises(ConcurrentChange, match="that save is kept and inq's change was not made"):
        apply(book, one_row("INQ"))
    assert book.read_bytes() == excel_version
    assert no_temp_left(book)
