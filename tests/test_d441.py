"""kpi/metrics/d441.py, `python -m kpi d441` and kpi/exports/d441.py: the D441-6 table, worked out by hand.

The worked example (tests/data/worked), closing date D = 31/03/2026, fiscal year from S = 01/04/2025.
Each invoice issued ≤ D, its outstanding at D (amount − settlements dated ≤ D) and its days past due
(D − due date; February 2026 has 28 days):

  F-000 C3   400 due 31/10/25  written off 400 on 31/03 (P-08)        → 0, settled
  F-001 C1 1 200 due 09/01     paid 1 200 on 20/01                     → 0, settled
  F-002 C1   800 due 14/02     paid 500 on 10/03                       →   300, 14 + 31 = 45 days → 31–60
  F-003 C2 2 500 due 19/02     paid 2 500 on 03/03                     → 0, settled
  F-004 C2 1 500 due 12/03     paid 1 000 on 25/03                     →   500, 19 days → 1–30
  F-005 C3   600 due 27/03     paid 600 on 26/03                       → 0, settled
  F-006 C1 3 000 due 01/04     paid on 05/04, after D                  → 3 000, −1 day → not due
  F-007 C2   900 due 20/03     paid 600 on 28/03                       →   300, 11 days → 1–30
  F-008 C3 1 800 due 14/04                                             → 1 800, −14 days → not due
  F-009 C3   700 due 30/04     issued on D itself                      →   700, −30 days → not due
  F-011 C4   450 due 04/02     nothing paid                            →   450, 24 + 31 = 55 days → 31–60
  F-010 is issued on 02/04, after D: it does not exist yet at D.
  A-001 (credit note −300) and P-07 (cash 250 matched to nothing) are no invoices: not counted.

  not due: F-006 + F-008 + F-009 = 3 000 + 1 800 + 700 = 5 500 (3 invoices)
  1–30:    F-004 + F-007 = 500 + 300 = 800 (2)     31–60: F-002 + F-011 = 300 + 450 = 750 (2)
  61–90 and 91+: nothing.  Total (1 day and more) = 800 + 750 = 1 550 (4 invoices)

Turnover TTC of the fiscal year = every document issued from 01/04/2025 to 31/03/2026 (the ledger's
first, F-000, is of 01/10/2025), credit notes deducted:
  1 200 + 800 + 2 500 + 1 500 + 600 + 3 000 + 900 + 1 800 + 700 + 400 + 450 = 13 850 invoiced, − 300 (A-001)
  = 13 550.
Shares: 800 / 13 550 = 5.904…% → 5.90; 750 / 13 550 = 5.535…% → 5.54; 1 550 / 13 550 = 11.439…% → 11.44;
not due (indicative) 5 500 / 13 550 = 40.590…% → 40.59.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pypdf
import pytest
from sample_files import MATCHING, MATCHING_FILES, WORKED, WORKED_FILES

from kpi.cli.main import main
from kpi.importers import read_files
from kpi.metrics.aging import aged_balance_records
from kpi.metrics.d441 import COLUMNS as D441_COLUMNS
from kpi.metrics.d441 import d441_table, default_fiscal_start
from kpi.metrics.report import period_report
from kpi.model.filters import MATCHING_SETTING, Filters
from kpi.model.periods import Period
from kpi.store.ledger import Ledger
from kpi.store.workspace import Workspace
from kpi.text.errors import InvalidValue

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"
CLOSING = date(2026, 3, 31)
FISCAL_START = date(2025, 4, 1)
DATES = ["--closing", "2026-03-31", "--fiscal-start", "2025-04-01"]

# The disputes log of the test on exclusions (tests/data/activity/litiges.csv's layout), day first:
#   F-011 opened 15/03, never resolved, on 100 of its 450 → disputed at D: the whole invoice leaves (A)
#   F-008 opened 20/03, never resolved (not due yet)      → disputed at D, not-due column included
#   F-004 opened 13/03, resolved 20/03                    → settled before D: stays in (A)
#   F-002 opened 16/03, resolved 31/03, on D itself       → resolved by the end of D: stays in (A)
#   F-007 opened 02/04, after D                           → not disputed at D: stays in (A)
#   F-003 opened 25/02, never resolved, but paid 03/03    → not unpaid at D: in neither (A) nor (B)
DISPUTES = (
    "N° facture;Date ouverture;Date résolution;Montant en litige;Motif\n"
    "F-011;15/03/2026;;100,00;Prix\n"
    "F-008;20/03/2026;;;Livraison\n"
    "F-004;13/03/2026;20/03/2026;;Quantité\n"
    "F-002;16/03/2026;31/03/2026;;Qualité\n"
    "F-007;02/04/2026;;;Prix\n"
    "F-003;25/02/2026;;;Prix\n"
)


def cells(table, key):
    return table.issued.columns[key].count, table.issued.columns[key].amount


def run(*argv: str) -> str:
    out = io.StringIO()
    assert main(list(argv), out) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def disputes_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("d441") / "litiges.csv"
    path.write_text(DISPUTES, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def disputed_ledger(disputes_file) -> Ledger:
    return Ledger.in_memory(read_files([*WORKED_FILES, disputes_file]).ledger)


def test_the_worked_example_at_the_closing_date(worked_ledger):
    table = d441_table(worked_ledger, CLOSING, FISCAL_START)
    assert cells(table, "not_due") == (3, Decimal("5500.00"))  # F-006 + F-008 + F-009
    assert cells(table, "1_30") == (2, Decimal("800.00"))  # F-004 500 + F-007 300
    assert cells(table, "31_60") == (2, Decimal("750.00"))  # F-002 300 + F-011 450
    assert cells(table, "61_90") == (0, Decimal("0"))
    assert cells(table, "91_plus") == (0, Decimal("0"))
    assert cells(table, "total_overdue") == (4, Decimal("1550.00"))  # 800 + 750
    assert table.issued.sales == Decimal("13550.00")  # 13 850 invoiced − 300 credit note
    assert table.issued.share("1_30") == Decimal("5.90")  # 800 / 13 550 = 5.904…%
    assert table.issued.share("31_60") == Decimal("5.54")  # 750 / 13 550 = 5.535…%
    assert table.issued.share("61_90") == Decimal("0.00")
    assert table.issued.share("total_overdue") == Decimal("11.44")  # 1 550 / 13 550 = 11.439…%
    assert table.issued.share("not_due") == Decimal("40.59")  # 5 500 / 13 550 = 40.590…%
    assert (table.issued.excluded.count, table.issued.excluded.amount) == (0, Decimal("0"))  # no disputes log
    assert table.issued.reference_terms == "contractual"
    assert table.matching == "matched" and table.received is None


def test_the_columns_are_the_aged_balance_buckets_of_the_expected_report():
    # expected-2026-03.json (matched mode, at 31/03/2026) ages the same open items: its buckets hold the
    # positive outstanding of invoices only, so they are the table's columns with no difference at all.
    # What the aged balance has beside them, unapplied_credits = −550 (A-001's −300 not applied and P-07's
    # 250 of cash matched to nothing), is no invoice and stays out of the table:
    # closing AR 6 500 = 5 500 + 1 550 − 550.
    expected = json.loads((WORKED / "expected-2026-03.json").read_text(encoding="utf-8"))
    table = d441_table(Ledger.in_memory(read_files(WORKED_FILES).ledger), CLOSING, FISCAL_START)
    aging = {key: Decimal(str(value)) for key, value in expected["aging"].items()}
    assert cells(table, "not_due")[1] == aging["not_due"] == Decimal("5500")
    assert cells(table, "1_30")[1] == aging["1_30"] == Decimal("800")
    assert cells(table, "31_60")[1] == aging["31_60"] == Decimal("750")
    assert cells(table, "61_90")[1] == aging["61_90"]
    assert cells(table, "91_plus")[1] == aging["91_120"] + aging["over_120"]  # the decree stops at 91 and more
    assert cells(table, "total_overdue")[1] == Decimal(str(expected["closing_overdue_ar"]))
    assert Decimal(str(expected["closing_ar"])) == Decimal("5500") + Decimal("1550") + Decimal("-550")
    assert Decimal(str(expected["unapplied_credits"])) == Decimal("-550")


def test_oldest_mode_nets_each_customers_credits_against_its_oldest_invoices():
    # tests/data/matching at 31/03/2026, credits applied to the oldest invoices (KPI-SPEC §2):
    #   M1: F-101 settled (credit 400 + cash 600); F-102 600 due 07/03 (24 days); F-103 900 due 09/04 (not due);
    #       P-102, 300 of cash matched to nothing, nets F-102 first (oldest due) → F-102 300, F-103 900.
    #   M2: F-201 1 500 − 1 000 = 500 due 14/01 (17 + 28 + 31 = 76 days); F-202 700 due 19/04 (not due);
    #       credits A-201 200 + P-202 100 + W-201 50 = 350 net F-201 → F-201 150, F-202 700.
    #   M3: F-301 800 − credit 300 − cash 200 = 300 due 19/02 (9 + 31 = 40 days); no credits left.
    # not due: F-103 900 + F-202 700 = 1 600 (2); 1–30: F-102 300 (1); 31–60: F-301 300 (1);
    # 61–90: F-201 150 (1); total 300 + 300 + 150 = 750 (3 invoices).
    # Turnover: 1 000 + 600 + 900 + 1 500 + 700 + 800 = 5 500 invoiced − (400 + 200 + 300) = 4 600.
    # Shares: 300 / 4 600 = 6.521…% → 6.52 (twice); 150 / 4 600 = 3.260…% → 3.26; 750 / 4 600 = 16.304…% → 16.30.
    ledger = Ledger.in_memory(read_files(MATCHING_FILES).ledger)
    table = d441_table(ledger, CLOSING, FISCAL_START, Filters(matching="oldest"))
    assert cells(table, "not_due") == (2, Decimal("1600.00"))
    assert cells(table, "1_30") == (1, Decimal("300.00"))
    assert cells(table, "31_60") == (1, Decimal("300.00"))
    assert cells(table, "61_90") == (1, Decimal("150.00"))
    assert cells(table, "91_plus") == (0, Decimal("0"))
    assert cells(table, "total_overdue") == (3, Decimal("750.00"))
    assert table.issued.sales == Decimal("4600.00")
    assert [table.issued.share(key) for key in ("1_30", "31_60", "61_90", "91_plus", "total_overdue")] == [
        Decimal("6.52"),
        Decimal("6.52"),
        Decimal("3.26"),
        Decimal("0.00"),
        Decimal("16.30"),
    ]
    # The oldest-mode buckets of expected-2026-03-oldest.json are these columns.
    expected = json.loads((MATCHING / "expected-2026-03-oldest.json").read_text(encoding="utf-8"))["aging"]
    assert (expected["not_due"], expected["1_30"], expected["31_60"], expected["61_90"]) == (1600, 300, 300, 150)
    # As matched, the credits tied to nothing leave F-102 its 600 and F-201 its 500: same invoices, larger amounts.
    matched = d441_table(ledger, CLOSING, FISCAL_START, Filters(matching="matched"))
    assert cells(matched, "1_30") == (1, Decimal("600.00"))
    assert cells(matched, "61_90") == (1, Decimal("500.00"))
    assert cells(matched, "total_overdue") == (3, Decimal("1400.00"))  # 600 + 300 + 500


def test_an_invoice_disputed_at_the_closing_date_is_excluded_into_b(disputed_ledger):
    table = d441_table(disputed_ledger, CLOSING, FISCAL_START)
    # (B): F-011's whole outstanding (450, though only 100 of it is disputed) and F-008's 1 800 (not due yet).
    assert (table.issued.excluded.count, table.issued.excluded.amount) == (2, Decimal("2250.00"))
    assert cells(table, "not_due") == (2, Decimal("3700.00"))  # F-006 3 000 + F-009 700
    assert cells(table, "1_30") == (2, Decimal("800.00"))  # F-004 (resolved 20/03) + F-007 (opened after D)
    assert cells(table, "31_60") == (1, Decimal("300.00"))  # F-002 (resolved on D); F-011 left
    assert cells(table, "total_overdue") == (3, Decimal("1100.00"))  # 800 + 300
    assert table.issued.sales == Decimal("13550.00")  # disputes change no turnover
    assert table.issued.share("31_60") == Decimal("2.21")  # 300 / 13 550 = 2.214…%
    assert table.issued.share("total_overdue") == Decimal("8.12")  # 1 100 / 13 550 = 8.118…%


def test_no_turnover_gives_no_share(worked_ledger):
    # Nothing is issued on 29 or 30 March 2026 (F-008 15/03, A-001 18/03, F-009 31/03): no base for a share.
    table = d441_table(worked_ledger, date(2026, 3, 30), date(2026, 3, 29))
    assert table.issued.sales == Decimal("0")
    assert table.to_json()["issued"]["share_of_sales"]["total_overdue"] is None


def side_json(counts: tuple, amounts: tuple, shares: tuple) -> dict:
    """One side of the D441 JSON with nothing excluded, on contractual terms: the count and amount of each column
    (not due, 1–30, 31–60, 61–90, 91+, total overdue) and the share of sales of each column but « not due »."""
    columns = ("not_due", "1_30", "31_60", "61_90", "91_plus", "total_overdue")
    return {
        **{
            key: {"count": count, "amount": amount} for key, count, amount in zip(columns, counts, amounts, strict=True)
        },
        "share_of_sales": dict(zip(columns[1:], shares, strict=True)),
        "excluded": {"count": 0, "amount": 0.0},
        "reference_terms": "contractual",
    }


def test_the_cli_json():
    result = json.loads(run("d441", *map(str, WORKED_FILES), *DATES, "--format", "json"))
    assert result == {
        "issued": side_json(
            counts=(3, 2, 2, 0, 0, 4),
            amounts=(5500.0, 800.0, 750.0, 0.0, 0.0, 1550.0),
            shares=(5.9, 5.54, 0.0, 0.0, 11.44),
        ),
        "received": None,
    }


def test_the_cli_json_in_oldest_mode_with_legal_terms_and_a_disputes_log(disputes_file):
    files = [*map(str, WORKED_FILES), str(disputes_file)]
    options = ["--format", "json", "--terms-reference", "legal"]
    issued = json.loads(run("d441", *files, *DATES, *options, "--apply-credits", "oldest"))["issued"]
    # Oldest mode: C2's credit note A-001 (300) nets F-004 (due 12/03, before F-007's 20/03): F-004 keeps 200;
    # C3's 250 of unapplied cash nets its oldest invoice open at D, F-008 (F-009 is due later), which is
    # disputed: (B) holds F-011 450 + F-008 1 550 = 2 000.
    assert issued["1_30"] == {"count": 2, "amount": 500.0}  # F-004 200 + F-007 300
    assert issued["31_60"] == {"count": 1, "amount": 300.0}  # F-002
    assert issued["total_overdue"] == {"count": 3, "amount": 800.0}
    assert issued["excluded"] == {"count": 2, "amount": 2000.0}
    assert issued["reference_terms"] == "legal"


def table_row(text: str, label: str) -> list[str]:
    """The cells of the line that starts with `label`, split where two spaces or more part them."""
    line = next(line for line in text.splitlines() if line.startswith(label))
    return re.split(r"\s{2,}", line[len(label) :].strip())


def french(*figures: str) -> list[str]:
    """Figures as French text prints them, written here with plain spaces: a narrow no-break space between
    thousands (5 500,00), a no-break space before the unit (€, %)."""
    return [re.sub(r" (?=[€%])", "\xa0", figure).replace(" ", "\u202f") for figure in figures]


def test_the_cli_table_in_french():
    text = run("d441", *map(str, WORKED_FILES), *DATES, "--lang", "fr")
    lines = text.splitlines()
    assert lines[0].startswith("Article D. 441-6 du code de commerce : factures émises non réglées")
    assert "Chiffre d'affaires de l'exercice (TTC, avoirs déduits) : 13\u202f550,00\xa0€" in lines
    # Line 4 is blank, line 5 the side's title « Article D. 441 I. 2° : Factures émises… », then the columns.
    assert lines[5].startswith("Article D. 441 I. 2° : Factures émises non réglées")
    assert lines[6].split()[:3] == ["0", "jour", "(indicatif)"] and lines[6].endswith("Total (1 jour et plus)")
    # The number of invoices in the not-due and total columns only, as the model table gives it.
    assert table_row(text, "Nombre de factures concernées") == ["3", "4"]
    assert table_row(text, "Montant total des factures concernées (TTC)") == french(
        "5 500,00 €", "800,00 €", "750,00 €", "0,00 €", "0,00 €", "1 550,00 €"
    )
    assert table_row(text, "Pourcentage du chiffre d'affaires de l'exercice (TTC)") == french(
        "40,59 %", "5,90 %", "5,54 %", "0,00 %", "0,00 %", "11,44 %"
    )
    assert table_row(text, "Nombre des factures exclues") == ["0"]
    assert "Délais de paiement utilisés pour le calcul des retards de paiement : ☒ Délais contractuels" in text
    assert "☐ Délais légaux" in text


def test_the_cli_table_in_english(disputes_file):
    text = run("d441", *map(str, WORKED_FILES), str(disputes_file), *DATES, "--lang", "en")
    header = text.splitlines()[6].split("  ")
    assert [cell.strip() for cell in header if cell.strip()] == [
        "0 days (indicative)",
        "1 to 30 days",
        "31 to 60 days",
        "61 to 90 days",
        "91 days and more",
        "Total (1 day and more)",
    ]
    assert table_row(text, "Number of invoices concerned") == ["2", "3"]
    assert table_row(text, "Total amount of the invoices concerned (incl. VAT)") == [
        "€3,700.00",
        "€800.00",
        "€300.00",
        "€0.00",
        "€0.00",
        "€1,100.00",
    ]
    assert table_row(text, "Percentage of the financial year's turnover (incl. VAT)")[-1] == "8.12%"
    assert table_row(text, "Number of invoices excluded") == ["2"]
    assert table_row(text, "Total amount of the invoices excluded (incl. VAT)") == ["€2,250.00"]
    assert "Payment terms used to compute the payment delays: ☒ Contractual terms   ☐ Statutory terms" in text


@pytest.mark.parametrize(
    ("lang", "titles"),
    [
        (
            "fr",
            ("0 jour (indicatif)", "Total (1 jour et plus)", "Nombre de factures concernées", "Délais contractuels"),
        ),
        ("en", ("0 days (indicative)", "Total (1 day and more)", "Number of invoices concerned", "Contractual terms")),
    ],
)
def test_the_xlsx_has_the_official_layout(tmp_path, disputes_file, lang, titles):
    not_due, total, count_label, contractual = titles
    path = tmp_path / "d441.xlsx"
    assert run("d441", *map(str, WORKED_FILES), str(disputes_file), *DATES, "--lang", lang, "-o", str(path)) == ""
    sheet = openpyxl.load_workbook(path).active
    assert sheet["B2"].value.date() == CLOSING and sheet["B3"].value.date() == FISCAL_START
    assert sheet["B5"].value == 13550  # the turnover the shares are of
    assert sheet["B7"].value in (
        "aucun (tous les clients, toutes les activités)",
        "none (all customers, all activities)",
    )
    # Row 10, the side's title over its six columns (the issued side alone: no supplier lines); row 11 the columns.
    assert sheet["B10"].value.startswith("Article D. 441 I. 2°") and "B10:G10" in {
        str(m) for m in sheet.merged_cells.ranges
    }
    assert (sheet["B11"].value, sheet["G11"].value) == (not_due, total)
    assert sheet["A12"].value.startswith("(A)")
    # Row 13, the number of invoices: not due (F-006, F-009) and total (F-004, F-007, F-002) only.
    assert sheet["A13"].value == count_label
    assert [sheet.cell(13, column).value for column in range(2, 8)] == [2, None, None, None, None, 3]
    assert [sheet.cell(14, column).value for column in range(2, 8)] == [3700, 800, 300, 0, 0, 1100]
    # Shares as fractions shown as %: 3 700 / 13 550 = 27.31 %, 800 → 5.90 %, 300 → 2.21 %, 1 100 → 8.12 %.
    shares = [sheet.cell(15, column).value for column in range(2, 8)]
    assert shares == pytest.approx([0.2731, 0.059, 0.0221, 0, 0, 0.0812], abs=1e-12)
    assert sheet["A16"].value.startswith("(B)")
    assert (sheet["B17"].value, sheet["B18"].value) == (2, 2250)  # F-011 450 + F-008 1 800
    assert {"B17:G17", "B18:G18", "B20:G20"} <= {str(merged) for merged in sheet.merged_cells.ranges}
    assert sheet["A19"].value.startswith("(C)")
    assert sheet["B20"].value.startswith(f"☒ {contractual}")


def test_the_cli_refuses_a_fiscal_year_that_starts_after_its_closing(capsys):
    assert main(["d441", *map(str, WORKED_FILES), "--closing", "2026-03-31", "--fiscal-start", "2026-04-01"]) == 2
    assert "--fiscal-start 2026-04-01" in capsys.readouterr().err


def test_the_cli_writes_only_xlsx_or_pdf_with_o(tmp_path, capsys):
    assert main(["d441", *map(str, WORKED_FILES), *DATES, "-o", str(tmp_path / "table.csv"), "--lang", "en"]) == 2
    assert ".xlsx" in (said := capsys.readouterr().err) and ".pdf" in said
    assert not (tmp_path / "table.csv").exists()


def test_a_workspace_gives_its_disputes_and_its_matching_mode(tmp_path, disputes_file):
    # The same files stored in a workspace whose Paramètres say `oldest`: without --apply-credits the command
    # reads them in that mode, as test_the_cli_json_in_oldest_mode_with_legal_terms_and_a_disputes_log does.
    workspace = Workspace(tmp_path / "client")
    workspace.import_files([*WORKED_FILES, disputes_file])
    workspace.save_settings({MATCHING_SETTING: "oldest"})
    issued = json.loads(run("d441", str(workspace.path), *DATES, "--format", "json"))["issued"]
    assert issued["1_30"] == {"count": 2, "amount": 500.0}  # F-004 200 + F-007 300
    assert issued["excluded"] == {"count": 2, "amount": 2000.0}  # F-011 450 + F-008 1 550


@pytest.fixture(scope="module")
def demo_ledger() -> Ledger:
    return Ledger.in_memory(read_files(sorted(DEMO.glob("*.csv"))).ledger)


@pytest.mark.parametrize("closing", [date(2024, 12, 31), date(2025, 6, 30), date(2025, 12, 31)])
@pytest.mark.parametrize("matching", ["matched", "oldest"])
def test_the_table_adds_up_to_the_aged_balance_and_the_report_on_the_demo(demo_ledger, closing, matching):
    # The demo ledger (≈ 5 000 invoices, 140 disputes), read by two other paths of the engine: every open
    # invoice at D is in exactly one column or in (B), so not due + total (1 day and more) + excluded = the
    # aged balance's gross AR (Σ of its buckets) and the number of its invoice rows; the turnover is the
    # period report's sales over [S, D].
    filters = Filters(matching=matching)
    fiscal_start = date(closing.year, 1, 1)
    issued = d441_table(demo_ledger, closing, fiscal_start, filters).issued
    columns = issued.columns
    assert issued.excluded.count > 0  # the disputes log is at work at each of these dates
    for part in ("count", "amount"):
        brackets = sum(getattr(columns[key], part) for key in ("1_30", "31_60", "61_90", "91_plus"))
        assert getattr(columns["total_overdue"], part) == brackets
    balance = aged_balance_records(demo_ledger, closing, by="document", filters=filters)
    invoices = [row for row in balance.rows.records if row["item_kind"] == "invoice" and row["total"] > 0]
    assert columns["not_due"].amount + columns["total_overdue"].amount + issued.excluded.amount == balance.gross
    assert columns["not_due"].count + columns["total_overdue"].count + issued.excluded.count == len(invoices)
    assert issued.sales == period_report(demo_ledger, Period(fiscal_start, closing), filters).sales


def test_a_table_of_one_customer_says_so(tmp_path):
    # Garage Dupont (C2) alone: F-004 500 (19 days) + F-007 300 (11 days) = 800 in 1–30; its turnover
    # F-003 2 500 + F-004 1 500 + F-007 900 − A-001 300 = 4 600; 800 / 4 600 = 17.391…% → 17.39.
    argv = ["d441", *map(str, WORKED_FILES), *DATES, "--customer", "C2", "--lang", "en"]
    issued = json.loads(run(*argv, "--format", "json"))["issued"]
    assert issued["total_overdue"] == {"count": 2, "amount": 800.0}
    assert issued["share_of_sales"]["total_overdue"] == 17.39
    text = run(*argv)
    assert "Turnover of the financial year (incl. VAT, net of credit notes): €4,600.00" in text
    assert "Customers: C2" in text.splitlines()
    run(*argv, "-o", str(tmp_path / "c2.xlsx"))
    assert openpyxl.load_workbook(tmp_path / "c2.xlsx").active["B7"].value == "Customers: C2"


@pytest.mark.parametrize(
    ("closing", "start"),
    [
        (date(2026, 3, 31), date(2025, 4, 1)),
        (date(2026, 12, 31), date(2026, 1, 1)),
        (date(2028, 2, 29), date(2027, 3, 1)),  # the day after 28/02/2027: the year before has no 29 February
        (date(2029, 2, 28), date(2028, 2, 29)),
    ],
)
def test_a_fiscal_year_is_twelve_months_by_default(closing, start):
    assert default_fiscal_start(closing) == start


# -- The received side: « Factures reçues », read from a FEC's supplier accounts 401 ------------------------
#
# tests/data/d441/123456789FEC20251231.txt, built by hand: purchases booked HA (401 credit, 607 and 44566
# debits), a bank payment BQ, one customer invoice and its part payment. Suppliers on 4010000 + CompAuxNum
# (FALPHA, FBETA, FGAMMA) and on an auxiliary account of their own (401DELTA). The FEC has no due date: the
# default terms, 30 days from the piece date. Closing D = 31/12/2025, fiscal year from S = 01/01/2025.
#
#   C2   FGAMMA 1 500 of 10/03, due 09/04  paid 20/04 by BQ, lettered AA          → 0, settled
#   C1   FGAMMA   900 of 02/06, due 02/07  nothing paid                           →   900, 29+31+31+30+31+30+31 − 1
#                                                                                        = 182 days → 91+
#   D1 401DELTA   300 of 20/08, due 19/09  nothing paid                           →   300, 11+31+30+31 = 103 → 91+
#   B1   FBETA  2 400 of 01/10, due 31/10  nothing paid                           → 2 400, 30+31 = 61 → 61–90
#   B2   FBETA    360 of 15/10, due 14/11  credit note AV-B 120 of 20/10, lettered AB with B2
#                                                                                 →   240, 16+31 = 47 → 31–60
#   A2   FALPHA   600 of 10/11, due 10/12  nothing paid                           →   600, 21 days → 1–30
#   A1   FALPHA 1 200 of 15/12, due 14/01/2026                                    → 1 200, −14 days → not due
#
#   not due 1 200 (1); 1–30 600 (1); 31–60 240 (1); 61–90 2 400 (1); 91+ 900 + 300 = 1 200 (2);
#   total (1 day and more) 600 + 240 + 2 400 + 1 200 = 4 440 (5 invoices).
# Purchases of the fiscal year: 1 500 + 900 + 300 + 2 400 + 360 + 600 + 1 200 = 7 260 received, − 120 (AV-B)
# = 7 140. Shares: 600 / 7 140 = 8.403…% → 8.40; 240 / 7 140 = 3.361…% → 3.36; 2 400 / 7 140 = 33.613…%
# → 33.61; 1 200 / 7 140 = 16.806…% → 16.81 (91+, and the not-due column); 4 440 / 7 140 = 62.184…% → 62.18.
# (B) is empty: the disputes log names customer invoices only.
# The 401 balance in the file, Σ credit − Σ debit = 7 260 − 120 − 1 500 = 5 640 = what stays open,
# 1 200 + 600 + 240 + 2 400 + 900 + 300.
SUPPLIER_FEC = Path(__file__).parent / "data" / "d441" / "123456789FEC20251231.txt"
FEC_DATES = ["--closing", "2025-12-31", "--fiscal-start", "2025-01-01"]
RECEIVED = side_json(
    counts=(1, 1, 1, 1, 2, 5),
    amounts=(1200.0, 600.0, 240.0, 2400.0, 1200.0, 4440.0),
    shares=(8.4, 3.36, 33.61, 16.81, 62.18),
)


@pytest.fixture(scope="module")
def supplier_ledger() -> Ledger:
    return Ledger.in_memory(read_files([SUPPLIER_FEC]).ledger)


@pytest.mark.parametrize("matching", ["matched", "oldest"])
def test_the_received_side_of_a_fec_with_supplier_lines(supplier_ledger, matching):
    # No supplier credit is left unapplied (AV-B is lettered with B2), so both modes give the same table.
    table = d441_table(supplier_ledger, date(2025, 12, 31), date(2025, 1, 1), Filters(matching=matching))
    received = table.received
    assert received is not None
    assert received.sales == Decimal("7140.00")  # 7 260 received − 120 credit note
    assert [(received.columns[key].count, received.columns[key].amount) for key in D441_COLUMNS] == [
        (1, Decimal("1200.00")),  # A1
        (1, Decimal("600.00")),  # A2
        (1, Decimal("240.00")),  # B2 360 − AV-B 120
        (1, Decimal("2400.00")),  # B1
        (2, Decimal("1200.00")),  # C1 900 + D1 300
        (5, Decimal("4440.00")),
    ]
    assert [received.share(key) for key in D441_COLUMNS] == [
        Decimal(share) for share in ("16.81", "8.40", "3.36", "33.61", "16.81", "62.18")
    ]
    assert (received.excluded.count, received.excluded.amount) == (0, Decimal("0"))
    # The customer side is the FEC's 411 lines alone: F-100 1 800 of 05/12 (due 04/01/2026), paid 800 on 10/12
    # unlettered: matched keeps F-100 whole and the 800 apart; oldest nets them, 1 000 left.
    assert table.issued.columns["not_due"].amount == (Decimal("1800.00") if matching == "matched" else Decimal("1000"))
    assert table.issued.sales == Decimal("1800.00")


def test_the_cli_json_gives_the_received_side_in_the_shape_of_the_issued_one():
    result = json.loads(run("d441", str(SUPPLIER_FEC), *FEC_DATES, "--format", "json"))
    assert result["received"] == RECEIVED
    assert result["received"].keys() == result["issued"].keys()


def test_the_supplier_balance_of_the_import_is_the_401_balance_of_the_file(supplier_ledger):
    report = read_files([SUPPLIER_FEC]).report
    suppliers = report.files[0].details["suppliers"]
    assert suppliers["balance_401"] == suppliers["imported_ar"] == Decimal("5640.00")  # 7 260 − 120 − 1 500
    # Apart from the customers': their 411 balance is F-100 1 800 − 800 = 1 000, and the file's reconciliation
    # (amount in file / imported) is theirs alone.
    assert (report.files[0].amount_in_file, report.files[0].amount_imported) == (Decimal("1000.00"),) * 2
    text = report.to_text("en")
    assert "suppliers: balance of 401 accounts in the file at 15/12/2025 (Σ credit − Σ debit): 5,640.00" in text
    assert "imported supplier payables (Σ invoices − Σ settlements), apart from the customers' AR: 5,640.00 ✓" in text
    assert "401 lines classified: invoices 7 (Σ 7,260.00); credit notes 1 (Σ 120.00); payments 1 (Σ 1,500.00)" in text
    assert "fournisseurs : solde des comptes 401 du fichier au 15/12/2025" in report.to_text("fr")


def test_the_supplier_lines_change_nothing_on_the_customer_side(tmp_path, supplier_ledger):
    # The same FEC without its supplier entries (every entry holding a 401 line): the customers' KPIs are the same.
    lines = SUPPLIER_FEC.read_text(encoding="utf-8").splitlines()
    cells = [line.split("\t") for line in lines[1:]]
    supplier_entries = {(c[0], c[2]) for c in cells if c[4].startswith("401")}
    customers_only = tmp_path / "123456789FEC20251231.txt"
    customers_only.write_text(
        "\n".join([lines[0], *("\t".join(c) for c in cells if (c[0], c[2]) not in supplier_entries)]) + "\n",
        encoding="utf-8",
    )
    without = Ledger.in_memory(read_files([customers_only]).ledger)
    period = Period(date(2025, 12, 1), date(2025, 12, 31))
    for matching in ("matched", "oldest"):
        filters = Filters(matching=matching)
        assert period_report(supplier_ledger, period, filters) == period_report(without, period, filters)
        closing, start = date(2025, 12, 31), date(2025, 1, 1)
        assert (
            d441_table(supplier_ledger, closing, start, filters).issued
            == d441_table(without, closing, start, filters).issued
        )
    assert d441_table(without, date(2025, 12, 31), date(2025, 1, 1)).received is None


def test_the_xlsx_puts_the_received_side_beside_the_issued_one(tmp_path):
    path = tmp_path / "d441.xlsx"
    assert run("d441", str(SUPPLIER_FEC), *FEC_DATES, "-o", str(path)) == ""
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A1"].value.startswith("Article D. 441-6 du code de commerce : factures reçues et émises")
    assert (sheet["A5"].value, sheet["B5"].value) == ("Achats de l'exercice (TTC, avoirs fournisseurs déduits)", 7140)
    assert (sheet["A6"].value, sheet["B6"].value) == ("Chiffre d'affaires de l'exercice (TTC, avoirs déduits)", 1800)
    # Row 11: 1° over columns B–G, 2° over H–M, as the model sets them side by side; row 12 the columns.
    merged = {str(m) for m in sheet.merged_cells.ranges}
    assert sheet["B11"].value.startswith("Article D. 441 I. 1° : Factures reçues") and "B11:G11" in merged
    assert sheet["H11"].value.startswith("Article D. 441 I. 2° : Factures émises") and "H11:M11" in merged
    assert (sheet["B12"].value, sheet["H12"].value) == ("0 jour (indicatif)",) * 2
    row = {sheet.cell(r, 1).value: r for r in range(13, 23)}
    count, amount = row["Nombre de factures concernées"], row["Montant total des factures concernées (TTC)"]
    assert [sheet.cell(count, c).value for c in range(2, 14)] == [1, None, None, None, None, 5, 1, *[None] * 4, 0]
    assert [sheet.cell(amount, c).value for c in range(2, 8)] == [1200, 600, 240, 2400, 1200, 4440]
    assert [sheet.cell(amount, c).value for c in range(8, 14)] == [1800, 0, 0, 0, 0, 0]
    # Each share row on its own side, the other side greyed (blank): purchases for 1°, turnover for 2°.
    purchases = row["Pourcentage du montant total des achats de l'exercice (TTC)"]
    turnover = row["Pourcentage du chiffre d'affaires de l'exercice (TTC)"]
    assert [sheet.cell(purchases, c).value for c in range(2, 8)] == pytest.approx(
        [0.1681, 0.084, 0.0336, 0.3361, 0.1681, 0.6218], abs=1e-12
    )
    assert [sheet.cell(purchases, c).value for c in range(8, 14)] == [None] * 6
    assert [sheet.cell(turnover, c).value for c in range(2, 8)] == [None] * 6
    assert [sheet.cell(turnover, c).value for c in range(8, 14)] == pytest.approx([1, 0, 0, 0, 0, 0], abs=1e-12)
    excluded = row["Nombre des factures exclues"]
    assert (sheet.cell(excluded, 2).value, sheet.cell(excluded, 8).value) == (0, 0)
    assert {f"B{excluded}:G{excluded}", f"H{excluded}:M{excluded}"} <= merged
    terms = row["Délais de paiement utilisés pour le calcul des retards de paiement"]
    assert (sheet.cell(terms, 2).value, sheet.cell(terms, 8).value) == ("☒ Délais contractuels   ☐ Délais légaux",) * 2


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "fr",
            (
                "Factures reçues non réglées",
                "Factures émises non réglées",
                "Pourcentage du montant total des achats",
                "4\u202f440,00\xa0€",
                "2\u202f400,00\xa0€",
                "62,18\xa0%",
                "33,61\xa0%",
                "1\u202f800,00\xa0€",
                "100,00\xa0%",
                "7\u202f140,00\xa0€",
                "[X] Délais contractuels [ ] Délais légaux",
            ),
        ),
        (
            "en",
            (
                "invoices received, unpaid",
                "invoices issued, unpaid",
                "Percentage of the financial year's purchases",
                "€4,440.00",
                "€2,400.00",
                "62.18%",
                "33.61%",
                "€1,800.00",
                "100.00%",
                "€7,140.00",
                "[X] Contractual terms [ ] Statutory terms",
            ),
        ),
    ],
)
def test_the_pdf_has_both_sides_and_their_figures(tmp_path, lang, expected):
    path = tmp_path / "d441.pdf"
    assert run("d441", str(SUPPLIER_FEC), *FEC_DATES, "--lang", lang, "-o", str(path)) == ""
    # Words wrap inside the cells and the PDF's text reads its no-break spaces as spaces: compared on spaces.
    text = re.sub(r"[\s\xa0\u202f]+", " ", pdf_text(path))
    for figure in expected:
        assert re.sub(r"[\xa0\u202f]", " ", figure) in text, figure


def test_the_pdf_of_issued_invoices_alone_says_why(tmp_path):
    path = tmp_path / "d441.pdf"
    run("d441", *map(str, WORKED_FILES), *DATES, "--lang", "en", "-o", str(path))
    text = re.sub(r"\s*\n\s*", " ", pdf_text(path))
    assert "€1,550.00" in text and "11.44%" in text and "Article D. 441 I. 1°" not in text
    assert "the data holds no line of a supplier account 401" in text


def test_a_workspace_stores_the_supplier_side_and_removes_it_with_its_import(tmp_path):
    workspace = Workspace(tmp_path / "fec")
    stored = workspace.import_files([SUPPLIER_FEC])
    received = json.loads(run("d441", str(workspace.path), *FEC_DATES, "--format", "json"))["received"]
    assert received == RECEIVED
    workspace.remove_import(stored.import_id)
    with Ledger.attach(workspace.path / "ledger.duckdb") as ledger:
        assert ledger.query(
            "SELECT (SELECT count(*) FROM supplier_documents), (SELECT count(*) FROM supplier_settlements)"
        ).fetchall() == [(0, 0)]


def test_the_import_report_counts_the_supplier_rows_beside_the_customer_ones():
    # 31 rows: F-100 and its payment on 411 (2), the seven invoices, the credit note and the payment on 401 (9), and
    # their counterparts (purchases, VAT, bank, sales).
    report = read_files([SUPPLIER_FEC]).report
    assert "lignes lues : 31 ; importées : 2 clients (411) et 9 fournisseurs (401)" in report.to_text("fr")
    assert "rows read: 31; imported: 2 customer (411) and 9 supplier (401) rows" in report.to_text("en")


def test_the_engine_refuses_a_fiscal_year_that_starts_after_its_closing_in_both_languages(worked_ledger):
    with pytest.raises(InvalidValue) as refused:
        d441_table(worked_ledger, date(2026, 3, 31), date(2026, 4, 1))
    assert refused.value.render("fr").startswith(
        "l'exercice commence le 01/04/2026, après sa date de clôture (31/03/2026)"
    )
    assert refused.value.render("en").startswith("the financial year starts on 01/04/2026, after its closing date")
