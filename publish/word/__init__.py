"""Word manuscripts (.docx) → articles of an issue: `publish add` and `publish.add`.

In: an issue folder and Word files. Out: articles, pictures, reports and the edited `issue.toml`
(see `intake.py`). The stages, each in its own module: `opening` (is it a readable .docx?),
`reader` (what Word holds, with formatting resolved through styles), `structure` (the office's
conventions → title, byline, headings, …), `markdown` (the article file's text), `report` (guesses,
omissions, the character account), `issue_file` (editing issue.toml with tomlkit). No click here.
"""

from publish.word.intake import add
from publish.word.report import AddReport, FileReport

__all__ = ["AddReport", "FileReport", "add"]
