"""Create a new contract workbook with openpyxl (`inq init`, the sample, the bench).

Creating is the one place openpyxl may write freely: there is nothing of the user's to
lose yet. Editing an existing workbook goes through workbook.write instead.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from inquiry_cli import fsops
from inquiry_cli.contract import schema
from inquiry_cli.errors import InqError

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def new_workbook() -> Workbook:
    """An in-memory workbook holding every contract sheet with headers and defaults."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    wb.remove(wb.worksheets[0])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for spec in schema.SHEETS:
        ws = wb.create_sheet(spec.title)
        ws.append([c.header for c in spec.columns])
        for idx, col in enumerate(spec.columns, start=1):
            cell = ws.cell(row=1, column=idx)
            cell.font = bold
            cell.fill = fill
            ws.column_dimensions[get_column_letter(idx)].width = col.width
            if (spec.key, col.key) in schema.GRADE_COLUMNS:
                letter = get_column_letter(idx)
                dv = DataValidation(
                    type="list",
                    formula1='"A,B,C,D"',
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle="Grade",
                    error="Grade must be A, B, C or D",
                )
                dv.add(f"{letter}2:{letter}1048576")
                ws.add_data_validation(dv)
        ws.freeze_panes = "A2"
    _fill_defaults(wb)
    return wb


def _fill_defaults(wb: Workbook) -> None:
    company = wb[schema.COMPANY.title]
    for _key, label, _aliases, placeholder in schema.COMPANY_FIELDS:
        company.append([label, placeholder])
    settings = wb[schema.SETTINGS.title]
    for key, value, note in schema.SETTINGS_DEFAULTS:
        settings.append([key, value, note])
    regions = wb[schema.REGIONS.title]
    for region, countries, factor, services, cost, note in schema.REGION_DEFAULTS:
        regions.append([region, countries, factor, services, cost, note, region])


def append_record(ws: Worksheet, spec: schema.Sheet, record: dict) -> None:
    """Append a row given as {column key: value}, with date formats on date columns."""
    row = []
    for col in spec.columns:
        row.append(record.get(col.key))
    ws.append(row)
    r = ws.max_row
    for idx, col in enumerate(spec.columns, start=1):
        value = record.get(col.key)
        if isinstance(value, dt.datetime):
            ws.cell(row=r, column=idx).number_format = DATETIME_FORMAT
        elif isinstance(value, dt.date):
            ws.cell(row=r, column=idx).number_format = DATE_FORMAT


def save_new(wb: Workbook, path: Path) -> None:
    """Save a freshly made workbook; refuse to overwrite anything already there.

    Saved to a temp file beside it, flushed, then moved into place without overwriting
    (a file that appears meanwhile, or a dangling symlink, is never replaced).
    """
    if os.path.lexists(path):
        raise InqError(f"{path} already exists: inq init never overwrites a workbook")
    if path.suffix.lower() not in (".xlsx",):
        raise InqError(f"{path.name}: a new workbook must be named .xlsx")
    if not path.parent.is_dir():
        raise InqError(f"folder {path.parent} does not exist")
    tmp = path.with_name(f".~inq-{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("xb") as fh:
            wb.save(fh)
            fh.flush()
            os.fsync(fh.fileno())
        fsops.rename_noreplace(tmp, path)
        fsops.fsync_dir(path.parent)
    except FileExistsError:
        raise InqError(f"{path} appeared while writing: inq init never overwrites") from None
    except OSError as exc:
        raise InqError(f"cannot create {path}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
