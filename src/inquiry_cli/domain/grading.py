"""Suggest a grade (A/B/C/D) for an inquiry from explainable rules, each with its reason.

docs/routine.md §3: A clear intent, deal very likely; B intent but hesitant; C long-term
purchase; D intent unclear. Specifics (quantity, target price, delivery, samples,
payment, shipping terms), a company domain and a repeat inquiry raise the grade; free
mail and a bare "send your price list" lower it; long-term words point to C.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from inquiry_cli.domain import model
from inquiry_cli.domain.matching import FREE_MAIL

# Where a Latin word or number starts or ends: `\b` in the rules. Python's own `\b` sees no
# edge between 汉字 and Latin letters (both are word characters), so "请报FOB价格" or
# "需要3000pcs" would say nothing about shipping terms or quantity.
_LATIN_EDGE = r"(?:(?<![a-z\d_])(?=[a-z\d_])|(?<=[a-z\d_])(?![a-z\d_]))"


class _Rule:
    """One rule's pattern, matched case-insensitively, fast on the usual all-ASCII message.

    Most inquiries are plain ASCII and name none of a rule's words, yet eight `re.I`
    searches of every message were most of `grade --suggest` on a sheet of 100,000
    ungraded inquiries. On ASCII text, lower-casing keeps every offset and is all that
    `re.I` does, so the same pattern without the flag runs on the lowered text, and not at
    all when none of the `hints` (literals every ASCII match must contain) is there. Any
    other text gets the `re.I` pattern itself. Spans are the same, so reasons quote the
    user's own words from `text`.
    """

    def __init__(self, pattern: str, hints: tuple[str, ...]) -> None:
        if re.search(r"[A-Z]", re.sub(r"\\.", "", pattern)) or any(h != h.lower() for h in hints):
            raise ValueError("a rule's pattern and hints are written in lower case")
        self.folded = re.compile(pattern)  # on ASCII, `\b` is already the Latin edge
        self.anycase = re.compile(pattern.replace(r"\b", _LATIN_EDGE), re.I)
        self.hints = hints

    def search(self, text: str, lowered: str | None) -> str | None:
        """The first match in `text`, as typed; `lowered` is `text.lower()` if `text` is ASCII."""
        if lowered is None:
            found = self.anycase.search(text)
        elif any(hint in lowered for hint in self.hints):
            found = self.folded.search(lowered)
        else:
            return None
        return text[found.start() : found.end()] if found else None


_DIGITS = tuple("0123456789")
_QTY = _Rule(
    r"\b\d[\d,.]*\s*(?:(?:k\s*)?(?:pcs|pieces|pc|units|sets|set|meters|m|rolls|cartons|ctns|"
    r"containers?|x\s*20'?\s*(?:gp|ft)|x\s*40'?\s*(?:hq|gp|ft)|40\s*hq|20\s*gp)\b|"
    r"[千万]?(?:件|套|台|箱|卷|米|支|片|只|条))",
    _DIGITS,
)
_PRICE = _Rule(
    r"target price|best price (?:for|at)|(?:us)?\$\s*\d|\d\s*(?:usd|us\$|dollars?)|"
    r"price (?:of|at|around|below|under) \d|budget of \d",
    ("price", "$", "usd", "dollar", "budget of"),
)
_DELIVERY = _Rule(
    r"delivery|lead ?time|ship(?:ping)? date|when can you (?:ship|deliver)|\beta\b|"
    r"production time|by (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|交货|货期",
    ("deliver", "lead", "ship", "eta", "production time", "by "),
)
_SAMPLE = _Rule(r"\bsamples?\b|样品", ("sample",))
_PAYMENT = _Rule(
    r"payment|t/t|\btt\b|l/c|\blc\b|deposit|paypal|western union|付款",
    ("payment", "t/t", "tt", "l/c", "lc", "deposit", "paypal", "western union"),
)
_SHIPPING = _Rule(
    r"\bfob\b|\bcif\b|\bexw\b|\bddp\b|\bcfr\b|shipping|freight|port of|\bport\b|incoterm",
    ("fob", "cif", "exw", "ddp", "cfr", "shipping", "freight", "port", "incoterm"),
)
_GENERIC = _Rule(
    r"price ?list|catalog(?:ue)?|brochure|send (?:me )?(?:your )?(?:best )?prices?\b|"
    r"product list|quotation for all|价格表|目录",
    ("list", "catalog", "brochure", "send ", "quotation for all"),
)
_LONG_TERM = _Rule(
    r"next year|next season|project|tender|budget|in the future|long[- ]term|"
    r"20\d\d (?:plan|budget)|明年|项目|招标",
    ("next ", "project", "tender", "budget", "in the future", "long", "plan"),
)
# (In this order: suggest() unpacks what _found() gives by it.)
RULES = (_QTY, _PRICE, _DELIVERY, _SAMPLE, _PAYMENT, _SHIPPING, _GENERIC, _LONG_TERM)


@dataclass
class Suggestion:
    grade: str
    score: int
    reasons: list[str] = field(default_factory=list)  # "+2 asks for a quantity (1,000 pcs)"


@lru_cache(maxsize=4096)  # (inquiries are often one template: Alibaba.com's, the user's own)
def _found(text: str) -> tuple[str | None, ...]:
    """What each of RULES finds in a message, as typed (None: nothing)."""
    lowered = text.lower() if text.isascii() else None
    return tuple(rule.search(text, lowered) for rule in RULES)


def suggest(inquiry: model.Inquiry, buyer: model.Buyer | None, earlier: int) -> Suggestion:
    """Grade an inquiry; `earlier` is how many earlier inquiries the buyer sent."""
    qty, price, delivery, sample, payment, shipping, generic, long_term = _found(
        inquiry.message or ""
    )
    reasons: list[str] = []
    score = 0

    def add(points: int, why: str) -> None:
        nonlocal score
        score += points
        reasons.append(f"{points:+d} {why}")

    if inquiry.quantity:
        add(2, f"asks for a specific quantity ({_qty(inquiry.quantity)})")
    elif qty:
        add(2, f"asks for a specific quantity ({qty.strip()})")
    if inquiry.target_price:
        add(2, f"gives a target price ({inquiry.target_price})")
    elif price:
        add(2, "talks about a target price")
    if delivery:
        add(1, "asks about delivery / lead time")
    if sample:
        add(1, "asks about samples")
    if payment:
        add(1, "asks about payment terms")
    if shipping:
        add(1, "asks about shipping terms")
    email = (buyer.email if buyer else None) or inquiry.email
    if email and "@" in email:
        domain = email.rsplit("@", 1)[1]
        if domain in FREE_MAIL:
            add(-1, f"free-mail address ({domain})")
        else:
            add(1, f"company email domain ({domain})")
    if buyer and (buyer.phone or buyer.fax):
        add(1, "gave a company phone/fax")
    if earlier:
        add(1, f"repeat inquiry ({earlier} earlier)")
    specific = bool(inquiry.quantity or qty or inquiry.target_price)
    if generic and not specific:
        add(-2, "generic request for a price list / catalog")
    if long_term:
        reasons.append(f"→ C: long-term purchase ('{long_term}')")
        return Suggestion("C" if score >= 0 else "D", score, reasons)
    if score >= 5:
        grade = "A"
    elif score >= 2:
        grade = "B"
    else:
        grade = "D"
    if not reasons:
        reasons.append("+0 nothing specific in the inquiry")
    return Suggestion(grade, score, reasons)


def _qty(value: float) -> str:
    number = int(value) if float(value).is_integer() else value
    return f"{number:,}"
