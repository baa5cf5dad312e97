"""The command line: a thin layer over the library. `main(argv) -> int`, one function per
subcommand. Exit codes: 0 clean, 1 problems at or above the failing severity, 2 usage, config
or internal error (and unreadable inputs)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import __version__
from .errors import ReinventLintError

if TYPE_CHECKING:
    from .config import Config
    from .engine import Linter, Report
    from .rule import Rule

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2


class UsageError(ReinventLintError):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reinvent-lint", description="Lint and fix the posts of a Jekyll blog.")
    parser.add_argument("--version", action="version", version=f"reinvent-lint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "paths", nargs="*", type=Path, help="files or folders (default: the site around the current directory)"
        )
        p.add_argument("--config", type=Path, help="use this config file instead of searching for one")
        p.add_argument("--select", help="only these rules (comma-separated codes or names)")
        p.add_argument("--ignore", help="skip these rules (comma-separated codes or names)")
        p.add_argument(
            "--fail-on",
            choices=("error", "warning", "info"),
            help="lowest severity that fails the run (default: error)",
        )
        p.add_argument(
            "--format",
            choices=("text", "json", "sarif", "github"),
            help="output format (default: text; github when GITHUB_ACTIONS=true)",
        )
        p.add_argument("--output", "-o", type=Path, help="write the report to this file instead of standard output")
        p.add_argument("--no-color", action="store_true", help="never colour the output")
        p.add_argument(
            "--style",
            choices=("off", "ci", "always"),
            help="the style pack (pymarkdownlnt): ci (default: whole-site runs only), always, off",
        )

    check = sub.add_parser("check", help="report problems")
    common(check)
    check.add_argument(
        "--jobs", "-j", type=int, default=0, help="worker processes for large runs (default: one per core; 1 disables)"
    )
    check.add_argument("--baseline", type=Path, help="report only problems not recorded in this baseline file")
    check.add_argument(
        "--links",
        choices=("off", "cached", "new", "all"),
        help="external links: off, cached (default: what the cache knows, no network), new (check URLs not fresh in the cache), all (check every URL; the CI gate)",
    )
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the link cache")
    check.add_argument("--since", metavar="REF", help="report only problems on lines changed since this git ref")
    baseline = sub.add_parser("baseline", help="record today's problems so `check --baseline` reports only new ones")
    common(baseline)
    baseline.set_defaults(output=None)
    baseline.add_argument(
        "--file", type=Path, default=Path(".reinvent-lint-baseline.json"), help="the baseline file to write"
    )
    cache = sub.add_parser("cache", help="manage the external-link cache")
    cache.add_argument("action", choices=("clear",))
    cache.add_argument("path", nargs="?", type=Path, default=Path("."), help="a folder inside the site")
    explain = sub.add_parser("explain", help="print a rule's page: what, why, options, examples")
    explain.add_argument("rule", help="a rule code or name")
    fix = sub.add_parser("fix", help="apply fixes, then report what is left")
    common(fix)
    fix.add_argument("--diff", action="store_true", help="print a unified diff instead of writing")
    fix.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes that may change meaning")
    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    words = sub.add_parser("words", help="manage the site's accepted words (.reinvent-lint/words.txt)")
    words_sub = words.add_subparsers(dest="words_command", metavar="ACTION", required=True)
    add = words_sub.add_parser("add", help="accept these words")
    add.add_argument("words", nargs="+")
    learn = words_sub.add_parser(
        "learn",
        help="accept every unknown word flagged today (adopting the rule on an existing blog); "
        "misspellings, miscased names and likely typos are refused and listed",
    )
    learn.add_argument("paths", nargs="*", type=Path)
    init = sub.add_parser("init", help="write a starter .reinvent-lint.toml for this site")
    init.add_argument("--force", action="store_true", help="overwrite an existing config")
    init.add_argument("path", nargs="?", type=Path, default=Path("."), help="a folder inside the site")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help/--version
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        if args.command == "rules":
            return cmd_rules(args)
        if args.command == "init":
            return cmd_init(args)
        if args.command == "words":
            return cmd_words(args)
        if args.command == "explain":
            return cmd_explain(args)
        if args.command == "cache":
            return cmd_cache(args)
        if args.command == "baseline":
            return cmd_baseline(args)
        if args.command == "fix":
            return cmd_fix(args)
        return cmd_check(args)
    except ReinventLintError as exc:
        print(f"reinvent-lint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("reinvent-lint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PROBLEMS


def _color(stream: TextIO, args: argparse.Namespace) -> bool:
    if getattr(args, "no_color", False) or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def _rules() -> list[Rule]:
    from .rules import all_rules

    return all_rules()


def _linter(args: argparse.Namespace) -> Linter:
    from .config import load_config
    from .engine import Linter

    rules = _rules()
    start = args.paths[0] if args.paths else Path.cwd()
    config = load_config(Path(os.path.abspath(start)), rules, args.config)
    config = _with_cli_overrides(config, args, rules)
    if getattr(args, "style", None):
        from dataclasses import replace
        from types import MappingProxyType

        config = replace(config, style=MappingProxyType({**config.style, "mode": args.style}))
    return Linter(config, rules)


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _with_cli_overrides(config: Config, args: argparse.Namespace, rules: list[Rule]) -> Config:
    """The config with --fail-on, --select and --ignore applied on top."""
    from dataclasses import replace
    from types import MappingProxyType

    from .config import resolve_rule
    from .problem import Severity

    if args.fail_on:
        config = replace(config, fail_on=Severity.parse(args.fail_on))
    select, ignore = _split(args.select), _split(args.ignore)
    codes = {}
    for identifier in select + ignore:
        found = resolve_rule(identifier, rules)
        if found is None:
            raise UsageError(f"unknown rule '{identifier}' (see `reinvent-lint rules`)")
        codes[identifier] = found.code
    if select or ignore:
        chosen = {codes[s] for s in select}
        dropped = {codes[s] for s in ignore}
        settings = {
            code: replace(s, enabled=(code in chosen if select else s.enabled) and code not in dropped)
            for code, s in config.rules.items()
        }
        config = replace(config, rules=MappingProxyType(settings))
    return config


def _exit_code(report: Report, linter: Linter) -> int:
    if report.errors:
        return EXIT_ERROR
    if any(p.severity >= linter.config.fail_on for p in report.problems):
        return EXIT_PROBLEMS
    return EXIT_CLEAN


def _print_errors(report: Report) -> None:
    for warning in report.warnings:
        print(f"reinvent-lint: warning: {warning}", file=sys.stderr)
    for error in report.errors:
        print(f"reinvent-lint: {error}", file=sys.stderr)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _emit(report: Report, args: argparse.Namespace, stream: TextIO | None = None) -> None:
    """Write the report in the chosen format, to --output or the given stream."""
    from .reporters import get_reporter

    reporter = get_reporter(_format(args))
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            reporter(report, handle, False)
        return
    out = stream or sys.stdout
    reporter(report, out, _color(out, args))


def _only_changed(report: Report, ref: str) -> None:
    from .changes import changed_lines

    changed = changed_lines(ref, Path.cwd())
    kept = []
    for p in report.problems:
        lines = changed.get(os.path.normpath(os.path.abspath(p.path)), set())
        if lines is None or p.line in lines:
            kept.append(p)
    report.problems = kept


def cmd_check(args: argparse.Namespace) -> int:
    linter = _linter(args)
    if args.links:
        from dataclasses import replace
        from types import MappingProxyType

        linter.config = replace(linter.config, links=MappingProxyType({**linter.config.links, "mode": args.links}))
    linter.use_link_cache = not args.no_cache
    report = linter.check_paths(args.paths, jobs=args.jobs)
    if args.since:
        _only_changed(report, args.since)
    if args.baseline:
        from .baseline import new_problems, read

        report.problems = new_problems(report.problems, read(args.baseline))
    _emit(report, args)
    _print_errors(report)
    return _exit_code(report, linter)


def cmd_baseline(args: argparse.Namespace) -> int:
    from .baseline import write

    linter = _linter(args)
    report = linter.check_paths(args.paths)
    count = write(args.file, report.problems)
    print(
        f"recorded {count} problem{'s' if count != 1 else ''} in {args.file}; `reinvent-lint check --baseline {args.file}` reports only new ones"
    )
    _print_errors(report)
    return EXIT_ERROR if report.errors else EXIT_CLEAN


def cmd_explain(args: argparse.Namespace) -> int:
    from .config import resolve_rule
    from .rulebook import page_text

    found = resolve_rule(args.rule, _rules())
    if found is None:
        raise UsageError(f"unknown rule '{args.rule}' (see `reinvent-lint rules`)")
    page = page_text(found.code)
    if page is None:  # a plugin's rule, or an install without the rule book
        page = f"# {found.label}\n\n{found.summary}\n\nSeverity: {found.severity}; fixable: {'yes' if found.fixable else 'no'}.\n"
        if found.options:
            page += "\nOptions: " + ", ".join(f"{k} (default {v!r})" for k, v in found.options.items()) + "\n"
    sys.stdout.write(page)
    return EXIT_CLEAN


def cmd_fix(args: argparse.Namespace) -> int:
    from .fix_run import fix_paths

    linter = _linter(args)
    run = fix_paths(linter, args.paths, unsafe=args.unsafe_fixes, write=not args.diff)
    for diff in run.diffs:
        sys.stdout.write(diff)
    out = sys.stderr if args.diff else sys.stdout
    if not args.diff:
        n, files = run.applied, run.fixed_files
        print(f"Fixed {n} problem{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}.", file=out)
    _emit(run.report, args, out)
    if run.unsafe_skipped and not args.unsafe_fixes:
        n = run.unsafe_skipped
        print(f"{n} more fix{'es' if n != 1 else ''} available with --unsafe-fixes.", file=out)
    _print_errors(run.report)
    return _exit_code(run.report, linter)


def cmd_rules(args: argparse.Namespace) -> int:
    rules = _rules()
    if args.format == "json":
        import json

        data = [
            {"code": r.code, "name": r.name, "severity": str(r.severity), "fixable": r.fixable,
             "enabled": r.enabled, "summary": r.summary, "options": dict(r.options)}
            for r in rules
        ]  # fmt: skip
        print(json.dumps(data, indent=2))
        return EXIT_CLEAN
    width = max(len(r.name) for r in rules)
    print(f"{'code':<7}{'name':<{width + 2}}{'severity':<10}{'fix':<5}summary")
    for r in rules:
        fix = "yes" if r.fixable else ""
        off = "" if r.enabled else " (off by default)"
        print(f"{r.code:<7}{r.name:<{width + 2}}{r.severity!s:<10}{fix:<5}{r.summary}{off}")
    return EXIT_CLEAN


def cmd_init(args: argparse.Namespace) -> int:
    from .config import CONFIG_NAME
    from .init import starter_config
    from .site import Site, find_root

    root = find_root(args.path.resolve())
    if root is None:
        raise UsageError(f"no Jekyll site (_config.yml) at or above {args.path}")
    target = root / CONFIG_NAME
    if target.exists() and not args.force:
        raise UsageError(f"{target} exists; use --force to overwrite it")
    text = starter_config(Site(root))
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return EXIT_CLEAN


def cmd_words(args: argparse.Namespace) -> int:
    from .rules.spelling import accept_file
    from .site import Site, find_root

    site = Site(find_root(Path.cwd()))
    refused: list[str] = []
    if args.words_command == "add":
        new = list(args.words)
    else:
        from .config import load_config
        from .engine import Linter

        rules = _rules()
        config = load_config(Path.cwd(), rules)
        config = _with_cli_overrides(
            config, argparse.Namespace(fail_on=None, select="misspelled-word,unknown-word", ignore=None), rules
        )
        report = Linter(config, rules).check_paths(args.paths)
        # Only unknown words are learned: a misspelling, a miscased name or a word one edit from a
        # much more common one (RL501) is a typo to fix, not vocabulary.
        new = sorted({p.snippet for p in report.problems if p.code == "RL504"})
        refused = sorted({p.snippet for p in report.problems if p.code == "RL501"} - set(new))
    path = accept_file(site)
    existing = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    added = [w for w in dict.fromkeys(new) if w not in existing]
    if added:
        path.parent.mkdir(parents=True, exist_ok=True)
        words = sorted(set(existing) | set(added), key=str.lower)
        path.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(added)} word{'s' if len(added) != 1 else ''} added to {path}")
    if refused:
        print(f"{len(refused)} refused (misspelt, miscased or one edit from a common word): {', '.join(refused)}")
    return EXIT_CLEAN


def cmd_cache(args: argparse.Namespace) -> int:
    from .config import load_config
    from .link_cache import LinkCache
    from .site import find_root

    config = load_config(args.path.resolve(), _rules())
    folder = Path(config.links["cache-dir"])
    if not folder.is_absolute():
        folder = (find_root(args.path.resolve()) or Path.cwd()) / folder
    cache = LinkCache(folder, 0, 0)
    removed = cache.clear()
    cache.close()
    print(f"removed {removed} cached link result{'s' if removed != 1 else ''} from {cache.path}")
    return EXIT_CLEAN
