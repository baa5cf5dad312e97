"""Clean stops. SIGINT (Ctrl-C) and SIGTERM (a CI cancel, `timeout`) raise `Interrupted` in the
main process, so every `finally` and context manager runs (temporary files and folders are
removed, a file being written is left old) and the CLI prints one line and exits 130 or 143.
Worker processes never print: they ignore SIGINT and die quietly on SIGTERM; the main process
stops them. A second signal while the first one is being handled exits at once.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal; `exit_code` is 128 + its number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


_stopping = False


def _handler(signum: int, frame: FrameType | None) -> None:
    global _stopping
    if _stopping:  # a second signal during the clean-up: stop now
        os._exit(128 + signum)
    _stopping = True
    raise Interrupted(signum)


def install() -> Callable[[], None]:
    """In the main process of a CLI run (main thread only). Returns a function that puts the
    previous handlers back (for in-process callers such as tests)."""
    global _stopping
    _stopping = False
    previous: dict[int, Any] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            previous[signum] = signal.signal(signum, _handler)
        except ValueError:  # not the main thread: leave signals alone
            break

    def restore() -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    return restore


def settle() -> None:
    """In the main process of a program whose work is done and whose output is flushed: a signal
    from now until the interpreter is gone exits at once with 128 + its number. (Putting the
    default handlers back instead would let a SIGTERM in those last milliseconds kill the process
    by the signal, with no line and no 143.)"""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can reach it
            pass
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            signal.signal(signum, _exit_now)
        except ValueError:  # not the main thread
            break


def _exit_now(signum: int, frame: FrameType | None) -> None:
    line = b"reinvent-lint: interrupted\n" if signum == signal.SIGINT else b"reinvent-lint: terminated\n"
    try:
        os.write(2, line)
    finally:
        os._exit(128 + signum)


def quiet_child() -> None:
    """In a forked worker: ignore Ctrl-C (the main process stops the workers), die on SIGTERM
    without a traceback, and let SIGPROF end the process (a per-file CPU-time budget)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGPROF, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # forked inside `deferred()`: take signals again
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


class TooSlow(Exception):
    """Raised inside a block that ran over its CPU-time budget (see `cpu_budget`)."""


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Run the block with a budget of CPU seconds for this process: over it, TooSlow is raised
    inside the block. For in-process work (a third-party rule, a style fix); only in the main
    thread, where signals are delivered (elsewhere the block runs unbounded)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def over(signum: int, frame: FrameType | None) -> None:
        raise TooSlow()

    previous = signal.signal(signal.SIGPROF, over)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for the block (a few milliseconds: creating, writing and
    renaming a temporary file), so a stop cannot fall between creating a file and recording
    that it must be removed. A signal that came meanwhile is delivered when the block ends."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
