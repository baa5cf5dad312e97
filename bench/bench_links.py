"""Benchmark external link checking: 1,000 unique URLs over 20 loopback "hosts" (ports), each
answered after 100 ms, 15 of them broken. Per-host limit 4, so the ceiling is 20 x 4 / 0.1 s =
800 URLs/s. Prints URLs/s and its share of the ceiling, the warm-cache run, peak memory, and a
peer link checker on the same server (linkinator from npm, installed under /tmp/peer:
`mkdir -p /tmp/peer && cd /tmp/peer && npm install linkinator@6`; 7 needs Node 22).

Run:  python bench/bench_links.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOSTS, DELAY, BASE_PORT, URLS, BROKEN = 20, 0.1, 18100, 1000, 15
PEER = Path("/tmp/peer/node_modules/.bin/linkinator")


def url(i: int) -> str:
    path = f"/broken-{i}" if i < BROKEN else f"/page-{i}"
    return f"http://127.0.0.1:{BASE_PORT + i % HOSTS}{path}"


def build_site(root: Path) -> None:
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: links\n")
    (root / ".reinvent-lint.toml").write_text(
        "[links]\nallow-private = true\nconcurrency = 80\nper-host = 4\ntimeout = 10.0\n"
    )
    for p in range(50):
        links = "\n".join(f"* [link {i}]({url(i)})" for i in range(p * 20, p * 20 + 20))
        (root / "_posts" / f"2024-01-{1 + p % 28:02d}-post-{p}.md").write_text(
            f"---\ntitle: Post {p}\n---\n\n{links}\n"
        )


def run(cmd: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall time, peak RSS in MB and stdout of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=dict(os.environ, CI="1")
    )
    out = proc.stdout.read() if proc.stdout else ""
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss // 1024, out


def main() -> int:
    server = subprocess.Popen([sys.executable, str(HERE / "link_server.py"), "--hosts", str(HOSTS), "--delay", str(DELAY),
                               "--base-port", str(BASE_PORT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert server.stdout and server.stdout.readline().strip() == "ready"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            site = Path(tmp) / "site"
            build_site(site)
            lint = [sys.executable, "-m", "reinvent_lint", "check", "--jobs", "1", "--select", "RL410,RL411,RL412"]
            base, _, _ = run([*lint, "--links", "off"], site)
            cold, rss, out = run([*lint, "--links", "all", "--no-cache"], site)
            dead = sum(1 for line in out.splitlines() if line.startswith("_posts/") and "RL410 dead-link" in line)
            phase = cold - base
            rate = URLS / phase
            ceiling = HOSTS * 4 / DELAY
            print(f"{URLS} URLs, {HOSTS} hosts, {DELAY * 1000:.0f} ms each; {dead} dead found (of {BROKEN})")
            print(
                f"reinvent-lint: link phase {phase:.2f} s = {rate:.0f} URLs/s, {rate / ceiling:.0%} of the {ceiling:.0f}/s ceiling   target >= 70%"
            )
            print(f"peak memory: {rss} MB   target < 150 MB")
            run([*lint, "--links", "all"], site)  # fill the cache
            warm, _, out = run([*lint, "--links", "new"], site)
            reported = sum(1 for line in out.splitlines() if line.startswith("_posts/") and "RL410" in line)
            print(
                f"warm cache (--links new, all fresh): link phase {max(warm - base, 0):.2f} s ({reported} dead reported)   target < 0.5 s"
            )
            # The same run without per-host politeness, as the peer runs.
            config = site / ".reinvent-lint.toml"
            polite = config.read_text()
            config.write_text(
                polite.replace("concurrency = 80", "concurrency = 100").replace("per-host = 4", "per-host = 100")
            )
            free, _, _ = run([*lint, "--links", "all", "--no-cache"], site)
            config.write_text(polite)
            print(
                f"reinvent-lint with the peer's limits (100 in flight, no per-host limit): {free:.2f} s whole run = {URLS / (free - base):.0f} URLs/s in the link phase"
            )
            if PEER.exists():
                peer, peer_rss, peer_out = run(
                    [str(PEER), "_posts/*.md", "--markdown", "--concurrency", "100", "--timeout", "10000"], site
                )
                found = peer_out.count("[404]")
                print(
                    f"linkinator 6 (same URLs, same server, no per-host limit): {peer:.2f} s whole run = {URLS / peer:.0f} URLs/s, "
                    f"{peer_rss} MB, {found} broken found; reinvent-lint at the same limits is {peer / free:.2f}x the peer's speed"
                )
            else:
                print("peer not installed: mkdir -p /tmp/peer && cd /tmp/peer && npm install linkinator@6")
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
