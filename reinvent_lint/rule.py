"""What a rule is: a code, a name, a few declared constants and one `check` function that yields
problems. Rules never print, open files or exit; they read the document and site they are given."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .document import Document
from .problem import Fix, Problem, Severity
from .jekyll.site import Site

ALL_KINDS = frozenset({"post", "draft", "collection", "page"})
DOCUMENTS = frozenset({"post", "draft", "collection"})  # what has front matter by design


@dataclass(frozen=True)
class Context:
    """What a rule's `check` receives for one document."""

    doc: Document
    site: Site
    options: Mapping[str, Any]
    rule: Rule
    settings: Mapping[str, Any] = field(default_factory=dict)  # the [site] config section
    relative: str = ""  # the document's site-relative path ("" outside a site)

    def problem(self, start: int, message: str, *, end: int | None = None, fix: Fix | None = None) -> Problem:
        """A problem of this rule at text offset `start` (to `end`, default: end of `start`'s line)."""
        doc = self.doc
        line, column = doc.position(start)
        if end is None:
            end = doc.line_end(line)
        end = max(start, end)
        end_line, end_column = doc.position(end)
        if fix and not fix.edits_protected and any(doc.touches_protected(e.start, e.end) for e in fix.edits):
            fix = None  # it would edit Liquid, code or front matter it does not target: report only
        regions = tuple((*doc.position(e.start), *doc.position(e.end)) for e in fix.edits) if fix else ()
        return Problem(
            doc.path, line, column, self.rule.code, self.rule.name, message, self.rule.severity,
            fix, start, end, end_line, end_column, doc.text[start:end][:200], regions,
        )  # fmt: skip


@dataclass(frozen=True)
class SiteContext:
    """What a site-wide rule's `check` receives: the site, once per run."""

    site: Site
    options: Mapping[str, Any]
    rule: Rule
    settings: Mapping[str, Any] = field(default_factory=dict)

    def problem(self, relative: str, line: int, column: int, message: str, *, fix: Fix | None = None) -> Problem:
        """A problem at a site-relative path; the engine turns the path into a display path."""
        return Problem(relative, line, column, self.rule.code, self.rule.name, message, self.rule.severity, fix)


def graded(problem: Problem, severity: Severity) -> Problem:
    """The problem at the severity its consequence deserves (the engine keeps it unless the
    user configured the rule's severity)."""
    return dataclasses.replace(problem, severity=severity)


Check = Callable[[Context], Iterable[Problem]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    check: Callable[[Any], Iterable[Problem]]
    severity: Severity = Severity.WARNING
    fixable: bool = False
    kinds: frozenset[str] = ALL_KINDS
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    enabled: bool = True
    module: str = ""
    site_wide: bool = False  # checked once per site with a SiteContext, not per document
    # Optional: load what the rule needs for a site (dictionaries, vocabularies) before the
    # engine forks worker processes, so they inherit it instead of each loading it again.
    prepare: Callable[[Site, Mapping[str, Any]], None] | None = None
    # Options whose value must be one of a few strings: the config names the choices on load.
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


def rule(
    code: str,
    name: str,
    summary: str,
    *,
    severity: Severity = Severity.WARNING,
    fixable: bool = False,
    kinds: frozenset[str] = ALL_KINDS,
    options: Mapping[str, Any] | None = None,
    enabled: bool = True,
    site_wide: bool = False,
    prepare: Callable[[Site, Mapping[str, Any]], None] | None = None,
    choices: Mapping[str, tuple[str, ...]] | None = None,
) -> Callable[[Callable[[Any], Iterable[Problem]]], Rule]:
    """Declare a rule around its check function."""

    def wrap(check: Callable[[Any], Iterable[Problem]]) -> Rule:
        return Rule(
            code, name, summary, check, severity, fixable, kinds,
            MappingProxyType(dict(options or {})), enabled, check.__module__, site_wide, prepare,
            MappingProxyType(dict(choices or {})),
        )  # fmt: skip

    return wrap


def heading_label(text: str, limit: int = 25) -> str:
    """A heading's text for a message, cut at a word boundary: "Thing big, build small: ..."."""
    text = " ".join(text.split())
    if len(text) <= limit + 5:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0]
    return cut + " ..."
