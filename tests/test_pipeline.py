"""The one pipeline (issue 17): every finding, whatever phase made it, goes through the same
post-processing; `fix` is check, fix, check again; each post is read and parsed once."""

from __future__ import annotations

from pathlib import Path

import pytest

from reinvent_lint import document, pipeline
from reinvent_lint.jekyll import front_matter
from reinvent_lint.report import Report

from .conftest import linter_for, run_cli, write_site

POST = "---\ntitle: {title}\n---\n\n{body}\n"


def _codes(report: Report) -> list[tuple[str, str, int]]:
    return [(Path(p.path).name, p.code, p.line) for p in report.problems]


def _mock_the_web(linter, status: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    import httpx

    def handle(request: httpx.Request) -> httpx.Response:
        answer = status.get(str(request.url), "200").split()
        return httpx.Response(int(answer[0]), headers={"Location": answer[1]} if len(answer) > 1 else {})

    async def resolve(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]  # never contacted: the transport answers

    linter.transport = httpx.MockTransport(handle)
    linter.resolver = resolve
    linter.use_link_cache = False


# ----- suppressions and excludes, one test per family -------------------------------------------
def test_suppressions_cover_link_results_rl410_412(tmp_path: Path) -> None:
    body = (
        "<!-- reinvent-lint disable-next-line RL410 -->\n[dead](http://a.example/dead)\n\n"
        "[moved](http://a.example/moved) <!-- reinvent-lint disable-line permanent-redirect -->\n\n"
        "[also dead](http://a.example/dead2)\n"
    )
    write_site(tmp_path, {"_posts/2024-01-01-a.md": POST.format(title="A", body=body)})
    linter = linter_for(tmp_path, select=["RL410", "RL412", "RL001"], raw={"links": {"mode": "all", "retries": 0}})
    _mock_the_web(
        linter,
        {
            "http://a.example/dead": "404",
            "http://a.example/dead2": "404",
            "http://a.example/moved": "301 http://a.example/new",
        },
    )
    report = linter.check_paths([])
    # The suppressed dead link and redirect are gone; no RL001 for suppressions that worked.
    assert _codes(report) == [("2024-01-01-a.md", "RL410", 10)]


def test_per_rule_exclude_covers_link_results(tmp_path: Path) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": POST.format(title="A", body="[d](http://a.example/d)")})
    raw = {"links": {"mode": "all", "retries": 0}, "rules": {"RL410": {"exclude": ["_posts/*"]}}}
    linter = linter_for(tmp_path, select=["RL410"], raw=raw)
    _mock_the_web(linter, {"http://a.example/d": "404"})
    assert linter.check_paths([]).problems == []


def test_suppressions_and_excludes_cover_site_wide_rules_rl706_708(tmp_path: Path) -> None:
    files = {
        "_posts/2024-01-01-a.md": POST.format(title="Same", body="Text."),
        "_posts/2024-01-02-b.md": POST.format(title="Same", body="<!-- reinvent-lint disable-file RL707 -->"),
        "_posts/2024-01-03-c.md": POST.format(title="Other", body="Text."),
        "_posts/2024-01-04-d.md": POST.format(title="Other", body="Text."),
        "about.md": "---\ntitle: About\npermalink: /x.html\n---\n\nText.\n",
        "x.md": "---\ntitle: X\npermalink: /x.html\n---\n\n<!-- reinvent-lint disable-file duplicate-permalink -->\n",
        "assets/unused.png": b"",
    }
    write_site(tmp_path, files)
    raw = {"rules": {"RL708": {"enabled": True, "exclude": ["assets/*", "_config.yml"]}}}
    report = linter_for(tmp_path, select=["RL706", "RL707", "RL708", "RL001"], raw=raw).check_paths([])
    assert _codes(report) == [("2024-01-04-d.md", "RL707", 1), ("about.md", "RL706", 1)]


def test_style_pack_suppressions_and_unused_ones(tmp_path: Path) -> None:
    body = (
        "<!-- reinvent-lint disable MD032 -->\nA paragraph\n* a list glued to it\n\n"
        "<!-- reinvent-lint enable MD032 -->\n\n"
        "<!-- reinvent-lint disable-next-line md037 -->\nNothing here.\n"
    )
    write_site(tmp_path, {"_posts/2024-01-01-a.md": POST.format(title="A", body=body)})
    raw = {"style": {"mode": "always", "enable": ["md032"]}}  # MD032 is curated off by default
    report = linter_for(tmp_path, select=["RL001"], raw=raw).check_paths([])
    assert _codes(report) == [("2024-01-01-a.md", "RL001", 11)]
    # Without the style pack, its suppressions are not "unused": the pack did not run.
    report = linter_for(tmp_path, select=["RL001"], raw={"style": {"mode": "off"}}).check_paths([])
    assert report.problems == []


def test_suppressions_for_rules_that_did_not_run_are_not_unused(tmp_path: Path) -> None:
    body = "<!-- reinvent-lint disable-next-line RL410 -->\n[a](http://a.example/)\n"
    write_site(tmp_path, {"_posts/2024-01-01-a.md": POST.format(title="A", body=body)})
    report = linter_for(tmp_path, raw={"links": {"mode": "off"}}).check_paths([])
    assert "RL001" not in {p.code for p in report.problems}


def test_per_document_rules_keep_their_excludes_and_severity(tmp_path: Path) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": POST.format(title="A", body="Text.   ")})
    raw = {"rules": {"RL601": {"severity": "error"}}}
    report = linter_for(tmp_path, select=["RL601"], raw=raw).check_paths([])
    assert [str(p.severity) for p in report.problems] == ["error"]
    raw = {"rules": {"RL601": {"exclude": ["_posts/*"]}}}
    assert linter_for(tmp_path, select=["RL601"], raw=raw).check_paths([]).problems == []


# ----- read and parsed once ---------------------------------------------------------------------
def test_a_whole_site_run_reads_and_parses_each_post_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    posts = {f"_posts/2024-01-{i:02d}-p{i}.md": POST.format(title=f"P{i}", body="# A\n\nText. ") for i in range(1, 6)}
    write_site(tmp_path, {**posts, "about.md": POST.format(title="About", body="Hi.")})
    made: list[str] = []
    parsed: list[str] = []
    init, split = document.Document.__init__, front_matter.split

    def counting_init(self, path, text, **kwargs):  # type: ignore[no-untyped-def]
        made.append(path)
        init(self, path, text, **kwargs)

    def counting_split(text: str):  # type: ignore[no-untyped-def]
        parsed.append(text)
        return split(text)

    monkeypatch.setattr(document.Document, "__init__", counting_init)
    monkeypatch.setattr(document, "split", counting_split)
    monkeypatch.setattr(pipeline, "_can_fork", lambda: False)  # everything in this process, counted
    report = linter_for(tmp_path, raw={"style": {"mode": "always"}}).check_paths([])
    assert report.files == 6 and not report.errors
    assert sorted(made) == sorted(set(made)) and len(made) == 6
    assert len(parsed) == 6


# ----- fix is check, fix, check again ----------------------------------------------------------
def _site_with_defects(root: Path) -> None:
    write_site(
        root,
        {
            "_posts/2024-01-01-a.md": POST.format(title="A", body="#  Heading\n\nText. \nMore."),
            "_posts/2024-01-02-b.md": "---\ntitle: B\npermalink: /same.html\n---\n\nText.\n",
            "_posts/2024-01-03-c.md": "---\ntitle: C\npermalink: /same.html\n---\n\nText.\n",
        },
    )


def test_fix_summary_and_exit_code_equal_what_check_reports_next(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _site_with_defects(tmp_path)
    code, out, _ = run_cli(["fix", "--format", "json"], tmp_path, capsys)
    check_code, check_out, _ = run_cli(["check", "--format", "json"], tmp_path, capsys)
    import json

    fixed = json.loads(out)  # the "Fixed N problems" line goes to stderr with --format json
    checked = json.loads(check_out)
    assert code == check_code == 1  # the duplicate permalink fails both
    strip = lambda problems: [(p["path"], p["code"], p["line"]) for p in problems]
    assert strip(fixed["problems"]) == strip(checked["problems"])
    assert ("_posts/2024-01-02-b.md", "RL706", 1) in strip(checked["problems"])


def test_fix_takes_checks_options_and_diff_writes_only_the_patch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _site_with_defects(tmp_path)
    before = (tmp_path / "_posts/2024-01-01-a.md").read_text()
    code, out, err = run_cli(["fix", "--diff", "--links", "off", "--style", "off", "-j", "1"], tmp_path, capsys)
    assert code == 1
    assert out.startswith("--- a/") and "+# Heading" in out
    assert err.count("\n") == 1 and err.startswith("Would fix")
    assert (tmp_path / "_posts/2024-01-01-a.md").read_text() == before
    code, out, _ = run_cli(["fix", "--select", "RL601", "--style", "off"], tmp_path, capsys)
    assert code == 0 and "fixable" not in out
    assert (tmp_path / "_posts/2024-01-01-a.md").read_text() == before.replace("Text. ", "Text.")


def test_fix_reads_each_post_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _site_with_defects(tmp_path)
    reads: list[Path] = []
    real = document.read_bytes

    def counting(path: Path, max_bytes: int | None = None) -> bytes:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(pipeline, "read_bytes", counting)
    run = pipeline.fix(linter_for(tmp_path, raw={"style": {"mode": "off"}}), [], jobs=1)
    assert run.applied == 2 and len(reads) == 3 == len(set(reads))
