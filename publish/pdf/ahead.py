"""The print pictures that issue.toml names, converted by a helper forked as a build starts.

In: an issue folder (its `issue.toml`: the `[covers]` pictures, the `[[inserts]]` pictures, the
`[issue] layout`), or a layout chosen instead of the issue's. Out: a job (`pictures_job`) that the
helper a build forks first (`publish.build._made_ahead`) runs: it puts each picture's embeddable
stream into the build cache (kind "pdf-image", under the key `ImageConverter` looks up).

Why: until the EPUB helper is forked (after the fonts are checked: ~0.14 s into a new issue's build,
~0.22 s into a cold one) the build runs on one core and the second has nothing to do; afterwards
both are busy to the end. A covers file's four full-page pictures are ~0.18 s of C work (colour
conversion, zlib), which the writer would otherwise do on a thread while it draws the print PDF,
when both cores are already busy. Made ahead, most of it runs on the idle core instead, and its buffers (a full page is 12 MB
of CMYK) are gone before the build's memory peaks.

A guess, never a decision: the child reads issue.toml with `tomllib` and nothing else checks what it
finds. Whatever it gets wrong (a picture the checks reject, a layout that fails to load, another
output profile) only makes entries under keys the build never asks for, or none; the build then
converts its pictures itself, as it always could. An entry is the stream the build would make: its
key names the picture's content, the output profile and this code (`ImageConverter._key`). The two
processes never convert the same picture at once: each holds the entry's lock while it looks and
converts (`cache.making`), so the build waits for a picture the child is converting and takes it
from the cache, and the child skips one the build has made. Without fork (Windows, macOS,
`PUBLISH_JOBS=1`, one core, other threads running) no helper is started (`publish.worker.usable`)
and the writer converts the pictures on its own thread, as it always did.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["pictures_job", "pictures_named"]


def pictures_job(folder: Path, *, layout: Any = None, loaders: Any = None,
                 allow_outside: bool = False) -> Callable[[], None] | None:
    """The job for a helper: convert the print pictures `folder/issue.toml` names into the build
    cache; None when it names none or cannot be read. `layout`: the build's layout choice (a name,
    a path or a `Layout`; None: the issue's); `loaders`: the build's `Loaders`. Run it in a process
    forked after this returns (`publish.build._made_ahead`)."""
    from publish.sources.issue import _find_root

    folder = _find_root(folder)[0]  # (as `load_issue` reads it: the folder of issue.toml)
    named = pictures_named(folder, allow_outside=allow_outside)
    if named is None or not named[0]:
        return None
    paths, issue_layout = named
    choice = layout if layout is not None else issue_layout
    # imported before the fork: the build needs them for its PDF anyway, and the helper then finds
    # them imported instead of importing them again (~0.03 s). Not ReportLab: the helper converts
    # without it, and its ~10 ms of imports would only delay the fork (`publish.pdf.pdfx`,
    # `publish.pdf.images` import it where a PDF is written; tests/test_pictures_ahead.py).
    from PIL import Image

    import publish.pdf.images
    import publish.pdf.pdfx  # noqa: F401

    # Pillow's common format plugins (PNG, JPEG, …: ~0.01 s), loaded by the first `Image.open`:
    # the build opens these pictures anyway (pagination reads their sizes), the helper reads a
    # PNG's header with it (`ImageConverter._png_stream`) — loaded once, not in both processes
    Image.preinit()

    return lambda: _convert(paths, folder, choice, loaders)


def pictures_named(folder: Path, *, allow_outside: bool = False) -> tuple[list[Path], str] | None:
    """The existing picture files `folder/issue.toml` names for the print edition (covers, then
    inserts; inside `folder` unless `allow_outside`), and its layout name; None when the file
    cannot be read as TOML."""
    from publish.sources.issue import COVER_KEYS, ISSUE_FILE, PICTURE_SUFFIXES, _inside

    try:
        data = tomllib.loads((folder / ISSUE_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    values: list[Any] = []
    covers = data.get("covers")
    if isinstance(covers, dict):
        values += [covers.get(key) for key in COVER_KEYS[:5]]
    inserts = data.get("inserts")
    if isinstance(inserts, list):
        values += [insert.get("picture") for insert in inserts if isinstance(insert, dict)]
    paths = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        path = folder / value
        if (path.suffix.lower() in PICTURE_SUFFIXES and path.is_file()
                and (allow_outside or _inside(path, folder)) and path not in paths):
            paths.append(path)
    meta = data.get("issue")
    name = meta.get("layout") if isinstance(meta, dict) else None
    return paths, name if isinstance(name, str) and name else "magazine-16k"


def _convert(paths: list[Path], folder: Path, choice: Any, loaders: Any) -> None:
    """In the child: each picture's stream made and cached, unless it is cached already."""
    from publish.layout.spec import Layout
    from publish.pdf.images import ImageConverter
    from publish.pdf.pdfx import output_profile

    if isinstance(choice, Layout):
        layout = choice
    elif loaders is not None:
        layout = loaders.layout(choice, folder)
    else:
        from publish.layout import load_layout

        layout = load_layout(choice, folder)
    from publish.heap import give_back

    converter = ImageConverter(output_profile(layout.output_intent, layout.output_condition).data)
    for path in paths:
        try:
            converter.cache_stream(path)
        except Exception:  # a picture that cannot be converted: the build names it
            pass
        # a picture's buffers (~7 MB of a full page's pixels and stream, freed into the C heap)
        # returned to the system at once: this helper lives on while the build draws its PDF,
        # when the build's whole process tree is largest
        give_back()
