"""`inq due`: cadence boundaries, reply clocks, local time, channels, JSON and ICS."""

from __future__ import annotations

import datetime as dt
import json

import pytest

NOW = dt.datetime(2026, 11, 27, 10, 0)  # conftest pins INQ_NOW to this


def buyer(bid, grade, last, **extra):
    return {
        "buyer_id": bid, "name": f"Name {bid}", "company": f"Company {bid}",
        "email": f"{bid.lower()}@co{bid[-1]}.com", "country": "Germany", "grade": grade,
        "last_contact": last, **extra,
    }  # fmt: skip


def due_ids(inq, path, when="today"):
    result = inq("-w", path, "due", when, "--json")
    assert result.exit_code == 0, result.output
    return {(i["buyer_id"], i["kind"]): i for i in json.loads(result.stdout)}


@pytest.mark.parametrize(
    ("grade", "not_due_days", "due_days"),
    [("A", 2, 3), ("B", 6, 7), ("C", 14, 15)],
)
def test_grade_cadence_boundaries(inq, build, grade, not_due_days, due_days):
    today = NOW.date()
    path = build(
        buyers=[
            buyer("B0001", grade, today - dt.timedelta(days=not_due_days)),
            buyer("B0002", grade, today - dt.timedelta(days=due_days)),
        ]
    )
    items = due_ids(inq, path)
    assert ("B0001", "follow-up") not in items
    assert items[("B0002", "follow-up")]["days_late"] == 0
    assert items[("B0002", "follow-up")]["late"] is False


def test_d_is_due_one_calendar_month_later_across_month_end(inq, build, monkeypatch):
    # last contact Jan 31 -> due Feb 28 (2026 is not a leap year); 2028 -> Feb 29
    path = build(
        buyers=[
            buyer("B0001", "D", dt.date(2026, 1, 31)),
            buyer("B0002", "D", dt.date(2028, 1, 31)),
        ]
    )
    monkeypatch.setenv("INQ_NOW", "2026-02-27T09:00")
    assert ("B0001", "follow-up") not in due_ids(inq, path)
    monkeypatch.setenv("INQ_NOW", "2026-02-28T09:00")
    assert ("B0001", "follow-up") in due_ids(inq, path)
    monkeypatch.setenv("INQ_NOW", "2028-02-28T09:00")
    assert ("B0002", "follow-up") not in due_ids(inq, path)
    monkeypatch.setenv("INQ_NOW", "2028-02-29T09:00")
    assert ("B0002", "follow-up") in due_ids(inq, path)


def test_a_buyer_across_leap_day(inq, build, monkeypatch):
    path = build(buyers=[buyer("B0001", "A", dt.date(2028, 2, 27))])
    monkeypatch.setenv("INQ_NOW", "2028-02-29T09:00")
    assert ("B0001", "follow-up") not in due_ids(inq, path)
    monkeypatch.setenv("INQ_NOW", "2028-03-01T09:00")
    assert ("B0001", "follow-up") in due_ids(inq, path)


def test_logged_contact_resets_the_clock(inq, build):
    path = build(
        buyers=[buyer("B0001", "B", dt.date(2026, 11, 10))],
        contacts=[dict(date=dt.datetime(2026, 11, 25, 15, 0), buyer_id="B0001", channel="email", direction="out", summary="Sent catalog")],
    )  # fmt: skip
    assert ("B0001", "follow-up") not in due_ids(inq, path)
    assert ("B0001", "follow-up") in due_ids(inq, path, "2026-12-02")


def test_explicit_next_follow_up_wins(inq, build):
    path = build(
        buyers=[buyer("B0001", "D", dt.date(2026, 11, 25), next_follow_up=dt.date(2026, 11, 26))]
    )
    item = due_ids(inq, path)[("B0001", "follow-up")]
    assert item["why"] == "next follow-up date set in Buyers"
    assert item["days_late"] == 1


def test_open_inquiry_at_least_every_half_month(inq, build):
    path = build(
        buyers=[buyer("B0001", "D", dt.date(2026, 11, 12))],
        inquiries=[dict(inquiry_id="I0001", received=dt.datetime(2026, 11, 1, 9), buyer_id="B0001", replied=dt.datetime(2026, 11, 1, 10), status="Open")],
    )  # fmt: skip
    item = due_ids(inq, path)[("B0001", "follow-up")]
    assert item["why"] == "open inquiry I0001: at least every 15 days"


@pytest.mark.parametrize(
    ("channel", "hours_ago", "late", "why"),
    [
        ("email", 1.5, False, "reply by 10:30 (2 h), at the latest tomorrow 08:30 (24 h)"),
        ("email", 3, False, "past the 2 h target: reply at the latest tomorrow 07:00 (24 h)"),
        ("email", 24, False, "past the 2 h target: reply at the latest 10:00 (24 h)"),
        ("email", 24.5, True, "reply LATE: the 24 h limit passed 09:30"),
        ("fax", 12, False, "past the 2 h target: reply at the latest 10:00 (12 h, fax)"),
        ("fax", 12.5, True, "reply LATE: the 12 h limit (fax) passed 09:30"),
    ],
)
def test_reply_clocks(inq, build, channel, hours_ago, late, why):
    received = NOW - dt.timedelta(hours=hours_ago)
    path = build(
        buyers=[buyer("B0001", None, None, fax="+49 30 1234 5679")],
        inquiries=[dict(inquiry_id="I0001", received=received, channel=channel, buyer_id="B0001", status="Open")],
    )  # fmt: skip
    item = due_ids(inq, path)[("B0001", "reply")]
    assert item["late"] is late
    assert item["why"] == why
    assert item["channel"] == ("FAX" if channel == "fax" else "email")


def test_local_time_and_channel(inq, build):
    path = build(
        buyers=[
            buyer("B0001", "A", dt.date(2026, 11, 20), country="阿联酋", phone="+971 4 123 4567"),
            buyer("B0002", "B", dt.date(2026, 11, 20), country="United States", city="Los Angeles"),
            buyer("B0003", "B", dt.date(2026, 11, 20), country="Saudi Arabia"),
        ]
    )
    items = due_ids(inq, path)
    uae = items[("B0001", "follow-up")]
    assert (uae["time_zone"], uae["local_time"], uae["business_hours"]) == (
        "Asia/Dubai",
        "2026-11-27T06:00",
        False,
    )
    assert uae["channel"] == "TEL"  # A-grade buyers get a call
    la = items[("B0002", "follow-up")]
    assert (la["time_zone"], la["local_time"]) == ("America/Los_Angeles", "2026-11-26T18:00")
    # Friday is weekend in Saudi Arabia: 05:00 there anyway, but check the weekday rule at noon
    assert items[("B0003", "follow-up")]["business_hours"] is False


def test_saudi_weekend(inq, build, monkeypatch):
    path = build(
        buyers=[
            buyer("B0001", "B", dt.date(2026, 11, 1), country="Saudi Arabia"),
            buyer("B0002", "B", dt.date(2026, 11, 1), country="Germany"),
        ]
    )
    monkeypatch.setenv("INQ_NOW", "2026-11-27T17:00")  # Fri 12:00 in Riyadh, 10:00 in Berlin
    items = due_ids(inq, path)
    assert items[("B0001", "follow-up")]["business_hours"] is False
    assert items[("B0002", "follow-up")]["business_hours"] is True


def test_order_and_table(inq, build):
    path = build(
        buyers=[
            buyer("B0001", "D", dt.date(2026, 9, 1)),
            buyer("B0002", "A", dt.date(2026, 11, 23)),
            buyer("B0003", "B", dt.date(2026, 11, 20)),
        ],
        inquiries=[dict(inquiry_id="I0009", received=NOW - dt.timedelta(hours=30), channel="alibaba", buyer_id="B0003", status="Open")],
    )  # fmt: skip
    result = inq("-w", path, "due")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Due today (Fri 2026-11-27 10:00): 1 reply owed, 3 follow-ups, 3 late"
    assert lines[2].startswith("REPLY I0009 6h late")
    assert [line.split()[0] for line in lines[2:]] == [
        "REPLY",
        "follow-up",
        "follow-up",
        "follow-up",
    ]
    data = json.loads(inq("-w", path, "due", "--json").stdout)
    # urgency = grade weight x lateness (1 + days late / 7, at most 3x):
    # A 1 day late 4 x 8/7 = 4.6 > D 87 days late 1.5 x 3 = 4.5 > B due today 3 x 1
    got = [(i["buyer_id"], i["urgency"]) for i in data[1:]]
    assert got == [("B0002", 4.6), ("B0001", 4.5), ("B0003", 3.0)]


def test_overdue_and_horizons(inq, build):
    path = build(
        buyers=[
            buyer("B0001", "B", dt.date(2026, 11, 19)),
            buyer("B0002", "B", dt.date(2026, 11, 22)),
        ]
    )
    assert set(due_ids(inq, path, "overdue")) == {("B0001", "follow-up")}
    assert set(due_ids(inq, path, "today")) == {("B0001", "follow-up")}
    assert set(due_ids(inq, path, "+1d")) == {("B0001", "follow-up")}
    assert set(due_ids(inq, path, "+2d")) == {("B0001", "follow-up"), ("B0002", "follow-up")}
    assert set(due_ids(inq, path, "week")) == {("B0001", "follow-up"), ("B0002", "follow-up")}


def test_text_dates_in_a_hand_made_workbook(inq, messy_workbook):
    result = inq("-w", messy_workbook, "due", "--json")
    assert result.exit_code == 0, result.output
    items = {(i["email"], i["grade"]): i for i in json.loads(result.stdout)}
    # A, last contact typed as '2026/11/03': due 2026-11-06, 21 days late
    assert items[("ahmed@gulflights.ae", "A")]["days_late"] == 21
    # C, typed as '2026年11月3日': due 2026-11-18
    assert items[("maria@lichthandel.de", "C")]["days_late"] == 9
    # D, a real Excel date 2026-10-01: due 2026-11-01
    assert items[("ahmed@gulflights.ae", "D")]["days_late"] == 26


def test_bad_when(inq, contract_workbook):
    result = inq("-w", contract_workbook, "due", "someday")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "Error: cannot read 'someday': use today, tomorrow, week, overdue, a date or +3d\n"
    )


def test_ics_export(inq, contract_workbook, tmp_path):
    from icalendar import Calendar

    ics = tmp_path / "followups.ics"
    result = inq("-w", contract_workbook, "due", "--ics", ics)
    assert result.exit_code == 0, result.output
    cal = Calendar.from_ical(ics.read_bytes())
    events = list(cal.walk("VEVENT"))
    summaries = sorted(str(e["summary"]) for e in events)
    assert summaries == [
        "Follow up Ahmed Al Mansoori (Gulf Lights Trading LLC) by TEL",
        "Follow up Maria Schmidt (Licht Handel GmbH) by email",
    ]
    assert all(e.decoded("dtstart") == dt.date(2026, 11, 27) for e in events)


def test_a_long_list_shows_the_most_urgent_and_says_how_many_more(inq, build):
    """60 buyers due: the table has the 50 most urgent and one line for the rest; --limit
    and --all change that; --json always has every item."""
    today = NOW.date()
    buyers = [
        buyer(f"B{n:04d}", "A" if n <= 5 else "C", today - dt.timedelta(days=20 + n))
        for n in range(1, 61)
    ]
    path = build(buyers=buyers)
    table = inq("-w", path, "due")
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[-1] == "... and 10 more (use --all or --limit N)"
    assert sum(line.startswith("follow-up") for line in lines) == 50
    assert "Name B0005" in table.stdout  # the A buyers, most urgent, are shown
    three = inq("-w", path, "due", "--limit", "3").stdout.splitlines()
    assert three[-1] == "... and 57 more (use --all or --limit N)"
    every = inq("-w", path, "due", "-a").stdout
    assert "more (use --all" not in every
    assert sum(line.startswith("follow-up") for line in every.splitlines()) == 60
    assert len(json.loads(inq("-w", path, "due", "--json", "-l", "3").stdout)) == 60
    bad = inq("-w", path, "due", "--limit", "ten")
    assert bad.exit_code == 2
    assert bad.stderr == (
        "Error: Invalid value for '--limit' / '-l': 'ten' is not a whole number "
        "(see `inq due -h`)\n"
    )


def test_a_graded_buyer_with_no_contact_on_record_falls_due(inq, build):
    """Last contact blank and nothing logged: due at once; with a first contact, by the
    cadence from it. A workbook keeping no contacts at all is blind instead (check)."""
    path = build(
        buyers=[
            buyer("B0001", "B", None),
            buyer("B0002", "C", None, first_contact=dt.date(2026, 11, 1)),
            buyer("B0003", "C", None, first_contact=dt.date(2026, 11, 20)),
        ]
    )
    items = due_ids(inq, path)
    assert items[("B0001", "follow-up")]["why"] == "grade B, and no contact on record"
    assert items[("B0001", "follow-up")]["days_late"] == 0
    assert items[("B0002", "follow-up")]["days_late"] == 11  # 11-01 + 15 days = 11-16
    assert ("B0003", "follow-up") not in items  # 11-20 + 15 days: not yet
    card = json.loads(inq("-w", path, "lookup", "b0001@co1.com", "--json").stdout)["card"]
    assert card["next_follow_up"]["due"] == "2026-11-27"


def test_a_buyer_marked_gone_is_not_chased_unless_you_set_a_date(inq, build):
    last = dt.date(2026, 11, 1)
    path = build(
        buyers=[
            buyer("B0001", "B", last, status="Lost"),
            buyer("B0002", "B", last, status="流失"),
            buyer("B0003", "B", last, status="Do not contact"),
            buyer("B0004", "B", last, status="Ordered"),  # a customer: followed up
            buyer("B0005", "B", last, status="Lost", next_follow_up=dt.date(2026, 11, 27)),
        ]
    )
    items = due_ids(inq, path)
    assert sorted(b for b, kind in items if kind == "follow-up") == ["B0004", "B0005"]


def test_an_open_inquiry_is_chased_from_when_it_came(inq, build):
    """Last contacted 11-01, a new inquiry 11-26 (replied): its half-month chase runs from
    11-26, not from the contact before it."""
    path = build(
        buyers=[buyer("B0001", "D", dt.date(2026, 11, 1))],
        inquiries=[dict(inquiry_id="I0001", received=dt.datetime(2026, 11, 26, 9), buyer_id="B0001", replied=dt.datetime(2026, 11, 26, 10), status="Open")],
    )  # fmt: skip
    assert ("B0001", "follow-up") not in due_ids(inq, path)  # D monthly: 12-01; inquiry: 12-11
    assert due_ids(inq, path, "2026-12-11")[("B0001", "follow-up")]["due"].startswith("2026-12-01")


def test_an_80_column_terminal_still_shows_who(inq, monkeypatch):
    """The weekday and the channel's reason give way first: the buyer's name stays."""
    from pathlib import Path

    from inquiry_cli.output.console import console

    monkeypatch.setenv("COLUMNS", "80")
    console.cache_clear()  # (the run's console is made once: this test's is 80 wide)
    try:
        sample = Path(__file__).parent.parent / "sample_workbook.xlsx"
        out = inq("-w", sample, "due").stdout
    finally:
        console.cache_clear()
    assert "Ahmed Al Zaabi" in out and "Chris Clark" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_a_long_json_list_is_written_as_one_list(capsys):
    """print_json_items writes a list a few thousand items at a time: the text is the one
    print_json writes of the whole list (separators, escapes, dates)."""
    import datetime as dt

    from inquiry_cli.output.json_output import print_json, print_json_items

    items = [
        {"n": i, "at": dt.datetime(2026, 11, 27, 10, i % 60, i % 2), "who": f"Mü\u202e{i}\x7f"}
        for i in range(4500)
    ]
    print_json(items)
    whole = capsys.readouterr().out
    print_json_items(iter(items), chunk=1000)
    assert capsys.readouterr().out == whole
    print_json_items(iter([]))
    assert capsys.readouterr().out == "[]\n"
    assert "\\u202e" in whole and "\\u007f" in whole and '"2026-11-27T10:01:01"' in whole
