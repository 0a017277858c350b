"""The ledgers app's PDF forms (core.pdf): the paper trail of each handover of information, and
the certificate of its return or disposal. Imported from LedgersConfig.ready(), once the models
are loaded."""

from ledgers.pdf.slips import SLIP_FORM, SLIP_KINDS, slip_context, slip_events


def register() -> None:
    # The information ledger's form registers itself when its module is imported: import it here
    # too, so that the registry (and the clause reference built from it) never depends on which
    # view happened to be imported first.
    from ledgers.pdf import (
        certificate,
        ledger,  # noqa: F401
        slips,
    )

    slips.register()
    certificate.register()


__all__ = ["SLIP_FORM", "SLIP_KINDS", "register", "slip_context", "slip_events"]
