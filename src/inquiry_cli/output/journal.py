"""The mail-out journal: every mail written down the moment it went out.

`inq mail --log` records its mails in Contacts in one write at the end; a run killed
before that (or refused then: the workbook opened in Excel meanwhile) would leave mails
sent and nowhere recorded, and a rerun would mail everyone again. So each mail is first
appended here, one JSON line, flushed and fsynced before the next mail goes: beside the
workbook, in inq-backups/<workbook name>.mailout.jsonl. Once Contacts holds a line, a
`done` line says so; a journal whose every line is done is removed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from pathlib import Path

from inquiry_cli.contract.places import BACKUP_DIR
from inquiry_cli.domain.mailouts import Sent
from inquiry_cli.errors import InqError


class Journal:
    def __init__(self, workbook: Path) -> None:
        self.path = workbook.parent / BACKUP_DIR / f"{workbook.name}.mailout.jsonl"
        self._fd: int | None = None

    def _lines(self) -> list[dict]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise InqError(f"cannot read {self.path}: {exc.strerror or exc}") from None
        lines = []
        for line in raw.splitlines():
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue  # the torn last line of a killed run: that mail was not confirmed
        return [x for x in lines if isinstance(x, dict)]

    def pending(self) -> list[Sent]:
        """The mails recorded here and not yet marked as logged in Contacts."""
        lines = self._lines()
        done = {m for x in lines for m in x.get("done", ())}
        out = []
        for x in lines:
            if "message_id" in x and x["message_id"] not in done:
                try:
                    out.append(_sent(x))
                except (KeyError, TypeError, ValueError):
                    continue
        return out

    def record(self, sent: Sent) -> None:
        """Append one mail, durably, before the next one goes."""
        self._append(
            {
                "template": sent.template,
                "subject": sent.subject,
                "buyer_id": sent.buyer_id,
                "email": sent.email,
                "message_id": sent.message_id,
                "at": sent.at.isoformat(),
            }
        )

    def mark_done(self, sent: list[Sent]) -> None:
        """These mails are in Contacts now; remove the journal once nothing is pending."""
        if not sent:
            return
        self._append({"done": [s.message_id for s in sent]})
        self.close()
        if not self.pending():
            with contextlib.suppress(OSError):
                self.path.unlink()

    def _append(self, data: dict) -> None:
        line = json.dumps(data, ensure_ascii=False) + "\n"
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
                size = os.fstat(self._fd).st_size
                if size and not self.path.read_bytes().endswith(b"\n"):
                    os.write(self._fd, b"\n")  # after a torn line, start a fresh one
            os.write(self._fd, line.encode("utf-8"))
            os.fsync(self._fd)
        except OSError as exc:
            raise InqError(
                f"cannot record the mail-out in {self.path}: {exc.strerror or exc} "
                "(stopped before the next mail)"
            ) from None

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


def _sent(x: dict) -> Sent:
    return Sent(
        template=str(x["template"]),
        subject=str(x["subject"]),
        buyer_id=x.get("buyer_id") or None,
        email=str(x.get("email") or ""),
        message_id=str(x["message_id"]),
        at=dt.datetime.fromisoformat(str(x["at"])),
    )
