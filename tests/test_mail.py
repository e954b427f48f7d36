"""`inq mail`: audiences, personalised RFC 5322 mail as .eml/.mbox, SMTP sending, logging."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import mailbox
import socket

import openpyxl
import pytest

D = dt.datetime


@pytest.fixture
def book(build):
    return build(
        buyers=[
            dict(buyer_id="B0001", name="José Gómez", company="Luces SA", email="jose@luces.cl", country="Chile", grade="A", products="LED-PL-60", last_contact=D(2026, 11, 20)),
            dict(buyer_id="B0002", name="Maria Schmidt", company="Licht GmbH", email="maria@licht.de", country="Germany", grade="B", last_contact=D(2026, 11, 2)),
            dict(buyer_id="B0003", name="Ahmed Ali", company="Gulf Lights", phone="+971 4 123 4567", country="UAE", grade="A"),
            dict(buyer_id="B0004", name="Kim Lee", company="Seoul Lamps", email="kim@seoul.kr", country="KR", grade="C"),
            dict(buyer_id="B0005", name="Maria (old row)", company="Licht GmbH", email="MARIA@licht.de", country="Germany", grade="B"),
            dict(buyer_id="B0006", name="Refused Person", company="Nope Ltd", email="refuse@nope.com", country="Germany", grade="B", last_contact=D(2026, 11, 1)),
        ],
        inquiries=[
            dict(inquiry_id="I0001", received=D(2026, 10, 1, 9), channel="email", buyer_id="B0002", product="LED-PL-60", replied=D(2026, 10, 1, 10), status="Quoted"),
            dict(inquiry_id="I0002", received=D(2026, 11, 26, 9), channel="email", buyer_id="B0006", product="led-pl-60", status="Open"),
        ],
        products=[
            dict(model="LED-PL-60", name="Panel 40W", spec="600x600", moq=100, unit="pcs", new=True),
            dict(model="LED-HB-100", name="High Bay 100W", moq=50, unit="pcs", hot="Y"),
            dict(model="LED-T8-18", name="Tube", moq=1000),
        ],
        samples=[dict(date=D(2026, 11, 10), buyer_id="B0004", model="LED-HB-100", kind="Physical", courier="DHL", tracking="555", status="Sent")],
        events=[dict(name="Middle East Energy", city="Dubai", country="United Arab Emirates", start=dt.date(2027, 4, 7), end=dt.date(2027, 4, 9), booth="S1.D40")],
    )  # fmt: skip


def parse(path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def text(msg) -> str:
    """The plain-text body with the line ends normalised (.eml files use CRLF)."""
    return msg.get_content().replace("\r\n", "\n")


def test_eml_per_buyer_personalised(inq, book, tmp_path):
    out = tmp_path / "mails"
    result = inq("-w", book, "mail", "new-products", "--asked", "LED-PL-60", "--out", out)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # asked in Inquiries (B0002, B0006, any case) or listed in Products (B0001)
    assert (
        lines[0] == "new-products: 3 mails to buyers who asked about LED-PL-60 (3 buyers matched)"
    )
    assert lines[-1] == f"Wrote 3 .eml files to {out}"
    assert sorted(p.name for p in out.iterdir()) == ["B0001.eml", "B0002.eml", "B0006.eml"]
    raw = (out / "B0001.eml").read_bytes()
    assert b"\r\n" in raw and b"\n\n" not in raw.replace(b"\r\n", b"")  # CRLF line ends
    msg = parse(out / "B0001.eml")
    assert msg["To"] == "José Gómez <jose@luces.cl>"
    assert msg["From"] == '"Your Name (Your Company Co., Ltd.)" <sales@example.com>'
    assert msg["Subject"] == "New products from Your Company Co., Ltd."
    assert msg["Date"].datetime == dt.datetime(
        2026, 11, 27, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))
    )
    assert msg["Message-ID"].endswith("@example.com>")
    assert msg.get_content_type() == "text/plain" and msg.get_content_charset() == "utf-8"
    body = text(msg)
    assert body.startswith(
        "Dear José Gómez,\n\nAs you asked us about LED-PL-60, we thought you would like to see these\nfirst:\n\n- LED-PL-60 Panel 40W (NEW)\n"
    )
    assert "- LED-HB-100 High Bay 100W (best seller)" in body
    assert "LED-T8-18" not in body  # neither New nor Hot
    assert len({parse(p)["Message-ID"] for p in out.iterdir()}) == 3


def test_buyers_without_email_are_listed(inq, book, tmp_path):
    result = inq(
        "-w", book, "mail", "greeting", "--all", "--occasion", "Happy Eid", "--out", tmp_path / "m"
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "greeting: 4 mails to every buyer (6 buyers matched)",
        "Not mailed (2): reach them another way",
        "  B0003 Ahmed Ali (Gulf Lights): no email (Tel +971 4 123 4567)",
        "  B0005 Maria (old row) (Licht GmbH): same email as B0002",
    ]
    msg = parse(tmp_path / "m" / "B0002.eml")
    assert msg["Subject"] == "Happy Eid from Your Company Co., Ltd."
    assert text(msg).startswith("Dear Maria Schmidt,\n\nHappy Eid!\n")


def test_audience_filters_combine(inq, book):
    result = inq("-w", book, "mail", "greeting", "--grade", "a,b", "--country", "德国")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "greeting: 2 mails to buyers of grade A/B, in Germany (3 buyers matched)"
    assert "To: Maria Schmidt <maria@licht.de>" in lines
    assert lines[-2] == "Also to: refuse@nope.com"
    assert (
        lines[-1] == "Nothing written or sent: add --out DIR (.eml files), --mbox FILE or --send."
    )
    region = inq("-w", book, "mail", "greeting", "--region", "latam")
    assert (
        region.stdout.splitlines()[0]
        == "greeting: 1 mail to buyers in region latam (1 buyer matched)"
    )
    none = inq("-w", book, "mail", "greeting")
    assert none.exit_code == 2
    assert (
        none.stderr
        == "Error: say who gets it: --asked MODEL, --grade A,B, --region, --country or --all\n"
    )
    unknown = inq("-w", book, "mail", "greeting", "--asked", "LED-PL-6O")
    assert unknown.exit_code == 1 and unknown.stderr.startswith(
        "Error: unknown model 'LED-PL-6O': did you mean LED-PL-60"
    )


def test_mbox_and_the_trade_show(inq, book, tmp_path):
    box = tmp_path / "show.mbox"
    result = inq("-w", book, "mail", "trade-show", "--grade", "A", "--mbox", box)
    assert result.exit_code == 0, result.output
    messages = list(mailbox.mbox(str(box)))
    assert len(messages) == 1  # B0003 has no email
    msg = email.message_from_bytes(messages[0].as_bytes(), policy=email.policy.default)
    assert msg["Subject"] == "Meet us at Middle East Energy, booth S1.D40"
    body = text(msg)
    assert (
        "  Dates:  7-9 April 2027\n  Place:  Dubai, United Arab Emirates\n  Booth:  S1.D40\n"
        in body
    )
    assert "including LED-PL-60," in body
    again = inq("-w", book, "mail", "trade-show", "--grade", "A", "--mbox", box)
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_sample_follow_up_goes_to_buyers_awaiting_feedback(inq, book, tmp_path):
    result = inq("-w", book, "mail", "sample-follow-up", "--out", tmp_path / "s")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "sample-follow-up: 1 mail to buyers with a sample awaiting feedback (1 buyer matched)"
    )
    msg = parse(tmp_path / "s" / "B0004.eml")
    assert msg["Subject"] == "Your sample of LED-HB-100: how did it test?"
    assert (
        "We sent you a sample of LED-HB-100 (High Bay 100W) on 10 November 2026\nby DHL, tracking number 555."
        in text(msg)
    )
    # asked explicitly for buyers without a sample: listed, not mailed
    other = inq("-w", book, "mail", "sample-follow-up", "--grade", "A")
    assert "  B0001 José Gómez (Luces SA): no sample awaiting feedback" in other.stdout


def test_template_errors_and_user_templates(inq, book, tmp_path):
    news = inq("-w", book, "mail", "newsletter", "--all")
    assert news.exit_code == 2
    assert news.stderr == "Error: the newsletter needs its news: --news FILE (plain text)\n"
    unknown = inq("-w", book, "mail", "promo", "--all")
    assert unknown.exit_code == 2
    assert unknown.stderr == (
        "Error: no mail template 'promo': use one of greeting, new-products, newsletter, "
        "sample-follow-up, trade-show\n"
    )
    own = tmp_path / "templates" / "mail"
    own.mkdir(parents=True)
    (own / "promo.txt.j2").write_text(
        "Subject: {{ buyer.company }}: 5% off in December\n\nHi {{ buyer.name }}!\n",
        encoding="utf-8",
    )
    result = inq("-w", book, "mail", "promo", "--grade", "C", "--out", tmp_path / "p")
    assert result.exit_code == 0, result.output
    msg = parse(tmp_path / "p" / "B0004.eml")
    assert msg["Subject"] == "Seoul Lamps: 5% off in December"
    assert text(msg) == "Hi Kim Lee!\n"


# ---------------------------------------------------------------- SMTP


class Handler:
    """An SMTP sink that refuses one mailbox, as a real server would."""

    def __init__(self):
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == "refuse@nope.com":
            return "550 5.1.1 <refuse@nope.com>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(tmp_path):
    from aiosmtpd.controller import Controller

    with socket.socket() as s:  # a free port on loopback only
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    cfg = tmp_path / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\n', encoding="utf-8"
    )
    yield handler, port
    controller.stop()


def test_send_reports_each_recipient_and_logs_once(inq, book, smtp_server):
    handler, port = smtp_server
    result = inq("-w", book, "mail", "greeting", "--grade", "A,B", "--send", "--log")
    assert result.exit_code == 1, result.output  # one recipient failed
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "greeting: 3 mails to buyers of grade A/B (5 buyers matched)",
        "Not mailed (2): reach them another way",
        "  B0003 Ahmed Ali (Gulf Lights): no email (Tel +971 4 123 4567)",
        "  B0005 Maria (old row) (Licht GmbH): same email as B0002",
    ]
    assert lines[4:8] == [
        "  sent    B0001 jose@luces.cl",
        "  sent    B0002 maria@licht.de",
        "  FAILED  B0006 refuse@nope.com: refused: 550 5.1.1 <refuse@nope.com>: mailbox unavailable",
        f"Sent 2 of 3 via 127.0.0.1:{port}; 1 failed (listed above)",
    ]
    assert lines[8] == "Logged 2 mails as contacts in Contacts"
    # the server got the two, each to its own recipient, UTF-8 intact
    assert [e.rcpt_tos for e in handler.received] == [["jose@luces.cl"], ["maria@licht.de"]]
    got = email.message_from_bytes(handler.received[0].content, policy=email.policy.default)
    assert got["To"] == "José Gómez <jose@luces.cl>"
    assert text(got).startswith("Dear José Gómez,\n")
    # contacts logged for the two sent, in one write (one backup); the failed one not
    wb = openpyxl.load_workbook(book)
    contacts = [[c.value for c in row] for row in wb["Contacts"].iter_rows(min_row=2)]
    assert [(c[1], c[3], c[4], c[5]) for c in contacts] == [
        (
            "B0001",
            "email",
            "out",
            "Mail-out (greeting): Season's greetings from Your Company Co., Ltd.",
        ),
        (
            "B0002",
            "email",
            "out",
            "Mail-out (greeting): Season's greetings from Your Company Co., Ltd.",
        ),
    ]
    buyers = {row[0].value: row for row in wb["Buyers"].iter_rows(min_row=2)}
    assert buyers["B0001"][16].value == D(2026, 11, 27, 10)
    assert buyers["B0006"][16].value == D(2026, 11, 1)
    assert len(json.loads(inq("-w", book, "backups", "--json").stdout)) == 1
    # a mail-out is not a reply: B0006's inquiry is still owed an answer
    assert wb["Inquiries"]["K3"].value is None


def test_send_needs_a_server(inq, book):
    result = inq("-w", book, "mail", "greeting", "--all", "--send")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no SMTP server configured: add an [smtp] section")
    bad = inq("-w", book, "mail", "greeting", "--all", "--log")
    assert bad.exit_code == 2
    assert (
        bad.stderr == "Error: --log records mails you write or send: add --out, --mbox or --send\n"
    )


def test_send_to_a_dead_server_is_one_line(inq, book, tmp_path, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nobody listens
    cfg = tmp_path / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\nuser = "me"\n'
        "allow_plaintext_auth = true\n",
        encoding="utf-8",
    )
    result = inq("-w", book, "mail", "greeting", "--all", "--send")
    assert result.exit_code == 1
    assert (
        result.stderr == "Error: set the SMTP password in $INQ_SMTP_PASSWORD (it is never stored)\n"
    )
    monkeypatch.setenv("INQ_SMTP_PASSWORD", "secret")
    result = inq("-w", book, "mail", "greeting", "--all", "--send")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot connect to the SMTP server 127.0.0.1:{port}: ")
    assert "\n" not in result.stderr.rstrip("\n")


class Login:
    """An aiosmtpd authenticator that accepts anyone and remembers who logged in."""

    def __init__(self):
        self.logins = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)


def serve(tmp_path, settings: str, login: Login | None = None):
    """A loopback SMTP sink and a config file pointing at it, with these [smtp] lines."""
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Handler()
    extra = {"authenticator": login, "auth_require_tls": False} if login else {}
    controller = Controller(handler, hostname="127.0.0.1", port=port, **extra)
    controller.start()
    cfg = tmp_path / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\n{settings}\n',
        encoding="utf-8",
    )
    return controller, handler, port


def test_no_password_goes_over_an_unencrypted_connection(inq, book, tmp_path, monkeypatch):
    monkeypatch.setenv("INQ_SMTP_PASSWORD", "secret")
    login = Login()
    controller, handler, port = serve(tmp_path, 'user = "me"', login)
    try:
        result = inq("-w", book, "mail", "greeting", "--grade", "A", "--send")
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: not sending the password of me unencrypted to 127.0.0.1:{port}: set "
            "starttls = true or ssl = true in [smtp], or allow_plaintext_auth = true for a "
            "relay you trust (one on this machine)\n"
        )
        assert login.logins == [] and handler.received == []
        cfg = tmp_path / "config" / "config.toml"
        cfg.write_text(cfg.read_text() + "allow_plaintext_auth = true\n", encoding="utf-8")
        result = inq("-w", book, "mail", "greeting", "--grade", "A", "--send")
        assert result.exit_code == 0, result.output
        assert login.logins == [("me", "secret")] and len(handler.received) == 1
    finally:
        controller.stop()


@pytest.mark.parametrize(
    "line, message",
    [
        ('timeout = "abc"', "timeout = 'abc' is not a number of seconds above 0"),
        ('port = "x"', "port = 'x' is not a port number (1-65535)"),
        ("port = 70000", "port = 70000 is not a port number (1-65535)"),
        ("pause = -1", "pause = -1 is not a number of seconds (0 or more)"),
        ('ssl = "yes"', "ssl = 'yes' must be true or false"),
        ("user = 42", "user = 42 must be text in quotes"),
        ("start_tls = true", "has no setting 'start_tls' (it knows host, port, user,"),
    ],
)
def test_a_bad_smtp_setting_is_one_line(inq, book, tmp_path, line, message):
    cfg = tmp_path / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(f'[smtp]\nhost = "mail.example.com"\n{line}\n', encoding="utf-8")
    result = inq("-w", book, "mail", "greeting", "--all", "--send")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: config: [smtp] {message}")
    assert result.stderr.count("\n") == 1


def test_a_pause_between_mails(inq, book, tmp_path):
    import time

    controller, handler, _port = serve(tmp_path, "pause = 0.1")
    times = []
    original = handler.handle_DATA

    async def timed(server, session, envelope):
        times.append(time.monotonic())
        return await original(server, session, envelope)

    handler.handle_DATA = timed
    try:
        result = inq("-w", book, "mail", "greeting", "--grade", "A,B", "--send")
        assert result.exit_code == 1, result.output  # refuse@nope.com is refused
    finally:
        controller.stop()
    assert len(times) == 2 and times[1] - times[0] >= 0.1


# ---------------------------------------------------------------- mail-outs that neither lose nor repeat


class Killed(BaseException):
    """The process dying mid-run (kill -9, a power cut): nothing after it runs."""


def contacts_of(book):
    wb = openpyxl.load_workbook(book)
    return [(r[1].value, r[5].value) for r in wb["Contacts"].iter_rows(min_row=2)]


def test_log_is_checked_before_the_first_mail(inq, book, smtp_server, tmp_path):
    handler, _port = smtp_server
    owner = book.with_name("~$" + book.name)
    owner.write_text("Lily", encoding="utf-8")  # Excel has it open
    result = inq("-w", book, "mail", "greeting", "--grade", "A,B", "--send", "--log")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {book.name} is open in Excel: close it there and retry (if Excel is not "
        f"running, delete the leftover lock file {owner.name}); nothing was sent or written "
        "(--log records in it)\n"
    )
    assert handler.received == [] and result.stdout == ""
    result = inq("-w", book, "mail", "greeting", "--all", "--out", tmp_path / "m", "--log")
    assert result.exit_code == 1 and not (tmp_path / "m").exists()


def test_a_killed_send_resumes_without_mailing_anyone_twice(inq, book, smtp_server, monkeypatch):
    from inquiry_cli.output import smtp

    handler, _port = smtp_server
    real = smtp.send_one
    calls = []

    def dies_at_the_third(conn, mail):
        calls.append(mail.to)
        if len(calls) == 3:
            raise Killed
        real(conn, mail)

    monkeypatch.setattr(smtp, "send_one", dies_at_the_third)
    args = ["-w", book, "mail", "greeting", "--all", "--send", "--log"]
    with pytest.raises(Killed):
        inq(*args)
    journal = book.parent / "inq-backups" / f"{book.name}.mailout.jsonl"
    assert [json.loads(line)["email"] for line in journal.read_text().splitlines()] == [
        "jose@luces.cl",
        "maria@licht.de",
    ]
    assert contacts_of(book) == []  # killed before its one write
    monkeypatch.setattr(smtp, "send_one", real)
    result = inq(*args)
    assert result.exit_code == 1, result.output  # refuse@nope.com is refused
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Logged 2 mails of an earlier run that stopped before recording them (none is sent again)"
    )
    assert "Skipped 2 buyers already mailed greeting (use --resend to mail them again)" in lines
    assert "  sent    B0004 kim@seoul.kr" in lines
    assert lines[-2:] == [
        "Logged 1 mail as contacts in Contacts",
        "Changed Buyers row 5 (B0004 Kim Lee), Last contact: (blank) -> 2026-11-27 10:00",
    ]
    assert sorted(r for e in handler.received for r in e.rcpt_tos) == [
        "jose@luces.cl", "kim@seoul.kr", "maria@licht.de",
    ]  # fmt: skip
    summary = "Mail-out (greeting): Season's greetings from Your Company Co., Ltd."
    assert contacts_of(book) == [("B0001", summary), ("B0002", summary), ("B0004", summary)]
    assert not journal.exists()  # every line is in Contacts now


def test_ctrl_c_stops_sending_and_logs_what_went(inq, book, smtp_server, monkeypatch):
    from inquiry_cli.output import smtp

    real = smtp.send_one
    calls = []

    def interrupted_at_the_second(conn, mail):
        calls.append(mail.to)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(conn, mail)

    monkeypatch.setattr(smtp, "send_one", interrupted_at_the_second)
    result = inq("-w", book, "mail", "greeting", "--all", "--send", "--log")
    assert result.exit_code == 130
    assert result.stderr.endswith("Interrupted: 1 of 4 mails went out.\n")
    assert [c[0] for c in contacts_of(book)] == ["B0001"]


def test_a_second_run_skips_who_had_it_and_resend_mails_them_again(inq, book, tmp_path):
    first = inq("-w", book, "mail", "greeting", "--grade", "A", "--out", tmp_path / "1", "--log")
    assert first.exit_code == 0, first.output
    again = inq("-w", book, "mail", "greeting", "--grade", "A,C", "--out", tmp_path / "2")
    assert again.exit_code == 0, again.output
    assert (
        "Skipped 1 buyer already mailed greeting (use --resend to mail them again)"
        in again.stdout.splitlines()
    )
    assert sorted(p.name for p in (tmp_path / "2").iterdir()) == ["B0004.eml"]
    # another occasion is another mail-out; --resend mails them again
    other = inq("-w", book, "mail", "greeting", "--grade", "A", "--occasion", "Eid Mubarak", "--out", tmp_path / "3")  # fmt: skip
    assert sorted(p.name for p in (tmp_path / "3").iterdir()) == ["B0001.eml"]
    assert "Skipped" not in other.stdout
    resent = inq("-w", book, "mail", "greeting", "--grade", "A", "--resend", "--out", tmp_path / "4")  # fmt: skip
    assert resent.exit_code == 0, resent.output
    assert sorted(p.name for p in (tmp_path / "4").iterdir()) == ["B0001.eml"]


def test_line_breaks_in_a_name_are_cleaned_for_the_header(inq, build, tmp_path):
    path = build(
        buyers=[
            dict(buyer_id="B0001", name="Jo\r\nBcc: all@evil.example", email="jo@a.example", grade="A"),
            dict(buyer_id="B0002", company="Evil_x001B_[2J Ltd", email="ev@b.example", grade="A"),
            dict(buyer_id="B0003", name="Plain Person", email="pp@c.example", grade="A"),
        ]
    )  # fmt: skip
    out = tmp_path / "m"
    result = inq("-w", path, "mail", "greeting", "--all", "--out", out)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Cleaned line breaks in the name of B0001 for the To: header" in lines
    assert "Cleaned control characters in the company name of B0002 for the To: header" in lines
    assert lines[-1] == f"Wrote 3 .eml files to {out}"
    msg = parse(out / "B0001.eml")
    assert msg["To"] == '"Jo Bcc: all@evil.example" <jo@a.example>'
    assert [a.addr_spec for a in msg["To"].addresses] == ["jo@a.example"] and msg["Bcc"] is None
    assert parse(out / "B0002.eml")["To"] == '"Evil [2J Ltd" <ev@b.example>'


def test_the_journal_survives_a_torn_line(tmp_path):
    from inquiry_cli.domain.mailouts import Sent
    from inquiry_cli.output.journal import Journal

    wb = tmp_path / "wb.xlsx"
    (tmp_path / "inq-backups").mkdir()
    journal = Journal(wb)
    journal.path.write_text('{"template": "greeting", "subj', encoding="utf-8")  # killed mid-line
    sent = Sent("greeting", "Hi", "B0001", "a@b.example", "<1@b.example>", D(2026, 11, 27, 10))
    journal.record(sent)
    journal.close()
    assert journal.pending() == [sent]
    journal.mark_done([sent])
    assert not journal.path.exists()
