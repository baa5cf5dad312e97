"""reinvent_lint.jekyll.local_paths: Liquid path idioms, percent-escapes, build steps, themes.

What these idioms render to under a baseurl is built with real Jekyll in tests/test_links_jekyll.py
(test_local_path_idioms_render_under_the_baseurl); here the strings are pinned.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reinvent_lint.jekyll.local_paths import asset_provider, build_step, decode_path, resolve_liquid, user_site


@pytest.mark.parametrize(
    ("target", "baseurl", "expected"),
    [
        ("{{ site.baseurl }}/img/a.png", "/blog", "/blog/img/a.png"),
        ("{{- site.baseurl -}}/img/a.png", "/blog", "/blog/img/a.png"),
        ("{{ '/img/a.png' | relative_url }}", "/blog", "/blog/img/a.png"),
        ('{{ "img/a.png" | relative_url }}', "/blog", "/blog/img/a.png"),
        ("{{ 'img/a.png' | absolute_url }}", "", "/img/a.png"),
        ("{{ '/img/a.png' | prepend: site.baseurl }}", "/blog", "/blog/img/a.png"),
        ("{{ 'img/a.png' | prepend: site.baseurl }}", "", None),  # renders `img/a.png`: not root-relative
        ("{{ 'a' | prepend:site.baseurl }}", "/b", "/ba"),  # prepend adds no slash
        ("{{ site.url }}{{ site.baseurl }}/a/", "/blog", "/blog/a/"),
        ("{{ site.url }}/a/", "", "/a/"),
        ("/plain/path", "/blog", "/plain/path"),
        ("x{{ site.url }}/a/", "", None),
        ("{{ site.url }}{{ site.url }}/a/", "", None),
        ("{{ page.image }}", "", None),
        ("{{ site.baseurl }}{{ page.x }}", "/b", None),
        ("relative/path", "", None),
        ("{{ site.baseurl }}//cdn.test/x", "", None),
        ("{{ '' | relative_url }}", "/blog", "/blog/"),
    ],
)
def test_resolve_liquid(target: str, baseurl: str, expected: str | None) -> None:
    assert resolve_liquid(target, baseurl) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [("a%20b.png", "a b.png"), ("a b.png", "a b.png"), ("caf%C3%A9", "café"), ("100%", "100%")],
)
def test_decode_path(path: str, expected: str) -> None:
    assert decode_path(path) == expected


def test_build_step_from_the_exclude_list(tmp_path: Path) -> None:
    assert build_step(tmp_path, {"exclude": ["gulpfile.js"]}) == "'gulpfile.js' in the exclude list of _config.yml"
    assert build_step(tmp_path, {"exclude": ["node_modules/"]}) == "'node_modules/' in the exclude list of _config.yml"
    assert build_step(tmp_path, {"exclude": ["package.json"]}) == "'package.json' in the exclude list of _config.yml"
    assert build_step(tmp_path, {"exclude": ["README.md", 3]}) == ""
    assert build_step(tmp_path, {"exclude": "gulpfile.js"}) == ""
    assert build_step(tmp_path, {}) == ""


def test_build_step_from_files_here_or_one_folder_up(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "webpack.config.js").write_text("", encoding="utf-8")
    assert build_step(site, {}) == "webpack.config.js runs a build step"
    (site / "Gruntfile.js").write_text("", encoding="utf-8")
    assert build_step(site, {}) == "Gruntfile.js runs a build step"


def test_build_step_from_package_json_and_gemfile(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"scripts": {"test": "jest"}}', encoding="utf-8")
    assert build_step(tmp_path, {}) == ""
    (tmp_path / "package.json").write_text('{"scripts": {"build": "Gulp build"}}', encoding="utf-8")
    assert build_step(tmp_path, {}) == "package.json runs a build step"
    (tmp_path / "package.json").unlink()
    (tmp_path / "Gemfile").write_text("gem 'jekyll-feed'\n", encoding="utf-8")
    assert build_step(tmp_path, {}) == ""
    (tmp_path / "Gemfile").write_text("gem 'jekyll_picture_tag'\n", encoding="utf-8")
    assert build_step(tmp_path, {}) == "the Gemfile uses jekyll_picture_tag"


def test_build_step_from_plugins(tmp_path: Path) -> None:
    assert build_step(tmp_path, {"plugins": ["jekyll-feed", "jekyll-assets"]}) == "the plugin jekyll-assets"
    assert build_step(tmp_path, {"gems": ["jekyll-responsive-image"]}) == "the plugin jekyll-responsive-image"
    assert build_step(tmp_path, {"plugins": ["jekyll-feed", None]}) == ""
    assert build_step(tmp_path, {"plugins": "jekyll-assets"}) == ""


def test_asset_provider() -> None:
    assert asset_provider({}, "assets/x.css", "gulpfile.js runs a build step") == "gulpfile.js runs a build step"
    assert asset_provider({"remote_theme": "owner/theme"}, "assets/x.css", "") == (
        "the theme owner/theme provides files under /assets/"
    )
    assert (
        asset_provider({"theme": "minima"}, "assets/main.css", "") == "the theme minima provides files under /assets/"
    )
    assert asset_provider({"theme": "minima"}, "images/a.png", "") == ""
    assert asset_provider({"theme": ""}, "assets/main.css", "") == ""
    assert asset_provider({"keep_files": ["/generated/"]}, "generated/a.png", "") == (
        "keep_files keeps '/generated/' in the built site"
    )
    assert asset_provider({"keep_files": ["generated"]}, "generated-not/a.png", "") == ""
    assert asset_provider({"keep_files": ["/", 1]}, "a.png", "") == ""
    assert asset_provider({"keep_files": "generated"}, "generated/a.png", "") == ""


def test_user_site(tmp_path: Path) -> None:
    assert user_site(tmp_path, {"url": "https://owner.github.io"}) is True
    assert user_site(tmp_path, {"url": "http://my-org.github.io/"}) is True
    assert user_site(tmp_path, {"url": "https://owner.github.io", "baseurl": "/project"}) is False
    assert user_site(tmp_path, {"url": "https://owner.github.io", "baseurl": "/"}) is True
    assert user_site(tmp_path, {"url": "https://owner.github.io/project"}) is False
    assert user_site(tmp_path, {"url": "https://example.com"}) is False
    (tmp_path / "CNAME").write_text("example.com\n", encoding="utf-8")
    assert user_site(tmp_path, {"url": "https://example.com"}) is True


def test_only_the_first_200_000_characters_are_read(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(" " * 199_996 + "gulp", encoding="utf-8")
    assert build_step(tmp_path, {}) == "package.json runs a build step"
    (tmp_path / "package.json").write_text(" " * 199_997 + "gulp", encoding="utf-8")
    assert build_step(tmp_path, {}) == ""
