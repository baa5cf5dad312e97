"""The lean path of a warm run (issue 18): a `check` run again with the same arguments, in the
same folder and environment, over files none of which changed, prints what it printed last
time without importing the linter (its config, rules, parser, site model) at all.

After a `check` of the program (`reinvent-lint check ...`, not the library API) the CLI records
its output and exit code with the *stamps* (modification and change times, size, inode, mode:
`os.stat`) of everything that output depends on:

- every folder and file of each site it checked (the folders `Site.files` skips excepted: the
  build output, `.git`, the caches), so an edit, a new or a removed file is seen;
- the files of a build step in the folder above each site (`package.json`, `Gemfile` ...);
- every place the config and site searches look, from each starting folder up to the root
  (`.reinvent-lint.toml`, `pyproject.toml`, `_config.yml`): a config that appears is seen;
- the files the run opened elsewhere (an explicit `--config`, a word list outside the site);
- the result cache files it used (a corrupt one warns; `cache clear` empties them);
- the tool's own code and data (an upgrade or an edit in development), and the folders on
  `sys.path` (a package installed or removed there, such as a rule plugin).

The record is kept under the user cache folder (`cache.py`), one file per argument list,
folder and environment (the `KEEP` most recent). A later run with the same key stats those
paths, and when every stamp is the same and no post has come due since
(`result_cache._next_due`), it writes the recorded output. A file changed less than `RACY`
seconds before its run began may change again within one tick of the file system's clock
without its stamp changing (git's "racily clean" files): a checked post in that window is
recorded with the content hash the run read and is hashed again before a replay; any other
file or folder in that window means no record.

Runs whose output depends on more than files are never recorded: `--watch`, `--since`,
`--staged`, standard input, `--output`, `--no-cache`, link checks over the network, runs that
report a finding from a link verdict (a cached verdict ages, `cached 2 h ago`, then drops out;
one that says nothing cannot age into the output, and a new one changes the link cache's
stamp), runs that printed a warning (a rebuilt cache warns once), and runs outside a Jekyll
site. `cache clear` removes every record.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

FORMAT = 2
NAME = "replay"
RACY = 2.0  # seconds: a file changed this recently may change again with the same stamp
KEEP = 32  # records kept, the most recent
_ENV_PREFIXES = ("REINVENT_LINT", "PYTHON", "LC_", "GITHUB_")
_ENV_NAMES = ("LANG", "LANGUAGE", "TZ", "HOME", "XDG_CACHE_HOME", "CI", "NO_COLOR", "NO_PROGRESS", "TERM",
              "COLUMNS", "FORCE_COLOR")  # fmt: skip
_CONFIG_PROBES = (".reinvent-lint.toml", "pyproject.toml", "_config.yml", "_config.yaml")
_PACKAGE = os.path.dirname(os.path.abspath(__file__))
Stamp = tuple[int, int, int, int, int] | None


def _stamp(path: str) -> Stamp:
    try:
        s = os.stat(path)
    except (OSError, ValueError):
        return None
    return (s.st_mtime_ns, s.st_ctime_ns, s.st_size, s.st_ino, s.st_mode)


def _key(argv: Sequence[str]) -> str:
    """What, besides files, decides a run's output: its arguments, folder, environment, whether
    its output streams are terminals (colour), and the interpreter and package running it."""
    env = sorted((k, v) for k, v in os.environ.items() if k.startswith(_ENV_PREFIXES) or k in _ENV_NAMES)
    ttys = tuple(_isatty(s) for s in (sys.stdout, sys.stderr))
    return repr((FORMAT, list(argv), os.getcwd(), env, ttys, sys.executable, sys.version, _PACKAGE))


def _path(key: str) -> str | None:
    """Where the record of a run with this key is kept (None: caching is off). The record holds
    its key too: two keys under one name only replace each other's record."""
    from binascii import crc32  # not hashlib: importing it costs more than the rest of a replay

    from .cache import cache_dir

    folder = cache_dir()
    return None if folder is None else os.path.join(folder, f"{NAME}-{crc32(key.encode()):08x}.marshal")


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _content_hash(data: bytes) -> bytes:
    from .digests import blake2b

    return blake2b(data, digest_size=16).digest()  # as result_cache.content_hash


# ----- the lean path --------------------------------------------------------------------------
def replayed(argv: Sequence[str]) -> int | None:
    """Print the recorded output of this run and return its exit code; None when there is no
    valid record (the caller runs the linter). Reads one file and stats the recorded paths."""
    if not argv or argv[0] != "check":
        return None
    import marshal

    key = _key(argv)
    path = _path(key)
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            record = marshal.loads(handle.read())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not (isinstance(record, tuple) and len(record) == 8 and record[:2] == (FORMAT, key)):
        return None
    _, _, stamps, hashed, due, out, err, code = record
    if time.time() >= due:
        return None
    try:
        for path, stamp in stamps:
            if _stamp(path) != stamp:
                return None
        for path, content in hashed:
            with open(path, "rb") as handle:
                if _content_hash(handle.read()) != content:
                    return None
    except (OSError, TypeError, ValueError):
        return None
    sys.stdout.write(out)
    sys.stdout.flush()
    sys.stderr.write(err)
    return int(code)


# ----- recording ------------------------------------------------------------------------------
class Opened:
    """The files this process opens while a run is recorded (an audit hook: it cannot be removed,
    so it is installed once and records only while `active`)."""

    active: ClassVar[bool] = False
    paths: ClassVar[set[str]] = set()
    _hooked: ClassVar[bool] = False

    @classmethod
    def start(cls) -> None:
        cls.paths = set()
        cls.active = True
        if not cls._hooked:
            cls._hooked = True
            sys.addaudithook(cls._hook)

    @classmethod
    def stop(cls) -> set[str]:
        cls.active = False
        return cls.paths

    @staticmethod
    def _hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open" and Opened.active and isinstance(args[0], (str, bytes)):
            path = os.fsdecode(args[0])
            if not path.endswith((".py", ".pyc", ".so", ".pth")):
                Opened.paths.add(os.path.abspath(path))


def _tree(
    root: str, skip: Iterable[str], stamps: dict[str, Stamp], ignored: Sequence[str] = (), folders: bool = True
) -> None:
    """Stamp every file under `root`, and every folder unless `folders` is false, except folders
    named in `skip` and the folders `ignored` (absolute paths). The folders are those `files.walk`
    enters (no symlink to a folder); a file is stamped through its folder's listing (`DirEntry.stat`:
    the stat `_stamp` makes, without the path resolved from the root again: ~20% of a record)."""
    from .files import walk

    names_skipped = set(skip)
    paths_skipped = {p.rstrip(os.sep) for p in ignored}

    def stamp(entry: os.DirEntry[str]) -> None:
        try:
            s = entry.stat()
            stamps[entry.path] = (s.st_mtime_ns, s.st_ctime_ns, s.st_size, s.st_ino, s.st_mode)
        except (OSError, ValueError):
            stamps[entry.path] = None

    def skipped(rel: str) -> bool:
        return rel.rpartition("/")[2] in names_skipped or os.path.join(root, *rel.split("/")) in paths_skipped

    for folder, _, _ in walk(root, skipped, on_file=stamp):
        if folders:
            stamps[folder] = _stamp(folder)


def _probes(start: str, stamps: dict[str, Stamp]) -> None:
    """Every config and site file the searches upward from `start` may find."""
    here = start if os.path.isdir(start) else os.path.dirname(start)
    while True:
        for name in _CONFIG_PROBES:
            path = os.path.join(here, name)
            stamps[path] = _stamp(path)
        parent = os.path.dirname(here)
        if parent == here:
            return
        here = parent


def record(
    argv: Sequence[str],
    out: str,
    err: str,
    code: int,
    *,
    sites: Iterable[tuple[str, str]],
    starts: Iterable[str],
    skip: Iterable[str],
    ignored: Sequence[str],
    extra: Iterable[str],
    ours: Iterable[str],
    opened: Iterable[str],
    read: Mapping[str, bytes],
    due: float,
    started: float,
) -> None:
    """Store this run's output for `replayed`. `sites`: (folder holding _config.yml, source
    root) of each site checked; `starts`: where the searches began; `skip`: folder names not
    walked; `ignored`: folders (the sites' caches) neither walked nor stamped; `extra`: more
    paths to stamp; `ours`: the result caches this run read or wrote (replaced whole on each
    write, so a new stamp each time: never racy); `opened`: files the run opened; `read`: each
    checked file's content hash as the run read it; `due`: when a post comes due (the output
    changes then); `started`: when the run began."""
    import marshal

    from .cache import cache_dir, write_atomic
    from .jekyll.local_paths import BUILD_PROBES

    folder = cache_dir()
    key = _key(argv)
    destination = _path(key)
    if folder is None or destination is None:
        return
    stamps: dict[str, Stamp] = {}
    # the tool's own files, not its folders: Python writing bytecode makes a `__pycache__` in
    # each folder as it is first imported, which changes the folder's stamp (an upgrade or an
    # edit changes the files themselves)
    _tree(_PACKAGE, ("__pycache__",), stamps, folders=False)
    for config_dir, root in sites:
        for base in dict.fromkeys((config_dir, root)):
            _tree(base, skip, stamps, ignored)
            for name in BUILD_PROBES:  # a build step's files above the site
                path = os.path.join(os.path.dirname(base), name)
                stamps[path] = _stamp(path)
    for start in starts:
        _probes(os.path.abspath(start), stamps)
    for path in (*extra, *(os.path.abspath(p) for p in sys.path if p)):  # sys.path: a plugin installed
        stamps[path] = _stamp(path)
    outside = tuple(
        p.rstrip(os.sep) + os.sep for p in (str(folder), *ignored, sys.prefix, sys.base_prefix, "/proc", "/dev")
    )
    for path in opened:
        if not path.startswith(outside) and path not in stamps:
            stamps[path] = _stamp(path)
    for module in list(sys.modules.values()):  # code outside the installed packages: a rule plugin
        source = getattr(module, "__file__", None)  # installed editable, whose source may be edited
        if isinstance(source, str) and not source.startswith((*outside, _PACKAGE + os.sep)):
            stamps[source] = _stamp(source)
    hashed: list[tuple[str, bytes]] = []
    newest = (started - RACY) * 1e9
    for path, stamp in stamps.items():
        if stamp is None or stamp[0] < newest:
            continue
        content = read.get(path)
        if content is None:  # changed while the run read it, or just before (a folder: a file
            return  # came or went): no stamp of it can be trusted
        hashed.append((path, content))
    for path in ours:  # a corrupt or cleared result cache: the run warns, or checks again
        stamps[path] = _stamp(path)
    # The checked files first: after an edit, `replayed` meets the changed one at its first stats.
    ordered = sorted(stamps.items(), key=lambda item: (item[0] not in read, item[0]))
    write_atomic(Path(destination), marshal.dumps((FORMAT, key, ordered, hashed, due, out, err, code)))
    _prune(str(folder))


def _prune(folder: str) -> None:
    """Keep the KEEP most recent records (a pre-commit hook checks other posts each time)."""
    try:
        records = [e for e in os.scandir(folder) if e.name.startswith(NAME + "-") and e.name.endswith(".marshal")]
        records.sort(key=lambda e: e.stat().st_mtime_ns, reverse=True)
    except OSError:
        return
    for entry in records[KEEP:]:
        try:
            os.unlink(entry.path)
        except OSError:
            pass


def clear() -> int:
    """Remove every record (`cache clear`); returns how many were removed."""
    from .cache import cache_dir

    folder = cache_dir()
    removed = 0
    if folder is None:
        return 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    for name in names:
        if name.startswith(NAME + "-") and name.endswith(".marshal"):
            try:
                os.unlink(os.path.join(folder, name))
                removed += 1
            except OSError:
                pass
    return removed


__all__ = ["Opened", "clear", "record", "replayed"]
