"""Read only the rows of a sheet that mention a buyer, found in the raw XML, read by calamine.

One buyer's history in a 100,000-row contact log is a few dozen rows. Finding them in the
sheet's XML (and in the shared strings it points to) takes a few hundredths of a second;
parsing the whole sheet takes a second. The rows kept are every row whose text contains
one of the needles, ignoring case: a superset of the rows linked to the buyer (a link is
a cell equal to the Buyer ID or the email), which the caller's own matching
(`model.rows_of`) then narrows exactly. Where the XML could hide a needle from a plain
byte search (rich-text runs in the sheet, references to ASCII characters, a needle that is
not plain ASCII or holds XML's special characters, rows without numbers) the whole sheet
is read instead, and so is a sheet whose rows found hold a date like 03/11/2026 (only
its whole column can say which order it is in).
Values are matched as spreadsheet programs write them (`<v>12</v>`, no padding).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from inquiry_cli.contract import schema
from inquiry_cli.contract.records import Table, Workbook
from inquiry_cli.errors import ConcurrentChange, WorkbookUnreadable
from inquiry_cli.workbook.columns import HEAD_ROWS
from inquiry_cli.workbook.headers import (
    item_indices_at,
    item_text,
    shared_string_spans,
    sheet_map,
    sheet_part,
)
from inquiry_cli.workbook.layout import SheetInfo, build_table, empty_table
from inquiry_cli.workbook.ooxml import ZipSource, is_shared_strings, uses_1904_dates
from inquiry_cli.workbook.read import load, sheet_info, sheet_named, user_mapping
from inquiry_cli.workbook.sheetxml import NoRowNumbers, Row, SheetXml
from inquiry_cli.workbook.windowed import RowCutter

_MAX_RICH = 20_000  # more rich-text strings than this: decoding them costs more than a read
_UNSAFE = set("&<>\"'")


def _run(p: bytes) -> re.Pattern[bytes]:
    """A rich-text run tag with this prefix (a literal start keeps the regex fast)."""
    return re.compile(b"<" + re.escape(p) + rb"r[\s>]")


def _searchable(needles: list[str]) -> bool:
    """Needles a byte search finds as written: plain ASCII without XML's special
    characters, and not a number so long that Excel stores it in exponent form."""
    return all(
        n.isascii() and not set(n) & _UNSAFE and not (n.isdigit() and len(n) > 15) for n in needles
    )


class _WholeSheet(Exception):
    """The byte search cannot vouch for every mention here: read the whole sheet."""


def add_rows_mentioning(
    book: Workbook,
    keys: Iterable[str],
    needles: Iterable[str | None],
    named: Iterable[str | None] = (),
    every_row: bool = False,
) -> None:
    """Put contract sheets `keys` into `book`: each one's header and the rows mentioning a
    needle (tables marked partial). A sheet the search cannot vouch for is read whole.
    A sheet that names its buyers by name (a Client or Company column) is searched for
    `named` too (the buyer's name and company). With `every_row`, all rows of the same
    sheets (the lookup index: what every lookup would find there).

    If the workbook changed on disk since `book` was read, ConcurrentChange: these rows
    would not belong with the rest of what was read.
    """
    wanted = [n for n in dict.fromkeys((n or "").strip() for n in needles) if n]
    extra = [n for n in dict.fromkeys((n or "").strip() for n in named) if n and n not in wanted]
    used = {t.name for t in book.tables.values()}
    names: dict[str, str] = {}
    for key in keys:
        if key in book.tables:  # read already (one row per inquiry: Inquiries is Buyers)
            continue
        name = sheet_named(key, book.sheet_names, used, book.user_mapping)
        if name is None:
            if key not in book.missing_sheets:
                book.missing_sheets.append(key)
        else:
            used.add(name)
            names[key] = name
    if not names:
        return
    _same_file(book)
    found: dict[str, Table] = {}
    if not every_row and _searchable(wanted) and not book.ods:  # (.ods: no sheet XML to search)
        found = _partial_tables(book, names, [n.lower().encode() for n in wanted])
        by_name = {
            k: names[k] for k, t in found.items() if extra and (t.has("client") or t.has("company"))
        }
        if by_name:  # their rows naming the buyer by name are wanted too
            for k in by_name:
                del found[k]
            if _searchable(wanted + extra):
                needles_ = [n.lower().encode() for n in (*wanted, *extra)]
                found.update(_partial_tables(book, by_name, needles_))
        book.tables.update(found)
    whole = [k for k in names if k not in found]
    if whole:
        again = load(book.path, whole)
        _same_file(book, again.stamp)
        book.tables.update(again.tables)
        book.missing_sheets.extend(k for k in again.missing_sheets if k not in book.missing_sheets)


def load_mentioning(
    path: Path, key: str, needles: Iterable[str | None], headers_only: Iterable[str] = ()
) -> Workbook | None:
    """A fresh Workbook holding sheet `key` as the rows mentioning a needle (partial), and
    the top rows of `headers_only`; None when the byte search cannot vouch for that
    sheet (or finds no sheet for it): then read it whole with read.load().
    """
    from inquiry_cli.workbook.probe import probe
    from inquiry_cli.workbook.read import _head_rows, _stamp

    if probe(path).ods:  # a missing, locked or odd file gets its own clear error
        return None  # an .ods has no sheet XML to search: read it whole
    wanted = [n for n in dict.fromkeys((n or "").strip() for n in needles) if n]
    if not wanted or not _searchable(wanted):
        return None
    stamping = _stamp(path)
    with ZipSource(path) as src:
        if not src.has(src.main):
            return None
        names, parts = sheet_map(src)
        user = user_mapping(src, names)
        infos = {n: sheet_info(src, parts.get(n), user) for n in names}
    book = Workbook(path, names, {}, [], None, user_mapping=user)
    name = sheet_named(key, names, set(), user)
    if name is None:
        return None
    found = _partial_tables(book, {key: name}, [n.lower().encode() for n in wanted])
    if key not in found:
        return None
    if key == "buyers" and _inquiry_rows_possible(found[key], infos[name], names):
        return None  # one row per inquiry: only the whole sheet tells a buyer's rows
    book.tables.update(found)
    used = {name}
    for head in headers_only:
        spec = schema.SHEETS_BY_KEY[head]
        other = sheet_named(head, names, used, user)
        if other is None:
            book.missing_sheets.append(head)
            continue
        used.add(other)
        rows = _head_rows(path, other)
        table = build_table(spec, other, rows, infos[other])
        if table is None:  # (not `or`: a header without rows is a table of length 0)
            table = empty_table(spec, other, rows)
        book.tables[head] = table
    book.stamp = stamping()
    return book


def _inquiry_rows_possible(buyers: Table, info: SheetInfo, names: list[str]) -> bool:
    """A Buyers sheet with inquiry columns and no Inquiries sheet beside it may hold one
    row per inquiry: a partial read cannot tell, the whole sheet must be read."""
    from inquiry_cli.workbook.layout import looks_like_inquiry_rows

    if sheet_named("inquiries", names, {buyers.name}, info.user) is not None:
        return False
    return looks_like_inquiry_rows(buyers, info)


def _same_file(book: Workbook, other: Any = None) -> None:
    """ConcurrentChange unless the file is still the one `book` was read from."""
    from inquiry_cli.workbook.guard import check_unchanged

    if book.stamp is None:
        return
    if other is not None:
        if not other.same_content(book.stamp):
            raise ConcurrentChange(f"{book.path.name} {_CHANGED}")
        return
    try:
        check_unchanged(book.path, book.stamp)
    except ConcurrentChange:
        raise ConcurrentChange(f"{book.path.name} {_CHANGED}") from None


_CHANGED = "changed on disk while inq was reading it (saved from Excel?); run the command again"


# Characters that read as a needle's characters although their bytes differ: ASCII
# written as a character reference (&#65; &#x41;); the full-width digits, '．' and '＠'
# a Chinese input method types (inq's email reading folds them to ASCII); the Kelvin
# sign (lower-cases to 'k'); and those three written as references. Other references
# (xlsxwriter writes &#237; for í) and other full-width marks ('，' '：') are harmless.
_FOLDING_REF = re.compile(
    rb"&#(?:0*(?:[0-9]|[1-9][0-9]|1[01][0-9]|12[0-7]|8490|65294|6529[6-9]|6530[0-5]|65312)"
    rb"|[xX]0*(?:[0-7]?[0-9a-fA-F]|212[aA]|[fF][fF](?:0[eE]|1[0-9]|20)));"
)
_FULLWIDTH = re.compile(rb"\xef\xbc[\x8e\x90-\x99\xa0]")


def _has(data: bytes, needle: bytes, rare: bytes, start: int, end: int) -> bool:
    """`needle in data[start:end]` without the copy, first asking for one rare byte of it
    (memchr: ten times faster)."""
    return data.find(rare, start, end) >= 0 and data.find(needle, start, end) >= 0


def _hidden_text(data: bytes, start: int = 0, end: int | None = None) -> bool:
    """XML (in data[start:end]) whose text a byte search could misread: references or
    characters that read as ASCII, comments, CDATA or processing instructions that may
    split a value."""
    end = len(data) if end is None else end
    if _has(data, b"&#", b"&", start, end):
        at = data.find(b"&#", start, end)
        if _FOLDING_REF.search(data, at, end) is not None:
            return True
    if _has(data, b"\xe2\x84\xaa", b"\xe2", start, end):  # the Kelvin sign
        return True
    if _has(data, b"\xef\xbc", b"\xef", start, end) and _FULLWIDTH.search(data, start, end):
        return True
    return any(
        _has(data, needle, rare, start, end)
        for needle, rare in ((b"<!--", b"!"), (b"<![CDATA[", b"["), (b"<?", b"?"))
    )


_WINDOW = 1 << 22  # bytes lower-cased at a time: a copy of a 150 MB sheet would double it


def _find_folded(data: bytes, needles: list[bytes], start: int, end: int) -> list[int]:
    """Offsets in data[start:end] where a needle (lower-case ASCII) starts, ignoring
    ASCII case; lower-cased a window at a time, never as a whole copy."""
    hits: list[int] = []
    reach = max(map(len, needles), default=1) - 1  # a needle may start just before a cut
    at = start
    while at < end:
        stop = min(end, at + _WINDOW)
        low = data[at : min(end, stop + reach)].lower()
        for needle in needles:
            i = low.find(needle)
            while 0 <= i < stop - at:
                hits.append(at + i)
                i = low.find(needle, i + len(needle))
        at = stop
    return hits


def _partial_tables(
    book: Workbook, names: dict[str, str], needles: list[bytes]
) -> dict[str, Table]:
    """The sheets the byte search can vouch for, as partial tables (others left out;
    so is everything when the XML is too odd to search: the whole read reports it)."""
    from inquiry_cli.errors import InqError

    try:
        return _search_tables(book, names, needles)
    except InqError:
        raise
    except Exception:  # damaged XML the search trips on: the whole read says what is wrong
        return {}


def _search_tables(book: Workbook, names: dict[str, str], needles: list[bytes]) -> dict[str, Table]:
    from inquiry_cli.workbook.miniwb import read_sheets
    from inquiry_cli.workbook.native import guard

    picked: dict[tuple[bytes, bytes], dict[str, tuple[bytes, list[int]]]] = {}
    tables: dict[str, Table] = {}
    with ZipSource(book.path) as src:
        try:
            strings = _strings_mentioning(src, needles)
        except _WholeSheet:
            return {}
        parts = sheet_map(src)[1]
        user = book.user_mapping if book.user_mapping is not None else user_mapping(src, [])
        infos = {n: sheet_info(src, parts.get(n), user) for n in names.values()}
        for key, name in names.items():
            try:
                root_tag, p, mini, numbers = _pick_rows(src, name, needles, strings)
            except _WholeSheet:
                continue
            picked.setdefault((root_tag, p), {})[key] = (mini, numbers)
        wb_xml = src.read(src.main) if src.has(src.main) else b""
        date1904 = bool(wb_xml) and uses_1904_dates(wb_xml)
        # One throwaway workbook for all sheets written alike (usually all of them).
        for (root_tag, p), group in picked.items():
            minis = [mini for mini, _numbers in group.values()]
            try:
                with guard(f"{book.path.name}: the rows of {', '.join(group)}"):
                    sheets = read_sheets(src, src, root_tag, p, minis, date1904)
                    grids = [sheet.to_python(skip_empty_area=False) for sheet in sheets]
            except Exception:  # calamine could not read the few rows: read these whole
                continue
            for (key, (_mini, numbers)), grid in zip(group.items(), grids, strict=True):
                spec = schema.SHEETS_BY_KEY[key]
                table = _table(spec, names[key], grid, numbers, infos[names[key]])
                if not table.needs_whole_column():  # (a 03/11/2026 reads by its column)
                    tables[key] = table
    return tables


def _strings_mentioning(src: ZipSource, needles: list[bytes]) -> set[bytes]:
    """Indices (as bytes) of the shared strings whose text contains a needle, any case."""
    sst = next((n for n in src.by_name if is_shared_strings(n)), None)
    if sst is None or not needles:
        return set()
    data = src.read(sst)
    body = data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0
    if _hidden_text(data, body) or b"</t><t" in data:  # (two plain runs in one item: not allowed)
        raise _WholeSheet
    found = set(item_indices_at(data, sorted(_find_folded(data, needles, 0, len(data)))))
    m = re.search(rb"<([\w.-]+:)?sst\b", data)
    p = (m.group(1) or b"") if m else b""
    runs = [r.start() for r in re.finditer(rb"<" + re.escape(p) + rb"r[\s>]", data)]
    if len(runs) > _MAX_RICH:
        raise _WholeSheet
    if runs:  # rich text: a needle may be split across runs, so read those strings whole
        rich = set(item_indices_at(data, runs))
        for index, (a, b) in shared_string_spans(data, rich).items():
            text = item_text(data[a:b]).lower().encode()
            if any(n in text for n in needles):
                found.add(index)
    return {str(i).encode() for i in found if i >= 0}


def _pick_rows(
    src: ZipSource, name: str, needles: list[bytes], strings: set[bytes]
) -> tuple[bytes, bytes, bytes, list[int]]:
    """(root tag, prefix, the rows for the throwaway sheet, real numbers of the picked rows).

    The sheet is searched a window of whole rows at a time (_windows): a 150 MB contact
    log is never in memory at once, as the lookup's other data is.
    """
    part = sheet_part(src, name)
    if part is None or not src.has(part):
        raise _WholeSheet
    heads: list[bytes] = []
    picked: list[tuple[int, bytes]] = []
    in_head = True  # still among the top rows (where a header may sit)
    root_tag, p = b"", b""
    try:
        for window in _windows(src, part, name):
            root_tag, p = window.root_tag, window.p
            xml, start, end = window.xml, window.inner_start, window.inner_end
            inline = xml.find(b"<%sis" % p, start, end) >= 0
            if _hidden_text(xml, start, end) or (inline and _run(p).search(xml, start, end)):
                raise _WholeSheet  # text a byte search could misread, or inline rich text
            if in_head:
                head_end = start
                for row in window.rows_from_top():
                    if row.number > HEAD_ROWS:
                        in_head = False
                        break
                    head_end = row.end
                heads.append(xml[start:head_end])
                start = head_end
            picked += _rows(window, start, needles, strings)
    except (WorkbookUnreadable, NoRowNumbers):  # odd XML, or rows numbered by position
        raise _WholeSheet from None
    mini = b"".join(heads) + b"".join(
        _renumber(row, old, HEAD_ROWS + i + 1) for i, (old, row) in enumerate(picked)
    )
    return root_tag, p, mini, [old for old, _row in picked]


_PIECE = 1 << 23  # sheet XML searched at a time (8 MB, whole rows)


def _windows(src: ZipSource, part: str, name: str) -> Iterator[SheetXml]:
    """The sheet as a run of small sheets of its whole rows, in order: each holds the
    sheet's root tag and about _PIECE bytes of rows, cut where a row starts (no needle,
    reference or comment spans such a cut). The rest of the part after the cell data is
    inflated and checked (size, CRC-32) but not kept."""
    cutter = RowCutter(name)
    for chunk in src.chunks(part, _PIECE):
        for rows in cutter.feed(chunk):
            yield SheetXml(cutter.sheet(rows), name)
    cutter.end()


def _rows(
    sheet: SheetXml, start: int, needles: list[bytes], strings: set[bytes]
) -> list[tuple[int, bytes]]:
    """(number, bytes) of the rows from offset `start` on that mention a needle."""
    xml, end = sheet.xml, sheet.inner_end
    # Plain finds (about 1 GB/s here), not a regex alternation (ten times slower).
    hits = _find_folded(xml, needles, start, end) if needles else []
    for index in strings:  # a cell holding the string: <v>index</v>
        needle = b">" + index + b"<"
        at = xml.find(needle, start, end)
        while at >= 0:
            hits.append(at + 1)
            at = xml.find(needle, at + len(needle), end)
    found: dict[int, Row] = {}
    for hit in sorted(hits):
        row = sheet.row_around(hit)
        if row.start >= start:
            found.setdefault(row.start, row)
    return [(r.number, xml[r.start : r.end]) for _start, r in sorted(found.items())]


def _renumber(row: bytes, old: int, new: int) -> bytes:
    """The row moved to number `new`: its r= and each cell's reference."""
    digits = str(old).encode()
    return re.sub(
        rb'(\br\s*=\s*"[A-Za-z]{0,3})' + digits + rb'"',
        lambda m: m.group(1) + str(new).encode() + b'"',
        row,
    )


def _table(
    spec: schema.Sheet, name: str, grid: list[list[Any]], numbers: list[int], info: SheetInfo
) -> Table:
    """The partial Table: the top rows as they are (header, sample), then the rows found,
    with their real numbers."""
    real = [i + 1 if i < HEAD_ROWS else numbers[i - HEAD_ROWS] for i in range(len(grid))]
    table = build_table(spec, name, grid, info, real)
    if table is None:
        table = empty_table(spec, name, grid[:HEAD_ROWS])
    table.partial = True
    return table
