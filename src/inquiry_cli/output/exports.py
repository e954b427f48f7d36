"""Reports to new files: a formatted .xlsx (with native Excel charts for stats), .md or .txt.

These files are new and inq's own, so openpyxl writes them freely (into memory); the
file itself is written by the one output gate (output.files), which never overwrites
without --force and never touches the workbook or its backups.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from inquiry_cli.errors import UsageError
from inquiry_cli.output import files

if TYPE_CHECKING:
    from inquiry_cli.domain.reports import AList
    from inquiry_cli.domain.stats import Stats

FORMATS = (".xlsx", ".md", ".txt")


def check_target(
    path: Path, allowed: tuple[str, ...] = FORMATS, *, workbook: Path, force: bool = False
) -> str:
    """The format for `path` by extension; refuse other extensions, and what the gate refuses."""
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise UsageError(
            f"{path.name}: name the file {' or '.join(allowed)} (the extension picks the format)"
        )
    files.check_target(path, workbook=workbook, force=force)
    return suffix


def _write_text(path: Path, text: str, workbook: Path, force: bool) -> None:
    files.write(path, text.encode("utf-8"), workbook=workbook, force=force)


def _save(wb, path: Path, workbook: Path, force: bool) -> None:
    files.write(path, wb.save, workbook=workbook, force=force)


def _first_sheet(wb: Any) -> Any:
    """The sheet a new openpyxl Workbook starts with (wb.active may be None to a checker)."""
    return wb.worksheets[0]


def put(ws, row: int, column: int, value):
    """Set a cell; text stays text. openpyxl makes any str starting with "=" a formula,
    and a buyer named '=HYPERLINK(...)' must not become a live link in a report."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


# ---------------------------------------------------------------- the A-list


def write_a_list(
    report: AList, path: Path, source: str, *, workbook: Path, force: bool = False
) -> None:
    """The A-list as .xlsx (title row, frozen header, widths), .md or .txt."""
    from inquiry_cli.domain import reports

    suffix = check_target(path, workbook=workbook, force=force)
    if suffix == ".txt":
        text = "\n".join(reports.text_lines(report, width=100)) + "\n"
        _write_text(path, text, workbook, force)
    elif suffix == ".md":
        _write_text(path, _a_list_markdown(report), workbook, force)
    else:
        _save(_a_list_xlsx(report, source), path, workbook, force)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>") or " "


def _a_list_markdown(report: AList) -> str:
    from inquiry_cli.domain import reports

    lines = [f"# {reports.title(report)}", "", reports.summary_line(report), ""]
    if not report.entries:
        return "\n".join([*lines, "No buyer was graded A in this month.", ""])
    headers = [h for _k, h, _w in reports.COLUMNS]
    lines.append("| " + " | ".join(headers) + " |")
    lines.append("|" + "---|" * len(headers))
    for e in report.entries:
        row = reports.entry_row(e)
        lines.append("| " + " | ".join(_md_cell(row[k]) for k, _h, _w in reports.COLUMNS) + " |")
    return "\n".join(lines) + "\n"


def _a_list_xlsx(report: AList, source: str):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from inquiry_cli.domain import reports

    wb = Workbook()
    ws = _first_sheet(wb)
    ws.title = f"A-list {report.month.iso}"
    ncols = len(reports.COLUMNS)
    last = get_column_letter(ncols)
    put(ws, 1, 1, reports.title(report)).font = Font(bold=True, size=14)
    ws.merge_cells(f"A1:{last}1")
    line = f"{reports.summary_line(report)}. From {source}, {report.now:%Y-%m-%d %H:%M}."
    put(ws, 2, 1, line).font = Font(italic=True, color="555555")
    ws.merge_cells(f"A2:{last}2")
    header_row = 4
    fill = PatternFill("solid", fgColor="DDEBF7")
    for c, (_key, header, width) in enumerate(reports.COLUMNS, start=1):
        cell = put(ws, header_row, c, header)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = width
    top = Alignment(vertical="top", wrap_text=True)
    for r, e in enumerate(report.entries, start=header_row + 1):
        row = reports.entry_row(e)
        for c, (key, _h, _w) in enumerate(reports.COLUMNS, start=1):
            cell = put(ws, r, c, row[key] or None)
            cell.alignment = top
        if e.new_this_month:
            ws.cell(row=r, column=8).font = Font(bold=True)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)  # header and the buyer stay put
    end = header_row + max(len(report.entries), 1)
    ws.auto_filter.ref = f"A{header_row}:{last}{end}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    return wb


# ---------------------------------------------------------------- statistics


def write_stats(
    st: Stats, path: Path, source: str, *, workbook: Path, force: bool = False
) -> list[str]:
    """One sheet per table, each with a native Excel chart beside it; the sheet names."""
    check_target(path, (".xlsx",), workbook=workbook, force=force)
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, PieChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.styles import Font, PatternFill

    from inquiry_cli.domain import stats as service

    wb = Workbook()
    summary = _first_sheet(wb)
    summary.title = "Summary"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    since = f" since {st.since:%Y-%m-%d}" if st.since else ""
    put(summary, 1, 1, f"Buyer database statistics{since}").font = Font(bold=True, size=14)
    put(summary, 2, 1, f"From {source}, {st.now:%Y-%m-%d %H:%M}.").font = Font(
        italic=True, color="555555"
    )
    rows = [
        ("Buyers", st.buyers_total),
        ("Inquiries", st.inquiries_total),
        *service.reply_rows(st.replies, st.alibaba),
    ]
    for r, (label, value) in enumerate(rows, start=4):
        put(summary, r, 1, label).font = bold
        put(summary, r, 2, value)
    rp = st.replies
    top = 4 + len(rows) + 1  # the chart's table, below the summary lines
    put(summary, top - 1, 1, "Reply performance").font = bold
    perf = [
        ("Measure", "Share"),
        (f"Within {rp.target_hours:g} h", round(rp.target_share, 4)),
        (f"Within {rp.limit_hours:g} h", round(rp.limit_share, 4)),
    ]
    if st.alibaba is not None and st.alibaba.counted:
        perf.append((f"Alibaba.com {st.alibaba.hours:g} h", round(st.alibaba.share, 4)))
    for i, (label, value) in enumerate(perf, start=top):
        put(summary, i, 1, label)
        cell = put(summary, i, 2, value)
        if i > top:
            cell.number_format = "0%"
        else:
            summary.cell(row=i, column=1).font = bold
            cell.font = bold
    summary.column_dimensions["A"].width = 26
    summary.column_dimensions["B"].width = 22
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Inquiries answered in time"
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.legend = None
    last = top + len(perf) - 1
    chart.add_data(Reference(summary, min_col=2, min_row=top, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(summary, min_col=1, min_row=top + 1, max_row=last))
    chart.height, chart.width = 6, 14
    summary.add_chart(chart, "D4")

    names = ["Summary"]

    def table_sheet(title: str, header: tuple[str, ...], values: list[tuple], kind: str) -> None:
        ws = wb.create_sheet(title[:31])
        names.append(ws.title)
        for c, h in enumerate(header, start=1):
            cell = put(ws, 1, c, h)
            cell.font = bold
            cell.fill = fill
        for i, row in enumerate(values, start=2):
            for c, v in enumerate(row, start=1):
                cell = put(ws, i, c, v)
                if isinstance(v, float):
                    cell.number_format = "0%"
        ws.column_dimensions["A"].width = max(14, *(len(str(v[0])) + 2 for v in values or [("",)]))
        for col in "BCD":
            ws.column_dimensions[col].width = 12
        if "Name" in header:
            ws.column_dimensions["D"].width = 34
        ws.freeze_panes = "A2"
        n = len(values)
        if n == 0:
            return
        cats = Reference(ws, min_col=1, min_row=2, max_row=n + 1)
        data = Reference(ws, min_col=2, min_row=1, max_row=n + 1)
        ch: Any
        if kind == "pie":
            ch = PieChart()
            ch.dataLabels = DataLabelList()
            ch.dataLabels.showPercent = True
        else:
            ch = BarChart()
            ch.type = "col" if kind == "col" else "bar"
            ch.legend = None
            ch.y_axis.title = header[1]
            ch.y_axis.majorGridlines = None
            if kind == "bar":
                ch.x_axis.scaling.orientation = "maxMin"  # largest on top, as in the table
        ch.title = title
        ch.add_data(data, titles_from_data=True)
        ch.set_categories(cats)
        ch.height = 7.5
        ch.width = 16 if kind != "col" else max(16, min(32, n * 1.2))
        ws.add_chart(ch, "F2")

    facet_kind = {"grade": "pie", "strength": "pie", "nature": "pie"}
    for key, label in service.BUYER_FACETS:
        counts = st.buyers[key]
        table_sheet(
            f"Buyers by {label.lower()}",
            (label, "Buyers", "Share"),
            [(c.name, c.count, round(c.share, 4)) for c in counts],
            facet_kind.get(key, "bar"),
        )
    table_sheet(
        "Inquiries per month",
        ("Month", "Inquiries", "Share"),
        [(c.name, c.count, round(c.share, 4)) for c in st.per_month],
        "col",
    )
    table_sheet(
        "Inquiries per channel",
        ("Channel", "Inquiries", "Share"),
        [(c.name, c.count, round(c.share, 4)) for c in st.per_channel],
        "pie",
    )
    table_sheet(
        "Top products",
        ("Model", "Inquiries", "Buyers", "Name"),
        [(p.model, p.inquiries, p.buyers, p.name) for p in st.products],
        "bar",
    )
    _save(wb, path, workbook, force)
    return names
