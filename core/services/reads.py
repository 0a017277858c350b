"""Recording that a person read personal data: a page view, a print, an export, a download.

Views never write to the audit trail themselves (design.md): a read of personal data is recorded
through this one service, so that every such record has the same shape (who, which object, which
contract, what was shown) and only read kinds can be recorded from a view. A change is recorded
by the service that makes it, never here.
"""

from __future__ import annotations

from django.db import models

from core.audit import record_event
from core.models import Event

# The last part of every kind this service may record: what a person did with data, not a change.
READ_ACTIONS = frozenset({"viewed", "printed", "exported", "downloaded"})


def personal_data_read(
    *,
    actor,
    kind: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    contract_id: int | None = None,
    data: dict | None = None,
) -> Event:
    """Record one read (`<thing>.viewed|printed|exported|downloaded`) by `actor`."""
    thing, _, action = kind.rpartition(".")
    if not thing or action not in READ_ACTIONS:
        raise ValueError(f"{kind!r} is not a read; changes are recorded by the service that makes them")
    return record_event(
        kind=kind,
        actor=actor,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        contract_id=contract_id,
        data=data,
    )
