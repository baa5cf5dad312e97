"""Output formats. Each reporter turns a finished report into text; none of them checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from ..report import Report

Reporter = Callable[[Report, TextIO, bool], None]
FORMATS = ("text", "json", "sarif", "github")
# [output] in the config. `rule-url`: where a rule's page lives, for SARIF's helpUri, with
# {code} (RL301), {name} (empty-section) and {page} (RL301-empty-section.md) filled in. Empty:
# the page shipped inside the installed package (a file: URI), and pymarkdownlnt's own page for
# the style pack's MD codes.
OUTPUT_DEFAULTS: dict[str, str] = {"rule-url": ""}


def get_reporter(name: str) -> Reporter:
    if name == "json":
        from .json import report_json

        return report_json
    if name == "sarif":
        from .sarif import report_sarif

        return report_sarif
    if name == "github":
        from .github import report_github

        return report_github
    from .text import report_text

    return report_text
