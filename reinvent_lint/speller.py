"""Spelling, from well-kept word data, loaded once per process (sources and licences: data/README.md).

Layers:
1. known misspellings: codespell's list (read from the installed codespell package) and cspell's
   corrections of software terms: precise flags with good suggestions; they win over frequencies;
2. a clean English dictionary (pyspellchecker's, plus British forms) and the cspell dictionaries
   of software terms, companies and cloud products (case kept: `GitHub`, `kubectl`), with the
   regular morphology of their words (plurals, -er, -ing, -ed; re-, un-, de-);
3. word frequencies (wordfreq's large English list, as Zipf values): to tell a rare word one edit
   from a much more common one (a typo) from a rare word that is simply rare (jargon, a name);
4. the site's own vocabulary: words used in several posts, unless they look like typos of a
   much more frequent site word;
5. accept lists: `.reinvent-lint/words.txt`, the rule's `words` option, `spelling_ignore:`.

Verdicts: "misspelling" (a known misspelling), "typo" (a rare word one edit from a much more
common word), "miscased" (`Github`), "name" (a capitalised unknown one edit from a known name),
"locale" (the other locale's spelling, when one is configured), and "unknown" (none of these:
reported at info by RL504). Suggestions are words one edit away, ranked by site use, then
frequency, then the word itself, so ties never depend on hash order.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import cache

_DATA = Path(__file__).parent / "data"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
FORMAT = 3  # bump when the lexicon's cached shape changes

# A typo: a one-edit neighbour at least TYPO_GAP Zipf units (x10) more frequent than the word,
# and itself common (at least COMMON, about once in 100,000 words).
TYPO_GAP = 20
COMMON = 20
LONG = 8  # a word this long one edit from any dictionary word is a typo, however rare the word
ATTESTED = 20  # a word this frequent on the web is not reported as unknown
SITE_RATIO = 5  # a site word this many times less used than a one-edit neighbour is a typo of it


def _codespell_path(name: str) -> Path | None:
    spec = importlib.util.find_spec("codespell_lib")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data" / name


def _spellchecker_path() -> Path | None:
    spec = importlib.util.find_spec("spellchecker")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "en.json.gz"


def _file_key(path: Path | None) -> str:
    try:
        stat = path.stat() if path else None
    except OSError:
        stat = None
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}" if stat else "missing"


def _lines(path: Path | None) -> list[str]:
    if path is None:
        return []
    try:
        data = path.read_bytes()
    except OSError:
        return []
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8").splitlines()


class Misspellings:
    """`wrong->right`, `wrong->right1, right2,` (several) or `wrong->right, reason` (codespell's
    format). Kept raw; the fixes of an entry are parsed on lookup."""

    def __init__(self, raw: dict[str, str]) -> None:
        self._raw = raw

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> Misspellings:
        return cls(dict(line.split("->", 1) for line in lines if "->" in line))

    def __len__(self) -> int:
        return len(self._raw)

    def get(self, wrong: str) -> list[str] | None:
        right = self._raw.get(wrong)
        if right is None:
            return None
        parts = [p.strip() for p in right.split(",")]
        return [p for p in parts if p] if right.rstrip().endswith(",") else parts[:1]


@dataclass(frozen=True)
class Lexicon:
    english: frozenset[str]  # clean dictionary words, lower case
    zipf: dict[str, int]  # wordfreq Zipf x10, lower case
    terms: frozenset[str]  # cspell terms and names as written (`GitHub`, `kubectl`, `Ada`)
    terms_lower: frozenset[str]  # lower-case terms: accepted in any case
    canonical: dict[str, str]  # lower -> the form with capitals (`github` -> `GitHub`)
    names: frozenset[str]  # lower case of the capitalised terms that are products (suggestable)
    british: dict[str, str]  # British -> American (codespell's en-GB list)
    people: frozenset[str]  # lower case of people's names (cspell's list)
    misspellings: Misspellings


def _sources() -> list[Path | None]:
    return [
        _codespell_path("dictionary.txt"),
        _codespell_path("dictionary_en-GB_to_en-US.txt"),
        _spellchecker_path(),
        _DATA / "wordfreq-en.txt.gz",
        _DATA / "cspell-terms.txt.gz",
        _DATA / "cspell-people-names.txt.gz",
        _DATA / "cspell-misspellings.txt",
        _DATA / "tech-words.txt",
    ]


def _build() -> tuple[Any, ...]:
    import json

    path = _spellchecker_path()
    english: list[str] = []
    if path is not None:
        try:
            english = sorted(json.loads(gzip.decompress(path.read_bytes())))
        except (OSError, ValueError):
            english = []
    zipf = {}
    for line in _lines(_DATA / "wordfreq-en.txt.gz"):
        word, _, value = line.partition(" ")
        zipf[word] = int(value)
    misspelt = dict(line.split("->", 1) for line in _lines(_codespell_path("dictionary.txt")) if "->" in line)
    for line in _lines(_DATA / "cspell-misspellings.txt"):
        wrong, _, right = line.partition("->")
        if wrong and right and wrong not in misspelt:
            misspelt[wrong] = right
    british = {}
    for line in _lines(_codespell_path("dictionary_en-GB_to_en-US.txt")):
        gb, _, us = line.partition("->")
        if us:
            british[gb.strip()] = us.split(",")[0].strip()
    terms = _lines(_DATA / "cspell-terms.txt.gz")
    terms += [w for line in _lines(_DATA / "tech-words.txt") if not line.startswith("#") for w in line.split()]
    people = _lines(_DATA / "cspell-people-names.txt.gz")
    return english, zipf, terms, people, misspelt, british


def lexicon() -> Lexicon:
    """Every word layer: in memory once `preload` ran (a run over many files), else read word by
    word from the on-disk store (lexicon_store.py: a one-post run looks up a few thousand words)."""
    global _LAZY
    if _FULL is not None:
        return _FULL
    if _LAZY is None:
        from . import lexicon_store

        key = _key() + "|" + ",".join(f.name for f in fields(Lexicon))
        _LAZY = lexicon_store.open_store(key, Lexicon)
        if _LAZY is None:
            _LAZY = _full_lexicon()
            lexicon_store.save(key, _LAZY)
    return _LAZY


_LAZY: Lexicon | None = None
_FULL: Lexicon | None = None


def _key() -> str:
    return f"{FORMAT}|" + "|".join(_file_key(p) for p in _sources())


def _full_lexicon() -> Lexicon:
    """Every word layer in memory, from one marshal file in the cache (built from the sources on a miss)."""
    global _FULL
    if _FULL is not None:
        return _FULL
    key = _key()
    raw = cache.load("lexicon", key)
    if not isinstance(raw, tuple) or len(raw) != 6:
        raw = _build()
        cache.store("lexicon", key, raw)
    english, zipf, terms, people, misspelt, british = raw
    canonical: dict[str, str] = {}
    for word in sorted(terms, key=lambda w: (w.isupper(), w)):  # mixed case before ALL CAPS
        if word != word.lower():
            canonical.setdefault(word.lower(), word)
    names = frozenset(canonical)
    for word in people:
        if word[:1].isupper():
            canonical.setdefault(word.lower(), word)
    _FULL = Lexicon(
        frozenset(english), zipf, frozenset(terms) | frozenset(people),
        frozenset(w for w in terms if w == w.lower()), canonical, names, british,
        frozenset(w.lower() for w in people if w[:1].isupper()), Misspellings(misspelt),
    )  # fmt: skip
    return _FULL


def preload() -> None:
    """Load every layer into memory now (before worker processes fork, so they share it)."""
    _full_lexicon()


def misspellings() -> Misspellings:
    return lexicon().misspellings


# British spellings by their regular endings, checked against the American dictionary form.
_GB_TO_US = [
    (re.compile(r"our(?=(?:s|ed|ing|ite|ites|hood|hoods|able|ful|less)?$)"), "or"),  # colour, neighbourhood
    (re.compile(r"ll(?=(?:ed|ing|er|ers)$)"), "l"),  # labelled, travelling
    (re.compile(r"is(?=(?:e|es|ed|ing|ation|ations|er|ers)$)"), "iz"),  # realise, organisation
    (re.compile(r"ys(?=(?:e|es|ed|ing)$)"), "yz"),  # analyse
    (re.compile(r"ogue(?=s?$)"), "og"),  # catalogue
    (re.compile(r"ence(?=s?$)"), "ense"),  # licence, defence
    (re.compile(r"tre(?=s?$)"), "ter"),  # centre, theatre
    (re.compile(r"yre(?=s?$)"), "ire"),  # tyre
    (re.compile(r"que(?=(?:s|d)?$)"), "ck"),  # cheque, chequered
    (re.compile(r"^scep"), "skep"),  # sceptic
]


def american_form(lower: str, known: Any) -> str | None:
    """The American spelling of a British form, when it is a known word."""
    lex = lexicon()
    if lower in lex.british:
        return lex.british[lower]
    if lex.zipf.get(lower, 0) < ATTESTED:
        return None  # a British form is in use (`tyres`); `postres` is not `posters`
    for pattern, us in _GB_TO_US:
        american = pattern.sub(us, lower, count=1)
        if american != lower and known(american):
            return american
    return None


_SITE_WORD = re.compile(r"[A-Za-z][A-Za-z']*[A-Za-z]")


def words_of(text: str) -> set[str]:
    """The distinct word forms of a text (case kept), for the site vocabulary."""
    return set(_SITE_WORD.findall(text))


_CODE = re.compile(
    r"^ {0,3}(```|~~~).*?^ {0,3}\1|\{%-?\s*highlight\b.*?endhighlight\s*-?%\}|`[^`\n]+`", re.DOTALL | re.MULTILINE
)


def code_words_of(text: str) -> set[str]:
    """The distinct lower-case words of a text's code blocks, highlight bodies and code spans."""
    found: set[str] = set()
    for m in _CODE.finditer(text):
        found.update(w.lower() for w in _SITE_WORD.findall(m.group()))
    return found


def site_vocabulary(texts: list[str]) -> Counter[str]:
    """How many of the texts use each word form (case kept)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(words_of(text))
    return counts


@dataclass
class Verdict:
    word: str
    reason: str  # misspelling | typo | miscased | name | locale | unknown
    suggestions: list[str] = field(default_factory=list)

    @property
    def is_error(self) -> bool:
        """A warning (RL501) rather than an unknown word (RL504)."""
        return self.reason != "unknown"


def _match_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper() and word == word.lower():
        return word[:1].upper() + word[1:]
    return word


def edits1(word: str) -> list[str]:
    """Every string one delete, transpose, replace or insert away, sorted (no hash order)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    out.update(a + c + b[1:] for a, b in splits if b for c in _LETTERS)
    out.update(a + c + b for a, b in splits for c in _LETTERS)
    out.discard(word)
    return sorted(out)


def _slips(word: str) -> list[str]:
    """The one-edit neighbours a typo of `word` plausibly came from: the first letter kept and no
    letter added at the end of a short word (`vsync`, `CPython`, `writev` are names, not slips)."""
    return [c for c in edits1(word) if c[:1] == word[:1] and (c != word[:-1] or len(word) >= LONG - 1)]


def _prefetch(words: list[str], *layers: Any) -> list[str]:
    """`words`, after asking each on-disk layer (lexicon_store.py) for all of them at once."""
    for layer in layers:
        prefetch = getattr(layer, "prefetch", None)
        if prefetch is not None:
            prefetch(words)
    return words


def prefetch(words: Iterable[str]) -> None:
    """Ask the on-disk lexicon about a post's words at once, as written and lower-cased (a
    no-op for the lexicon in memory)."""
    lex = lexicon()
    given = list(words)
    forms = list({*given, *(w.lower() for w in given)})
    _prefetch(forms, lex.terms, lex.canonical, lex.zipf, lex.english, lex.terms_lower)
    _prefetch([w.lower() for w in forms], getattr(lex.misspellings, "_raw", None))


def _plural_pair(a: str, b: str) -> bool:
    """One is the other with an `s` added: a plural or a singular, not a typo."""
    return a + "s" == b or b + "s" == a


def _miscased(word: str, official: str) -> bool:
    """`word` writes the brand `official`, which has capitals inside (`GitHub`, `VMware`,
    `macOS`, `iPhone`), with other capitals. Not for all-caps officials (`Unix` is not `UNIX`,
    `dB` is not `DB`) nor identifiers (`ConfigMap` is not `configMap`)."""
    if official.rstrip("s").isupper() or not any(c.isupper() for c in official[1:]):
        return False
    prefix = len(re.match(r"[a-z]*", official).group())  # type: ignore[union-attr]
    return prefix <= 1 or bool(re.search(r"[A-Z]{2,}$", official))  # iPhone, eBay, macOS; not dateTime


_SUFFIXES = [
    ("ies", ("y",)), ("ied", ("y",)), ("ier", ("y",)), ("iers", ("y",)), ("ying", ("y", "ie")),
    ("ses", ("s",)), ("xes", ("x",)), ("ches", ("ch",)), ("shes", ("sh",)), ("zes", ("z",)),
    ("s", ("",)), ("es", ("e",)), ("'s", ("",)),
    ("ers", ("", "e")), ("er", ("", "e")), ("ing", ("", "e")), ("ings", ("", "e")), ("ed", ("", "e")),
    ("able", ("", "e")), ("ish", ("", "e")), ("ee", ("", "e")), ("ees", ("", "e")), ("ability", ("", "e")),
    ("ly", ("",)), ("ness", ("",)), ("less", ("",)),
]  # fmt: skip
_PREFIXES = ("re", "un", "de", "pre", "non", "multi", "sub", "auto", "under", "over")


class Speller:
    """Judges words against the layers; memoises per word."""

    def __init__(
        self,
        site_counts: Counter[str] | None = None,
        min_posts: int = 3,
        accepted: set[str] | None = None,
        locale: str = "",
        code_words: set[str] | None = None,
    ) -> None:
        self.lex = lexicon()
        self.site_counts = site_counts or Counter()
        self.min_posts = min_posts
        self.accepted = accepted or set()
        self.accepted_lower = {w.lower() for w in self.accepted}
        self.locale = locale
        self.code_words = code_words or set()
        # lower -> (posts using any case of it, the form the site uses most; ties by the form)
        # One pass, no sort: the best form has the highest count, then sorts first.
        site_lower: dict[str, tuple[int, str]] = {}
        best_count: dict[str, int] = {}
        for form, count in self.site_counts.items():
            lower = form.lower()
            entry = site_lower.get(lower)
            if entry is None:
                site_lower[lower], best_count[lower] = (count, form), count
                continue
            total, best = entry
            if count > best_count[lower] or (count == best_count[lower] and form < best):
                best, best_count[lower] = form, count
            site_lower[lower] = (total + count, best)
        self.site_lower = site_lower
        self._memo: dict[str, Verdict | None] = {}
        self._known_memo: dict[str, bool] = {}
        self._site_ok_memo: dict[str, bool] = {}

    # ----- the vocabulary ----------------------------------------------------------------------
    def zipf(self, lower: str) -> int:
        return self.lex.zipf.get(lower, 0)

    def site_uses(self, lower: str) -> int:
        entry = self.site_lower.get(lower)
        return entry[0] if entry else 0

    def _dictionary(self, lower: str) -> bool:
        lex = self.lex
        return lower in lex.english or lower in lex.terms_lower or lower in lex.canonical

    def known(self, lower: str) -> bool:
        """A dictionary word, a regular form of one, or a British form of one."""
        try:
            return self._known_memo[lower]
        except KeyError:
            pass
        result = (
            self._dictionary(lower) or self._dictionary(lower + "s") or self._morphology(lower) or self._compound(lower)
        )
        if not result and self.locale != "en-US":
            result = american_form(lower, lambda w: self._dictionary(w) or self._morphology(w)) is not None
        self._known_memo[lower] = result
        return result

    def _compound(self, lower: str) -> bool:
        """Two common words written as one (`livelock`, `dogfooding` is not: `dog` is short)."""
        for i in range(4, len(lower) - 3):
            head, tail = lower[:i], lower[i:]
            if (
                self.zipf(head) >= 40
                and self.zipf(tail) >= 40
                and head in self.lex.english
                and tail in self.lex.english
            ):
                return True
        return False

    def _base(self, stem: str) -> bool:
        return len(stem) >= 3 and (self._dictionary(stem) or self.site_uses(stem) >= self.min_posts)

    def _morphology(self, lower: str) -> bool:
        for suffix, replacements in _SUFFIXES:
            if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
                stem = lower[: -len(suffix)]
                if any(self._base(stem + r) for r in replacements):
                    return True
                if suffix in ("ing", "ed", "er", "ers", "ee", "ees") and len(stem) > 3 and stem[-1] == stem[-2]:
                    if self._base(stem[:-1]):
                        return True  # running, stopped
        for prefix in _PREFIXES:
            rest = lower[len(prefix) :].lstrip("-")
            if lower.startswith(prefix) and len(rest) >= 4 and (self._base(rest) or self._morphology(rest)):
                return True
        return False

    def site_ok(self, word: str) -> bool:
        """The author's word: used in enough posts, and not a rare one-edit variant of a much
        more used site word (an author's habitual typo is still a typo)."""
        try:
            return self._site_ok_memo[word]
        except KeyError:
            pass
        lower = word.lower()
        count = max(self.site_counts.get(word, 0), self.site_uses(lower) if word == lower else 0)
        ok = count >= self.min_posts
        if ok:
            for candidate in edits1(lower):
                if self.site_uses(candidate) >= SITE_RATIO * count and candidate.rstrip("s") != lower.rstrip("s"):
                    ok = False  # a rare variant of a much more used site word, not a plural of it
                    break
        self._site_ok_memo[word] = ok
        return ok

    # ----- verdicts ----------------------------------------------------------------------------
    def check(self, word: str) -> Verdict | None:
        """The verdict on a word, memoised."""
        try:
            return self._memo[word]
        except KeyError:
            verdict = self._memo[word] = self._judge(word)
            return verdict

    def _judge(self, word: str) -> Verdict | None:
        lex = self.lex
        lower = word.lower()
        if len(word) < 2 or word in self.accepted or lower in self.accepted_lower:
            return None
        if word.isupper():
            return self._judge_capitals(word)
        if re.fullmatch(r"[A-Z]{2,}s", word):
            return None  # an acronym's plural: VPCs, DBs
        official = lex.canonical.get(lower)
        if official and word not in lex.terms and word != lower and lower in lex.names and _miscased(word, official):
            if any(c.isupper() for c in word[1:]) or lower not in lex.english or self.zipf(lower) < COMMON + 20:
                return Verdict(word, "miscased", [official])  # CloudFRont, Github, Javascript, MacOS
        if word in lex.terms:
            return None
        if any(c.isupper() for c in word[1:]):
            if official or self.site_ok(word) or len(word) < 6 or word[:1].islower() or word[:-1] in lex.terms:
                return None  # a known name, an identifier (`dataVolume`), a plural (`iPads`)
            near = [n for n in self._names_near(word) if not n.isupper() and any(c.isupper() for c in n[1:])]
            return Verdict(word, "name", near[:3]) if near else None  # PostgresSQL, KubeVrt
        fixes = lex.misspellings.get(lower)
        if (
            fixes
            and lower not in lex.english
            and lower not in lex.terms_lower
            and american_form(lower, self.known) is None
        ):
            return Verdict(word, "misspelling", [_match_case(word, f) for f in fixes][:3])
        locale = self._locale(word, lower)
        if locale:
            return locale
        if self.known(lower):
            return None
        if self.site_ok(word) or self.site_ok(lower):
            return None
        if len(word) < 3:
            return None
        capitalised = word[:1].isupper()
        if capitalised and lower in lex.canonical:
            return None  # a person's name
        if "'" in word or (lower.endswith("d") and self.known(lower[:-1])):
            return None  # `source'd`; a daemon (`firewalld`, `networkd`)
        if lower.endswith("js") or lower in self.code_words:
            return None  # an identifier the site writes in code (`pwrite`); a library (`casperjs`)
        names = self._names_near(word) if capitalised and len(word) >= 5 and self.zipf(lower) < ATTESTED else []
        if names:
            return Verdict(word, "name", names)
        typo = self._typo_suggestions(word) if self.zipf(lower) == 0 and len(word) >= 5 else []
        if typo:
            return Verdict(word, "typo", typo)
        if self.zipf(lower) >= ATTESTED:
            return None  # rare in dictionaries, common on the web: informal English, jargon
        return Verdict(word, "unknown", self.suggest(word))

    def _judge_capitals(self, word: str) -> Verdict | None:
        """ALL CAPS: an acronym unless it is a known misspelling or a clear typo of a common word."""
        lower = word.lower()
        if len(word) < 5 or self.known(lower) or word in self.lex.terms or self.site_ok(word):
            return None
        fixes = self.lex.misspellings.get(lower)
        if fixes and lower not in self.lex.english:
            return Verdict(word, "misspelling", [f.upper() for f in fixes][:3])
        if not re.search(r"[AEIOU]", word[1:-1]):
            return None  # no inner vowel: an acronym (HTTPS, SMTPD)
        typo = [s.upper() for s in self._typo_suggestions(lower) if s.lower() in self.lex.english]
        return Verdict(word, "typo", typo) if typo and len(word) >= 6 and self.zipf(lower) < ATTESTED else None

    def _locale(self, word: str, lower: str) -> Verdict | None:
        if self.locale == "en-US":
            us = self.lex.british.get(lower)
            if us:
                return Verdict(word, "locale", [_match_case(word, us)])
        elif self.locale == "en-GB":
            gb = _american_to_british().get(lower)
            if gb:
                return Verdict(word, "locale", [_match_case(word, gb)])
        return None

    def _typo_suggestions(self, word: str) -> list[str]:
        """Words one edit away that are much more common than `word` (on the web or on the
        site), most likely first; empty when there is none."""
        lower = word.lower()
        own = self.zipf(lower)
        own_site = self.site_uses(lower)
        scored = []
        for c in _prefetch(_slips(lower), self.lex.zipf, self.lex.names):
            site = self.site_uses(c)
            freq = self.zipf(c)
            if _plural_pair(c, lower):
                continue
            long_word = len(lower) >= LONG and own == 0 and self._dictionary(c)
            needed = COMMON + 15 if len(lower) <= 6 else COMMON + 10 if len(lower) == 7 else COMMON
            common = (freq >= needed and freq - own >= TYPO_GAP and self.known(c)) or long_word
            site_common = site >= self.min_posts and site >= SITE_RATIO * max(own_site, 1) and self.known(c)
            site_common = site_common or (site >= self.min_posts and own_site <= 1 and c in self.lex.names)
            if not (common or site_common):
                continue
            scored.append((-site, -freq, c))
        scored.sort()
        return [self._form(word, c) for *_, c in scored[:3]]

    def _names_near(self, word: str) -> list[str]:
        """Known names one edit from a capitalised or mixed-case word: product names of the
        vocabulary and capitalised words the site uses in several posts (`Postres` -> `Postgres`)."""
        lower = word.lower()
        own = self.site_uses(lower)
        scored = []
        for c in _prefetch(_slips(lower), self.lex.english, self.lex.names, self.lex.zipf):
            entry = self.site_lower.get(c)
            site_name = (
                entry is not None and entry[0] >= max(self.min_posts, SITE_RATIO * own) and not entry[1].islower()
            )
            if _plural_pair(c, lower) or (c in self.lex.english and not site_name) or c[:-1] == lower[:-1]:
                continue  # `PersistentVolumes` is not a typo of `PersistentVolume`; `Treo` not of `Tree`
            if c in self.lex.names or site_name:
                form = self.lex.canonical[c] if c in self.lex.names else entry[1]  # type: ignore[index]
                if form.isupper() and not word.isupper():
                    continue  # `Kaws` is not a typo of `KAS`
                scored.append((-(entry[0] if entry else 0), -self.zipf(c), form))
        scored.sort()
        return [form for *_, form in scored[:3]]

    def _form(self, word: str, lower: str) -> str:
        entry = self.site_lower.get(lower)
        site_form = entry[1] if entry else None
        official = self.lex.canonical.get(lower) if lower in self.lex.names else None
        form = (
            official
            or (
                site_form
                if site_form
                and site_form[:1].isupper()
                and site_form != site_form.upper()
                and any(c.isupper() for c in site_form[1:])
                else None
            )
            or lower
        )
        return _match_case(word, form) if form == form.lower() else form

    def suggest(self, word: str) -> list[str]:
        """At most three known words one edit away: site use, then frequency, then the word."""
        lower = word.lower()
        scored = []
        lex = self.lex
        for c in _prefetch(edits1(lower), lex.zipf, lex.english, lex.terms_lower):
            # cheap membership first: known() (morphology, compounds) only for attested strings
            if "'" in c or not (c in lex.zipf or c in lex.english or c in lex.terms_lower or c in self.site_lower):
                continue
            if self.known(c):
                scored.append((-self.site_uses(c), -self.zipf(c), c))
        scored.sort()
        return [self._form(word, c) for *_, c in scored[:3]]


@lru_cache(maxsize=1)
def _american_to_british() -> dict[str, str]:
    result: dict[str, str] = {}
    for gb, us in sorted(lexicon().british.items()):
        result.setdefault(us, gb)
    return result


def clear_winner(verdict: Verdict) -> str | None:
    """The suggestion worth an (unsafe) fix: a known misspelling with a single correction, or a
    miscased name. Never a guess between several, never for an unknown word or a name."""
    s = verdict.suggestions
    if verdict.reason in ("misspelling", "miscased", "locale") and len(s) == 1:
        return s[0]
    return None
