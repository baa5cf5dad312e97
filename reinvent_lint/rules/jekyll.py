"""Jekyll build-breakers: what makes the build fail (so the whole site stops updating) or drops
or mangles a post. No Markdown linter, link checker or spell checker sees these: they need to
know Liquid and Jekyll's rules. Each consequence a message states has a case in
tests/test_jekyll_model.py, built with the real Jekyll."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import PurePosixPath

from ..files import read_text_file
from ..document import Document
from ..jekyll.liquid import LiquidSpan
from ..jekyll import facts, publishing
from ..problem import Edit, Fix, Problem, Safety, Severity
from ..jekyll.references import references
from ..lazy_re import lazy
from ..rule import Context, SiteContext, graded, rule
from ..jekyll.site import MARKDOWN_SUFFIXES, POST_NAME
from ..jekyll.urls import draft_for, post_url_problem

_NOT_DRAFTS = frozenset({"post", "collection", "page"})


@rule("RL701", "link-to-draft", "Published documents must not link to drafts: the production build fails.",
      severity=Severity.ERROR, fixable=True, kinds=_NOT_DRAFTS)  # fmt: skip
def link_to_draft(ctx: Context) -> Iterator[Problem]:
    site = ctx.site
    if site.root is None:
        return
    for ref in references(ctx.doc):
        if ref.kind == "liquid-link" and ref.target.lstrip("/").startswith("_drafts/"):
            slug = PurePosixPath(ref.target).stem
            promoted = [p for p in site.posts if (m := POST_NAME.match(PurePosixPath(p).name)) and m.group(4) == slug]
            fix = None
            if len(promoted) == 1:
                fix = Fix.replace(ref.start, ref.end, promoted[0], safety=Safety.UNSAFE,
                                  description=f"link to the published {promoted[0]}", edits_protected=True)  # fmt: skip
            hint = f"; it was published as {promoted[0]}" if len(promoted) == 1 else ""
            yield ctx.problem(
                ref.start,
                f"links to the draft {ref.target}: the build fails (it works only with `jekyll serve --drafts`){hint}",
                end=ref.end,
                fix=fix,
            )
        elif ref.kind == "post-url" and post_url_problem(site, ref.target) == "no such post":
            draft = draft_for(site, ref.target)
            if draft:
                yield ctx.problem(
                    ref.start,
                    f"{{% post_url {ref.target} %}} only matches the draft {draft}: the build "
                    "fails (it works only with --drafts)",
                    end=ref.end,
                )


def _raw_bodies(doc: Document) -> list[tuple[int, int]]:
    return [(b.start, b.end) for b in doc.liquid.bodies if b.name == "raw"]


def _code_block_at(doc: Document, offset: int) -> tuple[str, int, int] | None:
    """("fence"|"code_block"|"highlight"|"span", start, end) of the code holding `offset`."""
    for body in doc.liquid.bodies:
        if body.name == "highlight" and body.start <= offset < body.end:
            return ("highlight", body.start, body.end)
    for start, end in doc.code_spans:
        if start <= offset < end:
            return ("span", start, end)
    for token in doc.tokens:
        if token.type in ("fence", "code_block") and token.map:
            first, last = token.map[0] + 1, token.map[1]
            start, end = doc.line_start(first), doc.line_end(last)
            if start <= offset <= end:
                closed = token.type == "code_block" or doc.line_text(last).strip().startswith(token.markup)
                return (token.type if closed else "unclosed", start, end)
    return None


def _wrap_in_raw(doc: Document, kind: str, start: int, end: int) -> Fix | None:
    if kind == "span" or kind == "highlight":
        edits = (Edit(start, start, "{% raw %}"), Edit(end, end, "{% endraw %}"))
    elif kind in ("fence", "code_block"):
        line = doc.position(start)[0]
        indent = re.match(r"[ \t>]*", doc.line_text(line)).group()  # type: ignore[union-attr]
        if kind == "code_block":
            indent = ""
        edits = (Edit(start, start, f"{indent}{{% raw %}}\n"), Edit(end, end, f"\n{indent}{{% endraw %}}"))
    else:
        return None
    return Fix(edits, Safety.SAFE, "wrap it in {% raw %}...{% endraw %}", edits_protected=True)


# `{{ '{{' }}` and `{{ "{% raw %}" }}`: an output of a literal string is how authors print Liquid
# delimiters on purpose; it renders the string.
_LITERAL_OUTPUT = lazy(r"""^\s*(?:'[^']*'|"[^"]*")\s*(?:\|.*)?$""", re.DOTALL)
# kramdown reads an HTML block from its opening tag to the matching closing tag, blank lines and
# indented lines included; CommonMark ends it at a blank line and may see an indented code block.
_HTML_BLOCK_OPEN = lazy(
    r"^ {0,3}<(div|table|section|article|aside|figure|details|ul|ol|dl|pre|blockquote|form|nav|header|footer"
    r"|center|p)\b[^>]*>",
    re.IGNORECASE | re.MULTILINE,
)


def _kramdown_html_blocks(doc: Document) -> list[tuple[int, int]]:
    """Offsets of block-level HTML elements as kramdown reads them (to the matching close tag)."""
    text = doc.masked
    found: list[tuple[int, int]] = []
    pos = doc.body_offset
    while True:
        m = _HTML_BLOCK_OPEN().search(text, pos)
        if not m:
            return found
        name = m.group(1).lower()
        tags = re.compile(rf"<(/?){name}\b[^>]*>", re.IGNORECASE)
        depth, end = 0, -1
        for t in tags.finditer(text, m.start()):
            depth += -1 if t.group(1) else 1
            if depth == 0:
                end = t.end()
                break
        if end < 0:
            pos = m.end()
            continue
        found.append((m.start(), end))
        pos = end


_VARIABLE = lazy(r"^\s*(page|site)\.([\w-]+)")
_SITE_VARIABLES = {"posts", "pages", "data", "collections", "categories", "tags", "time", "static_files",
                   "html_pages", "documents", "related_posts", "github", "baseurl", "url", "title"}  # fmt: skip
_INCLUDES = {"include", "include_relative", "include_cached"}


def _intentional(span: LiquidSpan, ctx: Context | None = None) -> bool:
    """Liquid in code that is there on purpose: an output of a literal string (the escape idiom),
    an include of a file the site has (a script pulled into a code block), or an output of the
    post's or site's own data (`{{ page.uuid }}` when the front matter has `uuid`)."""
    if span.kind == "output" and _LITERAL_OUTPUT().match(span.markup):
        return True
    if ctx is None:
        return False
    if span.kind == "tag" and span.name in _INCLUDES:
        name = span.markup.split()[0] if span.markup.split() else ""
        if span.name == "include_relative":
            base = PurePosixPath(ctx.relative).parent
            return bool(name) and ctx.site.root is not None and (base / name).as_posix() in ctx.site.files
        return bool(name) and name in ctx.site.includes
    m = _VARIABLE().match(span.markup) if span.kind == "output" else None
    if m:
        data = ctx.doc.front_matter.data if ctx.doc.front_matter and ctx.doc.front_matter.data else {}
        scope = data if m.group(1) == "page" else ctx.site.config
        return m.group(2) in scope or (m.group(1) == "site" and m.group(2) in _SITE_VARIABLES)
    return False


@rule("RL702", "liquid-in-code", "Liquid inside code must be wrapped in `{% raw %}`: Jekyll renders it.",
      severity=Severity.ERROR, fixable=True)  # fmt: skip
def liquid_in_code(ctx: Context) -> Iterator[Problem]:
    doc = ctx.doc
    if not doc.liquid.spans:
        return
    raw = _raw_bodies(doc)
    reported: set[tuple[int, int]] = set()
    html_blocks: list[tuple[int, int]] | None = None
    for span in doc.liquid.spans:
        if span.name in ("raw", "endraw", "highlight", "endhighlight") or span.kind == "comment":
            continue
        if any(a <= span.start < b for a, b in raw) or _intentional(span):
            continue
        inside_highlight = any(b.name == "highlight" and b.start <= span.start < b.end for b in doc.liquid.bodies)
        if not inside_highlight and not doc.in_code(span.start):
            continue
        block = _code_block_at(doc, span.start)
        if block is None or (block[1], block[2]) in reported:
            continue
        # A block that uses {% raw %} shows Liquid as text: whatever is left unwrapped is a slip.
        # Elsewhere an include of the site's file, or the page's or site's own data, is on purpose.
        if _intentional(span, ctx) and not any(
            block[1] <= s.start < block[2] and s.name == "raw" for s in doc.liquid.spans
        ):
            continue
        if block[0] == "code_block":
            html_blocks = _kramdown_html_blocks(doc) if html_blocks is None else html_blocks
            if any(a <= block[1] < b for a, b in html_blocks):
                continue  # indented HTML inside a <div>: kramdown keeps it HTML, not code
        reported.add((block[1], block[2]))
        shown = doc.text[span.start : span.end]
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        where = {"span": "a code span", "highlight": "a highlight block"}.get(block[0], "a code block")
        # A tag that runs past the code would parse differently once wrapped: report it, but
        # leave the repair to the author (RL703 names the syntax error).
        # With broken Liquid anywhere in the post (RL703), new raw tags could pair with it.
        # A tag spanning lines in code (an unclosed `{{` pairing with a later `}}`) hides the
        # block structure from the parser; unwrapped it would parse differently.
        # Wrapping would also turn an escape idiom or a raw tag inside the block into literal text.
        spills = doc.liquid.errors or any(
            s.start < block[2] < s.end
            or (block[1] <= s.start < block[2] and ("\n" in doc.text[s.start : s.end] or _intentional(s, ctx)))
            or (block[1] <= s.start < block[2] and s.name in ("raw", "endraw"))
            for s in doc.liquid.spans
        )
        fix = None if spills else _wrap_in_raw(doc, *block)
        yield ctx.problem(
            span.start,
            f"Liquid '{shown}' in {where} is rendered by Jekyll (emptied or a build error); wrap it in {{% raw %}}",
            end=span.end,
            fix=fix,
        )


_BLOCKS = {"if", "unless", "case", "for", "capture", "tablerow", "highlight"}


@rule("RL703", "liquid-syntax", "Liquid must parse: closed tags, known tags, matched block tags.",
      severity=Severity.ERROR, options={"tags": []})  # fmt: skip
def liquid_syntax(ctx: Context) -> Iterator[Problem]:
    doc = ctx.doc
    scan = doc.liquid
    for error in scan.errors:
        yield ctx.problem(error.offset, error.message + ": the build fails", end=error.offset + 2)
    known = set(ctx.site.liquid_tags) | set(ctx.options["tags"])
    unmodelled = sorted(p for p in ctx.site.plugins if p not in facts.PLUGIN_TAGS and p not in facts.TAGLESS_PLUGINS)
    stack: list[LiquidSpan] = []
    for span in scan.spans:
        # Liquid parses code blocks too: their block tags pair with the rest. Unknown tags in code
        # are liquid-in-code's to report (with its raw fix).
        if span.kind != "tag":
            continue
        in_code = doc.in_code(span.start) and span.name not in ("raw", "endraw")
        name = span.name
        if not name:
            if not in_code:
                yield ctx.problem(span.start, "empty Liquid tag '{% %}': the build fails", end=span.end)
            continue
        ignored = ctx.site.ignored_in_safe_mode(name) if name in known and not in_code else None
        if ignored:
            yield ctx.problem(
                span.start,
                f"Liquid tag '{name}' comes from {ignored}, which safe mode (GitHub Pages, or `safe: true`) "
                "does not load: the build fails",
                end=span.end,
            )
            continue
        if name not in known:
            if in_code:
                continue
            if unmodelled:  # a gem this tool does not know may define it
                yield graded(ctx.problem(
                    span.start,
                    f"unknown Liquid tag '{name}' (unverified: it may come from {', '.join(unmodelled)})",
                    end=span.end,
                ), Severity.INFO)  # fmt: skip
                continue
            yield ctx.problem(
                span.start,
                f"unknown Liquid tag '{name}': not Liquid's, Jekyll's, _plugins/' or a "
                "listed plugin's: the build fails",
                end=span.end,
            )
            continue
        if name in _BLOCKS:
            stack.append(span)
        elif name.startswith("end") and name[3:] in _BLOCKS:
            opener = name[3:]
            if stack and stack[-1].name == opener:
                stack.pop()
            elif any(s.name == opener for s in stack):
                while stack and stack[-1].name != opener:
                    unclosed = stack.pop()
                    yield ctx.problem(
                        unclosed.start,
                        f"'{{% {unclosed.name} %}}' is not closed before '{{% {name} %}}': the build fails",
                        end=unclosed.end,
                    )
                stack.pop()
            else:
                yield ctx.problem(
                    span.start, f"'{{% {name} %}}' without an opening '{{% {opener} %}}': the build fails", end=span.end
                )
    for unclosed in stack:
        yield ctx.problem(
            unclosed.start,
            f"'{{% {unclosed.name} %}}' is never closed by '{{% end{unclosed.name} %}}': the build fails",
            end=unclosed.end,
        )


@rule("RL704", "ignored-post-file", "Files under `_posts/` that Jekyll will not render as Markdown posts.",
      site_wide=True)  # fmt: skip
def ignored_post_file(ctx: SiteContext) -> Iterator[Problem]:
    for rel in sorted(ctx.site.files):
        parts = rel.split("/")
        if "_posts" not in parts[:-1] or parts[-1].startswith("."):
            continue
        suffix = PurePosixPath(rel).suffix.lower()
        if suffix in MARKDOWN_SUFFIXES | ctx.site.markdown_suffixes | {".html"}:
            continue
        if facts.POST_FILE.match(parts[-1]):
            fate = "Jekyll writes it unconverted, not as a rendered post"
        else:
            fate = "Jekyll ignores it (a post needs a dated name and a Markdown extension)"
        yield ctx.problem(rel, 1, 1, f"'{parts[-1]}' in _posts is not Markdown ({suffix or 'no extension'}): {fate}")


@rule("RL705", "unpublished-post", "A post with `published: false` will not appear on the site.",
      severity=Severity.INFO, kinds=frozenset({"post"}))  # fmt: skip
def unpublished_post(ctx: Context) -> Iterator[Problem]:
    fm = ctx.doc.front_matter
    if fm and fm.data and publishing.unpublished_flag(fm.data):
        pos = fm.keys["published"]
        start = ctx.doc.line_start(pos.value_line) + pos.value_column - 1
        given = "false" if fm.data["published"] is False else "empty (Jekyll reads it as false)"
        yield ctx.problem(start, f"published: {given}: Jekyll builds the site without this post")


@rule("RL706", "duplicate-permalink", "Two documents must not be written to the same URL.",
      severity=Severity.ERROR, site_wide=True)  # fmt: skip
def duplicate_permalink(ctx: SiteContext) -> Iterator[Problem]:
    by_url: dict[str, list[str]] = defaultdict(list)
    for rel, url in ctx.site.urls.primary.items():
        by_url[url].append(rel)
    for url, files in sorted(by_url.items()):
        if len(files) > 1:
            files.sort()
            for rel in files:
                others = ", ".join(f for f in files if f != rel)
                yield ctx.problem(
                    rel, 1, 1, f"written to {url}, like {others}: Jekyll logs a conflict and one overwrites the other"
                )


@rule("RL707", "duplicate-title", "Posts with the same title are hard to tell apart in lists and feeds.",
      severity=Severity.INFO, site_wide=True)  # fmt: skip
def duplicate_title(ctx: SiteContext) -> Iterator[Problem]:
    by_title: dict[str, list[str]] = defaultdict(list)
    urls = ctx.site.urls
    for rel in ctx.site.posts:
        title = urls.data.get(rel, {}).get("title")
        if isinstance(title, str) and title.strip():
            by_title[" ".join(title.split()).casefold()].append(rel)
    for files in by_title.values():
        for rel in sorted(files)[1:]:
            yield ctx.problem(rel, 1, 1, f"same title as {sorted(files)[0]}")


_TEXT_SUFFIXES = {
    ".md",
    ".markdown",
    ".html",
    ".htm",
    ".liquid",
    ".scss",
    ".sass",
    ".css",
    ".js",
    ".yml",
    ".yaml",
    ".json",
    ".xml",
    ".txt",
}
_FILE_NAME = lazy(r"[\w.%-]+\.[A-Za-z0-9]{2,5}\b")


@rule("RL708", "unused-asset", "Asset files that no post, page, layout, include or stylesheet refers to.",
      severity=Severity.INFO, site_wide=True, enabled=False,
      options={"folders": ["assets", "images", "img"]})  # fmt: skip
def unused_asset(ctx: SiteContext) -> Iterator[Problem]:
    site = ctx.site
    assert site.root is not None
    folders = tuple(f.strip("/") + "/" for f in ctx.options["folders"])
    assets = sorted(
        f
        for f in site.files
        if f.startswith(folders) and PurePosixPath(f).suffix.lower() not in _TEXT_SUFFIXES - {".txt", ".json", ".xml"}
    )
    if not assets:
        return
    mentioned: set[str] = set()
    for rel in site.files:
        if PurePosixPath(rel).suffix.lower() in _TEXT_SUFFIXES or rel.endswith("_config.yml"):
            try:
                text = read_text_file(site.root / rel)
            except OSError:
                continue
            mentioned.update(m.group() for m in _FILE_NAME().finditer(text))
    unused = [a for a in assets if PurePosixPath(a).name not in mentioned]
    total = 0
    for rel in unused:
        size = (site.root / rel).stat().st_size
        total += size
        yield ctx.problem(rel, 1, 1, f"not referenced anywhere in the site ({size:,} bytes)")
    if unused:
        yield ctx.problem(
            "_config.yml",
            1,
            1,
            f"{len(unused)} unused asset{'s' if len(unused) != 1 else ''} take {total / 1024:,.1f} KiB",
        )


RULES = [link_to_draft, liquid_in_code, liquid_syntax, ignored_post_file, unpublished_post,
         duplicate_permalink, duplicate_title, unused_asset]  # fmt: skip
