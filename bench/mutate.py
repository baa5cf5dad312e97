"""A tiny AST mutation tester: how many small changes to a module do the tests notice?

Each mutant changes one thing (a comparison `<` to `<=`, `==` to `!=`, `in` to `not in`, `and`
to `or`, `+` to `-`, an integer n to n + 1, True to False, drops a `not`), in a copy of the
package under /tmp; the given tests run against it (`pytest -x`, with a timeout). A mutant the
tests fail on is killed. Docstrings and other strings are never mutated.

Run:  python bench/mutate.py reinvent_lint/fixer.py tests/test_fixer.py tests/test_fix_engine.py
      python bench/mutate.py reinvent_lint/jekyll tests/test_jekyll_*.py -- -m "not skipif"
MODULE may be a package folder: each of its modules is mutated, and the score is reported per
module and for the package. Arguments after `--` go to pytest (`-m "not skipif"` leaves out the
tests that need an installed tool, such as the ones that build a site with real Jekyll).
Options: --jobs N (parallel mutants), --show (print the surviving mutants with their line),
--sample N --seed S (a seeded random sample of N mutants: each score is then an estimate, printed
with its 95% Wilson interval), --equivalent FILE (mutants judged equivalent, listed apart: they
still count as survivors).
"""

from __future__ import annotations

import argparse
import ast
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SWAPS: dict[type, type] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.And: ast.Or, ast.Or: ast.And,
    ast.Add: ast.Sub, ast.Sub: ast.Add,
}  # fmt: skip


class Mutator(ast.NodeTransformer):
    """Applies mutation number `target` (counting every mutable point in source order)."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.count = 0
        self.description = ""

    def _hit(self, node: ast.AST, what: str) -> bool:
        hit = self.count == self.target
        if hit:
            self.description = f"line {getattr(node, 'lineno', '?')}: {what}"
        self.count += 1
        return hit

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            if type(op) in SWAPS and self._hit(node, f"{type(op).__name__} -> {SWAPS[type(op)].__name__}"):
                node.ops[i] = SWAPS[type(op)]()
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        if self._hit(node, f"{type(node.op).__name__} -> {SWAPS[type(node.op)].__name__}"):
            node.op = SWAPS[type(node.op)]()
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if type(node.op) in SWAPS and self._hit(node, f"{type(node.op).__name__} -> {SWAPS[type(node.op)].__name__}"):
            node.op = SWAPS[type(node.op)]()
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not) and self._hit(node, "drop `not`"):
            return node.operand
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, bool):
            if self._hit(node, f"{node.value} -> {not node.value}"):
                return ast.copy_location(ast.Constant(not node.value), node)
        elif isinstance(node.value, int) and self._hit(node, f"{node.value} -> {node.value + 1}"):
            return ast.copy_location(ast.Constant(node.value + 1), node)
        return node

    def visit_Expr(self, node: ast.Expr) -> ast.AST:
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return node  # a docstring
        return self.generic_visit(node)


def count_mutants(source: str) -> int:
    counter = Mutator(-1)
    counter.visit(ast.parse(source))
    return counter.count


def mutant(source: str, index: int) -> tuple[str, str]:
    """(description, mutated source) of mutant `index` of `source`; the description names the
    line and quotes it, so a survivor can be found (and recognised after lines move)."""
    mutator = Mutator(index)
    mutated = mutator.visit(ast.parse(source))
    line = int(mutator.description.split(":", 1)[0].removeprefix("line "))
    lines = source.splitlines()
    quoted = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return f"{mutator.description}  | {quoted}", ast.unparse(ast.fix_missing_locations(mutated))


def mutants(source: str) -> list[tuple[str, str]]:
    """Every mutant of `source`, in order."""
    return [mutant(source, i) for i in range(count_mutants(source))]


def run_one(index: int, module: Path, text: str, tests: list[str], timeout: int) -> bool:
    """True when the tests kill the mutant."""
    with tempfile.TemporaryDirectory(prefix=f"mutant-{index}-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "reinvent_lint", work / "reinvent_lint")
        shutil.copytree(ROOT / "tests", work / "tests")
        shutil.copy(ROOT / "pyproject.toml", work / "pyproject.toml")
        if (ROOT / "examples").is_dir():
            shutil.copytree(ROOT / "examples", work / "examples")
        (work / module).write_text(text, encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(work), "REINVENT_LINT_CACHE_DIR": str(work / "cache")}
        try:
            result = subprocess.run(
                [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                cwd=work, env=env, capture_output=True, timeout=timeout, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return True  # an endless loop is noticed
        if index < 0 and result.returncode != 0:
            out = (result.stdout + result.stderr).decode(errors="replace").strip().splitlines()
            raise SystemExit(f"the tests fail without a mutant ({result.returncode}): {out[-1] if out else ''}")
        return result.returncode != 0  # a failure, or an import error at collection (2, 4)


def wilson(killed: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion, in percent."""
    if total == 0:
        return (0.0, 100.0)
    p = killed / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return (100 * max(0.0, centre - half), 100 * min(1.0, centre + half))


def score_line(name: str, total: int, tried: int, killed: int) -> str:
    """One report line; with a sample, the estimate and its 95% interval."""
    if tried == total:
        return f"{name}: {total} mutants, {killed} killed, score {100 * killed / max(total, 1):.0f}%"
    low, high = wilson(killed, tried)
    return (
        f"{name}: {total} mutants, sample of {tried}: {killed} killed, estimated score "
        f"{100 * killed / max(tried, 1):.0f}% (95% interval {low:.0f}-{high:.0f}%)"
    )


def modules_of(target: Path) -> list[Path]:
    """The module itself, or every module of a package folder that has something to mutate."""
    if not (ROOT / target).is_dir():
        return [target]
    return sorted(p.relative_to(ROOT) for p in (ROOT / target).glob("*.py") if p.name != "__init__.py")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("module", type=Path, help="a module, or a package folder")
    parser.add_argument("tests", nargs="+", help="test files; after `--`, any pytest option")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=240)
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--sample", type=int, default=0, help="run a random sample of this many mutants")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--equivalent", type=Path, help="file of survivors judged equivalent")
    args = parser.parse_args()
    modules = modules_of(args.module)
    sources = {module: (ROOT / module).read_text(encoding="utf-8") for module in modules}
    work = [(module, i) for module in modules for i in range(count_mutants(sources[module]))]
    made: dict[int, tuple[str, str]] = {}  # built only for the mutants that run

    def run(i: int) -> bool:
        module, index = work[i]
        made[i] = mutant(sources[module], index)
        return run_one(i, module, made[i][1], args.tests, args.timeout)

    # The tests must pass on the package as it is, or every mutant "dies".
    run_one(-1, modules[0], (ROOT / modules[0]).read_text(encoding="utf-8"), args.tests, args.timeout)
    chosen = list(range(len(work)))
    if 0 < args.sample < len(work):
        chosen = sorted(random.Random(args.seed).sample(chosen, args.sample))
    with ThreadPoolExecutor(args.jobs) as pool:
        killed = dict(zip(chosen, pool.map(run, chosen)))
    equivalent = _equivalent(args.equivalent)
    for module in modules:
        mine = [i for i in range(len(work)) if work[i][0] == module]
        tried = [i for i in mine if i in killed]
        print(score_line(str(module), len(mine), len(tried), sum(killed[i] for i in tried)))
        for i in tried if args.show else ():
            if not killed[i]:
                reason = equivalent.get((module.name, _quoted_change(made[i][0])))
                print(f"  survived: {made[i][0]}" + (f"\n    equivalent: {reason}" if reason else ""))
    if len(modules) > 1:
        print(score_line(f"{args.module} (all)", len(work), len(killed), sum(killed.values())))
    return 0


def _quoted_change(description: str) -> str:
    """A survivor without its line number: "Lt -> LtE  | if a < b:" """
    return description.split(": ", 1)[1]


def _equivalent(path: Path | None) -> dict[tuple[str, str], str]:
    """(module file name, change and line) -> why the mutant cannot change behaviour. The file has
    blocks of three lines: `module.py`, the survivor as --show prints it without `line N: `, and
    the reason; blank lines and lines starting with `#` separate them."""
    if path is None:
        return {}
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return {(lines[i].strip(), lines[i + 1].strip()): lines[i + 2].strip() for i in range(0, len(lines) - 2, 3)}


if __name__ == "__main__":
    sys.exit(main())
