"""Which spelling verdicts a change of the site vocabulary can change (issue 18: precise
invalidation). When one post is edited, the posts using a few word forms change; a warm run then
judges again only the words whose verdict can read the site data of those words, and keeps the
stored verdict of every other one (result_cache.Evaluator).

What a verdict reads of the site (speller.py, `Speller._judge` and all it calls), by key: the
posts using a lower-case word in any case (`site_totals`), its commonest form (`_site_forms`),
the posts using a form (`site_counts`, keyed by a form whose lower-case word is the key), whether
the site's code uses it (`code_words`), and the mixed-case names index built from the first two.
A verdict on a word `w` (lower-case `l`) reads the keys:

1. `l` itself (`site_ok`, `site_uses(lower)`, `code_words`, `_site_cased_near`'s own count);
2. the keys one edit from `l`, `_edits(l)`: every neighbour search (`_neighbours`, `site_ok`'s and
   `_site_cased_near`'s intersections, `_mixed_near`'s `one_edit`, `site_uses(lower[:-1])`), and
   what is read of each neighbour found (its posts, its commonest form, a form of it);
3. through `known(x)`, for `x` = `l`, a neighbour, a part, a British form: `_base(stem)` reads
   whether a stem's posts reach `min_posts`, for stems made from `x` by its suffixes and prefixes;
4. through its parts, judged as words of their own: the humps of a mixed-case word
   (`_hump_typo`), the head of a contraction (`_contraction`), the rest after a prefix
   (`_prefixed_typo`: its own key, its neighbours, `known` of them).

Keys of kinds 1, 2 and 4 are found from the changed keys by inverting one edit (`affected_words`).
Kind 3 changes only when a changed key that is no dictionary word (`_base` tests the dictionary
first) and has three letters or more crossed `min_posts`: then `known` may answer otherwise for
words this module does not trace, and every word is judged again (`stems_cross`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping

from .speller import _HUMP, _LETTERS, _PREFIXES

Changes = Mapping[str, tuple[int, int]]  # lower-case word -> (its posts before, after)


def delta_since(history: Iterable[tuple[bytes, Changes]], ident: bytes) -> dict[str, tuple[int, int]] | None:
    """The changes from the vocabulary `ident` to the last one of `history` (oldest first: each
    ident with the changes that led to it from the one before), each word's posts then and now;
    None when `ident` is not in it (a vocabulary counted again, or too old)."""
    steps = list(history)
    at = next((i for i, step in enumerate(steps) if step[0] == ident), None)
    if at is None:
        return None
    found: dict[str, tuple[int, int]] = {}
    for _, changes in steps[at + 1 :]:
        for word, (before, after) in changes.items():
            found[word] = (found[word][0] if word in found else before, after)
    return found


def changes_between(
    old: Mapping[str, int], new: Mapping[str, int], old_code: Collection[str], new_code: Collection[str]
) -> dict[str, tuple[int, int]]:
    """The changes from one vocabulary (posts using each form; words the site's code uses) to
    another, as rules.spelling's `_mend` records them in a history: each lower-case word whose
    forms' posts changed, its posts before and after; a word whose use in code changed, its
    posts as they are. (Made whole, from both vocabularies: for tests and benchmarks.)"""
    from .speller import site_tables

    before, _ = site_tables(old)
    after, _ = site_tables(new)
    changed = {f.lower() for f in old.keys() | new.keys() if old.get(f, 0) != new.get(f, 0)}
    found = {w: (before.get(w, 0), after.get(w, 0)) for w in changed}
    for word in set(old_code) ^ set(new_code):
        found.setdefault(word, (after.get(word, 0), after.get(word, 0)))
    return found


def stems_cross(changes: Changes, min_posts: int, dictionary: Callable[[str], bool]) -> bool:
    """Whether a changed word may change what `Speller.known` answers: `_base(stem)` is
    `len(stem) >= 3 and (dictionary(stem) or site_uses(stem) >= min_posts)`."""
    return any(
        len(word) >= 3 and (before >= min_posts) != (after >= min_posts) and not dictionary(word)
        for word, (before, after) in changes.items()
    )


def parts(word: str) -> set[str]:
    """The lower-case words whose keys and neighbourhoods the verdict on `word` may read: its own,
    and those of its parts judged on their own (humps, a contraction's head, the rest after a
    prefix), recursively. A superset: a part is listed whether or not the speller gets to it."""
    lower = word.lower()
    found = {lower, *_rests(lower)}
    if "'" in word:
        head = word.rpartition("'")[0]
        found |= parts(head)
        if head[-1:] in ("n", "N"):  # wouldn't: would + n't
            found |= parts(head[:-1])
    if word[1:] != lower[1:]:  # capitals inside: the humps (`_hump_typo` skips the short and all-caps ones)
        for hump in _HUMP.findall(word):
            if hump != word and len(hump) >= 4 and not hump.isupper():
                found |= parts(hump)
    return found


# the prefixes by their first two letters; the shortest word split after one
_STARTS = {start: tuple(p for p in _PREFIXES if p[:2] == start) for start in {p[:2] for p in _PREFIXES}}
_SPLIT = min(map(len, _PREFIXES)) + 6


def _rests(lower: str) -> list[str]:
    """What `_prefixed_typo` judges of `lower`: the rest after a prefix, six letters or more."""
    return [lower[len(p) :] for p in _STARTS.get(lower[:2], ()) if lower.startswith(p) and len(lower) - len(p) >= 6]


def _within_one_edit(key: str, alphabet: str) -> set[str]:
    """Every string `x` such that `key` is in `speller._edits(x)` (a superset): `key` with one
    character of `alphabet` inserted, one of its letters replaced by one of `alphabet`, one of its
    characters deleted, two neighbours swapped; and `key` itself."""
    n = len(key)
    found = {key}
    found.update(key[:i] + key[i + 1 :] for i in range(n))
    found.update(key[:i] + key[i + 1] + key[i] + key[i + 2 :] for i in range(n - 1))
    for i in range(n + 1):
        head, tail = key[:i], key[i:]
        found.update(f"{head}{c}{tail}" for c in alphabet)
    for i in range(n):
        if key[i] in _LETTERS:  # `_edits` writes only lower-case ASCII letters
            head, tail = key[:i], key[i + 1 :]
            found.update(f"{head}{c}{tail}" for c in alphabet)
    return found


def affected_words(words: Collection[str], changed: Collection[str]) -> set[str]:
    """The words of `words` whose verdict may read the site data of a lower-case word in
    `changed`, directly, through a neighbour search or through a part (kinds 1, 2 and 4 above; a
    superset). Kind 3 is `stems_cross`'s: call it first."""
    if not changed:
        return set()
    return Reach(changed, words).affected(words)


class Reach:
    """The lower-case words a change of the keys `changed` reaches (kinds 1, 2 and 4 above),
    over the letters of `words`: every string within one edit of a changed key (its edits made
    with those letters)."""

    def __init__(self, changed: Collection[str], words: Collection[str]) -> None:
        joined = "\n".join(words)
        if joined.isascii():
            alphabet = set(joined.lower())
        else:  # (lowered one by one: a word's lower case may depend on its letters' places, as a final sigma's)
            alphabet = set(joined).union(*map(str.lower, words))
        alphabet.discard("\n")
        self.letters = frozenset(alphabet)
        letters = "".join(sorted(alphabet))
        self.near: set[str] = set()
        for key in changed:
            self.near |= _within_one_edit(key, letters)

    def affected(self, words: Iterable[str]) -> set[str]:
        """The words of `words` (written with the letters given) the change may reach. (`_reached`
        with its lower-case case inlined: most of a site's ~14,000 words, one call fewer each.)"""
        near = self.near
        found: set[str] = set()
        for word in words:
            if not word.islower():
                if _reached(near, word):
                    found.add(word)
            elif word in near:
                found.add(word)
            elif "'" in word:
                if not near.isdisjoint(parts(word)):
                    found.add(word)
            elif len(word) >= _SPLIT and word.startswith(_PREFIXES) and any(rest in near for rest in _rests(word)):
                found.add(word)
        return found

    def affects(self, word: str) -> bool:
        """Whether the change may reach `word`, any word: one with a letter outside the letters
        given may be one edit from a changed key by that letter, so it counts as reached."""
        letters = self.letters
        if not (letters.issuperset(word) and letters.issuperset(word.lower())):
            return True
        return _reached(self.near, word)


def _reached(near: set[str], word: str) -> bool:
    """Whether `word`, or a part of it judged on its own, is in `near` (cheap cases first: no
    parts built for a plain word)."""
    lower = word if word.islower() else word.lower()
    if lower in near or word in near:
        return True
    if "'" in word or word[1:] != lower[1:]:
        return not near.isdisjoint(parts(word))
    return len(lower) >= _SPLIT and lower.startswith(_PREFIXES) and any(rest in near for rest in _rests(lower))
