"""`inq dedupe` and `inq merge`: buyers entered twice, found and merged into one."""

from typing import Annotated

import typer

from inquiry_cli.cli import reads
from inquiry_cli.cli.base import app
from inquiry_cli.cli.context import state
from inquiry_cli.cli.options import DryRun, Json


@app.command()
def dedupe(ctx: typer.Context, as_json: Json = False) -> None:
    """List buyers that look like one, with the evidence, to merge with `inq merge`.

    Same email (any case), same phone or fax (any format), same company email domain
    (free-mail domains such as gmail.com do not count), or company names equal once
    legal forms (Ltd, LLC, GmbH, 有限公司...) and word order are dropped. Changes nothing.

    Example: inq dedupe
    """
    from inquiry_cli.domain import dedupe as service
    from inquiry_cli.output.console import console
    from inquiry_cli.workbook import read

    st = state(ctx)
    book = read.read(st.workbook, reads.DEDUPE.sheets)
    groups = service.find_groups(book.table("buyers"))
    if as_json:
        from inquiry_cli.output.json_output import print_json

        print_json(service.groups_json(groups))
        return
    out = console()
    if not groups:
        out.print("No buyers look like one another.", markup=False)
        return
    n = len(groups)
    out.print(
        f"{n} group{'s' if n != 1 else ''} of buyers that look like one "
        "(merge with `inq merge KEEP OTHER`; `inq undo` undoes a merge):",
        markup=False,
    )
    for number, group in enumerate(groups, start=1):
        out.print("", markup=False)
        for i, b in enumerate(group.buyers):
            lead = f"{number}." if i == 0 else ""
            about = "  ".join(x for x in (b.email, b.phone, b.country) if x)
            out.print(f"{lead:<4}{b.key} {b.label}  {about}".rstrip(), markup=False)
        for why in group.evidence:
            out.print(f"    {why}", markup=False)
        for other in group.buyers[1:]:
            out.print(f"    merge: inq merge {group.keep.key} {other.key}", markup=False)


@app.command()
def merge(
    ctx: typer.Context,
    keep: Annotated[
        str,
        typer.Argument(
            help="The buyer to keep: anything `inq lookup` accepts.", show_default=False
        ),
    ],
    other: Annotated[
        str,
        typer.Argument(
            help="The buyer merged into it (their row stays, marked).", show_default=False
        ),
    ],
    dry_run: DryRun = False,
) -> None:
    """Merge a buyer entered twice into the one you keep.

    The other's inquiries, contacts, quotes, samples and grade history are linked to the
    kept buyer; the kept buyer's blank cells are filled from the other's (the earlier
    First contact, the later Last contact, both product lists); the other's row is marked
    "Merged into" the kept one, never deleted, and every command skips it from then on.
    `inq undo` undoes it.

    Example: inq merge B0003 B0017
    """
    from inquiry_cli.cli.record import save
    from inquiry_cli.domain import dedupe as service
    from inquiry_cli.domain.recording import resolve_buyer, say_taken
    from inquiry_cli.workbook import read

    st = state(ctx)
    with st.writing(dry_run):
        book = read.read(st.workbook, reads.MERGE.sheets)
        buyers = book.table("buyers")
        kept = resolve_buyer(buyers, keep)
        merged = resolve_buyer(buyers, other)
        outcome = service.merge(book, kept.buyer, merged.buyer)
        say_taken(outcome, other, merged)
        say_taken(outcome, keep, kept)
        save(st, book, outcome, dry_run)
