"""The roster in Excel: a template to fill in, the roster exported in the same layout, and an
import into an open roster change that applies every row or none (design.md, invariant 8)."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl.utils import get_column_letter

from contracts.models import Employment, PersonRole, RosterChange, RosterEntry
from contracts.selectors.subcontracts import approved_subcontractors
from contracts.services.roster import roster_person_add
from core.spreadsheets import CellError, Column, SheetSpec, SpreadsheetError, export_rows, parse_rows

# Headings are the words of the paper forms: the sheet is a Japanese document, like the PDF.
ROLES = {
    PersonRole.SECURITY_OFFICER: "情報セキュリティ責任者",
    PersonRole.RESPONSIBLE: "責任者",
    PersonRole.WORKER: "従事者",
}
EMPLOYMENT = {
    Employment.EMPLOYEE: "社員",
    Employment.DISPATCH: "派遣労働者",
    Employment.PART_TIME: "パート・アルバイト",
    Employment.SUBCONTRACTOR: "再委託先の従事者",
}
ROSTER_SPEC = SheetSpec(
    name="従事者名簿",
    columns=(
        Column("full_name", "氏名", "text", required=True, max_length=100),
        Column("full_name_kana", "ふりがな", "text", max_length=100),
        Column("role", "役割", "choice", required=True, choices={str(k): v for k, v in ROLES.items()}),
        Column(
            "employment",
            "雇用形態",
            "choice",
            required=True,
            choices={str(k): v for k, v in EMPLOYMENT.items()},
        ),
        Column("affiliation", "所属", "text", max_length=200),
        Column("job_title", "役職", "text", max_length=100),
        Column("scope_of_work", "担当業務", "text", max_length=300, width=30),
        Column("start_date", "従事開始日", "date", required=True),
        Column("planned_end_date", "従事終了予定日", "date"),
        Column(
            "dispatch_terms_confirmed",
            "派遣契約の守秘義務を確認",
            "bool",
            help="派遣労働者の場合は「はい」が必要です（派遣契約に守秘義務の定めがあること）。",
        ),
        Column("contact", "連絡先", "text", max_length=200),
        Column(
            "employer_name",
            "雇用主（再委託先）",
            "text",
            max_length=200,
            width=30,
            help="再委託先の従事者の場合は、承認された再委託先の名称をそのまま記入します。",
        ),
    ),
    example={
        "full_name": "山田 太郎",
        "full_name_kana": "やまだ たろう",
        "role": "worker",
        "employment": "employee",
        "affiliation": "システム部",
        "job_title": "主任",
        "scope_of_work": "運用保守",
    },
)
_LETTER = {c.key: (get_column_letter(i), c.header) for i, c in enumerate(ROSTER_SPEC.columns, 1)}


def roster_export(entries) -> bytes:
    return export_rows(
        ROSTER_SPEC,
        (
            {
                "full_name": e.person.full_name,
                "full_name_kana": e.person.full_name_kana,
                "role": e.role,
                "employment": e.person.employment,
                "affiliation": e.affiliation,
                "job_title": e.job_title,
                "scope_of_work": e.scope_of_work,
                "start_date": e.start_date,
                "planned_end_date": e.planned_end_date,
                "dispatch_terms_confirmed": e.dispatch_terms_confirmed,
                "contact": e.person.contact,
                "employer_name": e.person.employer.name
                if e.person.employment == Employment.SUBCONTRACTOR
                else "",
            }
            for e in entries
        ),
    )


def _norm(name: str) -> str:
    return unicodedata.normalize("NFKC", name).replace(" ", "").strip()


def roster_import(*, actor, actor_membership, change: RosterChange, data: bytes) -> list[RosterEntry]:
    """Add every row of the sheet to the change as new people, or nothing (SpreadsheetError)."""
    result = parse_rows(ROSTER_SPEC, data)
    if not result.ok:
        raise SpreadsheetError(result.errors)
    errors: list[CellError] = []
    created: list[RosterEntry] = []
    subcontractors = {_norm(org.name): org for org in approved_subcontractors(change.contract)}
    with transaction.atomic():
        for row_number, row in zip(result.row_numbers, result.rows, strict=True):
            fields = {k: v for k, v in row.items() if v not in (None, "")}
            employer_name = fields.pop("employer_name", "")
            if employer_name:
                employer = subcontractors.get(_norm(employer_name))
                if employer is None:
                    letter, header = _LETTER["employer_name"]
                    errors.append(
                        CellError(
                            row=row_number,
                            column=letter,
                            header=header,
                            message="この契約で承認された再委託先の名称ではありません。",
                        )
                    )
                    continue
                fields["employer"] = employer
            try:
                with transaction.atomic():
                    created.append(
                        roster_person_add(
                            actor=actor, actor_membership=actor_membership, change=change, **fields
                        )
                    )
            except ValidationError as exc:
                for field, messages in getattr(exc, "message_dict", {"full_name": exc.messages}).items():
                    letter, header = _LETTER.get("employer_name" if field == "employer" else field, ("", ""))
                    errors.extend(
                        CellError(row=row_number, column=letter, header=header, message=m) for m in messages
                    )
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise SpreadsheetError(errors)
    return created
