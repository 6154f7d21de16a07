"""Promises to pay (kpi/sql/activity/promises.sql, promise_kpis.sql, kpi/metrics/promises.py): read from a log,
kept, broken or open at a date, their KPIs, the worklist's broken-promises-first order, and their place in the
13-week forecast — all worked out by hand on the worked example (tests/data/worked) at D = 31/03/2026.

The log (tests/data/promises/promesses.csv) and the cash of the worked example each promise's window sees
(grace 0 days, the default: deadline = promised date):

  K1 C2 on F-004, made 15/03, 1 000 for 25/03: F-004's cash in [15/03, 25/03] = P-04 1 000 (25/03) ≥ 1 000 → kept
  B1 C1 on F-002, made 20/02,   300 for 05/03: F-002's cash in [20/02, 05/03] = 0 (P-02 is of 10/03)
                                               and 05/03 ≤ 31/03                                        → broken
  B2 C4 on its balance, made 10/02, 450 for 10/03: C4 has no cash at all                               → broken
  O1 C2 on F-004, made 26/03,   500 for 08/04: F-004's cash in [26/03, 31/03] = 0, 08/04 > 31/03        → open
  K2 C3 on its balance, made 28/03, 250 for 31/03: C3's cash in [28/03, 31/03] = P-07 250 unapplied
                                               (30/03; the write-off P-08 is not cash) ≥ 250            → kept
  O2 C1 on its balance, made 20/03, 3 000 for 06/04: C1's cash in [20/03, 31/03] = 0 (P-09 3 000 is of
                                               05/04, after D), 06/04 > 31/03                          → open
  L  C4 on its balance, made 02/04: after D, not known at D                                            → absent

KPIs of March [01/03, 31/03]: deadlines in March: K1 25/03 kept, B1 05/03 broken, B2 10/03 broken, K2 31/03
kept → kept rate = 2 / (2 + 2) × 100 = 50 %; broken amount = 300 + 450 = 750; open at 31/03: O1 and O2,
2 promises, 500 + 3 000 = 3 500.
"""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sample_files import DATA, WORKED_FILES

from kpi.cli.main import main
from kpi.importers import ImportFailed, read_files
from kpi.metrics.collection import activity_report
from kpi.metrics.promises import NewPromise, add_promise, promise_list
from kpi.metrics.settings import ActivitySettings
from kpi.model.periods import Period
from kpi.store.ledger import Ledger
from kpi.store.workspace import Workspace

LOG = DATA / "promises" / "promesses.csv"
AS_OF = date(2026, 3, 31)
MARCH = Period(date(2026, 3, 1), AS_OF)
K1 = "C2/F-004/2026-03-15/2026-03-25/1000.00"
B1 = "C1/F-002/2026-02-20/2026-03-05/300.00"
B2 = "C4//2026-02-10/2026-03-10/450.00"
O1 = "C2/F-004/2026-03-26/2026-04-08/500.00"
K2 = "C3//2026-03-28/2026-03-31/250.00"
O2 = "C1//2026-03-20/2026-04-06/3000.00"


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return Ledger.in_memory(read_files([*WORKED_FILES, LOG]).ledger)


def states(ledger: Ledger, as_of: date, grace: int = 0) -> dict[str, tuple[str, Decimal]]:
    rows = promise_list(ledger, as_of, settings=ActivitySettings(plan_grace_days=grace))
    return {row.promise_id: (row.status, row.cash_received) for row in rows.itertuples()}


def test_the_log_is_read_with_its_french_headers(ledger):
    promises = read_files([*WORKED_FILES, LOG]).ledger.promises.to_pylist()
    assert len(promises) == 7
    assert promises[1] == {
        "promise_id": B1,
        "customer_id": "C1",
        "document_id": "F-002",
        "promise_date": date(2026, 2, 20),
        "promised_date": date(2026, 3, 5),
        "amount": Decimal("300.00"),
    }
    assert promises[2]["document_id"] is None  # B2: on C4's balance


def test_kept_broken_and_open_at_the_end_of_march(ledger):
    assert states(ledger, AS_OF) == {
        K1: ("kept", Decimal("1000.00")),
        B1: ("broken", Decimal("0.00")),
        B2: ("broken", Decimal("0.00")),
        O1: ("open", Decimal("0.00")),
        K2: ("kept", Decimal("250.00")),
        O2: ("open", Decimal("0.00")),
    }


def test_the_state_follows_the_date(ledger):
    # On 20/03 K1's 1 000 has not come yet (P-04 is of 25/03) and its deadline 25/03 is ahead: open.
    assert states(ledger, date(2026, 3, 20))[K1] == ("open", Decimal("0.00"))
    # On 10/04 O2 is kept: C1's cash in [20/03, 06/04] = P-09 3 000 (05/04) ≥ 3 000; O1's deadline 08/04 has
    # passed with no cash on F-004 since 26/03: broken.
    later = states(ledger, date(2026, 4, 10))
    assert later[O2] == ("kept", Decimal("3000.00")) and later[O1] == ("broken", Decimal("0.00"))


def test_the_grace_days_move_the_deadline(ledger):
    # 10 days of grace: B1's deadline is 05/03 + 10 = 15/03, and F-002's cash in [20/02, 15/03] = P-02 500
    # (10/03) ≥ 300: kept. B2 (deadline 20/03) has still seen nothing: broken.
    graced = states(ledger, AS_OF, grace=10)
    assert graced[B1] == ("kept", Decimal("500.00")) and graced[B2] == ("broken", Decimal("0.00"))


def test_the_kpis_of_march(ledger):
    report = activity_report(ledger, MARCH, settings=ActivitySettings())
    assert (report.promises_kept, report.promises_broken) == (2, 2)
    assert report.promise_kept_rate == 50.0  # 2 / (2 + 2) × 100
    assert report.broken_promises_amount == Decimal("750.00")  # B1 300 + B2 450
    assert (report.promises_open_count, report.promises_open_amount) == (2, Decimal("3500.00"))  # O1 500 + O2 3 000


def test_the_kpis_with_grace(ledger):
    # 10 days of grace: deadlines in March are B1 15/03 (kept, above) and B2 20/03 (broken); K1's (04/04) and
    # K2's (10/04) fall in April. Kept rate 1 / (1 + 1) = 50 %, broken amount 450; O1 and O2 still open.
    report = activity_report(ledger, MARCH, settings=ActivitySettings(plan_grace_days=10))
    assert (report.promises_kept, report.promises_broken, report.promise_kept_rate) == (1, 1, 50.0)
    assert report.broken_promises_amount == Decimal("450.00")
    assert report.promises_open_count == 2


def test_overlapping_promises_each_count_their_own_window(tmp_path):
    # Two promises of C2 whose windows both hold P-06 (600 on F-007, 28/03): one on its balance (400 for 30/03),
    # one on F-007 (300 for 31/03). Each counts the cash of its own window: 600 ≥ 400 and 600 ≥ 300, both kept
    # by the one payment, as the SQL header says.
    log = tmp_path / "promesses.csv"
    log.write_text(
        "Customer,Invoice,Promise date,Promised date,Amount\n"
        "C2,,2026-03-27,2026-03-30,400.00\n"
        "C2,F-007,2026-03-27,2026-03-31,300.00\n",
        encoding="utf-8",
    )
    both = Ledger.in_memory(read_files([*WORKED_FILES, log]).ledger)
    assert sorted(states(both, AS_OF).values()) == [("kept", Decimal("600.00")), ("kept", Decimal("600.00"))]


def test_without_a_log_the_kpis_are_null_not_zero():
    bare = Ledger.in_memory(read_files(WORKED_FILES).ledger)
    report = activity_report(bare, MARCH, settings=ActivitySettings())
    keys = ("promises_open_count", "promises_open_amount", "promise_kept_rate", "broken_promises_amount")
    assert [getattr(report, key) for key in keys] == [None] * 4
    assert report.missing("promise_kept_rate") == "promises"
    out = io.StringIO()
    assert (
        main(["report", *map(str, WORKED_FILES), "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json"], out)
        == 0
    )
    activity = json.loads(out.getvalue())["activity"]
    assert [activity[key] for key in keys] == [None] * 4


def test_the_report_json_has_the_promise_kpis():
    out = io.StringIO()
    args = ["report", *map(str, WORKED_FILES), str(LOG), "--from", "2026-03-01", "--to", "2026-03-31"]
    assert main([*args, "--format", "json"], out) == 0
    activity = json.loads(out.getvalue())["activity"]
    assert (activity["promises_open_count"], activity["promises_open_amount"]) == (2, 3500.0)
    assert (activity["promise_kept_rate"], activity["broken_promises_amount"]) == (50.0, 750.0)


# -- refusals, with file, row, column and value, in both languages -----------------------------------------------


@pytest.mark.parametrize(
    ("line", "row", "column", "value", "fr", "en"),
    [
        ("C1;F-002;13/03/2026;15/03/2026;0,00", 2, "Montant promis", "0.00", "montant promis nul", "zero or negative"),
        (
            "C1;F-002;20/03/2026;14/03/2026;100,00",
            2,
            "Date promise",
            "2026-03-14",
            "date promise antérieure à la date de la promesse",
            "promised date before the promise date",
        ),
        ("C1;F-002;20/03/2026;;100,00", 2, "Date promise", None, "manquant", "missing"),
        ("C1;F-002;13/03/2026;15/03/2026;cent", 2, "Montant promis", "cent", "montant", "amount"),
    ],
)
def test_bad_rows_are_refused_with_file_row_column_and_value(tmp_path, line, row, column, value, fr, en):
    log = tmp_path / "promesses.csv"
    log.write_text(
        "Code client;N° facture;Date promesse;Date promise;Montant promis\nC1;F-002;13/02/2026;20/02/2026;100,00\n"
        + line
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as failure:
        read_files([*WORKED_FILES, log])
    issue = failure.value.issues[0]
    assert (issue.file, issue.row, issue.column) == ("promesses.csv", row + 1, column)  # the header is row 1
    if value is not None:
        assert issue.value == value
    assert fr in issue.render("fr").lower() and "ligne 3" in issue.render("fr")
    assert en in issue.render("en").lower() and "row 3" in issue.render("en")


def test_a_promise_on_an_unknown_invoice_is_refused_in_both_languages(tmp_path):
    log = tmp_path / "promises.csv"
    log.write_text("Customer,Invoice,Promise date,Promised date,Amount\nC1,F-999,2026-03-01,2026-03-15,100.00\n")
    with pytest.raises(ImportFailed) as failure:
        read_files([*WORKED_FILES, log])
    issue = failure.value.issues[0]
    assert (issue.file, issue.row, issue.column, issue.value) == ("promises.csv", 2, "document_id", "F-999")
    assert "promesse sur la facture F-999, introuvable" in issue.render("fr")
    assert "promise on the invoice F-999, found neither" in issue.render("en")


@pytest.mark.parametrize(
    ("customer", "why"),
    [("C9", "a code no invoice has"), ("Garage Dupont", "a name where the ledger has codes: it could never be kept")],
)
def test_a_promise_on_the_balance_of_an_unknown_customer_is_refused(tmp_path, customer, why):
    log = tmp_path / "promises.csv"
    log.write_text(f"customer_id,promise_date,promised_date,amount\n{customer},2026-03-02,2026-03-20,150.00\n")
    with pytest.raises(ImportFailed) as failure:
        read_files([*WORKED_FILES, log])
    issue = failure.value.issues[0]
    assert (issue.file, issue.row, issue.column, issue.value) == ("promises.csv", 2, "customer_id", customer), why
    assert f"promesse sur le solde du client {customer}, client d'aucune facture" in issue.render("fr")
    assert f"promise on the balance of customer {customer}, the customer of no invoice" in issue.render("en")


def test_a_promise_on_the_balance_of_a_customer_stored_in_the_workspace_is_taken(tmp_path):
    """C2 has invoices in the workspace only, not in the log's files: its promise is taken."""
    workspace = Workspace(tmp_path / "client")
    workspace.import_files(WORKED_FILES)
    log = tmp_path / "promises.csv"
    log.write_text("customer_id,promise_date,promised_date,amount\nC2,2026-03-02,2026-03-20,150.00\n")
    assert workspace.import_files([log]).activity_rows == 1


# -- stored in a workspace -------------------------------------------------------------------------------------------


def test_a_promise_typed_in_the_app_is_an_import_of_its_own(tmp_path):
    workspace = Workspace(tmp_path / "client")
    workspace.import_files(WORKED_FILES)
    promise = NewPromise("C4", "F-011", date(2026, 3, 20), date(2026, 3, 27), Decimal("450.00"))
    stored = add_promise(workspace, promise, stem="promesse")
    assert (stored.import_id, stored.already_imported, stored.activity_rows) == (2, False, 1)
    assert list(workspace.imports()["sources"].iloc[-1]) == ["promesse-C4-2026-03-27.csv"]
    listed = promise_list(workspace.open(), AS_OF)
    # C4 paid nothing: by 27/03 the promise is broken, and it is its import's only row, so it can be removed alone.
    assert list(zip(listed["status"], listed["import_id"], listed["removable"])) == [("broken", 2, True)]
    # The same promise again is the same import.
    assert add_promise(workspace, promise, stem="promesse").already_imported
    workspace.remove_import(2)
    assert promise_list(workspace.open(), AS_OF).empty


def test_a_promise_from_a_log_file_is_not_removable_alone(tmp_path):
    workspace = Workspace(tmp_path / "client")
    workspace.import_files([*WORKED_FILES, LOG])
    listed = promise_list(workspace.open(), AS_OF)
    # The log's 7 promises but the last, made on 02/04/2026, after the date.
    assert len(listed) == 6
    assert not listed["removable"].any()


def test_a_workspace_of_the_previous_release_takes_promises(tmp_path):
    import zipfile

    with zipfile.ZipFile(Path(DATA) / "previous-release" / "workspace.zip") as archive:
        archive.extractall(tmp_path)
    workspace = Workspace(tmp_path / "ws")
    workspace.open().close()  # as the app and the commands do: the workspace is migrated on first open
    stored = add_promise(workspace, NewPromise("C1", None, date(2026, 3, 1), date(2026, 3, 10), Decimal("10.00")))
    assert stored.activity_rows == 1
    assert len(promise_list(workspace.open(), AS_OF)) == 1


def test_the_forecast_command_says_what_promises_it_placed():
    # O1 500 and O2 3 000 open at 31/03 (tests/test_forecast.py places them): 2 promises, 3 500 €.
    out = io.StringIO()
    args = ["forecast", *map(str, WORKED_FILES), str(LOG), "--as-of", "2026-03-31", "--backtest-dates", "0"]
    assert main([*args, "--lang", "en"], out) == 0
    assert "2 open promise(s) to pay placed on their promised dates for €3,500.00" in out.getvalue()


def test_a_promise_on_an_invoice_belongs_to_the_invoices_customer(tmp_path):
    # The log names the customer « Garage Dupont » where the ledger has the code C2: the promise on F-004 is C2's,
    # and K1's reasoning holds (F-004's cash in [15/03, 25/03] = P-04 1 000): kept.
    log = tmp_path / "promesses.csv"
    log.write_text(
        "Client;Facture;Date promesse;Date promise;Montant\nGarage Dupont;F-004;15/03/2026;25/03/2026;1 000,00\n",
        encoding="utf-8",
    )
    named = Ledger.in_memory(read_files([*WORKED_FILES, log]).ledger)
    [row] = promise_list(named, AS_OF).itertuples()
    assert (row.customer_id, row.customer_name, row.status) == ("C2", "Garage Dupont", "kept")
