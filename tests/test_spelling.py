from __future__ import annotations

import os
from pathlib import Path

import pytest

from reinvent_lint import check_text
from reinvent_lint.cli import main
from reinvent_lint.speller import Speller, clear_winner, site_vocabulary

from .conftest import linter_for, write_site


def _flags(text: str) -> list[str]:
    return [p.snippet for p in check_text("---\ntitle: Notes\n---\n\n" + text) if p.code == "RL501"]


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("We recieve the data.", ["recieve"]),  # known misspelling layer
        ("The resutls are in.", ["resutls"]),  # dictionary layer (not in the misspelling list)
        ("Put it behind CloudFRont today.", ["CloudFRont"]),  # miscased product name
        ("Use Github and Cloudwatch.", ["Github", "Cloudwatch"]),
        ("A fox.", []),  # three letters and fewer are judged by the misspelling list only
        ("I saw teh fox.", ["teh"]),  # three-letter typos are caught
    ],
)
def test_layers(text: str, flagged: list[str]) -> None:
    assert _flags(text) == flagged


@pytest.mark.parametrize(
    "text",
    [
        "DynamoDB, TypeScript, monorepo, Kubernetes, ElastiCache and serverless are fine.",
        "Inline `recieve_evnts()` code, a [link](https://example.com/recieve) and <https://teh.example>.",
        "Paths /var/lib/teh and ./recieve/x.md, mail me@exmaple.com, hash 3f9a2c1e.",
        "Numbers with units: 5TB, 1.5X, p99, 300ms, 10Gbps.",
        "Identifiers: snake_case_thing, dotted.nmes, camelCaseThing, getUsrName.",
        'Liquid {{ page.recieve }} and {% include x.html y="recieve" %} are not prose.',
        '<span class="recieve">HTML attributes</span> are not prose.',
        "Names, like Werner Vogels, Matterport and Frobnicator, are not judged.",
        "British spellings: the neighbourhood is unlabelled; colour and behaviour.",
        "Acronyms: AWS, VPCs, APIs and the ACUs.",
    ],
)
def test_what_is_never_flagged(text: str) -> None:
    assert _flags(text) == []


def test_code_blocks_are_silent() -> None:
    assert _flags("```python\ndef recieve(): teh\n```\n\n    indented recieve code\n") == []


def test_site_vocabulary_accepts_the_authors_words_and_suggests_them() -> None:
    posts = ["We run Postgres and Frobnik here."] * 4 + ["We moved to Postres last week."]
    speller = Speller(site_vocabulary(posts), min_posts=3)
    assert speller.check("Frobnik") is None  # used in four posts: the author's word
    verdict = speller.check("Postres")
    assert verdict is not None and verdict.suggestions[0] == "Postgres"
    assert clear_winner(verdict) is None  # a name: never fixed without the author


def test_spelling_ignore_accept_list_and_suppression(tmp_path: Path) -> None:
    post = (
        "---\ntitle: Notes\nspelling_ignore: [Frobnicatr]\n---\n\n"
        "* Frobnicatr and wibblez and zorpd.\n\n"
        "<!-- reinvent-lint disable-next-line misspelled-word -->\n"
        "A quoted misspeling.\n"
    )
    write_site(tmp_path, {"_posts/2024-01-01-a.md": post, ".reinvent-lint/words.txt": "wibblez\n"})
    report = linter_for(tmp_path, select=["RL501", "RL504"]).check_paths([])
    assert [p.snippet for p in report.problems] == ["zorpd"]


def test_words_add_and_learn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    post = "---\ntitle: Notes\n---\n\nThe zorpd and the quxxle; we recieve it on Github.\n"
    write_site(tmp_path, {"_posts/2024-01-01-a.md": post})
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert main(["words", "add", "quxxle"]) == 0
        capsys.readouterr()
        main(["check", "--select", "RL501,RL504", "--format", "json"])
        assert "zorpd" in capsys.readouterr().out
        assert main(["words", "learn"]) == 0
        out = capsys.readouterr().out
        assert "refused" in out and "Github" in out and "recieve" in out
        assert (tmp_path / ".reinvent-lint/words.txt").read_text().split() == ["quxxle", "zorpd"]
        main(["check", "--select", "RL504", "--format", "json"])
        assert "zorpd" not in capsys.readouterr().out
    finally:
        os.chdir(old)


def test_repeated_word_and_apostrophes_stay_quiet_on_correct_prose() -> None:
    text = "That that is is that that is not is not. It's its own thing; let's go. Let us be."
    assert [p.code for p in check_text("---\ntitle: x\n---\n\n" + text) if p.code in ("RL502", "RL503")] == []


def _all(text: str, codes: tuple[str, ...] = ("RL501",)) -> list[str]:
    return [p.snippet for p in check_text("---\ntitle: Notes\n---\n\n" + text) if p.code in codes]


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("See [aggresively denormalized](https://example.com) tables.", ["aggresively"]),  # first word of link text
        ("See [tables, aggresively](https://example.com).", ["aggresively"]),  # last word of link text
        ("We were **visting** the _occured_ place.", ["visting", "occured"]),  # emphasis, both kinds
        ("## Recieve the data\n", ["Recieve"]),  # a heading
        ('{% include image.html src="a.png" alt="A recieve shot" %}', ["recieve"]),  # include alt text
        ('<img src="a.png" alt="the recieve shot">', ["recieve"]),  # HTML alt text
        ("Nothing here VACCUM and AWS.", ["VACCUM"]),  # ALL CAPS: a typo with vowels, not an acronym
        ("Use Github, Javascript, MacOS and VMWare.", ["Github", "Javascript", "MacOS", "VMWare"]),
    ],
)
def test_every_word_a_reader_reads(text: str, flagged: list[str]) -> None:
    assert _all(text) == flagged


@pytest.mark.parametrize(
    "text",
    [
        "{% highlight ruby %}\nrecieve teh\n{% endhighlight %}\n",
        "Inline <code>recieve</code> and <kbd>teh</kbd>.",
        "Hidden {::comment}recieve{:/comment} text and :recieve: emoji.",
        "The [hidden data][stegan] label and [stegan]: https://example.com are not shown.",
        "| name | value |\n| --- | --- |\n| recieve | teh |\n",  # data cells: one word each
        "Half-assed, vice versa, mis-typing and (mis)behavior; the **a**ddress.",
        "The scrollbar, coroutine, stylesheets, iterable, viewports and gamification; tyres, sceptic.",
    ],
)
def test_what_a_reader_does_not_read_or_what_is_right(text: str) -> None:
    assert _all(text, ("RL501", "RL504")) == []


def test_prose_table_cells_are_read_but_never_fixed() -> None:
    text = "| what | why |\n| --- | --- |\n| a | we recieve it from the queue |\n"
    problems = [p for p in check_text("---\ntitle: Notes\n---\n\n" + text) if p.code == "RL501"]
    assert [p.snippet for p in problems] == ["recieve"] and problems[0].fix is None


def test_locale_flags_the_other_spelling() -> None:
    both = Speller()
    assert both.check("colour") is None and both.check("color") is None
    us, gb = Speller(locale="en-US"), Speller(locale="en-GB")
    assert us.check("colour") is not None and us.check("colour").suggestions == ["color"]  # type: ignore[union-attr]
    assert us.check("color") is None
    assert gb.check("color") is not None and gb.check("colour") is None


def test_site_vocabulary_never_accepts_typos_or_miscasings() -> None:
    posts = ["We use Kubernetes with GitHub."] * 30 + ["Kuberntes is definately on Github."] * 3
    speller = Speller(site_vocabulary(posts), min_posts=3)
    assert speller.check("definately") is not None  # a known misspelling, in three posts
    assert speller.check("Github") is not None  # a miscased name, in three posts
    verdict = speller.check("Kuberntes")  # one edit from a word the site uses ten times as often
    assert verdict is not None and verdict.suggestions[0] == "Kubernetes"


def test_fixes_only_when_one_correction_is_certain() -> None:
    speller = Speller()
    assert clear_winner(speller.check("recieve")) == "receive"  # type: ignore[arg-type]
    assert clear_winner(speller.check("Github")) == "GitHub"  # type: ignore[arg-type]
    practics = speller.check("practics")
    assert practics is not None and practics.reason == "typo" and clear_winner(practics) is None
    zorpd = speller.check("zorpd")
    assert zorpd is not None and zorpd.reason == "unknown" and clear_winner(zorpd) is None


def test_same_output_under_different_hash_seeds(tmp_path: Path) -> None:
    import subprocess
    import sys

    post = (
        "---\ntitle: Practics of Postres\n---\n\nWe recieve teh data, the resutls, the zorpd and "
        "the quxxle on Github; Redit and Kuberntes and the segement.\n"
    )
    write_site(
        tmp_path, {"_posts/2024-01-01-a.md": post, "_posts/2024-01-02-b.md": "---\ntitle: B\n---\n\nPostgres.\n"}
    )
    outputs = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed, REINVENT_LINT_CACHE_DIR="off")
        env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
        cmd = [sys.executable, "-m", "reinvent_lint", "check", "--select", "RL501,RL504", "--format", "json"]
        result = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, env=env, check=False)
        assert '"RL501"' in result.stdout
        outputs.add(result.stdout)
    assert len(outputs) == 1


def test_a_post_of_data_is_not_spell_checked_and_says_so() -> None:
    """Thousands of distinct words no dictionary knows are data, not prose (a pasted dump):
    RL504 says the post was not checked, instead of a neighbour search for each word."""
    import random

    rng = random.Random(5)
    made_up = {"".join(rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(4)) for _ in range(6000)}
    data = " ".join(sorted(made_up)) + " and a recieve typo."
    found = [
        (p.code, p.message) for p in check_text("---\ntitle: Dump\n---\n\n" + data) if p.code in ("RL501", "RL504")
    ]
    assert len(found) == 1 and found[0][0] == "RL504" and found[0][1].startswith("spelling not checked: ")
    prose = " ".join(sorted(made_up)[:1500]) + " and a recieve typo."  # a long post of odd words: checked
    codes = [p.code for p in check_text("---\ntitle: Odd\n---\n\n" + prose) if p.code in ("RL501", "RL504")]
    assert "RL501" in codes and len(codes) > 1000


def test_words_learn_learns_no_word_from_a_post_of_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The "spelling not checked" notice of a post of data names no word: `words learn` adds
    nothing from it (the post's first line was learnt as a word)."""
    import random

    rng = random.Random(6)
    made_up = {"".join(rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(4)) for _ in range(6000)}
    dump = "---\ntitle: Dump\n---\nHere is the dump:\n\n" + " ".join(sorted(made_up)) + "\n"
    write_site(
        tmp_path, {"_posts/2024-01-01-dump.md": dump, "_posts/2024-01-02-b.md": "---\ntitle: B\n---\n\nThe zorpd.\n"}
    )
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert main(["words", "learn"]) == 0
        capsys.readouterr()
        assert (tmp_path / ".reinvent-lint/words.txt").read_text().split("\n") == ["zorpd", ""]
    finally:
        os.chdir(old)
