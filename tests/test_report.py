"""The period report against the worked example of KPI-SPEC, through the API and the command line."""

from __future__ import annotations

import io
import json
import math
from datetime import date
from decimal import Decimal

import pytest
from sample_files import MATCHING, MATCHING_FILES, WORKED, WORKED_FILES

from kpi.cli.main import main
from kpi.importers import read_files
from kpi.metrics.catalogue import kpi
from kpi.metrics.report import AMOUNT_KEYS, RATIO_KEYS, period_report
from kpi.model.filters import Filters
from kpi.model.periods import Period
from kpi.store.ledger import Ledger

CASES = {
    "expected-2026-02.json": ([], []),
    "expected-2026-03.json": ([], []),
    "expected-2026-03-customer-C2.json": (["--customer", "C2"], []),
    "expected-2026-03-activity-Services.json": (["--activity", "Services"], []),
}


def assert_matches(actual: dict, expected: dict) -> None:
    # The `activity` object (issue 6, tests/test_collection.py) is not in the worked example's files.
    assert actual.keys() - {"activity"} == expected.keys()
    assert actual["period"] == expected["period"]
    for key in AMOUNT_KEYS:
        assert actual[key] == pytest.approx(expected[key], abs=0.005), key
    assert actual["aging"] == pytest.approx(expected["aging"], abs=0.005)
    for key in RATIO_KEYS:
        if expected[key] is None:
            assert actual[key] is None, key
        else:
            assert actual[key] is not None and math.isclose(actual[key], expected[key], rel_tol=1e-6, abs_tol=1e-9), key


def cli_report(files, period: dict, options: list[str]) -> dict:
    """The JSON `encours report` prints for these files over an expected file's period."""
    out = io.StringIO()
    argv = ["report", *map(str, files), "--from", period["start"], "--to", period["end"], *options, "--format", "json"]
    assert main(argv, out) == 0
    return json.loads(out.getvalue())


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_reproduces_worked_example(name):
    expected = json.loads((WORKED / name).read_text())
    filter_args, _ = CASES[name]
    assert_matches(cli_report(WORKED_FILES, expected["period"], filter_args), expected)


def _case_arguments(name: str) -> list[str]:
    """The options a file name of examples/ stands for: expected-2026-03-customer-M2-oldest.json →
    --customer M2 --apply-credits oldest (the period is read from the file)."""
    parts = name.removeprefix("expected-").removesuffix(".json").split("-")[2:]
    arguments = []
    if parts and parts[-1] == "oldest":
        arguments += ["--apply-credits", "oldest"]
        parts = parts[:-1]
    for kind, value in zip(parts[::2], parts[1::2]):
        arguments += [f"--{kind}", value]
    return arguments


MATCHING_CASES = sorted(path.name for path in MATCHING.glob("expected-*.json"))


def test_the_matching_example_has_its_six_cases():
    assert len(MATCHING_CASES) == 6
    assert _case_arguments("expected-2026-03-activity-Products-oldest.json") == [
        "--apply-credits",
        "oldest",
        "--activity",
        "Products",
    ]


@pytest.mark.parametrize("name", MATCHING_CASES)
def test_cli_reproduces_matching_example(name):
    expected = json.loads((MATCHING / name).read_text())
    assert_matches(cli_report(MATCHING_FILES, expected["period"], _case_arguments(name)), expected)


def test_matching_modes_by_hand():
    """examples/matching at 2026-03-31, worked out by hand.

    matched: F-102 600 (24 days late), F-201 1 500 − 1 000 = 500 (76 days), F-301 800 − 300 credit
    note − 200 = 300 (40 days), F-103 900 and F-202 700 not due; unapplied: A-201 −200, P-102 −300,
    P-202 −100, W-201 −50 = −650. oldest: M1's −300 nets F-102 (oldest due) to 300; M2's −350 nets
    F-201 to 150; nothing is left unapplied. AR is 2 350 in both.
    """
    ledger = Ledger.in_memory(read_files(MATCHING_FILES).ledger)
    matched = period_report(ledger, Period.month(2026, 3))
    oldest = period_report(ledger, Period.month(2026, 3), Filters(matching="oldest"))
    assert matched.aging == {
        "not_due": Decimal("1600.00"),
        "1_30": Decimal("600.00"),
        "31_60": Decimal("300.00"),
        "61_90": Decimal("500.00"),
        "91_120": 0,
        "over_120": 0,
    }
    assert matched.unapplied_credits == Decimal("-650.00")
    assert oldest.aging == {
        "not_due": Decimal("1600.00"),
        "1_30": Decimal("300.00"),
        "31_60": Decimal("300.00"),
        "61_90": Decimal("150.00"),
        "91_120": 0,
        "over_120": 0,
    }
    assert oldest.unapplied_credits == 0
    assert matched.closing_ar == oldest.closing_ar == Decimal("2350.00")
    # A credit application is neither collected nor written off: only P-101, P-102, P-202, P-301
    # (cash) and W-201 (write-off) count in March.
    assert matched.collected == Decimal("1200.00") and matched.written_off == Decimal("50.00")


def test_api_returns_exact_money(worked_ledger):
    report = period_report(worked_ledger, Period.month(2026, 3))
    assert report.closing_ar == Decimal("6500.00")
    assert isinstance(report.sales, Decimal)
    assert report.aging["31_60"] == Decimal("750.00")
    assert report.invoiced == Decimal("6400.00")
    assert report.unpaid_amount == Decimal("300.00")


def test_empty_period_gives_null_ratios_not_errors(worked_ledger):
    # No document issued and no settlement in 2024: every ratio over sales is undefined.
    report = period_report(worked_ledger, Period.month(2024, 6))
    assert report.sales == 0 and report.closing_ar == 0
    # The ratios are the figures of KPI-SPEC §5's contract (the worked example's file) that are not amounts.
    contract = json.loads((WORKED / "expected-2026-03.json").read_text())
    ratios = [key for key, value in contract.items() if not isinstance(value, dict) and kpi(key).unit != "money"]
    assert len(ratios) == 13
    for key in ratios:
        if key != "countback_dso":
            assert getattr(report, key) is None, key
    assert report.countback_dso == 0  # closing AR ≤ 0 → 0 by definition


def test_documents_after_period_end_do_not_exist_yet(worked_ledger):
    # F-010 (issued 2026-04-02) and P-09 (2026-04-05) must not touch March.
    march = period_report(worked_ledger, Period.month(2026, 3))
    april = period_report(worked_ledger, Period.month(2026, 4))
    assert march.closing_ar == Decimal("6500.00")
    assert april.opening_ar == march.closing_ar
    assert april.sales == Decimal("500.00")
    assert april.collected == Decimal("3000.00")


def test_countback_counts_whole_days_and_the_fraction_of_the_last(worked_ledger):
    # C4 owes 450 at 2026-01-31, all from its 450 sale on 01-05: 26 whole days after it
    # (01-06…01-31) plus that day consumed in full.
    c4 = period_report(worked_ledger, Period(date(2026, 1, 1), date(2026, 1, 31)), Filters(customers=("C4",)))
    assert c4.countback_dso == pytest.approx(27.0)
    # C3 owes 1800 + 700 − 250 unapplied = 2250 at 03-31: 03-31 consumes 700, the days back to
    # 03-16 consume nothing, 03-15 (1 800) supplies the remaining 1 550.
    c3 = period_report(worked_ledger, Period.month(2026, 3), Filters(customers=("C3",)))
    assert c3.closing_ar == Decimal("2250.00")
    assert c3.countback_dso == pytest.approx(16 + 1550 / 1800)


def test_countback_can_consume_the_whole_history(worked_ledger):
    # C1 at 2026-01-14 owes 1 200, exactly its whole history (F-001 on 2025-12-10).
    c1 = period_report(worked_ledger, Period(date(2026, 1, 1), date(2026, 1, 14)), Filters(customers=("C1",)))
    assert c1.closing_ar == Decimal("1200.00")
    assert c1.countback_dso == pytest.approx((date(2026, 1, 14) - date(2025, 12, 10)).days + 1)


def test_table_format_is_readable(capsys):
    out = io.StringIO()
    assert main(["report", *map(str, WORKED_FILES), "--from", "2026-03-01", "--to", "2026-03-31"], out) == 0
    text = out.getvalue()
    assert "6\u202f500,00" in text or "6 500,00" in text or "6\u00a0500,00" in text
    assert "33,0" in text


def test_periods_sharing_a_start_are_reported_apart(worked_ledger):
    from dataclasses import replace

    from kpi.metrics.report import period_reports

    march, first_half = Period.month(2026, 3), Period(date(2026, 3, 1), date(2026, 3, 15))
    both = period_reports(worked_ledger, [march, first_half])
    alone = [replace(period_report(worked_ledger, p), activity=None) for p in (march, first_half)]
    assert both == alone
    assert both[0].closing_ar != both[1].closing_ar
