from __future__ import annotations

import os
from pathlib import Path

from reinvent_lint.document import Document
from reinvent_lint.jekyll.references import extract, kramdown_ids

from .conftest import linter_for, write_site

LINK_RULES = ["RL401", "RL402", "RL403", "RL404", "RL405"]


def _found(root: Path, raw: dict | None = None) -> list[tuple[int, int, str]]:
    report = linter_for(root, select=LINK_RULES, raw=raw).check_paths([])
    assert not report.errors
    return [(p.line, p.column, p.code) for p in report.problems]


def test_references_carry_exact_positions() -> None:
    text = '---\ntitle: x\n---\n[a]({% link _posts/b.md %}#frag) <a href="/x.html">x</a>\n{% include candid-image.html src="/i.png" attrib="[CC](https://cc.org/)" %}\n'
    doc = Document("p.md", text)
    refs = [(r.kind, r.target, doc.position(r.start)) for r in extract(doc)]
    assert ("liquid-link", "_posts/b.md", (4, 13)) in refs
    assert ("html-href", "/x.html", (4, 43)) in refs
    assert ("include-param", "/i.png", (5, 35)) in refs
    assert ("link", "https://cc.org/", (5, 56)) in refs


def test_kramdown_ids_for_tricky_headings() -> None:
    text = "# Hello, World!\n\n# Hello, World!\n\n# `code` & *emph* ✨\n\n# Ünïcödé title\n\n# Set {#custom}\n"
    assert kramdown_ids(Document("p.md", text)) == {
        "hello-world",
        "hello-world-1",
        "code--emph-",
        "ünïcödé-title",
        "custom",
    }


def test_symlink_out_of_the_site_is_not_found_and_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_text("x")
    site = tmp_path / "site"
    write_site(
        site,
        {
            "_posts/2024-01-01-a.md": "---\ntitle: x\n---\n\n![The secret diagram](/assets/secret.png)\n",
            "assets/.keep": "",
        },
    )
    os.symlink(outside / "secret.png", site / "assets" / "secret.png")
    assert _found(site) == [(5, 23, "RL403")]


def test_baseurl_is_honoured_and_generator_plugins_skip_page_urls(tmp_path: Path) -> None:
    write_site(tmp_path, {
        "_config.yml": "baseurl: /blog\nplugins: [jekyll-archives]\n",
        "assets/a.png": "x",
        "_posts/2024-01-01-a.md": "---\ntitle: x\n---\n\n![Alpha](/blog/assets/a.png) [tags](/tags/aws/) ![Beta](/blog/assets/b.png)\n",
    })  # fmt: skip
    assert _found(tmp_path) == [(5, 57, "RL403")]


def test_image_includes_come_from_config_when_given(tmp_path: Path) -> None:
    write_site(tmp_path, {
        "_includes/figure.html": "<figure>{{ include.image }}</figure>",
        "_posts/2024-01-01-a.md": '---\ntitle: x\n---\n\n{% include figure.html image="/missing.png" %}\n',
    })  # fmt: skip
    assert _found(tmp_path) == []  # the template renders no <img>: not known as an image include
    assert _found(tmp_path, {"site": {"image-includes": {"figure.html": ["image"]}}}) == [
        (5, 1, "RL405"),
        (5, 31, "RL403"),
    ]


def test_post_urls_follow_the_permalink_style(tmp_path: Path) -> None:
    write_site(tmp_path, {
        "_config.yml": "permalink: pretty\n",
        "_posts/2024-01-01-a.md": "---\ntitle: A\ncategories: [cloud]\n---\n\n# Part one\n\nText.\n",
        "_posts/2024-01-02-b.md": "---\ntitle: B\n---\n\n[ok](/cloud/2024/01/01/a/#part-one) [bad](/2024/01/01/a/) [frag](/cloud/2024/01/01/a/#part-two)\n",
    })  # fmt: skip
    assert _found(tmp_path) == [(5, 43, "RL403"), (5, 87, "RL404")]


def test_sibling_project_sites_on_a_user_site_are_not_local_files(tmp_path: Path) -> None:
    post = "---\ntitle: x\n---\n\n[demo](/sphere-js/) [about](/abuot/) [pic](/toys/x.png)\n"
    write_site(tmp_path, {"_posts/2024-01-01-a.md": post, "about.md": "---\n---\n", "CNAME": "me.example\n"})
    assert _found(tmp_path) == [(5, 29, "RL403")]  # only the near-miss of an existing page
    (tmp_path / "CNAME").unlink()
    assert [c for _, _, c in _found(tmp_path)] == ["RL403", "RL403", "RL403"]


def test_a_moved_folder_of_the_site_is_local_not_a_sibling_site(tmp_path: Path) -> None:
    # The site has vid/fractal/a.jpg: /video/fractal/a.jpg is its own folder under an old name.
    post = "---\ntitle: x\n---\n\n![A set](/video/fractal/a.jpg) [demo](/sphere-js/b.html)\n"
    files = {"_posts/2024-01-01-a.md": post, "vid/fractal/a.jpg": "x", "CNAME": "me.example\n"}
    write_site(tmp_path, files)
    assert _found(tmp_path) == [(5, 10, "RL403")]
    (problem,) = linter_for(tmp_path, select=["RL403"]).check_paths([]).problems
    assert problem.message.endswith("did you mean '/vid/fractal/a.jpg'?")


def test_files_a_build_step_may_provide_are_unverified_not_missing(tmp_path: Path) -> None:
    post = "---\ntitle: x\n---\n\n![Gallery](/assets/images/gallery.jpg)\n"
    write_site(tmp_path, {"_posts/2024-01-01-a.md": post, "_config.yml": "exclude: [gulpfile.js]\n"})
    report = linter_for(tmp_path, select=["RL403", "RL406"]).check_paths([])
    assert [(p.code, str(p.severity)) for p in report.problems] == [("RL406", "info")]
    assert "'gulpfile.js' in the exclude list" in report.problems[0].message
    write_site(tmp_path, {"_config.yml": "remote_theme: owner/theme\n"})
    report = linter_for(tmp_path, select=["RL403", "RL406"]).check_paths([])
    assert [p.code for p in report.problems] == ["RL406"]
    write_site(tmp_path, {"_config.yml": "title: plain\n"})
    report = linter_for(tmp_path, select=["RL403", "RL406"]).check_paths([])
    assert [p.code for p in report.problems] == ["RL403"]


def test_image_include_alt_parameter_is_learned_from_the_template(tmp_path: Path) -> None:
    write_site(tmp_path, {
        "_includes/epic.html": '<a href="{{ include.url }}">'
                               '<img src="{{ include.url }}" alt="{{ include.title }}"></a>',
        "_includes/fixed.html": '<img src="{{ include.src }}" alt="A fixed description">',
        "_includes/plain.html": '<img src="{{ include.src }}" alt="{{ include.alt }}">',
        "assets/a.png": "x",
        "_posts/2024-01-01-a.md": '---\ntitle: x\n---\n\n'
        '{% include epic.html url="/assets/a.png" title="The stage" %}\n'
        '{% include epic.html url="/assets/a.png" title="" %}\n{% include fixed.html src="/assets/a.png" %}\n'
        "![pod_networking](/assets/pod_networking.png) ![Settings](/assets/settings.png)\n"
        '{% include plain.html src="/assets/a.png" alt="" %}\n',
        "assets/pod_networking.png": "x",
        "assets/settings.png": "x",
    })  # fmt: skip
    report = linter_for(tmp_path, select=["RL405"]).check_paths([])
    # `title=""` is a title left empty, not an alt chosen empty: the page's alt is empty.
    # `alt=""` is a decorative image, as in HTML.
    assert [(p.line, p.message) for p in report.problems] == [
        (6, "image 'a.png' has empty alt text"),
        (8, "alt text of 'pod_networking.png' is just its file name; describe the image"),
        (8, "alt text of 'settings.png' is the word in its file name; does it describe the image?"),
    ]
    assert [str(p.severity) for p in report.problems] == ["warning", "warning", "info"]


def test_ids_written_by_layouts_are_fragment_targets(tmp_path: Path) -> None:
    write_site(tmp_path, {
        "_layouts/post.html": "{{ content }}{% include comments.html %}",
        "_includes/comments.html": '<section id="comments"></section>',
        "_posts/2024-01-01-a.md": "---\ntitle: x\nlayout: post\n---\n\n[Comments](#comments) [x](#nowhere)\n",
    })  # fmt: skip
    assert _found(tmp_path) == [(6, 27, "RL404")]
