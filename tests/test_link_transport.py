"""The link checker's transport (link_transport.py) against real servers on 127.0.0.1: kept-alive
connections per host, a connection the server dropped, TLS that cannot be verified."""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from reinvent_lint.http_check import Checker, Settings
from reinvent_lint.link_transport import LinkTransport

from .linkserver import QuietHandler


class Counting(ThreadingHTTPServer):
    """Counts the connections it accepts and the requests it answers."""

    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.connections = 0
        self.requests: list[tuple[str, str]] = []
        server = self

        class Handler(QuietHandler):
            def answer(self) -> None:
                server.requests.append((self.command, self.path))
                self.served = getattr(self, "served", 0) + 1  # requests on this connection
                if self.path.startswith("/resets-reused") and self.served > 1:  # hangs up with a reset
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return
                refuses_head = self.path.startswith(("/no-head", "/slow-body"))
                status = 405 if refuses_head and self.command == "HEAD" else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                if self.command == "GET":
                    if self.path.startswith("/slow-body"):  # the head at once, the body a second later
                        self.wfile.flush()
                        time.sleep(1.0)
                    self.wfile.write(b"ok")
                if self.path.startswith("/drops"):  # hangs up, without saying so in its headers
                    self.close_connection = True

        super().__init__(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)

    def get_request(self) -> tuple[Any, Any]:
        request = super().get_request()
        self.connections += 1
        return request


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[Counting] = []

    def start(tls: ssl.SSLContext | None = None) -> Counting:
        server = Counting(tls)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _check(urls: list[str], per_host: int = 2) -> tuple[dict[str, Any], Checker]:
    checker = Checker(Settings(per_host=per_host, timeout=2, retries=0, allow_private=True))
    return asyncio.run(checker.check_all(urls)), checker


def test_a_host_keeps_its_connections_for_the_next_requests(serve: Any) -> None:
    server = serve()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    urls = [f"{base}/page-{i}" for i in range(12)] + [f"{base}/no-head-{i}" for i in range(4)]
    results, checker = _check(urls, per_host=2)
    assert all(v.status == "ok" for v in results.values())
    assert checker.requests == 20 == len(server.requests)  # HEAD each, then GET for the 4 refusing HEAD
    assert server.connections == 2  # one per slot: a GET's short body, read with its head, frees it too


def test_idle_connections_past_the_cap_are_closed_the_oldest_first(serve: Any) -> None:
    # One request at a time keeps one idle connection (the cap is the concurrency): the first
    # host's is closed when the second host's is kept, so the first host's next URL reconnects.
    first, second = serve(), serve()
    a, b = (f"http://127.0.0.1:{s.server_address[1]}" for s in (first, second))
    checker = Checker(Settings(concurrency=1, per_host=1, timeout=2, retries=0, allow_private=True))
    results = asyncio.run(checker.check_all([f"{a}/page-1", f"{a}/page-2", f"{b}/page-1"]))
    assert {v.status for v in results.values()} == {"ok"}
    assert [path for _, path in first.requests] == ["/page-1", "/page-2"] and len(second.requests) == 1
    assert first.connections == 2 and second.connections == 1  # a/1, b/1 (a's closed), a/2


def test_a_kept_alive_connection_reset_before_any_answer_is_asked_again_on_a_fresh_one(serve: Any) -> None:
    # No retries allowed, so only the once-more for a dropped kept-alive connection can save it.
    server = serve()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    results, _ = _check([f"{base}/page", f"{base}/resets-reused"], per_host=1)
    assert {v.status for v in results.values()} == {"ok"}
    assert server.connections == 2 and [p for _, p in server.requests].count("/resets-reused") == 2


def test_a_slow_body_after_the_head_is_not_waited_for(serve: Any) -> None:
    # The verdict is in the head; the transport reads on only briefly to keep the connection,
    # then gives it up rather than wait.
    server = serve()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    results, _ = _check([f"{base}/slow-body", f"{base}/page"], per_host=1)
    assert {v.status for v in results.values()} == {"ok"}
    assert server.connections == 2  # the slow one's connection was not kept


def test_a_connection_the_server_dropped_is_replaced_without_a_failure(serve: Any) -> None:
    server = serve()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    urls = [f"{base}/drops-{i}" for i in range(6)]
    results, _ = _check(urls, per_host=1)
    assert {v.status for v in results.values()} == {"ok"}
    assert sorted(path for _, path in server.requests) == sorted(u.removeprefix(base) for u in urls)


def test_a_host_with_no_address_that_answers_is_a_connection_error() -> None:
    async def nowhere(host: str, port: int) -> list[str]:
        return []

    async def ask() -> None:
        transport = LinkTransport(nowhere)
        try:
            await transport.handle_async_request(httpx.Request("HEAD", "http://example.test/"))
        finally:
            await transport.aclose()

    with pytest.raises(httpx.ConnectError, match="no address"):
        asyncio.run(ask())


def test_an_address_that_times_out_gives_way_to_the_next(serve: Any) -> None:
    """A host's first address silently drops the connection (as an unroutable IPv6 address does):
    the next address is tried, not the whole request given up as a connect timeout."""
    server = serve()
    port = server.server_address[1]
    silent = socket.socket()  # on 127.0.0.2, the same port: a backlog kept full drops every SYN
    try:
        silent.bind(("127.0.0.2", port))
    except OSError:
        pytest.skip("127.0.0.2 is not a loopback address here")
    silent.listen(0)
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.2", port))
        fillers.append(filler)
    time.sleep(0.2)

    async def both(host: str, port: int) -> list[str]:
        return ["127.0.0.2", "127.0.0.1"]

    async def ask() -> int:
        transport = LinkTransport(both)
        try:
            request = httpx.Request("HEAD", f"http://example.test:{port}/", extensions={"timeout": {"connect": 0.5}})
            response = await transport.handle_async_request(request)
            await response.aclose()
            return response.status_code
        finally:
            await transport.aclose()

    try:
        assert asyncio.run(ask()) == 200
        assert server.connections == 1
    finally:
        for filler in fillers:
            filler.close()
        silent.close()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_a_certificate_that_cannot_be_verified_is_a_tls_error(serve: Any, tmp_path: Path) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server = serve(tls)
    url = f"https://127.0.0.1:{server.server_address[1]}/page"
    results, _ = _check([url])
    assert results[url].status == "unverified" and results[url].reason.startswith("TLS error")
    assert server.requests == []  # the handshake failed: nothing was asked


def test_the_link_workers_preload_leaves_out_httpxs_command_line() -> None:
    # httpx imports its command line (click, pygments) when they are installed: ~20-30 ms the
    # link phase would wait for. The worker's preload keeps it out, and httpx still works.
    import importlib.util
    import os
    import sys

    if importlib.util.find_spec("click") is None:
        pytest.skip("httpx's command line is not installed, so there is nothing to keep out")
    script = (
        "import sys; from reinvent_lint import http_check; http_check.preload(); import httpx; "
        "print('httpx._main' in sys.modules, 'click' in sys.modules, httpx.Request('HEAD', 'http://a.test/').method)"
    )
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True).stdout
    assert out.split() == ["False", "False", "HEAD"]
