"""Country names as people type them: CLDR's names in English, Chinese and the buyers'
languages, kept as a module."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pytest

from tests.conftest import sheets_workbook

ROOT = Path(__file__).resolve().parent.parent


def test_the_kept_names_are_babels():
    """contract/cldr_territories.py is Babel's data as scripts/make_territories.py writes
    it: after a Babel upgrade this fails until the script is run again."""
    from inquiry_cli.contract.cldr_territories import TERRITORIES

    spec = importlib.util.spec_from_file_location("make", ROOT / "scripts/make_territories.py")
    assert spec is not None and spec.loader is not None
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    assert make.territories() == TERRITORIES, "run python scripts/make_territories.py"
    assert (ROOT / "src/inquiry_cli/contract/cldr_territories.py").read_text(
        encoding="utf-8"
    ) == make.render()


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("United Kingdom", "Europe/London"),  # (tzdata calls it "Britain (UK)")
        ("沙特阿拉伯", "Asia/Riyadh"),
        ("阿拉伯聯合大公國", "Asia/Dubai"),
        ("Bosnia & Herzegovina", "Europe/Sarajevo"),
        ("Côte d’Ivoire", "Africa/Abidjan"),
        ("Deutschland", "Europe/Berlin"),  # (as a German buyer writes it)
        ("Brasil", "America/Sao_Paulo"),
        ("Turkiye", "Europe/Istanbul"),  # (Türkiye, typed without its accent)
        ("Россия", "Europe/Moscow"),
        ("Vereinigte Arabische Emirate", "Asia/Dubai"),
        ("Arabia Saudita", "Asia/Riyadh"),
        ("ベトナム", "Asia/Ho_Chi_Minh"),
    ],
)
def test_due_knows_the_buyers_time_by_the_cldr_name_of_their_country(inq, tmp_path, typed, zone):
    book = sheets_workbook(tmp_path / "b.xlsx", {
        "Buyers": [["Name", "Email", "Country", "Grade", "Last contact"],
                   ["Ana", "ana@x.com", typed, "A", dt.datetime(2026, 11, 1)]],
    })  # fmt: skip
    result = inq("-w", book, "due", "--json")
    assert result.exit_code == 0, result.output
    [item] = json.loads(result.stdout)
    assert item["time_zone"] == zone


def test_stats_names_a_country_as_people_say_it(inq, tmp_path):
    book = sheets_workbook(tmp_path / "b.xlsx", {
        "Buyers": [["Name", "Email", "Country"], ["Ana", "ana@x.com", "KR"],
                   ["Bo", "bo@y.com", "韩国"]],
    })  # fmt: skip
    result = inq("-w", book, "stats")
    assert result.exit_code == 0, result.output
    assert "South Korea" in result.stdout


def test_reading_a_country_name_loads_no_locale_data():
    """Babel's locale data cost 0.1-0.2 s of every command meeting such a name; the
    names come from the kept module, and Babel is only the script's (and this test's)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from inquiry_cli.domain.countries import country_code, cldr_english_name\n"
        "assert country_code('United Kingdom') == 'GB' and country_code('沙特阿拉伯') == 'SA'\n"
        "assert country_code('Atlantis') is None and cldr_english_name('kr') == 'South Korea'\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'babel'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]\n"
