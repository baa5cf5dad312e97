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


def plugin_rules() -> list[Rule]:
    """Rules of installed plugins: each entry point of the `reinvent_lint.rules` group names a
    Rule, a list of rules, or a module with a RULES list."""
    from importlib.metadata import entry_points

    found: list[Rule] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
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
