"""The parts of the Jekyll model that need no Jekyll build: which platform builds the site (and so
which defaults apply), tag pages kept as folders, tags registered by `_plugins/` and by gems."""

from __future__ import annotations

from pathlib import Path

from reinvent_lint.jekyll.facts import registered_tags, slugify
from reinvent_lint.jekyll.site import Site

from .conftest import linter_for, write_site


def _site(tmp_path: Path, files: dict[str, str | bytes], platform: str = "auto") -> Site:
    root = tmp_path / str(len(list(tmp_path.iterdir())))
    write_site(root, files)
    return Site(root, platform=platform)


def test_github_pages_detection_and_its_future_default(tmp_path: Path) -> None:
    """GitHub Pages (the github-pages gem defaults future to true) vs plain Jekyll (false)."""
    assert _site(tmp_path, {"Gemfile": 'gem "github-pages", group: :jekyll_plugins\n'}).future
    assert not _site(tmp_path, {"Gemfile": 'gem "jekyll", "~> 4.3"\n'}).future
    assert _site(tmp_path, {"CNAME": "blog.example.com\n"}).future
    assert _site(tmp_path, {"_config.yml": "url: https://me.github.io\n"}).future
    assert not _site(tmp_path, {}).future
    assert not _site(tmp_path, {"CNAME": "x\n", "_config.yml": "future: false\n"}).future
    assert not _site(tmp_path, {"CNAME": "x\n"}, platform="jekyll").future
    assert _site(tmp_path, {}, platform="github-pages").future


def test_platform_is_configurable(tmp_path: Path) -> None:
    write_site(tmp_path, {"_posts/2999-01-01-later.md": "---\ntitle: Later\n---\n\nText.\n"})
    assert linter_for(tmp_path, select=["RL109"]).check_paths([]).problems  # plain Jekyll: skipped
    pages = linter_for(tmp_path, select=["RL109"], raw={"site": {"platform": "github-pages"}})
    assert not pages.check_paths([]).problems  # future posts are published on GitHub Pages


def test_tag_pages_kept_as_folders(tmp_path: Path) -> None:
    site = _site(tmp_path, {"tags/aws/index.html": "---\n---\n", "tags/go.md": "---\n---\n", "tags/index.md": ""})
    assert site.tags == {"aws", "go"}


def test_plugin_tags_from_plugins_folder_and_gems(tmp_path: Path) -> None:
    ruby = (
        "Liquid::Template.register_tag('figure', Jekyll::Figure)\n"
        'Liquid::Template.register_tag "notice", Notice\n'
        "  register_tag :youtube, YouTube\n"
    )
    site = _site(tmp_path, {"_plugins/sub/tags.rb": ruby, "_config.yml": "plugins: [jekyll-seo-tag, jekyll-gist]\n"})
    assert {"figure", "endfigure", "notice", "youtube", "seo", "gist", "include"} <= site.liquid_tags
    assert "frobnicate" not in site.liquid_tags
    assert registered_tags("x = 1\n") == set()


def test_slugify_modes() -> None:
    assert slugify("Hello World! Ça va", "pretty", cased=True) == "Hello-World!-Ça-va"
    assert slugify("The _config.yml file") == "the-config-yml-file"
    assert slugify("The _config.yml file", "pretty") == "the-config.yml-file"


def test_exclude_matches_single_files_and_prefixes(tmp_path: Path) -> None:
    site = _site(tmp_path, {
        "_config.yml": "exclude: [README.md, drafts-old, '*.tmp.md']\n",
        "README.md": "x", "drafts-old/a.md": "x", "drafts-older.md": "x", "x.tmp.md": "x", "keep.md": "x",
    })  # fmt: skip
    assert "keep.md" in site.files
    assert not {"README.md", "drafts-old/a.md", "drafts-older.md", "x.tmp.md"} & site.files


def test_theme_includes_are_not_reported_missing(tmp_path: Path) -> None:
    post = "---\ntitle: T\n---\n\n{% include video.html id=1 %}\n"
    write_site(tmp_path / "themed", {"_config.yml": "remote_theme: owner/theme\n", "_posts/2024-01-01-a.md": post})
    write_site(tmp_path / "plain", {"_posts/2024-01-01-a.md": post})
    assert not linter_for(tmp_path / "themed", select=["RL402"]).check_paths([]).problems
    assert linter_for(tmp_path / "plain", select=["RL402"]).check_paths([]).problems
