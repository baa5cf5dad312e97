"""Recall of RL501 where a plain frequency test cannot tell a typo from a rare word (issue 15):
the post's own words, short typos, slips glued to a known stem."""

from __future__ import annotations

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
