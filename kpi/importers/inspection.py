"""`python -m kpi inspect`: how each file would be read (layout, encoding, mapping, first rows), without importing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kpi.importers.errors import ImportIssue
from kpi.importers.layout import LAYOUT_LABELS
from kpi.importers.mapping import ColumnMapping
from kpi.importers.options import ImportOptions
from kpi.importers.reading import describe_source, expand_paths, open_files, user_mapping_entries
from kpi.importers.report import MAPPING_SOURCES
from kpi.importers.tables import GivenPaths
from kpi.importers.validation import check_ledger
from kpi.text.i18n import activity_label, column_title, translate
from kpi.text.messages import message_text, render

PREVIEW_ROWS = 5
_ORIGIN = {"source_row": "ligne"}


@dataclass(frozen=True)
class InspectedFile:
    file: str
    layout: str | None
    headers: tuple[str, ...]
    mapping: ColumnMapping | None
    source: dict  # format, encoding, separator, sheet, decimal mark, date order
    rows: int
    documents: int
    settlements: int
    preview: pd.DataFrame  # first documents as parsed (settlements when the file has none)
    details: dict = field(default_factory=dict)
    issues: tuple[ImportIssue, ...] = ()
    # The columns as read, for a mapping to name: a second « Montant TTC » is « Montant TTC (2) ».
    columns: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "layout": self.layout,
            "headers": list(self.headers),
            "columns": list(self.columns),
            "source": {k: v for k, v in self.source.items() if k != "mapping"},
            "mapping": self.mapping.to_dict() if self.mapping else None,
            "rows": self.rows,
            "documents": self.documents,
            "settlements": self.settlements,
            "preview": self.preview.astype(str).to_dict(orient="records"),
            "details": {
                k: (str(v) if not isinstance(v, (int, str, list, dict, type(None))) else v)
                for k, v in self.details.items()
            },
            # The file is the object's own: its issues do not repeat it.
            "issues": [{k: v for k, v in i.to_dict().items() if k != "file"} for i in self.issues],
        }

    def to_text(self, lang: str = "fr") -> str:
        def say(key: str, **params) -> str:
            return message_text(f"inspect.{key}", lang, **params)

        s = self.source
        layout = LAYOUT_LABELS.get(self.layout or "") or self.layout or say("unknown_layout")
        lines = [say("file", file=self.file), "  " + say("layout", layout=render(layout, lang))]
        if s.get("format") == "csv":
            lines.append("  " + say("csv", encoding=s.get("encoding"), separator=render(s.get("separator"), lang)))
        elif s.get("sheet"):
            lines.append("  " + say("sheet", sheet=s["sheet"]))
        if s.get("decimal") or s.get("dates"):
            lines.append(
                "  " + say("reading", decimal=s.get("decimal") or ",", dates=render(s.get("dates", "—"), lang))
            )
        lines.append("  " + say("rows", rows=self.rows, documents=self.documents, settlements=self.settlements))
        if self.mapping is not None:
            source = self.mapping.source
            source = message_text(f"report.mapping_source.{source}", lang) if source in MAPPING_SOURCES else source
            lines.append("  " + say("mapping", source=source))
            for choice in self.mapping.choices:
                lines.append(
                    f"    {choice.field:<14} ← "
                    + say(
                        "choice",
                        header=choice.header,
                        confidence=f"{choice.confidence:.0%}",
                        reason=render(choice.reason, lang),
                    )
                )
            unused = [h for h in self.headers if h not in self.mapping.fields.values()]
            if unused:
                lines.append("    " + say("unused", columns=", ".join(unused)))
        if "balance_411" in self.details:
            lines.append(
                "  " + say("balance", balance=self.details["balance_411"], imported=self.details.get("imported_ar"))
            )
        if len(self.preview):
            lines.append("  " + say("preview"))
            lines.extend("    " + line for line in display_preview(self, lang).to_string(index=False).splitlines())
        for issue in self.issues:
            lines.append("  " + say(issue.severity, issue=issue.render(lang)))
        return "\n".join(lines)


@dataclass(frozen=True)
class InspectResult:
    files: tuple[InspectedFile, ...]
    issues: tuple[ImportIssue, ...] = ()  # problems that concern several files (unknown invoices…)

    @property
    def ok(self) -> bool:
        return not any(i.severity == "error" for f in self.files for i in f.issues) and not any(
            i.severity == "error" for i in self.issues
        )

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "files": [f.to_dict() for f in self.files],
            "issues": [i.to_dict() for i in self.issues],
        }

    def to_text(self, lang: str = "fr") -> str:
        parts = [f.to_text(lang) for f in self.files]
        parts.extend(message_text(f"inspect.{i.severity}", lang, issue=i.render(lang)) for i in self.issues)
        parts.append(message_text("inspect.possible" if self.ok else "inspect.impossible", lang))
        return "\n\n".join(parts)


def display_preview(found: InspectedFile, lang: str) -> pd.DataFrame:
    """The preview as a user reads it: each column under the product's label, with the file's own header
    when it differs (« Pièce (N° facture) »), yes/no for flags, never an internal field name."""
    frame = found.preview.copy()
    titles = {}
    for name in frame.columns:
        label = column_title("source_row" if name == _ORIGIN["source_row"] else name, lang)
        header = found.mapping.header(name) if found.mapping is not None else None
        titles[name] = f"{label} ({header})" if header and header.casefold() != label.casefold() else label
        if frame[name].dtype == bool:
            frame[name] = [translate("common.yes" if v else "common.no", lang) for v in frame[name]]
        if name == "kind":
            frame[name] = [translate(f"settlement_kind.{v}", lang) for v in frame[name]]
        if name == "activity":
            frame[name] = [activity_label(v, lang) for v in frame[name]]
    return frame.rename(columns=titles)


def _preview(parsed) -> pd.DataFrame:
    table = parsed.documents if parsed.documents.num_rows else parsed.settlements
    frame = table.slice(0, PREVIEW_ROWS).to_pandas()
    # A payments file without a label column shows no empty « reference » column.
    unlabelled = ["reference"] if "reference" in frame.columns and frame["reference"].isna().all() else []
    return frame.drop(columns=["source_file", *unlabelled]).rename(columns=_ORIGIN)


def inspect_files(paths: GivenPaths, **options: Any) -> InspectResult:
    """Read the files as `read_files` would and describe them; never raises for a bad file."""
    opts = ImportOptions.from_keywords(options)
    general: list[ImportIssue] = []
    entries = user_mapping_entries(opts, general)
    inspected, parsed_files = [], []
    for attempt in open_files(expand_paths(paths), opts, entries):
        path, opened, issues = attempt.path, attempt.opened, list(attempt.issues)
        if opened is None:
            inspected.append(
                InspectedFile(path.name, None, (), None, {}, 0, 0, 0, pd.DataFrame(), issues=tuple(issues))
            )
            continue
        parsed = opened.parsed
        if parsed is not None:
            parsed_files.append(parsed)
            issues.extend(parsed.warnings)
        inspected.append(
            InspectedFile(
                opened.table.file,
                opened.detected.layout,
                opened.table.headers,
                opened.detected.mapping,
                describe_source(opened),
                opened.table.num_rows,
                parsed.documents.num_rows if parsed else 0,
                parsed.settlements.num_rows if parsed else 0,
                _preview(parsed) if parsed else opened.table.cells.slice(0, PREVIEW_ROWS).to_pandas(),
                dict(parsed.details) if parsed else {},
                tuple(issues),
                tuple(opened.table.cells.column_names),
            )
        )
    if parsed_files and not any(i.severity == "error" for f in inspected for i in f.issues):
        checked = check_ledger(
            parsed_files,
            known_documents=opts.known_documents,
            tolerance_days=opts.tolerance_days,
            currency=opts.currency,
        )
        general.extend(checked.issues)
    return InspectResult(tuple(inspected), tuple(general))
