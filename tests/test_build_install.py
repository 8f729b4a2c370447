"""A build's files are installed both or neither (issue 17 point 10): when the EPUB cannot be moved
into place, the PDF that was there before is put back (or the new one removed), the build fails
with a message, and no scratch folder is left."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

from publish.errors import BuildError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample"
build_mod = importlib.import_module("publish.build")


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))


def _refuse_epub(monkeypatch):
    real = os.replace

    def replace(src, dst):
        # the new EPUB cannot be moved out of the scratch folder (putting files back still works)
        if Path(src).parent.name.startswith(".publish-") and Path(src).name.endswith(".epub") and \
                not Path(src).name.startswith(".previous-"):
            raise PermissionError(13, "Permission denied")
        return real(src, dst)

    monkeypatch.setattr(build_mod.os, "replace", replace)


@pytest.mark.parametrize("before", [True, False], ids=["over-earlier-files", "into-an-empty-folder"])
def test_an_epub_that_cannot_be_installed_leaves_the_folder_as_it_was(tmp_path, monkeypatch, before):
    out = tmp_path / "out"
    out.mkdir()
    old = {}
    if before:
        for name in ("bayannaoer-renda-2025-1.pdf", "bayannaoer-renda-2025-1.epub"):
            (out / name).write_bytes(b"the previous " + name.encode())
            old[name] = (out / name).read_bytes()
    _refuse_epub(monkeypatch)
    with pytest.raises(BuildError, match=r"cannot write .*\.epub: Permission denied") as caught:
        build_mod.build(SAMPLE, out)
    assert caught.value.problems[0].code == "output-not-written"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old
