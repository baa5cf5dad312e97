"""SARIF 2.1.0 for GitHub code scanning: rule metadata with help from the rule book, results
with line/column regions, partial fingerprints, and fixes where a rule attached one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from .. import __version__
from ..engine import Report
from ..fingerprints import fingerprints
from ..problem import Severity
from ..rulebook import page_text

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _rules_metadata(report: Report) -> tuple[list[dict[str, Any]], dict[str, int]]:
    from ..rules import all_rules

    rules = all_rules()
    metadata = []
    index = {}
    for i, r in enumerate(rules):
        index[r.code] = i
        page = page_text(r.code) or r.summary
        metadata.append({
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.summary},
            "help": {"text": page, "markdown": page},
            "defaultConfiguration": {"level": _LEVELS[r.severity], "enabled": r.enabled},
            "properties": {"fixable": r.fixable, "tags": [r.module.rsplit(".", 1)[-1]]},
        })  # fmt: skip
    return metadata, index


def sarif_document(report: Report) -> dict[str, Any]:
    metadata, index = _rules_metadata(report)
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
        if p.code in index:
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
                "artifactChanges": [{"artifactLocation": {"uri": Path(p.path).as_posix(), "uriBaseId": "%SRCROOT%"}, "replacements": replacements}],
            }]  # fmt: skip
        results.append(result)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "reinvent-lint", "version": __version__, "semanticVersion": __version__, "rules": metadata}},
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


def report_sarif(report: Report, out: TextIO, color: bool) -> None:
    json.dump(sarif_document(report), out, indent=2, ensure_ascii=False)
    out.write("\n")
