"""The memory-saving shapes of a huge post (issue 21) read exactly as the plain ones: the prose
body masked and cleaned in pieces, the joined prose read piece by piece, and references kept
in columns. Small pieces are forced here, so small posts of our own take every path."""

from __future__ import annotations

import random

import pytest

from reinvent_lint import prose
from reinvent_lint.document import Document
from reinvent_lint.jekyll.references import Reference, References, references
from reinvent_lint.rules import spelling

# Lines that exercise every pattern of prose._clean, Liquid, code, links, tables and typos.
LINES = [
    "Plain words with a tpyo and a [link](https://example.com/a_b) here.",
    "See https://example.org/x_y and www.example.net for more, or mail me@example.com today.",
    "An :emoji: and snake_case and _emphasis_ and __strong__ words _here_.",
    "A [reference][label] and {: .class} and {::nomarkdown}x{:/} end.",
    "Inline `code span` and ``two `ticks` here`` and the the repeated word.",
    '{% include figure.html alt="A gray cat on a mat" src="/cat.png" %}',
    "Liquid {{ page.title }} and {% raw %}{{ x }}{% endraw %} in a line.",
    "It's own fault: could of been, your welcome, let's you in.",
    "| Name | Words in this cell here | x |",
    "|------|------|---|",
    "| a | three words here | 1 |",
    "# A Heading With Words",
    "[label]: https://example.com/defined_target",
    "```\ncode block with tpyo\n```",
    "- a list item with a wrod",
    "> a quoted lien of text",
    "Text[^1] with a footnote.\n\n[^1]: The nott.",
    "Ünïcödé wörds and ſ long s and İstanbul Σίσυφος.",
    "{::comment}\nA hidden paragraph.\n\nAnother hidden one with a tpyo.\n{:/comment}",  # a cut inside a range
    "{% comment %}\nLiquid hides\n\nthis paragraph too.\n{% endcomment %}",
]


def _post(seed: int, with_html: bool) -> str:
    rng = random.Random(seed)
    lines = LINES + (
        ["An <b>HTML</b> tag and <!-- a comment\nover lines --> and <code>x_y</code>."] if with_html else []
    )
    body = "\n\n".join(rng.choice(lines) for _ in range(120))
    return "---\ntitle: A title with a tpyo\ndescription: Some words\n---\n\n" + body + "\n"


@pytest.mark.parametrize("with_html", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_prose_in_small_pieces_reads_as_one_piece(monkeypatch: pytest.MonkeyPatch, seed: int, with_html: bool) -> None:
    text = _post(seed, with_html)
    whole = list(prose.prose_regions(Document("p.md", text)))
    monkeypatch.setattr(prose, "PIECE", 97)  # many cuts, at odd places
    doc = Document("p.md", text)
    pieces, bases = prose._masked_pieces(doc)
    assert (len(pieces) > 1) is not with_html  # a `<` in the body: cleaned whole, one piece
    assert list(prose.prose_regions(doc)) == whole
    assert all(piece.endswith("\n") for piece in pieces[:-1])  # cut at line starts
    assert bases == [0, *(base + len(piece) for base, piece in zip(bases, pieces[:-1]))]


@pytest.mark.parametrize("seed", range(4))
def test_spelling_reads_the_prose_in_pieces_as_one_string(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    from reinvent_lint.engine import check_text

    text = _post(seed, False)
    expected = check_text(text, path="_posts/2024-01-01-p.md")
    assert {p.code for p in expected} >= {"RL501", "RL502", "RL503"}
    monkeypatch.setattr(spelling, "_KEPT", 0)  # never kept whole: read again for each reader
    monkeypatch.setattr(prose.Regions, "pieces", _pieces_of_three)
    monkeypatch.setattr(prose, "PIECE", 89)
    assert check_text(text, path="_posts/2024-01-01-p.md") == expected


def _pieces_of_three(self: prose.Regions, separator: str):  # type: ignore[no-untyped-def]
    """Regions.pieces with three regions a piece (the real one takes 1,024)."""
    texts = [text for _, text, _ in self]
    for at in range(0, max(len(texts), 1), 3):
        yield ("" if at == 0 else separator) + separator.join(texts[at : at + 3])


def test_joined_prose_pieces_cover_the_joined_prose() -> None:
    text = _post(1, False)
    doc = Document("p.md", text)
    joined = prose.prose_regions(doc).join("\n|\n")
    assert "".join(spelling._joined_prose(doc)) == joined
    assert spelling._joined_prose(doc) is spelling._joined_prose(doc)  # a small post's: kept


@pytest.mark.parametrize("keep", [0, 10_000])
def test_references_in_columns_are_the_references(monkeypatch: pytest.MonkeyPatch, keep: int) -> None:
    from reinvent_lint.jekyll import references as module

    monkeypatch.setattr(module, "_KEEP_MADE", keep)  # made at each read, or once and kept
    text = _post(2, True) + "\n\n{% link _posts/x.md %} and {% post_url 2020-01-01-x %} and <a href='/h'>h</a>\n"
    refs = references(Document("p.md", text))
    made = list(refs)
    assert made and all(isinstance(r, Reference) for r in made)
    assert {r.kind for r in made} >= {"link", "definition", "include", "include-param", "liquid-link", "html-href"}
    assert [refs[i] for i in range(len(refs))] == made and refs[-1] == made[-1] and refs[1:3] == made[1:3]
    assert refs == made and refs != made[1:]
    assert References(made) == made
    assert [(r.start, r.kind) for r in made] == sorted((r.start, r.kind) for r in made)
    assert any(r.param for r in made) and any(r.template for r in made) and any(r.liquid for r in made)
    with pytest.raises(IndexError):
        refs[len(refs)]
    refs.add("link", "/added", len(text), len(text))
    assert list(refs) == [*made, Reference("link", "/added", len(text), len(text))]


def test_references_sorted_and_filtered_as_a_list_was() -> None:
    refs = References()
    refs.add("link", "/b", 9, 10, 8)
    refs.add("definition", "/a", 5, 7, 0, "x")
    refs.add("autolink", "/c", 9, 10)
    refs.add("include", "t.html", 1, 7, 0, liquid=None, template="t.html")
    order = sorted(range(4), key=lambda i: (refs[i].start, refs[i].kind))
    assert list(refs._reordered(order)) == sorted(refs, key=lambda r: (r.start, r.kind))
    assert [r.template for r in refs] == ["", "", "", "t.html"] and [r.param for r in refs] == [""] * 4
