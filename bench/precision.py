"""Precision of reinvent-lint on real blogs, from hand labels (issue 14, item 1).

Run:  python bench/precision.py [--corpus DIR] [--blog NAME ...] [--unlabelled N]

For each corpus blog it runs `python -m reinvent_lint check --format json --links off` from the
blog's root (as /work/shared/tools/corpus-noise does), with this checkout's code on PYTHONPATH,
and matches every warning and error to the labels in bench/labels/<blog>.csv by
(blog, path, line, rule). See bench/labels/README.md for how labels are made and matched.

It prints, per blog and per rule at warning/error: findings, labelled, real, false, unsure,
precision on the labelled ones (real / labelled, so `unsure` counts against), and per blog the
issue-14 figure: warnings+errors that are not real defects per 1,000 words of posts, where an
unlabelled finding counts as not real. It also prints false errors, and the lost true positives:
`real` labels that no longer produce a warning or error (a recall check).

--unlabelled N prints up to N unlabelled warnings/errors per rule per blog with the line they
point at, for labelling. --save DIR keeps each blog's JSON; --load DIR reuses it (no re-run).
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "bench" / "labels"
BLOGS = ("artsy", "kubevirt", "made-mistakes", "nullprogram", "rethinkdb")
VERDICTS = ("real", "false", "unsure")
LOUD = ("error", "warning")
WORD = re.compile(r"\S+")
TOKEN = re.compile(r"^'(.+?)'(?=\s|$)")  # a reason may start with the flagged word(s) in single quotes
WORD_TOKEN = re.compile(r"^([^\s:']+(?:'[^\s:']+)?):\s")  # or, for word rules, with "word: "
WORD_RULES = ("RL501", "RL502", "RL503", "RL504", "misspelled-word", "repeated-word", "apostrophe-confusion")
POST_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")
TARGET = 40  # labels per rule per blog wanted (issue 14 acceptance)


@dataclass
class Label:
    blog: str
    path: str
    line: int
    rule: str
    verdict: str
    reason: str
    where: str  # file:row of the label, for messages
    used: bool = False

    @property
    def token(self) -> str | None:
        m = TOKEN.match(self.reason) or (WORD_TOKEN.match(self.reason) if self.rule in WORD_RULES else None)
        return m.group(1) if m else None


@dataclass
class Row:
    findings: int = 0
    labelled: int = 0
    verdicts: collections.Counter[str] = field(default_factory=collections.Counter)
    severity: collections.Counter[str] = field(default_factory=collections.Counter)

    def add(self, severity: str, verdict: str | None) -> None:
        self.findings += 1
        self.severity[severity] += 1
        if verdict:
            self.labelled += 1
            self.verdicts[verdict] += 1

    def merge(self, other: Row) -> None:
        self.findings += other.findings
        self.labelled += other.labelled
        self.verdicts.update(other.verdicts)
        self.severity.update(other.severity)

    @property
    def precision(self) -> float | None:
        return self.verdicts["real"] / self.labelled if self.labelled else None


def default_corpus() -> Path:
    """../shared/corpus relative to the repo; for a git worktree, relative to the main checkout."""
    candidates = [ROOT.parent / "shared" / "corpus"]
    try:
        common = subprocess.run(
            ["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        candidates.append(Path(common).parent.parent / "shared" / "corpus")
    except (OSError, subprocess.CalledProcessError):
        pass
    for c in candidates:
        if c.is_dir():
            return c
    return candidates[0]


def post_words(root: Path) -> int:
    """Words in _posts, counted as corpus-noise counts them."""
    total = 0
    for d, _, files in os.walk(root / "_posts"):
        for f in files:
            if f.endswith(POST_SUFFIXES):
                text = (Path(d) / f).read_text(encoding="utf-8", errors="replace")
                total += len(WORD.findall(text))
    return total


def run_blog(root: Path, extra: list[str]) -> list[dict[str, Any]]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    cmd = [sys.executable, "-m", "reinvent_lint", "check", "--format", "json", "--links", "off", *extra]
    r = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env, timeout=1800)
    try:
        data = json.loads(r.stdout)
    except json.JSONDecodeError:
        sys.exit(f"{root.name}: exit {r.returncode}, output is not JSON: {(r.stderr or r.stdout)[-300:]}")
    problems = data.get("problems", []) if isinstance(data, dict) else data
    return list(problems)


def read_labels(blog: str, folder: Path) -> list[Label]:
    path = folder / f"{blog}.csv"
    if not path.exists():
        return []
    out = []
    with path.open(newline="", encoding="utf-8") as fh:
        for n, rec in enumerate(csv.DictReader(fh), start=2):
            where = f"{path.name}:{n}"
            try:
                label = Label(
                    rec["blog"].strip(),
                    rec["path"].strip(),
                    int(rec["line"]),
                    rec["rule"].strip(),
                    rec["verdict"].strip(),
                    (rec["reason"] or "").strip(),
                    where,
                )
            except (KeyError, TypeError, ValueError) as e:
                sys.exit(f"{where}: bad label row ({e})")
            if label.verdict not in VERDICTS:
                sys.exit(f"{where}: verdict {label.verdict!r} is not one of {', '.join(VERDICTS)}")
            if label.blog != blog:
                sys.exit(f"{where}: blog {label.blog!r} in the file for {blog!r}")
            out.append(label)
    return out


def match(problems: list[dict[str, Any]], labels: list[Label]) -> list[tuple[dict[str, Any], Label | None]]:
    """Pair each finding with its label, by (path, line, rule); see bench/labels/README.md."""
    by_key: dict[tuple[str, int, str], list[Label]] = collections.defaultdict(list)
    for lb in labels:
        by_key[(lb.path, lb.line, lb.rule)].append(lb)
    groups: dict[tuple[str, int, str], list[dict[str, Any]]] = collections.defaultdict(list)
    for p in problems:
        code = str(p.get("code", ""))
        key = (str(p.get("path", "")), int(p.get("line") or 0), code)
        if key not in by_key:
            key = (key[0], key[1], str(p.get("name", "")))
        groups[key].append(p)
    out: list[tuple[dict[str, Any], Label | None]] = []
    for key, found in groups.items():
        cands = by_key.get(key, [])
        if len(cands) == 1:  # one label speaks for every finding of that rule on that line
            cands[0].used = True
            out.extend((p, cands[0]) for p in found)
            continue
        free = list(cands)
        for p in sorted(found, key=lambda p: int(p.get("column") or 0)):
            msg = str(p.get("message", ""))
            pick = next((lb for lb in free if lb.token and quoted(lb.token, msg)), None)
            if pick is None:
                pick = next((lb for lb in free if not lb.token), None)
            if pick is not None:
                free.remove(pick)
                pick.used = True
            out.append((p, pick))
    return out


def grouped(
    items: list[tuple[str, dict[str, Any], Label]], word: bool = True
) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """Group labelled findings by (blog, rule, reason); the quoted word of a reason is dropped unless `word`."""
    out: dict[tuple[str, str, str], list[dict[str, Any]]] = collections.defaultdict(list)
    for blog, p, lb in items:
        reason = lb.reason if word else TOKEN.sub("", lb.reason).strip()
        out[(blog, str(p.get("code")), reason)].append(p)
    return out


def quoted(token: str, message: str) -> bool:
    """Whether the message names `token` in single or double quotes."""
    return f"'{token}'" in message or f'"{token}"' in message


def fmt_precision(row: Row) -> str:
    return "   -" if row.precision is None else f"{100 * row.precision:4.0f}%"


def line_of(root: Path, path: str, line: int) -> str:
    try:
        return (root / path).read_text(encoding="utf-8", errors="replace").splitlines()[line - 1].strip()
    except (OSError, IndexError):
        return ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--corpus", type=Path, default=None, help="folder of blogs (default ../shared/corpus)")
    ap.add_argument("--blog", action="append", help="only these blogs (folder names)")
    ap.add_argument("--labels", type=Path, default=LABELS, help="folder of <blog>.csv label files")
    ap.add_argument("--unlabelled", type=int, default=0, metavar="N", help="print N unlabelled per rule per blog")
    ap.add_argument("--rule", action="append", help="with --unlabelled: only these rules (code or name)")
    ap.add_argument("--args", default="", help='extra arguments for check, e.g. "--style on"')
    ap.add_argument("--save", type=Path, help="write each blog's JSON findings into this folder")
    ap.add_argument("--load", type=Path, help="read each blog's JSON findings from this folder (no run)")
    ap.add_argument("--classes", action="store_true", help="print false-positive classes per rule (from reasons)")
    ap.add_argument("--real", action="store_true", help="print the findings labelled real (defects to keep)")
    ap.add_argument("--json", type=Path, help="write the figures here")
    a = ap.parse_args()
    corpus = a.corpus or default_corpus()
    if not corpus.is_dir():
        sys.exit(f"{corpus}: no corpus folder (give --corpus)")
    blogs = sorted(b.name for b in corpus.iterdir() if b.is_dir() and not b.name.startswith("."))
    if a.blog:
        blogs = [b for b in blogs if b in a.blog]

    per_rule_all: dict[str, Row] = collections.defaultdict(Row)
    summary: dict[str, object] = {}
    lost: list[tuple[Label, str]] = []
    false_errors: list[tuple[str, dict[str, Any], Label]] = []
    matched: list[tuple[str, dict[str, Any], Label]] = []
    for blog in blogs:
        root = corpus / blog
        if a.load:
            problems = json.loads((a.load / f"{blog}.json").read_text(encoding="utf-8"))["problems"]
        else:
            problems = run_blog(root, a.args.split())
        if a.save:
            a.save.mkdir(parents=True, exist_ok=True)
            (a.save / f"{blog}.json").write_text(json.dumps({"problems": problems}), encoding="utf-8")
        words = post_words(root)
        labels = read_labels(blog, a.labels)
        loud = [p for p in problems if p.get("severity") in LOUD]
        pairs = match(loud, labels)
        rows: dict[str, Row] = collections.defaultdict(Row)
        unlabelled: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
        for p, lb in pairs:
            rule = f"{p.get('code')} {p.get('name')}"
            rows[rule].add(str(p.get("severity")), lb.verdict if lb else None)
            if lb is None:
                unlabelled[rule].append(p)
            else:
                matched.append((blog, p, lb))
                if lb.verdict == "false" and p.get("severity") == "error":
                    false_errors.append((blog, p, lb))
        quiet = {(str(p.get("path")), int(p.get("line") or 0)) for p in problems if p.get("severity") not in LOUD}
        for lb in labels:
            if lb.verdict == "real" and not lb.used:
                lost.append((lb, "now info" if (lb.path, lb.line) in quiet else "gone"))
        total = Row()
        for r in rows.values():
            total.merge(r)
        not_real = total.findings - total.verdicts["real"]
        per_k = 1000.0 * not_real / words if words else 0.0
        errs_not_real = sum(
            1 for p, lb in pairs if p.get("severity") == "error" and (lb is None or lb.verdict != "real")
        )
        print(
            f"== {blog}: {words:,} words in _posts; {total.findings} warnings+errors, {total.labelled} labelled, "
            f"{total.verdicts['real']} real; not real (unlabelled counts) {not_real} = {per_k:.2f} per 1,000 words; "
            f"errors not real {errs_not_real}"
        )
        head = f"{'found':>6} {'lab':>5} {'real':>5} {'false':>5} {'uns':>4} {'prec':>5}  todo"
        print(f"   {'rule':38} {'sev':>7} {head}")
        for rule, r in sorted(rows.items()):
            sev = "/".join(f"{s[0]}{n}" for s, n in sorted(r.severity.items()))
            todo = max(0, min(TARGET, r.findings) - r.labelled)
            print(
                f"   {rule[:38]:38} {sev:>7} {r.findings:6d} {r.labelled:5d} {r.verdicts['real']:5d} "
                f"{r.verdicts['false']:5d} {r.verdicts['unsure']:4d} {fmt_precision(r):>5}  {todo or ''}"
            )
            per_rule_all[rule].merge(r)
        if a.unlabelled:
            wanted = set(a.rule or [])
            for rule, ps in sorted(unlabelled.items()):
                code, name = rule.split(" ", 1)
                if wanted and not wanted & {code, name}:
                    continue
                print(f"   -- unlabelled {rule} ({len(ps)}):")
                for p in ps[: a.unlabelled]:
                    path, line = str(p.get("path")), int(p.get("line") or 0)
                    print(f"      {path}:{line}: {str(p.get('message', ''))[:150]}")
                    print(f"        | {line_of(root, path, line)[:160]}")
        summary[blog] = {
            "words": words,
            "findings": total.findings,
            "labelled": total.labelled,
            "real": total.verdicts["real"],
            "not_real_per_1k": round(per_k, 3),
            "errors_not_real": errs_not_real,
            "rules": {
                k: {"findings": v.findings, "labelled": v.labelled, **dict(v.verdicts), "precision": v.precision}
                for k, v in rows.items()
            },
        }

    print("== all blogs, per rule")
    for rule, r in sorted(per_rule_all.items()):
        print(
            f"   {rule[:38]:38} {r.findings:6d} found {r.labelled:5d} labelled {r.verdicts['real']:5d} real "
            f"{r.verdicts['false']:5d} false  precision {fmt_precision(r)}"
        )
    print(f"== false errors (labelled false, reported at error): {len(false_errors)}")
    for (blog, code, reason), group in grouped(false_errors).items():
        p = group[0]
        print(f"   {len(group):5d} {blog} {code} {reason}  e.g. {p.get('path')}:{p.get('line')}")
    if a.classes:
        print("== false-positive classes (findings labelled false or unsure, by rule and reason)")
        wrong = [(b, p, lb) for b, p, lb in matched if lb.verdict != "real"]
        for (blog, code, reason), group in sorted(grouped(wrong, word=False).items(), key=lambda kv: kv[0][1]):
            p = group[0]
            print(f"   {code} {len(group):5d} {blog:13} {reason}  e.g. {p.get('path')}:{p.get('line')}")
    if a.real:
        print("== findings labelled real")
        for blog, p, lb in sorted(matched, key=lambda t: (t[0], str(t[1].get("code")))):
            if lb.verdict == "real":
                print(f"   {blog} {p.get('path')}:{p.get('line')} {p.get('code')}: {lb.reason}")
    print(f"== lost true positives (real labels with no warning/error now): {len(lost)}")
    for lb, how in lost:
        print(f"   {lb.blog} {lb.path}:{lb.line} {lb.rule} ({how}): {lb.reason}")
    if a.json:
        summary["lost_true_positives"] = [f"{lb.blog} {lb.path}:{lb.line} {lb.rule}" for lb, _ in lost]
        a.json.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
