"""inq: the export salesperson's Excel customer management system, as commands."""

__version__ = "0.1.0"
