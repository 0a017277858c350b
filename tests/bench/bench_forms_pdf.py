"""Benchmark: every approvable PDF form filled to its fields' limits (issue 8 §3: < 5 s each).

Run from the project root: ``python tests/bench/bench_forms_pdf.py [--chars 2000] [--layout auto]``.
``--layout auto`` renders the same HTML with the old automatic table layout, to show the
quadratic case the fixed layout in templates/pdf/base.html removed (it is slow: minutes at 5,000).
Contexts are plain objects (no database); the templates are the real ones.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace as NS

ROOT = Path(__file__).resolve().parents[2]
TEXT = "作業場所の備考として、施錠管理と入退室記録の方法を記載します。"


def text(n: int) -> str:
    return (TEXT * (n // len(TEXT) + 1))[:n]


def many(items):
    return NS(all=lambda: items)


def contexts(chars: int, rows: int) -> dict[str, tuple[str, dict]]:
    from core.validators import ADDRESS, LABEL, SHORT_NOTE

    contract = NS(
        number="R7-BENCH-001",
        title="住民情報システム運用保守業務委託",
        start_date=date(2025, 4, 1),
        end_date=date(2026, 3, 31),
        public_body=NS(name="所沢市"),
        contractor=NS(name="株式会社サンプル情報"),
    )
    common = {
        "contract": contract,
        "issued_on": date(2025, 5, 1),
        "client_word": "甲",
        "contractor_word": "乙",
    }
    place = NS(name=text(LABEL), get_protection_display="施錠できる書庫", description=text(SHORT_NOTE))
    site = NS(
        is_new=True,
        action="add",
        name=text(LABEL),
        get_kind_display="受注者の事業所",
        address=text(ADDRESS),
        rooms=text(SHORT_NOTE),
        storage_places=many([place, place]),
        notes=text(chars),
    )
    link = NS(
        depth=1,
        start_date=date(2025, 4, 1),
        end_date=date(2026, 3, 31),
        subcontractor=NS(name="株式会社再委託先"),
        upstream=NS(name="株式会社サンプル情報"),
        reason=text(chars),
        scope=text(chars),
        information_handled=text(chars),
        security_measures=text(chars),
        supervision=text(chars),
    )
    person = NS(full_name="山田 太郎", full_name_kana="やまだ たろう", get_employment_display="正社員")
    entry = NS(
        person=person,
        get_role_display="業務従事者",
        affiliation=text(LABEL),
        job_title="主任",
        scope_of_work=text(SHORT_NOTE),
        start_date=date(2025, 4, 1),
        planned_end_date=date(2026, 3, 31),
        role_label="業務従事者",
    )
    session = NS(
        held_on=date(2025, 6, 1),
        topic=text(LABEL),
        content=text(chars),
        given_by="情報セキュリティ責任者",
        attendances=many([NS(person=person)] * 30),
    )
    period = {"period_start": date(2025, 4, 1), "period_end": date(2026, 3, 31)}
    return {
        "worksites (notes)": (
            "contracts.worksite",
            {
                **common,
                "change": NS(number=1, note=""),
                "first": True,
                "sites": [site] * 3,
                "heading": "作業場所承認申請書",
            },
        ),
        "subcontract (5 fields)": (
            "contracts.subcontract",
            {**common, "link": link, "chain": [], "heading": "再委託承認申請書"},
        ),
        "training plan": (
            "contracts.training_plan",
            {**common, "plan": NS(number=1, content=text(chars), planned_sessions=text(chars), **period)},
        ),
        "training report": (
            "contracts.training_report",
            {
                **common,
                **period,
                "report": NS(number=1, summary=text(chars)),
                "sessions": [session] * 12,
                "untrained": [entry] * 20,
                "attendee_total": 30,
            },
        ),
        f"roster ({rows} people)": (
            "contracts.roster",
            {**common, "entries": [entry] * rows, "as_of": date(2025, 5, 1)},
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--chars", type=int, default=2000, help="length of every notes-like field (default 2000)"
    )
    parser.add_argument("--rows", type=int, default=500, help="people on the roster (default 500)")
    parser.add_argument("--layout", choices=["fixed", "auto"], default="fixed")
    parser.add_argument("--only", default="", help="render only the forms whose label contains this")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.template.loader import render_to_string
    from django.utils import translation

    from core import pdf

    pdf._html_to_pdf("<p>起動</p>")  # the child's start is not any form's time
    worst = 0.0
    for label, (form_id, context) in contexts(args.chars, args.rows).items():
        if args.only not in label:
            continue
        form = pdf.get_form(form_id)
        with translation.override("ja"):
            html = render_to_string(
                form.template_name, {**context, "form": form, "pdf_body_font": "IPAexMincho"}
            )
        if args.layout == "auto":
            html = html.replace("table-layout: fixed", "table-layout: auto")
        started = time.perf_counter()
        data = pdf._html_to_pdf(html, timeout=600)
        seconds = time.perf_counter() - started
        worst = max(worst, seconds)
        print(f"{label:28} {args.chars:>6} chars  {seconds:7.2f} s  {len(data) / 1024:7.0f} KiB", flush=True)
    print(f"worst: {worst:.2f} s ({'under' if worst < 5 else 'OVER'} the 5 s budget)")
    return 0 if worst < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
