from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reinvent_lint.config import build_config
from reinvent_lint.document import Document
from reinvent_lint.engine import PARALLEL_THRESHOLD, Linter
from reinvent_lint.fixer import fix_document
from reinvent_lint.problem import Fix, Safety
from reinvent_lint.rule import Context, rule
from reinvent_lint.rules import RegistryError, builtin_rules, registry

from .conftest import linter_for, write_site

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
FIXTURE_SITE = Path(__file__).parent / "fixtures" / "site"


def test_parallel_run_matches_serial_run(tmp_path: Path) -> None:
    posts = {
        f"_posts/2024-01-01-p{i}.md": f"---\ntitle: P{i}\n---\n\n# A\n\n# B {i}\n\nText. \n"
        for i in range(PARALLEL_THRESHOLD + 2)
    }
    write_site(tmp_path, posts)
    linter = linter_for(tmp_path)
    serial = linter.check_paths([], jobs=1)
    parallel = linter.check_paths([], jobs=2)
    assert serial.files == parallel.files == len(posts)
    assert serial.problems == parallel.problems and len(serial.problems) == 2 * len(posts)


def test_realistic_fixture_site_is_clean_with_every_rule_on() -> None:
    report = linter_for(FIXTURE_SITE, select=["ALL"]).check_paths([])
    assert report.files >= 9 and not report.errors
    assert report.problems == []


def test_site_wide_findings_follow_the_checked_files(tmp_path: Path) -> None:
    write_site(tmp_path, {
        "_posts/2024-01-01-a.md": "---\ntitle: A\npermalink: /same/\n---\n\nText.\n",
        "_posts/2024-01-02-b.md": "---\ntitle: B\npermalink: /same/\n---\n\nText.\n",
        "_posts/2024-01-03-c.md": "---\ntitle: C\n---\n\nText.\n",
    })  # fmt: skip
    linter = linter_for(tmp_path, select=["duplicate-permalink"])
    assert [p.path for p in linter.check_paths([]).problems] == ["_posts/2024-01-01-a.md", "_posts/2024-01-02-b.md"]
    assert [p.path for p in linter.check_paths([tmp_path / "_posts/2024-01-02-b.md"]).problems] == [
        "_posts/2024-01-02-b.md"
    ]
    assert linter.check_paths([tmp_path / "_posts/2024-01-03-c.md"]).problems == []


def test_registry_refuses_duplicate_codes() -> None:
    clash = rule("RL301", "my-empty-section", "dup")(lambda ctx: iter(()))
    with pytest.raises(RegistryError, match="clashes with RL301 empty-section"):
        registry([*builtin_rules(), clash])


def test_a_crashing_rule_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    def boom(ctx: Context):  # type: ignore[no-untyped-def]
        raise ValueError("bad rule")

    broken = rule("RL990", "broken", "crashes")(boom)
    rules = [*builtin_rules(), broken]
    write_site(tmp_path, {"_posts/2024-01-01-a.md": "---\ntitle: x\n---\n\nText.\n"})
    report = Linter(build_config({}, rules), rules, tmp_path).check_paths([])
    assert [e.message for e in report.errors] == ["internal error in rule RL990 broken: ValueError: bad rule"]


def test_unsafe_fixes_are_counted_not_applied() -> None:
    unsafe = rule("RL991", "shout", "unsafe example", fixable=True)(
        lambda ctx: [ctx.problem(ctx.doc.body_offset, "m", fix=Fix.replace(ctx.doc.body_offset, ctx.doc.body_offset + 4, "TEXT", safety=Safety.UNSAFE))]
        if ctx.doc.text[ctx.doc.body_offset:].startswith("text") else []
    )  # fmt: skip
    rules = [*builtin_rules(), unsafe]
    linter = Linter(build_config({}, rules), rules)
    doc = Document("_posts/2024-01-01-a.md", "---\ntitle: x\n---\ntext\n", kind="post")
    check = lambda d: linter.check_document(d, linter.site_for(Path.cwd()), d.path)[0]
    safe_only = fix_document(doc, check)
    assert not safe_only.changed and safe_only.unsafe_skipped == 1
    assert fix_document(doc, check, unsafe=True).text.endswith("TEXT\n")


# The seed posts of the brief, when present beside the repository (CI has them; a user's
# clone does not). Expected: every empty section and heading defect, and nothing else.
SEED_POSTS = {
    "000_563bbef3e536309c.txt": ("2023-12-01-reinvent-2023-draft.md", []),
    "001_0b1481b8682c2405.txt": ("2023-12-11-aws-reinvent-2023.md", []),
    "002_0802cef6f0d60250.txt": ("2022-12-12-aws-reinvent-2022.md", []),
    "003_16bbe3515b67345b.txt": ("2024-12-01-reinvent-2024-draft.md", [(126, "RL301"), (128, "RL301"), (129, "RL301")]),
    "004_248c95031c41b6f9.txt": ("2024-12-20-aws-reinvent-2024.md", [(128, "RL204"), (371, "RL301"), (373, "RL301")]),
}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this clone")
def test_seed_posts_headings_and_sections(tmp_path: Path) -> None:
    write_site(tmp_path, {"_topics/aws.md": "---\ntitle: aws\n---\n"})
    (tmp_path / "_posts").mkdir()
    for seed, (name, _) in SEED_POSTS.items():
        shutil.copy(SEEDS / seed, tmp_path / "_posts" / name)
    linter = linter_for(tmp_path, select=["RL201", "RL202", "RL203", "RL204", "RL205", "RL206", "RL301"])
    report = linter.check_paths([])
    assert not report.errors
    for _, (name, expected) in SEED_POSTS.items():
        found = [(p.line, p.code) for p in report.problems if p.path.endswith(name) and p.code.startswith("RL")]
        assert found == expected, name
