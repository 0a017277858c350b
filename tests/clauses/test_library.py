"""The clause library: every seed article accounted for; the loader and validator on bad files."""

import hashlib
import json
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from clauses.kinds import KINDS
from clauses.library import LIBRARY_DIR, check_template, library_files, read_file
from clauses.models import ClauseTemplate, Obligation
from clauses.services import TemplateError, clause_template_load

DATA = Path(__file__).parent / "data"
# The project's own table of which kinds serve each article (made once from the acceptance
# reference; the shared documents themselves are not read by the suite).
ARTICLE_KINDS = DATA / "article_kinds.yaml"
# Fingerprints of the seed documents, not their text (the project may not copy their sentences):
# the SHA-256 (first 12 hex digits) of every run of 30 characters of each document with its
# white space removed. Made once from the documents with:
#   flat = re.sub(r"\s+", "", text); {sha256(flat[i:i+30]).hexdigest()[:12] for i in range(len(flat) - 29)}
SEED_FINGERPRINTS = DATA / "seed_fingerprints.json"
SEEDS = {"000": 17, "001": 28, "002": 21, "003": 23, "004": 14}


def _seed_file(seed: str) -> Path:
    matches = sorted(LIBRARY_DIR.glob(f"{seed}-*.yaml"))
    assert len(matches) == 1, f"exactly one template file for seed {seed}, found {matches}"
    return matches[0]


def _article_kinds() -> dict[str, list[tuple[list[int], set[str]]]]:
    """seed → [(article numbers, kinds)] from tests/clauses/data/article_kinds.yaml."""
    table = yaml.safe_load(ARTICLE_KINDS.read_text(encoding="utf-8"))
    result: dict[str, list[tuple[list[int], set[str]]]] = {}
    for seed, rows in table.items():
        result[seed] = []
        for numbers, kinds in rows.items():
            bounds = [int(n) for n in str(numbers).split("-")]
            result[seed].append((list(range(bounds[0], bounds[-1] + 1)), set(kinds)))
    return result


def test_article_table_covers_every_article_with_known_kinds():
    table = _article_kinds()
    assert sorted(table) == sorted(SEEDS)
    for seed, rows in table.items():
        numbers = [n for articles, _ in rows for n in articles]
        assert numbers == list(range(1, SEEDS[seed] + 1)), seed
        unknown = set().union(*(kinds for _, kinds in rows)) - set(KINDS)
        assert unknown == set(), f"{seed}: kinds the vocabulary does not know: {unknown}"


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_template_is_valid_and_accounts_for_every_article(seed):
    data, problems = read_file(_seed_file(seed))
    assert problems == []
    assert data["article_count"] == SEEDS[seed] == len(data["articles"])
    assert [a["number"] for a in data["articles"]] == [str(n) for n in range(1, SEEDS[seed] + 1)]


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_template_has_every_kind_the_clause_map_names(seed):
    data, _ = read_file(_seed_file(seed))
    kinds_by_article = {
        int(a["number"]): {ob["kind"] for ob in a.get("obligations") or []} for a in data["articles"]
    }
    missing = []
    for articles, kinds in _article_kinds()[seed]:
        present = set().union(*(kinds_by_article[n] for n in articles))
        for kind in sorted(kinds - present):
            missing.append(f"§{articles[0]}{'–' + str(articles[-1]) if len(articles) > 1 else ''}: {kind}")
    assert missing == [], f"kinds the article table names but the template lacks: {missing}"


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_summaries_are_not_copied_from_the_document(seed):
    table = json.loads(SEED_FINGERPRINTS.read_text(encoding="utf-8"))
    window, digits = table["window"], table["digits"]
    document = set(table["fingerprints"][seed])
    data, _ = read_file(_seed_file(seed))
    copied = []
    for article in data["articles"]:
        texts = [article["summary"]] + [ob["summary"] for ob in article.get("obligations") or []]
        for text in texts:
            compact = re.sub(r"\s+", "", text)
            # A run of 30 characters found verbatim in the document is a copied sentence.
            runs = (compact[i : i + window] for i in range(len(compact) - window + 1))
            if any(hashlib.sha256(run.encode()).hexdigest()[:digits] in document for run in runs):
                copied.append((article["number"], text))
    assert copied == []


def test_every_library_file_loads_and_list_prints_it(db):
    call_command("clause_library", "load")
    out = StringIO()
    call_command("clause_library", "list", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == len(library_files())
    tokorozawa = next(line for line in lines if line.startswith("tokorozawa-"))
    assert "2025-03-04" in tokorozawa and "articles=21" in tokorozawa


def test_loading_twice_changes_nothing(db):
    clause_template_load(path=DATA / "mini.yaml")
    _template, created = clause_template_load(path=DATA / "mini.yaml")
    assert created is False
    assert ClauseTemplate.objects.count() == 1


def test_same_version_with_other_content_is_refused(db, tmp_path):
    clause_template_load(path=DATA / "mini.yaml")
    changed = tmp_path / "mini.yaml"
    changed.write_text(
        (DATA / "mini.yaml").read_text(encoding="utf-8").replace("テスト市", "別の市"), encoding="utf-8"
    )
    with pytest.raises(TemplateError) as exc:
        clause_template_load(path=changed)
    assert "new version" in str(exc.value)


def _bad(tmp_path, mutate) -> Path:
    data = yaml.safe_load((DATA / "mini.yaml").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "where", "field", "message"),
    [
        (
            lambda d: d["articles"][1]["obligations"][0].update(kind="teleport"),
            "article 2 obligation 2.1-roster",
            "kind",
            "unknown kind",
        ),
        (
            lambda d: d["articles"][1]["obligations"][1].pop("opens_on"),
            "article 2 obligation 2.2-pledge",
            "opens_on",
            "required",
        ),
        (
            lambda d: d["articles"][2]["obligations"][0].pop("every"),
            "article 3 obligation 3.1-periodic-report",
            "every",
            "required",
        ),
        (lambda d: d.update(article_count=5), "", "article_count", "says 5"),
        (
            lambda d: d["articles"][1]["obligations"][0].update(fulfilled_by=["roster.aproved"]),
            "article 2 obligation 2.1-roster",
            "fulfilled_by",
            "unknown event kind",
        ),
        (
            # Well formed, but no app declares it (a kind of the clause library's old separate list
            # that no app's events.py names would fail the same way).
            lambda d: d["articles"][1]["obligations"][0].update(fulfilled_by=["teleport.completed"]),
            "article 2 obligation 2.1-roster",
            "fulfilled_by",
            "no app declares it",
        ),
        (
            lambda d: d["articles"][1]["obligations"][1].update(opens_on=["teleport.started"]),
            "article 2 obligation 2.2-pledge",
            "opens_on",
            "unknown event kind 'teleport.started'",
        ),
        (
            # Today's loader would have stored it and the duty's form link would answer 404.
            lambda d: d["articles"][2]["obligations"][0].update(form="ledgers.takeout_application"),
            "article 3 obligation 3.1-periodic-report",
            "form",
            "unknown form id 'ledgers.takeout_application'",
        ),
        (
            lambda d: d["articles"][1]["obligations"][0].update(deadline={"rule": "business_days_after"}),
            "article 2 obligation 2.1-roster",
            "deadline.days",
            "required",
        ),
        (lambda d: d["articles"][0].pop("reason"), "article 1", "reason", "required"),
        (lambda d: d["articles"][2].update(number="9"), "article 9", "number", "out of order"),
        (
            lambda d: d["articles"][2]["obligations"][1].update(key="2.1-roster"),
            "article 3 obligation 2.1-roster",
            "key",
            "used twice",
        ),
        (
            lambda d: d["articles"][2]["obligations"][2].update(kind="attest-measure"),
            "article 3 obligation 3.3-no-ai",
            "measure",
            "required",
        ),
        (
            lambda d: d["articles"][3]["obligations"][0].update(applies_if=["always"]),
            "article 4 obligation 4.1-return",
            "applies_if",
            "unknown contract flag",
        ),
    ],
)
def test_validator_names_file_article_and_field(tmp_path, mutate, where, field, message):
    _data, problems = read_file(_bad(tmp_path, mutate))
    assert any(
        p.file == "bad.yaml" and p.where.strip() == where and p.field == field and message in p.message
        for p in problems
    ), problems


def test_validate_command_exits_non_zero_and_load_writes_nothing(db, tmp_path):
    bad = _bad(tmp_path, lambda d: d["articles"][1]["obligations"][0].update(kind="teleport"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("clause_library", "validate", str(bad), stderr=err, stdout=StringIO())
    assert "unknown kind 'teleport'" in err.getvalue()
    good = tmp_path / "good.yaml"
    shutil.copy(DATA / "mini.yaml", good)
    with pytest.raises(CommandError):
        call_command("clause_library", "load", str(good), str(bad), stderr=StringIO(), stdout=StringIO())
    assert ClauseTemplate.objects.count() == 0
    assert Obligation.objects.count() == 0


def test_broken_yaml_reports_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\narticles: [\n  - oops: : :\n", encoding="utf-8")
    _data, problems = read_file(path)
    assert problems and problems[0].field == "(yaml)" and problems[0].where.startswith("line ")


def test_not_a_mapping_is_refused():
    assert check_template(["a", "list"], "x.yaml")[0].field == "(file)"


def test_the_validator_reads_the_apps_declarations(tmp_path, monkeypatch):
    # One source: a kind or form becomes acceptable the moment an app declares or registers it.
    from core import audit, pdf

    # Scratch registrations, undone after the test.
    monkeypatch.setattr(audit, "_event_kinds", dict(audit._event_kinds))
    monkeypatch.setattr(pdf, "_registry", dict(pdf._registry))

    def mutate(d):
        d["articles"][1]["obligations"][0].update(fulfilled_by=["scratchpad.approved"])
        d["articles"][2]["obligations"][0].update(form="tests.scratchpad")

    path = _bad(tmp_path, mutate)
    fields = {p.field for p in read_file(path)[1]}
    assert {"fulfilled_by", "form"} <= fields
    audit.register_event_kinds("tests_scratchpad", {"scratchpad.approved": "Scratchpad approved"})
    pdf.register_form("tests.scratchpad", template_name="pdf/core/sample_form.html", title="x")
    assert read_file(path)[1] == []


def test_the_shipped_templates_name_only_kinds_the_apps_declare():
    # The future apps (ledgers, incidents, audits) already own the kinds the seeds name.
    from core.audit import event_kind_owner

    assert event_kind_owner("disposal.recorded") == "ledgers"
    assert event_kind_owner("takeout.returned") == "ledgers"
    assert event_kind_owner("incident.final_reported") == "incidents"
    assert event_kind_owner("audit.completed") == "audits"
    assert event_kind_owner("report.submitted") == "audits"
    assert event_kind_owner("document.submitted") == "compliance"
    for path in library_files():
        assert read_file(path)[1] == [], path.name


def test_the_default_evidence_kinds_are_declared():
    # An obligation without fulfilled_by gets these (the loader writes them), unchecked by the file.
    from clauses.library import DEFAULT_FULFILLED_BY
    from core.audit import known_event_kinds

    assert {k for kinds in DEFAULT_FULFILLED_BY.values() for k in kinds} <= known_event_kinds()


def test_every_form_a_template_names_is_registered_with_a_prefill():
    from core.pdf import get_form

    for path in library_files():
        data, _ = read_file(path)
        for article in data["articles"]:
            for ob in article.get("obligations") or []:
                if ob.get("form"):
                    form = get_form(ob["form"])  # KeyError names the unknown id
                    assert form.prefill is not None, (path.name, ob["key"], ob["form"])
