"""Benchmark `reinvent-lint server` on a generated 200-post site (see bench_check.py): how long a
warm server takes from a notification to the diagnostics of a ~15 KB post, and its memory.

Run:  python bench/bench_server.py [--posts 200] [--runs 3]
Needs the [server] extra (pygls, lsprotocol). Targets (issue 20): diagnostics within 50 ms once
warm; resident memory of the warm server at most 150 MB. Prints the figures; asserts nothing.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import ROOT, generated_site

SAMPLES = 20


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of a process, in MB (Linux /proc)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("bench", "1")
        self.arrived: dict[str, asyncio.Future[float]] = {}

        @self.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(client: Client, params: lsp.PublishDiagnosticsParams) -> None:
            waiting = client.arrived.pop(params.uri, None)
            if waiting is not None and not waiting.done():
                waiting.set_result(time.perf_counter())

    def expect(self, uri: str) -> asyncio.Future[float]:
        self.arrived[uri] = asyncio.get_running_loop().create_future()
        return self.arrived[uri]


async def timed(client: Client, uri: str, send: object) -> float:
    """Seconds from sending a notification to the diagnostics of `uri`."""
    done = client.expect(uri)
    start = time.perf_counter()
    send()  # type: ignore[operator]
    return await asyncio.wait_for(done, 120) - start


def median_ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[max(0, int(len(ordered) * 0.9) - 1)]
    return f"median {statistics.median(samples) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms (n={len(samples)})"


async def run(site: Path, posts: list[Path]) -> None:
    client = Client()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    await client.start_io(sys.executable, "-m", "reinvent_lint", "server", env=env, cwd=str(site))
    assert client._server is not None
    pid = client._server.pid
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), root_uri=site.as_uri()))
    client.initialized(lsp.InitializedParams())
    print(f"server started; memory before any document: {memory_mb(pid)[0]:.0f} MB")

    def open_(path: Path, version: int = 1) -> object:
        item = lsp.TextDocumentItem(path.as_uri(), "markdown", version, path.read_text(encoding="utf-8"))
        return lambda: client.text_document_did_open(lsp.DidOpenTextDocumentParams(item))

    def close(path: Path) -> None:
        client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(path.as_uri())))

    first = await timed(client, posts[0].as_uri(), open_(posts[0]))
    close(posts[0])
    print(f"first diagnostics (cold: site index, dictionaries): {first * 1000:.0f} ms")

    opens = []
    for path in posts[1 : 1 + SAMPLES]:
        opens.append(await timed(client, path.as_uri(), open_(path)))
        close(path)
    size = statistics.median(len(p.read_bytes()) for p in posts[1 : 1 + SAMPLES]) / 1000
    print(f"warm, didOpen -> diagnostics, {size:.0f} KB posts: {median_ms(opens)}   target <= 50 ms")

    post = posts[0]
    await timed(client, post.as_uri(), open_(post))
    text = post.read_text(encoding="utf-8")
    changes = []
    for version in range(2, 2 + SAMPLES):
        text += f"\nA new line {version}.\n"
        params = lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=post.as_uri(), version=version),
            [lsp.TextDocumentContentChangeWholeDocument(text)],
        )
        changes.append(await timed(client, post.as_uri(), lambda p=params: client.text_document_did_change(p)))
    print(f"warm, didChange -> diagnostics (includes the 150 ms debounce): {median_ms(changes)}")

    rebuilt = []
    for n in range(3):
        other = posts[-1 - n]
        other.write_text(other.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
        event = lsp.DidChangeWatchedFilesParams([lsp.FileEvent(other.as_uri(), lsp.FileChangeType.Changed)])
        rebuilt.append(await timed(client, post.as_uri(), lambda e=event: client.workspace_did_change_watched_files(e)))
    print(f"another post changed on disk -> diagnostics (index rebuilt, 150 ms debounce): {median_ms(rebuilt)}")

    now, peak = memory_mb(pid)
    print(f"memory of the warm server: {now:.0f} MB resident, peak {peak:.0f} MB   target <= 150 MB")
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def main() -> int:
    with generated_site(__doc__ or "") as (_args, site, posts):
        size = sum(p.stat().st_size for p in posts)
        print(f"site: {len(posts)} generated posts, {size / 1e6:.1f} MB")
        asyncio.run(run(site, posts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
