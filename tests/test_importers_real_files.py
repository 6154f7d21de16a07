"""The real third-party exports (tests/data/importers/real, see SOURCES.md) import exactly and reconcile."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow.compute as pc
import pytest

from kpi.importers import read_files
from kpi.metrics.report import period_report
from kpi.model.periods import Period
from kpi.store.ledger import Ledger

REAL = Path(__file__).parent / "data" / "importers" / "real"
FEC = REAL / "fec"


@pytest.fixture(scope="module")
def ibm():
    return read_files([REAL / "ibm_ar.csv"])


@pytest.fixture(scope="module")
def ibm_unpadded():
    return read_files([REAL / "ibm_ar_variant_unpadded.csv"])


def _unpadded(table):
    ids = pc.utf8_ltrim(table.column("document_id"), characters="0")
    return table.set_column(0, "document_id", ids).sort_by("document_id")


def test_ibm_invoice_list_reads_every_row_with_exact_totals(ibm):
    documents, settlements = ibm.ledger.documents, ibm.ledger.settlements
    assert documents.num_rows == 2466
    assert settlements.num_rows == 2466  # every invoice has a SettledDate: paid in full that day
    assert pc.sum(documents.column("amount")).as_py() == Decimal("147703.18")
    assert pc.sum(settlements.column("amount")).as_py() == Decimal("147703.18")
    assert pc.count_distinct(documents.column("customer_id")).as_py() == 100
    file = ibm.report.files[0]
    assert (file.layout, file.rows_read, file.rows_imported, file.reconciled) == ("invoices", 2466, 2466, True)


def test_ibm_dates_are_month_first_and_padded_numbers_stay_text(ibm):
    first = ibm.ledger.documents.slice(0, 1).to_pylist()[0]
    assert first["document_id"] == "0000611365"
    assert first["issue_date"] == date(2013, 1, 2)  # 1/2/2013 in M/D/YYYY
    assert first["due_date"] == date(2013, 2, 1)
    assert first["due_date_derived"] is False
    assert ibm.report.files[0].source["dates"] == "MM/JJ/AAAA"


def test_both_ibm_copies_give_the_same_ledger_up_to_invoice_padding(ibm, ibm_unpadded):
    assert _unpadded(ibm.ledger.documents).equals(_unpadded(ibm_unpadded.ledger.documents))
    padded = ibm.ledger.settlements.drop_columns(["settlement_id"])
    unpadded = ibm_unpadded.ledger.settlements.drop_columns(["settlement_id"])
    assert _unpadded(padded).equals(_unpadded(unpadded))


def test_both_ibm_copies_give_the_same_kpis(ibm, ibm_unpadded):
    period = Period(date(2013, 1, 1), date(2013, 12, 31))
    padded = period_report(Ledger.in_memory(ibm.ledger), period).to_json_dict()
    unpadded = period_report(Ledger.in_memory(ibm_unpadded.ledger), period).to_json_dict()
    assert padded == unpadded
    assert padded["sales"] > 0


REAL_FECS = [
    ("0000000001FEC20220831.txt", "utf-8-sig", "tabulation", Decimal("52517.24"), 538, 409, 382, 8),
    ("000000000FEC20231231.txt", "utf-8", "tabulation", Decimal("27771.70"), 153, 23, 130, 0),
    ("111111111FEC20221231.TXT", "cp1252", "barre verticale", Decimal("14416.52"), 151, 104, 74, 3),
]


@pytest.mark.parametrize(
    ("name", "encoding", "separator", "balance", "lines", "documents", "settlements", "credits"), REAL_FECS
)
def test_real_fec_imports_and_reconciles_to_the_cent(
    name, encoding, separator, balance, lines, documents, settlements, credits
):
    result = read_files([FEC / name])
    file = result.report.files[0]
    assert file.layout == "fec"
    assert (file.source["encoding"], file.source["separator"]) == (encoding, separator)
    assert file.details["customer_lines"] == lines
    assert file.rows_imported == lines  # every 411 line lands somewhere
    assert file.details["balance_411"] == balance
    assert file.details["unclassified"] == []
    ledger = result.ledger
    assert ledger.documents.num_rows == documents
    # A payment or credit note lettered with several invoices is split, one settlement row per invoice.
    assert ledger.settlements.num_rows == settlements
    assert pc.count_distinct(ledger.settlements.column("settlement_id")).as_py() == settlements
    kind = ledger.settlements.column("kind")
    assert pc.sum(pc.equal(kind, "credit")).as_py() == credits
    # A credit application moves no money: AR = Σ documents − Σ cash and write-offs (KPI-SPEC §2).
    moving = ledger.settlements.filter(pc.invert(pc.equal(kind, "credit")))
    closing = pc.sum(ledger.documents.column("amount")).as_py() - pc.sum(moving.column("amount")).as_py()
    assert closing == balance
    assert pc.all(ledger.documents.column("due_date_derived")).as_py()


@pytest.mark.parametrize("name", ["0000000001FEC20220831.txt", "111111111FEC20221231.TXT"])
def test_real_fec_import_report_reconciles_with_credit_applications(name):
    file = read_files([FEC / name]).report.files[0]
    assert file.details["imported_ar"] == file.details["balance_411"]
    assert file.reconciled


def test_real_fec_without_credit_notes_reconciles_in_the_report():
    file = read_files([FEC / "000000000FEC20231231.txt"]).report.files[0]
    assert file.details["imported_ar"] == file.details["balance_411"] == Decimal("27771.70")
    assert file.reconciled


def test_fec_lettrage_settles_invoices_and_opening_balances():
    result = read_files([FEC / "0000000001FEC20220831.txt"])
    settlements = result.ledger.settlements.to_pandas()
    documents = result.ledger.documents.to_pandas().set_index("document_id")
    applied = settlements[settlements["document_id"].notna()]
    # Lettered payments all found an invoice (or the customer's unlettered opening balance);
    # the one unlettered transfer (RCH 30, 8,194.19 from CNOURR) stays unapplied.
    unapplied = settlements[settlements["document_id"].isna()]
    assert unapplied[["customer_id", "amount"]].values.tolist() == [["CNOURR", Decimal("8194.19")]]
    paid_per_document = applied.groupby("document_id")["amount"].sum()
    assert (paid_per_document <= documents.loc[paid_per_document.index, "amount"]).all()
    # LAURENT PRIMEURS: the two lettered transfers of Sept./Oct. 2021 pay its opening balance of 6,135.88,
    # issued the day before the fiscal year's first day.
    opening = documents[(documents["customer_id"] == "CLAURE") & (documents["issue_date"] == date(2021, 8, 31))]
    assert opening["amount"].tolist() == [Decimal("6135.88")]
    paid = applied[applied["document_id"] == opening.index[0]]["amount"].sum()
    assert paid == Decimal("6135.88")


def test_fec_activity_is_the_revenue_account_label():
    result = read_files([FEC / "111111111FEC20221231.TXT"])
    invoice = result.ledger.documents.filter(
        pc.equal(result.ledger.documents.column("document_id"), "VE  0123/VE-00000001")
    ).to_pylist()[0]
    assert invoice["activity"] == "VENTE NECTAR DE FRAISE"
    assert invoice["customer_id"] == "41101590"
    assert invoice["customer_name"] == "E.LECLERC CARPENTR"
    assert invoice["amount"] == Decimal("74.70")
    assert invoice["due_date"] == date(2023, 2, 8)  # 09/01/2023 + 30 days, derived


def test_fec_cash_basis_variant_with_every_entry_numbered_zero():
    result = read_files([FEC / "000000000FEC20231231.txt"])
    classes = result.report.files[0].details["classes"]
    assert classes["invoice"] == {"label": "factures", "lines": 14, "amount": "186064.84"}
    assert classes["payment"]["lines"] == 130
    assert classes["opening"]["lines"] == 9  # journal AD, « A Nouveaux Détaillés »
