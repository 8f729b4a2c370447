"""`publish new`, `publish check`, `publish show`: start, check and look at an issue folder.

In: a folder path. Out: `new` writes a folder with `issue.toml` and two example articles (all or
nothing: built in a temporary folder, then renamed); `check` prints one line per problem on stderr
and exits 1, or a one-line summary and exit 0; `show` prints the issue as a tree — sections,
articles (title, slug, kind, subtitle, bylines), block counts and characters.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import click

from publish.cli import handle_errors
from publish.errors import Problem, PublishError, SourceError
from publish.model import Article, Issue

# ── publish new ───────────────────────────────────────────────────────────────────────────────
ISSUE_TOML = """\
# The issue: magazine, issue metadata and the sections in print order.
# See README "Writing an issue". Check it with:  publish check {folder}

[magazine]
title = "巴彦淖尔人大"
language = "zh-CN"

[issue]
label = "{year}年第1期"         # printed on the cover, in headers and in the EPUB title
date = {date}            # a TOML date, no quotes
first_folio = 3                # folio of the first body page
layout = "magazine-16k"        # a layout name (layouts/NAME.toml) or a path

# [fonts]                      # optional: role = ["family or file", …]
# body = ["Noto Serif CJK SC"]

[[sections]]
title = "特别报道"
articles = ["articles/01-jianghua.md"]

[[sections]]
title = "工作动态"
articles = ["articles/02-tongzhi.md"]
"""

SPEECH = """\
+++
title = ["在市人大常委会会议上的讲话", "（示例）"]
subtitle = "——这是副标题，以破折号开头"
byline = [{unit = "市人大常委会主任", name = "张三"}]
kind = "speech"
+++

::: salutation
各位代表、同志们：
:::

这是一段正文。每个空行分隔一个段落；段落内的换行会被去掉，
不会插入空格。

## 一、一级标题

一级标题写作“## 一、……”。正文中的ASCII逗号,分号;都按原样保留。

### （一）二级标题

二级标题写作“### （一）……”。*着重的文字*用星号括起来。

::: note
（根据录音整理）
:::
"""

NOTICE = """\
+++
title = "关于做好示例工作的通知"
kind = "notice"
+++

::: salutation
各有关单位：
:::

为做好示例工作，现将有关事项通知如下：

1. 编号条目写作“1. ……”，编号按原样印出。

2. 《关于……<条例>……》中的尖括号按原样保留。

::: signature
市人大常委会办公室
2025年1月20日
:::
"""


def scaffold(folder: Path, today: dt.date | None = None) -> list[Path]:
    """Create a new issue folder with two example articles; refuses an existing non-empty folder."""
    today = today or dt.date.today()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise SourceError(
            Problem("already exists and is not empty", folder, None, "choose a new folder name for the issue")
        )
    files = {
        "issue.toml": ISSUE_TOML.format(folder=folder, year=today.year, date=today.isoformat()),
        "articles/01-jianghua.md": SPEECH,
        "articles/02-tongzhi.md": NOTICE,
    }
    parent = folder.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(dir=parent, prefix=f".{folder.name}."))
    try:
        for name, text in files.items():
            target = temp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        if folder.exists():
            folder.rmdir()  # empty (checked above); os.replace needs the name free
        os.replace(temp, folder)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return [folder / name for name in files]


@click.command("new")
@click.argument("folder", type=click.Path(path_type=Path))
@handle_errors
def new(folder: Path) -> None:
    """Create FOLDER: an issue.toml and two example articles to start from."""
    for path in scaffold(folder):
        click.echo(f"created {path}")
    click.echo(f"next: edit the files, then  publish check {folder}")


# ── publish check ─────────────────────────────────────────────────────────────────────────────
@click.command("check")
@click.argument("issue_dir", type=click.Path(path_type=Path))
@handle_errors
def check(issue_dir: Path) -> None:
    """Check ISSUE_DIR without rendering: sources, font coverage, layout. Exit 1 on any problem."""
    from publish.check import check_issue_dir, check_notes

    problems = check_issue_dir(issue_dir)
    # A photo under 300 dpi is reported but, as in the build, does not fail the check: the
    # editor may accept it for a small picture, and the printer's preflight flags it anyway.
    warnings = [p for p in problems if p.is_warning]
    errors = [p for p in problems if not p.is_warning]
    if errors:
        for warning in warnings:
            click.echo(f"warning: {warning}", err=True)
        raise PublishError(*errors)
    for warning in warnings:
        click.echo(f"warning: {warning}")
    from publish.sources import load_issue

    issue = load_issue(issue_dir)
    for note in check_notes(issue_dir):
        click.echo(f"note: {note}")
    click.echo(
        f"ok: {issue_dir} — {len(issue.sections)} sections, {len(issue.articles)} articles, "
        f"{sum(_characters(a) for a in issue.articles):,} characters"
    )


# ── publish show ──────────────────────────────────────────────────────────────────────────────
BLOCK_NAMES = {
    "Paragraph": ("paragraph", "paragraphs"),
    "Heading": ("heading", "headings"),
    "Salutation": ("salutation", "salutations"),
    "Signature": ("signature", "signatures"),
    "Note": ("note", "notes"),
    "ListItem": ("item", "items"),
    "Figure": ("figure", "figures"),
}


def _characters(article: Article) -> int:
    """Characters of the body (every block's text), the measure `show` and `check` report."""
    return sum(len(block.text) for block in article.blocks)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _block_summary(article: Article) -> str:
    counts = Counter(type(b).__name__ for b in article.blocks)
    parts = [_plural(counts[name], *BLOCK_NAMES[name]) for name in BLOCK_NAMES if counts[name]]
    return f"{_plural(len(article.blocks), 'block', 'blocks')} ({', '.join(parts)})"


def render_tree(issue: Issue) -> list[str]:
    """The issue's structure as the lines `publish show` prints."""
    total = sum(_characters(a) for a in issue.articles)
    lines = [
        f"{issue.magazine} {issue.label}  ({issue.date.isoformat()}, first folio {issue.first_folio}, "
        f"layout {issue.layout})",
        f"{_plural(len(issue.sections), 'section', 'sections')}, "
        f"{_plural(len(issue.articles), 'article', 'articles')}, {total:,} characters",
    ]
    for s_index, section in enumerate(issue.sections):
        last_section = s_index == len(issue.sections) - 1
        chars = sum(_characters(a) for a in section.articles)
        lines.append(
            f"{'└─' if last_section else '├─'} {section.title}  "
            f"({_plural(len(section.articles), 'article', 'articles')}, {chars:,} characters)"
        )
        stem = "   " if last_section else "│  "
        for a_index, article in enumerate(section.articles):
            last_article = a_index == len(section.articles) - 1
            lines.append(f"{stem}{'└─' if last_article else '├─'} {' / '.join(article.title)}")
            inner = stem + ("     " if last_article else "│    ")
            lines.append(f"{inner}{article.slug}" + (f"  [{article.kind}]" if article.kind else ""))
            if article.subtitle:
                lines.append(f"{inner}{article.subtitle}")
            for byline in article.bylines:
                lines.append(f"{inner}● {byline.text}")
            lines.append(f"{inner}{_block_summary(article)}, {_characters(article):,} characters")
    return lines


@click.command("show")
@click.argument("issue_dir", type=click.Path(path_type=Path))
@handle_errors
def show(issue_dir: Path) -> None:
    """Print ISSUE_DIR's structure: sections, articles, bylines, block counts, characters."""
    from publish.sources import load_issue

    for line in render_tree(load_issue(issue_dir)):
        click.echo(line)


commands = [new, check, show]
