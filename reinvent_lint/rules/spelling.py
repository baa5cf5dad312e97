"""Typos on a tech blog: high recall, almost no noise.

Only prose is read (see prose.py). The layers are in speller.py; this module turns verdicts into
problems, learns the site's vocabulary once per run, and adds two checks no spell checker makes:
a repeated word and an apostrophe confusion where the grammar is unambiguous."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..problem import Fix, Problem, Safety
from ..prose import distinct_words, prose_text, segment_words
from ..rule import Context, rule
from ..site import Site

ACCEPT_FILE = Path(".reinvent-lint") / "words.txt"


def accept_file(site: Site) -> Path:
    return (site.root or Path.cwd()) / ACCEPT_FILE


def _read_accepted(site: Site) -> set[str]:
    path = accept_file(site)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return set()
    return {w.strip() for w in lines if w.strip() and not w.startswith("#")}


def speller_for(site: Site, options: Any) -> Any:
    """One Speller per site and run: site vocabulary learned once from every document."""
    from ..speller import Speller

    key = ("_speller", int(options["site-min-posts"]), tuple(options["words"]))
    cached = site.__dict__.get("_speller")
    if cached is not None and cached[0] == key:
        return cached[1]
    speller = Speller(
        site_word_counts(site), int(options["site-min-posts"]), _read_accepted(site) | set(options["words"])
    )
    site.__dict__["_speller"] = (key, speller)
    return speller


def site_word_counts(site: Site) -> Counter[str]:
    """How many of the site's documents use each word form. Each file's words are cached by its
    size and modification time, so a run re-reads only the files that changed."""
    from ..cache import PerFile
    from ..speller import words_of

    counts: Counter[str] = Counter()
    if site.root is None:
        return counts
    index = PerFile("vocabulary", site.root)
    for rel in site.markdown_files():
        words = index.get(site.root / rel, rel, lambda text: tuple(words_of(text)))
        counts.update(words or ())
    index.save()
    return counts


def _prepare(site: Site, options: Any) -> None:
    from ..speller import preload

    preload()
    speller_for(site, options)


@rule("RL501", "misspelled-word", "Words in the prose must be spelt right (names and tech terms included).",
      fixable=True, options={"words": [], "site-min-posts": 3}, prepare=_prepare)  # fmt: skip
def misspelled_word(ctx: Context) -> Iterator[Problem]:
    doc = ctx.doc
    speller = speller_for(ctx.site, ctx.options)
    ignore: set[str] = set()
    if doc.front_matter and doc.front_matter.data:
        value = doc.front_matter.data.get("spelling_ignore")
        if isinstance(value, list):
            ignore = {str(v) for v in value}
    check = speller.check
    for offset, segment in prose_text(doc):
        if all(check(w) is None or w in ignore for w in distinct_words(segment)):
            continue  # the common case, decided without positions
        yield from _flag_words(ctx, speller, segment_words(offset, segment), ignore)


def _flag_words(
    ctx: Context, speller: Any, found: Iterator[tuple[str, int, int]], ignore: set[str]
) -> Iterator[Problem]:
    from ..speller import clear_winner

    doc = ctx.doc
    for text, start, end in found:
        verdict = speller.check(text)
        if verdict is None or text in ignore:
            continue
        shown = ", ".join(f'"{s}"' for s in verdict.suggestions)
        if verdict.reason == "miscased":
            message = f'"{text}" is miscased: write "{verdict.suggestions[0]}"'
        else:
            message = f'"{text}" is misspelt' if verdict.reason == "misspelling" else f'"{text}" is not a known word'
            message += f"; did you mean {shown}?" if shown else ""
        winner = clear_winner(verdict, speller)
        in_front_matter = start < doc.body_offset  # the title or description: a targeted edit
        fix = Fix.replace(start, end, winner, safety=Safety.UNSAFE, description=f"use {winner}",
                          edits_protected=in_front_matter) if winner else None  # fmt: skip
        yield ctx.problem(start, message, end=end, fix=fix)


_REPEATED = re.compile(r"\b([A-Za-z]+)(\s+)(\1)\b", re.IGNORECASE)
_FINE_TWICE = {"that", "had", "is", "do", "bye", "ha", "no", "very", "so", "la", "ho", "knock", "wo"}


@rule("RL502", "repeated-word", "A word repeated by accident (`the the`), also across a line break.", fixable=True)
def repeated_word(ctx: Context) -> Iterator[Problem]:
    for offset, segment in prose_text(ctx.doc):
        tokens = segment.lower().split()
        if not any(a == b for a, b in zip(tokens, tokens[1:])):
            continue  # cheap test first: no two equal tokens in a row
        for m in _REPEATED.finditer(segment):
            if m.group(1).lower() in _FINE_TWICE or (
                m.group(1) != m.group(3) and m.group(1).lower() != m.group(3).lower()
            ):
                continue
            start, end = offset + m.start(2), offset + m.end(3)
            fix = Fix.replace(start, end, "", safety=Safety.UNSAFE, description=f"remove the second '{m.group(3)}'")
            yield ctx.problem(
                offset + m.start(3), f'"{m.group(1)} {m.group(3)}": the word is repeated', end=end, fix=fix
            )


# (needle, pattern, replacement): grammar that is unambiguous. The pattern runs only on regions
# whose lower-cased text holds the needle, which keeps the rule cheap.
_CONFUSIONS = [
    ("'s own", re.compile(r"\b(it)'s( own)\b", re.IGNORECASE), r"\1s\2"),
    ("let's ", re.compile(r"\b(let)'s( (?:you|him|her|them|users|people|developers))\b", re.IGNORECASE), r"\1s\2"),
    (" of ", re.compile(r"\b(could|would|should|must|might) of\b", re.IGNORECASE), r"\1 have"),
    ("r welcome", re.compile(r"\b(you)r( welcome)\b", re.IGNORECASE), r"\1're\2"),
    ("'re own", re.compile(r"\b(you)'re( own)\b", re.IGNORECASE), r"\1r\2"),
    ("re own", re.compile(r"\b(?:they're|there)( own)\b", re.IGNORECASE), r"their\1"),
    ("its a", re.compile(r"^(its)( a\b)", re.IGNORECASE | re.MULTILINE), r"it's\2"),
]


@rule(
    "RL503",
    "apostrophe-confusion",
    "`it's own`, `let's you`, `could of`: apostrophe and homophone slips.",
    fixable=True,
)
def apostrophe_confusion(ctx: Context) -> Iterator[Problem]:
    for offset, segment in prose_text(ctx.doc):
        text = segment.replace("’", "'") if "’" in segment else segment
        lowered = text.lower()
        for needle, pattern, replacement in _CONFUSIONS:
            if needle not in lowered:
                continue
            for m in pattern.finditer(text):
                fixed = m.expand(replacement)
                if m.group()[:1].isupper():
                    fixed = fixed[:1].upper() + fixed[1:]
                start, end = offset + m.start(), offset + m.end()
                fix = Fix.replace(start, end, fixed, safety=Safety.UNSAFE, description=f"write '{fixed}'")
                yield ctx.problem(start, f'"{m.group()}" should be "{fixed}"', end=end, fix=fix)


RULES = [misspelled_word, repeated_word, apostrophe_confusion]
