"""Altair charts of the dashboard: pure functions from a frame to a chart, testable without Streamlit.

Tooltips and bar labels show text already formatted by kpi.text.formatting (`33,0 j`, `1 234,56 €`),
exact to the cent; axes read in the interface's language through Vega's locale (kpi.present.vega_locale).
Amounts are turned into floats here only to place marks on an axis; no figure shown to the user
comes from them. Every bar carries its value, placed where it fits (kpi/present/charts.py's bar labels).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Literal

import altair as alt
import pandas as pd

from kpi.present.vega_locale import localised
from kpi.text.formatting import (
    format_date,
    format_days,
    format_money,
    format_month,
    format_number,
    format_percent,
    is_missing,
)
from kpi.text.i18n import bucket_label, translate

# The name of the point selection the monthly charts carry; st.altair_chart reports it back.
MONTH_SELECTION = "month_pick"

# From "not due" (green) to the oldest bucket (dark red); longer bucket lists reuse the last colour.
BUCKET_COLOURS = ("#2e7d32", "#f9a825", "#ef6c00", "#e64a19", "#c62828", "#7f0000")
UNAPPLIED_COLOUR = "#78909c"
# The trend lines: the two DSOs in blues, the best possible in green, the delay in orange.
KPI_COLOURS = {
    "dso": "#1565c0",
    "countback_dso": "#42a5f5",
    "bpdso": "#2e7d32",
    "add": "#ef6c00",
    "cei": "#1565c0",
    "collection_rate": "#2e7d32",
}

_MONTH_COLUMNS = ("month", "period_start", "month_start", "month_end", "as_of", "period_end")


UNAPPLIED_KEYS = ("unapplied_credits", "credit_notes", "unapplied_payments")


def bucket_colours(bucket_keys: Iterable[str]) -> list[str]:
    """One colour per bucket, greener for the youngest, redder for the oldest; unapplied credits grey."""
    keys = list(bucket_keys)
    aged = [key for key in keys if key not in UNAPPLIED_KEYS]
    return [
        UNAPPLIED_COLOUR if key in UNAPPLIED_KEYS else BUCKET_COLOURS[min(aged.index(key), len(BUCKET_COLOURS) - 1)]
        for key in keys
    ]


def _month_column(frame: pd.DataFrame) -> str:
    for name in _MONTH_COLUMNS:
        if name in frame.columns:
            return name
    raise KeyError(f"no month column among {list(frame.columns)}")


def _with_months(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Adds `month` (first day, as a timestamp), `month_key` (`2026-03`) and `month_text` (`03/2026`)."""
    months = pd.to_datetime(frame[_month_column(frame)]).dt.to_period("M").dt.to_timestamp()
    result = frame.copy()
    result["month"] = months
    result["month_key"] = months.dt.strftime("%Y-%m")
    result["month_text"] = [format_month(m.date(), lang) for m in months]
    return result


def _float(value) -> float | None:
    if is_missing(value):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _amount_axis(
    lang: str,
    currency: str,
    stack: Literal["zero", "center", "normalize"] | None = None,
    scale: alt.Scale | None = None,
) -> alt.Y:
    # No format: Vega picks the precision from the tick step and groups thousands by the chart's locale.
    return alt.Y(
        "amount:Q",
        stack=stack,
        title=translate("chart.amount", lang, currency=currency),
        scale=scale if scale is not None else alt.Undefined,
    )


def _month_axis(lang: str) -> alt.X:
    # « janv. 2026 » / « Jan 2026 »: month names from the chart's time locale.
    return alt.X(
        "month:T",
        title=translate("chart.month", lang),
        axis=alt.Axis(format="%b %Y", labelAngle=0, labelOverlap="greedy", labelFlush=True, tickCount="month"),
    )


# A legend at the bottom in as many columns as a phone's width holds, its labels never cut.
LEGEND_WIDTH = 320
LEGEND_ENTRY = 28  # symbol, its gap to the label, and the padding between columns, in pixels


def legend_columns(labels: list[str], font_size: float = 11, width: float = LEGEND_WIDTH) -> int:
    """The most columns whose widest entries, column by column (Vega fills rows first), fit `width`."""
    for columns in range(len(labels), 1, -1):
        widths = [
            max(len(label) for label in labels[column::columns]) * CHAR_WIDTH * font_size + LEGEND_ENTRY
            for column in range(columns)
        ]
        if sum(widths) <= width:
            return columns
    return 1


def legend(labels: Iterable[str], font_size: float = 11) -> alt.Legend:
    labels = list(labels)
    return alt.Legend(
        orient="bottom",
        direction="horizontal",
        columns=legend_columns(labels, font_size),
        labelLimit=0,
        labelFontSize=font_size,
    )


# -- bar labels -----------------------------------------------------------------------------------------
# A character of a label is about half the font size wide (Source Sans, digits and spaces: « 103 501,07 € »
# at 10 px measures 62 px in Chromium); a little more, so that an estimate is never short.
CHAR_WIDTH = 0.52
LABEL_FONT = 11
COLUMN_LABEL_FONT = 10
INSIDE_COLOUR = "#ffffff"
# Streamlit fits the whole chart, axes and legend included, into its height: what the bars get is less.
CHART_FURNITURE = 80


def label_width(texts: Iterable[str], font_size: float = LABEL_FONT) -> float:
    """The pixel width of the longest label, a little generous."""
    return max((len(text) for text in texts), default=0) * CHAR_WIDTH * font_size + 6


def bar_label_places(amounts: list[float], inside_share: float = 0.5) -> list[str]:
    """Where each horizontal bar's label goes: `inside` the end of a bar at least `inside_share` of the
    axis long (white on the colour), `outside` beyond a positive bar's end, and for a short negative bar
    `beside_zero`, right of the zero line on its own empty row, so no label needs room left of the bars."""
    low, high = min(0.0, *amounts) if amounts else 0.0, max(0.0, *amounts) if amounts else 0.0
    span = (high - low) or 1.0
    return [
        "inside" if abs(amount) >= inside_share * span else "outside" if amount >= 0 else "beside_zero"
        for amount in amounts
    ]


def bar_value_domain(amounts: list[float], places: list[str], room: float = 0.45) -> list[float]:
    """The value axis of horizontal bars: from the most negative bar to far enough right that every
    outside label has `room` of the axis after its anchor (a positive bar's end, or zero)."""
    low = min([0.0, *amounts])
    high = max([0.0, *amounts])
    anchors = [max(amount, 0.0) for amount, place in zip(amounts, places) if place != "inside"]
    if anchors:
        high = max(high, (max(anchors) - room * low) / (1 - room))
    return [low, high if high > low else 1.0]


def horizontal_bar_labels(base: alt.Chart, value: str, text: str, font_size: float = LABEL_FONT) -> list[alt.Chart]:
    """Three text layers for horizontal bars whose data carry `label_place` (bar_label_places)."""

    def place(name: str) -> str:
        return f"datum.label_place === '{name}'"

    inside_positive = (
        base.mark_text(align="right", dx=-4, baseline="middle", fontSize=font_size, color=INSIDE_COLOUR)
        .encode(x=f"{value}:Q", text=f"{text}:N")
        .transform_filter(f"{place('inside')} && datum.{value} >= 0")
    )
    inside_negative = (
        base.mark_text(align="left", dx=4, baseline="middle", fontSize=font_size, color=INSIDE_COLOUR)
        .encode(x=f"{value}:Q", text=f"{text}:N")
        .transform_filter(f"{place('inside')} && datum.{value} < 0")
    )
    outside = (
        base.mark_text(align="left", dx=4, baseline="middle", fontSize=font_size)
        .encode(x="label_anchor:Q", text=f"{text}:N")
        .transform_filter(f"{place('outside')} || {place('beside_zero')}")
    )
    return [inside_positive, inside_negative, outside]


def column_label_domain(
    values: Iterable[float],
    texts: Iterable[str],
    height: float,
    font_size: float = COLUMN_LABEL_FONT,
    upright: bool = True,
) -> list[float]:
    """The value axis of vertical bars with room above the tallest (and below the deepest) for a label
    standing on its end (`upright`), or for one line of text: the chart's height is known, so the room
    is computed in pixels."""
    values = [v for v in values if v is not None]
    low, high = min([0.0, *values]), max([0.0, *values])
    needed = label_width(texts, font_size) + 8 if upright else font_size + 8
    share = min(0.6, needed / max(height - CHART_FURNITURE, 1))
    top = (high - share * low) / (1 - share) if high > 0 else high
    bottom = (low - share * top) / (1 - share) if low < 0 else low
    if high > 0 and low < 0:  # both sides: room on each, the two shares of one height
        share = min(0.3, share)
        top, bottom = high + share * (high - low) / (1 - 2 * share), low - share * (high - low) / (1 - 2 * share)
    return [bottom, top if top > bottom else 1.0]


def column_labels(
    base: alt.Chart,
    value: str,
    text: str,
    bars: int,
    texts: Iterable[str],
    font_size: float = COLUMN_LABEL_FONT,
    width_signal: str = "width",
) -> list[alt.Chart]:
    """Labels on vertical bars: level above a positive bar (below a negative one) when the bars are wide
    enough for the text, else turned to read upwards along the bar, which any bar width holds.

    The choice is made by Vega from the drawn width (`width_signal`), as Streamlit stretches the chart
    to its column: level on a wide screen, upright on a phone."""
    slot = f"{width_signal} / {max(bars, 1)}"
    fits = f"{slot} >= {label_width(texts, font_size):.0f}"
    upright = f"!({fits})"
    # Upright labels side by side are as far apart as the bars: in slots narrower than the text is
    # high (many months on a phone) the font shrinks with them, down to 7 px, rather than overlap.
    size = alt.ExprRef(f"{upright} ? max(7, min({font_size}, {slot} - 3)) : {font_size}")

    def labels(sign: int, keep: str):
        # Beyond the bar's end: above a positive bar (below a negative one), or past it when upright.
        return (
            base.mark_text(
                fontSize=size,
                angle=alt.ExprRef(f"{upright} ? 270 : 0"),
                align=alt.ExprRef(f"{upright} ? '{'left' if sign > 0 else 'right'}' : 'center'"),
                baseline=alt.ExprRef(f"{upright} ? 'middle' : '{'bottom' if sign > 0 else 'top'}'"),
                dx=alt.ExprRef(f"{upright} ? {4 * sign} : 0"),
                dy=alt.ExprRef(f"{upright} ? 0 : {-3 * sign}"),
            )
            .encode(y=f"{value}:Q", text=f"{text}:N")
            .transform_filter(f"datum.{value} {keep}")
        )

    positive, negative = labels(1, ">= 0"), labels(-1, "< 0")
    return [positive, negative]


def selected_month(selection) -> date | None:
    """The month a user clicked on a monthly chart, from `event.selection[MONTH_SELECTION]`.

    Streamlit reports a point selection either as a list of the selected data points or as
    a mapping of field → values; both carry `month_key` ("2026-03").
    """
    if not selection:
        return None
    if isinstance(selection, Mapping):
        keys = selection.get("month_key")
        key = keys[0] if isinstance(keys, list) and keys else keys
    else:
        first = selection[0] if len(selection) else None
        key = first.get("month_key") if isinstance(first, Mapping) else None
    if not key:
        return None
    year, month = str(key).split("-")[:2]
    return date(int(year), int(month), 1)


def aging_bar_chart(aging: Mapping[str, object], lang: str = "fr", currency: str = "EUR") -> alt.LayerChart:
    """Horizontal bars of the aged balance, one per bucket, coloured from young to old, each labelled
    with its amount. Unapplied credits (a key of UNAPPLIED_KEYS) are drawn as a negative grey bar, so
    that the bars add up to the AR card."""
    keys = list(aging)
    amounts = [_float(aging[key]) or 0.0 for key in keys]
    places = bar_label_places(amounts)
    frame = pd.DataFrame(
        {
            "bucket": [bucket_label(key, lang) for key in keys],
            "bucket_key": keys,
            "order": range(len(keys)),
            "amount": amounts,
            "amount_text": [format_money(aging[key], lang, currency) for key in keys],
            "label_place": places,
            "label_anchor": [max(amount, 0.0) for amount in amounts],
        }
    )
    labels = frame["bucket"].tolist()
    base = alt.Chart(frame).encode(
        y=alt.Y("bucket:N", sort=labels, title=None, axis=alt.Axis(labelLimit=0)),
        # A tick every 80 px or so, so that labels need not be dropped one in two (which can drop 0).
        x=alt.X(
            "amount:Q",
            title=translate("chart.amount", lang, currency=currency),
            axis=alt.Axis(tickCount=alt.ExprRef("ceil(width / 80)")),
            scale=alt.Scale(domain=bar_value_domain(amounts, places), nice=True),
        ),
        tooltip=[
            alt.Tooltip("bucket:N", title=translate("chart.bucket", lang)),
            alt.Tooltip("amount_text:N", title=translate("chart.amount", lang, currency=currency)),
        ],
    )
    bars = base.mark_bar().encode(
        color=alt.Color("bucket:N", scale=alt.Scale(domain=labels, range=bucket_colours(keys)), legend=None),
    )
    chart = alt.layer(bars, *horizontal_bar_labels(base, "amount", "amount_text")).properties(
        height=max(120, 32 * len(keys))
    )
    return localised(chart, lang)


_UNIT_TEXT = {"days": format_days, "percent": format_percent}


def kpi_trend_chart(series: pd.DataFrame, keys: Iterable[str], unit: str, lang: str = "fr") -> alt.LayerChart:
    """Lines of one or more KPIs month by month, with a clickable point per month (MONTH_SELECTION)."""
    keys = list(keys)
    months = _with_months(series, lang)
    long = months.melt(
        id_vars=["month", "month_key", "month_text"], value_vars=keys, var_name="kpi_key", value_name="raw"
    )
    long["value"] = [_float(v) for v in long["raw"]]
    long["value_text"] = [_UNIT_TEXT[unit](v, lang) for v in long["value"]]
    long["kpi"] = [translate(f"kpi.{key}.short", lang) for key in long["kpi_key"]]
    long = long.drop(columns=["raw"])
    pick = alt.selection_point(name=MONTH_SELECTION, fields=["month_key"], on="click", clear="dblclick")
    unit_title = translate(f"unit.{unit}_axis", lang)
    names = [translate(f"kpi.{key}.short", lang) for key in keys]
    base = alt.Chart(long).encode(
        x=_month_axis(lang),
        y=alt.Y("value:Q", title=unit_title),
        color=alt.Color(
            "kpi:N",
            title=None,
            sort=names,
            legend=legend(names),
            scale=alt.Scale(domain=names, range=[KPI_COLOURS.get(key, "#6d4c41") for key in keys]),
        ),
        tooltip=[
            alt.Tooltip("month_text:N", title=translate("chart.month", lang)),
            alt.Tooltip("kpi:N", title=translate("chart.kpi", lang)),
            alt.Tooltip("value_text:N", title=translate("chart.value", lang)),
        ],
    )
    lines = base.mark_line()
    points = (
        base.mark_point(filled=True, size=70)
        .encode(opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)))
        .add_params(pick)
    )
    return localised(alt.layer(lines, points).properties(height=280), lang)


def sales_collections_chart(series: pd.DataFrame, lang: str = "fr", currency: str = "EUR") -> alt.Chart:
    """Sales and collections side by side for each month, with a clickable month."""
    months = _with_months(series, lang)
    flows = ("sales", "collected")
    long = months.melt(
        id_vars=["month", "month_key", "month_text"], value_vars=list(flows), var_name="flow_key", value_name="raw"
    )
    long["amount"] = [_float(v) or 0.0 for v in long["raw"]]
    long["amount_text"] = [format_money(v, lang, currency) for v in long["raw"]]
    long["flow"] = [translate(f"kpi.{key}.short", lang) for key in long["flow_key"]]
    long = long.drop(columns=["raw"])
    pick = alt.selection_point(name=MONTH_SELECTION, fields=["month_key"], on="click", clear="dblclick")
    names = [translate(f"kpi.{k}.short", lang) for k in flows]
    height = 280
    base = alt.Chart(long).encode(
        x=alt.X(
            "month_text:N",
            sort=list(months["month_text"]),
            title=translate("chart.month", lang),
            axis=alt.Axis(labelAngle=0, labelOverlap="greedy"),
        ),
        xOffset=alt.XOffset("flow:N", sort=names),
        y=_amount_axis(
            lang, currency, scale=alt.Scale(domain=column_label_domain(long["amount"], long["amount_text"], height))
        ),
        tooltip=[
            alt.Tooltip("month_text:N", title=translate("chart.month", lang)),
            alt.Tooltip("flow:N", title=translate("chart.flow", lang)),
            alt.Tooltip("amount_text:N", title=translate("chart.amount", lang, currency=currency)),
        ],
    )
    bars = (
        base.mark_bar()
        .encode(
            color=alt.Color(
                "flow:N",
                title=None,
                scale=alt.Scale(domain=names, range=["#1e88e5", "#43a047"]),
                sort=names,
                legend=legend(names),
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
        )
        .add_params(pick)
    )
    labels = column_labels(base, "amount", "amount_text", len(long), long["amount_text"])
    return localised(alt.layer(bars, *labels).properties(height=height), lang)


def aging_history_chart(
    history: pd.DataFrame, bucket_keys: Iterable[str], lang: str = "fr", currency: str = "EUR"
) -> alt.Chart:
    """The aged balance at each month end, as areas stacked from the youngest bucket up, and the
    unapplied credits (when the history has them) as a grey area below zero, as on the aged bar chart."""
    keys = [key for key in bucket_keys if key in history.columns and key not in UNAPPLIED_KEYS]
    keys += [key for key in UNAPPLIED_KEYS[:1] if key in history.columns]
    months = _with_months(history, lang)
    long = months.melt(
        id_vars=["month", "month_key", "month_text"], value_vars=keys, var_name="bucket_key", value_name="raw"
    )
    long["amount"] = [_float(v) or 0.0 for v in long["raw"]]
    long["amount_text"] = [format_money(v, lang, currency) for v in long["raw"]]
    labels = [bucket_label(key, lang) for key in keys]
    long["bucket"] = [bucket_label(key, lang) for key in long["bucket_key"]]
    long["order"] = [keys.index(key) for key in long["bucket_key"]]
    long = long.drop(columns=["raw"])
    pick = alt.selection_point(name=MONTH_SELECTION, fields=["month_key"], on="click", clear="dblclick", nearest=True)
    area = (
        alt.Chart(long)
        .mark_area()
        .encode(
            x=_month_axis(lang),
            y=_amount_axis(lang, currency, stack="zero"),
            color=alt.Color(
                "bucket:N",
                title=None,
                scale=alt.Scale(domain=labels, range=bucket_colours(keys)),
                sort=labels,
                legend=legend(labels),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("month_text:N", title=translate("chart.month_end", lang)),
                alt.Tooltip("bucket:N", title=translate("chart.bucket", lang)),
                alt.Tooltip("amount_text:N", title=translate("chart.amount", lang, currency=currency)),
            ],
        )
    )
    # Invisible points give the click a month to select on an area chart.
    handles = (
        alt.Chart(long)
        .mark_point(opacity=0, size=200)
        .encode(x=_month_axis(lang), y=alt.Y("amount:Q", stack="zero"), order=alt.Order("order:Q"))
        .add_params(pick)
    )
    return localised(alt.layer(area, handles).properties(height=300), lang)


def payment_delay_chart(payments: pd.DataFrame, lang: str = "fr", currency: str = "EUR") -> alt.Chart:
    """One point per invoice: issue date against days from issue to payment, sized by amount.

    Expects columns document_id, issue_date, days_to_pay and amount; an optional days_late
    column colours the points paid after their due date.
    """
    frame = payments.copy()
    frame["issue"] = pd.to_datetime(frame["issue_date"])
    frame["issue_text"] = [format_date(d, lang) for d in frame["issue_date"]]
    frame["days"] = [_float(v) for v in frame["days_to_pay"]]
    frame["days_text"] = [format_days(v, lang, decimals=0) for v in frame["days_to_pay"]]
    frame["size"] = [abs(_float(v) or 0.0) for v in frame["amount"]]
    frame["amount_text"] = [format_money(v, lang, currency) for v in frame["amount"]]
    late = frame["days_late"] if "days_late" in frame.columns else pd.Series([0] * len(frame))
    frame["status"] = [
        translate("chart.paid_late", lang) if (_float(v) or 0) > 0 else translate("chart.paid_on_time", lang)
        for v in late
    ]
    keep = ["document_id", "issue", "issue_text", "days", "days_text", "size", "amount_text", "status"]
    chart = (
        alt.Chart(frame[keep])
        .mark_circle(opacity=0.8)
        .encode(
            x=alt.X(
                "issue:T",
                title=translate("chart.issue_date", lang),
                axis=alt.Axis(format="%d/%m/%Y", labelOverlap="greedy"),
            ),
            y=alt.Y("days:Q", title=translate("chart.days_to_pay", lang)),
            size=alt.Size("size:Q", legend=None),
            color=alt.Color(
                "status:N",
                title=None,
                scale=alt.Scale(
                    domain=[translate("chart.paid_on_time", lang), translate("chart.paid_late", lang)],
                    range=["#43a047", "#e53935"],
                ),
                legend=legend([translate("chart.paid_on_time", lang), translate("chart.paid_late", lang)]),
            ),
            tooltip=[
                alt.Tooltip("document_id:N", title=translate("chart.document", lang)),
                alt.Tooltip("issue_text:N", title=translate("chart.issue_date", lang)),
                alt.Tooltip("days_text:N", title=translate("chart.days_to_pay", lang)),
                alt.Tooltip("amount_text:N", title=translate("chart.amount", lang, currency=currency)),
            ],
        )
        .properties(height=260)
    )
    return localised(chart, lang)


# Escalation steps the funnel names by key (reminder_funnel.sql); the stages R1, R2… keep their own name.
_NAMED_STEPS = ("formal_notice", "agency_legal", "R?")


def reminder_step_label(step: str, lang: str = "fr") -> str:
    """An escalation step as the reader says it: R1, R2, « Mise en demeure », « Agence / contentieux »."""
    return translate(f"collections.step.{step}", lang) if step in _NAMED_STEPS else str(step)


def reminder_funnel_chart(funnel: pd.DataFrame, lang: str = "fr") -> alt.LayerChart:
    """One bar per escalation step in the frame's order (R1 → R2 → R3 → mise en demeure → agence / contentieux):
    the reminders sent, the part followed by a payment drawn over it, and beside them both counts and the
    share that paid (« 1 / 2 · 50,0 % »), on the right of the bars where the axis leaves them room.

    Expects the columns of kpi.metrics.collection.reminder_funnel: step, reminders, paid_reminders, paid_share.
    """
    frame = pd.DataFrame(
        {
            "step": [reminder_step_label(s, lang) for s in funnel["step"]],
            "reminders": [_float(v) or 0.0 for v in funnel["reminders"]],
            "paid": [_float(v) or 0.0 for v in funnel["paid_reminders"]],
            "share": [_float(v) for v in funnel["paid_share"]],
        }
    )
    frame["reminders_text"] = [format_number(v, lang) for v in frame["reminders"]]
    frame["paid_text"] = [format_number(v, lang) for v in frame["paid"]]
    frame["share_text"] = [format_percent(v, lang) for v in frame["share"]]
    frame["label_text"] = [
        f"{paid} / {sent} · {share}"
        for paid, sent, share in zip(frame["paid_text"], frame["reminders_text"], frame["share_text"])
    ]
    steps = frame["step"].tolist()
    tooltip = [
        alt.Tooltip("step:N", title=translate("chart.funnel_step", lang)),
        alt.Tooltip("reminders_text:N", title=translate("chart.reminders", lang)),
        alt.Tooltip("paid_text:N", title=translate("chart.paid_reminders", lang)),
        alt.Tooltip("share_text:N", title=translate("chart.paid_share", lang)),
    ]
    # Reminders are whole: a few of them get one tick each, as Vega would otherwise put ticks at 0.5.
    most = int(max(frame["reminders"], default=0))
    ticks = alt.Axis(values=list(range(most + 1)), format="d") if most <= 10 else alt.Axis(tickMinStep=1, format="d")
    # The labels stand right of the longest bar: the axis runs on by 45 % of its length for them.
    domain = bar_value_domain(list(frame["reminders"]), ["outside"] * len(frame))

    def count_axis(field: str) -> alt.X:
        return alt.X(
            f"{field}:Q",
            title=translate("chart.reminders", lang),
            axis=ticks,
            scale=alt.Scale(domain=domain, nice=False),
        )

    base = alt.Chart(frame).encode(
        y=alt.Y("step:N", sort=steps, title=None, axis=alt.Axis(labelLimit=0)), tooltip=tooltip
    )
    sent = base.mark_bar(color="#b0bec5").encode(x=count_axis("reminders"))
    paid = base.mark_bar(color="#43a047").encode(x=count_axis("paid"))
    counts = base.mark_text(align="left", dx=4, fontSize=LABEL_FONT).encode(
        x=count_axis("reminders"), text="label_text:N"
    )
    return localised(alt.layer(sent, paid, counts).properties(height=max(120, 36 * len(frame))), lang)
