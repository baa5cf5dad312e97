"""What the spelling rules (RL501-RL504) add to a whole-blog check on one core, next to codespell.

Run:  python bench/bench_spelling.py [--blog /work/shared/corpus/nullprogram] [--runs 5]
      python bench/bench_spelling.py --generated [--posts 200]     (no corpus: a generated site)

Each figure is `check --jobs 1 --style off --links off` with the spelling rules selected minus the
same check without them (RL301 and RL401 in both, so parsing and references are paid in both),
the median of `--runs` interleaved runs, as wall time and as CPU time (user+sys of the child: on
a shared machine wall time mostly measures the neighbours). codespell runs on the same files in
the same loop.

- cold: `REINVENT_LINT_CACHE_DIR=off`: no cache of any kind; the word data loaded from the
  package (data/lexicon.bin), the site vocabulary derived from every file.
- warm: the cache filled by a previous run: the site vocabulary of unchanged files read from it
  (the per-file result cache, when present, is another engineer's and is not counted here).
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

ROOT = Path(__file__).resolve().parent.parent
SPELLING = "RL301,RL401,RL501,RL502,RL503,RL504"
BASE = "RL301,RL401"


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(blog: Path, runs: int) -> None:
    files = [p for p in blog.rglob("*") if p.suffix in (".md", ".markdown") and ".git" not in p.parts]
    size = sum(p.stat().st_size for p in files)
    print(f"blog: {blog} ({len(files)} Markdown files, {size / 1e6:.1f} MB); {runs} interleaved runs, medians")
    check = [sys.executable, "-m", "reinvent_lint", "check", "--jobs", "1", "--style", "off", "--links", "off"]
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as pycache:
        # bytecode cached as an install has it (this machine sets PYTHONDONTWRITEBYTECODE: every
        # run would compile every module from source, which no user pays)
        base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        base_env.update(PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=pycache)
        envs = {
            "cold": dict(base_env, REINVENT_LINT_CACHE_DIR="off"),
            "warm": dict(base_env, REINVENT_LINT_CACHE_DIR=cache),
        }
        run([*check, "--select", SPELLING], blog, envs["warm"])  # fill the warm cache and the bytecode
        samples: dict[str, list[tuple[float, float]]] = {}
        peer = shutil.which("codespell")
        for _ in range(runs):
            for name, env in envs.items():
                for rules in (BASE, SPELLING):
                    samples.setdefault(f"{name} {rules}", []).append(run([*check, "--select", rules], blog, env))
            if peer:
                samples.setdefault("codespell", []).append(run([peer, *map(str, files)], blog, base_env))

    def median(key: str, i: int) -> float:
        return statistics.median(s[i] for s in samples[key])

    for name, target in (("cold", 0.3), ("warm", 0.05)):
        added_wall = median(f"{name} {SPELLING}", 0) - median(f"{name} {BASE}", 0)
        added_cpu = median(f"{name} {SPELLING}", 1) - median(f"{name} {BASE}", 1)
        print(f"spelling rules added, {name}: {added_cpu:+.2f} CPU-s, {added_wall:+.2f} s wall "
              f"(whole check {median(f'{name} {SPELLING}', 1):.2f} CPU-s; target <= {target} s)")  # fmt: skip
    if peer:
        print(f"codespell on the same files: {median('codespell', 1):.2f} CPU-s, {median('codespell', 0):.2f} s wall")
    else:
        print("codespell not installed (pip install codespell) for the comparison")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--blog", type=Path, default=Path("/work/shared/corpus/nullprogram"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--generated", action="store_true", help="a generated site instead of a blog")
    parser.add_argument("--posts", type=int, default=200)
    args = parser.parse_args()
    if args.generated or not args.blog.is_dir():
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bench_check import build_site

        with tempfile.TemporaryDirectory() as tmp:
            site = Path(tmp) / "site"
            build_site(site, args.posts)
            measure(site, args.runs)
        return 0
    measure(args.blog, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
