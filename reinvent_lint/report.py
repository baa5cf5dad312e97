"""What a run produces, for the reporters: the problems found, the files that could not be
checked, and warnings. Plain data, so reporters import this and not the engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from .problem import Problem


@dataclass(frozen=True)
class FileError:
    """A file that could not be checked (exit code 2), or an internal error in a rule."""

    path: str
    message: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        return f"{where}: error: {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files: int = 0
    warnings: list[str] = field(default_factory=list)
