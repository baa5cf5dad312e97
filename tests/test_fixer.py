from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reinvent_lint.cli import main
from reinvent_lint.document import Document
from reinvent_lint.fixer import FixRefused, apply_edits, fix_document, write_atomic
from reinvent_lint.problem import Edit, Safety
from reinvent_lint.jekyll.site import Site

from .conftest import in_folder, linter_for, write_site

EXAMPLE_BLOG = Path(__file__).resolve().parent.parent / "examples" / "blog"
DEFECTS = '---\ntitle: Notes\ntags: [AWS]\n---\n\n##   Get started with  Aurora \n\nText. \n\n```\nkeep  this \n```\n\n{% include x.html a="b  c" %} \nEnd'


def _fix_cli(args: list[str], cwd: Path) -> int:
    with in_folder(cwd):
        return main(args)


def test_apply_edits_splices_in_order() -> None:
    assert apply_edits("abcdef", [Edit(4, 5, "E"), Edit(0, 1, "A"), Edit(2, 2, "+")]) == "Ab+cdEf"


def test_fix_applies_safe_fixes_and_is_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_site(
        tmp_path,
        {"_posts/2024-01-01-a.md": DEFECTS, "_topics/aws.md": "---\ntitle: aws\n---\n", "_includes/x.html": "x"},
    )
    assert _fix_cli(["fix"], tmp_path) == 0
    fixed = (tmp_path / "_posts/2024-01-01-a.md").read_text()
    assert fixed == (
        # the doubled space stays: removing it changes the heading's id (an unsafe fix)
        "---\ntitle: Notes\ntags: [aws]\n---\n\n## Get started with  Aurora\n\nText.\n\n```\nkeep  this \n```\n\n"
        '{% include x.html a="b  c" %}\nEnd\n'
    )
    out = capsys.readouterr().out
    assert "Fixed 6 problems in 1 file." in out
    assert _fix_cli(["fix"], tmp_path) == 0
    assert (tmp_path / "_posts/2024-01-01-a.md").read_text() == fixed
    assert "Fixed 0 problems" in capsys.readouterr().out


def test_crlf_bom_and_permissions_are_kept(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + DEFECTS.replace("\n", "\r\n").encode()
    write_site(tmp_path, {"_posts/2024-01-01-a.md": data})
    post = tmp_path / "_posts/2024-01-01-a.md"
    post.chmod(0o640)
    _fix_cli(["fix"], tmp_path)
    written = post.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf") and b"\r\n" in written and b"\n" not in written.replace(b"\r\n", b"")
    assert b"## Get started with  Aurora\r\n" in written
    assert post.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in post.parent.iterdir()] == ["2024-01-01-a.md"]  # no temporary file left


def test_diff_applies_with_patch_and_matches_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("patch") is None:
        pytest.skip("patch is not installed")
    a, b = tmp_path / "a", tmp_path / "b"
    for root in (a, b):
        write_site(
            root,
            {"_posts/2024-01-01-a.md": DEFECTS, "_posts/2024-01-02-b.md": "---\ntitle: B\n---\n\n#  Two  spaces\n"},
        )
    capsys.readouterr()
    _fix_cli(["fix", "--diff"], a)
    diff = capsys.readouterr().out
    assert diff.startswith("--- a/_posts/2024-01-01-a.md")
    assert (a / "_posts/2024-01-01-a.md").read_text() == DEFECTS  # --diff writes nothing
    subprocess.run(["patch", "-p1", "--quiet"], input=diff, text=True, cwd=a, check=True)
    _fix_cli(["fix"], b)
    for name in ("2024-01-01-a.md", "2024-01-02-b.md"):
        assert (a / "_posts" / name).read_bytes() == (b / "_posts" / name).read_bytes()


def test_example_blog_after_fix_has_no_fixable_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blog = shutil.copytree(EXAMPLE_BLOG, tmp_path / "blog")
    before = {p: p.read_bytes() for p in blog.rglob("*.md")}
    _fix_cli(["fix"], blog)
    capsys.readouterr()
    report = linter_for(blog).check_paths([])
    assert not [p for p in report.problems if p.fix and p.fix.safety is Safety.SAFE]
    changed = sorted(p.relative_to(blog).as_posix() for p, data in before.items() if p.read_bytes() != data)
    assert changed == ["_posts/2023-12-11-cloud-conference-2023.md", "_posts/2024-12-20-cloud-conference-2024.md"]


def test_write_refuses_a_file_changed_on_disk_and_a_read_only_file(tmp_path: Path) -> None:
    post = tmp_path / "p.md"
    post.write_bytes(b"old")
    with pytest.raises(FixRefused, match="changed on disk"):
        write_atomic(post, b"older", b"new")
    assert post.read_bytes() == b"old"
    if os.geteuid() != 0:
        post.chmod(0o444)
        with pytest.raises(FixRefused, match="read-only"):
            write_atomic(post, b"old", b"new")


def test_disk_full_leaves_the_file_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    post = tmp_path / "p.md"
    post.write_bytes(b"old")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(FixRefused, match="No space left"):
        write_atomic(post, b"old", b"new")
    assert post.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["p.md"]


def test_verification_refuses_a_fix_that_changes_structure() -> None:
    from reinvent_lint.problem import Fix, Problem

    doc = Document("_posts/2024-01-01-a.md", "---\ntitle: x\n---\n\nText\n\nMore\n", kind="post")
    bad = Problem(doc.path, 5, 5, "RL999", "joiner", "m", fix=Fix.replace(22, 24, " "))  # joins two paragraphs

    result = fix_document(doc, lambda d: [bad] if d.text == doc.text else [])
    assert not result.changed
    assert result.refused and "block structure changed" in result.refused[0]


# ----- properties over generated posts ------------------------------------------------------
_word = st.sampled_from(["Aurora", "DSQL", "serverless", "the", "S3", "tables", "re:Invent", "x"])
_words = st.lists(_word, min_size=1, max_size=5).map(" ".join)
_spaces = st.sampled_from(["", " ", "  ", "\t"])
_heading = st.builds(
    lambda lvl, gap, a, mid, b, tail: "#" * lvl + " " + gap + a + mid + b + tail + "\n",
    st.integers(1, 4),
    _spaces,
    _words,
    st.sampled_from([" ", "  ", "   "]),
    _words,
    _spaces,
)
_para = st.builds(lambda w, tail: w + tail + "\n", _words, _spaces)
_liquid = st.sampled_from(
    [
        "{% link _posts/2024-01-01-a.md %}\n",
        '{% include candid-image.html src="/a  b.png" alt="x" %}  \n',
        "{{ site.title  }}\n",
        "{% raw %}{{ x  }}{% endraw %}\n",
    ]
)
_code = st.builds(lambda w, tail: "```\n" + w + "  " + tail + "\n```\n", _words, _spaces)
_block = st.one_of(_heading, _para, _liquid, _code)
_post = st.builds(
    lambda tags, blocks, end: f"---\ntitle: Generated\ntags: [{tags}]\n---\n\n" + "\n".join(blocks) + end,
    st.sampled_from(["aws", "AWS", "Aws"]),
    st.lists(_block, max_size=12),
    st.sampled_from(["", "\n", "tail"]),
)


def _protected(doc: Document) -> list[str]:
    code = [doc.text[s:e] for s, e in doc.code_ranges]
    liquid = [doc.text[s.start : s.end] for s in doc.liquid.spans]
    return code + liquid


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_post)
def test_fix_is_idempotent_and_never_touches_liquid_or_code(text: str) -> None:
    site = Site(None)
    path = "_posts/2024-01-01-generated.md"
    from reinvent_lint.engine import default_linter

    linter = default_linter()
    check = lambda d: linter.check_document(d, site, path)[0]
    doc = Document(path, text, kind="post")
    first = fix_document(doc, check)
    assert not first.refused
    fixed = Document(path, first.text, kind="post")
    assert _protected(fixed) == _protected(doc)
    assert fixed.front_matter and doc.front_matter and fixed.front_matter.data == doc.front_matter.data
    second = fix_document(fixed, check)
    assert second.text == first.text
    assert not [p for p in second.remaining if p.fix and p.fix.safety is Safety.SAFE]
    # Today's safe fixes change only whitespace and a tag's case: nothing else may differ.
    squash = lambda s: "".join(s.split()).lower()
    assert squash(first.text) == squash(text)
