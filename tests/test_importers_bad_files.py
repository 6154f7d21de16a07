"""The corpus of broken files: each is refused with the message, row and column a user needs to fix it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kpi.importers import ImportFailed, read_files

BAD = Path(__file__).parent / "data" / "bad"
EXPECTED = json.loads((BAD / "EXPECTED.json").read_text(encoding="utf-8"))


def _options(case: dict) -> dict:
    options = dict(case["options"])
    if "mapping" in options:
        options["mapping"] = BAD / options["mapping"]
    return options


def test_the_corpus_has_at_least_forty_cases():
    assert len(EXPECTED) >= 40
    assert all((BAD / name).is_dir() and any((BAD / name).iterdir()) for name in EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_is_refused_with_its_message(name):
    case = EXPECTED[name]
    if case.get("exception") == "ValueError":
        with pytest.raises(ValueError, match=case["message"]):
            read_files(BAD / name, **_options(case))
        return
    with pytest.raises(ImportFailed) as refused:
        read_files(BAD / name, **_options(case))
    issues = refused.value.issues
    matching = [i for i in issues if case["message"] in i.message]
    assert matching, f"expected « {case['message']} » among: {[str(i) for i in issues]}"
    issue = matching[0]
    for key in ("row", "column", "value"):
        if key in case:
            assert getattr(issue, key) == case[key], (key, str(issue))
    # Every message names its file, in words, so the user knows where to look.
    assert issue.file and str(issue).startswith(issue.file)
