"""Front matter: the YAML block Jekyll reads before rendering a post.

A post without it renders without a layout; a YAML error publishes the post without its front
matter at an unexpected URL; an unparseable date or file-name date fails the build; a future date
keeps the post off the site. What Jekyll does is modelled in jekyll_facts.py and urls.py, and
each consequence a message states is checked against the real Jekyll in
tests/test_jekyll_model.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from ..jekyll import facts
from ..jekyll.front_matter import ScalarPosition
from ..problem import Fix, Problem, Severity
from ..rule import DOCUMENTS, Context, graded, rule
from ..jekyll.site import MARKDOWN_SUFFIXES

_POSTS_AND_DRAFTS = frozenset({"post", "draft"})


@rule("RL101", "front-matter-missing", "Posts need a `---` front-matter block, closed by `---`.",
      severity=Severity.ERROR, kinds=DOCUMENTS)  # fmt: skip
def front_matter_missing(ctx: Context) -> Iterator[Problem]:
    doc = ctx.doc
    rendered = doc.kind in ("post", "draft")  # Jekyll reads every dated _posts file as a post
    if doc.other_front_matter:
        yield graded(ctx.problem(
            0,
            f"front matter is {doc.other_front_matter}; Jekyll reads only YAML between '---' "
            "lines, so this block is rendered as text",
        ), Severity.WARNING)  # fmt: skip
    elif doc.front_matter is None or doc.front_matter.close_line == 0:
        unclosed = doc.front_matter is not None
        what = "front matter is never closed (add a '---' line after the last key)" if unclosed else "no front matter"
        if rendered:
            yield graded(ctx.problem(
                0,
                f"{what}: Jekyll still renders the post, but with no layout of its own "
                "and a title made from the file name",
                end=3 if unclosed else None,
            ), Severity.WARNING)  # fmt: skip
        else:
            yield ctx.problem(
                0,
                f"{what}: Jekyll copies this file as-is instead of rendering it (start the file with a '---' block)",
                end=3 if unclosed else None,
            )


@rule("RL102", "front-matter-syntax", "Front matter must be valid YAML: Jekyll drops it, publishes the post broken.",
      severity=Severity.ERROR)  # fmt: skip
def front_matter_syntax(ctx: Context) -> Iterator[Problem]:
    fm = ctx.doc.front_matter
    if fm and fm.error:
        message, line, column = fm.error
        start = min(ctx.doc.line_start(min(line, ctx.doc.line_count)) + column - 1, len(ctx.doc.text))
        fate = ctx.site.urls.posts.get(ctx.relative) if ctx.doc.kind == "post" and ctx.site.root else None
        if fate is not None:
            consequence = (
                "Jekyll logs an error and publishes the post without its front matter (no title, no layout) "
                f"at {fate.url}, dated the day of the build"
            )
        else:
            consequence = "Jekyll logs an error and renders the file without its front matter (no title, no layout)"
        yield ctx.problem(start, f"invalid front matter: {message}; {consequence}")


@rule("RL103", "duplicate-key", "A key given twice in the front matter: YAML silently keeps the last one.")
def duplicate_key(ctx: Context) -> Iterator[Problem]:
    fm = ctx.doc.front_matter
    if not fm:
        return
    for key, pos in fm.duplicates:
        start = ctx.doc.line_start(pos.line) + pos.column - 1
        if pos.line in fm.same_duplicates:
            yield graded(ctx.problem(
                start, f"key '{key}' is given more than once, with the same value", end=start + len(key)
            ), Severity.INFO)  # fmt: skip
            continue
        yield ctx.problem(
            start, f"key '{key}' is given more than once; only the last value is used", end=start + len(key)
        )


@rule("RL104", "required-field", "Fields every post must have (none by default: `reinvent-lint init` picks them).",
      severity=Severity.WARNING, kinds=_POSTS_AND_DRAFTS, options={"fields": []})  # fmt: skip
def required_field(ctx: Context) -> Iterator[Problem]:
    fm = ctx.doc.front_matter
    if not fm or fm.data is None:
        return
    for name in ctx.options["fields"]:
        if name not in fm.data:
            yield ctx.problem(0, f"front matter has no '{name}'", end=3)


def _is_tag_value(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _title_ok(value: Any) -> bool:
    # An empty title is derived from the file name by Jekyll; a number prints as itself.
    return value is None or isinstance(value, (str, int, float, dt.date))


def _tags_ok(value: Any) -> bool:
    # Jekyll reads an empty value as no tags and prints numbers as text.
    return (
        value is None
        or isinstance(value, (str, int, float))
        or (isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value))
    )


_FIELD_TYPES = {
    "title": (_title_ok, "text"),
    "tags": (_tags_ok, "a string or a list of strings"),
    "categories": (_tags_ok, "a string or a list of strings"),
    "category": (lambda v: v is None or isinstance(v, (str, int, float)), "a string"),
    "published": (lambda v: v is None or isinstance(v, bool), "true or false"),  # empty: RL705
}
_WHY = {"published": "Jekyll treats any value but false as true, an empty one as false"}


@rule("RL105", "field-type", "Known fields must have the type Jekyll expects.", severity=Severity.WARNING)
def field_type(ctx: Context) -> Iterator[Problem]:
    fm = ctx.doc.front_matter
    if not fm or not fm.data:
        return
    for key, (valid, expected) in _FIELD_TYPES.items():
        if key in fm.data and not valid(fm.data[key]):
            pos = fm.keys[key]
            start = ctx.doc.line_start(pos.value_line) + pos.value_column - 1
            shown = repr(fm.data[key]) if fm.data[key] is not None else "empty"
            why = f" ({_WHY[key]})" if key in _WHY else ""
            yield ctx.problem(start, f"'{key}' must be {expected}, not {shown[:60]}{why}")
    if "date" in fm.data and ctx.doc.kind != "page" and facts.date_fails(fm.data["date"]):
        # Jekyll parses the date of posts and collection documents (Document#merge_date!), not pages'.
        pos = fm.keys["date"]
        start = ctx.doc.line_start(pos.value_line) + pos.value_column - 1
        yield graded(ctx.problem(
            start,
            f"'date' is not a date Jekyll can read ({str(fm.data['date'])[:40]!r}): the build fails",
        ), Severity.ERROR)  # fmt: skip


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
            import difflib  # here: only a near-miss suggestion needs it

            close = difflib.get_close_matches(tag.lower(), sorted(by_lower), n=1, cutoff=0.75)
            hint = f"; did you mean '{by_lower[close[0]][0]}'?" if close else " (no tag page for it)"
            yield ctx.problem(begin, f"unknown tag '{tag}'{hint}", end=finish)


def _post_name_date(path: str) -> dt.date | None:
    found = facts.file_date(PurePosixPath(path).name)
    return found.date if found else None


_NOT_POSTS = re.compile(r"^(readme|license|licence|changelog|contributing|index)\b", re.IGNORECASE)


@rule("RL107", "post-filename", "Post files must be named YYYY-MM-DD-slug.md with a date Jekyll can read.",
      severity=Severity.ERROR, kinds=frozenset({"post"}))  # fmt: skip
def post_filename(ctx: Context) -> Iterator[Problem]:
    path = PurePosixPath(ctx.doc.path)
    if path.suffix.lower() not in MARKDOWN_SUFFIXES | ctx.site.markdown_suffixes:
        return
    found = facts.file_date(path.name)
    if found is None:
        if not _NOT_POSTS.match(path.name):
            yield graded(ctx.problem(
                0, f"post file name '{path.name}' does not start with a date (YYYY-MM-DD-): "
                   "Jekyll never reads it as a post",
                end=0,
            ), Severity.WARNING)  # fmt: skip
        return
    fm = ctx.doc.front_matter
    if fm and fm.data and fm.data.get("date"):
        return  # the front-matter date wins; Jekyll does not read the file name's
    if found.date is None:
        yield ctx.problem(
            0,
            f"'{found.written}' in the file name is not a date Jekyll can read: the build fails (invalid date)",
            end=0,
        )
    elif found.rolled:
        yield graded(ctx.problem(
            0,
            f"'{found.written}' in the file name is not a real date: Jekyll publishes "
            f"the post as {found.date.isoformat()}",
            end=0,
        ), Severity.WARNING)  # fmt: skip


@rule("RL108", "date-mismatch", "A `date:` on another day than the file name's: the URL follows the `date:`.",
      severity=Severity.INFO, kinds=frozenset({"post"}))  # fmt: skip
def date_mismatch(ctx: Context) -> Iterator[Problem]:
    fm = ctx.doc.front_matter
    if not fm or not fm.data or "date" not in fm.data:
        return
    name_date = _post_name_date(ctx.doc.path)
    value = facts.parse_date(fm.data["date"], ctx.site.timezone)
    if name_date and value and name_date != value.date():
        pos = fm.keys["date"]
        start = ctx.doc.line_start(pos.value_line) + pos.value_column - 1
        yield ctx.problem(
            start,
            f"date is {value.date().isoformat()} in the site's time zone, the file name says "
            f"{name_date.isoformat()}; Jekyll uses the front-matter date for the URL",
        )


def post_date(ctx: Context) -> tuple[dt.datetime | None, int]:
    """The date Jekyll publishes a post under, and the offset to report it at."""
    fm = ctx.doc.front_matter
    if fm and fm.data and "date" in fm.data:
        value = facts.parse_date(fm.data["date"], ctx.site.timezone)
        if value:
            pos = fm.keys["date"]
            return value, ctx.doc.line_start(pos.value_line) + pos.value_column - 1
    day = _post_name_date(ctx.doc.path)
    return (dt.datetime(day.year, day.month, day.day, tzinfo=ctx.site.timezone) if day else None), 0


@rule("RL109", "future-date", "A post dated in the future is not published until then, unless `future: true`.",
      kinds=frozenset({"post"}))  # fmt: skip
def future_date(ctx: Context) -> Iterator[Problem]:
    if ctx.site.future:
        return  # `future: true`, or GitHub Pages, whose default it is
    date, start = post_date(ctx)
    if date and date > dt.datetime.now(ctx.site.timezone):
        yield ctx.problem(
            start,
            f"dated {date.date().isoformat()}, in the future: Jekyll skips the post in "
            "every build before then ('future' is off)",
        )


@rule("RL110", "unknown-layout", "The `layout` must exist in `_layouts/` (or the theme).", severity=Severity.WARNING)
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
    import difflib  # here: only a near-miss suggestion needs it

    close = difflib.get_close_matches(layout, sorted(site.layouts), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    yield ctx.problem(
        start, f"layout '{layout}' not found in _layouts/: Jekyll renders the page without a layout{hint}"
    )


RULES = [front_matter_missing, front_matter_syntax, duplicate_key, required_field, field_type,
         unknown_tag, post_filename, date_mismatch, future_date, unknown_layout]  # fmt: skip
