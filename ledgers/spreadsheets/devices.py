"""The device ledger in Excel (パソコン等・記録媒体の管理台帳, 000 §5.3): one row per device, the
same layout for the template to fill in, the import (services.imports) and the export of the
ledger on a day (views.devices), so an export can be read, sorted and filled in alike.

Headings and labels are the words of the paper ledger, written out in Japanese: the sheet is a
Japanese document whatever the UI language (core.spreadsheets).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.spreadsheets import Column, SheetSpec, export_rows
from ledgers.models import DeviceKind, DeviceOwner, DeviceStatus, DeviceVersion

KINDS = {
    DeviceKind.PC: "パソコン",
    DeviceKind.TABLET: "タブレット",
    DeviceKind.USB_MEMORY: "USBメモリ",
    DeviceKind.EXTERNAL_DISK: "外付けディスク",
    DeviceKind.OPTICAL_DISC: "光ディスク",
    DeviceKind.PAPER: "紙媒体",
    DeviceKind.OTHER: "その他",
}
OWNERS = {DeviceOwner.COMPANY: "会社所有", DeviceOwner.PRIVATE: "私物"}
STATUSES = {
    DeviceStatus.IN_USE: "使用中",
    DeviceStatus.TAKEN_OUT: "持出し中",
    DeviceStatus.RETURNED: "返却済み",
    DeviceStatus.DISPOSED: "廃棄済み",
}


def _choices(labels: dict) -> dict[str, str]:
    return {str(value): label for value, label in labels.items()}


DEVICE_SPEC = SheetSpec(
    name="機器等管理台帳",
    columns=(
        Column(
            "asset_number", "資産番号", "text", required=True, max_length=50, width=14, aliases=("管理番号",)
        ),
        Column("kind", "種別", "choice", required=True, choices=_choices(KINDS), width=14, aliases=("種類",)),
        Column("maker", "メーカー", "text", max_length=100, width=14, aliases=("メーカー名", "製造元")),
        Column("model_name", "型番", "text", max_length=100, width=16, aliases=("機種", "型式")),
        Column(
            "serial_number",
            "シリアル",
            "text",
            max_length=100,
            width=16,
            aliases=("シリアル番号", "製造番号"),
        ),
        Column("capacity", "容量", "text", max_length=50, width=10),
        Column(
            "owner",
            "所有",
            "choice",
            choices=_choices(OWNERS),
            width=10,
            aliases=("所有区分",),
            help="空欄なら会社所有。",
        ),
        Column(
            "holder",
            "使用者",
            "text",
            max_length=100,
            width=14,
            aliases=("保管者", "管理者"),
            help="名簿の氏名のとおり（任意）。記載日に名簿で承認（届出）されていた人。",
        ),
        Column(
            "worksite",
            "作業場所",
            "text",
            max_length=200,
            width=20,
            aliases=("設置場所",),
            help="記載日に承認（届出）されていた作業場所の名称。使用中の機器は必須。",
        ),
        Column("storage_place", "保管場所", "text", max_length=200, width=16),
        Column("disk_encrypted", "暗号化", "bool", width=8, aliases=("暗号化の有無",)),
        Column(
            "antivirus_product",
            "ウイルス対策ソフト",
            "text",
            max_length=100,
            width=18,
            aliases=("ウィルス対策ソフト",),
            help="パソコン・タブレットは必須。",
        ),
        Column(
            "antivirus_pattern_date",
            "パターン日付",
            "date",
            width=12,
            aliases=("パターンファイル日付", "定義ファイル日付"),
            help="パソコン・タブレットは必須。",
        ),
        Column(
            "patched_on",
            "更新日",
            "date",
            width=12,
            aliases=("OS更新日", "最終更新日"),
            help="OS・ソフトウェアを最後に更新した日。パソコン・タブレットは必須。",
        ),
        Column(
            "no_unapproved_software",
            "ファイル共有ソフト等なし",
            "bool",
            width=12,
            help="ファイル共有ソフトや承認されていないソフトウェアが入っていないことを確かめたら「はい」。"
            "パソコン・タブレットは必須。",
        ),
        Column(
            "no_generative_ai",
            "生成AI不使用",
            "bool",
            width=10,
            help="生成AIサービスを使っていないことを確かめたら「はい」（特記事項が禁じる場合は必須）。",
        ),
        Column("status", "状態", "choice", choices=_choices(STATUSES), width=10, help="空欄なら使用中。"),
        Column(
            "effective_on",
            "記載日",
            "date",
            width=12,
            aliases=("登録日", "記録日"),
            help="この内容が当てはまる最初の日。空欄なら取り込んだ日。",
        ),
    ),
    example={
        "asset_number": "（例）PC-0001",
        "kind": "pc",
        "maker": "（例）メーカー名",
        "model_name": "（例）型番",
    },
)


def device_rows(versions: Iterable[DeviceVersion], site_names: dict[int, str]) -> list[dict[str, Any]]:
    """The ledger's versions (selectors.devices.ledger_on, holders and devices joined) as rows of
    the sheet, with the keeping party's name and the choices' labels for the PDF. No query."""
    rows = []
    for version in versions:
        row: dict[str, Any] = {name: getattr(version, name) for name in _COPIED}
        row |= {
            "asset_number": version.device.asset_number,
            "holder": version.holder.full_name if version.holder_id else "",
            "worksite": site_names.get(version.worksite_id, "") if version.worksite_id else "",
            "party": version.device.organisation.name,
            "party_id": version.device.organisation_id,
            "kind_label": KINDS.get(version.kind, ""),
            "owner_label": OWNERS.get(version.owner, ""),
            "status_label": STATUSES.get(version.status, ""),
        }
        rows.append(row)
    return rows


def device_ledger_xlsx(rows: list[dict[str, Any]]) -> bytes:
    return export_rows(DEVICE_SPEC, rows)


_COPIED = (
    "kind",
    "maker",
    "model_name",
    "serial_number",
    "capacity",
    "owner",
    "storage_place",
    "disk_encrypted",
    "antivirus_product",
    "antivirus_pattern_date",
    "patched_on",
    "no_unapproved_software",
    "no_generative_ai",
    "status",
    "effective_on",
)
