"""Where bloggers run it: pre-commit (for real, offline), SARIF for code scanning, GitHub
annotations, baselines, --since, explain and plugins."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES, run_cli, write_site

REPO = Path(__file__).resolve().parent.parent
BAD_POST = "---\ntitle: A\n---\n\n# One\n\nSee [the code](https:/github.com/aws/clock-bound).\n\n##   Two  \n\nMore.\n"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=cwd, check=True, capture_output=True
    )


# ----- pre-commit ---------------------------------------------------------------------------
def _inherit_packages(tmp_path: Path) -> str:
    """A folder for PYTHONPATH whose sitecustomize adds this interpreter's site-packages (with
    their .pth files, so an editable install counts) to any Python started with it: a virtualenv
    made by pre-commit or by a test sees the packages installed here, in a fresh venv as in the
    system Python, and pip finds every dependency without asking an index."""
    import site

    folder = tmp_path / "inherit"
    folder.mkdir(exist_ok=True)
    dirs = [d for d in [*site.getsitepackages(), site.getusersitepackages()] if os.path.isdir(d)]
    (folder / "sitecustomize.py").write_text(
        "import site\n" + "".join(f"site.addsitedir({d!r})\n" for d in dirs), encoding="utf-8"
    )
    return str(folder)


def _offline_env(tmp_path: Path) -> dict[str, str]:
    """pre-commit builds the hook's virtualenv from this repository; the virtualenv sees the
    packages installed here and pip never asks an index, so nothing leaves the machine."""
    env = dict(os.environ)
    path = [_inherit_packages(tmp_path), str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    env.update({
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PYTHONPATH": os.pathsep.join(path),
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",  # pip's spelling of --no-build-isolation
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    })  # fmt: skip
    return env


def _readme_block(heading: str) -> str:
    """The first fenced block after `heading` in the README."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    start = section.index("```")
    start = section.index("\n", start) + 1
    return section[start : section.index("```", start)]


def _head(repo: Path) -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.mark.slow
def test_pre_commit_hooks_for_real(tmp_path: Path) -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("git and a git checkout of reinvent-lint are needed")
    blog = tmp_path / "blog"
    write_site(blog, {"_posts/2024-01-01-a.md": BAD_POST, "_posts/2024-01-02-b.md": "---\ntitle: B\n---\n\nFine.\n"})
    _git(blog, "init", "-q")
    _git(blog, "add", "-A")
    _git(blog, "commit", "-qm", "posts")
    env = _offline_env(tmp_path)
    pre_commit = [sys.executable, "-m", "pre_commit"]
    check = subprocess.run([*pre_commit, "try-repo", str(REPO), "reinvent-lint", "--files", "_posts/2024-01-01-a.md"],
                           cwd=blog, env=env, capture_output=True, text=True)  # fmt: skip
    assert check.returncode == 1, check.stdout + check.stderr
    assert "reinvent-lint" in check.stdout and "Failed" in check.stdout
    assert "_posts/2024-01-01-a.md:7:16: RL401 malformed-url [error]" in check.stdout
    assert "2024-01-02-b.md" not in check.stdout  # only the given file is checked

    fix = subprocess.run([*pre_commit, "try-repo", str(REPO), "reinvent-lint-fix", "--files", "_posts/2024-01-01-a.md"],
                         cwd=blog, env=env, capture_output=True, text=True)  # fmt: skip
    assert fix.returncode == 1  # pre-commit fails a hook that modified files
    assert "files were modified by this hook" in fix.stdout
    fixed = (blog / "_posts/2024-01-01-a.md").read_text()
    assert "[the code](https://github.com/aws/clock-bound)" in fixed and "\n## Two\n" in fixed


WARNING_ONLY = "---\ntitle: A\n---\n\n# One\n\n# Two\n\nText.\n"  # an empty section: a warning, no error


@pytest.mark.slow
def test_readme_pre_commit_snippet_works_and_warnings_are_visible(tmp_path: Path) -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("git and a git checkout of reinvent-lint are needed")
    blog = tmp_path / "blog"
    old_post = "---\ntitle: Old\n---\n\nOld words. \n"  # trailing space on a line the commit does not touch
    write_site(blog, {"_posts/2024-01-01-old.md": old_post})
    _git(blog, "init", "-q")
    _git(blog, "add", "-A")
    _git(blog, "commit", "-qm", "old posts")
    snippet = _readme_block("## In a blog repository: pre-commit")
    assert "<repository URL>" in snippet and "<tag or commit SHA>" in snippet
    config = snippet.replace("<repository URL>", str(REPO)).replace("<tag or commit SHA>", _head(REPO))
    (blog / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    (blog / "_posts/2024-01-02-new.md").write_text(WARNING_ONLY, encoding="utf-8")
    (blog / "_posts/2024-01-01-old.md").write_text(old_post + "\nNew words.\n", encoding="utf-8")
    _git(blog, "add", "-A")
    env = _offline_env(tmp_path)
    done = subprocess.run([sys.executable, "-m", "pre_commit", "run", "reinvent-lint"], cwd=blog, env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr  # a warning does not fail the commit ...
    assert "Passed" in done.stdout
    assert '_posts/2024-01-02-new.md:5:1: RL301 empty-section [warning] "One"' in done.stdout  # ... but is shown
    assert "RL601" not in done.stdout  # the old line's trailing space is not this commit's business

    tried = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "reinvent-lint", "--ref",
                            _head(REPO), "--files", "_posts/2024-01-02-new.md"], cwd=blog, env=env,
                           capture_output=True, text=True)  # fmt: skip
    assert tried.returncode == 0 and "RL301 empty-section [warning]" in tried.stdout, tried.stdout + tried.stderr


def test_manifest_is_valid() -> None:
    manifest = str(REPO / ".pre-commit-hooks.yaml")
    done = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", manifest],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


# ----- CI gate ----------------------------------------------------------------------------------
def test_sarif_validates_against_the_official_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    write_site(tmp_path, {"_posts/2024-01-01-a.md": BAD_POST})
    code, _, _ = run_cli(["check", "--format", "sarif", "--output", "out.sarif"], tmp_path, capsys)
    assert code == 1
    document = json.loads((tmp_path / "out.sarif").read_text())
    schema = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(document, schema, cls=jsonschema.Draft4Validator)
    run = document["runs"][0]
    results = {r["ruleId"]: r for r in run["results"]}
    assert results["RL401"]["locations"][0]["physicalLocation"]["region"]["startLine"] == 7
    assert (
        results["RL401"]["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
        == "https://github.com/aws/clock-bound"
    )
    rule = run["tool"]["driver"]["rules"][results["RL401"]["ruleIndex"]]
    assert rule["id"] == "RL401" and "## What it flags" in rule["help"]["markdown"]


def test_github_annotations_chosen_automatically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": BAD_POST})
    _, out, _ = run_cli(["check"], tmp_path, capsys, env={"GITHUB_ACTIONS": "true"})
    assert "::error file=_posts/2024-01-01-a.md,line=7,col=16,endLine=7,title=RL401 malformed-url::malformed URL" in out
    _, out, _ = run_cli(["check", "--format", "text"], tmp_path, capsys, env={"GITHUB_ACTIONS": "true"})
    assert out.startswith("_posts/2024-01-01-a.md:")


# ----- adopting it on an existing blog ----------------------------------------------------
def test_baseline_reports_only_new_problems_and_survives_shifted_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": BAD_POST})
    code, out, _ = run_cli(["baseline"], tmp_path, capsys)
    assert code == 0 and "recorded" in out
    post = tmp_path / "_posts/2024-01-01-a.md"
    post.write_text(post.read_text().replace("# One\n", "# One\n\nA new first paragraph.\n\nAnother one.\n"))
    code, out, _ = run_cli(["check", "--baseline", ".reinvent-lint-baseline.json"], tmp_path, capsys)
    assert code == 0 and out.startswith("No problems")
    post.write_text(post.read_text() + "\n## Empty\n")
    code, out, _ = run_cli(["check", "--baseline", ".reinvent-lint-baseline.json"], tmp_path, capsys)
    assert "RL301 empty-section" in out and "RL401" not in out
    code, _, err = run_cli(["check", "--baseline", "missing.json"], tmp_path, capsys)
    assert code == 2 and "baseline file not found" in err


def test_since_reports_only_changed_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": BAD_POST})
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "base")
    post = tmp_path / "_posts/2024-01-01-a.md"
    post.write_text(post.read_text() + "\n## Empty\n")
    (tmp_path / "_posts/2024-01-02-new.md").write_text("---\ntitle: New\n---\n\n# Lonely\n")
    code, out, _ = run_cli(["check", "--since", "HEAD"], tmp_path, capsys)
    lines = [line for line in out.splitlines() if line.startswith("_posts/")]
    assert lines == [
        '_posts/2024-01-01-a.md:13:1: RL301 empty-section [warning] "Empty" has no content before the end of the file',
        '_posts/2024-01-02-new.md:5:1: RL301 empty-section [warning] "Lonely" has no content before the end of the '
        "file",
    ]
    code, _, err = run_cli(["check", "--since", "no-such-ref"], tmp_path, capsys)
    assert code == 2 and "error" in err


# ----- ergonomics ----------------------------------------------------------------------------
def test_explain_prints_the_rule_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["explain", "RL301"], tmp_path, capsys)
    assert code == 0 and out.startswith("# RL301 empty-section") and "### Bad:" in out
    assert run_cli(["explain", "malformed-url"], tmp_path, capsys)[1].startswith("# RL401 malformed-url")
    assert run_cli(["explain", "RL999"], tmp_path, capsys)[0] == 2


def test_summary_counts_per_rule_and_files_with_most_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_site(
        tmp_path,
        {"_posts/2024-01-01-a.md": BAD_POST, "_posts/2024-01-02-b.md": "---\ntitle: B\n---\n\n# X\n\n# Y\n\nz\n"},
    )
    _, out, _ = run_cli(["check"], tmp_path, capsys)
    assert "By rule: " in out and "RL401 malformed-url 1" in out
    assert "Most problems: _posts/2024-01-01-a.md (" in out


@pytest.mark.slow
def test_plugin_rule_is_listed_and_runs(tmp_path: Path) -> None:
    # A virtualenv that sees this installation of reinvent-lint; the plugin is pip-installed into
    # it from the fixture folder, offline (virtualenv seeds setuptools and wheel for the build).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "virtualenv", "--quiet", str(venv)], check=True, capture_output=True)
    python = str(venv / "bin" / "python")
    source = shutil.copytree(FIXTURES / "plugin", tmp_path / "plugin-src")  # builds write beside the sources
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([_inherit_packages(tmp_path), str(REPO)])}
    pip = [python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--no-build-isolation"]
    subprocess.run([*pip, str(source)], check=True, capture_output=True, env=env)
    blog = tmp_path / "blog"
    write_site(blog, {"_posts/2024-01-01-a.md": "---\ntitle: A\n---\n\nTODO write this.\n"})
    listed = subprocess.run([python, "-m", "reinvent_lint", "rules"], cwd=blog, env=env, capture_output=True, text=True)
    assert "XX101  no-todo" in listed.stdout
    checked = subprocess.run(
        [python, "-m", "reinvent_lint", "check", "--fail-on", "warning"],
        cwd=blog,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "_posts/2024-01-01-a.md:5:1: XX101 no-todo [warning] TODO left in the post" in checked.stdout
    assert checked.returncode == 1


def test_sarif_describes_every_rule_it_uses_with_a_help_uri(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    post = BAD_POST + "\nA paragraph\n(the docs)[https://example.com/] reversed.\n"  # MD011 from the style pack too
    config = '[output]\nrule-url = "https://example.org/rules/{page}"\n'
    write_site(tmp_path, {"_posts/2024-01-01-a.md": post, ".reinvent-lint.toml": config})
    run_cli(["check", "--style", "always", "--output-format", "sarif", "--output", "out.sarif"], tmp_path, capsys)
    document = json.loads((tmp_path / "out.sarif").read_text())
    schema = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(document, schema, cls=jsonschema.Draft4Validator)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    used = {r["ruleId"] for r in run["results"]}
    assert {"RL401", "MD011"} <= used
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    by_id = {r["id"]: r for r in rules}
    assert all(by_id[code]["helpUri"] for code in used)
    assert by_id["RL401"]["helpUri"] == "https://example.org/rules/RL401-malformed-url.md"
    assert by_id["MD011"]["helpUri"].startswith("https://pymarkdown.readthedocs.io/")

    (tmp_path / ".reinvent-lint.toml").unlink()  # the default: the page shipped with the package
    run_cli(["check", "--format", "sarif", "--output", "out.sarif"], tmp_path, capsys)
    rules = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["tool"]["driver"]["rules"]
    uri = next(r["helpUri"] for r in rules if r["id"] == "RL401")
    assert uri.startswith("file://") and uri.endswith("/RL401-malformed-url.md")
    assert Path(uri[len("file://") :]).is_file()

    (tmp_path / ".reinvent-lint.toml").write_text("[output]\nrule-uri = 'x'\n")
    code, _, err = run_cli(["check", "--format", "sarif"], tmp_path, capsys)
    assert code == 2 and "[output]: unknown key(s): rule-uri" in err
