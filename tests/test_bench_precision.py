"""bench/precision.py: how labels are read and matched to findings (see bench/labels/README.md)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("bench_precision", ROOT / "bench" / "precision.py")
assert spec and spec.loader
precision = importlib.util.module_from_spec(spec)
sys.modules["bench_precision"] = precision
spec.loader.exec_module(precision)


def finding(line: int, code: str, message: str, column: int = 1) -> dict[str, Any]:
    return {"path": "_posts/p.md", "line": line, "column": column, "code": code, "name": "x", "message": message}


def write_labels(folder: Path, rows: list[str]) -> None:
    (folder / "blog.csv").write_text("blog,path,line,rule,verdict,reason\n" + "\n".join(rows) + "\n", encoding="utf-8")


def test_one_label_covers_every_finding_of_its_rule_on_its_line(tmp_path: Path) -> None:
    write_labels(tmp_path, ["blog,_posts/p.md,3,RL403,false,image from a build step"])
    labels = precision.read_labels("blog", tmp_path)
    pairs = precision.match([finding(3, "RL403", "a"), finding(3, "RL403", "b", 9), finding(4, "RL403", "c")], labels)
    verdicts = sorted((p["line"], lb.verdict if lb else None) for p, lb in pairs)
    assert verdicts == [(3, "false"), (3, "false"), (4, None)]


def test_several_labels_on_one_line_are_told_apart_by_the_quoted_word(tmp_path: Path) -> None:
    write_labels(
        tmp_path,
        [
            "blog,_posts/p.md,7,RL501,false,'nslookup' technical term",
            "blog,_posts/p.md,7,RL501,real,'that'd' is fine here but labelled real for the test",
            "blog,_posts/p.md,7,RL501,real,'differnet' typo",
        ],
    )
    labels = precision.read_labels("blog", tmp_path)
    found = [
        finding(7, "RL501", '"differnet" is misspelt', 5),
        finding(7, "RL501", '"nslookup" is not a known word', 20),
        finding(7, "RL501", '"that\'d" is not a known word', 40),
    ]
    by_word = {p["message"].split('"')[1]: lb.verdict for p, lb in precision.match(found, labels) if lb}
    assert by_word == {"differnet": "real", "nslookup": "false", "that'd": "real"}


def test_the_word_colon_form_of_a_reason_also_names_the_word(tmp_path: Path) -> None:
    write_labels(
        tmp_path,
        [
            "blog,_posts/p.md,5,RL501,real,Raspbery: misspelling or typo",
            "blog,_posts/p.md,5,RL501,real,Github: miscased",
        ],
    )
    labels = precision.read_labels("blog", tmp_path)
    found = [finding(5, "RL501", '"Github" is miscased', 3), finding(5, "RL501", '"Raspbery" is misspelt', 30)]
    pairs = {p["message"].split('"')[1]: lb.reason for p, lb in precision.match(found, labels) if lb}
    assert pairs == {"Github": "Github: miscased", "Raspbery": "Raspbery: misspelling or typo"}


def test_a_rule_name_matches_like_its_code(tmp_path: Path) -> None:
    write_labels(tmp_path, ["blog,_posts/p.md,2,x,real,by name"])
    (pair,) = precision.match([finding(2, "RL201", "skip")], precision.read_labels("blog", tmp_path))
    assert pair[1] is not None and pair[1].reason == "by name"


@pytest.mark.parametrize(
    "row", ["blog,_posts/p.md,two,RL1,real,x", "blog,_posts/p.md,2,RL1,maybe,x", "other,p,2,RL1,real,x"]
)
def test_a_bad_label_row_stops_with_one_line_naming_it(tmp_path: Path, row: str) -> None:
    write_labels(tmp_path, [row])
    with pytest.raises(SystemExit) as stop:
        precision.read_labels("blog", tmp_path)
    assert str(stop.value).startswith("blog.csv:2:")


def test_the_committed_labels_are_well_formed() -> None:
    folder = ROOT / "bench" / "labels"
    for csv_file in sorted(folder.glob("*.csv")):
        labels = precision.read_labels(csv_file.stem, folder)
        assert labels, csv_file
        assert all("\n" not in lb.reason and len(lb.reason) < 120 for lb in labels), csv_file
