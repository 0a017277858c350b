"""The xlsx engine: templates, exports and all-or-nothing imports (core/spreadsheets/). No database."""

import io
import zipfile
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core import spreadsheets
from core.spreadsheets import (
    MAX_ROWS,
    CellError,
    Column,
    SheetSpec,
    SpreadsheetError,
    build_template,
    export_rows,
    parse_rows,
    parse_rows_or_raise,
)

ROLES = {"responsible": "責任者", "worker": "従事者"}

ROSTER = SheetSpec(
    name="従事者名簿",
    columns=(
        Column("name", "氏名", "text", required=True, max_length=50, help="戸籍上の氏名を記入してください。"),
        Column("kana", "ふりがな", "text", max_length=100),
        Column("department", "所属", "text", max_length=100),
        Column("role", "役割", "choice", required=True, choices=ROLES),
        Column("start", "開始日", "date", required=True),
        Column("end", "終了予定日", "date"),
        Column("dispatched", "派遣", "bool"),
        Column("email", "メール", "email"),
    ),
    example={
        "name": "（例）山田 太郎",
        "kana": "やまだ たろう",
        "department": "情報システム課",
        "role": "worker",
        "start": date(2025, 4, 1),
        "dispatched": False,
        "email": "taro@example.jp",
    },
)
HEADERS = [column.header for column in ROSTER.columns]


def xlsx(rows: list[list], *, headers: list | None = None, title: str = "従事者名簿") -> bytes:
    """A workbook as a user might make it: the header row, then ``rows`` from row 2 (None = empty)."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(HEADERS if headers is None else headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def where(result) -> list[tuple[int, str, str]]:
    return [(error.row, error.column, error.header) for error in result.errors]


VALID = [
    "佐藤 花子",
    "さとう はなこ",
    "総務課",
    "責任者",
    date(2025, 4, 1),
    None,
    "いいえ",
    "hanako@example.jp",
]


# --- template and export ------------------------------------------------------------------


def test_template_parses_to_no_rows_and_no_errors() -> None:
    result = parse_rows(ROSTER, build_template(ROSTER))
    assert result.ok
    assert result.rows == []
    assert result.errors == []


def test_template_layout() -> None:
    wb = load_workbook(io.BytesIO(build_template(ROSTER)))
    ws = wb.worksheets[0]
    assert wb.sheetnames[:2] == ["従事者名簿", "記入方法"]
    assert [cell.value for cell in ws[1]] == HEADERS
    assert all(cell.font.b for cell in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:H2"
    assert ws.column_dimensions["A"].width == 18

    validations = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert validations == {"D2:D5001": '"責任者,従事者"', "G2:G5001": '"はい,いいえ"'}

    assert "戸籍上の氏名を記入してください。" in ws["A1"].comment.text
    # The example row: grey italic, with the values as the template expects them.
    assert [cell.value for cell in ws[2]][:5] == [
        "（例）山田 太郎",
        "やまだ たろう",
        "情報システム課",
        "従事者",
        datetime(2025, 4, 1),
    ]
    assert ws["A2"].font.i
    assert ws["E2"].number_format == "yyyy/mm/dd"
    assert ws.column_dimensions["E"].number_format == "yyyy/mm/dd"

    help_sheet = wb["記入方法"]
    listed = {row[1] for row in help_sheet.iter_rows(values_only=True)}
    assert set(HEADERS) <= listed
    assert any(row[4] == "責任者\n従事者" for row in help_sheet.iter_rows(values_only=True))


def test_long_choice_lists_go_to_a_hidden_sheet() -> None:
    many = {f"v{i}": f"部署{i:03d}" for i in range(100)}
    spec = SheetSpec(name="部署", columns=(Column("dept", "部署", "choice", choices=many),))
    wb = load_workbook(io.BytesIO(build_template(spec)))
    (dv,) = wb.worksheets[0].data_validations.dataValidation
    assert dv.formula1 == "'選択肢'!$A$1:$A$100"
    assert wb["選択肢"].sheet_state == "hidden"
    assert wb.sheetnames[1] == "記入方法"
    assert parse_rows(spec, xlsx([["部署042"], ["v7"]], headers=["部署"], title="部署")).rows == [
        {"dept": "v42"},
        {"dept": "v7"},
    ]


ROWS = [
    {
        "name": "髙橋 𠮷男",
        "kana": "たかはし よしお",
        "department": "０１２３ 情報政策課",
        "role": "responsible",
        "start": date(2019, 5, 1),
        "end": date(2026, 3, 31),
        "dispatched": True,
        "email": "t.yoshio@example.lg.jp",
    },
    {
        "name": '=HYPERLINK("http://evil.example","click")',
        "kana": "0123",
        "department": "",
        "role": "worker",
        "start": date(2025, 4, 1),
        "end": None,
        "dispatched": False,
        "email": "",
    },
    {
        "name": "Smith, John",
        "kana": "",
        "department": "改行を\n含む所属",
        "role": "worker",
        "start": date(1989, 1, 8),
        "end": None,
        "dispatched": None,
        "email": "",
    },
]


def test_export_round_trips_exactly() -> None:
    data = export_rows(ROSTER, ROWS)
    result = parse_rows(ROSTER, data)
    assert result.ok, result.errors
    assert result.rows == ROWS
    assert result.row_numbers == [2, 3, 4]

    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    assert ws.max_row == 4  # no example row in an export
    assert ws["D2"].value == "責任者"
    assert ws["G2"].value == "はい"
    assert ws["E2"].value == datetime(2019, 5, 1)
    assert ws["E2"].number_format == "yyyy/mm/dd"
    # User text that looks like a formula is stored as text, never as a formula.
    assert ws["A3"].data_type == "s"
    assert ws.auto_filter.ref == "A1:H4"


def test_export_refuses_values_the_sheet_cannot_hold() -> None:
    with pytest.raises(ValueError, match="not one of its choices"):
        export_rows(ROSTER, [{"role": "boss"}])
    with pytest.raises(TypeError, match="needs a date"):
        export_rows(ROSTER, [{"start": "2025-04-01"}])


# --- errors -------------------------------------------------------------------------------


def test_errors_are_reported_by_row_and_column_and_nothing_is_applied() -> None:
    data = xlsx(
        [
            VALID,
            [None, "なまえなし", None, "従事者", "2025/13/01", None, None, None],
            ["鈴木 一郎", None, None, "部長", date(2025, 4, 1), None, "たぶん", "not-an-email"],
            ["長" * 51, None, None, "worker", "令和7年4月1日", "平成31年5月1日", "○", None],
        ]
    )
    result = parse_rows(ROSTER, data)
    assert not result.ok
    assert result.rows == []
    assert result.row_numbers == []
    assert where(result) == [
        (3, "A", "氏名"),
        (3, "E", "開始日"),
        (4, "D", "役割"),
        (4, "G", "派遣"),
        (4, "H", "メール"),
        (5, "A", "氏名"),
        (5, "F", "終了予定日"),
    ]
    with translation.override("en"):
        with pytest.raises(SpreadsheetError) as raised:
            parse_rows_or_raise(ROSTER, data)
        assert isinstance(raised.value, ValidationError)
        assert raised.value.messages[0] == "Row 3, column A (氏名): Required."
        assert "Enter at most 50 characters (this cell has 51)." in raised.value.messages[5]
        assert len(raised.value.cell_errors) == 7


def test_error_message_format_in_japanese(monkeypatch: pytest.MonkeyPatch) -> None:
    # The msgids are translated in locale/ja (maintained separately); here the formatting only.
    msgid = "Row %(row)s, column %(column)s (%(header)s): %(message)s"
    catalogue = {msgid: "%(row)s行目 %(column)s列（%(header)s）: %(message)s"}
    monkeypatch.setattr(spreadsheets.spec, "_", lambda msgid: catalogue.get(msgid, msgid))
    error = CellError(row=3, column="C", header="氏名", message="必須です。")
    assert str(error) == "3行目 C列（氏名）: 必須です。"
    assert SpreadsheetError([error]).messages == ["3行目 C列（氏名）: 必須です。"]


def test_valid_rows_parse() -> None:
    result = parse_rows(ROSTER, xlsx([VALID]))
    assert result.ok
    assert result.rows == [
        {
            "name": "佐藤 花子",
            "kana": "さとう はなこ",
            "department": "総務課",
            "role": "responsible",
            "start": date(2025, 4, 1),
            "end": None,
            "dispatched": False,
            "email": "hanako@example.jp",
        }
    ]


def test_wareki_dates_in_cells_parse() -> None:
    rows = [
        ["甲", None, None, "従事者", "令和元年5月1日", "R7.4.1", None, None],
        ["乙", None, None, "従事者", "平成31年4月30日", "Ｈ３１．４．３０", None, None],
        ["丙", None, None, "従事者", "2025/4/1", "2025-04-01", None, None],
        ["丁", None, None, "従事者", 20250401, "令和7年4月1日（火）", None, None],
    ]
    result = parse_rows(ROSTER, xlsx(rows))
    assert result.ok, result.errors
    assert [(row["start"], row["end"]) for row in result.rows] == [
        (date(2019, 5, 1), date(2025, 4, 1)),
        (date(2019, 4, 30), date(2019, 4, 30)),
        (date(2025, 4, 1), date(2025, 4, 1)),
        (date(2025, 4, 1), date(2025, 4, 1)),
    ]


def test_a_number_too_large_for_a_date_cell_is_a_date_error() -> None:
    # 20250401 typed into a cell formatted yyyy/mm/dd is stored as a serial beyond year 9999.
    wb = load_workbook(io.BytesIO(build_template(ROSTER)))
    ws = wb.worksheets[0]
    for index, value in enumerate(VALID, start=1):
        ws.cell(row=3, column=index, value=value)
    ws["E3"] = 20250401
    ws["E3"].number_format = "yyyy/mm/dd"
    buffer = io.BytesIO()
    wb.save(buffer)
    with translation.override("en"), pytest.warns(UserWarning, match="outside the limits for dates"):
        result = parse_rows(ROSTER, buffer.getvalue())
    assert where(result) == [(3, "E", "開始日")]
    assert result.errors[0].message == "Enter a date such as 2025/04/01 or 令和7年4月1日."


def test_excel_error_values_are_reported() -> None:
    row = list(VALID)
    row[2] = "#N/A"
    with translation.override("en"):
        result = parse_rows(ROSTER, xlsx([row]))
    assert where(result) == [(2, "C", "所属")]
    assert "#N/A" in result.errors[0].message


# --- header -------------------------------------------------------------------------------


def test_wrong_headers_are_reported_with_their_column() -> None:
    headers = ["氏名", "フリガナ", "役割", "所属", "開始日", "終了予定日", "派遣", "メール", "備考"]
    result = parse_rows(ROSTER, xlsx([VALID], headers=headers))
    assert where(result) == [(1, "B", "ふりがな"), (1, "C", "所属"), (1, "D", "役割"), (1, "I", "備考")]
    assert result.rows == []
    with translation.override("en"):
        messages = [error.message for error in parse_rows(ROSTER, xlsx([], headers=headers)).errors]
    assert messages == [
        "Expected the heading “ふりがな” here, but found “フリガナ”.",
        "Expected the heading “所属” here, but found “役割”. Keep the columns in the order of the template.",
        "Expected the heading “役割” here, but found “所属”. Keep the columns in the order of the template.",
        "Unknown heading “備考”. Delete this column.",
    ]


def test_missing_header_columns() -> None:
    with translation.override("en"):
        result = parse_rows(ROSTER, xlsx([], headers=HEADERS[:-1]))
        assert [str(error) for error in result.errors] == [
            "Row 1, column H (メール): The heading “メール” is missing."
        ]
        empty = parse_rows(ROSTER, xlsx([], headers=[]))
        assert [str(error) for error in empty.errors] == [
            "Row 1: Row 1 has no headings. Use the template and keep its first row as it is."
        ]


def test_headers_tolerate_surrounding_spaces() -> None:
    result = parse_rows(ROSTER, xlsx([VALID], headers=[f" {header}　" for header in HEADERS]))
    assert result.ok


def test_headers_tolerate_width_inner_spaces_case_and_aliases() -> None:
    spec = SheetSpec(
        name="機器",
        columns=(
            Column("serial", "シリアル", "text", aliases=("シリアル番号",)),
            Column("os", "OS更新日", "date"),
        ),
    )
    for headers in (["ｼﾘｱﾙ", "ＯＳ 更新日"], ["シリアル　番号", "os更新日"]):
        assert parse_rows(spec, xlsx([["SN-1", date(2025, 4, 1)]], headers=headers, title="機器")).ok
    with translation.override("en"):
        result = parse_rows(spec, xlsx([], headers=["OS更新日", "シリアル番号"], title="機器"))
    assert [error.column for error in result.errors] == ["A", "B"]
    assert "order of the template" in result.errors[0].message
    with pytest.raises(ValueError, match="same heading"):
        SheetSpec(
            name="x", columns=(Column("a", "番号", "int"), Column("b", "No", "int", aliases=("番 号",)))
        )


def test_the_sheet_of_the_spec_name_is_read_even_if_not_first() -> None:
    wb = load_workbook(io.BytesIO(export_rows(ROSTER, ROWS)))
    wb.move_sheet("記入方法", offset=-1)
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    assert wb.sheetnames[0] == "記入方法"
    assert parse_rows(ROSTER, buffer.getvalue()).rows == ROWS


# --- files that are refused -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("氏名,所属\n山田,総務課\n".encode(), "not an Excel workbook"),
        (b"", "not an Excel workbook"),
        (b"PK\x03\x04 truncated", "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "old-format Excel file (.xls)"),
    ],
)
def test_non_xlsx_content_is_refused(data: bytes, message: str) -> None:
    with translation.override("en"):
        result = parse_rows(ROSTER, data)
    assert not result.ok
    assert result.rows == []
    (error,) = result.errors
    assert (error.row, error.column) == (0, "")
    assert message in error.message
    assert str(error) == error.message


def test_a_workbook_with_macros_is_refused() -> None:
    macro = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx([VALID]))) as source, zipfile.ZipFile(macro, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/vbaProject.bin", b"\0" * 16)
    with translation.override("en"):
        (error,) = parse_rows(ROSTER, macro.getvalue()).errors
    assert error.row == 0 and "macros" in error.message


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with translation.override("en"):
        result = parse_rows(ROSTER, buffer.getvalue())
    assert "not an Excel workbook" in result.errors[0].message


def test_files_over_5_mb_are_refused() -> None:
    with translation.override("en"):
        result = parse_rows(ROSTER, b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024))
    assert [error.message for error in result.errors] == ["The file is too large (the limit is 5 MB)."]


def test_workbooks_that_expand_too_much_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheets.limits, "MAX_UNCOMPRESSED_BYTES", 1000)
    with translation.override("en"):
        result = parse_rows(ROSTER, build_template(ROSTER))
    assert [error.message for error in result.errors] == ["The workbook holds too much data to be read."]


def _many_rows(count: int) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("従事者名簿")
    ws.append(HEADERS)
    for i in range(count):
        ws.append([f"従事者{i}", None, None, "従事者", date(2025, 4, 1)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_5001_rows_are_refused() -> None:
    with translation.override("en"):
        result = parse_rows(ROSTER, _many_rows(MAX_ROWS + 1))
    assert result.rows == []
    assert [error.message for error in result.errors] == [
        "The sheet has more than 5,000 rows of data. Split it into files of at most 5,000 rows."
    ]


def test_5000_rows_are_accepted() -> None:
    result = parse_rows(ROSTER, _many_rows(MAX_ROWS))
    assert result.ok
    assert len(result.rows) == MAX_ROWS
    assert result.row_numbers[-1] == MAX_ROWS + 1


# --- rows ---------------------------------------------------------------------------------


def test_empty_rows_are_skipped_and_row_numbers_stay_right() -> None:
    rows = [VALID, [None] * 8, ["  ", "　", None, None, None, None, None, None], [], list(VALID)]
    rows[-1] = [*VALID[:4], "いつか", *VALID[5:]]
    result = parse_rows(ROSTER, xlsx(rows))
    assert where(result) == [(6, "E", "開始日")]
    rows[-1] = VALID
    result = parse_rows(ROSTER, xlsx(rows))
    assert result.ok
    assert result.row_numbers == [2, 6]


def test_the_example_row_is_skipped_only_when_it_is_unchanged() -> None:
    wb = load_workbook(io.BytesIO(build_template(ROSTER)))
    ws = wb.worksheets[0]
    ws.append(VALID)
    buffer = io.BytesIO()
    wb.save(buffer)
    result = parse_rows(ROSTER, buffer.getvalue())
    assert [row["name"] for row in result.rows] == ["佐藤 花子"]
    assert result.row_numbers == [3]

    ws["A2"] = "山田 太郎"  # the user overwrote the example: it is a real row now
    buffer = io.BytesIO()
    wb.save(buffer)
    result = parse_rows(ROSTER, buffer.getvalue())
    assert [row["name"] for row in result.rows] == ["山田 太郎", "佐藤 花子"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("責任者", "responsible"),
        ("従事者", "worker"),
        ("responsible", "responsible"),
        ("worker", "worker"),
        (" WORKER ", "worker"),
        ("ｗｏｒｋｅｒ", "worker"),
    ],
)
def test_choices_are_accepted_by_label_and_by_value(cell: str, expected: str) -> None:
    row = [*VALID[:3], cell, *VALID[4:]]
    result = parse_rows(ROSTER, xlsx([row]))
    assert result.ok, result.errors
    assert result.rows[0]["role"] == expected


def test_unknown_choice_lists_the_labels() -> None:
    with translation.override("en"):
        result = parse_rows(ROSTER, xlsx([[*VALID[:3], "管理者", *VALID[4:]]]))
    assert result.errors[0].message == "Choose one of the values in the list: 責任者 / 従事者."


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("はい", True),
        ("いいえ", False),
        ("TRUE", True),
        ("false", False),
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        ("1", True),
        ("０", False),
        ("○", True),
        ("×", False),
        (None, None),
    ],
)
def test_bool_tokens(cell, expected) -> None:
    row = [*VALID[:6], cell, VALID[7]]
    result = parse_rows(ROSTER, xlsx([row]))
    assert result.ok, result.errors
    assert result.rows[0]["dispatched"] is expected


def test_email_typed_full_width_is_normalised_and_bad_ones_refused() -> None:
    rows = [[*VALID[:7], "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"], [*VALID[:7], "taro@"]]
    result = parse_rows(ROSTER, xlsx(rows))
    assert where(result) == [(3, "H", "メール")]
    assert parse_rows(ROSTER, xlsx(rows[:1])).rows[0]["email"] == "taro@example.jp"


def test_text_is_kept_as_typed_except_edges() -> None:
    rows = [["  ﾔﾏﾀﾞ　太郎 ", "１２３", 123, "従事者", date(2025, 4, 1)]]
    row = parse_rows(ROSTER, xlsx(rows)).rows[0]
    assert (row["name"], row["kana"], row["department"]) == ("ﾔﾏﾀﾞ　太郎", "１２３", "123")


COUNT = SheetSpec(name="台数", columns=(Column("count", "台数", "int", required=True),))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(12, 12), (12.0, 12), ("１２", 12), ("1,234", 1234), ("-3", -3), (" 7 ", 7)],
)
def test_int_cells(cell, expected) -> None:
    assert parse_rows(COUNT, xlsx([[cell]], headers=["台数"], title="台数")).rows == [{"count": expected}]


@pytest.mark.parametrize("cell", [1.5, "1.5", "十二", True, "99999999999", "2147483648"])
def test_int_cells_refused(cell) -> None:
    result = parse_rows(COUNT, xlsx([[cell]], headers=["台数"], title="台数"))
    assert where(result) == [(2, "A", "台数")]


# --- the spec -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: Column("role", "役割", "choice"),
        lambda: Column("name", "氏名", "text", choices={"a": "A"}),
        lambda: Column("name", "氏名", "date", max_length=10),
        lambda: Column("name", " 氏名", "text"),
        lambda: Column("name", "氏名", "float"),
        lambda: Column("role", "役割", "choice", choices={"a": "同じ", "b": "同じ"}),
        lambda: Column("role", "役割", "choice", choices={"a": "b", "b": "c"}),
        lambda: SheetSpec(name="名簿", columns=(Column("a", "氏名", "text"), Column("b", "氏名", "text"))),
        lambda: SheetSpec(name="名簿", columns=()),
        lambda: SheetSpec(name="記入方法", columns=(Column("a", "氏名", "text"),)),
        lambda: SheetSpec(name="名簿/一覧", columns=(Column("a", "氏名", "text"),)),
        lambda: SheetSpec(name="名簿", columns=(Column("a", "氏名", "text"),), example={"b": "x"}),
        lambda: SheetSpec(name="名簿", columns=(Column("a", "日付", "date"),), example={"a": "2025/4/1"}),
    ],
)
def test_bad_specs_are_refused(make) -> None:
    with pytest.raises((ValueError, TypeError)):
        make()


def test_cell_error_for_checks_made_after_parsing() -> None:
    error = ROSTER.cell_error(row=7, key="end", message="開始日より前です。")
    assert error == CellError(row=7, column="F", header="終了予定日", message="開始日より前です。")


def test_spreadsheet_error_survives_pickling() -> None:
    # A Celery task may raise it; its result backend pickles or serialises the exception.
    import pickle

    error = SpreadsheetError([CellError(row=3, column="A", header="氏名", message="必須です。")])
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert copy.cell_errors == error.cell_errors
    assert copy.messages == error.messages
