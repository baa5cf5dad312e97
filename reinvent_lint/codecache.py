"""Compiled once: the code `dataclasses` generates for each class (issue 18, start-up).

Every `@dataclass` writes the source of its `__init__`, `__repr__`, `__eq__`, `__hash__` ...
and compiles it, at each start of the program: a one-post check creates some 37 dataclasses
(ours, the parser's), about 195 small functions, and compiling them cost ~9 ms of CPU, a twentieth
of the whole run. Python keeps the byte code of modules (`__pycache__`), not of this generated
source; this module keeps it, in the user cache (`cache.py`), by its exact source text.

`dataclasses` runs that source through the built-in `exec`, found through its module globals:
while `cached()` is active, a module global of the same name there compiles each source once
(with no `__future__` flag of ours, exactly as the built-in does for dataclasses.py) and runs the
compiled code. The text is the key, so the code run is the code the text compiles to; a class
whose text is new is compiled as before and kept for the next run. The store is one marshal file
per interpreter version (code objects are version-specific); a missing, foreign or corrupt one is
rebuilt. Nothing else changes: the same globals, the same namespace, the same functions.
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import CodeType
from typing import Any

NAME = "dataclass-code"
MOST = 4096  # sources kept; past this, only those of the last run


def _path() -> str | None:
    from .cache import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    tag = f"{sys.implementation.cache_tag}-{sys.hexversion:x}"
    return os.path.join(folder, f"{NAME}-{tag}.marshal")


def _load(path: str) -> dict[str, CodeType]:
    try:
        with open(path, "rb") as handle:
            stored = marshal.loads(handle.read())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == sys.version):
        return {}
    codes = stored[1]
    if not isinstance(codes, dict):
        return {}
    return {k: v for k, v in codes.items() if isinstance(k, str) and type(v) is CodeType}


class _Compiled:
    """The `exec` dataclasses sees: source text compiled once, by its text."""

    def __init__(self, known: dict[str, CodeType]) -> None:
        self.known = known
        self.used: dict[str, CodeType] = {}
        self.new = 0

    def __call__(self, source: Any, globals: Any = None, locals: Any = None) -> None:
        if globals is None:  # the caller's namespace, as the built-in takes it (dataclasses passes one)
            caller = sys._getframe(1)
            globals, locals = caller.f_globals, caller.f_locals if locals is None else locals
        if not isinstance(source, str):
            exec(source, globals, locals)
            return
        code = self.known.get(source)
        if code is None:
            # dont_inherit: the flags of dataclasses.py (none), not this module's `annotations`
            code = self.known[source] = compile(source, "<string>", "exec", dont_inherit=True)
            self.new += 1
        self.used[source] = code
        exec(code, globals, locals)


@contextmanager
def cached() -> Iterator[None]:
    """Within this block, dataclasses compiles each generated function's source at most once
    across runs. Without a cache folder (`REINVENT_LINT_CACHE_DIR=off`) it changes nothing."""
    path = _path()
    if path is None:
        yield
        return
    import dataclasses

    if "exec" in vars(dataclasses):  # not ours to replace (nested, or another tool's)
        yield
        return
    compiled = _Compiled(_load(path))
    dataclasses.exec = compiled  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del dataclasses.exec  # type: ignore[attr-defined]
        if compiled.new:
            _save(path, compiled)


def _save(path: str, compiled: _Compiled) -> None:
    from pathlib import Path

    from .cache import write_atomic

    codes = compiled.known if len(compiled.known) <= MOST else compiled.used
    write_atomic(Path(path), marshal.dumps((sys.version, codes)))


__all__ = ["cached"]
