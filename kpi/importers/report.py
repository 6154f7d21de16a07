"""The import report: what each file held and what was kept, totals reconciled, in French or English."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kpi.importers.errors import ImportIssue
from kpi.model.canonical import CanonicalLedger
from kpi.text.messages import Message, message_text, money_text, render

# The report's words are engine messages (kpi/text/locales/messages.*.json, `report.*`): the CLI prints the
# report in --lang, the app in the session's language.
MAPPING_SOURCES = ("auto", "fichier", "enregistrée")
LAYOUTS = (
    "fec",
    "invoices",
    "payments",
    "canonical-documents",
    "canonical-settlements",
    "disputes",
    "reminders",
    "payment_plans",
    "collection_costs",
    "promises",
)


def money(value: Decimal | None, lang: str = "fr") -> str:
    return money_text(value, lang)


def _layout_label(layout: str, lang: str) -> str:
    return message_text(f"report.layout.{layout}", lang) if layout in LAYOUTS else layout


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
    explanations: tuple[str, ...] = ()  # why a file total and an imported total differ (Messages)
    source: dict = field(default_factory=dict)  # format, encoding, separator, sheet, mapping

    def _credit_lines(self, lang: str) -> list[str]:
        """Credit notes left unapplied, write-offs matched to nothing, opening balances and total rows set aside
        are said, never folded into a ✓: each changes what a reader takes for open or for the file's sum."""
        d, lines = self.details, []
        applied, unapplied = d.get("credit_notes_applied"), d.get("credit_notes_unapplied")
        if applied and unapplied and (applied["count"] or unapplied["count"]):
            lines.append(
                message_text(
                    "report.credit_notes",
                    lang,
                    applied=applied["count"],
                    applied_amount=Decimal(str(applied["amount"])),
                    unapplied=unapplied["count"],
                    unapplied_amount=Decimal(str(unapplied["amount"])),
                )
            )
        for key in ("total_rows", "unapplied_writeoffs", "opening_documents"):
            figure = d.get(key)
            # À-nouveaux are said whenever the reader gives them, even none: the user then knows they were looked for.
            if figure and (figure["count"] or key == "opening_documents"):
                lines.append(
                    message_text(f"report.{key}", lang, count=figure["count"], amount=Decimal(str(figure["amount"])))
                )
        return lines

    def _supplier_lines(self, lang: str) -> list[str]:
        """A FEC's supplier (401) side, said apart: its own balance and reconciliation, never added to the
        customers' figures."""
        suppliers = self.details.get("suppliers")
        if not suppliers:
            return []
        balance, imported = Decimal(str(suppliers["balance_401"])), Decimal(str(suppliers["imported_ar"]))
        mark = "✓" if imported == balance else message_text("report.differ", lang, amount=imported - balance)
        classes = [
            message_text(
                "report.class", lang, label=render(c["label"], lang), lines=c["lines"], amount=Decimal(c["amount"])
            )
            for c in suppliers.get("classes", {}).values()
        ]
        return [
            message_text("report.suppliers_balance", lang, date=self.details.get("balance_date"), amount=balance),
            message_text("report.suppliers_imported", lang, amount=imported, mark=mark),
            message_text("report.suppliers_classes", lang, classes="; ".join(classes)),
        ]

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
            "warnings": [w.to_dict() for w in self.warnings],
            "source": _plain(self.source),
        }

    def to_text(self, lang: str = "fr") -> str:
        def say(key: str, **params) -> str:
            return message_text(f"report.{key}", lang, **params)

        def differ(amount: Decimal) -> str:
            return "✓" if amount == 0 else say("differ", amount=amount)

        about = ", ".join(render(v, lang) for k, v in self.source.items() if k in ("format", "encoding", "sheet") and v)
        separator = self.source.get("separator")
        if separator:
            about += say("separator", separator=render(separator, lang).replace("\t", "tab"))
        suppliers = self.details.get("suppliers") or {}
        supplier_lines = sum(c["lines"] for c in suppliers.get("classes", {}).values())
        rows = (
            say("rows_and_suppliers", read=self.rows_read, imported=self.rows_imported, suppliers=supplier_lines)
            if supplier_lines
            else say("rows", read=self.rows_read, imported=self.rows_imported)
        )
        lines = [say("file", file=self.file, layout=_layout_label(self.layout, lang), about=about), "  " + rows]
        if self.layout == "fec":
            d = self.details
            lines.append("  " + say("balance", date=d.get("balance_date"), amount=d["balance_411"]))
            lines.append(
                "  "
                + say(
                    "closing_ar", amount=self.amount_imported, mark=differ(self.amount_imported - self.amount_in_file)
                )
            )
            classes = [
                say("class", label=render(c["label"], lang), lines=c["lines"], amount=Decimal(c["amount"]))
                for c in d.get("classes", {}).values()
            ]
            lines.append("  " + say("classes", classes="; ".join(classes)))
            for line in d.get("unclassified", [])[:20]:
                lines.append(
                    "    - "
                    + say(
                        "unclassified",
                        row=line["row"],
                        journal=line["journal"],
                        account=line["account"],
                        label=line["label"],
                        amount=Decimal(line["amount"]),
                        imported_as=render(line["imported_as"], lang),
                    )
                )
        else:
            for key in ("documents", "settlements", "credit_applications"):
                in_file, imported = self.details.get(f"{key}_in_file"), self.details.get(f"{key}_imported")
                if in_file is None or (key == "settlements" and in_file == 0 and imported == 0):
                    continue
                lines.append(
                    "  "
                    + say("totals", what=say(key), in_file=in_file, imported=imported, mark=differ(imported - in_file))
                )
        lines.extend(f"  {line}" for line in self._supplier_lines(lang))
        lines.extend(f"  {line}" for line in self._credit_lines(lang))
        for why in self.explanations:
            lines.append("  " + say("why", why=render(why, lang)))
        mapping = self.source.get("mapping")
        if mapping:
            columns = ", ".join(
                f"{f} ← {message_text('quoted', lang, text=h)} ({mapping['confidence'].get(f, 1):.0%})"
                for f, h in mapping["columns"].items()
            )
            source = mapping["source"]
            source = say(f"mapping_source.{source}") if source in MAPPING_SOURCES else source
            lines.append("  " + say("mapping", source=source, columns=columns))
        if self.warnings:
            lines.append("  " + say("warnings"))
            lines.extend(f"    - {w.render(lang)}" for w in self.warnings)
        return "\n".join(lines)


@dataclass(frozen=True)
class ImportReport:
    files: tuple[FileReport, ...]
    warnings: tuple[ImportIssue, ...] = ()  # every warning, of every file and of the whole ledger
    currency: str = "EUR"

    def to_dict(self) -> dict:
        return {
            "currency": self.currency,
            "files": [f.to_dict() for f in self.files],
            "warnings": [w.to_dict() for w in self.warnings],
        }

    def stored_json(self) -> str:
        """What the workspace keeps of this report: its plain dict (what the audit reads), and under "state"
        the report itself, so that the same files imported again are answered without parsing them."""
        return json.dumps({**self.to_dict(), "state": _state(self)}, default=str)

    @staticmethod
    def from_stored(text: str | None) -> ImportReport | None:
        """The report `stored_json` kept; None for one stored before it kept its state."""
        if not text:
            return None
        state = json.loads(text).get("state")
        report = None if state is None else _restored(state)
        return report if isinstance(report, ImportReport) else None

    def to_text(self, lang: str = "fr") -> str:
        lines = [message_text("report.title", lang, count=len(self.files), currency=self.currency)]
        lines.extend(f.to_text(lang) for f in self.files)
        return "\n".join(lines)


@dataclass(frozen=True)
class ImportResult:
    ledger: CanonicalLedger
    report: ImportReport


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


# A report as JSON that gives back the same report: each value not plain JSON is tagged with its type.
_DATACLASSES: dict[str, type] = {"ImportReport": ImportReport, "FileReport": FileReport, "ImportIssue": ImportIssue}


def _state(value: Any) -> Any:
    if isinstance(value, Message):  # before str: a Message is one, with its key and parameters
        return {"$message": value.key, "params": _state(value.params)}
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [_state(item) for item in value]}
    if isinstance(value, list):
        return [_state(item) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) and not key.startswith("$") for key in value):
        return {key: _state(item) for key, item in value.items()}
    if type(value).__name__ in _DATACLASSES and is_dataclass(value):
        return {"$dataclass": type(value).__name__, **{f.name: _state(getattr(value, f.name)) for f in fields(value)}}
    raise TypeError(f"an import report holds a {type(value).__name__}")


def _restored(state: Any) -> Any:
    if isinstance(state, list):
        return [_restored(item) for item in state]
    if not isinstance(state, dict):
        return state
    if "$message" in state:
        return Message(state["$message"], **_restored(state["params"]))
    if "$decimal" in state:
        return Decimal(state["$decimal"])
    if "$datetime" in state:
        return datetime.fromisoformat(state["$datetime"])
    if "$date" in state:
        return date.fromisoformat(state["$date"])
    if "$tuple" in state:
        return tuple(_restored(item) for item in state["$tuple"])
    if "$dataclass" in state:
        kind = _DATACLASSES[state["$dataclass"]]
        return kind(**{key: _restored(item) for key, item in state.items() if key != "$dataclass"})
    return {key: _restored(item) for key, item in state.items()}
