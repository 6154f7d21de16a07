"""The customer statement (kpi/metrics/statement.py) as a file: HTML (a Jinja2 template, autoescaped), PDF
(reportlab, portrait A4) and XLSX, in French or English, under the company's letterhead; and many at once in a zip.

The three share one layout: the sections (open invoices, credit notes not applied, unapplied payments) with
the same columns, the `netted` one only in `oldest` mode, then the balance. Built from the values passed in,
so the app offers them as downloads and a test reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reportlab.platypus import Spacer

from kpi.exports.header import FileHeader, new_workbook, table_styles
from kpi.exports.letterhead import PdfPage, letterhead_lines
from kpi.exports.templates import html_environment
from kpi.metrics.settings import CompanySettings
from kpi.metrics.statement import SECTIONS, ItemSettlement, Statement, StatementItem, safe_file_part
from kpi.text.formatting import format_date, format_money, label_colon
from kpi.text.i18n import translate

MONEY_COLUMNS = ("amount", "settled", "netted", "outstanding")
DATE_COLUMNS = ("issue_date", "due_date")
# PDF widths in cm (None: shares what is left).
_PDF_WIDTHS = {
    "document_id": 1.9,
    "issue_date": 2.0,
    "due_date": 2.0,
    "amount": 2.0,
    "settled": 2.0,
    "netted": 2.0,
    "outstanding": 2.0,
    "days_past_due": 1.2,
    "settlements": None,
}

_environment = html_environment()
_environment.filters["label"] = translate


def columns(statement: Statement) -> tuple[str, ...]:
    """The columns of every section; what the oldest-first rule netted only in that mode."""
    return tuple(key for key in _PDF_WIDTHS if key != "netted" or statement.matching == "oldest")


def settlement_text(settlement: ItemSettlement, lang: str, currency: str = "EUR") -> str:
    """« 25/03/2026 paiement P-04 1 000,00 € »; a credit note says which, an application which invoice."""
    what = settlement.counterpart if settlement.kind in ("credit", "credit_applied") else settlement.settlement_id
    return (
        f"{format_date(settlement.date, lang)} {translate(f'statement.kind.{settlement.kind}', lang)} {what}"
        f" {format_money(settlement.amount, lang, currency)}"
    )


def item_values(item: StatementItem, lang: str, currency: str = "EUR") -> dict[str, Any]:
    """One item's cells by column: money as Decimal, dates as date, the settlements (or what the item is) as text."""
    if item.settlements:
        settled_by = "; ".join(settlement_text(settlement, lang, currency) for settlement in item.settlements)
    elif item.section == "unapplied_payments":  # the payment itself: say what it is
        settled_by = translate(f"statement.kind.{item.kind}", lang)
    else:
        settled_by = ""
    return {
        "document_id": item.document_id,
        "issue_date": item.issue_date,
        "due_date": item.due_date,
        "amount": item.amount,
        "settled": item.settled,
        "netted": item.netted,
        "outstanding": item.outstanding,
        "days_past_due": item.days_past_due if item.overdue else None,  # a reader sees no "−14 days late"
        "settlements": settled_by,
    }


@dataclass(frozen=True)
class Section:
    """A section as text: its title, its rows' cells, the total of its outstanding."""

    key: str
    title: str
    rows: tuple[tuple[str, ...], ...]
    total: str


@dataclass(frozen=True)
class StatementLayout:
    """The statement as the HTML and PDF show it, every value already text."""

    lang: str
    title: str
    letterhead: tuple[str, ...]
    customer: str
    as_of: str
    matching: str
    columns: tuple[str, ...]
    titles: tuple[str, ...]
    numeric: tuple[bool, ...]
    sections: tuple[Section, ...]
    overdue: str
    balance: str
    balance_note: str
    generated: str
    empty: str | None


def layout(statement: Statement, company: CompanySettings, header: FileHeader) -> StatementLayout:
    """What a reader sees, in `header.lang`: letterhead, customer and date, the sections, the balance."""
    lang, currency = header.lang, header.currency
    said = label_colon(lang)
    keys = columns(statement)

    def text(key: str, value: Any) -> str:
        if value is None:
            return ""
        if key in MONEY_COLUMNS:
            return format_money(value, lang, currency)
        if key in DATE_COLUMNS:
            return format_date(value, lang)
        return str(value)

    sections = tuple(
        Section(
            key,
            translate(f"statement.section.{key}", lang),
            tuple(
                tuple(
                    text(column, value) for column, value in item_values(item, lang, currency).items() if column in keys
                )
                for item in statement.section(key)
            ),
            format_money(statement.total(key), lang, currency),
        )
        for key in SECTIONS
        if statement.section(key) or key == "open"
    )
    return StatementLayout(
        lang=lang,
        title=translate("statement.title", lang),
        letterhead=tuple(letterhead_lines(company, lang)),
        customer=f"{translate('statement.customer', lang)}{said}{statement.customer_name}"
        f" ({translate('statement.customer_id', lang)} {statement.customer_id})",
        as_of=f"{translate('statement.as_of', lang)} {format_date(statement.as_of, lang)}",
        matching=f"{translate('matching.label', lang)}{said}{translate(f'matching.{statement.matching}', lang)}",
        columns=keys,
        titles=tuple(translate(f"statement.column.{key}", lang) for key in keys),
        numeric=tuple(key in MONEY_COLUMNS or key == "days_past_due" for key in keys),
        sections=sections,
        overdue=f"{translate('statement.overdue', lang)}{said}{format_money(statement.overdue, lang, currency)}",
        balance=f"{translate('statement.balance', lang)}{said}{format_money(statement.balance, lang, currency)}",
        balance_note=translate("statement.balance_note", lang),
        generated=translate("statement.generated", lang, day=header.generated.strftime("%d/%m/%Y %H:%M")),
        empty=None if statement.items else translate("statement.no_items", lang),
    )


def file_stem(statement: Statement, lang: str) -> str:
    """`releve-C2-2026-03-31`: the customer id made safe for a file name."""
    stem = translate("statement.file_stem", lang)
    return f"{stem}-{safe_file_part(statement.customer_id)}-{statement.as_of.isoformat()}"


def file_name(statement: Statement, suffix: str, lang: str) -> str:
    return f"{file_stem(statement, lang)}.{suffix}"


def statement_html(statement: Statement, company: CompanySettings, header: FileHeader) -> str:
    """The statement as one HTML page: every value from the data escaped by the template's autoescape."""
    return _environment.get_template("statement.html.j2").render(page=layout(statement, company, header))


def statement_pdf(statement: Statement, company: CompanySettings, header: FileHeader) -> bytes:
    """The statement as a portrait A4 PDF."""
    page = PdfPage()
    shown = layout(statement, company, header)
    widths = [_PDF_WIDTHS[key] for key in shown.columns]
    story = [*page.letterhead(company, shown.lang), Spacer(1, 14)]
    story += [
        page.text(shown.title, page.title),
        page.text(shown.customer, page.strong),
        page.text(shown.as_of),
        page.text(shown.matching, page.muted),
    ]
    for section in shown.sections:
        story.append(page.text(section.title, page.heading))
        if section.rows:
            total = [translate("statement.total", shown.lang), *[""] * (len(shown.columns) - 1)]
            total[shown.columns.index("outstanding")] = section.total
            story.append(page.table([shown.titles, *section.rows, total], widths, shown.numeric))
        else:
            story.append(page.text(translate("statement.empty_section", shown.lang), page.muted))
    if shown.empty:
        story.append(page.text(shown.empty))
    story += [
        page.text(shown.overdue, page.heading),
        page.text(shown.balance, page.title),
        page.text(shown.balance_note, page.muted),
    ]
    return page.build(
        story, shown.title, f"{shown.title} · {statement.customer_name} · {shown.as_of} · {shown.generated}"
    )


def statement_xlsx(statement: Statement, company: CompanySettings, header: FileHeader) -> bytes:
    """A workbook of one sheet: letterhead, customer, date and mode, then each section's rows and total, then the
    balance; amounts as numbers, text written inert."""
    lang = header.lang
    output, workbook, cells = new_workbook()
    styles = table_styles(workbook, cells, header.currency)
    shown = layout(statement, company, header)
    workbook.set_properties({"title": shown.title, "comments": header.source})
    sheet = workbook.add_worksheet(translate("statement.sheet", lang)[:31])
    row = 0
    for line in shown.letterhead:
        cells.write(sheet, row, 0, line, styles["header_label"] if row == 0 else None)
        row += 1
    row += 1
    for line, style in ((shown.title, "title"), (shown.customer, None), (shown.as_of, None), (shown.matching, None)):
        cells.write(sheet, row, 0, line, styles[style] if style else None)
        row += 1
    for section in shown.sections:
        row += 1
        cells.write(sheet, row, 0, section.title, styles["header_label"])
        row += 1
        for column, title in enumerate(shown.titles):
            cells.write(sheet, row, column, title, styles["column"])
        row += 1
        for item in statement.section(section.key):
            values = item_values(item, lang, header.currency)
            for column, key in enumerate(shown.columns):
                _write(sheet, cells, row, column, key, values[key], styles)
            row += 1
        cells.write(sheet, row, 0, translate("statement.total", lang), styles["total_label"])
        sheet.write_number(
            row, shown.columns.index("outstanding"), float(statement.total(section.key)), styles["total"]
        )
        row += 1
    row += 1
    for label, amount in (
        (translate("statement.overdue", lang), statement.overdue),
        (translate("statement.balance", lang), statement.balance),
    ):
        cells.write(sheet, row, 0, label, styles["total_label"])
        sheet.write_number(row, shown.columns.index("outstanding"), float(amount), styles["total"])
        row += 1
    cells.write(sheet, row, 0, shown.balance_note)
    cells.write(sheet, row + 1, 0, shown.generated)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, len(shown.columns) - 2, 14)
    sheet.set_column(len(shown.columns) - 1, len(shown.columns) - 1, 60)
    workbook.close()
    return output.getvalue()


def _write(sheet: Any, cells: Any, row: int, column: int, key: str, value: Any, styles: dict[str, Any]) -> None:
    if value is None or value == "":
        sheet.write_blank(row, column, None)
    elif key in MONEY_COLUMNS:
        sheet.write_number(row, column, float(value), styles["money"])
    elif key in DATE_COLUMNS and isinstance(value, date):
        sheet.write_datetime(row, column, datetime.combine(value, datetime.min.time()), styles["date"])
    elif key == "days_past_due":
        sheet.write_number(row, column, int(value))
    else:
        cells.write(sheet, row, column, str(value))


def statement_file(statement: Statement, company: CompanySettings, header: FileHeader, suffix: str) -> bytes:
    """The statement in the format its suffix names (pdf, xlsx, html), as bytes."""
    if suffix == "html":
        return statement_html(statement, company, header).encode("utf-8")
    return statement_xlsx(statement, company, header) if suffix == "xlsx" else statement_pdf(statement, company, header)
