"""The client audit report on the demo workspace: XLSX totals read back, PDF and HTML text, findings."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from pypdf import PdfReader

from kpi.aging import aged_balance
from kpi.audit import build_audit
from kpi.audit_export import audit_html, audit_pdf, audit_xlsx, chart_images
from kpi.formatting import format_days, format_money, format_percent
from kpi.periods import Period
from kpi.report import AGING_KEYS, period_report
from kpi.workspace import ensure_demo_workspace

QUARTER = Period.quarter(2026, 3)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    workspace = ensure_demo_workspace(tmp_path_factory.mktemp("home"))
    ledger = workspace.open()
    audit = build_audit(ledger, QUARTER, company="Démo SARL")
    return workspace, ledger, audit


@pytest.fixture(scope="module")
def images(demo):
    return chart_images(demo[2])


@pytest.fixture(scope="module")
def workbook(demo):
    return openpyxl.load_workbook(io.BytesIO(audit_xlsx(demo[2])), data_only=True)


def _rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _cents(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_one_sheet_per_section(workbook):
    assert workbook.sheetnames == ["Couverture", "Indicateurs", "Balance âgée", "Top 20 échus", "Constats",
                                   "Qualité des données", "Définitions"]
    cover = {row[0]: row[1] for row in _rows(workbook["Couverture"]) if row[0]}
    assert cover["Société"] == "Démo SARL"
    assert cover["Période"].startswith("01/07/2026 – 30/09/2026")
    assert cover["Sources des données"] == "documents.csv, settlements.csv"


def test_aged_balance_totals_read_back_match_the_report(demo, workbook):
    _, ledger, _ = demo
    report = period_report(ledger, QUARTER)
    rows = _rows(workbook["Balance âgée"])
    header = rows[2]
    total = next(row for row in rows if row[1] == "Total")
    customers = rows[3:rows.index(total)]
    labels = {"not_due": "Non échu", "over_120": ">\u00a0120\u00a0j"}
    for key in AGING_KEYS:
        column = header.index(labels.get(key, f"{key.replace('_', '–')}\u00a0j"))
        assert _cents(total[column]) == report.aging[key], key
        # the customer rows add up to the total row, to the cent
        assert sum(_cents(row[column]) for row in customers) == report.aging[key], key
    assert _cents(total[header.index("Avoirs et non lettré")]) == report.unapplied_credits
    assert _cents(total[header.index("Total")]) == report.closing_ar
    assert len(customers) == len(aged_balance(ledger, QUARTER.end).rows)


def test_kpi_sheet_values_match_the_report(demo, workbook):
    _, ledger, _ = demo
    report, previous = period_report(ledger, QUARTER), period_report(ledger, QUARTER.previous())
    rows = {row[0]: row for row in _rows(workbook["Indicateurs"]) if row[0]}
    assert rows["DSO"][1] == pytest.approx(report.dso) and rows["DSO"][2] == pytest.approx(previous.dso)
    assert rows["DSO"][3] == pytest.approx(report.dso - previous.dso)
    assert rows["DSO"][5] == "closing AR / sales × N"
    assert _cents(rows["Encours clients de clôture"][1]) == report.closing_ar
    assert _cents(rows["Chiffre d'affaires TTC"][1]) == report.sales
    assert rows["Efficacité du recouvrement (CEI)"][1] == pytest.approx(report.cei)
    # the 12-month trend under the headline: September 2026 is the last month
    assert rows["2026-09"][1] == pytest.approx(period_report(ledger, Period.month(2026, 9)).dso)
    assert "2025-10" in rows and "2025-09" not in rows


def test_top_overdue_sheet(demo, workbook):
    _, _, audit = demo
    rows = _rows(workbook["Top 20 échus"])[3:]
    assert len(rows) == 20
    overdue = [row[2] for row in rows]
    assert overdue == sorted(overdue, reverse=True)
    aged = audit.aged.rows
    biggest = max(sum((row[k] for k in audit.aged.bucket_keys[1:]), Decimal(0)) for _, row in aged.iterrows())
    assert _cents(overdue[0]) == biggest
    ratings = audit.risk.ratings()
    assert all(row[5] == ratings[row[0]] for row in rows)


def test_findings_carry_their_numbers(demo, workbook):
    _, ledger, audit = demo
    text = "\n".join(" | ".join(str(c) for c in row if c) for row in _rows(workbook["Constats"]))
    # invoices more than 120 days past due at 30/09/2026, counted independently
    documents = aged_balance(ledger, QUARTER.end, by="document").rows
    old = documents[documents["over_120"] > 0]
    assert f"{len(old)} factures échues depuis plus de 120 jours ({format_money(sum(old['over_120'], Decimal(0)))}" in text
    report = period_report(ledger, QUARTER)
    assert "Le DSO dépasse le meilleur DSO possible de 15 jours" in text  # ADD 15.1 days
    assert f"Retard moyen (ADD) : {format_days(report.add)}" in text
    assert f"{format_money(-report.unapplied_credits)} d'avoirs et d'encaissements non lettrés" in text
    assert [f.severity for f in audit.findings] == sorted((f.severity for f in audit.findings),
                                                         key=("alert", "warning", "info").index)


def test_findings_on_the_worked_example(worked_ledger):
    audit = build_audit(worked_ledger, Period.month(2026, 3))
    by_key = {f.key: f for f in audit.findings}
    # ADD = 33.03 − 27.95 = 5.08 days ≥ 5: late payment drives DSO (a warning, not an alert)
    assert by_key["late_payment_drives_dso"].severity == "warning"
    assert "de 5 jours" in by_key["late_payment_drives_dso"].text
    # overdue at 03-31: C2 800, C4 450, C1 300 → the top 3 hold 100 %
    assert by_key["overdue_concentration"].text.startswith("100\u00a0% de l'encours échu se concentre sur 3 clients")
    assert by_key["dso_fell"].text == "Le DSO a baissé de 50 jours par rapport à la période précédente."  # 83.3 → 33.0
    assert "550,00\u00a0€" in by_key["unapplied_credits"].text
    # CEI 85.4 % ≥ 80, nothing over 120 days, no rating D, no term over 60 days, no derived due date
    assert set(by_key) == {"late_payment_drives_dso", "overdue_concentration", "dso_fell", "unapplied_credits"}
    # no workspace: no import history, said so in the data-quality section
    assert audit.imports.empty and "sans espace de travail" in audit_html(audit, images={})


def test_data_quality_and_definitions(demo, workbook):
    workspace, _, _ = demo
    rows = _rows(workbook["Qualité des données"])
    stored = workspace.imports()
    imports = [row for row in rows if row[0] == 1 and isinstance(row[3], int)]
    assert imports[0][3] == stored["documents"][0] and imports[0][4] == stored["settlements"][0]
    files = {row[1]: row for row in rows if row[1] in ("documents.csv", "settlements.csv")}
    assert files["documents.csv"][3] == files["documents.csv"][4] == stored["documents"][0]
    assert files["settlements.csv"][7] == "oui"
    assert "trop-perçu" in files["settlements.csv"][8]  # the import report's own explanation
    definitions = {row[0]: row for row in _rows(workbook["Définitions"])[3:] if row[0]}
    assert definitions["cei"][2].startswith("(opening AR + sales − closing AR)")
    assert "risk_score" in definitions and not any(name.startswith("whatif_") for name in definitions)


def _pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def _plain(value: str) -> str:
    return re.sub(r"[ \u00a0\u202f]+", " ", value)


def test_pdf_holds_the_kpi_values(demo, images):
    _, ledger, audit = demo
    data = audit_pdf(audit, images)
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    report = period_report(ledger, QUARTER)
    for value in (format_money(report.closing_ar), format_money(report.sales), format_days(report.dso),
                  format_days(report.bpdso), format_percent(report.cei), format_money(report.aging["over_120"]),
                  format_money(audit.aged.totals["total"])):
        assert _plain(value) in text, value
    assert "Démo SARL" in text and "Audit du poste clients" in text
    assert "Annexe : définitions des indicateurs" in text
    assert b"/Subtype /Image" in data  # the two charts


def test_html_report(demo, images):
    _, ledger, audit = demo
    page = audit_html(audit, images)
    report = period_report(ledger, QUARTER)
    assert format_days(report.dso) in page and format_money(report.closing_ar) in page
    assert page.count("data:image/png;base64,") == 2
    assert "&amp;" in page and "Garnier & Fils" not in page  # names escaped
    english = audit_html(build_audit(ledger, QUARTER, lang="en"), images={})
    assert "Accounts receivable audit" in english and format_days(report.dso, "en") in english


def test_cli_audit_writes_each_format(demo, tmp_path, capsys):
    from kpi.cli import main

    workspace, ledger, _ = demo
    for suffix in ("xlsx", "html"):
        output = tmp_path / f"report.{suffix}"
        assert main(["audit", str(workspace.path), "--from", "2026-07-01", "--to", "2026-09-30", "-o", str(output)]) == 0
        assert output.stat().st_size > 1000
    book = openpyxl.load_workbook(tmp_path / "report.xlsx", data_only=True)
    total = next(row for row in _rows(book["Balance âgée"]) if row[1] == "Total")
    assert _cents(total[-1]) == period_report(ledger, QUARTER).closing_ar
    assert main(["audit", str(workspace.path), "--from", "2026-07-01", "--to", "2026-09-30", "-o", str(tmp_path / "r.doc")]) == 2
    assert "xlsx, html, pdf" in capsys.readouterr().err
