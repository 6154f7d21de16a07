"""Chart builders (kpi/charts.py) called without Streamlit on the worked example's figures."""

from datetime import date
from decimal import Decimal

import pandas as pd

from kpi.charts import (
    MONTH_SELECTION,
    aging_bar_chart,
    aging_history_chart,
    bucket_colours,
    kpi_trend_chart,
    payment_delay_chart,
    reminder_funnel_chart,
    sales_collections_chart,
    selected_month,
)
from kpi.filters import Filters
from kpi.payment_history import payment_history
from kpi.periods import Period
from kpi.report import period_report
from kpi.series import aging_history, monthly_series

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
    assert [row["bucket"] for row in values][0] == "Non échu"


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
    assert march == {"not_due": 5500.0, "1_30": 800.0, "31_60": 750.0, "61_90": 0.0, "91_120": 0.0, "over_120": 0.0}
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
    # The frame kpi.collection.reminder_funnel gives on tests/data/activity in March 2026 (test_collection.py).
    funnel = pd.DataFrame({
        "step": ["R1", "R2", "formal_notice", "agency_legal"],
        "reminders": [2, 1, 1, 1],
        "paid_reminders": [0, 1, 0, 1],
        "paid_share": [0.0, 100.0, 0.0, 100.0],
        "cost": [Decimal("1.70"), Decimal("5.00"), Decimal("8.30"), None],
    })
    chart = reminder_funnel_chart(funnel, "fr")
    spec = chart.to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "bar", "text"]
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["R1", "R2", "Mise en demeure", "Agence / contentieux"]
    values = _values(chart)
    assert [(row["step"], row["reminders"], row["paid"], row["share_text"]) for row in values] == [
        ("R1", 2.0, 0.0, f"0,0{NBSP}%"), ("R2", 1.0, 1.0, f"100,0{NBSP}%"),
        ("Mise en demeure", 1.0, 0.0, f"0,0{NBSP}%"), ("Agence / contentieux", 1.0, 1.0, f"100,0{NBSP}%")]
    english = _values(reminder_funnel_chart(funnel, "en"))
    assert english[2]["step"] == "Formal notice" and english[1]["share_text"] == "100.0%"


def test_reminder_funnel_on_the_example_and_an_undefined_share():
    from pathlib import Path

    from kpi.collection import ActivitySettings, reminder_funnel
    from kpi.importers import read_files
    from kpi.ledger import Ledger

    activity = Path(__file__).parent / "data" / "activity"
    ledger = Ledger.in_memory(read_files(sorted(activity.glob("*.csv"))).ledger)
    funnel = reminder_funnel(ledger, Period.month(2026, 3), settings=ActivitySettings())
    assert [row["step"] for row in _values(reminder_funnel_chart(funnel))][0] == "R1"
    empty_share = funnel.assign(paid_share=[None] * len(funnel))
    assert {row["share_text"] for row in _values(reminder_funnel_chart(empty_share))} == {"—"}
