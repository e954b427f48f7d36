"""Find a buyer from whatever the salesperson has in front of them: email, phone, name, URL.

Used by `inq lookup` and as the duplicate check (查重) before adding a buyer. Every match
carries its reasons, so the user can judge it: "same email", "same phone", "same company
domain", "name like ...". Phones are compared with `phonenumbers` (read with the buyer's
country when typed without a country code); names and companies with `rapidfuzz`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from urllib.parse import urlparse

from inquiry_cli.domain import model
from inquiry_cli.domain.countries import country_code
from inquiry_cli.domain.identity import PHONE_KEY_DIGITS, phone_key, without_bracketed_trunk
from inquiry_cli.domain.model import Buyer

if TYPE_CHECKING:  # (find() on the lookup index's columns needs no Table: 11 ms of imports)
    from inquiry_cli.contract.records import Table

# Free-mail providers: a shared domain here says nothing about being colleagues.
FREE_MAIL = frozenset(
    """
    gmail.com googlemail.com hotmail.com hotmail.co.uk hotmail.fr hotmail.de hotmail.it
    outlook.com live.com live.co.uk msn.com yahoo.com yahoo.co.uk yahoo.fr yahoo.de
    yahoo.co.in yahoo.com.br yahoo.com.mx ymail.com rocketmail.com aol.com icloud.com me.com
    mac.com gmx.de gmx.net gmx.com web.de mail.ru yandex.ru yandex.com protonmail.com
    proton.me zoho.com mail.com inbox.com 163.com 126.com yeah.net qq.com foxmail.com
    sina.com sina.cn sohu.com aliyun.com 139.com naver.com daum.net hanmail.net
    rediffmail.com libero.it orange.fr wanadoo.fr free.fr laposte.net t-online.de
    bigpond.com btinternet.com seznam.cz wp.pl o2.pl interia.pl onet.pl uol.com.br
    bol.com.br terra.com.br
    """.split()
)

# Legal-form and filler words ignored when comparing company names.
LEGAL_WORDS = frozenset(
    """
    ltd limited llc l.l.c co company corp corporation inc incorporated trading trade
    fze fzco fzc fzllc est establishment gmbh ag kg sa s.a sas sarl srl spa s.p.a bv nv
    pty plc llp lp oy ab as aps sl s.l sa.de.cv de cv sdn bhd pte tbk pt jsc ojsc ooo
    group international intl enterprises enterprise industries industrial holding holdings
    import export imports exports general the and &
    """.split()
)
CJK_LEGAL = ("有限责任公司", "股份有限公司", "有限公司", "贸易", "公司", "集团")

SCORE_EMAIL = 100
SCORE_PHONE = 95
SCORE_PHONE_DIGITS = 85
SCORE_URL_DOMAIN = 85
SCORE_DOMAIN = 75
FUZZY_CUTOFF = 78  # rapidfuzz WRatio below this is noise


@dataclass
class Query:
    """What the user typed, understood."""

    raw: str
    email: str | None = None
    domain: str | None = None  # a company domain (free mail excluded)
    from_url: bool = False
    phone: str | None = None  # the number as typed, when it looks like one
    text: str | None = None  # for fuzzy name/company matching
    row: int | None = None  # "row 7": the Buyers sheet's Excel row


@dataclass
class Match:
    buyer: Buyer
    score: int
    reasons: list[str] = field(default_factory=list)


_EMAIL_IN = re.compile(r"[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_PHONE_CHARS = re.compile(r"^(?:tel:|fax:|phone:|t:|f:)?\s*\+?[\d\s().\-/]{7,}$", re.I)
_DOMAIN = re.compile(r"^(?:[a-z0-9\-]+\.)+[a-z]{2,}$")
_ROW = re.compile(r"^(?:(?:row|行)\s*#?\s*(\d{1,7})|第\s*(\d{1,7})\s*行)$", re.I)


def parse_query(raw: str) -> Query:
    """Tell an email, a phone number, a URL/domain and a name apart."""
    text = unicodedata.normalize("NFKC", raw).strip()
    q = Query(raw=raw)
    row = _ROW.match(text)
    if row:  # "row 7", "行 7", "第7行": the buyer on that row of the Buyers sheet
        q.row = int(row.group(1) or row.group(2))
        return q
    found = _EMAIL_IN.search(text)
    if found:
        q.email = found.group(0).lower()
        domain = q.email.rsplit("@", 1)[1]
        q.domain = None if domain in FREE_MAIL else domain
        name = text[: found.start()].replace("mailto:", "").strip(" \"<>'")
        q.text = name or None
        return q
    if _PHONE_CHARS.match(text) and sum(ch.isdigit() for ch in text) >= 7:
        q.phone = re.sub(r"^(?:tel|fax|phone|t|f):\s*", "", text, flags=re.I)
        return q
    lowered = text.lower()
    if "://" in lowered or lowered.startswith("www.") or _DOMAIN.match(lowered):
        host = urlparse(lowered if "://" in lowered else f"http://{lowered}").hostname or ""
        host = host.removeprefix("www.")
        if _DOMAIN.match(host):
            q.domain = None if host in FREE_MAIL else host
            q.from_url = True
            if q.domain is None:
                q.text = host
            return q
    q.text = text
    return q


def normalize_name(text: str | None) -> str:
    """Case, accents, punctuation, legal words dropped: 'Gülf-Lights Co., Ltd.' -> 'gulf lights'."""
    if not text:
        return ""
    value = unicodedata.normalize("NFKD", str(text))
    value = "".join(ch for ch in value if not unicodedata.combining(ch)).casefold()
    for word in CJK_LEGAL:
        value = value.replace(word, " ")
    value = re.sub(r"(?<=\b\w)\.(?=\w\b)", "", value)  # L.L.C., S.A., B.V.: one word
    value = re.sub(r"[^\w\s&]+", " ", value)
    words = [w for w in value.split() if w not in LEGAL_WORDS]
    joined = " ".join(words)
    # CJK names are written without spaces: "王 伟" and "王伟" are the same person.
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", joined)


@runtime_checkable  # (find() tells them from a Table so)
class BuyerColumns(Protocol):
    """What find() compares, for every buyer: a Buyers Table (TableColumns) or the
    lookup index's precomputed columns (workbook/index.py). One matching code path."""

    sheet: str  # the Buyers sheet's name, for "row 7 of Buyers"

    def column(self, key: str) -> list[Any]:
        """One of COLUMNS, a value per buyer (None or '' where blank)."""
        ...

    def equal(self, key: str, value: str) -> list[int]:
        """The buyers whose `key` is `value`, in order."""
        ...

    def ending(self, key: str, suffix: str) -> list[int]:
        """The buyers whose `key` is a text ending in `suffix`, in order."""
        ...

    def merged(self) -> list[MergedLink]:
        """The rows merged into another buyer, each with the index of the buyer kept."""
        ...

    def row_index(self, row: int) -> int | None:
        """The buyer at (or grouping) Excel row `row`."""
        ...

    def buyers(self, indices: list[int]) -> list[Buyer]:
        """The Buyer records at these indices."""
        ...


# The columns find() reads: typed cells, and what it derives from them per buyer.
COLUMNS = (
    "email", "buyer_id", "phone", "fax", "country", "name", "company",
    "phone_key", "fax_key", "name_norm", "company_norm", "more_phones",
)  # fmt: skip

# A merged row: (index of the buyer kept, how to name the row, its email lower-cased or
# '', and its numbers as (kind, number, phone_key, region)).
MergedLink = tuple[int, str, str, tuple[tuple[str, str, str | None, str | None], ...]]


class TableColumns:
    """find()'s view of a Buyers Table: each column converted on first use, once."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.sheet = table.name
        self._columns: dict[str, list[Any]] = {}

    def column(self, key: str) -> list[Any]:
        found = self._columns.get(key)
        if found is None:
            found = self._columns[key] = self._compute(key)
        return found

    def _compute(self, key: str) -> list[Any]:
        if key == "more_phones":  # [[header, number], ...] per row (Mobile, WhatsApp)
            return self._more_phones()
        if key in ("phone_key", "fax_key"):
            return [phone_key(v) if v else None for v in self.column(key.removesuffix("_key"))]
        if key in ("name_norm", "company_norm"):
            return [normalize_name(v) if v else "" for v in self.column(key.removesuffix("_norm"))]
        return self.table.values(key)

    def equal(self, key: str, value: str) -> list[int]:
        return [i for i, v in enumerate(self.column(key)) if v == value]

    def ending(self, key: str, suffix: str) -> list[int]:
        return [i for i, v in enumerate(self.column(key)) if v and v.endswith(suffix)]

    def _more_phones(self) -> list[Any]:
        extra = self.table.more_phones
        if not extra:
            return [[] for _ in range(len(self.table))]
        from inquiry_cli.contract.cells import CONVERTERS

        convert = CONVERTERS["phone"]
        out: list[Any] = []
        for row in self.table.rows:
            found = []
            for c, header in extra.items():
                if c < len(row) and row[c] not in ("", None):
                    number = convert(row[c])[0]
                    if number:
                        found.append([header, str(number)])
            out.append(found)
        return out

    def merged(self) -> list[MergedLink]:
        """A buyer merged into another (`inq merge`) is found as the buyer kept, by the
        email or number the merged row holds: nobody adds them again by mistake."""
        table = self.table
        if not table.merged:
            return []
        index: dict[str, int] = {}
        for key in ("email", "buyer_id"):
            for i, value in enumerate(table.keys(key) if table.has(key) else []):
                if value:
                    index.setdefault(value.lower(), i)
        links: list[MergedLink] = []
        for number, row in table.merged:
            kept = index.get((table.merged_cell(row, "merged_into") or "").lower())
            if kept is None:
                continue
            who = table.merged_cell(row, "buyer_id") or f"row {number}"
            email = (table.merged_cell(row, "email") or "").lower()
            region = country_code(table.merged_cell(row, "country"))
            numbers = tuple(
                (kind, value, phone_key(value), region)
                for kind in ("phone", "fax")
                if (value := table.merged_cell(row, kind))
            )
            links.append((kept, who, email, numbers))
        return links

    def row_index(self, row: int) -> int | None:
        return self.table.row_index(row)

    def buyers(self, indices: list[int]) -> list[Buyer]:
        return model.load(self.table, Buyer, indices)


def find(buyers: Table | BuyerColumns, query: Query, limit: int = 10) -> list[Match]:
    """Buyers matching the query, best first, each with its reasons.

    Works column by column on the Buyers table (or the lookup index's columns) and
    builds Buyer records only for the hits, so a lookup in 10,000 buyers converts two or
    three columns, not twenty.
    """
    # (not isinstance(buyers, Table): the lookup index's answer imports no Table)
    cols = buyers if isinstance(buyers, BuyerColumns) else TableColumns(buyers)
    hits: dict[int, tuple[int, list[str]]] = {}

    def hit(i: int, score: int, reason: str) -> None:
        old = hits.get(i)
        if old is None:
            hits[i] = (score, [reason])
        elif reason not in old[1]:
            hits[i] = (min(100, max(old[0], score) + 2), [*old[1], reason])

    if query.row is not None:
        at = cols.row_index(query.row)
        if at is not None:
            hit(at, SCORE_EMAIL, f"row {query.row} of {cols.sheet}")
    same: set[int] = set()  # the buyers with the email typed
    if query.email:
        for i in cols.equal("email", query.email):
            hit(i, SCORE_EMAIL, "same email")
            same.add(i)
    if query.domain:
        suffix = "@" + query.domain
        score, reason = (
            (SCORE_URL_DOMAIN, f"email at {query.domain}")
            if query.from_url
            else (SCORE_DOMAIN, f"same company domain {query.domain}")
        )
        for i in cols.ending("email", suffix):
            if i not in same:
                hit(i, score, reason)
    if query.phone:
        _match_phones(cols, query.phone, hit)
    if query.text:
        wanted = query.text.strip().upper()
        for i, ident in enumerate(cols.column("buyer_id")):
            if ident and ident.upper() == wanted:
                hit(i, SCORE_EMAIL, "Buyer ID")
        _match_names(cols, query.text, hit)
    if query.email or query.phone:
        _match_merged(cols.merged(), query, hit)
    order = sorted(hits, key=lambda i: (-hits[i][0], i))[:limit]
    records = cols.buyers(order)
    return [Match(b, hits[i][0], hits[i][1]) for i, b in zip(order, records, strict=True)]


def _match_merged(links: list[MergedLink], query: Query, hit) -> None:
    wanted = phone_key(query.phone) if query.phone else None
    for kept, who, email, numbers in links:
        if query.email and email == query.email:
            hit(kept, SCORE_EMAIL, f"same email as {who}, merged into this buyer")
        for kind, value, key, region in numbers if wanted else ():
            if key == wanted and query.phone and same_number(query.phone, value, region):
                hit(kept, SCORE_PHONE, f"same {kind} as {who}, merged into this buyer")


def _match_phones(cols: BuyerColumns, typed: str, hit) -> None:
    key = phone_key(typed)
    if not key:
        return
    countries = cols.column("country")
    # A number typed the local way may be shorter than the keys (8 digits in Singapore or
    # Hong Kong, "9672 5815" for +65 9672 5815): then its digits end the stored key.
    short = len(key) < PHONE_KEY_DIGITS
    for kind in ("phone", "fax"):
        numbers = cols.column(kind)
        for i, number_key in enumerate(cols.column(f"{kind}_key")):
            if not number_key:
                continue
            alike = number_key == key or (short and number_key.endswith(key))
            if not alike and len(number_key) < PHONE_KEY_DIGITS:  # stored short, typed long
                alike = key.endswith(number_key)
            if alike and (number := numbers[i]):
                if same_number(typed, number, country_code(countries[i])):
                    hit(i, SCORE_PHONE, f"same {kind}")
                else:
                    hit(i, SCORE_PHONE_DIGITS, f"{kind} ends in the same digits")
    for i, pairs in enumerate(cols.column("more_phones")):
        for header, number in pairs:  # Mobile, WhatsApp beside the Phone column
            number_key = phone_key(number)
            if not number_key:
                continue
            alike = number_key == key or (short and number_key.endswith(key))
            if not alike and len(number_key) < PHONE_KEY_DIGITS:
                alike = key.endswith(number_key)
            if not alike:
                continue
            if same_number(typed, number, country_code(countries[i])):
                hit(i, SCORE_PHONE, f"same phone ({header})")
            else:
                hit(i, SCORE_PHONE_DIGITS, f"{header} ends in the same digits")


def same_number(a: str, b: str, region: str | None) -> bool:
    """Are two typed numbers the same line? Numbers without +country are read in `region`."""
    import phonenumbers

    def parse(text: str):
        text = without_bracketed_trunk(text.strip())
        if text.startswith("00"):
            text = "+" + text[2:]
        try:
            return phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            return None

    pa, pb = parse(a), parse(b)
    if pa is None or pb is None:
        return False
    # E.164 keeps the 0 Italy dials from abroad (+39 06 ...): +39 6 ... is another number.
    e164 = phonenumbers.PhoneNumberFormat.E164
    return phonenumbers.format_number(pa, e164) == phonenumbers.format_number(pb, e164)


def _match_names(cols: BuyerColumns, text: str, hit) -> None:
    from rapidfuzz import fuzz, process

    wanted = normalize_name(text)
    if len(wanted) < 2:
        return
    for kind in ("name", "company"):
        raw = cols.column(kind)
        # (a name of one or two letters once its legal words are gone, "A GmbH" -> "a",
        # is inside every other: it is matched when it is the same, never as like)
        found = process.extract(
            wanted,
            {i: c for i, c in enumerate(cols.column(f"{kind}_norm")) if len(c) > 2 or c == wanted},
            scorer=fuzz.WRatio,
            score_cutoff=FUZZY_CUTOFF,
            limit=25,
        )
        for _choice, score, i in found:
            exact = round(score) >= 100
            label = f"same {kind}" if exact else f"{kind} like {raw[i]!r} ({round(score)}%)"
            hit(i, int(min(score, 100) * 0.9), label)


def no_buyer_on_row(buyers: Table, row: int) -> str:
    """Why "row N" names nobody: the header row, above it, or a row without a buyer."""
    if row == buyers.header_row:
        return f"row {row} is the header row of {buyers.name}"
    if row < buyers.header_row:
        return f"row {row} is above the header row of {buyers.name} (row {buyers.header_row})"
    return f"row {row} of {buyers.name} holds no buyer"


def sure(matches: list[Match]) -> list[Match]:
    """The matches as sure as a phone number (email, Buyer ID, phone): one names the buyer."""
    return [m for m in matches if m.score >= SCORE_PHONE]


def best(matches: list[Match]) -> Match | None:
    """The single match to show as a card, or None when several are equally close."""
    if not matches:
        return None
    if len(matches) == 1 or matches[0].score >= SCORE_PHONE:
        return matches[0]
    if matches[0].score - matches[1].score >= 8:
        return matches[0]
    return None
