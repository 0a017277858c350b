from contracts.models.contracts import (
    FINISHED_STATUSES,
    Contract,
    Employment,
    Person,
    PersonRole,
    Pledge,
    RosterChange,
    RosterEntry,
    UnsuitableFlag,
)
from contracts.models.subcontracts import Subcontract
from contracts.models.training import Attendance, TrainingPlan, TrainingReport, TrainingSession
from contracts.models.worksites import (
    SecureAreaRulesAcknowledgement,
    StoragePlace,
    StorageProtection,
    Worksite,
    WorksiteAssignment,
    WorksiteChange,
    WorksiteEntry,
    WorksiteKind,
)

__all__ = [
    "FINISHED_STATUSES",
    "Attendance",
    "Contract",
    "Employment",
    "Person",
    "PersonRole",
    "Pledge",
    "RosterChange",
    "RosterEntry",
    "SecureAreaRulesAcknowledgement",
    "StoragePlace",
    "StorageProtection",
    "Subcontract",
    "TrainingPlan",
    "TrainingReport",
    "TrainingSession",
    "UnsuitableFlag",
    "Worksite",
    "WorksiteAssignment",
    "WorksiteChange",
    "WorksiteEntry",
    "WorksiteKind",
]
