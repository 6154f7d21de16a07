"""Reminder letters (kpi/metrics/letters.py) as PDF, their text from a Jinja2 template per stage and language.

The defaults, written for this product, are `templates/letters/<stage>.<lang>.j2`; a workspace may store its own
version of each under `letter_template_<stage>_<lang>` in its settings (None: the default again). A template is
run in Jinja2's sandbox with autoescape on: every value it is given (the customer's name, the company's…) is
escaped text, and only the template's own markup (<b>, <i>, <br/>) reaches reportlab. Paragraphs are separated by
a blank line; the one that is `{{ invoice_table }}` alone is where the table of overdue invoices goes (after the
text when a template leaves it out).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment
from reportlab.platypus import Flowable, Spacer

from kpi.exports import templates
from kpi.exports.header import FileHeader
from kpi.exports.letterhead import PdfPage
from kpi.metrics.letters import LETTER_STAGES, Letter
from kpi.metrics.settings import CompanySettings
from kpi.metrics.statement import safe_file_part
from kpi.text.errors import InvalidValue
from kpi.text.formatting import format_date, format_money, format_number, format_percent
from kpi.text.i18n import translate
from kpi.text.messages import Message

TEMPLATES = templates.TEMPLATES / "letters"
LANGS = ("fr", "en")
TABLE_MARK = "@@invoice_table@@"
_PARAGRAPHS = re.compile(r"\n\s*\n")
# The markup a template may write: bold, italics, underline and line breaks, without attributes. Any other tag
# (<img src=…> would make reportlab read a file or a URL, <a href=…> a link) prints as the text it is.
_TAG = re.compile(r"<(/?)([A-Za-z]+)\s*(/?)>|<")
_ALLOWED_TAGS = frozenset({"b", "i", "u", "br", "strong", "em"})

_sandbox = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
# What a letter template may be made of: text, the values of `template_values`, conditions, comparisons, joining
# with ~ and a few filters that never grow a text. No loop, macro, call, arithmetic or include: a template stored
# in a workspace is data, and one like {% for a in x %}{% for b in x %}… or {{ "x" * 10**9 }} could otherwise take
# the app's time or memory without bound. Its size is bounded too.
_TEMPLATE_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Const,
    nodes.If,
    nodes.CondExpr,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Concat,
    nodes.Filter,
    nodes.Test,
)
_TEMPLATE_FILTERS = frozenset({"upper", "lower", "capitalize", "title", "trim", "default", "d", "e", "escape"})
TEMPLATE_MAX_CHARS = 20_000
_NODE_WORDS = {
    "For": "{% for %}",
    "Macro": "{% macro %}",
    "CallBlock": "{% call %}",
    "Assign": "{% set %}",
    "Include": "{% include %}",
    "Import": "{% import %}",
    "FromImport": "{% from %}",
    "Extends": "{% extends %}",
    "Call": "( )",
    "Mul": "*",
    "Pow": "**",
    "Add": "+",
    "Sub": "-",
    "Div": "/",
    "FloorDiv": "//",
    "Mod": "%",
}


def template_setting(stage: str, lang: str) -> str:
    """The workspace setting that holds a stage's template in a language."""
    return f"letter_template_{stage}_{lang}"


@cache
def default_template(stage: str, lang: str) -> str:
    if stage not in LETTER_STAGES or lang not in LANGS:
        raise ValueError(f"no letter template for stage {stage!r} in {lang!r}")
    return (TEMPLATES / f"{stage}.{lang}.j2").read_text(encoding="utf-8")


def template_text(settings: dict[str, Any], stage: str, lang: str) -> str:
    """The workspace's template of `stage` in `lang` when it stored one, else the default."""
    stored = settings.get(template_setting(stage, lang))
    return stored if isinstance(stored, str) and stored.strip() else default_template(stage, lang)


@dataclass(frozen=True)
class LetterText:
    """The letter's paragraphs as reportlab markup (values escaped), TABLE_MARK where the table goes."""

    paragraphs: tuple[str, ...]


def template_values(letter: Letter, company: CompanySettings, lang: str, currency: str = "EUR") -> dict[str, Any]:
    """What a template may use, every value already text."""
    rate = "" if letter.rate is None else format_percent(letter.rate, lang, 2)
    return {
        "company": {
            "name": company.name,
            "address": "\n".join(company.address_lines),
            "email": company.email,
            "phone": company.phone,
            "siret": company.siret,
        },
        "customer_name": letter.customer_name,
        "customer_id": letter.customer_id,
        "as_of": format_date(letter.as_of, lang),
        "stage": translate(f"letter.stage.{letter.stage}", lang),
        "invoice_count": len(letter.invoices),
        "overdue": format_money(letter.overdue, lang, currency),
        "interest": format_money(letter.interest, lang, currency),
        "indemnity": format_money(letter.indemnity, lang, currency),
        "unapplied_credits": format_money(letter.unapplied_credits, lang, currency),
        "total_due": format_money(letter.total_due, lang, currency),
        "penalties": letter.penalties,
        "rate": rate,
        "rate_from": "" if letter.rate_from is None else format_date(letter.rate_from, lang),
        "invoice_table": TABLE_MARK,
    }


def _refuse_unsafe(template: str, stage: str, lang: str) -> None:
    """Refuses a template longer than TEMPLATE_MAX_CHARS or using anything but `_TEMPLATE_NODES` and
    `_TEMPLATE_FILTERS`, naming what and its line."""
    if len(template) > TEMPLATE_MAX_CHARS:
        raise InvalidValue(
            Message("letter.template_too_long", stage=stage, lang=lang, count=len(template), limit=TEMPLATE_MAX_CHARS)
        )
    for node in _sandbox.parse(template).find_all(nodes.Node):
        name = getattr(node, "name", "") if isinstance(node, nodes.Filter | nodes.Test) else ""
        if not isinstance(node, _TEMPLATE_NODES) or (isinstance(node, nodes.Filter) and name not in _TEMPLATE_FILTERS):
            what = f"|{name}" if name else _NODE_WORDS.get(type(node).__name__, type(node).__name__)
            raise InvalidValue(
                Message("letter.template_not_allowed", stage=stage, lang=lang, line=node.lineno, what=what)
            )


def render_text(template: str, values: dict[str, Any], stage: str = "", lang: str = "") -> LetterText:
    """The template run in the sandbox; a template that cannot run is said in one message naming the error."""
    try:
        _refuse_unsafe(template, stage, lang)
        rendered = _sandbox.from_string(template).render(values)
    except TemplateError as error:
        raise InvalidValue(Message("letter.template_invalid", stage=stage, lang=lang, detail=str(error))) from None
    rendered = _TAG.sub(_allowed_tag, rendered)
    paragraphs = tuple(
        "<br/>".join(line.strip() for line in block.strip().splitlines())
        for block in _PARAGRAPHS.split(rendered)
        if block.strip()
    )
    if TABLE_MARK not in paragraphs:
        paragraphs = (*paragraphs, TABLE_MARK)
    return LetterText(paragraphs)


def _allowed_tag(found: re.Match[str]) -> str:
    if found.group(2) and found.group(2).lower() in _ALLOWED_TAGS:
        return found.group(0)
    return "&lt;" + found.group(0)[1:]


def check_template(template: str, stage: str, lang: str) -> None:
    """Refuse, before it is stored, a template that does not run on a sample letter."""
    sample = Letter("C1", "Client", date(2026, 3, 31), stage, "matched", True, Decimal("13.15"), None, (), Decimal(0))
    render_text(template, template_values(sample, CompanySettings(name="Encours"), lang), stage, lang)


def letter_pdf(letter: Letter, company: CompanySettings, header: FileHeader, template: str | None = None) -> bytes:
    """The letter as a portrait A4 PDF: letterhead, the customer, the date, then the template's text with the
    table of overdue invoices (and the penalties) and the totals."""
    lang, currency = header.lang, header.currency
    text = render_text(
        template or default_template(letter.stage, lang),
        template_values(letter, company, lang, currency),
        letter.stage,
        lang,
    )
    page = PdfPage()
    story: list[Flowable] = [*page.letterhead(company, lang), Spacer(1, 18)]
    story += [
        page.text(letter.customer_name, page.strong),
        page.text(translate("letter.customer_id", lang, customer=letter.customer_id)),
        page.text(translate("letter.date", lang, day=format_date(letter.as_of, lang))),
        Spacer(1, 10),
    ]
    for paragraph in text.paragraphs:
        story += _invoices(page, letter, lang, currency) if paragraph == TABLE_MARK else [_paragraph(page, paragraph)]
    title = f"{translate(f'letter.stage.{letter.stage}', lang)} · {letter.customer_name}"
    return page.build(story, title, f"{title} · {format_date(letter.as_of, lang)}")


def _paragraph(page: PdfPage, markup: str) -> Flowable:
    """A paragraph of the template; one whose markup reportlab cannot read is printed as its text."""
    try:
        return page.markup(markup)
    except ValueError:
        return page.text(html.unescape(markup))


def invoice_rows(letter: Letter, lang: str, currency: str = "EUR") -> tuple[list[str], list[list[object]]]:
    """The table of overdue invoices as text: its column keys (interest and indemnity when stated) and, first, the
    column titles then one row per invoice."""
    keys = ["document_id", "issue_date", "due_date", "outstanding", "days_late"]
    if letter.penalties:
        keys += ["interest", "indemnity"]
    rows: list[list[object]] = [[translate(f"letter.column.{key}", lang) for key in keys]]
    for invoice in letter.invoices:
        cells = {
            "document_id": invoice.document_id,
            "issue_date": format_date(invoice.issue_date, lang),
            "due_date": format_date(invoice.due_date, lang),
            "outstanding": format_money(invoice.outstanding, lang, currency),
            "days_late": invoice.days_late,
            "interest": format_money(invoice.interest, lang, currency),
            "indemnity": format_money(invoice.indemnity, lang, currency),
        }
        rows.append([cells[key] for key in keys])
    return keys, rows


def total_rows(letter: Letter, lang: str, currency: str = "EUR") -> list[tuple[str, str]]:
    """The totals down to the total due, as (label, amount) text: the overdue invoices, the penalties when stated,
    the unapplied credits deducted when there are some."""
    totals = [(translate("letter.total.overdue", lang), letter.overdue)]
    if letter.penalties:
        totals += [
            (translate("letter.total.interest", lang, rate=format_number(letter.rate, lang, 2)), letter.interest),
            (translate("letter.total.indemnity", lang), letter.indemnity),
        ]
    if letter.unapplied_credits:
        totals.append((translate("letter.total.unapplied", lang), -letter.unapplied_credits))
    totals.append((translate("letter.total.due", lang), letter.total_due))
    return [(label, format_money(amount, lang, currency)) for label, amount in totals]


def _invoices(page: PdfPage, letter: Letter, lang: str, currency: str) -> list[Flowable]:
    """The overdue invoices (with interest and indemnity when stated), then the totals down to the total due."""
    keys, rows = invoice_rows(letter, lang, currency)
    numeric = [key != "document_id" for key in keys]
    widths: list[float | None] = [None, 2.1, 2.1, 2.4, 1.6, *([2.3, 2.3] if letter.penalties else [])]
    summary = page.table(
        [list(row) for row in total_rows(letter, lang, currency)],
        [None, 3.2],
        [False, True],
        titles=False,
        bold_last=True,
    )
    return [page.table(rows, widths, numeric), Spacer(1, 6), summary, Spacer(1, 8)]


def letter_file_name(letter: Letter, lang: str) -> str:
    """`relance-r1-C2-2026-03-31.pdf`."""
    stem = translate("letter.file_stem", lang)
    return f"{stem}-{letter.stage}-{safe_file_part(letter.customer_id)}-{letter.as_of.isoformat()}.pdf"
