"""Build the word data the spelling rules ship (reinvent_lint/data/), from well-kept sources.

Run at development time, not at install or run time:

    pip install --target /tmp/vocab/py wordfreq==3.1.1          # 57 MB wheel: data only, not a dependency
    (cd /tmp/vocab && for p in software-terms companies aws fullstack k8s docker google git \
        data-science cryptocurrencies public-licenses lorem-ipsum people-names; do npm pack @cspell/dict-$p; done)
    PYTHONPATH=/tmp/vocab/py python bench/build_vocab.py /tmp/vocab

It writes, sorted, so a rebuild from the same sources gives the same bytes:
- data/wordfreq-en.txt.gz: `word zipf*10` for every alphabetic word of wordfreq's large English
  list (CC BY-SA 4.0, see data/README.md). Frequencies, not a whitelist: typos are in it too.
- data/cspell-terms.txt.gz: the words of the MIT-licensed cspell dictionaries listed above,
  case kept (`GitHub`, `kubectl`).
- data/cspell-people-names.txt.gz: cspell's people names (MIT): accepted, never suggested.
- data/cspell-misspellings.txt: cspell's corrections of software terms (`aggregater->aggregator`).
"""

from __future__ import annotations

import gzip
import io
import re
import sys
import tarfile
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "reinvent_lint" / "data"
CSPELL = [
    "software-terms", "companies", "aws", "fullstack", "k8s", "docker", "google", "git",
    "data-science", "cryptocurrencies", "public-licenses", "lorem-ipsum",
]  # fmt: skip
_WORD = re.compile(r"[A-Za-z][A-Za-z']*[A-Za-z]|[A-Za-z]")


def _write_gz(path: Path, lines: list[str]) -> None:
    raw = ("\n".join(lines) + "\n").encode()
    with path.open("wb") as handle, gzip.GzipFile(fileobj=handle, mode="wb", mtime=0) as gz:
        gz.write(raw)


def wordfreq_table() -> list[str]:
    import wordfreq

    rows = {}
    for word in wordfreq.get_frequency_dict("en", "large"):
        word = word.replace("’", "'")
        if re.fullmatch(r"[a-z][a-z']*[a-z]|[a-z]", word):
            zipf = round(wordfreq.zipf_frequency(word, "en", "large") * 10)
            rows[word] = max(rows.get(word, 0), zipf)
    return [f"{w} {z}" for w, z in sorted(rows.items())]


def cspell_words(folder: Path, names: list[str]) -> tuple[list[str], list[str]]:
    words: set[str] = set()
    corrections: set[str] = set()
    for name in names:
        tarballs = sorted(folder.glob(f"cspell-dict-{name}-*.tgz"))
        if not tarballs:
            raise SystemExit(f"missing {folder}/cspell-dict-{name}-*.tgz (npm pack @cspell/dict-{name})")
        with tarfile.open(tarballs[-1]) as tar:
            for member in tar.getmembers():
                if not member.isfile():
                    continue
                handle = tar.extractfile(member)
                assert handle is not None
                data = handle.read()
                if member.name.endswith(".gz"):
                    data = gzip.decompress(data)
                    base = member.name[:-3]
                else:
                    base = member.name
                text = data.decode("utf-8", errors="replace")
                if base.endswith("corrections.yaml"):
                    corrections |= set(re.findall(r"^\s*-\s*([a-z]+->[a-z, ]+)$", text, re.MULTILINE))
                elif base.endswith(".txt") and ("/dict/" in base or base.count("/") == 1):
                    for line in io.StringIO(text):
                        line = line.split("#", 1)[0].strip()
                        if not line or line[0] in "!~" or ":" in line:
                            continue  # forbidden words, case-insensitive duplicates, directives
                        for token in re.split(r"[\s_\-./]+", line.replace("*", "").replace("+", "")):
                            if _WORD.fullmatch(token) and len(token) > 1:
                                words.add(token)
    return sorted(words), sorted(corrections)


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/vocab")
    freq = wordfreq_table()
    _write_gz(DATA / "wordfreq-en.txt.gz", freq)
    terms, corrections = cspell_words(folder, CSPELL)
    _write_gz(DATA / "cspell-terms.txt.gz", terms)
    people, _ = cspell_words(folder, ["people-names"])
    _write_gz(DATA / "cspell-people-names.txt.gz", people)
    (DATA / "cspell-misspellings.txt").write_text("\n".join(corrections) + "\n", encoding="utf-8")
    for path in ("wordfreq-en.txt.gz", "cspell-terms.txt.gz", "cspell-people-names.txt.gz", "cspell-misspellings.txt"):
        print(f"{path}: {(DATA / path).stat().st_size:,} bytes")
    print(f"{len(freq):,} wordfreq words, {len(terms):,} cspell terms, {len(corrections):,} corrections")
    return 0


if __name__ == "__main__":
    sys.exit(main())
