"""Clean stops. SIGINT (Ctrl-C) and SIGTERM (a CI cancel, `timeout`) raise `Interrupted` in the
main process, so every `finally` and context manager runs (temporary files and folders are
removed, a file being written is left old) and the CLI prints one line and exits 130 or 143.
Worker processes never print: they ignore SIGINT and die quietly on SIGTERM; the main process
stops them. A second signal while the first one is being handled exits at once.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
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


def stopping() -> bool:
    return _stopping


def quiet_child() -> None:
    """In a forked worker: ignore Ctrl-C (the main process stops the workers), die on SIGTERM
    without a traceback, and let SIGALRM end the process (a per-file time budget)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
