"""Benchmark the spelling rules (RL501-RL503) on the generated 200-post site, next to codespell.

Run:  python bench/bench_spelling.py [--posts 200] [--runs 3]
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


def main() -> int:
    with generated_site(__doc__ or "", 200) as (args, site, posts):
        typos = inject_typos(posts)
        print(f"site: {len(posts)} posts, {typos} injected typos")
        cmd = [sys.executable, "-m", "reinvent_lint", "check", "--jobs", "1", "--select"]
        # The base run parses every post and extracts its references, which the spelling rules
        # share with the other rules in a normal run.
        base = timed(cmd + ["RL301,RL401"], site, args.runs)
        spelling = timed(cmd + ["RL301,RL401,RL501,RL502,RL503"], site, args.runs)
        print(
            f"spelling rules, suggestions included: {spelling - base:.2f} s on top of parsing ({spelling:.2f} s whole run, one core)   target < 1 s"
        )

        from reinvent_lint import speller as layers

        start = time.perf_counter()
        layers.preload()
        print(f"dictionaries loaded once: {time.perf_counter() - start:.2f} s")
        from reinvent_lint.rules.spelling import speller_for
        from reinvent_lint.site import Site

        checker = speller_for(Site(site), {"site-min-posts": 3, "words": []})
        flagged = set()
        from reinvent_lint.document import Document
        from reinvent_lint.prose import words

        for post in posts:
            for word in words(Document.read(post, post.name, "post")):
                verdict = checker.check(word.text)
                if verdict is not None:
                    flagged.add(word.text)
        start = time.perf_counter()
        for word in flagged:
            checker.suggest(word)
        per_word = (time.perf_counter() - start) / max(len(flagged), 1)
        print(
            f"suggestions: {len(flagged)} distinct flagged words, {per_word * 1000:.2f} ms each on average   target < 5 ms"
        )

        if shutil.which("codespell"):
            peer = timed(["codespell", "_posts"], site, args.runs)
            print(f"codespell _posts (same files): {peer:.2f} s")
        else:
            print("codespell not installed: pip install codespell for the comparison")
    return 0


if __name__ == "__main__":
    sys.exit(main())
