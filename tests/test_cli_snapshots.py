"""The command line's text tables on the worked example (tests/data/worked), compared with tests/snapshots/cli/.

Each snapshot was checked by eye against tests/data/worked/expected-*.json; SNAPSHOT_UPDATE=1 rewrites them
(tests/snapshots.py), and the tests below re-check the headline figures so that a rewrite cannot slip a wrong
number past the snapshot.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import snapshots
from sample_files import WORKED_FILES
from snapshots import assert_snapshot

from kpi.cli.main import main
from kpi.text.formatting import format_value

FILES = [str(p) for p in WORKED_FILES]
WORKED = Path(__file__).parent / "data" / "worked"
MARCH = ("--from", "2026-03-01", "--to", "2026-03-31")


def run(*argv: str) -> str:
    out = io.StringIO()
    assert main(list(argv), out) == 0
    return out.getvalue()


def expected(name: str) -> dict:
    return json.loads((WORKED / f"expected-{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("2026-03", MARCH),
        ("2026-02", ("--from", "2026-02-01", "--to", "2026-02-28")),
        ("2026-03-customer-C2", (*MARCH, "--customer", "C2")),
        ("2026-03-activity-Services", (*MARCH, "--activity", "Services")),
    ],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_table(name, options, lang):
    text = run("report", *FILES, *options, "--lang", lang)
    assert_snapshot(f"cli/report-{name}-{lang}", text)
    report = expected(name)
    for key in ("sales", "collected", "closing_ar", "unapplied_credits"):
        assert format_value(report[key], "money", lang) in text, key
    assert format_value(report["dso"], "days", lang) in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_aging_table_by_customer(lang):
    text = run("aging", *FILES, "--as-of", "2026-03-31", "--lang", lang)
    assert_snapshot(f"cli/aging-customer-{lang}", text)
    total = text.splitlines()[-2]
    report = expected("2026-03")
    for key in ("not_due", "1_30", "31_60"):
        assert format_value(report["aging"][key], "money", lang) in total, key
    assert total.endswith("  " + format_value(report["closing_ar"], "money", lang))


def test_aging_table_by_document_on_other_buckets():
    text = run("aging", *FILES, "--as-of", "2026-03-31", "--by", "document", "--buckets", "15,30,45", "--lang", "fr")
    assert_snapshot("cli/aging-document-fr", text)


def test_series_csv():
    text = run("series", *FILES, "--from", "2026-02-01", "--to", "2026-03-31")
    assert_snapshot("cli/series", text)
    assert text.splitlines()[2].startswith("2026-03,2026-03-01,2026-03-31,31,6100.00,5450.00,400.00,6250.00,6500.00")


def test_whatif_table(tmp_path):
    scenario = tmp_path / "terms.json"
    scenario.write_text(
        json.dumps({"name": "Paiement à 30 jours", "changes": [{"kind": "payment_terms", "days": 30}]}),
        encoding="utf-8",
    )
    text = run("whatif", *FILES, *MARCH, "--scenario", str(scenario), "--lang", "fr")
    assert_snapshot("cli/whatif-fr", text)


def test_forecast_table():
    text = run("forecast", *FILES, "--as-of", "2026-03-31", "--backtest-dates", "2", "--lang", "fr")
    assert_snapshot("cli/forecast-fr", text)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_import_report(tmp_path, lang):
    text = run("import", str(tmp_path / "client"), *FILES, "--lang", lang)
    assert_snapshot(f"cli/import-{lang}", text.replace(str(tmp_path), "WORKSPACES"))


def test_inspect_text():
    assert_snapshot("cli/inspect-fr", run("inspect", *FILES, "--lang", "fr"))


# -- the snapshot helper itself ---------------------------------------------------------------------------------


def test_a_missing_snapshot_fails_unless_updating(tmp_path, monkeypatch):
    monkeypatch.setattr(snapshots, "SNAPSHOTS", tmp_path)
    monkeypatch.delenv("SNAPSHOT_UPDATE", raising=False)
    with pytest.raises(pytest.fail.Exception, match="no snapshot"):
        assert_snapshot("cli/absent", "text\n")
    assert not (tmp_path / "cli" / "absent.txt").exists()
    monkeypatch.setenv("SNAPSHOT_UPDATE", "1")
    assert_snapshot("cli/absent", "Total  6\u202f500,00\u00a0€\n")
    assert (tmp_path / "cli" / "absent.txt").read_bytes() == "Total  6\u202f500,00\u00a0€\n".encode()
    monkeypatch.delenv("SNAPSHOT_UPDATE")
    assert_snapshot("cli/absent", "Total  6\u202f500,00\u00a0€\n")
    with pytest.raises(AssertionError, match="differs from snapshot"):
        assert_snapshot("cli/absent", "Total  6\u202f500,00 €\n")
    with pytest.raises(ValueError, match="leaves"):
        assert_snapshot("../outside", "")
