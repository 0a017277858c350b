from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import Notification
from core.services.notifications import notifications_mark_read
from core.validators import parse_id
from core.views.utils import next_url


@login_required
def notification_list(request):
    page = Paginator(Notification.objects.filter(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request):
    given = request.POST.getlist("id")
    ids = [pk for pk in map(parse_id, given) if pk is not None]
    if given and not ids:
        # Only malformed ids: mark nothing rather than everything (no ids means "all").
        return HttpResponseBadRequest(_("The notification was not found."))
    notifications_mark_read(user=request.user, ids=ids or None)
    return redirect(next_url(request, reverse("core:notification_list")))
