"""Chart builders (kpi/present/charts.py) called without Streamlit on the worked example's figures."""

import json
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from chart_specs import labels_of, layers, locale, rows

from kpi.metrics.payment_history import payment_history
from kpi.metrics.report import period_report
from kpi.metrics.series import aging_history, monthly_series
from kpi.model.filters import Filters
from kpi.model.periods import Period
from kpi.present.charts import (
    CHART_FURNITURE,
    MONTH_SELECTION,
    aging_bar_chart,
    aging_history_chart,
    bar_label_places,
    bar_value_domain,
    bucket_colours,
    kpi_trend_chart,
    label_width,
    legend_columns,
    payment_delay_chart,
    reminder_funnel_chart,
    sales_collections_chart,
    selected_month,
)

NBSP = "\u00a0"


def _values(chart) -> list[dict]:
    spec = chart.to_dict()
    datasets = spec.get("datasets", {})
    return next(iter(datasets.values()))


def _params(chart) -> list[str]:
    spec = chart.to_dict()
    # Altair hoists a layer's params to the top level of the spec.
    layers = [spec, *spec.get("layer", [])]
    return [p["name"] for layer in layers for p in layer.get("params", [])]


def test_aging_bars_carry_french_amounts_in_their_tooltips(worked_ledger):
    report = period_report(worked_ledger, Period.month(2026, 3))
    values = _values(aging_bar_chart(report.aging, "fr"))
    by_bucket = {row["bucket"]: row for row in values}
    assert by_bucket["Non échu"]["amount"] == 5500.0
    assert by_bucket["Non échu"]["amount_text"] == f"5\u202f500,00{NBSP}€"
    assert by_bucket[f"31–60{NBSP}j"]["amount_text"] == f"750,00{NBSP}€"
    assert next(row["bucket"] for row in values) == "Non échu"


def test_bucket_colours_go_from_green_to_red_and_reuse_the_last_beyond_six():
    colours = bucket_colours(["not_due", "1_30", "31_60", "61_90", "91_120", "over_120", "over_200"])
    assert colours[0] == "#2e7d32" and colours[-1] == colours[-2] == "#7f0000"


def test_trend_chart_has_one_line_per_kpi_and_a_month_selection(worked_ledger):
    series = monthly_series(worked_ledger, date(2026, 1, 1), date(2026, 3, 31))
    chart = kpi_trend_chart(series, ("dso", "bpdso", "add"), "days", "fr")
    values = _values(chart)
    march_dso = next(row for row in values if row["month_key"] == "2026-03" and row["kpi_key"] == "dso")
    assert march_dso["value_text"] == f"33,0{NBSP}j"
    assert march_dso["month_text"] == "03/2026"
    assert {row["kpi"] for row in values} == {"DSO", "BPDSO", "ADD"}
    assert MONTH_SELECTION in _params(chart)


def test_undefined_months_have_no_point_and_a_dash(worked_ledger):
    series = monthly_series(worked_ledger, date(2025, 11, 1), date(2025, 11, 30))  # no sales: DSO undefined
    values = _values(kpi_trend_chart(series, ("dso",), "days", "en"))
    assert values[0]["value"] is None and values[0]["value_text"] == "—"


def test_sales_and_collections_of_march(worked_ledger):
    series = monthly_series(worked_ledger, date(2026, 3, 1), date(2026, 3, 31))
    values = _values(sales_collections_chart(series, "en"))
    assert {row["flow"]: row["amount_text"] for row in values} == {"Sales": "€6,100.00", "Collections": "€5,450.00"}


def test_aging_history_stacks_the_buckets_at_each_month_end(worked_ledger):
    history = aging_history(worked_ledger, date(2026, 2, 1), date(2026, 3, 31))
    chart = aging_history_chart(history, ("not_due", "1_30", "31_60", "61_90", "91_120", "over_120"), "fr")
    values = _values(chart)
    march = {row["bucket_key"]: row["amount"] for row in values if row["month_key"] == "2026-03"}
    # The unapplied credits below zero: 5 500 + 800 + 750 − 550 = 6 500, March's closing AR.
    assert march == {
        "not_due": 5500.0,
        "1_30": 800.0,
        "31_60": 750.0,
        "61_90": 0.0,
        "91_120": 0.0,
        "over_120": 0.0,
        "unapplied_credits": -550.0,
    }
    assert MONTH_SELECTION in _params(chart)


def test_payment_delays_of_one_customer(worked_ledger):
    history = payment_history(worked_ledger, date(2026, 3, 31), Filters(customers=("C2",)))
    values = _values(payment_delay_chart(history, "fr"))
    f003 = next(row for row in values if row["document_id"] == "F-003")
    assert f003["days"] == 42 and f003["status"] == "Payée en retard" and f003["issue_text"] == "20/01/2026"


def test_selected_month_reads_both_shapes_streamlit_reports():
    assert selected_month([{"month_key": "2026-03", "_vgsid_": 4}]) == date(2026, 3, 1)
    assert selected_month({"month_key": ["2025-12"]}) == date(2025, 12, 1)
    assert selected_month([]) is None and selected_month(None) is None and selected_month({}) is None


def test_a_chart_accepts_a_frame_with_period_start_instead_of_month():
    frame = pd.DataFrame({"period_start": [date(2026, 1, 1)], "sales": [Decimal("10")], "collected": [Decimal("4")]})
    values = _values(sales_collections_chart(frame, "fr"))
    assert sorted(row["amount"] for row in values) == [4.0, 10.0]


def test_reminder_funnel_has_one_bar_per_step_in_escalation_order_with_the_share_that_paid():
    # The frame kpi.metrics.collection.reminder_funnel gives on tests/data/activity in March 2026 (test_collection.py).
    funnel = pd.DataFrame(
        {
            "step": ["R1", "R2", "formal_notice", "agency_legal"],
            "reminders": [2, 1, 1, 1],
            "paid_reminders": [0, 1, 0, 1],
            "paid_share": [0.0, 100.0, 0.0, 100.0],
            "cost": [Decimal("1.70"), Decimal("5.00"), Decimal("8.30"), None],
        }
    )
    chart = reminder_funnel_chart(funnel, "fr")
    spec = chart.to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "bar", "text"]
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["R1", "R2", "Mise en demeure", "Agence / contentieux"]
    values = _values(chart)
    assert [(row["step"], row["reminders"], row["paid"], row["share_text"]) for row in values] == [
        ("R1", 2.0, 0.0, f"0,0{NBSP}%"),
        ("R2", 1.0, 1.0, f"100,0{NBSP}%"),
        ("Mise en demeure", 1.0, 0.0, f"0,0{NBSP}%"),
        ("Agence / contentieux", 1.0, 1.0, f"100,0{NBSP}%"),
    ]
    english = _values(reminder_funnel_chart(funnel, "en"))
    assert english[2]["step"] == "Formal notice" and english[1]["share_text"] == "100.0%"


def test_reminder_funnel_on_the_example_and_an_undefined_share():
    from pathlib import Path

    from kpi.importers import read_files
    from kpi.metrics.collection import reminder_funnel
    from kpi.metrics.settings import ActivitySettings
    from kpi.store.ledger import Ledger

    activity = Path(__file__).parent / "data" / "activity"
    ledger = Ledger.in_memory(read_files(sorted(activity.glob("*.csv"))).ledger)
    funnel = reminder_funnel(ledger, Period.month(2026, 3), settings=ActivitySettings())
    assert next(row["step"] for row in _values(reminder_funnel_chart(funnel))) == "R1"
    empty_share = funnel.assign(paid_share=[None] * len(funnel))
    assert {row["share_text"] for row in _values(reminder_funnel_chart(empty_share))} == {"—"}


# -- every bar labelled, numbers and months in the interface's language ---------------------------------


def test_every_aged_bar_and_the_unapplied_credits_carry_their_amount(worked_ledger):
    report = period_report(worked_ledger, Period.month(2026, 3))
    spec = aging_bar_chart({**report.aging, "unapplied_credits": report.unapplied_credits}, "fr").to_dict()
    by_key = {row["bucket_key"]: row for row in rows(spec)}
    assert len(by_key) == 7
    for row in by_key.values():
        assert [text for text, _ in labels_of(spec, row)] == [row["amount_text"]], row["bucket_key"]
    # 5 500 is most of the axis (−550 to 5 500): written inside its bar, in white; 800 beyond its end;
    # the credits' −550,00 € right of the zero line, on their own row.
    assert by_key["not_due"]["amount_text"] == f"5\u202f500,00{NBSP}€"
    assert labels_of(spec, by_key["not_due"])[0][1]["color"] == "#ffffff"
    assert by_key["1_30"]["label_place"] == "outside" and by_key["1_30"]["label_anchor"] == 800.0
    credits = by_key["unapplied_credits"]
    assert (credits["amount"], credits["amount_text"], credits["label_place"], credits["label_anchor"]) == (
        -550.0,
        f"-550,00{NBSP}€",
        "beside_zero",
        0.0,
    )
    assert by_key["61_90"]["amount_text"] == f"0,00{NBSP}€" and labels_of(spec, by_key["61_90"])
    assert layers(spec)[0]["encoding"]["x"]["scale"]["domain"] == [-550.0, 5500.0]


def test_aged_bar_labels_keep_room_when_credits_outweigh_the_buckets():
    # Credits of 1 000 against 100 owed: the credits' bar holds its label; the 100 € bar's label,
    # beyond its end, gets 45 % of the axis: (100 + 0,45 × 1 000) / 0,55 = 1 000.
    amounts = [100.0, -1000.0]
    places = bar_label_places(amounts)
    assert places == ["outside", "inside"]
    assert bar_value_domain(amounts, places) == [-1000.0, pytest.approx(1000.0)]
    spec = aging_bar_chart({"not_due": Decimal("100"), "unapplied_credits": Decimal("-1000")}, "en").to_dict()
    credits = next(row for row in rows(spec) if row["bucket_key"] == "unapplied_credits")
    ((text, mark),) = labels_of(spec, credits)
    assert text == "-€1,000.00" and mark["align"] == "left"  # from the bar's left end, inwards


def test_sales_and_collection_bars_each_carry_their_amount_with_room_above(worked_ledger):
    series = monthly_series(worked_ledger, date(2026, 1, 1), date(2026, 3, 31))
    spec = sales_collections_chart(series, "fr").to_dict()
    values = rows(spec)
    assert len(values) == 6
    for row in values:
        assert [text for text, _ in labels_of(spec, row)] == [row["amount_text"]]
    march = {row["flow_key"]: row["amount_text"] for row in values if row["month_key"] == "2026-03"}
    assert march == {"sales": f"6\u202f100,00{NBSP}€", "collected": f"5\u202f450,00{NBSP}€"}
    # Upright on a narrow screen, level on a wide one: Vega decides from the drawn width.
    mark = labels_of(spec, values[0])[0][1]
    widest = label_width([row["amount_text"] for row in values], 10)
    assert mark["angle"] == {"expr": f"!(width / 6 >= {widest:.0f}) ? 270 : 0"}
    # The tallest bar (6 100) leaves room above it for its label standing on end, in what a 280 px chart
    # leaves the bars once Streamlit has fitted its axes and legend in.
    top = layers(spec)[0]["encoding"]["y"]["scale"]["domain"][1]
    assert (top - 6100) / top * (280 - CHART_FURNITURE) >= widest
    assert MONTH_SELECTION in _params(sales_collections_chart(series, "fr"))


def test_trend_chart_draws_countback_dso_beside_dso_and_bpdso(worked_ledger):
    series = monthly_series(worked_ledger, date(2026, 2, 1), date(2026, 3, 31))
    spec = kpi_trend_chart(series, ("dso", "countback_dso", "bpdso", "add"), "days", "fr").to_dict()
    values = {(row["month_key"], row["kpi_key"]): row for row in rows(spec)}
    # March: 6 500 € of AR eat the sales of 31/03, 15/03, 05/03, 02/03 (6 400 €) and 100 of the 600 €
    # of 25/02: 34 whole days + 1/6 (test_series.py). February: 80 days + 1/3.
    assert values[("2026-03", "countback_dso")]["value"] == pytest.approx(34 + 1 / 6)
    assert values[("2026-03", "countback_dso")]["value_text"] == f"34,2{NBSP}j"
    assert values[("2026-02", "countback_dso")]["value_text"] == f"80,3{NBSP}j"
    assert values[("2026-03", "countback_dso")]["kpi"] == "DSO épuisement"
    assert values[("2026-03", "dso")]["value_text"] == f"33,0{NBSP}j"
    colour = layers(spec)[0]["encoding"]["color"]
    assert colour["scale"]["domain"] == ["DSO", "DSO épuisement", "BPDSO", "ADD"]
    # Four short names hold on one row of a phone's width; no label is ever cut.
    assert colour["legend"]["labelLimit"] == 0 and colour["legend"]["columns"] == 4
    assert spec["config"]["legend"]["labelLimit"] == 0


def test_aging_history_legend_wraps_instead_of_being_cut(worked_ledger):
    history = aging_history(worked_ledger, date(2026, 2, 1), date(2026, 3, 31))
    spec = aging_history_chart(history, ("not_due", "1_30", "31_60", "61_90", "91_120", "over_120"), "fr").to_dict()
    colour = layers(spec)[0]["encoding"]["color"]
    assert colour["scale"]["domain"][-1] == "Avoirs et non lettré"
    assert colour["legend"]["orient"] == "bottom" and colour["legend"]["labelLimit"] == 0
    # Seven entries in three columns (rows filled first): « Non échu », « 61–90 j » and « Avoirs et non
    # lettré » set the first column's width; the three widest entries fit in 320 px, four would not.
    assert colour["legend"]["columns"] == 3
    assert legend_columns(colour["scale"]["domain"]) == 3


def test_charts_read_numbers_and_months_in_the_interface_language(worked_ledger):
    series = monthly_series(worked_ledger, date(2026, 1, 1), date(2026, 3, 31))
    french = locale(kpi_trend_chart(series, ("dso",), "days", "fr").to_dict())
    assert (french["number"]["decimal"], french["number"]["thousands"]) == (",", "\u202f")
    assert french["time"]["months"][0] == "janvier" and french["time"]["shortMonths"][1] == "févr."
    english = locale(sales_collections_chart(series, "en").to_dict())
    assert (english["number"]["decimal"], english["number"]["thousands"]) == (".", ",")
    assert english["time"]["months"][0] == "January"
    trend = kpi_trend_chart(series, ("dso",), "days", "fr").to_dict()
    assert layers(trend)[0]["encoding"]["x"]["axis"]["format"] == "%b %Y"  # « janv. 2026 »
    # Amount axes have no format of their own: Vega's precision follows the tick step, so 0,5 is not shown as 1.
    report = period_report(worked_ledger, Period.month(2026, 3))
    for chart in (aging_bar_chart(report.aging, "fr"), sales_collections_chart(series, "fr")):
        text = json.dumps(chart.to_dict())
        assert "labelExpr" not in text and '"format": ",.0f"' not in text


def test_reminder_funnel_writes_both_counts_and_the_share_on_every_step():
    funnel = pd.DataFrame(
        {"step": ["R1", "R2"], "reminders": [2, 1], "paid_reminders": [0, 1], "paid_share": [0.0, 100.0]}
    )
    spec = reminder_funnel_chart(funnel, "fr").to_dict()
    assert [[text for text, _ in labels_of(spec, row)] for row in rows(spec)] == [
        [f"0 / 2 · 0,0{NBSP}%"],
        [f"1 / 1 · 100,0{NBSP}%"],
    ]
    # The axis runs on past the longest bar (2) so its label fits: (2 − 0) / 0,55.
    assert layers(spec)[0]["encoding"]["x"]["scale"]["domain"] == [0.0, pytest.approx(2 / 0.55)]
