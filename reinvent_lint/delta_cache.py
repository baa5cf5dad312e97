"""A large cached tuple whose first parts are dicts (the site vocabulary's sums, rules.spelling),
kept as the whole, written now and then, and the few entries that changed since, written on
each change: one post's edit then writes a few KB, not the whole again (1.8 MB on a 270-post
blog: ~4.5 ms of a 0.15 s run).

The small file (`<name>-delta`, in the same cache folder, `cache.py`) names the whole it was
made against by that whole's ident (a part of the tuple that is new each time it is written):
a delta of another whole (one written since by another run) is not applied. Each delta holds
every entry that differs from the whole it names, so it replaces the last one; once too many
differ, the whole is written again. As with `cache.py`, a missing or unreadable file only
costs time: the caller counts again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from . import cache

DELTA = "-delta-1"  # suffix of the small file's name
MOST_KEYS = 5_000  # entries differing from the whole (in all its dicts) before it is written again
MOST_FIRST = 16  # ... or keys of the first dict (the files: one of them changed brings all its words)

# Per (name, key): the ident of the whole loaded, and the keys of each of its dicts that the delta
# applied to it holds (the next delta holds them too).
_LOADED: dict[tuple[str, str], tuple[Any, list[set[Any]]]] = {}


def load(name: str, key: str, dicts: int, ident: int, valid: Callable[[Any], bool]) -> Any | None:
    """The tuple stored under `name` and `key`, with the last delta applied: its first `dicts`
    parts are dicts, part `ident` names it (new each time a whole is stored: random bytes). None
    (or a value `valid` refuses) when there is none."""
    whole = cache.load(name, key)
    _LOADED.pop((name, key), None)
    if not (isinstance(whole, tuple) and valid(whole)):
        return whole
    loaded_ident = whole[ident]
    keys: list[set[Any]] = [set() for _ in range(dicts)]
    delta: Any = cache.load(name + DELTA, key)
    if _fits(delta, whole, dicts, ident):
        _, changes, changed_rest = delta
        for part, changed, known in zip(whole, changes, keys):
            for item, value in changed.items():
                if value is None:
                    part.pop(item, None)
                else:
                    part[item] = value
            known.update(changed)
        whole = (*whole[:dicts], *changed_rest)
    _LOADED[(name, key)] = (loaded_ident, keys)
    return whole


def _fits(delta: Any, whole: tuple[Any, ...], dicts: int, ident: int) -> bool:
    return (
        isinstance(delta, tuple)
        and len(delta) == 3
        and delta[0] == whole[ident]
        and isinstance(delta[1], tuple)
        and len(delta[1]) == dicts
        and all(isinstance(part, dict) for part in delta[1])
        and isinstance(delta[2], tuple)
        and len(delta[2]) == len(whole) - dicts
    )


def store(name: str, key: str, value: tuple[Any, ...], touched: Sequence[Collection[Any]] | None) -> None:
    """Store `value`, a tuple loaded with `load` and changed only at the keys `touched` of each
    of its dicts (None: changed anywhere, or made anew): as a delta against the whole loaded
    while few entries differ from it, else whole. Its dicts may be subclasses (a Counter)."""
    loaded = _LOADED.get((name, key))
    if touched is not None and loaded is not None and len(touched) <= len(value):
        ident, known = loaded
        keys = [k.union(t) for k, t in zip(known, touched)]
        if len(keys[0]) <= MOST_FIRST and sum(map(len, keys)) <= MOST_KEYS:
            dicts = len(keys)
            # (None: no dict of these caches holds None, so it marks an entry gone)
            changes = tuple({k: part.get(k) for k in ks} for part, ks in zip(value, keys))
            cache.store(name + DELTA, key, (ident, changes, value[dicts:]))  # (the other parts: small)
            _LOADED[(name, key)] = (ident, keys)
            return
    # (its new ident: any delta written before no longer applies; marshal takes no dict subclass)
    cache.store(name, key, tuple(dict(p) if isinstance(p, dict) and type(p) is not dict else p for p in value))
    _LOADED.pop((name, key), None)
