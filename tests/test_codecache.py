"""codecache.py: the code dataclasses generates is compiled once across runs, and the classes
made with the stored code behave exactly as those made without it."""

from __future__ import annotations

import dataclasses
import json
import marshal
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reinvent_lint import codecache

REPO = Path(__file__).resolve().parents[1]


def _make() -> Any:
    """A frozen, ordered dataclass with defaults, a factory and an annotation the generated
    __init__ reads (its annotations are evaluated, as in dataclasses.py: no `annotations` future)."""

    @dataclasses.dataclass(frozen=True, order=True)
    class Point:
        x: int
        y: int = 0
        tags: tuple[str, ...] = dataclasses.field(default_factory=tuple, compare=False)

    return Point


def _behaviour(cls: Any) -> tuple[Any, ...]:
    a, b = cls(1, 2, ("t",)), cls(1, 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.x = 5
    return (repr(a), a == cls(1, 2), a < b, hash(a) == hash(cls(1, 2)), dataclasses.astuple(b),
            {k: str(v) for k, v in cls.__init__.__annotations__.items()})  # fmt: skip


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REINVENT_LINT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_classes_made_with_stored_code_behave_as_without(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _behaviour(_make())
    with codecache.cached():
        first = _behaviour(_make())
    assert list(cache.glob("dataclass-code-*.marshal"))  # compiled, then kept
    compiled: list[str] = []
    real = compile

    def counted(source: Any, *args: Any, **kwargs: Any) -> Any:
        compiled.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr("builtins.compile", counted)
    with codecache.cached():
        second = _behaviour(_make())
    monkeypatch.undo()
    assert compiled == []  # the next run compiled nothing: every source was stored
    assert first == plain and second == plain
    assert "exec" not in vars(dataclasses)  # the built-in is dataclasses' own again


def test_a_corrupt_or_foreign_store_is_rebuilt(cache: Path) -> None:
    plain = _behaviour(_make())
    with codecache.cached():
        _make()
    (stored,) = cache.glob("dataclass-code-*.marshal")
    for data in (b"not marshal", b"\xe3garbage", stored.read_bytes()[:100], marshal.dumps(("3.0", {}))):
        stored.write_bytes(data)
        with codecache.cached():
            assert _behaviour(_make()) == plain
        assert codecache._load(str(stored))  # written whole again


def test_without_a_cache_folder_nothing_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REINVENT_LINT_CACHE_DIR", "off")
    with codecache.cached():
        assert "exec" not in vars(dataclasses)
        _make()
    assert not list(tmp_path.rglob("dataclass-code-*"))


def test_the_program_stores_the_code_and_runs_the_same_with_it(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: Code\n")
    (root / "_posts" / "2024-03-01-one.md").write_text("---\ntitle: One\n---\n\nThe recieved value.\n")
    env = dict(os.environ, PYTHONPATH=str(REPO), REINVENT_LINT_CACHE_DIR=str(tmp_path / "cache"))
    runs = []
    for _ in range(2):
        proc = subprocess.run(
            [sys.executable, "-m", "reinvent_lint", "check", "--format", "json", "--no-cache", "_posts"],
            cwd=root, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr  # a misspelling is a warning
        runs.append(json.loads(proc.stdout))
    assert list((tmp_path / "cache").glob("dataclass-code-*.marshal"))
    assert runs[0] == runs[1] and [p["code"] for p in runs[1]["problems"]] == ["RL501"]
