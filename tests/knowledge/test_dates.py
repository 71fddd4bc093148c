"""``knowledge.dates``: the three forms of the data (and a bare year) parse with their precision, anything
else is refused with the value in the message, and the words never show more than is known."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.dates import DAY, MONTH, UNKNOWN, YEAR, describe_date, parse_date


@pytest.mark.parametrize(
    "raw,iso,precision",
    [
        ("2019-02-21", "2019-02-21", DAY),
        ("2019-03", "2019-03", MONTH),
        ("2019", "2019", YEAR),
        ("", None, UNKNOWN),
        ("  ", None, UNKNOWN),
        (None, None, UNKNOWN),
        (" 2019-03 ", "2019-03", MONTH),
    ],
)
def test_the_data_forms_parse_with_their_precision(raw: str | None, iso: str | None, precision: str) -> None:
    d = parse_date(raw)
    assert (d.iso, d.precision) == (iso, precision)


@pytest.mark.parametrize(
    "raw",
    [
        "2019-13",
        "2019-00",
        "2019/02/03",
        "2019-02-30",
        "2019-2-3",
        "21/02/2019",
        "Feb 2019",
        "2019-02-21T10:00",
        "2019-02-21 10:00",
        "19",
        "２０１９-０２",
        "2019-02-21x",
        "x2019",
    ],
)
def test_malformed_dates_are_refused_naming_the_value(raw: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_date(raw)
    assert repr(raw.strip()) in str(info.value)


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_any_real_day_round_trips(day: dt.date) -> None:
    d = parse_date(day.isoformat())
    assert (d.iso, d.precision, d.year) == (day.isoformat(), DAY, day.year)
    assert describe_date(d.iso) == f"{day.day} {day.strftime('%B')} {day.year}"


@given(st.integers(1000, 9999), st.integers(1, 12))
def test_a_month_only_date_never_shows_a_day(year: int, month: int) -> None:
    iso = f"{year}-{month:02d}"
    assert parse_date(iso).precision == MONTH
    words = describe_date(iso)
    month_name = dt.date(2000, month, 1).strftime("%B")
    assert words.startswith(f"{month_name} {year}")
    assert not re.search(r"\d", words.replace(str(year), ""))


@given(st.text(max_size=12))
def test_parse_date_returns_or_raises_value_error_only(raw: str) -> None:
    try:
        d = parse_date(raw)
    except ValueError:
        return
    assert d.precision in (DAY, MONTH, YEAR, UNKNOWN)
    assert d.iso is None or d.iso.isascii()


def test_unknown_and_year_only_dates_say_so() -> None:
    assert describe_date(None) == "date unknown"
    assert "year only" in describe_date("2019")
