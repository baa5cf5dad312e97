"""Check external URLs with httpx: concurrent, polite, honest.

- one request chain per unique URL; a global and a per-host limit, an optional per-host minimum
  interval, and 429 Retry-After honoured per host (capped);
- HEAD first, GET on 400/403/405/501 and other HEAD failures; bodies are never read;
- redirects followed by hand (to see 301/308 and loops), up to a limit;
- retries with exponential backoff and jitter for timeouts, connection errors and 5xx;
- only http(s), and never a loopback, private, link-local or multicast address (after DNS)
  unless allowed; each host is resolved once, and the client connects to the addresses judged;
- three verdicts: ok, dead (404, 410, a host that does not exist) and unverified (403, 429
  after retries, timeouts, TLS and connection errors, 5xx after retries).
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import random
import socket
import time
import sys
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

from . import __version__
from .link_cache import Verdict
from .link_settings import Settings

Resolver = Callable[[str, int], Awaitable[list[str]]]
T = TypeVar("T")
USER_AGENT = f"reinvent-lint/{__version__} (+https://pypi.org/project/reinvent-lint/; link checker)"
_HEAD_FALLBACK = {400, 403, 405, 406, 501}


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _forbidden(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip.is_reserved


def _retry_after(value: str | None, cap: float) -> float:
    if not value:
        return 1.0
    try:
        return min(max(float(value), 0.0), cap)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 1.0
    return min(max(when.timestamp() - time.time(), 0.0), cap)


class _Client:
    """One request at a time through an httpx transport, without httpx.AsyncClient's per-request
    machinery (cookie jar, auth, redirect and event-hook plumbing, header merging): the checker
    needs none of it, and on the link benchmark it was a third of the CPU per request. The
    interface stays httpx's: httpx.Request in, httpx.Response out, any httpx transport (our
    link_transport.LinkTransport by default, httpx's own, or a MockTransport in tests)."""

    def __init__(self, transport: Any, timeout: float) -> None:
        import httpx

        self.transport = transport
        self.headers = httpx.Headers({"User-Agent": USER_AGENT, "Accept": "*/*"})
        self.extensions = {"timeout": {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}}
        self.request_class = httpx.Request

    async def head_of(self, method: str, url: str) -> tuple[int, str | None, str | None]:
        """Status, Location and Retry-After of one request; the body is never read."""
        request = self.request_class(method, url, headers=self.headers, extensions=self.extensions)
        response = await self.transport.handle_async_request(request)
        try:
            headers = response.headers
            return response.status_code, headers.get("location"), headers.get("retry-after")
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        await self.transport.aclose()


def _describe(exc: BaseException) -> str:
    """An honest reason for a failed request: the transport's original exception (the cause)
    decides, as an httpx error's class may be coarser."""
    import httpx

    cause = exc.__cause__ or exc
    name = type(cause).__name__
    text = str(cause) or name
    if isinstance(cause, (asyncio.TimeoutError, TimeoutError)) or "Timeout" in name:
        return "timeout"
    if isinstance(exc, httpx.TimeoutException) and cause is exc:
        return "timeout"
    if "SSL" in text or "SSL" in name or "certificate" in text.lower():
        return f"TLS error: {text}"[:200]
    return f"connection error: {text}"[:200]


def preload() -> None:
    """Import the HTTP stack now (link_worker.py does it while the posts are read; the link
    phase waits for it). httpx imports its own command line (click, pygments: ~20-30 ms of CPU)
    when it can; a None in sys.modules makes it take its fallback, and is removed after."""
    blocked = "httpx._main" not in sys.modules and "httpx" not in sys.modules
    if blocked:
        sys.modules["httpx._main"] = None  # type: ignore[assignment]
    try:
        from . import link_transport  # noqa: F401 - httpx and h11 with it
    finally:
        if blocked:
            del sys.modules["httpx._main"]


async def _deadline(work: Awaitable[T], seconds: float) -> T:
    """`work` within `seconds`, else asyncio.TimeoutError; asyncio.timeout (3.11+) needs no
    extra task per request, unlike wait_for."""
    if sys.version_info >= (3, 11):
        async with asyncio.timeout(seconds):
            return await work
    return await asyncio.wait_for(work, seconds)  # pragma: no cover - Python 3.10


def _host_of(url: str) -> str:
    return url.split("/", 3)[2] if url.count("/") >= 2 else ""


def _queues(urls: Iterable[str]) -> list[deque[str]]:
    """The URLs by host (as written in the URL), the longest queue first: it sets the run's length."""
    by_host: dict[str, deque[str]] = {}
    for url in urls:
        by_host.setdefault(_host_of(url), deque()).append(url)
    return sorted(by_host.values(), key=len, reverse=True)


class _Host:
    def __init__(self, per_host: int) -> None:
        self.slots = asyncio.Semaphore(per_host)
        self.not_before = 0.0  # monotonic time before which no request may start (429, interval)


class Checker:
    def __init__(self, settings: Settings, resolver: Resolver | None = None, transport: object | None = None) -> None:
        self.settings = settings
        self.resolver = resolver or system_resolver
        self.transport = transport
        self.hosts: dict[str, _Host] = {}
        self._host_verdicts: dict[tuple[str, int], asyncio.Future[tuple[str, str] | None]] = {}
        self._judged: dict[tuple[str, int], list[str]] = {}  # the addresses found fit to request
        self.requests = 0
        self.done = 0

    def _host(self, key: str) -> _Host:
        if key not in self.hosts:
            self.hosts[key] = _Host(self.settings.per_host)
        return self.hosts[key]

    async def check_all(
        self, urls: Iterable[str], progress: Callable[[int, int], None] | None = None
    ) -> dict[str, Verdict]:
        run = Stream(self, progress)
        run.add(urls)
        return await run.finish()

    async def _safe(self, url: str) -> Verdict | None:
        """A verdict when the URL must not be requested (or its host does not exist)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return Verdict(url, "unverified", None, "not an http(s) URL")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        key = (parts.hostname, port)
        if key not in self._host_verdicts:  # one resolution per host, shared by its URLs
            self._host_verdicts[key] = asyncio.ensure_future(self._judge_host(parts.hostname, port))
        reason = await self._host_verdicts[key]
        if reason is None:
            return None
        status, text = reason
        return Verdict(url, status, None, text)

    async def _judge_host(self, hostname: str, port: int) -> tuple[str, str] | None:
        try:
            addresses = [str(ipaddress.ip_address(hostname))]  # an address: nothing to resolve
        except ValueError:
            addresses = []
        try:
            addresses = addresses or await asyncio.wait_for(self.resolver(hostname, port), self.settings.timeout)
        except (socket.gaierror, UnicodeError):
            return ("dead", f"host {hostname} does not exist")
        except (asyncio.TimeoutError, OSError) as exc:
            return ("unverified", f"cannot resolve {hostname}: {exc or 'timeout'}")
        if not self.settings.allow_private and any(_forbidden(a) for a in addresses):
            return ("unverified", "not requested: the host is a loopback, private, link-local or multicast address")
        self._judged[(hostname, port)] = addresses
        return None

    async def _connect_to(self, host: str, port: int) -> list[str]:
        """The judged addresses of a host, for the HTTP client (each URL's host is judged before
        its request; a host spelled otherwise, as an IDN's punycode, is judged here)."""
        key = (host.lower(), port)
        if key not in self._judged:
            if key not in self._host_verdicts:
                self._host_verdicts[key] = asyncio.ensure_future(self._judge_host(*key))
            refused = await self._host_verdicts[key]
            if refused is not None:
                raise OSError(refused[1])
        return self._judged[key]

    async def check(self, client: _Client, gate: asyncio.Semaphore, url: str) -> Verdict:
        s = self.settings
        current = url
        seen = {url}
        permanent = False
        for hop in range(s.max_redirects + 1):
            refused = await self._safe(current)
            if refused:
                return Verdict(url, refused.status, refused.code, refused.reason, checked_at=time.time())
            status, location, reason = await self._request(client, gate, current)
            if status is None:
                return Verdict(url, "unverified", None, reason, checked_at=time.time())
            if 300 <= status < 400 and location:
                target = urljoin(current, location)
                if hop == 0 and status in (301, 308):
                    permanent = True
                elif status not in (301, 308):
                    permanent = False  # a temporary hop: the final URL is not a safe replacement
                if target in seen:
                    return Verdict(url, "unverified", status, f"redirect loop at {target}", checked_at=time.time())
                seen.add(target)
                current = target
                continue
            final = current if current != url else None
            if 200 <= status < 300:
                return Verdict(url, "ok", status, "ok", final, permanent and final is not None, time.time())
            if status in (404, 410):
                return Verdict(url, "dead", status, f"HTTP {status}", final, False, time.time())
            if status == 429:
                return Verdict(
                    url, "unverified", status, "HTTP 429 (rate limited) after retries", final, False, time.time()
                )
            return Verdict(url, "unverified", status, f"HTTP {status}", final, False, time.time())
        return Verdict(url, "unverified", None, f"more than {s.max_redirects} redirects", checked_at=time.time())

    async def _request(self, client: _Client, gate: asyncio.Semaphore, url: str) -> tuple[int | None, str | None, str]:
        """(status, Location, reason) for one URL, HEAD then GET, with retries."""
        import httpx

        s = self.settings
        parts = urlsplit(url)
        host = self._host(f"{parts.hostname}:{parts.port or ''}")
        method = "HEAD"
        attempt = 0
        reason = ""
        stale_retried = False
        while True:
            stale = False
            async with host.slots:
                wait = host.not_before - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if s.min_interval:
                    host.not_before = max(host.not_before, time.monotonic()) + s.min_interval
                async with gate:
                    self.requests += 1
                    try:
                        # A whole-request deadline too: a server trickling a byte a second never
                        # trips the per-read timeout.
                        status, location, retry_after = await _deadline(client.head_of(method, url), s.timeout * 2)
                    except asyncio.TimeoutError:
                        status, location, retry_after, reason = None, None, None, "timeout"
                    except httpx.HTTPError as exc:
                        status, location, retry_after, reason = None, None, None, _describe(exc)
                        stale = type(exc.__cause__).__name__ == "ServerDisconnectedError"
            if stale and not stale_retried:
                # A kept-alive connection the server had closed (no response at all): asked again
                # once on a fresh one without counting an attempt, as RFC 9112 allows. The client
                # library's own silent retry is off, so a reset still costs 3 tries in all.
                stale_retried = True
                continue
            if status is not None and method == "HEAD" and status in _HEAD_FALLBACK:
                method = "GET"  # many servers refuse HEAD: ask again the way a browser does
                continue
            if status == 429 and attempt < s.retries:
                delay = _retry_after(retry_after, s.retry_after_cap)
                host.not_before = max(host.not_before, time.monotonic() + delay)
                attempt += 1
                continue
            if (status is None or status >= 500) and attempt < s.retries:
                attempt += 1
                await asyncio.sleep(s.backoff * (2 ** (attempt - 1)) * (0.5 + random.random()))
                continue
            return status, location, reason or (f"HTTP {status}" if status else "no response")


class Stream:
    """One link phase, whose URLs may come in batches (the link worker takes them while the run
    still reads the posts). Each host's queue is worked by as many tasks as it may have requests
    in flight, the tasks started one host at a time in turn: the first request to every host
    goes out at once, a freed slot takes the host's next URL in the same task, and 1,000 URLs on
    20 hosts make 80 tasks (20 x 4), not 1,000 queued on semaphores. A URL is checked once,
    whichever batches name it. Runs in the event loop of `finish`."""

    def __init__(self, checker: Checker, progress: Callable[[int, int], None] | None = None) -> None:
        self.checker = checker
        self.progress = progress
        transport = checker.transport
        if transport is None:
            from .link_transport import LinkTransport

            transport = LinkTransport(checker._connect_to, max_idle=checker.settings.concurrency)
        self.client = _Client(transport, checker.settings.timeout)
        self.gate = asyncio.Semaphore(checker.settings.concurrency)
        self.results: dict[str, Verdict] = {}
        self.seen: set[str] = set()
        self.queues: dict[str, deque[str]] = {}
        self.workers: dict[str, int] = {}  # tasks working each host's queue
        self.tasks: set[asyncio.Future[None]] = set()
        self.total = 0

    def add(self, urls: Iterable[str]) -> None:
        fresh = [u for u in dict.fromkeys(urls) if u not in self.seen]
        self.seen.update(fresh)
        self.total += len(fresh)
        slots = max(self.checker.settings.per_host, 1)
        wanted: list[tuple[str, int]] = []
        for batch in _queues(fresh):  # the longest queue first: it sets the run's length
            key = _host_of(batch[0])
            queue = self.queues.setdefault(key, deque())
            queue.extend(batch)
            wanted.append((key, min(slots - self.workers.get(key, 0), len(queue))))
        for turn in range(slots):
            for key, count in wanted:
                if turn < count:
                    self.workers[key] = self.workers.get(key, 0) + 1
                    task = asyncio.ensure_future(self._drain(key))
                    self.tasks.add(task)
                    task.add_done_callback(self.tasks.discard)

    async def _drain(self, key: str) -> None:
        queue, checker = self.queues[key], self.checker
        try:
            while queue:
                url = queue.popleft()
                self.results[url] = await checker.check(self.client, self.gate, url)
                checker.done += 1
                if self.progress:
                    self.progress(checker.done, self.total)
        finally:
            self.workers[key] -= 1

    async def finish(self) -> dict[str, Verdict]:
        """The verdicts, once every URL added has one."""
        try:
            while self.tasks:
                await asyncio.gather(*self.tasks)
        finally:
            await self.client.aclose()
        return self.results
