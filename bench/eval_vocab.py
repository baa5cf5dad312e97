"""Compare candidate vocabularies for the spelling rules: how many distinct words of the corpus
prose each leaves unknown (nearly all of them false flags) and how many injected typos it
catches (a typo it does not know).

Run after bench/inject_typos.py (which leaves /tmp/rl-inject/<blog>-injected.json):
    PYTHONPATH=.:/tmp/vocab/sp python bench/eval_vocab.py
spylls (a pure-Python hunspell on PyPI that ships en_US) is optional: pip install --target /tmp/vocab/sp spylls
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reinvent_lint.document import Document
from reinvent_lint.prose import iter_words
from reinvent_lint.speller import Speller, lexicon

CORPUS = Path("/work/shared/corpus")
INJECTED = Path("/tmp/rl-inject")


def corpus_words() -> set[str]:
    found: set[str] = set()
    for blog in sorted(CORPUS.iterdir()):
        posts = blog / "_posts"
        for path in sorted(posts.rglob("*.md")) + sorted(posts.rglob("*.markdown")) if posts.is_dir() else []:
            try:
                doc = Document.read(path, path.name, "post")
            except Exception:
                continue
            found.update(w for w, _, _ in iter_words(doc) if len(w) > 2 and not w.isupper())
    return found


def main() -> int:
    words = corpus_words()
    typos = [t["typo"] for f in sorted(INJECTED.glob("*-injected.json")) for t in json.loads(f.read_text())]
    lex = lexicon()
    speller = Speller()
    tech = (Path(__file__).parent.parent / "reinvent_lint/data/tech-words.txt").read_text().splitlines()
    old_tech = {w for line in tech if not line.startswith("#") for w in line.split()}
    base = lambda w: w.lower() in lex.english or w in old_tech
    cspell = lambda w: w in lex.terms or w.lower() in lex.terms_lower or w.lower() in lex.canonical
    candidates: dict[str, Callable[[str], bool]] = {
        "pyspellchecker + hand list (before)": lambda w: base(w),
        "+ cspell dictionaries": lambda w: base(w) or cspell(w),
        "+ cspell + morphology": lambda w: base(w) or cspell(w) or speller.known(w.lower()),
        "+ wordfreq, any word (Zipf >= 1)": lambda w: base(w) or cspell(w) or w.lower() in lex.zipf,
        "+ wordfreq, Zipf >= 2": lambda w: base(w) or cspell(w) or lex.zipf.get(w.lower(), 0) >= 20,
    }
    try:
        from spylls.hunspell import Dictionary

        import spylls

        hun = Dictionary.from_files(str(Path(spylls.__file__).parent / "hunspell/data/en/en_US"))
        candidates["hunspell en_US (spylls)"] = lambda w: hun.lookup(w)
        candidates["hunspell en_US + cspell"] = lambda w: hun.lookup(w) or cspell(w)
    except ImportError:
        print("(spylls not installed: hunspell not measured)")
    print(f"{len(words):,} distinct corpus words, {len(typos):,} injected typos")
    print(f"{'vocabulary':40} {'unknown corpus words':>21} {'typos caught':>13}")
    for name, accepts in candidates.items():
        unknown = sum(1 for w in words if not accepts(w))
        caught = sum(1 for t in typos if not accepts(t))
        print(f"{name:40} {unknown:21,} {caught / max(len(typos), 1):13.1%}")
    warned = sum(1 for w in words if (v := speller.check(w)) is not None and v.is_error)
    anyv = sum(1 for w in words if speller.check(w) is not None)
    caught_w = sum(1 for t in typos if (v := speller.check(t)) is not None and v.is_error)
    caught_a = sum(1 for t in typos if speller.check(t) is not None)
    n = max(len(typos), 1)
    print(f"{'final speller, RL501 warnings':40} {warned:21,} {caught_w / n:13.1%}")
    print(f"{'final speller, RL501 + RL504':40} {anyv:21,} {caught_a / n:13.1%}")
    print("(word-level, without the rule's context: sentence position, link targets, repetition)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
