"""Which channel the next contact with a buyer takes, and why: one rule for `due`,
`lookup` and `grade` (docs/routine.md §4: channels chosen to save cost).

In this order, the first that applies:

1. a reply owed to a fax inquiry goes by fax (within 12 h);
2. a reply owed to a platform inquiry goes back on that platform: Alibaba.com counts only
   replies made there in its timely-reply rate;
3. a follow-up whose next step sends the full documents (printed catalog, physical
   samples, a reply form) by courier goes by POST;
4. what the buyer said they prefer (a Preferred channel column, or Notes such as "prefers
   fax", 传真, "prefers WhatsApp"): fax only with a fax number, WhatsApp only with a mobile
   number. A reply (the quote) goes by fax before WhatsApp; a follow-up, a quick
   question, by WhatsApp first;
5. TEL for an A-grade buyer with a phone: a call learns the details of their case;
6. FAX for a buyer with no email but a fax number;
7. email for the rest.

The wa.me link costs a phone-number parse (~70 µs), so it is computed only where the
rule picks WhatsApp, never for every buyer of a long due list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from inquiry_cli.domain import model
from inquiry_cli.domain.identity import whatsapp_link

# Channels an inquiry or contact can come by; what people type -> the canonical name.
# The one list: `inq log`, `inq inquiry`, intake rules and Preferred channel all read it.
CHANNELS = {
    "alibaba": "alibaba", "ali": "alibaba", "阿里": "alibaba", "阿里巴巴": "alibaba",
    "made-in-china": "made-in-china", "madeinchina": "made-in-china", "mic": "made-in-china",
    "中国制造网": "made-in-china", "global-sources": "global-sources",
    "globalsources": "global-sources", "环球资源": "global-sources", "hktdc": "hktdc",
    "香港贸发局": "hktdc",
    "email": "email", "e-mail": "email", "mail": "email", "邮件": "email",
    "tel": "tel", "phone": "tel", "call": "tel", "telephone": "tel", "电话": "tel",
    "fax": "fax", "传真": "fax",
    "post": "post", "courier": "post", "express": "post", "快递": "post", "邮寄": "post",
    "trade-show": "trade-show", "tradeshow": "trade-show", "show": "trade-show",
    "fair": "trade-show", "展会": "trade-show",
    "website": "website", "web": "website", "网站": "website",
    "meeting": "meeting", "visit": "meeting", "拜访": "meeting",
    "whatsapp": "whatsapp", "wechat": "wechat", "微信": "wechat",
}  # fmt: skip


# Every channel by its canonical name (an inquiry comes by any: WhatsApp, a visit too).
INQUIRY_CHANNELS = tuple(dict.fromkeys(CHANNELS.values()))


def channel_of(cell: object) -> str:
    """The channel a cell names, by inq's name ('传真', 'Fax' -> 'fax'): the rules read
    a sheet's channels whatever words it writes them in."""
    text = str(cell or "").strip().lower()
    return CHANNELS.get(text, text)


def channel_word(said: list[object], name: str) -> str:
    """How a Channel column writes the channel `name`: the word its rows use most for it
    (电话 where the log says 电话, not tel), else the canonical name."""
    from collections import Counter

    words = Counter(
        str(v).strip() for v in said if v and CHANNELS.get(str(v).strip().lower()) == name
    )
    return words.most_common(1)[0][0] if words else name


# Inquiry channels that are a platform's message system, and how people name them.
PLATFORMS = {
    "alibaba": "Alibaba.com",
    "made-in-china": "Made-in-China.com",
    "global-sources": "Global Sources",
    "hktdc": "HKTDC",
}
# A next step that sends something by courier: what only POST can carry. An e-catalog or
# photos go by email (e-samples first), so "catalog" alone is not enough.
_BY_COURIER = re.compile(
    r"courier|by (?:post|mail|express)\b|\bpost (?:the|them|it|a|our)\b|\bexpress\b|\bdhl\b|"
    r"fedex|\bups\b|\btnt\b|\bems\b|快递|邮寄|寄",
    re.I,
)
_SEND = re.compile(r"\b(?:send|mail|ship|dispatch|post)\b|发", re.I)
_PHYSICAL = re.compile(
    r"printed|hard ?cop(?:y|ies)|paper|original|physical|\bsamples?\b|brochures?|reply form|"
    r"样品|纸质|原件",
    re.I,
)
_NOT_POST = re.compile(r"\be-?catalog(?:ue)?\b|e-?samples?|\bpdf\b|e-?mail|电子", re.I)
# A next step that waits or checks sends nothing ("Wait for the reply form").
_NOT_SENDING = re.compile(r"^\s*(?:wait|check|confirm|ask|track|follow)\b|^\s*等", re.I)

# Notes that state a preference: "Prefers fax", "reply by fax", "fax only", "请用传真".
_PREFER = {
    "fax": re.compile(
        r"prefer\w*\s+(?:to\s+be\s+contacted\s+)?(?:by\s+|via\s+)?fax|"
        r"(?:reply|answer|contact|write)\s+(?:\w+\s+)?(?:by|via)\s+fax|\bfax\s+only\b|"
        r"\bonly\s+(?:by\s+)?fax\b|(?:偏好|首选|喜欢|习惯|只用|请用|用|要求)传真|传真(?:联系|回复|沟通|优先)",
        re.I,
    ),
    "whatsapp": re.compile(
        r"prefer\w*\s+(?:to\s+be\s+contacted\s+)?(?:on\s+|by\s+|via\s+)?whats\s?app|"
        r"(?:reply|answer|contact|message|write)\s+(?:\w+\s+)?(?:on|by|via)\s+whats\s?app|"
        r"\bwhats\s?app\s+only\b|\bonly\s+(?:on\s+)?whats\s?app\b|"
        r"(?:偏好|首选|喜欢|习惯|只用|请用|用)\s?whats\s?app|whats\s?app\s?(?:联系|沟通|优先)",
        re.I,
    ),
}
_NEGATION = re.compile(r"\b(?:no|not|never|don't|doesn't|won't|without)\b|不|别|勿|没有", re.I)
_CLAUSES = re.compile(r"[.;,!?\n。；，！？]+")
# A Notes clause that is only the word: "传真", "Fax", "WhatsApp".
_BARE = {"传真": "fax", "fax": "fax", "whatsapp": "whatsapp", "whats app": "whatsapp"}

# How a channel is written in the due list and the card.
SHOWN = {
    "tel": "TEL",
    "fax": "FAX",
    "post": "POST",
    "email": "email",
    "whatsapp": "WhatsApp",
    "wechat": "WeChat",
}

SAID = {"fax": "fax", "tel": "the phone", "whatsapp": "WhatsApp", "wechat": "WeChat"}


@dataclass(frozen=True)
class Channel:
    """A suggested channel, why in a few words, and the wa.me link when it is WhatsApp."""

    name: str  # TEL, FAX, POST, WhatsApp, email, or a platform's channel (alibaba)
    why: str  # "grade A: call to learn the details"
    tag: str = ""  # a word or two for a narrow column: "grade A", "preferred"
    link: str | None = None

    @property
    def short(self) -> str:
        """'TEL (grade A)', 'email': the channel with its tag, for the due list."""
        return f"{self.name} ({self.tag})" if self.tag else self.name

    @property
    def text(self) -> str:
        """'TEL: grade A: call to learn the details', with the link after WhatsApp."""
        link = f" {self.link}" if self.link else ""
        return f"{self.name}{link}: {self.why}"


def choose(
    buyer: model.Buyer,
    *,
    reply_to: model.Inquiry | None = None,
    next_step: str | None = None,
) -> Channel:
    """The channel for the next contact: a reply owed to `reply_to`, else a follow-up
    whose agreed next step (the last contact's) is `next_step`."""
    unmet: list[str] = []
    if reply_to is not None:
        came_by = channel_of(reply_to.channel)
        if came_by == "fax":
            return Channel("FAX", "fax inquiry: answer by fax", "inquiry")
        platform = PLATFORMS.get(came_by)
        if platform is not None:
            why = f"{platform} inquiry: answer there"
            if came_by == "alibaba":
                why += ", it counts for the reply rate"
            return Channel(came_by, why)
        if came_by == "whatsapp":
            link = whatsapp_link(buyer.phone, buyer.country)
            if link:
                return Channel("WhatsApp", "WhatsApp inquiry: answer there", "inquiry", link)
    elif next_step and by_courier(next_step):
        return _fixed("POST", "the next step goes by courier (full documents)", "courier")
    if buyer.preferred_channel or buyer.notes:
        prefs = list(preferences(buyer).items())
        if reply_to is not None:  # "reply by fax"; WhatsApp is for quick questions
            prefs.sort(key=lambda p: p[0] != "fax")
        for pref, source in prefs:
            picked = _preferred(buyer, pref, source, unmet)
            if picked is not None:
                return picked
    but = f"; {'; '.join(unmet)}" if unmet else ""
    if next_step and buyer.email and sends_files(next_step):  # a call carries no catalog
        return _fixed("email", f"the next step sends files{but}", "files")
    if buyer.grade == "A":
        if buyer.phone:
            return _fixed("TEL", f"grade A: call to learn the details{but}", "grade A")
        unmet.append("grade A but no phone number")
        but = f"; {'; '.join(unmet)}"
    if not buyer.email and buyer.fax:
        return _fixed("FAX", f"no email, a fax number{but}", "no email")
    return _fixed("email", f"email for the rest{but}")


@lru_cache(maxsize=256)
def _fixed(name: str, why: str, tag: str = "") -> Channel:
    """The same few suggestions, made once (a due list makes thousands)."""
    return Channel(name, why, tag)


@lru_cache(maxsize=1024)
def sends_files(step: str) -> bool:
    """Does this next step send an e-catalog, e-sample, photos or files (by email)?"""
    return bool(_SEND.search(step) and _NOT_POST.search(step))


@lru_cache(maxsize=1024)  # a due list repeats a few dozen next steps thousands of times
def by_courier(step: str) -> bool:
    """Does this next step send something only a courier carries (a printed catalog,
    physical samples, a reply form)? An e-catalog, photos or files go by email."""
    if _NOT_SENDING.search(step) or _NOT_POST.search(step):
        return False
    return bool(_BY_COURIER.search(step) or (_SEND.search(step) and _PHYSICAL.search(step)))


def _preferred(buyer: model.Buyer, pref: str, source: str, unmet: list[str]) -> Channel | None:
    """The buyer's preferred channel when they can be reached that way, else None (and
    why not, in `unmet`)."""
    shown = SHOWN.get(pref, pref)
    why = f"prefers {SAID.get(pref, pref)} ({source})"
    if pref == "whatsapp":
        link = whatsapp_link(buyer.phone, buyer.country)
        if link is None:
            unmet.append("prefers WhatsApp but has no mobile number")
            return None
        return Channel(shown, why, "preferred", link)
    if pref == "fax" and not buyer.fax:
        unmet.append("prefers fax but has no fax number")
        return None
    if pref == "tel" and not buyer.phone:
        unmet.append("prefers the phone but has no number")
        return None
    if pref == "email" and not buyer.email:
        unmet.append("prefers email but has no address")
        return None
    return Channel(shown, why, "preferred")


def preferences(buyer: model.Buyer) -> dict[str, str]:
    """{channel: where it was said}, in the order stated: the Preferred channel column
    first, then the Notes."""
    out: dict[str, str] = {}
    if buyer.preferred_channel:
        for word in model.split_list(buyer.preferred_channel):
            name = CHANNELS.get(word.strip().lower())
            if name is not None:
                out.setdefault(name, "Preferred channel")
    notes = buyer.notes
    if notes:
        low = notes.lower()
        if "fax" in low or "传真" in notes or "whats" in low:
            for name in _said_in_notes(notes):
                out.setdefault(name, "Notes")
    return out


@lru_cache(maxsize=1024)
def _said_in_notes(notes: str) -> tuple[str, ...]:
    """The channels a Notes cell says the buyer prefers, in the order it says them."""
    out: list[str] = []
    for clause in _CLAUSES.split(notes):
        text = clause.strip()
        bare = _BARE.get(text.lower())
        if bare:
            out.append(bare)
            continue
        for name, said in _PREFER.items():
            found = said.search(text)
            if found and not _NEGATION.search(text[: found.start()] + found.group(0)):
                out.append(name)
    return tuple(dict.fromkeys(out))
