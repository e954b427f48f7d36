"""Generate sample_workbook.xlsx: a believable LED-lighting exporter's customer workbook."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from inquiry_cli.contract import schema  # noqa: E402
from inquiry_cli.workbook.create import append_record, new_workbook  # noqa: E402

SEED = 20261127
DEFAULT_ANCHOR = dt.date(2026, 11, 27)
OWNER, COLLEAGUE = "Lily Chen", "Jason Wu"
SITE = "www.example-brightway.com"
CATALOG = "https://www.example-brightway.com/catalog/"
PORT = "Ningbo"

COMPANY = {
    "name": "Ningbo Brightway Lighting Co., Ltd.",
    "founded": "2008",
    "total_assets": "USD 18 million",
    "annual_sales": "USD 42 million (2025), 85% exported to 60+ countries",
    "awards": "ISO 9001:2015 and ISO 14001 certified; Alibaba Verified Supplier (9 years); "
    "Zhejiang Famous Brand 2023; Ningbo Top 50 Lighting Exporter 2024",
    "contact": "Lily Chen, Export Sales Manager",
    "tel": "+86 574 8765 4321",
    "fax": "+86 574 8765 4322",
    "email": "lily.chen@example-brightway.com",
    "website": SITE,
    "address": "No. 88 Jinda Road, Yinzhou Industrial Zone, Ningbo, Zhejiang 315100, China",
    "strengths": "Own 28,000 m² factory with 6 SMT lines and 420 staff; in-house photometric "
    "lab (integrating sphere, goniophotometer); OEM/ODM; samples in 3 days; "
    "5-year warranty on high bays and street lights",
}

# --------------------------------------------------------------------------- products


@dataclass
class Product:
    model: str
    name: str
    short: str  # how buyers write it in a message
    spec: str
    moq: int
    unit: str
    price: float  # base price at MOQ, USD FOB Ningbo
    tiers: tuple[tuple[int, float], ...]
    keywords: str
    certs: str
    tech: str
    catalog: str
    qtys: tuple[int, ...]
    new: bool = False
    hot: bool = False


P = Product
# fmt: off
PRODUCTS = [
    P("LED-PL-60", "LED Panel Light 600x600 40W", "600x600 40W panel lights",
      "595x595x10 mm, aluminium frame, PMMA light guide, external driver",
      100, "pcs", 10.80, ((500, 10.20), (1000, 9.60), (5000, 9.00)),
      "led panel light, 600x600 led panel, ceiling panel light, office lighting",
      "CE, RoHS, SAA, SASO",
      "40W; 4000 lm; 100 lm/W; CCT 3000/4000/6500K; CRI>80; PF>0.9; UGR<19; IP40; "
      "50,000 h; 3-year warranty", "panel-lights.pdf", (200, 500, 1000, 2000, 5000),
      hot=True),
    P("LED-PL-1260", "LED Panel Light 1200x600 60W", "1200x600 60W panels",
      "1195x595x10 mm, aluminium frame, back-lit option, isolated driver",
      100, "pcs", 18.50, ((500, 17.60), (1000, 16.90), (3000, 16.20)),
      "led panel 1200x600, 2x4 troffer, commercial panel light",
      "CE, RoHS, UL, DLC",
      "60W; 6600 lm; 110 lm/W; CCT 4000/5000K; CRI>80; 0-10V dimming; IP40; 50,000 h; "
      "5-year warranty", "panel-lights.pdf", (200, 500, 1000, 3000)),
    P("LED-HB-100", "UFO LED High Bay 100W", "100W UFO high bays",
      "Ø280 mm die-cast aluminium, hanging hook, 60/90/120° lens options",
      50, "pcs", 32.00, ((200, 30.50), (500, 29.20), (1000, 28.00)),
      "ufo high bay, led high bay light, warehouse lighting, industrial light",
      "CE, RoHS, UL, DLC 5.1",
      "100W; 16,000 lm; 160 lm/W; 5000K; CRI>80; 0-10V dimming; IP65; IK08; 50,000 h; "
      "5-year warranty", "high-bay.pdf", (100, 200, 500, 1000), hot=True),
    P("LED-HB-150", "UFO LED High Bay 150W", "150W UFO high bays",
      "Ø320 mm die-cast aluminium, Meanwell driver, 60/90/120° lens options",
      50, "pcs", 41.50, ((200, 39.60), (500, 38.00), (1000, 36.50)),
      "ufo high bay 150w, warehouse high bay, factory lighting",
      "CE, RoHS, UL, DLC 5.1, SAA",
      "150W; 24,000 lm; 160 lm/W; 4000/5000K; CRI>80; 1-10V dimming; IP65; IK08; 50,000 h; "
      "5-year warranty", "high-bay.pdf", (100, 200, 300, 500, 1000)),
    P("LED-HB-200", "UFO LED High Bay 200W Gen 3", "200W high bays",
      "Ø350 mm, 170 lm/W Gen 3 module, motion sensor ready",
      50, "pcs", 52.00, ((200, 49.80), (500, 47.60), (1000, 45.90)),
      "200w high bay, ufo led, high efficiency high bay, dlc premium",
      "CE, RoHS, UL, DLC Premium",
      "200W; 34,000 lm; 170 lm/W; 4000/5000K; CRI>80; 0-10V dimming; IP66; 60,000 h; "
      "5-year warranty", "high-bay.pdf", (100, 200, 500), new=True),
    P("LED-FL-50", "LED Floodlight 50W", "50W floodlights",
      "Slim die-cast housing, tempered glass, 1 m cable, bracket",
      100, "pcs", 8.60, ((500, 8.10), (1000, 7.70), (3000, 7.30)),
      "led flood light, outdoor floodlight, security light, 50w flood light",
      "CE, RoHS, CB, SASO",
      "50W; 6000 lm; 120 lm/W; 3000/4000/6500K; CRI>70; IP66; beam 120°; 30,000 h; "
      "2-year warranty", "floodlights.pdf", (300, 500, 1000, 2000, 3000)),
    P("LED-FL-100", "LED Floodlight 100W", "100W floodlights",
      "Die-cast housing with fins, tempered glass, SMD 2835, bracket",
      100, "pcs", 15.20, ((500, 14.40), (1000, 13.70), (3000, 13.00)),
      "100w led flood light, stadium flood light, outdoor lighting",
      "CE, RoHS, CB, SASO",
      "100W; 12,000 lm; 120 lm/W; 4000/6500K; CRI>70; IP66; IK08; 40,000 h; "
      "3-year warranty", "floodlights.pdf", (200, 500, 1000, 2000), hot=True),
    P("LED-FL-200", "LED Floodlight 200W", "200W floodlights",
      "Module design, asymmetric lens option, U-bracket",
      50, "pcs", 28.90, ((200, 27.50), (500, 26.30), (1000, 25.20)),
      "200w flood light, sports lighting, led projector",
      "CE, RoHS, CB, UL",
      "200W; 26,000 lm; 130 lm/W; 5000K; CRI>80; IP66; IK08; 50,000 h; 5-year warranty",
      "floodlights.pdf", (100, 200, 500, 1000)),
    P("LED-SL-100", "LED Street Light 100W", "100W street lights",
      "Die-cast aluminium, Type II/III optics, NEMA photocell socket, Ø60 mm spigot",
      50, "pcs", 46.00, ((200, 43.80), (500, 41.90), (1000, 40.20)),
      "led street light, road lighting, street lamp, highway light",
      "CE, RoHS, CB, ENEC, SASO",
      "100W; 14,000 lm; 140 lm/W; 4000/5000K; CRI>70; IP66; IK09; 10 kV surge; "
      "60,000 h; 5-year warranty", "street-lights.pdf", (100, 200, 500, 1000)),
    P("LED-SL-150", "LED Street Light 150W", "150W street lights",
      "Die-cast aluminium, Type II/III optics, dimmable DALI driver, tool-free opening",
      50, "pcs", 61.00, ((200, 58.20), (500, 55.80), (1000, 53.60)),
      "150w street light, smart street light, municipal lighting",
      "CE, RoHS, CB, ENEC, SASO",
      "150W; 21,000 lm; 140 lm/W; 4000K; CRI>70; IP66; IK09; 10 kV surge; 60,000 h; "
      "5-year warranty", "street-lights.pdf", (100, 200, 400, 800, 1500)),
    P("LED-T8-18", "LED T8 Tube 1200mm 18W", "T8 tubes 1.2 m",
      "Glass/aluminium-PC, G13 caps, single-end input, frosted cover",
      1000, "pcs", 1.45, ((5000, 1.38), (10000, 1.30), (20000, 1.24)),
      "led tube light, t8 led tube, 4ft tube, fluorescent replacement",
      "CE, RoHS, SASO, SONCAP",
      "18W; 1800 lm; 100 lm/W; 4000/6500K; CRI>80; PF>0.5; 25,000 h; 2-year warranty",
      "tubes.pdf", (2000, 5000, 10000, 20000, 40000), hot=True),
    P("LED-DL-12", "LED Recessed Downlight 12W", "12W downlights",
      "Ø170 mm, cut-out Ø150 mm, anti-glare, integrated driver",
      500, "pcs", 2.85, ((1000, 2.70), (3000, 2.55), (10000, 2.40)),
      "led downlight, recessed downlight, ceiling light, slim downlight",
      "CE, RoHS, SAA",
      "12W; 1080 lm; 90 lm/W; 3000/4000/6000K; CRI>80; IP44; 30,000 h; 2-year warranty",
      "downlights.pdf", (1000, 2000, 3000, 5000, 10000)),
    P("LED-TP-120", "LED Tri-proof Light 1200mm 36W", "1.2 m tri-proof lights",
      "PC housing and cover, stainless clips, through-wiring option",
      200, "pcs", 7.60, ((500, 7.20), (1000, 6.85), (3000, 6.50)),
      "tri-proof light, vapor tight, waterproof batten, parking lot lighting",
      "CE, RoHS, ENEC, SAA",
      "36W; 4300 lm; 120 lm/W; 4000/5000K; CRI>80; IP65; IK08; 50,000 h; 3-year warranty",
      "battens.pdf", (300, 500, 1000, 3000), new=True),
    P("LED-LB-120", "LED Linear Batten 1200mm 40W", "1.2 m linear battens",
      "Aluminium body, opal PC diffuser, linkable, surface or suspended",
      200, "pcs", 5.40, ((500, 5.10), (1000, 4.85), (3000, 4.60)),
      "led batten, linear light, office linear lighting, link light",
      "CE, RoHS, UL, SAA",
      "40W; 4400 lm; 110 lm/W; 3000/4000/5000K; CRI>80; IP20; 50,000 h; 3-year warranty",
      "battens.pdf", (300, 500, 1000, 2000)),
    P("SOL-SL-60", "All-in-one Solar Street Light 60W", "all-in-one solar street lights",
      "Mono panel 18V/40W, LiFePO4 12.8V 30Ah, PIR + light control, 3-5 rainy days",
      20, "sets", 39.00, ((100, 37.20), (300, 35.60), (1000, 33.90)),
      "solar street light, all in one solar light, solar road light, outdoor solar",
      "CE, RoHS, IEC 62133, SONCAP",
      "60W nominal; 3600 lm; 6500K; LiFePO4 30Ah; charge 6 h; 12 h lighting; IP65; "
      "2000 cycles; 3-year warranty", "solar.pdf", (50, 100, 300, 500, 1000), new=True,
      hot=True),
    P("SOL-FL-100", "Solar Floodlight 100W with Remote", "100W solar floodlights",
      "ABS housing, 6V/15W poly panel, 5 m cable, remote control, timer",
      50, "sets", 17.80, ((200, 16.90), (500, 16.10), (1000, 15.40)),
      "solar flood light, solar security light, garden solar light",
      "CE, RoHS, IEC 62133",
      "100W nominal; 1200 lm; 6500K; LiFePO4 6.4V 12Ah; 10-12 h lighting; IP67; "
      "3-year warranty", "solar.pdf", (100, 200, 500, 1000)),
]
# fmt: on
BY_MODEL = {p.model: p for p in PRODUCTS}
NEW_MODELS = [p for p in PRODUCTS if p.new]

REGION_MODELS = {
    "mideast": ["LED-FL-100", "LED-FL-200", "LED-SL-150", "LED-HB-150", "LED-PL-60", "LED-SL-100"],
    "sea": ["LED-DL-12", "LED-T8-18", "LED-SL-100", "LED-FL-50", "LED-PL-60", "LED-LB-120"],
    "us": ["LED-HB-100", "LED-HB-150", "LED-HB-200", "LED-PL-1260", "LED-LB-120", "LED-FL-200"],
    "eu": ["LED-PL-60", "LED-PL-1260", "LED-TP-120", "LED-T8-18", "LED-HB-100", "LED-LB-120"],
    "latam": ["LED-SL-100", "LED-SL-150", "SOL-SL-60", "LED-HB-100", "LED-FL-100"],
    "africa": ["SOL-SL-60", "SOL-FL-100", "LED-T8-18", "LED-FL-50", "LED-SL-100", "LED-DL-12"],
    "other": ["LED-PL-60", "LED-HB-150", "LED-DL-12", "LED-TP-120"],
}
REGION_PRICING = {r[0]: (r[2], r[4]) for r in schema.REGION_DEFAULTS}  # factor, service cost


def unit_price(product: Product, qty: int, region: str) -> float:
    price = product.price
    for q, p in product.tiers:
        if qty >= q:
            price = p
    factor, service = REGION_PRICING.get(region, (1.0, 0.0))
    return round(price * factor + (service if product.price > 20 else 0), 2)


# --------------------------------------------------------------------------- countries


@dataclass
class Country:
    name: str
    region: str
    count: int  # how many buyers
    tld: str
    mobile: str  # '#' is a random digit, {area} the city's code
    fax: str
    cities: tuple[tuple[str, str], ...]  # (city, area code)
    first: tuple[str, ...]
    last: tuple[str, ...]
    stems: tuple[str, ...]
    patterns: tuple[str, ...]
    full_names: tuple[str, ...] = ()  # where a name is not "first last"


K = Country
# fmt: off
COUNTRIES = [
    K("United Arab Emirates", "mideast", 5, "ae", "+971 5# ### ####", "+971 {area} ### ####",
      (("Dubai", "4"), ("Abu Dhabi", "2"), ("Sharjah", "6")),
      ("Ahmed", "Mohammed", "Khalid", "Omar", "Rashid", "Faisal", "Rajesh", "Imran", "Suresh"),
      ("Al Mansoori", "Al Hashimi", "Haddad", "Khan", "Nair", "Menon", "Qureshi", "Al Zaabi"),
      ("Al Noor", "Gulf Star", "Desert Light", "Al Bahar", "Falcon Crest", "Emirates Beacon"),
      ("{s} Electrical Trading LLC", "{s} General Trading LLC", "{s} Lighting FZE",
       "{s} Electromechanical Works LLC", "{s} Building Materials Trading LLC")),
    K("Saudi Arabia", "mideast", 4, "com.sa", "+966 5# ### ####", "+966 {area} ### ####",
      (("Riyadh", "11"), ("Jeddah", "12"), ("Dammam", "13")),
      ("Abdullah", "Fahad", "Saud", "Turki", "Nasser", "Majed", "Hassan"),
      ("Al Qahtani", "Al Otaibi", "Al Ghamdi", "Al Harbi", "Al Dosari", "Al Shehri"),
      ("Al Waha", "Najd Horizon", "Red Sea", "Al Fajr", "Al Madar"),
      ("{s} Trading Est.", "{s} Electrical Co. Ltd", "{s} Contracting Co.",
       "{s} for Trading Co. Ltd")),
    K("Qatar", "mideast", 2, "com.qa", "+974 5### ####", "+974 44## ####",
      (("Doha", ""), ("Al Wakrah", "")),
      ("Ali", "Hamad", "Jassim", "Tariq", "Anil"),
      ("Al Kuwari", "Al Marri", "Al Sulaiti", "Thomas"),
      ("Pearl Coast", "Al Dafna", "Lusail Gate"),
      ("{s} Trading & Contracting W.L.L.", "{s} Electrical W.L.L.")),
    K("Kuwait", "mideast", 1, "com.kw", "+965 9### ####", "+965 22## ####",
      (("Kuwait City", ""),),
      ("Yousef", "Bader", "Mishal"), ("Al Mutairi", "Al Azmi", "Al Enezi"),
      ("Gulf Bridge", "Al Salmiya"),
      ("{s} General Trading & Contracting Co. W.L.L.",)),
    K("Oman", "mideast", 1, "om", "+968 9### ####", "+968 24## ####",
      (("Muscat", ""), ("Sohar", "")),
      ("Said", "Salim", "Hilal"), ("Al Balushi", "Al Harthy", "Al Busaidi"),
      ("Al Batinah", "Muscat Lumina"), ("{s} Trading LLC",)),
    K("Turkey", "mideast", 1, "com.tr", "+90 5## ### ## ##", "+90 {area} ### ## ##",
      (("Istanbul", "212"), ("Izmir", "232"), ("Ankara", "312")),
      ("Mehmet", "Emre", "Burak", "Ayşe", "Murat"),
      ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik"),
      ("Anadolu", "Marmara", "Ege Işık"),
      ("{s} Aydınlatma San. ve Tic. Ltd. Şti.", "{s} Elektrik A.Ş.")),
    K("Singapore", "sea", 2, "com.sg", "+65 9### ####", "+65 6### ####",
      (("Singapore", ""),),
      ("Kelvin", "Jason", "Siti", "Rajan", "Wei Ming"), ("Tan", "Lim", "Ng", "Goh", "Pillai"),
      ("Lumen Asia", "Marina Lighting", "Orchid Electrical"),
      ("{s} Pte Ltd", "{s} Trading Pte Ltd")),
    K("Malaysia", "sea", 3, "com.my", "+60 1# ### ####", "+60 {area} #### ####",
      (("Kuala Lumpur", "3"), ("Penang", "4"), ("Johor Bahru", "7"), ("Shah Alam", "3")),
      ("Ahmad", "Farid", "Mei Ling", "Suresh", "Chong Wei"),
      ("Abdullah", "Wong", "Lim", "Rahman", "Krishnan"),
      ("Cahaya Terang", "Seri Lumina", "KL Brite"),
      ("{s} Sdn Bhd", "{s} Enterprise Sdn Bhd", "{s} Electrical Sdn Bhd")),
    K("Thailand", "sea", 2, "co.th", "+66 8# ### ####", "+66 {area} ### ####",
      (("Bangkok", "2"), ("Chonburi", "38"), ("Chiang Mai", "53")),
      ("Somchai", "Niran", "Pimchanok", "Anan", "Kittisak"),
      ("Srisuk", "Wongsawat", "Chaiyaporn", "Boonmee", "Saetang"),
      ("Siam Light", "Chao Phraya", "Thai Lumina"),
      ("{s} Co., Ltd.", "{s} Electric Co., Ltd.")),
    K("Vietnam", "sea", 2, "com.vn", "+84 9# ### ## ##", "+84 {area} #### ####",
      (("Ho Chi Minh City", "28"), ("Hanoi", "24"), ("Da Nang", "236")),
      (), (), ("Sao Mai", "Viet Sang", "Phuong Nam"),
      ("{s} Lighting Co., Ltd", "{s} Trading JSC"),
      ("Nguyen Van Hung", "Tran Thi Lan", "Le Minh Tuan", "Pham Quoc Bao", "Hoang Duc Anh")),
    K("Indonesia", "sea", 2, "co.id", "+62 8## #### ####", "+62 {area} #### ####",
      (("Jakarta", "21"), ("Surabaya", "31"), ("Bandung", "22")),
      ("Budi", "Agus", "Dewi", "Hendra", "Rina"), ("Santoso", "Wijaya", "Halim", "Gunawan"),
      ("Sinar Terang Abadi", "Cahaya Nusantara", "Mitra Lampu"),
      ("PT {s}", "PT {s} Elektrindo")),
    K("Philippines", "sea", 2, "com.ph", "+63 9## ### ####", "+63 {area} #### ####",
      (("Manila", "2"), ("Cebu City", "32"), ("Davao City", "82")),
      ("Jose", "Maria", "Mark", "Carlo", "Angelica"),
      ("Santos", "Reyes", "Cruz", "Bautista", "Villanueva"),
      ("Luzon Brite", "Manila Bay", "Pacific Sun"),
      ("{s} Electrical Supply Inc.", "{s} Lighting Corporation")),
    K("United States", "us", 7, "com", "+1 {area} 555 01##", "+1 {area} 555 02##",
      (("Chicago", "312"), ("Houston", "713"), ("Los Angeles", "213"), ("Atlanta", "404"),
       ("Dallas", "214"), ("Miami", "305"), ("Phoenix", "602"), ("Denver", "303")),
      ("Michael", "Jennifer", "David", "Sarah", "Robert", "Chris", "Brian", "Amanda", "Kevin"),
      ("Johnson", "Miller", "Davis", "Anderson", "Thompson", "Martinez", "Clark", "Walker"),
      ("Lakeshore", "Summit", "Keystone", "Blue Ridge", "Lone Star", "Pacific Crest",
       "Evergreen", "Midwest"),
      ("{s} Lighting Supply LLC", "{s} Electric Inc.", "{s} Lighting Solutions LLC",
       "{s} Distributors Inc.")),
    K("Canada", "us", 2, "ca", "+1 {area} 555 01##", "+1 {area} 555 02##",
      (("Toronto", "416"), ("Vancouver", "604"), ("Calgary", "403")),
      ("Ryan", "Emily", "Marc", "Jessica"), ("Tremblay", "Campbell", "MacDonald", "Roy"),
      ("Great Lakes", "Northern", "Borealis"),
      ("{s} Lighting Ltd.", "{s} Electrical Supply Inc.")),
    K("Germany", "eu", 4, "de", "+49 15# ### #####", "+49 {area} ### ####",
      (("Hamburg", "40"), ("Munich", "89"), ("Berlin", "30"), ("Frankfurt", "69"),
       ("Cologne", "221")),
      ("Thomas", "Andreas", "Stefan", "Markus", "Julia", "Katrin", "Jan"),
      ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann"),
      ("Lichtwerk", "Nordlicht", "Rhein", "Hansa", "Elbe"),
      ("{s} Leuchten GmbH", "{s} Lichttechnik GmbH", "{s} Elektro GmbH & Co. KG",
       "{s} Handels GmbH")),
    K("United Kingdom", "eu", 3, "co.uk", "+44 7### ######", "+44 {area} ### ####",
      (("London", "20"), ("Manchester", "161"), ("Birmingham", "121"), ("Leeds", "113")),
      ("James", "Oliver", "Sophie", "Daniel", "Emma", "Paul"),
      ("Smith", "Taylor", "Brown", "Wilson", "Evans", "Hughes"),
      ("Thames", "Pennine", "Albion", "Kingsway"),
      ("{s} Lighting Ltd", "{s} Electrical Wholesale Ltd", "{s} Lighting Solutions Ltd")),
    K("France", "eu", 2, "fr", "+33 6 ## ## ## ##", "+33 {area} ## ## ## ##",
      (("Paris", "1"), ("Lyon", "4"), ("Marseille", "4")),
      ("Pierre", "Nicolas", "Julien", "Camille", "Sophie"),
      ("Martin", "Bernard", "Dubois", "Moreau", "Lefèvre"),
      ("Luminance", "Horizon", "Atlantique"),
      ("{s} Distribution SAS", "{s} Éclairage SARL", "{s} S.A.")),
    K("Italy", "eu", 2, "it", "+39 3## ### ####", "+39 0{area} #### ####",
      (("Milan", "2"), ("Bologna", "51"), ("Turin", "11")),
      ("Marco", "Luca", "Giuseppe", "Francesca", "Alessandro"),
      ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi"),
      ("Luce Nord", "Alpi", "Lombarda"),
      ("{s} Illuminazione S.r.l.", "{s} Elettroforniture S.p.A.")),
    K("Spain", "eu", 2, "es", "+34 6## ### ###", "+34 {area} ### ## ##",
      (("Madrid", "91"), ("Barcelona", "93"), ("Valencia", "96")),
      ("Javier", "Carlos", "Laura", "Miguel", "Elena"),
      ("García", "Fernández", "López", "Martínez", "Sánchez"),
      ("Iberluz", "Solmar", "Levante"),
      ("{s} S.L.", "{s} Iluminación S.A.")),
    K("Netherlands", "eu", 2, "nl", "+31 6 #### ####", "+31 {area} ### ####",
      (("Amsterdam", "20"), ("Rotterdam", "10"), ("Eindhoven", "40")),
      ("Jeroen", "Sanne", "Pieter", "Daan", "Femke"),
      ("de Vries", "Jansen", "van Dijk", "Bakker", "Visser"),
      ("Polder", "Delta", "Oranje"),
      ("{s} Verlichting B.V.", "{s} Lighting B.V.")),
    K("Poland", "eu", 1, "pl", "+48 5## ### ###", "+48 {area} ### ## ##",
      (("Warsaw", "22"), ("Kraków", "12"), ("Poznań", "61")),
      ("Piotr", "Tomasz", "Katarzyna", "Marcin"), ("Nowak", "Kowalski", "Wójcik", "Kamiński"),
      ("Mazovia", "Wisła"), ("{s} Oświetlenie Sp. z o.o.", "{s} Sp. z o.o.")),
    K("Mexico", "latam", 3, "com.mx", "+52 {area} #### ####", "+52 {area} #### ####",
      (("Mexico City", "55"), ("Guadalajara", "33"), ("Monterrey", "81")),
      ("José", "Luis", "Alejandro", "María", "Fernanda"),
      ("Hernández", "González", "Ramírez", "Torres", "Flores"),
      ("Azteca", "Sierra Madre", "Del Valle"),
      ("{s} Iluminación S.A. de C.V.", "Grupo {s} S.A. de C.V.")),
    K("Brazil", "latam", 2, "com.br", "+55 {area} 9#### ####", "+55 {area} #### ####",
      (("São Paulo", "11"), ("Rio de Janeiro", "21"), ("Curitiba", "41")),
      ("João", "Rafael", "Bruno", "Ana", "Juliana"),
      ("Silva", "Santos", "Oliveira", "Souza", "Costa"),
      ("Luz do Sol", "Paulista", "Atlântico"),
      ("{s} Iluminação Ltda.", "{s} Materiais Elétricos Ltda.")),
    K("Chile", "latam", 2, "cl", "+56 9 #### ####", "+56 {area} #### ####",
      (("Santiago", "2"), ("Antofagasta", "55"), ("Valparaíso", "32")),
      ("Felipe", "Cristián", "Camila", "Matías"), ("Muñoz", "Rojas", "Díaz", "Soto"),
      ("Andes", "Austral", "Pacífico Sur"),
      ("{s} SpA", "Comercial {s} Ltda.")),
    K("Colombia", "latam", 2, "com.co", "+57 3## ### ####", "+57 {area} ### ####",
      (("Bogotá", "601"), ("Medellín", "604"), ("Barranquilla", "605")),
      ("Andrés", "Juan Carlos", "Diana", "Santiago"),
      ("Rodríguez", "Gómez", "Vargas", "Castro"),
      ("Caribe", "Cordillera", "Luminarias Andinas"), ("{s} S.A.S.",)),
    K("Peru", "latam", 1, "com.pe", "+51 9## ### ###", "+51 {area} ### ####",
      (("Lima", "1"), ("Arequipa", "54")),
      ("Jorge", "Rosa", "Diego"), ("Quispe", "Chávez", "Ramos"),
      ("Inca Luz", "Costa Verde"), ("{s} S.A.C.",)),
    K("Nigeria", "africa", 3, "com.ng", "+234 80# ### ####", "+234 {area} ### ####",
      (("Lagos", "1"), ("Abuja", "9"), ("Port Harcourt", "84"), ("Kano", "64")),
      ("Chinedu", "Emeka", "Oluwaseun", "Ibrahim", "Ngozi", "Tunde"),
      ("Okafor", "Adeyemi", "Okonkwo", "Bello", "Eze", "Balogun"),
      ("Eko Power", "Lekki Bright", "Zenith Light", "Niger Delta"),
      ("{s} Nigeria Ltd", "{s} Electrical Ventures Ltd", "{s} Global Resources Ltd")),
    K("South Africa", "africa", 3, "co.za", "+27 8# ### ####", "+27 {area} ### ####",
      (("Johannesburg", "11"), ("Cape Town", "21"), ("Durban", "31"), ("Pretoria", "12")),
      ("Sipho", "Thabo", "Pieter", "Johan", "Lindiwe", "Craig"),
      ("Nkosi", "Dlamini", "van der Merwe", "Botha", "Naidoo", "Pretorius"),
      ("Highveld", "Cape Lumen", "Protea", "Kalahari"),
      ("{s} (Pty) Ltd", "{s} Electrical Wholesalers (Pty) Ltd")),
    K("Kenya", "africa", 2, "co.ke", "+254 7## ### ###", "+254 {area} ### ####",
      (("Nairobi", "20"), ("Mombasa", "41"), ("Kisumu", "57")),
      ("James", "Peter", "Grace", "Kevin", "Mercy"),
      ("Mwangi", "Otieno", "Kamau", "Wanjiku", "Ochieng"),
      ("Jua Kali", "Rift Valley", "Savannah"),
      ("{s} Enterprises Ltd", "{s} Solar Kenya Ltd")),
    K("Ghana", "africa", 1, "com.gh", "+233 24 ### ####", "+233 {area} ### ####",
      (("Accra", "30"), ("Kumasi", "32")),
      ("Kwame", "Kofi", "Ama", "Yaw"), ("Mensah", "Owusu", "Boateng", "Asante"),
      ("Gold Coast", "Volta"), ("{s} Company Ltd", "{s} Ghana Ltd")),
    K("Australia", "other", 2, "com.au", "+61 4## ### ###", "+61 {area} #### ####",
      (("Sydney", "2"), ("Melbourne", "3"), ("Brisbane", "7")),
      ("Matt", "Josh", "Sarah", "Ben"), ("Jones", "Williams", "Kelly", "Walsh"),
      ("Southern Cross", "Coral Coast", "Outback"),
      ("{s} Lighting Pty Ltd", "{s} Electrical Wholesale Pty Ltd")),
]

# fmt: on
FREE_MAIL = ("gmail.com", "hotmail.com", "yahoo.com", "outlook.com")
NATURES = ("Importer", "Wholesaler", "Retailer", "Distributor", "Contractor", "Brand owner")
RIVALS = ("Vietnam", "India", "Shenzhen", "Zhongshan", "Turkey", "Malaysia")

# --------------------------------------------------------------------------- helpers

_ASCII = str.maketrans({"ı": "i", "ł": "l", "ß": "ss", "ø": "o", "İ": "I", "Ł": "L"})


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return re.sub(r"[^a-z0-9]", "", text.encode("ascii", "ignore").decode().lower())


def digits(rng: random.Random, pattern: str) -> str:
    return "".join(str(rng.randrange(10)) if ch == "#" else ch for ch in pattern)


def fmt_money(x: float) -> str:
    return f"{x:,.2f}"


def month_year(day: dt.date) -> str:
    return day.strftime("%b %Y")


def next_on_or_after(day: dt.date, month: int, mday: int) -> dt.date:
    cand = dt.date(day.year, month, mday)
    return cand if cand >= day else dt.date(day.year + 1, month, mday)


def canton_sessions(anchor: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """Phase 1 (lighting) of the Canton Fair opens 15 April and 15 October.

    Returns (the one before last, the last one before the anchor, the next one at least
    a month after the anchor), so trade-show buyers were met at real-looking sessions.
    """
    starts = []
    for year in range(anchor.year - 2, anchor.year + 3):
        starts += [dt.date(year, 4, 15), dt.date(year, 10, 15)]
    past = [d for d in starts if d <= anchor - dt.timedelta(days=14)]
    future = [d for d in starts if d >= anchor + dt.timedelta(days=30)]
    return past[-2], past[-1], future[0]


# --------------------------------------------------------------------------- model


@dataclass
class Buyer:
    name: str
    first: str
    company: str
    email: str
    phone: str
    fax: str
    country: Country
    city: str
    source: str
    nature: str
    strength: str
    grade: str
    status: str
    owner: str
    models: list[str]
    last_ago: int = 0
    first_ago: int = 0
    uses_fax: bool = False
    new_idx: int = -1  # 0..3 for the four inquiries not yet answered
    tender: bool = False  # a contractor bidding a municipal street-lighting tender
    notes: list[str] = field(default_factory=list)
    next_follow_up: dt.date | None = None
    bid: str = ""
    contacts: list[dict] = field(default_factory=list)

    @property
    def region(self) -> str:
        return self.country.region


@dataclass
class World:
    anchor: dt.date
    rng: random.Random
    buyers: list[Buyer] = field(default_factory=list)
    inquiries: list[dict] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)
    samples: list[dict] = field(default_factory=list)
    large_sample_done: bool = False

    def at(self, days_ago: float, hour: float) -> dt.datetime:
        base = dt.datetime.combine(self.anchor, dt.time()) - dt.timedelta(days=days_ago)
        minutes = round(hour * 60 / 5) * 5
        return base + dt.timedelta(minutes=minutes)


# --------------------------------------------------------------------------- buyers

# Grades, statuses and how long ago the last contact was: the follow-up picture at the anchor.
# (grade, status, last contact days-ago range) -- "due" rows are at or past the cadence.
# fmt: off
BUYER_PLAN = (
    [("A", "Negotiating", (4, 8)), ("A", "Sample sent", (4, 6)), ("A", "Ordered", (5, 9)),
     ("A", "Negotiating", (4, 5)), ("A", "Quoted", (6, 9)),  # A, due
     ("A", "Negotiating", (1, 3)), ("A", "Sample sent", (1, 2)), ("A", "Ordered", (1, 3)),
     ("A", "Quoted", (2, 3)), ("A", "Negotiating", (1, 2)), ("A", "Sample sent", (2, 3))]
    + [("B", st, (8, 20)) for st in ("Quoted", "Sample sent", "Replied", "Negotiating",
                                     "Quoted", "Ordered", "Quoted", "Sample sent")]
    + [("B", st, (1, 6)) for st in ("Quoted", "Negotiating", "Sample sent", "Replied",
                                    "Quoted", "Ordered", "Quoted", "Replied", "Quoted",
                                    "Sample sent")]
    + [("C", st, (16, 40)) for st in ("Quoted", "Replied", "Quoted", "Replied", "Quoted",
                                      "Quoted", "Lost", "Replied")]
    + [("C", st, (2, 14)) for st in ("Quoted", "Replied", "Quoted", "Quoted", "Replied",
                                     "Quoted", "Ordered", "Quoted", "Replied")]
    + [("D", st, (32, 75)) for st in ("Replied", "Quoted", "Lost", "Replied", "Replied",
                                      "Quoted", "Lost")]
    + [("D", st, (5, 27)) for st in ("Replied", "Quoted", "Replied", "Replied", "Quoted",
                                     "Replied", "Lost", "Quoted")]
    + [("", "Replied", (1, 6))] * 8
)
# fmt: on
CADENCE = {"A": 3.5, "B": 7, "C": 15, "D": 30, "": 7}


def make_buyers(w: World) -> None:
    rng = w.rng
    slots: list[Country] = []
    for c in COUNTRIES:
        slots += [c] * c.count
    plan = list(BUYER_PLAN)
    assert len(plan) + 4 == len(slots), (len(plan), len(slots))
    rng.shuffle(slots)
    # Four brand-new inquiries, not yet answered: the last four countries drawn.
    plan += [("", "New", (1, 1))] * 3 + [("", "New", (3, 3))]
    used_names: list[str] = []
    used_companies: list[tuple[str, str]] = []
    used_emails: list[str] = []
    for country, (grade, status, (lo, hi)) in zip(slots, plan, strict=True):
        name, first = _person(rng, country, used_names)
        company = _company(rng, country, used_companies)
        city, area = rng.choice(country.cities)
        email = _email(rng, first, name, company, country, used_emails)
        phone = digits(rng, country.mobile.replace("{area}", area))
        uses_fax = (
            country.region in ("mideast", "africa", "latam") and rng.random() < 0.35
        ) or rng.random() < 0.08
        fax = digits(rng, country.fax.replace("{area}", area)) if uses_fax else ""
        if grade == "" or status == "New":
            source = rng.choice(("Alibaba", "Alibaba", "Alibaba", "Website"))
        else:
            source = rng.choices(
                ("Alibaba", "Trade show", "Old customer", "Website", "Referral"),
                weights=(50, 20, 13 if grade in "AB" else 4, 12, 4),
            )[0]
        if source == "Old customer" and status in ("Replied", "Lost"):
            status = "Quoted"
        strength = rng.choices(
            ("Large", "Medium", "Small"),
            weights=(40, 45, 15) if grade in ("A", "B") else (15, 45, 40),
        )[0]
        nature = rng.choices(NATURES, weights=(30, 22, 10, 20, 12, 6))[0]
        models = [rng.choice(REGION_MODELS[country.region])]
        b = Buyer(
            name,
            first,
            company,
            email,
            phone,
            fax,
            country,
            city,
            source,
            nature,
            strength,
            grade,
            status,
            OWNER if rng.random() < 0.78 else COLLEAGUE,
            models,
            uses_fax=bool(fax) and rng.random() < 0.6,
        )
        b.last_ago = rng.randint(lo, hi) if status != "Lost" else rng.randint(max(lo, 40), 110)
        if status == "New":
            b.new_idx = sum(x.status == "New" for x in w.buyers)
        w.buyers.append(b)
    _fix_sources(w)
    tenders = [
        b
        for b in w.buyers
        if b.grade in ("B", "C") and b.status == "Quoted" and b.source == "Alibaba"
        and b.region in ("latam", "mideast", "africa")
    ][:2]  # fmt: skip
    for b in tenders:
        b.tender, b.nature, b.models = True, "Contractor", ["LED-SL-150"]


def _fix_sources(w: World) -> None:
    """Make sure every source label occurs at least twice (the seed usually does it)."""
    for source in ("Alibaba", "Trade show", "Old customer", "Website", "Referral"):
        have = [b for b in w.buyers if b.source == source]
        pool = [
            b
            for b in w.buyers
            if b.source == "Alibaba"
            and b.grade in ("A", "B", "C")
            and b.status in QUOTED
            and b.status != "Lost"
        ]
        while len(have) < 2 and pool:
            b = pool.pop()
            b.source = source
            have.append(b)


def _person(rng: random.Random, c: Country, used: list[str]) -> tuple[str, str]:
    for _ in range(50):
        if c.full_names:
            name = rng.choice(c.full_names)
            first = name.split()[-1]
        else:
            first = rng.choice(c.first)
            name = f"{first} {rng.choice(c.last)}"
        if name not in used:
            used.append(name)
            return name, first
    raise RuntimeError(f"ran out of names for {c.name}")


def _company(rng: random.Random, c: Country, used: list[tuple[str, str]]) -> str:
    stems = [s for s in c.stems if (c.name, s) not in used]
    if not stems:
        raise RuntimeError(f"ran out of company names for {c.name}")
    stem = rng.choice(stems)
    used.append((c.name, stem))
    return rng.choice(c.patterns).format(s=stem)


def _email(rng, first, name, company, c: Country, used: list[str]) -> str:
    words = [x for x in company.replace("PT ", "").split() if x[0].isupper()][:2]
    domain = f"{slug(''.join(words))}.{c.tld}"
    last = name.split()[-1] if not c.full_names else name.split()[0]
    for _ in range(20):
        if rng.random() < 0.16:
            local = f"{slug(first)}{slug(last)}{rng.randint(10, 99)}"
            email = f"{local}@{rng.choice(FREE_MAIL)}"
        else:
            local = rng.choice(
                (
                    slug(first),
                    f"{slug(first)}.{slug(last)}",
                    f"{slug(first)[:1]}.{slug(last)}",
                    "purchasing",
                    "info",
                    "sales",
                    "procurement",
                )
            )
            email = f"{local}@{domain}"
        if email not in used:
            used.append(email)
            return email
    raise RuntimeError("ran out of emails")


# --------------------------------------------------------------------------- stories

Q_KINDS = ("specific", "sample", "payment", "tender", "oem", "repeat", "tradeshow", "project")


def inquiry_text(
    w: World, b: Buyer, kind: str, p: Product, qty: int, when: dt.datetime, target: str, fair: str
) -> str:
    rng = w.rng
    by = (when.date() + dt.timedelta(days=rng.randint(45, 90))).strftime("%B %Y")
    nat = b.nature.lower()
    nat = ("an " if nat[0] in "aeiou" else "a ") + nat
    if kind == "generic":
        return rng.choice(
            (
                "Hello, I am interested in your products. Please send me your catalog and price "
                "list. Thanks.",
                f"Dear Sir/Madam, please send price list and catalog for LED lighting. "
                f"Regards, {b.name}",
                f"Hi, we are {nat} in {b.city}. Send your latest catalog and prices of "
                f"{p.short}, please.",
                "Please quote your best price for your LED products and send catalog. "
                "What is your MOQ?",
            )
        )
    if kind == "project":
        return (
            f"We are preparing a {rng.choice(('warehouse', 'factory', 'parking', 'school'))} "
            f"project for next year, roughly {qty:,} {p.unit} of {p.short} ({p.model}). Not "
            f"urgent: please send datasheet, certificates and an indicative price."
        )
    if kind == "tender":
        close = (when.date() + dt.timedelta(days=rng.randint(30, 60))).strftime("%d %B %Y")
        return (
            f"We are bidding a municipal tender in {b.city} for about {qty:,} {p.unit} "
            f"{p.model}, closing {close}. Please send datasheet, IES files, LM-80 report and "
            f"your best CIF price. Payment by L/C at sight."
        )
    if kind == "sample":
        return (
            f"Hi, we need {p.short} ({p.model}), about {qty:,} {p.unit} for the first order. "
            f"Can you send a sample first? How much is the sample and who pays the freight? "
            f"We have a DHL account."
        )
    if kind == "payment":
        return (
            f"Please quote {qty:,} {p.unit} {p.model}, {p.tech.split(';')[0]}, FOB {PORT}. "
            f"What are your payment terms? We prefer 30% deposit and 70% against B/L copy."
            + (f" Our target price is {target}." if target else "")
        )
    if kind == "oem":
        return (
            f"Can you do OEM with our logo on the housing and our own color box? We need "
            f"{qty:,} {p.unit} {p.model} per month if the price is right."
            + (f" Target {target}." if target else "")
        )
    if kind == "repeat":
        return (
            f"Hi {OWNER.split()[0]}, we need to reorder {qty:,} {p.unit} {p.model}, same "
            f"packing and labels as last time. Please confirm price and lead time."
        )
    if kind == "tradeshow":
        return (
            f"Met at {fair}. Interested in {p.short} ({p.model}), {qty:,} {p.unit} for a "
            f"customer project; please send quotation and catalog after the fair."
        )
    return (
        f"We are {nat} of lighting products in {b.country.name}. We need {qty:,} {p.unit} "
        f"{p.name} ({p.model}), {rng.choice(('4000K', '5000K', '6500K'))}. Please quote your "
        f"best FOB {PORT} price and lead time; we need the goods before {by}."
        + (f" Our target price is {target}." if target else "")
    )


OPEN_CHANNEL = {  # source -> (inquiry channel, contact channel)
    "Alibaba": ("alibaba", "alibaba"),
    "Website": ("website", "email"),
    "Trade show": ("trade-show", "meeting"),
    "Old customer": ("email", "email"),
    "Referral": ("email", "email"),
}
CONTACT_CHANNEL = {
    "alibaba": "alibaba",
    "website": "email",
    "trade-show": "meeting",
    "email": "email",
    "tel": "tel",
    "fax": "fax",
    "post": "post",
}
QUOTED = ("Quoted", "Sample sent", "Negotiating", "Ordered", "Lost")

FOLLOW = [  # outbound follow-ups: (channel, summary, next step)
    (
        "email",
        "Followed up on quote {qno}: asked if price and lead time work for them",
        "Wait for reply; call if no answer in a week",
    ),
    (
        "tel",
        "Called {first}: project still being evaluated, decision expected in {n} weeks",
        "Call again next week",
    ),
    (
        "email",
        "Sent new product news: {newmodel} ({newname}) with e-catalog link",
        "Ask for feedback on the new models",
    ),
    (
        "email",
        "Invited {first} to our booth {booth} at {fair}; offered to arrange a meeting",
        "Confirm meeting time",
    ),
    (
        "alibaba",
        "Sent Alibaba message with the updated price list for the {series} series",
        "Wait for reply",
    ),
    (
        "post",
        "Posted printed catalog, price list and a reply form by express courier",
        "Wait for the reply form",
    ),
    (
        "email",
        "Sent market news: copper and aluminium prices up, suggested ordering before "
        "Chinese New Year",
        "Follow up on order plan",
    ),
    (
        "email",
        "Shared company news: new automatic SMT line, lead time now {lead} days",
        "Ask about next quarter's needs",
    ),
]
TEL_A = [  # A-grade buyers get phone calls
    (
        "tel",
        "Called {first}: project still being evaluated, decision expected in {n} weeks",
        "Call again next week",
    ),
    (
        "tel",
        "Called {first}: they compare three suppliers, our samples rated best on quality",
        "Send final offer with payment terms",
    ),
    (
        "tel",
        "Called {first} to confirm quantity {qty} {unit}, {cct}, shipment by sea to {city}",
        "Update PI draft",
    ),
    (
        "tel",
        "Called {first}: asked whether partial shipment is possible for the first order",
        "Check production schedule",
    ),
]
QUESTIONS = [  # inbound questions: (channel, summary, next step)
    (
        "email",
        "Asked for IES files, LM-80 report and CE/RoHS certificates for {model}",
        "Send documents",
    ),
    (
        "email",
        "Asked about packing: pcs per carton and 20ft/40HQ container loading for {model}",
        "Send packing list",
    ),
    (
        "alibaba",
        "Asked whether we can print their logo on housing and color box (OEM)",
        "Confirm OEM MOQ and cost",
    ),
    ("tel", "{first} called: asked about warranty terms and spare drivers", "Send warranty policy"),
    (
        "email",
        "Asked for payment terms: prefers 30% deposit, balance against B/L copy",
        "Check with manager and confirm",
    ),
    ("email", "Asked if {model} can be made in {cct} with a {opt}", "Check with engineering"),
]
NEGOTIATE_IN = [
    (
        "email",
        "Says our price is {pct}% higher than a supplier in {rival}; asks best price for "
        "{qty} {unit}",
        "Discuss discount with production",
    ),
    (
        "tel",
        "{first} called: end customer wants a lower price or free spare parts (1%)",
        "Offer 1% free spares instead of a discount",
    ),
]
NEGOTIATE_OUT = [
    (
        "email",
        "Sent revised quote {qno2}: USD {price2}/{unit1} for {qty} {unit}, FOB {port}; "
        "explained driver and LED chip brands",
        "Wait for decision",
    ),
    (
        "meeting",
        "Video call with {first} and their engineer: went through drawings and specs; "
        "they will decide after internal meeting",
        "Send final spec sheet",
    ),
]
ORDER = [
    ("in", "email", "Confirmed order: {qty} {unit} {model}; asked for proforma invoice", "Send PI"),
    (
        "out",
        "email",
        "Sent PI BW-{pi} for USD {amount}, 30% T/T deposit, balance before shipment",
        "Wait for deposit",
    ),
    (
        "in",
        "email",
        "Deposit received (USD {deposit}); production scheduled, {lead} days",
        "Send production photos",
    ),
    (
        "out",
        "email",
        "Shipped {qty} {unit} {model} from {port}; sent B/L copy and packing list",
        "Check arrival and feedback",
    ),
    (
        "out",
        "email",
        "Sent production photos and QC report for {qty} {unit} {model}",
        "Book shipment; send booking details",
    ),
]
OLD_HISTORY = [
    ("out", "email", "Sent season's greetings and the new year catalog", "Ask about next order"),
    (
        "in",
        "email",
        "Feedback on last shipment: goods arrived in good condition, 2 pcs damaged in transit",
        "Send 2 replacements with next order",
    ),
    (
        "out",
        "tel",
        "Called {first}: their stock of {model} runs out in about two months",
        "Send reorder reminder",
    ),
]
FEEDBACK = (
    "light output and finish are good; driver runs a bit hot after a 4 h burn-in",
    "quality approved by their end customer; wants 4000K instead of 5000K",
    "good brightness, but one lens was scratched: improve the packing",
    "passed their photometric test; waiting for the project owner's approval",
    "sample OK, asks for a 3% discount on the first order",
)
LOST = [
    (
        "in",
        "email",
        "Placed the order with another supplier: price was {pct}% lower",
        "Keep in touch; send new models next quarter",
    ),
    ("in", "alibaba", "Project cancelled by their end customer", "Check back in three months"),
]


def build_story(w: World, b: Buyer, fairs: tuple[dt.date, dt.date, dt.date]) -> None:
    """Contacts, inquiries, quotes and samples for one buyer, from first to last contact."""
    rng = w.rng
    prev_fair, last_fair, next_fair = fairs
    ctx = {
        "first": b.first,
        "booth": "11.2 C23",
        "fair": f"Canton Fair Guangzhou ({next_fair.strftime('%d-')}"
        f"{(next_fair + dt.timedelta(days=4)).strftime('%d %b %Y')})",
        "port": PORT,
        "lead": rng.choice((20, 25, 30)),
        "n": rng.randint(2, 6),
        "rival": rng.choice(RIVALS),
        "pct": rng.randint(5, 15),
        "cct": rng.choice(("3000K", "4000K", "5700K")),
        "opt": rng.choice(("DALI driver", "0-10V dimming", "motion sensor", "emergency kit")),
    }
    # --- when: first contact and the contact days
    L = b.last_ago
    cad = CADENCE[b.grade]
    if b.source == "Old customer":
        F = rng.randint(250, 420)
    elif b.source == "Trade show":
        F = None
        for fair in (last_fair, prev_fair):
            ago = (w.anchor - fair).days - rng.randint(0, 4)
            if ago >= L + 6:
                F = ago
                break
        if F is None:
            b.source, F = "Alibaba", L + 20
    elif b.status == "New":
        F = L
    elif b.grade == "":
        F = L + rng.randint(0, 3)
    else:
        span = {"A": (10, 35), "B": (15, 90), "C": (25, 130), "D": (30, 190)}[b.grade]
        F = L + rng.randint(*span)
    beats = _beats(b)
    F = max(F, L + 2 * len(beats) + (2 if beats else 0)) if b.status != "New" else F
    b.first_ago = F
    days: list[int] = []  # days-ago of each contact after the reply, oldest first
    if b.status != "New" and F > L:
        d = F
        while True:
            gap = cad * rng.uniform(1.1, 2.4) if d <= L + 30 else rng.uniform(30, 80)
            d = round(d - max(1.0, gap))
            if d <= L:
                break
            days.append(d)
        while len(days) + 1 < len(beats):
            extra = rng.randint(L + 1, F - 1)
            if extra not in days:
                days.append(extra)
        days = [*sorted(days, reverse=True), L]

    # --- the opening inquiry
    inq_ch, con_ch = OPEN_CHANNEL[b.source]
    if b.uses_fax and b.source != "Trade show" and rng.random() < 0.7:
        inq_ch, con_ch = "fax", "fax"
    new_hour = 0.0
    if b.status == "New":
        inq_ch, con_ch, new_hour = (
            ("alibaba", "alibaba", 21.25),
            ("website", "email", 17.67),
            ("fax", "fax", 15.33),
            ("email", "email", 10.08),
        )[b.new_idx]
        b.source = "Alibaba" if inq_ch == "alibaba" else "Website"
        if inq_ch == "fax" and not b.fax:
            area = b.country.cities[0][1]
            b.fax = digits(rng, b.country.fax.replace("{area}", area))
    if b.source == "Referral":
        inq_ch = con_ch = rng.choice(("email", "tel"))
    if b.status == "New":
        kind = "generic" if inq_ch in ("website", "alibaba") else "specific"
    elif b.status == "Replied":
        kind = "project" if b.grade == "C" else "generic"
        if b.source == "Trade show":
            kind = "tradeshow"
    elif b.source == "Old customer":
        kind = "repeat"
    elif b.source == "Trade show":
        kind = "tradeshow"
    else:
        kind = rng.choice(("specific", "specific", "sample", "payment", "oem"))
        if b.nature == "Contractor" and b.models[0].startswith(("LED-SL", "SOL-SL")):
            kind = "tender"
        if b.grade == "C" and rng.random() < 0.4:
            kind = "project"
        if b.tender:
            kind = "tender"
    if b.status == "New":
        opened = w.at(F, new_hour)
    elif inq_ch == "trade-show":
        opened = w.at(F, rng.uniform(9.5, 17))
    else:
        opened = w.at(F, rng.choice((rng.uniform(8.5, 17.5), rng.uniform(0, 24))))
    fair_name = f"Canton Fair {month_year(w.anchor - dt.timedelta(days=F))}"
    if b.source == "Trade show":
        b.notes.append(f"Met at {fair_name}, booth 11.2 C23; took catalog and card.")
    model = b.models[0]
    inq = _inquiry(w, b, model, kind, opened, inq_ch, con_ch, fair_name, ctx)
    inq["status"] = b.status
    if b.status == "New":
        return

    # --- the reply, then one contact per day slot
    quoted = b.status in QUOTED or kind in ("repeat",)
    _reply(w, b, inq, quoted, ctx)
    reply_at = b.contacts[-1]["date"]
    slots = [w.at(x, rng.uniform(8.5, 18)) for x in days]
    slots = [s for s in slots if s > reply_at + dt.timedelta(hours=2)]
    if not slots and beats:
        slots = [min(reply_at + dt.timedelta(days=1), w.at(0, 0) - dt.timedelta(hours=3))]
    n = len(slots)
    chosen = sorted(rng.sample(range(n - 1), max(0, min(len(beats) - 1, n - 1))))
    if beats:
        chosen.append(n - 1)
        beats = beats[-len(chosen) :]
    beat_at = dict(zip(chosen, beats, strict=True))
    fillers_out = rng.sample(FOLLOW, len(FOLLOW))
    fillers_in = rng.sample(QUESTIONS, len(QUESTIONS))
    for i, when in enumerate(slots):
        if i in beat_at:
            _beat(w, b, beat_at[i], when, inq, ctx, b.contacts[-1]["date"])
            continue
        if rng.random() < 0.6:
            ch, summary, nxt = fillers_out[i % len(fillers_out)]
            if b.grade == "A" and rng.random() < 0.5:  # TEL for A-grade buyers
                ch, summary, nxt = rng.choice(TEL_A)
            if ch == "email" and b.uses_fax and rng.random() < 0.5:
                ch = "fax"
            direction = "out"
            if not quoted and "{qno}" in summary:
                ch, summary, nxt = FOLLOW[2]
        else:
            ch, summary, nxt = fillers_in[i % len(fillers_in)]
            direction = "in"
        _contact(b, when, ch, direction, _fill(summary, b, inq, ctx), _fill(nxt, b, inq, ctx))
    # a second (or third) inquiry from the same buyer, in between
    extras = 0
    if b.grade and F - L > 12:
        extras = rng.choices((0, 1, 2), weights=(30, 50, 20) if b.grade in "AB" else (50, 42, 8))[0]
    for _ in range(extras):
        others = [m for m in REGION_MODELS[b.region] if m not in b.models]
        m2 = rng.choice(others)
        b.models.append(m2)
        day = rng.randint(L + 4, F - 1)
        ch2 = rng.choice(
            ("email", "email", "alibaba", "tel", "post")
            if not b.uses_fax
            else ("fax", "fax", "email")
        )
        when = w.at(day, rng.uniform(0, 24))
        k2 = rng.choice(("specific", "sample", "payment", "generic"))
        if b.status == "Replied":
            k2 = "generic"
        inq2 = _inquiry(w, b, m2, k2, when, ch2, CONTACT_CHANNEL[ch2], fair_name, ctx)
        q2 = k2 != "generic"
        _reply(w, b, inq2, q2, ctx)
        inq2["status"] = "Quoted" if q2 else "Replied"
        if b.status == "Lost":
            inq2["status"] = "Lost"
    b.contacts.sort(key=lambda c: c["date"])


def _beats(b: Buyer) -> list[tuple]:
    st = b.status
    out: list[tuple] = []
    if b.source == "Old customer":
        out += [("order",), ("ship",), ("old", 0), ("old", 1), ("old", 2)]
    if st == "Quoted":
        out += [("q",)]
    elif st == "Sample sent":
        out += [("q",), ("sample",)]
    elif st == "Negotiating":
        out += [("q",), ("sample",), ("feedback",), ("neg_in",), ("neg_out",)]
    elif st == "Ordered":
        out += [("neg_in",), ("neg_out",), ("order",), ("prod",)]
    elif st == "Lost":
        out += [("neg_in",), ("lost",)]
    return out


def _fill(text: str, b: Buyer, inq: dict, ctx: dict) -> str:
    p = BY_MODEL[inq["product"]]
    new = NEW_MODELS[len(b.name) % len(NEW_MODELS)]
    values = dict(ctx)
    values.update(
        model=p.model,
        qty=f"{inq['quantity'] or p.qtys[1]:,}",
        unit=p.unit,
        unit1=p.unit.rstrip("s"),
        qno=inq.get("_quote_token") or "(price list)",
        series=p.model.rsplit("-", 1)[0],
        newmodel=new.model,
        newname=new.name,
        name=b.name,
        city=b.city,
    )
    return text.format(**values)


def _round(t: dt.datetime) -> dt.datetime:
    return t.replace(second=0, microsecond=0) - dt.timedelta(minutes=t.minute % 5)


def _contact(
    b: Buyer, when: dt.datetime, channel: str, direction: str, summary: str, nxt: str
) -> dict:
    when = _round(when)
    c = {
        "date": when,
        "buyer": b,
        "channel": channel,
        "direction": direction,
        "summary": summary,
        "next_step": nxt,
    }
    b.contacts.append(c)
    return c


def _inquiry(w, b, model, kind, when, inq_ch, con_ch, fair_name, ctx) -> dict:
    rng = w.rng
    p = BY_MODEL[model]
    qty = rng.choice(p.qtys)
    if kind == "tender":
        qty = max(qty, p.qtys[-2])
    target = ""
    if kind in ("specific", "payment", "oem") and rng.random() < 0.55:
        target = f"USD {unit_price(p, qty, b.region) * rng.uniform(0.82, 0.95):.2f}"
    msg = inquiry_text(w, b, kind, p, qty, when, target, fair_name)
    inq = {
        "received": when,
        "channel": inq_ch,
        "buyer": b,
        "email": b.email,
        "product": model,
        "quantity": None if kind == "generic" else qty,
        "target_price": target or None,
        "message": msg,
        "grade": b.grade or None,
        "replied": None,
        "quote_no": None,
        "status": "New",
        "_kind": kind,
    }
    w.inquiries.append(inq)
    summary = {
        "alibaba": f"Alibaba inquiry for {model}",
        "website": f"Website form inquiry about {p.short}",
        "trade-show": f"Met at our booth ({fair_name}); interested in {model}",
        "fax": f"Fax inquiry for {model}",
        "tel": f"Phone inquiry for {model}",
        "post": f"Letter by post asking for catalog and prices of {p.short}",
        "email": f"Email inquiry for {model}",
    }[inq_ch]
    if kind != "generic" and inq_ch != "post":
        summary += f", {qty:,} {p.unit}"
        if target:
            summary += f", target {target}"
    if kind == "generic" and inq_ch != "post":
        summary += ": wants catalog and price list"
    elif kind in ("sample", "tender", "project", "repeat", "oem"):
        summary += {
            "sample": ": asks for a sample first",
            "tender": ": municipal tender",
            "project": ": project next year",
            "repeat": ": repeat order",
            "oem": ": OEM with own logo",
        }[kind]
    nxt = "Reply by fax within 12 hours" if inq_ch == "fax" else "Reply and quote today"
    _contact(b, when, con_ch, "in", summary, nxt)
    return inq


def _reply_time(w: World, inq: dict) -> dt.datetime:
    rng = w.rng
    got = inq["received"]
    if inq["channel"] == "trade-show":
        return got.replace(hour=10, minute=0) + dt.timedelta(days=rng.randint(1, 3))
    if rng.random() < 0.05:  # the odd slow reply, for the statistics
        return got + dt.timedelta(hours=rng.uniform(26, 40))
    if 8.5 <= got.hour + got.minute / 60 <= 17.5:
        return got + dt.timedelta(minutes=rng.choice((25, 40, 55, 70, 90, 110, 150)))
    # outside office hours: the morning, noon or evening mail check
    nxt = got if got.hour < 8 else got + dt.timedelta(days=1)
    if got.hour >= 20 or got.hour < 8:
        at = nxt.replace(hour=8, minute=rng.choice((20, 35, 50)))
    else:
        at = got.replace(hour=21, minute=rng.choice((5, 20, 40)))
    return at


def _reply(w: World, b: Buyer, inq: dict, quoted: bool, ctx: dict) -> None:
    rng = w.rng
    when = _round(_reply_time(w, inq))
    if when >= w.at(0, 0):
        when = w.at(0, 0) - dt.timedelta(hours=1)
    inq["replied"] = when
    ch = CONTACT_CHANNEL[inq["channel"]]
    if ch in ("meeting", "tel", "post", "website"):
        ch = "email"
    p = BY_MODEL[inq["product"]]
    if quoted:
        qty = inq["quantity"] or p.qtys[1]
        inq["quantity"] = qty
        quote = _quote(w, b, p, qty, when.date())
        inq["_quote_token"] = quote["_token"]
        inq["quote_no"] = quote["_token"]
        price = quote["unit_price"]
        summary = (
            f"Quoted {quote['_token']}: USD {price:.2f}/{p.unit.rstrip('s')} for "
            f"{qty:,} {p.unit} {p.model}, {quote['incoterm']}; sent e-catalog and "
            f"company profile"
        )
        if b.region in ("mideast", "sea"):
            summary += "; competitive first price"
        elif b.region == "us":
            summary += "; explained 5-year warranty and US after-sales in the price"
        nxt = rng.choice(
            (
                "Follow up in 3 days",
                "Wait for feedback on price",
                "Call to confirm they received the quote",
            )
        )
    else:
        summary = (
            "Replied: sent e-catalog, price list and company profile (est. 2008, "
            "ISO 9001); asked about their market and quantities"
        )
        nxt = "Wait for their product selection"
    _contact(b, when, ch, "out", summary, nxt)


def _quote(w: World, b: Buyer, p: Product, qty: int, day: dt.date, factor: float = 1.0) -> dict:
    rng = w.rng
    incoterm = "FOB"
    if b.region in ("africa", "latam") and rng.random() < 0.45:
        incoterm = "CIF"
    elif rng.random() < 0.05:
        incoterm = "EXW"
    price = round(unit_price(p, qty, b.region) * factor * (1.06 if incoterm == "CIF" else 1), 2)
    q = {
        "date": day,
        "buyer": b,
        "region": b.region,
        "model": p.model,
        "quantity": qty,
        "unit_price": price,
        "currency": "USD",
        "incoterm": incoterm,
        "valid_until": day + dt.timedelta(days=30),
        "_token": f"⟦Q{len(w.quotes)}⟧",
        "file": None,
    }
    w.quotes.append(q)
    return q


def _beat(
    w: World, b: Buyer, beat: tuple, when: dt.datetime, inq: dict, ctx: dict, prev: dt.datetime
) -> None:
    rng = w.rng
    p = BY_MODEL[inq["product"]]
    qty = inq["quantity"] or p.qtys[1]
    kind = beat[0]
    fill = lambda s: _fill(s, b, inq, ctx)  # noqa: E731
    if kind == "q":
        ch, s, n = rng.choice(QUESTIONS)
        _contact(b, when, ch, "in", fill(s), fill(n))
    elif kind == "sample":
        _sample(w, b, p, when, qty)
    elif kind == "feedback":
        fb = rng.choice(FEEDBACK)
        for s in reversed(w.samples):
            if s["buyer"] is b:
                s["feedback"] = fb[0].upper() + fb[1:] + "."
                s["status"] = "Feedback received"
                break
        _contact(
            b, when, "email", "in", f"Sample feedback: {fb}", "Send final quote for the first order"
        )
    elif kind == "neg_in":
        ch, s, n = rng.choice(NEGOTIATE_IN)
        _contact(b, when, ch, "in", fill(s), fill(n))
    elif kind == "neg_out":
        ch, s, n = rng.choice(NEGOTIATE_OUT)
        values = {}
        if "{qno2}" in s:
            q2 = _quote(w, b, p, qty, when.date(), factor=0.96)
            values = {"qno2": q2["_token"], "price2": f"{q2['unit_price']:.2f}"}
        _contact(
            b,
            when,
            ch,
            "out",
            fill(
                s.replace("{qno2}", values.get("qno2", "")).replace(
                    "{price2}", values.get("price2", "")
                )
            ),
            fill(n),
        )
    elif kind in ("order", "ship", "prod"):
        # an order is confirmed, invoiced and paid within days: the slot is the deposit
        amount = qty * unit_price(p, qty, b.region)
        extra = {
            "pi": f"{when:%y%m}{rng.randint(10, 99)}",
            "amount": fmt_money(amount),
            "deposit": fmt_money(round(amount * 0.3, -1)),
        }
        confirm = max(prev + dt.timedelta(hours=3), when - dt.timedelta(days=rng.randint(3, 6)))
        times = {
            "order": [(0, confirm), (1, confirm + dt.timedelta(hours=2)), (2, when)],
            "ship": [(3, when)],
            "prod": [(4, when)],
        }[kind]
        for idx, at in times:
            direction, ch, s, n = ORDER[idx]
            s = (
                s.replace("{pi}", extra["pi"])
                .replace("{amount}", extra["amount"])
                .replace("{deposit}", extra["deposit"])
            )
            _contact(b, at, ch, direction, fill(s), fill(n))
    elif kind == "old":
        direction, ch, s, n = OLD_HISTORY[beat[1]]
        _contact(b, when, ch, direction, fill(s), fill(n))
    elif kind == "lost":
        direction, ch, s, n = rng.choice(LOST)
        _contact(b, when, ch, direction, fill(s), fill(n))


def _sample(w: World, b: Buyer, p: Product, when: dt.datetime, qty: int) -> None:
    rng = w.rng
    ago = (w.anchor - when.date()).days
    large = not w.large_sample_done and p.model in (
        "LED-SL-150",
        "LED-SL-100",
        "SOL-SL-60",
        "LED-HB-200",
        "LED-FL-200",
        "LED-HB-150",
    )
    if not large and rng.random() < 0.3:
        w.samples.append(
            {
                "date": when.date(),
                "buyer": b,
                "model": p.model,
                "kind": "E-sample",
                "freight": None,
                "payment": "Free",
                "courier": None,
                "tracking": None,
                "status": "Sent",
                "feedback": None,
            }
        )
        _contact(
            b,
            when,
            "email",
            "out",
            f"E-sample: sent photos, spec sheet and e-catalog of {p.model}",
            "Offer a physical sample",
        )
        return
    courier = rng.choice(("DHL", "DHL", "FedEx"))
    tracking = digits(rng, "##########" if courier == "DHL" else "############")
    status = "Delivered" if ago >= 5 else "Sent"
    if large:
        w.large_sample_done = True
        b.strength = "Large"
        cost = 180 + rng.randint(2, 8) * 10
        freight, payment = "Prepaid by buyer", f"T/T in advance (USD {cost})"
        _contact(
            b,
            when - dt.timedelta(days=1),
            "email",
            "in",
            f"Paid USD {cost} by T/T for a {p.model} sample (large sample, incl. freight)",
            "Ship sample on receipt of payment",
        )
        summary = (
            f"Large sample of {p.model} shipped by {courier} after T/T payment, tracking {tracking}"
        )
    elif rng.random() < 0.35:
        freight, payment = f"Buyer's {courier} account", "Free sample"
        summary = (
            f"Sent 2 pcs {p.model} sample on the buyer's {courier} account, tracking {tracking}"
        )
    else:
        freight, payment = "Freight collect", "Free sample"
        summary = f"Sent {p.model} sample by {courier}, freight collect, tracking {tracking}"
    w.samples.append(
        {
            "date": when.date(),
            "buyer": b,
            "model": p.model,
            "kind": "Physical",
            "freight": freight,
            "payment": payment,
            "courier": courier,
            "tracking": tracking,
            "status": status,
            "feedback": None,
        }
    )
    _contact(b, when, "email", "out", summary, "Check delivery, then ask for test results")


# --------------------------------------------------------------------------- assemble


def build(anchor: dt.date) -> World:
    w = World(anchor, random.Random(SEED))
    fairs = canton_sessions(anchor)
    make_buyers(w)
    for b in w.buyers:
        build_story(w, b, fairs)
    _finish_buyers(w)
    _number(w)
    return w


def _finish_buyers(w: World) -> None:
    rng = w.rng
    for b in w.buyers:
        b.contacts.sort(key=lambda c: c["date"])
        if b.source == "Old customer":
            since = (w.anchor - dt.timedelta(days=b.first_ago)).year - rng.randint(1, 5)
            b.notes.insert(
                0,
                f"Old customer: first ordered in {since}, before this log "
                "started; reorders about twice a year.",
            )
        if b.source == "Referral":
            other = rng.choice([x for x in w.buyers if x.source == "Old customer"] or w.buyers)
            b.notes.append(f"Referred by {other.company.rstrip('.')}.")
        if b.country.name == "Saudi Arabia":
            b.notes.append("Needs SASO/SABER certificates for customs.")
        if b.region == "us" and rng.random() < 0.6:
            b.notes.append("Needs UL + DLC listing; values the 5-year warranty.")
        if b.fax and b.uses_fax:
            b.notes.append("Prefers fax: reply by fax.")
        if b.grade == "A" and rng.random() < 0.6:
            b.notes.append(f"Decision maker: {b.name}, purchasing manager.")
        if b.grade == "C" and any(i["_kind"] == "project" for i in w.inquiries if i["buyer"] is b):
            b.notes.append("Budget for the project expected next year.")
        if rng.random() < 0.15:
            b.notes.append("Prefers WhatsApp for quick questions.")
        if b.status == "Lost":
            b.notes.append("Lost on price; keep sending new models.")
    # a few explicit next follow-up dates, both ahead and one already missed
    picks = {
        ("A", "Negotiating"): (3, "Promised to call back on the agreed day."),
        ("C", "Quoted"): (45, "Asked us to contact them again after budget approval."),
        ("D", "Replied"): (20, None),
        ("B", "Quoted"): (-2, "Said to call after their stock check."),
        ("A", "Ordered"): (12, "Shipment ETA; check arrival."),
        ("B", "Sample sent"): (4, None),
    }
    for (grade, status), (offset, note) in picks.items():
        for b in w.buyers:
            if b.grade == grade and b.status == status and b.next_follow_up is None:
                b.next_follow_up = w.anchor + dt.timedelta(days=offset)
                if note:
                    b.notes.append(note)
                break


def _number(w: World) -> None:
    """IDs in date order: buyers by first contact, inquiries by receipt, quotes by date."""
    w.buyers.sort(key=lambda b: (b.contacts[0]["date"], b.company))
    for i, b in enumerate(w.buyers, start=1):
        b.bid = f"B{i:04d}"
    w.inquiries.sort(key=lambda q: (q["received"], q["buyer"].bid))
    for i, q in enumerate(w.inquiries, start=1):
        q["inquiry_id"] = f"I{i:04d}"
    order = sorted(range(len(w.quotes)), key=lambda i: (w.quotes[i]["date"], i))
    counters: dict[int, int] = {}
    tokens: dict[str, str] = {}
    for i in order:
        q = w.quotes[i]
        year = q["date"].year
        counters[year] = counters.get(year, 0) + 1
        q["quote_no"] = f"QT{year}-{counters[year]:04d}"
        tokens[q["_token"]] = q["quote_no"]
        if counters[year] % 4 != 0:
            q["file"] = f"quotes/{q['quote_no']}.txt"
    w.quotes = [w.quotes[i] for i in order]

    def sub(text):
        return re.sub(r"⟦Q\d+⟧", lambda m: tokens[m.group(0)], text) if text else text

    for b in w.buyers:
        for c in b.contacts:
            c["summary"] = sub(c["summary"])
            c["next_step"] = sub(c["next_step"])
    for q in w.inquiries:
        q["quote_no"] = sub(q["quote_no"])
    w.samples.sort(key=lambda s: (s["date"], s["buyer"].bid))


FIRST_GRADE_WHY = {
    "A": "Clear intent: quantity, target price and delivery date given",
    "B": "Interested, but comparing suppliers on price",
    "C": "Long-term project: budget expected next year",
    "D": "Asked for a catalog only; intent unclear",
}


def grade_history(w: World) -> list[dict]:
    """Each graded buyer's first grade (at the first reply), and the upgrades to A since."""
    rng = random.Random(SEED + 1)  # its own stream: the rest of the sample stays as it is
    latest = dt.datetime.combine(w.anchor, dt.time()) - dt.timedelta(minutes=1)
    rows = []
    for b in w.buyers:
        if not b.grade:
            continue
        opening = next(q for q in w.inquiries if q["buyer"] is b)
        initial = b.grade
        if b.grade == "A" and rng.random() < 0.6:
            initial = "B"
        elif b.grade == "D" and b.status == "Lost":
            initial = "C"
        at = (opening["replied"] or opening["received"]) + dt.timedelta(minutes=10)
        rows.append(
            {
                "date": min(at, latest),
                "buyer_id": b.bid,
                "email": b.email,
                "inquiry_id": opening["inquiry_id"],
                "from_grade": None,
                "to_grade": initial,
                "why": FIRST_GRADE_WHY[initial],
            }
        )
        if initial != b.grade:
            cs = b.contacts
            c = cs[max(2, len(cs) * 2 // 3)] if len(cs) > 3 else cs[-1]
            why = (
                "Sample approved and quantity confirmed; asked for PI"
                if b.grade == "A"
                else "Order went to another supplier; keep in touch"
            )
            rows.append(
                {
                    "date": min(max(c["date"], at) + dt.timedelta(minutes=5), latest),
                    "buyer_id": b.bid,
                    "email": b.email,
                    "inquiry_id": None,
                    "from_grade": initial,
                    "to_grade": b.grade,
                    "why": why,
                }
            )
    rows.sort(key=lambda r: (r["date"], r["buyer_id"]))
    return rows


def write(w: World, out: Path) -> None:
    wb = new_workbook()
    sheets = {s.key: wb[s.title] for s in schema.SHEETS}
    for b in w.buyers:
        first = b.contacts[0]["date"].date()
        last = b.contacts[-1]["date"].date()
        append_record(
            sheets["buyers"],
            schema.BUYERS,
            {
                "buyer_id": b.bid,
                "name": b.name,
                "company": b.company,
                "email": b.email,
                "phone": b.phone,
                "fax": b.fax or None,
                "country": b.country.name,
                "city": b.city,
                "region": b.region,
                "source": b.source,
                "nature": b.nature,
                "strength": b.strength,
                "grade": b.grade or None,
                "products": ", ".join(b.models),
                "status": b.status,
                "first_contact": first,
                "last_contact": last,
                "next_follow_up": b.next_follow_up,
                "owner": b.owner,
                "notes": " ".join(b.notes) or None,
            },
        )
    for q in w.inquiries:
        rec = {k: v for k, v in q.items() if not k.startswith("_") and k != "buyer"}
        rec["buyer_id"] = q["buyer"].bid
        append_record(sheets["inquiries"], schema.INQUIRIES, rec)
    contacts = sorted(
        (c for b in w.buyers for c in b.contacts), key=lambda c: (c["date"], c["buyer"].bid)
    )
    for c in contacts:
        append_record(
            sheets["contacts"],
            schema.CONTACTS,
            {
                "date": c["date"],
                "buyer_id": c["buyer"].bid,
                "email": c["buyer"].email,
                "channel": c["channel"],
                "direction": c["direction"],
                "summary": c["summary"],
                "next_step": c["next_step"],
            },
        )
    for p in PRODUCTS:
        append_record(
            sheets["products"],
            schema.PRODUCTS,
            {
                "model": p.model,
                "name": p.name,
                "spec": p.spec,
                "moq": p.moq,
                "unit": p.unit,
                "price": p.price,
                "price_tiers": "; ".join(f"{q}+: {v:.2f}" for q, v in p.tiers),
                "keywords": p.keywords,
                "certifications": p.certs,
                "tech_params": p.tech,
                "catalog_link": CATALOG + p.catalog,
                "photo": f"{p.model}.jpg",
                "new": "Y" if p.new else None,
                "hot": "Y" if p.hot else None,
            },
        )
    for q in w.quotes:
        rec = {k: v for k, v in q.items() if not k.startswith("_") and k != "buyer"}
        rec["buyer_id"] = q["buyer"].bid
        append_record(sheets["quotes"], schema.QUOTES, rec)
    for s in w.samples:
        rec = {k: v for k, v in s.items() if k != "buyer"}
        rec["buyer_id"] = s["buyer"].bid
        append_record(sheets["samples"], schema.SAMPLES, rec)
    history = schema.SHEETS_BY_KEY.get("grade_history")
    if history is not None:
        for rec in grade_history(w):
            append_record(sheets["grade_history"], history, rec)
    _prev, last_fair, next_fair = canton_sessions(w.anchor)
    mee = next_on_or_after(w.anchor + dt.timedelta(days=30), 4, 7)
    for name, city, country, start, length, booth in (
        ("Canton Fair Guangzhou (Phase 1)", "Guangzhou", "China", last_fair, 5, "11.2 C23"),
        ("Canton Fair Guangzhou (Phase 1)", "Guangzhou", "China", next_fair, 5, "11.2 C23"),
        ("Middle East Energy Dubai", "Dubai", "United Arab Emirates", mee, 3, "S1.D40"),
    ):
        append_record(
            sheets["events"],
            schema.EVENTS,
            {
                "name": name,
                "city": city,
                "country": country,
                "start": start,
                "end": start + dt.timedelta(days=length - 1),
                "booth": booth,
            },
        )
    company = sheets["company"]
    labels = {label: key for key, label, _aliases, _ph in schema.COMPANY_FIELDS}
    for row in company.iter_rows(min_row=2):
        key = labels.get(row[0].value)
        if key in COMPANY:
            row[1].value = COMPANY[key]
        elif key:
            print(f"note: Company field {key!r} keeps its placeholder", file=sys.stderr)
    stamp = dt.datetime.combine(w.anchor, dt.time())
    wb.properties.creator = OWNER
    wb.properties.title = "Customer management system"
    _save_stable(wb, out, stamp)


def _save_stable(wb, out: Path, stamp: dt.datetime) -> None:
    """Save with fixed zip timestamps and core-property dates, so reruns are byte-identical."""
    buf = io.BytesIO()
    wb.properties.created = stamp
    wb.save(buf)  # openpyxl stamps 'modified' with the clock: patch it below
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    stable = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(<)",
                    rb"\g<1>" + iso.encode() + rb"\g<2>",
                    data,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, data)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(stable.getvalue())
    os.replace(tmp, out)


# --------------------------------------------------------------------------- checks


def check(w: World) -> list[str]:
    """The brief's requirements, as numbers; returns what is not met."""
    a = w.anchor
    bad = []
    buyers = w.buyers
    regions = {b.region for b in buyers}
    countries = {b.country.name for b in buyers}
    grades = {b.grade for b in buyers}
    sources = {b.source for b in buyers}
    if len(buyers) < 60:
        bad.append(f"only {len(buyers)} buyers")
    if len(regions - {"other"}) < 6 or len(countries) < 15:
        bad.append(f"{len(regions)} regions / {len(countries)} countries")
    if not {"A", "B", "C", "D", ""} <= grades:
        bad.append(f"grades {sorted(grades)}")
    if not {"Alibaba", "Trade show", "Old customer", "Website"} <= sources:
        bad.append(f"sources {sorted(sources)}")
    channels = {q["channel"] for q in w.inquiries}
    need = {"alibaba", "email", "tel", "fax", "website", "trade-show", "post"}
    if not need <= channels:
        bad.append(f"inquiry channels missing {sorted(need - channels)}")
    unanswered = [q for q in w.inquiries if q["replied"] is None]
    if len(unanswered) < 3 or not any(q["channel"] == "fax" for q in unanswered):
        bad.append("unanswered inquiries")
    if not 100 <= len(w.inquiries) <= 140:
        bad.append(f"{len(w.inquiries)} inquiries")
    contacts = [c for b in buyers for c in b.contacts]
    if not 340 <= len(contacts) <= 470:
        bad.append(f"{len(contacts)} contacts")
    if (a - min(c["date"] for c in contacts).date()).days < 183:
        bad.append("contacts span less than six months")
    if max(c["date"] for c in contacts) >= dt.datetime.combine(a, dt.time()):
        bad.append("a contact at or after the anchor")
    due = {g: [0, 0] for g in "ABCD"}
    for b in buyers:
        if b.grade and b.status != "Lost":
            ago = (a - b.contacts[-1]["date"].date()).days
            due[b.grade][ago >= {"A": 4, "B": 7, "C": 15, "D": 30}[b.grade]] += 1
    if any(0 in v for v in due.values()):
        bad.append(f"follow-up picture (not due, due) per grade: {due}")
    if not any(q["_kind"] == "tender" for q in w.inquiries):
        bad.append("no tender inquiry")
    if not w.large_sample_done:
        bad.append("no large sample")
    emails = [b.email for b in buyers]
    phones = [b.phone for b in buyers]
    if len(set(emails)) != len(emails) or len(set(phones)) != len(phones):
        bad.append("duplicate emails or phones")
    return bad


def summary(w: World) -> str:
    contacts = [c for b in w.buyers for c in b.contacts]
    return (
        f"{len(w.buyers)} buyers in {len({b.country.name for b in w.buyers})} countries, "
        f"{len(w.inquiries)} inquiries ({sum(q['replied'] is None for q in w.inquiries)} "
        f"unanswered), {len(contacts)} contacts since {min(c['date'] for c in contacts):%Y-%m-%d}, "
        f"{len(w.quotes)} quotes, {len(w.samples)} samples, {len(PRODUCTS)} products"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument(
        "--anchor",
        default=DEFAULT_ANCHOR.isoformat(),
        help="the 'today' all dates are relative to: YYYY-MM-DD or 'today' (default %(default)s)",
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=ROOT / "sample_workbook.xlsx",
        help="where to write (overwritten; default: sample_workbook.xlsx)",
    )
    args = ap.parse_args(argv)
    try:
        anchor = dt.date.today() if args.anchor == "today" else dt.date.fromisoformat(args.anchor)
    except ValueError:
        ap.error(f"--anchor {args.anchor!r}: use YYYY-MM-DD or 'today'")
    w = build(anchor)
    problems = check(w)
    if problems:
        print("sample does not meet its brief: " + "; ".join(problems), file=sys.stderr)
        return 1
    write(w, args.out)
    print(f"wrote {args.out} (anchor {anchor}): {summary(w)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
