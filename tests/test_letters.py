"""kpi/metrics/letters.py, kpi/exports/letter.py and `python -m kpi letter`: reminder letters, worked out by hand.

The worked example (tests/data/worked) at D = 31/03/2026, matched mode. The overdue invoices (tests/test_statement.py
has every item):

  C2  F-004 500 due 12/03 → 31 − 12 = 19 days late;  F-007 300 due 20/03 → 11 days late
      A-001, a credit note of 300 applied to nothing   → unapplied credits 300
  C4  F-011 450 due 04/02 → 24 + 31 = 55 days late (February 2026 has 28 days)
  C1  F-002 300 due 14/02 → 14 + 31 = 45 days late

At a rate of 13,15 % a year (L441-10: outstanding × rate × days late / 365, each to the cent half up):
  F-004  500 × 0.1315 × 19 / 365 = 1 249.25 / 365 = 3.4226… → 3.42
  F-007  300 × 0.1315 × 11 / 365 =   433.95 / 365 = 1.1889… → 1.19
  F-011  450 × 0.1315 × 55 / 365 = 3 254.625 / 365 = 8.9167… → 8.92
  indemnity: 40 € per overdue invoice for professional customers
  C2 total due = (500 + 300) + (3.42 + 1.19) + 2 × 40 − 300 = 800 + 4.61 + 80 − 300 = 584.61
  C4 total due = 450 + 8.92 + 40 = 498.92
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from hostile_names import MARKUP
from ledgers import ledger_from_rows
from sample_files import WORKED_FILES

from kpi.cli.main import main
from kpi.exports.header import FileHeader
from kpi.exports.letter import check_template, default_template, letter_pdf, template_setting, template_text
from kpi.metrics.collection import reminder_funnel
from kpi.metrics.letters import late_interest, letter, record_letter
from kpi.metrics.settings import CompanySettings, LetterSettings, parse_rate
from kpi.model.periods import Period
from kpi.store.ledger import Ledger
from kpi.store.workspace import Workspace
from kpi.text.errors import InvalidValue

D = date(2026, 3, 31)
RATE = Decimal("13.15")
FILES = [str(path) for path in WORKED_FILES]
COMPANY = CompanySettings(name="Encours Démo SAS", email="compta@example.fr", phone="01 23 45 67 89")


def run(*argv: str) -> str:
    out = io.StringIO()
    assert main(list(argv), out) == 0, out.getvalue()
    return out.getvalue()


def pdf_text(data: bytes) -> str:
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_interest_is_rounded_half_up_per_invoice():
    assert late_interest(Decimal("500"), RATE, 19) == Decimal("3.42")  # 3.4226…
    assert late_interest(Decimal("300"), RATE, 11) == Decimal("1.19")  # 1.1889…
    assert late_interest(Decimal("450"), RATE, 55) == Decimal("8.92")  # 8.9167…
    assert late_interest(Decimal("100"), Decimal("10"), 1) == Decimal("0.03")  # 100 × 0.10 / 365 = 0.0273…
    assert late_interest(Decimal("73"), Decimal("2.5"), 1) == Decimal(
        "0.01"
    )  # 73 × 0.025 / 365 = 1.825 / 365 = 0.005 exactly: half up


def test_formal_notice_of_c2_states_the_penalties_and_nets_the_credit_note(worked_ledger):
    notice = letter(worked_ledger, "C2", D, "formal_notice", rate=RATE)
    assert notice.penalties and notice.rate == RATE
    assert [(i.document_id, i.outstanding, i.days_late, i.interest, i.indemnity) for i in notice.invoices] == [
        ("F-004", Decimal("500"), 19, Decimal("3.42"), Decimal("40")),
        ("F-007", Decimal("300"), 11, Decimal("1.19"), Decimal("40")),
    ]
    assert notice.unapplied_credits == Decimal("300")
    assert notice.total_due == Decimal("584.61")  # 800 + 4.61 + 80 − 300
    assert notice.to_json()["total_due"] == 584.61


def test_r1_states_no_penalties_unless_asked(worked_ledger):
    reminder = letter(worked_ledger, "C4", D, "r1")
    assert [(i.document_id, i.days_late, i.interest, i.indemnity) for i in reminder.invoices] == [
        ("F-011", 55, None, None)
    ]
    assert reminder.total_due == Decimal("450")
    asked = letter(worked_ledger, "C4", D, "r1", rate=RATE, penalties=True)
    assert asked.total_due == Decimal("498.92")  # 450 + 8.92 + 40


def test_no_indemnity_for_consumers_and_the_workspace_rate(worked_ledger):
    settings = LetterSettings(penalty_rate=RATE, rate_from=date(2026, 1, 1), professional=False)
    notice = letter(worked_ledger, "C4", D, "formal_notice", settings=settings)
    assert (notice.interest, notice.indemnity, notice.total_due) == (Decimal("8.92"), Decimal("0"), Decimal("458.92"))
    assert notice.rate_from == date(2026, 1, 1)


def test_oldest_mode_has_no_unapplied_credit_left_for_c2(worked_ledger):
    # A-001's 300 nets F-004: F-004 200 × 0.1315 × 19 / 365 = 499.7 / 365 = 1.369… → 1.37; F-007 1.19 as before.
    notice = letter(worked_ledger, "C2", D, "formal_notice", "oldest", rate=RATE)
    assert [(i.document_id, i.outstanding, i.interest) for i in notice.invoices] == [
        ("F-004", Decimal("200"), Decimal("1.37")),
        ("F-007", Decimal("300"), Decimal("1.19")),
    ]
    assert notice.unapplied_credits == 0
    assert notice.total_due == Decimal("582.56")  # 500 + 2.56 + 80


def test_penalties_without_a_rate_ask_for_one(worked_ledger):
    with pytest.raises(InvalidValue) as raised:
        letter(worked_ledger, "C2", D, "formal_notice")
    assert "--rate" in raised.value.render("fr") and "taux" in raised.value.render("fr")
    assert "need a rate" in raised.value.render("en")


def test_rates_as_typed():
    assert parse_rate("13,15") == parse_rate("13.15 %") == RATE
    assert parse_rate("-1") is None and parse_rate("abc") is None and parse_rate("") is None
    stored = LetterSettings(RATE, date(2026, 1, 1), False).to_settings()
    assert LetterSettings.from_settings(stored) == LetterSettings(RATE, date(2026, 1, 1), False)
    assert LetterSettings.from_settings({}) == LetterSettings(None, None, True)


@pytest.mark.parametrize(
    ("lang", "stage", "said"),
    [
        ("fr", "r1", ["rappel", "F-011", "04/02/2026", "450,00 €", "55", "Total dû", "Encours Démo SAS"]),
        ("fr", "r2", ["deuxième relance", "sous huit jours", "450,00 €"]),
        ("fr", "r3", ["dernière relance", "L441-10", "450,00 €"]),
        ("fr", "formal_notice", ["mise en demeure", "L441-10", "13,15 %", "8,92 €", "40,00 €", "498,92 €"]),
        ("en", "r1", ["reminder", "F-011", "€450.00", "Total due"]),
        ("en", "r2", ["second reminder", "€450.00"]),
        ("en", "r3", ["final reminder", "L441-10", "€450.00"]),
        ("en", "formal_notice", ["formal notice", "L441-10", "13.15%", "€8.92", "€40.00", "€498.92"]),
    ],
)
def test_every_letter_in_both_languages(worked_ledger, lang, stage, said):
    one = letter(worked_ledger, "C4", D, stage, rate=RATE)
    text = pdf_text(letter_pdf(one, COMPANY, FileHeader(source="worked", lang=lang)))
    for words in said:
        assert words.lower() in text.lower(), words
    assert "SARL Ébène & Fils" in text


def test_a_markup_name_prints_as_text():
    ledger = Ledger.in_memory(
        ledger_from_rows(
            [
                {
                    "document_id": "F1",
                    "customer_id": "X",
                    "customer_name": MARKUP,
                    "issue_date": date(2026, 1, 1),
                    "amount": 100,
                }
            ],
            [],
        )
    )
    text = pdf_text(
        letter_pdf(letter(ledger, "X", D, "r1"), CompanySettings(name="<b>Moi</b>"), FileHeader(source="x"))
    )
    assert "<b>gras</b>" in text and "<b>Moi</b>" in text


def test_a_template_writes_bold_and_italics_but_no_image_nor_link(worked_ledger):
    one = letter(worked_ledger, "C4", D, "r1")
    template = '<b>Gras</b> <i>penché</i> <img src="/etc/hostname"/> <a href="http://127.0.0.1:1/">lien</a>\n\n{{ invoice_table }}'
    data = letter_pdf(one, COMPANY, FileHeader(source="x"), template)
    text = pdf_text(data)
    assert "Gras penché" in text and '<img src="/etc/hostname"/>' in text and "lien</a>" in text
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        assert "/Annots" not in page and "/XObject" not in (page.get("/Resources") or {})


def test_an_edited_template_is_used_then_restored(tmp_path, worked_ledger):
    one = letter(worked_ledger, "C4", D, "r1")
    edited = "Cher {{ customer_name }}, payez {{ total_due }} svp.\n\n{{ invoice_table }}\n\nMerci."
    check_template(edited, "r1", "fr")
    settings = {template_setting("r1", "fr"): edited}
    text = pdf_text(letter_pdf(one, COMPANY, FileHeader(source="x"), template_text(settings, "r1", "fr")))
    assert "Cher SARL Ébène & Fils, payez 450,00 € svp." in text and "Madame, Monsieur" not in text
    restored = {template_setting("r1", "fr"): None}
    restored_text = pdf_text(letter_pdf(one, COMPANY, FileHeader(source="x"), template_text(restored, "r1", "fr")))
    assert "Madame, Monsieur" in restored_text and "Cher SARL" not in restored_text
    with pytest.raises(InvalidValue) as raised:
        check_template("{{ unknown_value }}", "r1", "fr")
    assert "r1" in raised.value.render("en")
    with pytest.raises(InvalidValue):
        check_template("{{ ''.__class__.__mro__ }}", "r1", "fr")  # the sandbox refuses what templates have no need for


@pytest.mark.parametrize(
    ("template", "fr", "en"),
    [
        # Loops nested over a name would run 100⁴ times and more: no loop at all.
        (
            "Bonjour\n{% for a in customer_name %}{% for b in customer_name %}x{% endfor %}{% endfor %}",
            "ligne 2, « {% for %} » n'est pas permis",
            "line 2, “{% for %}” is not allowed",
        ),
        ('{{ "x" * 1000000000 }}', "ligne 1, « * » n'est pas permis", "line 1, “*” is not allowed"),
        ("{{ customer_name|center(1000000000) }}", "« |center » n'est pas permis", "“|center” is not allowed"),
        ("{{ customer_name.ljust(1000000000) }}", "« ( ) » n'est pas permis", "“( )” is not allowed"),
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "« {% macro %} »", "“{% macro %}”"),
        ("x" * 20_001, "20001 caractères, plus que les 20000 permis", "20001 characters, more than the 20000 allowed"),
    ],
)
def test_a_template_that_could_run_without_bound_is_refused_before_it_runs(template, fr, en):
    with pytest.raises(InvalidValue) as raised:
        check_template(template, "r2", "fr")
    assert fr in raised.value.render("fr") and en in raised.value.render("en")


def test_every_default_template_passes_the_check():
    for stage in ("r1", "r2", "r3", "formal_notice"):
        for lang in ("fr", "en"):
            check_template(default_template(stage, lang), stage, lang)


def test_the_reminders_line_is_an_import_counted_by_the_funnel_and_removable(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    workspace.import_files(WORKED_FILES)
    with workspace.open() as ledger:
        notice = letter(ledger, "C2", D, "formal_notice", rate=RATE)
    stored = record_letter(workspace, notice)
    assert not stored.already_imported and stored.activity_rows == 1
    assert record_letter(workspace, notice).already_imported  # the same letter twice: one line
    imports = workspace.imports()
    assert list(imports["sources"].iloc[-1]) == ["relance-MED-C2-2026-03-31.csv"]
    with workspace.open() as ledger:
        funnel = reminder_funnel(ledger, Period(date(2026, 3, 1), D))
        assert funnel.set_index("step").loc["formal_notice", "reminders"] == 1
    workspace.remove_import(stored.import_id)
    with workspace.open() as ledger:
        assert reminder_funnel(ledger, Period(date(2026, 3, 1), D)).empty


# -- the command line ------------------------------------------------------------------------------------------


def test_cli_json_has_the_issues_keys():
    data = json.loads(
        run(
            "letter",
            *FILES,
            "--customer",
            "C2",
            "--as-of",
            "2026-03-31",
            "--stage",
            "formal_notice",
            "--rate",
            "13,15",
            "--format",
            "json",
        )
    )
    assert {"customer_id", "as_of", "stage", "invoices", "unapplied_credits", "total_due"} <= set(data)
    assert data["invoices"][0] == {
        "document_id": "F-004",
        "outstanding": 500.0,
        "due_date": "2026-03-12",
        "days_late": 19,
        "interest": 3.42,
        "indemnity": 40.0,
    }
    assert (data["unapplied_credits"], data["total_due"]) == (300.0, 584.61)


def test_cli_pdf_from_files_says_nothing_was_recorded(tmp_path):
    said = run(
        "letter",
        *FILES,
        "--customer",
        "C4",
        "--as-of",
        "2026-03-31",
        "--stage",
        "r2",
        "-o",
        str(tmp_path / "r2.pdf"),
        "--lang",
        "en",
    )
    assert said == "files read in memory, no workspace: the reminder is recorded in no reminders log\n"
    assert "€450.00" in pdf_text((tmp_path / "r2.pdf").read_bytes())


def test_cli_all_overdue_from_a_workspace_records_each_letter(tmp_path):
    workspace = tmp_path / "ws"
    run("import", str(workspace), *FILES)
    said = run(
        "letter",
        str(workspace),
        "--all-overdue",
        "--as-of",
        "2026-03-31",
        "--stage",
        "r1",
        "-o",
        str(tmp_path / "r1.zip"),
    )
    assert said.count("relance enregistrée") == 3  # C2, C4, C1
    with zipfile.ZipFile(tmp_path / "r1.zip") as archive:
        assert archive.namelist() == [
            "relance-r1-C2-2026-03-31.pdf",
            "relance-r1-C4-2026-03-31.pdf",
            "relance-r1-C1-2026-03-31.pdf",
        ]
    assert len(Workspace(workspace).imports()) == 4


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--customer", "C9", "--stage", "r1", "--format", "json"], "unknown customer: C9"),
        (["--customer", "C2", "--stage", "formal_notice", "-o", "x.pdf"], "need a rate"),
        (["--customer", "C2", "--stage", "r1", "-o", "x.html"], "as .pdf"),
    ],
)
def test_cli_errors_are_one_message(argv, said, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["letter", *FILES, "--as-of", "2026-03-31", "--lang", "en", *argv], io.StringIO()) == 2
    error = capsys.readouterr().err
    assert said in error and "Traceback" not in error
