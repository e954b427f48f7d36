"""LibreOffice .ods files for the tests: converted by LibreOffice itself (once a session,
shared by the workers), and small ones written by hand (odd or hostile content)."""

from __future__ import annotations

import os
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

ODS = "application/vnd.oasis.opendocument.spreadsheet"
NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:'
    'tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry '
    f'manifest:full-path="/" manifest:media-type="{ODS}"/>{{extra}}</manifest:manifest>'
)


def content_xml(tables: str, doctype: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<office:document-content {NAMESPACES} '
        f'office:version="1.3"><office:body><office:spreadsheet>{tables}'
        "</office:spreadsheet></office:body></office:document-content>"
    )


def table_xml(name: str, rows: list[list]) -> str:
    """A table of text and number cells, as LibreOffice writes them."""
    out = [f'<table:table table:name="{escape(name)}">']
    for row in rows:
        out.append("<table:table-row>")
        for value in row:
            if value is None:
                out.append("<table:table-cell/>")
            elif isinstance(value, int | float):
                out.append(
                    f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>"
                )
            else:
                out.append(
                    '<table:table-cell office:value-type="string">'
                    f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
                )
        out.append("</table:table-row>")
    out.append("</table:table>")
    return "".join(out)


def hand_made_ods(
    path: Path, tables: str, *, mimetype: str = ODS, manifest_extra: str = "", doctype: str = ""
) -> Path:
    """An OpenDocument zip: mimetype first and stored, a manifest, content.xml."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), mimetype, zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", MANIFEST.format(extra=manifest_extra))
        zf.writestr("content.xml", content_xml(tables, doctype))
    return path


def libreoffice_ods(make: Callable[[Path], list[Path]], shared: Path) -> dict[str, Path]:
    """{name: .ods}: the .xlsx files make(folder) builds, converted by LibreOffice in one
    soffice run, made once in `shared` however many test workers ask (a lock file says
    who makes them; each .xlsx stays beside its .ods). A profile of its own: a
    LibreOffice already running would take the job over."""
    try:
        import fcntl
    except ImportError:  # no fcntl: each worker makes its own
        fcntl = None
        shared = shared / f"worker-{os.getpid()}"
        shared.mkdir(exist_ok=True)
    folder = shared / "ods"
    with (shared / "ods.lock").open("w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / "ods.done").exists():
            folder.mkdir(exist_ok=True)
            books = make(folder)
            subprocess.run(
                [
                    "soffice",
                    f"-env:UserInstallation={(shared / 'ods-profile').resolve().as_uri()}",
                    "--headless",
                    "--convert-to",
                    "ods",
                    "--outdir",
                    str(folder),
                    *map(str, books),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            (shared / "ods.done").touch()
    return {ods.stem: ods for ods in folder.glob("*.ods")}
