"""End-to-end tests of `reinvent-lint server`: a real LSP client (pytest-lsp) drives the server
over stdio, on small Jekyll sites written here."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from .conftest import write_site  # noqa: E402
from .jekyll_site import build, requires_jekyll  # noqa: E402

HERE = Path(__file__).resolve().parent
MAIN = str(HERE / "server_main.py")
WAIT = 30.0  # seconds before a test gives up waiting for a notification (a liveness bound, not a timing)

POST = "_posts/2024-01-01-hello.md"
POST_TEXT = """---
title: Hello
layout: post
---

An intro line.
More text here.\N{SPACE}

## Setup

#### Deep heading

Read [the other post]({% link _posts/2024-01-02-other.md %}) today.
"""
SITE = {
    "_layouts/post.html": "{{ content }}\n",
    POST: POST_TEXT,
    "_posts/2024-01-02-other.md": "---\ntitle: Other\nlayout: post\n---\n\nSome text about other things.\n",
}


def capabilities() -> lsp.ClientCapabilities:
    return client_capabilities("visual-studio-code")


async def start(client: LanguageClient, root: Path, options: object = None) -> None:
    registrations: list[lsp.Registration] = []
    client.registrations = registrations  # type: ignore[attr-defined]
    client.feature(lsp.CLIENT_REGISTER_CAPABILITY)(lambda params: registrations.extend(params.registrations))
    params = lsp.InitializeParams(capabilities=capabilities(), root_uri=root.as_uri(), initialization_options=options)
    await client.initialize_session(params)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, MAIN]))
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    write_site(tmp_path, SITE)
    await start(lsp_client, tmp_path)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, MAIN, "--crashing-rule"]))
async def crashing_client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    write_site(tmp_path, SITE)
    await start(lsp_client, tmp_path)
    yield
    await lsp_client.shutdown_session()


async def until(client: LanguageClient, method: str, ready: Callable[[], bool]) -> None:
    """Wait for notifications of `method` until `ready()` holds."""

    async def loop() -> None:
        while not ready():
            await client.wait_for_notification(method)

    await asyncio.wait_for(loop(), WAIT)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, MAIN]))
async def client_with_options(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    write_site(tmp_path, SITE)
    await start(lsp_client, tmp_path, {"rulesUrl": "https://blog.example/lint-rules"})
    yield
    await lsp_client.shutdown_session()


def codes(client: LanguageClient, uri: str) -> list[str]:
    return [str(d.code) for d in client.diagnostics.get(uri, [])]


def open_doc(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8") if text is None else text
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "markdown", version, text)))
    return uri


def change(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [lsp.TextDocumentContentChangeWholeDocument(text)],
        )
    )


async def diagnostics_for(
    client: LanguageClient, uri: str, ready: Callable[[list[str]], bool]
) -> Sequence[lsp.Diagnostic]:
    await until(
        client, lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, lambda: uri in client.diagnostics and ready(codes(client, uri))
    )
    return client.diagnostics[uri]


def apply(text: str, edits: Sequence[lsp.TextEdit]) -> str:
    """Apply LSP text edits (ASCII text here, so UTF-16 units are characters)."""
    lines = text.split("\n")

    def offset(p: lsp.Position) -> int:
        return sum(len(line) + 1 for line in lines[: p.line]) + p.character

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


def edits_of(action: lsp.CodeAction | lsp.Command, uri: str) -> list[lsp.TextEdit]:
    assert isinstance(action, lsp.CodeAction) and action.edit and action.edit.changes
    return list(action.edit.changes[uri])


async def actions_at(client: LanguageClient, uri: str, line: int) -> list[lsp.CodeAction]:
    whole_line = lsp.Range(lsp.Position(line, 0), lsp.Position(line, 0))
    params = lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), whole_line, lsp.CodeActionContext(diagnostics=[]))
    found = await client.text_document_code_action_async(params)
    return [a for a in found or [] if isinstance(a, lsp.CodeAction)]


# ----- the acceptance scenario ----------------------------------------------------------------
@pytest.mark.asyncio
async def test_open_post_gives_codes_ranges_severities_and_rule_pages(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_doc(client, tmp_path / POST)
    found = await diagnostics_for(client, uri, lambda c: "RL201" in c)
    by_code = {str(d.code): d for d in found}
    assert set(by_code) == {"RL201", "RL601"}
    heading = by_code["RL201"]
    assert heading.range == lsp.Range(lsp.Position(10, 0), lsp.Position(10, 17))  # "#### Deep heading"
    assert heading.severity == lsp.DiagnosticSeverity.Warning
    assert heading.source == "reinvent-lint"
    assert heading.code_description is not None
    page = heading.code_description.href  # the page shipped in the package, as SARIF's helpUri
    assert page.startswith("file:///") and page.endswith("/RL201-heading-level-skip.md")
    space = by_code["RL601"]
    assert space.range == lsp.Range(lsp.Position(6, 15), lsp.Position(6, 16))
    assert space.severity == lsp.DiagnosticSeverity.Information


@pytest.mark.asyncio
async def test_the_rule_pages_url_can_be_set_by_the_client(client_with_options: LanguageClient, tmp_path: Path) -> None:
    uri = open_doc(client_with_options, tmp_path / POST)
    found = await diagnostics_for(client_with_options, uri, lambda c: "RL201" in c)
    pages = {d.code_description.href for d in found if d.code == "RL201" and d.code_description}
    assert pages == {"https://blog.example/lint-rules/RL201-heading-level-skip.md"}


@pytest.mark.asyncio
async def test_the_unsaved_buffer_is_checked_and_edits_update_diagnostics(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri = open_doc(client, tmp_path / POST)
    await diagnostics_for(client, uri, lambda c: "RL201" in c)
    fixed = POST_TEXT.replace("#### Deep", "### Deep")
    change(client, uri, fixed, 2)
    await diagnostics_for(client, uri, lambda c: "RL201" not in c)
    broken = fixed + "\nA [link](http://exa mple.com) with a space.\n"
    change(client, uri, broken, 3)
    found = await diagnostics_for(client, uri, lambda c: "RL401" in c)
    assert [d.range.start.line for d in found if d.code == "RL401"] == [14]
    assert (tmp_path / POST).read_text(encoding="utf-8") == POST_TEXT  # nothing written to disk


@pytest.mark.asyncio
async def test_applying_a_fix_action_removes_the_defect(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_doc(client, tmp_path / POST)
    await diagnostics_for(client, uri, lambda c: "RL601" in c)
    actions = await actions_at(client, uri, 6)
    fixes = [a for a in actions if a.title.startswith("Fix RL601")]
    assert len(fixes) == 1 and fixes[0].is_preferred and fixes[0].kind == lsp.CodeActionKind.QuickFix
    text = apply(POST_TEXT, edits_of(fixes[0], uri))
    assert text == POST_TEXT.replace("here. \n", "here.\n")
    change(client, uri, text, 2)
    await diagnostics_for(client, uri, lambda c: "RL601" not in c and "RL201" in c)


@pytest.mark.asyncio
async def test_disable_for_this_line_inserts_the_suppression_comment(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_doc(client, tmp_path / POST)
    await diagnostics_for(client, uri, lambda c: "RL201" in c)
    actions = await actions_at(client, uri, 10)
    disable = [a for a in actions if a.title == "Disable RL201 heading-level-skip for this line"]
    assert len(disable) == 1
    text = apply(POST_TEXT, edits_of(disable[0], uri))
    assert "<!-- reinvent-lint disable-next-line RL201 -->\n#### Deep heading" in text
    change(client, uri, text, 2)
    await diagnostics_for(client, uri, lambda c: "RL201" not in c and "RL001" not in c and "RL601" in c)


@pytest.mark.asyncio
async def test_unsafe_fixes_are_separate_labelled_actions(client: LanguageClient, tmp_path: Path) -> None:
    text = POST_TEXT + "\nWe saw the the cat yesterday.\n"
    uri = open_doc(client, tmp_path / POST, text)
    found = await diagnostics_for(client, uri, lambda c: "RL502" in c)
    line = next(d.range.start.line for d in found if d.code == "RL502")
    actions = await actions_at(client, uri, line)
    unsafe = [a for a in actions if a.title.startswith("Unsafe fix RL502")]
    assert unsafe and all("may change the meaning" in a.title and not a.is_preferred for a in unsafe)


@pytest.mark.asyncio
async def test_fix_all_applies_every_safe_fix(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_doc(client, tmp_path / POST)
    await diagnostics_for(client, uri, lambda c: "RL601" in c)
    whole = lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0))
    context = lsp.CodeActionContext(diagnostics=[], only=[lsp.CodeActionKind.SourceFixAll])
    found = await client.text_document_code_action_async(
        lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), whole, context)
    )
    assert found and [a.kind for a in found if isinstance(a, lsp.CodeAction)] == ["source.fixAll.reinvent-lint"]
    assert apply(POST_TEXT, edits_of(found[0], uri)) == POST_TEXT.replace("here. \n", "here.\n")


@pytest.mark.asyncio
async def test_fix_all_is_computed_only_when_chosen(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_doc(client, tmp_path / POST)
    await diagnostics_for(client, uri, lambda c: "RL601" in c)
    offered = [a for a in await actions_at(client, uri, 6) if a.kind == "source.fixAll.reinvent-lint"]
    assert len(offered) == 1 and offered[0].edit is None  # a cursor move does not run the fixer
    resolved = await client.code_action_resolve_async(offered[0])
    assert apply(POST_TEXT, edits_of(resolved, uri)) == POST_TEXT.replace("here. \n", "here.\n")


@pytest.mark.asyncio
async def test_renaming_a_linked_post_updates_the_linking_post(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_doc(client, tmp_path / POST)
    await diagnostics_for(client, uri, lambda c: "RL201" in c)
    assert "RL402" not in codes(client, uri)
    old, new = tmp_path / "_posts/2024-01-02-other.md", tmp_path / "_posts/2024-01-03-other.md"
    old.rename(new)
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            [
                lsp.FileEvent(old.as_uri(), lsp.FileChangeType.Deleted),
                lsp.FileEvent(new.as_uri(), lsp.FileChangeType.Created),
            ]
        )
    )
    found = await diagnostics_for(client, uri, lambda c: "RL402" in c)
    missing = next(d for d in found if d.code == "RL402")
    assert missing.range.start.line == 12 and "2024-01-03-other.md" in missing.message  # it suggests the new name
    new.rename(old)
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            [
                lsp.FileEvent(new.as_uri(), lsp.FileChangeType.Deleted),
                lsp.FileEvent(old.as_uri(), lsp.FileChangeType.Created),
            ]
        )
    )
    await diagnostics_for(client, uri, lambda c: "RL402" not in c)


@pytest.mark.asyncio
async def test_saving_a_post_updates_the_posts_linking_to_it(client: LanguageClient, tmp_path: Path) -> None:
    linking = POST_TEXT.replace("%}) today", "%}#setup) today")
    uri = open_doc(client, tmp_path / POST, linking)
    await diagnostics_for(client, uri, lambda c: "RL404" in c)  # no heading "Setup" in the other post yet
    other = tmp_path / "_posts/2024-01-02-other.md"
    other_uri = open_doc(client, other)
    edited = other.read_text(encoding="utf-8") + "\n## Setup\n\nHow to set it up.\n"
    change(client, other_uri, edited, 2)
    other.write_text(edited, encoding="utf-8")
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(other_uri)))
    await diagnostics_for(client, uri, lambda c: "RL404" not in c and "RL201" in c)


@pytest.mark.asyncio
async def test_config_changes_are_reloaded_and_a_broken_config_is_reported(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri = open_doc(client, tmp_path / POST)
    await diagnostics_for(client, uri, lambda c: "RL601" in c)
    config = tmp_path / ".reinvent-lint.toml"
    config.write_text('ignore = ["trailing-whitespace"]\n', encoding="utf-8")
    event = lsp.DidChangeWatchedFilesParams([lsp.FileEvent(config.as_uri(), lsp.FileChangeType.Created)])
    client.workspace_did_change_watched_files(event)
    await diagnostics_for(client, uri, lambda c: "RL601" not in c and "RL201" in c)
    # A broken config: said once, and the last good config stays in force.
    config.write_text('ignore = ["no-such-rule"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams([lsp.FileEvent(config.as_uri(), lsp.FileChangeType.Changed)])
    )
    await until(client, lsp.WINDOW_SHOW_MESSAGE, lambda: any("no-such-rule" in m.message for m in client.messages))
    change(client, uri, POST_TEXT + "\n", 2)
    found = await diagnostics_for(client, uri, lambda c: "RL201" in c)
    assert "RL601" not in [d.code for d in found]


@pytest.mark.asyncio
async def test_the_server_asks_to_watch_the_files_of_the_workspace(client: LanguageClient) -> None:
    async def registered() -> lsp.Registration:
        while not client.registrations:  # type: ignore[attr-defined]
            await asyncio.sleep(0.05)
        return client.registrations[0]  # type: ignore[attr-defined,no-any-return]

    found = await asyncio.wait_for(registered(), WAIT)
    assert found.method == lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES
    assert found.register_options is not None
    assert [w["globPattern"] for w in found.register_options["watchers"]] == ["**/*"]


# ----- bad input ------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_invalid_utf8_in_the_buffer_is_one_diagnostic(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_doc(client, tmp_path / POST, POST_TEXT.replace("An intro", "An \udce9 intro"))  # a lone surrogate
    found = await diagnostics_for(client, uri, lambda c: True)
    assert [(d.severity, d.range.start.line) for d in found] == [(lsp.DiagnosticSeverity.Error, 5)]
    assert "not valid UTF-8" in found[0].message
    change(client, uri, POST_TEXT, 2)  # the server lives on
    await diagnostics_for(client, uri, lambda c: "RL201" in c)


@pytest.mark.asyncio
async def test_broken_yaml_and_a_huge_paste_give_diagnostics(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_doc(client, tmp_path / POST, "---\ntitle: [unclosed\n---\n\nText.\n")
    await diagnostics_for(client, uri, lambda c: "RL102" in c)
    huge = POST_TEXT + ("A paragraph of pasted text that goes on and on. " * 20 + "\n\n") * 2000  # ~2 MB
    change(client, uri, huge, 2)
    await diagnostics_for(client, uri, lambda c: "RL102" not in c and "RL201" in c)


@pytest.mark.asyncio
async def test_a_crashing_rule_is_logged_and_the_server_survives(
    crashing_client: LanguageClient, tmp_path: Path
) -> None:
    client = crashing_client
    uri = open_doc(client, tmp_path / POST)
    await diagnostics_for(client, uri, lambda c: "RL201" in c)
    await until(client, lsp.WINDOW_LOG_MESSAGE, lambda: any("RL999" in m.message for m in client.log_messages))
    logged = next(m for m in client.log_messages if "RL999" in m.message)
    assert logged.type == lsp.MessageType.Error and "ZeroDivisionError" in logged.message


def test_garbage_on_stdin_is_survived_and_shutdown_exits_cleanly(tmp_path: Path) -> None:
    """Raw JSON-RPC: a message body that is not UTF-8, then a proper shutdown and exit."""

    def frame(body: bytes) -> bytes:
        return f"Content-Length: {len(body)}\r\n\r\n".encode() + body

    init = (
        b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}'
    )
    garbage = b'{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///x.md","languageId":"markdown","version":1,"text":"\xff\xfe"}}}'
    shutdown = b'{"jsonrpc":"2.0","id":2,"method":"shutdown"}'
    exit_ = b'{"jsonrpc":"2.0","method":"exit"}'
    messages = frame(init) + frame(b'{"jsonrpc":"2.0","method":"initialized","params":{}}') + frame(garbage)
    messages += frame(shutdown) + frame(exit_)
    done = subprocess.run([sys.executable, MAIN], input=messages, capture_output=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert b'"id": 2' in done.stdout or b'"id":2' in done.stdout  # the shutdown was answered


def test_exit_without_shutdown_exits_with_1(tmp_path: Path) -> None:
    body = b'{"jsonrpc":"2.0","method":"exit"}'
    done = subprocess.run(
        [sys.executable, MAIN],
        input=f"Content-Length: {len(body)}\r\n\r\n".encode() + body,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 1


def test_without_pygls_the_command_says_how_to_install_it(tmp_path: Path) -> None:
    (tmp_path / "pygls").mkdir()
    (tmp_path / "pygls" / "__init__.py").write_text("raise ImportError('hidden for the test')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(HERE.parent)])}
    done = subprocess.run(
        [sys.executable, "-m", "reinvent_lint", "server"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "reinvent-lint: error: reinvent-lint server needs pygls and lsprotocol: pip install 'reinvent-lint[server]'"
    ]


# ----- in process: positions and suppression comments -----------------------------------------
def test_positions_count_utf16_units_and_skip_bom_and_cr() -> None:
    from pygls.workspace.position_codec import PositionCodec

    from reinvent_lint.server.lsp import Lines

    units = PositionCodec(lsp.PositionEncodingKind.Utf16).client_num_units
    assert Lines("a\U0001f600b\n", units).position(1, 3) == lsp.Position(0, 3)  # the emoji is two units
    assert Lines("\ufeffab\n", units).position(1, 1) == lsp.Position(0, 1)  # the BOM is in the buffer, not the text
    crlf = Lines("ab\r\ncd\r\n", units)
    assert crlf.position(1, 1 << 30) == lsp.Position(0, 2)  # end of line: before the CR
    assert crlf.position(2, 2) == lsp.Position(1, 1)
    utf32 = PositionCodec(lsp.PositionEncodingKind.Utf32).client_num_units
    assert Lines("a\U0001f600b\n", utf32).position(1, 3) == lsp.Position(0, 2)


def _suppression(tmp_path: Path, text: str, line: int) -> str | None:
    """The text after inserting the line suppression the server offers for a problem on `line`."""
    from reinvent_lint.fixer import apply_edits
    from reinvent_lint.problem import Problem
    from reinvent_lint.server.checker import Checker

    write_site(tmp_path, {POST: text})
    checker = Checker()
    outcome = checker.check(tmp_path / POST, text)
    assert outcome.doc is not None
    edit = checker.line_suppression(outcome.doc, Problem(POST, line, 1, "RL601", "trailing-whitespace", "x"))
    return None if edit is None else apply_edits(text, [edit])


FM = "---\ntitle: Hello\n---\n\n"


SUPPRESSION_CASES = [
    ("First line.\n", 5, "<!-- reinvent-lint disable-next-line RL601 -->\nFirst line.\n"),
    ("First line.\nSecond line.\n", 6, "First line.\nSecond line. <!-- reinvent-lint disable-line RL601 -->\n"),
    (
        "- a\n- b\n",
        6,
        "- a\n- b <!-- reinvent-lint disable-line RL601 -->\n",
    ),  # a comment line splits the list
    ("Text.\n# Head\n", 6, "Text.\n<!-- reinvent-lint disable-next-line RL601 -->\n# Head\n"),
    ("```\ncode\n```\n", 6, None),  # inside code: a comment would be shown as code
    ("| a | b |\n|---|---|\n| c | d |\n", 7, None),  # a comment line ends the table, one after it adds a cell
    ("{% raw %}\nx\n{% endraw %}\n", 6, None),
]
SUPPRESSION_IDS = ["paragraph-start", "paragraph-continuation", "list-item", "heading", "code", "table", "raw"]


@pytest.mark.parametrize(("body", "line", "expected"), SUPPRESSION_CASES, ids=SUPPRESSION_IDS)
def test_line_suppression_never_changes_the_page(tmp_path: Path, body: str, line: int, expected: str | None) -> None:
    assert _suppression(tmp_path, FM + body, line) == (None if expected is None else FM + expected)


@requires_jekyll
def test_suppression_comments_render_nothing_in_real_jekyll(tmp_path: Path) -> None:
    """Each suppression the server inserts leaves the HTML Jekyll (kramdown) writes unchanged,
    but for the comment itself and insignificant whitespace."""
    files = {}
    for name, (body, _line, expected) in zip(SUPPRESSION_IDS, SUPPRESSION_CASES):
        if expected is not None:
            files[f"{name}-before.md"] = "---\n---\n" + body
            files[f"{name}-after.md"] = "---\n---\n" + expected
    built = build(tmp_path, files)
    assert not built.failed, built.log

    def shown(html: str) -> str:
        html = re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL)
        return re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", html)).strip()

    for name in {f.rsplit("-", 1)[0] for f in files}:
        before, after = built.html(f"{name}-before.html"), built.html(f"{name}-after.html")
        assert "reinvent-lint disable" in after, name
        assert shown(after) == shown(before), name


def test_no_line_suppression_in_front_matter(tmp_path: Path) -> None:
    assert _suppression(tmp_path, FM + "Text.\n", 2) is None


def test_checker_honours_exclude_and_reports_site_wide_rules(tmp_path: Path) -> None:
    from reinvent_lint.server.checker import Checker

    again = "---\ntitle: Hello\n---\n\nSame title.\n"
    write_site(tmp_path, {**SITE, "_posts/2024-01-03-again.md": again})
    checker = Checker()
    found = checker.check(tmp_path / "_posts/2024-01-03-again.md", again)
    assert [(p.code, p.line) for p in found.problems] == [("RL707", 1)]  # duplicate-title, from the files on disk
    assert "RL707" not in [p.code for p in checker.check(tmp_path / POST, POST_TEXT).problems]
    (tmp_path / ".reinvent-lint.toml").write_text('exclude = ["_posts/2024-01-01-*"]\n', encoding="utf-8")
    assert checker.files_changed([tmp_path / ".reinvent-lint.toml"])[0]
    assert checker.check(tmp_path / POST, POST_TEXT).problems == []


def test_fix_edits_keep_crlf_line_endings(tmp_path: Path) -> None:
    from pygls.workspace.position_codec import PositionCodec

    from reinvent_lint.server.checker import Checker
    from reinvent_lint.server.lsp import Lines

    write_site(tmp_path, SITE)
    text = POST_TEXT.replace("\n", "\r\n")
    outcome = Checker().check(tmp_path / POST, text)
    assert outcome.doc is not None and outcome.doc.crlf
    trailing = next(p for p in outcome.problems if p.code == "RL601")
    assert trailing.fix is not None
    lines = Lines(text, PositionCodec(lsp.PositionEncodingKind.Utf16).client_num_units)
    edit = lines.edit(outcome.doc, trailing.fix.edits[0])
    assert edit.range == lsp.Range(lsp.Position(6, 15), lsp.Position(6, 16)) and edit.new_text == ""


@pytest.mark.asyncio
async def test_a_file_saved_in_another_encoding_is_reported(client: LanguageClient, tmp_path: Path) -> None:
    text = POST_TEXT.replace("An intro line.", "An intro line, café.")
    (tmp_path / POST).write_bytes(text.encode("latin-1"))  # the editor decoded it as Latin-1
    uri = open_doc(client, tmp_path / POST, text)
    found = await diagnostics_for(client, uri, lambda c: "RL201" in c)
    saved = [d for d in found if d.code is None]
    assert [(d.range.start.line, d.severity) for d in saved] == [(5, lsp.DiagnosticSeverity.Error)]
    assert saved[0].message == "the file as saved: not valid UTF-8 (byte 0xe9)"


def test_one_save_announced_twice_rebuilds_the_site_index_once(tmp_path: Path) -> None:
    from reinvent_lint.server.checker import Checker

    write_site(tmp_path, SITE)
    checker = Checker()
    checker.check(tmp_path / POST, POST_TEXT)
    other = tmp_path / "_posts/2024-01-02-other.md"
    other.write_text(other.read_text(encoding="utf-8") + "More.\n", encoding="utf-8")
    assert checker.files_changed([other]) == (False, {tmp_path.resolve()})  # didSave
    checker.check(tmp_path / POST, POST_TEXT)
    assert checker.files_changed([other]) == (False, set())  # the file event of the same save
    assert checker.files_changed([tmp_path / "_site/index.html"]) == (False, set())  # build output


def test_the_server_never_checks_links_over_the_network(tmp_path: Path) -> None:
    from reinvent_lint.server.checker import Checker

    write_site(tmp_path, {**SITE, ".reinvent-lint.toml": '[links]\nmode = "all"\n\n[style]\nmode = "always"\n'})
    linter = Checker().linter(tmp_path / POST)
    assert linter.config.links["mode"] == "cached"  # verdicts from the link cache only
    assert linter.config.style["mode"] == "off"


def test_the_config_sets_the_rule_pages_url(tmp_path: Path) -> None:
    from reinvent_lint.server.checker import Checker

    config = '[output]\nrule-url = "https://blog.example/rules/{page}"\n'
    write_site(tmp_path, {**SITE, ".reinvent-lint.toml": config})
    assert Checker().check(tmp_path / POST, POST_TEXT).rule_url == "https://blog.example/rules/{page}"


def test_cached_link_verdicts_are_shown(tmp_path: Path) -> None:
    from reinvent_lint.link_cache import LinkCache, Verdict
    from reinvent_lint.server.checker import Checker

    write_site(tmp_path, SITE)
    cache = LinkCache(tmp_path / ".reinvent-lint-cache", 86400, 86400)
    cache.put([Verdict("https://gone.example/page", "dead", 404, "HTTP 404")])
    cache.close()
    text = POST_TEXT + "\nSee [the page](https://gone.example/page) and [that](https://unknown.example/).\n"
    found = Checker().check(tmp_path / POST, text).problems
    assert [(p.code, p.line) for p in found if p.code.startswith("RL41")] == [("RL410", 15)]
