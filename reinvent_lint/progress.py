"""Progress on a terminal for long runs: one line on stderr, rewritten in place, shown only
after a run has lasted `delay` seconds (a short run prints nothing) and only when stderr is a
terminal (CI logs and pipes never see it). Cleared before the report is printed."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, delay: float = 1.0, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.delay = delay
        self.started = time.monotonic()
        self.phase_started = self.started
        self.phase = ""
        self.drawn = False
        self.last = 0.0

    def __call__(self, done: int, total: int, phase: str = "checked") -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if phase != self.phase:
            self.phase, self.phase_started = phase, now
        if now - self.started < self.delay or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        line = f"{phase} {done:,} of {total:,} files"
        elapsed = now - self.phase_started
        if 0 < done < total and elapsed > 0.5:
            left = elapsed / done * (total - done)
            line += f", about {left:.0f} s left" if left < 90 else f", about {left / 60:.0f} min left"
        self._write(f"\r{line}\x1b[K")
        self.drawn = True

    def finish(self) -> None:
        """Clear the line (before the report is printed, or when the run stops)."""
        if self.drawn:
            self._write("\r\x1b[K")
            self.drawn = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.enabled = False
