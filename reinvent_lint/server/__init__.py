"""`reinvent-lint server`: the language server (see lsp.py). pygls and lsprotocol are an optional
extra (`pip install 'reinvent-lint[server]'`); without them the command says so in one line."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ..rule import Rule

INSTALL_HINT = "reinvent-lint server needs pygls and lsprotocol: pip install 'reinvent-lint[server]'"


def main(rules: Sequence[Rule] | None = None) -> int:
    """Serve the Language Server Protocol over stdin/stdout until the client says exit."""
    try:
        import lsprotocol.types  # noqa: F401
        import pygls.lsp.server  # noqa: F401
    except ImportError:
        print(f"reinvent-lint: error: {INSTALL_HINT}", file=sys.stderr)
        return 2
    from .lsp import serve

    return serve(rules)
