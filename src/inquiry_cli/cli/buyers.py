"""`inq lookup`: look a sender up before replying."""

from typing import Annotated

import typer

from inquiry_cli.cli import reads
from inquiry_cli.cli.base import app
from inquiry_cli.cli.context import state
from inquiry_cli.cli.options import Json


@app.command()
def lookup(
    ctx: typer.Context,
    query: Annotated[
        str,
        typer.Argument(
            help="An email (any case, 'Name <a@b.com>', mailto:), a phone or fax number, "
            "a person's or company's name, a domain or a website URL.",
            show_default=False,
        ),
    ],
    as_json: Json = False,
) -> None:
    """Look a sender up before replying: who they are, what they asked, how far it got.

    Shows the best match as a card (particulars, grade, inquiries, last contacts, quotes,
    samples, next follow-up and the suggested next step); several close matches are
    listed. Exits 1 when nobody matches, with the `inq add` command to record them.

    Example: inq lookup buyer@example.com
    """
    from inquiry_cli.cli import lookup_index
    from inquiry_cli.domain import lookup as service
    from inquiry_cli.domain.matching import best, find, no_buyer_on_row, parse_query
    from inquiry_cli.errors import UsageError

    if not query.strip():
        raise UsageError("give something to look up: an email, a phone number or a name")
    st = state(ctx)
    parsed = parse_query(query)
    book = None
    found = lookup_index.answer(st.workbook, parsed, st.now)
    if found is not None:  # a repeat lookup on an unchanged workbook: from its index
        matches, top, card = found
    else:
        from inquiry_cli.workbook import read

        book = read.read(st.workbook, reads.LOOKUP.sheets)
        matches = find(book.table("buyers"), parsed)
        top = best(matches)
        card = None
        if top is not None:  # the card needs this buyer's rows of the other sheets, no more
            from inquiry_cli.domain.linking import buyer_keys, buyer_names
            from inquiry_cli.workbook.mentions import add_rows_mentioning

            keys, names = buyer_keys(top.buyer), buyer_names(top.buyer)
            add_rows_mentioning(book, reads.LOOKUP.history, keys, names)
            card = service.build_card(book, top, st.now)
    nobody = None
    if not matches and parsed.row is not None:  # a row reference: nobody to add
        from inquiry_cli.workbook import read

        sheet = book if book is not None else read.read(st.workbook, ("buyers",))
        nobody = no_buyer_on_row(sheet.table("buyers"), parsed.row)
    try:
        _show(query, parsed, matches, top, card, as_json, nobody)
    finally:
        if book is not None:  # (after the answer: the next lookup gets it from the index)
            lookup_index.after_read(st.workbook, book)


def _show(query: str, parsed, matches: list, top, card, as_json: bool, nobody) -> None:
    from inquiry_cli.domain import lookup as service
    from inquiry_cli.errors import NotFound
    from inquiry_cli.output import views

    if not matches:
        if as_json:  # scripts get JSON on stdout even when nobody matches
            from inquiry_cli.output.json_output import print_json

            print_json({"query": query, "matches": [], "card": None})
        if nobody is not None:  # a row reference: nobody to add
            raise NotFound(nobody)
        raise NotFound(f"no buyer matches {query!r}; to add them: {add_command(parsed)}")
    if as_json:
        from inquiry_cli.output.json_output import print_json

        print_json(
            {
                "query": query,
                "matches": [views.match_json(m) for m in matches],
                "card": service.card_json(card) if card is not None else None,
            }
        )
        return
    if top is None:
        views.print_matches(query, matches)
        return
    views.print_card(card)
    others = [m for m in matches if m is not top]
    if others:
        views.print_matches(query, others, title="Other matches")


def add_command(parsed) -> str:
    """The exact `inq add` command for a sender nobody matched, with what was typed."""
    import shlex

    parts = ["inq", "add"]
    # The typed name, or the display name of 'John Doe <john@acme.com>' (not a bare domain).
    name = parsed.text if parsed.text and (parsed.email or not parsed.domain) else None
    if name and sum(ch.isdigit() for ch in name) >= len(name.replace(" ", "")) - 1:
        parsed.phone, name = name, None  # a short number typed: offer it as the phone
    parts += ["--name", shlex.quote(name) if name else "NAME"]
    parts += ["--company", "COMPANY"]
    if parsed.email:
        parts += ["--email", shlex.quote(parsed.email)]
    elif parsed.domain:
        parts += ["--email", f"NAME@{parsed.domain}"]
    else:
        parts += ["--email", "EMAIL"]
    if parsed.phone:
        parts += ["--phone", shlex.quote(parsed.phone)]
    return " ".join(parts)
