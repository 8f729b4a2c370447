"""`-q`: silence the libraries' own log lines (what the user sees is then only ours).

In: nothing. Out: `silence_libraries()` raises the threshold of the loggers of the libraries a build
uses, so that fontTools' subsetter no longer prints `FFTM NOT subset; don't know how to subset;
dropped` (an informational table it drops, which the editor can do nothing about). Python prints
unconfigured warnings through its last-resort handler; a level above WARNING keeps them out.
Errors of ours never go through logging: they are `PublishError`s printed by the CLI.
"""

from __future__ import annotations

import logging

LIBRARY_LOGGERS = ("fontTools", "PIL", "pypdfium2", "ebooklib")


def silence_libraries() -> None:
    """Only errors (level ERROR and above) from the libraries' loggers; call before building."""
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
