"""What every recording command shares: channels, the outcome, IDs, rows to append or set."""

from __future__ import annotations

import datetime as dt
import shlex
from dataclasses import dataclass, field
from typing import Any

from inquiry_cli.contract import schema
from inquiry_cli.contract.changes import AddSheet, CellValue, ChangeSet
from inquiry_cli.contract.records import Table, Workbook
from inquiry_cli.domain import model
from inquiry_cli.domain.channels import CHANNELS, channel_word
from inquiry_cli.domain.linking import LOG_SHEETS, NAMING, direction_word, naming
from inquiry_cli.domain.matching import (
    SCORE_PHONE,
    Match,
    best,
    find,
    no_buyer_on_row,
    parse_query,
    sure,
)
from inquiry_cli.domain.recording.numbering import add_row
from inquiry_cli.errors import InqError, NotFound, UsageError


def channel(text: str, allowed: tuple[str, ...] | None = None) -> str:
    """The canonical channel name, or a UsageError listing the accepted ones."""
    name = CHANNELS.get(text.strip().lower())
    choices = allowed or tuple(dict.fromkeys(CHANNELS.values()))
    if name is None or name not in choices:
        raise UsageError(f"unknown channel {text!r}: use one of {', '.join(choices)}")
    return name


# A cell a change set sets: (sheet, row, column), Excel's numbers.
Spot = tuple[str, int, int]


@dataclass
class Outcome:
    """What a recording command did (or would do), for the user and for --json."""

    changes: ChangeSet
    lines: list[str] = field(default_factory=list)  # what was recorded, in words
    warnings: list[str] = field(default_factory=list)
    buyer: model.Buyer | None = None
    ids: dict[str, str] = field(default_factory=dict)
    # Lines true only once their cell is written (line -> the cell): the write path keeps
    # a cell that holds a formula, and then the line is not said.
    upon: dict[str, Spot] = field(default_factory=dict)
    # Whom a WHO found by likeness was taken as: said first, on dry runs too (taken_as).
    taken: list[str] = field(default_factory=list)
    # Rows appended only because a cell changes (a Grade history row): (the cell, the
    # sheet, the row). Such an outcome asks the write path first which cells it keeps.
    rows_upon: list[tuple[Spot, str, object]] = field(default_factory=list)

    def tell(self, line: str, upon: Spot) -> None:
        """Say `line` if the cell `upon` gets written."""
        self.lines.append(line)
        self.upon[line] = upon

    def forget_kept(self, kept: dict[str, list[tuple[int, int]]]) -> None:
        """The write path leaves these cells as they are (they hold formulas): drop their
        sets from the change set, the rows that recorded their change, and the lines that
        said what they would become."""
        spots = {(sheet, r, c) for sheet, cells in kept.items() for r, c in cells}
        self.changes.drop_sets(kept)
        for spot, sheet, row in self.rows_upon:
            if spot in spots:
                self.changes.drop_row(sheet, row)
        self.lines = [line for line in self.lines if self.upon.get(line) not in spots]
        for added in [s for s in self.changes.new_sheets if not s.rows]:  # none left
            self.changes.new_sheets.remove(added)
            self.lines = [
                x for x in self.lines if x != f"Added the {added.name} sheet to the workbook"
            ]


def pending(changes: ChangeSet, table: Table | None, key: str) -> list[Any]:
    """A column's values in the rows `changes` already appends: IDs continue past them."""
    if table is None or not table.has(key):
        return []
    col = table.col(key)
    return [row.get(col) for row in changes.appends.get(table.name, [])]


def resolve_buyer(buyers: Table, who: str) -> Match:
    """The one buyer WHO means (email, phone, Buyer ID, name...); refuse when unsure."""
    query = parse_query(who)
    matches = find(buyers, query)
    if not matches and query.row is not None:
        raise NotFound(no_buyer_on_row(buyers, query.row))
    if not matches:
        raise NotFound(
            f"no buyer matches {who!r}: check with `inq lookup {shlex.quote(who)}` or add them"
        )
    top = best(matches)
    exact = sure(matches)
    if len(exact) == 1:
        return exact[0]
    if top is not None and len(exact) == 0:
        return top
    names = "; ".join(f"{m.buyer.key} {m.buyer.label}" for m in matches[:5])
    raise InqError(f"{who!r} matches {len(matches)} buyers ({names}): use the email or Buyer ID")


# Reasons that name one buyer for certain; any other match is a likeness (a name like
# it, an email at the same company domain, a phone ending in the same digits).
_EXACT_REASONS = ("same email", "same phone", "same fax", "same name", "same company", "Buyer ID")


def taken_as(who: str, match: Match) -> str | None:
    """The line that says whom a WHO found by likeness was taken as, before anything is
    written to them ("'Jon Smith' taken as john@... John Smith: name like ..."); None
    when WHO names the buyer exactly."""
    exact = any(
        r in _EXACT_REASONS or r.startswith(("row ", "same email as", "same phone as"))
        for r in match.reasons
    )
    if exact or match.score >= SCORE_PHONE:
        return None
    return f"{who!r} taken as {match.buyer.key} {match.buyer.label}: {'; '.join(match.reasons)}"


def say_taken(out: Outcome, who: str, match: Match) -> None:
    """Say whom WHO was taken as, if it named them by likeness (see taken_as)."""
    line = taken_as(who, match)
    if line is not None:
        out.taken.append(line)


def region_of(book: Workbook, country: str) -> str | None:
    """The Regions sheet's region whose country list holds this country."""
    from inquiry_cli.domain.countries import country_code

    code = country_code(country)
    regions = book.get("regions")
    if code is None or regions is None or not regions.has("countries"):
        return None
    fallback = None
    for name, countries in zip(regions.values("region"), regions.values("countries"), strict=True):
        listed = {country_code(c) for c in model.split_list(countries)}
        if code in listed:
            return name
        if name and name.lower() == "other":
            fallback = name
    return fallback


def row_for(table: Table, values: dict[str, CellValue]) -> tuple[dict[int, CellValue], list[str]]:
    """{column number: value} for the sheet's own columns, and the fields it has no column
    for (or only a guessed one: inq never writes to a column it is not sure of)."""
    row: dict[int, CellValue] = {}
    dropped: list[str] = []
    for key, value in values.items():
        if value is None:
            continue
        if table.writable(key):
            row[table.col(key)] = value
        else:
            match = table.guessed(key)
            header = table.spec.column(key).header
            dropped.append(f"{header} ({match.header!r} is only a guess)" if match else header)
    return row, dropped


def table_or_new_sheet(book: Workbook, key: str, changes: ChangeSet) -> Table | None:
    """The sheet's table, or None after declaring the contract sheet to be added."""
    table = book.get(key)
    if table is not None and table.columns:
        return table
    if table is not None:  # a sheet with that name but no header we can read
        raise InqError(
            f"sheet {table.name!r} has no header row inq can read; run `inq check` to see why"
        )
    gone = book.gone_sheet(key)  # (the user's own sheet renamed: never a new one beside it)
    if gone is not None:
        raise InqError(gone)
    spec = schema.SHEETS_BY_KEY[key]
    if not any(s.name == spec.title for s in changes.new_sheets):
        changes.add_sheet(
            AddSheet(
                spec.title,
                [c.header for c in spec.columns],
                widths={i: c.width for i, c in enumerate(spec.columns, start=1)},
            )
        )
    return None


def append_row(
    book: Workbook, key: str, values: dict[str, CellValue], changes: ChangeSet, out: Outcome
) -> tuple[str, object]:
    """Append a record to a contract sheet, creating the sheet when the workbook lacks it;
    (the sheet, the row appended) so ChangeSet.drop_row can take it back."""
    table = table_or_new_sheet(book, key, changes)
    spec = schema.SHEETS_BY_KEY[key]
    if table is None:
        sheet = next(s for s in changes.new_sheets if s.name == spec.title)
        sheet.rows.append([values.get(c.key) for c in spec.columns])
        appended: tuple[str, object] = (sheet.name, sheet.rows[-1])
        if len(sheet.rows) == 1:
            out.lines.append(f"Added the {spec.title} sheet to the workbook")
        linked = bool(values.get("buyer_id") or values.get("email"))
    else:
        if out.buyer is not None and key in LOG_SHEETS and "buyer_id" in values:
            values = named(book, table, out.buyer, values)
        chan = values.get("channel")
        if isinstance(chan, str) and table.has("channel"):  # its own word: 电话, not tel
            values = {**values, "channel": channel_word(table.values("channel"), chan)}
        way = values.get("direction")
        if isinstance(way, str) and table.has("direction"):  # and 去, not out
            values = {**values, "direction": direction_word(table.values("direction"), way)}
        row, dropped = row_for(table, values)
        add_row(book, table, row, changes)
        appended = (table.name, changes.appends[table.name][-1])
        if dropped:
            out.warnings.append(
                f"{table.name} has no column for {', '.join(dropped)}: not recorded"
            )
        linked = any(values.get(k) and table.has(k) for k in NAMING)
    buyer = out.buyer
    if not linked and "buyer_id" in values and buyer is not None:
        if buyer.buyer_id or buyer.email:
            column = "Buyer ID" if buyer.buyer_id else "Email"
            why = f"{spec.title} has no {column} column; add one"
        else:
            why = (
                "the Buyers sheet has no Buyer ID column and they have no email; add their "
                "email in Excel (or a Buyer ID column)"
            )
        out.warnings.append(
            f"nothing in this {spec.title} row names {buyer.label}, so `inq lookup` and "
            f"`inq due` will not count it: {why}"
        )
    return appended


def named(
    book: Workbook, table: Table, buyer: model.Buyer, values: dict[str, CellValue]
) -> dict[str, CellValue]:
    """A log row's values with the buyer named the sheet's way: the Buyer ID and email the
    command chose where the sheet has those columns (an email in the Buyer ID column where
    buyers have no IDs and the sheet no Email column), and the client / company columns of
    a sheet that names its buyers, as the Buyers sheet spells them."""
    cells = naming(book, table, buyer)
    out = dict(values)
    for key in ("client", "company"):
        if key in cells:
            out[key] = cells[key]
    if not any(out.get(k) and table.has(k) for k in ("buyer_id", "email")):
        for key in ("buyer_id", "email"):
            if key in cells:
                out[key] = cells[key]
    if any(out.get(k) and table.has(k) for k in NAMING):  # named: no column lacks
        for key in ("buyer_id", "email"):
            if not table.has(key):
                out.pop(key, None)
    return out


# A sheet that only ticks replies off with no-words yet: its yes, by the no it uses.
_YES_FOR_NO = {
    "n": "y", "no": "yes", "false": "true", "×": "✓", "✗": "✓", "✘": "✔", "☐": "☑",
    "-": "✓", "否": "是", "无": "有", "没有": "有", "未": "已", "未回": "已回", "未回复": "已回复",
    "未答复": "已答复", "待回复": "已回复", "待回": "已回", "未处理": "已处理",
    "not yet": "done", "pending": "done", "open": "done",
}  # fmt: skip


def reply_value(table: Table, when: dt.datetime) -> CellValue:
    """What the sheet's Replied column says for a reply at `when`: the time, or, where the
    column ticks replies off (Y/N, ✓, 是/否, 已回复), the word it uses most for yes."""
    from collections import Counter

    from inquiry_cli.contract.cells import yes_no

    idx = table.columns.get("replied")
    if idx is None:
        return when
    yes: Counter[Any] = Counter()
    no: Counter[Any] = Counter()
    dates = 0
    for row in table.rows:
        value = row[idx] if idx < len(row) else None
        if value in (None, ""):
            continue
        said = yes_no(value)
        if said is None:  # a time (or a date typed as text): the column keeps times
            dates += 1
            continue
        word = value.strip() if isinstance(value, str) else value
        (yes if said else no)[word] += 1
    if sum(yes.values()) + sum(no.values()) <= dates:
        return when
    if yes:
        return yes.most_common(1)[0][0]
    if not no:
        return when
    word = no.most_common(1)[0][0]
    if isinstance(word, bool):
        return True
    if isinstance(word, int | float):
        return 1
    answer = _YES_FOR_NO.get(str(word).lower(), "Y")
    if str(word).isupper():
        return answer.upper()
    return answer.capitalize() if str(word)[:1].isupper() else answer


def set_cell(
    table: Table | None, rownum: int, key: str, value: CellValue, changes: ChangeSet, out: Outcome
) -> Spot | None:
    """Set a field of an existing row, or warn why not; the cell set, or None."""
    if table is None:
        return None  # no such sheet: nothing to update
    if not table.has(key):
        out.warnings.append(
            f"{table.name} has no {table.spec.column(key).header} column: not updated"
        )
        return None
    if not table.writable(key):
        out.warnings.append(f"{table.why_not_written(key)}: not updated")
        return None
    changes.set(table.name, rownum, table.col(key), value)
    return (table.name, rownum, table.col(key))


def advance_last_contact(
    buyers: Table, buyer: model.Buyer, when: dt.datetime, changes: ChangeSet, out: Outcome
) -> Spot | None:
    """Move the buyer's Last contact forward to `when`: never back over a later date the
    user typed, nor over a cell that holds something inq cannot read as a date."""
    if not 0 < buyer.row <= buyers.last_row or not buyers.has("last_contact"):
        return None
    if buyer.last_contact is not None and when < buyer.last_contact:
        return None
    if buyer.last_contact is None:
        i = buyers.row_index(buyer.row)
        raw = buyers.rows[i][buyers.columns["last_contact"]] if i is not None else None
        if raw not in (None, ""):
            out.warnings.append(
                f"{buyers.name} row {buyer.row}, {buyers.header_of('last_contact')}: "
                f"{str(raw)!r} is not a date inq can read, so it is left as it is"
            )
            return None
    return set_cell(buyers, buyer.row, "last_contact", when, changes, out)


def follow_up_done(
    book: Workbook,
    buyer: model.Buyer,
    when: dt.datetime,
    now: dt.datetime,
    changes: ChangeSet,
    out: Outcome,
    *,
    tell: bool = True,
) -> None:
    """A contact on or after the day of the buyer's Next follow-up is that follow-up:
    the date is cleared (`inq due` schedules the next one by the grade's cadence); `tell`
    says so in a line of its own (the cell's change is said in any case)."""
    buyers = book.table("buyers")
    due = buyer.next_follow_up
    if not 0 < buyer.row <= buyers.last_row or due is None or due.date() > when.date():
        return
    if own_cell(book, buyer.row, "next_follow_up") in (None, ""):
        return  # (one row per inquiry: the date is an earlier row's, history)
    spot = set_cell(buyers, buyer.row, "next_follow_up", None, changes, out)
    if spot and tell:
        day = "today's" if due.date() == now.date() else "the past"
        out.tell(
            f"Cleared {day} Next follow-up date ({due:%Y-%m-%d}): this contact follows it up",
            spot,
        )


def own_cell(book: Workbook, row: int, key: str) -> Any:
    """A buyer field's cell as typed on the buyer's own row (on a sheet of one row per
    inquiry the buyer's record fills blanks from their earlier rows: this does not)."""
    buyers = book.table("buyers")
    idx = buyers.columns.get(key)
    if idx is None:
        return None
    table = buyers
    if buyers.groups is not None:
        table = next(
            (t for t in book.tables.values() if t.name == buyers.name and t.groups is None),
            buyers,
        )
    try:
        cells = table.rows[table.row_numbers.index(row)]
    except ValueError:
        return None
    return cells[idx] if idx < len(cells) else None


def new_sheet_ids(changes: ChangeSet, key: str, column: str) -> list[Any]:
    """IDs in the rows of a contract sheet this change set adds."""
    spec = schema.SHEETS_BY_KEY[key]
    idx = [c.key for c in spec.columns].index(column)
    for sheet in changes.new_sheets:
        if sheet.name == spec.title:
            return [row[idx] for row in sheet.rows]
    return []


def parse_quantity(text: str, *, whole: bool = False, what: str = "--qty") -> int | float:
    """A quantity typed on the command line ('1000', '2,000', '2k', '500 pcs'), read
    exactly, or a UsageError (see quantities.py for what is accepted and why)."""
    from inquiry_cli.quantities import parse_quantity as parse

    return parse(text, whole=whole, what=what)


def ensure_column(table: Table, key: str, changes: ChangeSet) -> str | None:
    """Give a sheet the contract column `key` it lacks: its English header in the first
    free column after the last header, in `changes`; the table maps it from now on. The
    note to tell the user, or None when the column was there."""
    if table.has(key) or not table.columns:
        return None
    width = len(table.headers)
    last_header = max((i for i, h in enumerate(table.headers) if h), default=-1)
    col = next(
        (
            i
            for i in range(last_header + 1, width)
            if all(i >= len(row) or row[i] in ("", None) for row in table.rows)
        ),
        width,
    )
    header = table.spec.column(key).header
    changes.set(table.name, table.header_row, col + 1, header)
    table.columns[key] = col
    grow = col + 1 - width
    if grow > 0:
        table.headers.extend([""] * grow)
        for row in table.rows:
            row.extend([""] * grow)
    table.headers[col] = header
    return f"Added a {header} column to {table.name}"
