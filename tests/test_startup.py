"""The one-post path (a pre-commit run) loads only what that post needs (issue 18 item 3): no HTTP
stack without external links, no style pack, and the spelling lexicon read word by word from its
on-disk store, with the same verdicts as the lexicon in memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from collections.abc import Callable
from typing import Any


REPO = Path(__file__).resolve().parents[1]
HEAVY = ("httpx", "aiohttp", "httpx_aiohttp", "pymarkdown")

PROBE = """
import json, sys
import reinvent_lint.markdown as markdown
from reinvent_lint.cli import main
parsed = []  # the texts whose blocks were parsed (plain posts need no markdown-it import)
markdown.parse_blocks = lambda text, parse=markdown.parse_blocks: parsed.append(text) or parse(text)
code = main(["check", "--format", "json", sys.argv[1]])
print(json.dumps({"code": code, "modules": sorted(sys.modules), "parsed": len(parsed)}))
"""


def _site(root: Path) -> Path:
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: Startup\n")
    (root / "about.md").write_text("---\ntitle: About\n---\n\nAbout this blog.\n")
    post = root / "_posts" / "2024-03-01-one.md"
    post.write_text(
        "---\ntitle: One\n---\n\n## Setup\n\nThe recieved value is written to [the page](/about.html) "
        "on Github.\n\n```sh\necho hi\n```\n"
    )
    return post


def _probe(tmp_path: Path, script: str) -> dict[str, Any]:
    """Run `script` (a one-post check that prints JSON last) on the post of `_site`."""
    post = _site(tmp_path / "site")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, "-c", script, str(post.relative_to(tmp_path / "site"))],
        cwd=tmp_path / "site", env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_one_post_without_external_links_imports_no_http_stack_or_style_pack(tmp_path: Path) -> None:
    result = _probe(tmp_path, PROBE)
    assert not [m for m in HEAVY if m in result["modules"]]
    assert result["parsed"]  # the post was parsed: its rules ran
    assert result["code"] == 0  # warnings only: the internal link resolved


def test_one_post_run_still_reports_its_findings(tmp_path: Path) -> None:
    post = _site(tmp_path / "site")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, "-m", "reinvent_lint", "check", "--format", "json", str(post.relative_to(tmp_path / "site"))],
        cwd=tmp_path / "site", env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    codes = {
        (p["code"], p["message"].split('"')[1]) for p in json.loads(proc.stdout)["problems"] if p["code"] == "RL501"
    }
    assert codes == {("RL501", "recieved"), ("RL501", "Github")}


def test_the_site_vocabulary_sums_follow_a_changed_post(tmp_path: Path) -> None:
    from reinvent_lint.jekyll.site import Site
    from reinvent_lint.rules.spelling import site_words

    post = _site(tmp_path)
    first, _ = site_words(Site(tmp_path))
    assert first["recieved"] == 1 and "Frobnicator" not in first
    assert site_words(Site(tmp_path))[0] == first  # from the cached sums
    post.write_text(post.read_text() + "\nThe Frobnicator, in `frobnicate()`.\n")
    second, code = site_words(Site(tmp_path))
    assert second["Frobnicator"] == 1 and "frobnicate" in code
    (tmp_path / "_posts" / "2024-03-02-two.md").write_text("---\ntitle: Two\n---\n\nFrobnicator again.\n")
    assert site_words(Site(tmp_path))[0]["Frobnicator"] == 2


WARM_PROBE = """
import json, sys
import reinvent_lint.markdown as markdown
from reinvent_lint.cli import main
parsed = []  # the texts whose blocks were parsed (plain posts need no markdown-it import)
markdown.parse_blocks = lambda text, parse=markdown.parse_blocks: parsed.append(text) or parse(text)
code = main(["check", "--format", "json"])
modules = sorted(m for m in sys.modules if "." not in m)
print(json.dumps({"code": code, "modules": modules, "parsed": len(parsed)}))
"""


def test_a_warm_run_over_an_unchanged_site_parses_nothing_and_reports_the_same(tmp_path: Path) -> None:
    _site(tmp_path / "site")
    (tmp_path / "site" / "_config.yml").write_text("title: Startup\npermalink: /:year/:title/\n")
    env = dict(os.environ, PYTHONPATH=str(REPO), REINVENT_LINT_CACHE_DIR=str(tmp_path / "cache"))

    def run() -> tuple[str, dict[str, object]]:
        proc = subprocess.run(
            [sys.executable, "-c", WARM_PROBE], cwd=tmp_path / "site", env=env, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        *report, last = proc.stdout.strip().splitlines()
        return "\n".join(report), json.loads(last)

    cold_report, cold = run()
    warm_report, warm = run()
    assert warm_report == cold_report and warm["code"] == cold["code"]
    assert "yaml" in cold["modules"] and cold["parsed"]
    # nothing changed: neither the posts' front matter, their Markdown nor _config.yml is parsed
    assert "yaml" not in warm["modules"] and "markdown_it" not in warm["modules"] and not warm["parsed"]


def test_one_post_check_imports_no_fix_engine_link_worker_or_toml_parser(tmp_path: Path) -> None:
    """A check of one post in a site without a TOML config neither fixes, nor forks a link worker,
    nor reads TOML: the fix engine, the link worker (with pickle) and tomllib stay unimported; nor
    does hashlib (OpenSSL), the caches' hashes come from digests.py."""
    modules = set(_probe(tmp_path, PROBE)["modules"])
    assert "reinvent_lint.engine" in modules  # the probe did run the linter
    assert not modules & {"reinvent_lint.fixer", "reinvent_lint.link_worker", "pickle", "tomllib", "hashlib"}


def test_the_caches_hashes_are_hashlibs() -> None:
    import hashlib

    from reinvent_lint.digests import blake2b, sha256_hex

    for data in (b"", b"reinvent-lint", bytes(range(256)) * 100):
        assert blake2b(data, digest_size=12).digest() == hashlib.blake2b(data, digest_size=12).digest()
        assert sha256_hex(data) == hashlib.sha256(data).hexdigest()


LAZY_PROBE = """
import json, sys
from reinvent_lint.cli import main
code = main(["check", "--format", "json", sys.argv[1]])
from reinvent_lint.jekyll import kramdown_ids, local_paths, urls
from reinvent_lint.rules import links, spelling
from reinvent_lint import suppress
getters = {
    "kramdown_ids._ID_ATTR": kramdown_ids._ID_ATTR, "kramdown_ids._FOOTNOTE_DEF": kramdown_ids._FOOTNOTE_DEF,
    "local_paths._FILTERED": local_paths._FILTERED, "local_paths._IMG_PARAM": local_paths._IMG_PARAM,
    "urls._POST_NAME": urls._POST_NAME, "links._FIGCAPTION": links._FIGCAPTION,
    "spelling._CONFUSIONS": spelling._CONFUSIONS[0][1],
    "suppress._COMMENT": suppress._COMMENT,
}
compiled = sorted(name for name, get in getters.items() if get.cache_info().currsize)
print(json.dumps({"code": code, "modules": sorted(sys.modules), "compiled": compiled}))
"""


def test_one_post_run_compiles_no_regex_its_post_does_not_need(tmp_path: Path) -> None:
    """Rare constructs' patterns (an id attribute, a footnote, a Liquid-filtered link, a
    figcaption, a date in a linked post's name, a grammar confusion, a suppression comment) are compiled on first use (lazy_re.py): a post without them never pays for them;
    nor does it import difflib (the near-miss suggestions of a broken link or tag)."""
    result = _probe(tmp_path, LAZY_PROBE)
    assert result["code"] == 0
    assert result["compiled"] == []
    assert "difflib" not in result["modules"]


def test_a_lazy_pattern_is_compiled_once_on_first_use() -> None:
    import re

    from reinvent_lint.lazy_re import lazy

    get = lazy(r"^(a+)$", re.MULTILINE | re.IGNORECASE)
    assert get.cache_info().currsize == 0  # nothing compiled yet
    first = get()
    assert first is get() and get.cache_info().currsize == 1
    assert first.flags & re.MULTILINE and first.flags & re.IGNORECASE
    assert [m.group(1) for m in first.finditer("b\nAaA\nc")] == ["AaA"]


def _edit_runner(tmp_path: Path, post: Path, target: str | None = None) -> Callable[..., dict[str, Any]]:
    """A probe run of `check POST --format json [EXTRA]` (or of `target` instead of the post) in
    the site of `post`, with a user cache of its own: its modules and counts, and its report as
    "report"."""
    rel = target or str(post.relative_to(tmp_path / "site"))
    env = dict(os.environ, PYTHONPATH=str(REPO), REINVENT_LINT_CACHE_DIR=str(tmp_path / "cache"))

    def run(*extra: str) -> dict[str, Any]:
        script = PROBE.replace('"--format", "json"', '"--format", "json", *sys.argv[2:]')
        proc = subprocess.run(
            [sys.executable, "-c", script, rel, *extra], cwd=tmp_path / "site", env=env, capture_output=True,
            text=True, timeout=120,
        )  # fmt: skip
        assert proc.returncode in (0, 1), proc.stderr
        *report, last = proc.stdout.strip().splitlines()
        result: dict[str, Any] = json.loads(last)
        result["report"] = "\n".join(report)
        return result

    return run


def test_a_post_edited_below_its_front_matter_is_checked_again_without_pyyaml(tmp_path: Path) -> None:
    """The result cache keeps each post's front matter by its YAML text (front_matter.packed): a
    post whose body changed is checked again without importing PyYAML, and reports what a run
    without the cache reports; an edit to the front matter itself is read with PyYAML."""
    post = _site(tmp_path / "site")
    run = _edit_runner(tmp_path, post)

    assert "yaml" in run()["modules"]  # the first run reads the front matter
    post.write_text(post.read_text() + "\nA recieved line, edited.\n")
    edited = run()
    assert "yaml" not in edited["modules"] and edited["parsed"] > 0  # checked again
    assert edited["report"] == run("--no-cache")["report"]
    assert "recieved" in edited["report"]
    post.write_text(post.read_text().replace("title: One", "title: One, renamed\nlayout: nosuch"))
    renamed = run()
    assert "yaml" in renamed["modules"]
    assert "nosuch" in renamed["report"] and renamed["report"] == run("--no-cache")["report"]


def test_a_post_edited_outside_its_lists_is_checked_again_without_markdown_it(tmp_path: Path) -> None:
    """The result cache keeps what markdown-it said about a post's lists, quotes, tables and HTML
    blocks (markdown.packed): a post edited in its plain paragraphs is checked again without
    importing markdown-it, and reports what a run without the cache reports."""
    post = _site(tmp_path / "site")
    post.write_text(
        post.read_text() + "\n<div>\nhtml\n</div>\n\n- a recieved item\n- another\n\n> a quote\n\nThe end.\n"
    )
    run = _edit_runner(tmp_path, post)

    assert "markdown_it" in run()["modules"]  # the first run asks markdown-it
    post.write_text(post.read_text().replace("The end.", "The end, edited with a teh typo.") + "\nMore.\n")
    edited = run()
    assert "markdown_it" not in edited["modules"] and edited["parsed"] > 0  # checked again
    assert edited["report"] == run("--no-cache")["report"]
    assert "recieved" in edited["report"] and "teh" in edited["report"]
    post.write_text(post.read_text().replace("- another", "- another\n- and a third"))  # the list itself
    listed = run()
    assert "markdown_it" in listed["modules"] and listed["report"] == run("--no-cache")["report"]


def test_a_whole_site_run_after_a_body_edit_reads_no_yaml(tmp_path: Path) -> None:
    """A whole-site run after an edit below a post's front matter takes that front matter from
    the result cache by its YAML text, also where the site's URL table reads it (before the post
    is parsed): no PyYAML, and the report of a run without the cache."""
    post = _site(tmp_path / "site")
    (post.parent / "2024-01-01-zero.md").write_text(  # checked first: its links read the URL table
        "---\ntitle: Zero\n---\n\nSee [one]({% post_url 2024-03-01-one %}) and [about](/about.html).\n"
    )
    run = _edit_runner(tmp_path, post, ".")
    assert "yaml" in run()["modules"]
    post.write_text(post.read_text() + "\nA recieved line, edited.\n")
    edited = run()
    assert "yaml" not in edited["modules"] and edited["parsed"] > 0
    assert edited["report"] == run("--no-cache")["report"] and "recieved" in edited["report"]
