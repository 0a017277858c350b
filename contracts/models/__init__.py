from contracts.models.contracts import (
    Contract,
    Employment,
    Person,
    PersonRole,
    Pledge,
    RosterChange,
    RosterEntry,
)

__all__ = ["Contract", "Employment", "Person", "PersonRole", "Pledge", "RosterChange", "RosterEntry"]

# Feature modules add their models here (one import line each).
