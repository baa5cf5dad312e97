"""The command line: a thin layer over the library. `main(argv) -> int`, one function per
subcommand. Exit codes: 0 clean, 1 problems at or above the failing severity, 2 usage, config
or internal error (and unreadable inputs)."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO, cast

from . import __version__, signals
from .errors import ReinventLintError

if TYPE_CHECKING:
    import argparse

    from .config import Config
    from .engine import Linter, Report
    from .reporters.text import TextOptions
    from .rule import Rule
    from .style_rules import StyleRule

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2


class UsageError(ReinventLintError):
    pass


def _parser(only_check: bool = False) -> argparse.ArgumentParser:
    """The command line's parser; `only_check`: without the other commands (for arguments that
    start with `check`, which the others cannot change: ~1.5 ms of a one-post run saved)."""
    import argparse  # here: a replayed run (replay.py) parses no arguments

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
            "--output-format",
            dest="format",
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
        _report_options(p)

    def run_options(p: argparse.ArgumentParser) -> None:
        """What `check` and `fix` share beyond `common`: the same run, the same report."""
        p.add_argument(
            "--jobs",
            "-j",
            type=int,
            default=0,
            help="worker processes for large runs (default: one per core; 1 disables)",
        )
        p.add_argument("--baseline", type=Path, help="report only problems not recorded in this baseline file")
        p.add_argument(
            "--links",
            choices=("off", "cached", "new", "all"),
            help=(
                "external links: off, cached (default: what the cache knows, no network), new (check URLs not fresh "
                "in the cache, and cached failures again), all (check every URL; the CI gate)"
            ),
        )
        p.add_argument("--no-cache", action="store_true", help="neither read nor write the result and link caches")
        p.add_argument("--since", metavar="REF", help="report only problems on lines changed since this git ref")

    check = sub.add_parser("check", help="report problems")
    common(check)
    run_options(check)
    _check_options(check)
    if only_check:
        return parser
    baseline = sub.add_parser("baseline", help="record today's problems so `check --baseline` reports only new ones")
    common(baseline)
    baseline.set_defaults(output=None)
    baseline.add_argument(
        "--file", type=Path, default=Path(".reinvent-lint-baseline.json"), help="the baseline file to write"
    )
    cache = sub.add_parser("cache", help="manage the result and external-link caches")
    cache.add_argument("action", choices=("clear",))
    cache.add_argument("path", nargs="?", type=Path, default=Path("."), help="a folder inside the site")
    explain = sub.add_parser("explain", help="print a rule's page: what, why, options, examples")
    explain.add_argument("rule", help="a rule code or name")
    fix = sub.add_parser("fix", help="apply fixes, then report what is left")
    common(fix)
    run_options(fix)
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
    sub.add_parser("server", help="run the language server on stdin/stdout (for editors)")
    init = sub.add_parser("init", help="write a starter .reinvent-lint.toml for this site")
    init.add_argument("--force", action="store_true", help="overwrite an existing config")
    init.add_argument("path", nargs="?", type=Path, default=Path("."), help="a folder inside the site")
    return parser


def _report_options(p: argparse.ArgumentParser) -> None:
    """The report conventions of ruff and rumdl, shared by check, fix and baseline."""
    p.add_argument("--quiet", "-q", action="store_true", help="print the findings only: no summary lines")
    p.add_argument("--statistics", action="store_true", help="count the findings per rule instead of listing them")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when problems are found (2 still on errors)")
    p.add_argument("--show-fixes", action="store_true", help="show the fix each fixable finding offers")
    p.add_argument("--show-info", action="store_true", help="also list info and style findings (hidden by default)")
    p.add_argument(
        "--stdin-filename",
        type=Path,
        metavar="PATH",
        help="with the path `-`: read the post from standard input as PATH",
    )


def _check_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--watch", "-w", action="store_true", help="check, then re-check posts as they change")
    p.add_argument(
        "--staged",
        action="store_true",
        help="pre-commit: leave out info and style findings on lines the staged changes did not touch",
    )


def run() -> NoReturn:
    """The program: `reinvent-lint` and `python -m reinvent_lint`. A `check` whose inputs are
    all as they were when it last ran prints that run's output again (replay.py)."""
    signals.settle()  # a stop while the recorded output is written: one line, 130 or 143
    code = _replayed(sys.argv[1:])
    # A short program that builds its data once: the cyclic collector's default pass every 700
    # new containers ran ~35 times in a one-post run (~3 ms of 0.12 s) and found next to nothing
    # (reference counting frees what a run drops). Every 50,000 (Python 3.13's is 2,000): a whole
    # blog run after one post changed loads ~2 MB of cached results and vocabulary, and every
    # 10,000 the collector still ran 32 times there (~5 ms of 0.15 s); the same peak memory on a
    # whole blog (made-mistakes, ~87 MB either way) and on bench_hostile's posts.
    import gc

    gc.set_threshold(50_000, 10, 10)
    code = code if code is not None else main(settle=True, record=True)
    # The work is done and the output flushed (signals.settle): the interpreter's shutdown puts
    # the default handlers back, and a signal then would kill the process by the signal (-15),
    # with no line. Held from here, a late signal leaves the exit code the run's own.
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    from .exiting import exit_now

    exit_now(code)  # without the interpreter's teardown (~35 ms after a whole-blog run)


def _replayed(argv: list[str]) -> int | None:
    """The recorded output of this run when nothing it depends on changed (replay.py), written
    with `main`'s handling of a reader gone away or a failed write; None: run the linter."""
    from .replay import replayed

    try:
        return replayed(argv)
    except (FileNotFoundError, RuntimeError):  # no current folder, no home folder: run the linter
        return None
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PROBLEMS
    except OSError as exc:
        print(f"reinvent-lint: error: {exc.filename or 'output'}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR


def main(argv: Sequence[str] | None = None, *, settle: bool = False, record: bool = False) -> int:
    """`record`: a `check` records its output for the lean path of the next run (replay.py)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = _parser(only_check=arguments[:1] == ["check"])
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help/--version
        return int(exc.code or 0)
    args.argv = arguments if record else None
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    restore = signals.install()
    try:
        _stdin_paths(args)
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
        if args.command == "server":
            from .server import main as serve

            return serve()
        return cmd_check(args)
    except ReinventLintError as exc:
        print(f"reinvent-lint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt as exc:  # SIGINT or SIGTERM (signals.py): clean-up has run
        code = exc.exit_code if isinstance(exc, signals.Interrupted) else 130
        print(f"reinvent-lint: {'interrupted' if code == 130 else 'terminated'}", file=sys.stderr)
        return code
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PROBLEMS
    except OSError as exc:  # writing the report failed (disk full, file too large ...)
        print(f"reinvent-lint: error: {exc.filename or 'output'}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if settle:  # a program about to exit: a late signal still exits 128 + its number
            signals.settle()
        else:  # an in-process caller gets its own handlers back
            restore()


def _stdin_paths(args: argparse.Namespace) -> None:
    """`-` as the only path: the post comes from standard input, placed at --stdin-filename (whose
    site gives the context), so the config search starts there too."""
    paths = getattr(args, "paths", None) or []
    args.stdin = bool(paths) and [str(p) for p in paths] == ["-"]
    if args.stdin and args.command not in ("check", "fix"):
        raise UsageError(f"`{args.command}` does not read standard input; `check -` and `fix -` do")
    if args.stdin:
        args.paths = [args.stdin_filename] if args.stdin_filename else []
    elif getattr(args, "stdin_filename", None):
        raise UsageError("--stdin-filename needs the path `-` (the post on standard input)")


def _text_options(args: argparse.Namespace, config: Config) -> TextOptions:
    from .config import resolve_rule
    from .reporters.text import TextOptions

    selected = set()
    for identifier in _split(getattr(args, "select", None) or ""):
        found = resolve_rule(identifier, _rules())
        style_rule = None if found else _style_rule(identifier)
        selected.add(found.code if found else style_rule.code if style_rule else identifier)
    return TextOptions(
        show_info=getattr(args, "show_info", False) or getattr(args, "staged", False),
        quiet=getattr(args, "quiet", False),
        statistics=getattr(args, "statistics", False),
        show_fixes=getattr(args, "show_fixes", False),
        fail_on=config.fail_on,
        selected=frozenset(selected),
    )


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
    linter = Linter(config, rules)
    from .progress import Progress

    linter.progress = Progress()  # on a terminal, for runs over a second (progress.py)
    return linter


def _end_progress(linter: Linter) -> None:
    finish = getattr(linter.progress, "finish", None)
    if finish:
        finish()


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
    style_select: list[str] = []
    style_ignore: list[str] = []
    for identifier in select + ignore:
        found = resolve_rule(identifier, rules)
        if found is None:
            style_rule = _style_rule(identifier)
            if style_rule is None:
                raise UsageError(f"unknown rule '{identifier}' (see `reinvent-lint rules`)")
            (style_select if identifier in select else style_ignore).append(style_rule.code.lower())
            continue
        codes[identifier] = found.code
    select = [s for s in select if s in codes]
    ignore = [i for i in ignore if i in codes]
    if style_select or style_ignore or args.select:
        config = _with_style_selection(config, style_select, style_ignore, bool(args.select))
    if args.select and not select:  # only style rules were selected
        settings = {code: replace(s, enabled=False) for code, s in config.rules.items()}
        config = replace(config, rules=MappingProxyType(settings))
    if select or ignore:
        chosen = {codes[s] for s in select}
        dropped = {codes[s] for s in ignore}
        settings = {
            code: replace(s, enabled=(code in chosen if select else s.enabled) and code not in dropped)
            for code, s in config.rules.items()
        }
        config = replace(config, rules=MappingProxyType(settings))
    return config


def _style_rule(identifier: str) -> StyleRule | None:
    """A style-pack rule (MD032, blanks-around-lists), or None."""
    from .style_rules import is_style_code, resolve

    if not is_style_code(identifier) and "-" not in identifier:
        return None
    return resolve(identifier)


def _with_style_selection(config: Config, selected: list[str], ignored: list[str], selecting: bool) -> Config:
    """--select/--ignore with MD codes: selecting style rules runs the style pack with exactly
    those; selecting only our rules leaves the pack out; ignoring one disables it."""
    from dataclasses import replace
    from types import MappingProxyType

    style = dict(config.style)
    if selecting and not selected:
        style["mode"] = "off"
    elif selected:
        from .style_rules import style_rules

        style["mode"] = "always"
        style["enable"] = sorted(set(selected))
        style["disable"] = sorted({r.code.lower() for r in style_rules()} - set(selected))
    if ignored:
        style["disable"] = sorted({*style.get("disable", []), *ignored})
    return replace(config, style=MappingProxyType(style))


def _exit_code(report: Report, linter: Linter, exit_zero: bool = False) -> int:
    if report.errors:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_CLEAN
    if any(p.severity >= linter.config.fail_on for p in report.problems):
        return EXIT_PROBLEMS
    return EXIT_CLEAN


def _print_errors(report: Report) -> str:
    """Print the run's warnings and errors to standard error; returns what was printed."""
    lines = [f"reinvent-lint: warning: {warning}\n" for warning in report.warnings]
    lines += [f"reinvent-lint: {error}\n" for error in report.errors]
    text = "".join(lines)
    sys.stderr.write(text)
    return text


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _emit(report: Report, args: argparse.Namespace, stream: TextIO | None = None, config: Config | None = None) -> None:
    """Write the report in the chosen format, to --output or the given stream."""
    from functools import partial

    from .reporters import Reporter, get_reporter

    reporter = get_reporter(_format(args))
    if (_format(args) == "text" or getattr(args, "statistics", False)) and config is not None:
        from .reporters.text import report_text

        reporter = cast(Reporter, partial(report_text, options=_text_options(args, config)))
    elif _format(args) == "sarif" and config is not None:
        from .reporters.sarif import report_sarif

        reporter = cast(Reporter, partial(report_sarif, rule_url=config.output.get("rule-url", "")))
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            reporter(report, handle, False)
        return
    out = stream or sys.stdout
    from io import StringIO

    text = StringIO()  # the report written at once: one system call, not one per line (an
    reporter(report, text, _color(out, args))  # unbuffered stream, PYTHONUNBUFFERED, writes each)
    out.write(text.getvalue())


def _only_changed(report: Report, ref: str | None) -> None:
    """Keep problems on lines changed since `ref`. With no ref (`--staged`, the pre-commit
    hook): leave out only info and style findings on lines the staged changes did not touch;
    errors and warnings anywhere in the checked files still show, so git is asked for the
    staged lines only when there is such a finding (two git processes and `subprocess`: ~5 ms of
    a pre-commit run on a post without one)."""
    from .problem import Severity

    changed: dict[str, set[int] | None] | None = None
    kept = []
    for p in report.problems:
        if ref is None and p.severity > Severity.INFO and not p.code.startswith("MD"):
            kept.append(p)
            continue
        if changed is None:
            from .changes import changed_lines

            changed = changed_lines(ref, Path.cwd())
        lines = changed.get(os.path.normpath(os.path.abspath(p.path)), set())
        if lines is None or p.line in lines:
            kept.append(p)
    report.problems = kept


def _run_linter(args: argparse.Namespace) -> Linter:
    """The linter with the run options `check` and `fix` share (--links, --no-cache)."""
    linter = _linter(args)
    if args.links:
        from dataclasses import replace
        from types import MappingProxyType

        linter.config = replace(linter.config, links=MappingProxyType({**linter.config.links, "mode": args.links}))
    linter.use_link_cache = not args.no_cache
    linter.use_result_cache = not args.no_cache
    return linter


def _link_worker(mode: str | None) -> object:
    """For a run that will request URLs, a process importing the HTTP stack from now on, while
    this one reads the config and the posts (link_worker.py); None otherwise."""
    if mode not in ("new", "all"):
        return None
    from .link_worker import LinkWorker

    return LinkWorker.start()


def _close_worker(worker: object) -> None:
    close = getattr(worker, "close", None)
    if close is not None:
        close()


def cmd_check(args: argparse.Namespace) -> int:
    from .replay import Opened

    started = time.time()
    recording = bool(getattr(args, "argv", None)) and not (
        args.stdin or args.watch or args.since or args.staged or args.output or args.no_cache
    )
    if recording:
        Opened.start()
    try:
        report, linter = _check_run(args)
    finally:
        opened = Opened.stop() if recording else set()
    if args.staged:
        _only_changed(report, None)
    out = _Tee(sys.stdout) if recording else None
    _emit(report, args, cast("TextIO | None", out), config=linter.config)
    err = _print_errors(report)
    if args.watch and not args.stdin:
        return _watch(linter, args)
    code = _exit_code(report, linter, args.exit_zero)
    if out is not None:
        sys.stdout.flush()  # the report first: recording takes a walk over the site
        _record(args, linter, report, "".join(out.parts), err, code, opened, started)
    return code


class _Tee:
    """Standard output, and a copy of what was written to it (for replay.py)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()


def _record(
    args: argparse.Namespace,
    linter: Linter,
    report: Report,
    out: str,
    err: str,
    code: int,
    opened: set[str],
    started: float,
) -> None:
    """Record the run for replay.py when its output depends on files alone."""
    from .jekyll.site import CONFIG_NAMES, _SKIP_DIRS
    from .replay import record
    from .result_cache import LAST

    sites = linter.sites_seen()
    if report.warnings or not LAST.cached or not sites or any(s.root is None for s in sites):
        return
    from .external import LINK_CODES

    if str(linter.config.links.get("mode", "off")) not in ("off", "cached"):
        return  # links checked over the network
    if any(p.code in LINK_CODES for p in report.problems):
        return  # a verdict from the link cache ages ("cached 2 h ago"), then drops out
    extra: list[str] = []
    folder = Path(str(linter.config.links.get("cache-dir", ".reinvent-lint-cache")))
    for site in sites:
        for base in (site.root, site.config_dir):
            if base is not None:  # the link cache (WAL) gaining a verdict, or appearing
                links = str((folder if folder.is_absolute() else base / folder) / "links.sqlite")
                extra += [links, links + "-wal"]
                extra.extend(str(base / name) for name in CONFIG_NAMES)
    extra += [str(p) for p in (args.config, args.baseline) if p is not None]
    roots = [(str(s.config_dir), str(s.root)) for s in sites if s.config_dir is not None and s.root is not None]
    starts = [str(p) for p in args.paths] or [os.getcwd()]
    record(args.argv, out, err, code, sites=roots, starts=starts, skip=_SKIP_DIRS, ignored=LAST.folders,
           extra=extra, ours=LAST.files, opened=opened, read=LAST.read, due=LAST.due, started=started)  # fmt: skip


def _check_run(args: argparse.Namespace) -> tuple[Report, Linter]:
    # As early as possible: --links on the command line says so before the config is read.
    worker = None if args.stdin else _link_worker(args.links)
    try:
        linter = _run_linter(args)
        if not linter.checks_links:
            _close_worker(worker)
            worker = None
        elif worker is None and not args.stdin:
            worker = _link_worker(str(linter.config.links.get("mode")))
        linter.link_worker = worker
        if args.stdin:
            from .live import check_stdin

            report = check_stdin(linter, args.stdin_filename)
        else:
            try:
                report = linter.check_paths(args.paths, jobs=args.jobs, since=args.since, baseline=args.baseline)
            finally:
                _end_progress(linter)
    finally:
        _close_worker(worker)
    return report, linter


def _watch(linter: Linter, args: argparse.Namespace) -> int:
    """Re-check the posts that change (only those), until Ctrl-C."""
    from .live import watch

    roots = [p for p in args.paths] or [linter.site_for(Path.cwd()).root or Path.cwd()]
    sys.stdout.flush()

    def ready() -> None:
        print("reinvent-lint: watching for changes (Ctrl-C to stop)", file=sys.stderr, flush=True)

    def recheck(changed: list[Path]) -> None:
        report = linter.check_paths(changed, jobs=1)
        print(f"\n[{time.strftime('%H:%M:%S')}] {', '.join(linter.display(p) for p in changed)}", flush=True)
        _emit(report, args, config=linter.config)
        sys.stdout.flush()
        _print_errors(report)

    watch(roots, recheck, ready)
    return EXIT_CLEAN


def cmd_baseline(args: argparse.Namespace) -> int:
    from .baseline import write

    linter = _linter(args)
    try:
        report = linter.check_paths(args.paths)
    finally:
        _end_progress(linter)
    count = write(args.file, report.problems)
    print(
        f"recorded {count} problem{'s' if count != 1 else ''} in {args.file}; "
        f"`reinvent-lint check --baseline {args.file}` reports only new ones"
    )
    _print_errors(report)
    return EXIT_ERROR if report.errors else EXIT_CLEAN


def cmd_explain(args: argparse.Namespace) -> int:
    from .config import resolve_rule
    from .rulebook import page_text

    found = resolve_rule(args.rule, _rules())
    if found is None:
        style_rule = _style_rule(args.rule)
        if style_rule is None:
            raise UsageError(f"unknown rule '{args.rule}' (see `reinvent-lint rules`)")
        from .style_rules import explain

        sys.stdout.write(explain(style_rule))
        return EXIT_CLEAN
    page = page_text(found.code)
    if page is None:  # a plugin's rule, or an install without the rule book
        fixable = "yes" if found.fixable else "no"
        page = f"# {found.label}\n\n{found.summary}\n\nSeverity: {found.severity}; fixable: {fixable}.\n"
        if found.options:
            page += "\nOptions: " + ", ".join(f"{k} (default {v!r})" for k, v in found.options.items()) + "\n"
    sys.stdout.write(page)
    return EXIT_CLEAN


def cmd_fix(args: argparse.Namespace) -> int:
    from .pipeline import Filters, fix, without_safe_fixes
    from .reporters.text import summary_line

    linter = _run_linter(args)
    if args.stdin:  # the fixed post to standard output, what is left to standard error
        from .live import fix_stdin

        data, stdin_report = fix_stdin(linter, args.stdin_filename, args.unsafe_fixes)
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        _emit(stdin_report, args, sys.stderr, linter.config)
        _print_errors(stdin_report)
        return _exit_code(stdin_report, linter, args.exit_zero)
    try:
        run = fix(
            linter,
            args.paths,
            unsafe=args.unsafe_fixes,
            write=not args.diff,
            jobs=args.jobs,
            filters=Filters(args.since, args.baseline),
        )
    finally:
        _end_progress(linter)
    report = run.report
    report.problems = without_safe_fixes(report.problems)
    n, files = run.applied, run.fixed_files if not args.diff else len(run.diffs)
    verb = "Would fix" if args.diff else "Fixed"
    done = f"{verb} {n} problem{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}"
    if args.diff:  # the patch alone on stdout; one line on stderr
        for diff in run.diffs:
            sys.stdout.write(diff)
        if not args.quiet:
            print(f"{done}; {summary_line(report)}", file=sys.stderr)
    else:  # machine-readable output stays parseable: the count goes to stderr then
        if not args.quiet:
            print(f"{done}.", file=sys.stdout if _format(args) == "text" and not args.output else sys.stderr)
        _emit(report, args, config=linter.config)
    _print_errors(report)
    return _exit_code(report, linter, args.exit_zero)


def cmd_rules(args: argparse.Namespace) -> int:
    from .style import DEFAULTS as STYLE_DEFAULTS
    from .style_rules import style_rules

    rules = _rules()
    styles = style_rules()
    style_severity = STYLE_DEFAULTS["severity"]
    if args.format == "json":
        import json

        data = [
            {"code": r.code, "name": r.name, "severity": str(r.severity), "fixable": r.fixable,
             "enabled": r.enabled, "summary": r.summary, "options": dict(r.options)}
            for r in rules
        ] + [
            {"code": r.code, "name": r.name, "severity": style_severity, "fixable": r.fixable, "enabled": r.enabled,
             "summary": r.summary, "options": {}, "style-pack": True, "note": r.note}
            for r in styles
        ]  # fmt: skip
        print(json.dumps(data, indent=2))
        return EXIT_CLEAN
    width = max(len(name) for name in [*(r.name for r in rules), *(m.name for m in styles)])
    print(f"{'code':<7}{'name':<{width + 2}}{'severity':<10}{'fix':<5}summary")
    for r in rules:
        fix = "yes" if r.fixable else ""
        off = "" if r.enabled else " (off by default)"
        print(f"{r.code:<7}{r.name:<{width + 2}}{r.severity!s:<10}{fix:<5}{r.summary}{off}")
    print("\nThe style pack (pymarkdownlnt; runs with `[style] mode` or --style; see `reinvent-lint explain MD032`):")
    for m in styles:
        fix = "yes" if m.fixable else ""
        off = "" if m.enabled else f" (off: {m.note})" if m.note else " (off)"
        print(f"{m.code:<7}{m.name:<{width + 2}}{style_severity:<10}{fix:<5}{m.summary}{off}")
    return EXIT_CLEAN


def cmd_init(args: argparse.Namespace) -> int:
    from .config import CONFIG_NAME
    from .init import starter_config
    from .jekyll.site import Site, find_root

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
    from .jekyll.site import Site, find_root

    site = Site(find_root(Path.cwd()))
    refused: list[str] = []
    if args.words_command == "add":
        new = list(args.words)
    else:
        from argparse import Namespace

        from .config import load_config
        from .engine import Linter

        rules = _rules()
        config = load_config(Path.cwd(), rules)
        config = _with_cli_overrides(
            config, Namespace(fail_on=None, select="misspelled-word,unknown-word", ignore=None), rules
        )
        report = Linter(config, rules).check_paths(args.paths)
        # Only unknown words are learned: a misspelling, a miscased name or a word one edit from a
        # much more common one (RL501) is a typo to fix, not vocabulary.
        new = sorted({p.snippet for p in report.problems if p.code == "RL504" and p.snippet})  # (not a post of data)
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
    from .link_cache import FILE_NAME, LinkCache
    from .jekyll.site import find_root
    from .result_cache import clear

    config = load_config(args.path.resolve(), _rules())
    folder = Path(config.links["cache-dir"])
    if not folder.is_absolute():
        folder = (find_root(args.path.resolve()) or Path.cwd()) / folder
    results = clear(folder)
    from .replay import clear as clear_replays

    clear_replays()
    removed = 0
    if (folder / FILE_NAME).exists():  # none is made: a link cache's presence makes runs read it
        cache = LinkCache(folder, 0, 0)
        removed = cache.clear()
        cache.close()
    print(f"removed {removed} cached link result{'s' if removed != 1 else ''} from {folder / FILE_NAME}")
    if results:
        print(f"removed the cached check results from {folder}")
    return EXIT_CLEAN
