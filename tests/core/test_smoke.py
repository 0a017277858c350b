import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_login_page_is_japanese(client):
    response = client.get(reverse("core:login"))
    assert response.status_code == 200
    assert 'lang="ja"' in response.content.decode()


def test_each_role_sees_its_home(client, world):
    for membership in world.a.people.values():
        client.force_login(membership.user)
        response = client.get(reverse("core:home"))
        assert response.status_code == 200, membership.role
        client.logout()
