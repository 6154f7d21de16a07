"""kpi/metrics/worklist.py, `python -m kpi worklist` and kpi/exports/worklist.py: who to chase, worked out by hand.

The worked example (tests/data/worked) at D = 31/03/2026, in the default matching mode (as matched). The
invoices open at D with their outstanding (amount − settlements dated ≤ D) and days past due (D − due
date; February 2026 has 28 days):

  C1 Boulangerie Martin  F-002   800 − 500 (P-02)   =   300 due 14/02 → 14 + 31 = 45 days (31–60: ×2)
                         F-006 3 000, due 01/04                       → not due: not overdue
  C2 Garage Dupont       F-004 1 500 − 1 000 (P-04) =   500 due 12/03 → 19 days (1–30: ×1)
                         F-007   900 − 600 (P-06)   =   300 due 20/03 → 11 days (1–30: ×1)
  C3 Café "Le Zinc"      F-008 1 800 due 14/04, F-009 700 due 30/04   → not due; F-005 paid, F-000 written
                         off on D: nothing overdue → C3 never appears
  C4 SARL Ébène & Fils   F-011   450, nothing paid  =   450 due 04/02 → 24 + 31 = 55 days (31–60: ×2)

  overdue: C1 300, C2 500 + 300 = 800, C4 450; Σ = 1 550 = the aged balance's 1_30 800 + 31_60 750 of
  expected-2026-03.json (F-004 500 + F-007 300 in 1–30, F-002 300 + F-011 450 in 31–60, as test_d441 lists).

Ratings at D (tests/test_risk.py works them out): C1 B (7 points), C2 C (8), C4 B (4). Priority =
Σ outstanding × age weight × risk factor (A 1, B 1.25, C 1.5, D 2):
  C2 (500 × 1 + 300 × 1) × 1.5 = 800 × 1.5 = 1 200
  C4 450 × 2 × 1.25 = 900 × 1.25 = 1 125
  C1 300 × 2 × 1.25 = 600 × 1.25 = 750
so C2, C4, C1. Next action without a reminders log, by the days past due of the oldest overdue invoice
(R1 8, R2 22, R3 40, formal notice 60, agency 90): C2 19 days → R1; C4 55 → R3; C1 45 → R3.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import hostile_names
import openpyxl
import pytest
from hostile_names import FORMULA_DDE, HOSTILE_NAMES, assert_csv_inert, assert_no_formula_from_data, csv_rows
from sample_files import DATA, WORKED, WORKED_FILES

from kpi.cli.main import main
from kpi.exports.header import FileHeader
from kpi.exports.worklist import worklist_csv, worklist_xlsx
from kpi.importers import read_files
from kpi.metrics.customers import customer_table
from kpi.metrics.report import period_report
from kpi.metrics.settings import STAGES, WorklistSettings
from kpi.metrics.worklist import worklist
from kpi.model.filters import Filters
from kpi.model.periods import Period
from kpi.store.ledger import Ledger
from kpi.store.workspace import Workspace

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"
AS_OF = date(2026, 3, 31)
WORKED_ARGS = [*map(str, WORKED_FILES), "--as-of", "2026-03-31"]


def with_logs(*logs: Path) -> list[str]:
    """The worked example and these logs, at D."""
    return [*map(str, WORKED_FILES), *map(str, logs), "--as-of", "2026-03-31"]


# A reminders log (tests/data/activity/relances.csv's layout), day first:
#   C1 R3 on 15/01 by letter about F-001: before F-002, its oldest overdue invoice, fell due (14/02): it does
#      not keep R3 from being suggested for the 300 overdue now
#   C4 R1 on 10/02 about F-011 (due 04/02), R2 on 01/03 about its balance: R2 sent, R3 due at 55 days
#   C2 R1 on 20/03 about its balance, after F-004 fell due (12/03): R1 sent; R2 falls due at 12/03 + 22 days
#   C3 R1 on 28/03 about F-005 (paid 26/03): C3 has nothing overdue and stays out
#   C4 formal notice on 05/04, after D: not sent yet at D
REMINDERS = (
    "Date relance;Code client;N° facture;Canal;Niveau;Coût\n"
    "15/01/2026;C1;F-001;Courrier;R3;1,20\n"
    "10/02/2026;C4;F-011;E-mail;R1;\n"
    "01/03/2026;C4;;Téléphone;R2;3,50\n"
    "20/03/2026;C2;;E-mail;R1;\n"
    "28/03/2026;C3;F-005;E-mail;R1;\n"
    "05/04/2026;C4;F-011;Lettre de mise en demeure;;7,90\n"
)
# A disputes log (tests/data/activity/litiges.csv's layout):
#   F-011 (C4) opened 15/03, never resolved, on 100 of its 450: the whole invoice leaves the chase
#   F-004 (C2) opened 20/03, never resolved: its 500 leave the chase
#   F-002 (C1) opened 16/03, resolved 20/03: not disputed at D, chased
#   F-007 (C2) opened 02/04, after D: not disputed at D, chased
DISPUTES = (
    "N° facture;Date ouverture;Date résolution;Montant en litige;Motif\n"
    "F-011;15/03/2026;;100,00;Prix\n"
    "F-004;20/03/2026;;;Livraison\n"
    "F-002;16/03/2026;20/03/2026;;Qualité\n"
    "F-007;02/04/2026;;;Prix\n"
)


def run(*argv: str) -> str:
    out = io.StringIO()
    assert main(list(argv), out) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("worklist")
    (folder / "relances.csv").write_text(REMINDERS, encoding="utf-8")
    (folder / "litiges.csv").write_text(DISPUTES, encoding="utf-8")
    return {"reminders": folder / "relances.csv", "disputes": folder / "litiges.csv"}


@pytest.fixture(scope="module")
def reminded_ledger(logs) -> Ledger:
    return Ledger.in_memory(read_files([*WORKED_FILES, logs["reminders"]]).ledger)


def summary(rows) -> list[tuple]:
    return [(row.customer_id, row.overdue, row.rating, row.priority, row.next_action) for row in rows.rows]


def test_the_worked_example_at_31_march(worked_ledger):
    rows = worklist(worked_ledger, AS_OF)
    assert summary(rows) == [
        ("C2", Decimal("800.00"), "C", Decimal("1200.00"), "r1"),  # (500 + 300) × 1 × 1.5
        ("C4", Decimal("450.00"), "B", Decimal("1125.00"), "r3"),  # 450 × 2 × 1.25
        ("C1", Decimal("300.00"), "B", Decimal("750.00"), "r3"),  # 300 × 2 × 1.25
    ]
    by_id = {row.customer_id: row for row in rows.rows}
    assert "C3" not in by_id  # nothing overdue: F-008 and F-009 not due yet
    assert [by_id[c].oldest_days_past_due for c in ("C1", "C2", "C4")] == [45, 19, 55]
    assert by_id["C4"].customer_name == "SARL Ébène & Fils"
    for row in rows.rows:  # no disputes log: nothing disputed; no reminders log: nothing sent
        assert (row.disputed, row.chased) == (Decimal("0"), row.overdue)
        assert (row.last_reminder_date, row.last_reminder_stage, row.next_action_date) == (None, None, None)
    assert rows.matching == "matched" and rows.settings == WorklistSettings()


def test_the_overdue_amounts_are_the_aged_balance_and_the_customer_table(worked_ledger):
    expected = json.loads((WORKED / "expected-2026-03.json").read_text(encoding="utf-8"))
    rows = worklist(worked_ledger, AS_OF).rows
    # Σ overdue = 1–30 + 31–60 of the expected report: 800 + 750 = 1 550; nothing older.
    aging = expected["aging"]
    assert sum(row.overdue for row in rows) == Decimal(str(aging["1_30"] + aging["31_60"])) == Decimal("1550")
    assert aging["61_90"] == aging["91_120"] == aging["over_120"] == 0
    assert sum(row.overdue for row in rows) == Decimal(str(expected["closing_overdue_ar"]))
    # Each customer's overdue is the customer table's overdue AR at the end of March.
    table = customer_table(worked_ledger, Period.month(2026, 3)).set_index("customer_id")
    assert {row.customer_id: row.overdue for row in rows} == {
        customer_id: amount for customer_id, amount in table["overdue_ar"].items() if amount > 0
    }


def test_the_reminders_log_gives_the_next_action_and_the_last_reminder(reminded_ledger):
    rows = {row.customer_id: row for row in worklist(reminded_ledger, AS_OF).rows}
    assert list(rows) == ["C2", "C4", "C1"]  # the log changes no priority
    # C2: R1 sent 20/03, R2 not due before 12/03 + 22 days = 03/04: wait.
    assert (rows["C2"].next_action, rows["C2"].next_action_date) == ("wait", date(2026, 4, 3))
    assert (rows["C2"].last_reminder_date, rows["C2"].last_reminder_stage) == (date(2026, 3, 20), "r1")
    # C4: R1 and R2 sent since 04/02; 55 days call for R3. The formal notice of 05/04 is after D.
    assert (rows["C4"].next_action, rows["C4"].next_action_date) == ("r3", None)
    assert (rows["C4"].last_reminder_date, rows["C4"].last_reminder_stage) == (date(2026, 3, 1), "r2")
    # C1: its R3 of 15/01 was about an earlier invoice, before F-002 fell due on 14/02: R3 again.
    assert rows["C1"].next_action == "r3"
    assert (rows["C1"].last_reminder_date, rows["C1"].last_reminder_stage) == (date(2026, 1, 15), "r3")
    assert "C3" not in rows  # reminded on 28/03, but nothing overdue


@pytest.mark.parametrize(
    ("settings", "action", "waits_until"),
    [
        (WorklistSettings(), "r3", None),  # 40 ≤ 55 < 60
        (WorklistSettings(formal_notice_days=50), "formal_notice", None),  # 50 ≤ 55 < 90
        # 54 ≤ 55 reaches the agency, but no formal notice was sent: the formal notice first.
        (WorklistSettings(formal_notice_days=50, agency_days=54), "formal_notice", None),
        (WorklistSettings(r3_days=56, formal_notice_days=70), "wait", date(2026, 4, 1)),  # R2 sent; R3 at 04/02 + 56
    ],
)
def test_the_schedule_of_the_settings_gives_c4s_next_action(reminded_ledger, settings, action, waits_until):
    # C4: F-011 due 04/02, 55 days past due at D; R1 and R2 sent since.
    c4 = next(row for row in worklist(reminded_ledger, AS_OF, settings=settings).rows if row.customer_id == "C4")
    assert (c4.next_action, c4.next_action_date) == (action, waits_until)


def test_a_stage_once_sent_is_never_suggested_again_and_the_agency_ends_the_schedule(tmp_path):
    log = tmp_path / "relances.csv"
    log.write_text(
        "Date relance;Code client;N° facture;Canal;Niveau;Coût\n"
        "20/02/2026;C4;F-011;Lettre de mise en demeure;;\n"  # formal notice at 16 days: R1 to R3 not due yet
        "25/03/2026;C1;;Agence de recouvrement;;\n",
        encoding="utf-8",
    )
    ledger = Ledger.in_memory(read_files([*WORKED_FILES, log]).ledger)
    rows = {row.customer_id: row for row in worklist(ledger, AS_OF).rows}
    # C4 at 55 days would get R3, below the formal notice already sent: wait for the agency, 04/02 + 90 = 05/05.
    assert (rows["C4"].next_action, rows["C4"].next_action_date) == ("wait", date(2026, 5, 5))
    assert rows["C4"].last_reminder_stage == "formal_notice"
    # With the agency at 50 days, C4's formal notice lets it come: 50 ≤ 55.
    sooner = worklist(ledger, AS_OF, settings=WorklistSettings(agency_days=50)).rows
    assert next(row.next_action for row in sooner if row.customer_id == "C4") == "agency"
    # C1 is with the agency: nothing left to send.
    assert (rows["C1"].next_action, rows["C1"].next_action_date, rows["C1"].last_reminder_stage) == (
        "done",
        None,
        "agency",
    )
    assert rows["C2"].next_action == "r1"  # untouched


def test_disputed_invoices_are_shown_but_not_chased(logs):
    ledger = Ledger.in_memory(read_files([*WORKED_FILES, logs["reminders"], logs["disputes"]]).ledger)
    rows = worklist(ledger, AS_OF)
    # With a disputes log the risk score measures disputes of the last 12 months' invoices (opened ≤ D, resolved
    # or not; > 10 % of what was invoiced: 3 points): C1 F-002 800 / (1 200 + 800 + 3 000) = 16 % → 7 + 3 = 10, C;
    # C2 F-004 1 500 / (2 500 + 1 500 + 900) = 30.6 % → 8 + 3 = 11, C; C4 100 / 450 = 22.2 % → 4 + 3 = 7, B.
    # C1: F-002's dispute was resolved 20/03: 300 × 2 × 1.5 = 900.
    # C2: F-004 (500) disputed at D; F-007 300, 11 days: 300 × 1 × 1.5 = 450.
    # C4: F-011 disputed at D, all its overdue: chased 0, priority 0, last.
    assert [(r.customer_id, r.overdue, r.disputed, r.chased, r.rating, r.priority) for r in rows.rows] == [
        ("C1", Decimal("300.00"), Decimal("0"), Decimal("300.00"), "C", Decimal("900.00")),
        ("C2", Decimal("800.00"), Decimal("500.00"), Decimal("300.00"), "C", Decimal("450.00")),
        ("C4", Decimal("450.00"), Decimal("450.00"), Decimal("0"), "B", Decimal("0.00")),
    ]
    by_id = {row.customer_id: row for row in rows.rows}
    assert (by_id["C4"].next_action, by_id["C4"].chased_days_past_due, by_id["C4"].oldest_days_past_due) == (
        "dispute",
        None,
        55,
    )
    # C2's schedule now counts from F-007, due 20/03: its R1 of 20/03 was sent that very day, not after it
    # fell due, so R1 is suggested (11 days ≥ 8).
    assert (by_id["C2"].chased_days_past_due, by_id["C2"].next_action) == (11, "r1")


def test_oldest_mode_nets_credits_first(worked_ledger):
    # Oldest mode: C2's credit note A-001 (300) nets F-004 (due 12/03, before F-007): F-004 200 + F-007 300 = 500.
    # C2's AR is then 500 of 6 500 gross (C1 3 300, C2 500, C3 1 550 + 700, C4 450): 7.7 %, no concentration
    # point (8 − 1 = 7, B): 500 × 1 × 1.25 = 625, now below C1's 750 and C4's 1 125.
    rows = worklist(worked_ledger, AS_OF, Filters(matching="oldest"))
    assert summary(rows) == [
        ("C4", Decimal("450.00"), "B", Decimal("1125.00"), "r3"),
        ("C1", Decimal("300.00"), "B", Decimal("750.00"), "r3"),
        ("C2", Decimal("500.00"), "B", Decimal("625.00"), "r1"),
    ]


def test_a_customer_filter_keeps_its_customers_only(worked_ledger):
    rows = worklist(worked_ledger, AS_OF, Filters(customers=("C1", "C3")))
    assert [(row.customer_id, row.overdue) for row in rows.rows] == [("C1", Decimal("300.00"))]


def test_settings_are_read_from_the_workspace_and_bad_values_keep_their_default():
    stored = {"worklist_r1_days": 20, "worklist_r2_days": "x", "worklist_agency_days": 0, "worklist_r3_days": True}
    assert WorklistSettings.from_settings(stored) == WorklistSettings(r1_days=20)
    assert WorklistSettings.from_settings(WorklistSettings(r2_days=30).to_settings()) == WorklistSettings(r2_days=30)
    assert WorklistSettings().stage_days() == [8, 22, 40, 60, 90]
    assert len(STAGES) == len(WorklistSettings().stage_days())


def test_the_cli_reads_the_workspaces_schedule(tmp_path):
    workspace = Workspace(tmp_path / "client")
    workspace.import_files(WORKED_FILES)
    workspace.save_settings({"worklist_r1_days": 20})
    result = json.loads(run("worklist", str(workspace.path), "--as-of", "2026-03-31", "--format", "json"))
    # C2 at 19 days: R1 now falls due at 20 days, on 12/03 + 20 = 01/04.
    assert [(r["customer_id"], r["next_action"], r["next_action_date"]) for r in result] == [
        ("C2", "wait", "2026-04-01"),
        ("C4", "r3", None),
        ("C1", "r3", None),
    ]


def test_the_cli_json(logs):
    result = json.loads(run("worklist", *with_logs(logs["reminders"]), "--format", "json"))
    assert result == [
        {
            "customer_id": "C2",
            "customer_name": "Garage Dupont",
            "overdue": 800.0,
            "disputed": 0.0,
            "chased": 800.0,
            "oldest_days_past_due": 19,
            "chased_days_past_due": 19,
            "rating": "C",
            "priority": 1200.0,
            "next_action": "wait",
            "next_action_date": "2026-04-03",
            "last_reminder_date": "2026-03-20",
            "last_reminder_stage": "r1",
            "broken_promises": 0,
            "last_promise_date": None,
            "last_promise_amount": None,
            "last_promise_status": None,
        },
        {
            "customer_id": "C4",
            "customer_name": "SARL Ébène & Fils",
            "overdue": 450.0,
            "disputed": 0.0,
            "chased": 450.0,
            "oldest_days_past_due": 55,
            "chased_days_past_due": 55,
            "rating": "B",
            "priority": 1125.0,
            "next_action": "r3",
            "next_action_date": None,
            "last_reminder_date": "2026-03-01",
            "last_reminder_stage": "r2",
            "broken_promises": 0,
            "last_promise_date": None,
            "last_promise_amount": None,
            "last_promise_status": None,
        },
        {
            "customer_id": "C1",
            "customer_name": "Boulangerie Martin",
            "overdue": 300.0,
            "disputed": 0.0,
            "chased": 300.0,
            "oldest_days_past_due": 45,
            "chased_days_past_due": 45,
            "rating": "B",
            "priority": 750.0,
            "next_action": "r3",
            "next_action_date": None,
            "last_reminder_date": "2026-01-15",
            "last_reminder_stage": "r3",
            "broken_promises": 0,
            "last_promise_date": None,
            "last_promise_amount": None,
            "last_promise_status": None,
        },
    ]
    oldest = json.loads(run("worklist", *WORKED_ARGS, "--format", "json", "--apply-credits", "oldest"))
    assert [(r["customer_id"], r["overdue"], r["priority"]) for r in oldest] == [
        ("C4", 450.0, 1125.0),
        ("C1", 300.0, 750.0),
        ("C2", 500.0, 625.0),
    ]


def test_the_cli_table_in_french(logs):
    text = run("worklist", *with_logs(logs["reminders"]), "--lang", "fr")
    lines = text.splitlines()
    assert lines[0] == "À relancer"
    assert lines[1] == "Au : 31/03/2026 · Imputation des avoirs : Pièce à pièce, comme lettré"
    assert lines[2].startswith("Priorité = Σ échu non contesté × poids de l'âge (1 à 30 j ×1")
    assert lines[4].startswith("Promesses non tenues d'abord")
    titles = [cell.strip() for cell in lines[6].split("  ") if cell.strip()]
    assert titles[:4] == ["N°", "Client", "Code client", "Note de risque"]
    assert lines[7].split()[:4] == ["1", "Garage", "Dupont", "C2"]
    assert "1\u202f200,00\xa0€" in lines[7] and "Attendre jusqu'au 03/04/2026" in lines[7]
    assert "20/03/2026 R1" in lines[7]
    assert "SARL Ébène & Fils" in lines[8] and "Relance R3" in lines[8] and "1\u202f125,00\xa0€" in lines[8]
    assert "Boulangerie Martin" in lines[9] and "750,00\xa0€" in lines[9] and "15/01/2026 R3" in lines[9]
    assert len(lines) == 10


def test_the_cli_table_in_english(logs):
    filters = ["--customer", "C4", "--customer", "C2"]
    text = run("worklist", *with_logs(logs["reminders"], logs["disputes"]), *filters, "--lang", "en")
    lines = text.splitlines()
    assert lines[0] == "Worklist: customers to chase"
    assert lines[1] == "As of: 31/03/2026 · Credit matching: Item by item, as matched"
    assert lines[2] == "Customers: C4, C2"
    assert lines[4].startswith("Reminders: R1 at 8 d, R2 at 22 d, R3 at 40 d, formal notice at 60 d, agency at 90 d")
    # C2 then C4 (the dispute, last). The risk score's concentration is within the filtered customers (as on the
    # risk page): C2 800 of 800 + 450 = 64 % (2 points, not 1) → 11 + 1 = 12, D: F-007 300 × 1 × 2 = 600.
    assert "Garage Dupont" in lines[8]
    assert lines[8].split()[3:9] == ["C2", "D", "€800.00", "€500.00", "19", "€600.00"]
    assert "Reminder R1" in lines[8]
    assert "SARL Ébène & Fils" in lines[9] and "€0.00" in lines[9] and "Dispute open" in lines[9]
    assert "01/03/2026 R2" in lines[9]


def test_the_cli_table_with_nobody_to_chase():
    # On 31/10/2025 F-000, the only invoice issued, falls due that very day: 0 days past due, not overdue.
    text = run("worklist", *map(str, WORKED_FILES), "--as-of", "2025-10-31", "--lang", "en")
    assert text.splitlines()[-1] == "No customer has overdue receivables at this date."
    assert json.loads(run("worklist", *map(str, WORKED_FILES), "--as-of", "2025-10-31", "--format", "json")) == []
    # A day later it is: C3, 400 × 1 × its rating's factor.
    later = json.loads(run("worklist", *map(str, WORKED_FILES), "--as-of", "2025-11-01", "--format", "json"))
    assert [(r["customer_id"], r["overdue"], r["oldest_days_past_due"], r["next_action"]) for r in later] == [
        ("C3", 400.0, 1, "wait")
    ]


def test_the_csv_reads_back(tmp_path, logs):
    path = tmp_path / "worklist.csv"
    assert run("worklist", *with_logs(logs["reminders"]), "--format", "csv", "-o", str(path)) == ""
    data = path.read_bytes()
    assert data.startswith("\ufeff".encode())  # so French Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["N°", "Client", "Code client", "Note de risque", "Échu"]
    assert rows[1] == [
        "1",
        "Garage Dupont",
        "C2",
        "C",
        "800,00",
        "0,00",
        "800,00",
        "19",
        "1200,00",
        "Attendre",
        "03/04/2026",
        "20/03/2026",
        "R1",
        "0",  # no promises log: no broken promise, no last promise
        "",
        "",
        "",
    ]
    assert [row[2] for row in rows[1:]] == ["C2", "C4", "C1"]
    assert rows[2][8:10] == ["1125,00", "Relance R3"] and rows[3][8] == "750,00"
    # Without -o the CSV goes to standard output, without its BOM.
    assert run("worklist", *with_logs(logs["reminders"]), "--format", "csv") == data.decode("utf-8-sig")


@pytest.mark.parametrize(
    ("lang", "title", "action"), [("fr", "Client", "Relance R3"), ("en", "Customer", "Reminder R3")]
)
def test_the_xlsx_reads_back(tmp_path, lang, title, action):
    path = tmp_path / "worklist.xlsx"
    assert run("worklist", *WORKED_ARGS, "--format", "xlsx", "-o", str(path), "--lang", lang) == ""
    sheet = openpyxl.load_workbook(path).active
    assert sheet["B2"].value.date() == AS_OF
    assert sheet["B11"].value == title  # below the header block: its 8th line says the broken-promise rule
    assert [[cell.value for cell in row] for row in sheet.iter_rows(min_row=12, max_row=14, max_col=9)] == [
        [1, "Garage Dupont", "C2", "C", 800, 0, 800, 19, 1200],
        [2, "SARL Ébène & Fils", "C4", "B", 450, 0, 450, 55, 1125],
        [3, "Boulangerie Martin", "C1", "B", 300, 0, 300, 45, 750],
    ]
    assert sheet["J13"].value == action
    assert sheet["E15"].value == "=SUM(E12:E14)"  # 1 550, the total overdue


def test_xlsx_needs_an_output_file(capsys):
    assert main(["worklist", *WORKED_ARGS, "--format", "xlsx"]) == 2
    assert "-o" in capsys.readouterr().err


@pytest.fixture(scope="module")
def demo_ledger() -> Ledger:
    return Ledger.in_memory(read_files(sorted(DEMO.glob("*.csv"))).ledger)


@pytest.mark.parametrize("matching", ["matched", "oldest"])
def test_the_demo_adds_up_to_the_report_and_never_repeats_a_stage(demo_ledger, matching):
    # The demo ledger with its reminders and disputes logs, at the end of 2025: every overdue euro is in the
    # worklist (Σ overdue = the report's overdue AR), the priority rule holds row by row, and the order is the rule's:
    # broken promises first, then the priority.
    as_of = date(2025, 12, 31)
    filters = Filters(matching=matching)
    rows = worklist(demo_ledger, as_of, filters).rows
    report = period_report(demo_ledger, Period(date(2025, 12, 1), as_of), filters)
    assert sum(row.overdue for row in rows) == report.closing_overdue_ar
    assert any(row.disputed > 0 for row in rows) and any(row.last_reminder_date for row in rows)
    keys = [(row.broken_promises == 0, -row.priority, -row.overdue, row.customer_id) for row in rows]
    assert keys == sorted(keys)
    assert rows[0].broken_promises > 0 and any(row.broken_promises == 0 for row in rows)  # both groups exist
    for row in rows:
        assert row.overdue > 0 and row.chased + row.disputed == row.overdue
        assert (row.next_action == "dispute") == (row.chased == 0)
        assert (row.priority == 0) == (row.chased == 0)
        assert (row.next_action == "wait") == (row.next_action_date is not None)
        if row.next_action_date is not None:
            assert row.next_action_date > as_of


def test_hostile_names_stay_text_in_the_files():
    rows = worklist(Ledger.in_memory(hostile_names.hostile_ledger()), hostile_names.AS_OF)
    assert {row.customer_name for row in rows.rows} == set(HOSTILE_NAMES)  # every one overdue at AS_OF
    header = FileHeader(source=FORMULA_DDE, filters=(FORMULA_DDE,))
    texts = assert_no_formula_from_data(worklist_xlsx(rows, header))
    assert set(HOSTILE_NAMES) <= set(texts) and hostile_names.customer_id(0) in texts and FORMULA_DDE in texts
    fields = csv_rows(worklist_csv(rows, header), ";")
    assert_csv_inert(fields)
    assert "'" + hostile_names.customer_id(0) in {field for row in fields for field in row}


# -- promises to pay: broken ones first (tests/test_promises.py works the log's states out) ---------------------


def test_broken_promises_come_first(tmp_path):
    """With tests/data/promises/promesses.csv at 31/03: C1 broke B1 (300 on F-002 for 05/03) and C4 broke B2 (450
    on its balance for 10/03); both deadlines fall after their oldest chased invoice's due date (F-002 14/02, F-011
    04/02), so each counts one broken promise. C2 broke none (K1 kept, O1 open). Broken first, each group by
    priority: C4 (1 125), C1 (750), then C2 (1 200), though C2's priority is the highest. The last promise of each,
    by promise date: C4 B2 (made 10/02; L, made 02/04, is after D), C1 O2 (made 20/03: 3 000 for 06/04, open),
    C2 O1 (made 26/03: 500 for 08/04, open)."""
    log = DATA / "promises" / "promesses.csv"
    rows = json.loads(run("worklist", *with_logs(log), "--format", "json"))
    assert [
        (
            r["customer_id"],
            r["priority"],
            r["broken_promises"],
            r["last_promise_date"],
            r["last_promise_amount"],
            r["last_promise_status"],
        )
        for r in rows
    ] == [
        ("C4", 1125.0, 1, "2026-03-10", 450.0, "broken"),
        ("C1", 750.0, 1, "2026-04-06", 3000.0, "open"),
        ("C2", 1200.0, 0, "2026-04-08", 500.0, "open"),
    ]
    # The same in the files: the CSV's last four columns, the French table's promise column.
    path = tmp_path / "worklist.csv"
    assert run("worklist", *with_logs(log), "--format", "csv", "-o", str(path)) == ""
    table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert table[0][-4:] == [
        "Promesses non tenues",
        "Date promise (dernière promesse)",
        "Montant de la dernière promesse",
        "État de la dernière promesse",
    ]
    assert table[1][-4:] == ["1", "10/03/2026", "450,00", "non tenue"]
    assert table[3][-4:] == ["0", "08/04/2026", "500,00", "en cours"]
    text = run("worklist", *with_logs(log), "--lang", "en")
    assert "10/03/2026 €450.00 broken" in text.splitlines()[7]


def test_a_broken_promise_about_a_debt_since_paid_does_not_count(tmp_path):
    # C2 promised 2 500 on F-003 for 25/02 and paid it on 03/03 (P-03): broken at D, but its deadline 25/02 is
    # before the due date of C2's oldest chased invoice (F-004, 12/03): it was about a debt since paid.
    log = tmp_path / "promesses.csv"
    log.write_text("Customer,Invoice,Promise date,Promised date,Amount\nC2,F-003,2026-02-20,2026-02-25,2500.00\n")
    rows = json.loads(run("worklist", *with_logs(log), "--format", "json"))
    c2 = next(r for r in rows if r["customer_id"] == "C2")
    assert (c2["broken_promises"], c2["last_promise_status"]) == (0, "broken")
    assert [r["customer_id"] for r in rows] == ["C2", "C4", "C1"]  # the priority's order, as without promises
