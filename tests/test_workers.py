"""The forked workers of the per-document phase (workers.py, through pipeline.map_units)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from reinvent_lint import pipeline, workers

from .conftest import linter_for, no_children_left, write_site

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers fork")


def test_results_come_back_in_index_order_with_each_result_seen_once() -> None:
    seen: list[int] = []
    progress: list[int] = []
    sizes = [i % 7 for i in range(200)]
    results = pipeline.map_units(
        lambda i: (i, os.getpid()),
        200,
        jobs=2,
        progress=lambda done, total, phase: progress.append(done),
        each=lambda index, result: seen.append(index),
        sizes=sizes,
    )
    assert [r[0] for r in results] == list(range(200))
    assert sorted(seen) == list(range(200))
    assert progress == list(range(1, 201))
    assert os.getpid() not in {r[1] for r in results}  # all done in workers
    assert no_children_left()


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
    assert no_children_left()


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
    assert no_children_left()


def test_an_error_that_cannot_be_pickled_still_arrives() -> None:
    class Local(Exception):  # defined in a function: pickle cannot name it
        pass

    def work(i: int) -> int:
        if i == 3:
            raise Local("no pickle")
        return i

    with pytest.raises(RuntimeError, match="Local: no pickle"):
        workers.run(work, range(10), 2, lambda i, r: None)
    assert no_children_left()


def test_a_worker_killed_is_an_error_not_a_hang() -> None:
    def work(i: int) -> int:
        if i == 5:
            os.kill(os.getpid(), signal.SIGKILL)
        return i

    with pytest.raises(workers.WorkerDied, match="killed by signal 9"):
        workers.run(work, range(20), 2, lambda i, r: None)
    assert no_children_left()


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
    assert no_children_left()


@pytest.mark.parametrize("use_cache", [False, True], ids=["no-cache", "cache"])
def test_files_finished_as_their_results_arrive_match_those_finished_after(tmp_path: Path, use_cache: bool) -> None:
    """Without links and the style pack, each file is finished (severity, suppressions, RL001,
    the site-wide findings on it) as its worker result arrives; with links on (cached verdicts
    only: none here), after all results. Both give the same report, in one process or two."""
    posts = {
        f"_posts/2024-01-{1 + i % 28:02d}-p{i}.md": (
            f"---\ntitle: {'Same' if i < 3 else f'P{i}'}\npermalink: /p/{i % 40}/\n---\n\n"
            "<!-- reinvent-lint disable-next-line RL103 -->\nSome teh words.\n\n# A\n\n# B\n\nText. \n"
        )
        for i in range(60)
    }
    write_site(tmp_path, posts)
    reports = []
    for links, jobs in (("off", 1), ("off", 2), ("cached", 2)):
        linter = linter_for(tmp_path, raw={"links": {"mode": links}, "style": {"mode": "off"}})
        linter.use_result_cache = use_cache
        if use_cache:
            from reinvent_lint import result_cache

            result_cache.clear(tmp_path / ".reinvent-lint-cache")
        reports.append(linter.check_paths([], jobs=jobs))
    codes = {p.code for p in reports[0].problems}
    assert {"RL001", "RL501"} <= codes and len(codes) >= 4  # unused suppressions, typos, site-wide findings
    assert reports[0].problems == reports[1].problems == reports[2].problems


def test_documents_are_parsed_by_the_workers_that_check_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without links and the style pack, this process only decodes the files; each is parsed
    (its front matter read, its lines indexed) in the worker that checks it."""
    from reinvent_lint import document

    posts = {
        f"_posts/2024-01-{1 + i % 28:02d}-p{i}.md": f"---\ntitle: P{i}\n---\n\nSome teh words.\n" for i in range(60)
    }
    write_site(tmp_path, posts)
    parsed_here: list[str] = []
    real_init = document.Document.__init__
    main = os.getpid()

    def counting_init(self: document.Document, path: str, *args: object, **kwargs: object) -> None:
        if os.getpid() == main:
            parsed_here.append(path)
        real_init(self, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(document.Document, "__init__", counting_init)
    for use_cache in (False, True):
        linter = linter_for(tmp_path, raw={"links": {"mode": "off"}, "style": {"mode": "off"}})
        linter.use_result_cache = use_cache
        report = linter.check_paths([], jobs=2)
        assert len([p for p in report.problems if p.code == "RL501"]) == 60
        assert not [p for p in parsed_here if p.startswith("_posts/")]
    assert no_children_left()


def test_files_that_cannot_be_read_are_reported_alike_when_parsed_in_the_workers(tmp_path: Path) -> None:
    posts: dict[str, str | bytes] = {
        f"_posts/2024-01-{1 + i % 28:02d}-p{i}.md": f"---\ntitle: P{i}\n---\n\nSome teh words.\n" for i in range(60)
    }
    posts["_posts/2024-02-01-latin1.md"] = "---\ntitle: L\n---\n\nCaf\xe9\n".encode("latin-1")
    posts["_posts/2024-02-02-nul.md"] = b"---\ntitle: N\n---\n\nA\x00B\n"
    write_site(tmp_path, posts)
    reports = []
    for links, jobs in (("off", 2), ("off", 1), ("cached", 2)):  # parsed in the workers, here, here before
        linter = linter_for(tmp_path, raw={"links": {"mode": links}, "style": {"mode": "off"}})
        reports.append(linter.check_paths([], jobs=jobs))
    assert (
        [str(e) for e in reports[0].errors]
        == [str(e) for e in reports[1].errors]
        == [str(e) for e in reports[2].errors]
    )
    assert len(reports[0].errors) == 2 and "not valid UTF-8" in str(reports[0].errors[0])
    assert reports[0].problems == reports[1].problems == reports[2].problems
    assert reports[0].files == 60


def test_workers_still_exiting_after_a_run_are_reaped_at_exit() -> None:
    """Reaped, not left to the system: their CPU time counts in this process's children's (what
    `time` and a benchmark's wait4 report)."""
    workers.run(lambda i: i, range(10), 2, lambda i, r: None)
    workers._reap_all()
    assert workers._EXITING == []
    with pytest.raises(ChildProcessError):  # none left, not even one exited and not yet reaped
        os.waitpid(-1, os.WNOHANG)
    assert workers._AT_EXIT  # registered with atexit by the first run


def test_workers_that_all_die_with_tasks_left_unwritten_are_an_error() -> None:
    """More tasks than the task pipe holds, and every worker killed: writing the rest fails (no
    reader), and the run says the workers stopped (not a broken pipe, which the CLI would take
    for its reader gone)."""

    def work(i: int) -> int:
        os.kill(os.getpid(), signal.SIGKILL)
        return i

    with pytest.raises(workers.WorkerDied, match="killed by signal 9"):
        workers.run(work, range(40_000), 2, lambda i, r: None)
    assert no_children_left()
