"""A quote as plain text: the region's Jinja template over the draft (domain/quote.py)."""

from __future__ import annotations

from pathlib import Path

from inquiry_cli.domain.quote import Fields, QuoteDraft, context
from inquiry_cli.errors import InqError
from inquiry_cli.output.templating import environment, wrap_text
from inquiry_cli.output.templating import render as render_template


def template_names(d: QuoteDraft) -> list[str]:
    names = []
    if d.region.template:
        names.append(f"quote/{d.region.template}.txt.j2")
    names += [f"quote/{d.region.name}.txt.j2", "quote/default.txt.j2"]
    return list(dict.fromkeys(names))


def render(d: QuoteDraft, company: Fields, search_path: list[Path]) -> tuple[str, str]:
    """(text, template path used). Errors in templates become one clear line."""
    import jinja2

    env = environment(search_path)
    try:
        template = env.select_template(template_names(d))
    except jinja2.TemplateNotFound as exc:
        raise InqError(
            f"no quote template found ({exc}); reinstall inq or add templates/quote/default.txt.j2"
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise InqError(
            f"quote template {exc.filename or exc.name} line {exc.lineno}: {exc.message}"
        ) from None
    text = render_template(template, context(d, company), "quote")
    return wrap_text(text), str(template.filename)
