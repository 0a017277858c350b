"""What an uploaded file may be: its size, its format, and what its zip may expand to.

An xlsx is a zip of XML parts. Everything here is checked before openpyxl reads a byte of XML, so
a zip bomb or a file of another format is refused with one clear message instead of exhausting
memory or surfacing as a parser error.
"""

from __future__ import annotations

import io
import logging
import zipfile
from typing import Any, Final

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from core.spreadsheets.spec import SheetSpec, _Refused

logger = logging.getLogger(__name__)

MAX_FILE_BYTES: Final = 5 * 1024 * 1024
MAX_ROWS: Final = 5_000
# What the zip may expand to. A 5 MB xlsx of ordinary lists expands to a few tens of MB; a zip
# bomb expands to gigabytes. zipfile stops at the declared sizes, so their sum is a real bound.
MAX_UNCOMPRESSED_BYTES: Final = 100 * 1024 * 1024

_ZIP_MAGIC: Final = b"PK\x03\x04"
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted (password) .xlsx


def open_workbook(spec: SheetSpec, data: bytes) -> Any:
    """The workbook in ``data``, opened read-only, or :class:`_Refused` with the reason."""
    if len(data) > MAX_FILE_BYTES:
        raise _Refused(
            _("The file is too large (the limit is %(limit)s MB).")
            % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if data.startswith(_OLE_MAGIC):
        raise _Refused(
            _(
                "This is an old-format Excel file (.xls) or a workbook protected by a password. "
                "Save it as an Excel workbook (.xlsx) without a password and try again."
            )
        )
    not_xlsx = _("This file is not an Excel workbook (.xlsx). Save it as an Excel workbook and try again.")
    if not data.startswith(_ZIP_MAGIC):
        raise _Refused(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise _Refused(not_xlsx) from None
    expanded = sum(info.file_size for info in infos)
    # A macro-enabled workbook (.xlsm, or one renamed .xlsx) carries its VBA project as a part of
    # the zip. Nothing here would run it, but a list that arrives with code is refused outright:
    # the person saving it without macros knows what the file is, the portal does not.
    if any(info.filename.lower().endswith("vbaproject.bin") for info in infos):
        raise _Refused(
            _(
                "This workbook contains macros. Save it as an Excel workbook (.xlsx) without macros "
                "and try again."
            )
        )
    if expanded > MAX_UNCOMPRESSED_BYTES:
        raise _Refused(_("The workbook holds too much data to be read."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError):
        # KeyError: a zip without the parts of a workbook (a .docx, a plain zip).
        raise _Refused(not_xlsx) from None
    except Exception:
        logger.info("Unreadable xlsx upload for sheet %r", spec.name, exc_info=True)
        raise _Refused(_("The workbook could not be read; it may be damaged.")) from None
    return workbook
