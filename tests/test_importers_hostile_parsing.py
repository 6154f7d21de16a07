"""The hostile parsing corpus: each file is refused with the message, row, column and value a user needs, or
accepted with exactly the figures it holds — never read silently wrong (tests/data/hostile/parsing/)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow.compute as pc
import pytest

from kpi.importers import ImportFailed, read_files

CORPUS = Path(__file__).parent / "data" / "hostile" / "parsing"
EXPECTED = json.loads((CORPUS / "EXPECTED.json").read_text(encoding="utf-8"))
CLASSES = ("total", "amount", "date", "mapping", "fec", "overflow")


def _options(name: str, case: dict) -> dict:
    options = dict(case["options"])
    if "mapping" in options:
        options["mapping"] = CORPUS / name / options["mapping"]
    return options


def test_the_corpus_covers_every_class_with_refusals_and_exact_acceptances():
    assert len(EXPECTED) >= 35
    assert all((CORPUS / name).is_dir() and any((CORPUS / name).iterdir()) for name in EXPECTED)
    for prefix in CLASSES:
        outcomes = {case["outcome"] for name, case in EXPECTED.items() if name.startswith(prefix)}
        assert "refused" in outcomes, prefix
    assert sum(case["outcome"] == "accepted" for case in EXPECTED.values()) >= 10


def _refused(name: str, case: dict) -> None:
    with pytest.raises(ImportFailed) as refused:
        read_files(CORPUS / name, **_options(name, case))
    issues = refused.value.issues
    matching = [i for i in issues if case["message"] in i.message]
    assert matching, f"expected « {case['message']} » among: {[str(i) for i in issues]}"
    issue = matching[0]
    for key in ("row", "column", "value", "remedy"):
        if key in case:
            assert getattr(issue, key) == case[key], (key, str(issue))
    # Every message names its file, in words, and the import stays all or nothing (ImportFailed: nothing read).
    assert issue.file and str(issue).startswith(issue.file)


def _by_id(table, column: str) -> dict:
    return dict(zip(table.column("document_id").to_pylist(), table.column(column).to_pylist()))


def _accepted(name: str, case: dict) -> None:
    result = read_files(CORPUS / name, **_options(name, case))
    documents, settlements = result.ledger.documents, result.ledger.settlements
    money = settlements.filter(pc.not_equal(settlements.column("kind"), "credit"))
    assert documents.num_rows == case["documents"]
    assert pc.sum(documents.column("amount")).as_py() == Decimal(case["documents_total"])
    assert (pc.sum(money.column("amount")).as_py() or Decimal("0.00")) == Decimal(case.get("settlements_total", "0.00"))
    amounts = _by_id(documents, "amount")
    for document, amount in case.get("amounts", {}).items():
        assert amounts[document] == Decimal(amount), document
    issued, due = _by_id(documents, "issue_date"), _by_id(documents, "due_date")
    for document, (issue_day, due_day) in case.get("dates", {}).items():
        assert (issued[document], due[document]) == (date.fromisoformat(issue_day), date.fromisoformat(due_day))
    paid = {row["document_id"]: row["date"] for row in money.to_pylist()}
    for document, day in case.get("paid", {}).items():
        assert paid[document] == date.fromisoformat(day), document
    names = _by_id(documents, "customer_name")
    for document, customer in case.get("customers", {}).items():
        assert names[document] == customer
    if "currency" in case:
        assert result.ledger.currency == case["currency"]
    if case.get("reconciled"):
        assert all(file.reconciled for file in result.report.files), result.report.to_text()
    if "warning" in case:
        warnings = [w.message for w in result.report.warnings]
        assert any(case["warning"] in w for w in warnings), warnings


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file(name):
    case = EXPECTED[name]
    if case["outcome"] == "refused":
        _refused(name, case)
    else:
        _accepted(name, case)


def test_total_rows_set_aside_are_in_the_report():
    result = read_files(CORPUS / "total_subtotals_and_grand_total")
    file = result.report.files[0]
    assert file.details["total_rows"] == {"count": 3, "amount": Decimal("350.00")}
    assert "lignes de total mises de côté (chacune vaut la somme des lignes au-dessus) : 3 (Σ 350,00)" in file.to_text()
    assert (file.rows_read, file.rows_imported) == (6, 3)
