"""Templates: where they come from (the user's folder first, then inq's), the one sandboxed
environment that renders them, and what a failing template says.

A template folder beside the workbook is as easy to plant as the workbook itself, so
templates are data too: they render in Jinja's SandboxedEnvironment (no reaching into
Python from a template), and a Settings template_dir must lie inside the workbook's own
folder. Workbook text a template inserts shows its control characters (output.terminal).
"""

from __future__ import annotations

import os
import re
import textwrap
import traceback
from pathlib import Path
from typing import Any

from inquiry_cli.errors import InqError
from inquiry_cli.output.terminal import visible

WIDTH = 72  # plain-text quotes and mails: readable in any mail client
# A line break inside an inserted value, kept apart from the template's own until the
# caller has split what needs splitting (a mail's Subject line); see `restore_breaks`.
INSERTED_BREAK = "\x00"


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
        dirs.append(_inside_workbook_folder(workbook, template_dir))
    dirs.append(workbook.parent / "templates")
    dirs.append(builtin_dir())
    return [d for d in dict.fromkeys(dirs) if d.is_dir()]


def _inside_workbook_folder(workbook: Path, template_dir: str) -> Path:
    """The Settings folder, refused unless it lies (links followed) in the workbook's folder."""
    folder = workbook.parent.resolve()
    user = Path(template_dir).expanduser()
    path = user if user.is_absolute() else workbook.parent / user
    real = Path(os.path.normcase(path.resolve()))
    if not real.is_relative_to(os.path.normcase(folder)):
        raise InqError(
            f"Settings template_dir {template_dir!r} lies outside the workbook's folder "
            f"{folder}: inq takes templates only from inside it (move the folder there, "
            "or clear the setting)"
        )
    return path


def environment(search_path: list[Path]):
    """The Jinja environment for plain-text templates (quotes, mails), built in one place.

    Sandboxed: a template reads the values it is given and calls their plain methods,
    nothing more. StrictUndefined: a field the template needs and the workbook lacks is
    an error that names it, never a half-filled text. No autoescape: this is plain text,
    not HTML; instead every inserted value shows its control characters (`_inserted`).
    """
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in search_path]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_inserted,
    )
    env.filters["wrap"] = wrap_filter
    return env


def _inserted(value: Any) -> str:
    """What a `{{ ... }}` puts in the text: control characters spelt out (ESC as \\x1b),
    line breaks marked as the value's own (INSERTED_BREAK)."""
    return visible(str(value)).replace("\n", INSERTED_BREAK)


def restore_breaks(text: str, to: str = "\n") -> str:
    """The inserted values' line breaks back as `to` (a newline, or a space in a header)."""
    return text.replace(INSERTED_BREAK, to)


def render(
    template, values: dict[str, Any], kind: str, name: str = "", keep_breaks: bool = False
) -> str:
    """Render one template; whatever goes wrong in it is one line naming the template.

    `keep_breaks` leaves the inserted values' line breaks marked (see restore_breaks).
    """
    import jinja2
    from jinja2.sandbox import SecurityError

    try:
        text = template.render(values)
    except InqError:
        raise
    except SecurityError as exc:
        raise InqError(
            f"{kind} template {_where(exc, template)}: refused, a template may only use the "
            f"values inq gives it ({exc})"
        ) from None
    except jinja2.UndefinedError as exc:
        what = f"{kind} template {name}" if name else f"{kind} template"
        raise InqError(f"{what} uses something inq does not provide: {exc}") from None
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError) as exc:
        raise InqError(f"{kind} template {_where(exc, template)}: {exc}") from None
    return text if keep_breaks else restore_breaks(text)


def _where(exc: Exception, template) -> str:
    """The template file and line the error came from (Jinja rewrites tracebacks to them)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
    if frames:
        return f"{frames[-1].filename} line {frames[-1].lineno}"
    return str(template.filename or template.name)


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
        found = re.match(r"^(\s*(?:[-*•]|\d+\.)?\s*)", line)
        indent = found.group(1) if found else ""
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
