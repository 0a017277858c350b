"""Demo organisations and people for the embedded default (dev-only passwords)."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import Department, Organisation, OrganisationKind, Role, User
from core.services import organisations as org_services
from core.services import users as user_services

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 — printed on purpose: dev-only demo accounts
DOMAIN = "demo.example.jp"


@dataclass(frozen=True)
class PublicBodySpec:
    slug: str
    name: str
    kana: str
    department: str
    seed: str


PUBLIC_BODIES = [
    PublicBodySpec("sample-city", "サンプル市（デモ）", "さんぷるし", "総務課", "000"),
    PublicBodySpec("nerima", "練馬区", "ねりまく", "情報政策課", "001"),
    PublicBodySpec("tokorozawa", "所沢市", "ところざわし", "情報システム課", "002"),
    PublicBodySpec("kawasaki", "川崎市", "かわさきし", "情報管理課", "003"),
    PublicBodySpec("sample-agency", "サンプル庁（デモ）", "さんぷるちょう", "調達課", "004"),
]
CONTRACTORS = [
    ("itsys", "株式会社デモ情報システム", "かぶしきがいしゃでもじょうほうしすてむ"),
    ("office", "デモ事務サービス株式会社", "でもじむさーびすかぶしきがいしゃ"),
    ("sub", "デモ再委託株式会社（再委託先）", "でもさいいたくかぶしきがいしゃ"),
]
CLIENT_PEOPLE = [
    (Role.CLIENT_ADMIN, "admin", "管理 花子"),
    (Role.CLIENT_STAFF, "staff", "承認 太郎"),
    (Role.AUDITOR, "auditor", "監査 次郎"),
]
CONTRACTOR_PEOPLE = [
    (Role.CONTRACTOR_ADMIN, "manager", "責任 一郎"),
    (Role.CONTRACTOR_STAFF, "staff", "従事 さくら"),
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    organisation: str
    login: str
    password: str


def _org(kind: str, name: str, kana: str, invited_by: Organisation | None = None) -> Organisation:
    org = Organisation.objects.filter(kind=kind, name=name).first()
    if org is None:
        org = org_services.organisation_create(
            actor=None, kind=kind, name=name, name_kana=kana, invited_by_organisation=invited_by
        )
    return org


def _person(org: Organisation, email: str, role: str, name: str, department: Department | None) -> None:
    if not User.objects.filter(email=email).exists():
        user_services.user_create_with_membership(
            actor=None,
            organisation=org,
            email=email,
            role=role,
            full_name=name,
            password=DEMO_PASSWORD,
            department=department,
        )


# Apps to the right of core add their demo data (contracts, duties, …) through this list,
# from their AppConfig.ready(); each seeder must be idempotent.
_seeders: list = []


def register_seeder(seeder, *, order: int = 50) -> None:
    """Seeders run by `order` (contracts must exist before rosters are added to them)."""
    if all(existing is not seeder for _order, existing in _seeders):
        _seeders.append((order, seeder))
        _seeders.sort(key=lambda item: item[0])


def seed_demo() -> list[DemoLogin]:
    # Not one transaction: each service commits its own work, as it does for a person in the
    # portal (a PDF is never rendered while a transaction holds the audit trail's lock), and
    # every seeder skips what it already made, so a second run adds nothing.
    logins: list[DemoLogin] = []
    admin_email = f"admin@{DOMAIN}"
    if not User.objects.filter(email=admin_email).exists():
        user_services.site_admin_create(email=admin_email, password=DEMO_PASSWORD, full_name="サイト 管理者")
    logins.append(DemoLogin("site_admin", "—", admin_email, DEMO_PASSWORD))

    bodies: list[Organisation] = []
    for spec in PUBLIC_BODIES:
        body = _org(OrganisationKind.PUBLIC_BODY, spec.name, spec.kana)
        bodies.append(body)
        dept = body.departments.filter(name=spec.department).first() or org_services.department_create(
            actor=None, organisation=body, name=spec.department
        )
        for role, local, name in CLIENT_PEOPLE:
            email = f"{spec.slug}-{local}@{DOMAIN}"
            # Approvers are scoped to their department; administrators and auditors see the body.
            _person(body, email, role, name, dept if role == Role.CLIENT_STAFF else None)
            logins.append(DemoLogin(role, body.name, email, DEMO_PASSWORD))

    for slug, name, kana in CONTRACTORS:
        contractor = _org(OrganisationKind.CONTRACTOR, name, kana, invited_by=bodies[1])
        for body in bodies:
            org_services.organisation_grant_visibility(actor=None, organisation=contractor, to=body)
        for role, local, person in CONTRACTOR_PEOPLE:
            email = f"{slug}-{local}@{DOMAIN}"
            _person(contractor, email, role, person, None)
            logins.append(DemoLogin(role, contractor.name, email, DEMO_PASSWORD))
    for _order, seeder in _seeders:
        seeder()
    return logins
