"""Recall of the spelling rules by position: inject seeded keyboard typos into copies of real
blogs and count how many RL501 (warning) and RL501+RL504 (any level) find.

Run:  python bench/inject_typos.py [--corpus /work/shared/corpus] [--blog NAME ...] [--seed 1] [--per-post 1]
      python bench/inject_typos.py --blog artsy --per-post 3 --seeds 8 --kind include-alt  (a rare kind: 8 seeds)

For each blog a copy is made under /tmp/rl-inject/<blog>. In each post, at most `--per-post`
words of 5 or more letters per kind of position get one random keyboard edit (delete, insert,
substitute with a neighbouring key, or transpose). A typo that is a dictionary word (a word of
the English dictionary, the cspell terms, their regular forms, or a word the site uses) is
rejected and another word is tried. Kinds: prose, link-first, link-last, emphasis-first,
emphasis-last, heading, include-alt, html-alt, title. Alt texts (include parameters, HTML) are
rare, so up to ten times `--per-post` of them are edited per post, to get a sample that means
something. Positions are picked from the raw text
(references, headings, Liquid include parameters, front matter), not from the rule's prose
reader, so a position the reader skips shows up as a miss.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reinvent_lint.document import Document  # noqa: E402
from reinvent_lint.jekyll.liquid import include_params  # noqa: E402
from reinvent_lint.jekyll.references import references  # noqa: E402
from reinvent_lint.speller import Speller  # noqa: E402

ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
NEAR: dict[str, str] = {}
for r, row in enumerate(ROWS):
    for c, ch in enumerate(row):
        near = [row[i] for i in (c - 1, c + 1) if 0 <= i < len(row)]
        for rr in (r - 1, r + 1):
            if 0 <= rr < len(ROWS):
                near += [ROWS[rr][i] for i in (c - 1, c, c + 1) if 0 <= i < len(ROWS[rr])]
        NEAR[ch] = "".join(sorted(set(near)))
# a word, not an identifier: nothing glued that makes it a path, a URL, code or a `$variable`
WORD = re.compile(r"(?<![\w/.@#&=`\\$-])[A-Za-z]{5,}(?![\w/@#&=`\\-])(?!\.\w)")
SPARSE = 10  # include and HTML alt texts are few per post: up to ten times --per-post typos there
EMPHASIS = re.compile(r"(?<![*_\w])(\*\*?|__?)(?=\S)([^*_\n]+?)(?<=\S)\1(?![*_\w])")


def keyboard_typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)  # keep the first letter: that is how people slip
    kind = rng.choice(["delete", "insert", "substitute", "transpose"])
    ch = word[i].lower()
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "insert":
        return word[:i] + rng.choice(NEAR.get(ch, "e")) + word[i:]
    if kind == "substitute":
        return word[:i] + rng.choice(NEAR.get(ch, "e")) + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :] if word[i] != word[i + 1] else word[:i] + word[i + 1 :]


def positions(doc: Document) -> dict[str, list[tuple[int, str]]]:
    """Candidate (offset, word) per kind, from the raw text."""
    text = doc.text
    found: dict[str, list[tuple[int, str]]] = defaultdict(list)
    taken: list[tuple[int, int]] = []

    def words_in(start: int, end: int) -> list[tuple[int, str]]:
        return [(start + m.start(), m.group()) for m in WORD.finditer(text[start:end])]

    def bad(offset: int) -> bool:
        return doc.in_code(offset) or doc.liquid_at(offset) is not None

    table_lines = {n for b in doc.blocks if b.kind == "table" for n in range(b.first_line, b.last_line + 1)}
    for ref in references(doc):
        if (
            ref.kind == "link"
            and ref.liquid is None
            and ref.text
            and text[ref.label_start] == "["
            and text[ref.label_start - 1 : ref.label_start] != "]"  # `[text][label] (aside)` is no link
            and text[ref.label_start + 1 + len(ref.text) : ref.label_start + 3 + len(ref.text)] == "]("
        ):
            start = ref.label_start + 1
            end = start + len(ref.text)
            taken.append((ref.label_start, ref.end))
            if doc.position(ref.label_start)[0] in table_lines:
                continue
            words = [w for w in words_in(start, end) if not bad(w[0])]
            if len(words) >= 1 and WORD.fullmatch(ref.text.split()[0]):
                found["link-first"].append(words[0])
            if len(words) >= 2 and WORD.fullmatch(ref.text.split()[-1]):
                found["link-last"].append(words[-1])
    for seg_start, seg_end in doc.inline_segments:
        for m in EMPHASIS.finditer(text, seg_start, seg_end):
            if bad(m.start()) or doc.position(m.start())[0] in table_lines:
                continue
            taken.append((m.start(), m.end()))
            words = words_in(m.start(2), m.end(2))
            inner = m.group(2).split()
            if words and WORD.fullmatch(inner[0]):
                found["emphasis-first"].append(words[0])
            if len(words) >= 2 and WORD.fullmatch(inner[-1]):
                found["emphasis-last"].append(words[-1])
    heading_lines = set()
    for h in doc.headings:
        heading_lines.add(h.line)
        found["heading"] += [w for w in words_in(h.text_start, h.text_end) if not bad(w[0])]
    for span in doc.liquid.spans:
        if span.kind == "tag" and span.name == "include" and not doc.in_code(span.start):
            for p in include_params(text, span)[1]:
                if p.name in ("alt", "caption", "alt_text", "title") and p.quoted and "{" not in p.value:
                    found["include-alt"] += words_in(p.value_start, p.value_end)
        elif span.kind == "tag" and not doc.in_code(span.start):
            for m in re.finditer(r"\bcaption:\s*\"([^\"{]*)\"", text[span.start : span.end]):
                found["tag-caption"] += words_in(span.start + m.start(1), span.start + m.end(1))
    for m in re.finditer(r"<img\b[^>]*?\balt=\"([^\"{]*)\"", text[doc.body_offset :]):
        if not bad(doc.body_offset + m.start()):
            found["html-alt"] += words_in(doc.body_offset + m.start(1), doc.body_offset + m.end(1))
    fm = doc.front_matter
    if fm and fm.data and isinstance(fm.data.get("title"), str) and fm.scalars.get("title"):
        scalar = fm.scalars["title"][0]
        found["title"] += words_in(fm.yaml_start + scalar.start, fm.yaml_start + scalar.end)
    for m in re.finditer(r"\]\[[^\]\n]+\]", text):  # `[text][label]`: the label is not shown
        taken.append((m.start(), m.end()))
    blocks = [b for b in doc.blocks if b.kind == "paragraph"]
    for b in blocks:
        if b.first_line in heading_lines:
            continue
        if b.first_line in table_lines:
            continue
        for offset, word in words_in(b.start, b.end):
            if bad(offset) or any(a <= offset < z for a, z in taken) or "<" in text[b.start : b.end]:
                continue
            if word.islower():
                found["prose"].append((offset, word))
    return found


def inject(blog: Path, out: Path, seed: int, per_post: int) -> list[dict[str, object]]:
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(blog, out, ignore=shutil.ignore_patterns(".git"))
    from reinvent_lint.rules.spelling import site_word_counts
    from reinvent_lint.jekyll.site import Site

    speller = Speller(site_word_counts(Site(out)))
    rng = random.Random(seed)
    injected = []
    for path in sorted((out / "_posts").rglob("*.md")) + sorted((out / "_posts").rglob("*.markdown")):
        rel = path.relative_to(out).as_posix()
        try:
            doc = Document.read(path, rel, "post")
        except Exception:
            continue
        edits = []
        used: set[int] = set()
        edited: set[str] = set()
        for kind, candidates in sorted(positions(doc).items()):
            candidates = [c for c in candidates if c[0] not in used and speller.check(c[1]) is None]
            # one typo per word per post: a typo written three times in a post reads as deliberate
            candidates = [c for c in candidates if c[1].lower() not in edited]
            rng.shuffle(candidates)
            done = 0
            for offset, word in candidates:
                if done >= (per_post * SPARSE if kind in ("include-alt", "html-alt") else per_post):
                    break
                if word.lower() in edited:
                    continue
                typo = keyboard_typo(word, rng)
                lower = typo.lower()
                if len(typo) < 4 or speller.known(lower) or speller.site_uses(lower) or typo == word:
                    continue
                edits.append((offset, word, typo, kind))
                used.add(offset)
                edited.add(word.lower())
                done += 1
        text = doc.text
        for offset, word, typo, _ in sorted(edits, reverse=True):
            text = text[:offset] + typo + text[offset + len(word) :]
        if edits:
            path.write_text(text, encoding="utf-8")
            for offset, word, typo, kind in edits:
                line = doc.text.count("\n", 0, offset) + 1
                injected.append({"path": rel, "line": line, "word": word, "typo": typo, "kind": kind})
    return injected


def findings(copy: Path) -> list[dict[str, object]]:
    cmd = [sys.executable, "-P", "-m", "reinvent_lint", "check", "--format", "json", "--links", "off", "--style", "off",
           "--select", "RL501,RL504", "--jobs", "1"]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(cmd, cwd=copy, capture_output=True, text=True, env=env, check=False)
    return list(json.loads(result.stdout)["problems"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=Path("/work/shared/corpus"))
    parser.add_argument("--blog", action="append")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--seeds", type=int, default=1, help="run seeds SEED..SEED+N-1 and add the counts up (rare kinds need it)"
    )
    parser.add_argument("--kind", action="append", help="print only these kinds (after the run)")
    parser.add_argument("--per-post", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("/tmp/rl-inject"))
    parser.add_argument("--misses", action="store_true", help="print the typos that were missed")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}")
        return 0
    blogs = args.blog or sorted(p.name for p in args.corpus.iterdir() if (p / "_posts").is_dir())
    total: Counter[str] = Counter()
    warned: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    runs = [(blog, seed) for seed in range(args.seed, args.seed + args.seeds) for blog in blogs]
    for blog, seed in runs:
        copy = args.out / blog
        injected = inject(args.corpus / blog, copy, seed, args.per_post)
        (args.out / f"{blog}-injected.json").write_text(json.dumps(injected), encoding="utf-8")
        problems = findings(copy)
        by_line = defaultdict(list)
        for p in problems:
            by_line[(p["path"], p["line"])].append(p)
        for item in injected:
            kind = str(item["kind"])
            total[kind] += 1
            hits = [p for p in by_line[(item["path"], item["line"])] if f'"{item["typo"]}"' in str(p["message"])]
            if any(p["code"] == "RL501" for p in hits):
                warned[kind] += 1
            elif args.misses:
                level = "info" if hits else "none"
                print(
                    f"  missed {blog} {item['kind']} [{level}]: {item['word']} -> {item['typo']}"
                    f"  {item['path']}:{item['line']}" + (f"  seed {seed}" if args.seeds > 1 else "")
                )
            if hits:
                seen[kind] += 1
    print(f"{'kind':16} {'typos':>6} {'RL501':>7} {'any level':>10}")
    for kind in sorted(total):
        if args.kind and kind not in args.kind:
            continue
        n = total[kind]
        print(f"{kind:16} {n:6} {warned[kind] / n:7.0%} {seen[kind] / n:10.0%}")
    n = sum(total.values())
    print(f"{'all':16} {n:6} {sum(warned.values()) / n:7.0%} {sum(seen.values()) / n:10.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
