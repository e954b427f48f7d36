"""Realistic mail for the intake tests, as platforms and mail clients send it.

Invented layouts in the manner of each platform (HTML label tables with a plain-text twin,
"Buyer Information" blocks, masked or domain-only addresses), and buyers' own mail from
Outlook, Gmail and phones: multipart/alternative, quoted-printable and base64, GBK and
Big5, RFC 2047 names, attachments, quoted history and signatures. None of it is any
platform's real template text. Dates are before the suite's pinned now (2026-11-27 10:00
in Shanghai, 02:00 UTC).
"""

from __future__ import annotations

import base64
import quopri
from email.header import Header
from pathlib import Path

CRLF = "\r\n"


def _headers(pairs: list[tuple[str, str]]) -> str:
    return "".join(f"{k}: {v}{CRLF}" for k, v in pairs)


def _qp(text: str, charset: str = "utf-8") -> str:
    return quopri.encodestring(text.encode(charset)).decode("ascii").replace("\n", CRLF)


def _b64(data: bytes) -> str:
    raw = base64.encodebytes(data).decode("ascii")
    return raw.replace("\n", CRLF)


def _word(text: str, charset: str) -> str:
    return Header(text, charset).encode()


def alternative(
    head: list[tuple[str, str]], plain: str, html: str, charset="utf-8", cte="quoted-printable"
) -> bytes:
    boundary = "----=_Part_8841_1590331.1764200000000"
    body = []
    for ctype, text in (("text/plain", plain), ("text/html", html)):
        encoded = _qp(text, charset) if cte == "quoted-printable" else _b64(text.encode(charset))
        body.append(
            f"--{boundary}{CRLF}Content-Type: {ctype}; charset={charset}{CRLF}"
            f"Content-Transfer-Encoding: {cte}{CRLF}{CRLF}{encoded}{CRLF}"
        )
    return (
        _headers(
            [
                *head,
                ("MIME-Version", "1.0"),
                ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
            ]
        )
        + CRLF
        + "".join(body)
        + f"--{boundary}--{CRLF}"
    ).encode("ascii")


def single(
    head: list[tuple[str, str]],
    text: str,
    ctype="text/plain",
    charset="utf-8",
    cte="quoted-printable",
) -> bytes:
    if cte == "quoted-printable":
        encoded = _qp(text, charset)
    elif cte == "base64":
        encoded = _b64(text.encode(charset))
    else:
        encoded = text.replace("\n", CRLF)
    return (
        _headers(
            [
                *head,
                ("MIME-Version", "1.0"),
                ("Content-Type", f"{ctype}; charset={charset}"),
                ("Content-Transfer-Encoding", cte),
            ]
        )
        + CRLF
        + encoded
        + CRLF
    ).encode("ascii" if cte != "8bit" else charset)


def with_attachment(head: list[tuple[str, str]], text: str, filename: str, data: bytes) -> bytes:
    boundary = "_004_DB9PR01MB7xyz_"
    return (
        _headers(
            [
                *head,
                ("MIME-Version", "1.0"),
                ("Content-Type", f'multipart/mixed; boundary="{boundary}"'),
            ]
        )
        + CRLF
        + f"--{boundary}{CRLF}Content-Type: text/plain; charset=utf-8{CRLF}Content-Transfer-Encoding: quoted-printable{CRLF}{CRLF}"
        + _qp(text)
        + CRLF
        + f'--{boundary}{CRLF}Content-Type: application/pdf; name="{filename}"{CRLF}'
        + f'Content-Disposition: attachment; filename="{filename}"{CRLF}Content-Transfer-Encoding: base64{CRLF}{CRLF}'
        + _b64(data)
        + f"--{boundary}--{CRLF}"
    ).encode("ascii")


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f'<tr><td style="color:#999;width:140px">{k}</td><td style="color:#333"><b>{v}</b></td></tr>'
        for k, v in rows
    )
    return f'<table cellpadding="4" style="font-family:Arial">{cells}</table>'


# ---------------------------------------------------------------- the platforms


def alibaba_table() -> bytes:
    """A label table in HTML with its plain-text twin; the buyer's address relayed."""
    msg = (
        "Hello,\nWe are a lighting distributor in Chennai. Please quote 500 pcs of your "
        "600x600 40W panel, 4000K, with CB certificate.\nBest regards,\nPriya"
    )
    rows = [
        ("Buyer Name", "Priya Nair"),
        ("Company Name", "Lumina Traders Pvt Ltd"),
        ("Country/Region", "India"),
        ("Product Name", "LED Panel Light 600x600 40W"),
        ("Purchase Quantity", "500 Piece/Pieces"),
    ]
    html = (
        "<html><head><style>td{font-size:13px}</style></head><body>"
        "<div style='background:#ff6a00;color:#fff'>New Inquiry</div>"
        f"{_table(rows)}<p><b>Message:</b></p><p>{msg.replace(chr(10), '<br>')}</p>"
        "<p><a href='https://message.alibaba.com/x'>Reply now</a></p>"
        "<p style='color:#999'>This email was sent to you as a member of the platform.</p></body></html>"
    )
    plain = (
        "New Inquiry\n\n"
        + "\n".join(f"{k}: {v}" for k, v in rows)
        + f"\n\nMessage:\n{msg}\n\nReply now: https://message.alibaba.com/x\n"
    )
    head = [
        ("From", '"Alibaba.com" <inquiry@notice.alibaba.com>'),
        ("Reply-To", "buyer-4f2a91@reply.alibaba.com"),
        ("To", "lily.chen@example-brightway.com"),
        ("Subject", "New inquiry from Priya Nair: LED Panel Light 600x600 40W"),
        ("Date", "Thu, 26 Nov 2026 18:40:12 +0000"),
        ("Message-ID", "<20261126184012.71a3@notice.alibaba.com>"),
        ("List-Unsubscribe", "<https://notice.alibaba.com/unsub?x=1>"),
    ]
    return alternative(head, plain, html)


def alibaba_text() -> bytes:
    """An older plain-text layout, base64: the message first, 'Buyer Information' below."""
    text = (
        "You have received a new inquiry.\n\n"
        "Inquiry Product: UFO LED High Bay 150W\n"
        "Quantity: 200 Pieces\n\n"
        "Message Content:\n"
        "Dear supplier, we need 200 units of the 150W UFO high bay for a warehouse in "
        "Santiago. Please send price FOB Ningbo and delivery time.\n"
        "Thanks, Matías\n\n"
        "Buyer Information:\n"
        "Sender: Matias Soto\n"
        "Company: Pacifico Sur SpA\n"
        "Country: Chile\n"
        "Email: m***@gmail.com\n\n"
        "Reply to this inquiry in your Message Center.\n"
    )
    head = [
        ("From", "Alibaba.com <service@service.alibaba.com>"),
        ("To", "lily.chen@example-brightway.com"),
        ("Subject", "Inquiry about UFO LED High Bay 150W"),
        ("Date", "Thu, 26 Nov 2026 21:05:00 -0300"),
        ("Message-ID", "<inq-77120@service.alibaba.com>"),
    ]
    return single(head, text, cte="base64")


def alibaba_notice() -> bytes:
    text = "3 buyers viewed your products this week.\nSee who: https://data.alibaba.com/visitors\n"
    head = [
        ("From", "Alibaba.com <notice@notice.alibaba.com>"),
        ("To", "lily.chen@example-brightway.com"),
        ("Subject", "3 buyers viewed your products this week"),
        ("Date", "Thu, 26 Nov 2026 08:00:00 +0000"),
        ("Message-ID", "<weekly-2026-48@notice.alibaba.com>"),
        ("List-Unsubscribe", "<https://notice.alibaba.com/unsub?x=2>"),
    ]
    return single(head, text, cte="7bit")


def made_in_china() -> bytes:
    """GB2312-labelled HTML with <b>Label:</b> lines and a Chinese subject (RFC 2047)."""
    html = (
        "<html><body><p>尊敬的会员，您收到一条新询盘</p>"
        "<p><b>Product:</b> LED Street Light 100W</p>"
        "<p><b>Purchase Quantity:</b> 1,000 Pieces</p>"
        "<p><b>Content:</b><br>Hi, we tender for a road project in Ho Chi Minh City and need "
        "1000 sets of 100W street lights with 5-year warranty. Please send your best offer.</p>"
        "<p><b>Buyer's Information:</b></p>"
        "<p>Name: Nguyen Van Hoa<br>Company: Saigon Bright Co., Ltd<br>Country/Region: Vietnam"
        "<br>Email: hoa@saigonbright.vn<br>Tel: +84 28 3822 1234</p>"
        "<p>Reply now: https://membercenter.made-in-china.com/</p></body></html>"
    )
    head = [
        ("From", f"{_word('中国制造网', 'gb2312')} <inquiry@made-in-china.com>"),
        ("To", "lily.chen@example-brightway.com"),
        ("Subject", _word("新询盘: LED Street Light 100W", "gb2312")),
        ("Date", "Fri, 27 Nov 2026 08:12:40 +0800"),
        ("Message-ID", "<MIC.20261127081240.5531@made-in-china.com>"),
    ]
    return single(head, html, ctype="text/html", charset="gb2312", cte="base64")


def global_sources() -> bytes:
    """Definition lists in HTML; the buyer's own address shown."""
    html = (
        "<html><body><h3>Buyer Enquiry</h3><dl>"
        "<dt>Buyer Name</dt><dd>Julia M&uuml;ller</dd>"
        "<dt>Company</dt><dd>Nordlicht Elektro GmbH &amp; Co. KG</dd>"
        "<dt>Country/Territory</dt><dd>Germany</dd>"
        "<dt>Email</dt><dd>j.muller@nordlichtelektro.de</dd>"
        "<dt>Model Number</dt><dd>LED-T8-18</dd>"
        "<dt>Estimated Quantity</dt><dd>3000 pcs</dd>"
        "<dt>Enquiry Details</dt><dd>Please offer T8 tubes 1200mm 18W, 4000K, CE and RoHS, "
        "packed 25 pcs per carton.</dd></dl>"
        "<p>View the enquiry on Global Sources.</p></body></html>"
    )
    plain = "Buyer Enquiry\n(view this message in HTML)\n"
    head = [
        ("From", "Global Sources <enquiries@globalsources.com>"),
        ("To", "lily.chen@example-brightway.com"),
        ("Subject", "Buyer Enquiry: LED-T8-18"),
        ("Date", "Fri, 27 Nov 2026 01:30:00 +0100"),
        ("Message-ID", "<gs.enq.99812@globalsources.com>"),
    ]
    return alternative(head, plain, html)


def hktdc() -> bytes:
    """Big5 HTML table, only the buyer's email domain; a Big5 encoded sender name."""
    rows = [
        ("Buyer Name", "Wong Ka Ming"),
        ("Company Name", "香港明亮貿易有限公司"),
        ("Country/Region", "Hong Kong"),
        ("Email Domain", "brightstar.hk"),
        ("Product Enquired", "LED Floodlight 200W"),
        ("Order Quantity", "300"),
        (
            "Enquiry",
            "Need 300 pcs 200W floodlights for a stadium, IP66, please quote CIF Hong Kong.",
        ),
    ]
    html = f"<html><body><p>You have a new enquiry.</p>{_table(rows)}</body></html>"
    head = [
        ("From", f"{_word('香港貿發局', 'big5')} <sourcing@hktdc.org>"),
        ("To", "lily.chen@example-brightway.com"),
        ("Subject", "New Enquiry: LED Floodlight 200W"),
        ("Date", "Fri, 27 Nov 2026 09:15:00 +0800"),
        ("Message-ID", "<hk.2026112709150042@hktdc.org>"),
    ]
    return single(head, html, ctype="text/html", charset="big5", cte="quoted-printable")


def made_in_china_table() -> bytes:
    """The older layout: an 'Inquiry Details' table, the buyer's particulars in another."""
    details = [
        ("Subject", "Solar street light 60W all in one"),
        ("Quantity", "50 Sets"),
        (
            "Detailed Requirements",
            "We want SOL-SL-60 with 3 nights autonomy.<br>Please send your catalogue.",
        ),
    ]
    buyer = [
        ("Contact Person", "Mr. Kwame Mensah"),
        ("Company Name", "Accra Solar Solutions Ltd"),
        ("Country", "Ghana"),
        ("Tel", "+233 30 276 1234"),
        ("E-mail", "kwame@accrasolar.com.gh"),
    ]
    html = (
        f"<html><body><p>Inquiry Details:</p>{_table(details)}<p>Buyer's Information:</p>"
        f"{_table(buyer)}<p>Reply to this inquiry on Made-in-China.com</p></body></html>"
    )
    head = [
        ("From", "Made-in-China.com <service@notice.made-in-china.com>"),
        ("To", "lily.chen@example-brightway.com"),
        ("Subject", "Inquiry: Solar street light 60W all in one"),
        ("Date", "Wed, 25 Nov 2026 14:02:00 +0000"),
        ("Message-ID", "<mic-old-1182@notice.made-in-china.com>"),
    ]
    return alternative(head, "Please view this inquiry in HTML.", html)


def global_sources_text() -> bytes:
    """A plain-text layout: a multi-line enquiry, a masked address."""
    text = (
        "Dear Supplier,\n\nYou have received an enquiry from a verified buyer.\n\n"
        "Product Name: LED Linear Batten 1200mm 40W\n"
        "Order Quantity: 2,500 pcs\n"
        "Enquiry:\nWe supply a supermarket chain in Johannesburg.\n"
        "Need 2500 battens, 4000K, 5-year warranty.\n\n"
        "Name: Thandi Nkosi\nCompany: Highveld Retail Lighting (Pty) Ltd\n"
        "Country: South Africa\nEmail: t****@highveldlighting.co.za\n\n"
        "Reply now at globalsources.com\n"
    )
    head = [
        ("From", "Global Sources <noreply@mail.globalsources.com>"),
        ("To", "lily.chen@example-brightway.com"),
        ("Subject", "Enquiry from Thandi Nkosi"),
        ("Date", "Wed, 25 Nov 2026 09:30:00 +0200"),
        ("Message-ID", "<gs-text-4471@mail.globalsources.com>"),
    ]
    return single(head, text)


def hktdc_text() -> bytes:
    """Text only, the domain written with an @."""
    text = (
        "Buyer Name: Liam O'Connor\nCompany Name: Southern Cross Electrical Pty Ltd\n"
        "Country/Region: Australia\nEmail Domain: @southerncross.com.au\n"
        "Products Enquired: LED Recessed Downlight 12W\nQuantity: 5000\n"
        "Enquiry:\nPlease quote 12W downlights with SAA approval.\n"
        "Reply now: https://sourcing.hktdc.com/\n"
    )
    head = [
        ("From", "HKTDC Sourcing <no-reply@sourcing.hktdc.com>"),
        ("To", "lily.chen@example-brightway.com"),
        ("Subject", "Enquiry for LED Recessed Downlight 12W"),
        ("Date", "Tue, 24 Nov 2026 23:00:00 +1100"),
        ("Message-ID", "<hktdc-txt-77@sourcing.hktdc.com>"),
    ]
    return single(head, text, cte="7bit")


def alibaba_relayed() -> bytes:
    """A buyer answering through the platform's relay address: their words, no labels."""
    text = (
        "Hi Lily,\nthe sample arrived, quality is good. We will order 300 pcs next month.\n\n"
        "Regards,\nMatías\n"
    )
    head = [
        ("From", f"{_word('Matías Soto via Alibaba.com', 'utf-8')} <buyer-77f1@reply.alibaba.com>"),
        ("To", "lily.chen@example-brightway.com"),
        ("Subject", "Re: LED high bay samples"),
        ("Date", "Thu, 26 Nov 2026 22:15:00 -0300"),
        ("Message-ID", "<relay-5510@reply.alibaba.com>"),
    ]
    return single(head, text)


# ---------------------------------------------------------------- buyers' own mail


def direct_known() -> bytes:
    """Outlook, quoted-printable, a known buyer writing again (no thread)."""
    text = (
        "Dear Lily,\n\nBesides the high bays, we now need 200 pcs LED-FL-100 floodlights "
        "for a parking project in Jebel Ali. Please quote FOB Ningbo.\n\n"
        "Best regards,\nAhmed Al Zaabi\nPurchasing Manager\nGulf Star Lighting FZE\n"
        "Mob: +971 50 357 2380\n\nThis email and any attachments are confidential.\n"
    )
    head = [
        ("From", "Ahmed Al Zaabi <sales@gulfstar.ae>"),
        ("To", "Lily Chen <lily.chen@example-brightway.com>"),
        ("Subject", "Floodlights for Jebel Ali"),
        ("Date", "Thu, 26 Nov 2026 20:48:03 +0400"),
        ("Message-ID", "<DB9PR01MB7724A1@DB9PR01MB7724.eurprd01.prod.outlook.com>"),
        ("X-Mailer", "Microsoft Outlook 16.0"),
    ]
    return single(head, text)


def direct_new() -> bytes:
    """Gmail from a new buyer, with a spec sheet attached and an RFC 2047 name."""
    text = (
        "Hello,\n\nWe are an electrical contractor in Lima. We need 120 pcs of tri-proof "
        "lights 1200mm 36W (LED-TP-120) for a parking garage, see the attached spec.\n\n"
        "Saludos,\nCarlos Mendoza\nMendoza Eléctrica S.A.C.\nTel: +51 1 555 0199\n\n"
        "Sent from my iPhone\n"
    )
    head = [
        ("From", f"{_word('Carlos Mendoza Ñique', 'utf-8')} <carlos.mendoza.lima@gmail.com>"),
        ("To", "lily.chen@example-brightway.com"),
        ("Subject", "Quotation request tri-proof lights"),
        ("Date", "Thu, 26 Nov 2026 11:20:00 -0500"),
        ("Message-ID", "<CAF=9x+Lm2Q@mail.gmail.com>"),
    ]
    return with_attachment(head, text, "spec-parking-garage.pdf", b"%PDF-1.4 spec")


def quote_reply() -> bytes:
    """A reply to a quote: its number in the subject, the quote quoted below."""
    text = (
        "Hi Lily,\n\nThanks for the quote. Can you do USD 39.50 for 300 pcs? If yes we "
        "place the order next week.\n\nRegards,\nRyan\n\n"
        "On Wed, 25 Nov 2026 at 09:10, Lily Chen <lily.chen@example-brightway.com> wrote:\n"
        "> Dear Ryan,\n> Please find our quote QT2026-0069 for LED-HB-150.\n"
    )
    head = [
        ("From", "Ryan Roy <ryan.roy@greatlakes.ca>"),
        ("To", "lily.chen@example-brightway.com"),
        ("Subject", "RE: Quotation QT2026-0069 - LED-HB-150"),
        ("Date", "Thu, 26 Nov 2026 16:02:11 -0500"),
        ("Message-ID", "<YT2PR01MB8822@YT2PR01MB8822.CANPRD01.PROD.OUTLOOK.COM>"),
        ("In-Reply-To", "<CAB1lily.quote@mail.example-brightway.com>"),
    ]
    return single(head, text)


def newsletter() -> bytes:
    html = "<html><body><h1>LED Market Weekly</h1><p>Prices of chips fall again.</p></body></html>"
    head = [
        ("From", "LED Market Weekly <news@ledmarket-news.example>"),
        ("To", "lily.chen@example-brightway.com"),
        ("Subject", "LED Market Weekly #48"),
        ("Date", "Thu, 26 Nov 2026 07:00:00 +0000"),
        ("Message-ID", "<nl48@ledmarket-news.example>"),
        ("List-Unsubscribe", "<mailto:unsubscribe@ledmarket-news.example>"),
        ("Precedence", "bulk"),
    ]
    return single(head, html, ctype="text/html")


def out_of_office(
    in_reply_to: str = "<inq.mail.20261120T100000.a1b2c3d4e5f6@example-brightway.com>",
) -> bytes:
    text = "I am out of the office until 1 December with limited access to e-mail.\n"
    head = [
        ("From", "Daan Visser <procurement@polderlighting.nl>"),
        ("To", "lily.chen@example-brightway.com"),
        ("Subject", "Automatic reply: New products from Ningbo Brightway Lighting Co., Ltd."),
        ("Date", "Fri, 20 Nov 2026 03:00:05 +0100"),
        ("Message-ID", "<ooo-5521@polderlighting.nl>"),
        ("In-Reply-To", in_reply_to),
        ("Auto-Submitted", "auto-replied"),
    ]
    return single(head, text, cte="7bit")


def damaged() -> bytes:
    return b"\x00\x01PK this is not a mail at all\x00\n"


def sample_folder(folder: Path) -> Path:
    """The mixed morning mailbox of the Done-when test, one .eml per message."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in SAMPLE_MESSAGES.items():
        (folder / name).write_bytes(data())
    return folder


SAMPLE_MESSAGES = {
    "01-alibaba.eml": alibaba_table,
    "02-alibaba-old-layout.eml": alibaba_text,
    "03-made-in-china.eml": made_in_china,
    "04-global-sources.eml": global_sources,
    "05-hktdc.eml": hktdc,
    "06-known-buyer.eml": direct_known,
    "07-new-buyer.eml": direct_new,
    "08-quote-reply.eml": quote_reply,
    "09-newsletter.eml": newsletter,
    "10-out-of-office.eml": out_of_office,
    "11-alibaba-notice.eml": alibaba_notice,
    "12-damaged.eml": damaged,
}
