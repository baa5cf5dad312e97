"""The style pack's rules (markdownlint's MDnnn, through pymarkdownlnt) as the command line sees
them: listed by `rules`, explained by `explain MD032`, accepted by `--select` and `--ignore`, and
described in SARIF. The facts come from pymarkdownlnt's own plugin details; the curation note
(on or off by default, and why) from the rule book page rules/STYLE-pack.md.

Imported only when an MD code is asked for: pymarkdownlnt costs ~0.3 s to load."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .rulebook import _DIRS

CODE = re.compile(r"(?i)md\d{3}")


@dataclass(frozen=True)
class StyleRule:
    code: str  # "MD032"
    name: str  # "blanks-around-lists"
    aliases: tuple[str, ...]
    summary: str  # pymarkdownlnt's one-sentence description
    url: str  # pymarkdownlnt's page for the rule
    fixable: bool
    enabled: bool  # on in our curated default
    note: str  # why it is on or off (rules/STYLE-pack.md)

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


def is_style_code(identifier: str) -> bool:
    return bool(CODE.fullmatch(identifier))


def _notes() -> dict[str, tuple[str, str]]:
    """MD code -> (on|off, why), from the curated-default table of rules/STYLE-pack.md."""
    for folder in _DIRS:
        page = folder / "STYLE-pack.md"
        if page.is_file():
            text = page.read_text(encoding="utf-8")
            return {
                m.group(1).upper(): (m.group(2), m.group(3).strip())
                for m in re.finditer(r"^\| (MD\d{3}) \| (on|off) \| (.*?) \|$", text, re.MULTILINE)
            }
    return {}


@functools.lru_cache(maxsize=1)
def style_rules() -> tuple[StyleRule, ...]:
    import importlib
    import inspect
    import pkgutil

    import pymarkdown.plugins as plugins
    from pymarkdown.plugin_manager.rule_plugin import RulePlugin

    from .style import CURATED_OFF

    notes = _notes()
    found = []
    for info in pkgutil.iter_modules(plugins.__path__):
        if not info.name.startswith("rule_md_"):
            continue
        module = importlib.import_module(f"{plugins.__name__}.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, RulePlugin) or cls is RulePlugin or cls.__module__ != module.__name__:
                continue
            details = cls().get_details()
            code = str(details.plugin_id).upper()
            names = tuple(n.strip() for n in str(details.plugin_name).split(","))
            state, why = notes.get(code, ("off" if code.lower() in CURATED_OFF else "on", ""))
            why = why or CURATED_OFF.get(code.lower(), "")
            found.append(
                StyleRule(
                    code,
                    names[0],
                    names[1:],
                    str(details.plugin_description),
                    str(details.plugin_url or ""),
                    bool(getattr(details, "plugin_supports_fix", False)),
                    state == "on",
                    why,
                )
            )
    return tuple(sorted(found, key=lambda r: r.code))


def resolve(identifier: str) -> StyleRule | None:
    """A style rule by code (`MD032`, any case) or by one of its names."""
    if not is_style_code(identifier) and not re.fullmatch(r"[a-z0-9-]+", identifier):
        return None
    for r in style_rules():
        if identifier.upper() == r.code or identifier == r.name or identifier in r.aliases:
            return r
    return None


def explain(r: StyleRule) -> str:
    state = "on" if r.enabled else "off"
    lines = [
        f"# {r.label} (style pack)",
        "",
        f"{r.summary} (pymarkdownlnt)",
        "",
        f"In reinvent-lint's curated default: {state}." + (f" {r.note[0].upper()}{r.note[1:]}." if r.note else ""),
        "The style pack runs with `[style] mode` or `--style`; see rules/STYLE-pack.md.",
        f"Fixable: {'yes' if r.fixable else 'no'}. Names: {', '.join((r.name, *r.aliases))}.",
    ]
    if r.url:
        lines += ["", f"More: {r.url}"]
    return "\n".join(lines) + "\n"
