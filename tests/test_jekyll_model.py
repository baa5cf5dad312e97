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
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from reinvent_lint.config import build_config
from reinvent_lint.engine import Linter
from reinvent_lint.problem import Problem, Severity
from reinvent_lint.rules import builtin_rules
from reinvent_lint.jekyll.site import Site
from reinvent_lint.jekyll.urls import output_path
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
    report = linter.check_paths([], jobs=1)  # the whole site around the cwd, as a user runs it
    assert not report.errors, report.errors
    return [p for p in report.problems if p.code in codes]  # the style pack ignores --select


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
    UrlCase(
        "timezone-config", "_posts/2024-03-01-tzc.md", _p(date="2024-03-01 23:30:00 +0000"), "timezone: Asia/Tokyo\n"
    ),
    UrlCase("slugified-name", "_posts/2024-03-07-Hello World! Ça va.md", _p()),
    UrlCase("slug-front-matter", "_posts/2024-03-07-x.md", _p(slug="My Own Slug")),
    UrlCase("slug-placeholder", "_posts/2024-03-07-Mixed Case.md", _p(), "permalink: /:slug/\n"),
    UrlCase(
        "categories-template",
        "_posts/2024-03-07-c.md",
        _p(categories="[Deep, Dive]"),
        "permalink: /:categories/:title/\n",
    ),
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


# ----- the fate of bad posts ---------------------------------------------------------------
def codes(problems: list[Problem], rel: str) -> dict[str, Problem]:
    return {p.code: p for p in problems if p.path == rel}


FATE_RULES = ("RL101", "RL102", "RL105", "RL107", "RL109", "RL110", "RL703", "RL705")


def test_one_digit_month_and_day_publish(tmp_path: Path) -> None:
    rel = "_posts/2025-12-8-short.md"
    b = build(tmp_path, {rel: post(body="SHORT")})
    assert not b.failed and written(b, "SHORT") == "2025/12/08/short.html"
    assert model(b).urls.posts[rel].state == "published"
    assert "RL107" not in codes(lint(b, *FATE_RULES), rel)


def test_impossible_day_publishes_on_the_next_month(tmp_path: Path) -> None:
    rel = "_posts/2024-02-30-leap.md"
    b = build(tmp_path, {rel: post(body="LEAP")})
    assert not b.failed and written(b, "LEAP") == "2024/03/01/leap.html"
    problem = codes(lint(b, *FATE_RULES), rel)["RL107"]
    assert problem.severity is Severity.WARNING
    assert "publishes the post as 2024-03-01" in problem.message


def test_impossible_month_fails_the_build(tmp_path: Path) -> None:
    rel = "_posts/2024-13-01-never.md"
    b = build(tmp_path, {rel: post()})
    assert b.failed and "Invalid date" in b.log
    assert model(b).urls.posts[rel].state == "build-fails"
    problem = codes(lint(b, *FATE_RULES), rel)["RL107"]
    assert problem.severity is Severity.ERROR and "the build fails" in problem.message


def test_front_matter_date_wins_over_a_bad_file_name_date(tmp_path: Path) -> None:
    rel = "_posts/2024-13-01-fixed.md"
    b = build(tmp_path, {rel: post(body="FIXED", date="2024-01-03")})
    assert not b.failed and written(b, "FIXED") == "2024/01/03/fixed.html"
    assert "RL107" not in codes(lint(b, *FATE_RULES), rel)


def test_undated_file_in_posts_is_never_read(tmp_path: Path) -> None:
    rel = "_posts/my-post.md"
    b = build(tmp_path, {rel: post(body="UNDATED")})
    assert not b.failed and not any("UNDATED" in b.html(f) for f in b.outputs() if f.endswith(".html"))
    assert rel not in model(b).urls.posts
    problem = codes(lint(b, *FATE_RULES), rel)["RL107"]
    assert "never reads it as a post" in problem.message


def test_post_without_front_matter_still_renders(tmp_path: Path) -> None:
    rel = "_posts/2024-03-05-bare.md"
    b = build(tmp_path, {rel: "# Bare\n\nBARE *text*\n", "_layouts/default.html": "<html>{{ content }}</html>"})
    html = b.html(written(b, "BARE"))
    assert "<em>text</em>" in html and "<html>" not in html  # converted, and no layout
    problem = codes(lint(b, *FATE_RULES), rel)["RL101"]
    assert problem.severity is Severity.WARNING and "still renders the post" in problem.message


def test_collection_file_without_front_matter_is_copied_as_is(tmp_path: Path) -> None:
    rel = "_notes/raw.md"
    config = DEFAULT_CONFIG + "collections:\n  notes:\n    output: true\n"
    b = build(tmp_path, {rel: "RAW *text*\n"}, config)
    assert "notes/raw.md" in b.outputs() and "notes/raw.html" not in b.outputs()
    problem = codes(lint(b, *FATE_RULES), rel)["RL101"]
    assert problem.severity is Severity.ERROR and "copies this file as-is" in problem.message


def test_yaml_error_publishes_the_post_broken_at_an_unexpected_url(tmp_path: Path) -> None:
    rel = "_posts/2024-03-06-colon.md"
    before = dt.datetime.now(dt.timezone.utc).date()
    b = build(tmp_path, {rel: "---\ntitle: AWS re:Invent: keynotes\nlayout: post\n---\nCOLON\n"})
    assert b.returncode == 0 and "YAML Exception" in b.log  # logged as "Error:", yet the build goes on
    jekyll_file = written(b, "COLON")
    fate = model(b).urls.posts[rel]
    after = dt.datetime.now(dt.timezone.utc).date()
    # Dated the day of the build, named after the whole file: not /2024/03/06/colon.html.
    assert jekyll_file in {f"{day:%Y/%m/%d}/2024-03-06-colon.html" for day in (before, after)}
    assert fate.state == "yaml-error" and (output_path(fate.url) == jekyll_file or before != after)
    problem = codes(lint(b, *FATE_RULES), rel)["RL102"]
    assert "publishes the post without its front matter" in problem.message
    assert fate.url in problem.message


def test_unpublished_post_is_not_written(tmp_path: Path) -> None:
    rel = "_posts/2024-03-08-hidden.md"
    b = build(tmp_path, {rel: post(body="HIDDEN", published="false")})
    assert not b.failed and not any("HIDDEN" in b.html(f) for f in b.outputs() if f.endswith(".html"))
    assert model(b).urls.posts[rel].state == "unpublished"
    assert codes(lint(b, *FATE_RULES), rel)["RL705"].severity is Severity.INFO


def test_published_as_a_string_is_published(tmp_path: Path) -> None:
    rel = "_posts/2024-03-08-string.md"
    b = build(tmp_path, {rel: post(body="STRING", published='"false"')})
    assert not b.failed and written(b, "STRING")
    assert model(b).urls.posts[rel].state == "published"
    assert "treats any value but false as true" in codes(lint(b, *FATE_RULES), rel)["RL105"].message


def test_future_post_is_skipped_when_future_is_off(tmp_path: Path) -> None:
    rel = "_posts/2999-01-01-later.md"
    b = build(tmp_path, {rel: post(body="LATER")})
    assert not b.failed and "has a future date" in b.log
    assert not any("LATER" in b.html(f) for f in b.outputs() if f.endswith(".html"))
    assert model(b).urls.posts[rel].state == "future"
    assert "Jekyll skips the post" in codes(lint(b, *FATE_RULES), rel)["RL109"].message


def test_future_post_is_published_with_future_true(tmp_path: Path) -> None:
    rel = "_posts/2999-01-01-later.md"
    b = build(tmp_path, {rel: post(body="LATER")}, DEFAULT_CONFIG + "future: true\n")
    assert not b.failed and written(b, "LATER") == "2999/01/01/later.html"
    assert model(b).urls.posts[rel].state == "published"
    assert "RL109" not in codes(lint(b, *FATE_RULES), rel)


def test_unreadable_front_matter_date_fails_the_build(tmp_path: Path) -> None:
    rel = "_posts/2024-01-01-when.md"
    b = build(tmp_path, {rel: post(date="someday")})
    assert b.failed and "Invalid date" in b.log
    problem = codes(lint(b, *FATE_RULES), rel)["RL105"]
    assert problem.severity is Severity.ERROR and "the build fails" in problem.message


def test_impossible_front_matter_date(tmp_path: Path) -> None:
    rel = "_posts/2024-01-01-month.md"
    b = build(tmp_path, {rel: post(date="2024-13-01")})
    assert b.failed and "Invalid date" in b.log
    problem = codes(lint(b, *FATE_RULES), rel)["RL105"]
    assert problem.severity is Severity.ERROR and "the build fails" in problem.message


def test_empty_title_and_tags_are_fine(tmp_path: Path) -> None:
    rel = "_posts/2024-01-01-derived-title.md"
    b = build(tmp_path, {rel: "---\ntitle:\ntags:\n---\n{{ page.title }} DERIVED\n"})
    assert not b.failed and "Derived Title DERIVED" in b.html(written(b, "DERIVED"))
    assert not codes(lint(b, "RL104", "RL105"), rel)


def test_missing_layout_renders_without_layout(tmp_path: Path) -> None:
    rel = "_posts/2024-01-01-nolayout.md"
    b = build(
        tmp_path, {rel: post(body="NOLAYOUT", layout="fancy"), "_layouts/post.html": "<main>{{ content }}</main>"}
    )
    assert not b.failed and "does not exist" in b.log
    assert "<main>" not in b.html(written(b, "NOLAYOUT"))
    problem = codes(lint(b, *FATE_RULES), rel)["RL110"]
    assert "renders the page without a layout" in problem.message


def test_duplicate_key_keeps_the_last_value(tmp_path: Path) -> None:
    rel = "_posts/2024-01-01-twice.md"
    b = build(tmp_path, {rel: "---\ntitle: First\ntitle: Second\n---\n{{ page.title }} TWICE\n"})
    assert not b.failed and "Second TWICE" in b.html(written(b, "TWICE"))
    assert "only the last value is used" in codes(lint(b, "RL103"), rel)["RL103"].message


def test_unknown_liquid_tag_fails_the_build(tmp_path: Path) -> None:
    rel = "_posts/2024-01-01-tag.md"
    b = build(tmp_path, {rel: post(body="{% frobnicate x %}")})
    assert b.failed and "Unknown tag 'frobnicate'" in b.log
    problem = codes(lint(b, "RL703"), rel)["RL703"]
    assert problem.severity is Severity.ERROR and "the build fails" in problem.message


def test_unclosed_if_fails_the_build(tmp_path: Path) -> None:
    rel = "_posts/2024-01-01-if.md"
    b = build(tmp_path, {rel: post(body="{% if page.title %}\nopen\n")})
    assert b.failed and "never closed" in b.log
    problem = codes(lint(b, "RL703"), rel)["RL703"]
    assert problem.severity is Severity.ERROR and "the build fails" in problem.message


def test_unclosed_output_fails_the_build(tmp_path: Path) -> None:
    rel = "_posts/2024-01-01-output.md"
    b = build(tmp_path, {rel: post(body="Use {{ page.title to print it.\n")})
    assert b.failed and "not properly terminated" in b.log
    problem = codes(lint(b, "RL703"), rel)["RL703"]
    assert problem.severity is Severity.ERROR and "the build fails" in problem.message


def test_plugin_tag_from_plugins_folder_builds(tmp_path: Path) -> None:
    rel = "_posts/2024-01-01-plugin.md"
    ruby = (
        "module Demo\n  class Shout < Liquid::Tag\n    def render(context) = 'SHOUTED'\n  end\nend\n"
        "Liquid::Template.register_tag('shout', Demo::Shout)\n"
    )
    b = build(tmp_path, {rel: post(body="{% shout %} PLUGIN"), "_plugins/shout.rb": ruby})
    assert not b.failed and "SHOUTED PLUGIN" in b.html(written(b, "PLUGIN"))
    assert "RL703" not in codes(lint(b, "RL703"), rel)


def test_txt_file_in_posts_is_not_rendered(tmp_path: Path) -> None:
    rel = "_posts/2024-01-01-notes.txt"
    b = build(tmp_path, {rel: post(body="TXT *x*")})
    assert not b.failed and not any("<em>x</em>" in b.html(f) for f in b.outputs() if f.endswith(".html"))
    assert "2024/01/01/notes.txt" in b.outputs()
    problem = codes(lint(b, "RL704"), rel)["RL704"]
    assert "Jekyll writes it unconverted" in problem.message


def test_markdown_ext_is_honoured(tmp_path: Path) -> None:
    rel = "_posts/2024-01-01-notes.page"
    b = build(tmp_path, {rel: post(body="EXT *x*")}, DEFAULT_CONFIG + 'markdown_ext: "md,page"\n')
    assert written(b, "EXT") == "2024/01/01/notes.html" and "<em>x</em>" in b.html("2024/01/01/notes.html")
    assert output_path(model(b).urls.primary[rel]) == "2024/01/01/notes.html"
    assert not lint(b, "RL704")


def test_undated_non_markdown_file_in_posts_is_ignored(tmp_path: Path) -> None:
    rel = "_posts/diagram.svg"
    b = build(tmp_path, {rel: "<svg/>", "_posts/2024-01-01-a.md": post()})
    assert not any(f.endswith("diagram.svg") for f in b.outputs())
    assert "Jekyll ignores it" in codes(lint(b, "RL704"), rel)["RL704"].message


# ----- Liquid inside code ------------------------------------------------------------------
LIQUID_IN_CODE = [
    # (id, body, what the built HTML shows, whether RL702 reports it)
    ("fence-output-emptied", '```text\nrun: echo "${{ secrets.TOKEN }}"\n```', 'run: echo "$"', True),
    ("span-output-emptied", "Use `x = {{ nothing }};` here.", "x = ;</code>", True),
    ("highlight-rendered", "{% highlight text %}\nlet a = {{ props.x }};\n{% endhighlight %}", "let a = ;", True),
    ("raw-in-fence", "```yaml\n{% raw %}run: ${{ secrets.X }}{% endraw %}\n```", "${{ secrets.X }}", False),
    ("raw-around-fence", "{% raw %}\n```yaml\nrun: ${{ secrets.X }}\n```\n{% endraw %}", "${{ secrets.X }}", False),
    ("idiom-single-quotes", "```yaml\nrun: ${{ '{{' }} secrets.X }}\n```", "${{ secrets.X }}", False),
    ("idiom-double-quotes", 'Use `{{ "{{" }} page.title }}` to print it.', "{{ page.title }}</code>", False),
    ("idiom-tag-delimiter", "```text\n{{ '{%' }} include x.html %}\n```", "{% include x.html %}", False),
    ("include-of-a-site-file", "```text\n{% include script.sh %}\n```", "echo INCLUDED", False),
    ("own-front-matter-value", "This post is `{{ page.uuid }}` everywhere.", "urn:x-1</code>", False),
    ("raw-elsewhere-in-block", "```html\n<a>{{ page.uuid }}</a>\n{% raw %}{{ x }}{% endraw %}\n```", "urn:x-1", True),
    (
        "indented-html-in-div",
        '<div class="card">\n\n    <p>{{ page.title }} CARD</p>\n\n</div>',
        "<p>Post CARD</p>",
        False,
    ),
]


@pytest.mark.parametrize("case", LIQUID_IN_CODE, ids=lambda c: c[0])
def test_liquid_in_code(tmp_path: Path, case: tuple[str, str, str, bool]) -> None:
    _id, body, shown, reported = case
    rel = "_posts/2024-01-01-code.md"
    files = {rel: post(body=body + "\n\nCODEMARK", uuid="urn:x-1"), "_includes/script.sh": "echo INCLUDED\n"}
    b = build(tmp_path, files)
    assert not b.failed, b.log
    assert shown in b.html(written(b, "CODEMARK"))
    problems = [p for p in lint(b, "RL702") if p.path == rel]
    assert bool(problems) is reported, problems
    if problems:
        assert "is rendered by Jekyll" in problems[0].message


def test_output_ends_at_its_first_closing_brace(tmp_path: Path) -> None:
    """Liquid's tokenizer ends `{{` at the first `}`: a string holding `%}` breaks the build."""
    rel = "_posts/2024-01-01-brace.md"
    b = build(tmp_path, {rel: post(body='```liquid\n{{ "{% include x.html %}" }}\n```')})
    assert b.failed and "was not properly terminated" in b.log
    problem = codes(lint(b, "RL703"), rel)["RL703"]
    assert problem.severity is Severity.ERROR and "the build fails" in problem.message


# ----- {% link %}, {% post_url %} and {% include %} -----------------------------------------
LINK_SITE = {
    "_posts/2024-01-02-target.md": post(body="TARGET"),
    "_posts/sub/2024-01-03-nested.md": post(body="NESTED"),
    "blog/_posts/2024-01-04-inblog.md": post(body="INBLOG"),
    "_posts/2024-01-05-hidden.md": post(published="false"),
    "_posts/2999-01-01-later.md": post(),
    "_drafts/idea.md": post(),
    "about.md": post(title="About"),
    "assets/x/index.html": "<p>static</p>\n",
    "assets/logo.png": b"\x89PNG",
    "README.md": "readme\n",
    "_includes/note.html": "<aside>{{ include.text }}</aside>\n",
    "_data/people.yml": "- me\n",
    "_hidden/doc.md": post(),
}
LINK_CASES = [
    # (id, Liquid in the post, whether Jekyll builds)
    ("link-post", "{% link _posts/2024-01-02-target.md %}", True),
    ("link-page", "{% link about.md %}", True),
    ("link-page-leading-slash", "{% link /about.md %}", False),
    ("link-static-leading-slash", "{% link /assets/x/index.html %}", True),
    ("link-static", "{% link assets/logo.png %}", True),
    ("link-missing", "{% link nowhere.md %}", False),
    ("link-unpublished-post", "{% link _posts/2024-01-05-hidden.md %}", False),
    ("link-future-post", "{% link _posts/2999-01-01-later.md %}", False),
    ("link-excluded-file", "{% link README.md %}", False),
    ("link-draft", "{% link _drafts/idea.md %}", False),
    ("link-underscore-folder", "{% link _data/people.yml %}", False),
    ("link-collection-without-output", "{% link _hidden/doc.md %}", False),
    ("post-url", "{% post_url 2024-01-02-target %}", True),
    ("post-url-leading-slash", "{% post_url /2024-01-02-target %}", True),
    ("post-url-subfolder", "{% post_url sub/2024-01-03-nested %}", True),
    ("post-url-dir-posts", "{% post_url blog/2024-01-04-inblog %}", True),
    ("post-url-missing", "{% post_url 2024-01-09-nope %}", False),
    ("post-url-unpublished", "{% post_url 2024-01-05-hidden %}", False),
    ("post-url-future", "{% post_url 2999-01-01-later %}", False),
    ("post-url-draft", "{% post_url 2024-01-01-idea %}", False),
    ("include", '{% include note.html text="hi" %}', True),
    ("include-missing", "{% include nothing.html %}", False),
    ("include-bare", "{% include %}", False),
]
LINK_CONFIG = DEFAULT_CONFIG + "exclude: [README.md]\ncollections:\n  hidden:\n    output: false\n"


@pytest.mark.parametrize("case", LINK_CASES, ids=lambda c: c[0])
def test_link_forms(tmp_path: Path, case: tuple[str, str, bool]) -> None:
    _id, liquid, builds = case
    rel = "_posts/2024-02-01-linking.md"
    b = build(tmp_path, {**LINK_SITE, rel: post(body=f"See {liquid} here.")}, LINK_CONFIG)
    assert b.failed is not builds, b.log
    problems = [p for p in lint(b, "RL402", "RL701") if p.path == rel]
    if builds:
        assert not problems, problems
    else:
        assert len(problems) == 1 and problems[0].severity is Severity.ERROR, problems
        assert "the build fails" in problems[0].message


# ----- page-vs-page permalink clash -----------------------------------------------------------
def test_page_clash_about_md_and_about_index(tmp_path: Path) -> None:
    files = {"about.md": post(body="FIRST"), "about/index.md": post(body="SECOND")}
    b = build(tmp_path, files, DEFAULT_CONFIG + "permalink: pretty\n")
    assert "Conflict" in b.log and "about/index.html" in b.outputs()
    assert sum("FIRST" in b.html(f) or "SECOND" in b.html(f) for f in b.outputs() if f.endswith(".html")) == 1
    problems = [p for p in lint(b, "RL706")]
    assert {p.path for p in problems} == {"about.md", "about/index.md"}
    assert all("Jekyll logs a conflict and one overwrites the other" in p.message for p in problems)


def test_no_page_clash_with_date_permalinks(tmp_path: Path) -> None:
    files = {"about.md": post(body="FIRST"), "about/index.md": post(body="SECOND")}
    b = build(tmp_path, files)
    assert "Conflict" not in b.log and {"about.html", "about/index.html"} <= b.outputs()
    assert not lint(b, "RL706")


def test_source_folder_is_honoured(tmp_path: Path) -> None:
    """`source:` in the root _config.yml: Jekyll, run from the root, reads the site in a sub-folder."""
    import os
    import subprocess

    from tests.conftest import write_site as write_tree
    from tests.jekyll_site import JEKYLL

    repo = tmp_path / "repo"
    write_tree(repo, {
        "_config.yml": "source: site\npermalink: pretty\n",
        "site/_posts/2024-01-02-a.md": post(body="SOURCED {% link about.md %}"),
        "site/about.md": post(title="About"),
        "_posts/2024-01-03-outside.md": post(body="OUTSIDE"),
    })  # fmt: skip
    env = {**os.environ, "JEKYLL_NO_BUNDLER_REQUIRE": "true", "TZ": "UTC"}
    assert JEKYLL is not None
    run = subprocess.run([JEKYLL, "build"], cwd=repo, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    out = {p.relative_to(repo / "_site").as_posix() for p in (repo / "_site").rglob("*") if p.is_file()}
    assert out == {"2024/01/02/a/index.html", "about/index.html"}
    site = Site(repo)
    assert site.root == (repo / "site").resolve() and site.posts == ["_posts/2024-01-02-a.md"]
    assert output_path(site.urls.primary["_posts/2024-01-02-a.md"]) == "2024/01/02/a/index.html"
    rules = builtin_rules()
    linter = Linter(build_config({"select": ["RL402", "RL107"]}, rules), rules, cwd=repo)
    report = linter.check_paths([], jobs=1)
    assert not [p for p in report.problems if p.code in ("RL402", "RL107")]
    assert report.files == 2  # the posts outside `source` are not the site's


def test_block_tags_pair_across_code_and_html(tmp_path: Path) -> None:
    """Liquid pairs `{% for %}` with an `{% endfor %}` that CommonMark would call indented code."""
    rel = "blog.md"
    body = "<ul>\n{% for p in site.posts %}\n\n        <li>{{ p.title }}</li>\n\n        {% endfor %}\n</ul>\nLOOP"
    b = build(tmp_path, {rel: post(body=body), "_posts/2024-01-01-a.md": post(title="Alpha")})
    assert not b.failed and "<li>Alpha</li>" in b.html(written(b, "LOOP"))
    assert not codes(lint(b, "RL703"), rel)


def test_page_date_is_not_parsed(tmp_path: Path) -> None:
    """Only documents (posts, collections) parse `date:`; a template page with a placeholder builds."""
    rel = "templates/YYYY-MM-DD-post.md"
    b = build(tmp_path, {rel: post(body="TEMPLATE", date="YYYY-MM-DD")})
    assert not b.failed and written(b, "TEMPLATE")
    assert not codes(lint(b, "RL105"), rel)


def test_safe_mode_ignores_the_plugins_folder(tmp_path: Path) -> None:
    """GitHub Pages builds in safe mode (the github-pages gem forces `safe: true`): `_plugins/`
    is not loaded. Plain Jekyll with `safe: true` does the same, which is what is built here."""
    rel = "_posts/2024-01-01-plugin.md"
    ruby = (
        "class Shout < Liquid::Tag\n  def render(context) = 'SHOUTED'\nend\n"
        "Liquid::Template.register_tag('shout', Shout)\n"
    )
    b = build(tmp_path, {rel: post(body="{% shout %}"), "_plugins/shout.rb": ruby}, DEFAULT_CONFIG + "safe: true\n")
    assert b.failed and "Unknown tag 'shout'" in b.log
    problem = codes(lint(b, "RL703"), rel)["RL703"]
    assert (
        problem.severity is Severity.ERROR and "safe mode" in problem.message and "the build fails" in problem.message
    )


BAD_LIQUID = [
    # (id, post body, a word of Liquid's error, a phrase of RL703's message)
    ("endif-without-if", "text {% endif %}", "Unknown tag 'endif'", "without an opening"),
    ("for-closed-by-endif", "{% for x in site.posts %}{% if x %}{% endfor %}", "endfor", "is not closed before"),
    ("empty-tag", "text {% %} more", "Liquid syntax error", "empty Liquid tag"),
    ("raw-never-closed", "{% raw %} text", "raw", "never closed by '{% endraw %}'"),
    ("comment-never-closed", "{% comment %} text", "comment", "never closed by '{% endcomment %}'"),
]


@pytest.mark.parametrize("case", BAD_LIQUID, ids=lambda c: c[0])
def test_bad_liquid_fails_the_build(tmp_path: Path, case: tuple[str, str, str, str]) -> None:
    _id, body, log_word, phrase = case
    rel = "_posts/2024-01-01-liquid.md"
    b = build(tmp_path, {rel: post(body=body)})
    assert b.failed and log_word in b.log, b.log
    problems = [p for p in lint(b, "RL703") if p.path == rel]
    assert problems and all(p.severity is Severity.ERROR for p in problems)
    assert any(phrase in p.message and "the build fails" in p.message for p in problems), problems


def test_toml_front_matter_is_rendered_as_text(tmp_path: Path) -> None:
    rel = "_posts/2024-01-01-toml.md"
    b = build(tmp_path, {rel: '+++\ntitle = "Toml"\n+++\n\nTOMLBODY\n'})
    assert "+++\ntitle = " in b.html(written(b, "TOMLBODY"))
    problem = codes(lint(b, "RL101"), rel)["RL101"]
    assert problem.severity is Severity.WARNING and "rendered as text" in problem.message


def test_unclosed_front_matter_is_no_front_matter(tmp_path: Path) -> None:
    rel = "_posts/2024-01-01-open.md"
    b = build(tmp_path, {rel: "---\ntitle: Open\n\nOPENBODY\n", "_layouts/default.html": "<html>{{ content }}</html>"})
    html = b.html(written(b, "OPENBODY"))
    assert "title: Open" in html and "<html>" not in html  # the YAML is text; no layout
    problem = codes(lint(b, "RL101"), rel)["RL101"]
    assert "never closed" in problem.message and "still renders the post" in problem.message


def test_yaml_error_in_a_page_renders_it_without_front_matter(tmp_path: Path) -> None:
    rel = "about.md"
    files = {
        rel: "---\ntitle: a: b\nlayout: default\n---\nPAGEBODY\n",
        "_layouts/default.html": "<html>{{ content }}</html>",
    }
    b = build(tmp_path, files)
    assert b.returncode == 0 and "YAML Exception" in b.log
    html = b.html(written(b, "PAGEBODY"))
    assert "<html>" not in html and "title:" not in html
    problem = codes(lint(b, "RL102"), rel)["RL102"]
    assert "renders the file without its front matter (no title, no layout)" in problem.message
