"""FEC (Fichier des Écritures Comptables, LPF art. A47 A-1): customer-account (411) lines read as documents and settlements.

Each 411 line is classified by the other accounts of its entry, journal codes and labels
being only hints because every software names its journals differently.  In this order:

- opening entry (journal AN/ANO/RAN…, label « à nouveaux ») -> an opening document of its sign;
- debit: revenue 7… (a sale) -> invoice; bank/cash 51…/53…/54…/58… -> refund; écart or gain
  758…/778… or a loss account -> a document (« écarts et régularisations »);
- credit: bank/cash -> payment; loss 654…/658…/6714…/6718…/678…/665… (write-off, rounding,
  écart de règlement) -> write-off; revenue -> credit note (negative document); 758…/778… ->
  a negative document (« écarts et régularisations », applied as a credit note is);
- anything else -> a document (debit) or unapplied cash (credit), listed in the report.

A sale decides before an écart: 758/778 are not read as revenue, so an invoice entry with a
rounding line is still an invoice, and the activity never comes from an écart.  A 411 credit in
an entry holding both a bank line and a loss line (a payment short by a few cents, the écart
booked in the same entry) is split: the entry's loss amount is a write-off, taken from its 411
credit lines in file order, the rest is cash, so collected is what the bank received.  A gain
758/778 in a bank entry touches no 411 line: the 411 credit there is a payment in full.

So every 411 line lands somewhere and Σ documents − Σ cash and write-offs = Σ debit − Σ credit
on 411.  Lettrage (same letter, same customer, kpi/importers/lettrage.py) tells which credits —
payments, write-offs, credit notes — settle which invoices; unlettered ones stay unapplied, and
unapplied write-offs reduce the receivables as unapplied cash does (KPI-SPEC §2).

A credit note applied to an invoice becomes a `credit` settlement (KPI-SPEC §1): the FEC gives
no date for that application (DateLet is the day the lettrage was done, often months later or
empty), so it is dated the later of the two documents' issue dates, the first day both exist.

À-nouveaux are the receivables carried from the previous year, not sales of the first day: they
are issued the day before the file's first day, or on their own earlier piece date when the line
gives one (detailed à-nouveaux carry each open invoice's date).  The file's first day is its
earliest entry, except that detailed à-nouveaux dated on their invoices' days do not count: it is
the earlier of the first entry that is no à-nouveau and the latest à-nouveau date (the day the
opening entry itself is dated).

The FEC has no due date: every document's is derived from the payment terms, and flagged so.

Amounts: the norm wants a decimal comma and no thousands separator.  A value such as « 1.500 » (a
point followed by three digits, no comma) could be 1,50 € or 1 500 €: it is refused.  A file none of
whose amounts has a comma is read with a decimal point (« 1500.00 », « 12.5 »), and the report says
so; a file mixing both marks is refused at the first value that does not fit.  In the « Montant +
Sens » variant, Sens is D or C, Débit or Crédit, DEBIT or CREDIT, +1 (or 1) or -1, in any case and
with or without accents; anything else is refused.  Entries whose debits and credits differ (by
JournalCode and EcritureNum) and lines carrying both a debit and a credit happen in real files: they
are read as they are (a line for its debit − credit) and named in the report's warnings.  A file
whose debits or credits add up beyond what DECIMAL(18,2) holds is refused before anything is summed.

Supplier accounts 401 (4010000, 401XXX auxiliary accounts, CompAuxNum suppliers) are read the same way,
into the supplier tables (ParsedFile.supplier_documents/supplier_settlements), with debit and credit
swapped (AccountSide): a supplier invoice is a credit on 401 against purchases 6… or assets 2…, a payment
a debit against the bank, a supplier credit note a debit against purchases; their due dates are derived
from the same payment terms.  They reconcile on their own (Σ credit − Σ debit of 401 in `details["suppliers"]`)
and never reach the receivables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi.importers.amounts import AmountError, parse_amounts
from kpi.importers.cents import cents_to_decimal, from_cents, to_cents
from kpi.importers.dates import DateError, DateFormats, parse_dates
from kpi.importers.errors import ImportIssue
from kpi.importers.fields import money_total_issue
from kpi.importers.headers import compact
from kpi.importers.lettrage import Allocation, allocate
from kpi.importers.parsed import DOCUMENTS_WITH_ORIGIN, SETTLEMENTS_WITH_ORIGIN, ParsedFile, with_origin
from kpi.importers.tables import TextTable
from kpi.importers.terms import PaymentTerms
from kpi.model.names import UNASSIGNED_ACTIVITY
from kpi.text.messages import Message

FEC_COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
REQUIRED = ("JournalCode", "EcritureNum", "EcritureDate", "CompteNum")
CUSTOMER_ACCOUNT = "411"
REVENUE_PREFIXES = ("7",)
CASH_PREFIXES = ("51", "53", "54", "58")
WRITEOFF_PREFIXES = ("654", "658", "6714", "6718", "678", "665")
# Écarts de règlement and exceptional income: in class 7, yet never a sale (see the docstring).
ADJUSTMENT_PREFIXES = ("758", "778")
SUPPLIER_ACCOUNT = "401"


@dataclass(frozen=True)
class AccountSide:
    """The third-party accounts one side of the ledger is read from, and the counterparts that classify their
    lines.  The supplier side is the customer side in a mirror: its lines are read with debit and credit
    swapped, so that a supplier invoice (a credit on 401 against purchases 6…) is a « debit » against a
    « sale », a payment to a supplier (a debit on 401 against the bank) a « credit » against cash, the gain of
    a payment short by a few cents (758/778) its write-off and a loss (658/678) its écart."""

    account: str
    sale_prefixes: tuple[str, ...]
    writeoff_prefixes: tuple[str, ...]
    adjustment_prefixes: tuple[str, ...]
    balance_key: str  # the reconciliation's name for the accounts' balance in the file
    # Whether a lettered payment dated more than the tolerance before its invoice is kept apart (customers: a
    # payment before the invoice is a deposit) or settles it all the same (suppliers: the invoice is booked
    # when it arrives, often after a card payment or a prepayment the lettrage ties to it).
    lettered_dates: bool = True


CUSTOMERS = AccountSide(CUSTOMER_ACCOUNT, REVENUE_PREFIXES, WRITEOFF_PREFIXES, ADJUSTMENT_PREFIXES, "balance_411")
# Purchases and fixed assets bought on 401; gains and losses of class 7 and 6 are never a purchase.
SUPPLIERS = AccountSide(
    SUPPLIER_ACCOUNT,
    ("6", "2"),
    ("758", "765", "778", "7714", "7718"),
    ("654", "658", "6714", "6718", "678"),
    "balance_401",
    lettered_dates=False,
)
# The reconciliation's warnings that the supplier side words its own way (messages `fec.suppliers.*`).
SUPPLIER_WORDED = (
    "debit_and_credit",
    "unbalanced",
    "unclassified",
    "openings",
    "lettered_payments_kept",
    "lettered_payments_applied",
    "lettered_notes_applied",
    "zero_lines",
)
OPENING_JOURNALS = {"AN", "ANO", "RAN", "RANO", "ANOUV", "AND", "OUV", "ANX"}
_OPENING_LABEL = re.compile(r"(?i)\b(a|à)\s*-?\s*nouveaux?\b|report\s+(a|à)\s+nouveau|\bouverture\b")

CLASS_LABELS = {
    name: Message(f"fec.class.{name}")
    for name in (
        "invoice",
        "credit_note",
        "opening",
        "payment",
        "refund",
        "writeoff",
        "adjustment",
        "other_debit",
        "other_credit",
    )
}
DOCUMENT_CLASSES = ("invoice", "credit_note", "opening", "refund", "adjustment", "other_debit")


# The « Montant + Sens » variant: what Sens may say, once upper-cased and without accents.
DEBIT_SENSES = ("D", "DEBIT", "+1", "1")
CREDIT_SENSES = ("C", "CREDIT", "-1")
# A point followed by three digits and no comma: 1,50 € or 1 500 €?
_POINT_THOUSANDS = r"^[^,]*\.\d{3}[)\-]?$"
NAMED_ENTRIES = 5  # EcritureNum named one by one in a warning; the others are counted


def _columns(table: TextTable) -> dict[str, str]:
    """Standard FEC name -> header in the file (case varies: Montantdevise / MontantDevise)."""
    by_key = {compact(h): h for h in table.headers}
    wanted = FEC_COLUMNS + ("Montant", "Sens", "DateRglt")
    return {name: by_key[compact(name)] for name in wanted if compact(name) in by_key}


def _twice(table: TextTable) -> list[ImportIssue]:
    """A standard column present twice (« Debit » and « DEBIT »): which one holds the amounts is a guess."""
    wanted = {compact(name): name for name in FEC_COLUMNS + ("Montant", "Sens")}
    seen: dict[str, list[int]] = {}
    for position, header in enumerate(table.headers, start=1):
        if compact(header) in wanted:
            seen.setdefault(compact(header), []).append(position)
    return [
        ImportIssue(
            table.file,
            Message("fec.column_twice", count=len(at), column=wanted[key], positions=", ".join(map(str, at))),
            column=wanted[key],
        )
        for key, at in seen.items()
        if len(at) > 1
    ]


def _text(table: TextTable, columns: dict[str, str], name: str) -> np.ndarray:
    if name not in columns:
        return np.full(table.num_rows, "", dtype=object)
    return np.asarray(table.column(columns[name]).to_numpy(zero_copy_only=False), dtype=object)


def _decimal_mark(table: TextTable, headers: list[str], issues: list[ImportIssue]) -> str | None:
    """',' (the norm), or '.' when no amount of the file has a comma; None after refusing « 1.500 »."""
    has_comma = False
    for header in headers:
        cells = pc.utf8_trim_whitespace(table.column(header))
        ambiguous = pc.indices_nonzero(pc.fill_null(pc.match_substring_regex(cells, _POINT_THOUSANDS), False))
        if len(ambiguous):
            index = ambiguous[0].as_py()
            value = cells[index].as_py()
            more = Message("fec.amounts_in_this_case", count=len(ambiguous)) if len(ambiguous) > 1 else ""
            issues.append(
                ImportIssue(
                    table.file,
                    Message("fec.ambiguous_amount", value=value, readings=_two_readings(value), more=more),
                    table.row_of(index),
                    header,
                    value,
                )
            )
            return None
        has_comma = has_comma or bool(pc.any(pc.match_substring(cells, ",")).as_py())
    if has_comma:
        return ","
    return "." if any(pc.any(pc.match_substring(table.column(h), ".")).as_py() for h in headers) else ","


def _two_readings(value: str) -> Message:
    """« 1,5 € ou 1 500 € » for « 1.500 »: the point read as a decimal mark, then as a thousands separator."""
    digits = re.sub(r"[^\d.]", "", value)
    sign = "-" if re.search(r"^-|-$|^\(", value) else ""
    grouped = int(f"{sign}{digits.replace('.', '')}")
    if digits.count(".") != 1:
        return Message("fec.point_not_separator", grouped=grouped)
    return Message("fec.two_readings", decimal=sign + format(Decimal(digits).normalize(), "f"), grouped=grouped)


def _senses(table: TextTable, header: str, amount: np.ndarray, issues: list[ImportIssue]) -> np.ndarray | None:
    """True where Sens says debit, False where it says credit; None after refusing a Sens that says neither."""
    raw = table.column(header)
    sense = pc.utf8_upper(pc.utf8_trim_whitespace(raw))
    sense = pc.replace_substring_regex(sense, "[ÉÈÊË]", "E")
    sense = pc.replace_substring_regex(sense, "[\u2212\u2013\u2014]", "-")  # typographic minus signs
    is_debit = _array(pc.is_in(sense, value_set=pa.array(DEBIT_SENSES)))
    is_credit = _array(pc.is_in(sense, value_set=pa.array(CREDIT_SENSES)))
    unknown = np.flatnonzero(~is_debit & ~is_credit & (amount != 0))
    if len(unknown):
        index = int(unknown[0])
        more = Message("rows.in_this_case", count=len(unknown)) if len(unknown) > 1 else ""
        issues.append(
            ImportIssue(
                table.file, Message("fec.unreadable_sense", more=more), table.row_of(index), header, raw[index].as_py()
            )
        )
        return None
    return is_debit


def _array(values) -> np.ndarray:
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def _amounts(table: TextTable, columns: dict[str, str], issues: list[ImportIssue]) -> tuple | None:
    """Debit and credit of every line in cents (the « Montant + Sens » variant included), and the decimal mark
    the file was read with."""
    if "Debit" in columns and "Credit" in columns:
        names = ["Debit", "Credit"]
    elif "Montant" in columns and "Sens" in columns:
        names = ["Montant"]
    else:
        issues.append(ImportIssue(table.file, Message("fec.no_amount_columns", headers=", ".join(table.headers))))
        return None
    headers = [columns[name] for name in names]
    mark = _decimal_mark(table, headers, issues)
    if mark is None:
        return None
    parsed = []
    for header in headers:
        try:
            values = parse_amounts(table.column(header), mark, "EUR").values
        except AmountError as error:
            expected = "fec.expected_comma" if mark == "," else "fec.expected_point"
            issues.append(
                ImportIssue(
                    table.file, Message(expected, reason=error.reason), table.row_of(error.index), header, error.value
                )
            )
            return None
        beyond = money_total_issue(
            values, Message("amount.of_column", column=header), Message("amount.cited_largest_value")
        )
        if beyond is not None:
            index = pc.index(pc.abs(values), pc.max(pc.abs(values))).as_py()
            issues.append(
                ImportIssue(table.file, beyond, table.row_of(index), header, table.column(header)[index].as_py())
            )
            return None
        parsed.append(to_cents(values))
    if len(parsed) == 2:
        return parsed[0], parsed[1], mark
    amount = parsed[0]
    is_debit = _senses(table, columns["Sens"], amount, issues)
    if is_debit is None:
        return None
    # A negative amount keeps its sign: its sense says which column it would stand in.
    return np.where(is_debit, amount, 0), np.where(is_debit, 0, amount), mark


def _entry_warnings(
    table: TextTable,
    journal: np.ndarray,
    number: np.ndarray,
    debit: np.ndarray,
    credit: np.ndarray,
    customer_line: np.ndarray,
) -> list[ImportIssue]:
    """Warnings naming the EcritureNum of customer entries whose debits and credits differ, and of customer
    lines carrying both a debit and a credit: read as they are, but a reader of the report should know."""
    warnings = []
    both = np.flatnonzero((debit != 0) & (credit != 0) & customer_line)
    if len(both):
        named = [
            Message("fec.entry_at_row", journal=str(journal[i]), number=str(number[i]), row=table.row_of(int(i)))
            for i in both[:NAMED_ENTRIES]
        ]
        more = Message("fec.and_others", count=len(both) - NAMED_ENTRIES) if len(both) > NAMED_ENTRIES else ""
        warnings.append(
            ImportIssue(
                table.file,
                Message("fec.debit_and_credit", count=len(both), named=named, more=more),
                table.row_of(int(both[0])),
                severity="warning",
                value=str(number[both[0]]),
            )
        )
    frame = pd.DataFrame(
        {
            "journal": journal,
            "number": number,
            "net": debit - credit,
            "customer": customer_line,
            "line": np.arange(len(journal)),
        }
    )
    entries = frame.groupby(["journal", "number"], sort=False).agg(
        net=("net", "sum"), customer=("customer", "any"), line=("line", "first")
    )
    unbalanced = entries[(entries["net"] != 0) & entries["customer"]]
    if len(unbalanced):
        named = [
            Message("fec.entry_gap", journal=str(j), number=str(n), gap=cents_to_decimal(int(gap)))
            for (j, n), gap in unbalanced["net"].head(NAMED_ENTRIES).items()
        ]
        more = (
            Message("fec.and_others", count=len(unbalanced) - NAMED_ENTRIES) if len(unbalanced) > NAMED_ENTRIES else ""
        )
        first = int(unbalanced["line"].iloc[0])
        warnings.append(
            ImportIssue(
                table.file,
                Message("fec.unbalanced", count=len(unbalanced), named=named, more=more),
                table.row_of(first),
                severity="warning",
                value=str(number[first]),
            )
        )
    return warnings


def _dates(table: TextTable, columns: dict[str, str], name: str, issues: list[ImportIssue]) -> np.ndarray | None:
    if name not in columns:
        return None
    try:
        values = parse_dates(
            columns[name], table.column(columns[name]), DateFormats(True, Message("dates.format.compact"))
        )
    except DateError as error:
        issues.append(
            ImportIssue(
                table.file,
                Message("fec.expected_date", reason=error.reason),
                table.row_of(error.index),
                error.column,
                error.value,
            )
        )
        return None
    return np.asarray(values.cast(pa.int32()).to_numpy(zero_copy_only=False).astype("float64"))


def _entries(journal: np.ndarray, number: np.ndarray, date: np.ndarray, net: np.ndarray) -> np.ndarray:
    """Entry id of each line.  Lines sharing journal, number and date form an entry, cut wherever the
    running balance comes back to zero: some software numbers every entry 0 (EcritureNum is then useless)."""
    frame = pd.DataFrame({"journal": journal, "number": number, "date": date, "net": net})
    key = frame.groupby(["journal", "number", "date"], sort=False, dropna=False).ngroup().to_numpy()
    running = pd.Series(net).groupby(key).cumsum().to_numpy()
    closes = running == 0
    previous_closed = pd.Series(closes).groupby(key).shift(1, fill_value=False).to_numpy()
    chunk = pd.Series(previous_closed.astype(np.int64)).groupby(key).cumsum().to_numpy()
    return pd.DataFrame({"k": key, "c": chunk}).groupby(["k", "c"], sort=False).ngroup().to_numpy()


def _starts_with(account: np.ndarray, prefixes: tuple[str, ...]) -> np.ndarray:
    found = np.zeros(len(account), dtype=bool)
    for prefix in prefixes:
        found |= np.char.startswith(account, prefix)
    return found


def _counterparts(
    account: np.ndarray, customer_line: np.ndarray, side: AccountSide = CUSTOMERS
) -> dict[str, np.ndarray]:
    """For each line, whether it is a revenue (sale; a purchase on the supplier side), cash, loss or écart line
    (never a line of the side's own accounts)."""
    account = account.astype(str)
    adjustment = _starts_with(account, side.adjustment_prefixes) & ~customer_line
    return {
        "revenue": _starts_with(account, side.sale_prefixes) & ~adjustment & ~customer_line,
        "cash": _starts_with(account, CASH_PREFIXES) & ~customer_line,
        "writeoff": _starts_with(account, side.writeoff_prefixes) & ~customer_line,
        "adjustment": adjustment,
    }


def _entry_flags(entry: np.ndarray, counterparts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """For each line, whether its entry holds revenue, cash, loss or écart lines."""
    return {
        name: pd.Series(line_has).groupby(entry).transform("any").to_numpy() for name, line_has in counterparts.items()
    }


def _writeoff_parts(
    entry: np.ndarray, net: np.ndarray, loss_line: np.ndarray, lines: np.ndarray, payment: np.ndarray
) -> np.ndarray:
    """Cents of each 411 payment line that its entry books as a loss: the entry's loss amount, taken
    from its 411 payment lines in file order (a payment short by a few cents, the écart in the entry)."""
    loss = pd.Series(np.where(loss_line, net, 0)).groupby(entry).transform("sum").to_numpy()[lines]
    paid = np.where(payment, -net[lines], 0)
    before = pd.Series(paid).groupby(entry[lines]).cumsum().to_numpy() - paid
    return np.where(payment, np.clip(np.maximum(loss, 0) - before, 0, paid), 0)


def _activities(entry: np.ndarray, revenue: np.ndarray, label: np.ndarray, cents: np.ndarray) -> np.ndarray:
    """Activity of each entry: the label of its largest revenue (sales) line."""
    frame = pd.DataFrame({"entry": entry[revenue], "label": label[revenue], "size": np.abs(cents[revenue])})
    best = frame.sort_values("size", ascending=False, kind="stable").drop_duplicates("entry")
    lookup = dict(zip(best["entry"], best["label"]))
    return np.array([lookup.get(e) or UNASSIGNED_ACTIVITY for e in entry], dtype=object)


def _opening(journal: np.ndarray, journal_label: np.ndarray, line_label: np.ndarray) -> np.ndarray:
    code = np.char.upper(np.char.strip(journal.astype(str)))
    by_code = np.isin(code, list(OPENING_JOURNALS))
    by_label = np.array([bool(_OPENING_LABEL.search(f"{a} {b}")) for a, b in zip(journal_label, line_label)])
    return by_code | by_label


def _first_day(entry_date: np.ndarray, opening: np.ndarray) -> float:
    """The file's first day (days since 1970, NaN without dates): its earliest entry, where detailed
    à-nouveaux dated on their invoices' days count only by the latest of them, the opening entry's day."""
    others, openings = entry_date[~opening], entry_date[opening]
    candidates = [
        values
        for values in (
            others[~np.isnan(others)].min(initial=np.inf),
            openings[~np.isnan(openings)].max(initial=-np.inf),
        )
        if np.isfinite(values)
    ]
    return min(candidates) if candidates else np.nan


def _document_ids(piece: np.ndarray, journal: np.ndarray, number: np.ndarray) -> np.ndarray:
    """PieceRef when it names one document; a reference shared by several entries (a monthly batch
    « VE 0123 ») gets its journal and entry number; lines of one entry sharing both get '-2', '-3'…"""
    entry = np.char.add(np.char.add(journal.astype(str), "-"), number.astype(str))
    base = np.where(piece != "", piece, entry).astype(str)
    shared = pd.Series(entry).groupby(base).transform("nunique").to_numpy() > 1 if len(base) else np.zeros(0, bool)
    base = np.where(shared, np.char.add(np.char.add(base, "/"), entry), base)
    series = pd.Series(base)
    occurrence = series.groupby(series, sort=False).cumcount().to_numpy() + 1
    return np.where(occurrence > 1, np.char.add(np.char.add(base, "-"), occurrence.astype(str)), base).astype(object)


@dataclass(frozen=True)
class _CustomerLines:
    """What reading a FEC worked out from its lines that the reconciliation reports on: `lines` are the
    positions of the customer (411) lines that move an amount, and the arrays indexed by them (`kind`,
    `rows`, `group`, `doc_at`, the documents' positions among them) or by every line of the file (the
    amounts in cents, `customer_line`, `entry_date`, `account`, `account_label`, `journal`)."""

    lines: np.ndarray
    kind: np.ndarray
    net: np.ndarray
    debit: np.ndarray
    credit: np.ndarray
    customer_line: np.ndarray
    entry_date: np.ndarray
    rows: np.ndarray
    account: np.ndarray
    account_label: np.ndarray
    journal: np.ndarray
    group: np.ndarray
    doc_at: np.ndarray
    first_day: float
    zero_lines: int


def read_fec(
    table: TextTable, terms: PaymentTerms, tolerance_days: int, issues: list[ImportIssue]
) -> ParsedFile | None:
    columns = _columns(table)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        issues.append(
            ImportIssue(table.file, Message("fec.missing_columns", count=len(missing), columns=", ".join(missing)))
        )
        return None
    before = len(issues)
    issues.extend(_twice(table))
    if len(issues) > before:
        return None
    amounts = _amounts(table, columns, issues)
    entry_date = _dates(table, columns, "EcritureDate", issues)
    piece_date = _dates(table, columns, "PieceDate", issues)
    if amounts is None or entry_date is None or len(issues) > before:  # None has said why
        return None
    debit, credit, decimal_mark = amounts
    customers = _read_side(CUSTOMERS, table, columns, debit, credit, entry_date, piece_date, terms, tolerance_days)
    warnings = list(customers.warnings)
    details = dict(customers.details)
    supplier_line = np.char.startswith(_text(table, columns, "CompteNum").astype(str), SUPPLIER_ACCOUNT)
    suppliers = None
    if supplier_line.any():
        # Mirrored: a supplier's credit is what the company owes, as a customer's debit is what it is owed.
        suppliers = _read_side(SUPPLIERS, table, columns, credit, debit, entry_date, piece_date, terms, tolerance_days)
        warnings += [
            replace(w, message=Message("fec.suppliers_warning", warning=_supplier_worded(w.message)))
            for w in suppliers.warnings
        ]
        details["suppliers"] = suppliers.details
    if decimal_mark == ".":
        warnings.append(ImportIssue(table.file, Message("fec.decimal_point"), severity="warning"))
    details["decimal_mark"] = decimal_mark
    return replace(
        customers,
        warnings=tuple(warnings),
        details=details,
        supplier_documents=None if suppliers is None else suppliers.documents,
        supplier_settlements=None if suppliers is None else suppliers.settlements,
    )


def _supplier_worded(message: Any) -> Any:
    """A warning of the supplier side in its own words (401, supplier, purchases) where the customer one speaks
    of 411, customers or sales; the others say nothing of either and stay as they are."""
    name = str(getattr(message, "key", "")).removeprefix("fec.")
    return Message(f"fec.suppliers.{name}", **message.params) if name in SUPPLIER_WORDED else message


def _read_side(
    side: AccountSide,
    table: TextTable,
    columns: dict[str, str],
    debit: np.ndarray,
    credit: np.ndarray,
    entry_date: np.ndarray,
    piece_date: np.ndarray | None,
    terms: PaymentTerms,
    tolerance_days: int,
) -> ParsedFile:
    """The lines of one side's accounts (411 or 401, `debit` and `credit` as that side reads them) as
    documents and settlements, with their reconciliation."""
    net = debit - credit
    journal = _text(table, columns, "JournalCode")
    number = _text(table, columns, "EcritureNum")
    account = _text(table, columns, "CompteNum")
    customer_line = np.char.startswith(account.astype(str), side.account)
    entry = _entries(journal, number, entry_date, net)
    counterparts = _counterparts(account, customer_line, side)
    flags = _entry_flags(entry, counterparts)
    account_label = _text(table, columns, "CompteLib")
    activity = _activities(entry, counterparts["revenue"], account_label, net)
    opening = _opening(journal, _text(table, columns, "JournalLib"), _text(table, columns, "EcritureLib"))

    lines = np.flatnonzero(customer_line & (net != 0))
    zero_lines = int(np.sum(customer_line & (net == 0)))
    is_debit = net[lines] > 0
    revenue, cash, loss = flags["revenue"][lines], flags["cash"][lines], flags["writeoff"][lines]
    adjustment = flags["adjustment"][lines]
    kind = np.select(
        [
            opening[lines],
            is_debit & revenue,
            is_debit & cash,
            is_debit & (adjustment | loss),
            is_debit,
            cash,
            loss,
            revenue,
            adjustment,
        ],
        [
            "opening",
            "invoice",
            "refund",
            "adjustment",
            "other_debit",
            "payment",
            "writeoff",
            "credit_note",
            "adjustment",
        ],
        default="other_credit",
    ).astype(object)
    writeoff_cents = _writeoff_parts(entry, net, counterparts["writeoff"], lines, (kind == "payment") & loss)

    auxiliary = _text(table, columns, "CompAuxNum")[lines]
    customer = np.where(auxiliary != "", auxiliary, account[lines]).astype(object)
    auxiliary_label = _text(table, columns, "CompAuxLib")[lines]
    name = np.where(
        auxiliary_label != "", auxiliary_label, np.where(auxiliary != "", auxiliary, account_label[lines])
    ).astype(object)
    issue_day = (
        np.where(np.isnan(piece_date[lines]), entry_date[lines], piece_date[lines])
        if piece_date is not None
        else entry_date[lines]
    )
    issue_day = np.where(np.isnan(issue_day), entry_date[lines], issue_day)
    first_day = _first_day(entry_date, opening)
    if not np.isnan(first_day):
        is_opening = kind == "opening"
        issue_day = np.where(is_opening, np.minimum(issue_day, first_day - 1), issue_day)
    issue_day = issue_day.astype("int64").astype("M8[D]")
    value_day = entry_date[lines].astype("int64").astype("M8[D]")
    letter = _text(table, columns, "EcritureLet")[lines]
    group = np.where(  # type: ignore[call-overload]  # numpy's stubs leave out None, an object scalar here
        letter != "", np.char.add(np.char.add(customer.astype(str), "\x1f"), letter.astype(str)), None
    ).astype(object)
    rows = table.rows[lines]
    line_ids = np.char.add(
        np.char.add(np.char.add(journal[lines].astype(str), "-"), number[lines].astype(str)),
        np.char.add("-L", rows.astype(str)),
    )

    is_document = np.isin(kind, DOCUMENT_CLASSES)
    doc_at = np.flatnonzero(is_document)
    doc_ids = _document_ids(
        _text(table, columns, "PieceRef")[lines][doc_at], journal[lines][doc_at], number[lines][doc_at]
    )
    issue_dates = pa.array(issue_day[doc_at])
    documents = pa.table(
        {
            "document_id": pa.array(doc_ids, pa.string()),
            "customer_id": pa.array(customer[doc_at], pa.string()),
            "customer_name": pa.array(name[doc_at], pa.string()),
            "activity": pa.array(
                np.where(
                    np.isin(kind[doc_at], ["invoice", "credit_note"]), activity[lines][doc_at], UNASSIGNED_ACTIVITY
                ),
                pa.string(),
            ),
            "issue_date": issue_dates,
            "due_date": terms.due_dates(issue_dates),
            "amount": from_cents(net[lines][doc_at]),
            "due_date_derived": pa.array(np.ones(len(doc_at), dtype=bool)),
            "source_file": pa.array([table.file] * len(doc_at), pa.string()),
            "source_row": pa.array(rows[doc_at], pa.int64()),
        }
    )

    credits = _credit_lines(np.flatnonzero(~is_document), kind, -net[lines], writeoff_cents)
    credit_line = credits["line"].to_numpy()
    allocation = allocate(
        pd.DataFrame(
            {
                "group": group[doc_at],
                "customer": customer[doc_at],
                "issue_date": issue_day[doc_at],
                "cents": net[lines][doc_at],
                "order": np.arange(len(doc_at)),
            }
        ),
        pd.DataFrame(
            {
                "group": group[credit_line],
                "customer": customer[credit_line],
                "date": value_day[credit_line],
                "cents": credits["cents"].to_numpy(),
                "order": np.arange(len(credits)),
            }
        ),
        tolerance_days,
        side.lettered_dates,
    )
    paying = credit_line[allocation.settlement]
    applied_to = (
        np.where(allocation.document >= 0, doc_ids[np.maximum(allocation.document, 0)], None)
        if len(doc_ids)
        else np.full(len(paying), None, dtype=object)
    )
    note = doc_at[allocation.credit_note]  # the credit note's line
    credited = allocation.credited
    settlements = pa.table(
        {
            "settlement_id": pa.array(_split_ids(np.concatenate([line_ids[paying], line_ids[note]])), pa.string()),
            "document_id": pa.array(np.concatenate([applied_to, doc_ids[credited]]), pa.string()),
            "customer_id": pa.array(np.concatenate([customer[paying], customer[note]]), pa.string()),
            "date": pa.array(
                np.concatenate([value_day[paying], np.maximum(issue_day[note], issue_day[doc_at][credited])])
            ),
            "amount": from_cents(np.concatenate([allocation.cents, allocation.credit_cents])),
            "kind": pa.array(
                np.concatenate(
                    [credits["kind"].to_numpy()[allocation.settlement], np.full(len(note), "credit", dtype=object)]
                ),
                pa.string(),
            ),
            "source_document_id": pa.array(
                np.concatenate([np.full(len(paying), None, dtype=object), doc_ids[allocation.credit_note]]), pa.string()
            ),
            "reference": pa.concat_arrays(
                [_references(table, columns, lines[paying]), pa.nulls(len(note), pa.string())]
            ),
            "source_file": pa.array([table.file] * (len(paying) + len(note)), pa.string()),
            "source_row": pa.array(np.concatenate([rows[paying], rows[note]]), pa.int64()),
        }
    )

    lines_read = _CustomerLines(
        lines=lines,
        kind=kind,
        net=net,
        debit=debit,
        credit=credit,
        customer_line=customer_line,
        entry_date=entry_date,
        rows=rows,
        account=account,
        account_label=account_label,
        journal=journal,
        group=group,
        doc_at=doc_at,
        first_day=first_day,
        zero_lines=zero_lines,
    )
    warnings, details = _reconciliation(table, lines_read, allocation, credits, documents, settlements, terms, side)
    warnings.extend(_entry_warnings(table, journal, number, debit, credit, customer_line))
    return ParsedFile(
        table.file,
        "fec",
        with_origin(documents, DOCUMENTS_WITH_ORIGIN),
        with_origin(settlements, SETTLEMENTS_WITH_ORIGIN),
        rows_read=table.num_rows,
        warnings=tuple(warnings),
        details=details,
        currency="EUR",
    )


def _references(table: TextTable, columns: dict[str, str], at: np.ndarray) -> pa.Array:
    """The PieceRef and EcritureLib of these lines, joined by a space, null when both are empty: where the
    matching suggestions look for an invoice's number (kpi/sql/queries/suggestions.sql)."""
    parts = [pa.array(_text(table, columns, name)[at], pa.string()) for name in ("PieceRef", "EcritureLib")]
    joined = pc.utf8_trim_whitespace(pc.binary_join_element_wise(*parts, " "))
    return pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.string()), joined)


def _credit_lines(
    credit_at: np.ndarray, kind: np.ndarray, cents: np.ndarray, writeoff_cents: np.ndarray
) -> pd.DataFrame:
    """The settlements the lines that are no document make, before lettrage: one per line, two for a
    payment whose entry books part of it as a loss (cash, then the write-off)."""
    is_writeoff = kind[credit_at] == "writeoff"
    written_off = np.where(is_writeoff, cents[credit_at], writeoff_cents[credit_at])
    parts = pd.DataFrame(
        {
            "line": np.concatenate([credit_at, credit_at]),
            "kind": np.concatenate(
                [np.full(len(credit_at), "cash", dtype=object), np.full(len(credit_at), "writeoff", dtype=object)]
            ),
            "cents": np.concatenate([cents[credit_at] - written_off, written_off]),
            "part": np.repeat([0, 1], len(credit_at)),
        }
    )
    return parts[parts["cents"] > 0].sort_values(["line", "part"], kind="stable").reset_index(drop=True)


def _split_ids(base_ids: np.ndarray) -> np.ndarray:
    """Settlement ids from their line's id: a line that makes several rows (a payment over several
    invoices, a credit note over several invoices, cash and write-off) numbers them '/1', '/2'…"""
    base = pd.Series(base_ids.astype(str))
    part = base.groupby(base, sort=False).cumcount().to_numpy() + 1
    split = base.map(base.value_counts()).to_numpy() > 1
    return np.where(
        split, np.char.add(np.char.add(base.to_numpy().astype(str), "/"), part.astype(str)), base.to_numpy().astype(str)
    ).astype(object)


def _cents_by(index: np.ndarray, cents: np.ndarray, size: int) -> np.ndarray:
    total = np.zeros(size, dtype=np.int64)
    np.add.at(total, index, cents)
    return total


def _reconciliation(
    table: TextTable,
    read: _CustomerLines,
    allocation: Allocation,
    credits: pd.DataFrame,
    documents: pa.Table,
    settlements: pa.Table,
    terms: PaymentTerms,
    side: AccountSide = CUSTOMERS,
) -> tuple[list[ImportIssue], dict[str, Any]]:
    """The warnings and the reconciliation details (balance of 411 against what was imported, lines by
    class, credits left unapplied…) of a file read into `documents` and `settlements`."""
    balance_cents = int(read.debit[read.customer_line].sum() - read.credit[read.customer_line].sum())
    # A credit application moves no money: AR = Σ documents − Σ cash and write-offs (KPI-SPEC §2).
    moves_money = pc.invert(pc.equal(settlements.column("kind"), "credit"))
    imported_cents = int(
        to_cents(documents.column("amount").combine_chunks()).sum()
        - to_cents(settlements.filter(moves_money).column("amount").combine_chunks()).sum()
    )
    last_day = np.nanmax(read.entry_date) if len(read.entry_date) else np.nan
    classes = {}
    for name, label in CLASS_LABELS.items():
        chosen = read.kind == name
        if chosen.any():
            classes[name] = {
                "label": label,
                "lines": int(chosen.sum()),
                "amount": str(cents_to_decimal(abs(int(read.net[read.lines][chosen].sum())))),
            }
    unclassified: list[dict[str, Any]] = [
        {
            "row": int(read.rows[i]),
            "journal": str(read.journal[read.lines][i]),
            "account": str(read.account[read.lines][i]),
            "label": str(read.account_label[read.lines][i]),
            "amount": str(cents_to_decimal(int(read.net[read.lines][i]))),
            "imported_as": CLASS_LABELS[read.kind[i]],
        }
        for i in np.flatnonzero(np.isin(read.kind, ["other_debit", "other_credit"]))
    ]
    credit_line = credits["line"].to_numpy()[allocation.settlement]
    settled_kind = credits["kind"].to_numpy()[allocation.settlement]
    unapplied = allocation.document < 0
    lettered = pd.notna(read.group[credit_line]) if len(credit_line) else np.zeros(0, bool)
    unapplied_lettered = int(allocation.cents[unapplied & lettered].sum())
    unapplied_writeoff = unapplied & (settled_kind == "writeoff")

    document_cents = read.net[read.lines][read.doc_at]
    applied = _cents_by(allocation.credit_note, allocation.credit_cents, len(read.doc_at))
    is_note = document_cents < 0
    left = np.where(is_note, -document_cents - applied, 0)
    lettered_notes_left = int(left[pd.notna(read.group[read.doc_at])].sum()) if len(read.doc_at) else 0
    is_opening = read.kind[read.doc_at] == "opening"

    warnings = [ImportIssue(table.file, Message("fec.due_dates_computed", terms=terms.describe()), severity="warning")]
    if unclassified:
        warnings.append(
            ImportIssue(
                table.file,
                Message("fec.unclassified", count=len(unclassified)),
                unclassified[0]["row"],
                severity="warning",
            )
        )
    if is_opening.any() and not np.isnan(read.first_day):
        opening_day = np.datetime64(int(read.first_day) - 1, "D").astype(object)
        warnings.append(
            ImportIssue(
                table.file, Message("fec.openings", count=int(is_opening.sum()), day=opening_day), severity="warning"
            )
        )
    for key, cents in (
        ("fec.lettered_payments_kept", unapplied_lettered),
        ("fec.lettered_payments_applied", allocation.to_unlettered),
        ("fec.lettered_notes_applied", allocation.credits_to_unlettered),
        ("fec.lettered_notes_kept", lettered_notes_left),
    ):
        if cents:
            warnings.append(ImportIssue(table.file, Message(key, amount=cents_to_decimal(cents)), severity="warning"))
    if read.zero_lines:
        warnings.append(ImportIssue(table.file, Message("fec.zero_lines", count=read.zero_lines), severity="warning"))
    details = {
        side.balance_key: cents_to_decimal(balance_cents),
        "imported_ar": cents_to_decimal(imported_cents),
        "balance_date": str(np.datetime64(int(last_day), "D")) if not np.isnan(last_day) else None,
        "customer_lines": int(read.customer_line.sum()),
        "classes": classes,
        "unclassified": unclassified,
        "unapplied_lettered": cents_to_decimal(unapplied_lettered),
        "lettered_to_unlettered": cents_to_decimal(allocation.to_unlettered),
        "documents_in_file": cents_to_decimal(int(read.debit[read.customer_line].sum())),
        "settlements_in_file": cents_to_decimal(int(read.credit[read.customer_line].sum())),
        "credit_notes_applied": {
            "count": int(np.sum(is_note & (applied > 0))),
            "amount": cents_to_decimal(int(applied.sum())),
        },
        "credit_notes_unapplied": {"count": int(np.sum(left > 0)), "amount": cents_to_decimal(int(left.sum()))},
        "unapplied_writeoffs": {
            "count": len(np.unique(credit_line[unapplied_writeoff])),
            "amount": cents_to_decimal(int(allocation.cents[unapplied_writeoff].sum())),
        },
        "opening_documents": {
            "count": int(is_opening.sum()),
            "amount": cents_to_decimal(int(document_cents[is_opening].sum())),
        },
    }
    return warnings, details
