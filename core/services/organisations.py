from __future__ import annotations

import uuid
from datetime import date

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, get_group_perms

from core.audit import changed_fields, record_event
from core.business_days import calendar_for
from core.models import Department, Organisation, OrganisationKind
from core.services.keys import data_key_create


def _group(prefix: str) -> Group:
    return Group.objects.create(name=f"{prefix}:{uuid.uuid4().hex}")


@transaction.atomic
def organisation_create(
    *,
    actor,
    kind: str,
    name: str,
    name_kana: str = "",
    invited_by_organisation: Organisation | None = None,
) -> Organisation:
    org = Organisation(
        kind=kind,
        name=name.strip(),
        name_kana=name_kana.strip(),
        invited_by_organisation=invited_by_organisation,
    )
    org.group = _group("org")
    org.data_key = data_key_create(scope=f"organisation:{org.name}")
    org.full_clean()
    org.save()
    if invited_by_organisation is not None:
        organisation_grant_visibility(actor=actor, organisation=org, to=invited_by_organisation)
    record_event(
        kind="organisation.created", actor=actor, obj=org, organisation_id=org.pk, data={"kind": kind}
    )
    return org


def organisation_grant_visibility(*, actor, organisation: Organisation, to: Organisation) -> None:
    """Let every member of `to` read `organisation` (a public body and its contractors)."""
    if "view_organisation" in get_group_perms(to.group, organisation):
        return
    assign_perm("core.view_organisation", to.group, organisation)
    record_event(
        kind="organisation.visibility_granted",
        actor=actor,
        obj=organisation,
        organisation_id=to.pk,
        data={"to": to.pk},
    )


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, **fields) -> Organisation:
    allowed = {
        "name",
        "name_kana",
        "closure_start_month",
        "closure_start_day",
        "closure_end_month",
        "closure_end_day",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Cannot update {sorted(unknown)}")
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = {name: getattr(org, name) for name in fields}
    for name, value in fields.items():
        setattr(org, name, value)
    org.full_clean()
    _check_closure_days(org)
    org.save()
    changes = changed_fields(org, before)
    if changes:
        record_event(kind="organisation.updated", actor=actor, obj=org, organisation_id=org.pk, data=changes)
    return org


def _check_closure_days(org: Organisation) -> None:
    errors = {}
    for end in ("start", "end"):
        month, day = getattr(org, f"closure_{end}_month"), getattr(org, f"closure_{end}_day")
        try:
            date(2024, month, day)  # a leap year: 2/29 is a possible closure day
        except ValueError:
            errors[f"closure_{end}_day"] = _("There is no such day: %(month)s/%(day)s.") % {
                "month": month,
                "day": day,
            }
    if errors:
        raise ValidationError(errors)
    calendar_for(org)


@transaction.atomic
def department_create(*, actor, organisation: Organisation, name: str) -> Department:
    if organisation.kind != OrganisationKind.PUBLIC_BODY:
        raise ValidationError(_("Only public bodies have departments."))
    dept = Department(organisation=organisation, name=name.strip(), group=_group("dept"))
    dept.full_clean()
    dept.save()
    record_event(kind="department.created", actor=actor, obj=dept, organisation_id=organisation.pk)
    return dept
