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
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
from typing import Any, Final, Literal, get_args

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from core.wareki import _ERAS, format_wareki, to_local_date

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

logger = logging.getLogger(__name__)

Kind = Literal["text", "int", "date", "choice", "bool", "email"]
KINDS: Final = get_args(Kind)

MAX_FILE_BYTES: Final = 5 * 1024 * 1024
MAX_ROWS: Final = 5_000
# What the zip may expand to. A 5 MB xlsx of ordinary lists expands to a few tens of MB; a zip
# bomb expands to gigabytes. zipfile stops at the declared sizes, so their sum is a real bound.
MAX_UNCOMPRESSED_BYTES: Final = 100 * 1024 * 1024
# The range of Django's IntegerField on every database backend.
INT_MIN: Final = -(2**31)
INT_MAX: Final = 2**31 - 1
EMAIL_MAX_LENGTH: Final = 254

# The explanatory text inside the file (help sheet, comments, dropdown messages) is rendered in
# Japanese, whoever downloads it; see the module docstring.
SHEET_LANGUAGE: Final = "ja"
# Sheet titles and the yes/no tokens are the file's format, not UI text: never translated.
HELP_SHEET_TITLE: Final = "記入方法"
LISTS_SHEET_TITLE: Final = "選択肢"
YES: Final = "はい"
NO: Final = "いいえ"
_TRUE_TOKENS: Final = frozenset({YES, "true", "yes", "1", "○", "◯", "〇"})
_FALSE_TOKENS: Final = frozenset({NO, "false", "no", "0", "×", "✕"})

DATE_FORMAT: Final = "yyyy/mm/dd"
TEXT_FORMAT: Final = "@"
_FIRST_DATA_ROW: Final = 2
_ZIP_MAGIC: Final = b"PK\x03\x04"
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted (password) .xlsx
_SHEET_TITLE_FORBIDDEN: Final = frozenset("[]:*?/\\")
# Excel refuses an inline list validation longer than this (quotes included).
_INLINE_LIST_LIMIT: Final = 255

_HEADER_FONT: Final = Font(bold=True)
_HEADER_FILL: Final = PatternFill("solid", fgColor="DDEBF7")
_EXAMPLE_FONT: Final = Font(italic=True, color="808080")
_WRAP_TOP: Final = Alignment(wrap_text=True, vertical="top")


# --- The spec -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a sheet. ``header`` and choice labels are plain Japanese strings (never lazy):
    they are the file's format and must read the same whatever the UI language."""

    key: str
    header: str
    kind: Kind
    required: bool = False
    max_length: int | None = None
    # value → Japanese label. The sheet shows the labels; the importer accepts labels and values.
    choices: dict[str, str] | None = None
    help: str = ""
    width: int = 18

    def __post_init__(self) -> None:
        if not self.key.isidentifier():
            raise ValueError(f"Column key must be an identifier: {self.key!r}")
        if not isinstance(self.header, str) or not self.header or self.header != self.header.strip():
            raise ValueError(f"Column {self.key!r}: header must be a non-empty plain str without edge spaces")
        if self.kind not in KINDS:
            raise ValueError(f"Column {self.key!r}: kind must be one of {KINDS}, not {self.kind!r}")
        if (self.kind == "choice") != (self.choices is not None):
            raise ValueError(f"Column {self.key!r}: choices are required for kind 'choice' and only for it")
        if self.choices is not None:
            object.__setattr__(self, "choices", dict(self.choices))
            _check_choices(self.key, self.choices)
        if self.max_length is not None and (self.kind not in ("text", "email") or self.max_length < 1):
            raise ValueError(f"Column {self.key!r}: max_length must be positive, for text and email only")
        if not isinstance(self.help, str):
            raise ValueError(f"Column {self.key!r}: help must be a plain str (it is written into the file)")
        if self.width < 1:
            raise ValueError(f"Column {self.key!r}: width must be positive")


def _check_choices(key: str, choices: dict[str, str]) -> None:
    if not choices:
        raise ValueError(f"Column {key!r}: choices must not be empty")
    labels = list(choices.values())
    for value, label in choices.items():
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"Column {key!r}: choice values must be non-empty str, got {value!r}")
        if not isinstance(label, str) or not label or label != label.strip():
            raise ValueError(f"Column {key!r}: choice labels must be non-empty plain str, got {label!r}")
        # A label that is another choice's value would make that cell ambiguous.
        if label in choices and label != value:
            raise ValueError(f"Column {key!r}: label {label!r} is also the value of another choice")
    if len(set(labels)) != len(labels):
        raise ValueError(f"Column {key!r}: choice labels must be unique")


@dataclass(frozen=True)
class SheetSpec:
    """A sheet: its Japanese title, its columns in order and an optional example row.

    ``example`` holds Python values, like a row given to :func:`export_rows` (dates as ``date``,
    choices as values, bools as ``bool``). The template shows it in grey italic in row 2 and the
    importer skips any row equal to it, so make it an obviously invented record.
    """

    name: str
    columns: tuple[Column, ...]
    example: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        if not self.columns:
            raise ValueError("A sheet needs at least one column")
        _check_sheet_title(self.name)
        for attr in ("key", "header"):
            seen = [getattr(column, attr) for column in self.columns]
            if len(set(seen)) != len(seen):
                raise ValueError(f"Sheet {self.name!r}: column {attr}s must be unique")
        if self.example is not None:
            unknown = set(self.example) - {column.key for column in self.columns}
            if unknown:
                raise ValueError(f"Sheet {self.name!r}: example has unknown keys {sorted(unknown)}")
            _render_row(self, self.example)  # fails early on a value the sheet cannot show

    def cell_error(self, *, row: int, key: str, message: str) -> CellError:
        """An error at ``row`` in the column ``key``: for checks a caller makes after parsing
        (duplicates, an end date before a start date), reported like the importer's own."""
        index = [column.key for column in self.columns].index(key)
        return CellError(
            row=row, column=get_column_letter(index + 1), header=self.columns[index].header, message=message
        )


def _check_sheet_title(title: str) -> None:
    if (
        not isinstance(title, str)
        or not title.strip()
        or len(title) > 31
        or any(ch in _SHEET_TITLE_FORBIDDEN for ch in title)
        or title.startswith("'")
        or title.endswith("'")
    ):
        raise ValueError(f"Not a valid Excel sheet title (1–31 characters, none of []:*?/\\): {title!r}")
    if title in (HELP_SHEET_TITLE, LISTS_SHEET_TITLE):
        raise ValueError(f"Sheet title {title!r} is reserved for the engine's own sheets")


# --- Results and errors ---------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    """One problem in an uploaded file.

    ``row`` is the 1-based Excel row (1 is the header row) and ``column`` the column letter. A
    problem with the whole file (too large, not an xlsx, too many rows) has ``row == 0`` and
    ``column == ""``. ``message`` is in the language that was active while parsing.
    """

    row: int
    column: str
    header: str
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return _("Row %(row)s, column %(column)s (%(header)s): %(message)s") % {
                "row": self.row,
                "column": self.column,
                "header": self.header,
                "message": self.message,
            }
        if self.row:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


@dataclass
class ImportResult:
    """What :func:`parse_rows` found. ``rows`` is empty whenever ``errors`` is not: apply nothing
    unless :attr:`ok`. ``row_numbers[i]`` is the Excel row ``rows[i]`` came from."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class SpreadsheetError(ValidationError):
    """Raised by :func:`parse_rows_or_raise`; its messages read 「3行目 C列（氏名）: 必須です。」."""

    def __init__(self, errors: Sequence[CellError]) -> None:
        self.cell_errors = list(errors)
        super().__init__([str(error) for error in self.cell_errors])

    def __reduce__(self) -> tuple[Any, ...]:
        # Picklable (a Celery task may raise it): ValidationError's own args do not fit __init__.
        return (type(self), (self.cell_errors,))


class _Invalid(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Refused(Exception):
    """The whole file is refused; carries the one error to report."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.error = CellError(row=0, column="", header="", message=message)


# --- Writing --------------------------------------------------------------------------------


def build_template(spec: SheetSpec) -> bytes:
    """An empty sheet to fill in, with the example row if the spec has one."""
    with translation.override(SHEET_LANGUAGE):
        wb, ws = _new_workbook(spec)
        last_row = 1
        if spec.example is not None:
            last_row = _FIRST_DATA_ROW
            _write_row(ws, spec, last_row, _render_row(spec, spec.example))
            for cell in ws[last_row]:
                cell.font = _EXAMPLE_FONT
        return _save(wb, ws, spec, last_row)


def export_rows(spec: SheetSpec, rows: Iterable[dict[str, Any]]) -> bytes:
    """The template's layout filled with ``rows`` (without the example row).

    Each row is a dict of Python values by column key, as :func:`parse_rows` returns them; extra
    keys are ignored and missing ones left empty. A value the column cannot hold (a choice value
    not in ``choices``, a str in a date column) raises ``ValueError``/``TypeError``: that is a bug
    in the caller, not bad user input. Control characters Excel cannot store are dropped from text.
    """
    with translation.override(SHEET_LANGUAGE):
        wb, ws = _new_workbook(spec)
        last_row = 1
        for last_row, row in enumerate(rows, start=_FIRST_DATA_ROW):
            _write_row(ws, spec, last_row, _render_row(spec, row))
        return _save(wb, ws, spec, last_row)


def _render_row(spec: SheetSpec, row: dict[str, Any]) -> list[Any]:
    return [_render_value(column, row.get(column.key)) for column in spec.columns]


def _render_value(column: Column, value: Any) -> Any:
    if value is None or (isinstance(value, str) and value == ""):
        return None
    match column.kind:
        case "text" | "email":
            return ILLEGAL_CHARACTERS_RE.sub("", value if isinstance(value, str) else str(value))
        case "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"Column {column.key!r} needs an int, not {value!r}")
            return value
        case "date":
            if not isinstance(value, date):
                raise TypeError(f"Column {column.key!r} needs a date, not {value!r}")
            return to_local_date(value)
        case "choice":
            try:
                return (column.choices or {})[value]
            except (KeyError, TypeError):
                raise ValueError(f"Column {column.key!r}: {value!r} is not one of its choices") from None
        case "bool":
            if not isinstance(value, bool):
                raise TypeError(f"Column {column.key!r} needs a bool, not {value!r}")
            return YES if value else NO
    raise AssertionError(column.kind)  # pragma: no cover


def _write_row(ws: Worksheet, spec: SheetSpec, row: int, values: list[Any]) -> None:
    for index, (column, value) in enumerate(zip(spec.columns, values, strict=True), start=1):
        cell = ws.cell(row=row, column=index)
        cell.value = value
        if isinstance(value, str) and cell.data_type == "f":
            # openpyxl takes any str starting with "=" for a formula. User text must never become
            # one in a file someone opens in Excel (formula injection), so store it as text.
            cell.data_type = "s"
        if column.kind == "date":
            cell.number_format = DATE_FORMAT
        elif column.kind in ("text", "email"):
            cell.number_format = TEXT_FORMAT


def _new_workbook(spec: SheetSpec) -> tuple[Workbook, Worksheet]:
    wb = Workbook()
    ws = wb.active
    ws.title = spec.name
    _write_help_sheet(wb, spec)  # second sheet; a hidden 選択肢 sheet, if needed, comes after it
    last_validated_row = _FIRST_DATA_ROW + MAX_ROWS - 1
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        comment_text = "\n".join(
            part for part in (_requirement(column), _format_text(column), column.help) if part
        )
        comment = Comment(comment_text, "")
        comment.width = 260
        comment.height = 40 + 18 * (comment_text.count("\n") + len(comment_text) // 18)
        cell.comment = comment
        dimension = ws.column_dimensions[letter]
        dimension.width = column.width
        # The column's own format, so that rows typed later get it too: dates show as 2025/04/01,
        # and text stays text (a worker number 0123 keeps its leading zero).
        if column.kind == "date":
            dimension.number_format = DATE_FORMAT
        elif column.kind in ("text", "email"):
            dimension.number_format = TEXT_FORMAT
        labels = _dropdown_labels(column)
        if labels:
            validation = DataValidation(
                type="list",
                formula1=_list_formula(wb, labels),
                allow_blank=True,
                showErrorMessage=True,
                # A warning, not a stop: the importer also accepts choice values and TRUE/1/○.
                errorStyle="warning",
                errorTitle=_("Not in the list"),
                error=_("Choose a value from the list."),
            )
            validation.add(f"{letter}{_FIRST_DATA_ROW}:{letter}{last_validated_row}")
            ws.add_data_validation(validation)
    ws.freeze_panes = f"A{_FIRST_DATA_ROW}"
    return wb, ws


def _dropdown_labels(column: Column) -> list[str]:
    if column.kind == "choice":
        return list((column.choices or {}).values())
    if column.kind == "bool":
        return [YES, NO]
    return []


def _list_formula(wb: Workbook, labels: list[str]) -> str:
    inline = '"' + ",".join(labels) + '"'
    if len(inline) <= _INLINE_LIST_LIMIT and not any("," in label or '"' in label for label in labels):
        return inline
    # Too long, or a label Excel's inline list cannot hold: list the labels in a hidden sheet.
    if LISTS_SHEET_TITLE in wb.sheetnames:
        lists = wb[LISTS_SHEET_TITLE]
    else:
        lists = wb.create_sheet(LISTS_SHEET_TITLE)
        lists.sheet_state = "hidden"
    column = 1 if lists["A1"].value is None else lists.max_column + 1
    for row, label in enumerate(labels, start=1):
        lists.cell(row=row, column=column, value=label).data_type = "s"
    letter = get_column_letter(column)
    return f"'{LISTS_SHEET_TITLE}'!${letter}$1:${letter}${len(labels)}"


def _requirement(column: Column) -> str:
    return pgettext("spreadsheet", "Required") if column.required else pgettext("spreadsheet", "Optional")


def _format_text(column: Column) -> str:
    match column.kind:
        case "text":
            if column.max_length:
                return pgettext("spreadsheet", "Text, at most %(max)s characters") % {
                    "max": column.max_length
                }
            return pgettext("spreadsheet", "Text")
        case "int":
            return pgettext("spreadsheet", "Whole number")
        case "date":
            return pgettext("spreadsheet", "Date")
        case "choice":
            return pgettext("spreadsheet", "Choose from the list")
        case "bool":
            return _("“%(yes)s” or “%(no)s”") % {"yes": YES, "no": NO}
        case "email":
            return pgettext("spreadsheet", "Email address")
    raise AssertionError(column.kind)  # pragma: no cover


def _allowed_values(column: Column) -> str:
    if column.kind == "date":
        # Formats, not prose: the same in every language.
        return "2025/04/01\n2025-04-01\n令和7年4月1日\nR7.4.1\n令和元年5月1日"
    return "\n".join(_dropdown_labels(column))


def _write_help_sheet(wb: Workbook, spec: SheetSpec) -> None:
    ws = wb.create_sheet(HELP_SHEET_TITLE)
    ws["A1"] = _("How to fill in “%(sheet)s”") % {"sheet": spec.name}
    ws["A1"].font = Font(bold=True, size=12)
    notes = [
        _("Do not change the headings in row 1 or the order of the columns."),
        _("Enter one record per row, from row 2. Empty rows are ignored."),
    ]
    if spec.example is not None:
        notes.append(_("The grey example in row 2 is not imported; you may delete it."))
    notes.append(
        _("At most %(rows)s rows per file. If any cell has an error, nothing is imported.")
        % {"rows": f"{MAX_ROWS:,}"}
    )
    for row, note in enumerate(notes, start=2):
        ws.cell(row=row, column=1, value=note)
    table_row = len(notes) + 3
    headings = [
        pgettext("spreadsheet", "Column"),
        pgettext("spreadsheet", "Heading"),
        pgettext("spreadsheet", "Required"),
        pgettext("spreadsheet", "Format"),
        pgettext("spreadsheet", "Allowed values"),
        pgettext("spreadsheet", "Description"),
    ]
    for index, heading in enumerate(headings, start=1):
        cell = ws.cell(row=table_row, column=index, value=heading)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for offset, column in enumerate(spec.columns, start=1):
        values = [
            get_column_letter(offset),
            column.header,
            _requirement(column),
            _format_text(column),
            _allowed_values(column),
            column.help,
        ]
        for index, value in enumerate(values, start=1):
            cell = ws.cell(row=table_row + offset, column=index, value=value or None)
            cell.alignment = _WRAP_TOP
            if isinstance(value, str) and cell.data_type == "f":
                cell.data_type = "s"
    for letter, width in zip("ABCDEF", (6, 20, 8, 24, 22, 60), strict=True):
        ws.column_dimensions[letter].width = width


def _save(wb: Workbook, ws: Worksheet, spec: SheetSpec, last_row: int) -> bytes:
    ws.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns))}{last_row}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- Reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ErrorValue:
    """A cell showing an Excel error such as #N/A (a formula's cached result, or a bad date)."""

    code: str


@dataclass
class _RawSheet:
    header_errors: list[CellError]
    rows: list[tuple[int, tuple[Any, ...]]]


def parse_rows(spec: SheetSpec, data: bytes) -> ImportResult:
    """Read the sheet in ``data`` (xlsx bytes) into rows of Python values, or report every error.

    Values: text and email → ``str`` ("" when empty), choice → the choice value ("" when empty),
    int → ``int``, date → ``date``, bool → ``bool`` (``None`` when empty). Every row has every key.
    When anything is wrong ``rows`` is empty: apply nothing unless ``result.ok``.

    Formulas are never evaluated: a formula cell counts with the value Excel last saved for it.
    """
    try:
        raw = _read(spec, data)
    except _Refused as refused:
        return ImportResult(errors=[refused.error])
    if raw.header_errors:
        return ImportResult(errors=raw.header_errors)
    rows: list[dict[str, Any]] = []
    errors: list[CellError] = []
    for excel_row, values in raw.rows:
        row: dict[str, Any] = {}
        for index, (column, value) in enumerate(zip(spec.columns, values, strict=True), start=1):
            try:
                row[column.key] = _convert(column, value)
            except _Invalid as invalid:
                errors.append(CellError(excel_row, get_column_letter(index), column.header, invalid.message))
        rows.append(row)
    if errors:
        return ImportResult(errors=errors)
    return ImportResult(rows=rows, row_numbers=[excel_row for excel_row, _values in raw.rows])


def parse_rows_or_raise(spec: SheetSpec, data: bytes) -> list[dict[str, Any]]:
    """Like :func:`parse_rows`, but raises :class:`SpreadsheetError` instead of returning errors."""
    result = parse_rows(spec, data)
    if not result.ok:
        raise SpreadsheetError(result.errors)
    return result.rows


def _read(spec: SheetSpec, data: bytes) -> _RawSheet:
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
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise _Refused(not_xlsx) from None
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
    try:
        return _read_sheet(spec, workbook)
    except _Refused:
        raise
    except Exception:
        # openpyxl parses the sheet lazily: broken XML or styles surface only while iterating.
        logger.info("Unreadable xlsx upload for sheet %r", spec.name, exc_info=True)
        raise _Refused(_("The workbook could not be read; it may be damaged.")) from None
    finally:
        workbook.close()


def _read_sheet(spec: SheetSpec, workbook: Any) -> _RawSheet:
    sheets = workbook.worksheets
    if not sheets:
        raise _Refused(_("The workbook has no sheet to read."))
    # The sheet of that name if there is one (the user may have moved the 記入方法 sheet first),
    # else the first sheet.
    ws = next((sheet for sheet in sheets if sheet.title == spec.name), sheets[0])
    # Do not trust the <dimension> the writing program recorded: read what is there.
    ws.reset_dimensions()
    header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    header_errors = _check_header(spec, [_header_text(value) for value in header])
    if header_errors:
        return _RawSheet(header_errors=header_errors, rows=[])

    width = len(spec.columns)
    example = _comparable(_render_row(spec, spec.example)) if spec.example is not None else None
    rows: list[tuple[int, tuple[Any, ...]]] = []
    # Rows missing from the file come back as empty rows, so enumerate() gives the Excel row number.
    for excel_row, cells in enumerate(
        ws.iter_rows(min_row=_FIRST_DATA_ROW, max_col=width), start=_FIRST_DATA_ROW
    ):
        values = tuple(_raw_value(cell) for cell in cells)
        values += (None,) * (width - len(values))
        if all(value is None for value in values):
            continue
        if example is not None and _comparable(values) == example:
            continue
        if len(rows) == MAX_ROWS:
            raise _Refused(
                _(
                    "The sheet has more than %(max)s rows of data. "
                    "Split it into files of at most %(max)s rows."
                )
                % {"max": f"{MAX_ROWS:,}"}
            )
        rows.append((excel_row, values))
    return _RawSheet(header_errors=[], rows=rows)


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    return (value if isinstance(value, str) else str(value)).strip()


def _check_header(spec: SheetSpec, found: list[str]) -> list[CellError]:
    while found and not found[-1]:
        found.pop()
    expected = [column.header for column in spec.columns]
    if found == expected:
        return []
    if not found:
        return [
            CellError(
                row=1,
                column="",
                header="",
                message=_("Row 1 has no headings. Use the template and keep its first row as it is."),
            )
        ]
    errors = []
    for index in range(max(len(found), len(expected))):
        actual = found[index] if index < len(found) else ""
        wanted = expected[index] if index < len(expected) else None
        if actual == wanted:
            continue
        letter = get_column_letter(index + 1)
        if wanted is None:
            message = _("Unknown heading “%(found)s”. Delete this column.") % {"found": actual}
            errors.append(CellError(row=1, column=letter, header=actual, message=message))
            continue
        if not actual:
            message = _("The heading “%(expected)s” is missing.") % {"expected": wanted}
        elif actual in expected:
            message = _(
                "Expected the heading “%(expected)s” here, but found “%(found)s”. "
                "Keep the columns in the order of the template."
            ) % {"expected": wanted, "found": actual}
        else:
            message = _("Expected the heading “%(expected)s” here, but found “%(found)s”.") % {
                "expected": wanted,
                "found": actual,
            }
        errors.append(CellError(row=1, column=letter, header=wanted, message=message))
    return errors


def _raw_value(cell: Any) -> Any:
    value = cell.value
    if value is None:
        return None
    if cell.data_type == "e":
        return _ErrorValue(str(value))
    if isinstance(value, str):
        return value.strip() or None
    return value


def _comparable(values: Iterable[Any]) -> tuple[Any, ...]:
    """Cell values as the example check compares them: a date cell reads back as a datetime."""
    out = []
    for value in values:
        if isinstance(value, datetime) and value.time() == datetime.min.time():
            value = value.date()
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, str):
            value = value.strip() or None
        out.append(value)
    return tuple(out)


# --- Converting cells -----------------------------------------------------------------------


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _convert(column: Column, value: Any) -> Any:
    if isinstance(value, _ErrorValue):
        if column.kind == "date":
            # openpyxl reports a number too large for a date (20250401 typed in a date cell) as #VALUE!.
            raise _Invalid(_date_hint())
        raise _Invalid(
            _("The cell shows the error %(code)s. Enter the value itself, not a formula.")
            % {"code": value.code}
        )
    if value is None:
        if column.required:
            raise _Invalid(_("Required."))
        return "" if column.kind in ("text", "email", "choice") else None
    return _CONVERTERS[column.kind](column, value)


def _to_text(column: Column, value: Any) -> str:
    # Kept as typed (only the edges are stripped): names and addresses are not normalised.
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, int | float):
        text = _number_text(value)
    elif isinstance(value, datetime) and value.time() == datetime.min.time():
        text = value.strftime("%Y/%m/%d")
    elif isinstance(value, datetime):
        text = value.strftime("%Y/%m/%d %H:%M")
    else:
        text = str(value)
    text = text.strip()
    _check_length(column.max_length, text)
    return text


def _check_length(limit: int | None, text: str) -> None:
    if limit is not None and len(text) > limit:
        raise _Invalid(
            _("Enter at most %(max)s characters (this cell has %(count)s).")
            % {"max": limit, "count": len(text)}
        )


_INT_RE: Final = re.compile(r"[+-]?[0-9]{1,15}", re.ASCII)


def _to_int(column: Column, value: Any) -> int:
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = _nfkc(value).replace(",", "")
        if _INT_RE.fullmatch(text):
            number = int(text)
    if number is None:
        raise _Invalid(_("Enter a whole number."))
    if not INT_MIN <= number <= INT_MAX:
        raise _Invalid(
            _("Enter a whole number between %(min)s and %(max)s.")
            % {"min": f"{INT_MIN:,}", "max": f"{INT_MAX:,}"}
        )
    return number


def _date_hint() -> str:
    return _("Enter a date such as 2025/04/01 or 令和7年4月1日.")


def _to_date(column: Column, value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        # 20250401 typed into a cell Excel formats as General.
        value = str(int(value))
    if isinstance(value, str):
        return _parse_date(value)
    raise _Invalid(_date_hint())


_ERA_NAMES: Final = {name: start for start, name in _ERAS}
_ERA_LETTERS: Final = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
# An era ends the day its successor begins (_ERAS is newest first).
_ERA_END: Final = {name: later for (later, _later_name), (_start, name) in pairwise(_ERAS)}
_WESTERN_RE: Final = re.compile(
    r"(?P<y>[1-9][0-9]{3})(?:"
    r"(?P<sep>[/.-])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
    r"|年(?P<mk>[0-9]{1,2})月(?P<dk>[0-9]{1,2})日"
    r"|(?P<m8>[0-9]{2})(?P<d8>[0-9]{2}))",
    re.ASCII,
)
_WAREKI_RE: Final = re.compile(
    r"(?P<era>明治|大正|昭和|平成|令和|[MTSHR])(?P<y>元|[0-9]{1,2})(?:"
    r"(?P<sep>[/.-])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
    r"|年(?P<mk>[0-9]{1,2})月(?P<dk>[0-9]{1,2})日)"
)
_WEEKDAY_RE: Final = re.compile(r"\((?P<w>[月火水木金土日])(?:曜日?)?\)$")
_WEEKDAYS: Final = "月火水木金土日"


def parse_date(text: str) -> date:
    """A date as people type it in Japan; raises ``ValueError`` with a message for the user.

    Accepts 2025/4/1, 2025-04-01, 2025.4.1, 2025年4月1日, 20250401 and 和暦: 令和7年4月1日, 令和元年5月1日,
    R7.4.1, R7/4/1, H31.4.30, ㋿7年4月1日 (明治, 大正, 昭和, 平成, 令和; M/T/S/H/R), full- or
    half-width, optionally followed by the weekday in brackets, which must then be right: (火), （火曜日）.
    """
    try:
        return _parse_date(text)
    except _Invalid as invalid:
        raise ValueError(invalid.message) from None


def _parse_date(text: str) -> date:
    # NFKC folds full-width digits and punctuation, and ㋿/㍻/㍼ into 令和/平成/昭和.
    normalised = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()
    weekday = None
    if match := _WEEKDAY_RE.search(normalised):
        weekday = _WEEKDAYS.index(match["w"])
        normalised = normalised[: match.start()]
    if match := _WESTERN_RE.fullmatch(normalised):
        result = _make_date(int(match["y"]), *_month_day(match))
    elif match := _WAREKI_RE.fullmatch(normalised):
        era = _ERA_LETTERS.get(match["era"], match["era"])
        start = _ERA_NAMES[era]
        era_year = 1 if match["y"] == "元" else int(match["y"])
        if era_year < 1:
            raise _Invalid(_("This date does not exist."))
        result = _make_date(start.year + era_year - 1, *_month_day(match))
        end = _ERA_END.get(era)
        if result < start or (end is not None and result >= end):
            raise _Invalid(_era_range_message(era, start, end))
    else:
        raise _Invalid(_date_hint())
    if weekday is not None and result.weekday() != weekday:
        raise _Invalid(
            _("The weekday in brackets does not match the date (%(date)s is a %(weekday)s).")
            % {"date": result.strftime("%Y/%m/%d"), "weekday": formats.date_format(result, "l")}
        )
    return result


def _month_day(match: re.Match[str]) -> tuple[int, int]:
    for month, day in (("m", "d"), ("mk", "dk"), ("m8", "d8")):
        if match.groupdict().get(month):
            return int(match[month]), int(match[day])
    raise AssertionError(match)  # pragma: no cover


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _Invalid(_("This date does not exist.")) from None


def _era_range_message(era: str, start: date, end: date | None) -> str:
    if end is None:
        return _("%(era)s began on %(start)s; this date is before it.") % {
            "era": era,
            "start": format_wareki(start),
        }
    return _("%(era)s ran from %(start)s to %(end)s; this date is outside it.") % {
        "era": era,
        "start": format_wareki(start),
        "end": format_wareki(date.fromordinal(end.toordinal() - 1)),
    }


def _to_choice(column: Column, value: Any) -> str:
    choices = column.choices or {}
    text = (
        _number_text(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
    )
    text = text.strip()
    by_label = {label: choice for choice, label in choices.items()}
    if text in by_label:
        return by_label[text]
    if text in choices:
        return text
    # Forgiving about width and case only (半角ｶﾅ, ＡＢＣ, abc): labels first, as the sheet shows them.
    folded = _nfkc(text).casefold()
    for candidates in (by_label, {choice: choice for choice in choices}):
        for candidate, choice in candidates.items():
            if _nfkc(candidate).casefold() == folded:
                return choice
    raise _Invalid(
        _("Choose one of the values in the list: %(choices)s.") % {"choices": " / ".join(by_label)}
    )


def _to_bool(column: Column, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        token = _nfkc(value).casefold()
        if token in _TRUE_TOKENS:
            return True
        if token in _FALSE_TOKENS:
            return False
    raise _Invalid(_("Enter “%(yes)s” or “%(no)s”.") % {"yes": YES, "no": NO})


def _to_email(column: Column, value: Any) -> str:
    # NFKC: an address typed with the Japanese IME on (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ) is still an address.
    text = _nfkc(value if isinstance(value, str) else str(value))
    _check_length(column.max_length or EMAIL_MAX_LENGTH, text)
    try:
        validate_email(text)
    except ValidationError as error:
        raise _Invalid(str(error.messages[0])) from None
    return text


_CONVERTERS: Final[dict[str, Callable[[Column, Any], Any]]] = {
    "text": _to_text,
    "int": _to_int,
    "date": _to_date,
    "choice": _to_choice,
    "bool": _to_bool,
    "email": _to_email,
}
