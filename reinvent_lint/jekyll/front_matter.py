"""Split a post's front matter off and read it with exact positions.

The block boundaries follow Jekyll's own rule (a first line `---`, closed by `---` or `...`),
which differs from python-frontmatter's; PyYAML composes the YAML once, which gives the line of
every key and the duplicates YAML would silently drop, and the data is constructed from that
same node tree, so the YAML is parsed once.
"""

from __future__ import annotations

import marshal
import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml


@cache
def _loader_class() -> Any:
    """Safe loading, but an impossible date (`2024-13-01`) stays a string for the rules to judge.
    Built on first use: a run whose posts all come from the result cache never imports PyYAML."""
    try:
        from yaml import CSafeLoader as base
    except ImportError:  # pragma: no cover - PyYAML without libyaml
        from yaml import SafeLoader as base  # type: ignore[assignment]

    class _Loader(base):
        def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> object:  # type: ignore[override]
            try:
                return super().construct_yaml_timestamp(node)
            except ValueError:
                return self.construct_scalar(node)

    _Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
    return _Loader


_OPEN = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_TOML = re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE)
# An alias bomb ("billion laughs") is cheap to compose but explodes when walked or printed;
# refuse front matter whose expanded size is over this many nodes.
MAX_EXPANDED_NODES = 100_000


@dataclass(frozen=True)
class KeyPosition:
    line: int  # 1-based, in the file
    column: int
    value_line: int
    value_column: int


@dataclass(frozen=True)
class ScalarPosition:
    """A scalar value in the front matter (a tag, a title) with its offsets in the YAML text."""

    value: str
    start: int  # offsets relative to FrontMatter.yaml_start
    end: int
    quoted: bool


@dataclass
class FrontMatter:
    """The front-matter block. Lines are 1-based file lines of the `---` delimiters."""

    open_line: int
    close_line: int  # 0 when the block is never closed
    yaml_start: int  # offset of the YAML text in the document
    yaml_end: int
    body_offset: int  # offset where the Markdown body starts
    data: dict[str, Any] | None = None
    keys: dict[str, KeyPosition] = field(default_factory=dict)
    duplicates: list[tuple[str, KeyPosition]] = field(default_factory=list)
    same_duplicates: set[int] = field(default_factory=set)  # lines of duplicates repeating the same scalar
    scalars: dict[str, list[ScalarPosition]] = field(default_factory=dict)  # scalar or list-of-scalar values
    error: tuple[str, int, int] | None = None  # message, line, column (1-based, in the file)


def detect_other_format(text: str) -> str | None:
    """'TOML' or 'JSON' when the post starts with front matter Jekyll cannot read."""
    if _TOML.match(text):
        return "TOML"
    if text.startswith("{\n") and re.search(r"^}[ \t]*$", text, re.MULTILINE):
        return "JSON"
    return None


# Front matter that the site's URL table read (`split(..., hand_on=True)`), by its YAML text,
# for the post's own read (`Document`): a cold run otherwise parses each post's YAML twice, for
# the table before the workers fork and again in them (issue 18). What `_load` made of it is
# taken once, so no two `FrontMatter`s share its data; the table keeps none of it (urls.py
# copies the few values it reads).
_HANDED: dict[str, tuple[Any, ...]] = {}


def split(text: str, *, hand_on: bool = False) -> FrontMatter | None:
    """Find the front-matter block at the very start of `text` (already without BOM).
    `hand_on`: keep what the YAML gave for the next split of the same front matter."""
    first = text.split("\n", 1)[0]
    if not _OPEN.fullmatch(first):
        return None
    yaml_start = len(first) + 1 if "\n" in text else len(text)
    close = _CLOSE.search(text, yaml_start) if yaml_start <= len(text) else None
    if not close:
        return FrontMatter(1, 0, yaml_start, len(text), len(text))
    close_line = text.count("\n", 0, close.start()) + 1
    nl = text.find("\n", close.end())
    body = len(text) if nl < 0 else nl + 1
    fm = FrontMatter(1, close_line, yaml_start, close.start(), body)
    source = text[yaml_start : close.start()]
    handed = _HANDED.pop(source, None) if _HANDED else None
    if handed is not None:
        fm.data, fm.keys, fm.duplicates, fm.same_duplicates, fm.scalars, fm.error = handed
        return fm
    _load(fm, source, line_offset=1)
    if hand_on:
        keep_handed({source: (fm.data, fm.keys, fm.duplicates, fm.same_duplicates, fm.scalars, fm.error)})
    return fm


def keep_handed(handed: dict[str, tuple[Any, ...]]) -> None:
    """Keep what the YAML gave of each front matter (by its YAML text) for its next `split`."""
    if len(_HANDED) + len(handed) > 4096:  # a long-lived process (the language server) keeps no more
        _HANDED.clear()
    _HANDED.update(handed)


def _position(node: yaml.Node, value: yaml.Node, line_offset: int) -> KeyPosition:
    return KeyPosition(
        node.start_mark.line + 1 + line_offset,
        node.start_mark.column + 1,
        value.start_mark.line + 1 + line_offset,
        value.start_mark.column + 1,
    )


def _scalars(node: yaml.Node) -> list[ScalarPosition]:
    import yaml

    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    return [
        ScalarPosition(item.value, item.start_mark.index, item.end_mark.index, item.style in ("'", '"'))
        for item in items
        if isinstance(item, yaml.ScalarNode)
    ]


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many nodes the data would have with every alias expanded (memoized, so linear)."""
    import yaml

    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a recursive alias counts once
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    else:
        size = 1
    memo[key] = min(size, MAX_EXPANDED_NODES + 1)
    return memo[key]


# YAML already read in an earlier run, by its exact text: the result cache stores each post's
# front matter as `packed` gives it, and hands the packing of a post it checks again back to
# `remember` before the post is read. An edit to the body (most edits) then leaves the
# front matter as it was, and the run imports no PyYAML (issue 18: ~9 ms of a one-post run).
_KNOWN: dict[str, tuple[Any, ...]] = {}
_DATE, _DATETIME = "\0date", "\0datetime"  # a date in packed data: (tag, ISO text)


_PACK_DEPTH = 100  # deeper data is not kept: read again by PyYAML, whose limits then apply


def _pack_value(value: Any, depth: int = 0) -> Any:
    """Safe YAML's data in marshal's types; a date becomes a tagged tuple (YAML gives no tuples).
    TypeError for a type it does not know, or data nested deeper than `_PACK_DEPTH`."""
    import datetime as dt

    kind = type(value)
    if kind in (str, int, float, bool, bytes) or value is None:
        return value
    if depth >= _PACK_DEPTH:
        raise TypeError("nested too deeply")
    depth += 1
    if kind is list:
        return [_pack_value(v, depth) for v in value]
    if kind is dict:
        return {_pack_value(k, depth): _pack_value(v, depth) for k, v in value.items()}
    if kind is set:
        return {_pack_value(v, depth) for v in value}
    if kind is dt.datetime:
        return (_DATETIME, value.isoformat())
    if kind is dt.date:
        return (_DATE, value.isoformat())
    raise TypeError(kind.__name__)


def _unpack_value(value: Any) -> Any:
    kind = type(value)
    if kind is list:
        return [_unpack_value(v) for v in value]
    if kind is dict:
        return {_unpack_value(k): _unpack_value(v) for k, v in value.items()}
    if kind is set:
        return {_unpack_value(v) for v in value}
    if kind is tuple:
        import datetime as dt

        return (dt.datetime if value[0] == _DATETIME else dt.date).fromisoformat(value[1])
    return value


def _fields(position: KeyPosition | ScalarPosition) -> tuple[Any, ...]:
    """A position's fields in order, as dataclasses.astuple gives them (they are plain values),
    without its deep copy: astuple took 10 of the 13 ms that packing 239 posts' front matter took."""
    return tuple(position.__dict__.values())


def packed(fm: FrontMatter, text: str) -> bytes | None:
    """`fm` (split from `text`) for the result cache: its YAML text and what `_load` made of it,
    marshalled on their own, so that reading the cache file costs one bytes object per post and
    only a post read again unpacks its own; None when there is nothing to keep or its data holds
    a type the packing does not know."""
    if fm.close_line == 0:
        return None
    try:
        data = None if fm.data is None else _pack_value(fm.data)
    except TypeError:
        return None
    return marshal.dumps(
        (
            text[fm.yaml_start : fm.yaml_end],
            data,
            tuple((k, _fields(v)) for k, v in fm.keys.items()),
            tuple((k, _fields(v)) for k, v in fm.duplicates),
            tuple(sorted(fm.same_duplicates)),
            tuple((k, tuple(map(_fields, v))) for k, v in fm.scalars.items()),
            fm.error,
        )
    )


def remember(blob: object) -> None:
    """Keep a packing (`packed`) from the result cache for the `_load`s of the same YAML text (the
    post's own, and the URL table's when it reads the changed post again)."""
    if not isinstance(blob, bytes):
        return
    try:
        entry = marshal.loads(blob)
    except (EOFError, ValueError, TypeError):
        return  # a damaged entry: the YAML is parsed again
    if isinstance(entry, tuple) and len(entry) == 7 and isinstance(entry[0], str):
        if len(_KNOWN) >= 4096:  # a long-lived process (the language server) keeps no more
            _KNOWN.clear()
        _KNOWN[entry[0]] = entry


def _known(fm: FrontMatter, source: str) -> bool:
    entry = _KNOWN.get(source)
    if entry is None:
        return False
    _, data, keys, duplicates, same, scalars, error = entry
    fm.data = None if data is None else _unpack_value(data)
    fm.keys = {k: KeyPosition(*v) for k, v in keys}
    fm.duplicates = [(k, KeyPosition(*v)) for k, v in duplicates]
    fm.same_duplicates = set(same)
    fm.scalars = {k: [ScalarPosition(*s) for s in v] for k, v in scalars}
    fm.error = error
    return True


def _load(fm: FrontMatter, source: str, line_offset: int) -> None:
    if not source.strip():
        fm.data = {}
        return
    if _KNOWN and line_offset == 1 and _known(fm, source):
        return
    import yaml

    loader = _loader_class()(source)
    try:
        node = loader.get_single_node()
        if node is None:
            fm.data = {}
            return
        if not isinstance(node, yaml.MappingNode):
            kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
            line = node.start_mark.line + 1 + line_offset
            fm.error = (f"front matter must be a mapping of keys to values, not {kind}", line, 1)
            return
        if "*" in source and _expanded_size(node, {}) > MAX_EXPANDED_NODES:
            fm.error = (
                "YAML aliases expand to more than 100,000 values (an alias bomb?); not loaded",
                line_offset + 1,
                1,
            )
            return
        seen: dict[str, KeyPosition] = {}
        values: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.tag)
            pos = _position(key_node, value_node, line_offset)
            if key in seen:
                fm.duplicates.append((key, pos))
                before = values[key]
                if isinstance(before, yaml.ScalarNode) and isinstance(value_node, yaml.ScalarNode):
                    if (before.tag, before.value) == (value_node.tag, value_node.value):
                        fm.same_duplicates.add(pos.line)
            seen[key] = pos
            values[key] = value_node
            fm.scalars[key] = _scalars(value_node)
        fm.keys = seen
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        column = (mark.column + 1) if mark else 1
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        fm.error = (message or "invalid YAML", line, column)
        return
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        fm.error = (f"invalid YAML: {exc}".splitlines()[0], line_offset + 1, 1)
        return
    finally:
        loader.dispose()
    fm.data = {str(k): v for k, v in data.items()} if isinstance(data, dict) else {}
