"""Running the style pack (style.py) over many files so that no post can hang or crash a run.

- One forked worker per job, each with its share of the files and one pymarkdownlnt set-up
  (imported once, in the main process, before forking; its scanner built once per worker, see
  style_scanner.py). Both cores work.
- Each file has a budget of CPU time (fair on a shared machine). A worker arms ITIMER_PROF
  (SIGPROF's default action ends the process) before each file, so even a loop inside
  pymarkdownlnt cannot outlive it; the main process
  sees the worker gone, reports that file at info ("style pack skipped: too slow") and starts a
  new worker for the files after it. Posts over STYLE_MAX_BYTES are not given to it at all.
- An exception from pymarkdownlnt is contained to its file: one error line naming the file and
  the rule, never a traceback.
- pymarkdownlnt writes a temporary copy of every post it scans; the workers put those in one
  folder of ours (`reinvent-lint-style-PID-*`), removed on every exit path of the main process.
  A folder left by a killed run (its process gone) is removed by the next run.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import signals, style
from .document import Document
from .files import pid_alive
from .problem import Problem

STYLE_MAX_BYTES = 512 * 1024  # pymarkdownlnt is superlinear: a post this large takes far over any budget
FOLDER_PREFIX = "reinvent-lint-style-"

Work = Document  # read once by the pipeline; forked workers inherit it


@dataclass
class _Worker:
    process: Any
    conn: Any
    items: list[tuple[int, Work]]
    done: int = 0
    last: float = 0.0


class StylePass:
    """`start()` forks the workers; `collect()` waits for their results; `close()` (also run at
    exit) stops them and removes the temporary folder. Results: (problems, errors), errors as
    (display path, message)."""

    def __init__(self, work: Sequence[Work], settings: Mapping[str, Any], budget: float, jobs: int) -> None:
        self.work = list(work)
        self.settings = dict(settings)
        self.budget = budget
        self.jobs = max(1, min(jobs, len(self.work)))
        self.folder: str | None = None
        self.workers: list[_Worker] = []
        self.problems: list[Problem] = []
        self.errors: list[tuple[str, str]] = []

    def start(self) -> None:
        import multiprocessing

        remove_stale_folders()
        self.folder = tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-")
        atexit.register(self.close)
        items: list[tuple[int, Work]] = []
        for index, doc in enumerate(self.work):
            if len(doc.text) > STYLE_MAX_BYTES:
                self.problems.append(style.skipped(doc.path, f"larger than {STYLE_MAX_BYTES // 1024} KB"))
            else:
                items.append((index, doc))
        if items:  # (none: no worker, and no 12 MB of pymarkdownlnt beside a post too large for it)
            import pymarkdown.api  # noqa: F401  (imported once, before forking)
        self._context = multiprocessing.get_context("fork")
        # Shares of about equal size, so the workers end together: the biggest post first, each to
        # the lightest share (the pack's cost grows about linearly with a post, style_scanner.py).
        shares: list[list[tuple[int, Work]]] = [[] for _ in range(self.jobs)]
        sizes = [0] * self.jobs
        for item in sorted(items, key=lambda it: len(it[1].text), reverse=True):
            lightest = sizes.index(min(sizes))
            shares[lightest].append(item)
            sizes[lightest] += len(item[1].text)
        for share_items in shares:
            if share_items:
                self._spawn(share_items)

    def _spawn(self, items: list[tuple[int, Work]]) -> None:
        receive, send = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=_worker, args=(send, items, self.settings, self.folder, self.budget), daemon=True
        )
        with signals.deferred():  # started and recorded together: a stop cannot orphan it
            process.start()
            send.close()
            self.workers.append(_Worker(process, receive, items, 0, time.monotonic()))

    def collect(
        self, progress: Callable[[int, int, str], None] | None = None
    ) -> tuple[list[Problem], list[tuple[str, str]]]:
        from multiprocessing.connection import wait

        now = time.monotonic()
        for w in self.workers:
            w.last = now  # the main process was busy until now: count from here
        backstop = self.budget * 4 + 10  # wall time, in case a worker is stuck off the CPU
        while self.workers:
            ready = wait([w.conn for w in self.workers], timeout=0.5)
            if progress:
                remaining = sum(len(w.items) - w.done for w in self.workers)
                progress(len(self.work) - remaining, len(self.work), "style pack:")
            for w in list(self.workers):
                if w.conn in ready:
                    try:
                        kind, message, payload = w.conn.recv()
                    except (EOFError, OSError):
                        self._ended(w)
                        continue
                    display = w.items[w.done][1].path
                    if kind == "ok":
                        self.problems.extend(payload)
                    elif kind == "error":
                        self.errors.append((display, message))
                    w.done += 1
                    w.last = time.monotonic()
                elif time.monotonic() - w.last > backstop:
                    w.process.kill()
                    self._ended(w, too_slow=True)
        self.close()
        return self.problems, self.errors

    def _ended(self, w: _Worker, too_slow: bool = False) -> None:
        """A worker's pipe closed: finished, or killed on a file (its budget, a crash)."""
        w.process.join(5)
        w.conn.close()
        self.workers.remove(w)
        if w.done >= len(w.items):
            return
        display = w.items[w.done][1].path
        code = w.process.exitcode
        if too_slow or code == -signal.SIGPROF:
            self.problems.append(style.skipped(display, f"too slow (over {self.budget:g} s)"))
        else:
            how = f"signal {-code}" if code is not None and code < 0 else f"exit {code}"
            message = f"style pack (pymarkdownlnt) crashed on this file ({how}); style findings skipped for this file"
            self.errors.append((display, message))
        if w.done + 1 < len(w.items):
            self._spawn(w.items[w.done + 1 :])

    def close(self) -> None:
        for w in self.workers:
            if w.process.is_alive():
                w.process.kill()
        for w in self.workers:
            w.process.join(1)
            w.conn.close()
        self.workers = []
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
        atexit.unregister(self.close)


def _worker(conn: Any, items: list[tuple[int, Work]], settings: Mapping[str, Any], folder: str, budget: float) -> None:
    """A forked worker: scan its files one by one, each under the CPU-time budget, and send
    ("ok", "", problems) or ("error", message, None) per file."""
    from .style_scanner import Scanner, quiet_parser_debug

    signals.quiet_child()
    tempfile.tempdir = folder  # pymarkdownlnt's temporary copies go in our folder
    quiet_parser_debug()
    api = Scanner(style._api(settings))  # one pymarkdownlnt set-up for all this worker's files
    for _, doc in items:
        signal.setitimer(signal.ITIMER_PROF, budget)
        try:
            result: tuple[str, str, Any] = ("ok", "", style.check_document(api, doc, settings))
        except Exception as exc:  # pymarkdownlnt's failure stays with its file
            result = ("error", style.describe_failure(exc), None)
        signal.setitimer(signal.ITIMER_PROF, 0)
        conn.send(result)
    conn.close()


def remove_stale_folders(now: float | None = None) -> None:
    """Remove `reinvent-lint-style-PID-*` folders of runs that were killed: their process is
    gone, or they are over a day old (older names without a process id: by age only)."""
    now = time.time() if now is None else now
    base = tempfile.gettempdir()
    try:
        names = [n for n in os.listdir(base) if n.startswith(FOLDER_PREFIX)]
    except OSError:
        return
    for name in names:
        full = os.path.join(base, name)
        pid_text = name[len(FOLDER_PREFIX) :].split("-", 1)[0]
        try:
            if os.path.islink(full) or not os.path.isdir(full):
                continue
            old = now - os.stat(full).st_mtime > 86400
        except OSError:
            continue
        if old or (pid_text.isdigit() and not pid_alive(int(pid_text))):  # no pid in the name: by age only
            shutil.rmtree(full, ignore_errors=True)
