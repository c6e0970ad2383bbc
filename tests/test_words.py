"""Words a visitor reads: spans of days, and counted things in the right number."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meetings.words import date_range, long_date, number_of


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        ("2021-06-10", "2021-06-10", "10 June 2021"),
        ("2021-06-09", "2021-06-10", "9–10 June 2021"),
        ("2019-11-28", "2019-12-01", "28 November – 1 December 2019"),
        ("2021-12-30", "2022-01-02", "30 December 2021 – 2 January 2022"),
    ],
)
def test_a_span_of_days_names_each_month_and_year_once(start: str, end: str, text: str) -> None:
    assert date_range(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == text


@given(st.dates(), st.integers(min_value=0, max_value=800))
def test_a_span_says_its_first_and_last_day(start: dt.date, days: int) -> None:
    end = start + dt.timedelta(days=min(days, (dt.date.max - start).days))
    text = date_range(start, end)
    assert text.endswith(long_date(end))
    assert text.startswith(f"{start.day}")
    assert (text == long_date(start)) == (start == end)
    for month in {start.strftime("%B"), end.strftime("%B")}:
        assert text.count(month) == 1 or start.year != end.year


@pytest.mark.parametrize(
    ("number", "text"), [(0, "0 meetings"), (1, "1 meeting"), (2, "2 meetings"), (6, "6 meetings")]
)
def test_one_is_singular_every_other_number_plural(number: int, text: str) -> None:
    assert number_of(number, "meeting") == text
    assert number_of(number, "summary", "summaries").startswith(f"{number} summar")
