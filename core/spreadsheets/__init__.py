"""Excel (xlsx) templates, exports and all-or-nothing imports, driven by a declarative sheet spec.

An app declares its list once as a :class:`SheetSpec` of :class:`Column` s and gets:

- :func:`build_template` — an empty sheet to fill in (header row, dropdowns, date formats, an
  optional grey example row and a 「記入方法」 sheet that explains every column);
- :func:`export_rows` — the same layout filled with existing records, so an export can be edited
  and imported again;
- :func:`parse_rows` / :func:`parse_rows_or_raise` — read an uploaded file back into Python values,
  with the Excel row and column letter of every error (design.md, invariant 8).

**All or nothing.** :func:`parse_rows` returns rows only when the whole sheet is valid; as soon as
one cell is wrong, ``result.rows`` is empty and ``result.errors`` lists every problem. Callers
apply nothing unless ``result.ok``, and apply everything in one transaction. See
docs/spreadsheets.md.

**Language.** The file is a Japanese document whatever the UI language, like the PDF forms:
headers, choice labels, sheet titles and the はい/いいえ tokens are part of the file format (a file
exported by a user with the English UI must import for one with the Japanese UI), and the
explanatory text in the file is rendered in :data:`SHEET_LANGUAGE`. Error messages are UI text in
the active language.

**Modules.** :mod:`~core.spreadsheets.spec` (the spec, constants, results and errors),
:mod:`~core.spreadsheets.writing` (templates and exports), :mod:`~core.spreadsheets.reading`
(parsing with the row and column of every error), :mod:`~core.spreadsheets.cells` (one cell to
one value), :mod:`~core.spreadsheets.limits` (size, format and zip-bomb checks before any XML is
read). Dates typed as text, 和暦 included, are parsed by :func:`core.wareki.parse_date`. Import
from ``core.spreadsheets``: the names below are its public API.
"""

from core.spreadsheets.limits import MAX_FILE_BYTES, MAX_ROWS
from core.spreadsheets.reading import parse_rows, parse_rows_or_raise
from core.spreadsheets.spec import CellError, Column, ImportResult, SheetSpec, SpreadsheetError
from core.spreadsheets.writing import build_template, export_rows
from core.wareki import parse_date

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "CellError",
    "Column",
    "ImportResult",
    "SheetSpec",
    "SpreadsheetError",
    "build_template",
    "export_rows",
    "parse_date",
    "parse_rows",
    "parse_rows_or_raise",
]
