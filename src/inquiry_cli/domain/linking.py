"""Link the rows of any sheet to their buyers (by Buyer ID, else email) in one pass.

A log the salesperson keeps by name (Date | Client | Product | Replied?, no email) links
a row to the buyer who alone has that name, or that company (legal forms and accents
aside): link_names() records those links on the table, and every reader of the rows
(model.load, model.rows_of, last_contacts) follows them. `inq check` lists the rows it
cannot link, and why.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from inquiry_cli.contract import needs
from inquiry_cli.domain import model

if TYPE_CHECKING:  # (chases needs INCOMING for a card from the lookup index, no Table)
    from inquiry_cli.contract.records import Table, Workbook

T = TypeVar("T")

GRADE_ORDER = {"A": 0, "B": 1, "C": 2, "D": 3}
# The sheets whose rows name a buyer.
LOG_SHEETS = ("inquiries", "contacts", "quotes", "samples")
Link = tuple[str | None, str | None]  # (Buyer ID, email) of the buyer a row names


def names_buyers(table: Table | None) -> bool:
    """Whether a log sheet may name its buyers by name (a Client or Company column)."""
    return table is not None and (table.has("client") or table.has("company"))


def buyer_names(buyer: model.Buyer) -> list[str]:
    """What a log that names clients may call this buyer: their name and company."""
    return [n for n in (buyer.name, buyer.company) if n]


def link_names(book: Workbook) -> None:
    """Link the log rows that name their buyer only by name (once per table).

    Needs the whole Buyers sheet (a name is only a link when one buyer alone has it), so
    a partial read of Buyers links nothing: the command reads it whole first.
    """
    buyers = book.get("buyers")
    for key in LOG_SHEETS:
        table = book.get(key)
        if table is None or table.linked is not None:
            continue
        if buyers is None or buyers.partial or not names_buyers(table):
            table.linked = {}
            continue
        table.linked = name_links(buyers, table)[0]


def name_links(buyers: Table, table: Table) -> tuple[dict[int, Link], dict[int, str]]:
    """({row index: the buyer it names}, {row index: why it names nobody}) for the rows of
    a log sheet that no Buyer ID or email of theirs links."""
    from inquiry_cli.domain.matching import normalize_name

    people: dict[str, list[int]] = {}
    firms: dict[str, list[int]] = {}
    for index, values in ((people, buyers.keys("name")), (firms, buyers.keys("company"))):
        for i, value in enumerate(values):
            key = normalize_name(value)
            if key:
                index.setdefault(key, []).append(i)
    known_ids = {v for v in buyers.keys("buyer_id") if v}
    known_emails = {v for v in buyers.keys("email") if v}
    ids, emails = table.keys("buyer_id"), table.keys("email")
    clients, companies = table.keys("client"), table.keys("company")
    records: dict[int, Link] = {}
    links: dict[int, Link] = {}
    why: dict[int, str] = {}
    for i in range(len(table)):
        email = emails[i]
        if (ids[i] and ids[i] in known_ids) or (email and email.lower() in known_emails):
            continue  # linked the usual way
        said = [v for v in (clients[i], companies[i], ids[i]) if v]
        if not said or emails[i]:
            continue  # nothing to go by, or an email of someone not in Buyers (a new sender)
        found: set[int] = set()
        ambiguous = ""
        for value in said:
            key = normalize_name(value)
            hits = set(people.get(key, [])) | set(firms.get(key, []))
            if len(hits) == 1:
                found = hits
                break
            if len(hits) > 1 and not ambiguous:
                ambiguous = f"{len(hits)} buyers are called {value!r}"
        if len(found) != 1:
            why[i] = ambiguous or f"no buyer is called {said[0]!r}"
            continue
        b = next(iter(found))
        if b not in records:
            records[b] = (_at(buyers, "buyer_id", b), _at(buyers, "email", b))
        if records[b] == (None, None):
            why[i] = f"{said[0]!r} is in Buyers without a Buyer ID or email to link by"
            continue
        links[i] = records[b]
    return links, why


def _at(table: Table, key: str, i: int) -> str | None:
    value = table.values_at(key, [i])[0] if table.has(key) else None
    return value or None


def buyer_keys(buyer: model.Buyer) -> list[str]:
    """Every way another sheet may name this buyer: Buyer ID and (lower-cased) email."""
    return [k for k in (buyer.buyer_id, (buyer.email or "").lower() or None) if k]


def group_by_buyer(records: Iterable[T]) -> dict[str, list[T]]:
    """{Buyer ID or email: records}; a record is filed under both when it carries both.

    The Buyer ID column may hold an email in workbooks without IDs (inq writes the
    buyer's key there), so its value is filed as given and lower-cased.
    """
    out: dict[str, list[T]] = {}
    for rec in records:
        keys = {
            k
            for k in (
                getattr(rec, "buyer_id", None),
                (getattr(rec, "buyer_id", None) or "").lower() or None,
                (getattr(rec, "email", None) or "").lower() or None,
            )
            if k
        }
        for k in keys:
            out.setdefault(k, []).append(rec)
    return out


def records_of(index: dict[str, list[T]], buyer: model.Buyer) -> list[T]:
    """The records filed under this buyer, each once, in sheet order."""
    seen: set[int] = set()
    out: list[T] = []
    for k in buyer_keys(buyer):
        for rec in index.get(k, []):
            if id(rec) not in seen:
                seen.add(id(rec))
                out.append(rec)
    out.sort(key=lambda r: getattr(r, "row", 0))
    return out


class Histories:
    """Every buyer-linked sheet indexed by buyer once, for reports that walk many buyers
    (of `buyers` only, when given: a trip to one country loads its buyers' rows alone)."""

    def __init__(self, book: Workbook, buyers: Iterable[model.Buyer] | None = None) -> None:
        link_names(book)
        wanted = None if buyers is None else _keys_of(buyers)
        self.inquiries = group_by_buyer(_load(book.get("inquiries"), model.Inquiry, wanted))
        self.contacts = group_by_buyer(_load(book.get("contacts"), model.Contact, wanted))
        self.quotes = group_by_buyer(_load(book.get("quotes"), model.Quote, wanted))
        self.samples = group_by_buyer(_load(book.get("samples"), model.Sample, wanted))


def _keys_of(buyers: Iterable[model.Buyer]) -> set[str]:
    """Every key group_by_buyer could file these buyers' rows under."""
    out: set[str] = set()
    for b in buyers:
        out.update(
            k for k in (b.buyer_id, (b.buyer_id or "").lower(), (b.email or "").lower()) if k
        )
    return out


def _load(table: Table | None, cls: type[T], wanted: set[str] | None) -> list[T]:
    """The records of a sheet, or of the rows whose Buyer ID or email is `wanted`."""
    if table is None or wanted is None:
        return model.load(table, cls)
    ids = model.link_keys(table, "buyer_id")
    emails = model.link_keys(table, "email")
    rows = [
        i
        for i, (bid, email) in enumerate(zip(ids, emails, strict=True))
        if (bid and (bid in wanted or bid.lower() in wanted)) or (email and email.lower() in wanted)
    ]
    return model.load(table, cls, rows)


def grade_rank(grade: str | None) -> int:
    """A before B before C before D before ungraded."""
    return GRADE_ORDER.get(grade or "", 4)


# Directions meaning the buyer contacted us (inq writes "in").
INCOMING = frozenset({"in", "incoming", "inbound", "received", "收", "来", "来电", "来信"})
# ... and those meaning we contacted them (inq writes "out").
OUTGOING = frozenset({"out", "outgoing", "outbound", "sent", "发", "去", "去电", "去信", "回复"})


# The words for a direction alone (来电 is an incoming call, 回复 a reply: not written for
# an email, or a first word).
_PLAIN = {
    "in": frozenset({"in", "incoming", "inbound", "received", "收", "来"}),
    "out": frozenset({"out", "outgoing", "outbound", "sent", "发", "去"}),
}


def direction_word(said: list[object], direction: str) -> str:
    """How a Direction column writes `direction` ("in" or "out"): the plain word its rows
    use most for it (去 where the log says 来 and 去), else inq's own."""
    words = _PLAIN.get(direction, frozenset())
    seen = Counter(str(v).strip() for v in said if v and str(v).strip().lower() in words)
    return seen.most_common(1)[0][0] if seen else direction


def last_contacts(
    book: Workbook, heard: dict[str, dt.datetime] | None = None
) -> dict[str, model.Contact]:
    """The latest logged contact per Buyer ID / email; and into `heard`, when given, the
    date of the latest incoming one (the last time the buyer wrote or called).

    Sorting row indices by date (in C) and letting later rows overwrite earlier ones in
    a dict gives each key its latest row without a Python loop over 100,000 rows.
    """
    from inquiry_cli.contract.records import picked

    link_names(book)
    table = book.get("contacts")
    if table is None or not table.has("date"):
        return {}
    dates = table.values("date")
    floor = dt.datetime.min
    keyed = [d or floor for d in dates]
    order = sorted(range(len(keyed)), key=keyed.__getitem__)
    found: dict[str | None, int] = {}
    if heard is not None and table.has("direction"):
        ways = table.keys("direction")
        came = [i for i in order if (w := ways[i]) == "in" or (w and w.lower() in INCOMING)]
        _latest_dates(table, came, dates, heard)
    for key in ("email", "buyer_id"):  # a Buyer ID match wins over an email match
        if table.has(key) or table.linked:
            who = model.link_keys(table, key)
            found.update(dict(zip(picked(who, order), order, strict=True)))
    latest = {k: i for k, i in found.items() if k and dates[i] is not None}
    rows = sorted(set(latest.values()))
    loaded = model.load(table, model.Contact, rows, fields_=needs.LAST_CONTACT)
    records = dict(zip(rows, loaded, strict=True))
    return {who: records[i] for who, i in latest.items()}


def _latest_dates(
    table: Table, order: list[int], dates: list[Any], into: dict[str, dt.datetime]
) -> None:
    """{Buyer ID / email: latest date} over rows `order` (sorted by date), merged into
    `into` keeping the later date."""
    from inquiry_cli.contract.records import picked

    order = [i for i in order if dates[i] is not None]
    when = picked(dates, order)
    for key in ("email", "buyer_id"):
        if not (table.has(key) or table.linked):
            continue
        who = model.link_keys(table, key)
        latest = dict(zip(picked(who, order), when, strict=True))
        latest.pop(None, None)
        for k, at in latest.items():
            old = into.get(k)
            if old is None or at > old:
                into[k] = at


def last_inquiries(book: Workbook, into: dict[str, dt.datetime]) -> None:
    """The latest inquiry received per Buyer ID / email, merged into `into`."""
    table = book.get("inquiries")
    if table is None or not table.has("received"):
        return
    dates = table.values("received")
    floor = dt.datetime.min
    keyed = [d or floor for d in dates]
    _latest_dates(table, sorted(range(len(keyed)), key=keyed.__getitem__), dates, into)


# Who a new log row names, and how: the cells of the sheet's own linking columns.
NAMING = ("buyer_id", "email", "client", "company")


def naming(book: Workbook, table: Table, buyer: model.Buyer) -> dict[str, str]:
    """The cells that name `buyer` on a new row of a log sheet, the way the sheet does:
    its Buyer ID (an email where the buyers have no IDs and the sheet no Email column),
    its email, and the client / company as the Buyers sheet spells them."""
    out: dict[str, str] = {}
    key = buyer.buyer_id or (None if table.has("email") else buyer.email)
    if table.writable("buyer_id") and key:
        out["buyer_id"] = key
    if table.writable("email") and buyer.email:
        out["email"] = buyer.email
    if table.writable("client"):
        client = _client_word(book, table, buyer)
        if client:
            out["client"] = client
    if table.writable("company") and buyer.company:
        out["company"] = buyer.company
    return out


def _client_word(book: Workbook, table: Table, buyer: model.Buyer) -> str | None:
    """The buyer's name or company, whichever the sheet's Client column calls buyers by:
    by their own earlier rows, else by the column's other rows; a person's name where the
    sheet has a Company column beside it."""
    from inquiry_cli.domain.matching import normalize_name

    if not (buyer.name and buyer.company) or table.has("company"):
        return buyer.name or buyer.company
    said = _clients(table)
    people = said[normalize_name(buyer.name)]
    firms = said[normalize_name(buyer.company)]
    if people == firms:
        buyers = book.get("buyers")
        if buyers is not None and not buyers.partial:
            names = {normalize_name(v) for v in buyers.keys("name") if v}
            companies = {normalize_name(v) for v in buyers.keys("company") if v}
            people = sum(n for v, n in said.items() if v in names and v not in companies)
            firms = sum(n for v, n in said.items() if v in companies and v not in names)
    return buyer.company if firms > people else buyer.name


_CLIENTS: dict[int, tuple[weakref.ref[Table], Counter[str]]] = {}


def _clients(table: Table) -> Counter[str]:
    """How often each (normalised) client name is in the column: counted once per table,
    as intake names many rows of one log."""
    from inquiry_cli.domain.matching import normalize_name

    found = _CLIENTS.get(id(table))
    if found is not None and found[0]() is table:
        return found[1]
    counts = Counter(normalize_name(v) for v in table.keys("client") if v)
    _CLIENTS[id(table)] = (weakref.ref(table), counts)
    return counts
