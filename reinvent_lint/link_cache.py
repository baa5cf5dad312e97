"""The external-link cache: one SQLite file (WAL) under `.reinvent-lint-cache/`, so the second
run of a CI gate decides in well under a second what the first spent minutes on.

Safe when two runs share it (WAL, a busy timeout, one short transaction per write batch), and a
corrupt or truncated file is set aside and rebuilt with a warning, never a crash."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    url TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    code INTEGER,
    reason TEXT NOT NULL,
    final_url TEXT,
    permanent INTEGER NOT NULL DEFAULT 0,
    checked_at REAL NOT NULL
)
"""
FILE_NAME = "links.sqlite"


@dataclass(frozen=True)
class Verdict:
    url: str
    status: str  # "ok", "dead" or "unverified"
    code: int | None
    reason: str
    final_url: str | None = None
    permanent: bool = False  # reached through a 301/308 redirect
    checked_at: float = 0.0


class LinkCache:
    def __init__(self, folder: Path, ok_max_age: float, fail_max_age: float) -> None:
        self.folder = folder
        self.path = folder / FILE_NAME
        self.ok_max_age = ok_max_age
        self.fail_max_age = fail_max_age
        self.warnings: list[str] = []
        self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect_patiently()
        except sqlite3.OperationalError:
            raise  # busy for too long: not corruption, and never a reason to discard the file
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_name(f"{FILE_NAME}.corrupt-{int(time.time())}")
            try:
                self.path.replace(aside)
            except OSError:
                self.path.unlink(missing_ok=True)
            self.warnings.append(f"link cache {self.path} was unreadable ({exc}); moved to {aside.name} and rebuilt")
            for suffix in ("-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            return self._connect()

    def _connect_patiently(self) -> sqlite3.Connection:
        """Connect, waiting out another run that holds the database (a locked database is an
        OperationalError; only other DatabaseErrors mean a damaged file)."""
        for attempt in range(50):
            try:
                return self._connect()
            except sqlite3.OperationalError as exc:
                if ("locked" not in str(exc) and "busy" not in str(exc)) or attempt == 49:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA busy_timeout = 30000")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(SCHEMA)
        check = db.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            db.close()
            raise sqlite3.DatabaseError(f"quick_check: {check[0] if check else 'no answer'}")  # damaged, not busy
        db.commit()
        return db

    def get(self, urls: Iterable[str], fresh_only: bool = True) -> dict[str, Verdict]:
        now = time.time()
        found: dict[str, Verdict] = {}
        urls = list(urls)
        for i in range(0, len(urls), 500):
            batch = urls[i : i + 500]
            rows = self.db.execute(
                "SELECT url, status, code, reason, final_url, permanent, checked_at FROM results "
                f"WHERE url IN ({','.join('?' * len(batch))})",
                batch,
            ).fetchall()
            for url, status, code, reason, final_url, permanent, checked_at in rows:
                age = now - checked_at
                if fresh_only and age > (self.ok_max_age if status == "ok" else self.fail_max_age):
                    continue
                found[url] = Verdict(url, status, code, reason, final_url, bool(permanent), checked_at)
        return found

    def put(self, verdicts: Iterable[Verdict]) -> None:
        rows = [
            (v.url, v.status, v.code, v.reason, v.final_url, int(v.permanent), v.checked_at or time.time())
            for v in verdicts
        ]
        if not rows:
            return
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO results (url, status, code, reason, final_url, permanent, checked_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def clear(self) -> int:
        with self.db:
            return self.db.execute("DELETE FROM results").rowcount

    def close(self) -> None:
        self.db.close()
