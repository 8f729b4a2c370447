"""The EPUB 3 edition: the issue model (+ the print folio map) → one reproducible .epub file.

In: an `Issue`, the pagination's `PageStart`s, the fonts stage's `FontSet`. Out: the EPUB written
by `write_epub` (see `publish.epub.writer`). Modules: `xhtml` (article → content document with
page-break markers), `ebook` (ebooklib 0.20 subclassed: reproducible zip, nav, NCX page list),
`metadata` (OPF metadata), `fonts` + `css` (subset faces, stylesheet), `cover` (drawn cover),
`inspect` (reading a built EPUB back, for tests and checks).
"""

from publish.lazy import lazy_exports

__all__ = ["write_epub"]
# (lazily: the build's process imports `publish.epub.titles` for the titles' words, without
# ebooklib and lxml, which only the EPUB helper needs)
__getattr__, __dir__ = lazy_exports(globals(), {"write_epub": "publish.epub.writer"})
