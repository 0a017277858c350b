from ledgers.models.devices import Device, DeviceKind, DeviceOwner, DeviceStatus, DeviceVersion

__all__ = ["Device", "DeviceKind", "DeviceOwner", "DeviceStatus", "DeviceVersion"]
