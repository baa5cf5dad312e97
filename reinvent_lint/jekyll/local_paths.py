"""What a local link or image path means on the built site: the Liquid idioms themes recommend
(`{{ site.baseurl }}/x`, `{{ '/x' | relative_url }}`, `{{ site.url }}/x`), percent-escapes, the
`baseurl` of a project site, sibling sites on the same domain, and whether something other than
this tree (a build step, another repository, a theme) may provide a file that is not here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from typing import TYPE_CHECKING
from urllib.parse import unquote

from ..lazy_re import lazy

if TYPE_CHECKING:
    from .site import Site

_QUOTED = r"""(?:'([^'{}]*)'|"([^"{}]*)")"""
# `{{ '/x' | relative_url }}`, `{{ "/x" | absolute_url }}`, `{{ '/x' | prepend: site.baseurl }}`
_FILTERED = lazy(r"\{\{-?\s*" + _QUOTED + r"\s*\|\s*(relative_url|absolute_url|prepend:\s*site\.baseurl)\s*-?\}\}")
_SITE_VAR = lazy(r"\{\{-?\s*site\.(baseurl|url)\s*-?\}\}")


def resolve_liquid(target: str, baseurl: str) -> str | None:
    """The root-relative path a target with the usual Liquid idioms renders to, with the
    baseurl included as Jekyll writes it; None when other Liquid remains."""

    def filtered(m: re.Match[str]) -> str:
        path = m.group(1) if m.group(1) is not None else m.group(2) or ""
        if m.group(3) == "prepend: site.baseurl" or m.group(3).startswith("prepend"):
            return baseurl + path
        return baseurl + (path if path.startswith("/") else "/" + path)

    out = _FILTERED().sub(filtered, target)
    out = _SITE_VAR().sub(lambda m: baseurl if m.group(1) == "baseurl" else "\0", out)
    # `{{ site.url }}{{ site.baseurl }}/x` and `{{ site.url }}/x`: a URL on this site's host
    out = out.replace("\0", "", 1) if out.startswith("\0") else out
    if "{" in out or "\0" in out or not out.startswith("/") or out.startswith("//"):
        return None
    return out


def decode_path(path: str) -> str:
    """The file a browser asks for: `%20` is a space in the file name."""
    return unquote(path) if "%" in path else path


# Names that say the repository runs a build step beside Jekyll.
_BUILD_FILES = ("gulpfile.js", "gulpfile.babel.js", "Gruntfile.js", "webpack.config.js", "rollup.config.js")
# What `build_step` reads in a site's folder and in the folder above it (replay.py stamps them).
BUILD_PROBES = (*_BUILD_FILES, "package.json", "Gemfile")
_BUILD_WORDS = lazy(r"\b(gulp|grunt|webpack|imagemin|sharp|responsive|rollup|parcel)\b", re.IGNORECASE)
_ASSET_GEMS = lazy(
    r"jekyll[-_](assets|picture[-_]tag|responsive[-_]image|cloudinary|imagemagick|gulp|postcss|webpack)",
    re.IGNORECASE,
)


def build_step(root: Path, config: Mapping[str, Any]) -> str:
    """Why the site's files may come from a build step or plugin ("" when nothing says so)."""
    exclude = config.get("exclude") or []
    if isinstance(exclude, list):
        for item in exclude:
            if isinstance(item, str) and item.rstrip("/") in (*_BUILD_FILES, "node_modules", "package.json"):
                return f"'{item}' in the exclude list of _config.yml"
    for folder in (root, root.parent):
        for name in _BUILD_FILES:
            if (folder / name).is_file():
                return f"{name} runs a build step"
        package = folder / "package.json"
        if package.is_file():
            text = _read(package)
            if _BUILD_WORDS().search(text):
                return "package.json runs a build step"
        gemfile = folder / "Gemfile"
        if gemfile.is_file():
            m = _ASSET_GEMS().search(_read(gemfile))
            if m:
                return f"the Gemfile uses {m.group()}"
    plugins = config.get("plugins") or config.get("gems") or []
    if isinstance(plugins, list):
        for plugin in plugins:
            if isinstance(plugin, str) and _ASSET_GEMS().search(plugin):
                return f"the plugin {plugin}"
    return ""


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[:200_000]
    except OSError:
        return ""


def asset_provider(config: Mapping[str, Any], path: str, build: str) -> str:
    """Why the file at site path `path` may come from outside the tree, or "". `build` is
    build_step()'s answer for the site."""
    if build:
        return build
    theme = config.get("remote_theme") or config.get("theme")
    if isinstance(theme, str) and theme and path.startswith("assets/"):
        return f"the theme {theme} provides files under /assets/"
    kept = config.get("keep_files") or []
    if isinstance(kept, list):
        for item in kept:
            if isinstance(item, str) and item.strip("/") and path.startswith(item.strip("/") + "/"):
                return f"keep_files keeps '{item}' in the built site"
    return ""


def user_site(root: Path, config: Mapping[str, Any]) -> bool:
    """A site served at the root of its domain that other repositories share: a GitHub Pages
    user or organisation site (`*.github.io`, or a custom domain in CNAME) without a baseurl.
    Its host also serves the owner's project sites at `/<project>/`."""
    if str(config.get("baseurl") or "").strip("/"):
        return False
    url = str(config.get("url") or "")
    return bool(re.match(r"^https?://[\w-]+\.github\.io/?$", url)) or (root / "CNAME").is_file()


# Include templates whose `<img src>` takes its value from an include parameter.
_IMG_PARAM = lazy(r"<img\b[^>]*\bsrc\s*=\s*[\"']?\{\{-?\s*include\.([\w-]+)", re.IGNORECASE)


def image_includes(site: Site) -> dict[str, list[str]]:
    """Include templates (`_includes/*`) whose `<img src>` comes from an include parameter, with those params."""
    found: dict[str, list[str]] = {}
    if site.root is None:
        return found
    for name in site.includes:
        try:
            text = (site.root / "_includes" / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        params = sorted(set(_IMG_PARAM().findall(text)))
        if params:
            found[name] = params
    return found
