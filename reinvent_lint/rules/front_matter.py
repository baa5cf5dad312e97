"""Front matter: the YAML block Jekyll reads before rendering a post.

A post without it is copied raw instead of rendered; a YAML error stops the build; a wrong type
or a date that does not match the filename publishes the post somewhere else, or not at all.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from ..front_matter import ScalarPosition
from ..problem import Fix, Problem, Severity
from ..rule import DOCUMENTS, Context, rule
from ..site import MARKDOWN_SUFFIXES

_POSTS_AND_DRAFTS = frozenset({"post", "draft"})


@rule("RL101", "front-matter-missing", "Posts need a `---` front-matter block, closed by `---`.",
      severity=Severity.ERROR, kinds=DOCUMENTS)  # fmt: skip
def front_matter_missing(ctx: Context) -> Iterator[Problem]:
    doc = ctx.doc
    if doc.other_front_matter:
        yield ctx.problem(
            0,
            f"front matter is {doc.other_front_matter}; Jekyll reads only YAML between '---' lines, so this block is rendered as text",
        )
    elif doc.front_matter is None:
        yield ctx.problem(
            0,
            "no front matter: Jekyll copies this file as-is instead of rendering it (start the file with a '---' block)",
        )
    elif doc.front_matter.close_line == 0:
        yield ctx.problem(0, "front matter is never closed: add a '---' line after the last key", end=3)


@rule("RL102", "front-matter-syntax", "The front matter must be valid YAML: a syntax error stops the build.",
      severity=Severity.ERROR)  # fmt: skip
def front_matter_syntax(ctx: Context) -> Iterator[Problem]:
    fm = ctx.doc.front_matter
    if fm and fm.error:
        message, line, column = fm.error
        start = min(ctx.doc.line_start(min(line, ctx.doc.line_count)) + column - 1, len(ctx.doc.text))
        yield ctx.problem(start, f"invalid front matter: {message}")


@rule("RL103", "duplicate-key", "A key given twice in the front matter: YAML silently keeps the last one.")
def duplicate_key(ctx: Context) -> Iterator[Problem]:
    fm = ctx.doc.front_matter
    if not fm:
        return
    for key, pos in fm.duplicates:
        start = ctx.doc.line_start(pos.line) + pos.column - 1
        yield ctx.problem(
            start, f"key '{key}' is given more than once; only the last value is used", end=start + len(key)
        )


@rule("RL104", "required-field", "Fields every post must have (default: `title`).",
      severity=Severity.ERROR, kinds=_POSTS_AND_DRAFTS, options={"fields": ["title"]})  # fmt: skip
def required_field(ctx: Context) -> Iterator[Problem]:
    fm = ctx.doc.front_matter
    if not fm or fm.data is None:
        return
    for name in ctx.options["fields"]:
        if name not in fm.data:
            yield ctx.problem(0, f"front matter has no '{name}'", end=3)


def _valid_date(value: Any) -> bool:
    if isinstance(value, (dt.date, dt.datetime)):
        return True
    return isinstance(value, str) and _date_from_string(value) is not None


_DATE_STRING = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?\s*$"
)


def _date_from_string(value: str) -> dt.date | None:
    m = _DATE_STRING.match(value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return _date_from_string(value)
    return None


def _is_tag_value(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


_FIELD_TYPES = {
    "title": (lambda v: isinstance(v, str) and v.strip() != "", "a non-empty string"),
    "tags": (_is_tag_value, "a string or a list of strings"),
    "categories": (_is_tag_value, "a string or a list of strings"),
    "category": (lambda v: isinstance(v, str), "a string"),
    "date": (_valid_date, "a date like 2024-12-20 or 2024-12-20 09:30:00 +0000"),
    "published": (lambda v: isinstance(v, bool), "true or false"),
}


@rule("RL105", "field-type", "Known fields must have the type Jekyll expects.", severity=Severity.ERROR)
def field_type(ctx: Context) -> Iterator[Problem]:
    fm = ctx.doc.front_matter
    if not fm or not fm.data:
        return
    for key, (valid, expected) in _FIELD_TYPES.items():
        if key in fm.data and not valid(fm.data[key]):
            pos = fm.keys[key]
            start = ctx.doc.line_start(pos.value_line) + pos.value_column - 1
            shown = repr(fm.data[key]) if fm.data[key] is not None else "empty"
            yield ctx.problem(start, f"'{key}' must be {expected}, not {shown[:60]}")


def _tag_items(fm_scalars: list[ScalarPosition], value: Any) -> Iterator[tuple[str, int, int]]:
    """(tag, start, end) offsets relative to the YAML text; a scalar string is split on spaces
    as Jekyll does."""
    if isinstance(value, str):
        for item in fm_scalars[:1]:
            raw_start = item.start + (1 if item.quoted else 0)
            for m in re.finditer(r"\S+", value):
                # Plain scalars map 1:1 to the source; quoted ones almost always do too.
                yield m.group(), raw_start + m.start(), raw_start + m.end()
    elif isinstance(value, list):
        for item in fm_scalars:
            raw_start = item.start + (1 if item.quoted else 0)
            yield item.value, raw_start, raw_start + len(item.value)


@rule("RL106", "unknown-tag", "Tags must have a tag page (or be in the configured list).",
      fixable=True, kinds=DOCUMENTS, options={"tags": [], "fields": ["tags"]})  # fmt: skip
def unknown_tag(ctx: Context) -> Iterator[Problem]:
    fm = ctx.doc.front_matter
    if not fm or not fm.data:
        return
    known = set(ctx.site.tags) | set(ctx.options["tags"])
    if not known:
        return  # no tag pages and no list: nothing to compare against
    by_lower: dict[str, list[str]] = {}
    for tag in known:
        by_lower.setdefault(tag.lower(), []).append(tag)
    for key in ctx.options["fields"]:
        if key not in fm.data or not _is_tag_value(fm.data[key]):
            continue
        for tag, start, end in _tag_items(fm.scalars.get(key, []), fm.data[key]):
            if tag in known:
                continue
            begin, finish = fm.yaml_start + start, fm.yaml_start + end
            same_case = by_lower.get(tag.lower(), [])
            if len(same_case) == 1 and ctx.doc.text[begin:finish] == tag:
                fix = Fix.replace(
                    begin, finish, same_case[0], description=f"use tag '{same_case[0]}'", edits_protected=True
                )
                yield ctx.problem(begin, f"unknown tag '{tag}'; did you mean '{same_case[0]}'?", end=finish, fix=fix)
                continue
            close = difflib.get_close_matches(tag.lower(), sorted(by_lower), n=1, cutoff=0.75)
            hint = f"; did you mean '{by_lower[close[0]][0]}'?" if close else " (no tag page for it)"
            yield ctx.problem(begin, f"unknown tag '{tag}'{hint}", end=finish)


_POST_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")


def _post_name_date(path: str) -> dt.date | None:
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})-", PurePosixPath(path).name)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


@rule("RL107", "post-filename", "Posts must be named YYYY-MM-DD-slug.md with a real, zero-padded date.",
      severity=Severity.ERROR, kinds=frozenset({"post"}))  # fmt: skip
def post_filename(ctx: Context) -> Iterator[Problem]:
    path = PurePosixPath(ctx.doc.path)
    stem, suffix = path.stem, path.suffix.lower()
    skipped = "Jekyll silently skips it"
    if suffix not in MARKDOWN_SUFFIXES:
        return
    m = _POST_NAME.match(stem)
    if not m:
        yield ctx.problem(0, f"post file name '{path.name}' does not start with YYYY-MM-DD-; {skipped}", end=0)
        return
    year, month, day = m.group(1), m.group(2), m.group(3)
    if len(month) != 2 or len(day) != 2:
        fixed = f"{year}-{int(month):02d}-{int(day):02d}-{m.group(4)}{path.suffix}"
        yield ctx.problem(
            0, f"post date in '{path.name}' is not zero-padded; {skipped} (rename it to '{fixed}')", end=0
        )
        return
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        yield ctx.problem(0, f"'{year}-{month}-{day}' in the file name is not a real date; {skipped}", end=0)


@rule("RL108", "date-mismatch", "A `date:` that disagrees with the file name's date moves the post's URL.",
      kinds=frozenset({"post"}))  # fmt: skip
def date_mismatch(ctx: Context) -> Iterator[Problem]:
    fm = ctx.doc.front_matter
    if not fm or not fm.data or "date" not in fm.data:
        return
    name_date = _post_name_date(ctx.doc.path)
    value_date = _as_date(fm.data["date"])
    if name_date and value_date and name_date != value_date:
        pos = fm.keys["date"]
        start = ctx.doc.line_start(pos.value_line) + pos.value_column - 1
        yield ctx.problem(
            start,
            f"date {value_date.isoformat()} differs from the file name's {name_date.isoformat()}; Jekyll uses the front-matter date for the URL",
        )


def post_date(ctx: Context) -> tuple[dt.date | None, int]:
    """The date Jekyll publishes a post under, and the offset to report it at."""
    fm = ctx.doc.front_matter
    if fm and fm.data and "date" in fm.data:
        value = _as_date(fm.data["date"])
        if value:
            pos = fm.keys["date"]
            return value, ctx.doc.line_start(pos.value_line) + pos.value_column - 1
    return _post_name_date(ctx.doc.path), 0


@rule("RL109", "future-date", "A post dated in the future is silently not published unless `future: true`.",
      kinds=frozenset({"post"}))  # fmt: skip
def future_date(ctx: Context) -> Iterator[Problem]:
    if ctx.site.future:
        return
    date, start = post_date(ctx)
    if date and date > dt.date.today():
        yield ctx.problem(
            start,
            f"dated {date.isoformat()}, in the future: Jekyll will not publish it until then (_config.yml has no 'future: true')",
        )


@rule("RL110", "unknown-layout", "The `layout` must exist in `_layouts/` (or the theme).", severity=Severity.ERROR)
def unknown_layout(ctx: Context) -> Iterator[Problem]:
    fm = ctx.doc.front_matter
    site = ctx.site
    if not fm or not fm.data or site.root is None:
        return
    layout = fm.data.get("layout")
    if not isinstance(layout, str) or layout in ("none", "null", "") or layout in site.layouts:
        return
    if site.config.get("theme") or site.config.get("remote_theme"):
        return  # the theme's layouts are not in the source tree
    pos = fm.keys["layout"]
    start = ctx.doc.line_start(pos.value_line) + pos.value_column - 1
    close = difflib.get_close_matches(layout, sorted(site.layouts), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    yield ctx.problem(start, f"layout '{layout}' not found in _layouts/{hint}")


RULES = [front_matter_missing, front_matter_syntax, duplicate_key, required_field, field_type,
         unknown_tag, post_filename, date_mismatch, future_date, unknown_layout]  # fmt: skip
