"""The matrix's objects, built once per test module of this package (see world.py)."""

from tests.core.authorisation.world import mw  # noqa: F401
