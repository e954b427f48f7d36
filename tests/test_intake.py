"""`inq intake`: platform notifications, buyers' mail and chats into the workbook."""

from __future__ import annotations

import datetime as dt
import email
import json
import mailbox
import shutil
import tempfile
from pathlib import Path

import dovecot
import intake_mail as mail
import openpyxl
import pytest
from conftest import sha256

ROOT = Path(__file__).resolve().parent.parent
D = dt.datetime

SAMPLE_LINES = [
    "mail/01-alibaba.eml: inquiry I0115 from B0075 Priya Nair (Lumina Traders Pvt Ltd), new buyer: alibaba, LED-PL-60 x 500",
    "mail/02-alibaba-old-layout.eml: inquiry I0116 from B0012 Matías Soto (Pacífico Sur SpA): alibaba, LED-HB-150 x 200",
    "mail/03-made-in-china.eml: inquiry I0117 from B0076 Nguyen Van Hoa (Saigon Bright Co., Ltd), new buyer: made-in-china, LED-SL-100 x 1,000",
    "mail/04-global-sources.eml: inquiry I0118 from B0006 Julia Müller (Nordlicht Elektro GmbH & Co. KG): global-sources, LED-T8-18 x 3,000",
    "mail/05-hktdc.eml: inquiry I0119 from B0077 Wong Ka Ming (香港明亮貿易有限公司), new buyer: hktdc, LED-FL-200 x 300",
    "mail/06-known-buyer.eml: inquiry I0114 from B0069 Ahmed Al Zaabi (Gulf Star Lighting FZE): email, LED-FL-100 x 200",
    "mail/07-new-buyer.eml: inquiry I0113 from B0074 Carlos Mendoza Ñique (Mendoza Eléctrica S.A.C.), new buyer: email, LED-TP-120 x 120",
    "mail/08-quote-reply.eml: contact from B0061 Ryan Roy (Great Lakes Electrical Supply Inc.): reply to quote QT2026-0069",
    "mail/09-newsletter.eml: skipped: newsletter or bulk mail (List-Unsubscribe)",
    "mail/10-out-of-office.eml: skipped: auto-reply to your mail (Auto-Submitted: auto-replied)",
    "mail/11-alibaba-notice.eml: skipped: Alibaba.com notice, not an inquiry",
    "mail/12-damaged.eml: skipped, damaged: no mail headers",
    "Added a Message-ID column to Inquiries",
    "Added a Message-ID column to Contacts",
]
# What the run changes in rows that were there: said, every cell (all of them on a dry run).
SAMPLE_CHANGES = [
    "Buyers row 7 (B0006 Julia Müller), Last contact: 2026-09-16 -> 2026-11-27 08:30",
    "Buyers row 13 (B0012 Matías Soto), Products: LED-SL-100, LED-SL-150 -> LED-SL-100, LED-SL-150, LED-HB-150",
    "Buyers row 13 (B0012 Matías Soto), Last contact: 2026-11-22 -> 2026-11-27 08:05",
    "Buyers row 62 (B0061 Ryan Roy), Last contact: 2026-11-25 -> 2026-11-27 05:02",
    "Buyers row 70 (B0069 Ahmed Al Zaabi), Products: LED-HB-150 -> LED-HB-150, LED-FL-100",
    "Buyers row 70 (B0069 Ahmed Al Zaabi), Last contact: 2026-11-24 -> 2026-11-27 00:48",
]
SAMPLE_SUMMARY = "Recorded 7 inquiries (4 new buyers) and 1 contact; skipped 4."


def table(path: Path, sheet: str) -> list[dict]:
    ws = openpyxl.load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


@pytest.fixture
def sample(tmp_path) -> Path:
    path = tmp_path / "sample_workbook.xlsx"
    shutil.copy(ROOT / "sample_workbook.xlsx", path)
    return path


def test_a_morning_mailbox_on_the_sample(inq, sample, tmp_path):
    folder = mail.sample_folder(tmp_path / "mail")
    before = sha256(sample)
    dry = inq("-w", sample, "intake", folder, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines() == [
        *SAMPLE_LINES,
        *(f"Would change {c}" for c in SAMPLE_CHANGES),
        SAMPLE_SUMMARY,
        "Dry run: nothing was written.",
    ]
    assert sha256(sample) == before
    result = inq("-w", sample, "intake", folder)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        *SAMPLE_LINES,
        *(f"Changed {c}" for c in SAMPLE_CHANGES),
        SAMPLE_SUMMARY,
    ]
    assert result.stderr == ""
    inquiries = {r["Inquiry ID"]: r for r in table(sample, "Inquiries")}
    # Received is the Date header in Settings' time zone (Asia/Shanghai)
    assert inquiries["I0113"] == {
        "Inquiry ID": "I0113", "Received": D(2026, 11, 27, 0, 20), "Channel": "email",
        "Buyer ID": "B0074", "Email": "carlos.mendoza.lima@gmail.com", "Product": "LED-TP-120",
        "Quantity": 120, "Target price": None,
        "Message": "Hello,\n\nWe are an electrical contractor in Lima. We need 120 pcs of tri-proof lights 1200mm 36W (LED-TP-120) for a parking garage, see the attached spec.\n\nAttachments: spec-parking-garage.pdf",
        "Grade": None, "Replied": None, "Quote No": None, "Status": "Open",
        "Message-ID": "<CAF=9x+Lm2Q@mail.gmail.com>",
    }  # fmt: skip
    # the relay address is never the buyer's; a known buyer's own email is filled in
    assert inquiries["I0115"]["Email"] is None
    assert inquiries["I0115"]["Message"].endswith("with CB certificate.")  # signature cut
    assert inquiries["I0116"]["Email"] == "matiassoto67@gmail.com"
    assert inquiries["I0116"]["Received"] == D(2026, 11, 27, 8, 5)  # -0300 -> +0800
    assert inquiries["I0117"]["Message"].startswith("Hi, we tender for a road project")
    buyers = {r["Buyer ID"]: r for r in table(sample, "Buyers")}
    assert [buyers[b]["Source"] for b in ("B0074", "B0075", "B0076", "B0077")] == [
        "Email", "Alibaba", "Made-in-China", "HKTDC",
    ]  # fmt: skip
    assert buyers["B0074"]["Phone"] == "+51 1 555 0199" and buyers["B0074"]["Country"] == "Peru"
    assert buyers["B0077"]["Email"] is None
    assert buyers["B0077"]["Notes"] == "Email domain brightstar.hk (the platform gives no address)"
    assert buyers["B0069"]["Last contact"] == D(2026, 11, 27, 0, 48, 3)
    assert buyers["B0069"]["Products"] == "LED-HB-150, LED-FL-100"
    contact = table(sample, "Contacts")[-1]
    assert contact == {
        "Date": D(2026, 11, 27, 5, 2, 11), "Buyer ID": "B0061", "Email": "ryan.roy@greatlakes.ca",
        "Channel": "email", "Direction": "in",
        "Summary": "Reply to quote QT2026-0069: Hi Lily, Thanks for the quote. Can you do USD 39.50 for 300 pcs? If yes we place the order next week.",
        "Next step": "Answer their reply",
        "Message-ID": "<YT2PR01MB8822@YT2PR01MB8822.CANPRD01.PROD.OUTLOOK.COM>",
    }  # fmt: skip
    # a second run records nothing and leaves the file as it was
    written = sha256(sample)
    again = inq("-w", sample, "intake", folder)
    assert again.exit_code == 0
    assert again.stdout.splitlines()[-1] == "Nothing new to record; 8 already recorded; skipped 4."
    assert again.stdout.splitlines()[0] == "mail/01-alibaba.eml: already recorded (inquiry I0115)"
    assert sha256(sample) == written
    # due lists the new inquiries as replies owed, the clock from the Date header
    due = json.loads(inq("-w", sample, "due", "--json").stdout)
    owed = {i["inquiry_id"]: i for i in due if i["kind"] == "reply"}
    assert {f"I01{n}" for n in range(13, 20)} <= set(owed)
    assert owed["I0113"]["due"] == "2026-11-28T00:20"
    assert owed["I0119"]["why"] == "reply by 11:15 (2 h), at the latest tomorrow 09:15 (24 h)"


def test_json_per_message(inq, sample, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.eml").write_bytes(mail.hktdc())
    (folder / "b.eml").write_bytes(mail.newsletter())
    result = inq("-w", sample, "intake", folder, "--json", "--dry-run")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["inquiries"], data["new_buyers"], data["contacts"], data["skipped"]) == (
        1,
        1,
        0,
        1,
    )
    first, second = data["messages"]
    assert first["action"] == "inquiry" and first["inquiry_id"] == "I0113"
    assert (first["channel"], first["email"], first["email_domain"]) == (
        "hktdc",
        None,
        "brightstar.hk",
    )
    assert (first["company"], first["country"]) == ("香港明亮貿易有限公司", "Hong Kong")
    assert first["received"] == "2026-11-27T09:15"
    assert (
        second["action"] == "skipped"
        and second["reason"] == "newsletter or bulk mail (List-Unsubscribe)"
    )


# ---------------------------------------------------------------- the same rows from every source


@pytest.fixture(scope="session")
def imap_server():
    root = Path(tempfile.mkdtemp(prefix="inq-dovecot-"))
    server = dovecot.start(root)  # a clear RuntimeError when Dovecot is missing: never a skip
    yield server
    dovecot.stop(server)
    shutil.rmtree(root, ignore_errors=True)


def _imap_config(tmp_path, port: int, **extra) -> None:
    cfg = tmp_path / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "[imap]",
        'host = "127.0.0.1"',
        f"port = {port}",
        f'user = "{dovecot.USER}"',
        *(f"{k} = {json.dumps(v)}" for k, v in extra.items()),
    ]
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")


SOURCES = [
    mail.alibaba_table,
    mail.made_in_china,
    mail.direct_known,
    mail.direct_new,
    mail.newsletter,
]


def _rows(path: Path) -> dict[str, list[dict]]:
    return {s: table(path, s) for s in ("Buyers", "Inquiries", "Contacts")}


def test_eml_mbox_and_imap_give_the_same_rows(inq, build, tmp_path, imap_server, monkeypatch):
    buyers = [dict(buyer_id="B0001", name="Ahmed Al Zaabi", company="Gulf Star Lighting FZE", email="sales@gulfstar.ae", country="United Arab Emirates")]  # fmt: skip
    books = [build(f"{kind}.xlsx", buyers=buyers) for kind in ("eml", "mbox", "imap", "maildir")]
    folder = tmp_path / "eml"
    folder.mkdir()
    box = mailbox.mbox(str(tmp_path / "inbox.mbox"))
    for n, make in enumerate(SOURCES):
        (folder / f"{n}.eml").write_bytes(make())
        box.add(email.message_from_bytes(make()))
    box.flush()
    box.close()
    imap_server.empty()
    imap_server.deliver([make() for make in SOURCES])
    _imap_config(tmp_path, imap_server.port, ssl=False, allow_plaintext_auth=True)
    monkeypatch.setenv("INQ_IMAP_PASSWORD", dovecot.PASSWORD)
    outputs = [
        inq("-w", books[0], "intake", folder),
        inq("-w", books[1], "intake", tmp_path / "inbox.mbox"),
        inq("-w", books[2], "intake", "--imap", "--since", "2026-11-20"),
        inq("-w", books[3], "intake", imap_server.maildir),  # the same mailbox, on disk
    ]
    for out in outputs:
        assert out.exit_code == 0, out.output
        assert (
            out.stdout.splitlines()[-1]
            == "Recorded 4 inquiries (3 new buyers) and 0 contacts; skipped 1."
        )
    assert (
        outputs[1]
        .stdout.splitlines()[0]
        .startswith(f"{tmp_path / 'inbox.mbox'}#1: inquiry I0003 from B0003 Priya Nair")
    )
    assert (
        outputs[2]
        .stdout.splitlines()[0]
        .startswith("imap:INBOX/1: inquiry I0003 from B0003 Priya Nair")
    )
    rows = [_rows(b) for b in books]
    assert rows[0] == rows[1] == rows[2] == rows[3]
    assert [r["Inquiry ID"] for r in rows[0]["Inquiries"]] == ["I0001", "I0002", "I0003", "I0004"]
    # IMAP read the folder without marking anything seen; a second run records nothing
    again = inq("-w", books[2], "intake", "--imap", "--since", "2026-11-20")
    assert again.stdout.splitlines()[-1] == "Nothing new to record; 4 already recorded; skipped 1."
    import imaplib

    conn = imaplib.IMAP4("127.0.0.1", imap_server.port)
    conn.login(dovecot.USER, dovecot.PASSWORD)
    conn.select("INBOX", readonly=True)
    status, flags = conn.fetch("1:*", "(FLAGS)")
    conn.logout()
    assert status == "OK" and len(flags) == 5
    assert not any(b"\\Seen" in f for f in flags)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_imap_over_tls(inq, build, tmp_path, imap_server, monkeypatch, security):
    book = build()
    imap_server.empty()
    imap_server.deliver([mail.hktdc()])
    port = imap_server.port if security == "starttls" else imap_server.ssl_port
    tls = "starttls" if security == "starttls" else True
    _imap_config(tmp_path, port, ssl=tls)
    monkeypatch.setenv("INQ_IMAP_PASSWORD", dovecot.PASSWORD)
    untrusted = inq("-w", book, "intake", "--imap")
    assert untrusted.exit_code == 1
    assert untrusted.stderr.startswith(
        f"Error: cannot connect to the IMAP server 127.0.0.1:{port}: "
    )
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr
    _imap_config(tmp_path, port, ssl=tls, cafile=str(imap_server.cafile))
    result = inq("-w", book, "intake", "--imap", "--since", "2026-11-27")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "imap:INBOX/1: inquiry I0001 from B0001 Wong Ka Ming (香港明亮貿易有限公司), new buyer: hktdc, "
        "LED Floodlight 200W x 300"
    )


def test_imap_refusals_are_one_line(inq, build, tmp_path, imap_server, monkeypatch):
    book = build()
    result = inq("-w", book, "intake", "--imap")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no IMAP mailbox configured: add an [imap] table to the config file "
        "(host, port, user, ssl) and put the password in $INQ_IMAP_PASSWORD\n"
    )
    _imap_config(tmp_path, imap_server.port, ssl=False)
    result = inq("-w", book, "intake", "--imap")
    assert (
        result.stderr == "Error: set the IMAP password in $INQ_IMAP_PASSWORD (it is never stored)\n"
    )
    monkeypatch.setenv("INQ_IMAP_PASSWORD", "wrong")
    result = inq("-w", book, "intake", "--imap")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: refusing to send the IMAP password unencrypted to 127.0.0.1:{imap_server.port}: "
        'use ssl = true or ssl = "starttls" in [imap], or set allow_plaintext_auth = true if you must\n'
    )
    _imap_config(tmp_path, imap_server.port, ssl=False, allow_plaintext_auth=True)
    result = inq("-w", book, "intake", "--imap")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: the IMAP server 127.0.0.1:{imap_server.port} refused the login of {dovecot.USER} ("
    )
    assert result.stderr.endswith("): check $INQ_IMAP_PASSWORD\n")
    assert table(book, "Inquiries") == []


# ---------------------------------------------------------------- threads, chats, rules


def test_a_reply_to_a_mail_out_is_a_contact_and_its_auto_reply_is_skipped(inq, build, tmp_path):
    book = build(
        buyers=[dict(buyer_id="B0001", name="Daan Visser", company="Polder Lighting B.V.", email="procurement@polderlighting.nl", country="Netherlands", grade="B")],
        products=[dict(model="LED-PL-60", name="Panel", moq=100, new=True)],
    )  # fmt: skip
    sent = inq("-w", book, "mail", "new-products", "--all", "--out", tmp_path / "out", "--log")
    assert sent.exit_code == 0, sent.output
    mid = email.message_from_bytes((tmp_path / "out" / "B0001.eml").read_bytes())["Message-ID"]
    assert mid.startswith("<inq.mail.20261127T100000.") and mid.endswith("@example.com>")
    assert table(book, "Contacts")[-1]["Message-ID"] == mid
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ooo.eml").write_bytes(mail.out_of_office(mid))
    reply = mail.single(
        [
            ("From", "Daan Visser <procurement@polderlighting.nl>"),
            ("Subject", "Re: New products from Your Company Co., Ltd."),
            ("Date", "Fri, 27 Nov 2026 02:30:00 +0100"),
            ("Message-ID", "<reply-1@polderlighting.nl>"),
            ("In-Reply-To", mid),
            ("References", mid),
        ],
        "Please send the catalog of the panels.\n\nGroeten,\nDaan\n\n> Dear Daan Visser,\n",
    )
    (folder / "reply.eml").write_bytes(reply)
    result = inq("-w", book, "intake", folder)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "in/ooo.eml: skipped: auto-reply to your mail (Auto-Submitted: auto-replied)",
        "in/reply.eml: contact from B0001 Daan Visser (Polder Lighting B.V.): reply to your mail",
        "Recorded 0 inquiries and 1 contact; skipped 1.",
    ]
    assert (
        table(book, "Contacts")[-1]["Summary"]
        == "Reply to your mail: Please send the catalog of the panels."
    )


CHAT_ANDROID = """27/11/2026, 08:01 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.
26/11/2026, 21:40 - +971 50 357 2380: Hello Lily, did you get my mail about the high bays?
26/11/2026, 21:42 - +971 50 357 2380: We need them before January
27/11/2026, 08:05 - Lily Chen: Good morning Ahmed, yes: the quote comes today.
27/11/2026, 08:06 - Lily Chen: <Media omitted>
"""
CHAT_IOS = """[11/26/26, 9:40:11 PM] Lily Chen: Dear Chris, your fax arrived, quote follows.
[11/27/26, 7:02:45 AM] Chris: thanks!
multi-line answer
"""


def test_whatsapp_exports_become_contacts(inq, build, tmp_path):
    sample = build(
        buyers=[
            dict(buyer_id="B0069", name="Ahmed Al Zaabi", company="Gulf Star Lighting FZE", email="sales@gulfstar.ae", phone="+971 50 357 2380", country="United Arab Emirates"),
            dict(buyer_id="B0071", name="Chris Clark", company="Keystone Lighting Supply LLC", phone="(303) 555-0188", country="United States"),
            dict(buyer_id="B0072", name="Jo Hill", company="Hill Ltd", phone="+44 20 7946 0000", country="United Kingdom"),
        ],
        inquiries=[
            dict(inquiry_id="I0108", received=D(2026, 11, 24, 10, 5), channel="email", buyer_id="B0069", product="LED-HB-150", status="New"),
            dict(inquiry_id="I0110", received=D(2026, 11, 26, 15, 20), channel="fax", buyer_id="B0071", product="LED-PL-1260", status="New"),
        ],
    )  # fmt: skip
    android = tmp_path / "WhatsApp Chat with +971 50 357 2380.txt"
    android.write_text(
        CHAT_ANDROID.replace("27/11/2026, 08:01", "26/11/2026, 21:30"), encoding="utf-8"
    )
    ios = tmp_path / "WhatsApp Chat with Chris +1 303 555 0188.zip"
    import zipfile

    with zipfile.ZipFile(ios, "w") as zf:
        zf.writestr("_chat.txt", "\u200e" + CHAT_IOS)
    odd = tmp_path / "WhatsApp Chat with +44 20 7946 0000.txt"
    odd.write_text("05/06/2026, 10:00 - +44 20 7946 0000: hi\n", encoding="utf-8")
    result = inq("-w", sample, "intake", android, ios, odd)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{android}: 4 WhatsApp messages with B0069 Ahmed Al Zaabi (Gulf Star Lighting FZE) logged (2 in, 2 out)",
        f"{ios}: 2 WhatsApp messages with B0071 Chris Clark (Keystone Lighting Supply LLC) logged (1 in, 1 out)",
        f"{odd}: skipped, damaged: chat export: cannot tell whether its dates are day-first or month-first: give --date-order dmy or --date-order mdy",
        "Changed Buyers row 2 (B0069 Ahmed Al Zaabi), Last contact: (blank) -> 2026-11-27 08:06",
        "Changed Buyers row 3 (B0071 Chris Clark), Last contact: (blank) -> 2026-11-27 07:02",
        "Changed Inquiries row 2 (I0108), Replied: (blank) -> 2026-11-27 08:05",
        "Changed Inquiries row 3 (I0110), Replied: (blank) -> 2026-11-26 21:40",
        "Recorded 0 inquiries and 6 contacts; skipped 1.",
    ]
    contacts = table(sample, "Contacts")[-6:]
    assert [(c["Buyer ID"], c["Channel"], c["Direction"], c["Summary"]) for c in contacts] == [
        ("B0069", "whatsapp", "in", "Hello Lily, did you get my mail about the high bays?"),
        ("B0071", "whatsapp", "out", "Dear Chris, your fax arrived, quote follows."),
        ("B0069", "whatsapp", "in", "We need them before January"),
        ("B0071", "whatsapp", "in", "thanks! multi-line answer"),
        ("B0069", "whatsapp", "out", "Good morning Ahmed, yes: the quote comes today."),
        ("B0069", "whatsapp", "out", "<Media omitted>"),
    ]
    inquiries = {r["Inquiry ID"]: r for r in table(sample, "Inquiries")}
    assert inquiries["I0108"]["Replied"] == D(2026, 11, 27, 8, 5)  # the first answer counts
    assert inquiries["I0110"]["Replied"] == D(2026, 11, 26, 21, 40, 11)
    again = inq("-w", sample, "intake", android, ios, "--dry-run")
    assert again.stdout.splitlines()[-2] == "Nothing new to record; 6 already recorded."
    lookup = inq("-w", sample, "lookup", "B0069")
    assert "WhatsApp https://wa.me/971503572380" in lookup.stdout
    landline = json.loads(inq("-w", sample, "lookup", "B0072", "--json").stdout)
    assert landline["card"]["buyer"]["whatsapp"] is None
    read = inq("-w", sample, "intake", odd, "--date-order", "dmy", "--dry-run")
    assert (
        read.stdout.splitlines()[0]
        == f"{odd}: 1 WhatsApp message with B0072 Jo Hill (Hill Ltd) logged (1 in, 0 out)"
    )


def test_a_hand_made_workbook_links_by_email_and_reports_weak_matches(
    inq, messy_workbook, tmp_path
):
    folder = tmp_path / "in"
    folder.mkdir()
    known = mail.single(
        [("From", "Maria <MARIA@lichthandel.de>"), ("Subject", "Preisanfrage"), ("Date", "Thu, 26 Nov 2026 15:00:00 +0100"), ("Message-ID", "<m1@lichthandel.de>")],
        "Guten Tag,\nbitte Angebot für 400 Stück LED-Panels.\n\nMit freundlichen Grüßen\nMaria\n",
        charset="iso-8859-1",
    )  # fmt: skip
    colleague = mail.single(
        [("From", "Omar Khalid <omar.k@gulflights.ae>"), ("Subject", "Inquiry"), ("Date", "Thu, 26 Nov 2026 16:00:00 +0400"), ("Message-ID", "<o1@gulflights.ae>")],
        "Dear Sir,\nPlease quote 50 pcs floodlights 100W.\n\nBest regards,\nOmar Khalid\nProcurement\n",
    )  # fmt: skip
    (folder / "1.eml").write_bytes(known)
    (folder / "2.eml").write_bytes(colleague)
    result = inq("-w", messy_workbook, "intake", folder)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "in/1.eml: inquiry I0002 from maria@lichthandel.de Maria (Licht Handel GmbH): email x 400",
        "in/2.eml: inquiry I0001 from omar.k@gulflights.ae Omar Khalid, new buyer: email x 50",
        "Added the Inquiries sheet to the workbook",
        "Changed 客户列表 row 7 (maria@lichthandel.de Maria), 最后联系时间: 2026-11-03 -> 2026-11-26 22:00",
        "Recorded 2 inquiries (1 new buyer) and 0 contacts.",
    ]
    assert result.stderr.startswith(
        "Warning: in/2.eml: omar.k@gulflights.ae Omar Khalid is new, but looks like "
    )
    assert "same company domain gulflights.ae" in result.stderr
    rows = table(messy_workbook, "Inquiries")
    assert [(r["Email"], r["Received"], r["Message-ID"]) for r in rows] == [
        ("omar.k@gulflights.ae", D(2026, 11, 26, 20, 0), "<o1@gulflights.ae>"),
        ("maria@lichthandel.de", D(2026, 11, 26, 22, 0), "<m1@lichthandel.de>"),
    ]
    assert rows[1]["Message"] == "Guten Tag,\nbitte Angebot für 400 Stück LED-Panels."


def test_rules_beside_the_workbook_read_a_new_layout(inq, build, tmp_path):
    book = build()
    layout = mail.single(
        [("From", "Alibaba.com <notice@notice.alibaba.com>"), ("Subject", "You have a new message"), ("Date", "Thu, 26 Nov 2026 10:00:00 +0000"), ("Message-ID", "<new-layout@alibaba.com>")],
        "Requester: Tom Baker\nOrganisation: Baker Electric Ltd\nNation: United Kingdom\nRequirement: 60 pcs LED-HB-100\n",
    )  # fmt: skip
    (tmp_path / "new.eml").write_bytes(layout)
    before = inq("-w", book, "intake", tmp_path / "new.eml", "--dry-run")
    assert (
        before.stdout.splitlines()[0]
        == f"{tmp_path / 'new.eml'}: skipped: Alibaba.com notice, not an inquiry"
    )
    rules = tmp_path / "rules"
    rules.mkdir()
    text = (ROOT / "rules" / "alibaba.toml").read_text(encoding="utf-8")
    text = text.replace('name = ["Buyer Name"', 'name = ["Requester", "Buyer Name"')
    text = text.replace('company = ["Company"', 'company = ["Organisation", "Company"')
    text = text.replace('country = ["Country"', 'country = ["Nation", "Country"')
    text = text.replace('message = ["Message"', 'message = ["Requirement", "Message"')
    (rules / "alibaba.toml").write_text(text, encoding="utf-8")
    after = inq("-w", book, "intake", tmp_path / "new.eml", "--dry-run")
    assert after.stdout.splitlines()[0] == (
        f"{tmp_path / 'new.eml'}: inquiry I0001 from B0001 Tom Baker (Baker Electric Ltd), new buyer: alibaba x 60"
    )
    (rules / "alibaba.toml").write_text("channel = [", encoding="utf-8")
    broken = inq("-w", book, "intake", tmp_path / "new.eml")
    assert broken.exit_code == 1
    assert broken.stderr.startswith("Error: rules file alibaba.toml: ")


def test_charsets_and_bad_input(inq, build, tmp_path):
    from inquiry_cli.domain.intake.classify import Own, read_mail
    from inquiry_cli.rulefiles import load

    rules = load(tmp_path / "none.xlsx")
    # labelled gb2312, written with a character only GBK/GB18030 has (镕)
    gbk = mail.single(
        [("From", "=?gb2312?B?" + __import__("base64").b64encode("王镕".encode("gb18030")).decode() + "?= <wang@rongda.cn>"), ("Subject", mail._word("询价", "gb2312")), ("Date", "Thu, 26 Nov 2026 10:00:00 +0800")],
        "您好，我们需要 800 pcs LED-DL-12。\n\n谢谢\n王镕\n",
        charset="gb2312".replace("gb2312", "gb18030"),
    ).replace(b"charset=gb18030", b"charset=gb2312")  # fmt: skip
    it = read_mail(gbk, "gbk.eml", rules, Own())
    assert (it.name, it.email, it.quantity) == ("王镕", "wang@rongda.cn", 800)
    assert it.message == "您好，我们需要 800 pcs LED-DL-12。"
    assert it.message_id.startswith("<no-id.")  # no Message-ID: a stable stand-in
    assert read_mail(gbk, "again.eml", rules, Own()).message_id == it.message_id
    escapes = mail.single(
        [("From", '"Evil \x1b[31mRed" <evil@bad.example>'), ("Subject", "Inquiry \x07now"), ("Date", "Thu, 26 Nov 2026 10:00:00 +0000")],
        "Please quote 10 pcs \x1b]0;title\x07LED-PL-60\n",
        cte="7bit",
    )  # fmt: skip
    it = read_mail(escapes, "x.eml", rules, Own())
    assert (it.name, it.subject, it.message) == (
        "Evil [31mRed",
        "Inquiry now",
        "Please quote 10 pcs ]0;titleLED-PL-60",
    )
    book = build()
    assert inq("-w", book, "intake").stderr == (
        "Error: say what to read: .eml/.mbox files, Maildir folders or chat exports, or --imap\n"
    )
    missing = inq("-w", book, "intake", tmp_path / "nope")
    assert (missing.exit_code, missing.stderr) == (
        2,
        f"Error: no such file or folder: {tmp_path / 'nope'}\n",
    )


LAYOUTS = [
    (mail.alibaba_table, dict(channel="alibaba", name="Priya Nair", company="Lumina Traders Pvt Ltd", email=None, country="India", product="LED Panel Light 600x600 40W", quantity=500), "Hello,\nWe are a lighting distributor in Chennai."),
    (mail.alibaba_text, dict(channel="alibaba", name="Matias Soto", company="Pacifico Sur SpA", email=None, email_domain="gmail.com", country="Chile", product="UFO LED High Bay 150W", quantity=200), "Dear supplier, we need 200 units"),
    (mail.alibaba_relayed, dict(channel="alibaba", name="Matías Soto", email=None, is_reply=True, quantity=300), "Hi Lily,\nthe sample arrived, quality is good."),
    (mail.made_in_china, dict(channel="made-in-china", name="Nguyen Van Hoa", company="Saigon Bright Co., Ltd", email="hoa@saigonbright.vn", phone="+84 28 3822 1234", country="Vietnam", quantity=1000), "Hi, we tender for a road project"),
    (mail.made_in_china_table, dict(channel="made-in-china", name="Mr. Kwame Mensah", company="Accra Solar Solutions Ltd", email="kwame@accrasolar.com.gh", phone="+233 30 276 1234", country="Ghana", product="Solar street light 60W all in one", quantity=50), "We want SOL-SL-60 with 3 nights autonomy.\nPlease send your catalogue."),
    (mail.global_sources, dict(channel="global-sources", name="Julia Müller", company="Nordlicht Elektro GmbH & Co. KG", email="j.muller@nordlichtelektro.de", country="Germany", product="LED-T8-18", quantity=3000), "Please offer T8 tubes"),
    (mail.global_sources_text, dict(channel="global-sources", name="Thandi Nkosi", company="Highveld Retail Lighting (Pty) Ltd", email=None, email_domain="highveldlighting.co.za", country="South Africa", product="LED Linear Batten 1200mm 40W", quantity=2500), "We supply a supermarket chain in Johannesburg.\nNeed 2500 battens, 4000K, 5-year warranty."),
    (mail.hktdc, dict(channel="hktdc", name="Wong Ka Ming", company="香港明亮貿易有限公司", email=None, email_domain="brightstar.hk", country="Hong Kong", product="LED Floodlight 200W", quantity=300), "Need 300 pcs 200W floodlights"),
    (mail.hktdc_text, dict(channel="hktdc", name="Liam O'Connor", company="Southern Cross Electrical Pty Ltd", email=None, email_domain="southerncross.com.au", country="Australia", product="LED Recessed Downlight 12W", quantity=5000), "Please quote 12W downlights with SAA approval."),
    (mail.direct_new, dict(channel="email", name="Carlos Mendoza Ñique", company="Mendoza Eléctrica S.A.C.", email="carlos.mendoza.lima@gmail.com", phone="+51 1 555 0199", country="Peru", quantity=120, attachments=["spec-parking-garage.pdf"]), "Hello,\n\nWe are an electrical contractor in Lima."),
    (mail.direct_known, dict(channel="email", name="Ahmed Al Zaabi", company="Gulf Star Lighting FZE", email="sales@gulfstar.ae", phone="+971 50 357 2380", country="United Arab Emirates", quantity=200), "Dear Lily,\n\nBesides the high bays"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "expected", "message"), LAYOUTS, ids=[m.__name__ for m, _, _ in LAYOUTS]
)
def test_every_layout_reads_the_same_fields(make, expected, message):
    from inquiry_cli.domain.intake.classify import Own, read_mail
    from inquiry_cli.rulefiles import load

    rules = load(ROOT / "none.xlsx")
    it = read_mail(make(), "x.eml", rules, Own(frozenset({"lily.chen@example-brightway.com"})))
    assert it.kind in ("inquiry", "email"), it.reason
    assert {k: getattr(it, k) for k in expected} == expected
    assert it.message.startswith(message)
    assert "Reply" not in it.message and "regards" not in it.message.lower()
