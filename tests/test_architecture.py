"""The house as the design says: packages shipped, the allowed arrows, no import circles."""

from __future__ import annotations

import tomllib
from functools import cache
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


@cache
def _imports() -> dict[str, set[str]]:
    """Every module's imports, at the top or inside functions (module -> names)."""
    import ast

    out: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                found |= {base, *(f"{base}.{a.name}" for a in node.names)}
        out[name] = found
    return out


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else parts[-1]


def test_the_parts_import_only_what_the_design_allows():
    """domain: rules on records (no workbook, no files); workbook: the Store (no command
    line, no screen); output: what is shown or written (never the workbook)."""
    forbidden = {
        "domain": ("inquiry_cli.workbook", "inquiry_cli.cli", "inquiry_cli.output", "typer", "rich",
                   "os", "io", "shutil", "tempfile", "pathlib", "subprocess", "socket", "zipfile"),
        "workbook": ("inquiry_cli.cli", "inquiry_cli.output", "typer", "click", "rich"),
        "output": ("inquiry_cli.workbook", "inquiry_cli.cli"),
        "contract": ("inquiry_cli.workbook", "inquiry_cli.cli", "inquiry_cli.output", "inquiry_cli.domain"),
    }  # fmt: skip
    wrong = sorted(
        (module, name)
        for module, names in _imports().items()
        for name in names
        for bad in forbidden.get(_part(module), ())
        if name == bad or name.startswith(bad + ".")
    )
    assert wrong == []


def test_no_import_circles():
    """Counting imports inside functions: a local import must not hide a circle."""
    modules = _imports()
    graph = {m: {n for n in names if n in modules and n != m} for m, names in modules.items()}
    seen: dict[str, int] = {}  # 1: on the current path, 2: done
    circles: list[list[str]] = []

    def visit(m: str, path: list[str]) -> None:
        seen[m] = 1
        for n in sorted(graph[m]):
            if seen.get(n) == 1:
                circles.append([*path[path.index(n) :], n])
            elif n not in seen:
                visit(n, [*path, n])
        seen[m] = 2

    for m in sorted(graph):
        if m not in seen:
            visit(m, [m])
    assert circles == []


def test_workbook_holds_no_command_line_option_strings():
    import re

    options = re.compile(r"""["']--[a-z][a-z-]+["']""")
    found = [
        f"{path.name}: {m.group()}"
        for path in (SRC / "workbook").glob("*.py")
        for m in options.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
