"""`inq add`, `inq inquiry`, `inq log`: record buyers, inquiries and contacts."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from inquiry_cli.cli import reads
from inquiry_cli.cli.base import app
from inquiry_cli.cli.context import AppState, state
from inquiry_cli.cli.options import DryRun
from inquiry_cli.output.terminal import echo

Name = Annotated[str | None, typer.Option("--name", help="The person's name.")]
Company = Annotated[str | None, typer.Option("--company", help="Company name.")]
Email = Annotated[str | None, typer.Option("--email", help="Email address.")]
Phone = Annotated[str | None, typer.Option("--phone", help="Phone, any format.")]
Fax = Annotated[str | None, typer.Option("--fax", help="Fax number.")]
Country = Annotated[str | None, typer.Option("--country", help="Country (name, 中文 or ISO).")]
City = Annotated[str | None, typer.Option("--city", help="City.")]
Source = Annotated[
    str | None,
    typer.Option("--source", help="Alibaba, Trade show, Old customer, Website, Referral..."),
]
Nature = Annotated[
    str | None, typer.Option("--nature", help="Importer, Wholesaler, Retailer, Distributor...")
]
Products = Annotated[str | None, typer.Option("--products", help="Products of interest.")]
Notes = Annotated[str | None, typer.Option("--notes", help="Notes.")]


def save(st: AppState, book, outcome, dry_run: bool) -> None:
    """Hand the change set to the safe write path (or just describe it) and report.

    Cells that hold a formula are left as they are (the write path keeps them); what
    would have set them is not said, and each kept formula is."""
    from inquiry_cli.output.views import print_outcome
    from inquiry_cli.workbook.write import formulas_kept

    kept = {}
    if dry_run or outcome.rows_upon:  # (rows that record a change: asked first)
        kept = formulas_kept(st.workbook, outcome.changes)
        outcome.forget_kept(kept)
    written = not dry_run and not outcome.changes.is_empty()
    if written:
        from inquiry_cli.workbook.write import apply

        outcome.changes.command = st.command
        result = apply(st.workbook, outcome.changes, stamp=book.stamp)
        for note in result.notes:
            echo(f"Note: {note}", err=True)
        kept = {**kept, **result.kept}
        outcome.forget_kept(result.kept)
    print_outcome(outcome, dry_run=dry_run, book=book, kept=kept)
    if written:  # today's due lists, of the workbook as it is now
        from inquiry_cli.cli import due_digest

        due_digest.after_write(st.workbook, st.now)


@app.command()
def add(
    ctx: typer.Context,
    name: Name = None,
    company: Company = None,
    email: Email = None,
    phone: Phone = None,
    fax: Fax = None,
    country: Country = None,
    city: City = None,
    source: Source = None,
    nature: Nature = None,
    products: Products = None,
    notes: Notes = None,
    force: Annotated[
        bool, typer.Option("--force", help="Add even if the email/phone/domain is known.")
    ] = False,
    dry_run: DryRun = False,
) -> None:
    """Add a buyer, after checking they are not in the workbook already (查重).

    A known email, phone or company domain refuses and shows who it is (--force adds
    anyway); a similar name only warns. Assigns the next Buyer ID and sets First contact.

    Example: inq add --name "Ahmed Ali" --company "Gulf Lights LLC" --email ahmed@gulflights.ae
    """
    from inquiry_cli.domain import recording
    from inquiry_cli.workbook import read

    st = state(ctx)
    with st.writing(dry_run):
        book = read.read(st.workbook, reads.ADD.sheets)
        new = recording.NewBuyer(
            name, company, email, phone, fax, country, city, source, nature, products, notes
        )
        outcome = recording.add_buyer(book, new, st.now, force=force)
        save(st, book, outcome, dry_run)


@app.command()
def inquiry(
    ctx: typer.Context,
    channel: Annotated[
        str,
        typer.Option(
            "--channel",
            "-c",
            help="alibaba, email, tel, fax, whatsapp, wechat, trade-show, website...",
            show_default=False,
        ),
    ],
    buyer: Annotated[
        str | None,
        typer.Option("--buyer", "-b", help="Who sent it: anything `inq lookup` accepts."),
    ] = None,
    at: Annotated[str | None, typer.Option("--at", help="When it arrived (default: now).")] = None,
    product: Annotated[
        str | None, typer.Option("--product", "-p", help="Model asked about.")
    ] = None,
    qty: Annotated[str | None, typer.Option("--qty", help="Quantity asked for.")] = None,
    target_price: Annotated[
        str | None, typer.Option("--target-price", help="The buyer's target price.")
    ] = None,
    message: Annotated[str | None, typer.Option("--message", "-m", help="The message.")] = None,
    message_file: Annotated[
        Path | None,
        typer.Option("--message-file", help="Read the message from a file ('-' for stdin)."),
    ] = None,
    stdin: Annotated[
        str | None, typer.Argument(help="'-' reads the message from stdin.", show_default=False)
    ] = None,
    name: Name = None,
    company: Company = None,
    email: Email = None,
    phone: Phone = None,
    fax: Fax = None,
    country: Country = None,
    city: City = None,
    source: Source = None,
    nature: Nature = None,
    products: Products = None,
    notes: Notes = None,
    dry_run: DryRun = False,
) -> None:
    """Record an inquiry; a new sender is added as a buyer in the same change.

    Example: inq inquiry -b ahmed@gulflights.ae -c alibaba -p LED-PL-60 --qty 1000 -m "Price?"
    """
    from inquiry_cli.dates import parse_user_date
    from inquiry_cli.domain import recording
    from inquiry_cli.workbook import read

    st = state(ctx)
    text = _message(message, message_file, stdin)
    quantity = recording.parse_quantity(qty) if qty is not None else None
    received = parse_user_date(at, base=st.now) if at else st.now
    with st.writing(dry_run):
        book = read.read(st.workbook, reads.INQUIRY.sheets)
        new = recording.NewBuyer(
            name, company, email, phone, fax, country, city, source, nature, products, notes
        )
        outcome = recording.record_inquiry(
            book,
            buyer,
            new,
            channel_name=channel,
            received=received,
            product=product,
            quantity=quantity,
            target_price=target_price,
            message=text,
            now=st.now,
        )
        save(st, book, outcome, dry_run)


def _message(message: str | None, message_file: Path | None, stdin: str | None) -> str | None:
    from inquiry_cli.errors import UsageError

    if stdin not in (None, "-"):
        raise UsageError(f"unexpected argument {stdin!r}: use --message TEXT or '-' for stdin")
    given = [x for x in (message, message_file, stdin) if x is not None]
    if len(given) > 1:
        raise UsageError("give the message one way: --message, --message-file or '-'")
    if stdin == "-" or str(message_file) == "-":
        return sys.stdin.read()
    if message_file is not None:
        try:
            data = message_file.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {message_file}: {exc.strerror or exc}") from None
        for encoding in ("utf-8-sig", "gb18030"):  # gb18030: Chinese Windows' own files
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise UsageError(f"cannot read {message_file}: neither UTF-8 nor GBK text")
    return message


@app.command()
def log(
    ctx: typer.Context,
    who: Annotated[
        str,
        typer.Argument(help="The buyer: anything `inq lookup` accepts.", show_default=False),
    ],
    channel: Annotated[
        str,
        typer.Option(
            "--channel", "-c", help="email, tel, fax, post, alibaba, meeting...", show_default=False
        ),
    ],
    summary: Annotated[
        str, typer.Option("--summary", "-s", help="What was said.", show_default=False)
    ],
    incoming: Annotated[
        bool, typer.Option("--in/--out", help="They contacted us (--in) or we them (--out).")
    ] = False,
    next_step: Annotated[str | None, typer.Option("--next", help="The agreed next step.")] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="When (default: now); never in the future.")
    ] = None,
    dry_run: DryRun = False,
) -> None:
    """Record a contact: updates Last contact, and an outgoing reply marks open inquiries replied.

    Example: inq log ahmed@gulflights.ae --channel tel --summary "Discussed 2000 pcs, wants CIF"
    """
    from inquiry_cli.cli.buyer_reads import read_for
    from inquiry_cli.dates import parse_user_date
    from inquiry_cli.domain import recording

    st = state(ctx)
    when = parse_user_date(date, base=st.now) if date else st.now
    with st.writing(dry_run):
        # Contacts is only appended to: its header is enough (fast on a long log). Only an
        # outgoing contact can answer an inquiry, so only then are this buyer's Inquiries
        # rows read (the checks come first, so a bad summary is reported before the buyer).
        what = reads.log_buyer_read(who, incoming)
        history = what.history
        match = None
        book, buyer = read_for(st.workbook, who, history, headers_only=what.heads)
        if not incoming and buyer is None:
            from inquiry_cli.domain.linking import buyer_keys, buyer_names
            from inquiry_cli.workbook.mentions import add_rows_mentioning

            recording.check_contact(channel, summary, when, st.now)
            match = recording.resolve_buyer(book.table("buyers"), who)
            buyer = match.buyer
            add_rows_mentioning(book, history, buyer_keys(buyer), buyer_names(buyer))
        outcome = recording.log_contact(
            book,
            who,
            channel_name=channel,
            summary=summary,
            direction="in" if incoming else "out",
            when=when,
            next_step=next_step,
            now=st.now,
            buyer=buyer,
        )
        if match is not None:
            recording.say_taken(outcome, who, match)
        save(st, book, outcome, dry_run)
