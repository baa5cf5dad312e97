"""Whether a reader can see a file at all, and which defects in an unseen file still fail the build.

Jekyll 4.3 (`reader.rb`, `readers/post_reader.rb`, `publisher.rb`, `collection.rb`; Jekyll 3.9
reads the same way):

- `_drafts/` (at the top or beside a `_posts/` in a subfolder) is read only with `--drafts` or
  `show_drafts: true`; otherwise Jekyll never opens its files, so nothing in them can break the
  build or reach a reader.
- A post, page or collection document whose front matter says `published: false` (or gives the
  key no value: `Publisher#can_be_published?` reads `data.fetch("published", true)`, and nil is
  false) is not written unless `unpublished: true`. The string "false" publishes.
- Posts and collection documents are read before they are dropped, so a date Jekyll cannot parse
  (in the front matter or the file name) still stops the build (`Document#read` raises
  InvalidDateError); Liquid, includes and links are not rendered, so their errors do not.

tests/test_drafts.py builds each case with the real Jekyll.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    return bool(data) and "published" in data and data["published"] in (False, None)  # type: ignore[operator]


def unseen(relative: str | None, data: Mapping[str, Any] | None, config: Mapping[str, Any]) -> str | None:
    """Why no reader sees this file ("draft", "unpublished"), or None when the site shows it."""
    if is_draft_path(relative) and not config.get("show_drafts"):
        return "draft"
    if unpublished_flag(data) and not config.get("unpublished"):
        return "unpublished"
    return None


def still_fails_build(reason: str, code: str) -> bool:
    """Whether an error of rule `code` in an unseen file still stops `jekyll build`."""
    return reason == "unpublished" and code in READ_TIME_FAILURES
