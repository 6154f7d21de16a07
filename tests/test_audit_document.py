"""The audit report's document model (kpi/exports/audit_document.py) and its three renderers: one order of sections
for HTML, XLSX and PDF, tables whose rows fit their columns, the template found from any folder."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from kpi.analysis.audit import build_audit
from kpi.exports.audit_document import Chart, Findings, Table, audit_document
from kpi.exports.audit_html import audit_html, render_html
from kpi.exports.audit_pdf import render_pdf
from kpi.exports.audit_xlsx import render_xlsx
from kpi.model.periods import Period
from kpi.store.workspace import Workspace

MARCH = Period.month(2026, 3)
ACTIVITY = Path(__file__).parent / "data" / "activity"


@pytest.fixture(scope="module")
def audits(worked_ledger, tmp_path_factory):
    """The worked example (no workspace, no activity) and the activity files' workspace (every section)."""
    workspace = Workspace(tmp_path_factory.mktemp("activity") / "ws")
    workspace.import_files(sorted(ACTIVITY.glob("*.csv")))
    with workspace.open() as ledger:
        activity = build_audit(ledger, MARCH, client="Activité SARL", generated_on=date(2026, 4, 2), lang="en")
    return [build_audit(worked_ledger, MARCH, generated_on=date(2026, 4, 2)), activity]


def test_every_row_fits_its_columns(audits):
    for audit in audits:
        for section in audit_document(audit).sections:
            for block in section.blocks:
                table = block.data if isinstance(block, Chart) else block
                if isinstance(table, Table):
                    rows = [*table.rows, *([table.total] if table.total else [])]
                    assert all(len(row) == len(table.columns) for row in rows), section.key
                if isinstance(block, Findings):
                    assert len(block.columns) == 3


def test_the_three_renderers_follow_the_document(audits):
    for audit in audits:
        document = audit_document(audit)
        titles = [section.title for section in document.sections]
        page = render_html(document, images={})
        assert re.findall(r"<h2>([^<]*)</h2>", page) == [title.replace("'", "&#39;") for title in titles]
        workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(document)))
        assert workbook.sheetnames == [document.cover.sheet, *(section.sheet for section in document.sections)]
        assert [sheet["A1"].value for sheet in workbook.worksheets[1:]] == titles
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(document, {}))).pages)
        positions = [text.index("\n" + title) for title in titles]
        assert positions == sorted(positions)
    assert "activity" in [section.key for section in audit_document(audits[1]).sections]


def test_the_spreadsheet_details_stay_out_of_html(audits):
    audit = audits[1]
    aged = next(section for section in audit_document(audit).sections if section.key == "aged_balance")
    table = next(block for block in aged.blocks if isinstance(block, Table))
    detail = [column.title for column in table.columns if column.detail]
    assert detail == [audit.t("audit.col.customer_id")]
    assert f"<th>{detail[0]}</th>" not in audit_html(audit, images={})


def test_the_template_is_found_from_any_folder(tmp_path):
    """No install step: a fresh interpreter, started elsewhere with the clone on its path, finds the template."""
    root = Path(__file__).resolve().parent.parent
    code = (
        "from kpi.exports.audit_html import TEMPLATE, _environment; print(_environment.get_template(TEMPLATE).filename)"
    )
    found = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(found.stdout.strip()) == root / "kpi" / "exports" / "templates" / "audit.html.j2"
