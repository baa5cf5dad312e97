"""The one base class of every error that ends a run with a clear one-line message (exit 2)."""


class ReinventLintError(Exception):
    """str() is the whole message: one line, naming the file and what is wrong."""
