"""The three real FECs read as a controller reads them (issue 9): AR is the 411 balance at every month end,
and what is aged is no more than the lettrage leaves open.

Every expected figure is computed here from the file itself with the csv module, independently of the
importer: the lines of the 411 accounts, their letters and their journals.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow.compute as pc
import pytest

from kpi.importers import read_files
from kpi.metrics.aging import aged_balance
from kpi.metrics.report import period_report
from kpi.metrics.series import aging_history, months_between
from kpi.model.filters import Filters
from kpi.model.periods import Period
from kpi.store.ledger import Ledger

FEC = Path(__file__).parent / "data" / "importers" / "real" / "fec"
DIALECTS = {
    "0000000001FEC20220831.txt": ("utf-8-sig", "\t"),
    "000000000FEC20231231.txt": ("utf-8", "\t"),
    "111111111FEC20221231.TXT": ("cp1252", "|"),
}
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Line:
    journal: str
    day: date
    account: str  # the third party's account: CompAuxNum, or CompteNum when it is empty
    letter: str
    net: Decimal  # debit − credit


@dataclass(frozen=True)
class FecFile:
    name: str
    first_day: date  # the smallest EcritureDate of any line
    last_day: date
    customer_lines: tuple[Line, ...]  # the 411 lines (or those of the account read_fec_file was asked for)

    def balance(self, on: date) -> Decimal:
        """Σ debit − Σ credit of the 411 lines dated ≤ `on`."""
        return sum((line.net for line in self.customer_lines if line.day <= on), ZERO)

    def lettrage_open(self) -> Decimal:
        """What the lettrage leaves open, per customer account: each letter group max(its net, 0); the
        unlettered debit lines their amount, less the excess of the customer's groups whose credits exceed
        their debits; unlettered credits reduce nothing."""
        groups: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        unlettered_debits: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.customer_lines:
            if line.letter:
                groups[line.account][line.letter] += line.net
            elif line.net > 0:
                unlettered_debits[line.account] += line.net
        total = ZERO
        for account in set(groups) | set(unlettered_debits):
            nets = groups[account].values()
            excess = sum((-net for net in nets if net < 0), ZERO)
            total += sum((net for net in nets if net > 0), ZERO) + max(unlettered_debits[account] - excess, ZERO)
        return total

    def positive_balances(self) -> Decimal:
        """Σ over customer accounts of max(411 balance of the account, 0)."""
        by_account: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.customer_lines:
            by_account[line.account] += line.net
        return sum((max(balance, ZERO) for balance in by_account.values()), ZERO)


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def _amount(text: str) -> Decimal:
    return Decimal(text.strip().replace(",", ".") or "0")


def read_fec_file(name: str, account: str = "411") -> FecFile:
    """The file's lines of the `account` accounts (411 customers; 401 suppliers, read as the importer mirrors
    them: `net` is then credit − debit, what the company owes)."""
    encoding, delimiter = DIALECTS[name]
    sign = -1 if account == "401" else 1
    with open(FEC / name, encoding=encoding, newline="") as handle:
        rows = [
            {key.strip(): (value or "").strip() for key, value in row.items() if key}
            for row in csv.DictReader(handle, delimiter=delimiter)
        ]
    days = [_day(row["EcritureDate"]) for row in rows]
    lines = tuple(
        Line(
            row["JournalCode"],
            _day(row["EcritureDate"]),
            row["CompAuxNum"] or row["CompteNum"],
            row["EcritureLet"],
            sign * (_amount(row["Debit"]) - _amount(row["Credit"])),
        )
        for row in rows
        if row["CompteNum"].startswith(account)
    )
    return FecFile(name, min(days), max(days), lines)


@pytest.fixture(scope="module", params=sorted(DIALECTS))
def fec(request) -> tuple[FecFile, Ledger]:
    return read_fec_file(request.param), Ledger.in_memory(read_files([FEC / request.param]).ledger)


@pytest.fixture(scope="module")
def year_2022() -> tuple[FecFile, Ledger, dict]:
    """0000000001FEC20220831.txt: fiscal year 01/09/2021–31/08/2022, lettered, with credit notes."""
    name = "0000000001FEC20220831.txt"
    result = read_files([FEC / name])
    return read_fec_file(name), Ledger.in_memory(result.ledger), result.report.files[0].details


def test_closing_ar_is_the_411_balance_at_every_month_end(fec):
    file, ledger = fec
    month_ends = [month.end for month in months_between(file.first_day, file.last_day)]
    history = aging_history(ledger, file.first_day, file.last_day)
    assert list(history["month_end"]) == month_ends
    assert [Decimal(ar) for ar in history["ar"]] == [file.balance(t) for t in month_ends]
    last = period_report(ledger, Period(date(file.last_day.year, file.last_day.month, 1), file.last_day))
    assert last.closing_ar == file.balance(file.last_day)


def test_gross_aged_ar_is_no_more_than_the_lettrage_leaves_open(fec):
    file, ledger = fec
    period = Period(date(file.last_day.year, file.last_day.month, 1), file.last_day)
    matched = period_report(ledger, period, Filters(matching="matched"))
    assert sum(matched.aging.values()) <= file.lettrage_open()
    oldest = period_report(ledger, period, Filters(matching="oldest"))
    assert sum(oldest.aging.values()) == file.positive_balances()
    assert matched.closing_ar == oldest.closing_ar == file.balance(file.last_day)


@pytest.mark.parametrize(
    ("name", "lettrage_open", "positive_balances"),
    [
        ("0000000001FEC20220831.txt", Decimal("60806.38"), Decimal("52596.37")),
        ("000000000FEC20231231.txt", Decimal("187770.84"), Decimal("27771.70")),
        ("111111111FEC20221231.TXT", Decimal("14900.54"), Decimal("14472.55")),
    ],
)
def test_lettered_pairs_leave_exactly_what_the_lettrage_leaves_open(name, lettrage_open, positive_balances):
    """The bound above is reached on all three files: every letter the files hold is read as settling
    itself, nothing more.  000000000 is a cash-basis ledger without a single letter on 411: only `oldest`
    reads it truly (its monthly takings against its bank remittances)."""
    file = read_fec_file(name)
    ledger = Ledger.in_memory(read_files([FEC / name]).ledger)
    period = Period(date(file.last_day.year, file.last_day.month, 1), file.last_day)
    assert (file.lettrage_open(), file.positive_balances()) == (lettrage_open, positive_balances)
    assert sum(period_report(ledger, period).aging.values()) == lettrage_open


def test_opening_ar_is_the_a_nouveaux_and_not_a_sale_of_september(year_2022):
    file, ledger, details = year_2022
    a_nouveaux = sum((line.net for line in file.customer_lines if line.journal == "ANO"), ZERO)
    september_sales = sum(
        (line.net for line in file.customer_lines if line.journal == "VEN" and line.day.strftime("%Y%m") == "202109"),
        ZERO,
    )
    assert (a_nouveaux, september_sales) == (Decimal("59146.90"), Decimal("62703.36"))
    report = period_report(ledger, Period(date(2021, 9, 1), date(2021, 9, 30)))
    assert report.opening_ar == a_nouveaux  # AR at 31/08/2021, the day before the fiscal year
    assert report.sales == september_sales  # before: 121 850,26, the à-nouveaux included
    assert report.cei <= 100
    assert details["opening_documents"] == {"count": 7, "amount": a_nouveaux}


def test_a_credit_note_lettered_with_its_invoice_leaves_nothing_open(year_2022):
    _, ledger, _ = year_2022
    applied = ledger.canonical().settlements
    pair = applied.filter(pc.equal(applied.column("source_document_id"), "AV  220187")).to_pylist()
    assert [(s["document_id"], s["kind"], s["date"], s["amount"]) for s in pair] == [
        ("FA  220185", "credit", date(2022, 2, 11), Decimal("4303.52"))
    ]
    open_items = aged_balance(ledger, date(2022, 8, 31), by="document").rows
    assert not open_items["document_id"].isin(["FA  220185", "AV  220187"]).any()


def test_jules_nourrit_shows_only_its_unlettered_invoice_overdue(year_2022):
    """JULES NOURRIT showed 13 055,38 € « échu » for a total of −79,13 €: FA 220247 (4 926,39) cancelled by
    AV 220282, 13,93 left on FA 220265 cancelled by AV 220300, and FA 220272 (8 115,06).  The last one is
    not lettered, nor is the transfer of 8 194,19 that pays it: matched mode keeps both apart, oldest nets."""
    _, ledger, _ = year_2022
    period = Period(date(2022, 8, 1), date(2022, 8, 31))
    matched = period_report(ledger, period, Filters(customers=("CNOURR",)))
    assert (matched.closing_ar, matched.closing_overdue_ar, matched.unapplied_credits) == (
        Decimal("-79.13"),
        Decimal("8115.06"),
        Decimal("-8194.19"),
    )
    oldest = period_report(ledger, period, Filters(customers=("CNOURR",), matching="oldest"))
    assert (oldest.closing_ar, oldest.closing_overdue_ar, oldest.unapplied_credits) == (
        Decimal("-79.13"),
        ZERO,
        Decimal("-79.13"),
    )


def test_overdue_at_the_year_end_drops_by_the_credit_notes_the_file_letters(year_2022):
    """At 31/08/2022 the aged balance showed 26 923,31 € overdue, 18 410,41 € of it invoices the file
    letters to zero with their 8 credit notes (all 8 overdue then, the last, FA 220362 of 30/07/2022, by
    2 days).  Applied, they leave 26 923,31 − 18 410,41 = 8 512,90 € overdue, which is
    8 115,06 (JULES NOURRIT FA 220272, unlettered, its transfer apart) + 100,33 + 202,56 (LE VERGER DE
    RETAYON FA 220301 and FA 220302, 61–90 days) + 94,95 (PERRIER CHRISTIAN's à-nouveau, cancelled by an
    unlettered credit note of 10/08/2022, so still open in matched mode).  The overdue rate falls from
    34 % to 8 512,90 / 60 806,38 = 14 %."""
    _, ledger, details = year_2022
    report = period_report(ledger, Period(date(2022, 8, 1), date(2022, 8, 31)))
    assert details["credit_notes_applied"] == {"count": 8, "amount": Decimal("18410.41")}
    assert details["credit_notes_unapplied"] == {"count": 1, "amount": Decimal("94.95")}
    assert report.closing_overdue_ar == Decimal("26923.31") - Decimal("18410.41") == Decimal("8512.90")
    assert report.aging["61_90"] == Decimal("100.33") + Decimal("202.56")
    assert (report.aging["91_120"], report.aging["over_120"]) == (Decimal("8115.06"), Decimal("94.95"))
    assert round(report.overdue_rate) == 14
    oldest = period_report(ledger, Period(date(2022, 8, 1), date(2022, 8, 31)), Filters(matching="oldest"))
    assert oldest.closing_overdue_ar == Decimal("302.89")  # LE VERGER DE RETAYON alone


def test_an_unapplied_cent_written_off_reduces_ar():
    """111111111FEC20221231.TXT: the name says 2022, its entries run from 01/01/2023 (à-nouveaux) to 31/07/2023.
    So at 31/12/2022 the AR is the à-nouveaux' 15 489,06 €, and the file's 411 balance of 14 416,52 € is the
    closing AR at 31/07/2023, where the unlettered cent written off against 678 (LES DELICES DU JARDIN, paid
    56,04 of 56,05) is counted: 14 416,52, not 14 416,53."""
    name = "111111111FEC20221231.TXT"
    file = read_fec_file(name)
    result = read_files([FEC / name])
    ledger = Ledger.in_memory(result.ledger)
    assert result.report.files[0].details["unapplied_writeoffs"] == {"count": 1, "amount": Decimal("0.01")}
    a_nouveaux = sum((line.net for line in file.customer_lines if line.journal == "AN"), ZERO)
    assert a_nouveaux == Decimal("15489.06")
    assert period_report(ledger, Period(date(2022, 12, 1), date(2022, 12, 31))).closing_ar == a_nouveaux
    report = period_report(ledger, Period(date(2023, 7, 1), date(2023, 7, 31)))
    assert report.closing_ar == file.balance(date(2023, 7, 31)) == Decimal("14416.52")


# -- The supplier side (accounts 401), read by the same reader with debit and credit swapped --------------


@pytest.fixture(scope="module", params=sorted(DIALECTS))
def suppliers(request) -> tuple[FecFile, Ledger, str]:
    return (
        read_fec_file(request.param, "401"),
        Ledger.in_memory(read_files([FEC / request.param]).ledger),
        request.param,
    )


def test_the_imported_supplier_balance_is_the_401_balance_at_every_month_end(suppliers):
    """Σ supplier invoices − Σ supplier payments and write-offs dated ≤ t (credit applications move no money)
    equals the file's own Σ credit − Σ debit of the 401 lines dated ≤ t, to the cent, at every month end; at
    the file's last day, what the report says."""
    file, ledger, name = suppliers
    for month in months_between(file.first_day, file.last_day):
        imported = ledger.query(
            "SELECT (SELECT coalesce(sum(amount), 0) FROM supplier_documents WHERE issue_date <= $t)"
            " - (SELECT coalesce(sum(amount), 0) FROM supplier_settlements WHERE kind <> 'credit' AND date <= $t)",
            {"t": month.end},
        ).fetchall()[0][0]
        assert imported == file.balance(month.end), month.end
    details = read_files([FEC / name]).report.files[0].details["suppliers"]
    assert details["balance_401"] == details["imported_ar"] == file.balance(file.last_day)


@pytest.mark.parametrize(
    ("name", "balance"),
    [
        ("0000000001FEC20220831.txt", Decimal("43813.92")),
        ("000000000FEC20231231.txt", Decimal("4631.00")),
        ("111111111FEC20221231.TXT", Decimal("17324.32")),
    ],
)
def test_the_supplier_balances_of_the_three_files(name, balance):
    assert read_fec_file(name, "401").balance(date(2099, 12, 31)) == balance


def test_every_invoice_of_a_balanced_letter_is_settled(suppliers):
    """A supplier invoice whose 401 line carries a letter that balances (Σ credit = Σ debit of the supplier's
    lines of that letter) has nothing left open at the file's last day, in the mode that reads the lettrage;
    the lines are found back by their row in the file (source_row, the header being row 1)."""
    file, ledger, name = suppliers
    from kpi.importers.fec import read_fec
    from kpi.importers.tables import open_table
    from kpi.importers.terms import PaymentTerms

    encoding, delimiter = DIALECTS[name]
    with open(FEC / name, encoding=encoding, newline="") as handle:
        rows = [
            {key.strip(): (value or "").strip() for key, value in row.items() if key}
            for row in csv.DictReader(handle, delimiter=delimiter)
        ]
    letters: dict[tuple[str, str], list[tuple[int, Decimal]]] = defaultdict(list)
    for index, row in enumerate(rows):
        if row["CompteNum"].startswith("401") and row["EcritureLet"]:
            owed = _amount(row["Credit"]) - _amount(row["Debit"])
            letters[(row["CompAuxNum"] or row["CompteNum"], row["EcritureLet"])].append((index + 2, owed))
    invoice_rows = {
        at for lines in letters.values() if sum(owed for _, owed in lines) == 0 for at, owed in lines if owed > 0
    }
    parsed = read_fec(open_table(FEC / name), PaymentTerms.parse("30"), 7, [])
    assert parsed is not None and parsed.supplier_documents is not None
    documents = parsed.supplier_documents.to_pylist()
    lettered = {d["document_id"] for d in documents if d["source_row"] in invoice_rows}
    assert len(lettered) == len(invoice_rows) > 0
    still_open = {
        row[0]
        for row in ledger.query(
            "SELECT document_id FROM supplier_items_at($t, 'matched') WHERE outstanding <> 0", {"t": file.last_day}
        ).fetchall()
    }
    assert not lettered & still_open


def test_oldest_mode_leaves_each_supplier_its_positive_balance(suppliers):
    """In `oldest`, each supplier's credits are netted against its oldest invoices: what stays open is
    Σ over suppliers of max(their 401 balance, 0), as on the customer side."""
    file, ledger, _ = suppliers
    open_invoices = ledger.query(
        "SELECT coalesce(sum(outstanding), 0) FROM supplier_items_at($t, 'oldest')"
        " WHERE item_kind = 'invoice' AND outstanding > 0",
        {"t": file.last_day},
    ).fetchall()[0][0]
    assert open_invoices == file.positive_balances()


def test_the_supplier_warnings_speak_of_suppliers():
    """The reconciliation's warnings of the 401 side are said apart and in its own words: 401, suppliers and
    purchases, never 411, customers or sales."""
    warnings = read_files([FEC / "0000000001FEC20220831.txt"]).report.warnings
    for lang, apart, customers in (
        ("en", "suppliers (401): ", ("411", "customer", "sale")),
        ("fr", "fournisseurs (401) : ", ("411", "client", "vente")),
    ):
        said = [w.render(lang) for w in warnings if apart in w.render(lang)]
        assert len(said) == 6  # due dates, unclassified lines, à-nouveaux, and three lettrage figures
        assert not [text for text in said if any(word in text for word in customers)]
