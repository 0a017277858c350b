"""Every shipped template's duties can be met: the events they wait for are declared by some app,
and an evidence that a person records on a page of the portal has that page.

Read from the files themselves, not through the validator, so that a weaker validator could not
hide a duty that nothing fulfils."""

from pathlib import Path

import pytest
import yaml
from django.urls import URLPattern, URLResolver, get_resolver

from clauses.kinds import KINDS
from clauses.library import DEFAULT_FULFILLED_BY, library_files

# The evidence a person records on a page of the portal: evidence -> (the URL name of the page,
# the event kinds recorded through it). An obligation of this evidence met by one of those events
# needs the page. The submission page also records the acceptance of a document or report where
# the clause asks for it (docs/duties-evidence.md).
EVIDENCE_PAGES: dict[str, tuple[str, frozenset[str]]] = {
    "attestation": ("compliance:duty_attest", frozenset({"attestation.confirmed"})),
    "upload": ("compliance:duty_submit", frozenset({"document.submitted", "document.accepted"})),
    "report": ("compliance:duty_submit", frozenset({"report.submitted", "report.accepted"})),
}
# Evidence whose page is still being built: while its URL name does not resolve, its check is
# skipped (with the reason) instead of failing, and it turns on by itself when the page lands.
# Empty now: the submission page (compliance:duty_submit) has landed, so a lost page fails.
PAGES_BEING_BUILT: set[str] = set()


def _obligations():
    for path in library_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for article in data["articles"]:
            for ob in article.get("obligations") or []:
                yield path, ob


def _evidence(ob: dict) -> str:
    return ob.get("evidence") or KINDS[ob["kind"]].evidence


def _fulfilled_by(ob: dict) -> list[str]:
    # As the loader stores it (clauses.services): the obligation's own list, else its evidence's.
    return ob.get("fulfilled_by") or DEFAULT_FULFILLED_BY.get(_evidence(ob), [])


def _where(path: Path, ob: dict) -> str:
    return f"{path.name} {ob.get('key')}"


def _url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                walk(pattern.url_patterns, f"{namespace}{ns}:" if ns else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_the_shipped_library_is_there():
    assert len(library_files()) >= 5
    assert sum(1 for _ in _obligations()) > 100


def _undeclared(obligations) -> list[str]:
    from core.audit import known_event_kinds

    declared = known_event_kinds()
    return sorted(
        f"{_where(path, ob)} {field}: {kind}"
        for path, ob in obligations
        for field, kinds in (("opens_on", ob.get("opens_on") or []), ("fulfilled_by", _fulfilled_by(ob)))
        for kind in kinds
        if kind not in declared
    )


def _not_attestable(obligations) -> list[str]:
    # The attestation page (compliance:duty_attest) fulfils a duty only through attestation.confirmed.
    events = EVIDENCE_PAGES["attestation"][1]
    return sorted(
        _where(path, ob)
        for path, ob in obligations
        if _evidence(ob) == "attestation" and not events & set(_fulfilled_by(ob))
    )


def test_every_event_a_shipped_obligation_waits_for_is_declared():
    missing = _undeclared(_obligations())
    assert not missing, "event kinds no app declares (<app>/events.py):\n" + "\n".join(missing)


def test_every_attestation_obligation_can_be_attested():
    assert EVIDENCE_PAGES["attestation"][0] in _url_names()
    not_attestable = _not_attestable(_obligations())
    assert not not_attestable, f"attestation obligations the page cannot meet: {not_attestable}"


def test_the_checks_find_a_planted_mistake():
    planted = [
        (Path("x.yaml"), {"key": "1.1-a", "kind": "roster", "fulfilled_by": ["roster.aproved"]}),
        (Path("x.yaml"), {"key": "1.2-b", "kind": "pledge", "opens_on": ["teleport.started"]}),
        # An attestation met by some other event: the attestation page could never close it.
        (Path("x.yaml"), {"key": "1.3-c", "kind": "confidentiality", "fulfilled_by": ["roster.approved"]}),
        (Path("x.yaml"), {"key": "1.4-d", "kind": "confidentiality"}),
    ]
    assert _undeclared(planted) == [
        "x.yaml 1.1-a fulfilled_by: roster.aproved",
        "x.yaml 1.2-b opens_on: teleport.started",
    ]
    assert _not_attestable(planted) == ["x.yaml 1.3-c"]


def _needing_page(obligations, evidence: str) -> list[str]:
    events = EVIDENCE_PAGES[evidence][1]
    return sorted(
        _where(path, ob)
        for path, ob in obligations
        if _evidence(ob) == evidence and events & set(_fulfilled_by(ob))
    )


@pytest.mark.parametrize("evidence", sorted(EVIDENCE_PAGES))
def test_evidence_recorded_on_a_page_has_that_page(evidence):
    url_name, events = EVIDENCE_PAGES[evidence]
    needing = _needing_page(_obligations(), evidence)
    if not needing or url_name in _url_names():
        return
    if evidence in PAGES_BEING_BUILT:
        pytest.skip(
            f"{len(needing)} {evidence} obligation(s) wait for {', '.join(sorted(events))}, "
            f"recorded on {url_name}, which does not exist yet"
        )
    pytest.fail(f"no page {url_name} records {', '.join(sorted(events))} for: {needing}")


def test_a_page_being_built_skips_and_a_lost_page_fails(monkeypatch):
    import tests.clauses.test_shipped_evidence as this

    monkeypatch.setitem(EVIDENCE_PAGES, "upload", ("compliance:not_built_yet", EVIDENCE_PAGES["upload"][1]))
    assert _needing_page(_obligations(), "upload"), "some shipped obligation is met by a submitted document"
    monkeypatch.setattr(this, "PAGES_BEING_BUILT", {"upload"})
    with pytest.raises(pytest.skip.Exception, match="compliance:not_built_yet, which does not exist yet"):
        test_evidence_recorded_on_a_page_has_that_page("upload")
    monkeypatch.setattr(this, "PAGES_BEING_BUILT", set())
    with pytest.raises(pytest.fail.Exception, match="no page compliance:not_built_yet records"):
        test_evidence_recorded_on_a_page_has_that_page("upload")


def test_the_url_names_are_found():
    # The skip above must mean "not built", never "not looked for properly".
    names = _url_names()
    assert {"compliance:duty_attest", "compliance:duty_detail"} <= names
    assert "compliance:no_such_page" not in names
