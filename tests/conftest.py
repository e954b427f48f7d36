"""Shared fixtures: a CLI runner with a pinned "now", and workbooks made the way users make them."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from pathlib import Path

import pytest
import typer.testing
from typer.testing import CliRunner

from inquiry_cli.cli.app import app

# Typer rebuilds the click command from the signatures on every invoke (60 ms here, most
# of a small command's run); the command is the same each time, so build it once.
typer.testing._get_command = functools.cache(typer.testing._get_command)

NOW = "2026-11-27T10:00"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """No test reads the developer's config file or workbook; "now" is fixed."""
    monkeypatch.setenv("INQ_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("INQ_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("INQ_WORKBOOK", raising=False)
    monkeypatch.setenv("INQ_NOW", NOW)
    monkeypatch.setenv("INQ_INDEX", "off")  # no lookup index (test_lookup_index.py turns it on)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")


@pytest.fixture
def inq():
    """Run `inq ARGS...` in-process; returns the click Result (stdout, stderr, exit_code)."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    return run


def sheets_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook saved by openpyxl with these sheets (name -> rows), in this order."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def contract_workbook(tmp_path) -> Path:
    """A small workbook written by `inq init`'s code, with a few buyers and contacts."""
    from inquiry_cli.contract import schema
    from inquiry_cli.workbook.create import append_record, new_workbook

    wb = new_workbook()
    buyers = wb[schema.BUYERS.title]
    rows = [
        dict(
            buyer_id="B0001",
            name="Ahmed Al Mansoori",
            company="Gulf Lights Trading LLC",
            email="ahmed@gulflights.ae",
            phone="+971 50 123 4567",
            country="United Arab Emirates",
            city="Dubai",
            region="mideast",
            source="Alibaba",
            grade="A",
            products="LED-PL-60",
            first_contact=dt.date(2026, 9, 1),
            last_contact=dt.date(2026, 11, 20),
        ),
        dict(
            buyer_id="B0002",
            name="Maria Schmidt",
            company="Licht Handel GmbH",
            email="maria@lichthandel.de",
            phone="+49 30 1234 5678",
            country="Germany",
            city="Berlin",
            region="eu",
            source="Trade show",
            grade="B",
            first_contact=dt.date(2026, 10, 2),
            last_contact=dt.date(2026, 11, 2),
        ),
    ]
    for rec in rows:
        append_record(buyers, schema.BUYERS, rec)
    contacts = wb[schema.CONTACTS.title]
    append_record(
        contacts,
        schema.CONTACTS,
        dict(
            date=dt.datetime(2026, 11, 20, 9, 30),
            buyer_id="B0001",
            channel="email",
            direction="out",
            summary="Sent quote for LED-PL-60",
        ),
    )
    path = tmp_path / "customers.xlsx"
    wb.save(path)
    return path


@pytest.fixture
def messy_workbook(tmp_path) -> Path:
    """A workbook as a salesperson makes it by hand in Excel.

    Chinese sheet name and headers under a merged title banner, columns in their own order,
    an extra column inq does not know, dates typed as text, phone numbers stored as numbers,
    a blank row, no Buyer ID column, and no other contract sheets.
    """
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户列表"
    ws["A1"] = "2026年 客户管理表"
    ws.merge_cells("A1:J1")
    ws.append([])
    ws.append(
        [
            "公司名称",
            "联系人",
            "邮箱",
            "手机",
            "国家",
            "客户等级",
            "最后联系时间",
            "来源",
            "微信",
            "备注",
        ]
    )
    ws.append(
        [
            "Gulf Lights Trading LLC",
            "Ahmed",
            "Ahmed@GulfLights.ae",
            971501234567,
            "阿联酋",
            "A",
            "2026/11/03",
            "阿里巴巴",
            "ahmed_wx",
            "要样品",
        ]
    )
    ws.append(
        [
            "Sun Power Co., Ltd",
            "Somchai",
            "somchai@sunpower.co.th",
            "+66 81 234 5678",
            "Thailand",
            "b",
            "3 Nov 2026",
            "展会",
            "",
            "",
        ]
    )
    ws.append([])
    ws.append(
        [
            "Licht Handel GmbH",
            "Maria",
            "maria@lichthandel.de",
            "030 1234 5678",
            "Germany",
            "C级",
            "2026年11月3日",
            "网站",
            "",
            "",
        ]
    )
    ws.append(
        [
            "Andes Iluminación S.A.",
            "Carlos",
            "carlos@andes",
            "56 2 2345 6789",
            "Chile",
            "E",
            "03.11.2026",
            "老客户",
            "",
            "",
        ]
    )
    ws.append(
        [
            "Gulf Lights Trading LLC",
            "Omar",
            "omar@gulflights.ae",
            "+971 50 123 4567",
            "UAE",
            "",
            "next week",
            "",
            "",
            "",
        ]
    )
    ws.append(
        ["Dup Co", "Dup", "AHMED@gulflights.ae", "", "UAE", "D", dt.date(2026, 10, 1), "", "", ""]
    )
    path = tmp_path / "我的客户.xlsx"
    wb.save(path)
    return path


@pytest.fixture
def build(tmp_path):
    """Make a contract workbook from records: build(buyers=[{...}], inquiries=[...], ...)."""
    from inquiry_cli.contract import schema
    from inquiry_cli.workbook.create import append_record, new_workbook

    def make(name: str = "wb.xlsx", settings: dict | None = None, **sheets: list[dict]) -> Path:
        wb = new_workbook()
        for key, records in sheets.items():
            spec = schema.SHEETS_BY_KEY[key]
            for rec in records:
                append_record(wb[spec.title], spec, rec)
        if settings:
            ws = wb[schema.SETTINGS.title]
            for row in ws.iter_rows(min_row=2):
                if row[0].value in settings:
                    row[1].value = settings[row[0].value]
        path = tmp_path / name
        wb.save(path)
        return path

    return make


def unguessable_workbook(folder: Path) -> Path:
    """A buyer list whose last-contact header is a word nobody could guess (Ultimo toque)."""
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients 2026"
    ws.append(["Name", "Company", "Email", "Grade", "Ultimo toque"])
    ws.append(
        ["Pablo Ruiz", "Luces del Sur SL", "pablo@lucesdelsur.es", "A", dt.date(2026, 11, 20)]
    )
    ws.append(["Ana Gil", "Iluminación Gil SA", "ana@ilugil.es", "D", dt.date(2026, 11, 25)])
    path = folder / "clientes.xlsx"
    wb.save(path)
    return path
