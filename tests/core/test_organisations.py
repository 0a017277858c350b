"""Organisations and their people: settings, departments, members, the member list, the profile."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext, override

from core import crypto
from core.business_days import calendar_for
from core.models import Department, Event, Membership, Organisation, Role, User
from core.selectors import events_visible_to
from core.views.organisations import PAGE_SIZE
from tests import factories

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _japanese(msgid: str) -> str:
    """The Japanese text of one of the project's messages; xfail while locale/ja lacks it."""
    with override("ja"):
        text = gettext(msgid)
    if not JAPANESE.search(text):
        pytest.xfail(f"locale/ja has no (compiled) translation of {msgid!r} yet")
    return text


def _settings_data(org: Organisation, **changes) -> dict:
    data = {
        "name": org.name,
        "name_kana": org.name_kana,
        "closure_start_month": org.closure_start_month,
        "closure_start_day": org.closure_start_day,
        "closure_end_month": org.closure_end_month,
        "closure_end_day": org.closure_end_day,
    }
    data.update(changes)
    return data


def _closure(org: Organisation) -> tuple[int, int, int, int]:
    org = Organisation.objects.get(pk=org.pk)
    return (org.closure_start_month, org.closure_start_day, org.closure_end_month, org.closure_end_day)


# --- settings -----------------------------------------------------------------------------------


def test_year_end_closure_can_be_changed(client, world):
    body = world.a.body
    client.force_login(world.a.client_admin.user)
    url = reverse("core:organisation_settings", args=[body.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _settings_data(body, closure_start_day=28, closure_end_day=4))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("core:organisation_detail", args=[body.pk])
    assert _closure(body) == (12, 28, 1, 4)
    calendar = calendar_for(Organisation.objects.get(pk=body.pk))
    assert not calendar.is_business_day(date(2026, 12, 28))  # a Monday, now closed
    assert not calendar.is_business_day(date(2027, 1, 4))  # a Monday, now closed
    assert calendar.is_business_day(date(2027, 1, 5))
    event = Event.objects.filter(kind="organisation.updated").latest("id")
    assert event.organisation_id == body.pk
    assert event.data == {"closure_start_day": [29, 28], "closure_end_day": [3, 4]}


def test_impossible_closure_end_is_a_field_error(client, world):
    body = world.a.body
    client.force_login(world.a.client_admin.user)
    response = client.post(
        reverse("core:organisation_settings", args=[body.pk]),
        _settings_data(body, name="改名市", closure_end_month=2, closure_end_day=30),
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["closure_end_day"]
    assert _closure(body) == (12, 29, 1, 3)
    assert Organisation.objects.get(pk=body.pk).name == body.name
    assert not Event.objects.filter(kind="organisation.updated").exists()


def test_impossible_closure_start_is_an_error_at_the_start(client, world):
    body = world.a.body
    client.force_login(world.a.client_admin.user)
    response = client.post(
        reverse("core:organisation_settings", args=[body.pk]),
        _settings_data(body, closure_start_month=2, closure_start_day=30),
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["closure_start_day"]
    assert _closure(body) == (12, 29, 1, 3)


def test_impossible_closure_message_is_for_people(client, world):
    body = world.a.body
    client.force_login(world.a.client_admin.user)
    response = client.post(
        reverse("core:organisation_settings", args=[body.pk]),
        _settings_data(body, closure_end_month=2, closure_end_day=30),
    )
    (message,) = response.context["form"].errors["closure_end_day"]
    assert "(month, day)" not in message  # not the calendar's developer message
    assert message == _japanese("There is no such day: %(month)s/%(day)s.") % {"month": 2, "day": 30}


@pytest.mark.parametrize(("field", "value"), [("closure_start_month", 13), ("closure_end_day", 32)])
def test_out_of_range_closure_is_a_field_error(client, world, field, value):
    body = world.a.body
    client.force_login(world.a.client_admin.user)
    response = client.post(
        reverse("core:organisation_settings", args=[body.pk]), _settings_data(body, **{field: value})
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert _closure(body) == (12, 29, 1, 3)


# --- departments --------------------------------------------------------------------------------


def test_department_create(client, world):
    body = world.a.body
    client.force_login(world.a.client_admin.user)
    url = reverse("core:department_create", args=[body.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": " 情報政策課 "})
    assert response.status_code == 302
    dept = Department.objects.get(organisation=body, name="情報政策課")
    assert dept.group_id
    assert Event.objects.filter(kind="department.created", object_id=str(dept.pk), organisation=body).exists()
    detail = client.get(reverse("core:organisation_detail", args=[body.pk]))
    assert dept in detail.context["departments"]
    # The new department is offered when inviting.
    form = client.get(reverse("core:invite", args=[body.pk])).context["form"]
    assert dept in form.fields["department"].queryset


def test_duplicate_department_is_refused(client, world):
    body = world.a.body
    client.force_login(world.a.client_admin.user)
    before = Department.objects.count()
    response = client.post(reverse("core:department_create", args=[body.pk]), {"name": world.a.dept.name})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Department.objects.count() == before


def test_another_body_may_use_the_same_department_name(client, world):
    client.force_login(world.b.client_admin.user)
    response = client.post(
        reverse("core:department_create", args=[world.b.body.pk]), {"name": world.a.dept.name}
    )
    assert response.status_code == 302


# --- members ------------------------------------------------------------------------------------


def test_deactivate_and_reactivate_a_member(client, world):
    staff = world.a.client_staff
    client.force_login(world.a.client_admin.user)
    response = client.post(reverse("core:membership_deactivate", args=[staff.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:organisation_detail", args=[world.a.body.pk])
    staff.refresh_from_db()
    assert not staff.is_active
    assert staff.deactivated_at is not None
    staff.user.refresh_from_db()
    assert world.a.body.group not in staff.user.groups.all()
    assert world.a.dept.group not in staff.user.groups.all()
    assert Event.objects.filter(kind="membership.deactivated", object_id=str(staff.pk)).exists()
    # Still listed, as deactivated.
    assert staff in response.context["page"].object_list

    client.post(reverse("core:membership_reactivate", args=[staff.pk]))
    staff.refresh_from_db()
    staff.user.refresh_from_db()
    assert staff.is_active and staff.user.is_active
    assert staff.deactivated_at is None
    assert {world.a.body.group, world.a.dept.group} <= set(staff.user.groups.all())
    assert Event.objects.filter(kind="membership.reactivated", object_id=str(staff.pk)).exists()


def test_cannot_deactivate_yourself(client, world):
    admin = world.a.client_admin
    client.force_login(admin.user)
    response = client.post(reverse("core:membership_deactivate", args=[admin.pk]), follow=True)
    assert response.status_code == 200
    with override("ja"):
        expected = gettext("You cannot deactivate yourself.")
    assert [str(m) for m in response.context["messages"]] == [expected]
    admin.refresh_from_db()
    assert admin.is_active
    assert not Event.objects.filter(kind="membership.deactivated").exists()
    # The page offers no deactivate button on one's own row.
    page = client.get(reverse("core:organisation_detail", args=[world.a.body.pk])).content.decode()
    assert reverse("core:membership_deactivate", args=[admin.pk]) not in page
    assert reverse("core:membership_deactivate", args=[world.a.auditor.pk]) in page


def _add_members(org: Organisation, count: int) -> None:
    for i in range(count):
        factories.member(org, Role.CLIENT_STAFF, email=f"bulk{i:03d}@example.jp", full_name=f"職員 {i:03d}")


def test_member_list_paginates(client, world):
    body = world.a.body
    _add_members(body, 60 - Membership.objects.filter(organisation=body).count())
    client.force_login(world.a.client_admin.user)
    url = reverse("core:organisation_detail", args=[body.pk])
    first = client.get(url)
    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert first.context["page"].paginator.num_pages == 2
    second = client.get(url, {"page": 2})
    assert second.status_code == 200
    assert second.context["page"].number == 2
    assert len(second.context["page"].object_list) == 60 - PAGE_SIZE
    assert 'rel="prev"' in second.content.decode()
    shown = {m.pk for m in first.context["page"].object_list} | {
        m.pk for m in second.context["page"].object_list
    }
    assert len(shown) == 60


# Queries of one member-list page for a client administrator, whatever the number of members:
# session, user, data key (cold cache), active membership, the body's group (organisation.group is
# not select_related by the selector), guardian's granted organisations, the organisation, the member
# count, the members.viewed event (savepoint, last hash, insert, release; PostgreSQL adds its
# advisory lock), departments, the page of members, pending invitations, the unread-notification
# count (core.context_processors.portal), and the session save (savepoint, update, release).
MEMBER_LIST_QUERIES = {"sqlite": 18, "postgresql": 19}


@pytest.mark.parametrize("members", [10, 60])
def test_member_list_query_count_is_constant(client, world, django_assert_num_queries, members):
    body = world.a.body
    _add_members(body, members - Membership.objects.filter(organisation=body).count())
    assert Membership.objects.filter(organisation=body).count() == members
    client.force_login(world.a.client_admin.user)
    url = reverse("core:organisation_detail", args=[body.pk])
    crypto.data_key_cache.forget()  # the same (cold) start for both sizes
    with django_assert_num_queries(MEMBER_LIST_QUERIES[connection.vendor]):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(members, PAGE_SIZE)
    assert "職員 000" in response.content.decode()  # names are decrypted for display


def test_each_view_of_the_member_list_is_recorded(client, world):
    body = world.a.body
    viewer = world.a.auditor.user
    client.force_login(viewer)
    url = reverse("core:organisation_detail", args=[body.pk])
    client.get(url)
    client.get(url, {"page": 1})
    events = Event.objects.filter(kind="members.viewed", actor=viewer).order_by("id")
    assert [(e.object_type, e.object_id, e.data) for e in events] == [
        ("core.organisation", str(body.pk), {"page": 1, "viewer_organisation": body.pk}),
    ] * 2
    assert all(e.organisation_id == body.pk for e in events)


def test_a_view_of_a_contractors_members_is_the_viewers_and_the_contractors(client, world):
    """Filed under the body that looked; the contractor whose people were read sees it too."""
    contractor = world.a.contractor
    client.force_login(world.a.client_staff.user)
    assert client.get(reverse("core:organisation_detail", args=[contractor.pk])).status_code == 200
    event = Event.objects.get(kind="members.viewed")
    assert event.organisation_id == world.a.body.pk
    body_admin, contractor_admin = world.a.client_admin, world.a.contractor_admin
    assert events_visible_to(body_admin.user, body_admin).filter(pk=event.pk).exists()
    assert events_visible_to(contractor_admin.user, contractor_admin).filter(pk=event.pk).exists()
    other = world.b.client_admin
    assert not events_visible_to(other.user, other).filter(pk=event.pk).exists()


def test_refused_member_list_is_not_recorded_as_viewed(client, world):
    client.force_login(world.a.contractor_staff.user)
    assert client.get(reverse("core:organisation_detail", args=[world.b.body.pk])).status_code == 404
    assert not Event.objects.filter(kind="members.viewed").exists()


# --- profile ------------------------------------------------------------------------------------


def _raw_user_row(user: User) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT full_name, full_name_kana, phone, full_name_index FROM core_user WHERE id = %s", [user.pk]
        )
        return dict(
            zip(["full_name", "full_name_kana", "phone", "full_name_index"], cursor.fetchone(), strict=True)
        )


def _profile_data(client, **changes) -> dict:
    """What the profile form would post unchanged (whatever fields it has), with `changes`."""
    form = client.get(reverse("core:profile")).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(changes)
    return data


def test_profile_update_encrypts_names(client, world):
    user = world.a.client_staff.user
    client.force_login(user)
    response = client.get(reverse("core:profile"))
    assert response.status_code == 200
    assert Event.objects.filter(kind="profile.viewed", actor=user).exists()
    old_index = _raw_user_row(user)["full_name_index"]

    response = client.post(
        reverse("core:profile"),
        _profile_data(client, full_name="佐藤 花子", full_name_kana="サトウ ハナコ", phone="03-1234-5678"),
    )
    assert response.status_code == 302
    user = User.objects.get(pk=user.pk)
    assert (user.full_name, user.full_name_kana, user.phone) == ("佐藤 花子", "サトウ ハナコ", "03-1234-5678")

    raw = _raw_user_row(user)
    for column in ("full_name", "full_name_kana", "phone"):
        assert raw[column].startswith("enc1:"), raw[column]
    stored = " ".join(str(v) for v in raw.values())
    for plain in ("佐藤", "花子", "サトウ", "03-1234-5678"):
        assert plain not in stored
    assert raw["full_name_index"] != old_index
    assert (
        User.objects.filter(full_name_index=User._meta.get_field("full_name_index").digest("佐藤 花子")).get()
        == user
    )

    event = Event.objects.filter(kind="user.profile_updated").latest("id")
    assert event.actor == user
    assert event.data == {"full_name": "changed", "full_name_kana": "changed", "phone": "changed"}
    assert not any(plain in str(event.data) for plain in ("佐藤", "山田", "サトウ", "03-1234"))


def test_profile_language_change_is_recorded_in_clear(client, world):
    user = world.a.client_staff.user
    client.force_login(user)
    response = client.post(reverse("core:profile"), _profile_data(client, language="en"))
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    event = Event.objects.filter(kind="user.profile_updated").latest("id")
    assert event.data == {"language": ["ja", "en"]}
