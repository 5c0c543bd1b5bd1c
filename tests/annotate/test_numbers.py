"""The one number grammar (workbench/annotate/numbers.py): digits, words, compound and mixed numbers."""
from __future__ import annotations

import pytest

from workbench.annotate import numbers


@pytest.mark.parametrize("phrase, value", [
    ("3,500", 3500.0),
    ("1,250,000", 1250000.0),
    ("2.5", 2.5),
    ("1.2 million", 1200000.0),
    ("6 million", 6000000.0),
    ("twenty-five", 25.0),
    ("twenty five", 25.0),
    ("one hundred and twelve", 112.0),
    ("two hundred and fifty", 250.0),
    ("three thousand five hundred", 3500.0),
    ("twelve", 12.0),
    ("a dozen", 12.0),
    ("two dozen", 24.0),
    ("a hundred", 100.0),
    ("half a million", 500000.0),
    ("a quarter of a million", 250000.0),
    ("Eleven", 11.0),
])
def test_parse_number(phrase, value):
    assert numbers.parse_number(phrase) == value


@pytest.mark.parametrize("phrase", ["dozens", "several hundred", "tens of thousands"])
def test_vague_magnitudes_have_no_value_to_compute_with(phrase):
    assert numbers.parse_number(phrase) is None


@pytest.mark.parametrize("phrase", ["days", "twelfth", "10-year", "3:30", "40%"])
def test_not_a_number(phrase):
    assert numbers.parse_number(phrase) is None


@pytest.mark.parametrize("text, value, vague", [
    ("dozens of people", 12.0, True),
    ("tens of thousands fled", 10000.0, True),
    ("some 80 people", 80.0, False),
    ("one hundred and twelve people", 112.0, False),
])
def test_match_value_in_running_text(text, value, vague):
    m = numbers.load_numbers().number_re.search(text)
    assert numbers.match_value(m) == (value, vague)
