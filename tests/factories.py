"""Factories that go through the services, so every object has its groups, keys and events."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from core.models import Department, Membership, Organisation, OrganisationKind, Role, User
from core.services import organisations as org_services
from core.services import users as user_services

PASSWORD = "correct-horse-battery-staple-42"
_seq = itertools.count(1)


def next_number() -> int:
    return next(_seq)


def public_body(name: str | None = None) -> Organisation:
    return org_services.organisation_create(
        actor=None, kind=OrganisationKind.PUBLIC_BODY, name=name or f"テスト市{next(_seq)}"
    )


def contractor(name: str | None = None, *, invited_by: Organisation | None = None) -> Organisation:
    return org_services.organisation_create(
        actor=None,
        kind=OrganisationKind.CONTRACTOR,
        name=name or f"テスト株式会社{next(_seq)}",
        invited_by_organisation=invited_by,
    )


def department(org: Organisation, name: str | None = None) -> Department:
    return org_services.department_create(actor=None, organisation=org, name=name or f"課{next(_seq)}")


def member(
    org: Organisation,
    role: str,
    *,
    email: str | None = None,
    full_name: str = "山田 太郎",
    department: Department | None = None,
) -> Membership:
    return user_services.user_create_with_membership(
        actor=None,
        organisation=org,
        email=email or f"user{next(_seq)}@example.jp",
        role=role,
        full_name=full_name,
        password=PASSWORD,
        department=department,
    )


def site_admin(email: str | None = None) -> User:
    return user_services.site_admin_create(
        email=email or f"admin{next(_seq)}@example.jp", password=PASSWORD, full_name="サイト 管理者"
    )


@dataclass
class Side:
    """One public body with its people and the contractor it invited."""

    body: Organisation
    dept: Department
    client_admin: Membership
    client_staff: Membership
    auditor: Membership
    contractor: Organisation
    contractor_admin: Membership
    contractor_staff: Membership
    people: dict[str, Membership] = field(default_factory=dict)


def side(label: str, jp: str) -> Side:
    body = public_body(f"{jp}市")
    dept = department(body, f"{jp}課")
    ctr = contractor(f"{jp}株式会社", invited_by=body)
    s = Side(
        body=body,
        dept=dept,
        client_admin=member(body, Role.CLIENT_ADMIN, email=f"{label}-admin@example.jp"),
        client_staff=member(body, Role.CLIENT_STAFF, email=f"{label}-staff@example.jp", department=dept),
        auditor=member(body, Role.AUDITOR, email=f"{label}-auditor@example.jp"),
        contractor=ctr,
        contractor_admin=member(ctr, Role.CONTRACTOR_ADMIN, email=f"{label}-manager@example.jp"),
        contractor_staff=member(ctr, Role.CONTRACTOR_STAFF, email=f"{label}-worker@example.jp"),
    )
    s.people = {
        Role.CLIENT_ADMIN: s.client_admin,
        Role.CLIENT_STAFF: s.client_staff,
        Role.AUDITOR: s.auditor,
        Role.CONTRACTOR_ADMIN: s.contractor_admin,
        Role.CONTRACTOR_STAFF: s.contractor_staff,
    }
    return s
