"""Authorisation-matrix rows of incidents (incidents:*): see tests/core/authorisation/__init__.py.

A contract's incidents and an incident's page are for everyone who reads the contract (the
public body's staff of the contract and its auditors, the contractor) and, of the subcontract
tiers, for the reporting tier and the tiers above it: the approved subcontractor of contract_a
lists its own part and reports on the contract, never the contractor's incident (the
subcontractor sweep's 404). The first report and the reporting side's entries are the
contractor side's (its managers and staff); acknowledging, instructing and closing are the
public body's managers of the contract (not its auditors, not the site administrator). Everyone
else gets the 404 of a missing page.

Per side the world holds an incident just reported (`incident_*`), one acknowledged
(`acked_*`) and one with an instruction waiting (`instruction_*`); on contract_a, one reported
by the approved subcontractor (`sub_incident`). The report page answers GET and POST: MATRIX
holds its GET cells, post_rows its POST cells; the timeline's URLs are POST only.

The APPI section is the public body's: its managers of the contract judge and record the reports
sent (the just-reported incidents are judged reportable here, so a report may be recorded), its
side (staff and auditors) downloads the draft report; the contractor side and the site
administrator get the 404.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from core.models import Membership
from incidents.models import IncidentEntry
from incidents.services import appi as appi_services
from incidents.services import incidents as services

LABELS = ("a", "b")


def _m(membership) -> dict:
    return {"actor": membership.user, "actor_membership": membership}


def _report(membership, contract):
    return services.incident_report(
        contract=contract,
        category="loss",
        found_at=timezone.now() - timedelta(hours=1),
        summary="書類の紛失",
        **_m(membership),
    )


def _judge(membership, incident) -> None:
    appi_services.appi_judge(
        incident=incident,
        categories=["sensitive"],
        persons_affected=3,
        aware_on=timezone.localdate(),
        **_m(membership),
    )


def extend_world(mw) -> None:
    found = {}
    for label in LABELS:
        side = getattr(mw.world, label)
        contract = mw.contracts[f"contract_{label}"]
        found[f"incident_{label}"] = _report(side.contractor_admin, contract)
        _judge(side.client_admin, found[f"incident_{label}"])
        acked = _report(side.contractor_admin, contract)
        services.incident_acknowledge(incident=acked, **_m(side.client_admin))
        found[f"acked_{label}"] = acked
        instructed = _report(side.contractor_admin, contract)
        services.incident_acknowledge(incident=instructed, **_m(side.client_admin))
        found[f"instruction_{label}"] = services.incident_instruct(
            incident=instructed, text="状況を報告せよ", **_m(side.client_admin)
        )
    sub = Membership.objects.get(
        user=mw.users["sub_admin"], organisation=mw.extra["subcontracts"]["orgs_a"][0]
    )
    found["sub_incident"] = _report(sub, mw.contracts["contract_a"])
    _judge(mw.world.a.client_admin, found["sub_incident"])
    mw.extra["incidents"] = found


def _targets(keys) -> dict:
    return {k: (lambda mw, k=k: {"pk": mw.extra["incidents"][k].pk}) for k in keys}


INCIDENTS = _targets(("incident_a", "incident_b", "sub_incident"))
ACKED = _targets(("acked_a", "acked_b"))
INSTRUCTIONS = _targets(("instruction_a", "instruction_b"))

READ = """
                  incident_a incident_b sub_incident
anonymous         L          L          L
site_admin        200        200        200
client_admin      200        404        200
client_staff      200        404        200
auditor           200        404        200
contractor_admin  200        404        200
contractor_staff  200        404        200
"""
# The contractor side of the contract (the contractor answers for its subcontractor's incident).
ANSWER = """
                  incident_a incident_b sub_incident
anonymous         L          L          L
site_admin        404        404        404
client_admin      404        404        404
client_staff      404        404        404
auditor           404        404        404
contractor_admin  R          404        R
contractor_staff  R          404        R
"""
# The public body's managers of the contract.
HANDLE = """
                  {a} {b} {sub}
anonymous         L          L          L
site_admin        404        404        404
client_admin      R          404        R
client_staff      R          404        R
auditor           404        404        404
contractor_admin  404        404        404
contractor_staff  404        404        404
"""
HANDLE_ACKED = """
                  acked_a    acked_b
anonymous         L          L
site_admin        404        404
client_admin      R          404
client_staff      R          404
auditor           404        404
contractor_admin  404        404
contractor_staff  404        404
"""
REPORTERS = """
                  contract_a contract_b
anonymous         L          L
site_admin        404        404
client_admin      404        404
client_staff      404        404
auditor           404        404
contractor_admin  {ok}        404
contractor_staff  {ok}        404
"""
INSTRUCTION_ACK = """
                  instruction_a instruction_b
anonymous         L          L
site_admin        404        404
client_admin      404        404
client_staff      404        404
auditor           404        404
contractor_admin  R          404
contractor_staff  R          404
"""


def _entries(mw, label: str) -> int:
    found = mw.extra["incidents"][label]
    incident_id = found.incident_id if isinstance(found, IncidentEntry) else found.pk
    return IncidentEntry.objects.filter(incident_id=incident_id).count()


def _text(mw, user, label: str) -> dict:
    return {"text": "追加の状況", "kind": "update"}


def _close(mw, user, label: str) -> dict:
    return {"close-text": "対応完了"}


def _incidents_on(mw, label: str) -> int:
    from incidents.models import Incident

    return Incident.objects.filter(contract=mw.contracts[label]).count()


def _report_data(mw, user, label: str) -> dict:
    return {
        "category": "theft",
        "found_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "summary": "PCの盗難",
    }


# The public body's side reads the APPI section's draft report.
APPI_READ = """
                  incident_a incident_b sub_incident
anonymous         L          L          L
site_admin        404        404        404
client_admin      200        404        200
client_staff      200        404        200
auditor           200        404        200
contractor_admin  404        404        404
contractor_staff  404        404        404
"""


def _judgements(mw, label: str) -> int:
    from incidents.models import AppiJudgement

    return AppiJudgement.objects.filter(incident=mw.extra["incidents"][label]).count()


def _reports_sent(mw, label: str) -> int:
    from incidents.models import AppiReport

    return AppiReport.objects.filter(incident=mw.extra["incidents"][label]).count()


def _judgement_data(mw, user, label: str) -> dict:
    return {"appi-categories": ["financial"], "appi-aware_on": timezone.localdate().isoformat()}


def _sent_data(mw, user, label: str) -> dict:
    return {
        "sent-stage": "preliminary",
        "sent-sent_on": timezone.localdate().isoformat(),
        "sent-method": "email",
    }


def rows(m) -> dict:
    from tests.core.matrix_subcontracts import SUBCONTRACTOR_OWN

    # The approved subcontractor of contract_a lists its own part's incidents and reports its own.
    for name in ("incidents:incident_list", "incidents:incident_report"):
        SUBCONTRACTOR_OWN[(name, "contract_a")] = {"sub_admin": "200", "sub_staff": "200"}
    handle_sub = HANDLE.format(a="incident_a", b="incident_b", sub="sub_incident")
    return {
        "incidents:incident_list": m.Row(
            m.CONTRACT_READERS.format(a="contract_a", b="contract_b"), targets=m.CONTRACTS
        ),
        "incidents:incident_report": m.Row(REPORTERS.format(ok=200), targets=m.CONTRACTS),
        "incidents:incident_detail": m.Row(READ, targets=INCIDENTS),
        "incidents:incident_update": m.Row(
            ANSWER, method=m.POST, targets=INCIDENTS, data=_text, state=_entries
        ),
        "incidents:incident_acknowledge": m.Row(
            handle_sub, method=m.POST, targets=INCIDENTS, data=lambda *a: {}, state=_entries
        ),
        "incidents:incident_instruct": m.Row(
            HANDLE_ACKED,
            method=m.POST,
            targets=ACKED,
            data=_text,
            state=_entries,
        ),
        "incidents:incident_close": m.Row(
            HANDLE_ACKED,
            method=m.POST,
            targets=ACKED,
            data=_close,
            state=_entries,
        ),
        "incidents:appi_judge": m.Row(
            handle_sub, method=m.POST, targets=INCIDENTS, data=_judgement_data, state=_judgements
        ),
        "incidents:appi_report": m.Row(
            handle_sub, method=m.POST, targets=INCIDENTS, data=_sent_data, state=_reports_sent
        ),
        # The matrix checks who gets the draft, not WeasyPrint (tests/incidents/test_appi.py does).
        "incidents:appi_draft": m.Row(
            APPI_READ, targets=INCIDENTS, patches={"core.pdf.render_form": lambda *a, **k: b"%PDF-1.7 matrix"}
        ),
        "incidents:appi_draft_xlsx": m.Row(APPI_READ, targets=INCIDENTS),
        "incidents:instruction_acknowledge": m.Row(
            INSTRUCTION_ACK, method=m.POST, targets=INSTRUCTIONS, data=lambda *a: {}, state=_entries
        ),
    }


def post_rows(m) -> dict:
    """The POST cells of the report page (see the module's docstring)."""
    return {
        "incidents:incident_report": m.Row(
            REPORTERS.format(ok="R"),
            method=m.POST,
            targets=m.CONTRACTS,
            data=_report_data,
            state=_incidents_on,
        ),
    }
