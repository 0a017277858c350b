from contracts.services.contracts import (
    FIELDS,
    contract_activate,
    contract_create,
    contract_end,
    contract_record_work_start,
    contract_update_conditions,
    period_errors,
)

__all__ = [
    "FIELDS",
    "contract_activate",
    "contract_create",
    "contract_end",
    "contract_record_work_start",
    "contract_update_conditions",
    "period_errors",
]
