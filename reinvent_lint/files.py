"""Bounded, non-blocking file access: read regular files only, up to a size cap, and walk folders
without recursion. Every place that reads a file the user controls goes through here, so a FIFO
named `x.md` cannot block a run, a symlink to `/dev/zero` cannot eat the memory, and a tree
1,200 folders deep cannot overflow the stack.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

MAX_FILE_BYTES = 10 * 1024 * 1024  # per post; `[limits] max-file-size` (MB) changes it
# The [limits] config table: the size cap per post in MB, the budget of CPU seconds per file for
# the expensive optional parts (the style pack, third-party rules), and the findings one rule may
# report in one file (a generated post with a million repeated words: the first ones tell it all,
# and holding them all costs time and memory without end).
LIMITS: dict[str, float] = {"max-file-size": 10.0, "time-budget": 1.0, "max-findings": 10_000}
_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


class Refused(OSError):
    """A file that is not read: not a regular file, or too large. str() is one line."""

    def __init__(self, message: str, code: int = errno.EINVAL) -> None:
        super().__init__(code, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def max_bytes(limits: object) -> int:
    """The size cap in bytes from a [limits] mapping."""
    value = (
        limits.get("max-file-size", LIMITS["max-file-size"]) if isinstance(limits, Mapping) else LIMITS["max-file-size"]
    )
    return int(float(value) * 1024 * 1024)


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    if size >= 1024:
        return f"{size / 1024:.3g} KB"
    return f"{size} bytes"


def read_regular_file(path: Path | str, max_bytes: int | None = MAX_FILE_BYTES) -> bytes:
    """The bytes of `path` (symlinks followed), refusing anything but a regular file and files
    over `max_bytes`. Opening is non-blocking, so a FIFO is refused, not waited on."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            raise Refused(f"is {kind}, not a regular file; skipped")
        if max_bytes is not None and info.st_size > max_bytes:
            raise Refused(f"skipped, larger than {size_text(max_bytes)} ({size_text(info.st_size)})", errno.EFBIG)
        limit = (max_bytes if max_bytes is not None else info.st_size) + 1
        chunks = []
        total = 0
        while total < limit:  # the file may grow while it is read: never read past the cap
            chunk = os.read(fd, min(limit - total, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if max_bytes is not None and total > max_bytes:
            raise Refused(f"skipped, larger than {size_text(max_bytes)} (it grew while being read)", errno.EFBIG)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text_file(path: Path | str, max_bytes: int | None = MAX_FILE_BYTES, errors: str = "replace") -> str:
    """`read_regular_file` decoded as UTF-8 (a BOM dropped)."""
    return read_regular_file(path, max_bytes).decode("utf-8-sig", errors=errors)


def walk(
    root: str,
    skip: Callable[[str], bool] = lambda rel: False,
    links: set[str] | None = None,
    on_file: Callable[[os.DirEntry[str]], None] | None = None,
) -> Iterator[tuple[str, list[str], list[str]]]:
    """Like os.walk(root) without following symlinks, but iterative (no recursion limit) and
    without sorting: yields (folder, sub-folder names, file names). `skip(rel)` is called with
    each sub-folder's root-relative POSIX path; folders it accepts are not entered. Symlinks to
    folders are neither entered nor listed; other entries (files, symlinks to files, broken
    links, FIFOs ...) are listed as files. Unreadable folders are skipped. `links`, when given,
    gets the path (folder joined with name) of each file listed that is a symbolic link, as the
    folder's listing tells it (no `lstat` per file). `on_file`, when given, is called with each
    file's entry of the listing as it is listed (before its folder is yielded)."""
    stack = [(root, "")]  # each folder with its root-relative POSIX prefix ("a/b/"), as relpath gives it
    while stack:
        folder, prefix = stack.pop()
        dirs: list[str] = []
        names: list[str] = []
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    if not is_dir:
                        names.append(entry.name)
                        if links is not None and entry.is_symlink():
                            links.add(entry.path)
                        if on_file is not None:
                            on_file(entry)
                    elif not entry.is_symlink():
                        dirs.append(entry.name)
        except OSError:
            continue
        dirs = [d for d in dirs if not skip(prefix + d)]
        yield folder, dirs, names
        stack.extend((os.path.join(folder, d), prefix + d + "/") for d in reversed(dirs))


def pid_alive(pid: int) -> bool:
    """Whether a process runs with this id (a temporary file or folder of a killed run has none)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True
