"""How far below issue 18's cold target ("at most 4x rumdl --no-cache") a Python process can go
at all: what bare Python costs on the same blog, next to rumdl and to our cold check, in one run.

Run:  python bench/bench_floor.py --blog ../shared/corpus/artsy [--runs 5]

Each line is the median wall time (and CPU: user+sys of the child) of `--runs` interleaved runs:
- rumdl check --no-cache (the peer; needs `rumdl` on PATH);
- Python started and ended (`python -c pass`, the interpreter's own start-up);
- Python, markdown-it-py parsing every post (the tool's parser, `markdown._parser`, with its
  inline rules turned on: a linter must see links, code spans and emphasis), the posts split between
  two processes (a fork) as the tool's two workers split them; nothing else: no front matter, no
  site model, no rule, no dictionary;
- the same with the block rules only (the tool reads inline markup with its own scanner);
- reinvent-lint check, its default rules with `--links off` as bench_check.py runs it, cold:
  `--no-cache` and an empty user cache (never run on this blog).

Each figure is followed by its ratio to rumdl in the same run. These floors are not a bench of
the tool: they say what any tool written in Python on markdown-it-py spends before it checks
anything.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARSE = r"""
import os, sys
from pathlib import Path
from reinvent_lint.markdown import _parser
posts = sorted(p for p in Path(sys.argv[1], "_posts").rglob("*") if p.suffix in (".md", ".markdown"))
md = _parser()  # the tool's own markdown-it-py (block rules only), with its inline rules on for "full"
if sys.argv[2] == "full":
    md.enable(["inline", "text_join", "footnote_tail"])
half = len(posts) // 2
pid = os.fork()
mine = posts[half:] if pid == 0 else posts[:half]
for post in mine:
    md.parse(post.read_text(encoding="utf-8", errors="replace"))
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
"""


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of `cmd`, its children included; a run that failed (an exit
    code other than 0, or 1 for findings) stops the bench, so a crash is not timed as a fast run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"bench_floor: {' '.join(cmd[:4])} exited with {done.returncode}: {done.stderr.decode()[-500:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blog", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rumdl = shutil.which("rumdl")
    if rumdl is None:
        sys.exit("bench_floor: rumdl is not on PATH (pip install rumdl into a folder, add its bin to PATH)")
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp, "site")
        shutil.copytree(args.blog, site, ignore=shutil.ignore_patterns(".reinvent-lint-cache"))
        env = {**os.environ, "TZ": "UTC"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cases: dict[str, list[str]] = {
            "rumdl check --no-cache": [rumdl, "check", "--no-cache", "."],
            "Python start-up alone": [python, "-c", "pass"],
            "Python + markdown-it-py, block and inline, 2 processes": [python, "-c", PARSE, str(site), "full"],
            "Python + markdown-it-py, block rules only, 2 processes": [python, "-c", PARSE, str(site), "block"],
            # as bench_check.py runs it: the default text report, without the external links
            "reinvent-lint check, cold (no cache of any kind)": [
                python,
                "-m",
                "reinvent_lint",
                "check",
                "--links",
                "off",
                "--no-cache",
            ],
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for n in range(args.runs + 1):
            for name, cmd in cases.items():
                user_cache = Path(tmp, f"user-cache-{n}-{len(times[name])}")
                one = run(cmd, site, {**env, "REINVENT_LINT_CACHE_DIR": str(user_cache)})
                if n:  # the first round warms the file system and the bytecode
                    times[name].append(one)
        base = statistics.median([wall for wall, _ in times["rumdl check --no-cache"]])
        posts = sum(1 for p in Path(site, "_posts").rglob("*") if p.suffix in (".md", ".markdown"))
        print(f"blog: {args.blog} ({posts} posts); medians of {args.runs} interleaved runs")
        print(f"issue 18's cold target, 4x rumdl: {4 * base:.3f} s")
        for name, measured in times.items():
            wall = statistics.median([w for w, _ in measured])
            cpu = statistics.median([c for _, c in measured])
            print(f"{name}: {wall:.3f} s (CPU {cpu:.3f} s)   {wall / base:.1f}x rumdl")


if __name__ == "__main__":
    main()
