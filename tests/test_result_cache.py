"""The persistent result cache (issue 18, result_cache.py): warm output is cold output, byte for
byte; an entry is reused only while what its rules read is unchanged, and only the files whose
findings depend on a change are checked again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reinvent_lint import result_cache
from reinvent_lint.engine import Linter

from .conftest import linter_for, run_cli, write_site

POST = "---\ntitle: {title}\nlayout: post\n---\n\n{body}\n"

SITE = {
    "_layouts/post.html": "{{ content }}\n",
    "_includes/note.html": '<div id="note-anchor">A note.</div>\n',
    "_posts/2024-01-01-alpha.md": POST.format(
        title="Alpha", body="## Setting up\n\nThe first post, about databases and caching.\n"
    ),
    # links to alpha's URL: reads the URL map, not alpha's text
    "_posts/2024-01-02-bravo.md": POST.format(
        title="Bravo", body="See [the first post](/2024/01/01/alpha.html) for the setup.\n"
    ),
    # links to a heading inside alpha: reads alpha's text (its ids)
    "_posts/2024-01-03-charlie.md": POST.format(
        title="Charlie", body="See [the setup](/2024/01/01/alpha.html#setting-up) first.\n"
    ),
    # links nowhere
    "_posts/2024-01-04-delta.md": POST.format(title="Delta", body="A post that stands alone, about caching.\n"),
    # uses the include, and links to an id the include writes
    "_posts/2024-01-05-echo.md": POST.format(
        title="Echo", body="{% include note.html %}\n\nSee [the note](#note-anchor).\n"
    ),
    # links to a post that does not exist yet
    "_posts/2024-01-06-foxtrot.md": POST.format(title="Foxtrot", body="See [the next post](/2024/01/07/golf.html).\n"),
}


def _linter(root: Path, raw: dict | None = None) -> Linter:
    linter = linter_for(root, raw=raw)
    linter.use_result_cache = True
    return linter


def _run(root: Path, raw: dict | None = None) -> tuple[list[str], set[str]]:
    """Check the whole site with the cache: (the findings as text, the files checked again)."""
    report = _linter(root, raw).check_paths([], jobs=1)
    lines = [f"{p.path}:{p.line}:{p.column} {p.code} {p.message}" for p in report.problems]
    return lines, set(result_cache.LAST.checked)


def _names(checked: set[str]) -> set[str]:
    return {Path(rel).stem.split("-", 3)[-1] if rel.startswith("_posts/") else rel for rel in checked}


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _cold(root: Path, raw: dict | None = None) -> list[str]:
    report = linter_for(root, raw=raw).check_paths([], jobs=1)
    return [f"{p.path}:{p.line}:{p.column} {p.code} {p.message}" for p in report.problems]


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    root = write_site(tmp_path / "blog", SITE)
    os.chdir(root)  # display paths are relative to the cwd
    return root


@pytest.fixture(autouse=True)
def _keep_cwd():  # type: ignore[no-untyped-def]
    old = os.getcwd()
    yield
    os.chdir(old)


def test_a_second_run_reuses_every_file_and_reports_the_same(blog: Path) -> None:
    first, checked = _run(blog)
    assert _names(checked) == {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"}
    assert len(list((blog / ".reinvent-lint-cache").glob("results-*.marshal"))) == 1
    second, checked = _run(blog)
    assert checked == set()
    assert second == first == _cold(blog)
    assert any("golf" in line for line in first)  # the link to the missing post is reported


def test_editing_a_title_rechecks_only_the_posts_that_read_that_post(blog: Path) -> None:
    _run(blog)
    _edit(blog, "_posts/2024-01-01-alpha.md", "title: Alpha", "title: Alpha and omega")
    lines, checked = _run(blog)
    # charlie read alpha's text (the ids of its headings); bravo only alpha's URL, which is unchanged
    assert _names(checked) == {"alpha", "charlie"}
    assert lines == _cold(blog)


def test_renaming_a_heading_rejudges_the_links_to_it(blog: Path) -> None:
    before, _ = _run(blog)
    _edit(blog, "_posts/2024-01-01-alpha.md", "## Setting up", "## Getting started")
    after, checked = _run(blog)
    assert _names(checked) == {"alpha", "charlie"}
    assert after == _cold(blog)
    assert [line for line in after if "charlie" in line and "setting-up" in line]
    assert not [line for line in before if "charlie" in line and "setting-up" in line]


def test_editing_an_include_rechecks_the_posts_that_read_it(blog: Path) -> None:
    _run(blog)
    _edit(blog, "_includes/note.html", 'id="note-anchor"', 'id="other-anchor"')
    lines, checked = _run(blog)
    assert "echo" in _names(checked)
    assert not {"alpha", "bravo", "delta"} & _names(checked)
    assert lines == _cold(blog)
    assert [line for line in lines if "echo" in line and "note-anchor" in line]


def test_adding_a_post_rejudges_the_links_to_it(blog: Path) -> None:
    before, _ = _run(blog)
    assert [line for line in before if "foxtrot" in line and "golf" in line]
    (blog / "_posts/2024-01-07-golf.md").write_text(POST.format(title="Golf", body="The next post.\n"))
    after, checked = _run(blog)
    assert {"foxtrot", "golf"} <= _names(checked)
    assert "delta" not in _names(checked)
    assert not [line for line in after if "foxtrot" in line and "golf" in line]
    assert after == _cold(blog)


def test_removing_a_post_rejudges_the_links_to_it(blog: Path) -> None:
    _run(blog)
    (blog / "_posts/2024-01-01-alpha.md").unlink()
    lines, checked = _run(blog)
    assert {"bravo", "charlie"} <= _names(checked)
    assert "delta" not in _names(checked)
    assert lines == _cold(blog)


def test_a_config_change_invalidates_every_entry(blog: Path) -> None:
    _run(blog)
    lines, checked = _run(blog, raw={"rules": {"RL402": {"severity": "warning"}}})
    assert len(checked) == 6
    assert lines == _cold(blog, raw={"rules": {"RL402": {"severity": "warning"}}})
    _, checked = _run(blog)  # each configuration keeps its own file: switching back is warm
    assert checked == set()


def test_a_site_setting_change_invalidates_every_entry(blog: Path) -> None:
    _run(blog)
    (blog / "_config.yml").write_text("title: Test blog\npermalink: pretty\n")
    lines, checked = _run(blog)
    assert len(checked) == 6
    assert lines == _cold(blog)


def test_a_new_tool_version_invalidates_every_entry(blog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reinvent_lint

    _run(blog)
    monkeypatch.setattr(reinvent_lint, "__version__", "99.0.0")
    _, checked = _run(blog)
    assert len(checked) == 6


def _stored_files(root: Path) -> set[str]:
    import marshal

    (path,) = (root / ".reinvent-lint-cache").glob("results-*.marshal")
    return set(marshal.loads(path.read_bytes())[1])


def test_a_huge_file_is_checked_every_run_and_never_stored(blog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    alpha = "_posts/2024-01-01-alpha.md"
    _run(blog)
    assert alpha in _stored_files(blog)
    monkeypatch.setattr(result_cache, "HUGE", 2000)
    _edit(blog, alpha, "The first post,", "The first post, " + "about databases, " * 200)  # grows past HUGE
    grown, checked = _run(blog)
    assert _names(checked) == {"alpha", "charlie"}  # charlie reads alpha's headings
    assert alpha not in _stored_files(blog)  # its entry from before it grew is gone too
    again, checked = _run(blog)
    assert _names(checked) == {"alpha"}  # checked again on every run; the others reused
    assert grown == again == _cold(blog)
    # it still counts in what the others read: a heading renamed there re-checks the link to it
    _edit(blog, alpha, "## Setting up", "## Getting started")
    renamed, checked = _run(blog)
    assert _names(checked) == {"alpha", "charlie"}
    assert renamed == _cold(blog) != again


def test_a_file_with_more_findings_than_a_rule_may_report_is_not_stored(blog: Path) -> None:
    raw = {"limits": {"max-findings": 3}}
    spaces = "_posts/2024-01-08-spaces.md"
    (blog / spaces).write_text(POST.format(title="Spaces", body="A line. \n" * 5))  # 5 trailing spaces
    first, checked = _run(blog, raw)
    assert spaces not in _stored_files(blog) and "_posts/2024-01-01-alpha.md" in _stored_files(blog)
    again, checked = _run(blog, raw)
    assert _names(checked) == {"spaces"}
    assert first == again == _cold(blog, raw)
    assert any("stopped after 3 findings" in line for line in again)


def test_without_the_cache_nothing_is_read_or_written(blog: Path) -> None:
    _cold(blog)
    assert not list((blog / ".reinvent-lint-cache").glob("results-*.marshal"))


# ----- through the command line ------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_warm_output_is_byte_identical_to_cold(blog: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    code_cold, cold, _ = run_cli(["check", "--format", fmt, "--links", "off", "--no-cache"], blog, capsys)
    assert not list((blog / ".reinvent-lint-cache").glob("results-*.marshal"))  # --no-cache writes nothing
    code_first, first, _ = run_cli(["check", "--format", fmt, "--links", "off"], blog, capsys)
    code_warm, warm, err = run_cli(["check", "--format", fmt, "--links", "off"], blog, capsys)
    assert result_cache.LAST.checked == []
    assert cold == first == warm and code_cold == code_first == code_warm
    assert err == ""


def test_cache_clear_empties_it(blog: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(["check", "--links", "off"], blog, capsys)
    assert list((blog / ".reinvent-lint-cache").glob("results-*.marshal"))
    code, out, _ = run_cli(["cache", "clear"], blog, capsys)
    assert code == 0 and "cached check results" in out
    assert not list((blog / ".reinvent-lint-cache").glob("results-*.marshal"))
    run_cli(["check", "--links", "off"], blog, capsys)
    assert len(result_cache.LAST.checked) == 6


@pytest.mark.parametrize("garbage", [b"", b"not marshal at all", b"\xe9" * 100, None])
def test_a_corrupt_cache_is_rebuilt_with_one_warning(
    blog: Path, capsys: pytest.CaptureFixture[str], garbage: bytes | None
) -> None:
    _, expected, _ = run_cli(["check", "--format", "json", "--links", "off"], blog, capsys)
    [path] = (blog / ".reinvent-lint-cache").glob("results-*.marshal")
    data = path.read_bytes()
    path.write_bytes(garbage if garbage is not None else data[: len(data) // 2])
    _, out, err = run_cli(["check", "--format", "json", "--links", "off"], blog, capsys)
    assert out == expected
    warnings = [line for line in err.splitlines() if line.strip()]
    assert len(warnings) == 1 and "corrupt" in warnings[0] and "Traceback" not in err
    assert len(result_cache.LAST.checked) == 6
    _, out, err = run_cli(["check", "--format", "json", "--links", "off"], blog, capsys)
    assert out == expected and err == "" and result_cache.LAST.checked == []


def test_concurrent_runs_never_corrupt_the_cache(blog: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    command = [sys.executable, "-m", "reinvent_lint", "check", "--format", "json", "--links", "off"]
    for round in range(3):
        _edit(blog, "_posts/2024-01-04-delta.md", "stands alone", f"stands alone {round}")
        runs = [
            subprocess.Popen(command, cwd=blog, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(3)
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert len({out for out, _ in outputs}) == 1
        assert all(err == b"" for _, err in outputs)
    done = subprocess.run(command, cwd=blog, env=env, capture_output=True, timeout=120)
    cold = subprocess.run([*command, "--no-cache"], cwd=blog, env=env, capture_output=True, timeout=120)
    assert done.stderr == b"" and done.stdout == cold.stdout
    assert [p.name for p in (blog / ".reinvent-lint-cache").iterdir() if p.name.endswith(".tmp")] == []


def test_off_turns_the_cache_off(blog: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(["check", "--links", "off"], blog, capsys, env={"REINVENT_LINT_CACHE_DIR": "off"})
    assert not list((blog / ".reinvent-lint-cache").glob("results-*.marshal"))


_WORD = "snarfblat"
_SPELLING = {"select": ["RL501", "RL504"]}


def _snarfblat_site(tmp_path: Path, other: str = "_posts/2024-02-03-p3.md") -> Path:
    """Posts 1 and 2 use an unknown word, the other post does not (yet); the current folder is
    the site."""
    posts = {
        f"_posts/2024-02-0{i}-p{i}.md": POST.format(title=f"Post {i}", body=f"We tried the {_WORD} approach here.\n")
        for i in (1, 2)
    }
    posts[other] = POST.format(title="Other", body="A post about something else.\n")
    root = write_site(tmp_path / "blog", posts)
    os.chdir(root)
    return root


def test_the_vocabulary_rejudges_only_the_posts_whose_verdicts_changed(tmp_path: Path) -> None:
    """A word used in enough posts becomes the site's own: adding the post that makes it so
    re-checks the posts using the word, not the others."""
    word = _WORD
    root = _snarfblat_site(tmp_path, other="_posts/2024-02-05-other.md")
    before, _ = _run(root, raw={"select": ["RL501", "RL504"]})
    assert len([line for line in before if word in line]) == 2
    (root / "_posts/2024-02-03-p3.md").write_text(POST.format(title="Post 3", body=f"More {word} again.\n"))
    after, checked = _run(root, raw={"select": ["RL501", "RL504"]})
    assert [line for line in after if word in line] == []
    assert _names(checked) == {"p1", "p2", "p3"}
    assert after == _cold(root, raw={"select": ["RL501", "RL504"]})


def test_a_word_the_site_stops_using_is_rejudged_in_every_post_that_uses_it(tmp_path: Path) -> None:
    """The other way: a word the site accepted (three posts) is flagged again in each remaining post
    once one of them goes, also in the posts judged after the first (the speller skips words it
    already judged fine, and the cache must still count them as read)."""
    word = "snarfblat"
    posts = {
        f"_posts/2024-02-0{i}-p{i}.md": POST.format(title=f"Post {i}", body=f"We tried the {word} approach here.\n")
        for i in (1, 2, 3)
    }
    root = write_site(tmp_path / "blog", posts)
    os.chdir(root)
    before, _ = _run(root, raw={"select": ["RL501", "RL504"]})
    assert [line for line in before if word in line] == []
    (root / "_posts/2024-02-03-p3.md").unlink()
    after, checked = _run(root, raw={"select": ["RL501", "RL504"]})
    assert len([line for line in after if word in line]) == 2
    assert _names(checked) == {"p1", "p2"}
    assert after == _cold(root, raw={"select": ["RL501", "RL504"]})


def _judged(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, how many words each re-judging of cached verdicts judged (one item each)."""
    judged: list[int] = []
    real = result_cache.Evaluator.verdicts_of

    def counted(self: result_cache.Evaluator, words: list[str]) -> list[bytes]:
        judged.append(len(words))
        return real(self, words)

    monkeypatch.setattr(result_cache.Evaluator, "verdicts_of", counted)
    return judged


def test_posts_judged_under_an_unchanged_vocabulary_are_not_judged_again(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit that keeps the site's vocabulary (no word added or dropped) re-checks the post; the
    other posts' spelling verdicts, judged under that vocabulary, are not looked at again."""
    _run(blog)
    _edit(blog, "_posts/2024-01-04-delta.md", "about caching.", "about caching. A post about caching.")
    judged = _judged(monkeypatch)
    after, checked = _run(blog)
    assert _names(checked) == {"delta"} and judged == []
    assert after == _cold(blog)


def test_a_vocabulary_change_seen_by_a_one_post_run_still_rejudges_the_others(tmp_path: Path) -> None:
    """A run of one post stores the new vocabulary; the posts it did not check were judged under
    the old one, so the next whole-site run judges them again (the new vocabulary accepts the word)."""
    word, raw = _WORD, _SPELLING
    root = _snarfblat_site(tmp_path)
    before, _ = _run(root, raw=raw)
    assert len([line for line in before if word in line]) == 2
    _edit(root, "_posts/2024-02-03-p3.md", "about something else", f"about {word} too")
    _linter(root, raw).check_paths([root / "_posts/2024-02-01-p1.md"], jobs=1)
    after, checked = _run(root, raw=raw)
    assert "p2" in _names(checked) and "p1" not in _names(checked)
    assert [line for line in after if word in line] == []
    assert after == _cold(root, raw=raw)


def test_a_one_post_run_sees_another_post_change_the_vocabulary(tmp_path: Path) -> None:
    """A one-post run stands the other posts' words by their size and time (as the speller's word
    cache does): one of them starting to use a word the checked post uses makes it the site's own."""
    word, raw = _WORD, _SPELLING
    root = _snarfblat_site(tmp_path)
    one = [root / "_posts/2024-02-01-p1.md"]

    def run(cache: bool) -> list[str]:
        linter = _linter(root, raw) if cache else linter_for(root, raw=raw)
        return [f"{p.path}:{p.line} {p.code} {p.message}" for p in linter.check_paths(one, jobs=1).problems]

    assert [line for line in run(True) if word in line]
    assert run(True) == run(False)
    _edit(root, "_posts/2024-02-03-p3.md", "about something else", f"about {word} too")
    after = run(True)
    assert [line for line in after if word in line] == []
    assert after == run(False)


def test_the_style_pack_findings_are_cached_too(blog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pymarkdown")
    from reinvent_lint import style_run

    _edit(blog, "_posts/2024-01-04-delta.md", "A post that", "A ` code span ` and (a reversed)[link] that")
    raw = {"style": {"mode": "always"}}
    first, _ = _run(blog, raw)
    assert [line for line in first if " MD" in line]  # the style pack found something

    def refuse(self: object) -> None:
        raise AssertionError("the style pack ran on a warm run")

    monkeypatch.setattr(style_run.StylePass, "start", refuse)
    second, checked = _run(blog, raw)
    assert checked == set() and second == first
    monkeypatch.undo()
    assert second == _cold(blog, raw)


def test_a_warm_run_neither_reads_front_matter_nor_parses_markdown(blog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reinvent_lint import document, markdown
    from reinvent_lint.jekyll import front_matter

    first, _ = _run(blog)
    made: list[str] = []
    real_init = document.Document.__init__

    def counted_init(self: document.Document, path: str, *args: object, **kwargs: object) -> None:
        made.append(path)
        real_init(self, path, *args, **kwargs)  # type: ignore[arg-type]

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed on a warm run")

    monkeypatch.setattr(document.Document, "__init__", counted_init)
    monkeypatch.setattr(front_matter, "split", refuse)
    monkeypatch.setattr(document, "split", refuse)
    monkeypatch.setattr(markdown, "parse_blocks", refuse)
    second, checked = _run(blog)
    assert made == [] and checked == set() and second == first


def test_a_cold_run_takes_each_files_vocabulary_from_the_spelling_cache(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The digest of what each file adds to the vocabulary is read from the words the speller
    just counted (no second pass over every post), and equals the digest of the text."""
    import marshal

    from reinvent_lint import pipeline

    real = pipeline._words_digest
    counted: list[bytes] = []
    monkeypatch.setattr(pipeline, "_words_digest", lambda data: counted.append(data) or real(data))
    _run(blog)
    assert counted == []
    (stored,) = (blog / ".reinvent-lint-cache").glob("results-*.marshal")
    entries = marshal.loads(stored.read_bytes())[1]
    for rel in SITE:
        if rel.startswith("_posts/"):
            assert entries[rel][5] == real((blog / rel).read_bytes())


def test_a_name_the_site_starts_using_is_rejudged_in_the_post_that_links_to_it(tmp_path: Path) -> None:
    """The spelling rule asks the speller more than verdicts: a word beside a link to its own
    stem is a name while the site does not use that stem in several posts (rules/spelling._named
    reads `site_uses`). Posts that start using the stem re-check the post that links to it."""
    body = "We built snarfblatted for [the tool](https://example.com/snarfblatting) today.\n"
    posts = {
        "_posts/2024-02-01-linked.md": POST.format(title="Linked", body=body),
        "_posts/2024-02-02-other.md": POST.format(title="Other", body="A post about something else.\n"),
    }
    root = write_site(tmp_path / "blog", posts)
    os.chdir(root)
    raw = {"select": ["RL501", "RL504"]}
    before, _ = _run(root, raw)
    assert [line for line in before if "snarfblatted" in line] == []
    for i in (3, 4, 5):
        text = POST.format(title=f"Post {i}", body="The snarfblatting approach works.\n")
        (root / f"_posts/2024-02-0{i}-p{i}.md").write_text(text)
    after, checked = _run(root, raw)
    assert len([line for line in after if "snarfblatted" in line]) == 1
    assert "linked" in _names(checked)
    assert after == _cold(root, raw)


def test_saving_merges_what_another_run_wrote_and_only_then_reads_the_file_again(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`save` merges entries a concurrent run wrote since this run read the cache; when the file
    is still the one read (same inode, size and times), it is not read and parsed a second time."""
    import marshal

    _run(blog)
    loads: list[int] = []
    real_loads = marshal.loads

    def counted(data: bytes) -> object:
        value = real_loads(data)
        if isinstance(value, tuple) and len(value) == 9 and value[4] == result_cache.FORMAT:
            loads.append(len(data))  # the result cache (marshal.loads also reads the other caches)
        return value

    monkeypatch.setattr(result_cache.marshal, "loads", counted)
    _edit(blog, "_posts/2024-01-04-delta.md", "stands alone", "stands alone here")
    _run(blog)
    assert len(loads) == 1  # read once, written back without a second read
    (stored,) = (blog / ".reinvent-lint-cache").glob("results-*.marshal")
    # Another run writes an entry while this one works: the file is replaced between read and save.
    linter = _linter(blog)
    site = linter.site_for(blog)
    store = result_cache.open_cache(linter, site, [])
    assert store is not None
    other = real_loads(stored.read_bytes())
    other[1]["\0written-meanwhile"] = (b"x", (), None, None, None, b"", None, None)
    result_cache.cache.write_atomic(stored, marshal.dumps(other))
    store.begin({}, None)
    store.vocabulary_now = other[5]  # the vocabulary both runs saw (else a run keeps only its own)
    store.save({}, False, {}, None)
    assert "\0written-meanwhile" in real_loads(stored.read_bytes())[1]


def test_the_traced_site_records_every_look_up_through_a_kept_wrapper(blog: Path) -> None:
    """The traced site keeps the wrapper of a collection after the first look-up: each later
    membership test through it is still recorded, one item at a time."""
    from reinvent_lint.jekyll.site import Site

    site = Site(blog)
    with result_cache.recording(result_cache.Recorder()) as recorder:
        traced = result_cache.TracedSite(site)
        assert "_posts/2024-01-01-alpha.md" in traced.files
        assert "_posts/2024-01-09-none.md" not in traced.files  # the kept wrapper
        assert traced.files is traced.files
    assert ("s", "files", "in", "_posts/2024-01-01-alpha.md") in recorder.keys
    assert ("s", "files", "in", "_posts/2024-01-09-none.md") in recorder.keys


def test_a_packed_problem_unpacks_to_the_problem_it_was() -> None:
    """unpack_problem builds the frozen Problem without its __init__: it must give the same
    problem (fields, equality, hash, repr), frozen still, whatever its path, fix and regions."""
    import dataclasses

    from reinvent_lint.problem import Fix, Problem, Safety, Severity

    fix = Fix.replace(3, 7, "teh", safety=Safety.UNSAFE, description="typo", edits_protected=True)
    first = Problem("_posts/a.md", 2, 5, "RL501", "misspelled-word", "'teh'", Severity.ERROR, fix, 3, 7, 2, 9, "teh")
    problems = [
        dataclasses.replace(first, fix_regions=((2, 5, 2, 9),)),
        Problem("_posts/other.md", 1, 1, "RL706", "duplicate-permalink", "written twice", Severity.INFO),
    ]
    for problem in problems:
        unpacked = result_cache.unpack_problem(result_cache.pack_problem(problem, "_posts/a.md"), "_posts/a.md")
        assert dataclasses.astuple(unpacked) == dataclasses.astuple(problem)
        assert unpacked == problem and hash(unpacked) == hash(problem) and repr(unpacked) == repr(problem)
        assert type(unpacked.severity) is Severity and type(unpacked.fix_regions) is tuple
        with pytest.raises(dataclasses.FrozenInstanceError):
            unpacked.line = 3  # type: ignore[misc]


def test_a_one_post_run_stores_the_other_posts_as_they_are_now(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other posts' stamps a one-post run stores (taken once, as it began) are those of the
    posts as they are: after another post changed, the second run of the same post finds the
    vocabulary it stored, and neither checks nor judges anything again."""
    word, raw = _WORD, _SPELLING
    root = _snarfblat_site(tmp_path)
    one = [root / "_posts/2024-02-01-p1.md"]
    _linter(root, raw).check_paths(one, jobs=1)
    _edit(root, "_posts/2024-02-03-p3.md", "about something else", f"about {word} too")
    first = _linter(root, raw).check_paths(one, jobs=1).problems
    judged = _judged(monkeypatch)
    second = _linter(root, raw).check_paths(one, jobs=1).problems
    assert result_cache.LAST.checked == [] and judged == []
    assert second == first


@pytest.mark.parametrize(
    "front_matter",
    [
        "deep: " + "[" * 2_000 + "]" * 2_000,  # nested past what the cache keeps (and past marshal's limit)
        "loop: &a [1, *a]",  # a list that holds itself
    ],
    ids=["nested-2000", "holds-itself"],
)
def test_front_matter_too_deep_to_keep_is_checked_and_read_again(blog: Path, front_matter: str) -> None:
    # the cache keeps each post's front matter; data it cannot keep is not kept, and the run
    # neither fails nor differs from a run without the cache, first time or second
    (blog / "_posts" / "2024-01-08-deep.md").write_text(f"---\ntitle: Deep\n{front_matter}\n---\n\nDeep text.\n")
    first, _ = _run(blog)
    second, checked = _run(blog)
    assert first == second == _cold(blog)
    assert checked == set()


def test_the_spelling_rules_questions_to_the_speller_are_read_keys() -> None:
    """RL501's own typo search (`_post_typo`) asks the speller for a word's slip neighbours and
    the form a suggestion is written in; both read the site vocabulary, so each call is recorded
    as a read key that a later run with another vocabulary evaluates again."""
    from collections import Counter

    from reinvent_lint.rules.spelling import _Named, _post_typo
    from reinvent_lint.speller import Speller, Verdict

    speller = Speller(Counter({"ZorbuLator": 2, "zorbulator": 1}), min_posts=3)
    result_cache.trace_speller(speller)
    with result_cache.recording(result_cache.Recorder()) as recorder:
        found = _post_typo(speller, Verdict("zorbulatr", "unknown", []), {"zorbulator", "zorbulatr"}, _Named(""))
    assert found is not None and found.suggestions == ["ZorbuLator"]  # the site's commonest form
    assert (result_cache.SPELLER, "slip_neighbours", "zorbulatr") in recorder.keys
    assert (result_cache.SPELLER, "written_form", "zorbulatr", "zorbulator") in recorder.keys


def test_a_post_of_data_is_not_checked_again_when_the_vocabulary_changes(tmp_path: Path) -> None:
    """Whether a post is data (too many unknown words: not spell-checked) is a question to the
    word data, not to the site vocabulary: an edit of another post that changes the vocabulary
    does not check the post of data again."""
    import random

    rng = random.Random(7)
    made_up = {"".join(rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(4)) for _ in range(6000)}
    root = write_site(
        tmp_path / "blog",
        {
            "_posts/2024-01-01-dump.md": POST.format(title="Dump", body=" ".join(sorted(made_up))),
            "_posts/2024-01-02-prose.md": POST.format(title="Prose", body="A short post."),
        },
    )
    first, _ = _run(root)
    assert any("spelling not checked" in line for line in first)
    prose = root / "_posts/2024-01-02-prose.md"
    prose.write_text(prose.read_text().replace("A short post.", "A short post about a walrus."))
    again, checked = _run(root)
    assert _names(checked) == {"prose"}
    assert again == first
