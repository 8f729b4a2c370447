"""Where a link of the sources (`[text](target)`, the model's `Link`) leads.

In: the target as written and the issue's article slugs. Out: a `Target` — a web address (`uri`:
http, https or mailto, percent-encoded to ASCII as PDF URI actions require) or an article of the
issue (`article`: its slug) — or a `LinkError` saying why the target is unusable and how to fix it.

What a target may be (docs/writing-an-issue.md):
- `https://…`, `http://…` (with a host), `mailto:…` → that address;
- another article of the issue, by its file (`a09.md`, `./a09.md`, `articles/a09.md`) or its slug
  (`a09`) → the article (the screen PDF goes to its first page, the EPUB to its document).
Anything else — another scheme (`ftp:`, `file:`, `javascript:`), a fragment (`#…`, `a09.md#…`), a
file that is not an article of the issue — is refused: the reader would find a dead link.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit

WEB_SCHEMES = ("http", "https", "mailto")
# Characters a URI keeps as they are (RFC 3986 reserved + unreserved, and % of existing escapes).
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~-._"


@dataclass(frozen=True)
class Target:
    """A resolved link target: `kind` "uri" (value: an ASCII URI) or "article" (value: a slug)."""

    kind: str
    value: str


class LinkError(ValueError):
    """An unusable link target: `what` went wrong, `fix` says what to write instead."""

    def __init__(self, what: str, fix: str) -> None:
        super().__init__(what)
        self.what = what
        self.fix = fix


_FIX = "write a web address (https://…) or the file of an article of this issue (a09.md)"


def resolve(target: str, slugs: Iterable[str]) -> Target:
    """The `Target` of `target` in an issue whose articles have `slugs`; raises `LinkError`.

    >>> resolve("https://www.bynrd.gov.cn/新闻", ["a01"]).value
    'https://www.bynrd.gov.cn/%E6%96%B0%E9%97%BB'
    >>> resolve("articles/a01.md", ["a01"])
    Target(kind='article', value='a01')
    """
    written = target.strip()
    if not written:
        raise LinkError("link without a target", _FIX)
    parts = urlsplit(written)
    scheme = parts.scheme.lower()
    if scheme and len(scheme) > 1:  # `C:\…` is a Windows path, not a scheme
        if scheme not in WEB_SCHEMES:
            raise LinkError(f"link to {written!r}: '{scheme}:' addresses are not supported", _FIX)
        if scheme in ("http", "https") and not parts.netloc:
            raise LinkError(f"link to {written!r} has no host", "write the whole address, e.g. https://www.example.cn/")
        if scheme == "mailto" and "@" not in parts.path:
            raise LinkError(f"link to {written!r} has no e-mail address", "write mailto:name@example.cn")
        return Target("uri", quote(written, safe=_URI_SAFE))
    if "#" in written:
        raise LinkError(f"link to {written!r}: a link goes to a whole article, not to a place inside one",
                        "drop the #… part")
    known = set(slugs)
    path = PurePosixPath(written.replace("\\", "/"))
    slug = path.stem if path.suffix == ".md" else (written if "/" not in written else "")
    if slug in known:
        return Target("article", slug)
    if path.suffix == ".md" or "/" in written or "." not in written:
        raise LinkError(f"link to {written!r}: no article of this issue has that file or slug",
                        "give the file name of an article listed in issue.toml (a09.md)")
    raise LinkError(f"link to {written!r} is neither a web address nor an article of this issue", _FIX)


def article_links(article: Any) -> list[tuple[int, Any]]:
    """Every `Link` of an article (`publish.model.Article`) with the source line of the block or
    note it is in, in reading order (blocks, then notes)."""
    from publish.model import Link

    out: list[tuple[int, Any]] = []
    for block in (*article.blocks, *article.notes):
        runs: list = [*getattr(block, "runs", ()), *getattr(block, "caption", ())]
        for row in getattr(block, "rows", ()) or ():
            runs += [r for cell in row.cells for r in cell.runs]
        out += [(block.line, r) for r in runs if isinstance(r, Link)]
    return out


def link_problems(issue, shown=None) -> list:
    """A `Problem` (code `link-broken`) for every link of `issue` whose target `resolve` refuses;
    `shown(article)` names the article's file in messages (default: its source, else its slug)."""
    from publish.errors import Problem

    slugs = [a.slug for a in issue.articles]
    problems = []
    for article in issue.articles:
        for line, link in article_links(article):
            try:
                resolve(link.target, slugs)
            except LinkError as err:
                where = shown(article) if shown else (article.source or article.slug)
                problems.append(Problem(err.what, where, line or None, err.fix, "link-broken"))
    return problems
