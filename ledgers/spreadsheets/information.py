"""The information ledger in Excel: the sheet a submission hands to the public body (002 §10(3)).

Headings and labels are the words of the paper ledger: the sheet is a Japanese document whatever
the UI language, like the PDF (core.spreadsheets).
"""

from __future__ import annotations

from core.spreadsheets import Column, SheetSpec, export_rows
from ledgers.models import Classification, Medium

CLASSIFICATIONS = {
    Classification.PERSONAL: "個人情報",
    Classification.MY_NUMBER: "特定個人情報（マイナンバー）",
    Classification.SENSITIVE: "要配慮個人情報",
    Classification.SECRET: "秘密情報",
    Classification.OTHER: "その他の保護すべき情報",
}
MEDIA = {
    Medium.ELECTRONIC: "電子データ",
    Medium.PAPER: "紙",
    Medium.DEVICE: "機器・媒体台帳の機器等・記録媒体",
}

# The ledger as of a day: one row per item received by then, with where it stood then.
LEDGER_SPEC = SheetSpec(
    name="情報管理台帳",
    columns=(
        Column("number", "台帳番号", "int", width=9),
        Column("title", "情報の名称", "text", width=30),
        Column("source", "受領元", "text", width=24),
        Column("record_count", "件数・人数", "int", width=10),
        Column(
            "classification", "情報の区分", "choice", choices={str(k): v for k, v in CLASSIFICATIONS.items()}
        ),
        Column("medium", "媒体", "choice", choices={str(k): v for k, v in MEDIA.items()}),
        Column("received_on", "受領日", "date", width=12),
        Column("status", "状態", "text", width=12),
        Column("worksite", "作業場所", "text", width=20),
        Column("storage_place", "保管場所", "text", width=16),
        Column("holder", "保管者", "text", width=14),
        Column("users", "利用者", "text", width=24),
        Column("copies", "複製物の数", "int", width=10),
        Column("last_event", "最後の記録", "text", width=16),
        Column("last_event_on", "最後の記録の日", "date", width=12),
    ),
)


def ledger_xlsx(rows: list[dict]) -> bytes:
    """The rows of services.submissions.ledger_rows as the sheet (dates as dates)."""
    return export_rows(LEDGER_SPEC, ({k: row[k] for k in row if k in KEYS} for row in rows))


KEYS = frozenset(column.key for column in LEDGER_SPEC.columns)
