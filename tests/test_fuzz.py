"""Property-based fuzzing over a grammar of Jekyll posts.

Default run: a few hundred examples. The long run, kept out of the default suite:
    REINVENT_LINT_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py -q
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reinvent_lint.document import Document
from reinvent_lint.engine import default_linter
from reinvent_lint.fixer import encode, fix_document
from reinvent_lint.problem import Safety
from reinvent_lint.jekyll.site import Site

EXAMPLES = int(os.environ.get("REINVENT_LINT_FUZZ_EXAMPLES", "250"))
word = st.sampled_from(
    ["Aurora", "teh", "serverless", "the", "S3", "its", "it's own", "x", "re:Invent", "Cloudwatch", "é", "🚀"]
)
words = st.lists(word, min_size=0, max_size=6).map(" ".join)
space = st.sampled_from(["", " ", "  ", "\t"])
url = st.sampled_from(
    [
        "https://example.com/a",
        "https:/github.com/x",
        "www.example.com",
        "/assets/a.png",
        "#frag",
        "",
        "{% link _posts/2024-01-01-a.md %}",
        "{{ site.url }}/x",
        "((https://example.com))",
        "htps://x.y",
    ]
)
inline = st.one_of(
    words,
    st.builds(lambda t, u: f"[{t}]({u})", words, url),
    st.builds(lambda t, u: f"![{t}]({u})", words, url),
    st.builds(lambda t, u: f"[{t}] ({u})", words, url),
    st.builds(lambda w: f"`{w}`", words),
    st.sampled_from(
        [
            "{{ page.title }}",
            "{% if x %}",
            "{% endif %}",
            "{%",
            "{{",
            "`",
            "[",
            "(",
            "<a href='/x'>a</a>",
            "<!-- reinvent-lint disable-next-line RL301 -->",
        ]
    ),
)
line = st.lists(inline, min_size=0, max_size=5).map(" ".join)
block = st.one_of(
    st.builds(lambda n, s, t, tail: "#" * n + " " + s + t + tail, st.integers(1, 7), space, line, space),
    line,
    st.builds(
        lambda items: "\n".join(items),
        st.lists(st.builds(lambda ind, t: ind + "* " + t, st.sampled_from(["", "  ", "    "]), line), max_size=4),
    ),
    st.builds(lambda t: f"```\n{t}\n```", line),
    st.builds(lambda t: f"{{% raw %}}\n{t}\n{{% endraw %}}", line),
    st.builds(lambda t: f"{{% highlight ruby %}}\n{t}\n{{% endhighlight %}}", line),
    st.builds(lambda t: f'{{% include candid-image.html src="/a.png" alt="{t}" %}}', words),
    st.builds(lambda t: f"> {t}", line),
    st.just("| a | b |\n| - | - |\n| 1 | 2 |"),
    st.just("---"),
)
front = st.sampled_from(
    [
        "---\ntitle: Fuzz\ntags: [aws]\n---\n",
        "---\ntitle: a: b\n---\n",
        "---\ntitle: x\n",
        "",
        "---\n---\n",
        "---\ntitle: Fuzz\ndate: 2024-13-01\npublished: 'no'\n---\n",
        "\ufeff---\ntitle: bom\n---\n",
    ]
)
post = st.builds(
    lambda fm, blocks, end: fm + "\n" + "\n\n".join(blocks) + end,
    front,
    st.lists(block, max_size=10),
    st.sampled_from(["", "\n", "  \n"]),
)
newline = st.sampled_from(["\n", "\r\n", "\r", "mixed"])  # mixed: LF and CRLF in turn


def _with_endings(text: str, nl: str) -> str:
    if nl != "mixed":
        return text.replace("\n", nl)
    lines = text.split("\n")
    return "".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(lines[:-1])) + lines[-1]


def _endings(data: bytes) -> set[bytes]:
    """The kinds of line break in the bytes: LF, CRLF, lone CR."""
    kinds = set()
    if b"\r\n" in data:
        kinds.add(b"\r\n")
    if b"\n" in data.replace(b"\r\n", b""):
        kinds.add(b"\n")
    if b"\r" in data.replace(b"\r\n", b""):
        kinds.add(b"\r")
    return kinds


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(post, newline)
def test_no_exception_positions_inside_and_fix_idempotent(text: str, nl: str) -> None:
    text = _with_endings(text, nl)
    linter = default_linter()
    site = Site(None)
    path = "_posts/2024-01-01-fuzz.md"
    doc = Document.from_bytes(path, text.encode("utf-8"), kind="post")
    problems, errors = linter.check_document(doc, site, path)
    assert errors == []  # no rule raised
    for p in problems:
        assert 1 <= p.line <= doc.line_count and p.column >= 1
        assert p.column <= len(doc.line_text(p.line)) + 1
    check = lambda d: linter.check_document(d, site, path)[0]
    first = fix_document(doc, check)
    assert not first.refused, first.refused
    fixed = Document(path, first.text, bom=doc.bom, crlf=doc.crlf, kind="post", cr=doc.cr)
    assert _unchanged_blocks(doc, fixed) == _unchanged_blocks(fixed, doc)  # the render property
    again = fix_document(fixed, check)
    assert again.text == first.text
    written = encode(first.text, doc)  # line endings kept: no kind of break the file did not have
    assert _endings(written) <= _endings(text.encode("utf-8")), (text, written)
    if nl == "mixed":
        assert written.count(b"\r\n") == text.count("\r\n")
    assert not [p for p in again.remaining if p.fix and p.fix.safety is Safety.SAFE]


def _unchanged_blocks(doc: Document, other: Document) -> list[str]:
    """The HTML of the blocks of `doc` (rendered as Jekyll would, render.py) whose source lines
    a line diff against `other` leaves untouched: after a fix, the page renders the same there."""
    import difflib

    old, new = doc.text.split("\n"), other.text.split("\n")
    changed: set[int] = set()
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            changed.update(range(max(i1 - 2, 0), i2 + 1))  # an insertion touches its neighbours
    return [b.html for b in doc.rendered if not changed & set(range(b.first, max(b.last, b.first + 1)))]
