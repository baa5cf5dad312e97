"""A loopback web for the link benchmark: N ports on 127.0.0.1 (one per "host"), each answering
HEAD and GET after a fixed delay; paths starting with /broken answer 404. Run as a script:
    python bench/link_server.py --hosts 20 --delay 0.1 --base-port 18100
It prints "ready" when listening; each line read on its standard input is answered with the
requests served so far ("requests N"); it exits when its standard input closes."""

from __future__ import annotations

import argparse
import asyncio
import sys


SERVED = [0]


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            SERVED[0] += 1
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            method, path = request_line.split(" ")[:2]
            await asyncio.sleep(delay)
            status = "404 Not Found" if path.startswith("/broken") else "200 OK"
            body = b"" if method == "HEAD" else b"ok"
            length = len(body) if method != "HEAD" else 2
            head = f"HTTP/1.1 {status}\r\nContent-Length: {length}\r\nContent-Type: text/plain\r\n\r\n"
            writer.write(head.encode() + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError, ValueError):
        pass
    finally:
        writer.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.1)
    parser.add_argument("--base-port", type=int, default=18100)
    parser.add_argument(
        "--addresses",
        action="store_true",
        help="one loopback address per host (127.0.0.1, .2, ...) on --base-port, not one port per host: "
        "checkers that key hosts by name (lychee) then see N hosts too",
    )
    args = parser.parse_args()
    where = [
        (f"127.0.0.{1 + i}", args.base_port) if args.addresses else ("127.0.0.1", args.base_port + i)
        for i in range(args.hosts)
    ]
    servers = [
        await asyncio.start_server(lambda r, w: handle(r, w, args.delay), host, port, backlog=1024)
        for host, port in where
    ]
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    while await loop.run_in_executor(None, sys.stdin.readline):
        print(f"requests {SERVED[0]}", flush=True)
    for s in servers:
        s.close()


if __name__ == "__main__":
    asyncio.run(main())
