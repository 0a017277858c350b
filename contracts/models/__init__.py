from contracts.models.contracts import (
    Contract,
    Employment,
    Person,
    PersonRole,
    Pledge,
    RosterChange,
    RosterEntry,
    UnsuitableFlag,
)

__all__ = [
    "Contract",
    "Employment",
    "Person",
    "PersonRole",
    "Pledge",
    "RosterChange",
    "RosterEntry",
    "UnsuitableFlag",
]

# Feature modules add their models here (one import line each).
