"""Where templates come from: the user's folder first, then the ones shipped with inq."""

from __future__ import annotations

from pathlib import Path


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
