"""`inq dedupe` and `inq merge`: buyers entered twice, found with the evidence and merged,
never a row deleted, undone by `inq undo`; no false pair among distinct buyers."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
from conftest import sha256

D = dt.datetime


def b(bid, name, company, email, **extra):
    return dict(buyer_id=bid, name=name, company=company, email=email, **extra)


@pytest.fixture
def twice(build):
    """Planted duplicates, and distinct buyers who share a free-mail domain or a word."""
    return build(
        buyers=[
            b("B0001", "Ahmed Ali", "Gulf Lights LLC", "ahmed@gulflights.ae", phone="+971 50 123 4567", country="UAE", grade="A", last_contact=D(2026, 11, 20), first_contact=D(2026, 9, 1)),
            b("B0002", "A. Ali", "Gulf Lights L.L.C.", "AHMED@GulfLights.ae", city="Dubai", grade="B", last_contact=D(2026, 11, 24), first_contact=D(2026, 8, 15), products="LED-HB-100"),
            b("B0003", "Omar", "Lights Gulf Trading Co", "omar@gulflights.ae", country="UAE"),
            b("B0004", "Tom Baker", "Sunrise Lighting Ltd", "tom.baker@gmail.com", country="US"),
            b("B0005", "Tom B.", "SUNRISE LIGHTING, INC.", "tbaker@yahoo.com", country="US"),
            b("B0006", "Jane Doe", "Pearl Lighting LLC", "jane.doe@gmail.com", country="US"),
            b("B0007", "Raj Kumar", "Bright Star Electric", "raj.k@hotmail.com", phone="050-123-4567", country="United Arab Emirates"),
            b("B0008", "Maria Schmidt", "Licht Handel GmbH", "maria@lichthandel.de", country="Germany"),
            b("B0009", "Mark Weber", "Handel Licht GmbH & Co. KG", "mark.w@web.de", country="Germany"),
            b("B0010", "李伟", "宁波光明贸易有限公司", "liwei@qq.com", country="China"),
            b("B0011", "王芳", "宁波光明有限公司", "wangfang@163.com", country="China"),
            b("B0012", "Saeed", "Gulf Star Lighting", "saeed@gulfstar.ae", phone="+971 50 765 4321", country="UAE"),
            b("B0013", "Ana", "Star Electric", "ana@gmail.com", phone="+34 91 123 4567", country="Spain"),
            b("B0014", "Luis", "Luz Electric SL", "luis@gmail.com", phone="+52 55 1234 4567", country="Mexico"),
        ],
        inquiries=[
            dict(inquiry_id="I0001", received=D(2026, 11, 1, 9), channel="email", buyer_id="B0001", product="LED-PL-60", replied=D(2026, 11, 1, 10), status="Open"),
            dict(inquiry_id="I0002", received=D(2026, 11, 24, 9), channel="alibaba", buyer_id="B0002", product="LED-HB-100", replied=D(2026, 11, 24, 10), status="Open"),
        ],
        contacts=[dict(date=D(2026, 11, 24, 10), buyer_id="B0002", channel="email", direction="out", summary="Quoted LED-HB-100")],
        quotes=[dict(quote_no="QT2026-0001", date=D(2026, 11, 24), buyer_id="B0002", model="LED-HB-100", quantity=100, unit_price=30)],
        samples=[dict(date=D(2026, 11, 25), buyer_id="B0002", model="LED-HB-100", kind="E-sample", status="Sent")],
    )  # fmt: skip


def test_dedupe_finds_every_planted_pair_and_no_false_one(inq, twice):
    before = sha256(twice)
    result = inq("-w", twice, "dedupe", "--json")
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)
    assert [[x["buyer_id"] for x in g["buyers"]] for g in groups] == [
        ["B0001", "B0002", "B0003", "B0007"],
        ["B0004", "B0005"],
        ["B0008", "B0009"],
        ["B0010", "B0011"],
    ]
    assert groups[0]["evidence"] == [
        "B0001, B0002: same email ahmed@gulflights.ae",
        "B0001, B0007: same phone/fax +971 50 123 4567",
        "B0001, B0002, B0003: same company domain gulflights.ae",
        "B0001, B0002, B0003: same company name 'gulf lights'",
    ]
    assert groups[1]["evidence"] == ["B0004, B0005: same company name 'lighting sunrise'"]
    assert groups[3]["evidence"] == ["B0010, B0011: same company name '宁波光明'"]
    assert sha256(twice) == before  # dedupe changes nothing
    text = inq("-w", twice, "dedupe").stdout.splitlines()
    assert text[0].startswith("4 groups of buyers that look like one")
    assert "    merge: inq merge B0001 B0002" in text


def test_merge_links_fills_marks_and_undoes(inq, twice):
    before = sha256(twice)
    result = inq("-w", twice, "merge", "B0001", "B0002")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Merged B0002 A. Ali (Gulf Lights L.L.C.) into B0001 Ahmed Ali (Gulf Lights LLC)",
        "Linked to B0001: 1 inquiry, 1 contact, 1 quote row, 1 sample",
        "Filled in B0001 from B0002: City, Products, First contact, Last contact",
        "Kept grade A (B0002 was B)",
        "B0002's row (row 3) stays in Buyers, marked 'Merged into B0001'; every command skips it. `inq undo` undoes the merge.",
        "Changed Inquiries row 3 (I0002), Buyer ID: B0002 -> B0001",
        "Changed Contacts row 2 (B0002), Buyer ID: B0002 -> B0001",
        "Changed Quotes row 2 (QT2026-0001), Buyer ID: B0002 -> B0001",
        "Changed Samples row 2 (B0002), Buyer ID: B0002 -> B0001",
        "Changed Buyers row 2 (B0001 Ahmed Ali), City: (blank) -> Dubai",
        "Changed Buyers row 2 (B0001 Ahmed Ali), Products: (blank) -> LED-HB-100",
        "Changed Buyers row 2 (B0001 Ahmed Ali), First contact: 2026-09-01 -> 2026-08-15",
        "Changed Buyers row 2 (B0001 Ahmed Ali), Last contact: 2026-11-20 -> 2026-11-24",
        "Changed Buyers row 3 (B0002 A. Ali), Merged into: (blank) -> B0001",
    ]
    wb = openpyxl.load_workbook(twice)
    buyers = list(wb["Buyers"].iter_rows(values_only=True))
    header = buyers[0]
    rows = {r[0]: dict(zip(header, r, strict=False)) for r in buyers[1:]}
    assert len(rows) == 14  # no row deleted
    assert rows["B0002"]["Merged into"] == "B0001"
    kept = rows["B0001"]
    assert (kept["City"], kept["Products"]) == ("Dubai", "LED-HB-100")
    assert (kept["First contact"], kept["Last contact"]) == (D(2026, 8, 15), D(2026, 11, 24))
    for sheet in ("Inquiries", "Contacts", "Quotes", "Samples"):  # B0002's rows: now B0001's
        col = [c.value for c in wb[sheet][1]].index("Buyer ID")
        assert [r[col] for r in wb[sheet].iter_rows(min_row=2, values_only=True)][-1] == "B0001"
    # every read skips the merged row
    data = json.loads(inq("-w", twice, "lookup", "B0001", "--json").stdout)["card"]
    assert [i["inquiry_id"] for i in data["inquiries"]] == ["I0001", "I0002"]
    stats = json.loads(inq("-w", twice, "stats", "--json").stdout)
    assert stats["buyers"]["total"] == 13
    groups = json.loads(inq("-w", twice, "dedupe", "--json").stdout)
    assert [x["buyer_id"] for x in groups[0]["buyers"]] == ["B0001", "B0003", "B0007"]
    check = json.loads(inq("-w", twice, "check", "--json").stdout)
    assert [p for p in check["problems"] if p["row"] == 3] == []  # B0002 is no duplicate now
    undo = inq("-w", twice, "undo")
    assert undo.exit_code == 0, undo.output
    assert sha256(twice) == before


def test_a_merged_buyer_is_found_as_the_one_kept(inq, twice):
    assert inq("-w", twice, "merge", "B0001", "raj.k@hotmail.com").exit_code == 0
    data = json.loads(inq("-w", twice, "lookup", "raj.k@hotmail.com", "--json").stdout)
    assert data["matches"][0]["buyer_id"] == "B0001"
    assert data["matches"][0]["reasons"] == ["same email as B0007, merged into this buyer"]
    added = inq("-w", twice, "add", "--name", "Raj", "--email", "raj.k@hotmail.com")
    assert added.exit_code == 1 and "already in the workbook: B0001" in added.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["B0001", "ahmed@gulflights.ae"], "Error: 'ahmed@gulflights.ae' matches 3 buyers (B0001 Ahmed Ali (Gulf Lights LLC); B0002 A. Ali (Gulf Lights L.L.C.); B0003 Omar (Lights Gulf Trading Co)): use the email or Buyer ID\n"),
        (["B0004", "B0004"], "Error: B0004 and B0004 are the same buyer: nothing to merge\n"),
    ],
)  # fmt: skip
def test_merge_refuses(inq, twice, args, message):
    before = sha256(twice)
    result = inq("-w", twice, "merge", *args)
    assert result.exit_code != 0 and result.stderr == message
    assert sha256(twice) == before


def test_dedupe_on_the_sample_and_a_hand_made_workbook(inq, messy_workbook):
    assert (
        inq("-w", "sample_workbook.xlsx", "dedupe").stdout == "No buyers look like one another.\n"
    )
    groups = json.loads(inq("-w", messy_workbook, "dedupe", "--json").stdout)
    # no Buyer IDs: buyers go by email; Omar shares Ahmed's company, domain and phone
    assert [[x["email"] for x in g["buyers"]] for g in groups] == [
        ["ahmed@gulflights.ae", "omar@gulflights.ae", "ahmed@gulflights.ae"]
    ]
    # a merge in a workbook without IDs or a Merged into column: the column is added
    result = inq("-w", messy_workbook, "merge", "omar@gulflights.ae", "Dup")
    assert result.exit_code == 0, result.output
    assert "Added a Merged into column to 客户列表" in result.stdout.splitlines()
    ws = openpyxl.load_workbook(messy_workbook)["客户列表"]
    header = [c.value for c in ws[3]]
    assert header[-1] == "Merged into"
    assert [r[-1] for r in ws.iter_rows(min_row=4, values_only=True) if r[0] == "Dup Co"] == [
        "omar@gulflights.ae"
    ]
    groups = json.loads(inq("-w", messy_workbook, "dedupe", "--json").stdout)
    assert [[x["email"] for x in g["buyers"]] for g in groups] == [
        ["ahmed@gulflights.ae", "omar@gulflights.ae"]
    ]


def test_a_column_taken_for_merged_into_hides_no_row(inq, build):
    # "Duplicate of" here holds the user's own words, not a buyer: every row stays a buyer
    path = build(
        buyers=[b("B0001", "Ann", "A Co", "ann@a.com"), b("B0002", "Ben", "B Co", "ben@b.com")]
    )
    wb = openpyxl.load_workbook(path)
    ws = wb["Buyers"]
    col = [c.value for c in ws[1]].index("Merged into") + 1
    ws.cell(1, col, "Duplicate of")
    ws.cell(2, col, "old card file")
    ws.cell(3, col, "B0001")  # names a buyer: merged
    wb.save(path)
    data = json.loads(inq("-w", path, "stats", "--json").stdout)
    assert data["buyers"]["total"] == 1
    ws.cell(3, col, "B0002")  # its own ID: not merged
    wb.save(path)
    assert json.loads(inq("-w", path, "stats", "--json").stdout)["buyers"]["total"] == 2
