"""What kramdown (GFM input) does with link forms, sections and anchors, built with real Jekyll and
compared with what the links, headings and sections rules claim.

Jekyll 4.3 runs kramdown 2.4 and kramdown-parser-gfm 1.1; GitHub Pages' Jekyll 3.9.5 pins the same
parser-gfm and a kramdown 2.x whose link, footnote and header parsers these cases touch the same way.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from reinvent_lint.document import Document
from reinvent_lint.external import occurrences

from .conftest import linter_for, write_site
from .jekyll_site import build, requires_jekyll

POST = "_posts/2024-01-02-p.md"


def _found(root: Path, codes: list[str]) -> list[tuple[int, str]]:
    report = linter_for(root, select=codes).check_paths([])
    assert not report.errors
    return sorted((p.line, p.code) for p in report.problems)


def _hrefs(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<a href="([^"]*)"', page)]


LINK_FORMS = """---
title: p
---

[j](https:github.com/x)

[b](https;//x.com/b)

[c](https/x.com/c)

<https:/x.com/d>

[m](https://x and more

[f](https://x.com/a b)

[q](https://x.com/q (Title))

[ok](https://x.com/ok "Title") [ok2](https://x.com/ok2 'Title')

[d][r3]

[r3]: https://x.com/r3 (Title)
"""


@requires_jekyll
def test_malformed_link_forms_render_broken_and_are_reported(tmp_path: Path) -> None:
    result = build(tmp_path / "j", {POST: LINK_FORMS})
    page = result.html("2024/01/02/p.html")
    assert _hrefs(page) == [
        "https:github.com/x",
        "https;//x.com/b",
        "https/x.com/c",
        "https:/x.com/d",
        "https://x.com/a b",  # a link, not text: the browser asks for /a%20b
        "https://x.com/q (Title)",  # no (title) form in kramdown
        "https://x.com/ok",
        "https://x.com/ok2",
        "https://x.com/r3 (Title)",
    ]
    assert "[m](https://x and more" in page  # unclosed: shown as text
    write_site(tmp_path / "s", {POST: LINK_FORMS})
    assert _found(tmp_path / "s", ["RL401"]) == [(line, "RL401") for line in (5, 7, 9, 11, 13, 15, 17, 23)]


@requires_jekyll
def test_titles_are_not_part_of_the_url(tmp_path: Path) -> None:
    text = (
        '---\n---\n[a](https://h.test/a "T") [b](https://h.test/b \'T\') [c](<https://h.test/c d> "T")\n\n'
        "[r1] and [r2]\n\n[r1]: https://h.test/r1 \"Title\"\n[r2]: https://h.test/r2\n    'Title'\n"
    )
    result = build(tmp_path, {"p.md": text})
    real = _hrefs(result.html("p.html"))
    model = [o.url for o in occurrences(Document("p.md", text))]
    assert real == model == ["https://h.test/a", "https://h.test/b", "https://h.test/c d", "https://h.test/r1",
                             "https://h.test/r2"]  # fmt: skip


@requires_jekyll
def test_image_inside_a_link_is_an_image(tmp_path: Path) -> None:
    text = "---\ntitle: p\n---\n\n[![Build status](/assets/badge.png)](https://ci.test/x)\n"
    result = build(tmp_path / "j", {POST: text})
    assert '<a href="https://ci.test/x"><img src="/assets/badge.png" alt="Build status" />' in result.html(
        "2024/01/02/p.html"
    )
    write_site(tmp_path / "s", {POST: text})
    assert _found(tmp_path / "s", ["RL403", "RL405"]) == [(5, "RL403")]  # the missing badge
    write_site(tmp_path / "s", {"assets/badge.png": "x"})
    assert _found(tmp_path / "s", ["RL403", "RL405"]) == []


SECTIONS = """---
title: p
---

## Launches

Aurora.[^1] And more.[^1]

## Talks

<!-- TODO -->

## Footnotes

[^1]: A note.
"""


@requires_jekyll
def test_footnotes_render_under_the_last_heading_and_comments_render_nothing(tmp_path: Path) -> None:
    text = SECTIONS.replace("\n## Footnotes\n\n[^1]: A note.\n", "\n[^1]: A note.\n\n## Footnotes\n")
    result = build(tmp_path / "j", {POST: text})
    page = result.html("2024/01/02/p.html")
    talks = page.split('id="talks">Talks</h2>', 1)[1].split("<h2", 1)[0]
    assert not re.sub(r"<!--.*?-->|\s", "", talks)  # empty on the page
    after = page.split('id="footnotes">Footnotes</h2>', 1)[1]
    assert '<div class="footnotes"' in after and "A note." in after
    for anchor in ("fn:1", "fnref:1", "fnref:1:1"):
        assert f'id="{anchor}"' in page
    write_site(tmp_path / "s", {POST: text})
    assert _found(tmp_path / "s", ["RL301"]) == [(9, "RL301")]
    write_site(tmp_path / "s", {POST: text + "\n[back](#fnref:1:1) [note](#fn:1)\n"})
    assert _found(tmp_path / "s", ["RL404"]) == []


@requires_jekyll
def test_liquid_and_html_anchors_are_fragment_targets(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Release\n---\n\n## {{ page.title }} notes\n\n"
        '<a name="old-anchor"></a>\n\n{% include anchors.html %}\n\n'
        "[a](#release-notes) [b](#old-anchor) [c](#from-include) [d](#relase-notes)\n"
    )
    files = {POST: text, "_includes/anchors.html": '<div id="from-include"></div>\n'}
    result = build(tmp_path / "j", files)
    page = result.html("2024/01/02/p.html")
    for anchor in ('id="release-notes"', 'name="old-anchor"', 'id="from-include"'):
        assert anchor in page
    write_site(tmp_path / "s", files)
    report = linter_for(tmp_path / "s", select=["RL404"]).check_paths([])
    assert [(p.line, p.message) for p in report.problems] == [
        (11, "no heading or id 'relase-notes' in this post; did you mean 'release-notes'?")
    ]


PATHS = """---
title: p
---

![a]({{ site.baseurl }}/assets/x.png) ![b]({{ '/assets/x.png' | relative_url }})
![c]({{ "assets/x.png" | relative_url }}) ![d]({{ '/assets/x.png' | prepend: site.baseurl }})
![e]({{ site.url }}{{ site.baseurl }}/assets/x.png) ![f](/blog/assets/my%20image.png)

![g](/assets/x.png)
"""


@requires_jekyll
def test_local_path_idioms_render_under_the_baseurl(tmp_path: Path) -> None:
    from reinvent_lint.jekyll.local_paths import resolve_liquid

    config = "title: T\nbaseurl: /blog\nurl: https://me.github.io\nkramdown:\n  input: GFM\n"
    files: dict[str, str | bytes] = {POST: PATHS, "assets/x.png": "x", "assets/my image.png": "x"}
    result = build(tmp_path / "j", files, config)
    srcs = re.findall(r'<img src="([^"]*)"', result.html("2024/01/02/p.html"))
    assert srcs[:4] == ["/blog/assets/x.png"] * 4
    assert srcs[4] == "https://me.github.io/blog/assets/x.png"
    assert srcs[6] == "/assets/x.png"  # written as is: outside /blog/, where the site is served
    assert {"assets/x.png", "assets/my image.png"} <= result.outputs()  # served as /blog/assets/...
    written = re.findall(r"!\[\w\]\(([^)]*)\)", PATHS)
    assert [resolve_liquid(t, "/blog") for t in written[:5]] == ["/blog/assets/x.png"] * 5
    write_site(tmp_path / "s", {**files, "_config.yml": config})
    assert _found(tmp_path / "s", ["RL403", "RL406"]) == [(9, "RL403")]
    write_site(tmp_path / "s", {"CNAME": "me.example\n"})  # a custom domain: served at the root
    assert _found(tmp_path / "s", ["RL403", "RL406"]) == []


@requires_jekyll
def test_post_url_with_a_leading_slash_builds(tmp_path: Path) -> None:
    # Jekyll 4.3 and 3.9 both strip one leading slash: name.sub(%r!^/!, "") in PostComparer
    files: dict[str, str | bytes] = {
        "_posts/notes/2024-01-01-first.md": "---\ntitle: First\n---\n\n## Intro\n\nText.\n",
        POST: "---\ntitle: p\n---\n\n[a]({% post_url /notes/2024-01-01-first %}#intro)"
        " [b]({% post_url /notes/2024-01-01-first %}#outro)\n",
    }
    result = build(tmp_path / "j", files)
    assert not result.failed, result.log
    assert '<a href="/2024/01/01/first.html#intro">' in result.html("2024/01/02/p.html")
    write_site(tmp_path / "s", files)
    assert _found(tmp_path / "s", ["RL402", "RL404"]) == [(5, "RL404")]


@requires_jekyll
def test_headings_of_markdown_includes_are_targets(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "_includes/steps/virt.md": "## Install the tool\n\nText.\n",
        POST: "---\ntitle: p\n---\n\n[Install](#install-the-tool)\n\n{% include steps/virt.md %}\n",
    }
    result = build(tmp_path / "j", files)
    assert 'id="install-the-tool"' in result.html("2024/01/02/p.html")
    write_site(tmp_path / "s", files)
    assert _found(tmp_path / "s", ["RL404"]) == []
