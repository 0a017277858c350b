"""Reading and checking clause-template files (docs/clause-templates.md).

`validate_file` reports every problem with its place (file, article, obligation, field) and
never touches the database; the loader (clauses.services) refuses a file with
any problem. Run as `python -m clauses.library validate FILE…` or through
`manage.py clause_library validate`.

The event kinds a template may name are the ones the apps declare (core.audit, from each app's
events.py), and the form ids the ones the apps register (core.pdf): one source each, so a
template cannot name an event nothing records or a form whose link would answer 404. Both
registries are filled in AppConfig.ready(), so validation needs Django set up.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from clauses.kinds import ACTORS, DEADLINE_RULES, EVIDENCE, GENERIC_PARAM, KINDS, TRIGGERS

LIBRARY_DIR = Path(__file__).resolve().parent / "clause_library"
CONTRACT_FLAGS = ("handles_personal_info", "handles_my_number", "on_premises", "subcontracting")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
KEY_RE = re.compile(r"^[0-9]+[0-9.()a-z-]*-[a-z0-9-]+$")
DEFAULT_FULFILLED_BY = {
    "attestation": ["attestation.confirmed"],
    "upload": ["document.submitted"],
    "report": ["report.submitted"],
}
TOP_FIELDS = {
    "id",
    "version",
    "title",
    "issuer",
    "source",
    "revisions",
    "parties",
    "article_count",
    "articles",
    "statutory",
    "description",
}
ARTICLE_FIELDS = {"number", "heading", "summary", "obligations", "informational", "reason"}
OBLIGATION_FIELDS = {
    "key",
    "clause",
    "kind",
    "actor",
    "summary",
    "trigger",
    "deadline",
    "evidence",
    "fulfilled_by",
    "opens_on",
    "per_subject",
    "every",
    "applies_if",
    "survives_contract",
    "form",
    "document",
    "measure",
    "note",
}


@dataclass(frozen=True)
class Problem:
    file: str
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f" {self.where}" if self.where else ""
        return f"{self.file}:{where} [{self.field}] {self.message}"


class TemplateError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _declared() -> tuple[frozenset[str], frozenset[str]]:
    # Imported here, not at the top: core.audit and core.pdf need the app registry, and
    # `python -m clauses.library` imports this module before it sets Django up.
    from core.audit import known_event_kinds
    from core.pdf import registered_form_ids

    return known_event_kinds(), registered_form_ids()


@dataclass
class _Checker:
    file: str
    problems: list[Problem] = field(default_factory=list)
    event_kinds: frozenset[str] = field(default_factory=frozenset)
    form_ids: frozenset[str] = field(default_factory=frozenset)

    def add(self, where: str, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.file, where, field_name, message))

    def text(self, data: dict, key: str, where: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(where, key, "is required")
            return ""
        if not isinstance(value, str):
            self.add(where, key, f"must be text, not {type(value).__name__}")
            return ""
        return value

    def unknown(self, data: dict, allowed: set[str], where: str) -> None:
        for key in sorted(set(data) - allowed):
            self.add(where, key, "is not a known field")


def _check_obligation(c: _Checker, ob: Any, where: str, keys: set[str]) -> None:
    if not isinstance(ob, dict):
        c.add(where, "obligations", "each obligation must be a mapping")
        return
    c.unknown(ob, OBLIGATION_FIELDS, where)
    key = c.text(ob, "key", where)
    if key:
        where = f"{where} obligation {key}"
        if key in keys:
            c.add(where, "key", "is used twice in this file")
        keys.add(key)
        if not KEY_RE.match(key):
            c.add(where, "key", "must start with the clause reference, e.g. '5.3-device-ledger'")
    c.text(ob, "clause", where)
    c.text(ob, "summary", where)
    kind = c.text(ob, "kind", where)
    if kind and kind not in KINDS:
        c.add(where, "kind", f"unknown kind {kind!r} (see clauses/kinds.py)")
    if kind in GENERIC_PARAM and not ob.get(GENERIC_PARAM[kind]):
        c.add(where, GENERIC_PARAM[kind], f"is required for kind {kind}")
    actor = c.text(ob, "actor", where)
    if actor and actor not in ACTORS:
        c.add(where, "actor", f"must be one of {', '.join(ACTORS)}")
    trigger = c.text(ob, "trigger", where)
    if trigger and trigger not in TRIGGERS:
        c.add(where, "trigger", f"must be one of {', '.join(TRIGGERS)}")
    evidence = ob.get("evidence") or (KINDS[kind].evidence if kind in KINDS else "")
    if evidence and evidence not in EVIDENCE:
        c.add(where, "evidence", f"must be one of {', '.join(EVIDENCE)}")
    _check_deadline(c, ob.get("deadline"), where, trigger)
    form_id = ob.get("form")
    if form_id is not None:
        if not isinstance(form_id, str) or not form_id:
            c.add(where, "form", "must be a form id such as 'contracts.roster'")
        elif form_id not in c.form_ids:
            c.add(where, "form", f"unknown form id {form_id!r}: no app registers it (core.pdf.register_form)")
    for list_field in ("opens_on", "fulfilled_by"):
        value = ob.get(list_field)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            c.add(where, list_field, "must be a list of event kinds")
            continue
        for kind_name in value:
            if kind_name not in c.event_kinds:
                c.add(
                    where,
                    list_field,
                    f"unknown event kind {kind_name!r}: no app declares it (<app>/events.py)",
                )
    if trigger == "event" and not ob.get("opens_on"):
        c.add(where, "opens_on", "is required when the trigger is 'event'")
    if ob.get("opens_on") and trigger != "event":
        c.add(where, "opens_on", "is only used with trigger 'event'")
    if ob.get("per_subject") and trigger != "event":
        c.add(where, "per_subject", "is only used with trigger 'event'")
    if (
        kind in KINDS
        and not ob.get("fulfilled_by")
        and evidence not in DEFAULT_FULFILLED_BY
        and evidence != "none"
    ):
        c.add(where, "fulfilled_by", f"is required: evidence {evidence!r} has no default event")
    every = ob.get("every")
    if trigger == "periodic" and not every:
        c.add(where, "every", "is required when the trigger is 'periodic'")
    if every is not None:
        if (
            not isinstance(every, dict)
            or set(every) - {"months", "days"}
            or not every
            or not all(isinstance(v, int) and v > 0 for v in every.values())
        ):
            c.add(where, "every", "must be {months: N} or {days: N} with N > 0")
        elif trigger not in ("periodic", "standing"):
            c.add(where, "every", "is only used with trigger 'periodic' or 'standing'")
    flags = ob.get("applies_if") or []
    if not isinstance(flags, list):
        c.add(where, "applies_if", "must be a list of contract flags")
    else:
        for flag in flags:
            if flag not in CONTRACT_FLAGS:
                c.add(where, "applies_if", f"unknown contract flag {flag!r} ({', '.join(CONTRACT_FLAGS)})")
    for bool_field in ("per_subject", "survives_contract"):
        if bool_field in ob and not isinstance(ob[bool_field], bool):
            c.add(where, bool_field, "must be true or false")


def _check_deadline(c: _Checker, deadline: Any, where: str, trigger: str) -> None:
    if trigger == "periodic" and deadline is None:
        return
    if not isinstance(deadline, dict):
        c.add(where, "deadline", "is required: a mapping with 'rule'")
        return
    rule = deadline.get("rule")
    if rule not in DEADLINE_RULES:
        c.add(where, "deadline.rule", f"must be one of {', '.join(DEADLINE_RULES)}")
        return
    extra = set(deadline) - {"rule", "days", "date"}
    if extra:
        c.add(where, "deadline", f"unknown fields {sorted(extra)}")
    days = deadline.get("days")
    if rule in ("business_days_after", "calendar_days_after"):
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            c.add(where, "deadline.days", f"is required for {rule}: a whole number of days ≥ 0")
    elif rule in ("business_days_before_work_start", "business_days_before_contract_end"):
        # 0 days before would be the day itself: that is by_work_start / before_contract_end.
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            c.add(where, "deadline.days", f"is required for {rule}: a whole number of business days ≥ 1")
    elif days is not None:
        c.add(where, "deadline.days", f"is not used with {rule}")
    if trigger == "contract_end" and rule in (
        "before_work_start",
        "by_work_start",
        "business_days_before_work_start",
    ):
        c.add(where, "deadline.rule", f"{rule} cannot be counted from the end of the contract")
    if rule == "fixed_date" and not isinstance(deadline.get("date"), date):
        c.add(where, "deadline.date", "is required for fixed_date: a date like 2025-03-31")


def check_template(data: Any, file: str) -> list[Problem]:
    event_kinds, form_ids = _declared()
    c = _Checker(file, event_kinds=event_kinds, form_ids=form_ids)
    if not isinstance(data, dict):
        c.add("", "(file)", "must be a mapping with id, version, title, … (see docs/clause-templates.md)")
        return c.problems
    c.unknown(data, TOP_FIELDS, "")
    template_id = c.text(data, "id", "")
    if template_id and not ID_RE.match(template_id):
        c.add("", "id", "use lower-case letters, digits and '-'")
    if not isinstance(data.get("version"), str) or not data.get("version"):
        c.add("", "version", 'is required: text such as "2025-03-04" or "1" (quote it)')
    c.text(data, "title", "")
    c.text(data, "issuer", "")
    parties = data.get("parties")
    if not isinstance(parties, dict) or not all(
        isinstance(parties.get(k), str) for k in ("client", "contractor")
    ):
        c.add(
            "",
            "parties",
            "needs the document's words for client and contractor, e.g. {client: 甲, contractor: 乙}",
        )
    revisions = data.get("revisions", [])
    if not isinstance(revisions, list):
        c.add("", "revisions", "must be a list of {date, label}")
    else:
        for i, rev in enumerate(revisions, 1):
            if not isinstance(rev, dict) or not isinstance(rev.get("date"), date) or not rev.get("label"):
                c.add(f"revision {i}", "revisions", "each needs a date (YYYY-MM-DD) and a label (制定, 改定)")
    articles = data.get("articles")
    if not isinstance(articles, list) or not articles:
        c.add("", "articles", "is required: the list of every article of the document")
        return c.problems
    count = data.get("article_count")
    if count != len(articles):
        c.add("", "article_count", f"says {count!r} but the file has {len(articles)} articles")
    keys: set[str] = set()
    seen_numbers: set[str] = set()
    for index, article in enumerate(articles, 1):
        where = f"article #{index}"
        if not isinstance(article, dict):
            c.add(where, "articles", "each article must be a mapping")
            continue
        number = article.get("number")
        if not isinstance(number, str) or not number:
            c.add(where, "number", 'is required (as text, e.g. "5")')
        else:
            where = f"article {number}"
            if number in seen_numbers:
                c.add(where, "number", "appears twice")
            seen_numbers.add(number)
            if number.isdigit() and int(number) != index:
                c.add(where, "number", f"is out of order (expected {index})")
        c.unknown(article, ARTICLE_FIELDS, where)
        c.text(article, "heading", where)
        c.text(article, "summary", where)
        obligations = article.get("obligations") or []
        if article.get("informational"):
            c.text(article, "reason", where)
            if obligations:
                c.add(where, "obligations", "an informational article has no obligations")
            continue
        if not isinstance(obligations, list) or not obligations:
            c.add(where, "obligations", "list its obligations, or mark it informational: true with a reason")
            continue
        for ob in obligations:
            _check_obligation(c, ob, where, keys)
    return c.problems


def read_file(path: Path | str) -> tuple[dict, list[Problem]]:
    path = Path(path)
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return {}, [Problem(name, "", "(file)", f"cannot be read: {exc.strerror}")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        return {}, [Problem(name, where, "(yaml)", str(getattr(exc, "problem", exc)))]
    return data, check_template(data, name)


def library_files(directory: Path = LIBRARY_DIR) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "validate":
        print("usage: python -m clauses.library validate FILE…", file=sys.stderr)
        return 2
    # The declared event kinds and registered forms come from the apps' ready().
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()
    failed = False
    for name in argv[1:]:
        _data, problems = read_file(name)
        for problem in problems:
            print(problem)
        failed = failed or bool(problems)
        print(f"{name}: {'OK' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
