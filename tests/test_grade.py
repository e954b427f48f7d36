"""`inq grade`: direct grading with history, the interactive round, and suggestions."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
from conftest import sha256

NOW = dt.datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def graded_wb(build):
    return build(
        buyers=[
            dict(buyer_id="B0001", name="Ahmed", company="Gulf Lights LLC", email="ahmed@gulflights.ae", phone="+971 4 123 4567", country="UAE", grade="B", last_contact=dt.date(2026, 11, 20)),
            dict(buyer_id="B0002", name="Tom", email="tom1987@gmail.com", country="United States"),
        ],
        inquiries=[
            dict(inquiry_id="I0001", received=dt.datetime(2026, 11, 20, 8), channel="alibaba", buyer_id="B0001", product="LED-PL-60", grade="B", replied=dt.datetime(2026, 11, 20, 9), status="Open",
                 message="Price for LED panels?"),
            dict(inquiry_id="I0002", received=dt.datetime(2026, 11, 26, 9), channel="email", buyer_id="B0001", product="LED-PL-60", quantity=2000, target_price="USD 11.50",
                 message="We need 2000 pcs, target price USD 11.50 FOB Ningbo. Delivery by March? Can you send a sample? Payment T/T.", status="Open"),
            dict(inquiry_id="I0003", received=dt.datetime(2026, 11, 25, 9), channel="website", buyer_id="B0002",
                 message="Please send your price list and catalog.", status="Open"),
            dict(inquiry_id="I0004", received=dt.datetime(2026, 11, 24, 9), channel="email", email="proc@ministry.gov.sa",
                 message="Tender for street lighting project next year, budget approved in Q2.", status="Open"),
        ],
    )  # fmt: skip


def sheet(path, name):
    ws = openpyxl.load_workbook(path)[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]


def test_suggest_json(inq, graded_wb):
    result = inq("-w", graded_wb, "grade", "--suggest", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(d["inquiry_id"], d["suggested"]) for d in data] == [
        ("I0004", "C"),
        ("I0003", "D"),
        ("I0002", "A"),
    ]
    assert list(data[0]) == [
        "inquiry_id",
        "row",
        "received",
        "buyer_id",
        "email",
        "product",
        "suggested",
        "score",
        "reasons",
    ]
    a = data[2]["reasons"]
    assert a == [
        "+2 asks for a specific quantity (2,000)",
        "+2 gives a target price (USD 11.50)",
        "+1 asks about delivery / lead time",
        "+1 asks about samples",
        "+1 asks about payment terms",
        "+1 asks about shipping terms",
        "+1 company email domain (gulflights.ae)",
        "+1 gave a company phone/fax",
        "+1 repeat inquiry (1 earlier)",
    ]
    assert data[1]["reasons"] == [
        "-1 free-mail address (gmail.com)",
        "-2 generic request for a price list / catalog",
    ]
    assert data[0]["reasons"][-1] == "→ C: long-term purchase ('Tender')"


def test_grade_buyer_directly_keeps_history(inq, graded_wb):
    result = inq(
        "-w", graded_wb, "grade", "ahmed@gulflights.ae", "a", "--why", "2000 pcs with target price"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "B0001 Ahmed (Gulf Lights LLC) is now grade A (was B)\nInquiry I0002 graded A\n"
        "Changed Buyers row 2 (B0001 Ahmed), Grade: B -> A\n"
        "Changed Inquiries row 3 (I0002), Grade: (blank) -> A\n"
        "Next contact with B0001 by TEL: grade A: call to learn the details\n"
    )
    buyers = sheet(graded_wb, "Buyers")
    assert buyers[0]["Grade"] == "A"
    inquiries = sheet(graded_wb, "Inquiries")
    assert [i["Grade"] for i in inquiries] == ["B", "A", None, None]
    history = sheet(graded_wb, "Grade history")
    assert history == [
        {"Date": NOW, "Buyer ID": "B0001", "Email": "ahmed@gulflights.ae", "Inquiry ID": None, "From": "B", "To": "A", "Why": "2000 pcs with target price"},
        {"Date": NOW, "Buyer ID": "B0001", "Email": "ahmed@gulflights.ae", "Inquiry ID": "I0002", "From": None, "To": "A", "Why": "2000 pcs with target price"},
    ]  # fmt: skip


def test_grade_by_inquiry_id(inq, graded_wb):
    result = inq("-w", graded_wb, "grade", "I0003", "D")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == ["B0002 Tom is now grade D", "Inquiry I0003 graded D"]


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["grade", "B0001", "E"], "Error: grade must be A, B, C or D, not 'E'\n", 2),
        (["grade", "B0001"], "Error: give the grade too: inq grade B0001 A|B|C|D\n", 2),
        (["grade", "nobody@x.org", "A"], "Error: no buyer matches 'nobody@x.org': check with `inq lookup nobody@x.org` or add them\n", 1),
    ],
)  # fmt: skip
def test_grade_bad_input(inq, graded_wb, args, message, code):
    before = sha256(graded_wb)
    result = inq("-w", graded_wb, *args)
    assert (result.exit_code, result.stderr) == (code, message)
    assert sha256(graded_wb) == before


def test_interactive_round(inq, graded_wb):
    # I0004 (oldest): accept the suggestion C; I0003: an invalid answer, then B; I0002: quit
    result = inq("-w", graded_wb, "grade", input="\nx\nb\nq\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "[1/3] Inquiry I0004, received 2026-11-24 09:00 by email" in out
    assert "  From: proc@ministry.gov.sa (not in Buyers)" in out
    assert "  Suggested grade: C" in out
    assert "grade must be A, B, C or D, not 'x'" in result.stderr
    assert "Graded 2 of 3 ungraded inquiries." in out
    grades = {i["Inquiry ID"]: i["Grade"] for i in sheet(graded_wb, "Inquiries")}
    assert grades == {"I0001": "B", "I0002": None, "I0003": "B", "I0004": "C"}
    # Grade history keeps the reasons the round showed, not "inq grade"
    why = {h["Inquiry ID"]: h["Why"] for h in sheet(graded_wb, "Grade history")}
    assert (
        why["I0004"]
        == "+1 company email domain (ministry.gov.sa); → C: long-term purchase ('Tender')"
    )
    assert why["I0003"] == (
        "-1 free-mail address (gmail.com); -2 generic request for a price list / catalog"
        " (suggested D, graded B)"
    )


def test_interactive_quit_keeps_earlier_answers(inq, graded_wb):
    result = inq("-w", graded_wb, "grade", input="A\n")  # then input ends: like Ctrl-D
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "Graded 1 of 3 ungraded inquiries."
    grades = {i["Inquiry ID"]: i["Grade"] for i in sheet(graded_wb, "Inquiries")}
    assert grades["I0004"] == "A"


def test_interactive_round_on_the_sample_keeps_the_reasons(inq, tmp_path):
    import shutil

    path = shutil.copy("sample_workbook.xlsx", tmp_path / "sample.xlsx")
    result = inq("-w", path, "grade", input="\nq\n")  # accept the first suggestion, quit
    assert result.exit_code == 0, result.output
    last = sheet(path, "Grade history")[-1]
    assert (last["Inquiry ID"], last["To"]) == ("I0101", "D")
    assert last["Why"] == (
        "+1 company email domain (cahayaterang.com.my); +1 gave a company phone/fax; "
        "-2 generic request for a price list / catalog"
    )


# Every alternative of every suggestion rule, as a buyer might type it.
_RULE_WORDS = [
    "2,000 pcs", "5 pieces", "1pc", "300 units", "12 sets", "1 set", "500 meters", "20m",
    "40 rolls", "60 cartons", "8 ctns", "2 containers", "1 x 20' gp", "2x40hq", "40 hq",
    "20gp", "3k pcs", "target price", "best price for", "best price at", "us$ 5", "$12",
    "5 usd", "7 us$", "9 dollars", "price of 4", "price at 5", "price around 6",
    "price below 7", "price under 8", "budget of 9", "delivery", "lead time", "leadtime",
    "ship date", "shipping date", "when can you ship", "when can you deliver", "eta",
    "production time", "by jan", "by dec", "交货", "货期", "sample", "samples", "样品",
    "payment", "t/t", "tt", "l/c", "lc", "deposit", "paypal", "western union", "付款", "fob",
    "cif", "exw", "ddp", "cfr", "shipping", "freight", "port of", "port", "incoterm",
    "price list", "pricelist", "catalog", "catalogue", "brochure", "send price",
    "send me your best prices", "product list", "quotation for all", "价格表", "目录",
    "next year", "next season", "project", "tender", "budget", "in the future", "long-term",
    "long term", "2027 plan", "2028 budget", "明年", "项目", "招标", "3000件", "5万只",
]  # fmt: skip
_NEIGHBOURS = ["", " ", "x", "9", ".", ",", "-", "ſ", "K", "İ", "ß", "é", "中", "\n"]


def test_suggestion_rules_find_what_a_case_blind_search_finds():
    """The rules' fast path on ASCII text finds exactly what their `re.I` patterns find."""
    import random

    from inquiry_cli.domain.grading import RULES

    rng = random.Random(17)
    texts = []
    for _ in range(6000):
        parts = []
        for _ in range(rng.randint(1, 4)):
            word = rng.choice(_RULE_WORDS)
            word = "".join(c.upper() if rng.random() < 0.4 else c for c in word)
            parts += [rng.choice(_NEIGHBOURS), word, rng.choice(_NEIGHBOURS)]
        texts.append("".join(parts))
    texts += ["", "nothing here", "SHİPPING", "ſample", "Straße 5 PCS", "2000 K PCS"]
    found = 0
    for rule in RULES:
        for text in texts:
            plain = rule.anycase.search(text)
            expected = plain.group(0) if plain else None
            lowered = text.lower() if text.isascii() else None
            assert rule.search(text, lowered) == expected, (rule.anycase.pattern, text)
            found += expected is not None
    assert found > 6000  # the corpus does exercise the rules


def test_suggestions_quote_the_buyer_in_capitals_accents_and_chinese(inq, build):
    messages = [
        "WE NEED 2,000 PCS, FOB HAMBURG. PROJECT FOR 2027 PLAN.",
        "Grüße! Wir brauchen 500 Sets, Lieferung? Samples möglich?",
        "我们需要3000pcs，请报FOB价格，样品可以吗？",
        "您好，我要５００件，下个月交货",
    ]
    wb = build(
        buyers=[dict(buyer_id="B0001", name="Jo", email="jo@acme.de", country="Germany")],
        inquiries=[
            dict(inquiry_id=f"I000{n}", received=dt.datetime(2026, 11, 19 + n, 8), channel="email",
                 buyer_id="B0001", message=message, status="Open")
            for n, message in enumerate(messages, start=1)
        ],
    )  # fmt: skip
    result = inq("-w", wb, "grade", "--suggest", "--json")
    assert result.exit_code == 0, result.output
    reasons = {d["inquiry_id"]: d["reasons"] for d in json.loads(result.stdout)}
    assert reasons["I0001"][0] == "+2 asks for a specific quantity (2,000 PCS)"
    assert "+1 asks about shipping terms" in reasons["I0001"]
    assert reasons["I0001"][-1] == "→ C: long-term purchase ('PROJECT')"
    assert reasons["I0002"][0] == "+2 asks for a specific quantity (500 Sets)"
    assert "+1 asks about samples" in reasons["I0002"]
    assert reasons["I0003"][0] == "+2 asks for a specific quantity (3000pcs)"
    assert "+1 asks about samples" in reasons["I0003"]
    assert "+1 asks about shipping terms" in reasons["I0003"]  # FOB between 汉字
    assert reasons["I0004"][0] == "+2 asks for a specific quantity (５００件)"


def test_suggest_without_a_buyer_list_says_so(inq, tmp_path):
    """A workbook whose sheets inq cannot place gets the reason, not "No ungraded inquiries"."""
    wb = openpyxl.Workbook()
    wb.active.title = "Anfragen 2026"
    wb.active.append(["Datum", "Kunde", "Nachricht"])
    wb.active.append(["03.11.2026", "Jan Berg", "Price FOB for 2000 pcs please"])
    path = tmp_path / "anfragen.xlsx"
    wb.save(path)
    for args in (["grade", "--suggest"], ["grade"]):
        result = inq("-w", path, *args, input="q\n")
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: anfragen.xlsx has no Buyers sheet")
        assert "No ungraded" not in result.stdout
