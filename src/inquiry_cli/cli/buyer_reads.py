"""Reads about one buyer: as little of the workbook as will answer for them.

`inq log anna@lichtwerk.de ...` needs one Buyers row, the Contacts header and Anna's open
inquiries, not 10,000 buyers and 20,000 inquiries. When WHO is a plain email, the
Buyers rows that mention it are read (mentions.py) and resolved exactly as the whole
sheet would be: a plain email query can only score as high as a phone match through
that very email, so if exactly one row has it, the whole sheet would name the same
buyer. In every other case (a name, a phone, no exact match, two) Buyers is read whole
and the command resolves WHO as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from inquiry_cli.contract.records import Workbook
from inquiry_cli.domain.linking import buyer_keys, buyer_names, names_buyers
from inquiry_cli.domain.matching import find, parse_query, sure
from inquiry_cli.domain.model import Buyer
from inquiry_cli.workbook import ON_READ, read
from inquiry_cli.workbook.mentions import add_rows_mentioning, load_mentioning


def read_for(
    path: Path, who: str, history: Sequence[str] = (), headers_only: Sequence[str] = ()
) -> tuple[Workbook, Buyer | None]:
    """(workbook, the buyer WHO names or None): Buyers (whole, or the rows naming WHO),
    the top rows of `headers_only`, and the buyer's rows of the `history` sheets once
    the buyer is known. With None the caller resolves WHO on the whole Buyers sheet.

    Takes the launcher's early read of exactly this when there is one (cli/reads.py).
    """
    from inquiry_cli.workbook import early

    args = (who, tuple(history), tuple(headers_only))
    taken = early.take(path, ("buyer", *args))
    found = taken if taken is not None else load_for(path, *args)
    for hook in ON_READ:
        hook(found[0])
    return found


def load_for(
    path: Path, who: str, history: tuple[str, ...], headers_only: tuple[str, ...]
) -> tuple[Workbook, Buyer | None]:
    """read_for without the early read (what the launcher's thread runs)."""
    query = parse_query(who)
    book, buyer = None, None
    if query.email and not query.text and not query.phone:
        book = load_mentioning(path, "buyers", [query.email], headers_only)
        if book is not None:
            exact = sure(find(book.table("buyers"), query))
            if len(exact) == 1:
                buyer = exact[0].buyer
            else:
                book = None  # nobody, or several: the whole sheet decides (and says why)
    if book is None:
        book = read.read(path, ("buyers",), headers_only)
    if buyer is not None and history:
        add_rows_mentioning(book, history, buyer_keys(buyer), buyer_names(buyer))
        if book.table("buyers").partial and any(names_buyers(book.get(k)) for k in history):
            # A log that names buyers by name links a row only to the one buyer with that
            # name: that takes every buyer.
            whole = read.load(path, ("buyers",))
            if whole.stamp and book.stamp and not whole.stamp.same_content(book.stamp):
                from inquiry_cli.errors import ConcurrentChange

                raise ConcurrentChange(
                    f"{path.name} changed on disk while inq was reading it (saved from "
                    "Excel?); run the command again"
                )
            book.tables["buyers"] = whole.tables["buyers"]
    return book, buyer
