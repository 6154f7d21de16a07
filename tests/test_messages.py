"""The engine's message catalogue (kpi/text/messages.py, kpi/text/locales/messages.*.json): complete, consistent, English in English."""

from __future__ import annotations

import json
import pickle
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kpi.importers import ImportFailed, ImportIssue, read_files
from kpi.text.errors import ImportAborted, WorkspaceBusy, WorkspaceReadOnly
from kpi.text.messages import LANGUAGES, Message, catalogue, message_text, placeholders, plural_form, render

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    *sorted((ROOT / "kpi").rglob("*.py")),
    *sorted((ROOT / "ui").glob("*.py")),
    *sorted((ROOT / "app_pages").glob("*.py")),
]
LITERAL_KEY = re.compile(r"""\b(?:Message|message_text)\(\s*["']([a-z_]+(?:\.[A-Za-z0-9_\-]+)*)["']""")
# Local helpers that prefix their keys: report.py's and inspection.py's say("rows") is report.rows, inspect.rows.
SAY_PREFIX = {"report.py": "report", "inspection.py": "inspect"}
SAY_KEY = re.compile(r"""\bsay\(\s*["']([a-z_]+)["']""")
# Words that give French away in an English sentence (names quoted from files are taken out first).
FRENCH_WORDS = (
    "ligne",
    "lignes",
    "colonne",
    "colonnes",
    "fichier",
    "fichiers",
    "montant",
    "attendu",
    "refusé",
    "erreur",
    "valeur",
    "facture",
    "factures",
    "règlement",
    "règlements",
    "avoir",
    "illisible",
    "introuvable",
    "espace de travail",
    "vérifiez",
    "dans",
    "ou",
    "et",
    "du",
    "des",
    "une",
)
QUOTED = re.compile(r"“[^”]*”|'[^']*'")
BAD = ROOT / "tests" / "data" / "bad"


def _entries(lang: str, key: str) -> list[str]:
    entry = catalogue(lang)[key]
    return list(entry.values()) if isinstance(entry, dict) else [entry]


def _sample(name: str, spec: str):
    """A parameter value of the kind the placeholder formats, with no French in it."""
    return {
        "money": Decimal("1234.5"),
        "count": 2,
        "size": 3 << 20,
        "date": date(2026, 3, 31),
        "decimal": "2.5",
        "or": ["A", "B"],
    }.get(spec, "X")


def _params(key: str) -> dict:
    fields = {name: spec for text in _entries("fr", key) for name, spec in placeholders(text)}
    params = {name: _sample(name, spec) for name, spec in fields.items()}
    if any(isinstance(catalogue(lang)[key], dict) for lang in LANGUAGES):
        params.setdefault("count", 2)  # plural forms are chosen by `count`, shown or not
    return params


def _french_words(text: str) -> list[str]:
    text = QUOTED.sub("", text)
    return [word for word in FRENCH_WORDS if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.I)]


def test_both_catalogues_have_the_same_keys():
    assert len(catalogue("fr")) > 300
    assert set(catalogue("fr")) == set(catalogue("en"))


def _placeholder_mismatches(key: str) -> list[str]:
    try:
        fr = [placeholders(text) for text in _entries("fr", key)]
        en = [placeholders(text) for text in _entries("en", key)]
    except ValueError as error:  # a brace left open
        return [f"{key}: {error}"]
    found = []
    if set().union(*fr) != set().union(*en):
        found.append(f"{key}: placeholders fr {sorted(set().union(*fr))}, en {sorted(set().union(*en))}")
    for lang in LANGUAGES:
        if isinstance(catalogue(lang)[key], dict) and set(catalogue(lang)[key]) != {"one", "other"}:
            # plural forms, chosen by the parameter `count`
            found.append(f"{key}: {lang} plural forms {sorted(catalogue(lang)[key])}, not one and other")
    return found


def _faults_of_every_key(check) -> list[str]:
    """One test walks every key (one parametrised test a key cost more to collect and dispatch than to check);
    what `check` finds, key by key, so that the assertion names each key that fails."""
    keys = sorted(catalogue("fr"))
    assert len(keys) > 300
    return [line for key in keys for line in check(key)]


def test_placeholders_match_between_languages():
    mismatches = _faults_of_every_key(_placeholder_mismatches)
    assert not mismatches, "\n".join(mismatches)


def test_every_key_written_in_the_code_exists():
    used = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        used |= set(LITERAL_KEY.findall(text))
        if path.name in SAY_PREFIX and path.parent.name == "importers":
            used |= {f"{SAY_PREFIX[path.name]}.{key}" for key in SAY_KEY.findall(text)}
    assert len(used) > 250  # the scan really found the engine's messages
    assert sorted(key for key in used if key not in catalogue("fr")) == []


def test_key_families_built_at_run_time_exist():
    keys = catalogue("fr")
    for family in (
        "report.total_rows",
        "report.unapplied_writeoffs",
        "report.opening_documents",
        "inspect.error",
        "inspect.warning",
        "report.mapping_source.auto",
        "report.mapping_source.fichier",
        "report.mapping_source.enregistrée",
        "table.rather.text",
        "table.rather.html",
        "table.rather.zip",
        "table.rather.parquet",
        "table.rather.pdf",
        "activity.dispute_unknown_invoice",
        "activity.reminder_unknown_invoice",
        "ledger.overpaid_invoice",
        "ledger.overpaid_credit_note",
        "fec.expected_comma",
        "fec.expected_point",
    ):
        assert family in keys
    for what in ("documents", "settlements"):
        for scope in ("import", "import_and_workspace"):
            assert f"amount.of_{what}_{scope}" in keys
    from kpi.importers.report import LAYOUTS

    assert all(f"report.layout.{layout}" in keys for layout in LAYOUTS)


def _rendering_faults(key: str) -> list[str]:
    params = _params(key)
    found = []
    for count in (1, 2):
        if "count" in params:
            params["count"] = count
        try:
            french, english = message_text(key, "fr", **params), message_text(key, "en", **params)
        except Exception as error:
            found.append(f"{key}: {type(error).__name__}: {error}")
            continue
        if not french:
            found.append(f"{key}: empty in French")
        if _french_words(english):
            found.append(f"{key}: French words {_french_words(english)} in {english!r}")
    return found


def test_every_message_renders_and_english_holds_no_french():
    faults = _faults_of_every_key(_rendering_faults)  # a key that does not render is named with its error
    assert not faults, "\n".join(faults)


def test_plural_forms_french_counts_zero_and_one_as_one_english_only_one():
    assert [plural_form(n, "fr") for n in (0, 1, 2, 1.5)] == ["one", "one", "other", "one"]
    assert [plural_form(n, "en") for n in (0, 1, 2, 1.5)] == ["other", "one", "other", "other"]
    assert message_text("import.more_errors", "fr", count=0) == "… et 0 autre erreur"
    assert message_text("import.more_errors", "fr", count=1) == "… et 1 autre erreur"
    assert message_text("import.more_errors", "fr", count=2) == "… et 2 autres erreurs"
    assert message_text("import.more_errors", "en", count=0) == "… and 0 more errors"
    assert message_text("import.more_errors", "en", count=1) == "… and 1 more error"
    assert message_text("import.more_errors", "en", count=1234) == "… and 1,234 more errors"


def test_numbers_and_dates_follow_the_language():
    message = Message("ledger.late_payments", count=1500, day=date(2026, 10, 31))
    assert str(message) == (
        "1 500 règlement(s) daté(s) après la dernière facture (31/10/2026) : vérifiez que "
        "l'export des factures est complet"
    )
    assert message.render("en") == (
        "1,500 settlements dated after the last invoice (31/10/2026): check that the invoice export is complete"
    )
    over = Message("ledger.overpaid_adjustment", excess=Decimal("1000"))
    assert (str(over), over.render("en")) == (
        "trop-perçu Σ 1 000,00 compté en crédit non affecté",
        "overpayment Σ 1,000.00 counted as unapplied credit",
    )
    size = Message("table.file_too_big", size=int(1.5 * (1 << 30)), limit=200 << 20, then="")
    assert str(size).startswith("fichier de 1,5 Go : au plus 200 Mo")
    assert size.render("en").startswith("file of 1.5 GB: at most 200 MB")


def test_a_message_is_its_french_text_and_keeps_key_and_parameters():
    message = Message("amount.unreadable_inside", inside="x")
    assert message == "montant illisible : « x » entre les chiffres — attendu un nombre comme 1 234,56"
    assert (message.key, message.params) == ("amount.unreadable_inside", {"inside": "x"})
    assert message.render("en") == "unreadable amount: “x” between the digits — expected a number such as 1,234.56"
    nested = Message("fec.expected_comma", reason=message)
    assert nested.render("en").startswith("unreadable amount: “x” between the digits")
    assert render(ValueError(Message("terms.unreadable", text="abc")), "en").startswith("unreadable payment terms")
    with pytest.raises(KeyError):
        Message("no.such.key")


def test_an_issue_names_file_row_column_and_value_in_either_language():
    issue = ImportIssue("factures.csv", Message("amount.unreadable"), 3, "Montant TTC", "12,5x")
    assert str(issue) == (
        "factures.csv, ligne 3, colonne « Montant TTC » : montant illisible — attendu un nombre "
        "comme 1 234,56 (valeur : '12,5x')"
    )
    assert issue.render("en") == (
        "factures.csv, row 3, column “Montant TTC”: unreadable amount — expected a number "
        "such as 1,234.56 (value: '12,5x')"
    )
    assert issue.key == "amount.unreadable"
    refused = ImportFailed([issue] * 21)
    assert str(refused).startswith("Import refusé :\nfactures.csv, ligne 3")
    assert refused.render("en").endswith("… and 1 more error")


def test_errors_keep_key_and_parameters_through_pickling():
    """What the sandbox's child sends back (kpi.store.sandbox pickles results and errors) is still data."""
    errors = [
        WorkspaceBusy(Path("/tmp/compta")),
        WorkspaceReadOnly(Path("/tmp/compta"), Message("workspace.reason.permissions")),
        ImportAborted(("big.xlsx",), "time", 2.5),
        ImportFailed([ImportIssue("a.csv", Message("reading.no_file"))]),
    ]
    for error in errors:
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and str(back) == str(error)
        assert back.render("en") == error.render("en") != str(error)
        assert _french_words(back.render("en")) == []
    busy = pickle.loads(pickle.dumps(errors[0]))
    assert busy.message.key == "workspace.busy" and busy.message.params == {"name": "compta"}
    assert busy.render("en").startswith("the workspace “compta” is taken by another program")
    assert errors[2].render("en").startswith("big.xlsx: reading stopped, it took more than 2.5 s")
    assert str(errors[2]).startswith("big.xlsx : lecture arrêtée, elle durait plus de 2,5 s")


def test_an_import_refused_in_a_child_process_is_worded_in_the_callers_language():
    from kpi.store import sandbox

    with pytest.raises(ImportFailed) as refused:
        sandbox.run_read(BAD / "amount_letters", seconds=60)
    issue = refused.value.issues[0]
    assert issue.key == "amount.unreadable" and (issue.row, issue.column) == (3, "Montant TTC")
    assert issue.render("en").startswith("factures.csv, row 3, column “Montant TTC”: unreadable amount")


def _corpus_issues() -> list[tuple[str, ImportIssue]]:
    expected = json.loads((BAD / "EXPECTED.json").read_text(encoding="utf-8"))
    found = []
    for name, case in sorted(expected.items()):
        options = dict(case["options"])
        if "mapping" in options:
            options["mapping"] = BAD / options["mapping"]
        try:
            result = read_files(BAD / name, **options)
        except ImportFailed as refused:
            found += [(name, issue) for issue in [*refused.issues, *refused.warnings]]
        except ValueError as error:  # an option the importers refuse
            found.append((name, ImportIssue(name, error.args[0])))
        else:
            found += [(name, warning) for warning in result.report.warnings]
    return found


def _data_of(message) -> list[str]:
    data = []
    for value in getattr(message, "params", {}).values():
        if isinstance(value, Message):
            data += _data_of(value)
        elif isinstance(value, str):
            data.append(value)
    return data


def _words_only(issue: ImportIssue) -> str:
    text = render(issue.message, "en")
    for value in sorted(_data_of(issue.message), key=len, reverse=True):
        text = text.replace(value, "")
    return text


def test_every_issue_of_the_broken_files_corpus_is_a_catalogue_message_in_english():
    issues = _corpus_issues()
    assert len(issues) >= 40
    plain = [(name, str(issue)) for name, issue in issues if not isinstance(issue.message, Message)]
    assert plain == []
    # File names, headers and cells quoted in a message are the user's data, in whatever language it was written.
    french = [(name, _words_only(issue)) for name, issue in issues if _french_words(_words_only(issue))]
    assert french == []
    assert all(", row " in issue.render("en") for _, issue in issues if issue.row is not None)
