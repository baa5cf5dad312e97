"""Exact behaviour of reference extraction (reinvent_lint/jekyll/references.py): kinds, targets and offsets
for every link form a post can use, on small posts written for these tests."""

from __future__ import annotations

import pytest

from reinvent_lint.document import Document
from reinvent_lint.jekyll.references import (
    Reference,
    link_destination,
    extract,
    kramdown_ids,
    references,
    unclosed_links,
)

Row = tuple[str, str, int, int, int, str]


def _refs(text: str) -> list[Row]:
    doc = Document("p.md", text)
    found = extract(doc)
    for r in found:
        assert text[r.start : r.end] == r.target
    return [(r.kind, r.target, r.start, r.end, r.label_start, r.text) for r in found]


CASES: dict[str, tuple[str, list[Row]]] = {
    "inline link": ("See [the docs](/docs/) now.\n", [("link", "/docs/", 15, 21, 4, "the docs")]),
    "image": ("![A cat](/cat.png)\n", [("image", "/cat.png", 9, 17, 0, "A cat")]),
    "angle target keeps spaces": ("[a](</my page.html>)\n", [("link", "/my page.html", 5, 18, 0, "a")]),
    "angle target with title": ('[a](</p.html> "T")\n', [("link", "/p.html", 5, 12, 0, "a")]),
    "double-quoted title": ('[a](/p.html "The title")\n', [("link", "/p.html", 4, 11, 0, "a")]),
    "single-quoted title": ("[a](/p.html 'T')\n", [("link", "/p.html", 4, 11, 0, "a")]),
    "parenthesised title": ("[a](/p.html (T))\n", [("link", "/p.html", 4, 11, 0, "a")]),
    "balanced parentheses": (
        "[w](https://en.wikipedia.org/wiki/A_(b))\n",
        [("link", "https://en.wikipedia.org/wiki/A_(b)", 4, 39, 0, "w")],
    ),
    "parentheses then title": ('[a](/x(y) "t")\n', [("link", "/x(y)", 4, 9, 0, "a")]),
    "spaces around target": ("[a](  /p.html  )\n", [("link", "/p.html", 6, 13, 0, "a")]),
    "empty target": ("[a]()\n", [("link", "", 4, 4, 0, "a")]),
    "escaped bracket is no link": ("\\[not](/x) and [yes](/y)\n", [("link", "/y", 21, 23, 15, "yes")]),
    "image inside link": (
        "[![alt](/i.png)](/big.png)\n",
        [("link", "/big.png", 17, 25, 0, "![alt](/i.png)"), ("image", "/i.png", 8, 14, 1, "alt")],
    ),
    "brackets in link text": ("[a [b] c](/z)\n", [("link", "/z", 10, 12, 0, "a [b] c")]),
    "escaped bracket in text": ("[a \\] b](/z)\n", [("link", "/z", 9, 11, 0, "a \\] b")]),
    "two links": ("[a](/1) [b](/2)\n", [("link", "/1", 4, 6, 0, "a"), ("link", "/2", 12, 14, 8, "b")]),
    "one space before paren": ("[a] (/x)\n", [("link", "/x", 5, 7, 0, "a")]),
    "unterminated title": ('[a](/x "t\n', []),
    "unclosed paren": ("[a](/x\n\nmore\n", []),
    "definition": ("Text [x][r].\n\n[r]: /ref.html\n", [("definition", "/ref.html", 19, 28, 14, "r")]),
    "definition in angle brackets": ("[r]: </a b.html>\n", [("definition", "/a b.html", 6, 15, 0, "r")]),
    "definition indented 3 not 4": ("   [r]: /three\n    [s]: /four\n", [("definition", "/three", 8, 14, 0, "r")]),
    "footnote is no definition": ("[^1]: a footnote\n", []),
    "definition mid-line is not one": ("Not [r]: /x here\n", []),
    "autolinks": (
        "Go <https://example.com/a> or <mailto:me@x.org> or <HTTP://X.ORG>.\n",
        [
            ("autolink", "https://example.com/a", 4, 25, 0, ""),
            ("autolink", "mailto:me@x.org", 31, 46, 0, ""),
            ("autolink", "HTTP://X.ORG", 52, 64, 0, ""),
        ],
    ),
    "html href and src": (
        '<a href="/a.html">a</a> <img src=\'/i.png\' alt="Pic"> <a href=/bare>b</a> <IMG SRC="/u.png" alt=\'x\'>\n',
        [
            ("html-href", "/a.html", 9, 16, 0, "\0"),
            ("html-src", "/i.png", 34, 40, 24, "Pic"),
            ("html-href", "/bare", 61, 66, 53, "\0"),
            ("html-src", "/u.png", 83, 89, 73, "x"),
        ],
    ),
    "img without alt": ('<img src="/n.png">\n', [("html-src", "/n.png", 10, 16, 0, "\0")]),
    "code spans skipped": ("`[a](/x)` and `<https://x.org>` [b](/y)\n", [("link", "/y", 36, 38, 32, "b")]),
    "fenced code skipped": (
        '```\n[a](/x)\n[r]: /def\n<a href="/h">\n{% link a.md %}\n```\n\n[b](/y)\n',
        [("link", "/y", 61, 63, 57, "b")],
    ),
    "indented code skipped": ("Para.\n\n    [a](/x)\n\n[b](/y)\n", [("link", "/y", 24, 26, 20, "b")]),
    "raw skipped": ("{% raw %}[a](/x){% endraw %} [b](/y)\n", [("link", "/y", 33, 35, 29, "b")]),
    "front matter skipped": ('---\ntitle: "[a](/fm)"\n---\n[b](/y)\n', [("link", "/y", 30, 32, 26, "b")]),
    "link tag": (
        "[a]({% link _posts/2024-01-01-a.md %})\n",
        [
            ("link", "{% link _posts/2024-01-01-a.md %}", 4, 37, 0, "a"),
            ("liquid-link", "_posts/2024-01-01-a.md", 12, 34, 4, ""),
        ],
    ),
    "post_url tag": (
        "[a]({% post_url 2024-01-01-a %})\n",
        [("link", "{% post_url 2024-01-01-a %}", 4, 31, 0, "a"), ("post-url", "2024-01-01-a", 16, 28, 4, "")],
    ),
    "link tag without target": ("{% link %}\n", [("liquid-link", "", 0, 0, 0, "")]),
    "angle target not followed by paren or title": ("[a](<x> y)\n", [("link", "<x> y", 4, 9, 0, "a")]),
    "angle target with title and no space": ('[a](<x>"T")\n', [("link", "x", 5, 6, 0, "a")]),
    "odd spaces around target": ("[a](   /p.html   )\n", [("link", "/p.html", 7, 14, 0, "a")]),
    "blank target": ("[a]( )\n", [("link", "", 5, 5, 0, "a")]),
    "backslash at end of text is no escape": ("[a](/x)\\", [("link", "/x", 4, 6, 0, "a")]),
    "definition without final newline": ("[r]: /x", [("definition", "/x", 5, 7, 0, "r")]),
    "definition after a heading": ("# H\n[r]: /x\n", [("definition", "/x", 9, 11, 4, "r")]),
    "link tag target after the name": ("k {% link k %}\n", [("liquid-link", "k", 10, 11, 2, "")]),
    "link tag with whitespace control": ("{%- link k -%}\n", [("liquid-link", "k", 9, 10, 0, "")]),
    "anchor link": ("# Head\n{: #custom}\n\n[a](#custom)\n", [("link", "#custom", 24, 31, 20, "a")]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_extract(name: str) -> None:
    text, expected = CASES[name]
    assert sorted(_refs(text)) == sorted(expected)


def test_order_is_document_order() -> None:
    text = "[b](/2)\n\n<https://a.org>\n\n[r]: /def\n"
    assert [r.kind for r in extract(Document("p.md", text))] == ["link", "autolink", "definition"]


def test_include_and_its_parameters() -> None:
    text = '{% include note.html text="[x](/in)" level=2 %}\n'
    doc = Document("p.md", text)
    got = [(r.kind, r.target, r.start, r.end, r.label_start, r.param, r.template) for r in extract(doc)]
    assert got == [
        ("include", "note.html", 11, 20, 0, "", "note.html"),
        ("include-param", "[x](/in)", 27, 35, 0, "text", "note.html"),
        ("link", "/in", 31, 34, 27, "", ""),
        ("include-param", "2", 43, 44, 0, "level", "note.html"),
    ]
    assert all(r.liquid is not None and r.liquid.start == 0 for r in extract(doc))
    assert [r.text for r in extract(doc) if r.kind == "link"] == ["x"]


def test_include_in_code_is_skipped() -> None:
    assert _refs("`{% include a.html %}` {% include b.html %}\n") == [("include", "b.html", 34, 40, 23, "")]


def test_liquid_span_is_attached_to_links() -> None:
    doc = Document("p.md", "[a]({{ site.url }}/x) [b](/y)\n")
    spans = {r.target: r.liquid for r in extract(doc)}
    assert spans["{{ site.url }}/x"] is not None and spans["{{ site.url }}/x"].start == 4
    assert spans["/y"] is None


def test_references_are_cached_per_document() -> None:
    doc = Document("p.md", "[a](/x)\n")
    first = references(doc)
    assert [r.target for r in first] == ["/x"]
    assert references(doc) is first


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[a](/x\n\nmore\n", [(0, 6)]),
        ('[a](/x "t\n', [(0, 9)]),
        ("Some [a](/x and more\n", [(5, 20)]),
        ("[a](/x)\n", []),
        ("![a](/x\n", []),
        ("\\[a](/x\n", []),
        ("`[a](/x`\n", []),
        ("[a] (/x\n", []),
        ("plain text\n", []),
        ("[a](/x", [(0, 6)]),
        ("[a](/x \\", [(0, 8)]),
    ],
)
def test_unclosed_links(text: str, expected: list[tuple[int, int]]) -> None:
    assert unclosed_links(Document("p.md", text)) == expected


def test_kramdown_ids_include_ial_anchors() -> None:
    text = "# Head\n{: #custom}\n\n## Other\n"
    assert kramdown_ids(Document("p.md", text)) == {"custom", "other"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(/x)", (1, 3, 4)),
        ('(/x "t") z', (1, 3, 8)),
        ("(<x>) z", (2, 3, 5)),
        ('(<x> "t") z', (2, 3, 9)),
        ("(/a(b)) z", (1, 6, 7)),
        ("(/a(b) z", None),
    ],
)
def testlink_destination_start_end_and_close(text: str, expected: tuple[int, int, int] | None) -> None:
    assert link_destination(text, 1, len(text)) == expected


def test_reference_is_immutable() -> None:
    ref = Reference("link", "/x", 4, 6)
    with pytest.raises(AttributeError):
        ref.target = "/y"  # type: ignore[misc]


@pytest.mark.parametrize(
    "text",
    [
        "[a]: /x\n  [b]: /y\n   [c]: <z w>\n    [d]: /code\n",
        "Text [a]: /x and [b]: /y\n[c] [d]: /z\n[e]: /w [f]: /v\n",
        "[a]: /x",
        "x[a]: /x\n\t[b]: /y\n[^1]: note\n[c]:\n[d]:/e\n",
        "---\ntitle: T\n---\n[a]: /front-matter-end\n",
    ],
)
def test_definitions_found_line_by_line_are_the_line_anchored_ones(text: str) -> None:
    from reinvent_lint.jekyll.references import _DEFINITION, _definitions

    for start in range(len(text) + 1):
        expected = [(m.span(), m.groups()) for m in _DEFINITION.finditer(text, start)]
        assert [(m.span(), m.groups()) for m in _definitions(text, start)] == expected, start


def test_definitions_line_by_line_match_the_anchored_search_on_random_text() -> None:
    import random

    from reinvent_lint.jekyll.references import _DEFINITION, _definitions

    rng = random.Random(3)
    parts = ["[a]: /x", "[", "]", ":", " ", "\n", "\t", "x", "^", "<z w>", "   ", "    "]
    for _ in range(3_000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 12)))
        for start in range(len(text) + 1):
            expected = [(m.span(), m.groups()) for m in _DEFINITION.finditer(text, start)]
            assert [(m.span(), m.groups()) for m in _definitions(text, start)] == expected, (text, start)
