"""The built-in rules: an explicit list of rule-family modules. Plugins join through the
`reinvent_lint.rules` entry-point group and the same registry."""

from __future__ import annotations

from ..errors import ReinventLintError
from ..rule import Rule
from . import external_links, front_matter, headings, jekyll, links, meta, sections, spelling, whitespace

BUILTIN_MODULES = (meta, front_matter, headings, sections, links, external_links, jekyll, spelling, whitespace)


class RegistryError(ReinventLintError):
    pass


def builtin_rules() -> list[Rule]:
    return registry([r for module in BUILTIN_MODULES for r in module.RULES])


ENTRY_POINT_GROUP = "reinvent_lint.rules"


def _plugin_entry_points() -> list[tuple[str, str]]:
    """(name, value) of each entry point of the group. Reading every installed distribution's
    metadata costs more than the rest of a one-post run's imports, so the list is cached under
    the modification times of the import path's folders (installing or removing a distribution
    adds or removes its metadata folder there)."""
    import os
    import sys

    from .. import cache

    stamp = []
    for entry in sys.path:
        try:
            stamp.append(f"{entry}:{os.stat(entry or '.').st_mtime_ns}")
        except OSError:
            stamp.append(f"{entry}:-")
    key = f"{ENTRY_POINT_GROUP}\0" + "\0".join(stamp)
    known = cache.load("plugins-1", key)
    if isinstance(known, list) and all(isinstance(item, tuple) and len(item) == 2 for item in known):
        return known
    from importlib.metadata import entry_points

    found = sorted({(ep.name, ep.value) for ep in entry_points(group=ENTRY_POINT_GROUP)})
    cache.store("plugins-1", key, found)
    return found


def plugin_rules() -> list[Rule]:
    """Rules of installed plugins: each entry point of the `reinvent_lint.rules` group names a
    Rule, a list of rules, or a module with a RULES list."""
    listed = _plugin_entry_points()
    if not listed:
        return []
    from importlib.metadata import EntryPoint

    found: list[Rule] = []
    for ep in (EntryPoint(name, value, ENTRY_POINT_GROUP) for name, value in listed):
        try:
            loaded = ep.load()
        except Exception as exc:  # a broken plugin is a clear error, not a traceback
            raise RegistryError(f"plugin {ep.name} ({ep.value}) failed to load: {type(exc).__name__}: {exc}") from None
        items = loaded if isinstance(loaded, (list, tuple)) else getattr(loaded, "RULES", [loaded])
        for item in items:
            if not isinstance(item, Rule):
                raise RegistryError(
                    f"plugin {ep.name} ({ep.value}) provides {item!r}, not a rule made with reinvent_lint.rule.rule"
                )
            found.append(item)
    return found


def all_rules() -> list[Rule]:
    """Built-in rules and plugins' rules, in one registry (duplicate codes refused)."""
    return registry(builtin_rules() + plugin_rules())


def registry(rules: list[Rule]) -> list[Rule]:
    """Rules sorted by code; refuses duplicate codes or names."""
    codes: dict[str, Rule] = {}
    names: dict[str, Rule] = {}
    for r in rules:
        if r.code in codes or r.name in names:
            clash = codes.get(r.code) or names[r.name]
            raise RegistryError(f"rule {r.label} ({r.module}) clashes with {clash.label} ({clash.module})")
        codes[r.code] = names[r.name] = r
    return sorted(rules, key=lambda r: r.code)
