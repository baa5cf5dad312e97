"""Where the memory of one huge post goes (issue 21: at most 10x the file size). Writes the
bench_hostile post (a link and a code span in each paragraph) into a temporary site, runs
`check --jobs 1 --links off --no-cache` in this process under tracemalloc, samples the traced
memory every 50 ms, and prints the largest allocation sites at the sampled peak.

Run:  python bench/memory_peak.py [--paragraphs 280000] [--top 15]
(280,000 paragraphs: the 20 MB post; the peak RSS of a real run is in bench_hostile.py.)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

FM = "---\ntitle: x\n---\n\n"
PARAGRAPH = "Some paragraph text with a [link](https://example.com/x) and `code`.\n\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=280_000)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument(
        "--rules", action="store_true", help="also print the traced memory after each rule and its peak"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from reinvent_lint import cli

    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        (site / "_posts").mkdir()
        post = site / "_posts" / "2024-01-01-big.md"
        post.write_text(FM + PARAGRAPH * args.paragraphs)
        (site / ".reinvent-lint.toml").write_text("[limits]\nmax-file-size = 64\n")
        size = post.stat().st_size
        os.chdir(site)
        peak: list[tracemalloc.Snapshot] = []
        highest = [0]

        def sample() -> None:
            while True:
                current, _ = tracemalloc.get_traced_memory()
                if current > highest[0]:
                    highest[0] = current
                    peak[:] = [tracemalloc.take_snapshot()]
                time.sleep(0.05)

        if args.rules:
            _trace_rules()
        tracemalloc.start(1)
        threading.Thread(target=sample, daemon=True).start()
        argv = ["check", "--jobs", "1", "--links", "off", "--no-cache", "--style", "off", str(post.relative_to(site))]
        with open(os.devnull, "w") as out, contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            cli.main(argv)
        traced_peak = max([tracemalloc.get_traced_memory()[1], *_RULE_PEAKS])
        tracemalloc.stop()
    print(f"post {size / 1e6:.1f} MB; traced peak {traced_peak / 1e6:.0f} MB ({traced_peak / size:.1f}x the post)")
    if peak:
        print(f"at the sampled peak ({highest[0] / 1e6:.0f} MB), the largest allocation sites:")
        for stat in peak[0].statistics("lineno")[: args.top]:
            frame = stat.traceback[0]
            print(f"  {stat.size / 1e6:7.1f} MB {stat.count:9,d} blocks  {frame.filename}:{frame.lineno}")


_RULE_PEAKS: list[int] = []  # the traced peak during each rule (reset_peak clears the overall one)


def _trace_rules() -> None:
    """Print, for each rule run on the post, the traced memory after it and the peak during it,
    and for a rule that keeps more than 5 MB, the allocation sites of what it kept."""
    from reinvent_lint.engine import Linter

    capped = Linter._capped

    def traced(self, r, ctx):  # type: ignore[no-untyped-def]
        before, _ = tracemalloc.get_traced_memory()
        snapshot = tracemalloc.take_snapshot()
        tracemalloc.reset_peak()
        found = capped(self, r, ctx)
        after, peak = tracemalloc.get_traced_memory()
        _RULE_PEAKS.append(peak)
        print(
            f"  {r.code:6} before {before / 1e6:6.1f} MB  after {after / 1e6:6.1f} MB  peak {peak / 1e6:6.1f} MB",
            file=sys.__stdout__,
        )
        if after - before > 5e6:
            for stat in tracemalloc.take_snapshot().compare_to(snapshot, "lineno")[:8]:
                frame = stat.traceback[0]
                print(
                    f"         {stat.size_diff / 1e6:+7.1f} MB {stat.count_diff:+9,d} blocks  {frame.filename}:"
                    f"{frame.lineno}",
                    file=sys.__stdout__,
                )
        return found

    Linter._capped = traced  # type: ignore[method-assign]


if __name__ == "__main__":
    main()
