"""What the spelling rules (RL501-RL504) add to a whole-blog check on one core, next to codespell.

Run:  python bench/bench_spelling.py [--blog /work/shared/corpus/nullprogram] [--runs 5]
      python bench/bench_spelling.py --generated [--posts 200]     (no corpus: a generated site)

Each figure is `check --jobs 1 --style off --links off` with the spelling rules selected minus the
same check without them (RL301 and RL401 in both, so parsing and references are paid in both),
the median of `--runs` interleaved runs, as wall time and as CPU time (user+sys of the child: on
a shared machine wall time mostly measures the neighbours). codespell runs on the same files in
the same loop. The blog is copied to a temporary folder first: the result cache writes
`<site>/.reinvent-lint-cache/`, and a shared corpus must not be written to.

- cold: `--no-cache` and `REINVENT_LINT_CACHE_DIR=off`: no cache of any kind; the word data
  loaded from the package (data/lexicon.bin), the site vocabulary derived from every file.
- warm: a second run over the unchanged blog (issue 15's "warm", like ruff's): the persistent
  result cache filled by a previous run of the same command, so unchanged posts are not checked
  again. What the spelling rules add there is their bookkeeping (each file's words digest).
- one post changed: warm, after one post's bytes changed (a trailing newline added, so its words
  stay the same): the speller is built (the word data, the cached site vocabulary) to check it.

Then the speller's build, part by part, in a fresh process each run (CPU, medians): loading the
word data, building its set of every word (what a run over many posts adds), the site
vocabulary (cold; cached, its speller tables included; cached with one post changed) and the
Speller itself (its tables made from the counts, as a run without a cache does; and given from the
cache, as a cached run does).
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
from collections.abc import Callable
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


def measure(source: Path, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        blog = Path(tmp) / "blog"
        shutil.copytree(source, blog, ignore=shutil.ignore_patterns(".git", ".reinvent-lint-cache"), symlinks=True)
        _measure(blog, source, runs)


def _measure(blog: Path, source: Path, runs: int) -> None:
    files = sorted(p for p in blog.rglob("*") if p.suffix in (".md", ".markdown") and p.is_file())
    size = sum(p.stat().st_size for p in files)
    print(f"blog: {source} ({len(files)} Markdown files, {size / 1e6:.1f} MB); {runs} interleaved runs, medians")
    check = [sys.executable, "-m", "reinvent_lint", "check", "--jobs", "1", "--style", "off", "--links", "off"]
    posts = [p for p in files if "_posts" in p.parts] or files
    changed = sorted(posts, key=lambda p: (p.stat().st_size, str(p)))[len(posts) // 2]  # a median post
    original = changed.read_bytes()
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as pycache:
        # bytecode cached as an install has it (this machine sets PYTHONDONTWRITEBYTECODE: every
        # run would compile every module from source, which no user pays)
        base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        base_env.update(PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=pycache)
        cold_env = dict(base_env, REINVENT_LINT_CACHE_DIR="off")
        warm_env = dict(base_env, REINVENT_LINT_CACHE_DIR=cache)
        edits = iter(range(1, 1_000_000))

        def edit() -> None:  # new bytes, the same words: only this post is checked again
            changed.write_bytes(original + b"\n" * next(edits))

        # In each round the post is changed once, before both one-post runs (each rule set has
        # its own cache file: both see the same change), and the warm runs come after them, so
        # both rule sets' caches hold the post as it now is.
        cases: dict[str, tuple[list[str], dict[str, str], Callable[[], None] | None]] = {
            "one post changed": ([], warm_env, edit),
            "warm": ([], warm_env, None),
            "cold": (["--no-cache"], cold_env, None),
        }
        for rules in (BASE, SPELLING):  # fill the warm caches and the bytecode
            run([*check, "--select", rules], blog, warm_env)
        samples: dict[str, list[tuple[float, float]]] = {}
        peer = shutil.which("codespell")
        for _ in range(runs):
            for name, (extra, env, before) in cases.items():
                if before is not None:
                    before()
                for rules in (BASE, SPELLING):
                    samples.setdefault(f"{name} {rules}", []).append(
                        run([*check, *extra, "--select", rules], blog, env)
                    )
            if peer:
                samples.setdefault("codespell", []).append(run([peer, *map(str, files)], blog, base_env))
        changed.write_bytes(original)

    def median(key: str, i: int) -> float:
        return statistics.median(s[i] for s in samples[key])

    for name, target in (("cold", 0.3), ("warm", 0.05), ("one post changed", None)):
        added_wall = median(f"{name} {SPELLING}", 0) - median(f"{name} {BASE}", 0)
        added_cpu = median(f"{name} {SPELLING}", 1) - median(f"{name} {BASE}", 1)
        goal = f"; target <= {target} s" if target is not None else ""
        print(f"spelling rules added, {name}: {added_cpu:+.2f} CPU-s, {added_wall:+.2f} s wall "
              f"(whole check {median(f'{name} {SPELLING}', 1):.2f} CPU-s{goal})")  # fmt: skip
    if peer:
        print(f"codespell on the same files: {median('codespell', 1):.2f} CPU-s, {median('codespell', 0):.2f} s wall")
    else:
        print("codespell not installed (pip install codespell) for the comparison")
    speller_build(blog, changed, runs)


# One run of the speller's build, part by part (CPU seconds, JSON on stdout), in the blog's folder.
_BUILD = """
import json, os, sys, tempfile, time
from pathlib import Path
clock = time.process_time
found = {}
t = clock()
from reinvent_lint.speller import Speller, lexicon
lex = lexicon()
found["speller imported, word data loaded"] = clock() - t
t = clock()
getattr(lex, "build", lambda: lex.values)()
found["its word set built (many posts)"] = clock() - t
from reinvent_lint.jekyll.site import Site
from reinvent_lint.rules.spelling import site_words
root, post = Path.cwd(), Path(sys.argv[1])
os.environ["REINVENT_LINT_CACHE_DIR"] = "off"
t = clock()
counts, code = site_words(Site(root))
found["site vocabulary, cold"] = clock() - t
os.environ["REINVENT_LINT_CACHE_DIR"] = tempfile.mkdtemp()
site_words(Site(root))
t = clock()
site_words(Site(root))
found["site vocabulary, cached"] = clock() - t
original = post.read_bytes()
post.write_bytes(original + b"\\n")
try:
    t = clock()
    site_words(Site(root))
    found["site vocabulary, one post changed"] = clock() - t
finally:
    post.write_bytes(original)
t = clock()
Speller(counts, 3, set(), "", code)
found["Speller()"] = clock() - t
from reinvent_lint.rules import spelling
if hasattr(spelling, "_site_vocabulary"):  # (its tables kept with the cached vocabulary)
    counts, code, tables = spelling._site_vocabulary(Site(root))
    t = clock()
    Speller(counts, 3, set(), "", code, tables)
    found["Speller(), tables cached"] = clock() - t
print(json.dumps(found))
"""


def speller_build(blog: Path, post: Path, runs: int) -> None:
    """The speller's build, part by part: medians of `runs` fresh processes."""
    import json

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(ROOT))
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _BUILD, str(post)], cwd=blog, env=env, capture_output=True,
                             text=True, check=True).stdout  # fmt: skip
        for part, seconds in json.loads(out).items():
            samples.setdefault(part, []).append(seconds)
    print("speller build, CPU ms (medians): " + ", ".join(
        f"{part} {statistics.median(values) * 1000:.0f}" for part, values in samples.items()))  # fmt: skip


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
