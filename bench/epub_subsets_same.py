"""Are the EPUB font subsets the same bytes as another revision's? On every installed face.

In: a git revision (`--ref`, default `main`) whose `publish/fonts/epubsubset.py` is the reference,
and optionally parts of font file paths to limit the faces (`fc-list` gives the installed ones).
Out (stdout): a `DIFF` line per case whose subset differs (face, language, character set, the sizes
or the error), then the number of faces and cases. Exit status 1 when any case differs.

Per face: six character sets — Latin, CJK punctuation and vertical forms, 400 and 40 random
characters of its cmap, astral and rare hanzi, a mix renamed as a Reserved Font Name would be —,
plus variation sequences where the face has a format 14 cmap; in zh-CN, and the mix, punctuation
and sequences also in no language, ja and zh-HK. Each case is made by the reference module, then
twice by the current one: the first makes the face's layout entry ("epub-layout"), the second
reads it. All three must be the same bytes, or the same `Unsupported`.

Only `epubsubset.py` comes from the reference revision (executed as a module of its own); what it
imports (`cffsubset`, `otlscan`, `faceinfo`, …) is the current code. Changes to those are checked
by building both examples with each revision instead. A run takes 2–4 minutes on 98 faces.
Usage: `.venv/bin/python bench/epub_subsets_same.py [--ref REV] [PATH_PART ...]`.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PUNCTUATION = "，。、；：？！（）《》「」『』【】〔〕…—～·‘’“”︐︑︒︓︔︕︖︗︘︙︰︱︳︴︵︶︷︸"
LATIN = "".join(map(chr, range(0x20, 0x7F))) + "àéîõüßçñ–—‘’“”…ﬁﬂ"


def _reference(rev: str) -> types.ModuleType:
    source = subprocess.run(["git", "show", f"{rev}:publish/fonts/epubsubset.py"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    module = types.ModuleType("epubsubset_reference")
    exec(compile(source, f"{rev}:epubsubset.py", "exec"), module.__dict__)
    return module


def _installed(parts: list[str]) -> list[str]:
    listed = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True).stdout
    files = sorted({line for line in listed.split("\n") if line.endswith((".ttf", ".otf", ".ttc", ".otc"))})
    return [f for f in files if not parts or any(p in f for p in parts)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ref", default="main", help="the git revision whose epubsubset.py is the reference")
    parser.add_argument("faces", nargs="*", help="parts of font file paths to limit the faces to")
    args = parser.parse_args()
    os.environ["PUBLISH_CACHE_DIR"] = tempfile.mkdtemp(prefix="epub-subsets-same-")

    from fontTools.ttLib import TTCollection, TTFont

    from publish.fonts import epubsubset, programs
    from publish.fonts.cffsubset import Unsupported
    from publish.fonts.faceinfo import face_info

    reference = _reference(args.ref)
    rng = random.Random(1)
    faces = cases = differ = 0
    started = time.time()
    for path in _installed(args.faces):
        count = len(TTCollection(path).fonts) if path.endswith((".ttc", ".otc")) else 1
        for index in range(count):
            try:
                info = face_info(Path(path), index)
            except Exception as err:  # a face the fonts stage does not read either
                print("skip", path, index, err)
                continue
            cps = sorted(info.cmap)
            sets = {
                "latin": LATIN,
                "punctuation": PUNCTUATION,
                "random 400": "".join(chr(c) for c in rng.sample(cps, min(400, len(cps)))),
                "random 40": "".join(chr(c) for c in rng.sample(cps, min(40, len(cps)))),
                "rare": "".join(chr(c) for c in cps if c > 0x20000)[:50] + "撖磴菅婧",
                "mix": LATIN[:30] + PUNCTUATION + "".join(chr(c) for c in rng.sample(cps, min(150, len(cps)))),
            }
            font = TTFont(path, fontNumber=index if count > 1 else -1, lazy=True)
            uvs = [t for t in font["cmap"].tables if t.format == 14]
            if uvs:
                pairs = [(u, v) for v, seq in sorted(uvs[0].uvsDict.items()) for u, _ in seq]
                picked = rng.sample(pairs, min(30, len(pairs)))
                sets["sequences"] = "".join(chr(u) + chr(v) for u, v in picked) + "人。"
            font.close()
            faces += 1
            for language in ("zh-CN", None, "ja", "zh-HK"):
                for name, chars in sets.items():
                    if language != "zh-CN" and name not in ("mix", "sequences", "punctuation"):
                        continue
                    chars = "".join(sorted(set(chars)))
                    rename = "Subset Family" if name == "mix" else ""
                    made: list[object] = []
                    for module in (reference, epubsubset, epubsubset):  # the entry made, then read
                        try:
                            made.append(module.epub_subset_fast(info, chars, programs._epub_options(), rename,
                                                                programs._apply_rename, language))  # fmt: skip
                        except Unsupported as err:
                            made.append(("Unsupported", str(err)))
                    cases += 1
                    if not made[0] == made[1] == made[2]:
                        differ += 1
                        sizes = [len(m) if isinstance(m, bytes) else m for m in made]
                        print("DIFF", path, index, language, name, sizes)
    print(f"{faces} faces, {cases} cases, {differ} differ, {time.time() - started:.0f} s")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
