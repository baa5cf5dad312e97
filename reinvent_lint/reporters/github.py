"""GitHub Actions workflow commands: one annotation per problem, shown on the pull request."""

from __future__ import annotations

from typing import TextIO

from ..report import Report
from ..problem import Severity

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def report_github(report: Report, out: TextIO, color: bool) -> None:
    for p in report.problems:
        props = f"file={_escape_property(p.path)},line={p.line},col={p.column}"
        if p.end_line:
            props += f",endLine={p.end_line}"
        props += f",title={_escape_property(f'{p.code} {p.name}')}"
        out.write(f"::{_COMMANDS[p.severity]} {props}::{_escape_data(p.message)}\n")
    out.writelines(f"::error file={_escape_property(e.path)}::{_escape_data(e.message)}\n" for e in report.errors)
