"""The link checker's settings, in a module of their own: the run that hands its URLs to the link
worker (link_worker.py) builds them without importing the checker, whose asyncio costs ~25 ms of
CPU on that path; the worker has the checker imported already."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Settings:
    concurrency: int = 32
    per_host: int = 4
    min_interval: float = 0.0  # seconds between requests to one host
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.5
    max_redirects: int = 10
    retry_after_cap: float = 60.0
    allow_private: bool = False


def from_config(links: Mapping[str, Any]) -> Settings:
    """The settings of a `[links]` table (external.DEFAULTS filled in)."""
    return Settings(
        concurrency=links["concurrency"], per_host=links["per-host"], min_interval=links["min-interval"],
        timeout=links["timeout"], retries=links["retries"], max_redirects=links["max-redirects"],
        retry_after_cap=links["retry-after-cap"], allow_private=links["allow-private"],
    )  # fmt: skip
