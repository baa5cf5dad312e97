"""The one fix engine. Rules attach fixes as data (text edits); this module applies them:
sorted, overlapping ones skipped, re-checked and repeated until nothing changes, verified, and
written atomically, only if the text changed.
"""

from __future__ import annotations

import bisect
import difflib
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .document import Document
from .problem import EDIT_ORDER, Edit, Fix, Problem, Safety
from .signals import deferred

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
    document: Document | None = None  # the fixed document, parsed (None when nothing was fixed)

    @property
    def changed(self) -> bool:
        return self.text != self.original


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Splice non-overlapping edits into text."""
    parts = []
    cursor = 0
    for edit in sorted(edits, key=EDIT_ORDER):
        parts.append(text[cursor : edit.start])
        parts.append(edit.replacement)
        cursor = edit.end
    parts.append(text[cursor:])
    return "".join(parts)


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end == b.start == b.end:
        return True  # two insertions at one point: their order would be a guess
    return (
        (a.start < b.end and b.start < a.end)
        or (a.start == a.end and b.start < a.start < b.end)
        or (b.start == b.end and a.start < b.start < a.end)
    )


def choose_fixes(problems: Sequence[Problem], doc: Document, unsafe: bool) -> tuple[list[Problem], int]:
    """The fixes to apply in one round (non-overlapping, not touching protected text unless they
    say so) and how many unsafe fixes were left out."""
    chosen: list[Problem] = []
    taken: list[Edit] = []  # sorted, mutually non-overlapping
    skipped_unsafe = 0
    for problem in sorted((p for p in problems if p.fix), key=lambda p: (min(e.start for e in p.fix.edits), p.code)):  # type: ignore[union-attr]
        fix: Fix = problem.fix  # type: ignore[assignment]
        if fix.safety is Safety.UNSAFE and not unsafe:
            skipped_unsafe += 1
            continue
        if not fix.edits_protected and any(doc.touches_protected(e.start, e.end) for e in fix.edits):
            continue
        if any(_overlaps(e, t) for e in fix.edits for t in _near(taken, e)):
            continue
        chosen.append(problem)
        for e in fix.edits:
            bisect.insort(taken, e, key=EDIT_ORDER)
    return chosen, skipped_unsafe


def _near(edits: Sequence[Edit], edit: Edit) -> Sequence[Edit]:
    """The edits of a sorted, non-overlapping list that can overlap `edit`: those starting at
    most at its end, from the last two starting before it (their ends are sorted too)."""
    first = max(bisect.bisect_left(edits, (edit.start, edit.start, ""), key=EDIT_ORDER) - 2, 0)
    last = bisect.bisect_right(edits, (edit.end, edit.end + 1, ""), key=EDIT_ORDER)
    return edits[first:last]


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
        return any(_changes(e, start, end) for e in _near(edits, Edit(start, end, "")))
    return False


def _changes(edit: Edit, start: int, end: int) -> bool:
    """True when the edit changes text[start:end] (an insertion only when strictly inside)."""
    if edit.start == edit.end:
        return start < edit.start < end
    return edit.start < end and start < edit.end


def verify(before: Document, after: Document, applied: Sequence[Problem]) -> str | None:
    """Why the fixed text must not be written, or None when it is sound."""
    edits = sorted((e for p in applied if p.fix for e in p.fix.edits), key=EDIT_ORDER)
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
    from .render import render_change

    return render_change(before, after, applied)


def _label(problems: Sequence[Problem]) -> str:
    return ", ".join(sorted({f"{p.code} {p.name}" for p in problems}))


def _sound(
    current: Document, chosen: list[Problem], refused: list[tuple[Problem, str]]
) -> tuple[list[Problem], Document]:
    """The largest part of `chosen` found sound by halving, and the document it makes: a set
    that fails verification is split until the fixes at fault stand alone (they go to `refused`,
    with the reason)."""
    fixed = _apply(current, chosen)
    reason = verify(current, fixed, chosen)
    if reason is None:
        return chosen, fixed
    if len(chosen) == 1:
        refused.append((chosen[0], reason))
        return [], current
    middle = len(chosen) // 2
    kept = _sound(current, chosen[:middle], refused)[0] + _sound(current, chosen[middle:], refused)[0]
    if not kept:
        return [], current
    fixed = _apply(current, kept)
    if verify(current, fixed, kept) is not None:
        refused.extend((p, "sound alone, not together") for p in kept)
        return [], current
    return kept, fixed


def _apply(current: Document, chosen: Sequence[Problem]) -> Document:
    text = apply_edits(current.text, [e for p in chosen if p.fix for e in p.fix.edits])
    return current.with_text(text)


def _key(problem: Problem) -> tuple[str, int]:
    """A refused fix, recognised in the next rounds (its position may shift: line of the code)."""
    return (problem.code, problem.line)


def fix_document(
    doc: Document,
    check: Callable[[Document], list[Problem]],
    *,
    unsafe: bool = False,
    select: Callable[[Problem], bool] | None = None,
) -> FixResult:
    """Fix `doc` in memory. `check` runs the rules on a document and returns its problems.
    A fix that fails verification is refused (reported as a bug of its rule) and the others
    are still applied."""
    result = FixResult(doc.text, doc.text)
    current = doc
    problems = check(current)
    banned: set[tuple[str, int]] = set()
    for round_number in range(MAX_ROUNDS + 1):
        candidates = [p for p in problems if p.fix and _key(p) not in banned and (select is None or select(p))]
        chosen, skipped = choose_fixes(candidates, current, unsafe)
        if round_number == 0:
            result.unsafe_skipped = skipped
        if not chosen:
            break
        if round_number == MAX_ROUNDS:
            result.refused.append(
                f"fixes did not converge after {MAX_ROUNDS} rounds ({_label(chosen)}); nothing written"
            )
            result.applied = []
            result.text = doc.text
            result.remaining = check(doc)
            return result
        refused: list[tuple[Problem, str]] = []
        sound, fixed = _sound(current, chosen, refused)
        for problem, reason in refused:
            banned.add(_key(problem))
            result.refused.append(
                f"refused fix ({problem.code} {problem.name}, line {problem.line}): {reason}; "
                "this is a bug in the rule, please report it"
            )
        if not sound:
            if refused:
                continue
            break
        if fixed.text == current.text:
            break
        result.applied.extend(sound)
        current = fixed
        problems = check(current)
    result.text = current.text
    result.document = current
    result.remaining = problems
    return result


def encode(text: str, doc: Document) -> bytes:
    """The bytes to write for `text`, in the document's original encoding and line endings."""
    if doc.crlf:
        text = text.replace("\n", "\r\n")
    elif doc.cr:
        text = text.replace("\n", "\r")
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if doc.bom else data


TEMP_SUFFIX = ".reinvent-lint.tmp"
STALE_AFTER = 3600.0  # seconds; a temporary file this old is a leftover whatever its process


def _temp_prefix(name: str) -> str:
    """`.NAME.PID.`: the process id lets the next run tell a leftover of a killed run from the
    file a concurrent run is writing right now."""
    return f".{name}.{os.getpid()}."


def write_atomic(path: Path, original: bytes, data: bytes) -> None:
    """Replace `path` with `data` via a temporary file in the same folder; refuse if the file
    changed on disk since `original` was read. Permissions are kept. Every failure is a
    FixRefused with a one-line reason; the file is then unchanged and no temporary file is left."""
    from .files import read_regular_file

    real = Path(os.path.realpath(path))
    try:
        current = read_regular_file(real, None)
        mode = real.stat().st_mode & 0o7777
    except OSError as exc:
        raise FixRefused(f"cannot read it again before writing: {_reason(exc)}; not written") from None
    if current != original:
        raise FixRefused("the file changed on disk while it was being fixed; not written")
    if not os.access(real, os.W_OK):
        raise FixRefused("the file is read-only; not written")
    with deferred():  # Ctrl-C or SIGTERM waits until the file is old or new and the temp is gone
        try:
            fd, temp = tempfile.mkstemp(dir=real.parent, prefix=_temp_prefix(real.name), suffix=TEMP_SUFFIX)
        except OSError as exc:
            raise FixRefused(f"cannot create a temporary file beside it: {_reason(exc)}; not written") from None
        try:
            with os.fdopen(fd, "wb") as handle:  # closed even when a write or the flush fails
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
                raise FixRefused(f"could not write: {_reason(exc)}; the file is unchanged") from None
            raise


def _reason(exc: OSError) -> str:
    """An OSError as a short phrase: 'No space left on device (ENOSPC)'."""
    import errno

    name = errno.errorcode.get(exc.errno or 0)
    text = exc.strerror or str(exc)
    return f"{text} ({name})" if name else text


def remove_stale_temps(folders: Iterable[Path], now: float | None = None) -> list[Path]:
    """Remove the temporary files killed runs left in these folders: ours by name, and either
    their process is gone or they are older than STALE_AFTER. Returns what was removed."""
    import time

    now = time.time() if now is None else now
    removed = []
    for folder in folders:
        try:
            names = [n for n in os.listdir(folder) if n.startswith(".") and n.endswith(TEMP_SUFFIX)]
        except OSError:
            continue
        for name in names:
            full = folder / name
            try:
                if not full.is_file() or full.is_symlink():
                    continue
                age = now - full.stat().st_mtime
                if age > STALE_AFTER or not _alive(_pid_of(name)):
                    full.unlink()
                    removed.append(full)
            except OSError:
                continue
    return removed


def _pid_of(name: str) -> int | None:
    """The process id in `.NAME.PID.RANDOM.reinvent-lint.tmp` (None for older names)."""
    parts = name[: -len(TEMP_SUFFIX)].rsplit(".", 2)
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def _alive(pid: int | None) -> bool:
    from .files import pid_alive

    return pid is None or pid_alive(pid)  # a name without a process id: judged by its age alone


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
