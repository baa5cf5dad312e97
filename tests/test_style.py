"""The style pack: pymarkdownlnt's rules, never inside Liquid, fixes through our engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from reinvent_lint.document import Document
from reinvent_lint.fixer import fix_document
from reinvent_lint.style import DEFAULTS, fix_problem

from .conftest import linter_for, run_cli, write_site
from .jekyll_site import requires_jekyll

LIQUID = '{% include note.html text="* bad  spacing*" url="http://example.com/in-liquid" %}'
POST = (
    "---\ntitle: Style\n---\n\n"
    "A paragraph\n(the docs)[https://example.com/] reversed.\n\n"  # MD011: kramdown renders it as text
    f"{LIQUID}\n\n"
    "Visit http://example.com/bare now, and see * spaced emphasis* and [a]({% link _posts/2024-01-02-b.md %}).\n"
)


def _run(tmp_path: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code, out, _ = run_cli([*args, "--show-info"], tmp_path, capsys)  # the pack's findings are info here
    return code, out


def test_findings_join_our_stream_and_never_point_inside_liquid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": POST, "_posts/2024-01-02-b.md": "---\ntitle: B\n---\n\nText.\n",
                          "_includes/note.html": "<p>{{ include.text }}</p>"})  # fmt: skip
    _, out = _run(tmp_path, ["check", "--style", "ci", "--select", "RL001,MD011,MD037"], capsys)
    lines = [line for line in out.splitlines() if ": MD" in line]
    assert any(
        line.startswith("_posts/2024-01-01-a.md:6:1: MD011 no-reversed-links [warning] Reversed link") for line in lines
    )
    assert not any("MD034" in line for line in lines)  # bare URLs: off by default (often meant)
    assert any(":10:" in line and "MD037" in line for line in lines)
    assert not [line for line in lines if ":8:" in line]  # line 8 is the include: nothing reported inside it


def test_pack_is_off_by_default_and_ci_mode_skips_given_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_site(tmp_path, {"_posts/2024-01-01-a.md": POST, "_includes/note.html": "x"})
    _, out = _run(tmp_path, ["check"], capsys)
    assert ": MD" not in out  # off by default (issue 14)
    (tmp_path / ".reinvent-lint.toml").write_text('[style]\nmode = "ci"\n')
    _, out = _run(tmp_path, ["check"], capsys)
    assert ": MD011" in out
    _, out = _run(tmp_path, ["check", "_posts/2024-01-01-a.md"], capsys)
    assert ": MD" not in out
    (tmp_path / ".reinvent-lint.toml").write_text('[style]\nmode = "always"\n')
    _, out = _run(tmp_path, ["check", "_posts/2024-01-01-a.md"], capsys)
    assert ": MD011" in out
    (tmp_path / ".reinvent-lint.toml").write_text('[style]\nmode = "off"\n')
    _, out = _run(tmp_path, ["check"], capsys)
    assert ": MD" not in out
    _, out = _run(tmp_path, ["check", "--style", "ci"], capsys)
    assert ": MD011" in out


def test_suppression_comments_and_config_apply(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    post = POST.replace("A paragraph\n", "<!-- reinvent-lint disable MD011 -->\n\nA paragraph\n").replace(
        f"{LIQUID}\n", f"{LIQUID}\n\n<!-- reinvent-lint enable MD011 -->\n"
    )
    toml = '[style]\nmode = "ci"\nenable = ["md034"]\ndisable = ["md020"]\nseverity = "info"\n'
    write_site(tmp_path, {"_posts/2024-01-01-a.md": post, "_includes/note.html": "x", ".reinvent-lint.toml": toml})
    _, out = _run(tmp_path, ["check"], capsys)
    assert "MD011" not in out and "MD034 no-bare-urls [info]" in out and "MD037 no-space-in-emphasis [info]" in out
    (tmp_path / ".reinvent-lint.toml").write_text('[style]\ndisable = ["nope"]\n')
    code, _ = _run(tmp_path, ["check"], capsys)
    assert code == 2


def test_style_fixes_never_touch_liquid() -> None:
    doc = Document("_posts/2024-01-01-a.md", POST, kind="post")
    problem = fix_problem(doc, dict(DEFAULTS))
    assert problem is not None and problem.fix is not None
    result = fix_document(doc, lambda d: [p for p in [fix_problem(d, dict(DEFAULTS))] if p])
    assert LIQUID in result.text and "{% link _posts/2024-01-02-b.md %}" in result.text
    # MD037 would turn "* spaced emphasis*" into italics: the page would render differently
    # (the stars may be multiplication signs), so the render check refuses it (issue 16).
    assert "* spaced emphasis*" in result.text
    assert result.refused and "rendered text" in result.refused[0]


def test_a_fix_that_would_rewrite_liquid_is_dropped() -> None:
    # Inside the include, "* bad  spacing*" is what MD037 would rewrite; masked, it cannot.
    text = "---\ntitle: x\n---\n\n" + LIQUID + "\n"
    assert fix_problem(Document("_posts/2024-01-01-a.md", text, kind="post"), dict(DEFAULTS)) is None


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_file_is_checked_once_whatever_the_workers(tmp_path: Path, jobs: int) -> None:
    write_site(tmp_path, {f"_posts/2024-01-0{i}-p.md": POST for i in range(1, 6)})
    report = linter_for(tmp_path, raw={"style": {"mode": "ci"}}).check_paths([], jobs=jobs)
    assert sorted(p.path for p in report.problems if p.code == "MD011") == [
        f"_posts/2024-01-0{i}-p.md" for i in range(1, 6)
    ]


# The curated default, judged by real Jekyll (4.3 with kramdown's GFM parser; GitHub Pages' 3.9.5
# uses the same kramdown-parser-gfm, and none of these cases depend on Jekyll itself): a rule is
# on only if what it reports is visible in the built page.
VISIBLE = {  # rule: (post body, what the page shows instead of the markup the author meant)
    "MD011": ("See (the docs)[https://example.com/] now.\n", "<p>See (the docs)[https://example.com/] now.</p>"),
    "MD018": ("#Heading without its space\n\nText.\n", "<p>#Heading without its space</p>"),
    "MD020": ("#Closed heading#\n\nText.\n", "<p>#Closed heading#</p>"),
    "MD023": ("  # Indented heading\n\nText.\n", "<p># Indented heading</p>"),
    "MD037": ("Some * spaced emphasis* here.\n", "<p>Some * spaced emphasis* here.</p>"),
}
AS_MEANT = {  # (rule it would be, post body, what the page shows: what the author meant)
    "blank-line-before-heading": ("MD022", "Text right before.\n# Heading\nText right after.\n", '<h1 id="heading">'),
    "fence-after-paragraph": ("MD031", "Text before.\n```\ncode\n```\nText after.\n", "<pre"),
    "list-after-paragraph": ("MD032", "A paragraph\n* a list glued to it\n", "<li>a list glued to it</li>"),
    "uneven-list-indent": ("MD005", "- a\n - b\n- c\n", "<li>b</li>\n  <li>c</li>"),
    "hard-tab": ("MD010", "```\nif x:\n\treturn 1\n```\n", "\treturn 1"),
    # Visible (plain text, not a link) but often meant: a local address, log output, a URL to type.
    "bare-url": ("MD034", "Visit http://localhost:4000/ now.\n", "<p>Visit http://localhost:4000/ now.</p>"),
    "number-sign": ("MD018", "#1 reason is speed.\n", "<p>#1 reason is speed.</p>"),
    "multiplication": ("MD037", "Compute 2 * 3 * 4 now.\n", "<p>Compute 2 * 3 * 4 now.</p>"),
}


@requires_jekyll
def test_the_curated_pack_reports_only_what_jekyll_renders_wrong(tmp_path: Path) -> None:
    from reinvent_lint import style

    from .jekyll_site import build

    fm = "---\ntitle: {}\nlayout: none\n---\n\n"
    cases = {**{k: v[0] for k, v in VISIBLE.items()}, **{k: v[1] for k, v in AS_MEANT.items()}}
    names = {case: f"_posts/2024-01-{i + 1:02d}-{case.lower()}.md" for i, case in enumerate(cases)}
    built = build(tmp_path, {names[case]: fm.format(case) + body for case, body in cases.items()})
    api = style._api(DEFAULTS)
    for case, body in cases.items():
        stem = names[case].split("/")[-1][11:-3]
        html = built.html(next(o for o in built.outputs() if o.endswith(f"/{stem}.html")))
        doc = Document(names[case], fm.format(case) + body, kind="post")
        codes = {p.code for p in style.check_document(api, doc, DEFAULTS)}
        if case in VISIBLE:
            assert case in codes and VISIBLE[case][1] in html, (case, codes, html)
        else:
            assert AS_MEANT[case][0] not in codes and AS_MEANT[case][2] in html, (case, codes, html)


def test_the_rule_book_page_lists_the_curated_default_as_it_is() -> None:
    import re

    from reinvent_lint.style import CURATED_OFF

    page = (Path(__file__).parent.parent / "rules/STYLE-pack.md").read_text()
    rows = dict(re.findall(r"^\| (MD\d{3}) \| (on|off) \|", page, re.MULTILINE))
    assert {code.lower() for code, state in rows.items() if state == "off"} == set(CURATED_OFF)
    assert {code for code, state in rows.items() if state == "on"} == set(VISIBLE)
