from .audit import Event, WorkerHeartbeat
from .files import StoredFile as StoredFile
from .keys import DataKey
from .notifications import Notification
from .organisations import Department, Organisation, OrganisationKind
from .outbox import OutboundMessage
from .users import Invitation, Membership, Role, User

__all__ = [
    "DataKey",
    "Department",
    "Event",
    "Invitation",
    "Membership",
    "Notification",
    "Organisation",
    "OrganisationKind",
    "OutboundMessage",
    "Role",
    "User",
    "WorkerHeartbeat",
]
