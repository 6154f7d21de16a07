"""Every export written from a ledger of hostile names holds data, never code: no formula from the data in
XLSX, no CSV text field a spreadsheet would evaluate, no markup in HTML or PDF (kpi/text/untrusted.py)."""

from __future__ import annotations

import io
import re
from datetime import datetime

import openpyxl
import pypdf
import pytest
from hostile_names import (
    AS_OF,
    DOCUMENTS_FILE,
    FORMULA_DDE,
    FORMULA_LINK,
    HOSTILE_NAMES,
    IMAGE_URL,
    LINK_URL,
    MARKUP,
    NO_FORMULA,
    NUMBER,
    SETTLEMENTS_FILE,
    TagsAndText,
    assert_csv_inert,
    assert_no_formula_from_data,
    csv_rows,
    customer_id,
    excel_text,
    hostile_ledger,
    write_hostile_files,
)

from kpi.analysis.audit import build_audit
from kpi.exports.aged_balance import ExportHeader, aged_balance_csv, aged_balance_xlsx, describe_filters
from kpi.exports.audit import audit_html, audit_pdf, audit_xlsx
from kpi.metrics.aging import aged_balance
from kpi.model.periods import Period
from kpi.store.ledger import Ledger
from kpi.store.workspace import Workspace
from kpi.text.untrusted import markdown_text, spreadsheet_text


@pytest.fixture(scope="module")
def ledger():
    return Ledger.in_memory(hostile_ledger())


@pytest.fixture(scope="module")
def balances(ledger):
    return aged_balance(ledger, AS_OF), aged_balance(ledger, AS_OF, by="document")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A workspace whose one import came from files named `=1+2;HYPERLINK.csv` and `@règlements.csv`."""
    root = tmp_path_factory.mktemp("hostile")
    workspace = Workspace(root / "=workspace")
    workspace.import_files(write_hostile_files(root / "files"))
    return workspace.open()


@pytest.fixture(scope="module")
def audits(ledger, imported):
    period = Period.month(AS_OF.year, AS_OF.month)
    return [
        build_audit(ledger, period, client=FORMULA_LINK, author=FORMULA_LINK),
        build_audit(imported, period, client="@company", author="-author", lang="en"),
    ]


def _header(lang="fr"):
    return ExportHeader(
        workspace=FORMULA_DDE,
        as_of=AS_OF,
        basis="due",
        edges=(30, 60, 90, 120),
        filters=describe_filters([FORMULA_LINK], [MARKUP], lang),
        lang=lang,
        generated=datetime(2026, 4, 2, 9, 30),
    )


def test_the_helper_neutralises_text_only():
    assert spreadsheet_text(FORMULA_LINK) == "'" + FORMULA_LINK
    assert spreadsheet_text("\tx") == "'\tx" and spreadsheet_text("\rx") == "'\rx"
    assert spreadsheet_text("Garage Dupont") == "Garage Dupont"
    assert spreadsheet_text(-300) == -300  # a number is never made text
    assert markdown_text("![x](http://a/b.png)\n# T") == "\\!\\[x\\]\\(http\u2060\\:\\/\\/a\\/b\\.png\\) \\# T"
    assert markdown_text("www.a.fr x@y.fr :smile:") == "www\u2060\\.a\\.fr x\u2060\\@y\\.fr \u2060\\:smile\u2060\\:"


def test_aged_balance_workbook_has_no_formula_but_its_totals(balances):
    texts = assert_no_formula_from_data(aged_balance_xlsx(*balances, _header()))
    for name in HOSTILE_NAMES:
        assert name in texts, name  # written as it is, as text
    assert customer_id(0) in texts and "=F0" in texts
    assert FORMULA_DDE in texts  # the workspace name of the header block


def test_aged_balance_workbook_keeps_amounts_as_numbers(balances):
    workbook = openpyxl.load_workbook(io.BytesIO(aged_balance_xlsx(*balances, _header())), data_only=True)
    sheet = workbook["Par pièce"]
    titles = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Client")
    amounts = [row[titles.index("Montant TTC")] for row in sheet.iter_rows(values_only=True) if row[0] in HOSTILE_NAMES]
    assert -300.0 in amounts and all(isinstance(a, (int, float)) for a in amounts)


@pytest.mark.parametrize("by", [0, 1], ids=("by_customer", "by_document"))
@pytest.mark.parametrize("dialect", ["fr", "en"])
def test_aged_balance_csv_has_no_field_a_spreadsheet_would_evaluate(balances, by, dialect):
    rows = csv_rows(aged_balance_csv(balances[by], _header(dialect), dialect), ";" if dialect == "fr" else ",")
    assert_csv_inert(rows)
    fields = {field for row in rows for field in row}
    for name in HOSTILE_NAMES:
        assert spreadsheet_text(name) in fields, name  # the apostrophe, then the name unchanged
    assert "'" + customer_id(0) in fields


def test_csv_negative_amounts_stay_numbers(balances):
    rows = csv_rows(aged_balance_csv(balances[1], _header()), ";")
    amounts = [row[rows[0].index("Montant TTC")] for row in rows[1:]]
    assert "-300,00" in amounts and all(not a.startswith("'") for a in amounts)
    days = [row[rows[0].index("Jours de retard")] for row in rows[1:]]
    assert any(d.startswith("-") for d in days)  # documents not yet due: a negative number, not text
    assert all(NUMBER.fullmatch(d) for d in days)


def test_audit_workbook_has_no_formula_from_names_or_file_names(audits):
    for audit in audits:
        texts = assert_no_formula_from_data(audit_xlsx(audit), allowed=NO_FORMULA)
        assert audit.client in texts and audit.author in texts  # the cover's client and author stay text
    texts = assert_no_formula_from_data(audit_xlsx(audits[1]), allowed=NO_FORMULA)
    assert DOCUMENTS_FILE in texts and SETTLEMENTS_FILE in texts  # the data-quality sheet
    assert any(text == FORMULA_LINK for text in texts)  # aged balance and top overdue


def test_audit_workbook_writes_every_sheet_of_hostile_names(audits):
    workbook = openpyxl.load_workbook(io.BytesIO(audit_xlsx(audits[0])))
    texts = {
        excel_text(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }
    for name in HOSTILE_NAMES:
        assert name in texts, name


def test_audit_html_escapes_every_name(audits):
    for audit in audits:
        parser = TagsAndText()
        parser.feed(audit_html(audit, images={}))
        tags = {tag for tag, _ in parser.tags}
        assert not tags & {"a", "img", "b", "script", "iframe"}, tags
        assert all(not any(v and ("127.0.0.1" in v or "evil" in v) for v in attrs.values()) for _, attrs in parser.tags)
        assert MARKUP in "".join(parser.text)  # shown as the text it is
    parser = TagsAndText()
    parser.feed(audit_html(audits[1], images={}))
    assert DOCUMENTS_FILE in "".join(parser.text)


def test_audit_pdf_prints_markup_as_text(audits):
    for audit in audits:
        reader = pypdf.PdfReader(io.BytesIO(audit_pdf(audit, images={})))
        text = "".join(page.extract_text() for page in reader.pages)
        flat = re.sub(r"\s+", "", text)
        for fragment in ("<b>gras</b>", f'<ahref="{LINK_URL}">lien</a>', f'<imgsrc="{IMAGE_URL}">'):
            assert fragment in flat, fragment
        for page in reader.pages:
            assert "/Annots" not in page, "no link from the data"
            resources = page.get("/Resources") or {}
            assert "/XObject" not in resources, "no image from the data"


SCRIPT = "<script>alert(1)</script>"


def test_audit_html_and_workbook_of_a_script_and_a_formula_named_customer():
    """Two customers named as an attacker would (a script tag, a HYPERLINK formula), the script also the client:
    the HTML template shows them as text, the workbook writes them as quoted text, never a formula."""
    period = Period.month(AS_OF.year, AS_OF.month)
    audit = build_audit(Ledger.in_memory(hostile_ledger((SCRIPT, FORMULA_LINK))), period, client=SCRIPT)
    page = audit_html(audit, images={})
    parser = TagsAndText()
    parser.feed(page)
    assert "script" not in {tag for tag, _ in parser.tags}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and SCRIPT not in page
    text = "".join(parser.text)
    assert text.count(SCRIPT) >= 4  # title, cover, aged balance, top overdue
    assert FORMULA_LINK in text
    data = audit_xlsx(audit)
    texts = assert_no_formula_from_data(data, allowed=NO_FORMULA)
    assert texts.count(FORMULA_LINK) >= 2 and texts.count(SCRIPT) >= 3  # aged balance, top overdue; cover
    aged = openpyxl.load_workbook(io.BytesIO(data))["Balance âgée"]
    names = {cell.value: cell for row in aged.iter_rows() for cell in row if cell.value in (SCRIPT, FORMULA_LINK)}
    assert names[FORMULA_LINK].data_type == "s" and names[FORMULA_LINK].quotePrefix
    assert names[SCRIPT].data_type == "s"
