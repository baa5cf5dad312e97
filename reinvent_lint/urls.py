"""The URLs Jekyll writes documents to, so a root-relative link to a page or post can be judged.

Follows Jekyll's permalink rules: the site's `permalink` style (`date`, `pretty`, `ordinal`,
`none` or a template), a document's own `permalink`, posts' `:categories`/`:year`/`:month`/
`:day`/`:title` (front-matter `slug`, `date` and `categories` honoured), pages by their path,
and output collections by `/:collection/:path`. `redirect_from` entries count as URLs too.
Built lazily, once per run, and only when a rule asks.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from .site import MARKDOWN_SUFFIXES, POST_NAME, Site

_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
# Plugins that write pages no source file describes: links into them cannot be judged.
GENERATOR_PLUGINS = {
    "jekyll-archives",
    "jekyll-paginate",
    "jekyll-paginate-v2",
    "jekyll-tagging",
    "jekyll-feed",
    "jekyll-sitemap",
}


# The front-matter keys that decide a document's URL (and its title, for duplicate-title).
_URL_KEYS = ("permalink", "date", "categories", "category", "slug", "redirect_from", "title")


def _url_data(data: dict[str, Any]) -> dict[str, Any]:
    """The URL-relevant front matter in plain, cacheable types (dates as YYYY-MM-DD)."""
    kept: dict[str, Any] = {}
    for key in _URL_KEYS:
        value = data.get(key)
        if isinstance(value, (dt.date, dt.datetime)):
            value = (value.date() if isinstance(value, dt.datetime) else value).isoformat()
        if (
            isinstance(value, (str, int, float, bool))
            or (isinstance(value, list)
            and all(isinstance(v, str) for v in value))
        ):
            kept[key] = value
    return kept


def _url_front_matter(text: str) -> dict[str, Any]:
    from .front_matter import split

    fm = split(text.replace("\r\n", "\n"))
    return _url_data(fm.data or {}) if fm else {}


def _listify(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def _date(value: Any, fallback: dt.date) -> dt.date:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return fallback
    return fallback


def _expand(template: str, values: dict[str, str]) -> str:
    result = template
    for key in sorted(values, key=len, reverse=True):
        result = result.replace(":" + key, values[key])
    return re.sub(r"/+", "/", "/" + result.lstrip("/"))


def _variants(url: str) -> set[str]:
    """A URL and the spellings that reach the same file on GitHub Pages."""
    out = {url}
    if url.endswith("/index.html"):
        out |= {url[: -len("index.html")], url[: -len("/index.html")] or "/"}
    elif url.endswith(".html"):
        out.add(url[: -len(".html")])
    elif url.endswith("/") and len(url) > 1:
        out |= {url[:-1], url + "index.html"}
    return out


@dataclass
class SiteUrls:
    urls: set[str] = field(default_factory=set)  # every URL that reaches a document
    owner: dict[str, str] = field(default_factory=dict)  # URL -> source file
    primary: dict[str, str] = field(default_factory=dict)  # source file -> the URL it is written to
    data: dict[str, dict[str, Any]] = field(default_factory=dict)  # source file -> front matter


def site_urls(site: Site) -> SiteUrls:
    """The URLs of the site's pages, posts and output collections."""
    result = SiteUrls()
    urls, owner = result.urls, result.owner
    from .cache import PerFile

    # Each document's URL-relevant front matter, cached by file size and modification time, so
    # a one-post run does not re-read every post of the site.
    index = PerFile("frontmatter", site.root)  # type: ignore[arg-type]

    def front_matter(rel: str) -> dict[str, Any]:
        return index.get(site.root / rel, rel, _url_front_matter) or {}  # type: ignore[operator]

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

    for rel in site.posts:
        name = PurePosixPath(rel).name
        m = POST_NAME.match(name)
        if not m:
            continue
        data = front_matter(rel)
        try:
            date = _date(data.get("date"), dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            continue
        folder_categories = [p for p in rel.split("/")[:-1] if p != "_posts"]
        categories = folder_categories + _listify(data.get("categories")) + _listify(data.get("category"))
        title = str(data.get("slug") or m.group(4))
        values = {
            "categories": "/".join(categories), "year": f"{date.year:04d}", "month": f"{date.month:02d}",
            "day": f"{date.day:02d}", "i_month": str(date.month), "i_day": str(date.day),
            "y_day": f"{date.timetuple().tm_yday:03d}", "short_year": f"{date.year % 100:02d}",
            "title": title, "slug": title, "output_ext": ".html",
        }  # fmt: skip
        own = data.get("permalink")
        url = _expand(str(own), values) if own else _expand(template, values)
        add(url, rel, data)
        add(url.lower(), rel, {})
    collections = config.get("collections") or {}
    for rel in site.files:
        suffix = PurePosixPath(rel).suffix.lower()
        if suffix not in MARKDOWN_SUFFIXES | {".html"}:
            continue
        top = rel.split("/", 1)[0]
        if top.startswith("_"):
            name = top[1:]
            settings = collections.get(name) if isinstance(collections, dict) else None
            if not (isinstance(settings, dict) and settings.get("output")):
                continue
            data = front_matter(rel)
            path = str(PurePosixPath(rel.split("/", 1)[1]).with_suffix(""))
            coll_template = str(settings.get("permalink") or "/:collection/:path:output_ext")
            coll_template = _STYLES.get(coll_template, coll_template)
            values = {
                "collection": name,
                "path": path,
                "name": PurePosixPath(path).name,
                "title": PurePosixPath(path).name,
                "output_ext": ".html",
            }
            own = data.get("permalink")
            add(_expand(str(own), values) if own else _expand(coll_template, values), rel, data)
            continue
        data = front_matter(rel) if suffix in MARKDOWN_SUFFIXES or rel.endswith(".html") else {}
        own = data.get("permalink")
        if own:
            add("/" + str(own).lstrip("/"), rel, data)
            continue
        stem = str(PurePosixPath(rel).with_suffix(""))
        url = "/" + stem + ".html"
        add(url, rel, data)
        if style == "pretty" or stem.endswith("index"):
            add("/" + (stem[: -len("index")] if stem.endswith("index") else stem + "/"), rel, data)
    index.save()
    return result
