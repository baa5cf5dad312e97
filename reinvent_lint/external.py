"""External links, the CI-gate half of link checking: collect the unique http(s) URLs of the
checked posts, decide each once (from the cache or with http_check), and report every place
each dead, unverified or permanently redirected URL appears.

Modes (`--links`, or `[links] mode`):
- `off`: no external checks;
- `cached` (the default, right for pre-commit: no network, no surprises): report what the cache
  knows and is fresh;
- `new`: request the URLs the cache has no fresh verdict for, and again those it knows as
  failures (dead or unverified: the target may have been fixed);
- `all` (the CI gate): request every URL.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .document import Document
from .problem import Fix, Problem, Safety
from .jekyll.references import references

MODES = ("off", "cached", "new", "all")
DEAD, UNVERIFIED, REDIRECT = "RL410", "RL411", "RL412"
LINK_CODES = (DEAD, UNVERIFIED, REDIRECT)
DEFAULTS: dict[str, Any] = {
    "mode": "cached",
    "concurrency": 32,
    "per-host": 4,
    "min-interval": 0.0,
    "timeout": 10.0,
    "retries": 2,
    "max-redirects": 10,
    "retry-after-cap": 60.0,
    "cache-dir": ".reinvent-lint-cache",
    "ok-max-age-days": 7.0,
    "fail-max-age-hours": 6.0,
    "exclude": [],
    "allow-private": False,
}
_URL_KINDS = {"link", "image", "definition", "autolink", "html-href", "html-src"}


@dataclass(frozen=True, slots=True)  # slots: a 20 MB post has 280,000 of them
class Occurrence:
    url: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int


_HTTP = re.compile(r"https?://[^/\s]", re.IGNORECASE)


def occurrences(doc: Document) -> list[Occurrence]:
    """Every http(s) link target of the document, outside Liquid."""
    found = []
    position = doc.position
    path, text = doc.path, doc.text
    for ref in references(doc):
        if ref.kind not in _URL_KINDS or (ref.liquid is not None and ref.kind != "link"):
            continue
        target = ref.target.strip()
        if not _HTTP.match(target) or "{{" in target or "{%" in target:
            continue
        line, column = position(ref.start)
        if text.find("\n", ref.start, ref.end) < 0:  # on one line: no second look-up
            end_line, end_column = line, column + ref.end - ref.start
        else:
            end_line, end_column = position(ref.end)
        found.append(Occurrence(target, path, line, column, end_line, end_column, ref.start, ref.end))
    return found


def _folder(settings: dict[str, Any], site_root: Path | None) -> Path:
    folder = Path(settings["cache-dir"])
    return folder if folder.is_absolute() else (site_root or Path.cwd()) / folder


def looks_up(settings: dict[str, Any], site_root: Path | None, *, use_cache: bool = True) -> bool:
    """Whether `check_external` looks anything up: not in mode `off`, nor in mode `cached` when
    there is no link cache yet (that mode makes no request, nor a cache). When it does not, a
    run need not collect the occurrences of links at all (280,000 records in a 20 MB post)."""
    mode = str(settings["mode"])
    if mode == "cached":
        return use_cache and (_folder(settings, site_root) / "links.sqlite").exists()
    return mode != "off"


def _request_url(url: str) -> str:
    return url.split("#", 1)[0]


def requested(found: Iterable[Occurrence], settings: dict[str, Any]) -> list[str]:
    """The URLs the occurrences ask to request, once each and sorted: the excluded ones left out,
    fragments cut (the link worker is fed the same, document by document)."""
    excluded = [re.compile(p) for p in settings["exclude"]]
    return sorted({_request_url(o.url) for o in found if not any(p.search(o.url) for p in excluded)})


def _progress(stream: Any) -> Any:
    if not stream.isatty() or os.environ.get("CI") or os.environ.get("NO_PROGRESS"):
        return None
    start = time.monotonic()

    def show(done: int, total: int) -> None:
        elapsed = max(time.monotonic() - start, 1e-6)
        rate = done / elapsed
        eta = (total - done) / rate if rate else 0
        end = "\n" if done == total else ""
        stream.write(f"\rlinks: {done}/{total} ({rate:.0f}/s, ETA {eta:.0f}s)   {end}")
        stream.flush()

    return show


def check_external(
    found: Sequence[Occurrence],
    settings: dict[str, Any],
    site_root: Path | None,
    rules: dict[str, Any],
    *,
    use_cache: bool = True,
    resolver: Any = None,
    transport: Any = None,
    worker: Any = None,
) -> tuple[list[Problem], list[str]]:
    """Problems for the dead, unverified and redirected URLs, and warnings to print."""
    mode = settings["mode"]
    warnings: list[str] = []
    if not found or not looks_up(settings, site_root, use_cache=use_cache):
        return [], warnings
    folder = _folder(settings, site_root)
    import sqlite3

    from .link_cache import LinkCache, Verdict

    urls = requested(found, settings)
    cache = None
    if use_cache:
        try:
            cache = LinkCache(folder, settings["ok-max-age-days"] * 86400, settings["fail-max-age-hours"] * 3600)
            warnings.extend(cache.warnings)
        except (OSError, sqlite3.OperationalError) as exc:
            warnings.append(f"link cache unavailable ({exc}); checking without it")
    verdicts: dict[str, Verdict] = {}
    if cache is not None and mode in ("cached", "new"):
        verdicts.update(cache.get(urls))
        if mode == "new":  # a failure is asked again: the target may have been fixed since
            verdicts = {u: v for u, v in verdicts.items() if v.status == "ok"}
    cached = set(verdicts)
    todo = [] if mode == "cached" else [u for u in urls if u not in verdicts]
    if todo:
        from .link_settings import from_config

        options = from_config(settings)
        # The worker process forked at the start of the run (link_worker.py) has the HTTP stack
        # imported by now; without one (or if it failed), the same checker runs here.
        fresh = worker.check(todo, options) if worker is not None and resolver is transport is None else None
        if fresh is None:
            import asyncio

            from .http_check import Checker

            checker = Checker(options, resolver=resolver, transport=transport)
            fresh = asyncio.run(checker.check_all(todo, _progress(sys.stderr)))
        verdicts.update(fresh)
        if cache is not None:
            cache.put(fresh.values())
    if cache is not None:
        cache.close()
    return _problems(found, verdicts, rules, cached), warnings


def age(seconds: float) -> str:
    """`45 s`, `12 min`, `2 h`, `3 d`."""
    seconds = max(seconds, 0.0)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return f"{int(seconds)} s"


def _problems(
    found: Iterable[Occurrence], verdicts: dict[str, Any], rules: dict[str, Any], cached: set[str] | None = None
) -> list[Problem]:
    problems = []
    now = time.time()
    for o in found:
        v = verdicts.get(_request_url(o.url))
        if v is None:
            continue
        # A verdict from the cache says so, and how old it is: the target may have changed since.
        marker = f" (cached {age(now - v.checked_at)} ago)" if cached and v.url in cached else ""
        code, message, fix = None, "", None
        if v.status == "dead":
            code, message = DEAD, f"dead link {o.url}: {v.reason}{marker}"
        elif v.status == "unverified":
            code, message = UNVERIFIED, f"could not verify {o.url}: {v.reason}{marker}"
        elif v.permanent and v.final_url:
            final = v.final_url + (o.url[o.url.index("#") :] if "#" in o.url and "#" not in v.final_url else "")
            code, message = REDIRECT, f"{o.url} permanently redirects to {final}{marker}"
            fix = Fix.replace(o.start, o.end, final, safety=Safety.UNSAFE, description=f"link to {final}")
        if code is None or code not in rules:
            continue
        rule, severity = rules[code]
        regions = ((o.line, o.column, o.end_line, o.end_column),) if fix else ()
        problems.append(Problem(o.path, o.line, o.column, code, rule.name, message, severity, fix, o.start, o.end,
                                o.end_line, o.end_column, o.url, regions))  # fmt: skip
    return problems
