"""Forked worker processes for the per-document phase (pipeline.map_units).

Each child is forked from the main process once the site data is built, so it inherits the
documents, the sites and the speller instead of receiving them. The children share one task
pipe holding the positions of the work still to do, written once, in the order given (the
largest documents first): a child reads the next position when it is free, so both cores stay
busy to the end however uneven the documents are, and no process hands tasks out. Each child
sends its results (pickled, with their index) through a pipe of its own; the main process
waits on those pipes with `poll`, so it takes no CPU while the children work.

`multiprocessing.Pool` did this before, at a cost measured in a whole-blog run (279 posts):
its worker-handler thread wakes whenever the result pipe holds unread data and loops until the
result thread has read it, ~1,200 turns and 35-50 ms of CPU in the main process while both
cores were the workers'; and its `terminate()` took ~10 ms after the last result.

A child takes no signal while it is forked (`signals.deferred`), then ignores SIGINT and dies on
SIGTERM (`signals.quiet_child`); it never returns into the caller's code, and ends with
`os._exit` (no clean-up of the state it inherited: that is the main process's). The main
process kills and reaps every child it forked when it stops early (a signal, an error in a
child), so no worker outlives the run; after a complete run, the children that are still
exiting are reaped by the next run, or as this process exits.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import struct
from collections.abc import Callable, Sequence
from typing import Any

from .errors import ReinventLintError

# The cyclic collector in a child: a pass every 100,000 new containers, not every 10,000 (cli.py).
# What the child inherited is frozen out of it (pipeline.map_units), what it makes per post is
# freed by reference counting, and it keeps the posts it parsed until it exits: the passes found
# next to nothing and cost ~4% of each child's CPU (15-20 ms of ~0.45 s in a whole-blog run of
# 279 posts; 80-110 passes). The peak memory measured the same (93 MB a child either way); the
# collector still runs, so a run of many thousand posts keeps its cycles bounded.
_CHILD_GC = (100_000, 50, 100)
_TASK = struct.Struct("<I")  # one task: a position in the order
_HEADER = struct.Struct("<iQ")  # one result: its index (-1: the child's error), its length
_PIPE_BUF = 4096  # POSIX's least PIPE_BUF: a write of at most this many bytes is never split


class WorkerDied(ReinventLintError):
    """A worker process stopped without sending all of its results (killed, out of memory)."""


def run(
    work: Callable[[int], Any],
    order: Sequence[int],
    processes: int,
    deliver: Callable[[int, Any], None],
    meanwhile: Callable[[], None] | None = None,
    send: Callable[[int, int, bytes], None] | None = None,
) -> None:
    """`work(i)` for each i of `order`, in `processes` forked children, each taking the next task
    as it becomes free; `deliver(i, result)` in this process as each result arrives. An
    exception raised by `work` in a child is raised here (once the children are stopped).
    `meanwhile()`: work of this process that needs no result, done once the children run.
    `send`: how a child writes a result (default `_send`)."""
    from .signals import deferred

    _reap(_EXITING)
    if not _AT_EXIT:  # the children still exiting are reaped before this process ends
        import atexit

        atexit.register(_reap_all)
        _AT_EXIT.append(True)
    tasks = b"".join(_TASK.pack(i) for i in order)
    task_read, task_write = os.pipe()
    os.set_blocking(task_write, False)
    writing = [task_write]  # the task pipe's write end while open (-1: closed), closed once
    children: dict[int, int] = {}  # result pipe -> pid
    try:
        tasks = _feed(task_write, tasks)
        with deferred():  # a stop between a fork and noting its child would leave that child running
            for _ in range(processes):
                result_read, result_write = os.pipe()
                pid = os.fork()
                if pid == 0:  # pragma: no cover - the child (coverage does not follow a fork)
                    _child(work, task_read, result_write, [task_write, result_read, *children], send or _send)
                os.close(result_write)
                children[result_read] = pid
        os.close(task_read)
        task_read = -1
        if not tasks:
            _close(writing)
        if meanwhile is not None:
            meanwhile()
        _collect(children, writing, tasks, len(order), deliver)
        _release(children)
    finally:
        if task_read >= 0:
            os.close(task_read)
        _close(writing)
        _stop(children)


def _close(writing: list[int]) -> None:
    """Close the task pipe's write end if still open: the children read to its end, then stop."""
    if writing[0] >= 0:
        os.close(writing[0])
        writing[0] = -1


def _feed(fd: int, tasks: bytes) -> bytes:
    """Write what the task pipe takes now, in whole pieces of at most PIPE_BUF bytes (so a
    child's read of one task never sees half of one); returns the rest."""
    while tasks:
        try:
            os.write(fd, tasks[:_PIPE_BUF])
        except BlockingIOError:
            break
        except BrokenPipeError:  # every child is gone: their tasks are not done (`WorkerDied`)
            return b""
        tasks = tasks[_PIPE_BUF:]
    return tasks


def _collect(
    children: dict[int, int], writing: list[int], tasks: bytes, count: int, deliver: Callable[[int, Any], None]
) -> None:
    """Feed the rest of the tasks as the pipe takes them; read and deliver the results."""
    task_write = writing[0]
    poller = select.poll()
    for fd in children:
        poller.register(fd, select.POLLIN)
    if task_write >= 0:
        poller.register(task_write, select.POLLOUT)
    buffers = {fd: bytearray() for fd in children}
    live = set(children)
    received = 0
    while live:
        for fd, _ in poller.poll():
            if fd == task_write:
                tasks = _feed(task_write, tasks)
                if not tasks:
                    poller.unregister(task_write)
                    _close(writing)
                    task_write = -1
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:  # the child closed its pipe: it is done (or gone)
                poller.unregister(fd)
                live.discard(fd)
                if buffers[fd]:
                    raise WorkerDied(f"a worker process stopped mid-result ({_status(children[fd])})")
                continue
            buffer = buffers[fd]
            buffer += chunk
            start = 0
            while len(buffer) - start >= _HEADER.size:
                index, size = _HEADER.unpack_from(buffer, start)
                end = start + _HEADER.size + size
                if len(buffer) < end:
                    break
                value = pickle.loads(buffer[start + _HEADER.size : end])
                start = end
                if index < 0:
                    raise value
                deliver(index, value)
                received += 1
            del buffer[:start]
    if received < count:
        statuses = ", ".join(sorted({_status(pid) for pid in children.values()}))
        raise WorkerDied(f"a worker process stopped before its work was done ({statuses})")


def _status(pid: int) -> str:
    """How the child `pid` ended, once it has (it is reaped)."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return "already reaped"
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


_EXITING: list[int] = []  # children done with their work, still exiting when the run ended
_AT_EXIT: list[bool] = []  # whether `_reap_all` is registered


def _reap_all() -> None:
    """At exit: wait for the children still exiting (by then they are gone: the run's last steps
    take longer than their exit). Reaped, their CPU time counts in this process's children's
    (what `time` and a parent's wait4 report), not in the system's."""
    for pid in _EXITING:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
    _EXITING.clear()


def _reap(pids: list[int]) -> None:
    """Reap the children of `pids` that have exited (without waiting); keep the others."""
    for pid in list(pids):
        try:
            if os.waitpid(pid, os.WNOHANG) == (0, 0):
                continue
        except ChildProcessError:
            pass
        pids.remove(pid)


def _release(children: dict[int, int]) -> None:
    """After the last result: close the result pipes and reap the children without waiting for
    their exit. A child closes its pipe as it exits, and its exit then still frees the memory
    it shares with this process (~5 ms, measured: the pipe closed that much later when the
    kernel closed it); those not yet gone are reaped at the next run or at exit (`_EXITING`)."""
    for fd in children:
        os.close(fd)
    _EXITING.extend(children.values())
    children.clear()
    _reap(_EXITING)


def _stop(children: dict[int, int]) -> None:
    """Kill (a child that is done has exited already) and reap every child; close their pipes."""
    for fd, pid in children.items():
        try:
            os.close(fd)
        except OSError:
            pass
        try:
            if os.waitpid(pid, os.WNOHANG) == (0, 0):  # still running: stopped early
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        except ChildProcessError:  # reaped by _status
            pass


def _child(
    work: Callable[[int], Any],
    tasks: int,
    out: int,
    inherited: Sequence[int],
    send: Callable[[int, int, bytes], None],
) -> None:  # pragma: no cover
    """The child's whole life: take tasks until the pipe is empty, send each result, exit."""
    code = 1
    try:
        from .signals import quiet_child

        quiet_child()
        gc.set_threshold(*_CHILD_GC)
        for fd in inherited:
            if fd >= 0:
                os.close(fd)
        while True:
            task = os.read(tasks, _TASK.size)
            if not task:
                break
            index = _TASK.unpack(task)[0]
            try:
                payload = pickle.dumps(work(index), pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:  # sent to the main process, which raises it
                send(out, -1, _pickled_error(exc))
                return
            send(out, index, payload)
        code = 0
    finally:
        try:
            os.close(out)  # the main process sees the end now, not once this process is torn down
        finally:
            os._exit(code)


def _send(fd: int, index: int, payload: bytes) -> None:
    data = memoryview(_HEADER.pack(index, len(payload)) + payload)
    while data:
        data = data[os.write(fd, data) :]


def _send_helped(fd: int, index: int, payload: bytes) -> None:
    """A helper's result (`helper`): sent as `_send` sends a document's (a name of its own, so a
    trace of the documents sent, bench/bench_timeline.py, does not count it as one)."""
    data = memoryview(_HEADER.pack(index, len(payload)) + payload)
    while data:
        data = data[os.write(fd, data) :]


def helper(work: Callable[[], Any], meanwhile: Callable[[], None]) -> Any:
    """`work()` in one short-lived forked child while this process runs `meanwhile()`; its
    result. The child is stopped and reaped as `run`'s are (it never outlives the call); what
    `work` raised is raised here, and `WorkerDied` when the child stopped without its result."""
    results: list[Any] = []
    run(lambda _: work(), [0], 1, lambda _, result: results.append(result), meanwhile, _send_helped)
    return results[0]


def _pickled_error(exc: BaseException) -> bytes:
    try:
        return pickle.dumps(exc, pickle.HIGHEST_PROTOCOL)
    except Exception:  # an exception that cannot be pickled: its type and message
        return pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"), pickle.HIGHEST_PROTOCOL)
