"""Links and assets, offline: everything about a reference that the files alone can tell.

Markdown linters read `{% link %}` as text and link checkers "repair" `https:/x` into
`https://x/`; on the live page that is a path on the blog. These rules read what the browser and
Jekyll will actually do.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ..document import Document
from ..problem import Fix, Problem, Safety, Severity
from ..jekyll.kramdown_ids import Targets, html_ids, targets
from ..jekyll.local_paths import image_includes, asset_provider, build_step, decode_path, resolve_liquid, user_site
from ..jekyll.references import Reference, references, unclosed_links
from ..lazy_re import lazy
from ..near_miss import close_match
from ..memo import Key
from ..rule import Context, graded, rule
from ..jekyll.urls import draft_for, GENERATOR_PLUGINS, link_problem, post_url_problem

_URL_KINDS = {"link", "image", "definition", "html-href", "html-src"}
_CHECKED_KINDS = _URL_KINDS | {"autolink"}
_LOCAL_KINDS = _URL_KINDS | {"include-param"}
_WEB_TLDS = r"(?:com|org|net|io|dev|co|ai|app|gov|edu|me|info|xyz|cloud|aws|uk|de)"


_WELL_FORMED = re.compile(r"^(?:https?://(?!/|https?:)|#|\.{0,2}/(?!/*https?:)|mailto:|tel:|$)", re.IGNORECASE)
_SPACE_BEFORE_PAREN = lazy(r"\][ \t]\($")
_LOOKS_LIKE_TARGET = lazy(r"^(?:https?:|/|#|\./|\.\./|mailto:|\{%|\{\{)")
_SPACE_IN_TARGET = lazy(
    r"\]\((https?:[^\s()]*|/[^\s()]*)[ \t]+((?:[^\s()\"']|\([^()\n]*\))(?:[^()\n]|\([^()\n]*\))*)\)"
)


def _malformed(target: str) -> tuple[str, str | None, Safety] | None:
    """(what the browser does, repaired target or None, safety) for a malformed URL."""
    if _WELL_FORMED.match(target):
        return None
    m = re.match(r"^(https?):/(?!/)(.*)$", target, re.IGNORECASE)
    if m:
        return (
            f"'{m.group(1)}:/' has one slash: the browser reads it as the path"
            f" /{m.group(2).split('/')[0]} on this blog",
            f"{m.group(1)}://{m.group(2)}",
            Safety.SAFE,
        )
    m = re.match(r"^(https?):///+(.*)$", target, re.IGNORECASE)
    if m:
        return (
            "three slashes after the scheme: browsers disagree on where this goes",
            f"{m.group(1)}://{m.group(2)}",
            Safety.SAFE,
        )
    m = re.match(r"^(https?):(?!/)(\S+)$", target, re.IGNORECASE)
    if m:
        return (
            f"'{m.group(1)}:' without '//': the browser reads it as a path on this blog or guesses the host",
            f"{m.group(1)}://{m.group(2)}",
            Safety.SAFE,
        )
    m = re.match(r"^(https?);/*(\S+)$", target, re.IGNORECASE)
    if m:
        return (
            f"'{m.group(1)};' has a semicolon for the colon: the browser reads it as a relative path on this blog",
            f"{m.group(1)}://{m.group(2)}",
            Safety.SAFE,
        )
    m = re.match(rf"^(https?)/((?:[\w-]+\.)+{_WEB_TLDS}(?:[/?#]\S*)?)$", target, re.IGNORECASE)
    if m:
        return (
            f"'{m.group(1)}/' has no colon: the browser reads it as a relative path on this blog",
            f"{m.group(1)}://{m.group(2)}",
            Safety.SAFE,
        )
    m = re.match(r"^(https?)//(.*)$", target, re.IGNORECASE)
    if m:
        return (
            f"'{m.group(1)}//' has no colon: the browser reads it as a relative path on this blog",
            f"{m.group(1)}://{m.group(2)}",
            Safety.SAFE,
        )
    m = re.match(r"^(https?://)+(https?://.*)$", target, re.IGNORECASE)
    if m and re.match(r"^https?://https?://", target, re.IGNORECASE):
        return ("the scheme is doubled: the browser looks for a host named 'https'", m.group(2), Safety.SAFE)
    m = re.match(r"^/+(https?://.*)$", target, re.IGNORECASE)
    if m:
        return ("a leading slash makes it a path on this blog", m.group(1), Safety.SAFE)
    m = re.match(r"^(h+t+p+s?|ht+ps?|htp+s?|hhtps?|htps)://(.*)$", target, re.IGNORECASE)
    if m and m.group(1).lower() not in ("http", "https"):
        scheme = "https" if m.group(1).lower().endswith("s") else "http"
        return (f"misspelt scheme '{m.group(1)}:': the browser cannot open it", f"{scheme}://{m.group(2)}", Safety.SAFE)
    if re.match(r"^www\.[\w-]+\.", target, re.IGNORECASE):
        return ("no scheme: the browser reads it as a relative path on this blog", "https://" + target, Safety.SAFE)
    if re.match(rf"^[\w-]+(?:\.[\w-]+)*\.{_WEB_TLDS}/", target, re.IGNORECASE):
        return ("no scheme: the browser reads it as a relative path on this blog", "https://" + target, Safety.UNSAFE)
    return None


@rule(
    "RL401", "malformed-url", "Link targets must be well-formed URLs or paths.", severity=Severity.ERROR, fixable=True
)
def malformed_url(ctx: Context) -> Iterator[Problem]:
    doc = ctx.doc
    for ref in references(ctx.doc):
        if ref.kind not in _CHECKED_KINDS or ref.liquid is not None:
            continue
        target = ref.target
        if ref.kind in ("link", "image") and ref.start == ref.end:
            # The reader lands on the same page, not on a 404: wrong, but not broken.
            empty = ctx.problem(ref.label_start, "empty link target '()': it links to this same page", end=ref.end + 1)
            yield graded(empty, Severity.WARNING)
            continue
        if ref.kind in ("link", "image"):
            between = doc.text[ref.label_start : ref.start]
            if _SPACE_BEFORE_PAREN().search(between) and _looks_like_target(target):
                gap = ref.start - 2
                fix = Fix.replace(gap, gap + 1, "", description="remove the space between ] and (")
                yield ctx.problem(
                    gap, "space between ']' and '(': this is text in brackets, not a link", end=ref.start, fix=fix
                )
                continue
            if target.startswith("(") and target.endswith(")") and _looks_like_target(target[1:-1]):
                fix = Fix((
                    *Fix.replace(ref.start, ref.start + 1, "").edits,
                    *Fix.replace(ref.end - 1, ref.end, "").edits,
                ), Safety.SAFE, "remove the doubled parentheses")  # fmt: skip
                yield ctx.problem(
                    ref.start, "doubled parentheses: the link target includes '(' and ')'", end=ref.end, fix=fix
                )
                continue
        found = _malformed(target)
        if found:
            why, repaired, safety = found
            repair: Fix | None = None
            if repaired:
                repair = Fix.replace(ref.start, ref.end, repaired, safety=safety, description=f"use {repaired}")
            yield ctx.problem(ref.start, f"malformed URL '{target}': {why}", end=ref.end, fix=repair)
    # kramdown reads `[text](http://x a b)` as a link to "http://x a b" (the browser asks for
    # "http://x%20a%20b"), and has no `(Title)` form: `[x](http://x (Title))` links to that too.
    masked = doc.masked
    for seg_start, seg_end in doc.inline_segments:
        if masked.find("](", seg_start, seg_end) < 0:  # no copy of each segment (issue 18)
            continue
        # The pattern has no anchor nor look-behind: searched within the bounds, it finds what
        # it finds in the segment's copy.
        for m in _SPACE_IN_TARGET().finditer(masked, seg_start, seg_end):
            at = m.start(1)
            rest = m.group(2)
            if doc.in_code(at) or (m.group(1).startswith("/") and not rest.startswith("(")):
                continue  # a local path with spaces works when the file has them: RL403 judges it
            if rest.startswith("(") and rest.rstrip().endswith(")"):
                why = f"kramdown has no '(title)' form: the link goes to '{m.group(1)} {rest}', a broken URL"
                why += "; write the title in quotes"
            else:
                why = f"whitespace inside the link target: kramdown links to '{m.group(1)}%20...', a broken URL"
            yield ctx.problem(at, why, end=m.end(2))
    for ref in references(doc):
        if ref.kind != "definition" or ref.liquid is not None:
            continue
        rest = doc.text[ref.end : doc.line_end(doc.position(ref.end)[0])]
        if re.fullmatch(r"[ \t]+\([^()]*\)[ \t]*", rest):
            why = f"kramdown has no '(title)' form: the link goes to '{ref.target}{rest.rstrip()}', a broken URL"
            yield ctx.problem(ref.start, why + "; write the title in quotes", end=ref.end + len(rest.rstrip()))
    for start, end in unclosed_links(doc):
        opening = doc.text[start:end].split("](", 1)
        if len(opening) == 2 and _looks_like_target(opening[1]):
            yield ctx.problem(
                start, "the link's '(' is never closed: kramdown shows the brackets and the URL as text", end=end
            )


def _looks_like_target(value: str) -> bool:
    return bool(_LOOKS_LIKE_TARGET().match(value.strip()))


def _did_you_mean(name: str, options: list[str]) -> str:
    close = close_match(name, options, cutoff=0.6)
    return f"; did you mean '{close}'?" if close is not None else ""


_LINK_MEMO: Key[dict[tuple[str, ...], object]] = Key("link-memo", items=True)
_IDS: Key[dict[str, Targets | None]] = Key("ids-of-file", items=True)


def _memo(ctx: Context, key: tuple[str, ...], compute):  # type: ignore[no-untyped-def]
    """Per-run memo on the site: the same missing target is searched for once, not per use."""
    memo = ctx.site.memo.get(_LINK_MEMO, dict)
    if key not in memo:
        memo[key] = compute()
    return memo[key]


@rule("RL402", "missing-link-target", "`{% link %}`, `{% post_url %}` and `{% include %}` must name files that exist.",
      severity=Severity.ERROR, fixable=True)  # fmt: skip
def missing_link_target(ctx: Context) -> Iterator[Problem]:
    site = ctx.site
    if site.root is None:
        return
    for ref in references(ctx.doc):
        if ref.kind == "liquid-link":
            why = link_problem(site, ref.target)  # Jekyll's link tag, modelled in urls.py
            if why is None:
                continue
            if why != "no such file in the site":
                yield ctx.problem(ref.start, f"{{% link {ref.target} %}}: {why}: the build fails", end=ref.end)
                continue
            import difflib  # here: only a near-miss suggestion needs it

            close = _memo(
                ctx,
                ("link", ref.target),
                lambda target=ref.target: difflib.get_close_matches(
                    target,
                    sorted(f for f in site.files if f.split("/", 1)[0] == target.split("/", 1)[0]),
                    n=2,
                    cutoff=0.8,
                ),
            )
            fix = None
            if len(close) == 1:
                fix = Fix.replace(
                    ref.start,
                    ref.end,
                    close[0],
                    safety=Safety.UNSAFE,
                    description=f"link to {close[0]}",
                    edits_protected=True,
                )
            hint = f"; did you mean '{close[0]}'?" if close else ""
            yield ctx.problem(
                ref.start,
                f"{{% link {ref.target} %}}: no such file in the site: the build fails{hint}",
                end=ref.end,
                fix=fix,
            )
        elif ref.kind == "post-url":
            names = site.post_names
            why = post_url_problem(site, ref.target)  # Jekyll's PostComparer, modelled in urls.py
            if why is None or (why == "no such post" and draft_for(site, ref.target)):
                continue  # a post_url that only a draft answers is RL701 link-to-draft
            hint = ""
            if why == "no such post":
                hint = _memo(ctx, ("post_url", ref.target), lambda t=ref.target, n=names: _did_you_mean(t, sorted(n)))
            yield ctx.problem(
                ref.start,
                f"{{% post_url {ref.target} %}}: {why}: the build fails{hint}",
                end=ref.end,
            )
        elif ref.kind == "include":
            if not ref.target:
                yield ctx.problem(
                    ref.start,
                    "{% include %} names no file: the build fails",
                    end=ref.liquid.end if ref.liquid else ref.end,
                )
                continue
            if "{{" in ref.target or ref.target in site.includes:
                continue
            if site.config.get("theme") or site.config.get("remote_theme"):
                continue  # the theme's _includes are not in the source tree: cannot be judged
            hint = _memo(ctx, ("include", ref.target), lambda t=ref.target: _did_you_mean(t, site.includes))
            yield ctx.problem(
                ref.start,
                f"{{% include {ref.target} %}}: no such file in _includes/: the build fails{hint}",
                end=ref.end,
            )


def _exists(site, rel: str) -> bool:  # type: ignore[no-untyped-def]
    normal = posixpath.normpath(rel)
    return not normal.startswith("..") and normal in site.files


def image_params(ctx: Context, template: str) -> tuple[str, ...]:
    """Which parameters of an include are image sources: from config, else read from the template."""
    configured = ctx.settings.get("image-includes", {})
    if configured:
        return tuple(configured.get(template, ()))

    def from_templates() -> dict[str, list[str]]:
        return image_includes(ctx.site)

    return tuple(_memo(ctx, ("image-includes",), from_templates).get(template, ()))


_ASSET_SUFFIX = re.compile(
    r"\.(png|jpe?g|gif|svg|webp|avif|ico|pdf|zip|mp4|webm|mp3|css|js|txt|json|xml|csv)$", re.IGNORECASE
)


_SCHEME = re.compile(r"[a-zA-Z][\w+.-]*:")


def _split_target(ctx: Context, ref: Reference, target: str | None = None) -> tuple[str, str] | None:
    """(site-relative path or root URL, fragment) for a local reference, or None to skip it.
    Root-relative targets lose the baseurl; relative ones resolve from a page's folder;
    percent-escapes are decoded as the browser does."""
    target, _, fragment = (ref.target if target is None else target).partition("#")
    target = decode_path(target.split("?", 1)[0])
    if not target or "{" in target or _SCHEME.match(target) or target.startswith("//"):
        return None
    if target.startswith("/"):
        base = ctx.site.baseurl
        if base and (target == base or target.startswith(base + "/")):
            target = target[len(base) :] or "/"
        return target, fragment
    if ctx.doc.kind != "page" or not _ASSET_SUFFIX.search(target):
        return None  # relative links from posts resolve against the post's URL: not judged
    folder = posixpath.dirname(ctx.relative or ctx.doc.path)
    return "/" + posixpath.normpath(posixpath.join(folder, target)), fragment


def _exists_at(ctx: Context, url: str) -> bool:
    site = ctx.site
    if url in site.urls.urls or posixpath.normpath(url.lstrip("/")) in site.files:
        return True
    # a folder served by a static index file other than index.html (a tag feed's index.xml)
    folder = url.strip("/")
    return url.endswith("/") and any(f"{folder}/index.{ext}" in site.files for ext in ("xml", "htm"))


def _outside_this_site(ctx: Context, target: str, url: str) -> bool:
    """A root path that this site does not serve: under another baseurl, or a sibling project
    site on the same domain (`/otherproject/` on a user site)."""
    site = ctx.site
    assert site.root is not None
    base = site.baseurl
    if base and target.startswith("/") and not (target == base or target.startswith(base + "/")):
        return True  # checked by _missing_baseurl when this site has the file
    if not _memo(ctx, ("user-site",), lambda: user_site(site.root, site.config)):  # a stat of CNAME
        return False
    top = url.strip("/").split("/", 1)[0]
    if not top or "." in top:
        return False
    tops = _memo(ctx, ("tops",), lambda: sorted({f.split("/", 1)[0] for f in site.files} | {
        u.strip("/").split("/", 1)[0] for u in site.urls.urls}))  # fmt: skip
    if top in tops or close_match(top, tops, cutoff=0.8) is not None:
        return False
    # The rest of the path under another folder of this site (`/video/x/a.jpg` when the site has
    # `vid/x/a.jpg`): the site's own folder, moved or renamed, not a sibling project.
    rest = url.strip("/").split("/", 1)[1] if "/" in url.strip("/") else ""
    return not (rest and any(f"{t}/{rest}" in site.files for t in tops))


def _missing_baseurl(ctx: Context, ref: Reference, target: str) -> Problem | None:
    """`/assets/x.png` on a site with `baseurl: /blog`: the file is at /blog/assets/x.png."""
    site = ctx.site
    base = site.baseurl
    assert site.root is not None
    if not base or not target.startswith("/") or target == base or target.startswith(base + "/"):
        return None
    if (site.root / "CNAME").is_file():
        return None  # a custom domain serves the site at its root, whatever baseurl says
    url = decode_path(target.split("#", 1)[0].split("?", 1)[0])
    if url in ("/", "") or not _exists_at(ctx, url):
        return None
    return ctx.problem(
        ref.start,
        f"'{target}' leaves out the baseurl '{base}': the site serves this at '{base}{url}', so readers get a 404;"
        f" write '{{{{ '{url}' | relative_url }}}}' or '{base}{url}'",
        end=ref.end,
    )


def _judge_page_url(ctx: Context, ref: Reference, url: str, target: str) -> Iterator[Problem]:
    site = ctx.site
    if site.plugins & GENERATOR_PLUGINS or re.search(r"/page\d+/?$", url) or url.startswith("/feed"):
        return
    urls = site.urls.urls
    if _exists_at(ctx, url):
        return
    if _outside_this_site(ctx, target, url):
        return
    close = _memo(ctx, ("url", url), lambda: close_match(url, urls, cutoff=0.8))
    hint = f"; did you mean '{close}'?" if close is not None else ""
    yield ctx.problem(ref.start, f"'{target}': no page, post or file of the site has this URL{hint}", end=ref.end)


def _adds_baseurl(ctx: Context, template: str, param: str) -> bool:
    """Whether the include template puts the baseurl before the parameter's value."""
    root = ctx.site.root
    if root is None or not ctx.site.baseurl or template not in ctx.site.includes:
        return False
    text = str(_memo(ctx, ("include-text", template), lambda: _read(root / "_includes" / template)))
    name = re.escape(param)
    return bool(
        re.search(rf"include\.{name}\s*\|\s*(?:relative_url|absolute_url|prepend:\s*site\.baseurl)", text)
        or re.search(rf"site\.baseurl\s*\}}\}}\s*\{{\{{-?\s*include\.{name}\b", text)
    )


def _local_problems(ctx: Context, unverified: bool) -> Iterator[Problem]:
    """RL403's problems, or (unverified=True) RL406's: the missing files that something other
    than this tree may provide."""
    site = ctx.site
    if site.root is None:
        return
    for ref in references(ctx.doc):
        if ref.kind == "include-param" and ref.param not in image_params(ctx, ref.template):
            continue
        if ref.kind not in _LOCAL_KINDS:
            continue
        target = ref.target
        if ref.kind == "include-param" and target.startswith("/") and _adds_baseurl(ctx, ref.template, ref.param):
            target = site.baseurl + target  # the template writes `{{ include.src | relative_url }}`
        if ref.liquid is not None and ref.kind != "include-param":
            resolved = resolve_liquid(target, site.baseurl)
            if resolved is None:
                continue
            target = resolved
        split = _split_target(ctx, ref, target)
        if split is None:
            continue
        url = split[0]
        if not unverified:
            wrong_base = _missing_baseurl(ctx, ref, target)
            if wrong_base:
                yield wrong_base
                continue
        if not _ASSET_SUFFIX.search(url):
            if not unverified:
                yield from _judge_page_url(ctx, ref, url, target)
            continue
        rel = posixpath.normpath(url.lstrip("/"))
        if rel in site.files or _outside_this_site(ctx, target, url):
            continue
        if rel.startswith(".."):
            if not unverified:
                yield ctx.problem(ref.start, f"'{target}' points outside the site", end=ref.end)
            continue
        same = site.files_lower.get(rel.lower(), [])
        if len(same) == 1:
            if unverified:
                continue
            real = same[0]
            path_start = ref.start + ref.target.lower().find(real.lower())
            fix = None
            if ref.target.lower().find(real.lower()) >= 0:
                fix = Fix.replace(path_start, path_start + len(real), real, description=f"use {real}",
                                  edits_protected=ref.liquid is not None)  # fmt: skip
            yield ctx.problem(
                ref.start,
                f"'{target}' differs in case from '/{real}': it works on macOS, not on GitHub Pages (Linux)",
                end=ref.end,
                fix=fix,
            )
            continue
        build = str(_memo(ctx, ("build-step",), lambda r=site.root: build_step(r, site.config)))
        why = asset_provider(site.config, rel, build)
        if bool(why) != unverified:
            continue
        if unverified:
            yield ctx.problem(ref.start, f"'{target}' is not in this tree; {why}, which may provide it", end=ref.end)
            continue
        hint = _memo(
            ctx,
            ("file", rel),
            lambda rel=rel: _did_you_mean(rel, sorted(f for f in site.files if _ASSET_SUFFIX.search(f))),
        )
        if hint and target.startswith("/"):
            hint = hint.replace("mean '", "mean '/", 1)  # the suggestion in the target's own form
        yield ctx.problem(ref.start, f"'{target}' not found in the site{hint}", end=ref.end)


@rule("RL403", "missing-local-file", "Local links and images must point at files, pages or posts of the site.",
      severity=Severity.ERROR, fixable=True)  # fmt: skip
def missing_local_file(ctx: Context) -> Iterator[Problem]:
    yield from _local_problems(ctx, unverified=False)


@rule("RL406", "unverified-local-file",
      "Local files absent from the tree, on a site whose build step, plugins or theme may provide them.",
      severity=Severity.INFO)  # fmt: skip
def unverified_local_file(ctx: Context) -> Iterator[Problem]:
    yield from _local_problems(ctx, unverified=True)


@rule("RL404", "broken-fragment", "`#fragment` links must match a heading id (kramdown's) or an explicit id.",
      severity=Severity.WARNING)  # fmt: skip
def broken_fragment(ctx: Context) -> Iterator[Problem]:
    doc = ctx.doc
    own: Targets | None = None
    for ref in references(ctx.doc):
        if ref.kind not in ("link", "definition", "html-href"):
            continue
        target = ref.target
        if target.startswith("#") and ref.liquid is None:
            fragment = _fragment(target[1:])
            if not fragment:
                continue
            own = own if own is not None else _doc_targets(ctx, doc)
            if fragment not in own:
                yield ctx.problem(
                    ref.start,
                    f"no heading or id '{fragment}' in this post{_did_you_mean(fragment, own.names())}",
                    end=ref.end,
                )
        elif ref.liquid is None and "#" in target and ctx.site.root is not None:
            split = _split_target(ctx, ref)
            if split is None or not split[1] or not split[0]:
                continue
            path = ctx.site.urls.owner.get(split[0]) if not _ASSET_SUFFIX.search(split[0]) else None
            ids = _ids_of(ctx, path) if path else None
            fragment = _fragment(split[1])
            if ids is not None and fragment not in ids:
                at = ref.start + target.rindex("#") + 1
                yield ctx.problem(
                    at, f"no heading or id '{fragment}' in {path}{_did_you_mean(fragment, ids.names())}", end=ref.end
                )
        elif ref.liquid is not None and "#" in target and ctx.site.root is not None:
            span = ref.liquid
            fragment = _fragment(target[target.index("%}") + 2 :].split("#", 1)[-1]) if "%}#" in target else ""
            if not fragment or span.name not in ("link", "post_url"):
                continue
            path = _linked_file(ctx, span.name, span.markup.split()[0] if span.markup.split() else "")
            if path is None:
                continue
            ids = _ids_of(ctx, path)
            if ids is not None and fragment not in ids:
                at = ref.start + target.rindex("#") + 1
                yield ctx.problem(
                    at, f"no heading or id '{fragment}' in {path}{_did_you_mean(fragment, ids.names())}", end=ref.end
                )


def _fragment(value: str) -> str:
    """The id a browser looks for: percent-escapes decoded (`#caf%C3%A9` finds `café`)."""
    from urllib.parse import unquote

    return unquote(value) if "%" in value else value


def _linked_file(ctx: Context, tag: str, name: str) -> str | None:
    if tag == "link":
        return posixpath.normpath(name) if _exists(ctx.site, name) else None
    return ctx.site.post_names.get(name.removeprefix("/"))


def _include_ids(ctx: Context, doc: Document) -> frozenset[str]:
    """Ids written by the `_includes` files a document includes (their `id=` and `name=`, and
    the headings of Markdown includes)."""
    found: set[str] = set()
    root = ctx.site.root
    if root is None:
        return frozenset()
    for ref in references(doc):
        if ref.kind != "include" or not ref.target or "{" in ref.target or ref.target not in ctx.site.includes:
            continue
        text = str(_memo(ctx, ("include-text", ref.target), lambda t=ref.target: _read(root / "_includes" / t)))
        found.update(html_ids(text))
        if ref.target.endswith((".md", ".markdown")):  # its headings are rendered with the post
            found.update(targets(Document(ref.target, text), ctx.site.config).ids)
    return frozenset(found)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _layout_ids(ctx: Context) -> frozenset[str]:
    """Ids the site's layouts and includes write on pages (`<section id="comments">`): any
    page may have them, depending on its layout, so they are accepted everywhere."""
    site = ctx.site
    root = site.root
    if root is None:
        return frozenset()

    def collect() -> frozenset[str]:
        assert root is not None
        found: set[str] = set()
        for rel in site.files:
            if rel.startswith(("_layouts/", "_includes/")) and rel.endswith((".html", ".htm")):
                found.update(html_ids(_read(root / rel)))
        return frozenset(found)

    return _memo(ctx, ("layout-ids",), collect)  # type: ignore[no-any-return]


def _doc_targets(ctx: Context, doc: Document) -> Targets:
    return targets(doc, ctx.site.config, _include_ids(ctx, doc) | _layout_ids(ctx))


def _ids_of(ctx: Context, rel: str) -> Targets | None:
    from ..document import ReadError

    cache = ctx.site.memo.get(_IDS, dict)
    if rel not in cache:
        try:
            assert ctx.site.root is not None
            cache[rel] = _doc_targets(ctx, Document.read(ctx.site.root / rel, rel))
        except ReadError:
            cache[rel] = None
    return cache[rel]


_IMG_TAG = lazy(r"<img\b[^>]*>", re.IGNORECASE | re.DOTALL)
_ALT_ATTR = lazy(r"\balt\s*=\s*(\"[^\"]*\"|'[^']*'|\S+)", re.IGNORECASE)
_INCLUDE_VAR = lazy(r"\binclude\.([\w-]+)")


def include_alt_params(ctx: Context, template: str) -> tuple[str, ...] | None:
    """The include parameters the template's `<img alt=...>` takes its text from (`alt`,
    `caption`, `title`, ...), in the order the template tries them; () when the template writes
    an alt that no parameter sets (nothing for the author to fix in the post); None when the
    template cannot be read or writes no `<img>` itself."""
    root = ctx.site.root
    if root is None or template not in ctx.site.includes:
        return None

    def learn() -> tuple[str, ...] | None:
        assert root is not None
        text = _read(root / "_includes" / template)
        if not text:
            return None
        params: list[str] = []
        if not _IMG_TAG().search(text):
            return None  # the image comes from elsewhere (a plugin tag, markdown): not known
        for tag in _IMG_TAG().finditer(text):
            alt = _ALT_ATTR().search(tag.group())
            if alt:
                params.extend(p for p in _INCLUDE_VAR().findall(alt.group(1)) if p not in params)
        return tuple(params)

    return _memo(ctx, ("include-alt", template), learn)  # type: ignore[no-any-return]


@rule("RL405", "image-alt-text", "Images need alt text that describes them (not the file name).")
def image_alt_text(ctx: Context) -> Iterator[Problem]:
    for ref in references(ctx.doc):
        if ref.kind == "image":
            yield from _judge_alt(ctx, ref, ref.text.strip(), ref.label_start)
        elif ref.kind == "html-src":
            if ctx.doc.text[ref.label_start : ref.label_start + 4].lower() != "<img":
                continue
            if ref.text.strip() == "" and ref.text != "\0":
                if _sole_link_content(ctx.doc.text, ref.label_start):
                    name = PurePosixPath(ref.target.split("?", 1)[0]).name
                    yield ctx.problem(
                        ref.label_start,
                        f"image '{name}' is all a link holds and has empty alt text: the link has no name",
                        end=ref.end,
                    )
                continue  # otherwise `alt=""` in HTML marks an image as decorative, deliberately
            if ref.text == "\0" and _inside(
                ref.label_start, ctx.doc.memo.get(_NO_ALT_NEEDED, lambda: _no_alt_needed(ctx))
            ):
                continue
            yield from _judge_alt(ctx, ref, None if ref.text == "\0" else ref.text.strip(), ref.label_start)
        elif ref.kind == "include-param" and ref.param in image_params(ctx, ref.template):
            span = ref.liquid
            assert span is not None
            learned = include_alt_params(ctx, ref.template)
            if learned == ():
                continue  # the template's alt does not come from a parameter
            names = learned or ("alt",)
            value: str | None = None
            source = ""
            for name in names:
                m = re.search(
                    rf"\b{re.escape(name)}\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|(\S+))", ctx.doc.text[span.start : span.end]
                )
                if m:
                    given = next(g for g in m.groups() if g is not None).strip()
                    if given.startswith("include.") or given.startswith("page."):
                        given = "variable"
                    if value is None or not value:
                        value, source = given, name
            if value == "" and source == "alt":
                continue  # `alt=""` given on purpose, as in HTML: a decorative image
            yield from _judge_alt(ctx, ref, value, span.start)


_FILE_LIKE = lazy(r"^(?:\S*[._]\S*|\d+|[^\s-]+(?:-[^\s-]+)+)$")

# HTML where an <img> needs no alt attribute: in a <figure> with a <figcaption> (the HTML
# standard lets the caption stand for it), and the fallback inside <video>/<audio>/<object>,
# which only a browser that cannot play the media shows.
_NO_ALT_NEEDED: Key[list[tuple[int, int]]] = Key("img-no-alt-needed")
_CONTAINER_OPEN = lazy(r"<(figure|video|audio|object)\b[^<>]*>", re.IGNORECASE)
_CONTAINER_CLOSE = lazy(r"</(figure|video|audio|object)\s*>", re.IGNORECASE)
_FIGCAPTION = lazy(r"<figcaption\b[^<>]*>\s*[^\s<]|<figcaption\b[^<>]*>\s*<(?!/figcaption)", re.IGNORECASE)


def _no_alt_needed(ctx: Context) -> list[tuple[int, int]]:
    """(start, end) of each <figure> with a caption and each <video>/<audio>/<object>; linear in
    the text (closing tags are found by bisection, not by a search per opening tag)."""
    text = ctx.doc.text
    closes: dict[str, list[int]] = {}
    for m in _CONTAINER_CLOSE().finditer(text):
        closes.setdefault(m.group(1).lower(), []).append(m.end())
    captions = [m.start() for m in _FIGCAPTION().finditer(text)]
    spans = []
    for m in _CONTAINER_OPEN().finditer(text):
        name = m.group(1).lower()
        ends = closes.get(name, [])
        i = bisect.bisect_right(ends, m.end())
        if i == len(ends):
            continue
        end = ends[i]
        j = bisect.bisect_left(captions, m.end())
        if name != "figure" or (j < len(captions) and captions[j] < end):
            spans.append((m.start(), end))
    return spans


_LINK_OPEN_BEFORE = lazy(r"<a\b[^<>]*>\s*", re.IGNORECASE)
_LINK_CLOSE_AFTER = lazy(r"[^<>]*>\s*</a\s*>", re.IGNORECASE)


def _sole_link_content(text: str, img: int) -> bool:
    """Whether the `<img` at `img` is all an `<a>` holds, `<a href=...><img ... alt=""></a>`, and
    the link is not named otherwise (`aria-label`, `aria-labelledby`, `title`)."""
    before = text.rfind("<", 0, img)  # the tag just before the image must be the link's
    opening = _LINK_OPEN_BEFORE().fullmatch(text, before, img) if before >= 0 else None
    if opening is None or re.search(r"(?i)\b(?:aria-label|aria-labelledby|title)\s*=", opening.group()):
        return False
    return bool(_LINK_CLOSE_AFTER().match(text, img + 4))


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def _judge_alt(ctx: Context, ref: Reference, alt: str | None, at: int) -> Iterator[Problem]:
    name = PurePosixPath(ref.target.split("?", 1)[0]).name
    if alt is None:
        yield ctx.problem(at, f"image '{name}' has no alt text", end=ref.end)
    elif not alt:
        yield ctx.problem(at, f"image '{name}' has empty alt text", end=ref.end)
    elif name and _is_file_name(alt, name):
        yield ctx.problem(at, f"alt text of '{name}' is just its file name; describe the image", end=ref.end)
    elif name and alt.lower() == PurePosixPath(name).stem.lower():
        # A plain word that names the file (`Settings`) may be a fair short description: info.
        message = f"alt text of '{name}' is the word in its file name; does it describe the image?"
        yield graded(ctx.problem(at, message, end=ref.end), Severity.INFO)


def _is_file_name(alt: str, name: str) -> bool:
    """The alt repeats the file name as a file name reads (`pod_networking`, `02`, `img-0042.png`,
    `nat-proxy-egress-traffic`); a word or phrase that happens to name the file (`Settings`) is
    left alone."""
    alt = alt.lower()
    if alt == name.lower():
        return True
    return alt == PurePosixPath(name).stem.lower() and bool(_FILE_LIKE().match(alt))


RULES = [malformed_url, missing_link_target, missing_local_file, broken_fragment, image_alt_text, unverified_local_file]
