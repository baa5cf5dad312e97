"""External link checking against a real server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from pathlib import Path

import pytest

from reinvent_lint.cli import main
from reinvent_lint.http_check import Checker, Settings, _retry_after, system_resolver
from reinvent_lint.link_cache import LinkCache

from .conftest import write_site
from .linkserver import LinkServer

FAST = Settings(timeout=0.5, retries=2, backoff=0.01, allow_private=True, retry_after_cap=2.0)


async def resolver(host: str, port: int) -> list[str]:
    if host.endswith(".invalid"):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return await system_resolver(host, port)


def check(urls: list[str], settings: Settings = FAST) -> tuple[dict, Checker]:
    checker = Checker(settings, resolver=resolver)
    return asyncio.run(checker.check_all(urls)), checker


@pytest.fixture(scope="module")
def server():  # type: ignore[no-untyped-def]
    with LinkServer() as s:
        yield s


@pytest.mark.parametrize(
    ("path", "status", "code", "requests"),
    [
        ("/ok", "ok", 200, 1),
        ("/missing", "dead", 404, 1),
        ("/gone", "dead", 410, 1),
        ("/no-head", "ok", 200, 2),  # HEAD 405, then GET
        ("/rate", "ok", 200, 2),  # 429 with Retry-After: 1, then 200
        ("/flaky", "ok", 200, 2),  # 500, retried, 200
    ],
)
def test_verdicts_and_request_counts(server: LinkServer, path: str, status: str, code: int, requests: int) -> None:
    before = server.hits[path]
    results, _ = check([server.base + path])
    verdict = results[server.base + path]
    assert (verdict.status, verdict.code) == (status, code)
    assert server.hits[path] - before == requests


def test_permanent_redirect_chain_reports_the_final_url(server: LinkServer) -> None:
    results, _ = check([server.base + "/moved"])
    v = results[server.base + "/moved"]
    assert (v.status, v.permanent, v.final_url) == ("ok", True, server.base + "/ok-final")
    assert server.hits["/moved"] >= 1 and server.hits["/moved-again"] >= 1


def test_redirect_loop_is_unverified(server: LinkServer) -> None:
    results, _ = check([server.base + "/loop-a"])
    v = results[server.base + "/loop-a"]
    assert v.status == "unverified" and "loop" in v.reason


def test_timeout_reset_and_endless_body(server: LinkServer) -> None:
    urls = [server.base + "/slow", server.base + "/reset", server.base + "/endless"]
    results, _ = check(urls)
    assert results[urls[0]].status == "unverified" and results[urls[0]].reason == "timeout"
    assert server.hits["/slow"] == 3  # one try and two retries
    assert results[urls[1]].status == "unverified" and "connection" in results[urls[1]].reason
    assert server.hits["/reset"] == 3  # a reset is tried 3 times in all (the client library adds none)
    assert results[urls[2]].status == "ok"  # headers read, body never downloaded


def test_unresolvable_host_is_dead_without_a_request() -> None:
    results, checker = check(["http://nowhere.invalid/page"])
    assert results["http://nowhere.invalid/page"].status == "dead"
    assert checker.requests == 0


def test_private_addresses_are_never_requested_unless_allowed(server: LinkServer) -> None:
    before = sum(server.hits.values())
    results, checker = check([server.base + "/ok"], Settings(timeout=0.5))
    assert (
        results[server.base + "/ok"].status == "unverified" and "not requested" in results[server.base + "/ok"].reason
    )
    assert checker.requests == 0 and sum(server.hits.values()) == before


def test_an_address_is_judged_without_the_resolver_and_a_name_through_it(server: LinkServer) -> None:
    asked: list[str] = []

    async def recording(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    port = server.base.rsplit(":", 1)[1]
    urls = [server.base + "/ok", f"http://localhost:{port}/ok", f"http://[::1]:{port}/ok"]
    checker = Checker(Settings(timeout=0.5), resolver=recording)
    results = asyncio.run(checker.check_all(urls))
    assert asked == ["localhost"]  # 127.0.0.1 and ::1 are addresses already
    assert all("not requested" in results[u].reason for u in urls)  # each still refused as loopback
    assert checker.requests == 0


def test_a_host_is_resolved_once_and_requested_at_the_address_judged(server: LinkServer) -> None:
    answers = iter([["127.0.0.1"], ["192.0.2.1"]])  # a second answer would be another address
    asked: list[str] = []

    async def once(host: str, port: int) -> list[str]:
        asked.append(host)
        return next(answers)

    port = server.base.rsplit(":", 1)[1]
    urls = [f"http://links.test:{port}/ok", f"http://links.test:{port}/missing"]  # no DNS knows the name
    checker = Checker(Settings(timeout=1, retries=0, allow_private=True), resolver=once)
    results = asyncio.run(checker.check_all(urls))
    assert asked == ["links.test"]
    assert (results[urls[0]].status, results[urls[1]].status) == ("ok", "dead")


def test_urls_are_queued_by_host_the_longest_queue_first() -> None:
    from reinvent_lint.http_check import _queues

    urls = ["https://b.test/0"] + [f"https://a.test/{i}" for i in range(3)] + ["https://c.test/0", "https://c.test/1"]
    assert [list(q) for q in _queues(urls)] == [
        ["https://a.test/0", "https://a.test/1", "https://a.test/2"], ["https://c.test/0", "https://c.test/1"],
        ["https://b.test/0"],
    ]  # fmt: skip
    assert _queues([]) == []


def test_retry_after_seconds_and_http_date() -> None:
    assert _retry_after("3", 60) == 3
    assert _retry_after("999", 60) == 60
    assert 0 <= _retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 60) <= 1  # in the past: now


def test_one_request_per_url_and_per_host_limit(tmp_path: Path) -> None:
    with LinkServer(delay=0.05) as slow:
        urls = [f"{slow.base}/ok/{i}" for i in range(12)]
        results, checker = check(urls + urls, Settings(per_host=2, timeout=5, allow_private=True))
        assert len(results) == 12 and checker.requests == 12
        assert slow.peak == 2  # never more than the per-host limit at once, and the limit used


def test_cache_serves_the_second_run_and_survives_corruption(tmp_path: Path) -> None:
    cache = LinkCache(tmp_path, 3600, 60)
    from reinvent_lint.link_cache import Verdict

    cache.put([Verdict("https://a.example/", "ok", 200, "ok", checked_at=0.0 + __import__("time").time())])
    assert set(cache.get(["https://a.example/", "https://b.example/"])) == {"https://a.example/"}
    cache.close()
    (tmp_path / "links.sqlite").write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (tmp_path / ("links.sqlite" + suffix)).unlink(missing_ok=True)
    rebuilt = LinkCache(tmp_path, 3600, 60)
    assert rebuilt.warnings and "moved to" in rebuilt.warnings[0]
    assert rebuilt.get(["https://a.example/"]) == {}
    rebuilt.close()


def test_check_command_reports_every_occurrence_and_caches(
    tmp_path: Path, server: LinkServer, capsys: pytest.CaptureFixture[str]
) -> None:
    base = server.base
    post = (
        f"---\ntitle: Links\n---\n\nSee [a]({base}/missing) and [b]({base}/moved).\n\n"
        f"Again [a]({base}/missing) and <{base}/gone>.\n"
    )
    write_site(tmp_path, {
        "_posts/2024-01-01-a.md": post,
        ".reinvent-lint.toml": "[links]\nallow-private = true\ntimeout = 0.5\nretries = 1\n",
    })  # fmt: skip
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        hits = server.hits["/missing"]
        code = main(["check", "--links", "all", "--show-info"])
        out = capsys.readouterr().out
        assert code == 1
        # the second occurrence is folded into the first's line by the text report
        assert (
            f"_posts/2024-01-01-a.md:5:9: RL410 dead-link [error] dead link {base}/missing: HTTP 404 (also line 7)"
            in out
        )
        assert "_posts/2024-01-01-a.md:7:" in out and "/gone: HTTP 410" in out
        assert f"RL412 permanent-redirect [info] {base}/moved permanently redirects to {base}/ok-final" in out
        assert server.hits["/missing"] - hits == 1  # one request for two uses
        code = main(["check"])  # default mode: cached, no network
        out = capsys.readouterr().out
        assert code == 1 and "RL410" in out and server.hits["/missing"] - hits == 1
        assert main(["fix", "--unsafe-fixes"]) in (0, 1)
        capsys.readouterr()
        assert f"[b]({base}/ok-final)" in (tmp_path / "_posts/2024-01-01-a.md").read_text()
        assert main(["cache", "clear"]) == 0
        assert "removed" in capsys.readouterr().out
        assert main(["check", "--links", "off"]) == 0
    finally:
        os.chdir(old)


def test_no_cookies_are_kept_between_requests(server: LinkServer) -> None:
    # One host, one request at a time: /cookie-set answers with a cookie, and /cookie-check
    # answers 410 if any cookie comes back. Both transports must keep none.
    import httpx

    for transport in (None, httpx.AsyncHTTPTransport()):
        checker = Checker(Settings(per_host=1, allow_private=True, timeout=2), resolver=resolver, transport=transport)
        results = asyncio.run(checker.check_all([server.base + "/cookie-set", server.base + "/cookie-check"]))
        assert results[server.base + "/cookie-check"].status == "ok"


def test_user_agent_names_the_tool() -> None:
    from reinvent_lint import __version__
    from reinvent_lint.http_check import USER_AGENT

    assert USER_AGENT.startswith(f"reinvent-lint/{__version__}")


def test_hostile_servers_finish_within_their_timeouts_with_honest_verdicts(server: LinkServer) -> None:
    urls = {name: server.base + path for name, path in [
        ("trickle", "/trickle"), ("silent", "/silent"), ("redirects", "/redirect-forever/0"),
        ("rate", "/always-429"), ("huge", "/huge"),
    ]}  # fmt: skip
    settings = Settings(timeout=0.5, retries=1, backoff=0.01, allow_private=True, retry_after_cap=0.2, max_redirects=10)
    results, _ = check(list(urls.values()), settings)
    assert results[urls["trickle"]].reason == "timeout" and results[urls["silent"]].reason == "timeout"
    assert (
        results[urls["redirects"]].status == "unverified"
        and "more than 10 redirects" in results[urls["redirects"]].reason
    )
    assert results[urls["rate"]].code == 429 and server.hits["/always-429"] == 2  # one try, one retry
    assert results[urls["huge"]].status == "ok"  # the 2 GB body is never read


def test_cached_verdicts_are_marked_and_failures_are_asked_again(
    tmp_path: Path, server: LinkServer, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    from reinvent_lint.link_cache import Verdict

    base = server.base
    write_site(tmp_path, {
        "_posts/2024-01-01-a.md": f"---\ntitle: A\n---\n\nSee [a]({base}/fixed-later-1) and [b]({base}/missing).\n",
        ".reinvent-lint.toml": "[links]\nallow-private = true\ntimeout = 0.5\nretries = 1\nfail-max-age-hours = 6.0\n",
    })  # fmt: skip
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert main(["check", "--links", "all"]) == 1
        out = capsys.readouterr().out
        assert f"dead link {base}/fixed-later-1: HTTP 404\n" in out  # just asked: no marker
        assert main(["check"]) == 1  # cached mode: what the cache knows, marked
        out = capsys.readouterr().out
        assert f"dead link {base}/fixed-later-1: HTTP 404 (cached 0 s ago)" in out
        hits = server.hits["/missing"]
        assert main(["check", "--links", "new"]) == 1  # failures are asked again; the fixed one passes
        out = capsys.readouterr().out
        assert "fixed-later-1" not in out and f"dead link {base}/missing: HTTP 404\n" in out
        assert server.hits["/fixed-later-1"] == 2 and server.hits["/missing"] == hits + 1

        cache = LinkCache(tmp_path / ".reinvent-lint-cache", 7 * 86400, 6 * 3600)
        now = time.time()
        cache.put([Verdict(f"{base}/missing", "dead", 404, "HTTP 404", checked_at=now - 2 * 3600 - 60)])
        cache.close()
        main(["check"])
        assert f"dead link {base}/missing: HTTP 404 (cached 2 h ago)" in capsys.readouterr().out
        cache = LinkCache(tmp_path / ".reinvent-lint-cache", 7 * 86400, 6 * 3600)
        cache.put([Verdict(f"{base}/missing", "dead", 404, "HTTP 404", checked_at=now - 7 * 3600)])
        cache.close()
        assert main(["check"]) == 0  # older than the failure TTL: no longer reported from the cache ...
        assert f"{base}/missing" not in capsys.readouterr().out
        hits = server.hits["/missing"]
        main(["check", "--links", "new"])  # ... and asked again
        assert server.hits["/missing"] == hits + 1
        capsys.readouterr()
    finally:
        os.chdir(old)


def test_the_early_link_worker_gives_the_in_process_verdicts(server: LinkServer) -> None:
    import signal

    from reinvent_lint.link_worker import LinkWorker

    urls = [server.base + p for p in ("/ok", "/missing", "/moved", "/gone")]
    settings = Settings(timeout=2, retries=0, allow_private=True)
    worker = LinkWorker.start()
    assert worker is not None and worker.pid > 0
    hits = server.hits["/missing"]
    verdicts = worker.check(urls, settings)
    assert worker.pid == 0  # reaped: its CPU time is the run's
    expected, _ = check(urls, settings)
    assert verdicts is not None
    assert {u: (v.status, v.code, v.final_url) for u, v in verdicts.items()} == {
        u: (v.status, v.code, v.final_url) for u, v in expected.items()
    }
    assert server.hits["/missing"] == hits + 2  # one request from the worker, one in process
    assert worker.check(urls, settings) is None  # used once: the caller checks in process

    gone = LinkWorker.start()
    assert gone is not None
    os.kill(gone.pid, signal.SIGKILL)  # a worker that died: no answer, no hang
    os.waitpid(gone.pid, 0)  # reaped here, so the feed below meets a pipe nobody reads
    gone.pid = 0
    gone.feed(urls, settings)  # feeding a dead worker raises nothing ...
    assert gone.check(urls, settings) is None  # ... and the run then checks in process


def test_the_link_worker_starts_on_fed_urls_before_the_run_asks(server: LinkServer) -> None:
    import time

    from reinvent_lint.link_worker import LinkWorker

    settings = Settings(timeout=2, retries=0, allow_private=True)
    fed = [server.base + "/fed-early-missing", server.base + "/ok-fed-early"]
    worker = LinkWorker.start()
    assert worker is not None
    worker.feed(fed, settings)
    deadline = time.monotonic() + 30
    while not all(server.hits[u.removeprefix(server.base)] for u in fed) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert all(server.hits[u.removeprefix(server.base)] == 1 for u in fed)  # requested before `check`
    later = server.base + "/gone"
    hits = server.hits["/gone"]
    verdicts = worker.check([*fed, later], settings)
    assert verdicts is not None and set(verdicts) == {*fed, later}
    assert [verdicts[u].status for u in (*fed, later)] == ["dead", "ok", "dead"]
    assert all(server.hits[u.removeprefix(server.base)] == 1 for u in fed)  # and not again
    assert server.hits["/gone"] == hits + 1


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_run_requests_each_url_once_across_posts_and_cached_files(
    tmp_path: Path, server: LinkServer, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    # Mode `all` feeds the link worker post by post (and the posts the result cache answers for
    # at once); a URL in many posts is still requested once per run.
    base = server.base
    shared = f"{base}/shared-{jobs}-missing"
    files: dict[str, str] = {".reinvent-lint.toml": "[links]\nallow-private = true\ntimeout = 2\nretries = 0\n"}
    for i in range(12):
        files[f"_posts/2024-01-{i + 1:02d}-p.md"] = (
            f"---\ntitle: P{i}\n---\n\n[s]({shared}) [own]({base}/ok-{jobs}-{i}) [frag]({shared}#part)\n"
        )
    write_site(tmp_path, files)
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        for run in range(2):  # the second run reads every post's links from the result cache
            hits = server.hits[f"/shared-{jobs}-missing"]
            assert main(["check", "--links", "all", "--jobs", jobs]) == 1
            out = capsys.readouterr().out
            assert "24 problems (24 errors) in 12 files" in out and "ok-" not in out  # two uses a post
            assert server.hits[f"/shared-{jobs}-missing"] == hits + 1
            assert all(server.hits[f"/ok-{jobs}-{i}"] == run + 1 for i in range(12))
    finally:
        os.chdir(old)


def test_handing_the_urls_to_the_link_worker_imports_no_asyncio() -> None:
    # The run that forks the worker builds the checker's settings and hands them over; asyncio
    # (~25 ms of CPU) is the worker's to import, not that run's.
    import subprocess
    import sys

    script = """
import sys
from reinvent_lint.external import DEFAULTS, Occurrence, check_external
from reinvent_lint.link_cache import Verdict

class Worker:
    def check(self, urls, settings):
        return {u: Verdict(u, "dead", 404, "HTTP 404") for u in urls}

found = [Occurrence("https://example.org/a", "a.md", 1, 1, 1, 2, 0, 1)]
problems, _ = check_external(found, dict(DEFAULTS, mode="all"), None, {"RL410": (type("R", (), {"name": "dead-link"}), "error")}, use_cache=False, worker=Worker())
print(len(problems), "asyncio" in sys.modules)
"""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True).stdout
    assert out.split() == ["1", "False"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_during_the_link_phase_stops_the_link_worker_too(
    tmp_path: Path, server: LinkServer, signum: int
) -> None:
    import subprocess
    import sys
    import time

    write_site(tmp_path, {
        "_posts/2024-01-01-a.md": f"---\ntitle: A\n---\n\nSee [it]({server.base}/silent).\n",
        ".reinvent-lint.toml": "[links]\nallow-private = true\ntimeout = 30.0\n",
    })  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    before = server.hits["/silent"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "reinvent_lint", "check", "--links", "all", "--no-cache"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while server.hits["/silent"] == before and time.monotonic() < deadline:  # the worker's request waits
        time.sleep(0.05)
    assert server.hits["/silent"] > before
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signum)  # Ctrl-C reaches the whole process group, the worker too
    else:
        proc.send_signal(signum)  # a CI cancel or `timeout`: only the main process
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signum
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    left = subprocess.run(["ps", "-o", "pid=", "-g", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert left == []  # the worker was stopped and reaped, not left behind
