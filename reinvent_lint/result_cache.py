"""The persistent result cache (issue 18), like ruff's `.ruff_cache`: a second run over an
unchanged site reads its findings instead of checking again.

Each checked file has one entry, valid while these are unchanged:

- the file's bytes (a content hash);
- the run's key: tool version and source, Python, the configuration and rule set, and the
  site's own settings files (`_config.yml`, `Gemfile`, `CNAME`, `_plugins/`);
- every piece of site data its rules read while it was checked, recorded as they read it, not
  guessed: `site.files` membership of each path tested, the URL map entries looked up, each
  other file opened (an include, a layout, a linked post whose ids were read), the verdict on
  each word the speller judged and every other answer a rule asked of the speller (both read
  the site vocabulary). A rule that iterates a whole collection
  depends on all of it. Each read is stored as a key and a digest of the value read; an entry is
  reused only when every key still gives the same digest.

So editing a post's title re-checks that post and the posts whose findings read something that
changed, not the whole site. How the reads are recorded: the per-document phase gets a
`TracedSite`, whose collections record item look-ups; the speller's vocabulary and verdict
memos are swapped for recording ones; files opened are seen through an audit hook; memos shared
between documents are kept per document (a memo hit would hide the reads that computed it).

The cache is one marshal file per site and run key, `<site>/.reinvent-lint-cache/results-KEY.marshal`
(the eight most recent kept, so alternating options does not thrash one file), written
atomically (a temporary file renamed over it, inside `signals.deferred`), merged with what a
concurrent run wrote meanwhile. An unreadable file is rebuilt with one warning.
"""

from __future__ import annotations

import marshal
import os
import sys
import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from itertools import repeat
from pathlib import Path
from types import FunctionType
from typing import TYPE_CHECKING, Any

from . import cache
from .digests import blake2b
from .memo import Key, Memo
from .problem import Edit, Fix, Problem, Safety, Severity
from .report import FileError

if TYPE_CHECKING:
    from .engine import Linter
    from .external import Occurrence
    from .jekyll.site import Site
    from .vocabulary_delta import Reach

# 2: the entries judged under the stored vocabulary (`ResultCache.judged`); 3: `Entry.front`; 4: `Entry.blocks`
FORMAT = 4
# marshal from version 3 on writes a back-reference for an object it has seen, so equal data
# built differently (fresh vs unmarshalled strings) dumps differently: digests use version 2.
_NO_REFS = 2
FILE_PATTERN = "results-*.marshal"  # one file per run key (configuration, options, tool), like ruff
KEEP = 8  # the most recently written files kept: alternating options does not thrash one file
HUGE = 4 << 20  # bytes: a larger file's results are never stored (see `worth_storing`)
ReadKey = tuple[Hashable, ...]


def worth_storing(size: int, findings: int = 0, most: int = 10_000) -> bool:
    """Whether the results of a file of `size` bytes with `findings` are stored. Not those of a
    huge file (over 4 MB; the longest posts of the corpus blogs are ~60 KB), nor of a file with
    more findings than one rule may report (`most`: `[limits] max-findings`). Both are hostile
    or pathological input, rare, and their entries cost more than they save: packing the
    280,000 links of a 20 MB post took ~2 CPU-s and doubled the run's peak memory; the 20,000
    findings of a line of 50,000 `teh` added 30 MB to it. And the whole cache file is read on
    every run and rewritten on every change. Such a file is checked on every run. Its content
    hash still counts in the site's fingerprint, and a huge file's stands for its words in the
    site vocabulary's digest (no word pass over 20 MB)."""
    return size <= HUGE and findings <= most


# ----- recording what a document's rules read ---------------------------------------------
class Recorder:
    """The site data one document's rules read: keys (see `evaluate`)."""

    def __init__(self) -> None:
        self.keys: set[ReadKey] = set()
        self.words: dict[str, bytes] = {}  # words the speller judged -> digest of the verdict

    def add(self, key: ReadKey) -> None:
        self.keys.add(key)

    def take(self, keys: Set[ReadKey], words: Mapping[str, bytes]) -> None:
        """Reads made for this document earlier, by another (see `_SharedItems`)."""
        self.keys |= keys
        for word in words.keys() - self.words.keys():
            self.words[word] = words[word]


class _Capture(Recorder):
    """The reads made while one item of a shared site memo is computed (`_SharedItems`): kept
    for the documents that use the item later, and the document computing it reads them too
    (each key as it is read; the words once the item is stored, or when its recording ends)."""

    def __init__(self, outer: Recorder, owner: _SharedItems, item: Hashable) -> None:
        super().__init__()
        self.outer, self.owner, self.item = outer, owner, item

    def add(self, key: ReadKey) -> None:
        self.keys.add(key)
        self.outer.add(key)

    def take(self, keys: Set[ReadKey], words: Mapping[str, bytes]) -> None:
        super().take(keys, words)
        self.outer.take(keys, words)

    def close(self) -> None:
        self.outer.take(frozenset(), self.words)


CURRENT: Recorder | None = None
_PAUSED = 0
_CAPTURES: list[_Capture] = []  # open, innermost last


def _note(key: ReadKey) -> None:
    if CURRENT is not None and not _PAUSED:
        CURRENT.add(key)


@contextmanager
def recording(recorder: Recorder) -> Iterator[Recorder]:
    global CURRENT
    _install_audit_hook()
    previous, CURRENT = CURRENT, recorder
    depth = len(_CAPTURES)
    try:
        yield recorder
    finally:
        while len(_CAPTURES) > depth:  # left open by an exception while an item was computed
            _CAPTURES.pop().close()
        CURRENT = previous


def _unrecorded(call: Callable[..., Any], *args: Any) -> Any:
    """call(*args) as inside `paused()`, without a generator per call (thousands per post)."""
    global _PAUSED
    _PAUSED += 1
    try:
        return call(*args)
    finally:
        _PAUSED -= 1


@contextmanager
def paused() -> Iterator[None]:
    """Site-level data built lazily while a document is checked (the URL map) is not a read of
    that document: it is recorded by the look-ups into it."""
    global _PAUSED
    _PAUSED += 1
    try:
        yield
    finally:
        _PAUSED -= 1


_HOOKED = False
_ROOTS: set[str] = set()  # site roots: only files inside them are dependencies
_IGNORED: list[str] = []  # cache folders inside them


def _install_audit_hook() -> None:
    global _HOOKED
    if _HOOKED:
        return
    _HOOKED = True

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event != "open" or CURRENT is None or _PAUSED:
            return
        path = args[0]
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if not isinstance(path, str):
            return
        path = os.path.abspath(path)
        if any(path.startswith(r) for r in _ROOTS) and not any(path.startswith(i) for i in _IGNORED):
            CURRENT.add(("file", path))

    sys.addaudithook(hook)


def _plain(item: object) -> bool:
    """Whether a looked-up item can be stored as part of a key (marshal: str, int, tuples of them)."""
    if isinstance(item, tuple):
        return all(_plain(i) for i in item)
    return item is None or isinstance(item, (str, int, float))


class _Traced:
    """A wrapped site collection: a look-up of one item is recorded as reading that item (when
    the item is a plain value), anything that sees the whole (iteration, length) as reading it all."""

    _look: str = "in"  # how one-item reads are named in the read key

    def __init__(self, real: Any, key: ReadKey) -> None:
        self._real, self._key = real, key

    def _one(self, item: object) -> None:
        _note((*self._key, self._look, item) if _plain(item) else self._key)

    def __contains__(self, item: object) -> bool:
        self._one(item)
        return item in self._real

    def __iter__(self) -> Iterator[Any]:
        _note(self._key)
        return iter(self._real)

    def __len__(self) -> int:
        _note(self._key)
        return len(self._real)


class TSet(_Traced, Set[Any]):
    """A set whose membership tests are recorded one item at a time (iteration: the whole)."""


class TMap(_Traced, Mapping[Any, Any]):
    """A mapping whose look-ups are recorded one key at a time (iteration: the whole)."""

    _look = "get"

    def __getitem__(self, item: Any) -> Any:
        self._one(item)
        return self._real[item]

    def get(self, item: Any, default: Any = None) -> Any:
        self._one(item)
        return self._real.get(item, default)


class TList(_Traced, Sequence[Any]):
    """A list whose membership tests are recorded one item at a time (anything else: the whole)."""

    def __getitem__(self, index: Any) -> Any:
        _note(self._key)
        return self._real[index]


def _traced(value: Any, key: ReadKey) -> Any:
    if isinstance(value, (set, frozenset)):
        return TSet(value, key)
    if isinstance(value, dict):
        return TMap(value, key)
    if isinstance(value, list):
        return TList(value, key)
    _note(key)
    return value


# Site attributes that only the run's key inputs decide (configuration files, the root): read freely.
_SETTINGS = frozenset(
    {
        "root", "config_dir", "tag_dirs", "platform_setting", "config", "baseurl", "github_pages", "future",
        "timezone", "markdown_suffixes", "collections", "excluded", "safe", "plugins", "tag_sources",
        "liquid_tags", "relative", "kind_of", "is_excluded", "ignored_in_safe_mode", "_pages_gem",
        "_exclude_patterns", "_inside",
    }
)  # fmt: skip
_URL_PARTS = ("urls", "owner", "primary", "data", "posts")


class TracedUrls:
    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._real, name)
        return _traced(value, ("u", name)) if name in _URL_PARTS else value


class TracedSite:
    """The Site a document's rules see while the cache records: the same data, its reads noted.
    Memos that rules share through the site are this document's own (prepared ones excepted)."""

    def __init__(self, site: Site) -> None:
        self._site = site
        self.memo = _LayeredMemo(site.memo)

    def __getattr__(self, name: str) -> Any:
        value = _unrecorded(getattr, self._site, name)
        if name in _SETTINGS:
            wrapped = value
        elif name == "urls":
            wrapped = TracedUrls(value)
        elif callable(value):
            wrapped = _traced_method(name, value)
        else:
            wrapped = _traced(value, ("s", name))
            if not isinstance(wrapped, _Traced):
                return wrapped  # a plain value: its read was noted now, and is noted on each access
        # Kept for the next look-up: a wrapper notes each read when it is used, not when fetched.
        self.__dict__[name] = wrapped
        return wrapped


def _traced_method(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        value = _unrecorded(method, *args)
        if all(isinstance(a, (str, int)) for a in args):
            _note(("m", name, *args))
        else:
            _note(("s", "files"))  # conservative: a listing of the site
        return value

    return call


class _SharedItems(dict[Hashable, Any]):
    """A site memo that rules fill item by item (`if item not in memo: memo[item] = compute()`:
    the ids of a linked post, a missing target's search), shared by the documents a run
    records, with the reads that computed each item: a document that finds an item computed
    reads them as if it had computed it (`Recorder.take`). Per document, each linked post was
    read, parsed and its ids collected again for every post linking to it (~10% of a whole-blog
    cold run's CPU). An item computed while nothing records (paused) is not known to the others."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: dict[Hashable, tuple[set[ReadKey], dict[str, bytes]]] = {}

    def __contains__(self, item: object) -> bool:
        global CURRENT
        if self._read(item):
            return True
        if CURRENT is not None and not _PAUSED and isinstance(item, Hashable):
            _CAPTURES.append(_Capture(CURRENT, self, item))
            CURRENT = _CAPTURES[-1]
        return False  # (an item computed unrecorded is computed again: its reads are not known)

    def __getitem__(self, item: Hashable) -> Any:
        self._read(item)
        return super().__getitem__(item)

    def get(self, item: Hashable, default: Any = None) -> Any:
        return super().get(item, default) if self._read(item) else default

    def _read(self, item: object) -> bool:
        """Whether `item` is known with its reads; they are read now (by the current document)."""
        reads = self.reads.get(item) if isinstance(item, Hashable) else None
        if reads is None:
            return False
        if CURRENT is not None and not _PAUSED:
            CURRENT.take(*reads)
        return True

    def __setitem__(self, item: Hashable, value: Any) -> None:
        global CURRENT
        super().__setitem__(item, value)
        for at in range(len(_CAPTURES) - 1, -1, -1):
            capture = _CAPTURES[at]
            if capture.owner is self and capture.item == item:
                while len(_CAPTURES) > at:  # (inner ones an exception left open first)
                    done = _CAPTURES.pop()
                    done.close()
                    CURRENT = done.outer
                self.reads[item] = (capture.keys, capture.words)
                return


# A site's shared item memos, with the run they belong to: a run starts with none (`open_cache`),
# since the files they were computed from may have changed since an earlier run of this process
# on the same Site (a `--watch` re-check).
_SHARED: Key[tuple[int, dict[Key[Any], _SharedItems]]] = Key("result-cache-shared-items")
_RUN = [0]  # the current run's number in this process


class _LayeredMemo(Memo):
    """What `prepare` put on the site memo (a speller) is shared; a memo of items
    (`_SharedItems`) is shared with the reads of each item; the rest is per document."""

    __slots__ = ("_base",)

    def __init__(self, base: Memo) -> None:
        super().__init__()
        self._base = base

    def get(self, key: Key[Any], compute: Callable[[], Any]) -> Any:
        if key in self._values:
            return self._values[key]
        if not key.items:
            found = self._base.peek(key)
            return found if found is not None else super().get(key, compute)
        # A memo of items: this run's shared one, never the site's own (a document checked
        # unrecorded, one too large to store, fills that one: its items' reads are not known).
        run, shared = self._base.peek(_SHARED) or (-1, {})
        if run != _RUN[0]:
            shared = self._base.put(_SHARED, (_RUN[0], {}))[1]
        value = self._values[key] = shared.setdefault(key, _SharedItems())
        return value

    def peek(self, key: Key[Any]) -> Any:
        found = super().peek(key)
        return found if found is not None else self._base.peek(key)


def trace_speller(speller: Any) -> None:
    """Record the words each document's spelling verdicts were asked for, with a digest of each
    verdict. The verdicts read the site vocabulary; when it changes, the words a cached entry
    used whose verdicts the change can affect are judged again (`Evaluator`, vocabulary_delta.py)
    and only entries whose verdicts changed are re-checked.
    Every other public method a rule calls on the speller (`known`, `site_uses` ...) may read
    the vocabulary too: each call is recorded as a read key of its own, ("speller", name, *args)."""
    if getattr(speller, "_traced_by_cache", False):
        return
    judge = speller.check
    real_flagged = speller.flagged
    verdicts: dict[str, bytes] = {}  # word -> digest of this speller's verdict (one site, one run)
    inside = [0]  # > 0 while a verdict is computed: the speller's own calls are part of it

    def check(word: str) -> Any:
        inside[0] += 1
        try:
            verdict = judge(word)
        finally:
            inside[0] -= 1
        recorder = CURRENT
        if recorder is not None and word not in recorder.words:
            found = verdicts.get(word)
            if found is None:
                found = verdicts[word] = verdict_digest(verdict)
            recorder.words[word] = found
        return verdict

    def flagged(words: set[str]) -> set[str]:
        # every word asked about counts as read, also those judged fine earlier in the run
        # (`flagged` skips calling `check` for them); the words it does not return have no
        # verdict, so they are recorded without judging each one again
        inside[0] += 1
        try:
            bad: set[str] = real_flagged(words)
        finally:
            inside[0] -= 1
        recorder = CURRENT
        if recorder is not None:
            seen = recorder.words
            for word in bad - seen.keys():
                check(word)
            seen.update(dict.fromkeys(words - bad - seen.keys(), _NO_VERDICT))
        return bad

    def traced(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if not inside[0] and CURRENT is not None and not _PAUSED:
                CURRENT.add((SPELLER, name, *args) if _plain(args) and not kwargs else (SPELLER, name))
            return method(*args, **kwargs)

        return call

    for name in {n for klass in type(speller).__mro__ for n, v in vars(klass).items() if isinstance(v, FunctionType)}:
        if not name.startswith("_") and name not in ("check", "flagged"):
            setattr(speller, name, traced(name, getattr(speller, name)))
    speller.check = check
    speller.flagged = flagged
    speller._traced_by_cache = True


SPELLER = "speller"  # read keys of the speller's methods other than its verdicts


# ----- evaluating a read key against the current site ---------------------------------------
def _canon(value: Any) -> Any:
    if isinstance(value, Mapping):
        return sorted((repr(k), _canon(v)) for k, v in value.items())
    if isinstance(value, (set, frozenset)):
        return sorted(repr(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_canon(v) for v in value]
    return repr(value)


def digest(value: Any) -> bytes:
    return blake2b(repr(_canon(value)).encode(), digest_size=12).digest()


def sorted_digest(items: Iterable[Any]) -> bytes:
    """Digest of plain data (str, bytes, tuples of them) in any order: the file listing, each
    file's content hash or words (what `_canon` and `repr` made of a site's ~800 of them cost ~1 ms
    a digest, several a run). Version 0: it writes a str alike whether interned or not."""
    return blake2b(marshal.dumps(sorted(items), 0), digest_size=12).digest()


def content_hash(data: bytes) -> bytes:
    return blake2b(data, digest_size=16).digest()


class Evaluator:
    """Digests of read keys against the site as it is now, each computed once per run."""

    def __init__(self, site: Site, cache: ResultCache, speller: Callable[[], Any]) -> None:
        self.site = site
        self.cache = cache
        self.speller = speller  # the current speller, built when the vocabulary changed
        self.known: dict[ReadKey, bytes] = {}
        self.judged: dict[str, bytes] = {}  # verdicts under this run's vocabulary (judged, or kept)
        # the stored verdicts that hold under this run's vocabulary (None: not worked out yet)
        self.kept: Mapping[str, bytes] | None = None
        self.reach: Reach | None = None  # what the change since the stored vocabulary reaches, when known
        self.affected: set[str] = set()  # the stored table's words the change may reach (`_kept`)
        self._hold: bool | None = None  # `verdicts_hold`, once worked out

    @property
    def verdicts(self) -> dict[str, bytes]:
        """The verdict digests this run found, for the stored table, with the ident of the
        vocabulary they hold under (when the speller was built in this process)."""
        ident = _vocabulary_ident(self.site)
        return {**self.judged, VOCABULARY: ident} if ident else self.judged

    def __call__(self, key: ReadKey) -> bytes:
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = self._evaluate(key)
        return found

    def verdicts_of(self, words: list[str]) -> list[bytes]:
        """The digest of each word's verdict under the current vocabulary: the stored table while
        the vocabulary is as it was; else the stored verdict of each word the change of the
        vocabulary cannot affect (`_kept`), and the current speller's verdict on the others (each
        word judged once a run)."""
        if self.cache.vocabulary_same:
            return list(map(self.cache.verdicts.get, words, repeat(b"?")))
        table = self.judged
        self._keep()
        found: list[bytes | None] = list(map(table.get, words))  # (most words: in C)
        if None in found:
            judge = self.speller().check
            for i, word in enumerate(words):
                if found[i] is None:
                    digest = table.get(word)  # (a word may come twice)
                    if digest is None:
                        digest = table[word] = verdict_digest(judge(word))
                    found[i] = digest
        return found  # type: ignore[return-value]  # (no None left)

    def unreached(self, key: ReadKey) -> bool:
        """Whether a speller answer (a SPELLER key) is as it was under the stored vocabulary: the
        change since then reaches none of its word arguments. Each public speller method reads
        the site data of its word's own key and of the keys one edit from it or from its parts
        (vocabulary_delta.py, kinds 1, 2 and 4); `known` also kind 3, which a known change
        (`reach`) never touches: `stems_cross` left it unknown."""
        self._keep()
        reach = self.reach
        return reach is not None and len(key) > 2 and all(isinstance(a, str) and not reach.affects(a) for a in key[2:])

    def verdicts_hold(self) -> bool:
        """Whether every verdict of the stored table is the same under the current vocabulary: the
        change since the stored one is known (`_kept`), and the words it may reach, judged again,
        got the verdicts the table holds for them. Then the "words" read of an entry judged under
        the stored vocabulary gives what it gave: all its words are in the stored table (`save`
        stores the verdict of every word a run judged, and an entry is marked judged only when
        its words were judged or looked up under that vocabulary), and the verdicts of the words
        the change cannot reach are the stored ones (vocabulary_delta.py)."""
        if self._hold is None:
            self._keep()
            self._hold = False
            if self.reach is not None:
                stored = self.cache.verdicts
                words = list(self.affected)
                self._hold = self.verdicts_of(words) == [stored.get(w) for w in words]
        return self._hold

    def _keep(self) -> None:
        if self.kept is None:
            self.kept = self._kept()
            self.judged.update(self.kept)

    def _kept(self) -> Mapping[str, bytes]:
        """The stored verdicts that hold under the current vocabulary: those of the words whose
        judgement reads nothing the change of the vocabulary since the stored one changed
        (vocabulary_delta.py); none when that change is not known."""
        from .vocabulary_delta import Reach, delta_since, stems_cross

        stored = self.cache.verdicts
        since = stored.get(VOCABULARY)
        speller = self.speller()  # (built from the current vocabulary: its state is known after)
        state = _vocabulary_state(self.site)
        if not since or state is None or speller is None:
            return {}
        kept = dict(stored)
        del kept[VOCABULARY]  # (the table stored in this run names the vocabulary of this run)
        try:
            changes = delta_since(state[1], since)
            if changes is None or stems_cross(changes, speller.min_posts, speller.lex.dictionary):
                return {}
            reach = Reach(changes.keys(), kept.keys())
            affected = reach.affected(kept.keys())
        except (TypeError, ValueError, AttributeError, LookupError):
            return {}  # a history of another shape
        self.reach = reach
        self.affected = affected
        for word in affected:
            del kept[word]
        return kept

    def _evaluate(self, key: ReadKey) -> bytes:
        kind = key[0]
        if kind == "file":
            from .files import Refused, read_regular_file

            try:
                return content_hash(read_regular_file(str(key[1]), None))
            except (OSError, Refused):
                return b"missing"
        if kind == "words":
            joined = str(key[1])  # as `words_key` joined them
            return words_verdicts_digest(self.verdicts_of(joined.split("\n") if joined else []))
        if kind == "m":
            return digest(getattr(self.site, str(key[1]))(*key[2:]))
        if kind == SPELLER:
            if len(key) == 2:  # called with arguments that cannot be keys: valid while the vocabulary is
                return b"?" + os.urandom(8)
            return digest(getattr(self.speller(), str(key[1]))(*key[2:]))
        if kind == "s":
            collection = getattr(self.site, str(key[1]))
        elif kind == "u":
            collection = getattr(self.site.urls, str(key[1]))
        else:
            return b"unknown"
        if len(key) == 2:
            return digest(collection)
        op, item = key[2], key[3]
        if op == "in":
            return b"1" if item in collection else b"0"
        return digest(collection.get(item))


# The verdict table's entry naming the vocabulary its verdicts were judged under (its ident,
# rules.spelling.VOCABULARY_STATE); no word holds a NUL.
VOCABULARY = "\0vocabulary"


def _vocabulary_state(site: Site) -> Any:
    spelling = sys.modules.get("reinvent_lint.rules.spelling")
    return None if spelling is None else spelling.vocabulary_state(site)


def _vocabulary_ident(site: Site) -> bytes | None:
    state = _vocabulary_state(site)
    return state[0] if state is not None else None


def words_digest(words: Any) -> bytes:
    """Digest of one file's contribution to the site vocabulary (marshal-able data)."""
    return blake2b(marshal.dumps(words, _NO_REFS), digest_size=12).digest()


def verdict_digest(verdict: Any) -> bytes:
    return blake2b(repr(verdict).encode(), digest_size=8).digest()


_NO_VERDICT = verdict_digest(None)


def words_verdicts_digest(digests: list[bytes]) -> bytes:
    return blake2b(b"".join(digests), digest_size=12).digest()


def words_key(words: Mapping[str, bytes]) -> tuple[ReadKey, bytes]:
    """The read of a document's spelling verdicts: the words judged, the digest of their verdicts
    (in the order judged: the key is evaluated in its own order, so it need not be sorted)."""
    return ("words", "\n".join(words)), words_verdicts_digest(list(words.values()))


# ----- records as marshal-able tuples -------------------------------------------------------
def pack_problem(p: Problem, path: str) -> tuple[Any, ...]:
    fix = None
    if p.fix is not None:
        edits = tuple((e.start, e.end, e.replacement) for e in p.fix.edits)
        fix = (edits, p.fix.safety.value, p.fix.description, p.fix.edits_protected)
    where = None if p.path == path else p.path
    return (where, p.line, p.column, p.code, p.name, p.message, int(p.severity), fix, p.start, p.end,
            p.end_line, p.end_column, p.snippet, p.fix_regions)  # fmt: skip


_PROBLEM_FIELDS = tuple(f.name for f in fields(Problem))
_SEVERITIES = {int(s): s for s in Severity}


def unpack_problem(t: Sequence[Any], path: str) -> Problem:
    """The Problem `pack_problem` packed. Its fields are set without the frozen dataclass's
    __init__ (one object.__setattr__ a field): a warm run unpacks every cached finding, twice
    over when a post changed (its raw findings and its finished ones), at a third of the cost."""
    fix = None
    if t[7] is not None:
        edits, safety, description, protected = t[7]
        fix = Fix(tuple(Edit(*e) for e in edits), Safety(safety), description, protected)
    values = (t[0] if t[0] is not None else path, t[1], t[2], t[3], t[4], t[5], _SEVERITIES[t[6]], fix,
              t[8], t[9], t[10], t[11], t[12], tuple(map(tuple, t[13])))  # fmt: skip
    problem: Problem = object.__new__(Problem)
    problem.__dict__.update(zip(_PROBLEM_FIELDS, values))
    return problem


def pack_error(e: FileError, path: str) -> tuple[Any, ...]:
    return (None if e.path == path else e.path, e.message, e.line, e.column)


def unpack_error(t: Sequence[Any], path: str) -> FileError:
    return FileError(t[0] if t[0] is not None else path, t[1], t[2], t[3])


def pack_occurrence(o: Occurrence, path: str) -> tuple[Any, ...]:
    return (o.url, None if o.path == path else o.path, o.line, o.column, o.end_line, o.end_column, o.start, o.end)


def unpack_occurrence(t: Sequence[Any], path: str) -> Occurrence:
    from .external import Occurrence

    return Occurrence(t[0], t[1] if t[1] is not None else path, *t[2:])


# ----- the cache file ------------------------------------------------------------------------
@dataclass
class Entry:
    """One file's cached results (marshalled as a tuple)."""

    content: bytes
    reads: tuple[tuple[ReadKey, bytes], ...] = ()
    found: tuple[Any, ...] | None = None  # (problems, errors, occurrences), None: not checked
    style: tuple[Any, ...] | None = None  # the style pack's findings, None: not run
    finished: tuple[bytes, tuple[Any, ...]] | None = None  # (digest of finish's input, its output)
    words: bytes = b""  # digest of the words it adds to the site vocabulary
    # its front matter's YAML text and what it holds (front_matter.packed): read again from here
    # when only the body changed, without PyYAML
    front: bytes | None = None
    # what markdown-it said about its text when it was last parsed (markdown.packed): read again
    # from here when the parts it read are unchanged, without markdown-it
    blocks: bytes | None = None

    def pack(self) -> tuple[Any, ...]:
        return (self.content, self.reads, self.found, self.style, self.finished, self.words, self.front, self.blocks)


def _source_fingerprint() -> str:
    """The tool's own code and data, so an upgrade (or an edit in development) invalidates."""
    from . import __version__

    package = Path(__file__).parent
    parts = [__version__, sys.version]
    for folder, _dirs, names in os.walk(package):
        for name in sorted(names):
            if name.endswith((".py", ".gz", ".txt", ".json", ".toml", ".marshal", ".tsv", ".bin")):
                try:
                    stat = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                parts.append(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(sorted(parts))


def _settings_fingerprint(site: Site) -> list[str]:
    """The site's own settings files: `_config.yml`, `Gemfile`, `CNAME`, `_plugins/` ..."""
    from .files import Refused, read_regular_file

    parts: list[str] = []
    for base in {site.config_dir, site.root} - {None}:
        assert base is not None
        try:
            entries = sorted(os.scandir(base), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_file() and not entry.name.lower().endswith((".md", ".markdown", ".html")):
                try:
                    parts.append(f"{entry.path}:{content_hash(read_regular_file(entry.path, None)).hex()}")
                except (OSError, Refused):
                    parts.append(f"{entry.path}:unreadable")
        for folder, _dirs, names in (
            *os.walk(os.path.join(base, "_plugins")),
            *os.walk(os.path.join(base, ".reinvent-lint")),
        ):
            for name in sorted(names):
                stat = os.stat(os.path.join(folder, name))
                parts.append(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return parts


def run_key(linter: Linter, site: Site) -> bytes:
    rules = [(r.code, r.name, r.module, int(r.severity), r.site_wide) for r in linter.all_rules]
    # The cwd: findings name files by their path from it.
    parts = [str(FORMAT), _source_fingerprint(), repr(linter.config), repr(rules), str(site.root), str(linter.cwd)]
    parts += _settings_fingerprint(site)
    return blake2b("\0".join(parts).encode(), digest_size=16).digest()


def cache_folder(linter: Linter, site: Site) -> Path | None:
    """`<site>/.reinvent-lint-cache/` (the link cache's folder); None outside a site or when
    `REINVENT_LINT_CACHE_DIR=off` turns caching off."""
    configured = os.environ.get("REINVENT_LINT_CACHE_DIR")
    if configured is not None and configured.strip().lower() in ("", "off", "0", "false"):
        return None
    base = site.config_dir
    if base is None:
        return None
    folder = Path(str(linter.config.links.get("cache-dir", ".reinvent-lint-cache")))
    return folder if folder.is_absolute() else base / folder


class ResultCache:
    """The entries of one site under one run key."""

    def __init__(self, path: Path, key: bytes, site: Site, warnings: list[str]) -> None:
        self.path = path
        self.key = key
        self.site = site
        self.opened = time.time()  # (before the run reads the files it checks)
        self.entries: dict[str, tuple[Any, ...]] = {}
        self.fresh: dict[str, tuple[Any, ...]] = {}
        self.valid_until = 0.0
        self.fingerprint = b""
        self.vocabulary = b""  # digest of the site vocabulary the stored verdicts were judged with
        self.verdicts: dict[str, bytes] = {}  # word -> digest of its verdict under that vocabulary
        self.files_read: dict[str, bytes] = {}  # other files the entries read (includes ...) -> content digest
        # Entries whose spelling verdicts are known to hold under the stored vocabulary: while it
        # is the same, their `words` read need not be judged again (see `lookup`).
        self.judged: set[str] = set()
        self.validated: set[str] = set()  # entries that hold under this run's vocabulary
        self.reused: set[str] = set()  # entries found valid (the others put are checked in this run)
        self.vocabulary_begun = b""  # the vocabulary `begin` compared (what `validated` holds under)
        self._read_as: tuple[tuple[int, ...], tuple[Any, ...] | None] | None = None  # see `_read`
        raw = self._read(warnings)
        if raw is not None and raw[0] == key:
            self.entries, self.valid_until, self.fingerprint = raw[1], raw[2], raw[3]
            self.vocabulary, self.verdicts, self.files_read = raw[5], raw[6], raw[7]
            self.judged = set(raw[8])
        self.all_valid = False  # set by `begin` when nothing the site holds changed
        self.vocabulary_same = False
        self.vocabulary_now = b""
        self.fingerprint_now = b""
        self.evaluate: Evaluator | None = None
        self.linter: Any = None
        self.unstored: set[str] = set()  # files of the run whose results are not stored (`worth_storing`)
        # the stamps standing for the words of the site's Markdown files the run did not check
        # (pipeline._other_words), taken as the run began: `save` stores them without a second stat
        self.other_words: dict[str, bytes] | None = None

    def _read(self, warnings: list[str] | None) -> tuple[Any, ...] | None:
        """The cache file's contents (None: none or unreadable). The file is only ever replaced
        whole (`cache.write_atomic`), so while its inode, size and times are those of the copy
        read first, that copy is what it holds: `save` does not read and parse it again."""
        try:
            stamp = _stamp(os.stat(self.path))
            if self._read_as is not None and self._read_as[0] == stamp:
                return self._read_as[1]
            with open(self.path, "rb") as handle:
                stamp = _stamp(os.fstat(handle.fileno()))
                data = handle.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            if warnings is not None:
                warnings.append(f"{self.path}: result cache unreadable ({exc.strerror}); checking without it")
            return None
        try:
            raw = marshal.loads(data)
            if not (isinstance(raw, tuple) and len(raw) == 9 and raw[4] == FORMAT and isinstance(raw[1], dict)):
                raise ValueError("unexpected layout")
            if not isinstance(raw[6], dict) or not isinstance(raw[5], bytes) or not isinstance(raw[7], dict):
                raise ValueError("unexpected layout")
            if not isinstance(raw[8], frozenset):
                raise ValueError("unexpected layout")
            for entry in raw[1].values():
                if not (isinstance(entry, tuple) and len(entry) == 8 and isinstance(entry[0], bytes)):
                    raise ValueError("unexpected entry")
            self._read_as = (stamp, raw)
            return raw
        except (EOFError, ValueError, TypeError, IndexError):
            if warnings is not None:
                warnings.append(f"{self.path}: result cache was corrupt; rebuilt it")
            return None

    def begin(self, contents: Mapping[str, bytes], words: Mapping[str, bytes] | None) -> None:
        """`contents`: every checked file's content hash; `words`: the digest of each Markdown
        file's words. When the contents, the file listing and the run key are all as stored and no
        post's date has come due since, every entry is valid without evaluating its reads."""
        listing = sorted_digest(self.site.files) if self.site.root is not None else b""
        self.fingerprint_now = sorted_digest(contents.items()) + listing
        self.all_valid = self.fingerprint_now == self.fingerprint and time.time() < self.valid_until
        if self.all_valid and self.files_read:
            evaluate = Evaluator(self.site, self, lambda: None)
            self.all_valid = all(evaluate(("file", path)) == value for path, value in self.files_read.items())
        self.vocabulary_now = sorted_digest(words.items()) if words is not None else b""
        self.vocabulary_same = bool(self.vocabulary) and self.vocabulary_now == self.vocabulary
        self.vocabulary_begun = self.vocabulary_now

    def stored_words(self, rel: str, content: bytes) -> bytes | None:
        raw = self.entries.get(rel)
        return raw[5] if raw is not None and raw[0] == content and raw[5] else None

    def lookup(self, rel: str, content: bytes) -> Entry | None:
        raw = self.entries.get(rel)
        if raw is None or raw[0] != content:
            return None
        entry = Entry(*raw)
        if entry.found is not None and not self.all_valid:
            assert self.evaluate is not None
            # the speller's answers read only the vocabulary: as it was, so are they; so are the
            # verdicts of an entry judged under it (the others are looked up in its verdict table)
            judged = self.vocabulary_same and rel in self.judged
            under_stored = rel in self.judged  # its answers were read under the stored vocabulary
            for key, value in entry.reads:
                if self.vocabulary_same and (key[0] == SPELLER or (judged and key[0] == "words")):
                    continue
                if key[0] == "words" and under_stored and self.evaluate.verdicts_hold():
                    continue  # no verdict of the stored table changed (all its words are there)
                if key[0] == SPELLER and under_stored and self.evaluate.unreached(key):
                    continue  # a speller answer the change of the vocabulary cannot reach
                if self.evaluate(key) != value:
                    entry.found = None
                    entry.finished = None
                    break
        if entry.found is not None:
            self.reused.add(rel)
            if not self.all_valid or rel in self.judged:
                self.validated.add(rel)  # its verdicts hold under the vocabulary `begin` compared
        return entry

    def put(self, rel: str, entry: Entry) -> None:
        self.fresh[rel] = entry.pack()

    def save(
        self,
        contents: Mapping[str, bytes],
        whole_site: bool,
        verdicts: Mapping[str, bytes],
        words: Mapping[str, bytes] | None,
    ) -> None:
        """Write the entries back, merged with what another run wrote meanwhile."""
        if self.all_valid and self.fresh == {rel: self.entries.get(rel) for rel in self.fresh}:
            return
        if words is not None:
            self.vocabulary_now = sorted_digest(words.items())
        if self.vocabulary_now != self.vocabulary:
            self.vocabulary_same = False
        entries = dict(self.entries)
        table = dict(self.verdicts) if self.vocabulary_same else {}
        # judged under this vocabulary: what this run checked, what it found valid under it, and,
        # while the vocabulary is the stored one, what was judged under it before
        judged = self.fresh.keys() - self.reused
        if self.vocabulary_now == self.vocabulary_begun:
            judged |= self.validated
        if self.vocabulary_same:
            judged |= self.judged
        current = self._read(None)
        if current is not None and current[0] == self.key and current[5] == self.vocabulary_now:
            entries.update(current[1])
            table.update(current[6])
            judged |= current[8]
        entries.update(self.fresh)
        for rel in self.unstored.intersection(entries):  # an entry from before it grew
            del entries[rel]
        table.update(verdicts)
        if whole_site:  # files that are gone
            entries = {rel: e for rel, e in entries.items() if rel in contents or rel.startswith("\0")}
        complete = whole_site and all(
            rel in self.unstored or (rel in entries and entries[rel][2] is not None) for rel in contents
        )
        fingerprint = self.fingerprint_now if complete else b""
        files_read = {str(k[1]): v for e in entries.values() for k, v in e[1] if k[0] == "file"}
        self.valid_until = _next_due(self.site)
        marks = frozenset(judged.intersection(entries))
        packed = (
            self.key,
            entries,
            self.valid_until,
            fingerprint,
            FORMAT,
            self.vocabulary_now,
            table,
            files_read,
            marks,
        )
        cache.write_atomic(self.path, marshal.dumps(packed))
        _prune(self.path.parent)


def _stamp(stat: os.stat_result) -> tuple[int, ...]:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _next_due(site: Site) -> float:
    """When the next future-dated post is published (findings about it change then)."""
    if site.root is None:
        return float("inf")
    due = [f.date.timestamp() for f in site.urls.posts.values() if f.state == "future" and f.date is not None]
    return min(due, default=float("inf"))


def clear(folder: Path) -> int:
    """Remove the result cache in `folder`; returns how many files were removed."""
    removed = 0
    for path in folder.glob(FILE_PATTERN):
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    return removed


def _prune(folder: Path) -> None:
    """Keep the KEEP most recently written cache files (one per run key)."""
    try:
        found = sorted(folder.glob(FILE_PATTERN), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    except OSError:
        return
    for path in found[KEEP:]:
        try:
            path.unlink()
        except OSError:
            pass


def open_cache(linter: Linter, site: Site, warnings: list[str]) -> ResultCache | None:
    folder = cache_folder(linter, site)
    if folder is None or site.root is None:
        return None
    _ROOTS.add(str(site.root) + os.sep)
    if site.config_dir is not None:
        _ROOTS.add(str(site.config_dir) + os.sep)
    _IGNORED.append(str(folder) + os.sep)
    _RUN[0] += 1  # (every site's cache is opened before any document is checked)
    key = run_key(linter, site)
    store = ResultCache(folder / FILE_PATTERN.replace("*", key.hex()[:16]), key, site, warnings)
    store.linter = linter
    return store


@dataclass
class Stats:
    """What the last run did, for tests and the bench: files checked vs taken from the cache."""

    checked: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    # for replay.py: whether every checked file's site had a result cache, each checked file's
    # content hash as read (by real path), when a post comes due, the sites' cache folders
    cached: bool = False
    read: dict[str, bytes] = field(default_factory=dict)
    due: float = float("inf")
    folders: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


LAST = Stats()


def finish_digest(
    problems: Iterable[Problem], path: str, ran: tuple[bool, ...], packed: Mapping[int, tuple[Any, ...]] | None = None
) -> bytes:
    """Digest of `finish`'s input for one file, in any order. `packed`: problems already packed
    for `path` (by id, as read from the cache), so a warm run does not pack them again."""
    known = packed or {}
    # marshal version 0 writes every str alike, interned or not (1+ mark interned ones)
    dumped = sorted(marshal.dumps(known.get(id(p)) or pack_problem(p, path), 0) for p in problems)
    return blake2b(marshal.dumps((dumped, ran), 0), digest_size=16).digest()
