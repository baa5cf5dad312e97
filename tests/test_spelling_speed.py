"""The fast paths of the spelling rules read exactly what the plain ones read (issue 15, speed)."""

from __future__ import annotations

import os
import random
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from reinvent_lint import check_text
from reinvent_lint.prose import WORD_TOKEN, distinct_words, normalize

# letters, every character the word pattern treats specially, spaces of several kinds, non-ASCII
_ALPHABET = "abcXYZ'’\"‘-.,;:!?()[]{}|*_~/\\@#$%&+=<>^`0 \n\t\xa0é“”"


def _by_regex(text: str) -> set[str]:
    return {normalize(w) for w in WORD_TOKEN.findall(text)}


def test_distinct_words_equal_the_word_pattern_on_random_text() -> None:
    rng = random.Random(15)
    for _ in range(30_000):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 14)))
        assert distinct_words(text) == _by_regex(text), repr(text)


@pytest.mark.parametrize(
    "text",
    [
        "Plain words, (in brackets) and [link text]; it's *emphasis*, “quoted”, 'tis well-known.",
        "a.b snake_case path/to x.y. end. _under_ |||masked||| word's rock'n'roll e.g. 5TB café",
    ],
)
def test_distinct_words_on_prose(text: str) -> None:
    assert distinct_words(text) == _by_regex(text)


def test_fenced_blocks_equal_the_fence_pattern_on_random_text() -> None:
    from reinvent_lint.speller import fenced_blocks

    fence = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1", re.DOTALL | re.MULTILINE)  # what it replaced

    rng = random.Random(18)
    parts = ["`", "```", "````", "~~~", "~", "\n", " ", "  ", "a", "\n   ```", "\n    ```", "\n~~~", "\n  ~~~ x"]
    for _ in range(30_000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 24)))
        assert fenced_blocks(text) == [m.group() for m in fence.finditer(text)], repr(text)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("You could of told me.", True),
        ("You could of course tell me.", False),
        ("It would be one of them.", False),
        ("This lets you go; let's them go.", True),
        ("Let's you and me go.", True),
        ("Let's go, you.", False),
        ("You muſt of known.", True),  # a long s matches `s` in the pattern's IGNORECASE
        ("You mİght of known.", True),  # a dotted capital I matches `i` there, and lower() makes it two
        ("You coulK of known.", False),  # a Kelvin sign is no `d`: searched, not found
    ],
)
def test_apostrophe_confusion_prefilter_keeps_every_match(text: str, found: bool) -> None:
    codes = [p.code for p in check_text("---\ntitle: Notes\n---\n\n" + text + "\n")]
    assert ("RL503" in codes) == found


def test_site_vocabulary_words_equal_the_site_word_pattern() -> None:
    from reinvent_lint.speller import _SITE_WORD, words_of

    rng = random.Random(18)
    for _ in range(30_000):
        text = "".join(rng.choice("abXY'’-._0 \n\té\u0130\u017f") for _ in range(rng.randint(0, 14)))
        assert words_of(text) == set(_SITE_WORD.findall(text)), repr(text)


def test_one_edit_agrees_with_the_built_edits() -> None:
    from reinvent_lint.speller import _edits, one_edit

    rng = random.Random(21)
    for _ in range(20_000):
        word = "".join(rng.choice("abcab'Xé") for _ in range(rng.randint(0, 6)))
        other = "".join(rng.choice("abcab'Xé") for _ in range(rng.randint(0, 6)))
        if word and rng.random() < 0.6:  # most pairs one random edit apart
            i, letter = rng.randrange(len(word) + 1), rng.choice("abX'")
            other = rng.choice(
                [word[:i] + word[i + 1 :], word[:i] + word[i + 1 : i + 2] + word[i : i + 1] + word[i + 2 :],
                 word[:i] + letter + word[i + 1 :], word[:i] + letter + word[i:]]
            )  # fmt: skip
        assert one_edit(word, other) == (other in _edits(word)), (word, other)


def test_edits_joined_and_split_equal_the_edits_made_one_by_one() -> None:
    from reinvent_lint.speller import _edits, _edits_plain

    rng = random.Random(22)
    for _ in range(5_000):
        word = "".join(rng.choice("abcqz'Xé\n") for _ in range(rng.randint(0, 9)))
        assert _edits.__wrapped__(word) == _edits_plain(word), repr(word)


def _write_posts(root: Path, texts: dict[str, str]) -> Path:
    """`root/_posts` holding these posts (file name: text)."""
    posts = root / "_posts"
    posts.mkdir()
    for name, text in texts.items():
        (posts / name).write_text(text)
    return posts


def test_site_vocabulary_updated_in_place_equals_a_recount(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # one edited, one removed and one new post: the cached sums are mended file by file (the old
    # words of a changed file taken out), and give what counting every file again gives
    from reinvent_lint import cache
    from reinvent_lint.jekyll.site import Site
    from reinvent_lint.rules.spelling import site_words

    (tmp_path / "_config.yml").write_text("title: Sums\n")
    texts = {
        "2024-01-01-a.md": "Alpha beta Gamma.\n\n```\nfrobnicate()\n```\n",
        "2024-01-02-b.md": "Beta gamma delta, with `quuxify` in code.\n",
        "2024-01-03-c.md": "Gamma epsilon beta.\n",
    }
    posts = _write_posts(tmp_path, texts)

    def recount() -> tuple[Counter[str], set[str]]:
        with monkeypatch.context() as m:
            m.setenv("REINVENT_LINT_CACHE_DIR", "off")
            return site_words(Site(tmp_path))

    assert site_words(Site(tmp_path)) == recount()
    (posts / "2024-01-01-a.md").write_text("Alpha zeta, and no code any more.\n")  # frobnicate gone
    (posts / "2024-01-02-b.md").unlink()  # delta and quuxify gone
    (posts / "2024-01-04-d.md").write_text("Theta `quuxify` beta.\n")
    os.utime(posts / "2024-01-01-a.md", ns=(1, 1))  # a new modification time, whatever the clock
    with monkeypatch.context() as m:  # mended from the sums alone: the per-file cache is not read
        m.setattr(cache, "PerFile", None)
        counts, code = site_words(Site(tmp_path))
    assert (counts, code) == recount()
    assert "delta" not in counts and counts["beta"] == 2 and "frobnicate" not in code and "quuxify" in code
    assert site_words(Site(tmp_path)) == (counts, code)  # the mended sums, read back


def test_site_vocabulary_sums_of_another_shape_are_counted_again(tmp_path: Path) -> None:
    # a cached entry that is not what this version writes is recounted, never a traceback
    from reinvent_lint import cache
    from reinvent_lint.jekyll.site import Site
    from reinvent_lint.rules.spelling import SITE_CACHE, site_words

    (tmp_path / "_posts").mkdir()
    post = tmp_path / "_posts" / "2024-01-01-a.md"
    post.write_text("Alpha beta.\n")
    first = site_words(Site(tmp_path))
    stamp = cache.load(SITE_CACHE, str(tmp_path))[0]
    stamp["_posts/2024-01-01-a.md"] = (0, 0)  # the post looks changed: the sums are mended
    cache.store(SITE_CACHE, str(tmp_path), (stamp, {"Alpha": "one"}, {}, {"_posts/2024-01-01-a.md": "x\0"}))
    assert site_words(Site(tmp_path)) == first
    cache.store(SITE_CACHE, str(tmp_path), (stamp, {"Alpha": "one"}, {}, {"_posts/2024-01-01-a.md": "x\0"}, {}, {}, ""))
    assert site_words(Site(tmp_path)) == first


def test_speller_tables_kept_with_the_vocabulary_equal_tables_made_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the speller's tables (posts using each word in any case, the site's commonest form of it)
    # are stored beside the cached sums and mended with them: a word's commonest form changes
    # when the post that made it the commonest changes, or a new form overtakes it (ties by the form)
    from reinvent_lint.jekyll.site import Site
    from reinvent_lint.rules.spelling import _site_vocabulary
    from reinvent_lint.speller import Speller, site_tables

    texts = {
        "2024-01-01-a.md": "KubeVirt Kubevirt zeta.\n",
        "2024-01-02-b.md": "KubeVirt kubevirt zeta Zeta.\n",
        "2024-01-03-c.md": "Kubevirt kubevirt ZETA.\n",
    }
    posts = _write_posts(tmp_path, texts)

    def check() -> None:
        counts, _, tables = _site_vocabulary(Site(tmp_path))
        assert tables == site_tables(counts)
        with monkeypatch.context() as m:
            m.setenv("REINVENT_LINT_CACHE_DIR", "off")
            recounted = _site_vocabulary(Site(tmp_path))[0]
        assert counts == recounted
        assert Speller(counts, tables=tables).site_totals == Speller(recounted).site_totals

    check()  # counted, stored
    assert _site_vocabulary(Site(tmp_path))[2] == ({"kubevirt": 6, "zeta": 4}, {"kubevirt": "KubeVirt"})
    check()  # read back
    for step, text in enumerate(["kubevirt zeta.\n", "ZETA ZETA Kubevirt.\n", "1, 2, 3.\n"]):
        (posts / "2024-01-03-c.md").write_text(text)
        os.utime(posts / "2024-01-03-c.md", ns=(step + 1, step + 1))
        check()  # mended
    (posts / "2024-01-02-b.md").unlink()
    check()
    assert _site_vocabulary(Site(tmp_path))[2] == ({"kubevirt": 2, "zeta": 1}, {"kubevirt": "KubeVirt"})
    (posts / "2024-01-04-d.md").write_text("Kubevirt.\n")  # a changed form overtakes the commonest
    check()
    assert _site_vocabulary(Site(tmp_path))[2] == ({"kubevirt": 3, "zeta": 1}, {"kubevirt": "Kubevirt"})
    (posts / "2024-01-01-a.md").write_text("KubeVirt zeta.\n")  # the commonest loses a post
    os.utime(posts / "2024-01-01-a.md", ns=(9, 9))
    check()
    assert _site_vocabulary(Site(tmp_path))[2] == ({"kubevirt": 2, "zeta": 1}, {"kubevirt": "KubeVirt"})


def test_past_the_first_flagged_words_uses_are_counted_the_same_way() -> None:
    """A word the post writes three times is the author's (not reported); past the first few
    flagged words of a post its uses come from one count of the prose's letter runs, not a scan of
    the prose per word (quadratic on a post of thousands of flagged words), with the same bounds:
    `frobnizzles` is not a use of `frobnizzle`."""
    from reinvent_lint.rules import spelling

    others = " ".join(f"zq{a}{b}vx" for a in "bcdfg" for b in "hjklmnp")  # 35 unknown words, once each
    body = (
        f"{others}.\n\nOne frobnizzle, two frobnizzle, three frobnizzle.\n\n"
        "A wizzlebop, one more wizzlebop, and wizzlebops or wizzlebopping.\n"
    )
    found = [p.snippet for p in check_text(f"---\ntitle: Notes\n---\n\n{body}") if p.code in ("RL501", "RL504")]
    assert found.count("wizzlebop") == 2 and "frobnizzle" not in found
    assert len(others.split()) > spelling._SCANS  # the two words are counted, not scanned for


def test_needles_found_through_their_anchors_are_those_found_one_by_one() -> None:
    from reinvent_lint.rules.spelling import _NEEDLES, _needles_in_lowered

    rng = random.Random(503)
    parts = ["could", "would", "should", "must", "might", " of ", " of", "ld of", "let's ", "you", "them", " own",
             "it's", "'s", "'re", "there", "r welcome", "its a", " ", "x"]  # fmt: skip
    for _ in range(20_000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 12)))
        assert _needles_in_lowered(text, _NEEDLES) == {n for n in _NEEDLES if n in text}, repr(text)


def test_names_in_targets_answer_as_the_set_of_their_words() -> None:
    from reinvent_lint.rules.spelling import _TARGET_WORD, _Named

    rng = random.Random(501)
    parts = ["ab", "Ab", "abc", "ABC", "b", "x", "/", "-", "_", "1", "'", "\n", " ", "é", "\u212a", ".", "abcd"]
    asked = ["ab", "abc", "abcd", "b", "x", "bab", "a", "ab'c", "", "abé", "k", "Ab"]
    for _ in range(5_000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 16)))
        words = {w.lower() for w in _TARGET_WORD.findall(text)}
        named = _Named(text)
        for word in asked:
            assert (word in named) == (word in words), (text, word)
            assert sorted(set(named.starting(word))) == sorted(w for w in words if w.startswith(word)), (text, word)


def test_words_among_are_the_segment_words_wanted() -> None:
    from reinvent_lint.prose import segment_words, words_among

    rng = random.Random(16)
    wanted = {"abc", "X", "a", "it's", "b'c", "c"}
    for _ in range(20_000):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 14)))
        assert list(words_among(7, text, wanted)) == [w for w in segment_words(7, text) if w[0] in wanted], repr(text)


def test_names_starting_with_a_prefix_are_what_the_prefix_pattern_finds() -> None:
    """`_Named.starting` finds runs by `str.find`, not by a pattern compiled per prefix."""
    from reinvent_lint.rules.spelling import _Named

    rng = random.Random(502)
    parts = ["ab", "abc", "b", "x", "abab", "/", "-", " ", "\n", "1", "c"]
    for _ in range(10_000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 14)))
        for prefix in ("ab", "abc", "b", "ba", "xab"):
            named = _Named(text)
            assert named.starting(prefix) == re.findall(rf"(?<![a-z]){prefix}[a-z]*", text), (text, prefix)


def test_a_words_uses_are_the_matches_of_its_bounded_pattern() -> None:
    """`_count_word` counts in the lowered prose what the case-insensitive pattern with letter
    bounds counts in the prose, including around the characters where lowering and IGNORECASE
    differ (they take the pattern's path)."""
    from reinvent_lint.rules.spelling import _count_word

    rng = random.Random(504)
    parts = ["ab", "AB", "aB", "a", "b", "'", "’", " ", "|", "é", "É", "\u212a", "\u017f", "\u0130", "\u0131", "k",
             "s", "i", "ab'", "x"]  # fmt: skip
    for _ in range(20_000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 12)))
        for word in ("ab", "a", "ab'ab", "k", "s", "i", "abab", "b'"):
            pattern = re.compile(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", re.IGNORECASE)
            assert _count_word(text, text.lower(), word) == len(pattern.findall(text)), (text, word)


def test_near_cased_site_names_are_found_the_same_from_the_listed_cased_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the first questions, `_site_cased_near` compares a word with the site's words written
    with capitals (by first letter and length) instead of looking up its edits: the same names."""
    from reinvent_lint import speller as module
    from reinvent_lint.speller import Speller

    rng = random.Random(505)
    stems = ["paperfaces", "kubevirt", "clearcontainers", "opengl", "glfw", "ab", "abc", "papers", "containers"]
    stems += ["postgres", "github"]  # names of the word data that are no English words

    def slip(word: str) -> str:
        i = rng.randrange(len(word))
        return rng.choice([word[:i] + word[i + 1 :], word[:i] + "x" + word[i:], word[:i] + "q" + word[i + 1 :], word])

    found = 0
    for _ in range(500):
        counts: Counter[str] = Counter()
        for _ in range(rng.randint(1, 30)):
            word = slip(rng.choice(stems))
            form = "".join(c.upper() if rng.random() < 0.3 else c for c in word)
            counts[rng.choice([word, form, form.capitalize()])] += rng.randint(1, 6)
        asked = ["".join(c.upper() if rng.random() < 0.4 else c for c in slip(rng.choice(stems))) for _ in range(10)]
        monkeypatch.setattr(module, "_CASED_DIRECT", 1_000_000)
        direct = [Speller(counts)._site_cased_near(w) for w in asked]
        monkeypatch.setattr(module, "_CASED_DIRECT", 0)
        listed = [Speller(counts)._site_cased_near(w) for w in asked]
        assert listed == direct, (counts, asked)
        found += sum(map(bool, direct))
    assert found > 10  # (names were found: the test compares something)


def test_a_word_twice_in_a_row_is_found_as_in_the_whole_lowered_text() -> None:
    from reinvent_lint.rules.spelling import _twice_in_a_row

    rng = random.Random(502)
    parts = ["the", "The", "THE", "a", " ", "\n", "|", "x", "\u0130", "i\u0307", ",", "\t"]
    for _ in range(20_000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 10)))
        tokens = text.lower().split()
        assert _twice_in_a_row(text) == any(a == b for a, b in pairwise(tokens)), repr(text)


def test_a_blanked_range_is_a_mask_per_character_with_its_line_breaks_kept() -> None:
    # `_blank` translates ASCII text in C; the answer is the line-by-line one it replaced
    from reinvent_lint.prose import MASK, _blank

    def by_lines(text: str) -> str:
        return "\n".join(MASK * len(line) for line in text.split("\n"))

    rng = random.Random(15)
    for i in range(4000):
        alphabet = "ab \n\r\t|`x" if i % 2 else "ab \n\r\t|`xé\u2028\u00a0"
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert _blank(text) == by_lines(text), repr(text)


def test_regions_merge_their_extra_texts_as_the_heap_merge_does() -> None:
    # Regions splices the extra regions (alt texts, title) into the inline ones in C; the order is
    # what heapq.merge gave, ties on an offset included (then the text decides, then inline first)
    import heapq

    from reinvent_lint.document import Spans
    from reinvent_lint.prose import Regions

    rng = random.Random(18)
    for _ in range(3000):
        text = "".join(rng.choice("ab c") for _ in range(60))
        starts = sorted(rng.sample(range(50), rng.randint(0, 8)))
        spans = Spans((s, s + rng.randint(0, 9)) for s in starts)
        cut = rng.choice([None, *starts[1:]]) if starts else None  # one piece or two
        pieces, bases = ([text], [0]) if cut is None else ([text[:cut], text[cut:]], [0, cut])
        if cut is not None:
            spans = Spans((s, min(e, cut)) if s < cut else (s, e) for s, e in spans)
        tables = {i: "t" * rng.randint(0, 3) for i in range(len(starts)) if rng.random() < 0.2}
        inline = list(Regions(pieces, bases, spans, tables, [])._inline_pieces())
        extra = []
        for _ in range(rng.randint(0, 4)):
            offset = rng.choice([*starts, rng.randint(0, 60)])
            extra.append((offset, rng.choice(["", "a", "b", "ab", text[offset : offset + 3]]), rng.random() < 0.5))
            if inline and rng.random() < 0.3:
                extra.append(rng.choice(inline))  # a tie: the inline region first
        regions = Regions(pieces, bases, spans, tables, extra)
        assert list(regions._inline()) == inline
        assert list(regions) == list(heapq.merge(inline, sorted(extra)))
        assert regions.join("\n|\n") == "\n|\n".join(t for _, t, _ in heapq.merge(inline, sorted(extra)))


def test_regions_holding_a_flagged_word_are_those_that_hold_it() -> None:
    # RL501 finds the regions that hold a flagged word by searching the post's joined prose; they
    # are the regions a test of each region for each word keeps, in order
    from reinvent_lint.document import Document
    from reinvent_lint.prose import prose_regions
    from reinvent_lint.rules.spelling import _distinct, _holding

    rng = random.Random(21)
    words = ["zorp", "Zorp", "blix", "ab", "a'b", "the", "qux"]
    for _ in range(300):
        lines = []
        for _ in range(rng.randint(1, 12)):
            kind = rng.choice(["", "# ", "- ", "| a | b |\n|---|---|\n| ", "> ", "    "])
            lines.append(
                kind + " ".join(rng.choice([*words, "word", "`code`", "[x](y)"]) for _ in range(rng.randint(0, 6)))
            )
        title = rng.choice(["", f"title: {rng.choice(words)} t\n", "description: zorp d\n"])
        text = f"---\n{title}---\n\n" + "\n\n".join(lines) + "\n"
        doc = Document("_posts/2024-01-01-a.md", text, kind="post")
        _distinct(doc)  # (joins and keeps the prose, as RL501 does first)
        flagged = set(rng.sample(words, rng.randint(1, 4)))
        regions = list(prose_regions(doc))
        assert list(_holding(doc, flagged)) == [r for r in regions if any(w in r[1] for w in flagged)], text


def _code_words_as_before(text: str) -> set[str]:
    """code_words_of as it was before words_and_code_words: each kind of code joined and read."""
    from reinvent_lint.speller import _HIGHLIGHT, _SPAN, fenced_blocks, words_of

    chunks = fenced_blocks(text) + [m.group() for m in _HIGHLIGHT.finditer(text)]
    found = set(map(str.lower, words_of("\n".join(chunks)))) if chunks else set()
    spans = _SPAN.findall(text)
    return found | set(map(str.lower, words_of("\n".join(spans)))) if spans else found


def test_words_and_code_words_read_once_equal_each_read_whole() -> None:
    from reinvent_lint.speller import _SITE_WORD, code_words_of, words_and_code_words

    rng = random.Random(25)
    parts = ["```", "~~~", "`", "\n", "\n```c\n", "\n~~~\n", "  ", " ", "ab", "Xy", "'", "’", "é", "_", "-", "\r\n"]
    parts += ["{% highlight c %}", "{% endhighlight %}", "<b>", "{{ x }}", "[a](b)", "don't", "'q'", "a'b'c", "İſ"]
    for _ in range(30_000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 30)))
        words, code = words_and_code_words(text)
        assert words == set(_SITE_WORD.findall(text)), repr(text)
        assert code == code_words_of(text) == _code_words_as_before(text), repr(text)


def test_words_and_code_words_of_a_long_text_equal_each_read_whole() -> None:
    """Past a piece's size (64k characters) words_of reads in pieces: the gaps and blocks too."""
    from reinvent_lint.speller import _SITE_WORD, words_and_code_words

    rng = random.Random(26)
    lines = ["plain words here", "```", "~~~", "code_line(x) don't", "`span` it's", "Zeta'", "{% highlight %}"]
    lines += ["{% endhighlight %}", "   ```", "    ```", "naïve ſ words"]
    text = "\n".join(rng.choice(lines) for _ in range(40_000))
    words, code = words_and_code_words(text)
    assert words == set(_SITE_WORD.findall(text))
    assert code == _code_words_as_before(text)


def test_line_start_patterns_skipped_only_where_no_line_starts_with_their_needle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """RL503 searches a post with a pattern anchored at line starts (`its a`) only when a line of
    its lowered prose starts with the needle: the same problems as searching every post holding
    the needle anywhere (what it did before)."""
    from reinvent_lint.rules import spelling

    rng = random.Random(29)
    parts = ["its a", "Its a", "ITS A", "bits a", "its an", "its", " a", "\n", "\n\n", "> ", "- ", "# ", "*"]
    parts += [" ", "x", "’", "İts a", "ıts a", "İ", "“", "`c`", "[its a](u)", "its  a", "\r\n"]
    titles = ["Notes", "Its a title", "its a", "Bits a", "İts a"]
    for _ in range(3_000):
        body = "".join(rng.choice(parts) for _ in range(rng.randint(1, 14)))
        text = f"---\ntitle: {rng.choice(titles)}\n---\n\n" + body + "\n"
        found = [(p.code, p.line, p.column, p.message) for p in check_text(text) if p.code == "RL503"]
        with monkeypatch.context() as m:
            m.setattr(spelling, "_LINE_START", frozenset())
            before = [(p.code, p.line, p.column, p.message) for p in check_text(text) if p.code == "RL503"]
        assert found == before, repr(text)


def test_hidden_ranges_listed_and_sorted_equal_the_merged_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """A post under a megabyte lists its hidden ranges and sorts them: the same ranges, in the
    same order, as merging each source's sorted keys (what a longer post does; `_hidden` takes
    that path too when the limit is lowered)."""
    from reinvent_lint import prose
    from reinvent_lint.document import Document
    from reinvent_lint.prose import _hidden, _merged_hidden

    rng = random.Random(30)
    parts = ["word ", "`code` ", "``x`` ", "{{ v }}", "{% if a %}", "{% endif %}", "[link](/u) ", "![alt](i.png)"]
    parts += ["[ref][r]", "\n\n[r]: /x\n", "\n```\nc\n```\n", "\n    indented\n", "{::comment}\nx\n{:/comment}"]
    parts += ["{% highlight c %}\nx\n{% endhighlight %}\n", "<https://a.b>", "\n", "\r\n", "é ", "[a](b)[c](d)"]
    for _ in range(2_000):
        body = "".join(rng.choice(parts) for _ in range(rng.randint(0, 16)))
        doc = Document("post.md", "---\ntitle: T\n---\n" + body)
        listed = list(_hidden(doc))
        assert listed == list(_merged_hidden(doc)), repr(body)
        assert listed == sorted(listed)
        with monkeypatch.context() as m:
            m.setattr(prose, "_LISTED", 0)  # every post is "longer" than the limit
            assert list(_hidden(Document("post.md", doc.text))) == listed, repr(body)


def test_region_sizes_and_picked_regions_equal_the_listed_regions() -> None:
    """RL501 finds where each region starts in the joined prose from `Regions.sizes` and takes
    the regions holding a flagged word with `Regions.picked`, cutting no other region's text:
    the lengths and the regions of the listed regions, extra ones (title, description, alt texts
    in the body) merged in order."""
    from reinvent_lint.document import Document
    from reinvent_lint.prose import prose_regions

    rng = random.Random(31)
    parts = ["Some words here.", '<img src="a.png" alt="An image alt">', '{% include image.html alt="Alt words" %}']
    parts += ["| a b c | d |\n|---|---|\n| one two three | x |", "# Heading", "- item `code` [x](y)", "é “q”"]
    parts += ['{% figure caption:"A caption here" %}', "<b>bold</b> <code>c</code>", "    indented code"]
    for _ in range(400):
        body = "\n\n".join(rng.choice(parts) for _ in range(rng.randint(0, 10)))
        front = rng.choice(["", "title: A title\n", "title: T\ndescription: D words\n"])
        doc = Document("_posts/2024-01-01-a.md", f"---\n{front}---\n\n{body}\n", kind="post")
        regions = prose_regions(doc)
        listed = list(regions)
        assert list(regions.sizes()) == [len(text) for _, text, _ in listed], body
        picked = sorted(rng.sample(range(len(listed)), rng.randint(0, len(listed))))
        assert regions.picked(picked) == [listed[i] for i in picked], body


def test_few_wanted_words_found_where_they_occur_are_the_segment_words_wanted() -> None:
    """`words_among` looks for a few wanted words with `str.find`: the same words, places and
    order as reading every word of the segment, with apostrophes (straight and curly, possessive,
    inside and before a word), markup and words inside other words."""
    from reinvent_lint.prose import segment_words, words_among

    rng = random.Random(32)
    parts = ["it's", "it’s", "Bob's", "Bob’s", "Bob", "bob", "don't", "don’t", "'t", "’s", "s", "t", "it", "a"]
    parts += ["abc", "xabc", "abcx", "ab'c", " ", " ", "\n", "-", ".", "_", "/", "[", "**", "’", "'", "é", "|"]
    for _ in range(20_000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(1, 12)))
        words = [w[0] for w in segment_words(0, text)]
        wanted = set(rng.sample(words, min(len(words), rng.randint(0, 3)))) | {rng.choice(["Bob", "it", "s", "t"])}
        assert list(words_among(5, text, wanted)) == [w for w in segment_words(5, text) if w[0] in wanted], repr(text)


def test_underscores_masked_run_by_run_equal_the_pattern_substituted() -> None:
    from reinvent_lint.prose import _UNDERSCORES, _blank_emphasis, _mask_underscores

    rng = random.Random(33)
    parts = ["_", "__", "a", "B", "1", " ", "\n", "|", "é", "*", "snake_case", "_em_", "x__y"]
    for _ in range(30_000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 12)))
        assert _mask_underscores(text) == _UNDERSCORES.sub(_blank_emphasis, text), repr(text)


def test_reference_labels_masked_equal_the_label_blanked() -> None:
    from reinvent_lint.prose import _REFERENCE_LABEL, _blank, _blank_label

    rng = random.Random(34)
    parts = ["][", "]", "[", "a", " ", "\n", "|", "é", "\t"]
    for _ in range(30_000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 14)))
        blanked = _REFERENCE_LABEL.sub(lambda m: "]" + _blank(m.group()[1:]), text)
        assert _REFERENCE_LABEL.sub(_blank_label, text) == blanked, repr(text)


def test_an_image_tag_is_found_by_one_search_as_by_two() -> None:
    from reinvent_lint.prose import _IMG_OPEN

    rng = random.Random(37)
    for _ in range(20_000):
        text = "".join(
            rng.choice(["<", "img", "IMG", "Img", "i", "<im", "g", " ", "é"]) for _ in range(rng.randint(0, 8))
        )
        assert (_IMG_OPEN.search(text) is not None) == ("<img" in text or "<IMG" in text), repr(text)
