"""A real IMAP server for the tests: Dovecot on 127.0.0.1, throwaway config, passwd-file login.

Started once per session (about a tenth of a second), stopped at the end. As root (CI),
Dovecot's login processes must run as its own unprivileged users (dovenull, dovecot) and
mail may not be read as uid 0, so the mailbox belongs to the `dovecot` user; as anyone
else, everything runs as that user. Debian/Ubuntu: `apt-get install dovecot-imapd`.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "lily@example-brightway.com"
PASSWORD = "s3cret-imap"


@dataclass
class Server:
    root: Path
    port: int  # IMAP: plain, or STARTTLS
    ssl_port: int  # IMAPS
    uid: int
    gid: int
    process_pid: int

    @property
    def cafile(self) -> Path:
        """The server's self-signed certificate, for the client to trust."""
        return self.root / "cert.pem"

    @property
    def maildir(self) -> Path:
        return self.root / "home" / "lily" / "Maildir"

    def deliver(self, messages: list[bytes]) -> None:
        """Put messages into the INBOX as a delivery agent does (tmp/, then new/)."""
        for n, data in enumerate(messages):
            name = f"{time.time_ns()}.M{n}P{os.getpid()}.test"
            tmp = self.maildir / "tmp" / name
            tmp.write_bytes(data)
            os.chown(tmp, self.uid, self.gid)
            tmp.rename(self.maildir / "new" / name)

    def empty(self) -> None:
        for sub in ("new", "cur"):
            for f in (self.maildir / sub).iterdir():
                f.unlink()
        for f in self.maildir.glob("dovecot*"):
            if f.is_file():
                f.unlink()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _certificate(root: Path) -> None:
    """A throwaway self-signed certificate for 127.0.0.1 (EC: made in milliseconds)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("the IMAP tests need openssl to make the server's certificate")
    done = subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem"),
            "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"openssl could not make a certificate: {done.stderr.strip()}")


def start(root: Path) -> Server:
    if not Path(DOVECOT).exists():
        raise RuntimeError(
            "the IMAP tests need Dovecot: apt-get install dovecot-imapd (CI's .ci/run does)"
        )
    root.chmod(0o755)  # Dovecot's own users read the passwd file and the mailbox below it
    port, ssl_port = _free_port(), _free_port()
    _certificate(root)
    me = pwd.getpwuid(os.getuid())
    if os.getuid() == 0:
        try:
            mail_user = pwd.getpwnam("dovecot")
            pwd.getpwnam("dovenull")
        except KeyError:
            raise RuntimeError(
                "Dovecot's users (dovecot, dovenull) are missing: reinstall dovecot-core"
            ) from None
        internal, login, uid, gid = "dovecot", "dovenull", mail_user.pw_uid, mail_user.pw_gid
        group = "dovecot"
    else:
        import grp

        internal = login = me.pw_name
        uid, gid = me.pw_uid, me.pw_gid
        group = grp.getgrgid(gid).gr_name
    for sub in (
        "run",
        "state",
        "home/lily/Maildir/cur",
        "home/lily/Maildir/new",
        "home/lily/Maildir/tmp",
    ):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for path in [root / "home", *(root / "home").rglob("*")]:
        os.chown(path, uid, gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n", encoding="utf-8")
    conf = root / "dovecot.conf"
    conf.write_text(
        f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = 1
mail_location = maildir:{root}/home/%n/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
    ssl = yes
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%n
}}
""",
        encoding="utf-8",
    )
    errors = root / "start.err"
    with errors.open("wb") as err:  # not a pipe: the daemon keeps its end open
        done = subprocess.run(
            [DOVECOT, "-c", str(conf)], stdin=subprocess.DEVNULL, stdout=err, stderr=err, timeout=20
        )
    if done.returncode != 0:
        why = errors.read_text(errors="replace").strip()
        raise RuntimeError(f"Dovecot did not start: {why}")
    pid_file = root / "run" / "master.pid"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                if s.recv(64).startswith(b"* OK"):
                    pid = int(pid_file.read_text().strip())
                    return Server(root, port, ssl_port, uid, gid, pid)
        except OSError:
            time.sleep(0.05)
    log = (
        (root / "dovecot.log").read_text(errors="replace")
        if (root / "dovecot.log").exists()
        else ""
    )
    raise RuntimeError(f"Dovecot did not answer on 127.0.0.1:{port}: {log[-500:]}")


def stop(server: Server) -> None:
    """Ask Dovecot to shut down (it stops its own children, in about three seconds: the
    run does not wait for that)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(server.process_pid, signal.SIGTERM)
