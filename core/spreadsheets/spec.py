"""The sheet spec (:class:`SheetSpec` of :class:`Column` s), the file-format constants, and what
parsing returns (:class:`ImportResult`, :class:`CellError`, :class:`SpreadsheetError`).

Also how a Python value is shown in a cell (:func:`_render_row`): the spec checks its example row
with it, the writer fills cells with it and the reader compares a row with the example through it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, Literal, get_args

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from core.wareki import to_local_date

Kind = Literal["text", "int", "date", "choice", "bool", "email"]
KINDS: Final = get_args(Kind)

# The explanatory text inside the file (help sheet, comments, dropdown messages) is rendered in
# Japanese, whoever downloads it; see the module docstring.
SHEET_LANGUAGE: Final = "ja"
# Sheet titles and the yes/no tokens are the file's format, not UI text: never translated.
HELP_SHEET_TITLE: Final = "記入方法"
LISTS_SHEET_TITLE: Final = "選択肢"
YES: Final = "はい"
NO: Final = "いいえ"

DATE_FORMAT: Final = "yyyy/mm/dd"
TEXT_FORMAT: Final = "@"
_FIRST_DATA_ROW: Final = 2
_SHEET_TITLE_FORBIDDEN: Final = frozenset("[]:*?/\\")
_SPACES: Final = re.compile(r"\s+")


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
    # Other headings the column is known by in the lists people already keep (「件数・人数」 for
    # 「件数」): an uploaded file may use any of them. The template and exports write ``header``.
    aliases: tuple[str, ...] = ()

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
        object.__setattr__(self, "aliases", tuple(self.aliases))
        if not all(isinstance(alias, str) and header_key(alias) for alias in self.aliases):
            raise ValueError(f"Column {self.key!r}: aliases must be non-empty plain str")

    def header_keys(self) -> frozenset[str]:
        """The headings this column is recognised by, as :func:`header_key` compares them."""
        return frozenset(header_key(text) for text in (self.header, *self.aliases))


def header_key(text: str) -> str:
    """A heading as the importer compares it: full and half width folded (NFKC), every space
    (full-width ones too) removed, case folded — 「受領 日時」, 「ｼﾘｱﾙ」 and 「ＰＣ」 match their
    template's heading."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).casefold()


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
        # A heading (or alias) that two columns answer to would make the header check ambiguous.
        keys = [key for column in self.columns for key in column.header_keys()]
        if len(set(keys)) != len(keys):
            raise ValueError(f"Sheet {self.name!r}: two columns are known by the same heading")
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


# --- Showing values in cells ----------------------------------------------------------------


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
