"""Reading a tagged PDF back, for the tests: the structure tree (pikepdf, following the spec: an
MCR's own /Pg, else its element's) and the text of every marked-content sequence (pdfplumber's
characters carry the MCID and tag of the sequence they are drawn in).

In: a PDF path. Out: `Node`s (type, title, alt, kids: child Nodes and ("mc", page, mcid) /
("annot", page, annotation dict) leaves), `marked_text` {(page, mcid): text} and `glyph_census`
(counts of characters inside a structure element's marked content, inside artifacts, and in none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Node:
    type: str
    title: str = ""
    alt: str = ""
    kids: list[Any] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)

    def walk(self):  # type: ignore[no-untyped-def]
        yield self
        for k in self.kids:
            if isinstance(k, Node):
                yield from k.walk()

    def own(self) -> list[tuple[int, int]]:
        """The (page, MCID)s that are this node's own kids (not its descendants')."""
        return [(k[1], k[2]) for k in self.kids if not isinstance(k, Node) and k[0] == "mc"]

    def marked(self) -> list[tuple[int, int]]:
        """Every (page, MCID) under this node, in tree order."""
        out: list[tuple[int, int]] = []
        for k in self.kids:
            if isinstance(k, Node):
                out += k.marked()
            elif k[0] == "mc":
                out.append((k[1], k[2]))
        return out


def read_tree(path: Path) -> tuple[Node, Any]:
    """The structure tree's root element (the child of StructTreeRoot) and the pikepdf Pdf."""
    import pikepdf

    pdf = pikepdf.open(path)
    page_index = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
    root = pdf.Root.StructTreeRoot

    def page_of(obj: Any, default: int | None) -> int | None:
        return page_index[obj.Pg.objgen] if "/Pg" in obj else default

    def elem(obj: Any, inherited: int | None) -> Node:
        pg = page_of(obj, inherited)
        node = Node(str(obj.S)[1:], str(obj.get("/T", "")), str(obj.get("/Alt", "")))
        if "/A" in obj:
            node.attrs = {str(k): v for k, v in obj.A.items()}
        kids = obj.get("/K")
        if kids is None:
            return node
        if not isinstance(kids, pikepdf.Array):
            kids = [kids]
        for k in kids:
            if isinstance(k, int):
                node.kids.append(("mc", pg, int(k)))
            elif k.get("/Type") == "/MCR":
                node.kids.append(("mc", page_of(k, pg), int(k.MCID)))
            elif k.get("/Type") == "/OBJR":
                node.kids.append(("annot", page_of(k, pg), k.Obj))
            else:
                node.kids.append(elem(k, pg))
        return node

    top = root.K
    if isinstance(top, pikepdf.Array):
        assert len(top) == 1, "one root element (Document)"
        top = top[0]
    return elem(top, None), pdf


def marked_text(path: Path) -> tuple[dict[tuple[int, int], str], dict[str, int]]:
    """{(page, mcid): its characters in drawing order} and a census of the page's characters:
    `tagged` (in an MCID sequence), `artifact`, `untagged`."""
    import pdfplumber

    texts: dict[tuple[int, int], list[str]] = {}
    census = {"tagged": 0, "artifact": 0, "untagged": 0}
    with pdfplumber.open(path) as pdf:
        for i, page in enumerate(pdf.pages):
            for ch in page.chars:
                mcid, tag = ch.get("mcid"), ch.get("tag")
                if mcid is not None:
                    texts.setdefault((i, mcid), []).append(ch["text"])
                    census["tagged"] += 1
                elif tag == "Artifact":
                    census["artifact"] += 1
                else:
                    census["untagged"] += 1
    return {k: "".join(v) for k, v in texts.items()}, census


def element_text(node: Node, texts: dict[tuple[int, int], str]) -> str:
    return "".join(texts.get(m, "") for m in node.marked())
