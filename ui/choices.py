"""Choices among a few fixed options, drawn the one way the pages draw them: a horizontal radio whose options show
in the user's language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kpi.text.i18n import Translator


def choice(container: Any, t: Translator, label: str, options: Sequence[str], prefix: str, **more: Any) -> str:
    """A horizontal radio in `container` (a column, or `st`) labelled t(label), each option shown as
    t(f"{prefix}.{option}"); `more` goes to the radio as is (key, index, help…)."""
    return container.radio(
        t(label), options, format_func=lambda option: t(f"{prefix}.{option}"), horizontal=True, **more
    )
