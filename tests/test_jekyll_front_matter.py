"""reinvent_lint.jekyll.front_matter: the block as Jekyll splits it, and its YAML with positions.

Jekyll's delimiter rule (a first line `---` with optional trailing blanks, closed by `---` or `...`)
is built in tests/test_jekyll_model.py (unclosed, TOML, YAML errors); here every offset, line and
column is pinned.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reinvent_lint.jekyll.front_matter import (
    MAX_EXPANDED_NODES,
    FrontMatter,
    KeyPosition,
    ScalarPosition,
    detect_other_format,
    split,
)


def test_block_offsets_lines_and_data() -> None:
    text = '---\ntitle: a\ntags: [x, "y"]\ntitle: a\n...\nbody'
    fm = split(text)
    assert fm is not None
    assert (fm.open_line, fm.close_line, fm.yaml_start, fm.yaml_end, fm.body_offset) == (1, 5, 4, 37, 41)
    assert text[fm.yaml_start : fm.yaml_end] == 'title: a\ntags: [x, "y"]\ntitle: a\n'
    assert text[fm.body_offset :] == "body"
    assert fm.data == {"title": "a", "tags": ["x", "y"]}
    assert fm.keys == {"title": KeyPosition(4, 1, 4, 8), "tags": KeyPosition(3, 1, 3, 7)}
    assert fm.duplicates == [("title", KeyPosition(4, 1, 4, 8))]
    assert fm.same_duplicates == {4}
    assert fm.scalars == {
        "title": [ScalarPosition("a", 31, 32, False)],
        "tags": [ScalarPosition("x", 16, 17, False), ScalarPosition("y", 19, 22, True)],
    }
    assert fm.error is None


def test_positions_are_file_lines_and_columns() -> None:
    fm = split("---\n\n  \nkey:   value\nlist:\n  - 'one'\n  - two\n---\n")
    assert fm is not None
    assert fm.keys == {"key": KeyPosition(4, 1, 4, 8), "list": KeyPosition(5, 1, 6, 3)}
    assert fm.scalars["list"] == [ScalarPosition("one", 27, 32, True), ScalarPosition("two", 37, 40, False)]
    assert fm.scalars["key"] == [ScalarPosition("value", 11, 16, False)]


def test_nested_mapping_values_have_no_scalars() -> None:
    fm = split("---\nauthor:\n  name: x\n---\n")
    assert fm is not None and fm.scalars == {"author": []} and fm.data == {"author": {"name": "x"}}


def test_duplicates_repeating_the_same_scalar() -> None:
    fm = split('---\na: 1\na: 2\nb: x\nb: x\nc: "x"\nc: x\nd: 1\nd: "1"\ne: [x]\ne: [x]\n---\n')
    assert fm is not None
    assert [key for key, _ in fm.duplicates] == ["a", "b", "c", "d", "e"]
    assert fm.same_duplicates == {5, 7}  # `d: "1"` is a string, not the number 1; lists are not compared
    assert fm.data == {"a": 2, "b": "x", "c": "x", "d": "1", "e": ["x"]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\n---\n", FrontMatter(1, 2, 4, 4, 8, data={})),
        ("--- \t\n  \n---  \nx", FrontMatter(1, 3, 6, 9, 15, data={})),
        ("---\na: 1\n---", FrontMatter(1, 3, 4, 9, 12, data={"a": 1})),
        ("---\n# only a comment\n---\nx", FrontMatter(1, 3, 4, 21, 25, data={})),
        ("---", FrontMatter(1, 0, 3, 3, 3)),
        ("---\na: 1\n", FrontMatter(1, 0, 4, 9, 9)),
        ("---\na: 1\n----\n", FrontMatter(1, 0, 4, 14, 14)),
    ],
)
def test_block_shapes(text: str, expected: FrontMatter) -> None:
    fm = split(text)
    assert fm is not None
    assert (fm.open_line, fm.close_line, fm.yaml_start, fm.yaml_end, fm.body_offset, fm.data) == (
        expected.open_line,
        expected.close_line,
        expected.yaml_start,
        expected.yaml_end,
        expected.body_offset,
        expected.data,
    )


@pytest.mark.parametrize("text", ["", "title: x\n---\n", " ---\n---\n", "----\n---\n", "--- x\n---\n", "\n---\n---\n"])
def test_no_block(text: str) -> None:
    assert split(text) is None


@pytest.mark.parametrize(
    ("yaml_text", "error"),
    [
        ("- a\n", ("front matter must be a mapping of keys to values, not a list", 2, 1)),
        ("\n\njust\n", ("front matter must be a mapping of keys to values, not a single value", 4, 1)),
        ("a: [\n", ("while parsing a flow node did not find expected node content", 3, 1)),
        ("a: 1\n  b: 2\n", ("mapping values are not allowed in this context", 3, 4)),
        ("? [a]\n: 1\n", ("while constructing a mapping found unhashable key", 2, 3)),
    ],
)
def test_yaml_errors_name_the_file_line(yaml_text: str, error: tuple[str, int, int]) -> None:
    fm = split("---\n" + yaml_text + "---\nbody\n")
    assert fm is not None
    assert fm.error == error
    assert fm.data is None


def test_an_impossible_date_stays_a_string_and_a_good_one_is_a_date() -> None:
    fm = split("---\nbad: 2024-13-01\ngood: 2024-01-02\nstamp: 2024-01-02 10:20:00 +01:00\n---\n")
    assert fm is not None and fm.data is not None
    assert fm.data["bad"] == "2024-13-01"
    assert fm.data["good"] == dt.date(2024, 1, 2)
    assert fm.data["stamp"] == dt.datetime(2024, 1, 2, 9, 20, tzinfo=dt.timezone.utc)


def test_non_string_keys_become_strings() -> None:
    fm = split("---\n1: one\nnull: x\n---\n")
    assert fm is not None and fm.data == {"1": "one", "None": "x"}
    assert set(fm.keys) == {"1", "null"}


def _bomb(copies: int, extra: str = "") -> str:
    # `a` is a list of 8,332 values (8,333 nodes); `b` repeats it `copies` times. The whole data:
    # the mapping (1) + key a (1) + 8,333 + key b (1) + list b (1) + copies * 8,333 (+ extra).
    return "---\na: &a [" + ", ".join(["x"] * 8332) + "]\nb: [" + ", ".join(["*a"] * copies) + extra + "]\n---\n"


def test_aliases_up_to_the_limit_load() -> None:
    assert MAX_EXPANDED_NODES == 100_000
    fm = split(_bomb(11))  # 4 + 12 * 8,333 = 100,000 nodes
    assert fm is not None and fm.error is None and fm.data is not None
    assert len(fm.data["b"]) == 11


def test_an_alias_bomb_is_refused() -> None:
    fm = split(_bomb(11, ", 1"))  # 100,001 nodes
    assert fm is not None
    assert fm.error == ("YAML aliases expand to more than 100,000 values (an alias bomb?); not loaded", 2, 1)
    assert fm.data is None
    laughs = "---\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(9)
    )
    fm = split(laughs + "---\n")
    assert fm is not None and fm.error is not None and fm.error[0].startswith("YAML aliases expand")


def test_a_recursive_alias_is_counted_once() -> None:
    fm = split("---\na: &a [1, *a]\n---\n")
    assert fm is not None
    assert fm.error is None and fm.data is not None and fm.data["a"][0] == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+++\ntitle = 'x'\n+++\n", "TOML"),
        ("+++ \n", "TOML"),
        ('{\n  "title": "x"\n}\nbody\n', "JSON"),
        ('{\n  "title": "x"\n}  \n', "JSON"),
        ('{\n  "title": "x"\n', None),
        ('{"title": "x"}\n}\n', None),
        ("---\ntitle: x\n---\n", None),
        ("text\n+++\n", None),
    ],
)
def test_detect_other_format(text: str, expected: str | None) -> None:
    assert detect_other_format(text) == expected


_REMEMBERED = [
    "title: a\ntags: [x, y]\ntitle: a\nlayout: post\n",
    "date: 2016-09-06 12:17:05 -0400\nupdated: 2016-09-07\nat: 2020-01-02T03:04:05.25Z\nlocal: 2020-01-02 03:04:05\n",
    "bad_date: 2024-13-01\nset: !!set {a, b}\nblob: !!binary aGk=\nnested: {2016-01-01: x, 3: [1.5, null, true]}\n",
    "title: [unclosed\n",
    "- a list\n- not a mapping\n",
    "a: &x [1, 2]\nb: *x\n'quoted': \"v\"\n",
]


def _typed(value: object) -> object:
    """The value with the type of every part, a set's members in a fixed order (its repr's order
    follows string hashes, which differ per process)."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, (set, frozenset)):
        return (type(value).__name__, sorted(repr(_typed(v)) for v in value))
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    return (type(value).__name__, repr(value))


@pytest.mark.parametrize("yaml_text", _REMEMBERED)
def test_front_matter_remembered_from_the_cache_is_the_front_matter_parsed(yaml_text: str) -> None:
    """The result cache keeps a post's front matter (`packed`, in marshal's types); read back by
    `remember` for the same YAML text it gives exactly what PyYAML gives: data and its types
    (dates, times with and without offsets, sets, bytes, non-string keys), positions, duplicates,
    errors."""
    import marshal

    from reinvent_lint.jekyll import front_matter

    text = f"---\n{yaml_text}---\nbody\n"
    parsed = split(text)
    assert parsed is not None
    blob = front_matter.packed(parsed, text)
    assert blob is not None and marshal.loads(blob)[0] == yaml_text
    front_matter.remember(blob)
    loader = front_matter._loader_class

    def refused() -> None:
        raise AssertionError("PyYAML asked for front matter the cache holds")

    try:
        front_matter._loader_class = refused  # type: ignore[assignment]
        again = split(text)
    finally:
        front_matter._loader_class = loader  # type: ignore[assignment]
        front_matter._KNOWN.clear()
    assert again == parsed
    assert again is not None and _typed(again.data) == _typed(parsed.data)  # the same types, not only equal


def test_remembered_front_matter_is_used_only_for_its_own_text() -> None:
    import marshal

    from reinvent_lint.jekyll import front_matter

    text = "---\ntitle: a\n---\n"
    parsed = split(text)
    assert parsed is not None
    blob = front_matter.packed(parsed, text)
    assert blob is not None
    entry = marshal.loads(blob)
    front_matter.remember(marshal.dumps((*entry[:1], {"title": "remembered"}, *entry[2:])))
    front_matter.remember(b"damaged")  # ignored
    try:
        assert split(text) is not None and split(text).data == {"title": "remembered"}  # type: ignore[union-attr]
        assert split("---\ntitle: b\n---\n").data == {"title": "b"}  # type: ignore[union-attr]
    finally:
        front_matter._KNOWN.clear()


def test_front_matter_handed_on_is_taken_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the URL table's read of a post's YAML gave is the post's own read (issue 18: a cold
    run parsed each post's front matter twice), once: a second read parses it again."""
    from reinvent_lint.jekyll import front_matter

    text = "---\ntitle: Handed on\ndate: 2024-01-02\ntags: [a, b]\ntags: [a, b]\n---\nBody\n"
    parsed = split(text)
    handed = split(text, hand_on=True)
    real_load = front_matter._load

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("the YAML was parsed again")

    monkeypatch.setattr(front_matter, "_load", refused)
    taken = split(text)
    assert taken == parsed == handed
    assert taken is not None and handed is not None and taken.data is handed.data  # handed on, not copied
    monkeypatch.setattr(front_matter, "_load", real_load)
    again = split(text)
    assert again == parsed and again is not None and taken.data is not again.data  # not shared twice


def test_a_cold_run_parses_each_posts_yaml_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reinvent_lint.document import Document
    from reinvent_lint.jekyll import front_matter
    from reinvent_lint.jekyll.site import Site

    (tmp_path / "_posts").mkdir()
    (tmp_path / "_config.yml").write_text("title: A site\n")
    posts = [tmp_path / "_posts" / f"2024-01-0{n}-post.md" for n in (1, 2)]
    for n, post in enumerate(posts):
        post.write_text(f"---\ntitle: Post {n}\npermalink: /p{n}/\n---\nBody {n}\n")
    loads: list[str] = []
    real_load = front_matter._load

    def counted(fm: FrontMatter, source: str, line_offset: int) -> None:
        loads.append(source)
        real_load(fm, source, line_offset)

    monkeypatch.setattr(front_matter, "_load", counted)
    assert set(Site(tmp_path).urls.urls) >= {"/p0/", "/p1/"}
    docs = [Document.read(post, post.name, "post") for post in posts]
    assert [doc.front_matter.data["title"] for doc in docs if doc.front_matter and doc.front_matter.data] == [
        "Post 0",
        "Post 1",
    ]
    assert len(loads) == 2
