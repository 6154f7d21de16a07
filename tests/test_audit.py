"""The client audit report on the demo workspace: XLSX totals read back, PDF and HTML text, findings, cover, file
name."""

from __future__ import annotations

import html
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from kpi.analysis.audit import AUTHOR_SETTING, CLIENT_SETTING, build_audit, report_identity
from kpi.analysis.explain import explain
from kpi.exports.audit import audit_file_name, audit_html, audit_pdf, audit_xlsx, chart_images, client_slug
from kpi.metrics.aging import aged_balance
from kpi.metrics.report import AGING_KEYS, period_report
from kpi.model.periods import Period
from kpi.store.workspace import Workspace, ensure_demo_workspace
from kpi.text.formatting import format_days, format_money, format_number, format_percent
from kpi.text.i18n import translate

QUARTER = Period.quarter(2026, 3)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    workspace = ensure_demo_workspace(tmp_path_factory.mktemp("home"))
    ledger = workspace.open()
    audit = build_audit(ledger, QUARTER, client="Démo SARL", author="Claire Martin", generated_on=date(2026, 10, 5))
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


# The sheets of an audit of a ledger with collection logs, in order.
SHEETS_WITH_LOGS = [
    "Couverture",
    "Constats",
    "Indicateurs",
    "Recouvrement",
    "Balance âgée",
    "Top 20 échus",
    "Qualité des données",
    "Définitions",
]


def test_one_sheet_per_section(workbook):
    # The demo ledger carries collection logs, hence the Recouvrement sheet.
    # Findings first: what the reader must act on, before the KPIs.
    assert workbook.sheetnames == SHEETS_WITH_LOGS
    cover = {row[0]: row[1] for row in _rows(workbook["Couverture"]) if row[0]}
    assert cover["Client"] == "Démo SARL"
    assert cover["Période"] == "du 01/07/2026 au 30/09/2026 (92 jours)"
    assert cover["Imputation des avoirs"] == "Pièce à pièce, comme lettré"
    assert cover["Auteur"] == "Claire Martin"
    assert cover["Date du rapport"] == "05/10/2026"
    assert (
        cover["Sources des données"]
        == "documents.csv, echeanciers.csv, frais.csv, litiges.csv, promesses.csv, relances.csv, settlements.csv"
    )


def test_aged_balance_totals_read_back_match_the_report(demo, workbook):
    _, ledger, _ = demo
    report = period_report(ledger, QUARTER)
    rows = _rows(workbook["Balance âgée"])
    header = rows[2]
    total = next(row for row in rows if row[1] == "Total")
    customers = rows[3 : rows.index(total)]
    labels = {"not_due": "Non échu", "over_120": ">\u00a0120\u00a0j"}
    for key in AGING_KEYS:
        column = header.index(labels.get(key, f"{key.replace('_', '–')}\u00a0j"))
        assert _cents(total[column]) == report.aging[key], key
        # the customer rows add up to the total row, to the cent
        assert sum(_cents(row[column]) for row in customers) == report.aging[key], key
    assert (
        _cents(total[header.index("Avoirs non imputés")]) + _cents(total[header.index("Règlements non lettrés")])
        == report.unapplied_credits
    )
    assert _cents(total[header.index("Total")]) == report.closing_ar
    assert len(customers) == len(aged_balance(ledger, QUARTER.end).rows)


def test_kpi_sheet_values_match_the_report(demo, workbook):
    _, ledger, _ = demo
    report, previous = period_report(ledger, QUARTER), period_report(ledger, QUARTER.previous())
    rows = {row[0]: row for row in _rows(workbook["Indicateurs"]) if row[0]}
    assert rows["DSO"][1] == pytest.approx(report.dso) and rows["DSO"][2] == pytest.approx(previous.dso)
    assert rows["DSO"][3] == pytest.approx(report.dso - previous.dso)
    assert rows["DSO"][5] == explain("dso", report).computation
    assert _plain(rows["DSO"][5]) == _plain(
        f"DSO = encours clients de clôture {format_money(report.closing_ar)} ÷ chiffre d'affaires de la période"
        f" {format_money(report.sales)} × 92 jours = {format_days(report.dso)}"
    )
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


def test_each_kpi_has_its_own_computation_once(demo, workbook):
    _, _, audit = demo
    computations = list(audit.headline()["computation"])
    assert len(computations) == len(set(computations)) == 21
    rows = list(_rows(workbook["Indicateurs"])[3:24])
    assert [row[5] for row in rows] == computations


def test_a_rate_change_is_in_points(demo, workbook):
    _, ledger, audit = demo
    report, previous = period_report(ledger, QUARTER), period_report(ledger, QUARTER.previous())
    change = report.cei - previous.cei  # 86,4 % against 80,1 %
    rows = workbook["Indicateurs"].iter_rows()
    row = next(row for row in rows if row[0].value == "Efficacité du recouvrement (CEI)")
    assert row[3].value == pytest.approx(change)
    assert row[3].number_format == '+0.0" pt";-0.0" pt";0.0" pt"'
    days = next(row for row in workbook["Indicateurs"].iter_rows() if row[0].value == "DSO")
    assert "pt" not in days[3].number_format
    text = _pdf_text(audit_pdf(audit, images={}))
    assert f"+{format_number(change, 'fr', 1)} pt" in text
    assert f"+{format_number(change, 'fr', 1)} %" not in text
    assert f"+{_plain(format_days(report.dso - previous.dso))}" in text  # days stay days


def test_findings_carry_their_numbers(demo, workbook):
    _, ledger, audit = demo
    text = "\n".join(" | ".join(str(c) for c in row if c) for row in _rows(workbook["Constats"]))
    # invoices more than 120 days past due at 30/09/2026, counted independently
    documents = aged_balance(ledger, QUARTER.end, by="document").rows
    old = documents[documents["over_120"] > 0]
    assert (
        f"{len(old)} factures échues depuis plus de 120 jours ({format_money(sum(old['over_120'], Decimal(0)))}" in text
    )
    report = period_report(ledger, QUARTER)
    assert "Le DSO dépasse le meilleur DSO possible de 18 jours" in text  # ADD 66.11 − 47.96 = 18.15 days
    assert f"Retard moyen (ADD) : {format_days(report.add)}" in text
    assert f"{format_money(-report.unapplied_credits)} d'avoirs et d'encaissements non lettrés" in text
    assert [f.severity for f in audit.findings] == sorted(
        (f.severity for f in audit.findings), key=("alert", "warning", "info").index
    )


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
    files = {row[1]: row for row in rows if row[1] in ("documents.csv", "settlements.csv", "echeanciers.csv")}
    assert files["documents.csv"][3] == files["documents.csv"][4] == stored["documents"][0]
    # The file kinds as the Data page names them, never the layout's internal name.
    assert files["documents.csv"][2] == "format Encours : pièces"
    assert files["echeanciers.csv"][2] == "échéanciers (plans de paiement)"
    assert files["settlements.csv"][7] == "oui"
    assert "trop-perçu" in files["settlements.csv"][8]  # the import report's own explanation
    assert "ligne 264" in files["settlements.csv"][8] and "document_id" not in files["settlements.csv"][8]
    header, *definitions = [row for row in _rows(workbook["Définitions"])[2:] if row[0]]
    assert header == ["Indicateur", "Définition", "Unité"]
    by_label = {row[0]: row for row in definitions}
    assert by_label["Efficacité du recouvrement (CEI)"][1] == translate("explain.cei.formula")
    assert by_label["DSO"][2] == "jours" and by_label["Taux d'échu"][2] == "%"
    assert by_label["Encours clients de clôture"][2] == "€" and by_label["Rotation du poste clients"][2] == "fois"
    assert by_label["Coût par euro recouvré"][1] == translate("activity.cost_per_euro_collected.help")
    assert len(definitions) == 21 + 8  # every headline KPI, then the activity ones


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
    for value in (
        format_money(report.closing_ar),
        format_money(report.sales),
        format_days(report.dso),
        format_days(report.bpdso),
        format_percent(report.cei),
        format_money(report.aging["over_120"]),
        format_money(audit.aged.totals["total"]),
    ):
        assert _plain(value) in text, value
    assert "Démo SARL" in text and "Audit du poste clients" in text
    assert "Annexe : définitions des indicateurs" in text
    assert b"/Subtype /Image" in data  # the two charts


# -- what a reader sees: no spec, no SQL file, no field name; one language; cover; file name -----------

# Names a reader must never meet: the spec's, the SQL files', the canonical tables' and the importers' layouts.
INTERNAL_NAMES = (
    "KPI-SPEC",
    "document_id",
    "due_date",
    "issue_date",
    "settled_amount",
    "customer_id",
    "customer_name",
    "settlement_id",
    "source_document_id",
    "canonical-",
    "payment_plans",
    "collection_costs",
    "closing_ar",
    "opening_ar",
    "unapplied_credits",
    "not_due",
    "over_120",
    "[S, E]",
    "AR(E)",
)
# Give-away words of the French catalogue that an English report must not hold (« Encours », the product, may).
FRENCH_WORDS = (
    "Somme",
    "somme",
    "créances",
    "échu",
    "jours",
    "ventes",
    "encours",
    "Période",
    "période",
    "Indicateur",
    "Constats",
    "Chiffre d'affaires",
    "Délai",
    "Taux",
    "Imputation",
    "Rapproché",
    "Pièce",
    "Annexe",
    "Auteur",
    "Établi",
    "non lettré",
    "fois",
    "nombre",
)


@pytest.fixture(scope="module")
def pdf_texts(demo):
    _, ledger, audit = demo
    english = build_audit(
        ledger, QUARTER, client="Démo SARL", author="Claire Martin", lang="en", generated_on=date(2026, 10, 5)
    )
    return {"fr": _pdf_text(audit_pdf(audit, images={})), "en": _pdf_text(audit_pdf(english, images={}))}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pdf_names_no_spec_no_sql_file_no_field(pdf_texts, lang):
    text = pdf_texts[lang]
    for name in INTERNAL_NAMES:
        assert name not in text, name
    assert not re.search(r"\b\w+\.sql\b", text)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.search(r"\b[a-z]+_[a-z_]+\b", text)  # no snake_case name
    assert "Fichier SQL" not in text and "SQL file" not in text


def test_english_pdf_holds_no_french_word_of_the_catalogue(pdf_texts):
    # The import notes are quoted as the import recorded them (in French today) and say so.
    english, notes = pdf_texts["en"].split("As recorded at import, in French:", 1)
    notes = notes.split("Appendix: KPI definitions", 1)[1]  # the appendix follows the data-quality page
    for word in FRENCH_WORDS:
        assert word not in english + notes, word
    assert not re.search(r"\d j\b", english)  # French days
    assert "€940,446.86" in english and "pp" in english


def test_french_pdf_holds_no_english_unit(pdf_texts):
    text = pdf_texts["fr"]
    assert not re.search(r"\d d\b", text) and " pp" not in text and "€9" not in text
    assert "940 446,86 €" in text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "fr",
            [
                "Audit du poste clients",
                "Client Démo SARL",
                "Période du 01/07/2026 au 30/09/2026 (92 jours)",
                "Imputation des avoirs Pièce à pièce, comme lettré",
                "Auteur Claire Martin",
                "Date du rapport 05/10/2026",
            ],
        ),
        (
            "en",
            [
                "Accounts receivable audit",
                "Client Démo SARL",
                "Period 01/07/2026 to 30/09/2026 (92 days)",
                "Credit matching Item by item, as matched",
                "Author Claire Martin",
                "Report date 05/10/2026",
            ],
        ),
    ],
)
def test_cover_names_client_period_mode_author_and_date(pdf_texts, lang, expected):
    cover = re.sub(r"\s+", " ", pdf_texts[lang].split("\n" + ("Constats" if lang == "fr" else "Findings"), 1)[0])
    for line in expected:
        assert line in cover, line


def test_findings_come_before_the_kpis(pdf_texts):
    text = pdf_texts["fr"]
    assert text.index("\nConstats") < text.index("Indicateurs clés") < text.index("Balance âgée par client")
    assert text.index("Le DSO dépasse le meilleur DSO possible") < text.index("Indicateurs clés")


def test_oldest_mode_is_named_on_the_cover(demo):
    from kpi.model.filters import Filters

    _, ledger, _ = demo
    audit = build_audit(ledger, QUARTER, Filters(matching="oldest"), client="Démo SARL", lang="en")
    cover = dict(row for row in __import__("kpi.exports.audit", fromlist=["cover_rows"]).cover_rows(audit))
    assert cover["Credit matching"] == "Applied to the oldest invoices"
    assert cover["Author"] == "—"


def test_file_name_carries_client_and_period():
    assert audit_file_name("Démo SARL", QUARTER, "pdf") == "audit-demo-sarl-2026-07-01_2026-09-30.pdf"
    assert audit_file_name("Démo SARL", QUARTER, "xlsx") == "audit-demo-sarl-2026-07-01_2026-09-30.xlsx"
    assert audit_file_name("", Period.month(2026, 3), "html") == "audit-2026-03-01_2026-03-31.html"
    # a name from the data never makes a path, a hidden file or a command
    assert client_slug("../../etc/passwd") == "etc-passwd"
    assert client_slug('=HYPERLINK("x")') == "hyperlink-x"
    assert client_slug("株式会社") == ""
    long_name = "Garnier & Fils — Société Générale d'Électricité " * 3
    assert client_slug(long_name) == "garnier-fils-societe-generale-d-electric"


def test_client_and_author_from_the_workspace_settings(tmp_path):
    workspace = Workspace(tmp_path / "acme")
    workspace.import_files(sorted(ACTIVITY.glob("*.csv"))[:2])
    with workspace.open() as ledger:
        assert report_identity(ledger, "acme") == ("acme", "")
    workspace.save_settings({CLIENT_SETTING: "Acme Industrie", AUTHOR_SETTING: "Cabinet Durand"})
    with workspace.open() as ledger:
        assert report_identity(ledger, "acme") == ("Acme Industrie", "Cabinet Durand")
        assert report_identity(ledger, "acme", client=" Autre client ", author="") == ("Autre client", "Cabinet Durand")


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
    from kpi.cli.main import main

    workspace, ledger, _ = demo
    for suffix in ("xlsx", "html"):
        output = tmp_path / f"report.{suffix}"
        assert (
            main(["audit", str(workspace.path), "--from", "2026-07-01", "--to", "2026-09-30", "-o", str(output)]) == 0
        )
        assert output.stat().st_size > 1000
    # Into a folder: the file is named for the client and the period; the same stem for every format.
    folder = tmp_path / "out"
    folder.mkdir()
    for report_format in ("html", "xlsx"):
        assert (
            main(
                [
                    "audit",
                    str(workspace.path),
                    "--from",
                    "2026-07-01",
                    "--to",
                    "2026-09-30",
                    "-o",
                    str(folder),
                    "--format",
                    report_format,
                    "--client",
                    "Démo SARL",
                    "--author",
                    "Claire Martin",
                ]
            )
            == 0
        )
    assert sorted(p.name for p in folder.iterdir()) == [
        "audit-demo-sarl-2026-07-01_2026-09-30.html",
        "audit-demo-sarl-2026-07-01_2026-09-30.xlsx",
    ]
    page = (folder / "audit-demo-sarl-2026-07-01_2026-09-30.html").read_text(encoding="utf-8")
    assert "<dd>Démo SARL</dd>" in page and "<dd>Claire Martin</dd>" in page
    capsys.readouterr()
    book = openpyxl.load_workbook(tmp_path / "report.xlsx", data_only=True)
    total = next(row for row in _rows(book["Balance âgée"]) if row[1] == "Total")
    assert _cents(total[-1]) == period_report(ledger, QUARTER).closing_ar
    assert (
        main(
            ["audit", str(workspace.path), "--from", "2026-07-01", "--to", "2026-09-30", "-o", str(tmp_path / "r.doc")]
        )
        == 2
    )
    assert "xlsx, html, pdf" in capsys.readouterr().err


# -- the collection-activity section, on tests/data/activity (March 2026, arithmetic in test_collection.py) --

ACTIVITY = Path(__file__).parent / "data" / "activity"
MARCH = Period.month(2026, 3)


def _activity_audit(tmp_path, files, settings=None):
    workspace = Workspace(tmp_path / "ws")
    workspace.import_files(files)
    if settings:
        workspace.save_settings(settings)
    with workspace.open() as ledger:
        return build_audit(ledger, MARCH, client="Activité SARL", generated_on=date(2026, 4, 2))


@pytest.fixture(scope="module")
def activity_audit(tmp_path_factory):
    return _activity_audit(tmp_path_factory.mktemp("activity"), sorted(ACTIVITY.glob("*.csv")))


def _activity_sheet(audit) -> tuple[dict, dict]:
    book = openpyxl.load_workbook(io.BytesIO(audit_xlsx(audit)), data_only=True)
    assert book.sheetnames == SHEETS_WITH_LOGS
    rows = _rows(book["Recouvrement"])
    end = next(index for index, row in enumerate(rows) if index > 3 and row[0] is None)  # the blank row after the KPIs
    kpis = {row[0]: row for row in rows[3:end]}
    buckets = {row[0]: row for row in rows if row[0] in ("Non échu", "1–30\u00a0j", ">\u00a0120\u00a0j")}
    return kpis, buckets


def test_activity_sheet_reads_back_the_hand_computed_kpis_with_their_formulas(activity_audit):
    kpis, buckets = _activity_sheet(activity_audit)
    # dispute rate (300 + 2 000) / 4 000 = 57,5 %; F6 open at 31/03 for 2 000; reminders 2 paid / 5 = 40 %;
    # (0,50 + 5,00 + 1,20 + 8,30) / 4 = 3,75 per reminder; installments 1 kept / 3; C4 owes 1 000 of its plan;
    # costs 350 + 2 000 = 2 350 / collected 4 700 = 0,5.
    expected = {
        "Taux de litiges": pytest.approx(57.5),
        "Litiges en cours": 1,
        "Montant des litiges en cours": 2000.0,
        "Taux de succès des relances": pytest.approx(40.0),
        "Coût moyen d'une relance": 3.75,
        "Respect des échéanciers": pytest.approx(100 / 3),
        "Montant sous échéancier": 1000.0,
        "Coût par euro recouvré": pytest.approx(0.5),
    }
    assert {label: row[1] for label, row in kpis.items()} == expected
    assert kpis["Taux de litiges"][2] == "%" and kpis["Litiges en cours"][2] == "nombre"
    assert kpis["Coût par euro recouvré"][3] == translate("activity.cost_per_euro_collected.help")
    assert kpis["Respect des échéanciers"][3] == translate("activity.plan_compliance_rate.help")
    assert all(row[4] is None for row in kpis.values())  # no "missing log" note
    # Opening balance at 28/02: 1–30 days F1 1 000 collected in full; nothing over 120 days: rate left blank.
    assert list(buckets["1–30\u00a0j"][1:4]) == [1000, 1000, pytest.approx(100)]
    assert list(buckets[">\u00a0120\u00a0j"][1:4]) == [0, 0, None]


def test_activity_section_in_the_pdf_and_html(activity_audit):
    text = _pdf_text(audit_pdf(activity_audit, images={}))
    assert "Activité de recouvrement" in text
    for value in ("57,5 %", "40,0 %", "3,75 €", "33,3 %", "1 000,00 €", "0,50"):
        assert value in text, value
    assert "Taux de recouvrement par tranche" in text
    page = audit_html(activity_audit, images={})
    assert "<h2>Activité de recouvrement</h2>" in page
    assert page.index("Activité de recouvrement") < page.index("<h2>Balance âgée par client")
    assert translate("activity.reminder_success_rate.help") in html.unescape(page)  # escaped as Jinja2 does


def test_no_activity_log_means_no_activity_section(tmp_path):
    audit = _activity_audit(tmp_path, [ACTIVITY / "factures.csv", ACTIVITY / "reglements.csv"])
    assert not audit.has_activity and audit.bucket_rates is None
    book = openpyxl.load_workbook(io.BytesIO(audit_xlsx(audit)), data_only=True)
    assert "Recouvrement" not in book.sheetnames
    assert "Activité de recouvrement" not in audit_html(audit, images={})
    assert "Activité de recouvrement" not in _pdf_text(audit_pdf(audit, images={}))
    assert "cost_above_collected" not in {f.key for f in audit.findings}


def test_a_partial_set_of_logs_says_which_are_missing_never_zero(tmp_path):
    audit = _activity_audit(
        tmp_path, [ACTIVITY / "factures.csv", ACTIVITY / "reglements.csv", ACTIVITY / "relances.csv"]
    )
    kpis, _ = _activity_sheet(audit)
    assert kpis["Taux de succès des relances"][1] == pytest.approx(40.0)
    for label, log in (
        ("Taux de litiges", "litiges"),
        ("Respect des échéanciers", "échéancier"),
        ("Coût par euro recouvré", "frais de recouvrement"),
    ):
        assert kpis[label][1] is None, label  # a blank cell, not 0
        assert kpis[label][4].startswith("—, aucun") and log in kpis[label][4], label
    page = audit_html(audit, images={})
    assert "—, aucun journal de litiges importé" in page
    # the KPI whose log was imported shows its value, not a missing-log note
    assert "40,0\u00a0%" in page and "collections.absent" not in page
    pdf = re.sub(r"\s+", " ", _pdf_text(audit_pdf(audit, images={})))  # a table cell wraps its text
    assert "—, aucun journal de frais de recouvrement importé" in pdf


def test_costs_above_the_cash_are_a_finding(tmp_path, activity_audit):
    # No costs log, 5 000 a month in Settings: 5 000 / collected 4 700 = 1,06 > 1.
    audit = _activity_audit(
        tmp_path, [ACTIVITY / "factures.csv", ACTIVITY / "reglements.csv"], {"monthly_collection_cost": "5000.00"}
    )
    assert audit.has_activity
    finding = next(f for f in audit.findings if f.key == "cost_above_collected")
    assert finding.severity == "alert"
    assert _plain(finding.text) == (
        "Le recouvrement coûte plus qu'il ne rapporte : 1,06 € dépensé par euro encaissé"
        " (5 000,00 € de frais pour 4 700,00 € encaissés)."
    )
    kpis, _ = _activity_sheet(audit)
    assert kpis["Coût par euro recouvré"][1] == pytest.approx(5000 / 4700)
    assert kpis["Taux de litiges"][1] is None
    book = openpyxl.load_workbook(io.BytesIO(audit_xlsx(audit)), data_only=True)
    assert any("Le recouvrement coûte plus" in str(row[1]) for row in _rows(book["Constats"]))
    assert "cost_above_collected" not in {f.key for f in activity_audit.findings}  # 0,5 with the imported log
