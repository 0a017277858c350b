import ipaddress

from django.conf import settings
from django.utils.cache import patch_cache_control

from core.audit import RequestContext, reset_request_context, set_request_context
from core.selectors import active_membership


def client_ip(request) -> str | None:
    """The client's address, for the audit trail and for django-axes' lock-outs.

    Behind TRUSTED_PROXY_COUNT reverse proxies the client is the entry that the outermost of
    them appended to X-Forwarded-For, counted from the right: entries further left are
    whatever the client sent, and trusting them would let anyone pick the address that gets
    locked out or logged.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies and _is_ip(hops[-proxies]):
            return hops[-proxies]
    remote = request.META.get("REMOTE_ADDR") or None
    return remote if remote and _is_ip(remote) else None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class RequestContextMiddleware:
    """Give every request its membership and give the audit trail the request's IP and org."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = active_membership(request) if request.user.is_authenticated else None
        request.membership = membership
        token = set_request_context(
            RequestContext(
                ip=client_ip(request), organisation_id=membership.organisation_id if membership else None
            )
        )
        try:
            return self.get_response(request)
        finally:
            reset_request_context(token)


class NoStoreWhenSignedInMiddleware:
    """Every answer to a signed-in person may carry personal data (a roster, a person, the audit
    log, a profile, an xlsx or PDF export): no browser or proxy may keep a copy of it. Static
    files never get here (WhiteNoise answers them first); anonymous pages stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
