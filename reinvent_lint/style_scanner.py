"""pymarkdownlnt set up once per style worker (style_run.py), not once per post.

`PyMarkdownApi.scan_string` builds a whole pymarkdownlnt run for every string it scans:
argument parsing, the configuration layers, a plugin manager that loads and registers every
rule, the extensions, and a tokenizer that reads its 2,000-entry entity table from JSON. That
is ~8 ms of CPU a post whatever its size (2 CPU-s on a 270-post blog). `pymarkdown scan` builds
those objects once and scans file after file with them; `Scanner` does the same for strings:
the first post goes through the API while the objects it builds are kept, and every later post
is handed to the kept scan helper, exactly as the API hands it the first one.

If this pymarkdownlnt does not build its objects the way this expects, or a scan fails (its
state may then be half-way through a file), the next post goes through the API again.

`quiet_parser_debug()` removes pymarkdownlnt's own superlinear cost: before every line its
block parser formats the whole token list parsed so far into a debug message, even with
debug logging off (an f-string is built before the logger is asked). On a 1,500-line post that
is most of the parse; on kubevirt's posts it halves the style pack's CPU. The message now
names the number of tokens; the parser's data and results are untouched (the corpus findings
are identical with and without it).
"""

from __future__ import annotations

from typing import Any


class Scanner:
    """`scan_string(text)` as `PyMarkdownApi.scan_string`, with one pymarkdownlnt set-up."""

    def __init__(self, api: Any) -> None:
        self.api = api
        self._helper: Any = None  # pymarkdownlnt's FileScanHelper, with its tokenizer and plugins
        self._args: Any = None
        self._presentation: Any = None

    def scan_string(self, text: str) -> Any:
        if self._helper is None or not text.strip():
            return self._through_api(text)
        from pymarkdown.api import PyMarkdownApiException, PyMarkdownScanPathResult

        presentation = self._presentation
        for kept in (presentation.pso, presentation.pse, presentation.pragma_errors, presentation.scan_failures):
            kept.clear()
        message = None
        try:
            self._helper.process_files_to_scan(self._args, True, [], text)
        except SystemExit:  # pymarkdownlnt reported the failure to the presentation, then exited
            message = presentation.pse[-1].strip("\n") if presentation.pse else "scan failed"
        except ValueError as exc:  # the API's own wording (pymarkdown/main.py), which describe_failure reads
            message = f"Configuration Error: {exc}"
        except Exception as exc:
            message = f"Unexpected Error({type(exc).__name__}): {exc}"
        if message is None and presentation.pse:
            message = presentation.pse[-1].strip("\n")
        if message is not None:
            self._helper = None  # its state may be mid-file: the next post sets up afresh
            raise PyMarkdownApiException(message)
        return PyMarkdownScanPathResult(list(presentation.scan_failures), list(presentation.pragma_errors), [])

    def _through_api(self, text: str) -> Any:
        """One scan through the public API, keeping the scan helper it builds."""
        import pymarkdown.main
        from pymarkdown.api import PyMarkdownApi

        main: Any = pymarkdown.main  # the module whose `FileScanHelper` its scan builds
        kept: list[tuple[Any, Any, Any]] = []
        base = main.FileScanHelper

        class Keeping(base):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                shown = [a for a in (*args, *kwargs.values()) if isinstance(a, PyMarkdownApi.ApiPresentation)]
                self.kept_presentation = shown[0] if len(shown) == 1 else None

            def process_files_to_scan(self, args: Any, use_standard_in: bool, *rest: Any) -> Any:
                if use_standard_in and self.kept_presentation is not None:
                    kept.append((self, args, self.kept_presentation))
                return super().process_files_to_scan(args, use_standard_in, *rest)

        main.FileScanHelper = Keeping
        try:
            result = self.api.scan_string(text)
        finally:
            main.FileScanHelper = base
        if len(kept) == 1:
            self._helper, self._args, self._presentation = kept[0]
        return result


def quiet_parser_debug() -> None:
    """Stop pymarkdownlnt formatting its whole token list before every line (see the module
    docstring). Only the debug message changes; a pymarkdownlnt without the hook is left as is."""
    try:
        from pymarkdown.general.parser_state import ParserState
    except ImportError:  # pragma: no cover - the dependency is declared
        return
    original = ParserState.mark_start_information
    if getattr(original, "quieted", False):
        return

    def mark_start_information(self: Any, position_marker: Any) -> None:
        tokens = getattr(self, "_ParserState__token_document", None)
        if type(tokens) is not list:
            original(self, position_marker)
            return
        self._ParserState__token_document = _Unprinted(tokens)  # the same tokens, printed short
        try:
            original(self, position_marker)
        finally:
            self._ParserState__token_document = tokens

    mark_start_information.quieted = True  # type: ignore[attr-defined]
    mark_start_information.original = original  # type: ignore[attr-defined]
    ParserState.mark_start_information = mark_start_information  # type: ignore[method-assign]


class _Unprinted(list):  # type: ignore[type-arg]
    """A copy of the token list that prints as its length: what the debug message gets."""

    def __repr__(self) -> str:
        return f"<{len(self)} tokens>"
