"""Reading, creating and safely editing the user's .xlsx workbook."""
