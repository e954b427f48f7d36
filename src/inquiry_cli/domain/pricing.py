"""Prices for a quote: quantity tiers, region factor, included services. Decimal, never float.

A product's "Price tiers" cell reads `500+: 12.80; 1000+: 12.10; 5000+: 11.40`: the tier
with the highest minimum not above the quantity applies; below the first tier the base
Price applies. The region's price factor (mideast/sea below 1: a competitive first quote)
scales it; the region's per-unit service cost (us: warranty, packaging, support) is added
and listed. Amounts are rounded to cents, half up, as an invoice is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from inquiry_cli.errors import ContractError

CENT = Decimal("0.01")
_MAX_AMOUNT = Decimal(10) ** 15  # beyond it a cell holds a typo, not a price
_TIER = re.compile(r"^\s*([\d,]+)\s*\+?\s*(?:pcs|units|sets)?\s*[:=@]\s*\$?\s*([\d.,]+)\s*$", re.I)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_decimal(value: object, what: str) -> Decimal:
    """A cell as Decimal via its text (floats from Excel: 12.8 -> Decimal('12.8'))."""
    if isinstance(value, Decimal):
        return value
    text = str(value).strip().replace(",", "")
    if isinstance(value, float):
        text = repr(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ContractError(f"{what} is {value!r}, not a number") from None
    if not number.is_finite() or abs(number) > _MAX_AMOUNT:
        raise ContractError(f"{what} is {value!r}, not a price inq can work with")
    return number


def parse_tiers(text: str | None, model: str) -> list[tuple[int, Decimal]]:
    """'500+: 12.80; 1000+: 12.10' -> [(500, 12.80), (1000, 12.10)], sorted by quantity."""
    if not text:
        return []
    tiers: list[tuple[int, Decimal]] = []
    for part in re.split(r"[;\n]+", str(text)):
        if not part.strip():
            continue
        m = _TIER.match(part)
        if not m:
            raise ContractError(
                f"Products: price tiers of {model} cannot be read at {part.strip()!r}; "
                "write them like '500+: 12.80; 1000+: 12.10'"
            )
        tiers.append((int(m[1].replace(",", "")), to_decimal(m[2], f"tier price of {model}")))
    return sorted(tiers)


@dataclass(frozen=True)
class Region:
    name: str
    factor: Decimal = Decimal(1)
    services: list[str] = field(default_factory=list)
    service_cost: Decimal = Decimal(0)  # per unit, included in the price
    note: str = ""
    template: str = ""


@dataclass(frozen=True)
class Line:
    """One product line of a quote."""

    model: str
    asked_qty: int
    qty: int  # what is quoted (the MOQ when asked below it)
    moq: int | None
    below_moq: bool
    tier_min: int | None  # the tier that applied (None: base price)
    base_price: Decimal  # the tier/base price before region and services
    unit_price: Decimal  # what the buyer pays per unit
    service_per_unit: Decimal
    amount: Decimal
    # The whole tier table as the buyer pays it: (from quantity, unit price), lowest
    # first; the base price from the MOQ when it applies below the first tier.
    tiers: tuple[tuple[int, Decimal], ...] = ()


def price_line(
    model: str,
    qty: int,
    base: object,
    tiers_text: str | None,
    moq: int | None,
    region: Region,
) -> Line:
    """Price one product for one region and quantity."""
    if qty <= 0:
        raise ContractError(f"quantity for {model} must be positive")
    tiers = parse_tiers(tiers_text, model)
    quoted = max(qty, moq or 0)
    price: Decimal | None = None
    tier_min: int | None = None
    for minimum, tier_price in tiers:
        if quoted >= minimum:
            price, tier_min = tier_price, minimum
    if price is None:
        if base in (None, ""):
            if not tiers:
                raise ContractError(f"Products: {model} has no Price and no Price tiers")
            tier_min, price = tiers[0]
            quoted = max(quoted, tier_min)
        else:
            price = to_decimal(base, f"Products: Price of {model}")
    unit = money(price * region.factor) + money(region.service_cost)
    table: list[tuple[int, Decimal]] = []
    if tiers:
        start = moq or 1
        if base not in (None, "") and start < tiers[0][0]:
            base_price = to_decimal(base, f"Products: Price of {model}")
            table.append((start, money(base_price * region.factor) + money(region.service_cost)))
        table += [(m, money(p * region.factor) + money(region.service_cost)) for m, p in tiers]
    return Line(
        model=model,
        asked_qty=qty,
        qty=quoted,
        moq=moq,
        below_moq=bool(moq and qty < moq),
        tier_min=tier_min,
        base_price=price,
        unit_price=unit,
        service_per_unit=money(region.service_cost),
        amount=money(unit * quoted),
        tiers=tuple(table),
    )


def format_money(amount: Decimal, currency: str) -> str:
    """'USD 12,345.60': the currency code first, thousands separated, always two decimals."""
    return f"{currency} {money(amount):,.2f}"
