"""RL601's runs of trailing spaces and tabs, found by str.find, are the regex's matches."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from reinvent_lint.rules.whitespace import _trailing_runs

_TRAILING = re.compile(r"[ \t]+(?=\r?$)", re.MULTILINE)  # a CR stays: mixed line endings


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="a \t\r\n", max_size=24), st.integers(min_value=0, max_value=24))
def test_the_runs_are_the_patterns_matches(text: str, pos: int) -> None:
    pos = min(pos, len(text))
    assert _trailing_runs(text, pos) == [(m.start(), m.end()) for m in _TRAILING.finditer(text, pos)]


def test_line_ends_of_each_kind() -> None:
    text = "a \nb\t\t\nc \r\nd\t\r\ne  \r\r\nf\n  \ng \r"
    assert _trailing_runs(text, 0) == [(1, 2), (4, 6), (8, 9), (12, 13), (23, 25), (27, 28)]  # not "e  \r\r"
    assert _trailing_runs(text, 0) == [(m.start(), m.end()) for m in _TRAILING.finditer(text, 0)]
    assert _trailing_runs("x  ", 0) == [(1, 3)]
    assert _trailing_runs("  \nx", 1) == [(1, 2)]
