"""Per-file data derived ahead by a forked helper (cache.PerFile.prefetch, workers.helper): the
same values as derived one by one, a helper that fails or cannot fork falls back to this
process, and no helper outlives the call."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from reinvent_lint import cache, workers

from .conftest import no_children_left

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the helper forks")


def _files(root: Path, count: int) -> list[tuple[str, str, str | None]]:
    items: list[tuple[str, str, str | None]] = []
    for n in range(count):
        path = root / f"file-{n}.md"
        path.write_text(f"text {n}\n" * (1 + n % 5))
        items.append((str(path), path.name, None))
    return items


def _derive(text: str) -> tuple[str, int]:
    return text.upper(), os.getpid()


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # the helper forks only with a core to run on
    monkeypatch.setattr(cache, "HELPED_RUN", True)  # (as a run not asked for one process leaves it)


def test_helper_returns_the_childs_result_while_this_process_works() -> None:
    here: list[int] = []
    result = workers.helper(lambda: os.getpid(), lambda: here.append(os.getpid()))
    assert here == [os.getpid()] and result != os.getpid()
    assert no_children_left()


def test_helper_raises_the_childs_error_and_leaves_no_child() -> None:
    def work() -> int:
        raise ValueError("no luck")

    with pytest.raises(ValueError, match="no luck"):
        workers.helper(work, lambda: None)
    assert no_children_left()


def test_prefetched_values_are_what_get_derives_half_of_them_in_a_helper(tmp_path: Path, two_cores: None) -> None:
    items = _files(tmp_path, cache.HELPED + 6)
    index = cache.PerFile("prefetch-test", tmp_path)
    index.prefetch(items, _derive)
    assert no_children_left()
    got = [index.get(path, rel, lambda text: pytest.fail("derived again")) for path, rel, _ in items]
    assert [g[0] for g in got] == [Path(path).read_text().upper() for path, _, _ in items]
    pids = [g[1] for g in got]
    assert pids[0] == os.getpid() and pids[-1] != os.getpid()  # the first half here, the rest in the helper
    assert pids == sorted(pids, key=lambda pid: pid != os.getpid())  # in order: this process's, then the helper's
    index.save()
    assert cache.PerFile("prefetch-test", tmp_path).known == index.fresh  # saved as when derived one by one


def test_few_files_are_left_to_get(tmp_path: Path, two_cores: None) -> None:
    items = _files(tmp_path, cache.HELPED - 1)
    index = cache.PerFile("prefetch-test", tmp_path)
    index.prefetch(items, _derive)
    assert index.prefetched == {}


def test_a_helper_that_fails_leaves_its_files_to_get(
    tmp_path: Path, two_cores: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = _files(tmp_path, cache.HELPED + 6)

    def fails(work: Any, meanwhile: Any) -> Any:
        raise workers.WorkerDied("gone")

    monkeypatch.setattr(workers, "helper", fails)
    index = cache.PerFile("prefetch-test", tmp_path)
    index.prefetch(items, _derive)
    got = [index.get(path, rel, _derive) for path, rel, _ in items]
    assert [g[0] for g in got] == [Path(path).read_text().upper() for path, _, _ in items]
    assert {g[1] for g in got} == {os.getpid()}


def test_a_failing_derivation_fails_in_get_as_before(tmp_path: Path, two_cores: None) -> None:
    items = _files(tmp_path, cache.HELPED + 6)
    bad = {items[1][1], items[-1][1]}  # one in each half

    def derive(text: str) -> str:
        if text.startswith("text 1\n") or text.startswith(f"text {len(items) - 1}\n"):
            raise ValueError("cannot")
        return text

    index = cache.PerFile("prefetch-test", tmp_path)
    index.prefetch(items, derive)
    assert bad.isdisjoint(index.prefetched) and len(index.prefetched) == len(items) - 2
    assert no_children_left()
    with pytest.raises(ValueError, match="cannot"):
        index.get(items[-1][0], items[-1][1], derive)


def test_a_file_changed_after_prefetch_is_derived_again(tmp_path: Path, two_cores: None) -> None:
    items = _files(tmp_path, cache.HELPED + 6)
    index = cache.PerFile("prefetch-test", tmp_path)
    index.prefetch(items, _derive)
    path, rel, _ = items[-1]
    Path(path).write_text("changed, longer than before\n" * 9)
    assert index.get(path, rel, _derive) == ("CHANGED, LONGER THAN BEFORE\n" * 9, os.getpid())


def test_site_vocabulary_counted_with_a_helper_is_the_same_in_the_same_order(
    tmp_path: Path, two_cores: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reinvent_lint.jekyll.site import Site
    from reinvent_lint.rules.spelling import site_words

    posts = tmp_path / "_posts"
    posts.mkdir()
    for n in range(cache.HELPED + 20):
        words = " ".join(f"Word{n % (k + 2)}x" for k in range(8))
        (posts / f"2024-01-{1 + n % 28:02d}-post-{n}.md").write_text(f"Some {words} here, `code{n % 3}` too.\n")
    helped: list[bool] = []
    real = workers.helper
    monkeypatch.setattr(workers, "helper", lambda work, meanwhile: helped.append(True) or real(work, meanwhile))
    counts, code = site_words(Site(tmp_path))
    assert helped == [True]
    monkeypatch.setenv("REINVENT_LINT_CACHE_DIR", str(tmp_path / "empty"))  # counted anew ...
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # ... file by file in this process
    alone, alone_code = site_words(Site(tmp_path))
    assert helped == [True]
    assert list(counts.items()) == list(alone.items()) and counts["Some"] == cache.HELPED + 20
    assert code == alone_code and isinstance(counts, Counter)
    assert no_children_left()


def test_url_front_matter_read_by_the_helper_is_handed_on_to_the_posts_own_read(
    tmp_path: Path, two_cores: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reinvent_lint.jekyll import front_matter
    from reinvent_lint.jekyll.site import Site
    from reinvent_lint.jekyll.urls import site_urls

    posts = tmp_path / "_posts"
    posts.mkdir()
    texts = []
    for n in range(cache.HELPED + 6):
        text = f"---\ntitle: Post {n}\ntags: [a, b{n}]\npermalink: /p/{n}/\n---\nBody {n}.\n"
        (posts / f"2024-02-{1 + n % 28:02d}-post-{n}.md").write_text(text)
        texts.append(text)
    helped: list[bool] = []
    real = workers.helper
    monkeypatch.setattr(workers, "helper", lambda work, meanwhile: helped.append(True) or real(work, meanwhile))
    monkeypatch.setattr(front_matter, "_HANDED", {})
    site = Site(tmp_path)
    urls = site_urls(site)
    assert helped == [True] and no_children_left()
    assert len(front_matter._HANDED) == len(texts)  # both halves handed on, none parsed twice
    parsed: list[Any] = []
    real_load = front_matter._load
    monkeypatch.setattr(front_matter, "_load", lambda *a, **k: parsed.append(a) or real_load(*a, **k))
    handed = [front_matter.split(text) for text in texts]
    assert parsed == [] and front_matter._HANDED == {}
    fresh = [front_matter.split(text) for text in texts]
    assert len(parsed) == len(texts)
    assert [(h.data, h.keys, h.scalars, h.error) for h in handed if h] == [
        (f.data, f.keys, f.scalars, f.error) for f in fresh if f
    ]
    monkeypatch.setenv("REINVENT_LINT_CACHE_DIR", str(tmp_path / "empty"))
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert site_urls(Site(tmp_path)) == urls and helped == [True]  # the same table without the helper


def test_the_per_file_words_saved_are_kept_for_this_run(tmp_path: Path) -> None:
    from reinvent_lint.jekyll.site import Site
    from reinvent_lint.rules.spelling import WORDS_CACHE, WORDS_SAVED, site_words

    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2024-01-01-a.md").write_text("Alpha beta `gamma`.\n")
    site = Site(tmp_path)
    site_words(site)
    kept = site.memo.peek(WORDS_SAVED)
    assert kept and kept == cache.PerFile(WORDS_CACHE, tmp_path).known


def test_stores_held_back_are_written_on_release_or_at_the_blocks_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REINVENT_LINT_CACHE_DIR", str(tmp_path / "user"))
    with cache.holding():
        cache.store("held-a", "k", {"a": 1})
        assert not (tmp_path / "user").exists()  # held
        assert cache.load("held-a", "k") == {"a": 1}  # read back: written first
        cache.store("held-b", "k", (1, 2))
        cache.store("held-c", "k", "c")
        cache.release()
        assert cache.load("held-b", "k") == (1, 2)
        cache.store("held-d", "k", "d")  # after the release: written at once
        assert len(list((tmp_path / "user").iterdir())) == 4
        cache.store("held-c", "k", "c2")
    assert cache.load("held-c", "k") == "c2"
    with cache.holding():
        cache.store("held-e", "k", "e")
    assert cache.load("held-e", "k") == "e"  # written at the block's end


def test_stores_held_back_are_dropped_on_a_stop_and_a_child_writes_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REINVENT_LINT_CACHE_DIR", str(tmp_path / "user"))
    with pytest.raises(KeyboardInterrupt), cache.holding():
        cache.store("held-a", "k", "a")
        raise KeyboardInterrupt
    assert cache.load("held-a", "k") is None and not (tmp_path / "user").exists()
    with cache.holding():
        monkeypatch.setattr(cache, "_HELD", (os.getpid() + 1, {}))  # as a forked child sees it
        cache.store("held-b", "k", "b")
        assert cache.load("held-b", "k") == "b"


def test_a_whole_site_check_writes_the_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from .conftest import in_folder, linter_for, write_site

    monkeypatch.setenv("REINVENT_LINT_CACHE_DIR", str(tmp_path / "user"))
    files = {f"_posts/2024-01-{1 + n % 28:02d}-p{n}.md": f"---\ntitle: P{n}\n---\nWords here {n}.\n" for n in range(40)}
    root = write_site(tmp_path / "site", files)
    with in_folder(root):
        report = linter_for(root).check_paths([], jobs=2)
    assert report.files == 40 and cache._HELD is None
    written = sorted(p.name.rsplit("-", 1)[0] for p in (tmp_path / "user").iterdir())
    assert "vocabulary-3" in written and "frontmatter3" in written  # held while preparing, then written
    assert not [p for p in (tmp_path / "user").iterdir() if p.name.startswith(".")]  # no temporary file


def test_no_helper_is_forked_from_a_thread(tmp_path: Path, two_cores: None) -> None:
    import threading

    items = _files(tmp_path, cache.HELPED + 6)
    index = cache.PerFile("prefetch-test", tmp_path)
    thread = threading.Thread(target=index.prefetch, args=(items, _derive))
    thread.start()
    thread.join()
    assert index.prefetched == {}


@pytest.mark.parametrize("command", ["check", "fix"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_jobs_1_run_forks_no_helper(
    tmp_path: Path, two_cores: None, monkeypatch: pytest.MonkeyPatch, jobs: int, command: str
) -> None:
    """`--jobs 1` asks for one process: the site vocabulary of a site never checked here is then
    counted without a helper (with two jobs, by one), by `check` and by `fix`, whatever the run
    before set (the flag is set by each run)."""
    from reinvent_lint import pipeline

    from .conftest import in_folder, linter_for, write_site

    monkeypatch.setenv("REINVENT_LINT_CACHE_DIR", str(tmp_path / "user"))
    monkeypatch.setattr(cache, "HELPED_RUN", jobs == 1)  # (the opposite of what this run must set)
    forked: list[int] = []
    real = workers.helper

    def counted(work: Any, meanwhile: Any) -> Any:
        forked.append(1)
        return real(work, meanwhile)

    monkeypatch.setattr(workers, "helper", counted)
    files = {
        f"_posts/2024-01-{1 + n % 28:02d}-p{n}.md": f"---\ntitle: P{n}\n---\nWords here {n}.\n"
        for n in range(cache.HELPED + 10)
    }
    root = write_site(tmp_path / "site", files)
    with in_folder(root):
        linter = linter_for(root, select=["RL501"])
        if command == "check":
            assert linter.check_paths([], jobs=jobs).files == cache.HELPED + 10
        else:
            pipeline.fix(linter, [], write=False, jobs=jobs)
    assert bool(forked) == (jobs != 1)


def test_no_helper_is_forked_while_another_thread_runs(tmp_path: Path, two_cores: None) -> None:
    """From the main thread too: a process with threads is not forked (a program embedding the
    linter may run a thread of its own)."""
    import threading

    items = _files(tmp_path, cache.HELPED + 6)
    index = cache.PerFile("prefetch-test", tmp_path)
    done = threading.Event()
    thread = threading.Thread(target=done.wait)
    thread.start()
    try:
        index.prefetch(items, _derive)
    finally:
        done.set()
        thread.join()
    assert index.prefetched == {}
    index.prefetch(items, _derive)  # (alone again: helped)
    assert index.prefetched
