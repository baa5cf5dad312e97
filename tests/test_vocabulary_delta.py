"""Which verdicts a change of the site vocabulary can change (vocabulary_delta.py): every word
the function leaves out must get the same verdict from a speller built on the new vocabulary as
from one built on the old. Randomised differential tests (seeded) over words written here,
with changes aimed at each relation a verdict reads the site through; and the same harness
with one relation dropped from the function must find a word it misses (the tests have teeth)."""

from __future__ import annotations

import os
import random
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reinvent_lint import result_cache, vocabulary_delta
from reinvent_lint.rules.spelling import History
from reinvent_lint.speller import SITE_RATIO, Speller, site_tables
from reinvent_lint.vocabulary_delta import affected_words, changes_between, delta_since, parts, stems_cross

from .conftest import linter_for, write_site

MIN_POSTS = 3

# Words of a tech blog, written for this test: dictionary words, jargon, names, made-up words.
WORDS = """
container containers kubernetes deploy deployment cluster clusters database cache caching render
renderer network latency throughput webhook pipeline snapshot replica shard sharding protobuf
terraform ansible helm kubectl postgres redis nginx golang monorepo microservice refactor unmarshal
prefetch nondeterministic overprovision subnet autoscaler walrus lantern orchard meadow snarfblat
frobnicate quuxify zorbly blorp grpc tokio serde vsync writev pwrite daemon firewalld builder
building colour analyse catalogue licence centre profile procfile captures release releases
library libraries tested testing tester install installer installing manage manager managing
""".split()
NAMES = """
KubeVirt GitHub PaperFaces ClearContainers PostgreSQL CloudFront MailChimp JavaScript TypeScript
Datadog Zorblix Flumox SnapshotRenderer DeployBot HelmChart BlorpQueue iPhone macOS
""".split()
CONTRACTIONS = ["would've", "wouldn't", "that'd", "zorbly'll", "snarfblat's", "deployn't"]
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _typo(rng: random.Random, word: str) -> str:
    """One random edit (delete, swap, replace, insert) of `word`."""
    if len(word) < 2:
        return word + rng.choice(LETTERS)
    i = rng.randrange(len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    letter = rng.choice(LETTERS)
    if word[i].isupper():
        letter = letter.upper()
    if kind == 2:
        return word[:i] + letter + word[i + 1 :]
    return word[:i] + letter + word[i:]


def _variants(rng: random.Random, word: str) -> Iterator[str]:
    lower = word.lower()
    yield _typo(rng, word)
    yield word[:1].upper() + word[1:]
    yield word.upper()
    yield lower + rng.choice(["s", "ing", "ed", "er", "ers", "ly"])
    yield rng.choice(["re", "un", "non", "pre", "multi", "over"]) + lower
    yield rng.choice(["re", "un", "non"]) + _typo(rng, lower)
    yield word[:1].upper() + word[1:] + rng.choice(WORDS).capitalize()  # a mixed-case name of two words
    yield rng.choice(NAMES) + _typo(rng, rng.choice(WORDS)).capitalize()  # a name with a slip in a hump
    yield _typo(rng, lower) + rng.choice(["'ll", "n't", "'ve", "'d"])


def _pool(rng: random.Random) -> list[str]:
    words = set(WORDS) | set(NAMES) | set(CONTRACTIONS)
    for word in sorted(words):  # (in a fixed order: the draws do not depend on string hashes)
        words.update(v for v in _variants(rng, word) if rng.random() < 0.25)
        words.add(_typo(rng, word))  # a slip: judged by its neighbours' use
    return sorted(words)


def _count(rng: random.Random, old: int = 0) -> int:
    """A new number of posts: mostly on the same side of MIN_POSTS (the posts of a word no
    dictionary holds crossing it make every word be judged again), else any."""
    if rng.random() < 0.6:
        if old >= MIN_POSTS:
            return rng.choice([old + 1, SITE_RATIO * old + 1, max(MIN_POSTS, old - 1), 2 * old, 40])
        return rng.choice([0, 1, 2, MIN_POSTS - 1])
    return rng.choice(
        [0, 1, 2, MIN_POSTS - 1, MIN_POSTS, MIN_POSTS + 1, 2 * MIN_POSTS, SITE_RATIO * max(old, 1) + 1, old + 1,
         max(old - 1, 0), 20, 40]
    )  # fmt: skip


def _vocabulary(rng: random.Random, pool: list[str]) -> tuple[Counter[str], set[str]]:
    counts: Counter[str] = Counter()
    for word in pool:
        for form in (word, word.lower(), _typo(rng, word.lower())):
            if rng.random() < 0.5:
                counts[form] = rng.choice([1, 1, 2, 2, 3, 4, 5, 8, 15, 30])
    code = {w.lower() for w in pool if rng.random() < 0.05}
    return counts, code


def _target(rng: random.Random, word: str, suggested: list[str]) -> str:
    """A form whose posts, changed, a verdict on `word` may read: the word itself or another case
    of it, a neighbour (one its verdict suggests, or any), a stem, a hump, a contraction's head,
    the rest after a prefix."""
    lower = word.lower()
    relation = rng.randrange(9)
    if relation == 0:
        return word
    if relation == 8:
        return rng.choice(suggested or [_typo(rng, word)])
    if relation == 1:
        return rng.choice([lower, lower.capitalize(), word.upper(), _typo(rng, word).capitalize()])
    if relation == 2:
        return _typo(rng, lower)
    if relation == 3:
        return rng.choice([lower + "s", lower[:-1], lower[:-2], lower[:-3], lower + "e", lower.rstrip("s")])
    if relation == 4:
        humps = parts(word) - {lower}
        return rng.choice(sorted(humps) or [lower])
    if relation == 5:
        piece = rng.choice(sorted(parts(word)))
        return _typo(rng, piece) if piece else lower
    if relation == 6:
        piece = rng.choice(sorted(parts(word)))
        return rng.choice([piece + "s", piece[:-1], piece.capitalize()]) if piece else lower
    return _typo(rng, rng.choice(word.split("'")) or lower).capitalize()


def _differential(seed: int, trials: int, locale: str = "") -> tuple[list[str], int, int]:
    """Random changes of a random vocabulary; each word left out by the function whose verdict
    changed anyway is a miss. Returns (misses, trials checked, verdicts changed among the words found)."""
    rng = random.Random(seed)
    pool = _pool(rng)
    counts, code = _vocabulary(rng, pool)
    old = Speller(Counter(counts), MIN_POSTS, set(), locale, set(code))
    verdicts = {w: old.check(w) for w in pool}
    before = {w: repr(v) for w, v in verdicts.items()}
    flagged = sorted(w for w, v in verdicts.items() if v is not None)  # the words whose verdicts read the site most
    misses: list[str] = []
    checked = changed_verdicts = 0
    for _ in range(trials):
        new_counts, new_code = Counter(counts), set(code)
        for _ in range(rng.randint(1, 3)):
            word = rng.choice(flagged if rng.random() < 0.7 else pool)
            if rng.random() < 0.1:
                new_code ^= {rng.choice(sorted(parts(word)))}
                continue
            verdict = verdicts[word]
            suggested = [] if verdict is None else [rng.choice([s, s.lower()]) for s in verdict.suggestions]
            form = _target(rng, word, suggested)
            if form:
                new_counts[form] = _count(rng, new_counts.get(form, 0))
        new_counts = Counter({f: c for f, c in new_counts.items() if c > 0})
        changes = changes_between(counts, new_counts, code, new_code)
        new = Speller(Counter(new_counts), MIN_POSTS, set(), locale, set(new_code))
        if vocabulary_delta.stems_cross(changes, MIN_POSTS, new.lex.dictionary):
            continue  # every word is judged again
        checked += 1
        found = vocabulary_delta.affected_words(pool, changes.keys())
        for word in pool:
            after = repr(new.check(word))
            if after != before[word]:
                if word in found:
                    changed_verdicts += 1
                else:
                    misses.append(f"{word}: {before[word]} -> {after} after {changes}")
    return misses, checked, changed_verdicts


@pytest.mark.parametrize(("seed", "locale"), [(1, ""), (2, ""), (3, ""), (4, "en-US"), (5, "en-GB")])
def test_no_verdict_changes_outside_the_words_found(seed: int, locale: str) -> None:
    misses, checked, changed = _differential(seed, 60, locale)
    assert misses == []
    assert checked >= 20 and changed >= 4  # the trials did change verdicts (of words found)


def _no_neighbours(key: str, alphabet: str) -> set[str]:
    return {key}


def _no_parts(word: str) -> set[str]:
    return {word.lower()}


@pytest.mark.parametrize(("name", "mutant"), [("_within_one_edit", _no_neighbours), ("parts", _no_parts)])
def test_dropping_a_relation_misses_a_changed_verdict(
    name: str, mutant: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The harness above finds the words a weaker function would miss: each relation matters."""
    monkeypatch.setattr(vocabulary_delta, name, mutant)
    assert any(_differential(seed, 40)[0] for seed in (1, 2, 3))


def test_a_stem_the_site_starts_using_changes_a_word_no_edit_away() -> None:
    """`known` reads the posts of a word's stems: `snarfblatting` is a form of the site's
    `snarfblat` once three posts use it, two edits away. No neighbour search finds that: a stem
    crossing the threshold judges every word again, and without that test the word is missed."""
    old = Speller(Counter({"snarfblat": 2, "snarfblatting": 1}), MIN_POSTS)
    new = Speller(Counter({"snarfblat": 3, "snarfblatting": 1}), MIN_POSTS)
    assert repr(old.check("snarfblatting")) != repr(new.check("snarfblatting"))
    changes = {"snarfblat": (2, 3)}
    assert "snarfblatting" not in affected_words(["snarfblatting"], changes)
    assert stems_cross(changes, MIN_POSTS, new.lex.dictionary)


def test_the_rest_after_a_prefix_reads_its_own_neighbours() -> None:
    """`nonzorblifyng` is `non` + a slip of the site's `zorblifying` while five times as many posts
    use that as the slip (`_prefixed_typo`); the word itself is two edits from it."""
    old = Speller(Counter({"zorblify": 5, "zorblifying": 10}), MIN_POSTS)
    new = Speller(Counter({"zorblify": 5, "zorblifying": 4}), MIN_POSTS)
    verdict = old.check("nonzorblifyng")
    assert verdict is not None and verdict.reason == "typo"
    assert repr(verdict) != repr(new.check("nonzorblifyng"))
    changes = {"zorblifying": (10, 4)}
    assert not stems_cross(changes, MIN_POSTS, new.lex.dictionary)
    assert affected_words(["nonzorblifyng", "Nonzorblifyng", "zorblify"], changes) == {"nonzorblifyng", "Nonzorblifyng"}


def test_parts_are_the_humps_the_head_and_the_rest() -> None:
    assert parts("ClearCnotainers") == {"clearcnotainers", "clear", "cnotainers"}
    assert parts("wouldn't") == {"wouldn't", "wouldn", "would"}
    assert "deterministic" in parts("nondeterministic")
    assert parts("rerun") == {"rerun"}  # a rest of six letters or more only, as `_prefixed_typo` splits


def test_a_change_affects_its_word_its_neighbours_and_the_words_it_is_part_of() -> None:
    words = ["walrus", "Walrus", "WALRUS", "walrue", "walruses", "unwalrused", "ClearWalrus", "walrus'll", "tiger"]
    found = affected_words(words, ["walrus"])
    assert found == {"walrus", "Walrus", "WALRUS", "walrue", "ClearWalrus", "walrus'll"}
    assert affected_words(words, []) == set()


def test_the_changes_since_a_vocabulary_are_those_of_the_steps_after_it() -> None:
    history: History = ((b"a", {}), (b"b", {"x": (1, 2)}), (b"c", {"x": (2, 3), "y": (0, 1)}))
    assert delta_since(history, b"a") == {"x": (1, 3), "y": (0, 1)}
    assert delta_since(history, b"b") == {"x": (2, 3), "y": (0, 1)}
    assert delta_since(history, b"c") == {}
    assert delta_since(history, b"z") is None


def test_a_stem_crossing_the_threshold_judges_every_word_again() -> None:
    def dictionary(word: str) -> bool:
        return word == "render"

    assert stems_cross({"zorbl": (2, 3)}, 3, dictionary)
    assert not stems_cross({"zorbl": (3, 4)}, 3, dictionary)
    assert not stems_cross({"render": (2, 3)}, 3, dictionary)  # `_base` asks the dictionary first
    assert not stems_cross({"zo": (2, 3)}, 3, dictionary)  # nor a stem under three letters


POST = "---\ntitle: Post {n}\nlayout: post\n---\n\n{body}\n"
BODIES = [
    "We run KubeVirt on the cluster, and the zorbly daemon renders each snapshot.",
    "The zorbly renderer caches every snapshot; KubeVrt is a slip.",
    "A post about the walrus and the ClearContainers runtime, with a ClearCnotainers slip.",
    "The snarfblat approach would've helped; the zorbly one wouldn't.",
    "Another post about the database and its replicas.",
]


def test_an_edit_that_changes_the_vocabulary_reports_what_a_cold_run_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end: after each edit (a word new to the post, a word gone, a word the site stops
    using in enough posts), the warm run's findings are the cold run's, and the stored verdicts of
    the words the change cannot affect are kept, not judged again."""
    root = write_site(
        tmp_path / "blog", {f"_posts/2024-03-0{n}-p{n}.md": POST.format(n=n, body=b) for n, b in enumerate(BODIES, 1)}
    )
    monkeypatch.chdir(root)
    raw = {"select": ["RL501", "RL504"]}
    kept: list[int] = []
    real = result_cache.Evaluator._kept

    def counted(self: result_cache.Evaluator) -> object:
        found = real(self)
        kept.append(len(found))
        return found

    monkeypatch.setattr(result_cache.Evaluator, "_kept", counted)

    def run(cache: bool) -> list[str]:
        linter = linter_for(root, raw=raw)
        linter.use_result_cache = cache
        return [f"{p.path}:{p.line}:{p.column} {p.code} {p.message}" for p in linter.check_paths([], jobs=1).problems]

    run(True)
    edits = [
        ("p5", "database", "database and a walrus"),
        ("p5", "replicas", "replicas, KubeVrt and snarfblat"),
        ("p1", "zorbly daemon", "daemon"),
        ("p4", "helped", "helped the walrus"),
    ]
    for name, old, new in edits:
        path = next(root.glob(f"_posts/*-{name}.md"))
        path.write_text(path.read_text().replace(old, new))
        assert run(True) == run(False)
    # stored verdicts were kept, but when `zorbly`, no dictionary word, fell under three posts
    # (what `known` reads of a stem: every word is judged again)
    assert [n > 0 for n in kept] == [True, True, False, True]


def test_the_vocabulary_history_records_every_word_whose_site_data_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sums mended after an edit record, under a new ident, each lower-case word whose posts,
    commonest form or use in code changed, with its posts before and after; a site counted anew
    starts a new history (the ident an older verdict table names is then not found)."""
    import os

    from reinvent_lint.jekyll.site import Site
    from reinvent_lint.rules.spelling import _site_vocabulary, vocabulary_state

    texts = {
        "2024-01-01-a.md": "Alpha beta Gamma KubeVirt.\n\n```\nfrobnicate()\n```\n",
        "2024-01-02-b.md": "Beta gamma delta kubevirt, with `quuxify` in code.\n",
        "2024-01-03-c.md": "Gamma epsilon beta kubevirt.\n",
    }
    (tmp_path / "_posts").mkdir()
    for name, text in texts.items():
        (tmp_path / "_posts" / name).write_text(text)

    def state() -> tuple[bytes, History, Counter[str], set[str]]:
        site = Site(tmp_path)
        counts, code, _ = _site_vocabulary(site)
        found = vocabulary_state(site)
        assert found is not None
        return found[0], found[1], counts, code

    first, _, counts, code = state()
    assert state()[0] == first  # nothing changed: the same vocabulary
    (tmp_path / "_posts/2024-01-01-a.md").write_text("Alpha zeta gamma KubeVirt kubevirt, no code.\n")
    (tmp_path / "_posts/2024-01-02-b.md").write_text("Beta gamma delta KubeVirt, with `quuxify` in code.\n")
    os.utime(tmp_path / "_posts/2024-01-01-a.md", ns=(1, 1))
    os.utime(tmp_path / "_posts/2024-01-02-b.md", ns=(2, 2))
    second, history, new_counts, new_code = state()
    assert second != first
    changes = delta_since(history, first)
    assert changes is not None
    old_totals, old_forms = site_tables(counts)
    new_totals, new_forms = site_tables(new_counts)
    differ = {
        w
        for w in old_totals.keys() | new_totals.keys()
        if old_totals.get(w) != new_totals.get(w) or old_forms.get(w) != new_forms.get(w)
    }
    assert differ | (code ^ new_code) <= changes.keys()
    assert changes["zeta"] == (0, 1) and changes["beta"] == (3, 2) and "frobnicate" in changes
    monkeypatch.setattr("reinvent_lint.rules.spelling.FEW_CHANGED", 0)  # counted anew
    (tmp_path / "_posts/2024-01-03-c.md").write_text("Gamma epsilon.\n")
    third, history, _, _ = state()
    assert delta_since(history, second) is None and delta_since(history, third) == {}


@pytest.mark.parametrize(
    "history",
    [(b"?", {"zebra": ("a", None)}), (b"?", ["zebra"]), (b"?",), "garbage", {"a": 1}],
    ids=["values", "a-list", "no-changes", "no-tuple", "a-dict"],
)
def test_a_vocabulary_history_of_another_shape_judges_every_word_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, history: object
) -> None:
    """Whatever the stored history holds after the stored ident, the run reports what a cold
    run reports, with no traceback: the stored verdicts are simply not kept."""
    from reinvent_lint.rules import spelling

    root = write_site(
        tmp_path / "blog", {f"_posts/2024-03-0{n}-p{n}.md": POST.format(n=n, body=b) for n, b in enumerate(BODIES, 1)}
    )
    monkeypatch.chdir(root)
    raw = {"select": ["RL501", "RL504"]}

    def run(cache: bool) -> list[str]:
        linter = linter_for(root, raw=raw)
        linter.use_result_cache = cache
        return [f"{p.path}:{p.line}:{p.column} {p.code} {p.message}" for p in linter.check_paths([], jobs=1).problems]

    run(True)
    real = spelling.vocabulary_state

    def broken(site: object) -> object:
        found = real(site)  # type: ignore[arg-type]
        if found is None:
            return None
        *before, last = found[1]
        # a step of another shape before and after the stored ident
        return (found[0], (history, *before, history, last))

    monkeypatch.setattr(spelling, "vocabulary_state", broken)
    path = next(root.glob("_posts/*-p5.md"))
    path.write_text(path.read_text().replace("database", "database and a walrus"))
    assert run(True) == run(False)


def test_a_speller_answer_the_change_cannot_reach_is_not_asked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RL501 asks the speller for an unknown word's slip neighbours (a read key of the post).
    After an edit far from that word the stored answer holds and is not worked out again; after
    one that reaches it, the warm run still reports what a cold run reports."""
    bodies = [*BODIES, "The quorbulax engine runs the quorbulax jobs at night."]
    root = write_site(
        tmp_path / "blog", {f"_posts/2024-03-0{n}-p{n}.md": POST.format(n=n, body=b) for n, b in enumerate(bodies, 1)}
    )
    monkeypatch.chdir(root)
    raw = {"select": ["RL501", "RL504"]}
    asked: list[tuple[object, ...]] = []
    real = result_cache.Evaluator._evaluate

    def counted(self: result_cache.Evaluator, key: tuple[object, ...]) -> bytes:
        if key[:2] == (result_cache.SPELLER, "slip_neighbours"):
            asked.append(key)
        return real(self, key)

    monkeypatch.setattr(result_cache.Evaluator, "_evaluate", counted)

    def run(cache: bool) -> list[str]:
        linter = linter_for(root, raw=raw)
        linter.use_result_cache = cache
        return [f"{p.path}:{p.line}:{p.column} {p.code} {p.message}" for p in linter.check_paths([], jobs=1).problems]

    def edit(name: str, old: str, new: str) -> None:
        path = next(root.glob(f"_posts/*-{name}.md"))
        path.write_text(path.read_text().replace(old, new))

    first = run(True)
    assert any("quorbulax" in line for line in first)
    asked.clear()  # (a cold run works out each read key's digest to store it)
    edit("p5", "database", "database and a walrus")  # far from `quorbulax`
    assert run(True) == run(False)
    assert not [key for key in asked if "quorbulax" in key]
    edit("p4", "snarfblat", "quorbulaxe")  # one edit from it
    assert run(True) == run(False)


def test_a_word_with_a_letter_the_reach_was_not_made_with_counts_as_reached() -> None:
    from reinvent_lint.vocabulary_delta import Reach

    reach = Reach(["walrus"], ["walrus", "quorbulax", "banana"])
    assert reach.affects("walrus") and reach.affects("walrs") and reach.affects("Walruss")
    assert not reach.affects("quorbulax") and not reach.affects("banana")
    assert reach.affects("walrusé")  # one edit from `walrus` by a letter none of the words has


def _site_run(root: Path, raw: dict[str, object]) -> Callable[[bool], list[str]]:
    def run(cache: bool) -> list[str]:
        linter = linter_for(root, raw=raw)
        linter.use_result_cache = cache
        return [f"{p.path}:{p.line}:{p.column} {p.code} {p.message}" for p in linter.check_paths([], jobs=1).problems]

    return run


def _holds(monkeypatch: pytest.MonkeyPatch) -> tuple[list[bool], list[int]]:
    """From now on: what each run's `verdicts_hold` answered, and how many words each
    `verdicts_of` call was asked about."""
    answers: list[bool] = []
    asked: list[int] = []
    hold, verdicts_of = result_cache.Evaluator.verdicts_hold, result_cache.Evaluator.verdicts_of

    def counted_hold(self: result_cache.Evaluator) -> bool:
        if self._hold is None:
            answers.append(hold(self))
        return hold(self)

    def counted_of(self: result_cache.Evaluator, words: list[str]) -> list[bytes]:
        asked.append(len(words))
        return verdicts_of(self, words)

    monkeypatch.setattr(result_cache.Evaluator, "verdicts_hold", counted_hold)
    monkeypatch.setattr(result_cache.Evaluator, "verdicts_of", counted_of)
    return answers, asked


def test_an_edit_that_changes_no_verdict_looks_up_no_other_posts_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The words the change reaches are judged again once; when each keeps its stored verdict,
    the posts judged under the stored vocabulary keep their spelling verdicts without looking
    up their words (one `verdicts_of` call in the run, not one a post)."""
    root = write_site(
        tmp_path / "blog", {f"_posts/2024-03-0{n}-p{n}.md": POST.format(n=n, body=b) for n, b in enumerate(BODIES, 1)}
    )
    monkeypatch.chdir(root)
    run = _site_run(root, {"select": ["RL501", "RL504"]})
    run(True)
    answers, asked = _holds(monkeypatch)
    path = next(root.glob("_posts/*-p5.md"))
    path.write_text(path.read_text().replace("database", "database and a walrus"))
    assert run(True) == run(False)
    assert answers == [True] and len(asked) == 1
    assert {Path(rel).stem[-2:] for rel in result_cache.LAST.checked} == {"p5"}


def test_an_edit_that_changes_a_reached_verdict_checks_the_posts_using_the_word(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`nonzorblifyng` is `non` + a slip of `zorblifying` while five times as many posts use that
    (`_prefixed_typo`). Six posts stop using it: no stem crosses `min_posts`, so the change is
    known, and the verdict it reaches is another: the post using the word is checked again."""
    posts = {
        f"_posts/2024-04-{n:02d}-p{n}.md": POST.format(
            n=n, body="The zorblifying step runs." + (" We zorblify it." if n <= 5 else "")
        )
        for n in range(1, 11)
    }
    posts["_posts/2024-04-11-user.md"] = POST.format(n=11, body="A nonzorblifyng pass.")
    root = write_site(tmp_path / "blog", posts)
    monkeypatch.chdir(root)
    run = _site_run(root, {"select": ["RL501", "RL504"]})
    before = run(True)
    assert any("nonzorblifyng" in line for line in before)
    answers, _ = _holds(monkeypatch)
    for n in range(5, 11):
        path = next(root.glob(f"_posts/*-p{n}.md"))
        path.write_text(path.read_text().replace("zorblifying", "running"))
    after = run(True)
    assert after == run(False) and after != before
    assert answers == [False]
    assert "_posts/2024-04-11-user.md" in result_cache.LAST.checked


def test_every_word_of_a_post_judged_under_the_stored_vocabulary_is_in_the_stored_table(tmp_path: Path) -> None:
    """What `verdicts_hold` stands on. A worker sends each word's verdict once, with the first
    post that judged it: a post whose results are not stored (more findings than a rule may
    report) must not take its words' verdicts out of the table when a later post shares them."""
    import marshal

    posts = {
        "_posts/2024-05-01-a.md": POST.format(n=1, body="A zorbly line. \n" * 5),  # 5 trailing spaces: not stored
        "_posts/2024-05-02-b.md": POST.format(n=2, body="Another zorbly line.\n"),
        "_posts/2024-05-03-c.md": POST.format(n=3, body="A post about the walrus.\n"),
    }
    root = write_site(tmp_path / "blog", posts)
    os.chdir(root)
    raw: dict[str, object] = {"limits": {"max-findings": 3}}
    run = _site_run(root, raw)
    run(True)
    (stored,) = (root / ".reinvent-lint-cache").glob(result_cache.FILE_PATTERN)
    raw_cache = marshal.loads(stored.read_bytes())
    entries, table, marks = raw_cache[1], raw_cache[6], raw_cache[8]
    assert "_posts/2024-05-02-b.md" in marks and "_posts/2024-05-01-a.md" not in entries
    words = {rel: key[1].split("\n") for rel in marks for key, _ in entries[rel][1] if key[0] == "words"}
    assert "zorbly" in words["_posts/2024-05-02-b.md"]
    for rel, used in words.items():
        assert set(used) <= table.keys(), rel


def test_the_reach_finds_the_words_reached_one_by_one() -> None:
    """`Reach.affected` inlines `_reached` for lower-case words: the same words, of every kind
    (contractions, capitals inside, a prefix's rest, letters outside ASCII)."""
    from reinvent_lint.vocabulary_delta import Reach, _reached

    rng = random.Random(181)
    pool = [*_pool(rng), "nonzorblifyng", "unwalrused", "overprovisioned", "zorbly'll", "ÉCOLE", "école", "naïve"]
    for _ in range(200):
        words = rng.sample(pool, min(len(pool), 60))
        words += [_typo(rng, w) for w in rng.sample(pool, 20)]
        changed = [w.lower() for w in rng.sample(words, rng.randint(1, 6))]
        changed += [_typo(rng, w).lower() for w in rng.sample(words, 2)]
        reach = Reach(changed, words)
        assert reach.affected(words) == {w for w in words if _reached(reach.near, w)}


def test_a_run_over_two_sites_stores_every_judged_word_in_each_sites_table(tmp_path: Path) -> None:
    """The same invariant when one run checks two sites: each has its own verdict table, so a word
    whose verdict was sent with a post of the first site is sent again with a post of the second
    (it was sent once a process: the second site's table missed it, and a later run of that site
    kept a stale verdict after a change that reached the word)."""
    import marshal

    one = write_site(tmp_path / "one", {"_posts/2024-06-01-a.md": POST.format(n=1, body="The frobnutz tool.\n")})
    two = write_site(tmp_path / "two", {"_posts/2024-06-01-b.md": POST.format(n=2, body="The frobnutz method.\n")})
    os.chdir(tmp_path)
    linter = linter_for(tmp_path, raw={"select": ["RL501", "RL504"]})
    linter.use_result_cache = True
    linter.check_paths([one / "_posts", two / "_posts"], jobs=1)
    for root in (one, two):
        (stored,) = (root / ".reinvent-lint-cache").glob(result_cache.FILE_PATTERN)
        raw_cache = marshal.loads(stored.read_bytes())
        entries, table, marks = raw_cache[1], raw_cache[6], raw_cache[8]
        assert marks, root
        for rel in marks:
            (used,) = [key[1].split("\n") for key, _ in entries[rel][1] if key[0] == "words"]
            assert "frobnutz" in used and set(used) <= table.keys(), rel
