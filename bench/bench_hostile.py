"""Time reinvent-lint on pathological posts, one process each (`--style off`), to show that the
work stays linear: a 20 MB post, a 1 MB line, deep nesting, long runs of brackets, many headings.

Run:  python bench/bench_hostile.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FM = "---\ntitle: x\n---\n\n"
PARAGRAPH = "Some paragraph text with a [link](https://example.com/x) and `code`.\n\n"
CASES = {
    "20 MB post": FM + PARAGRAPH * 280_000,
    "2 MB post": FM + PARAGRAPH * 28_000,
    "1 MB single line": FM + "word " * 200_000 + "\n",
    "10,000 nested lists": FM + "- " * 10_000 + "deep\n",
    "10,000 nested quotes": FM + ">" * 10_000 + " deep\n",
    "50,000 [": FM + "[" * 50_000 + "\n",
    "50,000 (": FM + "(" * 50_000 + "\n",
    "50,000 backticks": FM + "`" * 50_000 + "\n",
    "10,000 headings": FM + "".join(f"# Heading {i}\n\ntext\n\n" for i in range(10_000)),
}
# Checked, then fixed (one process each): a Liquid tag and a fixable trailing space on every line
# (the protected-range look-ups of the fix engine must stay logarithmic; target <= 2 s each).
LIQUID_LINES = FM + "".join(f"Line {i} with {{{{ page.title }}}} in it. \n" for i in range(16_000))
FIX_CASES = {"16,000 lines, Liquid + fix each": LIQUID_LINES}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        (site / "_config.yml").write_text("title: hostile\n")
        (site / "_posts").mkdir()
        runs = [(name, text, "check") for name, text in CASES.items()]
        runs += [
            (f"{name} ({command})", text, command) for name, text in FIX_CASES.items() for command in ("check", "fix")
        ]
        for i, (name, text, command) in enumerate(runs):
            post = site / "_posts" / f"2024-01-{i + 1:02d}-case.md"
            post.write_text(text, encoding="utf-8")
            start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "reinvent_lint", command, "--style", "off", str(post)],
                                    cwd=site, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
            err = proc.stderr.read() if proc.stderr else ""
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - start
            code = os.waitstatus_to_exitcode(status)
            crash = " TRACEBACK" if "Traceback" in err else ""
            print(
                f"{name:40} {len(text) / 1e6:6.2f} MB  {elapsed:6.2f} s  "
                f"{usage.ru_maxrss // 1024:5d} MB peak  exit {code}{crash}"
            )
            post.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
