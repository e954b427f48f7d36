"""Buyers entered twice, found after the fact (查重), and merged into one.

Two buyer rows look like one buyer when they share an email (in any case), a phone or
fax number (in any format: read with each buyer's country), a company email domain
(free-mail domains say nothing), or a company name equal once legal forms, punctuation,
accents and word order are dropped ("Gulf Lights L.L.C." and "Lights Gulf Trading Co").
A word two company names share ("Lighting") is not enough, nor is a gmail.com address.

A merge links the other buyer's inquiries, contacts, quotes, samples and grade history
to the kept buyer, fills the kept buyer's blank cells from the other (the earlier First
contact, the later Last contact, both product lists), and marks the other's row "Merged
into" the kept one: the row stays in the user's sheet, and every read skips it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from inquiry_cli.contract.changes import CellValue, ChangeSet
from inquiry_cli.contract.records import Table, Workbook
from inquiry_cli.domain import model
from inquiry_cli.domain.identity import email_key, phone_key
from inquiry_cli.domain.matching import FREE_MAIL, normalize_name
from inquiry_cli.errors import UsageError

# The sheets whose rows name a buyer, linked to the kept buyer by a merge.
LINKED = ("inquiries", "contacts", "quotes", "samples", "grade_history")
NOUNS = {
    "Inquiries": ("inquiry", "inquiries"),
    "Contacts": ("contact", "contacts"),
    "Quotes": ("quote row", "quote rows"),
    "Samples": ("sample", "samples"),
    "Grade history": ("grade history row", "grade history rows"),
}
# Buyers columns a merge never fills from the other row.
NOT_FILLED = frozenset({"buyer_id", "merged_into"})


@dataclass
class Group:
    """Buyers that look like one, in sheet order, with what they share."""

    buyers: list[model.Buyer]
    evidence: list[str] = field(default_factory=list)  # "B0001, B0002: same email a@b.com"

    @property
    def keep(self) -> model.Buyer:
        """The buyer to keep by default: the one entered first."""
        return self.buyers[0]


def find_groups(buyers: Table) -> list[Group]:
    """Every group of buyers that look like one, with the evidence, in sheet order."""
    records = model.load(buyers, model.Buyer)
    keys: dict[tuple[str, str], list[int]] = {}  # (what, value) -> indices

    def add(what: str, value: str | None, i: int) -> None:
        if value:
            keys.setdefault((what, value), []).append(i)

    for i, b in enumerate(records):
        email = email_key(b.email)
        add("email", email, i)
        if email and "@" in email:
            domain = email.rsplit("@", 1)[1]
            if domain not in FREE_MAIL:
                add("company domain", domain, i)
        name = normalize_name(b.company)
        if name:
            add("company name", " ".join(sorted(name.split())), i)
        for number in {n for n in (b.phone, b.fax) if n}:
            add("number", phone_key(number), i)
    parent = list(range(len(records)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    evidence: list[tuple[list[int], str]] = []
    for (what, value), members in keys.items():
        members = sorted(set(members))
        if what == "number":  # the last digits agree: read each with its own country
            for same in _same_numbers(records, members):
                first = records[same[0]]
                evidence.append((same, f"same phone/fax {first.phone or first.fax}"))
            continue
        if len(members) > 1:
            shown = f"{value!r}" if what == "company name" else value
            evidence.append((members, f"same {what} {shown}"))
    for members, _why in evidence:
        for i in members[1:]:
            parent[root(i)] = root(members[0])
    groups: dict[int, Group] = {}
    strength = {"email": 0, "phone/fax": 1, "company domain": 2, "company name": 3}
    for members, why in sorted(
        evidence, key=lambda e: (e[0][0], next(v for k, v in strength.items() if k in e[1]))
    ):
        group = groups.setdefault(root(members[0]), Group([]))
        ids = ", ".join(records[i].key for i in members)
        group.evidence.append(f"{ids}: {why}")
    for i, b in enumerate(records):
        if root(i) in groups:
            groups[root(i)].buyers.append(b)
    return [g for _, g in sorted(groups.items(), key=lambda kv: kv[1].buyers[0].row)]


def _same_numbers(records: list[model.Buyer], members: list[int]) -> list[list[int]]:
    """Buyers among `members` (their numbers end in the same digits) who share a line."""
    if len(members) < 2:
        return []
    out: list[list[int]] = []
    seen: set[int] = set()
    for a in members:
        if a in seen:
            continue
        same = [a]
        for b in members:
            if b > a and b not in seen and _lines(records[a]) & _lines(records[b]):
                same.append(b)
        if len(same) > 1:
            seen.update(same)
            out.append(same)
    return out


def _lines(b: model.Buyer) -> set[tuple[int, int] | str]:
    """The buyer's phone and fax as lines: (country code, national number) when
    phonenumbers reads them in the buyer's country, else their digits."""
    from inquiry_cli.domain.countries import country_code

    region = country_code(b.country)
    return {_line(n, region) for n in (b.phone, b.fax) if n}


@lru_cache(maxsize=4096)
def _line(number: str, region: str | None) -> tuple[int, int] | str:
    import phonenumbers

    text = number.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, region)
        return (int(parsed.country_code or 0), int(parsed.national_number or 0))
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in text if ch.isdigit())


def groups_json(groups: list[Group]) -> list[dict[str, Any]]:
    return [
        {
            "buyers": [
                {
                    "buyer_id": b.buyer_id,
                    "name": b.name,
                    "company": b.company,
                    "email": b.email,
                    "phone": b.phone,
                    "row": b.row,
                }
                for b in g.buyers
            ],
            "evidence": g.evidence,
            "keep": g.keep.key,
        }
        for g in groups
    ]


# ---------------------------------------------------------------- merging


def rows_naming(table: Table | None, buyer: model.Buyer) -> list[int]:
    """Indices of the rows of `table` that name this buyer: their Buyer ID (or their
    email written there), else a blank Buyer ID and their email."""
    if table is None:
        return []
    ident = (buyer.buyer_id or "").strip().lower()
    email = (buyer.email or "").strip().lower()
    ids = table.keys("buyer_id") if table.has("buyer_id") else [None] * len(table)
    emails = table.keys("email") if table.has("email") else [None] * len(table)
    out = []
    for i, (who, mail) in enumerate(zip(ids, emails, strict=True)):
        who = (who or "").lower()
        if (ident and who == ident) or (email and who == email) or (not who and email == mail):
            out.append(i)
    return out


def merge(book: Workbook, keep: model.Buyer, other: model.Buyer) -> Any:  # recording.Outcome
    """One change: the other's rows linked to the kept buyer, the kept buyer's blank cells
    filled, the other's row marked merged (never deleted)."""
    from inquiry_cli.domain import recording

    if keep.row == other.row:
        raise UsageError(f"{keep.key} and {other.key} are the same buyer: nothing to merge")
    ref = keep.buyer_id or keep.email
    if not ref:
        raise UsageError(
            f"{keep.label} has no Buyer ID and no email: give the kept buyer one of them first"
        )
    buyers = book.table("buyers")
    changes = ChangeSet()
    out = recording.Outcome(changes, buyer=keep)
    linked: dict[str, int] = {}
    for key in LINKED:
        table = book.get(key)
        if table is None:
            continue
        rows = rows_naming(table, other)
        if not rows:
            continue
        if table.has("buyer_id"):  # (Quotes and Samples may name buyers by email there)
            column = "buyer_id"
            value = model.buyer_ref(table, keep) if key in ("quotes", "samples") else ref
        elif table.has("email") and keep.email:
            column, value = "email", keep.email
        else:
            out.warnings.append(
                f"{table.name} has neither a Buyer ID nor an Email column to link "
                f"{len(rows)} row(s) of {other.key} by: not linked"
            )
            continue
        for i in rows:
            changes.set(table.name, table.row_numbers[i], table.col(column), value)
        linked[table.spec.title] = len(rows)
    filled = _fill(buyers, keep, other, changes)
    note = recording.ensure_column(buyers, "merged_into", changes)
    if note:
        out.lines.append(note)
    changes.set(buyers.name, other.row, buyers.col("merged_into"), ref)
    what = ", ".join(f"{n} {NOUNS[sheet][n != 1]}" for sheet, n in linked.items())
    out.lines.insert(0, f"Merged {other.key} {other.label} into {keep.key} {keep.label}")
    out.lines.append(f"Linked to {keep.key}: {what}" if what else f"{other.key} had no other rows")
    if filled:
        out.lines.append(f"Filled in {keep.key} from {other.key}: {', '.join(filled)}")
    if other.grade and keep.grade and other.grade != keep.grade:
        out.lines.append(f"Kept grade {keep.grade} ({other.key} was {other.grade})")
    out.lines.append(
        f"{other.key}'s row (row {other.row}) stays in {buyers.name}, marked "
        f"'Merged into {ref}'; every command skips it. `inq undo` undoes the merge."
    )
    return out


def _fill(buyers: Table, keep: model.Buyer, other: model.Buyer, changes: ChangeSet) -> list[str]:
    """Set the kept buyer's blank cells from the other; the headers filled."""
    filled: list[str] = []
    for key in buyers.columns:
        if key in NOT_FILLED or not hasattr(keep, key):
            continue
        mine, theirs = getattr(keep, key), getattr(other, key)
        value: CellValue = None
        if key in ("first_contact", "last_contact") and mine and theirs:
            # the earlier First contact, the later Last contact
            if theirs != mine and (theirs < mine) == (key == "first_contact"):
                value = theirs
        elif key == "products" and mine and theirs:
            joined = list(dict.fromkeys([*keep.product_list, *other.product_list]))
            if len(joined) > len(keep.product_list):
                value = ", ".join(joined)
        elif mine in (None, "") and theirs not in (None, ""):
            value = theirs
        if value is not None:
            changes.set(buyers.name, keep.row, buyers.col(key), value)
            filled.append(buyers.header_of(key))
    return filled
