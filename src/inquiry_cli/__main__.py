"""Entry point for `python -m inquiry_cli`."""

from inquiry_cli.cli.app import main

main()
