"""Dates in every notation, with the day/month order decided once per file."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from kpi.importers.dates import DateError, DateFormats, decide_day_order, parse_dates


def read(values, dayfirst=None):
    column = pa.array(values)
    return parse_dates("d", column, decide_day_order({"d": column}, dayfirst)).to_pylist()


def test_iso_compact_and_timestamps():
    assert read(["2024-01-31", "20240131", "2024-01-31 00:00:00", "2024/01/31", ""]) == [date(2024, 1, 31)] * 4 + [None]


def test_day_first_from_evidence():
    assert read(["03/04/2024", "25/12/2024"]) == [date(2024, 4, 3), date(2024, 12, 25)]


def test_month_first_from_evidence_single_digits():
    assert read(["1/2/2013", "12/31/2013"]) == [date(2013, 1, 2), date(2013, 12, 31)]


def test_other_separators_and_two_digit_years():
    assert read(["31.12.24", "01-02-1999"]) == [date(2024, 12, 31), date(1999, 2, 1)]


def test_same_day_and_month_is_not_ambiguous():
    assert read(["01/01/2024", "05/05/2024"]) == [date(2024, 1, 1), date(2024, 5, 5)]


def test_order_decided_across_columns_of_the_file():
    issue, due = pa.array(["03/04/2024"]), pa.array(["15/05/2024"])
    formats = decide_day_order({"issue": issue, "due": due}, None)
    assert formats == DateFormats(True, "JJ/MM/AAAA")
    assert parse_dates("issue", issue, formats).to_pylist() == [date(2024, 4, 3)]


def test_ambiguous_column_asks_the_user():
    with pytest.raises(DateError) as error:
        read(["03/04/2024"])
    assert error.value.ambiguous
    assert "--dayfirst" in error.value.reason and "--monthfirst" in error.value.reason


def test_user_choice_settles_ambiguity():
    assert read(["03/04/2024"], dayfirst=False) == [date(2024, 3, 4)]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("29/02/2023", "date impossible"),
        ("31/04/2024", "date impossible"),
        ("2024-13-01", "date impossible"),
        ("demain", "date illisible"),
        ("1/1/0024", "année invraisemblable"),
    ],
)
def test_refused_dates(value, reason):
    with pytest.raises(DateError) as error:
        read(["01/01/2024", value])
    assert error.value.index == 1 and reason in error.value.reason


def test_leap_day_is_accepted():
    assert read(["29/02/2024"]) == [date(2024, 2, 29)]


@pytest.mark.parametrize(
    "values",
    [
        ["2024-01-31", "", "2024-02-29"],
        ["2023-02-29"],
        ["1850-01-01", "2024-01-01"],
        ["31/12/2024", "01/02/2024", ""],
        ["01.02.2024", "12-25-2024"],
        ["31/02/2024"],
        ["03/04/2024"],
    ],
)
@pytest.mark.parametrize("dayfirst", [None, True, False])
def test_iso_and_two_digit_columns_read_in_one_pass_as_the_full_rules_read_them(monkeypatch, values, dayfirst):
    from kpi.importers import dates

    def outcome():
        try:
            return read(values, dayfirst)
        except DateError as error:
            return error.column, error.index, error.value, error.reason

    fast = outcome()
    monkeypatch.setattr(dates, "_iso_column", lambda raw: None)
    monkeypatch.setattr(dates, "_fixed_slashed", lambda text, empty: None)
    assert fast == outcome()
