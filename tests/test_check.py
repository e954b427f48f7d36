"""`inq check` and reading: contract workbooks, hand-made workbooks, and bad input."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from conftest import sha256

FIXTURES = Path(__file__).parent / "fixtures"


def test_init_then_check_is_clean(inq, tmp_path):
    path = tmp_path / "new.xlsx"
    result = inq("init", path)
    assert result.exit_code == 0, result.output
    assert f"Created {path}" in result.stdout
    result = inq("-w", path, "check")
    assert result.exit_code == 0, result.output
    # A new workbook can do every job but quote: no products yet, the company's example.
    assert result.stdout.strip().endswith("No problems in the rows; not ready yet: quote.")
    assert "Products lists no products yet" in result.stdout
    assert "OK" not in result.stdout


def test_init_writes_the_contract(inq, tmp_path):
    import openpyxl

    path = tmp_path / "new.xlsx"
    assert inq("init", path).exit_code == 0
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "Buyers", "Inquiries", "Contacts", "Products", "Quotes",
        "Samples", "Regions", "Company", "Settings", "Events", "Grade history",
    ]  # fmt: skip
    buyers = wb["Buyers"]
    assert buyers.freeze_panes == "A2"
    assert buyers["A1"].font.bold
    assert [c.value for c in buyers[1]][:4] == ["Buyer ID", "Name", "Company", "Email"]
    grade_dv = [dv for dv in buyers.data_validations.dataValidation if dv.formula1 == '"A,B,C,D"']
    assert grade_dv and "M2:M1048576" in str(grade_dv[0].sqref)
    settings = {r[0]: r[1] for r in wb["Settings"].iter_rows(min_row=2, values_only=True)}
    assert settings["cadence_a_days"] == 3.5
    assert settings["cadence_b_days"] == 7
    assert settings["cadence_c_days"] == 15
    assert settings["cadence_d_months"] == 1
    assert settings["reply_target_hours"] == 2
    assert settings["reply_limit_hours"] == 24
    assert settings["fax_reply_hours"] == 12
    assert settings["quote_validity_days"] == 30
    assert settings["currency"] == "USD"
    assert settings["incoterm"] == "FOB"
    regions = [r[0] for r in wb["Regions"].iter_rows(min_row=2, values_only=True)]
    assert {"mideast", "sea", "us", "eu", "latam", "africa", "other"} <= set(regions)
    company = [r[0] for r in wb["Company"].iter_rows(min_row=2, values_only=True)]
    for label in ("Name", "Year founded", "Total assets", "Annual sales", "Awards",
                  "Contact person", "Tel", "Fax", "Email", "Website", "Address"):  # fmt: skip
        assert label in company


def test_init_refuses_to_overwrite(inq, contract_workbook):
    before = sha256(contract_workbook)
    result = inq("init", contract_workbook)
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {contract_workbook} already exists: inq init never overwrites a workbook\n"
    )
    assert sha256(contract_workbook) == before


def test_init_remembers_the_workbook(inq, tmp_path):
    path = tmp_path / "mine.xlsx"
    assert inq("init", path).exit_code == 0
    result = inq("check")  # no -w: found through the config file
    assert result.exit_code == 0
    assert f"Workbook: {path}" in result.stdout


def test_env_workbook(inq, contract_workbook, monkeypatch):
    monkeypatch.setenv("INQ_WORKBOOK", str(contract_workbook))
    result = inq("check")
    assert result.exit_code == 0, result.output


def test_no_workbook_configured(inq):
    result = inq("check")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no workbook given: pass -w PATH, set INQ_WORKBOOK")
    assert "inq init" in result.stderr


def test_check_contract_workbook_json(inq, contract_workbook):
    result = inq("-w", contract_workbook, "check", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["workbook", "ok", "sheets", "missing_sheets", "problems", "date_orders",
                          "layout", "jobs", "stale_mapping", "yearless_dates"]  # fmt: skip
    assert data["date_orders"] == []
    assert data["ok"] is True
    buyers = data["sheets"][0]
    assert buyers["sheet"] == "Buyers" and buyers["rows"] == 2 and buyers["header_row"] == 1
    assert set(buyers) == {"sheet", "found", "header_row", "rows", "columns",
                           "missing_columns", "unknown_columns", "fields", "likely",
                           "excel_table", "serial_columns"}  # fmt: skip
    assert buyers["fields"]["Email"] == {
        "column": "Email", "how": "alias", "sure": True, "why": "header is a known name"
    }  # fmt: skip
    assert {j["job"]: j["status"] for j in data["jobs"]}["follow-ups"] == "ready"


def test_check_messy_workbook(inq, messy_workbook):
    result = inq("-w", messy_workbook, "check")
    assert result.exit_code == 1
    out = result.stdout
    assert re.search(r"^Buyers +客户列表 +3 +6 ", out, re.M)
    assert "公司名称 → Company" in out and "邮箱 → Email" in out and "客户等级 → Grade" in out
    assert "Buyers columns kept as they are: 微信" in out
    problems = out[out.index("problems:") :]
    assert "客户列表 row 8, 邮箱: bad email 'carlos@andes'" in problems
    assert "客户列表 row 8, 客户等级: unknown grade 'E' (use A, B, C or D)" in problems
    assert "客户列表 row 9, 最后联系时间: unreadable date 'next week'" in problems
    assert "客户列表 row 9, 手机: duplicate buyer: same phone as row 4" in problems
    assert "客户列表 row 10, 邮箱: duplicate buyer: same email as row 4" in problems
    assert "row 5" not in problems and "row 7" not in problems  # text dates and 'b', 'C级' read
    assert "5 problems:" in out


def test_messy_workbook_values(messy_workbook):
    """Text dates, numeric phones, lower-case and 级 grades read as a user means them."""
    import datetime as dt

    from inquiry_cli.workbook import read

    book = read.read(messy_workbook, ["buyers"])
    buyers = book.table("buyers")
    assert buyers.header_row == 3
    assert buyers.row_numbers == [4, 5, 7, 8, 9, 10]  # the blank row 6 is skipped
    assert buyers.values("last_contact")[:3] == [dt.datetime(2026, 11, 3)] * 3
    assert buyers.values("last_contact")[3] == dt.datetime(2026, 11, 3)  # 03.11.2026
    assert buyers.values("phone")[0] == "971501234567"
    assert buyers.values("grade")[:3] == ["A", "B", "C"]
    assert buyers.values("email")[0] == "ahmed@gulflights.ae"
    assert not buyers.has("buyer_id")


BAD_INPUT = [
    ("missing.xlsx", None, "Error: no such workbook: {p} (check the path, or create one with `inq init missing.xlsx`)"),
    ("folder", "dir", "Error: {p} is a folder, not a workbook: name the .xlsx file in it"),
    ("notes.xlsx", b"just some text\n", "Error: notes.xlsx is not an Excel workbook (.xlsx): save it from Excel as .xlsx"),
    ("empty.xlsx", b"", "Error: empty.xlsx is empty (0 bytes): restore it from a backup"),
    ("broken.xlsx", "truncated", "Error: broken.xlsx is damaged (not a valid .xlsx zip): restore it from a backup (see `inq backups`) or re-save it from Excel"),
    ("doc.xlsx", "otherzip", "Error: doc.xlsx is a zip file but not an Excel workbook (.xlsx)"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content", "message"), BAD_INPUT)
def test_bad_input_one_line(inq, tmp_path, contract_workbook, name, content, message):
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content == "truncated":
        path.write_bytes(contract_workbook.read_bytes()[:3000])
    elif content == "otherzip":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("word/document.xml", "<w/>")
    elif content is not None:
        path.write_bytes(content)
    result = inq("-w", path, "check")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == message.format(p=path) + "\n"


def test_encrypted_workbook(inq):
    result = inq("-w", FIXTURES / "encrypted.xlsx", "check")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: encrypted.xlsx is password-protected: open it in Excel")
    assert result.stderr.count("\n") == 1


def test_old_xls(inq):
    result = inq("-w", FIXTURES / "old.xls", "check")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: old.xls is an old Excel 97-2003 (.xls) workbook: open it in Excel and "
        "save it as .xlsx (File > Save As > Excel Workbook)\n"
    )


def test_no_buyers_sheet(inq, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Prices"
    wb.active.append(["Item", "Cost"])
    path = tmp_path / "prices.xlsx"
    wb.save(path)
    result = inq("-w", path, "check")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: prices.xlsx has no recognisable Buyers sheet")


def test_buyer_list_on_sheet1_is_found(inq, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Customer", "E-mail", "Tel"])
    wb.active.append(["Gulf Lights", "a@gulf.ae", "+971 4 123 4567"])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    data = json.loads(inq("-w", path, "check", "--json").stdout)
    assert data["sheets"][0]["found"] == "Sheet"
    assert data["sheets"][0]["columns"] == {
        "Company": "Customer",
        "Email": "E-mail",
        "Phone": "Tel",
    }


def test_dangling_buyer_id(inq, contract_workbook):
    import openpyxl

    wb = openpyxl.load_workbook(contract_workbook)
    wb["Contacts"].append([None, "B0999", None, "email", "in", "Hello"])
    wb.save(contract_workbook)
    result = inq("-w", contract_workbook, "check")
    assert result.exit_code == 1
    assert "Contacts row 3, Buyer ID: Buyer ID B0999 is not in the Buyers sheet" in result.stdout


def test_help_does_not_import_openpyxl():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from inquiry_cli.cli.app import app\n"
        "try:\n    app(['--help'], prog_name='inq')\n"
        "except SystemExit:\n    pass\n"
        "heavy = [m for m in ('openpyxl', 'python_calamine', 'lxml', 'jinja2') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout


def test_every_command_has_help_with_an_example(inq):
    from typer.main import get_command

    from inquiry_cli.cli.app import app

    group = get_command(app)
    for name, command in group.commands.items():
        result = inq(name, "-h")
        assert result.exit_code == 0, name
        assert command.help, f"{name} has no help"
        assert "Example:" in result.stdout, f"{name} help has no example"


def test_commands_run_without_importing_pydantic(tmp_path):
    """Typer 0.29 coerces options through pydantic (0.13-0.2 s of every run); inq's str,
    Path and list options are coerced without it, to the same values."""
    import os
    import shutil
    import subprocess
    import sys

    sample_copy = tmp_path / "my book.xlsx"
    shutil.copy(Path(__file__).parent.parent / "sample_workbook.xlsx", sample_copy)
    code = (
        "import sys\n"
        "from inquiry_cli.cli.app import app\n"
        "for args in (\n"
        f"    ['-w', {str(sample_copy)!r}, 'lookup', 'info@horizondistribution.fr', '--json'],\n"
        f"    ['-w', {str(sample_copy)!r}, 'quote', '-m', 'LED-PL-60', '-m', 'LED-HB-100',\n"
        "     '-q', '500', '-q', '1000', '--region', 'mideast', '--no-record'],\n"
        "):\n"
        "    try:\n        app(args, prog_name='inq')\n"
        "    except SystemExit as exc:\n        print('EXIT', exc.code)\n"
        "print('PYDANTIC', 'pydantic' in sys.modules)\n"
    )
    env = {**os.environ, "INQ_NOW": "2026-11-27T10:00"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.count("EXIT 0") == 2, out.stdout + out.stderr
    assert json.loads(out.stdout.splitlines()[0])["matches"][0]["email"] == (
        "info@horizondistribution.fr"
    )
    assert "LED-HB-100" in out.stdout  # the second --model reached the quote
    assert "PYDANTIC False" in out.stdout


def test_a_config_kept_as_a_link_stays_a_link(inq, tmp_path, monkeypatch):
    """inq's own files go through the gate too: written at a link's target, atomically,
    the user's other settings kept."""
    dotfiles = tmp_path / "dotfiles" / "inq.toml"
    dotfiles.parent.mkdir()
    dotfiles.write_text('[smtp]\nhost = "mail.example.com"\n', encoding="utf-8")
    link = tmp_path / "config" / "config.toml"
    link.parent.mkdir(exist_ok=True)
    link.symlink_to(dotfiles)
    monkeypatch.setenv("INQ_CONFIG", str(link))
    path = tmp_path / "mine.xlsx"
    assert inq("init", path).exit_code == 0
    assert link.is_symlink()
    text = dotfiles.read_text(encoding="utf-8")
    assert text.startswith(f'workbook = "{path.resolve()}"') and 'host = "mail.example.com"' in text
    assert [p.name for p in dotfiles.parent.iterdir()] == ["inq.toml"]  # no temp file left
