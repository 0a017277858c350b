"""The ledgers app's sheets in Excel (core.spreadsheets): the information ledger as submitted to
the public body, and the import of items already held when the portal is taken into use."""
