"""The hash functions of the caches, without importing `hashlib` (issue 18, start-up).

`hashlib` loads OpenSSL's library when imported (~2 ms of CPU, a run's hundredth on a one-post
check), yet the caches use only BLAKE2b and SHA-256, which CPython builds in as modules of their
own (`hashlib.blake2b` is `_blake2.blake2b`). Same algorithms, same digests; `hashlib` is the
fallback on a Python built without them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from typing import Any

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without its own BLAKE2
    from hashlib import blake2b


@cache
def _sha256() -> Callable[[bytes], Any]:
    for name in ("_sha2", "_sha256"):  # 3.12 and later, 3.11
        try:
            found: Callable[[bytes], Any] = importlib.import_module(name).sha256
            return found
        except (ImportError, AttributeError):
            continue
    import hashlib  # pragma: no cover - a Python built without its own SHA-2

    return hashlib.sha256  # pragma: no cover


def sha256_hex(data: bytes) -> str:
    """`hashlib.sha256(data).hexdigest()`."""
    return str(_sha256()(data).hexdigest())


__all__ = ["blake2b", "sha256_hex"]
