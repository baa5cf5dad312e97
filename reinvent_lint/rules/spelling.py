"""Typos on a tech blog: high recall, almost no noise.

Only prose is read (see prose.py). The layers are in speller.py; this module turns verdicts into
problems, learns the site's vocabulary once per run, and adds two checks no spell checker makes:
a repeated word and an apostrophe confusion where the grammar is unambiguous."""

from __future__ import annotations

import operator
import os
import re
from collections import Counter
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, chain, islice, repeat
from pathlib import Path
from typing import Any

from ..problem import Fix, Problem, Safety, Severity
from ..pieces import SIZE as PIECE_SIZE
from ..pieces import pieces
from ..prose import MASK, distinct_words, prose_regions, prose_text, words_among
from ..rule import Context, rule
from ..document import Document
from ..jekyll.site import Site
from ..lazy_re import lazy
from ..memo import READ_DOCUMENTS, Key

ACCEPT_FILE = Path(".reinvent-lint") / "words.txt"

# What the spelling rules compute once per run (site) or per post (document), shared by RL501 and RL504.
_SPELLER: Key[tuple[tuple[int, tuple[str, ...], str], Any]] = Key("speller")
_TARGETS_TEXT: Key[str] = Key("targets-text")
_NAMES_IN_TARGETS: Key[_Named] = Key("names-in-targets")
_WORD_COUNTS: Key[Counter[str]] = Key("word-counts")
_LETTER_RUNS: Key[Counter[str]] = Key("letter-runs")
_SCANNED: Key[list[int]] = Key("prose-scans")
_WORD_RUNS: Key[Counter[str]] = Key("word-runs")
_JOINED: Key[tuple[str]] = Key("joined-prose")
_LOWERED: Key[tuple[str, ...]] = Key("lowered-prose")
_SPELLING: Key[list[tuple[Any, int, int, bool]]] = Key("spelling")
_DISTINCT: Key[set[str]] = Key("distinct-words")


# Each file's (words, code words) for the site vocabulary, under its size and modification time.
WORDS_CACHE = "vocabulary-3"
# The per-file cache's entries as this run counted and saved them (pipeline._fill_words reads them
# here rather than loading back what was just written: 1.7 MB, ~13 ms on a 279-post blog).
WORDS_SAVED: Key[dict[str, Any]] = Key("vocabulary-words-saved")


def accept_file(site: Site) -> Path:
    return (site.root or Path.cwd()) / ACCEPT_FILE


def _read_accepted(site: Site) -> set[str]:
    path = accept_file(site)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return set()
    return {w.strip() for w in lines if w.strip() and not w.startswith("#")}


LOCALES = ("", "en-US", "en-GB")
# A run that judges this many posts builds the lexicon's dict at once: it would look up more words
# than the dict costs (fewer, as a one-post run, are looked up in the packed lexicon one by one).
MANY_DOCUMENTS = 8


def built_speller(site: Site) -> Any | None:
    """The speller this run built for the site, if the spelling rules built one (the result cache
    wraps it to record which words each post's verdicts read)."""
    found = site.memo.peek(_SPELLER)
    return None if found is None else found[1]


def speller_for(site: Site, options: Any) -> Any:
    """One Speller per site and run: site vocabulary learned once from every document. RL504
    passes no options and shares the speller RL501 built (it uses misspelled-word's options)."""
    from ..speller import Speller, lexicon

    cached = site.memo.peek(_SPELLER)
    if "site-min-posts" not in options:
        if cached is not None:
            return cached[1]
        options = misspelled_word.options
    locale = str(options.get("locale", ""))
    if locale not in LOCALES:
        raise ValueError(f"misspelled-word: locale must be one of {', '.join(repr(x) for x in LOCALES)}")
    key = (int(options["site-min-posts"]), tuple(options["words"]), locale)
    if cached is not None and cached[0] == key:
        return cached[1]
    accepted = _read_accepted(site) | set(options["words"])
    read = site.memo.peek(READ_DOCUMENTS)
    if read is not None and len(read) >= MANY_DOCUMENTS:
        lexicon().build()  # many posts to judge: every word in one set now (see lexicon.PROBES)
    counts, code, tables = _site_vocabulary(site)
    speller = Speller(counts, int(options["site-min-posts"]), accepted, locale, code, tables)
    site.memo.put(_SPELLER, (key, speller))
    return speller


def site_word_counts(site: Site) -> Counter[str]:
    """How many of the site's documents use each word form."""
    return site_words(site)[0]


def site_words(site: Site) -> tuple[Counter[str], set[str]]:
    """How many of the site's documents use each word form, and the lower-case words of its code
    (an identifier the site writes in code is not a typo in prose). Each file's words are cached
    by its size and modification time, so a run re-reads only the files that changed."""
    counts, code, _ = _site_vocabulary(site)
    return counts, code


Tables = tuple[dict[str, int], dict[str, str]]


def _site_vocabulary(site: Site) -> tuple[Counter[str], set[str], Tables | None]:
    """`site_words`, and the speller's tables of them (speller.site_tables) when the vocabulary
    is cached: kept beside the cached sums, so a run whose site changed in a few files or none
    makes no pass over every word form to build its speller (None: the speller makes them)."""
    from .. import cache, delta_cache
    from ..speller import site_tables, words_and_code_words

    counts: Counter[str] = Counter()
    code: set[str] = set()
    code_counts: Counter[str]
    joined: dict[str, str]
    if site.root is None:
        return counts, code, None
    files = site.markdown_files()
    read = site.memo.peek(READ_DOCUMENTS) or {}  # the documents this run read: no second read
    if cache.cache_dir() is None:  # nothing cached: each file's words counted as they are found
        for rel in files:
            doc = read.get(rel)
            text = doc.text if doc is not None else _read(site.root / rel)
            if text is not None:
                words, code_words = words_and_code_words(text)
                counts.update(words)
                code.update(code_words)
        return counts, code, None
    # The sums too are cached, under the size and time of every file, with each file's words (one
    # string a file, so loading them makes no object per word): an unchanged site (a pre-commit
    # run on one post) reads the sums; a site where a few files changed (one edited post) takes
    # their old words out of the sums and adds their new ones, reading no other file and no
    # per-file cache.
    root = str(site.root)  # (os.path.join: no Path built per file)
    stamp = {rel: _stat(os.path.join(root, rel)) for rel in files}
    whole = delta_cache.load(SITE_CACHE, str(site.root), 6, 7, _valid_sums)
    if isinstance(whole, tuple) and _valid_sums(whole):
        old_stamp, old_counts, old_code, joined, totals, forms, cased, ident, history = whole
        if old_stamp == stamp:
            site.memo.put(VOCABULARY_STATE, (ident, history))
            return Counter(old_counts), set(old_code), (totals, forms)
        changed = [rel for rel in files if old_stamp.get(rel) != stamp[rel]]
        gone = [rel for rel in old_stamp if rel not in stamp]
        if len(changed) + len(gone) <= FEW_CHANGED:
            mended = _mend(site, read, stamp, whole, [*changed, *gone], changed)
            if mended is not None:
                return mended
    index = cache.PerFile(WORDS_CACHE, site.root)  # (pipeline._fill_words reads it too)
    texts = {rel: doc.text for rel, doc in read.items()}
    index.prefetch([(os.path.join(root, rel), rel, texts.get(rel)) for rel in files], _derive)
    code_counts = Counter()
    joined = {}
    for rel in files:
        doc = read.get(rel)
        entry = index.get(site.root / rel, rel, _derive, None if doc is None else doc.text)
        if entry:
            counts.update(entry[0])
            code_counts.update(entry[1])
            joined[rel] = _join(*entry)
    index.save()
    site.memo.put(WORDS_SAVED, index.fresh)
    totals, forms = site_tables(counts)
    cased = "\n".join(form for form in counts if not form.islower())  # (a site word holds a letter)
    _keep_sums(site, (stamp, counts, code_counts, joined, totals, forms, cased), (), {})
    return counts, set(code_counts), (totals, forms)


def _keep_sums(
    site: Site,
    sums: tuple[Any, ...],
    history: History,
    changes: Changes,
    touched: Sequence[Iterable[str]] | None = None,
) -> None:
    """Store the vocabulary `sums` (stamp, counts, code counts, joined words, totals, forms, cased
    forms) under a new ident, `changes` leading to it from the last step of `history`, and note
    that ident and history for this run (VOCABULARY_STATE). `touched`: the keys of each of the six
    dicts that changed since the sums were loaded (None: counted anew; see delta_cache.py)."""
    from .. import delta_cache

    stamp, counts, code_counts, joined, totals, forms, cased = sums
    ident = os.urandom(12)
    history = (*history[-(HISTORY - 1) :], (ident, changes))
    site.memo.put(VOCABULARY_STATE, (ident, history))
    whole = (stamp, counts, code_counts, joined, totals, forms, cased, ident, history)  # (Counters: stored as dicts)
    delta_cache.store(SITE_CACHE, str(site.root), whole, None if touched is None else [set(t) for t in touched])


# The whole site's sums: (size and time of each file, posts using each word form, files using each
# code word, each file's words and code words joined, the speller's two tables of the word forms
# (speller.site_tables), the forms not in lower case "\n"-joined, the vocabulary's ident and its
# history (see VOCABULARY_STATE)), under the site's root.
SITE_CACHE = "vocabulary-site-5"
# What changed between two vocabularies: each lower-case word whose posts (site_totals), forms or
# code use changed -> (its posts before, its posts after).
Changes = dict[str, tuple[int, int]]
# The vocabulary's ident (random bytes, new whenever its sums are counted or mended) and the
# idents of the last few before it, each with the changes that led from the one before: the result
# cache stores the ident its verdicts were judged under and, when the vocabulary changed, judges
# again only the words those changes can affect (vocabulary_delta.py).
History = tuple[tuple[bytes, Changes], ...]
VOCABULARY_STATE: Key[tuple[bytes, History]] = Key("vocabulary-state")
HISTORY = 8  # idents kept


def vocabulary_state(site: Site) -> tuple[bytes, History] | None:
    """The ident and history of the vocabulary this run's speller was built from (None: not built,
    or not cached)."""
    return site.memo.peek(VOCABULARY_STATE)


FEW_CHANGED = 16  # more changed files than this: their old words are read from the per-file cache


def _mend(
    site: Site,
    read: dict[str, Any],
    stamp: dict[str, tuple[int, int]],
    whole: tuple[Any, ...],
    out: list[str],
    changed: list[str],
) -> tuple[Counter[str], set[str], Tables] | None:
    """The cached sums with the old words of the files in `out` taken out and the new words of
    the `changed` ones added, and the tables mended for the words whose counts changed, stored
    back; None when the cached entry holds something else."""
    from ..speller import mend_tables

    assert site.root is not None
    _, old_counts, old_code, joined, totals, forms, cased_forms, _, history = whole
    try:
        counts, code_counts = Counter(old_counts), Counter(old_code)
        added: set[str] = set()
        dropped: set[str] = set()
        dropped_code: set[str] = set()
        added_code: set[str] = set()
        for rel in out:
            if rel in joined:
                old_words, old_code_words = _split(joined.pop(rel))
                counts.subtract(old_words)
                code_counts.subtract(old_code_words)
                dropped.update(old_words)
                dropped_code.update(old_code_words)
        for rel in changed:
            doc = read.get(rel)
            text = doc.text if doc is not None else _read(site.root / rel)
            if text is not None:
                words, code_words = _derive(text)
                added.update(words)
                added_code.update(code_words)
                counts.update(words)
                code_counts.update(code_words)
                joined[rel] = _join(words, code_words)
        for word in dropped:  # the words no file uses any more
            if counts.get(word, 0) <= 0:
                counts.pop(word, None)
        for word in dropped_code:
            if code_counts.get(word, 0) <= 0:
                code_counts.pop(word, None)
        changed_forms = [w for w in dropped | added if counts.get(w, 0) != old_counts.get(w, 0)]
        gone = {w for w in changed_forms if w not in counts and not w.islower()}
        new = {w for w in changed_forms if w not in old_counts and not w.islower()}
        if gone or new:  # (the forms with capitals, the other forms of a word: kept up to date)
            cased = (set(cased_forms.split("\n")) if cased_forms else set()) - gone | new
            cased_forms = "\n".join(sorted(cased))
        lowers = {w.lower() for w in changed_forms}
        before = {w: totals.get(w, 0) for w in lowers}
        mend_tables(old_counts, counts, totals, forms, cased_forms, changed_forms)
        changes = {w: (before[w], totals.get(w, 0)) for w in lowers}
        for word in dropped_code | added_code:  # a word's use in code: its total as it is
            if (old_code.get(word, 0) > 0) != (code_counts.get(word, 0) > 0) and word not in changes:
                changes[word] = (totals.get(word, 0), totals.get(word, 0))
    except (TypeError, ValueError, AttributeError, KeyError):
        return None
    files = [*out, *changed]
    code_changed = [w for w in dropped_code | added_code if code_counts.get(w, 0) != old_code.get(w, 0)]
    touched = [files, changed_forms, code_changed, files, lowers, lowers]
    _keep_sums(site, (stamp, counts, code_counts, joined, totals, forms, cased_forms), history, changes, touched)
    return counts, set(code_counts), (totals, forms)


def _derive(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A file's entry of the per-file cache: its distinct words and code words, sorted."""
    from ..speller import words_and_code_words

    words, code = words_and_code_words(text)
    return tuple(sorted(words)), tuple(sorted(code))


def _join(words: tuple[str, ...], code: tuple[str, ...]) -> str:
    return "\n".join(words) + "\0" + "\n".join(code)  # (a word holds neither character)


def _split(joined: str) -> tuple[list[str], list[str]]:
    words, _, code = joined.partition("\0")
    return (words.split("\n") if words else []), (code.split("\n") if code else [])


def _valid_sums(whole: tuple[Any, ...]) -> bool:
    return (
        len(whole) == 9
        and all(isinstance(part, dict) for part in whole[:6])
        and isinstance(whole[6], str)
        and all(isinstance(v, str) for v in whole[3].values())
        and isinstance(whole[7], bytes)
        and isinstance(whole[8], tuple)
    )


def _read(path: Path) -> str | None:
    from ..files import read_text_file

    try:
        return read_text_file(path)
    except OSError:
        return None


def _stat(path: str | Path) -> tuple[int, int]:
    try:
        stat = os.stat(path)
    except OSError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)


def _prepare(site: Site, options: Any) -> None:
    from ..speller import preload

    preload()
    speller_for(site, options)


def _ignored(doc: Any) -> set[str]:
    if doc.front_matter and doc.front_matter.data:
        value = doc.front_matter.data.get("spelling_ignore")
        if isinstance(value, list):
            return {str(v) for v in value}
    return set()


_TARGET_WORD = re.compile(r"[A-Za-z]+")
_LABEL = re.compile(r"\]\[([^\]\n]+)\]")


def _is_target(ref: Any) -> bool:
    """A link or image target; an include parameter only when it looks like a path or URL (no
    spaces: `title="The assembly of the method."` is prose, not a target)."""
    if ref.kind != "include-param":
        return True
    return ("/" in ref.target or "." in ref.target) and not any(c.isspace() for c in ref.target.strip())


def _targets_text(doc: Document) -> str:
    """The post's link and image targets, lower-cased, in one string."""
    from ..jekyll.references import references

    def compute() -> str:
        targets = [r.target for r in references(doc) if _is_target(r)]
        return " ".join(targets).lower()

    return doc.memo.get(_TARGETS_TEXT, compute)


_A_TO_Z = frozenset("abcdefghijklmnopqrstuvwxyz")
_A_TO_Z_RUN = re.compile(r"[a-z]+")
_ASKS = 24  # words looked for in a post's targets and code before all their words are listed


class _Named:
    """The lower-case words (runs of ASCII letters, lowered) of a post's link and image targets,
    reference labels and code, asked about a word at a time: the texts are joined (a line break
    between them: no run spans two) and the word is looked for in them; past `_ASKS` questions,
    or when they are not ASCII, the set of all their words is made once. A post of a thousand
    lines of code asked about three words is not read word by word."""

    def __init__(self, text: str) -> None:
        self._text = text
        # (in ASCII, lowering changes no letter's bounds: a run of the lowered text is a run lowered)
        self._lower = text.lower() if text.isascii() else None
        self._words: set[str] | None = None
        self._asked = 0

    def words(self) -> set[str]:
        if self._words is None:
            self._words = set(map(str.lower, _TARGET_WORD.findall(self._text)))
        return self._words

    def _searched(self) -> str | None:
        """The lowered text to search, or None: ask the set."""
        if self._words is not None or self._lower is None or self._asked >= _ASKS:
            return None
        self._asked += 1
        return self._lower

    def __contains__(self, word: object) -> bool:
        text = self._searched()
        if text is None:
            return word in self.words()
        if not (isinstance(word, str) and word.isascii() and word.isalpha() and word.islower()):
            return False  # (every word of the set is a run of a-z)
        size = len(word)
        at = text.find(word)
        while at >= 0:
            if not text[at - 1 : at].isalpha() and not text[at + size : at + size + 1].isalpha():
                return True
            at = text.find(word, at + 1)
        return False

    def starting(self, prefix: str) -> list[str]:
        """The words that start with `prefix` (some perhaps twice)."""
        text = self._searched() if prefix else None
        if text is None:
            return [w for w in self.words() if w.startswith(prefix)]
        if not (prefix.isascii() and prefix.isalpha() and prefix.islower()):
            return []
        # what `re.findall(rf"(?<![a-z]){prefix}[a-z]*", text)` finds, with no pattern compiled
        # per prefix (a run asks for hundreds of prefixes, each one a new pattern)
        found = []
        at = text.find(prefix)
        while at >= 0:
            if at and text[at - 1] in _A_TO_Z:  # inside a run
                at = text.find(prefix, at + 1)
                continue
            run = _A_TO_Z_RUN.match(text, at)
            assert run is not None  # (the prefix itself is a run of a-z)
            found.append(run.group())
            at = text.find(prefix, run.end())
        return found


def _names_in_targets(doc: Document) -> _Named:
    """Lower-case words of the post's link and image targets (`github.com/artsy/forgetsy`,
    `paperfaces-hjalle.jpg`) and of its code: a word the post also uses in a URL or in code is a
    name or an identifier, not a typo."""
    from ..jekyll.references import references

    def compute() -> _Named:
        parts = [ref.target for ref in references(doc) if ref.target and _is_target(ref)]
        text = doc.text
        if "][" in text:  # reference labels: `[Kensler permutation][kensler]`
            parts += _LABEL.findall(text)
        # `pwrite` in the code of the post is an identifier in its prose too
        parts += [text[start:end] for start, end in doc.code_ranges]
        return _Named("\n".join(parts))

    return doc.memo.get(_NAMES_IN_TARGETS, compute)


def _named(speller: Any, named: _Named, lower: str) -> bool:
    """The word, or another form of a name, is in the post's URLs or code: `abliterated` beside
    a link to `.../abliteration` (a shared stem: all but the last three letters, six at least, of
    a word no dictionary knows; `reliabile` beside `/reliable-tests` is still a typo)."""
    if lower in named:
        return True
    stem = max(6, len(lower) - 3)
    if len(lower) < 7:
        return False
    return any(
        len(w) >= stem
        and w[:stem] == lower[:stem]
        and not speller.known(w)
        and speller.site_uses(w) < speller.min_posts
        for w in named.starting(lower[:stem])
    )  # (a word the site uses in several posts is a name the typo is close to: `KubeVit`, kubevirt.io)


_SEPARATOR = f"\n{MASK}\n"  # between two regions in the joined prose
_KEPT = 1 << 20  # characters: a post's joined prose up to this long is kept for its later readers


def _joined_prose(doc: Document) -> tuple[str] | Iterator[str]:
    """The prose regions of a post in one string (a MASK line between them: no word or pair of
    words spans two), given in pieces (see prose.Regions.pieces): read piece by piece, it reads as
    the whole. The prose of a post under a megabyte is one piece, joined once and kept; a longer
    one is joined anew, a thousand regions at a time, for each reader: a 20 MB post's prose is
    never one more 20 MB string (nor two, while it is joined)."""
    kept: tuple[str] | None = doc.memo.peek(_JOINED)
    if kept is not None:
        return kept
    found = prose_regions(doc).pieces(_SEPARATOR)
    head: list[str] = []
    size = 0
    for piece in found:
        head.append(piece)
        size += len(piece)
        if size >= _KEPT:  # a huge post: its pieces, joined anew for each reader
            return chain(head, found)
    return doc.memo.put(_JOINED, ("".join(head),))  # (a post of many short regions is many pieces)


def _kept_lowered(doc: Document) -> tuple[str, ...] | None:
    """`_lowered_prose` when the post's joined prose is kept (under `_KEPT`): RL501, RL502 and
    RL503 share one lower-cased copy; a longer post's is made piece by piece by each (None)."""
    _joined_prose(doc)
    return _lowered_prose(doc) if doc.memo.peek(_JOINED) is not None else None


def _lowered_prose(doc: Document) -> tuple[str, ...]:
    """`_joined_prose` lower-cased piece by piece, once per post (RL501 counts a flagged word's
    uses in it)."""
    return doc.memo.get(_LOWERED, lambda: tuple(piece.lower() for piece in _joined_prose(doc)))


_LETTER_RUN = re.compile(r"[a-z]+")
_WORD_RUN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SCANS = 16  # words counted by scanning the prose before its letter runs are counted once
_SCANS_MAX = 256  # words outside a-z (`naïve`, `isn't`) scanned for, per post, before they are counted too


def _runs(doc: Document, key: Key[Counter[str]], pattern: re.Pattern[str]) -> Counter[str]:
    """How often each match of `pattern` occurs in the post's lowered prose (counted once a post)."""
    return doc.memo.get(key, lambda: Counter(chain.from_iterable(pattern.findall(p) for p in _lowered_prose(doc))))


def _uses(doc: Document, lower: str) -> int:
    """How many times the post's prose writes the word, in any case (at least 3, or under 3:
    what the callers test). The first words are looked for in the prose; past `_SCANS` words,
    a word of a-z is looked up in a count of the prose's letter runs, made once, so a post with
    thousands of flagged words is not read once per word; past `_SCANS_MAX` scans, a word outside
    a-z (`größe`, `isn't`) is looked up in a count of the prose's runs of letters, digits and
    inner apostrophes."""
    counts = doc.memo.get(_WORD_COUNTS, Counter)
    if lower in counts:
        return counts[lower]
    scans = doc.memo.get(_SCANNED, lambda: [0])  # how many words were looked for in the prose
    if scans[0] >= _SCANS and lower.isascii() and lower.isalpha():
        count = _runs(doc, _LETTER_RUNS, _LETTER_RUN)[lower]
    elif scans[0] >= _SCANS_MAX:  # (the same count over runs of letters, digits and inner apostrophes)
        count = _runs(doc, _WORD_RUNS, _WORD_RUN)[lower]
    else:
        scans[0] += 1
        # an upper bound, exact when under 3 (the test)
        count = sum(piece.count(lower) for piece in _lowered_prose(doc))
        if count >= 3:
            count = sum(
                _count_word(piece, lowered, lower) for piece, lowered in zip(_joined_prose(doc), _lowered_prose(doc))
            )
    counts[lower] = count
    return count


def _count_word(piece: str, lowered: str, lower: str) -> int:
    """How many times `lower` (ASCII letters and apostrophes) occurs in `piece`, in any case,
    with no ASCII letter just before or after: the matches of
    ``(?<![A-Za-z])lower(?![A-Za-z])`` with IGNORECASE. Counted in `lowered` (`piece.lower()`),
    no pattern compiled per word, when the two line up: lowering kept the length and `piece`
    holds none of the four characters that IGNORECASE matches to an ASCII letter (for any other
    character, matching an ASCII letter in any case is being one lowered)."""
    if len(lowered) != len(piece) or (not piece.isascii() and any(c in piece for c in _CASE_FOLDS)):
        pattern = re.compile(rf"(?<![A-Za-z]){re.escape(lower)}(?![A-Za-z])", re.IGNORECASE)
        return sum(1 for _ in pattern.finditer(piece))
    count, size = 0, len(lower)
    at = lowered.find(lower)
    while at >= 0:
        if (not at or lowered[at - 1] not in _A_TO_Z) and lowered[at + size : at + size + 1] not in _A_TO_Z:
            count += 1
            at = lowered.find(lower, at + size)  # (matches do not overlap)
        else:
            at = lowered.find(lower, at + 1)
    return count


_BEFORE = re.compile(r"[\s|*_\[(\"'“‘>#~+-]*$")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{3,}\b")
_LOWER = re.compile(r"\b[a-z]{4,}\b")
# prepositions and conjunctions that title case leaves in lower case (`Web Scraping into an E-book`)
_MINOR = {"with", "into", "from", "onto", "over", "upon", "than", "like", "near", "past", "down", "unto", "versus"}


def _common_position(segment: str, at: int, heading: bool = False) -> str:
    """Where a common word is capitalised: "title" in a title-case phrase (a heading, a title,
    link text or emphasis in title case: `[Chrome Developer Tools]`; in a heading or the title
    half the words capitalised is enough; a run of three capitalised words), "start" at a
    sentence start or at the start of link text of several words (`[First steps with
    KubeVirt]`), else "" (inside a sentence a capitalised word is a name)."""
    before = segment[:at]
    left = max(before.rfind(c) for c in '[*|"“')
    rights = [i for i in (segment.find(c, at) for c in ']*|"”') if i >= 0]
    phrase = segment[left + 1 : min(rights) if rights else len(segment)]
    capitalised = len(_CAPITALISED.findall(phrase))
    lower = sum(1 for w in _LOWER.findall(phrase) if w not in _MINOR)
    if capitalised > lower or (heading and capitalised >= lower):
        return "title"
    word_end = _WORD_END.match(segment, at)
    following = _CAPS_AFTER.match(segment, word_end.end() if word_end else at)
    after_run = following.group().split() if following else []
    found = _CAPS_BEFORE.search(before[-120:])  # always matches (it may match nothing)
    before_run = found.group().split() if found else []
    if len(after_run) + len(before_run) >= 2:
        return "title"  # in a run of three capitalised words or more: `Pumpkin Spice Kaws Deprecation`
    m = _BEFORE.search(before)
    head = before[: m.start()] if m else before
    if m and m.group().rstrip("*_ ").endswith("[") and " " in phrase.strip():
        return "start"  # the first word of link text of several words: a linked title's start
    return "start" if not head.strip("|") or head.rstrip()[-1:] in ".!?:;" else ""


_WORD_END = re.compile(r"[A-Za-z']+")
_CAPS_BEFORE = re.compile(r"(?:(?<![A-Za-z])[A-Z][a-z]+[ \t\n]+)*$")
_CAPS_AFTER = re.compile(r"(?:[ \t\n]+[A-Z][a-z]+(?![A-Za-z]))*")

_PREVIOUS = re.compile(r"\b([A-Z][a-z]+)[\s|*_\[\]]*$")
_NEXT = re.compile(r"[\s|*_\[\]]*([A-Z][a-z]+)\b")


def _fragment(segment: str, at: int, end: int) -> str:
    """ "hyphen" when the word is joined to another by a hyphen (`mis-typing`, `aas-sign`); "glued"
    when glued by parentheses or emphasis markers (`(mis)behavior`, `**a**ddress`) or elided
    (`Stayin'`); else ""."""
    before, after = segment[at - 1 : at] if at else "", segment[end : end + 1]
    if "-" in (before, after):
        return "hyphen"
    elided = segment[at:end].endswith("in") and not segment[end + 1 : end + 2].isalpha()  # `Stayin'`, not `word'`
    if (
        (after and after in "'’" and elided)
        or (
            before == "("
            and after == ")"  # `(mis)behavior`, `file(s)`; not `requirement(atleast 4 GB)`
            and (segment[at - 2 : at - 1].isalpha() or segment[end + 1 : end + 2].isalpha())
        )
    ):
        return "glued"
    left = segment[:at].rstrip("*_~|")
    right = segment[end:].lstrip("*_~|")
    glued_left = len(left) < at and left[-1:].isalnum()
    glued_right = len(right) < len(segment) - end and right[:1].isalnum()
    return "glued" if glued_left or glued_right else ""


def _beside_a_name(speller: Any, segment: str, at: int, end: int, title: bool) -> bool:
    """A capitalised word next to a person's first name (`Andrew Kensler`) is part of a name. In
    a title-case phrase every word is capitalised: there only a name rarer than common words
    counts (`Alice Frosi`, `Daniel Kareh`; `Code Stadards` is no name: `Code` is a word first)."""
    lex = speller.lex
    for m in (_PREVIOUS.search(segment, max(0, at - 40), at), _NEXT.match(segment, end)):
        lower = m.group(1).lower() if m else ""
        if lex.person(lower) and speller.zipf(lower) < (47 if title else 56):
            return True
    return False


def _distinct(doc: Document) -> set[str]:
    """The distinct words of the post's prose, once per post."""

    def compute() -> set[str]:
        joined = _joined_prose(doc)
        if isinstance(joined, tuple) and len(joined) == 1:  # kept whole (most posts): its set, not a copy
            return distinct_words(joined[0])
        words: set[str] = set()
        for piece in joined:  # one piece's words at a time beside the whole set
            words |= distinct_words(piece)
        return words

    return doc.memo.get(_DISTINCT, compute)


def _written(words: set[str], lower: str) -> list[str]:
    """The forms of `lower` the post writes: lower case, capitalised or in capitals (no map of
    every word of the post is built; only the post is read, so a cached result stays right)."""
    forms = [lower, lower[:1].upper() + lower[1:], lower.upper()]
    return [f for i, f in enumerate(forms) if f in words and f not in forms[:i]]


def _post_typo(speller: Any, verdict: Any, words: set[str], named: _Named) -> Any | None:
    """An unknown word one slip from a word of five letters or more that the same post writes and
    the speller accepts is a typo of it (`Gotaee` in a post about a `goatee`, `Pper` beside
    `Paper`): the post itself is the much more common word. Only for words the web never uses, or
    uses rarely and much less than the post's word; never for plurals or all caps. A capitalised
    word near a name the post writes capitalised is a misspelt name."""
    from ..speller import ATTESTED, TYPO_GAP, Verdict, _match_case, _plural_pair

    word = verdict.word
    lower = word.lower()
    own = speller.zipf(lower)
    if len(word) < 4 or word.isupper() or any(c.isupper() for c in word[1:]) or own >= ATTESTED:
        return None
    for near in speller.slip_neighbours(lower):
        if len(near) < 5 or _plural_pair(near, lower):
            continue
        forms = _written(words, near)
        if not forms and near not in named:
            continue
        if len(near) == len(lower) and near[:-1] == lower[:-1]:
            continue  # names differ in their last letter: `Sepand` is not a slip of a link to `sepans`
        if own and speller.zipf(near) - own < TYPO_GAP:
            continue  # both rare on the web: a word of its own (`dribs` beside `drips`)
        if not forms:  # the name a link of the post goes to (`Teseract`)
            return Verdict(word, "name" if word[:1].isupper() else "typo", [_match_case(word, near)])
        written = [f for f in forms if speller.check(f) is None]
        if written:
            name = word[:1].isupper() and all(f[:1].isupper() for f in written)
            return Verdict(word, "name" if name else "typo", [written[0] if name else speller.written_form(word, near)])
    return None


def _verdicts(ctx: Context, warnings: bool) -> Iterator[tuple[Any, int, int, bool]]:
    """(verdict, start, end, no_fix) of the words RL501 (warnings) or RL504 (the rest) reports
    (no_fix: in a table or a hyphenated word);
    judged once per post for both rules."""
    found = ctx.doc.memo.get(_SPELLING, lambda: list(_judge_post(ctx)))
    return (item for item in found if item[0].is_error == warnings)


_PREFILTER = 32  # flagged words a segment is searched for before its words are read
# A post whose distinct words no dictionary knows number more than _MOST_UNUSUAL is data, not
# prose (a pasted dump, generated names): judging each costs a neighbour search (~0.2 ms), and
# 20 MB of them took minutes. It is not checked, and RL504 says so. (Counted only past _MANY
# distinct words: a long post has about 3,000.)
_MANY = 5_000
_MOST_UNUSUAL = 2_000


def _unusual(lex: Any, words: set[str]) -> int:
    """How many of `words` no dictionary knows in lower case: the word data alone, so the same
    answer in every run whatever was judged before, and no read of the site (not a speller method:
    the result cache records those as reads of the vocabulary)."""
    from ..lexicon import ENGLISH, TERM

    get, known = lex.get, ENGLISH | TERM
    return sum(1 for word in words if not get(word.lower()) & known)


def _holding(doc: Document, flagged: set[str]) -> Iterable[tuple[int, str, bool]]:
    """The prose regions that may hold a flagged word: with a few flagged words, those that hold
    one of them as a substring (found by searching the post's joined prose for each, when it is
    kept: no test a region; a word holds no line break or MASK, so it never spans two regions);
    past a few, every region (reading the segment's words is cheaper)."""
    regions = prose_regions(doc)
    if len(flagged) > _PREFILTER:
        return regions
    kept = doc.memo.peek(_JOINED)
    if kept is None:  # (a huge post: its joined prose is not kept)
        return (r for r in regions if any(w in r[1] for w in flagged))
    joined = kept[0]
    # where each region starts in the joined prose (after the MASK line that separates it), in C
    sizes = map(operator.add, regions.sizes(), repeat(len(_SEPARATOR)))
    starts = list(accumulate(sizes, initial=0))
    holding: set[int] = set()
    for word in flagged:
        at = joined.find(word)
        while at >= 0:
            index = bisect_right(starts, at) - 1
            holding.add(index)
            at = joined.find(word, starts[index + 1]) if index + 1 < len(starts) else -1
    return regions.picked(sorted(holding))


def _judge_post(ctx: Context) -> Iterator[tuple[Any, int, int, bool]]:
    speller = speller_for(ctx.site, ctx.options)
    ignore = _ignored(ctx.doc)
    check = speller.check

    distinct = _distinct(ctx.doc)
    if len(distinct) > _MANY and (unusual := _unusual(speller.lex, distinct)) > _MOST_UNUSUAL:
        from ..speller import Verdict

        at = ctx.doc.body_offset
        yield Verdict(f"{unusual:,}", "unchecked"), at, at, True
        return
    # each distinct word of the post is judged once (and once per run: the speller memoises);
    # positions are read only in the regions that hold a flagged word
    flagged = speller.flagged(distinct) - ignore
    if not flagged:
        return
    headings: set[int] | None = None  # where headings and front-matter texts start (made when needed)
    for offset, segment, in_table in _holding(ctx.doc, flagged):
        for text, start, end in words_among(offset, segment, flagged):
            verdict = check(text)
            assert verdict is not None
            upgraded = None
            if verdict.reason == "unknown":
                upgraded = _post_typo(speller, verdict, _distinct(ctx.doc), _names_in_targets(ctx.doc))
                verdict = upgraded or verdict
            named = _names_in_targets(ctx.doc)  # once per post, when needed
            if verdict.reason in ("typo", "name", "unknown") and (
                _named(speller, named, text.lower()) or _uses(ctx.doc, text.lower()) >= 3
            ):
                continue  # a name the post links to (a user, a project), or written so on purpose
            targets = _targets_text(ctx.doc)
            in_url = text.lower() in targets  # reported when the URL holds the right form too, never fixed
            if verdict.reason != "miscased" and in_url and not any(s.lower() in targets for s in verdict.suggestions):
                continue  # part of a URL the post links to: `[Shortcat](https://shortcatapp.com)`;
                # not `[Jekyl](https://jekyllrb.com)`: the URL holds the right form too
            if (
                verdict.reason == "misspelling"
                and _uses(ctx.doc, text.lower()) >= 3
                and any(" " in s for s in verdict.suggestions)
            ):
                continue  # a compound the post uses as a term (`checkin`, a location check-in)
            at, stop = start - offset, end - offset
            joined = _fragment(segment, at, stop)
            if joined == "glued" or (joined and (verdict.reason != "misspelling" or len(text) < 4)):
                continue  # part of a hyphenated word or name: `mis-typing`, `aas-sign`, `Daweson-Howe`
            if verdict.reason in ("typo", "misspelling", "name") and text[:1].isupper() and not text.isupper():
                if headings is None:
                    headings = {h.text_start for h in ctx.doc.headings} | {
                        o for o, _, _ in prose_regions(ctx.doc) if o < ctx.doc.body_offset
                    }
                position = _common_position(segment, at, offset in headings)
                first = verdict.suggestions[0].lower() if verdict.suggestions else ""
                lower_here = first in _distinct(ctx.doc)
                spelt_here = upgraded is not None or first in _names_in_targets(ctx.doc)
                if (
                    not lower_here
                    and not spelt_here  # the post or its links spell the name: not another name
                    and _beside_a_name(speller, segment, at, stop, position == "title")
                ):
                    continue  # next to a first name: a surname (`Mathieu Ropert`); not when the
                    # post writes the word it is close to in lower case (`Swift Pckage Manager`)
                cased = speller.lex.name(first) and not speller.lex.english(first)  # Kubernetes, not Data
                if verdict.reason != "name" and not cased and not position:
                    continue  # capitalised inside a sentence and close to a common word: a name
                    # (`Bounze`); close to a name it is a typo of the name (`Kubernets`)
            no_fix = in_table or bool(joined) or (in_url and verdict.reason != "miscased")
            yield verdict, start, end, no_fix  # no fix inside a hyphenated word or a URL's word


@rule("RL501", "misspelled-word", "Words in the prose must be spelt right (names and tech terms included).",
      fixable=True, options={"words": [], "site-min-posts": 3, "locale": ""}, prepare=_prepare,
      choices={"locale": LOCALES})  # fmt: skip
def misspelled_word(ctx: Context) -> Iterator[Problem]:
    from ..speller import clear_winner

    doc = ctx.doc
    for verdict, start, end, in_table in _verdicts(ctx, True):
        text = verdict.word
        shown = ", ".join(f'"{s}"' for s in verdict.suggestions)
        if verdict.reason == "miscased":
            message = f'"{text}" is miscased: write "{verdict.suggestions[0]}"'
        elif verdict.reason == "locale":
            message = f'"{text}" is not the {ctx.options["locale"]} spelling: write "{verdict.suggestions[0]}"'
        else:
            message = f'"{text}" is misspelt' + (f"; did you mean {shown}?" if shown else "")
        winner = None if in_table else clear_winner(verdict)
        in_front_matter = start < doc.body_offset  # the title or description: a targeted edit
        fix = Fix.replace(start, end, winner, safety=Safety.UNSAFE, description=f"use {winner}",
                          edits_protected=in_front_matter) if winner else None  # fmt: skip
        yield ctx.problem(start, message, end=end, fix=fix)


@rule("RL504", "unknown-word", "A word no dictionary, vocabulary or accept list knows, and not close to one.",
      severity=Severity.INFO)  # fmt: skip
def unknown_word(ctx: Context) -> Iterator[Problem]:
    for verdict, start, end, _ in _verdicts(ctx, False):
        if verdict.reason == "unchecked":
            yield ctx.problem(start, f"spelling not checked: {verdict.word} distinct words of this post are in no "
                                     f"dictionary (more than {_MOST_UNUSUAL:,}: data rather than prose)",
                              end=start)  # fmt: skip  # (no word: `words learn` learns nothing from it)
            continue
        shown = ", ".join(f'"{s}"' for s in verdict.suggestions)
        message = f'"{verdict.word}" is not a known word' + (f" (close: {shown})" if shown else "")
        yield ctx.problem(start, message, end=end)


_REPEATED = re.compile(r"\b([A-Za-z]+)(\s+)(\1)\b", re.IGNORECASE)
_FINE_TWICE = {"that", "had", "is", "do", "bye", "ha", "no", "very", "so", "la", "ho", "knock", "wo"}
# English reduplication for emphasis ("long long ago", "much much better", "far far away", "etc etc").
_FINE_TWICE |= {"long", "much", "far", "har", "etc", "really", "many", "more", "blah", "yeah", "oh", "hey", "tsk"}


def _twice_in_a_row(text: str) -> bool:
    """Whether two whitespace-separated tokens in a row are equal, case aside."""
    if len(text) <= PIECE_SIZE:  # one piece (most regions): no generator of pieces made
        tokens = text.lower().split()
        return any(map(operator.eq, tokens, islice(tokens, 1, None)))
    return _twice_across((text,))


def _twice_across(texts: Iterable[str], lowered: bool = False) -> bool:
    """`_twice_in_a_row` of the texts' concatenation (each cut at whitespace): `text.lower().split()`
    piece by piece (cut at a space or line break), so a 20 MB post is never one list of words.
    `lowered`: the texts are lower-cased already (lowering a text whole or cut at whitespace
    gives the same words: no case mapping looks across whitespace)."""
    last = None
    for text in texts:
        for start, end in pieces(text):
            tokens = text[start:end].split() if lowered else text[start:end].lower().split()
            if tokens and (tokens[0] == last or any(map(operator.eq, tokens, tokens[1:]))):
                return True
            last = tokens[-1] if tokens else last
    return False


@rule("RL502", "repeated-word", "A word repeated by accident (`the the`), also across a line break.", fixable=True)
def repeated_word(ctx: Context) -> Iterator[Problem]:
    lowered = _kept_lowered(ctx.doc)
    if not (_twice_across(lowered, True) if lowered is not None else _twice_across(_joined_prose(ctx.doc))):
        return  # one cheap test for the whole post (MASK between regions: no pair across two)
    for offset, segment in prose_text(ctx.doc):
        if not _twice_in_a_row(segment):
            continue  # cheap test first: no two equal tokens in a row
        for m in _REPEATED.finditer(segment):
            if m.group(1).lower() in _FINE_TWICE or (
                m.group(1) != m.group(3) and m.group(1).lower() != m.group(3).lower()
            ):
                continue
            start, end = offset + m.start(2), offset + m.end(3)
            fix = Fix.replace(start, end, "", safety=Safety.UNSAFE, description=f"remove the second '{m.group(3)}'")
            yield ctx.problem(
                offset + m.start(3), f'"{m.group(1)} {m.group(3)}": the word is repeated', end=end, fix=fix
            )


# (needle, pattern, replacement): grammar that is unambiguous. The pattern runs only on regions
# whose lower-cased text holds the needle, which keeps the rule cheap.
_CONFUSIONS = [
    ("'s own", lazy(r"\b(it)'s( own)\b", re.IGNORECASE), r"\1s\2"),
    ("let's ", lazy(r"\b(let)'s( (?:you|him|her|them|users|people|developers))\b", re.IGNORECASE), r"\1s\2"),
    # "could of course" is "could, of course": the modal's verb comes after the aside.
    (" of ", lazy(r"\b(could|would|should|must|might) of\b(?!\s+course\b)", re.IGNORECASE), r"\1 have"),
    ("r welcome", lazy(r"\b(you)r( welcome)\b", re.IGNORECASE), r"\1're\2"),
    ("'re own", lazy(r"\b(you)'re( own)\b", re.IGNORECASE), r"\1r\2"),
    ("re own", lazy(r"\b(?:they're|there)( own)\b", re.IGNORECASE), r"their\1"),
    ("its a", lazy(r"^(its)( a\b)", re.IGNORECASE | re.MULTILINE), r"it's\2"),
]
# For the patterns whose needle is in most posts (" of "), the phrases one of which a match holds,
# lower-cased: a whole post is searched only when one occurs. Exact, since `str.lower` and the
# IGNORECASE match agree on every character but these four (a post with one is searched anyway).
_PHRASES = {
    " of ": ("could of", "would of", "should of", "must of", "might of"),
    "let's ": tuple(f"let's {w}" for w in ("you", "him", "her", "them", "users", "people", "developers")),
}
_CASE_FOLDS = ("\u017f", "\u0131", "\u0130", "\u212a")  # long s, dotless i, dotted I, Kelvin sign


# what RL503 looks for in a post first: each pattern's needle and the phrases of those that have them
_NEEDLES = [c[0] for c in _CONFUSIONS] + sorted({p for c in _CONFUSIONS for p in _PHRASES.get(c[0], ())})


def _needles_in(text: str, needles: list[str]) -> set[str]:
    """The (ASCII, lower-case) needles found in `text` lowered, read a megabyte at a time: no
    lowered copy of a 20 MB post's whole prose (the windows overlap by the longest needle)."""
    found: set[str] = set()
    step, overlap = 1 << 20, max(map(len, needles)) - 1
    for at in range(0, max(len(text), 1), step):
        found |= _needles_in_lowered(text[at : at + step + overlap].lower(), needles)
    return found


# The needles of the patterns that match only at a line start (`^`, MULTILINE): a post whose lowered
# prose holds the needle but at no line start (`bits are` beside `its a`) is not searched with the
# pattern. Exact when none of _CASE_FOLDS occurs (tested for by the caller): then the pattern's
# IGNORECASE match is a match of the lowered text, and the lowered text keeps every line break.
_LINE_START = frozenset({"its a"})


def _starts_a_line(lowered: Iterable[str], needle: str) -> bool:
    """Whether a line of the lowered prose starts with `needle` (no apostrophe in it: the same
    before and after `’` is replaced). The prose's first line starts a piece, and every region
    starts a line of it (MASK lines between them)."""
    line = "\n" + needle
    return any(piece.startswith(needle) or line in piece for piece in lowered)


# Parts of several needles: a needle is looked for only when its parts occur (a post without
# " own" is not searched for "'s own", "'re own" and "re own").
_ANCHORS = (" own", "let's ", " of", "ld of")


def _needles_in_lowered(lowered: str, needles: list[str]) -> set[str]:
    """The needles found in `lowered` (lower-cased already)."""
    absent = {anchor for anchor in _ANCHORS if anchor not in lowered}
    return {n for n in needles if not any(a in n for a in absent) and n in lowered}


@rule(
    "RL503",
    "apostrophe-confusion",
    "`it's own`, `let's you`, `could of`: apostrophe and homophone slips.",
    fixable=True,
)
def apostrophe_confusion(ctx: Context) -> Iterator[Problem]:
    found: set[str] = set()
    folds = False  # (lower() turns two of them to ASCII)
    kept = _kept_lowered(ctx.doc)
    for piece in _joined_prose(ctx.doc):
        if kept is None:
            found |= _needles_in(piece.replace("’", "'"), _NEEDLES)
        folds = folds or (not piece.isascii() and any(c in piece for c in _CASE_FOLDS))  # (’ folds nothing)
    for piece in kept or ():  # (’ is lower-case: replaced before lowering or after, the same)
        found |= _needles_in_lowered(piece.replace("’", "'"), _NEEDLES)
    # the patterns that match somewhere in the post (one search each on the whole prose; a MASK
    # line between regions keeps matches inside one region), then only those, region by region;
    # a pattern with phrases only when one of them occurs
    present = [
        c
        for c in _CONFUSIONS
        if c[0] in found
        and (c[0] not in _PHRASES or folds or any(p in found for p in _PHRASES[c[0]]))
        and (c[0] not in _LINE_START or kept is None or folds or _starts_a_line(kept, c[0]))
        and any(c[1]().search(piece.replace("’", "'")) for piece in _joined_prose(ctx.doc))
    ]
    if not present:
        return
    for offset, segment in prose_text(ctx.doc):
        text = segment.replace("’", "'") if "’" in segment else segment
        lowered = text.lower()
        for needle, pattern, replacement in present:
            if needle not in lowered:
                continue
            for m in pattern().finditer(text):
                fixed = m.expand(replacement)
                if m.group()[:1].isupper():
                    fixed = fixed[:1].upper() + fixed[1:]
                start, end = offset + m.start(), offset + m.end()
                fix = Fix.replace(start, end, fixed, safety=Safety.UNSAFE, description=f"write '{fixed}'")
                yield ctx.problem(start, f'"{m.group()}" should be "{fixed}"', end=end, fix=fix)


RULES = [misspelled_word, repeated_word, apostrophe_confusion, unknown_word]
