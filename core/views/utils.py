from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError


def apply_validation_error(form, exc: ValidationError, *, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form, at the field it names where the form has it."""
    aliases = aliases or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            field = aliases.get(field, field)
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def save_form(
    request, form, save: Callable[..., Any], *, success: str | Callable[[Any], str] | None
) -> Any | None:
    """On a valid POST, call the service `save(actor=…, actor_membership=…, **cleaned_data)`: the
    object it saved, with `success` shown (a callable is given that object; None shows nothing);
    otherwise None, with the service's errors on the form (nothing typed is lost: the view
    renders the same form again). Services return what they saved."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(actor=request.user, actor_membership=request.membership, **form.cleaned_data)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return result


def next_url(request, default: str) -> str:
    """Where a posted `next` may send the person: a path on this site, else `default`.

    redirect() reads any other string as a URL name (so `next=名前` raised NoReverseMatch, a 500),
    and a control character has no place in a Location header."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or ""
    if (
        not target.startswith("/")
        or any(ord(c) < 32 or ord(c) == 127 for c in target)
        or not url_has_allowed_host_and_scheme(
            target, {request.get_host()}, require_https=request.is_secure()
        )
    ):
        return default
    return target
