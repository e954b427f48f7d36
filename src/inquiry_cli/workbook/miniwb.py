"""A throwaway workbook of a few rows, read by python-calamine: cells typed as in the real one.

The rows keep the real workbook's styles (so dates read as dates) and the shared strings
they point to, at the same indices; every other string is left empty. Reading a dozen
rows this way costs milliseconds where parsing a 100,000-row sheet costs a second. The
write verifier reads the changed rows of a big sheet this way; `inq lookup` and `inq log`
read one buyer's rows.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from inquiry_cli.workbook.headers import shared_string_spans
from inquiry_cli.workbook.ooxml import ZipSource, is_shared_strings

V_NUMBER = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*>\s*(\d{1,9})\s*<")
_SST_ROOT = re.compile(rb"<([\w.-]+:)?sst\b[^>]*>")


def sparse_strings(data: bytes, rows: Iterable[bytes]) -> bytes:
    """The shared-string table cut down to the items the rows may use, at their indices.

    Every number in a <v> of the rows counts as used (a superset of the t="s" cells), so
    a changed string index still shows as a changed string; the other items are left
    empty. Parsing 3 MB of strings for a few rows is what this saves.
    """
    root = _SST_ROOT.search(data)
    if root is None:
        return data
    needed = {int(n) for w in rows for n in V_NUMBER.findall(w)}
    spans = shared_string_spans(data, needed)
    p = root.group(1) or b""
    empty = b"<" + p + b"si/>"
    out, at = [data[: root.end()]], 0
    for index in sorted(spans):
        a, b = spans[index]
        out.append(empty * (index - at) + data[a:b])
        at = index + 1
    out.append(b"</" + p + b"sst>")
    return b"".join(out)


def read_sheets(
    strings_from: ZipSource,
    styles_from: ZipSource,
    root_tag: bytes,
    p: bytes,
    rows: list[bytes],
    date1904: bool,
) -> list[Any]:
    """One calamine sheet per entry of `rows` (each the inside of a <sheetData>).

    `root_tag` is the real sheet's <worksheet ...> start tag and `p` its namespace prefix,
    so the rows parse exactly as they did there.
    """
    from python_calamine import CalamineWorkbook

    from inquiry_cli.workbook.extent import check_sheet

    for i, content in enumerate(rows):  # the rows' own references decide calamine's box
        check_sheet(_once(content), f"rows {i + 1}", strings_from.path.name)
    sst = next((n for n in strings_from.by_name if is_shared_strings(n)), None)
    styles = next((n for n in styles_from.by_name if n.endswith("styles.xml")), None)
    need_sst = sst is not None
    buf = io.BytesIO()
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/s{i}.xml" ContentType="{ct}.worksheet+xml"/>'
            for i in range(len(rows))
        )
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType'
            f'="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet'
            f'.main+xml"/><Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
            f"{overrides}</Types>",
        )
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        sheets = "".join(
            f'<sheet name="s{i}" sheetId="{i + 1}" r:id="rIdS{i}"/>' for i in range(len(rows))
        )
        pr = ' date1904="1"' if date1904 else ""
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
            f'.org/spreadsheetml/2006/main" xmlns:r="{rel}"><workbookPr{pr}/>'
            f"<sheets>{sheets}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rIdS{i}" Type="{rel}/worksheet" Target="worksheets/s{i}.xml"/>'
            for i in range(len(rows))
        )
        rels += f'<Relationship Id="rIdY" Type="{rel}/styles" Target="styles.xml"/>'
        if need_sst:
            rels += (
                f'<Relationship Id="rIdT" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            f'openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        if styles:
            z.writestr("xl/styles.xml", styles_from.read(styles))
        if need_sst:
            assert sst is not None
            z.writestr("xl/sharedStrings.xml", sparse_strings(strings_from.read(sst), rows))
        for i, content in enumerate(rows):
            z.writestr(
                f"xl/worksheets/s{i}.xml",
                root_tag + b"<%ssheetData>%s</%ssheetData></%sworksheet>" % (p, content, p, p),
            )
    from inquiry_cli.workbook.native import guard

    with guard(f"{strings_from.path.name}: a few rows"):
        wb = CalamineWorkbook.from_filelike(io.BytesIO(buf.getvalue()))
        return [wb.get_sheet_by_index(i) for i in range(len(rows))]


def _once(content: bytes) -> Callable[[], Iterator[bytes]]:
    """A source of the rows' bytes for extent.check_sheet, in one piece."""
    return lambda: iter((content,))
