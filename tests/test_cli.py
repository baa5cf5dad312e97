from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import run_cli, write_site

GOOD = "---\ntitle: Good\ntags: aws\n---\n\n# One\n\nText.\n"
EMPTY_SECTION = "---\ntitle: Notes\n---\n\n# One\n\n# Two\n\nText.\n"
BAD_YAML = "---\ntitle: a: b\n---\n\nText.\n"


def run(args: list[str], cwd: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    return run_cli(args, cwd, capsys)


def test_check_site_reports_sorted_lines_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_site(
        tmp_path, {"_posts/2024-01-02-b.md": EMPTY_SECTION, "_posts/2024-01-01-a.md": BAD_YAML, "_topics/aws.md": GOOD}
    )
    code, out, _ = run(["check"], tmp_path, capsys)
    lines = out.splitlines()
    assert lines[0].startswith("_posts/2024-01-01-a.md:2:9: RL102 front-matter-syntax [error] invalid front matter:")
    assert lines[1] == ""  # a blank line between files
    assert (
        lines[2]
        == '_posts/2024-01-02-b.md:5:1: RL301 empty-section [warning] "One" has no content before the next heading'
    )
    assert lines[-1] == "2 problems (1 error, 1 warning) in 2 files"
    assert code == 1
    assert "\033[" not in out


def test_exit_zero_below_fail_on_and_one_at_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_site(tmp_path, {"_posts/2024-01-02-b.md": EMPTY_SECTION})
    assert run(["check"], tmp_path, capsys)[0] == 0
    assert run(["check", "--fail-on", "warning"], tmp_path, capsys)[0] == 1
    assert run(["check", "--ignore", "empty-section", "--fail-on", "warning"], tmp_path, capsys)[0] == 0


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_site(tmp_path, {"_posts/2024-01-02-b.md": EMPTY_SECTION.replace("# Two", "#   Two")})
    _, out, _ = run(["check", "--format", "json"], tmp_path, capsys)
    data = json.loads(out)
    by_code = {p["code"]: p for p in data["problems"]}
    assert by_code["RL301"]["line"] == 5 and by_code["RL301"]["severity"] == "warning"
    assert by_code["RL206"]["fix"]["safety"] == "safe"
    assert data["files"] == 1 and data["errors"] == []


def test_unreadable_inputs_exit_2_and_other_files_are_still_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_site(tmp_path, {
        "_posts/2024-01-01-binary.md": b"\x89PNG\x00\x00",
        "_posts/2024-01-02-latin1.md": "---\ntitle: caf\xe9\n---\n".encode("latin-1"),
        "_posts/2024-01-03-b.md": EMPTY_SECTION,
        "_posts/2024-01-04-empty.md": "",
    })  # fmt: skip
    code, out, err = run(["check", "_posts", "missing.md"], tmp_path, capsys)
    assert code == 2
    assert "_posts/2024-01-03-b.md:5:1: RL301" in out
    assert "_posts/2024-01-04-empty.md:1:1: RL101 front-matter-missing" in out
    errors = err.splitlines()
    assert (
        "reinvent-lint: _posts/2024-01-01-binary.md:1:5: error: binary file (NUL byte); not a Markdown post" in errors
    )
    assert "reinvent-lint: _posts/2024-01-02-latin1.md:2:11: error: not valid UTF-8 (byte 0xe9)" in errors
    assert "reinvent-lint: missing.md: error: no such file or directory" in errors
    assert "Traceback" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": GOOD})
    (tmp_path / "_posts/2024-01-01-a.md").chmod(0)
    code, _, err = run(["check"], tmp_path, capsys)
    assert code == 2 and "permission denied" in err


def test_config_errors_name_the_key_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_site(tmp_path, {".reinvent-lint.toml": "fail-on = 'error'\ncolour = true\n", "_posts/2024-01-01-a.md": GOOD})
    code, _, err = run(["check"], tmp_path, capsys)
    assert code == 2 and "unknown key(s): colour" in err and ".reinvent-lint.toml" in err
    (tmp_path / ".reinvent-lint.toml").write_text("[rules.empty-section]\nseverity = 3\n")
    code, _, err = run(["check"], tmp_path, capsys)
    assert code == 2 and "'severity' must be a string, not an integer" in err
    (tmp_path / ".reinvent-lint.toml").write_text("[rules.RL999]\n")
    code, _, err = run(["check"], tmp_path, capsys)
    assert code == 2 and "[rules.RL999]: unknown rule" in err
    (tmp_path / ".reinvent-lint.toml").write_text("fail-on = [")
    code, _, err = run(["check"], tmp_path, capsys)
    assert code == 2 and "invalid TOML" in err
    (tmp_path / ".reinvent-lint.toml").write_text("[links]\nmode = 'sometimes'\n")
    code, _, err = run(["check"], tmp_path, capsys)
    assert code == 2 and "[links] mode must be one of off, cached, new, all" in err
    (tmp_path / ".reinvent-lint.toml").write_text("[style]\ncolor = true\n")
    code, _, err = run(["check"], tmp_path, capsys)
    assert code == 2 and "[style]: unknown key(s): color" in err


def test_config_from_pyproject_sets_severity_and_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_site(tmp_path, {
        "pyproject.toml": "[tool.reinvent-lint]\n[tool.reinvent-lint.rules.RL301]\nseverity = 'error'\n"
                          "[tool.reinvent-lint.rules.required-field]\nfields = ['title', 'tags']\n",
        "_posts/2024-01-02-b.md": EMPTY_SECTION,
    })  # fmt: skip
    code, out, _ = run(["check"], tmp_path, capsys)
    assert "RL301 empty-section [error]" in out
    assert "RL104 required-field [warning] front matter has no 'tags'" in out
    assert code == 1


def test_unknown_cli_rule_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": GOOD})
    code, _, err = run(["check", "--select", "RL999"], tmp_path, capsys)
    assert code == 2 and "unknown rule 'RL999'" in err


def test_suppressions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    post = (
        "---\ntitle: x\n---\n\n<!-- reinvent-lint disable-next-line empty-section -->\n# One\n\n# Two\n\n"
        "<!-- reinvent-lint disable RL301 -->\n# Three\n\n# Four\n"
    )
    write_site(tmp_path, {"_posts/2024-01-01-a.md": post})
    _, out, _ = run(["check"], tmp_path, capsys)
    # "Two" holds only a comment: empty on the page, and before the disabled range
    assert "RL001" not in out and out.count(": RL301 ") == 1 and "a.md:8:1: RL301" in out
    changed = (
        post.replace("# One\n", "# One\n\nText.\n")
        .replace("# Two\n", "# Two\n\nText.\n")
        .replace("RL301 -->", "RL201 -->")
    )
    write_site(tmp_path, {"_posts/2024-01-01-a.md": changed})
    _, out, _ = run(["check"], tmp_path, capsys)
    assert "a.md:5:1: RL001 unused-suppression" in out and "a.md:14:1: RL001 unused-suppression" in out
    assert "a.md:15:1: RL301" in out and "a.md:17:1: RL301" in out


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(["rules"], tmp_path, capsys)
    assert code == 0
    assert any(line.startswith("RL301  empty-section") for line in out.splitlines())
    code, out, _ = run(["rules", "--format", "json"], tmp_path, capsys)
    assert {"code": "RL204", "fixable": True}.items() <= next(
        r for r in json.loads(out) if r["code"] == "RL204"
    ).items()


def test_init_writes_a_config_that_fits_the_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    posts = {
        f"_posts/2024-01-{i:02d}-p.md": f"---\ntitle: P{i}\ntags: 'aws \"x\"'\nlayout: post\nseo_extra: y\n---\n\nText.\n"
        for i in range(1, 21)
    }
    write_site(tmp_path, {
        **posts,
        "_posts/2024-01-29-q.md": "---\ntitle: Q\ntags: aws\n---\n\nText.\n",
        "_includes/candid-image.html": '<img src="{{ include.src | relative_url }}" alt="{{ include.alt }}">',
        "_includes/note.html": "<div>{{ include.text }}</div>",
    })  # fmt: skip
    code, _, _ = run(["init"], tmp_path, capsys)
    assert code == 0
    config = (tmp_path / ".reinvent-lint.toml").read_text()
    # layout: 20 of 21 posts (95%); seo_extra: 95% but nothing of Jekyll's or the site's reads it
    assert 'fields = ["layout", "tags", "title"]' in config
    assert '"candid-image.html" = ["src"]' in config and "note.html" not in config
    assert 'tags = ["\\"x\\"", "aws"]' in config  # a quoted tag stays valid TOML
    assert "front matter has no 'layout'" in run(["check"], tmp_path, capsys)[1]  # the config loads; Q lacks a layout
    assert run(["init"], tmp_path, capsys)[0] == 2  # exists: needs --force


def test_version_and_module_entry_point(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "reinvent_lint", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("reinvent-lint ")


def test_color_only_when_asked_and_no_color_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from reinvent_lint.engine import Report
    from reinvent_lint.problem import Problem
    from reinvent_lint.reporters.text import report_text

    report = Report([Problem("a.md", 1, 1, "RL301", "empty-section", "m")], [], 1)
    buffer = io.StringIO()
    report_text(report, buffer, True)
    assert "\033[" in buffer.getvalue()
    from reinvent_lint import cli

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    args = cli._parser().parse_args(["check"])
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli._color(Tty(), args) is False
    monkeypatch.delenv("NO_COLOR")
    assert cli._color(Tty(), args) is True


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["check", "a.md", "--format", "json", "--links", "off", "-j", "1", "--select", "RL501"],
        ["check", "--help"],
        ["check", "--format", "nosuch"],
        ["check", "--bogus"],
        ["check", "-", "--stdin-filename", "x.md", "--staged", "--show-info"],
        ["check", "--jobs", "many"],
    ],
    ids=["bare", "options", "help", "bad-choice", "unknown-option", "stdin", "bad-int"],
)
def test_a_check_is_parsed_alike_without_the_other_commands(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Arguments that start with `check` are parsed by a parser that has no other commands (it
    costs less to build): the same values, the same help and the same usage errors."""
    from reinvent_lint import cli

    def parse(only_check: bool) -> tuple[object, str, str]:
        try:
            result: object = vars(cli._parser(only_check).parse_args(argv))
        except SystemExit as exc:
            result = exc.code
        out, err = capsys.readouterr()
        return result, out, err

    full = parse(False)
    assert parse(True) == full
    assert full[1] or full[2] or isinstance(full[0], dict)
