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


# The import of an information ledger kept in Excel (one row per item, services.imports): the
# words of the lists public bodies already keep, with the other headings they are known by.
IMPORT_SPEC = SheetSpec(
    name="情報管理台帳（取込み）",
    columns=(
        Column(
            "number",
            "番号",
            "int",
            width=8,
            aliases=("台帳番号", "No", "No.", "通し番号"),
            help="元の台帳の番号（任意）。取り込んだ情報には、この契約の台帳の続きの番号が付きます。",
        ),
        Column(
            "title", "情報の名称", "text", required=True, max_length=200, width=30, aliases=("名称", "情報名")
        ),
        Column(
            "source", "受領元", "text", required=True, max_length=200, width=24, aliases=("提供元", "入手元")
        ),
        Column("record_count", "件数", "int", width=9, aliases=("件数・人数", "人数", "件数（人数）")),
        Column(
            "classification",
            "区分",
            "choice",
            required=True,
            choices={str(k): v for k, v in CLASSIFICATIONS.items()},
            aliases=("情報の区分", "分類"),
        ),
        Column(
            "medium",
            "媒体",
            "choice",
            required=True,
            choices={str(k): v for k, v in MEDIA.items()},
            aliases=("媒体の種類",),
        ),
        Column(
            "device",
            "機器の資産番号",
            "text",
            max_length=50,
            help="媒体が「機器・媒体台帳の機器等・記録媒体」のとき、その機器の資産番号（機器台帳にあるもの）。",
        ),
        Column(
            "worksite",
            "作業場所",
            "text",
            required=True,
            max_length=200,
            width=20,
            help="受領の日に承認（届出）されていた作業場所の名称。",
        ),
        Column("storage_place", "保管場所", "text", required=True, max_length=200, width=16),
        Column(
            "received_at",
            "受領日時",
            "text",
            required=True,
            max_length=40,
            width=20,
            aliases=("受領日", "受領年月日"),
            help="例：令和7年4月1日 10:30、2025/4/1 10:30（日本時間）。時刻を省略すると0時0分とします。",
        ),
        Column(
            "person",
            "受領者",
            "text",
            required=True,
            max_length=100,
            width=14,
            aliases=("受領した者", "受取者"),
            help="名簿の氏名のとおり。受領の日に名簿で承認（届出）されていた人。",
        ),
        Column(
            "counterpart",
            "引渡者",
            "text",
            required=True,
            max_length=200,
            width=20,
            aliases=("引渡し者", "受領元担当者"),
            help="渡した人（発注者の課と担当者など）。",
        ),
        Column(
            "users",
            "利用者",
            "text",
            max_length=1000,
            width=24,
            help="利用してよい人の氏名を「、」で区切って。空欄なら受領者。",
        ),
        Column("description", "備考", "text", max_length=500, width=30, aliases=("摘要", "説明")),
    ),
    example={
        "title": "（例）住民票データ（抽出）",
        "source": "（例）市民課",
        "record_count": 100,
        "classification": "personal",
        "medium": "paper",
        "worksite": "（例）本社",
        "storage_place": "（例）書庫A",
        "received_at": "令和7年4月1日 10:30",
        "person": "（例）山田 太郎",
        "counterpart": "（例）市民課 鈴木",
    },
)
