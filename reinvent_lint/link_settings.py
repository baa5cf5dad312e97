"""The link checker's settings, in a module of their own: the run that hands its URLs to the link
worker (link_worker.py) builds them without importing the checker, whose asyncio costs ~25 ms of
CPU on that path; the worker has the checker imported already."""

from __future__ import annotations

from dataclasses import dataclass


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
