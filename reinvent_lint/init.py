"""`reinvent-lint init`: look at a site and write a starter config that fits it."""

from __future__ import annotations

import re
from collections import Counter

import frontmatter

from .site import Site

# An include template that renders an image from one of its parameters.
_IMG_PARAM = re.compile(r"<img\b[^>]*\bsrc\s*=\s*[\"']?\{\{-?\s*include\.([\w-]+)", re.IGNORECASE)
_REQUIRED_SHARE = 0.8


def image_includes(site: Site) -> dict[str, list[str]]:
    """Include templates whose `<img src>` comes from an include parameter, with those params."""
    found: dict[str, list[str]] = {}
    if site.root is None:
        return found
    for name in site.includes:
        try:
            text = (site.root / "_includes" / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        params = sorted(set(_IMG_PARAM.findall(text)))
        if params:
            found[name] = params
    return found


def _post_fields(site: Site) -> tuple[Counter[str], Counter[str], int]:
    fields: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    count = 0
    assert site.root is not None
    for rel in site.posts:
        try:
            data = frontmatter.load(str(site.root / rel)).metadata
        except Exception:
            continue
        if not data:
            continue
        count += 1
        fields.update(data.keys())
        value = data.get("tags")
        tags.update(
            value.split()
            if isinstance(value, str)
            else [t for t in value or [] if isinstance(t, str)]
            if isinstance(value, list)
            else []
        )
    return fields, tags, count


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def starter_config(site: Site) -> str:
    fields, tags, count = _post_fields(site)
    required = sorted(f for f, n in fields.items() if count and n / count >= _REQUIRED_SHARE) or ["title"]
    lines = [
        "# reinvent-lint configuration, written by `reinvent-lint init`.",
        "# Every rule: `reinvent-lint rules`. Rule settings take `enabled`, `severity`, `exclude`",
        "# and the rule's own options, keyed by code or name.",
        "",
        'fail-on = "error"',
        "exclude = []",
        "",
        "[rules.required-field]",
        f"# present in at least {int(_REQUIRED_SHARE * 100)}% of the {count} posts",
        f"fields = {_toml_list(required)}",
        "",
    ]
    if site.tags:
        lines += ["# tags are checked against the tag pages in " + ", ".join(site.tag_dirs), ""]
    elif tags:
        lines += [
            "[rules.unknown-tag]",
            "# no tag pages found: the tags the posts use today",
            f"tags = {_toml_list(sorted(tags))}",
            "",
        ]
    includes = image_includes(site)
    lines += ["[site]", "# include templates that render an <img> from a parameter", "[site.image-includes]"]
    lines += [f'"{name}" = {_toml_list(params)}' for name, params in sorted(includes.items())]
    return "\n".join(lines) + "\n"
