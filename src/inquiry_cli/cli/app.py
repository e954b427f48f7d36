"""The `inq` app with every command registered (tests, `--help`, anything unusual)."""

from inquiry_cli.cli import commands
from inquiry_cli.cli.base import InqGroup, app

commands.register()

__all__ = ["InqGroup", "app"]
