"""Find the Liquid in a post: tags `{% ... %}`, outputs `{{ ... }}`, and the blocks whose body is
not Markdown prose (`raw`, `comment`, `highlight`).

Jekyll renders Liquid before Markdown, so every rule must know where Liquid is: no prose or
link rule may read inside it, and no fix may edit it by accident.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass

from ..lazy_re import lazy

# Blocks whose body the scanner treats specially.
RAW, COMMENT, HIGHLIGHT = "raw", "comment", "highlight"

# Tags that render no text of their own: on a line alone they leave a blank line.
SILENT_TAGS = frozenset({
    "raw", "endraw", "if", "elsif", "else", "endif", "unless", "endunless", "case", "when", "endcase",
    "for", "endfor", "break", "continue", "assign", "capture", "endcapture", "comment", "endcomment",
    "tablerow", "endtablerow", "liquid", "#",
})  # fmt: skip

_OPEN = re.compile(r"\{[{%]")
_TAG_NAME = re.compile(r"\{%-?\s*([A-Za-z_#][\w-]*)?")


@dataclass(frozen=True)
class LiquidSpan:
    """One tag or output. `kind` is "tag", "output" or "comment" (a whole comment block)."""

    start: int
    end: int
    kind: str
    name: str  # tag name ("link", "include", "raw", ...); "" for outputs
    markup: str  # what stands between the name and the closing delimiter, stripped

    @property
    def text_range(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass(frozen=True)
class LiquidBlockBody:
    """The body of a raw or highlight block: `start`..`end` between the tags."""

    name: str
    start: int
    end: int
    markup: str  # the opening tag's markup (e.g. the highlight language)


@dataclass(frozen=True)
class LiquidError:
    offset: int
    message: str


@dataclass
class LiquidScan:
    spans: list[LiquidSpan]
    bodies: list[LiquidBlockBody]
    errors: list[LiquidError]


def _closing(text: str, opener: str, start: int, absent: dict[str, int] | None = None) -> int:
    """Offset just past the delimiter closing the tag/output opened at `start`, or -1.
    `absent` remembers, per delimiter, an offset after which it does not occur, so that many
    unclosed openers cost one search, not one each (linear, not quadratic)."""
    close = "%}" if opener == "{%" else "}}"
    if absent is not None and start + 2 >= absent.get(close, len(text) + 1):
        return -1
    end = text.find(close, start + 2)
    if end < 0 and absent is not None:
        absent[close] = start + 2
    return -1 if end < 0 else end + 2


def _search_after(pattern: re.Pattern[str], text: str, pos: int, absent: dict[str, int]) -> re.Match[str] | None:
    """pattern.search(text, pos), remembering where it failed (see `_closing`)."""
    if pos >= absent.get(pattern.pattern, len(text) + 1):
        return None
    found = pattern.search(text, pos)
    if found is None:
        absent[pattern.pattern] = pos
    return found


def _end_tag(name: str) -> re.Pattern[str]:
    return re.compile(r"\{%-?\s*end" + name + r"\s*-?%\}")


_END_RAW = _end_tag(RAW)
_END_COMMENT = _end_tag(COMMENT)
_END_HIGHLIGHT = _end_tag(HIGHLIGHT)


def scan(text: str, start: int = 0) -> LiquidScan:
    """Locate every Liquid span in text[start:]. Linear in the length of the text."""
    spans: list[LiquidSpan] = []
    bodies: list[LiquidBlockBody] = []
    errors: list[LiquidError] = []
    pos = start
    n = len(text)
    absent: dict[str, int] = {}  # where a closing delimiter or end tag no longer occurs
    while pos < n:
        m = _OPEN.search(text, pos)
        if not m:
            break
        at = m.start()
        opener = m.group()
        end = _closing(text, opener, at, absent)
        if end < 0:
            what = "tag '{%'" if opener == "{%" else "output '{{'"
            errors.append(LiquidError(at, f"unclosed Liquid {what}"))
            pos = at + 2
            continue
        if opener == "{{":
            # Liquid's tokenizer ends an output at its first `}` (`\{\{.*?\}\}?`): unless a second
            # `}` follows, the output is "not properly terminated" and the build fails.
            first = text.find("}", at + 2)
            if text[first + 1 : first + 2] != "}":
                errors.append(
                    LiquidError(at, "Liquid output '{{' is ended by a single '}' (Liquid stops at the first '}')")
                )
                pos = first + 1
                continue
            end = first + 2
            spans.append(LiquidSpan(at, end, "output", "", text[at + 2 : end - 2].strip(" -\t\n")))
            pos = end
            continue
        name_match = _TAG_NAME.match(text, at)
        name = (name_match.group(1) or "") if name_match else ""
        markup = text[name_match.end() if name_match else at + 2 : end - 2].strip(" -\t\n")
        if name == COMMENT:
            close = _search_after(_END_COMMENT, text, end, absent)
            if not close:
                errors.append(LiquidError(at, "'{% comment %}' is never closed by '{% endcomment %}'"))
                spans.append(LiquidSpan(at, end, "tag", name, markup))
                pos = end
                continue
            spans.append(LiquidSpan(at, close.end(), "comment", name, markup))
            pos = close.end()
            continue
        spans.append(LiquidSpan(at, end, "tag", name, markup))
        if name in (RAW, HIGHLIGHT):
            closer = _END_RAW if name == RAW else _END_HIGHLIGHT
            close = _search_after(closer, text, end, absent)
            if not close:
                errors.append(LiquidError(at, f"'{{% {name} %}}' is never closed by '{{% end{name} %}}'"))
                pos = end
                continue
            bodies.append(LiquidBlockBody(name, end, close.start(), markup))
            if name == RAW:
                # A raw body is literal text to Liquid: nothing inside it is a span.
                spans.append(LiquidSpan(close.start(), close.end(), "tag", "end" + name, ""))
                pos = close.end()
                continue
        pos = end
    spans.sort(key=lambda s: s.start)
    return LiquidScan(spans, bodies, errors)


_PARAM = lazy(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")


@dataclass(frozen=True)
class IncludeParam:
    name: str
    value: str
    value_start: int  # offset in the document text
    value_end: int
    quoted: bool


def include_params(text: str, span: LiquidSpan) -> tuple[str, list[IncludeParam]]:
    """The template name and parameters of an `{% include name key="value" %}` span."""
    inner_start = text.index("include", span.start) + len("include")
    inner = text[inner_start : span.end - 2]
    stripped = inner.lstrip()
    lead = len(inner) - len(stripped)
    template = stripped.split(None, 1)[0] if stripped.strip() else ""
    params: list[IncludeParam] = []
    rest_at = inner_start + lead + len(template)
    for m in _PARAM().finditer(text, rest_at, span.end - 2):
        group = 2 if m.group(2) is not None else 3 if m.group(3) is not None else 4
        params.append(IncludeParam(m.group(1), m.group(group), m.start(group), m.end(group), group != 4))
    return template, params


def paired_bodies(spans: list[LiquidSpan], leave_out: Container[str]) -> list[tuple[int, int]]:
    """(start, end) of the body of every `{% X %}` ... `{% endX %}` pair, for tag names X not in
    `leave_out`, sorted (a plugin's block tag: `{% notice %}` ... `{% endnotice %}`)."""
    ranges: list[tuple[int, int]] = []
    open_at: dict[str, list[int]] = {}
    for span in spans:
        name = span.name
        if span.kind != "tag" or not name:
            continue
        if name.startswith("end") and open_at.get(name[3:]):
            ranges.append((open_at[name[3:]].pop(), span.start))
        elif name not in leave_out:
            open_at.setdefault(name, []).append(span.end)
    return sorted(ranges)
