"""Import a printed issue's text layer (one printed line per line, page chunks) into issue sources.

In: the text a PDF extractor pulled out of a print PDF, page by page (the shape
`pdftotext` gives; docs/design/importer.md). Out: an `Issue` of `publish.model` objects plus an `ImportReport` (pages, folios,
headers, articles with their line ranges, uncertain decisions and the character account);
`write_import` writes `issue.toml`, the articles and `import-report.json` into a folder atomically.

The stages, each in its own module: `pages` (page chunks, running headers, folios), `lines` (width
in em, paragraph recovery), `titles` (title blocks and which body they belong to), `blocks`
(headings, salutations, numbered items, signatures, notes), `sections` (栏目), `report`
(the account and the summary), `assemble` (glue).
"""

from publish.importer.assemble import import_file, import_text, write_import

__all__ = ["import_file", "import_text", "write_import"]
