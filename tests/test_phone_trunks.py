"""A national trunk prefix in brackets, "+49 (0)89 ...", is the same number without it:
in lookup, the duplicate check (check, add) and intake. Italy and a few others keep it."""

from __future__ import annotations

import json

import pytest

BUYERS = [
    {"buyer_id": "B0001", "name": "Jana Vogt", "company": "Vogt Leuchten GmbH",
     "email": "jana@vogt-leuchten.de", "phone": "+49 (0)89 123456", "country": "Germany"},
    {"buyer_id": "B0002", "name": "Luca Greco", "company": "Greco Luce Srl",
     "email": "luca@grecoluce.it", "phone": "+39 (0)6 1234 567", "country": "Italy"},
    # typed with a Chinese input method's full-width brackets
    {"buyer_id": "B0003", "name": "Eva Huber", "company": "Huber Licht KG",
     "email": "eva@huberlicht.at", "fax": "+43（0）1 234 5678", "country": "Austria"},
]  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "buyer", "reason"),
    [
        ("+49 89 123456", "B0001", "same phone"),
        ("0049 89 123456", "B0001", "same phone"),
        ("+49(0)89 123456", "B0001", "same phone"),
        ("+39 06 1234 567", "B0002", "same phone"),  # Italy keeps its 0 from abroad
        ("+43 1 234 5678", "B0003", "same fax"),
    ],
)
def test_lookup_finds_a_number_written_without_its_bracketed_trunk(
    inq, build, typed, buyer, reason
):
    path = build(buyers=BUYERS)
    result = inq("-w", path, "lookup", typed, "--json")
    assert result.exit_code == 0, result.output
    top = json.loads(result.stdout)["matches"][0]
    assert (top["buyer_id"], top["reasons"]) == (buyer, [reason])


def test_italy_without_its_zero_is_another_number(inq, build):
    rome = {**BUYERS[1], "phone": "+39 (0)6 1234 5678"}
    path = build(buyers=[rome])
    result = json.loads(inq("-w", path, "lookup", "+39 6 1234 5678", "--json").stdout)
    assert result["matches"][0]["reasons"] == ["phone ends in the same digits"]


def test_duplicate_check_and_add_know_the_number_without_its_trunk(inq, build):
    twin = {"buyer_id": "B0004", "name": "J. Vogt", "company": "Vogt Leuchten",
            "email": "einkauf@vogt-leuchten.de", "phone": "+49 89 123456", "country": "Germany"}  # fmt: skip
    path = build(buyers=[*BUYERS, twin])
    result = inq("-w", path, "check")
    assert result.exit_code == 1
    assert "Buyers row 5, Phone: duplicate buyer: same phone as row 2 (+49 89 123456)" in (
        result.stdout
    )
    added = inq("-w", build("other.xlsx", buyers=BUYERS), "add", "--name", "Max Vogt",
                "--phone", "+49 89 123456", "--dry-run")  # fmt: skip
    assert added.exit_code == 1
    assert "B0001" in added.stderr and "same phone" in added.stderr


def test_a_whatsapp_chat_from_the_number_without_its_trunk_is_logged(inq, build, tmp_path):
    path = build(buyers=BUYERS)
    chat = tmp_path / "WhatsApp Chat with +49 89 123456.txt"
    chat.write_text(
        "26/11/2026, 21:40 - +49 89 123456: Guten Abend, kommen die Muster diese Woche?\n"
        "27/11/2026, 08:05 - Lily Chen: Yes, DHL tracking follows today.\n",
        encoding="utf-8",
    )
    result = inq("-w", path, "intake", chat, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"{chat}: 2 WhatsApp messages with B0001 Jana Vogt (Vogt Leuchten GmbH) logged (1 in, 1 out)"
    )


def test_the_countries_that_keep_their_zero_are_libphonenumbers():
    import phonenumbers
    from phonenumbers import PhoneNumberType

    from inquiry_cli.domain.identity import LEADING_ZERO_KEPT

    found = set()
    for region in phonenumbers.SUPPORTED_REGIONS:
        for kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None and example.italian_leading_zero:
                found.add(str(example.country_code))
    assert found == LEADING_ZERO_KEPT


@pytest.mark.parametrize(
    ("stored", "typed", "country"),
    [
        ("+65 8123 4567", "8123 4567", "Singapore"),  # 8 digits at home: shorter than a key
        ("+852 5123 4567", "5123-4567", "Hong Kong"),
        ("8123 4567", "+65 8123 4567", "Singapore"),  # stored the local way, typed in full
    ],
)
def test_a_short_local_number_finds_the_full_one(inq, build, stored, typed, country):
    path = build(
        buyers=[{"buyer_id": "B0001", "name": "Tan Wei", "company": "Merlion Lights",
                 "email": "wei@merlionlights.sg", "phone": stored, "country": country}]
    )  # fmt: skip
    result = inq("-w", path, "lookup", typed, "--json")
    assert result.exit_code == 0, result.output
    top = json.loads(result.stdout)["matches"][0]
    assert (top["buyer_id"], top["reasons"]) == ("B0001", ["same phone"])
