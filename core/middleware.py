from django.conf import settings

from core.audit import RequestContext, reset_request_context, set_request_context
from core.selectors import active_membership


def client_ip(request) -> str | None:
    # Behind the production proxy the first X-Forwarded-For hop is the client; the proxy sets it.
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


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
