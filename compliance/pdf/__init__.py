"""Compliance's PDF forms: their contexts and their registration with core.pdf (by form id)."""

from compliance.pdf import duties


def register() -> None:
    duties.register()
