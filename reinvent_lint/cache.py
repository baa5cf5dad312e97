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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

FORMAT = 1
# Files to derive anew before `PerFile.prefetch` forks a helper to derive about half of them:
# a fork and the helper's result cost ~5 ms of CPU, a file's derivation ~0.1-0.3 ms.
HELPED = 64
# Whether this run may fork such a helper (pipeline.check sets it for each run: not a `--jobs 1`
# run, which asks for one process).
HELPED_RUN = True


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
    if _HELD is not None and _HELD[0] == os.getpid() and path in _HELD[1]:  # (written first: read back as stored)
        release()
    try:
        return marshal.loads(path.read_bytes())  # much faster than marshal.load on a file
    except (OSError, EOFError, ValueError, TypeError):
        return None


def store(name: str, key: str, value: Any) -> None:
    path = _path(name, key)
    if path is None:
        return
    if _HELD is not None and _HELD[0] == os.getpid():  # (a forked child writes its own, if any)
        _HELD[1][path] = value
        return
    _write(path, value)


def _write(path: Path, value: Any) -> None:
    try:
        data = marshal.dumps(value)
    except ValueError:
        return
    write_atomic(path, data)


# The stores held back (`holding`): this process's id, and the value of each file by its path.
_HELD: tuple[int, dict[Path, Any]] | None = None


@contextmanager
def holding() -> Iterator[None]:
    """Hold this process's stores back until `release()` (pipeline.check calls it once its
    workers run, so a run's main process does not write ~3.5 MB of user cache while the workers
    wait for it: ~12 ms of a whole-blog run on a site never checked here), or until the block
    ends. A stop or an error in the block drops what is still held: the cache only saves time.
    The values held must not change before they are written (those of a run's site data do
    not: they are built once)."""
    global _HELD
    if _HELD is not None:  # (nested: the outer block writes)
        yield
        return
    _HELD = (os.getpid(), {})
    try:
        yield
        release()
    finally:
        _HELD = None


def release() -> None:
    """Write the stores held back now; the next ones are written as they come."""
    global _HELD
    if _HELD is None:
        return
    held = _HELD[1]
    _HELD = None
    for path, value in held.items():
        _write(path, value)


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

    def __init__(self, name: str, root: Path, known: dict[str, Any] | None = None) -> None:
        """`known`: the entries as this process last saved them (None: read from the cache)."""
        self.name = name
        self.key = str(root)
        if known is None:
            known = load(name, self.key)
        self.known: dict[str, Any] = known if isinstance(known, dict) else {}
        self.fresh: dict[str, Any] = {}
        self.prefetched: dict[str, tuple[int, int, Any]] = {}  # (size, time, value) by `prefetch`

    def get(self, path: str | Path, rel: str, derive: Any, text: str | None = None) -> Any | None:
        """derive(text of `path`) for site-relative `rel`, cached; None when it cannot be read.
        `text`: the file's text when the caller has read it already."""
        from .files import read_text_file

        try:
            stat = os.stat(path)
            entry = self._entry(rel, stat) or self._prefetched(rel, stat)
            value = entry[2] if entry is not None else derive(read_text_file(path) if text is None else text)
        except OSError:
            return None
        self.fresh[rel] = (stat.st_size, stat.st_mtime_ns, value)
        return value

    def prefetch(
        self,
        items: Sequence[tuple[str, str, str | None]],
        derive: Callable[[str], Any],
        carry: tuple[Callable[[], Any], Callable[[Any], None]] | None = None,
        by_size: bool = True,
    ) -> None:
        """Derive ahead of `get` the values of the files of `items` ((path, rel, text or None, as
        `get` takes them)) that are not cached, when there are many (a site never checked on
        this machine): a short-lived forked helper (workers.helper) derives the later half of
        them (by size) while this process derives the first, so the two cores share what one
        did (~80 ms of a whole-blog run on 279 posts, for the site vocabulary). A file whose
        derivation fails, or that the helper did not derive (it failed, or could not be
        forked), is left to `get`, which derives it here as before; `get` takes a value
        derived here only while the file's size and time are still the same. `carry`: (what
        the helper's derivations left behind that this process wants too, called in the helper
        after them; how this process takes it). `by_size`: the halves are equal in bytes (a
        derivation that reads the whole text), else in files (one that reads their start)."""
        import threading

        if not (HELPED_RUN and hasattr(os, "fork")) or (os.cpu_count() or 1) < 2:
            return
        if threading.active_count() > 1:  # (the language server checks in a thread, a program that
            return  # embeds the linter may run others: no fork from a process with threads)
        missing: list[tuple[str, str, str | None, os.stat_result]] = []
        for path, rel, text in items:
            try:
                stat = os.stat(path)
            except OSError:
                continue
            if self._entry(rel, stat) is None:
                missing.append((path, rel, text, stat))
        if len(missing) < HELPED:
            return
        weights = [m[3].st_size if by_size else 1 for m in missing]
        half = sum(weights) / 2
        done = cut = 0
        while cut < len(missing) and done < half:
            done += weights[cut]
            cut += 1
        mine, theirs = missing[:cut], missing[cut:]

        def derived(part: Sequence[tuple[str, str, str | None, os.stat_result]]) -> list[tuple[bool, Any]]:
            from .files import read_text_file

            values: list[tuple[bool, Any]] = []
            for path, _, text, _ in part:
                try:
                    values.append((True, derive(read_text_file(path) if text is None else text)))
                except Exception:  # left to `get`, which meets the failure as before
                    values.append((False, None))
            return values

        def keep(part: Sequence[tuple[str, str, str | None, os.stat_result]], values: list[tuple[bool, Any]]) -> None:
            for (_, rel, _, stat), (ok, value) in zip(part, values):
                if ok:
                    self.prefetched[rel] = (stat.st_size, stat.st_mtime_ns, value)

        def helped() -> tuple[bytes, Any]:
            # (marshal, as the cache stores them: of ~140 files' words, pickle took ~14 ms to send)
            values = marshal.dumps(derived(theirs))
            return values, None if carry is None else carry[0]()

        from .workers import helper

        try:
            sent, left = helper(helped, lambda: keep(mine, derived(mine)))
            values = marshal.loads(sent)
        except Exception:  # (OSError: no fork; WorkerDied; the helper's error) `get` derives the rest
            return
        keep(theirs, values)
        if carry is not None:
            carry[1](left)

    def _prefetched(self, rel: str, stat: os.stat_result) -> tuple[int, int, Any] | None:
        entry = self.prefetched.pop(rel, None)
        return entry if entry is not None and entry[:2] == (stat.st_size, stat.st_mtime_ns) else None

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
