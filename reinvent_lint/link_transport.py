"""The link checker's httpx transport: HTTP/1.1 over asyncio streams, with h11 (the protocol
library httpcore uses) reading and writing the messages.

The checker sends HEAD (GET when refused) and never reads a body, so the transport keeps only
what that needs: one keep-alive pool per (scheme, host, port), connections opened to the
addresses the checker resolved and judged, TLS verified with the system's CA store. On the link
benchmark it takes half the CPU per request of httpx over aiohttp (httpx-aiohttp), and its
imports cost about a tenth; httpx's own pool is CPU-bound there (encode/httpx#3215). No cookies,
no proxies, no decompression: nothing the checker would use.
"""

from __future__ import annotations

import asyncio
import ssl
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import h11
import httpx

Addresses = Callable[[str, int], Awaitable[list[str]]]
T = TypeVar("T")
_READ = 65536
_REST_WAIT = 0.25  # seconds to finish reading a short body, for the connection's sake


class ServerDisconnectedError(ConnectionError):
    """The server closed the connection before answering (a kept-alive connection it had
    dropped, or a server that hangs up): the checker asks once more on a fresh connection."""

    def __init__(self) -> None:
        super().__init__("Server disconnected")


async def _within(work: Awaitable[T], seconds: float | None) -> T:
    if seconds is None:
        return await work
    if sys.version_info >= (3, 11):
        async with asyncio.timeout(seconds):
            return await work
    return await asyncio.wait_for(work, seconds)  # pragma: no cover - Python 3.10


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        # a head up to 64 KiB (h11's default is 16; some sites send long security headers)
        self.h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=_READ)

    async def next_event(self, timeout: float | None) -> object:
        while True:
            event = self.h11.next_event()
            if event is not h11.NEED_DATA:
                return event
            data = await _within(self.reader.read(_READ), timeout)
            if not data and self.h11.their_state is h11.SEND_RESPONSE:
                raise ServerDisconnectedError()
            self.h11.receive_data(data)

    async def reusable(self) -> bool:
        """Whether the connection can serve the next request: the response has ended, once a
        short rest of its body (a refused HEAD's GET) is read: at most _READ bytes more within
        _REST_WAIT seconds, so a slow body never delays the verdict the head already gave."""
        try:
            while self.h11.their_state is h11.SEND_BODY:
                if self.h11.next_event() is h11.NEED_DATA:
                    await _within(self._rest(), _REST_WAIT)
                    break
        except (h11.ProtocolError, OSError, asyncio.TimeoutError, TimeoutError):
            return False
        if self.h11.our_state is h11.DONE and self.h11.their_state is h11.DONE:
            self.h11.start_next_cycle()
            return True
        return False

    async def _rest(self) -> None:
        budget = _READ
        while self.h11.their_state is h11.SEND_BODY and budget > 0:
            if self.h11.next_event() is not h11.NEED_DATA:
                continue
            data = await self.reader.read(_READ)
            if not data:
                return
            budget -= len(data)
            self.h11.receive_data(data)

    def close(self) -> None:
        self.writer.close()


class _Body(httpx.AsyncByteStream):
    """The response body, never read by the checker; closing it hands the connection back."""

    def __init__(self, release: Callable[[], Awaitable[None]]) -> None:
        self.release = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        return
        yield b""  # pragma: no cover - makes this an (empty) async generator

    async def aclose(self) -> None:
        await self.release()


class LinkTransport(httpx.AsyncBaseTransport):
    """An httpx transport for the link checker. `addresses(host, port)` says where a host may
    be reached (the checker's judged addresses); a host none of them answers is a connect error.
    At most `max_idle` kept-alive connections stay open between requests."""

    def __init__(self, addresses: Addresses, max_idle: int = 32) -> None:
        self.addresses = addresses
        self.idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self.busy: set[_Connection] = set()
        # Idle connections, the least recently used first: past `max_idle` the oldest is closed,
        # so a run over hundreds of hosts keeps no more sockets open than it can use.
        self.max_idle = max(max_idle, 1)
        self._idle_order: dict[_Connection, tuple[str, str, int]] = {}
        self._tls: ssl.SSLContext | None = None

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = ssl.create_default_context()  # the system's CA store, as browsers use
        return self._tls

    async def _connect(self, scheme: str, host: str, port: int, timeout: float | None) -> _Connection:
        tls = self._tls_context() if scheme == "https" else None
        error: BaseException | None = None
        for address in await self.addresses(host, port):
            try:
                reader, writer = await _within(
                    asyncio.open_connection(address, port, ssl=tls, server_hostname=host if tls else None,
                                            limit=_READ),
                    timeout,
                )  # fmt: skip
                return _Connection(reader, writer)
            except (asyncio.TimeoutError, TimeoutError) as exc:
                error = exc  # the next address may answer (an IPv6 address silently dropped)
            except OSError as exc:  # ssl.SSLError is one
                error = exc
        if error is None:
            raise httpx.ConnectError(f"no address for {host}")
        if isinstance(error, (asyncio.TimeoutError, TimeoutError)):
            raise httpx.ConnectTimeout(f"connecting to {host} timed out") from error
        raise httpx.ConnectError(str(error) or type(error).__name__) from error

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        scheme = url.scheme
        host = url.raw_host.decode("ascii")
        port = url.port or (443 if scheme == "https" else 80)
        key = (scheme, host, port)
        timeouts = request.extensions.get("timeout", {})
        pool = self.idle.get(key)
        reused = bool(pool)
        if pool:
            connection = pool.pop()
            del self._idle_order[connection]
        else:
            connection = await self._connect(scheme, host, port, timeouts.get("connect"))
        self.busy.add(connection)
        try:
            outgoing = h11.Request(method=request.method, target=url.raw_path, headers=request.headers.raw)
            connection.writer.write(connection.h11.send(outgoing) + connection.h11.send(h11.EndOfMessage()))
            event = await connection.next_event(timeouts.get("read"))
            while isinstance(event, h11.InformationalResponse):
                event = await connection.next_event(timeouts.get("read"))
            if not isinstance(event, h11.Response):
                raise httpx.RemoteProtocolError(f"unexpected {type(event).__name__} from {host}")
        except (asyncio.TimeoutError, TimeoutError) as exc:
            self._drop(connection)
            raise httpx.ReadTimeout(f"{host} did not answer in time") from exc
        except h11.ProtocolError as exc:
            self._drop(connection)
            raise httpx.RemoteProtocolError(str(exc)) from exc
        except OSError as exc:  # a reset, or ServerDisconnectedError
            self._drop(connection)
            if reused and not isinstance(exc, ServerDisconnectedError):
                # a kept-alive connection the server had dropped, reset before any answer: the
                # same case as a plain close, asked again once on a fresh connection
                exc = ServerDisconnectedError()
            raise httpx.ReadError(str(exc) or type(exc).__name__) from exc
        except BaseException:
            self._drop(connection)
            raise

        async def release() -> None:
            if connection not in self.busy:
                return
            reusable = False
            try:
                reusable = await connection.reusable()
            finally:
                if reusable:
                    self.busy.discard(connection)
                    self._keep(key, connection)
                else:
                    self._drop(connection)

        return httpx.Response(
            event.status_code,
            headers=list(event.headers),
            stream=_Body(release),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": event.reason},
        )

    def _keep(self, key: tuple[str, str, int], connection: _Connection) -> None:
        self.idle.setdefault(key, []).append(connection)
        self._idle_order[connection] = key
        if len(self._idle_order) > self.max_idle:
            oldest, its_key = next(iter(self._idle_order.items()))
            del self._idle_order[oldest]
            self.idle[its_key].remove(oldest)
            oldest.close()

    def _drop(self, connection: _Connection) -> None:
        self.busy.discard(connection)
        connection.close()

    async def aclose(self) -> None:
        for connection in [*self.busy, *(c for pool in self.idle.values() for c in pool)]:
            connection.close()
        self.busy.clear()
        self.idle.clear()
        self._idle_order.clear()
