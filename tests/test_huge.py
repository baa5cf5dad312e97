"""Huge inputs are read in bounded pieces: the pieces give exactly what the whole gives."""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path

import pytest

from reinvent_lint.pieces import pieces
from reinvent_lint.prose import WORD_TOKEN, distinct_words

_PARTS = ["a", "bc", "it's", "it’s", " ", "  ", "\n", "\t", "x.y", "_", "/", "'", "é", "Σ", "teh", "|"]


@pytest.mark.parametrize("seed", range(5))
def test_pieces_cover_the_text_and_cut_only_before_a_space_or_line_break(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(400):
        text = "".join(rng.choice(_PARTS) for _ in range(rng.randint(0, 200)))
        size = rng.randint(1, 30)
        cuts = list(pieces(text, size))
        assert "".join(text[a:b] for a, b in cuts) == text
        assert all(text[a] in " \n" for a, _ in cuts[1:])
        found: set[str] = set()
        for a, b in cuts:
            found.update(WORD_TOKEN.findall(text, a, b))
        assert found == set(WORD_TOKEN.findall(text))


def test_a_long_text_without_spaces_is_one_piece_up_to_its_first_break() -> None:
    text = "x" * 50 + "\n" + "y" * 10
    assert list(pieces(text, 8)) == [(0, 50), (50, 61)]
    assert list(pieces("z" * 40, 8)) == [(0, 40)]


def test_distinct_words_of_a_long_text_are_those_of_the_whole() -> None:
    text = "Teh cat's hat, the dog’s bone.\n" * 5000 + "last-word here"
    assert len(text) > 2 * 65536  # more than one piece
    assert distinct_words(text) == {"Teh", "cat", "hat", "the", "dog", "bone", "last", "word", "here"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a b c", False), ("a b B c", True), ("x " * 40000 + "y", True), (" ".join(map(str, range(30000))), False)],
)
def test_twice_in_a_row_reads_a_long_text_in_pieces(text: str, expected: bool) -> None:
    from reinvent_lint.rules.spelling import _twice_in_a_row

    assert _twice_in_a_row(text) is expected
    tokens = text.lower().split()
    assert any(a == b for a, b in itertools.pairwise(tokens)) is expected


def test_twice_in_a_row_finds_a_pair_across_a_cut() -> None:
    from reinvent_lint.rules.spelling import _twice_in_a_row

    text = " ".join(f"w{i}" for i in range(20000))
    assert not _twice_in_a_row(text)
    _, cut = next(pieces(text))  # text[cut] is the space after the last word of the first piece
    last = text[text.rfind(" ", 0, cut) + 1 : cut]
    twice = text[:cut] + " " + last.upper() + text[cut:]
    assert next(pieces(twice))[1] == cut  # the pair straddles the cut
    assert _twice_in_a_row(twice)


@pytest.mark.parametrize("seed", range(3))
def test_the_site_vocabulary_of_a_long_text_is_that_of_the_whole(seed: int) -> None:
    import re

    from reinvent_lint import speller

    rng = random.Random(seed)
    parts = ["Word", "don't", " ", "\n", "`code span`", "`", "``` \nfenced block\n```\n", "x'y", "é", "ab"]
    text = "".join(rng.choice(parts) for _ in range(60000))
    site_word = re.compile(r"[A-Za-z][A-Za-z']*[A-Za-z]")
    assert speller.words_of(text) == set(site_word.findall(text))
    chunks = [m.group() for m in re.finditer(r"^ {0,3}(```|~~~).*?^ {0,3}\1", text, re.DOTALL | re.MULTILINE)]
    chunks += re.findall(r"`[^`\n]+`", text)
    assert speller.code_words_of(text) == {w.lower() for w in site_word.findall("\n".join(chunks))}


def test_links_are_collected_only_when_their_verdicts_are_looked_up_or_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from reinvent_lint import pipeline
    from reinvent_lint.link_cache import LinkCache, Verdict

    from .conftest import linter_for, write_site

    url = "https://example.invalid/gone"
    root = write_site(tmp_path, {"_posts/2024-01-01-a.md": f"---\ntitle: A\n---\n\nSee [it]({url}).\n"})
    calls: list[str] = []
    real = pipeline.occurrences
    monkeypatch.setattr(pipeline, "occurrences", lambda doc: calls.append(doc.path) or real(doc))

    def run(result_cache: bool) -> list[str]:
        linter = linter_for(root)  # links mode `cached`: no request, only what the link cache knows
        linter.use_result_cache = result_cache
        return [p.code for p in linter.check_paths([], jobs=1).problems]

    assert run(False) == [] and calls == []  # no link cache: nothing would be looked up
    assert run(True) == [] and len(calls) == 1  # stored in the result cache: collected
    cache = LinkCache(root / ".reinvent-lint-cache", 7 * 86400, 6 * 3600)
    cache.put([Verdict(url, "dead", 404, "HTTP 404", checked_at=time.time())])
    cache.close()
    assert run(False) == ["RL410"] and len(calls) == 2
    assert run(True) == ["RL410"] and len(calls) == 2  # its stored links, from the result cache


def test_prose_regions_are_cut_from_one_masked_body_in_order() -> None:
    from reinvent_lint.document import Document
    from reinvent_lint.prose import prose_regions, prose_text

    text = (
        "---\ntitle: A title here\n---\n\n"
        "First paragraph with `code` and a [link](https://example.com/x).\n\n"
        '<img src="/a.png" alt="An alt text"> after it.\n\n'
        "| Name | Words in this cell here |\n|---|---|\n| x | three words here |\n\n"
        "Last one.\n"
    )
    doc = Document("p.md", text)
    regions = prose_regions(doc)
    listed = list(regions)
    assert listed == sorted(listed) and len(regions) == len(listed) and regions[-1] == listed[-1]
    assert list(regions) == listed  # read again: the same
    assert [(o, s) for o, s, _ in listed] == list(prose_text(doc))
    by_text = {s.strip(): (o, t) for o, s, t in listed}
    assert by_text["A title here"] == (text.index("A title"), False)
    assert by_text["An alt text"] == (text.index("An alt"), False)
    assert "First paragraph with |||||| and a [link](|||||||||||||||||||||)." in by_text
    cells = [s for _, s, in_table in listed if in_table]
    assert cells and all("Name" not in s and "x |" not in s for s in cells)  # data cells masked
    assert any("Words in this cell here" in s for s in cells)


def test_inline_links_in_and_out_of_code_across_many_code_ranges() -> None:
    from reinvent_lint.document import Document
    from reinvent_lint.jekyll.references import references

    rng = random.Random(7)
    parts = [
        "[a](/x) ",
        "`[b](/in-code)` ",
        "``x [c](/in-code) x`` ",
        "[d](/y)[e](/z) ",
        "\n\n",
        "```\n[f](/in-code)\n```\n",
    ]
    text = "".join(rng.choice(parts) for _ in range(3000))
    doc = Document("p.md", text)
    refs = references(doc)
    openers = [m.start() for m in re.finditer(r"\[[a-f]\]\(", text)]
    outside = [at for at in openers if not doc.in_code(at)]  # Document.in_code: bisection
    assert 0 < len(outside) < len(openers)
    assert [r.label_start for r in refs] == outside
    assert [(r.start, r.kind) for r in refs] == sorted((r.start, r.kind) for r in refs)
    assert len({id(r.target) for r in refs}) == len({r.target for r in refs})  # a repeated target: one string


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(https://x.org/a) b", (1, 16, 17)),  # the one-match path
        ("() b", (1, 1, 2)),
        ("( /a ) b", (2, 4, 6)),  # spaces: the general path, as before
        ("(/a b) c", (1, 5, 6)),
        ("(/a(b)) c", (1, 6, 7)),
        ('(/a "t") c', (1, 3, 8)),
        ("(/a\n) c", (1, 3, 5)),
        ("(/a", None),
        ("(<a b>) c", (2, 5, 7)),
    ],
)
def test_link_destinations_with_and_without_the_one_match_path(text: str, expected: object) -> None:
    from reinvent_lint.markdown import link_destination

    assert link_destination(text, 1, len(text)) == expected


def test_the_next_link_start_is_what_the_pattern_search_finds() -> None:
    from reinvent_lint.jekyll.references import _LINK_START, _next_link_start

    rng = random.Random(5)
    parts = ["!", "[", "]", "(", ")", "a", "\\", "\n", " ", "![", "](", "[x]"]
    for _ in range(20000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 16)))
        for pos in range(min(3, len(text)) + 1):
            found, expected = _next_link_start(text, pos, len(text)), _LINK_START.search(text, pos, len(text))
            assert (found and (found.span(), found.groups())) == (expected and (expected.span(), expected.groups()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a `b` c", [(2, 5)]),  # two backticks: read by find
        ("a `` c", []),  # one run of two
        ("\\`b` c", []),  # escaped: the general path
        ("\\\\`b` c", [(2, 5)]),  # the backslash is escaped, not the backtick
        ("a ``b`` c", [(2, 7)]),
        ("`a` `b`", [(0, 3), (4, 7)]),
        ("a ` b", []),
        ("no code", []),
    ],
)
def test_code_spans_with_and_without_the_two_backtick_path(text: str, expected: list[tuple[int, int]]) -> None:
    from reinvent_lint.markdown import find_code_spans

    assert find_code_spans(text, 0, len(text)) == expected


def test_blocks_read_as_columns_give_the_blocks_their_tokens_say() -> None:
    from reinvent_lint.document import Block, Document

    text = "Para one\nstill one\n\n# Head\n\n- item\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nLast para\n"
    doc = Document("p.md", text)
    blocks = doc.blocks
    made = list(blocks)
    assert [b.kind for b in made] == list(blocks.kinds)
    assert made[0] == Block("paragraph", 1, 2, 0, text.index("\n\n"))
    assert "heading" in blocks.kinds and "table" in blocks.kinds and made[-1].kind == "paragraph"
    assert [blocks[i] for i in range(len(blocks))] == made and blocks[-1] == made[-1]
    assert blocks == made and blocks != made[1:]
    with pytest.raises(IndexError):
        blocks[len(blocks)]
    for lo in range(len(made) + 1):  # a slice is a view over the same columns
        view = blocks[lo:]
        assert list(view) == made[lo:] and len(view) == len(made) - lo
        assert list(view.kinds) == [b.kind for b in made[lo:]]
        assert list(view[1:]) == made[lo + 1 :] and list(blocks[lo : lo + 2]) == made[lo : lo + 2]
        if lo < len(made):
            assert view[0] == made[lo] and view[-1] == made[-1]


@pytest.mark.parametrize("count", [0, 1, 1023, 1024, 1025, 3000])
def test_prose_regions_joined_in_batches_are_the_regions_joined(count: int) -> None:
    from reinvent_lint.document import Spans
    from reinvent_lint.prose import Regions

    body = "".join(f"w{i} " for i in range(count))
    starts = [m.start() for m in re.finditer(r"w\d+", body)]
    segments = Spans((s, body.index(" ", s)) for s in starts)
    extra = [(1, "extra", False)] if count % 2 else []
    cut = starts[len(starts) // 2] if starts else 0  # the body in two pieces, cut at a segment
    for parts, bases in (([body], [0]), ([body[:cut], body[cut:]], [0, cut])):
        regions = Regions(parts, bases, segments, {}, extra)
        assert [text for _, text, _ in regions if text != "extra"] == [body[s:e] for s, e in segments]
        joined = "\n|\n".join(text for _, text, _ in regions)
        assert regions.join("\n|\n") == joined
        batches = list(regions.pieces("\n|\n"))
        assert "".join(batches) == joined and all(b.startswith("\n|\n") for b in batches[1:])
        assert len(batches) == max(1, -(-len(regions) // 1024))
    assert Regions([""], [0], Spans(), {}, []).join("|") == ""


def test_apostrophe_needles_are_found_across_the_windows_of_a_long_prose() -> None:
    from reinvent_lint.rules.spelling import _needles_in

    needles = [" of ", "r welcome", "its a"]
    for at in (0, (1 << 20) - 4, (1 << 20) - 1, 1 << 20, 3 << 20):  # across a window's end, and not
        text = "x" * at + "Your Welcome" + "y" * 10
        assert _needles_in(text, needles) == {"r welcome"}
    assert _needles_in("", needles) == set()


@pytest.mark.parametrize("result_cache_on", [False, True])
def test_a_huge_file_is_checked_without_its_bytes_once_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, result_cache_on: bool
) -> None:
    from reinvent_lint import pipeline, result_cache

    from .conftest import linter_for

    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "_posts").mkdir()
    post = "---\ntitle: Huge\n---\n\nTeh first line. \n\n" + "A plain paragraph of words here.\n\n" * 100
    (tmp_path / "_posts" / "2024-01-01-huge.md").write_text(post)
    (tmp_path / "_posts" / "2024-01-02-small.md").write_text("---\ntitle: Small\n---\n\nTeh small one. \n")
    seen: list[tuple[str, int, int, int]] = []
    released = pipeline._Slot.released

    def spy(slot: pipeline._Slot) -> pipeline._Slot:
        result = released(slot)
        original = slot.unit.original if slot.unit else b""
        seen.append((slot.target.display, slot.size, len(slot.data), len(original)))
        return result

    def run() -> list[tuple[str, int, str]]:
        linter = linter_for(tmp_path)
        linter.use_result_cache = result_cache_on
        return [(p.path, p.line, p.code) for p in linter.check_paths([], jobs=1).problems]

    before = run()
    monkeypatch.setattr(result_cache, "HUGE", 2000)  # the first post is huge now, the second is not
    monkeypatch.setattr(pipeline._Slot, "released", spy)
    assert run() == before and {code for _, _, code in before} >= {"RL501", "RL601"}
    sizes = {name.rsplit("-", 1)[-1]: (size, data, original) for name, size, data, original in seen}
    assert sizes["huge.md"] == (len(post.encode()), 0, 0)  # size kept, bytes released
    small = len((tmp_path / "_posts" / "2024-01-02-small.md").read_bytes())
    if result_cache_on:
        assert "small.md" not in sizes  # its stored findings reused: never parsed
    else:
        assert sizes["small.md"] == (small, small, small)  # a file the cache may store keeps its bytes
