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

import re
import sys
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, filterfalse
from itertools import count as _count
from operator import ne
from typing import Any

from .lexicon import ENGLISH, MISSPELT, NAME, TERM, ZIPF, Lexicon, Misspellings
from .lexicon import mixed_case as _mixed_case
from .lexicon import load as _load_lexicon
from .lazy_re import lazy
from .pieces import SIZE as PIECE_SIZE
from .pieces import pieces

__all__ = ["Lexicon", "Misspellings", "Speller", "Verdict", "clear_winner", "lexicon", "preload"]

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_OTHER_LETTERS = {c: _LETTERS.replace(c, "") for c in _LETTERS}  # the letters a replace may write
_SUGGESTABLE = ZIPF | ENGLISH | TERM  # not a person's name, not only a cased product name

# A typo: a one-edit neighbour at least TYPO_GAP Zipf units (x10) more frequent than the word,
# and itself common (at least COMMON, about once in 100,000 words).
TYPO_GAP = 20
COMMON = 20
LONG = 8  # a word this long one edit from any dictionary word is a typo, however rare the word
ATTESTED = 20  # a word this frequent on the web is not reported as unknown
VERY_RARE = 15  # a word this rare on the web (Zipf 1.5) one slip from an everyday word is a typo
EVERYDAY = 45  # an everyday English word: Zipf 4.5, about once in 30,000 words
SITE_RATIO = 5  # a site word this many times less used than a one-edit neighbour is a typo of it


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Every word layer, from the packed file data/lexicon.bin (see lexicon.py)."""
    return _load_lexicon()


def preload() -> None:
    """Load every layer now (before worker processes fork, so they share it)."""
    lexicon()


def misspellings() -> Misspellings:
    return lexicon().misspellings


# British spellings by their regular endings, checked against the American dictionary form.
_GB_TO_US = [
    (lazy(r"our(?=(?:s|ed|ing|ite|ites|hood|hoods|able|ful|less)?$)"), "or"),  # colour, neighbourhood
    (lazy(r"ll(?=(?:ed|ing|er|ers)$)"), "l"),  # labelled, travelling
    (lazy(r"is(?=(?:e|es|ed|ing|ation|ations|er|ers)$)"), "iz"),  # realise, organisation
    (lazy(r"ys(?=(?:e|es|ed|ing)$)"), "yz"),  # analyse
    (lazy(r"ogue(?=s?$)"), "og"),  # catalogue
    (lazy(r"ence(?=s?$)"), "ense"),  # licence, defence
    (lazy(r"tre(?=s?$)"), "ter"),  # centre, theatre
    (lazy(r"yre(?=s?$)"), "ire"),  # tyre
    (lazy(r"que(?=(?:s|d)?$)"), "ck"),  # cheque, chequered
    (lazy(r"^scep"), "skep"),  # sceptic
]


def american_form(lower: str, known: Any) -> str | None:
    """The American spelling of a British form, when it is a known word."""
    lex = lexicon()
    if lower in lex.british:
        return lex.british[lower]
    if lex.zipf(lower) < ATTESTED:
        return None  # a British form is in use (`tyres`); `postres` is not `posters`
    for pattern, us in _GB_TO_US:
        american = pattern().sub(us, lower, count=1)
        if american != lower and known(american):
            return american
    return None


_SITE_WORD = re.compile(r"[A-Za-z][A-Za-z']*[A-Za-z]")


# bytes.translate table: ASCII letters and the apostrophe kept, every other byte a space
_WORD_BYTES = bytes(c if chr(c).isascii() and (chr(c).isalpha() or c == 39) else 32 for c in range(256))


_ONE_LETTER = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def words_of(text: str) -> set[str]:
    """The distinct word forms of a text (case kept), for the site vocabulary: what _SITE_WORD
    finds, read piece by piece (a word holds no space or line break), so a 20 MB post is never
    one list of words."""
    if len(text) <= PIECE_SIZE:  # one piece (most posts): its set, not a copy of it
        return _piece_words(text)
    found: set[str] = set()
    for start, end in pieces(text):
        found |= _piece_words(text[start:end])
    return found


def _piece_words(text: str) -> set[str]:
    """The distinct word forms of a text (case kept), for the site vocabulary: what _SITE_WORD
    finds, read in C (each run of letters and apostrophes is one match, its apostrophes at
    either end dropped, when two letters or more remain), deduplicated before any Python work;
    only the runs with an apostrophe are looked at one by one."""
    runs = text.encode("ascii", "replace").translate(_WORD_BYTES).decode("ascii")  # one space between runs
    found = set(runs.split())
    found -= _ONE_LETTER
    at = runs.find("'")
    if at < 0:
        return found
    quoted = set()
    while at >= 0:
        end = runs.find(" ", at)
        if end < 0:
            end = len(runs)
        quoted.add(runs[runs.rfind(" ", 0, at) + 1 : end])
        at = runs.find("'", end)
    found -= quoted
    found.update(word for word in (run.strip("'") for run in quoted) if len(word) >= 2)
    return found


_HIGHLIGHT = re.compile(r"\{%-?\s*highlight\b.*?endhighlight\s*-?%\}", re.DOTALL)
_SPAN = re.compile(r"`[^`\n]+`")


def fenced_blocks(text: str) -> list[str]:
    """The fenced blocks, in order: from a fence at a line start after at most three spaces up to
    the first line that starts the same way with the same fence (what the pattern
    ``^ {0,3}(```|~~~).*?^ {0,3}\\1`` finds, with DOTALL and MULTILINE), found by searching for
    the fences themselves: that pattern's lazy `.*?` tries a closing fence at every character."""
    return [text[start:end] for start, end in _fenced_spans(text)]


def _fenced_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each of `fenced_blocks`, in order (they do not overlap)."""
    found: list[tuple[int, int]] = []
    # the next occurrence of each fence at or after `at` (-1: none left, or a fence of that kind
    # was never closed, so no later one is)
    next_at = {fence: text.find(fence) for fence in ("```", "~~~")}
    at = 0
    while True:
        for fence, i in next_at.items():
            if 0 <= i < at:
                next_at[fence] = text.find(fence, at)
        starts = [(i, fence) for fence, i in next_at.items() if i >= 0]
        if not starts:
            return found
        start, fence = min(starts)
        line = _fence_line(text, start)
        if line < 0:
            at = start + 1
            continue
        end = text.find(fence, start + 3)
        while end >= 0 and _fence_line(text, end) <= start:  # (the closing fence is on a later line)
            end = text.find(fence, end + 1)
        if end < 0:
            next_at[fence] = -1
            at = start + 1
            continue
        at = end + 3
        found.append((line, at))


def _fence_line(text: str, at: int) -> int:
    """The start of the line of a fence at `at`, when only up to three spaces precede it on its
    line; else -1."""
    line = text.rfind("\n", 0, at) + 1
    return line if at - line <= 3 and not text[line:at].strip(" ") else -1


def code_words_of(text: str) -> set[str]:
    """The distinct lower-case words of a text's code blocks, highlight bodies and code spans
    (one pass per kind, each only when its marker occurs: no alternation tried at every offset)."""
    return words_and_code_words(text, False)[1]


def words_and_code_words(text: str, words: bool = True) -> tuple[set[str], set[str]]:
    """`words_of(text)` and `code_words_of(text)` (`words`: False, the first left empty), with
    each fenced block's text read once for both. `words_of` of a text is the union of `words_of`
    of its parts wherever it is cut next to a character that is no letter or apostrophe (no word
    spans the cut), and a fenced block starts at a line start and ends with its fence: the text
    is the gaps between the blocks (read for the words) and the blocks (read for both)."""
    # (one character first: a scan for one character is fast, for three it tests a window at each step)
    fences = ("`" in text and "```" in text) or ("~" in text and "~~~" in text)
    spans = _fenced_spans(text) if fences else []
    fenced = "\n".join([text[start:end] for start, end in spans])
    in_code = words_of(fenced) if spans else set()
    found: set[str] = set()
    if words:
        if spans:
            ends = [0, *(end for _, end in spans)]
            gaps = "\n".join([text[start:end] for start, end in zip(ends, [*(s for s, _ in spans), len(text)])])
            found = words_of(gaps)
            found |= in_code
        else:
            found = words_of(text)
    code = set(map(str.lower, in_code))
    if "{" in text and "highlight" in text:
        highlights = [m.group() for m in _HIGHLIGHT.finditer(text)]
        if highlights:
            code.update(map(str.lower, words_of("\n".join(highlights))))
    if "`" in text:  # code spans line by line, in pieces (a span holds no line break)
        for start, end in pieces(text, breaks="\n"):
            spans_here = _SPAN.findall(text, start, end)
            if spans_here:
                code.update(map(str.lower, words_of("\n".join(spans_here))))
    return found, code


def site_vocabulary(texts: list[str]) -> Counter[str]:
    """How many of the texts use each word form (case kept)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(words_of(text))
    return counts


@dataclass
class Verdict:
    word: str
    reason: str  # misspelling | typo | miscased | name | locale | unknown | unchecked
    suggestions: list[str] = field(default_factory=list)
    fixable: bool = True  # False: report, but never rewrite (a name's casing may be its own)

    @property
    def is_error(self) -> bool:
        """A warning (RL501) rather than an unknown word or a post not checked (RL504)."""
        return self.reason not in ("unknown", "unchecked")


def _match_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper() and word == word.lower():
        return word[:1].upper() + word[1:]
    return word


def _common_english(value: int) -> bool:
    return bool(value & ENGLISH) and value & ZIPF >= 40


def _slips(lower: str, near: list[str]) -> list[str]:
    """The neighbours of `near` (sorted) a typo of `lower` plausibly came from: the first letter
    kept and no letter added at the end of a short word (`vsync`, `CPython`, `writev` are names)."""
    short = len(lower) < LONG - 1
    return [c for c in near if c[:1] == lower[:1] and not (short and c == lower[:-1])]


# ~30 KB an entry; a blog asks again for few words (22 of 714 on the largest corpus blog), and a post
# of thousands of unknown words held hundreds of megabytes here at 8,192 entries
@lru_cache(maxsize=256)
def _edits(word: str) -> tuple[str, ...]:
    """Every string one delete, transpose, replace or insert away, some twice (`aa`: both
    deletes give `a`), as a tuple (callers sort what they keep: no result depends on hash
    order): the cycle collector stops tracking a tuple of strings the first time it meets it, where each
    cached set of 500 strings was walked again by every collection (~0.02 s a blog). The
    replaces and inserts (all but a few dozen of the strings) are written as one text and split
    in C: the 25 or 26 strings at a place are the letters joined by what follows and precedes
    the place (`head + (tail + "\n" + head).join(letters) + tail`), about a fifth cheaper than
    one f-string each (`_edits_plain`, which a word holding a line break still takes)."""
    if "\n" in word:
        return _edits_plain(word)
    n = len(word)
    out = [word[:i] + word[i + 1 :] for i in range(n)]
    out += [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(n - 1) if word[i] != word[i + 1]]
    texts = [
        word[:i] + (word[i + 1 :] + "\n" + word[:i]).join(_OTHER_LETTERS.get(word[i], _LETTERS)) + word[i + 1 :]
        for i in range(n)
    ]
    texts += [word[:i] + (word[i:] + "\n" + word[:i]).join(_LETTERS) + word[i:] for i in range(n + 1)]
    out += "\n".join(texts).split("\n")
    return tuple(out)


def _edits_plain(word: str) -> tuple[str, ...]:
    """`_edits`, each string by one f-string, in the same order."""
    n = len(word)
    out = [word[:i] + word[i + 1 :] for i in range(n)]
    out += [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(n - 1) if word[i] != word[i + 1]]
    for i in range(n):
        head, tail = word[:i], word[i + 1 :]
        out += [f"{head}{c}{tail}" for c in _OTHER_LETTERS.get(word[i], _LETTERS)]
    for i in range(n + 1):
        head, tail = word[:i], word[i:]
        out += [f"{head}{c}{tail}" for c in _LETTERS]
    return tuple(out)


_LETTER_SET = frozenset(_LETTERS)


def one_edit(word: str, other: str) -> bool:
    """`other in _edits(word)`, without building the edits: one character deleted, two
    neighbours swapped, or one replaced or inserted by a lower-case ASCII letter. The first
    difference is found in C (map and compress), the rest compared as slices."""
    size, other_size = len(word), len(other)
    if other_size == size:
        i = next(compress(_count(), map(ne, word, other)), -1)
        if i < 0:
            return False  # the word itself
        if word[i + 1 :] == other[i + 1 :]:  # one replaced
            return other[i] in _LETTER_SET
        return i + 1 < size and word[i] == other[i + 1] and word[i + 1] == other[i] and word[i + 2 :] == other[i + 2 :]
    if other_size == size - 1:  # a delete
        i = next(compress(_count(), map(ne, word, other)), other_size)
        return word[:i] + word[i + 1 :] == other
    if other_size == size + 1:  # an insert (the letters around an inserted letter equal to it: one check)
        i = next(compress(_count(), map(ne, word, other)), size)
        return other[i] in _LETTER_SET and other[:i] + other[i + 1 :] == word
    return False


_ACRONYM_PLURAL = re.compile(r"[A-Z]{2,}s|[A-Z][a-z]{1,2}S")  # URLs, APIs; SaaS, PaaS
_HUMP = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z]+|[a-z]+")


def _recase(word: str, lower: str) -> str:
    """`lower` written in the casing of `word`, one slip from it (`PaperFqaces`, `paperfaces`
    -> `PaperFaces`): letters copied case by case around the slip."""
    n = len(lower)
    if len(word) == n:
        return "".join(c.upper() if w.isupper() else c for w, c in zip(word, lower, strict=True))
    i = 0
    while i < min(len(word), n) and word[i].lower() == lower[i]:
        i += 1
    if len(word) > n:  # a letter too many in the word
        rest = word[:i] + word[i + 1 :]
    else:  # a letter missing: takes the case of the letter after it
        after = word[i : i + 1]
        rest = word[:i] + (lower[i].upper() if after.isupper() and lower[i] != after.lower() else lower[i]) + word[i:]
    return (
        "".join(c.upper() if w.isupper() else c for w, c in zip(rest, lower, strict=True)) if len(rest) == n else lower
    )


def _plural_pair(a: str, b: str) -> bool:
    """One is the other with an `s` added: a plural or a singular, not a typo."""
    return a + "s" == b or b + "s" == a


def _miscased(word: str, official: str) -> bool:
    """`word` writes the brand `official`, which has capitals inside (`GitHub`, `VMware`,
    `macOS`, `iPhone`), with other capitals. Not for all-caps officials (`Unix` is not `UNIX`,
    `dB` is not `DB`) nor identifiers (`ConfigMap` is not `configMap`)."""
    if official.rstrip("s").isupper():
        return False
    if not any(c.isupper() for c in official[1:]):
        # a one-capital name split in two (`ElasticSearch`, `DataDog` for `Elasticsearch`, `Datadog`)
        return official[:1].isupper() and word[:1].isupper() and any(c.isupper() for c in word[1:])
    prefix = len(re.match(r"[a-z]*", official).group())  # type: ignore[union-attr]
    return prefix <= 1 or bool(re.search(r"[A-Z]{2,}$", official))  # iPhone, eBay, macOS; not dateTime


_SUFFIXES = [
    ("ies", ("y",)), ("ied", ("y",)), ("ier", ("y",)), ("iers", ("y",)), ("ying", ("y", "ie")),
    ("ses", ("s",)), ("xes", ("x",)), ("ches", ("ch",)), ("shes", ("sh",)), ("zes", ("z",)),
    ("s", ("",)), ("es", ("e",)), ("'s", ("",)),
    ("ers", ("", "e")), ("er", ("", "e")), ("ing", ("", "e")), ("ings", ("", "e")), ("ed", ("", "e")),
    ("able", ("", "e")), ("ish", ("", "e")), ("ee", ("", "e")), ("ees", ("", "e")), ("ability", ("", "e")),
    ("ly", ("",)), ("ness", ("",)), ("less", ("",)),
    ("ancy", ("ant",)), ("ency", ("ent",)), ("ance", ("ant",)), ("ence", ("ent",)),  # reentrancy, dependency
]  # fmt: skip
_PREFIXES = ("re", "un", "de", "pre", "non", "multi", "sub", "auto", "under", "over")
# the same, in the same order, by their last (first) letter: a word is tried only with those it
# can end (start) with, not with all 33 (10) one by one (a blog's judging tried about 40,000)
_SUFFIXES_BY_LAST: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
for _suffix in _SUFFIXES:
    _SUFFIXES_BY_LAST.setdefault(_suffix[0][-1], []).append(_suffix)
_PREFIXES_BY_FIRST: dict[str, list[str]] = {}
for _prefix in _PREFIXES:
    _PREFIXES_BY_FIRST.setdefault(_prefix[0], []).append(_prefix)


def site_tables(counts: Mapping[str, int]) -> tuple[dict[str, int], dict[str, str]]:
    """From the posts using each word form: the posts using each lower-case word in any case, and
    the form the site uses most for each word whose most used form is not its lower-case one
    (ties by the form). One pass, no sort."""
    totals: dict[str, int] = {}
    best_count: dict[str, int] = {}
    best: dict[str, str] = {}
    for form, count in counts.items():
        lower = form.lower()
        held = best_count.get(lower)
        if held is None:
            totals[lower] = best_count[lower] = count
            best[lower] = form
        else:
            totals[lower] += count
            if count > held or (count == held and form < best[lower]):
                best_count[lower] = count
                best[lower] = form
    return totals, {lower: form for lower, form in best.items() if form != lower}


def mend_tables(
    old: Mapping[str, int],
    counts: Mapping[str, int],
    totals: dict[str, int],
    forms: dict[str, str],
    cased: str,
    changed: Collection[str],
) -> None:
    """`site_tables` of `old` mended in place into those of `counts`, where the forms `changed`
    (and no other) have new counts; `cased` is every form in `counts` not in lower case (the
    other forms of a word), "\\n"-joined. A word's total moves by its forms' differences; its commonest form
    is the old one or a changed one, unless the old one lost posts: then all its forms are
    compared (those of `cased` listed once, only then)."""
    by_lower: dict[str, list[str]] = {}
    for form in changed:
        lower = form.lower()
        by_lower.setdefault(lower, []).append(form)
    others: dict[str, list[str]] | None = None
    for lower, changed_forms in by_lower.items():
        had = lower in totals
        total = totals.get(lower, 0) + sum(counts.get(f, 0) - old.get(f, 0) for f in changed_forms)
        if total <= 0:
            totals.pop(lower, None)
            forms.pop(lower, None)
            continue
        totals[lower] = total
        held = forms.get(lower, lower) if had else None
        if held is None or counts.get(held, 0) >= old.get(held, 0):
            found = [f for f in (*changed_forms, *(() if held is None else (held,))) if counts.get(f, 0) > 0]
        else:  # the commonest form lost posts: another may now lead
            if others is None:
                others = {}
                for form in cased.split("\n") if cased else ():
                    others.setdefault(form.lower(), []).append(form)
            found = [f for f in (lower, *others.get(lower, ())) if counts.get(f, 0) > 0]
        best = min(found, key=lambda f: (-counts[f], f))
        if best != lower:
            forms[lower] = best
        else:
            forms.pop(lower, None)


# `_site_cased_near` questions answered from the word's edits before the site's cased words are
# listed (a one-post run asks a few: listing them would cost more)
_CASED_DIRECT = 16


class Speller:
    """Judges words against the layers; memoises per word."""

    def __init__(
        self,
        site_counts: Counter[str] | None = None,
        min_posts: int = 3,
        accepted: set[str] | None = None,
        locale: str = "",
        code_words: set[str] | None = None,
        tables: tuple[dict[str, int], dict[str, str]] | None = None,
    ) -> None:
        self.lex = lexicon()
        self.site_counts = site_counts or Counter()
        self.min_posts = min_posts
        self.accepted = accepted or set()
        self.accepted_lower = {w.lower() for w in self.accepted}
        self.locale = locale
        self.code_words = code_words or set()
        # lower -> posts using any case of it; lower -> the form the site uses most (ties by the
        # form), where that is not the lower-case form itself: given (from the vocabulary cache,
        # see rules/spelling.py) or made here
        self.site_totals, self._site_forms = tables if tables is not None else site_tables(self.site_counts)
        self._memo: dict[str, Verdict | None] = {}
        self.good: set[str] = set()  # the words judged fine so far
        self._known_memo: dict[str, bool] = {}
        self._site_ok_memo: dict[str, bool] = {}
        self._neighbour_memo: dict[str, list[str]] = {}
        self._mixed: dict[tuple[str, int], list[str]] | None = None
        self._cased: dict[tuple[str, int], list[str]] | None = None
        self._cased_asked = 0

    # ----- the vocabulary ----------------------------------------------------------------------
    def zipf(self, lower: str) -> int:
        return self.lex.zipf(lower)

    def _neighbours(self, lower: str) -> list[str]:
        """The one-edit neighbours in the searchable vocabulary or on the site, sorted: found
        once per word by set intersection (no Python loop over the ~500 candidates), shared by
        the typo, name and suggestion searches."""
        try:
            return self._neighbour_memo[lower]
        except KeyError:
            pass
        candidates = _edits(lower)
        # interned: a neighbour is a new string cut from `lower`, and a site whose words are each
        # other's neighbours (a hostile post of 20,000 made-up words) held 1.4 million copies
        found = sorted(map(sys.intern, self.lex.members(candidates) | (self.site_totals.keys() & candidates)))
        self._neighbour_memo[lower] = found
        return found

    def _mixed_near(self, lower: str) -> bool:
        """A word whose name form has capitals inside (`GitHub`, a site's `KubeVirt`) is one edit
        from `lower` and starts with its letter: the only neighbours from which a mixed-case
        word's "name" verdict can come. Those words are few (about 1,500 in the word data), kept
        by first letter and length and compared one by one: no 500 candidate edits built (the
        word data's are listed in it: no pass over its 44,000 cased forms)."""
        if self._mixed is None:
            self._mixed = {}
            totals, min_posts = self.site_totals, self.min_posts  # (a lower-case form has no capitals inside)
            site = (w for w, form in self._site_forms.items() if totals[w] >= min_posts and _mixed_case(form))
            # (an ASCII form with no capital after its first letter is left out without a call)
            for word in sorted(set(self.lex.mixed).union(site)):
                self._mixed.setdefault((word[:1], len(word)), []).append(word)
        first, size = lower[:1], len(lower)
        return any(
            one_edit(lower, other) for n in (size - 1, size, size + 1) for other in self._mixed.get((first, n), ())
        )

    def _slip_neighbours(self, lower: str) -> list[str]:
        """The neighbours a typo of `lower` plausibly came from: the first letter kept and no
        letter added at the end of a short word (`vsync`, `CPython`, `writev` are names, not slips)."""
        return _slips(lower, self._neighbours(lower))

    def slip_neighbours(self, lower: str) -> list[str]:
        """`_slip_neighbours` for a rule: a public method, so the result cache records the call
        (it reads the site vocabulary) and checks it again when the vocabulary changes."""
        return self._slip_neighbours(lower)

    def written_form(self, word: str, lower: str) -> str:
        """`_form` for a rule (a suggestion written as the site or the word data writes it),
        public for the same reason as `slip_neighbours`."""
        return self._form(word, lower)

    def site_uses(self, lower: str) -> int:
        return self.site_totals.get(lower, 0)

    def _site_form(self, lower: str) -> str:
        """The form the site writes `lower` in most (a word of the site)."""
        return self._site_forms.get(lower, lower)

    def _dictionary(self, lower: str) -> bool:
        return self.lex.dictionary(lower)

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
            if _common_english(self.lex.get(head)) and _common_english(self.lex.get(tail)):
                return True
        return False

    def _base(self, stem: str) -> bool:
        return len(stem) >= 3 and (self._dictionary(stem) or self.site_uses(stem) >= self.min_posts)

    def _morphology(self, lower: str) -> bool:
        for suffix, replacements in _SUFFIXES_BY_LAST.get(lower[-1:], ()):
            if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
                stem = lower[: -len(suffix)]
                if any(self._base(stem + r) for r in replacements):
                    return True
                if suffix in ("ing", "ed", "er", "ers", "ee", "ees") and len(stem) > 3 and stem[-1] == stem[-2]:
                    if self._base(stem[:-1]):
                        return True  # running, stopped
        for prefix in _PREFIXES_BY_FIRST.get(lower[:1], ()):
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
        near = self.site_totals.keys() & _edits(lower) if ok else set()
        if ok:
            for candidate in near:
                if self.site_uses(candidate) >= SITE_RATIO * count and candidate.rstrip("s") != lower.rstrip("s"):
                    ok = False  # a rare variant of a much more used site word, not a plural of it
                    break
        if ok and self.zipf(lower) < ATTESTED and not self.known(lower):
            # a word the web does not use, one slip from a common word the site uses more, and
            # written in the same case: the author's repeated typo (`captrues` in 11 posts,
            # `captures` in 38), not their own name (`Procfile` beside `profile`)
            capitalised = self._site_form(lower)[:1].isupper() if lower in self.site_totals else word[:1].isupper()
            short = len(lower) < LONG - 1
            for candidate in near:  # (the order does not matter: any one refuses the word)
                freq = self.zipf(candidate)
                if (
                    candidate[:1] == lower[:1]  # a slip keeps the first letter
                    and not (short and candidate == lower[:-1])
                    and self.site_uses(candidate) > count
                    and self._site_form(candidate)[:1].isupper() == capitalised
                    and freq >= COMMON + 10
                    and freq - self.zipf(lower) >= TYPO_GAP
                    and not _plural_pair(candidate, lower)
                    and self.known(candidate)
                ):
                    ok = False
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
            if verdict is None:
                self.good.add(word)
            return verdict

    def flagged(self, words: set[str]) -> set[str]:
        """The words of `words` with a verdict: the words already judged fine are taken out by
        one set difference, so a post's common words cost no Python call at all; the new ones
        that pass `_judge`'s first test (a dictionary word in lower case or capitalised, most
        of a blog's words) are taken out in one loop, without a call each."""
        new = words - self.good
        if new and not self.locale:
            new -= self._plainly_fine(new)
        return {w for w in new if self.check(w) is not None}

    def _plainly_fine(self, words: set[str]) -> set[str]:
        """The words `_judge` passes at its first test (no locale configured): a lower-case
        dictionary word or term, a capitalised dictionary word that is no product name. Added
        to `good`, as `check` adds them."""
        listed = list(words)
        lowers = list(map(str.lower, listed))
        fine = {
            word
            for word, lower, value in zip(listed, lowers, self.lex.values_of(lowers))
            if value & (ENGLISH | TERM)
            and (word == lower or (word[1:] == lower[1:] and value & ENGLISH and not value & (NAME | MISSPELT)))
        }
        self.good |= fine
        return fine

    def _judge(self, word: str) -> Verdict | None:
        lex = self.lex
        lower = word.lower()
        value = lex.get(lower)
        if word == lower:  # the common case: a lower-case dictionary word or term, one lookup
            if value & TERM or (value & ENGLISH and not self.locale):
                return None
        elif word[1:] == lower[1:] and value & ENGLISH and not value & (NAME | MISSPELT) and not self.locale:
            return None  # a capitalised dictionary word that is no product name (`The`, `Building`)
        if "'" in word:
            return self._contraction(word)
        if len(word) < 2 or word in self.accepted or lower in self.accepted_lower:
            return None
        if word.isupper():
            return self._judge_capitals(word)
        if re.fullmatch(r"[A-Z]{2,}s", word):
            return None  # an acronym's plural: VPCs, DBs
        official = lex.canonical(lower)
        if official and word != lower and lex.name(lower) and not lex.term(word) and _miscased(word, official):
            split = not any(c.isupper() for c in official[1:])  # `DataDog`; not `FileSystem` (English)
            if split and lex.english(lower):
                pass
            elif any(c.isupper() for c in word[1:]) or not lex.english(lower) or self.zipf(lower) < COMMON + 20:
                # CloudFRont, Github, Javascript, MacOS; a one-capital name split in two is reported
                # but not rewritten: products change their casing (MailChimp became Mailchimp)
                return Verdict(word, "miscased", [official], fixable=not split)
        if lex.term(word):
            return None
        if any(c.isupper() for c in word[1:]):
            branded = word[:1].islower() and word[1:2].isupper()  # iPhone, oVirt; not dataVolume
            if official or self.site_ok(word) or len(word) < 5 or (word[:1].islower() and not branded):
                return None  # a known name, an identifier (`dataVolume`)
            if lex.term(word[:-1]) or (
                word.endswith("s") and (lex.name(lower[:-1]) or self.site_uses(lower[:-1]) >= self.min_posts)
            ):
                return None  # a plural (`iPads`)
            near = (  # only when a name with capitals inside is one edit away (few words: cheap)
                [n for n in self._names_near(word) if not n.isupper() and any(c.isupper() for c in n[1:])]
                if self._mixed_near(lower)
                else []
            )
            near = near or self._site_cased_near(word)
            if near:
                return Verdict(word, "name", near[:3])  # PostgresSQL, KubeVrt, PaperFqaces
            return None if branded else self._hump_typo(word)  # ClearCnotainers
        fixes = lex.fixes(lower)
        if fixes and not lex.english(lower) and not lex.term_lower(lower) and american_form(lower, self.known) is None:
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
        if capitalised and official:
            return None  # a person's name
        if "'" in word or (lower.endswith("d") and self.known(lower[:-1]) and not self._common_slips(lower)):
            return None  # `source'd`; a daemon (`firewalld`, `networkd`; not `wantd`, `Behnd`)
        if lower in self.code_words or (
            lower.endswith("js") and not any(c != lower[:-2] + "s" for c in self._common_slips(lower))
        ):
            return None  # an identifier the site writes in code (`pwrite`); a library (`casperjs`, not `alwajs`)
        names = self._names_near(word) if capitalised and len(word) >= 5 and self.zipf(lower) < ATTESTED else []
        if names:
            return Verdict(word, "name", names)
        typo = self._typo_suggestions(word) if self.zipf(lower) == 0 and len(word) >= 5 else []
        if not typo and self.zipf(lower) == 0 and len(word) >= LONG:
            typo = self._prefixed_typo(word) or self._two_swaps(word)
        if not typo and len(word) >= 4:
            typo = self._slip_of_a_very_common_word(word)
        if typo:
            return Verdict(word, "typo", typo)
        if self.zipf(lower) >= ATTESTED:
            return None  # rare in dictionaries, common on the web: informal English, jargon
        return Verdict(word, "unknown", self.suggest(word))

    def _site_cased_near(self, word: str) -> list[str]:
        """Mixed-case names the site writes, one slip from a mixed-case word it writes rarely
        (`PaperFqaces` on a blog of `PaperFaces`; the site's commonest form of a name may be the
        lower-case one of its URLs, so the word's own casing, mended, is looked up)."""
        lower = word.lower()
        own = self.site_uses(lower)
        found = []
        # only the site's words can qualify: its one-edit words (no search of the word data), as
        # `_slip_neighbours` keeps them
        for c in _slips(lower, self._cased_site_near(lower)):
            if self.site_totals[c] < max(self.min_posts, SITE_RATIO * own) or _plural_pair(c, lower):
                continue
            if c[:-1] == lower[:-1] or self.lex.english(c):
                continue  # names differ in their last letter; an English word is no name
            form = _recase(word, c)
            if form != c and self.site_counts.get(form, 0) > 0:
                found.append(form)
        return found

    def _cased_site_near(self, lower: str) -> list[str]:
        """The site's words one edit from `lower`, sorted; past the first few questions, only
        those that can pass `_site_cased_near` (used in enough posts, written with a capital
        somewhere on the site; for an ASCII word they are ASCII), kept by first letter and
        length and compared one by one, as `_mixed_near` does: no 500-1,000 edits of a long
        CamelCase word built and looked up (a blog judges hundreds of such words), and no English
        word, which `_site_cased_near` passes over."""
        self._cased_asked += 1
        if not lower.isascii() or self._cased_asked <= _CASED_DIRECT:
            return sorted(self.site_totals.keys() & _edits(lower))
        if self._cased is None:
            totals, min_posts = self.site_totals, self.min_posts
            cased = set(map(str.lower, filterfalse(str.islower, self.site_counts)))  # (in C: 21,000 forms)
            listed = sorted(c for c in cased if c.isascii() and totals.get(c, 0) >= min_posts)
            self._cased = {}
            # an English word is no name: `_site_cased_near` passes over it whatever the word
            # asked, so it is left out here (four in five of a blog's words written with a capital:
            # sentence starts, headings), and fewer are compared one by one
            for c, value in zip(listed, self.lex.values_of(listed)):
                if not value & ENGLISH:
                    self._cased.setdefault((c[:1], len(c)), []).append(c)
        first, size = lower[:1], len(lower)
        return sorted(
            c for n in (size - 1, size, size + 1) for c in self._cased.get((first, n), ()) if one_edit(lower, c)
        )

    def _hump_typo(self, word: str) -> Verdict | None:
        """A mixed-case word whose parts are words, one of them a typo of a common word
        (`ClearCnotainers`, `ConnectonHandler`): a misspelt name, that part mended."""
        humps = _HUMP.findall(word)
        if "".join(humps) != word or len(humps) < 2:
            return None
        found = None
        for i, hump in enumerate(humps):
            if len(hump) < 4 or hump.isupper():
                continue
            verdict = self.check(hump)
            if verdict is None:
                continue
            if verdict.reason not in ("typo", "misspelling") or not verdict.suggestions or found is not None:
                return None  # an unknown part: a name or an abbreviation, not a slip
            fix = verdict.suggestions[0]
            found = "".join(humps[:i]) + fix[:1].upper() + fix[1:] + "".join(humps[i + 1 :])
        return Verdict(word, "name", [found], fixable=False) if found else None  # a misspelt name

    def _slip_of_a_very_common_word(self, word: str) -> list[str]:
        """A word the web barely uses one slip from an everyday English word a thousand times
        more common (`ofice`, `biack`); four letters only when a letter of a five-letter word is
        missing (`blck`, `Figt`): short words one letter apart are often abbreviations."""
        lower = word.lower()
        own = self.zipf(lower)
        if own >= VERY_RARE or (len(lower) == 4 and own):
            return []
        found = [
            c
            for c in self._slip_neighbours(lower)
            if (len(lower) > 4 or len(c) == 5)
            and not (len(c) == len(lower) and c[:-1] == lower[:-1])  # jargon differs at the end: `comint`
            and self.zipf(c) >= EVERYDAY
            and self.zipf(c) - own >= 30
            and not _plural_pair(c, lower)
            and self.lex.english(c)
        ]
        found.sort(key=lambda c: (-self.zipf(c), c))
        return [self._form(word, c) for c in found[:3]]

    def _two_swaps(self, word: str) -> list[str]:
        """A long word two swaps of neighbouring letters from a common word (`redeisng` for
        `redesign`): fingers crossing twice. Only swaps: a search of every two-edit neighbour
        would cost far more and find names."""
        lower = word.lower()
        n = len(lower)
        found = set()
        for i in range(1, n - 1):
            once = lower[:i] + lower[i + 1] + lower[i] + lower[i + 2 :]
            for j in range(i + 2, n - 1):
                twice = once[:j] + once[j + 1] + once[j] + once[j + 2 :]
                if self.lex.english(twice) and self.zipf(twice) >= COMMON + 10:  # (a word of the set first)
                    found.add(twice)
        return [_match_case(word, w) for w in sorted(found)][:3]

    def _common_slips(self, lower: str) -> list[str]:
        """The common English words `lower` is one slip from (`wantd` from `wanted`)."""
        return [c for c in self._slip_neighbours(lower) if self.zipf(c) >= COMMON + 15 and self.lex.english(c)]

    def _contraction(self, word: str) -> Verdict | None:
        """`would've`, `wouldn't`, `that'd`: the word before the contraction is judged, and only
        a typo or a known misspelling of it is reported (`wouild've` -> `would've`)."""
        head, _, tail = word.rpartition("'")
        if tail not in ("ve", "ll", "re", "d", "m", "t") or not head:
            return None
        suffix = "'" + tail
        if tail == "t" and head[-1:] in "nN":
            head, suffix = head[:-1], head[-1] + suffix  # wouldn't: would + n't
        inner = self.check(head) if len(head) >= 2 else None
        if inner is None or inner.reason not in ("typo", "misspelling"):
            return None
        return Verdict(word, inner.reason, [s + suffix for s in inner.suggestions if " " not in s])

    def _judge_capitals(self, word: str) -> Verdict | None:
        """ALL CAPS: an acronym unless it is a known misspelling, a clear typo of a common word, or
        an acronym-like name written all in capitals (`URLS` for `URLs`, `SAAS` for `SaaS`)."""
        lower = word.lower()
        official = self.lex.canonical(lower) if len(word) >= 4 and word.endswith("S") else None
        if official and official != word and _ACRONYM_PLURAL.fullmatch(official) and not self.lex.term(word):
            return Verdict(word, "miscased", [official])
        if len(word) < 5 or self.known(lower) or self.lex.term(word) or self.site_ok(word):
            return None
        fixes = self.lex.fixes(lower)
        if fixes and not self.lex.english(lower):
            return Verdict(word, "misspelling", [f.upper() for f in fixes][:3])
        if not re.search(r"[AEIOU]", word[1:-1]):
            return None  # no inner vowel: an acronym (HTTPS, SMTPD)
        typo = [s.upper() for s in self._typo_suggestions(lower) if self.lex.english(s.lower())]
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
        for c in self._slip_neighbours(lower):
            site = self.site_uses(c)
            freq = self.zipf(c)
            if _plural_pair(c, lower):
                continue
            long_word = len(lower) >= LONG and own == 0 and self._dictionary(c)
            needed = COMMON + 15 if len(lower) <= 6 else COMMON + 10 if len(lower) == 7 else COMMON
            common = (freq >= needed and freq - own >= TYPO_GAP and self.known(c)) or long_word
            site_common = site >= self.min_posts and site >= SITE_RATIO * max(own_site, 1) and self.known(c)
            site_common = site_common or (site >= self.min_posts and own_site <= 1 and self.lex.name(c))
            # the site's own word (a product, a tool) written in many posts, this form in one
            site_common = site_common or (site >= 2 * self.min_posts and own_site <= 1 and own == 0)
            if not (common or site_common):
                continue
            scored.append((-site, -freq, c))
        scored.sort()
        return [self._form(word, c) for *_, c in scored[:3]]

    def _prefixed_typo(self, word: str) -> list[str]:
        """A typo after a prefix: `Nondetermijnistic` is `non` + a typo of `deterministic`."""
        lower = word.lower()
        for prefix in _PREFIXES:
            rest = lower[len(prefix) :]
            if lower.startswith(prefix) and len(rest) >= 6 and not self.known(rest):
                found = self._typo_suggestions(rest)
                if found:
                    return [_match_case(word, prefix + s.lower()) for s in found if s == s.lower()]
        return []

    def _names_near(self, word: str) -> list[str]:
        """Known names one edit from a capitalised or mixed-case word: product names of the
        vocabulary and capitalised words the site uses in several posts (`Postres` -> `Postgres`)."""
        lower = word.lower()
        own = self.site_uses(lower)
        scored = []
        for c in self._slip_neighbours(lower):
            total = self.site_totals.get(c)
            site_name = (
                total is not None
                and total >= max(self.min_posts, SITE_RATIO * own)
                and not self._site_form(c).islower()
            )
            if _plural_pair(c, lower) or (self.lex.english(c) and not site_name) or c[:-1] == lower[:-1]:
                continue  # `PersistentVolumes` is not a typo of `PersistentVolume`; `Treo` not of `Tree`
            official = self.lex.canonical(c) if self.lex.name(c) else None
            if official or site_name:
                form = official or self._site_form(c)
                if form.isupper() and not word.isupper():
                    continue  # `Kaws` is not a typo of `KAS`
                scored.append((-(total or 0), -self.zipf(c), form))
        scored.sort()
        return [form for *_, form in scored[:3]]

    def _form(self, word: str, lower: str) -> str:
        site_form = self._site_form(lower) if lower in self.site_totals else None
        official = self.lex.canonical(lower) if self.lex.name(lower) else None
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
        get, site = self.lex.get, self.site_totals
        for c in self._neighbours(lower):
            # cheap membership first: known() only for words of the web, the dictionary or the site
            if (c in site or get(c) & _SUGGESTABLE) and self.known(c):
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
    if verdict.fixable and verdict.reason in ("misspelling", "miscased", "locale") and len(s) == 1:
        return s[0]
    return None
