"""Recall of RL501 where a plain frequency test cannot tell a typo from a rare word (issue 15):
the post's own words, short typos, slips glued to a known stem."""

from __future__ import annotations

from pathlib import Path

from reinvent_lint import check_text


def _warned(text: str, title: str = "Notes") -> list[str]:
    post = f"---\ntitle: {title}\n---\n\n{text}"
    return [p.snippet for p in check_text(post) if p.code == "RL501"]


def test_an_unknown_word_one_slip_from_a_word_of_the_post_is_a_typo() -> None:
    body = "He grew a goatee last winter. The goatee suits him.\n"
    assert _warned(body, title="A portrait with a gotaee") == ["gotaee"]
    # a four-letter slip of a longer word the post writes
    assert _warned("Draw on paper with a pencil, then scan the pper sheet.\n") == ["pper"]


def test_the_posts_words_do_not_make_rare_words_typos() -> None:
    # `dribs` is rare on the web but not much rarer than `drips`: a word of its own
    assert _warned("Paint drips, dribs and drabs on the canvas.\n") == []
    # without the right form in the post an unknown word stays unknown (info)
    assert _warned("He grew a gotaee last winter.\n") == []
    # plurals and all caps are not slips of the post's words
    assert _warned("One lexer, two lexers, and a goatee or GOATE.\n") == []


def test_a_slip_inside_a_mixed_case_word() -> None:
    from reinvent_lint.speller import Speller

    speller = Speller()
    found = speller.check("ClearCnotainers")
    assert found is not None and found.reason == "name" and found.suggestions == ["ClearContainers"]
    assert not found.fixable  # a guess inside a name is never written
    assert speller.check("ClearContainers") is None
    assert speller.check("KubeFrobnik") is None  # an unknown part is a name, not a slip
    assert speller.check("dataVolume") is None  # an identifier


def test_a_slip_of_a_mixed_case_name_the_site_writes() -> None:
    from reinvent_lint.speller import Speller, site_vocabulary

    posts = ["Drawn in PaperFaces, see /paperfaces/ and /paperfaces/x."] * 4 + ["Drawn in PaperFqaces."]
    speller = Speller(site_vocabulary(posts), min_posts=3)
    found = speller.check("PaperFqaces")
    assert found is not None and found.suggestions == ["PaperFaces"]
    assert speller.check("PaperFaces") is None


def test_daemons_and_libraries_but_not_slips_of_common_words() -> None:
    from reinvent_lint.speller import Speller

    speller = Speller()
    assert speller.check("firewalld") is None and speller.check("casperjs") is None
    for typo, right in [("wantd", "wanted"), ("alwajs", "always")]:
        found = speller.check(typo)
        assert found is not None and found.is_error and right in found.suggestions


def test_the_site_vocabulary_refuses_a_repeated_slip_of_a_more_used_word() -> None:
    from reinvent_lint.speller import Speller, site_vocabulary

    posts = ["It captures light."] * 8 + ["It captrues light."] * 4 + ["Our Procfile sets the profile."] * 4
    posts += ["Set the profile."] * 6
    speller = Speller(site_vocabulary(posts), min_posts=3)
    assert not speller.site_ok("captrues")  # written lower case like `captures`, used twice as often
    assert speller.site_ok("Procfile")  # the site writes it capitalised: a name, not a slip of `profile`


def test_first_word_of_a_linked_title_and_title_case_with_small_words() -> None:
    assert _warned("Try the [Foirst steps with the tool](https://example.com/a) today.\n") == ["Foirst"]
    assert _warned("Body.\n", title="Web Scrapig into an Archive with Tools") == ["Scrapig"]


def test_acronym_plurals_in_capitals_and_two_swaps() -> None:
    from reinvent_lint.speller import Speller, clear_winner

    speller = Speller()
    for word, right in [("URLS", "URLs"), ("SAAS", "SaaS")]:
        found = speller.check(word)
        assert found is not None and found.reason == "miscased" and clear_winner(found) == right
    for word in ("HTTPS", "AWS", "DNS", "IOS", "GITHUB", "CDNS"):
        assert speller.check(word) is None  # acronyms, and shouting is not miscasing
    found = speller.check("redeisng")
    assert found is not None and found.is_error and found.suggestions == ["redesign"]
    assert not found.fixable or clear_winner(found) is None  # a typo is reported, never rewritten


def test_names_mid_sentence_when_a_link_or_the_parts_say_how_they_are_spelt() -> None:
    assert _warned("We tried ClearCnotainers last year.\n") == ["ClearCnotainers"]
    # a surname beside a first name is a name of its own, unless the link spells it otherwise
    assert _warned("See [ceramics by Lucio Fonana](https://example.com/lucio-fontana) here.\n") == ["Fonana"]
    assert _warned("Ask Mathieu Ropert about it.\n") == []


def test_cached_runs_report_the_new_verdicts_as_a_cold_run_does(tmp_path: Path) -> None:
    import os

    from .conftest import linter_for, write_site

    post = "---\ntitle: {title}\n---\n\n{body}\n"
    site = {
        "_posts/2024-01-01-a.md": post.format(
            title="A gotaee", body="He grew a goatee. See [Teseract](https://x.org/tesseract)."
        ),
        "_posts/2024-01-02-b.md": post.format(title="B", body="It captures light; we tried ClearCnotainers."),
        "_posts/2024-01-03-c.md": post.format(title="C", body="It captures light and captrues shade."),
    }
    root = write_site(tmp_path / "blog", site)
    old = os.getcwd()
    os.chdir(root)
    try:

        def run(cache: bool) -> list[str]:
            linter = linter_for(root)
            linter.use_result_cache = cache
            report = linter.check_paths([], jobs=1)
            return [f"{p.path}:{p.line} {p.code} {p.message}" for p in report.problems if p.code == "RL501"]

        first = run(True)
        assert any('"gotaee"' in line for line in first) and any('"Teseract"' in line for line in first)
        assert any('"ClearCnotainers"' in line for line in first)
        assert run(True) == first == run(False)
        # the slip becomes a habit in three posts, the right word is in four: still a slip
        for n, body in ((4, "It captrues it."), (5, "It captrues it."), (6, "It captures it."), (7, "It captures.")):
            (root / f"_posts/2024-01-0{n}-x.md").write_text(post.format(title="X", body=body))
        assert run(True) == run(False)
        assert sum('"captrues"' in line for line in run(False)) == 3
    finally:
        os.chdir(old)


def test_a_barely_used_word_one_slip_from_an_everyday_word() -> None:
    from reinvent_lint.speller import Speller

    speller = Speller()
    for typo, right in [("ofice", "office"), ("figt", "fight")]:
        found = speller.check(typo)
        assert found is not None and found.reason == "typo" and right in [s.lower() for s in found.suggestions]
    found = speller.check("comint")  # Emacs jargon: differs from `coming` only at the end
    assert found is None or not found.is_error
