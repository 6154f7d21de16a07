"""The audit report written out: XLSX (one sheet per section), HTML and PDF (with the charts as images).

Reading order: the cover (client, period, matching mode, author, date), the findings a reader must
act on, then the KPIs, each with its computation in words and this period's numbers, and the rest.
The XLSX keeps numbers as numbers (money with two decimals) so the client can recompute;
HTML and PDF show the French (or English) formatted text of kpi.text.formatting. A change of a rate is
in points, of an amount or a number of days in its own unit. Charts are the dashboard's Altair
charts rendered to PNG by vl-convert, so no browser is needed.

Everything from the data (names, ids, file names, import notes) stays text: strings in the
XLSX never become formulas or links (kpi/text/untrusted.py), and HTML and PDF escape every value,
the PDF included since reportlab's Paragraph reads its text as markup.
"""

from __future__ import annotations

import base64
import html
import io
import numbers
import os
import re
import unicodedata
from decimal import Decimal

import xlsxwriter

from kpi.analysis.audit import AuditReport
from kpi.analysis.findings import findings_frame
from kpi.model.periods import Period
from kpi.present.charts import aging_bar_chart, kpi_trend_chart
from kpi.text.formatting import (
    CURRENCY_SYMBOLS,
    MISSING,
    Formatter,
    format_date,
    format_number,
    format_value,
    is_missing,
)
from kpi.text.i18n import bucket_label
from kpi.text.untrusted import WORKBOOK_OPTIONS, TextCells

FORMATS = ("xlsx", "html", "pdf")
MIME_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SHEETS = ("cover", "findings", "kpis", "aged_balance", "top_overdue", "data_quality", "definitions")
ACTIVITY_SHEET = "activity"  # after "kpis", only when the report has collection activity (AuditReport.has_activity)
CLIENT_SLUG_LENGTH = 40


def sections(audit: AuditReport) -> tuple[str, ...]:
    """The report's sections in order: SHEETS, with the activity one when there is something to show."""
    kpis = SHEETS.index("kpis") + 1
    return (*SHEETS[:kpis], ACTIVITY_SHEET, *SHEETS[kpis:]) if audit.has_activity else SHEETS


def client_slug(client: str) -> str:
    """The client's name as a file-name part: `Démo SARL` → `demo-sarl`; a name with no Latin letter gives ''."""
    ascii_name = unicodedata.normalize("NFKD", client).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:CLIENT_SLUG_LENGTH].rstrip("-")


def audit_file_name(client: str, period: Period, fmt: str) -> str:
    """`audit-<client>-<start>_<end>.<fmt>`, the same stem for every format; without a client, `audit-<start>_<end>`."""
    parts = ("audit", client_slug(client), f"{period.start.isoformat()}_{period.end.isoformat()}")
    return "-".join(part for part in parts if part) + f".{fmt}"


# -- shared layout ---------------------------------------------------------------------------------


def cover_rows(audit: AuditReport) -> list[tuple[str, str]]:
    """What the cover says, in order: who the report is for, the period and mode, who wrote it and when, then
    what it covers."""
    t, lang = audit.t, audit.lang
    period, previous = audit.period, audit.previous.period
    filters = [*audit.filters.customers, *audit.filters.activities]
    return [
        (t("audit.client"), audit.client or MISSING),
        (
            t("audit.period"),
            t(
                "audit.period_value",
                start=format_date(period.start, lang),
                end=format_date(period.end, lang),
                days=format_number(period.days, lang),
            ),
        ),
        (t("matching.label"), t(f"matching.{audit.filters.matching}")),
        (t("audit.author"), audit.author or MISSING),
        (t("audit.generated_on"), format_date(audit.generated_on, lang)),
        (
            t("audit.previous_period"),
            t("audit.previous_value", start=format_date(previous.start, lang), end=format_date(previous.end, lang)),
        ),
        (t("audit.filters"), ", ".join(filters) if filters else t("audit.no_filter")),
        (t("audit.sources"), ", ".join(audit.sources) if audit.sources else t("audit.no_imports")),
    ]


def _text(value, unit: str, audit: AuditReport) -> str:
    return format_value(value, unit, audit.lang, audit.currency)


def change_text(value, unit: str, audit: AuditReport) -> str:
    """A change between the two periods: a rate's in points (`+2,3 pt`), an amount or days in their unit."""
    if is_missing(value):
        return MISSING
    if unit == "percent":
        number = format_number(value, audit.lang, 1)
        signed = number if number.startswith("-") or not any(ch in "123456789" for ch in number) else f"+{number}"
        return f"{signed}\u00a0{audit.t('unit.points')}"
    return Formatter(audit.lang, audit.currency).change(value, unit)


def _aged_columns(audit: AuditReport) -> list[str]:
    return list(audit.aged.amount_columns)


def _unit_text(unit: str, audit: AuditReport) -> str:
    if unit == "money":
        return CURRENCY_SYMBOLS.get(audit.currency, audit.currency)
    return audit.t(f"audit.unit.{unit}")


def _activity_value_text(row, audit: AuditReport) -> str:
    """A collection-activity figure as printed: the missing log said in words, "—" when undefined, never 0."""
    if row.missing is not None:
        return audit.t(f"collections.absent.{row.missing}")
    if row.unit == "count":
        return format_number(row.value, audit.lang)
    return _text(row.value, row.unit, audit)


def _activity_tables(audit: AuditReport) -> list[tuple[str | None, list[str], list[list[str]]]]:
    """The activity section for HTML and PDF: its KPIs with their definition, then what each bucket yielded."""
    t = audit.t
    kpis = [[row.label, _activity_value_text(row, audit), row.formula] for row in audit.activity_rows().itertuples()]
    buckets = [
        [
            bucket_label(row.bucket, audit.lang),
            _text(row.opening_amount, "money", audit),
            _text(row.collected_amount, "money", audit),
            _text(_number(row.collection_rate), "percent", audit),
        ]
        for row in audit.bucket_rates.itertuples()
    ]
    return [
        (None, [t("audit.col.kpi"), t("audit.col.value"), t("audit.col.definition")], kpis),
        (
            t("audit.activity_buckets", day=format_date(audit.period.start, audit.lang)),
            [
                t("collections.col.bucket"),
                t("collections.col.opening"),
                t("collections.col.collected"),
                t("collections.col.rate"),
            ],
            buckets,
        ),
    ]


def _number(value):
    """None for a missing rate (None or NaN once it went through a frame)."""
    return None if is_missing(value) else value


def _section_tables(audit: AuditReport) -> dict[str, list[tuple[str | None, list[str], list[list[str]]]]]:
    """Each section as (subtitle, header, formatted rows) tables, for HTML and PDF."""
    t = audit.t
    headline = audit.headline()
    kpis = [
        [
            row.label,
            _text(row.value, row.unit, audit),
            _text(row.previous, row.unit, audit),
            change_text(row.change, row.unit, audit),
            row.computation,
        ]
        for row in headline.itertuples()
    ]
    aged_keys = _aged_columns(audit)
    aged_rows = [
        [row["customer_name"], *(_text(row[k], "money", audit) for k in aged_keys)]
        for _, row in audit.aged.rows.iterrows()
    ]
    aged_rows.append([t("bucket.total"), *(_text(audit.aged.totals[k], "money", audit) for k in aged_keys)])
    top = audit.top_overdue()
    top_rows = [
        [
            row.customer_name,
            _text(row.overdue, "money", audit),
            _text(row.over_120, "money", audit),
            _text(row.total, "money", audit),
            row.rating or MISSING,
            row.factors,
        ]
        for row in top.itertuples()
    ]
    findings = findings_frame(audit.findings, audit.lang)
    imports = [
        [
            str(row.import_id),
            format_date(row.imported_at, audit.lang),
            ", ".join(row.sources),
            format_number(row.documents, audit.lang),
            format_number(row.settlements, audit.lang),
            _text(row.documents_total, "money", audit),
            _text(row.settlements_total, "money", audit),
        ]
        for row in audit.imports.itertuples()
    ]
    files = [
        [
            str(row.import_id),
            row.file,
            audit.layout_label(row.layout),
            format_number(row.rows_read, audit.lang),
            format_number(row.rows_imported, audit.lang),
            _text(row.amount_in_file, "money", audit),
            _text(row.amount_imported, "money", audit),
            t("audit.yes") if row.reconciled else t("audit.no"),
            row.notes,
        ]
        for row in audit.import_files.itertuples()
    ]
    definitions = [[row.label, row.definition, _unit_text(row.unit, audit)] for row in audit.definitions().itertuples()]
    return {
        "kpis": [
            (
                None,
                [
                    t("audit.col.kpi"),
                    t("audit.col.value"),
                    t("audit.col.previous"),
                    t("audit.col.change"),
                    t("audit.col.computation"),
                ],
                kpis,
            )
        ],
        "aged_balance": [
            (
                t("audit.as_of", day=format_date(audit.period.end, audit.lang)),
                [t("audit.col.customer"), *(bucket_label(k, audit.lang) for k in aged_keys)],
                aged_rows,
            )
        ],
        "top_overdue": [
            (
                None,
                [
                    t("audit.col.customer"),
                    t("audit.col.overdue"),
                    bucket_label(audit.aged.bucket_keys[-1], audit.lang),
                    t("bucket.total"),
                    t("risk.rating"),
                    t("risk.factors"),
                ],
                top_rows,
            )
        ],
        "findings": [
            (None, [t("audit.col.severity"), t("audit.col.finding"), t("audit.col.numbers")], findings.values.tolist())
        ],
        "data_quality": [
            (
                None,
                [
                    t("audit.col.import"),
                    t("audit.col.imported_at"),
                    t("audit.col.files"),
                    t("audit.col.documents"),
                    t("audit.col.settlements"),
                    t("audit.col.documents_total"),
                    t("audit.col.settlements_total"),
                ],
                imports,
            ),
            (
                None,
                [
                    t("audit.col.import"),
                    t("audit.col.file"),
                    t("audit.col.layout"),
                    t("audit.col.rows_read"),
                    t("audit.col.rows_imported"),
                    t("audit.col.amount_in_file"),
                    t("audit.col.amount_imported"),
                    t("audit.col.reconciled"),
                    t("audit.col.notes"),
                ],
                files,
            ),
        ],
        "definitions": [(None, [t("audit.col.kpi"), t("audit.col.definition"), t("audit.col.unit")], definitions)],
    }


def chart_images(audit: AuditReport) -> dict[str, bytes]:
    """PNG images of the charts: the aged balance and the DSO / BPDSO trend."""
    import vl_convert

    charts = {
        "aged_balance": aging_bar_chart(audit.report.aging, audit.lang, audit.currency).properties(width=520),
        "trend": kpi_trend_chart(audit.series, ["dso", "bpdso"], "days", audit.lang).properties(width=520),
    }
    return {name: vl_convert.vegalite_to_png(chart.to_json(), scale=2) for name, chart in charts.items()}


# -- XLSX ------------------------------------------------------------------------------------------


def audit_xlsx(audit: AuditReport) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, **WORKBOOK_OPTIONS})
    cells = TextCells(workbook)
    bold = cells.format({"bold": True})
    title = cells.format({"bold": True, "font_size": 14})
    header = cells.format({"bold": True, "bg_color": "#e8eef4", "text_wrap": True, "valign": "top"})
    money = workbook.add_format({"num_format": "#,##0.00"})
    money_bold = workbook.add_format({"num_format": "#,##0.00", "bold": True})
    number = workbook.add_format({"num_format": "0.0"})
    ratio = workbook.add_format({"num_format": "0.00"})  # € per €: 0,32 must not read 0,3
    wrap = cells.format({"text_wrap": True, "valign": "top"})
    # A change keeps its sign, and a rate's change reads in points (the separators follow Excel's locale).
    points = audit.t("unit.points")
    change_formats = {
        "money": workbook.add_format({"num_format": "+#,##0.00;-#,##0.00;0.00"}),
        "days": workbook.add_format({"num_format": "+0.0;-0.0;0.0"}),
        "percent": workbook.add_format({"num_format": f'+0.0" {points}";-0.0" {points}";0.0" {points}"'}),
        "ratio": workbook.add_format({"num_format": "+0.00;-0.00;0.00"}),
    }
    t = audit.t

    def sheet(key: str):
        worksheet = workbook.add_worksheet(t(f"audit.sheet.{key}")[:31])
        cells.write(worksheet, 0, 0, t(f"audit.section.{key}"), title)
        return worksheet

    def cell(
        worksheet, row: int, column: int, value, unit: str = "text", emphasis: bool = False, text_format=None
    ) -> None:
        # A month without sales has no DSO: None from the engine, NaN once it went through a frame.
        if is_missing(value):
            worksheet.write_blank(row, column, None)
        elif unit == "money":
            worksheet.write_number(row, column, float(value), money_bold if emphasis else money)
        elif unit == "ratio":
            worksheet.write_number(row, column, float(value), ratio)
        elif unit in ("days", "percent"):
            worksheet.write_number(row, column, float(value), number)
        elif isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, bool):
            worksheet.write_number(row, column, float(value))
        else:
            cells.write(worksheet, row, column, value, text_format)

    cover = sheet("cover")
    cells.write(cover, 1, 0, t("audit.title"), bold)
    for index, (label, value) in enumerate(cover_rows(audit), start=3):
        cells.write(cover, index, 0, label, bold)
        cells.write(cover, index, 1, value)
    cover.set_column(0, 0, 24)
    cover.set_column(1, 1, 70)

    _write_text_tables(
        sheet("findings"),
        _section_tables(audit)["findings"],
        cells,
        header,
        wrap,
        widths=(14, 90, 90),
        empty=t("audit.no_findings"),
    )

    kpis = sheet("kpis")
    columns = [
        t("audit.col.kpi"),
        t("audit.col.value"),
        t("audit.col.previous"),
        t("audit.col.change"),
        t("audit.col.unit"),
        t("audit.col.computation"),
    ]
    cells.write_row(kpis, 2, 0, columns, header)
    headline = audit.headline()
    for index, row in enumerate(headline.itertuples(), start=3):
        cells.write(kpis, index, 0, row.label)
        cell(kpis, index, 1, row.value, row.unit)
        cell(kpis, index, 2, row.previous, row.unit)
        if is_missing(row.change):
            kpis.write_blank(index, 3, None)
        else:
            kpis.write_number(index, 3, float(row.change), change_formats[row.unit])
        cells.write(kpis, index, 4, _unit_text(row.unit, audit))
        cells.write(kpis, index, 5, row.computation, wrap)
    trend_row = 3 + len(headline) + 2
    cells.write(kpis, trend_row, 0, t("audit.section.trend"), bold)
    trend_keys = ["dso", "bpdso", "add", "cei", "overdue_rate", "closing_ar"]
    cells.write_row(kpis, trend_row + 1, 0, [t("chart.month"), *(t(f"kpi.{k}.label") for k in trend_keys)], header)
    for offset, (_, month) in enumerate(audit.series.iterrows(), start=trend_row + 2):
        cells.write(kpis, offset, 0, month["month"])
        for column, key in enumerate(trend_keys, start=1):
            cell(kpis, offset, column, month[key], "money" if key == "closing_ar" else "days")
    kpis.set_column(0, 0, 34)
    kpis.set_column(1, 4, 16)
    kpis.set_column(5, 5, 110)

    if audit.has_activity:
        _write_activity_sheet(audit, sheet(ACTIVITY_SHEET), cell, cells, header, bold, wrap)

    aged = sheet("aged_balance")
    cells.write(aged, 1, 0, t("audit.as_of", day=format_date(audit.period.end, audit.lang)))
    keys = _aged_columns(audit)
    cells.write_row(
        aged,
        2,
        0,
        [t("audit.col.customer_id"), t("audit.col.customer"), *(bucket_label(k, audit.lang) for k in keys)],
        header,
    )
    last = 3
    for last, (_, row) in enumerate(audit.aged.rows.iterrows(), start=3):
        cells.write(aged, last, 0, row["customer_id"])
        cells.write(aged, last, 1, row["customer_name"])
        for column, key in enumerate(keys, start=2):
            cell(aged, last, column, row[key], "money")
    total_row = last + 1 if len(audit.aged.rows) else 3
    cells.write(aged, total_row, 1, t("bucket.total"), bold)
    for column, key in enumerate(keys, start=2):
        cell(aged, total_row, column, audit.aged.totals[key], "money", emphasis=True)
    aged.set_column(0, 0, 12)
    aged.set_column(1, 1, 34)
    aged.set_column(2, 2 + len(keys), 15)

    top = sheet("top_overdue")
    cells.write_row(
        top,
        2,
        0,
        [
            t("audit.col.customer_id"),
            t("audit.col.customer"),
            t("audit.col.overdue"),
            bucket_label(audit.aged.bucket_keys[-1], audit.lang),
            t("bucket.total"),
            t("risk.rating"),
            t("risk.points"),
            t("risk.factors"),
        ],
        header,
    )
    for index, row in enumerate(audit.top_overdue().itertuples(), start=3):
        cells.write(top, index, 0, row.customer_id)
        cells.write(top, index, 1, row.customer_name)
        for column, value in ((2, row.overdue), (3, row.over_120), (4, row.total)):
            cell(top, index, column, value, "money")
        cell(top, index, 5, row.rating)
        cell(top, index, 6, row.points)
        cells.write(top, index, 7, row.factors)
    top.set_column(1, 1, 34)
    top.set_column(2, 4, 15)
    top.set_column(7, 7, 60)

    quality = sheet("data_quality")
    row = 2
    cells.write_row(
        quality,
        row,
        0,
        [
            t("audit.col.import"),
            t("audit.col.imported_at"),
            t("audit.col.files"),
            t("audit.col.documents"),
            t("audit.col.settlements"),
            t("audit.col.documents_total"),
            t("audit.col.settlements_total"),
        ],
        header,
    )
    if audit.imports.empty:
        cells.write(quality, row + 1, 0, t("audit.no_imports"))
        row += 1
    for item in audit.imports.itertuples():
        row += 1
        for column, value in enumerate(
            [
                item.import_id,
                format_date(item.imported_at, audit.lang),
                ", ".join(item.sources),
                item.documents,
                item.settlements,
            ]
        ):
            cell(quality, row, column, value)
        cell(quality, row, 5, item.documents_total, "money")
        cell(quality, row, 6, item.settlements_total, "money")
    row += 2
    cells.write_row(
        quality,
        row,
        0,
        [
            t("audit.col.import"),
            t("audit.col.file"),
            t("audit.col.layout"),
            t("audit.col.rows_read"),
            t("audit.col.rows_imported"),
            t("audit.col.amount_in_file"),
            t("audit.col.amount_imported"),
            t("audit.col.reconciled"),
            t("audit.col.notes"),
        ],
        header,
    )
    for item in audit.import_files.itertuples():
        row += 1
        for column, value in enumerate(
            [item.import_id, item.file, audit.layout_label(item.layout), item.rows_read, item.rows_imported]
        ):
            cell(quality, row, column, value)
        cell(quality, row, 5, item.amount_in_file, "money")
        cell(quality, row, 6, item.amount_imported, "money")
        cells.write(quality, row, 7, t("audit.yes") if item.reconciled else t("audit.no"))
        cells.write(quality, row, 8, item.notes, wrap)
    quality.set_column(0, 7, 16)
    quality.set_column(8, 8, 90)

    _write_text_tables(
        sheet("definitions"), _section_tables(audit)["definitions"], cells, header, wrap, widths=(34, 110, 12)
    )
    workbook.close()
    return buffer.getvalue()


def _write_activity_sheet(audit: AuditReport, worksheet, cell, cells: TextCells, header, bold, wrap) -> None:
    """Numbers as numbers; a KPI whose log is absent is a blank cell with the reason beside it, never 0."""
    t = audit.t
    cells.write_row(
        worksheet,
        2,
        0,
        [
            t("audit.col.kpi"),
            t("audit.col.value"),
            t("audit.col.unit"),
            t("audit.col.definition"),
            t("audit.col.notes"),
        ],
        header,
    )
    index = 2
    for index, row in enumerate(audit.activity_rows().itertuples(), start=3):
        cells.write(worksheet, index, 0, row.label)
        cell(worksheet, index, 1, row.value, row.unit)
        cells.write(worksheet, index, 2, _unit_text(row.unit, audit))
        cells.write(worksheet, index, 3, row.formula, wrap)
        if row.missing is not None:
            cells.write(worksheet, index, 4, t(f"collections.absent.{row.missing}"))
    subtitle, columns, _ = _activity_tables(audit)[1]
    start = index + 2
    cells.write(worksheet, start, 0, subtitle, bold)
    cells.write_row(worksheet, start + 1, 0, columns, header)
    for offset, row in enumerate(audit.bucket_rates.itertuples(), start=start + 2):
        cells.write(worksheet, offset, 0, bucket_label(row.bucket, audit.lang))
        cell(worksheet, offset, 1, row.opening_amount, "money")
        cell(worksheet, offset, 2, row.collected_amount, "money")
        cell(worksheet, offset, 3, _number(row.collection_rate), "percent")
    worksheet.set_column(0, 0, 34)
    worksheet.set_column(1, 2, 18)
    worksheet.set_column(3, 3, 90)
    worksheet.set_column(4, 4, 45)


def _write_text_tables(worksheet, tables, cells: TextCells, header_format, wrap_format, widths=(), empty=None) -> None:
    row = 2
    for _, columns, rows in tables:
        if not rows and empty:
            cells.write(worksheet, row, 0, empty)
            row += 3
            continue
        cells.write_row(worksheet, row, 0, columns, header_format)
        for values in rows:
            row += 1
            cells.write_row(worksheet, row, 0, values, wrap_format)
        row += 2
    for column, width in enumerate(widths):
        worksheet.set_column(column, column, width)


# -- HTML ------------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2733}
h1{font-size:1.8rem} h2{border-bottom:2px solid #1e88e5;padding-bottom:.2rem;margin-top:2.5rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0 1rem}
th,td{border:1px solid #d5dde5;padding:.25rem .4rem;vertical-align:top;text-align:left}
th{background:#e8eef4} td.n{text-align:right;white-space:nowrap}
.alert{color:#b71c1c;font-weight:600} .warning{color:#e65100;font-weight:600}
img{max-width:100%} dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}
header{border-bottom:3px solid #1e88e5;padding-bottom:1rem} .client{font-size:1.4rem;font-weight:600;color:#1e88e5}
dt{color:#5b6773} dd{margin:0;font-weight:600}
"""


def _html_table(columns: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=n' if i in numeric else ''}>{html.escape(str(v))}</td>" for i, v in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def audit_html(audit: AuditReport, images: dict[str, bytes] | None = None) -> str:
    images = chart_images(audit) if images is None else images
    t = audit.t
    tables = _section_tables(audit)

    def image(name: str) -> str:
        if name not in images:
            return ""
        return f'<img alt="{html.escape(name)}" src="data:image/png;base64,{base64.b64encode(images[name]).decode()}">'

    title = t("audit.title")
    parts = [
        f'<!DOCTYPE html><html lang="{audit.lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(' — '.join(filter(None, (title, audit.client))))}</title>"
        f"<style>{_CSS}</style></head><body>",
        f"<header><h1>{html.escape(title)}</h1>",
    ]
    if audit.client:
        parts.append(f'<p class="client">{html.escape(audit.client)}</p>')
    parts.append("<dl>")
    parts += [f"<dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd>" for label, value in cover_rows(audit)]
    parts.append("</dl></header>")
    numeric = {"kpis": {1, 2, 3}, "aged_balance": set(range(1, 10)), "top_overdue": {1, 2, 3}}
    if audit.has_activity:
        tables[ACTIVITY_SHEET] = _activity_tables(audit)
        numeric[ACTIVITY_SHEET] = {1}
    for key in sections(audit)[1:]:
        parts.append(f"<h2>{html.escape(t(f'audit.section.{key}'))}</h2>")
        if key == "findings":
            if not audit.findings:
                parts.append(f"<p>{html.escape(t('audit.no_findings'))}</p>")
            for finding, row in zip(audit.findings, findings_frame(audit.findings, audit.lang).itertuples()):
                parts.append(
                    f'<p><span class="{finding.severity}">{html.escape(row.severity)}</span> — '
                    f"{html.escape(row.finding)}<br><small>{html.escape(row.numbers)}</small></p>"
                )
            continue
        if key == "aged_balance":
            parts.append(image("aged_balance"))
        if key == "data_quality" and audit.imports.empty:
            parts.append(f"<p>{html.escape(t('audit.no_imports'))}</p>")
            continue
        for subtitle, columns, rows in tables[key]:
            if subtitle:
                parts.append(f"<p>{html.escape(subtitle)}</p>")
            parts.append(_html_table(columns, rows, numeric.get(key, set())))
        if key == "kpis":
            parts.append(f"<h3>{html.escape(t('audit.section.trend'))}</h3>{image('trend')}")
    parts.append("</body></html>")
    return "".join(parts)


# -- PDF -------------------------------------------------------------------------------------------

# Bitstream Vera ships with reportlab, so the PDF looks the same on every machine; the few
# characters it lacks are replaced by their nearest equivalent (∑ for Σ: Vera has the n-ary sign,
# a symbol that reads the same in every language).
_PDF_REPLACEMENTS = {"\u202f": "\u00a0", "Σ": "∑", "→": "->", "\u2011": "-"}
_SEVERITY_COLOURS = {"alert": "#b71c1c", "warning": "#e65100", "info": "#1d2733"}


def _pdf_font() -> str:
    from reportlab import __file__ as reportlab_file
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "EncoursVera" not in pdfmetrics.getRegisteredFontNames():
        fonts = os.path.join(os.path.dirname(reportlab_file), "fonts")
        pdfmetrics.registerFont(TTFont("EncoursVera", os.path.join(fonts, "Vera.ttf")))
        pdfmetrics.registerFont(TTFont("EncoursVera-Bold", os.path.join(fonts, "VeraBd.ttf")))
    return "EncoursVera"


def _pdf_text(value) -> str:
    text = str(value)
    for old, new in _PDF_REPLACEMENTS.items():
        text = text.replace(old, new)
    return html.escape(text)


def audit_pdf(audit: AuditReport, images: dict[str, bytes] | None = None) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import (
        HRFlowable,
        Image,
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    images = chart_images(audit) if images is None else images
    font = _pdf_font()
    t = audit.t
    ink = colors.HexColor("#1d2733")
    accent = colors.HexColor("#1e88e5")
    body = ParagraphStyle("body", fontName=font, fontSize=8, leading=10, textColor=ink)
    reading = ParagraphStyle("reading", parent=body, fontSize=9.5, leading=12.5)
    small = ParagraphStyle("small", parent=body, fontSize=7, leading=8.5)
    muted = ParagraphStyle("muted", parent=small, textColor=colors.HexColor("#5b6773"))
    cover_title = ParagraphStyle("cover_title", fontName=f"{font}-Bold", fontSize=28, leading=34, textColor=ink)
    cover_client = ParagraphStyle(
        "cover_client", fontName=f"{font}-Bold", fontSize=18, leading=24, textColor=accent, spaceBefore=10
    )
    cover_label = ParagraphStyle("cover_label", parent=reading, textColor=colors.HexColor("#5b6773"))
    cover_value = ParagraphStyle("cover_value", parent=reading, fontName=f"{font}-Bold")
    h2 = ParagraphStyle(
        "h2", fontName=f"{font}-Bold", fontSize=13, leading=16, spaceBefore=6, spaceAfter=6, textColor=ink
    )
    page_width = landscape(A4)[0] - 3 * cm

    def paragraph(text, style) -> Paragraph:
        return Paragraph(_pdf_text(text), style)

    def table(columns, rows, widths=None, style=small, numeric=()):
        right = ParagraphStyle("right", parent=style, alignment=2)
        data = [[paragraph(c, style) for c in columns]]
        data += [[paragraph(v, right if i in numeric else style) for i, v in enumerate(row)] for row in rows]
        result = Table(data, colWidths=widths, repeatRows=1)
        result.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#c5ced8")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return result

    def picture(name: str, width: float):
        pixels_wide, pixels_high = ImageReader(io.BytesIO(images[name])).getSize()
        return Image(io.BytesIO(images[name]), width=width, height=width * pixels_high / pixels_wide)

    tables = _section_tables(audit)

    # Cover: who it is for, the period, the mode, who wrote it and when.
    story = [Spacer(1, 2.5 * cm), paragraph(t("audit.title"), cover_title)]
    if audit.client:
        story.append(paragraph(audit.client, cover_client))
    story += [Spacer(1, 0.4 * cm), HRFlowable(width="100%", thickness=1.2, color=accent), Spacer(1, 0.6 * cm)]
    cover = Table(
        [[paragraph(label, cover_label), paragraph(value, cover_value)] for label, value in cover_rows(audit)],
        colWidths=[6 * cm, page_width - 6 * cm],
    )
    cover.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    story += [cover, PageBreak()]

    # Findings first: what the reader must act on.
    story.append(paragraph(t("audit.section.findings"), h2))
    if not audit.findings:
        story.append(paragraph(t("audit.no_findings"), reading))
    for finding, row in zip(audit.findings, findings_frame(audit.findings, audit.lang).itertuples()):
        severity = ParagraphStyle(
            f"severity_{finding.severity}",
            parent=reading,
            fontName=f"{font}-Bold",
            textColor=colors.HexColor(_SEVERITY_COLOURS[finding.severity]),
        )
        story.append(
            KeepTogether(
                [
                    Table(
                        [
                            [
                                paragraph(row.severity, severity),
                                [paragraph(row.finding, reading), paragraph(row.numbers, muted)],
                            ]
                        ],
                        colWidths=[3 * cm, page_width - 3 * cm],
                        style=TableStyle(
                            [
                                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#d5dde5")),
                            ]
                        ),
                    ),
                    Spacer(1, 4),
                ]
            )
        )
    story.append(PageBreak())

    story.append(paragraph(t("audit.section.kpis"), h2))
    _, columns, rows = tables["kpis"][0]
    story.append(
        table(columns, rows, widths=[4.6 * cm, 2.9 * cm, 2.9 * cm, 2.6 * cm, page_width - 13 * cm], numeric=(1, 2, 3))
    )
    if "trend" in images:
        story += [Spacer(1, 8), KeepTogether([paragraph(t("audit.section.trend"), h2), picture("trend", 16 * cm)])]
    story.append(PageBreak())

    if audit.has_activity:
        story.append(paragraph(t(f"audit.section.{ACTIVITY_SHEET}"), h2))
        (_, columns, rows), (subtitle, bucket_columns, bucket_rows) = _activity_tables(audit)
        story.append(table(columns, rows, widths=[6 * cm, 5 * cm, page_width - 11 * cm], numeric=(1,)))
        story += [
            Spacer(1, 8),
            paragraph(subtitle, body),
            Spacer(1, 4),
            table(bucket_columns, bucket_rows, widths=[4 * cm, 5 * cm, 5 * cm, 4 * cm], numeric=(1, 2, 3)),
            PageBreak(),
        ]

    story.append(paragraph(t("audit.section.aged_balance"), h2))
    subtitle, columns, rows = tables["aged_balance"][0]
    story.append(paragraph(subtitle, body))
    if "aged_balance" in images:
        story.append(picture("aged_balance", 13 * cm))
    bucket_width = (page_width - 6 * cm) / (len(columns) - 1)
    story.append(
        table(columns, rows, widths=[6 * cm] + [bucket_width] * (len(columns) - 1), numeric=range(1, len(columns)))
    )
    story.append(PageBreak())

    story.append(paragraph(t("audit.section.top_overdue"), h2))
    _, columns, rows = tables["top_overdue"][0]
    story.append(
        table(columns, rows, widths=[6 * cm, 3 * cm, 3 * cm, 3 * cm, 2 * cm, page_width - 17 * cm], numeric=(1, 2, 3))
    )
    story.append(PageBreak())

    story.append(paragraph(t("audit.section.data_quality"), h2))
    if audit.imports.empty:
        story.append(paragraph(t("audit.no_imports"), body))
    else:
        (_, columns, rows), (_, file_columns, file_rows) = tables["data_quality"]
        story += [
            table(
                columns,
                rows,
                widths=[1.8 * cm, 2.4 * cm, page_width - 17.4 * cm, 2.4 * cm, 2.4 * cm, 4.2 * cm, 4.2 * cm],
                numeric=(3, 4, 5, 6),
            ),
            Spacer(1, 8),
            table(
                file_columns,
                file_rows,
                widths=[
                    1.8 * cm,
                    3.4 * cm,
                    3.4 * cm,
                    2 * cm,
                    2 * cm,
                    3.2 * cm,
                    3.2 * cm,
                    1.8 * cm,
                    page_width - 20.8 * cm,
                ],
                numeric=(3, 4, 5, 6),
            ),
        ]
    story.append(PageBreak())

    story.append(paragraph(t("audit.section.definitions"), h2))
    _, columns, rows = tables["definitions"][0]
    story.append(table(columns, rows, widths=[6 * cm, page_width - 9 * cm, 3 * cm], style=body))

    footer = " · ".join(filter(None, (t("audit.title"), audit.client, cover_rows(audit)[1][1])))

    def page_footer(canvas, document) -> None:
        if document.page == 1:
            return
        canvas.saveState()
        canvas.setFont(font, 7)
        canvas.setFillColor(colors.HexColor("#5b6773"))
        canvas.drawString(1.5 * cm, 0.9 * cm, footer.replace("\u202f", "\u00a0"))
        canvas.drawRightString(landscape(A4)[0] - 1.5 * cm, 0.9 * cm, str(document.page))
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=" — ".join(filter(None, (t("audit.title"), audit.client))),
        author=audit.author or "Encours",
        creator="Encours",
    )
    document.build(story, onFirstPage=page_footer, onLaterPages=page_footer)
    return buffer.getvalue()


def write_audit(audit: AuditReport, fmt: str) -> bytes:
    """The report as bytes in one of FORMATS."""
    if fmt == "xlsx":
        return audit_xlsx(audit)
    if fmt == "html":
        return audit_html(audit).encode("utf-8")
    if fmt == "pdf":
        return audit_pdf(audit)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
