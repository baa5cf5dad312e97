from __future__ import annotations

import pytest

from reinvent_lint import check_text
from reinvent_lint.document import Document, ReadError, decode
from reinvent_lint.jekyll.front_matter import split
from reinvent_lint.jekyll.liquid import include_params, scan
from reinvent_lint.markdown import find_code_spans

POST = """---
title: Notes
tags: aws
---

# Keynotes

## Aurora  DSQL

## S3 Tables
"""


def _positions(text: str) -> list[tuple[int, int, str]]:
    return [(p.line, p.column, p.code) for p in check_text(text)]


def test_crlf_and_bom_report_the_same_positions_as_lf() -> None:
    lf = _positions(POST)
    assert lf  # the post has problems to compare
    assert _positions(POST.replace("\n", "\r\n")) == lf
    text, bom, crlf = decode(b"\xef\xbb\xbf" + POST.replace("\n", "\r\n").encode())
    assert bom and crlf and text == POST


def test_mixed_line_endings_keep_their_carriage_returns() -> None:
    text, _, crlf = decode(b"a\r\nb\nc\r\n")
    assert not crlf and text == "a\r\nb\nc\r\n"


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"---\ntitle: x\n---\n\xff\xfe bad", "not valid UTF-8", 4),
        (b"abc\x00def", "binary file", 1),
        (b"\xff\xfe" + "---\n".encode("utf-16-le"), "UTF-16", 0),
    ],
)
def test_unreadable_bytes_raise_one_line_errors(data: bytes, message: str, line: int) -> None:
    with pytest.raises(ReadError) as info:
        decode(data)
    assert message in info.value.message and "\n" not in info.value.message
    assert info.value.line == line


def test_front_matter_positions_duplicates_and_errors() -> None:
    fm = split("---\ntitle: a\ntags: [x, y]\ntitle: b\n---\nbody\n")
    assert fm is not None and fm.data == {"title": "b", "tags": ["x", "y"]}
    assert fm.keys["tags"].line == 3 and fm.keys["tags"].value_column == 7
    assert [(k, p.line) for k, p in fm.duplicates] == [("title", 4)]
    broken = split("---\ntitle: a: b\n---\n")
    assert broken is not None and broken.error is not None
    assert broken.error[1:] == (2, 9)


def test_alias_bomb_is_refused_without_expanding() -> None:
    lines = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    lines.append("---")
    fm = split("\n".join(lines) + "\n")
    assert fm is not None and fm.error is not None and "aliases" in fm.error[0]


def test_unclosed_and_non_mapping_front_matter() -> None:
    unclosed = split("---\ntitle: x\n\ntext\n")
    assert unclosed is not None and unclosed.close_line == 0
    listed = split("---\n- a\n- b\n---\n")
    assert listed is not None and listed.error and "mapping" in listed.error[0]


def test_liquid_scan_finds_tags_outputs_raw_and_comment_blocks() -> None:
    text = "a {% link _posts/x.md %} b {{ site.url }}\n{% raw %}{{ not liquid }}{% endraw %}\n{% comment %}x{% endcomment %} {% if"
    result = scan(text)
    names = [(s.kind, s.name) for s in result.spans]
    assert names == [("tag", "link"), ("output", ""), ("tag", "raw"), ("tag", "endraw"), ("comment", "comment")]
    assert [b.name for b in result.bodies] == ["raw"]
    assert result.errors and result.errors[0].message.startswith("unclosed Liquid tag")


def test_include_params_with_positions() -> None:
    text = "{% include candid-image.html src=\"/a.png\" alt='An image' width=300 %}"
    span = scan(text).spans[0]
    template, params = include_params(text, span)
    assert template == "candid-image.html"
    assert [(p.name, p.value, text[p.value_start : p.value_end]) for p in params] == [
        ("src", "/a.png", "/a.png"), ("alt", "An image", "An image"), ("width", "300", "300"),
    ]  # fmt: skip


def test_code_spans_follow_commonmark() -> None:
    text = "a `code` b ``x ` y`` c \\`not` d `unclosed"
    spans = [text[s:e] for s, e in find_code_spans(text, 0, len(text))]
    assert spans == ["`code`", "``x ` y``", "` d `"]


def test_pathological_backticks_finish() -> None:
    text = "`" * 50_000 + "\n" + "[" * 50_000 + "\n" + "(" * 50_000 + "\n"
    doc = Document("x.md", text)
    assert doc.code_spans == []
    assert doc.headings == []


def test_liquid_is_masked_for_the_parser_and_highlight_bodies_are_code() -> None:
    text = "---\ntitle: x\n---\n{% highlight md %}\n# not a heading\n{% endhighlight %}\n\n# Real\n"
    doc = Document("p.md", text)
    assert [h.text(doc) for h in doc.headings] == ["Real"]
    assert doc.in_code(text.index("# not"))
    assert not doc.in_code(text.index("# Real"))
