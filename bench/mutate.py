"""A tiny AST mutation tester: how many small changes to a module do the tests notice?

Each mutant changes one thing (a comparison `<` to `<=`, `==` to `!=`, `in` to `not in`, `and`
to `or`, `+` to `-`, an integer n to n + 1, True to False, drops a `not`), in a copy of the
package under /tmp; the given tests run against it (`pytest -x`, with a timeout). A mutant the
tests fail on is killed. Docstrings and other strings are never mutated.

Run:  python bench/mutate.py reinvent_lint/fixer.py tests/test_fixer.py tests/test_fix_engine.py
Options: --jobs N (parallel mutants), --show (print the surviving mutants).
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
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


def mutants(source: str) -> list[tuple[str, str]]:
    tree = ast.parse(source)
    counter = Mutator(-1)
    counter.visit(copy.deepcopy(tree))
    found = []
    for i in range(counter.count):
        mutator = Mutator(i)
        mutated = mutator.visit(copy.deepcopy(tree))
        found.append((mutator.description, ast.unparse(ast.fix_missing_locations(mutated))))
    return found


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
        return result.returncode != 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("module", type=Path)
    parser.add_argument("tests", nargs="+")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=240)
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    found = mutants((ROOT / args.module).read_text(encoding="utf-8"))
    with ThreadPoolExecutor(args.jobs) as pool:
        killed = list(
            pool.map(lambda im: run_one(im[0], args.module, im[1][1], args.tests, args.timeout), enumerate(found))
        )
    survivors = [description for (description, _), dead in zip(found, killed) if not dead]
    score = 100 * (len(found) - len(survivors)) / max(len(found), 1)
    print(f"{args.module}: {len(found)} mutants, {len(found) - len(survivors)} killed, score {score:.0f}%")
    if args.show:
        for description in survivors:
            print(f"  survived: {description}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
