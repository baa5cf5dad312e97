"""A real HTTP server on 127.0.0.1 for the link-checking tests: each path behaves as a kind of
web server does, and every request is counted."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 (connections kept alive), no log lines, HEAD and GET answered alike by `answer`."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self.answer()

    def do_GET(self) -> None:
        self.answer()

    def answer(self) -> None:
        raise NotImplementedError


class LinkServer:
    def __init__(self, delay: float = 0.0) -> None:
        self.hits: Counter[str] = Counter()
        self.methods: list[tuple[str, str]] = []
        self.delay = delay
        self.active = self.peak = 0  # requests being answered now, and at most at once
        lock = threading.Lock()
        server = self

        class Handler(QuietHandler):
            def answer(self) -> None:
                self.handle_any(self.command)

            def send(self, status: int, headers: dict[str, str] | None = None, body: bytes = b"") -> None:
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command == "GET":
                    self.wfile.write(body)

            def handle_any(self, method: str) -> None:
                path = self.path.split("?", 1)[0]
                server.hits[path] += 1
                server.methods.append((method, path))
                if server.delay:
                    with lock:
                        server.active += 1
                        server.peak = max(server.peak, server.active)
                    time.sleep(server.delay)
                    with lock:
                        server.active -= 1
                n = server.hits[path]
                if path.startswith("/ok"):
                    self.send(200, body=b"ok")
                elif path == "/cookie-set":
                    self.send(200, {"Set-Cookie": "session=abc; Path=/"})
                elif path == "/cookie-check":
                    self.send(410 if self.headers.get("Cookie") else 200)
                elif path == "/trickle":  # one byte of the status line at a time, 0.2 s apart
                    try:
                        for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(0.2)
                    except OSError:
                        pass
                    self.close_connection = True
                elif path == "/silent":  # accepts and never answers
                    time.sleep(5)
                    self.close_connection = True
                elif path.startswith("/redirect-forever/"):
                    self.send(302, {"Location": f"/redirect-forever/{n}-{time.monotonic_ns()}"})
                elif path == "/always-429":
                    self.send(429, {"Retry-After": "0"})
                elif path == "/huge":  # announces 2 GB
                    self.send_response(200)
                    self.send_header("Content-Length", str(2 * 1024**3))
                    self.end_headers()
                    try:
                        if method == "GET":
                            for _ in range(1000):
                                self.wfile.write(b"x" * 65536)
                    except OSError:
                        pass
                    self.close_connection = True
                elif path == "/missing":
                    self.send(404)
                elif path.startswith("/fixed-later"):  # dead on the first request, fixed after it
                    self.send(404 if n == 1 else 200)
                elif path == "/gone":
                    self.send(410)
                elif path == "/moved":
                    self.send(301, {"Location": "/moved-again"})
                elif path == "/moved-again":
                    self.send(308, {"Location": "/ok-final"})
                elif path == "/loop-a":
                    self.send(302, {"Location": "/loop-b"})
                elif path == "/loop-b":
                    self.send(302, {"Location": "/loop-a"})
                elif path == "/no-head":
                    self.send(405 if method == "HEAD" else 200)
                elif path == "/rate":
                    self.send(429, {"Retry-After": "1"}) if n == 1 else self.send(200)
                elif path == "/flaky":
                    self.send(500) if n == 1 else self.send(200)
                elif path == "/slow":
                    time.sleep(2.0)
                    self.send(200)
                elif path == "/reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.connection.close()
                    self.close_connection = True
                elif path == "/endless":
                    if method == "HEAD":
                        self.send(405)
                        return
                    self.send_response(200)
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    try:
                        for _ in range(100_000):
                            self.wfile.write(b"4000\r\n" + b"x" * 0x4000 + b"\r\n")
                    except OSError:
                        pass
                    self.close_connection = True
                else:
                    self.send(404)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> LinkServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
