"""Paramètres / Settings: language, and the workspace's payment terms, bucket edges, currency display and monthly
collection cost; the company's name and contact for statements and letters, and the letters' penalty rate."""

from __future__ import annotations

import streamlit as st

from kpi.metrics.aging import parse_edges
from kpi.metrics.collection import activity_settings
from kpi.metrics.settings import (
    COMPANY_FIELDS,
    MONTHLY_COST_SETTING,
    CompanySettings,
    DisplaySettings,
    LetterSettings,
    parse_monthly_cost,
    parse_rate,
)
from kpi.model.filters import MATCHING_MODES
from kpi.text.formatting import CURRENCY_SYMBOLS, Formatter
from kpi.text.i18n import LANGUAGES
from kpi.text.untrusted import markdown_text
from ui import context

view = context.current_view()
t = view.t
st.title(t("page.settings"))

st.subheader(t("settings.language"))


def _set_language() -> None:
    # Runs before the next script run, so the sidebar's language widget may still change.
    context.current_sidebar().lang = st.session_state["settings_lang"]
    context.redraw("sb_lang")


st.radio(
    t("settings.language"),
    LANGUAGES,
    index=LANGUAGES.index(view.lang),
    horizontal=True,
    format_func={"fr": "Français", "en": "English"}.get,
    key="settings_lang",
    on_change=_set_language,
    label_visibility="collapsed",
)

st.subheader(t("settings.workspace_settings", workspace=markdown_text(view.workspace_label)))
st.caption(t("settings.stored_with_workspace"))
prefs = view.preferences
monthly_cost = activity_settings(view.ledger).monthly_collection_cost
with st.form("settings_form"):
    terms = st.number_input(
        t("settings.payment_terms"),
        min_value=0,
        max_value=365,
        value=prefs.payment_terms,
        step=1,
        help=t("settings.payment_terms_help"),
    )
    edges_text = st.text_input(
        t("settings.edges"),
        value=", ".join(str(e) for e in prefs.edges),
        help=t("aging.edges_help"),
    )
    basis = st.radio(
        t("aging.basis"),
        ("due", "issue"),
        index=0 if prefs.basis == "due" else 1,
        horizontal=True,
        format_func=lambda b: t(f"aging.basis.{b}"),
    )
    currencies = list(CURRENCY_SYMBOLS)
    currency = st.selectbox(
        t("settings.currency"),
        currencies,
        index=currencies.index(prefs.currency) if prefs.currency in currencies else 0,
        help=t("settings.currency_help"),
    )
    symbol = st.toggle(t("settings.currency_symbol"), value=prefs.currency_symbol)
    example = Formatter(view.lang, currency, symbol).money(1234.56)
    st.caption(t("settings.example", example=example))
    matching = st.radio(
        t("matching.label"),
        MATCHING_MODES,
        index=MATCHING_MODES.index(prefs.matching),
        horizontal=True,
        format_func=lambda mode: t(f"matching.{mode}"),
        help=t("settings.matching_help"),
        key="settings_matching",
    )
    for mode in MATCHING_MODES:
        st.caption(f"**{t(f'matching.{mode}')}** — {t(f'matching.{mode}.help')}")
    monthly_text = st.text_input(
        t("settings.monthly_collection_cost"),
        value="" if monthly_cost is None else view.fmt.number(monthly_cost, 2),
        placeholder=t("settings.monthly_collection_cost_placeholder"),
        help=t("settings.monthly_collection_cost_help"),
        key="settings_monthly_cost",
    )
    submitted = st.form_submit_button(t("settings.save"), type="primary")

if submitted:
    chosen_cost = parse_monthly_cost(monthly_text)
    try:
        edges = parse_edges(edges_text)
    except ValueError:
        st.error(t("aging.edges_invalid", text=markdown_text(edges_text)))
    else:
        chosen = DisplaySettings(edges, basis, int(terms), currency, symbol, matching)
        if monthly_text.strip() and chosen_cost is None:
            st.error(t("settings.monthly_collection_cost_invalid", text=markdown_text(monthly_text)))
            st.stop()
        try:
            view.workspace.save_settings(
                {**chosen.to_settings(), MONTHLY_COST_SETTING: None if chosen_cost is None else str(chosen_cost)}
            )
        except Exception as error:
            context.show_error(error, t)
        else:
            st.toast(t("settings.saved"), icon=":material/check:")
            st.rerun()

# -- the company's letterhead and the reminder letters' penalties (statements and letters) --------------------
stored = view.ledger.settings()
company = CompanySettings.from_settings(stored)
st.subheader(t("company.settings"))
with st.form("company_form"):
    company_values = {
        field: (st.text_area if field == "address" else st.text_input)(
            t(f"company.{field}"), value=getattr(company, field), key=f"settings_company_{field}"
        )
        for field in COMPANY_FIELDS
    }
    company_submitted = st.form_submit_button(t("company.save"))
if company_submitted:
    context.save_settings(view, CompanySettings(**company_values).to_settings(), t("settings.saved"))

letters = LetterSettings.from_settings(stored)
st.subheader(t("letter.settings"))
st.caption(t("letter.rate_note"))
with st.form("letters_form"):
    rate_column, from_column = st.columns(2)
    rate_text = rate_column.text_input(
        t("letter.rate"),
        value="" if letters.penalty_rate is None else view.fmt.number(letters.penalty_rate, 2),
        placeholder="13,15" if view.lang == "fr" else "13.15",
        key="settings_penalty_rate",
    )
    rate_from = from_column.date_input(
        t("letter.rate_from"), value=letters.rate_from, format="DD/MM/YYYY", key="settings_penalty_rate_from"
    )
    professional = st.toggle(t("letter.professional"), value=letters.professional, key="settings_professional")
    letters_submitted = st.form_submit_button(t("letter.save_settings"))
if letters_submitted:
    rate = parse_rate(rate_text)
    if rate_text.strip() and rate is None:
        st.error(t("letter.rate_invalid", text=markdown_text(rate_text)))
        st.stop()
    context.save_settings(view, LetterSettings(rate, rate_from, professional).to_settings(), t("settings.saved"))
