"""The lean path of a warm run (replay.py): a `check` over files none of which changed prints the
last run's output without importing the linter; any change a run could see makes it check again."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import write_site

REPO = Path(__file__).resolve().parents[1]
POST = "---\ntitle: {title}\nlayout: post\n---\n\n{body}\n"
AN_HOUR_AGO = time.time() - 3600


def _aged(root: Path) -> None:
    """Every file and folder of the site as if written an hour ago (a file changed in the last
    two seconds is not trusted by its stamp alone: replay.RACY)."""
    for folder, dirs, names in os.walk(root):
        for name in [*names, *dirs]:
            os.utime(os.path.join(folder, name), (AN_HOUR_AGO, AN_HOUR_AGO))
    os.utime(root, (AN_HOUR_AGO, AN_HOUR_AGO))


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    root = write_site(
        tmp_path / "blog",
        {
            "_posts/2024-01-01-alpha.md": POST.format(title="Alpha", body="The recieved value is the the answer."),
            "_posts/2024-01-02-beta.md": POST.format(title="Beta", body="See [alpha](/2024/01/01/alpha.html)."),
            "_includes/note.html": "<p>note</p>\n",
        },
    )
    (root / ".reinvent-lint-cache").mkdir()  # checked before: creating it changes the site's folder
    _aged(root)
    return root


def _run(blog: Path, *args: str) -> tuple[int, str, str, bool]:
    """`reinvent-lint ARGS` as a program: (exit code, stdout, stderr, whether it replayed, that
    is: never imported the engine)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "reinvent_lint", *args],
        cwd=blog, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    lines = proc.stderr.splitlines(keepends=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in lines if line.startswith("import time:")}
    err = "".join(line for line in lines if not line.startswith("import time:"))
    return proc.returncode, proc.stdout, err, "reinvent_lint.engine" not in imported


def _recorded(blog: Path, *args: str) -> tuple[int, str, str, bool]:
    return _run(blog, "check", "--links", "off", *args)


def test_an_unchanged_site_replays_the_last_output_exactly(blog: Path) -> None:
    first = _recorded(blog)
    second = _run(blog, "check", "--links", "off")
    cold = _run(blog, "check", "--links", "off", "--no-cache")
    assert not first[3] and second[3] and not cold[3]
    assert "RL501" in first[1] and "RL502" in first[1]
    assert second[:3] == first[:3] == cold[:3]


def _same_size_edit(blog: Path) -> None:
    post = blog / "_posts/2024-01-01-alpha.md"
    post.write_text(post.read_text().replace("recieved", "received"))


def _new_post(blog: Path) -> None:
    (blog / "_posts/2024-01-03-gamma.md").write_text(POST.format(title="Gamma", body="A teh typo."))


def _removed_post(blog: Path) -> None:
    (blog / "_posts/2024-01-01-alpha.md").unlink()


def _config_in_site(blog: Path) -> None:
    (blog / ".reinvent-lint.toml").write_text("[rules.repeated-word]\nenabled = false\n")


def _config_above_site(blog: Path) -> None:
    (blog.parent / "pyproject.toml").write_text("[tool.reinvent-lint.rules.repeated-word]\nenabled = false\n")


def _site_config(blog: Path) -> None:
    (blog / "_config.yml").write_text("title: Test blog\npermalink: /:title/\n")


@pytest.mark.parametrize(
    "change", [_same_size_edit, _new_post, _removed_post, _config_in_site, _config_above_site, _site_config]
)
def test_a_change_is_checked_again(blog: Path, change: object) -> None:
    _recorded(blog)
    assert _run(blog, "check", "--links", "off")[3]
    change(blog)  # type: ignore[operator]
    after = _run(blog, "check", "--links", "off")
    cold = _run(blog, "check", "--links", "off", "--no-cache")
    assert not after[3]
    assert after[:3] == cold[:3]


def test_a_post_edited_just_before_its_run_is_recorded_with_its_content(blog: Path) -> None:
    """A file changed within replay.RACY seconds may change again under the same stamp: the post
    the run checked is recorded with the content hash it read, and replayed after hashing it."""
    _recorded(blog)
    _same_size_edit(blog)
    edited = _run(blog, "check", "--links", "off")
    again = _run(blog, "check", "--links", "off")
    assert not edited[3] and again[3]
    assert again[:3] == edited[:3]
    assert "recieved" not in again[1]


def test_other_arguments_are_another_run(blog: Path) -> None:
    _recorded(blog)
    assert _run(blog, "check", "--links", "off")[3]
    json_run = _run(blog, "check", "--links", "off", "--format", "json")
    assert not json_run[3] and json_run[1].lstrip().startswith("{")
    one = _run(blog, "check", "--links", "off", "_posts/2024-01-01-alpha.md")
    assert not one[3]
    assert _run(blog, "check", "--links", "off", "_posts/2024-01-01-alpha.md")[3]


def test_cache_clear_and_a_corrupt_result_cache_are_not_replayed(blog: Path) -> None:
    _recorded(blog)
    _run(blog, "cache", "clear")
    assert not _run(blog, "check", "--links", "off")[3]
    assert _run(blog, "check", "--links", "off")[3]
    for path in (blog / ".reinvent-lint-cache").glob("results-*.marshal"):
        path.write_bytes(b"not a cache")
    corrupt = _run(blog, "check", "--links", "off")
    assert not corrupt[3] and "result cache was corrupt" in corrupt[2]
    assert not _run(blog, "check", "--links", "off")[3]  # that warning is not replayed either


def test_runs_that_depend_on_more_than_files_are_never_replayed(blog: Path) -> None:
    for args in (["--no-cache"], ["--output", "report.txt"]):
        _recorded(blog, *args)
        assert not _run(blog, "check", "--links", "off", *args)[3]


def test_runs_reporting_aging_link_verdicts_are_never_replayed(blog: Path) -> None:
    """A verdict from the link cache ages (`cached 2 h ago`, then no longer reported): a run that
    reports one is checked each time. A run whose links the cache says nothing about is replayed
    until the cache gains a verdict."""
    from reinvent_lint.link_cache import LinkCache, Verdict

    _edit = blog / "_posts/2024-01-02-beta.md"
    _edit.write_text(POST.format(title="Beta", body="See [the spec](https://example.com/spec)."))
    os.utime(_edit, (AN_HOUR_AGO, AN_HOUR_AGO))
    os.utime(_edit.parent, (AN_HOUR_AGO, AN_HOUR_AGO))
    cache = LinkCache(blog / ".reinvent-lint-cache", 7 * 86400, 6 * 3600)
    cache.close()
    time.sleep(2.1)  # the link cache was just written: within replay.RACY
    assert not _run(blog, "check")[3]
    assert _run(blog, "check")[3]  # the link cache holds no verdict on that link
    cache = LinkCache(blog / ".reinvent-lint-cache", 7 * 86400, 6 * 3600)
    cache.put([Verdict("https://example.com/spec", "dead", 404, "HTTP 404", checked_at=time.time())])
    cache.close()
    dead = _run(blog, "check")
    assert not dead[3] and "RL410" in dead[1] and "cached" in dead[1]
    for _ in range(2):
        assert not _run(blog, "check")[3]


def test_the_record_stamps_the_checked_files_first(blog: Path) -> None:
    """After an edit, the lean path meets the changed post at its first stat, not after stat-ing
    the rest of the site (the checked files lead the record; the others follow by path)."""
    import marshal

    from reinvent_lint.cache import cache_dir

    post = os.path.realpath(blog / "_posts/2024-01-02-beta.md")
    _recorded(blog, "_posts/2024-01-02-beta.md")
    folder = cache_dir()
    assert folder is not None
    records = [marshal.loads(path.read_bytes()) for path in folder.glob("replay-*.marshal")]
    (record,) = [r for r in records if str(blog) in r[1]]  # its key holds the folder it ran in
    paths = [path for path, _ in record[2]]
    assert paths[0] == post
    assert paths[1:] == sorted(paths[1:]) and len(paths) > 10


def test_the_record_stamps_what_a_walk_of_the_folder_finds(tmp_path: Path) -> None:
    """`_tree` stamps through each folder's listing: the same paths and stamps as `files.walk`
    with one `os.stat` per path (folders named in `skip` and `ignored` ones left out, a symlink
    to a folder neither entered nor stamped, a broken link stamped as missing)."""
    from reinvent_lint.files import walk
    from reinvent_lint.replay import _stamp, _tree

    root = tmp_path / "site"
    for rel in ("a.md", "_posts/b.md", "_posts/deep/c.md", "_site/index.html", ".cache/x", "assets/i.png"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
    (root / "linked").symlink_to(root / "_posts", target_is_directory=True)
    (root / "alias.md").symlink_to(root / "a.md")
    (root / "broken.md").symlink_to(root / "gone.md")
    skip, ignored = ("_site",), [str(root / ".cache") + os.sep]

    def skipped(rel: str) -> bool:
        return rel.rsplit("/", 1)[-1] in skip or os.path.join(str(root), rel) in {p.rstrip(os.sep) for p in ignored}

    expected: dict[str, object] = {}
    for folder, _, names in walk(str(root), skipped):
        expected[folder] = _stamp(folder)
        expected.update((os.path.join(folder, n), _stamp(os.path.join(folder, n))) for n in names)
    found: dict[str, object] = {}
    _tree(str(root), skip, found, ignored)  # type: ignore[arg-type]
    assert found == expected
    assert found[str(root / "broken.md")] is None and str(root / "linked") not in found
    assert str(root / "_posts/deep/c.md") in found and str(root / "_site/index.html") not in found
    files: dict[str, object] = {}
    _tree(str(root), skip, files, ignored, folders=False)  # type: ignore[arg-type]
    assert files == {path: stamp for path, stamp in expected.items() if not os.path.isdir(path)}
