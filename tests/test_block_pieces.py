"""`markdown.parse_blocks` reads runs of plain paragraphs itself and the rest with markdown-it,
in segments: its tokens must be exactly markdown-it's over the whole text, whatever the mix."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reinvent_lint.document import Document, ReadError
from reinvent_lint.markdown import BlockTokens, _parser, parse_blocks

LINES = [
    "Plain words here",
    "another plain line with | a pipe",
    "Text then <b>html</b>",
    "",
    "   ",
    "\t",
    "- item",
    "* item",
    "1. item",
    "2) item",
    "  - nested item",
    "    indented code",
    "> quote",
    ">",
    "# Heading",
    "## Heading ##",
    "===",
    "---",
    "***",
    "```",
    "```python",
    "~~~",
    "````",
    "  ```",
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "<pre>",
    "<?php",
    "?>",
    "<![CDATA[",
    "]]>",
    "<!DOCTYPE html>",
    "| a | b |",
    "|---|---|",
    "a | b",
    "--|--",
    "[ref]: https://example.com",
    "[^1]: A footnote",
    "    continued footnote",
    "xxxxxxxxxxxxxxx",
    "A line > with a bracket",
    "Tab\tinside",
    "![An image](/a.png)",
    "(A parenthesis",
    '"Quoted" words',
    "\u00c9t\u00e9 en fran\u00e7ais",
    "\u00a0non-breaking space first",
    "\\# an escaped hash",
    "{: .note}",
    "2019 was a year",
    "1234567890. ten digits",
    "[link](https://example.com) first",
    '[ref]: /path "Title"',
    "[ref]: javascript:alert(1)",
    '"title on its own line"',
    ":--|--:",
    "`code` first",
    "*Emphasis* first",
    "**Strong** first",
    "** not a list",
    "*\tlist",
    "[^1] not a note",
    "[a]",
    "[![image](/a.png)](/b)",
    "#hashtag",
    "#### Four",
    "[Ref two]: https://example.com/a_(b) 'Title'",
    "[r]: /a(b",
    "[r]: /a)b",
    "[r]: /a&amp;b",
    "[r]: javascript&colon;alert(1)",
    "[r]: data:text/html,x",
    "[r]: /x (Title)",
    "[r]:/x",
    "[r]: /x y",
    "[r]:",
    "   /on-the-next-line",
    "'Title on the next line'",
    '[r]: /x "Title',
    'continued"',
    "[^a[b]: a footnote whose label holds a bracket",
    "[^a\\b]: a footnote whose label holds a backslash",
    "    an indented line",
    "[@user]: https://example.com/u",
    "[`code`]: /x",
    "[#12]: /issues/12",
    "[\u00a0]: /x",
    "[\u00e9t\u00e9]: /x",
    "[ a]: /x",
    "[*]: /x",
    "- [link](/x) first in an item",
    "- `code` first in an item",
    "- _emphasis_ first in an item",
    "- **strong** first in an item",
    "-   item after three spaces",
    "-     item after five spaces",
    "-\titem after a tab",
    "+ plus item",
    "10. ordered item",
    "1) ordered item",
    "123456789. nine digits",
    "- [a]: /x",
    "- [^1]: note in an item",
    "- * * *",
    "- ___",
    "- _",
    "- # heading in an item",
    "- > quote in an item",
    "- 1. nested ordered",
    "-",
    "1.",
    "  continued, indented",
    "   `code` continued",
    "  _emphasis_ continued",
    "  [link](/x) continued",
    "      deeply indented continuation",
    "\t\ttab-indented continuation",
    "___",
    "_ _ _",
    "_emphasis_ first",
    "__dunder__ first",
    "_ not emphasis",
    "_\tnot emphasis",
    "- - -",
    "*\t*\t*",
    "___ not a rule",
    "-- -",
    "-  -  -  -",
    "**",
]


def _key(tokens: object) -> list[tuple[object, ...]]:
    return [
        (t.type, t.tag, t.nesting, t.level, list(t.map) if t.map else None, t.markup, t.info)  # type: ignore[attr-defined]
        for t in tokens  # type: ignore[attr-defined]
    ]


def _same(text: str) -> None:
    pieces = parse_blocks(text)
    expected = _parser(True).parse(text)
    assert _key(pieces) == _key(expected)
    assert len(pieces) == len(expected)


@settings(max_examples=int(os.environ.get("REINVENT_LINT_FUZZ_EXAMPLES", "600")), deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=40), st.booleans())
def test_tokens_match_markdown_it(lines: list[str], final_newline: bool) -> None:
    _same("\n".join(lines) + ("\n" if final_newline else ""))


def test_plain_paragraphs_are_read_without_markdown_it() -> None:
    tokens = parse_blocks("First para\nstill first\n\nSecond\n\n- a list\n\nThird\n")
    assert isinstance(tokens, BlockTokens)
    assert list(tokens.plain_paragraphs()) == [(0, 2), (3, 4), (7, 8)]
    parsed = ["bullet_list_open", "list_item_open", "paragraph_open", "inline", "paragraph_close"]
    assert [t.type for t in tokens.parsed()] == [*parsed, "list_item_close", "bullet_list_close"]


def test_a_fence_left_open_across_plain_runs_is_read_again() -> None:
    body = "\n\n".join(f"Plain {i}" for i in range(30))
    for text in (f"Intro\n\n```\n{body}\n```\n\nAfter\n", f"Intro\n\n```\n{body}\n", f"<!--\n\n{body}\n\n-->\n\nEnd\n"):
        _same(text)


def test_a_plain_paragraph_that_a_heading_underline_follows() -> None:
    _same("One\n\nTwo\nthree\n===\n\nFour\n")
    _same("One\n\nTwo\n- item\n\nFour\n")
    _same("One\n\nTwo\n    lazy\n\nFour\n")
    _same("One\n\nTwo\nthree | four\n--|--\nfive | six\n\nSeven\n")  # a table interrupts it
    _same("One\n\nTwo\nthree\nfour\n|---|\n\nFive\n")
    _same("Intro\n\n" + "words\n" * 500 + "---\n\nEnd\n")  # a long setext heading


def test_a_long_paragraph_before_another_kind_of_line_is_not_read_twice() -> None:
    """markdown-it reads only its last line (the others are plain): linear, and fast."""
    tokens = parse_blocks("Intro\n\n" + "words\n" * 1000 + "- item\n")
    assert [len(p) for p in tokens.pieces if isinstance(p, list)] == [10]  # the paragraph's 3, the list's 7
    assert next(iter(tokens.parsed())).map == [2, 1002]


@pytest.mark.parametrize(
    "text",
    [
        "Intro\n\n[a]: /x\n'Title on the next line'\n\nEnd\n",
        '[a]: /x\n"Title"\n',
        "[a]: /x\n[b]: /y\ncontinued paragraph\n",
        "[a]: /x\n===\n",
        "[a]: /x\n|---|\n",
        "[a]: /x\n- item\n\n[b]: /y\n",
        "[a]: /x\n    indented\n\nText\n",
        "- item\n\n[a]: /x\n\n  not in the item\n",
        "> quote\n\n[a]: /x\n> quote again\n",
        "```\n\n[a]: /x\n\n```\n\n[b]: /y\n",
        "<!--\n\n[a]: /x\n\n-->\n",
        "[a]: javascript:alert(1)\n\n[b]: JAVASCRIPT:x\n\n[c]: java&#115;cript:x\n\n[d]: mailto:a@b.c\n",
        '[a]: /a(b)c "T"\n[b]: /a((b))\n[c]: /a(b\n[d]: /a)b\n\nText\n',
        "[a]: " + "(" * 33 + ")" * 33 + "\n\n[b]: " + "(" * 32 + ")" * 32 + "\n",
        '[a]: /x "T" trailing\n\n[b]: /x \'T\n\n[c]: /x (T (U))\n',
        "[" + "a" * 300 + "]: /x\n\n[ ]: /x\n\n[^1]: /x\n",
        "[a]: /x\t\n[b]:\t/y\t'T'\t\n[c]: /x  \n",
        "Text\n\n[a]: /x",
        "[a]: /x\n\n\n",
        "Text.\n\n[^a[b]: a footnote whose label holds a bracket\n\n    Its second paragraph.\n",
    ],
)
def test_reference_definitions_match_markdown_it(text: str) -> None:
    _same(text)
    _same("Intro\n\n" + text)


@pytest.mark.parametrize(
    "text",
    [
        "# One\n## Two ##\n###### Six\n####### Seven\n#\n#\tTab\n#NoSpace\n\nText\n",
        "# A | B\n--|--\n\n# C | D\n\n# E\n--|--\n",
        "# Title\n===\n\n# Title\nText right after\n- item\n",
        "```\ncode\n```\n```python\nmore\n```\nText\n",
        "````\n```\nstill code\n````\n\n~~~ info `ticks`\n~~~~\n",
        "```\n  ```\n\n```\n    ```\ncode\n```\n\n```\n\t```\ncode\n```   \n\n```\n \t```\ncode\n```\n",
        "``` info `tick`\nnot a fence\n```\n",
        "```a|b\n-|-\n```\n",
        "```\nunclosed\n\nText\n",
        "```\n```",
        "~~~\n~~~\n\n\n",
        "```\n\n# not a heading\n\n[a]: /not-a-definition\n\n```\n",
        "- item\n\n```\nfence after a list\n```\n\n# After\n",
        "> quote\n\n# Heading\n> quote\n",
        "Para\n# Heading\nPara\nmore\n```\ncode\n```\nPara\n```a`b\nPara\n#hashtag\n",
        "Para\n```\nunclosed\n\nText\n",
        "Para\nmore\n# a | b\n--|--\n",
        "*Emphasis* then\n# Heading\n\n[Link](/x) then\n```\ncode\n```\n",
        "[a]\n: /x\n\n[b]\n\n[c]: /y\n",
        "Text\n\n* item\n\n*emphasis*\n\n** two\n\n***\n\n*\ttab\n\n**strong**\n- item\n",
        "Text\n[a]: /x\n---\n\nText\n[b]: /y\n- item\n\nText\n[^1]: note\n\nText\n`code`\n```\nfence\n```\n",
        "Text\n`code`\n===\n\nText\n*emphasis*\n--|--\n\nText\n[link](/x)\n- item\n\nText\n``not a fence``\n",
        "    code\n\n\tmore\n  \n      \n   not code\n\n    a | b\n    --|--\n\n \tcode\n    \x0c\n\n",
        "Text\n    lazy\n\n    code\n   \n",
        "- item\n\n    item text\n\n    code?\n",
        "<!-- one -->\n<!-->\n<!-- two\n\nlines -->after\nText\n\n<!-- a | b -->\n--|--\n\n<!-- open\n\nText\n",
        "Text\n<!-- ends the paragraph -->\n\n<div>\n\n<!--\n-->",
        "<div>\ntext\n  \t\nafter\n\n<DIV class='x'>\n\n</p>\n\n<divx>\n\n<img src='a.png'>\n\n<div>\nno blank",
        "<script>\n\nvar a;\n</script>\n\n<pre>\n\n</pre>\n\n<?php\n\n?>\n\n<!X\n\n>\n\n<div class='a|b'>\n--|--\n\nafter\n",
    ],
)
def test_headings_and_fences_match_markdown_it(text: str) -> None:
    _same(text)
    _same("Intro\n\n" + text)


@pytest.mark.parametrize(
    "text",
    [
        "- one\n- two\n- three\n\nText\n",
        "- one\n\n- two\n\n\n- three\n\n\nText\n",  # loose: an item's lines take the blank lines in
        "- one\ncontinued lazily\n  and indented\n- two\n\nText\n",
        "* [a](/x) link\n* `code`\n* **strong**\n* _em_\n\n+ plus\n+ list\n\nText\n",
        "- one\n* star: another list\n\nText\n",
        "1. one\n2. two\n10. ten\n\n1) one\n2. other delimiter\n\nText\n",
        "3. starts at three\n4. four\n\nText\n",
        "-   three spaces\n-    four\n-     five: code\n\nText\n",
        "- one\n\n  second paragraph\n\nText\n",
        "- one\n  - nested\n\nText\n",
        "- one\n  ===\n\nText\n",
        "- one\n  ---\n\nText\n",
        "- one\n- [a]: /x\n- [^1]: note\n\nText\n",
        "- one\n[a]: /x\n\nText\n",
        "- * * *\n- ___\n- _ _ _\n\n* * *\n\nText\n",
        "- one\n  | a | b |\n  |---|---|\n\nText\n",
        "- one\n- two",
        "- one\n- two\n   ",
        "- one\n\n\n",
        "1. one\n\n\t\n2. two\n\nText\n",
    ],
)
def test_simple_lists_match_markdown_it(text: str) -> None:
    _same(text)
    _same("Intro\n\n" + text)


def test_simple_lists_are_read_without_markdown_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A list whose items each hold one paragraph is read here (most lists of real posts)."""
    text = "Intro\n\n- [a](/x) one\n  continued\n\n- two\n\n1. one\n2. _two_\n\nEnd\n"
    expected = _key(_parser(True).parse(text))

    def refused(source: str, env: object) -> object:
        raise AssertionError(f"markdown-it asked for {source!r}")

    monkeypatch.setattr("reinvent_lint.markdown._parse_segment", refused)
    assert _key(parse_blocks(text)) == expected


def test_underscore_paragraphs_rules_and_definitions_of_any_label_are_read_without_markdown_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "Intro\n\n_Note:_ emphasis first\n__init__.py too\n\n[@a]: https://x.org/a\n[`b`]: /b\n[#1]: /c\n\n"
    text += "* * *\n\n# Title\n---\n___\nEnd\n"
    expected = _key(_parser(True).parse(text))

    def refused(source: str, env: object) -> object:
        raise AssertionError(f"markdown-it asked for {source!r}")

    monkeypatch.setattr("reinvent_lint.markdown._parse_segment", refused)
    assert _key(parse_blocks(text)) == expected


def test_reference_definitions_are_read_without_markdown_it() -> None:
    """A run of one-line definitions after a blank line makes no token and no markdown-it piece."""
    tokens = parse_blocks("Intro\n\n[a]: https://example.com/a\n[b]: /b 'B'\n\n[c]: /c\n")
    assert [len(p) for p in tokens.pieces if isinstance(p, list)] == []
    assert list(tokens.plain_paragraphs()) == [(0, 1)]


def test_headings_and_fences_are_read_without_markdown_it() -> None:
    tokens = parse_blocks("# Title\n\n```sh\nls\n```\nText\n\n## End\n")
    assert [[t.type for t in p] for p in tokens.pieces if isinstance(p, list)] == [
        ["heading_open", "inline", "heading_close"],
        ["fence"],
        ["heading_open", "inline", "heading_close"],
    ]
    assert list(tokens.plain_paragraphs()) == [(5, 6)]


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this clone")
def test_real_posts_match_markdown_it() -> None:
    """Real blogs' posts, as the rules parse them (Liquid masked): one in five of each blog."""
    posts = sorted(p for p in CORPUS.glob("*/**/*") if p.suffix in (".md", ".markdown") and p.is_file())
    assert posts
    for post in posts[::5]:
        try:
            doc = Document.from_bytes(str(post), post.read_bytes())
        except ReadError:
            continue
        _same(doc.masked)


def test_a_plain_lines_first_character_is_the_class_the_comment_names() -> None:
    """`_PLAIN`'s class is written as what it excludes (a range up to U+10FFFF is slow to
    compile); it must match exactly the characters of the class it stands for."""
    import re

    from reinvent_lint.markdown import _PLAIN

    named = re.compile(r"""[A-Za-z!"$%&'(),./;?@\\\]^{}\x80-\U0010ffff]""")
    written = re.compile(_PLAIN)
    for code in range(0x110000):
        char = chr(code)
        expected = bool(named.fullmatch(char)) or (char.isdigit() and char.isascii())
        assert bool(written.match(char + " ")) == expected, hex(code)


# ----- what markdown-it said, remembered from the post's last check (markdown.remember) -----
def _remembered(text: str, earlier: str) -> BlockTokens:
    """The blocks of `text`, parsed with what markdown-it said about `earlier` remembered."""
    from reinvent_lint import markdown

    markdown._KNOWN_SEGMENTS.clear()
    markdown._KNOWN_KINDS.clear()
    try:
        markdown.remember(markdown.packed(parse_blocks(earlier)))
        return parse_blocks(text)
    finally:
        markdown._KNOWN_SEGMENTS.clear()
        markdown._KNOWN_KINDS.clear()


@settings(max_examples=int(os.environ.get("REINVENT_LINT_FUZZ_EXAMPLES", "600")), deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=40), st.integers(0, 40), st.sampled_from(LINES), st.booleans())
def test_remembered_tokens_match_markdown_it_after_an_edit(
    lines: list[str], at: int, replacement: str, final_newline: bool
) -> None:
    """A post edited anywhere: the segments it shares with its last check come from memory, the
    rest from markdown-it (whose `env`, the labels of the segments read before, is then missing
    what the remembered segments defined); the tokens are markdown-it's over the whole text."""
    earlier = "\n".join(lines) + ("\n" if final_newline else "")
    edited = [*lines[:at], replacement, *lines[at + 1 :]]
    text = "\n".join(edited) + ("\n" if final_newline else "")
    remembered = _remembered(text, earlier)
    expected = _parser(True).parse(text)
    assert _key(remembered) == _key(expected)


def test_a_remembered_post_asks_markdown_it_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from reinvent_lint import markdown

    earlier = (
        "Intro.\n\n<div>\nhtml\n</div>\n\n- a list\n- of two\n\n> a quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nEnd.\n"
    )
    text = earlier.replace("Intro.", "Intro, edited.").replace("End.", "The end.") + "\nOne more paragraph.\n"
    expected = _key(_parser(True).parse(text))
    markdown.remember(markdown.packed(parse_blocks(earlier)))
    try:
        monkeypatch.setattr(markdown, "_parse_segment", lambda *args: pytest.fail("markdown-it asked"))
        monkeypatch.setitem(sys.modules, "markdown_it.rules_block.html_block", None)  # importing it fails
        assert _key(parse_blocks(text)) == expected
    finally:
        markdown._KNOWN_SEGMENTS.clear()
        markdown._KNOWN_KINDS.clear()


@pytest.mark.parametrize(
    "blob",
    [
        None,
        b"",
        b"not marshal",
        "text",
        __import__("marshal").dumps((1, ((b"k", (("paragraph_open", "p", 1, 0, (0, 1), "", ""),)),))),  # too short
        __import__("marshal").dumps((9, (), ())),  # another layout
        __import__("marshal").dumps((1, ((b"k", (("paragraph_open", "p", "1", 0, (0, 1), "", ""),)),), ())),
        __import__("marshal").dumps((1, ((b"k", (("paragraph_open", "p", 1, 0, (0,), "", ""),)),), ())),
        __import__("marshal").dumps((1, (), (("<div>", "6"),))),
        __import__("marshal").dumps((1, ((1, 2),), ())),
    ],
    ids=["none", "empty", "junk", "str", "short", "layout", "nesting", "map", "kind", "pair"],
)
def test_a_damaged_packing_is_ignored(blob: object) -> None:
    """A damaged cache entry is never trusted: the text is parsed by markdown-it as without it."""
    from reinvent_lint import markdown

    text = "- a list\n\n<div>\nhtml\n</div>\n"
    try:
        markdown.remember(blob)
        assert not markdown._KNOWN_SEGMENTS and not markdown._KNOWN_KINDS
        assert _key(parse_blocks(text)) == _key(_parser(True).parse(text))
    finally:
        markdown._KNOWN_SEGMENTS.clear()
        markdown._KNOWN_KINDS.clear()


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this clone")
def test_real_posts_remembered_match_markdown_it() -> None:
    """Real blogs' posts (one in five of each blog), edited in their first and last paragraphs
    and parsed with what markdown-it said about them before."""
    posts = sorted(p for p in CORPUS.glob("*/**/*") if p.suffix in (".md", ".markdown") and p.is_file())
    assert posts
    for post in posts[2::5]:
        try:
            doc = Document.from_bytes(str(post), post.read_bytes())
        except ReadError:
            continue
        text = doc.masked
        edited = "Edited first.\n\n" + text + "\n\nEdited last.\n"
        assert _key(_remembered(edited, text)) == _key(_parser(True).parse(edited)), post
