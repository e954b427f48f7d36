"""Imports every command module so each registers its commands on the app.

The order is the order of `inq --help`: the salesperson's day, not the alphabet.
"""
# ruff: noqa: I001, F401

from inquiry_cli.cli import workbook_cmds  # init, check
from inquiry_cli.cli import buyers  # lookup
from inquiry_cli.cli import record  # add, inquiry, log
from inquiry_cli.cli import grading  # grade
from inquiry_cli.cli import due  # due
from inquiry_cli.cli import quoting  # quote
from inquiry_cli.cli import samples  # sample
from inquiry_cli.cli import mail  # mail
from inquiry_cli.cli import reports  # report, stats, trip
from inquiry_cli.cli import history  # backups, undo
