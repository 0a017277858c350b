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

import difflib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from clauses.kinds import ACTORS, DEADLINE_RULES, EVIDENCE, GENERIC_PARAM, KINDS, TRIGGERS

LIBRARY_DIR = Path(__file__).resolve().parent / "clause_library"
# Every code a template may use, generated from the registries (manage.py clause_library reference).
REFERENCE_DOC = "docs/clause-template-reference.md"
# The facts about a contract an obligation's `applies_if` may test: its flags, and facts derived
# from its records (dispatch_workers: the roster in force names a dispatch worker). The domain
# apps say how each is answered (clauses.api.register_fact); the engine asks clauses.api.
CONTRACT_FLAGS = (
    "handles_personal_info",
    "handles_my_number",
    "on_premises",
    "subcontracting",
    "uses_client_network",
    "dispatch_workers",
    "roster_in_force",
    "worksites_in_force",
    "worker",
)
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
    "roster_roles",
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
    "evidence_conditions",
}
# What an obligation may ask of its evidence (evidence_conditions), each checked by the app that
# owns the data (clauses.api.register_condition_checker): the roster once the fulfilling change is
# in force names someone in each role / has these fields filled for every person on it.
# roster_roles: the roster offered as evidence names someone in each role; roster_fields: every
# person's entry has these fields; handler_roles: whoever receives, hands over or carries the
# information for the contractor holds one of these roles on that day (003 §12: 管理責任者).
EVIDENCE_CONDITIONS = ("roster_roles", "roster_fields", "handler_roles")
ROLE_CONDITIONS = ("roster_roles", "handler_roles")
# The roles every roster offers (contracts.models.PersonRole); a template may declare more.
BUILTIN_ROSTER_ROLES = ("security_officer", "responsible", "worker")
# The fields of a roster entry a condition may require (the name is always required).
ROSTER_FIELDS = ("affiliation", "job_title", "scope_of_work", "start_date", "planned_end_date")
ROLE_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Problem:
    file: str
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f" {self.where}" if self.where else ""
        return f"{self.file}:{where} [{self.field}] {self.message}"


def did_you_mean(value: Any, choices: Iterable[str]) -> str:
    """' — did you mean 'x'?' for the closest of ``choices``, or '' when none is close."""
    if not isinstance(value, str) or not value:
        return ""
    match = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" — did you mean {match[0]!r}?" if match else ""


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
    # The role codes the template's conditions may name: the built-in ones and its own.
    roster_roles: tuple[str, ...] = BUILTIN_ROSTER_ROLES

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
        for key in sorted(set(data) - allowed, key=str):
            self.add(where, str(key), f"unknown field {key!r}{did_you_mean(key, allowed)}")

    def one_of(self, where: str, field_name: str, what: str, value: Any, choices: Iterable[str]) -> None:
        # A typo gets its closest spelling first; the whole list follows for a real unknown.
        choices = list(choices)
        self.add(
            where,
            field_name,
            f"unknown {what} {value!r}{did_you_mean(value, choices)} (one of: {', '.join(choices)})",
        )


def _check_obligation(c: _Checker, ob: Any, where: str, keys: set[str], position: int) -> None:
    if not isinstance(ob, dict):
        c.add(f"{where} obligation #{position}", "obligations", "each obligation must be a mapping")
        return
    key = c.text(ob, "key", f"{where} obligation #{position}")
    # Every problem of an obligation names it by its key (what the author searches the file for),
    # or by its position in the article when it has none.
    where = f"{where} obligation {key}" if key else f"{where} obligation #{position}"
    c.unknown(ob, OBLIGATION_FIELDS, where)
    if key:
        if key in keys:
            c.add(where, "key", "is used twice in this file")
        keys.add(key)
        if not KEY_RE.match(key):
            c.add(where, "key", "must start with the clause reference, e.g. '5.3-device-ledger'")
    c.text(ob, "clause", where)
    c.text(ob, "summary", where)
    kind = c.text(ob, "kind", where)
    if kind and kind not in KINDS:
        c.add(
            where,
            "kind",
            f"unknown kind {kind!r}{did_you_mean(kind, KINDS)} (see {REFERENCE_DOC}, or use "
            "submit-document / attest-measure)",
        )
    if kind in GENERIC_PARAM and not ob.get(GENERIC_PARAM[kind]):
        c.add(where, GENERIC_PARAM[kind], f"is required for kind {kind}")
    actor = c.text(ob, "actor", where)
    if actor and actor not in ACTORS:
        c.one_of(where, "actor", "actor", actor, ACTORS)
    trigger = c.text(ob, "trigger", where)
    if trigger and trigger not in TRIGGERS:
        c.one_of(where, "trigger", "trigger", trigger, TRIGGERS)
    if trigger == "procurement" and actor and actor != "client":
        # Procurement steps open on the draft, before any contractor is bound by the contract.
        c.add(where, "actor", "must be client with trigger 'procurement' (the public body's own steps)")
    if actor == "subcontractor" and (trigger != "event" or not ob.get("per_subject")):
        # Which subcontractor owes it is the subject of the event that opens it (a link).
        c.add(where, "actor", "subcontractor needs trigger 'event' with per_subject (one link's duty)")
    evidence = ob.get("evidence") or (KINDS[kind].evidence if kind in KINDS else "")
    if evidence and evidence not in EVIDENCE:
        c.one_of(where, "evidence", "evidence", evidence, EVIDENCE)
    # An event's own cycle (every subcontract's yearly check) is dated by its interval, as periodic.
    cyclic_event = trigger == "event" and ob.get("every") is not None
    _check_deadline(c, ob.get("deadline"), where, "periodic" if cyclic_event else trigger)
    form_id = ob.get("form")
    if form_id is not None:
        if not isinstance(form_id, str) or not form_id:
            c.add(where, "form", "must be a form id such as 'contracts.roster'")
        elif form_id not in c.form_ids:
            c.add(
                where,
                "form",
                f"unknown form id {form_id!r}: no app registers it (core.pdf.register_form)"
                f"{did_you_mean(form_id, c.form_ids)}",
            )
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
                    f"unknown event kind {kind_name!r}: no app declares it (<app>/events.py)"
                    f"{did_you_mean(kind_name, c.event_kinds)}",
                )
    if trigger == "event" and not ob.get("opens_on"):
        c.add(where, "opens_on", "is required when the trigger is 'event'")
    if ob.get("opens_on") and trigger != "event":
        c.add(where, "opens_on", "is only used with trigger 'event'")
    # On request, per_subject means the request names the people it concerns (002 §7.3 pledges).
    if ob.get("per_subject") and trigger not in ("event", "on_request"):
        c.add(where, "per_subject", "is only used with trigger 'event' or 'on_request'")
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
        elif trigger == "event" and not ob.get("per_subject"):
            c.add(where, "every", "is only used with trigger 'event' when per_subject is true")
        elif trigger == "event" and ob.get("deadline") is not None:
            c.add(where, "deadline", "is not used with 'every' on trigger 'event': the cycle gives the dates")
        elif trigger not in ("periodic", "standing", "event"):
            c.add(where, "every", "is only used with trigger 'periodic', 'standing' or 'event'")
    flags = ob.get("applies_if") or []
    if not isinstance(flags, list):
        c.add(where, "applies_if", "must be a list of contract flags")
    else:
        for flag in flags:
            if flag not in CONTRACT_FLAGS:
                c.one_of(where, "applies_if", "contract flag", flag, CONTRACT_FLAGS)
    for bool_field in ("per_subject", "survives_contract"):
        if bool_field in ob and not isinstance(ob[bool_field], bool):
            c.add(where, bool_field, "must be true or false")
    if "evidence_conditions" in ob:
        _check_evidence_conditions(c, ob["evidence_conditions"], where)


def _check_evidence_conditions(c: _Checker, conditions: Any, where: str) -> None:
    if not isinstance(conditions, dict) or not conditions:
        c.add(where, "evidence_conditions", "must be a mapping such as {roster_roles: [responsible]}")
        return
    for name, values in conditions.items():
        field_name = f"evidence_conditions.{name}"
        if name not in EVIDENCE_CONDITIONS:
            c.one_of(where, "evidence_conditions", "condition", name, EVIDENCE_CONDITIONS)
            continue
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            c.add(where, field_name, "must be a non-empty list of codes")
            continue
        choices = c.roster_roles if name in ROLE_CONDITIONS else ROSTER_FIELDS
        what = "roster role" if name in ROLE_CONDITIONS else "roster field"
        for value in values:
            if value not in choices:
                c.one_of(where, field_name, what, value, choices)


def _check_roster_roles(c: _Checker, roles: Any) -> tuple[str, ...]:
    """The template's own roster roles ({code, label}); returns every role code its conditions may use."""
    if roles is None:
        return BUILTIN_ROSTER_ROLES
    if not isinstance(roles, list):
        c.add("", "roster_roles", "must be a list of {code, label}, e.g. {code: handover, label: 授受担当者}")
        return BUILTIN_ROSTER_ROLES
    codes: list[str] = []
    for position, role in enumerate(roles, 1):
        where = f"roster role #{position}"
        if not isinstance(role, dict):
            c.add(where, "roster_roles", "each role must be a mapping {code, label}")
            continue
        c.unknown(role, {"code", "label"}, where)
        code = c.text(role, "code", where)
        c.text(role, "label", where)
        if not code:
            continue
        where = f"roster role {code}"
        if not ROLE_CODE_RE.match(code):
            c.add(where, "code", "use lower-case ASCII letters, digits and '_', starting with a letter")
        elif code in BUILTIN_ROSTER_ROLES:
            builtin = ", ".join(BUILTIN_ROSTER_ROLES)
            c.add(where, "code", f"is a built-in role already ({builtin}): do not declare it")
        elif code in codes:
            c.add(where, "code", "is declared twice")
        else:
            codes.append(code)
    return (*BUILTIN_ROSTER_ROLES, *codes)


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
    elif rule in (
        "business_days_before_work_start",
        "business_days_before_contract_end",
        "business_days_before_contract_start",
    ):
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
    if rule == "event_due_date" and trigger != "event":
        # Only an event sets a date of its own; no other trigger has one to read.
        c.add(where, "deadline.rule", "event_due_date is for trigger: event (its event sets the date)")


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
    c.roster_roles = _check_roster_roles(c, data.get("roster_roles"))
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
        for position, ob in enumerate(obligations, 1):
            _check_obligation(c, ob, where, keys, position)
    return c.problems


def read_file(path: Path | str) -> tuple[dict, list[Problem]]:
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return {}, [Problem(name, "", "(file)", f"cannot be read: {exc.strerror}")]
    except UnicodeDecodeError as exc:
        return {}, [Problem(name, "", "(file)", f"is not UTF-8 text (byte {exc.start}): save it as UTF-8")]
    try:
        data = yaml.load(text, Loader=_TemplateLoader)  # noqa: S506 - a SafeLoader, see below
    except yaml.YAMLError as exc:
        return {}, [yaml_problem(name, text, exc)]
    return data, check_template(data, name)


class _TemplateLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping.

    Plain YAML keeps the last of two `fulfilled_by:` lines of an obligation without a word, so the
    first list would be lost from a template that validates cleanly.
    """

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            first: dict = {}  # key -> where it was first given
            for key_node, _value in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    earlier = first.get(key)
                except TypeError:  # an unhashable key: SafeLoader itself says so below
                    continue
                if earlier is not None:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping",
                        earlier,
                        f"found duplicate key {key!r}",
                        key_node.start_mark,
                    )
                first[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


# PyYAML's wording of the common mistakes, and what the author should do about each. Matched in
# order against the parser's `problem` (and `context`); the parser's own words follow in ().
_YAML_EXPLANATIONS: tuple[tuple[str, str], ...] = (
    (
        "found character '\\t'",
        "a tab character: YAML indents with spaces only",
    ),
    (
        "mapping values are not allowed here",
        "a ':' where none can be: quote a value that contains ': ' (summary: \"…: …\"), "
        "or this line is indented deeper than the field above it",
    ),
    (
        "could not find expected ':'",
        "a line that is not 'field: value': check the ':' after the field name and the indentation",
    ),
    (
        "expected <block end>",
        "the indentation does not line up: each field of a mapping starts in the same column, "
        "each list item with '- ' in the same column",
    ),
    (
        "while scanning a quoted scalar",
        "a quote is not closed: end the text with the same quote it starts with",
    ),
    (
        "while scanning a double-quoted scalar",
        "inside double quotes a backslash starts an escape: use single quotes, or write \\\\",
    ),
    (
        "while parsing a flow sequence",
        "a list in [ ] is not closed, or its items are not separated by ','",
    ),
    (
        "while parsing a flow mapping",
        "a mapping in { } is not closed, or its fields are not separated by ','",
    ),
    (
        "while parsing a flow node",
        "a '- ' list item inside [ ]: write a list either as [a, b] or as lines starting with '- '",
    ),
    (
        "found duplicate key",
        "a field given twice in the same mapping: YAML would silently keep only the last one, "
        "so write it once",
    ),
    (
        "found undefined alias",
        "'*' starts a YAML alias: put a value that begins with '*' in quotes",
    ),
    (
        "could not determine a constructor",
        "'!' starts a YAML tag, which templates do not use: remove it, or put the value in quotes",
    ),
    (
        "that cannot start any token",
        "this character cannot begin a value: put the value in quotes",
    ),
)


def yaml_problem(file: str, text: str, exc: yaml.YAMLError) -> Problem:
    """A YAML syntax error as a Problem: its line and column, a plain explanation, the line itself."""
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None) or ""
    mark = getattr(exc, "problem_mark", None)
    said = f"{problem} {context}"
    plain = next(
        (words for needle, words in _YAML_EXPLANATIONS if needle in said), "the file is not valid YAML"
    )
    parser = f"{context}: {problem}" if context else problem
    if mark is None:
        return Problem(file, "", "(yaml)", f"{plain} ({parser})")
    where = f"line {mark.line + 1}, column {mark.column + 1}"
    # An unclosed quote or bracket is found where the file ends: say where it was opened.
    opened = getattr(exc, "context_mark", None)
    if opened is not None and opened.line != mark.line:
        first = "duplicate key" in problem
        plain += (
            f" (see line {opened.line + 1}, column {opened.column + 1}, "
            f"{'where it is first given' if first else 'where it begins'})"
        )
    lines = text.splitlines()
    shown = lines[mark.line].strip() if mark.line < len(lines) else ""
    near = f"; the line reads: {shown}" if shown else ""
    return Problem(file, where, "(yaml)", f"{plain} ({parser}){near}")


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
