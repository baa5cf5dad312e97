"""Benchmark `reinvent-lint check` on a generated 200-post site against `pymarkdown scan`.

Run:  python bench/bench_check.py [--posts 200] [--runs 3] [--blog PATH] [--cache-only]
With `--blog`, the result-cache figures (issue 18) are measured on a copy of that Jekyll site
(a corpus blog) instead of the generated one. `--cache-only` prints only those.
The site is built from the project's own fixture posts (tests/fixtures/site and examples/blog),
each generated post ~15 KB like a real long-form post. Prints medians and the ratio.
Needs pymarkdownlnt for the peer (`pip install pymarkdownlnt`); it is skipped when missing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from reinvent_lint.replay import RACY

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "tests/fixtures/site/_posts", ROOT / "examples/blog/_posts"]
TARGET_BYTES = 15_000
LINK_RULES = "RL401,RL402,RL403,RL404,RL405,RL701"  # RL701 shares the reference extraction


def build_site(dest: Path, posts: int) -> list[Path]:
    shutil.copytree(ROOT / "tests/fixtures/site", dest)
    # Our own rules are measured here; the style pack (pymarkdownlnt) has its own bench_style.py.
    (dest / ".reinvent-lint.toml").write_text('[style]\nmode = "off"\n')
    # The example blog's posts and assets too, so every reference in the generated posts resolves.
    shutil.copytree(ROOT / "examples/blog/assets", dest / "assets", dirs_exist_ok=True)
    for post in (ROOT / "examples/blog/_posts").glob("*.md"):
        shutil.copy(post, dest / "_posts" / post.name)
    bodies = []
    for folder in SOURCES:
        for post in sorted(folder.glob("*.md")):
            text = post.read_text(encoding="utf-8")
            bodies.append(text.split("---\n", 2)[2])
    # 800 assets, most of them used by the generated posts.
    assets = dest / "assets" / "images" / "generated"
    assets.mkdir(parents=True)
    for n in range(800):
        (assets / f"figure-{n}.png").write_bytes(b"\x89PNG" + bytes(2000))
    written = []
    for i in range(posts):
        parts, size, n = [], 0, 0
        while size < TARGET_BYTES:
            body = bodies[(i + n) % len(bodies)]
            parts.append(body.replace("\n# ", f"\n# Part {n} "))
            size += len(body)
            n += 1
        day = 1 + i % 28
        path = dest / "_posts" / f"2023-{1 + i % 12:02d}-{day:02d}-generated-{i}.md"
        figures = "".join(
            f"\n![Figure {n}](/assets/images/generated/figure-{n}.png)\n" for n in range(i * 4, i * 4 + 4)
        )
        path.write_text(
            f"---\ntitle: Generated post {i}\ntags: [aws, databases]\nlayout: post\n---\n\n"
            + "\n".join(parts)
            + figures,
            encoding="utf-8",
        )
        written.append(path)
    return written


def timed(cmd: list[str], cwd: Path, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


@contextlib.contextmanager
def generated_site(description: str, default_posts: int = 200) -> Iterator[tuple[argparse.Namespace, Path, list[Path]]]:
    """Parse `--posts` and `--runs`, and build the generated site in a temporary folder."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--posts", type=int, default=default_posts)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--blog", type=Path, help="measure the result cache on a copy of this Jekyll site")
    parser.add_argument("--cache-only", action="store_true", help="only the result-cache figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        yield args, site, build_site(site, args.posts)


CLI = [sys.executable, "-m", "reinvent_lint"]


def _peer(name: str) -> list[str] | None:
    """A peer's command: on PATH, else under /tmp/*/bin (where `pip install --target` puts it)."""
    found = shutil.which(name)
    if found:
        return [found]
    for candidate in sorted(Path("/tmp").glob(f"*/bin/{name}")):
        return [str(candidate)]
    return None


def run_measured(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall, CPU) of one run; CPU is user + system of the process and its children (workers),
    the figure that stays comparable when other work shares the machine."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def measured_each(
    cmd: list[str], cwd: Path, runs: int, before: Callable[[int], None], env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Medians of wall and CPU time of `cmd`, calling `before(i)` (untimed) before each run."""
    samples = []
    for i in range(runs):
        before(i)
        samples.append(run_measured(cmd, cwd, env))
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def timed_each(cmd: list[str], cwd: Path, runs: int, before: Callable[[int], None]) -> float:
    """Median wall time of `cmd`, calling `before(i)` (untimed) before each run."""
    return measured_each(cmd, cwd, runs, before)[0]


def cache_figures(site: Path, posts: list[Path], runs: int) -> None:
    """Issue 18's whole-blog figures: cold (no result cache), warm (nothing changed), one post
    changed; with the style pack on, warm and cold; against rumdl and pymarkdown, same run.
    Each figure is wall time, then CPU time (user + system, workers included) in brackets."""
    runs = max(runs, 3)
    check = [*CLI, "check", "--links", "off"]  # the default text report, as a person runs it

    def clear(_: int) -> None:
        subprocess.run([*CLI, "cache", "clear"], cwd=site, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def nothing(_: int) -> None:
        pass

    victim = posts[len(posts) // 2]
    original = victim.read_bytes()
    # A real edit adds words the post did not use, so the site vocabulary changes (the posts
    # using each word): each timed run meets the post changed from the cached original by a
    # sentence with a word new to it (not a digit: that changes no word).
    new_word = next(w for w in ("walrus", "lantern", "orchard", "meadow") if w not in original.decode().lower())

    def change_one(i: int) -> None:
        victim.write_bytes(original)
        subprocess.run(check, cwd=site, stdout=subprocess.DEVNULL)  # the original cached again
        victim.write_bytes(original + f"\nOne more line about the {new_word}, edit {i}.\n".encode())

    def both(figure: tuple[float, float]) -> str:
        return f"{figure[0]:.3f} s (CPU {figure[1]:.3f} s)"

    size = sum(p.stat().st_size for p in posts)
    print(f"\n--- result cache, {len(posts)} posts, {size / 1e6:.1f} MB, medians of {runs} runs ---")
    rumdl = _peer("rumdl")
    peer_rumdl = measured_each([*rumdl, "check", "--no-cache", "."], site, runs, nothing) if rumdl else None
    if peer_rumdl is not None:
        print(f"rumdl check --no-cache: {both(peer_rumdl)}")
    else:
        print("rumdl not found: pip install rumdl (or --target /tmp/x) for the comparison")
    no_cache = measured_each([*check, "--no-cache"], site, runs, nothing)
    cold = measured_each(check, site, runs, clear)
    # Colder still: the user cache (cache.py: the site's vocabulary sums and other derived data,
    # which `cache clear` keeps) empty too, as on a machine that never ran the tool on this blog.
    empty = Path(tempfile.mkdtemp(prefix="rl-bench-user-cache-"))

    def clear_all(i: int) -> None:
        clear(i)
        shutil.rmtree(empty, ignore_errors=True)
        empty.mkdir()

    coldest = measured_each(check, site, runs, clear_all, {**os.environ, "REINVENT_LINT_CACHE_DIR": str(empty)})
    shutil.rmtree(empty, ignore_errors=True)
    subprocess.run(check, cwd=site, stdout=subprocess.DEVNULL)
    # A run records its output for replay only when no file or folder of the site changed in the
    # RACY seconds before it began (git's "racily clean" rule, replay.py): the first cold run
    # made the cache folder in the site's root, so "nothing changed" starts after that window.
    time.sleep(RACY)
    subprocess.run(check, cwd=site, stdout=subprocess.DEVNULL)
    warm = measured_each(check, site, runs, nothing)
    changed = measured_each(check, site, runs, change_one)
    victim.write_bytes(original)
    subprocess.run(check, cwd=site, stdout=subprocess.DEVNULL)
    ratio = f"   {cold[0] / peer_rumdl[0]:.1f}x rumdl --no-cache (target <= 4x)" if peer_rumdl else ""
    print(f"check --no-cache: {both(no_cache)}")
    print(f"cold (cache cleared, then written): {both(cold)}   target <= 0.5 s{ratio}")
    ratio = f"   {coldest[0] / peer_rumdl[0]:.1f}x rumdl --no-cache" if peer_rumdl else ""
    print(f"cold, user cache empty too (never run on this blog): {both(coldest)}{ratio}")
    print(f"warm, nothing changed: {both(warm)}   target <= 0.1 s")
    print(f"one post changed: {both(changed)}   target <= 0.15 s")
    style = [*check, "--style", "always"]
    style_cold = timed_each(style, site, runs, clear)
    subprocess.run(style, cwd=site, stdout=subprocess.DEVNULL)
    style_warm = timed_each(style, site, runs, nothing)
    print(f"style pack on, warm: {style_warm:.3f} s   target <= 0.3 s")
    pymarkdown = _peer("pymarkdown")
    if pymarkdown:
        folders = [str(p.relative_to(site)) for p in sorted({q.parent for q in posts})]
        # -ae: pymarkdown scans only *.md by default, and most corpus posts are *.markdown
        peer = timed([*pymarkdown, "scan", "-ae", ".md,.markdown", *folders], site, runs)
        print(f"pymarkdown scan (same posts): {peer:.3f} s")
        print(f"style pack on, cold: {style_cold:.3f} s   {style_cold / peer:.2f}x pymarkdown (target <= 0.5x)")
    else:
        print(f"style pack on, cold: {style_cold:.3f} s   (pymarkdown not installed: pip install pymarkdownlnt)")


def main() -> int:
    with generated_site(__doc__ or "") as (args, site, posts):
        if args.blog:
            copy = site.parent / "blog"
            shutil.copytree(args.blog, copy, ignore=shutil.ignore_patterns(".reinvent-lint-cache", ".git"))
            found = [p for p in copy.rglob("*") if p.suffix in (".md", ".markdown") and "_posts" in p.parts]
            cache_figures(copy, found, args.runs)
            return 0
        if args.cache_only:
            cache_figures(site, posts, args.runs)
            return 0
        size = sum(p.stat().st_size for p in posts)
        print(f"site: {len(posts)} generated posts, {size / 1e6:.1f} MB")
        includes = sum(p.read_text(encoding="utf-8").count("{% include candid-image.html") for p in posts)
        print(f"image includes in the site: {includes}")
        no_links = timed(
            [sys.executable, "-m", "reinvent_lint", "check", "--jobs", "1", "--ignore", LINK_RULES], site, args.runs
        )
        print(f"reinvent-lint check --jobs 1 without the link rules: {no_links:.2f} s")
        base = timed(
            [sys.executable, "-m", "reinvent_lint", "check", "--jobs", "1", "--select", "RL001"], site, args.runs
        )
        site_rules = timed(
            [
                sys.executable,
                "-m",
                "reinvent_lint",
                "check",
                "--jobs",
                "1",
                "--select",
                "RL001,RL704,RL706,RL707,RL708",
            ],
            site,
            args.runs,
        )
        print(f"site-wide rules (RL704, RL706-RL708, 800 assets): {site_rules - base:+.2f} s   target <= 0.2 s")
        single = timed([sys.executable, "-m", "reinvent_lint", "check", "--jobs", "1"], site, args.runs)
        print(f"reinvent-lint check --jobs 1 (whole site, one core): {single:.2f} s   target < 1.5 s")
        print(f"cost of the reference rules (RL401-RL405, RL701): {single - no_links:+.2f} s   target <= 0.3 s")
        ours = timed([sys.executable, "-m", "reinvent_lint", "check"], site, args.runs)
        print(f"reinvent-lint check (whole site, default: all cores): {ours:.2f} s")
        version = timed([sys.executable, "-m", "reinvent_lint", "--version"], site, max(args.runs, 5))
        print(f"reinvent-lint --version: {version * 1000:.0f} ms   target < 150 ms")
        one = timed([sys.executable, "-m", "reinvent_lint", "check", str(posts[0])], site, max(args.runs, 5))
        print(
            "reinvent-lint check one post (a pre-commit run, every default rule, warm cache): "
            f"{one * 1000:.0f} ms   target < 300 ms"
        )
        if shutil.which("pymarkdown") or _has_module("pymarkdown"):
            peer = timed([sys.executable, "-m", "pymarkdown", "scan", "_posts"], site, 1)
            print(f"pymarkdown scan (same posts): {peer:.2f} s")
            print(f"ratio: reinvent-lint is {peer / ours:.1f}x faster than pymarkdown   target >= 15x")
        else:
            print("pymarkdown not installed: pip install pymarkdownlnt for the comparison")
        cache_figures(site, posts, args.runs)
    return 0


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


if __name__ == "__main__":
    sys.exit(main())
