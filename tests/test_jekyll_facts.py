"""reinvent_lint.jekyll.facts: post file names, Ruby's date parsing, slugify, plugin tags.

Exact values, each as Jekyll 4.3 reads it. The dates that are not built elsewhere are built by
`test_dates_agree_with_jekyll` at the end (two- and three-digit years, day roll-over at the end of
April and of a year, second 60, hour 24, a short offset); Ruby's `Time.parse` is the same code in
Jekyll 3.9 (GitHub Pages), which is assumed, not built.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reinvent_lint.jekyll import facts
from reinvent_lint.jekyll.facts import FileDate, date_fails, file_date, parse_date, parse_ymd, registered_tags, slugify

from .jekyll_site import build, requires_jekyll

UTC = dt.timezone.utc
PLUS2 = dt.timezone(dt.timedelta(hours=2))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2024-01-05-x.md", FileDate(dt.date(2024, 1, 5), "2024-01-05", False)),
        ("2024-1-5-x.md", FileDate(dt.date(2024, 1, 5), "2024-1-5", False)),
        ("24-1-5-two.md", FileDate(dt.date(2024, 1, 5), "24-1-5", False)),
        ("68-01-05-x.md", FileDate(dt.date(2068, 1, 5), "68-01-05", False)),
        ("69-01-05-x.md", FileDate(dt.date(1969, 1, 5), "69-01-05", False)),
        ("999-01-05-x.md", FileDate(dt.date(999, 1, 5), "999-01-05", False)),
        ("2024-02-29-leap.md", FileDate(dt.date(2024, 2, 29), "2024-02-29", False)),
        ("2024-02-30-x.md", FileDate(dt.date(2024, 3, 1), "2024-02-30", True)),
        ("2023-02-29-x.md", FileDate(dt.date(2023, 3, 1), "2023-02-29", True)),
        ("2024-04-31-x.md", FileDate(dt.date(2024, 5, 1), "2024-04-31", True)),
        ("2024-12-31-x.md", FileDate(dt.date(2024, 12, 31), "2024-12-31", False)),
        ("2024-01-31-x.md", FileDate(dt.date(2024, 1, 31), "2024-01-31", False)),
        ("2024-13-01-x.md", FileDate(None, "2024-13-01", False)),
        ("2024-00-01-x.md", FileDate(None, "2024-00-01", False)),
        ("2024-12-32-x.md", FileDate(None, "2024-12-32", False)),
        ("2024-12-00-x.md", FileDate(None, "2024-12-00", False)),
        ("0000-01-05-x.md", FileDate(None, "0000-01-05", False)),  # beyond Python's dates: no crash
    ],
)
def test_file_date(name: str, expected: FileDate) -> None:
    assert file_date(name) == expected


@pytest.mark.parametrize("name", ["notes.md", "2024-01-05.md", "2024-01-05-x", "12345-01-05-x.md", "2024-01-x.md"])
def test_names_without_a_post_date(name: str) -> None:
    assert file_date(name) is None


def test_post_file_groups() -> None:
    m = facts.POST_FILE.match("2024-1-05-a.b-c.markdown")
    assert m is not None and m.groups() == ("2024", "1", "05", "a.b-c", ".markdown")


def test_parse_ymd_rolls_over_by_the_days_past_the_end() -> None:
    assert parse_ymd("2023-11-31").date == dt.date(2023, 12, 1)
    assert parse_ymd("2023-12-31").rolled is False
    assert parse_ymd("2023-06-31") == FileDate(dt.date(2023, 7, 1), "2023-06-31", True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-01", dt.datetime(2024, 3, 1, tzinfo=PLUS2)),
        ("2024-3-1 10:20", dt.datetime(2024, 3, 1, 10, 20, tzinfo=PLUS2)),
        ("2024-03-01T10:20:30", dt.datetime(2024, 3, 1, 10, 20, 30, tzinfo=PLUS2)),
        ("2024-03-01 10:20:30.25", dt.datetime(2024, 3, 1, 10, 20, 30, tzinfo=PLUS2)),
        (" 2024-03-01 10:20 ", dt.datetime(2024, 3, 1, 10, 20, tzinfo=PLUS2)),
        ("2024-03-01 10:20 Z", dt.datetime(2024, 3, 1, 12, 20, tzinfo=PLUS2)),
        ("2024-03-01 10:20 utc", dt.datetime(2024, 3, 1, 12, 20, tzinfo=PLUS2)),
        ("2024-03-01 10:20 GMT", dt.datetime(2024, 3, 1, 12, 20, tzinfo=PLUS2)),
        ("2024-03-01 10:20 +0530", dt.datetime(2024, 3, 1, 6, 50, tzinfo=PLUS2)),
        ("2024-03-01 10:20:30 +05:30", dt.datetime(2024, 3, 1, 6, 50, 30, tzinfo=PLUS2)),
        ("2024-03-01 10:20 -05", dt.datetime(2024, 3, 1, 17, 20, tzinfo=PLUS2)),
        ("2024-03-01 23:30 -0500", dt.datetime(2024, 3, 2, 6, 30, tzinfo=PLUS2)),
        ("2024-03-01 23:59:59", dt.datetime(2024, 3, 1, 23, 59, 59, tzinfo=PLUS2)),
        ("2024-03-01 23:59:60", dt.datetime(2024, 3, 2, 0, 0, 0, tzinfo=PLUS2)),  # Ruby rolls second 60 over
        ("2024-03-01 24:00", dt.datetime(2024, 3, 2, 0, 0, tzinfo=PLUS2)),  # and hour 24:00:00
        ("2024-03-01 24:00:00", dt.datetime(2024, 3, 2, 0, 0, tzinfo=PLUS2)),
        ("2024-02-30 10:00", dt.datetime(2024, 3, 1, 10, 0, tzinfo=PLUS2)),
    ],
)
def test_parse_date_strings(value: str, expected: dt.datetime) -> None:
    parsed = parse_date(value, PLUS2)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == dt.timedelta(hours=2)


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-01 24:30",
        "2024-03-01 24:00:01",
        "2024-03-01 25:00",
        "2024-03-01 23:60",
        "2024-03-01 23:59:61",
        "9999-12-31 24:00",  # beyond Python's dates: no crash
        "9999-12-31 23:00 -0500",
        "2024-13-01",
        "2024-12-32 10:00",
        "March 1, 2024",
        "2024-03-01 10:20 CET",
        "",
        None,
        12,
        ["2024-03-01"],
    ],
)
def test_parse_date_cannot_tell(value: object) -> None:
    assert parse_date(value, PLUS2) is None


def test_parse_date_values_yaml_made() -> None:
    aware = dt.datetime(2024, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert parse_date(aware, PLUS2) == dt.datetime(2024, 3, 2, 6, 30, tzinfo=PLUS2)
    assert parse_date(aware, PLUS2).tzinfo is PLUS2  # type: ignore[union-attr]
    naive = dt.datetime(2024, 3, 1, 23, 30)
    assert parse_date(naive, PLUS2) == dt.datetime(2024, 3, 1, 23, 30, tzinfo=PLUS2)
    assert parse_date(dt.date(2024, 3, 1), UTC) == dt.datetime(2024, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "fails"),
    [
        (None, False),
        (dt.date(2024, 1, 1), False),
        (dt.datetime(2024, 1, 1, 5), False),
        (20240101, False),
        (1.5, False),
        ("yesterday", True),
        ("", True),
        ("2024-13-01", True),
        ("2024-12-32 10:00", True),
        ("2024-00-10", True),
        ("2024-12-31", False),
        ("2024-1-5", False),
        ("2024-02-30", False),  # rolls over, does not fail
        ("Jan 5 2024", False),
        (" 2024-13-01", True),
        ("x 2024-13-01", False),  # not a Y-M-D at the start: this model cannot tell
        ("2024-13-011", False),
    ],
)
def test_date_fails(value: object, fails: bool) -> None:
    assert date_fails(value) is fails


@pytest.mark.parametrize(
    ("text", "mode", "cased", "expected"),
    [
        ("Hello World! Ça va", "default", False, "hello-world-ça-va"),
        ("Hello World! Ça va", "pretty", False, "hello-world!-ça-va"),
        ("Hello World! Ça va", "pretty", True, "Hello-World!-Ça-va"),
        ("Hello World! Ça va", "default", True, "Hello-World-Ça-va"),
        ("snake_case.name", "default", False, "snake-case-name"),
        ("snake_case.name", "pretty", False, "snake-case.name"),
        ("--a  b--", "default", False, "a-b"),
        ("-a-", "pretty", False, "a"),
        ("a~b(c)@d", "pretty", False, "a~b(c)@d"),
        ("Mixed Case", "anything-else", False, "mixed-case"),
    ],
)
def test_slugify(text: str, mode: str, cased: bool, expected: str) -> None:
    assert slugify(text, mode, cased) == expected


def test_slugify_default_mode() -> None:
    assert slugify("A b") == "a-b"


def test_registered_tags() -> None:
    ruby = (
        "Liquid::Template.register_tag('notice', Jekyll::Notice)\n"
        'Liquid::Template.register_tag "yt-embed", Embed\n'
        "Liquid::Template.register_tag(:tweet, Tweet)\n"
        "  register_tag :gallery, Gallery\n"
        "register_filter(:nothing)\n"
    )
    assert registered_tags(ruby) == {
        "notice", "endnotice", "yt-embed", "endyt-embed", "tweet", "endtweet", "gallery", "endgallery",
    }  # fmt: skip
    assert registered_tags("# no tags here") == set()


def test_tables_agree() -> None:
    # Every plugin that adds tags is named once; gems known to add none are not in the tag table.
    assert "include" in facts.CORE_TAGS and "post_url" in facts.CORE_TAGS
    assert facts.PLUGIN_TAGS["jekyll-seo-tag"] == {"seo"}
    assert not {p for p in facts.TAGLESS_PLUGINS if facts.PLUGIN_TAGS.get(p)}
    assert facts.GITHUB_PAGES_DEFAULTS["future"] is True


# ----- confirmed with a real build --------------------------------------------------------
DATED = {
    "_posts/999-01-05-three.md": "0999/01/05/three.html",
    "_posts/24-1-5-two.md": "2024/01/05/two.html",
    "_posts/69-01-05-old.md": "1969/01/05/old.html",
    "_posts/68-01-05-new.md": "2068/01/05/new.html",
    "_posts/2024-04-31-apr.md": "2024/05/01/apr.html",
    "_posts/2024-12-31-dec.md": "2024/12/31/dec.html",
}
FRONT_DATED = {  # front-matter date -> where the post `_posts/2024-03-01-NAME.md` is written
    "sec": ("2024-03-01 23:59:60 UTC", "2024/03/02/sec.html"),
    "hour": ("2024-03-01 24:00", "2024/03/02/hour.html"),
    "short": ('"2024-03-01 22:20 -05"', "2024/03/02/short.html"),
    "half": ("2024-03-01 01:20:30.5 +05:30", "2024/02/29/half.html"),
}


@requires_jekyll
def test_dates_agree_with_jekyll(tmp_path: Path) -> None:
    from reinvent_lint.jekyll.site import Site
    from reinvent_lint.jekyll.urls import output_path

    files = {rel: f"---\ntitle: x\n---\nMARK {rel}\n" for rel in DATED}
    for name, (date, _) in FRONT_DATED.items():
        files[f"_posts/2024-03-01-{name}.md"] = f"---\ntitle: x\ndate: {date}\n---\nMARK {name}\n"
    result = build(tmp_path, files, "title: T\nfuture: true\n")
    assert not result.failed, result.log
    expected = {**DATED, **{f"_posts/2024-03-01-{n}.md": out for n, (_, out) in FRONT_DATED.items()}}
    assert {out for out in result.outputs() if out.endswith(".html")} == set(expected.values())
    model = Site(result.source).urls.primary
    assert {rel: output_path(model[rel]) for rel in expected} == expected


def test_file_dates_are_values() -> None:
    # frozen: usable as keys and in sets, like the other records of the model
    assert len({file_date("2024-1-5-a.md"), file_date("2024-1-5-b.md")}) == 1
