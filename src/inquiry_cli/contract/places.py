"""Where inq keeps its own files beside a workbook (both the Store and the output part
must know: output never writes there)."""

BACKUP_DIR = "inq-backups"  # backups, their log, the write lock, the mail-out journal
