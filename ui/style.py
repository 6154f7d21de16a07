"""The app's few style rules: whole numbers on KPI cards, card labels that wrap, the uploader in the user's language.

Streamlit cuts a card's label and value with an ellipsis when the column is narrow (« 55 705,… »);
an amount must never be cut, so the value's size follows its card's width (a container query) and
the label wraps. The file uploader's own words (« Upload », « 100MB per file ») are Streamlit's,
in English only: they are replaced, through CSS, by the catalogue's. Only catalogue texts reach
this style sheet, never data.
"""

from __future__ import annotations

import json
from pathlib import Path

from kpi.text.i18n import Translator

FAVICON = Path(__file__).with_name("assets") / "favicon.png"

_CARDS = """
@media (min-width: 641px) { [data-testid="stMainBlockContainer"] { padding-left: 2.5rem; padding-right: 2.5rem; } }
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetric"] .stMarkdownEllipsis, [data-testid="stMetric"] .stMarkdownEllipsis p {
  overflow: visible !important; text-overflow: clip !important; -webkit-line-clamp: unset !important;
}
[data-testid="stMetricLabel"] .stMarkdownEllipsis p { white-space: normal !important; line-height: 1.25; }
[data-testid="stMetricLabel"] { height: auto !important; min-height: 1.5rem; align-items: flex-start; }
[data-testid="stMetricValue"] { font-size: clamp(1rem, 11cqi, 2.25rem) !important; }
[data-testid="stMetricValue"] p, [data-testid="stMetricDelta"] p { white-space: nowrap !important; }
"""


def _content(text: str) -> str:
    # A CSS string: JSON's escaping of quotes and backslashes is CSS's too; « < » cannot close the element.
    return json.dumps(text, ensure_ascii=False).replace("<", "\\3C ")


def style_sheet(t: Translator) -> str:
    """The <style> element of every page, in the session's language."""
    uploader = f"""
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: {_content(t("uploader.browse"))}; font-size: 0.875rem;
}}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: {_content(t("uploader.instructions"))}; font-size: 0.875rem;
}}
"""
    return f"<style>{_CARDS}{uploader}</style>"
