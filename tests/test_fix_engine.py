"""The fix engine (fixer.py) piece by piece: overlaps, choice, shifting, verification, the
rounds and their cap, refusals, encoding and diffs, and `fix_text` (the library entry)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reinvent_lint import fix_text, fixer
from reinvent_lint.document import Document
from reinvent_lint.fixer import Edit, apply_edits, choose_fixes, fix_document, verify
from reinvent_lint.problem import Fix, Problem, Safety

PATH = "_posts/2024-01-01-a.md"


def _doc(text: str) -> Document:
    return Document(PATH, text, kind="post")


def _problem(start: int, end: int, replacement: str, code: str = "RL900", **fix: object) -> Problem:
    return Problem(PATH, 1, 1, code, "test", "m", fix=Fix.replace(start, end, replacement, **fix))  # type: ignore[arg-type]


# ----- edits -------------------------------------------------------------------------------------
def test_apply_edits_keeps_the_text_between_and_after_edits() -> None:
    assert apply_edits("0123456789", [Edit(8, 9, "x"), Edit(1, 3, "")]) == "034567x9"
    assert apply_edits("abc", []) == "abc"
    assert apply_edits("abc", [Edit(3, 3, "!")]) == "abc!"


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ((0, 2), (2, 4), False),  # adjacent
        ((0, 3), (2, 4), True),
        ((2, 4), (0, 3), True),
        ((2, 2), (2, 2), True),  # two insertions at one point
        ((2, 2), (2, 4), False),  # an insertion at the start of a replacement
        ((4, 4), (2, 4), False),  # ... at its end
        ((3, 3), (2, 4), True),  # ... strictly inside
        ((2, 4), (3, 3), True),
        ((5, 5), (2, 4), False),
        ((2, 4), (5, 5), False),
        ((1, 1), (2, 4), False),
        ((2, 4), (2, 2), False),
        ((2, 4), (4, 4), False),
        ((2, 4), (1, 3), True),
    ],
)
def test_overlaps(a: tuple[int, int], b: tuple[int, int], overlap: bool) -> None:
    assert fixer._overlaps(Edit(*a, "x"), Edit(*b, "y")) is overlap


def test_near_finds_every_edit_that_can_overlap() -> None:
    edits = sorted([Edit(0, 2, ""), Edit(4, 4, ""), Edit(4, 6, ""), Edit(8, 10, ""), Edit(20, 21, "")])
    for probe in [
        Edit(4, 4, ""),
        Edit(5, 5, ""),
        Edit(3, 9, ""),
        Edit(10, 10, ""),
        Edit(0, 0, ""),
        Edit(6, 8, ""),
        Edit(30, 31, ""),
    ]:
        expected = [e for e in edits if fixer._overlaps(probe, e)]
        assert [e for e in fixer._near(edits, probe) if fixer._overlaps(probe, e)] == expected


# ----- choosing a round's fixes ------------------------------------------------------------------
def test_choose_skips_overlaps_protected_text_and_unsafe_fixes() -> None:
    doc = _doc("---\ntitle: x\n---\n\nab cd {{ x }} ef\n")
    body = doc.body_offset
    first = _problem(body, body + 2, "AB")
    overlapping = _problem(body + 1, body + 3, "??", code="RL901")
    liquid = _problem(body + 6, body + 8, "{%", code="RL902")
    targeted = _problem(body + 6, body + 8, "{{", code="RL903", edits_protected=True)
    unsafe = _problem(body + 3, body + 5, "CD", code="RL904", safety=Safety.UNSAFE)
    chosen, skipped = choose_fixes([overlapping, first, liquid, unsafe, targeted], doc, unsafe=False)
    assert [p.code for p in chosen] == ["RL900", "RL903"] and skipped == 1
    chosen, skipped = choose_fixes([unsafe, first], doc, unsafe=True)
    assert [p.code for p in chosen] == ["RL900", "RL904"] and skipped == 0
    assert choose_fixes([Problem(PATH, 1, 1, "RL905", "n", "no fix")], doc, unsafe=True) == ([], 0)


def test_choose_orders_by_position_then_code() -> None:
    doc = _doc("abcdef\n")
    late, early = _problem(3, 4, "D", code="RL001"), _problem(0, 1, "A", code="RL999")
    same_a, same_b = _problem(1, 2, "1", code="RL500"), _problem(1, 2, "2", code="RL400")
    chosen, _ = choose_fixes([late, same_a, early, same_b], doc, unsafe=False)
    assert [p.code for p in chosen] == ["RL999", "RL400", "RL001"]


# ----- shifting offsets across edits -------------------------------------------------------------
def test_shift_before_and_after_insertions() -> None:
    edits = [Edit(2, 4, "xyz"), Edit(6, 6, "++")]
    assert fixer._shift(1, edits, after_insertions=False) == 1
    assert fixer._shift(4, edits, after_insertions=False) == 5  # after the replaced text
    assert fixer._shift(6, edits, after_insertions=False) == 7
    assert fixer._shift(6, edits, after_insertions=True) == 9
    assert fixer._shift(8, edits, after_insertions=False) == 11


def test_changes_and_within() -> None:
    assert fixer._changes(Edit(3, 3, "x"), 2, 5) and not fixer._changes(Edit(2, 2, "x"), 2, 5)
    assert not fixer._changes(Edit(5, 5, "x"), 2, 5)
    assert fixer._changes(Edit(4, 6, ""), 2, 5) and not fixer._changes(Edit(5, 6, ""), 2, 5)
    assert fixer._changes(Edit(0, 3, ""), 2, 5) and not fixer._changes(Edit(0, 2, ""), 2, 5)
    edits = [Edit(10, 12, "")]
    assert fixer._within(0, 5, [(3, 4)], edits, new=False)
    assert fixer._within(0, 5, [(5, 5)], edits, new=False) is False
    assert fixer._within(5, 6, [(5, 5)], edits, new=False)  # an empty window still covers its point
    assert not fixer._within(6, 7, [(5, 5)], edits, new=False)
    assert not fixer._within(5, 6, [(4, 5)], edits, new=False)
    assert fixer._within(9, 11, [], edits, new=False) and not fixer._within(12, 14, [], edits, new=False)
    assert fixer._within(12, 14, [(14, 16)], edits, new=True)  # the window moved left by two
    assert fixer._within(14, 15, [(14, 16)], [], new=False) is not False


# ----- verification ------------------------------------------------------------------------------
def _verify(text: str, problem: Problem) -> str | None:
    before = _doc(text)
    after = _doc(apply_edits(text, problem.fix.edits))  # type: ignore[union-attr]
    return verify(before, after, [problem])


def test_verify_refuses_front_matter_changes_unless_targeted() -> None:
    text = "---\ntitle: a\n---\n\nText.\n"
    at = text.index("a\n")
    assert _verify(text, _problem(at, at + 1, "b")) == "front-matter data changed"
    assert _verify(text, _problem(at, at + 1, "b", edits_protected=True)) is None
    body = text.index("Text")
    assert _verify(text, _problem(body, body, "", edits_protected=True)) is None


def test_verify_refuses_liquid_changes_outside_targeted_windows() -> None:
    text = "---\ntitle: a\n---\n\nSee {{ a }} and {{ b }}.\n"
    a = text.index("{{ a }}")
    assert _verify(text, _problem(a + 3, a + 4, "c")) == "the number of Liquid tags changed"  # one gone, one new
    assert _verify(text, _problem(a, a + 7, "")) == "the rendered text of the fixed lines changed"  # a tag deleted
    assert _verify(text, _problem(a + 3, a + 4, "c", edits_protected=True)) is None
    b = text.index("{{ b }}")
    assert _verify(text, _problem(b, b + 7, "{{ c }}", edits_protected=True)) is None
    wrap = Problem(
        PATH,
        1,
        1,
        "RL702",
        "t",
        "m",
        fix=Fix((Edit(a, a, "{% raw %}"), Edit(a + 7, a + 7, "{% endraw %}")), edits_protected=True),
    )
    assert _verify(text, wrap) is None


def test_verify_refuses_structure_and_render_changes() -> None:
    text = "---\ntitle: a\n---\n\nOne\n\nTwo\n"
    gap = text.index("\n\nTwo")
    assert _verify(text, _problem(gap, gap + 2, " ")) == "the document's block structure changed"
    text = "---\ntitle: a\n---\n\nA *b* c\n"
    star = text.index("*b")
    assert "rendered" in (_verify(text, _problem(star, star + 1, "")) or "")
    assert _verify(text, _problem(star, star + 1, "", safety=Safety.UNSAFE)) is None


# ----- rounds ------------------------------------------------------------------------------------
def test_fix_document_repeats_until_nothing_changes_and_counts_unsafe_once() -> None:
    doc = _doc("a    \n")

    def check(d: Document) -> list[Problem]:
        found = [_problem(d.text.index(" "), d.text.index(" ") + 1, "")] if " " in d.text else []
        unsafe = _problem(0, 1, "b", code="RL999", safety=Safety.UNSAFE)
        return [*found, unsafe, unsafe] if d.text == doc.text else [*found, unsafe]  # two unsafe at first

    result = fix_document(doc, check)
    assert result.text == "a\n" and len(result.applied) == 4 and result.unsafe_skipped == 2
    assert fixer.FixResult("a", "a").unsafe_skipped == 0 and not fixer.FixResult("a", "a").changed
    assert result.document is not None and result.document.text == result.text
    assert [p.code for p in result.remaining] == ["RL999"]
    assert fix_document(doc, check, select=lambda p: p.code != "RL900").text == doc.text


def test_fix_document_gives_up_after_the_round_cap() -> None:
    doc = _doc("x\n")
    calls: list[str] = []

    def check(d: Document) -> list[Problem]:
        calls.append(d.text)
        return [_problem(d.text.index("\n"), d.text.index("\n"), " ")]  # never ends

    result = fix_document(doc, check)
    assert not result.changed and result.applied == []
    assert result.refused == ["fixes did not converge after 10 rounds (RL900 test); nothing written"]
    assert len(calls) == 12 and calls[-1] == doc.text  # the first check, one per applied round, then the original
    assert len(result.remaining) == 1


def test_fix_document_stops_when_fixes_change_nothing() -> None:
    doc = _doc("x\n")
    calls: list[str] = []

    def check(d: Document) -> list[Problem]:
        calls.append(d.text)
        return [_problem(0, 1, "x")]

    result = fix_document(doc, check)
    assert not result.changed and calls == ["x\n"] and result.applied == []


def test_a_refused_fix_is_reported_and_the_others_still_apply() -> None:
    text = "---\ntitle: a\n---\n\nA *b* c \n"
    doc = _doc(text)
    star, space = text.index("*b"), text.index(" \n")

    def check(d: Document) -> list[Problem]:
        found = []
        if "*b*" in d.text:
            found.append(_problem(d.text.index("*b"), d.text.index("*b") + 1, "", code="RL800"))
        if " \n" in d.text:
            found.append(_problem(d.text.index(" \n"), d.text.index(" \n") + 1, "", code="RL601"))
        return found

    result = fix_document(doc, check)
    assert result.text == text[:space] + "\n" and star < space
    assert len(result.refused) == 1 and result.refused[0].startswith("refused fix (RL800 test, line 1)")
    assert "bug in the rule" in result.refused[0]
    assert [p.code for p in result.remaining] == ["RL800"]


def test_sound_halves_until_the_fixes_at_fault_stand_alone() -> None:
    text = "---\ntitle: a\n---\n\nA *b* c *d* e f \n"
    doc = _doc(text)
    good = _problem(text.index(" \n"), text.index(" \n") + 1, "", code="RL601")
    bad1 = _problem(text.index("*b"), text.index("*b") + 1, "", code="RL801")
    bad2 = _problem(text.index("*d"), text.index("*d") + 1, "", code="RL802")
    refused: list[tuple[Problem, str]] = []
    kept, fixed = fixer._sound(doc, [bad1, bad2, good], refused)
    assert [p.code for p in kept] == ["RL601"] and fixed.text.endswith("f\n")
    assert sorted(p.code for p, _ in refused) == ["RL801", "RL802"]


# ----- output ------------------------------------------------------------------------------------
def test_encode_keeps_bom_and_crlf() -> None:
    plain = Document(PATH, "a\nb\n")
    assert fixer.encode("x\ny\n", plain) == b"x\ny\n"
    crlf = Document(PATH, "a\nb\n", crlf=True)
    assert fixer.encode("x\ny\n", crlf) == b"x\r\ny\r\n"
    bom = Document(PATH, "a\n", bom=True)
    assert fixer.encode("x\n", bom) == b"\xef\xbb\xbfx\n"


def test_unified_diff_marks_a_missing_final_newline() -> None:
    diff = fixer.unified_diff("_posts/a.md", b"one\ntwo", b"one\ntwo\n")
    assert diff.startswith("--- a/_posts/a.md\n+++ b/_posts/a.md\n")
    assert "-two\n\\ No newline at end of file\n+two\n" in diff
    assert fixer.unified_diff("a.md", b"same\n", b"same\n") == ""


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("read_regular_file", "cannot read it again before writing: Input/output error (EIO); not written"),
        ("mkstemp", "cannot create a temporary file beside it: Input/output error (EIO); not written"),
        ("replace", "could not write: Input/output error (EIO); the file is unchanged"),
    ],
)
def test_write_atomic_failures_name_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, message: str
) -> None:
    import os
    import tempfile

    from reinvent_lint import files

    post = tmp_path / "p.md"
    post.write_bytes(b"old")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(5, "Input/output error")

    owner = {"read_regular_file": files, "mkstemp": tempfile, "replace": os}[target]
    monkeypatch.setattr(owner, target, fail)
    with pytest.raises(fixer.FixRefused) as caught:
        fixer.write_atomic(post, b"old", b"new")
    monkeypatch.undo()
    assert str(caught.value) == message and post.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["p.md"]


def test_write_atomic_writes_and_keeps_the_mode(tmp_path: Path) -> None:
    post = tmp_path / "p.md"
    post.write_bytes(b"old")
    post.chmod(0o604)
    fixer.write_atomic(post, b"old", b"new")
    assert post.read_bytes() == b"new" and post.stat().st_mode & 0o777 == 0o604


# ----- fix_text ----------------------------------------------------------------------------------
def test_fix_text_applies_safe_fixes_only_unless_asked() -> None:
    text = "---\ntitle: a\n---\n\n#  Heading\n\nIt is the the best. \nEnd"
    fixed = fix_text(text)
    assert fixed == "---\ntitle: a\n---\n\n# Heading\n\nIt is the the best.\nEnd\n"
    assert "the best" in fix_text(text, unsafe=True) and "the the" not in fix_text(text, unsafe=True)
    assert fix_text(fixed) == fixed
    assert fix_text("\ufeff" + text.replace("\n", "\r\n")) == fixed  # BOM and CRLF read as Jekyll does


def test_fix_text_keeps_suppressed_problems() -> None:
    text = "---\ntitle: a\n---\n\n<!-- reinvent-lint disable-next-line RL601 -->\nText. \n"
    assert fix_text(text) == text
