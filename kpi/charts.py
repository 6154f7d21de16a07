"""Altair charts of the dashboard: pure functions from a frame to a chart, testable without Streamlit.

Tooltips show text already formatted by kpi.formatting (`33,0 j`, `1 234,56 €`), so a French
reader sees French numbers whatever locale the browser's Vega uses. Amounts are turned
into floats here only to place marks on an axis; no figure shown to the user comes from them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import altair as alt
import pandas as pd

from kpi.formatting import format_date, format_days, format_money, format_month, format_number, format_percent
from kpi.i18n import bucket_label, translate

# The name of the point selection the monthly charts carry; st.altair_chart reports it back.
MONTH_SELECTION = "month_pick"

# From "not due" (green) to the oldest bucket (dark red); longer bucket lists reuse the last colour.
BUCKET_COLOURS = ("#2e7d32", "#f9a825", "#ef6c00", "#e64a19", "#c62828", "#7f0000")
UNAPPLIED_COLOUR = "#78909c"

_MONTH_COLUMNS = ("month", "period_start", "month_start", "month_end", "as_of", "period_end")


UNAPPLIED_KEYS = ("unapplied_credits", "credit_notes", "unapplied_payments")


def bucket_colours(bucket_keys: Iterable[str]) -> list[str]:
    """One colour per bucket, greener for the youngest, redder for the oldest; unapplied credits grey."""
    keys = list(bucket_keys)
    aged = [key for key in keys if key not in UNAPPLIED_KEYS]
    return [UNAPPLIED_COLOUR if key in UNAPPLIED_KEYS else BUCKET_COLOURS[min(aged.index(key), len(BUCKET_COLOURS) - 1)]
            for key in keys]


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
    if value is None or (isinstance(value, float) and value != value):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _amount_ticks(lang: str) -> alt.Axis:
    """Tick labels that group thousands the French way in French (Vega's own default is English)."""
    if lang == "fr":
        return alt.Axis(labelExpr="replace(format(datum.value, ',.0f'), /,/g, '\u202f')")
    return alt.Axis()


def _amount_axis(lang: str, currency: str, stack: str | None = None) -> alt.Y:
    return alt.Y("amount:Q", stack=stack, title=translate("chart.amount", lang, currency=currency),
                 axis=_amount_ticks(lang))


def _month_axis(lang: str) -> alt.X:
    return alt.X("month:T", title=translate("chart.month", lang), axis=alt.Axis(format="%m/%Y", labelAngle=0))


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
    frame = pd.DataFrame(
        {
            "bucket": [bucket_label(key, lang) for key in keys],
            "order": range(len(keys)),
            "amount": [_float(aging[key]) or 0.0 for key in keys],
            "amount_text": [format_money(aging[key], lang, currency) for key in keys],
        }
    )
    labels = frame["bucket"].tolist()
    # Room beyond the longest bars for their labels, on the side they grow to.
    low, high = min(0.0, frame["amount"].min()), max(0.0, frame["amount"].max())
    span = (high - low) or 1.0
    domain = [low - 0.35 * span if low < 0 else 0.0, high + 0.35 * span if high > 0 or low == 0 else 0.0]
    base = alt.Chart(frame).encode(
        y=alt.Y("bucket:N", sort=labels, title=None),
        x=alt.X("amount:Q", title=translate("chart.amount", lang, currency=currency), axis=_amount_ticks(lang),
                scale=alt.Scale(domain=domain, nice=False)),
        tooltip=[
            alt.Tooltip("bucket:N", title=translate("chart.bucket", lang)),
            alt.Tooltip("amount_text:N", title=translate("chart.amount", lang, currency=currency)),
        ],
    )
    bars = base.mark_bar().encode(
        color=alt.Color("bucket:N", scale=alt.Scale(domain=labels, range=bucket_colours(keys)), legend=None),
    )
    # The amount beside each bar, outside it: left of a negative bar, right of a positive one.
    positive_text = base.mark_text(dx=4, align="left", baseline="middle", fontSize=11).encode(
        text="amount_text:N").transform_filter("datum.amount >= 0")
    negative_text = base.mark_text(dx=-4, align="right", baseline="middle", fontSize=11).encode(
        text="amount_text:N").transform_filter("datum.amount < 0")
    return alt.layer(bars, positive_text, negative_text).properties(
        height=max(120, 32 * len(keys))
    )


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
    base = alt.Chart(long).encode(
        x=_month_axis(lang),
        y=alt.Y("value:Q", title=unit_title),
        color=alt.Color(
            "kpi:N",
            title=None,
            sort=[translate(f"kpi.{key}.short", lang) for key in keys],
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("month_text:N", title=translate("chart.month", lang)),
            alt.Tooltip("kpi:N", title=translate("chart.kpi", lang)),
            alt.Tooltip("value_text:N", title=translate("chart.value", lang)),
        ],
    )
    lines = base.mark_line()
    points = base.mark_point(filled=True, size=70).encode(
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45))
    ).add_params(pick)
    return alt.layer(lines, points).properties(height=280)


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
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("month_text:N", sort=list(months["month_text"]), title=translate("chart.month", lang),
                    axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("flow:N", sort=[translate(f"kpi.{k}.short", lang) for k in flows]),
            y=_amount_axis(lang, currency),
            color=alt.Color(
                "flow:N",
                title=None,
                scale=alt.Scale(range=["#1e88e5", "#43a047"]),
                sort=[translate(f"kpi.{k}.short", lang) for k in flows],
                legend=alt.Legend(orient="bottom"),
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
            tooltip=[
                alt.Tooltip("month_text:N", title=translate("chart.month", lang)),
                alt.Tooltip("flow:N", title=translate("chart.flow", lang)),
                alt.Tooltip("amount_text:N", title=translate("chart.amount", lang, currency=currency)),
            ],
        )
        .add_params(pick)
        .properties(height=280)
    )


def aging_history_chart(
    history: pd.DataFrame, bucket_keys: Iterable[str], lang: str = "fr", currency: str = "EUR"
) -> alt.Chart:
    """The aged balance at each month end, as areas stacked from the youngest bucket up."""
    keys = [key for key in bucket_keys if key in history.columns]
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
    pick = alt.selection_point(name=MONTH_SELECTION, fields=["month_key"], on="click", clear="dblclick",
                               nearest=True)
    area = (
        alt.Chart(long)
        .mark_area()
        .encode(
            x=_month_axis(lang),
            y=_amount_axis(lang, currency, stack="zero"),
            color=alt.Color("bucket:N", title=None, scale=alt.Scale(domain=labels, range=bucket_colours(keys)),
                            legend=alt.Legend(orient="bottom")),
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
    return alt.layer(area, handles).properties(height=300)


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
    return (
        alt.Chart(frame[keep])
        .mark_circle(opacity=0.8)
        .encode(
            x=alt.X("issue:T", title=translate("chart.issue_date", lang), axis=alt.Axis(format="%d/%m/%Y")),
            y=alt.Y("days:Q", title=translate("chart.days_to_pay", lang)),
            size=alt.Size("size:Q", legend=None),
            color=alt.Color(
                "status:N",
                title=None,
                scale=alt.Scale(
                    domain=[translate("chart.paid_on_time", lang), translate("chart.paid_late", lang)],
                    range=["#43a047", "#e53935"],
                ),
                legend=alt.Legend(orient="bottom"),
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


# Escalation steps the funnel names by key (reminder_funnel.sql); the stages R1, R2… keep their own name.
_NAMED_STEPS = ("formal_notice", "agency_legal", "R?")


def reminder_step_label(step: str, lang: str = "fr") -> str:
    """An escalation step as the reader says it: R1, R2, « Mise en demeure », « Agence / contentieux »."""
    return translate(f"collections.step.{step}", lang) if step in _NAMED_STEPS else str(step)


def reminder_funnel_chart(funnel: pd.DataFrame, lang: str = "fr") -> alt.LayerChart:
    """One bar per escalation step in the frame's order (R1 → R2 → R3 → mise en demeure → agence / contentieux):
    the reminders sent, the part followed by a payment drawn over it, and the share that paid written beside it.

    Expects the columns of kpi.collection.reminder_funnel: step, reminders, paid_reminders, paid_share.
    """
    frame = pd.DataFrame({
        "step": [reminder_step_label(s, lang) for s in funnel["step"]],
        "reminders": [_float(v) or 0.0 for v in funnel["reminders"]],
        "paid": [_float(v) or 0.0 for v in funnel["paid_reminders"]],
        "share": [_float(v) for v in funnel["paid_share"]],
    })
    frame["reminders_text"] = [format_number(v, lang) for v in frame["reminders"]]
    frame["paid_text"] = [format_number(v, lang) for v in frame["paid"]]
    frame["share_text"] = [format_percent(v, lang) for v in frame["share"]]
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

    def count_axis(field: str) -> alt.X:
        return alt.X(f"{field}:Q", title=translate("chart.reminders", lang), axis=ticks)

    base = alt.Chart(frame).encode(y=alt.Y("step:N", sort=steps, title=None), tooltip=tooltip)
    sent = base.mark_bar(color="#b0bec5").encode(x=count_axis("reminders"))
    paid = base.mark_bar(color="#43a047").encode(x=count_axis("paid"))
    share = base.mark_text(align="left", dx=4).encode(x=count_axis("reminders"), text="share_text:N")
    return alt.layer(sent, paid, share).properties(height=max(120, 36 * len(frame)))
