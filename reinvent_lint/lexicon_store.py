"""The spelling lexicon on disk, read word by word: a one-post run looks up a few thousand words,
and loading all 700,000 entries into memory cost more than the rest of the run together.

The lexicon's layers (sets and mappings of words) are written once, beside the other cached data
(cache.py), into an SQLite file with one table per layer; `open_store` then returns the same
Lexicon with lazy, memoised, read-only views of those tables. SQLite is in the standard library,
reads a key in a few microseconds, and is safe to read from several processes. A run over many
files loads the lexicon into memory instead (speller.preload): its lookups are many, and forked
workers share the loaded sets.

A missing, stale or corrupt store is simply rebuilt; a cache that cannot be written is skipped.
"""

from __future__ import annotations

import dataclasses
import marshal
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from . import cache

FORMAT = 1
T = TypeVar("T")
_MISSING = object()


class _Table:
    """One layer as a read-only table `(k TEXT PRIMARY KEY, v)`; lookups are memoised."""

    def __init__(self, store: _Store, name: str, size: int) -> None:
        self._store = store
        self._name = name
        self._size = size
        self._memo: dict[str, Any] = {}
        self._query = f"SELECT v FROM {name} WHERE k = ?"

    def _lookup(self, key: object) -> Any:
        if not isinstance(key, str):
            return _MISSING
        try:
            return self._memo[key]
        except KeyError:
            pass
        row = self._store.connection().execute(self._query, (key,)).fetchone()
        value = _MISSING if row is None else _decode(row[0])
        self._memo[key] = value
        return value

    def __contains__(self, key: object) -> bool:
        return self._lookup(key) is not _MISSING

    def prefetch(self, keys: list[str]) -> None:
        """Look up many keys in a few queries (a word's hundreds of one-edit neighbours: one
        query per 500 instead of one each)."""
        todo = [k for k in dict.fromkeys(keys) if k not in self._memo]
        connection = self._store.connection()
        for i in range(0, len(todo), 500):
            chunk = todo[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = connection.execute(f"SELECT k, v FROM {self._name} WHERE k IN ({marks})", chunk).fetchall()
            found = {k: _decode(v) for k, v in rows}
            for k in chunk:
                self._memo[k] = found.get(k, _MISSING)

    def __len__(self) -> int:
        return self._size

    def _rows(self) -> list[tuple[str, Any]]:
        rows = self._store.connection().execute(f"SELECT k, v FROM {self._name} ORDER BY k").fetchall()
        return [(k, _decode(v)) for k, v in rows]

    def __iter__(self) -> Iterator[str]:
        return iter([k for k, _ in self._rows()])


class LazySet(_Table):
    """A frozenset of words, looked up on demand."""

    def __or__(self, other: Any) -> frozenset[str]:
        return frozenset(self) | frozenset(other)


class LazyMap(_Table):
    """A mapping from words, looked up on demand."""

    def get(self, key: str, default: Any = None) -> Any:
        value = self._lookup(key)
        return default if value is _MISSING else value

    def __getitem__(self, key: str) -> Any:
        value = self._lookup(key)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def items(self) -> list[tuple[str, Any]]:
        return self._rows()

    def keys(self) -> list[str]:
        return [k for k, _ in self._rows()]

    def values(self) -> list[Any]:
        return [v for _, v in self._rows()]


def _encode(value: Any) -> Any:
    if value is None or (isinstance(value, (str, int)) and not isinstance(value, bool)):
        return value
    return sqlite3.Binary(b"m" + marshal.dumps(value))


def _decode(value: Any) -> Any:
    if isinstance(value, bytes) and value[:1] == b"m":
        return marshal.loads(value[1:])
    return value


class _Store:
    """The SQLite file, opened read-only once per process (a connection never crosses a fork)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pid = -1
        self._connection: sqlite3.Connection | None = None

    def connection(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            self._connection = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._connection


def _path(key: str) -> Path | None:
    folder = cache.cache_dir()
    if folder is None:
        return None
    import hashlib

    digest = hashlib.sha256(f"{FORMAT}\0{key}".encode()).hexdigest()[:16]
    return folder / f"lexicon-{digest}.sqlite"


def _wrapped(value: Any) -> Any:
    """The table-backed part of a layer: the set or mapping itself, or the `_raw` mapping of an
    object that keeps its words in one (speller.Misspellings)."""
    if isinstance(value, (set, frozenset, dict)):
        return value
    raw = getattr(value, "_raw", None)
    return raw if isinstance(raw, dict) else None


def open_store(key: str, cls: type[T]) -> T | None:
    """The lexicon `cls` (a dataclass of word layers) backed by the store for `key`, or None
    when there is no usable store (the caller builds the lexicon and calls `save`)."""
    path = _path(key)
    if path is None or not path.is_file():
        return None
    store = _Store(path)
    try:
        rows = store.connection().execute("SELECT field, kind, size, extra FROM layers").fetchall()
    except sqlite3.Error:
        return None
    layers = {field: (kind, size, extra) for field, kind, size, extra in rows}
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name not in layers:
            return None
        kind, size, extra = layers[f.name]
        table = f"t_{f.name}"
        if kind == "set":
            values[f.name] = LazySet(store, table, size)
        elif kind == "map":
            values[f.name] = LazyMap(store, table, size)
        elif kind == "raw":  # an object around a mapping: rebuilt around the lazy mapping
            wrapper = _decode(extra)
            values[f.name] = _rewrap(wrapper, LazyMap(store, table, size))
        else:
            values[f.name] = _decode(extra)
    return cls(**values)


def _rewrap(class_path: Any, table: LazyMap) -> Any:
    import importlib

    module, _, name = str(class_path).rpartition(".")
    return getattr(importlib.import_module(module), name)(table)


def save(key: str, lexicon: Any) -> None:
    """Write the layers of `lexicon` (a dataclass instance) to the store for `key`, atomically."""
    path = _path(key)
    if path is None:
        return
    import tempfile

    from .signals import deferred

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with deferred():  # a stop waits: no half-written store, no temporary file left
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            os.close(fd)
            try:
                _write(Path(temp), lexicon)
                os.replace(temp, path)
            except BaseException:
                try:
                    os.unlink(temp)
                except OSError:
                    pass
                raise
    except (OSError, sqlite3.Error, ValueError, TypeError):
        return


def _write(path: Path, lexicon: Any) -> None:
    connection = sqlite3.connect(str(path))
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("CREATE TABLE layers (field TEXT PRIMARY KEY, kind TEXT, size INTEGER, extra BLOB)")
        for f in dataclasses.fields(lexicon):
            value = getattr(lexicon, f.name)
            words = _wrapped(value)
            if words is None:
                connection.execute("INSERT INTO layers VALUES (?, 'value', 0, ?)", (f.name, _encode_any(value)))
                continue
            table = f"t_{f.name}"
            connection.execute(f"CREATE TABLE {table} (k TEXT PRIMARY KEY, v) WITHOUT ROWID")
            if isinstance(words, dict):
                rows = ((str(k), _encode(v)) for k, v in words.items())
            else:
                rows = ((str(k), None) for k in words)
            connection.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", rows)
            if words is value:
                kind, extra = ("map" if isinstance(value, dict) else "set"), None
            else:
                kind, extra = "raw", _encode_any(f"{type(value).__module__}.{type(value).__qualname__}")
            connection.execute("INSERT INTO layers VALUES (?, ?, ?, ?)", (f.name, kind, len(words), extra))
        connection.commit()
    finally:
        connection.close()


def _encode_any(value: Any) -> bytes:
    return b"m" + marshal.dumps(value)
