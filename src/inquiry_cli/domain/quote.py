"""Build a quote: region, prices, the template context, the rendered plain text, the record.

The text comes from Jinja templates (templates/quote/<region>.txt.j2, a user's folder
first); StrictUndefined turns a missing field into one clear line. Money is Decimal.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from inquiry_cli.contract import schema
from inquiry_cli.contract.records import Table, Workbook
from inquiry_cli.domain import model
from inquiry_cli.domain.countries import country_code
from inquiry_cli.domain.pricing import Line, Region, format_money, money, price_line, to_decimal
from inquiry_cli.domain.settings import Settings
from inquiry_cli.errors import ContractError, NotFound, UsageError

INCOTERMS = ("FOB", "CIF", "EXW")


class Fields:
    """A Field/Value sheet for templates: `company.fax` or a clear error naming the field."""

    def __init__(self, sheet: str, values: dict[str, Any]):
        self._sheet = sheet
        self._values = values

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = self._values.get(name)
        if value is None or str(value).strip() == "":
            label = next((lab for k, lab, _a, _p in schema.COMPANY_FIELDS if k == name), name)
            raise ContractError(
                f"{self._sheet} sheet has no {label!r} (fill it in: Field {label!r}, Value ...)"
            )
        return value

    def get(self, name: str, default: Any = "") -> Any:
        value = self._values.get(name)
        return default if value is None or str(value).strip() == "" else value


def company_fields(book: Workbook) -> Fields:
    """The Company sheet by field key, whatever label or 中文 alias the user wrote."""
    raw = book.key_values("company")
    values: dict[str, Any] = {}
    for key, label, aliases, _placeholder in schema.COMPANY_FIELDS:
        for name in (key, label, *aliases):
            hit = raw.get(schema.norm(name))
            if hit not in (None, ""):
                values[key] = _text(hit)
                break
    if not book.get("company"):
        raise ContractError(
            "the workbook has no Company sheet: run `inq check`, or add one (Field/Value)"
        )
    return Fields("Company", values)


def placeholders(company: Fields) -> list[str]:
    """The Company fields that still hold what `inq init` wrote ("Your Company Co., Ltd."):
    a quote must not go to a buyer with them."""
    return [
        label
        for key, label, _aliases, placeholder in schema.COMPANY_FIELDS
        if str(company.get(key)).strip() == placeholder
    ]


def _items(text: Any) -> list[str]:
    """'40W; 4000 lm; 100 lm/W' -> ['40W', '4000 lm', '100 lm/W']: split on ';' and lines only."""
    return [p.strip() for p in re.split(r"[;\n]+", str(text or "")) if p.strip()]


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def region_records(book: Workbook) -> list[dict[str, Any]]:
    """The Regions sheet's rows, or inq's defaults (docs/routine.md) when the workbook has none:
    a hand-made workbook can still quote by region."""
    table = book.get("regions")
    if table is not None and table.has("region"):
        return list(table.records())
    keys = ("region", "countries", "price_factor", "services", "service_cost", "note")
    return [dict(zip(keys, row, strict=True)) for row in schema.REGION_DEFAULTS]


def regions(book: Workbook) -> dict[str, Region]:
    out: dict[str, Region] = {}
    for rec in region_records(book):
        name = (rec.get("region") or "").strip().lower()
        if not name:
            continue
        factor = rec.get("price_factor")
        cost = rec.get("service_cost")
        out[name] = Region(
            name=name,
            factor=to_decimal(factor, f"Regions: price factor of {name}")
            if factor not in (None, "")
            else Decimal(1),
            services=_items(rec.get("services")),
            service_cost=to_decimal(cost, f"Regions: service cost of {name}")
            if cost not in (None, "")
            else Decimal(0),
            note=rec.get("note") or "",
            template=(rec.get("template") or "").strip(),
        )
    return out


def region_for(book: Workbook, wanted: str | None, buyer: model.Buyer | None) -> Region:
    """--region, else the buyer's Region column, else the Regions sheet's country lists."""
    known = regions(book)
    if wanted:
        region = known.get(wanted.strip().lower())
        if region is None:
            raise UsageError(f"unknown region {wanted!r}: use one of {', '.join(known)}")
        return region
    if buyer is not None:
        if buyer.region and buyer.region.strip().lower() in known:
            return known[buyer.region.strip().lower()]
        code = country_code(buyer.country)
        if code:
            for rec in region_records(book):
                listed = {country_code(c) for c in model.split_list(rec.get("countries"))}
                if code in listed and (rec.get("region") or "").lower() in known:
                    return known[rec["region"].lower()]
        if "other" in known:
            return known["other"]
    raise UsageError(f"say which region: --region {'|'.join(known)} (or give --buyer)")


def find_product(products: Table, wanted: str) -> dict[str, Any]:
    """The Products row for a model, or an error suggesting close model names."""
    models = products.values("model")
    key = wanted.strip().upper()
    for i, m in enumerate(models):
        if m and m.strip().upper() == key:
            return products.record(i)
    from rapidfuzz import process

    close = [
        c
        for c, score, _ in process.extract(wanted, [m for m in models if m], limit=3)
        if score >= 60
    ]
    hint = f": did you mean {' or '.join(close)}?" if close else ": see the Products sheet"
    raise NotFound(f"unknown model {wanted!r}{hint}")


@dataclass
class QuoteDraft:
    number: str
    date: dt.date
    valid_until: dt.date
    region: Region
    incoterm: str
    currency: str
    lines: list[Line]
    products: list[dict[str, Any]]
    buyer: model.Buyer | None
    settings: Settings

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def exchange_rate(book: Workbook, base: str, wanted: str) -> Decimal:
    """Units of `wanted` per 1 `base` from Settings (fx_eur = 0.92); prices are never
    relabelled in another currency without a rate."""
    if wanted == base:
        return Decimal(1)
    key = f"fx_{wanted.lower()}"
    raw = book.key_values("settings").get(schema.norm(key))
    if raw in (None, ""):
        raise UsageError(
            f"prices in the Products sheet are in {base}: to quote in {wanted}, add a "
            f"Settings row '{key}' with the rate ({wanted} per 1 {base})"
        )
    rate = to_decimal(raw, f"Settings: {key}")
    if rate <= 0:
        raise ContractError(f"Settings: {key} is {raw!r}; a rate must be above 0")
    return rate


def next_quote_no(quotes: Table | None, today: dt.date) -> str:
    from inquiry_cli.domain.recording import next_id

    existing = quotes.values("quote_no") if quotes is not None and quotes.has("quote_no") else []
    return next_id(existing, f"QT{today.year}-", year=today.year)


def draft(
    book: Workbook,
    items: list[tuple[str, int]],
    *,
    region_name: str | None,
    buyer: model.Buyer | None,
    incoterm: str | None,
    currency: str | None,
    strict: bool,
    now: dt.datetime,
) -> QuoteDraft:
    s = Settings.from_sheet(book.key_values("settings"))
    term = (incoterm or s.incoterm).strip().upper()
    if term not in INCOTERMS:
        raise UsageError(f"unknown incoterm {incoterm!r}: use FOB, CIF or EXW")
    region = region_for(book, region_name, buyer)
    products = book.table("products")
    adjust = Decimal(1)
    if term == "CIF":
        adjust += to_decimal(s.cif_uplift_pct, "Settings: cif_uplift_pct") / 100
    elif term == "EXW":
        adjust -= to_decimal(s.exw_discount_pct, "Settings: exw_discount_pct") / 100
    cur = (currency or s.currency).strip().upper()
    rate = exchange_rate(book, s.currency.strip().upper(), cur)
    priced_region = Region(
        region.name,
        region.factor * adjust * rate,
        region.services,
        region.service_cost * rate,
        region.note,
        region.template,
    )
    lines: list[Line] = []
    rows: list[dict[str, Any]] = []
    for wanted, qty in items:
        row = find_product(products, wanted)
        moq = int(row["moq"]) if row.get("moq") else None
        if strict and moq and qty < moq:
            raise UsageError(f"{row['model']}: {qty:,} is below the MOQ of {moq:,} (--strict)")
        lines.append(
            price_line(
                row["model"], qty, row.get("price"), row.get("price_tiers"), moq, priced_region
            )
        )
        rows.append(row)
    today = now.date()
    return QuoteDraft(
        number=next_quote_no(book.get("quotes"), today),
        date=today,
        valid_until=today + dt.timedelta(days=s.quote_validity_days),
        region=region,
        incoterm=term,
        currency=cur,
        lines=lines,
        products=rows,
        buyer=buyer,
        settings=s,
    )


def context(d: QuoteDraft, company: Fields) -> dict[str, Any]:
    """Everything a quote template may use."""
    s = d.settings
    cur = d.currency
    place = {"FOB": s.port, "CIF": "port of destination", "EXW": "our factory"}[d.incoterm]
    lines: list[dict[str, Any]] = []
    for line, row in zip(d.lines, d.products, strict=True):
        lines.append(
            {
                "model": line.model,
                "name": row.get("name") or "",
                "spec": row.get("spec") or "",
                "certifications": row.get("certifications") or "",
                "tech_params": [
                    p.strip()
                    for p in re.split(r"[;\n]+", row.get("tech_params") or "")
                    if p.strip()
                ],
                "catalog_link": row.get("catalog_link") or "",
                "unit": row.get("unit") or "pcs",
                "moq": line.moq,
                "asked_qty": line.asked_qty,
                "qty": line.qty,
                "below_moq": line.below_moq,
                "unit_price": format_money(line.unit_price, cur),
                "service_per_unit": format_money(line.service_per_unit, cur),
                "amount": format_money(line.amount, cur),
            }
        )
    for item, line in zip(lines, d.lines, strict=True):
        unit = item["unit"]
        # the tier this quote reached; the base price (the first row) below the tiers
        item["tiers"] = [
            {
                "from": minimum,
                "from_text": f"{minimum:,} {unit}",
                "unit_price": format_money(price, cur),
                "applies": minimum == line.tier_min if line.tier_min is not None else i == 0,
            }
            for i, (minimum, price) in enumerate(line.tiers)
        ]
        width = max((len(t["from_text"]) for t in item["tiers"]), default=0)
        item["tier_lines"] = [
            f"from {t['from_text']:<{width}}  {t['unit_price']}"
            + ("  <- this quote" if t["applies"] else "")
            for t in item["tiers"]
        ]
        item["unit_one"] = _singular(unit)
        item["qty_text"] = f"{item['qty']:,} {unit}"
        item["asked_qty_text"] = f"{item['asked_qty']:,} {unit}"
        item["moq_text"] = f"{item['moq']:,} {unit}" if item["moq"] else "none"
    b = d.buyer
    return {
        "quote": {
            "number": d.number,
            "date": d.date.isoformat(),
            "valid_until": d.valid_until.isoformat(),
            "validity_days": s.quote_validity_days,
            "currency": cur,
            "incoterm": d.incoterm,
            "place": place,
            "port": s.port,
            "payment_terms": s.payment_terms,
            "lead_time": s.lead_time,
            "total": format_money(d.total, cur),
            "any_below_moq": any(x.below_moq for x in d.lines),
        },
        "buyer": {
            "name": (b.name if b else None) or "",
            "company": (b.company if b else None) or "",
            "email": (b.email if b else None) or "",
            "country": (b.country if b else None) or "",
        },
        "greeting": f"Dear {b.name}," if b and b.name else "Dear Sir or Madam,",
        "region": {
            "name": d.region.name,
            "note": d.region.note,
            "services": d.region.services,
            "service_cost": format_money(money(d.region.service_cost), cur),
            "has_services": bool(d.region.services and d.region.service_cost),
        },
        "lines": lines,
        "catalog_links": list(dict.fromkeys(x["catalog_link"] for x in lines if x["catalog_link"])),
        "company": company,
    }


def _singular(unit: str) -> str:
    """'pcs' -> 'pc', 'sets' -> 'set': for "USD 9.31 per pc"."""
    return {"pcs": "pc", "pieces": "piece", "sets": "set", "units": "unit"}.get(unit.lower(), unit)
