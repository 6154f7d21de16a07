"""Paths of the files tests read: the worked example of KPI-SPEC and tests/data."""

from pathlib import Path

TESTS = Path(__file__).parent
DATA = TESTS / "data"
WORKED = DATA / "worked"
WORKED_FILES = [WORKED / "documents.csv", WORKED / "settlements.csv"]
# KPI-SPEC's second example: credit notes applied, unapplied cash and write-off, both matching modes.
MATCHING = DATA / "matching"
MATCHING_FILES = [MATCHING / "documents.csv", MATCHING / "settlements.csv"]
