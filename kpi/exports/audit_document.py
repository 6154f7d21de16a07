"""The audit report as one document: cover, sections and their blocks, built once as plain data for three renderers.

Reading order: the cover (client, period, matching mode, author, date), the findings a reader must act on, then
the KPIs, each with its computation in words and this period's numbers, and the rest. Every cell carries the text
HTML and PDF print (kpi.text.formatting, French or English) and the value the XLSX writes (a number stays a
number, money with two decimals, so the client can recompute). A change of a rate is in points, of an amount or a
number of days in its own unit. A column marked `detail` (ids, units, risk points) is for the spreadsheet only.

Charts are named here and drawn elsewhere (`chart_images`: the dashboard's Altair charts as PNG through
vl-convert, so no browser is needed); the document holds no markup and no bytes, and what came from the data
(names, ids, file names, import notes) is plain text that each renderer keeps inert.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kpi.analysis.findings import findings_frame
from kpi.metrics.aging import row_dicts
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

if TYPE_CHECKING:
    from kpi.analysis.audit import AuditReport

SHEETS = ("cover", "findings", "kpis", "aged_balance", "top_overdue", "data_quality", "definitions")
ACTIVITY_SHEET = "activity"  # after "kpis", only when the report has collection activity (AuditReport.has_activity)
# The month-by-month trend under the headline KPIs: a table in the spreadsheet, the DSO / BPDSO chart elsewhere.
TREND_UNITS = {
    "dso": "days",
    "bpdso": "days",
    "add": "days",
    "cei": "percent",
    "overdue_rate": "percent",
    "closing_ar": "money",
}
CHART_WIDTH_PX = 520
# The charts the document names and chart_images draws.
AGED_CHART = "aged_balance"
TREND_CHART = "trend"

Number = int | float | Decimal


@dataclass(frozen=True)
class Cell:
    """One table cell: `text` as HTML and PDF print it, `value` as the XLSX writes it.

    `value` is a str for text, a number for a figure (written with `unit`'s number format), None for a blank
    cell (a figure that is undefined, such as a month without sales' DSO). `change` marks a difference between
    two periods, written signed (a rate's in points).
    """

    text: str
    value: str | Number | None
    unit: str = "text"
    change: bool = False


@dataclass(frozen=True)
class Column:
    """A column's title and layout: `numeric` aligns right; `detail` is for the spreadsheet only; `wrap` wraps
    its text in the spreadsheet; widths in centimetres for the PDF (None shares what the others leave of the
    page) and in characters for the spreadsheet (None keeps the sheet's)."""

    title: str
    numeric: bool = False
    detail: bool = False
    wrap: bool = False
    width_cm: float | None = None
    width_chars: float | None = None


@dataclass(frozen=True)
class Table:
    """Rows of cells under their columns, with an optional caption above and a total row below."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str | None = None
    total: tuple[Cell, ...] | None = None
    prose: bool = False  # sentences rather than figures: the PDF sets them in the reading size

    def shown(self) -> tuple[int, ...]:
        """The indexes of the columns a reader of HTML or PDF sees: all but the spreadsheet's details."""
        return tuple(index for index, column in enumerate(self.columns) if not column.detail)


@dataclass(frozen=True)
class Paragraph:
    """A sentence on its own, such as what an empty section has to say."""

    text: str


@dataclass(frozen=True)
class Chart:
    """A chart of the dashboard, by its name in `chart_images`; `data`, when given, is what the spreadsheet
    writes instead of the picture."""

    image: str
    title: str | None = None
    width_cm: float = 16.0
    data: Table | None = None


@dataclass(frozen=True)
class FindingItem:
    """One finding: its severity (the key, for its colour, and its label), the sentence and its numbers."""

    severity: str
    label: str
    text: str
    numbers: str


@dataclass(frozen=True)
class Findings:
    """The findings in order of severity; `empty` is said when there is none. `columns` head the XLSX's table."""

    columns: tuple[Column, ...]
    items: tuple[FindingItem, ...]
    empty: str


Block = Table | Paragraph | Chart | Findings


@dataclass(frozen=True)
class Section:
    """A part of the report: a heading (`title`), a spreadsheet sheet (`sheet`, at most 31 characters) and its
    blocks in reading order."""

    key: str
    title: str
    sheet: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Cover:
    """The first page: the report's title, the client, what the cover says row by row (label, value)."""

    title: str
    client: str
    rows: tuple[tuple[str, str], ...]
    heading: str  # the cover sheet's title in the spreadsheet
    sheet: str


@dataclass(frozen=True)
class AuditDocument:
    """The whole report, ready to render: language, cover, sections, and what the PDF's pages and metadata say."""

    lang: str
    cover: Cover
    sections: tuple[Section, ...]
    footer: str
    author: str
    points: str  # a rate's change unit, for the spreadsheet's number format

    @property
    def title(self) -> str:
        """The document's title: the report's, then the client's name when there is one."""
        return " — ".join(filter(None, (self.cover.title, self.cover.client)))


def sections(audit: AuditReport) -> tuple[str, ...]:
    """The report's sections in order: SHEETS, with the activity one when there is something to show."""
    kpis = SHEETS.index("kpis") + 1
    return (*SHEETS[:kpis], ACTIVITY_SHEET, *SHEETS[kpis:]) if audit.has_activity else SHEETS


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


def change_text(value: Any, unit: str, audit: AuditReport) -> str:
    """A change between the two periods: a rate's in points (`+2,3 pt`), an amount or days in their unit."""
    if is_missing(value):
        return MISSING
    if unit == "percent":
        number = format_number(value, audit.lang, 1)
        signed = number if number.startswith("-") or not any(ch in "123456789" for ch in number) else f"+{number}"
        return f"{signed}\u00a0{audit.t('unit.points')}"
    return Formatter(audit.lang, audit.currency).change(value, unit)


def chart_images(audit: AuditReport) -> dict[str, bytes]:
    """PNG images of the charts the document names: the aged balance and the DSO / BPDSO trend."""
    import vl_convert

    charts = {
        AGED_CHART: aging_bar_chart(audit.report.aging, audit.lang, audit.currency),
        TREND_CHART: kpi_trend_chart(audit.series, ["dso", "bpdso"], "days", audit.lang),
    }
    return {
        name: vl_convert.vegalite_to_png(chart.properties(width=CHART_WIDTH_PX).to_json(), scale=2)
        for name, chart in charts.items()
    }


# -- cells -----------------------------------------------------------------------------------------


def _number(value: Any) -> Any:
    """None for a missing figure (None or NaN once it went through a frame)."""
    return None if is_missing(value) else value


def text_cell(value: str) -> Cell:
    """A text cell, printed and written as it is."""
    return Cell(value, value)


class _Cells:
    """The report's cell makers, in its language and currency."""

    def __init__(self, audit: AuditReport) -> None:
        self.audit = audit

    def figure(self, value: Any, unit: str) -> Cell:
        """A figure in its unit: formatted text, and the number (None when undefined, never 0)."""
        return Cell(format_value(value, unit, self.audit.lang, self.audit.currency), _number(value), unit)

    def money(self, value: Any) -> Cell:
        return self.figure(value, "money")

    def count(self, value: Any) -> Cell:
        return Cell(format_number(value, self.audit.lang), _number(value), "count")

    def change(self, value: Any, unit: str) -> Cell:
        return Cell(change_text(value, unit, self.audit), _number(value), unit, change=True)

    def unit(self, unit: str) -> Cell:
        """A unit's name as the appendix and the spreadsheet say it (€, jours, %, fois…)."""
        if unit == "money":
            return text_cell(CURRENCY_SYMBOLS.get(self.audit.currency, self.audit.currency))
        return text_cell(self.audit.t(f"audit.unit.{unit}"))


# -- sections --------------------------------------------------------------------------------------


def audit_document(audit: AuditReport) -> AuditDocument:
    """The report's content, built once: each renderer (audit_html, audit_pdf, audit_xlsx) walks it in order."""
    t = audit.t
    builders = {
        "findings": _findings,
        "kpis": _kpis,
        ACTIVITY_SHEET: _activity,
        "aged_balance": _aged_balance,
        "top_overdue": _top_overdue,
        "data_quality": _data_quality,
        "definitions": _definitions,
    }
    rows = cover_rows(audit)
    cover = Cover(
        title=t("audit.title"),
        client=audit.client,
        rows=tuple(rows),
        heading=t("audit.section.cover"),
        sheet=t("audit.sheet.cover")[:31],
    )
    return AuditDocument(
        lang=audit.lang,
        cover=cover,
        sections=tuple(
            Section(key, t(f"audit.section.{key}"), t(f"audit.sheet.{key}")[:31], builders[key](audit))
            for key in sections(audit)[1:]
        ),
        footer=" · ".join(filter(None, (cover.title, audit.client, rows[1][1]))),
        author=audit.author,
        points=t("unit.points"),
    )


def _findings(audit: AuditReport) -> tuple[Block, ...]:
    t = audit.t
    frame = findings_frame(audit.findings, audit.lang)
    items = tuple(
        FindingItem(finding.severity, row.severity, row.finding, row.numbers)
        for finding, row in zip(audit.findings, frame.itertuples(), strict=True)
    )
    columns = (
        Column(t("audit.col.severity"), wrap=True, width_chars=14),
        Column(t("audit.col.finding"), wrap=True, width_chars=90),
        Column(t("audit.col.numbers"), wrap=True, width_chars=90),
    )
    return (Findings(columns, items, t("audit.no_findings")),)


def _kpi_column(audit: AuditReport, width_cm: float, wrap: bool = False) -> Column:
    """The column naming the KPI in each table of KPIs: as wide in every spreadsheet sheet (34 characters)."""
    return Column(audit.t("audit.col.kpi"), wrap=wrap, width_cm=width_cm, width_chars=34)


def _kpi_and_value(audit: AuditReport, kpi_cm: float, value_cm: float, value_chars: int) -> tuple[Column, Column]:
    """The two columns a table of KPI values opens with: the KPI, then its value."""
    value = Column(audit.t("audit.col.value"), numeric=True, width_cm=value_cm, width_chars=value_chars)
    return _kpi_column(audit, kpi_cm), value


def _kpis(audit: AuditReport) -> tuple[Block, ...]:
    t, cells = audit.t, _Cells(audit)
    headline = Table(
        columns=(
            *_kpi_and_value(audit, kpi_cm=4.6, value_cm=2.9, value_chars=16),
            Column(t("audit.col.previous"), numeric=True, width_cm=2.9, width_chars=16),
            Column(t("audit.col.change"), numeric=True, width_cm=2.6, width_chars=16),
            Column(t("audit.col.unit"), detail=True, width_chars=16),
            Column(t("audit.col.computation"), wrap=True, width_chars=110),
        ),
        rows=tuple(
            (
                text_cell(row.label),
                cells.figure(row.value, row.unit),
                cells.figure(row.previous, row.unit),
                cells.change(row.change, row.unit),
                cells.unit(row.unit),
                text_cell(row.computation),
            )
            for row in audit.headline().itertuples()
        ),
    )
    trend = Table(
        columns=(Column(t("chart.month")), *(Column(t(f"kpi.{key}.label"), numeric=True) for key in TREND_UNITS)),
        rows=tuple(
            (
                text_cell(str(month["month"])),
                *(cells.figure(month[key], unit) for key, unit in TREND_UNITS.items()),
            )
            for _, month in audit.series.iterrows()
        ),
    )
    return headline, Chart(TREND_CHART, t("audit.section.trend"), width_cm=16, data=trend)


def _missing_log(row: Any) -> str | None:
    """The log an activity KPI lacks, if any (None, or NaN once the frame made the column text)."""
    return None if is_missing(row.missing) else str(row.missing)


def _activity_value(row: Any, cells: _Cells) -> Cell:
    """A collection-activity figure: the missing log said in words (a blank cell in the spreadsheet), never 0."""
    if _missing_log(row) is not None:
        return Cell(cells.audit.t(f"collections.absent.{row.missing}"), None, row.unit)
    if row.unit == "count":
        return cells.count(row.value)
    return cells.figure(row.value, row.unit)


def _activity(audit: AuditReport) -> tuple[Block, ...]:
    """Its KPIs with their definition, then what each bucket of the opening balance yielded."""
    t, cells = audit.t, _Cells(audit)
    kpis = Table(
        columns=(
            *_kpi_and_value(audit, kpi_cm=6, value_cm=5, value_chars=18),
            Column(t("audit.col.unit"), detail=True, width_chars=18),
            Column(t("audit.col.definition"), wrap=True, width_chars=90),
            Column(t("audit.col.notes"), detail=True, width_chars=45),
        ),
        rows=tuple(
            (
                text_cell(row.label),
                _activity_value(row, cells),
                cells.unit(row.unit),
                text_cell(row.formula),
                text_cell(t(f"collections.absent.{row.missing}") if _missing_log(row) is not None else ""),
            )
            for row in audit.activity_rows().itertuples()
        ),
    )
    buckets = Table(
        caption=t("audit.activity_buckets", day=format_date(audit.period.start, audit.lang)),
        columns=(
            Column(t("collections.col.bucket"), width_cm=4),
            Column(t("collections.col.opening"), numeric=True, width_cm=5),
            Column(t("collections.col.collected"), numeric=True, width_cm=5),
            Column(t("collections.col.rate"), numeric=True, width_cm=4),
        ),
        rows=tuple(
            (
                text_cell(bucket_label(row.bucket, audit.lang)),
                cells.money(row.opening_amount),
                cells.money(row.collected_amount),
                cells.figure(_number(row.collection_rate), "percent"),
            )
            for row in (() if audit.bucket_rates is None else audit.bucket_rates.itertuples())
        ),
    )
    return kpis, buckets


def _aged_balance(audit: AuditReport) -> tuple[Block, ...]:
    t, cells = audit.t, _Cells(audit)
    keys = list(audit.aged.amount_columns)
    table = Table(
        caption=t("audit.as_of", day=format_date(audit.period.end, audit.lang)),
        columns=(
            Column(t("audit.col.customer_id"), detail=True, width_chars=12),
            Column(t("audit.col.customer"), width_cm=6, width_chars=34),
            *(Column(bucket_label(key, audit.lang), numeric=True, width_chars=15) for key in keys),
        ),
        rows=tuple(
            (text_cell(row["customer_id"]), text_cell(row["customer_name"]), *(cells.money(row[key]) for key in keys))
            for row in row_dicts(audit.aged.rows)
        ),
        total=(Cell("", None), text_cell(t("bucket.total")), *(cells.money(audit.aged.totals[key]) for key in keys)),
    )
    return Chart(AGED_CHART, width_cm=13), table


def _top_overdue(audit: AuditReport) -> tuple[Block, ...]:
    t, cells = audit.t, _Cells(audit)
    table = Table(
        columns=(
            Column(t("audit.col.customer_id"), detail=True),
            Column(t("audit.col.customer"), width_cm=6, width_chars=34),
            Column(t("audit.col.overdue"), numeric=True, width_cm=3, width_chars=15),
            Column(bucket_label(audit.aged.bucket_keys[-1], audit.lang), numeric=True, width_cm=3, width_chars=15),
            Column(t("bucket.total"), numeric=True, width_cm=3, width_chars=15),
            Column(t("risk.rating"), width_cm=2),
            Column(t("risk.points"), detail=True),
            Column(t("risk.factors"), width_chars=60),
        ),
        rows=tuple(
            (
                text_cell(row.customer_id),
                text_cell(row.customer_name),
                cells.money(row.overdue),
                cells.money(row.over_120),
                cells.money(row.total),
                Cell(row.rating or MISSING, row.rating or None),
                Cell(format_number(row.points, audit.lang), _number(row.points), "count"),
                text_cell(row.factors),
            )
            for row in audit.top_overdue().itertuples()
        ),
    )
    return (table,)


def _data_quality(audit: AuditReport) -> tuple[Block, ...]:
    """The workspace's imports, then each file read: what it held, what was imported, whether they agree."""
    t, cells = audit.t, _Cells(audit)
    if audit.imports.empty:
        return (Paragraph(t("audit.no_imports")),)
    imports = Table(
        columns=(
            Column(t("audit.col.import"), width_cm=1.8, width_chars=16),
            Column(t("audit.col.imported_at"), width_cm=2.4, width_chars=16),
            Column(t("audit.col.files"), width_chars=16),
            Column(t("audit.col.documents"), numeric=True, width_cm=2.4, width_chars=16),
            Column(t("audit.col.settlements"), numeric=True, width_cm=2.4, width_chars=16),
            Column(t("audit.col.documents_total"), numeric=True, width_cm=4.2, width_chars=16),
            Column(t("audit.col.settlements_total"), numeric=True, width_cm=4.2, width_chars=16),
        ),
        rows=tuple(
            (
                cells.count(row.import_id),
                text_cell(format_date(row.imported_at, audit.lang)),
                text_cell(", ".join(row.sources)),
                cells.count(row.documents),
                cells.count(row.settlements),
                cells.money(row.documents_total),
                cells.money(row.settlements_total),
            )
            for row in audit.imports.itertuples()
        ),
    )
    files = Table(
        columns=(
            Column(t("audit.col.import"), width_cm=1.8, width_chars=16),
            Column(t("audit.col.file"), width_cm=3.4, width_chars=16),
            Column(t("audit.col.layout"), width_cm=3.4, width_chars=16),
            Column(t("audit.col.rows_read"), numeric=True, width_cm=2, width_chars=16),
            Column(t("audit.col.rows_imported"), numeric=True, width_cm=2, width_chars=16),
            Column(t("audit.col.amount_in_file"), numeric=True, width_cm=3.2, width_chars=16),
            Column(t("audit.col.amount_imported"), numeric=True, width_cm=3.2, width_chars=16),
            Column(t("audit.col.reconciled"), width_cm=1.8, width_chars=16),
            Column(t("audit.col.notes"), wrap=True, width_chars=90),
        ),
        rows=tuple(
            (
                cells.count(row.import_id),
                text_cell(row.file),
                text_cell(audit.layout_label(row.layout)),
                cells.count(row.rows_read),
                cells.count(row.rows_imported),
                cells.money(row.amount_in_file),
                cells.money(row.amount_imported),
                text_cell(t("audit.yes") if row.reconciled else t("audit.no")),
                text_cell(row.notes),
            )
            for row in audit.import_files.itertuples()
        ),
    )
    return imports, files


def _definitions(audit: AuditReport) -> tuple[Block, ...]:
    t, cells = audit.t, _Cells(audit)
    table = Table(
        columns=(
            _kpi_column(audit, width_cm=6, wrap=True),
            Column(t("audit.col.definition"), wrap=True, width_chars=110),
            Column(t("audit.col.unit"), wrap=True, width_cm=3, width_chars=12),
        ),
        rows=tuple(
            (text_cell(row.label), text_cell(row.definition), cells.unit(row.unit))
            for row in audit.definitions().itertuples()
        ),
        prose=True,
    )
    return (table,)
