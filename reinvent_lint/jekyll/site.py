"""The Jekyll site around the checked files: its root, `_config.yml`, and lazily built
listings of posts, drafts, includes, layouts, tag pages and static files.

Every listing is built at most once per run, and only when a rule asks for it, so checking one
post does not walk the whole site unless a rule needs it.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import posixpath
import re
from functools import cached_property
from pathlib import Path, PurePosixPath
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import facts
from .facts import MARKDOWN_SUFFIXES as MARKDOWN_SUFFIXES  # re-exported for engine, live, server
from ..memo import Memo
from ..files import read_text_file, walk

if TYPE_CHECKING:
    from .urls import SiteUrls

CONFIG_NAMES = ("_config.yml", "_config.yaml")
# Folders Jekyll never reads as source, plus the usual tool folders.
_SKIP_DIRS = {
    "_site",
    ".git",
    ".jekyll-cache",
    ".sass-cache",
    ".bundle",
    "node_modules",
    "vendor",
    ".reinvent-lint-cache",
    "__pycache__",
}
POST_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)\.[A-Za-z]+$")
DEFAULT_TAG_DIRS = ("_topics", "_tags", "tags", "topics")
# Jekyll 4's default excludes (configuration.rb), added to the site's own.
_DEFAULT_EXCLUDES = (".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock", "node_modules",
                     "vendor/bundle/", "vendor/cache/", "vendor/gems/", "vendor/ruby/")  # fmt: skip
PLATFORMS = ("auto", "github-pages", "jekyll")


def _matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether a path matches any pattern by glob (fnmatchcase), as a prefix, or as the folder
    `pattern` names with its slash; the globs compiled once into one expression (the site walk
    asks this of every file and folder)."""
    if not patterns:
        return lambda rel: False
    globs = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))
    folders = {p for p in patterns if p.endswith("/")}
    return lambda rel: rel.startswith(patterns) or globs.match(rel) is not None or rel + "/" in folders


def find_root(start: Path) -> Path | None:
    """Nearest directory at or above `start` holding a Jekyll `_config.yml`."""
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        if any((folder / name).is_file() for name in CONFIG_NAMES):
            return folder
    return None


class Site:
    """A Jekyll site rooted at `root` (None for a lone file outside any site)."""

    def __init__(self, root: Path | None, tag_dirs: tuple[str, ...] = DEFAULT_TAG_DIRS, platform: str = "auto") -> None:
        # `config_dir` holds _config.yml; `root` is the source folder Jekyll reads (`source:`).
        self.config_dir = root.resolve() if root else None
        self.root = self.config_dir
        self.tag_dirs = tag_dirs
        self.platform_setting = platform
        self.memo = Memo()  # what rules derive from the whole site, computed once per run
        source = self.config.get("source") if self.config_dir else None
        if isinstance(source, str) and source.strip() and self.config_dir is not None:
            candidate = (self.config_dir / source.strip()).resolve()
            if candidate.is_dir() and candidate != self.config_dir:
                self.root = candidate

    # ----- configuration -------------------------------------------------------------------
    @cached_property
    def config(self) -> dict[str, Any]:
        if self.config_dir is None:
            return {}
        for name in CONFIG_NAMES:
            path = self.config_dir / name
            if path.is_file():
                try:
                    return _load_config(read_text_file(path, errors="strict"))
                except (OSError, UnicodeDecodeError):
                    return {}
        return {}

    @property
    def baseurl(self) -> str:
        value = self.config.get("baseurl") or ""
        return str(value).rstrip("/")

    @cached_property
    def github_pages(self) -> bool:
        """Whether GitHub Pages builds the site (its defaults apply): `[site] platform`, else
        the `github-pages` gem in the Gemfile, else no Gemfile and a CNAME or a *.github.io name."""
        if self.platform_setting != "auto":
            return self.platform_setting == "github-pages"
        base = self.config_dir
        if base is None:
            return False
        if (base / "Gemfile").is_file():
            return self._pages_gem
        named = " ".join(str(self.config.get(k) or "") for k in ("url", "repository")) + " " + base.name
        return (
            (base / "CNAME").is_file()
            or (self.root is not None and (self.root / "CNAME").is_file())
            or (".github.io" in named.lower())
        )

    @property
    def future(self) -> bool:
        """Whether future-dated posts are published: `future:`, else true on GitHub Pages (the
        github-pages gem's default) and false in plain Jekyll."""
        value = self.config.get("future")
        return bool(value) if value is not None else self.github_pages

    @cached_property
    def timezone(self) -> dt.tzinfo:
        """The zone post dates are read in: `timezone:` (GitHub Pages and CI run in UTC)."""
        name = self.config.get("timezone")
        if isinstance(name, str) and name.strip():
            try:
                from zoneinfo import ZoneInfo

                return ZoneInfo(name.strip())
            except (ValueError, KeyError, OSError, ImportError):
                pass
        return dt.timezone.utc

    @cached_property
    def markdown_suffixes(self) -> set[str]:
        value = self.config.get("markdown_ext")
        names = str(value) if isinstance(value, str) and value.strip() else facts.DEFAULT_MARKDOWN_EXT
        return {"." + n.strip().lstrip(".").lower() for n in names.split(",") if n.strip()}

    @cached_property
    def collections(self) -> set[str]:
        value = self.config.get("collections") or {}
        names = set(value) if isinstance(value, (dict, list)) else set()
        return {str(n) for n in names}

    @cached_property
    def excluded(self) -> list[str]:
        value = self.config.get("exclude") or []
        return [str(v).strip("/") for v in value] if isinstance(value, list) else []

    @cached_property
    def _exclude_patterns(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        def listed(key: str) -> tuple[str, ...]:
            value = self.config.get(key) or []
            return tuple(str(v).lstrip("/") for v in value if str(v).strip("/")) if isinstance(value, list) else ()

        return (*listed("exclude"), *_DEFAULT_EXCLUDES), listed("include")

    @cached_property
    def _exclude_matchers(self) -> tuple[Callable[[str], bool], Callable[[str], bool]]:
        excludes, includes = self._exclude_patterns
        return _matcher(excludes), _matcher(includes)

    def is_excluded(self, rel: str) -> bool:
        """Jekyll's EntryFilter: `exclude:` entries match by glob or as a prefix of the path,
        unless `include:` names it."""
        excluded, included = self._exclude_matchers
        return excluded(rel) and not included(rel)

    # ----- files ---------------------------------------------------------------------------
    def relative(self, path: Path) -> str | None:
        """Site-relative POSIX path of `path`, or None when it lies outside the site."""
        if self.root is None:
            return None
        try:
            return PurePosixPath(Path(os.path.abspath(path)).relative_to(self.root)).as_posix()
        except ValueError:
            try:
                return PurePosixPath(path.resolve().relative_to(self.root)).as_posix()
            except (ValueError, OSError):
                return None

    def kind_of(self, relative: str | None) -> str:
        """ "post", "draft", "collection" or "page" for a site-relative path."""
        if not relative:
            return "page"
        top = relative.split("/", 1)[0]
        if "_posts" in relative.split("/")[:-1]:
            return "post"
        if top == "_drafts":
            return "draft"
        if top.startswith("_") and top[1:] in self.collections:
            return "collection"
        return "page"

    @cached_property
    def files(self) -> frozenset[str]:
        """Every source file, site-relative, found in one walk (symlinks out of the site dropped)."""
        if self.root is None:
            return frozenset()
        found: list[str] = []
        root = str(self.root)
        links: set[str] = set()  # (the folder listings say which files are links: no lstat per file)
        skip = lambda rel: rel.rsplit("/", 1)[-1] in _SKIP_DIRS or self.is_excluded(rel)
        for folder, _, names in walk(root, skip, links):
            # (walk joins each folder onto `root`, a resolved path: the rest of it is its relpath)
            rel_folder = "" if folder == root else folder[len(root.rstrip(os.sep)) + 1 :].replace(os.sep, "/") + "/"
            for name in names:
                rel = rel_folder + name
                if self.is_excluded(rel):
                    continue
                if links:
                    full = os.path.join(folder, name)
                    if full in links and not self._inside(full):
                        continue
                found.append(rel)
        return frozenset(found)

    def _inside(self, path: str) -> bool:
        real = os.path.realpath(path)
        return real == str(self.root) or real.startswith(str(self.root) + os.sep)

    @cached_property
    def files_lower(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for rel in self.files:
            index.setdefault(rel.lower(), []).append(rel)
        return index

    def _listing(self, folder: str) -> list[str]:
        """Files under a top-level folder, without walking the whole site when not needed."""
        if "files" in self.__dict__ or self.root is None:
            prefix = folder + "/"
            return sorted(f for f in self.files if f.startswith(prefix))
        base = self.root / folder
        if not base.is_dir():
            return []
        result: list[str] = []
        for current, _, names in walk(str(base), lambda rel: rel.rsplit("/", 1)[-1] in _SKIP_DIRS):
            rel = os.path.relpath(current, self.root).replace(os.sep, "/")
            result.extend(f"{rel}/{n}" for n in names)
        return sorted(result)

    @cached_property
    def includes(self) -> list[str]:
        return [f.split("/", 1)[1] for f in self._listing("_includes")]

    @cached_property
    def layouts(self) -> set[str]:
        return {PurePosixPath(f).stem for f in self._listing("_layouts")}

    @cached_property
    def post_files(self) -> list[str]:
        """Every file Jekyll reads as a post: under `_posts/` or `dir/_posts/` (no folder before
        `_posts` starting with `_`), with a dated name (`2024-1-5-x.md` counts)."""
        found = []
        for rel in self.files:
            parts = rel.split("/")
            if "_posts" not in parts[:-1]:
                continue
            before = parts[: parts.index("_posts")]
            if any(p.startswith(("_", ".")) for p in before) or parts[-1].startswith((".", "_", "#")):
                continue
            if facts.POST_FILE.match(parts[-1]):
                found.append(rel)
        return sorted(found)

    @cached_property
    def posts(self) -> list[str]:
        """The posts Jekyll renders through a converter (Markdown or HTML)."""
        rendered = self.markdown_suffixes | {".html"}
        return [f for f in self.post_files if facts.suffix(f).lower() in rendered]

    @cached_property
    def post_names(self) -> dict[str, str]:
        """`{% post_url %}` names to files: `2024-01-02-x` (and `sub/2024-01-02-x` for
        `_posts/sub/` or `sub/_posts/`), as Jekyll's PostComparer matches them."""
        names: dict[str, str] = {}
        for rel in self.post_files:
            before, _, inner = rel.partition("_posts/")
            key = str(PurePosixPath(before + inner).with_suffix(""))
            names.setdefault(key, rel)
        return names

    @cached_property
    def drafts(self) -> list[str]:
        return [f for f in self._listing("_drafts") if PurePosixPath(f).suffix.lower() in MARKDOWN_SUFFIXES | {".html"}]

    @cached_property
    def tags(self) -> set[str]:
        """Tags that have a tag page, as written: `tags/NAME.md`, or a folder `tags/NAME/`
        holding an index page."""
        tags: set[str] = set()
        for folder in self.tag_dirs:
            for f in self._listing(folder):
                path = PurePosixPath(f)
                if path.suffix.lower() not in MARKDOWN_SUFFIXES | {".html"}:
                    continue
                if path.stem == "index" and len(path.parts) > 2:
                    tags.add(path.parts[-2])
                elif path.stem != "index":
                    tags.add(path.stem)
        return tags

    @cached_property
    def urls(self) -> SiteUrls:
        """Every output URL, its source file and each file's URL; see urls.py."""
        from .urls import site_urls

        return site_urls(self)

    @cached_property
    def plugins(self) -> set[str]:
        names: set[str] = set()
        for key in ("plugins", "gems"):
            value = self.config.get(key)
            if isinstance(value, list):
                names |= {str(v) for v in value}
        return names

    @cached_property
    def safe(self) -> bool:
        """Safe mode: `_plugins/` is not run and only whitelisted gems load. The github-pages gem
        forces it (when the Gemfile has it, or `[site] platform = "github-pages"`); plain Jekyll
        takes `safe:` from _config.yml."""
        if self.platform_setting == "github-pages" or (self.platform_setting == "auto" and self._pages_gem):
            return True
        return bool(self.config.get("safe"))

    @cached_property
    def _pages_gem(self) -> bool:
        gemfile = self.config_dir / "Gemfile" if self.config_dir else None
        try:
            text = gemfile.read_text(errors="replace") if gemfile and gemfile.is_file() else ""
        except OSError:
            return False
        return bool(re.search(r"""^\s*gem\s+['"]github-pages['"]""", text, re.M))

    @cached_property
    def tag_sources(self) -> dict[str, str]:
        """Tags that plugins add, with where they come from ("_plugins/x.rb" or the gem's name)."""
        sources: dict[str, str] = {}
        for plugin in sorted(self.plugins):
            for tag in facts.PLUGIN_TAGS.get(plugin, frozenset()):
                sources.setdefault(tag, plugin)
        if self.root is not None:
            plugins_dir = str(self.config.get("plugins_dir") or "_plugins")
            bases = {self.root / plugins_dir} | ({self.config_dir / plugins_dir} if self.config_dir else set())
            for base in sorted(bases):
                for current, _dirs, names in os.walk(base):
                    for name in sorted(names):
                        if not name.endswith(".rb"):
                            continue
                        try:
                            found = facts.registered_tags((Path(current) / name).read_text(errors="replace"))
                        except OSError:
                            continue
                        where = f"{plugins_dir}/{name}"
                        for tag in found:
                            sources.setdefault(tag, where)
        return sources

    def ignored_in_safe_mode(self, tag: str) -> str | None:
        """Where a plugin tag comes from when safe mode does not load it, else None."""
        source = self.tag_sources.get(tag)
        if source is None or tag in facts.CORE_TAGS or not self.safe:
            return None
        if source.endswith(".rb"):
            return source
        value = self.config.get("whitelist")
        allowed = (
            facts.GITHUB_PAGES_PLUGINS
            if self._pages_gem or self.platform_setting == "github-pages"
            else ({str(v) for v in value} if isinstance(value, list) else set())
        )
        return None if source in allowed else source

    @cached_property
    def liquid_tags(self) -> frozenset[str]:
        """Every Liquid tag the site can use: Liquid's and Jekyll's, those of the gems under
        `plugins:`/`gems:` (jekyll_facts.PLUGIN_TAGS) and those `_plugins/**/*.rb` register."""
        return frozenset(facts.CORE_TAGS) | frozenset(self.tag_sources)

    def markdown_files(self) -> list[str]:
        """The site's Markdown documents Jekyll would render, site-relative and sorted
        (excluded files are not: Jekyll never reads them)."""
        return list(self._markdown_files)

    @cached_property
    def _markdown_files(self) -> list[str]:
        skip_tops = {"_includes", "_layouts", "_sass", "_data", "_plugins"}
        result = []
        suffixes = MARKDOWN_SUFFIXES | self.markdown_suffixes
        for rel in self.files:
            if posixpath.splitext(rel)[1].lower() not in suffixes:  # PurePosixPath: 10x slower
                continue
            top = rel.split("/", 1)[0] if "/" in rel else ""
            if top in skip_tops:
                continue
            result.append(rel)
        return sorted(result)


def _load_config(text: str) -> dict[str, Any]:
    """`_config.yml`'s data ({} when it is not a mapping or not YAML). Kept in the small disk
    cache under a hash of its text, so a run that finds every post in the result cache neither
    imports PyYAML nor constructs a large config again; data marshal cannot hold (dates) is
    simply not cached."""
    from .. import __version__, cache
    from ..digests import blake2b

    key = f"{__version__}\0" + blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    known = cache.load("site-config-1", key)
    if isinstance(known, dict):
        return known
    import yaml

    try:  # libyaml: the same data as SafeLoader, several times faster on a large _config.yml
        from yaml import CSafeLoader as loader
    except ImportError:  # pragma: no cover - PyYAML without libyaml
        from yaml import SafeLoader as loader  # type: ignore[assignment]
    try:
        data = yaml.load(text, Loader=loader)
    except (yaml.YAMLError, RecursionError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    cache.store("site-config-1", key, data)
    return data
