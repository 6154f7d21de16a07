"""Money text parsed exactly: every notation French and English exports use."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pytest

from kpi.importers.amounts import AmountError, detect_decimal_mark, parse_amounts, strip_decoration


def parsed(values, mark=None, currency=None):
    return parse_amounts(pa.array(values), mark, currency).values.to_pylist()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56 €", "1234.56"),
        ("1\u202f234,56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1'234,56", "1234.56"),
        ("EUR 12,5", "12.50"),
        ("-12,50", "-12.50"),
        ("12,50-", "-12.50"),
        ("(12,50)", "-12.50"),
        ("+7", "7.00"),
        ("0000000074,70", "74.70"),
        (",5", "0.50"),
    ],
)
def test_comma_notations(text, expected):
    assert parsed([text, "1,00"]) == [Decimal(expected), Decimal("1.00")]


def test_point_notations_and_thousands_commas():
    assert parsed(["1,234.56", "$3", "12.5"], currency="USD") == [Decimal("1234.56"), Decimal("3.00"), Decimal("12.50")]


@pytest.mark.parametrize(
    ("value", "token"),
    [("1 000,00 $", "$"), ("£500,00", "£"), ("250,00 CHF", "CHF"), ("USD 12,00", "USD"), ("(12,50 ¥)", "¥")],
)
def test_another_currency_than_the_imports_is_refused(value, token):
    with pytest.raises(AmountError) as error:
        parse_amounts(pa.array(["1,00", value]))
    assert error.value.index == 1 and error.value.value == value
    assert f"devise « {token} » alors que l'import est en EUR" in error.value.reason


@pytest.mark.parametrize(("value", "inside"), [("12EUR34,00", "EUR"), ("1€2€3,45", "€"), ("12$50", "$")])
def test_letters_or_signs_between_digits_are_unreadable(value, inside):
    with pytest.raises(AmountError) as error:
        parse_amounts(pa.array([value]), None, "USD")
    assert f"montant illisible : « {inside} » entre les chiffres" in error.value.reason


def test_the_imports_own_currency_is_read_at_either_end():
    assert parsed(["€ 12,50", "-€3,00", "4,00 EUR", "(5,00 euros)", "6,00 €-"]) == [
        Decimal("12.50"),
        Decimal("-3.00"),
        Decimal("4.00"),
        Decimal("-5.00"),
        Decimal("-6.00"),
    ]
    assert parsed(["CHF 1'250.00", "3.00 chf"], currency="CHF") == [Decimal("1250.00"), Decimal("3.00")]


def test_empty_cells_are_null():
    assert parsed(["", "  ", "1,5"]) == [None, None, Decimal("1.50")]


def test_exactness_on_values_binary_floats_cannot_hold():
    values = ["0,10", "0,20", "9999999999999999,99"]
    result = parsed(values)
    assert sum(result) == Decimal("10000000000000000.29")


def test_decimal_mark_evidence():
    text = lambda values: strip_decoration(pa.array(values))[0]  # noqa: E731
    assert detect_decimal_mark(text(["1 234,5"])) == ","
    assert detect_decimal_mark(text(["1.234.567"])) == ","
    assert detect_decimal_mark(text(["1,234.5"])) == "."
    assert detect_decimal_mark(text(["12", "1,234"])) is None
    assert detect_decimal_mark(text(["1,5", "2.5"])) == "mixed"


def test_forced_mark_reads_three_digit_groups_as_thousands():
    assert parsed(["1,234"], ".") == [Decimal("1234.00")]
    assert parsed(["1.234"], ",") == [Decimal("1234.00")]


@pytest.mark.parametrize(
    ("values", "index", "reason"),
    [
        (["1,00", "12,5x"], 1, "montant illisible"),
        (["1,00", "12,345"], 1, "plus de deux décimales"),
        (["1,234"], 0, "séparateur décimal ambigu"),
        (["1,5", "2.5"], 0, "mélange"),
        (["1 2,00"], 0, "montant illisible"),
        (["--1"], 0, "montant illisible"),
        (["€"], 0, "montant illisible"),
    ],
)
def test_first_bad_value_is_located(values, index, reason):
    with pytest.raises(AmountError) as error:
        parse_amounts(pa.array(values))
    assert error.value.index == index
    assert error.value.value == values[index]
    assert reason in error.value.reason


def test_bad_value_located_far_in_a_long_column():
    values = ["1,00"] * 5000 + ["1,001"] + ["2,00"] * 10
    with pytest.raises(AmountError) as error:
        parse_amounts(pa.array(values))
    assert error.value.index == 5000


PLAIN_COLUMNS = [
    ["12.50", "-3.07", "", "007", "1234567890123456"],
    ["1 234,56", "1\u00a0234,5", "-9 999,99", "0,07", ""],
    ["12'345.67", "1 234", "5"],
    ["1", "2", "-0"],
    ["", ""],
    ["12.50", "1,50"],  # both marks: refused as mixed
    ["12345678901234567"],  # too big
]


@pytest.mark.parametrize("values", PLAIN_COLUMNS)
@pytest.mark.parametrize("mark", [None, ".", ","])
def test_plain_columns_read_in_one_pass_as_the_full_rules_read_them(monkeypatch, values, mark):
    from kpi.importers import amounts

    def outcome():
        try:
            column = amounts.parse_amounts(pa.array(values, pa.string()), mark)
            return column.values.to_pylist(), column.decimal_mark, amounts.column_decimal_mark(pa.array(values))
        except AmountError as error:
            return error.index, error.value, error.reason

    fast = outcome()
    monkeypatch.setattr(amounts, "_plain_column", lambda raw: None)
    assert fast == outcome()
