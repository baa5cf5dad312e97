from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reinvent_lint.config import build_config
from reinvent_lint.engine import Linter
from reinvent_lint.rules import builtin_rules

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Tests never write to the user's cache: each session gets its own."""
    import os

    old = os.environ.get("REINVENT_LINT_CACHE_DIR")
    os.environ["REINVENT_LINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        del os.environ["REINVENT_LINT_CACHE_DIR"]
    else:
        os.environ["REINVENT_LINT_CACHE_DIR"] = old


def write_site(root: Path, files: dict[str, str | bytes]) -> Path:
    """A Jekyll site under `root` with a `_config.yml` unless one is given."""
    files = {"_config.yml": "title: Test blog\n", **files}
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def linter_for(root: Path, select: list[str] | None = None, raw: dict | None = None) -> Linter:
    rules = builtin_rules()
    config = build_config({**(raw or {}), **({"select": select} if select else {})}, rules)
    return Linter(config, rules, cwd=root)


@pytest.fixture
def site(tmp_path: Path):
    def make(files: dict[str, str | bytes]) -> Path:
        return write_site(tmp_path, files)

    return make


@contextlib.contextmanager
def in_folder(path: Path) -> Iterator[None]:
    """Run a block with `path` as the working directory (contextlib.chdir is 3.11+)."""
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run_cli(
    args: list[str], cwd: Path, capsys: pytest.CaptureFixture[str], env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """`reinvent-lint ARGS` in-process from `cwd`: (exit code, stdout, stderr)."""
    from reinvent_lint.cli import main

    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        with in_folder(cwd):
            code = main(args)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    out, err = capsys.readouterr()
    return code, out, err


def no_children_left() -> bool:
    """Every forked worker or helper ends: those still exiting after the run (workers._EXITING)
    are waited for."""
    from reinvent_lint import workers

    try:
        while True:
            pid, _ = os.waitpid(-1, 0)
            assert pid in workers._EXITING
            workers._EXITING.remove(pid)
    except ChildProcessError:
        return not workers._EXITING
