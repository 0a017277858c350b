"""The shipped clause library read against the generic evidence paths: which duties of the public
body (actor client) its own recorded action can meet on the duty's pages (an attestation, a
submitted document or report), and which not. A public-body duty with no way to be met is a
defect; those known today are listed by name, so a new one fails here and a fixed one is struck
from the list."""

from __future__ import annotations

from clauses.kinds import KINDS
from clauses.library import DEFAULT_FULFILLED_BY, library_files, read_file
from compliance import events

# The kinds the duty's own pages record (compliance.services.duties and .submissions).
PAGE_KINDS = {events.ATTESTATION_CONFIRMED, *events.SUBMISSION_KINDS, *events.SUBMISSION_KINDS.values()}
# Known defects (reported with the issue): met only by events nothing records yet, or by none.
#  - 002 §17.1 the body's audit at least once a year: fulfilled_by audit.completed (audits has no
#    service yet); it opens on activation, so it stays open. Listing attestation.confirmed or
#    document.submitted beside it in the YAML would let the body record its audit.
KNOWN_UNMEETABLE = {
    ("002-tokorozawa-secret-and-personal-information.yaml", "17.1-client-audit"),
    ("002-tokorozawa-secret-and-personal-information.yaml", "17.1-client-audit-subcontractor"),
}
# Opened only by incident events (incidents has no service yet): met by the incident's own path.
INCIDENT_KINDS_PREFIX = "incident."


def _client_obligations():
    for path in library_files():
        data, problems = read_file(path)
        assert not problems
        for article in data["articles"]:
            for ob in article.get("obligations") or []:
                if ob["actor"] == "client":
                    evidence = ob.get("evidence") or KINDS[ob["kind"]].evidence
                    fulfilled = ob.get("fulfilled_by") or DEFAULT_FULFILLED_BY.get(evidence, [])
                    yield path.name, ob, set(fulfilled)


def test_every_public_body_duty_has_a_way_to_be_met_or_is_a_known_defect(db):
    unmeetable = set()
    for name, ob, fulfilled in _client_obligations():
        if fulfilled & PAGE_KINDS:
            continue
        if fulfilled and all(k.startswith(INCIDENT_KINDS_PREFIX) for k in fulfilled):
            continue  # an incident's own report meets it, when incidents records them
        unmeetable.add((name, ob["key"]))
    assert unmeetable == KNOWN_UNMEETABLE
