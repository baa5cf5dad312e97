"""reinvent_lint.jekyll.site: the site on disk, its config, and every listing, with exact values.

Which files Jekyll reads as posts and which `exclude:`/`include:` drop is built with real Jekyll
in `test_reads_the_files_jekyll_reads` at the end; `source:`, `markdown_ext`, safe mode and the
plugins folder are built in tests/test_jekyll_model.py.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from reinvent_lint.jekyll.site import Site, find_root

from .conftest import write_site
from .jekyll_site import build, requires_jekyll

POST = "---\ntitle: p\n---\nText.\n"


def _site(tmp_path: Path, files: dict[str, str | bytes], platform: str = "auto", name: str = "") -> Site:
    root = tmp_path / (name or str(len(list(tmp_path.iterdir()))))
    write_site(root, files)
    return Site(root, platform=platform)


# ----- root and config ---------------------------------------------------------------------
def test_find_root(tmp_path: Path) -> None:
    write_site(tmp_path / "a", {"_posts/2024-01-01-x.md": POST, "deep/er/page.md": "x"})
    assert find_root(tmp_path / "a" / "deep" / "er" / "page.md") == tmp_path / "a"
    assert find_root(tmp_path / "a" / "deep") == tmp_path / "a"
    assert find_root(tmp_path / "a") == tmp_path / "a"
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "_config.yaml").write_text("title: x\n", encoding="utf-8")
    assert find_root(tmp_path / "b") == tmp_path / "b"
    (tmp_path / "c" / "_config.yml").mkdir(parents=True)  # a folder is no config
    assert find_root(tmp_path / "c") is None


def test_no_site() -> None:
    site = Site(None)
    assert (site.root, site.config_dir, site.config, site.baseurl) == (None, None, {}, "")
    assert site.files == frozenset() and site.github_pages is False
    assert site.relative(Path("/x/y.md")) is None
    assert site.tag_sources == {} and site.post_files == [] and site.includes == []


def test_config_files(tmp_path: Path) -> None:
    assert _site(tmp_path, {"_config.yml": "title: yml\n", "_config.yaml": "title: yaml\n"}).config == {"title": "yml"}
    only_yaml = tmp_path / "only-yaml"
    only_yaml.mkdir()
    (only_yaml / "_config.yaml").write_text("title: yaml\n", encoding="utf-8")
    assert Site(only_yaml).config == {"title": "yaml"}
    assert _site(tmp_path, {"_config.yml": "title: [\n"}).config == {}
    assert _site(tmp_path, {"_config.yml": "- a\n"}).config == {}
    assert _site(tmp_path, {"_config.yml": b"title: \xff\n"}).config == {}
    assert _site(tmp_path, {"_config.yml": ""}).config == {}


def test_source_folder(tmp_path: Path) -> None:
    site = _site(tmp_path, {"_config.yml": "source: ' src '\n", "src/index.md": "x"}, name="s")
    assert site.config_dir == tmp_path / "s" and site.root == tmp_path / "s" / "src"
    assert site.files == {"index.md"}
    assert _site(tmp_path, {"_config.yml": "source: missing\n"}, name="m").root == tmp_path / "m"
    assert _site(tmp_path, {"_config.yml": "source: .\n"}, name="d").root == tmp_path / "d"
    assert _site(tmp_path, {"_config.yml": "source: '  '\n"}, name="b").root == tmp_path / "b"
    assert _site(tmp_path, {"_config.yml": "source: 3\n"}, name="n").root == tmp_path / "n"


def test_config_read_again_from_the_disk_cache_is_the_same_data(tmp_path: Path) -> None:
    text = "title: t\nexclude: [a, b]\ndefaults:\n  - scope: {path: ''}\n    values: {layout: post}\nflag: yes\n"
    first = _site(tmp_path, {"_config.yml": text}).config
    again = _site(tmp_path, {"_config.yml": text}).config  # the same text: from the cache
    assert again == first == {
        "title": "t", "exclude": ["a", "b"], "defaults": [{"scope": {"path": ""}, "values": {"layout": "post"}}],
        "flag": True,
    }  # fmt: skip
    assert _site(tmp_path, {"_config.yml": text.replace("title: t", "title: u")}).config["title"] == "u"
    dated = "title: d\ndate: 2024-01-02\n"  # a date marshal cannot store: parsed every time
    assert _site(tmp_path, {"_config.yml": dated}).config == _site(tmp_path, {"_config.yml": dated}).config
    assert _site(tmp_path, {"_config.yml": dated}).config["date"] == dt.date(2024, 1, 2)


@pytest.mark.parametrize(("value", "expected"), [("/blog/", "/blog"), ("/", ""), ("", ""), ("null", ""), ("7", "7")])
def test_baseurl(tmp_path: Path, value: str, expected: str) -> None:
    assert _site(tmp_path, {"_config.yml": f"baseurl: {value}\n"}).baseurl == expected


def test_github_pages_detection(tmp_path: Path) -> None:
    assert _site(tmp_path, {"Gemfile": "  gem 'github-pages'\n", "CNAME": "x"}).github_pages is True
    assert _site(tmp_path, {"Gemfile": "# gem 'github-pages'\n", "CNAME": "x"}).github_pages is False
    assert _site(tmp_path, {"_config.yml": "repository: me/me.GitHub.io\n"}).github_pages is True
    assert _site(tmp_path, {"_config.yml": "url: https://example.com\n"}).github_pages is False
    assert _site(tmp_path, {}, name="me.github.io").github_pages is True
    assert _site(tmp_path, {"_config.yml": "source: src\n", "src/CNAME": "x"}).github_pages is True
    assert _site(tmp_path, {"CNAME": "x"}, platform="jekyll").github_pages is False
    assert _site(tmp_path, {}, platform="github-pages").github_pages is True


def test_future(tmp_path: Path) -> None:
    assert _site(tmp_path, {"_config.yml": "future: true\n"}).future is True
    assert _site(tmp_path, {"_config.yml": "future: false\n"}, platform="github-pages").future is False
    assert _site(tmp_path, {}, platform="github-pages").future is True
    assert _site(tmp_path, {}).future is False


def test_timezone(tmp_path: Path) -> None:
    tokyo = _site(tmp_path, {"_config.yml": "timezone: ' Asia/Tokyo '\n"}).timezone
    assert dt.datetime(2024, 1, 1, tzinfo=tokyo).utcoffset() == dt.timedelta(hours=9)
    for value in ("Not/AZone", "''", "9", "../etc"):
        assert _site(tmp_path, {"_config.yml": f"timezone: {value}\n"}).timezone is dt.timezone.utc


def test_markdown_suffixes(tmp_path: Path) -> None:
    assert _site(tmp_path, {}).markdown_suffixes == {".markdown", ".mkdown", ".mkdn", ".mkd", ".md"}
    assert _site(tmp_path, {"_config.yml": "markdown_ext: 'MD, .txt,,'\n"}).markdown_suffixes == {".md", ".txt"}
    assert _site(tmp_path, {"_config.yml": "markdown_ext: '  '\n"}).markdown_suffixes == {
        ".markdown", ".mkdown", ".mkdn", ".mkd", ".md",
    }  # fmt: skip


def test_collections_and_excluded(tmp_path: Path) -> None:
    assert _site(tmp_path, {"_config.yml": "collections: {recipes: {output: true}, 3: {}}\n"}).collections == {
        "recipes",
        "3",
    }
    assert _site(tmp_path, {"_config.yml": "collections: [a, b]\n"}).collections == {"a", "b"}
    assert _site(tmp_path, {"_config.yml": "collections: a\n"}).collections == set()
    assert _site(tmp_path, {"_config.yml": "exclude: [/a/, b]\n"}).excluded == ["a", "b"]
    assert _site(tmp_path, {"_config.yml": "exclude: a\n"}).excluded == []


@pytest.mark.parametrize(
    ("rel", "excluded"),
    [
        ("README.md", True),
        ("docs/README.md", False),
        ("drafts-old", True),
        ("drafts-old/a.md", True),
        ("drafts-older.md", True),  # a prefix, as Jekyll's EntryFilter compares
        ("x.tmp.md", True),
        ("keep.md", False),
        ("node_modules", True),
        ("Gemfile.lock", True),
        ("vendor/bundle/x.rb", True),
        ("vendor", False),
        ("vendor/other.md", False),
        ("gen", True),  # `gen/` names the folder
        ("gen/keep.md", False),  # include: wins
        ("gen/a.md", True),
        ("src/kept.md", False),
    ],
)
def test_is_excluded(tmp_path: Path, rel: str, excluded: bool) -> None:
    site = _site(
        tmp_path,
        {"_config.yml": "exclude: [README.md, /drafts-old, '*.tmp.md', gen/, '/']\ninclude: [gen/keep.md, '', /src]\n"},
    )
    assert site.is_excluded(rel) is excluded


def test_exclude_of_a_folder_with_a_slash(tmp_path: Path) -> None:
    site = _site(tmp_path, {"_config.yml": "exclude: [assets/]\n"})
    assert site.is_excluded("assets") is True
    assert site.is_excluded("assets/x.css") is True
    assert site.is_excluded("assetsx") is False


# ----- files and listings ----------------------------------------------------------------
def test_relative(tmp_path: Path) -> None:
    site = _site(tmp_path, {"a/b.md": "x"}, name="r")
    assert site.relative(tmp_path / "r" / "a" / "b.md") == "a/b.md"
    assert site.relative(tmp_path / "r" / "a" / ".." / "a" / "b.md") == "a/b.md"
    assert site.relative(tmp_path / "elsewhere.md") is None
    os.symlink(tmp_path / "r", tmp_path / "link")
    assert site.relative(tmp_path / "link" / "a" / "b.md") == "a/b.md"


@pytest.mark.parametrize(
    ("rel", "kind"),
    [
        (None, "page"),
        ("", "page"),
        ("_posts/2024-01-01-a.md", "post"),
        ("blog/_posts/2024-01-01-a.md", "post"),
        ("_posts", "page"),
        ("notes/_posts.md", "page"),
        ("_drafts/a.md", "draft"),
        ("_recipes/soup.md", "collection"),
        ("_other/soup.md", "page"),
        ("recipes/soup.md", "page"),
        ("a/_drafts/x.md", "page"),
    ],
)
def test_kind_of(tmp_path: Path, rel: str | None, kind: str) -> None:
    assert _site(tmp_path, {"_config.yml": "collections: [recipes]\n"}).kind_of(rel) == kind


def test_files_skip_tool_folders_excludes_and_outside_links(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {
            "_config.yml": "exclude: [secret.md, old]\n",
            "index.md": "x",
            "a/b.md": "x",
            "_site/out.html": "x",
            ".git/config": "x",
            "sub/node_modules/m.js": "x",
            "old/a.md": "x",
            "a/secret.md": "x",
            "secret.md": "x",
            ".jekyll-cache/c": "x",
            "__pycache__/c.pyc": b"x",
            "Gemfile": "x",
        },
        name="f",
    )
    (tmp_path / "outside.md").write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "outside.md", tmp_path / "f" / "out-link.md")
    os.symlink(tmp_path / "f" / "index.md", tmp_path / "f" / "in-link.md")
    assert site.files == {"_config.yml", "index.md", "a/b.md", "a/secret.md", "in-link.md"}
    assert site.files_lower == {rel.lower(): [rel] for rel in site.files}


def test_files_lower_groups_case_variants(tmp_path: Path) -> None:
    site = _site(tmp_path, {"A.md": "x", "a.md": "x"})
    assert sorted(site.files_lower["a.md"]) == ["A.md", "a.md"]


def test_listings(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "_includes/note.html": "x",
        "_includes/deep/card.html": "x",
        "_includes/node_modules/x.html": "x",
        "_layouts/post.html": "x",
        "_layouts/default.liquid": "x",
        "_drafts/idea.md": "x",
        "_drafts/idea.txt": "x",
        "_drafts/page.HTML": "x",
        "tags/go.md": "x",
        "tags/aws/index.html": "x",
        "tags/index.md": "x",
        "tags/readme.txt": "x",
        "_topics/rust.markdown": "x",
    }
    lazy = _site(tmp_path, files, name="lazy")
    assert lazy.includes == ["deep/card.html", "note.html"]
    assert lazy.layouts == {"post", "default"}
    assert lazy.drafts == ["_drafts/idea.md", "_drafts/page.HTML"]
    assert lazy.tags == {"go", "aws", "rust"}
    assert "files" not in lazy.__dict__  # listed without walking the whole site
    walked = _site(tmp_path, files, name="walked")
    assert walked.files  # the whole-site walk first: listings come from it
    assert walked.includes == ["deep/card.html", "note.html"]
    assert walked.drafts == lazy.drafts and walked.tags == lazy.tags and walked.layouts == lazy.layouts
    assert _site(tmp_path, {}).includes == []


def test_tag_folders_are_configurable(tmp_path: Path) -> None:
    root = tmp_path / "t"
    write_site(root, {"labels/a.md": "x", "tags/b.md": "x"})
    assert Site(root, tag_dirs=("labels",)).tags == {"a"}


def test_post_files_posts_and_names(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {
            "_config.yml": "markdown_ext: md\n",
            "_posts/2024-01-01-a.md": POST,
            "_posts/2024-1-2-b.html": POST,
            "_posts/2024-01-03-c.markdown": POST,
            "_posts/2024-01-04-d.txt": POST,
            "_posts/notes.md": POST,
            "_posts/.2024-01-05-e.md": POST,
            "_posts/sub/2024-01-06-f.md": POST,
            "blog/_posts/2024-01-07-g.md": POST,
            "blog/_posts/2024-01-07-g.markdown": POST,
            "_x/_posts/2024-01-08-h.md": POST,
            ".y/_posts/2024-01-09-i.md": POST,
            "a/_b/_posts/2024-01-10-j.md": POST,
            "_posts.md": POST,
        },
    )
    assert site.post_files == [
        "_posts/2024-01-01-a.md",
        "_posts/2024-01-03-c.markdown",
        "_posts/2024-01-04-d.txt",
        "_posts/2024-1-2-b.html",
        "_posts/sub/2024-01-06-f.md",
        "blog/_posts/2024-01-07-g.markdown",
        "blog/_posts/2024-01-07-g.md",
    ]
    assert site.posts == [
        "_posts/2024-01-01-a.md",
        "_posts/2024-1-2-b.html",
        "_posts/sub/2024-01-06-f.md",
        "blog/_posts/2024-01-07-g.md",
    ]
    assert site.post_names == {
        "2024-01-01-a": "_posts/2024-01-01-a.md",
        "2024-01-03-c": "_posts/2024-01-03-c.markdown",
        "2024-01-04-d": "_posts/2024-01-04-d.txt",
        "2024-1-2-b": "_posts/2024-1-2-b.html",
        "sub/2024-01-06-f": "_posts/sub/2024-01-06-f.md",
        "blog/2024-01-07-g": "blog/_posts/2024-01-07-g.markdown",
    }


def test_markdown_files(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {
            "_config.yml": "markdown_ext: md,txt\nexclude: [skip.md]\n",
            "index.md": "x",
            "notes.txt": "x",
            "page.MKD": "x",
            "page.html": "x",
            "skip.md": "x",
            "_includes/a.md": "x",
            "_layouts/b.md": "x",
            "_sass/c.md": "x",
            "_data/d.md": "x",
            "_plugins/e.md": "x",
            "_posts/2024-01-01-p.md": "x",
            "sub/_includes/f.md": "x",
        },
    )
    assert site.markdown_files() == [
        "_posts/2024-01-01-p.md",
        "index.md",
        "notes.txt",
        "page.MKD",
        "sub/_includes/f.md",
    ]


# ----- plugins and safe mode -------------------------------------------------------------
def test_plugins_and_tag_sources(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {
            "_config.yml": "plugins: [jekyll-gist, 3]\ngems: [jekyll-seo-tag]\nplugins_dir: my_plugins\n",
            "my_plugins/sub/tags.rb": "Liquid::Template.register_tag('notice', N)\n",
            "my_plugins/readme.txt": "Liquid::Template.register_tag('nope', N)\n",
            "_plugins/ignored.rb": "Liquid::Template.register_tag('other', N)\n",
        },
    )
    assert site.plugins == {"jekyll-gist", "3", "jekyll-seo-tag"}
    assert site.tag_sources == {
        "gist": "jekyll-gist",
        "seo": "jekyll-seo-tag",
        "notice": "my_plugins/tags.rb",
        "endnotice": "my_plugins/tags.rb",
    }
    assert {"gist", "seo", "notice", "include", "raw"} <= site.liquid_tags and "other" not in site.liquid_tags


def test_tag_sources_of_a_source_folder_and_the_config_folder(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {
            "_config.yml": "source: src\n",
            "src/_plugins/a.rb": "register_tag :alpha, A\n",
            "_plugins/b.rb": "register_tag :beta, B\n",
        },
    )
    assert set(site.tag_sources) == {"alpha", "endalpha", "beta", "endbeta"}


@pytest.mark.parametrize(
    ("files", "platform", "safe"),
    [
        ({}, "auto", False),
        ({"_config.yml": "safe: true\n"}, "auto", True),
        ({"Gemfile": 'gem "github-pages"\n'}, "auto", True),
        ({"Gemfile": 'gem "github-pages"\n'}, "jekyll", False),
        ({}, "github-pages", True),
        ({"CNAME": "x"}, "auto", False),  # GitHub Pages is guessed, but safe mode needs the gem
    ],
)
def test_safe(tmp_path: Path, files: dict[str, str | bytes], platform: str, safe: bool) -> None:
    assert _site(tmp_path, files, platform=platform).safe is safe


def test_ignored_in_safe_mode(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "_config.yml": "safe: true\nplugins: [jekyll-gist, jekyll-twitter-plugin]\nwhitelist: [jekyll-twitter-plugin]\n",
        "_plugins/t.rb": "register_tag :notice, N\nregister_tag :include, I\n",
    }
    plain = _site(tmp_path, files)
    assert plain.ignored_in_safe_mode("notice") == "_plugins/t.rb"
    assert plain.ignored_in_safe_mode("gist") == "jekyll-gist"  # not in this site's whitelist
    assert plain.ignored_in_safe_mode("twitter") is None
    assert plain.ignored_in_safe_mode("include") is None  # a core tag
    assert plain.ignored_in_safe_mode("unknown") is None
    pages = _site(tmp_path, files, platform="github-pages")
    assert pages.ignored_in_safe_mode("gist") is None  # GitHub Pages allows jekyll-gist
    assert pages.ignored_in_safe_mode("twitter") == "jekyll-twitter-plugin"
    gem = _site(tmp_path, {**files, "Gemfile": "gem 'github-pages'\n"})
    assert gem.ignored_in_safe_mode("gist") is None and gem.ignored_in_safe_mode("twitter") == "jekyll-twitter-plugin"
    unsafe = _site(tmp_path, {**files, "_config.yml": "plugins: [jekyll-gist]\n"})
    assert unsafe.ignored_in_safe_mode("notice") is None
    no_list = _site(tmp_path, {**files, "_config.yml": "safe: true\nplugins: [jekyll-gist]\nwhitelist: x\n"})
    assert no_list.ignored_in_safe_mode("gist") == "jekyll-gist"


def test_pages_gem_read_error_is_no_gem(tmp_path: Path) -> None:
    site = _site(tmp_path, {"CNAME": "x"}, name="g")
    (tmp_path / "g" / "Gemfile").mkdir()  # not a file: no Gemfile
    assert site.safe is False and site.github_pages is True


# ----- confirmed with a real build --------------------------------------------------------
READ_FILES: dict[str, str | bytes] = {
    "_config.yml": "title: T\nexclude: [notes, '*.tmp.md', skip.md]\n",
    "_posts/2024-01-01-a.md": POST,
    "_posts/2024-01-02-b.html": POST,
    "_posts/sub/2024-01-03-c.md": POST,
    "_posts/.2024-01-04-hidden.md": POST,
    "_posts/undated.md": POST,
    "blog/_posts/2024-01-05-d.md": POST,
    "_x/_posts/2024-01-06-e.md": POST,
    ".y/_posts/2024-01-07-f.md": POST,
    "a/_b/_posts/2024-01-08-g.md": POST,
    "page.md": POST,
    "skip.md": POST,
    "draft.tmp.md": POST,
    "notes/gone.md": POST,
    "skipping.md": POST,
    "notes-extra.md": POST,  # `notes` is a prefix of it: excluded
}


@requires_jekyll
def test_reads_the_files_jekyll_reads(tmp_path: Path) -> None:
    result = build(tmp_path, READ_FILES, str(READ_FILES["_config.yml"]))
    assert not result.failed, result.log
    written = {out for out in result.outputs() if out.endswith(".html")}
    assert written == {
        "2024/01/01/a.html",
        "2024/01/02/b.html",
        "2024/01/03/c.html",
        "blog/2024/01/05/d.html",
        "page.html",
        "skipping.html",
    }
    site = Site(result.source)
    assert site.posts == [
        "_posts/2024-01-01-a.md",
        "_posts/2024-01-02-b.html",
        "_posts/sub/2024-01-03-c.md",
        "blog/_posts/2024-01-05-d.md",
    ]
    from reinvent_lint.jekyll.urls import output_path

    pages = [rel for rel in site.markdown_files() if site.kind_of(rel) == "page"]
    assert {output_path(site.urls.primary[rel]) for rel in site.posts + pages} == written
    # Not modelled: Jekyll 4 also reads an `include:` file inside an excluded folder
    # (Reader#read_included_excludes); this model, like Jekyll 3.9 as assumed, does not.
