"""Spelling, in cheap layers, loaded once per process:

1. known misspellings (codespell's `dictionary.txt`, read from the installed codespell package:
   a derivative of Wikipedia's lists of common misspellings, CC BY-SA 3.0; we read it, we do not
   ship it), for precise flags and excellent suggestions;
2. pyspellchecker's English dictionary (MIT) with word frequencies, for recall;
3. our technology vocabulary (`data/tech-words.txt`, written by us, MIT);
4. the site's own vocabulary: words used in several posts, learned per run;
5. accept lists: `.reinvent-lint/words.txt`, the rule's `words` option, `spelling_ignore:`.

Suggestions: the misspelling list first, then words one edit away, ranked by how often the site
uses them and then by English frequency. Distance-1 only: ~1 ms a word, where pyspellchecker's
distance-2 `correction()` costs 0.1-1 s.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import cache

_DATA = Path(__file__).parent / "data"
_LETTERS = "abcdefghijklmnopqrstuvwxyz'"


def _codespell_path(name: str) -> Path | None:
    spec = importlib.util.find_spec("codespell_lib")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data" / name


def _file_key(path: Path | None) -> str:
    try:
        stat = path.stat() if path else None
    except OSError:
        stat = None
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}" if stat else "missing"


def _codespell_data(name: str) -> list[str]:
    """Lines of one of codespell's data files, found without importing codespell."""
    path = _codespell_path(name)
    if path is None:
        return []
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


@lru_cache(maxsize=1)
def british() -> frozenset[str]:
    """British spellings (codespell's en-GB to en-US list): correct on a British author's blog."""
    return frozenset(
        line.partition("->")[0].strip() for line in _codespell_data("dictionary_en-GB_to_en-US.txt") if "->" in line
    )


class Misspellings:
    """codespell's main list, `wrong->right`, `wrong->right1, right2,` (several) or
    `wrong->right, reason`. Split once into a dict; the fixes of an entry are parsed on lookup."""

    def __init__(self, raw: dict[str, str]) -> None:
        self._raw = raw

    @classmethod
    def from_lines(cls, lines: list[str]) -> Misspellings:
        return cls(dict(line.split("->", 1) for line in lines if "->" in line))

    def __len__(self) -> int:
        return len(self._raw)

    def get(self, wrong: str) -> list[str] | None:
        right = self._raw.get(wrong)
        if right is None:
            return None
        parts = [p.strip() for p in right.split(",")]
        return [p for p in parts if p] if right.rstrip().endswith(",") else parts[:1]


@lru_cache(maxsize=1)
def misspellings() -> Misspellings:
    """codespell's main list; empty when codespell is not installed."""
    key = _file_key(_codespell_path("dictionary.txt"))
    raw = cache.load("misspellings", key)
    if not isinstance(raw, dict):
        raw = Misspellings.from_lines(_codespell_data("dictionary.txt"))._raw
        cache.store("misspellings", key, raw)
    return Misspellings(raw)


@lru_cache(maxsize=1)
def tech_words() -> tuple[frozenset[str], dict[str, str]]:
    """(exact forms, lower -> canonical form for words written with capitals)."""
    exact: set[str] = set()
    canonical: dict[str, str] = {}
    for line in (_DATA / "tech-words.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        for word in line.split():
            exact.add(word)
            if word != word.lower():
                canonical.setdefault(word.lower(), word)
    return frozenset(exact), canonical


class English:
    """pyspellchecker's English word frequencies, as a plain dict (cached on disk: building
    pyspellchecker's dictionary costs ~0.16 s, reading the cached copy ~0.02 s)."""

    def __init__(self, frequencies: dict[str, int]) -> None:
        self.frequencies = frequencies
        self.total = float(sum(frequencies.values())) or 1.0

    def __contains__(self, word: str) -> bool:
        return word in self.frequencies

    def word_usage_frequency(self, word: str) -> float:
        return self.frequencies.get(word, 0) / self.total


@lru_cache(maxsize=1)
def english() -> English:
    spec = importlib.util.find_spec("spellchecker")
    folder = Path(next(iter(spec.submodule_search_locations))) if spec and spec.submodule_search_locations else None
    key = _file_key(folder / "resources" / "en.json.gz" if folder else None)
    frequencies = cache.load("english", key)
    if not isinstance(frequencies, dict):
        from spellchecker import SpellChecker

        frequencies = dict(SpellChecker(distance=1).word_frequency.dictionary)
        cache.store("english", key, frequencies)
    return English(frequencies)


def preload() -> None:
    """Load every layer now (before worker processes fork, so they share it)."""
    misspellings()
    british()
    tech_words()
    english()


# British spellings by their regular endings, checked against the American dictionary form.
_GB_TO_US = [
    (re.compile(r"our(?=(?:s|ed|ing|ite|ites|hood|hoods|able|ful|less)?$)"), "or"),  # colour, neighbourhood
    (re.compile(r"ll(?=(?:ed|ing|er|ers)$)"), "l"),  # labelled, travelling
    (re.compile(r"is(?=(?:e|es|ed|ing|ation|ations|er|ers)$)"), "iz"),  # realise, organisation
    (re.compile(r"ys(?=(?:e|es|ed|ing)$)"), "yz"),  # analyse
    (re.compile(r"ogue(?=s?$)"), "og"),  # catalogue
    (re.compile(r"ence(?=s?$)"), "ense"),  # licence, defence
]


def _british_form(lower: str) -> bool:
    if lower in british():
        return True
    speller = english()
    for pattern, us in _GB_TO_US:
        american = pattern.sub(us, lower, count=1)
        if american != lower and american in speller:
            return True
    return False


_SITE_WORD = re.compile(r"[A-Za-z][A-Za-z']*[A-Za-z]")


def words_of(text: str) -> set[str]:
    """The distinct word forms of a text (case kept), for the site vocabulary."""
    return set(_SITE_WORD.findall(text))


def site_vocabulary(texts: list[str]) -> Counter[str]:
    """How many of the texts use each word form (case kept)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(words_of(text))
    return counts


@dataclass
class Verdict:
    word: str
    reason: str  # "misspelling", "unknown", "miscased", or "name" (capitalised, one edit from a known name)
    suggestions: list[str] = field(default_factory=list)


def _match_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper() and word == word.lower():
        return word[:1].upper() + word[1:]
    return word


class Speller:
    """Judges words against the layers; memoises per word."""

    def __init__(
        self, site_counts: Counter[str] | None = None, min_posts: int = 3, accepted: set[str] | None = None
    ) -> None:
        self.site_counts = site_counts or Counter()
        self.min_posts = min_posts
        self.accepted = accepted or set()
        self.accepted_lower = {w.lower() for w in self.accepted}
        self.frequent = {w for w, n in self.site_counts.items() if n >= min_posts}
        self.frequent_lower: dict[str, str] = {}
        for w in sorted(self.frequent, key=lambda w: -self.site_counts[w]):
            self.frequent_lower.setdefault(w.lower(), w)
        self._memo: dict[str, Verdict | None] = {}

    def check(self, word: str) -> Verdict | None:
        """The verdict on a word, memoised."""
        try:
            return self._memo[word]
        except KeyError:
            verdict = self._memo[word] = self._judge(word)
            return verdict

    def _known(self, lower: str) -> bool:
        exact, canonical = tech_words()
        return (
            lower in english() or lower in exact or lower in canonical or _british_form(lower)
            or lower in self.accepted_lower or lower in self.frequent_lower
        )  # fmt: skip

    def _judge(self, word: str) -> Verdict | None:
        exact, canonical = tech_words()
        lower = word.lower()
        if word in exact or word in self.accepted or word in self.frequent or len(word) < 2:
            return None
        has_inner_capital = any(c.isupper() for c in word[1:]) and not word.isupper()
        official = canonical.get(lower)
        official_mixed = (
            official is not None and official != official.upper() and any(c.isupper() for c in official[1:])
        )
        if (
            official
            and word != official
            and (has_inner_capital or (official_mixed and word != lower and lower not in english()))
        ):
            return Verdict(word, "miscased", [official])  # CloudFRont, RedShift, Cloudwatch
        if re.fullmatch(r"[A-Z]{2,}s", word):
            return None  # an acronym's plural: VPCs, DBs
        if has_inner_capital:
            near = [canonical[c] for c in self._edits(lower) if c in canonical]
            return (
                Verdict(word, "unknown", near[:3]) if near and not official else None
            )  # PostgresSQL; else an identifier
        if word.isupper() and len(word) <= 6:
            return None  # acronyms
        fixes = misspellings().get(lower)
        if fixes and lower not in english() and not _british_form(lower):
            return Verdict(word, "misspelling", [_match_case(word, f) for f in fixes][:3])
        if self._known(lower) or len(word) < 3:
            return None
        if word[:1].isupper():
            # A capitalised unknown word is usually a name. Flag it only when it is one edit
            # from a name the site or our vocabulary knows (Redit -> Redis, Postres -> Postgres).
            named = self.suggest(word, names_only=True)
            return Verdict(word, "name", named) if named else None
        return Verdict(word, "unknown", self.suggest(word))

    def suggest(self, word: str, names_only: bool = False) -> list[str]:
        """At most three corrections, most likely first: words the site uses often, then words
        that keep the typo's first and last letters (a dropped or doubled letter inside a word is
        the commonest slip), then English frequency."""
        lower = word.lower()
        exact, canonical = tech_words()
        speller = english()
        scored = []
        for c in self._edits(lower):
            site = self.site_counts[self.frequent_lower[c]] if c in self.frequent_lower else 0
            tech = c in canonical or c in exact
            if not (site or tech or c in speller):
                continue
            if names_only and not (c in canonical or (site and self.frequent_lower[c][:1].isupper())):
                continue  # a name: written with capitals in the vocabulary or on the site
            ends = (c[:1] == lower[:1]) + (c[-1:] == lower[-1:])
            frequency = speller.word_usage_frequency(c) if c in speller else 1e-7
            form = self.frequent_lower.get(c) or canonical.get(c) or c
            scored.append((-site, -ends, -frequency, form))
        scored.sort()
        return [_match_case(word, form) if form == form.lower() else form for *_, form in scored[:3]]

    @staticmethod
    def _edits(word: str) -> set[str]:
        splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
        deletes = [a + b[1:] for a, b in splits if b]
        transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
        replaces = [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
        inserts = [a + c + b for a, b in splits for c in _LETTERS]
        return set(deletes + transposes + replaces + inserts) - {word}


def clear_winner(verdict: Verdict, speller: Speller) -> str | None:
    """The suggestion worth an (unsafe) fix: a single one, or one far ahead of the next."""
    s = verdict.suggestions
    if not s:
        return None
    if verdict.reason in ("misspelling", "miscased", "name"):
        return s[0] if len(s) == 1 else None
    if len(s) == 1:
        return s[0]
    first, second = s[0].lower(), s[1].lower()
    if first in speller.frequent_lower and second not in speller.frequent_lower:
        return s[0]
    eng = english()
    if eng.word_usage_frequency(first) > 20 * max(eng.word_usage_frequency(second), 1e-12):
        return s[0]
    return None
