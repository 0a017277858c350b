"""The authorisation matrix: every URL has a row, and every cell of every row holds.

How to add a URL's row: tests/core/authorisation/__init__.py.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.translation import gettext, override

from core.models import Invitation, Membership, Notification
from tests.core.authorisation.assembly import MATRIX
from tests.core.authorisation.matrix import (
    ACTORS,
    ANON,
    GET,
    LOGGED_IN,
    POST,
    SITE_ADMIN,
    SKIPPED_PREFIXES,
    assert_code,
)
from tests.core.authorisation.world import BOGUS_RESET, MatrixWorld


def _cases():
    for name, row in MATRIX.items():
        for (actor, target), code in row.expectations().items():
            yield pytest.param(name, actor, target, code, id=f"{name}-{actor}-{target}")


def _request(client, mw: MatrixWorld, name: str, actor: str, target: str, *, method: str | None = None):
    row = MATRIX[name]
    user = mw.users[actor]
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=row.targets[target](mw))
    method = method or row.method
    if method == POST:
        data = row.data(mw, user, target) if row.data else {}
        return client.post(url, data)
    return client.get(url)


# --- the tests ----------------------------------------------------------------------------------


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace])) or None
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = ":".join(filter(None, [namespace, p.name])) if p.name else None
            yield prefix + str(p.pattern), name


def _project_urls() -> dict[str, str | None]:
    return {
        route: name
        for route, name in _walk(get_resolver().url_patterns)
        if not route.startswith(SKIPPED_PREFIXES)
    }


def test_every_url_is_described():
    urls = _project_urls()
    unnamed = sorted(route for route, name in urls.items() if name is None)
    assert not unnamed, f"URL patterns without a name cannot be checked by the matrix: {unnamed}"
    names = set(urls.values())
    missing = sorted(names - set(MATRIX))
    assert not missing, f"URLs without a row in the authorisation matrix (add one): {missing}"
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"matrix rows for URLs that no longer exist: {stale}"


def test_matrix_tables_are_complete():
    for name, row in MATRIX.items():
        cells = row.expectations()
        assert len(cells) == len(ACTORS) * len(row.targets), name


def test_skipped_urls_exist(client, db, mw):
    routes = [route for route, _ in _walk(get_resolver().url_patterns)]
    assert any(r.startswith("django-admin/") for r in routes)
    assert reverse("core:set_language") == "/i18n/setlang/"
    response = client.get("/django-admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/django-admin/login/")
    # A portal role without is_staff is not let into Django's admin either.
    client.force_login(mw.users["client_admin"])
    response = client.get("/django-admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/django-admin/login/")
    client.force_login(mw.users[SITE_ADMIN])
    assert client.get("/django-admin/").status_code == 200


@pytest.mark.parametrize(("name", "actor", "target", "code"), list(_cases()))
def test_matrix(client, db, mw, monkeypatch, name, actor, target, code):
    row = MATRIX[name]
    for path, replacement in row.patches.items():
        monkeypatch.setattr(path, replacement)
    before = row.state(mw, target) if row.state else None
    response = _request(client, mw, name, actor, target)
    assert_code(response, code, f"{row.method.upper()} {name} as {actor} on {target}")
    if row.state:
        after = row.state(mw, target)
        if code == "R":
            assert after != before, f"{name} as {actor} on {target} redirected but changed nothing"
        else:
            assert after == before, f"{name} as {actor} on {target} was refused but changed {before}→{after}"


# --- a subcontractor ------------------------------------------------------------------------------
# The manager and the worker of an approved subcontractor of contract_a are parties to their own
# link only. On every URL that takes side a's or side b's objects they get what the contractor's
# people get on side b's (FOREIGN), except the cells of SUBCONTRACTOR_OWN: the contractor's
# people, roster, work sites, training and everything else of contract_a stay out of reach.
SUBCONTRACTOR_ACTORS = {"sub_admin": "contractor_admin", "sub_staff": "contractor_staff"}


def _subcontractor_cases():
    from tests.core.matrix_subcontracts import SUBCONTRACTOR_OWN

    for name, row in MATRIX.items():
        cells = row.expectations()
        for target in row.targets:
            if not target.endswith(("_a", "_b")):
                continue
            foreign = target[:-2] + "_b"
            for actor, like in SUBCONTRACTOR_ACTORS.items():
                code = SUBCONTRACTOR_OWN.get((name, target), {}).get(actor) or cells[(like, foreign)]
                yield pytest.param(name, actor, target, code, id=f"{name}-{actor}-{target}")


def test_subcontractor_cases_cover_its_own_cells():
    cases = {(p.values[0], p.values[2]) for p in _subcontractor_cases()}
    from tests.core.matrix_subcontracts import SUBCONTRACTOR_OWN

    assert set(SUBCONTRACTOR_OWN) <= cases


@pytest.mark.parametrize(("name", "actor", "target", "code"), list(_subcontractor_cases()))
def test_subcontractor_matrix(client, db, mw, monkeypatch, name, actor, target, code):
    test_matrix(client, db, mw, monkeypatch, name, actor, target, code)


POST_ONLY = [name for name, row in MATRIX.items() if row.method == POST]


@pytest.mark.parametrize("actor", LOGGED_IN)
@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_urls_refuse_get(client, db, mw, name, actor):
    target = next(iter(MATRIX[name].targets))
    response = _request(client, mw, name, actor, target, method=GET)
    assert response.status_code == 405


# --- pages with conditions the table cannot express ---------------------------------------------


def test_dev_outbox_is_gone_when_disabled(client, db, mw):
    for actor in (ANON, SITE_ADMIN):
        if mw.users[actor]:
            client.force_login(mw.users[actor])
        with override_settings(DEV_OUTBOX=False):
            assert client.get(reverse("core:dev_outbox")).status_code == 404


def test_healthz_tells_no_secrets(client, db):
    response = client.get(reverse("core:healthz"))
    assert response.status_code in (200, 503)
    assert response["Content-Type"] == "application/json"
    payload = response.json()
    assert set(payload) == {"status", "checks"}

    def keys(value):
        if isinstance(value, dict):
            for k, v in value.items():
                yield k
                yield from keys(v)

    for key in keys(payload):
        assert not any(word in key.upper() for word in ("SECRET", "PASSWORD", "KEY", "TOKEN")), key
    text = response.content.decode()
    secrets = [settings.SECRET_KEY, settings.BLIND_INDEX_KEY, settings.CELERY_BROKER_URL]
    secrets += [part.split(":", 1)[1] for part in settings.FIELD_ENCRYPTION_KEYS.split(",")]
    secrets += [settings.DATABASES["default"].get("PASSWORD") or "", settings.EMAIL_HOST_PASSWORD or ""]
    for secret in filter(None, secrets):
        assert secret not in text
    assert "Traceback" not in text


def test_password_reset_confirm_with_bogus_token_says_invalid(client, db):
    response = client.get(reverse("core:password_reset_confirm", kwargs=BOGUS_RESET["bogus"](None)))
    assert response.status_code == 200
    assert response.context["validlink"] is False
    with override("ja"):
        assert gettext("This link is no longer valid") in response.content.decode()


def test_login_page_redirects_logged_in_people_home(client, db, mw):
    client.force_login(mw.users["auditor"])
    response = client.get(reverse("core:login"))
    assert response.headers["Location"] == reverse("core:home")


# --- the module's objects -----------------------------------------------------------------------


def test_matrix_world_is_rolled_back_between_tests(db, mw):
    # A test above deactivated and revoked things; each test starts from the module's state.
    assert Membership.objects.get(pk=mw.members["body_a"].pk).is_active
    assert Invitation.objects.get(pk=mw.invitations["body_a"].pk).revoked_at is None
    assert get_user_model().objects.get(email="a-staff@example.jp").is_active
    assert Notification.objects.get(pk=mw.notifications["foreign"].pk).read_at is None
