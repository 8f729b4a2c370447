"""The article recovered from a Word file, before it is written as Markdown.

In: what `structure.recover` decides. Out: a `Draft` — the front matter fields and body blocks in
the vocabulary of the article format (paragraph, heading, salutation, signature, note, numbered
item, figure, table, notes) — plus `Guess`es: every decision that was not read directly off the
file, with its reason, for the report. Runs are the model's `Text`/`Emphasis` and `Ref` (a note
reference `[^label]`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from publish.model import Emphasis, Link, Text


@dataclass(frozen=True)
class Ref:
    """A reference to note `label` (written `[^label]`)."""

    label: str

    @property
    def text(self) -> str:
        return ""


Run = Text | Emphasis | Link | Ref


def plain(runs: list[Run] | tuple[Run, ...]) -> str:
    return "".join(r.text for r in runs)


@dataclass
class Block:
    """One body block. `kind`: paragraph, heading, salutation, note, item, signature, figure, table."""

    kind: str
    runs: list[Run] = field(default_factory=list)
    level: int = 0  # heading level (1 or 2)
    label: str = ""  # numbered item label (`1.`)
    lines: list[str] = field(default_factory=list)  # signature lines
    image: str = ""  # figure: path relative to the issue folder
    rows: list[list[list[Run]]] = field(default_factory=list)  # table cells (first row is the header)
    caption: list[Run] = field(default_factory=list)  # figure or table caption
    where: str = ""


@dataclass
class Guess:
    """One decision and why: `what` it became, the `text` (shortened), `where` in the Word file."""

    what: str
    text: str
    because: str
    where: str = ""

    def to_json(self) -> dict[str, str]:
        return {"what": self.what, "text": self.text, "because": self.because, "where": self.where}


@dataclass
class Draft:
    title: list[str] = field(default_factory=list)
    subtitle: str = ""
    bylines: list[tuple[str, str]] = field(default_factory=list)  # (unit, name)
    kind: str = ""
    section: str = ""  # a section named in the manuscript
    blocks: list[Block] = field(default_factory=list)
    notes: list[tuple[str, list[Run]]] = field(default_factory=list)  # (label, runs), in label order
    guesses: list[Guess] = field(default_factory=list)
    # Han characters taken into fields outside the article's text (the section name → issue.toml).
    elsewhere: dict[str, str] = field(default_factory=dict)

    def guess(self, what: str, text: str, because: str, where: str = "") -> None:
        short = text if len(text) <= 40 else text[:39] + "…"
        self.guesses.append(Guess(what, short, because, where))
