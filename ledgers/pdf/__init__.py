"""The ledgers app's PDF forms (core.pdf): the paper trail of each handover of information.
Imported from LedgersConfig.ready(), once the models are loaded."""

from ledgers.pdf.slips import SLIP_FORM, SLIP_KINDS, slip_context, slip_events


def register() -> None:
    from ledgers.pdf import slips

    slips.register()


__all__ = ["SLIP_FORM", "SLIP_KINDS", "register", "slip_context", "slip_events"]
