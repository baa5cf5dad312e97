"""External links (RL410-RL412). The engine checks every unique URL of a run once, after the
documents (see external.py and http_check.py); these entries declare the rules so they can be
selected, configured and documented like any other."""

from __future__ import annotations

from collections.abc import Iterator

from ..problem import Problem, Severity
from ..rule import Context, rule


def _reported_by_the_link_phase(ctx: Context) -> Iterator[Problem]:
    return iter(())


dead_link = rule("RL410", "dead-link", "External links must not be dead (404, 410, a host that does not exist).",
                 severity=Severity.ERROR)(_reported_by_the_link_phase)  # fmt: skip
unverified_link = rule("RL411", "unverified-link",
                       "External links that could not be verified (403, 429, timeouts, TLS errors).",
                       severity=Severity.WARNING)(_reported_by_the_link_phase)  # fmt: skip
permanent_redirect = rule("RL412", "permanent-redirect",
                          "External links that permanently redirect (301, 308) should point at the final URL.",
                          severity=Severity.INFO, fixable=True)(_reported_by_the_link_phase)  # fmt: skip

RULES = [dead_link, unverified_link, permanent_redirect]
