"""Who may do what with the clause library."""

from __future__ import annotations

from core.models import Membership, Role

# The library is the public bodies' tool; contractors see the clauses of their own contracts.
LIBRARY_ROLES = (Role.CLIENT_ADMIN, Role.CLIENT_STAFF, Role.AUDITOR)


def can_browse_library(user, membership: Membership | None) -> bool:
    """Site administrators and the public bodies' staff, administrators and auditors."""
    return bool(user.is_superuser or (membership is not None and membership.role in LIBRARY_ROLES))
