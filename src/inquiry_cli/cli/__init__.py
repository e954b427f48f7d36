"""The Typer command line: thin commands that parse, call the library and render."""
