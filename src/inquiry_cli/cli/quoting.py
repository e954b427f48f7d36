"""`inq quote`: a region-specific plain-text quote, recorded in the workbook."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from inquiry_cli.cli import reads
from inquiry_cli.cli.base import app
from inquiry_cli.cli.context import state
from inquiry_cli.cli.options import DryRun, ForceOutput
from inquiry_cli.output.terminal import echo, visible


@app.command()
def quote(
    ctx: typer.Context,
    models: Annotated[
        list[str],
        typer.Option(
            "--model", "-m", help="A product model; repeat for several.", show_default=False
        ),
    ],
    qtys: Annotated[
        list[str],
        typer.Option(
            "--qty", "-q", help="Quantity for each --model, in the same order.", show_default=False
        ),
    ],
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            "-r",
            help="mideast, sea, us, eu, latam, africa, other... (default: the buyer's).",
        ),
    ] = None,
    buyer: Annotated[
        str | None,
        typer.Option("--buyer", "-b", help="Who it is for: anything `inq lookup` accepts."),
    ] = None,
    incoterm: Annotated[
        str | None, typer.Option("--incoterm", help="FOB, CIF or EXW (default: Settings).")
    ] = None,
    currency: Annotated[
        str | None, typer.Option("--currency", help="Currency code (default: Settings).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write the quote to this .txt file.")
    ] = None,
    no_record: Annotated[
        bool, typer.Option("--no-record", help="Do not record the quote in the workbook.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse quantities below the MOQ.")
    ] = False,
    force: ForceOutput = False,
    dry_run: DryRun = False,
) -> None:
    """Write a plain-text quote for a region: prices by quantity tier, terms, samples, company.

    The quote goes to stdout (pipe it to your clipboard) and, with --out, to a file; the
    summary goes to stderr. With --buyer it is recorded: Quote No and rows in Quotes, the
    open inquiry marked replied with the Quote No, and the contact logged.

    Example: inq quote --region mideast --model LED-PL-60 --qty 1000 --buyer ahmed@gulflights.ae
    """
    from inquiry_cli.domain import quote as service
    from inquiry_cli.domain import recording
    from inquiry_cli.errors import UsageError
    from inquiry_cli.output import files, quotes, templating
    from inquiry_cli.workbook import read

    st = state(ctx)
    if len(models) != len(qtys):
        raise UsageError(
            f"give one --qty per --model ({len(models)} models, {len(qtys)} quantities)"
        )
    if out is not None and not dry_run:
        files.check_target(out, workbook=st.workbook, force=force)
    items: list[tuple[str, int]] = []
    for m, q in zip(models, qtys, strict=True):
        items.append((m, int(recording.parse_quantity(q, whole=True, what=f"--qty for {m}"))))
    with st.writing(dry_run or no_record or buyer is None):
        book = read.read(st.workbook, reads.QUOTE.sheets, headers_only=reads.QUOTE.heads)
        match = recording.resolve_buyer(book.table("buyers"), buyer) if buyer else None
        who = match.buyer if match else None
        draft = service.draft(
            book,
            items,
            region_name=region,
            buyer=who,
            incoterm=incoterm,
            currency=currency,
            strict=strict,
            now=st.now,
        )
        company = service.company_fields(book)
        settings_dir = draft.settings.template_dir or None
        text, _template = quotes.render(
            draft, company, templating.search_path(st.workbook, settings_dir)
        )
        err = echo
        for line in draft.lines:
            if line.below_moq:
                note = f"{line.asked_qty:,} is below the MOQ of {line.moq:,}; quoted the MOQ"
                err(f"Note: {line.model}: {note}", err=True)
        if out is not None and not dry_run:
            files.write(out, text.encode("utf-8"), workbook=st.workbook, force=force)
        unfilled = service.placeholders(company)
        if unfilled:  # said with the quote, before it goes to a buyer
            err(
                f"Warning: the Company sheet still holds inq init's placeholders for "
                f"{', '.join(unfilled)}: fill them in before this quote goes to a buyer",
                err=True,
            )
        sys.stdout.write(visible(text))
        sys.stdout.flush()
        total = f"{draft.currency} {draft.total:,.2f} {draft.incoterm}"
        where = f"region {draft.region.name}, valid until {draft.valid_until}"
        err(f"Quote {draft.number}: {total}, {where}", err=True)
        if out is not None and not dry_run:
            err(f"Wrote {out}", err=True)
        if no_record or who is None:
            if who is None and not no_record:
                err("Not recorded: give --buyer to record the quote in the workbook.", err=True)
            return
        outcome = recording.record_quote(
            book, draft, file=str(out) if out else None, channel_name=None, now=st.now
        )
        if match is not None and buyer:
            recording.say_taken(outcome, buyer, match)
        _report(st, book, outcome, dry_run)


def _report(st, book, outcome, dry_run: bool) -> None:
    """Record through the safe write path; the summary goes to stderr (stdout is the quote)."""
    from contextlib import redirect_stdout

    from inquiry_cli.cli.record import save

    with redirect_stdout(sys.stderr):
        save(st, book, outcome, dry_run)
