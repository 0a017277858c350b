from ledgers.models.devices import Device, DeviceKind, DeviceOwner, DeviceStatus, DeviceVersion
from ledgers.models.information import (
    Classification,
    CustodyEvent,
    CustodyKind,
    CustodyUser,
    InformationItem,
    Medium,
)
from ledgers.models.takeouts import Approver, TakeoutRequest

__all__ = [
    "Approver",
    "Classification",
    "CustodyEvent",
    "CustodyKind",
    "CustodyUser",
    "Device",
    "DeviceKind",
    "DeviceOwner",
    "DeviceStatus",
    "DeviceVersion",
    "InformationItem",
    "Medium",
    "TakeoutRequest",
]
