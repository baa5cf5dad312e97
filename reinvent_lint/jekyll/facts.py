"""What Jekyll does, as data and small pure functions, in one place: post file names and dates,
slugs, permalink styles, the defaults GitHub Pages changes, and the Liquid tags of Liquid, Jekyll
and widely used plugins.

Sources (read, not guessed): Jekyll 4.3.1 as installed by Debian (`document.rb`,
`drops/url_drop.rb`, `utils.rb`, `publisher.rb`, `entry_filter.rb`, `readers/post_reader.rb`);
GitHub Pages runs Jekyll 3.9.5, whose code for all of the above is the same in the parts used
here (file-name matcher, `Time.parse` dates, `slugify`, downcased `:categories`, publisher).
Every claim a rule message makes from this module has a case in tests/test_jekyll_model.py that
builds a site with the real Jekyll.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..lazy_re import lazy

# document.rb DATE_FILENAME_MATCHER, applied to the file name: a post needs it or it is never read.
POST_FILE = re.compile(r"^(\d{2,4})-(\d{1,2})-(\d{1,2})-(.*)(\.[^.]+)$")

PERMALINK_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}

# Jekyll 4's default `markdown_ext` (configuration.rb).
DEFAULT_MARKDOWN_EXT = "markdown,mkdown,mkdn,mkd,md"
# Suffixes read as Markdown whatever the config says (site.py and urls.py share them).
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mkd", ".mkdn", ".mdown"}


@dataclass(frozen=True)
class FileDate:
    """The date in a post's file name as Jekyll reads it (Ruby's `Time.parse`)."""

    date: dt.date | None  # the date published under (rolled over for 2024-02-30); None: fails
    written: str  # the date as written in the file name
    rolled: bool  # an impossible day (02-30) that Ruby rolls into the next month


def file_date(name: str) -> FileDate | None:
    """The date of a post file name (`2024-1-5-x.md`), or None when the name has no date and
    Jekyll never reads the file as a post."""
    m = POST_FILE.match(name)
    if not m:
        return None
    return parse_ymd(f"{m.group(1)}-{m.group(2)}-{m.group(3)}")


def parse_ymd(written: str) -> FileDate:
    """Ruby's `Time.parse("Y-M-D")`: month 1-12 and day 1-31, else ArgumentError (the build
    fails); a day past the month's end rolls over (2024-02-30 is 2024-03-01); a two-digit year
    is 1969-2068 and a three-digit one is taken as written (999-01-05 is written to /0999/01/05/)."""
    year_s, month_s, day_s = written.split("-")
    year, month, day = int(year_s), int(month_s), int(day_s)
    if len(year_s) == 2:
        year += 2000 if year < 69 else 1900  # Date._parse's two-digit years
    if not (1 <= month <= 12 and 1 <= day <= 31) or year < dt.MINYEAR:  # year 0: Ruby has it, Python not
        return FileDate(None, written, False)
    first = dt.date(year, month, 1)
    return FileDate(first + dt.timedelta(days=day - 1), written, day > _month_length(year, month))


def _month_length(year: int, month: int) -> int:
    import calendar  # here: only a day past 28 in a post's file name needs it

    return calendar.monthrange(year, month)[1]


_DATE_TIME = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?\s*$",
    re.IGNORECASE,
)


def suffix(rel: str) -> str:
    """`PurePosixPath(rel).suffix` of a clean site-relative path (`Site.files`: no `.` or empty
    parts), without building a path (loops over every file or post of a site)."""
    name = rel.rsplit("/", 1)[-1]
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def parse_date(value: object, zone: dt.tzinfo) -> dt.datetime | None:
    """A front-matter `date` as the local time of the build (`zone`), or None when this model
    cannot tell (Ruby's `Time.parse` reads more forms than are modelled here)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(zone) if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=zone)
    if not isinstance(value, str):
        return None
    m = _DATE_TIME.match(value)
    if not m:
        return None
    day = parse_ymd(f"{m.group(1)}-{m.group(2)}-{m.group(3)}").date
    if day is None:
        return None
    hour, minute, second = int(m.group(4) or 0), int(m.group(5) or 0), int(m.group(6) or 0)
    if minute > 59 or second > 60 or hour > 24 or (hour == 24 and (minute or second)):
        return None  # Ruby's ArgumentError; but 23:59:60 and 24:00:00 roll over to the next day
    offset = m.group(7)
    tz: dt.tzinfo = zone
    if offset and offset.upper() in ("Z", "UTC", "GMT"):
        tz = dt.timezone.utc
    elif offset:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        tz = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0)))
    try:
        local = dt.datetime(day.year, day.month, day.day, tzinfo=tz) + dt.timedelta(
            hours=hour, minutes=minute, seconds=second
        )
        return local.astimezone(zone)
    except OverflowError:  # past the year 9999
        return None


def date_fails(value: object) -> bool:
    """True when Ruby's `Time.parse` surely rejects a front-matter date, which fails the build:
    no digit at all, or a Y-M-D with month over 12 or day over 31."""
    if isinstance(value, (dt.date, dt.datetime, int, float)) or value is None:
        return False
    text = str(value)
    if not re.search(r"\d", text):
        return True
    m = re.match(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\b", text)
    return m is not None and parse_ymd(f"{m.group(1)}-{m.group(2)}-{m.group(3)}").date is None


_SLUG_PRETTY = lazy(r"(?:[^\w._~!$&'()+,;=@]|_)+")
_SLUG_DEFAULT = lazy(r"(?:[^\w]|_)+")


def slugify(text: str, mode: str = "default", cased: bool = False) -> str:
    """Jekyll's `Utils.slugify` for the "default" and "pretty" modes (letters, marks and decimal
    digits are kept; "pretty" also keeps `._~!$&'()+,;=@`)."""
    pattern = _SLUG_PRETTY() if mode == "pretty" else _SLUG_DEFAULT()
    slug = re.sub(r"^-|-$", "", pattern.sub("-", text))
    return slug if cased else slug.lower()


# ----- GitHub Pages ----------------------------------------------------------------------
# The github-pages gem (lib/github-pages/configuration.rb) forces or defaults these; plain
# Jekyll's own defaults differ in `future` (false) and `safe` (false).
GITHUB_PAGES_DEFAULTS = {"future": True, "safe": True, "markdown": "kramdown", "kramdown_input": "GFM"}

# The plugins GitHub Pages allows in safe mode (the github-pages gem's PLUGIN_WHITELIST).
GITHUB_PAGES_PLUGINS = frozenset({
    "jekyll-avatar", "jekyll-coffeescript", "jekyll-default-layout", "jekyll-feed", "jekyll-gist",
    "jekyll-github-metadata", "jekyll-include-cache", "jekyll-mentions", "jekyll-optional-front-matter",
    "jekyll-paginate", "jekyll-readme-index", "jekyll-redirect-from", "jekyll-relative-links",
    "jekyll-remote-theme", "jekyll-sass-converter", "jekyll-seo-tag", "jekyll-sitemap",
    "jekyll-titles-from-headings", "jemoji", "jekyll-commonmark-ghpages",
})  # fmt: skip


# ----- Liquid tags -----------------------------------------------------------------------
# Liquid 4 (Jekyll 4.3) and Jekyll's own tags. `render` and `echo`/`liquid` are Liquid 5 only
# and absent from Jekyll 3.9 (GitHub Pages); they are accepted rather than guessed at.
CORE_TAGS = frozenset({
    "assign", "capture", "endcapture", "case", "when", "endcase", "comment", "endcomment", "cycle",
    "decrement", "increment", "echo", "for", "endfor", "break", "continue", "if", "elsif", "else",
    "endif", "unless", "endunless", "include", "include_relative", "layout", "liquid", "raw",
    "endraw", "render", "tablerow", "endtablerow", "highlight", "endhighlight", "link", "post_url",
    "ifchanged", "endifchanged", "#",
})  # fmt: skip

# Tags that gems add, by gem name as listed under `plugins:`/`gems:`. Source: each gem's
# `Liquid::Template.register_tag` calls (jekyll-seo-tag, jekyll-feed, jekyll-gist,
# jekyll-avatar, jekyll-include-cache, jekyll-twitter-plugin, jekyll-youtube,
# jekyll-asciidoc, jekyll-inline-svg, jekyll-diagrams, premonition, octopress plugins ...).
# Gems that add no tags (jemoji, jekyll-mentions, jekyll-sitemap, jekyll-paginate,
# jekyll-github-metadata, jekyll-redirect-from, jekyll-relative-links) map to nothing.
PLUGIN_TAGS: dict[str, frozenset[str]] = {
    "jekyll-seo-tag": frozenset({"seo"}),
    "jekyll-feed": frozenset({"feed_meta"}),
    "jekyll-gist": frozenset({"gist"}),
    "jekyll-avatar": frozenset({"avatar"}),
    "jekyll-include-cache": frozenset({"include_cached"}),
    "jekyll-twitter-plugin": frozenset({"twitter", "twitternocover"}),
    "jekyll-youtube": frozenset({"youtube"}),
    "jekyll-asciidoc": frozenset(),
    "jekyll-inline-svg": frozenset({"svg"}),
    "jekyll-diagrams": frozenset(
        {
            "blockdiag",
            "endblockdiag",
            "seqdiag",
            "endseqdiag",
            "actdiag",
            "endactdiag",
            "nwdiag",
            "endnwdiag",
            "rackdiag",
            "endrackdiag",
            "packetdiag",
            "endpacketdiag",
            "graphviz",
            "endgraphviz",
            "mermaid",
            "endmermaid",
            "nomnoml",
            "endnomnoml",
            "plantuml",
            "endplantuml",
            "svgbob",
            "endsvgbob",
            "syntrax",
            "endsyntrax",
            "vega",
            "endvega",
            "vegalite",
            "endvegalite",
            "wavedrom",
            "endwavedrom",
            "erd",
            "enderd",
            "smcat",
            "endsmcat",
            "state_machine_cat",
            "endstate_machine_cat",
        }
    ),
    "premonition": frozenset(),
    "jekyll-figure": frozenset({"figure", "endfigure"}),
    "jekyll-toc": frozenset({"toc"}),
    "jekyll-katex": frozenset({"katex", "endkatex", "katexmm", "endkatexmm"}),
    "jekyll-spaceship": frozenset(),
    "jekyll-loading-lazy": frozenset(),
    "jekyll-embed-urls": frozenset(),
    "jekyll-github-sample": frozenset({"github_sample", "github_sample_ref"}),
    "jekyll-codepen": frozenset({"codepen"}),
    "jekyll-vimeo": frozenset({"vimeo"}),
    "jekyll-scholar": frozenset(
        {
            "bibliography",
            "cite",
            "citation",
            "quote",
            "endquote",
            "reference",
            "cite_details",
            "endcite_details",
            "bibliography_count",
            "nocite",
            "fullcite",
        }
    ),
    "jekyll-tagging": frozenset(),
    "jekyll/tagging": frozenset(),
    "jekyll-archives": frozenset(),
    "jekyll-paginate-v2": frozenset(),
    # Octopress's plugins (octopress-* gems and the classic Octopress `plugins/` folder).
    "octopress-codeblock": frozenset({"codeblock", "endcodeblock"}),
    "octopress-image-tag": frozenset({"img"}),
    "octopress-video-tag": frozenset({"video"}),
    "octopress-gist": frozenset({"gist"}),
    "octopress-render-code": frozenset({"render_code", "include_code"}),
    "octopress-pullquote-tag": frozenset({"pullquote", "endpullquote"}),
    "octopress-blockquote-tag": frozenset({"blockquote", "endblockquote"}),
    "octopress-date-format": frozenset(),
    "octopress-filters": frozenset(),
}

# Gems known to add no Liquid tags (generators, filters, hooks, converters).
TAGLESS_PLUGINS = frozenset({
    "jemoji", "jekyll-mentions", "jekyll-sitemap", "jekyll-paginate", "jekyll-github-metadata",
    "jekyll-redirect-from", "jekyll-relative-links", "jekyll-remote-theme", "jekyll-optional-front-matter",
    "jekyll-readme-index", "jekyll-titles-from-headings", "jekyll-default-layout", "jekyll-coffeescript",
    "jekyll-sass-converter", "jekyll-commonmark-ghpages", "jekyll-commonmark", "jekyll-compose",
    "jekyll-last-modified-at", "jekyll-polyglot", "jekyll-minifier", "jekyll-compress-images",
    "jekyll-postcss", "jekyll-postfiles", "jekyll-target-blank", "jekyll-email-protect",
    "jekyll-sitemap-generator", "jekyll-timeago", "jekyll-data", "jekyll-environment-variables",
    "bourbon", "neat",
})  # fmt: skip

# Ruby in `_plugins/` registers tags with these calls.
REGISTER_TAG = re.compile(
    r"""Liquid::Template\.register_tag\s*\(?\s*(?:['"]([\w-]+)['"]|:([\w]+))"""
    r"""|\bregister_tag\s*\(?\s*(?:['"]([\w-]+)['"]|:([\w]+))""",
)


def registered_tags(ruby: str) -> set[str]:
    """Tag names a plugin file registers (blocks get their `end` tag too)."""
    names: set[str] = set()
    for m in REGISTER_TAG.finditer(ruby):
        name = next(g for g in m.groups() if g)
        names |= {name, "end" + name}
    return names
