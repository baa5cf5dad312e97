"""The records every rule returns: problems, and the fixes attached to them."""

from __future__ import annotations

import enum
import operator
from collections.abc import Callable
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """How bad a problem is. Ordered, so `severity >= fail_on` works."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {value!r} (expected one of: {names})") from None

    def __str__(self) -> str:
        return self.name.lower()


class Safety(enum.Enum):
    """SAFE fixes keep the meaning of the post; UNSAFE ones need --unsafe-fixes."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, order=True)
class Edit:
    """Replace text[start:end] with `replacement` (offsets into Document.text)."""

    start: int
    end: int
    replacement: str


# Edit's own order as a C-built tuple: sorting and bisecting 16,000 edits with the dataclass's
# generated __lt__ cost a third of a second (issue 17).
EDIT_ORDER: Callable[[Edit], tuple[int, int, str]] = operator.attrgetter("start", "end", "replacement")


@dataclass(frozen=True)
class Fix:
    edits: tuple[Edit, ...]
    safety: Safety = Safety.SAFE
    description: str = ""
    # True when the fix deliberately edits front matter, Liquid or code (e.g. a tag's case);
    # other fixes touching those are refused by the fixer.
    edits_protected: bool = False

    @classmethod
    def replace(
        cls,
        start: int,
        end: int,
        replacement: str,
        *,
        safety: Safety = Safety.SAFE,
        description: str = "",
        edits_protected: bool = False,
    ) -> Fix:
        return cls((Edit(start, end, replacement),), safety, description, edits_protected)


@dataclass(frozen=True)
class Problem:
    """One finding. Positions are 1-based; `start`/`end` are offsets into the document text."""

    path: str
    line: int
    column: int
    code: str
    name: str
    message: str
    severity: Severity = Severity.WARNING
    fix: Fix | None = None
    start: int = 0
    end: int = 0
    end_line: int = 0
    end_column: int = 0
    snippet: str = field(default="", compare=False)
    # 1-based (start line, start column, end line, end column) of each fix edit, for reporters
    # that describe fixes by position (SARIF).
    fix_regions: tuple[tuple[int, int, int, int], ...] = field(default=(), compare=False)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)
