"""Does `fix` change what a reader sees? For every corpus blog: copy it to /tmp, build its posts
with real Jekyll, run `reinvent-lint fix` (safe fixes, the whole site, style pack as in CI),
build again, and compare each page's HTML. A changed page is intended when the fixes applied to
its post include a rule that exists to change how its span renders (render.RENDER_FIXES, RL702);
any other changed page is damage (target: 0).

The real blogs need themes and plugins that are not installed, so each is built as a skeleton:
its posts, includes and data, its `_config.yml` without theme and plugins, no layouts, and
every tag that is not Liquid's or Jekyll's stubbed by a no-op plugin tag (the same stub before
and after, so it cancels out). Posts that still fail to build are left out, and counted.

Run:  python bench/bench_fix_render.py [--blog NAME] [--unsafe-fixes]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

CORPUS = Path("/work/shared/corpus")
BUILTIN_TAGS = {
    "if", "elsif", "else", "endif", "unless", "endunless", "case", "when", "endcase", "for", "endfor", "break",
    "continue", "assign", "capture", "endcapture", "comment", "endcomment", "raw", "endraw", "include",
    "include_relative", "highlight", "endhighlight", "link", "post_url", "cycle", "tablerow", "endtablerow",
    "increment", "decrement", "liquid", "echo", "render", "ifchanged", "endifchanged",
}  # fmt: skip
_TAG = re.compile(r"\{%-?\s*([A-Za-z_][\w-]*)")
INTENDED = {"RL206", "RL401", "RL402", "RL403", "RL702"}
# Unsafe fixes whose point is a change a reader sees: the words of a misspelling, a doubled word, a
# wrong apostrophe (RL501-503), and RL204's heading id (unsafe exactly because the id changes; see
# its page). With --unsafe-fixes a page they were applied to is intended to change. This is a
# page-level judgement: a stray change elsewhere on such a page would go uncounted.
UNSAFE_INTENDED = {"RL204", "RL501", "RL502", "RL503"}


def _jekyll(source: Path, destination: Path) -> tuple[int, str]:
    env = {**os.environ, "JEKYLL_NO_BUNDLER_REQUIRE": "true", "TZ": "UTC", "LANG": "C.UTF-8"}
    env.pop("BUNDLE_GEMFILE", None)
    result = subprocess.run(
        ["jekyll", "build", "--source", str(source), "--destination", str(destination)],
        env=env, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    return result.returncode, result.stdout + result.stderr


def _skeleton(blog: Path, target: Path, left_out: set[str]) -> None:
    """Posts, includes and data of `blog` under `target`, buildable without theme or plugins."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for folder in ("_posts", "_includes", "_data"):
        if (blog / folder).is_dir():
            shutil.copytree(blog / folder, target / folder, symlinks=False, ignore_dangling_symlinks=True)
    for rel in left_out:
        (target / rel).unlink(missing_ok=True)
    try:
        config = yaml.safe_load((blog / "_config.yml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        config = {}
    keep = {k: config[k] for k in ("permalink", "markdown", "kramdown", "timezone", "future", "baseurl") if k in config}
    keep["defaults"] = [{"scope": {"path": ""}, "values": {"layout": None}}]
    keep["liquid"] = {"error_mode": "lax"}
    (target / "_config.yml").write_text(yaml.safe_dump(keep), encoding="utf-8")
    used: dict[str, bool] = {}
    for path in target.rglob("*"):
        if path.is_file() and path.suffix in (".md", ".markdown", ".html", ".htm", ".mkd"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for name in _TAG.findall(text):
                if name not in BUILTIN_TAGS and not name.startswith("end"):
                    used[name] = used.get(name, False) or f"end{name}" in text
    lines = ["require 'liquid'"]
    # `link` and `post_url` fail on a page or post the skeleton leaves out: render a stub instead of
    # losing the whole post (kubevirt links its posts to its pages).
    # (StandardError: an anonymous subclass fails while naming itself in the error message.)
    for name, tag in (("link", "Link"), ("post_url", "PostUrl")):
        lines.append(
            f"Liquid::Template.register_tag({name!r}, Class.new(Jekyll::Tags::{tag}) {{ def render(c); super; "
            f"rescue StandardError; 'stub-{name}'; end }})"
        )
    for name, block in sorted(used.items()):
        base = "Liquid::Block" if block else "Liquid::Tag"
        lines.append(
            f"Liquid::Template.register_tag({name!r}, Class.new({base}) {{ def render(c) 'stub-{name}' end }})"
        )
    (target / "_plugins").mkdir()
    (target / "_plugins" / "stubs.rb").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _build(blog: Path, work: Path, name: str, left_out: set[str]) -> dict[str, str]:
    """Build the skeleton; posts that stop the build are left out (and recorded) and it retries."""
    for _ in range(50):
        source, out = work / f"{name}-src", work / f"{name}-out"
        _skeleton(blog, source, left_out)
        code, log = _jekyll(source, out)
        if code == 0:
            return {
                p.relative_to(out).as_posix(): p.read_text(encoding="utf-8", errors="replace")
                for p in out.rglob("*.html")
            }
        # The post named by the error, not the first post a warning names (kubevirt's posts ask for a
        # layout the skeleton leaves out, and those warnings come first); colour codes end the path.
        errors = "\n".join(line for line in log.splitlines() if "Warning" not in line)
        culprit = re.search(r"(_posts/[^\s:\x1b]+)", errors)
        if not culprit or culprit.group(1) in left_out:
            raise RuntimeError(f"jekyll build failed:\n{log[-2000:]}")
        left_out.add(culprit.group(1).rstrip("/."))
    raise RuntimeError("too many posts fail to build")


def _lint(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    command = [sys.executable, "-m", "reinvent_lint", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, env=env)


def _page_source(page: str, html_pages: dict[str, str], posts: list[str]) -> str | None:
    """The post a page came from, by its slug (posts are built without layouts)."""
    stem = Path(page).stem if Path(page).name != "index.html" else Path(page).parent.name
    date = re.search(r"(\d{4})/(\d{2})/(\d{2})", page)
    same_slug = [post for post in posts if re.sub(r"^\d{4}-\d{2}-\d{2}-", "", Path(post).stem) == stem]
    if len(same_slug) > 1 and date:  # one slug on two dates (artsy): the page's date picks the post
        same_slug = [post for post in same_slug if Path(post).name.startswith("-".join(date.groups()))] or same_slug
    if same_slug:
        return same_slug[0]
    if date:
        prefix = "-".join(date.groups()) + "-"
        same_day = [post for post in posts if Path(post).name.startswith(prefix)]
        if len(same_day) == 1:
            return same_day[0]
    return None


def _words(html: str) -> str:
    return re.sub(r"\s+", "", html)


def _difference(old: str, new: str) -> str:
    import difflib

    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return "\n".join(f"      {line[:160]}" for line in list(lines)[2:8])


def run(blog: Path, unsafe: bool = False) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix=f"fix-render-{blog.name}-") as tmp:
        work = Path(tmp)
        copy = work / "blog"
        shutil.copytree(blog, copy, symlinks=True)
        left_out: set[str] = set()
        before = _build(copy, work, "before", left_out)
        checked = _lint(["check", "--format", "json", "--links", "off"], copy)
        fixable: dict[str, set[str]] = {}
        for p in json.loads(checked.stdout[checked.stdout.find("{") :] or "{}").get("problems", []):
            if p.get("fix") and (unsafe or p["fix"].get("safety", "safe") == "safe"):
                fixable.setdefault(p["path"], set()).add(p["code"])
        fixed = _lint(["fix", "--links", "off", *(["--unsafe-fixes"] if unsafe else [])], copy)
        after = _build(copy, work, "after", left_out)
        posts = sorted(str(p.relative_to(copy)) for p in (copy / "_posts").rglob("*") if p.is_file())
        changed = sorted(page for page in before.keys() & after.keys() if before[page] != after[page])
        damaged = []
        spacing = 0
        for page in changed:
            source = _page_source(page, after, posts)
            codes = fixable.get(source or "", set())
            if _words(before[page]) == _words(after[page]) and "<pre" not in _difference(before[page], after[page]):
                spacing += 1  # only whitespace between words and tags changed, outside code
                continue
            if not codes & (INTENDED | UNSAFE_INTENDED if unsafe else INTENDED):
                damaged.append((page, source, sorted(codes), _difference(before[page], after[page])))
        refused = [line for line in fixed.stderr.splitlines() if "refused fix" in line]
        return {
            "blog": blog.name, "unsafe fixes": unsafe, "pages": len(before), "left out": len(left_out),
            "changed": len(changed),
            "whitespace only": spacing, "intended": len(changed) - len(damaged) - spacing, "damaged": damaged,
            "refused fixes": len(refused),
            "fix summary": (fixed.stdout.strip().splitlines() or [""])[0],
        }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blog", action="append")
    parser.add_argument("--unsafe-fixes", action="store_true", help="run `fix --unsafe-fixes` instead of `fix`")
    args = parser.parse_args()
    if not CORPUS.is_dir() or shutil.which("jekyll") is None:
        print("needs /work/shared/corpus and jekyll")
        return 2
    blogs = [CORPUS / b for b in args.blog] if args.blog else sorted(p for p in CORPUS.iterdir() if p.is_dir())
    total = 0
    for blog in blogs:
        try:
            result = run(blog, args.unsafe_fixes)
        except RuntimeError as exc:
            print(f"{blog.name}: {exc}")
            continue
        damaged = result.pop("damaged")
        total += len(damaged)  # type: ignore[arg-type]
        print(json.dumps({**result, "damaged": len(damaged)}))  # type: ignore[arg-type]
        for page, source, codes, difference in damaged:  # type: ignore[attr-defined]
            print(f"  DAMAGED {page} (from {source}; fixes: {', '.join(codes) or 'none known'})\n{difference}")
    print(f"damaged pages: {total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
