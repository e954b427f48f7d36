"""Where intake rules come from: the user's folder first, then the ones shipped with inq.

As with templates, a `rules/` folder beside the workbook (or Settings' rules_dir) wins:
a file there replaces the built-in file of the same name, a new file adds a platform.
"""

from __future__ import annotations

from pathlib import Path

from inquiry_cli.errors import InqError


def builtin_dir() -> Path:
    """The rules shipped in the package (inquiry_cli.rules in the wheel), else the repo's."""
    from importlib.resources import files

    try:
        packaged = Path(str(files("inquiry_cli.rules")))
        if (packaged / "email.toml").is_file():
            return packaged
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "rules"


def search_path(workbook: Path, rules_dir: str | None = None) -> list[Path]:
    """Folders to look in, most specific first: rules_dir, `rules/` beside the workbook,
    the built-in rules."""
    dirs: list[Path] = []
    if rules_dir:
        user = Path(rules_dir).expanduser()
        dirs.append(user if user.is_absolute() else workbook.parent / user)
    dirs.append(workbook.parent / "rules")
    dirs.append(builtin_dir())
    return [d for d in dict.fromkeys(dirs) if d.is_dir()]


def load(workbook: Path, rules_dir: str | None = None):
    """The compiled rules (domain.intake.rules.Rules), a user's file replacing a built-in."""
    from inquiry_cli.domain.intake.rules import parse

    texts: dict[str, str] = {}
    for folder in reversed(search_path(workbook, rules_dir)):
        for path in sorted(folder.glob("*.toml")):
            try:
                texts[path.stem] = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise InqError(f"cannot read rules file {path}: {exc}") from None
    if "email" not in texts:
        raise InqError("no intake rules found (email.toml): reinstall inq")
    return parse(texts)
