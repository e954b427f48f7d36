"""`inq grade`: grade inquiries A/B/C/D, one by one or directly, with suggested grades."""

from typing import Annotated

import typer

from inquiry_cli.cli import reads
from inquiry_cli.cli.base import app
from inquiry_cli.cli.context import state
from inquiry_cli.cli.options import DryRun, Json
from inquiry_cli.cli.record import save
from inquiry_cli.output.terminal import echo


@app.command()
def grade(
    ctx: typer.Context,
    who: Annotated[
        str | None,
        typer.Argument(
            help="A buyer (anything `inq lookup` accepts) or an Inquiry ID.", show_default=False
        ),
    ] = None,
    letter: Annotated[
        str | None, typer.Argument(help="The grade: A, B, C or D.", show_default=False)
    ] = None,
    why: Annotated[
        str | None, typer.Option("--why", help="Why this grade (kept in history).")
    ] = None,
    suggest_only: Annotated[
        bool, typer.Option("--suggest", help="Show suggested grades for all ungraded inquiries.")
    ] = False,
    as_json: Json = False,
    dry_run: DryRun = False,
) -> None:
    """Grade inquiries A/B/C/D: A clear intent, B hesitant, C long-term, D unclear.

    Without arguments, walks the ungraded inquiries oldest first and suggests a grade
    with its reasons: Enter accepts, A/B/C/D sets, s skips, q quits. Each answer is
    written at once. Every change of grade is kept, dated, in the Grade history sheet.

    Example: inq grade ahmed@gulflights.ae A --why "ordered samples, 2000 pcs in Q1"
    """
    from inquiry_cli.domain import recording
    from inquiry_cli.errors import UsageError
    from inquiry_cli.workbook import read

    st = state(ctx)
    if suggest_only:
        if who or letter:
            raise UsageError("--suggest takes no buyer or grade")
        _print_suggestions(
            recording.ungraded(read.read(st.workbook, reads.GRADE_SUGGEST.sheets)), as_json
        )
        return
    if as_json:
        raise UsageError("--json goes with --suggest")
    if who is None:
        _walk(st, dry_run)
        return
    if letter is None:
        raise UsageError(f"give the grade too: inq grade {who} A|B|C|D")
    value = recording.parse_grade(letter)
    with st.writing(dry_run):
        book = read.read(st.workbook, reads.GRADE.sheets, headers_only=reads.GRADE.heads)
        target = recording.resolve_grade_target(book, who)
        outcome = recording.set_grade(book, target, value, why=why, now=st.now)
        save(st, book, outcome, dry_run)


def _print_suggestions(items, as_json: bool) -> None:
    from inquiry_cli.output.console import console
    from inquiry_cli.output.json_output import print_json
    from inquiry_cli.output.views import fmt_date

    if as_json:
        print_json(
            [
                {
                    "inquiry_id": u.inquiry.inquiry_id,
                    "row": u.inquiry.row,
                    "received": u.inquiry.received,
                    "buyer_id": u.buyer.buyer_id if u.buyer else None,
                    "email": (u.buyer.email if u.buyer else None) or u.inquiry.email,
                    "product": u.inquiry.product,
                    "suggested": u.suggestion.grade,
                    "score": u.suggestion.score,
                    "reasons": u.suggestion.reasons,
                }
                for u in items
            ]
        )
        return
    out = console()
    if not items:
        out.print("No ungraded inquiries.")
        return
    for u in items:
        ident = u.inquiry.inquiry_id or f"row {u.inquiry.row}"
        who = u.buyer.label if u.buyer else (u.inquiry.email or "unknown sender")
        out.print(
            f"{ident}  {fmt_date(u.inquiry.received, True)}  {who}  → suggest {u.suggestion.grade}",
            markup=False,
        )
        out.print("    " + "; ".join(u.suggestion.reasons), markup=False)


def _walk(st, dry_run: bool) -> None:
    """The interactive round: one inquiry at a time, each answer saved at once."""
    from inquiry_cli.domain import recording
    from inquiry_cli.output.console import console
    from inquiry_cli.workbook import read

    out = console()
    book = read.read(st.workbook, reads.GRADE.sheets, headers_only=reads.GRADE.heads)
    items = recording.ungraded(book)
    if not items:
        out.print("No ungraded inquiries.")
        return
    graded = 0
    for n, item in enumerate(items, start=1):
        _show(item, n, len(items))
        answer = _ask(item.suggestion.grade)
        if answer == "q":
            break
        if answer == "s":
            continue
        with st.writing(dry_run):
            book = read.read(
                st.workbook, reads.GRADE.sheets, headers_only=reads.GRADE.heads
            )  # fresh after a write
            target = recording.target_for_row(book, item.inquiry.row)
            outcome = recording.set_grade(
                book, target, answer, why=_why(item.suggestion, answer), now=st.now
            )
            save(st, book, outcome, dry_run)
        graded += 1
    out.print(
        f"Graded {graded} of {len(items)} ungraded inquir{'y' if len(items) == 1 else 'ies'}."
    )


def _why(suggestion, answer: str) -> str:
    """The reasons the round showed, kept in Grade history; a grade other than the
    suggested one says so."""
    why = "; ".join(suggestion.reasons)
    if answer != suggestion.grade:
        why += f" (suggested {suggestion.grade}, graded {answer})"
    return why


def _ask(suggested: str) -> str:
    """Read one answer: Enter = the suggestion, A-D, s, q. Re-asks on anything else."""
    from inquiry_cli.domain.recording import parse_grade
    from inquiry_cli.errors import UsageError

    while True:
        try:
            raw = typer.prompt(
                f"Grade [Enter={suggested}, A/B/C/D, s=skip, q=quit]",
                default="",
                show_default=False,
            ).strip()
        except typer.Abort:  # Ctrl-D (end of input) or Ctrl-C at the prompt: as q
            typer.echo("")  # end the prompt's line
            return "q"
        if not raw:
            return suggested
        if raw.lower() in ("s", "q"):
            return raw.lower()
        try:
            return parse_grade(raw)
        except UsageError as exc:
            echo(str(exc), err=True)


def _show(item, n: int, total: int) -> None:
    from inquiry_cli.output.console import console
    from inquiry_cli.output.views import fmt_date, fmt_qty

    out = console()
    inq = item.inquiry
    ident = inq.inquiry_id or f"row {inq.row}"
    out.print(
        f"\n[{n}/{total}] Inquiry {ident}, received {fmt_date(inq.received, True)} "
        f"by {inq.channel or '?'}",
        markup=False,
    )
    if item.buyer:
        b = item.buyer
        place = ", ".join(x for x in (b.city, b.country) if x)
        out.print(f"  From: {b.label} <{b.email or '-'}> {place}".rstrip(), markup=False)
        if item.earlier:
            out.print(
                f"  {item.earlier} earlier inquir{'y' if item.earlier == 1 else 'ies'}",
                markup=False,
            )
    else:
        out.print(f"  From: {inq.email or 'unknown sender'} (not in Buyers)", markup=False)
    what = " ".join(
        x for x in (inq.product, fmt_qty(inq.quantity) and f"× {fmt_qty(inq.quantity)}") if x
    )
    if what:
        out.print(f"  Product: {what}", markup=False)
    if inq.target_price:
        out.print(f"  Target price: {inq.target_price}", markup=False)
    if inq.message:
        out.print("  " + inq.message.strip().replace("\n", "\n  "), markup=False)
    s = item.suggestion
    out.print(f"  Suggested grade: {s.grade}", markup=False)
    for reason in s.reasons:
        out.print(f"    {reason}", markup=False)
