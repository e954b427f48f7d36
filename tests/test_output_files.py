"""The one gate for files that are not the workbook: --ics, --out, --mbox and .eml files.

Every command that writes such a file goes through it: an existing file is kept unless
--force, the workbook and inq-backups/ never (however named), no write through a link,
and a failed write is one line that leaves neither a temp file nor a changed file.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from conftest import sha256

# (arguments before the target, the target's name): one per command writing a file.
WRITERS = {
    "ics": (["due", "--ics"], "due.ics"),
    "quote": (["quote", "-m", "LED-1", "-q", "10", "--region", "eu", "--out"], "q.txt"),
    "a-list": (["report", "a-list", "--out"], "a.xlsx"),
    "stats": (["stats", "--out"], "s.xlsx"),
    "mbox": (["mail", "new-products", "--all", "--mbox"], "m.mbox"),
    "eml": (["mail", "new-products", "--all", "--out"], "mails"),  # B0001.eml inside
}


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """One tiny workbook for the module (each test gets its own copy)."""
    from inquiry_cli.contract import schema
    from inquiry_cli.workbook.create import append_record, new_workbook

    book = new_workbook()
    append_record(book["Buyers"], schema.BUYERS, dict(buyer_id="B0001", name="Ann Lee", company="Acme", email="ann@acme.com", country="Germany", grade="A", products="LED-1"))  # fmt: skip
    append_record(book["Products"], schema.SHEETS_BY_KEY["products"], dict(model="LED-1", name="Lamp", moq=10, price=2.5, new=True))  # fmt: skip
    path = tmp_path_factory.mktemp("made") / "wb.xlsx"
    book.save(path)
    return path


@pytest.fixture
def wb(made, tmp_path):
    return Path(shutil.copy(made, tmp_path / "wb.xlsx"))


def run(inq, wb, kind, target, *extra):
    args, _name = WRITERS[kind]
    return inq("-w", wb, *args, target, *extra)


def file_of(kind, target):
    """The file the command writes for `target` (an .eml inside the --out folder)."""
    return target / "B0001.eml" if kind == "eml" else target


def no_temp_files(folder) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".inq-tmp")]


def disk_full(fd):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("kind", WRITERS)
def test_an_output_file_goes_through_the_gate(inq, wb, tmp_path, monkeypatch, kind):
    target = tmp_path / WRITERS[kind][1]
    path = file_of(kind, target)
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"mine")
    # an existing file is refused and kept byte for byte
    result = run(inq, wb, kind, target)
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"Error: not writing {path}: it already exists: name a new file, or add --force "
        "to replace it\n"
    )
    assert path.read_bytes() == b"mine"
    # a failed write (disk full) is one line: no temp file left, the old file intact
    fsync = os.fsync
    monkeypatch.setattr(os, "fsync", disk_full)
    result = run(inq, wb, kind, target, "--force")
    monkeypatch.setattr(os, "fsync", fsync)
    assert result.exit_code == 1, result.output
    assert result.stderr == f"Error: not writing {path}: no space left on device\n"
    assert path.read_bytes() == b"mine" and no_temp_files(path.parent)
    # --force replaces it
    forced = run(inq, wb, kind, target, "--force")
    assert forced.exit_code == 0, forced.output
    assert path.read_bytes() != b"mine" and path.stat().st_size > 50
    assert no_temp_files(path.parent)
    # a symbolic link is refused, with --force too, and what it points to is kept
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_bytes(b"keep me")
    path.unlink()
    path.symlink_to(elsewhere)
    result = run(inq, wb, kind, target, "--force")
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"Error: not writing {path}: it is a symbolic link (inq never writes through "
        "one): name the file\n"
    )
    assert elsewhere.read_bytes() == b"keep me" and path.is_symlink()
    # nothing goes inside inq-backups/, even with --force
    backups = tmp_path / "inq-backups"
    backups.mkdir()
    result = run(inq, wb, kind, backups / WRITERS[kind][1], "--force")
    assert result.exit_code == 1, result.output
    assert "inside inq-backups/, where inq keeps the workbook's backups" in result.stderr
    assert list(backups.iterdir()) == []


def test_the_workbook_named_as_ics_is_refused_even_with_force(inq, wb, tmp_path):
    before = sha256(wb)
    (tmp_path / "sub").mkdir()
    os.link(wb, tmp_path / "hard.ics")
    (tmp_path / "soft.ics").symlink_to(wb)
    for target in (wb, tmp_path / "sub" / ".." / wb.name, tmp_path / "hard.ics"):
        result = inq("-w", wb, "due", "--ics", target, "--force")
        assert result.exit_code == 1, result.output
        assert result.stderr == (
            f"Error: not writing {target}: that is the workbook itself: name another file\n"
        )
    assert inq("-w", wb, "due", "--ics", tmp_path / "soft.ics", "--force").exit_code == 1
    assert sha256(wb) == before
    assert not list(tmp_path.glob("inq-backups/*.xlsx"))


def test_an_unwritable_folder_is_one_line(inq, wb, tmp_path, monkeypatch):
    real_open = os.open

    def read_only(name, flags, *args):
        if str(name).endswith(".inq-tmp"):  # root may write anywhere: refuse the temp file
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(name))
        return real_open(name, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    result = inq("-w", wb, "due", "--ics", tmp_path / "due.ics")
    assert result.exit_code == 1
    assert result.stderr == f"Error: not writing {tmp_path / 'due.ics'}: permission denied\n"
    assert not (tmp_path / "due.ics").exists() and no_temp_files(tmp_path)
    missing = tmp_path / "nope" / "due.ics"
    result = inq("-w", wb, "due", "--ics", missing)
    assert result.stderr == (
        f"Error: not writing {missing}: folder {tmp_path / 'nope'} does not exist\n"
    )


def test_the_gate_sees_through_every_spelling(tmp_path):
    """Links, `..`, dangling links and links to inq-backups/, straight at the gate."""
    from inquiry_cli.errors import OutputRefused
    from inquiry_cli.output import files

    wb = tmp_path / "wb.xlsx"
    wb.write_bytes(b"workbook")
    (tmp_path / "inq-backups").mkdir()
    (tmp_path / "b").symlink_to(tmp_path / "inq-backups")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "wb-link.txt").symlink_to(wb)
    for bad in ("b/x.txt", "dangling.txt", "wb-link.txt", "./INQ-BACKUPS/x.txt"):
        with pytest.raises(OutputRefused):
            files.write(tmp_path / bad, b"x", workbook=wb, force=True)
    assert not (tmp_path / "nowhere.txt").exists() and wb.read_bytes() == b"workbook"
    assert list((tmp_path / "inq-backups").iterdir()) == []
    files.write(tmp_path / "new.txt", lambda fh: fh.write(b"by a writer"), workbook=wb)
    assert (tmp_path / "new.txt").read_bytes() == b"by a writer"
