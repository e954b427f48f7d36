"""`inq quote --buyer`: record a quote: Quotes rows, the Quote No on the inquiry, the contact."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inquiry_cli.contract.changes import ChangeSet
from inquiry_cli.contract.records import Workbook
from inquiry_cli.domain import model
from inquiry_cli.domain.channels import channel_of
from inquiry_cli.domain.linking import link_names
from inquiry_cli.domain.recording.common import Outcome, append_row, set_cell
from inquiry_cli.domain.recording.contacts import log_contact


def record_quote(
    book: Workbook,
    draft: Any,  # quote.QuoteDraft
    *,
    file: str | None,
    channel_name: str | None,
    now: dt.datetime,
) -> Outcome:
    """Quotes rows, the Quote No on the buyer's open inquiry, and the contact: one change."""
    from inquiry_cli.domain.pricing import format_money

    buyer = draft.buyer
    changes = ChangeSet()
    out = Outcome(changes, buyer=buyer)
    for line in draft.lines:
        append_row(
            book,
            "quotes",
            {
                "quote_no": draft.number,
                "date": dt.datetime.combine(draft.date, dt.time()),
                "buyer_id": model.buyer_ref(book.get("quotes"), buyer),
                "region": draft.region.name,
                "model": line.model,
                "quantity": line.qty,
                "unit_price": line.unit_price,
                "currency": draft.currency,
                "incoterm": draft.incoterm,
                "valid_until": dt.datetime.combine(draft.valid_until, dt.time()),
                "file": file,
            },
            changes,
            out,
        )
    out.ids["quote_no"] = draft.number
    inquiries = book.get("inquiries")
    link_names(book)
    mine = model.load(inquiries, model.Inquiry, model.rows_of(inquiries, buyer))
    quoted_models = {line.model.upper() for line in draft.lines}
    candidates = [i for i in mine if i.is_open and not i.quote_no]
    candidates.sort(
        key=lambda i: ((i.product or "").upper() in quoted_models, i.received or dt.datetime.min)
    )
    if candidates and inquiries is not None:
        target = candidates[-1]
        if spot := set_cell(inquiries, target.row, "quote_no", draft.number, changes, out):
            out.tell(
                f"Inquiry {target.inquiry_id or f'row {target.row}'} gets quote {draft.number}",
                spot,
            )
            if model.moves_forward(target.status, "Quoted") and inquiries.writable("status"):
                changes.set(inquiries.name, target.row, inquiries.col("status"), "Quoted")
    items = ", ".join(f"{line.model} x {line.qty:,}" for line in draft.lines)
    total = format_money(draft.total, draft.currency)
    chan = channel_name or next(
        (
            channel_of(i.channel)
            for i in reversed(candidates or mine)
            if channel_of(i.channel) in ("alibaba", "email", "fax")
        ),
        "email",
    )
    logged = log_contact(
        book,
        buyer.key,
        channel_name=chan,
        summary=f"Sent quote {draft.number}: {items} ({total} {draft.incoterm})",
        direction="out",
        when=now,
        next_step="Follow up on the quote",
        now=now,
        changes=changes,
        buyer=buyer,
    )
    out.lines += logged.lines
    out.warnings += logged.warnings
    buyers = book.table("buyers")
    if model.moves_forward(buyer.status, "Quoted") and buyers.writable("status"):
        changes.set(buyers.name, buyer.row, buyers.col("status"), "Quoted")
    return out
