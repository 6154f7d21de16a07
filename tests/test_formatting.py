"""French and English number, money, day, percent and date formats (kpi/text/formatting.py)."""

from datetime import date
from decimal import Decimal

import pytest

from kpi.text.formatting import (
    GROUP_FR,
    MISSING,
    UNIT_SPACE_FR,
    Formatter,
    csv_decimal,
    format_date,
    format_day_month,
    format_days,
    format_money,
    format_number,
    format_percent,
    format_ratio,
)

NNBSP, NBSP = "\u202f", "\u00a0"


def test_french_money_groups_thousands_with_narrow_no_break_space_and_a_no_break_space_before_the_euro():
    assert GROUP_FR == NNBSP and UNIT_SPACE_FR == NBSP
    assert format_money(Decimal("1234.56")) == f"1{NNBSP}234,56{NBSP}€"
    assert format_money(Decimal("-1234567.5")) == f"-1{NNBSP}234{NNBSP}567,50{NBSP}€"
    assert format_money(Decimal("0")) == f"0,00{NBSP}€"


def test_english_money_puts_the_symbol_first():
    assert format_money(Decimal("1234.56"), "en") == "€1,234.56"
    assert format_money(Decimal("-5"), "en") == "-€5.00"
    assert format_money(Decimal("12"), "en", "CHF") == f"CHF{NBSP}12.00"


def test_currency_code_instead_of_symbol():
    assert format_money(Decimal("12"), "fr", "EUR", symbol=False) == f"12,00{NBSP}EUR"


def test_worked_example_dso_reads_33_0_days():
    # expected-2026-03.json: dso 33.032786885245905
    assert format_days(33.032786885245905) == f"33,0{NBSP}j"
    assert format_days(33.032786885245905, "en") == f"33.0{NBSP}d"


def test_percent_and_ratio():
    assert format_percent(12.66) == f"12,7{NBSP}%"
    assert format_percent(12.66, "en") == "12.7%"
    assert format_ratio(0.9568627450980393) == "0,96"


def test_rounding_is_half_up_and_never_shows_minus_zero():
    assert format_number(Decimal("2.25"), "fr", 1) == "2,3"
    assert format_number(-0.04, "fr", 1) == "0,0"


def test_floats_are_read_by_their_shortest_form():
    # 0.1 + 0.2 is 0.30000000000000004: two decimals must still read 0,30.
    assert format_number(0.1 + 0.2, "fr", 2) == "0,30"


def test_dates_are_day_month_year():
    assert format_date(date(2026, 3, 31)) == "31/03/2026"
    assert format_date("2026-03-31", "en") == "31/03/2026"


@pytest.mark.parametrize(
    "function", [format_money, format_days, format_percent, format_ratio, format_date, format_number]
)
def test_undefined_values_show_a_dash(function):
    assert function(None) == MISSING == "—"
    assert function(float("nan")) == MISSING


def test_changes_carry_a_sign_only_when_they_do_not_round_to_zero():
    fmt = Formatter("fr")
    assert fmt.change(-2.04, "days") == f"-2,0{NBSP}j"
    assert fmt.change(0.01, "percent") == f"0,0{NBSP}pt"
    assert fmt.change(Decimal("250"), "money") == f"+250,00{NBSP}€"
    assert fmt.change(None, "days") == MISSING


def test_a_rate_changes_in_points_not_in_percent():
    # A taux d'échu from 32,3 % to 30,8 % fell by 1,5 points (a relative change would be -4,6 %).
    assert Formatter("fr").change(30.8 - 32.3, "percent") == f"-1,5{NBSP}pt"
    assert Formatter("fr").change(3, "percent") == f"+3,0{NBSP}pt"
    assert Formatter("en").change(3, "percent") == f"+3.0{NBSP}pp"
    assert Formatter("fr").change(None, "percent") == MISSING
    # A value with a direction of its own (a forecast's bias) keeps its unit.
    assert Formatter("fr").signed(4, "percent") == f"+4,0{NBSP}%"


def test_a_day_without_its_year_for_short_labels():
    assert format_day_month(date(2026, 11, 2), "fr") == "02/11"
    assert format_day_month(date(2026, 11, 2), "en") == "2 Nov"
    assert format_day_month("2026-04-01", "en") == "1 Apr"


def test_csv_decimal_is_a_plain_decimal_comma_number():
    assert csv_decimal(Decimal("-1234.5")) == "-1234,50"
    assert csv_decimal(None) == ""
