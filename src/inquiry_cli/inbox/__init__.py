"""Where messages come from: .eml files, .mbox files, Maildir folders, IMAP, chat exports.

Knows no workbook and no command line: it hands out raw messages (bytes, or a chat's
text) with the name the user knows them by, and says which could not be read.
"""

from inquiry_cli.inbox.sources import Raw, from_paths

__all__ = ["Raw", "from_paths"]
