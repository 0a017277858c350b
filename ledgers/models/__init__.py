from ledgers.models.devices import Device, DeviceKind, DeviceOwner, DeviceStatus, DeviceVersion
from ledgers.models.imports import ImportLedger, LedgerImport
from ledgers.models.information import (
    Classification,
    CustodyEvent,
    CustodyKind,
    CustodyUser,
    InformationItem,
    Medium,
)
from ledgers.models.inspections import (
    Check,
    CheckResult,
    FindingCorrection,
    Inspection,
    InspectionFinding,
    InspectionResult,
)
from ledgers.models.requests import (
    PROXIES,
    BringinRequest,
    CopyRequest,
    DisclosureRequest,
    DisposalMethod,
    DisposalRequest,
    LedgerRequest,
    RequestKind,
)
from ledgers.models.states import InformationItemState
from ledgers.models.submissions import LedgerSubmission
from ledgers.models.takeouts import Approver, TakeoutRequest

__all__ = [
    "PROXIES",
    "Approver",
    "BringinRequest",
    "Check",
    "CheckResult",
    "Classification",
    "CopyRequest",
    "CustodyEvent",
    "CustodyKind",
    "CustodyUser",
    "Device",
    "DeviceKind",
    "DeviceOwner",
    "DeviceStatus",
    "DeviceVersion",
    "DisclosureRequest",
    "DisposalMethod",
    "DisposalRequest",
    "FindingCorrection",
    "ImportLedger",
    "InformationItem",
    "InformationItemState",
    "Inspection",
    "InspectionFinding",
    "InspectionResult",
    "LedgerImport",
    "LedgerRequest",
    "LedgerSubmission",
    "Medium",
    "RequestKind",
    "TakeoutRequest",
]
