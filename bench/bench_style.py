"""Benchmark the style pack (off by default; `--style ci|always` turns it on): the generated site
with the pack on, against `pymarkdown scan` alone on the same files, and a pre-commit run on one
post with the pack forced on. The pack runs in one worker per core, each post within its CPU
budget (`[limits] time-budget`).

Run:  python bench/bench_style.py [--posts 200]
pymarkdownlnt is slow and superlinear on long posts, so this takes minutes at 200 posts; the
default here is 60 posts.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import generated_site, timed


def main() -> int:
    with generated_site(__doc__ or "", 60) as (_, site, posts):
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
