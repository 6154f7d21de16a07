"""Which column of a file holds which canonical field, with a confidence per column.

A mapping comes from the headers (synonyms), from a mapping file the user wrote
(`--mapping FILE.json`), or from a mapping saved for the same header signature.
"""

from __future__ import annotations

import difflib
import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from kpi.importers.errors import ImportIssue
from kpi.importers.headers import (
    AMOUNT_FIELDS,
    COST_FIELDS,
    DISPUTE_FIELDS,
    FIELD_LABELS,
    INVOICE_FIELDS,
    NOT_GROSS_AMOUNT,
    PAYMENT_FIELDS,
    PLAN_FIELDS,
    PROMISE_FIELDS,
    REMINDER_FIELDS,
    compact,
    normal_form,
)
from kpi.text.messages import Message

LAYOUT_FIELDS = {
    "invoices": INVOICE_FIELDS,
    "payments": PAYMENT_FIELDS,
    # Collection-activity logs (kpi/importers/activity.py).
    "disputes": DISPUTE_FIELDS,
    "reminders": REMINDER_FIELDS,
    "payment_plans": PLAN_FIELDS,
    "collection_costs": COST_FIELDS,
    "promises": PROMISE_FIELDS,
}
DATE_FIELDS = (
    "issue_date",
    "due_date",
    "paid_date",
    "date",
    "opened_date",
    "resolved_date",
    "reminder_date",
    "cost_date",
    "promise_date",
    "promised_date",
)
MINIMUM_CONFIDENCE = 0.5

_DATE_WORDS = {"date", "echeance", "le", "jour", "day", "dated"}
_AMOUNT_WORDS = {"montant", "amount", "total", "ttc", "somme", "solde", "valeur", "prix", "price"}
# Keys a mapping file may carry besides the columns, passed on as reading options.
MAPPING_FILE_OPTIONS = ("dayfirst", "decimal", "terms", "currency")
# The reason of a choice a mapping file made as « Montant TTC (1) »: the first of two columns of that name.
FIRST_OF_TWINS = Message("mapping.reason.first_of_twins")
GIVEN = Message("mapping.reason.given")


@dataclass(frozen=True)
class ColumnChoice:
    field: str
    header: str
    confidence: float  # 1.0 = certain (exact synonym, or given by the user)
    reason: Message


@dataclass(frozen=True)
class Rival:
    """A column that fits a field exactly as well as the one chosen: which to read is the user's call."""

    field: str
    chosen: str  # the header chosen
    chosen_position: int  # 1-based column numbers, to tell two columns of the same name apart
    other: str
    other_position: int


@dataclass(frozen=True)
class ColumnMapping:
    layout: str  # 'invoices' | 'payments'
    choices: tuple[ColumnChoice, ...]
    source: str = "auto"  # 'auto' | 'fichier' (--mapping) | 'enregistrée' (saved for this header signature)
    options: dict = field(default_factory=dict)
    rivals: tuple[Rival, ...] = ()

    def header(self, name: str) -> str | None:
        return next((c.header for c in self.choices if c.field == name), None)

    def has(self, name: str) -> bool:
        return self.header(name) is not None

    @property
    def fields(self) -> dict[str, str]:
        return {c.field: c.header for c in self.choices}

    def to_dict(self) -> dict:
        return {
            "layout": self.layout,
            "source": self.source,
            "columns": {c.field: c.header for c in self.choices},
            "confidence": {c.field: round(c.confidence, 2) for c in self.choices},
            **{k: v for k, v in self.options.items() if v is not None},
        }


@functools.lru_cache(maxsize=256)
def _compacts(synonyms: tuple[str, ...]) -> frozenset[str]:
    return frozenset(compact(s) for s in synonyms)


@functools.lru_cache(maxsize=8192)
def _resemblance(key: str, strong: tuple[str, ...]) -> float:
    return max((difflib.SequenceMatcher(None, key, compact(s)).ratio() for s in strong), default=0.0)


def _score(
    field_name: str, header: str, synonyms: tuple[tuple[str, ...], tuple[str, ...]]
) -> tuple[float, Message | None]:
    strong, weak = synonyms
    key = compact(header)
    words = set(normal_form(header).split())
    if key in _compacts(strong):
        return 1.0, Message("mapping.reason.exact")
    if key in _compacts(weak):
        return 0.75, Message("mapping.reason.generic_word")
    is_date_field = field_name in DATE_FIELDS
    if is_date_field != bool(words & _DATE_WORDS):
        return 0.0, None  # a date field needs a date word; any other field must not have one
    if field_name not in AMOUNT_FIELDS and field_name != "currency" and words & _AMOUNT_WORDS:
        return 0.0, None
    if field_name in AMOUNT_FIELDS and any(set(n.split()) <= words for n in NOT_GROSS_AMOUNT):
        return 0.0, None
    for synonym in strong:
        if set(synonym.split()) <= words:
            return 0.7, Message("mapping.reason.contains", synonym=synonym)
    for synonym in weak:
        if set(synonym.split()) <= words:
            return 0.5, Message("mapping.reason.contains", synonym=synonym)
    best = _resemblance(key, strong)
    if best >= 0.85:
        return round(0.6 * best, 2), Message("mapping.reason.looks_like")
    return 0.0, None


def guess_mapping(headers: tuple[str, ...], layout: str) -> ColumnMapping:
    """Each field takes the header that fits it best; each header serves one field only."""
    fields = LAYOUT_FIELDS[layout]
    candidates = []
    for order, (name, synonyms) in enumerate(fields.items()):
        for position, header in enumerate(headers):
            confidence, reason = _score(name, header, synonyms)
            if reason is not None and confidence >= MINIMUM_CONFIDENCE:
                candidates.append((-confidence, order, position, name, header, confidence, reason))
    candidates.sort()
    taken_fields, taken_headers, choices, positions = set(), set(), [], {}
    for _, _, position, name, header, confidence, reason in candidates:
        if name in taken_fields or header in taken_headers:
            continue
        taken_fields.add(name)
        taken_headers.add(header)
        choices.append(ColumnChoice(name, header, confidence, reason))
        positions[name] = position
    field_order = list(fields)
    choices.sort(key=lambda c: field_order.index(c.field))
    return ColumnMapping(layout, tuple(choices), rivals=_rivals(choices, positions, candidates))


# Fields that only describe (a name, a label): two exact synonyms of one (« Client » and « Raison sociale »)
# are common and the first is read; for the others, ids, dates and money, a second exact synonym is a rival.
DESCRIPTIVE_FIELDS = ("customer_name", "activity", "reason", "channel", "stage", "category", "reference")


def _rivals(choices: list[ColumnChoice], positions: dict[str, int], candidates: list[tuple]) -> tuple[Rival, ...]:
    """Columns as fit for a chosen field as the chosen one and used by no other field: two « Montant TTC »,
    or two exact synonyms of it (« Montant TTC » and « Total TTC »).  Reading the first would be a guess."""
    owner = {c.header: c.field for c in choices}
    found = []
    for choice in choices:
        for _, _, position, name, header, confidence, _ in candidates:
            if name != choice.field or confidence != choice.confidence or position == positions[name]:
                continue
            if owner.get(header, name) != name:
                continue  # that column is another field's
            if header == choice.header or (confidence == 1.0 and name not in DESCRIPTIVE_FIELDS):
                found.append(Rival(name, choice.header, positions[name] + 1, header, position + 1))
                break
    return tuple(found)


def mapping_ambiguities(file: str, headers: tuple[str, ...], mapping: ColumnMapping) -> list[ImportIssue]:
    """Refusals for fields two columns could hold (see `_rivals`), and for a user's mapping naming a header
    the file has twice."""
    issues = []
    for rival in mapping.rivals:
        what = FIELD_LABELS.get(rival.field, rival.field)
        if rival.chosen == rival.other:
            columns = Message(
                "mapping.two_columns_same_name",
                header=rival.chosen,
                first=rival.chosen_position,
                second=rival.other_position,
            )
            names = Message(
                "either",
                items=[Message("quoted", text=f"{rival.chosen} (1)"), Message("quoted", text=f"{rival.chosen} (2)")],
            )
        else:
            columns = Message(
                "mapping.two_columns",
                header=rival.chosen,
                first=rival.chosen_position,
                other=rival.other,
                second=rival.other_position,
            )
            names = Message("either", items=[Message("quoted", text=rival.chosen), Message("quoted", text=rival.other)])
        issues.append(
            ImportIssue(file, Message("mapping.rivals", columns=columns, field=what, names=names), column=rival.other)
        )
    # A mapping file (--mapping) may have been written without knowing the file has two columns of the name;
    # one the app saved was picked among the columns as read, where the first keeps the plain name.
    if mapping.source == "fichier":
        for choice in mapping.choices:
            at = [i + 1 for i, h in enumerate(headers) if h == choice.header]
            if len(at) > 1 and choice.reason != FIRST_OF_TWINS:
                issues.append(
                    ImportIssue(
                        file,
                        Message(
                            "mapping.header_twice",
                            header=choice.header,
                            count=len(at),
                            field=FIELD_LABELS.get(choice.field, choice.field),
                            positions=", ".join(map(str, at)),
                        ),
                        column=choice.header,
                    )
                )
    return issues


def read_mapping_file(path: Path) -> list[dict]:
    """The mappings a user wrote: one object or a list of objects {"layout", "columns", options…}."""
    try:
        content = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:
        raise MappingFileError(
            ImportIssue(Path(path).name, Message("mapping.file_unreadable", detail=str(error)))
        ) from None
    entries = content if isinstance(content, list) else [content]
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("columns"), dict):
            raise MappingFileError(ImportIssue(Path(path).name, Message("mapping.file_shape")))
    return entries


class MappingFileError(Exception):
    def __init__(self, issue: ImportIssue):
        super().__init__(str(issue))
        self.issue = issue


def mapping_from_entry(
    file: str, headers: tuple[str, ...], entry: dict, source: str, names: tuple[str, ...] = ()
) -> ColumnMapping:
    """A user-given mapping checked against the file: unknown fields or absent headers are errors.  `names` are
    the file's columns as read (« Montant TTC (2) » for a second « Montant TTC »), which a mapping may use."""
    layout = entry.get("layout", "invoices")
    if layout not in LAYOUT_FIELDS:
        raise MappingFileError(
            ImportIssue(file, Message("mapping.unknown_layout", layout=str(layout), layouts=", ".join(LAYOUT_FIELDS)))
        )
    known = LAYOUT_FIELDS[layout]
    choices = []
    for name, given in entry["columns"].items():
        header = _first_of_twins(given, headers)
        if name not in known:
            raise MappingFileError(
                ImportIssue(file, Message("mapping.unknown_field", field=name, fields=", ".join(known)))
            )
        if header not in headers and header not in names:
            raise MappingFileError(
                ImportIssue(
                    file, Message("mapping.header_absent", header=header, headers=", ".join(headers)), column=header
                )
            )
        reason = FIRST_OF_TWINS if header != given else GIVEN
        choices.append(ColumnChoice(name, header, 1.0, reason))
    options = {k: entry.get(k) for k in MAPPING_FILE_OPTIONS if k in entry}
    return ColumnMapping(layout, tuple(choices), source, options)


def _first_of_twins(header: str, headers: tuple[str, ...]) -> str:
    """« Montant TTC (1) » names the first of two « Montant TTC » (the second is « Montant TTC (2) »)."""
    if header.endswith(" (1)") and headers.count(header[:-4]) > 1:
        return header[:-4]
    return header


def entry_fits(headers: tuple[str, ...], entry: dict, names: tuple[str, ...] = ()) -> bool:
    return all(_first_of_twins(header, headers) in headers or header in names for header in entry["columns"].values())
