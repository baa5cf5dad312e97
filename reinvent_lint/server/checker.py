"""The language server's one adapter over the library. Everything the server asks of the engine
(the config of a document, the site around it, checking an unsaved buffer, fixes and their
verification, suppression comments) goes through `Checker`, so the engine can be reshaped
behind it. No LSP here: paths, text, `Document` and `Problem`.

Not thread-safe: the server calls it from one worker thread only.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from .. import fixer, pipeline, suppress
from ..config import CONFIG_NAME, Config, ConfigError, load_config
from ..document import Document, ReadError, decode
from ..engine import FileError, Linter, Target
from ..problem import Edit, Problem
from ..rule import Rule
from ..jekyll.site import MARKDOWN_SUFFIXES, Site, find_root

CONFIG_FILES = (CONFIG_NAME, "pyproject.toml")
# Folders whose changes never matter to a check (build output, VCS, tool caches).
IGNORED_DIRS = frozenset({"_site", ".git", ".jekyll-cache", ".sass-cache", "node_modules", ".reinvent-lint-cache"})


_UNSEEN = (-1, -1)


def _state(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


@dataclass
class Outcome:
    """The result of checking one buffer."""

    text: str  # the buffer as the client sent it
    doc: Document | None  # None when the buffer cannot be read as a post
    problems: list[Problem] = field(default_factory=list)
    unreadable: ReadError | None = None  # why the buffer is not a post (invalid UTF-8, NUL)
    # Why the file as saved is not a post, though the editor decoded it (Latin-1, UTF-16...).
    unreadable_on_disk: ReadError | None = None
    internal_errors: list[str] = field(default_factory=list)  # bugs in rules: logged, never shown as problems
    rule_url: str = ""  # the config's [output] rule-url template for rule pages ("" : the shipped pages)


def is_markdown(path: Path) -> bool:
    return path.suffix.lower() in MARKDOWN_SUFFIXES


def is_config(path: Path) -> bool:
    return path.name in CONFIG_FILES


def _server_config(config: Config) -> Config:
    """The config as the server uses it: no network (link verdicts from the cache at most) and no
    style pack (it scans files on disk in a subprocess, not buffers)."""
    links = dict(config.links)
    if links.get("mode") in ("new", "all"):
        links["mode"] = "cached"
    style = {**config.style, "mode": "off"}
    return replace(config, links=MappingProxyType(links), style=MappingProxyType(style))


class Checker:
    def __init__(self, rules: Sequence[Rule] | None = None) -> None:
        if rules is None:
            from ..rules import all_rules

            rules = all_rules()
        self.rules = list(rules)
        self._linters: dict[Path, Linter] = {}  # by folder of the checked file
        self._last_good: dict[Path, Linter] = {}  # by folder: used while the config is broken
        self._sites: dict[Path, Site] = {}  # by site root
        self._site_problems: dict[tuple[Path, int], list[Problem]] = {}  # (root, id(linter))
        self._seen: dict[Path, tuple[int, int] | None] = {}  # changed files: their state when last seen
        self.config_errors: list[str] = []  # broken configs replaced by their last good version

    # ----- configuration and site -------------------------------------------------------
    def linter(self, path: Path) -> Linter:
        """The linter for a file, from the nearest config. When that config is broken, the last
        good version of it stays in force (and `config_errors` says why); with none, ConfigError."""
        folder = path.parent
        found = self._linters.get(folder)
        if found is not None:
            return found
        try:
            config = _server_config(load_config(folder, self.rules))
        except ConfigError as exc:
            previous = self._last_good.get(folder)
            if previous is None:
                raise
            self.config_errors.append(f"{exc} (the previous configuration stays in force)")
            self._linters[folder] = previous
            return previous
        cwd = find_root(folder) or folder
        for existing in self._linters.values():  # one Linter per config file
            if existing.config == config and existing.cwd == cwd.resolve():
                found = existing
                break
        else:
            found = Linter(config, self.rules, cwd)
        self._linters[folder] = self._last_good[folder] = found
        return found

    def site(self, path: Path, linter: Linter) -> Site:
        root = find_root(path)
        if root is None:
            return Site(None)
        root = root.resolve()
        site = self._sites.get(root)
        if site is None:
            tag_dirs = tuple(linter.config.site.get("tag-dirs", ()))
            site = self._sites[root] = Site(root, tag_dirs) if tag_dirs else Site(root)
        return site

    def files_changed(self, paths: Sequence[Path]) -> tuple[bool, set[Path]]:
        """Forget what the changed files invalidate. Returns (a config changed, the site roots
        whose index was dropped, to be rebuilt on the next check). A file already seen in the
        same state is skipped: editors announce one save both as didSave and as a file event."""
        config_changed = False
        roots: set[Path] = set()
        for path in paths:
            real = Path(os.path.realpath(path))
            state = _state(real)
            if self._seen.get(real, _UNSEEN) == state:
                continue
            self._seen[real] = state
            config_changed |= is_config(real)
            for root in self._sites:
                try:
                    inside = real.relative_to(root).parts
                except ValueError:
                    continue
                if inside and not IGNORED_DIRS.intersection(inside[:-1]):
                    roots.add(root)
        if config_changed:
            self._linters.clear()  # re-read on the next check; _last_good keeps the previous
            self._site_problems.clear()
        for root in roots:
            self._sites.pop(root, None)
        self._site_problems = {k: v for k, v in self._site_problems.items() if k[0] not in roots}
        return config_changed, roots

    # ----- checking -----------------------------------------------------------------------
    def check(self, path: Path, text: str) -> Outcome:
        """Check an unsaved buffer as the post at `path`. Raises ConfigError (see `linter`)."""
        linter = self.linter(path)
        site = self.site(path, linter)
        relative = site.relative(path)
        outcome = Outcome(text, None, rule_url=str(linter.config.output.get("rule-url", "")))
        if self._excluded(linter, path):
            return outcome  # the config's `exclude`: no diagnostics, as `check` reports none
        try:
            # The buffer as bytes, read the way the CLI reads a file: lone surrogates (invalid
            # UTF-8 in the editor) and NUL bytes become the CLI's one-line error.
            doc = Document.from_bytes(str(path), text.encode("utf-8", "surrogatepass"), site.kind_of(relative))
        except ReadError as exc:
            outcome.unreadable = exc
            return outcome
        outcome.doc = doc
        outcome.unreadable_on_disk = self._disk_error(path)
        site_wide = None
        if relative is not None and site.root is not None:
            site_wide = [replace(p, path=doc.path) for p in self._site_wide(linter, site, path, relative, outcome)]
        outcome.problems, errors = pipeline.check_buffer(linter, doc, site, relative, site_wide)
        outcome.internal_errors.extend(str(e) for e in errors)
        return outcome

    def _site_wide(self, linter: Linter, site: Site, path: Path, relative: str, outcome: Outcome) -> list[Problem]:
        """Problems of the site-wide rules (duplicate permalinks, titles...) on this file, computed
        from the files on disk once per site index."""
        assert site.root is not None
        key = (site.root, id(linter))
        found = self._site_problems.get(key)
        if found is None:
            target = Target(path, relative, site, relative)
            found, errors, _, _ = linter.site_phase([target], whole_site=True)
            outcome.internal_errors.extend(str(e) for e in errors)
            self._site_problems[key] = found
        # The engine reports them at display paths relative to the linter's folder, the site root.
        return [p for p in found if os.path.normpath(os.path.join(linter.cwd, p.path)) == str(site.root / relative)]

    @staticmethod
    def _disk_error(path: Path) -> ReadError | None:
        try:
            decode(path.read_bytes())
        except ReadError as exc:
            return exc
        except OSError:  # not saved yet, or unreadable: the buffer is what counts
            pass
        return None

    @staticmethod
    def _excluded(linter: Linter, path: Path) -> bool:
        errors: list[FileError] = []
        kept = linter.targets([path], errors)
        return not kept and not errors  # a file not yet on disk is not excluded

    # ----- fixes --------------------------------------------------------------------------
    def fix_is_sound(self, outcome: Outcome, problem: Problem) -> bool:
        """True when applying this one problem's fix passes the fix engine's verification."""
        doc = outcome.doc
        if doc is None or problem.fix is None:
            return False
        chosen, _ = fixer.choose_fixes([problem], doc, unsafe=True)
        if not chosen:
            return False
        fixed = Document(doc.path, fixer.apply_edits(doc.text, problem.fix.edits), kind=doc.kind)
        return fixer.verify(doc, fixed, chosen) is None

    def fix_all(self, path: Path, outcome: Outcome) -> str | None:
        """The buffer's text (as Document text) with every safe fix applied, or None if nothing
        changes or the fix engine refused."""
        doc = outcome.doc
        if doc is None or not any(p.fix for p in outcome.problems):
            return None
        linter = self.linter(path)
        site = self.site(path, linter)
        relative = site.relative(path)
        result = fixer.fix_document(doc, lambda d: linter.check_document(d, site, relative)[0])
        if result.refused or not result.changed:
            return None
        return result.text

    # ----- suppression comments -----------------------------------------------------------
    def line_suppression(self, doc: Document, problem: Problem) -> Edit | None:
        """An edit that suppresses this problem on its line without changing what the page
        renders: `<!-- reinvent-lint disable-next-line CODE -->` on its own line before it, or
        else `<!-- reinvent-lint disable-line CODE -->` at the end of the line; None when neither
        is safe there (front matter, code, Liquid blocks, a heading or table row)."""
        line = problem.line
        if line < 1 or line > doc.line_count or doc.line_start(line) < doc.body_offset:
            return None
        start = doc.line_start(line)
        indent = doc.line_text(line)[: len(doc.line_text(line)) - len(doc.line_text(line).lstrip(" \t"))]
        before = Edit(start, start, f"{indent}<!-- reinvent-lint disable-next-line {problem.code} -->\n")
        if self._insertion_is_safe(doc, before):
            return before
        content = doc.line_text(line).rstrip(" \t\r")
        end = start + len(content)
        if not content.strip() or content.endswith("\\") or line in self._lines_of(doc, ("heading", "table")):
            return None  # a comment there would change a heading's id or add a table cell
        after = Edit(end, end, f" <!-- reinvent-lint disable-line {problem.code} -->")
        return after if self._insertion_is_safe(doc, after) else None

    def file_suppression(self, doc: Document, code: str) -> Edit | None:
        """`<!-- reinvent-lint disable-file CODE -->` on its own line right after the front matter."""
        at = doc.body_offset
        edit = Edit(at, at, f"<!-- reinvent-lint disable-file {code} -->\n")
        return edit if self._insertion_is_safe(doc, edit) else None

    @staticmethod
    def _lines_of(doc: Document, kinds: tuple[str, ...]) -> set[int]:
        return {n for b in doc.blocks if b.kind in kinds for n in range(b.first_line, b.last_line + 1)}

    def _insertion_is_safe(self, doc: Document, edit: Edit) -> bool:
        at = edit.start
        if at < doc.body_offset:
            return False
        if at > 0 and doc.in_code(at - 1) and doc.in_code(at):
            return False
        span = doc.liquid_at(at)
        if span is not None and span.start < at:
            return False
        if any(b.start <= at <= b.end for b in doc.liquid.bodies):
            return False
        new = Document(doc.path, fixer.apply_edits(doc.text, [edit]), kind=doc.kind)

        def shape(d: Document) -> list[tuple[str, int, str]]:
            return [(t.type, t.nesting, t.tag) for t in d.tokens if t.type != "html_block"]

        if shape(doc) != shape(new):
            return False
        found = suppress.parse(new, lambda word: word)
        comment_at = at + len(edit.replacement) - len(edit.replacement.lstrip(" \t"))
        return any(s.start == comment_at for s in found)
