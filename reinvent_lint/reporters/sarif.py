"""SARIF 2.1.0 for GitHub code scanning: rule metadata with help from the rule book, results
with line/column regions, partial fingerprints, and fixes where a rule attached one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from .. import __version__
from ..report import Report
from ..fingerprints import fingerprints
from ..problem import Severity
from ..rulebook import page_path, page_text

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def help_uri(code: str, name: str, template: str = "") -> str:
    """The rule's page: from `[output] rule-url` when set, else the page shipped in the package."""
    page = page_path(code)
    if template:
        filled = template.replace("{code}", code).replace("{name}", name)
        return filled.replace("{page}", page.name if page else f"{code}-{name}.md")
    return page.resolve().as_uri() if page else ""


def _rules_metadata(report: Report, rule_url: str = "") -> tuple[list[dict[str, Any]], dict[str, int]]:
    from ..rules import all_rules

    metadata: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for r in all_rules():
        index[r.code] = len(metadata)
        page = page_text(r.code) or r.summary
        metadata.append({
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.summary},
            "helpUri": help_uri(r.code, r.name, rule_url),
            "help": {"text": page, "markdown": page},
            "defaultConfiguration": {"level": _LEVELS[r.severity], "enabled": r.enabled},
            "properties": {"fixable": r.fixable, "tags": [r.module.rsplit(".", 1)[-1]]},
        })  # fmt: skip
    emitted = {p.code: p for p in report.problems if p.code not in index}
    if any(code.startswith("MD") for code in emitted):  # the style pack's rules, as pymarkdownlnt describes them
        from ..style_rules import explain, style_rules

        for m in style_rules():
            if m.code in emitted:
                index[m.code] = len(metadata)
                text = explain(m)
                metadata.append({
                    "id": m.code,
                    "name": m.name,
                    "shortDescription": {"text": m.summary},
                    "helpUri": m.url or help_uri(m.code, m.name, rule_url),
                    "help": {"text": text, "markdown": text},
                    "properties": {"fixable": m.fixable, "tags": ["style"]},
                })  # fmt: skip
    for code, p in sorted(emitted.items()):  # anything else that was reported is described too
        if code not in index:
            index[code] = len(metadata)
            metadata.append({"id": code, "name": p.name, "shortDescription": {"text": p.name},
                             "helpUri": help_uri(code, p.name, rule_url)})  # fmt: skip
    return metadata, index


def sarif_document(report: Report, rule_url: str = "") -> dict[str, Any]:
    metadata, index = _rules_metadata(report, rule_url)
    results = []
    for digest, p in fingerprints(report.problems):
        location = {
            "physicalLocation": {
                "artifactLocation": {"uri": Path(p.path).as_posix(), "uriBaseId": "%SRCROOT%"},
                "region": {
                    "startLine": p.line,
                    "startColumn": p.column,
                    "endLine": max(p.end_line, p.line),
                    "endColumn": p.end_column or p.column,
                },
            }
        }
        result: dict[str, Any] = {
            "ruleId": p.code,
            "level": _LEVELS[p.severity],
            "message": {"text": p.message},
            "locations": [location],
            "partialFingerprints": {"reinventLint/v1": digest},
        }
        result["ruleIndex"] = index[p.code]
        if p.fix and p.fix_regions:
            replacements = [
                {
                    "deletedRegion": {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec},
                    "insertedContent": {"text": e.replacement},
                }
                for e, (sl, sc, el, ec) in zip(p.fix.edits, p.fix_regions)
            ]
            result["fixes"] = [{
                "description": {"text": p.fix.description or "reinvent-lint fix"},
                "artifactChanges": [{"artifactLocation": {"uri": Path(p.path).as_posix(), "uriBaseId": "%SRCROOT%"},
                                     "replacements": replacements}],
            }]  # fmt: skip
        results.append(result)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "reinvent-lint", "version": __version__, "semanticVersion": __version__,
                                "rules": metadata}},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
            "results": results,
            "invocations": [{"executionSuccessful": not report.errors, "toolExecutionNotifications": [
                {"level": "error", "message": {"text": e.message},
                 "locations": [{"physicalLocation": {"artifactLocation": {"uri": Path(e.path).as_posix()}}}]}
                for e in report.errors
            ]}],
        }],
    }  # fmt: skip


def report_sarif(report: Report, out: TextIO, color: bool, rule_url: str = "") -> None:
    json.dump(sarif_document(report, rule_url), out, indent=2, ensure_ascii=False)
    out.write("\n")
