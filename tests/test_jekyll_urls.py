"""reinvent_lint.jekyll.urls: each document's URL and fate, and why `{% link %}`/`{% post_url %}` fail.

The cases of tests/test_jekyll_model.py (URL_CASES, LINK_SITE, LINK_CASES) build with real Jekyll
and assert that this model agrees; here the same cases run without Jekyll and pin the exact URL
and message, so a change to the model fails fast. Template expansion and sanitising follow
Jekyll 4.3's url.rb (generate_url_from_drop, sanitize_url), the same in 3.9.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reinvent_lint.jekyll import urls
from reinvent_lint.jekyll.site import Site
from reinvent_lint.jekyll.urls import PostFate, link_problem, output_path, page_template, post_fate, post_url_problem

from .conftest import write_site
from .jekyll_site import build, requires_jekyll
from .test_jekyll_model import DEFAULT_CONFIG, LINK_CASES, LINK_CONFIG, LINK_SITE, URL_CASES, UrlCase

POST = "---\ntitle: p\n---\nText.\n"

URL_OF = {
    "date-style": "/2024/01/02/plain.html",
    "pretty-style": "/2024/01/02/plain/",
    "ordinal-style": "/2024/034/plain.html",
    "none-style": "/news/plain.html",
    "template": "/blog/2024/plain/",
    "template-no-ext": "/blog/plain",
    "own-permalink": "/special/place/",
    "categories-cased": "/foo/bar/2024/01/02/cats.html",
    "category-string": "/alpha/beta/2024/01/02/cat.html",
    "category-singular": "/tools/2024/01/02/cat.html",
    "dir-posts-category": "/blog/2024/01/02/indir.html",
    "dir-posts-plus-categories": "/blog/extra/2024/01/02/indir.html",
    "posts-subfolder-not-category": "/2024/01/02/insub.html",
    "one-digit-month-day": "/2024/01/05/digits.html",
    "impossible-day-rolls-over": "/2024/03/01/leap.html",
    "tz-offset-next-day": "/2024/03/02/tz.html",
    "tz-offset-previous-day": "/2024/02/29/tz.html",
    "date-utc": "/2024/03/01/utc.html",
    "date-overrides-name": "/2023/12/24/moved.html",
    "timezone-config": "/2024/03/02/tzc.html",
    "slugified-name": "/2024/03/07/Hello-World!-Ça-va.html",
    "slug-front-matter": "/2024/03/07/My-Own-Slug.html",
    "slug-placeholder": "/mixed-case/",
    "categories-template": "/deep/dive/c/",
    "collection-output": "/recipes/soup.html",
    "collection-permalink": "/recipes/sub/stew/",
    "page-date-style": "/about.html",
    "page-pretty-style": "/about/",
    "page-template-slash": "/docs/guide/",
    "page-index": "/docs/",
    "page-permalink": "/reach-me/",
}


def _site(root: Path, files: dict[str, str | bytes], config: str = DEFAULT_CONFIG) -> Site:
    write_site(root, {"_config.yml": config, **files})
    return Site(root)


@pytest.mark.parametrize("case", URL_CASES, ids=lambda c: c.id)
def test_the_urls_jekyll_writes(tmp_path: Path, case: UrlCase) -> None:
    site = _site(tmp_path, {case.rel: case.content, **case.extra}, DEFAULT_CONFIG + case.config)
    assert site.urls.primary[case.rel] == URL_OF[case.id]


def test_every_url_case_is_pinned() -> None:
    assert {c.id for c in URL_CASES} == set(URL_OF)


LINK_PROBLEM = {
    "link-post": None,
    "link-page": None,
    "link-page-leading-slash": "a page is matched without a leading slash (only static files keep one)",
    "link-static-leading-slash": None,
    "link-static": None,
    "link-missing": "no such file in the site",
    "link-unpublished-post": "that post has 'published: false', so Jekyll does not write it",
    "link-future-post": "that post is dated in the future and 'future' is off, so Jekyll does not write it",
    "link-excluded-file": "no such file in the site",
    "link-draft": None,  # link-to-draft reports it
    "link-underscore-folder": "Jekyll does not publish files in folders starting with '_'",
    "link-collection-without-output": (
        "the collection 'hidden' has no 'output: true', so Jekyll writes none of its files"
    ),
    "post-url": None,
    "post-url-leading-slash": None,
    "post-url-subfolder": None,
    "post-url-dir-posts": None,
    "post-url-missing": "no such post",
    "post-url-unpublished": "that post has 'published: false', so Jekyll does not write it",
    "post-url-future": "that post is dated in the future and 'future' is off, so Jekyll does not write it",
    "post-url-draft": "no such post",
}


@pytest.fixture(scope="module")
def link_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return _site(tmp_path_factory.mktemp("links"), dict(LINK_SITE), LINK_CONFIG)


@pytest.mark.parametrize("case", [c for c in LINK_CASES if c[0] in LINK_PROBLEM], ids=lambda c: c[0])
def test_why_a_link_tag_fails(link_site: Site, case: tuple[str, str, bool]) -> None:
    name, liquid, _ = case
    tag, argument = liquid.split()[1:3]
    problem = link_problem(link_site, argument) if tag == "link" else post_url_problem(link_site, argument)
    assert problem == LINK_PROBLEM[name]


def test_link_problem_edge_cases(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {
            "_posts/notes.md": POST,
            "_recipes/soup.md": POST,
            "_config.yml": DEFAULT_CONFIG + "collections:\n  recipes:\n    output: true\n",
            "_posts/2024-01-02-a.md": POST,
            "page.html": POST,
            "static.html": "<p>no front matter</p>\n",
            "feed.xml": POST,
            "image.png": POST,
            "CRLF.md": "---\r\ntitle: x\r\n---\r\n",
        },
    )
    assert link_problem(site, "") is None
    assert link_problem(site, "{{ page.x }}") is None
    assert link_problem(site, "_posts/notes.md") == "not a post Jekyll reads (its file name has no date)"
    assert link_problem(site, "/_posts/2024-01-02-a.md") == "a post is matched without a leading slash"
    assert link_problem(site, "_recipes/soup.md") is None
    assert link_problem(site, "/_recipes/soup.md") == "a collection document is matched without a leading slash"
    page = "a page is matched without a leading slash (only static files keep one)"
    assert link_problem(site, "/page.html") == page
    assert link_problem(site, "/feed.xml") == page
    assert link_problem(site, "/CRLF.md") == page
    assert link_problem(site, "/static.html") is None  # no front matter: a static file
    assert link_problem(site, "/image.png") is None  # never a page, whatever it starts with
    assert link_problem(Site(None), "x.md") is None


def test_post_url_problem_edge_cases(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {
            "_posts/2024-01-02-a.md": POST,
            "_posts/2024-01-03-b.md": "---\ndate: 2024-01-10\n---\n",
            "_posts/2024-01-04-c.md": "---\ndate: nonsense\n---\n",
        },
    )
    assert post_url_problem(site, "") is None
    assert post_url_problem(site, "{{ x }}") is None
    assert post_url_problem(site, "a-post") == "not a post name (YYYY-MM-DD-slug)"
    assert post_url_problem(site, "2024-01-02-a") is None
    assert post_url_problem(site, "2024-1-2-a") is None  # the fallback: the same slug on the same day
    assert post_url_problem(site, "2024-01-03-b") is None
    assert post_url_problem(site, "2024-01-10-b") is None  # Jekyll's fallback: same slug, same day
    assert post_url_problem(site, "2024-01-11-b") == "no such post"
    assert post_url_problem(site, "2024-01-04-c") is None  # the build fails anyway, for the date
    assert post_url_problem(site, "sub/2024-01-02-a") is None  # the fallback again
    assert post_url_problem(Site(None), "2024-01-02-a") is None


# ----- one post's fate ---------------------------------------------------------------------
NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
TEMPLATE = facts_template = "/:categories/:year/:month/:day/:title:output_ext"


@pytest.mark.parametrize(
    ("rel", "data", "expected"),
    [
        ("_posts/2024-01-02-a.md", {}, PostFate("/2024/01/02/a.html", "published", dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc))),
        ("_posts/2024-01-02-a.md", {"published": False}, PostFate("/2024/01/02/a.html", "unpublished", dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc))),
        ("_posts/2024-01-02-a.md", {"published": "false"}, PostFate("/2024/01/02/a.html", "published", dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc))),
        ("_posts/2024-06-01-a.md", {"date": "2024-06-01 12:00:00 +0000"}, PostFate("/2024/06/01/a.html", "published", NOW)),
        ("_posts/2024-06-01-a.md", {"date": "2024-06-01 12:00:01 +0000"}, PostFate("/2024/06/01/a.html", "future", NOW + dt.timedelta(seconds=1))),
        ("_posts/2024-06-02-a.md", {}, PostFate("/2024/06/02/a.html", "future", dt.datetime(2024, 6, 2, tzinfo=dt.timezone.utc))),
        ("_posts/2024-06-02-a.md", {"published": False}, PostFate("/2024/06/02/a.html", "unpublished", dt.datetime(2024, 6, 2, tzinfo=dt.timezone.utc))),
        ("_posts/2024-13-02-a.md", {}, PostFate("/1970/01/01/a.html", "build-fails", dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc))),
        ("_posts/2024-01-02-a.md", {"date": "soon"}, PostFate("/2024/01/02/a.html", "build-fails", dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc))),
        ("_posts/2024-01-02-a.md", {"date": "2024-13-40"}, PostFate("/2024/01/02/a.html", "build-fails", dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc))),
        ("_posts/2024-01-02-a.md", {"date": "Jan 5"}, PostFate("/2024/01/02/a.html", "published", dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc))),
        ("_posts/2024-01-02-a.md", {"date": "2023-12-24T10:00:00"}, PostFate("/2023/12/24/a.html", "published", dt.datetime(2023, 12, 24, 10, tzinfo=dt.timezone.utc))),
        ("_posts/2024-01-02-a..md", {}, PostFate("/2024/01/02/a.html", "published", dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc))),
        ("_posts/2024-01-02-a.md", {"permalink": "/:year/x/"}, PostFate("/2024/x/", "published", dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc))),
        ("_posts/2024-01-02-a.md", {urls.YAML_ERROR: True}, PostFate("/2024/06/01/2024-01-02-a.html", "yaml-error", NOW)),
        ("Cats/_posts/2024-01-02-A b.md", {"categories": "Dogs cats", "slug": "Own Slug"}, PostFate("/cats/dogs/2024/01/02/Own-Slug.html", "published", dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc))),
    ],
)  # fmt: skip
def test_post_fate(tmp_path: Path, rel: str, data: dict[str, object], expected: PostFate) -> None:
    site = _site(tmp_path, {})
    assert post_fate(site, rel, dict(data), TEMPLATE, NOW) == expected


def test_post_fate_of_a_name_without_a_date(tmp_path: Path) -> None:
    assert post_fate(_site(tmp_path, {}), "_posts/notes.md", {}, TEMPLATE, NOW) is None


def test_future_posts_publish_when_future_is_on(tmp_path: Path) -> None:
    site = _site(tmp_path, {}, DEFAULT_CONFIG + "future: true\n")
    assert post_fate(site, "_posts/2999-01-01-a.md", {}, TEMPLATE, NOW).state == "published"  # type: ignore[union-attr]


def test_published_states() -> None:
    assert [PostFate("/", s, None).published for s in ("published", "yaml-error", "unpublished", "future", "build-fails")] == [
        True, True, False, False, False,
    ]  # fmt: skip


def test_every_placeholder_of_a_post(tmp_path: Path) -> None:
    site = _site(tmp_path, {})
    template = (
        "/:year/:month/:day/:i_month/:i_day/:hour/:minute/:second/:y_day/:short_year/:short_month/"
        ":long_month/:week/:short_day/:long_day/:w_year/:title/:slug/:name:output_ext"
    )
    fate = post_fate(site, "_posts/2021-01-03-Big Day.md", {"date": "2021-01-03 04:05:06"}, template, NOW)
    assert fate is not None
    assert (
        fate.url
        == "/2021/01/03/1/3/04/05/06/003/21/Jan/January/53/Sun/Sunday/2020/Big-Day/big-day/2021-01-03-big-day.html"
    )


# ----- pieces ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("/:year_:title/", "/2024_t/"),
        ("/:title_x/", "/:title_x/"),  # no such placeholder: left as written
        ("/:nope/:title", "/:nope/t"),
        ("/a/../b/./c//d/", "/a/b/c/d/"),
        ("a/:title", "/a/t"),
        ("/:categories/:title", "/t"),
    ],
)
def test_expand(template: str, expected: str) -> None:
    assert urls._expand(template, {"year": "2024", "title": "t", "categories": ""}) == expected


@pytest.mark.parametrize(
    ("url", "variants", "path"),
    [
        ("/a/index.html", {"/a/index.html", "/a/", "/a"}, "a/index.html"),
        ("/index.html", {"/index.html", "/"}, "index.html"),
        ("/a.html", {"/a.html", "/a"}, "a.html"),
        ("/a/", {"/a/", "/a", "/a/index.html"}, "a/index.html"),
        ("/", {"/", "/index.html"}, "index.html"),
        ("/feed.xml", {"/feed.xml"}, "feed.xml.html"),
        ("/a", {"/a", "/a.html"}, "a.html"),
    ],
)
def test_variants_and_output_path(url: str, variants: set[str], path: str) -> None:
    assert urls._variants(url) == variants
    assert output_path(url) == path


@pytest.mark.parametrize(
    ("style", "template"),
    [
        ("pretty", "/:path/:basename/"),
        ("date", "/:path/:basename:output_ext"),
        ("none", "/:path/:basename:output_ext"),
        ("/:categories/:title/", "/:path/:basename/"),
        ("/:title:output_ext", "/:path/:basename:output_ext"),
        ("/:title", "/:path/:basename"),
    ],
)
def test_page_template(style: str, template: str) -> None:
    assert page_template(style) == template


def test_url_data_keeps_plain_values() -> None:
    data = {
        "date": dt.date(2024, 1, 2),
        "permalink": "/x/",
        "categories": ["a", 1, 2.5],
        "tags": ["x"],
        "slug": {"a": 1},
        "published": False,
        "redirect_from": ["a", None],
        "title": 3,
    }
    assert urls._url_data(data) == {
        "permalink": "/x/", "date": "2024-01-02", "categories": ["a", "1", "2.5"], "title": 3, "published": False,
    }  # fmt: skip
    stamp = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    assert urls._url_data({"date": stamp}) == {"date": "2024-01-02T03:04:05+00:00"}


def test_url_front_matter() -> None:
    assert urls._url_front_matter("no front matter") == {urls.NO_FRONT_MATTER: True}
    assert urls._url_front_matter("---\na: [\n---\n") == {urls.YAML_ERROR: True}
    assert urls._url_front_matter("---\r\ntitle: x\r\nlayout: y\r\n---\r\n") == {"title": "x"}
    assert urls._url_front_matter("---\n---\n") == {}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("a b", ["a", "b"]), (["a", 1], ["a", "1"]), (3, ["3"]), (2.5, ["2.5"]), (True, []), (None, [])],
)
def test_listify(value: object, expected: list[str]) -> None:
    assert urls._listify(value) == expected


def test_front_date() -> None:
    utc = dt.timezone.utc
    assert urls._front_date("2024-03-01T10:00:00+01:00", utc) == dt.datetime(2024, 3, 1, 9, tzinfo=utc)
    assert urls._front_date("2024-03-01 10:00:00 +0100", utc) == dt.datetime(2024, 3, 1, 9, tzinfo=utc)
    assert urls._front_date("x", utc) is None
    assert urls._front_date(dt.date(2024, 3, 1), utc) == dt.datetime(2024, 3, 1, tzinfo=utc)


# ----- the whole site -----------------------------------------------------------------------
def test_site_urls(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {
            "_config.yml": DEFAULT_CONFIG
            + "collections:\n  recipes:\n    output: true\n  notes:\n    output: false\n  docs:\n    output: true\n"
            "    permalink: pretty\n",
            "_posts/2024-01-02-Hello.md": "---\nredirect_from: [/old/, old-two.html]\n---\n",
            "_posts/2024-01-03-gone.md": "---\npublished: false\n---\n",
            "_posts/2024-01-04-broken.md": "---\na: [\n---\n",
            "_recipes/soup.md": "---\nslug: Hot Soup\n---\n",
            "_recipes/bare.md": "no front matter\n",
            "_recipes/own.md": "---\npermalink: /my/:name/\n---\n",
            "_docs/guide.md": POST,
            "_notes/n.md": POST,
            "_data/x.md": POST,
            "sub/_hidden/y.md": POST,
            "index.md": POST,
            "about.markdown": "no front matter\n",
            "contact.html": "---\npermalink: /reach/\n---\n",
            "style.css": "x",
        },
    )
    result = site.urls
    assert result.primary == {
        "_posts/2024-01-02-Hello.md": "/2024/01/02/Hello.html",
        "_posts/2024-01-04-broken.md": result.posts["_posts/2024-01-04-broken.md"].url,
        "_recipes/soup.md": "/recipes/soup.html",
        "_recipes/own.md": "/my/own/",
        "_docs/guide.md": "/pretty",  # a style name is not expanded for a collection
        "index.md": "/",
        "about.markdown": "/about.html",
        "contact.html": "/reach/",
    }
    assert result.posts["_posts/2024-01-03-gone.md"].state == "unpublished"
    assert result.posts["_posts/2024-01-04-broken.md"].state == "yaml-error"
    assert result.data["_posts/2024-01-03-gone.md"] == {"published": False}
    assert result.data["_posts/2024-01-02-Hello.md"] == {"redirect_from": ["/old/", "old-two.html"]}
    assert {"/2024/01/02/hello.html", "/2024/01/02/hello", "/old", "/old/", "/old/index.html"} <= result.urls
    assert {"/old-two.html", "/old-two"} <= result.urls
    assert result.owner["/old/"] == "_posts/2024-01-02-Hello.md"
    assert result.owner["/2024/01/02/hello.html"] == "_posts/2024-01-02-Hello.md"
    assert not {u for u in result.urls if "gone" in u or "bare" in u or "/n" in u or "/y" in u}
    assert result.owner["/"] == "index.md"


def test_site_urls_are_cached_per_file(tmp_path: Path) -> None:
    root = tmp_path / "s"
    site = _site(root, {"_posts/2024-01-02-a.md": POST})
    assert site.urls.primary == {"_posts/2024-01-02-a.md": "/2024/01/02/a.html"}
    again = Site(root)  # read back from the cache: the same answer
    assert again.urls.primary == site.urls.primary and again.urls.posts == site.urls.posts


COLLECTION_CONFIG = (
    DEFAULT_CONFIG
    + "permalink: pretty\ncollections:\n  recipes:\n    output: true\n  styled:\n    output: true\n    permalink: pretty\n  own:\n    output: true\n    permalink: /o/:name:output_ext\n"
)


def test_collection_urls_follow_the_site_style(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"_recipes/soup.md": POST, "_styled/one.md": POST, "_own/x.md": POST}
    site = _site(tmp_path / "model", files, COLLECTION_CONFIG)
    assert {rel: output_path(site.urls.primary[rel]) for rel in files} == {
        "_recipes/soup.md": "recipes/soup/index.html",
        "_styled/one.md": "pretty.html",
        "_own/x.md": "o/x.html",
    }


@requires_jekyll
def test_collection_urls_agree_with_jekyll(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"_recipes/soup.md": POST, "_styled/one.md": POST, "_own/x.md": POST}
    result = build(tmp_path, files, COLLECTION_CONFIG)
    assert not result.failed, result.log
    assert {out for out in result.outputs() if out.endswith(".html")} == {
        "recipes/soup/index.html", "pretty.html", "o/x.html",
    }  # fmt: skip


SLUG_CONFIG = (
    DEFAULT_CONFIG + "collections:\n  notes:\n    output: true\n    permalink: /:collection/:title/:slug/:name/\n"
)
SLUG_FILES: dict[str, str | bytes] = {"_notes/First Note.md": POST, "_notes/other.md": "---\nslug: My Slug\n---\n"}
SLUG_OUT = {"_notes/First Note.md": "notes/First-Note/first-note/first-note/index.html",
            "_notes/other.md": "notes/My-Slug/my-slug/other/index.html"}  # fmt: skip


def test_collection_title_and_slug(tmp_path: Path) -> None:
    site = _site(tmp_path, dict(SLUG_FILES), SLUG_CONFIG)
    assert {rel: output_path(site.urls.primary[rel]) for rel in SLUG_FILES} == SLUG_OUT


@requires_jekyll
def test_collection_title_and_slug_agree_with_jekyll(tmp_path: Path) -> None:
    result = build(tmp_path, dict(SLUG_FILES), SLUG_CONFIG)
    assert not result.failed, result.log
    assert {out for out in result.outputs() if out.endswith(".html")} == set(SLUG_OUT.values())


def test_a_dangling_link_has_no_front_matter(tmp_path: Path) -> None:
    import os

    site = _site(tmp_path, {"page.md": POST})
    os.symlink(tmp_path / "missing.md", tmp_path / "dangling.md")
    assert "dangling.md" in site.files
    assert link_problem(site, "/dangling.md") is None  # unreadable: judged a static file, never a page


# ----- the table kept between runs (issue 18: a one-post run takes it from the user cache) -----
TABLE_SITE = {
    "_config.yml": "title: t\ntimezone: Europe/Berlin\ncollections:\n  guides:\n    output: true\n",
    "_posts/2024-01-02-plain.md": "---\ntitle: Plain\ndate: 2024-01-02 23:30:00 +0000\n---\nText.\n",
    "_posts/2024-03-31-clock.md": "---\ntitle: Clock\ndate: 2024-10-27 02:30:00 +0100\n---\nText.\n",
    "_guides/setup.md": "---\ntitle: Setup\n---\nText.\n",
    "about.md": "---\ntitle: About\npermalink: /about-us/\n---\nText.\n",
}


def _table(root: Path) -> urls.SiteUrls:
    return Site(root).urls  # a new Site each time: a new run


def _fresh(root: Path, monkeypatch: pytest.MonkeyPatch) -> urls.SiteUrls:
    """The table built from the files, not taken from the cache."""
    with monkeypatch.context() as m:
        m.setattr(urls, "_stored_table", lambda *args: None)
        return _table(root)


def _same(a: urls.SiteUrls, b: urls.SiteUrls) -> None:
    assert (a.urls, a.owner, a.primary, a.data) == (b.urls, b.owner, b.primary, b.data)
    assert a.posts == b.posts
    assert repr(a.posts) == repr(b.posts)  # the result cache digests reprs: same zone object, same fold


def test_the_url_table_of_an_unchanged_site_is_taken_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_site(tmp_path / "site", TABLE_SITE)
    first = _table(root)
    with monkeypatch.context() as m:
        m.setattr(urls, "_build_urls", lambda *args: pytest.fail("built again"))
        second = _table(root)
        # an edit below the front matter changes no URL: still the stored table
        post = root / "_posts/2024-01-02-plain.md"
        post.write_text(post.read_text() + "More text.\n")
        third = _table(root)
    _same(second, first)
    _same(third, first)
    _same(third, _fresh(root, monkeypatch))
    assert first.posts["_posts/2024-03-31-clock.md"].date.fold == 1  # 02:30 CET, the second of the two


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        ("_posts/2024-01-02-plain.md", "---\ntitle: Plain\npermalink: /moved/\n---\nText.\n", "/moved/"),
        ("_config.yml", TABLE_SITE["_config.yml"] + "permalink: pretty\n", "/2024/01/03/plain/"),
        ("_guides/more.md", "---\ntitle: More\n---\nText.\n", "/guides/more.html"),
        ("news.md", "---\ntitle: News\n---\nText.\n", "/news.html"),
    ],
    ids=["a-post-permalink", "the-config", "a-collection-document", "a-page"],
)
def test_the_url_table_is_built_again_when_its_inputs_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, text: str, expected: str
) -> None:
    root = write_site(tmp_path / "site", TABLE_SITE)
    assert expected not in _table(root).urls
    (root / path).write_text(text)
    after = _table(root)
    assert expected in after.urls
    _same(after, _fresh(root, monkeypatch))


def test_a_stored_url_table_holds_until_a_future_post_comes_due(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)
    root = write_site(
        tmp_path / "site", {**TABLE_SITE, f"_posts/{soon:%Y-%m-%d}-soon.md": "---\ntitle: Soon\n---\nText.\n"}
    )
    rel = f"_posts/{soon:%Y-%m-%d}-soon.md"
    assert _table(root).posts[rel].state == "future"
    with monkeypatch.context() as m:
        m.setattr(urls, "_build_urls", None)  # from the cache: building it again would fail
        assert _table(root).posts[rel].state == "future"
    later = soon + dt.timedelta(days=1)
    monkeypatch.setattr(urls, "_now", lambda zone: later.astimezone(zone))
    assert _table(root).posts[rel].state == "published"


def test_a_url_table_with_a_post_dated_the_day_of_the_build_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A post whose front matter does not parse is dated the day of the build (its URL too)."""
    root = write_site(tmp_path / "site", {**TABLE_SITE, "_posts/2024-02-01-broken.md": "---\ntitle: [x\n---\nText.\n"})
    assert _table(root).posts["_posts/2024-02-01-broken.md"].state == "yaml-error"
    from zoneinfo import ZoneInfo

    tomorrow = dt.datetime.now(ZoneInfo("Europe/Berlin")) + dt.timedelta(days=1)
    monkeypatch.setattr(urls, "_now", lambda zone: tomorrow.astimezone(zone))
    assert f"/{tomorrow:%Y/%m/%d}/2024-02-01-broken.html" in _table(root).urls


def test_a_change_to_the_code_that_builds_the_url_table_builds_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = tmp_path / "urls.py"
    code.write_text("# the builder\n")
    monkeypatch.setattr(urls, "_CODE_FILES", (str(code),))
    root = write_site(tmp_path / "site", TABLE_SITE)
    _table(root)
    built: list[int] = []
    real = urls._build_urls

    def counted(*args: object) -> urls.SiteUrls:
        built.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(urls, "_build_urls", counted)
    _table(root)
    assert built == []
    code.write_text("# the builder, edited\n")
    _table(root)
    assert built == [1]


def test_the_url_tables_key_is_the_same_for_equal_front_matter_however_it_was_made(tmp_path: Path) -> None:
    """An edited post's front matter is parsed afresh, the others' come from the front-matter
    cache: equal data made of other objects (one string shared or two equal copies) must give the
    same key, or every run after an edit builds the table again."""
    site = _site(tmp_path, {"page.md": POST})
    shared = "".join(["/same", "/"])
    once = [("_posts/2024-01-02-a.md", {"permalink": shared, "redirect_from": [shared]})]
    copies = [("_posts/2024-01-02-a.md", {"permalink": "".join(["/same", "/"]), "redirect_from": ["/same/"]})]
    key = urls._table_key(site, once, [])
    assert key
    assert urls._table_key(site, copies, []) == key
