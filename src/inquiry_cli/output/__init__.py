"""Everything inq puts out besides the workbook: files, the terminal, mail."""
