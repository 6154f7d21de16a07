"""Grids: a frame's columns drawn as text the page formatted, and column widths so that no amount is ever cut by
an ellipsis.

The grid sizes its columns from the first rows it draws, so a wider total further down (or in a
second grid) ends in « €63,71… ». Widths are set instead from every text a column shows, its
header included, at the grid's font (Source Sans, 14 px: digits are about 7.6 px wide).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

CHARACTER_PX = 6.8  # measured: « 47 523,42 € » takes 69 px
PADDING_PX = 20  # the cell's padding on both sides
# A text column (names) is not widened past this: a long name may end in « … », an amount never.
TEXT_MAX_PX = 210


def column_widths(texts: Mapping[str, Iterable[str]], text_columns: Iterable[str] = ()) -> dict[str, int]:
    """The width in pixels each column needs to show its header and every one of its texts whole;
    `text_columns` (names, ids) at most TEXT_MAX_PX."""
    widths = {
        title: round(max(len(text) for text in (title, *values)) * CHARACTER_PX + PADDING_PX)
        for title, values in texts.items()
    }
    return {title: min(width, TEXT_MAX_PX) if title in text_columns else width for title, width in widths.items()}


def fixed_columns(widths: Mapping[str, int], pinned: Iterable[str] = ()) -> dict[str, st.column_config.Column]:
    """The grid's column_config: each column at its width; `pinned` ones stay in view when the grid scrolls sideways."""
    pinned = set(pinned)
    return {
        title: st.column_config.Column(width=width, pinned=True if title in pinned else None)
        for title, width in widths.items()
    }


def show_table(
    frame: pd.DataFrame, columns: Sequence[tuple[str, str, Callable[[Any], Any] | None]], empty: Callable[[], object]
) -> None:
    """`columns` of `frame` — (title, column name, how a value is shown, None: as it is, a number) — as a grid;
    `empty()` when it has no row.

    The page says how each value is shown (spreadsheet_text for a name, a Formatter's money or date), so
    that a name is never read as Markdown nor an amount as a float."""
    if frame.empty:
        empty()
        return
    grid = {title: frame[name] if shown is None else [shown(v) for v in frame[name]] for title, name, shown in columns}
    st.dataframe(grid, hide_index=True, width="stretch")
