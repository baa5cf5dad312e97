"""Typed per-object memos: what one rule computes about a document or a site, shared with the
others for the rest of the run, without stashing values in `__dict__` out of the type checker's
sight. Each memo has a `Key[T]` declared beside the code that computes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")


class Key(Generic[T]):
    """The name of one memoised value of type T. `items`: a site memo of items that rules fill
    one by one (`if item not in memo: memo[item] = compute()`), each computed from the site's
    files alone; a run with the result cache shares it among the documents it records, with the
    reads that computed each item (result_cache._SharedItems)."""

    __slots__ = ("items", "name")

    def __init__(self, name: str, items: bool = False) -> None:
        self.name = name
        self.items = items

    def __repr__(self) -> str:
        return f"Key({self.name!r})"


class Memo:
    """Values computed once per owner (a Document or a Site) and run."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: dict[Key[Any], Any] = {}

    def get(self, key: Key[T], compute: Callable[[], T]) -> T:
        if key in self._values:
            return cast(T, self._values[key])
        value = self._values[key] = compute()
        return value

    def peek(self, key: Key[T]) -> T | None:
        return cast("T | None", self._values.get(key))

    def put(self, key: Key[T], value: T) -> T:
        self._values[key] = value
        return value


# The documents a run read, by site-relative path, put on each Site before the rules' `prepare`:
# a rule that learns from the whole site (the spelling vocabulary) reads them instead of the files.
READ_DOCUMENTS: Key[dict[str, Any]] = Key("read-documents")
