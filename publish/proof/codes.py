"""The proofreading warnings' codes: what each one means, in one table.

In: nothing. Out: `CODES` (code → one-line description, for `[proof] ignore` validation, the docs and
`publish check --help`), imported by the issue reader without importing the rules themselves.
"""

from __future__ import annotations

CODES: dict[str, str] = {
    "ascii-quote": 'ASCII " or \' next to Chinese text (Chinese uses “ ” and ‘ ’)',
    "ascii-colon": "ASCII : after or before Chinese text (Chinese uses ：)",
    "ascii-comma": "ASCII , after or before Chinese text (Chinese uses ，)",
    "ascii-semicolon": "ASCII ; after or before Chinese text (Chinese uses ；)",
    "ascii-paren": "ASCII ( ) around Chinese text (Chinese uses （ ）)",
    "ascii-question": "ASCII ? after Chinese text (Chinese uses ？)",
    "ascii-exclamation": "ASCII ! after Chinese text (Chinese uses ！)",
    "unbalanced-quote": "a “ or ‘ that is never closed, or a ” or ’ that was never opened",
    "unbalanced-title-mark": "a 《 that is never closed, or a 》 that was never opened",
    "unbalanced-paren": "a （ that is never closed, or a ） that was never opened",
    "heading-skip": "a heading level skipped (### （一） before any ## 一、)",
    "fullwidth-alnum": "full-width digits or Latin letters (２０２４, ＡＢＣ)",
    "single-dash": "a single dash — or - where Chinese writes the dash ——",
    "ascii-ellipsis": "an ellipsis written ... or 。。。 (Chinese uses ……)",
    "single-ellipsis": "a single … (Chinese uses two: ……)",
    "doubled-punctuation": "the same stop twice (，， 。。) or two stops in a row (，。)",
    "title-wraps": "a title line the layout breaks on its own (it is wider than the page's text block)",
}
