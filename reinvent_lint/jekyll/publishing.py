"""Whether a reader can see a file at all, and which defects in an unseen file still fail the build.

Jekyll 4.3 (`reader.rb`, `readers/post_reader.rb`, `publisher.rb`, `collection.rb`; Jekyll 3.9
reads the same way):

- `_drafts/` (at the top or beside a `_posts/` in a subfolder) is read only with `--drafts` or
  `show_drafts: true`; otherwise Jekyll never opens its files, so nothing in them can break the
  build or reach a reader.
- A post, page or collection document whose front matter says `published: false` (or gives the
  key no value: `Publisher#can_be_published?` reads `data.fetch("published", true)`, and nil is
  false) is not written unless `unpublished: true`. The string "false" publishes.
- A page or collection document without front matter is copied as a static file, not rendered
  (`reader.rb` and `collection.rb` test `Utils.has_yaml_header?`; posts are rendered without it).
  GitHub Pages enables jekyll-optional-front-matter and jekyll-readme-index by default (the
  github-pages gem's DEFAULT_PLUGINS): the first renders such Markdown pages except README,
  LICENSE, LICENCE, COPYING, CODE_OF_CONDUCT, CONTRIBUTING, ISSUE_TEMPLATE and
  PULL_REQUEST_TEMPLATE (unless `require_front_matter: true`); the second renders a README as
  its folder's index when the folder has no index (unless `readme_index: {enabled: false}`).
  Neither plugin is installed here: this follows their documented behaviour, not a build.
- Posts and collection documents are read before they are dropped, so a date Jekyll cannot parse
  (in the front matter or the file name) still stops the build (`Document#read` raises
  InvalidDateError); Liquid, includes and links are not rendered, so their errors do not.

tests/test_drafts.py builds each case with the real Jekyll.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

# Rules whose error means Jekyll stops while *reading* a document (its date), which happens
# before an unpublished document is dropped: RL105 field-type (front-matter date), RL107
# post-filename (file-name date).
READ_TIME_FAILURES = frozenset({"RL105", "RL107"})


def is_draft_path(relative: str | None) -> bool:
    """A file under a `_drafts/` folder (site-relative path)."""
    return bool(relative) and "_drafts" in str(relative).split("/")[:-1]


def unpublished_flag(data: Mapping[str, Any] | None) -> bool:
    """`published: false` (or `published:` with no value) in the front matter."""
    return data is not None and "published" in data and data["published"] in (False, None)


def unseen(relative: str | None, data: Mapping[str, Any] | None, config: Mapping[str, Any]) -> str | None:
    """Why no reader sees this file ("draft", "unpublished"), or None when the site shows it."""
    if is_draft_path(relative) and not config.get("show_drafts"):
        return "draft"
    if unpublished_flag(data) and not config.get("unpublished"):
        return "unpublished"
    return None


# jekyll-optional-front-matter's FILENAME_BLACKLIST (matched on the name without extension, any case).
_NOT_RENDERED_ON_PAGES = frozenset({
    "readme", "license", "licence", "copying", "code_of_conduct", "contributing", "issue_template",
    "pull_request_template",
})  # fmt: skip


def copied_unrendered(relative: str, kind: str, files: frozenset[str], config: Mapping[str, Any], pages: bool) -> bool:
    """Whether a Markdown file without front matter is only copied (no reader sees it as a page).
    `files` are the site's files (site-relative), `pages` whether GitHub Pages builds the site."""
    if kind not in ("page", "collection"):
        return False  # a post is rendered without front matter
    if not pages or kind != "page":
        return True
    name = PurePosixPath(relative)
    stem = name.stem.lower()
    if stem not in _NOT_RENDERED_ON_PAGES:
        return bool(config.get("require_front_matter"))
    if stem == "readme":
        setting = config.get("readme_index")
        enabled = not (isinstance(setting, Mapping) and setting.get("enabled") is False)
        folder = "" if str(name.parent) == "." else f"{name.parent}/"
        has_index = any(f"{folder}index{s}" in files for s in (".html", ".md", ".markdown", ".htm"))
        return not (enabled and not has_index)
    return True


def keeps_severity(reason: str, code: str, error: bool) -> bool:
    """Whether a finding of rule `code` in an unseen file keeps its severity: an error that still
    stops `jekyll build`, or RL101 front-matter-missing, which reports the copying itself."""
    if reason == "copied":
        return code == "RL101"
    return error and reason == "unpublished" and code in READ_TIME_FAILURES
