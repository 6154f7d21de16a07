"""Snapshots of what the exports write on the worked example (tests/data/worked, March 2026): the audit report's
HTML in French and English, the aged balance's CSV in both dialects, by customer and by document.

A change to a template, a label or a format shows as a diff of tests/snapshots/exports/*.txt; SNAPSHOT_UPDATE=1
rewrites them, and the diff is then read by eye. The figures are those of tests/data/worked/expected-2026-03.json.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from snapshots import assert_snapshot

from kpi.analysis.audit import build_audit
from kpi.exports.aged_balance import UTF8_BOM, ExportHeader, aged_balance_csv, describe_filters
from kpi.exports.audit import audit_html, chart_images
from kpi.metrics.aging import aged_balance
from kpi.model.periods import Period
from kpi.text.formatting import format_days, format_money, format_percent

MARCH = Period.month(2026, 3)
EXPECTED = json.loads((Path(__file__).parent / "data" / "worked" / "expected-2026-03.json").read_text("utf-8"))
# The charts are PNG drawn by vl-convert: their bytes change with its version, not with the report.
EMBEDDED_IMAGE = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


@pytest.fixture(scope="module")
def pages(worked_ledger) -> dict[str, str]:
    pages = {}
    for lang in ("fr", "en"):
        audit = build_audit(
            worked_ledger,
            MARCH,
            client="Client Dupont",
            author="Cabinet Durand",
            lang=lang,
            generated_on=date(2026, 4, 2),
        )
        pages[lang] = audit_html(audit, chart_images(audit))
    return pages


def _normalised(page: str) -> str:
    return EMBEDDED_IMAGE.sub("data:image/png;base64,(image)", page)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_audit_html(pages, lang):
    page = pages[lang]
    assert len(EMBEDDED_IMAGE.findall(page)) == 2  # the aged balance and the trend
    assert_snapshot(f"exports/audit-worked-2026-03-{lang}", _normalised(page))


def test_audit_html_holds_the_worked_figures(pages):
    """What the snapshot was checked against by eye, kept as a test: the expected values of the worked example."""
    page = pages["fr"]
    for key in ("closing_ar", "sales", "collected", "written_off", "opening_ar", "closing_current_ar"):
        assert f">{format_money(EXPECTED[key])}<" in page, key
    for key in ("dso", "bpdso", "add", "countback_dso", "avg_days_to_collect", "avg_days_late"):
        assert f">{format_days(EXPECTED[key])}<" in page, key
    for key in ("cei", "collection_rate", "overdue_rate", "unpaid_rate", "activation_rate", "bad_debt_rate"):
        assert f">{format_percent(EXPECTED[key])}<" in page, key
    total = page.split('<tr class="total">', 1)[1].split("</tr>", 1)[0]
    for key in ("not_due", "1_30", "31_60"):
        assert format_money(EXPECTED["aging"][key]) in total, key


@pytest.mark.parametrize("by", ["customer", "document"])
@pytest.mark.parametrize("dialect", ["fr", "en"])
def test_aged_balance_csv(worked_ledger, dialect, by):
    balance = aged_balance(worked_ledger, MARCH.end, by=by)
    header = ExportHeader(
        workspace="Client Dupont",
        as_of=MARCH.end,
        basis="due",
        edges=(30, 60, 90, 120),
        filters=describe_filters([], [], dialect),
        lang=dialect,
        generated=datetime(2026, 4, 2, 9, 30),
    )
    data = aged_balance_csv(balance, header, dialect).decode("utf-8")
    # Excel's needs, checked here so the snapshot reads as plain text: a BOM first, CRLF line ends.
    assert data.startswith(UTF8_BOM) and data.endswith("\r\n") and "\n" not in data.replace("\r\n", "")
    assert_snapshot(f"exports/aged-balance-worked-2026-03-31-by-{by}-{dialect}", data[1:].replace("\r\n", "\n"))
