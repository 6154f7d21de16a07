"""The download buttons of a page's table files, and the header those files carry."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from kpi.exports.aged_balance import describe_filters
from kpi.exports.header import MIME_TYPES, FileHeader
from ui.context import View

ICONS = {"xlsx": "table_view", "csv": "download", "pdf": "picture_as_pdf", "html": "html"}


def file_header(view: View) -> FileHeader:
    """What the view's files describe: its workspace, its filters in words, its language and currency."""
    names = [view.customer_names.get(c, c) for c in view.filters.customers]
    return FileHeader(
        source=view.workspace_label,
        filters=describe_filters(names, view.filters.activities, view.lang),
        lang=view.lang,
        currency=view.preferences.currency,
    )


def download_buttons(files: Sequence[tuple[str, str, Callable[[], bytes]]], stem: str, key: str) -> None:
    """One button per (suffix, label, build) side by side; each file is built on click only."""
    for column, (suffix, label, build) in zip(st.columns(len(files)), files):
        column.download_button(
            label,
            data=build,
            file_name=f"{stem}.{suffix}",
            mime=MIME_TYPES[suffix],
            icon=f":material/{ICONS[suffix]}:",
            on_click="ignore",
            key=f"{key}_{suffix}",
        )
