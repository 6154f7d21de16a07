"""The one text-table printer of the command line: aligned columns, every cell escaped for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from kpi.cli.terminal import terminal_cell

GAP = "  "  # between two columns


@dataclass(frozen=True)
class Column:
    """How one column lines up: labels to the left, amounts to the right.

    `width` None makes the column as wide as its widest cell; a number makes every cell at least that wide, a
    longer one overflowing to the right (as a format spec's width does), so that a row can be printed alone.
    """

    align: Literal["left", "right"] = "left"
    width: int | None = None


LABEL = Column("left")
AMOUNT = Column("right")


def table_lines(rows: Sequence[Sequence[object]], columns: Sequence[Column], gap: str = GAP) -> list[str]:
    """The rows as lines of aligned text, one per row; a cell is any value, None printing as nothing."""
    cells = [[terminal_cell(value) for value in row] for row in rows]
    widths = [
        column.width if column.width is not None else max((len(row[index]) for row in cells), default=0)
        for index, column in enumerate(columns)
    ]
    return [
        gap.join(
            cell.ljust(width) if column.align == "left" else cell.rjust(width)
            for cell, column, width in zip(row, columns, widths)
        )
        for row in cells
    ]


def table_text(rows: Sequence[Sequence[object]], columns: Sequence[Column], gap: str = GAP) -> str:
    """`table_lines` joined by line ends, without a final one."""
    return "\n".join(table_lines(rows, columns, gap))


def titled_table(
    heading: Sequence[str], rows: Sequence[Sequence[object]], columns: Sequence[Column], empty: str
) -> str:
    """A command's text: its heading lines and a blank line, then the table (its first row the titles) with each
    line's trailing spaces trimmed; or, when no row stands under the titles, the heading and the `empty` sentence."""
    if len(rows) <= 1:
        return "\n".join([*heading, "", empty])
    return "\n".join(line.rstrip() for line in [*heading, "", *table_lines(rows, columns)])
