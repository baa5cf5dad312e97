"""The command-line conventions of ruff and rumdl, and the text report a whole blog fits on a
screen with (issues 19 and 14)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .conftest import run_cli, write_site

REPO = Path(__file__).resolve().parent.parent
# An empty section (warning) and two lines with trailing spaces (info, fixable).
POST = "---\ntitle: A\n---\n\nIntro. \n\n# One\n\n# Two\n\nText. \n"
GOOD = "---\ntitle: B\n---\n\nFine.\n"


def _site(tmp_path: Path) -> Path:
    return write_site(tmp_path, {"_posts/2024-01-01-a.md": POST, "_posts/2024-01-02-b.md": GOOD})


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))


# ----- the text report ------------------------------------------------------------------------
def test_info_findings_are_summarised_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _site(tmp_path)
    code, out, _ = run_cli(["check"], tmp_path, capsys)
    assert code == 0
    assert "RL301 empty-section [warning]" in out and "RL601" not in out.split("hidden")[0]
    assert "2 info findings hidden (trailing-whitespace 2): --show-info\n" in out
    assert out.endswith("1 problem (1 warning) in 1 file; 2 fixable with `reinvent-lint fix`\n")

    _, shown, _ = run_cli(["check", "--show-info"], tmp_path, capsys)
    assert "_posts/2024-01-01-a.md:5:7: RL601 trailing-whitespace [info] trailing whitespace (also line 11)" in shown
    assert "hidden" not in shown

    _, data, _ = run_cli(["check", "--format", "json"], tmp_path, capsys)  # JSON keeps everything
    assert {p["code"] for p in json.loads(data)["problems"]} == {"RL301", "RL601"}


def test_hidden_findings_show_when_they_fail_the_run_or_are_selected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _site(tmp_path)
    code, out, _ = run_cli(["check", "--fail-on", "info"], tmp_path, capsys)
    assert code == 1 and "RL601 trailing-whitespace [info]" in out and "hidden" not in out
    code, out, _ = run_cli(["check", "--select", "trailing-whitespace"], tmp_path, capsys)
    assert code == 0 and "RL601 trailing-whitespace [info]" in out


def test_only_hidden_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": "---\ntitle: A\n---\n\nText. \n"})
    _, out, _ = run_cli(["check"], tmp_path, capsys)
    assert out == "1 info finding hidden (trailing-whitespace 1): --show-info\nNo errors or warnings in 1 file.\n"


def test_files_are_grouped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": POST, "_posts/2024-01-02-b.md": POST})
    _, out, _ = run_cli(["check"], tmp_path, capsys)
    assert out.startswith(
        "_posts/2024-01-01-a.md:7:1: RL301 empty-section [warning] "
        '"One" has no content before the next heading\n\n_posts/2024-01-02-b.md:7:1: RL301'
    )
    assert "5 info findings hidden (trailing-whitespace 4, duplicate-title 1): --show-info" in out


def test_the_same_message_again_in_a_file_is_folded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    links = "[a]() b\n\n[c]() d\n\n[e]() f\n\n![](/x.png)\n\n![](/y.png)\n"
    write_site(tmp_path, {"_posts/2024-01-01-a.md": "---\ntitle: A\n---\n\n" + links, "x.png": "", "y.png": ""})
    _, out, _ = run_cli(["check", "--links", "off"], tmp_path, capsys)
    rl401 = [line for line in out.splitlines() if "RL401" in line and ".md:" in line]
    assert len(rl401) == 1 and rl401[0].startswith("_posts/2024-01-01-a.md:5:")
    assert rl401[0].endswith("(also lines 7, 9)")
    assert sum(".md:" in line and "RL405" in line for line in out.splitlines()) == 2  # other messages: not folded
    assert "\n5 problems (5 warnings) in 1 file" in out  # the summary counts every finding
    for args in (["--select", "RL401"], ["--quiet"]):
        _, out, _ = run_cli(["check", "--links", "off", *args], tmp_path, capsys)
        assert sum(".md:" in line and "RL401" in line for line in out.splitlines()) == 3 and "also" not in out


# ----- ruff's options ---------------------------------------------------------------------------
def test_quiet_prints_the_findings_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _site(tmp_path)
    _, out, _ = run_cli(["check", "--quiet"], tmp_path, capsys)
    assert (
        out
        == '_posts/2024-01-01-a.md:7:1: RL301 empty-section [warning] "One" has no content before the next heading\n'
    )


def test_statistics_counts_per_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": POST, "_posts/2024-01-02-b.md": POST})
    _, out, _ = run_cli(["check", "--statistics"], tmp_path, capsys)
    assert out.splitlines()[:2] == [
        "4  RL601  trailing-whitespace [info] [*]",
        "2  RL301  empty-section [warning]",
    ]
    assert "_posts/2024-01-01-a.md:" not in out


def test_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _site(tmp_path)
    assert run_cli(["check", "--fail-on", "warning"], tmp_path, capsys)[0] == 1
    code, out, _ = run_cli(["check", "--fail-on", "warning", "--exit-zero"], tmp_path, capsys)
    assert code == 0 and "RL301" in out
    assert run_cli(["check", "--exit-zero", "missing.md"], tmp_path, capsys)[0] == 2  # errors still fail


def test_show_fixes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _site(tmp_path)
    _, out, _ = run_cli(["check", "--show-info", "--show-fixes"], tmp_path, capsys)
    lines = out.splitlines()
    at = lines.index(next(line for line in lines if ":11:6: RL601" in line))
    assert lines[at + 1].startswith("    fix: ")


def test_output_format_is_an_alias_of_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _site(tmp_path)
    _, out, _ = run_cli(["check", "--output-format", "json"], tmp_path, capsys)
    assert json.loads(out)["files"] == 2
    _, out, _ = run_cli(["fix", "--diff", "--output-format", "json"], tmp_path, capsys)
    assert out.startswith("--- ")


# ----- standard input -----------------------------------------------------------------------
LINKING = "---\ntitle: C\n---\n\n[a]({% link _posts/2024-01-01-a.md %}) and [z]({% link _posts/2024-09-09-z.md %})\n"


def test_check_stdin_takes_its_site_from_the_filename(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _site(tmp_path)
    _stdin(monkeypatch, LINKING)
    code, out, _ = run_cli(["check", "-", "--stdin-filename", "_posts/2024-02-01-c.md"], tmp_path, capsys)
    assert code == 1
    problems = [line for line in out.splitlines() if line.startswith("_posts/")]
    assert len(problems) == 1 and problems[0].startswith("_posts/2024-02-01-c.md:5:")
    assert "RL402 missing-link-target" in problems[0] and "2024-09-09-z.md" in problems[0]
    assert not (tmp_path / "_posts/2024-02-01-c.md").exists()


def test_fix_stdin_writes_the_fixed_post_to_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _site(tmp_path)
    before = (tmp_path / "_posts/2024-01-01-a.md").read_text()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
    out_buffer = sys.stdout.buffer
    _stdin(monkeypatch, POST)
    code, _, err = run_cli(["fix", "-", "--stdin-filename", "_posts/2024-01-01-a.md"], tmp_path, capsys)
    fixed = out_buffer.getvalue().decode()  # type: ignore[attr-defined]
    assert fixed == POST.replace("Intro. \n", "Intro.\n").replace("Text. \n", "Text.\n")
    assert "RL301 empty-section" in err
    assert (tmp_path / "_posts/2024-01-01-a.md").read_text() == before  # the file is not touched
    assert code == 0


def test_stdin_filename_needs_the_dash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _site(tmp_path)
    code, _, err = run_cli(["check", "--stdin-filename", "x.md"], tmp_path, capsys)
    assert code == 2 and "needs the path `-`" in err
    code, _, err = run_cli(["baseline", "-"], tmp_path, capsys)
    assert code == 2 and "does not read standard input" in err


# ----- MD codes wherever rule codes are accepted ------------------------------------------------
LIST_POST = "---\ntitle: L\n---\n\nSome text:\n- one\n- two\n\n# Two\n\nEnd.\n"


def test_select_and_ignore_take_md_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": LIST_POST})
    _, out, _ = run_cli(["check", "_posts/2024-01-01-a.md", "--select", "MD032"], tmp_path, capsys)
    assert "_posts/2024-01-01-a.md:6:1: MD032 blanks-around-lists" in out
    assert [line for line in out.splitlines() if ": RL" in line] == []  # only what was selected
    _, out, _ = run_cli(["check", "--style", "always", "--ignore", "md032", "--show-info"], tmp_path, capsys)
    assert "MD032" not in out
    _, out, _ = run_cli(["check", "--select", "blanks-around-lists"], tmp_path, capsys)
    assert "MD032 blanks-around-lists" in out
    assert run_cli(["check", "--select", "MD999"], tmp_path, capsys)[0] == 2


def test_explain_and_rules_know_md_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["explain", "MD032"], tmp_path, capsys)
    assert code == 0 and out.startswith("# MD032 blanks-around-lists (style pack)\n")
    assert "Lists should be surrounded by blank lines" in out  # pymarkdownlnt's summary
    assert "curated default: off. A list right after a paragraph renders as a list." in out  # our note
    _, out, _ = run_cli(["explain", "md013"], tmp_path, capsys)
    assert "curated default: off. One-line paragraphs make line length useless." in out
    _, out, _ = run_cli(["rules"], tmp_path, capsys)
    assert any(line.startswith("MD032  blanks-around-lists") for line in out.splitlines())
    _, out, _ = run_cli(["rules", "--format", "json"], tmp_path, capsys)
    assert {"MD032", "RL301"} <= {r["code"] for r in json.loads(out)}


# ----- pre-commit: changed lines of the staged changes ------------------------------------------
def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=cwd, check=True,
                   capture_output=True)  # fmt: skip


def test_staged_leaves_out_style_findings_on_untouched_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = "---\ntitle: A\n---\n\nOld line. \n\nTpyo here.\n"
    write_site(tmp_path, {"_posts/2024-01-01-a.md": old})
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "old")
    (tmp_path / "_posts/2024-01-01-a.md").write_text(old + "\nNew line. \n\n# Empty\n")
    _git(tmp_path, "add", "-A")
    _, out, _ = run_cli(["check", "--staged", "_posts/2024-01-01-a.md"], tmp_path, capsys)
    assert ":5:10: RL601" not in out  # an old line's whitespace: not this commit's business
    assert ":9:10: RL601 trailing-whitespace [info]" in out  # a line the commit adds
    assert ":11:1: RL301 empty-section [warning]" in out
    assert ":7:1: RL501 misspelled-word [warning]" in out  # warnings anywhere in the file still show


def test_staged_asks_git_nothing_when_no_finding_depends_on_the_changed_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Warnings and errors show wherever they are: a run with no info or style finding needs no
    staged lines, and runs no git."""
    from reinvent_lint import changes

    monkeypatch.setattr(changes, "changed_lines", lambda *args: pytest.fail("git asked"))
    write_site(tmp_path, {"_posts/2024-01-01-a.md": "---\ntitle: A\n---\n\nTpyo here.\n"})
    code, out, _ = run_cli(["check", "--staged", "_posts/2024-01-01-a.md"], tmp_path, capsys)
    assert code == 0 and ":5:1: RL501 misspelled-word [warning]" in out


# ----- watch -------------------------------------------------------------------------------------
@pytest.mark.slow
def test_watch_rechecks_a_changed_post(tmp_path: Path) -> None:
    pytest.importorskip("watchfiles")
    write_site(tmp_path, {"_posts/2024-01-01-a.md": GOOD})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-m", "reinvent_lint", "check", "--watch"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stdout is not None and proc.stderr is not None
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    try:
        assert "watching for changes" in proc.stderr.readline()
        assert lines.get(timeout=60).startswith("No problems in 1 file")
        (tmp_path / "_posts/2024-01-01-a.md").write_text(GOOD + "\n# Empty\n")
        seen = ""
        deadline = time.monotonic() + 30  # generous: the finding is expected well within 2 s
        while "RL301" not in seen and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                seen += lines.get(timeout=0.2)
        assert "_posts/2024-01-01-a.md:7:1: RL301 empty-section" in seen
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_long_fold_lists_eight_lines_and_counts_the_rest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    links = "".join(f"[a{i}]() b\n\n" for i in range(12))
    write_site(tmp_path, {"_posts/2024-01-01-a.md": "---\ntitle: A\n---\n\n" + links})
    _, out, _ = run_cli(["check", "--links", "off"], tmp_path, capsys)
    rl401 = [line for line in out.splitlines() if "RL401" in line and ".md:" in line]
    assert len(rl401) == 1
    assert rl401[0].endswith("(also lines 7, 9, 11, 13, 15, 17, 19, 21 and 3 more: --select RL401 lists each)")
