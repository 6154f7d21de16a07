"""Matching suggestions (issue 14, item 6): kpi/sql/queries/suggestions.sql, kpi/metrics/suggestions.py, accepting
them into a workspace (kpi/store/matching.py), and the `suggest` and `match` commands.

The worked example at 31/03/2026, by hand:
  C2 Garage Dupont: F-004 1 500 − P-04 1 000 = 500 open; F-007 900 − P-06 600 = 300 open; the credit note A-001
  (−300, 18/03) is applied to nothing. 300 = F-007's 300: A-001 → F-007, `same_amount`, 300 applied on 18/03 (the
  later of the two issue dates, 18/03 and 05/03). F-004's 500 matches nothing.
  C3 Café « Le Zinc »: P-07, 250 of cash applied to nothing (30/03); C3's open invoices are F-008 1 800 and F-009
  700: no amount within a cent of 250, and the payment has no label: nothing.
  C1 and C4 have nothing unapplied. So exactly one suggestion.

SMALL, a hand-built ledger at 31/03/2026:
  K1: I-11 100,01 € (05/01) and P-11, 100,00 € of cash unapplied (10/02): 0,01 € apart → `within_cent`, the whole
      payment (100,00) applied, I-11 keeps 0,01. I-12 50,00 (01/02) and the credit note A-12 −50,01 (10/03):
      → `within_cent`, min(50,01, 50,00) = 50,00 applied on 10/03, A-12 keeps −0,01.
  K2: F-004 300 (10/01), F-0042 500 (20/01), P-21 480 unapplied (05/03) labelled « VIR SEPA Règlement fact.
      F-0042 »: no amount matches; the label names F-0042 as a word (not F-004) → `reference`, 480 applied,
      F-0042 keeps 20.
  K3/K4: P-31, K3's 700 labelled « F-401 », and F-401, K4's invoice of 700: another customer's → nothing.
  K5: F-51, F-52, F-53, 200 each (due 31/01, 14/02, 03/03) and two payments of 200, P-51 (20/02), P-52 (20/03):
      → `same_amount` P-51 → F-51 and P-52 → F-52 (the k-th oldest with the k-th oldest); F-53 waits.
  K6: F-61 150 issued 15/03 and P-61 150 paid 10/03, before it: not offered (its cash would leave AR before the
      invoice enters it). F-62 80 (01/02) and the credit note A-62 −80 (01/03): F-62 is paid by P-62 on 10/04,
      after D: not offered at 31/03 (it would be settled twice once April counts); at 30/04 F-62 is closed.
"""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from sample_files import WORKED_FILES

from kpi.cli.main import main
from kpi.importers import read_files
from kpi.metrics.report import period_report
from kpi.metrics.suggestions import accept, suggestions
from kpi.model.filters import Filters
from kpi.model.periods import Period
from kpi.store.ledger import Ledger
from kpi.store.workspace import Workspace
from kpi.text.errors import ConflictingSuggestions, SuggestionNotFound

MARCH_31 = date(2026, 3, 31)
MARCH = Period(date(2026, 3, 1), MARCH_31)
WORKED_ARGS = [str(p) for p in WORKED_FILES]

SMALL_DOCUMENTS = """document_id,customer_id,customer_name,activity,issue_date,due_date,amount
I-11,K1,Un,Services,2026-01-05,2026-02-04,100.01
I-12,K1,Un,Services,2026-02-01,2026-03-03,50.00
A-12,K1,Un,Services,2026-03-10,2026-03-10,-50.01
F-004,K2,Deux,Services,2026-01-10,2026-02-09,300.00
F-0042,K2,Deux,Services,2026-01-20,2026-02-19,500.00
F-401,K4,Quatre,Services,2026-02-01,2026-03-03,700.00
F-51,K5,Cinq,Services,2026-01-01,2026-01-31,200.00
F-52,K5,Cinq,Services,2026-01-15,2026-02-14,200.00
F-53,K5,Cinq,Services,2026-02-01,2026-03-03,200.00
F-61,K6,Six,Services,2026-03-15,2026-04-14,150.00
F-62,K6,Six,Services,2026-02-01,2026-03-03,80.00
A-62,K6,Six,Services,2026-03-01,2026-03-01,-80.00
"""
# A payments file's « libellé » column gives each payment its label (kpi/importers/payments.py).
SMALL_SETTLEMENTS = """settlement_id,document_id,customer_id,date,amount,kind,libelle
P-11,,K1,2026-02-10,100.00,cash,
P-21,,K2,2026-03-05,480.00,cash,VIR SEPA Règlement fact. F-0042
P-31,,K3,2026-03-01,700.00,cash,F-401
P-51,,K5,2026-02-20,200.00,cash,
P-52,,K5,2026-03-20,200.00,cash,
P-61,,K6,2026-03-10,150.00,cash,
P-62,F-62,K6,2026-04-10,80.00,cash,
"""


def small_files(folder: Path) -> list[Path]:
    (folder / "documents.csv").write_text(SMALL_DOCUMENTS, encoding="utf-8")
    (folder / "settlements.csv").write_text(SMALL_SETTLEMENTS, encoding="utf-8")
    return [folder / "documents.csv", folder / "settlements.csv"]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> list[Path]:
    return small_files(tmp_path_factory.mktemp("small"))


def pairs(found) -> list[tuple]:
    return [(row.id, row.reason, row.customer_id, row.amount) for row in found.rows]


def run(*argv: str) -> str:
    out = io.StringIO()
    assert main(list(argv), out) == 0
    return out.getvalue()


# -- the suggestions ----------------------------------------------------------------------------------------------


def test_the_worked_example_suggests_the_credit_note_to_the_invoice_of_its_amount(worked_ledger):
    found = suggestions(worked_ledger, MARCH_31)
    assert pairs(found) == [("A-001:F-007", "same_amount", "C2", Decimal("300.00"))]
    (row,) = found.rows
    assert (row.source_kind, row.source_amount, row.outstanding) == (
        "credit_note",
        Decimal("300.00"),
        Decimal("300.00"),
    )
    assert row.date == date(2026, 3, 18)  # the later of A-001's 18/03 and F-007's 05/03


def test_the_small_ledger_by_reason_and_in_order(small):
    found = suggestions(Ledger.in_memory(read_files(small).ledger), MARCH_31)
    assert pairs(found) == [
        ("P-51:F-51", "same_amount", "K5", Decimal("200.00")),
        ("P-52:F-52", "same_amount", "K5", Decimal("200.00")),
        ("P-11:I-11", "within_cent", "K1", Decimal("100.00")),  # the whole payment
        ("A-12:I-12", "within_cent", "K1", Decimal("50.00")),  # min(50,01, 50,00)
        ("P-21:F-0042", "reference", "K2", Decimal("480.00")),
    ]
    assert found.by_id()["P-21:F-0042"].reference == "VIR SEPA Règlement fact. F-0042"


def test_nothing_is_suggested_across_customers_nor_before_an_invoice_nor_after_the_date(small):
    ledger = Ledger.in_memory(read_files(small).ledger)
    for as_of in (MARCH_31, date(2026, 4, 30)):
        ids = {row.id for row in suggestions(ledger, as_of).rows}
        assert "P-31:F-401" not in ids  # K3's payment, K4's invoice
        assert not {i for i in ids if i.startswith(("P-61", "A-62"))}, ids
    # Before P-52 was received only one payment of 200 waits: the oldest invoice gets it.
    assert [row.id for row in suggestions(ledger, date(2026, 3, 1)).of_reason("same_amount")] == ["P-51:F-51"]


def tiny_files(folder: Path) -> list[Path]:
    """One invoice X1 of 10,00, and two payments labelled « X1 »: Q1 of 10,00 and Q2 of 10,01."""
    (folder / "d.csv").write_text(
        "document_id,customer_id,issue_date,due_date,amount\nX1,Z,2026-01-01,2026-01-31,10.00\n", encoding="utf-8"
    )
    (folder / "s.csv").write_text(
        "settlement_id,customer_id,date,amount,libelle\nQ1,Z,2026-02-01,10.00,X1\nQ2,Z,2026-02-02,10.01,X1\n",
        encoding="utf-8",
    )
    return [folder / "d.csv", folder / "s.csv"]


def test_a_suggestion_is_listed_once_per_reason_tier(tmp_path):
    ledger = Ledger.in_memory(read_files(tiny_files(tmp_path)).ledger)
    # Q1 has X1's amount: same_amount, never repeated as `reference`; Q2 is a cent off and names X1 too: its best
    # reason, within_cent, is offered as the alternative.
    assert pairs(suggestions(ledger, MARCH_31)) == [
        ("Q1:X1", "same_amount", "Z", Decimal("10.00")),
        ("Q2:X1", "within_cent", "Z", Decimal("10.01")),
    ]


# -- accepting ----------------------------------------------------------------------------------------------------


def open_items(ledger: Ledger, matching: str) -> dict[str, Decimal]:
    return dict(
        ledger.query(
            "SELECT document_id, outstanding FROM open_items_at([$d], [], [], $m) ORDER BY document_id",
            {"d": MARCH_31, "m": matching},
        ).fetchall()
    )


def balances(ledger: Ledger) -> dict[str, Decimal]:
    """Each customer's AR at 31/03: Σ of its open items, unapplied cash and credit notes included."""
    return dict(
        ledger.query(
            "SELECT customer_id, sum(outstanding) FROM open_items_at([$d], [], [], 'matched') GROUP BY ALL",
            {"d": MARCH_31},
        ).fetchall()
    )


def stored(workspace: Workspace) -> list:
    with duckdb.connect(str(workspace.database), read_only=True) as connection:
        return [
            connection.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
            for table in ("documents", "settlements", "manual_matches")
        ]


@pytest.fixture
def worked_workspace(tmp_path) -> Workspace:
    workspace = Workspace(tmp_path / "worked")
    workspace.import_files(WORKED_FILES)
    return workspace


def test_accepting_the_credit_note_closes_the_invoice_in_both_modes_and_removing_it_restores_all(worked_workspace):
    before_tables = stored(worked_workspace)
    with worked_workspace.open() as ledger:
        before = {mode: open_items(ledger, mode) for mode in ("matched", "oldest")}
        report_before = period_report(ledger, MARCH).to_json_dict()
    done = accept(worked_workspace, ["A-001:F-007"], MARCH_31, "fr")
    assert done.import_id == 2 and [row.id for row in done.accepted] == ["A-001:F-007"]
    imports = worked_workspace.imports()
    assert list(imports["sources"].iloc[-1]) == ["lettrage manuel (1 rapprochement)"]
    assert (imports["settlements"].iloc[-1], imports["settlements_total"].iloc[-1]) == (1, Decimal("300.00"))
    with worked_workspace.open() as ledger:
        after = {mode: open_items(ledger, mode) for mode in ("matched", "oldest")}
        report = period_report(ledger, MARCH)
        oldest = period_report(ledger, MARCH, Filters(matching="oldest"))
        assert suggestions(ledger, MARCH_31).rows == ()
    # matched: F-007 and A-001 are no longer open, F-004 keeps its 500.
    assert before["matched"]["F-007"] == Decimal("300.00") and before["matched"]["A-001"] == Decimal("-300.00")
    assert "F-007" not in after["matched"] and "A-001" not in after["matched"]
    assert after["matched"]["F-004"] == Decimal("500.00")
    # oldest: A-001 used to net F-004 (the older due date, 12/03): 500 − 300 = 200; now F-004 owes its 500.
    assert before["oldest"]["F-004"] == Decimal("200.00") and after["oldest"]["F-004"] == Decimal("500.00")
    assert "F-007" not in after["oldest"]
    # The aged balance and the KPIs: 1–30 days 800 − 300 = 500, overdue 1 550 − 300 = 1 250, unapplied credits
    # −550 + 300 = −250, AR unchanged at 6 500; overdue rate 1 250 / (5 500 + 1 250) = 18,518… %.
    assert report.to_json_dict()["aging"]["1_30"] == 500.0
    assert report.to_json_dict()["closing_overdue_ar"] == 1250.0
    assert report.to_json_dict()["unapplied_credits"] == -250.0
    assert report.to_json_dict()["closing_ar"] == report_before["closing_ar"] == 6500.0
    assert report.to_json_dict()["overdue_rate"] == pytest.approx(100 * 1250 / 6750)
    assert oldest.to_json_dict()["closing_ar"] == 6500.0
    # Removing the import brings back every stored row and every figure, exactly.
    worked_workspace.remove_import(2)
    assert stored(worked_workspace) == before_tables
    with worked_workspace.open() as ledger:
        assert {mode: open_items(ledger, mode) for mode in ("matched", "oldest")} == before
        assert period_report(ledger, MARCH).to_json_dict() == report_before
        assert [row.id for row in suggestions(ledger, MARCH_31).rows] == ["A-001:F-007"]


def test_accepting_payments_gives_them_their_invoice_and_keeps_each_balance(tmp_path):
    workspace = Workspace(tmp_path / "small")
    workspace.import_files(small_files(tmp_path))
    before_tables = stored(workspace)
    with workspace.open() as ledger:
        before = balances(ledger)
    done = accept(workspace, ["P-21:F-0042", "P-11:I-11", "A-12:I-12"], MARCH_31, "en")
    assert list(workspace.imports()["sources"].iloc[-1]) == ["manual matching (3 matches)"]
    assert done.import_id == 2
    with workspace.open() as ledger:
        items = open_items(ledger, "matched")
        # F-0042 500 − 480 = 20; I-11 100,01 − 100,00 = 0,01; I-12 closed and A-12 keeps −0,01; the payments are
        # no longer unapplied.
        assert items["F-0042"] == Decimal("20.00") and items["I-11"] == Decimal("0.01")
        assert "I-12" not in items and items["A-12"] == Decimal("-0.01")
        assert "P-21" not in items and "P-11" not in items
        assert balances(ledger) == before
        # The stored payment row is as imported: the ledger reads it with its invoice.
        assert ledger.query("SELECT document_id FROM settlements WHERE settlement_id = 'P-21'").fetchall() == [
            ("F-0042",)
        ]
    with duckdb.connect(str(workspace.database), read_only=True) as connection:
        assert connection.execute("SELECT document_id FROM settlements WHERE settlement_id = 'P-21'").fetchall() == [
            (None,)
        ]
    workspace.remove_import(2)
    assert stored(workspace) == before_tables


def test_accepting_twice_does_nothing_the_second_time(worked_workspace):
    assert accept(worked_workspace, ["A-001:F-007"], MARCH_31).import_id == 2
    again = accept(worked_workspace, ["A-001:F-007"], MARCH_31)
    assert (again.import_id, again.already_accepted) == (None, ("A-001:F-007",))
    assert len(worked_workspace.imports()) == 2


def test_an_unknown_or_stale_id_is_refused_and_stores_nothing(worked_workspace):
    with pytest.raises(SuggestionNotFound) as raised:
        accept(worked_workspace, ["A-001:F-007", "P-07:F-008"], MARCH_31)
    assert "P-07:F-008" in raised.value.render("en") and "31/03/2026" in raised.value.render("fr")
    assert "A-001:F-007" not in raised.value.render("en")
    # At 15/03 A-001 (18/03) does not exist yet: the id is stale there.
    with pytest.raises(SuggestionNotFound):
        accept(worked_workspace, ["A-001:F-007"], date(2026, 3, 15))
    assert len(worked_workspace.imports()) == 1


def test_two_ids_using_one_side_are_refused_together(tmp_path):
    workspace = Workspace(tmp_path / "tiers")
    workspace.import_files(tiny_files(tmp_path))
    with pytest.raises(ConflictingSuggestions) as raised:
        accept(workspace, ["Q1:X1", "Q2:X1"], MARCH_31)
    assert "Q1:X1, Q2:X1" in raised.value.render("en")
    assert accept(workspace, ["Q1:X1"], MARCH_31).import_id == 2
    with pytest.raises(SuggestionNotFound):  # X1 is settled now: Q2's suggestion is stale
        accept(workspace, ["Q2:X1"], MARCH_31)


def test_a_workspace_of_the_previous_schema_gains_the_reference_and_the_matches(worked_workspace):
    with duckdb.connect(str(worked_workspace.database)) as connection:
        connection.execute("ALTER TABLE settlements DROP COLUMN reference")
        connection.execute("DROP TABLE manual_matches")
    assert accept(worked_workspace, ["A-001:F-007"], MARCH_31).import_id == 2
    with duckdb.connect(str(worked_workspace.database), read_only=True) as connection:
        columns = {row[0] for row in connection.execute("SELECT name FROM pragma_table_info('settlements')").fetchall()}
        assert "reference" in columns
        assert connection.execute("SELECT match_id, import_id FROM manual_matches").fetchall() == [("A-001:F-007", 2)]


# -- where references come from -----------------------------------------------------------------------------------


def test_a_fec_payment_line_carries_its_piece_and_label(tmp_path):
    from test_importers_fec import line, write

    path = write(
        tmp_path,
        line("VE", 1, "20240110", "411000", "1200,00", aux="C1", piece="FA-2024-001", label="Facture Martin"),
        line("VE", 1, "20240110", "706000", credit="1200,00", piece="FA-2024-001"),
        line("VE", 2, "20240112", "411000", "600,00", aux="C1", piece="FA-2024-002", label="Facture Martin"),
        line("VE", 2, "20240112", "706000", credit="600,00", piece="FA-2024-002"),
        line(
            "BQ", 3, "20240205", "411000", credit="1000,00", aux="C1", piece="VIR0205", label="VIR Martin FA-2024-001"
        ),
        line("BQ", 3, "20240205", "512000", "1000,00", piece="VIR0205"),
    )
    ledger = read_files([path]).ledger
    assert ledger.settlements.column("reference").to_pylist() == ["VIR0205 VIR Martin FA-2024-001"]
    found = suggestions(Ledger.in_memory(ledger), date(2024, 3, 31))
    assert [(row.reason, row.document_id, row.amount) for row in found.rows] == [
        ("reference", "FA-2024-001", Decimal("1000.00"))
    ]


def test_canonical_files_without_a_label_read_as_before(worked_ledger):
    assert worked_ledger.query("SELECT count(*) FROM settlements WHERE reference IS NOT NULL").fetchall() == [(0,)]


# -- the commands -------------------------------------------------------------------------------------------------


def test_the_cli_json():
    assert json.loads(run("suggest", *WORKED_ARGS, "--as-of", "2026-03-31", "--format", "json")) == [
        {
            "id": "A-001:F-007",
            "reason": "same_amount",
            "customer_id": "C2",
            "customer_name": "Garage Dupont",
            "source_kind": "credit_note",
            "source_id": "A-001",
            "source_date": "2026-03-18",
            "source_amount": 300.0,
            "reference": None,
            "document_id": "F-007",
            "due_date": "2026-03-20",
            "outstanding": 300.0,
            "amount": 300.0,
            "date": "2026-03-18",
        }
    ]


@pytest.mark.parametrize(
    ("lang", "title", "reason", "kind"),
    [
        ("fr", "Rapprochements suggérés", "Même montant", "Avoir A-001"),
        ("en", "Suggested matches", "Same amount", "Credit note A-001"),
    ],
)
def test_the_cli_table(lang, title, reason, kind):
    text = run("suggest", *WORKED_ARGS, "--as-of", "2026-03-31", "--lang", lang)
    assert text.startswith(title + "\n")
    (line,) = [row for row in text.splitlines() if "A-001:F-007" in row]
    assert reason in line and kind in line and "Garage Dupont (C2)" in line
    assert ("300,00" if lang == "fr" else "300.00") in line


def test_the_cli_table_with_nothing_to_suggest():
    assert "No match to suggest at this date." in run("suggest", *WORKED_ARGS, "--as-of", "2026-02-28", "--lang", "en")


def test_the_cli_match_then_errors(tmp_path, capsys):
    workspace = tmp_path / "ws"
    Workspace(workspace).import_files(WORKED_FILES)
    said = run("match", str(workspace), "--accept", "A-001:F-007", "--as-of", "2026-03-31", "--lang", "en")
    assert said == "Import no. 2: 1 match stored (A-001:F-007); to undo it, remove this import.\n"
    said = run("match", str(workspace), "--accept", "A-001:F-007", "--as-of", "2026-03-31", "--lang", "fr")
    assert said == "Déjà accepté, rien à faire : A-001:F-007.\n"
    assert main(["match", str(workspace), "--accept", "X:Y", "--lang", "en"]) == 2
    # Without --as-of: the last day of the data, 05/04/2026 (P-09).
    assert "no suggested match X:Y at 05/04/2026" in capsys.readouterr().err
    assert main(["match", str(workspace), "--accept", "X:Y", "--lang", "fr"]) == 2
    assert "pas de rapprochement suggéré X:Y au 05/04/2026" in capsys.readouterr().err
    assert "A-001:F-007" not in run("suggest", str(workspace), "--as-of", "2026-03-31", "--format", "json")


def test_a_canonical_settlements_file_may_end_with_the_reference_and_both_readers_take_it(tmp_path):
    from kpi.store import native

    (tmp_path / "documents.csv").write_text(
        "document_id,customer_id,customer_name,activity,issue_date,due_date,amount\n"
        "F-008,C3,Zinc,Products,2026-03-15,2026-04-14,1800.00\n"
        "F-009,C3,Zinc,Services,2026-03-28,2026-04-30,700.00\n",
        encoding="utf-8",
    )
    (tmp_path / "settlements.csv").write_text(
        "settlement_id,document_id,customer_id,date,amount,kind,source_document_id,reference\n"
        "P-07,,C3,2026-03-30,700.00,cash,,VIR F-009\n",
        encoding="utf-8",
    )
    paths = [tmp_path / "documents.csv", tmp_path / "settlements.csv"]
    native_ledger = native.read_ledger(paths)
    assert native_ledger is not None  # DuckDB read the pair itself
    python_ledger = Ledger.in_memory(read_files(paths).ledger)
    for ledger in (native_ledger, python_ledger):
        assert ledger.query("SELECT settlement_id, reference FROM settlements").fetchall() == [("P-07", "VIR F-009")]
        # 700 = F-009's 700: the same amount comes first; F-009 is also the label's word, listed once.
        assert pairs(suggestions(ledger, MARCH_31)) == [("P-07:F-009", "same_amount", "C3", Decimal("700.00"))]


def test_an_invoice_a_later_import_settles_stays_overpaid_by_its_matched_payment(tmp_path):
    workspace = Workspace(tmp_path / "small")
    workspace.import_files(small_files(tmp_path))
    accept(workspace, ["P-21:F-0042"], MARCH_31)
    # Then F-0042 is paid again in full, 500 on 15/04: stored alone, it settles F-0042 for good; with P-21's 480
    # matched to it, F-0042 is overpaid: 500 − 480 − 500 = −480, an unapplied credit. K2's AR at 30/04 is
    # Σ documents 300 + 500 − Σ cash 480 + 500 = −180, to the cent.
    (tmp_path / "again.csv").write_text(
        "settlement_id,document_id,customer_id,date,amount,kind\nP-22,F-0042,K2,2026-04-15,500.00,cash\n",
        encoding="utf-8",
    )
    workspace.import_files([tmp_path / "again.csv"])
    with workspace.open() as ledger:
        items = dict(
            ledger.query(
                "SELECT document_id, outstanding FROM open_items_at([DATE '2026-04-30'], ['K2'], [], 'matched')"
            ).fetchall()
        )
    assert items == {"F-004": Decimal("300.00"), "F-0042": Decimal("-480.00")}
    assert sum(items.values()) == Decimal("-180.00")
