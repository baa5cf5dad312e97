"""Time reinvent-lint on the hostile inputs of issue 21, one process each, with the style pack
off and on: pathological posts (a 20 MB post, a 1 MB line, a million lines, deep nesting, long
runs of markup characters, YAML bombs), and hostile files, folders and configs (a FIFO, a
symlink to /dev/zero, a tree 1,200 folders deep, a config nested deeply or linking to itself).

Targets: every case at most 5 s on one core (`--jobs 1`; judged on CPU time, the run's and its
workers', since the machine is shared), at most 2 s for the 50,000-character
cases, peak memory at most 10x the input (or 128 MB for small inputs: the interpreter with its
parser is ~65 MB), exit 0, 1 or 2, never a traceback, never over 60 s.

Peak memory, in MB of 10^6 bytes (as the input is): the larger of the largest process's peak
RSS (wait4, which also covers the workers it waited for, one at a time) and the peak of the
whole process tree's memory at once, the sum of each process's proportional set size (a forked
worker's pages shared with its parent count half in each), sampled every 10 ms.

Run:  python bench/bench_hostile.py [--only NAME] [--style off|on|both]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

FM = "---\ntitle: x\n---\n\n"
PARAGRAPH = "Some paragraph text with a [link](https://example.com/x) and `code`.\n\n"
N = 50_000


def _letters(number: int) -> str:
    """A distinct run of letters for each number (base 26, a-z)."""
    out = ""
    number += 26 * 26
    while number:
        number, digit = divmod(number, 26)
        out += "abcdefghijklmnopqrstuvwxyz"[digit]
    return out


# Made one at a time: the bench process stays small, so the peak of each forked run is its own.
POSTS: dict[str, Callable[[], str]] = {
    "20 MB post": lambda: FM + PARAGRAPH * 280_000,  # over the default 10 MB cap: skipped
    "20 MB post, cap raised": lambda: FM + PARAGRAPH * 280_000,  # [limits] max-file-size = 32: checked
    "2 MB post": lambda: FM + PARAGRAPH * 28_000,
    "1 MB single line": lambda: FM + "word " * 200_000 + "\n",
    "a million lines": lambda: FM + "line\n" * 1_000_000,
    "10,000 nested lists": lambda: FM + "- " * 10_000 + "deep\n",
    "10,000 nested quotes": lambda: FM + ">" * 10_000 + " deep\n",
    "10,000 headings": lambda: FM + "".join(f"# Heading {i}\n\ntext\n\n" for i in range(10_000)),
    "10,000 reference definitions": lambda: FM + "".join(f"[r{i}]: https://example.com/{i}\n" for i in range(10_000)),
    "10,000 footnotes": lambda: FM + "".join(f"Text[^{i}].\n\n[^{i}]: Note {i}.\n\n" for i in range(10_000)),
    "50,000 <": lambda: FM + "<" * N + "\n",
    "50,000 <a": lambda: FM + "<a " * N + "\n",
    "50,000 <!--": lambda: FM + "<!-- " * N + "\n",
    "50,000 </": lambda: FM + "</" * N + "\n",
    "50,000 <http:": lambda: FM + "<http:" * N + "\n",
    "50,000 [": lambda: FM + "[" * N + "\n",
    "50,000 ](": lambda: FM + "](" * N + "\n",
    "50,000 ![": lambda: FM + "![" * N + "\n",
    "50,000 (": lambda: FM + "(" * N + "\n",
    "50,000 *": lambda: FM + "*" * N + "\n",
    "50,000 * a": lambda: FM + "*a " * N + "\n",
    "50,000 _": lambda: FM + "_a " * N + "\n",
    "50,000 backticks": lambda: FM + "`" * N + "\n",
    "50,000 ` a": lambda: FM + "`a " * N + "\n",
    "50,000 {%": lambda: FM + "{% " * N + "\n",
    "50,000 {{": lambda: FM + "{{ " * N + "\n",
    "50,000 {% raw": lambda: FM + "{% raw %}" * (N // 9) + "\n",
    "50,000 |": lambda: FM + "| a " * N + "\n",
    "50,000 \\": lambda: FM + "\\" * N + "\n",
    "50,000 &": lambda: FM + "&amp" * N + "\n",
    "50,000 urls": lambda: FM + "http://a.b/" * (N // 10) + "\n",
    "misspelled words, one line": lambda: FM + "teh " * N + "\n",
    "20,000 distinct unknown words": lambda: (
        FM + "".join(f"Paragraph with zq{_letters(i)}vx in it.\n\n" for i in range(20_000))
    ),
    "apostrophes, one line": lambda: FM + "it's " * N + "\n",
    "yaml billion laughs": lambda: (
        "---\na: &a [x,x,x,x,x,x,x,x,x]\n"
        + "".join(f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, c in zip("abcdefgh", "bcdefghi"))
        + "---\n\nText.\n"
    ),
    "yaml nested 10,000": lambda: "---\na: " + "[" * 10_000 + "]" * 10_000 + "\n---\n\nText.\n",
    "yaml invalid date": lambda: "---\ntitle: x\ndate: 2024-13-45 99:99:99\n---\n\nText.\n",
    "CR-only endings": lambda: (FM + PARAGRAPH * 2000).replace("\n", "\r"),
}
# Checked, then fixed (one process each): a Liquid tag and a fixable trailing space on every line
# (the protected-range look-ups of the fix engine must stay logarithmic; target <= 2 s each).
LIQUID_LINES = FM + "".join(f"Line {i} with {{{{ page.title }}}} in it. \n" for i in range(16_000))
FIX_CASES = {"16,000 lines, Liquid + fix each": LIQUID_LINES}


def _fifo(site: Path) -> Path:
    path = site / "_posts" / "2024-01-01-fifo.md"
    os.mkfifo(path)
    return path


def _dev_zero(site: Path) -> Path:
    path = site / "_posts" / "2024-01-01-zero.md"
    path.symlink_to("/dev/zero")
    return path


def _deep_tree(site: Path) -> Path:
    folder = site / "deep"
    folder.mkdir()
    old = os.getcwd()
    os.chdir(folder)
    try:
        for _ in range(1200):  # relative steps: the absolute path would pass PATH_MAX
            os.mkdir("d")
            os.chdir("d")
        Path("x.md").write_text(FM + "Text.\n")
    finally:
        os.chdir(old)
    return site  # a whole-site run


def _deep_config(site: Path) -> Path:
    (site / ".reinvent-lint.toml").write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    return site


def _config_loop(site: Path) -> Path:
    (site / ".reinvent-lint.toml").symlink_to(".reinvent-lint.toml")
    return site


FILES: dict[str, Callable[[Path], Path]] = {
    "FIFO x.md": _fifo,
    "symlink to /dev/zero": _dev_zero,
    "tree 1,200 deep": _deep_tree,
    "config nested 5,000": _deep_config,
    "config symlink loop": _config_loop,
}


def _tree_pss(pid: int) -> int:
    """The proportional set size of a process and its descendants, in bytes (0 once gone)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                total += sum(int(line.split()[1]) * 1024 for line in rollup if line.startswith("Pss:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            continue  # ended meanwhile
    return total


class _TreeSampler(threading.Thread):
    """The largest `_tree_pss` of a process tree seen while it runs."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.01):
            self.peak = max(self.peak, _tree_pss(self.pid))


def _run(site: Path, target: Path, style: str, size: int, name: str, command: str = "check") -> str:
    args = [sys.executable, "-m", "reinvent_lint", command, "--jobs", "1", "--style", style]
    if target != site:
        args.append(str(target))
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=site, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    killer = threading.Timer(60, proc.kill)  # a hang is killed and reported, never waited out
    killer.start()
    sampler = _TreeSampler(proc.pid)
    sampler.start()
    err = proc.stderr.read() if proc.stderr else ""
    sampler.done.set()  # (stderr closes as the run ends; the process is not reaped yet)
    sampler.join()
    _, status, usage = os.wait4(proc.pid, 0)  # wait4: the peak RSS of the process
    killer.cancel()
    elapsed = time.perf_counter() - start
    # wait4's figures include the workers the run waited for; on a shared machine CPU is the fair figure
    cpu = usage.ru_utime + usage.ru_stime
    code = os.waitstatus_to_exitcode(status)
    if elapsed >= 60:
        return f"{name:30} style {style:6}  HANG (killed after 60 s)"
    peak = max(usage.ru_maxrss * 1024, sampler.peak) // 1_000_000
    crash = "  TRACEBACK" if "Traceback" in err else ""
    limit = 2.0 if name.startswith("50,000") else 5.0
    memory_ok = peak <= max(128, 10 * size / 1e6)  # the interpreter and parser alone: ~65 MB
    verdict = "ok" if cpu <= limit and memory_ok and not crash and code in (0, 1, 2) else "OVER"
    return (
        f"{name:30} style {style:6} {size / 1e6:7.2f} MB {elapsed:6.2f} s wall {cpu:6.2f} s CPU {peak:5d} MB peak"
        f"  exit {code}  {verdict}{crash}"
    )


def main() -> int:
    sys.setrecursionlimit(10_000)  # shutil.rmtree recurses: the 1,200-deep tree must be removable
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", help="run the cases whose name contains this text")
    parser.add_argument("--style", choices=("off", "on", "both"), default="both")
    args = parser.parse_args()
    styles = {"off": ["off"], "on": ["always"], "both": ["off", "always"]}[args.style]
    print(f"{'case':30} {'':12} {'input':>10} {'wall':>11} {'CPU (run + its workers)':>14} {'memory':>10}")
    for name, make_text in POSTS.items():
        if args.only and args.only not in name:
            continue
        text = make_text()
        for style in styles:
            with tempfile.TemporaryDirectory() as tmp:
                site = Path(tmp)
                (site / "_config.yml").write_text("title: hostile\n")
                (site / "_posts").mkdir()
                if name.endswith("cap raised"):  # measure the check itself
                    (site / ".reinvent-lint.toml").write_text("[limits]\nmax-file-size = 32\n")
                post = site / "_posts" / "2024-01-01-case.md"
                post.write_text(text, encoding="utf-8", newline="")
                print(_run(site, post, style, len(text.encode()), name), flush=True)
    for name, text in FIX_CASES.items():  # the fix loop on a post with a fix on every line
        if args.only and args.only not in name:
            continue
        for command in ("check", "fix"):
            with tempfile.TemporaryDirectory() as tmp:
                site = Path(tmp)
                (site / "_config.yml").write_text("title: hostile\n")
                (site / "_posts").mkdir()
                post = site / "_posts" / "2024-01-01-case.md"
                post.write_text(text, encoding="utf-8", newline="")
                print(_run(site, post, "off", len(text.encode()), f"{name} ({command})", command), flush=True)
    for name, make in FILES.items():
        if args.only and args.only not in name:
            continue
        for style in styles:
            with tempfile.TemporaryDirectory() as tmp:
                site = Path(tmp)
                (site / "_config.yml").write_text("title: hostile\n")
                (site / "_posts").mkdir()
                (site / "_posts" / "2024-01-02-ok.md").write_text(FM + "Text.\n")
                target = make(site)
                print(_run(site, target, style, 0, name), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
