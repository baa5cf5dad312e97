"""reinvent_lint.jekyll.kramdown_ids: heading ids and fragment targets, with exact values.

Two pages of headings: tests/test_kramdown_ids.py's HEADINGS, whose ids real Jekyll confirms in
test_heading_ids_agree_with_jekyll, and HEADINGS below (escapes, code spans, reference links,
autolinks, entities, emphasis, dash runs, Liquid, Unicode classes, IALs, duplicates), which
`test_more_heading_ids_agree_with_jekyll` builds. The fast tests pin the ids, so a change to the
model fails without a Jekyll build. Where the model puts UNKNOWN (a Liquid value it cannot know),
the real id must match the pattern it stands for.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reinvent_lint.document import Document
from reinvent_lint.jekyll import kramdown_ids as k
from reinvent_lint.jekyll.kramdown_ids import (
    UNKNOWN,
    basic_slug,
    footnote_ids,
    gfm_slug,
    heading_ids,
    heading_text,
    html_ids,
    kramdown_headings,
    kramdown_options,
    targets,
)

from .jekyll_site import build, requires_jekyll
from .test_kramdown_ids import HEADINGS as FIRST_HEADINGS
from .test_kramdown_ids import _page as first_page

U = UNKNOWN
FIRST_IDS = [
    "plain-heading", "heading-with-a-link-inside", "emphasis-and-strong-and-under", "inline-code_span-here",
    "code-with-spaces--x--y--and--z-", "html-inside-and-", "entities--été--", "nbsp", "vite--8", "vite--8-1",
    "a--b---c--d", "escaped-star-and-_under_---", "image--heading", "badge--status", "footnote-heading",
    "missingnope-note", "liquid-page-title-here", "site-test", "duplicate", "duplicate-1", "duplicate-1", "custom-id",
    "ial-id", "duplicate-2", "init-and-snake_case_name", "my_var-and-private-and-trailing", "its-quoted-dont",
    "ünïcödé-straße-日本語", "123-numbers-first", "trailing-hashes", "autolink-httpsexamplecoma",
    "ref-link-text-and-undefinednope-and-r1", "struck-text", "tabs-in-heading", "", "-1", "question-yes",
    "ship-it--now", "before--after", "anchored", "setext-heading", "quoted-heading", "list-heading",
]  # fmt: skip

HEADINGS = [
    ("escaped-brackets", r"## Escaped \[x\] \`y\` \\z", "escaped-x-y-z"),
    ("double-backticks", "## Use ``a ` b`` here", "use-a--b-here"),
    ("lone-backtick", "## A ` lone tick", "a--lone-tick"),
    ("unclosed-backticks", "## Open ``never closed", "open-never-closed"),
    ("backtick-word", "## x`y`z", "xyz"),
    ("ref-empty-brackets", "## See [r1][] and [R1]", "see-r1-and-r1"),
    ("ref-missing", "## See [gone][] too", "see-gone-too"),
    ("image-ref", "## Pic ![alt][r1] end", "pic--end"),
    ("unclosed-bracket", "## An [open bracket", "an-open-bracket"),
    ("unclosed-paren", "## A [link](/x open", "a-linkx-open"),
    ("mailto", "## Mail <mailto:me@x.test> or <me@x.test>", "mail-mextest-or-mextest"),
    ("lt-not-tag", "## 1 < 2 and 3 > 2", "1--2-and-3--2"),
    ("amp-not-entity", "## Fish & chips &x", "fish--chips-x"),
    ("hex-entity", "## Hex &#x41; dec &#66;", "hex-a-dec-b"),
    ("under-emphasis", "## _a_ __b__ ___c___", "a-b-c"),
    ("under-inside-word", "## snake_case _x_y_ end_", "snake_case-x_y-end_"),
    ("under-space", "## _ spaced _ and __ more __", "_-spaced-_-and-__-more-__"),
    ("under-unclosed", "## _open and __bold", "_open-and-__bold"),
    ("star-emphasis", "## *a* **b** ***c***", "a-b-c-1"),
    ("four-dashes", "## a----b", "a-b"),
    ("five-dashes", "## a-----b", "ab"),
    ("six-dashes", "## a------b", "ab-1"),
    ("one-dash", "## a-b - c", "a-b---c"),
    ("footnote-twice", "## Notes[^n] again[^n]", "notes-again"),
    ("liquid-tag", "## Tag {% if true %}yes{% endif %} end", f"tag-{U}yes{U}-end"),
    ("liquid-unknown-var", "## Var {{ page.nothing }} end", f"var-{U}-end"),
    ("liquid-nested", "## Nest {{ site.author.name }}", "nest-me-myself"),
    ("liquid-number", "## Num {{ page.num }}", "num-42"),
    ("liquid-bool", "## Bool {{ page.flag }}", f"bool-{U}"),
    ("numbers-only", "## 2024", "2024"),
    ("connector", "## a\u203fb", "a\u203fb"),
    ("roman", "## \u216b chapter", "\u217b-chapter"),
    ("combining", "## cafe\u0301", "cafe\u0301"),
    ("ial-before", "{: #before-id}\n## IAL Before", "before-id"),
    ("ial-with-class", "## IAL Class\n{: .cls #cls-id}", "cls-id"),
    ("explicit-in-middle", "## Not {#an-id} here", "not-an-id-here"),
    ("explicit-invalid", "## Bad {#1bad}", "bad-1bad"),
    ("dup-x", "## X", "x"),
    ("dup-x-1", "## X 1", "x-1"),
    ("dup-x2", "## X", "x-1"),
]
FRONT = "---\ntitle: T\nnum: 42\nflag: true\n---\n"
TAIL = "\nNote[^n].\n\n[r1]: /r\n[^n]: N\n"
CONFIG = {"title": "Test", "author": {"name": "Me Myself"}}
CONFIG_YML = "title: Test\nauthor:\n  name: Me Myself\nmarkdown: kramdown\nkramdown:\n  input: GFM\n"


def _page() -> str:
    return FRONT + "\n\n".join(h for _, h, _ in HEADINGS) + "\n" + TAIL


def test_first_page_ids() -> None:
    assert heading_ids(Document("p.md", first_page()), {"title": "Test"}) == FIRST_IDS
    assert len(FIRST_IDS) == len(FIRST_HEADINGS)


def test_first_page_targets() -> None:
    found = targets(Document("p.md", first_page()), {"title": "Test"})
    assert found.ids == {i for i in FIRST_IDS if i} | {
        "para-id", "legacy", "fn:1", "fn:note", "fnref:1", "fnref:1:1", "fnref:note", "fnref:note:1",
    }  # fmt: skip
    assert found.patterns == ()


def test_heading_ids() -> None:
    assert heading_ids(Document("p.md", _page()), CONFIG) == [expected for _, _, expected in HEADINGS]


def test_targets_with_liquid_patterns() -> None:
    found = targets(Document("p.md", _page()), CONFIG)
    assert found.ids == {e for _, _, e in HEADINGS if U not in e} | {"fn:n", "fnref:n", "fnref:n:1", "fnref:n:2"}
    assert [p.pattern for p in found.patterns] == [r"tag\-.*yes.*\-end", r"var\-.*\-end", r"bool\-.*"]
    assert "tag-yes-end" in found and "tag-x-yes-y-end" in found and "tag-yes-en" not in found
    assert "bool-true" in found and "bool-\nx" in found  # DOTALL: any text
    assert 3 not in found
    assert found.names() == sorted(found.ids)


def _real_ids(html: str) -> list[str]:
    return [
        (re.search(r'\sid="([^"]*)"', m.group(1)) or re.match("", "")).group(1) or ""
        for m in re.finditer(r"<h[1-6]([^>]*)>", html)
    ]


@requires_jekyll
def test_more_heading_ids_agree_with_jekyll(tmp_path: Path) -> None:
    result = build(tmp_path, {"p.md": _page()}, CONFIG_YML)
    assert not result.failed, result.log
    html = result.html("p.html")
    real = _real_ids(html)
    assert len(real) == len(HEADINGS)
    for (label, _, expected), got in zip(HEADINGS, real, strict=True):
        pattern = ".*".join(re.escape(part) for part in expected.split(U))
        assert re.fullmatch(pattern, got, re.DOTALL), (label, got, expected)
    written = set(re.findall(r"\s(?:id|name)=\"([^\"]+)\"", html))
    assert {i for i in targets(Document("p.md", _page()), CONFIG).ids if i not in written} == set()


# ----- the pieces --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, World!", "hello-world"),
        ("a\tb  c", "a-b--c"),
        ("Ünï-code_x", "ünï-code_x"),
        ("½ ² 2", "--2"),  # No (other numbers) are not word characters; Nd is
        (f"x{U}y", f"x{U}y"),
    ],
)
def test_gfm_slug(text: str, expected: str) -> None:
    assert gfm_slug(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2. Hello `World`!", "hello-world"), ("?!", ""), ("Ünï Code", "n-code"), ("a_b-c d", "ab-c-d"), ("A  B", "a--b")],
)
def test_basic_slug(text: str, expected: str) -> None:
    assert basic_slug(text) == expected


# (heading source, the text kramdown collects for its id) with links [r] and [y], footnote [^n]
TEXT_CASES = [
    ("a [b](c) ![d](e) `f`", "a b  f"),
    ("[x][r] and [y][]", "x and y"),
    ("[x] [y]", "x"),
    ("[^n] [^m]", " [^m]"),
    ("[^n]: def", ": def"),
    ("![alt](i.png)", ""),
    ("[a](</x y>)", "a"),
    ("[a](<x)", "a"),
    ("[a](/x (t)) b", "a b"),
    ("\\_x\\_ \\q", "_x_ \\q"),
    ("x\\", "x\\"),
    ("``a``", "a"),
    ("`` a ``", "a"),
    ("` a `", "` a `"),
    ("`a", "`a"),
    ("<b>bold</b>", "bold"),
    ("<!-- c -->x", "x"),
    ("<http://a.b/c>", "http://a.b/c"),
    ("<mailto:m@x.y>", "m@x.y"),
    ("&lt;&amp;", "<&"),
    ("&nosuch;", "&nosuch;"),
    ("a--b", "ab"),
    ("_a_", "a"),
    ("__a__", "a"),
    ("___a___", "a"),
    ("x_a_", "x_a_"),
    ("_ a_", "_ a_"),
    ("_a _", "_a _"),
    ("_a_b", "_a_b"),
    ("__a_", "_a"),
    ("_[l](u)_", "l"),
    ("[_a_](u)", "a"),
    ("_a __b__ c_", "a b c"),
    ("__ab_", "_ab"),
    ("[y] z", "y z"),
]
TEXT_TAIL = "\n\nx[^n]\n\n[r]: /r\n[y]: /y\n[^n]: N\n"


@pytest.mark.parametrize(("raw", "expected"), TEXT_CASES)
def test_heading_text(raw: str, expected: str) -> None:
    assert heading_text(raw, links={"r", "y"}, notes={"n"}) == expected


@requires_jekyll
def test_heading_text_agrees_with_jekyll(tmp_path: Path) -> None:
    # Each heading starts with its own `T<n>` so that no id repeats.
    page = "---\n---\n" + "\n\n".join(f"## T{i} {raw}" for i, (raw, _) in enumerate(TEXT_CASES)) + TEXT_TAIL
    result = build(tmp_path, {"p.md": page}, CONFIG_YML)
    real = _real_ids(result.html("p.html"))
    assert real == [gfm_slug(f"T{i} {expected}") for i, (_, expected) in enumerate(TEXT_CASES)]
    assert real == heading_ids(Document("p.md", page))


def test_typographic_dashes() -> None:
    assert [k._typographic("a" + "-" * n + "b") for n in range(1, 8)] == ["a-b", "ab", "ab", "a-b", "ab", "ab", "a-b"]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({}, (True, "", True)),
        ({"kramdown": "x"}, (True, "", True)),
        ({"kramdown": {"auto_ids": False}}, (False, "", True)),
        ({"kramdown": {"auto_ids": None}}, (True, "", True)),
        ({"kramdown": {"auto_id_prefix": "p-"}}, (True, "p-", True)),
        ({"kramdown": {"auto_id_prefix": None}}, (True, "", True)),
        ({"kramdown": {"input": "Kramdown"}}, (True, "", False)),
        ({"kramdown": {"input": "GFM"}}, (True, "", True)),
    ],
)
def test_kramdown_options(config: dict[str, object], expected: tuple[bool, str, bool]) -> None:
    assert kramdown_options(config) == expected


def test_prefix_and_the_kramdown_generator() -> None:
    doc = Document("p.md", "---\n---\n## Hello\n\n## ?!\n\n## ?!\n\n## Hello {#own}\n")
    assert heading_ids(doc, {"kramdown": {"auto_id_prefix": "p-"}}) == ["p-hello", "", "p--1", "own"]
    assert heading_ids(doc, {"kramdown": {"input": "kramdown"}}) == ["hello", "section", "section-1", "own"]
    assert heading_ids(doc, {"kramdown": {"auto_ids": False}}) == ["", "", "", "own"]
    assert heading_ids(doc) == ["hello", "", "-1", "own"]


def test_ial_on_the_line_before_or_after() -> None:
    doc = Document("p.md", "---\n---\n{: #first}\n## A\n\n## B\n{: .x #second .y}\n\n## C\n\n  {:#third}\n")
    assert heading_ids(doc) == ["first", "second", "c"]


def test_explicit_id_at_the_end_only() -> None:
    doc = Document("p.md", "---\n---\n## A {#a-id}\n\n## B{#no}\n\n## C {#c} x\n")
    assert heading_ids(doc) == ["a-id", "bno", "c-c-x"]


SETEXT = "---\n---\nintro\n\na\nb\n---\n\nc\n---\n\n{: .x}\nd\n---\n\n{: #own}\n  {: .y}\ne\n---\n\nf\ng\n===\n\n# H\n"


def test_kramdown_headings_drop_setext_lines_kramdown_reads_as_text() -> None:
    doc = Document("p.md", SETEXT)
    headings = kramdown_headings(doc)
    assert [h.text(doc) for h in headings] == ["c", "d", "e", "H"]
    assert [h.line for h in headings] == [9, 13, 18, 25]
    assert heading_ids(doc) == ["c", "d", "own", "h"]
    top = Document("p.md", "Top\n---\n")
    assert [h.text(top) for h in kramdown_headings(top)] == ["Top"]


@requires_jekyll
def test_setext_after_an_ial_agrees_with_jekyll(tmp_path: Path) -> None:
    result = build(tmp_path, {"p.md": SETEXT}, CONFIG_YML)
    assert _real_ids(result.html("p.html")) == ["c", "d", "own", "h"]


def test_liquid_values() -> None:
    front, config = {"t": "T", "n": 3, "f": 1.5, "b": True, "d": {"e": "E"}}, {"s": {"x": "X"}, "l": [1]}
    assert k._liquid_value("{{ page.t }}", front, config) == "T"
    assert k._liquid_value("{{- page.n -}}", front, config) == "3"
    assert k._liquid_value("{{page.f}}", front, config) == "1.5"
    assert k._liquid_value("{{ page.b }}", front, config) == U
    assert k._liquid_value("{{ page.d.e }}", front, config) == "E"
    assert k._liquid_value("{{ page.d }}", front, config) == U
    assert k._liquid_value("{{ site.s.x }}", front, config) == "X"
    assert k._liquid_value("{{ site.l.x }}", front, config) == U
    assert k._liquid_value("{{ page.t | upcase }}", front, config) == U
    assert k._liquid_value("{{ layout.t }}", front, config) == U


def test_liquid_in_a_heading_without_front_matter() -> None:
    assert heading_ids(Document("p.md", "## {{ page.title }} x\n")) == [f"{U}-x"]
    assert heading_ids(Document("p.md", "## a {% raw %}b{% endraw %} c\n")) == ["a-b-c"]
    assert heading_ids(Document("p.md", "## a {% comment %}b{% endcomment %} c\n")) == ["a--c"]


def test_html_ids() -> None:
    text = (
        '<p id="one">x</p> <a name=\'two\'></a> <div class="c" id=three>x</div> <i  ID = "four">'
        ' <p id="{{ x }}"></p> <span data-id="no"></span> id="not-a-tag"'
    )
    assert html_ids(text) == {"one", "two", "three"}


def test_footnote_ids() -> None:
    body = "a[^x] b[^x] c[^y] d[^z]\n\n[^x]: X\n[^y]: Y\n"
    assert footnote_ids(body, {"x", "y"}) == {"fn:x", "fnref:x", "fnref:x:1", "fn:y", "fnref:y"}
    assert footnote_ids("[^x]: only a definition\n", {"x"}) == set()


def test_targets_extra_ids_and_ial_anywhere() -> None:
    doc = Document("p.md", "---\n---\nText\n{: .note #para}\n\n## H\n")
    found = targets(doc, None, frozenset({"from-include"}))
    assert found.ids == {"para", "h", "from-include"}


def test_an_ial_on_the_first_line() -> None:
    assert heading_ids(Document("p.md", "{: #top}\n## H\n")) == ["top"]
