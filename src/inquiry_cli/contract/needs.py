"""The columns the everyday rules read first, named once: the rule loads its records with
them, and the launcher's read converts them on its reading threads as each sheet arrives
(while python-calamine, which does not hold the GIL, parses the next one)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from inquiry_cli.contract import schema

# The due list's (domain/due.py): the rest, like long messages and notes, stay unread.
DUE_BUYER = (
    "buyer_id", "name", "company", "email", "phone", "fax", "country", "city", "grade",
    "products", "first_contact", "last_contact", "next_follow_up", "status", "notes",
    "preferred_channel",
)  # fmt: skip
DUE_INQUIRY = (
    "inquiry_id",
    "received",
    "channel",
    "buyer_id",
    "email",
    "client",  # a log that names its sender: the name shows while they are no buyer yet
    "company",
    "product",
    "replied",
    "status",
)
DUE_QUOTE = ("quote_no", "date", "buyer_id", "model", "valid_until")
# What a last contact is shown and ranked by (who it was with is the key it is found by:
# a 50k log's emails are not converted again). linking.last_contacts, for due.
LAST_CONTACT = ("date", "channel", "direction", "summary", "next_step")
# `inq stats`'s (domain/stats.py): the facets counted, the dates, the reply clock.
STATS_BUYER = (
    "buyer_id", "email", "country", "region", "nature", "source", "strength", "grade",
    "products", "first_contact", "last_contact",
)  # fmt: skip
STATS_INQUIRY = ("received", "channel", "buyer_id", "email", "product", "replied", "status")


@dataclass(frozen=True)
class Columns:
    """Per contract sheet: fields converted to their kind (Table.values), and fields
    taken as lookup keys (Table.keys: a log's Buyer IDs and emails, linked by equality)."""

    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


DUE = Columns(
    values={
        "buyers": DUE_BUYER,
        "inquiries": DUE_INQUIRY,
        "contacts": ("date",),
        "quotes": DUE_QUOTE,
    },
    keys={"contacts": ("buyer_id", "email", "direction"), "inquiries": ("quote_no",)},
)
# `inq grade --suggest`'s (domain/recording/grades.py, domain/grading.py): the rules'
# inputs, the sender's row, and what the list and the walk through it show.
SUGGEST_INQUIRY = (
    "inquiry_id", "received", "channel", "buyer_id", "email", "product", "quantity",
    "target_price", "message", "grade", "status", "client", "company",
)  # fmt: skip
SUGGEST_BUYER = ("buyer_id", "name", "company", "email", "phone", "fax", "city", "country")
# (On the reading threads only what every row needs: the ungraded rows' own fields are
# converted for them alone, a few thousand of 100,000 rows once most are graded.)
SUGGEST = Columns(
    values={"inquiries": ("grade", "received", "buyer_id", "email"), "buyers": SUGGEST_BUYER}
)
# `inq trip`'s: each log's rows are picked by the buyers in the place (linking._load).
TRIP = Columns(
    keys={k: ("buyer_id", "email") for k in ("inquiries", "contacts", "quotes", "samples")}
)
STATS = Columns(
    values={"buyers": STATS_BUYER, "inquiries": STATS_INQUIRY, "products": ("model", "name")}
)


@dataclass(frozen=True)
class Kept:
    """What a command needs of a long sheet's rows, so the reader keeps no more of them.

    With `latest` (a date field), only each group's latest row by it: rows alike in every
    `group` field (as typed) are one group, and a row with a date only its column can
    read (text, a bare number) is always kept. With `fields`, only these fields' cells
    (each other cell that holds something is blanked to workbook.shaping.ELIDED). The
    top rows (the header and the rows it is weighed by) and the last rows (a sum row, a
    footer) are kept whole. A table so read is partial: never for counting or writing.
    """

    sheet: str
    latest: str | None = None
    group: tuple[str, ...] = ()
    fields: tuple[str, ...] | None = None


# Who a log row is about, as linking reads it (by ID or email, else by the names it gives).
_WHO = ("buyer_id", "email", "client", "company")

# The due list's: of the contact log, each buyer's latest contact and latest incoming one
# (linking.last_contacts); of the inquiry log, its columns due reads.
DUE_ROWS = (
    Kept("contacts", latest="date", group=(*_WHO, "direction")),
    Kept("inquiries", fields=tuple(dict.fromkeys((*DUE_INQUIRY, *_WHO, "quote_no")))),
)


# The kinds of column whose values `inq check` validates (the kinds that can be wrong).
CHECKED_KINDS = frozenset(
    {
        schema.EMAIL,
        schema.GRADE,
        schema.DATE,
        schema.DATETIME,
        schema.INT,
        schema.NUMBER,
        schema.REPLY,
    }
)

# `inq check`'s: every such column of every record sheet (domain/check.py).
CHECK = Columns(
    values={
        spec.key: tuple(c.key for c in spec.columns if c.kind in CHECKED_KINDS)
        for spec in schema.SHEETS
        if not spec.key_value
    }
)
