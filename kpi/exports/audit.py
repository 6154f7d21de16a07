"""The audit report written out: XLSX (one sheet per section), HTML and PDF (with the charts as images).

One document model (kpi/exports/audit_document.py) holds what the report says and in which order; three
renderers write it: audit_xlsx.py (numbers as numbers), audit_html.py (a Jinja2 template, autoescaped) and
audit_pdf.py (reportlab). This module is what callers use: the formats, the file name, `write_audit`.

Everything from the data (names, ids, file names, import notes) stays text: strings in the XLSX never become
formulas or links (kpi/text/untrusted.py), and HTML and PDF escape every value.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from kpi.exports.audit_document import chart_images, cover_rows
from kpi.exports.audit_html import audit_html
from kpi.exports.audit_xlsx import audit_xlsx

if TYPE_CHECKING:
    from kpi.analysis.audit import AuditReport
    from kpi.model.periods import Period

__all__ = [
    "FORMATS",
    "audit_file_name",
    "audit_html",
    "audit_pdf",
    "audit_xlsx",
    "chart_images",
    "client_slug",
    "cover_rows",
    "write_audit",
]

FORMATS = ("xlsx", "html", "pdf")
CLIENT_SLUG_LENGTH = 40


def client_slug(client: str) -> str:
    """The client's name as a file-name part: `Démo SARL` → `demo-sarl`; a name with no Latin letter gives ''."""
    ascii_name = unicodedata.normalize("NFKD", client).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:CLIENT_SLUG_LENGTH].rstrip("-")


def audit_file_name(client: str, period: Period, fmt: str) -> str:
    """`audit-<client>-<start>_<end>.<fmt>`, the same stem for every format; without a client, `audit-<start>_<end>`."""
    parts = ("audit", client_slug(client), f"{period.start.isoformat()}_{period.end.isoformat()}")
    return "-".join(part for part in parts if part) + f".{fmt}"


def audit_pdf(audit: AuditReport, images: dict[str, bytes] | None = None) -> bytes:
    """The audit report as PDF bytes (kpi/exports/audit_pdf.py), reportlab loaded only when a PDF is asked for."""
    from kpi.exports import audit_pdf as pdf

    return pdf.audit_pdf(audit, images)


def write_audit(audit: AuditReport, fmt: str) -> bytes:
    """The report as bytes in one of FORMATS."""
    if fmt == "xlsx":
        return audit_xlsx(audit)
    if fmt == "html":
        return audit_html(audit).encode("utf-8")
    if fmt == "pdf":
        return audit_pdf(audit)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
