"""Is this file a Word document we can read? One clear sentence for every kind of bad input.

In: a path given to `publish add`. Out: the python-docx `Document` of a sound .docx, or an
`AddError` whose one line names the file and says what to do. Checked, in this order: the file
exists and is not empty; an OLE compound file (the container of old binary .doc files and of
password-protected .docx files — told apart by the `EncryptionInfo` stream an encrypted package
has); a zip whose entries are intact (CRC) and that holds `word/document.xml`; XML python-docx can
parse. Nothing here writes anything.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any

from publish.errors import AddError, Problem

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ZIP_MAGIC = b"PK\x03\x04"
# Stream names of an encrypted OOXML package inside its OLE container (ECMA-376 part 2 / MS-OFFCRYPTO),
# as UTF-16LE directory entries.
_ENCRYPTED_MARKS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
CONVERT_DOC = (
    "open it in Word or WPS and save it as a Word document (.docx), "
    "or convert it with LibreOffice: soffice --headless --convert-to docx FILE.doc"
)


def fail(path: Path, message: str, fix: str, code: str) -> AddError:
    return AddError(Problem(message, path, None, fix, code))


def open_docx(path: Path) -> Any:
    """The python-docx Document of `path`, or raise `AddError` naming the file."""
    if not path.exists():
        raise fail(path, "no such file", "give the path of a Word (.docx) file", "add-no-file")
    if path.is_dir():
        raise fail(path, "is a folder, not a Word file", "give the path of a .docx file", "add-not-docx")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            handle.seek(0)
            whole_head = handle.read(1 << 16) if head == _OLE_MAGIC else b""
    except OSError as err:
        raise fail(path, f"cannot be read ({err.strerror})", "check the file's permissions", "add-unreadable") from None
    if not head:
        raise fail(path, "is an empty file (0 bytes)", "save the manuscript again in Word as .docx", "add-empty-file")
    if head == _OLE_MAGIC:
        data = whole_head if len(whole_head) < (1 << 16) else path.read_bytes()
        if any(mark in data for mark in _ENCRYPTED_MARKS):
            raise fail(
                path,
                "is password-protected (encrypted)",
                "open it in Word, remove the password (File › Info › Protect Document) and save it again",
                "add-encrypted",
            )
        raise fail(path, "is an old binary Word file (.doc), not .docx", CONVERT_DOC, "add-old-doc")
    if head[:4] != _ZIP_MAGIC:
        if path.suffix.lower() == ".doc":
            raise fail(path, "is not a Word document this tool can read (.doc)", CONVERT_DOC, "add-old-doc")
        if head.lstrip().startswith((b"{\\rtf",)):
            raise fail(path, "is an RTF file, not .docx", "open it in Word and save it as .docx", "add-not-docx")
        raise fail(path, "is not a Word (.docx) file", "give a manuscript saved by Word as .docx", "add-not-docx")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            bad = archive.testzip()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
        raise fail(
            path, "is damaged (not a readable .docx archive)", "open it in Word and save it again", "add-corrupt"
        ) from None
    if bad is not None:
        raise fail(path, f"is damaged ({bad} is corrupt)", "open it in Word and save it again", "add-corrupt")
    if "word/document.xml" not in names:
        what = "a spreadsheet" if "xl/workbook.xml" in names else "a presentation" if "ppt/presentation.xml" in names else "not a Word document"
        raise fail(path, f"is a zip file but {what}", "give a manuscript saved by Word as .docx", "add-not-docx")
    try:
        import docx

        return docx.Document(str(path))
    except Exception as err:  # python-docx raises plain KeyError/ValueError/lxml errors on bad parts
        reason = str(err).splitlines()[0][:80] if str(err) else type(err).__name__
        raise fail(
            path, f"is damaged (its XML cannot be read: {reason})", "open it in Word and save it again", "add-corrupt"
        ) from None
