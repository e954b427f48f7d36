"""Intake: platform notifications, buyers' mail and chats read into plain records.

Pure functions on message bytes and text (no file or network I/O): `classify.read_mail`
turns one mail into a `records.Intake`, `whatsapp.parse_chat` one chat export into
several; `rules.parse` compiles the rules files' texts they apply; `own` makes and knows
inq's own Message-IDs. Recording them against the workbook is domain/intake_recording.py's.
"""
