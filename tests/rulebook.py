"""Read the examples of the rule book (rules/RLnnn-name.md) so the tests can run them.

An example is a `### Bad: ...` or `### Good: ...` section holding:
- optional `Path: _posts/...` (default `_posts/2024-01-15-example.md`),
- optional `Responses: URL=404; URL=301 TARGET; ...` (how the web answers those URLs: the
  example then runs with `--links all` against a mock transport, offline),
- optional `Options: {"fields": ["tags"]}` (the rule's options, JSON) and `Site config: {future: true}`
  (added to the example site's `_config.yml`, a YAML flow mapping),
- optional `Site files: a, b` (created in a temporary site beside the post: empty, but files
  under `_includes/` render an `<img>` from their `src` parameter, and posts and drafts have a
  title made from their slug),
- a ````markdown fence with the post,
- for bad examples, a ```text fence with the expected `line:column` of each problem
  (`path:line:column` for a problem on another file of the site),
- optional `No final newline.` (the post's last newline is dropped),
- optionally `Fixed:` (or `Fixed (unsafe):`) and a ````markdown fence with the text after
  `reinvent-lint fix` (with `--unsafe-fixes`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
_FENCE = re.compile(r"^(`{3,})(\w*)[^\n]*\n(.*?)^\1[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass
class Example:
    page: str
    code: str
    kind: str  # "bad" or "good"
    title: str
    post: str
    path: str = "_posts/2024-01-15-example.md"
    site_files: list[str] = field(default_factory=list)
    expected: list[tuple[str, int, int]] = field(default_factory=list)  # path ("" = the post), line, column
    fixed: str | None = None
    unsafe: bool = False  # the fixed text is what `fix --unsafe-fixes` gives
    responses: dict[str, str] = field(default_factory=dict)  # URL -> "404" or "301 https://..."
    options: dict[str, object] = field(default_factory=dict)  # the rule's options (JSON)
    site_config: str = ""  # extra _config.yml (a YAML flow mapping)

    @property
    def id(self) -> str:
        return f"{self.code}-{self.kind}-{re.sub(r'[^a-z0-9]+', '-', self.title.lower()).strip('-')}"


def _sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) for each `### ` heading outside fenced examples."""
    fenced = [(m.start(), m.end()) for m in _FENCE.finditer(text)]
    starts = [
        m for m in re.finditer(r"^### (.*)$", text, re.MULTILINE) if not any(a <= m.start() < b for a, b in fenced)
    ]
    return [
        (m.group(1), text[m.end() : nxt.start() if nxt else len(text)]) for m, nxt in zip(starts, [*starts[1:], None])
    ]


def _position(entry: str) -> tuple[str, int, int]:
    """`line:col` for the example post, or `path:line:col` for another file of the site."""
    parts = entry.split(":")
    path = ":".join(parts[:-2])
    return (path, int(parts[-2]), int(parts[-1]))


def pages() -> list[Path]:
    return sorted(RULES_DIR.glob("RL[0-9][0-9][0-9]-*.md"))


def examples() -> list[Example]:
    found = []
    for page in pages():
        code = page.name.split("-", 1)[0]
        text = page.read_text(encoding="utf-8")
        for heading, body in _sections(text):
            m = re.match(r"(Bad|Good): (.+)", heading)
            if not m:
                continue
            fences = list(_FENCE.finditer(body))
            posts = [f for f in fences if f.group(2) == "markdown"]
            texts = [f for f in fences if f.group(2) == "text"]
            example = Example(page.name, code, m.group(1).lower(), m.group(2).strip(), posts[0].group(3))
            path = re.search(r"^Path: (\S+)", body, re.MULTILINE)
            if path:
                example.path = path.group(1)
            responses = re.search(r"^Responses: (.+)$", body, re.MULTILINE)
            if responses:
                example.responses = dict(
                    item.strip().split("=", 1) for item in responses.group(1).split(";") if item.strip()
                )
            options = re.search(r"^Options: (.+)$", body, re.MULTILINE)
            if options:
                example.options = json.loads(options.group(1))
            site_config = re.search(r"^Site config: (.+)$", body, re.MULTILINE)
            if site_config:
                example.site_config = site_config.group(1)
            files = re.search(r"^Site files: (.+)$", body, re.MULTILINE)
            if files:
                example.site_files = [f.strip() for f in files.group(1).split(",") if f.strip()]
            if texts:
                example.expected = [_position(line) for line in texts[0].group(3).split()]
            if re.search(r"^No final newline\.$", body, re.MULTILINE):
                example.post = example.post[:-1]
            if re.search(r"^Fixed( \(unsafe[^)]*\))?:", body, re.MULTILINE) and len(posts) > 1:
                example.fixed = posts[1].group(3)
                example.unsafe = "\nFixed (unsafe" in body
            found.append(example)
    return found
