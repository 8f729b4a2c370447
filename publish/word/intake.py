"""`add`: Word manuscripts → articles of an issue, all or nothing (the intake's orchestration).

In: the issue folder, the .docx paths, an optional section title, `dry_run`. Out: an `AddReport`;
unless `dry_run`, written: `articles/NN-<slug>.md`, its pictures in `images/`, its report
`articles/NN-<slug>.add-report.json`, and `issue.toml` with the article listed at the end of its
section. Every file is converted, read back and accounted for before the first byte is written; a
failure in any file raises `AddError` and writes nothing.

Section: `section` if given; else the section the manuscript names (a first line `栏目：…` or
`【…】`, or the file's Category property); else the issue's last section.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from publish.errors import AddError, Problem, PublishError
from publish.word.draft import Draft
from publish.word.issue_file import add_articles, section_titles
from publish.word.markdown import draft_markdown
from publish.word.opening import open_docx
from publish.word.reader import HAN, Manuscript, Omission, Picture, read_manuscript
from publish.word.report import AddReport, FileReport, account
from publish.word.structure import recover

_KEEP_FORMATS = {"png": "png", "jpg": "jpg", "jpeg": "jpg"}
_CONVERT_FORMATS = {"gif", "bmp", "tif", "tiff", "webp"}
_NUMBERED = re.compile(r"^(\d+)-")


def slug_for(title: str, fallback: str) -> str:
    """A readable ASCII slug: the title's first words in pinyin (关于加强 → guanyu-jiaqiang…)."""
    from pypinyin import lazy_pinyin  # imported here: its dictionaries take ~0.3 s to load

    words: list[str] = []
    for syllable in lazy_pinyin(title):
        words += re.sub(r"[^a-z0-9]+", " ", syllable.lower()).split()
    slug = "-".join(words[:8]) if words else ""
    if not slug:
        slug = "-".join(re.sub(r"[^a-z0-9]+", " ", fallback.lower()).split()[:6])
    return slug[:60].strip("-") or "article"


def _next_number(root: Path, listed: list[str]) -> int:
    numbers = [0]
    folder = root / "articles"
    names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    names += [Path(p).name for p in listed]
    for name in names:
        match = _NUMBERED.match(name)
        if match:
            numbers.append(int(match.group(1)))
    return max(numbers) + 1


def _listed(text: str) -> list[str]:
    return re.findall(r'"(articles/[^"]+)"', text)


def _picture_file(picture: Picture, stem: str, number: int, omitted: list[Omission], where: str) -> tuple[str, bytes] | None:
    ext = Path(picture.name).suffix.lower().lstrip(".")
    if ext in _KEEP_FORMATS:
        return f"images/{stem}-{number}.{_KEEP_FORMATS[ext]}", picture.data
    if ext in _CONVERT_FORMATS:
        try:
            from PIL import Image

            with Image.open(io.BytesIO(picture.data)) as image:
                out = io.BytesIO()
                image.convert("RGBA" if "A" in image.getbands() else "RGB").save(out, "PNG", optimize=False)
            return f"images/{stem}-{number}.png", out.getvalue()
        except Exception:
            pass
    omitted.append(Omission(f"picture in {ext.upper() or 'an unknown'} format (convert it to PNG or JPEG)", where))
    return None


def _where_of(manuscript: Manuscript, rid: str) -> str:
    for para in manuscript.paragraphs():
        if any(s.image == rid for s in para.spans):
            return para.where
    return "the document"


class _Plan:
    """Everything to write for one `add`, in memory until `commit`."""

    def __init__(self) -> None:
        self.files: list[tuple[Path, bytes]] = []

    def add(self, path: Path, data: bytes | str) -> None:
        self.files.append((path, data.encode("utf-8") if isinstance(data, str) else data))

    def commit(self) -> None:
        written: list[Path] = []
        backup: tuple[Path, bytes] | None = None
        try:
            for path, data in self.files:
                path.parent.mkdir(parents=True, exist_ok=True)
                if path.exists():
                    backup = (path, path.read_bytes()) if path.name == "issue.toml" else backup
                fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
                try:
                    with os.fdopen(fd, "wb") as handle:
                        handle.write(data)
                    os.replace(temp, path)
                except BaseException:
                    Path(temp).unlink(missing_ok=True)
                    raise
                written.append(path)
        except BaseException:
            for path in written:
                if backup is not None and path == backup[0]:
                    path.write_bytes(backup[1])
                else:
                    path.unlink(missing_ok=True)
            raise


def convert(path: Path, issue_root: Path, number: int, taken: set[str]) -> tuple[FileReport, Draft, str, list[tuple[str, bytes]]]:
    """One Word file → (report, draft, article text, pictures to write). Raises `AddError`."""
    document = open_docx(path)
    try:
        manuscript = read_manuscript(document, path)
    except (ValueError, KeyError, AttributeError, etree.XMLSyntaxError) as err:
        # XML Word would not have written (a number that is not one, a part that is missing)
        raise AddError(
            Problem(f"is damaged (unexpected content: {type(err).__name__} {str(err)[:60]})", path, None,
                    "open it in Word and save it again", "add-corrupt")
        ) from None
    if manuscript.changes:
        first = manuscript.changes[0]
        raise AddError(
            Problem(
                f"has {len(manuscript.changes)} tracked change(s) (first: {first.what} at {first.where})",
                path,
                None,
                "accept or reject the changes in Word first (Review › Accept/Reject), save, and add it again",
                "add-tracked-changes",
            )
        )
    text = "".join(p.text for p in manuscript.paragraphs()) + "".join(
        p.text for paras in manuscript.notes.values() for p in paras
    )
    has_tables = any(not hasattr(i, "spans") for i in manuscript.items)
    if not text.strip() and not manuscript.pictures and not has_tables:
        raise AddError(Problem("is empty (no text in the document)", path, None,
                               "give the manuscript's .docx with its text", "add-empty"))
    # Title first (for the slug), then the pictures' names, then the full structure.
    probe = recover(manuscript, {})
    slug = slug_for("".join(probe.title), path.stem)
    stem = f"{number:02d}-{slug}"
    while stem in taken:
        slug += "-2"
        stem = f"{number:02d}-{slug}"
    taken.add(stem)
    omitted = list(manuscript.omitted)
    images: dict[str, str] = {}
    pictures: list[tuple[str, bytes]] = []
    for count, (rid, picture) in enumerate(manuscript.pictures.items(), start=1):
        made = _picture_file(picture, stem, count, omitted, _where_of(manuscript, rid))
        if made is not None:
            images[rid] = made[0]
            pictures.append(made)
    draft = recover(manuscript, images)
    if not draft.blocks:
        raise AddError(Problem(f"has a title ({''.join(draft.title)[:20]}) but no body text", path, None,
                               "give the manuscript with its text", "add-empty"))
    markdown = draft_markdown(draft, stem)
    article_path = f"articles/{stem}.md"
    from publish.sources.article import article_from_text

    try:
        article = article_from_text(markdown, issue_root / article_path, None)
    except PublishError as err:
        raise AddError(
            Problem(f"the article made from it does not read back ({err.problems[0]})", path, None,
                    "please report this with the file", "add-internal")
        ) from None
    report = FileReport(source=path, article=article_path, slug=stem, title=list(draft.title),
                        images=[p for p, _ in pictures], guesses=[g.to_json() for g in draft.guesses],
                        omitted=omitted)
    report.account = account(manuscript, draft, article)
    kinds = [b.kind for b in draft.blocks]
    report.counts = {
        "paragraphs": kinds.count("paragraph") + kinds.count("item"),
        "headings": kinds.count("heading"),
        "tables": kinds.count("table"),
        "figures": kinds.count("figure"),
        "notes": len(draft.notes),
        "salutation": kinds.count("salutation"),
        "signature": kinds.count("signature"),
        "bylines": len(draft.bylines),
    }
    if not report.balanced:
        a = report.account
        raise AddError(
            Problem(
                f"the character account does not balance: {a['word']['total']} Han characters in the Word file, "
                f"{a['article']['total']} in the article (lost: {a['lost'] or 'none'}; added: {a['added'] or 'none'})",
                path, None, "please report this with the file", "add-account",
            )
        )
    return report, draft, markdown, pictures


def add(
    issue_dir: Path | str,
    paths: Sequence[Path | str],
    section: str | None = None,
    *,
    dry_run: bool = False,
) -> AddReport:
    """Add Word manuscripts to an issue (see the module docstring). Raises `AddError` on bad input."""
    root = Path(issue_dir)
    toml_path = root / "issue.toml"
    if not toml_path.is_file():
        raise AddError(Problem("no issue.toml in this folder", root, None,
                               "give the issue folder, or create one with `publish new DIR`", "add-no-issue"))
    if not paths:
        raise AddError(Problem("no Word files given", root, None, "name one or more .docx files", "add-no-file"))
    toml_text = toml_path.read_text(encoding="utf-8")
    titles = section_titles(toml_text)
    listed = _listed(toml_text)
    number = _next_number(root, listed)
    taken: set[str] = set()
    report = AddReport(issue=root, dry_run=dry_run)
    plan = _Plan()
    entries: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for given in paths:
        path = Path(given)
        try:
            file_report, draft, markdown, pictures = convert(path, root, number, taken)
        except AddError as err:
            problems += err.problems
            continue
        chosen = section or draft.section or (titles[-1] if titles else "")
        if not chosen:
            problems.append(Problem("the issue has no section to add to", toml_path, None,
                                    "give one with --section TITLE", "add-no-section"))
            continue
        file_report.section = chosen
        if section is not None and draft.section and draft.section != section:
            file_report.guesses.append({"what": "section", "text": draft.section, "where": "",
                                        "because": f"named in the manuscript, but --section {section} was given"})
        file_report.section_created = chosen not in titles and chosen not in [s for s, _ in entries]
        entries.append((chosen, file_report.article))
        plan.add(root / file_report.article, markdown)
        for image_path, data in pictures:
            plan.add(root / image_path, data)
        report_path = root / file_report.article.replace(".md", ".add-report.json")
        plan.add(report_path, json.dumps(file_report.to_json(), ensure_ascii=False, indent=2) + "\n")
        report.files.append(file_report)
        number += 1
    if problems:
        raise AddError(*problems)
    plan.add(toml_path, add_articles(toml_text, entries, str(toml_path)))
    for target, _data in plan.files:
        if target != toml_path and target.exists():
            raise AddError(Problem("already exists; nothing was written", target, None,
                                   "move it away or add the manuscript again", "add-exists"))
    if not dry_run:
        plan.commit()
    return report


__all__ = ["HAN", "AddReport", "add"]
