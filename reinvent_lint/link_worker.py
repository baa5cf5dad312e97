"""External links checked in a process forked as soon as a run knows it will request them.

Importing the HTTP stack (asyncio, httpx, h11) costs about 0.1 s of CPU (0.2 s with aiohttp before),
which used to sit inside the link phase. A thread cannot hide it: an import holds the GIL, and
so does the per-document phase it would overlap. A forked process imports it on the other core
while this one reads and checks the posts, then takes the URLs through a pipe, runs the same
`http_check.Checker`, and sends the verdicts back. Its CPU time is ours (we reap it).

The worker is used for one link phase. If it cannot be forked, dies, or sends garbage, the
caller checks in-process as before; it never prints (progress goes to standard error, as in
process), ignores Ctrl-C (the process group's SIGINT reaches us; we stop it) and dies quietly
on SIGTERM.
"""

from __future__ import annotations

import os
import pickle
import struct
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from .external import Occurrence
    from .link_cache import Verdict
    from .link_settings import Settings

_LENGTH = struct.Struct("!Q")


def _frame(data: bytes) -> bytes:
    return _LENGTH.pack(len(data)) + data


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(_frame(data))
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks: list[bytes] = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None  # the other side closed or died
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _read_message(fd: int) -> Any | None:
    head = _read_exactly(fd, _LENGTH.size)
    if head is None:
        return None
    body = _read_exactly(fd, _LENGTH.unpack(head)[0])
    return None if body is None else pickle.loads(body)  # our own child, through a pipe


class LinkWorker:
    """A forked process that imports the HTTP stack at once and checks one list of URLs."""

    def __init__(self, pid: int, jobs: int, results: int) -> None:
        self.pid = pid
        self._jobs = jobs  # write end: the job, to the child
        self._results = results  # read end: the verdicts, from the child
        self.used = False
        self._pending = bytearray()  # fed URLs the pipe had no room for yet

    @classmethod
    def start(cls) -> LinkWorker | None:
        """Fork the worker (None where fork is not available or fails)."""
        if not hasattr(os, "fork"):  # (importing multiprocessing to ask would cost ~10 ms here)
            return None
        from .signals import deferred

        try:
            job_read, job_write = os.pipe()
            result_read, result_write = os.pipe()
        except OSError:
            return None
        with deferred():  # a stop during the fork would leave the child without its handlers
            try:
                pid = os.fork()
            except OSError:
                for fd in (job_read, job_write, result_read, result_write):
                    os.close(fd)
                return None
            if pid == 0:  # pragma: no cover - the child; measured through the CLI tests
                os.close(job_write)
                os.close(result_read)
                _child(job_read, result_write)
        os.close(job_read)
        os.close(result_write)
        return cls(pid, job_write, result_read)

    def feed(self, urls: list[str], settings: Settings) -> None:
        """URLs the run will ask `check` about, handed over early: the worker starts on them
        while the run still reads the posts. Never blocks (what the pipe cannot take now waits
        for the next feed or for `check`); a worker that is gone is `check`'s to notice."""
        if self.used or not urls or self._jobs < 0:
            return
        self._pending += _frame(pickle.dumps(("feed", urls, settings)))
        try:
            self._flush(block=False)
        except OSError:
            self._pending.clear()

    def _flush(self, block: bool) -> None:
        os.set_blocking(self._jobs, block)
        while self._pending:
            try:
                written = os.write(self._jobs, self._pending)
            except BlockingIOError:
                return
            del self._pending[:written]

    def check(self, urls: list[str], settings: Settings) -> dict[str, Verdict] | None:
        """The verdicts on `urls` from the worker, or None (it is gone or was used: the caller
        checks in-process). URLs fed before and not among `urls` are checked but not returned."""
        if self.used:
            return None
        self.used = True
        try:
            self._pending += _frame(pickle.dumps(("check", urls, settings)))
            self._flush(block=True)
            result = _read_message(self._results)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            result = None
        finally:
            self.close()
        if not isinstance(result, dict) or set(result) != set(urls):
            return None
        return result

    def close(self) -> None:
        """Stop the worker (if it still runs) and reap it, so its CPU time counts as ours."""
        for fd in (self._jobs, self._results):
            try:
                os.close(fd)
            except OSError:
                pass
        self._jobs = self._results = -1
        if self.pid:
            import signal

            try:
                pid, _ = os.waitpid(self.pid, os.WNOHANG)
                if pid == 0:
                    os.kill(self.pid, signal.SIGTERM)
                    os.waitpid(self.pid, 0)
            except (OSError, ChildProcessError):
                pass
            self.pid = 0


def feeder(linter: Any) -> Callable[[Sequence[Occurrence]], None] | None:
    """For a run in mode `all` whose worker will check the links: a function handing the URLs
    of each document's links to the worker as soon as they are found, so it requests them while
    the run reads the next posts (in mode `new` only the cache can say which URLs to request,
    and the worker waits for `check`)."""
    worker = linter.link_worker
    links = dict(linter.config.links)
    if not isinstance(worker, LinkWorker) or links.get("mode") != "all":
        return None
    if linter.resolver is not None or linter.transport is not None:  # tests check in process
        return None
    from .external import requested
    from .link_settings import from_config

    settings = from_config(links)

    def feed(found: Sequence[Occurrence]) -> None:
        if found:
            worker.feed(requested(found, links), settings)

    return feed


def _child(jobs: int, results: int) -> None:  # pragma: no cover - runs in the forked child
    code = 1
    try:
        from .signals import quiet_child

        quiet_child()
        import asyncio
        import sys

        from . import http_check

        http_check.preload()  # the HTTP stack, while the parent reads the posts
        job = _read_message(jobs)
        if job is not None:
            progress = None
            if sys.stderr.isatty():  # the rest of the package only when it can show something
                from .external import _progress

                progress = _progress(sys.stderr)
            verdicts = asyncio.run(_serve(job, _Inbox(jobs), progress))
            if verdicts is not None:
                _write_all(results, pickle.dumps(verdicts))
        code = 0
    except BaseException:  # the parent sees no answer and checks in-process
        pass
    finally:
        os._exit(code)


class _Inbox:  # pragma: no cover - runs in the forked child
    """The parent's further messages, read in the child's event loop as they come."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()

    async def message(self) -> Any | None:
        import asyncio

        loop = asyncio.get_running_loop()
        os.set_blocking(self.fd, False)
        while True:
            if len(self.buffer) >= _LENGTH.size:
                end = _LENGTH.size + _LENGTH.unpack_from(self.buffer)[0]
                if len(self.buffer) >= end:
                    body = bytes(self.buffer[_LENGTH.size : end])
                    del self.buffer[:end]
                    return pickle.loads(body)  # our own parent, through a pipe
            try:
                chunk = os.read(self.fd, 1 << 20)
            except BlockingIOError:
                ready: asyncio.Future[None] = loop.create_future()
                loop.add_reader(self.fd, _wake, ready)
                try:
                    await ready
                finally:
                    loop.remove_reader(self.fd)
                continue
            if not chunk:
                return None  # the parent closed or died
            self.buffer += chunk


def _wake(future: Any) -> None:  # pragma: no cover - runs in the forked child
    if not future.done():
        future.set_result(None)


async def _serve(job: Any, inbox: _Inbox, progress: Any) -> dict[str, Verdict] | None:  # pragma: no cover
    """Check what the parent feeds as it comes; answer its final `check` with the verdicts on
    exactly the URLs that names."""
    from .http_check import Checker, Stream

    kind, urls, settings = job
    run = Stream(Checker(settings), progress)
    run.add(urls)
    while kind == "feed":
        job = await inbox.message()
        if job is None:
            return None
        kind, urls, _ = job
        run.add(urls)
    verdicts = await run.finish()
    return {url: verdicts[url] for url in urls}
