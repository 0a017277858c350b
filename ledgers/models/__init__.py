from ledgers.models.devices import Device, DeviceKind, DeviceOwner, DeviceStatus, DeviceVersion
from ledgers.models.information import (
    Classification,
    CustodyEvent,
    CustodyKind,
    CustodyUser,
    InformationItem,
    Medium,
)

__all__ = [
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
]
