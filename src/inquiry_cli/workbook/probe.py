"""Sniff a workbook file before anything parses it, so bad input gets one clear line.

Readers and the write path both call `probe()`: a missing file, a folder, a FIFO or
device, an old .xls, a password-protected workbook, a corrupt zip, a zip whose directory
declares parts too big or compressed like a bomb, two parts of one name, or a non-Excel
file each become an InqError that names the fix, never a traceback from deep inside a
parser (and never a hang: nothing is opened before os.stat says it is a regular file).
A LibreOffice .ods (an OpenDocument zip whose mimetype says spreadsheet) is recognised:
inq reads it (ods.py) and refuses to write it (`refuse_ods`).
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from inquiry_cli.errors import InqError, WorkbookNotFound, WorkbookNotWritable, WorkbookUnreadable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
STRICT_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
_WORKBOOK_ROOT = re.compile(rb"<(?:[\w.-]+:)?workbook[\s>/]")
MAX_PARTS = 65_535  # a zip directory with more entries than a plain zip can hold
# Parts python-calamine (and the write path's checks) parse when they open a workbook:
# their prologs are checked for a DOCTYPE here, the rest when inq reads them.
_OPENED_PARTS = ("[content_types].xml", "_rels/.rels", "xl/workbook.xml")
ODF_MIMETYPE = "application/vnd.oasis.opendocument."
ODS_MIMETYPE = ODF_MIMETYPE + "spreadsheet"
_ODF_KINDS = {"text": "text document", "presentation": "presentation", "graphics": "drawing",
              "spreadsheet-template": "spreadsheet template"}  # fmt: skip


@dataclass(frozen=True)
class Probe:
    """What kind of workbook the file is."""

    path: Path
    macro_enabled: bool  # .xlsm: has a vbaProject part
    strict: bool  # Strict Open XML (ISO 29500 strict) namespaces
    ods: bool = False  # a LibreOffice / OpenDocument spreadsheet: read, never written


def refuse_ods(info: Probe) -> None:
    """WorkbookNotWritable for an .ods: inq writes only .xlsx (its one safe write path
    patches the .xlsx zip), so the user is told how to get one."""
    if info.ods:
        raise WorkbookNotWritable(
            f"{info.path.name} is a LibreOffice .ods, which inq reads but cannot write: in "
            "LibreOffice use File > Save As > Excel 2007-365 (.xlsx), then run inq on that file"
        )


def _regular(path: Path) -> os.stat_result:
    """os.stat of `path` (symlinks followed), or a one-line error: missing, a folder, or
    not a regular file (a FIFO would block the open forever, /dev/zero never ends)."""
    name = path.name
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise WorkbookNotFound(
            f"no such workbook: {path} (check the path, or create one with `inq init {name}`)"
        ) from None
    except PermissionError:
        raise WorkbookUnreadable(f"cannot read {name}: permission denied") from None
    except (OSError, ValueError) as exc:
        raise WorkbookUnreadable(
            f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    if stat.S_ISDIR(st.st_mode):
        raise WorkbookNotFound(f"{path} is a folder, not a workbook: name the .xlsx file in it")
    if not stat.S_ISREG(st.st_mode):
        raise WorkbookUnreadable(
            f"{path} is not a regular file (a pipe, device or socket), not a workbook: "
            "name the .xlsx file itself"
        )
    return st


def open_regular(path: Path):
    """The file opened for reading, refusing anything but a regular file (checked again
    on the open handle, so a file swapped for a FIFO meanwhile cannot block)."""
    _regular(path)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except PermissionError:
        raise WorkbookUnreadable(
            f"cannot read {path.name}: permission denied (is it open in Excel? close it and retry)"
        ) from None
    except OSError as exc:
        raise WorkbookUnreadable(f"cannot read {path.name}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise WorkbookUnreadable(f"{path} is not a regular file, not a workbook")
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def probe(path: Path) -> Probe:
    """Check that `path` is an .xlsx/.xlsm inq can open; raise a one-line error if not."""
    name = path.name
    with open_regular(path) as fh:
        try:
            head = fh.read(8)
        except OSError as exc:
            raise WorkbookUnreadable(f"cannot read {name}: {exc.strerror or exc}") from None
        if head.startswith(OLE_MAGIC):
            _refuse_ole(fh, name)
        if not head.startswith(ZIP_MAGIC):
            if len(head) == 0:
                raise WorkbookUnreadable(f"{name} is empty (0 bytes): restore it from a backup")
            raise WorkbookUnreadable(
                f"{name} is not an Excel workbook (.xlsx): save it from Excel as .xlsx"
            )
        fh.seek(0)
        return _check_zip(path, fh)


def _refuse_ole(fh, name: str) -> None:
    """An OLE file: a password-protected workbook, or an old .xls."""
    fh.seek(0)
    data = fh.read(64 * 1024 * 1024)  # the encryption streams' names sit near the start
    if "EncryptionInfo".encode("utf-16-le") in data:
        raise WorkbookUnreadable(
            f"{name} is password-protected: open it in Excel, remove the password "
            "(File > Info > Protect Workbook > Encrypt with Password), save, and retry"
        )
    raise WorkbookUnreadable(
        f"{name} is an old Excel 97-2003 (.xls) workbook: open it in Excel and "
        "save it as .xlsx (File > Save As > Excel Workbook)"
    )


def _check_zip(path: Path, fh) -> Probe:
    from inquiry_cli.workbook.ooxml import damaged, part_problem, too_large

    name = path.name
    try:
        with zipfile.ZipFile(fh) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_PARTS:
                raise too_large(name, f"{len(infos):,} parts")
            # Names compare as OOXML parts do: case-insensitively, "\\" read as "/".
            names: dict[str, str] = {}
            for info in infos:
                key = info.filename.replace("\\", "/").lower()
                if key in names:
                    raise damaged(name, f"two parts are named {info.filename!r}")
                names[key] = info.filename
                problem = part_problem(info)
                if problem is not None:
                    if "encrypted" in problem:
                        raise WorkbookUnreadable(
                            f"{name} has encrypted zip entries: inq cannot read it"
                        )
                    if "bomb" in problem or "inflates to" in problem:
                        raise too_large(name, problem)
                    raise damaged(name, problem)
            if "mimetype" in names and "xl/workbook.xml" not in names:
                _check_odf(zf, names, name)
                return Probe(path=path, macro_enabled=False, strict=False, ods=True)
            workbook_xml = _workbook_head(zf, names, name)
            _prologs(zf, names, name)  # refuses a DOCTYPE in the parts readers open first
    except zipfile.BadZipFile:
        raise WorkbookUnreadable(
            f"{name} is damaged (not a valid .xlsx zip): restore it from a backup "
            "(see `inq backups`) or re-save it from Excel"
        ) from None
    except InqError:
        raise
    except Exception as exc:  # zlib.error, EOFError, struct.error...: a damaged zip
        why = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise damaged(name, why) from None
    return Probe(
        path=path,
        macro_enabled=any(n.endswith("/vbaproject.bin") for n in names),
        strict=STRICT_NS in workbook_xml,
    )


def _check_odf(zf: zipfile.ZipFile, names: dict[str, str], name: str) -> None:
    """An OpenDocument zip: a spreadsheet inq can read, or a one-line refusal (another
    kind of document, a password, no content.xml); DOCTYPEs refused as for an .xlsx."""
    with zf.open(names["mimetype"]) as member:
        mimetype = member.read(256).decode("ascii", "replace").strip()
    if mimetype != ODS_MIMETYPE:
        kind = _ODF_KINDS.get(mimetype.removeprefix(ODF_MIMETYPE), "document")
        if not mimetype.startswith(ODF_MIMETYPE):
            raise WorkbookUnreadable(f"{name} is a zip file but not an Excel workbook (.xlsx)")
        raise WorkbookUnreadable(
            f"{name} is an OpenDocument {kind}, not a spreadsheet inq can read: open it in "
            "LibreOffice and save it as .xlsx (File > Save As > Excel 2007-365)"
        )
    manifest = names.get("meta-inf/manifest.xml")
    if manifest is None or "content.xml" not in names:
        raise WorkbookUnreadable(
            f"{name} is damaged (an .ods without its "
            f"{'manifest' if manifest is None else 'content.xml'}): re-save it from LibreOffice"
        )
    with zf.open(manifest) as member:
        head = member.read(1024 * 1024)
    refuse_odf_doctype(head, f"{name}: part {manifest}")
    if b"encryption-data" in head:
        raise WorkbookUnreadable(
            f"{name} is password-protected: open it in LibreOffice, save it with File > "
            "Save As without 'Save with password' (as .xlsx, for inq to write to it), and retry"
        )
    with zf.open(names["content.xml"]) as member:
        refuse_odf_doctype(member.read(64 * 1024), f"{name}: part content.xml")


def refuse_odf_doctype(xml: bytes, what: str) -> None:
    """xmlsafe.refuse_doctype, in LibreOffice's words."""
    from inquiry_cli.workbook.xmlsafe import has_doctype

    if has_doctype(xml):
        raise WorkbookUnreadable(
            f"{what} is damaged: it declares a DOCTYPE, which LibreOffice never writes "
            "(re-save it from LibreOffice)"
        )


def _workbook_head(zf: zipfile.ZipFile, names: dict[str, str], name: str) -> bytes:
    """The first bytes of the workbook part, found through _rels/.rels as every reader
    finds it (refused if it declares a DOCTYPE).

    python-calamine reads it only as <folder>/workbook.xml, so another name is refused
    here in one line rather than read as a workbook without sheets.
    """
    from inquiry_cli.workbook.ooxml import office_document
    from inquiry_cli.workbook.xmlsafe import refuse_doctype

    not_excel = WorkbookUnreadable(f"{name} is a zip file but not an Excel workbook (.xlsx)")
    rels = names.get("_rels/.rels")
    main = None
    if rels:
        with zf.open(rels) as member:
            main = office_document(member.read(256 * 1024))
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
        head = fh.read(64 * 1024)
    refuse_doctype(head, f"{name}: part {stored}")
    head = head[:4096]
    if not _WORKBOOK_ROOT.search(head):
        raise not_excel  # a Word or PowerPoint file renamed to .xlsx
    if main.rsplit("/", 1)[-1].lower() != "workbook.xml":
        raise WorkbookUnreadable(
            f"{name} keeps its workbook part as {main}, which inq's reader cannot open (it "
            "reads only …/workbook.xml): open it in Excel, save it, and retry"
        )
    return head


def _prologs(zf: zipfile.ZipFile, names: dict[str, str], filename: str) -> dict[str, bytes]:
    """The first bytes of the parts readers parse on opening, each refused if it declares
    a DOCTYPE (inflated only that far: a part's first 64 KB, never the whole)."""
    from inquiry_cli.workbook.xmlsafe import refuse_doctype

    wanted = [names[k] for k in _OPENED_PARTS if k in names]
    wanted += [
        real
        for key, real in names.items()
        if key.startswith("xl/")
        and key.endswith(("styles.xml", "sharedstrings.xml", ".rels"))
        and key.count("/") <= 2
    ]
    heads: dict[str, bytes] = {}
    for part in dict.fromkeys(wanted):
        with zf.open(part) as member:
            head = member.read(64 * 1024)
        refuse_doctype(head, f"{filename}: part {part}")
        heads[part] = head[:2048]
    return heads
