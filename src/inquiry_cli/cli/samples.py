"""`inq sample`: record a sample sent, its feedback, and list the samples awaiting feedback."""

from typing import Annotated

import typer

from inquiry_cli.cli import reads
from inquiry_cli.cli.base import app
from inquiry_cli.cli.context import state
from inquiry_cli.cli.options import DryRun, Json


@app.command()
def sample(
    ctx: typer.Context,
    who: Annotated[
        str | None,
        typer.Argument(help="The buyer: anything `inq lookup` accepts.", show_default=False),
    ] = None,
    model: Annotated[
        str | None,
        typer.Argument(
            help="The product model sent (from the Products sheet).", show_default=False
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            "-k",
            help="e (e-sample: catalog/photos) or physical (default: e-samples first, an "
            "e-sample when the buyer has had none of this model).",
            show_default=False,
        ),
    ] = None,
    freight: Annotated[
        str | None,
        typer.Option(
            "--freight",
            help="collect (default: the buyer pays the courier), account (the buyer's "
            "courier account), prepaid (paid by the buyer), ours, or your own words.",
            show_default=False,
        ),
    ] = None,
    payment: Annotated[
        str | None,
        typer.Option(
            "--payment", help="free (default) or tt (T/T in advance).", show_default=False
        ),
    ] = None,
    large: Annotated[
        bool, typer.Option("--large", help="A large sample: paid in advance by T/T.")
    ] = False,
    amount: Annotated[
        str | None,
        typer.Option(
            "--amount", help="What a T/T sample costs, e.g. 'USD 240'.", show_default=False
        ),
    ] = None,
    courier: Annotated[
        str | None, typer.Option("--courier", help="DHL, FedEx, UPS, TNT...", show_default=False)
    ] = None,
    tracking: Annotated[
        str | None, typer.Option("--tracking", "-t", help="Tracking number.", show_default=False)
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="When it was sent (default: today).")
    ] = None,
    notes: Annotated[
        str | None, typer.Option("--notes", help="Added to the contact log.", show_default=False)
    ] = None,
    feedback: Annotated[
        str | None,
        typer.Option(
            "--feedback",
            help="Record the buyer's feedback on their latest sample awaiting it "
            "(MODEL picks one).",
            show_default=False,
        ),
    ] = None,
    open_: Annotated[
        bool, typer.Option("--open", help="List the samples awaiting feedback.")
    ] = False,
    as_json: Json = False,
    dry_run: DryRun = False,
) -> None:
    """Record a sample sent (E-samples first; physical: free, freight collect), or its feedback.

    E-samples first: without --kind, a buyer who has had no e-sample of the model gets
    one (an e-sample answers their open inquiry, as a mail does); a physical sample
    before any e-sample asks first (warns when not on a terminal). A physical sample is
    free and the buyer pays the courier (freight collect) unless you say otherwise;
    --large makes it T/T in advance. The sample, the buyer's status and the contact are
    recorded in one change; `inq due` then reminds you to ask for feedback (after 10
    days for a physical sample, 3 for an e-sample; see Settings). `--open` lists every
    sample still awaiting feedback.

    Example: inq sample ahmed@gulflights.ae LED-PL-60 --courier DHL --tracking 1234567890
    """
    from inquiry_cli.errors import UsageError

    st = state(ctx)
    if open_:
        if who or model or feedback:
            raise UsageError("--open lists every sample awaiting feedback: give no buyer or model")
        _list_open(st, as_json)
        return
    if as_json:
        raise UsageError("--json goes with --open")
    if not who:
        raise UsageError("say who the sample is for: inq sample BUYER MODEL (or --open to list)")
    from inquiry_cli.cli.record import save
    from inquiry_cli.dates import parse_user_date
    from inquiry_cli.domain import recording
    from inquiry_cli.domain import samples as service
    from inquiry_cli.workbook import read

    when = parse_user_date(date, base=st.now) if date else st.now
    with st.writing(dry_run):
        book = read.read(st.workbook, reads.SAMPLE.sheets, headers_only=reads.SAMPLE.heads)
        match = recording.resolve_buyer(book.table("buyers"), who)
        buyer = match.buyer
        if feedback is not None:
            outcome = service.record_feedback(
                book, buyer, feedback, model_name=model, when=when, now=st.now
            )
        else:
            if not model:
                raise UsageError("say which model was sent: inq sample BUYER MODEL")
            new = service.NewSample(
                model=model,
                kind=kind,
                freight=freight,
                payment=payment,
                courier=courier,
                tracking=tracking,
                large=large,
                amount=amount,
                notes=notes,
            )
            from inquiry_cli.domain.linking import buyer_keys
            from inquiry_cli.workbook.mentions import add_rows_mentioning

            add_rows_mentioning(book, reads.SAMPLE.history, buyer_keys(buyer))
            model_name = service.check_model(book, model)
            new.kind, warning = service.kind_to_send(book, buyer, model_name, new)
            if warning is not None and not _physical_anyway(warning, dry_run):
                raise typer.Exit(1)
            outcome = service.record_sample(book, buyer, new, when=when, now=st.now)
            if warning is not None:
                outcome.warnings.append(warning)
        recording.say_taken(outcome, who, match)
        save(st, book, outcome, dry_run)


def interactive() -> bool:
    """A person at a terminal who can answer a question."""
    import sys

    return sys.stdin.isatty() and sys.stdout.isatty()


def _physical_anyway(warning: str, dry_run: bool) -> bool:
    """Ask once before a physical sample goes ahead of any e-sample; without a terminal
    (scripts, pipes) the warning is printed and the sample recorded."""
    if dry_run or not interactive():
        return True
    if typer.confirm(f"Note: {warning}. Send the physical sample anyway?", default=False):
        return True
    typer.echo("Not recorded.", err=True)
    return False


def _list_open(st, as_json: bool) -> None:
    from rich.table import Table

    from inquiry_cli.domain import samples as service
    from inquiry_cli.output.console import console
    from inquiry_cli.output.views import fmt_date
    from inquiry_cli.workbook import read

    book = read.read(st.workbook, reads.SAMPLES_OPEN.sheets)
    items = service.open_samples(book)
    today = st.now.date()
    if as_json:
        from inquiry_cli.output.json_output import print_json

        print_json(service.open_json(items, today))
        return
    out = console()
    if not items:
        out.print("No sample is awaiting feedback.", markup=False)
        return
    late = sum(1 for o in items if o.due < today)
    due_now = sum(1 for o in items if o.due <= today)
    n = len(items)
    out.print(
        f"{n} sample{'s' if n != 1 else ''} awaiting feedback; "
        f"{due_now} to chase today ({late} late)",
        markup=False,
    )
    table = Table(box=None, pad_edge=False, header_style="bold", expand=True)
    for name, right in (("Chase", False), ("Sent", False), ("Days", True), ("Gr", False)):
        table.add_column(
            name, no_wrap=True, justify="right" if right else "left", min_width=len(name)
        )
    table.add_column("Model", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Buyer", overflow="ellipsis", no_wrap=True, ratio=3)
    table.add_column("Via", overflow="ellipsis", no_wrap=True, ratio=2)
    for o in items:
        s = o.sample
        b = o.buyer
        who = b.label if b else f"{s.buyer_id or '?'} (not in Buyers)"
        how = "e-sample" if o.kind == "e-sample" else (s.courier or "physical")
        if s.tracking:
            how += f" {s.tracking}"
        if o.due < today:
            chase = f"{(today - o.due).days} d LATE"
        elif o.due == today:
            chase = "today"
        else:
            chase = f"{o.due:%m-%d}"
        if o.chased:
            chase += " (again)"
        table.add_row(
            chase,
            fmt_date(s.date),
            str(o.days_out(today)),
            (b.grade if b else None) or "-",
            s.model or "",
            s.status or "",
            who,
            how,
        )
    out.print(table)
