"""The words of the trade a header is made of, in English and 中文: how a column the
contract's aliases do not name is still read ("最后跟进日期", "Last follow up", "Tel / WhatsApp").

A header is cut into words (latin words; 中文 by the longest known word first) and each
known word stands for a concept (last, contact, follow-up, date...). A field is named by a
rule: one concept of every group it needs ("last" and "contact" or "follow-up") and words
that may come along ("date"). A header whose every word the rule explains is read as sure;
one with words left over, or a rule that only ever guesses, is a guess: shown by `inq
check`, read, but never written to until the user confirms it with `inq map`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

# concept -> the words (English, lower case, multi-word allowed; 中文) that say it.
WORDS: dict[str, tuple[str, ...]] = {
    "last": ("last", "latest", "recent", "most recent", "previous", "prev", "lately",
             "最后", "最近", "上次", "上一次", "上回", "最新", "近期"),
    "next": ("next", "upcoming", "planned", "scheduled", "下次", "下一次", "下回", "计划",
             "预计", "预约"),
    "first": ("first", "initial", "首次", "第一次", "初次"),
    "created": ("created", "added", "entered", "录入", "建档", "创建", "登记", "新建"),
    "contact": ("contact", "contacted", "touch", "联系", "联络", "沟通", "交流", "通话"),
    "follow": ("follow up", "followup", "follow", "fu", "f u", "跟进", "跟踪", "回访", "追踪"),
    "date": ("date", "time", "day", "when", "datetime", "日期", "时间", "日子", "时候", "日", "时"),
    "client": ("client", "customer", "buyer", "account", "客户", "买家", "顾客", "客人",
               "买方", "客商"),
    "name": ("name", "姓名", "名字", "名称", "称呼", "名"),
    "person": ("person", "contact person", "联系人", "对接人"),
    "company": ("company", "firm", "organisation", "organization", "corporation", "enterprise",
                "corp", "公司", "企业", "单位", "工厂", "厂家", "厂商"),
    "email": ("email", "e mail", "mail", "mailbox", "邮箱", "电邮", "邮件", "电子邮件",
              "电子邮箱"),
    "address": ("address", "addr", "地址"),
    "phone": ("phone", "tel", "telephone", "mobile", "cell", "cellphone", "whatsapp",
              "whats app", "wa", "landline", "手机", "电话", "座机", "手机号"),
    "fax": ("fax", "传真"),
    "means": ("contact info", "contact information", "contact details", "联系方式"),
    "id": ("id", "no", "nr", "number", "num", "code", "ref", "编号", "号码", "号", "代码", "编码"),
    "serial": ("serial", "sn", "s n", "序号", "序"),
    "country": ("country", "nation", "国家", "国别", "国籍"),
    "region": ("region", "area", "market", "zone", "地区", "区域", "市场", "大区"),
    "city": ("city", "town", "城市"),
    "source": ("source", "lead source", "来源", "出处"),
    "channel": ("channel", "platform", "via", "medium", "method", "渠道", "平台", "途径", "方式"),
    "grade": ("grade", "level", "rating", "class", "rank", "tier", "priority", "等级", "级别",
              "评级", "分级", "级", "星级", "优先级"),
    "remark": ("remark", "note", "comment", "memo", "备注", "说明", "附注", "批注"),
    "record": ("record", "log", "history", "记录", "日志", "历史"),
    "summary": ("summary", "content", "details", "detail", "discussion", "内容", "摘要", "详情"),
    "message": ("message", "msg", "text", "留言", "消息"),
    "product": ("product", "item", "model", "goods", "sku", "article", "产品", "型号", "品名",
                "货品", "商品", "货号"),
    "quantity": ("quantity", "qty", "quantities", "pcs", "volume", "数量", "采购量", "需求量"),
    "purchase": ("purchase", "order", "采购", "订购", "订单"),
    "inquiry": ("inquiry", "enquiry", "rfq", "询盘", "询价", "咨询"),
    "received": ("received", "arrived", "incoming", "收到", "接收"),
    "reply": ("reply", "replied", "answer", "answered", "respond", "responded", "response",
              "回复", "答复", "回信"),
    "status": ("status", "stage", "progress", "state", "situation", "状态", "进度", "进展",
               "阶段", "情况"),
    "type": ("type", "nature", "kind", "category", "性质", "类型", "类别"),
    "size": ("size", "scale", "strength", "规模", "实力"),
    "owner": ("owner", "salesperson", "sales rep", "rep", "sales", "account manager", "业务员",
              "负责人", "跟单员"),
    "interest": ("interest", "interested", "intended", "意向", "感兴趣"),
    "price": ("price", "价格", "单价"),
    "target": ("target", "目标"),
    "quote": ("quote", "quotation", "offer", "报价", "报价单"),
    "direction": ("direction", "in out", "方向"),
    "step": ("step", "action", "步"),
}  # fmt: skip

# Words that say nothing about what a column holds.
STOP = frozenset(
    "the of a an and or to for in on by at is our we with if any yes y n s info "
    "information 的 及 和 与 或 已 是否 请 填 写 信息".split()
)


@dataclass(frozen=True)
class Rule:
    """A field named by concepts: one of each group in `needs`, and any of `may`."""

    field: str
    needs: tuple[frozenset[str], ...]
    may: frozenset[str] = frozenset()
    sure: bool = True  # False: the rule only ever guesses ("跟进日期": last or next?)
    # Whether the column's cells can settle the guess ("Client": people or companies?);
    # they cannot tell a last-contact date from a next one.
    cells_settle: bool = True


def _rule(
    field: str, *needs: str, may: str = "", sure: bool = True, cells: bool | None = None
) -> Rule:
    return Rule(
        field,
        tuple(frozenset(group.split("|")) for group in needs),
        frozenset(may.split()),
        sure,
        sure if cells is None else cells,
    )


R = _rule
_WHO = "client person name company"
RULES: dict[str, tuple[Rule, ...]] = {
    "buyers": (
        R("buyer_id", "client", "id"),
        R("name", "name", may="client person contact"),
        R("name", "person", may="name client"),
        R("name", "client", sure=False, cells=True),
        R("company", "company", may="name client"),
        R("company", "client", sure=False, cells=True),
        R("email", "email", may="address id " + _WHO),
        R("phone", "phone", may="id " + _WHO),
        R("phone", "means", may=_WHO, sure=False, cells=True),
        R("fax", "fax", may="id phone"),
        R("country", "country", may="region"),
        R("city", "city"),
        R("region", "region"),
        R("source", "source", may="client channel"),
        R("source", "channel", may="client", sure=False),
        R("nature", "type", may="client company"),
        R("strength", "size", may="client company"),
        R("grade", "grade", may="client"),
        R("products", "product", may="interest inquiry name"),
        R("status", "status", may="follow client"),
        R("first_contact", "first", "contact|follow|inquiry|date", may="date contact"),
        R("first_contact", "created", may="date"),
        R("last_contact", "last", "contact|follow", may="date"),
        R("last_contact", "contact|follow", "date", sure=False),
        R("last_contact", "last", "date", sure=False),
        R("next_follow_up", "next", "contact|follow|date", may="date"),
        R("owner", "owner"),
        R("notes", "remark", may="client"),
        R("notes", "follow", "record|summary", may="remark"),
        R("notes", "record", sure=False),
    ),
    "inquiries": (
        R("inquiry_id", "inquiry", "id"),
        R("received", "inquiry|received", "date", may="inquiry received"),
        R("received", "received"),
        R("received", "date", sure=False, cells=True),
        R("channel", "channel|source", may="inquiry"),
        R("buyer_id", "client", "id"),
        R("email", "email", may="address " + _WHO),
        R("client", "client", may="name person"),
        R("client", "person", may="name"),
        R("client", "name", sure=False, cells=True),
        R("company", "company", may="client name"),
        R("product", "product", may="inquiry name interest"),
        R("quantity", "quantity", may="inquiry purchase product"),
        R("target_price", "target", "price"),
        R("message", "message|summary", may="inquiry client"),
        R("grade", "grade", may="client inquiry"),
        R("replied", "reply", may="date status"),
        R("quote_no", "quote", may="id"),
        R("status", "status", may="follow inquiry"),
    ),
    "contacts": (
        R("date", "date", may="contact follow"),
        R("buyer_id", "client", "id"),
        R("email", "email", may="address " + _WHO),
        R("client", "client", may="name person"),
        R("client", "person", may="name"),
        R("company", "company", may="client name"),
        R("channel", "channel|means", may="contact follow"),
        R("direction", "direction"),
        R("summary", "summary|record|remark|message", may="follow contact"),
        R("next_step", "next", may="step follow contact"),
    ),
    "products": (
        R("model", "product", "id", may="name"),
        R("name", "product", "name"),
        R("moq", "quantity", may="purchase"),
        R("price", "price", may="product"),
    ),
}


def _tables() -> tuple[dict[tuple[str, ...], str], dict[str, str], int]:
    latin: dict[tuple[str, ...], str] = {}
    cjk: dict[str, str] = {}
    for concept, words in WORDS.items():
        for word in words:
            if word.isascii():
                latin[tuple(word.split())] = concept
            else:
                cjk[word] = concept
    longest = max(len(w) for w in cjk)
    return latin, cjk, longest


_LATIN, _CJK, _CJK_LONGEST = _tables()
_LATIN_RUN = re.compile(r"[a-z]+")
_LONGEST_HEADER = 60  # a longer cell is text in a row, not a header: no reading of it


def is_cjk(ch: str) -> bool:
    """A 中文 character (CJK ideographs; no regex: compiling the range costs milliseconds)."""
    return "\u3400" <= ch <= "\u9fff"


def _runs(text: str) -> list[tuple[bool, str]]:
    """The text cut where it changes between 中文 and other characters."""
    return [(cjk, "".join(chars)) for cjk, chars in groupby(text, key=is_cjk)]


@lru_cache(maxsize=4096)
def concepts(header: str) -> tuple[frozenset[str], int]:
    """The concepts a header's words stand for, and how many words are left unexplained."""
    text = unicodedata.normalize("NFKC", header).lower()
    found: set[str] = set()
    unexplained = 0
    if len(text) > _LONGEST_HEADER:
        return frozenset(), 1
    words = _LATIN_RUN.findall(text)
    i = 0
    while i < len(words):
        for size in (3, 2, 1):
            concept = _LATIN.get(tuple(words[i : i + size]))
            if concept is None and size == 1 and words[i].endswith("s"):
                concept = _LATIN.get((words[i][:-1],))  # remarks, contacts, notes
            if concept is not None:
                found.add(concept)
                i += size
                break
        else:
            if words[i] not in STOP:
                unexplained += 1
            i += 1
    for cjk, run in _runs(text):
        if not cjk:
            continue
        j, unknown = 0, False
        while j < len(run):
            for size in range(min(_CJK_LONGEST, len(run) - j), 0, -1):
                piece = run[j : j + size]
                concept = _CJK.get(piece)
                if concept is not None or (piece in STOP and size > 0):
                    if concept is not None:
                        found.add(concept)
                    j += size
                    unknown = False
                    break
            else:
                if not unknown:  # a run of unknown characters is one unknown word
                    unexplained += 1
                unknown = True
                j += 1
    return frozenset(found), unexplained


@dataclass(frozen=True)
class Reading:
    """What the vocabulary makes of one header for one field."""

    field: str
    sure: bool
    score: float  # more concepts named: a more specific reading
    why: str
    settles: bool  # a guess the column's cells may confirm


@lru_cache(maxsize=4096)
def readings(sheet_key: str, header: str) -> tuple[Reading, ...]:
    """Every field of the sheet the header's words may name, most specific first."""
    rules = RULES.get(sheet_key)
    if not rules or not header.strip():
        return ()
    found, unexplained = concepts(header)
    if not found:
        return ()
    out: dict[str, Reading] = {}
    for rule in rules:
        if not all(group & found for group in rule.needs):
            continue
        named = set().union(*(group & found for group in rule.needs))
        explained = named | (rule.may & found)
        left = len(found - explained) + unexplained
        sure = rule.sure and left == 0
        score = len(rule.needs) + 0.25 * len(rule.may & found) - left + (1 if sure else 0)
        words = " + ".join(sorted(named))
        why = f"words of the trade: {words}" + ("" if left == 0 else f" ({left} word(s) unknown)")
        best = out.get(rule.field)
        if best is None or score > best.score:
            out[rule.field] = Reading(rule.field, sure, score, why, rule.cells_settle)
    return tuple(sorted(out.values(), key=lambda r: -r.score))


_SPLIT = re.compile(r"[/|\\\n\r()（）\[\]【】,，;；:：]+")


def parts(header: str) -> list[str]:
    """A header's parts in each language and between separators: "Email 邮箱" -> ["Email",
    "邮箱"]; "Country/Region 国家/地区" -> ["Country", "Region", "国家", "地区"]."""
    out: list[str] = []
    if len(header) > _LONGEST_HEADER:
        return out
    for chunk in _SPLIT.split(header):
        for _cjk, piece in _runs(chunk):
            piece = piece.strip(" -_*#.?!")
            if piece and piece != header.strip():
                out.append(piece)
    return out
