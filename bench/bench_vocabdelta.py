"""The verdicts a vocabulary change can affect (vocabulary_delta.py), on real blogs: for N seeded
random one-post edits per blog (words from other posts added, slips of the post's words added,
words the post used removed), every word of the site is judged by a speller built on the old
vocabulary and on the new one, and the incremental verdicts (the old verdict of each word the
function leaves out, the new one of the others) are compared with the new ones. Prints, per blog
and edit, the mismatches (must be 0), the words judged again, and the CPU time of the incremental
way against judging every word again.

Run:  python bench/bench_vocabdelta.py [--edits 10] [--seed 1] [BLOG ...]
(blogs default to the corpus under ../shared/corpus; not part of the test suite)
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from pathlib import Path

from reinvent_lint.jekyll.site import Site
from reinvent_lint.result_cache import verdict_digest
from reinvent_lint.speller import Speller, code_words_of, words_of
from reinvent_lint.vocabulary_delta import affected_words, changes_between, stems_cross

CORPUS = Path(__file__).resolve().parent.parent.parent.parent / "shared" / "corpus"
MIN_POSTS = 3  # misspelled-word's default `site-min-posts`
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _slip(rng: random.Random, word: str) -> str:
    i = rng.randrange(len(word))
    kind = rng.randrange(4)
    if kind == 0 and len(word) > 2:
        return word[:i] + word[i + 1 :]
    if kind == 1 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 2:
        return word[:i] + rng.choice(LETTERS) + word[i + 1 :]
    return word[:i] + rng.choice(LETTERS) + word[i:]


def _site_words(root: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    site = Site(root)
    words: dict[str, set[str]] = {}
    code: dict[str, set[str]] = {}
    for rel in site.markdown_files():
        try:
            text = (root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        words[rel], code[rel] = words_of(text), code_words_of(text)
    return words, code


def _counts(per_file: dict[str, set[str]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for found in per_file.values():
        counts.update(found)
    return counts


def _edit(rng: random.Random, words: dict[str, set[str]], most: int) -> tuple[str, set[str], str]:
    """A random one-post edit: (the post, its new words, what was done); `most`: words added at most."""
    post = rng.choice(sorted(words))
    mine = set(words[post])
    kind = rng.randrange(3)
    if kind == 0 or not mine:
        other = rng.choice(sorted(words))
        added = set(rng.sample(sorted(words[other]), min(rng.randint(1, most), len(words[other]))))
        return post, mine | added, f"added {len(added - mine)} words of another post"
    if kind == 1:
        slips = {_slip(rng, w) for w in rng.sample(sorted(mine), min(rng.randint(1, 5), len(mine))) if len(w) > 3}
        return post, mine | slips, f"added {len(slips - mine)} slips"
    removed = set(rng.sample(sorted(mine), min(rng.randint(1, 8), len(mine))))
    return post, mine - removed, f"removed {len(removed)} words"


def bench_blog(root: Path, edits: int, seed: int, most: int) -> tuple[int, int]:
    rng = random.Random(seed)
    words, code_per_file = _site_words(root)
    counts = _counts(words)
    code = set().union(*code_per_file.values()) if code_per_file else set()
    table = sorted(counts)  # every word form of the site: more than its prose asks about
    old = Speller(Counter(counts), MIN_POSTS, set(), "", set(code))
    start = time.process_time()
    before = {w: verdict_digest(old.check(w)) for w in table}
    print(f"{root.name}: {len(words)} files, {len(table)} words judged in {time.process_time() - start:.2f} CPU-s")
    total_misses = fallbacks = 0
    for n in range(edits):
        post, new_words, what = _edit(rng, words, most)
        new_per_file = {**words, post: new_words}
        new_counts = _counts(new_per_file)
        changes = changes_between(counts, new_counts, code, code)
        new = Speller(Counter(new_counts), MIN_POSTS, set(), "", set(code))
        start = time.process_time()
        full = {w: verdict_digest(new.check(w)) for w in table}
        full_time = time.process_time() - start
        again = Speller(Counter(new_counts), MIN_POSTS, set(), "", set(code))  # (no verdict memoised yet)
        start = time.process_time()
        if stems_cross(changes, MIN_POSTS, again.lex.dictionary):
            affected: set[str] | None = None
            fallbacks += 1
            incremental = {w: verdict_digest(again.check(w)) for w in table}
        else:
            affected = affected_words(table, changes.keys())
            incremental = {w: verdict_digest(again.check(w)) if w in affected else before[w] for w in table}
        inc_time = time.process_time() - start
        misses = [w for w in table if incremental[w] != full[w]]
        total_misses += len(misses)
        judged = "all (a stem crossed the threshold)" if affected is None else str(len(affected))
        print(
            f"  edit {n}: {what} in {post}: {len(changes)} words changed; judged again {judged}; "
            f"mismatches {len(misses)}{' ' + str(misses[:5]) if misses else ''}; "
            f"CPU {inc_time:.3f} s incremental vs {full_time:.3f} s all"
        )
    return total_misses, fallbacks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("blogs", nargs="*", type=Path)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--words", type=int, default=12, help="words of another post an edit adds, at most")
    args = parser.parse_args()
    blogs = args.blogs or sorted(p for p in CORPUS.iterdir() if p.is_dir())
    results = [bench_blog(blog, args.edits, args.seed, args.words) for blog in blogs]
    misses = sum(r[0] for r in results)
    print(f"mismatches in all: {misses}; every word judged again (a stem crossed): {sum(r[1] for r in results)} edits")
    return 1 if misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
