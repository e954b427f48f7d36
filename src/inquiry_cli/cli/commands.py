"""Imports every command module so each registers its commands on the app."""

from inquiry_cli.cli import (
    buyers,  # noqa: F401
    due,  # noqa: F401
    grading,  # noqa: F401
    history,  # noqa: F401
    mail,  # noqa: F401
    quoting,  # noqa: F401
    record,  # noqa: F401
    reports,  # noqa: F401
    samples,  # noqa: F401
    workbook_cmds,  # noqa: F401
)
