"""`inq due`: replies owed and follow-ups due, most urgent first."""

from pathlib import Path
from typing import Annotated

import typer

from inquiry_cli.cli import reads
from inquiry_cli.cli.base import app
from inquiry_cli.cli.context import state
from inquiry_cli.cli.options import ForceOutput, Json
from inquiry_cli.output.terminal import echo

SHOWN = 50  # the table's rows when the list is long (the most urgent first)


@app.command()
def due(
    ctx: typer.Context,
    when: Annotated[
        str,
        typer.Argument(help="today, tomorrow, week, overdue, a date, or +3d."),
    ] = "today",
    as_json: Json = False,
    ics: Annotated[
        Path | None,
        typer.Option("--ics", help="Also write the list as calendar events (.ics) to FILE."),
    ] = None,
    force: ForceOutput = False,
    limit: Annotated[
        int,
        typer.Option("--limit", "-l", help="Show the N most urgent (the table only)."),
    ] = SHOWN,
    show_all: Annotated[
        bool, typer.Option("--all", "-a", help="Show every item, however many.")
    ] = False,
) -> None:
    """What you owe buyers, most urgent first: replies, follow-ups, overdue contacts.

    Replies run against their clock (2 h target, 24 h limit, fax 12 h); follow-ups by
    grade (A twice a week, B weekly, C half-monthly, D monthly) from the last contact.
    Each line shows the buyer's local time and the channel to use. A long list shows
    the 50 most urgent and how many more (--limit N, --all); --json and --ics have all.

    Example: inq due week --ics followups.ics
    """
    from inquiry_cli.cli import due_digest
    from inquiry_cli.domain import due as service

    if limit < 1:
        raise typer.BadParameter("give a number of 1 or more", param_hint="--limit")
    st = state(ctx)
    last_day, _ = service.horizon(when, st.now)
    if ics is not None:
        from inquiry_cli.output import files

        files.check_target(ics, workbook=st.workbook, force=force)
    size = None if show_all else limit
    table_only = not as_json and ics is None  # (then only the items shown are worked out)
    with due_digest.ranking(st.workbook, st.now, when) as ranked:
        answer = _from_digest(ranked, st.now, table_only, size)
    read_now = answer is None
    if read_now:  # no digest of this list of the file as it is: the workbook is read
        from inquiry_cli.workbook import read

        seen = due_digest.identity(st.workbook)
        book = read.read(st.workbook, reads.DUE.sheets, kept=reads.DUE.kept)
        stamp, ods = book.stamp, book.ods
        ranked = service.rank(book, st.now, when)
        del book  # (the ranking holds what it shows: the sheets' cells go before the output)
        answer = _answer(ranked, st.now, table_only, size)
    if table_only:
        _print(answer, st.now, when, last_day)
    else:
        _emit(answer, st, as_json, ics, force, size, when, last_day)
    if read_now:  # the next `due` of this list answers from its digest
        due_digest.after_read(st.workbook, seen, stamp, ods, ranked, st.now, when)


def _answer(ranked, now, table_only: bool, size: int | None):
    """The page the table shows, or every item."""
    return ranked.page(now, size) if table_only else ranked.items(now)


def _from_digest(ranked, now, table_only: bool, size: int | None):
    """_answer from a digest's Ranking; None when there is none or it fails in any way
    (a damaged item: the workbook is read, and says what a read says)."""
    if ranked is None:
        return None
    try:
        return _answer(ranked, now, table_only, size)
    except Exception:
        return None


def _emit(items, st, as_json: bool, ics, force: bool, size, when: str, last_day) -> None:
    """--json and --ics: every item."""
    from inquiry_cli.domain import due as service

    if ics is not None:
        from inquiry_cli.output import files
        from inquiry_cli.output.ics import ics_bytes

        files.write(ics, ics_bytes(items, st.now), workbook=st.workbook, force=force)
    if as_json:
        from inquiry_cli.output.json_output import print_json_items

        print_json_items(map(service.item_json, items))
        return
    _print(service.page_of(items, size), st.now, when, last_day)
    echo(f"Wrote {len(items)} events to {ics}", err=True)


def _print(page, now, when: str, last_day) -> None:
    from rich.table import Table

    from inquiry_cli.output.console import console
    from inquiry_cli.output.views import fmt_date

    out = console()
    label = "today" if when == "today" else f"by {last_day:%a %Y-%m-%d}"
    if when == "overdue":
        label = "overdue"
    if not page.total:
        out.print(f"Nothing due {label}.", markup=False)
        return
    follow = page.total - page.replies
    out.print(
        f"Due {label} ({now:%a %Y-%m-%d %H:%M}): {_n(page.replies, 'reply', 'replies')} owed, "
        f"{_n(follow, 'follow-up', 'follow-ups')}, {page.late} late",
        markup=False,
    )
    for warning in page.warnings:  # an Alibaba reply about to cost the reply rate: first
        out.print(f"Warning: {warning}", markup=False)
    table = Table(box=None, pad_edge=False, header_style="bold")
    # One line per item. Fixed columns keep their width; names, products and the last
    # summary share the rest and are cut with "…" (--json has them whole). On a narrow
    # terminal the least needed columns go, so the buyer's name stays readable.
    table.expand = True
    width = out.width
    flexible = [("Buyer", 3), ("Products", 1), ("Last contact", 3)]
    if width < 120:
        flexible.remove(("Products", 1))
    if width < 110:  # the Via column says why in a word or two: the buyer keeps the room
        flexible.remove(("Last contact", 3))
    for name in ("What", "Gr", "Cty", "Their time", "Via"):
        table.add_column(name, no_wrap=True, min_width=len(name))
    for name, ratio in flexible:
        table.add_column(name, overflow="ellipsis", no_wrap=True, ratio=ratio)
    shown = {name for name, _ in flexible}
    for item in page.items:
        b = item.buyer
        what = _what(item, now)
        inq = item.inquiry
        who = b.label if b else (inq and (inq.email or inq.client or inq.company)) or "?"
        local = ""
        if item.local:  # (the weekday only where there is room: the name needs it more)
            when = f"{item.local.time:%a %H:%M}" if width >= 100 else f"{item.local.time:%H:%M}"
            local = when + ("" if item.local.business_hours else " off")
        last = ""
        if item.last_contact_at:
            last = fmt_date(item.last_contact_at)
            if item.last_contact and item.last_contact.summary:
                last += f" {item.last_contact.summary}"
        via = item.via.short if width >= 100 else item.via.name  # (--json has why)
        cells = [what, (b.grade if b else None) or "-", _country(b), local, via, who]
        if "Products" in shown:
            cells.append(", ".join(item.products))
        if "Last contact" in shown:
            cells.append(last)
        table.add_row(*cells)
    out.print(table)
    if page.more:
        out.print(f"... and {page.more:,} more (use --all or --limit N)", markup=False)
    chats = [i for i in page.items if i.via.link]
    if chats:  # the wa.me links where the rule picked WhatsApp: click and write
        out.print("WhatsApp:", markup=False)
        for item in chats:
            who = item.buyer.label if item.buyer else "?"
            out.print(f"  {who}: {item.via.link}", markup=False)


def _country(buyer) -> str:
    """The ISO code (AE, US, DE): two columns say it as well as a full name."""
    if buyer is None or not buyer.country:
        return ""
    from inquiry_cli.domain.countries import country_code

    return country_code(buyer.country) or buyer.country[:3]


def _what(item, now) -> str:
    """Short, so the names keep the width: 'REPLY I0108 48h late', 'follow-up 3d late'."""
    from inquiry_cli.domain.cadence import USER_DATE
    from inquiry_cli.domain.due import when_text

    if item.kind == "reply":
        ident = item.inquiry.inquiry_id or f"row {item.inquiry.row}"
        if item.untimed:  # a date with no time: no count of hours
            day = f"received {item.inquiry.received:%m-%d} (no time)"
            if item.late:
                return f"REPLY {ident} late,\n{day}"
            return f"reply {ident} by {when_text(item.due_at, now)},\n{day}"
        if item.late:
            return f"REPLY {ident} {item.overdue.total_seconds() / 3600:.0f}h late"
        # The routine's clock on two lines of the cell: the target, then the limit.
        fax = " (fax)" if (item.inquiry.channel or "").lower() == "fax" else ""
        latest = f"at the latest {when_text(item.due_at, now)}{fax}"
        if item.reply_by is not None and now <= item.reply_by:
            hours = (item.reply_by - item.inquiry.received).total_seconds() / 3600
            return f"reply {ident} by {when_text(item.reply_by, now)} ({hours:g} h),\n{latest}"
        return f"reply {ident} now,\n{latest}"
    what = {"sample": "sample feedback", "quote": "quote chase"}.get(item.kind, "follow-up")
    if item.late:
        what = f"{what} {item.days_late}d late"
    elif item.days_late != 0:
        what = f"{what} {item.due_at:%m-%d}"
    if item.basis == USER_DATE:
        what += " (your date)"
    if item.silent is not None:  # how long: in --json and the ICS description
        what += ", silent"
    return what


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"
