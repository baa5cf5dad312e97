"""Configuration: `.reinvent-lint.toml` found upward from the checked path, or
`[tool.reinvent-lint]` in `pyproject.toml`. Validated once, up front: unknown keys, rules and
options are errors that name them; rules get immutable, defaults-filled options."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import ReinventLintError
from .files import LIMITS, read_text_file
from .problem import Severity
from .rule import Rule

CONFIG_NAME = ".reinvent-lint.toml"
CONFIG_MAX_BYTES = 1024 * 1024
_TOP_KEYS = {"fail-on", "exclude", "select", "ignore", "rules", "site", "links", "style", "output", "limits"}
_RULE_KEYS = {"enabled", "severity", "exclude"}
_SITE_KEYS = {"image-includes", "tag-dirs", "platform"}


class ConfigError(ReinventLintError):
    """A configuration problem; str() is a one-line message naming the file."""


@dataclass(frozen=True)
class RuleSettings:
    enabled: bool
    severity: Severity
    exclude: tuple[str, ...]
    options: Mapping[str, Any]


@dataclass(frozen=True)
class Config:
    path: Path | None
    fail_on: Severity
    exclude: tuple[str, ...]
    rules: Mapping[str, RuleSettings]  # by rule code
    site: Mapping[str, Any] = field(default_factory=dict)
    links: Mapping[str, Any] = field(default_factory=dict)  # [links]: see external.py
    style: Mapping[str, Any] = field(default_factory=dict)  # [style]: see style.py
    output: Mapping[str, Any] = field(default_factory=dict)  # [output]: see reporters/__init__.py
    limits: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType(LIMITS))  # [limits]: see files.py

    def enabled_rules(self, registry: Iterable[Rule]) -> list[Rule]:
        return [r for r in registry if self.rules[r.code].enabled]


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest config at or above `start`: `.reinvent-lint.toml`, or a pyproject.toml
    with a `[tool.reinvent-lint]` table."""
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if os.path.lexists(candidate):  # a broken link, a loop or a FIFO is an error, not absent
            return candidate, _read_toml(candidate)
        pyproject = folder / "pyproject.toml"
        if os.path.lexists(pyproject):
            table = _read_toml(pyproject).get("tool", {}).get("reinvent-lint")
            if isinstance(table, dict):
                return pyproject, table
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    # here: a site without a TOML config (most) imports no TOML parser
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(read_text_file(path, CONFIG_MAX_BYTES, errors="strict"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{path}: cannot read: {exc.strerror if isinstance(exc, OSError) and exc.strerror else exc}"
        ) from None


def resolve_rule(identifier: str, registry: Iterable[Rule]) -> Rule | None:
    """A rule by code (`RL301`) or name (`empty-section`), case-insensitively for codes."""
    for r in registry:
        if identifier.upper() == r.code or identifier == r.name:
            return r
    return None


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _check_type(where: str, key: str, value: Any, default: Any) -> Any:
    if isinstance(default, bool) != isinstance(value, bool) or not isinstance(value, type(default)):
        if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        raise ConfigError(f"{where}: '{key}' must be {_type_name(default)}, not {_type_name(value)}")
    if isinstance(default, list) and not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: '{key}' must be a list of strings")
    return value


def _string_list(where: str, key: str, value: Any) -> tuple[str, ...]:
    return tuple(_check_type(where, key, value, [""]))


def build_config(raw: Mapping[str, Any], registry: list[Rule], path: Path | None = None) -> Config:
    where = str(path) if path else "configuration"
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s): {', '.join(unknown)} (known: {', '.join(sorted(_TOP_KEYS))})")
    try:
        fail_on = Severity.parse(_check_type(where, "fail-on", raw.get("fail-on", "error"), ""))
    except ValueError as exc:
        raise ConfigError(f"{where}: fail-on: {exc}") from None
    exclude = _string_list(where, "exclude", raw.get("exclude", []))
    select = _string_list(where, "select", raw.get("select", []))
    ignore = _string_list(where, "ignore", raw.get("ignore", []))
    for identifier in (*select, *ignore):
        if identifier.upper() != "ALL" and resolve_rule(identifier, registry) is None:
            raise ConfigError(f"{where}: unknown rule '{identifier}' (see `reinvent-lint rules`)")

    rules_table = raw.get("rules", {})
    if not isinstance(rules_table, dict):
        raise ConfigError(f"{where}: 'rules' must be a table of rule settings")
    per_rule: dict[str, Mapping[str, Any]] = {}
    for identifier, table in rules_table.items():
        found = resolve_rule(identifier, registry)
        if found is None:
            raise ConfigError(f"{where}: [rules.{identifier}]: unknown rule (see `reinvent-lint rules`)")
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: [rules.{identifier}] must be a table")
        per_rule[found.code] = table

    settings: dict[str, RuleSettings] = {}
    for r in registry:
        table = per_rule.get(r.code, {})
        section = f"{where}: [rules.{r.name}]"
        unknown = sorted(set(table) - _RULE_KEYS - set(r.options))
        if unknown:
            known = ", ".join(sorted(_RULE_KEYS | set(r.options)))
            raise ConfigError(f"{section}: unknown option(s): {', '.join(unknown)} (known: {known})")
        enabled = r.enabled
        if select:
            enabled = any(s.upper() == "ALL" or resolve_rule(s, [r]) for s in select)
        if any(i.upper() == "ALL" or resolve_rule(i, [r]) for i in ignore):
            enabled = False
        enabled = _check_type(section, "enabled", table.get("enabled", enabled), True)
        try:
            severity = Severity.parse(_check_type(section, "severity", table.get("severity", str(r.severity)), ""))
        except ValueError as exc:
            raise ConfigError(f"{section}: severity: {exc}") from None
        options = {
            key: _check_type(section, key, table.get(key, default), default) for key, default in r.options.items()
        }
        for key, allowed in r.choices.items():
            if options[key] not in allowed:
                shown = ", ".join(repr(a) for a in allowed)
                raise ConfigError(f"{section}: '{key}' must be one of {shown}, not {options[key]!r}")
        settings[r.code] = RuleSettings(
            enabled, severity, _string_list(section, "exclude", table.get("exclude", [])), MappingProxyType(options)
        )

    site = raw.get("site", {})
    if not isinstance(site, dict):
        raise ConfigError(f"{where}: 'site' must be a table")
    unknown = sorted(set(site) - _SITE_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: [site]: unknown key(s): {', '.join(unknown)} (known: {', '.join(sorted(_SITE_KEYS))})"
        )
    image_includes = site.get("image-includes", {})
    if not isinstance(image_includes, dict) or not all(
        isinstance(v, list) and all(isinstance(p, str) for p in v) for v in image_includes.values()
    ):
        raise ConfigError(f"{where}: [site] image-includes must map template names to lists of parameter names")
    platform = _check_type(f"{where}: [site]", "platform", site.get("platform", "auto"), "")
    if platform not in ("auto", "github-pages", "jekyll"):
        raise ConfigError(f"{where}: [site] platform must be auto, github-pages or jekyll, not {platform!r}")
    site_settings = {
        "platform": platform,
        "image-includes": {str(k): tuple(v) for k, v in image_includes.items()},
        "tag-dirs": _string_list(
            f"{where}: [site]", "tag-dirs", site.get("tag-dirs", ["_topics", "_tags", "tags", "topics"])
        ),
    }
    return Config(
        path,
        fail_on,
        exclude,
        MappingProxyType(settings),
        MappingProxyType(site_settings),
        _links(raw, where),
        _style(raw, where),
        _output(raw, where),
        _limits(raw, where),
    )


def _limits(raw: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    table = raw.get("limits", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: 'limits' must be a table")
    unknown = sorted(set(table) - set(LIMITS))
    if unknown:
        raise ConfigError(
            f"{where}: [limits]: unknown key(s): {', '.join(unknown)} (known: {', '.join(sorted(LIMITS))})"
        )
    values = {key: _check_type(f"{where}: [limits]", key, table.get(key, d), d) for key, d in LIMITS.items()}
    for key, value in values.items():
        if value <= 0:
            raise ConfigError(f"{where}: [limits] {key} must be positive")
    return MappingProxyType(values)


def _section(
    raw: Mapping[str, Any], name: str, defaults: Mapping[str, Any], modes: Sequence[str], where: str
) -> dict[str, Any]:
    """A `[name]` table: only known keys, each of its default's type, and a known `mode`."""
    table = raw.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: '{name}' must be a table")
    unknown = sorted(set(table) - set(defaults))
    if unknown:
        raise ConfigError(
            f"{where}: [{name}]: unknown key(s): {', '.join(unknown)} (known: {', '.join(sorted(defaults))})"
        )
    values = {
        key: _check_type(f"{where}: [{name}]", key, table.get(key, default), default)
        for key, default in defaults.items()
    }
    if values["mode"] not in modes:
        raise ConfigError(f"{where}: [{name}] mode must be one of {', '.join(modes)}, not {values['mode']!r}")
    return values


def _style(raw: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    from .style import DEFAULTS, MODES

    values = _section(raw, "style", DEFAULTS, MODES, where)
    try:
        Severity.parse(values["severity"])
    except ValueError as exc:
        raise ConfigError(f"{where}: [style] severity: {exc}") from None
    for rule_id in (*values["enable"], *values["disable"]):
        if not re.fullmatch(r"(?i)(md|pml)\d{3}", rule_id):
            raise ConfigError(f"{where}: [style] {rule_id!r} is not a pymarkdownlnt rule id (like md032)")
    return MappingProxyType(values)


def _output(raw: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    from .reporters import OUTPUT_DEFAULTS

    table = raw.get("output", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: 'output' must be a table")
    unknown = sorted(set(table) - set(OUTPUT_DEFAULTS))
    if unknown:
        known = ", ".join(sorted(OUTPUT_DEFAULTS))
        raise ConfigError(f"{where}: [output]: unknown key(s): {', '.join(unknown)} (known: {known})")
    return MappingProxyType(
        {key: _check_type(f"{where}: [output]", key, table.get(key, d), d) for key, d in OUTPUT_DEFAULTS.items()}
    )


def _links(raw: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    from .external import DEFAULTS, MODES

    values = _section(raw, "links", DEFAULTS, MODES, where)
    for key in ("concurrency", "per-host", "max-redirects"):
        if values[key] < 1:
            raise ConfigError(f"{where}: [links] {key} must be at least 1")
    for pattern in values["exclude"]:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{where}: [links] exclude: bad pattern {pattern!r}: {exc}") from None
    return MappingProxyType(values)


def load_config(start: Path, registry: list[Rule], explicit: Path | None = None) -> Config:
    if explicit is not None:
        if not os.path.lexists(explicit):
            raise ConfigError(f"{explicit}: config file not found")
        raw = _read_toml(explicit)
        if explicit.name == "pyproject.toml":
            raw = raw.get("tool", {}).get("reinvent-lint", {})
        return build_config(raw, registry, explicit)
    found = find_config(start)
    if found is None:
        return build_config({}, registry, None)
    path, raw = found
    return build_config(raw, registry, path)
