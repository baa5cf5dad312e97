"""The Jekyll site around the checked files: its root, `_config.yml`, and lazily built
listings of posts, drafts, includes, layouts, tag pages and static files.

Every listing is built at most once per run, and only when a rule asks for it, so checking one
post does not walk the whole site unless a rule needs it.
"""

from __future__ import annotations

import os
import re
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import yaml

from .files import read_text_file, walk

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
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mkd", ".mkdn", ".mdown"}
POST_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)\.[A-Za-z]+$")
DEFAULT_TAG_DIRS = ("_topics", "_tags", "tags", "topics")


def find_root(start: Path) -> Path | None:
    """Nearest directory at or above `start` holding a Jekyll `_config.yml`."""
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        if any((folder / name).is_file() for name in CONFIG_NAMES):
            return folder
    return None


class Site:
    """A Jekyll site rooted at `root` (None for a lone file outside any site)."""

    def __init__(self, root: Path | None, tag_dirs: tuple[str, ...] = DEFAULT_TAG_DIRS) -> None:
        self.root = root.resolve() if root else None
        self.tag_dirs = tag_dirs

    # ----- configuration -------------------------------------------------------------------
    @cached_property
    def config(self) -> dict[str, Any]:
        if self.root is None:
            return {}
        for name in CONFIG_NAMES:
            path = self.root / name
            if path.is_file():
                try:
                    data = yaml.safe_load(read_text_file(path, errors="strict"))
                except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError, ValueError):
                    return {}
                return data if isinstance(data, dict) else {}
        return {}

    @property
    def baseurl(self) -> str:
        value = self.config.get("baseurl") or ""
        return str(value).rstrip("/")

    @property
    def future(self) -> bool:
        return bool(self.config.get("future", False))

    @cached_property
    def collections(self) -> set[str]:
        value = self.config.get("collections") or {}
        names = set(value) if isinstance(value, (dict, list)) else set()
        return {str(n) for n in names}

    @cached_property
    def excluded(self) -> list[str]:
        value = self.config.get("exclude") or []
        return [str(v).strip("/") for v in value] if isinstance(value, list) else []

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
        excluded = set(self.excluded)
        for folder, _, names in walk(root, lambda rel: rel.rsplit("/", 1)[-1] in _SKIP_DIRS or rel in excluded):
            rel_folder = os.path.relpath(folder, root)
            rel_folder = "" if rel_folder == "." else rel_folder.replace(os.sep, "/") + "/"
            for name in names:
                rel = rel_folder + name
                full = os.path.join(folder, name)
                if os.path.islink(full) and not self._inside(full):
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
    def posts(self) -> list[str]:
        return [f for f in self._listing("_posts") if PurePosixPath(f).suffix.lower() in MARKDOWN_SUFFIXES | {".html"}]

    @cached_property
    def post_names(self) -> dict[str, str]:
        """`{% post_url %}` names (the path under `_posts/` without extension) to files."""
        names = {}
        for rel in self.posts:
            inner = rel.split("_posts/", 1)[-1]
            names[str(PurePosixPath(inner).with_suffix(""))] = rel
        return names

    @cached_property
    def drafts(self) -> list[str]:
        return [f for f in self._listing("_drafts") if PurePosixPath(f).suffix.lower() in MARKDOWN_SUFFIXES | {".html"}]

    @cached_property
    def tags(self) -> set[str]:
        """Tags that have a tag page (file stems under the tag folders), as written."""
        tags: set[str] = set()
        for folder in self.tag_dirs:
            for f in self._listing(folder):
                if PurePosixPath(f).suffix.lower() in MARKDOWN_SUFFIXES | {".html"}:
                    tags.add(PurePosixPath(f).stem)
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

    def markdown_files(self) -> list[str]:
        """The site's Markdown documents Jekyll would render, site-relative and sorted."""
        skip_tops = {"_includes", "_layouts", "_sass", "_data", "_plugins"}
        result = []
        for rel in self.files:
            if PurePosixPath(rel).suffix.lower() not in MARKDOWN_SUFFIXES:
                continue
            top = rel.split("/", 1)[0] if "/" in rel else ""
            if top in skip_tops:
                continue
            result.append(rel)
        return sorted(result)
