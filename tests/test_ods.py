"""A workbook saved by LibreOffice as .ods: every read works as on the .xlsx it came
from; every write refuses in one line that says how to save it as .xlsx."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from conftest import sha256, sheets_workbook
from ods_helpers import hand_made_ods, libreoffice_ods, table_xml

D = dt.datetime


def _tracker(folder: Path) -> list[Path]:
    """A salesperson's own tracker: typed dates the European way, phones with (0)."""
    return [
        sheets_workbook(
            folder / "tracker.xlsx",
            {
                "客户": [
                    ["Buyer ID", "Name", "Company", "Email", "Phone", "Country", "Grade",
                     "Last contact", "Next follow-up"],
                    ["K01", "Greta Sommer", "Sommerlicht GmbH", "greta@sommerlicht.de",
                     "+49 (0)40 123456", "Germany", "A", D(2026, 11, 20), "25/11/2026"],
                    ["K02", "Marco Conti", "Conti Luce Srl", "marco@contiluce.it",
                     "+39 (0)2 1234 567", "Italy", "B", D(2026, 11, 12), "03/12/2026"],
                    ["K03", "Sara Lind", "Lind Ljus AB", "sara@lindljus.se", 4681234567,
                     "Sweden", "C", D(2026, 11, 1), None],
                ],
                "Inquiries": [
                    ["Inquiry ID", "Received", "Channel", "Buyer ID", "Product", "Quantity",
                     "Replied", "Status"],
                    ["Q1", D(2026, 11, 27, 8, 0), "email", "K03", "LED-PL-60", 500, None, "Open"],
                    ["Q2", D(2026, 11, 3, 9, 0), "fax", "K01", "LED-HB-150", "1,000 pcs",
                     D(2026, 11, 3, 15, 0), "Quoted"],
                ],
                "Contacts": [
                    ["Date", "Buyer ID", "Channel", "Direction", "Summary"],
                    [D(2026, 11, 20, 9, 0), "K01", "email", "out", "Sent the quote"],
                ],
            },
        )
    ]  # fmt: skip


@pytest.fixture(scope="session")
def saved_by_libreoffice(tmp_path_factory, worker_id) -> Path:
    """tracker.ods, as LibreOffice saves it (tracker.xlsx beside it)."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent  # (the session's folder, one for all the workers)
    return libreoffice_ods(_tracker, shared)["tracker"]


def run_json(inq, path: Path, *args: str):
    result = inq("-w", path, *args, "--json")
    assert result.exit_code in (0, 1), result.output
    assert result.stderr == ""
    return json.loads(result.stdout.replace(path.name, "WORKBOOK"))


@pytest.mark.parametrize(
    "args",
    [("due", "week"), ("check",), ("stats",), ("lookup", "+49 40 123456"), ("grade", "--suggest")],
    ids=lambda a: a[0],
)
def test_every_read_gives_what_the_xlsx_gives(inq, saved_by_libreoffice, args):
    ods = saved_by_libreoffice
    assert run_json(inq, ods, *args) == run_json(inq, ods.with_suffix(".xlsx"), *args)


def test_reads_of_the_ods_itself(inq, saved_by_libreoffice):
    ods = saved_by_libreoffice
    due = {(i["buyer_id"], i["kind"]): i for i in run_json(inq, ods, "due")}
    assert set(due) == {("K01", "follow-up"), ("K03", "reply"), ("K03", "follow-up")}
    assert due[("K01", "follow-up")]["basis"] == "next_follow_up"  # 25/11/2026, typed
    card = run_json(inq, ods, "lookup", "+49 40 123456")["card"]
    assert (card["buyer"]["buyer_id"], card["reasons"]) == ("K01", ["same phone"])
    assert [c["summary"] for c in card["contacts"]] == ["Sent the quote"]
    stats = run_json(inq, ods, "stats")
    assert (stats["buyers"]["total"], stats["inquiries"]["total"]) == (3, 2)
    check = inq("-w", ods, "check")
    assert check.exit_code == 0, check.output
    assert "Buyers         客户" in check.stdout
    assert "客户 column 'Next follow-up': 1 date like 03/11/2026 read day first" in check.stdout


def test_every_write_refuses_in_one_line_and_changes_nothing(inq, saved_by_libreoffice, tmp_path):
    ods = tmp_path / "tracker.ods"
    shutil.copy(saved_by_libreoffice, ods)
    before = sha256(ods)
    line = (
        "Error: tracker.ods is a LibreOffice .ods, which inq reads but cannot write: in "
        "LibreOffice use File > Save As > Excel 2007-365 (.xlsx), then run inq on that file\n"
    )
    for args in (
        ("log", "greta@sommerlicht.de", "-c", "email", "-s", "Sent samples"),
        ("add", "--name", "Ivo Petrov", "--email", "ivo@petrovlight.bg"),
        ("inquiry", "--buyer", "sara@lindljus.se", "--channel", "email"),
        ("grade", "K02", "A"),
        ("sample", "K02", "LED-PL-60"),
        ("undo",),
    ):
        result = inq("-w", ods, *args)
        assert (result.exit_code, result.stderr) == (1, line), args
    assert sha256(ods) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tracker.ods"]  # no backup, no lock
    shown = inq("-w", ods, "log", "greta@sommerlicht.de", "-c", "email", "-s", "Hi", "--dry-run")
    assert shown.exit_code == 0, shown.output  # a dry run writes nothing: it shows the change
    assert "Dry run: nothing was written." in shown.stdout


FAR = (
    '<table:table table:name="Buyers"><table:table-row table:number-rows-repeated="90000">'
    '<table:table-cell table:number-columns-repeated="200" office:value-type="string">'
    "<text:p>x</text:p></table:table-cell></table:table-row></table:table>"
)
GAP = (  # a value, a million empty rows, a value: calamine lays out every row between
    '<table:table table:name="Buyers"><table:table-row><table:table-cell/><table:table-cell '
    'table:number-columns-repeated="6"/><table:table-cell office:value-type="string"><text:p>x'
    "</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated"
    '="999999"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    '<table:table-row><table:table-cell office:value-type="float" office:value="1"><text:p>1'
    "</text:p></table:table-cell></table:table-row></table:table>"
)


@pytest.mark.parametrize(
    ("tables", "far"),
    [
        (FAR, "row 90,000 and across to column GR (18,000,000 cells"),
        # what the fast pass leaves to the exact one: a comment, a character reference
        (FAR.replace("<text:p>", "<!-- a note --><text:p>"), "row 90,000 and across to column GR"),
        (FAR.replace('"90000"', '"&#57;0000"'), "row 90,000 and across to column GR"),
        (GAP, "row 1,000,001 and across to column H (8,000,008 cells"),
    ],
    ids=["repeated cells", "comment", "reference", "empty rows between"],
)
def test_a_far_cell_in_an_ods_is_refused_before_it_is_read(inq, tmp_path, tables, far):
    path = hand_made_ods(tmp_path / "far.ods", tables)
    result = inq("-w", path, "check")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: far.ods: sheet 'Buyers' is too large to read: its cells reach down to {far}"
    )
    assert result.stderr.endswith(
        "; if a far cell is a stray entry, delete it in LibreOffice (Ctrl+End finds the last "
        "one) and save\n"
    )


def test_other_opendocument_files_and_passwords_are_named(inq, tmp_path):
    buyers = table_xml("Buyers", [["Name", "Email"], ["Ana", "ana@luz.es"]])
    text = hand_made_ods(
        tmp_path / "notes.odt", buyers, mimetype="application/vnd.oasis.opendocument.text"
    )
    result = inq("-w", text, "check")
    assert result.stderr == (
        "Error: notes.odt is an OpenDocument text document, not a spreadsheet inq can read: "
        "open it in LibreOffice and save it as .xlsx (File > Save As > Excel 2007-365)\n"
    )
    locked = hand_made_ods(
        tmp_path / "locked.ods",
        buyers,
        manifest_extra='<manifest:file-entry manifest:full-path="content.xml" manifest:media-type='
        '"text/xml"><manifest:encryption-data manifest:checksum-type="SHA1"/></manifest:file-entry>',
    )
    result = inq("-w", locked, "lookup", "ana@luz.es")
    assert result.stderr.startswith(
        "Error: locked.ods is password-protected: open it in LibreOffice"
    )
    assert result.stderr.count("\n") == 1
    entity = hand_made_ods(tmp_path / "xxe.ods", buyers, doctype='<!DOCTYPE x [<!ENTITY e "e">]>')
    assert inq("-w", entity, "due").stderr == (
        "Error: xxe.ods: part content.xml is damaged: it declares a DOCTYPE, which LibreOffice "
        "never writes (re-save it from LibreOffice)\n"
    )
