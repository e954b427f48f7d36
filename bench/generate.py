"""Generate large contract workbooks for benchmarks: bench/out/bench-<size>.xlsx."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from inquiry_cli.contract import schema  # noqa: E402

OUT_DIR = HERE / "out"
SIZES = {  # size -> (buyers, contacts)
    "1k": (1_000, 10_000),
    "10k": (10_000, 100_000),
    "50k": (50_000, 500_000),
}
SEED = 20261127
AUTHOR = "bench/generate.py"
ANCHOR = dt.date(2026, 11, 27)  # the bench's "today"; run.py pins INQ_NOW to it
PRODUCT_COUNT = 50
# A buyer every benchmark can look up: it sits in the middle of the Buyers sheet.
KNOWN_EMAIL = "anna.schmidt@lichtwerk-leuchten.de"
KNOWN_NAME = "Anna Schmidt"

_EPOCH = dt.date(1899, 12, 30)
REGION_KEYS = ("region", "countries", "price_factor", "services", "service_cost", "note")
DATE_FMT = "yyyy-mm-dd"
DATETIME_FMT = "yyyy-mm-dd hh:mm"

FIRST = (
    "Ahmed Mohammed Khalid Omar Rashid Faisal Abdullah Fahad Ali Hamad Kelvin Jason Siti Ahmad "
    "Farid Somchai Budi Agus Jose Maria Mark Michael Jennifer David Sarah Robert Brian Amanda "
    "Thomas Andreas Stefan Julia James Oliver Sophie Pierre Camille Marco Luca Javier Laura "
    "Jeroen Piotr Luis Alejandro Fernanda Joao Rafael Felipe Andres Chinedu Emeka Ngozi Sipho "
    "Thabo Grace Kwame Matt"
).split()
LAST = (
    "Al-Mansoori Haddad Khan Nair Al-Qahtani Al-Otaibi Tan Lim Wong Rahman Srisuk Nguyen "
    "Santoso Wijaya Santos Reyes Johnson Miller Davis Anderson Thompson Martinez Muller Schmidt "
    "Fischer Weber Smith Taylor Brown Martin Dubois Rossi Ferrari Garcia Lopez Jansen Visser "
    "Nowak Kowalski Hernandez Gonzalez Silva Oliveira Munoz Rojas Rodriguez Okafor Adeyemi "
    "Nkosi Botha Mwangi Mensah Jones Kelly"
).split()
STEMS = (
    "Al Noor|Gulf Star|Desert Light|Falcon|Najd|Red Sea|Pearl Coast|Lumen Asia|Marina|Cahaya|"
    "Siam Light|Sao Mai|Sinar Terang|Manila Bay|Lakeshore|Summit|Keystone|Blue Ridge|Lone Star|"
    "Great Lakes|Lichtwerk|Nordlicht|Hansa|Thames|Albion|Horizon|Luce Nord|Iberluz|Polder|"
    "Mazovia|Azteca|Sierra Madre|Luz do Sol|Andes|Caribe|Inca Luz|Eko Power|Highveld|Jua|"
    "Gold Coast|Southern Cross|Bright Way|Sunrise|Evergreen|Pacific|Atlas|Orion|Delta|Zenith"
).split("|")
SUFFIXES = (
    "Electrical Trading LLC|General Trading LLC|Lighting FZE|Trading Est.|W.L.L.|Pte Ltd|"
    "Sdn Bhd|Co., Ltd.|Lighting Supply LLC|Electric Inc.|Leuchten GmbH|Lighting Ltd|SAS|S.r.l.|"
    "S.L.|B.V.|Sp. z o.o.|S.A. de C.V.|Ltda.|SpA|S.A.S.|Nigeria Ltd|(Pty) Ltd|Enterprises Ltd|"
    "Pty Ltd|Distributors Inc."
).split("|")
PLACES = (  # country, city, region, tld, phone prefix
    ("United Arab Emirates", "Dubai", "mideast", "ae", "+971 5"),
    ("Saudi Arabia", "Riyadh", "mideast", "com.sa", "+966 5"),
    ("Qatar", "Doha", "mideast", "com.qa", "+974 5"),
    ("Singapore", "Singapore", "sea", "com.sg", "+65 9"),
    ("Malaysia", "Kuala Lumpur", "sea", "com.my", "+60 1"),
    ("Thailand", "Bangkok", "sea", "co.th", "+66 8"),
    ("Vietnam", "Ho Chi Minh City", "sea", "com.vn", "+84 9"),
    ("Indonesia", "Jakarta", "sea", "co.id", "+62 8"),
    ("United States", "Chicago", "us", "com", "+1 312"),
    ("United States", "Houston", "us", "com", "+1 713"),
    ("Canada", "Toronto", "us", "ca", "+1 416"),
    ("Germany", "Hamburg", "eu", "de", "+49 15"),
    ("United Kingdom", "London", "eu", "co.uk", "+44 7"),
    ("France", "Lyon", "eu", "fr", "+33 6"),
    ("Italy", "Milan", "eu", "it", "+39 3"),
    ("Spain", "Madrid", "eu", "es", "+34 6"),
    ("Netherlands", "Rotterdam", "eu", "nl", "+31 6"),
    ("Mexico", "Monterrey", "latam", "com.mx", "+52 81"),
    ("Brazil", "Sao Paulo", "latam", "com.br", "+55 11"),
    ("Chile", "Santiago", "latam", "cl", "+56 9"),
    ("Nigeria", "Lagos", "africa", "com.ng", "+234 80"),
    ("South Africa", "Johannesburg", "africa", "co.za", "+27 8"),
    ("Kenya", "Nairobi", "africa", "co.ke", "+254 7"),
    ("Australia", "Sydney", "other", "com.au", "+61 4"),
)
SOURCES = ("Alibaba",) * 5 + ("Trade show", "Trade show", "Old customer", "Website", "Referral")
NATURES = ("Importer", "Wholesaler", "Retailer", "Distributor", "Contractor", "Brand owner")
STRENGTHS = ("Large", "Medium", "Medium", "Small")
GRADES = ("A", "B", "B", "C", "C", "D", "D", "")
STATUSES = ("New", "Replied", "Quoted", "Quoted", "Sample sent", "Negotiating", "Ordered", "Lost")
CHANNELS_IN = ("alibaba",) * 5 + ("email", "email", "email", "tel", "fax", "website", "post")
CHANNELS_C = ("email",) * 6 + ("alibaba", "alibaba", "tel", "fax", "post", "meeting")
FREE = ("gmail.com", "hotmail.com", "yahoo.com", "outlook.com")
SERIES = (  # prefix, name, unit, base price per watt-ish, powers
    ("LED-PL", "LED Panel Light", "pcs", 0.26, (18, 24, 36, 40, 48, 60)),
    ("LED-HB", "UFO LED High Bay", "pcs", 0.31, (100, 150, 200, 240)),
    ("LED-FL", "LED Floodlight", "pcs", 0.16, (30, 50, 100, 150, 200, 300)),
    ("LED-SL", "LED Street Light", "pcs", 0.44, (60, 80, 100, 120, 150, 200)),
    ("LED-T8", "LED T8 Tube", "pcs", 0.08, (9, 14, 18, 22)),
    ("LED-DL", "LED Downlight", "pcs", 0.24, (6, 9, 12, 15, 18, 24)),
    ("LED-TP", "LED Tri-proof Light", "pcs", 0.21, (18, 36, 45, 60)),
    ("LED-LB", "LED Linear Batten", "pcs", 0.14, (20, 40, 60)),
    ("SOL-SL", "All-in-one Solar Street Light", "sets", 0.65, (30, 40, 60, 80, 100)),
    ("SOL-FL", "Solar Floodlight", "sets", 0.18, (60, 100, 200, 300)),
)
SUMMARIES = (
    "Inquiry for {m}, {q} pcs, asked FOB Ningbo price and lead time",
    "Quoted {m}: USD {p}/pc for {q} pcs, FOB; sent e-catalog and company profile",
    "Followed up on the quote for {m}: asked if price and lead time work for them",
    "Called to check the project status; decision expected in two to three weeks",
    "Asked for IES files, LM-80 report and CE/RoHS certificates for {m}",
    "Asked about packing: pcs per carton and 40HQ container loading for {m}",
    "Says our price is 8% higher than a supplier in Vietnam; asks best price for {q} pcs",
    "Sent revised quote for {m}: USD {p}/pc, explained driver and LED chip brands",
    "Sent {m} sample by DHL, freight collect; tracking number sent by email",
    "Sample feedback: light output and finish good, driver runs a bit hot after burn-in",
    "Sent new product news and invited them to our booth 11.2 C23 at the Canton Fair",
    "Confirmed order: {q} pcs {m}; asked for proforma invoice",
    "Deposit received; production scheduled, 25 days",
    "Shipped {q} pcs {m} from Ningbo; sent B/L copy and packing list",
    "Sent season's greetings and the new catalog",
)
NEXT_STEPS = (
    "Reply and quote today",
    "Wait for feedback on price",
    "Call again next week",
    "Send documents",
    "Send packing list",
    "Discuss discount with production",
    "Check delivery, then ask for test results",
    "Send PI",
    "Send production photos",
    "Check arrival and feedback",
    "",
)
MESSAGES = (
    "We are an importer of lighting products. We need {q} pcs {n} ({m}), 4000K. Please quote "
    "your best FOB Ningbo price and lead time; we need the goods before March. "
    "Our target price is USD {t}.",
    "Hello, I am interested in your products. Please send me your catalog and price list. Thanks.",
    "Hi, we need {n} ({m}), about {q} pcs for the first order. Can you send a sample first? "
    "How much is the sample and who pays the freight? We have a DHL account.",
    "We are bidding a municipal tender for about {q} pcs {m}, closing next month. Please send "
    "datasheet, IES files, LM-80 report and your best CIF price. Payment by L/C at sight.",
    "We are preparing a warehouse project for next year, roughly {q} pcs of {m}. Not urgent: "
    "please send datasheet, certificates and an indicative price.",
    "Please quote {q} pcs {m}, FOB Ningbo. What are your payment terms? We prefer 30% deposit "
    "and 70% against B/L copy.",
    "Can you do OEM with our logo on the housing and our own color box? We need {q} pcs {m} "
    "per month if the price is right. Target USD {t}.",
)


def serial(day: dt.date) -> int:
    return (day - _EPOCH).days


def products(rng: random.Random) -> list[dict]:
    out = []
    while len(out) < PRODUCT_COUNT:
        for prefix, name, unit, per_w, powers in SERIES:
            for w in powers:
                if len(out) >= PRODUCT_COUNT or rng.random() < 0.15:
                    continue
                model = f"{prefix}-{w}" + ("" if len(out) < 40 else f"-{len(out)}")
                if any(p["model"] == model for p in out):
                    continue
                price = round(max(1.2, w * per_w * rng.uniform(0.9, 1.1)), 2)
                moq = 1000 if w < 20 else (100 if price < 20 else 50)
                tiers = "; ".join(
                    f"{q}+: {price * f:.2f}" for q, f in ((moq * 5, 0.95), (moq * 10, 0.9))
                )
                out.append(
                    {
                        "model": model,
                        "name": f"{name} {w}W",
                        "spec": f"{w}W, die-cast aluminium housing, isolated driver, {unit}",
                        "moq": moq,
                        "unit": unit,
                        "price": price,
                        "price_tiers": f"{moq}+: {price:.2f}; {tiers}",
                        "keywords": f"{name.lower()}, {w}w led, commercial lighting",
                        "certifications": rng.choice(("CE, RoHS", "CE, RoHS, SAA", "UL, DLC")),
                        "tech_params": f"{w}W; {w * 130:,} lm; 130 lm/W; 4000/5000K; CRI>80; "
                        f"IP65; 50,000 h; 3-year warranty",
                        "catalog_link": "https://www.example-brightway.com/catalog/"
                        f"{prefix.lower()}.pdf",
                        "photo": f"{model}.jpg",
                        "new": "Y" if rng.random() < 0.1 else None,
                        "hot": "Y" if rng.random() < 0.15 else None,
                    }
                )
    return out


class XlsxwriterBook:
    """xlsxwriter in constant_memory mode: strings are written inline, ~17 µs a cell."""

    def __init__(self, path: Path, title: str, created: dt.datetime):
        import xlsxwriter

        self.wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        self.wb.set_properties({"title": title, "author": AUTHOR, "created": created})
        self.fmts = {
            "head": self.wb.add_format({"bold": True, "bg_color": "#DDEBF7"}),
            "date": self.wb.add_format({"num_format": DATE_FMT}),
            "datetime": self.wb.add_format({"num_format": DATETIME_FMT}),
        }

    def sheet(self, spec: schema.Sheet, records: Iterable[dict]) -> None:
        ws = self.wb.add_worksheet(spec.title)
        for i, col in enumerate(spec.columns):
            ws.write_string(0, i, col.header, self.fmts["head"])
            ws.set_column(i, i, col.width)
        ws.freeze_panes(1, 0)
        ws_s, ws_n = ws.write_string, ws.write_number
        f_date, f_dt = self.fmts["date"], self.fmts["datetime"]
        kinds = [(c, col.key, col.kind) for c, col in enumerate(spec.columns)]
        for r, rec in enumerate(records, start=1):
            for c, key, kind in kinds:
                v = rec.get(key)
                if v is None or v == "":
                    continue
                if v.__class__ is str:
                    ws_s(r, c, v)
                elif kind == schema.DATE:
                    ws_n(r, c, v, f_date)
                elif kind == schema.DATETIME:
                    ws_n(r, c, v, f_dt)
                else:
                    ws_n(r, c, v)

    def close(self) -> None:
        self.wb.close()


def _col_letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        out = chr(65 + rem) + out
    return out


def _esc(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument"
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {_NS}>'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/>'
    '<bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" '
    'applyFill="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)


class FastBook:
    """A minimal OOXML writer: shared strings (as Excel saves them), ~1 µs a cell.

    Writes exactly what Excel would need: workbook, styles (bold header, date and
    date-time formats), shared strings, one worksheet part per sheet with a frozen
    header row and column widths; zip entries carry a fixed timestamp.
    """

    def __init__(self, path: Path, title: str, created: dt.datetime):
        import zipfile

        self.zf = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6)
        self.title, self.created = title, created
        self.sheets: list[str] = []
        self.sst: dict[str, int] = {}
        self.sst_refs = 0

    def _put(self, name: str, data: str | bytes) -> None:
        import zipfile

        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zf.writestr(info, data.encode() if isinstance(data, str) else data)

    def sheet(self, spec: schema.Sheet, records: Iterable[dict]) -> None:
        import tempfile
        import zipfile

        sst, kinds = self.sst, [c.kind for c in spec.columns]
        letters = [_col_letter(i) for i in range(len(kinds))]
        styles = [2 if k == schema.DATE else 3 if k == schema.DATETIME else 0 for k in kinds]
        cols = list(zip(letters, styles, [c.key for c in spec.columns], strict=True))
        refs = 0
        with tempfile.TemporaryFile("w+b") as body:
            chunk: list[str] = []
            head = "".join(
                f'<c r="{letter}1" s="1" t="s"><v>{self._sid(col.header)}</v></c>'
                for letter, col in zip(letters, spec.columns, strict=True)
            )
            chunk.append(f'<row r="1">{head}</row>')
            r = 1
            for rec in records:
                r += 1
                cells = []
                for letter, style, key in cols:
                    v = rec.get(key)
                    if v is None or v == "":
                        continue
                    if v.__class__ is str:
                        idx = sst.get(v)
                        if idx is None:
                            idx = sst[v] = len(sst)
                        refs += 1
                        cells.append(f'<c r="{letter}{r}" t="s"><v>{idx}</v></c>')
                    elif style:
                        cells.append(f'<c r="{letter}{r}" s="{style}"><v>{v!r}</v></c>')
                    else:
                        cells.append(f'<c r="{letter}{r}"><v>{v!r}</v></c>')
                chunk.append(f'<row r="{r}">{"".join(cells)}</row>')
                if len(chunk) >= 5000:
                    body.write("".join(chunk).encode())
                    chunk.clear()
            body.write("".join(chunk).encode())
            self.sst_refs += refs
            widths = "".join(
                f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"/>'
                for i, c in enumerate(spec.columns, start=1)
            )
            top = (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS} '
                f'{_NS_R}><dimension ref="A1:{letters[-1]}{r}"/><sheetViews><sheetView '
                'workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                'state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
                f"<cols>{widths}</cols><sheetData>"
            )
            self.sheets.append(spec.title)
            info = zipfile.ZipInfo(
                f"xl/worksheets/sheet{len(self.sheets)}.xml", date_time=(1980, 1, 1, 0, 0, 0)
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            body.seek(0)
            with self.zf.open(info, "w") as out:
                out.write(top.encode())
                while block := body.read(1 << 20):
                    out.write(block)
                out.write(b"</sheetData></worksheet>")

    def _sid(self, text: str) -> int:
        idx = self.sst.get(text)
        if idx is None:
            idx = self.sst[text] = len(self.sst)
        self.sst_refs += 1
        return idx

    def close(self) -> None:
        n = len(self.sheets)
        items = "".join(f"<si><t>{_esc(t)}</t></si>" for t in self.sst)
        self._put(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {_NS} '
            f'count="{self.sst_refs}" uniqueCount="{len(self.sst)}">{items}</sst>',
        )
        self._put("xl/styles.xml", _STYLES)
        sheets = "".join(
            f'<sheet name="{_esc(t)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, t in enumerate(self.sheets, start=1)
        )
        self._put(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS} {_NS_R}>'
            f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets>'
            "</workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        rels += (
            f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" '
            'Target="sharedStrings.xml"/>'
        )
        self._put(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PKG_REL}">{rels}</Relationships>',
        )
        self._put(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" '
            'Target="docProps/core.xml"/></Relationships>',
        )
        stamp = self.created.strftime("%Y-%m-%dT%H:%M:%SZ")
        self._put(
            "docProps/core.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{_esc(self.title)}</dc:title><dc:creator>{AUTHOR}</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            "</cp:coreProperties>",
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            f'ContentType="{_CT}.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        self._put(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types '
            'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.spreadsheetml.sheet.'
            f'main+xml"/>{overrides}'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.spreadsheetml.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.spreadsheetml.'
            'sharedStrings+xml"/><Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            "</Types>",
        )
        self.zf.close()


ENGINES = {"fast": FastBook, "xlsxwriter": XlsxwriterBook}


def generate(size: str, out_dir: Path = OUT_DIR, engine: str = "fast", quiet: bool = False) -> Path:
    """Write bench-<size>.xlsx and return its path (replacing an older one)."""
    n_buyers, n_contacts = SIZES[size]
    rng = random.Random(f"{SEED}-{size}")
    t0 = time.perf_counter()
    today = serial(ANCHOR)
    span = 730  # contacts go back two years

    # who and when: contacts first, so each buyer's first/last contact matches its log
    c_buyer = [rng.randrange(n_buyers) for _ in range(n_contacts)]
    c_time = sorted(
        today - span + rng.randrange(span * 1440 - 60) / 1440 for _ in range(n_contacts)
    )
    first = [None] * n_buyers
    last = [None] * n_buyers
    for b, t in zip(c_buyer, c_time, strict=True):
        if first[b] is None:
            first[b] = t
        last[b] = t
    prods = products(rng)
    models = [p["model"] for p in prods]
    prices = {p["model"]: p["price"] for p in prods}
    width = max(4, len(str(n_buyers)))
    bid = [f"B{i + 1:0{width}d}" for i in range(n_buyers)]

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"bench-{size}.xlsx"
    tmp = out_dir / f".bench-{size}.xlsx.tmp"
    wb = ENGINES[engine](
        tmp, f"inq benchmark workbook ({size})", dt.datetime.combine(ANCHOR, dt.time())
    )

    # Rows are dicts keyed by the schema's column keys; sheets go in the schema's order.
    emails: list[str] = []
    grades: list[str] = []
    known_row = n_buyers // 2
    owners = ("Lily Chen", "Lily Chen", "Jason Wu")
    notes = (
        "",
        "",
        "Met at Canton Fair; took catalog.",
        "Prefers WhatsApp for quick questions.",
        "Needs SASO certificates.",
        "Old customer: reorders about twice a year.",
    )

    def buyers():
        for i in range(n_buyers):
            fn, ln = rng.choice(FIRST), rng.choice(LAST)
            country, city, region, tld, prefix = rng.choice(PLACES)
            stem = rng.choice(STEMS)
            company = f"{stem} {rng.choice(SUFFIXES)}"
            if rng.random() < 0.15:
                email = f"{fn.lower()}{ln.lower()}{i}@{rng.choice(FREE)}"
            else:
                email = f"{fn.lower()}.{ln.lower()}{i}@{stem.lower().replace(' ', '')}.{tld}"
            name = f"{fn} {ln}"
            if i == known_row:
                name, email, company = KNOWN_NAME, KNOWN_EMAIL, "Lichtwerk Leuchten GmbH"
                country, city, region = "Germany", "Hamburg", "eu"
            roll = rng.random()  # the odd problem a real workbook has
            if roll < 0.001:
                email = email.replace("@", " at ")
            elif roll < 0.002 and emails:
                email = emails[rng.randrange(len(emails))]
            emails.append(email)
            grade = "E" if roll > 0.999 else rng.choice(GRADES)
            grades.append(grade)
            fc, lc = first[i], last[i]
            if fc is None:
                fc = lc = today - rng.randint(1, span)
            phone = f"{prefix}{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            fax = None
            if rng.random() < 0.2:
                fax = f"{prefix[:-1]}4 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            yield {
                "buyer_id": bid[i],
                "name": name,
                "company": company,
                "email": email,
                "phone": phone,
                "fax": fax,
                "country": country,
                "city": city,
                "region": region,
                "source": rng.choice(SOURCES),
                "nature": rng.choice(NATURES),
                "strength": rng.choice(STRENGTHS),
                "grade": grade,
                "products": ", ".join(rng.sample(models, rng.randint(1, 3))),
                "status": rng.choice(STATUSES),
                "first_contact": int(fc),
                "last_contact": int(lc),
                "next_follow_up": today + rng.randint(-5, 30) if rng.random() < 0.05 else None,
                "owner": rng.choice(owners),
                "notes": rng.choice(notes),
            }

    n_inq = 2 * n_buyers  # about two inquiries per buyer

    def inquiries():
        times = sorted(today - span + rng.randrange(span * 1440 - 60) / 1440 for _ in range(n_inq))
        for i, t in enumerate(times):
            b = rng.randrange(n_buyers)
            m = rng.choice(models)
            q = rng.choice((100, 200, 500, 1000, 2000, 5000))
            target = round(prices[m] * rng.uniform(0.82, 0.95), 2)
            msg = rng.choice(MESSAGES).format(q=q, m=m, n=m.split("-")[1], t=f"{target:.2f}")
            replied = None
            if t < today - 1 or rng.random() < 0.5:
                replied = t + rng.randint(10, 1300) / 1440
            quoted = replied is not None and rng.random() < 0.5
            yield {
                "inquiry_id": f"I{i + 1:0{width + 1}d}",
                "received": t,
                "channel": rng.choice(CHANNELS_IN),
                "buyer_id": bid[b],
                "email": emails[b],
                "product": m,
                "quantity": q,
                "target_price": f"USD {target:.2f}" if rng.random() < 0.3 else None,
                "message": msg,
                "grade": rng.choice(GRADES),
                "replied": replied,
                "quote_no": f"QT{i + 1:06d}" if quoted else None,
                "status": rng.choice(STATUSES),
            }

    def contacts():  # the big one
        for b, t in zip(c_buyer, c_time, strict=True):
            m = rng.choice(models)
            summary = rng.choice(SUMMARIES).format(
                m=m, q=rng.choice((200, 500, 1000, 3000)), p=f"{prices[m]:.2f}"
            )
            yield {
                "date": t,
                "buyer_id": bid[b],
                "email": emails[b],
                "channel": rng.choice(CHANNELS_C),
                "direction": rng.choice(("in", "out")),
                "summary": summary,
                "next_step": rng.choice(NEXT_STEPS),
            }

    def quotes():
        for i in range(n_buyers // 2):
            b, m = rng.randrange(n_buyers), rng.choice(models)
            day = today - rng.randint(1, span)
            yield {
                "quote_no": f"QT{i + 1:06d}",
                "date": day,
                "buyer_id": bid[b],
                "region": rng.choice(PLACES)[2],
                "model": m,
                "quantity": rng.choice((200, 500, 1000, 2000)),
                "unit_price": round(prices[m] * rng.uniform(0.9, 1.08), 2),
                "currency": "USD",
                "incoterm": rng.choice(("FOB", "FOB", "CIF", "EXW")),
                "valid_until": day + 30,
                "file": f"quotes/QT{i + 1:06d}.txt",
            }

    def samples():
        for _ in range(max(5, n_buyers // 20)):
            courier = rng.choice(("DHL", "FedEx", None))
            yield {
                "date": today - rng.randint(1, span),
                "buyer_id": bid[rng.randrange(n_buyers)],
                "model": rng.choice(models),
                "kind": "Physical" if courier else "E-sample",
                "freight": rng.choice(("Freight collect", "Buyer's DHL account"))
                if courier
                else None,
                "payment": "Free sample" if courier else "Free",
                "courier": courier,
                "tracking": str(rng.randint(10**9, 10**10 - 1)) if courier else None,
                "status": rng.choice(("Sent", "Delivered", "Feedback received")),
                "feedback": rng.choice((None, "Quality approved; wants 4000K", "Driver runs hot")),
            }

    def grade_history():  # each graded buyer's first grade, and the odd change since
        for i in range(n_buyers):
            grade = grades[i]
            if not grade:
                continue
            t = (first[i] if first[i] is not None else today - span) + 0.05
            yield {
                "date": t,
                "buyer_id": bid[i],
                "email": emails[i],
                "from_grade": None,
                "to_grade": grade,
                "why": "First grading after the inquiry reply",
            }
            if rng.random() < 0.2 and last[i] is not None and last[i] > t + 1:
                yield {
                    "date": t + rng.random() * (last[i] - t),
                    "buyer_id": bid[i],
                    "email": emails[i],
                    "from_grade": rng.choice(("B", "C", "D")),
                    "to_grade": grade,
                    "why": "Sample approved; asked for PI",
                }

    events = (
        ("Canton Fair Guangzhou (Phase 1)", "Guangzhou", "China", "2027-04-15", 4, "11.2 C23"),
        ("Middle East Energy Dubai", "Dubai", "United Arab Emirates", "2027-04-07", 2, "S1.D40"),
        ("Light + Building Frankfurt", "Frankfurt", "Germany", "2028-03-05", 5, "4.1 B12"),
    )
    event_rows = []
    for name, city, country, start, days, booth in events:
        day = serial(dt.date.fromisoformat(start))
        event_rows.append(
            {"name": name, "city": city, "country": country, "start": day,
             "end": day + days, "booth": booth}
        )  # fmt: skip
    data = {
        "buyers": buyers(),
        "inquiries": inquiries(),
        "contacts": contacts(),
        "products": prods,
        "quotes": quotes(),
        "samples": samples(),
        "regions": [
            {**dict(zip(REGION_KEYS, r, strict=True)), "template": r[0]}
            for r in schema.REGION_DEFAULTS
        ],
        "company": [{"field": f[1], "value": f[3]} for f in schema.COMPANY_FIELDS],
        "settings": [{"key": k, "value": v, "note": n} for k, v, n in schema.SETTINGS_DEFAULTS],
        "events": event_rows,
        "grade_history": grade_history(),
    }
    for spec in schema.SHEETS:  # a sheet the generator does not know gets its header
        wb.sheet(spec, data.get(spec.key, ()))
    wb.close()
    os.replace(tmp, path)
    if not quiet:
        mb = path.stat().st_size / 1e6
        print(
            f"{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}: "
            f"{n_buyers:,} buyers, {n_inq:,} inquiries, {n_contacts:,} contacts, "
            f"{mb:.1f} MB in {time.perf_counter() - t0:.1f} s"
        )
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("sizes", nargs="+", choices=sorted(SIZES), metavar="SIZE",
                    help="one or more of: " + ", ".join(SIZES))  # fmt: skip
    ap.add_argument("--out-dir", type=Path, default=OUT_DIR, help="default: bench/out")
    ap.add_argument(
        "--engine",
        choices=sorted(ENGINES),
        default="fast",
        help="fast: shared strings, as Excel saves (default); xlsxwriter: constant_memory, "
        "inline strings, ~15x slower",
    )
    args = ap.parse_args(argv)
    for size in args.sizes:
        generate(size, args.out_dir, args.engine)
    return 0


if __name__ == "__main__":
    sys.exit(main())
