"""Relevés et relances / Statements and letters: a customer's statement at the end of the period (PDF, XLSX, HTML),
its reminder letter of a chosen stage (PDF, recorded in the workspace's reminders log when downloaded), the same
for every overdue customer in a zip, and the letters' templates to edit or restore."""

from __future__ import annotations

from functools import partial

import streamlit as st

from kpi.exports.header import MIME_TYPES, FileHeader
from kpi.exports.letter import (
    check_template,
    default_template,
    invoice_rows,
    letter_file_name,
    letter_pdf,
    template_setting,
    template_text,
)
from kpi.exports.letterhead import zip_files
from kpi.exports.statement import file_name, file_stem, layout, statement_file
from kpi.metrics.letters import (
    FORMAL_NOTICE,
    LETTER_STAGES,
    Letter,
    letter_from_statement,
    log_file_name,
    record_letter,
)
from kpi.metrics.settings import CompanySettings, LetterSettings, parse_rate
from kpi.metrics.statement import Statement, overdue_customers, statement
from kpi.text.untrusted import markdown_text, spreadsheet_text
from ui import context
from ui.choices import choice
from ui.downloads import download_buttons, file_header

view, t, fmt = context.page("page.statements")

as_of = view.period.end
matching = view.filters.matching
RECORDED_KEY = "statements_recorded"


@st.cache_data(show_spinner=False, max_entries=64)
def _overdue(version: str, as_of, matching: str, _ledger) -> list[tuple[str, str]]:
    return overdue_customers(_ledger, as_of, matching)


@st.cache_data(show_spinner=False, max_entries=256)
def _statement(version: str, customer: str, as_of, matching: str, _ledger) -> Statement:
    return statement(_ledger, customer, as_of, matching)


st.caption(
    t(
        "statements_page.caption",
        workspace=markdown_text(view.workspace_label),
        day=fmt.date(as_of),
        matching=t(f"matching.{matching}"),
    )
)
for said in st.session_state.pop(RECORDED_KEY, []):
    st.toast(said, icon=":material/check:")

overdue = _overdue(view.version, as_of, matching, view.ledger)
overdue_ids = {customer for customer, _ in overdue}
others = sorted((c for c in view.customer_names if c not in overdue_ids), key=lambda c: (view.customer_names[c], c))
choices = [customer for customer, _ in overdue] + others
if not choices:
    st.info(t("statements_page.no_customer"))
    st.stop()
customer = st.selectbox(
    t("statements_page.customer"),
    choices,
    format_func=lambda c: f"{view.customer_names.get(c, c)} ({c})",
    key="statements_customer",
    help=t("statements_page.customer_help"),
)
st.caption(t("statements_page.overdue_count", count=len(overdue)))

stored = view.ledger.settings()
company = CompanySettings.from_settings(stored)
header: FileHeader = file_header(view)
account = _statement(view.version, customer, as_of, matching, view.ledger)
shown = layout(account, company, header)

# -- the statement ------------------------------------------------------------------------------------------
st.subheader(t("statement.title"))
if not company.name:
    st.caption(t("statement.no_company"))
for section in shown.sections:
    st.markdown(f"**{section.title}**")  # a label of the catalogue, no data
    if not section.rows:
        st.caption(t("statement.empty_section"))
        continue
    grid = {title: [spreadsheet_text(row[index]) for row in section.rows] for index, title in enumerate(shown.titles)}
    st.dataframe(grid, hide_index=True, width="stretch")
    st.caption(t("statements_page.section_total", amount=section.total))
overdue_column, balance_column = st.columns(2)
overdue_column.metric(t("statement.overdue"), fmt.money(account.overdue))
balance_column.metric(t("statement.balance"), fmt.money(account.balance), help=t("statement.balance_note"))
download_buttons(
    [
        (suffix, t(f"statements_page.download_{suffix}"), partial(statement_file, account, company, header, suffix))
        for suffix in ("pdf", "xlsx", "html")
    ],
    file_stem(account, view.lang),
    key="statement_download",
)

# -- the letter ---------------------------------------------------------------------------------------------
st.subheader(t("statements_page.letter"))
letters = LetterSettings.from_settings(stored)
stage_column, penalties_column, rate_column = st.columns([2, 1, 1])
stage = choice(stage_column, t, "statements_page.stage", LETTER_STAGES, "letter.stage", key="statements_stage")
penalties = penalties_column.checkbox(
    t("statements_page.penalties"),
    value=stage == FORMAL_NOTICE,
    disabled=stage == FORMAL_NOTICE,
    key=f"statements_penalties_{stage}",
    help=t("letter.rate_note"),
)
rate_text = rate_column.text_input(
    t("letter.rate"),
    value="" if letters.penalty_rate is None else fmt.number(letters.penalty_rate, 2),
    key="statements_rate",
)
rate = parse_rate(rate_text)
if rate_text.strip() and rate is None:
    st.error(t("letter.rate_invalid", text=markdown_text(rate_text)))
    st.stop()
chosen = LetterSettings(rate, letters.rate_from if rate == letters.penalty_rate else None, letters.professional)


def _letter(account: Statement) -> Letter:
    return letter_from_statement(account, stage, chosen, penalties=penalties)


try:
    figures = _letter(account)
except ValueError as error:  # no rate while penalties are asked: the engine says which
    context.show_error(error, t)
    st.stop()

if not figures.invoices:
    st.info(t("statements_page.nothing_overdue"))
else:
    _, rows = invoice_rows(figures, view.lang, header.currency)
    st.dataframe(
        {title: [spreadsheet_text(row[index]) for row in rows[1:]] for index, title in enumerate(rows[0])},
        hide_index=True,
        width="stretch",
    )
    due_column, credits_column = st.columns(2)
    due_column.metric(t("letter.total.due"), fmt.money(figures.total_due))
    if figures.unapplied_credits:
        credits_column.metric(t("letter.total.unapplied"), fmt.money(-figures.unapplied_credits))

template = template_text(stored, stage, view.lang)


def _record(letters_sent: list[Letter]) -> None:
    """The download's click: each letter's line in the reminders log (an import of its own)."""
    said = []
    for one in letters_sent:
        try:
            stored_import = record_letter(view.workspace, one)
        except Exception as error:  # shown after the rerun, as any other storage fault
            said.append(str(error))
            continue
        key = "letter.already_recorded" if stored_import.already_imported else "letter.recorded"
        said.append(t(key, import_id=stored_import.import_id, file=log_file_name(one)))
    st.session_state[RECORDED_KEY] = said


if figures.invoices:
    button, note = st.columns([1, 3])
    button.download_button(
        t("statements_page.download_letter"),
        data=partial(letter_pdf, figures, company, header, template),
        file_name=letter_file_name(figures, view.lang),
        mime=MIME_TYPES["pdf"],
        icon=":material/mail:",
        on_click=partial(_record, [figures]),
        key="letter_download",
    )
    note.caption(t("statements_page.records"))

# -- every overdue customer ---------------------------------------------------------------------------------
st.subheader(t("statements_page.all_overdue", count=len(overdue)))
if overdue:
    # Built on click only: a batch is a statement per overdue customer.
    def _accounts() -> list[Statement]:
        return [_statement(view.version, c, as_of, matching, view.ledger) for c, _ in overdue]

    def _batch() -> list[Letter]:
        return [_letter(one) for one in _accounts()]

    def _statements_zip() -> bytes:
        return zip_files(
            (file_name(one, "pdf", view.lang), statement_file(one, company, header, "pdf")) for one in _accounts()
        )

    def _letters_zip() -> bytes:
        return zip_files(
            (letter_file_name(one, view.lang), letter_pdf(one, company, header, template)) for one in _batch()
        )

    def _record_batch() -> None:
        _record(_batch())

    zips = (
        (
            "statements_page.download_statements_zip",
            _statements_zip,
            t("statement.zip_stem"),
            "ignore",
            "statements_zip",
        ),
        (
            "statements_page.download_letters_zip",
            _letters_zip,
            f"{t('letter.zip_stem')}-{stage}",
            _record_batch,
            "letters_zip",
        ),
    )
    columns = st.columns(2)
    for column, (label, data, stem, on_click, key) in zip(columns, zips):
        column.download_button(
            t(label),
            data=data,
            file_name=f"{stem}-{as_of.isoformat()}.zip",
            mime=MIME_TYPES["zip"],
            icon=":material/folder_zip:",
            on_click=on_click,
            key=key,
        )
    columns[1].caption(t("statements_page.records_all"))

# -- the templates --------------------------------------------------------------------------------------------
with st.expander(t("statements_page.template", stage=t(f"letter.stage.{stage}"))):
    st.caption(t("statements_page.template_help"))
    editor_key = f"statements_template_{stage}_{view.lang}"
    edited = st.text_area(
        t("statements_page.template"),
        value=template,
        height=320,
        key=editor_key,
        label_visibility="collapsed",
    )
    save_column, restore_column = st.columns(2)
    if save_column.button(t("statements_page.template_save"), key="statements_template_save", type="primary"):
        try:
            check_template(edited, stage, view.lang)
        except ValueError as error:  # the template's own fault, said with the line Jinja2 names
            context.show_error(error, t)
        else:
            context.save_settings(
                view, {template_setting(stage, view.lang): edited}, t("statements_page.template_saved")
            )
    if restore_column.button(t("statements_page.template_restore"), key="statements_template_restore"):
        st.session_state.pop(editor_key, None)  # the editor shows the default once restored
        context.save_settings(
            view,
            {template_setting(stage, view.lang): None},
            t("statements_page.template_restored"),
            ":material/restart_alt:",
        )
    if template != default_template(stage, view.lang):
        st.caption(t("statements_page.template_edited"))
