"""Writing sheets: the template to fill in (:func:`build_template`) and exports
(:func:`export_rows`), with dropdowns, formats, header comments and the 「記入方法」 help sheet."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any, Final

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from core.spreadsheets.limits import MAX_ROWS
from core.spreadsheets.spec import (
    _FIRST_DATA_ROW,
    DATE_FORMAT,
    HELP_SHEET_TITLE,
    LISTS_SHEET_TITLE,
    NO,
    SHEET_LANGUAGE,
    TEXT_FORMAT,
    YES,
    Column,
    SheetSpec,
    _render_row,
)

# Excel refuses an inline list validation longer than this (quotes included).
_INLINE_LIST_LIMIT: Final = 255

_HEADER_FONT: Final = Font(bold=True)
_HEADER_FILL: Final = PatternFill("solid", fgColor="DDEBF7")
_EXAMPLE_FONT: Final = Font(italic=True, color="808080")
_WRAP_TOP: Final = Alignment(wrap_text=True, vertical="top")


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
