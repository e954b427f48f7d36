"""The routine's numbers from the Settings sheet, typed, with docs/routine.md's defaults."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from inquiry_cli.contract import schema
from inquiry_cli.errors import ContractError

# No cadence, validity, reply time or percentage is bigger (100,000 days is 270 years).
MAX_SETTING = 100_000


@dataclass(frozen=True)
class Settings:
    cadence_a_days: float = 3.5
    cadence_b_days: float = 7
    cadence_c_days: float = 15
    cadence_d_months: int = 1
    open_inquiry_max_days: float = 15
    reply_target_hours: float = 2
    reply_limit_hours: float = 24
    fax_reply_hours: float = 12
    quote_validity_days: int = 30
    quote_chase_days: float = 3  # a quote the buyer has not answered is chased after this
    alibaba_reply_hours: float = 24  # Alibaba.com's timely-reply window
    alibaba_rate_days: float = 30  # ... and the days its reply rate looks back over
    alibaba_warn_hours: float = 4  # warn this long before an Alibaba reply leaves the window
    currency: str = "USD"
    incoterm: str = "FOB"
    port: str = "Ningbo"
    payment_terms: str = "30% T/T deposit, 70% before shipment"
    lead_time: str = "25-30 days after deposit"
    cif_uplift_pct: float = 8
    sample_feedback_days: float = 10
    esample_feedback_days: float = 3
    exw_discount_pct: float = 3
    business_hours: str = "09:00-18:00"
    timezone: str = "Asia/Shanghai"
    template_dir: str = ""
    rules_dir: str = ""  # the user's intake rules (blank: 'rules' beside the workbook)
    lock_wait_seconds: float = 60  # how long a write waits for another inq run's write

    @classmethod
    def from_sheet(cls, values: dict[str, Any]) -> Settings:
        """Build from Settings' Key/Value rows; blank keeps the default, junk is an error."""
        kwargs: dict[str, Any] = {}
        for name, default in cls.__dataclass_fields__.items():
            raw = values.get(schema.norm(name))
            if raw is None or raw == "":
                continue
            kind = str(default.type)  # "str", "int" or "float" (annotations are strings)
            if kind == "str":
                kwargs[name] = str(raw).strip()
                continue
            try:
                number = float(str(raw).strip())
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                raise ContractError(
                    f"Settings: {name} is {raw!r}, not a number; fix it in the Settings sheet"
                ) from None
            if number < 0:
                raise ContractError(f"Settings: {name} is {raw!r}; it cannot be negative")
            if number > MAX_SETTING:
                raise ContractError(
                    f"Settings: {name} is {raw!r}; that is more than {MAX_SETTING:,} "
                    "(days, hours or percent): fix it in the Settings sheet"
                )
            kwargs[name] = int(number) if kind == "int" else number
        return cls(**kwargs)

    def business_window(self) -> tuple[int, int]:
        """Business hours as (start minute, end minute) of the day; 9-18 when unreadable."""
        try:
            start, end = self.business_hours.replace(" ", "").split("-")
            sh, sm = (int(x) for x in start.split(":"))
            eh, em = (int(x) for x in end.split(":"))
            return sh * 60 + sm, eh * 60 + em
        except ValueError:
            return 9 * 60, 18 * 60
