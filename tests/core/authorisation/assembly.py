"""MATRIX, assembled from the rows modules in ROW_MODULES: see tests/core/authorisation/__init__.py.

Each rows module defines rows(m) -> {name: Row}, where m is this module (its MATRIX holds the rows
of the modules before it), and may define extend_world(mw), called in the same order when the
matrix's objects are built. Other test modules read the matrix from here too.
"""

from __future__ import annotations

import importlib
import sys

from tests.core.authorisation.matrix import (
    ACTORS,
    ALL_200,
    ANON,
    CONTRACT_READERS,
    DRAFT_READERS,
    GET,
    NONE,
    POST,
    ROSTER_EDITOR,
    Row,
)
from tests.core.authorisation.world import CONTRACTS, DUTIES, MINI_TEMPLATE

# What the feature modules' rows(m) and the other users of the matrix read from this module.
__all__ = [
    "ACTORS",
    "ALL_200",
    "ANON",
    "CONTRACTS",
    "CONTRACT_READERS",
    "DRAFT_READERS",
    "DUTIES",
    "GET",
    "MATRIX",
    "MINI_TEMPLATE",
    "NONE",
    "POST",
    "ROSTER_EDITOR",
    "ROW_MODULES",
    "Row",
    "row_modules",
]

# A new app adds its rows_<app>.py here. Features keep their rows (and objects) in their own
# modules, so they grow without editing the core's rows.
ROW_MODULES = (
    "tests.core.authorisation.rows_core",
    "tests.core.authorisation.rows_contracts",
    "tests.core.authorisation.rows_compliance",
    "tests.core.authorisation.rows_clauses",
    "tests.core.matrix_worksites",
    "tests.core.matrix_training",
    "tests.core.matrix_subcontracts",
    "tests.core.matrix_exports",
    # After work sites and subcontracts (its devices are kept at their sites, one by their
    # subcontractor); before tenancy, which gives its rows over the contracts the shared columns.
    "tests.core.authorisation.rows_ledgers",
    "tests.core.authorisation.rows_ledgers_submissions",
    # After rows_ledgers: its subcontractor's inspection names that module's subcontractor worker.
    "tests.core.authorisation.rows_ledgers_inspections",
    # A contract's close reads the ledgers' gaps; its closed contracts are its own objects.
    "tests.core.authorisation.rows_contract_close",
    "tests.core.authorisation.rows_ledgers_imports",
    # After matrix_subcontracts: its subcontractor reports an incident of its own on contract_a.
    "tests.core.authorisation.rows_incidents",
    # It adds the shared contracts' columns to every row over the contracts above.
    "tests.core.matrix_tenancy",
    # After tenancy: its objects are on the shared contracts (its rows take no contract).
    "tests.core.matrix_duties",
)


def row_modules():
    found = []
    for name in ROW_MODULES:
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return found


MATRIX: dict[str, Row] = {}
for _module in row_modules():
    MATRIX.update(_module.rows(sys.modules[__name__]))
