"""The routine, fully applied (issue 16): one channel rule for due, lookup and grade; the
reply clock as the routine says it; Alibaba.com's 24 h window and reply rate; the chases
the cadence does not cover (quotes, open inquiries, silent buyers)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

D = dt.datetime
NOW = D(2026, 11, 27, 10, 0)  # conftest pins INQ_NOW to this
SAMPLE = "sample_workbook.xlsx"


def buyer(bid, grade, last, **extra):
    return {
        "buyer_id": bid, "name": f"Name {bid}", "company": f"Company {bid}",
        "email": f"{bid.lower()}@company{bid[-2:]}.com", "country": "Germany", "grade": grade,
        "last_contact": last, **extra,
    }  # fmt: skip


def out(bid, when, summary="Called", next_step=None, direction="out", channel="email"):
    return dict(date=when, buyer_id=bid, channel=channel, direction=direction, summary=summary, next_step=next_step)  # fmt: skip


def due_json(inq, path, *args):
    result = inq("-w", path, "due", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def card(inq, path, who):
    result = inq("-w", path, "lookup", who, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["card"]


@pytest.fixture
def channels_wb(build):
    """One buyer per branch of the channel rule."""
    day = D(2026, 11, 20)
    return build(
        buyers=[
            buyer("B0001", "A", day, phone="+49 30 1234 5678"),
            buyer("B0002", "B", day, phone="+971 50 123 4567", country="UAE", notes="Old customer. Prefers WhatsApp for quick questions."),
            buyer("B0003", "B", day, phone="+971 4 123 4567", country="UAE", notes="Prefers WhatsApp"),
            buyer("B0004", "B", day, fax="+49 30 1234 5679", preferred_channel="传真"),
            buyer("B0005", "A", day, phone="+49 30 1234 5680"),
            buyer("B0006", "A", day, phone="+49 30 1234 5681"),
            buyer("B0007", "B", day, email=None, fax="+49 30 1234 5682"),
            buyer("B0008", "B", day, fax="+49 30 1234 5683", notes="客户要求传真联系，不用微信"),
            buyer("B0009", "B", day),
            buyer("B0010", "A", day, phone="+49 30 1234 5684", notes="Does not use fax."),
        ],
        contacts=[
            out("B0005", day, "Met at the fair", "Post the printed catalog and a reply form by courier"),
            out("B0006", day, "Posted catalog and reply form", "Wait for the reply form"),
        ],
        inquiries=[
            dict(inquiry_id="I0001", received=NOW - dt.timedelta(hours=1), channel="fax", buyer_id="B0001", product="LED-PL-60", status="Open"),
            dict(inquiry_id="I0002", received=NOW - dt.timedelta(hours=21), channel="alibaba", buyer_id="B0009", product="LED-PL-60", status="Open"),
        ],
    )  # fmt: skip


def test_one_channel_rule_due_and_lookup_agree(inq, channels_wb):
    items = due_json(inq, channels_wb)
    got = {}
    for i in items:  # the reply first: it is the card's next step too
        got.setdefault(i["buyer_id"], (i["channel"], i["channel_why"], i["whatsapp"]))
    assert got == {
        "B0001": ("FAX", "fax inquiry: answer by fax", None),
        "B0002": ("WhatsApp", "prefers WhatsApp (Notes)", "https://wa.me/971501234567"),
        "B0003": ("email", "email for the rest; prefers WhatsApp but has no mobile number", None),
        "B0004": ("FAX", "prefers fax (Preferred channel)", None),
        "B0005": ("POST", "the next step goes by courier (full documents)", None),
        "B0006": ("TEL", "grade A: call to learn the details", None),
        "B0007": ("FAX", "no email, a fax number", None),
        "B0008": ("FAX", "prefers fax (Notes)", None),
        "B0009": (
            "alibaba",
            "Alibaba.com inquiry: answer there, it counts for the reply rate",
            None,
        ),
        "B0010": ("TEL", "grade A: call to learn the details", None),
    }
    for bid, (channel, why, link) in got.items():
        step = card(inq, channels_wb, bid)["next_step"]
        assert (step["channel"], step["why"], step["whatsapp"]) == (channel, why, link), bid


def test_channel_on_the_due_list_and_the_card(inq, channels_wb, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    result = inq("-w", channels_wb, "due")
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "POST (courier)" in next(line for line in result.stdout.splitlines() if "B0005" in line)
    assert "TEL (grade A)" in next(line for line in result.stdout.splitlines() if "B0006" in line)
    assert rows["WhatsApp:"]
    assert "  Name B0002 (Company B0002): https://wa.me/971501234567" in result.stdout.splitlines()
    text = inq("-w", channels_wb, "lookup", "b0005@company05.com").stdout
    assert text.splitlines()[-1] == (
        "Next step: Follow up now: 4 days overdue "
        "(by POST: the next step goes by courier (full documents))"
    )


def test_grade_says_the_channel_the_new_grade_calls_for(inq, channels_wb):
    result = inq("-w", channels_wb, "grade", "B0009", "A", "-n")
    assert result.exit_code == 0, result.output
    result = inq("-w", channels_wb, "grade", "B0004", "A")
    assert result.stdout.splitlines()[-1] == (
        "Next contact with B0004 by FAX: prefers fax (Preferred channel)"
    )


def test_the_sample_due_and_lookup_agree(inq):
    items = due_json(inq, SAMPLE)
    follow = {i["buyer_id"]: i for i in items if i["kind"] == "follow-up"}
    replies = {i["buyer_id"]: i for i in items if i["kind"] == "reply"}
    # Hendra Halim, grade A: due said POST ("Send documents": files) and lookup TEL
    assert follow["B0047"]["channel"] == "TEL"
    # Ahmed Al Zaabi's notes: "Prefers fax: reply by fax. Prefers WhatsApp for quick questions."
    assert replies["B0069"]["channel"] == "FAX"
    # Salim Al Balushi waits for the reply form we posted: no second courier, his WhatsApp
    assert follow["B0021"]["channel"] == "WhatsApp"
    assert follow["B0021"]["whatsapp"] == "https://wa.me/96897610661"
    assert (
        card(inq, SAMPLE, "B0047")["next_step"]["channel"] == "email"
    )  # the e-sample goes by email
    assert card(inq, SAMPLE, "B0069")["next_step"]["channel"] == "FAX"
    assert card(inq, SAMPLE, "B0021")["next_step"]["whatsapp"] == "https://wa.me/96897610661"


def test_reply_clock_target_and_limit(inq, build):
    path = build(
        buyers=[buyer("B0001", None, None)],
        inquiries=[
            dict(inquiry_id="I0001", received=D(2026, 11, 27, 9, 40), channel="email", buyer_id="B0001", status="Open"),
            dict(inquiry_id="I0002", received=D(2026, 11, 27, 6, 0), channel="fax", buyer_id="B0001", status="Open"),
        ],
    )  # fmt: skip
    lines = inq("-w", path, "due").stdout.splitlines()
    assert lines[2].startswith("reply I0002 now,")
    assert lines[3].strip() == "at the latest 18:00 (fax)"
    assert lines[4].startswith("reply I0001 by 11:40 (2 h),")
    assert lines[5].strip() == "at the latest tomorrow 09:40"
    items = {i["inquiry_id"]: i for i in due_json(inq, path)}
    assert items["I0001"]["reply_by"] == "2026-11-27T11:40"
    assert items["I0001"]["due"] == "2026-11-28T09:40"
    assert items["I0001"]["why"] == "reply by 11:40 (2 h), at the latest tomorrow 09:40 (24 h)"


def test_alibaba_window_warning(inq, channels_wb, monkeypatch):
    # I0002 came on Alibaba.com 21 h ago: 3 h left of the 24 h window (warned 4 h before)
    result = inq("-w", channels_wb, "due")
    warning = (
        "Warning: Alibaba.com: reply to I0002 on Alibaba.com by 13:00 (in 3 h 00 min), "
        "or it misses the 24 h window of your reply rate"
    )
    assert result.stdout.splitlines()[1] == warning
    item = next(i for i in due_json(inq, channels_wb) if i["inquiry_id"] == "I0002")
    assert item["alibaba_window_ends"] == "2026-11-27T13:00"
    assert item["warning"] == warning.removeprefix("Warning: ")
    monkeypatch.setenv("INQ_NOW", "2026-11-27T08:59")  # 4 h 01 min left: no warning yet
    assert "Warning" not in inq("-w", channels_wb, "due").stdout


def test_alibaba_window_on_the_sample(inq, monkeypatch):
    monkeypatch.setenv("INQ_NOW", "2026-11-27T18:00")  # I0112 came on Alibaba.com at 21:15
    lines = inq("-w", SAMPLE, "due").stdout.splitlines()
    assert lines[1] == (
        "Warning: Alibaba.com: reply to I0112 on Alibaba.com by 21:15 (in 3 h 15 min), "
        "or it misses the 24 h window of your reply rate"
    )


@pytest.fixture
def chases_wb(build):
    day = D(2026, 11, 20)

    def quote(no, bid, when):
        return dict(quote_no=no, date=when, buyer_id=bid, model="LED-PL-60", quantity=500, unit_price=9.5, valid_until=when + dt.timedelta(days=30))  # fmt: skip

    return build(
        settings={"quote_chase_days": 2},
        buyers=[
            buyer("B0010", "B", day),  # quote, then nothing: chase
            buyer("B0011", "B", day),  # quote, then the buyer wrote: answered
            buyer("B0012", "B", day),  # quote, then we chased
            buyer("B0013", "B", D(2026, 11, 25)),  # quote on 11-25: chase today
            buyer("B0014", "B", day),  # silent since 11-01: over twice weekly
            buyer("B0015", "B", day),  # wrote on 11-20: not silent
            buyer("B0016", None, None),  # no contact at all, an open inquiry
            buyer("B0017", "C", day, status="Ordered"),  # ordered: no chase
        ],
        quotes=[quote("QT2026-0001", "B0010", day), quote("QT2026-0002", "B0011", day), quote("QT2026-0003", "B0012", day),
                quote("QT2026-0004", "B0013", D(2026, 11, 25)), quote("QT2026-0005", "B0017", day)],
        contacts=[
            out("B0010", day, "Sent quote QT2026-0001"),
            out("B0011", D(2026, 11, 22), "Says the price is fine, checking with the boss", direction="in"),
            out("B0012", D(2026, 11, 23), "Asked about the quote"),
            out("B0014", D(2026, 11, 1), "Asked for a price", direction="in"),
            out("B0014", day, "Sent the price list again"),
            out("B0015", day, "Sends their logo", direction="in"),
        ],
        inquiries=[
            dict(inquiry_id="I0005", received=D(2026, 11, 5, 9), replied=D(2026, 11, 5, 10), email="who@unknown.org", product="LED-PL-60", status="Open"),
            dict(inquiry_id="I0006", received=D(2026, 11, 10, 9), replied=D(2026, 11, 10, 10), buyer_id="B0016", product="LED-PL-60", status="Open"),
        ],
    )  # fmt: skip


def test_chases_the_cadence_does_not_cover(inq, chases_wb):
    items = due_json(inq, chases_wb)
    quotes = {i["buyer_id"]: i for i in items if i["kind"] == "quote"}
    assert set(quotes) == {"B0010", "B0013"}
    assert (
        quotes["B0010"]["why"]
        == "quote QT2026-0001 sent 2026-11-20: no reply in 2 days (valid until 2026-12-20)"
    )
    assert quotes["B0010"]["days_late"] == 5
    assert quotes["B0013"]["days_late"] == 0
    follow = {(i["buyer_id"], i["inquiry_id"]): i for i in items if i["kind"] == "follow-up"}
    assert follow[("B0014", None)]["silent_days"] == 26
    assert follow[("B0014", None)]["why"] == (
        "grade B: every 7 days (B: weekly); silent 26 days, over twice the grade B cadence"
    )
    assert follow[("B0015", None)]["silent_days"] is None
    # every open inquiry, at least every half month: a sender not in Buyers, a buyer never logged
    assert (
        follow[(None, "I0005")]["why"]
        == "open inquiry I0005: at least every 15 days (sender not in Buyers)"
    )
    assert follow[("B0016", None)]["why"] == "open inquiry I0006: at least every 15 days"
    lines = inq("-w", chases_wb, "due").stdout.splitlines()
    assert any(line.startswith("quote chase 5d late ") for line in lines)
    assert any(line.startswith("follow-up, silent ") for line in lines)
    card_ = card(inq, chases_wb, "B0014")
    assert card_["silent_days"] == 26


def test_chases_on_the_sample(inq):
    items = due_json(inq, SAMPLE)
    quote = next(i for i in items if i["kind"] == "quote" and i["buyer_id"] == "B0054")
    assert quote["why"].startswith("quote QT2026-0068 sent 2026-11-22: no reply in 3 days")
    assert any(i["silent_days"] for i in items if i["kind"] == "follow-up")
    why = {(i["buyer_id"], i["kind"]): i["why"] for i in items}
    assert why[("B0007", "follow-up")] == "open inquiry I0007: at least every 15 days"
    # the reply clock: I0111 came on Thursday at 17:40
    assert why[("B0072", "reply")] == "past the 2 h target: reply at the latest 17:40 (24 h)"


def test_alibaba_reply_rate_as_the_platform_counts_it(inq, build):
    def h(hours):
        return NOW - dt.timedelta(hours=hours)

    def ali(ident, bid, received, replied=None, status="Open"):
        return dict(inquiry_id=ident, received=received, channel="alibaba", buyer_id=bid, replied=replied, status=status)  # fmt: skip

    path = build(
        buyers=[buyer("B0001", "B", None), buyer("B0002", "B", None), buyer("B0003", "B", None, country="China"),
                buyer("B0004", "B", None, country="Hong Kong"), buyer("B0005", "B", None)],
        inquiries=[
            # B0001, one day: the first message counts once; the reply 30 h after it is late
            ali("I0001", "B0001", h(100), h(70)), ali("I0002", "B0001", h(99), h(70)),
            ali("I0003", "B0001", h(50), h(49)),  # another day: timely
            ali("I0004", "B0002", h(30)),  # never answered, the window closed: not timely
            ali("I0005", "B0002", h(3)),  # inside its window: pending, not counted
            ali("I0006", "B0003", h(60)),  # mainland China: left out
            ali("I0007", "B0004", h(60), h(59)),  # Hong Kong counts
            ali("I0008", "B0005", h(80), status="Spam"),  # marked as spam: left out
            ali("I0009", "B0005", h(24 * 31), h(24 * 31 - 1)),  # older than 30 days
            dict(inquiry_id="I0010", received=h(40), channel="email", buyer_id="B0005"),  # not Alibaba
        ],
    )  # fmt: skip
    rate = json.loads(inq("-w", path, "stats", "--json").stdout)["alibaba_reply_rate"]
    assert rate == {
        "hours": 24, "days": 30, "counted": 4, "timely": 2, "share": 0.5, "pending": 1,
        "excluded_china": 1, "excluded_spam": 1,
    }  # fmt: skip


def test_the_sample_stats_show_the_alibaba_rate(inq):
    out = inq("-w", SAMPLE, "stats").stdout
    assert re.search(r"Alibaba\.com 24 h rate \(30 d\) +100% \(12 of 12\), 1 pending", out)
    # inq's own shares count what can be judged: 3 inside the 24 h yet are not misses
    assert re.search(r"Answered within 24 h +87% \(95 of 109\)", out)
    assert re.search(r"Still inside 24 h \(not counted\) +3", out)


def test_whatsapp_links_read_as_phonenumbers_reads_them(inq, build):
    wa = "Prefers WhatsApp"
    path = build(
        buyers=[
            buyer("B0001", "B", D(2026, 11, 20), phone="+1 414 921 5289", country="Canada", notes=wa),  # a US mobile
            buyer("B0002", "B", D(2026, 11, 20), phone="+44 (0)7911 123456", country="UK", notes=wa),  # the trunk 0 typed
            buyer("B0003", "B", D(2026, 11, 20), phone="0049 151 2345 6789", notes=wa),
            buyer("B0004", "B", D(2026, 11, 20), phone="+1 4165 116 5945", country="Canada", notes=wa),  # a digit too many
            buyer("B0005", "B", D(2026, 11, 20), phone="+49 30 1234 5678", notes=wa),  # a landline
        ],
    )  # fmt: skip
    links = {i["buyer_id"]: i["whatsapp"] for i in due_json(inq, path)}
    assert links == {
        "B0001": "https://wa.me/14149215289",
        "B0002": "https://wa.me/447911123456",
        "B0003": "https://wa.me/4915123456789",
        "B0004": None,
        "B0005": None,
    }


# ---------------------------------------------------------------- small things


def test_the_quote_shows_the_whole_tier_table(inq):
    result = inq(
        "-w",
        SAMPLE,
        "quote",
        "--model",
        "LED-PL-60",
        "--qty",
        "1000",
        "--region",
        "eu",
        "--no-record",
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("   Prices by quantity (per pc, FOB Ningbo):")
    table = [line.split("  <-")[0].split() for line in lines[start + 1 : start + 5]]
    assert [t[1] for t in table] == ["100", "500", "1,000", "5,000"]
    assert sum("<- this quote" in line for line in lines) == 1
    assert "<- this quote" in lines[start + 3]  # 1,000 pcs: the 1000+ tier
    assert "placeholders" not in result.stderr  # the sample's Company sheet is filled in


def test_a_quote_warns_while_the_company_sheet_holds_the_placeholders(inq, build):
    path = build(
        products=[dict(model="LED-PL-60", name="Panel", moq=100, price=10, price_tiers="500+: 9.5")]
    )
    result = inq("-w", path, "quote", "-m", "LED-PL-60", "-q", "600", "-r", "eu")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "Warning: the Company sheet still holds inq init's placeholders for Name, Year founded, "
        "Total assets, Annual sales, Awards, Contact person, Tel, Fax, Email, Website, Address, "
        "Strengths: fill them in before this quote goes to a buyer"
    )
    assert "from 500 pcs  USD 9.50  <- this quote" in result.stdout


def test_workbook_option_after_the_command_name(inq, channels_wb):
    assert {i["buyer_id"] for i in due_json(inq, channels_wb)} == {
        i["buyer_id"] for i in json.loads(inq("due", "-w", channels_wb, "--json").stdout)
    }
    assert inq("report", "a-list", "--workbook", channels_wb).exit_code == 0
    assert inq("lookup", "B0001", f"--workbook={channels_wb}").exit_code == 0


def test_workbook_option_after_the_command_in_the_real_launcher():
    import os
    import subprocess
    import sys
    from pathlib import Path

    inq_script = Path(sys.executable).with_name("inq")
    result = subprocess.run(
        [str(inq_script), "lookup", "B0047", "-w", SAMPLE, "--json"],
        capture_output=True, text=True, env={**os.environ}, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["card"]["buyer"]["name"] == "Hendra Halim"


def test_shell_completion(inq, tmp_path):
    from typer.testing import CliRunner

    from inquiry_cli.cli.app import app

    env = {"_INQ_COMPLETE": "complete_bash", "COMP_WORDS": "inq ded", "COMP_CWORD": "1"}
    done = CliRunner().invoke(app, [], env=env, prog_name="inq")
    assert (done.exit_code, done.stdout) == (0, "dedupe\n")
    home = {"HOME": str(tmp_path), "SHELL": "/bin/bash"}
    installed = CliRunner().invoke(app, ["--install-completion", "bash"], env=home, prog_name="inq")
    assert installed.exit_code == 0, installed.output
    assert "_INQ_COMPLETE=complete_bash" in (tmp_path / ".bash_completions" / "inq.sh").read_text()
    assert "inq.sh" in (tmp_path / ".bashrc").read_text()
