"""Differential tests: reinvent-lint's model of Jekyll against the real `jekyll build`.

Each case builds a tiny site with real Jekyll (tests/jekyll_site.py) and asserts both what Jekyll
did (the file it wrote, the log, a failed build) and what reinvent-lint's model or rules say, so a
disagreement fails. GitHub Pages runs Jekyll 3.9.5 and these cases assert only behaviour that 3.9
shares with 4.3: the code involved (document.rb's file-name matcher and `Time.parse` dates,
url_drop.rb's downcased categories and "pretty" slugs, publisher.rb, post_url.rb's PostComparer,
link.rb's relative-path comparison, the Liquid 4 parser's errors) reads the same in both.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from reinvent_lint.config import build_config
from reinvent_lint.engine import Linter
from reinvent_lint.problem import Problem, Severity
from reinvent_lint.rules import builtin_rules
from reinvent_lint.site import Site
from reinvent_lint.urls import link_problem, output_path, post_url_problem
from tests.jekyll_site import DEFAULT_CONFIG, Build, build, requires_jekyll

pytestmark = requires_jekyll


def post(title: str | None = "Post", body: str = "Body text.", **front: str) -> str:
    lines = [] if title is None else [f"title: {title}"]
    lines += [f"{k}: {v}" for k, v in front.items()]
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + body + "\n"


def lint(b: Build, *codes: str) -> list[Problem]:
    """reinvent-lint's findings of the given rules on the built site's source."""
    rules = builtin_rules()
    linter = Linter(build_config({"select": list(codes)}, rules), rules, cwd=b.source)
    report = linter.check_paths([b.source], jobs=1)
    assert not report.errors, report.errors
    return report.problems


def found(b: Build, rel: str, *codes: str) -> list[Problem]:
    return [p for p in lint(b, *codes) if p.path == rel]


def model(b: Build) -> Site:
    return Site(b.source)


def written(b: Build, marker: str) -> str:
    """The output file (site-relative) whose content holds `marker`."""
    hits = [rel for rel in b.outputs() if rel.endswith(".html") and marker in b.html(rel)]
    assert len(hits) == 1, (marker, hits, b.log)
    return hits[0]


# ----- URLs: where each post is written --------------------------------------------------
@dataclass
class UrlCase:
    id: str
    rel: str
    content: str
    config: str = ""  # extra _config.yml lines
    extra: dict[str, str] = field(default_factory=dict)


def _p(body: str = "", **front: str) -> str:
    return post(body=body, **front)


URL_CASES = [
    UrlCase("date-style", "_posts/2024-01-02-plain.md", _p()),
    UrlCase("pretty-style", "_posts/2024-01-02-plain.md", _p(), "permalink: pretty\n"),
    UrlCase("ordinal-style", "_posts/2024-02-03-plain.md", _p(), "permalink: ordinal\n"),
    UrlCase("none-style", "_posts/2024-01-02-plain.md", _p(categories="[news]"), "permalink: none\n"),
    UrlCase("template", "_posts/2024-01-02-plain.md", _p(), "permalink: /blog/:year/:title/\n"),
    UrlCase("template-no-ext", "_posts/2024-01-02-plain.md", _p(), "permalink: /blog/:title\n"),
    UrlCase("own-permalink", "_posts/2024-01-02-plain.md", _p(permalink="/special/place/")),
    UrlCase("categories-cased", "_posts/2024-01-02-cats.md", _p(categories="[Foo, Bar]")),
    UrlCase("category-string", "_posts/2024-01-02-cat.md", _p(categories="Alpha Beta")),
    UrlCase("category-singular", "_posts/2024-01-02-cat.md", _p(category="Tools")),
    UrlCase("dir-posts-category", "blog/_posts/2024-01-02-indir.md", _p()),
    UrlCase("dir-posts-plus-categories", "blog/_posts/2024-01-02-indir.md", _p(categories="[Extra]")),
    UrlCase("posts-subfolder-not-category", "_posts/sub/2024-01-02-insub.md", _p()),
    UrlCase("one-digit-month-day", "_posts/2024-1-5-digits.md", _p()),
    UrlCase("impossible-day-rolls-over", "_posts/2024-02-30-leap.md", _p()),
    UrlCase("tz-offset-next-day", "_posts/2024-03-01-tz.md", _p(date="2024-03-01 23:30:00 -0500")),
    UrlCase("tz-offset-previous-day", "_posts/2024-03-01-tz.md", _p(date="2024-03-01 01:30:00 +0300")),
    UrlCase("date-utc", "_posts/2024-03-01-utc.md", _p(date="2024-03-01 23:30:00 UTC")),
    UrlCase("date-overrides-name", "_posts/2024-03-01-moved.md", _p(date="2023-12-24")),
    UrlCase("timezone-config", "_posts/2024-03-01-tzc.md", _p(date="2024-03-01 23:30:00 +0000"), "timezone: Asia/Tokyo\n"),
    UrlCase("slugified-name", "_posts/2024-03-07-Hello World! Ça va.md", _p()),
    UrlCase("slug-front-matter", "_posts/2024-03-07-x.md", _p(slug="My Own Slug")),
    UrlCase("slug-placeholder", "_posts/2024-03-07-Mixed Case.md", _p(), "permalink: /:slug/\n"),
    UrlCase("categories-template", "_posts/2024-03-07-c.md", _p(categories="[Deep, Dive]"), "permalink: /:categories/:title/\n"),
    UrlCase(
        "collection-output",
        "_recipes/soup.md",
        _p(),
        "collections:\n  recipes:\n    output: true\n",
    ),
    UrlCase(
        "collection-permalink",
        "_recipes/sub/stew.md",
        _p(),
        "collections:\n  recipes:\n    output: true\n    permalink: /:collection/:path/\n",
    ),
    UrlCase("page-date-style", "about.md", _p()),
    UrlCase("page-pretty-style", "about.md", _p(), "permalink: pretty\n"),
    UrlCase("page-template-slash", "docs/guide.md", _p(), "permalink: /:categories/:title/\n"),
    UrlCase("page-index", "docs/index.md", _p()),
    UrlCase("page-permalink", "contact.md", _p(permalink="/reach-me/")),
]


@pytest.mark.parametrize("case", URL_CASES, ids=lambda c: c.id)
def test_url(tmp_path: Path, case: UrlCase) -> None:
    marker = f"MARK{abs(hash(case.id))}"
    content = case.content + "\n" + marker + "\n"
    b = build(tmp_path, {case.rel: content, **case.extra}, DEFAULT_CONFIG + case.config)
    assert not b.failed, b.log
    jekyll_file = written(b, marker)
    url = model(b).urls.primary.get(case.rel)
    assert url is not None, f"model has no URL for {case.rel}"
    assert output_path(url) == jekyll_file, (url, jekyll_file)
