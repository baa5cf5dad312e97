"""Files no reader sees (drafts, `published: false`): their findings are capped at info in the one
post-processing stage, except the defects that still stop `jekyll build`. Each case is built with
the real Jekyll 4.3; the reading order it relies on (drafts never read without --drafts, unpublished
documents read, dates parsed, then dropped) is the same in GitHub Pages' Jekyll 3.9.5 (assumed from
4.3's reader/publisher, which 3.9 shares: no 3.9 source here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reinvent_lint.problem import Severity

from .conftest import linter_for, run_cli, write_site
from .jekyll_site import JEKYLL, build, requires_jekyll

BAD_LIQUID = (
    "{% bogus %}\n\n{% include nope.html %}\n\n[x]({% post_url 2019-01-01-none %})\n\n## Empty\n\n## Next\n\ntext\n"
)
CONFIG = "title: Test\nmarkdown: kramdown\nkramdown:\n  input: GFM\n"

# name: (files, extra config, the file looked at, whether `jekyll build` fails)
CASES: dict[str, tuple[dict[str, str], str, str, bool]] = {
    "draft with bad Liquid, include, post_url": (
        {"_drafts/d.md": "---\ntitle: D\n---\n" + BAD_LIQUID}, "", "_drafts/d.md", False),
    "draft with a bad date": (
        {"_drafts/d.md": "---\ntitle: D\ndate: notadate\n---\ntext\n"}, "", "_drafts/d.md", False),
    "draft in a subfolder": (
        {"blog/_drafts/d.md": "---\ntitle: D\n---\n{% bogus %}\n"}, "", "blog/_drafts/d.md", False),
    "unpublished post with bad Liquid": (
        {"_posts/2020-01-01-u.md": "---\ntitle: U\npublished: false\n---\n" + BAD_LIQUID}, "",
        "_posts/2020-01-01-u.md", False),
    "published with no value": (
        {"_posts/2020-01-01-u.md": "---\ntitle: U\npublished:\n---\n{% bogus %}\n"}, "", "_posts/2020-01-01-u.md", False),
    "unpublished page with bad Liquid": (
        {"p.md": "---\ntitle: P\npublished: false\n---\n{% bogus %}\n"}, "", "p.md", False),
    "unpublished post with a bad date": (
        {"_posts/2020-01-01-u.md": "---\ntitle: U\npublished: false\ndate: notadate\n---\ntext\n"}, "",
        "_posts/2020-01-01-u.md", True),
    "unpublished post with a bad file-name date": (
        {"_posts/2020-13-45-u.md": "---\ntitle: U\npublished: false\n---\ntext\n"}, "", "_posts/2020-13-45-u.md", True),
    "published 'false' as a string publishes": (
        {"_posts/2020-01-01-u.md": "---\ntitle: U\npublished: 'false'\n---\n{% bogus %}\n"}, "",
        "_posts/2020-01-01-u.md", True),
    "show_drafts builds drafts": (
        {"_drafts/d.md": "---\ntitle: D\n---\n{% bogus %}\n"}, "show_drafts: true\n", "_drafts/d.md", True),
    "unpublished: true builds them": (
        {"_posts/2020-01-01-u.md": "---\ntitle: U\npublished: false\n---\n{% bogus %}\n"}, "unpublished: true\n",
        "_posts/2020-01-01-u.md", True),
}  # fmt: skip


def _severities(root: Path, rel: str) -> list[Severity]:
    report = linter_for(root).check_paths([])
    assert not report.errors
    return [p.severity for p in report.problems if p.path == rel]


@pytest.mark.parametrize("name", list(CASES))
def test_unseen_files_report_errors_only_when_the_build_fails(tmp_path: Path, name: str) -> None:
    files, extra, rel, fails = CASES[name]
    found = _severities(write_site(tmp_path / "lint", {"_config.yml": CONFIG + extra, **files}), rel)
    assert found, "the findings are kept (at info at least)"
    assert (max(found) is Severity.ERROR) is fails


@requires_jekyll
@pytest.mark.parametrize("name", list(CASES))
def test_jekyll_agrees_on_which_unseen_files_fail(tmp_path: Path, name: str) -> None:
    files, extra, _, fails = CASES[name]
    assert build(tmp_path, files, CONFIG + extra).failed is fails


def test_capped_findings_keep_their_own_severity_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_site(tmp_path, {"_drafts/d.md": "---\ntitle: D\n---\n" + BAD_LIQUID})
    code, out, _ = run_cli(["check", "--links", "off"], root, capsys)
    assert code == 0 and "_drafts/d.md" not in out and "info findings hidden" in out
    code, out, _ = run_cli(["check", "--links", "off", "--format", "json"], root, capsys)
    problems = [p for p in json.loads(out)["problems"] if p["path"] == "_drafts/d.md"]
    assert {p["severity"] for p in problems} == {"info"}
    assert any("[error once published: no reader sees a draft]" in p["message"] for p in problems)
    assert any("[warning once published: no reader sees a draft]" in p["message"] for p in problems)


SKIP = "# Title\n\n#### Deep\n\ntext\n"  # RL201 heading-level-skip, a warning on a rendered page


@requires_jekyll
@pytest.mark.parametrize("name", ["notes.md", "README.md", "docs/CONTRIBUTING.md"])
def test_page_without_front_matter_is_copied_by_jekyll_and_its_findings_are_info(tmp_path: Path, name: str) -> None:
    built = build(tmp_path / "jekyll", {name: SKIP, "index.md": "---\ntitle: Home\n---\nhi\n"}, CONFIG)
    assert not built.failed and name in built.outputs()  # copied as it is
    assert name.rsplit(".", 1)[0] + ".html" not in built.outputs()
    assert _severities(write_site(tmp_path / "lint", {"_config.yml": CONFIG, name: SKIP}), name) == [Severity.INFO]


@pytest.mark.parametrize(
    ("files", "rendered"),
    [
        ({"notes.md": SKIP}, True),  # jekyll-optional-front-matter renders it
        ({"README.md": SKIP}, True),  # jekyll-readme-index: the folder has no index
        ({"README.md": SKIP, "index.html": "---\n---\nhi\n"}, False),
        ({"LICENSE.md": SKIP}, False),  # on the optional-front-matter plugin's list
        ({"notes.md": SKIP, "_config.yml": CONFIG + "require_front_matter: true\n"}, False),
    ],
)
def test_github_pages_renders_some_pages_without_front_matter(
    tmp_path: Path, files: dict[str, str], rendered: bool
) -> None:
    # GitHub Pages' default plugins are not installed here: this follows their documented behaviour.
    name = next(n for n in files if n.endswith(".md"))
    root = write_site(tmp_path, {"_config.yml": CONFIG, **files})
    report = linter_for(root, raw={"site": {"platform": "github-pages"}}).check_paths([])
    found = [p.severity for p in report.problems if p.path == name]
    assert found == [Severity.WARNING if rendered else Severity.INFO]


@pytest.mark.parametrize(("value", "published"), [("", False), (" false", False), (" 'false'", True), (" true", True)])
def test_published_left_empty_is_unpublished_as_in_jekyll(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, published: bool
) -> None:
    # Publisher#can_be_published? reads data.fetch("published", true): nil is false.
    files = {
        "_posts/2020-01-01-u.md": f"---\ntitle: U\npublished:{value}\n---\ntext\n",
        "_posts/2020-02-01-p.md": "---\ntitle: P\n---\n[u]({% post_url 2020-01-01-u %})\n",
    }
    if JEKYLL:
        built = build(tmp_path / "jekyll", files, CONFIG)
        assert built.failed is not published  # post_url finds no unpublished post: the build stops
    report = linter_for(write_site(tmp_path / "lint", {"_config.yml": CONFIG, **files})).check_paths([])
    errors = [(p.path, p.code) for p in report.problems if p.severity is Severity.ERROR]
    assert errors == ([] if published else [("_posts/2020-02-01-p.md", "RL402")])
    assert any(p.code == "RL705" for p in report.problems) is not published
