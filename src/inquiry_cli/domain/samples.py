"""Samples (docs/routine.md §5): record one sent, list those awaiting feedback, chase them.

E-samples first; a physical sample is free with the freight paid by the buyer (freight
collect); a large sample is paid in advance by T/T. A sample awaits feedback until its
Feedback is filled in or its Status says so; a feedback follow-up falls due N days after
sending (Settings: sample_feedback_days, 10 for a physical sample; esample_feedback_days,
3), and N days after each later contact.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from inquiry_cli.contract.changes import CellValue, ChangeSet
from inquiry_cli.contract.records import Workbook
from inquiry_cli.domain import model
from inquiry_cli.domain.linking import buyer_keys, last_contacts, link_names
from inquiry_cli.errors import UsageError

# A sample whose Status is one of these needs no more chasing.
DONE_STATUSES = {
    "feedback received", "feedback", "approved", "rejected", "closed", "done", "cancelled",
    "canceled", "returned", "ordered", "已反馈", "已确认", "关闭", "取消",
}  # fmt: skip

KINDS = {
    "e": "E-sample", "e-sample": "E-sample", "esample": "E-sample", "electronic": "E-sample",
    "catalog": "E-sample", "photo": "E-sample", "photos": "E-sample", "电子样本": "E-sample",
    "p": "Physical", "physical": "Physical", "real": "Physical", "实物": "Physical",
    "实样": "Physical",
}  # fmt: skip
FREIGHT = {
    "collect": "Freight collect", "freight-collect": "Freight collect", "到付": "Freight collect",
    "prepaid": "Prepaid by buyer", "buyer": "Prepaid by buyer", "paid": "Prepaid by buyer",
    "ours": "Paid by us", "us": "Paid by us", "we": "Paid by us", "free": "Paid by us",
    "寄付": "Paid by us",
}  # fmt: skip


def kind_of(sample: model.Sample) -> str:
    """'e-sample' or 'physical' (a blank Kind counts as physical)."""
    k = (sample.kind or "").strip().lower().replace(" ", "")
    return "e-sample" if k.startswith("e") or KINDS.get(k) == "E-sample" else "physical"


# A Status in the salesperson's own words that says it is done (已收到反馈, 客户已确认,
# Feedback received 11/20), unless it says not yet (未收到反馈, 待反馈, no feedback yet).
_DONE = re.compile(
    r"已\S*(?:反馈|确认|下单|完成|关闭|取消|退回)|收到\S*反馈|反馈已|"
    r"feedback\s+(?:received|in|got)|(?:got|received)\s+feedback|approved|rejected|ordered",
    re.I,
)
_NOT_YET = re.compile(r"未|没|待|等待|尚|not|no\b|awaiting|pending|waiting", re.I)


def awaiting_feedback(sample: model.Sample) -> bool:
    if sample.feedback and sample.feedback.strip():
        return False
    status = (sample.status or "").strip().lower()
    if status in DONE_STATUSES:
        return False
    return not (_DONE.search(status) and not _NOT_YET.search(status))


def feedback_days(settings: dict[str, Any]) -> dict[str, float]:
    """Days to wait for feedback per kind, from the Settings sheet (Settings' defaults)."""
    from inquiry_cli.domain.settings import Settings

    s = Settings.from_sheet(settings)
    return {"physical": s.sample_feedback_days, "e-sample": s.esample_feedback_days}


@dataclass
class OpenSample:
    """A sample awaiting feedback, with its buyer and when to chase it."""

    sample: model.Sample
    buyer: model.Buyer | None
    due: dt.date  # the day a feedback follow-up falls due
    chased: bool  # a contact since the first due day: this is a reminder
    last_contact_at: dt.datetime | None

    @property
    def kind(self) -> str:
        return kind_of(self.sample)

    def days_out(self, today: dt.date) -> int | None:
        return (today - self.sample.date.date()).days if self.sample.date else None

    @property
    def detail(self) -> str:
        x = self.sample
        how = f" by {x.courier}" if x.courier else ""
        if x.tracking:
            how += f" {x.tracking}"
        sent = f" sent {x.date:%Y-%m-%d}" if x.date else ""
        ask = "no feedback yet, ask again" if self.chased else "ask for feedback"
        return f"sample {x.model or '?'} ({self.kind}{how}){sent}: {ask}"


def open_samples(
    book: Workbook,
    buyers: list[model.Buyer] | None = None,
    latest: dict[str, model.Contact] | None = None,
) -> list[OpenSample]:
    """Every sample awaiting feedback, oldest first, with its follow-up day.

    `latest` is linking.last_contacts(book) when the caller has it already (inq due).
    """
    link_names(book)
    table = book.get("samples")
    if table is None:
        return []
    samples = [s for s in model.load(table, model.Sample) if awaiting_feedback(s) and s.date]
    if not samples:
        return []
    days = feedback_days(book.key_values("settings"))
    if buyers is None:
        buyers = model.load(book.get("buyers"), model.Buyer)
    by_key: dict[str, model.Buyer] = {}
    for b in buyers:
        for k in (b.buyer_id, (b.email or "").lower() or None):
            if k:
                by_key.setdefault(k, b)
    if latest is None:
        latest = last_contacts(book)
    out: list[OpenSample] = []
    for s in samples:
        ref = (s.buyer_id or "").strip()
        buyer = by_key.get(ref) or by_key.get(ref.lower())
        wait = days[kind_of(s)]
        if s.date is None:
            continue  # open_samples keeps only dated samples
        first = s.date.date() + dt.timedelta(days=int(wait))
        last = None
        if buyer is not None:
            logged = [latest.get(k) for k in buyer_keys(buyer)]
            dated = [c.date for c in logged if c is not None and c.date]
            if buyer.last_contact:
                dated.append(buyer.last_contact)
            last = max(dated, default=None)
        chased = last is not None and last.date() >= first
        due = last.date() + dt.timedelta(days=int(wait)) if last is not None and chased else first
        out.append(OpenSample(s, buyer, due, chased, last))
    out.sort(key=lambda o: (o.sample.date, o.sample.row))
    return out


def open_json(items: list[OpenSample], today: dt.date) -> list[dict[str, Any]]:
    return [
        {
            "date": o.sample.date,
            "buyer_id": o.buyer.buyer_id if o.buyer else o.sample.buyer_id,
            "name": o.buyer.name if o.buyer else None,
            "company": o.buyer.company if o.buyer else None,
            "email": o.buyer.email if o.buyer else None,
            "country": o.buyer.country if o.buyer else None,
            "model": o.sample.model,
            "kind": o.sample.kind,
            "freight": o.sample.freight,
            "payment": o.sample.payment,
            "courier": o.sample.courier,
            "tracking": o.sample.tracking,
            "status": o.sample.status,
            "days_out": o.days_out(today),
            "follow_up": o.due,
            "late": o.due < today,
            "row": o.sample.row,
        }
        for o in items
    ]


# ---------------------------------------------------------------- recording


def kind_to_send(
    book: Workbook, buyer: model.Buyer, model_name: str, new: NewSample
) -> tuple[str, str | None]:
    """E-samples first: (the kind to record, a warning or None).

    Without --kind, an e-sample when the buyer has had none of this model (a courier,
    a tracking number, freight, T/T or --large say physical). A physical sample of a
    model that has gone to the buyer neither as an e-sample nor as a sample at all yet
    comes with a warning (the command asks first on a terminal), once: the next one
    does not warn again.
    """
    physical_options = new.courier or new.tracking or new.large or new.freight or new.amount
    sent = [
        s
        for s in model.load(book.get("samples"), model.Sample, _rows_of_buyer(book, buyer))
        if (s.model or "").strip().upper() == model_name.strip().upper()
    ]
    kind = new.kind
    if kind is None:
        had_esample = any(kind_of(s) == "e-sample" for s in sent)
        kind = "physical" if physical_options or had_esample else "e"
    if KINDS.get(kind.strip().lower().replace(" ", "")) != "Physical" or sent:
        return kind, None
    return kind, (
        f"no e-sample of {model_name} has gone to {buyer.key} {buyer.label} yet: e-samples "
        f"first (free, fast, always up to date): inq sample {buyer.key} {model_name} --kind e"
    )


def _rows_of_buyer(book: Workbook, buyer: model.Buyer) -> list[int]:
    """The Samples rows of this buyer (Buyer ID, or email in a workbook without IDs)."""
    table = book.get("samples")
    if table is None or not table.has("buyer_id"):
        return []
    wanted = {k.lower() for k in buyer_keys(buyer)}
    return [i for i, v in enumerate(table.keys("buyer_id")) if v and v.lower() in wanted]


@dataclass
class NewSample:
    model: str
    kind: str | None = None  # e / physical; None: e-samples first (kind_to_send)
    freight: str | None = None
    payment: str | None = None
    courier: str | None = None
    tracking: str | None = None
    large: bool = False
    amount: str | None = None  # what a T/T sample costs, e.g. "USD 240"
    notes: str | None = None


def sample_values(new: NewSample) -> dict[str, str | None]:
    """The Samples row in words: defaults per docs/routine.md §5, typed shortcuts expanded."""
    kind_key = (new.kind or "physical").strip().lower()
    kind = KINDS.get(kind_key.replace(" ", ""))
    if kind is None:
        raise UsageError(f"unknown sample kind {new.kind!r}: use e (e-sample) or physical")
    if kind == "E-sample":
        for given, flag in ((new.courier, "--courier"), (new.tracking, "--tracking")):
            if given:
                raise UsageError(f"an e-sample is sent by email: {flag} does not apply")
        if new.large:
            raise UsageError("an e-sample is free: --large (T/T in advance) does not apply")
        return {"kind": kind, "freight": None, "payment": "Free", "courier": None}
    courier = new.courier.strip() if new.courier else None
    if courier and courier.lower() in ("dhl", "ups", "tnt", "ems", "sf"):
        courier = courier.upper()
    elif courier and courier.lower() == "fedex":
        courier = "FedEx"
    freight = new.freight or "collect"
    word = freight.strip().lower().replace(" ", "-")
    if word in ("account", "buyer-account", "buyers-account"):
        if not courier:
            raise UsageError("--freight account needs --courier: whose DHL/FedEx/UPS account?")
        freight_text = f"Buyer's {courier} account"
    else:
        freight_text = FREIGHT.get(word, freight.strip())
    if new.payment:
        pay = new.payment.strip()
        if pay.lower().replace(" ", "").replace("/", "") in ("tt", "t-t", "bank", "电汇"):
            pay = "T/T in advance"
        elif pay.lower() in ("free", "免费"):
            pay = "Free sample"
        if new.large and pay == "Free sample":
            raise UsageError(
                "a large sample is paid in advance by T/T: drop --payment free, or --large"
            )
    else:
        pay = "T/T in advance" if new.large else "Free sample"
    if pay == "T/T in advance" and new.amount:
        pay = f"T/T in advance ({new.amount.strip()})"
    return {"kind": kind, "freight": freight_text, "payment": pay, "courier": courier}


def record_sample(
    book: Workbook,
    buyer: model.Buyer,
    new: NewSample,
    *,
    when: dt.datetime,
    now: dt.datetime,
) -> Any:  # recording.Outcome
    """A Samples row, the buyer's Status, and the contact: one change."""
    from inquiry_cli.domain import recording

    if when > now + dt.timedelta(minutes=5):
        raise UsageError(f"{when:%Y-%m-%d} is in the future: record a sample once it is sent")
    model_name = check_model(book, new.model)
    if new.kind is None:
        new.kind = kind_to_send(book, buyer, model_name, new)[0]
    words = sample_values(new)
    changes = ChangeSet()
    out = recording.Outcome(changes, buyer=buyer)
    day = dt.datetime.combine(when.date(), dt.time())
    values: dict[str, CellValue] = {
        "date": day,
        "buyer_id": model.buyer_ref(book.get("samples"), buyer),
        "model": model_name,
        "kind": words["kind"],
        "freight": words["freight"],
        "payment": words["payment"],
        "courier": words["courier"],
        "tracking": new.tracking.strip() if new.tracking else None,
        "status": "Sent",
        "feedback": None,
    }
    samples = book.get("samples")
    if samples is not None and samples.writable("sample_id"):  # the user's own numbers
        from inquiry_cli.domain.recording.numbering import id_value, next_id, raw_column

        ident = next_id(samples.values("sample_id"), "S")
        values["sample_id"] = id_value(ident, raw_column(samples, "sample_id"))
        out.ids["sample_id"] = ident
    recording.append_row(book, "samples", values, changes, out)
    noun = "e-sample" if words["kind"] == "E-sample" else "physical sample"
    how = ""
    if words["courier"]:
        how = f" by {words['courier']}"
        if values["tracking"]:
            how += f", tracking {values['tracking']}"
    terms = ", ".join(
        x.lower() if x.startswith(("Free", "Freight")) else x
        for x in (words["freight"], words["payment"])
        if x
    )
    out.lines.insert(
        0,
        f"Recorded {'an' if noun[0] == 'e' else 'a'} {noun} of {model_name} "
        f"for {buyer.key} {buyer.label}"
        + (f": {how.strip()}" if how else "")
        + (f" ({terms})" if terms else ""),
    )
    summary = f"Sent {noun} {model_name}{how}" + (f" ({terms})" if terms else "")
    if new.notes:
        summary += f"; {new.notes.strip()}"
    logged = recording.log_outgoing(
        book,
        buyer,
        channel_name="email" if words["kind"] == "E-sample" else "post",
        summary=summary,
        next_step="Ask for sample feedback",
        when=when,
        changes=changes,
    )
    out.lines += logged.lines
    out.warnings += logged.warnings
    if words["kind"] == "E-sample":  # the e-catalog answers the inquiry, as a mail does
        recording.mark_replied(book, buyer, when, changes, out)
    buyers = book.table("buyers")
    if model.moves_forward(buyer.status, "Sample sent") and buyers.writable("status"):
        changes.set(buyers.name, buyer.row, buyers.col("status"), "Sample sent")
    days = feedback_days(book.key_values("settings"))[
        "e-sample" if noun == "e-sample" else "physical"
    ]
    ask = (when + dt.timedelta(days=int(days))).date()
    out.lines.append(f"Logged the contact; `inq due` will remind you to ask for feedback on {ask}")
    return out


def check_model(book: Workbook, wanted: str) -> str:
    """The model as the Products sheet spells it (unknown models refused, with suggestions)."""
    wanted = (wanted or "").strip()
    if not wanted:
        raise UsageError("say which model the sample is (e.g. LED-PL-60)")
    products = book.get("products")
    if products is None or not products.has("model"):
        return wanted
    from inquiry_cli.domain.quote import find_product

    return find_product(products, wanted)["model"]


def record_feedback(
    book: Workbook,
    buyer: model.Buyer,
    feedback: str,
    *,
    model_name: str | None,
    when: dt.datetime,
    now: dt.datetime,
) -> Any:  # recording.Outcome
    """Feedback on the buyer's latest sample awaiting it; the contact logged as incoming."""
    from inquiry_cli.domain import recording

    if not feedback.strip():
        raise UsageError("the feedback is empty: say what the buyer thought of the sample")
    table = book.get("samples")
    mine = [
        o.sample
        for o in open_samples(book, [buyer])
        if o.buyer is not None
        and (model_name is None or (o.sample.model or "").upper() == model_name.strip().upper())
    ]
    if not mine:
        what = f" of {model_name}" if model_name else ""
        raise UsageError(
            f"{buyer.key} {buyer.label} has no sample{what} awaiting feedback: "
            "see `inq sample --open`"
        )
    target = mine[-1]
    assert table is not None
    changes = ChangeSet()
    out = recording.Outcome(changes, buyer=buyer)
    recording.set_cell(table, target.row, "feedback", feedback.strip(), changes, out)
    recording.set_cell(table, target.row, "status", "Feedback received", changes, out)
    out.lines.append(
        f"Feedback recorded on the {target.model} sample sent "
        f"{target.date:%Y-%m-%d} to {buyer.key} {buyer.label}"
    )
    logged = recording.log_outgoing(
        book,
        buyer,
        channel_name="email",
        summary=f"Sample feedback on {target.model}: {feedback.strip()}",
        next_step=None,
        when=when,
        changes=changes,
        direction="in",
    )
    out.lines += logged.lines
    out.warnings += logged.warnings
    return out
