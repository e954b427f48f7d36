"""Workbook text is data: never a formula in a file inq makes, never raw to the terminal."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

LINK = '=HYPERLINK("http://evil.example/x","click")'
CMD = "=cmd|' /C calc'!A0"


def typed_as_text(path):
    """Make every '=...' cell a text cell, as a user's typed or imported text is."""
    wb = openpyxl.load_workbook(path)
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    wb.save(path)
    return path


@pytest.fixture
def formulas(build):
    return typed_as_text(
        build(
            buyers=[dict(buyer_id="B0001", name=LINK, company=CMD, email="x@evil.example", country="Germany", grade="A", source=CMD, nature=LINK)],
            grade_history=[dict(date="2026-11-02", buyer_id="B0001", to="A", why="big order")],
        )
    )  # fmt: skip


def cells(path):
    """Every non-empty cell as (value by openpyxl, its type, value by calamine), per sheet."""
    wb = openpyxl.load_workbook(path)
    cal = CalamineWorkbook.from_path(str(path))
    out = []
    for ws in wb:
        rows = cal.get_sheet_by_name(ws.title).to_python()
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    out.append((c.value, c.data_type, rows[c.row - 1][c.column - 1]))
    return out


def sheet_xml(path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(
            z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")
        )


@pytest.mark.parametrize("command", [["report", "a-list", "--out"], ["stats", "--out"]])
def test_an_export_never_turns_text_into_a_formula(inq, formulas, tmp_path, command):
    out = tmp_path / "export.xlsx"
    result = inq("-w", formulas, *command, out)
    assert result.exit_code == 0, result.output
    found = [c for c in cells(out) if isinstance(c[0], str) and (LINK in c[0] or CMD in c[0])]
    assert found, "the hostile text should be in the export"
    for value, data_type, by_calamine in found:
        assert data_type == "s" and by_calamine == value
    assert {LINK, CMD} & {v for v, _t, _c in found}  # a whole cell holds the text as typed
    assert "<f>" not in sheet_xml(out)


# ---------------------------------------------------------------- terminal escapes

CLEAR = "\x1b[2J"  # clears the screen
CLIPBOARD = "\x1b]52;c;ZWNobyBoaQ==\x07"  # OSC 52: writes the clipboard
CSI8 = "\x9b31m"  # the one-byte (C1) form of ESC [


@pytest.fixture
def escapes(tmp_path):
    """A workbook whose text carries terminal escapes (xlsxwriter stores them as _x001B_)."""
    import xlsxwriter

    path = tmp_path / "escapes.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Buyers")
    ws.write_row(0, 0, ["Buyer ID", "Name", "Company", "Email", "Country", "Grade", "Notes", "Last contact"])  # fmt: skip
    ws.write_row(1, 0, ["B0001", f"Eve{CLEAR}", f"Evil{CLIPBOARD} Ltd", "eve@evil.example", "Germany", "A", f"call\rme {CSI8} now", "2026-10-01"])  # fmt: skip
    ws = wb.add_worksheet("Inquiries")
    ws.write_row(0, 0, ["Inquiry ID", "Received", "Channel", "Buyer ID", "Product", "Message"])
    ws.write_row(1, 0, ["I0001", "2026-11-26 09:00", "email", "B0001", f"LED{CLEAR}", "hi"])
    wb.close()
    return path


def shown(result) -> str:
    out = result.stdout + result.stderr
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out and "\r" not in out
    return out


def test_workbook_text_reaches_the_terminal_escaped(inq, escapes):
    lookup = shown(inq("-w", escapes, "lookup", "eve@evil.example"))
    assert "Eve\\x1b[2J — Evil\\x1b]52;c;ZWNobyBoaQ==\\x07 Ltd" in lookup
    assert "Notes: call\\rme \\x9b31m now" in lookup
    refused = inq("-w", escapes, "add", "--name", "Eve", "--email", "eve@evil.example")
    assert refused.exit_code == 1
    assert "already in the workbook: B0001 Eve\\x1b[2J (Evil\\x1b]52;c;" in shown(refused)
    warned = inq(
        "-w", escapes, "add", "--name", "Eve", "--email", "eve@evil.example", "--force", "-n"
    )
    assert "Warning: similar buyer exists: B0001 Eve\\x1b[2J (Evil\\x1b]52" in shown(warned)
    recorded = inq(
        "-w", escapes, "inquiry", "--buyer", "eve@evil.example", "-c", "email", "-p", "LED-1"
    )
    assert recorded.exit_code == 0, recorded.output
    assert "Recorded inquiry I0002 from B0001 Eve\\x1b[2J (Evil\\x1b]52;c;" in shown(recorded)
    due = shown(inq("-w", escapes, "due", "week"))
    assert "Eve\\x1b[2J" in due
    for command in (["trip", "Germany"], ["report", "a-list"], ["grade", "--suggest"]):
        assert "Eve\\x1b[2J" in shown(inq("-w", escapes, *command))
    listed = inq("-w", escapes, "lookup", "--json", "eve@evil.example")
    assert "\x9b" not in listed.stdout and "\x1b" not in listed.stdout  # JSON escapes C1 too
