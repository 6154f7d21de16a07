"""The demo ledger generator: determinism, conformance to the canonical tables, and realistic content."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from kpi.demo.files import _write_csv, write_demo
from kpi.demo.ledger import ACTIVITIES, generate_chunks, generate_ledger
from kpi.demo.logs import ACTIVITY_CSV_COLUMNS, generate_activity_logs
from kpi.importers import read_files
from kpi.metrics.aging import aged_balance
from kpi.metrics.collection import NEEDS, activity_report
from kpi.metrics.promises import promise_list
from kpi.metrics.settings import ActivitySettings
from kpi.model.canonical import DOCUMENTS_SCHEMA, SETTLEMENTS_SCHEMA
from kpi.model.filters import Filters
from kpi.model.periods import Period
from kpi.store.ledger import Ledger
from kpi.store.workspace import ensure_demo_workspace

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "data" / "demo"
WORKED = REPO / "tests" / "data" / "worked"  # a copy of ../shared/examples/worked
MATCHING = REPO / "tests" / "data" / "matching"  # a copy of ../shared/examples/matching
END = date(2026, 10, 31)


@pytest.fixture(scope="module")
def demo():
    return generate_ledger()


@pytest.fixture(scope="module")
def sql(demo):
    """Run a query over the demo's `documents` and `settlements`, plus `balances`: each document's
    outstanding at the end date (KPI-SPEC §2: a credit note's rises towards 0 as it is applied) and its
    days past due then."""
    connection = duckdb.connect()
    # Registered Arrow tables are not visible to cursors: copy them into real tables.
    for name, table in (("documents", demo.documents), ("settlements", demo.settlements)):
        connection.register(f"{name}_arrow", table)
        connection.execute(f"create table {name} as select * from {name}_arrow")
    connection.execute(
        f"""
        create view balances as
        select d.*, d.amount - coalesce(s.settled, 0) + coalesce(u.used, 0) as outstanding,
               date '{END}' - d.due_date as days_past_due
        from documents d
        left join (select document_id, sum(amount) as settled from settlements group by 1) s using (document_id)
        left join (select source_document_id as document_id, sum(amount) as used from settlements
                   where kind = 'credit' group by 1) u using (document_id)
        """
    )

    def query(text: str):
        return connection.cursor().execute(text).fetchall()

    yield query
    connection.close()


# --- determinism


def test_same_seed_gives_identical_tables(demo):
    again = generate_ledger()
    assert again.documents.equals(demo.documents)
    assert again.settlements.equals(demo.settlements)


def test_another_seed_gives_another_ledger(demo):
    other = generate_ledger(seed=7)
    assert not other.documents.equals(demo.documents)
    assert not other.settlements.equals(demo.settlements)


def test_chunks_hold_exactly_the_rows_of_the_ledger(demo):
    chunks = list(generate_chunks())
    assert len(chunks) == 36  # one per month from November 2023 to October 2026
    assert pa.concat_tables([c.documents for c in chunks]).equals(demo.documents)
    settlements = pa.concat_tables([c.settlements for c in chunks]).sort_by("settlement_id")
    assert settlements.equals(demo.settlements.sort_by("settlement_id"))


# --- the committed demo


def test_committed_csvs_are_what_the_generator_writes(tmp_path):
    documents, settlements = write_demo(tmp_path)
    assert documents.read_bytes() == (COMMITTED / "documents.csv").read_bytes()
    assert settlements.read_bytes() == (COMMITTED / "settlements.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == sorted(p.name for p in COMMITTED.glob("*.csv"))
    for name in ACTIVITY_CSV_COLUMNS:
        assert (tmp_path / name).read_bytes() == (COMMITTED / name).read_bytes(), name


def test_committed_csvs_import_back_to_the_generated_tables(demo):
    result = read_files([COMMITTED / "documents.csv", COMMITTED / "settlements.csv"])
    assert result.ledger.documents.equals(demo.documents)
    assert result.ledger.settlements.equals(demo.settlements)
    assert all(file.reconciled for file in result.report.files)


def test_csv_header_is_the_examples_header():
    # settlements.csv has the credit applications, hence the matching example's source_document_id.
    for name, example in (("documents.csv", WORKED), ("documents.csv", MATCHING), ("settlements.csv", MATCHING)):
        committed = (COMMITTED / name).read_text(encoding="utf-8").splitlines()[0]
        assert committed == (example / name).read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.parametrize("example", [WORKED, MATCHING], ids=["worked", "matching"])
def test_csv_writer_reproduces_the_examples_byte_for_byte(tmp_path, example):
    # The worked example quotes `Café "Le Zinc"` and leaves unapplied cash's document_id empty;
    # the matching one leaves source_document_id empty on every row but a credit application.
    ledger = read_files([example / "documents.csv", example / "settlements.csv"]).ledger
    for name, table in (("documents.csv", ledger.documents), ("settlements.csv", ledger.settlements)):
        header = tuple((example / name).read_text(encoding="utf-8").splitlines()[0].split(","))
        _write_csv(table, header, tmp_path / name)
        assert (tmp_path / name).read_bytes() == (example / name).read_bytes()


# --- the collection-activity logs


@pytest.fixture(scope="module")
def logs(demo):
    return generate_activity_logs(demo)


def _column(table: pa.Table, index: int) -> list:
    return table.column(index).to_pylist()


def test_same_seed_gives_identical_logs_and_another_seed_other_logs(demo, logs):
    again = generate_activity_logs(demo)
    assert all(again[name].equals(logs[name]) for name in ACTIVITY_CSV_COLUMNS)
    other = generate_activity_logs(generate_ledger(seed=7), seed=7)
    assert not other["relances.csv"].equals(logs["relances.csv"])
    assert not other["litiges.csv"].equals(logs["litiges.csv"])


def test_logs_have_the_headers_the_activity_importer_recognises():
    result = read_files(sorted(COMMITTED.glob("*.csv")))
    layouts = {file.file: file.layout for file in result.report.files}
    logs = {
        "litiges.csv": "disputes",
        "relances.csv": "reminders",
        "echeanciers.csv": "payment_plans",
        "frais.csv": "collection_costs",
        "promesses.csv": "promises",
    }
    assert layouts == {"documents.csv": "canonical-documents", "settlements.csv": "canonical-settlements", **logs}
    for name, log in logs.items():
        rows = (COMMITTED / name).read_text(encoding="utf-8").count("\n") - 1
        assert getattr(result.ledger, log).num_rows == rows, name


def test_logs_reference_documents_and_customers_of_the_demo(demo, logs):
    documents = dict(
        zip(demo.documents.column("document_id").to_pylist(), demo.documents.column("customer_id").to_pylist())
    )
    amounts = dict(zip(documents, demo.documents.column("amount").to_pylist()))
    disputes, reminders, plans = logs["litiges.csv"], logs["relances.csv"], logs["echeanciers.csv"]
    assert all(amounts[d] > 0 for d in _column(disputes, 0))  # invoices only, each known
    assert len(set(_column(disputes, 0))) == disputes.num_rows
    assert all(documents[d] == c for d, c in zip(_column(reminders, 2), _column(reminders, 1)))
    assert set(_column(plans, 1)) <= set(documents.values())
    assert all(0 < a <= amounts[d] for d, a in zip(_column(disputes, 0), _column(disputes, 3)))


def test_logs_look_like_a_collection_department(demo, logs):
    invoices = pc.sum(pc.greater(demo.documents.column("amount"), 0)).as_py()
    disputes = logs["litiges.csv"]
    assert 0.01 < disputes.num_rows / invoices < 0.05
    resolved = _column(disputes, 2)
    assert sum(r is None for r in resolved) >= 3 and sum(r is not None for r in resolved) > disputes.num_rows / 2
    assert all(r is None or o <= r <= END for o, r in zip(_column(disputes, 1), resolved))
    reminders = logs["relances.csv"]
    assert set(_column(reminders, 4)) == {"R1", "R2", "R3", "Mise en demeure", "Agence"}
    costs = _column(reminders, 5)
    assert any(c is None for c in costs) and any(c is not None and c > 0 for c in costs)
    assert max(_column(reminders, 0)) <= END
    plans = logs["echeanciers.csv"]
    assert 2 <= len(set(_column(plans, 0))) <= 3
    frais = logs["frais.csv"]
    assert set(_column(frais, 1)) == {"Personnel", "Agence de recouvrement", "Juridique"}
    assert len({d for d, c in zip(_column(frais, 0), _column(frais, 1)) if c == "Personnel"}) == 36


def test_reminders_stop_once_cash_and_credit_notes_clear_the_invoice(logs, sql):
    cleared = dict(
        sql(
            """select document_id, min(date) from (
             select s.document_id, s.date, d.amount,
                    sum(s.amount) over (partition by s.document_id order by s.date) as running
             from settlements s join documents d using (document_id)) where running >= amount group by 1"""
        )
    )
    credited = {row[0] for row in sql("select document_id from settlements where kind = 'credit'")}
    reminders = logs["relances.csv"]
    reminded = list(zip(_column(reminders, 2), _column(reminders, 0)))
    assert all(day < cleared[invoice] for invoice, day in reminded if invoice in cleared)
    assert len({invoice for invoice, _ in reminded if invoice in credited}) >= 5  # the rule is exercised
    # A formal notice or the agency is for what the customer still owes once its credit notes are applied.
    owed = dict(
        sql(
            """select d.document_id, d.amount - coalesce(sum(s.amount), 0) from documents d
           left join settlements s on s.document_id = d.document_id and s.kind = 'credit'
           group by d.document_id, d.amount"""
        )
    )
    minimum = {"Mise en demeure": 300, "Agence": 1000}
    stages = zip(_column(reminders, 2), _column(reminders, 4))
    assert all(owed[invoice] >= minimum.get(stage, 0) for invoice, stage in stages)


def test_every_activity_kpi_of_october_2026_has_a_value_on_the_demo_workspace(tmp_path):
    ledger = ensure_demo_workspace(tmp_path).open()
    report = activity_report(ledger, Period(date(2026, 10, 1), END), settings=ActivitySettings())
    assert report.logs == frozenset({"disputes", "reminders", "payment_plans", "collection_costs", "promises"})
    for key in NEEDS:
        assert getattr(report, key) is not None, key
    assert report.reminders_count > 0 and report.open_disputes_count > 0 and report.amount_in_plans > 0
    assert report.disputed_amount > 0 and report.installments_due > 0
    assert all(value is not None for value in report.collection_rate_by_bucket.values())
    # October's promises: one kept, one broken; eleven still open at its end (made in its last days).
    assert (report.promises_kept, report.promises_broken, report.promise_kept_rate) == (1, 1, 50.0)
    assert report.promises_open_count == 11
    states = promise_list(ledger, END)["status"].value_counts().to_dict()
    assert states == {"broken": 47, "kept": 46, "open": 11}


# --- conformance to the canonical tables


def test_tables_have_the_canonical_schemas(demo):
    assert demo.documents.schema == DOCUMENTS_SCHEMA
    assert demo.settlements.schema == SETTLEMENTS_SCHEMA
    assert demo.documents.column("due_date_derived").to_pylist() == [False] * demo.documents.num_rows


def test_ids_are_unique_and_shaped_like_french_ledgers(sql):
    assert sql("select count(*) = count(distinct document_id) from documents") == [(True,)]
    assert sql("select count(*) = count(distinct settlement_id) from settlements") == [(True,)]
    assert sql(
        r"""select count(*) from documents where not (
              (amount > 0 and regexp_full_match(document_id, 'FA-\d{4}-\d{5}'))
           or (amount < 0 and regexp_full_match(document_id, 'AV-\d{4}-\d{4}')))"""
    ) == [(0,)]
    assert sql(
        r"""select count(*) from settlements where not (
              (kind = 'cash' and regexp_full_match(settlement_id, 'RG-\d{4}-\d{5}-[123]'))
           or (kind = 'writeoff' and regexp_full_match(settlement_id, 'PP-\d{4}-\d{5}'))
           or (kind = 'credit' and settlement_id = 'IM-' || substr(source_document_id, 4)))"""
    ) == [(0,)]
    assert sql(r"select count(*) from documents where not regexp_full_match(customer_id, 'CLI\d{4}')") == [(0,)]


def test_invoice_numbers_follow_the_issue_year(sql):
    assert sql(
        "select count(*) from documents where substr(document_id, 4, 4) <> cast(year(issue_date) as varchar)"
    ) == [(0,)]


def test_every_settlement_belongs_to_an_existing_document_of_its_customer(sql):
    assert sql(
        """select count(*) from settlements s left join documents d using (document_id)
           where s.document_id is not null and (d.document_id is null or d.customer_id <> s.customer_id)"""
    ) == [(0,)]


def test_a_credit_application_uses_a_credit_note_of_the_invoices_customer(sql):
    # What the canonical importer checks (KPI-SPEC §1): the source a credit note, the target an
    # invoice, both of the settlement's customer; no other kind names a source.
    assert sql("select count(*) from settlements where (kind = 'credit') <> (source_document_id is not null)") == [(0,)]
    assert sql(
        """select count(*) from settlements s
           left join documents i on i.document_id = s.document_id
           left join documents c on c.document_id = s.source_document_id
           where s.kind = 'credit' and not (i.amount > 0 and c.amount < 0
                 and i.customer_id = s.customer_id and c.customer_id = s.customer_id)"""
    ) == [(0,)]


def test_settlements_are_dated_between_issue_and_end(sql):
    assert sql(
        f"""select count(*) from settlements s left join documents d using (document_id)
            where s.date > date '{END}' or s.date < d.issue_date"""
    ) == [(0,)]
    # A credit note is applied the day it is issued.
    assert sql(
        """select count(*) from settlements s join documents c on c.document_id = s.source_document_id
           where s.date <> c.issue_date"""
    ) == [(0,)]


def test_amounts_have_the_expected_signs_and_ranges(sql):
    assert sql("select count(*) from settlements where amount <= 0 or kind not in ('cash', 'writeoff', 'credit')") == [
        (0,)
    ]
    assert sql("select min(amount) >= 50, max(amount) <= 25000 from documents where amount > 0") == [(True, True)]
    assert sql("select count(*) from documents where amount = 0 or due_date < issue_date") == [(0,)]


def test_demo_has_the_requested_shape(sql):
    assert sql("select count(*) from documents where amount > 0") == [(5000,)]
    assert sql("select count(distinct customer_id), count(distinct customer_name) from documents") == [(80, 80)]
    activities = {row[0] for row in sql("select distinct activity from documents")}
    assert activities == set(ACTIVITIES)
    assert sql("select min(issue_date), max(issue_date) from documents") == [(date(2023, 11, 1), END)]


def test_customer_names_are_french_with_accents_apostrophes_and_ampersands(sql):
    names = [row[0] for row in sql("select distinct customer_name from documents")]
    assert any(re.search("[éèêàâîôûç]", name, re.IGNORECASE) for name in names)
    assert any("'" in name for name in names)
    assert any(" & " in name for name in names)
    assert any(re.match("(SARL|SAS|EURL) ", name) for name in names)
    assert not any(character in name for name in names for character in '"<>,')


# --- realistic content


def test_credit_notes_are_about_three_percent_of_documents(sql):
    [(credit_notes, documents)] = sql("select count(*) filter (where amount < 0), count(*) from documents")
    assert 0.02 < credit_notes / documents < 0.04


def test_most_credit_notes_are_applied_to_their_invoice_and_some_wait(sql):
    [(credit_notes, applied, whole, on_issue)] = sql(
        """select count(*), count(u.document_id), count(*) filter (where u.used = -c.amount),
                  count(*) filter (where u.first_day = c.issue_date)
           from documents c
           left join (select source_document_id as document_id, sum(amount) as used, min(date) as first_day
                      from settlements where kind = 'credit' group by 1) u using (document_id)
           where c.amount < 0"""
    )
    assert 0.75 < applied / credit_notes < 0.95
    assert credit_notes - applied >= 5  # left unapplied, for the customer to use later
    assert whole == on_issue == applied  # each applied in full, the day it is issued


def test_a_credit_note_is_never_used_beyond_its_amount(sql):
    assert sql(
        """select count(*) from documents c
           join (select source_document_id as document_id, sum(amount) as used from settlements
                 where kind = 'credit' group by 1) u using (document_id)
           where u.used > -c.amount"""
    ) == [(0,)]
    assert sql("select count(*) from balances where amount < 0 and outstanding > 0") == [(0,)]


def test_a_few_credit_notes_settle_an_invoice_of_another_activity(sql):
    [(applied, crossing)] = sql(
        """select count(*), count(*) filter (where c.activity <> i.activity) from settlements s
           join documents c on c.document_id = s.source_document_id
           join documents i on i.document_id = s.document_id"""
    )
    assert 2 <= crossing <= 0.15 * applied


def test_no_invoice_a_credit_note_settles_is_overpaid(sql):
    # Its cash covers only what the credit note leaves (the deliberate overpayments are elsewhere).
    [(credited, overpaid)] = sql(
        """select count(*), count(*) filter (where outstanding < 0) from balances
           where document_id in (select document_id from settlements where kind = 'credit')"""
    )
    assert credited >= 100 and overpaid == 0


def test_no_invoice_is_left_open_by_the_credit_note_of_its_customer(sql):
    # The pairs of issue 9: an invoice paid minus a credit note that nobody applied to it.
    assert sql(
        """select count(*) from balances c join balances i
             on i.customer_id = c.customer_id and i.amount > 0 and i.outstanding = -c.outstanding
           where c.amount < 0 and c.outstanding < 0"""
    ) == [(0,)]


def _customer_of_issue_9(sql) -> str:
    """« Couverture Leclerc », whose overdue the issue found made of invoice / credit-note pairs."""
    [(customer,)] = sql(
        """select customer_id from documents
           group by customer_id, customer_name
           order by customer_name = 'Couverture Leclerc' desc, count(*) filter (where amount < 0) desc, customer_id
           limit 1"""
    )
    return customer


def test_the_customer_of_issue_9_has_no_invoice_cancelled_by_a_credit_note_in_its_aged_balance(demo, sql):
    customer = _customer_of_issue_9(sql)
    assert customer == "CLI0052"  # Couverture Leclerc, still there with this seed
    credit_notes = {
        row[0] for row in sql(f"select document_id from documents where customer_id = '{customer}' and amount < 0")
    }
    applied_to = dict(
        sql(
            f"select source_document_id, document_id from settlements "
            f"where kind = 'credit' and customer_id = '{customer}'"
        )
    )
    assert len(credit_notes) >= 3 and set(applied_to) == credit_notes
    # In matched mode its aged balance held each invoice open by its credit note's amount, over
    # 120 days, and the credit note apart: now neither is open.
    aged = aged_balance(Ledger.in_memory(demo), END, by="document", filters=Filters(customers=(customer,))).rows
    assert not set(aged["document_id"]) & (credit_notes | set(applied_to.values()))


def test_partial_payments_leave_invoices_paid_or_still_open(sql):
    rows = sql(
        """select b.outstanding = 0 as settled, count(*) from balances b
           join (select document_id from settlements where kind = 'cash' group by 1 having count(*) >= 2)
             using (document_id)
           group by 1"""
    )
    counts = dict(rows)
    assert counts[True] >= 50  # instalments that add up to the cent
    assert counts[False] >= 1


def test_unapplied_cash_exists_and_is_recent_for_the_most_part(sql):
    [(count, recent)] = sql(
        f"""select count(*), count(*) filter (where date > date '{END}' - 45) from settlements
            where document_id is null"""
    )
    assert count >= 10
    assert sql("select count(*) from settlements where document_id is null and kind <> 'cash'") == [(0,)]
    assert recent > count / 3


def test_writeoffs_clear_the_remaining_balance_of_defaulting_customers(sql):
    [(writeoffs, customers)] = sql(
        "select count(*), count(distinct customer_id) from settlements where kind = 'writeoff'"
    )
    assert writeoffs >= 10
    assert customers >= 2
    assert sql(
        """select count(*) from balances where outstanding <> 0
           and document_id in (select document_id from settlements where kind = 'writeoff')"""
    ) == [(0,)]


def test_some_invoices_are_overpaid(sql):
    [(overpaid,)] = sql("select count(*) from balances where amount > 0 and outstanding < 0")
    assert overpaid >= 5


def test_late_payments_are_common_but_not_universal(sql):
    [(late_share,)] = sql(
        """select avg((s.date > d.due_date)::int) from settlements s join documents d using (document_id)
           where s.kind = 'cash'"""
    )
    assert 0.3 < late_share < 0.85


def test_aged_balance_at_the_end_is_mostly_not_due_with_a_tail_over_120_days(sql):
    [(gross_ar, not_due, over_120, old_invoices)] = sql(
        """select sum(outstanding), sum(outstanding) filter (where days_past_due <= 0),
                  sum(outstanding) filter (where days_past_due > 120), count(*) filter (where days_past_due > 120)
           from balances where outstanding > 0"""
    )
    assert not_due / gross_ar > 0.5
    assert 0.03 < over_120 / gross_ar < 0.3
    assert old_invoices >= 10


def test_recent_invoices_are_mostly_open(sql):
    [(open_share,)] = sql(
        f"select avg((outstanding > 0)::int) from balances where amount > 0 and issue_date > date '{END}' - 20"
    )
    assert open_share > 0.8


def test_invoicing_dips_in_august_and_sales_grow_over_the_years(sql):
    invoices = dict(sql("select strftime(issue_date, '%Y-%m'), count(*) from documents where amount > 0 group by 1"))
    for year in (2024, 2025, 2026):
        months = [invoices[f"{year}-{month:02d}"] for month in range(1, 11)]
        assert invoices[f"{year}-08"] < 0.7 * sum(months) / len(months)
    [(first_year, last_year)] = sql(
        """select sum(amount) filter (where issue_date < date '2024-11-01'),
                  sum(amount) filter (where issue_date >= date '2025-11-01') from documents"""
    )
    assert last_year > Decimal("1.2") * first_year


# --- scale and arguments


def test_larger_ledgers_keep_about_one_settlement_per_invoice():
    ledger = generate_ledger(invoices=100_000, seed=1)
    invoices = pc.sum(pc.greater(ledger.documents.column("amount"), 0)).as_py()
    assert invoices == 100_000
    assert 0.9 < ledger.settlements.num_rows / invoices < 1.15
    assert len(set(ledger.documents.column("document_id").to_pylist())) == ledger.documents.num_rows
    assert len(set(ledger.settlements.column("settlement_id").to_pylist())) == ledger.settlements.num_rows


def test_a_period_without_days_is_refused():
    with pytest.raises(ValueError):
        generate_ledger(start=date(2026, 1, 1), end=date(2026, 1, 1))
