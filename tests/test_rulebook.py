"""Run every example of the rule book: each page's bad examples report exactly the stated
positions for that rule, good examples report nothing, and fixed texts are what `fix` gives."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from reinvent_lint.document import Document
from reinvent_lint.external import occurrences
from reinvent_lint.fixer import fix_document
from reinvent_lint.rules import builtin_rules

from .conftest import linter_for, write_site
from .rulebook import Example, examples, pages

EXAMPLES = examples()
INCLUDE_TEMPLATE = '<figure><img src="{{ include.src | relative_url }}" alt="{{ include.alt }}"></figure>\n'


def _site_file(rel: str) -> str:
    """Site files are empty, but for include templates (they render an image from `src`) and
    posts and drafts (front matter with a title made from the slug: `2024-02-01-notes.md` is
    titled "Notes")."""
    if rel.startswith("_includes/"):
        return INCLUDE_TEMPLATE
    if rel.startswith(("_posts/", "_drafts/")):
        slug = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", Path(rel).stem)
        return f"---\ntitle: {slug.replace('-', ' ').capitalize()}\n---\n\nText.\n"
    return ""


def _mock_the_web(linter, responses: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Answer the example's URLs from its `Responses:` line; nothing leaves the machine."""
    import httpx

    def handle(request: httpx.Request) -> httpx.Response:
        answer = responses.get(str(request.url), "200").split()
        headers = {"Location": answer[1]} if len(answer) > 1 else {}
        return httpx.Response(int(answer[0]), headers=headers)

    async def resolve(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]  # a public address; never contacted: the transport answers

    linter.transport = httpx.MockTransport(handle)
    linter.resolver = resolve
    linter.use_link_cache = False


def _run(example: Example, tmp_path: Path):
    files = {f: _site_file(f) for f in example.site_files}
    files[example.path] = example.post
    if example.site_config:
        files["_config.yml"] = "title: Test blog\n" + "".join(
            f"{k}: {json.dumps(v)}\n" for k, v in yaml.safe_load(example.site_config).items()
        )
    write_site(tmp_path, files)
    raw: dict = {"rules": {example.code: {"enabled": True, **example.options}}}
    if example.responses:
        raw["links"] = {"mode": "all", "retries": 0}
    linter = linter_for(tmp_path, select=[example.code], raw=raw)
    if example.responses:
        _mock_the_web(linter, example.responses)
    site_wide = next(r for r in builtin_rules() if r.code == example.code).site_wide
    return linter, linter.check_paths([] if site_wide else [tmp_path / example.path])


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_example(example: Example, tmp_path: Path) -> None:
    linter, report = _run(example, tmp_path)
    assert not report.errors
    found = [
        ("" if p.path == example.path else p.path, p.line, p.column) for p in report.problems if p.code == example.code
    ]
    if example.kind == "good":
        assert found == []
    else:
        assert found == example.expected
    if example.fixed is not None:
        site = linter.site_for(tmp_path / example.path)
        doc = Document(example.path, example.post, kind=site.kind_of(example.path))

        def check(d: Document) -> list:  # type: ignore[type-arg]
            problems = linter.check_document(d, site, example.path)[0]
            if example.responses:  # external links: checked like `fix` does, here against the mock
                problems += linter.link_problems(occurrences(d), site.root)[0]
            return problems

        result = fix_document(doc, check, unsafe=example.unsafe)
        assert result.text == example.fixed


def test_every_rule_has_a_page_with_bad_and_good_examples() -> None:
    codes = {p.name.split("-", 1)[0]: p.name for p in pages()}
    for rule in builtin_rules():
        assert rule.code in codes, f"no page for {rule.label}"
        assert codes[rule.code] == f"{rule.code}-{rule.name}.md"
        kinds = {e.kind for e in EXAMPLES if e.code == rule.code}
        if rule.code != "RL001":
            assert kinds == {"bad", "good"}, f"{rule.label} needs bad and good examples"
