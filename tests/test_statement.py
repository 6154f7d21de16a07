"""kpi/metrics/statement.py, kpi/exports/statement.py and `python -m kpi statement`: the customer statement, by hand.

The worked example (tests/data/worked) at D = 31/03/2026 (February 2026 has 28 days). Each customer's items at D:

  C1 Boulangerie Martin
    F-001 1 200 due 09/01  paid 1 200 on 20/01 (P-01)                  → settled, not on the statement
    F-002   800 due 14/02  paid 500 on 10/03 (P-02)                     →   300 open, 14 + 31 = 45 days past due
    F-006 3 000 due 01/04  paid 05/04 (P-09), after D                   → 3 000 open, not due
    F-010   500 issued 02/04, after D                                   → not on the statement
    balance = 300 + 3 000 = 3 300 in both modes (no credit to apply)
  C2 Garage Dupont
    F-003 2 500 paid 03/03 (P-03)                                       → settled
    F-004 1 500 due 12/03  paid 1 000 on 25/03 (P-04)                   →   500 open, 19 days
    F-007   900 due 20/03  paid 600 on 28/03 (P-06)                     →   300 open, 11 days
    A-001  −300 credit note applied to nothing                          →  −300 credit note not applied
    matched: balance = 500 + 300 − 300 = 500
    oldest:  A-001's 300 nets the oldest invoice by due date, F-004 (12/03): F-004 500 − 300 = 200, A-001 gone;
             balance = 200 + 300 = 500, the same AR
  C3 Café "Le Zinc"
    F-000 400 written off on 31/03 (P-08); F-005 600 paid on 26/03      → settled
    F-008 1 800 due 14/04, F-009 700 issued on D itself, due 30/04      → open, not due
    P-07  250 of cash matched to nothing                                → −250 unapplied payment
    matched: balance = 1 800 + 700 − 250 = 2 250
    oldest:  P-07 nets F-008 (due 14/04, before F-009's 30/04): 1 800 − 250 = 1 550; balance 1 550 + 700 = 2 250
  C4 SARL Ébène & Fils
    F-011 450 due 04/02, nothing paid                                   →   450 open, 24 + 31 = 55 days
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from hostile_names import FORMULA_LINK, MARKUP, TagsAndText, assert_no_formula_from_data, hostile_ledger
from sample_files import WORKED_FILES

from kpi.cli.main import main
from kpi.exports.header import FileHeader
from kpi.exports.statement import statement_html, statement_pdf, statement_xlsx
from kpi.metrics.aging import aged_balance_records
from kpi.metrics.settings import CompanySettings
from kpi.metrics.statement import overdue_customers, statement
from kpi.model.filters import Filters
from kpi.store.ledger import Ledger
from kpi.text.errors import InvalidValue

D = date(2026, 3, 31)
FILES = [str(path) for path in WORKED_FILES]
COMPANY = CompanySettings(
    name="Encours Démo SAS",
    address="12 rue des Lilas\n75011 Paris",
    email="compta@example.fr",
    phone="01 23 45 67 89",
    siret="123 456 789 00012",
)
# Each customer's AR at D worked out above, the same in both modes.
BALANCES = {"C1": Decimal("3300"), "C2": Decimal("500"), "C3": Decimal("2250"), "C4": Decimal("450")}
SCRIPT = "<script>alert(1)</script>"


def header(lang: str = "fr") -> FileHeader:
    return FileHeader(source="tests/data/worked", lang=lang)


def run(*argv: str) -> str:
    out = io.StringIO()
    assert main(list(argv), out) == 0
    return out.getvalue()


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def rows(one) -> list[tuple]:
    return [
        (i.section, i.document_id, i.amount, i.settled, i.netted, i.outstanding, i.days_past_due) for i in one.items
    ]


def test_c2_matched_lists_its_open_invoices_its_credit_note_and_what_settled_them(worked_ledger):
    c2 = statement(worked_ledger, "C2", D)
    assert c2.customer_name == "Garage Dupont" and c2.matching == "matched"
    assert rows(c2) == [
        ("open", "F-004", Decimal("1500"), Decimal("1000"), Decimal("0"), Decimal("500"), 19),  # 1 500 − 1 000
        ("open", "F-007", Decimal("900"), Decimal("600"), Decimal("0"), Decimal("300"), 11),  # 900 − 600
        ("credit_notes", "A-001", Decimal("-300"), Decimal("0"), Decimal("0"), Decimal("-300"), None),
    ]
    f004 = c2.items[0].settlements
    assert [(s.settlement_id, s.date, s.kind, s.amount) for s in f004] == [("P-04", date(2026, 3, 25), "cash", 1000)]
    assert c2.overdue == Decimal("800")  # 500 + 300, both past due
    assert c2.balance == Decimal("500")  # 500 + 300 − 300


def test_c2_oldest_nets_the_credit_note_against_its_oldest_invoice(worked_ledger):
    c2 = statement(worked_ledger, "C2", D, "oldest")
    assert rows(c2) == [
        ("open", "F-004", Decimal("1500"), Decimal("1000"), Decimal("300"), Decimal("200"), 19),  # 1 500 − 1 000 − 300
        ("open", "F-007", Decimal("900"), Decimal("600"), Decimal("0"), Decimal("300"), 11),
    ]
    assert c2.balance == Decimal("500")  # 200 + 300: the credit note moved, AR did not


def test_c3_unapplied_payment_in_both_modes(worked_ledger):
    matched = statement(worked_ledger, "C3", D)
    assert [(i.section, i.document_id, i.outstanding) for i in matched.items] == [
        ("open", "F-008", Decimal("1800")),
        ("open", "F-009", Decimal("700")),
        ("unapplied_payments", "P-07", Decimal("-250")),
    ]
    assert matched.overdue == Decimal("0")  # both not due yet
    oldest = statement(worked_ledger, "C3", D, "oldest")
    assert [(i.document_id, i.netted, i.outstanding) for i in oldest.items] == [
        ("F-008", Decimal("250"), Decimal("1550")),  # 1 800 − 250
        ("F-009", Decimal("0"), Decimal("700")),
    ]
    assert matched.balance == oldest.balance == Decimal("2250")


@pytest.mark.parametrize("matching", ["matched", "oldest"])
def test_every_balance_is_the_customers_row_of_the_aged_balance(worked_ledger, matching):
    aged = aged_balance_records(worked_ledger, D, filters=Filters(matching=matching))
    totals = {row["customer_id"]: row["total"] for row in aged.rows.records}
    balances = {customer: statement(worked_ledger, customer, D, matching).balance for customer in totals}
    assert balances == totals == BALANCES
    assert sum(balances.values()) == Decimal("6500")  # closing AR of expected-2026-03.json: 3 300 + 500 + 2 250 + 450


def test_overdue_customers_largest_overdue_first(worked_ledger):
    # C2 800 (F-004 500 + F-007 300), C4 450 (F-011), C1 300 (F-002); C3 owes nothing past due.
    assert overdue_customers(worked_ledger, D) == [
        ("C2", "Garage Dupont"),
        ("C4", "SARL Ébène & Fils"),
        ("C1", "Boulangerie Martin"),
    ]
    # oldest: C2's overdue is 200 + 300 = 500, still first.
    assert [c for c, _ in overdue_customers(worked_ledger, D, "oldest")] == ["C2", "C4", "C1"]


def test_an_unknown_customer_is_named(worked_ledger):
    with pytest.raises(InvalidValue) as raised:
        statement(worked_ledger, "C9", D)
    assert "C9" in raised.value.render("fr") and "client inconnu" in raised.value.render("fr")
    assert "unknown customer: C9" in raised.value.render("en")


def test_json_has_the_issues_keys(worked_ledger):
    data = statement(worked_ledger, "C1", D).to_json()
    assert {"customer_id", "as_of", "items", "balance"} <= set(data)
    assert (data["customer_id"], data["as_of"], data["balance"]) == ("C1", "2026-03-31", 3300.0)
    assert [(item["document_id"], item["outstanding"], item["days_past_due"]) for item in data["items"]] == [
        ("F-002", 300.0, 45),  # 800 − 500; 14 days of February + 31 of March
        ("F-006", 3000.0, -1),  # due 01/04: one day before it falls due
    ]


@pytest.mark.parametrize(
    ("lang", "figures"),
    [
        (
            "fr",
            [
                "Relevé de compte",
                "Garage Dupont",
                "31/03/2026",
                "1 500,00 €",
                "500,00 €",
                "-300,00 €",
                "Solde dû : 500,00 €",
                "P-04",
            ],
        ),
        (
            "en",
            [
                "Statement of account",
                "Garage Dupont",
                "31/03/2026",
                "€1,500.00",
                "-€300.00",
                "Balance due: €500.00",
                "P-04",
            ],
        ),
    ],
)
def test_pdf_and_html_say_the_figures_in_both_languages(worked_ledger, lang, figures):
    c2 = statement(worked_ledger, "C2", D)
    text = pdf_text(statement_pdf(c2, COMPANY, header(lang))).replace("\u00a0", " ").replace("\u202f", " ")
    page = statement_html(c2, COMPANY, header(lang))
    shown = "".join(_text_of(page)).replace("\u00a0", " ").replace("\u202f", " ")
    for figure in [*figures, "Encours Démo SAS", "75011 Paris", "123 456 789 00012"]:
        assert figure in text, figure
        assert figure in shown, figure


def _text_of(page: str) -> list[str]:
    parser = TagsAndText()
    parser.feed(page)
    return parser.text


def test_oldest_mode_shows_the_netted_column(worked_ledger):
    c2 = statement(worked_ledger, "C2", D, "oldest")
    text = pdf_text(statement_pdf(c2, COMPANY, header("en")))
    assert "oldest first" in text and "Item by item" not in text
    assert "Credit notes not applied" not in text  # A-001 was used up on F-004


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_xlsx_holds_the_amounts_as_numbers(worked_ledger, lang):
    c2 = statement(worked_ledger, "C2", D)
    sheet = openpyxl.load_workbook(io.BytesIO(statement_xlsx(c2, COMPANY, header(lang)))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    f004 = next(row for row in values if row[0] == "F-004")
    assert f004[3:7] == [1500, 1000, 500, 19]  # amount, settled, outstanding, days past due
    balance = next(row for row in values if row[0] in ("Solde dû", "Balance due"))
    assert 500 in balance
    assert values[0][0] == "Encours Démo SAS"


def test_a_hostile_name_is_text_in_html_pdf_and_xlsx():
    ledger = Ledger.in_memory(hostile_ledger((SCRIPT, FORMULA_LINK, MARKUP)))
    for customer in ("=C0", "+C1", "-C2"):
        one = statement(ledger, customer, D)
        page = statement_html(one, CompanySettings(name=SCRIPT), header())
        parser = TagsAndText()
        parser.feed(page)
        assert not {tag for tag, _ in parser.tags} & {"script", "a", "img", "b"}
        assert SCRIPT not in page and one.customer_name in "".join(parser.text)
        texts = assert_no_formula_from_data(statement_xlsx(one, CompanySettings(name=FORMULA_LINK), header()))
        assert any(one.customer_name in text for text in texts) and FORMULA_LINK in texts
        flat = re.sub(r"\s+", "", pdf_text(statement_pdf(one, COMPANY, header())))
        assert re.sub(r"\s+", "", one.customer_name) in flat


def test_no_company_entered_says_where_to_enter_it(worked_ledger):
    text = pdf_text(statement_pdf(statement(worked_ledger, "C4", D), CompanySettings(), header()))
    assert "à renseigner dans Paramètres" in text


def test_company_settings_round_trip():
    stored = COMPANY.to_settings()
    assert stored["company_siret"] == "123 456 789 00012"
    assert CompanySettings.from_settings(stored) == COMPANY
    assert CompanySettings.from_settings({"company_name": 3}) == CompanySettings()
    assert COMPANY.address_lines == ("12 rue des Lilas", "75011 Paris")


# -- the command line ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("matching", ["matched", "oldest"])
def test_cli_json_balance_is_the_aged_balance_customer_total(matching):
    data = json.loads(
        run(
            "statement",
            *FILES,
            "--customer",
            "C2",
            "--as-of",
            "2026-03-31",
            "--format",
            "json",
            "--apply-credits",
            matching,
        )
    )
    assert (data["customer_id"], data["as_of"], data["balance"]) == ("C2", "2026-03-31", 500.0)
    # The report of March for C2 alone: its closing AR at 31/03 is the statement's balance.
    report = json.loads(
        run(
            "report",
            *FILES,
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--customer",
            "C2",
            "--format",
            "json",
            "--apply-credits",
            matching,
        )
    )
    assert report["closing_ar"] == data["balance"]


def test_cli_files_by_suffix(tmp_path):
    for suffix in ("pdf", "xlsx", "html"):
        target = tmp_path / f"c4.{suffix}"
        run("statement", *FILES, "--customer", "C4", "--as-of", "2026-03-31", "-o", str(target), "--lang", "en")
        assert target.stat().st_size > 500
    assert "€450.00" in pdf_text((tmp_path / "c4.pdf").read_bytes())
    assert "SARL Ébène &amp; Fils" in (tmp_path / "c4.html").read_text(encoding="utf-8")


def test_cli_all_overdue_zip(tmp_path):
    target = tmp_path / "releves.zip"
    run("statement", *FILES, "--all-overdue", "--as-of", "2026-03-31", "-o", str(target))
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert names == ["releve-C2-2026-03-31.pdf", "releve-C4-2026-03-31.pdf", "releve-C1-2026-03-31.pdf"]
        assert "Solde dû : 3 300,00 €" in pdf_text(archive.read(names[2])).replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--customer", "C9", "--format", "json"], "unknown customer: C9"),
        (["--customer", "C2", "-o", "c2.txt"], "got c2.txt"),
        (["--customer", "C2"], "add -o STATEMENT.pdf"),
        (["--all-overdue", "-o", "all.pdf"], "as .zip"),
    ],
)
def test_cli_errors_are_one_message(argv, said, capsys):
    assert main(["statement", *FILES, "--as-of", "2026-03-31", "--lang", "en", *argv], io.StringIO()) == 2
    error = capsys.readouterr().err
    assert said in error and "Traceback" not in error


def test_cli_all_overdue_when_nothing_is_overdue(tmp_path):
    # On 15/10/2025 the ledger holds F-000 alone (issued 01/10, due 31/10): nothing past due, no file written.
    target = tmp_path / "none.zip"
    said = run("statement", *FILES, "--all-overdue", "--as-of", "2025-10-15", "-o", str(target), "--lang", "en")
    assert said == "no customer has an overdue invoice on 15/10/2025: no statement written\n"
    assert not target.exists()
    assert json.loads(run("statement", *FILES, "--all-overdue", "--as-of", "2025-10-15", "--format", "json")) == []
