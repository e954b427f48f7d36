"""`inq quote`: golden text per region, tiers, MOQ, unknown models, templates, recording.

Golden files live in tests/golden/; after a deliberate wording change, regenerate them
with `INQ_UPDATE_GOLDEN=1 python -m pytest tests/test_quote.py` and read the diff.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import openpyxl
import pytest
from conftest import sha256

GOLDEN = Path(__file__).parent / "golden"
REGIONS = ["default", "mideast", "sea", "us", "eu", "latam", "africa"]

COMPANY = {
    "Name": "Ningbo Brightway Lighting Co., Ltd.", "Year founded": "2008",
    "Total assets": "USD 18 million", "Annual sales": "USD 42 million",
    "Awards": "ISO 9001:2015 certified; Zhejiang Famous Brand 2023",
    "Contact person": "Lily Chen", "Tel": "+86 574 8765 4321", "Fax": "+86 574 8765 4322",
    "Email": "lily@example-brightway.com", "Website": "www.example-brightway.com",
    "Address": "No. 88 Jinda Road, Ningbo, China", "Strengths": "Own factory since 2008, 12 SMT lines",
}  # fmt: skip

PRODUCTS = [
    dict(model="LED-PL-60", name="LED Panel Light 600x600 40W", spec="595x595x10 mm, aluminium frame",
         moq=100, unit="pcs", price=10.80, price_tiers="500+: 10.20; 1000+: 9.60; 5000+: 9.00",
         certifications="CE, RoHS, SAA", tech_params="40W; 4000 lm; 100 lm/W; CRI>80; IP40",
         catalog_link="https://example-brightway.com/catalog/panel.pdf"),
    dict(model="LED-HB-100", name="UFO LED High Bay 100W", spec="Ø280 mm die-cast aluminium",
         moq=50, unit="pcs", price=32, price_tiers="200+: 30.50; 500+: 29.20; 1000+: 28.00",
         certifications="CE, RoHS, UL, DLC", tech_params="100W; 16,000 lm; IP65; 5-year warranty"),
]  # fmt: skip


@pytest.fixture
def quote_wb(build):
    path = build(
        buyers=[
            dict(buyer_id="B0001", name="Ahmed Al Mansoori", company="Gulf Lights Trading LLC", email="ahmed@gulflights.ae",
                 country="United Arab Emirates", grade="A", status="Replied", last_contact=dt.date(2026, 11, 20)),
            dict(buyer_id="B0002", name="Chris Clark", company="Keystone Supply LLC", email="chris@keystone.com", country="USA"),
        ],
        inquiries=[
            dict(inquiry_id="I0001", received=dt.datetime(2026, 11, 27, 8, 0), channel="alibaba", buyer_id="B0001",
                 product="LED-PL-60", quantity=1000, status="Open"),
        ],
        products=PRODUCTS,
    )  # fmt: skip
    wb = openpyxl.load_workbook(path)
    for row in wb["Company"].iter_rows(min_row=2):
        if row[0].value in COMPANY:
            row[1].value = COMPANY[row[0].value]
    wb["Company"].append(["Strengths", COMPANY["Strengths"]])
    wb.save(path)
    return path


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("INQ_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("region", REGIONS)
def test_golden_quote_per_region(inq, quote_wb, region):
    args = [
        "-w",
        quote_wb,
        "quote",
        "-m",
        "LED-PL-60",
        "-q",
        "1000",
        "-m",
        "LED-HB-100",
        "-q",
        "30",
        "--no-record",
    ]
    if region != "default":
        args += ["--region", region]
    else:
        args += ["--region", "other"]
    result = inq(*args)
    assert result.exit_code == 0, result.output
    assert all(len(line) <= 72 for line in result.stdout.splitlines())
    check_golden(f"quote_{region}.txt", result.stdout)


def unit_price(inq, path, qty, region="other"):
    result = inq(
        "-w", path, "quote", "-m", "LED-PL-60", "-q", str(qty), "--region", region, "--no-record"
    )
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if "Unit price:" in x)
    return line.split("Unit price: ")[1].split(" per")[0]


def test_tier_boundaries(inq, quote_wb):
    assert unit_price(inq, quote_wb, 499) == "USD 10.80"
    assert unit_price(inq, quote_wb, 500) == "USD 10.20"
    assert unit_price(inq, quote_wb, 999) == "USD 10.20"
    assert unit_price(inq, quote_wb, 1000) == "USD 9.60"
    assert unit_price(inq, quote_wb, 4999) == "USD 9.60"
    assert unit_price(inq, quote_wb, 5000) == "USD 9.00"
    # mideast: factor 0.97 on 9.60 = 9.312 -> 9.31; us: 9.60 x 1.08 = 10.368 -> 10.37 + 0.65 services
    assert unit_price(inq, quote_wb, 1000, "mideast") == "USD 9.31"
    assert unit_price(inq, quote_wb, 1000, "us") == "USD 11.02"


def test_below_moq(inq, quote_wb):
    result = inq(
        "-w", quote_wb, "quote", "-m", "LED-HB-100", "-q", "30", "--region", "eu", "--no-record"
    )
    assert result.exit_code == 0
    assert "   Note: you asked for 30 pcs, below our MOQ; we quote the MOQ.\n" in result.stdout
    assert "   Quantity: 50 pcs\n" in result.stdout
    assert "Note: LED-HB-100: 30 is below the MOQ of 50; quoted the MOQ\n" in result.stderr
    strict = inq(
        "-w", quote_wb, "quote", "-m", "LED-HB-100", "-q", "30", "--region", "eu", "--strict"
    )
    assert strict.exit_code == 2
    assert strict.stderr == "Error: LED-HB-100: 30 is below the MOQ of 50 (--strict)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-m", "LED-PL-6O", "-q", "100", "--region", "eu"], "Error: unknown model 'LED-PL-6O': did you mean LED-PL-60?\n"),
        (["-m", "LED-PL-60", "-q", "100", "--region", "mars"], "Error: unknown region 'mars': use one of mideast, sea, us, eu, latam, africa, other\n"),
        (["-m", "LED-PL-60", "-q", "many", "--region", "eu"], "Error: --qty for LED-PL-60 'many' is not a whole quantity: give a number like 1000\n"),
        (["-m", "LED-PL-60", "-m", "LED-HB-100", "-q", "100"], "Error: give one --qty per --model (2 models, 1 quantities)\n"),
        (["-m", "LED-PL-60", "-q", "100", "--region", "eu", "--incoterm", "DDP"], "Error: unknown incoterm 'DDP': use FOB, CIF or EXW\n"),
    ],
)  # fmt: skip
def test_bad_quote_input(inq, quote_wb, args, message):
    before = sha256(quote_wb)
    result = inq("-w", quote_wb, "quote", *args)
    assert result.exit_code != 0
    assert result.stderr == message
    assert result.stdout == ""
    assert sha256(quote_wb) == before


def test_missing_company_field(inq, quote_wb):
    wb = openpyxl.load_workbook(quote_wb)
    for row in wb["Company"].iter_rows(min_row=2):
        if row[0].value == "Fax":
            row[1].value = None
    wb.save(quote_wb)
    result = inq("-w", quote_wb, "quote", "-m", "LED-PL-60", "-q", "100", "--region", "eu")
    assert result.exit_code == 1
    assert (
        result.stderr == "Error: Company sheet has no 'Fax' (fill it in: Field 'Fax', Value ...)\n"
    )
    assert result.stdout == ""


def test_user_template_overrides_builtin(inq, quote_wb):
    folder = quote_wb.parent / "templates" / "quote"
    folder.mkdir(parents=True)
    (folder / "eu.txt.j2").write_text(
        '{% extends "quote/_base.txt.j2" %}\n{% block intro %}\nGuten Tag! Unser Angebot:\n{% endblock %}\n',
        encoding="utf-8",
    )
    result = inq(
        "-w", quote_wb, "quote", "-m", "LED-PL-60", "-q", "100", "--region", "eu", "--no-record"
    )
    assert result.exit_code == 0, result.output
    assert "Guten Tag! Unser Angebot:" in result.stdout
    assert "CE and RoHS compliant" not in result.stdout  # the built-in eu intro is replaced
    (folder / "us.txt.j2").write_text("{{ quote.nonsense }}", encoding="utf-8")
    bad = inq(
        "-w", quote_wb, "quote", "-m", "LED-PL-60", "-q", "100", "--region", "us", "--no-record"
    )
    assert bad.exit_code == 1
    assert (
        bad.stderr
        == "Error: quote template uses something inq does not provide: 'dict object' has no attribute 'nonsense'\n"
    )


def test_quote_is_recorded(inq, quote_wb, tmp_path):
    out = tmp_path / "q.txt"
    result = inq(
        "-w",
        quote_wb,
        "quote",
        "-m",
        "LED-PL-60",
        "-q",
        "1000",
        "--buyer",
        "ahmed@gulflights.ae",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == result.stdout
    assert result.stdout.startswith(
        "Dear Ahmed Al Mansoori,\n\nThank you for your inquiry. We know how competitive"
    )
    assert (
        "Quote QT2026-0001: USD 9,310.00 FOB, region mideast, valid until 2026-12-27"
        in result.stderr
    )
    assert "Inquiry I0001 gets quote QT2026-0001" in result.stderr
    assert "Inquiry I0001 marked replied at 2026-11-27 10:00" in result.stderr
    wb = openpyxl.load_workbook(quote_wb)
    quotes = list(wb["Quotes"].iter_rows(min_row=2, values_only=True))
    assert quotes == [
        (
            "QT2026-0001",
            dt.datetime(2026, 11, 27),
            "B0001",
            "mideast",
            "LED-PL-60",
            1000,
            9.31,
            "USD",
            "FOB",
            dt.datetime(2026, 12, 27),
            str(out),
        )
    ]
    inquiry = next(wb["Inquiries"].iter_rows(min_row=2, values_only=True))
    assert inquiry[10] == dt.datetime(2026, 11, 27, 10, 0)  # Replied
    assert inquiry[11] == "QT2026-0001"  # Quote No
    assert inquiry[12] == "Quoted"  # Status
    contact = list(wb["Contacts"].iter_rows(min_row=2, values_only=True))[-1]
    assert contact[3:6] == (
        "alibaba",
        "out",
        "Sent quote QT2026-0001: LED-PL-60 x 1,000 (USD 9,310.00 FOB)",
    )
    buyer = next(wb["Buyers"].iter_rows(min_row=2, values_only=True))
    assert buyer[14] == "Quoted"
    # the next quote gets the next number
    again = inq("-w", quote_wb, "quote", "-m", "LED-HB-100", "-q", "200", "--buyer", "B0002")
    assert again.exit_code == 0, again.output
    # USA -> region us: tier 200+ 30.50 x 1.08 = 32.94, + 0.65 services = 33.59 per pc
    assert "Quote QT2026-0002: USD 6,718.00 FOB, region us, valid until 2026-12-27" in again.stderr


def test_workbook_without_regions_sheet_uses_the_defaults(inq, quote_wb):
    wb = openpyxl.load_workbook(quote_wb)
    del wb["Regions"]
    wb.save(quote_wb)
    result = inq(
        "-w", quote_wb, "quote", "-m", "LED-PL-60", "-q", "1000", "--buyer", "B0001", "--no-record"
    )
    assert result.exit_code == 0, result.output
    # the buyer is in the UAE -> mideast by the built-in country lists, factor 0.97
    assert "Quote QT2026-0001: USD 9,310.00 FOB, region mideast" in result.stderr


def test_quote_out_never_overwrites(inq, quote_wb, tmp_path):
    out = tmp_path / "q.txt"
    out.write_text("an earlier quote", encoding="utf-8")
    before = sha256(quote_wb)
    result = inq(
        "-w", quote_wb, "quote", "-m", "LED-PL-60", "-q", "100", "--buyer", "B0001", "--out", out
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: not writing {out}: it already exists: name a new file, or add --force to "
        "replace it\n"
    )
    assert out.read_text(encoding="utf-8") == "an earlier quote"
    assert sha256(quote_wb) == before


def test_other_currency_needs_a_rate(inq, quote_wb):
    result = inq(
        "-w",
        quote_wb,
        "quote",
        "-m",
        "LED-PL-60",
        "-q",
        "1000",
        "--region",
        "other",
        "--currency",
        "EUR",
        "--no-record",
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: prices in the Products sheet are in USD: to quote in EUR, add a Settings row "
        "'fx_eur' with the rate (EUR per 1 USD)\n"
    )
    wb = openpyxl.load_workbook(quote_wb)
    wb["Settings"].append(["fx_eur", 0.9, "EUR per 1 USD"])
    wb.save(quote_wb)
    result = inq(
        "-w",
        quote_wb,
        "quote",
        "-m",
        "LED-PL-60",
        "-q",
        "1000",
        "--region",
        "other",
        "--currency",
        "EUR",
        "--no-record",
    )
    assert result.exit_code == 0, result.output
    assert "   Unit price: EUR 8.64 per pc, FOB Ningbo\n" in result.stdout  # 9.60 x 0.9
