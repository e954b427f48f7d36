"""`inq report a-list`, `inq stats`, `inq trip`: reading the buyer database for people."""

from pathlib import Path
from typing import Annotated

import typer

from inquiry_cli.cli import reads
from inquiry_cli.cli.base import app
from inquiry_cli.cli.context import state
from inquiry_cli.cli.options import ForceOutput, Json
from inquiry_cli.output.terminal import echo

report_app = typer.Typer(
    help="Reports for the sales manager.\n\n"
    "Example: inq report a-list --month 2026-11 --out a-list.xlsx",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(report_app, name="report")


@report_app.command("a-list")
def a_list(
    ctx: typer.Context,
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            "-m",
            help="2026-11, 'Nov 2026', this or last (default: this month).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write a new .xlsx, .md or .txt file (the extension picks the format).",
            show_default=False,
        ),
    ] = None,
    force: ForceOutput = False,
    as_json: Json = False,
) -> None:
    """The month's A-grade buyers for the sales manager, with their details.

    Each buyer with particulars, products, the month's inquiries and quotes, the last
    contact and what was said, progress, and when they became A (from Grade history).
    A past month lists who was A at its end.

    Example: inq report a-list --month 2026-11 --out a-list-2026-11.xlsx
    """
    from inquiry_cli.domain import reports as service
    from inquiry_cli.workbook import read

    st = state(ctx)
    wanted = service.parse_month(month, st.now)
    if out is not None:
        from inquiry_cli.output.exports import check_target

        check_target(out, workbook=st.workbook, force=force)
    book = read.read(st.workbook, reads.A_LIST.sheets)
    report = service.a_list(book, wanted, st.now)
    if as_json:
        from inquiry_cli.output.json_output import print_json

        print_json(service.to_json(report))
    elif out is None:
        _print_a_list(report)
    if out is not None:  # as stats does: the file too, its line on stderr beside JSON
        from inquiry_cli.output.exports import write_a_list

        write_a_list(report, out, st.workbook.name, workbook=st.workbook, force=force)
        echo(f"Wrote {out}: {service.summary_line(report)}", err=as_json)


def _print_a_list(report) -> None:
    from rich.markup import escape

    from inquiry_cli.domain import reports as service
    from inquiry_cli.output.console import console

    out = console()
    lines = service.text_lines(report, width=out.width)
    out.print(f"[bold]{escape(lines[0])}[/bold]", markup=True)
    for line in lines[1:]:
        if line[:1].isdigit() and ". " in line[:5]:
            out.print(f"[bold]{escape(line)}[/bold]", markup=True)
        else:
            out.print(line, markup=False)


@app.command()
def stats(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Count inquiries received on or after DATE, and buyers in touch since then.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Also write a new .xlsx with the tables and native Excel charts.",
            show_default=False,
        ),
    ] = None,
    force: ForceOutput = False,
    as_json: Json = False,
) -> None:
    """Statistics: buyers by region, country, nature, source, strength and grade;
    inquiries per month and channel; the most asked-about products; reply performance.

    Reply performance is the share of inquiries answered within the Settings sheet's
    target (2 h) and limit (24 h), and the median reply time.

    Example: inq stats --since 2026-01-01 --out stats-2026.xlsx
    """
    from inquiry_cli.dates import parse_user_date
    from inquiry_cli.domain import stats as service
    from inquiry_cli.workbook import read

    st = state(ctx)
    start = parse_user_date(since, base=st.now).date() if since else None
    if out is not None:
        from inquiry_cli.output.exports import check_target

        check_target(out, (".xlsx",), workbook=st.workbook, force=force)
    from inquiry_cli.output.progress import Progress

    with Progress() as progress:
        progress.step(f"Reading {st.workbook.name}")
        book = read.read(st.workbook, reads.STATS.sheets)
        progress.step("Counting")
        result = service.compute(book, st.now, start)
    if as_json:
        from inquiry_cli.output.json_output import print_json

        print_json(service.to_json(result))
    else:
        _print_stats(result)
    if out is not None:
        from inquiry_cli.output.exports import write_stats

        sheets = write_stats(result, out, st.workbook.name, workbook=st.workbook, force=force)
        echo(f"Wrote {out}: {len(sheets)} sheets with charts", err=as_json)


BAR = "█"
PARTS = " ▏▎▍▌▋▊▉"


def bar(value: int, biggest: int, width: int) -> str:
    """An inline bar, in eighths of a character."""
    if biggest <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / biggest * width * 8))
    full, rest = divmod(eighths, 8)
    return BAR * full + (PARTS[rest] if rest else "")


def _count_table(title: str, counts, width: int, limit: int | None = None):
    from rich.table import Table

    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=None,
        pad_edge=False,
        show_header=False,
        expand=False,
    )
    table.add_column("name", overflow="ellipsis", no_wrap=True, max_width=24)
    table.add_column("n", justify="right")
    table.add_column("share", justify="right")
    table.add_column("bar", no_wrap=True)
    shown = counts if limit is None else counts[:limit]
    biggest = max((c.count for c in counts), default=0)
    for c in shown:
        table.add_row(c.name, str(c.count), f"{c.share:.0%}", bar(c.count, biggest, width))
    if limit is not None and len(counts) > limit:
        rest = counts[limit:]
        n = sum(c.count for c in rest)
        table.add_row(f"{len(rest)} more", str(n), f"{sum(c.share for c in rest):.0%}", "")
    return table


def _print_stats(result) -> None:
    from rich.table import Table

    from inquiry_cli.domain import stats as service
    from inquiry_cli.output.console import console

    out = console()
    since = f" in touch since {result.since}" if result.since else ""
    out.print(
        f"[bold]{result.buyers_total} buyers{since}, {result.inquiries_total} inquiries"
        f"{f' since {result.since}' if result.since else ''}[/bold]",
        markup=True,
    )
    pair = out.width >= 96
    width = 12 if pair else 24

    def show(*tables) -> None:
        out.print("")
        if pair and len(tables) == 2:
            grid = Table.grid(padding=(0, 4))
            grid.add_column()
            grid.add_column()
            grid.add_row(*tables)
            out.print(grid)
        else:
            for i, t in enumerate(tables):
                if i:
                    out.print("")
                out.print(t)

    b = result.buyers
    show(
        _count_table("Buyers by region", b["region"], width),
        _count_table("Buyers by grade", b["grade"], width),
    )
    show(
        _count_table("Buyers by nature", b["nature"], width),
        _count_table("Buyers by strength", b["strength"], width),
    )
    show(
        _count_table("Buyers by source", b["source"], width),
        _count_table("Buyers by country", b["country"], width, limit=10),
    )
    show(_count_table("Inquiries per month", result.per_month, 40))
    replies = Table(
        title="Reply performance",
        title_justify="left",
        title_style="bold",
        box=None,
        pad_edge=False,
        show_header=False,
    )
    replies.add_column()
    replies.add_column()
    for label, value in service.reply_rows(result.replies, result.alibaba):
        replies.add_row(label, value)
    show(_count_table("Inquiries per channel", result.per_channel, width), replies)
    if result.products:
        table = Table(
            title="Most asked-about products",
            title_justify="left",
            title_style="bold",
            box=None,
            pad_edge=False,
        )
        table.add_column("Model", no_wrap=True)
        table.add_column("Name", overflow="ellipsis", no_wrap=True, max_width=34)
        table.add_column("Inquiries", justify="right")
        table.add_column("Buyers", justify="right")
        table.add_column("", no_wrap=True)
        biggest = max(p.inquiries for p in result.products)
        for p in result.products:
            table.add_row(
                p.model, p.name, str(p.inquiries), str(p.buyers), bar(p.inquiries, biggest, 20)
            )
        show(table)


@app.command()
def trip(
    ctx: typer.Context,
    place: Annotated[
        str,
        typer.Argument(
            help="A city from the Buyers sheet, or a country: name, 中文 or ISO code.",
            show_default=False,
        ),
    ],
    start: Annotated[
        str | None,
        typer.Option("--from", help="The trip's first day.", show_default=False),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="The trip's last day.", show_default=False),
    ] = None,
    as_json: Json = False,
) -> None:
    """Before a business trip: the buyers at PLACE, grouped by city, best grade first.

    Each buyer with phone, email and their local time now (to call and book a meeting),
    the contact history, open inquiries, quotes and samples. With --from/--to, the
    trade shows there during the trip and the local weekend.

    Example: inq trip Dubai --from 2027-04-06 --to 2027-04-10
    """
    from inquiry_cli.dates import parse_user_date
    from inquiry_cli.domain import trips as service
    from inquiry_cli.workbook import read

    st = state(ctx)
    first = parse_user_date(start, base=st.now).date() if start else None
    last = parse_user_date(end, base=st.now).date() if end else None
    book = read.read(st.workbook, reads.TRIP.sheets)
    plan = service.plan(book, place, st.now, first, last)
    if as_json:
        from inquiry_cli.output.json_output import print_json

        print_json(service.to_json(plan))
        return
    _print_trip(plan, st.now)


def _print_trip(plan, now) -> None:
    from rich.markup import escape
    from rich.text import Text

    from inquiry_cli.domain import trips as service
    from inquiry_cli.domain.linking import GRADE_ORDER
    from inquiry_cli.output.console import console, print_lines
    from inquiry_cli.output.views import fmt_qty
    from inquiry_cli.output.wrapping import hang

    out = console()
    width = max(out.width, 60)
    visits = plan.visits
    grades = [v.buyer.grade for v in visits]
    mix = ", ".join(f"{grades.count(g)} {g}" for g in GRADE_ORDER if g in grades)
    ungraded = sum(1 for g in grades if not g)
    if ungraded:
        mix += f"{', ' if mix else ''}{ungraded} ungraded"
    n = len(visits)
    out.print(
        f"[bold]Trip to {escape(plan.place.name)}: {n} buyer{'s' if n != 1 else ''}"
        f"{f' ({mix})' if mix else ''}[/bold]",
        markup=True,
    )
    days = service.trip_days(plan)
    if days:
        out.print(f"Dates: {days}", markup=False)
    for e in plan.events:
        span = f"{e['start']}" + (f" to {e['end']}" if e["end"] != e["start"] else "")
        booth = f", booth {e['booth']}" if e.get("booth") else ""
        label = "During your trip" if plan.start else "Coming show"
        out.print(f"{label}: {e['name']}, {e['city'] or ''} {span}{booth}", markup=False)
    if plan.others_in_country:
        code = plan.place.code
        out.print(
            f"{plan.others_in_country} more buyer{'s' if plan.others_in_country != 1 else ''} "
            f"elsewhere in the country: inq trip {code}",
            markup=False,
        )

    # The lines go to the console a few hundred at a time, as rich Text (the workbook's
    # text is never markup): a print per line costs rich's whole render each time, 1.5 s
    # for a trip of 450 buyers at 10k.
    buf: list[Text] = []

    def line(label: str, text: str, indent: int = 5) -> None:
        head = " " * indent + (f"{label}: " if label else "")
        buf.extend(map(Text, hang(text, width, head, " " * (indent + 2))))

    def flush(at_least: int = 0) -> None:
        if buf and len(buf) >= at_least:
            print_lines(out, buf)
            buf.clear()

    for city, group in plan.groups:
        buf.append(Text(""))
        buf.append(Text.assemble((city, "bold"), f" ({len(group)})"))
        for v in group:
            b = v.buyer
            head = " — ".join(x for x in (b.name, b.company) if x) or b.email or f"row {b.row}"
            ident = f"  [{b.buyer_id}]" if b.buyer_id else ""
            buf.append(Text.assemble(f"  {b.grade or '-'}  ", (head, "bold"), ident))
            reach = []
            if b.phone:
                reach.append(f"Tel {b.phone}")
            if b.email:
                reach.append(b.email)
            if v.local:
                off = "" if v.local.business_hours else ", outside office hours"
                reach.append(f"their time now {v.local.time:%a %H:%M}{off}")
            line("", " · ".join(reach))
            about = [x for x in (b.nature, b.strength, b.source) if x]
            if b.status:
                about.append(f"Status: {b.status}")
            if b.product_list:
                about.append(f"Products: {', '.join(b.product_list)}")
            line("", " · ".join(about))
            if v.contacts:
                first = next((c.date for c in v.contacts if c.date), None)
                since = f" since {first:%Y-%m-%d}" if first else ""
                recent = v.contacts[-service.RECENT_CONTACTS :]
                line(f"Contacts ({len(v.contacts)}{since})", service.contact_text(recent[-1]))
                for c in reversed(recent[:-1]):
                    line("", service.contact_text(c), indent=7)
            elif b.last_contact:
                line("Last contact", f"{b.last_contact:%Y-%m-%d} (no contact logged)")
            else:
                line("Contacts", "none yet")
            for i in v.open_inquiries:
                qty = f" x {fmt_qty(i.quantity)}" if i.quantity else ""
                state_ = f"quoted {i.quote_no}" if i.quote_no else (i.status or "open")
                if i.replied is None:
                    state_ = "NOT REPLIED"
                when = f"{i.received:%Y-%m-%d}" if i.received else "?"
                ident = i.inquiry_id or f"row {i.row}"
                line("Open inquiry", f"{ident} {when} {i.product or '?'}{qty} ({state_})")
            for q in v.quotes[: service.RECENT_QUOTES]:
                valid = q.lines[0].valid_until if q.lines else None
                when = f"{q.date:%Y-%m-%d} " if q.date else ""
                note = ""
                if valid:
                    note = (
                        f" (valid until {valid:%Y-%m-%d})"
                        if valid >= now
                        else f" (expired {valid:%Y-%m-%d})"
                    )
                line("Quote", f"{when}{q.text}{note}")
            if len(v.quotes) > service.RECENT_QUOTES:
                line("", f"and {len(v.quotes) - service.RECENT_QUOTES} earlier quotes", indent=7)
            for x in v.samples:
                line("Sample", service.sample_text(x))
            flush(at_least=400)
    flush()
