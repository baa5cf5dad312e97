"""The program's exit (exiting.py): no interpreter teardown, nothing lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)  # fmt: skip


def test_buffered_output_and_atexit_handlers_survive_the_exit(tmp_path: Path) -> None:
    script = (
        "import atexit, sys\n"
        "from reinvent_lint.exiting import exit_now\n"
        "atexit.register(lambda: open('handler-ran', 'w').close())\n"
        "sys.stdout.write('x' * 100_000 + '\\nend\\n')\n"  # more than the buffer, the rest unflushed
        "sys.stderr.write('to stderr\\n')\n"
        "exit_now(3)\n"
    )
    done = _run(script, tmp_path)
    assert done.returncode == 3
    assert done.stdout == "x" * 100_000 + "\nend\n"
    assert done.stderr == "to stderr\n"
    assert (tmp_path / "handler-ran").exists()


def test_a_running_thread_is_waited_for(tmp_path: Path) -> None:
    """With another thread running, the normal exit is kept: the thread finishes its work."""
    script = (
        "import threading, time\n"
        "from reinvent_lint.exiting import exit_now\n"
        "def work():\n"
        "    time.sleep(0.3)\n"
        "    open('thread-done', 'w').close()\n"
        "threading.Thread(target=work).start()\n"
        "exit_now(0)\n"
    )
    done = _run(script, tmp_path)
    assert done.returncode == 0
    assert (tmp_path / "thread-done").exists()


def test_the_program_exits_with_its_whole_report(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "_posts").mkdir()
    for i in range(60):  # enough posts for the workers
        (tmp_path / "_posts" / f"2024-01-{1 + i % 28:02d}-p{i}.md").write_text(
            "---\ntitle: T\n---\n\nSome teh words.\n"
        )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "reinvent_lint", "check", "--no-cache", "--format", "json"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0  # misspellings are warnings: the run passes
    import json

    assert len([p for p in json.loads(done.stdout)["problems"] if p["code"] == "RL501"]) == 60
