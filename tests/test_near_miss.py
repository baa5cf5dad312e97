"""`near_miss.close_match` finds what `difflib.get_close_matches(..., n=1)` finds, ties and all."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reinvent_lint.near_miss import close_match

WORDS = st.text(alphabet="ab/-.01", max_size=12)


def _difflib(word: str, names: list[str], cutoff: float) -> str | None:
    close = difflib.get_close_matches(word, names, n=1, cutoff=cutoff)
    return close[0] if close else None


@settings(max_examples=3000, deadline=None)
@given(WORDS, st.lists(WORDS, max_size=30), st.sampled_from([0.0, 0.3, 0.6, 0.75, 0.8, 1.0]))
def test_the_same_name_as_difflib(word: str, names: list[str], cutoff: float) -> None:
    assert close_match(word, names, cutoff) == _difflib(word, names, cutoff)
    assert close_match(word, list(reversed(names)), cutoff) == _difflib(word, names, cutoff)


def test_urls_of_a_blog() -> None:
    urls = [f"/blog/{y}/{m:02d}/{d:02d}/" for y in range(2007, 2024) for m in range(1, 13) for d in (3, 17, 26)]
    urls += ["/about/", "/index/", "/blog/index.xml", "/projects/"]
    for word in ("/blog/2009/04/23/", "/blog/2014/05/26/", "/abut/", "/project", "/nothing/like/it/at/all/", ""):
        for cutoff in (0.6, 0.8):
            assert close_match(word, urls, cutoff) == _difflib(word, urls, cutoff)


def test_equal_ratios_give_the_greatest_name() -> None:
    assert close_match("ab", ["aX", "aY", "aZ"], 0.5) == "aZ"
    assert _difflib("ab", ["aX", "aY", "aZ"], 0.5) == "aZ"


def test_a_cutoff_outside_zero_to_one_is_refused_as_difflib_refuses_it() -> None:
    with pytest.raises(ValueError):
        close_match("a", ["a"], 1.5)
