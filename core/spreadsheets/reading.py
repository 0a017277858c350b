"""Reading an uploaded sheet back into Python values, all or nothing, with the Excel row and
column of every error (:func:`parse_rows`, :func:`parse_rows_or_raise`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from core.spreadsheets.cells import _convert, _ErrorValue
from core.spreadsheets.limits import MAX_ROWS, open_workbook
from core.spreadsheets.spec import (
    _FIRST_DATA_ROW,
    CellError,
    ImportResult,
    SheetSpec,
    SpreadsheetError,
    _Invalid,
    _Refused,
    _render_row,
    header_key,
)

logger = logging.getLogger(__name__)


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
    workbook = open_workbook(spec, data)
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
    # Width, spaces and case do not matter, and a column answers to its aliases too (spec.header_key).
    wanted_keys = [column.header_keys() for column in spec.columns]
    found_keys = [header_key(text) for text in found]
    if len(found) == len(expected) and all(
        k in keys for k, keys in zip(found_keys, wanted_keys, strict=True)
    ):
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
    known = frozenset().union(*wanted_keys)
    errors = []
    for index in range(max(len(found), len(expected))):
        actual = found[index] if index < len(found) else ""
        wanted = expected[index] if index < len(expected) else None
        if wanted is not None and actual and found_keys[index] in wanted_keys[index]:
            continue
        letter = get_column_letter(index + 1)
        if wanted is None:
            if not actual:
                continue
            message = _("Unknown heading “%(found)s”. Delete this column.") % {"found": actual}
            errors.append(CellError(row=1, column=letter, header=actual, message=message))
            continue
        if not actual:
            message = _("The heading “%(expected)s” is missing.") % {"expected": wanted}
        elif found_keys[index] in known:
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
