"""The URLs Jekyll writes documents to, so a root-relative link to a page or post can be judged.

Follows Jekyll's permalink rules: the site's `permalink` style (`date`, `pretty`, `ordinal`,
`none` or a template), a document's own `permalink`, posts' `:categories`/`:year`/`:month`/
`:day`/`:title` (front-matter `slug`, `date` and `categories` honoured), pages by their path,
and output collections by `/:collection/:path`. `redirect_from` entries count as URLs too.
Built lazily, once per run, and only when a rule asks.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..lazy_re import lazy
from . import facts
from .facts import MARKDOWN_SUFFIXES
from .publishing import unpublished_flag

if TYPE_CHECKING:  # urls.py reads a Site but never builds one: no import cycle (issue 17)
    from .site import Site

_STYLES = facts.PERMALINK_STYLES
# Plugins that write pages no source file describes: links into them cannot be judged.
GENERATOR_PLUGINS = {
    "jekyll-archives",
    "jekyll-paginate",
    "jekyll-paginate-v2",
    "jekyll-tagging",
    "jekyll-feed",
    "jekyll-sitemap",
}


# The front-matter keys that decide a document's URL and fate (and its title, for duplicate-title).
_URL_KEYS = ("permalink", "date", "categories", "category", "slug", "redirect_from", "title", "published")
YAML_ERROR = "__yaml_error__"  # marks a document whose front matter does not parse
NO_FRONT_MATTER = "__no_front_matter__"


def _url_data(data: dict[str, Any]) -> dict[str, Any]:
    """The URL-relevant front matter in plain, cacheable types (dates in ISO form, with their
    time and offset when given)."""
    kept: dict[str, Any] = {}
    for key in _URL_KEYS:
        value = data.get(key)
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        if isinstance(value, (str, int, float, bool)) or (
            isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value)
        ):
            kept[key] = [str(v) for v in value] if isinstance(value, list) else value
    if "published" in data and data["published"] is None:
        kept["published"] = None  # `published:` with no value: Jekyll does not publish
    return kept


def _url_front_matter(text: str) -> dict[str, Any]:
    from .front_matter import split

    fm = split(text.replace("\r\n", "\n"), hand_on=True)  # the post's own read takes the YAML's data
    if fm is None:
        return {NO_FRONT_MATTER: True}
    if fm.error:
        return {YAML_ERROR: True}
    return _url_data(fm.data or {})


def handed_over() -> tuple[Callable[[], Any], Callable[[Any], None]]:
    """For `PerFile.prefetch`: the front matter that `_url_front_matter` hands on
    (front_matter.split), taken from the helper that read it, so the post's own read need not
    parse its YAML again (in a worker, after the fork)."""
    from . import front_matter

    before = set(front_matter._HANDED)

    def taken() -> dict[str, tuple[Any, ...]]:
        return {k: v for k, v in front_matter._HANDED.items() if k not in before}

    def take(handed: Any) -> None:
        if isinstance(handed, dict):
            front_matter.keep_handed(handed)

    return taken, take


def _listify(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [str(value)]
    return []


def _front_date(value: Any, zone: dt.tzinfo) -> dt.datetime | None:
    if isinstance(value, str):
        try:
            parsed: Any = dt.datetime.fromisoformat(value)
        except ValueError:
            parsed = value
        return facts.parse_date(parsed, zone)
    return facts.parse_date(value, zone)


_PLACEHOLDER = re.compile(r":([a-z_]+)")


def _expand(template: str, values: dict[str, str]) -> str:
    """Jekyll's URL#generate_url_from_drop and #sanitize_url (unescaped: the path written)."""

    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        for key in (name, name[:-1]) if name.endswith("_") else (name,):
            if key in values:
                return values[key] + (m.group(0)[len(key) + 1 :] if key != name else "")
        # Longest known placeholder that prefixes the name (`:title_x` is not one: kept as text).
        return m.group(0)

    result = "/" + _PLACEHOLDER.sub(one, template)
    result = result.replace("..", "/").replace("./", "")
    return re.sub(r"/+", "/", result)


_suffix = facts.suffix  # the one loop over every file of the site builds no path


def _variants(url: str) -> set[str]:
    """A URL and the spellings that reach the same file on GitHub Pages."""
    out = {url}
    if url.endswith("/index.html"):
        out |= {url[: -len("index.html")], url[: -len("/index.html")] or "/"}
    elif url.endswith(".html"):
        out.add(url[: -len(".html")])
    elif url.endswith("/"):
        out |= {url[:-1], url + "index.html"} if len(url) > 1 else {"/index.html"}
    elif not PurePosixPath(url).suffix:
        out.add(url + ".html")  # Jekyll writes an extension-less URL to NAME.html
    return out


def output_path(url: str) -> str:
    """The file Jekyll writes for a document URL (Document#destination), site-relative."""
    path = url.lstrip("/")
    if url.endswith("/"):
        path += "index"
    if not path.endswith(".html"):
        path += ".html"
    return path


@dataclass(frozen=True)
class PostFate:
    """What Jekyll does with one post file."""

    url: str  # where it is (or would be) written
    state: str  # "published", "unpublished", "future", "build-fails", "yaml-error"
    date: dt.datetime | None

    @property
    def published(self) -> bool:
        return self.state in ("published", "yaml-error")


@dataclass
class SiteUrls:
    urls: set[str] = field(default_factory=set)  # every URL that reaches a document
    owner: dict[str, str] = field(default_factory=dict)  # URL -> source file
    primary: dict[str, str] = field(default_factory=dict)  # source file -> the URL it is written to
    data: dict[str, dict[str, Any]] = field(default_factory=dict)  # source file -> front matter
    posts: dict[str, PostFate] = field(default_factory=dict)  # post file -> its fate


class _PostDrop(dict[str, str]):
    """Jekyll's UrlDrop for a post: categories from the folders before `_posts` and the front
    matter, downcased; the title slugified ("pretty", case kept). Each value is computed when a
    template first names it (a template names a few of the 22: computing them all cost a
    273-post site's URL table a third of its time)."""

    def __init__(self, rel: str, data: dict[str, Any], date: dt.datetime, slug: str) -> None:
        super().__init__()
        self.rel, self.data, self.date, self.slug = rel, data, date, slug

    def __contains__(self, key: object) -> bool:
        return key in _POST_VALUES or dict.__contains__(self, key)

    def __missing__(self, key: str) -> str:
        make = _POST_VALUES.get(key)
        if make is None:
            raise KeyError(key)
        value = self[key] = make(self)
        return value

    def categories(self) -> str:
        rel, data = self.rel, self.data
        before = rel.split("_posts/", 1)[0].strip("/")
        categories = [c for c in before.split("/") if c] if before else []
        for value in (_listify(data.get("categories")), _listify(data.get("category"))):
            categories += value
        seen: list[str] = []
        for c in categories:
            if c.lower() not in seen:
                seen.append(c.lower())
        return "/".join(seen)

    def own_slug(self) -> str:
        own = self.data.get("slug")
        return str(own) if own else self.slug


_POST_VALUES: dict[str, Callable[[_PostDrop], str]] = {
    "categories": _PostDrop.categories,
    "year": lambda v: f"{v.date.year:04d}",
    "month": lambda v: f"{v.date.month:02d}",
    "day": lambda v: f"{v.date.day:02d}",
    "i_month": lambda v: str(v.date.month),
    "i_day": lambda v: str(v.date.day),
    "hour": lambda v: f"{v.date.hour:02d}",
    "minute": lambda v: f"{v.date.minute:02d}",
    "second": lambda v: f"{v.date.second:02d}",
    "y_day": lambda v: f"{v.date.timetuple().tm_yday:03d}",
    "short_year": lambda v: f"{v.date.year % 100:02d}",
    "short_month": lambda v: v.date.strftime("%b"),
    "long_month": lambda v: v.date.strftime("%B"),
    "week": lambda v: f"{v.date.isocalendar()[1]:02d}",
    "short_day": lambda v: v.date.strftime("%a"),
    "long_day": lambda v: v.date.strftime("%A"),
    "w_year": lambda v: str(v.date.isocalendar()[0]),
    "title": lambda v: facts.slugify(v.own_slug(), "pretty", cased=True),
    "slug": lambda v: facts.slugify(v.own_slug()),
    "name": lambda v: facts.slugify(PurePosixPath(v.rel).stem),
    "output_ext": lambda v: ".html",
}


def post_fate(site: Site, rel: str, data: dict[str, Any], template: str, now: dt.datetime) -> PostFate | None:
    """Where Jekyll writes a post and whether it publishes it (see jekyll_facts)."""
    name = PurePosixPath(rel).name
    m = facts.POST_FILE.match(name)
    if not m:
        return None
    zone = site.timezone
    if data.get(YAML_ERROR):
        # The front matter is dropped before the file name is read: today's date, whole stem.
        values = _PostDrop(rel, {}, now, PurePosixPath(name).stem.rstrip("."))
        values["title"] = facts.slugify(PurePosixPath(name).stem, "pretty", cased=True)
        return PostFate(_expand(template, values), "yaml-error", now)
    state = "published"
    date: dt.datetime | None = None
    if "date" in data:
        date = _front_date(data["date"], zone)
        if date is None and facts.date_fails(data["date"]):
            state = "build-fails"
    if date is None:
        day: dt.date | None = facts.parse_ymd(f"{m.group(1)}-{m.group(2)}-{m.group(3)}").date
        if day is None:
            state = "build-fails"
            day = dt.date(1970, 1, 1)
        date = dt.datetime(day.year, day.month, day.day, tzinfo=zone)
    values = _PostDrop(rel, data, date, m.group(4).rstrip("."))
    own = data.get("permalink")
    url = _expand(str(own), values) if own else _expand(template, values)
    if state == "published" and unpublished_flag(data):
        state = "unpublished"
    elif state == "published" and not site.future and date > now:
        state = "future"
    return PostFate(url, state, date)


def permalink_suffix(style: str) -> str:
    """Jekyll's Utils.add_permalink_suffix: what the site's `permalink` style adds to the
    template of a page or of a collection document without its own permalink."""
    if style == "pretty":
        return "/"
    if style in _STYLES:
        return ":output_ext"
    return "/" if style.endswith("/") else ":output_ext" if style.endswith(":output_ext") else ""


def page_template(style: str) -> str:
    """Jekyll's Page#template with Utils.add_permalink_suffix for a non-index HTML page."""
    return "/:path/:basename" + permalink_suffix(style)


def site_urls(site: Site) -> SiteUrls:
    """The URLs of the site's pages, posts and output collections. The table is kept in the
    user cache (`cache.py`) with the inputs it was built from: the site's settings, its file
    listing and every document's URL front matter. A run whose inputs are the same (a one-post
    run, or an edit below a post's front matter) takes it from there instead of working out
    every document's URL again, until the first post dated in the future comes due."""
    from ..cache import PerFile

    # Each document's URL-relevant front matter, cached by file size and modification time, so
    # a one-post run does not re-read every post of the site.
    index = PerFile("frontmatter3", site.root)  # type: ignore[arg-type]  # 3: keeps an empty `published:`

    root = str(site.root)

    def front_matter(rel: str) -> dict[str, Any]:
        return index.get(os.path.join(root, rel), rel, _url_front_matter) or {}  # (no Path per file)

    config = site.config
    # (a site never checked here: half of the posts read by a helper process, cache.PerFile.prefetch)
    index.prefetch(
        [(os.path.join(root, rel), rel, None) for rel in site.posts], _url_front_matter, handed_over(), False
    )
    posts = [(rel, front_matter(rel)) for rel in site.posts]
    collections = config.get("collections") or {}
    rendered = site.markdown_suffixes | MARKDOWN_SUFFIXES | {".html"}
    others: list[tuple[str, str | None, dict[str, Any]]] = []  # (file, its output collection or None, front matter)
    for rel in site.files:
        if _suffix(rel).lower() not in rendered:
            continue
        top = rel.split("/", 1)[0]
        if top.startswith("_") or "/_" in rel:
            name = top[1:]
            settings = collections.get(name) if isinstance(collections, dict) else None
            if not (top.startswith("_") and isinstance(settings, dict) and settings.get("output")):
                continue
            others.append((rel, name, front_matter(rel)))
        else:
            others.append((rel, None, front_matter(rel)))
    index.save()
    now = _now(site.timezone)
    key = _table_key(site, posts, others)
    result = _stored_table(site, key, now)
    if result is None:
        result = _build_urls(site, posts, others, now)
        _store_table(site, key, result)
    return result


def _now(zone: dt.tzinfo) -> dt.datetime:
    """The time of the build (a function of its own, so tests can move it)."""
    return dt.datetime.now(zone)


def _build_urls(
    site: Site,
    posts: list[tuple[str, dict[str, Any]]],
    others: list[tuple[str, str | None, dict[str, Any]]],
    now: dt.datetime,
) -> SiteUrls:
    result = SiteUrls()
    urls, owner = result.urls, result.owner
    config = site.config
    style = str(config.get("permalink") or "date")
    template = _STYLES.get(style, style)

    def add(url: str, rel: str, data: dict[str, Any]) -> None:
        result.primary.setdefault(rel, url)
        result.data.setdefault(rel, data)
        for u in _variants(url) | {
            v for r in _listify(data.get("redirect_from")) for v in _variants("/" + r.lstrip("/"))
        }:
            urls.add(u)
            owner.setdefault(u, rel)

    for rel, data in posts:
        fate = post_fate(site, rel, data, template, now)
        if fate is None:
            continue
        result.posts[rel] = fate
        if not fate.published:
            result.data.setdefault(rel, data)
            continue
        add(fate.url, rel, data)
        add(fate.url.lower(), rel, {})
    collections = config.get("collections") or {}
    for rel, collection, data in others:
        if collection is not None:
            if data.get(NO_FRONT_MATTER):
                continue  # a collection file without front matter is copied as a static file
            settings = collections[collection]
            path = str(PurePosixPath(rel.split("/", 1)[1]).with_suffix("")).rstrip(".")
            # Collection#url_template: a style name is not expanded here (`permalink: pretty`
            # writes every document to /pretty.html); without one, the site's style adds its suffix.
            coll_template = str(settings.get("permalink") or "/:collection/:path" + permalink_suffix(style))
            stem = PurePosixPath(path).name
            values = {
                "collection": collection,
                "path": "/" + path,
                "name": facts.slugify(stem),
                "title": facts.slugify(str(data.get("slug") or stem), "pretty", cased=True),
                "slug": facts.slugify(str(data.get("slug") or stem)),
                "output_ext": ".html",
            }
            own = data.get("permalink")
            add(_expand(str(own), values) if own else _expand(coll_template, values), rel, data)
            continue
        # A page without front matter is copied as a static file by plain Jekyll, but GitHub
        # Pages renders it (jekyll-optional-front-matter): both URLs are kept.
        own = data.get("permalink")
        if own:
            add(_expand(str(own), {}), rel, data)
            continue
        pure = PurePosixPath(rel)
        folder = "" if str(pure.parent) == "." else str(pure.parent)
        if pure.stem == "index":
            url = "/" + folder + "/" if folder else "/"
        else:
            url = _expand(page_template(style), {"path": folder, "basename": pure.stem, "output_ext": ".html"})
        add(url, rel, data)
    return result


# ----- the table kept between runs ------------------------------------------------------------
_TABLE = "urltable"
_TABLE_FORMAT = 1
# The code that builds the table: a change to it (an upgrade, an edit in development) rebuilds it.
_CODE_FILES = tuple(os.path.join(os.path.dirname(__file__), name) for name in ("urls.py", "facts.py", "publishing.py"))


def _table_key(
    site: Site, posts: list[tuple[str, dict[str, Any]]], others: list[tuple[str, str | None, dict[str, Any]]]
) -> bytes:
    """Digest of everything `_build_urls` reads but the time: the code (its version, and the
    size and time of its files), the site's settings (its config, whether future posts are
    published, its time zone and Markdown suffixes), which documents there are and each one's
    URL front matter. Empty (never stored) when the code's files cannot be stat-ed."""
    import marshal

    from .. import __version__
    from ..digests import blake2b

    try:
        code = [(stat.st_size, stat.st_mtime_ns) for stat in map(os.stat, _CODE_FILES)]
    except OSError:
        return b""
    settings = repr((__version__, code, site.config, site.future, site.timezone, sorted(site.markdown_suffixes)))
    files = (posts, sorted(others, key=lambda other: other[0]))
    try:
        # Version 2: from 3 on, marshal writes a back-reference for an object it met before (and
        # flags interned strings), so the same front matter, parsed afresh for an edited post or
        # loaded from the front-matter cache for the others, dumped to other bytes: after every
        # edit the table missed and was built again.
        packed = marshal.dumps((_TABLE_FORMAT, settings, files), 2)
    except ValueError:  # not plain data (cannot happen with _url_data's values): never stored
        return b""
    return blake2b(packed, digest_size=16).digest()


def _stored_table(site: Site, key: bytes, now: dt.datetime) -> SiteUrls | None:
    """The stored table, when it was built from these inputs and no post it holds as dated in
    the future has come due since (only the time changes then)."""
    from ..cache import load

    stored = load(_TABLE, str(site.root)) if key else None
    if not (isinstance(stored, tuple) and len(stored) == 4 and stored[:2] == (_TABLE_FORMAT, key)):
        return None
    due, (urls, owner, primary, data, posts) = stored[2], stored[3]
    if now.timestamp() >= due:
        return None
    zone = site.timezone
    fates = {}
    for rel, (url, state, date, fold) in posts.items():
        when = None if date is None else dt.datetime.fromisoformat(date).replace(tzinfo=zone, fold=fold)
        fates[rel] = PostFate(url, state, when)
    return SiteUrls(set(urls), owner, primary, data, fates)


def _store_table(site: Site, key: bytes, table: SiteUrls) -> None:
    """Keep the table for the next run. Not kept: a table with a post whose front matter does
    not parse (Jekyll dates it the day of the build), or a post date in another zone than the
    site's (a date is stored as the site's local time)."""
    from ..cache import store

    zone = site.timezone
    posts = {}
    due = float("inf")
    for rel, fate in table.posts.items():
        if fate.state == "yaml-error" or (fate.date is not None and fate.date.tzinfo is not zone):
            return
        date = None if fate.date is None else fate.date.replace(tzinfo=None).isoformat()
        posts[rel] = (fate.url, fate.state, date, 0 if fate.date is None else fate.date.fold)
        if fate.state == "future" and fate.date is not None:
            due = min(due, fate.date.timestamp())
    if key:
        store(_TABLE, str(site.root), (_TABLE_FORMAT, key, due, (list(table.urls), table.owner, table.primary,
                                                                 table.data, posts)))  # fmt: skip


# ----- what `{% link %}` and `{% post_url %}` find ---------------------------------------
def _has_front_matter(site: Site, rel: str) -> bool:
    """Jekyll's Utils.has_yaml_header?: the first line is `---`."""
    try:
        with (site.root / rel).open("rb") as handle:  # type: ignore[operator]
            return re.match(rb"---\s*\r?\n", handle.readline()) is not None
    except OSError:
        return False


def link_problem(site: Site, name: str) -> str | None:
    """Why `{% link name %}` fails the build, or None when it resolves (or cannot be judged).

    Jekyll's link tag compares `name` (and "/" + name) with the relative path of every page,
    static file and written document; only static files' relative paths start with "/"."""
    if not name or "{" in name or site.root is None:
        return None
    slash = name.startswith("/")
    rel = name[1:] if slash else name
    if rel not in site.files:
        return "no such file in the site"
    top = rel.split("/", 1)[0]
    if rel.startswith("_drafts/"):
        return None  # link-to-draft says it
    if "_posts" in rel.split("/")[:-1]:
        fate = site.urls.posts.get(rel)
        if fate is None:
            return "not a post Jekyll reads (its file name has no date)"
        if fate.state == "unpublished":
            return "that post has 'published: false', so Jekyll does not write it"
        if fate.state == "future":
            return "that post is dated in the future and 'future' is off, so Jekyll does not write it"
        return "a post is matched without a leading slash" if slash else None
    if top.startswith("_"):
        collections = site.config.get("collections") or {}
        settings = collections.get(top[1:]) if isinstance(collections, dict) else None
        if isinstance(settings, dict) and settings.get("output"):
            return "a collection document is matched without a leading slash" if slash else None
        if top[1:] in site.collections:
            return f"the collection '{top[1:]}' has no 'output: true', so Jekyll writes none of its files"
        return "Jekyll does not publish files in folders starting with '_'"
    if (
        slash
        and _has_front_matter(site, rel)
        and PurePosixPath(rel).suffix.lower()
        in (site.markdown_suffixes | MARKDOWN_SUFFIXES | {".html", ".htm", ".xml", ".txt", ".json", ".css", ".scss"})
    ):
        return "a page is matched without a leading slash (only static files keep one)"
    return None


_POST_NAME = lazy(r"^(.+/)*(\d+-\d+-\d+)-(.*)$")


def post_url_problem(site: Site, name: str) -> str | None:
    """Why `{% post_url name %}` fails the build, or None when it resolves (or is a draft's,
    which link-to-draft reports). Jekyll's PostComparer: a leading slash is dropped; the name
    matches `_posts/PATH/DATE-SLUG.ext` or `PATH/_posts/DATE-SLUG.ext` among published posts."""
    if not name or "{" in name or site.root is None:
        return None
    m = _POST_NAME().match(name.lstrip("/"))
    if not m:
        return "not a post name (YYYY-MM-DD-slug)"
    path, date, slug = m.group(1) or "", m.group(2), m.group(3)
    tail = re.escape(date) + "-" + re.escape(slug) + r"\.[^.]+$"
    pattern = re.compile("^_posts/" + re.escape(path) + tail + "|^" + re.escape(path) + "_posts/?" + tail)
    fates = site.urls.posts
    matches = [rel for rel in fates if pattern.match(rel)]
    if any(fates[rel].published for rel in matches):
        return None
    if matches:
        state = fates[matches[0]].state
        if state == "unpublished":
            return "that post has 'published: false', so Jekyll does not write it"
        if state == "future":
            return "that post is dated in the future and 'future' is off, so Jekyll does not write it"
        return None
    # Jekyll's deprecated fallback: the same slug on the same day.
    day = facts.parse_ymd(date).date if re.fullmatch(r"\d{2,4}-\d{1,2}-\d{1,2}", date) else None
    for rel, fate in fates.items():
        file = facts.POST_FILE.match(PurePosixPath(rel).name)
        if fate.published and day and file and file.group(4) == slug and fate.date and fate.date.date() == day:
            return None
    return "no such post"


def draft_for(site: Site, name: str) -> str | None:
    """The draft a `{% post_url name %}` would find with `jekyll serve --drafts`, if any."""
    slug = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", name.rsplit("/", 1)[-1])
    for rel in site.drafts:
        if PurePosixPath(rel).stem == slug:
            return str(rel)
    return None
