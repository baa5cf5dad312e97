"""The built-in rules: an explicit list of rule-family modules. Plugins join through the
`reinvent_lint.rules` entry-point group and the same registry."""

from __future__ import annotations

from ..rule import Rule
from . import front_matter, headings, jekyll, links, meta, sections, spelling, whitespace

BUILTIN_MODULES = (meta, front_matter, headings, sections, links, jekyll, spelling, whitespace)


class RegistryError(Exception):
    pass


def builtin_rules() -> list[Rule]:
    return registry([r for module in BUILTIN_MODULES for r in module.RULES])


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
