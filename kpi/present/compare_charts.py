"""How a comparison is drawn: the KPI change table and the AR bridge waterfall, pure functions without Streamlit.

Both serve the Compare page (two periods) and the Simulation page (actual vs scenario). Every
text a reader sees is formatted by kpi.text.formatting; amounts become floats only to place bars.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from kpi.analysis.compare import ArBridge, Comparison, KpiChange
from kpi.present.charts import COLUMN_LABEL_FONT, column_label_domain, column_labels, label_width
from kpi.present.vega_locale import localised
from kpi.text.formatting import MISSING, format_change, format_date, format_money, format_percent, format_value
from kpi.text.i18n import bucket_label, translate

# Text colours of a change, as the overview cards colour their deltas.
VERDICT_COLOURS = {"good": "#1b873f", "bad": "#c62828", "flat": "#6b7280"}
# Waterfall colours: levels in blue, rises green, falls red, an unexplained gap grey.
STEP_COLOURS = {"level": "#1e88e5", "rise": "#43a047", "fall": "#e53935", "gap": "#78909c"}
# The table's reading order: the delay and efficiency ratios first, then amounts, then the buckets.
GROUPS = ("ratios", "amounts", "aging")


def kpi_label(key: str, lang: str = "fr") -> str:
    """The label of a Comparison key: `dso` → "DSO", `aging.31_60` → "Balance âgée 31–60 j"."""
    if key.startswith("aging."):
        return translate("compare.aging_bucket", lang, bucket=bucket_label(key.removeprefix("aging."), lang))
    return translate(f"kpi.{key}.label", lang)


def _group(change: KpiChange) -> str:
    if change.key.startswith("aging."):
        return "aging"
    return "amounts" if change.unit == "money" else "ratios"


def _signed(text: str) -> str:
    """ "+" in front of a rise; a value that rounds to zero has no sign (as Formatter.change)."""
    if text == MISSING or text.startswith("-") or not _nonzero(text):
        return text
    return "+" + text


def _nonzero(text: str) -> bool:
    return any(ch in "123456789" for ch in text)


def _change_text(change: KpiChange, lang: str, currency: str) -> str:
    """The absolute change with its sign; a change of a percentage is in points (as on the overview's cards)."""
    return format_change(change.change, change.unit, lang, currency)


def _relative_text(change: KpiChange, lang: str) -> str:
    relative = change.relative_change
    return MISSING if relative is None else _signed(format_percent(relative, lang))


def _verdict(change: KpiChange, change_text: str) -> str:
    """'good', 'bad' or 'flat' for the colour; '' when the KPI has no good direction or no value."""
    if change.change is None:
        return ""
    if not _nonzero(change_text.split("\u00a0")[0] if change.unit == "percent" else change_text):
        return "flat"
    improved = change.improved
    return "" if improved is None else ("good" if improved else "bad")


def change_table(comparison: Comparison, lang: str = "fr", currency: str = "EUR") -> pd.DataFrame:
    """One row per KPI: key, group, label, reference, current, change, relative (texts) and verdict."""
    rows = []
    for change in comparison.changes:
        change_text = _change_text(change, lang, currency)
        rows.append(
            {
                "key": change.key,
                "group": _group(change),
                "label": kpi_label(change.key, lang),
                "reference": format_value(change.reference, change.unit, lang, currency),
                "current": format_value(change.current, change.unit, lang, currency),
                "change": change_text,
                "relative": _relative_text(change, lang),
                "verdict": _verdict(change, change_text),
            }
        )
    frame = pd.DataFrame(
        rows, columns=["key", "group", "label", "reference", "current", "change", "relative", "verdict"]
    )
    frame["order"] = [GROUPS.index(group) for group in frame["group"]]
    return frame.sort_values("order", kind="stable").drop(columns=["order"]).reset_index(drop=True)


def styled_change_table(rows: pd.DataFrame, titles: dict[str, str]):
    """The change table with readable headers, its change columns coloured by verdict (a pandas Styler)."""
    verdicts = list(rows["verdict"])
    grid = rows[list(titles)].rename(columns=titles)

    def colour(_column):
        return [
            f"color: {VERDICT_COLOURS[v]}; font-weight: 600"
            if v in ("good", "bad")
            else f"color: {VERDICT_COLOURS['flat']}"
            if v == "flat"
            else ""
            for v in verdicts
        ]

    return grid.style.apply(colour, subset=[titles["change"], titles["relative"]]).hide(axis="index")


def period_label(bridge: ArBridge, lang: str = "fr") -> str:
    return f"{format_date(bridge.period.start, lang)} – {format_date(bridge.period.end, lang)}"


def bridge_frame(
    bridges: Sequence[ArBridge], lang: str = "fr", currency: str = "EUR", labels: Sequence[str] | None = None
) -> pd.DataFrame:
    """The waterfall's bars: one row per step of each bridge, with its bottom and top.

    The `other` step (what the flows leave unexplained) is drawn only when some bridge has
    one, so a consistent ledger shows the four flows alone and an inconsistent one shows its gap.
    """
    labels = list(labels) if labels is not None else [period_label(bridge, lang) for bridge in bridges]
    with_gap = any(bridge.other != 0 for bridge in bridges)
    rows = []
    for label, bridge in zip(labels, bridges):
        for order, (step, amount, before, after) in enumerate(bridge.steps()):
            if step == "other" and not with_gap:
                continue
            kind = (
                "level"
                if step in ("opening_ar", "closing_ar")
                else "gap"
                if step == "other"
                else ("rise" if amount >= 0 else "fall")
            )
            rows.append(
                {
                    "period": label,
                    "step_key": step,
                    "step": translate(f"compare.step.{step}", lang),
                    "order": order,
                    "bottom": float(min(before, after)),
                    "top": float(max(before, after)),
                    "amount_text": format_money(amount, lang, currency),
                    "level_text": format_money(after, lang, currency),
                    "kind": kind,
                }
            )
    return pd.DataFrame(rows)


BRIDGE_HEIGHT = 320
BRIDGE_WIDTH = 440
# One waterfall in a page column: its axis beside it still fits a phone 390 px wide.
BRIDGE_COLUMN_WIDTH = 230


def bridge_chart(
    bridges: Sequence[ArBridge],
    lang: str = "fr",
    currency: str = "EUR",
    labels: Sequence[str] | None = None,
    width: int = BRIDGE_WIDTH,
) -> alt.FacetChart:
    """Opening AR + sales − collected − written off = closing AR, one waterfall per period side by side,
    each step labelled with its amount above its bar (turned upright when the bars are narrow); `width`
    is each waterfall's (a page drawing one per column on a phone asks for a narrower one)."""
    frame = bridge_frame(bridges, lang, currency, labels)
    steps = list(dict.fromkeys(frame.sort_values("order")["step"]))
    kinds = list(STEP_COLOURS)
    amount_title = translate("chart.amount", lang, currency=currency)
    # The cells have a fixed width: whether a label stands upright is known here, and so the room it needs.
    upright = label_width(frame["amount_text"], COLUMN_LABEL_FONT) > width / max(len(steps), 1)
    base = alt.Chart().encode(
        x=alt.X("step:N", sort=steps, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=160, labelOverlap=False)),
    )
    bars = base.mark_bar().encode(
        y=alt.Y(
            "bottom:Q",
            title=amount_title,
            scale=alt.Scale(
                domain=column_label_domain(frame["top"], frame["amount_text"], BRIDGE_HEIGHT, upright=upright)
            ),
        ),
        y2="top:Q",
        color=alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=[STEP_COLOURS[k] for k in kinds]), legend=None),
        tooltip=[
            alt.Tooltip("period:N", title=translate("chart.period", lang)),
            alt.Tooltip("step:N", title=translate("chart.step", lang)),
            alt.Tooltip("amount_text:N", title=amount_title),
            alt.Tooltip("level_text:N", title=translate("chart.level_after", lang)),
        ],
    )
    # A facet's cell is `child_width` wide; each holds one bar per step.
    texts = column_labels(base, "top", "amount_text", len(steps), frame["amount_text"], width_signal="child_width")
    chart = (
        alt.layer(bars, *texts, data=frame)
        .properties(height=BRIDGE_HEIGHT, width=width)
        .facet(
            column=alt.Column(
                "period:N",
                sort=list(dict.fromkeys(frame["period"])),
                title=None,
                header=alt.Header(labelFontSize=13, labelFontWeight="bold"),
            ),
        )
    )
    return localised(chart, lang)
