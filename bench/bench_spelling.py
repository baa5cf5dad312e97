"""Benchmark the spelling rules (RL501-RL503) on the generated 200-post site, next to codespell.

Run:  python bench/bench_spelling.py [--posts 200] [--runs 3]   (RL501-RL504)
Typos are injected into the generated posts (a letter dropped from about one word in 400) so
suggestions are exercised. Prints: the whole spelling run (process start, parse, dictionaries,
suggestions) on one core, the dictionary load, the mean cost of a suggestion per flagged word,
and codespell's time on the same files (`pip install codespell`).
"""

from __future__ import annotations

import random
import re
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import generated_site, timed


def inject_typos(posts: list[Path], rate: int = 400, seed: int = 7) -> int:
    rng = random.Random(seed)
    count = 0

    def maybe(m: re.Match[str]) -> str:
        nonlocal count
        word = m.group()
        if len(word) > 5 and rng.randrange(rate) == 0:
            count += 1
            i = rng.randrange(1, len(word) - 1)
            return word[:i] + word[i + 1 :]
        return word

    for post in posts:
        head, sep, body = post.read_text(encoding="utf-8").partition("\n---\n")
        post.write_text(head + sep + re.sub(r"(?<![`/\w.])[a-z]{6,}(?![`/\w.])", maybe, body), encoding="utf-8")
    return count


def _env(cache: str) -> dict[str, str]:
    import os

    return dict(os.environ, REINVENT_LINT_CACHE_DIR=cache)


def _timed(cmd: list[str], cwd: Path, runs: int, env: dict[str, str]) -> float:
    import statistics
    import subprocess

    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    import tempfile

    with generated_site(__doc__ or "", 200) as (args, site, posts):
        typos = inject_typos(posts)
        size = sum(p.stat().st_size for p in posts)
        print(f"site: {len(posts)} posts, {size / 1e6:.1f} MB, {typos} injected typos")
        cmd = [sys.executable, "-m", "reinvent_lint", "check", "--jobs", "1", "--style", "off", "--links", "off"]
        # The base run parses every post and extracts its references, which the spelling rules
        # share with the other rules in a normal run.
        base_rules = ["--select", "RL301,RL401"]
        all_rules = ["--select", "RL301,RL401,RL501,RL502,RL503,RL504"]
        cold = _env("off")  # no cache: dictionaries built from their sources
        with tempfile.TemporaryDirectory() as folder:
            warm = _env(folder)
            _timed(cmd + all_rules, site, 1, warm)  # fill the cache
            for name, env in (("cold (no cache)", cold), ("warm (cache filled)", warm)):
                base = _timed(cmd + base_rules, site, args.runs, env)
                spelling = _timed(cmd + all_rules, site, args.runs, env)
                print(f"spelling rules, {name}: +{spelling - base:.2f} s on top of parsing "
                      f"({spelling:.2f} s whole run, one core)   target: cold <= 0.3 s, warm <= 0.05 s")  # fmt: skip

        from reinvent_lint import speller as layers

        start = time.perf_counter()
        layers.preload()
        print(f"dictionaries loaded once (this process's cache setting): {time.perf_counter() - start:.2f} s")

        if shutil.which("codespell"):
            peer = timed(["codespell", "_posts"], site, args.runs)
            print(f"codespell _posts (same files): {peer:.2f} s")
        else:
            print("codespell not installed: pip install codespell for the comparison")
    return 0


if __name__ == "__main__":
    sys.exit(main())
