"""reinvent_lint.jekyll.references: more reference forms with exact kinds, targets and offsets
(HTML attributes and their alt text, autolinks and code, definitions and indentation, raw bodies,
Liquid tags with whitespace control or no argument, includes), beside tests/test_references.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reinvent_lint.document import Document
from reinvent_lint.jekyll.references import extract, kramdown_ids, unclosed_links

from .jekyll_site import build, requires_jekyll

Row = tuple[str, str, int, int, int, str, str, str, "int | None"]


def _rows(text: str) -> list[Row]:
    found = extract(Document("p.md", text))
    for r in found:
        assert text[r.start : r.end] == r.target
    return [
        (
            r.kind,
            r.target,
            r.start,
            r.end,
            r.label_start,
            r.text,
            r.param,
            r.template,
            r.liquid.start if r.liquid else None,
        )
        for r in found
    ]


CASES: dict[str, tuple[str, list[Row]]] = {
    "html attributes": (
        '<a href="/x">x</a> <img src=\'/i.png\' alt="A"> <IMG SRC=/u.png ALT=\'b\'> <a class="c" href=/y>y</a>\n',
        [
            ("html-href", "/x", 9, 11, 0, "\0", "", "", None),
            ("html-src", "/i.png", 29, 35, 19, "A", "", "", None),
            ("html-src", "/u.png", 55, 61, 46, "b", "", "", None),
            ("html-href", "/y", 89, 91, 71, "\0", "", "", None),
        ],
    ),
    "html alt after the tag is not its alt": (
        '<img src="/i.png"> alt="no"\n',
        [("html-src", "/i.png", 10, 16, 0, "\0", "", "", None)],
    ),
    "html empty alt": ('<img alt="" src="/i.png">\n', [("html-src", "/i.png", 17, 23, 0, "", "", "", None)]),
    "html with liquid": (
        '<img src="{{ site.baseurl }}/i.png">\n',
        [("html-src", "{{ site.baseurl }}/i.png", 10, 34, 0, "\0", "", "", 10)],
    ),
    "code hides html and autolinks": (
        '`<a href="/code">` <https://a.test/x> `<https://code.test>` <ftp://f.test> <MAILTO:a@b.test>\n',
        [
            ("autolink", "https://a.test/x", 20, 36, 0, "", "", "", None),
            ("autolink", "ftp://f.test", 61, 73, 0, "", "", "", None),
            ("autolink", "MAILTO:a@b.test", 76, 91, 0, "", "", "", None),
        ],
    ),
    "definitions": (
        '[r]: <my page.html> "T"\n[s]:   /s\n  [t]: /t\n    [u]: /u\ntext [v]: /v\n[^f]: note\n[w]:\t/w\n',
        [
            ("definition", "my page.html", 6, 18, 0, "r", "", "", None),
            ("definition", "/s", 31, 33, 24, "s", "", "", None),
            ("definition", "/t", 41, 43, 34, "t", "", "", None),
            ("definition", "/w", 85, 87, 80, "w", "", "", None),
        ],
    ),
    "raw bodies hold no references": (
        "{% raw %}[a](/raw) {% link r.md %}{% endraw %} [b](/b)\n",
        [("link", "/b", 51, 53, 47, "b", "", "", None)],
    ),
    "liquid tags": (
        "{% post_url 2024-01-02-a %} {%- link  x/y.md -%} {% link %} {% post_url %}\n",
        [
            ("post-url", "2024-01-02-a", 12, 24, 0, "", "", "", 0),
            ("liquid-link", "x/y.md", 38, 44, 28, "", "", "", 28),
            ("liquid-link", "", 49, 49, 49, "", "", "", 49),
            ("post-url", "", 60, 60, 60, "", "", "", 60),
        ],
    ),
    "a link tag whose target repeats its name": (
        "{% link link.md %}\n",
        [("liquid-link", "link.md", 8, 15, 0, "", "", "", 0)],
    ),
    "escaped openers": (  # checked with a real build: `\!` is a `!` before a link, `\\[` a `\` before one
        "\\[a](/esc) \\![b](/img) \\\\[c](/d) \\\\\\[e](/f)\n",
        [("link", "/img", 17, 21, 13, "b", "", "", None), ("link", "/d", 29, 31, 25, "c", "", "", None)],
    ),
    "image inside a link": (
        "[![i](/i.png)](/l)\n",
        [("link", "/l", 15, 17, 0, "![i](/i.png)", "", "", None), ("image", "/i.png", 6, 12, 1, "i", "", "", None)],
    ),
    "includes": (
        "{% include  card.html %}{% include %}\n",
        [
            ("include", "card.html", 12, 21, 0, "", "", "card.html", 0),
            ("include", "", 24, 24, 24, "", "", "", 24),
        ],
    ),
    "fenced code": ("```\n[a](/fenced)\n```\n[b](/after)\n", [("link", "/after", 25, 31, 21, "b", "", "", None)]),
    "front matter is no body": (
        '---\ntitle: "[x](/fm) <a href=/h2>"\n---\n[r]: /def\n<a href="/h">\n',
        [
            ("definition", "/def", 44, 48, 39, "r", "", "", None),
            ("html-href", "/h", 58, 60, 49, "\0", "", "", None),
        ],
    ),
    "include parameter without a link": (
        "{% include a.html x='[not a link]' %}\n",
        [
            ("include", "a.html", 11, 17, 0, "", "", "a.html", 0),
            ("include-param", "[not a link]", 21, 33, 0, "", "x", "a.html", 0),
        ],
    ),
    "same start: sorted by kind": (
        "[a]: /x\n",
        [("definition", "/x", 5, 7, 0, "a", "", "", None)],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_extract(name: str) -> None:
    text, expected = CASES[name]
    assert _rows(text) == sorted(expected, key=lambda r: (r[2], r[0]))


def test_order_of_kinds_at_one_offset() -> None:
    refs = extract(Document("p.md", "{% include a.html t='[x](/y)' %}\n"))
    assert [(r.kind, r.start) for r in refs] == [("include", 11), ("include-param", 21), ("link", 25)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x [a](/y\nmore\n", [(2, 8)]),
        ("[a](/y z\n\n[b](/w\n", [(0, 8), (10, 16)]),
        ("[a](/y [b](/w)\n", [(0, 14)]),  # `[a](/y ` is text, `[b](/w)` a link
        ("[a]](/y\n", []),
    ],
)
def test_unclosed_links_end_at_their_line(text: str, expected: list[tuple[int, int]]) -> None:
    assert unclosed_links(Document("p.md", text)) == expected


def test_kramdown_ids_of_a_post() -> None:
    text = "## Hello World\n\n<p id='para'>x</p>\n\nNote[^1].\n\n[^1]: N\n"
    assert kramdown_ids(Document("p.md", text)) == {"hello-world", "para", "fn:1", "fnref:1"}


def test_a_tag_name_right_after_the_delimiter() -> None:
    # `{%link` is a tag too; the target is found after the name, not in it
    assert _rows("{%link link.md %}\n") == [("liquid-link", "link.md", 7, 14, 0, "", "", "", 0)]


@requires_jekyll
def test_escaped_openers_agree_with_jekyll(tmp_path: Path) -> None:
    result = build(tmp_path, {"p.md": "---\n---\n" + CASES["escaped openers"][0]})
    html = result.html("p.html")
    assert '!<a href="/img">b</a>' in html and '\\<a href="/d">c</a>' in html
    assert 'href="/esc"' not in html and 'href="/f"' not in html
