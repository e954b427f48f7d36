"""How a sheet's cells become a contract Table, the way the user keeps the sheet.

The header is the row that names the most fields (under a title row if need be), or the
header of the Excel Table (ListObject) on the sheet: then only the Table's own range holds
records, never its header or totals row. The cells under the header settle what the
words could not (workbook/columns.py). A sheet with one row per inquiry (the buyer
repeated on each) is read twice: every row an inquiry, and each buyer once, from their
rows with the latest one's row number (a write to the buyer lands there).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from inquiry_cli.contract import schema, vocabulary
from inquiry_cli.contract.cells import is_whole
from inquiry_cli.contract.records import USER, ColumnMatch, ListObject, Table
from inquiry_cli.contract.usermap import UserMapping
from inquiry_cli.workbook.columns import (
    EVIDENCE_ROWS,
    HEADER_SCAN_ROWS,
    find_header,
    header_by_cells,
    header_score,
    label_row,
    map_header,
    understand,
)


@dataclass
class SheetInfo:
    """What the reader knows of a sheet besides its cells: its Excel Tables, and the
    user's mapping (of the whole workbook)."""

    list_objects: list[ListObject] = field(default_factory=list)
    user: UserMapping | None = None

    def fields(self, key: str) -> dict[str, str | None]:
        return self.user.for_sheet(key) if self.user is not None else {}


def _blank(row: Sequence[Any]) -> bool:
    return not (any(row) or any(v != "" for v in row))


# What a sum row under the records starts with (a sheet that is not an Excel Table, or a
# Table LibreOffice saved as .ods, which keeps no totals row of its own).
TOTAL_WORDS = frozenset(
    {"total", "totals", "grand total", "sum", "sum total", "subtotal", "合计",
     "总计", "小计", "共计",
     "汇总", "合計", "總計", "總和",
     # (the same in the languages a buyer list may be kept in)
     "summe", "gesamt", "gesamtsumme", "zwischensumme", "somme", "sous-total", "suma",
     "totale", "somma", "totaal", "som", "suma całkowita", "razem", "итого",
     "всего", "toplam", "ara toplam", "合計金額", "합계", "총계", "tổng", "tổng cộng",
     "jumlah", "المجموع", "الإجمالي"}
)  # fmt: skip


# A sum row sits at the bottom; rows added under it later (by hand, or by inq) leave it
# a few rows up: the last rows are looked at, not all 100,000 of a log.
_SUM_ROW_REACH = 50


# Fields that identify a record: a row count is none of them (re-sorted and renumbered in
# Excel, a 序号 of 3 is another buyer tomorrow; linking by it would move their history).
_ID_FIELDS = frozenset({"buyer_id", "inquiry_id", "quote_no", "sample_id"})


def _no_serial_ids(matches: dict[str, ColumnMatch], sample: Sequence[Sequence[Any]]) -> None:
    """Unmap an ID field read from a row-count column ("序号 No.", "#", "S/N" over plain
    whole numbers): the user's own word (`inq map`) still wins."""
    for key in _ID_FIELDS & matches.keys():
        match = matches[key]
        if match.how == USER or not _counts_rows(match.header):
            continue
        cells = [r[match.index] for r in sample if match.index < len(r)]
        values = [v for v in cells if v not in ("", None)]
        if values and all(is_whole(v, text=True) for v in values):
            del matches[key]


def _counts_rows(header: str) -> bool:
    return schema.is_serial_header(header) or any(
        schema.is_serial_header(part) for part in vocabulary.parts(header)
    )


def _drop_sum_rows(data: list[list[Any]], numbers: list[int]) -> None:
    start = max(0, len(data) - _SUM_ROW_REACH)
    sums = [i for i in range(start, len(data)) if is_sum_row(data[i])]
    if sums:  # (制表人：张三 under the 合计, or at the end under rows added since: no buyer)
        at = sums[-1] + 1
        while at < len(data) and is_footer_row(data[at]):
            sums.append(at)
            at += 1
        end = len(data)
        while end > at and is_footer_row(data[end - 1]):
            end -= 1
        sums += range(end, len(data))
    for i in reversed(sums):
        del data[i], numbers[i]


# The labels of a sheet's footer (who made it, who checked it, a remark), as people type
# them: a row of them under a sum row is no record.
_FOOTER = re.compile(
    r"^\s*(制表人?|填表人?|审核人?|审批人?|复核人?|经办人?|负责人|批准人?|签字|签名|日期|备注|说明|"
    r"注|prepared by|checked by|approved by|reviewed by|signature|signed|date|note|notes|"
    r"remarks?)\s*[:：]",
    re.IGNORECASE,
)


def is_footer_row(row: Sequence[Any]) -> bool:
    """A note under a sum row: one to three cells, each a footer label and what follows
    it (制表人：张三, 审核：, 备注: 金额为美元, Prepared by:), no email or link."""
    cells = [v for v in row if v not in (None, "")]
    return 0 < len(cells) <= 3 and all(
        isinstance(v, str) and _FOOTER.match(v) and "@" not in v and "://" not in v for v in cells
    )


def _drop_numbered_ahead(headers: list[str], data: list[list[Any]], numbers: list[int]) -> None:
    """A template's rows numbered ahead (序号 1..50, nothing else yet) are no records:
    rows holding only whole numbers in row-count columns go, wherever they are (a row
    added under the template's rows leaves them above it)."""
    serial = [i for i, h in enumerate(headers) if schema.is_serial_header(h)]
    if not serial:
        return
    width = len(serial)
    drop = [
        i
        for i, row in enumerate(data)  # (counted in C: a 50,000-buyer sheet in ms)
        if row.count("") + row.count(None) >= len(row) - width and _only_counts(row, serial)
    ]
    for i in reversed(drop):
        del data[i], numbers[i]


def _only_counts(row: Sequence[Any], serial: list[int]) -> bool:
    filled = [i for i, v in enumerate(row) if v not in (None, "")]
    return bool(filled) and all(i in serial and is_whole(row[i]) for i in filled)


def is_sum_row(row: Sequence[Any]) -> bool:
    """A row that sums the records above it: it starts with a total word ("合计", "合 计",
    "Total (USD)", "合计金额"; after a count, at most) and names no one: no email, and at
    most one other text (a unit, a currency). A buyer whose company is "Total" has a
    phone, a country..."""
    cells = [v for v in row if v not in (None, "")]
    lead = 0  # (a count before the word: =COUNT(A2:A9) | 合计 | ...)
    while lead < len(cells) and is_whole(cells[lead]):
        lead += 1
    if lead > 1 or lead == len(cells):
        return False
    word = cells[lead]
    if not isinstance(word, str) or not _total_word(word):
        return False
    texts = [v for v in cells[lead + 1 :] if isinstance(v, str)]
    if lead:  # after a count, sums and nothing else: "2 | Total | Pierre" is a buyer
        return not texts and len(cells) > lead + 1
    return len(texts) <= 1 and not any("@" in v for v in texts)


_TOTAL_LABEL = re.compile(r"[\s:：]+|[(（\[].*$")  # spaces, colons; a "(USD)" after it
_TOTAL_KEYS = frozenset(_TOTAL_LABEL.sub("", w) for w in TOTAL_WORDS)  # ("grandtotal")
_CJK_TOTALS = tuple(w for w in _TOTAL_KEYS if not w.isascii())


def _total_word(text: str) -> bool:
    """Whether a label says total: a total word, with or without spaces, a colon or a
    unit in brackets after it; a Chinese one may lead a longer label (合计金额)."""
    label = _TOTAL_LABEL.sub("", text.lower())
    return label in _TOTAL_KEYS or (label.startswith(_CJK_TOTALS) and len(label) <= 6)


def build_table(
    spec: schema.Sheet,
    name: str,
    rows: list[list[Any]],
    info: SheetInfo | None = None,
    real: Sequence[int] | None = None,
) -> Table | None:
    """The contract table of one sheet's rows, or None when no header can be read.

    `real[i]` is the Excel row number of rows[i] (a partial read skips rows); by default
    rows[i] is Excel row i + 1.
    """
    info = info or SheetInfo()
    user = info.fields(spec.key)
    numbers: Sequence[int] = real if real is not None else range(1, len(rows) + 1)
    picked = _from_list_objects(spec, rows, numbers, info.list_objects, user)
    spans: list[tuple[int, int]] | None = None
    list_object = None
    if picked is not None:
        header_idx, header, matches, settle, list_object, spans = picked
        header_row = list_object.first_row if list_object.header_rows else list_object.first_row - 1
    else:
        header_idx, matches, settle = find_header(spec, rows, user)
        if header_idx < 0:  # no header in words inq knows: one the cells under it explain
            header_idx = header_by_cells(spec, rows[: HEADER_SCAN_ROWS + EVIDENCE_ROWS], user)
            if header_idx < 0:
                return None
        header = rows[header_idx]
        header_row = numbers[header_idx]
        for lo in info.list_objects:  # (the header of an Excel Table: its range holds the rows)
            if lo.header_rows and lo.first_row == header_row:
                list_object, spans = lo, [lo.data_rows]
                break
    headers = [header_text(h) for h in header]
    data: list[list[Any]] = []
    row_numbers: list[int] = []
    last = header_row
    # (the hot loop of a read: 100,000 rows of a log go through it)
    if real is None and spans is None:
        for number, row in enumerate(rows[header_idx + 1 :], start=header_idx + 2):
            if any(row) or any(v != "" for v in row):
                data.append(row)
                row_numbers.append(number)
        last = max(last, row_numbers[-1]) if row_numbers else last
    else:
        for i in range(header_idx + 1, len(rows)):
            row = rows[i]
            if _blank(row):
                continue
            number = numbers[i]
            last = max(last, number)
            if spans is not None and not any(a <= number <= b for a, b in spans):
                continue  # outside the Table: its totals row, or notes below it
            data.append(row)
            row_numbers.append(number)
    if spans is None and data:  # a sum row is no record, nor a row numbered ahead
        _drop_sum_rows(data, row_numbers)
        _drop_numbered_ahead(headers, data, row_numbers)
    cut = bisect.bisect_right(row_numbers, header_row + EVIDENCE_ROWS)  # (rows ascend)
    sample = data[:cut]
    blocked = frozenset(k for k, v in user.items() if v is None)
    matches, suggestions = understand(spec, header, matches, settle, sample, user)
    _no_serial_ids(matches, sample)
    more = _more_phones(spec, headers, matches) if spec.key == "buyers" else {}
    return Table(
        spec,
        name,
        header_row,
        {k: m.index for k, m in matches.items()},
        headers,
        data,
        row_numbers,
        last,
        mapping=matches,
        suggestions=suggestions,
        declared_none=blocked,
        list_object=list_object,
        more_phones=more,
    )


def _more_phones(
    spec: schema.Sheet, headers: list[str], matches: dict[str, ColumnMatch]
) -> dict[int, str]:
    """Unmapped columns whose header names a phone number (Mobile, WhatsApp, 手机 beside a
    Tel that is the Phone column)."""
    used = {m.index for m in matches.values()}
    return {
        i: h
        for i, h in enumerate(headers)
        if h and i not in used and any(r.field == "phone" for r in vocabulary.readings(spec.key, h))
    }


def _from_list_objects(
    spec: schema.Sheet,
    rows: list[list[Any]],
    numbers: Sequence[int],
    list_objects: list[ListObject],
    user: dict[str, str | None],
) -> (
    tuple[int, list[Any], dict[str, ColumnMatch], set[str], ListObject, list[tuple[int, int]]]
    | None
):
    """The Excel Table whose header names the most fields, and the row spans of it and of
    the sheet's other Tables laid out the same way (their records read together)."""
    if not list_objects:
        return None
    where = {n: i for i, n in enumerate(numbers)}
    needed = 1 if len(spec.columns) <= 3 else 2
    best = None
    candidates = []
    for lo in list_objects:
        if lo.header_rows:
            idx = where.get(lo.first_row)
            if idx is None:
                continue
            row = rows[idx]
            header = [v if lo.first_col - 1 <= c < lo.last_col else "" for c, v in enumerate(row)]
        else:  # a Table with its header row hidden: its column names say what is what
            idx = where.get(lo.first_row, 0) - 1
            header = [""] * (lo.first_col - 1) + list(lo.columns)
        matches, settle = map_header(spec, header, user)
        score = header_score(matches)
        candidates.append((lo, matches))
        if score >= needed and (best is None or score > best[0]):
            best = (score, idx, header, matches, settle, lo)
    if best is None:
        return None
    _score, idx, header, matches, settle, chosen = best
    layout = {k: m.index for k, m in matches.items()}
    spans = [
        lo.data_rows
        for lo, m in candidates
        if lo is chosen or {k: x.index for k, x in m.items()} == layout
    ]
    return idx, header, matches, settle, chosen, spans


def empty_table(spec: schema.Sheet, name: str, rows: list[list[Any]]) -> Table:
    """A sheet with the right name but no recognisable header (or nothing at all)."""
    last = 0
    for i, row in enumerate(rows, start=1):
        if any(v not in ("", None) for v in row):
            last = i
    return Table(spec, name, 0, {}, [], [], [], last, labels=_labels(rows[:HEADER_SCAN_ROWS]))


def _labels(rows: list[list[Any]]) -> list[str]:
    """The cells of the first row of two or more words: the likely header of a sheet
    headed in no language inq knows."""
    for row in rows:
        if label_row(row):
            return [t for v in row if (t := header_text(v))]
    return []


def header_text(cell: Any) -> str:
    """A header cell as the user sees it: a year heading 2026, not 2026.0."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


# -- one row per inquiry ---------------------------------------------------------------

# Buyer fields that are each inquiry's own on such a sheet: read (a buyer's products are
# those of their inquiries), never written through the buyer.
_INQUIRY_OWN = frozenset({"products"})


def inquiry_rows(
    buyers: Table, info: SheetInfo | None = None, every_row: bool = False
) -> tuple[Table, Table] | None:
    """(buyers, inquiries) when the Buyers sheet holds one row per inquiry, else None.

    Such a sheet has inquiry columns (a date, a product or a quantity) and the same buyer
    (email, else company) on rows that differ in them: buyers are grouped by that key,
    each row is an inquiry. `every_row`: the sheet is named like an inquiry log, so each
    row is an inquiry even before any buyer has a second one.
    """
    if not buyers.columns or buyers.partial or (len(buyers) < 2 and not every_row):
        return None
    info = info or SheetInfo()
    user = info.fields("inquiries")
    header: list[Any] = list(buyers.headers)
    if buyers.list_object is not None:
        lo = buyers.list_object
        header = [h if lo.first_col - 1 <= c < lo.last_col else "" for c, h in enumerate(header)]
    matches, settle = map_header(schema.INQUIRIES, header, user)
    if "received" not in matches or not ({"product", "quantity"} & set(matches)):
        return None
    keys = _group_keys(buyers)
    if keys is None:
        return None
    groups: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key or f"\0row {i}", []).append(i)
    repeated = [g for g in groups.values() if len(g) > 1]
    if not repeated and not every_row:
        return None
    sample = [
        r
        for r, n in zip(buyers.rows, buyers.row_numbers, strict=True)
        if n <= buyers.header_row + EVIDENCE_ROWS
    ]
    blocked = frozenset(k for k, v in user.items() if v is None)
    matches, _suggestions = understand(schema.INQUIRIES, header, matches, settle, sample, user)
    inquiries = Table(
        schema.INQUIRIES,
        buyers.name,
        buyers.header_row,
        {k: m.index for k, m in matches.items()},
        list(buyers.headers),
        buyers.rows,
        buyers.row_numbers,
        buyers.last_row,
        mapping=matches,
        declared_none=blocked,
        list_object=buyers.list_object,
    )
    if not every_row and not _differ(inquiries, repeated):
        return None  # the same row typed twice: a duplicate buyer, not two inquiries
    inquiry_columns = {m.index for m in inquiries.mapping.values()}
    buyers.suggestions = {
        k: m for k, m in buyers.suggestions.items() if m.index not in inquiry_columns
    }
    inquiries.suggestions = {
        k: m for k, m in _suggestions.items() if m.index not in set(buyers.columns.values())
    }
    return _grouped(buyers, inquiries, list(groups.values())), _inquiries_only(inquiries)


# The cells that make a row an inquiry: a row with none of them filled is a buyer kept
# on the sheet (added by hand or by `inq add`), not an inquiry with nothing in it.
_INQUIRY_CELLS = frozenset(
    {"inquiry_id", "received", "product", "quantity", "target_price", "message", "replied",
     "quote_no"}
)  # fmt: skip


def _inquiries_only(inquiries: Table) -> Table:
    """The table without the rows that hold only a buyer."""
    own = [i for k, i in inquiries.columns.items() if k in _INQUIRY_CELLS]
    keep = [
        at
        for at, row in enumerate(inquiries.rows)
        if any(i < len(row) and row[i] not in (None, "") for i in own)
    ]
    if len(keep) == len(inquiries.rows):
        return inquiries
    return dataclasses.replace(
        inquiries,
        rows=[inquiries.rows[i] for i in keep],
        row_numbers=[inquiries.row_numbers[i] for i in keep],
        _typed={},
        _warmed={},
        _problems={},
        _keys={},
        _orders={},
        _decided={},
        _yearless={},
    )


def _group_keys(buyers: Table) -> list[str | None] | None:
    if buyers.has("email"):
        return buyers.keys("email")
    if buyers.has("company"):
        return [schema.norm(v) or None if v else None for v in buyers.keys("company")]
    return None


def _differ(inquiries: Table, groups: list[list[int]]) -> bool:
    """Whether any buyer's rows are different inquiries (their date or product differ)."""
    for key in ("received", "product", "quantity"):
        if not inquiries.has(key):
            continue
        values = inquiries.keys(key) if key == "product" else inquiries.values(key)
        for group in groups:
            if len({values[i] for i in group}) > 1:
                return True
    return False


def _grouped(buyers: Table, inquiries: Table, groups: list[list[int]]) -> Table:
    """Each buyer once: their latest row (by inquiry date, then row), its blanks filled
    from their earlier rows, their products those of all their rows."""
    received = inquiries.values("received") if inquiries.has("received") else None
    floor = dt.datetime.min
    numbers = buyers.row_numbers
    products = buyers.columns.get("products")
    merged: list[tuple[int, list[Any], list[int]]] = []
    for members in groups:
        order = sorted(
            members, key=lambda i: ((received[i] if received else None) or floor, numbers[i])
        )
        latest = order[-1]
        row = list(buyers.rows[latest])
        for i in reversed(order[:-1]):
            for c, value in enumerate(buyers.rows[i]):
                if c < len(row) and row[c] in ("", None) and value not in ("", None):
                    row[c] = value
        if products is not None:
            seen = [str(buyers.rows[i][products]).strip() for i in order]
            row[products] = ", ".join(dict.fromkeys(p for p in seen if p))
        merged.append((numbers[latest], row, sorted(numbers[i] for i in members)))
    merged.sort(key=lambda m: m[0])
    mapping = dict(buyers.mapping)
    return Table(
        buyers.spec,
        buyers.name,
        buyers.header_row,
        dict(buyers.columns),
        buyers.headers,
        [row for _n, row, _g in merged],
        [n for n, _row, _g in merged],
        buyers.last_row,
        mapping=mapping,
        suggestions=buyers.suggestions,
        declared_none=buyers.declared_none,
        list_object=buyers.list_object,
        groups=[g for _n, _row, g in merged],
        merged=list(buyers.merged),  # (rows merged into another buyer: lookup follows them)
        read_only=_INQUIRY_OWN & set(buyers.columns),
    )


def looks_like_inquiry_rows(buyers: Table, info: SheetInfo | None = None) -> bool:
    """Whether the Buyers sheet's header has inquiry columns (a date and a product or a
    quantity): a partial read of it cannot tell its layout, so it must be read whole."""
    matches, _settle = map_header(
        schema.INQUIRIES, buyers.headers, (info or SheetInfo()).fields("inquiries")
    )
    return "received" in matches and bool({"product", "quantity"} & set(matches))


__all__ = [
    "HEADER_SCAN_ROWS",
    "SheetInfo",
    "build_table",
    "empty_table",
    "inquiry_rows",
    "looks_like_inquiry_rows",
]
