"""Reads of an incident's APPI record: its judgements (the latest counts) and the reports sent to
the Commission. The caller has the incident through its access helper (scoped to the person)."""

from __future__ import annotations

from dataclasses import dataclass, field

from incidents import appi
from incidents.models import AppiJudgement, AppiReport, Incident


@dataclass
class AppiRecord:
    judgements: list[AppiJudgement] = field(default_factory=list)  # newest first
    reports: dict[str, AppiReport] = field(default_factory=dict)  # by stage

    @property
    def current(self) -> AppiJudgement | None:
        return self.judgements[0] if self.judgements else None


def appi_record(incident: Incident) -> AppiRecord:
    """The judgements with who made them, and the reports sent: two queries."""
    judgements = list(
        AppiJudgement.objects.filter(incident=incident)
        .select_related("actor", "organisation")
        .order_by("-pk")
    )
    reports = {r.stage: r for r in AppiReport.objects.filter(incident=incident).order_by("pk")}
    labels = appi.category_labels()
    for j in judgements:
        j.category_labels = [
            labels.get(code) or appi.MANY_PEOPLE_LABEL % {"threshold": j.threshold} for code in j.categories
        ]
    return AppiRecord(judgements=judgements, reports=reports)
