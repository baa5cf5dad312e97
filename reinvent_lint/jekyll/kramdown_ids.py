"""The ids kramdown gives a post's headings, as Jekyll builds them (GitHub Pages' parser).

kramdown-parser-gfm (`generate_gfm_header_id`) builds an id from the *rendered* text of a heading:
the text of links, emphasis, inline code, HTML elements and entities counts; images, footnote
markers and HTML tags do not; `--` and `---` become dashes (and then vanish, as every character
that is not a word character, `-`, space or tab does); spaces and tabs become `-`; a repeated id
gets `-1`, `-2`, ... (counted per id, so a third "A" after "A-1" gives a second `a-1`). An id set
with `{#id}` at the end of the heading or a `{: #id}` line next to it replaces the generated one
and does not count. With `kramdown: input: kramdown`, the older generator runs on the raw text.
Jekyll renders Liquid first: `{{ page.title }}` and `{{ site.x }}` are read from the front matter
and `_config.yml`; another Liquid value matches any text.

Besides headings, a page can be scrolled to any `id=` attribute, `<a name=...>`, the footnote
anchors kramdown emits (`fn:NAME`, `fnref:NAME`, `fnref:NAME:N`) and ids from included files.
Verified against real Jekyll in tests/test_kramdown_ids.py.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..document import Document, Heading
from ..lazy_re import lazy
from ..markdown import link_destination

UNKNOWN = "\ue000"  # stands for a Liquid value this model cannot know
_ESCAPABLE = frozenset("\\.*_+`<>()[]{}#!:|\"'$=-~")  # kramdown-parser-gfm's ESCAPED_CHARS_GFM
_HEADER_ID = lazy(r"[\t ]\{#([A-Za-z_:][\w.:-]*)\}$")
_IAL_ID = lazy(r"^ {0,3}\{:\s*(?:[^}#]*\s)?#([A-Za-z_:][\w.:-]*)[^}]*\}\s*$")
_IAL_LINE = lazy(r"^ {0,3}\{:[^}]*\}\s*$")
_HTML_TAG = lazy(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>|<!--.*?-->", re.DOTALL)
_AUTOLINK = lazy(r"<((?:[A-Za-z][\w+.-]*:|mailto:)[^\s<>]+|[\w.+-]+@[\w.-]+)>")
_ENTITY = lazy(r"&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#[xX][0-9A-Fa-f]+);")
_FOOTNOTE_MARKER = lazy(r"\[\^([^\]\s]+)\]")
_FOOTNOTE_DEF = lazy(r"^ {0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)
_REF_DEF = lazy(r"^ {0,3}\[([^\]\n^][^\]\n]*)\]:", re.MULTILINE)
_ID_ATTR = lazy(r"<[A-Za-z][^<>]*?\s(?:id|name)\s*=\s*(?:\"([^\"]+)\"|'([^']+)'|([^\s\"'=<>`]+))")
_LIQUID_VAR = lazy(r"^\{\{-?\s*(page|site)\.([\w.-]+)\s*-?\}\}$")


def _is_word(ch: str) -> bool:
    """Ruby's \\p{Word}: letters, marks, decimal digits, connector punctuation (and Nl)."""
    if ch == UNKNOWN:
        return True
    category = unicodedata.category(ch)
    return category[0] in "LM" or category in ("Nd", "Pc", "Nl")


# What gfm_slug drops of ASCII text, lowered: everything but word characters, `-`, space and tab.
_ASCII_DROPPED = re.compile(r"[^a-z0-9_\- \t]+")


def gfm_slug(text: str) -> str:
    """generate_gfm_header_id without the duplicate counter."""
    lowered = text.lower()
    if lowered.isascii():  # most headings: one substitution instead of a look-up per character
        kept = _ASCII_DROPPED.sub("", lowered)
    else:
        kept = "".join(ch for ch in lowered if ch in "- \t" or _is_word(ch))
    return kept.replace(" ", "-").replace("\t", "-")


def basic_slug(text: str) -> str:
    """kramdown's own generator (input: kramdown): ASCII letters, digits, spaces and `-` only."""
    text = re.sub(r"^[^a-zA-Z]+", "", text)
    return re.sub(r"[^a-zA-Z0-9 -]", "", text).replace(" ", "-").lower()


def _normal_label(label: str) -> str:
    return " ".join(label.split()).lower()


def _typographic(text: str) -> str:
    """kramdown turns `---` and `--` into dashes; they carry no word characters."""
    return re.sub(r"-{2,}", lambda m: "-" if len(m.group()) % 3 == 1 else "", text)


class _Spans:
    """kramdown's span parser, reduced to what decides the text of a heading."""

    def __init__(self, src: str, links: Container[str], notes: Container[str]) -> None:
        self.src = src
        self.links = links
        self.notes = notes

    def text(self) -> str:
        return self._parse(0, None, ())[0]

    def _parse(self, i: int, stop: str | None, inside: tuple[str, ...]) -> tuple[str, int, bool]:
        src = self.src
        out: list[str] = []
        raw: list[str] = []

        def flush() -> None:
            if raw:
                out.append(_typographic("".join(raw)))
                raw.clear()

        while i < len(src):
            ch = src[i]
            if stop is not None and src.startswith(stop, i) and self._closes(i, stop, inside, out, raw):
                flush()
                return "".join(out), i + len(stop), True
            if ch == "\\" and i + 1 < len(src) and src[i + 1] in _ESCAPABLE:
                flush()
                out.append(src[i + 1])
                i += 2
            elif ch == "`":
                flush()
                text, i = self._codespan(i)
                out.append(text)
            elif ch == "<":
                flush()
                m = _AUTOLINK().match(src, i) or _HTML_TAG().match(src, i)
                if m is None:
                    raw.append(ch)
                    i += 1
                else:
                    # kramdown's parse_autolink: the text is the address without `mailto:`
                    out.append(re.sub(r"^mailto:", "", m.group(1)) if m.re is _AUTOLINK() else "")
                    i = m.end()
            elif ch == "&" and (m := _ENTITY().match(src, i)):
                flush()
                import html  # here: only an entity in a heading needs it (html.entities, ~1 ms to import)

                out.append(html.unescape(m.group()))
                i = m.end()
            elif ch == "[" or (ch == "!" and src.startswith("[", i + 1)):
                flush()
                text, i = self._link(i, inside)
                out.append(text)
            elif ch == "_" and (opened := self._emphasis(i, inside)) is not None:
                flush()
                text, i = opened
                out.append(text)
            else:
                raw.append(ch)
                i += 1
        flush()
        return "".join(out), i, False

    def _closes(self, i: int, delim: str, inside: tuple[str, ...], out: list[str], raw: list[str]) -> bool:
        if delim == "]":
            return True
        src = self.src
        if i == 0 or src[i - 1].isspace() or not (out or raw):
            return False
        if len(delim) == 1 and re.match(r"__(?!_)", src[i:]):
            return False
        return not (i + len(delim) < len(src) and src[i + len(delim)].isalnum())

    def _codespan(self, i: int) -> tuple[str, int]:
        src = self.src
        run = re.match(r"`+", src[i:])
        assert run is not None
        delim = run.group()
        after = i + len(delim)
        if len(delim) == 1 and (i == 0 or src[i - 1].isspace()) and after < len(src) and src[after].isspace():
            return delim, after
        close = src.find(delim, after)
        if close < 0:
            return delim, after
        value = src[after:close]
        if len(delim) > 1:
            value = value[1:] if value.startswith(" ") else value
            value = value[:-1] if value.endswith(" ") else value
        return value, close + len(delim)

    def _emphasis(self, i: int, inside: tuple[str, ...]) -> tuple[str, int] | None:
        src = self.src
        delim = "__" if src.startswith("__", i) else "_"
        if re.search(r"[^\W\d_]-?[^\W\d_]*$", src[:i]) or src[i + len(delim) : i + len(delim) + 1].isspace():
            return None
        if src.startswith("___", i):
            delim = "__"
        for candidate in (delim, "_") if delim == "__" else (delim,):
            if candidate in inside:
                continue
            start = i + len(candidate) + (1 if candidate == "_" and delim == "__" else 0)
            text, end, found = self._parse(start, candidate, (*inside, candidate))
            if found and end > start + len(candidate):
                prefix = "_" if candidate == "_" and delim == "__" else ""
                return prefix + text, end
        return None

    def _link(self, i: int, inside: tuple[str, ...]) -> tuple[str, int]:
        src = self.src
        image = src[i] == "!"
        start = i + (2 if image else 1)
        if not image and src.startswith("^", start):
            m = _FOOTNOTE_MARKER().match(src, i)
            if m and m.group(1) in self.notes:
                return "", m.end()
            return "[", i + 1
        if not image and "a" in inside:
            return "[", i + 1
        text, end, found = self._parse(start, "]", (*inside, "a"))
        literal = src[i:start]
        if not found:
            return literal, start
        label = src[start : end - 1]
        rest = src[end:]
        ref = re.match(r"\s*?\[([^\]]+)?\]", rest)
        if ref or not rest.startswith("("):
            name = (ref.group(1) if ref and ref.group(1) else None) or label
            if _normal_label(name) in self.links:
                return ("" if image else text), end + (ref.end() if ref else 0)
            return literal, start
        close = _paren_end(src, end)
        if close < 0:
            return literal, start
        return ("" if image else text), close


def _paren_end(src: str, at: int) -> int:
    """Offset after the `)` closing kramdown's inline link destination at `src[at] == "("`."""
    found = link_destination(src, at + 1, len(src))
    return found[2] if found else -1


def heading_text(raw: str, links: Container[str] = (), notes: Container[str] = ()) -> str:
    """The text kramdown-parser-gfm collects from a heading's source for its id."""
    return _Spans(raw, links, notes).text()


@dataclass(frozen=True)
class Targets:
    """What `#fragment` can point at in one page: exact ids, and patterns for ids with Liquid."""

    ids: frozenset[str]
    patterns: tuple[re.Pattern[str], ...] = field(default=())

    def __contains__(self, fragment: object) -> bool:
        if not isinstance(fragment, str):
            return False
        return fragment in self.ids or any(p.fullmatch(fragment) for p in self.patterns)

    def names(self) -> list[str]:
        """Ids that certainly exist, for "did you mean"."""
        return sorted(self.ids)


def _liquid_value(markup: str, front: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    m = _LIQUID_VAR().match(markup)
    if not m:
        return UNKNOWN
    value: Any = front if m.group(1) == "page" else config
    for key in m.group(2).split("."):
        value = value.get(key) if isinstance(value, Mapping) else None
    return str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else UNKNOWN


def _with_liquid(doc: Document, start: int, end: int, config: Mapping[str, Any]) -> str:
    """doc.text[start:end] with Liquid replaced by its value where known, else by UNKNOWN."""
    front = doc.front_matter.data if doc.front_matter and isinstance(doc.front_matter.data, dict) else {}
    parts, cursor = [], start
    for span in doc.liquid.spans:
        if span.end <= start or span.start >= end:
            continue
        parts.append(doc.text[cursor : span.start])
        parts.append(_liquid_value(doc.text[span.start : span.end], front, config) if span.kind == "output" else "")
        if span.kind == "tag" and span.name not in ("raw", "endraw", "comment", "endcomment"):
            parts[-1] = UNKNOWN
        cursor = span.end
    parts.append(doc.text[cursor:end])
    return "".join(parts)


def _explicit_id(doc: Document, line: int, raw: str) -> str | None:
    m = _HEADER_ID().search(raw)
    if m:
        return m.group(1)
    for step in (1, -1):  # the block IALs right after the heading, then those right before it
        neighbour = line + step
        while 1 <= neighbour <= doc.line_count and _IAL_LINE().match(doc.line_text(neighbour)):
            ial = _IAL_ID().match(doc.line_text(neighbour))
            if ial:
                return ial.group(1)
            neighbour += step
    return None


def kramdown_options(config: Mapping[str, Any]) -> tuple[bool, str, bool]:
    """(auto_ids, auto_id_prefix, gfm) from `_config.yml`, with Jekyll's defaults."""
    options = config.get("kramdown") if isinstance(config.get("kramdown"), Mapping) else {}
    assert isinstance(options, Mapping)
    auto = options.get("auto_ids", True) is not False
    prefix = str(options.get("auto_id_prefix") or "")
    gfm = str(options.get("input", "GFM")).lower() != "kramdown"
    return auto, prefix, gfm


def kramdown_headings(doc: Document) -> list[Heading]:
    """`doc.headings` without the setext headings kramdown does not make: kramdown reads
    `Text` + `---` as a heading only for one line of text right after a block boundary (a blank
    line, the start, an IAL); after a longer paragraph the `---` is paragraph text (an em dash)."""
    masked = doc.masked
    kept = []
    for h in doc.headings:
        if not h.atx:
            line = doc.position(h.text_start)[0]
            last = doc.position(h.text_end)[0]
            # Block IAL lines (`{: .x}`) before the text are kramdown's, not the heading's.
            while line < last and _IAL_LINE().match(doc.line_text(line)):
                line += 1
            if last != line:
                continue
            if line != h.line:
                start = doc.line_start(line)
                h = dataclasses.replace(h, line=line, start=start, text_start=start)
            if line > doc.body_line:
                before = masked[doc.line_start(line - 1) : doc.line_end(line - 1)].lstrip(" >")
                if before.strip() and not before.startswith("{:"):
                    continue
        kept.append(h)
    return kept


def heading_ids(doc: Document, config: Mapping[str, Any] | None = None) -> list[str]:
    """The id of each of kramdown_headings(doc), in order ("" for none); UNKNOWN marks Liquid
    values."""
    config = config or {}
    auto, prefix, gfm = kramdown_options(config)
    body = doc.masked
    # The labels of the definitions and notes decide only the text of links (`[`): read when a
    # heading has one (a pattern anchored at every line start costs ~10 ms a MB).
    links: set[str] | None = None
    notes: set[str] = set()
    result: list[str] = []
    counter: dict[str, int] = {}
    for h in kramdown_headings(doc):
        raw = _with_liquid(doc, h.text_start, h.text_end, config)
        explicit = _explicit_id(doc, h.line, raw)
        if explicit or not auto:
            result.append(explicit or "")
            continue
        raw = _HEADER_ID().sub("", raw).rstrip()
        if links is None and "[" in raw:
            links = {_normal_label(m.group(1)) for m in _REF_DEF().finditer(body)}
            notes = _footnote_names(body)
        slug = gfm_slug(heading_text(raw, links or (), notes)) if gfm else basic_slug(raw) or "section"
        seen = counter.get(slug, -1) + 1
        counter[slug] = seen
        result.append(prefix + (slug if seen == 0 else f"{slug}-{seen}") if slug or seen else "")
    return result


def targets(doc: Document, config: Mapping[str, Any] | None = None, extra_ids: frozenset[str] = frozenset()) -> Targets:
    """Every fragment target of `doc` as Jekyll renders it with this `_config.yml`."""
    ids: set[str] = set(extra_ids)
    patterns: list[re.Pattern[str]] = []
    for slug in heading_ids(doc, config):
        if UNKNOWN in slug:
            patterns.append(re.compile(".*".join(re.escape(p) for p in slug.split(UNKNOWN)), re.DOTALL))
        elif slug:
            ids.add(slug)
    body = doc.masked
    notes = _footnote_names(body)
    ids.update(html_ids(doc.text))
    for m in re.finditer(r"\{:\s*(?:[^}#\n]*\s)?#([A-Za-z_:][\w.:-]*)", doc.text):
        ids.add(m.group(1))
    if notes:
        ids.update(footnote_ids(body, notes))
    return Targets(frozenset(ids), tuple(patterns))


def _footnote_names(body: str) -> set[str]:
    """The names of the footnote definitions (`[^name]:` at a line start)."""
    return {m.group(1) for m in _FOOTNOTE_DEF().finditer(body)} if "[^" in body else set()


def html_ids(text: str) -> set[str]:
    """`id=` attributes of any element and `name=` of anchors: the browser scrolls to both."""
    found = set()
    for m in _ID_ATTR().finditer(text):
        value = next(g for g in m.groups() if g is not None)
        if "{" not in value:
            found.add(value)
    return found


def footnote_ids(body: str, notes: Container[str]) -> set[str]:
    """The anchors kramdown writes for footnotes: `fn:x` on the note, `fnref:x` (then `fnref:x:1`,
    ...) on each marker. Only notes that are referenced are rendered."""
    found: set[str] = set()
    uses: dict[str, int] = {}
    for m in _FOOTNOTE_MARKER().finditer(body):
        name = m.group(1)
        if name not in notes or body.startswith(":", m.end()):
            continue
        count = uses.get(name, 0)
        uses[name] = count + 1
        found.add(f"fnref:{name}" + (f":{count}" if count else ""))
        found.add(f"fn:{name}")
    return found
