"""One pymarkdownlnt set-up per style worker (style_scanner.py): the same findings and the same
failures as pymarkdownlnt's own API, post after post, and a fresh set-up after a failure."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("pymarkdown")

from reinvent_lint import style
from reinvent_lint.style_scanner import Scanner, quiet_parser_debug

# Every rule on, so most of pymarkdownlnt's rules have something to say.
SETTINGS = dict(style.DEFAULTS, enable=sorted(style.CURATED_OFF))
TEXTS = [
    "---\ntitle: A\n---\n\n# Title\n\nA paragraph\n(the docs)[https://example.com/] reversed.\n",
    "#Heading without space\n\n* item\n+ other item\n\n    indented code\n\nhttp://example.com/bare\n",
    "> quote\n\n> second quote\n\n1. one\n1. one again\n\n```\nno language\n```\n<div>html</div>\n",
    "- " * 10_000 + "deep\n",  # pymarkdownlnt's parser raises on it
    "Text with trailing spaces   \n\n\n\nand *spaced * emphasis, `code `, [link text ](x).\n",
    "   \n",  # blank: the API's own argument error
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n<!-- pyml disable md013 -->\n" + "long " * 100 + "\n",
]


def _outcome(scanner: Any, text: str) -> object:
    try:
        result = scanner.scan_string(text)
    except Exception as exc:  # what describe_failure sees
        return (type(exc).__name__, style.describe_failure(exc))
    return [
        (f.line_number, f.column_number, f.rule_id, f.rule_name, f.rule_description, f.extra_error_information)
        for f in result.scan_failures
    ]


def test_one_set_up_scans_each_text_as_the_api_does() -> None:
    expected = [_outcome(style._api(SETTINGS), text) for text in TEXTS]  # a fresh API object per text
    assert any(isinstance(e, list) and len(e) > 3 for e in expected)  # the texts do trigger rules
    assert any(isinstance(e, tuple) for e in expected)  # and one fails
    scanner = Scanner(style._api(SETTINGS))
    for _ in range(2):  # twice round: a set-up kept across a failure, and rebuilt after it
        assert [_outcome(scanner, text) for text in TEXTS] == expected


def test_the_scanner_keeps_its_set_up_between_posts() -> None:
    scanner = Scanner(style._api(SETTINGS))
    scanner.scan_string(TEXTS[0])
    kept = scanner._helper
    assert kept is not None
    scanner.scan_string(TEXTS[1])
    assert scanner._helper is kept
    from pymarkdown.api import PyMarkdownApiException

    with pytest.raises(PyMarkdownApiException, match="BadTokenizationError"):
        scanner.scan_string(TEXTS[3])
    assert scanner._helper is None  # after a failure the next post sets up afresh


def _fixed(text: str) -> str:
    try:
        return str(style._api(SETTINGS).fix_string(text).fixed_file)
    except Exception as exc:
        return type(exc).__name__


def test_quieting_the_parser_debug_text_changes_no_finding_and_no_fix() -> None:
    from pymarkdown.general.parser_state import ParserState

    current = ParserState.mark_start_information  # quieted already if a fix ran in this process
    original = getattr(current, "original", current)
    try:
        ParserState.mark_start_information = original  # type: ignore[method-assign]
        before = [_outcome(style._api(SETTINGS), text) for text in TEXTS]
        fixed = [_fixed(text) for text in TEXTS]
        assert sum(f != t for f, t in zip(fixed, TEXTS)) >= 3  # the texts do get fixes
        quiet_parser_debug()
        quiet_parser_debug()  # idempotent
        assert getattr(ParserState.mark_start_information, "quieted", False)
        assert [_outcome(style._api(SETTINGS), text) for text in TEXTS] == before
        assert [_fixed(text) for text in TEXTS] == fixed
    finally:
        ParserState.mark_start_information = current  # type: ignore[method-assign]
