"""reinvent_lint.jekyll.liquid: every span, block body, error and include parameter, with offsets.

The Liquid behaviours the scanner models (an output ends at its first `}`, unclosed tags, raw and
comment bodies, Liquid inside a highlight block) are built with real Jekyll in
tests/test_jekyll_model.py (test_bad_liquid_fails_the_build, test_output_ends_at_its_first_closing_brace,
test_liquid_in_code); here the offsets are pinned.
"""

from __future__ import annotations

import pytest

from reinvent_lint.jekyll.liquid import (
    IncludeParam,
    LiquidBlockBody,
    LiquidError,
    LiquidSpan,
    include_params,
    paired_bodies,
    scan,
)

SINGLE = "Liquid output '{{' is ended by a single '}' (Liquid stops at the first '}')"


def test_tags_and_outputs() -> None:
    result = scan("a {{ x }} b {%- if y -%} c {% endif %}")
    assert result.spans == [
        LiquidSpan(2, 9, "output", "", "x"),
        LiquidSpan(12, 24, "tag", "if", "y"),
        LiquidSpan(27, 38, "tag", "endif", ""),
    ]
    assert result.bodies == [] and result.errors == []
    assert result.spans[0].text_range == (2, 9)


def test_output_markup_is_stripped_of_blanks_and_dashes() -> None:
    assert scan("{{-\n page.title | upcase \t-}}").spans == [LiquidSpan(0, 29, "output", "", "page.title | upcase")]


def test_raw_body_is_literal() -> None:
    result = scan("{% raw %}{{ x }}{% if %}{% endraw %} {{ y }}")
    assert result.spans == [
        LiquidSpan(0, 9, "tag", "raw", ""),
        LiquidSpan(24, 36, "tag", "endraw", ""),
        LiquidSpan(37, 44, "output", "", "y"),
    ]
    assert result.bodies == [LiquidBlockBody("raw", 9, 24, "")]
    assert result.errors == []


def test_raw_end_tag_with_whitespace_control() -> None:
    result = scan("{%- raw -%}x{%-  endraw  -%}")
    assert result.bodies == [LiquidBlockBody("raw", 11, 12, "")]
    assert [s.name for s in result.spans] == ["raw", "endraw"]


def test_comment_is_one_span() -> None:
    result = scan("{% comment %} {{ x }} {% if %} {% endcomment %}z{{ y }}")
    assert result.spans == [LiquidSpan(0, 47, "comment", "comment", ""), LiquidSpan(48, 55, "output", "", "y")]
    assert result.errors == [] and result.bodies == []


def test_highlight_body_still_holds_liquid() -> None:
    result = scan("{% highlight ruby linenos %}\n{{ x }}\n{% endhighlight %}")
    assert result.spans == [
        LiquidSpan(0, 28, "tag", "highlight", "ruby linenos"),
        LiquidSpan(29, 36, "output", "", "x"),
        LiquidSpan(37, 55, "tag", "endhighlight", ""),
    ]
    assert result.bodies == [LiquidBlockBody("highlight", 28, 37, "ruby linenos")]


@pytest.mark.parametrize(
    ("text", "spans", "errors"),
    [
        ("{{ x } }} {{", [], [LiquidError(0, SINGLE), LiquidError(10, "unclosed Liquid output '{{'")]),
        ('{{ "}" }}', [], [LiquidError(0, SINGLE)]),
        ("{{ a }", [], [LiquidError(0, "unclosed Liquid output '{{'")]),
        ("{% if", [], [LiquidError(0, "unclosed Liquid tag '{%'")]),
        (
            "{{ a }} {% b {{ c",
            [LiquidSpan(0, 7, "output", "", "a")],
            [LiquidError(8, "unclosed Liquid tag '{%'"), LiquidError(13, "unclosed Liquid output '{{'")],
        ),
        (
            "{% raw %} x",
            [LiquidSpan(0, 9, "tag", "raw", "")],
            [LiquidError(0, "'{% raw %}' is never closed by '{% endraw %}'")],
        ),
        (
            "{% comment %} x",
            [LiquidSpan(0, 13, "tag", "comment", "")],
            [LiquidError(0, "'{% comment %}' is never closed by '{% endcomment %}'")],
        ),
        (
            "{% highlight %} {{ x }}",
            [LiquidSpan(0, 15, "tag", "highlight", ""), LiquidSpan(16, 23, "output", "", "x")],
            [LiquidError(0, "'{% highlight %}' is never closed by '{% endhighlight %}'")],
        ),
        (
            "{% raw %}a{% raw %}b",
            [LiquidSpan(0, 9, "tag", "raw", ""), LiquidSpan(10, 19, "tag", "raw", "")],
            [
                LiquidError(0, "'{% raw %}' is never closed by '{% endraw %}'"),
                LiquidError(10, "'{% raw %}' is never closed by '{% endraw %}'"),
            ],
        ),
        ("{%%}", [LiquidSpan(0, 4, "tag", "", "")], []),
        ("{% # note %}", [LiquidSpan(0, 12, "tag", "#", "note")], []),
        ("{% 1x %}", [LiquidSpan(0, 8, "tag", "", "1x")], []),
    ],
)
def test_errors_and_what_survives_them(text: str, spans: list[LiquidSpan], errors: list[LiquidError]) -> None:
    result = scan(text)
    assert result.spans == spans
    assert result.errors == errors


def test_many_unclosed_openers_each_reported() -> None:
    result = scan("{{ " * 5 + "{% " * 3)
    assert [e.offset for e in result.errors] == [0, 3, 6, 9, 12, 15, 18, 21]


def test_scan_from_an_offset() -> None:
    text = "{{ a }} {{ b }}"
    assert scan(text, 7).spans == [LiquidSpan(8, 15, "output", "", "b")]
    assert scan(text, 1).spans == [LiquidSpan(8, 15, "output", "", "b")]


def test_spans_are_sorted_by_start() -> None:
    starts = [s.start for s in scan("{% raw %}{% endraw %}{{ a }}{% comment %}{% endcomment %}{% x %}").spans]
    assert starts == sorted(starts) and len(starts) == 5


def test_include_template_and_parameters() -> None:
    text = "x {%- include  note.html text=\"hi there\" n=3 alt='a b' bad = x-y -%}"
    (span,) = scan(text).spans
    template, params = include_params(text, span)
    assert template == "note.html"
    assert params == [
        IncludeParam("text", "hi there", 31, 39, True),
        IncludeParam("n", "3", 43, 44, False),
        IncludeParam("alt", "a b", 50, 53, True),
        IncludeParam("bad", "x-y", 61, 64, False),
    ]
    assert [text[p.value_start : p.value_end] for p in params] == ["hi there", "3", "a b", "x-y"]


def test_include_without_template_or_with_liquid() -> None:
    text = "{% include %}{% include {{ v }} k='' %}"
    first, second = scan(text).spans
    assert include_params(text, first) == ("", [])
    assert include_params(text, second) == ("{{", [IncludeParam("k", "", 35, 35, True)])


def test_include_parameter_names_may_not_be_the_template() -> None:
    text = '{% include a=b.html x="1" %}'
    (span,) = scan(text).spans
    assert include_params(text, span) == ("a=b.html", [IncludeParam("x", "1", 23, 24, True)])


def test_paired_bodies() -> None:
    text = (
        "{% notice %}a{% endnotice %}{% if x %}b{% endif %}{% box %}{% box %}c{% endbox %}d{% endbox %}"
        "{% endfoo %}{{ end }}{% raw %}{% endraw %}"
    )
    spans = scan(text).spans
    assert paired_bodies(spans, {"if", "raw"}) == [(12, 13), (59, 82), (68, 69)]
    assert paired_bodies(spans, {"raw"}) == [(12, 13), (38, 39), (59, 82), (68, 69)]
    assert paired_bodies(spans, ()) == [(12, 13), (38, 39), (59, 82), (68, 69), (124, 124)]


def test_markup_without_blanks() -> None:
    assert scan("{{x}}{%y z%}").spans == [LiquidSpan(0, 5, "output", "", "x"), LiquidSpan(5, 12, "tag", "y", "z")]


def test_records_are_values() -> None:
    text = "{% include a.html k=v %}"
    (span,) = scan(text).spans
    assert len({span, scan(text).spans[0]}) == 1
    assert len(set(include_params(text, span)[1])) == 1


def test_more_records_are_values() -> None:
    result = scan("{% raw %}x{% endraw %}{{ a }")
    assert len({result.bodies[0], scan("{% raw %}x{% endraw %}").bodies[0]}) == 1
    assert len(set(result.errors)) == 1


def test_scanning_resumes_right_after_a_single_brace() -> None:
    result = scan("{{ a }{{ b }}")
    assert result.errors == [LiquidError(0, SINGLE)]
    assert result.spans == [LiquidSpan(6, 13, "output", "", "b")]


def test_only_named_tags_pair() -> None:
    assert paired_bodies(scan("{%%}x{% end %}").spans, ()) == []
    assert paired_bodies(scan("{% comment %}x{% endcomment %} {% endcomment %}").spans, ()) == []
