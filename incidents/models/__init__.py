from incidents.models.appi import AppiJudgement, AppiReport
from incidents.models.incidents import (
    ACKNOWLEDGING,
    CONTRACTOR_KINDS,
    Category,
    EntryKind,
    Incident,
    IncidentEntry,
    IncidentNotice,
)

__all__ = [
    "ACKNOWLEDGING",
    "CONTRACTOR_KINDS",
    "AppiJudgement",
    "AppiReport",
    "Category",
    "EntryKind",
    "Incident",
    "IncidentEntry",
    "IncidentNotice",
]
