"""The style pack: pymarkdownlnt's rules, never inside Liquid, fixes through our engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from reinvent_lint.document import Document
from reinvent_lint.fixer import fix_document
from reinvent_lint.style import DEFAULTS, fix_problem

from .conftest import linter_for, run_cli, write_site

LIQUID = '{% include note.html text="* bad  spacing*" url="http://example.com/in-liquid" %}'
POST = (
    "---\ntitle: Style\n---\n\n"
    "A paragraph\n* a list glued to it\n\n"  # MD032: kramdown renders this as text
    f"{LIQUID}\n\n"
    "Visit http://example.com/bare now, and see * spaced emphasis* and [a]({% link _posts/2024-01-02-b.md %}).\n"
)


def _run(tmp_path: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code, out, _ = run_cli([*args, "--show-info"], tmp_path, capsys)  # the pack's findings are info here
    return code, out


def test_findings_join_our_stream_and_never_point_inside_liquid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": POST, "_posts/2024-01-02-b.md": "---\ntitle: B\n---\n\nText.\n",
                          "_includes/note.html": "<p>{{ include.text }}</p>"})  # fmt: skip
    code, out = _run(tmp_path, ["check", "--select", "RL001,MD032,MD034,MD037"], capsys)
    lines = [line for line in out.splitlines() if ": MD" in line]
    assert (
        "_posts/2024-01-01-a.md:6:1: MD032 blanks-around-lists [warning] Lists should be surrounded by blank lines"
        in lines
    )
    assert any(":10:7: MD034 no-bare-urls" in line for line in lines)
    assert any(":10:" in line and "MD037" in line for line in lines)
    assert not [line for line in lines if ":8:" in line]  # line 8 is the include: nothing reported inside it


def test_pack_is_off_when_files_are_given_unless_mode_always(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": POST, "_includes/note.html": "x"})
    _, out = _run(tmp_path, ["check", "_posts/2024-01-01-a.md"], capsys)
    assert ": MD" not in out
    (tmp_path / ".reinvent-lint.toml").write_text('[style]\nmode = "always"\n')
    _, out = _run(tmp_path, ["check", "_posts/2024-01-01-a.md"], capsys)
    assert ": MD032" in out
    (tmp_path / ".reinvent-lint.toml").write_text('[style]\nmode = "off"\n')
    _, out = _run(tmp_path, ["check"], capsys)
    assert ": MD" not in out


def test_suppression_comments_and_config_apply(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    post = POST.replace("A paragraph\n", "<!-- reinvent-lint disable MD032 -->\n\nA paragraph\n").replace(
        f"{LIQUID}\n", f"{LIQUID}\n\n<!-- reinvent-lint enable MD032 -->\n"
    )
    write_site(tmp_path, {"_posts/2024-01-01-a.md": post, "_includes/note.html": "x",
                          ".reinvent-lint.toml": '[style]\ndisable = ["md034"]\nseverity = "info"\n'})  # fmt: skip
    _, out = _run(tmp_path, ["check"], capsys)
    assert "MD032" not in out and "MD034" not in out and "MD037 no-space-in-emphasis [info]" in out
    (tmp_path / ".reinvent-lint.toml").write_text('[style]\ndisable = ["nope"]\n')
    code, _ = _run(tmp_path, ["check"], capsys)
    assert code == 2


def test_style_fixes_never_touch_liquid() -> None:
    doc = Document("_posts/2024-01-01-a.md", POST, kind="post")
    problem = fix_problem(doc, dict(DEFAULTS))
    assert problem is not None and problem.fix is not None
    result = fix_document(doc, lambda d: [p for p in [fix_problem(d, dict(DEFAULTS))] if p])
    assert LIQUID in result.text and "{% link _posts/2024-01-02-b.md %}" in result.text
    # MD037 would turn "* spaced emphasis*" into italics: the page would render differently
    # (the stars may be multiplication signs), so the render check refuses it (issue 16).
    assert "* spaced emphasis*" in result.text
    assert result.refused and "rendered text" in result.refused[0]


def test_a_fix_that_would_rewrite_liquid_is_dropped() -> None:
    # Inside the include, "* bad  spacing*" is what MD037 would rewrite; masked, it cannot.
    text = "---\ntitle: x\n---\n\n" + LIQUID + "\n"
    assert fix_problem(Document("_posts/2024-01-01-a.md", text, kind="post"), dict(DEFAULTS)) is None


def test_linter_runs_the_pack_once_for_the_whole_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reinvent_lint import style

    calls: list[int] = []
    real = style.scan

    def counting(paths, settings):  # type: ignore[no-untyped-def]
        calls.append(len(paths))
        return real(paths, settings)

    monkeypatch.setattr(style, "scan", counting)
    monkeypatch.setattr("multiprocessing.get_all_start_methods", lambda: ["spawn"])  # inline, so the count is seen
    write_site(tmp_path, {f"_posts/2024-01-0{i}-p.md": POST for i in range(1, 5)})
    report = linter_for(tmp_path).check_paths([])
    assert calls == [4]
    assert sum(1 for p in report.problems if p.code == "MD032") == 4
