"""A small on-disk cache for derived data that is slow to rebuild (the English word list, the
misspelling list, a site's vocabulary), so a pre-commit run on one post stays fast.

It lives in `$REINVENT_LINT_CACHE_DIR`, else `$XDG_CACHE_HOME/reinvent-lint`, else
`~/.cache/reinvent-lint`; `REINVENT_LINT_CACHE_DIR=off` disables it. Entries are marshal files
written atomically; a missing, stale or corrupt entry is simply rebuilt, and a cache that cannot
be written is skipped without a word: it only ever saves time.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any

FORMAT = 1


def cache_dir() -> Path | None:
    configured = os.environ.get("REINVENT_LINT_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "false") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reinvent-lint"


def _path(name: str, key: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    from .digests import sha256_hex  # here, as tempfile below: the lean path of a warm run (replay.py) needs neither

    digest = sha256_hex(f"{FORMAT}\0{key}".encode())[:16]
    return folder / f"{name}-{digest}.marshal"


def load(name: str, key: str) -> Any | None:
    path = _path(name, key)
    if path is None:
        return None
    try:
        return marshal.loads(path.read_bytes())  # much faster than marshal.load on a file
    except (OSError, EOFError, ValueError, TypeError):
        return None


def store(name: str, key: str, value: Any) -> None:
    path = _path(name, key)
    if path is None:
        return
    try:
        data = marshal.dumps(value)
    except ValueError:
        return
    write_atomic(path, data)


def write_atomic(path: Path, data: bytes) -> None:
    """Write a cache file whole or not at all: a Ctrl-C or SIGTERM waits for the rename, so no
    half-written cache and no temporary file is left. A cache that cannot be written only costs time."""
    import tempfile

    from .signals import deferred

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with deferred():
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(temp, path)
            except BaseException:
                try:
                    os.unlink(temp)
                except OSError:
                    pass
                raise
    except OSError:
        return


class PerFile:
    """Data derived from each file of a folder, cached by the file's size and modification time,
    so a run re-derives only what changed. `get(path, derive)` returns derive(text) or the
    cached value; `save()` writes the cache back when anything changed (missing files drop out)."""

    def __init__(self, name: str, root: Path) -> None:
        self.name = name
        self.key = str(root)
        known = load(name, self.key)
        self.known: dict[str, Any] = known if isinstance(known, dict) else {}
        self.fresh: dict[str, Any] = {}

    def get(self, path: str | Path, rel: str, derive: Any, text: str | None = None) -> Any | None:
        """derive(text of `path`) for site-relative `rel`, cached; None when it cannot be read.
        `text`: the file's text when the caller has read it already."""
        from .files import read_text_file

        try:
            stat = os.stat(path)
            entry = self._entry(rel, stat)
            value = entry[2] if entry is not None else derive(read_text_file(path) if text is None else text)
        except OSError:
            return None
        self.fresh[rel] = (stat.st_size, stat.st_mtime_ns, value)
        return value

    def peek(self, path: Path, rel: str) -> tuple[int, Any] | None:
        """(size, cached value) of `rel` while its file's size and time are those cached; None
        otherwise. Reads no file and records nothing (for readers of another owner's cache)."""
        try:
            entry = self._entry(rel, path.stat())
        except OSError:
            return None
        return None if entry is None else (entry[0], entry[2])

    def put(self, path: str | Path, rel: str, value: Any, read_before: float) -> None:
        """Keep `value`, derived from the file as read before the time `read_before`, for `rel`
        under the file's size and modification time now; not while that time is no earlier
        than `read_before` (the file may have changed since it was read)."""
        try:
            stat = os.stat(path)
        except OSError:
            return
        if stat.st_mtime_ns < read_before * 1e9:
            self.fresh[rel] = (stat.st_size, stat.st_mtime_ns, value)

    def _entry(self, rel: str, stat: os.stat_result) -> tuple[int, int, Any] | None:
        entry = self.known.get(rel)
        if isinstance(entry, tuple) and len(entry) == 3 and entry[:2] == (stat.st_size, stat.st_mtime_ns):
            return entry
        return None

    def save(self) -> None:
        if self.fresh != self.known:
            store(self.name, self.key, self.fresh)
