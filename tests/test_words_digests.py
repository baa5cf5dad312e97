"""Each file's vocabulary digest (what it adds to the site vocabulary, stored in its result-cache
entry) is kept in the user cache by the file's size and time (pipeline._fill_words): a run without
result cache whose files are as they were reads neither the per-file vocabulary nor any post's
words again, and a file changed since gets the digest of its new text."""

from __future__ import annotations

import marshal
import os
import shutil
import time
from pathlib import Path

import pytest

from reinvent_lint import cache, pipeline
from reinvent_lint.rules.spelling import WORDS_CACHE

from .conftest import linter_for, write_site

POST = "---\ntitle: {title}\nlayout: post\n---\n\n{body}\n"
SITE = {
    "_layouts/post.html": "{{ content }}\n",
    "_posts/2024-01-01-alpha.md": POST.format(title="Alpha", body="The first post, about databases.\n"),
    "_posts/2024-01-02-bravo.md": POST.format(title="Bravo", body="A second post, about caching.\n"),
}
LONG_AGO = time.time() - 3600


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    root = write_site(tmp_path / "blog", SITE)
    for rel in SITE:
        os.utime(root / rel, (LONG_AGO, LONG_AGO))  # older than the racy window
    old = os.getcwd()
    os.chdir(root)
    yield root
    os.chdir(old)


def _cold(root: Path) -> dict[str, bytes]:
    """A whole-site check after the result cache is cleared: each post's stored vocabulary digest."""
    shutil.rmtree(root / ".reinvent-lint-cache", ignore_errors=True)
    linter = linter_for(root)
    linter.use_result_cache = True
    linter.check_paths([], jobs=1)
    (stored,) = (root / ".reinvent-lint-cache").glob("results-*.marshal")
    entries = marshal.loads(stored.read_bytes())[1]
    return {rel: entries[rel][5] for rel in SITE if rel.startswith("_posts/")}


def _digest(root: Path, rel: str) -> bytes:
    return pipeline._words_digest((root / rel).read_bytes())


def test_a_second_cold_run_takes_the_digests_kept_and_a_changed_file_gets_a_new_one(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _cold(blog)
    assert first == {rel: _digest(blog, rel) for rel in first}
    loaded: list[str] = []
    real = cache.PerFile.__init__

    def noted(self: cache.PerFile, name: str, root: Path) -> None:
        loaded.append(name)
        real(self, name, root)

    monkeypatch.setattr(cache.PerFile, "__init__", noted)
    monkeypatch.setattr(pipeline, "_words_digest", lambda data: pytest.fail("a post's words read again"))
    assert _cold(blog) == first
    assert f"{pipeline.WORDS_DIGESTS}" in " ".join(loaded) and WORDS_CACHE not in loaded
    monkeypatch.undo()

    bravo = blog / "_posts/2024-01-02-bravo.md"
    bravo.write_text(POST.format(title="Bravo", body="A second post, about something else.\n"))
    os.utime(bravo, (LONG_AGO + 60, LONG_AGO + 60))
    changed = _cold(blog)
    assert changed["_posts/2024-01-02-bravo.md"] == _digest(blog, "_posts/2024-01-02-bravo.md")
    assert changed["_posts/2024-01-02-bravo.md"] != first["_posts/2024-01-02-bravo.md"]
    assert changed["_posts/2024-01-01-alpha.md"] == first["_posts/2024-01-01-alpha.md"]


def test_a_file_changed_in_the_last_seconds_is_not_kept(blog: Path) -> None:
    alpha = blog / "_posts/2024-01-01-alpha.md"
    os.utime(alpha)  # now: it may change again under the same time
    _cold(blog)
    kept = cache.load(f"{WORDS_CACHE}-{pipeline.WORDS_DIGESTS}", str(blog))
    assert isinstance(kept, dict)
    assert "_posts/2024-01-02-bravo.md" in kept and "_posts/2024-01-01-alpha.md" not in kept
