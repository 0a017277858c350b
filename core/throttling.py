"""Limits on guessing passwords (django-axes), and what a failed log-in may leave behind.

Two limits apply within the cool-off window (AXES_COOLOFF_TIME):
- AXES_FAILURE_LIMIT failures of one account from one address lock that pair (axes' own rule);
- AXES_ADDRESS_FAILURE_LIMIT failures from one address, over all the accounts it tried, lock
  the address: one machine spraying guesses over many accounts is stopped too. It is higher
  than the per-account limit because a public body's offices often share one address.

Axes compares a single count with AXES_FAILURE_LIMIT, so the handler reports an address past
its own limit as an account at the limit; everything else (records, lock-out page, reset on
password reset) stays axes'.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Sum

from core.crypto import blind_index

# The longest address RFC 5321 lets anyone deliver to; the login field itself allows 320.
LOGIN_MAX = 254


def normalise_login(value: str | None) -> str:
    # Addresses are stored lower-case; people type them as they like.
    return (value or "").strip().lower()


def bounded_login(value: str | None) -> str:
    """The login as it may be stored (axes' counters, the audit trail): the normalised address
    when it looks like one, otherwise a keyed hash of it, so that whatever was typed (often a
    password, sometimes megabytes, a NUL) is never kept and still counts as one login."""
    login = normalise_login(value)
    if not login:
        return ""
    if len(login) <= LOGIN_MAX and "\x00" not in login:
        try:
            validate_email(login)
        except ValidationError:
            pass
        else:
            return login
    return "#" + login_hash(login)


def login_hash(value: str | None) -> str:
    """A keyed hash of a typed login (core.crypto's blind index): equal for equal logins,
    meaningless without the key."""
    return blind_index(normalise_login(value), purpose="login")[:40]


def axes_username(request, credentials: dict | None) -> str:
    """The login django-axes counts failures against: 'A@x.jp' and 'a@x.jp' share one counter."""
    source = credentials if credentials else request.POST
    return bounded_login(source.get("username"))


def _failures(**filters) -> int:
    return AccessAttempt.objects.filter(**filters).aggregate(n=Sum("failures_since_start"))["n"] or 0


class PortalAxesHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        account = super().get_failures(request, credentials)
        address = _failures(
            ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
        )
        if address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(account, get_failure_limit(request, credentials))
        return account

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        # A successful log-in forgives that account's failures from this address only: logging
        # in to one's own account must not wipe the address's guesses at other accounts.
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials), ip_address=request.axes_ip_address
        ).delete()
        return count
