"""kpi/cli/tables.py: the one text-table printer of the command line."""

from __future__ import annotations

from kpi.cli.tables import AMOUNT, LABEL, Column, table_lines, table_text


def test_columns_fit_their_widest_cell_labels_left_amounts_right():
    rows = [("Client", "Total"), ("Boulangerie Martin", "3 300,00 €"), ("%", "100,0 %")]
    assert table_lines(rows, (LABEL, AMOUNT)) == [
        "Client                   Total",
        "Boulangerie Martin  3 300,00 €",
        "%                      100,0 %",
    ]


def test_a_fixed_width_is_a_least_width_that_a_longer_cell_overflows():
    value = Column("right", 6)
    assert table_lines([("a", "1"), ("bb", "1234567")], (LABEL, value), gap=" ") == ["a       1", "bb 1234567"]


def test_cells_are_escaped_before_they_are_measured():
    text = table_text([("A\x1b[2J\nB", None), ("x", 5)], (LABEL, AMOUNT))
    assert text == "A\\x1b[2J\\x0aB   \n" + "x" + " " * 14 + "5"  # the escape is 13 characters wide
