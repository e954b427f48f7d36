"""`inq lookup`: emails, phones, names, domains; cards, match lists and no match."""

from __future__ import annotations

import json


def test_lookup_by_email_shows_card(inq, contract_workbook):
    result = inq("-w", contract_workbook, "lookup", "Ahmed <AHMED@GulfLights.ae>")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Ahmed Al Mansoori — Gulf Lights Trading LLC  [B0001 · grade A]\n")
    assert "  matched: same email; name like 'Ahmed Al Mansoori' (90%)\n" in out
    assert "Email ahmed@gulflights.ae   Phone +971 50 123 4567" in out
    assert "Dubai, United Arab Emirates (mideast) · Alibaba" in out
    assert "Products asked about: LED-PL-60" in out
    assert "2026-11-20 09:30  email  out  Sent quote for LED-PL-60" in out
    assert "Last contact: 2026-11-20 09:30" in out
    # A: twice a week -> due 3 days after 2026-11-20; "now" is 2026-11-27
    assert (
        "Next follow-up: due 2026-11-23 (grade A: every 3.5 days (A: twice a week)) — 4 days OVERDUE"
        in out
    )
    assert (
        "Next step: Follow up now: 4 days overdue (by TEL: grade A: call to learn the details)"
        in out
    )


def test_lookup_json_has_stable_keys(inq, contract_workbook):
    result = inq("-w", contract_workbook, "lookup", "mailto:maria@lichthandel.de", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["query", "matches", "card"]
    card = data["card"]
    assert list(card) == [
        "buyer", "reasons", "products", "inquiries", "contacts", "contacts_total",
        "quotes", "samples", "last_contact", "next_follow_up", "next_step", "silent_days",
    ]  # fmt: skip
    assert card["buyer"]["buyer_id"] == "B0002"
    assert card["last_contact"] == "2026-11-02T00:00"
    assert card["next_follow_up"] == {
        "due": "2026-11-09",
        "reason": "grade B: every 7 days (B: weekly)",
        "days_overdue": 18,
        "overdue": True,
    }
    assert card["next_step"] == {
        "action": "Follow up now: 18 days overdue",
        "channel": "email",
        "why": "email for the rest",
        "whatsapp": None,
    }
    assert card["silent_days"] == 56  # first met 2026-10-02: over twice the B cadence


def test_lookup_phone_in_other_formats(inq, contract_workbook):
    for typed in ("+971 50 123 4567", "00971501234567", "050-123-4567", "tel:+971501234567"):
        data = json.loads(inq("-w", contract_workbook, "lookup", typed, "--json").stdout)
        assert data["matches"][0]["buyer_id"] == "B0001", typed
        assert data["matches"][0]["reasons"] == ["same phone"], typed


def test_lookup_colleague_by_domain(inq, contract_workbook):
    data = json.loads(
        inq("-w", contract_workbook, "lookup", "sales@gulflights.ae", "--json").stdout
    )
    assert data["matches"][0]["reasons"] == ["same company domain gulflights.ae"]
    data = json.loads(
        inq("-w", contract_workbook, "lookup", "https://www.gulflights.ae/contact", "--json").stdout
    )
    assert data["matches"][0]["reasons"] == ["email at gulflights.ae"]


def test_free_mail_domain_is_not_a_colleague(inq, contract_workbook):
    result = inq("-w", contract_workbook, "lookup", "someone@gmail.com")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no buyer matches 'someone@gmail.com'; to add them: "
        "inq add --name NAME --company COMPANY --email someone@gmail.com\n"
    )


def test_lookup_fuzzy_company_and_name(inq, contract_workbook):
    for typed in (
        "gulf light trading",
        "GULF LIGHTS",
        "Licht-Handel",
        "maria schmidt",
        "Schmidt Maria",
    ):
        data = json.loads(inq("-w", contract_workbook, "lookup", typed, "--json").stdout)
        assert data["card"] is not None, typed
        assert data["matches"][0]["company"] in ("Gulf Lights Trading LLC", "Licht Handel GmbH"), (
            typed
        )


def test_lookup_json_when_nobody_matches(inq, contract_workbook):
    result = inq("-w", contract_workbook, "lookup", "zzzz", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"query": "zzzz", "matches": [], "card": None}


def test_lookup_no_match_suggests_add(inq, contract_workbook):
    result = inq("-w", contract_workbook, "lookup", "Zhang Wei")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: no buyer matches 'Zhang Wei'; to add them: "
        "inq add --name 'Zhang Wei' --company COMPANY --email EMAIL\n"
    )


def test_lookup_in_hand_made_workbook(inq, messy_workbook):
    """Chinese headers, no Buyer IDs, phone stored as a number: still found."""
    result = inq("-w", messy_workbook, "lookup", "+971 50 123 4567")
    assert result.exit_code == 0, result.output
    assert "2 possible matches" not in result.stdout
    data = json.loads(
        inq("-w", messy_workbook, "lookup", "somchai@sunpower.co.th", "--json").stdout
    )
    card = data["card"]
    assert card["buyer"]["company"] == "Sun Power Co., Ltd"
    assert card["buyer"]["grade"] == "B"
    assert card["last_contact"] == "2026-11-03T00:00"  # typed as '3 Nov 2026'


def test_several_close_matches_are_listed(inq, messy_workbook):
    result = inq("-w", messy_workbook, "lookup", "gulflights.ae")
    assert result.exit_code == 0
    assert result.stdout.startswith("3 possible matches for 'gulflights.ae':")


def test_brackets_in_workbook_text_print_as_typed(inq, build):
    """rich markup must not eat '[Pty]' from a company name, in cards and in tables."""
    import datetime as dt

    path = build(
        buyers=[
            dict(buyer_id="B0001", name="Jo [Sales]", company="ACME [Pty] Ltd", email="jo@acme.com.au",
                 country="Australia", grade="B", last_contact=dt.date(2026, 11, 1)),
        ]
    )  # fmt: skip
    card = inq("-w", path, "lookup", "jo@acme.com.au").stdout
    assert card.startswith("Jo [Sales] — ACME [Pty] Ltd  [B0001 · grade B]\n")
    due = inq("-w", path, "due").stdout
    assert "Jo [Sales] (ACME [Pty] L" in due  # cut with … to fit 100 columns
