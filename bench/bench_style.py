"""Benchmark the style pack (off by default; `--style ci|always` turns it on): the whole site with
the pack on, cold (`--no-cache`), against `pymarkdown scan` alone on the same files, and a
pre-commit run on one post with the pack forced on. The pack runs in one worker per core, each
post within its CPU budget (`[limits] time-budget`).

Run:  python bench/bench_style.py [--posts 60] [--runs 3]
      python bench/bench_style.py --blog ../shared/corpus/artsy [--runs 5]
With `--blog`, a copy of that Jekyll site is measured on its posts (*.md and *.markdown, in the
site as a whole; both tools are given the post folders, and the peer `-ae .md,.markdown`, since
`pymarkdown scan` alone reads only *.md). Runs of ours
and of the peer alternate; medians of wall time and of CPU time (user + system, children
included) are printed, since wall time means little on a shared machine.
pymarkdownlnt is slow and superlinear on long posts, so this takes minutes at 200 posts; the
default here is 60 posts.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import generated_site, timed


def run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one run, its children's CPU included."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def side_by_side(commands: dict[str, list[str]], cwd: Path, runs: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) of each command, the commands alternating run by run."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            samples[name].append(run(cmd, cwd))
    return {
        name: (statistics.median(w for w, _ in got), statistics.median(c for _, c in got))
        for name, got in samples.items()
    }


def blog_figures(blog: Path, runs: int, tmp: Path) -> None:
    site = tmp / "blog"
    shutil.copytree(blog, site, ignore=shutil.ignore_patterns(".reinvent-lint-cache", ".git"))
    posts = [p for p in site.rglob("*") if p.suffix in (".md", ".markdown") and "_posts" in p.parts]
    folders = [str(p.relative_to(site)) for p in sorted({q.parent for q in posts})]
    lint = [sys.executable, "-m", "reinvent_lint", "check", "--links", "off", "--no-cache"]
    peer = [sys.executable, "-m", "pymarkdown", "--enable-extensions", "front-matter", "scan", "-ae", ".md,.markdown"]
    print(f"{blog.name}: {len(posts)} posts, {sum(p.stat().st_size for p in posts) / 1e6:.1f} MB, "
          f"{os.cpu_count()} cores; medians of {runs}, runs alternating")  # fmt: skip
    got = side_by_side(  # both given the same post folders, so both read exactly the same posts
        {
            "pack on": [*lint, "--style", "always", *folders],
            "pack off": [*lint, "--style", "off", *folders],
            "pymarkdown": [*peer, *folders],
        },
        site,
        runs,
    )
    (on_wall, on_cpu), (off_wall, off_cpu), (peer_wall, peer_cpu) = got["pack on"], got["pack off"], got["pymarkdown"]
    print(f"reinvent-lint, every rule, pack on, cold: {on_wall:.2f} s wall, {on_cpu:.2f} CPU-s")
    print(f"  pack off: {off_wall:.2f} s wall, {off_cpu:.2f} CPU-s (the pack's share: {on_cpu - off_cpu:.2f} CPU-s)")
    print(f"pymarkdown scan alone, same posts: {peer_wall:.2f} s wall, {peer_cpu:.2f} CPU-s")
    print(
        f"ratio, pack on / pymarkdown: {on_wall / peer_wall:.2f}x wall (target <= 0.5x), {on_cpu / peer_cpu:.2f}x CPU"
    )


def main() -> int:
    with generated_site(__doc__ or "", 60) as (args, site, posts):
        if args.blog:
            blog_figures(args.blog, args.runs, site.parent)
            return 0
        lint = [sys.executable, "-m", "reinvent_lint", "check"]
        print(f"site: {len(posts)} posts, {sum(p.stat().st_size for p in posts) / 1e6:.1f} MB")
        off = timed([*lint, "--style", "off"], site, 1)
        on = timed([*lint, "--style", "always"], site, 1)
        alone = timed(
            [sys.executable, "-m", "pymarkdown", "--enable-extensions", "front-matter", "scan", "_posts"], site, 1
        )
        print(f"reinvent-lint, every rule, pack off: {off:.2f} s; pack on: {on:.2f} s")
        ratio = on / alone
        print(f"pymarkdown scan alone: {alone:.2f} s; with the pack: {ratio:.2f}x its time (target <= 1.0x)")
        one = timed([*lint, "--style", "always", str(posts[min(3, len(posts) - 1)])], site, 5)
        one_off = timed([*lint, str(posts[min(3, len(posts) - 1)])], site, 5)
        print(
            f"pre-commit run on one post: pack on {one * 1000:.0f} ms, pack off (the default) {one_off * 1000:.0f} ms"
            "   target < 500 ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
