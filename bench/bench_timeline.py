"""A timeline of one whole-blog `check` (issue 18's cold run): what runs in the main process
alone, when the workers start and end, and what each process spends (CPU time).

Run:  python bench/bench_timeline.py --blog ../shared/corpus/artsy [--runs 5] [--args=--no-cache]

The blog is copied to a temporary folder; before each run its result cache is cleared (a cold
run, as bench_check.py's), unless --args holds --no-cache. Each run happens in a child process
that marks (perf_counter, and the process's os.times) the start and end of the pipeline's
steps and of each worker's first and last document; the printout gives each mark's median
time from the program's start, the main process's CPU and each worker's. Wall times are only
meaningful on a quiet machine; the CPU figures less so, but stay comparable when it is shared.
Marks whose function a later change renamed are left out, with a note.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (module, function): marked at entry (>) and exit (<)
STEPS = [
    ("reinvent_lint.cli", "_run_linter"),
    ("reinvent_lint.engine", "Linter.targets"),
    ("reinvent_lint.pipeline", "_read_slots"),
    ("reinvent_lint.pipeline", "_read_unparsed"),
    ("reinvent_lint.pipeline", "_site_phase"),
    ("reinvent_lint.pipeline", "prepare_sites"),
    ("reinvent_lint.pipeline", "_import_parsers"),
    ("reinvent_lint.pipeline", "map_units"),
    ("reinvent_lint.pipeline", "_prepare_entries"),
    ("reinvent_lint.pipeline", "_finish_cached"),
    ("reinvent_lint.pipeline", "_store"),
    ("reinvent_lint.cli", "_emit"),
    ("reinvent_lint.cli", "_record"),
]


def _trace(log: str, argv: list[str]) -> None:
    """In the child: mark the steps, run the CLI as `reinvent-lint` runs, mark its end."""
    import functools
    import importlib

    def mark(what: str) -> None:
        times = os.times()
        with open(f"{log}.{os.getpid()}", "a") as handle:
            handle.write(f"{time.perf_counter()}\t{times.user + times.system}\t{what}\n")

    mark("start")
    from reinvent_lint import cli, workers

    mark("imported")
    missing = []
    for module_name, name in STEPS:
        owner: object = importlib.import_module(module_name)
        *path, attr = name.split(".")
        for part in path:
            owner = getattr(owner, part)
        real = getattr(owner, attr, None)
        if real is None:
            missing.append(name)
            continue

        def wrapped(*args: object, _real: object = real, _name: str = name, **kwargs: object) -> object:
            mark(f"> {_name}")
            try:
                return _real(*args, **kwargs)  # type: ignore[operator]
            finally:
                mark(f"< {_name}")

        setattr(owner, attr, functools.wraps(real)(wrapped))
    send = workers._send
    first: list[bool] = []

    def sent(fd: int, index: int, payload: bytes) -> None:
        send(fd, index, payload)
        if not first:
            first.append(True)
            mark("worker: first document")
        mark("worker: document")

    workers._send = sent
    if missing:
        mark("missing " + ",".join(missing))
    sys.argv = ["reinvent-lint", *argv]
    code = cli.main(settle=True, record=True)
    mark("main returned")
    from reinvent_lint.exiting import exit_now

    exit_now(code)


def _run(site: Path, args: list[str], log: str) -> dict[str, dict[str, float]]:
    """One traced run: {process: {mark: ms since the run began}} and CPU seconds as '@cpu'."""
    for old in Path(log).parent.glob(Path(log).name + ".*"):
        old.unlink()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BENCH_TIMELINE_LOG": log}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, *args], cwd=site, env=env, stdout=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    ended = time.perf_counter()
    processes: dict[str, dict[str, float]] = {}
    main_pid = str(proc.pid)
    for path in Path(log).parent.glob(Path(log).name + ".*"):
        pid = path.suffix[1:]
        marks: dict[str, float] = {}
        for line in path.read_text().splitlines():
            at, cpu, what = line.split("\t")
            if what == "worker: document":
                marks["worker: last document"] = (float(at) - began) * 1000
                marks["@cpu"] = float(cpu)
            elif what.startswith("missing "):
                print(f"note: not marked (renamed?): {what[8:]}")
            else:
                marks.setdefault(what, (float(at) - began) * 1000)  # the first call of a step
                if what.startswith("<"):
                    marks[what] = (float(at) - began) * 1000  # its last end
                marks["@cpu"] = float(cpu)
        processes["main" if pid == main_pid else f"w{pid}"] = marks
    processes["main"]["exit"] = (ended - began) * 1000
    processes["main"]["@cpu-all"] = usage.ru_utime + usage.ru_stime
    return processes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--blog", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--args", default="", help="more `check` arguments, e.g. --args=--no-cache")
    options = parser.parse_args()
    args = ["check", "--links", "off", *shlex.split(options.args)]
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "blog"
        shutil.copytree(options.blog, site, ignore=shutil.ignore_patterns(".reinvent-lint-cache", ".git"))
        runs = []
        for _ in range(options.runs):
            if "--no-cache" not in args:
                shutil.rmtree(site / ".reinvent-lint-cache", ignore_errors=True)
            runs.append(_run(site, args, str(Path(tmp) / "marks")))
    main_marks = sorted(runs[0]["main"], key=lambda m: runs[0]["main"][m])
    print(f"{' '.join(args)} on {options.blog}, medians of {len(runs)} runs (ms from the program's start)")
    for mark in main_marks:
        if mark.startswith("@"):
            continue
        values = [r["main"][mark] for r in runs if mark in r["main"]]
        print(f"{statistics.median(values):8.1f}  {mark}")
    workers = [[m for p, m in r.items() if p != "main"] for r in runs]
    if workers[0]:
        firsts = [min(w["worker: first document"] for w in ws) for ws in workers]
        lasts = [[w["worker: last document"] for w in ws] for ws in workers]
        last = statistics.median(max(x) for x in lasts)
        spread = statistics.median(max(x) - min(x) for x in lasts)
        print(f"workers: {len(workers[0])}; first document sent at {statistics.median(firsts):.1f} ms; "
              f"last at {last:.1f} ms; their last documents {spread:.1f} ms apart")  # fmt: skip
        cpu = [sum(w["@cpu"] for w in ws) for ws in workers]
        print(f"CPU: workers {statistics.median(cpu):.3f} s together", end="; ")
    print(f"main process {statistics.median(r['main']['@cpu'] for r in runs):.3f} s; "
          f"the whole run {statistics.median(r['main']['@cpu-all'] for r in runs):.3f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    log = os.environ.get("BENCH_TIMELINE_LOG")
    if log:
        _trace(log, sys.argv[1:])
    sys.exit(main())
