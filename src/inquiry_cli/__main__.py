"""Entry point for `python -m inquiry_cli`."""

from inquiry_cli.cli.launch import main

main()
