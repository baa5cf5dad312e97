"""The word data of the spelling rules, packed into one file that loads in tens of milliseconds.

The sources (see data/README.md for each and its licence) are text files that people can read and
diff: codespell's misspellings and British forms, pyspellchecker's English words, wordfreq's
frequencies, the cspell dictionaries and our tech-words.txt. Parsing them takes about 0.3 s, too
slow for every run, so `bench/build_vocab.py --pack` (or `python -m reinvent_lint.lexicon`) folds
them into data/lexicon.bin: a small marshalled header and raw sections of UTF-8 and uint32, which
a run memory-maps and reads in place (no read or decoding of the 6.5 MB), and which need no
Python object per word until the single set of words is built:

- every lower-case word of every layer, "\\n"-joined in hashed buckets (sorted within each), and
  beside it one uint32 per word: bits 0-6 the Zipf frequency x10, then one bit per layer (English
  dictionary, lower-case term, product name, person's name, known misspelling, has a cased form)
  and from bit 13 the index of its cased form (`github` -> `GitHub`) in a second list. A run that
  looks up few words (one post) finds each in its bucket, in the mapped file, and builds no
  Python object per word of the lexicon; a run that looks up many (a whole blog, whose one-edit
  neighbour searches probe hundreds of strings a word) builds one set of them all, once, and
  finds the value of each word it looks up in its bucket, once;
- the cased terms that are not the canonical form of their word (`ADA` beside `Ada`);
- the lower-case forms of the names with capitals inside (`github`, `macos`): where the speller
  looks for a near name of a mixed-case word;
- the misspellings, as "wrong->right" lines in hashed buckets: a flagged word's line is found
  where it sits (a run unpacks none of the 65,000; unpacking them cost about 12 ms);
- the British -> American pairs;
- the rare words only wordfreq knows (Zipf under 2), in hashed buckets: a judged word is looked
  up there one at a time; they are never searched as one-edit neighbours.

`tests/test_lexicon.py` checks that the pack matches the shipped sources (by their digest)."""

from __future__ import annotations

import array
import bisect
import gc
import importlib.util
import marshal
import mmap
import os
import sys
import zlib
from collections.abc import Collection, Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
PACK = DATA / "lexicon.bin"
FORMAT = 5
MAGIC = b"RLLEXICON5\n"

ZIPF = 0x7F
ENGLISH = 1 << 7
TERM = 1 << 8  # a lower-case term of the cspell lists or tech-words.txt: accepted in any case
NAME = 1 << 9  # a product or project name with capitals (`GitHub`): suggested, miscasings flagged
PERSON = 1 << 10  # a person's name (cspell's list): accepted capitalised, never suggested
MISSPELT = 1 << 11  # a key of the misspelling lists
CASED = 1 << 12  # has a canonical cased form
SHIFT = 13
RARE = 20  # a word only wordfreq knows, less frequent than this, is "attested", not searched
BUCKETS = 8192  # of the rare words
SPELT_BUCKETS = 8192  # of the known misspellings
WORD_BUCKETS = 32768  # of the searchable words: about nine a bucket
# Bucket look-ups (about a microsecond each) a run makes before the set of every searchable word
# is built (about 25 ms, then about 0.1 microsecond a look-up): the set's cost in look-ups.
PROBES = 50_000
RARE_KEPT = 100_000  # rare_zipf answers kept (then forgotten: a long-lived process asks about many words)


def _bucket(key: bytes, buckets: int = BUCKETS) -> int:
    """The bucket of a word (its UTF-8 bytes): where `payload` puts it and the look-ups find it."""
    return zlib.crc32(key) % buckets


def _uint32(data: bytes) -> array.array[int]:
    values = array.array("I")
    values.frombytes(data)
    if sys.byteorder != "little":
        values.byteswap()
    return values


def _uint32_view(view: memoryview, start: int, end: int) -> memoryview | array.array[int]:
    """The little-endian uint32 values in view[start:end], read in place (copied and swapped on
    a big-endian machine)."""
    if sys.byteorder == "little" and start % 4 == 0:
        return view[start:end].cast("I")
    return _uint32(bytes(view[start:end]))


def _le(values: array.array[int]) -> bytes:
    if sys.byteorder != "little":
        values = array.array("I", values)
        values.byteswap()
    return values.tobytes()


# The sources shipped with the package; their digest is recorded in the pack.
SHIPPED = ("wordfreq-en.txt.gz", "cspell-terms.txt.gz", "cspell-people-names.txt.gz", "cspell-misspellings.txt",
           "tech-words.txt")  # fmt: skip


def mixed_case(form: str) -> bool:
    """Capitals inside, not all capitals: `GitHub`, `macOS`."""
    if form.isupper():
        return False
    rest = form[1:]
    if rest.isascii():  # (an ASCII letter is a capital exactly when lower() changes it)
        return rest != rest.lower()
    return any(c.isupper() for c in rest)


def _package_data(package: str, *parts: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)


def _lines(path: Path | None) -> list[str]:
    if path is None:
        return []
    try:
        data = path.read_bytes()
    except OSError:
        return []
    if path.suffix == ".gz":
        import gzip  # (only when the pack is built: a run loads lexicon.bin)

        data = gzip.decompress(data)
    return data.decode("utf-8").splitlines()


Sources = tuple[list[str], dict[str, int], list[str], list[str], dict[str, str], dict[str, str]]


def shipped_digest() -> str:
    import hashlib  # here: only building the pack needs it (a run's import would load OpenSSL)

    digest = hashlib.sha256()
    for name in SHIPPED:
        try:
            digest.update(name.encode() + b"\0" + (DATA / name).read_bytes())
        except OSError:
            digest.update(name.encode() + b"\0missing")
    return digest.hexdigest()[:16]


def read_sources() -> Sources:
    """(English words, Zipf x10 by word, cased terms, people's names, misspellings, British -> American)."""
    import gzip
    import json

    english: list[str] = []
    path = _package_data("spellchecker", "resources", "en.json.gz")
    if path is not None:
        try:
            english = sorted(json.loads(gzip.decompress(path.read_bytes())))
        except (OSError, ValueError):
            english = []
    zipf = {}
    for line in _lines(DATA / "wordfreq-en.txt.gz"):
        word, _, value = line.partition(" ")
        zipf[word] = int(value)
    misspelt = dict(
        line.split("->", 1) for line in _lines(_package_data("codespell_lib", "data", "dictionary.txt")) if "->" in line
    )
    for line in _lines(DATA / "cspell-misspellings.txt"):
        wrong, _, right = line.partition("->")
        if wrong and right and wrong not in misspelt:
            misspelt[wrong] = right
    british = {}
    for line in _lines(_package_data("codespell_lib", "data", "dictionary_en-GB_to_en-US.txt")):
        gb, _, us = line.partition("->")
        if us:
            british[gb.strip()] = us.split(",")[0].strip()
    terms = _lines(DATA / "cspell-terms.txt.gz")
    terms += [w for line in _lines(DATA / "tech-words.txt") if not line.startswith("#") for w in line.split()]
    people = _lines(DATA / "cspell-people-names.txt.gz")
    return english, zipf, terms, people, misspelt, british


def pack(sources: Sources) -> bytes:
    """The packed form of the sources: deterministic bytes (sorted, no hash order). MAGIC, the
    header's length (uint32), the marshalled header (the small parts), then the sections' bytes
    one after the other, each section's length listed last in the header."""
    header, sections = payload(sources)
    head = marshal.dumps((*header, tuple(len(part) for part in sections)), 4)
    head += bytes(-(len(MAGIC) + 4 + len(head)) % 4)  # (marshal ignores bytes after its value)
    return b"".join((MAGIC, _le(array.array("I", [len(head)])), head, *sections))


def payload(sources: Sources) -> tuple[tuple[int, str, str, int, str, str], tuple[bytes, ...]]:
    """The pack's header (its small parts) and its sections (see Lexicon)."""
    english, zipf, terms, people, misspelt, british = sources
    values: dict[str, int] = {}

    def mark(word: str, bit: int) -> None:
        values[word] = values.get(word, 0) | bit

    for word, z in zipf.items():
        values[word] = values.get(word, 0) | min(z, ZIPF)
    for word in english:
        mark(word, ENGLISH)
    for word in terms:
        if word == word.lower():
            mark(word, TERM)
    # the cased form of a word: a product name with capitals first (mixed case before ALL CAPS,
    # then by the form), then a capitalised person's name
    canonical: dict[str, str] = {}
    for word in sorted(terms, key=lambda w: (w.isupper(), w)):
        if word != word.lower() and word.lower() not in canonical:
            canonical[word.lower()] = word
            mark(word.lower(), NAME)
    for word in sorted(people):
        if word[:1].isupper():
            mark(word.lower(), PERSON)
            canonical.setdefault(word.lower(), word)
    forms = sorted(set(canonical.values()))
    index = {form: i for i, form in enumerate(forms)}
    for lower, form in canonical.items():
        values[lower] = values.get(lower, 0) | CASED | (index[form] << SHIFT)
    for word in misspelt:
        mark(word, MISSPELT)
    lower_terms = {w for w in terms if w == w.lower()}
    extra = sorted({w for w in [*terms, *people] if w not in lower_terms and canonical.get(w.lower()) != w})
    # rare words that only wordfreq knows are looked up one at a time (is the judged word attested
    # at all?), never searched by edits: they go to hashed buckets instead of the dict
    rare = sorted(w for w, v in values.items() if v == v & ZIPF and v < RARE)
    for word in rare:
        del values[word]
    buckets: list[list[str]] = [[] for _ in range(BUCKETS)]
    for word in rare:
        buckets[_bucket(word.encode())].append(f"{word} {zipf[word]}")
    blob = "".join("\n" + "\n".join(b) + "\n" for b in buckets)
    offsets = array.array("I", [0])
    for b in buckets:
        offsets.append(offsets[-1] + sum(len(x.encode()) + 1 for x in b) + 1 + (1 if not b else 0))
    # the searchable words by bucket, sorted within it: "\n" + the words "\n"-joined + "\n"; bucket b
    # holds the words after the "\n" at starts[b] up to the one at starts[b + 1]; firsts[b] is the
    # index of its first word in the table
    by_bucket: list[list[str]] = [[] for _ in range(WORD_BUCKETS)]
    for word in sorted(values):
        by_bucket[_bucket(word.encode(), WORD_BUCKETS)].append(word)
    words = [w for b in by_bucket for w in b]
    starts, firsts = array.array("I", [0]), array.array("I", [0])
    for b in by_bucket:
        starts.append(starts[-1] + sum(len(w.encode()) + 1 for w in b))
        firsts.append(firsts[-1] + len(b))
    table = array.array("I", (values[w] for w in words))
    # the misspellings as "wrong->right" lines in hashed buckets, laid out as the rare words: a
    # run looks up the few flagged words where they sit, and unpacks none of the 65,000
    spelt_buckets: list[list[str]] = [[] for _ in range(SPELT_BUCKETS)]
    for wrong in sorted(misspelt):
        spelt_buckets[_bucket(wrong.encode(), SPELT_BUCKETS)].append(f"{wrong}->{misspelt[wrong]}")
    spelt = "".join("\n" + "\n".join(b) + "\n" for b in spelt_buckets)
    spelt_offsets = array.array("I", [0])
    for b in spelt_buckets:
        spelt_offsets.append(spelt_offsets[-1] + sum(len(x.encode()) + 1 for x in b) + 1 + (1 if not b else 0))
    form_starts = array.array("I", [0])
    for form in forms:
        form_starts.append(form_starts[-1] + len(form.encode()) + 1)
    header = (
        FORMAT, shipped_digest(), "\n".join(extra), SPELT_BUCKETS,
        "\n".join(f"{k}->{v}" for k, v in sorted(british.items())),
        "\n".join(sorted({f.lower() for f in forms if mixed_case(f)})),
    )  # fmt: skip
    sections = (  # the uint32 arrays first: each starts on a multiple of 4, read in place
        _le(table), _le(starts), _le(firsts), _le(form_starts), _le(offsets), _le(spelt_offsets),
        ("\n" + "\n".join(words) + "\n").encode(), "".join(f + "\n" for f in forms).encode(), blob.encode(),
        spelt.encode(),
    )  # fmt: skip
    return header, sections


class Misspellings:
    """`wrong->right`, `wrong->right1, right2,` (several) or `wrong->right, reason` (codespell's
    format). Kept raw; the fixes of an entry are parsed on lookup."""

    def __init__(self, raw: Mapping[str, str]) -> None:
        self._raw = raw

    def __len__(self) -> int:
        return len(self._raw)

    def get(self, wrong: str) -> list[str] | None:
        right = self._raw.get(wrong)
        return None if right is None else _fixes(right)


def _fixes(right: str) -> list[str]:
    """The fixes of a misspelling's entry (its text after `->`)."""
    parts = [p.strip() for p in right.split(",")]
    return [p for p in parts if p] if right.rstrip().endswith(",") else parts[:1]


class Lexicon:
    """Every word layer, looked up by the lower-case word (one int per word), read in place from
    the pack's bytes: a memory map of data/lexicon.bin, so a run reads and decodes only the
    pages its look-ups touch (a one-post run a few dozen), not the 6.5 MB of the file.

    Sections (lengths in the header): six arrays of uint32 (little-endian): the searchable
    words' values; `starts[b]`, the byte offset of bucket b's first "\\n" in the words; `firsts[b]`,
    the table index of its first word; the byte offsets of the cased forms; those of the rare
    words' buckets; those of the misspellings' buckets. Then four of UTF-8: the searchable words
    in hashed buckets ("\\n" before and after each word), the cased forms (each followed by
    "\\n"), the rare words ("\\nword zipf" lines, a bucket each), the misspellings
    ("\\nwrong->right" lines, a bucket each)."""

    def __init__(self, data: bytes | mmap.mmap) -> None:
        if data[: len(MAGIC)] != MAGIC:
            raise ValueError("not a lexicon pack")
        (size,) = _uint32(data[len(MAGIC) : len(MAGIC) + 4])
        at = len(MAGIC) + 4 + size
        header = marshal.loads(data[len(MAGIC) + 4 : at])
        if not (isinstance(header, tuple) and len(header) == 7 and header[0] == FORMAT):
            raise ValueError("not a lexicon pack of this format")
        _, self.digest, extra, spelt, british, mixed, sizes = header
        if not (
            isinstance(extra, str) and spelt == SPELT_BUCKETS and isinstance(british, str) and isinstance(mixed, str)
        ) or not (isinstance(sizes, tuple) and len(sizes) == 10 and all(isinstance(n, int) for n in sizes)):
            raise ValueError("a damaged lexicon pack")  # (load() then builds the word data from its sources)
        bounds = []
        for length in sizes:
            bounds.append((at, at + length))
            at += length
        if at != len(data):
            raise ValueError("a truncated lexicon pack")
        self._data = data
        view = memoryview(data)
        table, starts, firsts, form_starts, offsets, spelt_offsets, *rest = bounds
        (self._w0, self._w1), (self._f0, _), (self._r0, _), (self._s0, self._s1) = rest
        self._table = _uint32_view(view, *table)
        self._starts = _uint32_view(view, *starts)
        self._firsts = _uint32_view(view, *firsts)
        self._form_starts = _uint32_view(view, *form_starts)
        self._offsets = _uint32_view(view, *offsets)
        self._spelt_offsets = _uint32_view(view, *spelt_offsets)
        self._values: dict[str, int] | None = None
        self._words: set[str] | None = None
        # the same words as a tuple, in the pack's order (once the set is built): a word's place in
        # its bucket is found there (`_place`)
        self._listed: tuple[str, ...] = ()
        self._found: dict[str, int] = {}  # the values of the words looked up since the set was built
        self._rare: dict[str, int] = {}  # rare_zipf's answers
        self._forms: list[str] | None = None
        self._probes = 0
        self.mixed = mixed.split("\n")  # the lower-case forms of the names with capitals inside
        self.extra_terms = frozenset(extra.split("\n"))
        self._british = british
        self._british_map: dict[str, str] | None = None

    @property
    def british(self) -> dict[str, str]:
        """British -> American forms (made on first use)."""
        if self._british_map is None:
            self._british_map = dict(line.split("->", 1) for line in self._british.split("\n") if "->" in line)
        return self._british_map

    @property
    def forms(self) -> list[str]:
        """Every cased form, by index (made on first use; a look-up reads one: `form`)."""
        if self._forms is None:
            end = self._f0 + self._form_starts[len(self._form_starts) - 1]
            self._forms = bytes(self._data[self._f0 : end]).decode()[:-1].split("\n")
        return self._forms

    def form(self, index: int) -> str:
        """The cased form `index`."""
        if self._forms is not None:
            return self._forms[index]
        return bytes(
            self._data[self._f0 + self._form_starts[index] : self._f0 + self._form_starts[index + 1] - 1]
        ).decode()

    @property
    def values(self) -> dict[str, int]:
        """Every searchable word's uint32, as one dict (built on first use: about 60 ms; a run
        builds the set of the words instead, see `build`)."""
        if self._values is None:
            self._values = dict(zip(self._all_words(), self._table))
        return self._values

    def _all_words(self) -> list[str]:
        return bytes(self._data[self._w0 + 1 : self._w1 - 1]).decode().split("\n")

    @property
    def built(self) -> bool:
        """Whether the set (or the dict) of every searchable word has been built."""
        return self._words is not None or self._values is not None

    def build(self) -> None:
        """Build the set of every searchable word now: a run that will look up many words (before
        worker processes fork, so they share it). A set, not a dict of the values: it costs less
        than half as much (no int object per word; 25 ms against 60 in a fresh process), and a
        run looks up the values of few of the words (about 13,000 of 287,000 on a blog of 3 MB),
        each found once in its bucket and kept (`get`); the one-edit neighbour searches ask only
        which candidates are words (`members`). A word's value is found by `tuple.index` in its
        bucket of the words the set is built from, kept as a tuple (2.3 MB): half the cost of
        searching the mapped bytes, and, unlike `list.index`, it does not increment and
        decrement each word it compares, which made a worker forked after the build copy most
        pages of the 287,000 shared words (the default two workers then lost the gain)."""
        if self._words is None and self._values is None:
            self._listed = tuple(self._all_words())
            self._words = set(self._listed)
            # A set is always tracked by the cycle collector (a dict of strings and ints is not):
            # each collection of its generation would walk its 287,000 entries (about 35 ms a run).
            # It lives as long as the process and holds no container: moved out of the collector's
            # reach, with what lives at this point (mostly the same: modules, the run's setup).
            gc.freeze()

    def get(self, lower: str) -> int:
        """The word's uint32 (0: not a searchable word): from its bucket until the run has made
        PROBES look-ups, then the set of every word is built, and a word of it is found in its
        bucket once and kept."""
        if self._words is not None:
            value = self._found.get(lower)  # (not try/except: most words are looked up once)
            if value is not None:
                return value
            if lower not in self._words:
                return 0
            value = self._found[lower] = self._table[self._place(lower)]
            return value
        if self._values is not None:
            return self._values.get(lower, 0)
        self._probes += 1
        if self._probes > PROBES:
            self.build()
            return self.get(lower)
        return self._probe(lower)

    def values_of(self, lowers: Iterable[str]) -> list[int]:
        """`[get(w) for w in lowers]`, with `get`'s work done inline once the set is built (a
        blog's first look-up of about 13,000 words: one call a word saved)."""
        if self._words is None:
            return [self.get(w) for w in lowers]
        found, words, table, place = self._found, self._words, self._table, self._place
        values = []
        for lower in lowers:
            value = found.get(lower)
            if value is None:
                if lower in words:
                    value = found[lower] = table[place(lower)]
                else:
                    value = 0
            values.append(value)
        return values

    def _place(self, lower: str) -> int:
        """The index of a word of the set (in the table): searched in its bucket of the listed
        words, in C (about half of `_probe`'s cost, which searches the file's bytes)."""
        b = _bucket(lower.encode(), WORD_BUCKETS)
        return self._listed.index(lower, self._firsts[b], self._firsts[b + 1])

    def _probe(self, lower: str) -> int:
        if not lower or "\n" in lower:
            return 0
        key = lower.encode()
        b = _bucket(key, WORD_BUCKETS)
        start = self._w0 + self._starts[b]
        at = self._data.find(b"\n" + key + b"\n", start, self._w0 + self._starts[b + 1] + 1)
        return 0 if at < 0 else self._table[self._firsts[b] + self._data[start:at].count(b"\n")]

    def members(self, candidates: Collection[str]) -> set[str]:
        """The searchable words among `candidates`."""
        if not self.built:
            self._probes += len(candidates)
            if self._probes <= PROBES:
                return {c for c in candidates if self._probe(c)}
            self.build()
        if self._words is not None:
            return self._words.intersection(candidates)
        return self.values.keys() & candidates

    def searchable(self, lower: str) -> bool:
        """A word of the dict (not only a rare word of the web)."""
        return self.get(lower) != 0

    @property
    def misspellings(self) -> Misspellings:
        return _misspellings(self)

    def fixes(self, lower: str) -> list[str] | None:
        """`misspellings.get(lower)`, decompressed only for a word flagged as a known misspelling
        (a run whose words are none builds no list of the 65,000)."""
        if not self.get(lower) & MISSPELT or "\n" in lower:
            return None
        key = lower.encode()
        b = _bucket(key, SPELT_BUCKETS)
        end = self._s0 + self._spelt_offsets[b + 1]
        at = self._data.find(b"\n" + key + b"->", self._s0 + self._spelt_offsets[b], end)
        if at < 0:
            return None
        start = at + len(key) + 3
        return _fixes(bytes(self._data[start : self._data.find(b"\n", start, end)]).decode())

    def zipf(self, lower: str) -> int:
        """Zipf x10 on the web (0: never seen)."""
        value = self.get(lower)
        if value:
            return value & ZIPF
        return self.rare_zipf(lower)

    def rare_zipf(self, lower: str) -> int:
        """Zipf x10 of a word only wordfreq knows, rarely (0: not even that). Kept once found: the
        speller asks several times about each unknown word."""
        value = self._rare.get(lower, -1)
        if value >= 0:
            return value
        if len(self._rare) >= RARE_KEPT:
            self._rare.clear()
        value = self._rare[lower] = self._rare_zipf(lower)
        return value

    def _rare_zipf(self, lower: str) -> int:
        if not lower or "\n" in lower or " " in lower:
            return 0
        key = lower.encode()
        b = _bucket(key)
        end = self._r0 + self._offsets[b + 1]
        at = self._data.find(b"\n" + key + b" ", self._r0 + self._offsets[b], end)
        if at < 0:
            return 0
        start = at + len(key) + 2
        return int(self._data[start : self._data.find(b"\n", start, end)])

    def flags(self, lower: str) -> int:
        return self.get(lower)

    def english(self, lower: str) -> bool:
        return bool(self.get(lower) & ENGLISH)

    def term_lower(self, lower: str) -> bool:
        return bool(self.get(lower) & TERM)

    def name(self, lower: str) -> bool:
        return bool(self.get(lower) & NAME)

    def person(self, lower: str) -> bool:
        return bool(self.get(lower) & PERSON)

    def dictionary(self, lower: str) -> bool:
        """An English word, a term or a name (any case)."""
        return bool(self.get(lower) & (ENGLISH | TERM | CASED))

    def canonical(self, lower: str) -> str | None:
        value = self.get(lower)
        return self.form(value >> SHIFT) if value & CASED else None

    def term(self, word: str) -> bool:
        """`word` is written as a term, a name or a person's name of the lists (case kept)."""
        lower = word.lower()
        value = self.get(lower)
        if word == lower and value & TERM:
            return True
        return (value & CASED and self.form(value >> SHIFT) == word) or word in self.extra_terms


class _Sorted(Mapping[str, str]):
    """A read-only mapping over two aligned sorted lists, looked up by bisection: no dict of
    65,000 entries built for the few words a run looks up."""

    def __init__(self, keys: list[str], values: list[str]) -> None:
        self._keys, self._values = keys, values

    def __getitem__(self, key: str) -> str:
        i = bisect.bisect_left(self._keys, key)
        if i < len(self._keys) and self._keys[i] == key:
            return self._values[i]
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


@lru_cache(maxsize=1)
def _misspellings(lexicon: Lexicon) -> Misspellings:
    """Every misspelling (each bucket's "wrong->right" lines, read whole)."""
    text = bytes(lexicon._data[lexicon._s0 : lexicon._s1]).decode()
    pairs = sorted(line.split("->", 1) for line in text.split("\n") if line)
    return Misspellings(_Sorted([wrong for wrong, _ in pairs], [right for _, right in pairs]))


def load(path: Path = PACK) -> Lexicon:
    """The packed lexicon, memory-mapped; built from the sources in memory when the pack is
    missing or unreadable."""
    try:
        with open(path, "rb") as file:  # (the map outlives the file object)
            data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        return Lexicon(data)
    except (OSError, EOFError, ValueError, TypeError):
        pass
    return Lexicon(pack(read_sources()))


def write_pack(path: Path = PACK) -> int:
    """Write the pack from the sources: to a new file renamed over the old one, since a running
    process may have the old one mapped (rewriting it in place would pull pages from under it)."""
    data = pack(read_sources())
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return len(data)


if __name__ == "__main__":
    print(f"{PACK}: {write_pack():,} bytes")
