"""Hostile and broken input: each gives a clear message or a correct result, never a traceback
or a hang; `fix` never leaves a half-written file."""

from __future__ import annotations

import json

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reinvent_lint.cli import main

from .conftest import linter_for, write_site

FM = "---\ntitle: x\n---\n\n"
HOSTILE: dict[str, str | bytes] = {
    "large": FM + "A paragraph with a [link](https://example.com/x), `code` and a typo, teh.\n\n" * 25_000,  # ~2 MB
    "one-long-line": FM + "word " * 200_000 + "\n",  # 1 MB on one line
    "nested-lists": FM + "- " * 10_000 + "deep\n",
    "nested-quotes": FM + ">" * 10_000 + " deep\n",
    "brackets": FM + "[" * 50_000 + "\n",
    "parens": FM + "(" * 50_000 + "\n",
    "backticks": FM + "`" * 50_000 + "\n",
    "headings": FM + "".join(f"# Heading {i}\n\n" for i in range(10_000)),
    "only-front-matter": "---\ntitle: only\n---\n",
    "yaml-tabs": "---\ntitle:\tx\n\ttags: [a]\n---\n\nText.\n",
    "non-string-keys": "---\n1: one\n[a, b]: two\n---\n\nText.\n",
    "front-matter-list": "---\n- a\n---\n\nText.\n",
    "never-closed": "---\ntitle: x\n\nText.\n",
    "toml": "+++\ntitle = 'x'\n+++\n\nText.\n",
    "json": '{\n"title": "x"\n}\n\nText.\n',
    "alias-bomb": "---\na: &a [x,x,x,x,x,x,x,x,x]\n"
    + "".join(f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    + "---\n\nText.\n",
    "liquid-unclosed": FM + "{% if a \n\nText {{ open\n",
    "raw-unclosed": FM + "{% raw %}\nnever closed\n",
    "liquid-nested": FM + "{% if a %}{% for x in y %}{{ x | {{ y }} }}{% endfor %}{% endif %}\n",
    "liquid-in-targets": FM + "[a]({% link {{ page.x }} %}) ![i]({{ site.baseurl }}/a.png) [b]({{ site.url }})\n",
    "lone-bom": b"\xef\xbb\xbf",
    "invalid-utf8": b"---\ntitle: x\n---\n\n\xc3\x28 broken\n",
    "utf16": "---\ntitle: x\n---\n".encode("utf-16"),
    "nul-bytes": b"---\ntitle: x\n---\n\x00\x00",
    "binary": bytes(range(256)) * 64,
    "crlf-mixed": b"---\r\ntitle: x\n---\r\n\r\n# A  \r\nText\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_never_crashes(name: str, tmp_path: Path) -> None:
    write_site(tmp_path, {f"_posts/2024-01-01-{name}.md": HOSTILE[name]})
    done = subprocess.run([sys.executable, "-m", "reinvent_lint", "check", "--style", "off"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert "Traceback" not in done.stdout + done.stderr
    assert done.returncode in (0, 1, 2)
    if done.returncode == 2:  # an unreadable input: one line naming the file
        errors = [line for line in done.stderr.splitlines() if line.startswith("reinvent-lint:")]
        assert errors and all(f"2024-01-01-{name}.md" in line for line in errors)
    text = (tmp_path / f"_posts/2024-01-01-{name}.md").read_bytes()
    lines = text.count(b"\n") + 1
    for line in done.stdout.splitlines():
        if line.startswith("_posts/"):
            assert 1 <= int(line.split(":")[1]) <= lines  # every position lies inside the file


def test_fix_on_hostile_input_is_safe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {
        f"_posts/2024-01-01-{n}.md": HOSTILE[n]
        for n in ("crlf-mixed", "liquid-in-targets", "raw-unclosed", "invalid-utf8")
    }
    write_site(tmp_path, files)
    before = {p: p.read_bytes() for p in (tmp_path / "_posts").iterdir()}
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        code = main(["fix", "--style", "off"])
    finally:
        os.chdir(old)
    assert code == 2  # the invalid UTF-8 post is reported, the others are fixed
    assert (tmp_path / "_posts/2024-01-01-invalid-utf8.md").read_bytes() == before[
        tmp_path / "_posts/2024-01-01-invalid-utf8.md"
    ]
    assert (tmp_path / "_posts/2024-01-01-crlf-mixed.md").read_bytes() == b"---\r\ntitle: x\n---\r\n\r\n# A\r\nText\n"


def test_symlink_loop_and_file_deleted_between_listing_and_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": FM + "Text.\n", "_posts/2024-01-02-b.md": FM + "Text.\n"})
    os.symlink(tmp_path / "loop", tmp_path / "loop")  # a link to itself
    os.symlink(tmp_path, tmp_path / "_posts" / "up")  # a directory loop
    linter = linter_for(tmp_path)
    targets = linter.targets([], [])
    (tmp_path / "_posts/2024-01-02-b.md").unlink()  # gone after listing
    monkeypatch.setattr(linter, "targets", lambda paths, errors: targets)
    report = linter.check_paths([])
    assert report.files == 1
    assert [(e.path, e.message) for e in report.errors] == [("_posts/2024-01-02-b.md", "no such file")]


def test_two_runs_share_the_link_cache(tmp_path: Path) -> None:
    from reinvent_lint.link_cache import LinkCache, Verdict

    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            cache = LinkCache(tmp_path, 3600, 3600)
            for i in range(50):
                cache.put([Verdict(f"https://e.example/{n}/{i}", "ok", 200, "ok", checked_at=time.time())])
            cache.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    cache = LinkCache(tmp_path, 3600, 3600)
    assert len(cache.get([f"https://e.example/{n}/{i}" for n in range(2) for i in range(50)])) == 100


@pytest.mark.slow
def test_fix_killed_at_random_points_leaves_old_or_new_files(tmp_path: Path) -> None:
    """Kill `fix` mid-run, again and again: every file is byte for byte its old or its new self."""
    posts = {f"_posts/2024-01-{i + 1:02d}-p{i}.md": FM + "#   Heading  \n\nText.   \n" * 40 for i in range(30)}
    write_site(tmp_path, posts)
    old = {rel: (tmp_path / rel).read_bytes() for rel in posts}
    reference = tmp_path / "reference"
    write_site(reference, posts)
    subprocess.run([sys.executable, "-m", "reinvent_lint", "fix", "--style", "off"], cwd=reference, capture_output=True)
    new = {rel: (reference / rel).read_bytes() for rel in posts}
    assert new != old
    for delay in (0.15, 0.3, 0.45, 0.6, 0.8):
        for rel in posts:  # start from the old files each round
            (tmp_path / rel).write_bytes(old[rel])
        proc = subprocess.Popen([sys.executable, "-m", "reinvent_lint", "fix", "--style", "off"], cwd=tmp_path,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for rel in posts:
            data = (tmp_path / rel).read_bytes()
            assert data in (old[rel], new[rel]), rel


# ----- issue 21: bounded reading, iterative walks, config limits ---------------------------------
CLI = [sys.executable, "-m", "reinvent_lint"]


def _cli(
    args: list[str], cwd: Path, extra_env: dict[str, str] | None = None, **kwargs
) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    """The real CLI in a subprocess; a hang is killed after 60 s and fails the test."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), **(extra_env or {})}
    if args[:1] in (["check"], ["fix"]):
        args = [*args, "--show-info"]  # these tests read info findings (hidden by default)
    try:
        return subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=60, env=env, **kwargs)
    except subprocess.TimeoutExpired:
        pytest.fail(f"reinvent-lint {' '.join(args)} hung (killed after 60 s)")


def _one_line_error(done: subprocess.CompletedProcess[str], name: str) -> None:
    assert "Traceback" not in done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert errors and all(name in line for line in errors), done.stderr


@pytest.mark.parametrize("command", [["check"], ["check", "_posts/2024-01-02-pipe.md"], ["fix"]])
def test_a_fifo_named_like_a_post_is_refused_not_waited_on(tmp_path: Path, command: list[str]) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": FM + "Text.\n"})
    os.mkfifo(tmp_path / "_posts/2024-01-02-pipe.md")
    done = _cli(command, tmp_path)
    assert done.returncode == 2
    _one_line_error(done, "2024-01-02-pipe.md")
    assert "not a regular file" in done.stderr


def test_a_symlink_to_dev_zero_is_refused(tmp_path: Path) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": FM + "Text.\n"})
    (tmp_path / "_posts/2024-01-02-zero.md").symlink_to("/dev/zero")
    done = _cli(["check", "_posts/2024-01-02-zero.md"], tmp_path)
    assert done.returncode == 2
    _one_line_error(done, "2024-01-02-zero.md")
    assert "character device" in done.stderr
    done = _cli(["check"], tmp_path)  # in a whole-site run it is a link out of the site: not read
    assert done.returncode == 0 and "Traceback" not in done.stderr


def test_a_post_over_the_size_cap_is_skipped_with_one_line(tmp_path: Path) -> None:
    files = {"_posts/2024-01-01-big.md": FM + "Words here.\n" * 200, "_posts/2024-01-02-a.md": FM + "Hi.\n"}
    write_site(tmp_path, {**files, ".reinvent-lint.toml": "[limits]\nmax-file-size = 0.001\n"})
    for command in (["check"], ["fix"]):
        done = _cli(command, tmp_path)
        assert done.returncode == 2
        _one_line_error(done, "2024-01-01-big.md")
        assert "skipped, larger than 1.02 KB" in done.stderr
    (tmp_path / ".reinvent-lint.toml").write_text("[limits]\nmax-file-size = -1\n")
    done = _cli(["check"], tmp_path)
    assert done.returncode == 2 and "max-file-size must be positive" in done.stderr


def _deep_tree(base: Path, depth: int) -> Path:
    old = os.getcwd()
    os.chdir(base)
    try:
        for _ in range(depth):  # relative steps: the absolute path grows past what one call takes
            os.mkdir("d")
            os.chdir("d")
        Path("deep.md").write_text(FM + "Text with trailing space.  \n")
        return Path(os.getcwd())
    finally:
        os.chdir(old)


def _remove_deep(base: Path) -> None:
    """shutil.rmtree recurses: remove the deep tree from the bottom up."""
    old = os.getcwd()
    os.chdir(base)
    try:
        depth = 0
        while os.path.isdir("d"):
            os.chdir("d")
            depth += 1
        for name in os.listdir("."):
            os.unlink(name)
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(old)


@pytest.mark.parametrize("command", [["check"], ["check", "deep"], ["fix"]])
def test_a_tree_1200_folders_deep_is_walked_without_recursion(tmp_path: Path, command: list[str]) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": FM + "Text.\n"})
    (tmp_path / "deep").mkdir()
    _deep_tree(tmp_path / "deep", 1200)
    try:
        done = _cli(command, tmp_path)
        assert "Traceback" not in done.stderr and "RecursionError" not in done.stderr
        assert done.returncode in (0, 1)
        if command == ["fix"]:
            assert "Fixed 1 problem in 1 file." in done.stdout
        else:
            assert "deep.md:5:" in done.stdout  # the post at the bottom was checked
    finally:
        _remove_deep(tmp_path / "deep")


@pytest.mark.parametrize(
    "toml", ["a = " + "[" * 5000 + "]" * 5000 + "\n", "a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n"]
)
def test_a_deeply_nested_config_is_one_line_and_exit_2(tmp_path: Path, toml: str) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": FM + "Text.\n", ".reinvent-lint.toml": toml})
    done = _cli(["check"], tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert ".reinvent-lint.toml: invalid TOML: nested too deeply" in done.stderr


def test_a_config_that_is_a_symlink_loop_is_named(tmp_path: Path) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": FM + "Text.\n"})
    (tmp_path / ".reinvent-lint.toml").symlink_to(".reinvent-lint.toml")
    done = _cli(["check"], tmp_path)
    assert done.returncode == 2
    assert ".reinvent-lint.toml: cannot read: Too many levels of symbolic links" in done.stderr
    (tmp_path / ".reinvent-lint.toml").unlink()
    os.mkfifo(tmp_path / ".reinvent-lint.toml")  # a FIFO config must not block either
    done = _cli(["check"], tmp_path)
    assert done.returncode == 2 and "not a regular file" in done.stderr


# ----- the style pack: per-file budget, contained failures, no temporary folder left -----------------
def test_style_pack_failures_and_slow_posts_stay_with_their_file(tmp_path: Path) -> None:
    write_site(tmp_path, {
        "_posts/2024-01-01-lists.md": FM + "- " * 10_000 + "deep\n",  # pymarkdownlnt raises on it
        "_posts/2024-01-02-headings.md": FM + "".join(f"# Heading {i}\n\ntext\n\n" for i in range(3000)),
        "_posts/2024-01-03-ok.md": FM + "A paragraph\n(the docs)[https://example.com/] reversed.\n",
        ".reinvent-lint.toml": '[style]\nmode = "ci"\n[limits]\ntime-budget = 0.3\n',
    })  # fmt: skip
    done = _cli(["check", "--format", "json"], tmp_path)
    assert done.returncode == 2  # the failure is an error line, not a traceback
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert errors == [
        "reinvent-lint: _posts/2024-01-01-lists.md: error: style pack (pymarkdownlnt) failed in its parser "
        "(BadTokenizationError); style findings skipped for this file"
    ]
    import json

    found = {(p["path"], p["code"], p["message"]) for p in json.loads(done.stdout)["problems"]}
    assert ("_posts/2024-01-02-headings.md", "MD000", "style pack skipped: too slow (over 0.3 s)") in found
    assert any(path.endswith("03-ok.md") and code == "MD011" for path, code, _ in found)  # the others are checked


def test_style_folders_are_removed_and_stale_ones_cleaned(tmp_path: Path) -> None:
    import tempfile

    base = tmp_path / "tmp"
    base.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = base / f"reinvent-lint-style-{dead.stdout.strip()}-abc"
    stale.mkdir()
    (stale / "tmpcopy").write_text("a copy of a post")
    unknown = base / "reinvent-lint-style-xyz"  # an older run's name without a process id: kept (by age only)
    unknown.mkdir()
    site = tmp_path / "site"
    write_site(site, {"_posts/2024-01-01-a.md": FM + "A paragraph\n(the docs)[https://example.com/] reversed.\n"})
    done = _cli(["check", "--style", "ci"], site, {"TMPDIR": str(base)})
    assert ": MD011" in done.stdout
    assert sorted(p.name for p in base.iterdir()) == ["reinvent-lint-style-xyz"]
    assert tempfile.gettempdir() != str(base)


def test_plugin_rules_get_a_budget_and_their_failures_are_contained(tmp_path: Path) -> None:
    from reinvent_lint.config import build_config
    from reinvent_lint.engine import Linter
    from reinvent_lint.rule import rule
    from reinvent_lint.rules import builtin_rules

    @rule("RL990", "plugin-loops", "A third-party rule that never ends.")
    def loops(ctx):  # type: ignore[no-untyped-def]
        while True:
            pass
        yield  # pragma: no cover

    @rule("RL991", "plugin-raises", "A third-party rule with a bug.")
    def raises(ctx):  # type: ignore[no-untyped-def]
        raise ValueError("boom")
        yield  # pragma: no cover

    rules = [*builtin_rules(), loops, raises]
    config = build_config({"select": ["RL990", "RL991"], "limits": {"time-budget": 0.2}}, rules)
    write_site(tmp_path, {"_posts/2024-01-01-a.md": FM + "Text.\n"})
    report = Linter(config, rules, cwd=tmp_path).check_paths([tmp_path / "_posts/2024-01-01-a.md"])
    assert [(p.code, p.message, str(p.severity)) for p in report.problems] == [
        ("RL990", "RL990 plugin-loops skipped: too slow (over 0.2 s of CPU time)", "info")
    ]
    assert [str(e) for e in report.errors] == [
        "_posts/2024-01-01-a.md: error: internal error in rule RL991 plugin-raises: ValueError: boom"
    ]


# ----- fix: line endings, write errors, leftovers ------------------------------------------------
@pytest.mark.parametrize(
    ("before", "after"),
    [
        (b"---\ntitle: x\n---\n\n#  A  \n\nText  \n", b"---\ntitle: x\n---\n\n# A\n\nText\n"),
        (
            b"---\r\ntitle: x\r\n---\r\n\r\n#  A  \r\n\r\nText  \r\n",
            b"---\r\ntitle: x\r\n---\r\n\r\n# A\r\n\r\nText\r\n",
        ),
        (b"---\rtitle: x\r---\r\r#  A  \r\rText  \r", b"---\rtitle: x\r---\r\r# A\r\rText\r"),
        (b"---\ntitle: x\r\n---\n\n#  A  \r\n\nText  \n", b"---\ntitle: x\r\n---\n\n# A\r\n\nText\n"),
    ],
    ids=["LF", "CRLF", "CR", "mixed"],
)
def test_fix_keeps_line_endings_exactly(tmp_path: Path, before: bytes, after: bytes) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": before})
    done = _cli(["fix"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "_posts/2024-01-01-a.md").read_bytes() == after


@pytest.mark.parametrize("code", ["ENOSPC", "EROFS", "EACCES", "EDQUOT", "EFBIG", "EIO"])
@pytest.mark.parametrize("where", ["os.fsync", "os.replace"])
def test_every_write_error_is_a_one_line_refusal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, code: str, where: str
) -> None:
    import errno

    from .conftest import run_cli

    post = FM + "Text  \n"
    write_site(tmp_path, {"_posts/2024-01-01-a.md": post})
    number = getattr(errno, code)

    def fail(*args: object) -> None:
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(where, fail)
    status, _, err = run_cli(["fix"], tmp_path, capsys)
    assert status == 2
    assert err.strip() == (
        f"reinvent-lint: _posts/2024-01-01-a.md: error: could not write: {os.strerror(number)} ({code}); "
        "the file is unchanged"
    )
    assert (tmp_path / "_posts/2024-01-01-a.md").read_text() == post
    assert sorted(p.name for p in (tmp_path / "_posts").iterdir()) == ["2024-01-01-a.md"]  # no temporary file


def test_file_size_limit_on_write_is_a_refusal_not_a_crash(tmp_path: Path) -> None:
    import resource

    post = FM + "Text with trailing spaces.  \n" * 200  # ~6 KB: over a 4 KB limit
    write_site(tmp_path, {"_posts/2024-01-01-a.md": post})
    limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    done = _cli(["fix", "--output", os.devnull], tmp_path, preexec_fn=limit)
    assert done.returncode == 2, done.stderr
    assert "2024-01-01-a.md: error: could not write: File too large (EFBIG); the file is unchanged" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "_posts/2024-01-01-a.md").read_text() == post
    assert sorted(p.name for p in (tmp_path / "_posts").iterdir()) == ["2024-01-01-a.md"]


def test_fix_removes_temporary_files_left_by_a_killed_run(tmp_path: Path) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": FM + "Text.\n"})
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    posts = tmp_path / "_posts"
    left = posts / f".2024-01-01-a.md.{dead.stdout.strip()}.k2j3.reinvent-lint.tmp"  # its process is gone
    left.write_text("half")
    live = posts / f".2024-01-01-a.md.{os.getpid()}.zz9.reinvent-lint.tmp"  # a run still writing: kept
    live.write_text("in progress")
    old = posts / ".2024-01-01-a.md.q1w2.reinvent-lint.tmp"  # an older name, over an hour old
    old.write_text("old")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    other = posts / ".notes.tmp"  # not ours: never touched
    other.write_text("mine")
    done = _cli(["fix"], tmp_path)
    assert done.returncode == 0
    assert sorted(p.name for p in posts.iterdir()) == sorted(["2024-01-01-a.md", live.name, other.name])


# ----- clean stops ---------------------------------------------------------------------------------
# 120 sections a post: long enough that `check` and `fix` both outlast the 2 s stops (at 30, both
# finished first and those tests skipped once the warm and link work made runs faster)
_BODY = "".join(f"## Part {k}\n\nSome words in a paragraph, teh end.  \n\n" for k in range(120))
_POSTS = {f"_posts/2024-{1 + i % 12:02d}-{1 + i % 28:02d}-post-{i}.md": FM + _BODY for i in range(200)}


@pytest.fixture(scope="module")
def fixed_posts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The 200 posts as a complete `fix` leaves them."""
    reference = write_site(tmp_path_factory.mktemp("reference"), _POSTS)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    subprocess.run([*CLI, "fix"], cwd=reference, capture_output=True, env=env, timeout=600)
    return {rel: (reference / rel).read_bytes() for rel in _POSTS}


@pytest.mark.slow
@pytest.mark.parametrize("command", ["check", "fix"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("delay", [0.5, 2.0])
def test_signals_stop_a_200_post_run_cleanly(
    tmp_path: Path, fixed_posts: dict[str, bytes], command: str, signum: int, delay: float
) -> None:
    """Ctrl-C (to the whole process group, as a terminal sends it) or SIGTERM (to the process,
    as CI or `timeout` does): exit with one line and 130/143, no traceback, no temporary file or
    folder left, every post its old or its new self. (The goal is within 1 s; the bound here is
    generous so that a loaded machine does not fail the test.)"""
    base = tmp_path / "tmp"
    base.mkdir()
    style = '[style]\nmode = "ci"\n' if command == "check" else ""  # check: the style workers too
    site = write_site(tmp_path / "site", {**_POSTS, ".reinvent-lint.toml": style})
    env = {**os.environ, "TMPDIR": str(base), "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.Popen([*CLI, command], cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)  # fmt: skip
    time.sleep(delay)
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the run did not stop (killed after 60 s)")
    if proc.returncode in (0, 1):
        pytest.skip(f"the run finished in under {delay} s on this machine")
    assert proc.returncode == 128 + signum
    assert err.strip() == ("reinvent-lint: interrupted" if signum == signal.SIGINT else "reinvent-lint: terminated")
    assert list(base.iterdir()) == []  # no style folder, no pymarkdownlnt copy
    assert [p for p in (site / "_posts").iterdir() if p.name.startswith(".")] == []
    for rel in _POSTS:
        assert (site / rel).read_bytes() in (_POSTS[rel].encode(), fixed_posts[rel]), rel


def test_a_signal_as_the_program_exits_still_gives_one_line_and_128_plus_signum(tmp_path: Path) -> None:
    """A SIGTERM that lands after the work is done, while the interpreter shuts down, once killed the
    process by the signal (exit -15, no line): the program keeps a handler to the very end."""
    write_site(tmp_path, {"_posts/2024-01-01-a.md": FM + "Words.\n"})
    script = (
        "import os, signal, sys\n"
        "from reinvent_lint import cli\n"
        "code = cli.main(['check', '--no-cache'], settle=True)\n"
        "os.kill(os.getpid(), signal.SIGTERM)\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert done.returncode == 143
    assert done.stderr.strip() == "reinvent-lint: terminated"


# ----- issue 21: huge posts (the block parse reads plain runs itself; a cap on findings) ---------
def test_a_million_lines_stop_each_rule_at_the_findings_cap(tmp_path: Path) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-lines.md": FM + "line\n" * 1_000_000})  # "line line": repeated
    done = _cli(["check", "--style", "off", "--format", "json"], tmp_path)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr
    found = [p for p in json.loads(done.stdout)["problems"] if p["code"] == "RL502"]
    assert len(found) == 10_001
    assert any("stopped after 10,000 findings in this file" in p["message"] for p in found)
    (tmp_path / ".reinvent-lint.toml").write_text("[limits]\nmax-findings = 3\n")
    done = _cli(["check", "--style", "off", "--format", "json"], tmp_path)
    found = [p for p in json.loads(done.stdout)["problems"] if p["code"] == "RL502"]
    assert len(found) == 4 and any("stopped after 3 findings" in p["message"] for p in found)


@pytest.mark.parametrize(
    "opening",
    ["```\n", "<!--\n", "<script>\n"],
    ids=["fence", "html-comment", "script"],
)
def test_plain_paragraphs_inside_a_block_never_closed(tmp_path: Path, opening: str) -> None:
    """Runs of plain paragraphs are read without markdown-it, unless a block that only its end
    marker closes holds them: then they are code (or HTML) to the end, and no word in them is
    checked. Many paragraphs: each re-reading of the block must not start over."""
    body = "".join(f"Paragraph {i} with teh typo.\n\n" for i in range(20_000))
    write_site(tmp_path, {"_posts/2024-01-01-open.md": FM + "Intro, teh.\n\n" + opening + body})
    done = _cli(["check", "--style", "off"], tmp_path)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr
    typos = [line for line in done.stdout.splitlines() if line.startswith("_posts/") and " RL501 " in line]
    assert len(typos) == 1 and ":5:" in typos[0]  # the intro's only (line 5)


def test_a_long_plain_paragraph_underlined_as_a_heading(tmp_path: Path) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-under.md": FM + "Intro.\n\n" + "words and more\n" * 100_000 + "===\n"})
    done = _cli(["check", "--style", "off"], tmp_path)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr


@pytest.mark.parametrize("command", [["check", "--jobs", "2"], ["check", "_posts/2024-01-01-a.md"], ["fix"]])
def test_a_rule_option_outside_its_choices_is_one_line_naming_the_config(tmp_path: Path, command: list[str]) -> None:
    posts = {f"_posts/2024-01-0{i}-{c}.md": FM + "Some text.\n" for i, c in enumerate("abcdefgh", 1)}
    write_site(tmp_path, {**posts, ".reinvent-lint.toml": '[rules.misspelled-word]\nlocale = "fr"\n'})
    done = _cli(command, tmp_path)
    assert done.returncode == 2
    _one_line_error(done, ".reinvent-lint.toml")
    assert "'locale' must be one of '', 'en-US', 'en-GB', not 'fr'" in done.stderr
