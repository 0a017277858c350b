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
    "Category",
    "EntryKind",
    "Incident",
    "IncidentEntry",
    "IncidentNotice",
]
