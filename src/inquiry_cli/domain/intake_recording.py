"""Record what intake read: one change set for the whole run, the sender looked up first.

The routine (docs/routine.md §4): before answering an unfamiliar mail, look the sender up. An
existing buyer gets the inquiry only on a strong match (same email or phone; same company,
legal forms and accents aside, with the name or the domain agreeing); anything weaker is
reported and links nothing. A new sender is added once, however many of their messages
arrive. A reply in a thread inq knows (a quote's number, a mail inq wrote or logged) is an
incoming contact, not an inquiry. A message whose Message-ID the workbook already holds is
not recorded again, so a second run over the same mail records nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from inquiry_cli.contract.changes import ChangeSet
from inquiry_cli.contract.records import Workbook
from inquiry_cli.domain import model, recording
from inquiry_cli.domain.identity import phone_key
from inquiry_cli.domain.intake import own
from inquiry_cli.domain.intake.extract import first_line
from inquiry_cli.domain.intake.records import CHAT, DAMAGED, EMAIL, INQUIRY, Intake
from inquiry_cli.domain.linking import link_names
from inquiry_cli.domain.matching import FREE_MAIL, Match, Query, find, normalize_name
from inquiry_cli.errors import ContractError, InqError

SOURCES = {
    "alibaba": "Alibaba", "made-in-china": "Made-in-China", "global-sources": "Global Sources",
    "hktdc": "HKTDC", "email": "Email", "whatsapp": "WhatsApp",
}  # fmt: skip
SUMMARY_WIDTH = 300  # a chat message or a reply, as a contact's summary
MESSAGE_LIMIT = 32_000  # an Excel cell holds 32,767 characters

INQUIRY_DONE, CONTACT_DONE, ALREADY, DUPLICATE, SKIPPED, BROKEN = (
    "inquiry",
    "contact",
    "already",
    "duplicate",
    "skipped",
    "damaged",
)


@dataclass
class Result:
    """What became of one message."""

    intake: Intake
    action: str
    detail: str = ""
    buyer: model.Buyer | None = None
    new_buyer: bool = False
    inquiry_id: str | None = None
    product: str | None = None
    received: dt.datetime | None = None  # in the workbook's time zone
    warnings: list[str] = field(default_factory=list)


@dataclass
class Run:
    changes: ChangeSet
    results: list[Result]
    notes: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.results if r.action == action)

    @property
    def new_buyers(self) -> int:
        return sum(1 for r in self.results if r.new_buyer)


def local_time(moment: dt.datetime, tz: str) -> dt.datetime:
    """An aware time as the workbook writes it: naive, in Settings' time zone."""
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ContractError(f"Settings: timezone {tz!r} is not a time zone name") from None
    return moment.astimezone(zone).replace(tzinfo=None)


class _Recorder:
    def __init__(self, book: Workbook, now: dt.datetime, tz: str) -> None:
        self.book, self.now, self.tz = book, now, tz
        self.changes = ChangeSet()
        self.buyers = book.table("buyers")
        self.records = model.load(self.buyers, model.Buyer)
        self.added: list[model.Buyer] = []  # new buyers of this run
        self.known = self._known()
        self.threads = self._threads()
        self.quotes = self._quotes()
        self.models = self._models()
        self.notes: list[str] = []

    # ------------------------------------------------------------ what the workbook holds

    def _known(self) -> dict[str, str]:
        """Message-ID -> how it was recorded ('inquiry I0113', 'contact of 2026-11-27')."""
        known: dict[str, str] = {}
        inquiries = self.book.get("inquiries")
        if inquiries is not None and inquiries.has("message_id"):
            ids = inquiries.values("inquiry_id")
            for i, mid in enumerate(inquiries.values("message_id")):
                if mid:
                    known[mid.strip()] = f"inquiry {ids[i] or f'row {inquiries.row_numbers[i]}'}"
        contacts = self.book.get("contacts")
        if contacts is not None and contacts.has("message_id"):
            dates = contacts.values("date")
            for i, mid in enumerate(contacts.values("message_id")):
                if mid:
                    when = f" of {dates[i]:%Y-%m-%d %H:%M}" if dates[i] else ""
                    known[mid.strip()] = f"contact{when}"
        return known

    def _threads(self) -> dict[str, tuple[str, str]]:
        """Message-ID -> (buyer key, what it was) for every logged contact and inquiry."""
        out: dict[str, tuple[str, str]] = {}
        for key in ("contacts", "inquiries"):
            table = self.book.get(key)
            if table is None or not table.has("message_id"):
                continue
            who = [b or e for b, e in zip(table.keys("buyer_id"), table.keys("email"), strict=True)]
            if key == "inquiries":
                ids = table.values("inquiry_id")
                what = [f"inquiry {x}" if x else "their inquiry" for x in ids]
            else:  # a mail inq sent (out), or one of theirs it logged (in)
                what = [
                    "their mail" if (d or "").strip().lower() == "in" else "your mail"
                    for d in table.values("direction")
                ]
            for i, mid in enumerate(table.values("message_id")):
                whose = who[i]
                if mid and whose:
                    out[mid.strip()] = (whose, what[i])
        return out

    def _quotes(self) -> dict[str, str]:
        quotes = self.book.get("quotes")
        if quotes is None or not quotes.has("quote_no"):
            return {}
        return {
            str(q).strip().upper(): b
            for q, b in zip(quotes.values("quote_no"), quotes.keys("buyer_id"), strict=True)
            if q and b
        }

    def _models(self) -> list[tuple[str, str]]:
        products = self.book.get("products")
        if products is None or not products.has("model"):
            return []
        names = products.values("name")
        pairs = [
            (m.strip(), (n or "").strip())
            for m, n in zip(products.values("model"), names, strict=True)
            if m
        ]
        return sorted(pairs, key=lambda p: -len(p[0]))

    def buyer_by_key(self, key: str) -> model.Buyer | None:
        """The buyer a sheet's Buyer ID (or email) names."""
        k = key.strip().lower()
        for b in self.records + self.added:
            if (b.buyer_id and b.buyer_id.lower() == k) or (b.email and b.email.lower() == k):
                return b
        return None

    # ------------------------------------------------------------ the Message-ID columns

    def ensure_message_id(self, key: str) -> None:
        """A sheet without a Message-ID column gets one (its header in the first free
        column), so the rows of this run carry their Message-ID and a second run knows them."""
        table = self.book.get(key)
        if table is None:
            return
        note = recording.ensure_column(table, "message_id", self.changes)
        if note:
            self.notes.append(note)

    # ------------------------------------------------------------ looking the sender up

    def lookup(self, it: Intake) -> tuple[model.Buyer | None, list[str], list[str]]:
        """(the buyer on a strong match, its reasons, the weak matches in words)."""
        for b in self.added:  # this run's new buyers first: added once
            reasons = _strong_reasons(b, it, set())
            if reasons:
                return b, reasons, []
        merged: dict[int, tuple[Match, set[str]]] = {}
        domain = _domain(it.email) or it.email_domain
        queries = []
        if it.email:
            queries.append(Query(raw=it.email, email=it.email, domain=_company_domain(it.email)))
        elif it.email_domain and it.email_domain not in FREE_MAIL:
            queries.append(Query(raw=it.email_domain, domain=it.email_domain))
        if it.phone:
            queries.append(Query(raw=it.phone, phone=it.phone))
        for text in (it.company, it.name):
            if text:
                queries.append(Query(raw=text, text=text))
        for q in queries:
            for m in find(self.buyers, q):
                old = merged.get(m.buyer.row)
                if old is None:
                    merged[m.buyer.row] = (m, set(m.reasons))
                else:
                    old[1].update(m.reasons)
        strong: list[tuple[model.Buyer, list[str]]] = []
        weak: list[str] = []
        for m, why in sorted(merged.values(), key=lambda x: (-x[0].score, x[0].buyer.row)):
            sure = _strong_reasons(m.buyer, it, why)
            if sure:
                strong.append((m.buyer, sure))
            elif (
                m.score >= 80
                or any(r.startswith("same ") for r in why)
                or (domain and _domain(m.buyer.email) == domain)
            ):
                weak.append(f"{m.buyer.key} {m.buyer.label} ({'; '.join(sorted(why))})")
        if strong:  # several of one company: the one whose name agrees best
            buyer, reasons = max(strong, key=lambda s: _name_score(s[0], it))
            return buyer, reasons, []
        return None, [], weak

    # ------------------------------------------------------------ recording

    def received(self, it: Intake, result: Result) -> dt.datetime:
        if it.received is None:
            result.warnings.append("it has no readable Date header: recorded as received now")
            return self.now
        when = local_time(it.received, self.tz)
        if when > self.now + dt.timedelta(minutes=5):
            result.warnings.append(
                f"its Date ({when:%Y-%m-%d %H:%M}) is in the future: recorded as received now"
            )
            when = self.now
        return when

    def product(self, it: Intake) -> str | None:
        """The catalog's model when the product text, subject or message names one."""
        for text in (it.product, it.subject, it.message):
            if not text:
                continue
            for model_name, _ in self.models:
                if re.search(rf"(?<![\w-]){re.escape(model_name)}(?![\w-])", text, re.I):
                    return model_name
        if it.product:
            wanted = it.product.casefold()
            for model_name, name in self.models:
                if name and name.casefold() == wanted:
                    return model_name
        return it.product

    def inquiry(self, it: Intake, result: Result) -> None:
        when = self.received(it, result)
        result.received = when
        buyer, _reasons, weak = self.lookup(it)
        product = self.product(it)
        result.product = product
        if buyer is None:
            if not (it.name or it.company or it.email):
                result.action = SKIPPED
                result.detail = (
                    "an inquiry without the buyer's name, company or email: record it with "
                    "`inq inquiry`"
                )
                return
            notes = None
            if it.email_domain and not it.email:
                notes = f"Email domain {it.email_domain} (the platform gives no address)"
            new = recording.NewBuyer(
                name=it.name,
                company=it.company,
                email=it.email,
                phone=it.phone,
                country=it.country,
                source=SOURCES.get(it.channel, it.channel.title()),
                products=product,
                notes=notes,
            )
            try:
                added = recording.add_buyer(self.book, new, when, force=True, changes=self.changes)
            except InqError as exc:  # a particular that cannot be recorded (a bad email)
                result.action = SKIPPED
                result.detail = f"the buyer cannot be added: {exc}"
                return
            buyer = added.buyer
            assert buyer is not None
            self.added.append(buyer)
            result.new_buyer = True
            if weak:
                result.warnings.append(
                    f"{buyer.key} {buyer.label} is new, but looks like {'; '.join(weak)}: "
                    "check with `inq lookup` and merge by hand if it is the same buyer"
                )
        elif weak:
            result.warnings.append(f"also like {'; '.join(weak)}")
        message = it.message.strip()
        if len(message) > MESSAGE_LIMIT:
            result.warnings.append(
                f"the message is {len(message):,} characters long: the Message cell keeps the "
                f"first {MESSAGE_LIMIT:,}"
            )
            message = message[:MESSAGE_LIMIT].rstrip() + " […]"
        if it.attachments:
            message = f"{message}\n\nAttachments: {', '.join(it.attachments)}".strip()
        outcome = recording.record_inquiry(
            self.book,
            None,
            recording.NewBuyer(),
            channel_name=it.channel,
            received=when,
            product=product,
            quantity=it.quantity,
            target_price=None,
            message=message or None,
            now=self.now,
            buyer=buyer,
            changes=self.changes,
            message_id=it.message_id,
        )
        result.warnings += [w for w in outcome.warnings if w not in result.warnings]
        for line in outcome.lines:  # "Added the Inquiries sheet to the workbook"
            if line.startswith("Added the ") and line not in self.notes:
                self.notes.append(line)
        result.action, result.buyer = INQUIRY_DONE, buyer
        result.inquiry_id = outcome.ids.get("inquiry_id")
        _remember(buyer, when, product)

    def thread_of(self, it: Intake) -> tuple[model.Buyer | None, str]:
        """The buyer and the words for a reply in a thread inq knows, else (None, '')."""
        for mid in it.in_reply_to:
            hit = self.threads.get(mid)
            if hit is not None:
                buyer = self.buyer_by_key(hit[0])
                if buyer is not None:
                    return buyer, f"reply to {hit[1]}"
        if it.quote_no and it.quote_no in self.quotes:
            buyer = self.buyer_by_key(self.quotes[it.quote_no])
            if buyer is not None:
                return buyer, f"reply to quote {it.quote_no}"
        if any(own.is_own(m) for m in it.in_reply_to):
            buyer, _reasons, _weak = self.lookup(it)
            if buyer is not None:
                return buyer, "reply to your mail"
        return None, ""

    def contact(self, it: Intake, buyer: model.Buyer, what: str, result: Result) -> None:
        when = self.received(it, result)
        result.received = when
        summary = f"{what[0].upper()}{what[1:]}: {first_line(it.message, SUMMARY_WIDTH)}"
        if not it.message.strip():
            summary = f"{what[0].upper()}{what[1:]} (no text)"
        self.log(buyer, it, "in", when, summary.strip(), "Answer their reply")
        result.action, result.buyer, result.detail = CONTACT_DONE, buyer, what

    def log(
        self,
        buyer: model.Buyer,
        it: Intake,
        direction: str,
        when: dt.datetime,
        summary: str,
        next_step: str | None,
    ) -> None:
        recording.log_outgoing(
            self.book,
            buyer,
            channel_name=it.channel,
            summary=summary,
            next_step=next_step,
            when=when,
            changes=self.changes,
            direction=direction,
            message_id=it.message_id,
        )
        _remember(buyer, when, None)

    def chat(self, it: Intake, result: Result, replied: set[int]) -> None:
        when = self.received(it, result)
        result.received = when
        buyer = self.chat_buyer(it.phone or "")
        if buyer is None:
            result.action = SKIPPED
            result.detail = (
                f"no buyer has the phone {it.phone}: add them (`inq add --phone ...`), "
                "then read the chat again"
            )
            return
        text = first_line(it.message, SUMMARY_WIDTH) or "(no text)"
        self.log(buyer, it, it.direction, when, text, None)
        result.action, result.buyer = CONTACT_DONE, buyer
        if it.direction == "out":
            self.mark_replied(buyer, when, replied)

    def chat_buyer(self, phone: str) -> model.Buyer | None:
        for b in self.added:
            if phone_key(b.phone) and phone_key(b.phone) == phone_key(phone):
                return b
        for m in find(self.buyers, Query(raw=phone, phone=phone)):
            if "same phone" in m.reasons:
                return m.buyer
        return None

    def mark_replied(self, buyer: model.Buyer, when: dt.datetime, done: set[int]) -> None:
        """An outgoing chat message answers the buyer's open inquiries received before it
        (the first answer's time is kept)."""
        inquiries = self.book.get("inquiries")
        if inquiries is None or not inquiries.writable("replied"):
            return
        link_names(self.book)
        said = recording.reply_value(inquiries, when)
        for inq in model.load(inquiries, model.Inquiry, model.rows_of(inquiries, buyer)):
            if inq.row in done or inq.replied is not None or not inq.is_open:
                continue
            if inq.received is not None and inq.received <= when:
                self.changes.set(inquiries.name, inq.row, inquiries.col("replied"), said)
                done.add(inq.row)


def record(book: Workbook, intakes: list[Intake], *, now: dt.datetime, tz: str) -> Run:
    """Every message's fate, and one change set for all of them."""
    rec = _Recorder(book, now, tz)
    results = [Result(it, SKIPPED) for it in intakes]
    if any(it.recorded for it in intakes):
        rec.ensure_message_id("inquiries")
        rec.ensure_message_id("contacts")
    first: dict[str, Result] = {}
    order = sorted(
        range(len(intakes)),
        key=lambda i: (
            intakes[i].received or dt.datetime.min.replace(tzinfo=dt.UTC),
            intakes[i].message_id or "",
            i,
        ),
    )
    replied: set[int] = set()
    for i in order:
        it, result = intakes[i], results[i]
        if it.kind == DAMAGED:
            result.action, result.detail = BROKEN, it.reason
            continue
        if not it.recorded:
            result.detail = it.reason
            result.received = local_time(it.received, tz) if it.received else None
            continue
        mid = it.message_id or ""
        if mid in rec.known:
            result.action, result.detail = ALREADY, rec.known[mid]
            continue
        if mid in first:
            result.action, result.detail = (
                DUPLICATE,
                f"the same message as {first[mid].intake.source}",
            )
            continue
        first[mid] = result
        if it.kind == CHAT:
            rec.chat(it, result, replied)
        elif it.kind == INQUIRY:
            rec.inquiry(it, result)
        elif it.kind == EMAIL:
            buyer, what = rec.thread_of(it)
            if buyer is not None:
                rec.contact(it, buyer, what, result)
            else:
                rec.inquiry(it, result)
    return Run(rec.changes, results, rec.notes)


def _remember(buyer: model.Buyer, when: dt.datetime, product: str | None) -> None:
    """Keep the buyer record in step with this run's changes, for its next message."""
    if buyer.last_contact is None or when > buyer.last_contact:
        buyer.last_contact = when
    if product and product not in buyer.product_list:
        buyer.products = ", ".join([*buyer.product_list, product])


def _domain(address: str | None) -> str | None:
    if not address or "@" not in address:
        return None
    return address.rsplit("@", 1)[1].lower()


def _company_domain(address: str | None) -> str | None:
    domain = _domain(address)
    return None if domain is None or domain in FREE_MAIL else domain


def _name_score(b: model.Buyer, it: Intake) -> float:
    from rapidfuzz import fuzz

    if it.email and b.email and it.email.lower() == b.email.lower():
        return 200.0
    a, c = normalize_name(it.name), normalize_name(b.name)
    return fuzz.token_set_ratio(a, c) if a and c else 0.0


def _strong_reasons(b: model.Buyer, it: Intake, reasons: set[str]) -> list[str]:
    """Why this buyer is surely the sender: same email; same phone; same company (legal
    forms and accents aside) with the name or the company domain agreeing. Else []."""
    from rapidfuzz import fuzz

    if it.email and b.email and it.email.lower() == b.email.lower():
        return ["same email"]
    if "same phone" in reasons or (
        it.phone and b.phone and not reasons and phone_key(it.phone) == phone_key(b.phone)
    ):
        return ["same phone"]
    company = normalize_name(it.company)
    if company and company == normalize_name(b.company):
        domain = _company_domain(it.email) or it.email_domain
        if domain and domain not in FREE_MAIL and _domain(b.email) == domain:
            return ["same company", "same company domain"]
        name_a, name_b = normalize_name(it.name), normalize_name(b.name)
        if name_a and name_b and fuzz.token_sort_ratio(name_a, name_b) >= 90:
            return ["same company", "same name"]
    return []
