"""The import report: what each file held and what was kept, totals reconciled, in French or English."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kpi.canonical import CanonicalLedger
from kpi.importers.errors import ImportIssue

LABELS = {
    "fr": {
        "title": "Import : {files} fichier(s), devise {currency}",
        "rows": "lignes lues : {read} ; importées : {imported}",
        "documents": "factures et avoirs",
        "settlements": "règlements",
        "credit_applications": "imputations d'avoirs",
        "credit_notes": "avoirs : imputés sur leur facture {applied} (Σ {applied_amount}) ; non imputés, en tout ou "
                        "partie, {unapplied} (reste Σ {unapplied_amount})",
        "unapplied_writeoffs": "pertes sans facture (non lettrées), qui réduisent l'encours : {count} (Σ {amount})",
        "opening_documents": "à-nouveaux (soldes d'ouverture, hors ventes de la période) : {count} (Σ {amount})",
        "total_rows": "lignes de total mises de côté (chacune vaut la somme des lignes au-dessus) : {count} "
                      "(Σ {amount})",
        "in_file": "Σ fichier",
        "imported": "Σ importé",
        "equal": "égaux",
        "differ": "écart",
        "why": "pourquoi",
        "balance": "solde des comptes 411 du fichier au {date} (Σ débit − Σ crédit)",
        "closing_ar": "encours importé (Σ documents − Σ règlements)",
        "classes": "lignes 411 classées",
        "unclassified": "lignes 411 sans contrepartie reconnue",
        "warnings": "avertissements",
        "mapping": "correspondance des colonnes",
        "layouts": {"fec": "FEC", "invoices": "liste de factures", "payments": "fichier de règlements",
                    "canonical-documents": "documents (format canonique)",
                    "canonical-settlements": "règlements (format canonique)",
                    "disputes": "journal des litiges", "reminders": "journal des relances",
                    "payment_plans": "échéanciers", "collection_costs": "frais de recouvrement"},
    },
    "en": {
        "title": "Import: {files} file(s), currency {currency}",
        "rows": "rows read: {read}; imported: {imported}",
        "documents": "invoices and credit notes",
        "settlements": "settlements",
        "credit_applications": "credit note applications",
        "credit_notes": "credit notes: applied to their invoice {applied} (Σ {applied_amount}); not applied, in whole "
                        "or in part, {unapplied} (Σ left {unapplied_amount})",
        "unapplied_writeoffs": "write-offs matched to no invoice, reducing AR: {count} (Σ {amount})",
        "opening_documents": "opening balances (à-nouveaux, not sales of the period): {count} (Σ {amount})",
        "total_rows": "total rows set aside (each the sum of the rows above it): {count} (Σ {amount})",
        "in_file": "Σ in file",
        "imported": "Σ imported",
        "equal": "equal",
        "differ": "difference",
        "why": "why",
        "balance": "balance of 411 accounts in the file at {date} (Σ debit − Σ credit)",
        "closing_ar": "imported AR (Σ documents − Σ settlements)",
        "classes": "411 lines classified",
        "unclassified": "411 lines without a recognised counterpart",
        "warnings": "warnings",
        "mapping": "column mapping",
        "layouts": {"fec": "FEC", "invoices": "invoice list", "payments": "payments file",
                    "canonical-documents": "documents (canonical layout)",
                    "canonical-settlements": "settlements (canonical layout)",
                    "disputes": "dispute log", "reminders": "reminder log",
                    "payment_plans": "payment plans", "collection_costs": "collection costs"},
    },
}


def money(value: Decimal | None, lang: str = "fr") -> str:
    if value is None:
        return "—"
    text = f"{value:,.2f}"
    return text.replace(",", " ").replace(".", ",") if lang == "fr" else text


@dataclass(frozen=True)
class FileReport:
    file: str
    layout: str
    rows_read: int
    rows_imported: int
    amount_in_file: Decimal  # FEC: the 411 balance; payments file: Σ payments; otherwise Σ documents
    amount_imported: Decimal  # FEC: imported closing AR; otherwise the same sum over what was imported
    details: dict = field(default_factory=dict)
    warnings: tuple[ImportIssue, ...] = ()
    explanations: tuple[str, ...] = ()  # why a file total and an imported total differ
    source: dict = field(default_factory=dict)  # format, encoding, separator, sheet, mapping

    def _credit_lines(self, labels: dict, lang: str) -> list[str]:
        """Credit notes left unapplied, write-offs matched to nothing, opening balances and total rows set aside
        are said, never folded into a ✓: each changes what a reader takes for open or for the file's sum."""
        d, lines = self.details, []
        applied, unapplied = d.get("credit_notes_applied"), d.get("credit_notes_unapplied")
        if applied and unapplied and (applied["count"] or unapplied["count"]):
            lines.append(labels["credit_notes"].format(
                applied=applied["count"], applied_amount=money(Decimal(str(applied["amount"])), lang),
                unapplied=unapplied["count"], unapplied_amount=money(Decimal(str(unapplied["amount"])), lang)))
        for key in ("total_rows", "unapplied_writeoffs", "opening_documents"):
            figure = d.get(key)
            # À-nouveaux are said whenever the reader gives them, even none: the user then knows they were looked for.
            if figure and (figure["count"] or key == "opening_documents"):
                lines.append(labels[key].format(count=figure["count"], amount=money(Decimal(str(figure["amount"])), lang)))
        return lines

    @property
    def reconciled(self) -> bool:
        return self.amount_in_file == self.amount_imported

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "layout": self.layout,
            "rows_read": self.rows_read,
            "rows_imported": self.rows_imported,
            "amount_in_file": str(self.amount_in_file),
            "amount_imported": str(self.amount_imported),
            "reconciled": self.reconciled,
            "details": _plain(self.details),
            "explanations": list(self.explanations),
            "warnings": [_issue_dict(w) for w in self.warnings],
            "source": _plain(self.source),
        }

    def to_text(self, lang: str = "fr") -> str:
        labels = LABELS.get(lang, LABELS["fr"])
        about = ", ".join(str(v) for k, v in self.source.items() if k in ("format", "encoding", "sheet") and v)
        if self.source.get("separator"):
            about += f", « {self.source['separator']!s} »".replace("«\t»", "tab").replace("« \t »", "« tab »")
        lines = [f"• {self.file} — {labels['layouts'].get(self.layout, self.layout)} ({about})",
                 "  " + labels["rows"].format(read=self.rows_read, imported=self.rows_imported)]
        if self.layout == "fec":
            d = self.details
            lines.append(f"  {labels['balance'].format(date=d.get('balance_date'))} : {money(d['balance_411'], lang)}")
            mark = "✓" if self.reconciled else f"✗ {labels['differ']} {money(self.amount_imported - self.amount_in_file, lang)}"
            lines.append(f"  {labels['closing_ar']} : {money(self.amount_imported, lang)} {mark}")
            classes = "; ".join(f"{c['label']} {c['lines']} (Σ {money(Decimal(c['amount']), lang)})"
                                for c in d.get("classes", {}).values())
            lines.append(f"  {labels['classes']} : {classes}")
            for line in d.get("unclassified", [])[:20]:
                lines.append(f"    - {labels['unclassified']} : ligne {line['row']}, journal {line['journal']}, "
                             f"compte {line['account']} {line['label']}, {money(Decimal(line['amount']), lang)} → "
                             f"{line['imported_as']}")
        else:
            for key in ("documents", "settlements", "credit_applications"):
                in_file, imported = self.details.get(f"{key}_in_file"), self.details.get(f"{key}_imported")
                if in_file is None or (key == "settlements" and in_file == 0 and imported == 0):
                    continue
                mark = "✓" if in_file == imported else f"✗ {labels['differ']} {money(imported - in_file, lang)}"
                lines.append(f"  {labels[key]} : {labels['in_file']} {money(in_file, lang)} ; "
                             f"{labels['imported']} {money(imported, lang)} {mark}")
        lines.extend(f"  {line}" for line in self._credit_lines(labels, lang))
        for why in self.explanations:
            lines.append(f"  {labels['why']} : {why}")
        mapping = self.source.get("mapping")
        if mapping:
            columns = ", ".join(f"{f} ← « {h} » ({mapping['confidence'].get(f, 1):.0%})"
                                for f, h in mapping["columns"].items())
            lines.append(f"  {labels['mapping']} ({mapping['source']}) : {columns}")
        if self.warnings:
            lines.append(f"  {labels['warnings']} :")
            lines.extend(f"    - {w}" for w in self.warnings)
        return "\n".join(lines)


@dataclass(frozen=True)
class ImportReport:
    files: tuple[FileReport, ...]
    warnings: tuple[ImportIssue, ...] = ()  # every warning, of every file and of the whole ledger
    currency: str = "EUR"

    def to_dict(self) -> dict:
        return {"currency": self.currency, "files": [f.to_dict() for f in self.files],
                "warnings": [_issue_dict(w) for w in self.warnings]}

    def to_text(self, lang: str = "fr") -> str:
        labels = LABELS.get(lang, LABELS["fr"])
        lines = [labels["title"].format(files=len(self.files), currency=self.currency)]
        lines.extend(f.to_text(lang) for f in self.files)
        return "\n".join(lines)


@dataclass(frozen=True)
class ImportResult:
    ledger: CanonicalLedger
    report: ImportReport


def _issue_dict(issue: ImportIssue) -> dict:
    return {"file": issue.file, "row": issue.row, "column": issue.column, "value": issue.value,
            "message": issue.message, "severity": issue.severity, "remedy": issue.remedy, "text": str(issue)}


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value
