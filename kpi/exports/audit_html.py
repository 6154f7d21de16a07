"""The audit document (kpi/exports/audit_document.py) rendered as one HTML page by a Jinja2 template.

The template, `templates/audit.html.j2`, is found next to this module, so the project runs from its folder
without an install step. Autoescape is on and undefined names fail, so a value from the data (a customer's
name, a file name, an import note) is always text, never markup; charts are embedded as PNG data URIs.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from kpi.exports.audit_document import AuditDocument, Chart, Findings, Paragraph, Table, audit_document, chart_images
from kpi.exports.templates import html_environment

if TYPE_CHECKING:
    from kpi.analysis.audit import AuditReport

TEMPLATE = "audit.html.j2"

_environment = html_environment()
# The document's kinds of block, as the template asks: `{% if block is table %}`.
_environment.tests.update(
    {
        "table": lambda block: isinstance(block, Table),
        "chart": lambda block: isinstance(block, Chart),
        "findings": lambda block: isinstance(block, Findings),
        "paragraph": lambda block: isinstance(block, Paragraph),
    }
)


def render_html(document: AuditDocument, images: dict[str, bytes]) -> str:
    """The document as an HTML page; a chart whose image is not in `images` is left out."""
    encoded = {name: base64.b64encode(data).decode("ascii") for name, data in images.items()}
    return _environment.get_template(TEMPLATE).render(document=document, images=encoded)


def audit_html(audit: AuditReport, images: dict[str, bytes] | None = None) -> str:
    """The audit report as an HTML page, with the charts drawn unless `images` is given (`{}`: none)."""
    return render_html(audit_document(audit), chart_images(audit) if images is None else images)
