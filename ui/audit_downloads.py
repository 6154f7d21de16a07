"""The client audit report's download buttons (PDF, HTML, XLSX), on the overview and on Comparer.

Each file is built on click only (a deferred download), and cached by the workspace version and
everything the report depends on.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from kpi.analysis.audit import AuditReport, build_audit
from kpi.exports.audit import audit_file_name, write_audit
from kpi.exports.header import MIME_TYPES
from kpi.model.filters import Filters
from kpi.model.periods import Period
from kpi.store.ledger import Ledger
from ui.context import View

FORMATS = ("pdf", "html", "xlsx")


@st.cache_data(show_spinner=False, max_entries=8)
def _audit(
    version: str, period: Period, filters: Filters, client: str, author: str, lang: str, currency: str, _ledger: Ledger
) -> AuditReport:
    return build_audit(_ledger, period, filters, client=client, author=author, lang=lang, currency=currency)


def _audit_file(
    version: str,
    period: Period,
    filters: Filters,
    client: str,
    author: str,
    lang: str,
    currency: str,
    ledger: Ledger,
    report_format: str,
) -> bytes:
    return write_audit(_audit(version, period, filters, client, author, lang, currency, ledger), report_format)


def audit_buttons(view: View, period: Period, client: str, author: str, key: str) -> None:
    """One button per format, side by side, for the view's filters over `period`."""
    for column, report_format in zip(st.columns(len(FORMATS)), FORMATS):
        column.download_button(
            view.t(f"overview.audit_{report_format}"),
            data=partial(
                _audit_file,
                view.version,
                period,
                view.filters,
                client,
                author,
                view.lang,
                view.preferences.currency,
                view.ledger,
                report_format,
            ),
            file_name=audit_file_name(client, period, report_format),
            mime=MIME_TYPES[report_format],
            on_click="ignore",
            icon=":material/description:",
            key=f"{key}_{report_format}",
            width="stretch",
        )
