"""The overview's collection-activity cards: the headline KPIs of the logs that were imported (kpi/metrics/collection.py)."""

from __future__ import annotations

import streamlit as st

from kpi.metrics.catalogue import kpi
from kpi.metrics.collection import HEADLINE_KEYS


def activity_value(view, report, key: str) -> str:
    """A KPI as text: its value, "—" when undefined, or the missing log ("—, aucun journal de relances importé")."""
    missing = report.missing(key)
    if missing is not None:
        return view.t(f"collections.absent.{missing}")
    value, unit = getattr(report, key), kpi(key).unit
    return view.fmt.number(value) if unit == "count" else view.fmt.value(value, unit)


def show_headlines(view, report) -> None:
    """Cards for the headline activity KPIs whose log exists; nothing at all when no log was imported."""
    activity = report.activity
    keys = [key for key in HEADLINE_KEYS if activity is not None and activity.missing(key) is None]
    if not keys:
        return
    st.subheader(view.t("collections.overview_title"))
    for column, key in zip(st.columns(len(keys)), keys):
        column.metric(
            view.t(f"activity.{key}.label"),
            activity_value(view, activity, key),
            help=view.t(f"activity.{key}.help"),
            border=True,
        )
