"""The one fix engine. Rules attach fixes as data (text edits); this module applies them:
sorted, overlapping ones skipped, re-checked and repeated until nothing changes, verified, and
written atomically, only if the text changed.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .document import Document
from .problem import Edit, Fix, Problem, Safety

MAX_ROUNDS = 10


class FixRefused(Exception):
    """A fix that failed verification or could not be written; nothing was written."""


@dataclass
class FixResult:
    original: str
    text: str
    applied: list[Problem] = field(default_factory=list)
    remaining: list[Problem] = field(default_factory=list)
    unsafe_skipped: int = 0
    refused: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text != self.original


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Splice non-overlapping edits into text."""
    parts = []
    cursor = 0
    for edit in sorted(edits):
        parts.append(text[cursor : edit.start])
        parts.append(edit.replacement)
        cursor = edit.end
    parts.append(text[cursor:])
    return "".join(parts)


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end == b.start == b.end:
        return True  # two insertions at one point: their order would be a guess
    return (
        (a.start < b.end
        and b.start < a.end)
        or (a.start == a.end and b.start < a.start < b.end)
        or (b.start == b.end and a.start < b.start < a.end)
    )


def choose_fixes(problems: Sequence[Problem], doc: Document, unsafe: bool) -> tuple[list[Problem], int]:
    """The fixes to apply in one round (non-overlapping, not touching protected text unless they
    say so) and how many unsafe fixes were left out."""
    chosen: list[Problem] = []
    taken: list[Edit] = []
    skipped_unsafe = 0
    for problem in sorted((p for p in problems if p.fix), key=lambda p: (min(e.start for e in p.fix.edits), p.code)):  # type: ignore[union-attr]
        fix: Fix = problem.fix  # type: ignore[assignment]
        if fix.safety is Safety.UNSAFE and not unsafe:
            skipped_unsafe += 1
            continue
        if not fix.edits_protected and any(doc.touches_protected(e.start, e.end) for e in fix.edits):
            continue
        if any(_overlaps(e, t) for e in fix.edits for t in taken):
            continue
        chosen.append(problem)
        taken.extend(fix.edits)
    return chosen, skipped_unsafe


def _structure(doc: Document) -> list[tuple[str, int, str]]:
    return [(t.type, t.nesting, t.tag) for t in doc.tokens]


def _shift(offset: int, edits: Sequence[Edit], *, after_insertions: bool) -> int:
    """Where an offset of the old text lands in the new text: before or after text inserted
    exactly at it."""
    return offset + sum(
        len(e.replacement) - (e.end - e.start)
        for e in edits
        if e.end < offset or (e.end == offset and (after_insertions or e.start < e.end))
    )


def _within(start: int, end: int, windows: Sequence[tuple[int, int]], edits: Sequence[Edit], new: bool) -> bool:
    """True when a span lies in (or overlaps) a window an applied fix targeted, or overlaps an edit."""
    for w_start, w_end in windows:
        if new:
            w_start, w_end = _shift(w_start, edits, after_insertions=False), _shift(w_end, edits, after_insertions=True)
        if start < max(w_end, w_start + 1) and w_start < end:
            return True
    if not new:
        return any(_changes(e, start, end) for e in edits)
    return False


def _changes(edit: Edit, start: int, end: int) -> bool:
    """True when the edit changes text[start:end] (an insertion only when strictly inside)."""
    if edit.start == edit.end:
        return start < edit.start < end
    return edit.start < end and start < edit.end


def verify(before: Document, after: Document, applied: Sequence[Problem]) -> str | None:
    """Why the fixed text must not be written, or None when it is sound."""
    edits = [e for p in applied for e in p.fix.edits]  # type: ignore[union-attr]
    targeted = [e for p in applied if p.fix and p.fix.edits_protected for e in p.fix.edits]
    fm_targeted = before.front_matter is not None and any(e.start < before.body_offset for e in targeted)
    old_data = before.front_matter.data if before.front_matter else None
    new_data = after.front_matter.data if after.front_matter else None
    if not fm_targeted and old_data != new_data:
        return "front-matter data changed"
    # Liquid: every tag outside the windows that targeted fixes rewrote must be unchanged.
    windows = [
        (min(e.start for e in p.fix.edits), max(e.end for e in p.fix.edits))
        for p in applied
        if p.fix and p.fix.edits_protected
    ]
    old_spans = [
        before.text[s.start : s.end] for s in before.liquid.spans if not _within(s.start, s.end, windows, edits, False)
    ]
    new_spans = [
        after.text[s.start : s.end] for s in after.liquid.spans if not _within(s.start, s.end, windows, edits, True)
    ]
    if old_spans != new_spans:
        return "a Liquid tag changed" if len(old_spans) == len(new_spans) else "the number of Liquid tags changed"
    if _structure(before) != _structure(after):
        return "the document's block structure changed"
    return None


def fix_document(
    doc: Document,
    check: Callable[[Document], list[Problem]],
    *,
    unsafe: bool = False,
    select: Callable[[Problem], bool] | None = None,
) -> FixResult:
    """Fix `doc` in memory. `check` runs the rules on a document and returns its problems."""
    result = FixResult(doc.text, doc.text)
    current = doc
    problems = check(current)
    for round_number in range(MAX_ROUNDS + 1):
        candidates = [p for p in problems if p.fix and (select is None or select(p))]
        chosen, skipped = choose_fixes(candidates, current, unsafe)
        if round_number == 0:
            result.unsafe_skipped = skipped
        if not chosen:
            break
        if round_number == MAX_ROUNDS:
            codes = ", ".join(sorted({f"{p.code} {p.name}" for p in chosen}))
            result.refused.append(f"fixes did not converge after {MAX_ROUNDS} rounds ({codes}); nothing written")
            result.applied = []
            result.remaining = check(doc)
            return result
        new_text = apply_edits(current.text, [e for p in chosen for e in p.fix.edits])  # type: ignore[union-attr]
        if new_text == current.text:
            break
        fixed = Document(current.path, new_text, bom=current.bom, crlf=current.crlf, kind=current.kind)
        reason = verify(current, fixed, chosen)
        if reason:
            codes = ", ".join(sorted({f"{p.code} {p.name}" for p in chosen}))
            result.refused.append(f"refused fix ({codes}): {reason}; this is a bug in the rule, please report it")
            break
        result.applied.extend(chosen)
        current = fixed
        problems = check(current)
    result.text = current.text
    result.remaining = problems
    return result


def encode(text: str, doc: Document) -> bytes:
    """The bytes to write for `text`, in the document's original encoding and line endings."""
    if doc.crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if doc.bom else data


def write_atomic(path: Path, original: bytes, data: bytes) -> None:
    """Replace `path` with `data` via a temporary file in the same folder; refuse if the file
    changed on disk since `original` was read. Permissions are kept."""
    real = Path(os.path.realpath(path))
    try:
        current = real.read_bytes()
        mode = real.stat().st_mode & 0o7777
    except OSError as exc:
        raise FixRefused(f"cannot read it again before writing: {exc.strerror or exc}") from None
    if current != original:
        raise FixRefused("the file changed on disk while it was being fixed; not written")
    if not os.access(real, os.W_OK):
        raise FixRefused("the file is read-only; not written")
    try:
        fd, temp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".reinvent-lint.tmp")
    except OSError as exc:
        raise FixRefused(f"cannot create a temporary file beside it: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, real)
    except BaseException as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise FixRefused(f"could not write: {exc.strerror or exc}; the file is unchanged") from None
        raise


def unified_diff(display: str, before: bytes, after: bytes) -> str:
    """A `git apply`/`patch -p1` compatible diff of one file."""
    old = before.decode("utf-8").splitlines(keepends=True)
    new = after.decode("utf-8").splitlines(keepends=True)
    lines = []
    for line in difflib.unified_diff(old, new, f"a/{display}", f"b/{display}"):
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        lines.append(line)
    return "".join(lines)


def fix_text(text: str, path: str = "_posts/2024-01-01-post.md", *, unsafe: bool = False) -> str:
    """Fix one post given as text with the default rules; returns the fixed text."""
    from .engine import default_linter
    from .site import Site

    linter = default_linter()
    site = Site(None)
    doc = Document(path, text, kind=site.kind_of(path))
    result = fix_document(doc, lambda d: linter.check_document(d, site, path)[0], unsafe=unsafe)
    return result.text
