"""Hostile and broken input: each gives a clear message or a correct result, never a traceback
or a hang; `fix` never leaves a half-written file."""

from __future__ import annotations

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
