"""The site vocabulary's sums stored as a whole and a small delta (delta_cache.py): what is loaded
is what was stored last, whichever way it was written."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest

from reinvent_lint import cache, delta_cache


def _valid(value: Any) -> bool:
    return len(value) == 4 and all(isinstance(part, dict) for part in value[:2])


def _load() -> Any:
    return delta_cache.load("sums", "site", 2, 3, _valid)


def _whole_bytes() -> bytes:
    path = cache._path("sums", "site")
    assert path is not None
    return path.read_bytes()


def test_a_change_is_stored_as_a_delta_and_loads_back_as_stored() -> None:
    # (each whole names itself by a part new each time, as the vocabulary's random ident)
    delta_cache.store("sums", "site", ({"a": 1, "b": 2}, {"x": "y"}, "rest", b"one-18"), None)
    whole = _whole_bytes()
    assert _load() == ({"a": 1, "b": 2}, {"x": "y"}, "rest", b"one-18")
    second = ({"a": 1, "c": 3}, {"x": "z"}, "more", b"two-18")
    delta_cache.store("sums", "site", second, [{"b", "c"}, {"x"}])
    assert _whole_bytes() == whole  # only the delta was written
    assert _load() == second
    third = ({"c": 4}, {"x": "z"}, "more", b"three-18")  # the keys of the last delta are kept in this one
    delta_cache.store("sums", "site", third, [{"a", "c"}, set()])
    assert _whole_bytes() == whole
    assert _load() == third
    # a whole written since (a full count, another run): the delta made against the old one is not applied
    fourth = ({"d": 1}, {}, "", b"four-18")
    delta_cache.store("sums", "site", fourth, None)
    assert _load() == fourth


def test_too_many_changed_entries_write_the_whole_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delta_cache, "MOST_KEYS", 3)
    delta_cache.store("sums", "site", ({"a": 1}, {}, "", os.urandom(8)), None)
    whole = _whole_bytes()
    _load()
    second = ({"a": 1, "b": 2, "c": 3, "d": 4}, {}, "", os.urandom(8))
    delta_cache.store("sums", "site", second, [{"b", "c", "d"}, set()])
    assert _whole_bytes() == whole
    _load()
    third = {**second[0], "e": 5}
    last = os.urandom(8)
    delta_cache.store("sums", "site", (third, {}, "", last), [{"e"}, set()])
    assert _whole_bytes() != whole
    assert _load() == (third, {}, "", last)


def test_a_delta_of_another_shape_is_not_applied() -> None:
    ident = os.urandom(8)
    delta_cache.store("sums", "site", ({"a": 1}, {}, "", ident), None)
    cache.store("sums" + delta_cache.DELTA, "site", (ident, ({"a": 2},), ()))
    assert _load() == ({"a": 1}, {}, "", ident)
    cache.store("sums" + delta_cache.DELTA, "site", "garbage")
    assert _load() == ({"a": 1}, {}, "", ident)


WORDS = "alpha Alpha beta gamma KubeVirt kubevirt ZETA zeta delta Delta epsilon".split()


def _text(rng: random.Random) -> str:
    prose = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 8)))
    code = " ".join(f"`{rng.choice(['frobnicate', 'quuxify', 'zorbly'])}()`" for _ in range(rng.randint(0, 2)))
    return f"{prose}.\n\n{code}\n"


def test_the_sums_mended_after_random_edits_load_back_as_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random edits, new and removed posts, each mended from the whole and the last delta: what
    is loaded is what the mend stored, and the counts are those of a count made anew."""
    from reinvent_lint.jekyll.site import Site
    from reinvent_lint.rules import spelling

    rng = random.Random(18)
    posts = tmp_path / "_posts"
    posts.mkdir()
    for n in range(1, 6):
        (posts / f"2024-01-0{n}-p{n}.md").write_text(_text(rng))
    stored: list[tuple[Any, ...]] = []
    real = delta_cache.store

    def kept(name: str, key: str, value: tuple[Any, ...], touched: Any) -> None:
        stored.append((value, touched is None))
        real(name, key, value, touched)

    monkeypatch.setattr(delta_cache, "store", kept)
    spelling._site_vocabulary(Site(tmp_path))
    for step in range(40):
        kind = rng.randrange(6)
        names = sorted(p.name for p in posts.iterdir())
        if kind == 0 and len(names) > 2:
            (posts / rng.choice(names)).unlink()
        elif kind == 1:
            (posts / f"2024-02-{step + 1:02d}-new.md").write_text(_text(rng))
        else:
            path = posts / rng.choice(names)
            path.write_text(_text(rng))
            os.utime(path, ns=(step + 1, step + 1))
        counts, code, _ = spelling._site_vocabulary(Site(tmp_path))
        value = stored[-1][0]
        loaded = delta_cache.load(spelling.SITE_CACHE, str(tmp_path), 6, 7, spelling._valid_sums)
        assert loaded == value
        with monkeypatch.context() as m:
            m.setenv("REINVENT_LINT_CACHE_DIR", "off")
            assert (counts, code) == spelling._site_vocabulary(Site(tmp_path))[:2]
    assert not any(whole for _, whole in stored[1:])  # every edit was mended, none counted anew
