"""What rules and storage agree on: sheets and columns, records, change sets, cell kinds."""
