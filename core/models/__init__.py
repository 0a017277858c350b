from .audit import Event, WorkerHeartbeat
from .exports import ExportJob
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
    "ExportJob",
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
