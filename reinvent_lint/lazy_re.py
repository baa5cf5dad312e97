"""Regexes compiled on first use.

Python compiles a regex in pure Python (`re._parser`), 0.05-0.5 ms each. A module that compiles
at import every pattern it might need makes a one-post run pay for the rare ones (a Liquid
include's parameters, a kramdown attribute list, a grammar pattern) whether the post has them
or not (issue 18). `lazy(source)` returns a getter: `_TAG = lazy(r"<a\\b")` at module level,
`_TAG().search(text)` at the call site; the first call compiles, later ones return the same
pattern object (a `functools.cache` hit, ~50 ns). Patterns that every run uses stay plain
`re.compile` constants.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, partial


def lazy(source: str, flags: int | re.RegexFlag = 0) -> Callable[[], re.Pattern[str]]:
    """A getter of `re.compile(source, flags)`, compiled on its first call."""
    return cache(partial(re.compile, source, flags))
