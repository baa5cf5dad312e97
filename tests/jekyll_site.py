"""Build a small site with the real Jekyll, for differential tests: the model reinvent-lint keeps
of Jekyll and kramdown is compared with what `jekyll build` writes and logs.

The Debian packages `jekyll ruby-kramdown-parser-gfm ruby-jekyll-relative-links ruby-jekyll-feed
ruby-jekyll-paginate` give Jekyll 4.3 with the kramdown GitHub Pages uses. GitHub Pages runs
Jekyll 3.9.5: tests assert only behaviour the two share, and say so where it matters.

Practicalities: no Gemfile (JEKYLL_NO_BUNDLER_REQUIRE=true), TZ=UTC, a temporary copy, and the
log is read, because the exit code is 0 even when a post's YAML is broken.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import write_site

JEKYLL = shutil.which("jekyll")
requires_jekyll = pytest.mark.skipif(
    JEKYLL is None,
    reason="real Jekyll is not installed: apt-get install -y jekyll ruby-kramdown-parser-gfm "
    "ruby-jekyll-relative-links ruby-jekyll-feed ruby-jekyll-paginate (.ci/run does)",
)

DEFAULT_CONFIG = "title: Test\nmarkdown: kramdown\nkramdown:\n  input: GFM\n"


@dataclass
class Build:
    source: Path
    destination: Path
    returncode: int
    log: str

    @property
    def failed(self) -> bool:
        """The build stopped: non-zero exit, or Jekyll's own fatal marker in the log."""
        return self.returncode != 0 or ("Error:" in self.log and "Conversion error" not in self.log)

    def outputs(self) -> set[str]:
        """Every written file, relative to the destination, POSIX style."""
        return {p.relative_to(self.destination).as_posix() for p in self.destination.rglob("*") if p.is_file()}

    def html(self, relative: str) -> str:
        return (self.destination / relative).read_text(encoding="utf-8")

    def url_exists(self, url: str) -> bool:
        """Whether a site URL (`/2024/01/02/x.html`, `/about/`) is served by the built site."""
        rel = url.split("#", 1)[0].lstrip("/")
        path = self.destination / rel
        return path.is_file() or (path / "index.html").is_file() or Path(str(path) + ".html").is_file()


def build(tmp: Path, files: dict[str, str | bytes], config: str = DEFAULT_CONFIG) -> Build:
    """Write `files` (and `_config.yml` unless given) under `tmp/src`, build into `tmp/_out`."""
    if JEKYLL is None:
        pytest.skip("real Jekyll is not installed")
    source, destination = tmp / "src", tmp / "_out"
    source.mkdir(parents=True, exist_ok=True)
    write_site(source, {"_config.yml": config, **files} if "_config.yml" not in files else files)
    env = {**os.environ, "JEKYLL_NO_BUNDLER_REQUIRE": "true", "TZ": "UTC", "LANG": "C.UTF-8"}
    env.pop("BUNDLE_GEMFILE", None)
    result = subprocess.run(
        [JEKYLL, "build", "--source", str(source), "--destination", str(destination), "--trace"],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Build(source, destination, result.returncode, result.stdout + result.stderr)
