"""Where templates come from: the user's folder first, then the ones shipped with inq."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

WIDTH = 72  # plain-text quotes and mails: readable in any mail client


def builtin_dir() -> Path:
    """The templates shipped in the package (inquiry_cli.templates in the wheel).

    In a source checkout that is not installed, the repo's top-level templates/ is used.
    """
    from importlib.resources import files

    try:
        packaged = Path(str(files("inquiry_cli.templates")))
        if (packaged / "README.md").is_file():
            return packaged
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "templates"


def search_path(workbook: Path, template_dir: str | None = None) -> list[Path]:
    """Folders to look in, most specific first: Settings' template_dir, then
    `templates/` beside the workbook, then the built-in templates."""
    dirs: list[Path] = []
    if template_dir:
        user = Path(template_dir).expanduser()
        dirs.append(user if user.is_absolute() else workbook.parent / user)
    dirs.append(workbook.parent / "templates")
    dirs.append(builtin_dir())
    return [d for d in dict.fromkeys(dirs) if d.is_dir()]


def environment(search_path: list[Path]):
    """The Jinja environment for plain-text templates (quotes, mails), built in one place.

    StrictUndefined: a field the template needs and the workbook lacks is an error that
    names it, never a half-filled text. No autoescape: this is plain text, not HTML.
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in search_path]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["wrap"] = wrap_filter
    return env


def wrap_filter(text: str, width: int = WIDTH, indent: str = "") -> str:
    return "\n".join(
        textwrap.fill(p, width=width, initial_indent=indent, subsequent_indent=indent) if p else ""
        for p in str(text).split("\n")
    )


def wrap_text(text: str) -> str:
    """Every line at most 72 columns, continuation lines keeping the line's indent."""
    out: list[str] = []
    for line in text.splitlines():
        if len(line) <= WIDTH:
            out.append(line.rstrip())
            continue
        indent = re.match(r"^(\s*(?:[-*•]|\d+\.)?\s*)", line).group(1)
        out.append(
            textwrap.fill(
                line[len(indent) :].strip(),
                width=WIDTH,
                initial_indent=indent,
                subsequent_indent=" " * len(indent),
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(out).rstrip() + "\n"
