"""The house as the design says: packages shipped, the allowed arrows, no import circles."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "inquiry_cli"


def test_every_package_is_shipped_in_the_wheel():
    """setuptools ships only the packages pyproject lists: a new folder left out installs
    from a checkout (editable) but not from `pip install .`."""
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(("inquiry_cli", *init.parent.relative_to(SRC).parts))
        for init in SRC.rglob("__init__.py")
    }
    assert found - listed == set()
