from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from django.db import transaction

from clauses import events
from clauses.kinds import KINDS
from clauses.library import DEFAULT_FULFILLED_BY, Problem, TemplateError, library_files, read_file
from clauses.models import Article, ClauseTemplate, Obligation
from core.audit import record_event


def _json_safe(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


@transaction.atomic
def clause_template_load(*, path: Path | str, actor=None) -> tuple[ClauseTemplate, bool]:
    """Load one template file; returns (template, created). Writes nothing when the file has problems.

    A version already loaded with the same content is left as it is; the same version with
    different content is refused, because contracts signed under it must keep what they signed.
    """
    data, problems = read_file(path)
    if problems:
        raise TemplateError(problems)
    content = _json_safe(data)
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    existing = ClauseTemplate.objects.filter(template_id=data["id"], version=data["version"]).first()
    if existing is not None:
        if existing.content_sha256 != digest:
            raise TemplateError(
                [
                    Problem(
                        Path(path).name,
                        "",
                        "version",
                        f"version {data['version']!r} of {data['id']!r} is already loaded with other "
                        "content: give the revision a new version",
                    )
                ]
            )
        return existing, False
    template = ClauseTemplate.objects.create(
        template_id=data["id"],
        version=data["version"],
        title=data["title"],
        issuer=data["issuer"],
        parties=data["parties"],
        revisions=content.get("revisions", []),
        source=data.get("source", ""),
        statutory=bool(data.get("statutory", False)),
        content=content,
        content_sha256=digest,
    )
    obligations = []
    position = 0
    for index, art in enumerate(data["articles"], 1):
        article = Article.objects.create(
            template=template,
            position=index,
            number=art["number"],
            heading=art["heading"],
            summary=art["summary"],
            informational=bool(art.get("informational")),
            reason=art.get("reason", ""),
        )
        for ob in art.get("obligations") or []:
            position += 1
            evidence = ob.get("evidence") or KINDS[ob["kind"]].evidence
            deadline = ob.get("deadline") or {"rule": "none"}
            every = ob.get("every") or {}
            obligations.append(
                Obligation(
                    template=template,
                    article=article,
                    position=position,
                    key=ob["key"],
                    clause=ob["clause"],
                    kind=ob["kind"],
                    actor=ob["actor"],
                    summary=ob["summary"],
                    trigger=ob["trigger"],
                    deadline_rule=deadline["rule"],
                    deadline_days=deadline.get("days"),
                    deadline_date=deadline.get("date"),
                    evidence=evidence,
                    opens_on=ob.get("opens_on", []),
                    fulfilled_by=ob.get("fulfilled_by") or DEFAULT_FULFILLED_BY.get(evidence, []),
                    per_subject=bool(ob.get("per_subject", False)),
                    every_months=every.get("months"),
                    every_days=every.get("days"),
                    applies_if=ob.get("applies_if", []),
                    survives_contract=bool(ob.get("survives_contract", False)),
                    form_id=ob.get("form", ""),
                    document=ob.get("document", ""),
                    measure=ob.get("measure", ""),
                    note=ob.get("note", ""),
                    evidence_conditions=ob.get("evidence_conditions") or {},
                )
            )
    Obligation.objects.bulk_create(obligations)
    record_event(
        kind=events.CLAUSE_TEMPLATE_LOADED,
        actor=actor,
        obj=template,
        data={
            "template_id": template.template_id,
            "version": template.version,
            "obligations": len(obligations),
        },
    )
    return template, True


def clause_library_load(*, actor=None, files: list[Path] | None = None) -> list[tuple[ClauseTemplate, bool]]:
    """Load every file of the library (or the given ones); all or nothing."""
    files = files if files is not None else library_files()
    problems: list[Problem] = []
    for path in files:
        problems.extend(read_file(path)[1])
    if problems:
        raise TemplateError(problems)
    with transaction.atomic():
        return [clause_template_load(path=path, actor=actor) for path in files]
