from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from clauses.kinds import KINDS
from compliance import selectors
from compliance.access import get_calendar_owner_or_404
from contracts.selectors.contracts import contracts_visible_to
from core.services.users import calendar_token_issue, calendar_token_revoke
from core.templatetags.portal import clause_ja


@login_required
def calendar_settings(request):
    new_url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar_token_revoke(user=request.user)
        else:
            token = calendar_token_issue(user=request.user)
            new_url = settings.SITE_URL.rstrip("/") + reverse("compliance:calendar_feed", args=[token])
    return render(
        request,
        "compliance/calendar/settings.html",
        {
            "new_url": new_url,
            "active": bool(request.user.calendar_token_hash),
        },
    )


def calendar_feed(request, token: str):
    user = get_calendar_owner_or_404(token)
    membership = selectors.calendar_membership(user)
    contracts = contracts_visible_to(user, membership)
    actor = "contractor" if membership and membership.is_contractor_side else None
    duties = selectors.open_duties_for(contracts, actor=actor).filter(due_date__isnull=False)[:1000]
    cal = Calendar()
    cal.add("prodid", "-//compliance-portal//duties//JA")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "契約上の義務の期限")
    cal.add("x-wr-timezone", "Asia/Tokyo")
    stamp = timezone.now()
    for duty in duties:
        event = Event()
        event.add("uid", f"duty-{duty.pk}@compliance-portal")
        event.add("dtstamp", stamp)
        event.add("dtstart", duty.due_date)
        event.add("dtend", duty.due_date + timedelta(days=1))
        event.add("summary", f"{duty.contract.number} {KINDS[duty.obligation.kind].label}")
        event.add("description", f"{clause_ja(duty.obligation.clause)}: {duty.obligation.summary}")
        event.add(
            "url",
            settings.SITE_URL.rstrip("/") + reverse("contracts:contract_detail", args=[duty.contract_id]),
        )
        cal.add_component(event)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="duties.ics"'
    return response
