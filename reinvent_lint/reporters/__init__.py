"""Output formats. Each reporter turns a finished report into text; none of them checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from ..engine import Report

Reporter = Callable[[Report, TextIO, bool], None]
FORMATS = ("text", "json")


def get_reporter(name: str) -> Reporter:
    if name == "json":
        from .json import report_json

        return report_json
    from .text import report_text

    return report_text
