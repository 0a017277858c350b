"""The ledgers app's PDF forms (core.pdf): the paper trail of each handover of information, and
the certificate of its return or disposal. Imported from LedgersConfig.ready(), once the models
are loaded."""

from ledgers.pdf.slips import SLIP_FORM, SLIP_KINDS, slip_context, slip_events


def register() -> None:
    from ledgers.pdf import certificate, slips

    slips.register()
    certificate.register()


__all__ = ["SLIP_FORM", "SLIP_KINDS", "register", "slip_context", "slip_events"]
