"""`inq inquiry`: record an inquiry; a new sender is added in the same change."""

from __future__ import annotations

import datetime as dt

from inquiry_cli.contract.changes import CellValue, ChangeSet
from inquiry_cli.contract.records import Table, Workbook
from inquiry_cli.domain import model
from inquiry_cli.domain.channels import INQUIRY_CHANNELS
from inquiry_cli.domain.matching import Match, Query, find, parse_query, sure
from inquiry_cli.domain.recording.buyers import NewBuyer, add_buyer, fill_from_query
from inquiry_cli.domain.recording.common import (
    Outcome,
    advance_last_contact,
    append_row,
    channel,
    new_sheet_ids,
    pending,
    resolve_buyer,
    set_cell,
    taken_as,
)
from inquiry_cli.domain.recording.inquiry_rows import add_inquiry_row, one_sheet
from inquiry_cli.domain.recording.numbering import id_value, next_id, raw_column
from inquiry_cli.errors import UsageError


def record_inquiry(
    book: Workbook,
    who: str | None,
    new: NewBuyer,
    *,
    channel_name: str,
    received: dt.datetime,
    product: str | None,
    quantity: float | None,
    target_price: str | None,
    message: str | None,
    now: dt.datetime,
    buyer: model.Buyer | None = None,
    changes: ChangeSet | None = None,
    message_id: str | None = None,
) -> Outcome:
    """An inquiry row for a known buyer, or for a new sender added in the same change.

    `buyer` skips the lookup (intake looked the sender up); `changes` adds to a change set
    of several records.
    """
    if received > now + dt.timedelta(minutes=5):
        raise UsageError(f"{received:%Y-%m-%d %H:%M} is in the future: use the time it arrived")
    chan = channel(channel_name, INQUIRY_CHANNELS)
    buyers = book.table("buyers")
    changes = changes if changes is not None else ChangeSet()
    out = Outcome(changes)
    taken = None
    if who and buyer is None:
        matches = find(buyers, parse_query(who))
        if matches and new.email:
            buyer = _by_email(buyers, who, new.email, matches)
            if buyer is None:
                fill_from_query(new, parse_query(who))  # (WHO as the name, if none)
        elif matches:
            match = resolve_buyer(buyers, who)
            buyer, taken = match.buyer, taken_as(who, match)
        else:
            fill_from_query(new, parse_query(who))
    rows_of_one_sheet = one_sheet(book)  # (one row per inquiry: the buyer on each)
    if buyer is None:
        if new.is_empty():
            raise UsageError("say who sent it: --buyer WHO, or --name/--email for a new sender")
        if new.products is None and product and not rows_of_one_sheet:
            new.products = product
        added = add_buyer(book, new, received, changes=changes)  # first contact: this one
        out.lines += added.lines
        out.warnings += added.warnings
        buyer = added.buyer
    assert buyer is not None
    out.buyer = buyer
    if taken:
        out.taken.append(taken)
    inquiries = book.get("inquiries")
    existing_ids = (
        inquiries.values("inquiry_id") + pending(changes, inquiries, "inquiry_id")
        if inquiries is not None and inquiries.has("inquiry_id")
        else new_sheet_ids(changes, "inquiries", "inquiry_id")
    )
    has_ids = inquiries is None or inquiries.has("inquiry_id")  # a new sheet gets IDs
    inquiry_id = next_id(existing_ids, "I") if has_ids else None
    raw_ids = raw_column(inquiries, "inquiry_id") if inquiries is not None else []
    values: dict[str, CellValue] = {
        "inquiry_id": id_value(inquiry_id, raw_ids) if inquiry_id else None,
        "received": received,
        "channel": chan,
        "buyer_id": buyer.buyer_id,
        "email": buyer.email,
        "product": product,
        "quantity": quantity,
        "target_price": target_price,
        "message": message.strip() if message else None,
        "status": "Open",
        "message_id": message_id,
    }
    if rows_of_one_sheet:
        add_inquiry_row(book, buyer, values, changes, out)  # (a new buyer's row is this)
    else:
        append_row(book, "inquiries", values, changes, out)
    if inquiry_id:
        out.ids["inquiry_id"] = inquiry_id
    what = f" about {product}" if product else ""
    label = f"inquiry {inquiry_id}" if inquiry_id else "an inquiry"
    out.lines.append(
        f"Recorded {label} from {buyer.key} {buyer.label}{what} "
        f"({chan}, received {received:%Y-%m-%d %H:%M})"
    )
    step = esample_step(book, buyer, product)
    if step:
        out.lines.append(f"Next: with your reply, {step}")
    if 0 < buyer.row <= buyers.last_row and not rows_of_one_sheet:  # (history stays)
        if product and product not in buyer.product_list and buyers.has("products"):
            joined = ", ".join([*buyer.product_list, product])
            set_cell(buyers, buyer.row, "products", joined, changes, out)
        advance_last_contact(buyers, buyer, received, changes, out)
    return out


def _by_email(buyers: Table, who: str, email: str, matches: list[Match]) -> model.Buyer | None:
    """The sender of `--buyer WHO --email EMAIL`: the buyer with that email, or None (a
    new one, added with the particulars given). WHO only guesses (a name like theirs):
    the email says who. A WHO that names one buyer for certain (their email, Buyer ID or
    phone) with another email is refused."""
    email = email.strip().lower()
    named = sure(matches)
    if len(named) == 1 and (named[0].buyer.email or "").lower() != email:
        b = named[0].buyer
        raise UsageError(
            f"--buyer {who!r} is {b.key} {b.label}, but --email says {email}: "
            "give the one that is right"
        )
    same = sure(find(buyers, Query(raw=email, email=email)))
    return same[0].buyer if same else None


def esample_step(book: Workbook, buyer: model.Buyer, product: str | None) -> str | None:
    """E-samples first (docs/routine.md §5): an inquiry about a product with an e-catalog
    link, from a buyer who has had no sample of it, calls for the e-sample."""
    products = book.get("products")
    if not product or products is None or not products.has("catalog_link"):
        return None
    wanted = product.strip().upper()
    link = next(
        (
            str(c).strip()
            for m, c in zip(products.values("model"), products.values("catalog_link"), strict=True)
            if m and c and m.strip().upper() == wanted
        ),
        None,
    )
    if not link:
        return None
    samples = book.get("samples")
    if samples is not None and samples.has("model"):
        mine = {k.lower() for k in (buyer.buyer_id, buyer.email) if k}
        for who, m in zip(samples.keys("buyer_id"), samples.values("model"), strict=True):
            if who and who.lower() in mine and m and m.strip().upper() == wanted:
                return None
    model_name = product.strip()
    return f"send the e-sample of {model_name} ({link}): inq sample {buyer.key} {model_name}"
