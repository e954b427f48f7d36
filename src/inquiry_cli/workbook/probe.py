"""Sniff a workbook file before anything parses it, so bad input gets one clear line.

Readers and the write path both call `probe()`: a missing file, a folder, an old .xls,
a password-protected workbook, a corrupt zip or a non-Excel file each become an
InqError that names the fix, never a traceback from deep inside a parser.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from inquiry_cli.errors import WorkbookNotFound, WorkbookUnreadable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
STRICT_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
_WORKBOOK_ROOT = re.compile(rb"<(?:[\w.-]+:)?workbook[\s>/]")


@dataclass(frozen=True)
class Probe:
    """What kind of workbook the file is."""

    path: Path
    macro_enabled: bool  # .xlsm: has a vbaProject part
    strict: bool  # Strict Open XML (ISO 29500 strict) namespaces


def probe(path: Path) -> Probe:
    """Check that `path` is an .xlsx/.xlsm inq can open; raise a one-line error if not."""
    name = path.name
    if not path.exists():
        raise WorkbookNotFound(
            f"no such workbook: {path} (check the path, or create one with `inq init {name}`)"
        )
    if path.is_dir():
        raise WorkbookNotFound(f"{path} is a folder, not a workbook: name the .xlsx file in it")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except PermissionError:
        raise WorkbookUnreadable(
            f"cannot read {name}: permission denied (is it open in Excel? close it and retry)"
        ) from None
    except OSError as exc:
        raise WorkbookUnreadable(f"cannot read {name}: {exc.strerror or exc}") from None
    if head.startswith(OLE_MAGIC):
        data = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise WorkbookUnreadable(
                f"{name} is password-protected: open it in Excel, remove the password "
                "(File > Info > Protect Workbook > Encrypt with Password), save, and retry"
            )
        raise WorkbookUnreadable(
            f"{name} is an old Excel 97-2003 (.xls) workbook: open it in Excel and "
            "save it as .xlsx (File > Save As > Excel Workbook)"
        )
    if not head.startswith(ZIP_MAGIC):
        if len(head) == 0:
            raise WorkbookUnreadable(f"{name} is empty (0 bytes): restore it from a backup")
        raise WorkbookUnreadable(
            f"{name} is not an Excel workbook (.xlsx): save it from Excel as .xlsx"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            # Names compare as OOXML parts do: case-insensitively, "\\" read as "/".
            names = {n.replace("\\", "/").lower(): n for n in zf.namelist()}
            workbook_xml = _workbook_head(zf, names, name)
    except zipfile.BadZipFile:
        raise WorkbookUnreadable(
            f"{name} is damaged (not a valid .xlsx zip): restore it from a backup "
            "(see `inq backups`) or re-save it from Excel"
        ) from None
    except (OSError, EOFError, KeyError, zipfile.LargeZipFile) as exc:
        raise WorkbookUnreadable(f"{name} is damaged ({exc}): restore it from a backup") from None
    return Probe(
        path=path,
        macro_enabled=any(n.endswith("/vbaproject.bin") for n in names),
        strict=STRICT_NS in workbook_xml,
    )


def _workbook_head(zf: zipfile.ZipFile, names: dict[str, str], name: str) -> bytes:
    """The first bytes of the workbook part, found through _rels/.rels as every reader
    finds it.

    python-calamine reads it only as <folder>/workbook.xml, so another name is refused
    here in one line rather than read as a workbook without sheets.
    """
    from inquiry_cli.workbook.ooxml import office_document

    not_excel = WorkbookUnreadable(f"{name} is a zip file but not an Excel workbook (.xlsx)")
    rels = names.get("_rels/.rels")
    main = office_document(zf.read(rels)) if rels else None
    if main is None:
        if "xl/workbook.xml" not in names:
            raise not_excel
        main = "xl/workbook.xml"  # a damaged package: the reader then says what it lacks
    if main.lower() not in names:
        raise WorkbookUnreadable(
            f"{name} is damaged (its part {main} is missing): restore it from a backup"
        )
    stored = names[main.lower()]
    with zf.open(stored) as fh:
        head = fh.read(4096)
    if not _WORKBOOK_ROOT.search(head):
        raise not_excel  # a Word or PowerPoint file renamed to .xlsx
    if main.rsplit("/", 1)[-1].lower() != "workbook.xml":
        raise WorkbookUnreadable(
            f"{name} keeps its workbook part as {main}, which inq's reader cannot open (it "
            "reads only …/workbook.xml): open it in Excel, save it, and retry"
        )
    return head
