"""`reinvent-lint init`: look at a site and write a starter config that fits it."""

from __future__ import annotations

import json
import re
from collections import Counter

import frontmatter

from .jekyll.local_paths import image_includes
from .jekyll.site import Site

# An include template that renders an image from one of its parameters.
_REQUIRED_SHARE = 0.95
# Front-matter fields Jekyll itself reads; others count only when the site's layouts or includes
# read them as `page.NAME` (a theme outside the tree is not read: its fields are not required).
_JEKYLL_FIELDS = {"title", "date", "layout", "categories", "category", "tags", "permalink", "published", "slug"}
_PAGE_FIELD = re.compile(r"\bpage\.([A-Za-z_][\w-]*)")


def used_fields(site: Site) -> set[str]:
    """The fields Jekyll or the site's own templates use."""
    used = set(_JEKYLL_FIELDS)
    if site.root is None:
        return used
    for folder in ("_layouts", "_includes"):
        for rel in site._listing(folder):
            try:
                used.update(_PAGE_FIELD.findall((site.root / rel).read_text(encoding="utf-8", errors="replace")))
            except OSError:
                continue
    return used


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


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are a subset of TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(_toml_string(v) for v in values) + "]"


def starter_config(site: Site) -> str:
    fields, tags, count = _post_fields(site)
    used = used_fields(site)
    required = sorted(f for f, n in fields.items() if count and n / count >= _REQUIRED_SHARE and f in used)
    lines = [
        "# reinvent-lint configuration, written by `reinvent-lint init`.",
        "# Every rule: `reinvent-lint rules`. Rule settings take `enabled`, `severity`, `exclude`",
        "# and the rule's own options, keyed by code or name.",
        "",
        'fail-on = "error"',
        "exclude = []",
        "",
        "[rules.required-field]",
        f"# present in at least {int(_REQUIRED_SHARE * 100)}% of the {count} posts and read by Jekyll or the layouts",
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
    lines += [f"{_toml_string(name)} = {_toml_list(params)}" for name, params in sorted(includes.items())]
    return "\n".join(lines) + "\n"
