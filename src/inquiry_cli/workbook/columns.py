"""Which column of the user's header is which field, and how sure inq is of each.

In order: the user's own mapping (`inq map`, stored in the workbook); the contract's
aliases; an alias in one language of a bilingual header ("Email 邮箱"); the words of the
trade (contract/vocabulary.py); an alias inside a longer header; and last what the cells
under an unknown header hold (contract/evidence.py), from a sample of the first rows.
Every match is a ColumnMatch saying how it was made; a guess is read, never written to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from inquiry_cli.contract import evidence, schema, vocabulary
from inquiry_cli.contract.records import ALIAS, CONTENT, USER, VOCABULARY, ColumnMatch

HEADER_SCAN_ROWS = 15  # how far below the top a header row may sit (title rows, banners)
EVIDENCE_ROWS = 20  # how many rows under the header the cells are sampled from
HEAD_ROWS = HEADER_SCAN_ROWS + EVIDENCE_ROWS  # what a header-only read takes of a sheet

Matches = dict[str, ColumnMatch]
UserFields = dict[str, "str | None"]


def map_header(
    spec: schema.Sheet,
    header: Sequence[Any],
    user: UserFields | None = None,
    exclude: frozenset[tuple[str, int]] = frozenset(),
) -> tuple[Matches, set[str]]:
    """(field -> match, the fields whose doubt the cells may settle) from a header row;
    `exclude`: (field, column) pairs the cells ruled out."""
    user = user or {}
    texts = [h.strip() if isinstance(h, str) else "" for h in header]
    labels = [schema.norm(t) if t else "" for t in texts]
    out: Matches = {}
    taken: set[int] = set()
    settle: set[str] = set()
    blocked = {k for k, v in user.items() if v is None}
    columns = [c for c in spec.all_columns if c.key not in blocked]

    def take(key: str, i: int, how: str, confidence: float, sure: bool, why: str) -> None:
        if (key, i) in exclude:
            return
        out[key] = ColumnMatch(key, i, texts[i], how, confidence, sure, why)
        taken.add(i)

    for key, wanted in user.items():  # 1. the user's word wins
        if wanted is None:
            continue
        w = schema.norm(wanted)
        for i, label in enumerate(labels):
            if label == w and i not in taken and key not in out:
                take(key, i, USER, 1.0, True, "set with inq map")
    for col in columns:  # 2. an alias, exactly; the column's own name before an alias
        if col.key in out:
            continue
        own = {schema.norm(col.header), schema.norm(col.key)}
        hits = [
            i for i, label in enumerate(labels) if label and i not in taken and label in col.names
        ]
        if hits:  # ("Customer" is a Company's alias, but not beside a "Company" column)
            best = min(hits, key=lambda i: (labels[i] not in own, labels[i] in EITHER))
            take(col.key, best, ALIAS, 1.0, True, "header is a known name")
    _person_beside_company(columns, labels, out, taken, take)
    _bilingual(columns, texts, labels, out, taken, take)
    _vocabulary(spec, columns, texts, out, taken, take, settle, sure_only=True)
    for col in columns:  # 5. an alias inside a longer header ("Email (work)")
        if col.key in out:
            continue
        names = [n for n in col.names if len(n) >= 4 or (n and not n.isascii())]
        for i, label in enumerate(labels):
            if label and i not in taken and any(n in label for n in names):
                take(col.key, i, ALIAS, 0.8, True, "header holds a known name")
                break
    _vocabulary(spec, columns, texts, out, taken, take, settle, sure_only=False)
    return out, settle


EITHER = frozenset(schema.norm(h) for h in schema.PERSON_OR_COMPANY)


def _person_beside_company(columns, labels, out, taken, take) -> None:
    """2b. "客户名称 | 公司", "Buyer | Company name": a header that names the buyer as a
    person or a firm, beside a plain company column, is the person's Name."""
    keys = {c.key for c in columns}
    company = out.get("company")
    if not {"name", "company"} <= keys or "name" in out or company is None:
        return
    if labels[company.index] in EITHER:
        return
    free = [i for i, label in enumerate(labels) if label in EITHER and i not in taken]
    if free:
        take("name", free[0], ALIAS, 0.9, True, "names the buyer, beside a Company column")


def _bilingual(columns, texts, labels, out, taken, take) -> None:
    """3. "Email 邮箱", "Tel / WhatsApp": a part of the header that is an alias."""
    for i, text in enumerate(texts):
        if not text or i in taken or not labels[i]:
            continue
        named: list[str] = []
        for part in vocabulary.parts(text):
            n = schema.norm(part)
            hit = next((c.key for c in columns if n and n in c.names), None)
            if hit is not None and hit not in named:
                named.append(hit)
        free = [k for k in named if k not in out]
        if len(named) == 1 and free:
            take(free[0], i, ALIAS, 0.95, True, "a part of the header is a known name")
        elif len(named) > 1 and free:
            parts = ", ".join(named)
            take(free[0], i, ALIAS, 0.6, False, f"its parts name several fields ({parts})")


def _vocabulary(spec, columns, texts, out, taken, take, settle, sure_only: bool) -> None:
    """4./6. The words of the trade; the most specific reading first."""
    allowed = {c.key for c in columns}
    found = []
    for i, text in enumerate(texts):
        if not text or i in taken:
            continue
        for rank, reading in enumerate(vocabulary.readings(spec.key, text)):
            if reading.field in allowed and (reading.sure or not sure_only):
                found.append((-reading.score, rank, i, reading))
    for _score, _rank, i, reading in sorted(found, key=lambda f: f[:3]):
        if i in taken or reading.field in out:
            continue
        take(
            reading.field,
            i,
            VOCABULARY,
            0.9 if reading.sure else 0.6,
            reading.sure,
            reading.why,
        )
        if not reading.sure and reading.settles:
            settle.add(reading.field)


def header_score(matches: Matches) -> float:
    """How much a row looks like the header: sure matches count whole, guesses half."""
    return sum(1.0 if m.sure else 0.5 for m in matches.values())


def find_header(
    spec: schema.Sheet, rows: Sequence[Sequence[Any]], user: UserFields | None = None
) -> tuple[int, Matches, set[str]]:
    """The 0-based index of the header row among the first rows, its matches, and the
    fields the cells may settle. A title row or merged banner above it matches less."""
    best_idx, best, best_settle, best_score = -1, {}, set(), 0.0
    for idx, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        matches, settle = map_header(spec, row, user)
        score = header_score(matches)
        if score > best_score:
            best_idx, best, best_settle, best_score = idx, matches, settle, score
    needed = 1 if len(spec.columns) <= 3 else 2
    if best_score < needed and not any(m.how == USER for m in best.values()):
        return -1, {}, set()
    return best_idx, best, best_settle


def header_by_cells(
    spec: schema.Sheet, rows: Sequence[Sequence[Any]], user: UserFields | None = None
) -> int:
    """The 0-based header row of a sheet headed in no language inq knows ("Firma",
    "E-Mail-Adresse"): the first row that could be a header (label_row) over cells that
    give a field for sure (a column of emails); -1 when there is none."""
    if spec.key_value:
        return -1
    blocked = frozenset(k for k, v in (user or {}).items() if v is None)
    for idx, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if not label_row(row):
            continue
        sample = [r for r in rows[idx + 1 : idx + 1 + EVIDENCE_ROWS] if any(r)]
        found, _suggested, _ruled_out = weigh_evidence(spec, {}, set(), row, sample, blocked)
        if any(m.sure for m in found.values()):
            return idx
    return -1


def label_row(row: Sequence[Any]) -> bool:
    """Whether a row could be a header: two or more labels (words, not an address or a
    link), and besides them only numbers (a 2025 | 2026 column per year), no dates."""
    labels = 0
    for v in row:
        if v is None or v == "":
            continue
        if isinstance(v, str):
            text = v.strip()
            if "@" in text or "://" in text or len(text) > 80:
                return False
            labels += bool(text)
        elif isinstance(v, bool) or not isinstance(v, int | float):
            return False  # (a date, a tick: a record's cells)
    return labels >= 2


def understand(
    spec: schema.Sheet,
    header: Sequence[Any],
    matches: Matches,
    settle: set[str],
    sample: Sequence[Sequence[Any]],
    user: UserFields | None = None,
) -> tuple[Matches, Matches]:
    """(matches, suggestions) for a header once its cells are looked at: a match the cells
    rule out is mapped anew without it (once), then weighed again."""
    blocked = frozenset(k for k, v in (user or {}).items() if v is None)
    out, suggestions, ruled_out = weigh_evidence(spec, matches, settle, header, sample, blocked)
    if ruled_out:
        again, settle = map_header(spec, header, user, frozenset(ruled_out))
        out, suggestions, _ = weigh_evidence(spec, again, settle, header, sample, blocked)
    _person_or_company(out, sample)
    return out, suggestions


def _person_or_company(out: Matches, sample: Sequence[Sequence[Any]]) -> None:
    """A person's column and a company's read the wrong way round ("Name" over "Wolf
    Licht GmbH"s beside "Customer" over "Lena Wolf"s) change places, as their cells say."""
    company = out.get("company")
    person = next((out[k] for k in ("name", "client") if k in out), None)
    if company is None or person is None or USER in (company.how, person.how):
        return

    def shares(match: ColumnMatch) -> tuple[dict[str, float], int]:
        return evidence.profile([r[match.index] for r in sample if match.index < len(r)])

    (as_company, n), (as_person, m) = shares(company), shares(person)
    if min(n, m) < 3:
        return
    people = as_company.get(evidence.PEOPLE, 0.0) >= evidence.MOST
    companies = as_person.get(evidence.COMPANIES, 0.0) >= evidence.MOST
    if people and companies:
        why = "their cells say so"
        out["company"] = ColumnMatch(
            "company", person.index, person.header, CONTENT, 0.85, True, f"{why}: company names"
        )
        out[person.field] = ColumnMatch(
            person.field, company.index, company.header, CONTENT, 0.85, True, f"{why}: people"
        )


def weigh_evidence(
    spec: schema.Sheet,
    matches: Matches,
    settle: set[str],
    header: Sequence[Any],
    sample: Sequence[Sequence[Any]],
    blocked: set[str] | frozenset[str] = frozenset(),
) -> tuple[Matches, Matches, set[tuple[str, int]]]:
    """(matches, suggestions, the matches the cells ruled out) once the cells under the
    header are looked at.

    A guess the cells bear out becomes sure ("Client" of company names); one they
    contradict is ruled out (a "date" column of words; "Contacto" over emails is no
    Contact name). An unknown header over emails is read as Email; over phone numbers
    or grade letters, guessed; over dates, offered as the likely column of a date field
    the sheet lacks (never read: which date is it?).
    """
    texts = [h.strip() if isinstance(h, str) else "" for h in header]
    width = max([len(texts), *(len(r) for r in sample)], default=0)
    cells = [[r[i] for r in sample if i < len(r)] for i in range(width)]
    out = dict(matches)
    ruled_out: set[tuple[str, int]] = set()
    for key, match in matches.items():
        loose = match.how == ALIAS and match.confidence < 0.9  # an alias inside the header
        if match.how == USER or (match.sure and not loose):
            continue
        expected = _expected(spec, key)
        if expected is None:
            continue
        shares, n = evidence.profile(cells[match.index])
        share = shares.get(expected, 0.0)
        if n >= 3 and _contradicts(expected, shares):
            ruled_out.add((key, match.index))
            other = _swap(spec, key, shares, out)
            del out[key]
            if other is not None and other not in blocked:
                out[other] = _content(other, match, f"its cells are {_kind(spec, other)}")
            continue
        if match.sure:
            continue
        if key in settle and n >= evidence.MIN_CELLS and share >= evidence.MOST:
            out[key] = ColumnMatch(
                key,
                match.index,
                match.header,
                match.how,
                0.85,
                True,
                f"{match.why}; its cells are {expected}",
            )
    used = {m.index for m in out.values()}
    suggestions: Matches = {}
    _only_dates(spec, cells, texts, used, out, blocked)
    for i, column in enumerate(cells):
        if i in used or i >= len(texts) or not texts[i]:
            continue
        shares, n = evidence.profile(column)
        if n < evidence.MIN_CELLS:
            continue
        for kind, key, sure in _BY_CONTENT.get(spec.key, ()):
            if shares.get(kind, 0.0) < 0.9 or key in blocked:
                continue
            if key not in out and (sure or not _has_kind(out, spec, kind)):
                out[key] = ColumnMatch(
                    key, i, texts[i], CONTENT, 0.85 if sure else 0.5, sure, f"its cells are {kind}"
                )
                used.add(i)
                break
        else:
            if shares.get(evidence.DATES, 0.0) >= evidence.MOST:
                for key in _DATE_FIELDS.get(spec.key, ()):
                    if key not in out and key not in suggestions and key not in blocked:
                        suggestions[key] = ColumnMatch(
                            key, i, texts[i], CONTENT, 0.3, False, "its cells are dates"
                        )
                        break
            if shares.get(evidence.TICKS, 0.0) >= evidence.MOST:
                for key in _TICK_FIELDS.get(spec.key, ()):
                    if key not in out and key not in suggestions and key not in blocked:
                        suggestions[key] = ColumnMatch(
                            key, i, texts[i], CONTENT, 0.3, False, "its cells are yes/no ticks"
                        )
    _email_refs(spec, cells, texts, used, out, blocked)
    return out, suggestions, ruled_out


# Words that say a column is about the buyer (客户邮箱, Customer e-mail), not about us.
_BUYER_WORDS = re.compile(r"客户|买家|客人|customer|buyer|client|kunde|cliente", re.I)


def _email_refs(
    spec: schema.Sheet,
    cells: list[list[Any]],
    texts: list[str],
    used: set[int],
    out: Matches,
    blocked: set[str] | frozenset[str],
) -> None:
    """Quotes or Samples that nothing else names the buyer on (no Buyer ID, Client or
    Company column): the one column of the buyers' emails does. Its cells are emails,
    not one address on every row (the salesperson's own); an empty one is headed so
    (客户邮箱, Customer e-mail). A Client or Company guessed from such a header ("客户",
    "Customer" in it) gives way to it."""
    if spec.key not in ("quotes", "samples") or "buyer_id" in out or "buyer_id" in blocked:
        return
    held = {m.index: k for k, m in out.items()}
    for key in ("client", "company"):
        match = out.get(key)
        if match is not None and (match.how == USER or not schema.names_by_email(match.header)):
            return  # (the rows link by name: another address there is not the buyer's)
    found = []
    for i, text in enumerate(texts):
        if not text or (i in used and held.get(i) not in ("client", "company")):
            continue
        shares, n = evidence.profile(cells[i] if i < len(cells) else [])
        if n < evidence.MIN_CELLS:  # (too few cells to say: the header, and no other kind)
            if schema.names_by_email(text) and (n == 0 or shares.get(evidence.EMAILS) == 1.0):
                found.append(i)
        elif shares.get(evidence.EMAILS, 0.0) >= evidence.MOST:
            values = {str(v).strip().lower() for v in cells[i] if v not in (None, "")}
            if len(values) > 1 or n < 3 or _BUYER_WORDS.search(text):
                found.append(i)  # (one address on every row, not said to be the buyer's: ours)
    if len(found) == 1:
        i = found[0]
        if i in held:
            del out[held[i]]
        why = (
            "its cells are the buyers' emails"
            if cells[i : i + 1] and any(v not in (None, "") for v in cells[i])
            else "its header names the buyer's email"
        )
        out["buyer_id"] = ColumnMatch("buyer_id", i, texts[i], CONTENT, 0.8, True, why)
        used.add(i)


_STRONG = (evidence.EMAILS, evidence.PHONES, evidence.DATES, evidence.NUMBERS)
# A log dated by one column: where its header says nothing inq knows, and no other column
# of the sheet holds dates, that column is the date ("Sent on", "Wann", "Fecha envío").
_ONE_DATE = {"contacts": "date", "samples": "date"}  # (a quote has two: Date, Valid until)


def _only_dates(
    spec: schema.Sheet,
    cells: list[list[Any]],
    texts: list[str],
    used: set[int],
    out: Matches,
    blocked: set[str] | frozenset[str],
) -> None:
    """The date of a log whose only column of dates has a header inq cannot read."""
    key = _ONE_DATE.get(spec.key)
    if key is None or key in out or key in blocked:
        return
    dated = []
    for i, column in enumerate(cells):
        shares, n = evidence.profile(column)
        if n >= evidence.MIN_CELLS and shares.get(evidence.DATES, 0.0) >= evidence.MOST:
            dated.append(i)
    if len(dated) == 1 and dated[0] not in used and dated[0] < len(texts) and texts[dated[0]]:
        i = dated[0]
        out[key] = ColumnMatch(
            key, i, texts[i], CONTENT, 0.6, False, "its cells are dates, the sheet's only ones"
        )
        used.add(i)


def _contradicts(expected: str, shares: dict[str, float]) -> bool:
    """Whether the cells say the column is not what its header seemed to say."""
    if expected in (evidence.PEOPLE, evidence.COMPANIES):  # names are loosely recognised:
        return any(shares.get(k, 0.0) >= evidence.MOST for k in _STRONG)  # only what is sure
    return shares.get(expected, 0.0) < 0.3


# Unknown headers read by their cells: (kind, field, sure), per sheet.
_BY_CONTENT = {
    "buyers": (
        (evidence.EMAILS, "email", True),
        (evidence.PHONES, "phone", False),
        (evidence.GRADES, "grade", False),
    ),
    "inquiries": ((evidence.EMAILS, "email", True), (evidence.GRADES, "grade", False)),
    "contacts": ((evidence.EMAILS, "email", True),),
}
# The date fields a column of dates under an unknown header may be, likeliest first.
_DATE_FIELDS = {
    "buyers": ("last_contact", "next_follow_up", "first_contact"),
    "inquiries": ("received", "replied"),
    "contacts": ("date",),
}
_TICK_FIELDS = {"inquiries": ("replied",)}


def _expected(spec: schema.Sheet, key: str) -> str | None:
    if key in ("name", "client"):
        return evidence.PEOPLE
    if key == "company":
        return evidence.COMPANIES
    if key == "replied":
        return None  # a time or a tick: both fit
    return evidence.EXPECTED.get(spec.column(key).kind)


def _kind(spec: schema.Sheet, key: str) -> str:
    return _expected(spec, key) or "text"


def _swap(spec: schema.Sheet, key: str, shares: dict[str, float], out: Matches) -> str | None:
    """ "Client" guessed as a name over company names is the company (and back)."""
    pairs = {"name": "company", "client": "company", "company": "name"}
    other = pairs.get(key)
    if other == "name" and spec.key != "buyers":
        other = "client"
    if other is None or other in out or not spec_has(spec, other):
        return None
    return other if shares.get(_kind(spec, other), 0.0) >= evidence.MOST else None


def spec_has(spec: schema.Sheet, key: str) -> bool:
    return any(c.key == key for c in spec.all_columns)


def _has_kind(out: Matches, spec: schema.Sheet, kind: str) -> bool:
    """Whether a column already read holds this kind (a second phone column is no guess)."""
    return any(_expected(spec, k) == kind for k in out)


def _content(key: str, was: ColumnMatch, why: str) -> ColumnMatch:
    return ColumnMatch(key, was.index, was.header, CONTENT, 0.85, True, f"{was.why}; {why}")
