"""Heading ids and fragment targets: reinvent-lint's model against real Jekyll (kramdown, GFM input).

Jekyll 4.3 ships kramdown 2.4 with kramdown-parser-gfm 1.1; GitHub Pages (Jekyll 3.9.5) uses
kramdown 2.3/2.4 with the same parser-gfm 1.1 id generator, so these ids hold on both. One build
holds every heading: ids depend on their order (duplicates count up).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reinvent_lint.document import Document
from reinvent_lint.jekyll.kramdown_ids import gfm_slug, heading_ids, heading_text, targets

from .jekyll_site import DEFAULT_CONFIG, build, requires_jekyll

# (label, heading source) in page order. Labels name the kind of trouble for failure messages.
HEADINGS = [
    ("plain", "## Plain heading"),
    ("link", "## Heading with [a link](http://x.com/a_b) inside"),
    ("emphasis", "## *Emphasis* and **strong** and _under_"),
    ("inline-code", "## Inline `code_span` here"),
    ("code-spaces", "## Code with spaces ` x  y ` and ``  z  ``"),
    ("html", '## HTML <span class="x">inside</span> and <img src="a.png" alt="alt">'),
    ("entities", "## Entities &amp; &eacute;t&eacute; &copy; &#169;"),
    ("nbsp", "## &nbsp;nbsp"),
    ("double-dash", "## vite -- 8"),
    ("double-space", "## vite  8"),
    ("dash-runs", "## a --- b ---- c ----- d"),
    ("escaped-dashes", r"## Escaped \*star\* and \_under\_ \-\-"),
    ("image", "## Image ![alt text](i.png) heading"),
    ("image-in-link", "## Badge [![build](b.svg)](http://ci) status"),
    ("footnote", "## Footnote[^1] heading"),
    ("undefined-footnote", "## Missing[^nope] note"),
    ("liquid", "## Liquid {{ page.title }} here"),
    ("liquid-site", "## Site {{ site.title }}"),
    ("dup-a", "## Duplicate"),
    ("dup-b", "## Duplicate"),
    ("dup-c", "## Duplicate-1"),
    ("explicit", "## Custom {#custom-id}"),
    ("ial", "## With IAL\n{: #ial-id}"),
    ("dup-d", "## Duplicate"),
    ("underscores", "## __init__ and snake_case_name"),
    ("underscore-word", "## my_var and _private and trailing_"),
    ("quotes", "## It's \"quoted\" don't"),
    ("unicode", "## Ünïcödé Straße 日本語"),
    ("digits-first", "## 123 numbers first"),
    ("closing-hashes", "## Trailing hashes ##"),
    ("autolink", "## Autolink <https://example.com/a>"),
    ("reference-links", "## Ref [link text][r1] and [undefined][nope] and [r1]"),
    ("strike", "## ~~struck~~ text"),
    ("tabs", "## Tabs\tin\theading"),
    ("punctuation-only", "## ?!"),
    ("punctuation-again", "## ?!"),
    ("question", "## Question? Yes!"),
    ("emoji", "## Ship it 🚀 now"),
    ("html-comment", "## Before <!-- hidden --> after"),
    ("anchor-html", '## <a name="legacy"></a>Anchored'),
    ("setext", "Setext heading\n--------------"),
    ("quoted", "> ## Quoted heading"),
    ("list", "- ## List heading"),
]

PAGE_TAIL = """
Text[^1] and [^note] and again[^note].

<p id="para-id">x</p>

[r1]: http://r.com "Title"
[^1]: One
[^note]: Note
"""


def _page() -> str:
    return "---\ntitle: Page Title\n---\n" + "\n\n".join(h for _, h in HEADINGS) + "\n" + PAGE_TAIL


def _heading_ids(html: str) -> list[str]:
    return [m.group(2) or "" for m in re.finditer(r"<h[1-6]( id=\"([^\"]*)\")?>", html)]


def _model_ids(text: str, config: dict[str, object]) -> list[str]:
    return heading_ids(Document("p.md", text), config)


@requires_jekyll
def test_heading_ids_agree_with_jekyll(tmp_path: Path) -> None:
    result = build(tmp_path, {"p.md": _page()}, DEFAULT_CONFIG.replace("title: Test", "title: Test"))
    assert not result.failed, result.log
    real = _heading_ids(result.html("p.html"))
    model = _model_ids(_page(), {"title": "Test"})
    assert len(real) == len(HEADINGS) == len(model)
    mismatches = [(label, r, m) for (label, _), r, m in zip(HEADINGS, real, model, strict=True) if r != m]
    assert mismatches == []


@requires_jekyll
def test_every_anchor_jekyll_writes_is_a_target(tmp_path: Path) -> None:
    result = build(tmp_path, {"p.md": _page()}, DEFAULT_CONFIG)
    written = set(re.findall(r"\s(?:id|name)=\"([^\"]+)\"", result.html("p.html")))
    model = targets(Document("p.md", _page()), {"title": "Test"})
    assert {i for i in written if i not in model} == set()
    # and nothing certain is invented: every id of the model is in the page
    assert {i for i in model.ids if i not in written} == set()


@requires_jekyll
@pytest.mark.parametrize(
    ("config", "heading", "expected"),
    [
        ("kramdown:\n  auto_id_prefix: 'x-'\n", "## Hello World", "x-hello-world"),
        ("kramdown:\n  input: kramdown\n", "## 2. Hello `World`!", "hello-world"),
        ("kramdown:\n  input: kramdown\n", "## ?!", "section"),
    ],
)
def test_kramdown_options_change_ids(tmp_path: Path, config: str, heading: str, expected: str) -> None:
    result = build(tmp_path, {"p.md": f"---\n---\n{heading}\n"}, "markdown: kramdown\n" + config)
    assert _heading_ids(result.html("p.html")) == [expected]
    import yaml

    assert expected in targets(Document("p.md", f"---\n---\n{heading}\n"), yaml.safe_load(config)).ids


@requires_jekyll
def test_auto_ids_off(tmp_path: Path) -> None:
    result = build(tmp_path, {"p.md": "---\n---\n## Hello\n"}, "kramdown:\n  auto_ids: false\n")
    assert _heading_ids(result.html("p.html")) == [""]
    assert targets(Document("p.md", "---\n---\n## Hello\n"), {"kramdown": {"auto_ids": False}}).ids == frozenset()


def test_unknown_liquid_matches_any_text_but_is_never_suggested() -> None:
    found = targets(Document("p.md", "---\n---\n## Version {{ v | upcase }} notes\n"))
    assert "version-2-notes" in found
    assert "release-notes" not in found
    assert found.names() == []


def test_heading_text_helpers() -> None:
    assert heading_text("a [b](c) ![d](e) `f`") == "a b  f"
    assert gfm_slug("Hello, World!") == "hello-world"


@requires_jekyll
def test_setext_underline_after_a_longer_paragraph_is_no_heading(tmp_path: Path) -> None:
    text = "---\n---\nintro\n\na\nb\n---\n\nc\n---\n\n{% assign x = 1 %}\nd\n---\n\n# A\ne\n===\n"
    result = build(tmp_path, {"p.md": text})
    assert _heading_ids(result.html("p.html")) == ["c", "d", "a"]
    assert heading_ids(Document("p.md", text), {}) == ["c", "d", "a"]


@requires_jekyll
def test_heading_whitespace_is_invisible_on_the_page(tmp_path: Path) -> None:
    # RL205 and RL206 are info: kramdown strips the spaces; RL204's doubled space shows only in the id.
    clean = build(tmp_path / "a", {"p.md": "---\n---\n## Vite 8\n\n## Two\n"}).html("p.html")
    messy = build(tmp_path / "b", {"p.md": "---\n---\n##   Vite  8  \n\n##\tTwo \n"}).html("p.html")
    assert messy.replace('id="vite--8"', 'id="vite-8"').replace("Vite  8", "Vite 8") == clean
    assert 'id="vite--8"' in messy


def test_gfm_slug_of_ascii_text_keeps_what_the_unicode_rule_keeps() -> None:
    from reinvent_lint.jekyll.kramdown_ids import _is_word

    every = "".join(chr(c) for c in range(128))
    expected = "".join(ch for ch in every.lower() if ch in "- \t" or _is_word(ch)).replace(" ", "-").replace("\t", "-")
    assert gfm_slug(every) == expected
    assert gfm_slug("Ça va, ASCII_and Ünïcode 2") == "ça-va-ascii_and-ünïcode-2"
