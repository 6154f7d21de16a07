"""FEC (Fichier des Écritures Comptables, LPF art. A47 A-1): customer-account (411) lines read as documents and settlements.

Each 411 line is classified by the other accounts of its entry, journal codes and labels
being only hints because every software names its journals differently:

- opening entry (journal AN/ANO/RAN…, label « à nouveaux ») -> a document of its sign, at its date;
- revenue 7… in the entry: debit -> invoice, credit -> credit note (negative document);
- bank/cash 51…/53…/54…/58… in the entry: credit -> payment, debit -> refund (a document);
- loss 654…/658…/6714…/6718…/678…/665… in the entry: credit -> write-off;
- anything else -> a document (debit) or unapplied cash (credit), listed in the report.

So every 411 line lands somewhere and Σ documents − Σ settlements = Σ debit − Σ credit on 411.
Lettrage (same letter, same customer) tells which payments settle which invoices; unlettered
cash stays unapplied.  The FEC has no due date: it is derived from the payment terms.
"""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi.canonical import UNASSIGNED_ACTIVITY
from kpi.importers.amounts import AmountError, parse_amounts
from kpi.importers.cents import cents_to_decimal, from_cents, to_cents
from kpi.importers.dates import DateError, DateFormats, parse_dates
from kpi.importers.errors import ImportIssue
from kpi.importers.headers import compact
from kpi.importers.lettrage import allocate
from kpi.importers.parsed import DOCUMENTS_WITH_ORIGIN, SETTLEMENTS_WITH_ORIGIN, ParsedFile, with_origin
from kpi.importers.report import money
from kpi.importers.tables import TextTable
from kpi.importers.terms import PaymentTerms

FEC_COLUMNS = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
               "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
               "ValidDate", "Montantdevise", "Idevise")
REQUIRED = ("JournalCode", "EcritureNum", "EcritureDate", "CompteNum")
CUSTOMER_ACCOUNT = "411"
REVENUE_PREFIXES = ("7",)
CASH_PREFIXES = ("51", "53", "54", "58")
WRITEOFF_PREFIXES = ("654", "658", "6714", "6718", "678", "665")
OPENING_JOURNALS = {"AN", "ANO", "RAN", "RANO", "ANOUV", "AND", "OUV", "ANX"}
_OPENING_LABEL = re.compile(r"(?i)\b(a|à)\s*-?\s*nouveaux?\b|report\s+(a|à)\s+nouveau|\bouverture\b")

CLASS_LABELS = {
    "invoice": "factures",
    "credit_note": "avoirs",
    "opening": "à-nouveaux (soldes d'ouverture)",
    "payment": "règlements",
    "refund": "remboursements / impayés",
    "writeoff": "passages en perte",
    "other_debit": "débits non classés (importés comme documents)",
    "other_credit": "crédits non classés (importés comme encaissements non lettrés)",
}
DOCUMENT_CLASSES = ("invoice", "credit_note", "opening", "refund", "other_debit")


def is_fec(headers: tuple[str, ...]) -> bool:
    names = {compact(h) for h in headers}
    return {"journalcode", "comptenum", "ecrituredate"} <= names and (
        {"debit", "credit"} <= names or {"montant", "sens"} <= names)


def _columns(table: TextTable) -> dict[str, str]:
    """Standard FEC name -> header in the file (case varies: Montantdevise / MontantDevise)."""
    by_key = {compact(h): h for h in table.headers}
    wanted = FEC_COLUMNS + ("Montant", "Sens", "DateRglt")
    return {name: by_key[compact(name)] for name in wanted if compact(name) in by_key}


def _text(table: TextTable, columns: dict[str, str], name: str) -> np.ndarray:
    if name not in columns:
        return np.full(table.num_rows, "", dtype=object)
    return np.asarray(table.column(columns[name]).to_numpy(zero_copy_only=False), dtype=object)


def _amounts(table: TextTable, columns: dict[str, str], issues: list[ImportIssue]) -> tuple | None:
    """Debit and credit of every line in cents (the « Montant + Sens » variant included)."""
    try:
        if "Debit" in columns:
            debit = parse_amounts(table.column(columns["Debit"]), ",").values
            credit = parse_amounts(table.column(columns["Credit"]), ",").values
            return to_cents(debit), to_cents(credit)
        amount = to_cents(parse_amounts(table.column(columns["Montant"]), ",").values)
        sense = np.char.upper(_text(table, columns, "Sens").astype(str))
        is_debit = np.isin(sense, ["D", "+1", "1", "DEBIT"])
        return np.where(is_debit, amount, 0), np.where(is_debit, 0, amount)
    except AmountError as error:
        header = columns.get("Debit") or columns.get("Montant")
        for name in ("Debit", "Credit", "Montant"):
            if name in columns and table.column(columns[name])[error.index].as_py() == error.value:
                header = columns[name]
        issues.append(ImportIssue(table.file, f"{error.reason} — attendu un montant FEC comme 1234,56",
                                  table.row_of(error.index), header, error.value))
        return None


def _dates(table: TextTable, columns: dict[str, str], name: str, issues: list[ImportIssue]) -> np.ndarray | None:
    if name not in columns:
        return None
    try:
        values = parse_dates(columns[name], table.column(columns[name]), DateFormats(True, "AAAAMMJJ"))
    except DateError as error:
        issues.append(ImportIssue(table.file, f"{error.reason} — attendu une date FEC AAAAMMJJ",
                                  table.row_of(error.index), error.column, error.value))
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


def _entry_flags(entry: np.ndarray, account: np.ndarray, customer_line: np.ndarray) -> dict[str, np.ndarray]:
    """For each line, whether its entry holds revenue, cash or loss accounts (other than 411 lines)."""
    account = account.astype(str)
    flags = {}
    for name, prefixes in (("revenue", REVENUE_PREFIXES), ("cash", CASH_PREFIXES), ("writeoff", WRITEOFF_PREFIXES)):
        line_has = np.zeros(len(account), dtype=bool)
        for prefix in prefixes:
            line_has |= np.char.startswith(account, prefix)
        line_has &= ~customer_line
        per_entry = pd.Series(line_has).groupby(entry).transform("any").to_numpy()
        flags[name] = per_entry
    return flags


def _activities(entry: np.ndarray, account: np.ndarray, label: np.ndarray, cents: np.ndarray) -> np.ndarray:
    """Activity of each entry: the label of its largest revenue (7…) line."""
    revenue = np.char.startswith(account.astype(str), REVENUE_PREFIXES[0])
    frame = pd.DataFrame({"entry": entry[revenue], "label": label[revenue], "size": np.abs(cents[revenue])})
    best = frame.sort_values("size", ascending=False, kind="stable").drop_duplicates("entry")
    lookup = dict(zip(best["entry"], best["label"]))
    return np.array([lookup.get(e) or UNASSIGNED_ACTIVITY for e in entry], dtype=object)


def _opening(journal: np.ndarray, journal_label: np.ndarray, line_label: np.ndarray) -> np.ndarray:
    code = np.char.upper(np.char.strip(journal.astype(str)))
    by_code = np.isin(code, list(OPENING_JOURNALS))
    by_label = np.array([bool(_OPENING_LABEL.search(f"{a} {b}")) for a, b in zip(journal_label, line_label)])
    return by_code | by_label


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


def read_fec(table: TextTable, terms: PaymentTerms, tolerance_days: int, issues: list[ImportIssue]) -> ParsedFile | None:
    columns = _columns(table)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        issues.append(ImportIssue(table.file, f"colonne(s) FEC obligatoire(s) absente(s) : {', '.join(missing)}"))
        return None
    before = len(issues)
    amounts = _amounts(table, columns, issues)
    entry_date = _dates(table, columns, "EcritureDate", issues)
    piece_date = _dates(table, columns, "PieceDate", issues)
    if len(issues) > before:
        return None
    debit, credit = amounts
    net = debit - credit
    journal = _text(table, columns, "JournalCode")
    account = _text(table, columns, "CompteNum")
    customer_line = np.char.startswith(account.astype(str), CUSTOMER_ACCOUNT)
    entry = _entries(journal, _text(table, columns, "EcritureNum"), entry_date, net)
    flags = _entry_flags(entry, account, customer_line)
    account_label = _text(table, columns, "CompteLib")
    activity = _activities(entry, account, account_label, net)
    opening = _opening(journal, _text(table, columns, "JournalLib"), _text(table, columns, "EcritureLib"))

    lines = np.flatnonzero(customer_line & (net != 0))
    zero_lines = int(np.sum(customer_line & (net == 0)))
    is_debit = net[lines] > 0
    revenue, cash, loss = flags["revenue"][lines], flags["cash"][lines], flags["writeoff"][lines]
    kind = np.select(
        [opening[lines], is_debit & revenue, is_debit & cash, is_debit, cash, loss, revenue],
        ["opening", "invoice", "refund", "other_debit", "payment", "writeoff", "credit_note"],
        default="other_credit",
    ).astype(object)

    auxiliary = _text(table, columns, "CompAuxNum")[lines]
    customer = np.where(auxiliary != "", auxiliary, account[lines]).astype(object)
    auxiliary_label = _text(table, columns, "CompAuxLib")[lines]
    name = np.where(auxiliary_label != "", auxiliary_label, np.where(auxiliary != "", auxiliary,
                                                                      account_label[lines])).astype(object)
    issue_day = np.where(np.isnan(piece_date[lines]), entry_date[lines], piece_date[lines]) \
        if piece_date is not None else entry_date[lines]
    issue_day = np.where(np.isnan(issue_day), entry_date[lines], issue_day).astype("int64").astype("M8[D]")
    value_day = entry_date[lines].astype("int64").astype("M8[D]")
    letter = _text(table, columns, "EcritureLet")[lines]
    group = np.where(letter != "", np.char.add(np.char.add(customer.astype(str), "\x1f"), letter.astype(str)),
                     None).astype(object)
    rows = table.rows[lines]

    is_document = np.isin(kind, DOCUMENT_CLASSES + ("credit_note",))
    doc_at = np.flatnonzero(is_document)
    doc_ids = _document_ids(_text(table, columns, "PieceRef")[lines][doc_at], journal[lines][doc_at],
                            _text(table, columns, "EcritureNum")[lines][doc_at])
    issue_dates = pa.array(issue_day[doc_at])
    documents = pa.table({
        "document_id": pa.array(doc_ids, pa.string()),
        "customer_id": pa.array(customer[doc_at], pa.string()),
        "customer_name": pa.array(name[doc_at], pa.string()),
        "activity": pa.array(np.where(np.isin(kind[doc_at], ["invoice", "credit_note"]), activity[lines][doc_at],
                                      UNASSIGNED_ACTIVITY), pa.string()),
        "issue_date": issue_dates,
        "due_date": terms.due_dates(issue_dates),
        "amount": from_cents(net[lines][doc_at]),
        "due_date_derived": pa.array(np.ones(len(doc_at), dtype=bool)),
        "source_file": pa.array([table.file] * len(doc_at), pa.string()),
        "source_row": pa.array(rows[doc_at], pa.int64()),
    })

    pay_at = np.flatnonzero(~is_document)
    allocation = allocate(
        pd.DataFrame({"group": group[doc_at], "customer": customer[doc_at], "issue_date": issue_day[doc_at],
                      "cents": net[lines][doc_at], "order": np.arange(len(doc_at))}),
        pd.DataFrame({"group": group[pay_at], "customer": customer[pay_at], "date": value_day[pay_at],
                      "cents": -net[lines][pay_at], "order": np.arange(len(pay_at))}),
        tolerance_days,
    )
    paying = pay_at[allocation.settlement]
    applied_to = np.where(allocation.document >= 0, doc_ids[np.maximum(allocation.document, 0)], None) \
        if len(doc_ids) else np.full(len(paying), None, dtype=object)
    base_ids = np.char.add(np.char.add(journal[lines][paying].astype(str), "-"),
                           _text(table, columns, "EcritureNum")[lines][paying].astype(str))
    base_ids = np.char.add(np.char.add(base_ids, "-L"), rows[paying].astype(str))
    part = pd.Series(base_ids).groupby(base_ids, sort=False).cumcount().to_numpy() + 1
    split = pd.Series(base_ids).map(pd.Series(base_ids).value_counts()).to_numpy() > 1
    settlement_ids = np.where(split, np.char.add(np.char.add(base_ids, "/"), part.astype(str)), base_ids)
    settlements = pa.table({
        "settlement_id": pa.array(settlement_ids.astype(object), pa.string()),
        "document_id": pa.array(applied_to, pa.string()),
        "customer_id": pa.array(customer[paying], pa.string()),
        "date": pa.array(value_day[paying]),
        "amount": from_cents(allocation.cents),
        "kind": pa.array(np.where(kind[paying] == "writeoff", "writeoff", "cash").astype(object), pa.string()),
        "source_file": pa.array([table.file] * len(paying), pa.string()),
        "source_row": pa.array(rows[paying], pa.int64()),
    })

    warnings, details = _reconciliation(table, lines, kind, net, debit, credit, customer_line, entry_date, rows,
                                        account, account_label, journal, group, allocation, pay_at, zero_lines,
                                        documents, settlements, terms)
    return ParsedFile(table.file, "fec", with_origin(documents, DOCUMENTS_WITH_ORIGIN),
                      with_origin(settlements, SETTLEMENTS_WITH_ORIGIN), rows_read=table.num_rows,
                      warnings=tuple(warnings), details=details, currency="EUR")


def _reconciliation(table, lines, kind, net, debit, credit, customer_line, entry_date, rows, account,
                    account_label, journal, group, allocation, pay_at, zero_lines, documents, settlements, terms):
    balance_cents = int(debit[customer_line].sum() - credit[customer_line].sum())
    imported_cents = int(to_cents(documents.column("amount").combine_chunks()).sum()
                         - to_cents(settlements.column("amount").combine_chunks()).sum())
    last_day = np.nanmax(entry_date) if len(entry_date) else np.nan
    classes = {}
    for name, label in CLASS_LABELS.items():
        chosen = kind == name
        if chosen.any():
            classes[name] = {"label": label, "lines": int(chosen.sum()),
                             "amount": str(cents_to_decimal(abs(int(net[lines][chosen].sum()))))}
    unclassified = [
        {"row": int(rows[i]), "journal": str(journal[lines][i]), "account": str(account[lines][i]),
         "label": str(account_label[lines][i]), "amount": str(cents_to_decimal(int(net[lines][i]))),
         "imported_as": CLASS_LABELS[kind[i]]}
        for i in np.flatnonzero(np.isin(kind, ["other_debit", "other_credit"]))
    ]
    lettered = pd.notna(group[pay_at][allocation.settlement]) if len(allocation.settlement) else np.zeros(0, bool)
    unapplied_lettered = int(allocation.cents[(allocation.document < 0) & lettered].sum())
    warnings = [ImportIssue(table.file, f"échéances calculées (date de pièce + {terms.describe()}) : le FEC ne "
                            "porte pas d'échéance", severity="warning")]
    if unclassified:
        warnings.append(ImportIssue(table.file, f"{len(unclassified)} ligne(s) 411 sans contrepartie reconnue "
                                    "(ni vente, ni banque, ni perte) : importées selon leur sens, voir le rapport",
                                    unclassified[0]["row"], severity="warning"))
    if unapplied_lettered:
        warnings.append(ImportIssue(table.file, f"{money(cents_to_decimal(unapplied_lettered))} de règlements lettrés "
                                    "sans facture à solder dans leur lettrage (trop-perçu ou acompte) : gardés en "
                                    "encaissements non lettrés", severity="warning"))
    if allocation.to_unlettered:
        warnings.append(ImportIssue(table.file, f"{money(cents_to_decimal(allocation.to_unlettered))} de règlements lettrés "
                                    "sans facture dans leur lettrage appliqués aux documents non lettrés du même "
                                    "client (souvent l'à-nouveau)", severity="warning"))
    if zero_lines:
        warnings.append(ImportIssue(table.file, f"{zero_lines} ligne(s) 411 à zéro ignorée(s)", severity="warning"))
    details = {
        "balance_411": cents_to_decimal(balance_cents),
        "imported_ar": cents_to_decimal(imported_cents),
        "balance_date": str(np.datetime64(int(last_day), "D")) if not np.isnan(last_day) else None,
        "customer_lines": int(customer_line.sum()),
        "classes": classes,
        "unclassified": unclassified,
        "unapplied_lettered": cents_to_decimal(unapplied_lettered),
        "lettered_to_unlettered": cents_to_decimal(allocation.to_unlettered),
        "documents_in_file": cents_to_decimal(int(debit[customer_line].sum())),
        "settlements_in_file": cents_to_decimal(int(credit[customer_line].sum())),
    }
    return warnings, details
