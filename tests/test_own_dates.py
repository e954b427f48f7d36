"""The user's own dates: a typed Next follow-up wins over the cadence (and `due` says so);
a date like 03/11/2026 is read by the evidence of its own column, or refused."""

from __future__ import annotations

import datetime as dt
import json

from conftest import sheets_workbook

BUYER_HEAD = ["Buyer ID", "Name", "Company", "Email", "Country", "Grade", "Last contact",
              "Next follow-up"]  # fmt: skip


def due_json(inq, path, when="today"):
    result = inq("-w", path, "due", when, "--json")
    assert result.exit_code == 0, result.output
    return {(i["buyer_id"], i["kind"]): i for i in json.loads(result.stdout)}


def test_a_typed_next_follow_up_reads_by_its_column_and_wins_over_the_cadence(inq, tmp_path):
    # Ines typed her follow-up dates the European way; one of them (25/11) can only be
    # day first, so 03/12/2026 is the 3rd of December, not the 12th of March.
    path = sheets_workbook(
        tmp_path / "tracker.xlsx",
        {
            "Buyers": [
                BUYER_HEAD,
                ["C-101", "Lena Holm", "Nordljus AB", "lena@nordljus.se", "Sweden", "A",
                 dt.datetime(2026, 11, 2), "03/12/2026"],
                ["C-102", "Piet de Wit", "Lampenhuis BV", "piet@lampenhuis.nl", "Netherlands",
                 "C", dt.datetime(2026, 11, 20), "25/11/2026"],
                ["C-103", "Ola Berg", "Berg Lys AS", "ola@berglys.no", "Norway", "B",
                 dt.datetime(2026, 11, 19), None],
            ]
        },
    )  # fmt: skip
    today = due_json(inq, path)
    # Lena's grade A cadence would be 3 weeks late; her own date is next week.
    assert ("C-101", "follow-up") not in today
    piet = today[("C-102", "follow-up")]
    assert (piet["due"], piet["days_late"], piet["basis"]) == (
        "2026-11-25T00:00",
        2,
        "next_follow_up",
    )
    assert piet["why"] == "next follow-up date set in Buyers"
    ola = today[("C-103", "follow-up")]  # blank: the B cadence fills it (7 days after 11-19)
    assert (ola["due"], ola["basis"]) == ("2026-11-26T00:00", "grade")
    lena = due_json(inq, path, "2026-12-03")[("C-101", "follow-up")]
    assert (lena["due"], lena["basis"]) == ("2026-12-03T00:00", "next_follow_up")

    shown = inq("-w", path, "due").stdout
    assert "follow-up 2d late (your date)" in shown
    assert "follow-up 1d late " in shown and "1d late (your date)" not in shown  # Ola: cadence

    check = inq("-w", path, "check")
    assert check.exit_code == 0, check.output
    assert (
        "Buyers column 'Next follow-up': 1 date like 03/11/2026 read day first "
        "(25/11/2026 in row 3 can only be day first)"
    ) in check.stdout
    data = json.loads(inq("-w", path, "check", "--json").stdout)
    assert data["date_orders"] == [
        {"sheet": "Buyers", "column": "Next follow-up", "order": "day_first",
         "why": "25/11/2026 in row 3 can only be day first", "dates": 1}
    ]  # fmt: skip


def test_month_first_evidence_reaches_one_buyers_history(inq, tmp_path):
    # An American colleague's contact log: 11/24/2026 can only be month first, so the
    # 11/05/2026 in Dana's rows is the 5th of November. `lookup` reads Dana's rows by a
    # byte search; the evidence sits in another buyer's row, so the column is read whole.
    path = sheets_workbook(
        tmp_path / "log.xlsx",
        {
            "Buyers": [
                ["Buyer ID", "Name", "Company", "Email", "Country", "Grade"],
                ["U1", "Dana Cruz", "Cruz Lighting LLC", "dana@cruzlighting.com", "United States", "B"],
                ["U2", "Tom Reed", "Reed Supply Inc", "tom@reedsupply.com", "United States", "C"],
            ],
            "Contacts": [
                ["Date", "Buyer ID", "Channel", "Direction", "Summary"],
                # (below the rows a header may sit in, which every read keeps)
                *[[dt.datetime(2026, 10, d), "U2", "email", "in", "Chat"] for d in range(1, 21)],
                ["11/05/2026 16:10", "U1", "email", "out", "Sent the price list"],
                ["11/24/2026", "U2", "email", "in", "Asked for samples"],
            ],
        },
    )  # fmt: skip
    card = json.loads(inq("-w", path, "lookup", "dana@cruzlighting.com", "--json").stdout)["card"]
    assert [c["date"] for c in card["contacts"]] == ["2026-11-05T16:10"]
    assert card["last_contact"] == "2026-11-05T16:10"
    check = json.loads(inq("-w", path, "check", "--json").stdout)
    assert check["date_orders"] == [
        {"sheet": "Contacts", "column": "Date", "order": "month_first",
         "why": "11/24/2026 in row 23 can only be month first", "dates": 1}
    ]  # fmt: skip


def test_a_column_without_evidence_or_with_both_orders_is_refused(inq, tmp_path):
    path = sheets_workbook(
        tmp_path / "mixed.xlsx",
        {
            "Buyers": [
                BUYER_HEAD,
                # Last contact holds a 25/11, but that says nothing of Next follow-up.
                ["K1", "Ana Ruiz", "Luces Ruiz SL", "ana@lucesruiz.es", "Spain", "B",
                 "25/11/2026", "04/12/2026"],
                ["K2", "Jon Lee", "Lee Lamps Ltd", "jon@leelamps.co.uk", "United Kingdom", "B",
                 "10/11/2026", None],
            ],
            "Contacts": [
                ["Date", "Buyer ID", "Summary"],
                ["26/11/2026", "K1", "Called"],
                ["11/26/2026", "K1", "Mailed"],
                ["09/11/2026", "K1", "Mailed again"],
            ],
        },
    )  # fmt: skip
    result = inq("-w", path, "check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        "  Buyers row 2, Next follow-up: ambiguous date '04/12/2026' (4 Dec or 12 Apr?): no other "
        "date in its column tells; type it as 2026-12-04 or 2026-04-12"
    ) in lines
    assert (
        "  Contacts row 4, Date: ambiguous date '09/11/2026' (9 Nov or 11 Sep?): its column has "
        "day-first dates (26/11/2026, row 2) and month-first ones (11/26/2026, row 3); "
        "type it as 2026-11-09 or 2026-09-11"
    ) in lines
    # ...while its own column decides Last contact: 10/11/2026 is the 10th of November.
    assert "Buyers column 'Last contact': 1 date like 03/11/2026 read day first" in result.stdout
    jon = due_json(inq, path, "2026-11-17")[("K2", "follow-up")]
    assert jon["due"] == "2026-11-17T00:00"


def test_a_typed_date_the_buyer_was_contacted_since_gives_way_to_the_cadence(inq, build):
    path = build(
        buyers=[
            {"buyer_id": "B0001", "name": "Mia Park", "company": "Park Lights", "email": "mia@parklights.kr",
             "country": "South Korea", "grade": "B", "last_contact": dt.date(2026, 11, 20),
             "next_follow_up": dt.date(2026, 11, 10)},
        ]
    )  # fmt: skip
    item = due_json(inq, path)[("B0001", "follow-up")]
    assert (item["due"], item["days_late"], item["basis"]) == ("2026-11-27T00:00", 0, "grade")
    assert item["why"] == (
        "grade B: every 7 days (B: weekly) (the Next follow-up 2026-11-10 in Buyers was done "
        "by the contact of 2026-11-20)"
    )
