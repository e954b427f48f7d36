"""Exceptions that carry their own exit code and a one-line message naming the fix.

The CLI catches `InqError` in one place (cli.app.InqGroup) and prints `Error: <message>`
to stderr; nothing else turns into a traceback.
"""


class InqError(Exception):
    """A refused operation: the user can fix it. Exit code 1."""

    exit_code = 1


class UsageError(InqError):
    """Bad arguments (a wrong grade letter, a date that cannot be read). Exit code 2."""

    exit_code = 2


class WorkbookNotFound(InqError):
    """No workbook at the path, or no workbook configured at all."""


class WorkbookUnreadable(InqError):
    """The file exists but is not a workbook inq can read (corrupt, encrypted, .xls, ...)."""


class WorkbookNotWritable(InqError):
    """A workbook inq reads but does not write (a LibreOffice .ods)."""


class ContractError(InqError):
    """The workbook lacks a sheet or column a command needs."""


class WorkbookBusy(InqError):
    """The workbook is open in Excel/LibreOffice or locked by another inq run."""


class ConcurrentChange(InqError):
    """The workbook changed on disk between our read and our write."""


class FidelityError(InqError):
    """The written copy differs from the original beyond the change; nothing replaced."""


class NotFound(InqError):
    """An unknown buyer, inquiry, model or backup."""


class OutputRefused(InqError):
    """A file inq was asked to write (--out, --ics, --mbox, .eml) is refused or failed."""
