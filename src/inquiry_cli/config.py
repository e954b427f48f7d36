"""Where the workbook is: -w/--workbook, else INQ_WORKBOOK, else the user's config file."""

from __future__ import annotations

import os
from pathlib import Path

from inquiry_cli.errors import InqError, WorkbookNotFound

ENV_WORKBOOK = "INQ_WORKBOOK"
ENV_CONFIG = "INQ_CONFIG"  # overrides the config file's location (tests, portable installs)
ENV_CACHE = "INQ_CACHE"  # overrides the folder of inq's small state files (tests)


def config_path() -> Path:
    """The config file: $INQ_CONFIG, else <user config dir>/inq/config.toml."""
    if os.environ.get(ENV_CONFIG):
        return Path(os.environ[ENV_CONFIG]).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("inq", appauthor=False)) / "config.toml"


def cache_dir() -> Path:
    """Where inq keeps what it remembers between runs: $INQ_CACHE, else the user cache dir."""
    if os.environ.get(ENV_CACHE):
        return Path(os.environ[ENV_CACHE]).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("inq", appauthor=False))


_PARSED: dict[tuple, dict] = {}  # the config file parsed once a run (keyed by its stat)


def load_config() -> dict:
    """The parsed config file, or {} when there is none. A broken file is an error.

    Parsed once per run: the launcher, the workbook's path, SMTP and IMAP all ask.
    """
    path = config_path()
    try:
        st = path.stat()
    except OSError:
        return {}
    if not path.is_file():
        return {}
    key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns)
    if key not in _PARSED:
        import tomllib  # (only when there is a config file: --help has none to read)

        try:
            parsed = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            raise InqError(f"cannot read config file {path}: {exc}") from None
        _PARSED.clear()
        _PARSED[key] = parsed
    return _PARSED[key]


def resolve_workbook(option: Path | None) -> Path:
    """The workbook this run works on, by precedence; a clear error when none is set."""
    if option is not None:
        return option.expanduser()
    if os.environ.get(ENV_WORKBOOK):
        return Path(os.environ[ENV_WORKBOOK]).expanduser()
    configured = load_config().get("workbook")
    if configured:
        path = Path(str(configured)).expanduser()
        if not path.is_absolute():
            path = config_path().parent / path
        return path
    raise WorkbookNotFound(
        "no workbook given: pass -w PATH, set INQ_WORKBOOK, or run `inq init customers.xlsx` "
        "to create one (try `inq -w sample_workbook.xlsx check` to see the sample)"
    )


def remembered(path: Path) -> tuple[Path, str]:
    """(the config file, its text with `workbook = PATH`): later runs then need no -w.
    Written by the caller, through the gate for inq's own files (output.files)."""
    cfg = config_path()
    lines = []
    if cfg.is_file():
        lines = [
            line
            for line in cfg.read_text(encoding="utf-8").splitlines()
            if not line.strip().startswith("workbook")
        ]
    quoted = str(path.resolve()).replace("\\", "\\\\").replace('"', '\\"')
    lines.insert(0, f'workbook = "{quoted}"')
    return cfg, "\n".join(lines) + "\n"
