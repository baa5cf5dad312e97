"""Site memos shared between the documents a cold run records (result_cache._SharedItems): an item
computed for one post (the ids of a linked post) is not computed again for the next, and the reads
that computed it count as the next post's reads too, so an edit of what it read re-checks both."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reinvent_lint import result_cache
from reinvent_lint.memo import Key, Memo
from reinvent_lint.result_cache import Recorder, TracedSite, recording

from .conftest import linter_for, write_site

POST = "---\ntitle: {title}\nlayout: post\n---\n\n{body}\n"
LINK = "See [the setup](/2024/01/01/alpha.html#setting-up) first.\n"

SITE = {
    "_layouts/post.html": "{{ content }}\n",
    "_posts/2024-01-01-alpha.md": POST.format(title="Alpha", body="## Setting up\n\nThe first post.\n"),
    # both link to a heading inside alpha: the second finds alpha's ids computed for the first
    "_posts/2024-01-02-bravo.md": POST.format(title="Bravo", body=LINK),
    "_posts/2024-01-03-charlie.md": POST.format(title="Charlie", body=LINK),
    "_posts/2024-01-04-delta.md": POST.format(title="Delta", body="A post that stands alone.\n"),
}


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    root = write_site(tmp_path / "blog", SITE)
    old = os.getcwd()
    os.chdir(root)  # display paths are relative to the cwd
    yield root
    os.chdir(old)


def _run(root: Path, cache: bool = True) -> tuple[list[str], set[str]]:
    linter = linter_for(root)
    linter.use_result_cache = cache
    report = linter.check_paths([], jobs=1)
    lines = [f"{p.path}:{p.line}:{p.column} {p.code} {p.message}" for p in report.problems]
    return lines, {Path(rel).stem.split("-", 3)[-1] for rel in result_cache.LAST.checked}


def test_every_post_that_found_a_linked_posts_ids_computed_reads_that_post(blog: Path) -> None:
    _run(blog)
    alpha = blog / "_posts/2024-01-01-alpha.md"
    alpha.write_text(alpha.read_text().replace("## Setting up", "## Getting started"))
    after, checked = _run(blog)
    assert checked == {"alpha", "bravo", "charlie"}  # not delta
    assert after == _run(blog, cache=False)[0]
    assert [line for line in after if "bravo" in line and "setting-up" in line]
    assert [line for line in after if "charlie" in line and "setting-up" in line]


def test_a_linked_post_is_read_once_for_all_the_posts_linking_to_it(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reinvent_lint.document import Document

    opened: list[str] = []
    read = Document.read.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Document], path: Path, *args: object) -> Document:
        opened.append(Path(path).name)
        return read(cls, path, *args)  # type: ignore[no-any-return]

    monkeypatch.setattr(Document, "read", classmethod(counted))
    _run(blog)
    assert opened.count("2024-01-01-alpha.md") == 1


_ITEMS: Key[dict[str, str]] = Key("test-items")


class _Site:
    def __init__(self) -> None:
        self.memo = Memo()
        self.files = {"a", "b"}


def _lookup(site: TracedSite, item: str, fail: bool = False) -> object:
    memo = site.memo.get(_ITEMS, dict)
    if item not in memo:
        assert "a" in site.files  # a read made while the item is computed
        if fail:
            raise ValueError(item)
        memo[item] = item.upper()
    return memo[item]


def test_the_reads_of_an_item_are_read_by_each_document_that_uses_it() -> None:
    site = _Site()
    with recording(Recorder()) as first:
        assert _lookup(TracedSite(site), "x") == "X"  # type: ignore[arg-type]
    with recording(Recorder()) as second:
        assert _lookup(TracedSite(site), "x") == "X"  # type: ignore[arg-type]
    assert first.keys == second.keys == {("s", "files", "in", "a")}


def test_an_item_whose_computation_failed_is_not_shared_and_its_reads_stay_the_documents() -> None:
    site = _Site()
    with recording(Recorder()) as first:
        with pytest.raises(ValueError):
            _lookup(TracedSite(site), "x", fail=True)  # type: ignore[arg-type]
        assert "b" in TracedSite(site).files  # type: ignore[arg-type]  # read after the failure
    assert result_cache.CURRENT is None
    assert first.keys == {("s", "files", "in", "a"), ("s", "files", "in", "b")}
    with recording(Recorder()) as second:
        assert _lookup(TracedSite(site), "x") == "X"  # type: ignore[arg-type]  # computed again
    assert second.keys == {("s", "files", "in", "a")}


def test_a_later_run_of_the_same_process_computes_the_items_again(blog: Path) -> None:
    """`--watch` checks the posts that change with the same linter and sites: an item computed
    in an earlier run is not reused (the linked post may have changed since)."""
    linter = linter_for(blog)
    linter.use_result_cache = True
    linter.check_paths([], jobs=1)
    alpha = blog / "_posts/2024-01-01-alpha.md"
    alpha.write_text(alpha.read_text().replace("## Setting up", "## Getting started"))
    report = linter.check_paths([blog / "_posts/2024-01-02-bravo.md"], jobs=1)
    assert [p for p in report.problems if "setting-up" in p.message]


def test_what_an_unrecorded_post_computed_is_not_shared_without_its_reads(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A post too large to store is checked unrecorded, on the site itself: the linked post's ids
    it computes (a plain memo on the site) must not reach the recorded posts without the reads."""
    monkeypatch.setattr(result_cache, "HUGE", 300)
    padding = "A long paragraph that makes this post too large to store. " * 6
    (blog / "_posts/2023-12-31-aardvark.md").write_text(POST.format(title="Aardvark", body=LINK + "\n" + padding))
    _run(blog)  # aardvark, checked first, computes alpha's ids unrecorded
    alpha = blog / "_posts/2024-01-01-alpha.md"
    alpha.write_text(alpha.read_text().replace("## Setting up", "## Getting started"))
    after, checked = _run(blog)
    assert {"bravo", "charlie"} <= checked
    assert after == _run(blog, cache=False)[0]
