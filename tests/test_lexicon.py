"""The packed word data (reinvent_lint/lexicon.py, data/lexicon.bin)."""

from __future__ import annotations

from pathlib import Path

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
