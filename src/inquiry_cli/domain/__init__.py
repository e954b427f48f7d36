"""Plain rules and reports over workbook data: no I/O, no Typer, no openpyxl."""
