"""How buyers, cards and match lists look on the terminal (rich), in one place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from inquiry_cli.output.console import console

if TYPE_CHECKING:
    from inquiry_cli.contract.changes import ChangeSet
    from inquiry_cli.contract.records import Workbook


def fmt_date(value: dt.datetime | dt.date | None, with_time: bool = False) -> str:
    if value is None:
        return "-"
    if isinstance(value, dt.datetime):
        if with_time and (value.hour or value.minute):
            return f"{value:%Y-%m-%d %H:%M}"
        return f"{value:%Y-%m-%d}"
    return value.isoformat()


def _replied(value: dt.datetime | bool | None) -> str:
    """A reply's time; "yes" where the sheet only ticks replies off."""
    if value is None or value is False:
        return "NOT REPLIED"
    return "yes" if value is True else fmt_date(value, True)


def fmt_qty(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def _table(*columns: str):
    from rich.table import Table

    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for name in columns:
        table.add_column(name, overflow="fold")
    return table


def match_json(m) -> dict[str, Any]:
    b = m.buyer
    return {
        "buyer_id": b.buyer_id,
        "name": b.name,
        "company": b.company,
        "email": b.email,
        "country": b.country,
        "grade": b.grade,
        "score": m.score,
        "reasons": m.reasons,
        "row": b.row,
    }


def print_matches(query: str, matches: list, title: str | None = None) -> None:
    out = console()
    out.print(title or f"{len(matches)} possible matches for {query!r}:", markup=False)
    table = _table("Buyer", "Name", "Company", "Email", "Country", "Grade", "Why")
    for m in matches:
        b = m.buyer
        table.add_row(
            b.buyer_id or f"row {b.row}",
            b.name or "",
            b.company or "",
            b.email or "",
            b.country or "",
            b.grade or "-",
            "; ".join(m.reasons),
        )
    out.print(table)


def print_card(card) -> None:
    """The lookup card: particulars, history, follow-up and the next step."""
    out = console()
    b = card.buyer
    head = b.name or b.company or b.email or f"row {b.row}"
    if b.name and b.company:
        head = f"{b.name} — {b.company}"
    tags = " · ".join(x for x in (b.buyer_id, f"grade {b.grade}" if b.grade else "ungraded") if x)
    out.print(f"[bold]{_esc(head)}[/bold]  " + _esc(f"[{tags}]"), markup=True)
    out.print(f"  matched: {'; '.join(card.reasons)}", markup=False)
    from inquiry_cli.domain.identity import whatsapp_link

    contact = "   ".join(
        f"{label} {value}"
        for label, value in (
            ("Email", b.email),
            ("Phone", b.phone),
            ("Fax", b.fax),
            ("WhatsApp", whatsapp_link(b.phone, b.country)),
        )
        if value
    )
    if contact:
        out.print(f"  {contact}", markup=False)
    place = ", ".join(x for x in (b.city, b.country) if x)
    if b.region:
        place += f" ({b.region})"
    about = " · ".join(x for x in (place, b.source, b.nature, b.strength) if x)
    if about:
        out.print(f"  {about}", markup=False)
    status = " · ".join(
        f"{k}: {v}"
        for k, v in (
            ("Status", b.status),
            ("First contact", fmt_date(b.first_contact) if b.first_contact else None),
            ("Owner", b.owner),
        )
        if v
    )
    if status:
        out.print(f"  {status}", markup=False)
    if card.products:
        out.print(f"  Products asked about: {', '.join(card.products)}", markup=False)
    if b.notes:
        out.print(f"  Notes: {b.notes}", markup=False)

    if card.inquiries:
        out.print(f"\nInquiries ({len(card.inquiries)})")
        table = _table("ID", "Received", "Via", "Product", "Qty", "Grade", "Replied", "Quote")
        for i in card.inquiries:
            table.add_row(
                i.inquiry_id or f"row {i.row}",
                fmt_date(i.received, True),
                i.channel or "",
                i.product or "",
                fmt_qty(i.quantity),
                i.grade or "-",
                _replied(i.replied),
                i.quote_no or "",
            )
        out.print(table)
    if card.contacts:
        recent = card.contacts[-5:]
        shown = f"last {len(recent)} of {len(card.contacts)}"
        out.print(f"\nContacts ({shown})")
        table = _table("Date", "Via", "Dir", "Summary")
        for c in recent:
            summary = c.summary or ""
            if c.next_step:
                summary += f" → next: {c.next_step}"
            table.add_row(fmt_date(c.date, True), c.channel or "", c.direction or "", summary)
        out.print(table)
    if card.quotes:
        out.print(f"\nQuotes ({len(card.quotes)})")
        table = _table("Quote", "Date", "Model", "Qty", "Unit price", "Terms", "Valid until")
        for q in card.quotes:
            price = f"{q.currency or ''} {q.unit_price:,.2f}".strip() if q.unit_price else ""
            table.add_row(
                q.quote_no or "",
                fmt_date(q.date),
                q.model or "",
                fmt_qty(q.quantity),
                price,
                q.incoterm or "",
                fmt_date(q.valid_until),
            )
        out.print(table)
    if card.samples:
        out.print(f"\nSamples ({len(card.samples)})")
        table = _table("Date", "Model", "Kind", "Status", "Feedback")
        for x in card.samples:
            table.add_row(
                fmt_date(x.date), x.model or "", x.kind or "", x.status or "", x.feedback or ""
            )
        out.print(table)

    out.print("")
    out.print(f"Last contact: {fmt_date(card.last_contact, True)}", markup=False)
    if card.due:
        late = card.days_late or 0
        when = f"due {card.due.date:%Y-%m-%d} ({card.due.reason})"
        if late > 0:
            when += f" — {late} day{'s' if late != 1 else ''} OVERDUE"
        elif late == 0:
            when += " — due today"
        out.print(f"Next follow-up: {when}", markup=False)
    else:
        out.print("Next follow-up: none scheduled (no grade or no contact yet)", markup=False)
    if card.silent is not None:
        out.print(
            f"Silent: no word from them since {card.silent.since:%Y-%m-%d}, "
            f"{card.silent.text.removeprefix('silent ')}",
            markup=False,
        )
    out.print(f"Next step: {card.next_step} (by {card.channel.text})", markup=False)


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _cell_text(value: Any) -> str:
    if value is None:
        return "(cleared)"
    if isinstance(value, dt.datetime | dt.date):
        return fmt_date(value, True)
    return str(value)


def _header_of(changes: ChangeSet, book: Workbook) -> Callable[[str, int], str]:
    """(sheet, column number) -> the user's own header (or "column N")."""
    headers: dict[str, list[str]] = {t.name: t.headers for t in book.tables.values()}
    for sheet in changes.new_sheets:
        headers[sheet.name] = sheet.header

    def header(sheet: str, col: int) -> str:
        names = headers.get(sheet, [])
        return names[col - 1] if 0 < col <= len(names) and names[col - 1] else f"column {col}"

    return header


def kept_lines(kept: dict[str, list[tuple[int, int]]], changes, book) -> list[str]:
    """One line per cell a write left alone because it holds the user's formula."""
    from inquiry_cli.contract.changes import cell_ref

    header = _header_of(changes, book)
    return [
        f"the formula in {sheet} {cell_ref(r, c)} ({header(sheet, c)}): "
        "inq does not overwrite formulas"
        for sheet, cells in kept.items()
        for r, c in cells
    ]


def describe_changes(changes, book, kept=None) -> list[str]:
    """The change set in words, with the user's own headers: for --dry-run."""
    header = _header_of(changes, book)
    lines: list[str] = []
    for sheet in changes.new_sheets:
        lines.append(f"add sheet {sheet.name} ({', '.join(sheet.header)})")
        for row in sheet.rows:
            cells = [f"{h}={_cell_text(v)}" for h, v in zip(sheet.header, row, strict=False) if v]
            lines.append(f"  new row in {sheet.name}: " + ", ".join(cells))
    for sheet, rows in changes.appends.items():
        for row in rows:
            cells = [f"{header(sheet, c)}={_cell_text(v)}" for c, v in sorted(row.items())]
            lines.append(f"new row in {sheet}: " + ", ".join(cells))
    from inquiry_cli.domain.recording.changed import changed_cells

    said = {(c.sheet, c.row, c.header): c for c in changed_cells(book, changes)}
    read = {t.name: t.header_row for t in book.tables.values()}
    for sheet, cells in changes.sets.items():
        for (r, c), v in sorted(cells.items()):
            change = said.get((sheet, r, header(sheet, c)))
            if change is not None:
                lines.append(f"change {change.text}")
            elif sheet in read and r != read[sheet]:
                continue  # set to what it holds: no change (a new column's header is one)
            else:
                lines.append(f"{sheet} row {r}, {header(sheet, c)}: set to {_cell_text(v)}")
    lines += [f"keep {line}" for line in kept_lines(kept or {}, changes, book)]
    return lines


def changed_lines(changes, book, *, dry_run: bool = False) -> list[str]:
    """Every cell of an existing row the write changed (old -> new), or their count with
    --dry-run offered when they are too many to read (a dry run lists them all)."""
    from inquiry_cli.domain.recording.changed import LISTED, changed_cells

    found = changed_cells(book, changes)
    if len(found) > LISTED and not dry_run:
        sheets = ", ".join(dict.fromkeys(c.sheet for c in found))
        return [f"Changed {len(found)} cells of existing rows ({sheets}): --dry-run shows them all"]
    return [f"{'Would change' if dry_run else 'Changed'} {c.text}" for c in found]


def print_outcome(outcome, *, dry_run: bool, book, kept=None) -> None:
    """What a recording command did; warnings on stderr; the change in words on dry runs.
    `kept`: the cells the write left alone (sheet -> (row, col)): they hold formulas.

    Plain lines, so the write commands never import rich (a twentieth of a second).
    """
    from inquiry_cli.output.terminal import echo

    for warning in dict.fromkeys(outcome.warnings):  # each once, however many rows
        echo(f"Warning: {warning}", err=True)
    for line in outcome.taken:  # whom a name was taken as, before what was done to them
        echo(line)
    if dry_run:
        echo("Dry run: nothing was written. The change would be:")
        for line in describe_changes(outcome.changes, book, kept):
            echo(f"  {line}")
        return
    told = [line for line in outcome.lines if not line.startswith("Next")]
    advice = [line for line in outcome.lines if line.startswith("Next")]
    formulas = [f"Kept {line}" for line in kept_lines(kept or {}, outcome.changes, book)]
    for line in [*told, *changed_lines(outcome.changes, book), *formulas, *advice]:
        echo(line)  # what to do, last
