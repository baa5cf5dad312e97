"""The packed word data (reinvent_lint/lexicon.py, data/lexicon.bin)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reinvent_lint import lexicon


def test_pack_matches_the_shipped_sources() -> None:
    # the pack records the digest of the data files it was built from: edit tech-words.txt (or
    # rebuild a source) without `python -m reinvent_lint.lexicon` and this fails
    assert lexicon.load().digest == lexicon.shipped_digest()


def test_layers_answer_from_the_pack() -> None:
    lex = lexicon.load()
    assert lex.english("colour") or lex.english("color")
    assert lex.canonical("github") == "GitHub" and lex.name("github")
    assert lex.term("GitHub") and not lex.term("Github") and lex.term("kubectl")
    assert lex.zipf("the") > 70 and lex.zipf("qzxvbn") == 0
    assert lex.misspellings.get("definately") == ["definitely"]
    assert lex.british.get("colour") == "color"


def test_rare_words_are_attested_but_not_searchable() -> None:
    lex = lexicon.load()
    rare = [w for w in ("nillified", "abliterated", "blosxom", "heatmaps") if 0 < lex.zipf(w) < lexicon.RARE]
    for word in rare:
        assert word not in lex.values  # looked up one by one in the buckets, never searched by edits
    assert lex.rare_zipf("") == 0 and lex.rare_zipf("a b") == 0


def test_packing_is_deterministic(tmp_path: Path) -> None:
    sources = lexicon.read_sources()
    assert lexicon.pack(sources) == lexicon.pack(sources)


def test_missing_or_corrupt_pack_falls_back_to_the_sources(tmp_path: Path) -> None:
    bad = tmp_path / "lexicon.bin"
    bad.write_bytes(b"not a pack")
    fallback = lexicon.load(bad)
    assert fallback.canonical("github") == "GitHub"
    assert fallback.values == lexicon.load().values
    assert lexicon.load(tmp_path / "missing.bin").values == fallback.values


def test_bucket_lookups_answer_as_the_dict() -> None:
    # a run that looks up few words finds them in the packed buckets; the answers are the dict's
    lex = lexicon.load()
    values = lexicon.load().values
    sample = [*list(values)[::53], "github", "the", "colour", "kubectl", "definately"]
    others = [w + "q" for w in sample] + [w[1:] for w in sample] + ["", "a\nb", "qzxvbn", "naïve"]
    for word in sample + others:
        assert lex.get(word) == values.get(word, 0), word
    candidates = frozenset(sample[:200] + others[:200])
    assert lex.members(candidates) == values.keys() & candidates
    assert not lex.built  # no dict built for these few look-ups


def test_many_lookups_build_the_dict(monkeypatch: Any) -> None:
    monkeypatch.setattr(lexicon, "PROBES", 10)
    lex = lexicon.load()
    for word in ("the", "of", "and", "github", "colour"):
        assert lex.get(word)
    assert not lex.built
    assert lex.members(frozenset(["the", "zzqx", "kubectl", "of", "an", "a1"])) == {"the", "kubectl", "of", "an"}
    assert lex.built and lex.get("github") == lex.values["github"]
    lex = lexicon.load()
    answers = [lex.get(w) for w in ["the", "zzqx", "colour"] * 5]  # the threshold crossed by look-ups
    assert lex.built and answers == [lex.values.get(w, 0) for w in ["the", "zzqx", "colour"] * 5]


def test_fixes_answer_as_the_misspellings_and_mixed_names_as_the_forms() -> None:
    lex = lexicon.load()
    spelt = lex.misspellings
    keys = list(spelt._raw)[::17]
    for word in [*keys, "definately", "the", "github", "qzxvbn", ""]:
        assert lex.fixes(word) == spelt.get(word), word
    assert lex.mixed == sorted({f.lower() for f in lex.forms if lexicon.mixed_case(f)})
    assert "github" in lex.mixed and "macos" in lex.mixed and "linux" not in lex.mixed


def test_the_mapped_pack_answers_as_the_pack_built_in_memory(tmp_path: Path) -> None:
    # the shipped pack is read in place (memory-mapped); the same bytes held in memory, and a
    # pack rebuilt from the sources, give the same answers, rare words and cased forms included
    mapped = lexicon.load()
    held = lexicon.Lexicon(lexicon.PACK.read_bytes())
    words = [*list(held.values)[::401], "github", "macos", "colour", "nillified", "blosxom", "naïve", "qzxvbn", ""]
    for word in words + [w + "e" for w in words]:
        assert mapped.get(word) == held.get(word), word
        assert mapped.zipf(word) == held.zipf(word) and mapped.canonical(word) == held.canonical(word), word
    assert mapped.forms == held.forms and [mapped.form(i) for i in range(0, len(held.forms), 97)] == held.forms[::97]
    assert mapped.british == held.british and mapped.mixed == held.mixed


def test_a_truncated_pack_falls_back_to_the_sources(tmp_path: Path) -> None:
    cut = tmp_path / "lexicon.bin"
    cut.write_bytes(lexicon.PACK.read_bytes()[:-5])
    assert lexicon.load(cut).canonical("github") == "GitHub"


def test_a_pack_whose_header_holds_the_wrong_types_falls_back_to_the_sources(tmp_path: Path) -> None:
    import marshal

    header = marshal.dumps((lexicon.FORMAT, "digest", 1, 2, 3, 4, (0,) * 8))
    damaged = tmp_path / "lexicon.bin"
    damaged.write_bytes(lexicon.MAGIC + len(header).to_bytes(4, "little") + header)
    assert lexicon.load(damaged).canonical("github") == "GitHub"


def test_the_built_set_answers_as_the_dict() -> None:
    # a run over many posts builds the set of every searchable word, not the dict of their
    # values: a word's value is found in its bucket once and kept; the answers are the dict's
    lex = lexicon.load()
    values = lexicon.load().values
    lex.build()
    assert lex.built and lex._values is None  # (the dict is not built: that is the saving)
    sample = [*list(values)[::97], "github", "the", "colour", "kubectl", "definately", "nillified"]
    others = [w + "q" for w in sample] + [w[1:] for w in sample] + ["", "a\nb", "qzxvbn", "naïve", "Github"]
    for _ in range(2):  # looked up, then from what was kept
        for word in sample + others:
            assert lex.get(word) == values.get(word, 0), word
    fresh = lexicon.load()  # (bucket look-ups only)
    for word in sample[::7] + others[::7]:
        assert lex.zipf(word) == fresh.zipf(word) and lex.canonical(word) == fresh.canonical(word), word
    candidates = tuple(sample[:300] + others[:300])
    assert lex.members(candidates) == values.keys() & set(candidates)
    assert lex.members(frozenset(candidates)) == values.keys() & set(candidates)
    many = lexicon.load()  # values_of: get's work done inline, first from the listed words, then as kept
    many.build()
    # a tuple: its index() writes nothing to the words it compares (a list's increments their
    # reference counts, and a worker forked after the build copied the shared words' pages)
    assert type(many._listed) is tuple and len(many._listed) == len(values)
    for _ in range(2):
        assert many.values_of(sample + others) == [values.get(w, 0) for w in sample + others]
    assert lexicon.load().values_of(sample[:50]) == [values.get(w, 0) for w in sample[:50]]  # (not built: get)


def test_rare_frequencies_kept_answer_as_the_buckets(monkeypatch: Any) -> None:
    # rare_zipf keeps its answers (and forgets them past RARE_KEPT): asked again, the same answer
    monkeypatch.setattr(lexicon, "RARE_KEPT", 5)
    lex, fresh = lexicon.load(), lexicon.load()
    words = ["nillified", "abliterated", "blosxom", "qzxvbn", "the", "", "a b", "heatmaps"] * 3
    answers = [lex.rare_zipf(w) for w in words]
    assert answers == [fresh._rare_zipf(w) for w in words] and len(lex._rare) <= 5
    assert any(answers) and answers[:8] == answers[8:16]
