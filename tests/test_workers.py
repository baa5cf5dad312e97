"""The forked workers of the per-document phase (workers.py, through pipeline.map_units)."""

from __future__ import annotations

import os
import signal

import pytest

from reinvent_lint import pipeline, workers

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers fork")


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_results_come_back_in_index_order_with_each_result_seen_once() -> None:
    seen: list[int] = []
    progress: list[int] = []
    sizes = [i % 7 for i in range(200)]
    results = pipeline.map_units(
        lambda i: (i, os.getpid()),
        200,
        jobs=2,
        progress=lambda done, total, phase: progress.append(done),
        each=lambda result: seen.append(result[0]),
        sizes=sizes,
    )
    assert [r[0] for r in results] == list(range(200))
    assert sorted(seen) == list(range(200))
    assert progress == list(range(1, 201))
    assert os.getpid() not in {r[1] for r in results}  # all done in workers
    assert _no_children_left()


def test_the_largest_tasks_are_handed_out_first() -> None:
    sizes = [i % 5 for i in range(100)]
    order: list[int] = []
    workers.run(lambda i: i, sorted(range(100), key=lambda i: -sizes[i]), 1, lambda i, r: order.append(i))
    assert [sizes[i] for i in order] == sorted(sizes, reverse=True)  # one worker: exactly the order given


def test_more_tasks_than_the_task_pipe_holds() -> None:
    """The task pipe holds ~16,000 tasks: the rest are written as the workers read."""
    count = 40_000
    got: dict[int, int] = {}
    workers.run(lambda i: i * 2, range(count), 2, got.__setitem__)
    assert got == {i: i * 2 for i in range(count)}
    assert _no_children_left()


def test_a_large_result_arrives_whole() -> None:
    got: dict[int, bytes] = {}
    workers.run(lambda i: bytes([i]) * 3_000_000, range(4), 2, got.__setitem__)
    assert got == {i: bytes([i]) * 3_000_000 for i in range(4)}


def test_an_error_in_a_worker_is_raised_here_and_no_worker_is_left() -> None:
    def work(i: int) -> int:
        if i == 57:
            raise ValueError(f"bad task {i}")
        return i

    with pytest.raises(ValueError, match="bad task 57"):
        pipeline.map_units(work, 100, jobs=2)
    assert _no_children_left()


def test_an_error_that_cannot_be_pickled_still_arrives() -> None:
    class Local(Exception):  # defined in a function: pickle cannot name it
        pass

    def work(i: int) -> int:
        if i == 3:
            raise Local("no pickle")
        return i

    with pytest.raises(RuntimeError, match="Local: no pickle"):
        workers.run(work, range(10), 2, lambda i, r: None)
    assert _no_children_left()


def test_a_worker_killed_is_an_error_not_a_hang() -> None:
    def work(i: int) -> int:
        if i == 5:
            os.kill(os.getpid(), signal.SIGKILL)
        return i

    with pytest.raises(workers.WorkerDied, match="killed by signal 9"):
        workers.run(work, range(20), 2, lambda i, r: None)
    assert _no_children_left()


def test_a_stop_in_the_main_process_kills_the_workers() -> None:
    """A stop (signals.Interrupted, here any exception from `deliver`) while workers run: every
    worker is killed and reaped before it propagates."""
    import time

    def work(i: int) -> int:
        if i > 0:
            time.sleep(30)  # a worker still busy
        return i

    def deliver(i: int, result: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        workers.run(work, range(4), 2, deliver)
    assert _no_children_left()
