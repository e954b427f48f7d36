"""Numbers and dates: read exactly or refused in one line, typed or found in a sheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

PRODUCT = dict(model="LED-PL-60", name="LED Panel Light 40W", moq=100, unit="pcs", price=10.80)
BUYER = dict(buyer_id="B0001", name="Ahmed", company="Gulf Lights", email="ahmed@gulflights.ae")


def make_shop(path: Path) -> Path:
    from inquiry_cli.contract import schema
    from inquiry_cli.workbook.create import append_record, new_workbook

    wb = new_workbook()
    records = {
        "buyers": [BUYER],
        "inquiries": [
            dict(inquiry_id="I0001", received=dt.datetime(2026, 11, 20, 8), channel="email",
                 buyer_id="B0001", product="LED-PL-60", quantity=1000, status="Open"),
        ],
        "products": [PRODUCT],
    }  # fmt: skip
    for key, rows in records.items():
        spec = schema.SHEETS_BY_KEY[key]
        for rec in rows:
            append_record(wb[spec.title], spec, rec)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Path:
    """A small workbook the read-only tests share (quotes without --buyer, dry runs)."""
    return make_shop(tmp_path_factory.mktemp("shop") / "shop.xlsx")


def test_quantities_are_read_exactly_or_refused():
    """What quantities.py promises, case by case (the CLI cases below show the lines)."""
    from inquiry_cli.errors import UsageError
    from inquiry_cli.quantities import parse_quantity

    exact = {
        "1000": 1000, "1,000": 1000, "12,345,678": 12345678, "10 000": 10000,
        "10\u202f000": 10000, "１０００": 1000, "１，２００": 1200, "٣٠٠": 300, "2k": 2000,
        "1.5k": 1500, "1e6": 1000000, "5E2": 500, "500 pcs": 500, "500pcs": 500,
        "20 sets": 20, "1000件": 1000, "1.000.000": 1000000, "1e9": 10**9,
    }  # fmt: skip
    for text, value in exact.items():
        assert parse_quantity(text, whole=True) == value, text
    assert parse_quantity("2.5") == 2.5 and parse_quantity(".5") == 0.5
    for text in ["1.000", "12.345", "2,5", "1,00", "1,0000", "0", "-5", "nan", "inf", "1e400",
                 "1000000001", "9" * 23, "abc", "", "2m", "$5"]:  # fmt: skip
        with pytest.raises(UsageError):
            parse_quantity(text, whole=True)
    with pytest.raises(UsageError, match="not a whole quantity"):
        parse_quantity("2.5", whole=True)


@pytest.mark.parametrize(
    ("qty", "pieces"),
    [("1e6", "1,000,000"), ("2k", "2,000"), ("１，２００", "1,200"), ("10 000", "10,000")],
)
def test_a_quantity_is_read_exactly(inq, shop, qty, pieces):
    result = inq("-w", shop, "quote", "-m", "LED-PL-60", "-q", qty, "--region", "eu")
    assert result.exit_code == 0, result.stderr
    assert f"   Quantity: {pieces} pcs\n" in result.stdout


@pytest.mark.parametrize(
    ("qty", "why"),
    [
        ("1e400", "is more than 1,000,000,000 pieces: check the number"),
        ("12345678901234567890123", "is more than 1,000,000,000 pieces: check the number"),
        ("1.000", "is ambiguous (a decimal point, or a thousands dot as in Europe?): for thousands write 1,000, for a decimal drop the trailing zeros"),
        ("2,5", "has a decimal comma: write 2.5 for two and a half, 2,500 for thousands"),
    ],
)  # fmt: skip
def test_an_unclear_or_absurd_quantity_is_refused(inq, shop, qty, why):
    result = inq("-w", shop, "quote", "-m", "LED-PL-60", "-q", qty, "--region", "eu")
    assert result.exit_code == 2
    assert result.stderr == f"Error: --qty for LED-PL-60 {qty!r} {why}\n"


def test_an_inquiry_records_the_quantity_meant(inq, shop):
    result = inq("-w", shop, "inquiry", "-b", "B0001", "-c", "email", "--qty", "2k", "-n")
    assert result.exit_code == 0, result.stderr
    assert "Quantity=2000," in result.stdout
    huge = inq("-w", shop, "inquiry", "-b", "B0001", "-c", "email", "--qty", "9" * 23, "-n")
    assert huge.exit_code == 2
    assert "is more than 1,000,000,000 pieces" in huge.stderr


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["due"], "9999-12-31T23:59", "INQ_NOW='9999-12-31T23:59' is out of range: give a date between 1900-01-01 and 2999-12-31"),
        (["due", "+99999999d"], None, "the date '+99999999d' is out of range: give a date between 1900-01-01 and 2999-12-31"),
        (["report", "a-list", "--month", "9999-12"], None, "the month '9999-12' is out of range: give a month between 1900-01 and 2999-12"),
        (["stats", "--since", "-99999999d"], None, "the date '-99999999d' is out of range: give a date between 1900-01-01 and 2999-12-31"),
        (["trip", "Dubai", "--from", "0001-01-01"], None, "the date '0001-01-01' is out of range: give a date between 1900-01-01 and 2999-12-31"),
        (["log", "B0001", "-c", "tel", "-s", "x", "--date", "+99999999d"], None, "the date '+99999999d' is out of range: give a date between 1900-01-01 and 2999-12-31"),
    ],
)  # fmt: skip
def test_absurd_dates_are_one_line(inq, shop, monkeypatch, args, env, message):
    if env:
        monkeypatch.setenv("INQ_NOW", env)
    result = inq("-w", shop, *args)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"


def test_absurd_numbers_and_dates_in_the_sheets_are_problems_not_crashes(inq, tmp_path):
    """Quantities of 1e308 or 'inf', dates in 9999 or at serial 1e9: `check` lists them,
    every other command reads them as blank."""
    shop = make_shop(tmp_path / "absurd.xlsx")
    wb = openpyxl.load_workbook(shop)
    ws = wb["Inquiries"]
    head = [c.value for c in ws[1]]
    q, r = head.index("Quantity") + 1, head.index("Received") + 1
    for i, (qty, received) in enumerate(
        [(1e308, 1e9), ("inf", dt.datetime(9999, 12, 31)), ("1e400 pcs", -5.0)], start=3
    ):
        ws.cell(i, 1, f"I000{i}")
        ws.cell(i, head.index("Buyer ID") + 1, "B0001")
        ws.cell(i, q, qty)
        ws.cell(i, r, received).number_format = "yyyy-mm-dd"
    b = wb["Buyers"]
    b.cell(2, [c.value for c in b[1]].index("Last contact") + 1, dt.datetime(9999, 12, 31))
    wb.save(shop)
    check = inq("-w", shop, "check")
    assert check.exit_code == 1
    for line in [
        "  Inquiries row 3, Quantity: not a number inq can work with: 1e+308\n",
        "  Inquiries row 4, Quantity: not a number: 'inf'\n",
        "  Inquiries row 5, Quantity: not a number inq can work with: '1e400 pcs'\n",
        "  Inquiries row 3, Received: not a date: 1000000000.0\n",
        "  Inquiries row 4, Received: date out of range (inq reads dates between 1900-01-01 and 2999-12-31)\n",
        "  Buyers row 2, Last contact: date out of range (inq reads dates between 1900-01-01 and 2999-12-31)\n",
    ]:
        assert line in check.stdout
    for args in (["due", "week"], ["grade", "--suggest"], ["stats"], ["lookup", "B0001"]):
        result = inq("-w", shop, *args)
        assert result.exit_code == 0, (args, result.stderr)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1e400", "Settings: cadence_a_days is '1e400', not a number; fix it in the Settings sheet"),
        (1e9, "Settings: cadence_a_days is 1000000000.0; that is more than 100,000 (days, hours or percent): fix it in the Settings sheet"),
    ],
)  # fmt: skip
def test_absurd_settings_are_one_line(inq, build, value, message):
    path = build(buyers=[BUYER], settings={"cadence_a_days": value})
    result = inq("-w", path, "due")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {message}\n"


def test_a_date_cell_calamine_cannot_convert_is_one_line(inq, tmp_path):
    """A date of -1e12 days makes calamine (Rust) panic: one line, not a PanicException."""
    shop = make_shop(tmp_path / "panic.xlsx")
    wb = openpyxl.load_workbook(shop)
    ws = wb["Inquiries"]
    received = [c.value for c in ws[1]].index("Received") + 1
    ws.cell(2, received, -1e12).number_format = "yyyy-mm-dd"
    wb.save(shop)
    result = inq("-w", shop, "due")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: panic.xlsx: sheet 'Inquiries' cannot be read "
        "(TimeDelta::milliseconds out of bounds)\n"
    )
