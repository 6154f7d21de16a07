"""The HTML templates of the exports (Jinja2, autoescaped) and the environment that renders them."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).parent


def html_environment() -> Environment:
    """Templates of this folder, every value escaped (a name from the data is text, never markup), an unknown
    name an error rather than an empty string."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
