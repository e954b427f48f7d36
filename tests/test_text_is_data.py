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
